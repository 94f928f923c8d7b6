/*
 * cmd_db.c - looking after the store file.
 *
 *   callsift db check [--db PATH]        integrity check and counts
 *   callsift prune [--older-than 90d] [--db PATH]
 *                                        drop the call log's old entries
 *
 * Documented in docs/cli/db.md and docs/cli/prune.md.
 */
#include <string.h>
#include <time.h>

#include "cli.h"

#define RETENTION_DEFAULT "90d"

static const char db_usage[] =
    "usage: callsift db check [--db PATH]\n"
    "\n"
    "Check the store file: SQLite's integrity check, the foreign keys and\n"
    "the schema version; then print what it holds.\n"
    "\n"
    "exit: 0 sound, 1 damaged, 2 usage error, 3 cannot open it.\n";

static const char prune_usage[] =
    "usage: callsift prune [--older-than DURATION] [--db PATH]\n"
    "\n"
    "Delete calls older than DURATION (default 90d; also 12h, 2w) from the\n"
    "call log. Reports, lists and campaigns are kept.\n"
    "\n"
    "exit: 0 done, 2 usage error, 3 the store failed.\n";

int sift_cli_db(int argc, char **argv)
{
    const char *db = NULL, *sub = NULL;
    struct sift_store *st = NULL;
    struct sift_err err = {0};
    struct sift_store_stats stats;
    int status;

    {
        const struct sift_cli_opt opts[] = {{"--db", &db, NULL},
                                            {NULL, NULL, NULL}};
        status = sift_cli_parse(argc, argv, "db", db_usage, opts, &sub,
                                "subcommand");
        if (status >= 0)
            return status;
    }
    if (sub == NULL || strcmp(sub, "check") != 0) {
        fputs(db_usage, stderr);
        return SIFT_EXIT_USAGE;
    }
    status = sift_cli_store_open("db check", db, &st);
    if (status != SIFT_EXIT_OK)
        return status;
    if (sift_store_check(st, &err) != SIFT_OK) {
        printf("%s: damaged: %s\n", sift_cli_db_path(db), err.msg);
        status = SIFT_EXIT_INPUT;
    } else if (sift_store_stats(st, &stats, &err) != SIFT_OK) {
        fprintf(stderr, "callsift db check: %s\n", err.msg);
        status = SIFT_EXIT_INTERNAL;
    } else {
        printf("%s: ok\n", sift_cli_db_path(db));
        printf("  reports    %lld\n  lists      %lld\n  calls      %lld\n"
               "  campaigns  %lld\n  bytes      %lld\n",
               (long long)stats.reports, (long long)stats.lists,
               (long long)stats.calls, (long long)stats.campaigns,
               (long long)stats.bytes);
    }
    sift_store_close(st);
    return status;
}

int sift_cli_prune(int argc, char **argv)
{
    const char *db = NULL, *older = RETENTION_DEFAULT;
    struct sift_store *st = NULL;
    struct sift_err err = {0};
    int64_t age, before, n = 0;
    char when[32];
    int status;

    {
        const struct sift_cli_opt opts[] = {{"--db", &db, NULL},
                                            {"--older-than", &older, NULL},
                                            {NULL, NULL, NULL}};
        int rc =
            sift_cli_parse(argc, argv, "prune", prune_usage, opts, NULL, NULL);

        if (rc >= 0)
            return rc;
    }
    if (!sift_cli_duration(older, &age)) {
        fprintf(stderr, "callsift prune: --older-than takes a duration such "
                        "as 90d, 12h or 2w\n");
        return SIFT_EXIT_USAGE;
    }
    status = sift_cli_store_open("prune", db, &st);
    if (status != SIFT_EXIT_OK)
        return status;
    before = (int64_t)time(NULL) - age;
    if (sift_store_prune(st, before, &n, &err) != SIFT_OK) {
        fprintf(stderr, "callsift prune: %s\n", err.msg);
        status = SIFT_EXIT_INTERNAL;
    } else {
        sift_cli_time(before, when, sizeof(when));
        printf("pruned %lld calls from before %s\n", (long long)n, when);
    }
    sift_store_close(st);
    return status;
}
