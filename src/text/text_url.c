/*
 * text_url.c - links in a message (issue 3 §5, docs/text.md §4): find
 * URLs with or without a scheme in normalised text, find each host's
 * registrable domain with libpsl, and flag what phishing links tend to
 * have: an IP literal, punycode or mixed scripts, a link shortener, a
 * risky TLD, a dynamic-DNS or free-hosting domain, "user@" before the
 * host.
 *
 * Normalised text is NFKC-folded, so "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ"
 * arrives as "https://example.com" and upper case as lower case. Three
 * forms start a URL at a token boundary (the byte before is not a letter,
 * digit or one of -_.@/%~+=&?#):
 *
 *   scheme   http:// https:// and the defanged hxxp:// hxxps://
 *   www.     www.example.com/...
 *   bare     example.co.jp/path, bit.ly/abc: two or more labels whose
 *            last label is a public suffix by the PSL's explicit rules
 *            (so "mr.smith" is not a URL), or a dotted IPv4 followed by
 *            a port or a path.
 *
 * Hosts stop at Japanese characters, so "example.comこちら" is
 * example.com; other non-ASCII letters (Cyrillic, Greek ...) stay in the
 * host for the punycode and mixed-script flags. "[.]" counts as a dot.
 *
 * The lists (shorteners, risky TLDs, dynamic DNS, free hosting) are
 * sorted arrays searched by bisection; the built-in defaults are the
 * shipped data/urls.conf. Extraction never allocates.
 */
#include <errno.h>
#include <libpsl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_int.h"
#include "util/strset.h"

struct strlist {
    char **v;
    size_t n, cap;
};

enum { L_SHORT = 0, L_RISKY, L_DYN, L_FREE, N_LISTS };

static const char *const section_names[N_LISTS] = {
    "shorteners", "risky_tlds", "dynamic_dns", "free_hosting"};

struct sift_text_url_lists {
    const psl_ctx_t *psl;
    psl_ctx_t *psl_owned;
    struct strlist list[N_LISTS];
    /* every entry of the lists, its value the bit set (1 << L_*) of the
     * lists it is in: one hash lookup answers all four */
    struct sift__strset set;
};

/* The built-in lists: keep in step with data/urls.conf (a test checks). */
static const char default_conf[] =
    "[shorteners]\n"
    "bit.ly\nbitly.com\ntinyurl.com\nt.co\ngoo.gl\nis.gd\nv.gd\now.ly\n"
    "buff.ly\nrebrand.ly\ncutt.ly\nx.gd\nt.ly\nshorturl.at\ntiny.cc\n"
    "rb.gy\ngoo.su\ns.id\nshorturl.asia\nqr.pawork.jp\nurx.red\nurx.blue\n"
    "00m.in\nu.nu\nxgd.io\n"
    "[risky_tlds]\n"
    "xyz\ntop\ncn\nicu\ncyou\nbuzz\nshop\nclick\nlink\nrest\nmonster\n"
    "sbs\ncfd\nbond\nvip\nlive\nwork\nsupport\nonline\nsite\nclub\nlol\n"
    "fun\nquest\nbiz\n"
    "[dynamic_dns]\n"
    "duckdns.org\nno-ip.org\nno-ip.biz\nno-ip.info\nddns.net\ndynv6.net\n"
    "hopto.org\nzapto.org\nsytes.net\nfreeddns.org\n3utilities.com\n"
    "servehttp.com\nserveftp.com\nredirectme.net\nmyftp.org\nmyftp.biz\n"
    "dynu.net\nchangeip.com\nafraid.org\nmooo.com\ndedyn.io\nddnsfree.com\n"
    "ddns.me\n"
    "[free_hosting]\n"
    "replit.app\nrepl.co\npages.dev\nworkers.dev\nweb.app\n"
    "firebaseapp.com\ngithub.io\nnetlify.app\nvercel.app\nglitch.me\n"
    "herokuapp.com\ns3.amazonaws.com\nblogspot.com\nweebly.com\n"
    "wixsite.com\ntranslate.goog\nr2.dev\nngrok-free.app\nngrok.io\n";

/* ------------------------------------------------------------------ */
/* Lists                                                               */
/* ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is s one of the entries of list k? */
static bool list_has(const struct sift_text_url_lists *ls, int k, const char *s)
{
    uint32_t in;

    return sift__strset_get(&ls->set, s, strlen(s), &in) && ((in >> k) & 1);
}

/* The lists (bit set) that have host or a domain it is under. */
static uint32_t lists_above(const struct sift_text_url_lists *ls,
                            const char *host)
{
    uint32_t all = 0;

    sift__strset_get_under(&ls->set, host, strlen(host), SIFT__STRSET_OR, &all);
    return all;
}

static enum sift_rc list_add(struct strlist *l, const char *s, size_t len)
{
    char *copy;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **v = sift_realloc(l->v, cap * sizeof(*v));

        if (v == NULL)
            return SIFT_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    copy = sift_malloc(len + 1);
    if (copy == NULL)
        return SIFT_ENOMEM;
    for (size_t i = 0; i < len; i++)
        copy[i] = (char)sift__ascii_lower((unsigned char)s[i]);
    copy[len] = '\0';
    l->v[l->n++] = copy;
    return SIFT_OK;
}

static enum sift_rc parse_conf(struct sift_text_url_lists *ls, const char *name,
                               const char *buf, size_t len,
                               struct sift_err *err)
{
    size_t pos = 0;
    unsigned lineno = 0;
    int section = -1;

    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len, s = pos, e = end;
        char where[64];

        lineno++;
        pos = end + 1;
        while (s < e && sift__is_space((unsigned char)buf[s]))
            s++;
        while (e > s && sift__is_space((unsigned char)buf[e - 1]))
            e--;
        if (s == e || buf[s] == '#')
            continue;
        snprintf(where, sizeof(where), "%s:%u", name, lineno);
        if (buf[s] == '[') {
            section = -1;
            for (int k = 0; k < N_LISTS; k++) {
                size_t n = strlen(section_names[k]);

                if (e - s == n + 2 && buf[e - 1] == ']' &&
                    memcmp(buf + s + 1, section_names[k], n) == 0)
                    section = k;
            }
            if (section < 0)
                return sift__err_set(err, SIFT_EPARSE, where,
                                     "unknown section '%.*s' (expected "
                                     "[shorteners], [risky_tlds], "
                                     "[dynamic_dns] or [free_hosting])",
                                     (int)(e - s > 40 ? 40 : e - s), buf + s);
            continue;
        }
        if (section < 0)
            return sift__err_set(err, SIFT_EPARSE, where,
                                 "entry before any [section]");
        for (size_t i = s; i < e; i++) {
            unsigned char c = (unsigned char)buf[i];

            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  sift__is_digit(c) || c == '-' || c == '.'))
                return sift__err_set(err, SIFT_EPARSE, where,
                                     "bad entry '%.*s': expected a domain "
                                     "or a TLD in ASCII (punycode for IDN)",
                                     (int)(e - s > 60 ? 60 : e - s), buf + s);
        }
        if (list_add(&ls->list[section], buf + s, e - s))
            return sift__err_set(err, SIFT_ENOMEM, where, "out of memory");
    }
    for (int k = 0; k < N_LISTS; k++) {
        qsort(ls->list[k].v, ls->list[k].n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < ls->list[k].n; i++)
            if (sift__strset_put(&ls->set, ls->list[k].v[i],
                                 strlen(ls->list[k].v[i]), 1u << k,
                                 SIFT__STRSET_OR) != SIFT_OK)
                return sift__err_set(err, SIFT_ENOMEM, name, "out of memory");
    }
    return SIFT_OK;
}

void sift_text_url_lists_free(struct sift_text_url_lists *lists)
{
    if (lists == NULL)
        return;
    for (int k = 0; k < N_LISTS; k++) {
        for (size_t i = 0; i < lists->list[k].n; i++)
            sift_free(lists->list[k].v[i]);
        sift_free(lists->list[k].v);
    }
    if (lists->psl_owned)
        psl_free(lists->psl_owned);
    sift__strset_free(&lists->set);
    sift_free(lists);
}

enum sift_rc sift_text_url_lists_new(struct sift_text_url_lists **out,
                                     const char *path, struct sift_err *err)
{
    struct sift_text_url_lists *ls;
    enum sift_rc rc = SIFT_OK;
    char *buf = NULL;
    size_t len = 0;

    *out = NULL;
    ls = sift_calloc(1, sizeof(*ls));
    if (ls == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    /* Debian's libpsl has the list built in; otherwise load the packaged
     * DAFSA (publicsuffix package). */
    ls->psl = psl_builtin();
    if (ls->psl == NULL) {
        ls->psl_owned = psl_latest(NULL);
        ls->psl = ls->psl_owned;
    }
    if (ls->psl == NULL) {
        rc = sift__err_set(err, SIFT_EIO, NULL,
                           "no Public Suffix List: libpsl has none built in "
                           "and %s cannot be read",
                           psl_dist_filename());
        goto out;
    }
    if (path == NULL) {
        rc = parse_conf(ls, "(built-in urls.conf)", default_conf,
                        sizeof(default_conf) - 1, err);
        goto out;
    }
    {
        FILE *fp = fopen(path, "rb");

        if (fp == NULL) {
            rc = sift__err_set(err, SIFT_EIO, path, "cannot open: %s",
                               strerror(errno));
            goto out;
        }
        buf = sift_malloc(1024 * 1024);
        if (buf == NULL) {
            fclose(fp);
            rc = sift__err_set(err, SIFT_ENOMEM, path, "out of memory");
            goto out;
        }
        len = fread(buf, 1, 1024 * 1024, fp);
        if (len == 1024 * 1024)
            rc = sift__err_set(err, SIFT_ETOOBIG, path,
                               "URL lists file over 1 MiB");
        else if (ferror(fp))
            rc = sift__err_set(err, SIFT_EIO, path, "cannot read");
        fclose(fp);
        if (rc)
            goto out;
    }
    rc = parse_conf(ls, path, buf, len, err);
out:
    sift_free(buf);
    if (rc) {
        sift_text_url_lists_free(ls);
        return rc;
    }
    *out = ls;
    return SIFT_OK;
}

/* ------------------------------------------------------------------ */
/* Scripts (UTS #39 §5.2 "Highly Restrictive": Latin may mix with Han +  */
/* kana, or with Hangul; any other mix of scripts in a label is mixed)  */
/* ------------------------------------------------------------------ */

enum script {
    SC_NONE = 0, /* digits, '-', marks: no script */
    SC_LATIN,
    SC_GREEK,
    SC_CYRILLIC,
    SC_ARMENIAN,
    SC_HEBREW,
    SC_ARABIC,
    SC_THAI,
    SC_JAPANESE, /* Han, hiragana, katakana */
    SC_HANGUL,
    SC_OTHER /* + (cp >> 7): a rough per-block script */
};

static unsigned script_of(int32_t cp)
{
    if (cp < 0x80)
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? SC_LATIN : SC_NONE;
    if ((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
        (cp >= 0x2C60 && cp <= 0x2C7F) || (cp >= 0xA720 && cp <= 0xA7FF))
        return cp == 0xD7 || cp == 0xF7 ? SC_NONE : SC_LATIN;
    if (cp >= 0x300 && cp <= 0x36F)
        return SC_NONE; /* combining marks */
    if ((cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x1F00 && cp <= 0x1FFF))
        return SC_GREEK;
    if ((cp >= 0x400 && cp <= 0x52F) || (cp >= 0x2DE0 && cp <= 0x2DFF) ||
        (cp >= 0xA640 && cp <= 0xA69F) || (cp >= 0x1C80 && cp <= 0x1C8F))
        return SC_CYRILLIC;
    if (cp >= 0x530 && cp <= 0x58F)
        return SC_ARMENIAN;
    if (cp >= 0x590 && cp <= 0x5FF)
        return SC_HEBREW;
    if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F))
        return SC_ARABIC;
    if (cp >= 0xE00 && cp <= 0xE7F)
        return SC_THAI;
    if (sift__is_japanese(cp))
        return SC_JAPANESE;
    if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) ||
        (cp >= 0x3130 && cp <= 0x318F))
        return SC_HANGUL;
    return SC_OTHER + (unsigned)(cp >> 7);
}

static bool scripts_mixed(const int32_t *cp, size_t n)
{
    unsigned a = SC_NONE, b = SC_NONE;

    for (size_t i = 0; i < n; i++) {
        unsigned s = script_of(cp[i]);

        if (s == SC_NONE || s == a || s == b)
            continue;
        if (a == SC_NONE)
            a = s;
        else if (b == SC_NONE)
            b = s;
        else
            return true; /* three scripts */
    }
    if (b == SC_NONE)
        return false;
    if (a > b) {
        unsigned t = a;

        a = b;
        b = t;
    }
    return !(a == SC_LATIN && (b == SC_JAPANESE || b == SC_HANGUL));
}

/* RFC 3492 §6.2 decoding of one punycode label body (after "xn--") into
 * out[0..max). Returns the number of code points, or -1 when malformed. */
static int punycode_decode(const char *in, size_t len, int32_t *out, size_t max)
{
    enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700 };
    size_t n_out = 0, b = 0, i_in;
    uint32_t n = 128, i = 0, bias = 72;

    for (size_t k = 0; k < len; k++)
        if (in[k] == '-')
            b = k;
    if (b > max)
        return -1;
    for (size_t k = 0; k < b; k++) {
        if ((unsigned char)in[k] >= 0x80)
            return -1;
        out[n_out++] = (unsigned char)in[k];
    }
    for (i_in = b > 0 ? b + 1 : 0; i_in < len;) {
        uint32_t oldi = i, w = 1, delta, numpoints;

        for (uint32_t k = BASE;; k += BASE) {
            unsigned char c;
            uint32_t digit, t;

            if (i_in >= len)
                return -1;
            c = (unsigned char)in[i_in++];
            if (c >= '0' && c <= '9')
                digit = c - '0' + 26;
            else if (c >= 'a' && c <= 'z')
                digit = c - 'a';
            else if (c >= 'A' && c <= 'Z')
                digit = c - 'A';
            else
                return -1;
            if (digit > (UINT32_MAX - i) / w)
                return -1;
            i += digit * w;
            t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
            if (digit < t)
                break;
            if (w > UINT32_MAX / (BASE - t))
                return -1;
            w *= BASE - t;
        }
        numpoints = (uint32_t)n_out + 1;
        delta = oldi == 0 ? (i - oldi) / DAMP : (i - oldi) / 2;
        delta += delta / numpoints;
        {
            uint32_t k = 0;

            while (delta > ((BASE - TMIN) * TMAX) / 2) {
                delta /= BASE - TMIN;
                k += BASE;
            }
            bias = k + (BASE - TMIN + 1) * delta / (delta + SKEW);
        }
        if (i / numpoints > 0x10FFFF - n)
            return -1;
        n += i / numpoints;
        i %= numpoints;
        if (n_out >= max)
            return -1;
        memmove(out + i + 1, out + i, (n_out - i) * sizeof(*out));
        out[i++] = (int32_t)n;
        n_out++;
    }
    return (int)n_out;
}

/* ------------------------------------------------------------------ */
/* Extraction                                                          */
/* ------------------------------------------------------------------ */

static bool is_label_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || sift__is_digit(c) || c == '-' ||
           c == '_' || (c >= 'A' && c <= 'Z');
}

/* Bytes that cannot come right before the start of a URL. */
static bool blocks_start(unsigned char c)
{
    return is_label_byte(c) || c == '.' || c == '@' || c == '/' || c == '%' ||
           c == '~' || c == '+' || c == '=' || c == '&' || c == '?' ||
           c == '#' || c == ':';
}

/* ASCII bytes allowed in a path, query or fragment (RFC 3986 §2). */
static bool is_path_byte(unsigned char c)
{
    return c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' &&
           c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' &&
           c != '}';
}

/* A non-ASCII letter that may be part of a host: not Japanese, not CJK
 * punctuation, not a space or symbol. Returns its byte length or 0. */
static size_t host_mb(const unsigned char *s, size_t len)
{
    int32_t cp;
    bool ok;
    size_t n = sift__utf8_decode(s, len, &cp, &ok);
    unsigned sc;

    if (!ok)
        return 0;
    sc = script_of(cp);
    if (sc == SC_NONE || sc == SC_JAPANESE || sc == SC_HANGUL)
        return 0;
    if (cp >= 0x2000 && cp <= 0x2BFF)
        return 0; /* punctuation, symbols, arrows */
    return n;
}

static bool parse_ipv4(const char *h)
{
    int parts = 0;

    while (*h) {
        unsigned v = 0;
        int digits = 0;

        while (sift__is_digit((unsigned char)*h) && digits < 4) {
            v = v * 10 + (unsigned)(*h++ - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255)
            return false;
        parts++;
        if (*h == '.')
            h++;
        else if (*h)
            return false;
    }
    return parts == 4;
}

/*
 * Read a host at s[i..len) into host (NUL-terminated, dots for "[.]").
 * Stops at the first byte that cannot be in a host. Returns the end
 * offset; *labels counts the labels.
 */
static size_t read_host(const char *s, size_t i, size_t len, char *host,
                        size_t *hlen, int *labels)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t h = 0, label_len = 0;

    *labels = 0;
    while (i < len) {
        size_t n = 0;

        if (u[i] == '.' || (u[i] == '[' && i + 2 < len && u[i + 1] == '.' &&
                            u[i + 2] == ']')) {
            if (label_len == 0)
                break; /* ".." or a leading dot ends the host */
            if (h + 1 >= SIFT_TEXT_HOST_MAX)
                break;
            host[h++] = '.';
            i += u[i] == '.' ? 1 : 3;
            label_len = 0;
            continue;
        }
        if (is_label_byte(u[i]))
            n = 1;
        else if (u[i] >= 0x80)
            n = host_mb(u + i, len - i);
        if (n == 0 || h + n >= SIFT_TEXT_HOST_MAX)
            break;
        if (label_len == 0)
            (*labels)++;
        for (size_t k = 0; k < n; k++)
            host[h++] = (char)sift__ascii_lower(u[i + k]);
        i += n;
        label_len += n;
    }
    /* A trailing dot (end of a sentence) is not part of the host. */
    if (h > 0 && host[h - 1] == '.') {
        h--;
        i--;
        if (i >= 2 && s[i] == ']')
            i -= 2;
    }
    host[h] = '\0';
    *hlen = h;
    return i;
}

/* Path, query and fragment after the host (and port), trimmed of the
 * sentence punctuation that usually follows a link. */
static size_t read_rest(const char *s, size_t i, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t e = i;

    if (e < len && u[e] == ':') {
        size_t d = e + 1;

        while (d < len && d - e <= 5 && sift__is_digit(u[d]))
            d++;
        if (d > e + 1)
            e = d;
    }
    if (e < len && (u[e] == '/' || u[e] == '?' || u[e] == '#')) {
        while (e < len && is_path_byte(u[e]))
            e++;
        while (e > i && strchr(".,;:!?)]}'\"", s[e - 1]) != NULL)
            e--;
    }
    return e;
}

static const char *last_label(const char *host)
{
    const char *dot = strrchr(host, '.');

    return dot ? dot + 1 : host;
}

static void flag_url(const struct sift_text_url_lists *ls,
                     struct sift_text_url *url)
{
    const char *h = url->host, *label = h;
    bool all_digits = true;

    sift__strlcpy(url->tld, last_label(h), sizeof(url->tld));
    for (const char *p = h; *p; p++)
        if (!sift__is_digit((unsigned char)*p))
            all_digits = false;
    if (h[0] == '[' || parse_ipv4(h) || (all_digits && h[0]) ||
        (h[0] == '0' && h[1] == 'x')) {
        url->flags |= SIFT_TEXT_URL_IP_HOST;
        url->domain[0] = '\0';
        url->tld[0] = '\0';
        return;
    }
    /* Labels: punycode and scripts. */
    while (*label) {
        const char *end = strchr(label, '.');
        size_t n = end ? (size_t)(end - label) : strlen(label);
        int32_t cps[64];
        int n_cp = 0;
        bool ascii = true;

        for (size_t k = 0; k < n; k++)
            if ((unsigned char)label[k] >= 0x80)
                ascii = false;
        if (n > 4 && memcmp(label, "xn--", 4) == 0) {
            url->flags |= SIFT_TEXT_URL_PUNYCODE;
            n_cp = punycode_decode(label + 4, n - 4, cps, SIFT_ARRAY_LEN(cps));
        } else if (!ascii) {
            size_t k = 0;

            url->flags |= SIFT_TEXT_URL_PUNYCODE; /* an IDN as written */
            while (k < n && n_cp < (int)SIFT_ARRAY_LEN(cps)) {
                bool ok;

                k += sift__utf8_decode((const unsigned char *)label + k, n - k,
                                       &cps[n_cp++], &ok);
            }
        }
        if (n_cp > 0 && scripts_mixed(cps, (size_t)n_cp))
            url->flags |= SIFT_TEXT_URL_MIXED_SCRIPTS;
        label = end ? end + 1 : label + n;
    }
    {
        const char *d = psl_registrable_domain(ls->psl, h);

        sift__strlcpy(url->domain, d ? d : "", sizeof(url->domain));
    }
    {
        uint32_t above = lists_above(ls, h);

        if (list_has(ls, L_SHORT, h) ||
            (url->domain[0] && list_has(ls, L_SHORT, url->domain)))
            url->flags |= SIFT_TEXT_URL_SHORTENER;
        if (list_has(ls, L_RISKY, url->tld))
            url->flags |= SIFT_TEXT_URL_RISKY_TLD;
        if ((above >> L_DYN) & 1)
            url->flags |= SIFT_TEXT_URL_DYNAMIC_DNS;
        if ((above >> L_FREE) & 1)
            url->flags |= SIFT_TEXT_URL_FREE_HOSTING;
    }
}

/* Try a URL starting at s[i]. Returns its end, or 0 when none. */
static size_t try_url(const struct sift_text_url_lists *ls, const char *s,
                      size_t i, size_t len, struct sift_text_url *url)
{
    static const char *const schemes[] = {"https://", "http://", "hxxps://",
                                          "hxxp://"};
    size_t a = i, e, hlen;
    bool scheme = false;
    int labels;

    memset(url, 0, offsetof(struct sift_text_url, host) + 1);
    url->domain[0] = '\0';
    url->tld[0] = '\0';
    for (size_t k = 0; k < SIFT_ARRAY_LEN(schemes); k++) {
        size_t n = strlen(schemes[k]);

        if (len - i >= n && memcmp(s + i, schemes[k], n) == 0) {
            scheme = true;
            a = i + n;
            break;
        }
    }
    if (scheme) {
        /* userinfo: the host follows the last '@' of the authority. */
        size_t ae = a;

        while (ae < len && is_path_byte((unsigned char)s[ae]) && s[ae] != '/' &&
               s[ae] != '?' && s[ae] != '#')
            ae++;
        for (size_t k = ae; k > a; k--)
            if (s[k - 1] == '@') {
                url->flags |= SIFT_TEXT_URL_USERINFO;
                a = k;
                break;
            }
        url->flags |= SIFT_TEXT_URL_SCHEME;
        if (a < len && s[a] == '[') {
            const char *rb = memchr(s + a, ']', len - a);

            if (rb == NULL || (size_t)(rb - s) - a + 2 > SIFT_TEXT_HOST_MAX)
                return 0;
            hlen = (size_t)(rb - s) - a + 1;
            memcpy(url->host, s + a, hlen);
            url->host[hlen] = '\0';
            e = a + hlen;
        } else {
            e = read_host(s, a, len, url->host, &hlen, &labels);
            if (hlen == 0)
                return 0;
        }
    } else {
        e = read_host(s, a, len, url->host, &hlen, &labels);
        if (labels < 2)
            return 0;
        if (parse_ipv4(url->host)) {
            /* A bare dotted quad is a URL only with a port or a path. */
            if (e >= len || (s[e] != '/' && s[e] != ':'))
                return 0;
        } else if (!(hlen > 4 && memcmp(url->host, "www.", 4) == 0)) {
            const char *tld = last_label(url->host);
            bool letters = true;

            for (const char *p = tld; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (unsigned char)*p >= 0x80))
                    letters = false;
            if (!(letters || memcmp(tld, "xn--", 4) == 0) ||
                !psl_is_public_suffix2(ls->psl, tld,
                                       PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
                return 0;
        }
    }
    e = read_rest(s, e, len);
    url->offset = i;
    url->len = e - i;
    flag_url(ls, url);
    return e;
}

/*
 * Every URL has "://" or a dot between two host labels ("[.]" counts:
 * the dot is followed by ']'), so a text where each dot ends a sentence
 * (followed by a space, the end, or punctuation) and no "://" appears has
 * none: most prose is skipped after a few memchr calls.
 */
static bool may_have_url(const char *s, size_t len)
{
    const char *p = s, *end = s + len;

    while ((p = memchr(p, '.', (size_t)(end - p))) != NULL) {
        unsigned char c;

        if (++p == end)
            break;
        c = (unsigned char)*p;
        if (is_label_byte(c) || c >= 0x80 || c == ']')
            return true;
    }
    for (p = s; (p = memchr(p, ':', (size_t)(end - p))) != NULL; p++)
        if (end - p >= 3 && p[1] == '/' && p[2] == '/')
            return true;
    return false;
}

size_t sift_text_urls(const struct sift_text_url_lists *lists, const char *norm,
                      size_t len, struct sift_text_url *out, size_t max,
                      size_t *n_out)
{
    const unsigned char *u = (const unsigned char *)norm;
    struct sift_text_url tmp;
    size_t found = 0, i = 0;

    *n_out = 0;
    if (lists == NULL || norm == NULL || !may_have_url(norm, len))
        return 0;
    while (i < len) {
        size_t e;

        if (u[i] >= 0xE3 && u[i] <= 0xE9) {
            /* U+3000-U+9FFF: CJK and kana never start a host. */
            i += 3;
            continue;
        }
        if (u[i] >= 0x80) {
            /* Only a letter that can be in a host starts a URL here. */
            size_t n = host_mb(u + i, len - i);

            if (n == 0) {
                i += sift__utf8_seq_len(u[i]);
                continue;
            }
        } else if (!is_label_byte(u[i]) || (i > 0 && blocks_start(u[i - 1]))) {
            i++;
            continue;
        } else {
            /* An ASCII token that is not followed by a dot, "[.", "://"
             * or a letter that continues a host cannot be a URL: skip it
             * without parsing. ("amazon" or "ntt" before Japanese text,
             * which no host continues, were most of the tries.) */
            size_t t = i;

            while (t < len && is_label_byte(u[t]))
                t++;
            if (t == len || !(u[t] == '.' || u[t] == '[' || u[t] == ':' ||
                              (u[t] >= 0x80 && host_mb(u + t, len - t) != 0))) {
                i = t;
                continue;
            }
        }
        e = try_url(lists, norm, i, len,
                    found < max && out ? &out[found] : &tmp);
        if (e > i) {
            found++;
            i = e;
            continue;
        }
        /* Skip the rest of this token. */
        while (i < len && (is_label_byte(u[i]) || u[i] == '.'))
            i++;
        if (i < len && u[i] >= 0x80)
            i += sift__utf8_seq_len(u[i]);
    }
    *n_out = found < max ? found : max;
    return found;
}

/* ------------------------------------------------------------------ */
/* Official domains and look-alikes                                    */
/* ------------------------------------------------------------------ */

static bool under(const char *host, const char *domain)
{
    size_t hl = strlen(host), dl = strlen(domain);

    if (dl == 0 || hl < dl)
        return false;
    if (strcmp(host + hl - dl, domain) != 0)
        return false;
    return hl == dl || host[hl - dl - 1] == '.';
}

bool sift_text_url_is_official(const struct sift_text_url *url,
                               const char *const *official, size_t n_official)
{
    for (size_t i = 0; i < n_official; i++)
        if (under(url->host, official[i]))
            return true;
    return false;
}

/* Copy s without dots and hyphens, lower case, into out[size]. */
static size_t squash(const char *s, char *out, size_t size)
{
    size_t n = 0;

    for (; *s && n + 1 < size; s++)
        if (*s != '.' && *s != '-')
            out[n++] = (char)sift__ascii_lower((unsigned char)*s);
    out[n] = '\0';
    return n;
}

/* Is tok a whole label or hyphen-separated part of host? */
static bool whole_part(const char *host, const char *tok, size_t tl)
{
    const char *p = host;

    while (*p) {
        size_t n = strcspn(p, ".-");

        if (n == tl && memcmp(p, tok, tl) == 0)
            return true;
        p += n;
        if (*p)
            p++;
    }
    return false;
}

bool sift_text_url_lookalike(const struct sift_text_url *url,
                             const char *const *brands, size_t n_brands,
                             const char *const *official, size_t n_official,
                             size_t *brand)
{
    char host[SIFT_TEXT_HOST_MAX], tok[128];

    if (url->host[0] == '\0' || (url->flags & SIFT_TEXT_URL_IP_HOST) ||
        sift_text_url_is_official(url, official, n_official))
        return false;
    squash(url->host, host, sizeof(host));
    for (size_t i = 0; i < n_brands; i++) {
        size_t tl = squash(brands[i], tok, sizeof(tok));

        if (tl == 0)
            continue;
        if (tl >= 4 ? strstr(host, tok) != NULL
                    : whole_part(url->host, brands[i], strlen(brands[i]))) {
            if (brand)
                *brand = i;
            return true;
        }
    }
    return false;
}
