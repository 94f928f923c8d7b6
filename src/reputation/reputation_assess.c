/*
 * reputation_assess.c - the read path: everything the index knows about
 * one event, gathered without allocating (issue 4 section 4: a check
 * never waits on disk). The engine turns the facts into signals
 * (src/engine/engine_check.c, rep_signals()).
 *
 * First without the lock: inside a read section (util/readers.h) and
 * between two equal, even loads of the index's sequence (a seqlock; the
 * invariants are in reputation_int.h). Nothing is written that other
 * threads read, so calls on one thread overlap their memory reads, and
 * readers on many cores do not pass a lock's cache line between them.
 * When a writer was busy meanwhile (the sequence odd or moved) or a
 * bound did not hold, the same reads run again under the read lock.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "reputation_int.h"
#include "util/readers.h"

#define OPTIMISTIC_TRIES 2

/* The slot's fields as they are; the weight is as of the newest report
 * until decay() brings it to now, after the lock is released. */
static bool number_facts(const struct sift_reputation *rep, uint64_t key,
                         struct sift_rep_facts *out)
{
    bool bad = false;
    const struct num_slot *s = sift__rep_num_find(&rep->nums, key, &bad);

    if (s == NULL)
        return !bad;
    out->reporters = s->n_harm;
    out->safe_reporters = s->n_safe;
    if (s->n_harm > 0) {
        out->reports_weight = s->harm_w;
        out->top_category = (enum sift_report_category)s->cat;
        out->last_report = s->t_last;
    }
    return true;
}

/* Outside the lock: the arithmetic then overlaps the next lookup's
 * memory read instead of holding the lock's release behind it. */
static void decay(double half_life, int64_t now, struct sift_rep_facts *out)
{
    double age;

    if (out->reporters == 0)
        return;
    age = (double)(now - out->last_report);
    if (age > 0)
        out->reports_weight *= exp2(-age / half_life);
}

static bool campaign_facts(const struct sift_reputation *rep, uint64_t fp,
                           struct sift_rep_facts *out)
{
    bool bad = false;
    long ix = sift__rep_camps_find(&rep->camps, fp, rep->opts.campaign_distance,
                                   true, &bad);
    const struct cluster *c;
    size_t cap;
    unsigned n_exact;

    if (ix < 0)
        return !bad;
    /* The clusters' size before the clusters (reputation_int.h). */
    cap = RD(rep->camps.cap);
    c = RD(rep->camps.c);
    if ((size_t)ix >= cap || c == NULL)
        return false;
    c += ix;
    out->campaign = c->id;
    out->campaign_numbers = c->n_numbers;
    n_exact = c->n_exact;
    if (n_exact > MEMBERS_EXACT)
        return false;
    /* The campaign's reputation: the reporters of the numbers it is
     * known by (the first MEMBERS_EXACT of them). */
    for (unsigned i = 0; i < n_exact; i++) {
        const struct num_slot *s =
            sift__rep_num_find(&rep->nums, c->members[i], &bad);
        if (s != NULL)
            out->campaign_reporters += s->n_harm;
    }
    return !bad;
}

/* The caller's key: its E.164 number, else the SMS sender ID (0: none). */
static uint64_t caller_key_of(const struct sift_number *caller,
                              const char *sender)
{
    if (caller != NULL && caller->status == SIFT_NUMBER_OK)
        return sift__rep_number_key(caller);
    if (sender != NULL && sender[0] != '\0')
        return sift__rep_key(sender, strlen(sender));
    return 0;
}

/* Start the memory reads assess makes for a caller's key and a
 * fingerprint. No lock: the tables' addresses are read atomically, and a
 * prefetch of memory a writer has just replaced is only a wasted read,
 * so this never waits behind a writer. */
static void start_reads(const struct sift_reputation *rep, uint64_t key,
                        uint64_t fp)
{
    if (key != 0) {
        sift__rep_num_prefetch(&rep->nums, key);
        sift__rep_calls_prefetch(&rep->calls, key);
    }
    sift__rep_camps_prefetch(&rep->camps, fp);
}

/* Everything but the keys, with or without the read lock; false when
 * something read was torn (only without the lock). The number table
 * comes last: its slot was prefetched, and the other parts (which write
 * other fields) run while that read is on its way. */
static bool assess_parts(const struct sift_reputation *rep,
                         const struct sift_number *caller, uint64_t caller_key,
                         const struct sift_number *callee, uint64_t callee_key,
                         uint64_t fp, int64_t now, struct sift_rep_facts *out)
{
    bool ok = true;

    memset(out, 0, sizeof(*out));
    if (caller_key != 0)
        ok &= sift__rep_calls_assess(rep, caller_key, callee_key, now, out);
    ok &= sift__rep_lists_assess(&rep->lists, caller, caller_key, callee,
                                 callee_key, now, out);
    if (fp != 0)
        ok &= campaign_facts(rep, fp, out);
    if (caller_key != 0)
        ok &= number_facts(rep, caller_key, out);
    return ok;
}

/* One query or a chunk of them. */
struct batch {
    const struct sift_number *const *caller, *const *callee;
    const uint64_t *caller_key, *callee_key, *fp;
    size_t n;
    int64_t now;
    struct sift_rep_facts *out;
};

static bool batch_parts(const struct sift_reputation *rep,
                        const struct batch *b)
{
    bool ok = true;

    for (size_t i = 0; i < b->n && ok; i++)
        ok = assess_parts(rep, b->caller[i], b->caller_key[i], b->callee[i],
                          b->callee_key[i], b->fp[i], b->now, &b->out[i]);
    return ok;
}

/* The facts of b: without the lock when no writer interferes, else
 * under the read lock. Returns the half-life to decay with. */
static double run_batch(const struct sift_reputation *crep,
                        const struct batch *b)
{
    struct sift_reputation *rep = (struct sift_reputation *)crep;
    struct sift__reader *r = sift__reader_self();
    double half_life = rep->half_life; /* set once, at creation */

    for (int t = 0; r != NULL && t < OPTIMISTIC_TRIES; t++) {
        uint64_t s1, s2;
        bool ok;

        sift__read_enter(r);
        s1 = __atomic_load_n(&rep->seq, __ATOMIC_ACQUIRE);
        ok = !(s1 & 1) && batch_parts(rep, b);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        s2 = __atomic_load_n(&rep->seq, __ATOMIC_RELAXED);
        sift__read_exit(r);
        if (ok && s1 == s2)
            return half_life;
    }
    __atomic_fetch_add(&rep->locked_reads, 1, __ATOMIC_RELAXED);
    pthread_rwlock_rdlock(&rep->rw);
    (void)batch_parts(rep, b); /* consistent: writers are excluded */
    pthread_rwlock_unlock(&rep->rw);
    return half_life;
}

void sift_reputation_assess(const struct sift_reputation *rep,
                            const struct sift_number *caller,
                            const char *sender,
                            const struct sift_number *callee, uint64_t fp,
                            int64_t now, struct sift_rep_facts *out)
{
    uint64_t caller_key, callee_key;
    struct batch b;

    if (rep == NULL) {
        memset(out, 0, sizeof(*out));
        return;
    }
    if (now <= 0)
        now = (int64_t)time(NULL);
    caller_key = caller_key_of(caller, sender);
    /* The reads overlap the rest of the setup. */
    start_reads(rep, caller_key, fp);
    callee_key = sift__rep_number_key(callee);
    b.caller = &caller;
    b.callee = &callee;
    b.caller_key = &caller_key;
    b.callee_key = &callee_key;
    b.fp = &fp;
    b.n = 1;
    b.now = now;
    b.out = out;
    decay(run_batch(rep, &b), now, out);
}

void sift_reputation_prefetch(const struct sift_reputation *crep,
                              const struct sift_number *caller,
                              const char *sender, uint64_t fp)
{
    if (crep != NULL)
        start_reads(crep, caller_key_of(caller, sender), fp);
}

/*
 * A batch: the keys of a chunk first, then every query's reads are
 * started (start_reads), then the facts one by one, so the chunk's memory
 * reads overlap instead of following one another. One pass (or one read
 * lock) per chunk.
 */
#define CHUNK 32

void sift_reputation_assess_many(const struct sift_reputation *rep,
                                 const struct sift_rep_query *q, size_t n,
                                 int64_t now, struct sift_rep_facts *out)
{
    const struct sift_number *caller[CHUNK], *callee[CHUNK];
    uint64_t caller_key[CHUNK], callee_key[CHUNK], fp[CHUNK];
    struct batch b;
    double half_life;

    if (n == 0)
        return;
    if (rep == NULL) {
        memset(out, 0, n * sizeof(*out));
        return;
    }
    if (now <= 0)
        now = (int64_t)time(NULL);
    b.caller = caller;
    b.callee = callee;
    b.caller_key = caller_key;
    b.callee_key = callee_key;
    b.fp = fp;
    b.now = now;
    for (size_t at = 0; at < n; at += CHUNK) {
        size_t m = n - at < CHUNK ? n - at : CHUNK;
        for (size_t i = 0; i < m; i++) {
            caller[i] = q[at + i].caller;
            callee[i] = q[at + i].callee;
            fp[i] = q[at + i].fp;
            caller_key[i] = caller_key_of(caller[i], q[at + i].sender);
            callee_key[i] = sift__rep_number_key(callee[i]);
        }
        for (size_t i = 0; i < m; i++)
            start_reads(rep, caller_key[i], fp[i]);
        b.n = m;
        b.out = out + at;
        half_life = run_batch(rep, &b);
        for (size_t i = 0; i < m; i++)
            decay(half_life, now, &out[at + i]);
    }
}
