/*
 * server.c - `callsift serve`: start, reload, drain, stop.
 *
 * Start: build the first generation (engine + web files), open the store
 * (server_store.c), start libmicrohttpd (server_http.c) and wait for
 * signals in the main thread; every other thread has them blocked.
 *   SIGHUP   build a new generation and swap it in; requests already
 *            running finish on the old one (their reference keeps it); a
 *            broken file keeps the old one and the log says file:line.
 *   SIGTERM  stop accepting, answer what is in flight (Connection: close),
 *   SIGINT   wait for it (at most 10 s), stop, close the store, exit 0.
 *
 * Generations are reference counted: sift__gen_get() takes a reference
 * under gen_lock (a few instructions), sift__gen_put() drops it and frees
 * the generation when it was the last one and no longer current.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/server_int.h"
#include "util/file.h"
#include "util/util.h"

#ifndef SIFT_DATADIR
#define SIFT_DATADIR "/usr/local/share/callsift"
#endif

#define WEB_FILE_MAX (1u << 20)

static const struct {
    const char *file, *name, *type;
} web_files[] = {
    {"index.html", "/", "text/html; charset=utf-8"},
    {"app.js", "/app.js", "text/javascript; charset=utf-8"},
    {"app.css", "/app.css", "text/css; charset=utf-8"},
    {"favicon.svg", "/favicon.svg", "image/svg+xml"},
};

static void gen_free(struct sift__gen *g)
{
    if (g == NULL)
        return;
    sift_engine_free(g->eng);
    for (size_t i = 0; i < g->n_web; i++)
        sift_free(g->web[i].data);
    sift_free(g);
}

static uint64_t fnv64(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static enum sift_rc load_web(struct sift__server *srv, struct sift__gen *g,
                             struct sift_err *err)
{
    char path[4200];

    if (srv->web_dir[0] == '\0')
        return SIFT_OK;
    for (size_t i = 0; i < SIFT_ARRAY_LEN(web_files); i++) {
        struct sift__file *f = &g->web[g->n_web];
        enum sift_rc rc;
        snprintf(path, sizeof(path), "%s/%s", srv->web_dir, web_files[i].file);
        if (access(path, R_OK) != 0 && i > 0 &&
            strcmp(web_files[i].file, "favicon.svg") == 0)
            continue;
        rc = sift__file_read(path, WEB_FILE_MAX, &f->data, &f->len, err);
        if (rc != SIFT_OK)
            return rc;
        f->name = web_files[i].name;
        f->type = web_files[i].type;
        snprintf(f->etag, sizeof(f->etag), "\"%016llx\"",
                 (unsigned long long)fnv64(f->data, f->len));
        g->n_web++;
    }
    return SIFT_OK;
}

enum sift_rc sift__gen_new(struct sift__server *srv, struct sift__gen **out,
                           struct sift_err *err)
{
    struct sift_engine_opts eo = {0};
    struct sift__gen *g = sift_calloc(1, sizeof(*g));
    enum sift_rc rc;

    *out = NULL;
    if (g == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    eo.data_dir = srv->o.data_dir;
    eo.config_path = srv->o.config_path;
    rc = sift_engine_new(&g->eng, &eo, err);
    if (rc == SIFT_OK)
        rc = load_web(srv, g, err);
    if (rc != SIFT_OK) {
        gen_free(g);
        return rc;
    }
    /* Checks see reports, lists, call patterns and campaigns. Attached
     * before the generation is published (engine.h: not while checks
     * run). */
    if (srv->rep != NULL)
        sift_engine_set_reputation(g->eng, srv->rep);
    g->n_signals = sift_engine_signals(g->eng, &g->signals);
    atomic_init(&g->refs, 1); /* the server's own reference */
    *out = g;
    return SIFT_OK;
}

struct sift__gen *sift__gen_get(struct sift__server *srv)
{
    struct sift__gen *g;

    pthread_mutex_lock(&srv->gen_lock);
    g = srv->gen;
    if (g != NULL)
        atomic_fetch_add_explicit(&g->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&srv->gen_lock);
    return g;
}

void sift__gen_put(struct sift__gen *g)
{
    if (g == NULL)
        return;
    if (atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) == 1)
        gen_free(g);
}

/* Swap in a new generation; the old one goes when its last request
 * does. */
static void gen_install(struct sift__server *srv, struct sift__gen *g)
{
    struct sift__gen *old;

    pthread_mutex_lock(&srv->gen_lock);
    old = srv->gen;
    g->serial = ++srv->serial;
    srv->gen = g;
    pthread_mutex_unlock(&srv->gen_lock);
    sift__gen_put(old);
}

static bool dir_has_index(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/index.html", dir);
    return access(path, R_OK) == 0;
}

static void find_web_dir(struct sift__server *srv)
{
    const char *env = getenv("CALLSIFT_WEB");

    if (srv->o.web_dir != NULL)
        sift__strlcpy(srv->web_dir, srv->o.web_dir, sizeof(srv->web_dir));
    else if (env != NULL && *env != '\0')
        sift__strlcpy(srv->web_dir, env, sizeof(srv->web_dir));
    else if (dir_has_index("web"))
        sift__strlcpy(srv->web_dir, "web", sizeof(srv->web_dir));
    else if (dir_has_index(SIFT_DATADIR "/web"))
        sift__strlcpy(srv->web_dir, SIFT_DATADIR "/web", sizeof(srv->web_dir));
    else
        srv->web_dir[0] = '\0';
}

enum sift_rc sift__server_init(struct sift__server *srv,
                               const struct sift__serve_opts *opts,
                               struct sift_err *err)
{
    struct sift__gen *g = NULL;
    char tokens[4096];
    const char *db;
    enum sift_rc rc;

    memset(srv, 0, sizeof(*srv));
    srv->o = *opts;
    if (srv->o.max_body == 0)
        srv->o.max_body = 96 * 1024;
    if (srv->o.timeout_s == 0)
        srv->o.timeout_s = 15;
    if (srv->o.max_conns == 0)
        srv->o.max_conns = 4096;
    if (srv->o.max_per_ip == 0)
        srv->o.max_per_ip = 256;
    if (srv->o.report_per_min <= 0)
        srv->o.report_per_min = 10;
    if (srv->o.report_burst == 0)
        srv->o.report_burst = 20;
    /* Each store connection of the server lives as long as it does: a
     * smaller page cache than the import's 64 MiB keeps its memory flat
     * (CALLSIFT_DB_CACHE_KIB, when set, wins). */
    setenv("CALLSIFT_DB_CACHE_KIB", "8192", 0);
    db = srv->o.db_path;
    if (db == NULL || *db == '\0')
        db = getenv("CALLSIFT_DB");
    if (db == NULL || *db == '\0')
        db = "var/callsift.db";
    sift__strlcpy(srv->db_path, db, sizeof(srv->db_path));
    find_web_dir(srv);

    pthread_mutex_init(&srv->gen_lock, NULL);
    sift__metrics_init(&srv->metrics);
    sift__ratelimit_init(&srv->reports_rl, srv->o.report_per_min,
                         srv->o.report_burst);
    if (srv->o.tokens_path != NULL)
        sift__strlcpy(tokens, srv->o.tokens_path, sizeof(tokens));
    else
        sift__tokens_default_path(srv->db_path, tokens, sizeof(tokens));
    sift__tokens_init(&srv->tokens, tokens);

    rc = sift__gen_new(srv, &g, err);
    if (rc != SIFT_OK)
        return rc;
    gen_install(srv, g);
    return sift__store_open(srv, err);
}

void sift__server_release(struct sift__server *srv)
{
    struct sift__gen *g = srv->gen;

    srv->gen = NULL;
    sift__gen_put(g);
    sift__store_close(srv);
    sift__tokens_release(&srv->tokens);
    sift__ratelimit_release(&srv->reports_rl);
    sift__metrics_release(&srv->metrics);
    pthread_mutex_destroy(&srv->gen_lock);
}

static void reload(struct sift__server *srv)
{
    struct sift__gen *g = NULL;
    struct sift_err err = {0};
    enum sift_rc rc;

    sift__tokens_refresh(&srv->tokens);
    rc = sift__gen_new(srv, &g, &err);
    if (rc != SIFT_OK) {
        atomic_fetch_add(&srv->metrics.reload_failures, 1);
        sift__log("error", "reload failed, keeping generation %lu: %s%s%s (%s)",
                  srv->serial, err.where, err.where[0] ? ": " : "", err.msg,
                  sift_rc_name(rc));
        return;
    }
    gen_install(srv, g);
    atomic_fetch_add(&srv->metrics.reloads, 1);
    sift__log("info",
              "reloaded rules, organisations and configuration: "
              "generation %lu",
              srv->serial);
}

int sift__serve(const struct sift__serve_opts *opts)
{
    struct sift__server *srv;
    struct sift_err err = {0};
    sigset_t set;
    int status;

    /* Every thread started from here on inherits the blocked set; the
     * main thread takes the signals with sigwait in server_http.c. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    srv = sift_calloc(1, sizeof(*srv));
    if (srv == NULL) {
        sift__log("error", "out of memory");
        return 3;
    }
    if (sift__server_init(srv, opts, &err) != SIFT_OK) {
        sift__log("error", "cannot start: %s%s%s", err.where,
                  err.where[0] ? ": " : "", err.msg);
        sift__server_release(srv);
        sift_free(srv);
        return 3;
    }
    if (srv->web_dir[0] == '\0')
        sift__log("warn", "no web/ folder found: the page at / is off "
                          "(--web DIR)");
    status = sift__http_run(srv);
    sift__server_release(srv);
    sift_free(srv);
    return status;
}

void sift__server_reload(struct sift__server *srv)
{
    reload(srv);
}
