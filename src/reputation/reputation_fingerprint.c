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
 */
#include <string.h>

#include "reputation_int.h"

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

static __attribute__((noinline)) void counters_flush(struct counters *ct)
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

uint64_t sift_reputation_fingerprint(const char *norm, size_t len)
{
    const unsigned char *p = (const unsigned char *)norm, *end = p + len;
    struct counters ct;
    const uint64_t *planes = ct.planes;
    uint64_t fp = 0;
    uint32_t w[3] = {0, 0, 0};
    size_t n_chars = 0, n_sh = 0;
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;

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
        COUNTERS_ADD(ct, s0, s1, s2, s3, s4, h);
        n_sh++;
    }
    if (n_chars < MIN_CHARS)
        return 0;
    ct.small[0] = s0, ct.small[1] = s1, ct.small[2] = s2;
    ct.small[3] = s3, ct.small[4] = s4;
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
