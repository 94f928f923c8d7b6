/*
 * stir_int.h - private to the stir module: the parsed Identity header,
 * the decoded PASSporT and the certificate cache the files share. Other
 * modules never include it; the fuzz targets do, to reach the parsers.
 *
 * The parsers (stir_parse.c) neither allocate through sift_malloc nor
 * touch OpenSSL: they fill plain structs from the input and say, as a
 * reason, what was wrong. The certificate side (stir_cert.c) owns every
 * OpenSSL and libcurl object.
 */
#ifndef SIFT_STIR_INT_H
#define SIFT_STIR_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "callsift/stir.h"
#include "util/file.h"
#include "util/util.h"

#define STIR_MAX_DEST    8  /* dest.tn entries looked at */
#define STIR_MAX_TN      20 /* digits of a canonical TN (E.164 is 15) */
#define STIR_SIG_LEN     64 /* ES256: r || s, 32 bytes each (RFC 7518) */
#define STIR_DETAIL_SIZE sizeof(((struct sift_stir_result *)0)->detail)

/* The Identity header value, split (RFC 8224 §4.1). Slices borrow the
 * input. A parameter not given has p == NULL. */
struct sift__stir_identity {
    struct sift_str token; /* the PASSporT in JWS compact form */
    struct sift_str info;  /* the URI without its <> or quotes */
    struct sift_str alg;
    struct sift_str ppt;
};

/*
 * Split an Identity header value of len bytes. Returns SIFT_STIR_R_OK, or
 * SIFT_STIR_R_TOO_BIG / SIFT_STIR_R_MALFORMED with a sentence in detail
 * (size bytes). Never allocates.
 */
enum sift_stir_reason sift__stir_parse_identity(const char *s, size_t len,
                                                struct sift__stir_identity *id,
                                                char *detail, size_t size);

/* A decoded and checked full-form SHAKEN PASSporT (RFC 8225, RFC 8588). */
struct sift__passport {
    struct sift_str signing_input; /* "header.payload" as received */
    unsigned char sig[STIR_SIG_LEN];
    char x5u[SIFT_STIR_MAX_URL + 1];
    enum sift_stir_attest attest;
    int64_t iat;
    char origid[65];
    char orig_tn[STIR_MAX_TN + 1]; /* canonical digits (RFC 8224 §8.3) */
    char dest_tn[STIR_MAX_DEST][STIR_MAX_TN + 1];
    size_t n_dest;
};

/*
 * Decode a PASSporT of len bytes and check its header and claims: alg
 * ES256, typ passport, ppt shaken, x5u an http(s) URL; attest A/B/C,
 * orig.tn, dest.tn, iat, origid. Duplicate JSON keys are refused. Returns
 * SIFT_STIR_R_OK or the reason with a sentence in detail; *rc_out is set
 * to SIFT_ENOMEM when jansson ran out of memory (the reason is then
 * meaningless), else SIFT_OK. The fields decoded before a failure are
 * kept in *pp (attest, iat, origid, orig_tn) for the result's evidence.
 */
enum sift_stir_reason sift__stir_decode_passport(const char *jwt, size_t len,
                                                 struct sift__passport *pp,
                                                 char *detail, size_t size,
                                                 enum sift_rc *rc_out);

/*
 * Canonical TN of RFC 8224 §8.3: digits only, a leading '+' and the
 * visual separators - . ( ) and space dropped. Writes at most
 * STIR_MAX_TN digits and a NUL into out. Returns false when anything else
 * is there or there are no digits or too many.
 */
bool sift__stir_canon_tn(const char *s, size_t len, char out[STIR_MAX_TN + 1]);

/* base64url without padding (RFC 7515 §2) into out (cap bytes). Rejects
 * other characters, '=' and non-zero unused bits. Returns the decoded
 * length, or -1. */
long sift__stir_b64url_decode(const char *s, size_t len, unsigned char *out,
                              size_t cap);

/* len bytes of in as base64url without padding into out, NUL-terminated
 * (out holds (len * 4 + 2) / 3 + 1 bytes). Returns the characters
 * written, the NUL not counted. The library only decodes; the tests, the
 * fuzz target and the benchmark build PASSporTs with it. */
size_t sift__stir_b64url_encode(const unsigned char *in, size_t len, char *out);

/* ---- certificates (stir_cert.c) ------------------------------------- */

struct sift__stir_cert; /* one cached x5u certificate, refcounted */

struct sift_stir {
    struct sift_stir_opts opts; /* strings below are owned copies */
    char *trust_anchors;
    char *cert_dir;
    char *tls_ca_file;
    char **allowed_hosts; /* NULL-terminated or NULL */
    void *store;          /* X509_STORE * */
    void *sha256;         /* EVP_MD *, fetched once */

    pthread_mutex_t lock; /* guards everything below */
    struct sift__stir_cert **buckets;
    size_t n_buckets;
    size_t n_entries;
    struct sift_stir_stats stats;
};

/* What getting a certificate found: a reason (SIFT_STIR_R_OK with *cert
 * set) and the rc (SIFT_ENOMEM ... when it could not decide). */
struct sift__stir_got {
    enum sift_rc rc;
    enum sift_stir_reason reason;
};

/* Is the x5u URL allowed by scheme and host? Writes detail when not. */
bool sift__stir_url_allowed(const struct sift_stir *stir, const char *url,
                            char *detail, size_t size);

/* The certificate of url from the cache, cert_dir or the network. On OK,
 * *cert holds a reference to release with sift__stir_cert_release(). */
struct sift__stir_got sift__stir_cert_get(struct sift_stir *stir,
                                          const char *url, int64_t now,
                                          struct sift__stir_cert **cert,
                                          char *detail, size_t size);

/* Check that cert chains to a trust anchor and every certificate of the
 * chain is valid at iat (RFC 8224 §6.2.2, RFC 8226). */
struct sift__stir_got sift__stir_cert_check_chain(struct sift_stir *stir,
                                                  struct sift__stir_cert *cert,
                                                  int64_t iat, char *detail,
                                                  size_t size);

/* Verify the ES256 signature over signing_input with the cert's key. */
struct sift__stir_got
sift__stir_cert_verify_sig(struct sift_stir *stir, struct sift__stir_cert *cert,
                           const struct sift__passport *pp, char *detail,
                           size_t size);

void sift__stir_cert_release(struct sift_stir *stir,
                             struct sift__stir_cert *cert);

/* Set up / tear down the trust store, the digest and the cache. */
enum sift_rc sift__stir_certs_init(struct sift_stir *stir,
                                   struct sift_err *err);
void sift__stir_certs_free(struct sift_stir *stir);
void sift__stir_cache_clear(struct sift_stir *stir);

/* Raw r || s (64 bytes) to a DER ECDSA-Sig-Value (RFC 3279 §2.2.3) into
 * out (at least 72 bytes). Returns the DER length. */
size_t sift__stir_sig_to_der(const unsigned char sig[STIR_SIG_LEN],
                             unsigned char *out);

#endif
