/*
 * text_repeat.c - TEXT_REPEATED: the same message two or more times in one
 * transcript, as a recorded robocall plays it (the seed voicemail is the
 * same two sentences three times).
 *
 * Over the normalised text with punctuation, symbols and white space
 * removed (so "X。X。" and "X X" with small differences in punctuation or
 * spacing compare equal), find the longest unit of at least
 * SIFT_TEXT_REPEAT_MIN_CP code points that occurs twice without overlap:
 * hash every window of MIN_CP code points (a cyclic polynomial rolling
 * hash),
 * keep the first position of each window in an open-addressing table, and
 * extend each later non-overlapping hit as far as it matches. Along one
 * diagonal (fixed distance between the two copies) the match length only
 * shrinks, so it is extended once per diagonal run: O(n) expected. Then
 * count the unit's non-overlapping occurrences and accept when the copies
 * cover at least half of the text (one repeated phrase in a long message
 * is not a repeated message).
 *
 * Works on the first SIFT_TEXT_REPEAT_MAX_CP kept code points, on the
 * stack (96 KiB of arrays, of which a text touches a few KiB), with no
 * allocation. Which characters are kept decides no branch (see the
 * first loop): inside a check, where the rules scan has just run, such
 * branches were mispredicted.
 */
#include <string.h>
#include <utf8proc.h>

#include "text_int.h"

#define K SIFT_TEXT_REPEAT_MIN_CP
#define M SIFT_TEXT_REPEAT_MAX_CP
/* The window table: 4 slots a window, up to TAB_MAX (which still gives
 * at least 2), so that an insert rarely meets a taken slot (a branch the
 * predictor cannot learn). */
#define TAB_MAX (2 * M)

/* Kept ASCII, one bit per byte: 0-9, A-Z, a-z. */
static const uint64_t ascii_keep[2] = {0x03FF000000000000ull,
                                       0x07FFFFFE07FFFFFEull};

/* Kept below U+3100, one bit per code point from U+3000: 々〆〇 and
 * the kana block but ゠ (U+30A0) and ・ (U+30FB), as keep_cp() says. */
static const uint64_t cjk_keep[4] = {
    0x00000000000000E0ull, 0xFFFFFFFFFFFFFFFEull, 0xFFFFFFFEFFFFFFFFull,
    0xF7FFFFFFFFFFFFFFull};

/* Letters, marks and numbers are kept; punctuation, symbols, spaces and
 * everything else go. sift_text_repetition() tests ASCII and the
 * three-byte Japanese range inline; the rest comes here. */
static bool keep_cp(int32_t cp)
{
    if (cp < 0x80)
        return (ascii_keep[cp >> 6] >> (cp & 63)) & 1;
    /* The common Japanese letters without a table lookup. */
    if ((cp >= 0x3041 && cp <= 0x30FF) || (cp >= 0x4E00 && cp <= 0x9FFF))
        return cp != 0x30FB && cp != 0x30A0; /* ・ and ゠ are punctuation */
    if (cp >= 0x3000 && cp <= 0x303F)
        return cp == 0x3005 || cp == 0x3006 || cp == 0x3007; /* 々〆〇 */
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true; /* ー (U+30FC) is Lm: kept */
    default:
        return false;
    }
}

static inline uint32_t rotl32(uint32_t x, unsigned r)
{
    return (x << r) | (x >> (32 - r));
}

/* A code point spread over 32 bits. The multiplier is odd, so this is a
 * bijection: two mixed values are equal exactly when the code points are,
 * and the detector compares mixed values only. */
static inline uint32_t mix(int32_t c)
{
    return (uint32_t)c * 2654435761u;
}

static bool same(const uint32_t *mx, size_t a, size_t b, size_t n)
{
    return memcmp(mx + a, mx + b, n * sizeof(*mx)) == 0;
}

/* The same for one window: a constant size, which the compiler compares
 * inline. */
static inline bool same_k(const uint32_t *mx, size_t a, size_t b)
{
    return memcmp(mx + a, mx + b, K * sizeof(*mx)) == 0;
}

unsigned sift_text_repetition(const char *norm, size_t len, size_t *offset,
                              size_t *unit_len)
{
    /* mx and hw start K entries into their buffers: mx[m - K] is 0 while
     * m < K (so the rolling hash takes nothing out), and hw[m - K] is
     * written for every m (while m < K, to the unused head). */
    uint32_t mx_buf[K + M]; /* kept code points, mixed */
    uint32_t hw_buf[K + M]; /* hash of the window starting at each */
    uint32_t *mx = mx_buf + K, *hw = hw_buf + K;
    uint32_t pos[M];        /* their byte offsets */
    uint16_t tab[TAB_MAX];  /* window index + 1; 0: empty */
    uint32_t tkey[TAB_MAX]; /* its hash, compared before anything else */
    const unsigned char *s = (const unsigned char *)norm;
    size_t m = 0, i = 0, n_win, tsize, best_i = 0, best_l = 0;
    unsigned shift = 32 - 6;
    size_t prev_i = 0, prev_j = 0, prev_l = 0;
    uint32_t h = 0;
    unsigned count = 0;

    *offset = 0;
    *unit_len = 0;
    memset(mx_buf, 0, K * sizeof(mx_buf[0]));
    /*
     * Keep the letters; hash each window of K as soon as it is complete
     * (one loop, so decoding and hashing overlap). The common characters
     * (ASCII, and three-byte kana and ideographs) are decoded inline.
     * Whether a character is kept decides no branch: every character is
     * written at mx[m] and hashed, and keep (0 or 1) decides whether m
     * moves on and the hash is taken. Text alternates kept and dropped
     * characters (spaces, punctuation) and kana and kanji at no pattern
     * a predictor can learn: with a branch per character, the detector
     * ran 2-3 times slower inside a check than alone.
     */
    while (i < len && m < M) {
        unsigned b = s[i];
        uint32_t at = (uint32_t)i, keep, hn, km;
        int32_t c;

        if (b < 0x80) {
            i++;
            c = (int32_t)b;
            keep = (ascii_keep[b >> 6] >> (b & 63)) & 1;
        } else if (b - 0xE3u <= 6u && i + 2 < len &&
                   ((s[i + 1] ^ 0x80u) | (s[i + 2] ^ 0x80u)) <= 0x3Fu) {
            /* U+3000-U+9FFF: ideographs from U+4E00 are letters, kana
             * and the CJK symbols below U+3100 come from cjk_keep. */
            uint32_t u = (uint32_t)((b & 0x0Fu) << 12 |
                                    (s[i + 1] & 0x3Fu) << 6 |
                                    (s[i + 2] & 0x3Fu)),
                     o = (u - 0x3000u) & 0xFFu;

            i += 3;
            c = (int32_t)u;
            if (u - 0x3100u < 0x4E00u - 0x3100u) /* rare: ask utf8proc */
                keep = keep_cp(c);
            else
                keep =
                    (u >= 0x4E00u) |
                    ((u < 0x3100u) & (uint32_t)(cjk_keep[o >> 6] >> (o & 63)));
        } else {
            bool ok;

            i += sift__utf8_decode(s + i, len - i, &c, &ok);
            keep = keep_cp(c);
        }
        mx[m] = mix(c);
        pos[m] = at;
        /* A cyclic polynomial (rotate and xor) rolling hash: each step
         * depends on the last through one rotate and one xor only.
         * mx_buf[m] is mx[m - K], and hw_buf[m] is hw[m - K]. */
        hn = rotl32(h, 1) ^ mx[m] ^ rotl32(mx_buf[m], K);
        km = 0u - keep;
        h = (hn & km) | (h & ~km);
        m += keep;
        hw_buf[m] = h;
    }
    if (m < 2 * K)
        return 0;
    n_win = m - K + 1;
    tsize = 64;
    while (tsize < 4 * n_win && tsize < TAB_MAX) {
        tsize *= 2;
        shift--;
    }
    memset(tab, 0, tsize * sizeof(tab[0]));

    for (size_t j = 0; j < n_win; j++) {
        /* the product's high bits: they depend on every bit of the hash */
        size_t slot = (uint32_t)(hw[j] * 2654435761u) >> shift, l;
        int64_t first = -1;

        while (tab[slot]) {
            if (tkey[slot] == hw[j]) {
                size_t e = (size_t)tab[slot] - 1;

                /* On the diagonal of the last match, which was longer
                 * than K, the window is already known to be equal: no
                 * compare (in a repeated text, nearly every window). */
                if ((prev_l > K && e == prev_i + 1 && j == prev_j + 1) ||
                    same_k(mx, e, j)) {
                    first = (int64_t)e;
                    break;
                }
            }
            slot = (slot + 1) & (tsize - 1);
        }
        if (first < 0) {
            tab[slot] = (uint16_t)(j + 1);
            tkey[slot] = hw[j];
            continue;
        }
        i = (size_t)first;
        if (j - i < K)
            continue; /* overlapping copies */
        if (prev_l > K && i == prev_i + 1 && j == prev_j + 1) {
            l = prev_l - 1;
        } else {
            l = K;
            while (j + l < m && l < j - i && mx[i + l] == mx[j + l])
                l++;
        }
        prev_i = i;
        prev_j = j;
        prev_l = l;
        if (l > best_l) {
            best_l = l;
            best_i = i;
        }
    }
    if (best_l == 0)
        return 0;

    /* Non-overlapping occurrences of the unit. */
    for (size_t p = 0; p + best_l <= m;) {
        if (hw[p] == hw[best_i] && same(mx, p, best_i, best_l)) {
            count++;
            p += best_l;
        } else {
            p++;
        }
    }
    if (count < 2 || (size_t)count * best_l * 2 < m)
        return 0;
    {
        size_t last = pos[best_i + best_l - 1];

        *offset = pos[best_i];
        *unit_len = last + sift__utf8_seq_len(s[last]) - pos[best_i];
    }
    return count;
}
