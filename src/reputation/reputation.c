/*
 * reputation.c - the in-memory reputation index: its life cycle, keys,
 * the word pool, the number table and reports (docs/reputation.md).
 *
 * A report updates one 32-byte slot of an open-addressing table keyed by
 * the number as a 64-bit integer. Reporters are counted once per number:
 * the first reporter's 32-bit fingerprint sits in the slot, the others in
 * a pool record (up to 30 exactly, then a 1024-bit Bloom filter), so a
 * thousand reports from one reporter find the same fingerprint and count
 * once. The recency weight is kept as a decayed sum, one term per
 * distinct reporter added when that reporter first reports:
 * weight(now) = sum 2^(-(now - t_i) / half_life), stored as its value at
 * the newest report (harm_w at t_last) and decayed on read.
 *
 * Locking: every write goes through sift__rep_write_begin() and _end()
 * (rw for writing, seq odd); assess reads without the lock when it can
 * (reputation_assess.c, and the invariants in reputation_int.h).
 */
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "reputation_int.h"
#include "util/readers.h"
#include "util/util.h"

#define NUM_MIN_BITS 8
#define FP_SAFE      1u /* bit 0 of a reporter fingerprint: a safe report */
#define SET_EXACT3   30 /* exact fingerprints in the largest record */
#define BLOOM_WORDS  32 /* 1024 bits */

void sift_reputation_opts_default(struct sift_reputation_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->half_life_days = 30;
    opts->block_reporters = 3;
    opts->burst_callees = 10;
    opts->burst_window = 3600;
    opts->repeat_calls = 3;
    opts->repeat_window = 86400;
    opts->wangiri_seconds = 3;
    opts->campaign_numbers = 3;
    opts->campaign_distance = 10;
}

void sift_reputation_get_opts(const struct sift_reputation *rep,
                              struct sift_reputation_opts *out)
{
    *out = rep->opts;
}

/* ---- keys ------------------------------------------------------------ */

/*
 * "+18776430291" -> 18776430291. E.164 has at most 15 digits and never a
 * leading 0, so up to 18 digits the integer is unique and below 2^60.
 * Anything else (a sender ID "NTT-Finance", national digits) is an ASCII
 * case-folded FNV-1a hash with bit 63 set, so the two never collide.
 */
uint64_t sift__rep_key(const char *s, size_t len)
{
    uint64_t v = 0, h = 0xcbf29ce484222325ull;
    size_t i;

    if (len >= 2 && len <= 19 && s[0] == '+' && s[1] != '0') {
        for (i = 1; i < len && sift__is_digit((unsigned char)s[i]); i++)
            v = v * 10 + (uint64_t)(s[i] - '0');
        if (i == len)
            return v;
    }
    for (i = 0; i < len; i++) {
        h ^= (uint64_t)sift__ascii_lower((unsigned char)s[i]);
        h *= 0x100000001b3ull;
    }
    return sift__rep_mix(h) | KEY_HASHED;
}

/* sift__rep_key() of n's E.164 form, reading it once (every check and
 * every lookup computes this). */
/* Bytes of x (eight characters, the first in the low byte) up to the
 * first that is not an ASCII digit: 0 to 8. */
static unsigned digit_run(uint64_t x)
{
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull, lo = 0x0F0F0F0F0F0F0F0Full;
    /* A byte is a digit when its high nibble is 3 and its low nibble
     * plus 6 does not carry into the high one. */
    uint64_t bad = ((x & hi) ^ 0x3030303030303030ull) |
                   (((x & lo) + 0x0606060606060606ull) & hi);

    return bad ? (unsigned)__builtin_ctzll(bad) / 8 : 8;
}

/* The value of the first k (1..8) digits of x (characters as above). */
static uint64_t digits_value(uint64_t x, unsigned k)
{
    /* The k digits moved to the top bytes, '0's below them: leading
     * zeros, the same value. */
    if (k < 8)
        x = x << (8 * (8 - k)) | (0x3030303030303030ull >> (8 * k));
    x -= 0x3030303030303030ull;
    /* Pairs, then quads, then the eight (the first digit is the low
     * byte, the most significant). */
    x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFull;
    x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFull;
    return (x * 10000 + (x >> 32)) & 0xFFFFFFFFull;
}

uint64_t sift__rep_number_key(const struct sift_number *n)
{
    const char *p;
    uint64_t a, b, v;
    unsigned ka, kb;

    if (n == NULL || n->status != SIFT_NUMBER_OK)
        return 0;
    p = n->e164;
    /* e164 holds "+" and up to 22 more bytes: p[1..16] is inside it. */
    if (p[0] == '+' && p[1] >= '1' && p[1] <= '9') {
        memcpy(&a, p + 1, 8);
        ka = digit_run(a);
        if (ka < 8) {
            if (p[1 + ka] == '\0')
                return digits_value(a, ka);
        } else {
            memcpy(&b, p + 9, 8);
            kb = digit_run(b);
            v = digits_value(a, 8);
            if (kb == 0 && p[9] == '\0')
                return v;
            if (kb < 8 && p[9 + kb] == '\0') {
                static const uint64_t pow10[8] = {
                    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
                return v * pow10[kb] + digits_value(b, kb);
            }
            /* 16 digits or more: rare enough for the plain loop. */
            if (kb == 8) {
                size_t i;
                for (i = 1, v = 0; i <= 18 && p[i] >= '0' && p[i] <= '9'; i++)
                    v = v * 10 + (uint64_t)(p[i] - '0');
                if (p[i] == '\0')
                    return v;
            }
        }
    }
    return sift__rep_key(p, strlen(p));
}

/* ---- the word pool ------------------------------------------------------ */

uint32_t sift__pool_alloc(struct word_pool *p, unsigned c)
{
    size_t words = (size_t)8 << c;
    uint32_t off = p->free_head[c];

    if (off != 0) {
        p->free_head[c] = p->w[off];
        return off;
    }
    if (p->len == 0)
        p->len = 8; /* offset 0 means "none" */
    if (p->len + words > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        uint32_t *w;
        while (cap < p->len + words)
            cap *= 2;
        if (cap > UINT32_MAX)
            return 0;
        /* Readers may be reading the old array (a call ring). */
        w = sift__rep_regrow(p->ret, p->w, p->len * sizeof(*w),
                             cap * sizeof(*w));
        if (w == NULL)
            return 0;
        PUB(p->w, w);
        PUB(p->cap, cap);
    }
    off = (uint32_t)p->len;
    p->len += words;
    return off;
}

void sift__pool_free(struct word_pool *p, uint32_t off, unsigned c)
{
    p->w[off] = p->free_head[c];
    p->free_head[c] = off;
}

/* ---- reporter sets --------------------------------------------------------
 */

/* A record: [0] exact count, [1] class, [2..] fingerprints; class 3 adds
 * a Bloom filter at [32..64) for reporters beyond SET_EXACT3. */
static unsigned set_exact_cap(unsigned cls)
{
    return cls >= 3 ? SET_EXACT3 : (8u << cls) - 2;
}

/* Move a full record of class cls to class cls + 1. */
static int set_grow(struct word_pool *p, uint32_t *ext, uint32_t cls)
{
    uint32_t off = *ext, noff = sift__pool_alloc(p, cls + 1);

    if (noff == 0)
        return -1;
    memcpy(p->w + noff, p->w + off, (2 + p->w[off]) * sizeof(uint32_t));
    p->w[noff + 1] = cls + 1;
    if (cls + 1 == 3)
        memset(p->w + noff + 32, 0, BLOOM_WORDS * sizeof(uint32_t));
    sift__pool_free(p, off, cls);
    *ext = noff;
    return 0;
}

/* 1: fp is new (now counted), 0: seen before, -1: out of memory. */
static int set_add(struct word_pool *p, uint32_t *ext, uint32_t fp)
{
    uint32_t n, cls, *w;

    if (*ext == 0) {
        uint32_t off = sift__pool_alloc(p, 0);
        if (off == 0)
            return -1;
        p->w[off] = 0;
        p->w[off + 1] = 0;
        *ext = off;
    }
    w = p->w + *ext;
    n = w[0];
    cls = w[1];
    for (uint32_t i = 0; i < n; i++)
        if (w[2 + i] == fp)
            return 0;
    while (n >= set_exact_cap(cls) && cls < 3) {
        if (set_grow(p, ext, cls) != 0)
            return -1;
        cls++;
    }
    w = p->w + *ext;
    if (n < set_exact_cap(cls)) {
        w[2 + n] = fp;
        w[0] = n + 1;
        return 1;
    }
    {
        /* Beyond the exact part: a Bloom filter. A reporter seen before
         * finds its bits set and is not counted again; a new one whose
         * bits happen to be set is missed (an undercount, never more). */
        uint64_t h = sift__rep_mix(fp);
        uint32_t *bloom = w + 32;
        bool seen = true;
        for (int k = 0; k < 3; k++) {
            unsigned bit = (unsigned)(h >> (k * 10)) & 1023u;
            if (!(bloom[bit >> 5] & (1u << (bit & 31)))) {
                seen = false;
                bloom[bit >> 5] |= 1u << (bit & 31);
            }
        }
        return seen ? 0 : 1;
    }
}

/* ---- the number table ------------------------------------------------------
 */

const struct num_slot *sift__rep_num_find(const struct num_table *t,
                                          uint64_t key, bool *bad)
{
    unsigned bits = RD(t->bits);
    const struct num_slot *slots = RD(t->slots);

    if (bits == 0 || slots == NULL || key == 0)
        return NULL;
    return sift__rep_probe(slots, sizeof(*slots), ((size_t)1 << bits) - 1,
                           sift__rep_slot_of(key, bits), key, bad);
}

/* Safe without the lock: slots and bits are read atomically and, being
 * only a prefetch, a stale pair (a table being replaced) costs a wasted
 * read, never a fault. */
void sift__rep_num_prefetch(const struct num_table *t, uint64_t key)
{
    struct num_slot *slots = __atomic_load_n(&t->slots, __ATOMIC_RELAXED);
    unsigned bits = __atomic_load_n(&t->bits, __ATOMIC_RELAXED);

    if (slots != NULL && bits != 0 && key != 0)
        __builtin_prefetch(&slots[sift__rep_slot_of(key, bits)]);
}

static enum sift_rc num_grow(struct num_table *t)
{
    unsigned bits = t->bits ? t->bits + 1 : NUM_MIN_BITS;
    size_t cap = (size_t)1 << bits, mask = cap - 1;
    struct num_slot *slots;
    void *mem;

    if (cap > (SIZE_MAX - 64) / sizeof(*slots))
        return SIFT_ENOMEM;
    mem = sift_malloc(cap * sizeof(*slots) + 64);
    if (mem == NULL)
        return SIFT_ENOMEM;
    slots = (struct num_slot *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
    if (cap * sizeof(*slots) >= ((size_t)8 << 20)) {
        /* Huge pages spare the TLB a miss per lookup in a table of many
         * MB (only advice: the allocator hook's memory is used as is).
         * The advice must come before the pages are first touched, so
         * the table is cleared after it, not allocated cleared. */
        uintptr_t a = ((uintptr_t)slots + 4095) & ~(uintptr_t)4095;
        uintptr_t e = ((uintptr_t)(slots + cap)) & ~(uintptr_t)4095;
        if (e > a)
            madvise((void *)a, e - a, MADV_HUGEPAGE);
    }
    memset(slots, 0, cap * sizeof(*slots));
    for (size_t j = 0; j < t->cap; j++) {
        size_t i;
        if (t->slots[j].key == 0)
            continue;
        for (i = sift__rep_slot_of(t->slots[j].key, bits); slots[i].key != 0;
             i = (i + 1) & mask)
            ;
        slots[i] = t->slots[j];
    }
    sift__rep_retire(t->ret, t->mem);
    t->mem = mem;
    /* The table before its size (reputation_int.h): a reader that sees
     * the new size sees the new table. */
    PUB(t->slots, slots);
    t->cap = cap;
    PUB(t->bits, bits);
    return SIFT_OK;
}

static struct num_slot *num_get(struct num_table *t, uint64_t key)
{
    size_t mask, i;

    if ((t->n + 1) * 4 > t->cap * 3 && num_grow(t) != SIFT_OK)
        return NULL;
    mask = t->cap - 1;
    for (i = sift__rep_slot_of(key, t->bits);; i = (i + 1) & mask) {
        struct num_slot *s = &t->slots[i];
        if (s->key == key)
            return s;
        if (s->key == 0) {
            memset(s, 0, sizeof(*s));
            s->key = key;
            t->n++;
            return s;
        }
    }
}

/* ---- life cycle ---------------------------------------------------------- */

enum sift_rc sift_reputation_new(struct sift_reputation **out,
                                 const struct sift_reputation_opts *opts,
                                 struct sift_err *err)
{
    struct sift_reputation *rep;
    enum sift_rc rc;

    *out = NULL;
    rep = sift_calloc(1, sizeof(*rep));
    if (rep == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    if (opts != NULL)
        rep->opts = *opts;
    else
        sift_reputation_opts_default(&rep->opts);
    if (!(rep->opts.half_life_days > 0) || rep->opts.block_reporters == 0 ||
        rep->opts.burst_callees == 0 || rep->opts.repeat_calls == 0 ||
        rep->opts.campaign_numbers == 0 || rep->opts.burst_window <= 0 ||
        rep->opts.repeat_window <= 0) {
        sift_free(rep);
        return sift__err_set(err, SIFT_EINVAL, "opts",
                             "reputation options must be positive");
    }
    /* The banded index finds every fingerprint within 11 bits
     * (reputation_campaign.c). */
    if (rep->opts.campaign_distance > 11)
        rep->opts.campaign_distance = 11;
    rep->half_life = rep->opts.half_life_days * 86400.0;
    pthread_rwlock_init(&rep->rw, NULL);
    rc = sift__rep_lists_init(&rep->lists);
    if (rc == SIFT_OK)
        rc = sift__rep_camps_init(&rep->camps, &rep->retired);
    rep->pool.ret = &rep->retired;
    rep->nums.ret = &rep->retired;
    rep->calls.ret = &rep->retired;
    rep->lists.ret = &rep->retired;
    if (rc != SIFT_OK) {
        sift_reputation_free(rep);
        return sift__err_set(err, rc, NULL, "out of memory");
    }
    *out = rep;
    return SIFT_OK;
}

void sift_reputation_free(struct sift_reputation *rep)
{
    if (rep == NULL)
        return;
    sift__rep_lists_release(&rep->lists);
    sift__rep_calls_release(&rep->calls);
    sift__rep_camps_release(&rep->camps);
    sift_free(rep->nums.mem);
    sift_free(rep->pool.w);
    for (size_t i = 0; i < rep->retired.n; i++)
        sift_free(rep->retired.p[i]);
    sift_free(rep->retired.p);
    pthread_rwlock_destroy(&rep->rw);
    sift_free(rep);
}

/* ---- writing: the lock, the sequence and retired blocks ------------------ */

void sift__rep_retire(struct retired *r, void *p)
{
    if (p == NULL)
        return;
    if (r == NULL) { /* not published yet: nobody reads it */
        sift_free(p);
        return;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        void **v = sift_realloc(r->p, cap * sizeof(*v));
        if (v == NULL) {
            /* Cannot keep it for later: wait for the readers now (they
             * never wait for the writer, so this ends). */
            sift__readers_wait();
            sift_free(p);
            return;
        }
        r->p = v;
        r->cap = cap;
    }
    r->p[r->n++] = p;
}

void *sift__rep_regrow(struct retired *r, void *old, size_t keep, size_t bytes)
{
    void *v = sift_malloc(bytes);

    if (v == NULL)
        return NULL;
    if (old != NULL && keep > 0)
        memcpy(v, old, keep);
    sift__rep_retire(r, old);
    return v;
}

void sift__rep_write_begin(struct sift_reputation *rep)
{
    pthread_rwlock_wrlock(&rep->rw);
    /* Odd before any change is seen (the fence orders the stores). */
    __atomic_store_n(&rep->seq, rep->seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

void sift__rep_write_end(struct sift_reputation *rep)
{
    void **p = rep->retired.p;
    size_t n = rep->retired.n;

    /* Even after every change: release orders them before it. */
    __atomic_store_n(&rep->seq, rep->seq + 1, __ATOMIC_RELEASE);
    rep->retired.p = NULL;
    rep->retired.n = rep->retired.cap = 0;
    pthread_rwlock_unlock(&rep->rw);
    if (n == 0) {
        sift_free(p);
        return;
    }
    /* Readers that were inside may still hold the old blocks. */
    sift__readers_wait();
    for (size_t i = 0; i < n; i++)
        sift_free(p[i]);
    sift_free(p);
}

/* ---- reports ---------------------------------------------------------------
 */

static uint32_t clamp_time(int64_t t)
{
    if (t <= 0)
        t = (int64_t)time(NULL);
    return t > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static void add_harm(struct sift_reputation *rep, struct num_slot *s,
                     uint32_t t, enum sift_report_category cat)
{
    if (s->n_harm < UINT16_MAX)
        s->n_harm++;
    if (s->harm_w <= 0) {
        s->harm_w = 1;
        s->t_last = t;
    } else if (t >= s->t_last) {
        s->harm_w = (float)(s->harm_w * exp2(-(double)(t - s->t_last) /
                                             rep->half_life) +
                            1.0);
        s->t_last = t;
    } else {
        s->harm_w += (float)exp2(-(double)(s->t_last - t) / rep->half_life);
    }
    /* Boyer-Moore majority vote: the category most reporters chose when
     * one has a majority, else a recent strong one. */
    if (s->cat_votes == 0) {
        s->cat = (uint8_t)cat;
        s->cat_votes = 1;
    } else if (s->cat == cat) {
        if (s->cat_votes < UINT8_MAX)
            s->cat_votes++;
    } else {
        s->cat_votes--;
    }
}

/* Key k (named name) now has n distinct harm reporters: keep the top
 * SIFT_REP_TOP_MAX. Counts only grow, so a key outside the top enters
 * exactly when it passes the last one, and the top stays exact. */
static void top_note(struct sift_reputation *rep, uint64_t k, const char *name,
                     unsigned n)
{
    unsigned i;

    for (i = 0; i < rep->n_top && rep->top[i].k != k; i++)
        ;
    if (i == rep->n_top) {
        if (rep->n_top == SIFT_REP_TOP_MAX) {
            if (n <= rep->top[SIFT_REP_TOP_MAX - 1].pub.reporters)
                return;
            i = SIFT_REP_TOP_MAX - 1;
        } else {
            rep->n_top++;
        }
        rep->top[i].k = k;
        sift__strlcpy(rep->top[i].pub.key, name, sizeof(rep->top[i].pub.key));
    }
    rep->top[i].pub.reporters = n;
    for (; i > 0 && rep->top[i - 1].pub.reporters < n; i--) {
        struct rep_top t = rep->top[i - 1];
        rep->top[i - 1] = rep->top[i];
        rep->top[i] = t;
    }
}

size_t sift_reputation_most_reported(const struct sift_reputation *crep,
                                     struct sift_rep_top *out, size_t max)
{
    struct sift_reputation *rep = (struct sift_reputation *)crep;
    size_t n;

    if (rep == NULL || out == NULL)
        return 0;
    pthread_rwlock_rdlock(&rep->rw);
    n = rep->n_top < max ? rep->n_top : max;
    for (size_t i = 0; i < n; i++)
        out[i] = rep->top[i].pub;
    pthread_rwlock_unlock(&rep->rw);
    return n;
}

enum sift_rc sift_reputation_add_report(struct sift_reputation *rep,
                                        const struct sift_report *r)
{
    struct num_slot *s;
    uint64_t key;
    uint32_t fp;
    bool safe;
    int added;
    enum sift_rc rc = SIFT_OK;

    if (rep == NULL || r == NULL || r->key == NULL || r->key[0] == '\0' ||
        (unsigned)r->category >= SIFT_CAT_COUNT)
        return SIFT_EINVAL;
    safe = r->category == SIFT_CAT_SAFE;
    /* The reporter hash is already a salted SHA-256: its first 32 bits
     * are as good as any. Two reporters sharing them (odds 2^-32) count
     * once: the error only ever undercounts. */
    fp = (uint32_t)r->reporter[0] | (uint32_t)r->reporter[1] << 8 |
         (uint32_t)r->reporter[2] << 16 | (uint32_t)r->reporter[3] << 24;
    fp = (fp & ~FP_SAFE) | (safe ? FP_SAFE : 0);
    if (fp < 2)
        fp |= 2; /* 0 means "no reporter yet" */

    sift__rep_write_begin(rep);
    key = sift__rep_key(r->key, strlen(r->key));
    s = num_get(&rep->nums, key);
    if (s == NULL) {
        rc = SIFT_ENOMEM;
        goto out;
    }
    if (s->fp0 == 0) {
        s->fp0 = fp;
        added = 1;
    } else if (s->fp0 == fp) {
        added = 0;
    } else {
        uint32_t ext = s->ext;
        added = set_add(&rep->pool, &ext, fp);
        s->ext = ext;
    }
    if (added < 0) {
        rc = SIFT_ENOMEM;
    } else if (added > 0) {
        if (safe) {
            if (s->n_safe < UINT16_MAX)
                s->n_safe++;
        } else {
            add_harm(rep, s, clamp_time(r->time), r->category);
            top_note(rep, key, r->key, s->n_harm);
        }
    }
out:
    sift__rep_write_end(rep);
    return rc;
}

/* ---- calls, lists and messages: lock, then the part's own code ---------- */

static bool is_state(const char *from)
{
    static const char *const states[] = {"withheld", "unavailable", "payphone",
                                         "empty", "anonymous"};
    for (size_t i = 0; i < SIFT_ARRAY_LEN(states); i++)
        if (strcmp(from, states[i]) == 0)
            return true;
    return false;
}

enum sift_rc sift_reputation_add_call(struct sift_reputation *rep,
                                      const struct sift_call *c)
{
    enum sift_rc rc;

    if (rep == NULL || c == NULL || c->from == NULL)
        return SIFT_EINVAL;
    /* A withheld caller has no identity to follow. */
    if (c->from[0] == '\0' || is_state(c->from))
        return SIFT_OK;
    sift__rep_write_begin(rep);
    rc = sift__rep_calls_add(
        rep, sift__rep_key(c->from, strlen(c->from)),
        c->to && c->to[0] ? sift__rep_key(c->to, strlen(c->to)) : 0,
        c->time > 0 ? c->time : (int64_t)time(NULL), c->duration);
    sift__rep_write_end(rep);
    return rc;
}

enum sift_rc sift_reputation_add_list(struct sift_reputation *rep,
                                      const struct sift_list_entry *e)
{
    enum sift_rc rc;

    if (rep == NULL || e == NULL || e->value == NULL || e->value[0] == '\0')
        return SIFT_EINVAL;
    sift__rep_write_begin(rep);
    rc = sift__rep_lists_add(&rep->lists, e);
    sift__rep_write_end(rep);
    return rc;
}

void sift_reputation_remove_list(struct sift_reputation *rep, int64_t id)
{
    if (rep == NULL)
        return;
    sift__rep_write_begin(rep);
    sift__rep_lists_remove(&rep->lists, id);
    sift__rep_write_end(rep);
}

/* ---- stats
 * ------------------------------------------------------------------- */

void sift_reputation_stats(const struct sift_reputation *crep,
                           struct sift_reputation_stats *out)
{
    struct sift_reputation *rep = (struct sift_reputation *)crep;
    const struct list_index *li = &rep->lists;

    memset(out, 0, sizeof(*out));
    pthread_rwlock_rdlock(&rep->rw);
    out->numbers = rep->nums.n;
    out->lists = li->n_live;
    out->calls = rep->calls.n;
    out->campaigns = rep->camps.n_formed;
    out->bytes = sizeof(*rep) + rep->nums.cap * sizeof(struct num_slot) +
                 rep->pool.cap * sizeof(uint32_t) +
                 rep->calls.cap * sizeof(struct call_slot) +
                 li->cap_recs * sizeof(struct list_rec) +
                 li->exact_cap * sizeof(struct exact_slot) +
                 li->cap_nodes * sizeof(struct trie_node) +
                 sift__rep_camps_bytes(&rep->camps);
    for (size_t i = 0; i < li->n_recs; i++)
        out->bytes += li->recs[i].text ? strlen(li->recs[i].pub.value) + 1 : 0;
    out->locked_reads = __atomic_load_n(&rep->locked_reads, __ATOMIC_RELAXED);
    pthread_rwlock_unlock(&rep->rw);
}
