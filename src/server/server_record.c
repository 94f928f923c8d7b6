/*
 * server_record.c - the writer thread: every answered check is logged
 * (issue 4: the call log feeds CALL_BURST, CALL_REPEAT, CALL_WANGIRI and
 * campaign detection) without the check waiting on SQLite.
 *
 * Flow: handle_check (server_api.c) answers, then sift__record_push()
 * copies the event's strings, the caller, the callee, the action and the
 * score into one allocation and puts it on a bounded ring (RING_MAX
 * entries). When the ring is full the event is dropped and counted
 * (callsift_record_dropped_total), and the writer says so in the log at
 * most once a second, with its slowest batch since (a stalled disk shows
 * there): a check never blocks on the writer.
 * One writer thread pops items in order and calls sift_record_event()
 * (include/callsift/record.h) with its own struct sift_store, opened on
 * the same file (store.h: one handle per thread; SQLite WAL lets the
 * request threads' handle read meanwhile). The reputation index is the
 * server's: its writes take the index's write lock.
 *
 * Stop (SIGTERM, after libmicrohttpd stopped, so nothing more is pushed):
 * the writer drains the ring, then its store is closed, before the
 * server's index and store are freed (sift__store_close).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "callsift/record.h"
#include "server/server_int.h"
#include "util/util.h"

/* The queue holds about 0.7 s of checks at 22,000/s, to ride out a stall
 * of the writer without dropping events: a WAL checkpoint (SQLite runs it
 * inside the writer's commit) or a moment without a core on a busy
 * machine. With 4096, a 20 s run at 18,000 checks/s on the shared
 * 2-core machine dropped 5,369. Items are allocated only while queued,
 * so a full ring costs about 10 MB. */
#define RING_MAX      16384
#define BATCH_MAX     256 /* events written per transaction by the writer */
#define GROUP_WAIT_MS 10

struct item {
    enum sift_event_kind kind;
    int64_t time;
    int32_t duration;
    int action;
    double score;
    struct sift_number caller, callee;
    bool text_fp_set; /* the check's fingerprint of the text, to reuse */
    uint64_t text_fp;
    char *from, *to, *text; /* into the same allocation; to, text NULL */
    size_t from_len, text_len;
};

struct sift__recorder {
    pthread_mutex_t lock;
    pthread_cond_t more;
    struct item *ring[RING_MAX];
    size_t head, n;
    bool stop;
    pthread_t thread;
    struct sift_store *st;
    struct sift_reputation *rep;
    struct sift_verdict *v; /* the writer's; caller, callee, action, score,
                               the text's fingerprint */
    atomic_ullong recorded, dropped, errors;
    /* The writer's own: drops already logged, when, and the slowest
     * batch since (ms). */
    unsigned long long dropped_logged;
    double drop_logged_at, slowest_ms;
};

/* Log the events dropped since the last such line, at most once a second
 * unless final. */
static void log_drops(struct sift__recorder *r, double now, bool final)
{
    unsigned long long d = atomic_load(&r->dropped);

    if (d == r->dropped_logged ||
        (!final && r->drop_logged_at > 0 && now - r->drop_logged_at < 1.0))
        return;
    sift__log("warn",
              "call log: %llu checked event(s) not logged, the writer's "
              "queue of %d being full (its slowest batch since took %.0f "
              "ms)",
              d - r->dropped_logged, RING_MAX, r->slowest_ms);
    r->dropped_logged = d;
    r->drop_logged_at = now;
    r->slowest_ms = 0;
}

static void record_one(struct sift__recorder *r, const struct item *it)
{
    struct sift_event ev = {0};
    struct sift_err err = {0};

    ev.kind = it->kind;
    ev.from = it->from;
    ev.from_len = it->from_len;
    ev.to = it->to;
    ev.time = it->time;
    ev.text = it->text;
    ev.text_len = it->text_len;
    r->v->caller = it->caller;
    r->v->callee = it->callee;
    r->v->action = (enum sift_action)it->action;
    r->v->score = it->score;
    r->v->text_fp_set = it->text_fp_set;
    r->v->text_fp = it->text_fp;
    if (sift_record_event(r->st, r->rep, &ev, r->v, it->duration, &err) !=
        SIFT_OK) {
        /* Each failure is logged and counted; the check was answered
         * long ago and nothing else can be done about it here. */
        atomic_fetch_add(&r->errors, 1);
        sift__log("error", "logging a checked event: %s (%s)", err.msg,
                  sift_rc_name(err.rc));
        return;
    }
    atomic_fetch_add(&r->recorded, 1);
}

static void *writer_main(void *arg)
{
    struct sift__recorder *r = arg;

    for (;;) {
        struct item *it;

        pthread_mutex_lock(&r->lock);
        while (r->n == 0 && !r->stop)
            pthread_cond_wait(&r->more, &r->lock);
        if (r->n == 0) { /* stopping, and drained */
            pthread_mutex_unlock(&r->lock);
            log_drops(r, sift__now_mono(), true);
            break;
        }
        /* Group commit: give the queue GROUP_WAIT_MS to gather more
         * events, so a busy server commits (and fsyncs) about 100 times a
         * second instead of once per call. Nobody waits on this log. */
        if (!r->stop && r->n < BATCH_MAX) {
            struct timespec pause = {0, GROUP_WAIT_MS * 1000000L};
            pthread_mutex_unlock(&r->lock);
            nanosleep(&pause, NULL);
            pthread_mutex_lock(&r->lock);
        }
        /* Take what is queued (up to BATCH_MAX) and write it as one
         * batch: one commit, one fsync, however many calls arrived. */
        {
            struct item *batch[BATCH_MAX];
            size_t n = 0;
            struct sift_err err = {0};
            bool batched;
            double t0, ms;
            while (r->n > 0 && n < BATCH_MAX) {
                batch[n++] = r->ring[r->head];
                r->ring[r->head] = NULL;
                r->head = (r->head + 1) % RING_MAX;
                r->n--;
            }
            pthread_mutex_unlock(&r->lock);
            t0 = sift__now_mono();
            batched = n > 1 && sift_store_batch_begin(r->st, &err) == SIFT_OK;
            for (size_t i = 0; i < n; i++) {
                it = batch[i];
                record_one(r, it);
                sift_free(it);
            }
            if (batched && sift_store_batch_commit(r->st, &err) != SIFT_OK) {
                atomic_fetch_add(&r->errors, n);
                sift__log("error", "committing %zu logged events: %s", n,
                          err.msg);
            }
            ms = (sift__now_mono() - t0) * 1e3;
            if (ms > r->slowest_ms)
                r->slowest_ms = ms;
            log_drops(r, t0 + ms / 1e3, false);
        }
    }
    return NULL;
}

static void recorder_free(struct sift__recorder *r)
{
    if (r == NULL)
        return;
    sift_store_close(r->st);
    sift_free(r->v);
    pthread_cond_destroy(&r->more);
    pthread_mutex_destroy(&r->lock);
    sift_free(r);
}

enum sift_rc sift__record_start(struct sift__server *srv, struct sift_err *err)
{
    struct sift__recorder *r;
    enum sift_rc rc;

    if (srv->store == NULL)
        return SIFT_OK; /* --no-store: nothing to log into */
    r = sift_calloc(1, sizeof(*r));
    if (r == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->more, NULL);
    r->rep = srv->rep;
    r->v = sift_calloc(1, sizeof(*r->v));
    if (r->v == NULL) {
        rc = sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    rc = sift_store_open(&r->st, srv->db_path, err);
    /* The log is promised to nobody (a check never waits for it, and a
     * queued event is lost with the process anyway): its commits need not
     * wait for the disk, only outlive the process. Reports and lists,
     * written on the request threads' handle, stay durable. */
    if (rc == SIFT_OK)
        rc = sift_store_set_durability(r->st, SIFT_STORE_CRASH_SAFE, err);
    if (rc != SIFT_OK)
        goto fail;
    if (pthread_create(&r->thread, NULL, writer_main, r) != 0) {
        rc = sift__err_set(err, SIFT_ENOMEM, NULL,
                           "cannot start the writer thread");
        goto fail;
    }
    srv->rec = r;
    return SIFT_OK;
fail:
    recorder_free(r);
    return rc;
}

void sift__record_stop(struct sift__server *srv)
{
    struct sift__recorder *r = srv->rec;

    if (r == NULL)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->more);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL); /* it drains the ring first */
    srv->rec = NULL;
    recorder_free(r);
}

static size_t len_of(const char *s, size_t len)
{
    return s == NULL ? 0 : len ? len : strlen(s);
}

void sift__record_push(struct sift__server *srv, const struct sift_event *ev,
                       const struct sift_verdict *v, int32_t duration)
{
    struct sift__recorder *r = srv->rec;
    size_t from_len, to_len, text_len;
    struct item *it;
    char *p;
    bool queued = false;

    if (r == NULL)
        return;
    from_len = len_of(ev->from, ev->from_len);
    to_len = len_of(ev->to, ev->to_len);
    text_len = len_of(ev->text, ev->text_len);
    /* Cheap refusal before the copy; checked again under the lock. */
    pthread_mutex_lock(&r->lock);
    queued = r->n < RING_MAX && !r->stop;
    pthread_mutex_unlock(&r->lock);
    if (!queued)
        goto dropped;
    it = sift_malloc(sizeof(*it) + from_len + to_len + text_len + 3);
    if (it == NULL)
        goto dropped;
    memset(it, 0, sizeof(*it));
    p = (char *)(it + 1);
    it->from = p;
    memcpy(p, ev->from != NULL ? ev->from : "", from_len);
    p[from_len] = '\0';
    it->from_len = from_len;
    p += from_len + 1;
    if (ev->to != NULL) {
        it->to = p;
        memcpy(p, ev->to, to_len);
        p[to_len] = '\0';
        p += to_len + 1;
    }
    if (ev->text != NULL && text_len > 0) {
        it->text = p;
        memcpy(p, ev->text, text_len);
        p[text_len] = '\0';
        it->text_len = text_len;
    }
    it->kind = ev->kind;
    /* The time the engine judged by: a late write keeps the call's own. */
    it->time = ev->time ? ev->time : (int64_t)time(NULL);
    it->duration = duration;
    it->action = (int)v->action;
    it->score = v->score;
    it->caller = v->caller;
    it->callee = v->callee;
    it->text_fp_set = v->text_fp_set;
    it->text_fp = v->text_fp;

    pthread_mutex_lock(&r->lock);
    queued = r->n < RING_MAX && !r->stop;
    if (queued) {
        r->ring[(r->head + r->n) % RING_MAX] = it;
        r->n++;
        pthread_cond_signal(&r->more);
    }
    pthread_mutex_unlock(&r->lock);
    if (queued)
        return;
    sift_free(it);
dropped:
    atomic_fetch_add(&r->dropped, 1);
}

void sift__record_metrics(struct sift__server *srv, struct sift__buf *b)
{
    struct sift__recorder *r = srv->rec;
    size_t n;

    if (r == NULL)
        return;
    pthread_mutex_lock(&r->lock);
    n = r->n;
    pthread_mutex_unlock(&r->lock);
    sift__buf_addf(b,
                   "# HELP callsift_record_total Checked events logged "
                   "in the call log.\n"
                   "# TYPE callsift_record_total counter\n"
                   "callsift_record_total %llu\n"
                   "# HELP callsift_record_dropped_total Checked events "
                   "not logged because the writer's queue was full.\n"
                   "# TYPE callsift_record_dropped_total counter\n"
                   "callsift_record_dropped_total %llu\n"
                   "# HELP callsift_record_errors_total Checked events "
                   "the store refused to log.\n"
                   "# TYPE callsift_record_errors_total counter\n"
                   "callsift_record_errors_total %llu\n"
                   "# HELP callsift_record_queue Checked events waiting "
                   "for the writer.\n"
                   "# TYPE callsift_record_queue gauge\n"
                   "callsift_record_queue %zu\n",
                   (unsigned long long)atomic_load(&r->recorded),
                   (unsigned long long)atomic_load(&r->dropped),
                   (unsigned long long)atomic_load(&r->errors), n);
}
