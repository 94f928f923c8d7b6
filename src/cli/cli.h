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
#include "callsift/record.h"
#include "callsift/reputation.h"
#include "callsift/store.h"

enum {
    SIFT_EXIT_OK = 0,
    SIFT_EXIT_INPUT = 1,
    SIFT_EXIT_USAGE = 2,
    SIFT_EXIT_INTERNAL = 3
};

/* Of two exit statuses, the one that says more (the larger). */
static inline int sift_cli_worst(int a, int b)
{
    return a > b ? a : b;
}

int sift_cli_number(int argc, char **argv);
int sift_cli_check(int argc, char **argv);
int sift_cli_report(int argc, char **argv);
int sift_cli_list(int argc, char **argv); /* block allow unblock unallow */
int sift_cli_lookup(int argc, char **argv);
int sift_cli_import(int argc, char **argv);
int sift_cli_campaigns(int argc, char **argv);
int sift_cli_export(int argc, char **argv);
int sift_cli_prune(int argc, char **argv);
int sift_cli_db(int argc, char **argv);
int sift_cli_serve(int argc, char **argv); /* cmd_serve.c */
int sift_cli_token(int argc, char **argv); /* cmd_serve.c */

/* Lines from a file descriptor (lines.c), for `check --batch`. */
struct sift_cli_lines {
    int fd;
    char *buf;
    size_t len, cap, off; /* buf[off..len) is not handed out yet */
    size_t scan;          /* no '\n' in buf[off..scan) */
    size_t max;           /* longer lines are skipped, not kept */
    size_t skipped;       /* bytes skipped of the line being read */
    bool eof;
};

enum {
    SIFT_CLI_LINE = 1,           /* *line, *len: a line without its '\n' */
    SIFT_CLI_LINE_END = 0,       /* no more input */
    SIFT_CLI_LINE_NOT_READY = 2, /* no whole line without waiting */
    SIFT_CLI_LINE_TOO_LONG = 3,  /* *len is its length; its bytes are gone */
    SIFT_CLI_LINE_ERROR = -1     /* read(2) failed or out of memory */
};

void sift_cli_lines_init(struct sift_cli_lines *in, int fd, size_t max);
void sift_cli_lines_release(struct sift_cli_lines *in);
/* The next line. With wait false, SIFT_CLI_LINE_NOT_READY when a whole
 * line (or the end) cannot be had without blocking. A line is valid
 * until the next call. */
int sift_cli_lines_next(struct sift_cli_lines *in, bool wait, char **line,
                        size_t *len);

/* Write s as a JSON string (with quotes) to f; invalid UTF-8 bytes become
 * U+FFFD so the output is always valid JSON. */
void sift_cli_json_str(FILE *f, const char *s);

/* Parse --lang ja|en; returns false on anything else. */
bool sift_cli_lang(const char *arg, enum sift_lang *lang);

/* The default region: $CALLSIFT_REGION, else "JP". */
const char *sift_cli_default_region(void);

/* ---- the store commands (cli_store.c) ---- */

/* The store path: --db, else $CALLSIFT_DB, else var/callsift.db. */
const char *sift_cli_db_path(const char *opt);

/* Open the store (db as from --db, may be NULL); on failure print why,
 * prefixed "callsift CMD:", and return SIFT_EXIT_INTERNAL. */
int sift_cli_store_open(const char *cmd, const char *db,
                        struct sift_store **st);

/* Build the reputation index from the store (default options). */
int sift_cli_reputation_load(const char *cmd, struct sift_store *st,
                             struct sift_reputation **rep);

/* The store key of a number as typed: E.164 when it parses in region,
 * else an SMS sender ID kept as written. OUT: num (parsed), key. */
bool sift_cli_key(const char *raw, const char *region, struct sift_number *num,
                  char key[SIFT_KEY_MAX]);

/* "30d", "12h", "45m", "90s", "2w" into seconds. */
bool sift_cli_duration(const char *s, int64_t *out);

/* UTC ISO 8601 ("2025-12-11T09:30:00Z"). */
void sift_cli_time(int64_t t, char *buf, size_t size);

/* Epoch seconds, "YYYY-MM-DD[ HH:MM[:SS]]" (T allowed) or
 * "MM/DD/YYYY[ HH:MM[:SS][ AM|PM]]", as UTC. */
bool sift_cli_parse_time(const char *s, size_t len, int64_t *out);

/* A list --type name the reputation index matches: "international", a
 * number type ("toll_free") or a caller-ID state ("withheld"). */
bool sift_cli_list_type(const char *name);
const char *sift_cli_list_match_name(enum sift_list_match m);

/* `check --db` (cli_record.c): the store and index behind the engine. */
struct sift_cli_record {
    struct sift_store *st;
    struct sift_reputation *rep;
};

/* Open the store, load the index and attach it to eng. On failure the
 * message is printed; release with sift_cli_record_close() either way. */
int sift_cli_record_open(struct sift_cli_record *rc, const char *db,
                         struct sift_engine *eng);
void sift_cli_record_close(struct sift_cli_record *rc, struct sift_engine *eng);

/* Log a checked event (committed), update the index, track campaigns:
 * sift_record_event() (record.h), errors printed. */
int sift_cli_record(struct sift_cli_record *rc, const struct sift_event *ev,
                    const struct sift_verdict *v);

/*
 * `check --batch --db`'s writer (cli_writer.c): a thread that owns rc's
 * store from start to finish, writes each group of prepared and indexed
 * records (record.h) in one transaction, then prints the group's lines.
 * put() hands over recs (n of them, malloc'd; released and freed by the
 * writer) and lines (malloc'd, len bytes; freed), waiting while the group
 * before is written; it returns the worst exit status so far. finish()
 * writes what is pending, stops the thread and returns the worst status.
 * Errors are printed when they happen.
 */
struct sift_cli_writer;
int sift_cli_writer_start(struct sift_cli_writer **out,
                          struct sift_cli_record *rc);
int sift_cli_writer_put(struct sift_cli_writer *w, struct sift_record *recs,
                        size_t n, char *lines, size_t len);
int sift_cli_writer_finish(struct sift_cli_writer *w);

/* The value after argv[*i] (advancing *i), or NULL with a message. */
const char *sift_cli_arg(int argc, char **argv, int *i, const char *cmd);

/* One option of a command: it takes a value (value is set) or is a flag
 * (flag is set). A table of them ends with a NULL name. */
struct sift_cli_opt {
    const char *name; /* "--db" */
    const char **value;
    bool *flag;
};

/*
 * Parse `callsift CMD`'s arguments argv[1..argc) against opts: --help and
 * -h print usage to stdout; an option's value is the next argument. With
 * pos, one argument that is not an option goes to *pos (what names it in
 * the error for a second one, "NUMBER"); without, any other argument is an
 * error. Returns -1 to go on, else the exit status to return
 * (SIFT_EXIT_OK after --help; SIFT_EXIT_USAGE after an error, printed).
 */
int sift_cli_parse(int argc, char **argv, const char *cmd, const char *usage,
                   const struct sift_cli_opt *opts, const char **pos,
                   const char *what);

#endif
