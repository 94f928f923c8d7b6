/*
 * cmd_report.c - `callsift report`: one person's report about a number or
 * an SMS sender, committed to the store before it says "reported".
 *
 *   callsift report NUMBER --category C [--comment T] [--text-file F]
 *                   [--reporter ID] [--db PATH] [--region CC] [--json]
 *
 * The reporter identity (default: the login name on this machine) is
 * kept only as a salted SHA-256 (docs/store.md). Documented in
 * docs/cli/report.md.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
    "usage: callsift report NUMBER --category C [--comment T]\n"
    "                       [--text-file F] [--reporter ID] [--db PATH]\n"
    "\n"
    "Report a caller or an SMS sender. Categories: scam, spam,\n"
    "telemarketing, robocall, silent, safe.\n"
    "\n"
    "options:\n"
    "  --category C     what it was (required)\n"
    "  --comment T      what happened, at most 1024 bytes\n"
    "  --text-file F    the transcript or message text (- for stdin)\n"
    "  --reporter ID    who reports (default: your login name); stored only\n"
    "                   as a salted hash. One reporter counts once.\n"
    "  --region CC      how a national NUMBER is read (default "
    "$CALLSIFT_REGION\n"
    "                   or JP)\n"
    "  --db PATH        the store (default $CALLSIFT_DB or var/callsift.db)\n"
    "  --json           print the stored report as JSON\n"
    "\n"
    "exit: 0 reported, 1 bad input (number, comment over the limit),\n"
    "2 usage error, 3 the store failed.\n";

static char *read_all(const char *path, size_t max, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = malloc(max + 2);
    if (buf != NULL) {
        n = fread(buf, 1, max + 1, f);
        buf[n] = '\0';
        *len = n;
    }
    if (f != stdin)
        fclose(f);
    return buf;
}

static const char *default_reporter(char *buf, size_t size)
{
    struct passwd *pw = getpwuid(getuid());

    if (pw != NULL && pw->pw_name != NULL)
        snprintf(buf, size, "local:%s", pw->pw_name);
    else
        snprintf(buf, size, "local:uid%lu", (unsigned long)getuid());
    return buf;
}

int sift_cli_report(int argc, char **argv)
{
    const char *number = NULL, *category = NULL, *comment = NULL;
    const char *text_file = NULL, *reporter = NULL, *db = NULL;
    const char *region = sift_cli_default_region();
    bool json = false;
    struct sift_report r = {0};
    struct sift_number num;
    struct sift_store *st = NULL;
    struct sift_err err = {0};
    char key[SIFT_KEY_MAX], who[128], when[32];
    char *text = NULL;
    size_t added = 0;
    int status;

    {
        const struct sift_cli_opt opts[] = {
            {"--json", NULL, &json},         {"--category", &category, NULL},
            {"--comment", &comment, NULL},   {"--text-file", &text_file, NULL},
            {"--reporter", &reporter, NULL}, {"--db", &db, NULL},
            {"--region", &region, NULL},     {NULL, NULL, NULL}};
        int rc = sift_cli_parse(argc, argv, "report", usage_text, opts, &number,
                                "NUMBER");

        if (rc >= 0)
            return rc;
    }
    if (number == NULL || category == NULL) {
        fprintf(stderr,
                "callsift report: NUMBER and --category are "
                "required\n\n%s",
                usage_text);
        return SIFT_EXIT_USAGE;
    }
    if (!sift_category_parse(category, &r.category)) {
        fprintf(stderr,
                "callsift report: unknown category '%s' (scam, spam, "
                "telemarketing, robocall, silent, safe)\n",
                category);
        return SIFT_EXIT_USAGE;
    }
    if (!sift_cli_key(number, region, &num, key)) {
        fprintf(stderr,
                "callsift report: '%s' is neither a phone number "
                "nor an SMS sender ID\n",
                number);
        return SIFT_EXIT_INPUT;
    }
    if (text_file != NULL) {
        size_t len = 0;
        text = read_all(text_file, SIFT_TRANSCRIPT_MAX, &len);
        if (text == NULL) {
            fprintf(stderr, "callsift report: cannot read %s: %s\n", text_file,
                    strerror(errno));
            return SIFT_EXIT_INPUT;
        }
    }
    status = sift_cli_store_open("report", db, &st);
    if (status != SIFT_EXIT_OK)
        goto out;
    if (reporter == NULL)
        reporter = default_reporter(who, sizeof(who));
    r.key = key;
    r.comment = comment;
    r.transcript = text;
    r.time = (int64_t)time(NULL);
    r.source = "user";
    sift_store_reporter_hash(st, reporter, strlen(reporter), r.reporter);
    if (sift_store_add_reports(st, &r, 1, &added, &err) != SIFT_OK) {
        fprintf(stderr, "callsift report: %s\n", err.msg);
        status = err.rc == SIFT_ETOOBIG || err.rc == SIFT_EINVAL
                     ? SIFT_EXIT_INPUT
                     : SIFT_EXIT_INTERNAL;
        goto out;
    }
    sift_cli_time(r.time, when, sizeof(when));
    if (json) {
        printf("{\"id\":%lld,\"key\":", (long long)r.id);
        sift_cli_json_str(stdout, key);
        printf(",\"category\":\"%s\",\"time\":\"%s\",\"reporter\":\"",
               sift_category_name(r.category), when);
        for (int i = 0; i < 4; i++)
            printf("%02x", r.reporter[i]);
        printf("\"}\n");
    } else {
        printf("reported %s as %s (report %lld, %s)\n", key,
               sift_category_name(r.category), (long long)r.id, when);
    }
out:
    free(text);
    sift_store_close(st);
    return status;
}
