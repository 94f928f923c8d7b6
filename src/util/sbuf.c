/*
 * sbuf.c - bounded string building over a caller's buffer, and small
 * string helpers that replace the banned libc calls (STYLE.md §5).
 */
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

void sift__sbuf_add(struct sift__sbuf *sb, const char *s, size_t len)
{
    if (sb->size > 0 && sb->len < sb->size - 1) {
        size_t room = sb->size - 1 - sb->len;
        size_t n = len < room ? len : room;
        memcpy(sb->buf + sb->len, s, n);
        sb->buf[sb->len + n] = '\0';
    }
    sb->len += len;
}

void sift__sbuf_adds(struct sift__sbuf *sb, const char *s)
{
    sift__sbuf_add(sb, s, strlen(s));
}

void sift__sbuf_addc(struct sift__sbuf *sb, char c)
{
    sift__sbuf_add(sb, &c, 1);
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

size_t sift__utf8_seq(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f))
            return 0;
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
            (s[3] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
            return 0;
        return 4;
    }
    return 0;
}
