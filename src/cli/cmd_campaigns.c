/*
 * cmd_campaigns.c - `callsift campaigns`: the messages that came from
 * many numbers (one group behind rotating numbers), newest activity
 * first in the text form, in id order for --json.
 *
 *   callsift campaigns [--json] [--db PATH]
 *
 * Documented in docs/cli/campaigns.md.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: callsift campaigns [--json] [--db PATH]\n"
    "\n"
    "List campaigns: a message that came from several numbers (by default\n"
    "3 or more). Each shows its id (for callsift export --campaign ID),\n"
    "when it was first and last seen, how many messages and numbers, the\n"
    "numbers, and a sample of the text.\n"
    "\n"
    "exit: 0 done, 2 usage error, 3 the store failed.\n";

struct walk {
    struct sift_store *st;
    bool json;
    int n;
    int numbers_shown;
};

static int print_number(void *ctx, int64_t campaign, const char *key,
                        int64_t time)
{
    struct walk *w = ctx;
    char when[32];

    (void)campaign;
    sift_cli_time(time, when, sizeof(when));
    if (w->json) {
        printf("%s{\"number\":", w->numbers_shown ? "," : "");
        sift_cli_json_str(stdout, key);
        printf(",\"first_seen\":\"%s\"}", when);
    } else {
        printf("      %s  (first %s)\n", key, when);
    }
    w->numbers_shown++;
    return 0;
}

/* The first n bytes of s without cutting a UTF-8 character. */
static int utf8_cut(const char *s, int n)
{
    int len = (int)strlen(s);

    if (len <= n)
        return len;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return n;
}

static int print_campaign(void *ctx, const struct sift_campaign *c)
{
    struct walk *w = ctx;
    char first[32], last[32], fp[24];
    struct sift_err err = {0};
    const char *sample = c->sample ? c->sample : "";

    sift_cli_time(c->first_seen, first, sizeof(first));
    sift_cli_time(c->last_seen, last, sizeof(last));
    snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)c->fingerprint);
    w->numbers_shown = 0;
    if (w->json) {
        printf("{\"id\":%lld,\"fingerprint\":\"%s\",\"first_seen\":\"%s\","
               "\"last_seen\":\"%s\",\"messages\":%lld,\"n_numbers\":%lld,"
               "\"sample\":",
               (long long)c->id, fp, first, last, (long long)c->n_events,
               (long long)c->n_numbers);
        sift_cli_json_str(stdout, sample);
        printf(",\"numbers\":[");
    } else {
        printf("campaign %lld: %lld messages from %lld numbers, %s .. %s\n",
               (long long)c->id, (long long)c->n_events,
               (long long)c->n_numbers, first, last);
        printf("    \"%.*s%s\"\n", utf8_cut(sample, 160), sample,
               (int)strlen(sample) > utf8_cut(sample, 160) ? "…" : "");
    }
    if (sift_store_each_campaign_number(w->st, c->id, print_number, w, &err) !=
        SIFT_OK) {
        fprintf(stderr, "callsift campaigns: %s\n", err.msg);
        return SIFT_ESTORE;
    }
    if (w->json)
        printf("]}\n");
    w->n++;
    return 0;
}

int sift_cli_campaigns(int argc, char **argv)
{
    const char *db = NULL;
    struct sift_store *st = NULL;
    struct sift_err err = {0};
    struct walk w = {0};
    int status;

    {
        const struct sift_cli_opt opts[] = {
            {"--json", NULL, &w.json}, {"--db", &db, NULL}, {NULL, NULL, NULL}};
        status = sift_cli_parse(argc, argv, "campaigns", usage_text, opts, NULL,
                                NULL);
        if (status >= 0)
            return status;
    }
    status = sift_cli_store_open("campaigns", db, &st);
    if (status != SIFT_EXIT_OK)
        return status;
    w.st = st;
    if (sift_store_each_campaign(st, print_campaign, &w, &err) != SIFT_OK) {
        if (err.msg[0])
            fprintf(stderr, "callsift campaigns: %s\n", err.msg);
        status = SIFT_EXIT_INTERNAL;
    } else if (w.n == 0 && !w.json) {
        printf("no campaigns yet\n");
    }
    sift_store_close(st);
    return status;
}
