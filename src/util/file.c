/*
 * file.c - bounded whole-file reads, a line cursor, and slice helpers for
 * the line-oriented data formats (rules, orgs, watchlist, configuration).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "file.h"
#include "util.h"

enum sift_rc sift__file_read(const char *path, size_t max, char **data,
                             size_t *len, struct sift_err *err)
{
    FILE *f = NULL;
    char *buf = NULL;
    size_t cap = 4096, n = 0;
    enum sift_rc rc = SIFT_OK;

    *data = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (f == NULL)
        return sift__err_set(err, SIFT_EIO, path, "cannot open %s: %s", path,
                             strerror(errno));
    buf = sift_malloc(cap);
    if (buf == NULL) {
        rc = sift__err_set(err, SIFT_ENOMEM, path, "out of memory");
        goto out;
    }
    for (;;) {
        size_t got;
        if (n + 1 >= cap) {
            char *b2;
            if (cap > max + 1) {
                rc = sift__err_set(err, SIFT_ETOOBIG, path,
                                   "%s is larger than %zu bytes", path, max);
                goto out;
            }
            cap *= 2;
            b2 = sift_realloc(buf, cap);
            if (b2 == NULL) {
                rc = sift__err_set(err, SIFT_ENOMEM, path, "out of memory");
                goto out;
            }
            buf = b2;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = sift__err_set(err, SIFT_EIO, path, "reading %s failed", path);
        goto out;
    }
    if (n > max) {
        rc = sift__err_set(err, SIFT_ETOOBIG, path,
                           "%s is larger than %zu bytes", path, max);
        goto out;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    buf = NULL;
out:
    sift_free(buf);
    fclose(f);
    return rc;
}

void sift__lines_init(struct sift__lines *it, const char *data, size_t len)
{
    it->p = data;
    it->end = data + len;
    it->lineno = 0;
}

bool sift__lines_next(struct sift__lines *it, struct sift_str *line)
{
    const char *nl;

    if (it->p >= it->end)
        return false;
    nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    line->p = it->p;
    line->len = (size_t)((nl ? nl : it->end) - it->p);
    if (line->len > 0 && line->p[line->len - 1] == '\r')
        line->len--;
    it->p = nl ? nl + 1 : it->end;
    it->lineno++;
    return true;
}

size_t sift__utf8_valid_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t need;
        if (c == 0)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3;
        else
            return i;
        if (i + need >= len)
            return i;
        for (size_t k = 1; k <= need; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
        if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] > 0x9f) ||
            (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] > 0x8f))
            return i;
        i += need + 1;
    }
    return i;
}

struct sift_str sift__str_trim(struct sift_str s)
{
    while (s.len > 0 && sift__is_space((unsigned char)s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len > 0 && sift__is_space((unsigned char)s.p[s.len - 1]))
        s.len--;
    return s;
}

bool sift__str_eq(struct sift_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.p, lit, n) == 0;
}

char *sift__str_dup(struct sift_str s)
{
    char *d = sift_malloc(s.len + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s.p, s.len);
    d[s.len] = '\0';
    return d;
}

bool sift__str_to_double(struct sift_str s, double *out)
{
    double v = 0, scale = 1;
    size_t i = 0;
    bool neg = false, digits = false, dot = false;

    if (s.len > 32)
        return false;
    if (i < s.len && (s.p[i] == '-' || s.p[i] == '+')) {
        neg = s.p[i] == '-';
        i++;
    }
    for (; i < s.len; i++) {
        char c = s.p[i];
        if (sift__is_digit((unsigned char)c)) {
            digits = true;
            if (dot) {
                scale /= 10;
                v += (c - '0') * scale;
            } else {
                v = v * 10 + (c - '0');
            }
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            return false;
        }
    }
    if (!digits)
        return false;
    *out = neg ? -v : v;
    return true;
}
