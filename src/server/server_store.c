/*
 * server_store.c - the endpoints that read or write what callsift
 * remembers (include/callsift/store.h, reputation.h):
 *
 *   POST   /v1/reports          {number, category, comment?, transcript?,
 *                                reporter?}                 token, 429
 *   GET    /v1/lists            ?limit=N
 *   POST   /v1/lists            {kind, value, match?, callee?, expires?,
 *                                note?}                     token
 *   DELETE /v1/lists/{id}                                   token
 *   GET    /v1/campaigns        ?limit=N
 *   GET    /v1/campaigns/{id}
 *
 * and the store's part of GET /v1/numbers/{n}, /v1/stats and /metrics.
 *
 * One struct sift_store serves the request threads; store_lock serialises
 * every call into it (store.h: one handle per thread or serialised). The
 * reputation index has its own lock and is updated after each committed
 * write, so the next check sees it. A write is acknowledged (201) only
 * after the store committed it. Checked events are logged by the writer
 * thread (server_record.c) on a second handle, started and drained here.
 *
 * Reporter identity (issue 4: one reporter counts once per number): the
 * SHA-256 of the bearer token, plus the body's "reporter" (an integrator
 * reporting for its users names them) or else the client address, hashed
 * with the store's salt. Only the hash is kept.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server_int.h"
#include "util/file.h"
#include "util/util.h"

#define LIST_LIMIT_MAX 1000

enum sift_rc sift__store_open(struct sift__server *srv, struct sift_err *err)
{
    enum sift_rc rc;

    pthread_mutex_init(&srv->store_lock, NULL);
    if (srv->o.no_store)
        return SIFT_OK;
    rc = sift_store_open(&srv->store, srv->db_path, err);
    if (rc == SIFT_OK)
        rc = sift_reputation_new(&srv->rep, NULL, err);
    if (rc == SIFT_OK)
        rc = sift_reputation_load(srv->rep, srv->store, err);
    /* The first generation was built before the index existed; no check
     * runs yet, so it may be attached now. */
    if (rc == SIFT_OK && srv->gen != NULL)
        sift_engine_set_reputation(srv->gen->eng, srv->rep);
    /* Answered checks are logged by one writer with its own handle. */
    if (rc == SIFT_OK)
        rc = sift__record_start(srv, err);
    return rc;
}

void sift__store_close(struct sift__server *srv)
{
    /* Drain the writer first: it uses the index freed below. */
    sift__record_stop(srv);
    sift_reputation_free(srv->rep);
    srv->rep = NULL;
    sift_store_close(srv->store);
    srv->store = NULL;
    pthread_mutex_destroy(&srv->store_lock);
}

bool sift__store_ready(struct sift__server *srv)
{
    return srv->store != NULL || srv->o.no_store;
}

/* ---- helpers ---------------------------------------------------------- */

static const char *region(void)
{
    const char *r = getenv("CALLSIFT_REGION");
    return (r != NULL && *r != '\0') ? r : "JP";
}

/* An SMS sender ID as phones show it ("Amazon", "NTT-Finance", "楽天"):
 * valid UTF-8 under SIFT_KEY_MAX bytes, no control characters, and at
 * least one letter (ASCII, or any non-ASCII character). */
static bool sender_id_ok(const char *s, size_t len)
{
    bool letter = false;

    if (len == 0 || len >= SIFT_KEY_MAX ||
        sift__utf8_valid_prefix(s, len) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
            letter = true;
    }
    return letter;
}

/* The store key for a number as typed: E.164, or an SMS sender ID as
 * written. false (and a 400 in resp) when it is neither. */
static bool number_key(const char *raw, size_t len, char key[SIFT_KEY_MAX],
                       struct sift_number *num, const char *where,
                       struct sift__resp *resp)
{
    sift_number_parse(num, raw, len, region(), NULL);
    if (num->status == SIFT_NUMBER_OK) {
        sift__strlcpy(key, num->e164, SIFT_KEY_MAX);
        return true;
    }
    if (num->status == SIFT_NUMBER_NOT_A_NUMBER && sender_id_ok(raw, len)) {
        /* An SMS sender ID ("Amazon", "NTT-Finance"). */
        memcpy(key, raw, len);
        key[len] = '\0';
        return true;
    }
    sift__api_error(resp, 400, "EPARSE",
                    "not a phone number or an SMS sender ID of at most 63 "
                    "bytes",
                    where);
    return false;
}

/* The body as a JSON object, or a 400 in resp. */
static json_t *body_object(const struct sift__req *req, struct sift__resp *resp)
{
    json_error_t jerr;
    json_t *root;
    char where[32];

    if (!sift__json_type_ok(req->content_type)) {
        sift__api_error(resp, 415, "EMEDIATYPE",
                        "the body must be application/json", "Content-Type");
        return NULL;
    }
    root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        char msg[256];
        snprintf(where, sizeof(where), "byte %d", jerr.position);
        snprintf(msg, sizeof(msg), "malformed JSON: %s", jerr.text);
        sift__api_error(resp, 400, "EPARSE", msg, where);
        return NULL;
    }
    if (!json_is_object(root)) {
        sift__api_error(resp, 400, "EPARSE", "the body must be a JSON object",
                        "$");
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Check every member is one of known[]; a 400 names the first that is
 * not (strict: a typo is an error, not a silently ignored field). */
static bool only_known(json_t *root, const char *const *known,
                       struct sift__resp *resp)
{
    const char *k;
    json_t *v;

    json_object_foreach(root, k, v)
    {
        size_t i;
        char where[96];
        (void)v;
        for (i = 0; known[i] != NULL; i++)
            if (strcmp(known[i], k) == 0)
                break;
        if (known[i] == NULL) {
            snprintf(where, sizeof(where), "$.%.80s", k);
            sift__api_error(resp, 400, "EPARSE", "unknown field", where);
            return false;
        }
    }
    return true;
}

/* A string member (NULL when absent or null); false with a 400 on a
 * wrong type, an embedded NUL or more than max bytes. */
static bool get_str(json_t *root, const char *name, size_t max, bool required,
                    const char **out, size_t *len, struct sift__resp *resp)
{
    json_t *v = json_object_get(root, name);
    char where[64], msg[128];

    *out = NULL;
    *len = 0;
    snprintf(where, sizeof(where), "$.%s", name);
    if (v == NULL || json_is_null(v)) {
        if (required) {
            snprintf(msg, sizeof(msg), "%s is required", name);
            sift__api_error(resp, 400, "EPARSE", msg, where);
            return false;
        }
        return true;
    }
    if (!json_is_string(v)) {
        snprintf(msg, sizeof(msg), "%s must be a string", name);
        sift__api_error(resp, 400, "EPARSE", msg, where);
        return false;
    }
    *out = json_string_value(v);
    *len = json_string_length(v);
    if (memchr(*out, '\0', *len) != NULL) {
        snprintf(msg, sizeof(msg), "%s holds a NUL character", name);
        sift__api_error(resp, 400, "EPARSE", msg, where);
        return false;
    }
    if (*len > max) {
        snprintf(msg, sizeof(msg), "%s is over %zu bytes", name, max);
        sift__api_error(resp, 413, "ETOOBIG", msg, where);
        return false;
    }
    if (required && *len == 0) {
        snprintf(msg, sizeof(msg), "%s is empty", name);
        sift__api_error(resp, 400, "EPARSE", msg, where);
        return false;
    }
    return true;
}

static bool need_token(struct sift__server *srv, const struct sift__req *req,
                       struct sift__resp *resp)
{
    sift__tokens_refresh(&srv->tokens);
    if (sift__tokens_check(&srv->tokens, req->authorization))
        return true;
    sift__api_error(resp, 401, "EAUTH",
                    req->authorization == NULL
                        ? "writing needs Authorization: Bearer TOKEN "
                          "(callsift token new)"
                        : "the token is not known to this server",
                    "Authorization");
    return false;
}

static void store_error(struct sift__resp *resp, const struct sift_err *err)
{
    sift__api_error(resp, sift__rc_status(err->rc), sift_rc_name(err->rc),
                    err->msg[0] ? err->msg : sift_strerror(err->rc),
                    err->where);
}

static size_t query_limit(const struct sift__req *req, size_t def)
{
    unsigned long long n;
    if (req->query_limit == NULL ||
        !sift__parse_uint(req->query_limit, LIST_LIMIT_MAX, &n) || n == 0)
        return def;
    return (size_t)n;
}

static bool parse_id(const char *s, int64_t *out)
{
    unsigned long long n;
    if (!sift__parse_uint(s, (unsigned long long)INT64_MAX, &n) || n == 0)
        return false;
    *out = (int64_t)n;
    return true;
}

void sift__store_stats_json(struct sift__server *srv, struct sift__buf *b)
{
    struct sift_store_stats st = {0};

    if (srv->store == NULL) {
        sift__buf_adds(b, ",\"store\":null,\"most_reported\":[]");
        return;
    }
    pthread_mutex_lock(&srv->store_lock);
    sift_store_stats(srv->store, &st, NULL);
    pthread_mutex_unlock(&srv->store_lock);
    sift__buf_addf(b,
                   ",\"store\":{\"reports\":%lld,\"lists\":%lld,\"calls\":"
                   "%lld,\"campaigns\":%lld,\"bytes\":%lld}",
                   (long long)st.reports, (long long)st.lists,
                   (long long)st.calls, (long long)st.campaigns,
                   (long long)st.bytes);
    /* From the index, kept current by every report: no walk of the
     * reports, and one reporter counts once however often it reports. */
    {
        struct sift_rep_top top[SIFT_REP_TOP_MAX];
        size_t n =
            sift_reputation_most_reported(srv->rep, top, SIFT_REP_TOP_MAX);
        sift__buf_adds(b, ",\"most_reported\":[");
        for (size_t i = 0; i < n; i++) {
            sift__buf_adds(b, i ? ",{\"number\":" : "{\"number\":");
            sift__buf_json_str(b, top[i].key, (size_t)-1);
            sift__buf_addf(b, ",\"reporters\":%u}", top[i].reporters);
        }
        sift__buf_adds(b, "]");
    }
}

void sift__store_metrics(struct sift__server *srv, struct sift__buf *b)
{
    struct sift_store_stats st = {0};
    struct sift_reputation_stats rs = {0};

    if (srv->store == NULL)
        return;
    pthread_mutex_lock(&srv->store_lock);
    sift_store_stats(srv->store, &st, NULL);
    pthread_mutex_unlock(&srv->store_lock);
    sift_reputation_stats(srv->rep, &rs);
    sift__buf_addf(b,
                   "# HELP callsift_store_rows Rows kept in the store.\n"
                   "# TYPE callsift_store_rows gauge\n"
                   "callsift_store_rows{table=\"reports\"} %lld\n"
                   "callsift_store_rows{table=\"lists\"} %lld\n"
                   "callsift_store_rows{table=\"calls\"} %lld\n"
                   "callsift_store_rows{table=\"campaigns\"} %lld\n"
                   "# HELP callsift_store_bytes Size of the store.\n"
                   "# TYPE callsift_store_bytes gauge\n"
                   "callsift_store_bytes %lld\n"
                   "# HELP callsift_reputation_numbers Numbers in the "
                   "in-memory index.\n"
                   "# TYPE callsift_reputation_numbers gauge\n"
                   "callsift_reputation_numbers %zu\n"
                   "# HELP callsift_reputation_bytes Memory of the index.\n"
                   "# TYPE callsift_reputation_bytes gauge\n"
                   "callsift_reputation_bytes %zu\n",
                   (long long)st.reports, (long long)st.lists,
                   (long long)st.calls, (long long)st.campaigns,
                   (long long)st.bytes, rs.numbers, rs.bytes);
    sift__record_metrics(srv, b);
}

/* ---- GET /v1/numbers/{n}: the store's part -------------------------- */

struct walk {
    struct sift__buf *b;
    size_t n, limit;
    const char *key;
};

static void list_entry_json(struct sift__buf *b,
                            const struct sift_list_entry *e)
{
    sift__buf_addf(b,
                   "{\"id\":%lld,\"kind\":\"%s\",\"match\":\"%s\","
                   "\"value\":",
                   (long long)e->id,
                   e->kind == SIFT_LIST_ALLOW ? "allow" : "block",
                   e->match == SIFT_MATCH_EXACT     ? "exact"
                   : e->match == SIFT_MATCH_PREFIX  ? "prefix"
                   : e->match == SIFT_MATCH_COUNTRY ? "country"
                                                    : "type");
    sift__buf_json_str(b, e->value, (size_t)-1);
    sift__buf_adds(b, ",\"callee\":");
    sift__buf_json_str(b, e->callee, (size_t)-1);
    sift__buf_addf(b, ",\"expires\":%lld,\"created\":%lld,\"note\":",
                   (long long)e->expires, (long long)e->created);
    sift__buf_json_str(b, e->note, (size_t)-1);
    sift__buf_adds(b, "}");
}

static int report_json(void *ctx, const struct sift_report *r)
{
    struct walk *w = ctx;

    sift__buf_addf(w->b,
                   "%s{\"id\":%lld,\"category\":\"%s\",\"time\":%lld,"
                   "\"source\":",
                   w->n++ ? "," : "", (long long)r->id,
                   sift_category_name(r->category), (long long)r->time);
    sift__buf_json_str(w->b, r->source, (size_t)-1);
    sift__buf_adds(w->b, ",\"comment\":");
    sift__buf_json_str(w->b, r->comment, (size_t)-1);
    sift__buf_adds(w->b, "}");
    return 0;
}

static void campaign_json(struct sift__buf *b, const struct sift_campaign *c)
{
    sift__buf_addf(b,
                   "{\"id\":%lld,\"first_seen\":%lld,\"last_seen\":%lld,"
                   "\"events\":%lld,\"numbers\":%lld,\"sample\":",
                   (long long)c->id, (long long)c->first_seen,
                   (long long)c->last_seen, (long long)c->n_events,
                   (long long)c->n_numbers);
    sift__buf_json_str(b, c->sample, (size_t)-1);
    sift__buf_adds(b, "}");
}

/* The campaigns a number spoke in, the newest first (at most
 * CAMPAIGNS_SHOWN), by the store's index from a number to its campaigns. */
#define CAMPAIGNS_SHOWN 8

struct camp_find {
    struct sift__buf *b;
    size_t n;
};

static int camp_found(void *ctx, const struct sift_campaign *c)
{
    struct camp_find *f = ctx;

    if (f->n)
        sift__buf_adds(f->b, ",");
    campaign_json(f->b, c);
    return ++f->n == CAMPAIGNS_SHOWN;
}

static void campaigns_of(struct sift__server *srv, const char *key,
                         struct sift__buf *b)
{
    struct camp_find f = {b, 0};

    pthread_mutex_lock(&srv->store_lock);
    sift_store_each_campaign_of(srv->store, key, camp_found, &f, NULL);
    pthread_mutex_unlock(&srv->store_lock);
}

void sift__store_number_json(struct sift__server *srv,
                             const struct sift_number *n, const char *key,
                             struct sift__buf *b)
{
    struct sift_rep_facts f;
    struct walk w;

    if (srv->store == NULL) {
        sift__buf_adds(b, ",\"reputation\":null,\"reports\":[],"
                          "\"lists\":[],\"campaigns\":[]");
        return;
    }
    sift_reputation_assess(
        srv->rep, n, n->status == SIFT_NUMBER_OK ? NULL : key, NULL, 0, 0, &f);
    sift__buf_addf(b,
                   ",\"reputation\":{\"reporters\":%u,\"reports_weight\":"
                   "%.2f,\"safe_reporters\":%u,\"top_category\":\"%s\","
                   "\"last_report\":%lld,\"blocked\":%s,\"allowed\":%s,"
                   "\"campaign\":%lld}",
                   f.reporters, f.reports_weight, f.safe_reporters,
                   sift_category_name(f.top_category), (long long)f.last_report,
                   f.blocked ? "true" : "false", f.allowed ? "true" : "false",
                   (long long)f.campaign);
    memset(&w, 0, sizeof(w));
    w.b = b;
    w.key = key;
    sift__buf_adds(b, ",\"reports\":[");
    /* The index knows whether there is anything to read: a number nobody
     * reported costs no store query (and no wait on store_lock). */
    if (f.reporters > 0 || f.safe_reporters > 0) {
        pthread_mutex_lock(&srv->store_lock);
        sift_store_each_report(srv->store, key, 20, report_json, &w, NULL);
        pthread_mutex_unlock(&srv->store_lock);
    }
    /* The list entry that decides for this number (the index knows it;
     * no walk over every entry). */
    sift__buf_adds(b, "],\"lists\":[");
    if ((f.blocked || f.allowed) && f.list.value != NULL)
        list_entry_json(b, &f.list);
    sift__buf_adds(b, "],\"campaigns\":[");
    campaigns_of(srv, key, b);
    sift__buf_adds(b, "]");
}

/* ---- POST /v1/reports ------------------------------------------------- */

static void handle_report(struct sift__server *srv, const struct sift__req *req,
                          struct sift__resp *resp)
{
    static const char *const known[] = {"number",     "category", "comment",
                                        "transcript", "reporter", NULL};
    json_t *root;
    const char *number, *category, *comment, *transcript, *reporter;
    size_t number_len, category_len, comment_len, transcript_len, reporter_len;
    struct sift_report r;
    struct sift_number num;
    struct sift_err err = {0};
    char key[SIFT_KEY_MAX], ident[256], red[64];
    unsigned char th[32];
    size_t added = 0;
    unsigned wait;
    const char *tok;

    resp->ep = SIFT__EP_REPORTS;
    if (req->method != SIFT__POST) {
        sift__api_error(resp, 405, "EMETHOD", "use POST", "method");
        resp->allow = "POST";
        return;
    }
    if (!need_token(srv, req, resp))
        return;
    wait =
        sift__ratelimit_take(&srv->reports_rl, req->client, sift__now_mono());
    if (wait > 0) {
        atomic_fetch_add(&srv->metrics.rate_limited, 1);
        sift__api_error(resp, 429, "ERATE",
                        "too many reports from this address; try again "
                        "later",
                        "Retry-After");
        resp->retry_after = wait;
        return;
    }
    root = body_object(req, resp);
    if (root == NULL)
        return;
    if (!only_known(root, known, resp) ||
        !get_str(root, "number", SIFT_NUMBER_MAX_INPUT, true, &number,
                 &number_len, resp) ||
        !get_str(root, "category", 32, true, &category, &category_len, resp) ||
        !get_str(root, "comment", SIFT_COMMENT_MAX, false, &comment,
                 &comment_len, resp) ||
        !get_str(root, "transcript", SIFT_TRANSCRIPT_MAX, false, &transcript,
                 &transcript_len, resp) ||
        !get_str(root, "reporter", 128, false, &reporter, &reporter_len, resp))
        goto out;
    memset(&r, 0, sizeof(r));
    if (!sift_category_parse(category, &r.category)) {
        sift__api_error(resp, 400, "EPARSE",
                        "category must be one of scam, spam, telemarketing, "
                        "robocall, silent, safe",
                        "$.category");
        goto out;
    }
    if (!number_key(number, number_len, key, &num, "$.number", resp))
        goto out;
    tok = req->authorization + 7;
    while (*tok == ' ')
        tok++;
    sift__sha256(tok, strlen(tok), th);
    snprintf(ident, sizeof(ident), "api:%02x%02x%02x%02x%02x%02x%02x%02x:%s",
             th[0], th[1], th[2], th[3], th[4], th[5], th[6], th[7],
             reporter != NULL && reporter_len > 0 ? reporter : req->client);
    r.key = key;
    r.comment = comment_len > 0 ? comment : NULL;
    r.transcript = transcript_len > 0 ? transcript : NULL;
    r.time = (int64_t)time(NULL);
    r.source = "api";
    pthread_mutex_lock(&srv->store_lock);
    sift_store_reporter_hash(srv->store, ident, strlen(ident), r.reporter);
    if (sift_store_add_reports(srv->store, &r, 1, &added, &err) != SIFT_OK) {
        pthread_mutex_unlock(&srv->store_lock);
        store_error(resp, &err);
        goto out;
    }
    pthread_mutex_unlock(&srv->store_lock);
    if (r.id != 0)
        sift_reputation_add_report(srv->rep, &r);
    sift__log("info", "report %s %s from %s (id %lld)",
              sift__redact(srv, key, (size_t)-1, red, sizeof(red)),
              sift_category_name(r.category), req->client, (long long)r.id);
    resp->status = 201;
    sift__buf_addf(&resp->body, "{\"id\":%lld,\"number\":", (long long)r.id);
    sift__buf_json_str(&resp->body, key, (size_t)-1);
    sift__buf_addf(&resp->body, ",\"category\":\"%s\",\"added\":%s}\n",
                   sift_category_name(r.category), added ? "true" : "false");
out:
    json_decref(root);
}

/* ---- lists ------------------------------------------------------------ */

static int list_json(void *ctx, const struct sift_list_entry *e)
{
    struct walk *w = ctx;

    if (w->n >= w->limit)
        return 1;
    if (w->n++)
        sift__buf_adds(w->b, ",");
    list_entry_json(w->b, e);
    return 0;
}

static bool is_type_name(const char *s)
{
    static const char *const names[] = {
        "withheld",  "unavailable",  "payphone",        "international",
        "toll_free", "premium_rate", "shared_cost",     "voip",
        "mobile",    "fixed_line",   "personal_number", "uan",
        "pager",     "voicemail",    "unknown",         NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return true;
    return false;
}

/* A prefix: optional "+" then digits, written with a trailing "*". */
static bool prefix_value(const char *s, size_t len, char *out, size_t size)
{
    size_t n = 0;

    if (len < 2 || s[len - 1] != '*' || len > size)
        return false;
    for (size_t i = 0; i + 1 < len; i++) {
        char c = s[i];
        if (c == '+' && i == 0)
            out[n++] = c;
        else if (sift__is_digit((unsigned char)c))
            out[n++] = c;
        else if (c == ' ' || c == '-')
            continue;
        else
            return false;
    }
    out[n] = '\0';
    return n > 0 && !(n == 1 && out[0] == '+');
}

static void handle_list_add(struct sift__server *srv,
                            const struct sift__req *req,
                            struct sift__resp *resp)
{
    static const char *const known[] = {"kind",    "value", "match", "callee",
                                        "expires", "note",  NULL};
    json_t *root, *jexp;
    const char *kind, *value, *match, *callee, *note;
    size_t kind_len, value_len, match_len, callee_len, note_len;
    struct sift_list_entry e;
    struct sift_number num;
    struct sift_err err = {0};
    char val[SIFT_KEY_MAX], callee_key[SIFT_KEY_MAX];

    if (!need_token(srv, req, resp))
        return;
    root = body_object(req, resp);
    if (root == NULL)
        return;
    memset(&e, 0, sizeof(e));
    if (!only_known(root, known, resp) ||
        !get_str(root, "kind", 16, true, &kind, &kind_len, resp) ||
        !get_str(root, "value", SIFT_NUMBER_MAX_INPUT, true, &value, &value_len,
                 resp) ||
        !get_str(root, "match", 16, false, &match, &match_len, resp) ||
        !get_str(root, "callee", SIFT_NUMBER_MAX_INPUT, false, &callee,
                 &callee_len, resp) ||
        !get_str(root, "note", SIFT_NOTE_MAX, false, &note, &note_len, resp))
        goto out;
    if (strcmp(kind, "block") == 0)
        e.kind = SIFT_LIST_BLOCK;
    else if (strcmp(kind, "allow") == 0)
        e.kind = SIFT_LIST_ALLOW;
    else {
        sift__api_error(resp, 400, "EPARSE",
                        "kind must be \"block\" or \"allow\"", "$.kind");
        goto out;
    }
    /* What the value is: said by "match", else read from its shape. */
    if (match == NULL) {
        if (value[value_len - 1] == '*')
            match = "prefix";
        else if (is_type_name(value))
            match = "type";
        else if (value_len == 2 && value[0] >= 'A' && value[0] <= 'Z' &&
                 value[1] >= 'A' && value[1] <= 'Z')
            match = "country";
        else
            match = "exact";
    }
    if (strcmp(match, "exact") == 0) {
        e.match = SIFT_MATCH_EXACT;
        if (!number_key(value, value_len, val, &num, "$.value", resp))
            goto out;
    } else if (strcmp(match, "prefix") == 0) {
        e.match = SIFT_MATCH_PREFIX;
        if (!prefix_value(value, value_len, val, sizeof(val))) {
            sift__api_error(resp, 400, "EPARSE",
                            "a prefix is digits (after an optional +) "
                            "written with a trailing *, as +1877* or 050*",
                            "$.value");
            goto out;
        }
    } else if (strcmp(match, "country") == 0) {
        e.match = SIFT_MATCH_COUNTRY;
        if (value_len != 2 || sift_region_name(value, SIFT_LANG_EN) == NULL) {
            sift__api_error(resp, 400, "EPARSE",
                            "a country is an ISO 3166 code such as US",
                            "$.value");
            goto out;
        }
        sift__strlcpy(val, value, sizeof(val));
    } else if (strcmp(match, "type") == 0) {
        e.match = SIFT_MATCH_TYPE;
        if (!is_type_name(value)) {
            sift__api_error(resp, 400, "EPARSE",
                            "unknown type (withheld, international, "
                            "toll_free, premium_rate, voip ...)",
                            "$.value");
            goto out;
        }
        sift__strlcpy(val, value, sizeof(val));
    } else {
        sift__api_error(resp, 400, "EPARSE",
                        "match must be exact, prefix, country or type",
                        "$.match");
        goto out;
    }
    e.value = val;
    if (callee != NULL && callee_len > 0) {
        sift_number_parse(&num, callee, callee_len, region(), NULL);
        if (num.status != SIFT_NUMBER_OK) {
            sift__api_error(resp, 400, "EPARSE", "callee is not a number",
                            "$.callee");
            goto out;
        }
        sift__strlcpy(callee_key, num.e164, sizeof(callee_key));
        e.callee = callee_key;
    }
    jexp = json_object_get(root, "expires");
    if (jexp != NULL && !json_is_null(jexp)) {
        if (!json_is_integer(jexp) || json_integer_value(jexp) < 0) {
            sift__api_error(resp, 400, "EPARSE",
                            "expires must be seconds since 1970 (0: never)",
                            "$.expires");
            goto out;
        }
        e.expires = (int64_t)json_integer_value(jexp);
    }
    e.note = note;
    e.created = (int64_t)time(NULL);
    pthread_mutex_lock(&srv->store_lock);
    if (sift_store_add_list(srv->store, &e, &err) != SIFT_OK) {
        pthread_mutex_unlock(&srv->store_lock);
        store_error(resp, &err);
        goto out;
    }
    pthread_mutex_unlock(&srv->store_lock);
    sift_reputation_add_list(srv->rep, &e);
    sift__log("info", "list %s %s added (id %lld) by %s", kind, match,
              (long long)e.id, req->client);
    resp->status = 201;
    list_entry_json(&resp->body, &e);
    sift__buf_adds(&resp->body, "\n");
out:
    json_decref(root);
}

static void handle_lists(struct sift__server *srv, const struct sift__req *req,
                         struct sift__resp *resp, const char *rest)
{
    struct sift_err err = {0};
    struct walk w;
    int64_t id;

    resp->ep = SIFT__EP_LISTS;
    if (*rest == '\0') {
        if (req->method == SIFT__POST) {
            handle_list_add(srv, req, resp);
            return;
        }
        if (req->method != SIFT__GET && req->method != SIFT__HEAD) {
            sift__api_error(resp, 405, "EMETHOD", "use GET or POST", "method");
            resp->allow = "GET, HEAD, POST";
            return;
        }
        memset(&w, 0, sizeof(w));
        w.b = &resp->body;
        w.limit = query_limit(req, 100);
        resp->status = 200;
        sift__buf_adds(&resp->body, "{\"entries\":[");
        pthread_mutex_lock(&srv->store_lock);
        sift_store_each_list(srv->store, list_json, &w, NULL);
        pthread_mutex_unlock(&srv->store_lock);
        sift__buf_adds(&resp->body, "]}\n");
        return;
    }
    if (*rest != '/' || !parse_id(rest + 1, &id)) {
        sift__api_error(resp, 404, "ENOTFOUND", "no such list entry", "path");
        return;
    }
    if (req->method != SIFT__DELETE) {
        sift__api_error(resp, 405, "EMETHOD", "use DELETE", "method");
        resp->allow = "DELETE";
        return;
    }
    if (!need_token(srv, req, resp))
        return;
    pthread_mutex_lock(&srv->store_lock);
    if (sift_store_remove_list(srv->store, id, &err) != SIFT_OK) {
        pthread_mutex_unlock(&srv->store_lock);
        store_error(resp, &err);
        return;
    }
    pthread_mutex_unlock(&srv->store_lock);
    sift_reputation_remove_list(srv->rep, id);
    sift__log("info", "list entry %lld removed by %s", (long long)id,
              req->client);
    resp->status = 200;
    sift__buf_addf(&resp->body, "{\"id\":%lld,\"removed\":true}\n",
                   (long long)id);
}

/* ---- campaigns -------------------------------------------------------- */

struct camp_walk {
    struct sift__buf *b;
    size_t n, limit;
    int64_t want; /* 0: all */
    bool found;
};

static int campaign_cb(void *ctx, const struct sift_campaign *c)
{
    struct camp_walk *w = ctx;

    if (w->want != 0) {
        if (c->id != w->want)
            return 0;
        w->found = true;
        campaign_json(w->b, c);
        return 1;
    }
    if (w->n >= w->limit)
        return 1;
    if (w->n++)
        sift__buf_adds(w->b, ",");
    campaign_json(w->b, c);
    return 0;
}

static int campaign_number_cb(void *ctx, int64_t campaign, const char *key,
                              int64_t t)
{
    struct camp_walk *w = ctx;

    (void)campaign;
    if (w->n >= 1000)
        return 1;
    sift__buf_adds(w->b, w->n++ ? ",{\"number\":" : "{\"number\":");
    sift__buf_json_str(w->b, key, (size_t)-1);
    sift__buf_addf(w->b, ",\"first_seen\":%lld}", (long long)t);
    return 0;
}

static void handle_campaigns(struct sift__server *srv,
                             const struct sift__req *req,
                             struct sift__resp *resp, const char *rest)
{
    struct camp_walk w;

    resp->ep = SIFT__EP_CAMPAIGNS;
    if (req->method != SIFT__GET && req->method != SIFT__HEAD) {
        sift__api_error(resp, 405, "EMETHOD", "use GET", "method");
        resp->allow = "GET, HEAD";
        return;
    }
    memset(&w, 0, sizeof(w));
    w.b = &resp->body;
    w.limit = query_limit(req, 100);
    if (*rest == '\0') {
        resp->status = 200;
        sift__buf_adds(&resp->body, "{\"campaigns\":[");
        pthread_mutex_lock(&srv->store_lock);
        sift_store_each_active_campaign(srv->store, campaign_cb, &w, NULL);
        pthread_mutex_unlock(&srv->store_lock);
        sift__buf_adds(&resp->body, "]}\n");
        return;
    }
    if (*rest != '/' || !parse_id(rest + 1, &w.want)) {
        sift__api_error(resp, 404, "ENOTFOUND", "no such campaign", "path");
        return;
    }
    sift__buf_adds(&resp->body, "{\"campaign\":");
    pthread_mutex_lock(&srv->store_lock);
    sift_store_get_campaign(srv->store, w.want, campaign_cb, &w, NULL);
    if (w.found) {
        sift__buf_adds(&resp->body, ",\"numbers\":[");
        w.n = 0;
        sift_store_each_campaign_number(srv->store, w.want, campaign_number_cb,
                                        &w, NULL);
        sift__buf_adds(&resp->body, "]}\n");
    }
    pthread_mutex_unlock(&srv->store_lock);
    if (!w.found) {
        sift__api_error(resp, 404, "ENOTFOUND", "no such campaign", "path");
        return;
    }
    resp->status = 200;
}

bool sift__store_route(struct sift__server *srv, const struct sift__req *req,
                       struct sift__resp *resp)
{
    const char *p = req->path;
    bool reports = strcmp(p, "/v1/reports") == 0;
    bool lists =
        strncmp(p, "/v1/lists", 9) == 0 && (p[9] == '\0' || p[9] == '/');
    bool camps =
        strncmp(p, "/v1/campaigns", 13) == 0 && (p[13] == '\0' || p[13] == '/');

    if (!reports && !lists && !camps)
        return false;
    if (srv->store == NULL) {
        resp->ep = reports ? SIFT__EP_REPORTS
                   : lists ? SIFT__EP_LISTS
                           : SIFT__EP_CAMPAIGNS;
        sift__api_error(resp, 503, "ESTORE",
                        "this server runs without a store (--no-store)",
                        "store");
        return true;
    }
    resp->no_cache = true;
    if (reports)
        handle_report(srv, req, resp);
    else if (lists)
        handle_lists(srv, req, resp, p + 9);
    else
        handle_campaigns(srv, req, resp, p + 13);
    return true;
}
