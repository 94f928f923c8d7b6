/*
 * server_util.c - the small pieces the server files share: a bounded
 * growable buffer with JSON string escaping, the log line, number
 * redaction for logs, a monotonic clock and SHA-256 (FIPS 180-4) for
 * token hashes.
 *
 * Invariant: a struct sift__buf never grows past max; an append that
 * would is dropped and sets over, so a handler can answer 500 instead of
 * sending a cut document.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/server_int.h"
#include "util/file.h"

void sift__buf_init(struct sift__buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

void sift__buf_release(struct sift__buf *b)
{
    sift_free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void sift__buf_reset(struct sift__buf *b)
{
    b->len = 0;
    b->over = false;
    if (b->p != NULL)
        b->p[0] = '\0';
}

bool sift__buf_reserve(struct sift__buf *b, size_t n)
{
    size_t want, cap;
    char *p;

    if (b->over)
        return false;
    if (n > b->max || b->len + n + 1 > b->max + 1) {
        b->over = true;
        return false;
    }
    want = b->len + n + 1;
    if (want <= b->cap)
        return true;
    cap = b->cap ? b->cap : 1024;
    while (cap < want)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    p = sift_realloc(b->p, cap);
    if (p == NULL) {
        b->over = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void sift__buf_add(struct sift__buf *b, const char *s, size_t len)
{
    if (!sift__buf_reserve(b, len))
        return;
    memcpy(b->p + b->len, s, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void sift__buf_adds(struct sift__buf *b, const char *s)
{
    sift__buf_add(b, s, strlen(s));
}

void sift__buf_addf(struct sift__buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        sift__buf_add(b, small, (size_t)n);
        return;
    }
    if (!sift__buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sift__buf_json_str(struct sift__buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;

    if (s == NULL) {
        sift__buf_add(b, "null", 4);
        return;
    }
    if (len == (size_t)-1)
        len = strlen(s);
    if (!sift__buf_reserve(b, len + 2))
        return;
    b->p[b->len++] = '"';
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t ok;
        if (c >= 0x80) {
            /* One sequence at a time: its length from the lead byte. */
            size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            if (need > len - i)
                need = len - i;
            ok = sift__utf8_valid_prefix(s + i, need);
            if (ok == 0 || ok != need) {
                sift__buf_add(b, "\xef\xbf\xbd", 3); /* U+FFFD */
                i++;
                continue;
            }
            sift__buf_add(b, s + i, ok);
            i += ok;
            continue;
        }
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            sift__buf_add(b, e, 2);
        } else if (c < 0x20 || c == 0x7f) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            sift__buf_add(b, e, 6);
        } else if (c == '<' || c == '>' || c == '&') {
            /* Escaped so a JSON answer can never be read as markup. */
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            sift__buf_add(b, e, 6);
        } else {
            char ch = (char)c;
            sift__buf_add(b, &ch, 1);
        }
        i++;
    }
    sift__buf_add(b, "\"", 1);
}

double sift__now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sift__log(const char *level, const char *fmt, ...)
{
    char line[1024];
    struct tm tm;
    time_t t = time(NULL);
    size_t n;
    va_list ap;

    gmtime_r(&t, &tm);
    n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
    n += (size_t)snprintf(line + n, sizeof(line) - n, "%s ", level);
    va_start(ap, fmt);
    if (n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    /* One line per event: no newline may come from the message. */
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    fprintf(stderr, "%s\n", line);
}

const char *sift__redact(const struct sift__server *srv, const char *s,
                         size_t len, char *out, size_t size)
{
    size_t keep_head = 5, keep_tail = 4;

    if (s == NULL)
        return "-";
    if (len == (size_t)-1)
        len = strlen(s);
    if (srv != NULL && srv->o.log_numbers) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(out, s, n);
        out[n] = '\0';
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)out[i] < 0x20)
                out[i] = '?';
        return out;
    }
    /* "+1877***0291": the country and the first digits say enough to
     * debug a rule; the subscriber's line stays out of the log. */
    if (len < keep_head + keep_tail + 1 || size < keep_head + keep_tail + 4)
        return "***";
    for (size_t i = 0; i < keep_head + keep_tail; i++) {
        size_t k = i < keep_head ? i : len - (keep_head + keep_tail) + i;
        unsigned char c = (unsigned char)s[k];
        if (c < 0x20 || c >= 0x7f)
            return "***";
    }
    memcpy(out, s, keep_head);
    memcpy(out + keep_head, "***", 3);
    memcpy(out + keep_head + 3, s + len - keep_tail, keep_tail);
    out[keep_head + 3 + keep_tail] = '\0';
    return out;
}

/* ---- SHA-256 (FIPS 180-4 §6.2) --------------------------------------- */

static const uint32_t k256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, hh;

    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0], b = h[1], c = h[2], d = h[3];
    e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t s1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + s1 + ch + k256[i] + w[i];
        uint32_t s0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = s0 + maj;
        hh = g, g = f, f = e, e = d + t1;
        d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
    h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void sift__sha256(const void *data, size_t len, unsigned char out[32])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const unsigned char *p = data;
    unsigned char tail[128];
    size_t rest = len % 64, n_tail;
    uint64_t bits = (uint64_t)len * 8;

    for (size_t i = 0; i + 64 <= len; i += 64)
        sha256_block(h, p + i);
    memset(tail, 0, sizeof(tail));
    if (rest > 0)
        memcpy(tail, p + len - rest, rest);
    tail[rest] = 0x80;
    n_tail = rest + 1 + 8 <= 64 ? 64 : 128;
    for (int i = 0; i < 8; i++)
        tail[n_tail - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha256_block(h, tail);
    if (n_tail == 128)
        sha256_block(h, tail + 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(h[i] >> 8);
        out[4 * i + 3] = (unsigned char)h[i];
    }
}
