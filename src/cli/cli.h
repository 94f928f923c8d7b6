/*
 * cli.h - the callsift command: one function per subcommand, plus the
 * small output helpers they share. Uses the public API (include/callsift)
 * and src/util only.
 *
 * Exit codes (docs/cli/README.md): 0 success, 1 some input could not be
 * used (malformed caller ID, bad event), 2 usage error, 3 internal error.
 */
#ifndef SIFT_CLI_H
#define SIFT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "callsift.h"

enum {
    SIFT_EXIT_OK = 0,
    SIFT_EXIT_INPUT = 1,
    SIFT_EXIT_USAGE = 2,
    SIFT_EXIT_INTERNAL = 3
};

int sift_cli_number(int argc, char **argv);
int sift_cli_check(int argc, char **argv);

/* Write s as a JSON string (with quotes) to f; invalid UTF-8 bytes become
 * U+FFFD so the output is always valid JSON. */
void sift_cli_json_str(FILE *f, const char *s);

/* Parse --lang ja|en; returns false on anything else. */
bool sift_cli_lang(const char *arg, enum sift_lang *lang);

/* The default region: $CALLSIFT_REGION, else "JP". */
const char *sift_cli_default_region(void);

#endif
