/*
 * util.h - small helpers with no project state: error detail, bounded
 * string building and ASCII predicates. Internal to callsift (sift__ names);
 * the CLI and the server may use them too.
 */
#ifndef SIFT_UTIL_H
#define SIFT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "callsift/common.h"

#if defined(__GNUC__)
#define SIFT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SIFT_PRINTF(f, a)
#endif

#define SIFT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Debug-build invariant checks (SQLite's assert/ALWAYS/NEVER idea):
 * SIFT_ALWAYS(x) and SIFT_NEVER(x) evaluate to x in release builds so the
 * defensive branch survives, and assert in debug builds. */
#ifdef NDEBUG
#define SIFT_ASSERT(x) ((void)0)
#define SIFT_ALWAYS(x) (x)
#define SIFT_NEVER(x)  (x)
#else
#include <assert.h>
#define SIFT_ASSERT(x) assert(x)
#define SIFT_ALWAYS(x) ((x) ? 1 : (assert(0), 0))
#define SIFT_NEVER(x)  ((x) ? (assert(0), 1) : 0)
#endif

/*
 * Fill err (may be NULL) with rc, a message and a place, and return rc.
 * where may be NULL. Never allocates.
 */
enum sift_rc sift__err_set(struct sift_err *err, enum sift_rc rc,
                           const char *where, const char *fmt, ...)
    SIFT_PRINTF(4, 5);

/* Clear err (may be NULL) to SIFT_OK with empty text. */
void sift__err_clear(struct sift_err *err);

/*
 * A bounded string builder over a caller's buffer: appends truncate at
 * size - 1 and keep the buffer NUL-terminated, while len keeps counting
 * what the full text needs (as snprintf does).
 */
struct sift__sbuf {
    char *buf;
    size_t size;
    size_t len;
};

void sift__sbuf_init(struct sift__sbuf *sb, char *buf, size_t size);
void sift__sbuf_addf(struct sift__sbuf *sb, const char *fmt, ...)
    SIFT_PRINTF(2, 3);

/* Append len bytes of s (the JSON writers call these for every token,
 * so they are inline). */
static inline void sift__sbuf_add(struct sift__sbuf *sb, const char *s,
                                  size_t len)
{
    if (sb->len + len < sb->size) {
        memcpy(sb->buf + sb->len, s, len);
        sb->buf[sb->len + len] = '\0';
    } else if (sb->size > 0 && sb->len < sb->size - 1) {
        size_t n = sb->size - 1 - sb->len;

        memcpy(sb->buf + sb->len, s, n);
        sb->buf[sb->len + n] = '\0';
    }
    sb->len += len;
}

static inline void sift__sbuf_adds(struct sift__sbuf *sb, const char *s)
{
    sift__sbuf_add(sb, s, strlen(s));
}

static inline void sift__sbuf_addc(struct sift__sbuf *sb, char c)
{
    if (sb->len + 1 < sb->size) {
        sb->buf[sb->len] = c;
        sb->buf[sb->len + 1] = '\0';
    }
    sb->len++;
}

/* Append x in decimal, as "%u" prints it. */
static inline void sift__sbuf_add_uint(struct sift__sbuf *sb, unsigned x)
{
    char d[10]; /* UINT_MAX has 10 digits */
    size_t n = sizeof(d);

    do {
        d[--n] = (char)('0' + x % 10);
        x /= 10;
    } while (x != 0);
    sift__sbuf_add(sb, d + n, sizeof(d) - n);
}

/* Append x with two decimals, as "%.2f" prints it for the weights and
 * scores the engine makes (|x| < 1e9); printf is kept for the rest. */
void sift__sbuf_add_fixed2(struct sift__sbuf *sb, double x);

/* Copy src into dst of size bytes, truncating, always NUL-terminated when
 * size > 0. Returns strlen(src). */
size_t sift__strlcpy(char *dst, const char *src, size_t size);

/* The strings after size, up to a NULL, one after another into dst of
 * size bytes: what snprintf(dst, size, "%s%s...", ...) writes, without
 * printf's format parsing (the engine writes a dozen such texts a check).
 * Returns the length of the whole text. */
size_t sift__join(char *dst, size_t size, ...);

/* Length (1-4) of the valid UTF-8 sequence at the start of the
 * NUL-terminated s, or 0 when it is not valid UTF-8 (overlong forms and
 * surrogates included). Never reads past a NUL. */
static inline size_t sift__utf8_seq(const unsigned char *s)
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

/* Parse a non-negative decimal integer of the whole string s into *out.
 * Returns false on junk, an empty string or overflow past max. */
bool sift__parse_uint(const char *s, unsigned long long max,
                      unsigned long long *out);

static inline bool sift__is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* An ASCII letter or digit (what a Latin word's edge may not touch). */
static inline bool sift__is_alnum_ascii(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           sift__is_digit(c);
}

static inline bool sift__is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static inline int sift__ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

#endif
