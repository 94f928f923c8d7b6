/*
 * server.h - what the command (src/cli/cmd_serve.c) needs from the server:
 * its options, the run loop and the token helpers. libmicrohttpd and
 * jansson stay behind this header (and out of include/callsift/).
 */
#ifndef SIFT_SERVER_H
#define SIFT_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "callsift/common.h"

/* Options of `callsift serve` (docs/cli/serve.md). NULL or 0: default. */
struct sift__serve_opts {
    const char *listen;      /* "127.0.0.1:8080", "[::1]:8080", ":8080" */
    const char *db_path;     /* the store; NULL: $CALLSIFT_DB or default */
    const char *data_dir;    /* engine data (rules, orgs ...) */
    const char *config_path; /* callsift.conf */
    const char *web_dir;     /* the page; NULL: ./web or the installed one */
    const char *tokens_path; /* NULL: tokens beside the database */
    const char *cors_origin; /* NULL: no CORS headers */
    unsigned threads;        /* MHD worker threads; 0: one per CPU */
    unsigned max_conns;      /* all connections (default 4096) */
    unsigned max_per_ip;     /* connections from one address (256) */
    unsigned timeout_s;      /* idle or slow connection cut-off (15) */
    size_t max_body;         /* request body bytes (98304) */
    double report_per_min;   /* report rate per client address (10) */
    unsigned report_burst;   /* report bucket size (20) */
    bool require_token_reads;
    bool log_numbers;  /* log caller and callee unredacted */
    bool log_requests; /* one log line per request */
    bool no_store;     /* run without the store (tests, benches) */
};

/* Run until SIGTERM or SIGINT; SIGHUP reloads. Returns a process exit
 * code (0 after a clean drain). Logs to stderr. */
int sift__serve(const struct sift__serve_opts *opts);

/* The tokens file for a database path: "<dir of db>/tokens". */
void sift__tokens_default_path(const char *db_path, char *out, size_t size);

/*
 * Make a new bearer token, append its SHA-256 (never the token) to the
 * tokens file (created 0600 as needed) with a note, and write the token
 * itself into out (at least 64 bytes).
 */
enum sift_rc sift__token_new(const char *tokens_path, const char *note,
                             char *out, size_t size, struct sift_err *err);

/* SHA-256 of len bytes into out. */
void sift__sha256(const void *data, size_t len, unsigned char out[32]);

#endif
