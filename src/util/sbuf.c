/*
 * sbuf.c - bounded string building over a caller's buffer, and small
 * string helpers that replace the banned libc calls (STYLE.md §5).
 */
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void sift__sbuf_init(struct sift__sbuf *sb, char *buf, size_t size)
{
    sb->buf = buf;
    sb->size = size;
    sb->len = 0;
    if (size > 0)
        buf[0] = '\0';
}

void sift__sbuf_addf(struct sift__sbuf *sb, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(tmp))
        n = (int)sizeof(tmp) - 1;
    sift__sbuf_add(sb, tmp, (size_t)n);
}

void sift__sbuf_add_fixed2(struct sift__sbuf *sb, double x)
{
    char tmp[32], *p = tmp + sizeof(tmp);
    double r;
    unsigned long long v;
    bool neg = x < 0;

    if (!(x > -1e9 && x < 1e9)) { /* NaN, inf and the rare large value */
        sift__sbuf_addf(sb, "%.2f", x);
        return;
    }
    /* Hundredths, rounded to the nearer; a value within rounding error
     * of a half-way point goes to printf, which rounds its exact binary
     * value, so the text is always what "%.2f" prints. */
    r = (neg ? -x : x) * 100.0;
    if (fabs(r - floor(r) - 0.5) < 1e-6) { /* near half: let printf say */
        sift__sbuf_addf(sb, "%.2f", x);
        return;
    }
    r = nearbyint(r);
    v = (unsigned long long)r;
    *--p = (char)('0' + v % 10);
    *--p = (char)('0' + v / 10 % 10);
    *--p = '.';
    v /= 100;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    if (neg && r != 0)
        *--p = '-';
    sift__sbuf_add(sb, p, (size_t)(tmp + sizeof(tmp) - p));
}

size_t sift__strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

size_t sift__join(char *dst, size_t size, ...)
{
    struct sift__sbuf sb;
    const char *s;
    va_list ap;

    sift__sbuf_init(&sb, dst, size);
    va_start(ap, size);
    while ((s = va_arg(ap, const char *)) != NULL)
        sift__sbuf_adds(&sb, s);
    va_end(ap);
    return sb.len;
}

bool sift__parse_uint(const char *s, unsigned long long max,
                      unsigned long long *out)
{
    unsigned long long v = 0;

    if (s == NULL || *s == '\0')
        return false;
    for (; *s; s++) {
        if (!sift__is_digit((unsigned char)*s))
            return false;
        if (v > (max - (unsigned)(*s - '0')) / 10)
            return false;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out = v;
    return true;
}
