/*
 * reputation_campaign.c - one message behind rotating numbers (issue 4
 * section 3, CAMPAIGN).
 *
 * Fingerprint: a 64-bit SimHash (Charikar 2002) over character 3-shingles
 * of the normalised text. Spaces are skipped, every run of ASCII digits
 * reads as one '#' and every link (http://, https://, www. up to the next space
 * or non-ASCII character) as one character, so amounts, tracking numbers and
 * the rotating domains of a smishing wave do not separate two copies of
 * one message. Bit i of the result is set when
 * more than half of the shingle hashes have bit i set; the counting uses
 * bit-sliced counters (a carry-save adder over 64 lanes), about ten word
 * operations per shingle and no data-dependent branch (struct counters). A text
 * of fewer than MIN_CHARS (20) characters has no fingerprint (0): too short to
 * tell campaigns apart. Digit runs and links matter: without folding them,
 * unrelated spam full of phone numbers came within 6 bits of each other in the
 * SMS Spam Collection; with it, pairs within 10 bits there are variants of one
 * message.
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
 * guaranteed. Candidates are checked by popcount on a compact array of
 * (fingerprint, chain links), apart from the clusters.
 *
 * Bounds: campaigns are kept; candidates (clusters not yet campaigns) are
 * capped at max_candidates and, when the cap is reached, the older half
 * is dropped and the chains rebuilt (an O(n) step, amortised over the
 * next half of new messages). Each cluster keeps its first MEMBERS_EXACT
 * numbers exactly and the rest in a 256-bit Bloom filter.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reputation_int.h"
#include "util/util.h"

#define MIN_CHARS      20
#define PLANES         24 /* counters up to 2^24 shingles */
#define MAX_CANDIDATES (1u << 18)
#define LINK_CHAR      0x110000u         /* beyond Unicode: a whole link */
#define VALUES         (1u << BAND_BITS) /* values of one band */
#define K_MAX_LOG2     5                 /* at most 32 slots per bucket */

/* ---- the fingerprint --------------------------------------------------- */

/* One code point from UTF-8 (a bad byte reads as itself). */
static uint32_t next_cp(const unsigned char **pp, const unsigned char *end)
{
    const unsigned char *p = *pp;
    uint32_t c = *p++;
    int more = (c >= 0xc0) + (c >= 0xe0) + (c >= 0xf0); /* no branch */

    if (more && end - p >= more) {
        c &= 0x3fu >> more;
        while (more-- > 0)
            c = c << 6 | (*p++ & 0x3fu);
    }
    *pp = p;
    return c;
}

/* Does a link start at p ("http://", "https://", "www.")? The text is
 * normalised, so already lower case. */
static bool is_link(const unsigned char *p, const unsigned char *end)
{
    size_t n = (size_t)(end - p);

    if (n < 4)
        return false;
    return (n >= 7 && memcmp(p, "http://", 7) == 0) ||
           (n >= 8 && memcmp(p, "https://", 8) == 0) ||
           memcmp(p, "www.", 4) == 0;
}

/*
 * 64 counters, bit-sliced: plane k holds bit k of every counter. Hashes
 * go first into five small planes (a half-adder chain, 9 word operations
 * and no branch), which hold up to 31; every 31 hashes those are added
 * into the planes with a ripple of full adders. The old way, a ripple per
 * hash, ran about 7 rounds of a loop whose exit the branch predictor
 * missed for most hashes.
 */
struct counters {
    uint64_t planes[PLANES];
    uint64_t small[5];
    unsigned pending;
};

static void counters_flush(struct counters *ct)
{
    uint64_t carry = 0;

    for (int k = 0; k < PLANES; k++) {
        uint64_t a = k < 5 ? ct->small[k] : 0, x = ct->planes[k];
        if (k >= 5 && carry == 0)
            break;
        ct->planes[k] = x ^ a ^ carry;
        carry = (x & a) | (carry & (x ^ a));
    }
    memset(ct->small, 0, sizeof(ct->small));
    ct->pending = 0;
}

static inline void counters_add(struct counters *ct, uint64_t h)
{
    uint64_t c0 = ct->small[0] & h, c1, c2, c3;

    ct->small[0] ^= h;
    c1 = ct->small[1] & c0;
    ct->small[1] ^= c0;
    c2 = ct->small[2] & c1;
    ct->small[2] ^= c1;
    c3 = ct->small[3] & c2;
    ct->small[3] ^= c2;
    ct->small[4] ^= c3;
    if (++ct->pending == 31)
        counters_flush(ct);
}

uint64_t sift_reputation_fingerprint(const char *norm, size_t len)
{
    const unsigned char *p = (const unsigned char *)norm, *end = p + len;
    struct counters ct;
    const uint64_t *planes = ct.planes;
    uint64_t fp = 0;
    uint32_t w[3] = {0, 0, 0};
    size_t n_chars = 0, n_sh = 0;

    if (norm == NULL)
        return 0;
    memset(&ct, 0, sizeof(ct));
    while (p < end) {
        uint32_t c;
        uint64_t h;
        if ((*p == 'h' || *p == 'w') && is_link(p, end)) {
            /* A link reads as one character: campaigns rotate domains. */
            while (p<end && * p> ' ' && *p < 0x80)
                p++;
            c = LINK_CHAR;
        } else {
            c = next_cp(&p, end);
        }
        /* ' ', '\t', '\n', '\r' and the ideographic space, one branch */
        if ((c <= ' ' && ((0x100002600ull >> c) & 1)) | (c == 0x3000))
            continue;
        if (c >= '0' && c <= '9') {
            if (n_chars > 0 && w[2] == '#')
                continue; /* a run of digits is one '#' */
            c = '#';
        }
        w[0] = w[1];
        w[1] = w[2];
        w[2] = c;
        if (++n_chars < 3)
            continue;
        h = sift__rep_mix((uint64_t)w[0] << 42 ^ (uint64_t)w[1] << 21 ^ w[2]);
        counters_add(&ct, h);
        n_sh++;
    }
    if (n_chars < MIN_CHARS)
        return 0;
    counters_flush(&ct);
    {
        /* Bit-sliced comparison of the 64 counters with n_sh / 2, from
         * the top plane down: count > t, lane by lane. */
        uint64_t t = n_sh / 2, gt = 0, eq = ~0ull;
        for (int k = PLANES - 1; k >= 0; k--) {
            uint64_t tk = (t >> k) & 1 ? ~0ull : 0;
            gt |= eq & planes[k] & ~tk;
            eq &= ~(planes[k] ^ tk);
        }
        fp = gt;
    }
    return fp ? fp : 1;
}

/* ---- the index ------------------------------------------------------------
 */

static unsigned band(uint64_t fp, int b)
{
    return (unsigned)(fp >> (b * BAND_BITS)) & 0xffffu;
}

enum sift_rc sift__rep_camps_init(struct campaign_index *ci)
{
    memset(ci, 0, sizeof(*ci));
    ci->heads = sift_calloc((size_t)BANDS << BAND_BITS, sizeof(uint32_t));
    ci->next_id = 1;
    ci->max_candidates = MAX_CANDIDATES;
    return ci->heads ? SIFT_OK : SIFT_ENOMEM;
}

static void formed_release(struct formed_index *fi);

void sift__rep_camps_release(struct campaign_index *ci)
{
    sift_free(ci->c);
    sift_free(ci->links);
    sift_free(ci->heads);
    formed_release(&ci->formed);
    memset(ci, 0, sizeof(*ci));
}

size_t sift__rep_camps_bytes(const struct campaign_index *ci)
{
    return ci->cap * (sizeof(struct cluster) + sizeof(struct camp_link)) +
           ((size_t)BANDS << BAND_BITS) * sizeof(uint32_t) +
           (ci->formed.fp ? ((size_t)BANDS * VALUES << ci->formed.k_log2) *
                                    (sizeof(uint64_t) + sizeof(uint32_t)) +
                                (size_t)BANDS * VALUES / 8 +
                                ci->formed.ovf_cap * sizeof(struct ovf_slot)
                          : 0);
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

/* The band values a query probes: its own and, with radius 1, the 16 one
 * bit away, in each band. Probe radius r per band finds every
 * fingerprint within 4 * (r + 1) - 1 bits: 0 -> 3, 1 -> 7 (radius 2, 548
 * probes, would reach 11 but costs 8 times as much per check). */
static unsigned probe_values(uint64_t fp, unsigned distance,
                             uint16_t value[PROBES_MAX],
                             uint8_t band_ix[PROBES_MAX])
{
    unsigned radius = distance <= 3 ? 0 : 1, n = 0;

    for (int b = 0; b < BANDS; b++) {
        unsigned v = band(fp, b);
        value[n] = (uint16_t)v;
        band_ix[n++] = (uint8_t)b;
        for (unsigned i = 0; radius >= 1 && i < BAND_BITS; i++) {
            value[n] = (uint16_t)(v ^ (1u << i));
            band_ix[n++] = (uint8_t)b;
        }
    }
    return n;
}

/* All clusters, through the chains (the write path). Two passes so that
 * the reads overlap: every chain head first (prefetched together), then
 * the chains, each first link prefetched before any is read. */
static long chains_find(const struct campaign_index *ci, uint64_t fp,
                        unsigned distance)
{
    uint16_t value[PROBES_MAX];
    uint8_t band_ix[PROBES_MAX];
    uint32_t head[PROBES_MAX];
    unsigned n = probe_values(fp, distance, value, band_ix), m = 0;
    unsigned best_d = 65;
    long best = -1;

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
    for (unsigned k = 0; k < m; k++) {
        int b = band_ix[k];
        for (uint32_t i = head[k]; i != 0; i = ci->links[i - 1].next[b]) {
            const struct camp_link *l = &ci->links[i - 1];
            unsigned d = popcount64(l->fp ^ fp);
            if (d <= distance && better(ci, (long)(i - 1), d, best, best_d)) {
                best = (long)(i - 1);
                best_d = d;
            }
        }
    }
    return best;
}

/* ---- the formed campaigns' buckets ----------------------------------------
 */

static size_t bucket_of(int b, unsigned v, unsigned k_log2)
{
    return (((size_t)b << BAND_BITS) | v) << k_log2;
}

static void formed_release(struct formed_index *fi)
{
    sift_free(fi->fp);
    sift_free(fi->ix);
    sift_free(fi->overflowed);
    sift_free(fi->ovf);
    memset(fi, 0, sizeof(*fi));
}

static int ovf_put(struct formed_index *fi, uint32_t key, uint64_t fp,
                   uint32_t ix)
{
    size_t mask, i;

    if ((fi->ovf_n + 1) * 2 > fi->ovf_cap) {
        size_t cap = fi->ovf_cap ? fi->ovf_cap * 2 : 64;
        struct ovf_slot *o = sift_calloc(cap, sizeof(*o));
        if (o == NULL)
            return -1;
        for (size_t j = 0; j < fi->ovf_cap; j++) {
            const struct ovf_slot *e = &fi->ovf[j];
            if (e->ix1 == 0)
                continue;
            for (i = sift__rep_mix(e->key) & (cap - 1); o[i].ix1 != 0;
                 i = (i + 1) & (cap - 1))
                ;
            o[i] = *e;
        }
        sift_free(fi->ovf);
        fi->ovf = o;
        fi->ovf_cap = cap;
    }
    mask = fi->ovf_cap - 1;
    for (i = sift__rep_mix(key) & mask; fi->ovf[i].ix1 != 0; i = (i + 1) & mask)
        ;
    fi->ovf[i].fp = fp;
    fi->ovf[i].ix1 = ix + 1;
    fi->ovf[i].key = key;
    fi->ovf_n++;
    return 0;
}

static int formed_put(struct formed_index *fi, uint32_t ix, uint64_t fp)
{
    size_t k = (size_t)1 << fi->k_log2;

    for (int b = 0; b < BANDS; b++) {
        unsigned v = band(fp, b);
        size_t base = bucket_of(b, v, fi->k_log2), j;
        for (j = 0; j < k && fi->fp[base + j] != 0; j++)
            ;
        if (j < k) {
            fi->fp[base + j] = fp;
            fi->ix[base + j] = ix;
        } else {
            size_t bit = ((size_t)b << BAND_BITS) | v;
            if (ovf_put(fi, (uint32_t)bit, fp, ix) != 0)
                return -1;
            fi->overflowed[bit >> 6] |= 1ull << (bit & 63);
        }
    }
    fi->n++;
    return 0;
}

/* Does the index need larger buckets before it takes one more? Buckets
 * are about 2.5 times the mean fingerprints per band value. */
static bool formed_crowded(const struct formed_index *fi, size_t n)
{
    return fi->k_log2 < K_MAX_LOG2 &&
           ((size_t)VALUES << fi->k_log2) * 2 < 5 * (n + 1);
}

/* Rebuild from the clusters. -1 on ENOMEM, when the old index stays. */
static int formed_rebuild(struct campaign_index *ci)
{
    struct formed_index fi;
    size_t slots;

    memset(&fi, 0, sizeof(fi));
    while (formed_crowded(&fi, ci->n_formed))
        fi.k_log2++;
    slots = (size_t)BANDS * VALUES << fi.k_log2;
    fi.fp = sift_calloc(slots, sizeof(*fi.fp));
    fi.ix = sift_malloc(slots * sizeof(*fi.ix));
    fi.overflowed = sift_calloc((size_t)BANDS * VALUES / 64, sizeof(uint64_t));
    if (fi.fp == NULL || fi.ix == NULL || fi.overflowed == NULL) {
        formed_release(&fi);
        return -1;
    }
    for (size_t i = 0; i < ci->n; i++) {
        if (ci->c[i].id != 0 &&
            formed_put(&fi, (uint32_t)i, ci->c[i].fp) != 0) {
            formed_release(&fi);
            return -1;
        }
    }
    formed_release(&ci->formed);
    ci->formed = fi;
    return 0;
}

/* Cluster ix has just become a campaign (counted in n_formed). On ENOMEM
 * the search misses it until a later rebuild succeeds. */
static void formed_add(struct campaign_index *ci, uint32_t ix)
{
    struct formed_index *fi = &ci->formed;

    if (fi->fp == NULL || formed_crowded(fi, fi->n))
        formed_rebuild(ci); /* puts ix too */
    else
        formed_put(fi, ix, ci->c[ix].fp);
}

/* The slots of a bucket of k within the distance, as bits. Inlined with
 * k a constant (find_k() per bucket size) the loop unrolls to five
 * instructions a slot. An empty slot (0) passes when fp itself has at
 * most distance bits set: the caller checks hits against 0. */
static inline __attribute__((always_inline)) unsigned
bucket_hits(const uint64_t *s, size_t k, uint64_t fp, unsigned distance)
{
    unsigned hits = 0;

#pragma GCC unroll 8
    for (size_t j = 0; j < k; j++)
        hits |= (unsigned)(__builtin_popcountll(s[j] ^ fp) <= (int)distance)
                << j;
    return hits;
}

/* Keep the nearer (then the older) of the best so far and cluster ix. */
static void consider(uint32_t ix, unsigned d, long *best, unsigned *best_d)
{
    if (d < *best_d || (d == *best_d && (long)ix < *best)) {
        *best = (long)ix;
        *best_d = d;
    }
}

/*
 * Formed campaigns only (the check). Every probed bucket is prefetched
 * first; then each is tested slot by slot without a branch (an empty
 * slot, 0, never passes), and only a bucket with a hit or an overflow is
 * looked at again. The body is inlined once per bucket size, so the loop
 * over the 68 buckets has k as a constant; formed_find picks the copy.
 */
static inline __attribute__((always_inline)) long
find_k(const struct formed_index *fi, uint64_t fp, unsigned distance,
       unsigned k_log2)
{
    unsigned radius = distance <= 3 ? 0 : 1, best_d = 65;
    size_t k = (size_t)1 << k_log2;
    long best = -1;

    /* The buckets of each band's value and, with radius 1, of the 16
     * values one bit away (probe_values()'s order). */
    for (int b = 0; b < BANDS; b++) {
        unsigned v = band(fp, b);
        __builtin_prefetch(fi->fp + bucket_of(b, v, k_log2));
        for (unsigned i = 0; radius >= 1 && i < BAND_BITS; i++)
            __builtin_prefetch(fi->fp + bucket_of(b, v ^ (1u << i), k_log2));
    }
    for (int b = 0; b < BANDS; b++) {
        unsigned v = band(fp, b);
        for (unsigned i = 0; i <= (radius >= 1 ? BAND_BITS : 0); i++) {
            size_t bit =
                ((size_t)b << BAND_BITS) | (i == 0 ? v : v ^ (1u << (i - 1)));
            const uint64_t *s = fi->fp + (bit << k_log2);
            unsigned hits = bucket_hits(s, k, fp, distance);
            while (hits != 0) {
                unsigned j = (unsigned)__builtin_ctz(hits);
                hits &= hits - 1;
                if (s[j] == 0)
                    continue;
                consider(fi->ix[(bit << k_log2) + j],
                         (unsigned)__builtin_popcountll(s[j] ^ fp), &best,
                         &best_d);
            }
            if (fi->overflowed[bit >> 6] & (1ull << (bit & 63))) {
                size_t mask = fi->ovf_cap - 1;
                for (size_t o = sift__rep_mix(bit) & mask; fi->ovf[o].ix1 != 0;
                     o = (o + 1) & mask) {
                    const struct ovf_slot *e = &fi->ovf[o];
                    unsigned d = (unsigned)__builtin_popcountll(e->fp ^ fp);
                    if (e->key == bit && d <= distance)
                        consider(e->ix1 - 1, d, &best, &best_d);
                }
            }
        }
    }
    return best;
}

/* Built twice: with the POPCNT instruction, chosen at load time where the
 * CPU has it, and with the compiler's generic popcount. */
__attribute__((target_clones("popcnt", "default"))) static long
formed_find(const struct campaign_index *ci, uint64_t fp, unsigned distance)
{
    const struct formed_index *fi = &ci->formed;

    if (fi->n == 0)
        return -1;
    switch (fi->k_log2) {
    case 0:
        return find_k(fi, fp, distance, 0);
    case 1:
        return find_k(fi, fp, distance, 1);
    case 2:
        return find_k(fi, fp, distance, 2);
    case 3:
        return find_k(fi, fp, distance, 3);
    default:
        return find_k(fi, fp, distance, fi->k_log2);
    }
}

long sift__rep_camps_find(const struct campaign_index *ci, uint64_t fp,
                          unsigned distance, bool formed_only)
{
    if (fp == 0 || ci->n == 0)
        return -1;
    return formed_only ? formed_find(ci, fp, distance)
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
    if (formed_rebuild(ci) != 0)
        formed_release(&ci->formed); /* it names clusters that moved; the
                                        next campaign to form rebuilds */
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
        v = sift_realloc(ci->c, cap * sizeof(*v));
        if (v == NULL)
            return -1;
        ci->c = v;
        l = sift_realloc(ci->links, cap * sizeof(*l));
        if (l == NULL)
            return -1;
        ci->links = l;
        ci->cap = cap;
    }
    c = &ci->c[ci->n];
    memset(c, 0, sizeof(*c));
    c->fp = fp;
    c->first_seen = c->last_seen = time;
    link_cluster(ci, (uint32_t)ci->n);
    return (long)ci->n++;
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
                                 int64_t *campaign, bool *formed)
{
    struct campaign_index *ci = &rep->camps;
    struct cluster *c;
    long ix;

    ix = sift__rep_camps_find(ci, fp, rep->opts.campaign_distance, false);
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
    return SIFT_OK;
}

enum sift_rc sift_reputation_add_message(struct sift_reputation *rep,
                                         const char *key, uint64_t fp,
                                         const char *sample, int64_t when,
                                         int64_t *campaign, bool *formed)
{
    enum sift_rc rc;

    (void)sample; /* the store keeps the sample; the index needs none */
    *campaign = 0;
    *formed = false;
    if (rep == NULL || key == NULL || key[0] == '\0')
        return SIFT_EINVAL;
    if (fp == 0)
        return SIFT_OK;
    if (when <= 0)
        when = (int64_t)time(NULL);
    pthread_rwlock_wrlock(&rep->rw);
    rc = sift__rep_camps_add(rep, sift__rep_key(key, strlen(key)), fp, when,
                             true, campaign, formed);
    pthread_rwlock_unlock(&rep->rw);
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
