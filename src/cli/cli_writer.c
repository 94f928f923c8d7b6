/*
 * cli_writer.c - `callsift check --batch --db`'s writer: one thread that
 * owns the store while the batch runs, writes each group of checked
 * events in one transaction, and prints the group's verdict lines once
 * it is committed.
 *
 * Flow: the checking thread (cmd_check.c) checks a group of events,
 * holds their verdict lines, and updates the reputation index itself
 * (sift_record_index: the next event's check sees this one, whatever the
 * writer's pace). It hands the group to sift_cli_writer_put(), which
 * waits while the group before is still being written: at most one group
 * is written while the next is checked, so memory stays two groups. The
 * writer runs sift_record_store() for each event, commits (one fsync),
 * then prints the lines: a printed verdict's event is in the store, as
 * before the writer existed. The fsync and the store's work overlap the
 * next group's checks (on another core when there is one).
 *
 * Without a thread (pthread_create failed) put() writes the group itself.
 * Errors are printed as they happen and make the exit status; the batch
 * goes on, as it did when logging was inline.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/util.h"

struct group {
    struct sift_record *recs;
    size_t n;
    char *lines;
    size_t len;
};

struct sift_cli_writer {
    struct sift_cli_record *rc;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct group pending; /* handed over, not yet taken */
    bool has_pending, busy, stop, threaded;
    int status; /* the worst so far */
    pthread_t thread;
};

/* Store the group's events in one transaction, then print its lines. */
static int write_group(struct sift_cli_record *rc, struct group *g)
{
    int status = SIFT_EXIT_OK;
    bool in_txn = false;

    if (g->n > 0)
        in_txn = sift_store_batch_begin(rc->st, NULL) == SIFT_OK;
    for (size_t i = 0; i < g->n; i++) {
        struct sift_err err = {0};

        if (sift_record_store(rc->st, rc->rep, &g->recs[i], &err) != SIFT_OK) {
            fprintf(stderr, "callsift check: logging the call: %s\n", err.msg);
            status = SIFT_EXIT_INTERNAL;
        }
        sift_record_release(&g->recs[i]);
    }
    if (in_txn) {
        struct sift_err err = {0};

        if (sift_store_batch_commit(rc->st, &err) != SIFT_OK) {
            fprintf(stderr, "callsift check: logging %zu events: %s\n", g->n,
                    err.msg);
            status = SIFT_EXIT_INTERNAL;
        }
    }
    if ((g->len > 0 && fwrite(g->lines, 1, g->len, stdout) != g->len) ||
        fflush(stdout) != 0)
        status = SIFT_EXIT_INTERNAL;
    free(g->recs);
    free(g->lines);
    memset(g, 0, sizeof(*g));
    return status;
}

static void *writer_main(void *arg)
{
    struct sift_cli_writer *w = arg;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct group g;
        int status;

        while (!w->has_pending && !w->stop)
            pthread_cond_wait(&w->changed, &w->lock);
        if (!w->has_pending)
            break; /* stopped, and nothing left */
        g = w->pending;
        w->has_pending = false;
        w->busy = true;
        pthread_mutex_unlock(&w->lock);
        status = write_group(w->rc, &g);
        pthread_mutex_lock(&w->lock);
        w->busy = false;
        w->status = sift_cli_worst(w->status, status);
        pthread_cond_broadcast(&w->changed);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int sift_cli_writer_start(struct sift_cli_writer **out,
                          struct sift_cli_record *rc)
{
    struct sift_cli_writer *w = calloc(1, sizeof(*w));

    *out = NULL;
    if (w == NULL)
        return SIFT_EXIT_INTERNAL;
    w->rc = rc;
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        return SIFT_EXIT_INTERNAL;
    }
    if (pthread_cond_init(&w->changed, NULL) != 0) {
        pthread_mutex_destroy(&w->lock);
        free(w);
        return SIFT_EXIT_INTERNAL;
    }
    /* The store is the writer's from here: the checking thread reads only
     * the index until sift_cli_writer_finish(). */
    w->threaded = pthread_create(&w->thread, NULL, writer_main, w) == 0;
    *out = w;
    return SIFT_EXIT_OK;
}

int sift_cli_writer_put(struct sift_cli_writer *w, struct sift_record *recs,
                        size_t n, char *lines, size_t len)
{
    struct group g = {.recs = recs, .n = n, .lines = lines, .len = len};
    int status;

    if (!w->threaded) {
        w->status = sift_cli_worst(w->status, write_group(w->rc, &g));
        return w->status;
    }
    pthread_mutex_lock(&w->lock);
    while (w->has_pending || w->busy)
        pthread_cond_wait(&w->changed, &w->lock);
    w->pending = g;
    w->has_pending = true;
    status = w->status;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    return status;
}

int sift_cli_writer_finish(struct sift_cli_writer *w)
{
    int status;

    if (w == NULL)
        return SIFT_EXIT_OK;
    if (w->threaded) {
        pthread_mutex_lock(&w->lock);
        w->stop = true;
        pthread_cond_broadcast(&w->changed);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL); /* it writes what is pending first */
    }
    status = w->status;
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return status;
}
