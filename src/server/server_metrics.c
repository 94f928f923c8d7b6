/*
 * server_metrics.c - counters for GET /metrics (Prometheus text format
 * 0.0.4) and GET /v1/stats (the page's charts).
 *
 * Everything on the request path is a relaxed atomic add: no lock is
 * taken per request. Signal names are interned once into a fixed table
 * (a mutex guards the insert only; a found name is read lock-free).
 * Checks per hour live in 24 slots indexed by hour; the first check of a
 * new hour claims its slot with a compare-and-swap and zeroes it (a check
 * racing that zeroing may be lost: the charts are statistics, not
 * accounts).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/server_int.h"
#include "util/util.h"

static const int status_codes[SIFT__N_STATUS] = {200, 201, 204, 304, 400, 401,
                                                 403, 404, 405, 409, 413, 415,
                                                 429, 500, 503, 0 /* other */};

/* Upper bounds in seconds (le). */
static const double buckets[SIFT__N_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025,  0.05,    0.1,    0.25,  0.5,    1.0};

static const char *const ep_names[SIFT__EP_COUNT] = {
    [SIFT__EP_PAGE] = "page",
    [SIFT__EP_CALLS_CHECK] = "calls_check",
    [SIFT__EP_MESSAGES_CHECK] = "messages_check",
    [SIFT__EP_NUMBERS] = "numbers",
    [SIFT__EP_REPORTS] = "reports",
    [SIFT__EP_LISTS] = "lists",
    [SIFT__EP_CAMPAIGNS] = "campaigns",
    [SIFT__EP_STATS] = "stats",
    [SIFT__EP_HEALTHZ] = "healthz",
    [SIFT__EP_READYZ] = "readyz",
    [SIFT__EP_METRICS] = "metrics",
    [SIFT__EP_OTHER] = "other",
};

const char *sift__ep_name(enum sift__ep ep)
{
    return ep < SIFT__EP_COUNT ? ep_names[ep] : "other";
}

void sift__metrics_init(struct sift__metrics *m)
{
    memset(m, 0, sizeof(*m));
    pthread_mutex_init(&m->sig_lock, NULL);
    m->started = (int64_t)time(NULL);
}

void sift__metrics_release(struct sift__metrics *m)
{
    for (size_t i = 0; i < SIFT__N_SIGNALS; i++)
        sift_free((void *)atomic_load(&m->sig_name[i]));
    pthread_mutex_destroy(&m->sig_lock);
}

void sift__metrics_request(struct sift__metrics *m, enum sift__ep ep,
                           int status, uint64_t usec)
{
    size_t s = SIFT__N_STATUS - 1, b = SIFT__N_BUCKETS;
    double sec = (double)usec / 1e6;

    if (ep >= SIFT__EP_COUNT)
        ep = SIFT__EP_OTHER;
    for (size_t i = 0; i + 1 < SIFT__N_STATUS; i++)
        if (status_codes[i] == status) {
            s = i;
            break;
        }
    for (size_t i = 0; i < SIFT__N_BUCKETS; i++)
        if (sec <= buckets[i]) {
            b = i;
            break;
        }
    atomic_fetch_add_explicit(&m->req[ep][s], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->lat[ep][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->lat_sum_us[ep], usec, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->lat_n[ep], 1, memory_order_relaxed);
}

static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot of a signal name, inserting it; SIFT__N_SIGNALS when full. */
static size_t signal_slot(struct sift__metrics *m, const char *name)
{
    uint32_t h = hash_name(name);
    size_t slot = SIFT__N_SIGNALS;

    for (size_t i = 0; i < SIFT__N_SIGNALS; i++) {
        size_t k = (h + i) % SIFT__N_SIGNALS;
        const char *n =
            atomic_load_explicit(&m->sig_name[k], memory_order_acquire);
        if (n == NULL)
            break;
        if (strcmp(n, name) == 0)
            return k;
    }
    pthread_mutex_lock(&m->sig_lock);
    for (size_t i = 0; i < SIFT__N_SIGNALS; i++) {
        size_t k = (h + i) % SIFT__N_SIGNALS;
        const char *n = atomic_load(&m->sig_name[k]);
        if (n != NULL && strcmp(n, name) == 0) {
            slot = k;
            break;
        }
        if (n == NULL) {
            size_t len = strlen(name);
            char *copy = sift_malloc(len + 1);
            if (copy != NULL) {
                memcpy(copy, name, len + 1);
                atomic_store_explicit(&m->sig_name[k], copy,
                                      memory_order_release);
                slot = k;
            }
            break;
        }
    }
    pthread_mutex_unlock(&m->sig_lock);
    return slot;
}

void sift__metrics_verdict(struct sift__metrics *m,
                           const struct sift_verdict *v, int64_t now)
{
    int64_t hour = now / 3600;
    struct sift__hour *h = &m->hours[hour % SIFT__HOURS];
    int64_t cur = atomic_load(&h->hour);
    unsigned a = v->action <= SIFT_ACTION_BLOCK ? (unsigned)v->action : 0;

    atomic_fetch_add_explicit(&m->verdicts[a], 1, memory_order_relaxed);
    if (cur != hour && atomic_compare_exchange_strong(&h->hour, &cur, hour))
        for (int i = 0; i < 4; i++)
            atomic_store(&h->by_action[i], 0);
    atomic_fetch_add_explicit(&h->by_action[a], 1, memory_order_relaxed);
    for (size_t i = 0; i < v->n_signals; i++) {
        size_t k = signal_slot(m, v->signals[i].name);
        if (k < SIFT__N_SIGNALS)
            atomic_fetch_add_explicit(&m->sig_count[k], 1,
                                      memory_order_relaxed);
    }
}

static unsigned long long ld(atomic_ullong *p)
{
    return atomic_load_explicit(p, memory_order_relaxed);
}

void sift__metrics_text(struct sift__server *srv, struct sift__buf *b)
{
    struct sift__metrics *m = &srv->metrics;
    static const char *const actions[4] = {"allow", "label", "warn", "block"};

    sift__buf_adds(b, "# HELP callsift_requests_total HTTP requests by "
                      "endpoint and status.\n"
                      "# TYPE callsift_requests_total counter\n");
    for (size_t e = 0; e < SIFT__EP_COUNT; e++)
        for (size_t s = 0; s < SIFT__N_STATUS; s++) {
            unsigned long long n = ld(&m->req[e][s]);
            if (n == 0)
                continue;
            if (status_codes[s] == 0)
                sift__buf_addf(b,
                               "callsift_requests_total{endpoint=\"%s\","
                               "status=\"other\"} %llu\n",
                               ep_names[e], n);
            else
                sift__buf_addf(b,
                               "callsift_requests_total{endpoint=\"%s\","
                               "status=\"%d\"} %llu\n",
                               ep_names[e], status_codes[s], n);
        }
    sift__buf_adds(b, "# HELP callsift_request_duration_seconds Time from "
                      "the request's first byte handled to the answer "
                      "queued.\n"
                      "# TYPE callsift_request_duration_seconds histogram\n");
    for (size_t e = 0; e < SIFT__EP_COUNT; e++) {
        unsigned long long cum = 0, n = ld(&m->lat_n[e]);
        if (n == 0)
            continue;
        for (size_t i = 0; i < SIFT__N_BUCKETS; i++) {
            cum += ld(&m->lat[e][i]);
            sift__buf_addf(b,
                           "callsift_request_duration_seconds_bucket{"
                           "endpoint=\"%s\",le=\"%g\"} %llu\n",
                           ep_names[e], buckets[i], cum);
        }
        cum += ld(&m->lat[e][SIFT__N_BUCKETS]);
        sift__buf_addf(b,
                       "callsift_request_duration_seconds_bucket{"
                       "endpoint=\"%s\",le=\"+Inf\"} %llu\n"
                       "callsift_request_duration_seconds_sum{endpoint="
                       "\"%s\"} %.6f\n"
                       "callsift_request_duration_seconds_count{endpoint="
                       "\"%s\"} %llu\n",
                       ep_names[e], cum, ep_names[e],
                       (double)atomic_load(&m->lat_sum_us[e]) / 1e6,
                       ep_names[e], cum);
    }
    sift__buf_adds(b, "# HELP callsift_verdicts_total Verdicts by action.\n"
                      "# TYPE callsift_verdicts_total counter\n");
    for (int a = 0; a < 4; a++)
        sift__buf_addf(b, "callsift_verdicts_total{action=\"%s\"} %llu\n",
                       actions[a], ld(&m->verdicts[a]));
    sift__buf_adds(b, "# HELP callsift_signals_total Signals fired in "
                      "verdicts.\n"
                      "# TYPE callsift_signals_total counter\n");
    for (size_t i = 0; i < SIFT__N_SIGNALS; i++) {
        const char *n = atomic_load(&m->sig_name[i]);
        if (n != NULL)
            sift__buf_addf(b, "callsift_signals_total{signal=\"%s\"} %llu\n", n,
                           ld(&m->sig_count[i]));
    }
    sift__buf_addf(b,
                   "# HELP callsift_reloads_total SIGHUP reloads.\n"
                   "# TYPE callsift_reloads_total counter\n"
                   "callsift_reloads_total{result=\"ok\"} %llu\n"
                   "callsift_reloads_total{result=\"failed\"} %llu\n"
                   "# HELP callsift_rate_limited_total Requests answered "
                   "429.\n"
                   "# TYPE callsift_rate_limited_total counter\n"
                   "callsift_rate_limited_total %llu\n"
                   "# HELP callsift_in_flight Requests being handled.\n"
                   "# TYPE callsift_in_flight gauge\n"
                   "callsift_in_flight %u\n"
                   "# HELP callsift_start_time_seconds Process start.\n"
                   "# TYPE callsift_start_time_seconds gauge\n"
                   "callsift_start_time_seconds %lld\n",
                   ld(&m->reloads), ld(&m->reload_failures),
                   ld(&m->rate_limited), atomic_load(&srv->in_flight),
                   (long long)m->started);
    sift__store_metrics(srv, b);
}

void sift__stats_json(struct sift__server *srv, struct sift__buf *b)
{
    struct sift__metrics *m = &srv->metrics;
    int64_t now_h = (int64_t)time(NULL) / 3600;
    struct {
        const char *name;
        unsigned long long n;
    } top[10];
    size_t n_top = 0;

    sift__buf_addf(b, "{\"since\":%lld,\"now\":%lld,\"checks\":{",
                   (long long)m->started, (long long)time(NULL));
    sift__buf_addf(b,
                   "\"allow\":%llu,\"label\":%llu,\"warn\":%llu,"
                   "\"block\":%llu},\"hours\":[",
                   ld(&m->verdicts[0]), ld(&m->verdicts[1]),
                   ld(&m->verdicts[2]), ld(&m->verdicts[3]));
    /* Oldest first: the 24 hours up to and including this one. */
    for (int64_t h = now_h - (SIFT__HOURS - 1); h <= now_h; h++) {
        struct sift__hour *s = &m->hours[h % SIFT__HOURS];
        unsigned long long c[4] = {0, 0, 0, 0};
        if (atomic_load(&s->hour) == h)
            for (int a = 0; a < 4; a++)
                c[a] = ld(&s->by_action[a]);
        sift__buf_addf(b,
                       "%s{\"hour\":%lld,\"allow\":%llu,\"label\":%llu,"
                       "\"warn\":%llu,\"block\":%llu}",
                       h == now_h - (SIFT__HOURS - 1) ? "" : ",",
                       (long long)(h * 3600), c[0], c[1], c[2], c[3]);
    }
    sift__buf_adds(b, "],\"top_signals\":[");
    for (size_t i = 0; i < SIFT__N_SIGNALS; i++) {
        const char *name = atomic_load(&m->sig_name[i]);
        unsigned long long n = ld(&m->sig_count[i]);
        size_t k;
        if (name == NULL || n == 0)
            continue;
        /* insertion into a sorted top ten */
        for (k = n_top; k > 0 && top[k - 1].n < n; k--)
            if (k < 10)
                top[k] = top[k - 1];
        if (k < 10) {
            top[k].name = name;
            top[k].n = n;
            if (n_top < 10)
                n_top++;
        }
    }
    for (size_t i = 0; i < n_top; i++) {
        sift__buf_addf(b, "%s{\"name\":", i ? "," : "");
        sift__buf_json_str(b, top[i].name, (size_t)-1);
        sift__buf_addf(b, ",\"count\":%llu}", top[i].n);
    }
    sift__buf_adds(b, "]");
    sift__store_stats_json(srv, b);
    sift__buf_adds(b, "}");
}
