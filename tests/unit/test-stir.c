/*
 * test-stir.c - STIR/SHAKEN verification (include/callsift/stir.h).
 *
 * Nothing secret is committed: each test makes its own STI-CA root, a
 * SHAKEN leaf signed by it, an unrelated "evil" CA and leaf, and an
 * Ed25519 leaf, with the openssl command in a fresh temporary directory
 * (tests/data/stir/README.md), and signs PASSporTs with the leaf key
 * through OpenSSL's API. Fetch tests start a tiny HTTP server on
 * 127.0.0.1 (a forked child, one grandchild per connection) that serves
 * the leaf with and without a lifetime, a 10 MB body with and without
 * Content-Length, and a response that never comes; it reports how many
 * body bytes it managed to send.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "callsift.h"
#include "callsift/stir.h"
#include "stir/stir_int.h"
#include "test.h"

#define ORIG "18776430291"
#define DEST "81312345678"
#define X5U  "https://certs.example.net/sti/leaf.pem"

struct fx {
    char dir[64];
    char ca[128];    /* trust anchor */
    char certs[128]; /* cert_dir */
    char path[256];
    EVP_PKEY *key;      /* the leaf's private key */
    EVP_PKEY *evil_key; /* the evil leaf's */
};

/* ---- fixtures ---------------------------------------------------------- */

static const char make_script[] =
    "set -e; cd '%s'; exec >/dev/null 2>&1\n"
    "openssl ecparam -name prime256v1 -genkey -noout -out ca.key\n"
    "openssl req -x509 -new -key ca.key -sha256 -days 30 "
    "  -subj '/O=callsift test/CN=Test STI-CA Root' "
    "  -addext 'basicConstraints=critical,CA:TRUE' "
    "  -addext 'keyUsage=critical,keyCertSign,cRLSign' -out ca.pem\n"
    "openssl ecparam -name prime256v1 -genkey -noout -out leaf.key\n"
    "openssl req -new -key leaf.key -subj '/O=callsift test/CN=SHAKEN TEST' "
    "  -out leaf.csr\n"
    "printf '%%s\\n' 'basicConstraints=critical,CA:FALSE' "
    "  'keyUsage=critical,digitalSignature' "
    "  '1.3.6.1.5.5.7.1.26=DER:30:08:A0:06:16:04:54:45:53:54' > leaf.ext\n"
    "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key "
    "  -CAcreateserial -days 20 -sha256 -extfile leaf.ext -out leaf.pem\n"
    "openssl ecparam -name prime256v1 -genkey -noout -out evil-ca.key\n"
    "openssl req -x509 -new -key evil-ca.key -sha256 -days 30 "
    "  -subj '/O=Evil/CN=Evil Root' -addext 'basicConstraints=critical,CA:TRUE'"
    "  -out evil-ca.pem\n"
    "openssl ecparam -name prime256v1 -genkey -noout -out evil.key\n"
    "openssl req -new -key evil.key -subj '/O=callsift test/CN=SHAKEN TEST' "
    "  -out evil.csr\n"
    "openssl x509 -req -in evil.csr -CA evil-ca.pem -CAkey evil-ca.key "
    "  -CAcreateserial -days 20 -sha256 -extfile leaf.ext -out evil.pem\n"
    "openssl genpkey -algorithm ed25519 -out ed.key\n"
    "openssl req -x509 -new -key ed.key -days 20 -subj '/CN=ed' -out ed.pem\n"
    "mkdir certs\n";

static EVP_PKEY *read_key(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *k;

    ASSERT_NOT_NULL(f);
    k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    ASSERT_NOT_NULL(k);
    return k;
}

static const char *fx_path(struct fx *fx, const char *name)
{
    snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
    return fx->path;
}

static void copy_file(const char *from, const char *to)
{
    char cmd[1024];

    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
    ASSERT_EQ(system(cmd), 0);
}

/* Returns false (and the test should skip) when openssl is missing. */
static bool fx_setup(struct fx *fx)
{
    char cmd[4096];

    memset(fx, 0, sizeof(*fx));
    if (system("command -v openssl >/dev/null 2>&1") != 0)
        return false;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/sift-stir-XXXXXX");
    ASSERT_NOT_NULL(mkdtemp(fx->dir));
    snprintf(cmd, sizeof(cmd), make_script, fx->dir);
    ASSERT_EQ(system(cmd), 0);
    snprintf(fx->ca, sizeof(fx->ca), "%s/ca.pem", fx->dir);
    snprintf(fx->certs, sizeof(fx->certs), "%s/certs", fx->dir);
    fx->key = read_key(fx_path(fx, "leaf.key"));
    fx->evil_key = read_key(fx_path(fx, "evil.key"));
    return true;
}

static void fx_done(struct fx *fx)
{
    char cmd[256];

    EVP_PKEY_free(fx->key);
    EVP_PKEY_free(fx->evil_key);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
    ASSERT_EQ(system(cmd), 0);
}

/* Put a certificate in cert_dir under the SHA-256 name of url. */
static void fx_install(struct fx *fx, const char *cert, const char *url)
{
    unsigned char md[32];
    char to[256];
    int n;

    ASSERT(EVP_Digest(url, strlen(url), md, NULL, EVP_sha256(), NULL));
    n = snprintf(to, sizeof(to), "%s/", fx->certs);
    for (int i = 0; i < 32; i++)
        n += snprintf(to + n, sizeof(to) - (size_t)n, "%02x", md[i]);
    snprintf(to + n, sizeof(to) - (size_t)n, ".pem");
    copy_file(fx_path(fx, cert), to);
}

/* ---- tokens -------------------------------------------------------------- */

/* header.payload.signature, ES256 with key (raw r || s). */
static void sign_jwt(EVP_PKEY *key, const char *header, const char *payload,
                     char *out, size_t size)
{
    char input[4096];
    unsigned char der[80], raw[64];
    const unsigned char *p = der;
    size_t der_len = sizeof(der), n;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ECDSA_SIG *sig;

    ASSERT(strlen(header) * 2 + strlen(payload) * 2 + 200 < size);
    n = sift__stir_b64url_encode((const unsigned char *)header, strlen(header),
                                 input);
    input[n++] = '.';
    n += sift__stir_b64url_encode((const unsigned char *)payload,
                                  strlen(payload), input + n);
    ASSERT_EQ(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    ASSERT_EQ(EVP_DigestSign(md, der, &der_len, (unsigned char *)input, n), 1);
    EVP_MD_CTX_free(md);
    sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    ASSERT_NOT_NULL(sig);
    ASSERT_EQ(BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32), 32);
    ASSERT_EQ(BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32), 32);
    ECDSA_SIG_free(sig);
    memcpy(out, input, n);
    out[n++] = '.';
    sift__stir_b64url_encode(raw, 64, out + n);
}

static void header_json(char *out, size_t size, const char *alg,
                        const char *x5u)
{
    snprintf(out, size,
             "{\"alg\":\"%s\",\"ppt\":\"shaken\",\"typ\":\"passport\","
             "\"x5u\":\"%s\"}",
             alg, x5u);
}

static void payload_json(char *out, size_t size, const char *attest,
                         const char *orig, const char *dest, int64_t iat)
{
    snprintf(out, size,
             "{\"attest\":\"%s\",\"dest\":{\"tn\":[\"%s\"]},\"iat\":%lld,"
             "\"orig\":{\"tn\":\"%s\"},"
             "\"origid\":\"123e4567-e89b-12d3-a456-426614174000\"}",
             attest, dest, (long long)iat, orig);
}

/* The full Identity header value of a fresh token. */
static void make_identity(EVP_PKEY *key, const char *x5u, const char *attest,
                          const char *orig, const char *dest, int64_t iat,
                          char *out, size_t size)
{
    char h[512], p[512], jwt[2048];

    header_json(h, sizeof(h), "ES256", x5u);
    payload_json(p, sizeof(p), attest, orig, dest, iat);
    sign_jwt(key, h, p, jwt, sizeof(jwt));
    snprintf(out, size, "%s;info=<%s>;alg=ES256;ppt=shaken", jwt, x5u);
}

/* ---- verifiers ----------------------------------------------------------- */

static struct sift_stir *offline(struct fx *fx)
{
    struct sift_stir_opts o;
    struct sift_stir *s = NULL;
    struct sift_err err;

    sift_stir_opts_init(&o);
    o.trust_anchors = fx->ca;
    o.cert_dir = fx->certs;
    o.fetch = false;
    if (sift_stir_new(&s, &o, &err) != SIFT_OK)
        TEST_FAIL_("sift_stir_new: %s (%s)", err.msg, err.where);
    return s;
}

static void verify(struct sift_stir *s, const char *identity, const char *from,
                   const char *to, int64_t now, struct sift_stir_result *r)
{
    struct sift_err err;
    enum sift_rc rc = sift_stir_verify(s, identity, strlen(identity), from, to,
                                       "US", now, r, &err);

    if (rc != SIFT_OK)
        TEST_FAIL_("sift_stir_verify: %s: %s", sift_rc_name(rc), err.msg);
}

#define ASSERT_FAILED(r, why, code)                                            \
    do {                                                                       \
        if ((r).status != SIFT_STIR_FAILED || (r).reason != (why))             \
            TEST_FAIL_("expected failed/%s, got %s/%s: %s",                    \
                       sift_stir_reason_name(why),                             \
                       sift_stir_status_name((r).status),                      \
                       sift_stir_reason_name((r).reason), (r).detail);         \
        ASSERT_EQ(sift_stir_sip_code((r).reason), (code));                     \
        ASSERT((r).detail[0] != '\0');                                         \
    } while (0)

#define ASSERT_PASS(r)                                                         \
    do {                                                                       \
        if ((r).status != SIFT_STIR_PASS)                                      \
            TEST_FAIL_("expected pass, got %s/%s: %s",                         \
                       sift_stir_status_name((r).status),                      \
                       sift_stir_reason_name((r).reason), (r).detail);         \
    } while (0)

/* ---- tests -----------------------------------------------------------------
 */

/* The encoder the tests build tokens with and the verifier's decoder
 * agree on every length and byte value; the encoding has no padding. */
TEST_IMPL(stir_b64url_round_trip)
{
    unsigned char in[100], back[100];
    char enc[(sizeof(in) * 4 + 2) / 3 + 1];

    for (size_t len = 0; len <= sizeof(in); len++) {
        size_t n;

        for (size_t i = 0; i < len; i++)
            in[i] = (unsigned char)(len * 31 + i * 97);
        n = sift__stir_b64url_encode(in, len, enc);
        ASSERT_EQ(n, (len * 4 + 2) / 3);
        ASSERT_EQ(strlen(enc), n);
        ASSERT_NULL(strchr(enc, '='));
        ASSERT_EQ(sift__stir_b64url_decode(enc, n, back, sizeof(back)),
                  (long)len);
        ASSERT_EQ(memcmp(in, back, len), 0);
    }
    return 0;
}

TEST_IMPL(stir_valid_token_passes_attest_a)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    struct sift_stir_stats st;
    char id[4096], buf[128];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, "+1 877 643 0291", "+81 3-1234-5678", now, &r);
    ASSERT_PASS(r);
    ASSERT_EQ(r.attest, SIFT_STIR_ATTEST_A);
    ASSERT_EQ(r.reason, SIFT_STIR_R_OK);
    ASSERT_EQ(r.iat, now);
    ASSERT_STR_EQ(r.origid, "123e4567-e89b-12d3-a456-426614174000");
    ASSERT_STR_EQ(r.orig_tn, ORIG);
    ASSERT_STR_EQ(r.x5u, X5U);
    ASSERT_EQ(sift_stir_reason_header(&r, buf, sizeof(buf)), 0);
    ASSERT_STR_EQ(buf, "");
    /* The same numbers written as a phone system might. */
    verify(s, id, "18776430291", "+81312345678", now, &r);
    ASSERT_PASS(r);
    verify(s, id, "sip:+18776430291@gw.example.net;user=phone",
           "tel:+81-3-1234-5678", now, &r);
    ASSERT_PASS(r);
    {
        struct sift_err err;

        ASSERT_EQ(sift_stir_verify(s, id, strlen(id), "(877) 643-0291",
                                   "81312345678", "US", now + 10, &r, &err),
                  SIFT_OK);
        ASSERT_PASS(r);
    }
    /* B and C pass with their attestation. */
    make_identity(fx.key, X5U, "C", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    ASSERT_EQ(r.attest, SIFT_STIR_ATTEST_C);
    ASSERT_STR_EQ(sift_stir_attest_name(r.attest), "C");
    sift_stir_stats(s, &st);
    ASSERT_EQ(st.verifies, 5);
    ASSERT_EQ(st.dir_loads, 1); /* then cached */
    ASSERT_EQ(st.cache_hits, 4);
    ASSERT_EQ(st.fetches, 0);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_absent_identity_is_none_428)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char buf[128];

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    s = offline(&fx);
    ASSERT_EQ(sift_stir_verify(s, NULL, 0, ORIG, DEST, "US", 0, &r, NULL),
              SIFT_OK);
    ASSERT_EQ(r.status, SIFT_STIR_NONE);
    ASSERT_EQ(r.reason, SIFT_STIR_R_ABSENT);
    ASSERT_EQ(sift_stir_verify(s, "  \r\n", 4, ORIG, DEST, "US", 0, &r, NULL),
              SIFT_OK);
    ASSERT_EQ(r.status, SIFT_STIR_NONE);
    ASSERT_EQ(sift_stir_reason_header(&r, buf, sizeof(buf)),
              strlen("Reason: STIR;cause=428;text=\"Use Identity Header\""));
    ASSERT_STR_EQ(buf, "Reason: STIR;cause=428;text=\"Use Identity Header\"");
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_cert_dir_by_last_path_component)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char id[4096];
    int64_t now = (int64_t)time(NULL);
    char to[256];

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    snprintf(to, sizeof(to), "%s/leaf.pem", fx.certs);
    copy_file(fx_path(&fx, "leaf.pem"), to);
    s = offline(&fx);
    make_identity(fx.key, "https://cr.example.org/a/leaf.pem?v=1", "B", ORIG,
                  DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    ASSERT_EQ(r.attest, SIFT_STIR_ATTEST_B);
    /* A name that is not in the directory, with fetching off: 436. */
    make_identity(fx.key, "https://cr.example.org/a/other.pem", "A", ORIG, DEST,
                  now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_FETCH, 436);
    /* A path component that is not a safe file name is never used. */
    make_identity(fx.key, "https://cr.example.org/a/..", "A", ORIG, DEST, now,
                  id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_FETCH, 436);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

/* Replace the payload of an Identity value, keeping header and signature. */
static void swap_payload(const char *id, const char *payload, char *out,
                         size_t size)
{
    const char *d1 = strchr(id, '.'), *d2 = strchr(d1 + 1, '.');
    char p64[1024];
    size_t n = (size_t)(d1 - id) + 1;

    ASSERT(size > strlen(id) + 1024);
    memcpy(out, id, n);
    sift__stir_b64url_encode((const unsigned char *)payload, strlen(payload),
                             p64);
    memcpy(out + n, p64, strlen(p64));
    n += strlen(p64);
    memcpy(out + n, d2, strlen(d2) + 1);
}

TEST_IMPL(stir_changed_payload_fails_438)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char id[4096], bad[8192], p[512], buf[128];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    make_identity(fx.key, X5U, "C", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    /* Attestation raised from C to A: the signature no longer matches. */
    payload_json(p, sizeof(p), "A", ORIG, DEST, now);
    swap_payload(id, p, bad, sizeof(bad));
    verify(s, bad, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_SIGNATURE, 438);
    ASSERT_EQ(r.attest, SIFT_STIR_ATTEST_A); /* claimed, not trusted */
    sift_stir_reason_header(&r, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "Reason: STIR;cause=438;text=\"Invalid Identity "
                       "Header\"");
    /* orig.tn changed to the spoofed caller's number, and the call does
     * come from that number: only the signature can tell. */
    payload_json(p, sizeof(p), "C", "14155550123", DEST, now);
    swap_payload(id, p, bad, sizeof(bad));
    verify(s, bad, "+14155550123", DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_SIGNATURE, 438);
    /* One flipped signature bit. */
    snprintf(bad, sizeof(bad), "%s", id);
    {
        char *sig = strchr(strchr(bad, '.') + 1, '.') + 1;
        sig[5] = sig[5] == 'A' ? 'B' : 'A';
    }
    verify(s, bad, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_SIGNATURE, 438);
    /* Signed by a key that is not the x5u certificate's. */
    make_identity(fx.evil_key, X5U, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_SIGNATURE, 438);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_valid_token_for_another_call_fails)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char id[4096];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, "+14155550123", DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_ORIG_MISMATCH, 438);
    ASSERT_EQ(r.attest, SIFT_STIR_ATTEST_A);
    verify(s, id, ORIG, "+81 3-9999-0000", now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_DEST_MISMATCH, 438);
    verify(s, id, "anonymous", DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_ORIG_MISMATCH, 438);
    /* A number one digit longer is not the same number. */
    verify(s, id, "187764302910", DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_ORIG_MISMATCH, 438);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_rejects_base64_and_json_garbage)
{
    static const struct {
        const char *identity;
        enum sift_stir_reason reason;
    } cases[] = {
        {"!!!", SIFT_STIR_R_MALFORMED},
        {"abc", SIFT_STIR_R_MALFORMED},                /* one part */
        {"a.b", SIFT_STIR_R_MALFORMED},                /* two parts */
        {"a.b.c.d", SIFT_STIR_R_MALFORMED},            /* four parts */
        {"a.b.c", SIFT_STIR_R_MALFORMED},              /* 1 char: not base64 */
        {"eyJh.eyJh.AAAA", SIFT_STIR_R_MALFORMED},     /* cut JSON */
        {"e30.e30.AAAA", SIFT_STIR_R_UNSUPPORTED_ALG}, /* {} has no alg */
        {"WzFd.e30.AAAA", SIFT_STIR_R_MALFORMED},      /* [1]: not an object */
        {"e30=.e30.AAAA", SIFT_STIR_R_MALFORMED},      /* padding */
        {"e31.e30.AAAA", SIFT_STIR_R_MALFORMED},       /* non-zero spare bits */
        {"e30.e30.AA@A", SIFT_STIR_R_MALFORMED}, /* junk after the token */
        {"e30..AAAA", SIFT_STIR_R_UNSUPPORTED_ALG},
        {".e30.AAAA", SIFT_STIR_R_MALFORMED},
        {"e30.e30.AAAA;info", SIFT_STIR_R_MALFORMED},
        {"e30.e30.AAAA;info=", SIFT_STIR_R_MALFORMED},
        {"e30.e30.AAAA;info=<>", SIFT_STIR_R_MALFORMED},
        {"e30.e30.AAAA;info=<https://x", SIFT_STIR_R_MALFORMED},
        {"e30.e30.AAAA junk", SIFT_STIR_R_MALFORMED},
        {"Contact: e30.e30.AAAA", SIFT_STIR_R_MALFORMED},
    };
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    s = offline(&fx);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        verify(s, cases[i].identity, ORIG, DEST, 0, &r);
        if (r.status != SIFT_STIR_FAILED || r.reason != cases[i].reason)
            TEST_FAIL_("%s: expected %s, got %s/%s: %s", cases[i].identity,
                       sift_stir_reason_name(cases[i].reason),
                       sift_stir_status_name(r.status),
                       sift_stir_reason_name(r.reason), r.detail);
        ASSERT(r.detail[0] != '\0');
    }
    /* An embedded NUL byte ends nothing: it is junk. */
    ASSERT_EQ(sift_stir_verify(s, "e30.e30.AAAA\0;a=b", 17, ORIG, DEST, "US", 0,
                               &r, NULL),
              SIFT_OK);
    ASSERT_FAILED(r, SIFT_STIR_R_MALFORMED, 438);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_rejects_oversized_header)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    size_t n = SIFT_STIR_MAX_IDENTITY + 1;
    char *big = malloc(n + 1);
    int64_t now = (int64_t)time(NULL);
    char id[4096];

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    ASSERT_NOT_NULL(big);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now, id, sizeof(id));
    /* A valid token padded with an extension parameter past the limit. */
    snprintf(big, n + 1, "%s;pad=", id);
    memset(big + strlen(big), 'x', n - strlen(big));
    big[n] = '\0';
    verify(s, big, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_TOO_BIG, 438);
    /* One byte less is within the limit and passes. */
    big[n - 1] = '\0';
    verify(s, big, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    free(big);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_rejects_alg_none_and_other_algs)
{
    static const char *const algs[] = {"none",  "RS256",  "HS256", "ES384",
                                       "es256", "ES256 ", "EdDSA"};
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char h[512], p[512], jwt[2048], id[4096];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    payload_json(p, sizeof(p), "A", ORIG, DEST, now);
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        /* Really signed with the right key: only the alg is wrong. */
        header_json(h, sizeof(h), algs[i], X5U);
        sign_jwt(fx.key, h, p, jwt, sizeof(jwt));
        verify(s, jwt, ORIG, DEST, now, &r);
        ASSERT_FAILED(r, SIFT_STIR_R_UNSUPPORTED_ALG, 437);
    }
    /* An unsigned token, "alg":"none" and an empty signature. */
    {
        char h64[512], p64[512];

        header_json(h, sizeof(h), "none", X5U);
        sift__stir_b64url_encode((const unsigned char *)h, strlen(h), h64);
        sift__stir_b64url_encode((const unsigned char *)p, strlen(p), p64);
        snprintf(id, sizeof(id), "%s.%s.", h64, p64);
        verify(s, id, ORIG, DEST, now, &r);
        ASSERT_FAILED(r, SIFT_STIR_R_UNSUPPORTED_ALG, 437);
    }
    /* The header parameter alg must say ES256 too. */
    header_json(h, sizeof(h), "ES256", X5U);
    sign_jwt(fx.key, h, p, jwt, sizeof(jwt));
    snprintf(id, sizeof(id), "%s;info=<%s>;alg=RS256;ppt=shaken", jwt, X5U);
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_UNSUPPORTED_ALG, 437);
    /* And the same token with alg=ES256 passes (the test can fail). */
    snprintf(id, sizeof(id), "%s;info=<%s>;alg=ES256;ppt=shaken", jwt, X5U);
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_header_claims_are_strict)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char p[512], jwt[2048];
    int64_t now = (int64_t)time(NULL);
    const char *x5u = X5U;
    struct {
        const char *header;  /* %s = x5u */
        const char *payload; /* NULL: the good one */
        enum sift_stir_reason reason;
    } cases[] = {
        /* duplicate keys: a second alg after the checked one */
        {"{\"alg\":\"ES256\",\"alg\":\"none\",\"ppt\":\"shaken\",\"typ\":"
         "\"passport\",\"x5u\":\"%s\"}",
         NULL, SIFT_STIR_R_MALFORMED},
        {"{\"alg\":\"ES256\",\"ppt\":\"div\",\"typ\":\"passport\",\"x5u\":"
         "\"%s\"}",
         NULL, SIFT_STIR_R_UNSUPPORTED_PPT},
        {"{\"alg\":\"ES256\",\"typ\":\"passport\",\"x5u\":\"%s\"}", NULL,
         SIFT_STIR_R_UNSUPPORTED_PPT},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"JWT\",\"x5u\":"
         "\"%s\"}",
         NULL, SIFT_STIR_R_UNSUPPORTED_PPT},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"x5u\":\"%s\"}", NULL,
         SIFT_STIR_R_BAD_CLAIMS},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\"}", NULL,
         SIFT_STIR_R_BAD_CLAIMS},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
         "\"x5u\":\"file:///etc/passwd\"}",
         NULL, SIFT_STIR_R_BAD_CLAIMS},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
         "\"x5u\":\"%s\"}",
         "{\"attest\":\"D\",\"dest\":{\"tn\":[\"" DEST "\"]},\"iat\":%lld,"
         "\"orig\":{\"tn\":\"" ORIG "\"},\"origid\":\"x\"}",
         SIFT_STIR_R_BAD_CLAIMS},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
         "\"x5u\":\"%s\"}",
         "{\"attest\":\"A\",\"dest\":{\"tn\":\"" DEST "\"},\"iat\":%lld,"
         "\"orig\":{\"tn\":\"" ORIG "\"},\"origid\":\"x\"}",
         SIFT_STIR_R_BAD_CLAIMS},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
         "\"x5u\":\"%s\"}",
         "{\"attest\":\"A\",\"dest\":{\"tn\":[\"" DEST "\"]},\"iat\":%lld.5,"
         "\"orig\":{\"tn\":\"" ORIG "\"},\"origid\":\"x\"}",
         SIFT_STIR_R_BAD_CLAIMS},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
         "\"x5u\":\"%s\"}",
         "{\"attest\":\"A\",\"dest\":{\"tn\":[\"" DEST "\"]},\"iat\":%lld,"
         "\"orig\":{\"tn\":\"" ORIG "\"}}",
         SIFT_STIR_R_BAD_CLAIMS},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
         "\"x5u\":\"%s\"}",
         "{\"attest\":\"A\",\"dest\":{\"tn\":[\"" DEST "\"]},\"iat\":%lld,"
         "\"orig\":{\"tn\":\"sip:alice\"},\"origid\":\"x\"}",
         SIFT_STIR_R_BAD_CLAIMS},
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
         "\"x5u\":\"%s\"}",
         "{\"attest\":\"A\",\"attest\":\"A\",\"dest\":{\"tn\":[\"" DEST
         "\"]},\"iat\":%lld,\"orig\":{\"tn\":\"" ORIG "\"},\"origid\":\"x\"}",
         SIFT_STIR_R_MALFORMED},
        /* the control: the same shape, all good, passes */
        {"{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
         "\"x5u\":\"%s\"}",
         "{\"attest\":\"A\",\"dest\":{\"tn\":[\"+81-3-1234-5678\"]},\"iat\":"
         "%lld,\"orig\":{\"tn\":\"+" ORIG "\"},\"origid\":\"x\"}",
         SIFT_STIR_R_OK},
    };

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char h[512];

        snprintf(h, sizeof(h), cases[i].header, x5u);
        if (cases[i].payload != NULL)
            snprintf(p, sizeof(p), cases[i].payload, (long long)now);
        else
            payload_json(p, sizeof(p), "A", ORIG, DEST, now);
        sign_jwt(fx.key, h, p, jwt, sizeof(jwt));
        verify(s, jwt, ORIG, DEST, now, &r);
        if (cases[i].reason == SIFT_STIR_R_OK) {
            ASSERT_PASS(r);
            continue;
        }
        if (r.status != SIFT_STIR_FAILED || r.reason != cases[i].reason)
            TEST_FAIL_("case %zu: expected %s, got %s/%s: %s", i,
                       sift_stir_reason_name(cases[i].reason),
                       sift_stir_status_name(r.status),
                       sift_stir_reason_name(r.reason), r.detail);
    }
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_identity_header_forms)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char jwt[2048], h[512], p[512], id[4096];
    int64_t now = (int64_t)time(NULL);
    static const struct {
        const char *fmt; /* %1$s = jwt, %2$s = x5u */
        enum sift_stir_reason reason;
    } cases[] = {
        {"%1$s;info=<%2$s>;alg=ES256;ppt=shaken", SIFT_STIR_R_OK},
        {"%1$s;ppt=\"shaken\";alg=ES256;info=<%2$s>", SIFT_STIR_R_OK},
        {"  %1$s ;\r\n info = \"<%2$s>\" ; alg = ES256 ;ppt=shaken  ",
         SIFT_STIR_R_OK},
        {"%1$s;info=\"%2$s\"", SIFT_STIR_R_OK},
        {"%1$s;info=%2$s;foo=bar", SIFT_STIR_R_OK},
        {"%1$s", SIFT_STIR_R_OK}, /* compact: just the token */
        {"Identity: %1$s;info=<%2$s>", SIFT_STIR_R_OK},
        {"y:%1$s;info=<%2$s>", SIFT_STIR_R_OK},
        {"%1$s;INFO=<%2$s>;ALG=ES256;PPT=shaken", SIFT_STIR_R_OK},
        {"%1$s;info=<%2$s>;info=<%2$s>", SIFT_STIR_R_MALFORMED},
        {"%1$s;info=<%2$s>;ppt=div", SIFT_STIR_R_UNSUPPORTED_PPT},
        {"%1$s;info=<https://elsewhere.example.net/c.pem>",
         SIFT_STIR_R_INFO_MISMATCH},
        {"%1$s;info=<%2$s>;;", SIFT_STIR_R_MALFORMED},
        {"%1$s;info=<%2$s> x", SIFT_STIR_R_MALFORMED},
    };

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    header_json(h, sizeof(h), "ES256", X5U);
    payload_json(p, sizeof(p), "A", ORIG, DEST, now);
    sign_jwt(fx.key, h, p, jwt, sizeof(jwt));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(id, sizeof(id), cases[i].fmt, jwt, X5U);
        verify(s, id, ORIG, DEST, now, &r);
        if (cases[i].reason == SIFT_STIR_R_OK) {
            if (r.status != SIFT_STIR_PASS)
                TEST_FAIL_("%s: %s: %s", cases[i].fmt,
                           sift_stir_reason_name(r.reason), r.detail);
            continue;
        }
        if (r.status != SIFT_STIR_FAILED || r.reason != cases[i].reason)
            TEST_FAIL_("%s: expected %s, got %s/%s: %s", cases[i].fmt,
                       sift_stir_reason_name(cases[i].reason),
                       sift_stir_status_name(r.status),
                       sift_stir_reason_name(r.reason), r.detail);
    }
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_x5u_host_not_allowed_436)
{
    static const char *const hosts[] = {"certs.example.org", ".example.net",
                                        NULL};
    struct fx fx;
    struct sift_stir_opts o;
    struct sift_stir *s = NULL;
    struct sift_stir_result r;
    char id[4096], buf[64];
    int64_t now = (int64_t)time(NULL);
    const char *evil = "https://certs.evil.test/sti/leaf.pem";

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    fx_install(&fx, "leaf.pem", evil);
    fx_install(&fx, "leaf.pem", "http://certs.example.org/leaf.pem");
    fx_install(&fx, "leaf.pem", "https://example.net/leaf.pem");
    sift_stir_opts_init(&o);
    o.trust_anchors = fx.ca;
    o.cert_dir = fx.certs;
    o.fetch = false;
    o.allowed_hosts = hosts;
    ASSERT_EQ(sift_stir_new(&s, &o, NULL), SIFT_OK);
    /* certs.example.net is under .example.net: allowed. */
    make_identity(fx.key, X5U, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    /* The certificate is even in cert_dir; the host still decides. */
    make_identity(fx.key, evil, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_INFO_POLICY, 436);
    ASSERT_EQ(sift_stir_reason_header(&r, buf, sizeof(buf)),
              strlen("Reason: STIR;cause=436;text=\"Bad Identity Info\""));
    ASSERT_STR_EQ(buf, "Reason: STIR;cause=436;text=\"Bad Identity Info\"");
    /* ".example.net" is not example.net itself. */
    make_identity(fx.key, "https://example.net/leaf.pem", "A", ORIG, DEST, now,
                  id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_INFO_POLICY, 436);
    /* http:// is refused unless allow_http. */
    make_identity(fx.key, "http://certs.example.org/leaf.pem", "A", ORIG, DEST,
                  now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_INFO_POLICY, 436);
    sift_stir_free(s);
    o.allow_http = true;
    ASSERT_EQ(sift_stir_new(&s, &o, NULL), SIFT_OK);
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_cert_that_does_not_chain_437)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char id[4096];
    int64_t now = (int64_t)time(NULL);
    const char *ev = "https://certs.example.net/sti/evil.pem";
    const char *ed = "https://certs.example.net/sti/ed.pem";

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "evil.pem", ev);
    fx_install(&fx, "ed.pem", ed);
    fx_install(&fx, "leaf.key", "https://certs.example.net/sti/key.pem");
    s = offline(&fx);
    /* Correctly signed with the evil leaf's key; the leaf's CA is not a
     * trust anchor. */
    make_identity(fx.evil_key, ev, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_UNTRUSTED, 437);
    /* An Ed25519 certificate cannot carry an ES256 key. */
    make_identity(fx.key, ed, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_BAD, 437);
    /* A private key where a certificate should be. */
    make_identity(fx.key, "https://certs.example.net/sti/key.pem", "A", ORIG,
                  DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_BAD, 437);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_cert_not_valid_at_iat_437)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char id[4096];
    int64_t then = 946684800; /* 2000-01-01: before the certs existed */
    int64_t later = (int64_t)time(NULL) + 40 * 86400; /* after they end */

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    make_identity(fx.key, X5U, "A", ORIG, DEST, then, id, sizeof(id));
    verify(s, id, ORIG, DEST, then, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_TIME, 437);
    make_identity(fx.key, X5U, "A", ORIG, DEST, later, id, sizeof(id));
    verify(s, id, ORIG, DEST, later, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_TIME, 437);
    /* Now, with the chain result cached, then at the old time again: the
     * cached window must not let it through. */
    make_identity(fx.key, X5U, "A", ORIG, DEST, time(NULL), id, sizeof(id));
    verify(s, id, ORIG, DEST, time(NULL), &r);
    ASSERT_PASS(r);
    make_identity(fx.key, X5U, "A", ORIG, DEST, later, id, sizeof(id));
    verify(s, id, ORIG, DEST, later, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_TIME, 437);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_token_from_the_future_fails_403)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char id[4096];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now + 3600, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_FUTURE, 403);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now + 6, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_FUTURE, 403);
    /* Within the default 5 s of skew. */
    make_identity(fx.key, X5U, "A", ORIG, DEST, now + 5, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_stale_iat_fails_403)
{
    struct fx fx;
    struct sift_stir_opts o;
    struct sift_stir *s;
    struct sift_stir_result r;
    char id[4096], buf[64];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    /* "now" 400 s ahead, so that every iat below is after the
     * certificates' notBefore (they were made a moment ago). */
    now = (int64_t)time(NULL) + 400;
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now - 61, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_STALE, 403);
    sift_stir_reason_header(&r, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "Reason: STIR;cause=403;text=\"Stale Date\"");
    make_identity(fx.key, X5U, "A", ORIG, DEST, now - 60, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    sift_stir_free(s);
    /* max_age is configurable. */
    sift_stir_opts_init(&o);
    o.trust_anchors = fx.ca;
    o.cert_dir = fx.certs;
    o.fetch = false;
    o.max_age = 300;
    ASSERT_EQ(sift_stir_new(&s, &o, NULL), SIFT_OK);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now - 200, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now - 301, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_STALE, 403);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

/* ---- the HTTP server -------------------------------------------------------
 */

#define BIG_BODY (10u * 1024 * 1024)

struct srv {
    pid_t pid;
    int port;
    int report; /* read end: "<path> <bytes sent>\n" per request */
};

static void write_all(int fd, const char *p, size_t n, size_t *sent)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
        if (sent)
            *sent += (size_t)w;
    }
}

static void serve_one(int c, const char *cert, size_t cert_len, int report)
{
    char req[4096], path[256] = "", hdr[512], line[320];
    size_t got = 0, sent = 0;
    int hn;

    while (got < sizeof(req) - 1) {
        ssize_t n = read(c, req + got, sizeof(req) - 1 - got);

        if (n <= 0)
            break;
        got += (size_t)n;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[got] = '\0';
    if (strncmp(req, "GET ", 4) == 0) {
        size_t k = strcspn(req + 4, " ");

        if (k < sizeof(path)) {
            memcpy(path, req + 4, k);
            path[k] = '\0';
        }
    }
    if (strcmp(path, "/cert.pem") == 0 || strcmp(path, "/nostore.pem") == 0 ||
        strcmp(path, "/expires.pem") == 0) {
        hn = snprintf(hdr, sizeof(hdr),
                      "HTTP/1.1 200 OK\r\nContent-Type: application/x-pem-"
                      "file\r\nContent-Length: %zu\r\n%s\r\nConnection: "
                      "close\r\n\r\n",
                      cert_len,
                      path[1] == 'c' ? "Cache-Control: public, max-age=300"
                      : path[1] == 'n'
                          ? "Cache-Control: no-store"
                          : "Expires: Thu, 01 Jan 1998 00:00:00 GMT");
        write_all(c, hdr, (size_t)hn, NULL);
        write_all(c, cert, cert_len, &sent);
    } else if (strcmp(path, "/big.pem") == 0 ||
               strcmp(path, "/big-cl.pem") == 0) {
        static char chunk[65536];

        memset(chunk, 'A', sizeof(chunk));
        if (path[4] == '-')
            hn = snprintf(hdr, sizeof(hdr),
                          "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n"
                          "Connection: close\r\n\r\n",
                          BIG_BODY);
        else
            hn = snprintf(hdr, sizeof(hdr),
                          "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        write_all(c, hdr, (size_t)hn, NULL);
        for (size_t off = 0; off < BIG_BODY; off += sizeof(chunk)) {
            size_t before = sent;

            write_all(c, chunk, sizeof(chunk), &sent);
            if (sent - before < sizeof(chunk))
                break; /* the client hung up */
        }
    } else if (strcmp(path, "/slow.pem") == 0) {
        struct pollfd pfd = {c, POLLIN, 0};

        poll(&pfd, 1, 10000); /* returns when the client gives up */
    } else {
        static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: "
                                 "0\r\nConnection: close\r\n\r\n";
        write_all(c, nf, sizeof(nf) - 1, NULL);
    }
    hn = snprintf(line, sizeof(line), "%s %zu\n", path, sent);
    write_all(report, line, (size_t)hn, NULL);
}

static void srv_start(struct srv *s, const char *cert_path)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, pfd[2];
    static char cert[65536];
    size_t cert_len;
    FILE *f = fopen(cert_path, "r");

    ASSERT_NOT_NULL(f);
    cert_len = fread(cert, 1, sizeof(cert), f);
    fclose(f);
    ASSERT(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ASSERT_EQ(listen(fd, 16), 0);
    ASSERT_EQ(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    ASSERT_EQ(pipe(pfd), 0);
    fflush(NULL);
    s->pid = fork();
    ASSERT(s->pid >= 0);
    if (s->pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        signal(SIGCHLD, SIG_IGN); /* no zombies from the handlers */
        close(pfd[0]);
        for (;;) {
            int c = accept(fd, NULL, NULL);

            if (c < 0)
                continue;
            if (fork() == 0) {
                close(fd);
                serve_one(c, cert, cert_len, pfd[1]);
                close(c);
                _exit(0);
            }
            close(c);
        }
    }
    close(fd);
    close(pfd[1]);
    s->report = pfd[0];
}

/* The next report line: how many body bytes the server sent for path. */
static size_t srv_sent(struct srv *s, const char *path)
{
    char line[320];
    size_t n = 0;
    struct pollfd p = {s->report, POLLIN, 0};

    for (;;) {
        ASSERT(poll(&p, 1, 15000) == 1);
        ASSERT_EQ(read(s->report, line + n, 1), 1);
        if (line[n] == '\n')
            break;
        ASSERT(++n < sizeof(line) - 1);
    }
    line[n] = '\0';
    ASSERT(strncmp(line, path, strlen(path)) == 0);
    return (size_t)strtoull(line + strlen(path) + 1, NULL, 10);
}

static void srv_stop(struct srv *s)
{
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    close(s->report);
}

static struct sift_stir *online(struct fx *fx)
{
    struct sift_stir_opts o;
    struct sift_stir *s = NULL;

    sift_stir_opts_init(&o);
    o.trust_anchors = fx->ca;
    o.allow_http = true;
    o.total_timeout_ms = 1000;
    ASSERT_EQ(sift_stir_new(&s, &o, NULL), SIFT_OK);
    return s;
}

static double mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST_IMPL(stir_fetch_refuses_10mb_certificate)
{
    struct fx fx;
    struct srv srv;
    struct sift_stir *s;
    struct sift_stir_result r;
    struct sift_stir_stats st;
    char id[4096], url[128];
    int64_t now = (int64_t)time(NULL);
    double t0;
    size_t sent;

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    srv_start(&srv, fx_path(&fx, "leaf.pem"));
    s = online(&fx);
    /* Content-Length says 10 MB: refused before the body is read. */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/big-cl.pem", srv.port);
    make_identity(fx.key, url, "A", ORIG, DEST, now, id, sizeof(id));
    t0 = mono_s();
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_FETCH, 436);
    ASSERT(strstr(r.detail, "65536") != NULL);
    sent = srv_sent(&srv, "/big-cl.pem");
    ASSERT(sent < BIG_BODY);
    sift_stir_stats(s, &st);
    ASSERT_EQ(st.fetch_bytes, 0);
    /* No Content-Length: the body is streamed and cut at the limit. */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/big.pem", srv.port);
    make_identity(fx.key, url, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_FETCH, 436);
    sent = srv_sent(&srv, "/big.pem");
    ASSERT(sent < BIG_BODY);
    sift_stir_stats(s, &st);
    ASSERT(st.fetch_bytes <= 65536);
    ASSERT_EQ(st.fetches, 2);
    ASSERT_EQ(st.fetch_failures, 2);
    ASSERT(mono_s() - t0 < 5.0);
    fprintf(stderr, "# server sent %zu of %u bytes before the hang-up\n", sent,
            BIG_BODY);
    sift_stir_free(s);
    srv_stop(&srv);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_fetch_caches_by_url_lifetime)
{
    struct fx fx;
    struct srv srv;
    struct sift_stir *s;
    struct sift_stir_result r;
    struct sift_stir_stats st;
    char id[4096], url[128];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    srv_start(&srv, fx_path(&fx, "leaf.pem"));
    s = online(&fx);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/cert.pem", srv.port);
    make_identity(fx.key, url, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    ASSERT(srv_sent(&srv, "/cert.pem") > 0);
    verify(s, id, ORIG, DEST, now + 1, &r);
    ASSERT_PASS(r);
    sift_stir_stats(s, &st);
    ASSERT_EQ(st.fetches, 1);
    ASSERT_EQ(st.cache_hits, 1);
    /* max-age=300: at now + 301 the certificate is fetched again. */
    make_identity(fx.key, url, "A", ORIG, DEST, now + 301, id, sizeof(id));
    verify(s, id, ORIG, DEST, now + 301, &r);
    ASSERT_PASS(r);
    sift_stir_stats(s, &st);
    ASSERT_EQ(st.fetches, 2);
    /* no-store, and an Expires in the past: never kept. */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/nostore.pem", srv.port);
    make_identity(fx.key, url, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/expires.pem", srv.port);
    make_identity(fx.key, url, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    sift_stir_stats(s, &st);
    ASSERT_EQ(st.fetches, 6);
    ASSERT_EQ(st.cache_hits, 1);
    /* A 404 is a 436. */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/missing.pem", srv.port);
    make_identity(fx.key, url, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_FETCH, 436);
    ASSERT(strstr(r.detail, "404") != NULL);
    /* After clearing, the next verify fetches again. */
    sift_stir_cache_clear(s);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/cert.pem", srv.port);
    make_identity(fx.key, url, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    sift_stir_stats(s, &st);
    ASSERT_EQ(st.fetches, 8);
    sift_stir_free(s);
    srv_stop(&srv);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_fetch_times_out)
{
    struct fx fx;
    struct srv srv;
    struct sift_stir *s;
    struct sift_stir_result r;
    char id[4096], url[128];
    int64_t now = (int64_t)time(NULL);
    double t0;

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    srv_start(&srv, fx_path(&fx, "leaf.pem"));
    s = online(&fx); /* total_timeout_ms = 1000 */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/slow.pem", srv.port);
    make_identity(fx.key, url, "A", ORIG, DEST, now, id, sizeof(id));
    t0 = mono_s();
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_CERT_FETCH, 436);
    ASSERT(mono_s() - t0 >= 0.9);
    ASSERT(mono_s() - t0 < 3.0);
    sift_stir_free(s);
    srv_stop(&srv);
    fx_done(&fx);
    return 0;
}

/* ---- the rest --------------------------------------------------------------
 */

TEST_IMPL(stir_reason_table_maps_sip_codes)
{
    static const struct {
        enum sift_stir_reason reason;
        int code;
        const char *header;
    } cases[] = {
        {SIFT_STIR_R_ABSENT, 428,
         "Reason: STIR;cause=428;text=\"Use Identity Header\""},
        {SIFT_STIR_R_INFO_POLICY, 436,
         "Reason: STIR;cause=436;text=\"Bad Identity Info\""},
        {SIFT_STIR_R_CERT_UNTRUSTED, 437,
         "Reason: STIR;cause=437;text=\"Unsupported Credential\""},
        {SIFT_STIR_R_SIGNATURE, 438,
         "Reason: STIR;cause=438;text=\"Invalid Identity Header\""},
        {SIFT_STIR_R_STALE, 403, "Reason: STIR;cause=403;text=\"Stale Date\""},
    };
    struct sift_stir_result r;
    char buf[96], small[10];

    memset(&r, 0, sizeof(r));
    r.status = SIFT_STIR_FAILED;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r.reason = cases[i].reason;
        ASSERT_EQ(sift_stir_sip_code(r.reason), cases[i].code);
        ASSERT_EQ(sift_stir_reason_header(&r, buf, sizeof(buf)),
                  strlen(cases[i].header));
        ASSERT_STR_EQ(buf, cases[i].header);
    }
    /* Every reason but OK has a code, a phrase and a distinct name. */
    for (int a = SIFT_STIR_R_ABSENT; a <= SIFT_STIR_R_FUTURE; a++) {
        int c = sift_stir_sip_code((enum sift_stir_reason)a);

        ASSERT(c == 403 || c == 428 || c == 436 || c == 437 || c == 438);
        ASSERT(sift_stir_sip_text((enum sift_stir_reason)a)[0] != '\0');
        for (int b = SIFT_STIR_R_OK; b < a; b++)
            ASSERT(strcmp(sift_stir_reason_name((enum sift_stir_reason)a),
                          sift_stir_reason_name((enum sift_stir_reason)b)) !=
                   0);
    }
    ASSERT_EQ(sift_stir_sip_code(SIFT_STIR_R_OK), 0);
    ASSERT_EQ(sift_stir_sip_code((enum sift_stir_reason)999), 0);
    /* Truncation keeps the NUL and reports the full length. */
    r.reason = SIFT_STIR_R_STALE;
    ASSERT_EQ(sift_stir_reason_header(&r, small, sizeof(small)),
              strlen(cases[4].header));
    ASSERT_STR_EQ(small, "Reason: S");
    r.status = SIFT_STIR_PASS;
    r.reason = SIFT_STIR_R_OK;
    ASSERT_EQ(sift_stir_reason_header(&r, buf, sizeof(buf)), 0);
    return 0;
}

TEST_IMPL(stir_signature_der_matches_openssl)
{
    unsigned char raw[64], ours[80], *theirs = NULL;
    size_t n;
    int tn;

    for (int round = 0; round < 200; round++) {
        ECDSA_SIG *sig = ECDSA_SIG_new();
        BIGNUM *r, *s;

        for (int i = 0; i < 64; i++)
            raw[i] = (unsigned char)(rand() & 0xff);
        /* Edge cases: leading zero bytes, high bits set, tiny values. */
        if (round % 4 == 1)
            memset(raw, 0, 3);
        if (round % 4 == 2) {
            raw[0] |= 0x80;
            raw[32] |= 0x80;
        }
        if (round == 3) {
            memset(raw, 0, 64);
            raw[31] = 1;
            raw[63] = 0x80;
        }
        r = BN_bin2bn(raw, 32, NULL);
        s = BN_bin2bn(raw + 32, 32, NULL);
        ASSERT(sig && r && s && ECDSA_SIG_set0(sig, r, s));
        tn = i2d_ECDSA_SIG(sig, &theirs);
        n = sift__stir_sig_to_der(raw, ours);
        ASSERT_EQ(n, tn);
        ASSERT(memcmp(ours, theirs, n) == 0);
        OPENSSL_free(theirs);
        theirs = NULL;
        ECDSA_SIG_free(sig);
    }
    return 0;
}

TEST_IMPL(stir_new_rejects_bad_options)
{
    struct fx fx;
    struct sift_stir_opts o;
    struct sift_stir *s = (struct sift_stir *)&o;
    struct sift_stir_result r;
    struct sift_err err;

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    sift_stir_opts_init(&o);
    ASSERT_EQ(sift_stir_new(&s, &o, &err), SIFT_EINVAL);
    ASSERT_NULL(s);
    ASSERT(strstr(err.msg, "trust anchors") != NULL);
    o.trust_anchors = "/nonexistent/ca.pem";
    ASSERT_EQ(sift_stir_new(&s, &o, &err), SIFT_EIO);
    o.trust_anchors = fx_path(&fx, "leaf.key");
    ASSERT_EQ(sift_stir_new(&s, &o, &err), SIFT_ECRYPTO);
    o.trust_anchors = fx.certs; /* an empty directory */
    ASSERT_EQ(sift_stir_new(&s, &o, &err), SIFT_ECRYPTO);
    o.trust_anchors = fx.dir; /* a directory of PEM certificates: ok */
    ASSERT_EQ(sift_stir_new(&s, &o, &err), SIFT_OK);
    sift_stir_free(s);
    o.trust_anchors = fx.ca;
    o.fetch = false;
    ASSERT_EQ(sift_stir_new(&s, &o, &err), SIFT_EINVAL); /* no cert_dir */
    o.fetch = true;
    o.max_age = 0;
    ASSERT_EQ(sift_stir_new(&s, &o, &err), SIFT_EINVAL);
    o.max_age = 60;
    ASSERT_EQ(sift_stir_new(&s, &o, &err), SIFT_OK);
    sift_stir_free(s);
    sift_stir_free(NULL);
    ASSERT_EQ(sift_stir_verify(NULL, "x", 1, NULL, NULL, NULL, 0, &r, NULL),
              SIFT_EINVAL);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_trust_anchor_directory)
{
    struct fx fx;
    struct sift_stir_opts o;
    struct sift_stir *s = NULL;
    struct sift_stir_result r;
    char id[4096], cmd[512];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    snprintf(cmd, sizeof(cmd), "mkdir '%s/anchors' && cp '%s' '%s/anchors/'",
             fx.dir, fx.ca, fx.dir);
    ASSERT_EQ(system(cmd), 0);
    fx_install(&fx, "leaf.pem", X5U);
    sift_stir_opts_init(&o);
    o.trust_anchors = fx_path(&fx, "anchors");
    o.cert_dir = fx.certs;
    o.fetch = false;
    ASSERT_EQ(sift_stir_new(&s, &o, NULL), SIFT_OK);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now, id, sizeof(id));
    verify(s, id, ORIG, DEST, now, &r);
    ASSERT_PASS(r);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

struct thr {
    struct sift_stir *s;
    const char *id;
    int64_t now;
    int passed;
};

static void *thr_main(void *arg)
{
    struct thr *t = arg;
    struct sift_stir_result r;

    for (int i = 0; i < 200; i++)
        if (sift_stir_verify(t->s, t->id, strlen(t->id), ORIG, DEST, "US",
                             t->now, &r, NULL) == SIFT_OK &&
            r.status == SIFT_STIR_PASS)
            t->passed++;
    return NULL;
}

TEST_IMPL(stir_verify_is_thread_safe)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_stats st;
    struct thr t[4];
    pthread_t th[4];
    char id[4096];
    int64_t now = (int64_t)time(NULL);

    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL); /* not before the certificates */
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now, id, sizeof(id));
    for (int i = 0; i < 4; i++) {
        t[i] = (struct thr){s, id, now, 0};
        ASSERT_EQ(pthread_create(&th[i], NULL, thr_main, &t[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        ASSERT_EQ(pthread_join(th[i], NULL), 0);
        ASSERT_EQ(t[i].passed, 200);
    }
    sift_stir_stats(s, &st);
    ASSERT_EQ(st.verifies, 800);
    ASSERT(st.dir_loads >= 1 && st.dir_loads <= 4);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

TEST_IMPL(stir_secsipidx_token_passes)
{
    struct fx fx;
    struct sift_stir *s;
    struct sift_stir_result r;
    char cmd[1024], id[4096], bad[8192];
    int64_t now;
    FILE *f;
    size_t n;

    if (system("command -v secsipidx >/dev/null 2>&1") != 0)
        RETURN_SKIP("secsipidx not installed (Debian package secsipidx)");
    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    fx_install(&fx, "leaf.pem", X5U);
    s = offline(&fx);
    /* secsipidx copies TNs verbatim: give them without '+' (RECIPE.md). */
    snprintf(cmd, sizeof(cmd),
             "secsipidx -sign-full -orig-tn %s -dest-tn %s -attest B -x5u %s "
             "-k '%s/leaf.key' > '%s/identity.txt'",
             ORIG, DEST, X5U, fx.dir, fx.dir);
    now = (int64_t)time(NULL);
    ASSERT_EQ(system(cmd), 0);
    f = fopen(fx_path(&fx, "identity.txt"), "r");
    ASSERT_NOT_NULL(f);
    n = fread(id, 1, sizeof(id) - 1, f);
    fclose(f);
    id[n] = '\0';
    while (n > 0 && (id[n - 1] == '\n' || id[n - 1] == '\r'))
        id[--n] = '\0';
    verify(s, id, "+1 877 643 0291", "+81 3 1234 5678", now, &r);
    ASSERT_PASS(r);
    ASSERT_EQ(r.attest, SIFT_STIR_ATTEST_B);
    ASSERT(r.origid[0] != '\0');
    /* Tampered the way RECIPE.md §5 does it: orig.tn changed. */
    {
        char p[512];

        payload_json(p, sizeof(p), "B", "14155550123", DEST, r.iat);
        swap_payload(id, p, bad, sizeof(bad));
    }
    verify(s, bad, "14155550123", DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_SIGNATURE, 438);
    verify(s, id, "14155550123", DEST, now, &r);
    ASSERT_FAILED(r, SIFT_STIR_R_ORIG_MISMATCH, 438);
    sift_stir_free(s);
    fx_done(&fx);
    return 0;
}

/* An allocator that fails the Nth allocation and counts live blocks. It
 * is installed before the test allocates anything, so no block crosses
 * allocators. */
static long oom_countdown = -1, oom_live;

static void *oom_malloc(size_t n)
{
    if (oom_countdown == 0)
        return NULL;
    if (oom_countdown > 0)
        oom_countdown--;
    oom_live++;
    return malloc(n);
}

static void *oom_realloc(void *p, size_t n)
{
    if (p == NULL)
        return oom_malloc(n);
    if (oom_countdown == 0)
        return NULL;
    if (oom_countdown > 0)
        oom_countdown--;
    return realloc(p, n);
}

static void oom_free(void *p)
{
    if (p != NULL)
        oom_live--;
    free(p);
}

TEST_IMPL(stir_out_of_memory_is_enomem_without_leaks)
{
    struct fx fx;
    struct sift_stir_opts o;
    char id[4096];
    int64_t now;
    long n;

    ASSERT_EQ(sift_set_allocator(oom_malloc, oom_realloc, oom_free), SIFT_OK);
    if (!fx_setup(&fx))
        RETURN_SKIP("openssl command not installed");
    now = (int64_t)time(NULL);
    fx_install(&fx, "leaf.pem", X5U);
    make_identity(fx.key, X5U, "A", ORIG, DEST, now, id, sizeof(id));
    sift_stir_opts_init(&o);
    o.trust_anchors = fx.ca;
    o.cert_dir = fx.certs;
    o.fetch = false;
    o.allowed_hosts = (const char *const[]){"certs.example.net", NULL};
    for (n = 0;; n++) {
        struct sift_stir *s = NULL;
        struct sift_stir_result r;
        struct sift_err err;
        enum sift_rc rc;

        oom_countdown = n;
        rc = sift_stir_new(&s, &o, &err);
        if (rc == SIFT_OK) {
            rc = sift_stir_verify(s, id, strlen(id), ORIG, DEST, "US", now, &r,
                                  &err);
            if (rc == SIFT_OK)
                ASSERT_PASS(r); /* never a wrong verdict */
        }
        ASSERT(rc == SIFT_OK || rc == SIFT_ENOMEM);
        if (rc == SIFT_ENOMEM)
            ASSERT(err.msg[0] != '\0');
        sift_stir_free(s);
        oom_countdown = -1;
        ASSERT_EQ(oom_live, 0);
        if (rc == SIFT_OK)
            break;
    }
    ASSERT(n > 3); /* the loop did inject failures */
    fprintf(stderr, "# %ld allocation failures injected\n", n);
    fx_done(&fx);
    return 0;
}
