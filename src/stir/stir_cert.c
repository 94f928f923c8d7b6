/*
 * stir_cert.c - the certificate side of STIR: find the certificate an x5u
 * URL names, keep it, check its chain and verify the ES256 signature.
 *
 * Where a certificate comes from, in order:
 *   1. the cache, keyed by the exact URL, while its lifetime lasts;
 *   2. opts.cert_dir (offline use): <hex SHA-256 of the URL>.pem, then the
 *      URL's last path component (docs/stir.md §Offline certificates);
 *   3. the network (opts.fetch) with libcurl: http(s) only, no redirects,
 *      connect and total timeouts, a body limit enforced both on
 *      Content-Length and while reading, and a lifetime from
 *      Cache-Control max-age or Expires (RFC 9111 §5.2.2.1, §5.3), with a
 *      default and a cap; no-store and no-cache mean "do not keep".
 *
 * A cached certificate also keeps the result of its last successful chain
 * check, as the window [from, until] in which every certificate of that
 * chain is valid: a later PASSporT whose iat falls inside is trusted
 * without another X509_verify_cert() (whose signature check would double
 * the cost of a verification; the chain's signatures do not depend on
 * time). An iat outside the window runs the full check again at that iat.
 *
 * Locking: stir->lock guards the hash table, the entries' windows and
 * the counters. An entry in use is pinned by its refcount, so eviction
 * never frees what another thread is using. Fetches run without the lock;
 * two threads missing the same URL at once both fetch, and the second
 * insert replaces the first.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "stir_int.h"

struct sift__stir_cert {
    struct sift__stir_cert *next; /* hash chain */
    char *url;
    uint64_t hash;
    int64_t expires; /* Unix time; the entry is stale from then on */
    unsigned refs;   /* the table's one plus one per verify in flight */
    bool in_table;
    X509 *leaf;
    STACK_OF(X509) * untrusted; /* the rest of the PEM, may be NULL */
    EVP_PKEY *pkey;             /* the leaf's key, P-256 */
    bool chain_ok;              /* the window below is meaningful */
    int64_t valid_from, valid_until;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static uint64_t url_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void set_detail(char *detail, size_t size, const char *fmt, ...)
    SIFT_PRINTF(3, 4);

static void set_detail(char *detail, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (detail == NULL || size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(detail, size, fmt, ap);
    va_end(ap);
}

static struct sift__stir_got got(enum sift_rc rc, enum sift_stir_reason r)
{
    struct sift__stir_got g = {rc, r};
    return g;
}

/* The first OpenSSL error's text, for a detail sentence. */
static const char *ossl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *s = e ? ERR_reason_error_string(e) : NULL;

    return s ? s : "no detail";
}

/* ---- entries ---------------------------------------------------------- */

static void entry_free(struct sift__stir_cert *c)
{
    if (c == NULL)
        return;
    X509_free(c->leaf);
    sk_X509_pop_free(c->untrusted, X509_free);
    EVP_PKEY_free(c->pkey);
    sift_free(c->url);
    sift_free(c);
}

/* Drop one reference; the caller holds stir->lock. */
static void entry_unref_locked(struct sift__stir_cert *c)
{
    if (--c->refs == 0)
        entry_free(c);
}

void sift__stir_cert_release(struct sift_stir *stir,
                             struct sift__stir_cert *cert)
{
    if (cert == NULL)
        return;
    pthread_mutex_lock(&stir->lock);
    entry_unref_locked(cert);
    pthread_mutex_unlock(&stir->lock);
}

/* Unlink *pp from its bucket; the caller holds the lock. */
static void unlink_locked(struct sift_stir *stir, struct sift__stir_cert **pp)
{
    struct sift__stir_cert *c = *pp;

    *pp = c->next;
    c->next = NULL;
    c->in_table = false;
    stir->n_entries--;
    entry_unref_locked(c);
}

void sift__stir_cache_clear(struct sift_stir *stir)
{
    pthread_mutex_lock(&stir->lock);
    for (size_t b = 0; b < stir->n_buckets; b++)
        while (stir->buckets[b] != NULL)
            unlink_locked(stir, &stir->buckets[b]);
    pthread_mutex_unlock(&stir->lock);
}

/* Make room for one more: drop expired entries, then the one expiring
 * first. O(n), but only on a miss. The caller holds the lock. */
static void evict_locked(struct sift_stir *stir, int64_t now)
{
    struct sift__stir_cert **victim = NULL;

    for (size_t b = 0; b < stir->n_buckets; b++) {
        struct sift__stir_cert **pp = &stir->buckets[b];

        while (*pp != NULL) {
            if ((*pp)->expires <= now) {
                unlink_locked(stir, pp);
                continue;
            }
            if (victim == NULL || (*pp)->expires < (*victim)->expires)
                victim = pp;
            pp = &(*pp)->next;
        }
    }
    if (stir->n_entries >= stir->opts.cache_max_entries && victim != NULL)
        unlink_locked(stir, victim);
}

static void insert_locked(struct sift_stir *stir, struct sift__stir_cert *c,
                          int64_t now)
{
    struct sift__stir_cert **pp = &stir->buckets[c->hash % stir->n_buckets];

    /* A concurrent fetch of the same URL: the newer one wins. */
    for (; *pp != NULL; pp = &(*pp)->next)
        if ((*pp)->hash == c->hash && strcmp((*pp)->url, c->url) == 0) {
            unlink_locked(stir, pp);
            break;
        }
    if (stir->n_entries >= stir->opts.cache_max_entries)
        evict_locked(stir, now);
    pp = &stir->buckets[c->hash % stir->n_buckets];
    c->next = *pp;
    *pp = c;
    c->in_table = true;
    c->refs++;
    stir->n_entries++;
}

/* ---- parsing a certificate body --------------------------------------- */

/* The leaf (first certificate) and the rest, PEM or a single DER. */
static struct sift__stir_got parse_body(const char *body, size_t len,
                                        struct sift__stir_cert *c, char *detail,
                                        size_t size)
{
    BIO *bio = BIO_new_mem_buf(body, (int)len);
    X509 *x;
    int nid;
    char group[32];
    size_t glen = 0;

    if (bio == NULL)
        return got(SIFT_ENOMEM, SIFT_STIR_R_CERT_BAD);
    c->leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    if (c->leaf == NULL) {
        const unsigned char *p = (const unsigned char *)body;

        ERR_clear_error();
        c->leaf = d2i_X509(NULL, &p, (long)len);
    } else {
        while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
            if (c->untrusted == NULL)
                c->untrusted = sk_X509_new_null();
            if (c->untrusted == NULL || !sk_X509_push(c->untrusted, x)) {
                X509_free(x);
                BIO_free(bio);
                return got(SIFT_ENOMEM, SIFT_STIR_R_CERT_BAD);
            }
        }
    }
    ERR_clear_error();
    BIO_free(bio);
    if (c->leaf == NULL) {
        set_detail(detail, size,
                   "The x5u body is not a PEM or DER certificate.");
        return got(SIFT_OK, SIFT_STIR_R_CERT_BAD);
    }
    c->pkey = X509_get_pubkey(c->leaf);
    nid = c->pkey ? EVP_PKEY_get_base_id(c->pkey) : NID_undef;
    if (nid != EVP_PKEY_EC ||
        !EVP_PKEY_get_group_name(c->pkey, group, sizeof(group), &glen) ||
        (strcmp(group, "prime256v1") != 0 && strcmp(group, "P-256") != 0)) {
        ERR_clear_error();
        set_detail(detail, size,
                   "The x5u certificate's key is not an EC P-256 key "
                   "(RFC 8588 §3: ES256).");
        return got(SIFT_OK, SIFT_STIR_R_CERT_BAD);
    }
    /* A key usage, when present, must allow signatures (RFC 8226 §8). */
    if ((X509_get_extension_flags(c->leaf) & EXFLAG_KUSAGE) &&
        !(X509_get_key_usage(c->leaf) & KU_DIGITAL_SIGNATURE)) {
        set_detail(detail, size,
                   "The x5u certificate's key usage excludes "
                   "digitalSignature.");
        return got(SIFT_OK, SIFT_STIR_R_CERT_BAD);
    }
    return got(SIFT_OK, SIFT_STIR_R_OK);
}

/* ---- URL policy ------------------------------------------------------- */

bool sift__stir_url_allowed(const struct sift_stir *stir, const char *url,
                            char *detail, size_t size)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    bool ok = false;

    if (u == NULL) {
        set_detail(detail, size, "Out of memory parsing the x5u URL.");
        return false;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        set_detail(detail, size, "The x5u is not a usable URL.");
        goto out;
    }
    if (strcmp(scheme, "https") != 0 &&
        !(strcmp(scheme, "http") == 0 && stir->opts.allow_http)) {
        set_detail(detail, size,
                   "The x5u scheme %s is not allowed (https only unless "
                   "allow_http).",
                   scheme);
        goto out;
    }
    if (stir->allowed_hosts == NULL) {
        ok = true;
        goto out;
    }
    for (char **h = stir->allowed_hosts; *h != NULL; h++) {
        size_t hl = strlen(host), el = strlen(*h);

        if ((*h)[0] == '.') {
            /* ".example.net" allows a.example.net, not example.net. */
            if (hl > el && strcasecmp(host + hl - el, *h) == 0) {
                ok = true;
                break;
            }
        } else if (strcasecmp(host, *h) == 0) {
            ok = true;
            break;
        }
    }
    if (!ok)
        set_detail(detail, size, "The x5u host %.80s is not on the allow-list.",
                   host);
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

/* ---- cert_dir --------------------------------------------------------- */

/* The URL's last path component, if it is a safe file name. */
static bool last_component(const char *url, char *out, size_t size)
{
    const char *end = url + strcspn(url, "?#");
    const char *start = end;
    size_t n;

    while (start > url && start[-1] != '/')
        start--;
    n = (size_t)(end - start);
    if (n == 0 || n >= size || start[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = start[i];

        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'))
            return false;
    }
    memcpy(out, start, n);
    out[n] = '\0';
    return true;
}

/* Read the certificate of url from cert_dir. SIFT_ENOTFOUND when neither
 * name exists; SIFT_ETOOBIG over the limit. */
static enum sift_rc dir_read(struct sift_stir *stir, const char *url,
                             char **body, size_t *len, char *detail,
                             size_t size)
{
    unsigned char md[32];
    char name[200], path[4096];
    struct sift_err e;
    enum sift_rc rc;

    if (!EVP_Digest(url, strlen(url), md, NULL, stir->sha256, NULL))
        return SIFT_ECRYPTO;
    for (int i = 0; i < 32; i++)
        snprintf(name + 2 * i, 3, "%02x", md[i]);
    snprintf(name + 64, sizeof(name) - 64, ".pem");
    for (int attempt = 0; attempt < 2; attempt++) {
        struct stat st;

        if (attempt == 1 && !last_component(url, name, sizeof(name)))
            break;
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", stir->cert_dir,
                             name) >= sizeof(path))
            continue;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        rc = sift__file_read(path, stir->opts.max_cert_bytes, body, len, &e);
        if (rc == SIFT_ETOOBIG)
            set_detail(detail, size, "%s is over the %zu-byte limit.", path,
                       stir->opts.max_cert_bytes);
        else if (rc != SIFT_OK)
            set_detail(detail, size, "%s: %s", path, e.msg);
        return rc;
    }
    return SIFT_ENOTFOUND;
}

/* ---- fetching --------------------------------------------------------- */

struct fetch {
    char *buf;
    size_t len, cap, max;
    bool too_big;
    int64_t max_age;    /* -1: not given */
    int64_t expires_at; /* -1: not given */
    bool no_store;
};

static size_t on_body(char *data, size_t sz, size_t nmemb, void *arg)
{
    struct fetch *f = arg;
    size_t n = sz * nmemb;

    /* Refuse as soon as the limit is passed: a 10 MB body is never read
     * whole (curl aborts the transfer when we return less than n). */
    if (n > f->max - f->len) {
        f->too_big = true;
        return 0;
    }
    if (f->len + n + 1 > f->cap) {
        size_t cap = f->cap ? f->cap : 4096;
        char *p;

        while (cap < f->len + n + 1)
            cap *= 2;
        if (cap > f->max + 1)
            cap = f->max + 1;
        p = sift_realloc(f->buf, cap);
        if (p == NULL)
            return 0;
        f->buf = p;
        f->cap = cap;
    }
    memcpy(f->buf + f->len, data, n);
    f->len += n;
    f->buf[f->len] = '\0';
    return n;
}

/* Case-insensitive prefix test on a header line. */
static bool hdr_is(const char *line, size_t n, const char *name)
{
    size_t k = strlen(name);

    return n > k && strncasecmp(line, name, k) == 0;
}

static size_t on_header(char *line, size_t sz, size_t nmemb, void *arg)
{
    struct fetch *f = arg;
    size_t n = sz * nmemb;
    char v[256];
    size_t vl;

    if (hdr_is(line, n, "cache-control:")) {
        vl = n - 14 < sizeof(v) - 1 ? n - 14 : sizeof(v) - 1;
        memcpy(v, line + 14, vl);
        v[vl] = '\0';
        for (char *p = v; *p; p++)
            *p = (char)sift__ascii_lower((unsigned char)*p);
        if (strstr(v, "no-store") || strstr(v, "no-cache"))
            f->no_store = true;
        {
            const char *m = strstr(v, "max-age=");

            if (m != NULL &&
                (m == v || m[-1] == ' ' || m[-1] == ',' || m[-1] == '\t')) {
                long long age = 0;
                int digits = 0;

                for (m += 8; sift__is_digit((unsigned char)*m) && digits < 12;
                     m++, digits++)
                    age = age * 10 + (*m - '0');
                if (digits > 0)
                    f->max_age = age;
            }
        }
    } else if (hdr_is(line, n, "expires:")) {
        time_t t;

        vl = n - 8 < sizeof(v) - 1 ? n - 8 : sizeof(v) - 1;
        memcpy(v, line + 8, vl);
        v[vl] = '\0';
        t = curl_getdate(v, NULL);
        /* An invalid date means "already expired" (RFC 9111 §5.3). */
        f->expires_at = t < 0 ? 0 : (int64_t)t;
    }
    return n;
}

static struct sift__stir_got fetch_url(struct sift_stir *stir, const char *url,
                                       int64_t now, char **body, size_t *len,
                                       int64_t *ttl, char *detail, size_t size)
{
    struct fetch f = {NULL,  0,  0,  stir->opts.max_cert_bytes,
                      false, -1, -1, false};
    CURL *h;
    CURLcode cc;
    long status = 0;
    struct sift__stir_got g = got(SIFT_OK, SIFT_STIR_R_CERT_FETCH);

    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return got(SIFT_ECRYPTO, SIFT_STIR_R_CERT_FETCH);
    h = curl_easy_init();
    if (h == NULL)
        return got(SIFT_ENOMEM, SIFT_STIR_R_CERT_FETCH);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR,
                     stir->opts.allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     stir->opts.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, stir->opts.total_timeout_ms);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)stir->opts.max_cert_bytes);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &f);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &f);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "callsift/" SIFT_VERSION);
    if (stir->tls_ca_file != NULL)
        curl_easy_setopt(h, CURLOPT_CAINFO, stir->tls_ca_file);

    pthread_mutex_lock(&stir->lock);
    stir->stats.fetches++;
    pthread_mutex_unlock(&stir->lock);

    cc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (f.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        set_detail(detail, size,
                   "The certificate at the x5u is over the %zu-byte limit.",
                   stir->opts.max_cert_bytes);
    } else if (cc == CURLE_WRITE_ERROR) {
        g.rc = SIFT_ENOMEM;
    } else if (cc != CURLE_OK) {
        set_detail(detail, size, "Fetching the x5u failed: %s.",
                   curl_easy_strerror(cc));
    } else if (status != 200) {
        set_detail(detail, size, "Fetching the x5u gave HTTP %ld.", status);
    } else if (f.len == 0) {
        set_detail(detail, size, "The x5u body is empty.");
    } else {
        g.reason = SIFT_STIR_R_OK;
    }
    pthread_mutex_lock(&stir->lock);
    stir->stats.fetch_bytes += f.len;
    if (g.reason != SIFT_STIR_R_OK)
        stir->stats.fetch_failures++;
    pthread_mutex_unlock(&stir->lock);
    curl_easy_cleanup(h);
    if (g.reason != SIFT_STIR_R_OK || g.rc != SIFT_OK) {
        sift_free(f.buf);
        return g;
    }
    if (f.no_store)
        *ttl = 0;
    else if (f.max_age >= 0)
        *ttl = f.max_age;
    else if (f.expires_at >= 0)
        *ttl = f.expires_at > now ? f.expires_at - now : 0;
    else
        *ttl = stir->opts.cache_ttl_default;
    if (*ttl > stir->opts.cache_ttl_max)
        *ttl = stir->opts.cache_ttl_max;
    *body = f.buf;
    *len = f.len;
    return g;
}

/* ---- get ---------------------------------------------------------------- */

struct sift__stir_got sift__stir_cert_get(struct sift_stir *stir,
                                          const char *url, int64_t now,
                                          struct sift__stir_cert **cert,
                                          char *detail, size_t size)
{
    uint64_t hash = url_hash(url);
    struct sift__stir_cert *c = NULL, **pp;
    char *body = NULL;
    size_t len = 0;
    int64_t ttl = stir->opts.cache_ttl_default;
    struct sift__stir_got g = got(SIFT_OK, SIFT_STIR_R_OK);
    enum sift_rc rc = SIFT_ENOTFOUND;

    *cert = NULL;
    pthread_mutex_lock(&stir->lock);
    pp = &stir->buckets[hash % stir->n_buckets];
    while (*pp != NULL) {
        if ((*pp)->hash == hash && strcmp((*pp)->url, url) == 0) {
            if ((*pp)->expires > now) {
                c = *pp;
                c->refs++;
                stir->stats.cache_hits++;
            } else {
                unlink_locked(stir, pp);
            }
            break;
        }
        pp = &(*pp)->next;
    }
    pthread_mutex_unlock(&stir->lock);
    if (c != NULL) {
        *cert = c;
        return g;
    }

    if (stir->cert_dir != NULL) {
        rc = dir_read(stir, url, &body, &len, detail, size);
        if (rc == SIFT_ENOMEM || rc == SIFT_ECRYPTO)
            return got(rc, SIFT_STIR_R_CERT_FETCH);
        if (rc != SIFT_OK && rc != SIFT_ENOTFOUND)
            return got(SIFT_OK, SIFT_STIR_R_CERT_FETCH);
        if (rc == SIFT_OK) {
            pthread_mutex_lock(&stir->lock);
            stir->stats.dir_loads++;
            pthread_mutex_unlock(&stir->lock);
        }
    }
    if (rc == SIFT_ENOTFOUND) {
        if (!stir->opts.fetch) {
            set_detail(detail, size,
                       "The x5u certificate is not in the certificate "
                       "directory and fetching is off.");
            return got(SIFT_OK, SIFT_STIR_R_CERT_FETCH);
        }
        g = fetch_url(stir, url, now, &body, &len, &ttl, detail, size);
        if (g.rc != SIFT_OK || g.reason != SIFT_STIR_R_OK)
            return g;
    }

    c = sift_calloc(1, sizeof(*c));
    if (c == NULL ||
        (c->url = sift__str_dup((struct sift_str){url, strlen(url)})) == NULL) {
        g = got(SIFT_ENOMEM, SIFT_STIR_R_CERT_FETCH);
        goto out;
    }
    c->hash = hash;
    c->refs = 1; /* ours, handed to the caller */
    g = parse_body(body, len, c, detail, size);
    if (g.rc != SIFT_OK || g.reason != SIFT_STIR_R_OK)
        goto out;
    c->expires = now + ttl;
    if (ttl > 0 && stir->opts.cache_max_entries > 0) {
        pthread_mutex_lock(&stir->lock);
        insert_locked(stir, c, now);
        pthread_mutex_unlock(&stir->lock);
    }
    *cert = c;
    c = NULL;
out:
    entry_free(c);
    sift_free(body);
    return g;
}

/* ---- chain -------------------------------------------------------------- */

static bool asn1_to_unix(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
        return false;
    *out = (int64_t)timegm(&tm);
    return true;
}

struct sift__stir_got sift__stir_cert_check_chain(struct sift_stir *stir,
                                                  struct sift__stir_cert *cert,
                                                  int64_t iat, char *detail,
                                                  size_t size)
{
    X509_STORE_CTX *ctx;
    struct sift__stir_got g = got(SIFT_OK, SIFT_STIR_R_OK);
    bool cached;
    int64_t from = INT64_MIN, until = INT64_MAX;

    pthread_mutex_lock(&stir->lock);
    cached =
        cert->chain_ok && iat >= cert->valid_from && iat <= cert->valid_until;
    pthread_mutex_unlock(&stir->lock);
    if (cached)
        return g;

    ctx = X509_STORE_CTX_new();
    if (ctx == NULL)
        return got(SIFT_ENOMEM, SIFT_STIR_R_CERT_UNTRUSTED);
    if (!X509_STORE_CTX_init(ctx, stir->store, cert->leaf, cert->untrusted)) {
        X509_STORE_CTX_free(ctx);
        return got(SIFT_ENOMEM, SIFT_STIR_R_CERT_UNTRUSTED);
    }
    /* RFC 8224 §6.2.2 / ATIS-1000074: the credential must have been valid
     * when the PASSporT was signed, so verify "as of" iat. */
    X509_STORE_CTX_set_time(ctx, 0, (time_t)iat);
    if (X509_verify_cert(ctx) != 1) {
        int e = X509_STORE_CTX_get_error(ctx);

        g.reason = (e == X509_V_ERR_CERT_NOT_YET_VALID ||
                    e == X509_V_ERR_CERT_HAS_EXPIRED)
                       ? SIFT_STIR_R_CERT_TIME
                       : SIFT_STIR_R_CERT_UNTRUSTED;
        set_detail(detail, size,
                   "The x5u certificate does not verify at iat: %s.",
                   X509_verify_cert_error_string(e));
    } else {
        STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);

        for (int i = 0; i < sk_X509_num(chain); i++) {
            X509 *x = sk_X509_value(chain, i);
            int64_t nb, na;

            if (!asn1_to_unix(X509_get0_notBefore(x), &nb) ||
                !asn1_to_unix(X509_get0_notAfter(x), &na)) {
                from = 1; /* unknown: never reuse the result */
                until = 0;
                break;
            }
            if (nb > from)
                from = nb;
            if (na < until)
                until = na;
        }
        pthread_mutex_lock(&stir->lock);
        cert->chain_ok = from <= until;
        cert->valid_from = from;
        cert->valid_until = until;
        pthread_mutex_unlock(&stir->lock);
    }
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    return g;
}

/* ---- signature ------------------------------------------------------------
 */

/* One DER INTEGER of a 32-byte big-endian unsigned value. */
static size_t der_uint(const unsigned char *v, unsigned char *out)
{
    size_t skip = 0, n, k = 0;

    while (skip < 31 && v[skip] == 0)
        skip++;
    n = 32 - skip;
    out[k++] = 0x02;
    out[k++] = (unsigned char)(n + (v[skip] & 0x80 ? 1 : 0));
    if (v[skip] & 0x80)
        out[k++] = 0x00; /* keep it positive (X.690 §8.3) */
    memcpy(out + k, v + skip, n);
    return k + n;
}

size_t sift__stir_sig_to_der(const unsigned char sig[STIR_SIG_LEN],
                             unsigned char *out)
{
    size_t n;

    /* SEQUENCE { r INTEGER, s INTEGER }: at most 2 + 2 * 35 = 72 bytes,
     * so the length always fits the short form. */
    out[0] = 0x30;
    n = der_uint(sig, out + 2);
    n += der_uint(sig + 32, out + 2 + n);
    out[1] = (unsigned char)n;
    return n + 2;
}

struct sift__stir_got
sift__stir_cert_verify_sig(struct sift_stir *stir, struct sift__stir_cert *cert,
                           const struct sift__passport *pp, char *detail,
                           size_t size)
{
    unsigned char der[80];
    size_t der_len = sift__stir_sig_to_der(pp->sig, der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    struct sift__stir_got g = got(SIFT_OK, SIFT_STIR_R_OK);
    int ok;

    if (md == NULL)
        return got(SIFT_ENOMEM, SIFT_STIR_R_SIGNATURE);
    if (EVP_DigestVerifyInit(md, NULL, stir->sha256, NULL, cert->pkey) != 1) {
        set_detail(detail, size, "OpenSSL could not set up ES256: %s.",
                   ossl_reason());
        g = got(SIFT_ECRYPTO, SIFT_STIR_R_SIGNATURE);
        goto out;
    }
    /* RFC 7515 §5.2: the signing input is the ASCII of
     * BASE64URL(header) '.' BASE64URL(payload) exactly as received. */
    ok = EVP_DigestVerify(md, der, der_len,
                          (const unsigned char *)pp->signing_input.p,
                          pp->signing_input.len);
    if (ok != 1) {
        g.reason = SIFT_STIR_R_SIGNATURE;
        set_detail(detail, size,
                   "The ES256 signature does not verify with the x5u "
                   "certificate's key.");
    }
out:
    ERR_clear_error();
    EVP_MD_CTX_free(md);
    return g;
}

/* ---- set-up ----------------------------------------------------------------
 */

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);

    return n >= k && strcasecmp(s + n - k, suf) == 0;
}

static enum sift_rc load_anchors(X509_STORE *store, const char *path,
                                 struct sift_err *err)
{
    struct stat st;
    int loaded = 0;

    if (stat(path, &st) != 0)
        return sift__err_set(err, SIFT_EIO, path,
                             "Cannot read the STIR trust "
                             "anchors: %s.",
                             strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        char file[4096];

        if (d == NULL)
            return sift__err_set(err, SIFT_EIO, path,
                                 "Cannot open the STIR trust anchor "
                                 "directory: %s.",
                                 strerror(errno));
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.' || !(has_suffix(de->d_name, ".pem") ||
                                          has_suffix(de->d_name, ".crt")))
                continue;
            if ((size_t)snprintf(file, sizeof(file), "%s/%s", path,
                                 de->d_name) >= sizeof(file))
                continue;
            if (X509_STORE_load_file(store, file) != 1) {
                closedir(d);
                ERR_clear_error();
                return sift__err_set(err, SIFT_ECRYPTO, file,
                                     "Not a PEM certificate file.");
            }
            loaded++;
        }
        closedir(d);
    } else {
        if (X509_STORE_load_file(store, path) != 1) {
            ERR_clear_error();
            return sift__err_set(err, SIFT_ECRYPTO, path,
                                 "Not a PEM certificate file.");
        }
        loaded++;
    }
    if (loaded == 0)
        return sift__err_set(err, SIFT_ECRYPTO, path,
                             "No trust anchor certificate found.");
    return SIFT_OK;
}

enum sift_rc sift__stir_certs_init(struct sift_stir *stir, struct sift_err *err)
{
    X509_STORE *store;
    enum sift_rc rc;

    store = X509_STORE_new();
    if (store == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "Out of memory.");
    stir->store = store;
    rc = load_anchors(store, stir->trust_anchors, err);
    if (rc != SIFT_OK)
        return rc;
    stir->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (stir->sha256 == NULL)
        return sift__err_set(err, SIFT_ECRYPTO, NULL,
                             "OpenSSL has no SHA-256.");
    stir->n_buckets = 64;
    while (stir->n_buckets < stir->opts.cache_max_entries &&
           stir->n_buckets < 65536)
        stir->n_buckets *= 2;
    stir->buckets = sift_calloc(stir->n_buckets, sizeof(*stir->buckets));
    if (stir->buckets == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "Out of memory.");
    return SIFT_OK;
}

void sift__stir_certs_free(struct sift_stir *stir)
{
    if (stir->buckets != NULL)
        sift__stir_cache_clear(stir);
    sift_free(stir->buckets);
    X509_STORE_free(stir->store);
    EVP_MD_free(stir->sha256);
}
