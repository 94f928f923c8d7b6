/*
 * bench-check.c - the verdict engine's speed (issue 3 §9): in-process
 * checks per second on one core over a mix of events whose texts are about
 * 150 characters in Japanese and English, with p50 and p99 latency;
 * normalise-and-scan throughput on long texts; engine load time with a
 * cold and a warm rules cache.
 *
 *   bench-check REPO_ROOT [N_CHECKS]
 *
 * Events come from tests/data/cases.jsonl (scams and ordinary life, calls
 * and SMS), each text cut or extended to about 150 characters. The checks
 * run in eight passes; the rate printed first is the best pass's, then
 * the median pass's and that of all checks together (a shared machine's
 * slow spells land on some passes only); latencies are over all checks.
 *
 * Then where a check's time goes: the stages the engine runs, each timed
 * alone over the same events through the public API (the best of five
 * passes, so the figures are what each stage costs when nothing else
 * disturbs the caches; they add up to less than a check).
 * Built with -DSIFT_STAGE_TIMING against the library built the same way
 * (bench-check-stages), it runs the same checks and prints instead where
 * their time went inside the check (util/stages.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "callsift.h"
#include "callsift/orgs.h"
#include "callsift/text.h"
#include "util/stages.h"

#define MAX_EVENTS 512
#define PASSES     8

struct ev {
    struct sift_event_json ej;
    char *text;
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Cut s to at most max bytes on a UTF-8 boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

/* Count code points. */
static size_t n_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

/* Best of five passes of fn over the events: ns per event. */
#define STAGE(label, body)                                                     \
    do {                                                                       \
        double best = 1e30;                                                    \
        for (int pass = 0; pass < 5; pass++) {                                 \
            double t0 = now_ns();                                              \
            for (int r = 0; r < reps; r++)                                     \
                for (size_t i = 0; i < n_ev; i++) {                            \
                    body;                                                      \
                }                                                              \
            double d = (now_ns() - t0) / ((double)reps * (double)n_ev);        \
            if (d < best)                                                      \
                best = d;                                                      \
        }                                                                      \
        printf("check: stage %-34s %7.0f ns\n", label, best);                  \
    } while (0)

static void stages(const char *root, struct ev *evs, size_t n_ev)
{
    char ja[2048], en[2048], orgs_dir[2048];
    const char *paths[] = {ja, en};
    struct sift_text_rules *rules = NULL;
    struct sift_text_scratch *sc = NULL;
    struct sift_orgs *orgs = NULL;
    struct sift_text_url_lists *lists = NULL;
    struct sift_text_norm *norm = calloc(n_ev, sizeof(*norm));
    struct lit_hits {
        size_t n;
        uint32_t id[SIFT_TEXT_MAX_LIT_HITS], end[SIFT_TEXT_MAX_LIT_HITS];
    } *lit_hits = calloc(n_ev, sizeof(*lit_hits));
    struct sift_text_literal *lits = NULL;
    size_t n_lits = 0;
    struct sift_text_norm tmp;
    struct sift_text_hits hits;
    struct sift_text_url urls[8];
    struct sift_org_match m[8];
    struct sift_number num;
    struct sift_err err;
    size_t n_urls, off, ulen, sink = 0;
    int reps = 400;

    snprintf(ja, sizeof(ja), "%s/data/rules/ja.rules", root);
    snprintf(en, sizeof(en), "%s/data/rules/en.rules", root);
    snprintf(orgs_dir, sizeof(orgs_dir), "%s/data/orgs", root);
    /* The rules as the engine loads them: the organisations' aliases in
     * the same database. */
    if (norm == NULL || lit_hits == NULL ||
        sift_orgs_load(&orgs, orgs_dir, &err) != SIFT_OK ||
        (n_lits = sift_orgs_literals(orgs, NULL, 0)) == 0 ||
        (lits = calloc(n_lits, sizeof(*lits))) == NULL) {
        fprintf(stderr, "bench-check: stages: cannot load the data\n");
        goto out;
    }
    sift_orgs_literals(orgs, lits, n_lits);
    if (sift_text_rules_load_with(&rules, paths, 2, lits, n_lits, "", &err) !=
            SIFT_OK ||
        sift_text_scratch_new(rules, &sc) != SIFT_OK ||
        sift_text_url_lists_new(&lists, NULL, &err) != SIFT_OK) {
        fprintf(stderr, "bench-check: stages: cannot load the data\n");
        goto out;
    }
    sift_text_norm_init(&tmp, 0);
    for (size_t i = 0; i < n_ev; i++) {
        sift_text_norm_init(&norm[i], 0);
        sift_text_normalize(evs[i].ej.ev.text, evs[i].ej.ev.text_len, &norm[i],
                            NULL);
        sift_text_scan_flags(rules, sc, norm[i].text, norm[i].len,
                             SIFT_TEXT_SCAN_NO_REPETITION, &hits);
        lit_hits[i].n = hits.n_lits;
        memcpy(lit_hits[i].id, hits.lit_id, sizeof(hits.lit_id));
        memcpy(lit_hits[i].end, hits.lit_end, sizeof(hits.lit_end));
    }
    STAGE("normalise", sift_text_normalize(evs[i].ej.ev.text,
                                           evs[i].ej.ev.text_len, &tmp, NULL));
    STAGE("rules and aliases (vectorscan, when, hits)",
          sift_text_scan_flags(rules, sc, norm[i].text, norm[i].len,
                               SIFT_TEXT_SCAN_NO_REPETITION, &hits));
    STAGE("repetition (calls only)",
          if (evs[i].ej.ev.kind == SIFT_EVENT_CALL) sink +=
          sift_text_repetition(norm[i].text, norm[i].len, &off, &ulen));
    STAGE("organisations named (from the scan)",
          sink +=
          sift_orgs_found(orgs, norm[i].text, norm[i].len, lit_hits[i].id,
                          lit_hits[i].end, lit_hits[i].n, m, 8));
    STAGE("links", sink += sift_text_urls(lists, norm[i].text, norm[i].len,
                                          urls, 8, &n_urls));
    STAGE("caller and callee numbers",
          sift_number_parse(&num, evs[i].ej.ev.from, strlen(evs[i].ej.ev.from),
                            "JP", NULL);
          if (evs[i].ej.ev.to) sift_number_parse(
              &num, evs[i].ej.ev.to, strlen(evs[i].ej.ev.to), "JP", NULL));
    for (size_t i = 0; i < n_ev; i++)
        sift_text_norm_release(&norm[i]);
    sift_text_norm_release(&tmp);
    if (sink == 42)
        printf("\n"); /* keep the results alive */
out:
    free(norm);
    free(lit_hits);
    free(lits);
    sift_text_url_lists_free(lists);
    sift_orgs_free(orgs);
    sift_text_scratch_free(sc);
    sift_text_rules_free(rules);
}

static struct sift_engine *load(const char *root, const char *cache, double *ms)
{
    struct sift_engine_opts o = {0};
    struct sift_engine *eng = NULL;
    struct sift_err err = {0};
    char dir[2048];
    double t0;

    snprintf(dir, sizeof(dir), "%s/data", root);
    o.data_dir = dir;
    o.cache_dir = cache;
    t0 = now_ns();
    if (sift_engine_new(&eng, &o, &err) != SIFT_OK) {
        fprintf(stderr, "bench-check: %s: %s\n", err.where, err.msg);
        exit(1);
    }
    *ms = (now_ns() - t0) / 1e6;
    return eng;
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : ".";
    long n_checks = argc > 2 ? strtol(argv[2], NULL, 10) : 400000;
    static struct ev evs[MAX_EVENTS];
    size_t n_ev = 0, total_chars = 0;
    struct sift_engine *eng;
    struct sift_verdict *v = malloc(sizeof(*v));
    double *lat, t0, elapsed, cold_ms, warm_ms, nocache_ms, pass_rate[PASSES];
    char path[2100], cache[256], *line = NULL;
    size_t cap = 0;
    FILE *f;
    long flagged = 0;

    if (v == NULL || n_checks < PASSES)
        return 2;
    /* Load time: no cache, cold cache (compile + write), warm cache. */
    snprintf(cache, sizeof(cache), "/tmp/callsift-bench-cache-%d",
             (int)getpid());
    eng = load(root, "", &nocache_ms);
    sift_engine_free(eng);
    eng = load(root, cache, &cold_ms);
    sift_engine_free(eng);
    eng = load(root, cache, &warm_ms);

    snprintf(path, sizeof(path), "%s/tests/data/cases.jsonl", root);
    f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "bench-check: %s missing\n", path);
        return 1;
    }
    /* Texts of about 150 characters: short ones are followed by the
     * next case's text, long ones cut. */
    {
        char *texts[MAX_EVENTS];
        size_t n_texts = 0;
        struct sift_event_json tmp[MAX_EVENTS];
        while (getline(&line, &cap, f) > 0 && n_texts < MAX_EVENTS) {
            struct sift_err err;
            if (line[0] != '{')
                continue;
            if (sift_event_from_json(&tmp[n_texts], line, strlen(line), &err) !=
                    SIFT_OK ||
                tmp[n_texts].ev.text == NULL) {
                sift_event_json_release(&tmp[n_texts]);
                continue;
            }
            texts[n_texts] = strdup(tmp[n_texts].ev.text);
            n_texts++;
        }
        for (size_t i = 0; i < n_texts; i++) {
            char buf[2048];
            size_t len = 0, k = i;
            buf[0] = '\0';
            while (n_chars(buf, len) < 150 && len < 1500) {
                size_t tl = strlen(texts[k % n_texts]);
                if (len + tl + 2 >= sizeof(buf))
                    break;
                if (len)
                    buf[len++] = ' ';
                memcpy(buf + len, texts[k % n_texts], tl);
                len += tl;
                k++;
            }
            /* about 150 characters: cut by bytes, close to 150 chars */
            while (n_chars(buf, len) > 155)
                len = utf8_cut(buf, len, len - 1);
            buf[len] = '\0';
            evs[n_ev].ej = tmp[i];
            evs[n_ev].text = strdup(buf);
            evs[n_ev].ej.ev.text = evs[n_ev].text;
            evs[n_ev].ej.ev.text_len = len;
            total_chars += n_chars(buf, len);
            n_ev++;
        }
        for (size_t i = 0; i < n_texts; i++)
            free(texts[i]);
    }
    fclose(f);
    free(line);

    /* Warm up, then time every check. */
    for (size_t i = 0; i < n_ev; i++)
        sift_engine_check(eng, &evs[i].ej.ev, v, NULL);
    lat = malloc((size_t)n_checks * sizeof(*lat));
    if (lat == NULL)
        return 2;
#ifdef SIFT_STAGE_TIMING
    memset(sift__stage_ticks, 0, sizeof(sift__stage_ticks));
    uint64_t ticks0 = sift__ticks();
#endif
    /* PASSES passes of n_checks / PASSES checks: the rate of each, and
     * the best and the median of them (a slow spell of the host's, often
     * seconds long here, then costs one pass, not the whole figure). */
    t0 = now_ns();
    for (int p = 0; p < PASSES; p++) {
        long from = n_checks * p / PASSES, to = n_checks * (p + 1) / PASSES;
        double tp = now_ns();
        for (long i = from; i < to; i++) {
            double a = now_ns();
            sift_engine_check(eng, &evs[(size_t)i % n_ev].ej.ev, v, NULL);
            lat[i] = now_ns() - a;
            flagged += v->action >= SIFT_ACTION_WARN;
        }
        pass_rate[p] = (double)(to - from) / ((now_ns() - tp) / 1e9);
    }
    elapsed = now_ns() - t0;
#ifdef SIFT_STAGE_TIMING
    {
        /* Ticks to nanoseconds by this run's own wall clock. */
        double ns_per_tick = elapsed / (double)(sift__ticks() - ticks0);
        double sum = 0;

        printf("check: inside the check, %ld checks (%.0f checks/s with the "
               "timers; ns a check, all events):\n",
               n_checks, n_checks / (elapsed / 1e9));
        for (int k = 0; k < SIFT__STAGE_COUNT; k++) {
            double ns =
                (double)sift__stage_ticks[k] * ns_per_tick / (double)n_checks;
            sum += ns;
            printf("check: inside %-48s %6.0f ns\n", sift__stage_names[k], ns);
        }
        printf("check: inside, the stages together %.0f ns of %.0f ns a check "
               "(the rest: the bench's loop and clock)\n",
               sum, elapsed / (double)n_checks);
        return 0;
    }
#endif
    qsort(pass_rate, PASSES, sizeof(pass_rate[0]), cmp_double);
    qsort(lat, (size_t)n_checks, sizeof(*lat), cmp_double);

    /* Long texts: 60 KiB of the same mix, normalised and scanned. */
    {
        size_t big_len = 0, cap_big = 61440;
        char *big = malloc(cap_big + 2048);
        struct sift_event ev = {0};
        double t1, mbps;
        int reps = 50;
        for (size_t i = 0; big_len < cap_big; i++) {
            size_t tl = strlen(evs[i % n_ev].text);
            memcpy(big + big_len, evs[i % n_ev].text, tl);
            big_len += tl;
            big[big_len++] = '\n';
        }
        ev.from = "090-1234-5678";
        ev.text = big;
        ev.text_len = big_len;
        sift_engine_check(eng, &ev, v, NULL);
        t1 = now_ns();
        for (int r = 0; r < reps; r++)
            sift_engine_check(eng, &ev, v, NULL);
        mbps = (double)big_len * reps / ((now_ns() - t1) / 1e9) / 1e6;
        printf("check: %zu events (avg %.0f characters), %ld checks, %ld "
               "at warn or block\n",
               n_ev, (double)total_chars / (double)n_ev, n_checks, flagged);
        printf("check: %.0f checks/s on one core, best of %d passes "
               "(median %.0f, all %ld checks %.0f; target >= 200000: %s)\n",
               pass_rate[PASSES - 1], PASSES, pass_rate[PASSES / 2], n_checks,
               n_checks / (elapsed / 1e9),
               pass_rate[PASSES - 1] >= 200000 ? "met" : "NOT MET");
        printf("check: latency p50 %.1f us, p99 %.1f us, max %.1f us "
               "(target p99 <= 20 us: %s)\n",
               lat[n_checks / 2] / 1e3, lat[n_checks * 99 / 100] / 1e3,
               lat[n_checks - 1] / 1e3,
               lat[n_checks * 99 / 100] <= 20000 ? "met" : "NOT MET");
        printf("check: long texts (%zu KiB) normalised and scanned at %.1f "
               "MB/s\n",
               big_len / 1024, mbps);
        free(big);
    }
    printf("check: engine load %.1f ms with a warm rules cache (target <= "
           "200 ms: %s); %.1f ms compiling and writing the cache; %.1f ms "
           "without a cache\n",
           warm_ms, warm_ms <= 200 ? "met" : "NOT MET", cold_ms, nocache_ms);
    stages(root, evs, n_ev);
    for (size_t i = 0; i < n_ev; i++) {
        sift_event_json_release(&evs[i].ej);
        free(evs[i].text);
    }
    {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
        if (system(cmd) != 0)
            fprintf(stderr, "bench-check: could not remove %s\n", cache);
    }
    free(lat);
    free(v);
    sift_engine_free(eng);
    return 0;
}
