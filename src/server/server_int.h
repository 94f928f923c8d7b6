/*
 * server_int.h - private to src/server: the server state, the request and
 * response shapes the API handlers see, and the helpers the files share.
 *
 * The flow: libmicrohttpd (server_http.c) collects one request (path,
 * headers, a bounded body) into a struct sift__req, hands it to
 * sift__api_handle() (server_api.c, server_store.c), which fills a
 * struct sift__resp; server_http.c sends it as one buffer. The handlers do
 * not know libmicrohttpd, so the fuzz target and tests can drive them
 * directly.
 *
 * Reload: the engine and the web files form one generation
 * (struct sift__gen). Requests take a reference under a short lock and
 * drop it when done; SIGHUP builds a new generation and swaps the pointer,
 * and the old one is freed by whoever drops its last reference. A broken
 * file leaves the old generation in place.
 */
#ifndef SIFT_SERVER_INT_H
#define SIFT_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callsift.h"
#include "server/server.h"

#include "callsift/reputation.h"
#include "callsift/store.h"

/* ---- growable, bounded output buffer ---------------------------------- */

struct sift__buf {
    char *p;
    size_t len, cap, max;
    bool over; /* an append would have passed max: the text is cut */
};

void sift__buf_init(struct sift__buf *b, size_t max);
void sift__buf_release(struct sift__buf *b);
void sift__buf_reset(struct sift__buf *b);
/* Make room for n more bytes; false when over max or out of memory. */
bool sift__buf_reserve(struct sift__buf *b, size_t n);
void sift__buf_add(struct sift__buf *b, const char *s, size_t len);
void sift__buf_adds(struct sift__buf *b, const char *s);
void sift__buf_addf(struct sift__buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s as a JSON string with quotes; invalid UTF-8 becomes U+FFFD, NULL
 * becomes null. len (size_t)-1: strlen. */
void sift__buf_json_str(struct sift__buf *b, const char *s, size_t len);

/* ---- requests and responses -------------------------------------------- */

enum sift__method {
    SIFT__GET = 0,
    SIFT__HEAD,
    SIFT__POST,
    SIFT__DELETE,
    SIFT__OPTIONS,
    SIFT__OTHER
};

/* Endpoints, for metrics labels. */
enum sift__ep {
    SIFT__EP_PAGE = 0,
    SIFT__EP_CALLS_CHECK,
    SIFT__EP_MESSAGES_CHECK,
    SIFT__EP_NUMBERS,
    SIFT__EP_REPORTS,
    SIFT__EP_LISTS,
    SIFT__EP_CAMPAIGNS,
    SIFT__EP_STATS,
    SIFT__EP_HEALTHZ,
    SIFT__EP_READYZ,
    SIFT__EP_METRICS,
    SIFT__EP_OTHER,
    SIFT__EP_COUNT
};

struct sift__req {
    enum sift__method method;
    const char *path;          /* raw path, no query */
    const char *query_lang;    /* ?lang=ja|en or NULL */
    const char *query_limit;   /* ?limit=N or NULL */
    const char *query_view;    /* ?view=compact or NULL */
    const char *authorization; /* header value or NULL */
    const char *content_type;
    const char *client; /* "127.0.0.1" */
    const char *body;
    size_t body_len;
};

struct sift__resp {
    int status;
    enum sift__ep ep;
    const char *content_type; /* static; NULL: application/json */
    struct sift__buf body;    /* owned; set up by the caller */
    const void *static_body;  /* instead of body: bytes of a generation */
    size_t static_len;
    struct sift__gen *hold; /* the reference keeping static_body */
    const char *etag;       /* static */
    const char *allow;      /* 405: the Allow header */
    unsigned retry_after;   /* 429/503: seconds */
    bool html;              /* send the page's security headers */
    bool no_cache;
    bool not_modified_ok;
};

/* ---- the engine generation -------------------------------------------- */

struct sift__file {
    const char *name; /* "/", "/app.js" ... */
    const char *type;
    char *data;
    size_t len;
    char etag[24];
};

#define SIFT__WEB_FILES 8

struct sift__gen {
    struct sift_engine *eng;
    struct sift__file web[SIFT__WEB_FILES];
    size_t n_web;
    atomic_uint refs;
    unsigned long serial;
    const struct sift_signal_info *signals;
    size_t n_signals;
};

/* ---- metrics ------------------------------------------------------------ */

#define SIFT__N_STATUS  16
#define SIFT__N_BUCKETS 13
#define SIFT__N_SIGNALS 256
#define SIFT__HOURS     24

struct sift__hour {
    _Atomic int64_t hour; /* time / 3600 this slot counts */
    atomic_ullong by_action[4];
};

struct sift__metrics {
    atomic_ullong req[SIFT__EP_COUNT][SIFT__N_STATUS];
    atomic_ullong lat[SIFT__EP_COUNT][SIFT__N_BUCKETS + 1];
    _Atomic uint64_t lat_sum_us[SIFT__EP_COUNT];
    atomic_ullong lat_n[SIFT__EP_COUNT];
    atomic_ullong verdicts[4];
    atomic_ullong reloads, reload_failures;
    atomic_ullong rate_limited;
    pthread_mutex_t sig_lock; /* guards inserts into sig_name */
    _Atomic(const char *) sig_name[SIFT__N_SIGNALS];
    atomic_ullong sig_count[SIFT__N_SIGNALS];
    struct sift__hour hours[SIFT__HOURS];
    int64_t started;
};

void sift__metrics_init(struct sift__metrics *m);
void sift__metrics_release(struct sift__metrics *m);
void sift__metrics_request(struct sift__metrics *m, enum sift__ep ep,
                           int status, uint64_t usec);
void sift__metrics_verdict(struct sift__metrics *m,
                           const struct sift_verdict *v, int64_t now);
const char *sift__ep_name(enum sift__ep ep);

/* ---- rate limit and tokens ---------------------------------------------- */

struct sift__bucket {
    char key[48]; /* client address; "" free */
    double tokens;
    double last; /* seconds, monotonic */
};

#define SIFT__BUCKETS 4096

struct sift__ratelimit {
    pthread_mutex_t lock;
    double per_sec, burst;
    struct sift__bucket b[SIFT__BUCKETS];
};

void sift__ratelimit_init(struct sift__ratelimit *rl, double per_min,
                          unsigned burst);
void sift__ratelimit_release(struct sift__ratelimit *rl);
/* Take one token for client; 0 when allowed, else the seconds to wait. */
unsigned sift__ratelimit_take(struct sift__ratelimit *rl, const char *client,
                              double now);

struct sift__tokens {
    pthread_mutex_t lock;
    char path[4096];
    int64_t mtime, size;
    unsigned char (*hash)[32];
    size_t n;
};

void sift__tokens_init(struct sift__tokens *t, const char *path);
void sift__tokens_release(struct sift__tokens *t);
/* Re-read the file when it changed. */
void sift__tokens_refresh(struct sift__tokens *t);
/* Is "Bearer <token>" in auth one of ours? (constant-time compare) */
bool sift__tokens_check(struct sift__tokens *t, const char *auth);

/* ---- the server --------------------------------------------------------- */

struct sift__server {
    struct sift__serve_opts o;
    char web_dir[4096];
    char db_path[4096];

    pthread_mutex_t gen_lock;
    struct sift__gen *gen;
    unsigned long serial;

    struct sift__metrics metrics;
    struct sift__ratelimit reports_rl;
    struct sift__tokens tokens;
    atomic_uint in_flight;
    atomic_bool draining;

    /* Writes and the store's reads are serialised here; the reputation
     * index has its own read-write lock and serves checks. */
    pthread_mutex_t store_lock;
    struct sift_store *store;
    struct sift_reputation *rep;
    /* The writer thread logging checked events (server_record.c). */
    struct sift__recorder *rec;
};

/* Build a generation: engine from the options, web files from web_dir.
 * On failure err names the file and line. */
enum sift_rc sift__gen_new(struct sift__server *srv, struct sift__gen **out,
                           struct sift_err *err);
struct sift__gen *sift__gen_get(struct sift__server *srv);
void sift__gen_put(struct sift__gen *g);

/* Route one request. resp->body is initialised by the caller. */
void sift__api_handle(struct sift__server *srv, const struct sift__req *req,
                      struct sift__resp *resp);

/* Fill resp with {"error":{code,message,where}} and status. */
void sift__api_error(struct sift__resp *resp, int status, const char *code,
                     const char *message, const char *where);
/* Is a request's Content-Type one a JSON body may come with? */
bool sift__json_type_ok(const char *content_type);
/* The status a sift_rc maps to (STYLE.md §3: one table). */
int sift__rc_status(enum sift_rc rc);

/* Store endpoints (server_store.c); each returns false when the path is
 * not its own. */
bool sift__store_route(struct sift__server *srv, const struct sift__req *req,
                       struct sift__resp *resp);
void sift__store_stats_json(struct sift__server *srv, struct sift__buf *b);
void sift__store_metrics(struct sift__server *srv, struct sift__buf *b);
/* Extra facts for GET /v1/numbers/{n}: appended as ,"reputation":... */
void sift__store_number_json(struct sift__server *srv,
                             const struct sift_number *n, const char *key,
                             struct sift__buf *b);
/* Gather reputation for a check; NULL-safe. */
bool sift__store_ready(struct sift__server *srv);

/* Metrics text (Prometheus exposition format 0.0.4). */
void sift__metrics_text(struct sift__server *srv, struct sift__buf *b);
/* GET /v1/stats body. */
void sift__stats_json(struct sift__server *srv, struct sift__buf *b);

/* Logging: one line on stderr, "2024-05-01T12:00:00Z level msg". */
void sift__log(const char *level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A caller or callee for the log: "+1877***0291" unless log_numbers. */
const char *sift__redact(const struct sift__server *srv, const char *s,
                         size_t len, char *out, size_t size);

double sift__now_mono(void);

/* Shared by the server and the fuzz target: set up and tear down
 * everything but the listening daemon. */
enum sift_rc sift__server_init(struct sift__server *srv,
                               const struct sift__serve_opts *opts,
                               struct sift_err *err);
void sift__server_release(struct sift__server *srv);

/* SIGHUP: a new generation, or the old one kept with the reason logged. */
void sift__server_reload(struct sift__server *srv);
/* Listen and serve until SIGTERM/SIGINT (server_http.c). */
int sift__http_run(struct sift__server *srv);
/* The store and its reputation index (server_store.c). */
enum sift_rc sift__store_open(struct sift__server *srv, struct sift_err *err);
void sift__store_close(struct sift__server *srv);

/* The writer (server_record.c): one thread with its own store handle
 * logs each answered check (sift_record_event) from a bounded queue.
 * start does nothing without a store; stop drains the queue and closes
 * the writer's handle (call it before the index is freed). push copies
 * what it needs and never waits on the store: when the queue is full the
 * event is dropped and counted. duration: seconds, -1 unknown. */
struct sift__recorder;
enum sift_rc sift__record_start(struct sift__server *srv, struct sift_err *err);
void sift__record_stop(struct sift__server *srv);
void sift__record_push(struct sift__server *srv, const struct sift_event *ev,
                       const struct sift_verdict *v, int32_t duration);
/* callsift_record_* lines for /metrics. */
void sift__record_metrics(struct sift__server *srv, struct sift__buf *b);

#endif
