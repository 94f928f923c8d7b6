/*
 * test-record.c - sift_record_event() on a real SQLite file in a
 * temporary folder: the call log and the index's call patterns
 * (CALL_BURST, CALL_REPEAT facts, also after a reload from the store),
 * the fingerprint of the normalised text as the engine computes it, a
 * campaign formed by one text from three numbers and written to the
 * store, and caller-ID states logged by name without feeding campaigns.
 * Verdicts are made by hand: record reads only caller, callee, action
 * and score.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "callsift.h"
#include "callsift/record.h"
#include "test.h"

static const char sms_text[] =
    "【NTTファイナンス】ご利用料金のお支払い確認が取れておりません。"
    "本日中に下記よりお手続きください。https://ntt-finance.example.top/pay";

struct fx {
    char dir[256];
    char db[300];
    struct sift_store *st;
    struct sift_reputation *rep;
    struct sift_verdict *v;
    /* In steps (record.h): prepared and indexed now, stored at flush(),
     * as `check --batch --db` leaves the store to its writer thread. */
    bool steps;
    size_t n_pending;
    struct sift_record pending[16];
};

static void fx_open(struct fx *fx)
{
    const char *base = getenv("TMPDIR");
    struct sift_err err = {0};

    memset(fx, 0, sizeof(*fx));
    snprintf(fx->dir, sizeof(fx->dir), "%s/callsift-record-XXXXXX",
             base && *base ? base : "/tmp");
    ASSERT_NOT_NULL(mkdtemp(fx->dir));
    snprintf(fx->db, sizeof(fx->db), "%s/test.db", fx->dir);
    if (sift_store_open(&fx->st, fx->db, &err) != SIFT_OK)
        TEST_FAIL_("open %s: %s", fx->db, err.msg);
    ASSERT_EQ(sift_reputation_new(&fx->rep, NULL, &err), SIFT_OK);
    fx->v = calloc(1, sizeof(*fx->v));
    ASSERT_NOT_NULL(fx->v);
}

static void fx_close(struct fx *fx)
{
    char cmd[600];

    sift_reputation_free(fx->rep);
    sift_store_close(fx->st);
    free(fx->v);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
    ASSERT_EQ(system(cmd), 0);
}

/* Check-and-record one event with a hand-made verdict. */
static void record(struct fx *fx, enum sift_event_kind kind, const char *from,
                   const char *to, const char *text, int64_t time,
                   int32_t duration)
{
    struct sift_event ev = {0};
    struct sift_err err = {0};

    ev.kind = kind;
    ev.from = from;
    ev.to = to;
    ev.text = text;
    ev.time = time;
    memset(fx->v, 0, sizeof(*fx->v));
    sift_number_parse(&fx->v->caller, from, strlen(from), "JP", NULL);
    if (to != NULL)
        sift_number_parse(&fx->v->callee, to, strlen(to), "JP", NULL);
    fx->v->action = SIFT_ACTION_WARN;
    fx->v->score = 7.5;
    if (fx->steps) {
        struct sift_record *rec = &fx->pending[fx->n_pending++];
        ASSERT(fx->n_pending <= 16);
        if (sift_record_prepare(rec, &ev, fx->v, duration, &err) != SIFT_OK ||
            sift_record_index(fx->rep, rec, &ev, &err) != SIFT_OK)
            TEST_FAIL_("record %s in steps: %s", from, err.msg);
        return;
    }
    if (sift_record_event(fx->st, fx->rep, &ev, fx->v, duration, &err) !=
        SIFT_OK)
        TEST_FAIL_("record %s: %s", from, err.msg);
}

/* Store what was recorded in steps, in order, in one transaction. */
static void flush(struct fx *fx)
{
    struct sift_err err = {0};

    ASSERT_EQ(sift_store_batch_begin(fx->st, NULL), SIFT_OK);
    for (size_t i = 0; i < fx->n_pending; i++) {
        if (sift_record_store(fx->st, fx->rep, &fx->pending[i], &err) !=
            SIFT_OK)
            TEST_FAIL_("store %zu: %s", i, err.msg);
        sift_record_release(&fx->pending[i]);
    }
    fx->n_pending = 0;
    ASSERT_EQ(sift_store_batch_commit(fx->st, NULL), SIFT_OK);
}

static void facts(struct fx *fx, const char *from, const char *to, int64_t now,
                  struct sift_rep_facts *out)
{
    struct sift_number caller, callee;

    sift_number_parse(&caller, from, strlen(from), "JP", NULL);
    sift_number_parse(&callee, to, strlen(to), "JP", NULL);
    sift_reputation_assess(fx->rep, &caller, NULL, &callee, 0, now, out);
}

struct calls {
    int n;
    char from[8][SIFT_KEY_MAX];
    char to[8][SIFT_KEY_MAX];
    int32_t duration[8];
    uint64_t fp[8];
    bool sms[8];
};

static int collect_call(void *ctx, const struct sift_call *c)
{
    struct calls *cs = ctx;

    if (cs->n < 8) {
        snprintf(cs->from[cs->n], SIFT_KEY_MAX, "%s", c->from);
        snprintf(cs->to[cs->n], SIFT_KEY_MAX, "%s", c->to ? c->to : "");
        cs->duration[cs->n] = c->duration;
        cs->fp[cs->n] = c->fingerprint;
        cs->sms[cs->n] = c->sms;
    }
    cs->n++;
    return 0;
}

TEST_IMPL(record_logs_calls_and_feeds_call_patterns)
{
    struct fx fx;
    struct sift_rep_facts f;
    struct calls cs = {0};
    /* Recent: the index loads only calls inside its windows. */
    const int64_t t0 = (int64_t)time(NULL) - 600;
    char to[32];

    fx_open(&fx);
    /* One caller dialling ten people within the hour. */
    for (int i = 0; i < 10; i++) {
        snprintf(to, sizeof(to), "090-1234-56%02d", i);
        record(&fx, SIFT_EVENT_CALL, "03-1234-5678", to, NULL, t0 + i, 12);
    }
    /* Three calls to one callee within the day. */
    for (int i = 0; i < 3; i++)
        record(&fx, SIFT_EVENT_CALL, "06-1111-2222", "090-9999-0000", NULL,
               t0 + 100 + i, i == 0 ? 0 : -5);

    facts(&fx, "03-1234-5678", "090-1234-5699", t0 + 20, &f);
    ASSERT(f.burst_callees >= 10);
    facts(&fx, "06-1111-2222", "090-9999-0000", t0 + 200, &f);
    ASSERT(f.repeat_calls >= 3);
    ASSERT(f.short_calls >= 1); /* the unanswered one */

    /* What the store holds: E.164 keys, the duration as given (a
     * negative one is unknown, -1), no fingerprint without text. */
    ASSERT_EQ(
        sift_store_each_call(fx.st, 0, "+81611112222", collect_call, &cs, NULL),
        SIFT_OK);
    ASSERT_EQ(cs.n, 3);
    ASSERT_STR_EQ(cs.from[0], "+81611112222");
    ASSERT_STR_EQ(cs.to[0], "+819099990000");
    ASSERT_EQ(cs.duration[0], 0);
    ASSERT_EQ(cs.duration[1], -1);
    ASSERT_EQ(cs.fp[0], 0);
    ASSERT(!cs.sms[0]);

    /* Committed: an index built again from the file sees the burst. */
    sift_reputation_free(fx.rep);
    ASSERT_EQ(sift_reputation_new(&fx.rep, NULL, NULL), SIFT_OK);
    ASSERT_EQ(sift_reputation_load(fx.rep, fx.st, NULL), SIFT_OK);
    facts(&fx, "03-1234-5678", "090-1234-5699", t0 + 20, &f);
    ASSERT(f.burst_callees >= 10);
    fx_close(&fx);
    return 0;
}

static int collect_campaign(void *ctx, const struct sift_campaign *c)
{
    struct sift_campaign *out = ctx;

    *out = *c;
    out->sample = NULL;
    return 0;
}

TEST_IMPL(record_same_text_from_three_numbers_forms_a_campaign)
{
    static const char *const from[] = {"080-1111-2222", "080-3333-4444",
                                       "070-5555-6666"};
    struct fx fx;
    struct sift_campaign c = {0};
    struct sift_text_norm norm;
    struct calls cs = {0};
    struct sift_store_stats stats = {0};
    uint64_t fp;

    fx_open(&fx);
    for (int i = 0; i < 3; i++)
        record(&fx, SIFT_EVENT_SMS, from[i], "090-1234-5678", sms_text,
               1700000000 + i, -1);

    ASSERT_EQ(sift_store_stats(fx.st, &stats, NULL), SIFT_OK);
    ASSERT_EQ(stats.calls, 3);
    ASSERT_EQ(stats.campaigns, 1);
    ASSERT_EQ(sift_store_each_campaign(fx.st, collect_campaign, &c, NULL),
              SIFT_OK);
    ASSERT_EQ(c.n_numbers, 3);
    ASSERT_EQ(c.n_events, 3);
    /* Seen first with the first number's message, not when it formed. */
    ASSERT_EQ(c.first_seen, 1700000000);
    ASSERT_EQ(c.last_seen, 1700000002);

    /* The logged fingerprint is the engine's: SimHash of the normalised
     * text, not of the raw bytes. */
    sift_text_norm_init(&norm, 0);
    ASSERT_EQ(sift_text_normalize(sms_text, strlen(sms_text), &norm, NULL),
              SIFT_OK);
    fp = sift_reputation_fingerprint(norm.text, norm.len);
    sift_text_norm_release(&norm);
    ASSERT_NE(fp, 0);
    ASSERT_EQ(sift_store_each_call(fx.st, 0, "+818011112222", collect_call, &cs,
                                   NULL),
              SIFT_OK);
    ASSERT_EQ(cs.n, 1);
    ASSERT(cs.sms[0]);
    ASSERT_EQ((long long)(cs.fp[0] == fp), 1);

    /* A fourth number grows it. */
    record(&fx, SIFT_EVENT_SMS, "080-7777-8888", NULL, sms_text, 1700000010,
           -1);
    ASSERT_EQ(sift_store_each_campaign(fx.st, collect_campaign, &c, NULL),
              SIFT_OK);
    ASSERT_EQ(c.n_numbers, 4);
    ASSERT_EQ(c.last_seen, 1700000010);
    fx_close(&fx);
    return 0;
}

TEST_IMPL(record_states_are_logged_but_form_no_campaign)
{
    struct fx fx;
    struct calls cs = {0};
    struct sift_store_stats stats = {0};

    fx_open(&fx);
    for (int i = 0; i < 3; i++)
        record(&fx, SIFT_EVENT_CALL, "非通知", "090-1234-5678", sms_text,
               1700000000 + i, 30);
    ASSERT_EQ(
        sift_store_each_call(fx.st, 0, "withheld", collect_call, &cs, NULL),
        SIFT_OK);
    ASSERT_EQ(cs.n, 3);
    ASSERT_EQ(cs.duration[0], 30);
    ASSERT_NE(cs.fp[0], 0);
    ASSERT_EQ(sift_store_stats(fx.st, &stats, NULL), SIFT_OK);
    ASSERT_EQ(stats.campaigns, 0);
    fx_close(&fx);
    return 0;
}

struct campaign_rows {
    int n;
    struct sift_campaign c[4];
    char sample[4][1024];
};

static int collect_campaigns(void *ctx, const struct sift_campaign *c)
{
    struct campaign_rows *r = ctx;

    if (r->n < 4) {
        r->c[r->n] = *c;
        snprintf(r->sample[r->n], sizeof(r->sample[0]), "%s",
                 c->sample ? c->sample : "");
        r->c[r->n].sample = NULL;
    }
    r->n++;
    return 0;
}

/* The same events recorded by sift_record_event() and in steps (index
 * at once, store later in one group: the writer thread's way) leave the
 * same calls, the same campaign with its numbers and sample, and the same
 * facts in the index. */
TEST_IMPL(record_in_steps_matches_one_call)
{
    static const char *const from[] = {"080-1111-2222", "080-3333-4444",
                                       "070-5555-6666", "080-7777-8888"};
    struct fx fx[2];
    struct calls cs[2] = {{0}};
    struct campaign_rows cr[2] = {{0}};
    struct sift_rep_facts f[2];
    const int64_t t0 = (int64_t)time(NULL) - 600;

    for (int k = 0; k < 2; k++) {
        fx_open(&fx[k]);
        fx[k].steps = k == 1;
        for (int i = 0; i < 4; i++)
            record(&fx[k], SIFT_EVENT_SMS, from[i], "090-1234-5678", sms_text,
                   t0 + i, -1);
        for (int i = 0; i < 3; i++)
            record(&fx[k], SIFT_EVENT_CALL, "06-1111-2222", "090-9999-0000",
                   NULL, t0 + 10 + i, 0);
        if (fx[k].steps)
            flush(&fx[k]);
        ASSERT_EQ(
            sift_store_each_call(fx[k].st, 0, NULL, collect_call, &cs[k], NULL),
            SIFT_OK);
        ASSERT_EQ(
            sift_store_each_campaign(fx[k].st, collect_campaigns, &cr[k], NULL),
            SIFT_OK);
        facts(&fx[k], "06-1111-2222", "090-9999-0000", t0 + 20, &f[k]);
    }
    ASSERT_EQ(cs[0].n, 7);
    ASSERT_EQ(cs[1].n, 7);
    for (int i = 0; i < 7 && i < 8; i++) {
        ASSERT_STR_EQ(cs[1].from[i], cs[0].from[i]);
        ASSERT_STR_EQ(cs[1].to[i], cs[0].to[i]);
        ASSERT_EQ((long long)(cs[1].fp[i] == cs[0].fp[i]), 1);
        ASSERT_EQ(cs[1].sms[i], cs[0].sms[i]);
    }
    ASSERT_EQ(cr[0].n, 1);
    ASSERT_EQ(cr[1].n, 1);
    ASSERT_EQ(cr[1].c[0].id, cr[0].c[0].id);
    ASSERT_EQ(cr[1].c[0].n_numbers, 4);
    ASSERT_EQ(cr[1].c[0].n_numbers, cr[0].c[0].n_numbers);
    ASSERT_EQ(cr[1].c[0].n_events, cr[0].c[0].n_events);
    ASSERT_EQ(cr[1].c[0].first_seen, cr[0].c[0].first_seen);
    ASSERT_EQ(cr[1].c[0].last_seen, cr[0].c[0].last_seen);
    ASSERT_STR_EQ(cr[1].sample[0], sms_text);
    ASSERT_STR_EQ(cr[1].sample[0], cr[0].sample[0]);
    ASSERT(f[0].repeat_calls >= 3);
    ASSERT_EQ(f[1].repeat_calls, f[0].repeat_calls);
    for (int k = 0; k < 2; k++)
        fx_close(&fx[k]);
    return 0;
}
