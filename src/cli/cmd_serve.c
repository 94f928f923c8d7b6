/*
 * cmd_serve.c - `callsift serve` (the HTTP API, the web page, metrics)
 * and `callsift token new` (a bearer token for the API's writes).
 *
 *   callsift serve [--listen ADDR:PORT] [--db PATH] [--config FILE]
 *                  [--data DIR] [--threads N] ...
 *   callsift token new [--db PATH] [--tokens FILE] [--note TEXT]
 *
 * The server itself is src/server (server.h); this file reads options.
 * Documented in docs/cli/serve.md.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "server/server.h"
#include "util/util.h"

static const char serve_usage[] =
    "usage: callsift serve [--listen ADDR:PORT] [--db PATH] [--config FILE]\n"
    "                      [--data DIR] [--threads N] [options]\n"
    "\n"
    "Serve the HTTP JSON API (/v1), the web page (/), /healthz, /readyz\n"
    "and /metrics. SIGHUP reloads rules, organisations and configuration;\n"
    "SIGTERM finishes the requests in flight and exits 0.\n"
    "\n"
    "options:\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080;\n"
    "                       [::1]:8080 for IPv6, :8080 for every address)\n"
    "  --db PATH            the store (default $CALLSIFT_DB or\n"
    "                       var/callsift.db)\n"
    "  --no-store           run without the store (checks only)\n"
    "  --data DIR           rules, organisations ... (default\n"
    "                       $CALLSIFT_DATA, ./data or the installed one)\n"
    "  --config FILE        configuration (default DIR/callsift.conf)\n"
    "  --web DIR            the page's files (default $CALLSIFT_WEB, ./web\n"
    "                       or the installed one)\n"
    "  --threads N          worker threads (default: one per CPU)\n"
    "  --tokens FILE        token hashes (default: tokens beside the db)\n"
    "  --require-token-for-reads   every /v1 request needs a token\n"
    "  --cors ORIGIN        allow this origin (default: no CORS headers)\n"
    "  --max-body BYTES     request body limit (default 98304)\n"
    "  --max-connections N  connections in all (default 4096)\n"
    "  --max-per-ip N       connections from one address (default 256)\n"
    "  --timeout SECONDS    cut idle or slow connections (default 15)\n"
    "  --report-rate N      reports per minute per address (default 10)\n"
    "  --report-burst N     reports at once per address (default 20)\n"
    "  --log-numbers        log caller and callee in full (default\n"
    "                       redacted: +1877***0291)\n"
    "  --log-requests       one log line per request\n"
    "\n"
    "exit: 0 stopped cleanly, 2 usage error, 3 could not start.\n";

static const char token_usage[] =
    "usage: callsift token new [--db PATH] [--tokens FILE] [--note TEXT]\n"
    "\n"
    "Print a new bearer token for the API's writes (POST /v1/reports,\n"
    "/v1/lists, DELETE /v1/lists/ID). Only its SHA-256 is kept, in the\n"
    "tokens file beside the store (var/tokens by default); a running\n"
    "server picks it up at once. The token cannot be shown again.\n";

static bool uint_arg(const char *s, unsigned long long max,
                     unsigned long long *out)
{
    return sift__parse_uint(s, max, out) && *out > 0;
}

int sift_cli_serve(int argc, char **argv)
{
    struct sift__serve_opts o;
    unsigned long long n;

    memset(&o, 0, sizeof(o));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        const char *v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(serve_usage, stdout);
            return SIFT_EXIT_OK;
        } else if (strcmp(a, "--require-token-for-reads") == 0) {
            o.require_token_reads = true;
            continue;
        } else if (strcmp(a, "--log-numbers") == 0) {
            o.log_numbers = true;
            continue;
        } else if (strcmp(a, "--log-requests") == 0) {
            o.log_requests = true;
            continue;
        } else if (strcmp(a, "--no-store") == 0) {
            o.no_store = true;
            continue;
        } else if (strcmp(a, "--listen") == 0) {
            dst = &o.listen;
        } else if (strcmp(a, "--db") == 0) {
            dst = &o.db_path;
        } else if (strcmp(a, "--data") == 0) {
            dst = &o.data_dir;
        } else if (strcmp(a, "--config") == 0) {
            dst = &o.config_path;
        } else if (strcmp(a, "--web") == 0) {
            dst = &o.web_dir;
        } else if (strcmp(a, "--tokens") == 0) {
            dst = &o.tokens_path;
        } else if (strcmp(a, "--cors") == 0) {
            dst = &o.cors_origin;
        }
        if (i + 1 >= argc) {
            fprintf(stderr,
                    "callsift serve: unknown argument or missing "
                    "value: '%s'\n\n%s",
                    a, serve_usage);
            return SIFT_EXIT_USAGE;
        }
        if (dst != NULL) {
            *dst = argv[++i];
            continue;
        }
        v = argv[++i];
        if (strcmp(a, "--threads") == 0 && uint_arg(v, 256, &n)) {
            o.threads = (unsigned)n;
        } else if (strcmp(a, "--max-body") == 0 && uint_arg(v, 64u << 20, &n)) {
            o.max_body = (size_t)n;
        } else if (strcmp(a, "--max-connections") == 0 &&
                   uint_arg(v, 1000000, &n)) {
            o.max_conns = (unsigned)n;
        } else if (strcmp(a, "--max-per-ip") == 0 && uint_arg(v, 1000000, &n)) {
            o.max_per_ip = (unsigned)n;
        } else if (strcmp(a, "--timeout") == 0 && uint_arg(v, 3600, &n)) {
            o.timeout_s = (unsigned)n;
        } else if (strcmp(a, "--report-rate") == 0 &&
                   uint_arg(v, 1000000, &n)) {
            o.report_per_min = (double)n;
        } else if (strcmp(a, "--report-burst") == 0 &&
                   uint_arg(v, 1000000, &n)) {
            o.report_burst = (unsigned)n;
        } else {
            fprintf(stderr, "callsift serve: bad argument '%s %s'\n\n%s", a, v,
                    serve_usage);
            return SIFT_EXIT_USAGE;
        }
    }
    return sift__serve(&o);
}

int sift_cli_token(int argc, char **argv)
{
    const char *db = NULL, *tokens = NULL, *note = NULL;
    char path[4096], tok[80];
    struct sift_err err = {0};

    if (argc < 2 || strcmp(argv[1], "new") != 0) {
        if (argc >= 2 &&
            (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(token_usage, stdout);
            return SIFT_EXIT_OK;
        }
        fputs(token_usage, stderr);
        return SIFT_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        const char **dst = NULL;
        if (strcmp(argv[i], "--db") == 0)
            dst = &db;
        else if (strcmp(argv[i], "--tokens") == 0)
            dst = &tokens;
        else if (strcmp(argv[i], "--note") == 0)
            dst = &note;
        else if (strcmp(argv[i], "--help") == 0) {
            fputs(token_usage, stdout);
            return SIFT_EXIT_OK;
        }
        if (dst == NULL || i + 1 >= argc) {
            fprintf(stderr, "callsift token: bad argument '%s'\n\n%s", argv[i],
                    token_usage);
            return SIFT_EXIT_USAGE;
        }
        *dst = argv[++i];
    }
    if (tokens != NULL)
        sift__strlcpy(path, tokens, sizeof(path));
    else
        sift__tokens_default_path(db, path, sizeof(path));
    if (sift__token_new(path, note, tok, sizeof(tok), &err) != SIFT_OK) {
        fprintf(stderr, "callsift token: %s%s%s\n", err.where,
                err.where[0] ? ": " : "", err.msg);
        return SIFT_EXIT_INTERNAL;
    }
    printf("%s\n", tok);
    fprintf(stderr,
            "callsift token: its hash is in %s; keep the token: "
            "it cannot be shown again\n",
            path);
    return SIFT_EXIT_OK;
}
