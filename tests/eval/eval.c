/*
 * eval.c - `make eval`: how well the rules and signals separate scams from
 * ordinary life, on data we wrote (tests/data/cases.jsonl) and on data no
 * one here wrote (../shared/data; skipped cleanly when absent).
 *
 *   build/eval [REPO_ROOT] [SHARED_DATA_DIR]
 *
 * Detection is a scam at warn or block; a false positive is a legitimate
 * event at warn or block (issue 3 §8). For the public SMS sets, each is
 * read in its own country (GB for the SMS Spam Collection, IN for Mishra &
 * Soni) with a mobile sender of that country, so only the words decide.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "callsift.h"

struct tally {
    int scam, caught, legit, fp;
};

static struct sift_engine *engine(const char *root, const char *region)
{
    struct sift_engine_opts o = {0};
    struct sift_engine *eng = NULL;
    struct sift_err err = {0};
    char dir[2048];

    snprintf(dir, sizeof(dir), "%s/data", root);
    o.data_dir = dir;
    o.home_region = region;
    if (sift_engine_new(&eng, &o, &err) != SIFT_OK) {
        fprintf(stderr, "eval: %s: %s\n", err.where, err.msg);
        exit(3);
    }
    return eng;
}

static void eval_cases(const char *root, struct sift_verdict *v)
{
    struct sift_engine *eng = engine(root, NULL);
    struct tally t[2][2] = {{{0}}}; /* [lang en/ja][kind call/sms] */
    struct tally all = {0};
    char path[2048], *line = NULL;
    size_t cap = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/tests/data/cases.jsonl", root);
    f = fopen(path, "r");
    if (f == NULL) {
        printf("cases: %s missing\n", path);
        sift_engine_free(eng);
        return;
    }
    while (getline(&line, &cap, f) > 0) {
        struct sift_event_json ej;
        struct sift_err err;
        struct tally *c;
        int ja, scam;
        if (line[0] != '{')
            continue;
        if (sift_event_from_json(&ej, line, strlen(line), &err) != SIFT_OK ||
            sift_engine_check(eng, &ej.ev, v, &err) != SIFT_OK) {
            fprintf(stderr, "eval: %s: %s\n", err.where, err.msg);
            sift_event_json_release(&ej);
            continue;
        }
        ja = strstr(ej.echo, "\"lang\":\"ja\"") != NULL;
        scam = strstr(ej.echo, "\"label\":\"scam\"") != NULL;
        c = &t[ja][ej.ev.kind == SIFT_EVENT_SMS];
        if (scam) {
            c->scam++;
            c->caught += v->action >= SIFT_ACTION_WARN;
            all.scam++;
            all.caught += v->action >= SIFT_ACTION_WARN;
        } else {
            c->legit++;
            c->fp += v->action >= SIFT_ACTION_WARN;
            all.legit++;
            all.fp += v->action >= SIFT_ACTION_WARN;
        }
        sift_event_json_release(&ej);
    }
    free(line);
    fclose(f);
    printf("tests/data/cases.jsonl (scam -> warn/block; legit -> warn/block)"
           "\n");
    printf("  %-10s %10s %18s %18s\n", "lang/kind", "events", "detection",
           "false positives");
    for (int l = 1; l >= 0; l--)
        for (int k = 0; k < 2; k++) {
            struct tally *c = &t[l][k];
            printf("  %-10s %10d %8d/%-3d %5.1f%% %8d/%-3d %5.1f%%\n",
                   l ? (k ? "ja/sms" : "ja/call") : (k ? "en/sms" : "en/call"),
                   c->scam + c->legit, c->caught, c->scam,
                   c->scam ? 100.0 * c->caught / c->scam : 0.0, c->fp, c->legit,
                   c->legit ? 100.0 * c->fp / c->legit : 0.0);
        }
    printf("  %-10s %10d %8d/%-3d %5.1f%% %8d/%-3d %5.1f%%\n", "all",
           all.scam + all.legit, all.caught, all.scam,
           all.scam ? 100.0 * all.caught / all.scam : 0.0, all.fp, all.legit,
           all.legit ? 100.0 * all.fp / all.legit : 0.0);
    printf("  targets: detection >= 95%% (%s), false positives <= 1%% (%s)\n",
           all.caught * 100 >= all.scam * 95 ? "met" : "MISSED",
           all.fp * 100 <= all.legit ? "met" : "MISSED");
    sift_engine_free(eng);
}

/* One CSV field (RFC 4180 quoting) starting at *p; advances past the
 * comma. Returns the field, unquoted in place. */
static char *csv_field(char **p)
{
    char *s = *p, *out, *w;

    if (*s == '"') {
        out = w = ++s;
        while (*s) {
            if (s[0] == '"' && s[1] == '"') {
                *w++ = '"';
                s += 2;
            } else if (s[0] == '"') {
                s++;
                break;
            } else {
                *w++ = *s++;
            }
        }
        *w = '\0';
        if (*s == ',')
            s++;
        *p = s;
        return out;
    }
    out = s;
    while (*s && *s != ',' && *s != '\n' && *s != '\r')
        s++;
    if (*s == ',')
        *s++ = '\0';
    else
        *s = '\0';
    *p = s;
    return out;
}

struct sms_tally {
    int n, label, warn;
};

static void check_sms(struct sift_engine *eng, const char *from,
                      const char *text, struct sms_tally *t,
                      struct sift_verdict *v)
{
    struct sift_event ev = {0};

    ev.kind = SIFT_EVENT_SMS;
    ev.from = from;
    ev.text = text;
    if (sift_engine_check(eng, &ev, v, NULL) != SIFT_OK)
        return;
    t->n++;
    t->label += v->action >= SIFT_ACTION_LABEL;
    t->warn += v->action >= SIFT_ACTION_WARN;
}

static void print_sms(const char *name, const struct sms_tally *t)
{
    printf("  %-10s %6d   label+ %5.1f%%   warn+ %5.1f%%   kept "
           "(allow/label) %6.2f%%\n",
           name, t->n, t->n ? 100.0 * t->label / t->n : 0.0,
           t->n ? 100.0 * t->warn / t->n : 0.0,
           t->n ? 100.0 * (t->n - t->warn) / t->n : 0.0);
}

static void eval_spam_collection(const char *root, const char *shared,
                                 struct sift_verdict *v)
{
    char path[2048], *line = NULL;
    size_t cap = 0;
    struct sms_tally ham = {0}, spam = {0};
    struct sift_engine *eng;
    FILE *f;

    snprintf(path, sizeof(path), "%s/sms-spam-collection/SMSSpamCollection",
             shared);
    f = fopen(path, "r");
    if (f == NULL) {
        printf("sms-spam-collection: skipped (%s absent)\n", path);
        return;
    }
    eng = engine(root, "GB");
    while (getline(&line, &cap, f) > 0) {
        char *tab = strchr(line, '\t');
        size_t len;
        if (tab == NULL)
            continue;
        *tab = '\0';
        len = strlen(tab + 1);
        while (len && (tab[len] == '\n' || tab[len] == '\r'))
            tab[len--] = '\0';
        check_sms(eng, "+447400123456", tab + 1,
                  strcmp(line, "ham") == 0 ? &ham : &spam, v);
    }
    free(line);
    fclose(f);
    printf("SMS Spam Collection (UCI; read as GB, sender a UK mobile)\n");
    print_sms("ham", &ham);
    print_sms("spam", &spam);
    printf("  target: ham kept >= 99.5%% (%s)\n",
           (ham.n - ham.warn) * 1000 >= ham.n * 995 ? "met" : "MISSED");
    sift_engine_free(eng);
}

static void eval_mishra(const char *root, const char *shared,
                        struct sift_verdict *v)
{
    char path[2048], *line = NULL;
    size_t cap = 0;
    struct sms_tally ham = {0}, smish = {0}, spam = {0};
    struct sift_engine *eng;
    FILE *f;
    int first = 1;

    snprintf(path, sizeof(path),
             "%s/mishra-soni-smishing-5971/Dataset_5971.csv", shared);
    f = fopen(path, "r");
    if (f == NULL) {
        printf("mishra-soni-smishing-5971: skipped (%s absent)\n", path);
        return;
    }
    eng = engine(root, "IN");
    while (getline(&line, &cap, f) > 0) {
        char *p = line, *label, *text;
        if (first) {
            first = 0;
            continue;
        }
        label = csv_field(&p);
        text = csv_field(&p);
        if (strcasecmp(label, "ham") == 0)
            check_sms(eng, "+919812345678", text, &ham, v);
        else if (strcasecmp(label, "smishing") == 0)
            check_sms(eng, "+919812345678", text, &smish, v);
        else
            check_sms(eng, "+919812345678", text, &spam, v);
    }
    free(line);
    fclose(f);
    printf("Mishra & Soni Dataset_5971 (read as IN, sender an Indian "
           "mobile)\n");
    print_sms("ham", &ham);
    print_sms("smishing", &smish);
    print_sms("spam", &spam);
    sift_engine_free(eng);
}

static bool url_flagged(const struct sift_verdict *v, bool *lookalike)
{
    static const char *const risky[] = {"URL_IP_HOST",
                                        "URL_SHORTENER",
                                        "URL_PUNYCODE",
                                        "URL_LOOKALIKE",
                                        "URL_RISKY_TLD",
                                        "URL_DYNAMIC_DNS",
                                        NULL};
    bool any = false;

    *lookalike = false;
    for (size_t i = 0; i < v->n_signals; i++)
        for (size_t k = 0; risky[k]; k++)
            if (strcmp(v->signals[i].name, risky[k]) == 0) {
                any = true;
                if (k == 3)
                    *lookalike = true;
            }
    return any;
}

/* jpcert-phishurl: each phishing URL alone in an SMS; and every official
 * domain of data/orgs as https://www.<domain>/ (the false alarms). */
static void eval_urls(const char *root, const char *shared,
                      struct sift_verdict *v)
{
    struct sift_engine *eng = engine(root, NULL);
    struct sift_orgs *orgs = NULL;
    int n = 0, flagged = 0, look = 0, off_n = 0, off_bad = 0;
    char dir[2048];

    for (int m = 0; m < 12; m++) {
        static const char *const months[] = {
            "202411", "202412", "202501", "202502", "202503", "202504",
            "202505", "202506", "202507", "202508", "202509", "202510"};
        char path[2300], *line = NULL;
        size_t cap = 0;
        FILE *f;
        snprintf(path, sizeof(path), "%s/jpcert-phishurl/%s.csv", shared,
                 months[m]);
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        while (getline(&line, &cap, f) > 0) {
            char *p = line, *url;
            struct sift_event ev = {0};
            bool la;
            csv_field(&p);
            url = csv_field(&p);
            if (strncmp(url, "http", 4) != 0)
                continue;
            ev.kind = SIFT_EVENT_SMS;
            ev.from = "Info";
            ev.text = url;
            if (sift_engine_check(eng, &ev, v, NULL) != SIFT_OK)
                continue;
            n++;
            flagged += url_flagged(v, &la);
            look += la;
        }
        free(line);
        fclose(f);
    }
    snprintf(dir, sizeof(dir), "%s/data/orgs", root);
    if (sift_orgs_load(&orgs, dir, NULL) == SIFT_OK) {
        for (size_t i = 0; i < sift_orgs_count(orgs); i++) {
            const struct sift_org *o = sift_orgs_get(orgs, i);
            for (size_t k = 0; k < o->n_domains; k++) {
                struct sift_event ev = {0};
                char text[512];
                bool la;
                snprintf(text, sizeof(text), "https://www.%s/", o->domains[k]);
                ev.kind = SIFT_EVENT_SMS;
                ev.from = "Info";
                ev.text = text;
                if (sift_engine_check(eng, &ev, v, NULL) != SIFT_OK)
                    continue;
                off_n++;
                if (url_flagged(v, &la)) {
                    off_bad++;
                    printf("  official URL flagged: %s\n", text);
                }
            }
        }
        sift_orgs_free(orgs);
    }
    if (n == 0)
        printf("jpcert-phishurl: skipped (no files under %s)\n", shared);
    else
        printf("jpcert-phishurl: %d phishing URLs, flagged by a URL signal "
               "%.1f%% (URL_LOOKALIKE %.1f%%)\n",
               n, 100.0 * flagged / n, 100.0 * look / n);
    printf("official domains of data/orgs: %d, wrongly flagged %d (%.1f%%)\n",
           off_n, off_bad, off_n ? 100.0 * off_bad / off_n : 0.0);
    sift_engine_free(eng);
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : ".";
    char shared[2048];
    struct sift_verdict *v = malloc(sizeof(*v));

    if (v == NULL)
        return 3;
    if (argc > 2)
        snprintf(shared, sizeof(shared), "%s", argv[2]);
    else
        snprintf(shared, sizeof(shared), "%s/../shared/data", root);
    eval_cases(root, v);
    printf("\n");
    eval_spam_collection(root, shared, v);
    printf("\n");
    eval_mishra(root, shared, v);
    printf("\n");
    eval_urls(root, shared, v);
    free(v);
    return 0;
}
