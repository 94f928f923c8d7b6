/*
 * main.c - `callsift`: dispatch to a subcommand.
 *
 *   callsift number NUMBER... [--region CC] [--to NUMBER] [--lang ja|en]
 *                   [--json]
 *   callsift check --from RAW [--to RAW] [--text T] [--sms] [--json]
 *   callsift check --batch < events.jsonl
 *   callsift report NUMBER --category C [--comment T] [--reporter ID]
 *   callsift block|allow|unblock|unallow NUMBER|PREFIX*|--country CC|
 *                   --type T [--for CALLEE] [--expires D] [--note T]
 *   callsift lookup NUMBER [--json]
 *   callsift import FILE --format ftc-dnc|csv|jsonl [--source NAME]
 *   callsift campaigns [--json]
 *   callsift export --number N | --campaign ID [--format csv|json]
 *   callsift prune [--older-than 90d]
 *   callsift db check
 *   callsift serve [--listen ADDR:PORT] [--db PATH] [--config FILE] ...
 *   callsift token new [--db PATH]
 *   callsift --version | --help
 */
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: callsift COMMAND [ARGS]\n"
    "\n"
    "callsift screens incoming calls and text messages for scams and says\n"
    "why, in words a person can act on.\n"
    "\n"
    "commands:\n"
    "  number NUMBER...   explain caller IDs: country, type, validity,\n"
    "                     where; with no NUMBER, read one per line from\n"
    "                     stdin and write TSV (see callsift number --help)\n"
    "  check              a verdict for one call or message (--db: with\n"
    "                     reports, lists, call history and campaigns)\n"
    "  report NUMBER      report a caller or SMS sender (--category scam...)\n"
    "  block, allow       block or allow a number, PREFIX*, --country or\n"
    "                     --type, for everyone or --for your number\n"
    "  unblock, unallow   remove such an entry (--id N or the same spec)\n"
    "  lookup NUMBER      what is known: reports, lists, campaigns, verdict\n"
    "  import FILE        reports in bulk (--format ftc-dnc|csv|jsonl)\n"
    "  campaigns          one message sent from many numbers\n"
    "  export             a dated timeline (--number N | --campaign ID) for\n"
    "                     the police or a carrier\n"
    "  prune              drop old calls from the call log (default 90d)\n"
    "  db check           check the store file\n"
    "  serve              the HTTP API, the web page and metrics on\n"
    "                     127.0.0.1:8080 (see callsift serve --help)\n"
    "  token new          a bearer token for the API's writes\n"
    "\n"
    "options:\n"
    "  --help             this text\n"
    "  --version          the version\n"
    "\n"
    "environment:\n"
    "  CALLSIFT_REGION    home region for national forms (default JP)\n"
    "  CALLSIFT_DB        the store (default var/callsift.db; --db PATH)\n"
    "\n"
    "exit codes: 0 ok, 1 some input unusable, 2 usage error, 3 internal\n"
    "error. Documentation: docs/cli/.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return SIFT_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return SIFT_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("callsift %s\n", sift_version());
        return SIFT_EXIT_OK;
    }
    if (strcmp(argv[1], "number") == 0)
        return sift_cli_number(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return sift_cli_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return sift_cli_report(argc - 1, argv + 1);
    if (strcmp(argv[1], "block") == 0 || strcmp(argv[1], "allow") == 0 ||
        strcmp(argv[1], "unblock") == 0 || strcmp(argv[1], "unallow") == 0)
        return sift_cli_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "lookup") == 0)
        return sift_cli_lookup(argc - 1, argv + 1);
    if (strcmp(argv[1], "import") == 0)
        return sift_cli_import(argc - 1, argv + 1);
    if (strcmp(argv[1], "campaigns") == 0)
        return sift_cli_campaigns(argc - 1, argv + 1);
    if (strcmp(argv[1], "export") == 0)
        return sift_cli_export(argc - 1, argv + 1);
    if (strcmp(argv[1], "prune") == 0)
        return sift_cli_prune(argc - 1, argv + 1);
    if (strcmp(argv[1], "db") == 0)
        return sift_cli_db(argc - 1, argv + 1);
    if (strcmp(argv[1], "serve") == 0)
        return sift_cli_serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "token") == 0)
        return sift_cli_token(argc - 1, argv + 1);
    fprintf(stderr, "callsift: unknown command '%s'\n\n", argv[1]);
    fputs(usage_text, stderr);
    return SIFT_EXIT_USAGE;
}
