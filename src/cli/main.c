/*
 * main.c - `callsift`: dispatch to a subcommand.
 *
 *   callsift number NUMBER... [--region CC] [--to NUMBER] [--lang ja|en]
 *                   [--json]
 *   callsift check --from RAW [--to RAW] [--text T] [--sms] [--json]
 *   callsift check --batch < events.jsonl
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
    "\n"
    "options:\n"
    "  --help             this text\n"
    "  --version          the version\n"
    "\n"
    "environment:\n"
    "  CALLSIFT_REGION    home region for national forms (default JP)\n"
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
    fprintf(stderr, "callsift: unknown command '%s'\n\n", argv[1]);
    fputs(usage_text, stderr);
    return SIFT_EXIT_USAGE;
}
