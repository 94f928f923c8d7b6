/*
 * cmd_export.c - `callsift export`: a dated timeline of what the store
 * knows about one number or one campaign - reports, calls and messages
 * seen, and (for a campaign) when each number joined it - in a form to
 * hand to the police or a carrier.
 *
 *   callsift export --number N | --campaign ID [--format csv|json]
 *                   [--db PATH] [--region CC]
 *
 * Events are sorted by time (UTC, ISO 8601). Reporter identities never
 * leave the store: a report shows the first 8 hex digits of its salted
 * hash, enough to see that two reports came from one person. Documented
 * in docs/cli/export.md.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char usage_text[] =
    "usage: callsift export --number N | --campaign ID [--format csv|json]\n"
    "                       [--db PATH] [--region CC]\n"
    "\n"
    "Write a dated timeline of the reports and calls of one number, or of\n"
    "every number of one campaign, to stdout (CSV by default).\n"
    "\n"
    "exit: 0 written, 1 no such number or campaign in the store, 2 usage\n"
    "error, 3 the store failed.\n";

struct event {
    int64_t time;
    const char *kind; /* "report", "call", "sms", "joined_campaign" */
    char *number, *to, *what, *source, *comment, *reporter;
    int32_t duration;
    double score;
    bool has_score;
};

struct timeline {
    struct event *ev;
    size_t n, cap;
    bool oom;
};

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static struct event *push(struct timeline *tl)
{
    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 64;
        struct event *e = realloc(tl->ev, cap * sizeof(*e));
        if (e == NULL) {
            tl->oom = true;
            return NULL;
        }
        tl->ev = e;
        tl->cap = cap;
    }
    memset(&tl->ev[tl->n], 0, sizeof(tl->ev[0]));
    return &tl->ev[tl->n++];
}

static int add_report(void *ctx, const struct sift_report *r)
{
    struct event *e = push(ctx);
    char hex[9];

    if (e == NULL)
        return SIFT_ENOMEM;
    for (int i = 0; i < 4; i++)
        snprintf(hex + 2 * i, 3, "%02x", r->reporter[i]);
    e->time = r->time;
    e->kind = "report";
    e->number = dup(r->key);
    e->what = dup(sift_category_name(r->category));
    e->source = dup(r->source);
    e->comment = dup(r->comment);
    e->reporter = dup(hex);
    e->duration = -1;
    return 0;
}

static int add_call(void *ctx, const struct sift_call *c)
{
    struct event *e = push(ctx);

    if (e == NULL)
        return SIFT_ENOMEM;
    e->time = c->time;
    e->kind = c->sms ? "sms" : "call";
    e->number = dup(c->from);
    e->to = dup(c->to);
    e->what = dup(sift_action_name((enum sift_action)c->action));
    e->duration = c->duration;
    e->score = c->score;
    e->has_score = true;
    return 0;
}

struct campaign_find {
    int64_t id;
    bool found;
    struct sift_campaign c;
    char *sample;
};

static int find_campaign(void *ctx, const struct sift_campaign *c)
{
    struct campaign_find *f = ctx;

    f->found = true;
    f->c = *c;
    f->sample = dup(c->sample);
    return 0;
}

struct numbers {
    char **keys;
    size_t n;
    struct timeline *tl;
    int64_t campaign;
};

static int add_member(void *ctx, int64_t campaign, const char *key,
                      int64_t time)
{
    struct numbers *nb = ctx;
    char **k = realloc(nb->keys, (nb->n + 1) * sizeof(*k));
    struct event *e;
    char what[32];

    if (k == NULL)
        return SIFT_ENOMEM;
    nb->keys = k;
    nb->keys[nb->n++] = dup(key);
    e = push(nb->tl);
    if (e == NULL)
        return SIFT_ENOMEM;
    snprintf(what, sizeof(what), "campaign %lld", (long long)campaign);
    e->time = time;
    e->kind = "joined_campaign";
    e->number = dup(key);
    e->what = dup(what);
    e->duration = -1;
    return 0;
}

static int by_time(const void *a, const void *b)
{
    const struct event *x = a, *y = b;

    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return strcmp(x->kind, y->kind);
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void json_opt(const char *name, const char *s)
{
    printf(",\"%s\":", name);
    if (s)
        sift_cli_json_str(stdout, s);
    else
        printf("null");
}

static void print_timeline(struct timeline *tl, bool json,
                           const char *subject_kind, const char *subject,
                           const struct campaign_find *cf)
{
    char when[32];

    sift_cli_time((int64_t)time(NULL), when, sizeof(when));
    if (!json) {
        printf("time,event,number,to,what,source,duration,score,reporter,"
               "comment\n");
        for (size_t i = 0; i < tl->n; i++) {
            const struct event *e = &tl->ev[i];
            char t[32];
            sift_cli_time(e->time, t, sizeof(t));
            printf("%s,%s,", t, e->kind);
            csv_field(e->number);
            putchar(',');
            csv_field(e->to);
            putchar(',');
            csv_field(e->what);
            putchar(',');
            csv_field(e->source);
            putchar(',');
            if (e->duration >= 0)
                printf("%d", (int)e->duration);
            putchar(',');
            if (e->has_score)
                printf("%.1f", e->score);
            putchar(',');
            csv_field(e->reporter);
            putchar(',');
            csv_field(e->comment);
            putchar('\n');
        }
        return;
    }
    printf("{\"%s\":", subject_kind);
    if (cf != NULL)
        printf("%s", subject);
    else
        sift_cli_json_str(stdout, subject);
    if (cf != NULL) {
        json_opt("sample", cf->sample);
        printf(",\"numbers\":%lld,\"messages\":%lld",
               (long long)cf->c.n_numbers, (long long)cf->c.n_events);
    }
    printf(",\"generated\":\"%s\",\"events\":[", when);
    for (size_t i = 0; i < tl->n; i++) {
        const struct event *e = &tl->ev[i];
        char t[32];
        sift_cli_time(e->time, t, sizeof(t));
        printf("%s{\"time\":\"%s\",\"event\":\"%s\"", i ? "," : "", t, e->kind);
        json_opt("number", e->number);
        json_opt("to", e->to);
        json_opt("what", e->what);
        json_opt("source", e->source);
        if (e->duration >= 0)
            printf(",\"duration\":%d", (int)e->duration);
        if (e->has_score)
            printf(",\"score\":%.2f", e->score);
        json_opt("reporter", e->reporter);
        json_opt("comment", e->comment);
        printf("}");
    }
    printf("]}\n");
}

int sift_cli_export(int argc, char **argv)
{
    const char *number = NULL, *campaign = NULL, *format = "csv";
    const char *db = NULL, *region = sift_cli_default_region();
    struct sift_store *st = NULL;
    struct sift_err err = {0};
    struct timeline tl = {0};
    struct campaign_find cf = {0};
    struct numbers nb = {0};
    struct sift_number num;
    char key[SIFT_KEY_MAX];
    int status;

    {
        const struct sift_cli_opt opts[] = {
            {"--number", &number, NULL}, {"--campaign", &campaign, NULL},
            {"--format", &format, NULL}, {"--db", &db, NULL},
            {"--region", &region, NULL}, {NULL, NULL, NULL}};
        int rc =
            sift_cli_parse(argc, argv, "export", usage_text, opts, NULL, NULL);

        if (rc >= 0)
            return rc;
    }
    if ((number == NULL) == (campaign == NULL) ||
        (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)) {
        fputs(usage_text, stderr);
        return SIFT_EXIT_USAGE;
    }
    if (number != NULL && !sift_cli_key(number, region, &num, key)) {
        fprintf(stderr,
                "callsift export: '%s' is neither a phone number nor "
                "an SMS sender ID\n",
                number);
        return SIFT_EXIT_INPUT;
    }
    if (campaign != NULL) {
        char *end;
        cf.id = strtoll(campaign, &end, 10);
        if (*end != '\0' || cf.id <= 0) {
            fprintf(stderr, "callsift export: --campaign takes an id\n");
            return SIFT_EXIT_USAGE;
        }
    }
    status = sift_cli_store_open("export", db, &st);
    if (status != SIFT_EXIT_OK)
        return status;
    nb.tl = &tl;
    if (number != NULL) {
        nb.keys = malloc(sizeof(char *));
        if (nb.keys != NULL)
            nb.keys[nb.n++] = strdup(key);
    } else {
        if (sift_store_get_campaign(st, cf.id, find_campaign, &cf, &err) !=
            SIFT_OK)
            goto store_failed;
        if (!cf.found) {
            fprintf(stderr, "callsift export: no campaign %s\n", campaign);
            status = SIFT_EXIT_INPUT;
            goto out;
        }
        nb.campaign = cf.id;
        if (sift_store_each_campaign_number(st, cf.id, add_member, &nb, &err) !=
            SIFT_OK)
            goto store_failed;
    }
    for (size_t i = 0; i < nb.n; i++) {
        if (nb.keys[i] == NULL ||
            sift_store_each_report(st, nb.keys[i], 0, add_report, &tl, &err) !=
                SIFT_OK ||
            sift_store_each_call(st, 0, nb.keys[i], add_call, &tl, &err) !=
                SIFT_OK)
            goto store_failed;
    }
    if (tl.oom)
        goto store_failed;
    if (number != NULL && tl.n == 0) {
        fprintf(stderr, "callsift export: the store knows nothing of %s\n",
                key);
        status = SIFT_EXIT_INPUT;
        goto out;
    }
    qsort(tl.ev, tl.n, sizeof(tl.ev[0]), by_time);
    print_timeline(&tl, strcmp(format, "json") == 0,
                   number ? "number" : "campaign", number ? key : campaign,
                   number ? NULL : &cf);
    goto out;
store_failed:
    fprintf(stderr, "callsift export: %s\n",
            err.msg[0] ? err.msg : "out of memory");
    status = SIFT_EXIT_INTERNAL;
out:
    for (size_t i = 0; i < tl.n; i++) {
        free(tl.ev[i].number);
        free(tl.ev[i].to);
        free(tl.ev[i].what);
        free(tl.ev[i].source);
        free(tl.ev[i].comment);
        free(tl.ev[i].reporter);
    }
    free(tl.ev);
    for (size_t i = 0; i < nb.n; i++)
        free(nb.keys[i]);
    free(nb.keys);
    free(cf.sample);
    sift_store_close(st);
    return status;
}
