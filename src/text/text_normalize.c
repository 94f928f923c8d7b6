/*
 * text_normalize.c - turn raw message or transcript bytes into the one
 * form every rule is written against (docs/text.md §1).
 *
 * Three passes over a code-point buffer owned by the caller's
 * struct sift_text_norm (reused between calls, so the hot path does not
 * allocate once it has grown):
 *
 *   1. decode UTF-8 strictly, replacing each maximal invalid subpart by
 *      U+FFFD (flagged, never an error); drop controls, format characters
 *      and default ignorables; map every white space to one space
 *      (collapsing runs, trimming the start); decompose each code point
 *      with utf8proc (compatibility + case folding, i.e. the NFKC_Casefold
 *      decomposition); map decimal digits of every script to ASCII;
 *   2. canonical ordering of combining marks and canonical composition
 *      (utf8proc_normalize_utf32), completing NFKC;
 *   3. encode UTF-8, dropping a space whose neighbours are Japanese on one
 *      side and Japanese or an ASCII digit on the other
 *      ("重要な お知らせ" -> "重要なお知らせ", "ダイヤル 1 番" ->
 *      "ダイヤル1番"), and the trailing space.
 *
 * ASCII takes a fast path that never calls utf8proc. utf8proc is used only
 * through the per-code-point calls, which write into our buffer, so no
 * allocation outside sift_malloc happens here.
 */
#include <string.h>
#include <utf8proc.h>

#include "text_int.h"

/* The longest compatibility decomposition (U+FDFA) is 18 code points. */
#define DECOMP_ROOM 32

#define NORM_OPTIONS                                                           \
    (UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

size_t sift__utf8_decode(const unsigned char *s, size_t len, int32_t *cp,
                         bool *ok)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;
    int32_t v;

    *ok = true;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2 || c > 0xF4)
        goto bad1;
    if (c < 0xE0) {
        need = 1;
        v = c & 0x1F;
    } else if (c < 0xF0) {
        need = 2;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else {
        need = 3;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* over U+10FFFF */
    }
    for (i = 1; i <= need; i++) {
        unsigned char b;

        if (i >= len)
            goto bad;
        b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (b & 0x3F);
    }
    *cp = v;
    return need + 1;
bad:
    *ok = false;
    *cp = 0xFFFD;
    return i; /* the lead byte and the valid continuation bytes */
bad1:
    *ok = false;
    *cp = 0xFFFD;
    return 1;
}

size_t sift__utf8_seq_len(unsigned char c)
{
    if (c < 0xC0)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

size_t sift__utf8_cut(const char *s, size_t len, size_t max)
{
    size_t n;

    if (len <= max)
        return len;
    n = max;
    /* Back off continuation bytes to the start of the cut sequence. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

size_t sift__utf8_encode(int32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

bool sift__utf8_valid(const char *s, size_t len, size_t *bad)
{
    size_t i = 0;

    while (i < len) {
        int32_t cp;
        bool ok;

        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        i += sift__utf8_decode((const unsigned char *)s + i, len - i, &cp, &ok);
        if (!ok) {
            if (bad)
                *bad = i - 1;
            return false;
        }
    }
    return true;
}

bool sift__is_japanese(int32_t cp)
{
    return (cp >= 0x3000 && cp <= 0x30FF) || /* CJK punct., kana */
           (cp >= 0x31F0 && cp <= 0x31FF) || /* katakana extensions */
           (cp >= 0x3400 && cp <= 0x4DBF) || /* CJK extension A */
           (cp >= 0x4E00 && cp <= 0x9FFF) || /* CJK unified */
           (cp >= 0xF900 && cp <= 0xFAFF) || /* CJK compatibility */
           (cp >= 0xFF00 && cp <= 0xFFEF) || /* full/half-width forms */
           (cp >= 0x20000 && cp <= 0x3FFFF); /* CJK extensions B.. */
}

static bool is_ascii_digit(int32_t cp)
{
    return cp >= '0' && cp <= '9';
}

/* A space between a and b is dropped when one is Japanese and the other is
 * Japanese or an ASCII digit: Japanese is written without spaces, and
 * transcripts insert them at random ("ダイヤル 1 番"). A space between
 * Japanese and a Latin letter stays: it often ends a URL or a name
 * ("https://example.com こちら"). */
static bool joins(int32_t a, int32_t b)
{
    bool ja = sift__is_japanese(a), jb = sift__is_japanese(b);

    return (ja && (jb || is_ascii_digit(b))) || (jb && is_ascii_digit(a));
}

/*
 * The ASCII value of a decimal digit of any script. Unicode guarantees
 * (Stability Policy, Numeric_Type=Decimal) that such digits come in
 * contiguous runs of ten from 0 to 9, so the value is the distance from
 * the start of the run of Nd code points, modulo ten.
 */
static int32_t digit_value(int32_t cp)
{
    int k = 0;

    while (k < 60 && utf8proc_category(cp - k - 1) == UTF8PROC_CATEGORY_ND)
        k++;
    return '0' + k % 10;
}

/*
 * Japanese code points that NFKC_Casefold leaves alone and that take part
 * in no composition as the first of a pair in a way that changes them
 * (voiced kana are already composed): CJK punctuation from U+3001 to
 * U+3029, hiragana U+3041-3096, ゝゞ, katakana U+30A1-30FA, ーヽヾ, CJK
 * unified ideographs. Excluded on purpose: U+3000 (a space), U+302A-302F
 * and U+3099-309A (combining), U+309B-309C (compatibility to a space and
 * a mark), U+309F and U+30FF (compatibility ligatures), U+30FB (・, kept
 * to the slow path for safety). They skip utf8proc entirely: most of a
 * Japanese text takes this path.
 */
static inline bool nfkc_stable(int32_t cp)
{
    /* Bitwise, not ||: kanji and kana alternate at no pattern a branch
     * predictor learns. */
    uint32_t u = (uint32_t)cp;

    return (u - 0x4E00u <= 0x9FFFu - 0x4E00u) |
           (u - 0x3041u <= 0x3096u - 0x3041u) |
           (u - 0x30A1u <= 0x30FAu - 0x30A1u) |
           (u - 0x3001u <= 0x3029u - 0x3001u) | (u - 0x309Du <= 1u) |
           (u - 0x30FCu <= 2u);
}

void sift_text_norm_init(struct sift_text_norm *n, size_t max_len)
{
    memset(n, 0, sizeof(*n));
    n->text = (char *)"";
    n->max_len = max_len ? max_len : SIFT_TEXT_MAX_DEFAULT;
}

void sift_text_norm_release(struct sift_text_norm *n)
{
    if (n == NULL)
        return;
    sift_free(n->cp);
    if (n->text_cap)
        sift_free(n->text);
    sift_text_norm_init(n, n->max_len);
}

static enum sift_rc grow_cp(struct sift_text_norm *n, size_t need)
{
    size_t cap = n->cp_cap ? n->cp_cap : 256;
    int32_t *p;

    if (need <= n->cp_cap)
        return SIFT_OK;
    while (cap < need)
        cap *= 2;
    p = sift_realloc(n->cp, cap * sizeof(*p));
    if (p == NULL)
        return SIFT_ENOMEM;
    n->cp = p;
    n->cp_cap = cap;
    return SIFT_OK;
}

static enum sift_rc grow_text(struct sift_text_norm *n, size_t need)
{
    size_t cap = n->text_cap ? n->text_cap : 512;
    char *p;

    if (need <= n->text_cap)
        return SIFT_OK;
    while (cap < need)
        cap *= 2;
    p = sift_realloc(n->text_cap ? n->text : NULL, cap);
    if (p == NULL)
        return SIFT_ENOMEM;
    n->text = p;
    n->text_cap = cap;
    return SIFT_OK;
}

/* Append one decomposed code point: spaces collapse, digits of every
 * script become ASCII. *marks is set when a combining mark arrives (the
 * canonical ordering pass is then needed). */
static size_t push_cp(int32_t *buf, size_t n, int32_t cp, bool *marks)
{
    if (cp < 0x80) {
        if (cp == ' ' && (n == 0 || buf[n - 1] == ' '))
            return n;
        buf[n] = cp;
        return n + 1;
    } else {
        const utf8proc_property_t *p = utf8proc_get_property(cp);

        if (p->category == UTF8PROC_CATEGORY_ZS ||
            p->category == UTF8PROC_CATEGORY_ZL ||
            p->category == UTF8PROC_CATEGORY_ZP)
            return push_cp(buf, n, ' ', marks);
        if (p->category == UTF8PROC_CATEGORY_ND)
            cp = digit_value(cp);
        else if (p->combining_class != 0)
            *marks = true;
        buf[n] = cp;
        return n + 1;
    }
}

/* Canonical ordering (Unicode §3.11): a stable sort of each run of
 * combining marks by combining class, as utf8proc_decompose does. */
static void canonical_order(int32_t *buf, size_t n)
{
    size_t pos = 0;

    while (n > 1 && pos < n - 1) {
        const utf8proc_property_t *p1 = utf8proc_get_property(buf[pos]);
        const utf8proc_property_t *p2 = utf8proc_get_property(buf[pos + 1]);

        if (p1->combining_class > p2->combining_class &&
            p2->combining_class > 0) {
            int32_t t = buf[pos];

            buf[pos] = buf[pos + 1];
            buf[pos + 1] = t;
            if (pos > 0)
                pos--;
            else
                pos++;
        } else {
            pos++;
        }
    }
}

/* Eight bytes of ASCII that the fast path may copy as they are, lower
 * cased: printable, with no two spaces side by side. (The caller also
 * checks that the last is not a space, and enters after a byte that is
 * not one, so no space is pending at either end.) */
static inline bool ascii8_plain(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
    uint64_t z = x ^ (ones * ' '), sp;

    if (x & high)
        return false; /* non-ASCII */
    if (((x - ones * 0x20) & ~x & high) | ((x + ones) & high))
        return false; /* a control below ' ', or DEL */
    /* exact per-byte mask of the spaces (no borrow between bytes) */
    sp = ~(((z & (ones * 0x7F)) + ones * 0x7F) | z) & high;
    return (sp & (sp >> 8)) == 0;
}

/* x with its upper-case ASCII letters lowered; every byte below 0x80. */
static inline uint64_t ascii8_lower(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
    uint64_t ge_a = x + ones * (0x80 - 'A'), gt_z = x + ones * (0x80 - 'Z' - 1);

    return x | ((ge_a & ~gt_z & high) >> 2);
}

/* The code point of the three-byte sequence at s when it is NFKC-stable
 * Japanese (lead byte E3-E9, U+3000-U+9FFF), else 0. */
static inline int32_t stable3(const unsigned char *s)
{
    unsigned c = s[0], b1 = s[1], b2 = s[2];
    int32_t cp;

    if (c - 0xE3u > 6u || ((b1 ^ 0x80u) | (b2 ^ 0x80u)) > 0x3Fu)
        return 0;
    cp = (int32_t)((c & 0x0Fu) << 12 | (b1 & 0x3Fu) << 6 | (b2 & 0x3Fu));
    return nfkc_stable(cp) ? cp : 0;
}

/* joins(a, b) for an ASCII b. */
static inline bool joins_ascii(int32_t a, int32_t b)
{
    return is_ascii_digit(b) && a >= 0x80 && sift__is_japanese(a);
}

/* joins(a, b) for a Japanese b: the space between goes. */
static inline bool joins_japanese(int32_t a)
{
    return a < 0x80 ? is_ascii_digit(a) : sift__is_japanese(a);
}

/*
 * The fast path, for text made only of printable ASCII, ASCII white space,
 * U+3000, full-width ASCII (U+FF01-FF5E, which NFKC maps to ASCII) and the
 * NFKC-stable Japanese code points: no decomposition, no composition, so
 * one pass writes the output directly, with the same space rules as
 * passes 1 and 3 of the general path. Most messages qualify. Returns false
 * at the first thing it does not handle (a control, invalid UTF-8, any
 * other code point); the caller then runs the general path from the start.
 * out->text has room for len + 1 bytes.
 *
 * Runs are copied whole: printable ASCII eight bytes at a time where it
 * has only single spaces (lowered in the register), and a run of stable
 * Japanese with one memcpy, its last code point decoded for the space
 * rule. The text_normalize_fast_path_agrees test and fuzz-text hold this
 * to the general path's output.
 */
static bool normalize_fast(const unsigned char *s, size_t len,
                           struct sift_text_norm *out)
{
    char *t = out->text;
    size_t i = 0, o = 0;
    int32_t prev = 0, cp;
    bool space = false; /* a space is pending between prev and the next */

    while (i < len) {
        unsigned c = s[i];

        if (c < 0x80) {
            if (sift__is_space((int)c)) {
                space = o > 0;
                i++;
                continue;
            }
            if (c < 0x20 || c == 0x7F)
                return false;
            if (space) {
                if (!joins_ascii(prev, (int32_t)c))
                    t[o++] = ' ';
                space = false;
            }
            /* A run of printable ASCII: eight bytes at a time while they
             * need nothing but lower case, then byte by byte to its end
             * (a space, a control or a non-ASCII byte). */
            t[o++] = (char)sift__ascii_lower((int)c);
            i++;
            for (;;) {
                uint64_t x;

                while (i + 8 <= len) {
                    memcpy(&x, s + i, 8);
                    if (s[i + 7] == ' ' || !ascii8_plain(x))
                        break;
                    x = ascii8_lower(x);
                    memcpy(t + o, &x, 8);
                    o += 8;
                    i += 8;
                }
                if (i < len && s[i] > 0x20 && s[i] < 0x7F) {
                    t[o++] = (char)sift__ascii_lower((int)s[i]);
                    i++;
                    continue;
                }
                /* A single space between two printable bytes stays. */
                if (i + 1 < len && s[i] == ' ' && s[i + 1] > 0x20 &&
                    s[i + 1] < 0x7F) {
                    t[o++] = ' ';
                    t[o++] = (char)sift__ascii_lower((int)s[i + 1]);
                    i += 2;
                    continue;
                }
                break;
            }
            prev = (unsigned char)t[o - 1];
            continue;
        }
        if (i + 2 < len && (cp = stable3(s + i)) != 0) {
            size_t from = i;
            int32_t next;

            if (space) {
                if (!joins_japanese(prev))
                    t[o++] = ' ';
                space = false;
            }
            for (i += 3; i + 2 < len && (next = stable3(s + i)) != 0; i += 3)
                cp = next;
            memcpy(t + o, s + from, i - from);
            o += i - from;
            prev = cp;
            continue;
        }
        if (c == 0xE3 && i + 2 < len && s[i + 1] == 0x80 && s[i + 2] == 0x80) {
            space = o > 0; /* U+3000 */
            i += 3;
            continue;
        }
        if (c == 0xEF && i + 2 < len &&
            ((s[i + 1] == 0xBC && s[i + 2] >= 0x81 && s[i + 2] <= 0xBF) ||
             (s[i + 1] == 0xBD && s[i + 2] >= 0x80 && s[i + 2] <= 0x9E))) {
            /* full-width ASCII U+FF01-FF5E */
            cp = (int32_t)(0xF000u | (s[i + 1] & 0x3Fu) << 6 |
                           (s[i + 2] & 0x3Fu)) -
                 0xFEE0;
            cp = sift__ascii_lower(cp);
            i += 3;
            if (space) {
                if (!joins_ascii(prev, cp))
                    t[o++] = ' ';
                space = false;
            }
            t[o++] = (char)cp;
            prev = cp;
            continue;
        }
        return false;
    }
    t[o] = '\0';
    out->len = o;
    return true;
}

static enum sift_rc normalize(const char *in, size_t len,
                              struct sift_text_norm *out, struct sift_err *err,
                              bool fast);

enum sift_rc sift_text_normalize(const char *in, size_t len,
                                 struct sift_text_norm *out,
                                 struct sift_err *err)
{
    return normalize(in, len, out, err, true);
}

enum sift_rc sift__text_normalize_general(const char *in, size_t len,
                                          struct sift_text_norm *out,
                                          struct sift_err *err)
{
    return normalize(in, len, out, err, false);
}

static enum sift_rc normalize(const char *in, size_t len,
                              struct sift_text_norm *out, struct sift_err *err,
                              bool fast)
{
    const unsigned char *s = (const unsigned char *)in;
    bool unicode = false, marks = false;
    size_t i = 0, n = 0, o = 0;
    int32_t *buf, prev = 0;
    enum sift_rc rc;

    out->len = 0;
    out->flags = 0;
    out->n_repaired = 0;
    if (out->text_cap)
        out->text[0] = '\0';
    if (len > out->max_len)
        return sift__err_set(err, SIFT_ETOOBIG, NULL,
                             "the text is %zu bytes, over the limit of %zu "
                             "bytes",
                             len, out->max_len);
    rc = grow_text(out, len + 1);
    if (rc)
        goto fail;
    if (fast && normalize_fast(s, len, out))
        return SIFT_OK;
    rc = grow_cp(out, len + DECOMP_ROOM + 1);
    if (rc)
        goto fail;
    buf = out->cp;

    /* Pass 1: decode, drop, map spaces, decompose. */
    while (i < len) {
        int32_t cp, tmp[DECOMP_ROOM];
        utf8proc_ssize_t r;
        bool ok;

        if (s[i] < 0x80) {
            int c = s[i++];

            if (sift__is_space(c))
                n = push_cp(buf, n, ' ', &marks);
            else if (c < 0x20 || c == 0x7F)
                out->flags |= SIFT_TEXT_NORM_DROPPED_CONTROLS;
            else
                buf[n++] = sift__ascii_lower(c);
            continue;
        }
        i += sift__utf8_decode(s + i, len - i, &cp, &ok);
        if (!ok) {
            out->flags |= SIFT_TEXT_NORM_REPAIRED_UTF8;
            out->n_repaired++;
        }
        if (nfkc_stable(cp)) {
            buf[n++] = cp;
            continue;
        }
        {
            utf8proc_category_t cat = utf8proc_category(cp);

            if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
                cat == UTF8PROC_CATEGORY_CS) {
                /* NEL (U+0085) is a control that means a line break. */
                if (cp == 0x85)
                    n = push_cp(buf, n, ' ', &marks);
                else
                    out->flags |= SIFT_TEXT_NORM_DROPPED_CONTROLS;
                continue;
            }
        }
        unicode = true;
        r = utf8proc_decompose_char(cp, tmp, DECOMP_ROOM, NORM_OPTIONS, NULL);
        if (r < 0 || r > DECOMP_ROOM) {
            tmp[0] = cp; /* cannot happen for a valid code point */
            r = 1;
        }
        if (r == 0)
            out->flags |= SIFT_TEXT_NORM_DROPPED_CONTROLS; /* ignorable */
        /* Keep room for these and one code point per byte still to come
         * (the ASCII path relies on it). */
        if (n + (size_t)r + (len - i) + 1 > out->cp_cap) {
            rc = grow_cp(out, n + (size_t)r + DECOMP_ROOM + (len - i));
            if (rc)
                goto fail;
            buf = out->cp;
        }
        for (utf8proc_ssize_t k = 0; k < r; k++)
            n = push_cp(buf, n, tmp[k], &marks);
    }

    /* Pass 2: canonical order and composition complete NFKC. */
    if (unicode) {
        utf8proc_ssize_t r;

        if (marks)
            canonical_order(buf, n);
        r = utf8proc_normalize_utf32(buf, (utf8proc_ssize_t)n,
                                     UTF8PROC_COMPOSE);
        if (r >= 0)
            n = (size_t)r;
    }

    /* Pass 3: encode, dropping spaces next to Japanese text. */
    rc = grow_text(out, n * 4 + 1);
    if (rc)
        goto fail;
    for (size_t k = 0; k < n; k++) {
        int32_t cp = buf[k];

        if (cp == ' ' && (o == 0 || k + 1 == n || joins(prev, buf[k + 1])))
            continue;
        if (cp < 0x80)
            out->text[o++] = (char)cp;
        else
            o += sift__utf8_encode(cp, out->text + o);
        prev = cp;
    }
    out->text[o] = '\0';
    out->len = o;
    return SIFT_OK;
fail:
    out->len = 0;
    if (out->text_cap)
        out->text[0] = '\0';
    return sift__err_set(err, rc, NULL, "out of memory normalising %zu bytes",
                         len);
}
