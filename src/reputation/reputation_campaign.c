/*
 * reputation_campaign.c - one message behind rotating numbers (issue 4
 * section 3, CAMPAIGN).
 *
 * Fingerprint: reputation_fingerprint.c (a 64-bit SimHash of the
 * normalised text).
 *
 * Index: every message seen starts or joins a cluster. A cluster whose
 * message came from campaign_numbers distinct numbers is a campaign.
 * Near-duplicates are found without a scan by banded LSH: the 64 bits are
 * cut into 4 bands of 16 bits, each band value heads a chain of the
 * clusters with that value, and a query probes each band's value and its
 * neighbours within one bit (68 chains). Two fingerprints within 7 bits
 * differ in at most one bit in some band (pigeonhole), so every cluster
 * within 7 bits is found; from 8 to campaign_distance (default 10) bits a
 * cluster is found when some band is within one bit, which holds for most
 * near-duplicates (the bits that differ bunch unevenly) but is not
 * guaranteed. The write path (which cluster a message joins) probes the
 * 68 chains. The check's path (formed campaigns only) reads 4 buckets:
 * each formed campaign is filed under every band's value and the 16
 * values one bit away, so the bucket of a query's own band value holds
 * exactly the campaigns the 17 probes of that band would find. Buckets
 * are runs of fingerprints in one array, checked by popcount; the
 * cluster behind a hit comes from a fingerprint -> cluster table.
 *
 * Bounds: campaigns are kept; candidates (clusters not yet campaigns) are
 * capped at max_candidates and, when the cap is reached, the older half
 * is dropped and the chains rebuilt (an O(n) step, amortised over the
 * next half of new messages). Each cluster keeps its first MEMBERS_EXACT
 * numbers exactly and the rest in a 256-bit Bloom filter.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "reputation_int.h"
#include "util/cpu.h"
#include "util/util.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define CAMP_SIMD 1
#include <immintrin.h>
#else
#define CAMP_SIMD 0
#endif

#define MAX_CANDIDATES (1u << 18)
#define BUCKETS_ALL    ((size_t)BANDS << BAND_BITS)

/* ---- the index ------------------------------------------------------------
 */

static unsigned band(uint64_t fp, int b)
{
    return (unsigned)(fp >> (b * BAND_BITS)) & 0xffffu;
}

enum sift_rc sift__rep_camps_init(struct campaign_index *ci,
                                  struct retired *ret)
{
    memset(ci, 0, sizeof(*ci));
    ci->ret = ret;
    ci->heads = sift_calloc((size_t)BANDS << BAND_BITS, sizeof(uint32_t));
    ci->next_id = 1;
    ci->max_candidates = MAX_CANDIDATES;
    return ci->heads ? SIFT_OK : SIFT_ENOMEM;
}

static void formed_free(struct formed_index *fi, struct retired *ret);

void sift__rep_camps_release(struct campaign_index *ci)
{
    sift_free(ci->c);
    sift_free(ci->links);
    sift_free(ci->heads);
    formed_free(ci->formed, NULL);
    memset(ci, 0, sizeof(*ci));
}

size_t sift__rep_camps_bytes(const struct campaign_index *ci)
{
    const struct formed_index *fi = ci->formed;
    size_t b = ci->cap * (sizeof(struct cluster) + sizeof(struct camp_link)) +
               BUCKETS_ALL * sizeof(uint32_t);

    if (fi != NULL)
        b += sizeof(*fi) +
             BUCKETS_ALL * (sizeof(struct fbucket) + sizeof(uint32_t)) +
             fi->cap * sizeof(uint64_t) +
             fi->owner_cap * sizeof(struct owner_slot);
    return b;
}

static void link_cluster(struct campaign_index *ci, uint32_t ix)
{
    struct camp_link *l = &ci->links[ix];

    l->fp = ci->c[ix].fp;
    l->formed = ci->c[ix].id != 0;
    for (int b = 0; b < BANDS; b++) {
        uint32_t *head = &ci->heads[((size_t)b << BAND_BITS) + band(l->fp, b)];
        l->next[b] = *head;
        *head = ix + 1;
    }
}

/* Is a better than b for a query: nearer, then a campaign, then older. */
static bool better(const struct campaign_index *ci, long a, unsigned da, long b,
                   unsigned db)
{
    if (b < 0 || da != db)
        return b < 0 || da < db;
    if (ci->links[a].formed != ci->links[b].formed)
        return ci->links[a].formed != 0;
    return a < b;
}

/* Bits set in x (the compiler's builtin is a library call unless the
 * build targets a CPU with POPCNT). */
static unsigned popcount64(uint64_t x)
{
#ifdef __POPCNT__
    return (unsigned)__builtin_popcountll(x);
#else
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
#endif
}

#define PROBES_MAX (BANDS * (1 + BAND_BITS))

/* The band values a query probes: its own (flips false) or, for radius
 * 1, the 16 one bit away (flips true), in each band. Probe radius r per
 * band finds every fingerprint within 4 * (r + 1) - 1 bits: 0 -> 3, 1 ->
 * 7 (radius 2, 548 probes, would reach 11 but costs 8 times as much per
 * check). */
static unsigned probe_values(uint64_t fp, bool flips,
                             uint16_t value[PROBES_MAX],
                             uint8_t band_ix[PROBES_MAX])
{
    unsigned n = 0;

    for (int b = 0; b < BANDS; b++) {
        unsigned v = band(fp, b);
        if (!flips) {
            value[n] = (uint16_t)v;
            band_ix[n++] = (uint8_t)b;
        }
        for (unsigned i = 0; flips && i < BAND_BITS; i++) {
            value[n] = (uint16_t)(v ^ (1u << i));
            band_ix[n++] = (uint8_t)b;
        }
    }
    return n;
}

/* Walk the chains of n probes, keeping the best cluster within distance
 * in *best, *best_d. Two passes so that the reads overlap: every chain
 * head first (prefetched together), then the chains, each first link
 * prefetched before any is read. */
static void walk_chains(const struct campaign_index *ci, uint64_t fp,
                        unsigned distance, const uint16_t *value,
                        uint8_t *band_ix, unsigned n, long *best,
                        unsigned *best_d)
{
    uint32_t head[PROBES_MAX];
    unsigned m = 0;

    for (unsigned k = 0; k < n; k++)
        __builtin_prefetch(
            &ci->heads[((size_t)band_ix[k] << BAND_BITS) + value[k]]);
    for (unsigned k = 0; k < n; k++) {
        uint32_t h = ci->heads[((size_t)band_ix[k] << BAND_BITS) + value[k]];
        if (h != 0) {
            __builtin_prefetch(&ci->links[h - 1]);
            head[m] = h;
            band_ix[m++] = band_ix[k];
        }
    }
    /* The chains walked side by side, one link of each per round, the
     * next round's links prefetched: their reads overlap instead of one
     * cache miss after another (a full pool has about four links a chain,
     * about 270 in all). better() is a total order, so the order of the
     * visits does not change the answer. */
    while (m > 0) {
        unsigned live = 0;
        for (unsigned k = 0; k < m; k++) {
            uint32_t i = head[k];
            const struct camp_link *l = &ci->links[i - 1];
            unsigned d = popcount64(l->fp ^ fp);
            uint32_t next = l->next[band_ix[k]];
            if (d <= distance && better(ci, (long)(i - 1), d, *best, *best_d)) {
                *best = (long)(i - 1);
                *best_d = d;
            }
            if (next != 0) {
                __builtin_prefetch(&ci->links[next - 1]);
                head[live] = next;
                band_ix[live++] = band_ix[k];
            }
        }
        m = live;
    }
}

/* All clusters, through the chains (the write path): the query's own
 * band values first, then, for a distance over 3, the 64 one bit away.
 * A cluster k <= 3 bits away has at least 4 - k of its band values the
 * query's own, so every cluster that near is on the first four chains:
 * when the best found there is within 3 bits, nothing only the other 64
 * probes reach is as near, and they are not read (a campaign's messages
 * are mostly the same text, digits folded: 4 probes instead of 68). */
static long chains_find(const struct campaign_index *ci, uint64_t fp,
                        unsigned distance)
{
    uint16_t value[PROBES_MAX];
    uint8_t band_ix[PROBES_MAX];
    unsigned n, best_d = 65;
    long best = -1;

    n = probe_values(fp, false, value, band_ix);
    walk_chains(ci, fp, distance, value, band_ix, n, &best, &best_d);
    if (best_d < BANDS || distance < BANDS)
        return best;
    n = probe_values(fp, true, value, band_ix);
    walk_chains(ci, fp, distance, value, band_ix, n, &best, &best_d);
    return best;
}

/* ---- the formed campaigns' buckets ----------------------------------------
 */

/* Free an index and its arrays, or retire them when ret is not NULL
 * (it was published: readers may hold it). NULL: nothing. */
static void formed_free(struct formed_index *fi, struct retired *ret)
{
    if (fi == NULL)
        return;
    if (ret == NULL) {
        sift_free(fi->fp);
        sift_free(fi->head);
        sift_free(fi->room);
        sift_free(fi->owner);
        sift_free(fi);
        return;
    }
    sift__rep_retire(ret, fi->fp);
    sift__rep_retire(ret, fi->head);
    sift__rep_retire(ret, fi->room);
    sift__rep_retire(ret, fi->owner);
    sift__rep_retire(ret, fi);
}

/* The 68 buckets a campaign is filed under: in each band, its value and
 * the 16 values one bit away. */
#define FILED (BANDS * (1 + BAND_BITS))

static void filed_buckets(uint64_t fp, uint32_t out[FILED])
{
    unsigned n = 0;

    for (int b = 0; b < BANDS; b++) {
        uint32_t v = band(fp, b), base = (uint32_t)b << BAND_BITS;
        out[n++] = base | v;
        for (unsigned i = 0; i < BAND_BITS; i++)
            out[n++] = base | (v ^ (1u << i));
    }
}

/* Huge pages for a large array spare the TLB a miss per bucket read
 * (advice only; pages already touched stay as they are). */
static void advise_huge(void *p, size_t bytes)
{
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    uintptr_t e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;

    if (bytes >= ((size_t)4 << 20) && e > a)
        madvise((void *)a, e - a, MADV_HUGEPAGE);
}

/* Room for more entries at the end of fp[]. */
static int arena_reserve(struct formed_index *fi, size_t more)
{
    size_t cap;
    uint64_t *v;

    if (fi->len + more <= fi->cap)
        return 0;
    if (fi->len + more > UINT32_MAX)
        return -1; /* offsets are 32-bit */
    cap = fi->cap + fi->cap / 2;
    if (cap < fi->len + more)
        cap = fi->len + more;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    /* New, not realloc: readers may hold the old array (retired). */
    v = sift_malloc(cap * sizeof(*v));
    if (v == NULL)
        return -1;
    advise_huge(v, cap * sizeof(*v));
    if (fi->len > 0)
        memcpy(v, fi->fp, fi->len * sizeof(*v));
    sift__rep_retire(fi->ret, fi->fp);
    PUB(fi->fp, v); /* before its size: reputation_int.h */
    PUB(fi->cap, cap);
    return 0;
}

static int bucket_push(struct formed_index *fi, uint32_t bid, uint64_t fp)
{
    struct fbucket *h = &fi->head[bid];

    if (h->n == fi->room[bid]) {
        /* Full: move it to the end with half as much room again. */
        size_t room = (size_t)h->n + h->n / 2 + 2;
        if (room > UINT32_MAX || arena_reserve(fi, room) != 0)
            return -1;
        memcpy(fi->fp + fi->len, fi->fp + h->off, h->n * sizeof(*fi->fp));
        fi->waste += fi->room[bid];
        fi->room[bid] = (uint32_t)room;
        /* Readers see a bucket move whole: its new run is written before
         * its offset, and kept inside fp[]'s size. */
        PUB(h->off, (uint32_t)fi->len);
        fi->len += room;
    }
    fi->fp[h->off + h->n] = fp;
    PUB(h->n, h->n + 1);
    return 0;
}

static size_t owner_slot_in(const struct owner_slot *t, size_t cap, uint64_t fp)
{
    size_t mask = cap - 1, i;

    for (i = sift__rep_mix(fp) & mask; t[i].fp != 0 && t[i].fp != fp;
         i = (i + 1) & mask)
        ;
    return i;
}

static size_t owner_slot_of(const struct formed_index *fi, uint64_t fp)
{
    return owner_slot_in(fi->owner, fi->owner_cap, fp);
}

/* fp belongs to cluster ix; the oldest (lowest) cluster is kept. */
static int owner_put(struct formed_index *fi, uint64_t fp, uint32_t ix)
{
    struct owner_slot *e;

    if ((fi->owner_n + 1) * 2 > fi->owner_cap) {
        size_t cap = fi->owner_cap ? fi->owner_cap * 2 : 64;
        struct owner_slot *t = sift_calloc(cap, sizeof(*t));
        if (t == NULL)
            return -1;
        for (size_t j = 0; j < fi->owner_cap; j++)
            if (fi->owner[j].fp != 0)
                t[owner_slot_in(t, cap, fi->owner[j].fp)] = fi->owner[j];
        sift__rep_retire(fi->ret, fi->owner);
        PUB(fi->owner, t); /* filled, then published, then its size */
        PUB(fi->owner_cap, cap);
    }
    e = &fi->owner[owner_slot_of(fi, fp)];
    if (e->fp == 0) {
        e->fp = fp;
        e->ix1 = ix + 1;
        fi->owner_n++;
    } else if (ix + 1 < e->ix1) {
        e->ix1 = ix + 1;
    }
    return 0;
}

/* The cluster of a fingerprint in the buckets (always there, but a
 * reader without the lock may see a table mid-change: *bad then). */
static long owner_get(const struct formed_index *fi, uint64_t fp, bool *bad)
{
    size_t cap = RD(fi->owner_cap);
    const struct owner_slot *t = RD(fi->owner), *e = NULL;

    if (cap != 0 && t != NULL)
        e = sift__rep_probe(t, sizeof(*t), cap - 1,
                            sift__rep_mix(fp) & (cap - 1), fp, bad);
    if (e == NULL) {
        *bad = true;
        return -1;
    }
    return (long)e->ix1 - 1;
}

static int formed_put(struct formed_index *fi, uint32_t ix, uint64_t fp)
{
    uint32_t bid[FILED];

    filed_buckets(fp, bid);
    if (owner_put(fi, fp, ix) != 0)
        return -1;
    for (unsigned k = 0; k < FILED; k++)
        if (bucket_push(fi, bid[k], fp) != 0)
            return -1;
    fi->n++;
    return 0;
}

/* Rebuild from the clusters, every bucket with a quarter more room than
 * it holds. -1 on ENOMEM, when the old index stays. */
static int formed_rebuild(struct campaign_index *ci)
{
    struct formed_index *nf = sift_calloc(1, sizeof(*nf)), *old;
    uint32_t bid[FILED];
    size_t len = 0;

    if (nf == NULL)
        return -1;
    nf->head = sift_calloc(BUCKETS_ALL, sizeof(*nf->head));
    nf->room = sift_calloc(BUCKETS_ALL, sizeof(*nf->room));
    if (nf->head == NULL || nf->room == NULL)
        goto enomem;
    for (size_t i = 0; i < ci->n; i++) {
        if (ci->c[i].id == 0)
            continue;
        filed_buckets(ci->c[i].fp, bid);
        for (unsigned k = 0; k < FILED; k++)
            nf->head[bid[k]].n++;
    }
    for (size_t b = 0; b < BUCKETS_ALL; b++) {
        uint32_t n = nf->head[b].n;
        size_t room = n ? (size_t)n + n / 4 + 1 : 0;
        if (len + room > UINT32_MAX)
            goto enomem;
        nf->head[b].off = (uint32_t)len;
        nf->head[b].n = 0;
        nf->room[b] = (uint32_t)room;
        len += room;
    }
    if (arena_reserve(nf, len + len / 16 + 64) != 0)
        goto enomem;
    nf->len = len;
    for (size_t i = 0; i < ci->n; i++) {
        if (ci->c[i].id == 0)
            continue;
        if (formed_put(nf, (uint32_t)i, ci->c[i].fp) != 0)
            goto enomem; /* the room is there: only the owner table */
    }
    /* Built unpublished (ret NULL: its old arrays freed at once); now
     * published whole, and the old one retired. */
    nf->ret = ci->ret;
    old = ci->formed;
    PUB(ci->formed, nf);
    __atomic_store_n(&ci->hint_head, nf->head, __ATOMIC_RELAXED);
    formed_free(old, ci->ret);
    return 0;
enomem:
    formed_free(nf, NULL);
    return -1;
}

/* Cluster ix has just become a campaign (counted in n_formed). On ENOMEM
 * the search misses it until a later rebuild succeeds. The array is
 * rebuilt when a quarter of it is holes. */
static void formed_add(struct campaign_index *ci, uint32_t ix)
{
    struct formed_index *fi = ci->formed;

    if (fi == NULL) {
        formed_rebuild(ci); /* puts ix too */
        return;
    }
    if (formed_put(fi, ix, ci->c[ix].fp) != 0 ||
        (fi->waste > fi->len / 4 && fi->waste > 4096))
        formed_rebuild(ci);
}

/* Keep the nearer (then the older) of the best so far and fingerprint s,
 * whose cluster is looked up only when it could win. */
static inline void consider(const struct formed_index *fi, uint64_t s,
                            unsigned d, long *best, unsigned *best_d,
                            uint64_t *best_fp, bool *bad)
{
    long ix;

    if (d > *best_d || (d == *best_d && s == *best_fp))
        return;
    ix = owner_get(fi, s, bad);
    if (d < *best_d || ix < *best) {
        *best = ix;
        *best_d = d;
        *best_fp = s;
    }
}

/* The four runs of fingerprints, one after another: each within distance
 * is considered. */
__attribute__((target_clones("popcnt", "default"))) static long
runs_scalar(const struct formed_index *fi, const uint64_t *arr,
            const struct fbucket *h, uint64_t fp, unsigned distance, bool *bad)
{
    unsigned best_d = 65;
    uint64_t best_fp = 0;
    long best = -1;

    for (int b = 0; b < BANDS; b++) {
        const uint64_t *s = arr + h[b].off;
        for (uint32_t j = 0; j < h[b].n; j++) {
            unsigned d = (unsigned)__builtin_popcountll(s[j] ^ fp);
            if (__builtin_expect(d <= distance, 0))
                consider(fi, s[j], d, &best, &best_d, &best_fp, bad);
        }
    }
    return best;
}

#if CAMP_SIMD
/* The same, eight fingerprints a vector (VPOPCNTQ), no branch per
 * fingerprint: inside a check the loop above cost about 100 ns more. */
__attribute__((target("avx512f,avx512vpopcntdq,popcnt"))) static long
runs_avx512(const struct formed_index *fi, const uint64_t *arr,
            const struct fbucket *h, uint64_t fp, unsigned distance, bool *bad)
{
    const __m512i q = _mm512_set1_epi64((long long)fp),
                  lim = _mm512_set1_epi64((long long)distance);
    unsigned best_d = 65;
    uint64_t best_fp = 0;
    long best = -1;

    for (int b = 0; b < BANDS; b++) {
        const uint64_t *s = arr + h[b].off;
        for (uint32_t j = 0; j < h[b].n; j += 8) {
            uint32_t left = h[b].n - j;
            __mmask8 m = left >= 8 ? 0xff : (__mmask8)((1u << left) - 1);
            __m512i d = _mm512_popcnt_epi64(
                _mm512_xor_si512(_mm512_maskz_loadu_epi64(m, s + j), q));
            __mmask8 hit = _mm512_mask_cmple_epu64_mask(m, d, lim);
            while (__builtin_expect(hit != 0, 0)) {
                uint64_t x = s[j + (uint32_t)__builtin_ctz(hit)];
                consider(fi, x, (unsigned)__builtin_popcountll(x ^ fp), &best,
                         &best_d, &best_fp, bad);
                hit &= (__mmask8)(hit - 1);
            }
        }
    }
    return best;
}
#endif

/*
 * Formed campaigns only (the check): the bucket of each band's value,
 * whose fingerprints are those with that band within one bit. The four
 * headers are read together, then the four runs (every cache line
 * prefetched), then each run is tested in order.
 */
static long formed_find(const struct campaign_index *ci, uint64_t fp,
                        unsigned distance, bool *bad)
{
    const struct formed_index *fi = RD(ci->formed);
    struct fbucket h[BANDS];
    size_t cap;
    const uint64_t *arr;

    if (fi == NULL || RD(fi->n) == 0)
        return -1;
    /* fp[]'s size before fp[] (reputation_int.h); each run inside it. */
    cap = RD(fi->cap);
    arr = RD(fi->fp);
    for (int b = 0; b < BANDS; b++) {
        const struct fbucket *hb =
            &fi->head[((size_t)b << BAND_BITS) | band(fp, b)];
        h[b].off = RD(hb->off);
        h[b].n = RD(hb->n);
        if ((size_t)h[b].off + h[b].n > cap) {
            *bad = true;
            return -1;
        }
    }
    for (int b = 0; b < BANDS; b++)
        for (uint32_t j = 0; j < h[b].n; j += 8)
            __builtin_prefetch(arr + h[b].off + j);
#if CAMP_SIMD
    if (sift__cpu_features() & SIFT__CPU_AVX512_POPCNT)
        return runs_avx512(fi, arr, h, fp, distance, bad);
#endif
    return runs_scalar(fi, arr, h, fp, distance, bad);
}

void sift__rep_camps_prefetch(const struct campaign_index *ci, uint64_t fp)
{
    const struct fbucket *head =
        __atomic_load_n(&ci->hint_head, __ATOMIC_RELAXED);

    if (fp == 0 || head == NULL)
        return;
    for (int b = 0; b < BANDS; b++)
        __builtin_prefetch(&head[((size_t)b << BAND_BITS) | band(fp, b)]);
}

long sift__rep_camps_find(const struct campaign_index *ci, uint64_t fp,
                          unsigned distance, bool formed_only, bool *bad)
{
    if (fp == 0 || RD(ci->n) == 0)
        return -1;
    return formed_only ? formed_find(ci, fp, distance, bad)
                       : chains_find(ci, fp, distance);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Drop the older half of the candidates and rebuild the chains. */
static void compact(struct campaign_index *ci)
{
    size_t n_cand = ci->n - ci->n_formed, k = 0, out = 0;
    int64_t *times, cut;

    times = sift_malloc((n_cand ? n_cand : 1) * sizeof(*times));
    if (times == NULL)
        return; /* keep everything; the next message tries again */
    for (size_t i = 0; i < ci->n; i++)
        if (ci->c[i].id == 0)
            times[k++] = ci->c[i].last_seen;
    qsort(times, k, sizeof(*times), cmp_i64);
    cut = k ? times[k / 2] : 0;
    sift_free(times);
    for (size_t i = 0; i < ci->n; i++)
        if (ci->c[i].id != 0 || ci->c[i].last_seen > cut)
            ci->c[out++] = ci->c[i]; /* links are rebuilt below */
    ci->n = out;
    memset(ci->heads, 0, ((size_t)BANDS << BAND_BITS) * sizeof(uint32_t));
    for (size_t i = 0; i < ci->n; i++)
        link_cluster(ci, (uint32_t)i);
    if (formed_rebuild(ci) != 0) {
        /* it names clusters that moved; the next campaign to form
         * rebuilds */
        struct formed_index *old = ci->formed;
        __atomic_store_n(&ci->hint_head, NULL, __ATOMIC_RELAXED);
        PUB(ci->formed, NULL);
        formed_free(old, ci->ret);
    }
}

static long cluster_new(struct campaign_index *ci, uint64_t fp, int64_t time)
{
    struct cluster *c;

    if (ci->n - ci->n_formed >= ci->max_candidates)
        compact(ci);
    if (ci->n == ci->cap) {
        size_t cap = ci->cap ? ci->cap * 2 : 64;
        struct cluster *v;
        if (cap > UINT32_MAX - 1)
            return -1;
        struct camp_link *l;
        /* The links only the writer reads; the clusters readers may be
         * reading (regrow retires the old array). */
        l = sift_realloc(ci->links, cap * sizeof(*l));
        if (l == NULL)
            return -1;
        ci->links = l;
        v = sift__rep_regrow(ci->ret, ci->c, ci->n * sizeof(*v),
                             cap * sizeof(*v));
        if (v == NULL)
            return -1;
        PUB(ci->c, v); /* before its size: reputation_int.h */
        PUB(ci->cap, cap);
    }
    c = &ci->c[ci->n];
    memset(c, 0, sizeof(*c));
    c->fp = fp;
    c->first_seen = c->last_seen = time;
    link_cluster(ci, (uint32_t)ci->n);
    PUB(ci->n, ci->n + 1);
    return (long)ci->n - 1;
}

bool sift__rep_camps_member(struct cluster *c, uint64_t key)
{
    uint64_t h;
    bool seen = true;

    for (unsigned i = 0; i < c->n_exact; i++)
        if (c->members[i] == key)
            return false;
    if (c->n_exact < MEMBERS_EXACT) {
        c->members[c->n_exact++] = key;
        c->n_numbers++;
        return true;
    }
    h = sift__rep_mix(key);
    for (int k = 0; k < 3; k++) {
        unsigned bit = (unsigned)(h >> (k * 8)) & 255u;
        if (!(c->bloom[bit >> 5] & (1u << (bit & 31)))) {
            seen = false;
            c->bloom[bit >> 5] |= 1u << (bit & 31);
        }
    }
    if (!seen)
        c->n_numbers++;
    return !seen;
}

enum sift_rc sift__rep_camps_add(struct sift_reputation *rep, uint64_t key,
                                 uint64_t fp, int64_t when, bool may_form,
                                 int64_t *campaign, bool *formed,
                                 int64_t *first_seen)
{
    struct campaign_index *ci = &rep->camps;
    struct cluster *c;
    long ix;

    ix = sift__rep_camps_find(ci, fp, rep->opts.campaign_distance, false,
                              &(bool){false});
    if (ix >= 0 && !may_form && ci->c[ix].id != 0)
        return SIFT_OK; /* loading: the store's counts stand */
    if (ix < 0)
        ix = cluster_new(ci, fp, when);
    if (ix < 0)
        return SIFT_ENOMEM;
    c = &ci->c[ix];
    c->n_events++;
    if (when > c->last_seen)
        c->last_seen = when;
    if (when < c->first_seen)
        c->first_seen = when;
    sift__rep_camps_member(c, key);
    if (may_form && c->id == 0 && c->n_numbers >= rep->opts.campaign_numbers) {
        c->id = ci->next_id++;
        ci->links[ix].formed = 1;
        ci->n_formed++;
        formed_add(ci, (uint32_t)ix);
        *formed = true;
    }
    *campaign = c->id;
    *first_seen = c->first_seen;
    return SIFT_OK;
}

enum sift_rc sift_reputation_add_message(struct sift_reputation *rep,
                                         const char *key, uint64_t fp,
                                         const char *sample, int64_t when,
                                         int64_t *campaign, bool *formed,
                                         int64_t *first_seen)
{
    enum sift_rc rc;
    int64_t since = 0;

    (void)sample; /* the store keeps the sample; the index needs none */
    *campaign = 0;
    *formed = false;
    if (first_seen != NULL)
        *first_seen = 0;
    if (rep == NULL || key == NULL || key[0] == '\0')
        return SIFT_EINVAL;
    if (fp == 0)
        return SIFT_OK;
    if (when <= 0)
        when = (int64_t)time(NULL);
    sift__rep_write_begin(rep);
    rc = sift__rep_camps_add(rep, sift__rep_key(key, strlen(key)), fp, when,
                             true, campaign, formed, &since);
    sift__rep_write_end(rep);
    if (first_seen != NULL)
        *first_seen = since;
    return rc;
}

/* ---- from the store (the caller holds the write lock) -------------------- */

long sift__rep_camps_put(struct sift_reputation *rep,
                         const struct sift_campaign *sc)
{
    struct campaign_index *ci = &rep->camps;
    long ix;

    if (sc->id <= 0 || sc->fingerprint == 0)
        return -2;
    ix = cluster_new(ci, sc->fingerprint, sc->first_seen);
    if (ix < 0)
        return -1;
    ci->c[ix].id = sc->id;
    ci->links[ix].formed = 1;
    ci->c[ix].last_seen = sc->last_seen;
    ci->c[ix].n_events = sc->n_events;
    ci->n_formed++;
    formed_add(ci, (uint32_t)ix);
    if (sc->id >= ci->next_id)
        ci->next_id = sc->id + 1;
    return ix;
}
