/*
 * fuzz-http-body.c - libFuzzer target for the HTTP API's request
 * handling below libmicrohttpd: the router, the percent-decoding of
 * /v1/numbers/{n}, and the strict JSON bodies of the checks, reports and
 * lists (src/server). The first byte picks the endpoint, the rest is the
 * body (or the path's tail). Any input must give a status the API
 * documents, and every answer must be one JSON document (checked with
 * jansson) unless it is the page or the metrics text.
 *
 * The server state is made once with a store in a temporary folder and a
 * token, so writes get past authentication and reach the parsers; the
 * report rate limit is lifted.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sift__server srv;
static char auth[128];
static bool ready;
static char dir[] = "/tmp/callsift-fuzz-XXXXXX";

/* Leave no store behind in /tmp. */
static void cleanup(void)
{
    static const char *const files[] = {"fuzz.db", "fuzz.db-wal", "fuzz.db-shm",
                                        "tokens", NULL};
    char path[128];

    sift__server_release(&srv);
    for (size_t i = 0; files[i] != NULL; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void setup(void)
{
    struct sift__serve_opts o;
    struct sift_err err = {0};
    char db[128], tokens[128], tok[80];

    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(db, sizeof(db), "%s/fuzz.db", dir);
    snprintf(tokens, sizeof(tokens), "%s/tokens", dir);
    if (sift__token_new(tokens, "fuzz", tok, sizeof(tok), &err) != SIFT_OK)
        abort();
    snprintf(auth, sizeof(auth), "Bearer %s", tok);
    memset(&o, 0, sizeof(o));
    o.db_path = db;
    o.tokens_path = tokens;
    o.data_dir = getenv("CALLSIFT_DATA") ? NULL : "data";
    o.web_dir = "web";
    o.report_per_min = 1e9;
    o.report_burst = 1000000000u;
    if (sift__server_init(&srv, &o, &err) != SIFT_OK) {
        fprintf(stderr, "fuzz-http-body: %s: %s\n", err.where, err.msg);
        abort();
    }
    ready = true;
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        enum sift__method method;
        const char *path;
        bool body, token;
    } routes[] = {
        {SIFT__POST, "/v1/calls/check", true, false},
        {SIFT__POST, "/v1/messages/check", true, false},
        {SIFT__POST, "/v1/reports", true, true},
        {SIFT__POST, "/v1/lists", true, true},
        {SIFT__GET, "/v1/numbers/", false, false},
        {SIFT__DELETE, "/v1/lists/", false, true},
        {SIFT__GET, "/v1/campaigns/", false, false},
        {SIFT__GET, "", false, false}, /* any path */
    };
    struct sift__req req;
    struct sift__resp resp;
    char *path = NULL;
    size_t k;
    int s;

    if (!ready)
        setup();
    if (size < 1)
        return 0;
    k = data[0] % (sizeof(routes) / sizeof(routes[0]));
    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    sift__buf_init(&resp.body, 4u << 20);
    req.method = routes[k].method;
    req.client = "127.0.0.1";
    req.authorization = routes[k].token ? auth : NULL;
    req.content_type = "application/json";
    if (routes[k].body) {
        req.path = routes[k].path;
        req.body = (const char *)data + 1;
        req.body_len = size - 1;
    } else {
        /* The path as libmicrohttpd gives it: NUL-terminated, raw. */
        size_t plen = strlen(routes[k].path);
        path = malloc(plen + size);
        if (path == NULL)
            return 0;
        memcpy(path, routes[k].path, plen);
        memcpy(path + plen, data + 1, size - 1);
        path[plen + size - 1] = '\0';
        req.path = path;
        req.body = "";
    }
    sift__api_handle(&srv, &req, &resp);
    s = resp.status;
    if (!(s == 200 || s == 201 || s == 400 || s == 401 || s == 404 ||
          s == 405 || s == 413 || s == 415 || s == 503))
        abort();
    if (resp.static_body == NULL && !resp.body.over &&
        resp.content_type == NULL) {
        json_error_t jerr;
        json_t *doc = json_loadb(resp.body.p, resp.body.len, 0, &jerr);
        if (doc == NULL) {
            fprintf(stderr, "not JSON (%s): %.*s\n", jerr.text,
                    (int)(resp.body.len > 400 ? 400 : resp.body.len),
                    resp.body.p);
            abort();
        }
        if (s >= 400 &&
            json_object_get(json_object_get(doc, "error"), "where") == NULL)
            abort(); /* an error says where */
        json_decref(doc);
    }
    sift__gen_put(resp.hold);
    sift__buf_release(&resp.body);
    free(path);
    return 0;
}
