/*
 * stir_verify.c - the public face of the stir module: options, the
 * verifier's life cycle, sift_stir_verify() and the one table that maps a
 * reason to its SIP response (RFC 8224 §6.2.2, §13) and RFC 9410 Reason.
 *
 * sift_stir_verify() runs the checks cheapest first, so a bogus or
 * replayed token never costs a certificate fetch:
 *
 *   1. split the Identity header; alg and ppt parameters, when present,
 *      must be ES256 and shaken                         (RFC 8224 §4.1)
 *   2. decode the PASSporT: ES256, passport, shaken, x5u; attest, orig,
 *      dest, iat, origid                        (RFC 8225 §4-5, 8588)
 *   3. info, when present, must be the x5u          (RFC 8588 §3, 436)
 *   4. iat within [now - max_age, now + max_future] (RFC 8224 §6.2.1, 403)
 *   5. orig.tn is From's number, one dest.tn is To's (RFC 8224 §6.2.1
 *      step 1 and §8.3 canonical TNs; 438)
 *   6. x5u scheme and host allowed; certificate from cache, cert_dir or
 *      the network                                               (436)
 *   7. chain to a trust anchor, valid at iat                      (437)
 *   8. the ES256 signature                                  (RFC 7515, 438)
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "callsift/number.h"
#include "stir_int.h"

/* The one table: reason -> name, SIP code, RFC 8224 reason phrase. The
 * choice per reason is explained in docs/stir.md. */
static const struct {
    const char *name;
    int code;
    const char *text;
} reasons[] = {
    [SIFT_STIR_R_OK] = {"ok", 0, ""},
    [SIFT_STIR_R_ABSENT] = {"absent", 428, "Use Identity Header"},
    [SIFT_STIR_R_MALFORMED] = {"malformed", 438, "Invalid Identity Header"},
    [SIFT_STIR_R_TOO_BIG] = {"too_big", 438, "Invalid Identity Header"},
    [SIFT_STIR_R_BAD_CLAIMS] = {"bad_claims", 438, "Invalid Identity Header"},
    [SIFT_STIR_R_UNSUPPORTED_PPT] = {"unsupported_ppt", 438,
                                     "Invalid Identity Header"},
    [SIFT_STIR_R_UNSUPPORTED_ALG] = {"unsupported_alg", 437,
                                     "Unsupported Credential"},
    [SIFT_STIR_R_INFO_MISMATCH] = {"info_mismatch", 436, "Bad Identity Info"},
    [SIFT_STIR_R_INFO_POLICY] = {"info_not_allowed", 436, "Bad Identity Info"},
    [SIFT_STIR_R_CERT_FETCH] = {"cert_unavailable", 436, "Bad Identity Info"},
    [SIFT_STIR_R_CERT_BAD] = {"cert_bad", 437, "Unsupported Credential"},
    [SIFT_STIR_R_CERT_UNTRUSTED] = {"cert_untrusted", 437,
                                    "Unsupported Credential"},
    [SIFT_STIR_R_CERT_TIME] = {"cert_not_valid_at_iat", 437,
                               "Unsupported Credential"},
    [SIFT_STIR_R_SIGNATURE] = {"signature", 438, "Invalid Identity Header"},
    [SIFT_STIR_R_ORIG_MISMATCH] = {"orig_mismatch", 438,
                                   "Invalid Identity Header"},
    [SIFT_STIR_R_DEST_MISMATCH] = {"dest_mismatch", 438,
                                   "Invalid Identity Header"},
    [SIFT_STIR_R_STALE] = {"stale", 403, "Stale Date"},
    [SIFT_STIR_R_FUTURE] = {"future", 403, "Stale Date"},
};

int sift_stir_sip_code(enum sift_stir_reason reason)
{
    return (unsigned)reason < SIFT_ARRAY_LEN(reasons) ? reasons[reason].code
                                                      : 0;
}

const char *sift_stir_sip_text(enum sift_stir_reason reason)
{
    return (unsigned)reason < SIFT_ARRAY_LEN(reasons) ? reasons[reason].text
                                                      : "";
}

const char *sift_stir_reason_name(enum sift_stir_reason reason)
{
    return (unsigned)reason < SIFT_ARRAY_LEN(reasons) ? reasons[reason].name
                                                      : "unknown";
}

const char *sift_stir_status_name(enum sift_stir_status status)
{
    switch (status) {
    case SIFT_STIR_NONE:
        return "none";
    case SIFT_STIR_PASS:
        return "pass";
    case SIFT_STIR_FAILED:
        return "failed";
    }
    return "unknown";
}

const char *sift_stir_attest_name(enum sift_stir_attest attest)
{
    switch (attest) {
    case SIFT_STIR_ATTEST_A:
        return "A";
    case SIFT_STIR_ATTEST_B:
        return "B";
    case SIFT_STIR_ATTEST_C:
        return "C";
    case SIFT_STIR_ATTEST_UNKNOWN:
        break;
    }
    return "";
}

size_t sift_stir_reason_header(const struct sift_stir_result *res, char *buf,
                               size_t size)
{
    struct sift__sbuf sb;
    int code = res ? sift_stir_sip_code(res->reason) : 0;

    sift__sbuf_init(&sb, buf, size);
    if (code == 0 || res->status == SIFT_STIR_PASS)
        return 0;
    /* RFC 9410 §3: protocol STIR, cause the SIP code, text its phrase. */
    sift__sbuf_addf(&sb, "Reason: STIR;cause=%d;text=\"%s\"", code,
                    sift_stir_sip_text(res->reason));
    return sb.len;
}

/* ---- options and life cycle ------------------------------------------ */

void sift_stir_opts_init(struct sift_stir_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->fetch = true;
    opts->max_age = 60;
    opts->max_future = 5;
    opts->max_cert_bytes = 65536;
    opts->connect_timeout_ms = 2000;
    opts->total_timeout_ms = 3000;
    opts->cache_max_entries = 1024;
    opts->cache_ttl_default = 3600;
    opts->cache_ttl_max = 86400;
}

static char *dup_cstr(const char *s, bool *oom)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = sift__str_dup((struct sift_str){s, strlen(s)});
    if (d == NULL)
        *oom = true;
    return d;
}

enum sift_rc sift_stir_new(struct sift_stir **out,
                           const struct sift_stir_opts *opts,
                           struct sift_err *err)
{
    struct sift_stir *stir = NULL;
    enum sift_rc rc = SIFT_OK;
    bool oom = false;

    sift__err_clear(err);
    if (out == NULL || opts == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "NULL argument.");
    *out = NULL;
    if (opts->trust_anchors == NULL || opts->trust_anchors[0] == '\0')
        return sift__err_set(err, SIFT_EINVAL, "trust_anchors",
                             "STIR verification needs trust anchors (a PEM "
                             "file or directory of STI-CA roots).");
    if (opts->max_age <= 0 || opts->max_future < 0 ||
        opts->max_cert_bytes == 0 || opts->max_cert_bytes > (64u << 20) ||
        opts->connect_timeout_ms <= 0 || opts->total_timeout_ms <= 0 ||
        opts->cache_ttl_default < 0 || opts->cache_ttl_max < 0)
        return sift__err_set(err, SIFT_EINVAL, NULL,
                             "A STIR option is out of range (max_age > 0, "
                             "max_future >= 0, 0 < max_cert_bytes <= 64 MiB, "
                             "timeouts > 0, TTLs >= 0).");
    if (!opts->fetch && opts->cert_dir == NULL)
        return sift__err_set(err, SIFT_EINVAL, "cert_dir",
                             "With fetching off, a certificate directory is "
                             "needed.");
    stir = sift_calloc(1, sizeof(*stir));
    if (stir == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "Out of memory.");
    stir->opts = *opts;
    if (pthread_mutex_init(&stir->lock, NULL) != 0) {
        sift_free(stir);
        return sift__err_set(err, SIFT_ENOMEM, NULL, "Cannot create a mutex.");
    }
    stir->trust_anchors = dup_cstr(opts->trust_anchors, &oom);
    stir->cert_dir = dup_cstr(opts->cert_dir, &oom);
    stir->tls_ca_file = dup_cstr(opts->tls_ca_file, &oom);
    if (opts->allowed_hosts != NULL) {
        size_t n = 0;

        while (opts->allowed_hosts[n] != NULL)
            n++;
        stir->allowed_hosts = sift_calloc(n + 1, sizeof(char *));
        if (stir->allowed_hosts == NULL)
            oom = true;
        for (size_t i = 0; i < n && !oom; i++)
            stir->allowed_hosts[i] = dup_cstr(opts->allowed_hosts[i], &oom);
    }
    stir->opts.trust_anchors = stir->trust_anchors;
    stir->opts.cert_dir = stir->cert_dir;
    stir->opts.tls_ca_file = stir->tls_ca_file;
    stir->opts.allowed_hosts = (const char *const *)stir->allowed_hosts;
    if (oom) {
        rc = sift__err_set(err, SIFT_ENOMEM, NULL, "Out of memory.");
        goto out;
    }
    rc = sift__stir_certs_init(stir, err);
out:
    if (rc != SIFT_OK) {
        sift_stir_free(stir);
        return rc;
    }
    *out = stir;
    return SIFT_OK;
}

void sift_stir_free(struct sift_stir *stir)
{
    if (stir == NULL)
        return;
    sift__stir_certs_free(stir);
    if (stir->allowed_hosts != NULL)
        for (char **h = stir->allowed_hosts; *h != NULL; h++)
            sift_free(*h);
    sift_free(stir->allowed_hosts);
    sift_free(stir->trust_anchors);
    sift_free(stir->cert_dir);
    sift_free(stir->tls_ca_file);
    pthread_mutex_destroy(&stir->lock);
    sift_free(stir);
}

void sift_stir_stats(struct sift_stir *stir, struct sift_stir_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (stir == NULL)
        return;
    pthread_mutex_lock(&stir->lock);
    *out = stir->stats;
    pthread_mutex_unlock(&stir->lock);
}

void sift_stir_cache_clear(struct sift_stir *stir)
{
    if (stir != NULL)
        sift__stir_cache_clear(stir);
}

/* ---- verification ------------------------------------------------------ */

/*
 * Does the caller ID raw name the canonical TN tn? raw is read as a
 * number in region (so "+1 877 643 0291" and "18776430291" are both
 * 18776430291); failing that, a raw made only of digits and visual
 * separators is compared as a canonical TN itself (RFC 8224 §8.3).
 */
static bool tn_matches(const char *raw, const char *region, const char *tn)
{
    struct sift_number n;
    char canon[STIR_MAX_TN + 1];

    if (sift_number_parse(&n, raw, strlen(raw), region, NULL) == SIFT_OK &&
        n.status == SIFT_NUMBER_OK && n.e164[0] == '+' &&
        strcmp(n.e164 + 1, tn) == 0)
        return true;
    return sift__stir_canon_tn(raw, strlen(raw), canon) &&
           strcmp(canon, tn) == 0;
}

static void result_failed(struct sift_stir_result *out,
                          enum sift_stir_reason reason)
{
    out->status = SIFT_STIR_FAILED;
    out->reason = reason;
}

enum sift_rc sift_stir_verify(struct sift_stir *stir, const char *identity,
                              size_t len, const char *from_raw,
                              const char *to_raw, const char *default_region,
                              int64_t now, struct sift_stir_result *out,
                              struct sift_err *err)
{
    struct sift__stir_identity id;
    struct sift__passport pp;
    struct sift__stir_cert *cert = NULL;
    struct sift__stir_got g;
    enum sift_stir_reason r;
    enum sift_rc rc = SIFT_OK;
    size_t i;

    sift__err_clear(err);
    if (out == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "NULL result.");
    memset(out, 0, sizeof(*out));
    if (stir == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "NULL verifier.");
    if (now == 0)
        now = (int64_t)time(NULL);
    pthread_mutex_lock(&stir->lock);
    stir->stats.verifies++;
    pthread_mutex_unlock(&stir->lock);

    for (i = 0; identity != NULL && i < len; i++)
        if (!sift__is_space((unsigned char)identity[i]))
            break;
    if (identity == NULL || i == len) {
        out->status = SIFT_STIR_NONE;
        out->reason = SIFT_STIR_R_ABSENT;
        return SIFT_OK;
    }

    /* 1. The header (RFC 8224 §4.1). */
    r = sift__stir_parse_identity(identity, len, &id, out->detail,
                                  sizeof(out->detail));
    if (r != SIFT_STIR_R_OK)
        goto failed;
    if (id.alg.p != NULL && !sift__str_eq(id.alg, "ES256")) {
        r = SIFT_STIR_R_UNSUPPORTED_ALG;
        snprintf(out->detail, sizeof(out->detail),
                 "The Identity alg parameter is \"%.*s\"; only ES256 is "
                 "accepted.",
                 (int)(id.alg.len > 32 ? 32 : id.alg.len), id.alg.p);
        goto failed;
    }
    if (id.ppt.p != NULL && !sift__str_eq(id.ppt, "shaken")) {
        r = SIFT_STIR_R_UNSUPPORTED_PPT;
        snprintf(out->detail, sizeof(out->detail),
                 "The Identity ppt parameter is \"%.*s\", not shaken.",
                 (int)(id.ppt.len > 32 ? 32 : id.ppt.len), id.ppt.p);
        goto failed;
    }

    /* 2. The PASSporT (RFC 8225, RFC 8588). */
    r = sift__stir_decode_passport(id.token.p, id.token.len, &pp, out->detail,
                                   sizeof(out->detail), &rc);
    out->attest = pp.attest;
    out->iat = pp.iat;
    sift__strlcpy(out->origid, pp.origid, sizeof(out->origid));
    sift__strlcpy(out->orig_tn, pp.orig_tn, sizeof(out->orig_tn));
    sift__strlcpy(out->x5u, pp.x5u, sizeof(out->x5u));
    if (rc != SIFT_OK) {
        memset(out, 0, sizeof(*out));
        return sift__err_set(err, rc, NULL,
                             "Out of memory decoding the PASSporT.");
    }
    if (r != SIFT_STIR_R_OK)
        goto failed;

    /* 3. info names the same certificate as x5u (RFC 8588 §3 requires
     * them equal; a mismatch is a "Bad Identity Info"). */
    if (id.info.p != NULL && !sift__str_eq(id.info, pp.x5u)) {
        r = SIFT_STIR_R_INFO_MISMATCH;
        snprintf(out->detail, sizeof(out->detail),
                 "The Identity info parameter is not the PASSporT x5u.");
        goto failed;
    }

    /* 4. Freshness (RFC 8224 §6.2.1 step 4; RFC 8588 §4's 60 s). */
    if (pp.iat > now && pp.iat - now > stir->opts.max_future) {
        r = SIFT_STIR_R_FUTURE;
        snprintf(out->detail, sizeof(out->detail),
                 "The PASSporT iat is %lld s in the future (allowed %lld s).",
                 (long long)(pp.iat - now), (long long)stir->opts.max_future);
        goto failed;
    }
    if (now > pp.iat && now - pp.iat > stir->opts.max_age) {
        r = SIFT_STIR_R_STALE;
        snprintf(out->detail, sizeof(out->detail),
                 "The PASSporT is %lld s old (allowed %lld s).",
                 (long long)(now - pp.iat), (long long)stir->opts.max_age);
        goto failed;
    }

    /* 5. This call (RFC 8224 §6.2.1 step 1): a valid token for another
     * call is a replay or a spoof. */
    if (from_raw != NULL && !tn_matches(from_raw, default_region, pp.orig_tn)) {
        r = SIFT_STIR_R_ORIG_MISMATCH;
        snprintf(out->detail, sizeof(out->detail),
                 "orig.tn %s is not the calling number %.40s.", pp.orig_tn,
                 from_raw);
        goto failed;
    }
    if (to_raw != NULL) {
        for (i = 0; i < pp.n_dest; i++)
            if (tn_matches(to_raw, default_region, pp.dest_tn[i]))
                break;
        if (i == pp.n_dest) {
            r = SIFT_STIR_R_DEST_MISMATCH;
            snprintf(out->detail, sizeof(out->detail),
                     "dest.tn %s%s is not the called number %.40s.",
                     pp.dest_tn[0], pp.n_dest > 1 ? " ..." : "", to_raw);
            goto failed;
        }
    }

    /* 6. The certificate. */
    if (!sift__stir_url_allowed(stir, pp.x5u, out->detail,
                                sizeof(out->detail))) {
        r = SIFT_STIR_R_INFO_POLICY;
        goto failed;
    }
    g = sift__stir_cert_get(stir, pp.x5u, now, &cert, out->detail,
                            sizeof(out->detail));
    if (g.rc != SIFT_OK) {
        rc = g.rc;
        goto error;
    }
    r = g.reason;
    if (r != SIFT_STIR_R_OK)
        goto failed;

    /* 7. The chain, as of iat. */
    g = sift__stir_cert_check_chain(stir, cert, pp.iat, out->detail,
                                    sizeof(out->detail));
    if (g.rc != SIFT_OK) {
        rc = g.rc;
        goto error;
    }
    r = g.reason;
    if (r != SIFT_STIR_R_OK)
        goto failed;

    /* 8. The signature. */
    g = sift__stir_cert_verify_sig(stir, cert, &pp, out->detail,
                                   sizeof(out->detail));
    if (g.rc != SIFT_OK) {
        rc = g.rc;
        goto error;
    }
    r = g.reason;
    if (r != SIFT_STIR_R_OK)
        goto failed;

    out->status = SIFT_STIR_PASS;
    out->reason = SIFT_STIR_R_OK;
    out->detail[0] = '\0';
    sift__stir_cert_release(stir, cert);
    return SIFT_OK;

failed:
    result_failed(out, r);
    sift__stir_cert_release(stir, cert);
    return SIFT_OK;

error:
    sift__stir_cert_release(stir, cert);
    sift__err_set(err, rc, NULL, "STIR verification could not decide: %s",
                  out->detail[0] ? out->detail : sift_strerror(rc));
    memset(out, 0, sizeof(*out));
    return rc;
}
