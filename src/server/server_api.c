/*
 * server_api.c - the HTTP API's router and its read endpoints: the two
 * checks, a number's page, health, readiness, metrics, statistics and the
 * web page's files. The store's endpoints (reports, lists, campaigns) are
 * in server_store.c. docs/api/ has one page per endpoint.
 *
 * Handlers fill a struct sift__resp and never see libmicrohttpd. Errors
 * are {"error":{"code","message","where"}} with the status from one table
 * (sift__rc_status). Checks are reads: they change nothing a person sees,
 * so they are open unless --require-token-for-reads.
 *
 * Per thread, a verdict (about 40 KiB) is kept in thread-specific
 * storage, and its JSON is written straight into the response body
 * (which server_http.c hands to libmicrohttpd without a copy), so a check
 * allocates nothing of its own beyond the body and what the event parser
 * does.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server_int.h"
#include "util/file.h"
#include "util/util.h"

/* Room reserved before writing a verdict in place: the answer to a
 * typical call (about 6 KiB) fits without a second pass. */
#define VERDICT_JSON_GUESS (8 * 1024)
#define VERDICT_JSON_MAX   (1024 * 1024)

struct tls {
    struct sift_verdict v;
};

static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

static void tls_free(void *p)
{
    sift_free(p);
}

static void tls_make_key(void)
{
    pthread_key_create(&tls_key, tls_free);
}

static struct tls *tls_get(void)
{
    struct tls *t;

    pthread_once(&tls_once, tls_make_key);
    t = pthread_getspecific(tls_key);
    if (t != NULL)
        return t;
    t = sift_calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    pthread_setspecific(tls_key, t);
    return t;
}

/* Append the verdict's JSON object to out, written in place; *at is
 * where it starts (its '{'). false when out of memory or over
 * VERDICT_JSON_MAX. */
static bool add_verdict_json(const struct sift_verdict *v,
                             struct sift__buf *out, size_t *at)
{
    size_t room, need;

    if (!sift__buf_reserve(out, VERDICT_JSON_GUESS))
        return false;
    room = out->cap - out->len;
    need = sift_verdict_json(v, out->p + out->len, room);
    if (need >= room) {
        if (need > VERDICT_JSON_MAX || !sift__buf_reserve(out, need))
            return false;
        need = sift_verdict_json(v, out->p + out->len, out->cap - out->len);
    }
    *at = out->len;
    out->len += need;
    return true;
}

int sift__rc_status(enum sift_rc rc)
{
    switch (rc) {
    case SIFT_OK:
        return 200;
    case SIFT_EINVAL:
    case SIFT_EPARSE:
        return 400;
    case SIFT_ETOOBIG:
        return 413;
    case SIFT_ENOTFOUND:
        return 404;
    case SIFT_ENOMEM:
    case SIFT_ESTORE:
        return 503;
    case SIFT_ETIMEOUT:
        return 504;
    case SIFT_EIO:
    case SIFT_ECRYPTO:
    default:
        return 500;
    }
}

void sift__api_error(struct sift__resp *resp, int status, const char *code,
                     const char *message, const char *where)
{
    resp->status = status;
    resp->content_type = NULL;
    resp->static_body = NULL;
    sift__buf_reset(&resp->body);
    sift__buf_adds(&resp->body, "{\"error\":{\"code\":");
    sift__buf_json_str(&resp->body, code, (size_t)-1);
    sift__buf_adds(&resp->body, ",\"message\":");
    sift__buf_json_str(&resp->body, message, (size_t)-1);
    sift__buf_adds(&resp->body, ",\"where\":");
    sift__buf_json_str(&resp->body, where ? where : "", (size_t)-1);
    sift__buf_adds(&resp->body, "}}\n");
}

static void error_rc(struct sift__resp *resp, const struct sift_err *err)
{
    sift__api_error(resp, sift__rc_status(err->rc), sift_rc_name(err->rc),
                    err->msg[0] ? err->msg : sift_strerror(err->rc),
                    err->where);
}

bool sift__json_type_ok(const char *ct)
{
    /* JSON, or no type, or what `curl -d` and a plain form say: the body
     * must parse as JSON all the same. Writes need a bearer token, which a
     * browser never adds to a cross-site request, so a "simple" type
     * opens no CSRF hole. multipart and the rest are refused. */
    return ct == NULL || strncasecmp(ct, "application/json", 16) == 0 ||
           strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 ||
           strncasecmp(ct, "text/plain", 10) == 0;
}

/* A POST body must be JSON (or say nothing about its type). */
static bool json_body_ok(const struct sift__req *req, struct sift__resp *resp)
{
    const char *ct = req->content_type;

    if (!sift__json_type_ok(ct)) {
        sift__api_error(resp, 415, "EMEDIATYPE",
                        "the body must be application/json", "Content-Type");
        return false;
    }
    return true;
}

/* "duration" of a call (seconds, integer >= 0; absent or null: unknown,
 * -1). false (and a 400 in resp) for anything else. The event parser
 * does not know it: it is read from the parsed document, and echoed as
 * every unknown member is. */
static bool call_duration(const struct sift_event_json *ej, int32_t *out,
                          struct sift__resp *resp)
{
    /* "duration" is not an event key: a document that has it is read by
     * the general (jansson) reader, which keeps the document in priv_
     * (engine.h); without priv_ there is no "duration". */
    json_t *d = ej->priv_ != NULL
                    ? json_object_get((json_t *)ej->priv_, "duration")
                    : NULL;

    *out = -1;
    if (d == NULL || json_is_null(d))
        return true;
    if (!json_is_integer(d) || json_integer_value(d) < 0 ||
        json_integer_value(d) > INT32_MAX) {
        sift__api_error(resp, 400, "EPARSE",
                        "duration must be an integer number of seconds, "
                        "0 or more",
                        "$.duration");
        return false;
    }
    *out = (int32_t)json_integer_value(d);
    return true;
}

/* POST /v1/calls/check and /v1/messages/check
 * {"from", "to"?, "time"?, "text"?, "identity"?, "kind"?, "duration"?,
 *  ...echo}
 * The answered event is handed to the writer thread (server_record.c),
 * which logs it; the check does not wait for that. */
/*
 * ?view=compact: the verdict as a SIP proxy needs it, small enough to be
 * parsed again and again by Kamailio's jansson_get:
 *   {"action":"warn","score":7.50,"reason":"SIG1,SIG2,SIG3",
 *    "stir":"pass"|"failed"|null,"sip_code":438}
 * reason names the three heaviest signals (ASCII, fit for a header).
 */
static void compact_verdict(const struct sift_verdict *v, const char *echo,
                            struct sift__buf *out)
{
    size_t order[3] = {0, 0, 0}, n = 0;
    char num[64];

    for (size_t i = 0; i < v->n_signals; i++) {
        size_t k = n < 3 ? n++ : 3;
        if (k == 3 && v->signals[i].weight <= v->signals[order[2]].weight)
            continue;
        if (k == 3)
            k = 2;
        while (k > 0 &&
               v->signals[order[k - 1]].weight < v->signals[i].weight) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    sift__buf_adds(out, "{");
    if (echo != NULL && echo[0] != '\0') {
        sift__buf_adds(out, echo);
        sift__buf_adds(out, ",");
    }
    sift__buf_adds(out, "\"action\":\"");
    sift__buf_adds(out, sift_action_name(v->action));
    snprintf(num, sizeof(num), "\",\"score\":%.2f,\"reason\":\"", v->score);
    sift__buf_adds(out, num);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sift__buf_adds(out, ",");
        sift__buf_adds(out, v->signals[order[i]].name);
    }
    sift__buf_adds(out, "\",\"stir\":");
    if (!v->stir.checked)
        sift__buf_adds(out, "null");
    else if (v->stir.status == SIFT_STIR_PASS)
        sift__buf_adds(out, "\"pass\"");
    else
        sift__buf_adds(out, "\"failed\"");
    snprintf(num, sizeof(num), ",\"sip_code\":%d}\n", v->stir.sip_code);
    sift__buf_adds(out, num);
}

static void handle_check(struct sift__server *srv, const struct sift__req *req,
                         struct sift__resp *resp, enum sift_event_kind kind)
{
    struct sift_event_json ej;
    struct sift_err err = {0};
    struct sift__gen *g = NULL;
    struct tls *t = tls_get();
    size_t at = 0;
    bool echo;
    int32_t duration = -1;
    enum sift_rc rc;

    if (t == NULL) {
        sift__api_error(resp, 503, "ENOMEM", "out of memory", "");
        return;
    }
    if (!json_body_ok(req, resp))
        return;
    rc = sift_event_from_json(&ej, req->body, req->body_len, &err);
    if (rc == SIFT_OK) {
        /* The endpoint says what the event is; a "kind" that contradicts
         * it is an error rather than a silent choice. */
        if (ej.kind_given && ej.ev.kind != kind) {
            sift__api_error(resp, 400, "EPARSE",
                            kind == SIFT_EVENT_CALL
                                ? "kind must be \"call\" on /v1/calls/check"
                                : "kind must be \"sms\" on "
                                  "/v1/messages/check",
                            "$.kind");
            goto out;
        }
        ej.ev.kind = kind;
        if (kind == SIFT_EVENT_CALL && !call_duration(&ej, &duration, resp))
            goto out;
        g = sift__gen_get(srv);
        rc = sift_engine_check(g->eng, &ej.ev, &t->v, &err);
    }
    if (rc != SIFT_OK) {
        error_rc(resp, &err);
        goto out;
    }
    sift__metrics_verdict(&srv->metrics, &t->v,
                          ej.ev.time ? ej.ev.time : (int64_t)time(NULL));
    if (srv->o.log_requests) {
        char a[64], b[64];
        sift__log("info", "check %s from=%s to=%s action=%s score=%.1f",
                  kind == SIFT_EVENT_CALL ? "call" : "sms",
                  sift__redact(srv, ej.ev.from, ej.ev.from_len, a, sizeof(a)),
                  sift__redact(srv, ej.ev.to, ej.ev.to ? ej.ev.to_len : 0, b,
                               sizeof(b)),
                  sift_action_name(t->v.action), t->v.score);
    }
    if (req->query_view != NULL && strcmp(req->query_view, "compact") == 0) {
        compact_verdict(&t->v, ej.echo, &resp->body);
        resp->status = 200;
        sift__record_push(srv, &ej.ev, &t->v, duration);
        goto out;
    }
    /* {echo members, verdict members}: the echo first, then the verdict
     * written after it with its '{' turned into the ','. */
    echo = ej.echo != NULL && ej.echo[0] != '\0';
    if (echo) {
        sift__buf_adds(&resp->body, "{");
        sift__buf_adds(&resp->body, ej.echo);
    }
    if (!add_verdict_json(&t->v, &resp->body, &at)) {
        sift__api_error(resp, 500, "ETOOBIG", "the verdict is too large", "");
        goto out;
    }
    if (echo)
        resp->body.p[at] = ',';
    resp->status = 200;
    sift__buf_add(&resp->body, "\n", 1);
    sift__record_push(srv, &ej.ev, &t->v, duration);
out:
    sift__gen_put(g);
    sift_event_json_release(&ej);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode src into out (size bytes). false on a bad escape, an
 * embedded NUL or a result that does not fit. */
static bool url_decode(const char *src, char *out, size_t size)
{
    size_t n = 0;

    for (const char *p = src; *p; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = hexval((unsigned char)p[1]);
            int lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);
            if (hi < 0 || lo < 0)
                return false;
            c = hi << 4 | lo;
            p += 2;
        }
        if (c == 0 || n + 1 >= size)
            return false;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return true;
}

/* GET /v1/numbers/{number}: the number explained, the verdict without
 * text, and (with the store) its reputation, reports, lists and
 * campaigns. */
static void handle_number(struct sift__server *srv, const char *enc,
                          struct sift__resp *resp)
{
    char raw[SIFT_NUMBER_MAX_INPUT + 1];
    struct sift_event ev = {0};
    struct sift_err err = {0};
    struct sift__gen *g;
    struct tls *t = tls_get();
    size_t at = 0;
    enum sift_rc rc;

    if (t == NULL) {
        sift__api_error(resp, 503, "ENOMEM", "out of memory", "");
        return;
    }
    if (!url_decode(enc, raw, sizeof(raw))) {
        sift__api_error(resp, 400, "EPARSE",
                        "the number in the path is not a valid "
                        "percent-encoded caller ID of at most 256 bytes",
                        "path");
        return;
    }
    if (sift__utf8_valid_prefix(raw, strlen(raw)) != strlen(raw)) {
        sift__api_error(resp, 400, "EPARSE",
                        "the number in the path is not valid UTF-8", "path");
        return;
    }
    ev.kind = SIFT_EVENT_CALL;
    ev.from = raw;
    ev.from_len = strlen(raw);
    if (ev.from_len == 0)
        ev.from = "";
    g = sift__gen_get(srv);
    rc = sift_engine_check(g->eng, &ev, &t->v, &err);
    sift__gen_put(g);
    if (rc != SIFT_OK) {
        error_rc(resp, &err);
        return;
    }
    sift__buf_adds(&resp->body, "{\"input\":");
    sift__buf_json_str(&resp->body, raw, (size_t)-1);
    /* The verdict's members, written in place: its '{' becomes the ','
     * after "input" and its closing brace is dropped ... */
    if (!add_verdict_json(&t->v, &resp->body, &at)) {
        sift__api_error(resp, 500, "ETOOBIG", "the verdict is too large", "");
        return;
    }
    resp->body.p[at] = ',';
    resp->body.len--;
    resp->body.p[resp->body.len] = '\0';
    resp->status = 200;
    /* ... then what the store knows. */
    sift__store_number_json(
        srv, &t->v.caller,
        t->v.caller.status == SIFT_NUMBER_OK ? t->v.caller.e164 : raw,
        &resp->body);
    sift__buf_adds(&resp->body, "}\n");
}

static void handle_ready(struct sift__server *srv, struct sift__resp *resp)
{
    struct sift__gen *g = sift__gen_get(srv);
    bool store = sift__store_ready(srv);
    bool ready = g != NULL && store && !atomic_load(&srv->draining);

    resp->status = ready ? 200 : 503;
    sift__buf_addf(&resp->body,
                   "{\"ready\":%s,\"engine\":%s,\"store\":%s,"
                   "\"draining\":%s,\"generation\":%lu}\n",
                   ready ? "true" : "false", g ? "true" : "false",
                   store ? "true" : "false",
                   atomic_load(&srv->draining) ? "true" : "false",
                   g ? g->serial : 0);
    sift__gen_put(g);
}

/* The page's files, from the generation (reloaded with SIGHUP). */
static bool handle_page(struct sift__server *srv, const struct sift__req *req,
                        struct sift__resp *resp)
{
    struct sift__gen *g;
    const char *path = req->path;
    bool found = false;

    if (strcmp(path, "/index.html") == 0)
        path = "/";
    g = sift__gen_get(srv);
    for (size_t i = 0; i < g->n_web; i++) {
        const struct sift__file *f = &g->web[i];
        if (strcmp(f->name, path) != 0)
            continue;
        /* The bytes live as long as the generation: the response holds
         * a reference until server_http.c has copied them. */
        atomic_fetch_add(&g->refs, 1);
        resp->hold = g;
        resp->status = 200;
        resp->content_type = f->type;
        resp->static_body = f->data;
        resp->static_len = f->len;
        resp->etag = f->etag;
        resp->html = true;
        resp->not_modified_ok = true;
        found = true;
        break;
    }
    sift__gen_put(g);
    return found;
}

static void method_not_allowed(struct sift__resp *resp, const char *allow)
{
    sift__api_error(resp, 405, "EMETHOD",
                    "this method is not allowed here; see Allow", "method");
    resp->allow = allow;
}

static bool is_read(enum sift__method m)
{
    return m == SIFT__GET || m == SIFT__HEAD;
}

void sift__api_handle(struct sift__server *srv, const struct sift__req *req,
                      struct sift__resp *resp)
{
    const char *p = req->path;

    resp->status = 500;
    resp->ep = SIFT__EP_OTHER;

    if (strcmp(p, "/healthz") == 0) {
        resp->ep = SIFT__EP_HEALTHZ;
        resp->no_cache = true;
        if (!is_read(req->method)) {
            method_not_allowed(resp, "GET, HEAD");
            return;
        }
        resp->status = 200;
        sift__buf_adds(&resp->body, "{\"alive\":true}\n");
        return;
    }
    if (strcmp(p, "/readyz") == 0) {
        resp->ep = SIFT__EP_READYZ;
        if (!is_read(req->method)) {
            method_not_allowed(resp, "GET, HEAD");
            return;
        }
        handle_ready(srv, resp);
        return;
    }
    if (strcmp(p, "/metrics") == 0) {
        resp->ep = SIFT__EP_METRICS;
        if (!is_read(req->method)) {
            method_not_allowed(resp, "GET, HEAD");
            return;
        }
        resp->status = 200;
        resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
        sift__metrics_text(srv, &resp->body);
        return;
    }
    if (strncmp(p, "/v1/", 4) != 0) {
        resp->ep = SIFT__EP_PAGE;
        if (is_read(req->method) && handle_page(srv, req, resp))
            return;
        if (!is_read(req->method) &&
            (strcmp(p, "/") == 0 || strcmp(p, "/index.html") == 0)) {
            method_not_allowed(resp, "GET, HEAD");
            return;
        }
        resp->ep = SIFT__EP_OTHER;
        sift__api_error(resp, 404, "ENOTFOUND", "no such path", "path");
        return;
    }

    /* Reads may require a token (--require-token-for-reads); writes
     * always do (server_store.c). */
    if (srv->o.require_token_reads && req->method != SIFT__OPTIONS) {
        sift__tokens_refresh(&srv->tokens);
        if (!sift__tokens_check(&srv->tokens, req->authorization)) {
            sift__api_error(resp, 401, "EAUTH",
                            "this server needs Authorization: Bearer TOKEN "
                            "for every request",
                            "Authorization");
            return;
        }
    }

    if (strcmp(p, "/v1/calls/check") == 0 ||
        strcmp(p, "/v1/messages/check") == 0) {
        bool call = p[4] == 'c';
        resp->ep = call ? SIFT__EP_CALLS_CHECK : SIFT__EP_MESSAGES_CHECK;
        resp->no_cache = true;
        if (req->method != SIFT__POST) {
            method_not_allowed(resp, "POST");
            return;
        }
        handle_check(srv, req, resp, call ? SIFT_EVENT_CALL : SIFT_EVENT_SMS);
        return;
    }
    if (strncmp(p, "/v1/numbers/", 12) == 0 && p[12] != '\0' &&
        strchr(p + 12, '/') == NULL) {
        resp->ep = SIFT__EP_NUMBERS;
        resp->no_cache = true;
        if (!is_read(req->method)) {
            method_not_allowed(resp, "GET, HEAD");
            return;
        }
        handle_number(srv, p + 12, resp);
        return;
    }
    if (strcmp(p, "/v1/stats") == 0) {
        resp->ep = SIFT__EP_STATS;
        resp->no_cache = true;
        if (!is_read(req->method)) {
            method_not_allowed(resp, "GET, HEAD");
            return;
        }
        resp->status = 200;
        sift__stats_json(srv, &resp->body);
        sift__buf_adds(&resp->body, "\n");
        return;
    }
    if (sift__store_route(srv, req, resp))
        return;
    sift__api_error(resp, 404, "ENOTFOUND", "no such endpoint", "path");
}
