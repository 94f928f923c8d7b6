/*
 * cmd_lookup.c - `callsift lookup`: everything callsift knows about one
 * number or SMS sender - the number explained, its reputation facts,
 * recent reports, the list entries that match it, the campaigns it
 * belongs to, and the verdict a call from it would get (without text).
 *
 *   callsift lookup NUMBER [--json] [--lang ja|en] [--region CC]
 *                   [--db PATH] [--data DIR] [--config FILE]
 *
 * Read-only: it opens the store, builds the reputation index from it and
 * asks the engine, as `callsift check --db` does. Documented in
 * docs/cli/lookup.md.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define RECENT_REPORTS  10
#define VERDICT_JSON_MX (256 * 1024)

static const char usage_text[] =
    "usage: callsift lookup NUMBER [--json] [--lang ja|en] [--region CC]\n"
    "                       [--db PATH] [--data DIR] [--config FILE]\n"
    "\n"
    "Show what is known about a number or an SMS sender: what the number\n"
    "is, reports about it (distinct reporters, recency), the block and\n"
    "allow entries that match it, the campaigns it belongs to, and the\n"
    "verdict a call from it would get.\n"
    "\n"
    "exit: 0 shown, 1 not a number or sender ID, 2 usage error, 3 the store\n"
    "or the engine failed.\n";

struct ctx {
    bool json;
    const char *key;
    const struct sift_number *num;
    const char *home;
    int n;
};

static void hex8(const uint8_t *h, char out[9])
{
    for (int i = 0; i < 4; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static int print_report(void *p, const struct sift_report *r)
{
    struct ctx *c = p;
    char when[32], who[9];

    sift_cli_time(r->time, when, sizeof(when));
    hex8(r->reporter, who);
    if (c->json) {
        printf("%s{\"id\":%lld,\"time\":\"%s\",\"category\":\"%s\","
               "\"source\":",
               c->n ? "," : "", (long long)r->id, when,
               sift_category_name(r->category));
        sift_cli_json_str(stdout, r->source);
        printf(",\"reporter\":\"%s\",\"comment\":", who);
        if (r->comment)
            sift_cli_json_str(stdout, r->comment);
        else
            printf("null");
        printf("}");
    } else {
        printf("  %s  %-13s %-12s reporter %s%s%s%s\n", when,
               sift_category_name(r->category), r->source, who,
               r->comment ? "  \"" : "", r->comment ? r->comment : "",
               r->comment ? "\"" : "");
    }
    c->n++;
    return 0;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Does entry e name this number (display only; the reputation index
 * decides which entry wins)? */
static bool entry_matches(const struct ctx *c, const struct sift_list_entry *e)
{
    const struct sift_number *n = c->num;

    switch (e->match) {
    case SIFT_MATCH_EXACT:
        return strcmp(e->value, c->key) == 0;
    case SIFT_MATCH_PREFIX:
        if (n->status != SIFT_NUMBER_OK)
            return false;
        if (e->value[0] == '+')
            return starts(n->e164, e->value);
        return e->value[0] == '0' && starts(n->nsn, e->value + 1);
    case SIFT_MATCH_COUNTRY:
        return n->status == SIFT_NUMBER_OK && strcmp(n->region, e->value) == 0;
    case SIFT_MATCH_TYPE:
        if (strcmp(e->value, "international") == 0)
            return n->status == SIFT_NUMBER_OK &&
                   strcmp(n->region, c->home) != 0;
        if (n->status != SIFT_NUMBER_OK)
            return strcmp(e->value, sift_number_status_name(n->status)) == 0;
        return n->valid &&
               strcmp(e->value, sift_number_type_name(n->type)) == 0;
    }
    return false;
}

static int print_list(void *p, const struct sift_list_entry *e)
{
    struct ctx *c = p;
    int64_t now = (int64_t)time(NULL);

    if (!entry_matches(c, e))
        return 0;
    if (c->json) {
        printf("%s{\"id\":%lld,\"kind\":\"%s\",\"match\":\"%s\",\"value\":",
               c->n ? "," : "", (long long)e->id,
               e->kind == SIFT_LIST_BLOCK ? "block" : "allow",
               sift_cli_list_match_name(e->match));
        sift_cli_json_str(stdout, e->value);
        printf(",\"for\":");
        if (e->callee)
            sift_cli_json_str(stdout, e->callee);
        else
            printf("null");
        printf(",\"expired\":%s,\"note\":",
               e->expires && e->expires <= now ? "true" : "false");
        if (e->note)
            sift_cli_json_str(stdout, e->note);
        else
            printf("null");
        printf("}");
    } else {
        printf("  entry %lld: %s %s %s%s for %s%s%s%s\n", (long long)e->id,
               e->kind == SIFT_LIST_BLOCK ? "block" : "allow",
               sift_cli_list_match_name(e->match), e->value,
               e->match == SIFT_MATCH_PREFIX ? "*" : "",
               e->callee ? e->callee : "everyone",
               e->expires && e->expires <= now ? " (expired)" : "",
               e->note ? " - " : "", e->note ? e->note : "");
    }
    c->n++;
    return 0;
}

static int print_campaign(void *p, const struct sift_campaign *cp)
{
    struct ctx *c = p;
    char first[32], last[32];

    sift_cli_time(cp->first_seen, first, sizeof(first));
    sift_cli_time(cp->last_seen, last, sizeof(last));
    if (c->json) {
        printf("%s{\"id\":%lld,\"n_numbers\":%lld,\"messages\":%lld,"
               "\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"sample\":",
               c->n ? "," : "", (long long)cp->id, (long long)cp->n_numbers,
               (long long)cp->n_events, first, last);
        sift_cli_json_str(stdout, cp->sample ? cp->sample : "");
        printf("}");
    } else {
        printf("  campaign %lld: %lld numbers, %lld messages, %s .. %s\n"
               "    \"%.120s\"\n",
               (long long)cp->id, (long long)cp->n_numbers,
               (long long)cp->n_events, first, last,
               cp->sample ? cp->sample : "");
    }
    c->n++;
    return 0;
}

static void print_facts(const struct sift_rep_facts *f, bool json)
{
    char last[32] = "";

    if (f->last_report)
        sift_cli_time(f->last_report, last, sizeof(last));
    if (json) {
        printf("{\"reporters\":%u,\"reports_weight\":%.3f,"
               "\"safe_reporters\":%u,\"top_category\":",
               f->reporters, f->reports_weight, f->safe_reporters);
        if (f->reporters)
            printf("\"%s\"", sift_category_name(f->top_category));
        else
            printf("null");
        printf(",\"last_report\":");
        if (f->last_report)
            printf("\"%s\"", last);
        else
            printf("null");
        printf(",\"blocked\":%s,\"allowed\":%s,\"list_entry\":",
               f->blocked ? "true" : "false", f->allowed ? "true" : "false");
        if (f->blocked || f->allowed)
            printf("%lld", (long long)f->list.id);
        else
            printf("null");
        printf(",\"burst_callees\":%u,\"campaign\":", f->burst_callees);
        if (f->campaign)
            printf("%lld", (long long)f->campaign);
        else
            printf("null");
        printf("}");
        return;
    }
    if (f->reporters || f->safe_reporters)
        printf("  reported harmful by %u distinct reporter%s (recency "
               "weight %.2f, mostly %s, last %s); safe by %u\n",
               f->reporters, f->reporters == 1 ? "" : "s", f->reports_weight,
               f->reporters ? sift_category_name(f->top_category) : "-",
               f->last_report ? last : "-", f->safe_reporters);
    else
        printf("  no reports\n");
    if (f->blocked || f->allowed)
        printf("  %s by list entry %lld\n", f->allowed ? "allowed" : "blocked",
               (long long)f->list.id);
    if (f->burst_callees > 1)
        printf("  called %u different people recently\n", f->burst_callees);
}

int sift_cli_lookup(int argc, char **argv)
{
    const char *number = NULL, *db = NULL, *data = NULL, *config = NULL;
    const char *region = NULL;
    enum sift_lang lang = SIFT_LANG_EN;
    bool json = false;
    struct sift_store *st = NULL;
    struct sift_reputation *rep = NULL;
    struct sift_engine *eng = NULL;
    struct sift_engine_opts eo = {0};
    struct sift_err err = {0};
    struct sift_number num;
    struct sift_rep_facts facts;
    struct sift_event ev = {0};
    struct sift_verdict *v = NULL;
    struct ctx c = {0};
    char key[SIFT_KEY_MAX], desc[256];
    const char *home;
    int status;

    {
        const char *lang_arg = NULL;
        const struct sift_cli_opt opts[] = {
            {"--json", NULL, &json},     {"--lang", &lang_arg, NULL},
            {"--db", &db, NULL},         {"--data", &data, NULL},
            {"--config", &config, NULL}, {"--region", &region, NULL},
            {NULL, NULL, NULL}};
        int rc = sift_cli_parse(argc, argv, "lookup", usage_text, opts, &number,
                                "NUMBER");

        if (rc >= 0)
            return rc;
        if (lang_arg != NULL && !sift_cli_lang(lang_arg, &lang)) {
            fprintf(stderr, "callsift lookup: --lang takes ja or en\n");
            return SIFT_EXIT_USAGE;
        }
    }
    if (number == NULL) {
        fputs(usage_text, stderr);
        return SIFT_EXIT_USAGE;
    }
    home = region ? region : sift_cli_default_region();
    if (!sift_cli_key(number, home, &num, key)) {
        fprintf(stderr,
                "callsift lookup: '%s' is neither a phone number nor "
                "an SMS sender ID\n",
                number);
        return SIFT_EXIT_INPUT;
    }
    status = sift_cli_store_open("lookup", db, &st);
    if (status != SIFT_EXIT_OK)
        return status;
    status = sift_cli_reputation_load("lookup", st, &rep);
    if (status != SIFT_EXIT_OK)
        goto out;
    eo.data_dir = data;
    eo.config_path = config;
    eo.home_region = region;
    if (sift_engine_new(&eng, &eo, &err) != SIFT_OK) {
        fprintf(stderr, "callsift lookup: %s%s%s\n", err.where,
                err.where[0] ? ": " : "", err.msg);
        status = SIFT_EXIT_INTERNAL;
        goto out;
    }
    sift_engine_set_reputation(eng, rep);
    sift_reputation_assess(rep, &num, num.status == SIFT_NUMBER_OK ? NULL : key,
                           NULL, 0, 0, &facts);
    v = malloc(sizeof(*v));
    if (v == NULL) {
        status = SIFT_EXIT_INTERNAL;
        goto out;
    }
    ev.kind = num.status == SIFT_NUMBER_OK ? SIFT_EVENT_CALL : SIFT_EVENT_SMS;
    ev.from = number;
    if (sift_engine_check(eng, &ev, v, &err) != SIFT_OK) {
        fprintf(stderr, "callsift lookup: %s\n", err.msg);
        status = SIFT_EXIT_INTERNAL;
        goto out;
    }
    c.json = json;
    c.key = key;
    c.num = &num;
    c.home = home;
    if (num.status == SIFT_NUMBER_OK)
        sift_number_describe(&num, lang, desc, sizeof(desc));
    else
        snprintf(desc, sizeof(desc), "%s",
                 lang == SIFT_LANG_JA ? "SMS送信者名" : "SMS sender ID");

    if (json) {
        char *buf = malloc(VERDICT_JSON_MX);
        printf("{\"key\":");
        sift_cli_json_str(stdout, key);
        printf(",\"description\":");
        sift_cli_json_str(stdout, desc);
        printf(",\"region\":");
        sift_cli_json_str(stdout, num.region);
        printf(",\"type\":\"%s\",\"valid\":%s,\"reputation\":",
               num.status == SIFT_NUMBER_OK ? sift_number_type_name(num.type)
                                            : "sender_id",
               num.valid ? "true" : "false");
        print_facts(&facts, true);
        printf(",\"reports\":[");
        c.n = 0;
        sift_store_each_report(st, key, RECENT_REPORTS, print_report, &c, &err);
        printf("],\"lists\":[");
        c.n = 0;
        sift_store_each_list(st, print_list, &c, &err);
        printf("],\"campaigns\":[");
        c.n = 0;
        sift_store_each_campaign_of(st, key, print_campaign, &c, &err);
        printf("],\"verdict\":");
        if (buf != NULL &&
            sift_verdict_json(v, buf, VERDICT_JSON_MX) < VERDICT_JSON_MX)
            fputs(buf, stdout);
        else
            printf("null");
        printf("}\n");
        free(buf);
        goto out;
    }
    printf("%s\n  %s\n", key, desc);
    printf("\n%s\n", lang == SIFT_LANG_JA ? "評判:" : "Reputation:");
    print_facts(&facts, false);
    printf("\n%s\n", lang == SIFT_LANG_JA ? "最近の報告:" : "Recent reports:");
    c.n = 0;
    sift_store_each_report(st, key, RECENT_REPORTS, print_report, &c, &err);
    if (c.n == 0)
        printf("  none\n");
    printf("\n%s\n", lang == SIFT_LANG_JA ? "リスト:" : "Lists:");
    c.n = 0;
    sift_store_each_list(st, print_list, &c, &err);
    if (c.n == 0)
        printf("  none\n");
    printf("\n%s\n", lang == SIFT_LANG_JA ? "キャンペーン:" : "Campaigns:");
    c.n = 0;
    sift_store_each_campaign_of(st, key, print_campaign, &c, &err);
    if (c.n == 0)
        printf("  none\n");
    printf("\n%s %s — %s (%s, score %.1f)\n",
           lang == SIFT_LANG_JA ? "判定:" : "Verdict:",
           sift_action_words(v->action, lang),
           sift_action_words(v->action, lang == SIFT_LANG_JA ? SIFT_LANG_EN
                                                             : SIFT_LANG_JA),
           sift_action_name(v->action), v->score);
    for (size_t i = 0; i < v->n_signals; i++)
        printf("  %+5.1f  %s  %s\n", v->signals[i].weight, v->signals[i].name,
               lang == SIFT_LANG_JA ? v->signals[i].reason_ja
                                    : v->signals[i].reason_en);
out:
    free(v);
    sift_engine_free(eng);
    sift_reputation_free(rep);
    sift_store_close(st);
    return status;
}
