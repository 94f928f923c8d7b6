/*
 * server_auth.c - who may write, and how often.
 *
 * Tokens: `callsift token new` makes 32 random bytes, prints them once as
 * "cs_<64 hex>" and appends only their SHA-256 to the tokens file (one
 * "<hex sha256> <created> <note>" line each; default var/tokens beside
 * the database, mode 0600). The server re-reads the file when its size or
 * time changes, so a new token works without a restart. A presented token
 * is hashed and compared in constant time against every stored hash.
 *
 * Rate limit: one token bucket per client address (per_min refill, burst
 * size), in a fixed table of SIFT__BUCKETS slots; when a probe window is
 * full, the least recently used slot in it is taken over (a flood of new
 * addresses can reset someone's bucket, never grow memory).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/server_int.h"
#include "util/file.h"
#include "util/util.h"

#define TOKENS_FILE_MAX (1u << 20)

void sift__tokens_default_path(const char *db_path, char *out, size_t size)
{
    const char *db = db_path;
    const char *slash;

    if (db == NULL || *db == '\0')
        db = getenv("CALLSIFT_DB");
    if (db == NULL || *db == '\0')
        db = "var/callsift.db";
    slash = strrchr(db, '/');
    if (slash == NULL)
        snprintf(out, size, "tokens");
    else
        snprintf(out, size, "%.*s/tokens", (int)(slash - db), db);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool parse_hex32(const char *s, size_t len, unsigned char out[32])
{
    if (len < 64)
        return false;
    for (size_t i = 0; i < 32; i++) {
        int hi = hexval((unsigned char)s[2 * i]);
        int lo = hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return len == 64 || s[64] == ' ' || s[64] == '\t';
}

void sift__tokens_init(struct sift__tokens *t, const char *path)
{
    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    sift__strlcpy(t->path, path, sizeof(t->path));
    t->mtime = -1;
    sift__tokens_refresh(t);
}

void sift__tokens_release(struct sift__tokens *t)
{
    sift_free(t->hash);
    t->hash = NULL;
    pthread_mutex_destroy(&t->lock);
}

void sift__tokens_refresh(struct sift__tokens *t)
{
    struct stat st;
    char *data = NULL;
    size_t len = 0, n = 0, cap = 0;
    unsigned char(*hash)[32] = NULL;
    struct sift__lines it;
    struct sift_str line;
    int64_t mtime;

    pthread_mutex_lock(&t->lock);
    if (stat(t->path, &st) != 0) {
        /* No file: no tokens, so every write is refused. */
        sift_free(t->hash);
        t->hash = NULL;
        t->n = 0;
        t->mtime = -1;
        goto out;
    }
    mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (mtime == t->mtime && (int64_t)st.st_size == t->size)
        goto out;
    if (sift__file_read(t->path, TOKENS_FILE_MAX, &data, &len, NULL) !=
        SIFT_OK) {
        sift__log("warn", "cannot read tokens file %s", t->path);
        goto out;
    }
    sift__lines_init(&it, data, len);
    while (sift__lines_next(&it, &line)) {
        unsigned char h[32];
        line = sift__str_trim(line);
        if (line.len == 0 || line.p[0] == '#')
            continue;
        if (!parse_hex32(line.p, line.len, h)) {
            sift__log("warn", "%s:%u: not a token hash; line skipped", t->path,
                      it.lineno);
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            void *p = sift_realloc(hash, ncap * sizeof(*hash));
            if (p == NULL)
                break;
            hash = p;
            cap = ncap;
        }
        memcpy(hash[n++], h, 32);
    }
    sift_free(t->hash);
    t->hash = hash;
    t->n = n;
    t->mtime = mtime;
    t->size = (int64_t)st.st_size;
out:
    pthread_mutex_unlock(&t->lock);
    sift_free(data);
}

bool sift__tokens_check(struct sift__tokens *t, const char *auth)
{
    unsigned char h[32];
    const char *tok;
    bool ok = false;

    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    tok = auth + 7;
    while (*tok == ' ')
        tok++;
    if (*tok == '\0' || strlen(tok) > 512)
        return false;
    sift__sha256(tok, strlen(tok), h);
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->n; i++) {
        unsigned char diff = 0;
        for (size_t k = 0; k < 32; k++)
            diff |= (unsigned char)(t->hash[i][k] ^ h[k]);
        ok |= diff == 0;
    }
    pthread_mutex_unlock(&t->lock);
    return ok;
}

/* mkdir -p for the folder part of path. */
static void make_parent(const char *path)
{
    char dir[4096];
    size_t n = sift__strlcpy(dir, path, sizeof(dir));

    if (n >= sizeof(dir))
        return;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, 0755);
        *p = '/';
    }
}

enum sift_rc sift__token_new(const char *tokens_path, const char *note,
                             char *out, size_t size, struct sift_err *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[32], h[32];
    char line[512], hh[65];
    size_t got = 0;
    int fd;
    ssize_t w;
    int n;

    if (size < 68)
        return sift__err_set(err, SIFT_EINVAL, NULL, "buffer too small");
    while (got < sizeof(raw)) {
        ssize_t r = getrandom(raw + got, sizeof(raw) - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return sift__err_set(err, SIFT_EIO, NULL, "getrandom: %s",
                                 strerror(errno));
        }
        got += (size_t)r;
    }
    memcpy(out, "cs_", 3);
    for (size_t i = 0; i < 32; i++) {
        out[3 + 2 * i] = hex[raw[i] >> 4];
        out[3 + 2 * i + 1] = hex[raw[i] & 15];
    }
    out[67] = '\0';
    sift__sha256(out, 67, h);
    for (size_t i = 0; i < 32; i++) {
        hh[2 * i] = hex[h[i] >> 4];
        hh[2 * i + 1] = hex[h[i] & 15];
    }
    hh[64] = '\0';
    n = snprintf(line, sizeof(line), "%s %lld %s\n", hh, (long long)time(NULL),
                 note ? note : "-");
    if (n < 0 || (size_t)n >= sizeof(line))
        return sift__err_set(err, SIFT_EINVAL, NULL, "note too long");
    for (char *p = line + 65; p < line + n - 1; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    make_parent(tokens_path);
    fd = open(tokens_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return sift__err_set(err, SIFT_EIO, tokens_path, "cannot open: %s",
                             strerror(errno));
    w = write(fd, line, (size_t)n);
    if (w != n || fsync(fd) != 0) {
        close(fd);
        return sift__err_set(err, SIFT_EIO, tokens_path, "cannot write: %s",
                             strerror(errno));
    }
    close(fd);
    return SIFT_OK;
}

/* ---- token buckets ---------------------------------------------------- */

void sift__ratelimit_init(struct sift__ratelimit *rl, double per_min,
                          unsigned burst)
{
    memset(rl, 0, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    rl->per_sec = per_min / 60.0;
    rl->burst = burst > 0 ? burst : 1;
}

void sift__ratelimit_release(struct sift__ratelimit *rl)
{
    pthread_mutex_destroy(&rl->lock);
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

unsigned sift__ratelimit_take(struct sift__ratelimit *rl, const char *client,
                              double now)
{
    struct sift__bucket *b = NULL, *oldest = NULL;
    uint32_t h = fnv1a(client);
    unsigned wait = 0;

    if (rl->per_sec <= 0)
        return 0;
    pthread_mutex_lock(&rl->lock);
    for (unsigned i = 0; i < 16; i++) {
        struct sift__bucket *c = &rl->b[(h + i) % SIFT__BUCKETS];
        if (strcmp(c->key, client) == 0) {
            b = c;
            break;
        }
        if (oldest == NULL || c->key[0] == '\0' || c->last < oldest->last)
            if (oldest == NULL || oldest->key[0] != '\0')
                oldest = c;
    }
    if (b == NULL) {
        b = oldest;
        sift__strlcpy(b->key, client, sizeof(b->key));
        b->tokens = rl->burst;
        b->last = now;
    }
    b->tokens += (now - b->last) * rl->per_sec;
    if (b->tokens > rl->burst)
        b->tokens = rl->burst;
    b->last = now;
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
    } else {
        double s = (1.0 - b->tokens) / rl->per_sec;
        wait = (unsigned)s + 1;
    }
    pthread_mutex_unlock(&rl->lock);
    return wait;
}
