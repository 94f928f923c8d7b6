/*
 * callsift/stir.h - STIR/SHAKEN verification of a SIP Identity header.
 *
 * One call: the Identity header value (RFC 8224 §4.1) carries a PASSporT
 * (RFC 8225) with the SHAKEN claims (RFC 8588). sift_stir_verify() parses
 * it, checks its freshness and that orig.tn and dest.tn are this call's
 * From and To, finds the certificate named by x5u (a local directory or an
 * HTTPS fetch, cached), verifies the certificate chain to the configured
 * STI-CA trust anchors at the time of iat, and verifies the ES256
 * signature. docs/stir.md has the whole list of checks and limits.
 *
 * The outcome is a result, not an error: a bad signature is SIFT_OK with
 * status SIFT_STIR_FAILED and a reason that maps, through one table, to
 * the SIP response code of RFC 8224 §6.2.2 and to the RFC 9410 Reason
 * header. SIFT_E* means only "could not decide" (out of memory, a broken
 * trust store).
 *
 * Thread-safety: one struct sift_stir may be used by any number of
 * threads at once; its certificate cache is guarded by a mutex and no lock
 * is held while a certificate is fetched. The OpenSSL and libcurl types it
 * uses never appear here.
 */
#ifndef CALLSIFT_STIR_H
#define CALLSIFT_STIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIFT_STIR_MAX_IDENTITY 8192 /* bytes of Identity header value */
#define SIFT_STIR_MAX_URL      1024 /* bytes of x5u / info URL */

enum sift_stir_status {
    SIFT_STIR_NONE = 0, /* no Identity header was given */
    SIFT_STIR_PASS,     /* every check passed: see attest */
    SIFT_STIR_FAILED    /* some check failed: see reason */
};

enum sift_stir_attest {
    SIFT_STIR_ATTEST_UNKNOWN = 0, /* not decoded */
    SIFT_STIR_ATTEST_A,           /* full: the carrier knows the caller
                                     and the number (RFC 8588 §4) */
    SIFT_STIR_ATTEST_B,           /* partial: knows the caller only */
    SIFT_STIR_ATTEST_C            /* gateway: knows neither */
};

/*
 * Why a verification did not pass. Each reason has one SIP code and
 * reason phrase (sift_stir_sip_code(), sift_stir_sip_text()); the table in
 * docs/stir.md lists them. SIFT_STIR_R_OK goes with SIFT_STIR_PASS.
 */
enum sift_stir_reason {
    SIFT_STIR_R_OK = 0,
    SIFT_STIR_R_ABSENT,          /* 428: no Identity header */
    SIFT_STIR_R_MALFORMED,       /* 438: header, JWT, base64url or JSON */
    SIFT_STIR_R_TOO_BIG,         /* 438: over SIFT_STIR_MAX_IDENTITY */
    SIFT_STIR_R_BAD_CLAIMS,      /* 438: a claim missing or of wrong type */
    SIFT_STIR_R_UNSUPPORTED_PPT, /* 438: ppt/typ other than shaken/passport */
    SIFT_STIR_R_UNSUPPORTED_ALG, /* 437: alg other than ES256 (none too) */
    SIFT_STIR_R_INFO_MISMATCH,   /* 436: info parameter is not the x5u */
    SIFT_STIR_R_INFO_POLICY,     /* 436: x5u scheme or host not allowed */
    SIFT_STIR_R_CERT_FETCH,      /* 436: the certificate could not be got
                                    (network, HTTP status, size, missing
                                    file) */
    SIFT_STIR_R_CERT_BAD,        /* 437: not a PEM certificate with a
                                    P-256 key usable for signatures */
    SIFT_STIR_R_CERT_UNTRUSTED,  /* 437: does not chain to a trust anchor */
    SIFT_STIR_R_CERT_TIME,       /* 437: not valid at iat */
    SIFT_STIR_R_SIGNATURE,       /* 438: the ES256 signature is wrong */
    SIFT_STIR_R_ORIG_MISMATCH,   /* 438: orig.tn is not the From number */
    SIFT_STIR_R_DEST_MISMATCH,   /* 438: no dest.tn is the To number */
    SIFT_STIR_R_STALE,           /* 403: iat older than max_age */
    SIFT_STIR_R_FUTURE           /* 403: iat later than now + max_future */
};

/*
 * Options for sift_stir_new(). Call sift_stir_opts_init() first: it sets
 * every field to its documented default; then change what you need.
 * Strings are copied by sift_stir_new(); the caller keeps ownership.
 */
struct sift_stir_opts {
    /* PEM file, or directory whose *.pem / *.crt files are each loaded:
     * the STI-CA roots. Required. */
    const char *trust_anchors;
    /* Offline certificates: directory searched for the x5u certificate
     * first, as <hex SHA-256 of the URL>.pem, then as the URL's last path
     * component (docs/stir.md). NULL: none. */
    const char *cert_dir;
    bool fetch;      /* fetch x5u over the network when not in cert_dir
                        (default true) */
    bool allow_http; /* accept http:// x5u (default false: https only) */
    /* NULL-terminated host allow-list for x5u, exact and case-insensitive;
     * an entry ".example.net" allows every subdomain of example.net.
     * NULL (default): any host. Applies to cert_dir look-ups too. */
    const char *const *allowed_hosts;
    const char *tls_ca_file;   /* CA bundle for HTTPS fetches; NULL: the
                                  system's */
    int64_t max_age;           /* iat freshness, seconds (default 60) */
    int64_t max_future;        /* allowed clock skew ahead (default 5) */
    size_t max_cert_bytes;     /* certificate body limit (default 65536) */
    long connect_timeout_ms;   /* default 2000 */
    long total_timeout_ms;     /* whole fetch, default 3000 */
    size_t cache_max_entries;  /* certificates kept (default 1024) */
    int64_t cache_ttl_default; /* seconds, when HTTP says nothing (3600);
                                  also the lifetime of cert_dir entries */
    int64_t cache_ttl_max;     /* cap on max-age / Expires (86400) */
};

void sift_stir_opts_init(struct sift_stir_opts *opts);

/* The verdict of one verification: plain data, may be copied and kept. */
struct sift_stir_result {
    enum sift_stir_status status;
    enum sift_stir_reason reason;
    enum sift_stir_attest attest; /* as claimed, once the payload decoded;
                                     trust it only when status is PASS */
    int64_t iat;                  /* 0 unless decoded */
    char origid[65];              /* RFC 8588 origid, "" unless decoded */
    char orig_tn[24];             /* the claimed caller, "" unless decoded */
    char x5u[160];                /* truncated copy, for logs */
    char detail[192];             /* one sentence on what failed, "" */
};

/* Counters since sift_stir_new(), for metrics and tests. */
struct sift_stir_stats {
    uint64_t verifies;
    uint64_t cache_hits;
    uint64_t fetches;        /* network fetches started */
    uint64_t fetch_failures; /* of which failed (status, size, time) */
    uint64_t dir_loads;      /* certificates read from cert_dir */
    uint64_t fetch_bytes;    /* body bytes accepted from the network */
};

struct sift_stir;

/*
 * Create a verifier. Loads the trust anchors at once. OUT: *out, free with
 * sift_stir_free(). Returns SIFT_EINVAL for missing or inconsistent
 * options, SIFT_EIO / SIFT_ECRYPTO when the trust anchors cannot be read
 * or hold no certificate, SIFT_ENOMEM; err says which.
 */
enum sift_rc sift_stir_new(struct sift_stir **out,
                           const struct sift_stir_opts *opts,
                           struct sift_err *err);

/* Free a verifier and its cache. NULL is a no-op. */
void sift_stir_free(struct sift_stir *stir);

/*
 * Verify one Identity header value of len bytes (without the "Identity:"
 * name, though a leading "Identity:" or "y:" is tolerated), for a call
 * from from_raw to to_raw: caller IDs as the phone system shows them
 * ("+1 877 643 0291", "18776430291", "sip:+1877...@host"), read with
 * sift_number_parse() in default_region (ISO alpha-2 such as "US" or
 * "JP"; NULL for none). A NULL from_raw or to_raw skips that end's check;
 * the engine always passes both. identity NULL or empty gives status
 * SIFT_STIR_NONE, reason SIFT_STIR_R_ABSENT.
 *
 * now is the current Unix time in seconds (0: time(NULL)); it is the
 * clock for iat freshness and for the certificate cache.
 *
 * OUT: *out is always written. Returns SIFT_OK with the verdict in *out,
 * whatever it is; SIFT_ENOMEM, SIFT_ECRYPTO (OpenSSL failed for a reason
 * other than the input) or SIFT_EINVAL (NULL stir or out) when it could
 * not decide, with err saying why. May block on a certificate fetch up to
 * total_timeout_ms on a cache miss. Thread-safe.
 */
enum sift_rc sift_stir_verify(struct sift_stir *stir, const char *identity,
                              size_t len, const char *from_raw,
                              const char *to_raw, const char *default_region,
                              int64_t now, struct sift_stir_result *out,
                              struct sift_err *err);

/* Copy the counters. Thread-safe. */
void sift_stir_stats(struct sift_stir *stir, struct sift_stir_stats *out);

/* Drop every cached certificate, so the next verification of each URL
 * reads or fetches it again. Trust anchors are read once, at
 * sift_stir_new(): to change them, create a new verifier. Thread-safe. */
void sift_stir_cache_clear(struct sift_stir *stir);

/* The SIP response code of a reason (428, 436, 437, 438, 403), or 0 for
 * SIFT_STIR_R_OK. */
int sift_stir_sip_code(enum sift_stir_reason reason);

/* The RFC 8224 reason phrase of that code ("Bad Identity Info"), or "".
 * Static. */
const char *sift_stir_sip_text(enum sift_stir_reason reason);

/* Stable lower-case name of a reason ("signature", "stale"). Static. */
const char *sift_stir_reason_name(enum sift_stir_reason reason);

/* "none", "pass", "failed". Static. */
const char *sift_stir_status_name(enum sift_stir_status status);

/* "A", "B", "C" or "". Static. */
const char *sift_stir_attest_name(enum sift_stir_attest attest);

/*
 * Write the RFC 9410 Reason header for a result into buf (size bytes,
 * NUL-terminated, truncated if short), without CRLF:
 *   Reason: STIR;cause=436;text="Bad Identity Info"
 * Returns the length the full text needs, excluding the NUL, as snprintf
 * does; 0 (and buf "" when size > 0) when the result carries no code
 * (status PASS).
 */
size_t sift_stir_reason_header(const struct sift_stir_result *res, char *buf,
                               size_t size);

#ifdef __cplusplus
}
#endif

#endif
