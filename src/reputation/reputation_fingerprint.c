/*
 * reputation_fingerprint.c - the fingerprint of a message for the
 * campaign index (issue 4 section 3, CAMPAIGN; reputation_campaign.c).
 *
 * A 64-bit SimHash (Charikar 2002) over character 3-shingles
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
 * Two ways to the same value: fingerprint_scalar(), a character at a time,
 * on any machine and any bytes; and, on x86-64 CPUs with AVX-512, a block
 * at a time (the AVX-512 section below). sift_reputation_fingerprint()
 * picks one per call (util/cpu.h).
 */
#include <stddef.h>
#include <string.h>

#include "reputation_int.h"
#include "util/cpu.h"
#include "util/util.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define FP_SIMD 1
#include <immintrin.h>
#else
#define FP_SIMD 0
#endif

#define MIN_CHARS 20
#define PLANES    24        /* counters up to 2^24 shingles */
#define LINK_CHAR 0x110000u /* beyond Unicode: a whole link */

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

/* Past the link that starts at p: it runs to the next space, control or
 * non-ASCII byte, and reads as one character. */
static const unsigned char *link_end(const unsigned char *p,
                                     const unsigned char *end)
{
    while (p<end && * p> ' ' && *p < 0x80)
        p++;
    return p;
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

/* Add a bit-sliced number of np planes (np <= PLANES) to ct's planes: a
 * ripple of full adders, stopping once the carry is spent. */
static void counters_add(struct counters *ct, const uint64_t *a, int np)
{
    uint64_t carry = 0;

    for (int k = 0; k < PLANES; k++) {
        uint64_t x = ct->planes[k], y = k < np ? a[k] : 0;
        if (k >= np && carry == 0)
            break;
        ct->planes[k] = x ^ y ^ carry;
        carry = (x & y) | (carry & (x ^ y));
    }
}

/* The small planes into the wide ones, and the small ones cleared. */
static __attribute__((noinline)) void counters_flush(struct counters *ct)
{
    counters_add(ct, ct->small, 5);
    memset(ct->small, 0, sizeof(ct->small));
    ct->pending = 0;
}

/* The same with the small planes in registers (the fingerprint's loop):
 * ct->small is only written back to fold it, every 31 hashes. */
#define COUNTERS_ADD(ct, s0, s1, s2, s3, s4, h)                                \
    do {                                                                       \
        uint64_t c0_ = (s0) & (h), c1_, c2_, c3_;                              \
        (s0) ^= (h);                                                           \
        c1_ = (s1)&c0_;                                                        \
        (s1) ^= c0_;                                                           \
        c2_ = (s2)&c1_;                                                        \
        (s2) ^= c1_;                                                           \
        c3_ = (s3)&c2_;                                                        \
        (s3) ^= c2_;                                                           \
        (s4) ^= c3_;                                                           \
        if (++(ct).pending == 31) {                                            \
            (ct).small[0] = (s0), (ct).small[1] = (s1), (ct).small[2] = (s2);  \
            (ct).small[3] = (s3), (ct).small[4] = (s4);                        \
            counters_flush(&(ct));                                             \
            (s0) = (s1) = (s2) = (s3) = (s4) = 0;                              \
        }                                                                      \
    } while (0)

/* Bit i of the fingerprint: more than n_sh / 2 of the hashes had it. A
 * bit-sliced comparison of the 64 counters with n_sh / 2, from the top
 * plane down: count > t, lane by lane. Never 0 (0 means no fingerprint). */
static uint64_t majority(const uint64_t *planes, int np, size_t n_sh)
{
    uint64_t t = n_sh / 2, gt = 0, eq = ~0ull;
    /* no count is over n_sh: the planes above its top bit are empty */
    int top = 64 - __builtin_clzll((uint64_t)n_sh | 1);

    for (int k = (top < np ? top : np) - 1; k >= 0; k--) {
        uint64_t tk = (t >> k) & 1 ? ~0ull : 0;
        gt |= eq & planes[k] & ~tk;
        eq &= ~(planes[k] ^ tk);
    }
    return gt ? gt : 1;
}

/* One character at a time: any bytes (a bad byte reads as itself). */
static uint64_t fingerprint_scalar(const unsigned char *p, size_t len)
{
    const unsigned char *end = p + len;
    struct counters ct;
    uint32_t w[3] = {0, 0, 0};
    size_t n_chars = 0, n_sh = 0;
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;

    memset(&ct, 0, sizeof(ct));
    while (p < end) {
        uint32_t c;
        uint64_t h;
        if ((*p == 'h' || *p == 'w') && is_link(p, end)) {
            /* A link reads as one character: campaigns rotate domains. */
            p = link_end(p, end);
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
        COUNTERS_ADD(ct, s0, s1, s2, s3, s4, h);
        n_sh++;
    }
    if (n_chars < MIN_CHARS)
        return 0;
    ct.small[0] = s0, ct.small[1] = s1, ct.small[2] = s2;
    ct.small[3] = s3, ct.small[4] = s4;
    counters_flush(&ct);
    return majority(ct.planes, PLANES, n_sh);
}

#if FP_SIMD
/* ---- AVX-512 ------------------------------------------------------------
 *
 * The same value, computed a block at a time (x86-64 with AVX-512 F, BW,
 * VL, DQ and VBMI2, chosen at run time; every other machine, and every
 * text whose bytes are not well-formed UTF-8 in next_cp()'s sense, takes
 * fingerprint_scalar()):
 *
 *   1. 64 bytes at a time: the bytes that start a character (every byte
 *      but a continuation byte, 10xxxxxx), checked against the
 *      continuation bytes their lead bytes announce (a mismatch anywhere:
 *      the scalar loop, which reads bad bytes as themselves); links found
 *      by comparing four shifted copies of the block with "http" and
 *      "www.", confirmed by is_link() and their bytes dropped.
 *   2. On the same 64-bit masks: spaces dropped, digits read '#' and a
 *      digit dropped when the character before it, spaces skipped, is a
 *      digit or '#' (which is what "the last character kept is '#'"
 *      comes to; PEXT/PDEP put the rule on the characters in order).
 *      Each character kept then gathered with the three bytes after it
 *      (VPCOMPRESSB) and decoded, sixteen code points a vector, onto buf.
 *   3. Eight shingles a vector: the three code points, splitmix64's
 *      finaliser (VPMULLQ), and the bit-sliced counters of struct
 *      counters, eight sets side by side, summed across the lanes
 *      (lanes_sum()) at the end: up to 248 shingles the sums are the
 *      counts; past that, every 31 vectors they go into struct counters.
 */
#define FP_TARGET                                                              \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vbmi2,"    \
                          "bmi,bmi2,popcnt")))

#define STACK_BYTES 2048 /* longer texts: a buffer from the heap */

/* The positions below n of a 64-bit mask, n any size. */
static inline uint64_t below(ptrdiff_t n)
{
    return n <= 0 ? 0 : n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* The characters kept, in order (steps 1 and 2). */
struct fold {
    uint32_t *out;
    size_t n;
    uint64_t after_hash; /* 1: the last character kept is '#' */
};

/* Decode the n (at most 64) characters whose first bytes are in k0, the
 * bytes after them in k1..k3, sixteen at a time, onto f->out; lanes in
 * link (a mask over the characters) read as one whole link. */
FP_TARGET static inline void decode(struct fold *f, __m512i k0, __m512i k1,
                                    __m512i k2, __m512i k3, unsigned n,
                                    uint64_t link)
{
    const __m512i low6 = _mm512_set1_epi32(0x3f), zero = _mm512_setzero_si512();

    for (unsigned g = 0; g < n; g += 16) {
        __m512i a = _mm512_cvtepu8_epi32(_mm512_castsi512_si128(k0));
        __m512i b = _mm512_cvtepu8_epi32(_mm512_castsi512_si128(k1));
        __m512i c = _mm512_cvtepu8_epi32(_mm512_castsi512_si128(k2));
        __m512i d = _mm512_cvtepu8_epi32(_mm512_castsi512_si128(k3));
        __mmask16 m2 = _mm512_cmpge_epu32_mask(a, _mm512_set1_epi32(0xc0)),
                  m3 = _mm512_cmpge_epu32_mask(a, _mm512_set1_epi32(0xe0)),
                  m4 = _mm512_cmpge_epu32_mask(a, _mm512_set1_epi32(0xf0));
        /* next_cp(): the lead's bits under 0x3f >> more, then six bits
         * from each byte after it */
        __m512i keep = _mm512_set1_epi32(0xff), x;
        keep = _mm512_mask_mov_epi32(keep, m2, _mm512_set1_epi32(0x1f));
        keep = _mm512_mask_mov_epi32(keep, m3, _mm512_set1_epi32(0x0f));
        keep = _mm512_mask_mov_epi32(keep, m4, _mm512_set1_epi32(0x07));
        x = _mm512_and_si512(a, keep);
        x = _mm512_mask_or_epi32(x, m2, _mm512_slli_epi32(x, 6),
                                 _mm512_and_si512(b, low6));
        x = _mm512_mask_or_epi32(x, m3, _mm512_slli_epi32(x, 6),
                                 _mm512_and_si512(c, low6));
        x = _mm512_mask_or_epi32(x, m4, _mm512_slli_epi32(x, 6),
                                 _mm512_and_si512(d, low6));
        if (link != 0)
            x = _mm512_mask_mov_epi32(x, (__mmask16)(link >> g),
                                      _mm512_set1_epi32((int)LINK_CHAR));
        _mm512_storeu_si512(f->out + f->n + g, x);
        /* the next sixteen bytes down */
        k0 = _mm512_alignr_epi32(zero, k0, 4);
        k1 = _mm512_alignr_epi32(zero, k1, 4);
        k2 = _mm512_alignr_epi32(zero, k2, 4);
        k3 = _mm512_alignr_epi32(zero, k3, 4);
    }
    f->n += n;
}

FP_TARGET static inline __mmask64 eq8(__m512i v, char c)
{
    return _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c));
}

/* Steps 1 and 2 over the whole text; false when its bytes are not
 * well-formed (the scalar loop then decides). */
FP_TARGET static bool characters(const unsigned char *p, size_t len,
                                 struct fold *out)
{
    uint64_t carry = 0;  /* continuation bytes due in the next block */
    size_t span_end = 0; /* a link runs up to here */
    /* a local copy, so that its fields stay in registers across the
     * stores into f->out */
    struct fold fs = *out, *f = &fs;

    for (size_t o = 0; o < len; o += 64) {
        ptrdiff_t rem = (ptrdiff_t)(len - o);
        uint64_t v0 = below(rem), lead, cont, m2, m3, m4, cand, link = 0;
        uint64_t sp, dig, hash, dig_c, hash_c, drop_c;
        __m512i b0 = _mm512_maskz_loadu_epi8(v0, p + o),
                b1 = _mm512_maskz_loadu_epi8(below(rem - 1), p + o + 1),
                b2 = _mm512_maskz_loadu_epi8(below(rem - 2), p + o + 2),
                b3 = _mm512_maskz_loadu_epi8(below(rem - 3), p + o + 3);
        unsigned n;

        /* 0x80-0xbf, signed: -128 to -65 */
        cont = _mm512_cmplt_epi8_mask(b0, _mm512_set1_epi8((char)0xc0)) & v0;
        lead = v0 & ~cont;
        m2 = _mm512_cmpge_epu8_mask(b0, _mm512_set1_epi8((char)0xc0)) & lead;
        m3 = _mm512_cmpge_epu8_mask(b0, _mm512_set1_epi8((char)0xe0)) & lead;
        m4 = _mm512_cmpge_epu8_mask(b0, _mm512_set1_epi8((char)0xf0)) & lead;
        if ((m2 << 1 | m3 << 2 | m4 << 3 | carry) != cont)
            return false;
        carry = m2 >> 63 | m3 >> 62 | m4 >> 61;

        /* Links: ASCII bytes, so each is a start byte of its own. */
        lead &= ~below((ptrdiff_t)span_end - (ptrdiff_t)o);
        cand = (eq8(b0, 'h') & eq8(b1, 't') & eq8(b2, 't') & eq8(b3, 'p')) |
               (eq8(b0, 'w') & eq8(b1, 'w') & eq8(b2, 'w') & eq8(b3, '.'));
        cand &= lead;
        while (cand != 0) {
            size_t q = o + (size_t)__builtin_ctzll(cand), e;
            if (!is_link(p + q, p + len)) {
                cand &= cand - 1;
                continue;
            }
            e = (size_t)(link_end(p + q, p + len) - p);
            link |= 1ull << (q - o);
            lead &=
                ~(below((ptrdiff_t)(e - o)) & ~below((ptrdiff_t)(q - o) + 1));
            cand &= ~below((ptrdiff_t)(e - o));
            span_end = e;
        }

        /* Spaces out: ' ', '\t', '\n', '\r' and U+3000 (e3 80 80). */
        sp = eq8(b0, ' ') | eq8(b0, '\t') | eq8(b0, '\n') | eq8(b0, '\r') |
             (eq8(b0, (char)0xe3) & eq8(b1, (char)0x80) & eq8(b2, (char)0x80));
        lead &= ~sp;
        /* A digit reads '#' and is dropped after a digit or '#': the rule
         * on the characters in order, so on the start bytes gathered
         * (pext) and back (pdep). */
        dig = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(b0, _mm512_set1_epi8('0')),
                                     _mm512_set1_epi8(10)) &
              lead;
        hash = dig | (eq8(b0, '#') & lead);
        n = (unsigned)__builtin_popcountll(lead);
        if (n == 0)
            continue;
        dig_c = _pext_u64(dig, lead);
        hash_c = _pext_u64(hash, lead);
        drop_c = dig_c & (hash_c << 1 | f->after_hash);
        f->after_hash = hash_c >> (n - 1) & 1;
        lead &= ~_pdep_u64(drop_c, lead);
        b0 = _mm512_mask_mov_epi8(b0, dig, _mm512_set1_epi8('#'));
        n = (unsigned)__builtin_popcountll(lead);
        if ((m2 & lead) == 0 && link == 0) {
            /* one byte a character */
            __m512i k0 = _mm512_maskz_compress_epi8(lead, b0);
            for (unsigned g = 0; g < n; g += 16) {
                _mm512_storeu_si512(
                    f->out + f->n + g,
                    _mm512_cvtepu8_epi32(_mm512_castsi512_si128(k0)));
                k0 = _mm512_alignr_epi32(_mm512_setzero_si512(), k0, 4);
            }
            f->n += n;
            continue;
        }
        decode(f, _mm512_maskz_compress_epi8(lead, b0),
               _mm512_maskz_compress_epi8(lead, b1),
               _mm512_maskz_compress_epi8(lead, b2),
               _mm512_maskz_compress_epi8(lead, b3), n,
               link ? _pext_u64(link, lead) : 0);
    }
    *out = fs;
    return carry == 0;
}

/* Plane x of lane l plus plane x of the lane sel names, with carry c
 * in and out: one full adder on every bit of the plane. */
#define ADD_PLANE(x, sel, c)                                                   \
    do {                                                                       \
        __m512i y_ = _mm512_permutexvar_epi64((sel), (x));                     \
        __m512i sum_ = _mm512_ternarylogic_epi64((x), y_, (c), 0x96);          \
        (c) = _mm512_ternarylogic_epi64((x), y_, (c), 0xe8); /* majority */    \
        (x) = sum_;                                                            \
    } while (0)

/* Eight sets of small planes (five planes each, counts up to 31) summed
 * lane into lane, 8 -> 4 -> 2 -> 1 (a plane more each round): out[0..7]
 * are the eight planes of the sums (step 3). Written out plane by plane
 * so that every plane stays in a register. */
FP_TARGET static inline void lanes_sum(__m512i s0, __m512i s1, __m512i s2,
                                       __m512i s3, __m512i s4, uint64_t *out)
{
    const __m512i r1 = _mm512_set_epi64(7, 6, 5, 4, 7, 6, 5, 4),
                  r2 = _mm512_set_epi64(3, 2, 3, 2, 3, 2, 3, 2),
                  r3 = _mm512_set1_epi64(1);
    __m512i s5 = _mm512_setzero_si512(), s6 = s5, s7 = s5;

    ADD_PLANE(s0, r1, s5);
    ADD_PLANE(s1, r1, s5);
    ADD_PLANE(s2, r1, s5);
    ADD_PLANE(s3, r1, s5);
    ADD_PLANE(s4, r1, s5);
    ADD_PLANE(s0, r2, s6);
    ADD_PLANE(s1, r2, s6);
    ADD_PLANE(s2, r2, s6);
    ADD_PLANE(s3, r2, s6);
    ADD_PLANE(s4, r2, s6);
    ADD_PLANE(s5, r2, s6);
    ADD_PLANE(s0, r3, s7);
    ADD_PLANE(s1, r3, s7);
    ADD_PLANE(s2, r3, s7);
    ADD_PLANE(s3, r3, s7);
    ADD_PLANE(s4, r3, s7);
    ADD_PLANE(s5, r3, s7);
    ADD_PLANE(s6, r3, s7);
#define LANE0(v) ((uint64_t)_mm_cvtsi128_si64(_mm512_castsi512_si128(v)))
    out[0] = LANE0(s0), out[1] = LANE0(s1), out[2] = LANE0(s2);
    out[3] = LANE0(s3), out[4] = LANE0(s4), out[5] = LANE0(s5);
    out[6] = LANE0(s6), out[7] = LANE0(s7);
#undef LANE0
}

FP_TARGET static uint64_t fingerprint_avx512(const unsigned char *p, size_t len)
{
    uint32_t stack_buf[STACK_BYTES + 64], *buf = stack_buf;
    struct fold f;
    struct counters ct;
    size_t n_sh;
    uint64_t fp;
    __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0, s4 = s0;
    const __m512i k1 = _mm512_set1_epi64((long long)0xbf58476d1ce4e5b9ull),
                  k2 = _mm512_set1_epi64((long long)0x94d049bb133111ebull);
    unsigned pending = 0;
    uint64_t sum[8];
    bool wide = false; /* more than 31 vectors: the sums go into ct */

    if (len > STACK_BYTES) {
        buf = sift_malloc((len + 64) * sizeof(*buf));
        if (buf == NULL)
            return fingerprint_scalar(p, len);
    }
    f.out = buf;
    f.n = 0;
    f.after_hash = 0;
    if (!characters(p, len, &f)) {
        fp = fingerprint_scalar(p, len);
        goto out;
    }
    fp = 0;
    if (f.n < MIN_CHARS)
        goto out;
    n_sh = f.n - 2;
    for (size_t i = 0; i < n_sh; i += 8) {
        __m512i a = _mm512_cvtepu32_epi64(
                    _mm256_loadu_si256((const __m256i *)(buf + i))),
                b = _mm512_cvtepu32_epi64(
                    _mm256_loadu_si256((const __m256i *)(buf + i + 1))),
                c = _mm512_cvtepu32_epi64(
                    _mm256_loadu_si256((const __m256i *)(buf + i + 2))),
                h, c0, c1, c2, c3;
        h = _mm512_xor_si512(_mm512_slli_epi64(a, 42),
                             _mm512_xor_si512(_mm512_slli_epi64(b, 21), c));
        h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 30));
        h = _mm512_mullo_epi64(h, k1);
        h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 27));
        h = _mm512_mullo_epi64(h, k2);
        h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 31));
        if (n_sh - i < 8)
            h = _mm512_maskz_mov_epi64((__mmask8)below((ptrdiff_t)(n_sh - i)),
                                       h);
        c0 = _mm512_and_si512(s0, h);
        s0 = _mm512_xor_si512(s0, h);
        c1 = _mm512_and_si512(s1, c0);
        s1 = _mm512_xor_si512(s1, c0);
        c2 = _mm512_and_si512(s2, c1);
        s2 = _mm512_xor_si512(s2, c1);
        c3 = _mm512_and_si512(s3, c2);
        s3 = _mm512_xor_si512(s3, c2);
        s4 = _mm512_xor_si512(s4, c3);
        if (++pending == 31) {
            if (!wide)
                memset(&ct, 0, sizeof(ct));
            wide = true;
            lanes_sum(s0, s1, s2, s3, s4, sum);
            counters_add(&ct, sum, 8);
            s0 = s1 = s2 = s3 = s4 = _mm512_setzero_si512();
            pending = 0;
        }
    }
    lanes_sum(s0, s1, s2, s3, s4, sum);
    if (!wide) { /* up to 248 shingles: the eight planes are the counts */
        fp = majority(sum, 8, n_sh);
        goto out;
    }
    counters_add(&ct, sum, 8);
    fp = majority(ct.planes, PLANES, n_sh);
out:
    if (buf != stack_buf)
        sift_free(buf);
    return fp;
}

#endif /* FP_SIMD */

uint64_t sift__rep_fingerprint_scalar(const char *norm, size_t len)
{
    return norm ? fingerprint_scalar((const unsigned char *)norm, len) : 0;
}

bool sift__rep_fingerprint_simd(const char *norm, size_t len, uint64_t *fp)
{
#if FP_SIMD
    if (norm != NULL && (sift__cpu_features() & SIFT__CPU_AVX512_TEXT)) {
        *fp = fingerprint_avx512((const unsigned char *)norm, len);
        return true;
    }
#endif
    (void)norm, (void)len, (void)fp;
    return false;
}

uint64_t sift_reputation_fingerprint(const char *norm, size_t len)
{
    uint64_t fp;

    if (sift__rep_fingerprint_simd(norm, len, &fp))
        return fp;
    return sift__rep_fingerprint_scalar(norm, len);
}
