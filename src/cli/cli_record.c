/*
 * cli_record.c - `callsift check --db`: the store and reputation index
 * behind a check, and logging what was checked.
 *
 * Flow: open the store, build the reputation index from it, attach it to
 * the engine; after each verdict, log the call (sift_store_add_call, then
 * sift_reputation_add_call so later events in the same process see it),
 * and when the event had text, feed its fingerprint to campaign
 * detection; a campaign that forms or grows is written to the store with
 * the numbers that spoke its message. The store commits before the index
 * is updated, so the index never holds what the store does not.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define SAMPLE_MAX 1024

int sift_cli_record_open(struct sift_cli_record *rc, const char *db,
                         struct sift_engine *eng)
{
    int status;

    memset(rc, 0, sizeof(*rc));
    sift_text_norm_init(&rc->norm, 0);
    status = sift_cli_store_open("check", db, &rc->st);
    if (status != SIFT_EXIT_OK)
        return status;
    status = sift_cli_reputation_load("check", rc->st, &rc->rep);
    if (status != SIFT_EXIT_OK)
        return status;
    sift_engine_set_reputation(eng, rc->rep);
    return SIFT_EXIT_OK;
}

void sift_cli_record_close(struct sift_cli_record *rc, struct sift_engine *eng)
{
    if (eng != NULL)
        sift_engine_set_reputation(eng, NULL);
    sift_reputation_free(rc->rep);
    sift_store_close(rc->st);
    sift_text_norm_release(&rc->norm);
    memset(rc, 0, sizeof(*rc));
}

struct find {
    int64_t id;
    bool found;
    struct sift_campaign c;
};

static int find_campaign(void *ctx, const struct sift_campaign *c)
{
    struct find *f = ctx;

    if (c->id != f->id)
        return 0;
    f->found = true;
    f->c = *c;
    f->c.sample = NULL; /* not kept past the walk; coalesced on update */
    return 1;
}

/* The numbers of earlier calls that spoke the same message, collected
 * first and linked after the walk (no write inside a read). */
#define LINK_MAX 1024
struct link {
    uint64_t fp;
    unsigned distance;
    size_t n;
    char keys[LINK_MAX][SIFT_KEY_MAX];
    int64_t times[LINK_MAX];
};

static int link_call(void *ctx, const struct sift_call *c)
{
    struct link *l = ctx;

    if (c->fingerprint == 0 ||
        (unsigned)__builtin_popcountll(c->fingerprint ^ l->fp) > l->distance)
        return 0;
    snprintf(l->keys[l->n], SIFT_KEY_MAX, "%s", c->from);
    l->times[l->n] = c->time;
    l->n++;
    return l->n == LINK_MAX;
}

static int count_number(void *ctx, int64_t campaign, const char *key,
                        int64_t time)
{
    (void)campaign;
    (void)key;
    (void)time;
    (*(int64_t *)ctx)++;
    return 0;
}

/* A sample of the text, cut at a character boundary. */
static void sample_of(const struct sift_event *ev, char *buf, size_t size)
{
    size_t len = ev->text_len ? ev->text_len : strlen(ev->text);

    if (len >= size) {
        len = size - 1;
        while (len > 0 && ((unsigned char)ev->text[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(buf, ev->text, len);
    buf[len] = '\0';
}

static enum sift_rc save_campaign(struct sift_cli_record *rc,
                                  const struct sift_event *ev, const char *from,
                                  uint64_t fp, int64_t when, int64_t campaign,
                                  bool formed, struct sift_err *err)
{
    struct find f = {.id = campaign};
    struct sift_campaign c = {0};
    char sample[SAMPLE_MAX];
    int64_t n_numbers = 0;
    enum sift_rc r;

    r = sift_store_each_campaign(rc->st, find_campaign, &f, err);
    if (r != SIFT_OK && r != 1)
        return r;
    c.id = campaign;
    c.fingerprint = f.found ? f.c.fingerprint : fp;
    c.first_seen = f.found ? f.c.first_seen : when;
    c.last_seen = when;
    c.n_events = f.found ? f.c.n_events + 1 : 1;
    if (!f.found) {
        sample_of(ev, sample, sizeof(sample));
        c.sample = sample;
    }
    r = sift_store_put_campaign(rc->st, &c, err);
    if (r == SIFT_OK && (formed || !f.found)) {
        struct sift_reputation_opts o;
        struct link *l = calloc(1, sizeof(*l));
        if (l == NULL)
            return SIFT_ENOMEM;
        sift_reputation_get_opts(rc->rep, &o);
        l->fp = fp;
        l->distance = o.campaign_distance;
        r = sift_store_each_call(rc->st, 0, NULL, link_call, l, err);
        if (r == 1)
            r = SIFT_OK;
        for (size_t i = 0; r == SIFT_OK && i < l->n; i++)
            r = sift_store_campaign_number(rc->st, campaign, l->keys[i],
                                           l->times[i], err);
        free(l);
    }
    if (r == SIFT_OK)
        r = sift_store_campaign_number(rc->st, campaign, from, when, err);
    if (r == SIFT_OK)
        r = sift_store_each_campaign_number(rc->st, campaign, count_number,
                                            &n_numbers, err);
    if (r == SIFT_OK) {
        if (!f.found) /* the messages that formed it, one per number */
            c.n_events = n_numbers;
        c.n_numbers = n_numbers;
        c.sample = NULL;
        r = sift_store_put_campaign(rc->st, &c, err);
    }
    return r;
}

int sift_cli_record(struct sift_cli_record *rc, const struct sift_event *ev,
                    const struct sift_verdict *v)
{
    struct sift_call c = {0};
    struct sift_err err = {0};
    char from[SIFT_KEY_MAX], to[SIFT_KEY_MAX];
    size_t from_len = ev->from_len ? ev->from_len : strlen(ev->from);
    bool state = false;

    if (v->caller.status == SIFT_NUMBER_OK) {
        snprintf(from, sizeof(from), "%s", v->caller.e164);
    } else if (v->caller.status == SIFT_NUMBER_WITHHELD ||
               v->caller.status == SIFT_NUMBER_UNAVAILABLE ||
               v->caller.status == SIFT_NUMBER_PAYPHONE ||
               v->caller.status == SIFT_NUMBER_EMPTY) {
        snprintf(from, sizeof(from), "%s",
                 sift_number_status_name(v->caller.status));
        state = true;
    } else {
        /* an SMS sender ID or malformed digits, kept as written */
        if (from_len >= sizeof(from))
            from_len = sizeof(from) - 1;
        memcpy(from, ev->from, from_len);
        from[from_len] = '\0';
    }
    c.from = from;
    if (v->callee.status == SIFT_NUMBER_OK) {
        snprintf(to, sizeof(to), "%s", v->callee.e164);
        c.to = to;
    }
    c.time = ev->time ? ev->time : (int64_t)time(NULL);
    c.duration = -1;
    c.action = (int)v->action;
    c.score = v->score;
    c.sms = ev->kind == SIFT_EVENT_SMS;
    if (ev->text != NULL) {
        size_t len = ev->text_len ? ev->text_len : strlen(ev->text);
        if (sift_text_normalize(ev->text, len, &rc->norm, NULL) == SIFT_OK)
            c.fingerprint =
                sift_reputation_fingerprint(rc->norm.text, rc->norm.len);
    }
    if (sift_store_add_call(rc->st, &c, &err) != SIFT_OK) {
        fprintf(stderr, "callsift check: logging the call: %s\n", err.msg);
        return SIFT_EXIT_INTERNAL;
    }
    sift_reputation_add_call(rc->rep, &c);
    if (c.fingerprint != 0 && !state) {
        int64_t campaign = 0;
        bool formed = false;
        if (sift_reputation_add_message(rc->rep, from, c.fingerprint, ev->text,
                                        c.time, &campaign,
                                        &formed) == SIFT_OK &&
            campaign != 0 &&
            save_campaign(rc, ev, from, c.fingerprint, c.time, campaign, formed,
                          &err) != SIFT_OK) {
            fprintf(stderr, "callsift check: saving the campaign: %s\n",
                    err.msg);
            return SIFT_EXIT_INTERNAL;
        }
    }
    return SIFT_EXIT_OK;
}
