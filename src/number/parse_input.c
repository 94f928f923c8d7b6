/*
 * parse_input.c - sift_number_parse(): from the caller ID as it arrives
 * (bytes, UTF-8, maybe a SIP or tel URI, maybe a caller-ID state) to the
 * digit string number_parse.c reads with libphonenumber's semantics.
 *
 * Steps, in order:
 *   1. bounds: at most SIFT_NUMBER_MAX_INPUT bytes are looked at; NUL
 *      bytes and invalid UTF-8 are BAD_ENCODING, with the byte offset;
 *   2. caller-ID states ("非通知", "anonymous", "P", "表示圏外", "公衆電話",
 *      "C" ...) and white space only are results, not errors;
 *   3. outside forms: `"Name" <sip:user@host>`, sip:/sips: (the user part,
 *      RFC 3261 §19.1.1; percent-decoded; user parameters other than
 *      ext, phone-context and isub dropped) and tel: (RFC 3966);
 *   4. libphonenumber's string steps (phonenumberutil.py 8.12.57):
 *      _build_national_number_for_parsing (phone-context, extraction of the
 *      number from text, isub), _is_viable_phone_number, the extension
 *      search (_EXTN_PATTERN, plus "内線" as an explicit label: a callsift
 *      addition), and _normalize (letters to keypad digits when there are
 *      three or more, Unicode decimal digits to ASCII);
 *   5. number_parse.c for country code, national prefix and validity.
 *
 * Plain digit strings ("+1 (877) 643-0291", "090-1234-5678": most caller
 * IDs) skip steps 1-4, which cannot change them (parse_plain()).
 *
 * The hand-written matchers below follow Python's regexes exactly for the
 * characters they name; `\d` is Unicode category Nd and `\w` is
 * str.isalnum(), from the generated tables in gen_unicode.c.
 *
 * Invariants: raw is (ptr, len), never read past len and never assumed
 * NUL-terminated; all buffers are fixed-size on the stack.
 */
#include <stdio.h>
#include <string.h>

#include "number_int.h"
#include "util/util.h"

#define MAXCP SIFT_NUMBER_MAX_INPUT

/* Code points with the byte offset each came from. */
struct cpbuf {
    size_t n;
    uint32_t c[MAXCP];
    uint16_t off[MAXCP];
};

/* ------------------------------------------------------------ Unicode */

int sift__uni_digit_value(uint32_t cp)
{
    size_t lo = 0, hi = sift__n_uni_digit;

    if (cp < 128)
        return (cp >= '0' && cp <= '9') ? (int)(cp - '0') : -1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const uint32_t *r = sift__uni_digit[mid];

        if (cp < r[0])
            hi = mid;
        else if (cp >= r[0] + r[2])
            lo = mid + 1;
        else
            return (int)(r[1] + (cp - r[0]));
    }
    return -1;
}

static bool in_ranges(const uint32_t (*r)[2], size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (cp < r[mid][0])
            hi = mid;
        else if (cp > r[mid][1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

bool sift__uni_is_nd(uint32_t cp)
{
    if (cp < 128)
        return cp >= '0' && cp <= '9';
    return in_ranges(sift__uni_nd, sift__n_uni_nd, cp);
}

bool sift__uni_is_alnum(uint32_t cp)
{
    if (cp < 128)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
               (cp >= 'A' && cp <= 'Z');
    return in_ranges(sift__uni_alnum, sift__n_uni_alnum, cp);
}

/* Simple lower-casing for the letters the extension labels use. */
static uint32_t cp_lower(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xFF21 && c <= 0xFF3A) ||
        (c >= 0x410 && c <= 0x42F))
        return c + 0x20;
    if (c == 0xD3)
        return 0xF3;
    return c;
}

static bool is_white(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x3000 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0xFEFF;
}

static bool is_plus(uint32_t c)
{
    return c == '+' || c == 0xFF0B;
}

/* _VALID_PUNCTUATION, case-insensitively (so 'X' too). */
static bool is_punct(uint32_t c)
{
    if (c < 128)
        return c == '-' || c == 'x' || c == 'X' || c == ' ' || c == '(' ||
               c == ')' || c == '.' || c == '[' || c == ']' || c == '/' ||
               c == '~';
    return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x30FC ||
           (c >= 0xFF0D && c <= 0xFF0F) || c == 0xA0 || c == 0xAD ||
           c == 0x200B || c == 0x2060 || c == 0x3000 || c == 0xFF08 ||
           c == 0xFF09 || c == 0xFF3B || c == 0xFF3D || c == 0x2053 ||
           c == 0x223C || c == 0xFF5E;
}

static bool is_alpha(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Decode strict UTF-8; returns the offset of the first bad byte or -1. */
static long decode_utf8(const unsigned char *s, size_t len, struct cpbuf *b,
                        bool *nul)
{
    size_t i = 0;

    b->n = 0;
    *nul = false;
    while (i < len) {
        uint32_t c = s[i], min;
        size_t k, need;

        if (c == 0) {
            *nul = true;
            return (long)i;
        }
        if (c < 0x80) {
            need = 0;
            min = 0;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            c &= 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            c &= 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            c &= 0x07;
            min = 0x10000;
        } else {
            return (long)i;
        }
        if (need > len - i - 1)
            return (long)i;
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return (long)i;
            c = (c << 6) | (s[i + k] & 0x3Fu);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return (long)i;
        b->c[b->n] = c;
        b->off[b->n] = (uint16_t)i;
        b->n++;
        i += need + 1;
    }
    return -1;
}

static void copy_range(struct cpbuf *dst, const struct cpbuf *src, size_t a,
                       size_t b)
{
    size_t i;

    for (i = a; i < b && dst->n < MAXCP; i++) {
        dst->c[dst->n] = src->c[i];
        dst->off[dst->n] = src->off[i];
        dst->n++;
    }
}

/* Does b[i, e) start with the ASCII lit (case-insensitively if ci)? */
static bool has_prefix(const struct cpbuf *b, size_t i, size_t e,
                       const char *lit, bool ci)
{
    size_t k;

    for (k = 0; lit[k] != '\0'; k++) {
        uint32_t c;

        if (i + k >= e)
            return false;
        c = ci ? cp_lower(b->c[i + k]) : b->c[i + k];
        if (c != (unsigned char)lit[k])
            return false;
    }
    return true;
}

/* Case-insensitive ASCII search of lit in b[from, to); -1 if absent. The
 * first character of lit is not a letter. */
static long find_lit(const struct cpbuf *b, size_t from, size_t to,
                     const char *lit, bool ci)
{
    size_t n = strlen(lit), i, k;

    for (i = from; i + n <= to; i++) {
        if (b->c[i] != (unsigned char)lit[0] &&
            (!ci || cp_lower(b->c[i]) != (unsigned char)lit[0]))
            continue;
        for (k = 1; k < n; k++) {
            uint32_t c = b->c[i + k];

            if (ci)
                c = cp_lower(c);
            if (c != (unsigned char)lit[k])
                break;
        }
        if (k == n)
            return (long)i;
    }
    return -1;
}

/* ------------------------------------------------------------ states */

#define STATE(w, st)                                                           \
    {                                                                          \
        w, sizeof(w) - 1, st                                                   \
    }

static const struct {
    const char *word;
    size_t len; /* bytes, so most words are passed over without a compare */
    enum sift_number_status status;
} caller_id_states[] = {
    STATE("非通知", SIFT_NUMBER_WITHHELD),
    STATE("anonymous", SIFT_NUMBER_WITHHELD),
    STATE("private", SIFT_NUMBER_WITHHELD),
    STATE("private number", SIFT_NUMBER_WITHHELD),
    STATE("withheld", SIFT_NUMBER_WITHHELD),
    STATE("restricted", SIFT_NUMBER_WITHHELD),
    STATE("blocked", SIFT_NUMBER_WITHHELD),
    STATE("p", SIFT_NUMBER_WITHHELD),
    STATE("表示圏外", SIFT_NUMBER_UNAVAILABLE),
    STATE("通知不可能", SIFT_NUMBER_UNAVAILABLE),
    STATE("unavailable", SIFT_NUMBER_UNAVAILABLE),
    STATE("unknown", SIFT_NUMBER_UNAVAILABLE),
    STATE("out of area", SIFT_NUMBER_UNAVAILABLE),
    STATE("out-of-area", SIFT_NUMBER_UNAVAILABLE),
    STATE("o", SIFT_NUMBER_UNAVAILABLE),
    STATE("s", SIFT_NUMBER_UNAVAILABLE),
    STATE("公衆電話", SIFT_NUMBER_PAYPHONE),
    STATE("payphone", SIFT_NUMBER_PAYPHONE),
    STATE("pay phone", SIFT_NUMBER_PAYPHONE),
    STATE("c", SIFT_NUMBER_PAYPHONE),
};
#undef STATE

/* The state b[a, e) names, or SIFT_NUMBER_OK for none. Case-insensitive,
 * surrounding quotes and white space ignored. */
static enum sift_number_status state_of(const struct cpbuf *b, size_t a,
                                        size_t e)
{
    char word[48];
    size_t n = 0, i;

    while (a < e && (is_white(b->c[a]) || b->c[a] == '"'))
        a++;
    while (e > a && (is_white(b->c[e - 1]) || b->c[e - 1] == '"'))
        e--;
    if (a == e || e - a > 16)
        return SIFT_NUMBER_OK;
    if (b->c[a] < 0x80 && !is_alpha(b->c[a]))
        return SIFT_NUMBER_OK;
    for (i = a; i < e; i++) {
        uint32_t c = cp_lower(b->c[i]);

        if (n + 4 >= sizeof(word))
            return SIFT_NUMBER_OK;
        if (c < 0x80) {
            word[n++] = (char)c;
        } else if (c < 0x800) {
            word[n++] = (char)(0xC0 | (c >> 6));
            word[n++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            word[n++] = (char)(0xE0 | (c >> 12));
            word[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
            word[n++] = (char)(0x80 | (c & 0x3F));
        } else {
            return SIFT_NUMBER_OK;
        }
    }
    word[n] = '\0';
    for (i = 0; i < SIFT_ARRAY_LEN(caller_id_states); i++)
        if (caller_id_states[i].len == n &&
            memcmp(word, caller_id_states[i].word, n) == 0)
            return caller_id_states[i].status;
    return SIFT_NUMBER_OK;
}

/* ------------------------------------------------------------ URIs */

static int hexval(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    c = cp_lower(c);
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    return -1;
}

/*
 * Copy a URI's user part b[a, e) into out: percent-decoded (ASCII only),
 * keeping the first segment and the parameters libphonenumber reads
 * (ext, phone-context, isub), names lower-cased.
 */
static void copy_user_part(struct cpbuf *out, const struct cpbuf *b, size_t a,
                           size_t e)
{
    static const char *const keep[] = {"ext=", "phone-context=", "isub="};
    size_t i = a, seg_end, k;
    bool first = true;

    out->n = 0;
    while (i <= e) {
        seg_end = i;
        while (seg_end < e && b->c[seg_end] != ';')
            seg_end++;
        if (!first) {
            bool ok = false;

            for (k = 0; k < SIFT_ARRAY_LEN(keep) && !ok; k++)
                ok = has_prefix(b, i, seg_end, keep[k], true);
            if (!ok)
                goto next;
            if (out->n < MAXCP) {
                out->c[out->n] = ';';
                out->off[out->n++] = b->off[i - 1];
            }
        }
        for (k = i; k < seg_end && out->n < MAXCP; k++) {
            uint32_t c = b->c[k];
            int h1, h2;

            if (c == '%' && k + 2 < seg_end &&
                (h1 = hexval(b->c[k + 1])) >= 0 &&
                (h2 = hexval(b->c[k + 2])) >= 0 && h1 < 8) {
                out->c[out->n] = (uint32_t)(h1 * 16 + h2);
                out->off[out->n++] = b->off[k];
                k += 2;
                continue;
            }
            if (!first && out->c[out->n - 1] != '=')
                c = cp_lower(c);
            out->c[out->n] = c;
            out->off[out->n++] = b->off[k];
        }
    next:
        first = false;
        i = seg_end + 1;
    }
}

/* ------------------------------------------------------------ libphonenumber
 * steps */

/* The second alternative of _VALID_PHONE_NUMBER over b[a, e):
 * [+＋]*(?:[P*]*\d){3,}[P*A\d]*  (case-insensitive). */
static bool valid_main(const struct cpbuf *b, size_t a, size_t e)
{
    size_t i = a, digits = 0;

    while (i < e && is_plus(b->c[i]))
        i++;
    for (; i < e; i++) {
        uint32_t c = b->c[i];

        if (sift__uni_is_nd(c))
            digits++;
        else if (is_punct(c) || c == '*')
            continue;
        else if (is_alpha(c) && digits >= 3)
            continue;
        else
            return false;
    }
    return digits >= 3;
}

static bool is_ext_sep(uint32_t c) /* [ \u00A0\t,] */
{
    return c == ' ' || c == 0xA0 || c == '\t' || c == ',';
}

static bool is_ext_ws(uint32_t c) /* [ \u00A0\t] */
{
    return c == ' ' || c == 0xA0 || c == '\t';
}

static bool is_after_label(uint32_t c) /* [ \u00A0\t,-] */
{
    return is_ext_sep(c) || c == '-';
}

/* [:\.．]?[ \u00A0\t,-]*(\d{1,max})#?$ from i; the digits' start in *g. */
static bool ext_tail(const struct cpbuf *b, size_t i, size_t e, size_t max,
                     bool need_hash, size_t *g)
{
    size_t j;

    if (!need_hash) {
        if (i < e && (b->c[i] == ':' || b->c[i] == '.' || b->c[i] == 0xFF0E))
            i++;
        while (i < e && is_after_label(b->c[i]))
            i++;
    }
    j = i;
    while (j < e && sift__uni_is_nd(b->c[j]))
        j++;
    if (j == i || j - i > max)
        return false;
    if (j < e && b->c[j] == '#')
        j++;
    else if (need_hash)
        return false;
    *g = i;
    return j == e;
}

/* The extension labels, lower case: e?xt(?:ensi(?:o\u0301?|ó))?n?,
 * ｅ?ｘｔｎ?, доб, anexo (explicit, up to 20 digits); x ｘ # ＃ ~ ～ int
 * ｉｎｔ (ambiguous, up to 9); and callsift's 内線 (explicit). */
static const uint32_t explicit_labels[][12] = {
    {'e', 'x', 't', 'e', 'n', 's', 'i', 'o', 0x301, 'n'},
    {'e', 'x', 't', 'e', 'n', 's', 'i', 'o', 0x301},
    {'e', 'x', 't', 'e', 'n', 's', 'i', 'o', 'n'},
    {'e', 'x', 't', 'e', 'n', 's', 'i', 'o'},
    {'e', 'x', 't', 'e', 'n', 's', 'i', 0xF3, 'n'},
    {'e', 'x', 't', 'e', 'n', 's', 'i', 0xF3},
    {'e', 'x', 't', 'n'},
    {'e', 'x', 't'},
    {'x', 't', 'e', 'n', 's', 'i', 'o', 0x301, 'n'},
    {'x', 't', 'e', 'n', 's', 'i', 'o', 0x301},
    {'x', 't', 'e', 'n', 's', 'i', 'o', 'n'},
    {'x', 't', 'e', 'n', 's', 'i', 'o'},
    {'x', 't', 'e', 'n', 's', 'i', 0xF3, 'n'},
    {'x', 't', 'e', 'n', 's', 'i', 0xF3},
    {'x', 't', 'n'},
    {'x', 't'},
    {0xFF45, 0xFF58, 0xFF54, 0xFF4E},
    {0xFF45, 0xFF58, 0xFF54},
    {0xFF58, 0xFF54, 0xFF4E},
    {0xFF58, 0xFF54},
    {0x434, 0x43E, 0x431},
    {'a', 'n', 'e', 'x', 'o'},
    {0x5185, 0x7DDA},
};

static const uint32_t ambiguous_labels[][4] = {
    {'x'}, {0xFF58}, {'#'},           {0xFF03},
    {'~'}, {0xFF5E}, {'i', 'n', 't'}, {0xFF49, 0xFF4E, 0xFF54},
};

static size_t label_at(const struct cpbuf *b, size_t i, size_t e,
                       const uint32_t *label, size_t cap)
{
    size_t k;

    for (k = 0; k < cap && label[k] != 0; k++)
        if (i + k >= e || cp_lower(b->c[i + k]) != label[k])
            return 0;
    return k;
}

/* Does _EXTN_PATTERN (anchored at $) match from p? *g: digits start. */
static bool ext_at(const struct cpbuf *b, size_t p, size_t e, size_t *g)
{
    size_t i, k, n;

    uint32_t c;

    /* ;ext=(\d{1,20}) */
    if (b->c[p] == ';' && has_prefix(b, p, e, ";ext=", true) &&
        ext_tail(b, p + 5, e, 20, false, g) && *g == p + 5 &&
        b->c[e - 1] != '#')
        return true;
    i = p;
    while (i < e && is_ext_sep(b->c[i]))
        i++;
    c = i < e ? cp_lower(b->c[i]) : 0;
    /* Only these start a label. */
    if (!(c == 'e' || c == 'x' || c == 'a' || c == 'i' || c == '#' ||
          c == '~' || c == 0xFF45 || c == 0xFF58 || c == 0xFF49 || c == 0x434 ||
          c == 0x5185 || c == 0xFF03 || c == 0xFF5E))
        goto no_label;
    for (k = 0; k < SIFT_ARRAY_LEN(explicit_labels); k++) {
        n = label_at(b, i, e, explicit_labels[k], 12);
        if (n && ext_tail(b, i + n, e, 20, false, g))
            return true;
    }
    for (k = 0; k < SIFT_ARRAY_LEN(ambiguous_labels); k++) {
        n = label_at(b, i, e, ambiguous_labels[k], 4);
        if (n && ext_tail(b, i + n, e, 9, false, g))
            return true;
    }
no_label:
    /* [- ]+(\d{1,6})# */
    i = p;
    while (i < e && (b->c[i] == '-' || b->c[i] == ' '))
        i++;
    if (i > p && ext_tail(b, i, e, 6, true, g))
        return true;
    /* [ \u00A0\t]*(?:,{2}|;)... and [ \u00A0\t]*(?:,)+... */
    i = p;
    while (i < e && is_ext_ws(b->c[i]))
        i++;
    if (i < e && b->c[i] == ';' && ext_tail(b, i + 1, e, 15, false, g))
        return true;
    if (i + 1 < e && b->c[i] == ',' && b->c[i + 1] == ',' &&
        ext_tail(b, i + 2, e, 15, false, g))
        return true;
    if (i < e && b->c[i] == ',') {
        while (i < e && b->c[i] == ',')
            i++;
        if (ext_tail(b, i, e, 9, false, g))
            return true;
    }
    return false;
}

/*
 * A cheap prefilter for the extension patterns: every one of them needs a
 * label letter, '#', '~', ';', ',' (or their full-width forms) or 内線,
 * so a caller ID with none of them (the usual "090-1234-5678") skips the
 * position-by-position search. It keeps the hot path short: the search
 * was a third of the parse time.
 */
static bool may_have_ext(const struct cpbuf *b, size_t a, size_t e)
{
    for (size_t i = a; i < e; i++) {
        uint32_t c = b->c[i];
        if (c < 0x80) {
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                return true;
            if (c == '#' || c == '~' || c == ';' || c == ',')
                return true;
        } else if (!sift__uni_is_nd(c) && c != 0xA0 && c != 0xFF0D &&
                   c != 0x2010 && c != 0x2011 && c != 0x2012 && c != 0x2013 &&
                   c != 0x2014 && c != 0x2015 && c != 0x2212 && c != 0xFF08 &&
                   c != 0xFF09 && c != 0x3000 && c != 0xFF0B) {
            return true; /* any other non-ASCII: take the full search */
        }
    }
    return false;
}

/* Leftmost p where the extension pattern matches, or e. */
static size_t ext_search(const struct cpbuf *b, size_t a, size_t e, size_t *g)
{
    size_t p;
    uint32_t last;

    if (e == a || !may_have_ext(b, a, e))
        return e;
    last = b->c[e - 1];
    if (last != '#' && !sift__uni_is_nd(last))
        return e;
    for (p = a; p < e; p++) {
        uint32_t c = b->c[p];

        if (sift__uni_is_nd(c) && c != 0x5185)
            continue;
        if (ext_at(b, p, e, g))
            return p;
    }
    return e;
}

/* _is_viable_phone_number over b[a, e). */
static bool viable(const struct cpbuf *b, size_t a, size_t e)
{
    size_t p, g;

    if (e - a < 2)
        return false;
    if (e - a == 2 && sift__uni_is_nd(b->c[a]) && sift__uni_is_nd(b->c[a + 1]))
        return true;
    if (valid_main(b, a, e))
        return true;
    if (!may_have_ext(b, a, e))
        return false;
    /* The main part followed by an extension: any split point. */
    for (p = a + 1; p < e; p++)
        if (ext_at(b, p, e, &g) && valid_main(b, a, p))
            return true;
    return false;
}

/* _extract_possible_number over b[a, e) into out. */
static void extract_possible(struct cpbuf *out, const struct cpbuf *b, size_t a,
                             size_t e)
{
    size_t i, k;

    while (a < e && !is_plus(b->c[a]) && !sift__uni_is_nd(b->c[a]))
        a++;
    /* Trailing characters that are neither #, a letter nor a digit. */
    while (e > a && (b->c[e - 1] == '_' ||
                     (b->c[e - 1] != '#' && !sift__uni_is_alnum(b->c[e - 1]))))
        e--;
    /* A second number: [\\/] *x */
    for (i = a; i < e; i++) {
        if (b->c[i] != '\\' && b->c[i] != '/')
            continue;
        k = i + 1;
        while (k < e && b->c[k] == ' ')
            k++;
        if (k < e && b->c[k] == 'x') {
            e = i;
            break;
        }
    }
    copy_range(out, b, a, e);
}

/* _build_national_number_for_parsing over b[a, e) into out. */
static void build_national(struct cpbuf *out, const struct cpbuf *b, size_t a,
                           size_t e)
{
    long pc = find_lit(b, a, e, ";phone-context=", false);
    long isub;

    out->n = 0;
    if (pc >= 0) {
        size_t start = (size_t)pc + 15, end, from;
        long tel;

        if (start + 1 < e && b->c[start] == '+') {
            end = start;
            while (end < e && b->c[end] != ';')
                end++;
            copy_range(out, b, start, end);
        }
        tel = find_lit(b, a, e, "tel:", false);
        from = tel >= 0 ? (size_t)tel + 4 : a;
        if (from < (size_t)pc)
            copy_range(out, b, from, (size_t)pc);
    } else {
        extract_possible(out, b, a, e);
    }
    isub = find_lit(out, 0, out->n, ";isub=", false);
    if (isub > 0)
        out->n = (size_t)isub;
}

/* ------------------------------------------------------------ entry */

static enum sift_rc fail(struct sift_number *out, struct sift_err *err,
                         enum sift_number_status st, size_t at, const char *fmt,
                         ...) SIFT_PRINTF(5, 6);

static enum sift_rc fail(struct sift_number *out, struct sift_err *err,
                         enum sift_number_status st, size_t at, const char *fmt,
                         ...)
{
    char where[32], msg[200];
    va_list ap;

    out->status = st;
    out->problem_at = at;
    if (err == NULL)
        return SIFT_EPARSE;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(where, sizeof(where), "byte %zu", at);
    return sift__err_set(err, SIFT_EPARSE, where, "%s", msg);
}

static const char keypad[26] = {'2', '2', '2', '3', '3', '3', '4', '4', '4',
                                '5', '5', '5', '6', '6', '6', '7', '7', '7',
                                '7', '8', '8', '8', '9', '9', '9', '9'};

/* A number before any parsing: nothing read yet. */
static void number_clear(struct sift_number *out)
{
    memset(out, 0, sizeof(*out));
    out->type = SIFT_TYPE_UNKNOWN;
    out->cc_source = SIFT_CC_FROM_DEFAULT;
}

/*
 * The usual caller ID, "+12025550123", "090-1234-5678" or
 * "+1 (877) 643-0291": ASCII digits with an optional '+' first (after
 * spaces) and only ' ', '-', '(', ')' and '.' between them. For such
 * input every string step below gives the digits in order (no state, URI,
 * extension or letters can be there, and libphonenumber's extraction only
 * trims separators), so they go straight to number_parse.c. Returns false,
 * with *out as it found it, for anything else and for any input
 * number_parse.c refuses: the general path then says what is wrong and
 * where. The unit test number_parse_plain_matches_general holds the two
 * paths to the same results.
 */
static bool parse_plain(struct sift_number *out, const unsigned char *s,
                        size_t len, const struct sift__region *def)
{
    char digits[MAXCP + 1];
    size_t n = 0, i = 0;
    bool plus = false;

    while (i < len && s[i] == ' ')
        i++;
    if (i < len && s[i] == '+') {
        plus = true;
        i++;
    }
    for (; i < len; i++) {
        unsigned c = s[i];

        if (c - '0' <= 9u)
            digits[n++] = (char)c;
        else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.')
            return false;
    }
    if (n < 3 || (def == NULL && !plus))
        return false;
    digits[n] = '\0';
    if (sift__parse_digits(out, digits, n, plus, def) != SIFT_NUMBER_OK) {
        number_clear(out);
        return false;
    }
    sift__classify(out);
    out->status = SIFT_NUMBER_OK;
    return true;
}

static enum sift_rc parse(struct sift_number *out, const char *raw, size_t len,
                          const char *default_region, struct sift_err *err,
                          bool plain);

enum sift_rc sift_number_parse(struct sift_number *out, const char *raw,
                               size_t len, const char *default_region,
                               struct sift_err *err)
{
    return parse(out, raw, len, default_region, err, true);
}

enum sift_rc sift__number_parse_general(struct sift_number *out,
                                        const char *raw, size_t len,
                                        const char *default_region,
                                        struct sift_err *err)
{
    return parse(out, raw, len, default_region, err, false);
}

static enum sift_rc parse(struct sift_number *out, const char *raw, size_t len,
                          const char *default_region, struct sift_err *err,
                          bool plain)
{
    struct cpbuf in, user, nat;
    const struct cpbuf *src = &in;
    const struct sift__region *def = NULL;
    char digits[MAXCP + 1];
    uint16_t digit_off[MAXCP];
    size_t a, e, i, n_digits = 0, n_alpha = 0, nat_end, g = 0;
    enum sift_number_status st;
    bool nul, plus;
    long bad;

    if (out == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "out is NULL");
    number_clear(out);
    if (raw == NULL && len > 0)
        return sift__err_set(err, SIFT_EINVAL, NULL, "caller ID is NULL");
    if (default_region != NULL && default_region[0] != '\0') {
        def = sift__region_by_iso(default_region);
        if (def == NULL) {
            out->status = SIFT_NUMBER_INVALID_COUNTRY_CODE;
            return sift__err_set(err, SIFT_EINVAL, NULL,
                                 "unknown default region \"%.8s\"",
                                 default_region);
        }
    }
    if (len > SIFT_NUMBER_MAX_INPUT)
        return fail(out, err, SIFT_NUMBER_INPUT_TOO_LONG, SIFT_NUMBER_MAX_INPUT,
                    "caller ID is longer than %d bytes; no phone number is "
                    "that long",
                    SIFT_NUMBER_MAX_INPUT);
    if (plain && parse_plain(out, (const unsigned char *)raw, len, def))
        return SIFT_OK;
    bad = decode_utf8((const unsigned char *)raw, len, &in, &nul);
    if (bad >= 0)
        return fail(out, err, SIFT_NUMBER_BAD_ENCODING, (size_t)bad,
                    nul ? "caller ID has an embedded NUL at byte %ld"
                        : "invalid UTF-8 at byte %ld",
                    bad);

    a = 0;
    e = in.n;
    while (a < e && is_white(in.c[a]))
        a++;
    while (e > a && is_white(in.c[e - 1]))
        e--;
    if (a == e) {
        out->status = SIFT_NUMBER_EMPTY;
        return SIFT_OK;
    }
    st = state_of(&in, a, e);
    if (st != SIFT_NUMBER_OK) {
        out->status = st;
        return SIFT_OK;
    }

    /* "Display name" <uri> and sip:/sips:/tel: URIs. */
    {
        size_t ua = a, ue = e, disp_a = a, disp_e = a;
        long lt = -1, gt = -1;

        for (i = a; i < e; i++) {
            if (in.c[i] == '<' && lt < 0)
                lt = (long)i;
            else if (in.c[i] == '>' && lt >= 0) {
                gt = (long)i;
                break;
            }
        }
        if (lt >= 0 && gt > lt) {
            disp_e = (size_t)lt;
            ua = (size_t)lt + 1;
            ue = (size_t)gt;
            while (ua < ue && is_white(in.c[ua]))
                ua++;
        }
        if (has_prefix(&in, ua, ue, "sip:", true) ||
            has_prefix(&in, ua, ue, "sips:", true)) {
            size_t at;

            ua += cp_lower(in.c[ua + 3]) == 's' ? 5 : 4;
            at = ua;
            while (at < ue && in.c[at] != '@')
                at++;
            if (at == ue) {
                /* No user part: the text up to parameters or headers. */
                at = ua;
                while (at < ue && in.c[at] != ';' && in.c[at] != '?')
                    at++;
            }
            copy_user_part(&user, &in, ua, at);
            src = &user;
        } else if (has_prefix(&in, ua, ue, "tel:", true)) {
            size_t end = ua + 4;

            while (end < ue && in.c[end] != '?')
                end++;
            copy_user_part(&user, &in, ua + 4, end);
            src = &user;
        } else if (lt >= 0 && gt > lt) {
            user.n = 0;
            copy_range(&user, &in, ua, ue);
            src = &user;
        }
        if (src == &user) {
            size_t ue2 = 0;

            while (ue2 < user.n && user.c[ue2] != ';')
                ue2++;
            st = state_of(&user, 0, ue2);
            if (st == SIFT_NUMBER_OK && ue2 == 0 && disp_e > disp_a)
                st = state_of(&in, disp_a, disp_e);
            if (st != SIFT_NUMBER_OK) {
                out->status = st;
                return SIFT_OK;
            }
            if (user.n == 0) {
                out->status = SIFT_NUMBER_EMPTY;
                return SIFT_OK;
            }
            a = 0;
            e = user.n;
        }
    }

    /* libphonenumber's string steps; plain text is read untrimmed, as
     * libphonenumber reads it (white space matters after phone-context). */
    if (src == &in) {
        a = 0;
        e = in.n;
    }
    build_national(&nat, src, a, e);
    if (!viable(&nat, 0, nat.n)) {
        size_t at = in.n ? in.off[a < in.n ? a : 0] : 0;
        bool any = false;

        for (i = 0; i < in.n; i++)
            any = any || sift__uni_is_nd(in.c[i]);
        if (!any)
            return fail(out, err, SIFT_NUMBER_NOT_A_NUMBER, at,
                        "caller ID has no digits");
        for (i = 0; i < nat.n; i++) {
            uint32_t c = nat.c[i];

            if (!sift__uni_is_nd(c) && !is_punct(c) && !is_alpha(c) &&
                !is_plus(c) && c != '*') {
                at = nat.off[i];
                break;
            }
        }
        if (nat.n > 0 && i == nat.n)
            at = nat.off[0];
        return fail(out, err, SIFT_NUMBER_NOT_A_NUMBER, at,
                    "caller ID is not shaped like a phone number "
                    "(at byte %zu)",
                    at);
    }
    plus = is_plus(nat.c[0]);
    if (def == NULL && !plus)
        return fail(out, err, SIFT_NUMBER_INVALID_COUNTRY_CODE, nat.off[0],
                    "a national number needs a default region; write it "
                    "with + and the country code");
    nat_end = ext_search(&nat, 0, nat.n, &g);
    if (nat_end < nat.n && viable(&nat, 0, nat_end)) {
        size_t k = 0;

        for (i = g; i < nat.n && k + 1 < sizeof(out->extension); i++) {
            int d = sift__uni_digit_value(nat.c[i]);

            if (d < 0)
                break;
            out->extension[k++] = (char)('0' + d);
        }
        out->extension[k] = '\0';
    } else {
        nat_end = nat.n;
    }

    /* _normalize: keypad letters when there are three or more. */
    for (i = 0; i < nat_end; i++)
        n_alpha += is_alpha(nat.c[i]);
    for (i = 0; i < nat_end; i++) {
        uint32_t c = nat.c[i];
        int d;

        if (n_alpha >= 3) {
            if (c >= '0' && c <= '9')
                d = (int)(c - '0');
            else if (is_alpha(c))
                d = keypad[(c | 0x20) - 'a'] - '0';
            else
                continue;
        } else {
            d = sift__uni_digit_value(c);
            if (d < 0)
                continue;
        }
        digit_off[n_digits] = nat.off[i];
        digits[n_digits++] = (char)('0' + d);
    }
    digits[n_digits] = '\0';
    if (n_digits < 3)
        return fail(out, err, SIFT_NUMBER_TOO_SHORT,
                    n_digits ? digit_off[0] : nat.off[0],
                    "caller ID has only %zu digits; too short for a phone "
                    "number",
                    n_digits);

    st = sift__parse_digits(out, digits, n_digits, plus, def);
    if (st != SIFT_NUMBER_OK) {
        switch (st) {
        case SIFT_NUMBER_TOO_LONG:
            return fail(
                out, err, st,
                digit_off[n_digits > SIFT_NUMBER_MAX_NSN ? SIFT_NUMBER_MAX_NSN
                                                         : n_digits - 1],
                "caller ID has %zu digits; a national number has "
                "at most %d",
                n_digits, SIFT_NUMBER_MAX_NSN);
        case SIFT_NUMBER_TOO_SHORT:
            return fail(out, err, st, digit_off[0],
                        "caller ID has too few digits after the "
                        "international prefix");
        case SIFT_NUMBER_INVALID_COUNTRY_CODE:
            return fail(out, err, st, digit_off[0],
                        "no country has the calling code at the start of "
                        "\"%.20s\"",
                        digits);
        default:
            return fail(out, err, st, digit_off[0],
                        "caller ID could not be read as a number");
        }
    }
    sift__classify(out);
    out->status = SIFT_NUMBER_OK;
    return SIFT_OK;
}
