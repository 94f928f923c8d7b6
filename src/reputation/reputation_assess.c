/*
 * reputation_assess.c - the read path: everything the index knows about
 * one event, gathered under the read lock without allocating (issue 4
 * section 4: a check never waits on disk). The engine turns the facts
 * into signals (src/engine/engine_check.c, rep_signals()).
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "reputation_int.h"

/* The slot's fields as they are; the weight is as of the newest report
 * until decay() brings it to now, after the lock is released. */
static void number_facts(const struct sift_reputation *rep, uint64_t key,
                         struct sift_rep_facts *out)
{
    const struct num_slot *s = sift__rep_num_find(&rep->nums, key);

    if (s == NULL)
        return;
    out->reporters = s->n_harm;
    out->safe_reporters = s->n_safe;
    if (s->n_harm > 0) {
        out->reports_weight = s->harm_w;
        out->top_category = (enum sift_report_category)s->cat;
        out->last_report = s->t_last;
    }
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

static void campaign_facts(const struct sift_reputation *rep, uint64_t fp,
                           struct sift_rep_facts *out)
{
    long ix = sift__rep_camps_find(&rep->camps, fp, rep->opts.campaign_distance,
                                   true);
    const struct cluster *c;

    if (ix < 0)
        return;
    c = &rep->camps.c[ix];
    out->campaign = c->id;
    out->campaign_numbers = c->n_numbers;
    /* The campaign's reputation: the reporters of the numbers it is
     * known by (the first MEMBERS_EXACT of them). */
    for (unsigned i = 0; i < c->n_exact; i++) {
        const struct num_slot *s =
            sift__rep_num_find(&rep->nums, c->members[i]);
        if (s != NULL)
            out->campaign_reporters += s->n_harm;
    }
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

/* Everything but the keys; the read lock is held. The number table
 * comes last: its slot was prefetched, and the other parts (which write
 * other fields) run while that read is on its way. */
static void assess_locked(const struct sift_reputation *rep,
                          const struct sift_number *caller, uint64_t caller_key,
                          const struct sift_number *callee, uint64_t callee_key,
                          uint64_t fp, int64_t now, struct sift_rep_facts *out)
{
    if (caller_key != 0)
        sift__rep_calls_assess(rep, caller_key, callee_key, now, out);
    sift__rep_lists_assess(&rep->lists, caller, caller_key, callee, callee_key,
                           now, out);
    if (fp != 0)
        campaign_facts(rep, fp, out);
    if (caller_key != 0)
        number_facts(rep, caller_key, out);
}

void sift_reputation_assess(const struct sift_reputation *crep,
                            const struct sift_number *caller,
                            const char *sender,
                            const struct sift_number *callee, uint64_t fp,
                            int64_t now, struct sift_rep_facts *out)
{
    struct sift_reputation *rep = (struct sift_reputation *)crep;
    uint64_t caller_key, callee_key;
    double half_life;

    memset(out, 0, sizeof(*out));
    if (rep == NULL)
        return;
    if (now <= 0)
        now = (int64_t)time(NULL);
    caller_key = caller_key_of(caller, sender);
    /* The reads overlap the rest of the setup and the lock. */
    start_reads(rep, caller_key, fp);
    callee_key = sift__rep_number_key(callee);

    pthread_rwlock_rdlock(&rep->rw);
    assess_locked(rep, caller, caller_key, callee, callee_key, fp, now, out);
    half_life = rep->half_life;
    pthread_rwlock_unlock(&rep->rw);
    decay(half_life, now, out);
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
 * reads overlap instead of following one another. One read lock per
 * chunk.
 */
#define CHUNK 32

void sift_reputation_assess_many(const struct sift_reputation *crep,
                                 const struct sift_rep_query *q, size_t n,
                                 int64_t now, struct sift_rep_facts *out)
{
    struct sift_reputation *rep = (struct sift_reputation *)crep;
    uint64_t caller_key[CHUNK], callee_key[CHUNK];
    double half_life;

    if (n == 0)
        return;
    memset(out, 0, n * sizeof(*out));
    if (rep == NULL)
        return;
    if (now <= 0)
        now = (int64_t)time(NULL);
    for (size_t at = 0; at < n; at += CHUNK) {
        size_t m = n - at < CHUNK ? n - at : CHUNK;
        for (size_t i = 0; i < m; i++) {
            caller_key[i] = caller_key_of(q[at + i].caller, q[at + i].sender);
            callee_key[i] = sift__rep_number_key(q[at + i].callee);
        }
        for (size_t i = 0; i < m; i++)
            start_reads(rep, caller_key[i], q[at + i].fp);
        pthread_rwlock_rdlock(&rep->rw);
        for (size_t i = 0; i < m; i++)
            assess_locked(rep, q[at + i].caller, caller_key[i],
                          q[at + i].callee, callee_key[i], q[at + i].fp, now,
                          &out[at + i]);
        half_life = rep->half_life;
        pthread_rwlock_unlock(&rep->rw);
        for (size_t i = 0; i < m; i++)
            decay(half_life, now, &out[at + i]);
    }
}
