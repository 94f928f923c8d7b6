/*
 * reputation_load.c - build the index from the store at start (issue 4
 * section 4): lists, reports, campaigns with their numbers, then the
 * recent call log (rings for the call patterns, and message fingerprints
 * so that clusters not yet campaigns survive a restart: the newest
 * max_candidates of them, as many as the pool keeps).
 *
 * Kept in its own file so that programs which never open a store (the
 * unit tests, `callsift check` without --db) do not link the store.
 */
#include <string.h>
#include <time.h>

#include "reputation_int.h"
#include "util/util.h"

struct load_ctx {
    struct sift_reputation *rep;
    enum sift_rc rc;
    int64_t calls_since;
    long *ix; /* cluster index per campaign, in walk order */
    int64_t *ids;
    size_t n, cap;
};

static int on_list(void *vctx, const struct sift_list_entry *e)
{
    struct load_ctx *ctx = vctx;
    enum sift_rc rc = sift_reputation_add_list(ctx->rep, e);

    /* An entry this index cannot read (a bad prefix) is skipped; only
     * running out of memory stops the load. */
    ctx->rc = rc == SIFT_ENOMEM ? rc : SIFT_OK;
    return ctx->rc != SIFT_OK;
}

static int on_report(void *vctx, const struct sift_report *r)
{
    struct load_ctx *ctx = vctx;
    enum sift_rc rc = sift_reputation_add_report(ctx->rep, r);

    ctx->rc = rc == SIFT_ENOMEM ? rc : SIFT_OK;
    return ctx->rc != SIFT_OK;
}

static int on_campaign(void *vctx, const struct sift_campaign *c)
{
    struct load_ctx *ctx = vctx;
    struct sift_reputation *rep = ctx->rep;
    long ix;

    if (ctx->n == ctx->cap) {
        size_t cap = ctx->cap ? ctx->cap * 2 : 64;
        long *a = sift_realloc(ctx->ix, cap * sizeof(*a));
        int64_t *b;
        if (a == NULL)
            goto nomem;
        ctx->ix = a;
        b = sift_realloc(ctx->ids, cap * sizeof(*b));
        if (b == NULL)
            goto nomem;
        ctx->ids = b;
        ctx->cap = cap;
    }
    sift__rep_write_begin(rep);
    ix = sift__rep_camps_put(rep, c);
    if (ix >= 0 && (int64_t)rep->camps.c[ix].n_numbers < c->n_numbers)
        rep->camps.c[ix].n_numbers = (uint32_t)c->n_numbers;
    sift__rep_write_end(rep);
    if (ix == -1)
        goto nomem;
    if (ix >= 0) {
        ctx->ix[ctx->n] = ix;
        ctx->ids[ctx->n++] = c->id;
    }
    return 0;
nomem:
    ctx->rc = SIFT_ENOMEM;
    return 1;
}

struct member_ctx {
    struct sift_reputation *rep;
    long ix;
};

static int on_member(void *vctx, int64_t campaign, const char *key,
                     int64_t time)
{
    struct member_ctx *m = vctx;
    struct cluster *c;

    (void)campaign;
    (void)time;
    sift__rep_write_begin(m->rep);
    c = &m->rep->camps.c[m->ix];
    if (c->n_exact < MEMBERS_EXACT) {
        /* The store's count stands: the members only name the numbers
         * whose reporters the campaign inherits. */
        uint32_t n = c->n_numbers;
        sift__rep_camps_member(c, sift__rep_key(key, strlen(key)));
        c->n_numbers = n > c->n_exact ? n : c->n_exact;
    }
    sift__rep_write_end(m->rep);
    return 0;
}

static int on_call(void *vctx, const struct sift_call *c)
{
    struct load_ctx *ctx = vctx;
    struct sift_reputation *rep = ctx->rep;
    enum sift_rc rc = SIFT_OK;

    if (c->time >= ctx->calls_since)
        rc = sift_reputation_add_call(rep, c);
    if (rc == SIFT_OK && c->fingerprint != 0 && c->from && c->from[0]) {
        int64_t campaign = 0, since = 0;
        bool formed = false;
        sift__rep_write_begin(rep);
        rc = sift__rep_camps_add(rep, sift__rep_key(c->from, strlen(c->from)),
                                 c->fingerprint, c->time, false, &campaign,
                                 &formed, &since);
        sift__rep_write_end(rep);
    }
    ctx->rc = rc == SIFT_ENOMEM ? rc : SIFT_OK;
    return ctx->rc != SIFT_OK;
}

enum sift_rc sift_reputation_load(struct sift_reputation *rep,
                                  struct sift_store *st, struct sift_err *err)
{
    struct load_ctx ctx;
    int64_t window;
    enum sift_rc rc;

    if (rep == NULL || st == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no reputation or store");
    memset(&ctx, 0, sizeof(ctx));
    ctx.rep = rep;
    window = rep->opts.burst_window > rep->opts.repeat_window
                 ? rep->opts.burst_window
                 : rep->opts.repeat_window;
    ctx.calls_since = (int64_t)time(NULL) - window;

    rc = sift_store_each_list(st, on_list, &ctx, err);
    if (rc == SIFT_OK && ctx.rc == SIFT_OK)
        rc = sift_store_each_report(st, NULL, 0, on_report, &ctx, err);
    if (rc == SIFT_OK && ctx.rc == SIFT_OK)
        rc = sift_store_each_campaign(st, on_campaign, &ctx, err);
    for (size_t i = 0; rc == SIFT_OK && ctx.rc == SIFT_OK && i < ctx.n; i++) {
        struct member_ctx m = {rep, ctx.ix[i]};
        rc =
            sift_store_each_campaign_number(st, ctx.ids[i], on_member, &m, err);
    }
    if (rc == SIFT_OK && ctx.rc == SIFT_OK)
        /* The rings need the calls of the windows; the candidates no more
         * messages than the pool keeps (the older half of it goes when it
         * is full): a long call log is not read whole. */
        rc = sift_store_each_recent_call(
            st, ctx.calls_since, rep->camps.max_candidates, on_call, &ctx, err);
    sift_free(ctx.ix);
    sift_free(ctx.ids);
    if (rc == SIFT_OK && ctx.rc != SIFT_OK)
        rc = sift__err_set(err, ctx.rc, NULL, "out of memory");
    return rc;
}
