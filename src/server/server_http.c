/*
 * server_http.c - libmicrohttpd glue: listen, collect each request into a
 * struct sift__req (bounded body), send the handler's answer as one
 * buffer, count it, and keep slow or idle clients from holding the server.
 *
 * libmicrohttpd runs its internal epoll loop on a pool of threads
 * (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, THREAD_POOL_SIZE). A
 * response is created from one memory buffer, so the header and the body
 * leave in one send (libmicrohttpd corks and uncorks the socket around it,
 * and sets TCP_NODELAY): no 40 ms Nagle wait on kept-alive connections.
 * The buffer is not copied: the handler's body is handed over (freed when
 * the response is), and a web file is sent from its generation, whose
 * reference the response holds until it is freed.
 *
 * Limits (docs/cli/serve.md):
 *   - connections in all (CONNECTION_LIMIT) and per address
 *     (PER_IP_CONNECTION_LIMIT), a listen backlog of 1024;
 *   - the header block: CONNECTION_MEMORY_LIMIT (16 KiB); over it,
 *     libmicrohttpd answers 431;
 *   - the body: max_body bytes (413; at once when Content-Length says
 *     so);
 *   - time: libmicrohttpd closes a connection idle for timeout seconds;
 *     a watchdog thread also shuts down any connection whose next request
 *     (headers and body) has not fully arrived timeout seconds after the
 *     previous answer or the connect, which an idle timer alone misses
 *     for a client that sends one byte a second.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/server_int.h"
#include "util/util.h"

#define HEADER_MEMORY (16 * 1024)
#define BACKLOG       1024
#define RESP_MAX      (4u << 20)
/* A response body starts this big: a check's answer (about 6 KiB) is
 * written without growing it. */
#define RESP_START (16 * 1024)

/* One per socket: the watchdog's view. */
struct conn {
    struct conn *prev, *next;
    int fd;
    _Atomic int64_t idle_since_ms; /* INT64_MAX while answering */
    bool cut;
};

/* One per request. */
struct rq {
    double start;
    enum sift__method method;
    char *body;
    size_t len, cap;
    bool answered;
    int status;
    enum sift__ep ep;
    struct conn *conn;
};

struct http {
    struct sift__server *srv;
    pthread_mutex_t lock; /* the conn list */
    struct conn head;
    pthread_t watchdog;
    atomic_bool stop;
    int64_t timeout_ms;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    sift__log("mhd", "%s", msg);
}

static void on_connection(void *cls, struct MHD_Connection *c,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct http *h = cls;
    struct conn *k;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        k = sift_calloc(1, sizeof(*k));
        if (k == NULL)
            return; /* not watched: the idle timeout still applies */
        k->fd = ci ? ci->connect_fd : -1;
        atomic_init(&k->idle_since_ms, now_ms());
        pthread_mutex_lock(&h->lock);
        k->next = h->head.next;
        k->prev = &h->head;
        h->head.next->prev = k;
        h->head.next = k;
        pthread_mutex_unlock(&h->lock);
        *socket_context = k;
        return;
    }
    /* Closed: libmicrohttpd calls this before it closes the socket, so
     * the watchdog (under the same lock) never shuts down a reused fd. */
    k = *socket_context;
    if (k == NULL)
        return;
    pthread_mutex_lock(&h->lock);
    k->prev->next = k->next;
    k->next->prev = k->prev;
    pthread_mutex_unlock(&h->lock);
    sift_free(k);
    *socket_context = NULL;
}

static void *watchdog(void *arg)
{
    struct http *h = arg;

    while (!atomic_load(&h->stop)) {
        int64_t now = now_ms();
        pthread_mutex_lock(&h->lock);
        for (struct conn *k = h->head.next; k != &h->head; k = k->next) {
            int64_t since = atomic_load(&k->idle_since_ms);
            if (k->cut || k->fd < 0 || since == INT64_MAX)
                continue;
            if (now - since > h->timeout_ms) {
                shutdown(k->fd, SHUT_RDWR);
                k->cut = true;
            }
        }
        pthread_mutex_unlock(&h->lock);
        usleep(250 * 1000);
    }
    return NULL;
}

static enum sift__method parse_method(const char *m)
{
    if (strcmp(m, "GET") == 0)
        return SIFT__GET;
    if (strcmp(m, "POST") == 0)
        return SIFT__POST;
    if (strcmp(m, "HEAD") == 0)
        return SIFT__HEAD;
    if (strcmp(m, "DELETE") == 0)
        return SIFT__DELETE;
    if (strcmp(m, "OPTIONS") == 0)
        return SIFT__OPTIONS;
    return SIFT__OTHER;
}

static pthread_key_t resp_key;
static pthread_once_t resp_once = PTHREAD_ONCE_INIT;

static void resp_buf_free(void *p)
{
    struct sift__buf *b = p;
    if (b != NULL)
        sift__buf_release(b);
    sift_free(b);
}

static void resp_make_key(void)
{
    pthread_key_create(&resp_key, resp_buf_free);
}

/* The thread's response buffer. Its bytes go to libmicrohttpd with each
 * answer (send_resp), so it is usually empty here and gets a fresh
 * RESP_START; one kept after an error path is reused. NULL when out of
 * memory. */
static struct sift__buf *resp_buf(void)
{
    struct sift__buf *b;

    pthread_once(&resp_once, resp_make_key);
    b = pthread_getspecific(resp_key);
    if (b == NULL) {
        b = sift_malloc(sizeof(*b));
        if (b == NULL)
            return NULL;
        sift__buf_init(b, RESP_MAX);
        pthread_setspecific(resp_key, b);
    }
    sift__buf_reset(b);
    if (b->p == NULL && !sift__buf_reserve(b, RESP_START - 1)) {
        b->over = false;
        return NULL;
    }
    return b;
}

/* libmicrohttpd is done with a web file: drop the generation. */
static void gen_release(void *cls)
{
    sift__gen_put(cls);
}

static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static enum MHD_Result send_resp(struct http *h, struct MHD_Connection *c,
                                 struct rq *r, struct sift__resp *resp)
{
    struct sift__server *srv = h->srv;
    struct MHD_Response *mr;
    const void *data;
    size_t len;
    enum MHD_Result ret;
    char num[32];

    if (resp->body.over) {
        sift__gen_put(resp->hold);
        resp->hold = NULL;
        resp->static_body = NULL;
        resp->body.over = false;
        sift__api_error(resp, 500, "ETOOBIG", "the answer is too large", "");
    }
    if (resp->static_body != NULL) {
        data = resp->static_body;
        len = resp->static_len;
    } else {
        data = resp->body.p ? resp->body.p : "";
        len = resp->body.len;
    }
    if (resp->etag != NULL && resp->not_modified_ok) {
        const char *inm =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
        if (inm != NULL && strcmp(inm, resp->etag) == 0) {
            resp->status = 304;
            len = 0;
        }
    }
    /* No copy: a web file's bytes stay with their generation, whose
     * reference the response now holds; the body buffer itself becomes
     * the response's (the caller's buffer is left empty). */
    if (resp->static_body != NULL) {
        mr = MHD_create_response_from_buffer_with_free_callback_cls(
            len, (void *)data, gen_release, resp->hold);
        if (mr == NULL)
            sift__gen_put(resp->hold);
        resp->hold = NULL;
    } else if (resp->body.p != NULL) {
        mr = MHD_create_response_from_buffer_with_free_callback(
            len, resp->body.p, sift_free);
        if (mr != NULL) {
            resp->body.p = NULL;
            resp->body.len = resp->body.cap = 0;
        }
    } else {
        mr = MHD_create_response_from_buffer(0, (void *)"",
                                             MHD_RESPMEM_PERSISTENT);
    }
    if (mr == NULL)
        return MHD_NO;
    MHD_add_response_header(mr, "Content-Type",
                            resp->content_type
                                ? resp->content_type
                                : "application/json; charset=utf-8");
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    if (resp->etag != NULL) {
        MHD_add_response_header(mr, "ETag", resp->etag);
        MHD_add_response_header(mr, "Cache-Control", "no-cache");
    } else {
        MHD_add_response_header(mr, "Cache-Control", "no-store");
    }
    if (resp->html) {
        MHD_add_response_header(mr, "Content-Security-Policy", csp);
        MHD_add_response_header(mr, "X-Frame-Options", "DENY");
        MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
    }
    if (srv->o.cors_origin != NULL) {
        MHD_add_response_header(mr, "Access-Control-Allow-Origin",
                                srv->o.cors_origin);
        MHD_add_response_header(mr, "Vary", "Origin");
    }
    if (resp->allow != NULL)
        MHD_add_response_header(mr, "Allow", resp->allow);
    if (resp->retry_after > 0) {
        snprintf(num, sizeof(num), "%u", resp->retry_after);
        MHD_add_response_header(mr, "Retry-After", num);
    }
    if (atomic_load(&srv->draining))
        MHD_add_response_header(mr, "Connection", "close");
    r->status = resp->status;
    r->ep = resp->ep;
    r->answered = true;
    if (r->conn != NULL)
        atomic_store(&r->conn->idle_since_ms, INT64_MAX);
    ret = MHD_queue_response(c, (unsigned)resp->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

/* Answer a request without the handlers: 413, CORS preflight. */
static enum MHD_Result send_error(struct http *h, struct MHD_Connection *c,
                                  struct rq *r, int status, const char *code,
                                  const char *msg, const char *where)
{
    struct sift__resp resp;
    struct sift__buf *b = resp_buf();
    enum MHD_Result ret;

    if (b == NULL)
        return MHD_NO;
    memset(&resp, 0, sizeof(resp));
    resp.body = *b;
    resp.ep = SIFT__EP_OTHER;

    sift__api_error(&resp, status, code, msg, where);
    ret = send_resp(h, c, r, &resp);
    *b = resp.body; /* keep the grown buffer for the thread */
    return ret;
}

static void client_addr(struct MHD_Connection *c, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    sift__strlcpy(out, "-", size);
    if (sa == NULL)
        return;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

static enum MHD_Result answer(struct http *h, struct MHD_Connection *c,
                              struct rq *r, const char *url)
{
    struct sift__server *srv = h->srv;
    struct sift__req req;
    struct sift__resp resp;
    struct sift__buf *b = resp_buf();
    char client[64];
    enum MHD_Result ret;

    if (b == NULL)
        return MHD_NO;
    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    client_addr(c, client, sizeof(client));
    req.method = r->method;
    req.path = url;
    req.client = client;
    req.body = r->body ? r->body : "";
    req.body_len = r->len;
    req.authorization =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    req.content_type =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    req.query_lang =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    req.query_limit =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    req.query_view =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "view");
    resp.body = *b;
    if (r->method == SIFT__OPTIONS && srv->o.cors_origin != NULL) {
        /* CORS preflight (only with --cors ORIGIN). */
        struct MHD_Response *mr = MHD_create_response_from_buffer(
            0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (mr == NULL)
            return MHD_NO;
        MHD_add_response_header(mr, "Access-Control-Allow-Origin",
                                srv->o.cors_origin);
        MHD_add_response_header(mr, "Access-Control-Allow-Methods",
                                "GET, POST, DELETE");
        MHD_add_response_header(mr, "Access-Control-Allow-Headers",
                                "Authorization, Content-Type");
        MHD_add_response_header(mr, "Access-Control-Max-Age", "600");
        MHD_add_response_header(mr, "Vary", "Origin");
        r->status = 204;
        r->ep = SIFT__EP_OTHER;
        r->answered = true;
        ret = MHD_queue_response(c, 204, mr);
        MHD_destroy_response(mr);
        return ret;
    }
    sift__api_handle(srv, &req, &resp);
    *b = resp.body;
    ret = send_resp(h, c, r, &resp);
    /* send_resp copied the body; the thread keeps the buffer. */
    *b = resp.body;
    if (srv->o.log_requests || resp.status >= 500)
        sift__log(resp.status >= 500 ? "error" : "info", "%s %s %s %d %.3fms",
                  client,
                  r->method == SIFT__POST     ? "POST"
                  : r->method == SIFT__DELETE ? "DELETE"
                                              : "GET",
                  sift__ep_name(resp.ep), resp.status,
                  (sift__now_mono() - r->start) * 1e3);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct http *h = cls;
    struct sift__server *srv = h->srv;
    struct rq *r = *con_cls;

    (void)version;
    if (r == NULL) {
        const union MHD_ConnectionInfo *ci;
        const char *cl;
        r = sift_calloc(1, sizeof(*r));
        if (r == NULL)
            return MHD_NO;
        r->start = sift__now_mono();
        r->method = parse_method(method);
        r->status = 0;
        r->ep = SIFT__EP_OTHER;
        ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        r->conn = ci ? ci->socket_context : NULL;
        atomic_fetch_add(&srv->in_flight, 1);
        *con_cls = r;
        cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl != NULL) {
            unsigned long long n = 0;
            if (!sift__parse_uint(cl, ~0ull, &n) || n > srv->o.max_body) {
                char msg[96];
                snprintf(msg, sizeof(msg), "the body is over %zu bytes",
                         srv->o.max_body);
                return send_error(h, c, r, 413, "ETOOBIG", msg, "body");
            }
        }
        /* Answer on the next call, even for a GET: a response queued on
         * the first call counts as early and closes the connection, which
         * would cost every kept-alive client a reconnect. */
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->answered)
            return MHD_YES; /* discard what follows an early answer */
        if (r->len + n > srv->o.max_body) {
            char msg[96];
            snprintf(msg, sizeof(msg), "the body is over %zu bytes",
                     srv->o.max_body);
            sift_free(r->body);
            r->body = NULL;
            r->len = r->cap = 0;
            return send_error(h, c, r, 413, "ETOOBIG", msg, "body");
        }
        if (r->len + n + 1 > r->cap) {
            size_t cap = r->cap ? r->cap : 4096;
            char *p;
            while (cap < r->len + n + 1)
                cap *= 2;
            if (cap > srv->o.max_body + 1)
                cap = srv->o.max_body + 1;
            p = sift_realloc(r->body, cap);
            if (p == NULL)
                return MHD_NO;
            r->body = p;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload_data, n);
        r->len += n;
        r->body[r->len] = '\0';
        return MHD_YES;
    }
    if (r->answered)
        return MHD_YES;
    return answer(h, c, r, url);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http *h = cls;
    struct rq *r = *con_cls;
    uint64_t usec;

    (void)c;
    (void)toe;
    if (r == NULL)
        return;
    usec = (uint64_t)((sift__now_mono() - r->start) * 1e6);
    if (r->answered)
        sift__metrics_request(&h->srv->metrics, r->ep, r->status, usec);
    if (r->conn != NULL)
        atomic_store(&r->conn->idle_since_ms, now_ms());
    atomic_fetch_sub(&h->srv->in_flight, 1);
    sift_free(r->body);
    sift_free(r);
    *con_cls = NULL;
}

/* Keep the raw path: the router splits it and decodes the number
 * itself, so an encoded "/" stays inside a number. */
static size_t keep_raw(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static bool parse_listen(const char *spec, struct sockaddr_storage *ss,
                         bool *v6)
{
    const char *colon;
    char host[256];
    unsigned long long port;
    size_t hl;

    memset(ss, 0, sizeof(*ss));
    *v6 = false;
    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');
        if (end == NULL || end[1] != ':')
            return false;
        hl = (size_t)(end - spec - 1);
        if (hl >= sizeof(host))
            return false;
        memcpy(host, spec + 1, hl);
        host[hl] = '\0';
        colon = end + 1;
        *v6 = true;
    } else {
        colon = strrchr(spec, ':');
        if (colon == NULL)
            return false;
        hl = (size_t)(colon - spec);
        if (hl >= sizeof(host))
            return false;
        memcpy(host, spec, hl);
        host[hl] = '\0';
    }
    if (!sift__parse_uint(colon + 1, 65535, &port))
        return false;
    if (*v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host, &a->sin6_addr) == 1;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (host[0] == '\0') {
            a->sin_addr.s_addr = htonl(INADDR_ANY);
            return true;
        }
        return inet_pton(AF_INET, host, &a->sin_addr) == 1;
    }
}

int sift__http_run(struct sift__server *srv)
{
    struct http h;
    struct MHD_Daemon *d;
    struct sockaddr_storage ss;
    const union MHD_DaemonInfo *di;
    unsigned threads = srv->o.threads;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    const char *listen = srv->o.listen ? srv->o.listen : "127.0.0.1:8080";
    char host[64];
    bool v6;
    sigset_t set;
    int sig = 0, status = 0;
    MHD_socket lsock;
    double t0;

    if (!parse_listen(listen, &ss, &v6)) {
        sift__log("error", "--listen %s: expected ADDR:PORT", listen);
        return 2;
    }
    if (v6)
        flags |= MHD_USE_IPv6;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    memset(&h, 0, sizeof(h));
    h.srv = srv;
    h.head.next = h.head.prev = &h.head;
    h.timeout_ms = (int64_t)srv->o.timeout_s * 1000;
    pthread_mutex_init(&h.lock, NULL);

    d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, &h, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, NULL, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_THREAD_POOL_SIZE,
        threads, MHD_OPTION_CONNECTION_LIMIT, srv->o.max_conns,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, srv->o.max_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, srv->o.timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, BACKLOG,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, &h, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &h,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_raw, NULL, MHD_OPTION_END);
    if (d == NULL) {
        sift__log("error", "cannot listen on %s: %s", listen, strerror(errno));
        pthread_mutex_destroy(&h.lock);
        return 3;
    }
    if (pthread_create(&h.watchdog, NULL, watchdog, &h) != 0) {
        sift__log("error", "cannot start the watchdog thread");
        MHD_stop_daemon(d);
        pthread_mutex_destroy(&h.lock);
        return 3;
    }
    di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (v6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host,
                  sizeof(host));
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
                  sizeof(host));
    sift__log("info",
              "callsift %s listening on http://%s%s%s:%u/ (threads %u, "
              "store %s, web %s)",
              sift_version(), v6 ? "[" : "", host, v6 ? "]" : "",
              di ? di->port : 0, threads,
              sift__store_ready(srv) ? srv->db_path : "off",
              srv->web_dir[0] ? srv->web_dir : "off");

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            sift__server_reload(srv);
            continue;
        }
        break;
    }

    /* Drain: refuse new connections, let in-flight requests finish. */
    sift__log("info", "signal %d: draining %u request(s)", sig,
              atomic_load(&srv->in_flight));
    atomic_store(&srv->draining, true);
    lsock = MHD_quiesce_daemon(d);
    t0 = sift__now_mono();
    while (atomic_load(&srv->in_flight) > 0 && sift__now_mono() - t0 < 10.0)
        usleep(5000);
    if (atomic_load(&srv->in_flight) > 0) {
        sift__log("warn", "%u request(s) still running after 10 s",
                  atomic_load(&srv->in_flight));
        status = 1;
    }
    MHD_stop_daemon(d);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    atomic_store(&h.stop, true);
    pthread_join(h.watchdog, NULL);
    while (h.head.next != &h.head) {
        struct conn *k = h.head.next;
        h.head.next = k->next;
        sift_free(k);
    }
    pthread_mutex_destroy(&h.lock);
    sift__log("info", "stopped");
    return status;
}
