/*
 * peer-secsipid - libsecsipid (the library behind secsipidx and
 * Kamailio's secsipid module) verifying the same Identity header in a
 * loop, in process: the fair per-verification figure for the peer.
 *
 *   peer-secsipid [-n COUNT] [-r RUNS] DIR
 *
 * Reads DIR/identity.txt (written by bench-stir) and checks it COUNT
 * times with SecSIPIDCheckFullPubKey(), given the certificate PEM held in
 * memory (its equivalent of a cached certificate), with -expire 3600.
 * Chain verification against DIR/ca.pem is switched on with
 * SecSIPIDOptSetN("CertVerify", 5) and the CA file option when the
 * library accepts them; the line printed says whether it did.
 * libsecsipid is a Go c-shared library: the first call starts the Go
 * runtime, so one untimed call comes first.
 */
#include <libsecsipid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = calloc(1, 65536);
    n = buf ? fread(buf, 1, 65535, f) : 0;
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    long count = 20000, runs = 3;
    char path[4096];
    char *id, *cert;
    int opt, rc, chain = 0;
    double best = 1e300;

    while ((opt = getopt(argc, argv, "n:r:")) != -1) {
        if (opt == 'n')
            count = strtol(optarg, NULL, 10);
        else if (opt == 'r')
            runs = strtol(optarg, NULL, 10);
    }
    if (optind >= argc)
        return 1;
    snprintf(path, sizeof(path), "%s/identity.txt", argv[optind]);
    id = slurp(path);
    snprintf(path, sizeof(path), "%s/leaf.pem", argv[optind]);
    cert = slurp(path);
    if (id == NULL || cert == NULL)
        return 1;
    snprintf(path, sizeof(path), "%s/ca.pem", argv[optind]);
    if (SecSIPIDOptSetN("CertVerify", 5) == 0 &&
        SecSIPIDOptSetS("CertCAFile", path) == 0)
        chain = 1;
    rc = SecSIPIDCheckFullPubKey(id, 0, 3600, cert, 0);
    if (rc != 0 && chain) {
        /* The option names differ in this version: verify without. */
        SecSIPIDOptSetN("CertVerify", 0);
        chain = 0;
        rc = SecSIPIDCheckFullPubKey(id, 0, 3600, cert, 0);
    }
    if (rc != 0) {
        fprintf(stderr, "peer-secsipid: check failed: %d\n", rc);
        return 1;
    }
    for (long r = 0; r < runs; r++) {
        double t0 = now_ns(), dt;

        for (long i = 0; i < count; i++)
            if (SecSIPIDCheckFullPubKey(id, 0, 3600, cert, 0) != 0)
                return 1;
        dt = (now_ns() - t0) / (double)count;
        if (dt < best)
            best = dt;
    }
    printf("bench/stir: libsecsipid in-process, %ld x %ld, chain check %s\n",
           count, runs, chain ? "on (CertVerify 5, CA file)" : "off");
    printf("secsipid_ns_per_verify %.0f\n", best);
    free(id);
    free(cert);
    return 0;
}
