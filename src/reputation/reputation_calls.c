/*
 * reputation_calls.c - call patterns (issue 4 section 3): per caller, a
 * ring of its most recent calls (callee fingerprint, time, duration) in
 * the word pool, from which assess counts
 *
 *   CALL_BURST    distinct callees in burst_window (a robodialer),
 *   CALL_REPEAT   calls to this callee in repeat_window (追撃),
 *   CALL_WANGIRI  calls of at most wangiri_seconds (0 = unanswered) in
 *                 repeat_window, when durations were given.
 *
 * A ring starts with 5 entries and doubles (10, 21, 42) only while its
 * oldest entry is still inside the longer window, so a caller that rings
 * once a week holds 5 entries and a robodialer at most 42. The bound
 * means a caller with more than 42 calls inside the window is judged on
 * its newest 42: enough for the default thresholds (10 and 3).
 *
 * The counts include the event being checked (its callee is one more
 * distinct callee and one more call): record the call after the check,
 * as the CLI and the server do.
 */
#include <string.h>

#include "reputation_int.h"
#include "util/util.h"

#define ENTRY_WORDS 3

static unsigned ring_cap(unsigned cls)
{
    return (8u << cls) / ENTRY_WORDS;
}

static uint32_t callee_fp(uint64_t key)
{
    uint32_t fp = (uint32_t)(sift__rep_mix(key) >> 32);
    return fp ? fp : 1;
}

/* The caller's slot; the table is read as sift__rep_num_find() reads
 * the number table (reputation_int.h), *bad set when it looks torn. */
static const struct call_slot *call_find(const struct call_table *t,
                                         uint64_t key, bool *bad)
{
    unsigned bits = RD(t->bits);
    const struct call_slot *slots = RD(t->slots);

    if (bits == 0 || slots == NULL || key == 0)
        return NULL;
    return sift__rep_probe(slots, sizeof(*slots), ((size_t)1 << bits) - 1,
                           sift__rep_slot_of(key, bits), key, bad);
}

/* Safe without the lock, as sift__rep_num_prefetch(): slots and bits are
 * read atomically, and a stale pair costs a wasted read, never a fault. */
void sift__rep_calls_prefetch(const struct call_table *t, uint64_t key)
{
    struct call_slot *slots = __atomic_load_n(&t->slots, __ATOMIC_RELAXED);
    unsigned bits = __atomic_load_n(&t->bits, __ATOMIC_RELAXED);

    if (slots != NULL && bits != 0 && key != 0)
        __builtin_prefetch(&slots[sift__rep_slot_of(key, bits)]);
}

static struct call_slot *call_get(struct call_table *t, uint64_t key)
{
    size_t i;

    if ((t->n + 1) * 4 > t->cap * 3) {
        unsigned bits = t->bits ? t->bits + 1 : 8;
        size_t cap = (size_t)1 << bits;
        struct call_slot *s = sift_calloc(cap, sizeof(*s));
        if (s == NULL)
            return NULL;
        for (size_t j = 0; j < t->cap; j++) {
            if (t->slots[j].key == 0)
                continue;
            for (i = sift__rep_slot_of(t->slots[j].key, bits); s[i].key != 0;
                 i = (i + 1) & (cap - 1))
                ;
            s[i] = t->slots[j];
        }
        sift__rep_retire(t->ret, t->slots);
        PUB(t->slots, s); /* before its size: reputation_int.h */
        t->cap = cap;
        PUB(t->bits, bits);
    }
    for (i = sift__rep_slot_of(key, t->bits);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i].key == key)
            return &t->slots[i];
        if (t->slots[i].key == 0) {
            memset(&t->slots[i], 0, sizeof(t->slots[i]));
            t->slots[i].key = key;
            t->n++;
            return &t->slots[i];
        }
    }
}

void sift__rep_calls_release(struct call_table *t)
{
    sift_free(t->slots);
    memset(t, 0, sizeof(*t));
}

enum sift_rc sift__rep_calls_add(struct sift_reputation *rep, uint64_t caller,
                                 uint64_t callee, int64_t time,
                                 int32_t duration)
{
    struct call_slot *s = call_get(&rep->calls, caller);
    int64_t window = rep->opts.burst_window > rep->opts.repeat_window
                         ? rep->opts.burst_window
                         : rep->opts.repeat_window;
    uint32_t *e;

    if (s == NULL)
        return SIFT_ENOMEM;
    if (s->off == 0) {
        s->off = sift__pool_alloc(&rep->pool, RING_CLASS_MIN);
        if (s->off == 0)
            return SIFT_ENOMEM;
        s->cls = RING_CLASS_MIN;
    }
    if (s->n == ring_cap(s->cls) && s->cls < RING_CLASS_MAX) {
        /* Full: grow only when the oldest entry still counts. */
        const uint32_t *old = rep->pool.w + s->off + s->head * ENTRY_WORDS;
        if ((int64_t)old[1] > time - window) {
            unsigned cls = s->cls + 1u;
            uint32_t off = sift__pool_alloc(&rep->pool, cls);
            if (off == 0)
                return SIFT_ENOMEM;
            /* Unroll the ring oldest first into the new block. */
            for (unsigned k = 0; k < s->n; k++) {
                unsigned from = (s->head + k) % s->n;
                memcpy(rep->pool.w + off + k * ENTRY_WORDS,
                       rep->pool.w + s->off + from * ENTRY_WORDS,
                       ENTRY_WORDS * sizeof(uint32_t));
            }
            sift__pool_free(&rep->pool, s->off, s->cls);
            s->off = off;
            s->cls = (uint8_t)cls;
            s->head = s->n;
        }
    }
    e = rep->pool.w + s->off + s->head * ENTRY_WORDS;
    e[0] = callee ? callee_fp(callee) : 0;
    e[1] = time > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)time;
    e[2] = (uint32_t)duration;
    if (s->n < ring_cap(s->cls))
        s->n++;
    s->head = (uint8_t)((s->head + 1u) % ring_cap(s->cls));
    return SIFT_OK;
}

bool sift__rep_calls_assess(const struct sift_reputation *rep, uint64_t caller,
                            uint64_t callee, int64_t now,
                            struct sift_rep_facts *out)
{
    bool bad = false;
    const struct call_slot *s = call_find(&rep->calls, caller, &bad);
    uint32_t seen[64], me = callee ? callee_fp(callee) : 0;
    unsigned n_seen = 0, repeat = 0, shorts = 0;
    bool me_seen = false;

    if (s != NULL) {
        /* The pool's size before the pool (reputation_int.h); the ring
         * must lie inside it. */
        size_t cap = RD(rep->pool.cap);
        const uint32_t *w = RD(rep->pool.w);
        uint32_t off = s->off;
        unsigned n = s->n;

        if (w == NULL || n > ring_cap(RING_CLASS_MAX) ||
            (size_t)off + (size_t)n * ENTRY_WORDS > cap)
            return false;
        for (unsigned k = 0; k < n; k++) {
            const uint32_t *e = w + off + k * ENTRY_WORDS;
            int64_t age = now - (int64_t)e[1];
            int32_t dur = (int32_t)e[2];
            if (age < 0)
                age = 0; /* clocks disagree a little: count it as now */
            if (age <= rep->opts.burst_window && e[0] != 0) {
                unsigned j;
                for (j = 0; j < n_seen && seen[j] != e[0]; j++)
                    ;
                if (j == n_seen && n_seen < SIFT_ARRAY_LEN(seen))
                    seen[n_seen++] = e[0];
                if (e[0] == me)
                    me_seen = true;
            }
            if (age <= rep->opts.repeat_window) {
                if (me != 0 && e[0] == me)
                    repeat++;
                if (dur >= 0 && dur <= rep->opts.wangiri_seconds)
                    shorts++;
            }
        }
    }
    /* The event itself: one more call, perhaps one more callee. */
    out->burst_callees = n_seen + (me != 0 && !me_seen ? 1u : 0u);
    out->repeat_calls = me != 0 ? repeat + 1 : 0;
    out->short_calls = shorts;
    return !bad;
}
