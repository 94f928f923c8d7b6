/*
 * bench-stir - in-process STIR/SHAKEN verification with a cached
 * certificate (issue 6 section 5: target <= 100 us per verification).
 *
 *   bench-stir [-n COUNT] [-r RUNS] DIR
 *
 * DIR holds ca.pem (the STI-CA root), leaf.pem and leaf.key (the SHAKEN
 * certificate and its key), made by run.sh with openssl. bench-stir signs
 * one PASSporT with leaf.key, writes its Identity header value to
 * DIR/identity.txt (so the peer verifies the very same token), installs
 * leaf.pem in DIR/certs under the SHA-256 name of its x5u, warms the
 * cache with one verification and then times COUNT sift_stir_verify()
 * calls, RUNS times; the best run counts. Each call does the whole work
 * of a call: header split, base64url, two jansson parses, claim checks,
 * From/To parsing with sift_number_parse(), the cache look-up, the chain
 * check (answered from the cached validity window) and one P-256 ECDSA
 * verification. It also times that ECDSA verification alone (the floor).
 *
 * Prints "callsift_ns_per_verify N" and "ecdsa_ns_per_verify N" lines
 * that run.sh reads. Benchmarks are not tests: exit 1 only when the
 * harness itself fails (including a verification that does not pass).
 */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "callsift/stir.h"
#include "stir/stir_int.h"

#define X5U "https://certs.example.net/sti/leaf.pem"

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int die(const char *what)
{
    fprintf(stderr, "bench-stir: %s\n", what);
    exit(1);
}

int main(int argc, char **argv)
{
    long count = 20000, runs = 3;
    const char *dir;
    char path[4096], input[2048], id[4096], cmd[8192], hdr[256], pl[512];
    unsigned char der[80], raw[64], md[32];
    size_t der_len = sizeof(der), n;
    const unsigned char *dp;
    EVP_PKEY *key;
    EVP_MD_CTX *mctx;
    ECDSA_SIG *sig;
    FILE *f;
    int opt;
    int64_t now = (int64_t)time(NULL);
    struct sift_stir_opts o;
    struct sift_stir *stir;
    struct sift_stir_result res;
    struct sift_err err;
    double best = 1e300, best_ecdsa = 1e300;

    while ((opt = getopt(argc, argv, "n:r:")) != -1) {
        if (opt == 'n')
            count = strtol(optarg, NULL, 10);
        else if (opt == 'r')
            runs = strtol(optarg, NULL, 10);
        else
            return die("usage: bench-stir [-n COUNT] [-r RUNS] DIR");
    }
    if (optind >= argc || count <= 0 || runs <= 0)
        return die("usage: bench-stir [-n COUNT] [-r RUNS] DIR");
    dir = argv[optind];

    /* Sign one PASSporT (RFC 8225 full form, RFC 8588 claims). */
    snprintf(path, sizeof(path), "%s/leaf.key", dir);
    if ((f = fopen(path, "r")) == NULL)
        return die("cannot open leaf.key (run bench/stir/run.sh)");
    key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (key == NULL)
        return die("cannot read leaf.key");
    snprintf(hdr, sizeof(hdr),
             "{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
             "\"x5u\":\"%s\"}",
             X5U);
    snprintf(pl, sizeof(pl),
             "{\"attest\":\"A\",\"dest\":{\"tn\":[\"81312345678\"]},"
             "\"iat\":%lld,\"orig\":{\"tn\":\"18776430291\"},"
             "\"origid\":\"123e4567-e89b-12d3-a456-426614174000\"}",
             (long long)now);
    n = sift__stir_b64url_encode((const unsigned char *)hdr, strlen(hdr),
                                 input);
    input[n++] = '.';
    n += sift__stir_b64url_encode((const unsigned char *)pl, strlen(pl),
                                  input + n);
    mctx = EVP_MD_CTX_new();
    if (EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(mctx, der, &der_len, (unsigned char *)input, n) != 1)
        return die("signing failed");
    EVP_MD_CTX_free(mctx);
    dp = der;
    sig = d2i_ECDSA_SIG(NULL, &dp, (long)der_len);
    if (sig == NULL || BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32) != 32 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32) != 32)
        return die("bad signature");
    ECDSA_SIG_free(sig);
    memcpy(id, input, n);
    id[n] = '.';
    sift__stir_b64url_encode(raw, 64, id + n + 1);
    n = strlen(id);
    snprintf(id + n, sizeof(id) - n, ";info=<%s>;alg=ES256;ppt=shaken", X5U);
    snprintf(path, sizeof(path), "%s/identity.txt", dir);
    if ((f = fopen(path, "w")) == NULL)
        return die("cannot write identity.txt");
    fprintf(f, "%s\n", id);
    fclose(f);

    /* The certificate, offline, under the SHA-256 name of the x5u. */
    EVP_Digest(X5U, strlen(X5U), md, NULL, EVP_sha256(), NULL);
    n = (size_t)snprintf(cmd, sizeof(cmd),
                         "mkdir -p '%s/certs' && cp '%s/leaf.pem' '%s/certs/",
                         dir, dir, dir);
    for (int i = 0; i < 32; i++)
        n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "%02x", md[i]);
    snprintf(cmd + n, sizeof(cmd) - n, ".pem'");
    if (system(cmd) != 0)
        return die("cannot install the certificate");

    sift_stir_opts_init(&o);
    snprintf(path, sizeof(path), "%s/ca.pem", dir);
    o.trust_anchors = path;
    snprintf(cmd, sizeof(cmd), "%s/certs", dir);
    o.cert_dir = cmd;
    o.fetch = false;
    o.max_age = 3600; /* as the peer's -expire */
    if (sift_stir_new(&stir, &o, &err) != SIFT_OK)
        return die(err.msg);
    if (sift_stir_verify(stir, id, strlen(id), "+1 877 643 0291",
                         "+81 3-1234-5678", "US", now, &res, &err) != SIFT_OK ||
        res.status != SIFT_STIR_PASS) {
        fprintf(stderr, "bench-stir: warm-up did not pass: %s %s\n",
                sift_stir_reason_name(res.reason), res.detail);
        return 1;
    }
    for (long r = 0; r < runs; r++) {
        double t0 = now_ns(), dt;

        for (long i = 0; i < count; i++)
            if (sift_stir_verify(stir, id, strlen(id), "+1 877 643 0291",
                                 "+81 3-1234-5678", "US", now, &res,
                                 NULL) != SIFT_OK ||
                res.status != SIFT_STIR_PASS)
                return die("a timed verification did not pass");
        dt = (now_ns() - t0) / (double)count;
        if (dt < best)
            best = dt;
    }

    /* The floor: one EVP_DigestVerify of the same signature. */
    mctx = EVP_MD_CTX_new();
    for (long r = 0; r < runs; r++) {
        double t0 = now_ns(), dt;
        size_t in_len = strlen(input);

        for (long i = 0; i < count; i++) {
            if (EVP_DigestVerifyInit(mctx, NULL, EVP_sha256(), NULL, key) !=
                    1 ||
                EVP_DigestVerify(mctx, der, der_len, (unsigned char *)input,
                                 in_len) != 1)
                return die("raw verify failed");
        }
        dt = (now_ns() - t0) / (double)count;
        if (dt < best_ecdsa)
            best_ecdsa = dt;
    }
    EVP_MD_CTX_free(mctx);
    {
        struct sift_stir_stats st;

        sift_stir_stats(stir, &st);
        printf("bench/stir: callsift %ld verifications x %ld runs, cache "
               "hits %llu, certificate loads %llu\n",
               count, runs, (unsigned long long)st.cache_hits,
               (unsigned long long)st.dir_loads);
    }
    printf("callsift_ns_per_verify %.0f\n", best);
    printf("ecdsa_ns_per_verify %.0f\n", best_ecdsa);
    sift_stir_free(stir);
    EVP_PKEY_free(key);
    return 0;
}
