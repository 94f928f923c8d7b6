/*
 * text_repeat.c - TEXT_REPEATED: the same message two or more times in one
 * transcript, as a recorded robocall plays it (the seed voicemail is the
 * same two sentences three times).
 *
 * Over the normalised text with punctuation, symbols and white space
 * removed (so "X。X。" and "X X" with small differences in punctuation or
 * spacing compare equal), find the longest unit of at least
 * SIFT_TEXT_REPEAT_MIN_CP code points that occurs twice without overlap:
 * hash every window of MIN_CP code points (a polynomial rolling hash),
 * keep the first position of each window in an open-addressing table, and
 * extend each later non-overlapping hit as far as it matches. Along one
 * diagonal (fixed distance between the two copies) the match length only
 * shrinks, so it is extended once per diagonal run: O(n) expected. Then
 * count the unit's non-overlapping occurrences and accept when the copies
 * cover at least half of the text (one repeated phrase in a long message
 * is not a repeated message).
 *
 * Works on the first SIFT_TEXT_REPEAT_MAX_CP kept code points, on the
 * stack (about 48 KiB), with no allocation.
 */
#include <string.h>
#include <utf8proc.h>

#include "text_int.h"

#define K         SIFT_TEXT_REPEAT_MIN_CP
#define M         SIFT_TEXT_REPEAT_MAX_CP
#define HASH_BASE 1000003u

static bool keep_cp(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
               (cp >= 'A' && cp <= 'Z');
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

static bool same(const int32_t *cp, size_t a, size_t b, size_t n)
{
    return memcmp(cp + a, cp + b, n * sizeof(*cp)) == 0;
}

unsigned sift_text_repetition(const char *norm, size_t len, size_t *offset,
                              size_t *unit_len)
{
    int32_t cp[M];
    uint32_t pos[M];
    uint32_t hw[M];
    uint16_t tab[2 * M];
    const unsigned char *s = (const unsigned char *)norm;
    size_t m = 0, i = 0, n_win, tsize, best_i = 0, best_l = 0;
    size_t prev_i = 0, prev_j = 0, prev_l = 0;
    uint32_t h = 0, pow_k = 1;
    unsigned count = 0;

    *offset = 0;
    *unit_len = 0;
    while (i < len && m < M) {
        int32_t c;
        size_t at = i;
        bool ok;

        if (s[i] < 0x80)
            c = s[i++];
        else
            i += sift__utf8_decode(s + i, len - i, &c, &ok);
        if (keep_cp(c)) {
            cp[m] = c;
            pos[m] = (uint32_t)at;
            m++;
        }
    }
    if (m < 2 * K)
        return 0;

    /* Window hashes. */
    for (size_t k = 0; k < K; k++) {
        h = h * HASH_BASE + (uint32_t)cp[k];
        if (k > 0)
            pow_k *= HASH_BASE;
    }
    n_win = m - K + 1;
    hw[0] = h;
    for (size_t k = 1; k < n_win; k++) {
        h = (h - (uint32_t)cp[k - 1] * pow_k) * HASH_BASE +
            (uint32_t)cp[k + K - 1];
        hw[k] = h;
    }
    tsize = 64;
    while (tsize < 2 * n_win)
        tsize *= 2;
    memset(tab, 0, tsize * sizeof(tab[0]));

    for (size_t j = 0; j < n_win; j++) {
        size_t slot = (hw[j] * 2654435761u) & (tsize - 1), l;
        int64_t first = -1;

        while (tab[slot]) {
            size_t e = (size_t)tab[slot] - 1;

            if (hw[e] == hw[j] && same(cp, e, j, K)) {
                first = (int64_t)e;
                break;
            }
            slot = (slot + 1) & (tsize - 1);
        }
        if (first < 0) {
            tab[slot] = (uint16_t)(j + 1);
            continue;
        }
        i = (size_t)first;
        if (j - i < K)
            continue; /* overlapping copies */
        if (prev_l > K && i == prev_i + 1 && j == prev_j + 1) {
            l = prev_l - 1;
        } else {
            l = K;
            while (j + l < m && l < j - i && cp[i + l] == cp[j + l])
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
        if (hw[p] == hw[best_i] && same(cp, p, best_i, best_l)) {
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
