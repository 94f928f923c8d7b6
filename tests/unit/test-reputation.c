/*
 * test-reputation.c - the in-memory reputation index and its signals
 * through the engine (issue 4 sections 3 and 7): reports counted once per
 * reporter, the N-reporter rule, safe reports, lists (the callee's allow
 * over a global prefix block, expiry), call bursts, repeats and wangiri,
 * and campaigns behind rotating numbers.
 *
 * Each test builds an engine from data/ as test-engine.c does and attaches
 * an index built in memory: no store is needed. Tests assert on the
 * signals and their evidence, not only on the action.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsift.h"
#include "callsift/reputation.h"
#include "reputation/reputation_int.h"
#include "util/cpu.h"
#include "util/readers.h"
#include "test.h"

#define NOW 1764000000 /* 2025-11-24 */
#define DAY 86400

/* Tokyo fixed lines: domestic, valid, nothing else fires for them. */
#define CALLER "+81312345678"
#define CALLEE "+81901234567"

struct fixture {
    struct sift_engine *eng;
    struct sift_reputation *rep;
    struct sift_verdict *v;
};

static int setup(struct fixture *fx)
{
    struct sift_engine_opts o = {0};
    struct sift_err err = {0};
    char dir[1024];

    memset(fx, 0, sizeof(*fx));
    snprintf(dir, sizeof(dir), "%s/data", sift_test_root());
    o.data_dir = dir;
    if (sift_engine_new(&fx->eng, &o, &err) != SIFT_OK) {
        fprintf(stderr, "# engine: %s: %s\n", err.where, err.msg);
        return -1;
    }
    if (sift_reputation_new(&fx->rep, NULL, &err) != SIFT_OK)
        return -1;
    sift_engine_set_reputation(fx->eng, fx->rep);
    fx->v = malloc(sizeof(*fx->v));
    return fx->v ? 0 : -1;
}

static void teardown(struct fixture *fx)
{
    sift_engine_free(fx->eng);
    sift_reputation_free(fx->rep);
    free(fx->v);
}

static const struct sift_signal *sig(const struct sift_verdict *v,
                                     const char *name)
{
    for (size_t i = 0; i < v->n_signals; i++)
        if (strcmp(v->signals[i].name, name) == 0)
            return &v->signals[i];
    return NULL;
}

/* A signal's evidence, or "(not fired)". */
static const char *evidence(const struct sift_verdict *v, const char *name)
{
    const struct sift_signal *s = sig(v, name);
    return s ? s->evidence : "(not fired)";
}

static void dump(const struct sift_verdict *v)
{
    fprintf(stderr, "# action %s score %.2f\n", sift_action_name(v->action),
            v->score);
    for (size_t i = 0; i < v->n_signals; i++)
        fprintf(stderr, "#   %s %.2f [%s]\n", v->signals[i].name,
                v->signals[i].weight, v->signals[i].evidence);
}

static const struct sift_verdict *check(struct fixture *fx, const char *from,
                                        const char *to, const char *text)
{
    struct sift_event ev = {0};

    ev.kind = text ? SIFT_EVENT_SMS : SIFT_EVENT_CALL;
    ev.from = from;
    ev.to = to;
    ev.text = text;
    ev.time = NOW;
    if (sift_engine_check(fx->eng, &ev, fx->v, NULL) != SIFT_OK)
        TEST_FAIL_("check %s failed", from);
    return fx->v;
}

static void report(struct fixture *fx, const char *key, int reporter,
                   enum sift_report_category cat, int64_t time)
{
    struct sift_report r = {0};

    r.key = key;
    r.category = cat;
    /* A stand-in for the store's salted SHA-256 (splitmix64). */
    for (int i = 0; i < 32; i++) {
        uint64_t x = (uint64_t)reporter * 0x9e3779b97f4a7c15ull + (uint64_t)i;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
        r.reporter[i] = (uint8_t)(x ^ (x >> 31));
    }
    r.time = time;
    r.source = "user";
    ASSERT_EQ(sift_reputation_add_report(fx->rep, &r), SIFT_OK);
}

static void list(struct fixture *fx, enum sift_list_kind kind,
                 enum sift_list_match match, const char *value,
                 const char *callee, int64_t expires, int64_t id)
{
    struct sift_list_entry e = {0};

    e.id = id;
    e.kind = kind;
    e.match = match;
    e.value = value;
    e.callee = callee;
    e.expires = expires;
    e.created = NOW - DAY;
    ASSERT_EQ(sift_reputation_add_list(fx->rep, &e), SIFT_OK);
}

static void call(struct fixture *fx, const char *from, const char *to,
                 int64_t time, int32_t duration)
{
    struct sift_call c = {0};

    c.from = from;
    c.to = to;
    c.time = time;
    c.duration = duration;
    ASSERT_EQ(sift_reputation_add_call(fx->rep, &c), SIFT_OK);
}

/* ---- reports ------------------------------------------------------------ */

TEST_IMPL(reputation_one_reporter_counts_once)
{
    struct fixture fx;
    const struct sift_verdict *v;
    const struct sift_signal *s;
    struct sift_rep_facts f;
    struct sift_number n;

    ASSERT_EQ(setup(&fx), 0);
    /* Poisoning: one reporter, a thousand reports. */
    for (int i = 0; i < 1000; i++)
        report(&fx, CALLER, 7, SIFT_CAT_SCAM, NOW - 2 * DAY + i);
    sift_number_parse(&n, CALLER, strlen(CALLER), "JP", NULL);
    sift_reputation_assess(fx.rep, &n, NULL, NULL, 0, NOW, &f);
    ASSERT_EQ(f.reporters, 1);
    /* Repeats do not even refresh the weight: the first report's stands. */
    ASSERT(f.reports_weight > 0.95 && f.reports_weight < 0.96);

    v = check(&fx, CALLER, CALLEE, NULL);
    s = sig(v, "REP_REPORTED");
    ASSERT_NOT_NULL(s);
    ASSERT_STR_EQ(s->evidence, "1 reporter, last 2 days ago, mostly scam");
    ASSERT(strstr(s->reason_ja, "1人") != NULL);
    ASSERT(strstr(s->reason_en, "1 person reported") != NULL);
    ASSERT(v->action < SIFT_ACTION_WARN);
    teardown(&fx);
    return 0;
}

/* The stats' most-reported table: by distinct reporters of harm, kept
 * exact as counts grow, keys as reported (sender IDs too). */
TEST_IMPL(reputation_most_reported_counts_each_reporter_once)
{
    struct fixture fx;
    struct sift_rep_top top[SIFT_REP_TOP_MAX];
    char key[32];
    size_t n;

    ASSERT_EQ(setup(&fx), 0);
    ASSERT_EQ(sift_reputation_most_reported(fx.rep, top, SIFT_REP_TOP_MAX), 0);
    for (int i = 0; i < 1000; i++) /* one reporter, 1,000 times */
        report(&fx, "+18776430291", 1, SIFT_CAT_SCAM, NOW - 60);
    for (int r = 10; r < 13; r++)
        report(&fx, "+819011112222", r, SIFT_CAT_ROBOCALL, NOW - 60);
    for (int r = 20; r < 22; r++)
        report(&fx, "NTT-Finance", r, SIFT_CAT_SCAM, NOW - 60);
    for (int r = 30; r < 35; r++) /* "safe" does not count */
        report(&fx, "+81312345678", r, SIFT_CAT_SAFE, NOW - 60);
    n = sift_reputation_most_reported(fx.rep, top, SIFT_REP_TOP_MAX);
    ASSERT_EQ(n, 3);
    ASSERT_STR_EQ(top[0].key, "+819011112222");
    ASSERT_EQ(top[0].reporters, 3);
    ASSERT_STR_EQ(top[1].key, "NTT-Finance");
    ASSERT_EQ(top[1].reporters, 2);
    ASSERT_STR_EQ(top[2].key, "+18776430291");
    ASSERT_EQ(top[2].reporters, 1);
    ASSERT_EQ(sift_reputation_most_reported(fx.rep, top, 2), 2);

    /* 25 more keys with 4..28 reporters: the top 20 are the 20 largest. */
    for (int k = 0; k < 25; k++) {
        snprintf(key, sizeof(key), "+8170%08d", k);
        for (int r = 0; r < 4 + k; r++)
            report(&fx, key, 100 + r, SIFT_CAT_SPAM, NOW - 60);
    }
    n = sift_reputation_most_reported(fx.rep, top, SIFT_REP_TOP_MAX);
    ASSERT_EQ(n, SIFT_REP_TOP_MAX);
    ASSERT_STR_EQ(top[0].key, "+817000000024");
    ASSERT_EQ(top[0].reporters, 28);
    ASSERT_STR_EQ(top[19].key, "+817000000005");
    ASSERT_EQ(top[19].reporters, 9);
    /* A key that had fallen out comes back with its whole count. */
    for (int r = 0; r < 40; r++)
        report(&fx, "+819011112222", 200 + r, SIFT_CAT_SCAM, NOW - 60);
    n = sift_reputation_most_reported(fx.rep, top, SIFT_REP_TOP_MAX);
    ASSERT_STR_EQ(top[0].key, "+819011112222");
    ASSERT_EQ(top[0].reporters, 43);
    ASSERT_STR_EQ(top[19].key, "+817000000006");
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_three_reporters_block_two_do_not)
{
    struct fixture fx;
    const struct sift_verdict *v;

    ASSERT_EQ(setup(&fx), 0);
    report(&fx, CALLER, 1, SIFT_CAT_SCAM, NOW - 3600);
    report(&fx, CALLER, 2, SIFT_CAT_SCAM, NOW - 3600);
    for (int i = 0; i < 50; i++) /* both again: nothing changes */
        report(&fx, CALLER, 1 + i % 2, SIFT_CAT_ROBOCALL, NOW - 60);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_NOT_NULL(sig(v, "REP_REPORTED"));
    ASSERT_STR_EQ(evidence(v, "REP_REPORTED"),
                  "2 reporters, last 1 hour ago, mostly scam");
    if (v->action == SIFT_ACTION_BLOCK) {
        dump(v);
        TEST_FAIL_("two reporters alone must not block");
    }
    ASSERT_EQ(v->action, SIFT_ACTION_WARN);

    report(&fx, CALLER, 3, SIFT_CAT_SCAM, NOW - 60);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_STR_EQ(evidence(v, "REP_REPORTED"),
                  "3 reporters, last 1 minute ago, mostly scam");
    if (v->action != SIFT_ACTION_BLOCK) {
        dump(v);
        TEST_FAIL_("three reporters block");
    }
    ASSERT(strstr(sig(v, "REP_REPORTED")->reason_ja, "3人") != NULL);
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_old_reports_fade)
{
    struct fixture fx;
    struct sift_rep_facts f;
    struct sift_number n;
    const struct sift_verdict *v;

    ASSERT_EQ(setup(&fx), 0);
    /* Three reporters a half-life ago (30 days) weigh 1.5, not 3. */
    for (int i = 1; i <= 3; i++)
        report(&fx, CALLER, i, SIFT_CAT_SPAM, NOW - 30 * DAY);
    sift_number_parse(&n, CALLER, strlen(CALLER), "JP", NULL);
    sift_reputation_assess(fx.rep, &n, NULL, NULL, 0, NOW, &f);
    ASSERT_EQ(f.reporters, 3);
    ASSERT(f.reports_weight > 1.49 && f.reports_weight < 1.51);
    ASSERT_EQ(f.top_category, SIFT_CAT_SPAM);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_STR_EQ(evidence(v, "REP_REPORTED"),
                  "3 reporters, last 30 days ago, mostly spam");
    ASSERT(v->action < SIFT_ACTION_BLOCK);
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_safe_reports_lower)
{
    struct fixture fx;
    const struct sift_verdict *v;
    const struct sift_signal *s;

    ASSERT_EQ(setup(&fx), 0);
    for (int i = 1; i <= 3; i++)
        report(&fx, CALLER, i, SIFT_CAT_SCAM, NOW - 3600);
    ASSERT_EQ(check(&fx, CALLER, CALLEE, NULL)->action, SIFT_ACTION_BLOCK);
    /* Two people who know the number say it is safe, each many times. */
    for (int i = 0; i < 20; i++)
        report(&fx, CALLER, 10 + i % 2, SIFT_CAT_SAFE, NOW - 60);
    v = check(&fx, CALLER, CALLEE, NULL);
    s = sig(v, "REP_SAFE");
    ASSERT_NOT_NULL(s);
    ASSERT_STR_EQ(s->evidence, "2 safe reports");
    ASSERT(s->weight < -3.9 && s->weight > -4.1);
    ASSERT(strstr(s->reason_en, "2 people reported this number as safe") !=
           NULL);
    ASSERT(v->action < SIFT_ACTION_BLOCK);
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_distinct_reporters_stay_bounded)
{
    struct fixture fx;
    struct sift_rep_facts f;
    struct sift_number n;
    struct sift_reputation_stats st;

    ASSERT_EQ(setup(&fx), 0);
    /* 100 reporters: 30 counted exactly, the rest through the Bloom
     * filter (which may only undercount); then all of them again. */
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 100; i++)
            report(&fx, CALLER, 1000 + i, SIFT_CAT_SCAM, NOW - 60);
    sift_number_parse(&n, CALLER, strlen(CALLER), "JP", NULL);
    sift_reputation_assess(fx.rep, &n, NULL, NULL, 0, NOW, &f);
    ASSERT(f.reporters >= 95 && f.reporters <= 100);
    sift_reputation_stats(fx.rep, &st);
    ASSERT_EQ(st.numbers, 1);
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_sender_ids_are_keys)
{
    struct fixture fx;
    const struct sift_verdict *v;

    ASSERT_EQ(setup(&fx), 0);
    for (int i = 1; i <= 3; i++)
        report(&fx, "NTT-Finance", i, SIFT_CAT_SCAM, NOW - DAY);
    /* Sender IDs match without regard to ASCII case. */
    v = check(&fx, "ntt-finance", CALLEE,
              "ご利用料金のお支払い確認が取れておりません");
    ASSERT_NOT_NULL(sig(v, "REP_REPORTED"));
    ASSERT_STR_EQ(evidence(v, "REP_REPORTED"),
                  "3 reporters, last 1 day ago, mostly scam");
    teardown(&fx);
    return 0;
}

/* ---- lists -----------------------------------------------------------------
 */

TEST_IMPL(reputation_callee_allow_beats_global_prefix_block)
{
    struct fixture fx;
    const struct sift_verdict *v;
    const struct sift_signal *s;

    ASSERT_EQ(setup(&fx), 0);
    list(&fx, SIFT_LIST_BLOCK, SIFT_MATCH_PREFIX, "+1877", NULL, 0, 1);
    list(&fx, SIFT_LIST_ALLOW, SIFT_MATCH_EXACT, "+18776430291", CALLEE, 0, 2);

    /* The callee's own allow entry wins over the global prefix block and
     * over every other signal (the seed call's spoofed toll-free). */
    v = check(&fx, "+1 (877) 643-0291", "090-1234-567", NULL);
    ASSERT_EQ(v->action, SIFT_ACTION_ALLOW);
    ASSERT(v->allow_listed);
    ASSERT_EQ(v->n_signals, 1);
    s = sig(v, "LIST_ALLOW");
    ASSERT_NOT_NULL(s);
    ASSERT_STR_EQ(s->evidence, "+18776430291 on the callee's allow list");
    ASSERT(strstr(s->reason_ja, "あなたの許可リスト") != NULL);

    /* Someone else is still protected by the global block... */
    v = check(&fx, "+1 (877) 643-0291", "+81312345678", NULL);
    ASSERT_EQ(v->action, SIFT_ACTION_BLOCK);
    s = sig(v, "LIST_BLOCK");
    ASSERT_NOT_NULL(s);
    ASSERT_STR_EQ(s->evidence, "+1877* on the global block list");
    ASSERT_NULL(sig(v, "LIST_ALLOW"));
    /* ... and so is the callee against other numbers of the range. */
    v = check(&fx, "+18775550123", CALLEE, NULL);
    ASSERT_EQ(v->action, SIFT_ACTION_BLOCK);
    ASSERT_NOT_NULL(sig(v, "LIST_BLOCK"));
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_list_block_blocks_whatever_the_score)
{
    struct fixture fx;
    const struct sift_verdict *v;

    ASSERT_EQ(setup(&fx), 0);
    list(&fx, SIFT_LIST_BLOCK, SIFT_MATCH_EXACT, CALLER, NULL, 0, 1);
    /* Safe reports lower the score but a block entry decides. */
    for (int i = 0; i < 3; i++)
        report(&fx, CALLER, i, SIFT_CAT_SAFE, NOW - DAY);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_EQ(v->action, SIFT_ACTION_BLOCK);
    ASSERT_STR_EQ(evidence(v, "LIST_BLOCK"),
                  "+81312345678 on the global block list");
    ASSERT_NOT_NULL(sig(v, "REP_SAFE"));
    /* A global allow entry stops a global block... */
    list(&fx, SIFT_LIST_ALLOW, SIFT_MATCH_COUNTRY, "JP", NULL, 0, 2);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_EQ(v->action, SIFT_ACTION_ALLOW);
    ASSERT_STR_EQ(evidence(v, "LIST_ALLOW"), "JP on the global allow list");
    /* ... but not the callee's own block. */
    list(&fx, SIFT_LIST_BLOCK, SIFT_MATCH_TYPE, "fixed_line", CALLEE, 0, 3);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_EQ(v->action, SIFT_ACTION_BLOCK);
    ASSERT_STR_EQ(evidence(v, "LIST_BLOCK"),
                  "fixed_line on the callee's block list");
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_list_expiry_and_removal)
{
    struct fixture fx;
    const struct sift_verdict *v;

    ASSERT_EQ(setup(&fx), 0);
    list(&fx, SIFT_LIST_BLOCK, SIFT_MATCH_PREFIX, "+8131234*", NULL, NOW - 1,
         1);
    list(&fx, SIFT_LIST_BLOCK, SIFT_MATCH_PREFIX, "03*", NULL, NOW + DAY, 2);
    v = check(&fx, CALLER, CALLEE, NULL);
    /* The expired entry is skipped; the national prefix one matches. */
    ASSERT_EQ(v->action, SIFT_ACTION_BLOCK);
    ASSERT_STR_EQ(evidence(v, "LIST_BLOCK"), "03* on the global block list");
    sift_reputation_remove_list(fx.rep, 2);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_NULL(sig(v, "LIST_BLOCK"));
    ASSERT_EQ(v->action, SIFT_ACTION_ALLOW);
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_type_rules)
{
    struct fixture fx;
    const struct sift_verdict *v;
    struct sift_list_entry bad = {0};

    ASSERT_EQ(setup(&fx), 0);
    list(&fx, SIFT_LIST_BLOCK, SIFT_MATCH_TYPE, "withheld", CALLEE, 0, 1);
    list(&fx, SIFT_LIST_BLOCK, SIFT_MATCH_TYPE, "international", NULL, 0, 2);
    v = check(&fx, "非通知", CALLEE, NULL);
    ASSERT_EQ(v->action, SIFT_ACTION_BLOCK);
    ASSERT_STR_EQ(evidence(v, "LIST_BLOCK"),
                  "withheld on the callee's block list");
    v = check(&fx, "+442079460321", CALLEE, NULL);
    ASSERT_EQ(v->action, SIFT_ACTION_BLOCK);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_NULL(sig(v, "LIST_BLOCK"));
    bad.kind = SIFT_LIST_BLOCK;
    bad.match = SIFT_MATCH_TYPE;
    bad.value = "martian";
    ASSERT_EQ(sift_reputation_add_list(fx.rep, &bad), SIFT_EINVAL);
    bad.match = SIFT_MATCH_PREFIX;
    bad.value = "+1-877*";
    ASSERT_EQ(sift_reputation_add_list(fx.rep, &bad), SIFT_EINVAL);
    teardown(&fx);
    return 0;
}

/* ---- call patterns
 * ------------------------------------------------------------ */

TEST_IMPL(reputation_call_burst)
{
    struct fixture fx;
    const struct sift_verdict *v;
    char to[32];

    ASSERT_EQ(setup(&fx), 0);
    /* Nine people in the last hour (one of them twice), and old calls. */
    for (int i = 0; i < 9; i++) {
        snprintf(to, sizeof(to), "+8190000000%02d", i);
        call(&fx, CALLER, to, NOW - 3000 + i * 60, 20);
    }
    call(&fx, CALLER, "+819000000000", NOW - 100, 20);
    for (int i = 0; i < 20; i++) {
        snprintf(to, sizeof(to), "+8180000000%02d", i);
        call(&fx, CALLER, to, NOW - 2 * DAY, 20);
    }
    v = check(&fx, CALLER, "+819000000003", NULL); /* one of the nine */
    ASSERT_NULL(sig(v, "CALL_BURST"));
    v = check(&fx, CALLER, CALLEE, NULL); /* the tenth person */
    ASSERT_NOT_NULL(sig(v, "CALL_BURST"));
    ASSERT_STR_EQ(evidence(v, "CALL_BURST"), "10 people in 60 minutes");
    ASSERT(strstr(sig(v, "CALL_BURST")->reason_ja, "10人") != NULL);
    ASSERT_NULL(sig(v, "CALL_REPEAT"));
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_call_repeat)
{
    struct fixture fx;
    const struct sift_verdict *v;

    ASSERT_EQ(setup(&fx), 0);
    call(&fx, CALLER, CALLEE, NOW - 5 * 3600, 0);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_NULL(sig(v, "CALL_REPEAT"));
    call(&fx, CALLER, CALLEE, NOW - 2 * 3600, 0);
    call(&fx, CALLER, CALLEE, NOW - 2 * DAY, 0); /* outside the window */
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_NOT_NULL(sig(v, "CALL_REPEAT"));
    ASSERT_STR_EQ(evidence(v, "CALL_REPEAT"),
                  "call 3 to this number in 24 hours");
    /* Another callee has not been called before. */
    v = check(&fx, CALLER, "+81312349999", NULL);
    ASSERT_NULL(sig(v, "CALL_REPEAT"));
    teardown(&fx);
    return 0;
}

TEST_IMPL(reputation_call_wangiri)
{
    struct fixture fx;
    const struct sift_verdict *v;
    const char *intl = "+442079460321"; /* London */

    ASSERT_EQ(setup(&fx), 0);
    call(&fx, intl, "+81312340001", NOW - 600, 1);
    call(&fx, intl, "+81312340002", NOW - 500, 30); /* answered, talked */
    call(&fx, intl, "+81312340003", NOW - 400, -1); /* duration unknown */
    v = check(&fx, intl, CALLEE, NULL);
    ASSERT_NULL(sig(v, "CALL_WANGIRI")); /* one short call: maybe a drop */
    call(&fx, intl, "+81312340004", NOW - 300, 0); /* unanswered */
    v = check(&fx, intl, CALLEE, NULL);
    ASSERT_NOT_NULL(sig(v, "CALL_WANGIRI"));
    ASSERT_STR_EQ(evidence(v, "CALL_WANGIRI"),
                  "2 calls of 3 s or less from GB");
    ASSERT(strstr(sig(v, "CALL_WANGIRI")->reason_ja, "ワン切り") != NULL);
    /* The same pattern from a domestic number is not wangiri. */
    call(&fx, CALLER, "+81312340001", NOW - 600, 1);
    call(&fx, CALLER, "+81312340004", NOW - 300, 0);
    v = check(&fx, CALLER, CALLEE, NULL);
    ASSERT_NULL(sig(v, "CALL_WANGIRI"));
    teardown(&fx);
    return 0;
}

/* ---- campaigns
 * ---------------------------------------------------------------- */

#define SMISHING                                                                                          \
    "【佐川急便】お荷物のお届けにあがりましたが不在の為持ち帰りました。" \
    "下記よりご確認ください。https://sagawa-xj2.com/a8f3"
#define SMISHING_2                                                                                           \
    "【佐川急便】お荷物のお届けにあがりましたが不在のため持ち帰りました。" \
    "下記よりご確認下さい。https://sagawa-kq7.com/b19c"

static uint64_t fp_of(const char *text)
{
    struct sift_text_norm n;
    uint64_t fp = 0;

    sift_text_norm_init(&n, 65536);
    if (sift_text_normalize(text, strlen(text), &n, NULL) == SIFT_OK)
        fp = sift_reputation_fingerprint(n.text, n.len);
    sift_text_norm_release(&n);
    return fp;
}

TEST_IMPL(reputation_fingerprint_finds_near_duplicates)
{
    uint64_t a = fp_of(SMISHING), b = fp_of(SMISHING_2);
    uint64_t c =
        fp_of("明日の会議は10時からに変更になりました。資料は前日までに"
              "共有します。よろしくお願いします。");
    uint64_t d =
        fp_of("明日の会議は11時からに変更になりました。資料は前日までに"
              "共有します。よろしくお願いします。");

    ASSERT_NE(a, 0);
    /* Two words and the link changed: within the default distance. */
    ASSERT(__builtin_popcountll(a ^ b) <= 10);
    ASSERT(__builtin_popcountll(a ^ c) > 20);
    ASSERT_EQ(c, d);             /* digits read as one class */
    ASSERT_EQ(fp_of("はい"), 0); /* too short to tell apart */
    ASSERT_EQ(fp_of(""), 0);
    return 0;
}

TEST_IMPL(reputation_campaign_forms_and_is_inherited)
{
    struct fixture fx;
    const struct sift_verdict *v;
    const struct sift_signal *s;
    int64_t campaign, first_seen;
    bool formed;
    uint64_t fp = fp_of(SMISHING);
    const char *numbers[] = {"+819011110001", "+819011110002", "+819011110003"};

    ASSERT_EQ(setup(&fx), 0);
    for (int i = 0; i < 3; i++) {
        /* Each number twice: the same number counts once. */
        for (int k = 0; k < 2; k++) {
            ASSERT_EQ(
                sift_reputation_add_message(fx.rep, numbers[i], fp, SMISHING,
                                            NOW - 3600 + i * 10 + k, &campaign,
                                            &formed, &first_seen),
                SIFT_OK);
            /* The third number forms campaign 1, once; its messages
             * began with the first number's. */
            ASSERT_EQ(formed, i == 2 && k == 0);
            ASSERT_EQ(campaign, i == 2 ? 1 : 0);
            ASSERT_EQ(first_seen, NOW - 3600);
        }
    }
    report(&fx, numbers[0], 1, SIFT_CAT_SCAM, NOW - 600);
    report(&fx, numbers[1], 2, SIFT_CAT_SCAM, NOW - 600);

    /* A fourth, new number with the message slightly changed. */
    v = check(&fx, "+819022220004", CALLEE, SMISHING_2);
    s = sig(v, "CAMPAIGN");
    if (s == NULL) {
        dump(v);
        TEST_FAIL_("no CAMPAIGN");
    }
    ASSERT_STR_EQ(s->evidence, "campaign 1: 3 numbers, 2 reporters");
    ASSERT(s->weight > 4.9 && s->weight < 5.1);
    ASSERT(strstr(s->reason_ja, "3件の番号") != NULL);
    ASSERT_NULL(sig(v, "REP_REPORTED")); /* the number itself is new */

    /* An unrelated message from the same number is not the campaign. */
    v = check(&fx, "+819022220004", CALLEE,
              "明日の会議は10時からに変更になりました。資料は前日までに共有"
              "します。");
    ASSERT_NULL(sig(v, "CAMPAIGN"));
    teardown(&fx);
    return 0;
}

/*
 * The check's search against a brute-force scan: 30,000 campaigns (buckets
 * of every band value that grow, move and get rebuilt as they form), 300
 * of them sharing one band value (long buckets), queried after a third,
 * two thirds and all of them have formed, at 0 to 12 bits from a campaign
 * and at random, with the default distance (10) and with 3. Expected: the
 * nearest campaign within the distance among those with some 16-bit band
 * within one bit, the older on a tie.
 */
static uint64_t rng_next(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* An empty index whose campaigns allow distance bits. */
static struct sift_reputation *rep_at_distance(int distance)
{
    struct sift_reputation_opts o;
    struct sift_reputation *rep = NULL;

    sift_reputation_opts_default(&o);
    o.campaign_distance = (unsigned)distance;
    ASSERT_EQ(sift_reputation_new(&rep, &o, NULL), SIFT_OK);
    return rep;
}

/* Some band of a and b within radius bits of each other. */
static bool bands_within(uint64_t a, uint64_t b, int radius)
{
    for (int k = 0; k < 4; k++)
        if (__builtin_popcountll(((a ^ b) >> (16 * k)) & 0xffff) <= radius)
            return true;
    return false;
}

/* Queries against the first n_formed of fps[]; the number that differ. */
static int search_vs_scan(struct sift_reputation *rep, const uint64_t *fps,
                          const int64_t *ids, int n_formed, int distance,
                          uint64_t *st)
{
    int bad = 0;

    for (int q = 0; q < 1500; q++) {
        uint64_t fp = fps[rng_next(st) % (uint64_t)n_formed];
        struct sift_rep_facts f;
        int64_t want = 0;
        int want_d = 99;
        if (q % 4 == 3) {
            fp = rng_next(st) | 1;
        } else {
            for (int b = (int)(rng_next(st) % 13); b > 0; b--)
                fp ^= 1ull << (rng_next(st) % 64);
        }
        if (fp == 0)
            fp = 1;
        for (int c = 0; c < n_formed; c++) {
            int d = __builtin_popcountll(fp ^ fps[c]);
            if (ids[c] == 0 || d > distance || !bands_within(fp, fps[c], 1))
                continue;
            if (d < want_d || (d == want_d && ids[c] < want)) {
                want = ids[c];
                want_d = d;
            }
        }
        /* with the CPU's vector instructions, then without */
        for (int vec = 1; vec >= 0; vec--) {
            sift__cpu_limit(vec ? ~0u : 0);
            sift_reputation_assess(rep, NULL, NULL, NULL, fp, NOW, &f);
            if (f.campaign != want && bad++ < 5)
                fprintf(stderr,
                        "# distance %d, %d formed, query %d%s: campaign "
                        "%lld, a scan finds %lld (%d bits)\n",
                        distance, n_formed, q, vec ? "" : " (no vectors)",
                        (long long)f.campaign, (long long)want, want_d);
        }
    }
    sift__cpu_limit(~0u);
    return bad;
}

/*
 * The write path's search (which cluster a message joins: every cluster,
 * candidates and campaigns, through the band chains, walked side by side)
 * against a scan of every cluster: the nearest within the distance among
 * those with a band within the probe radius (1 above 3 bits, else 0), a
 * campaign before a candidate at the same distance, then the older. 20,000
 * clusters, 400 of them on one band value (long chains), one in ten a
 * campaign.
 */
TEST_IMPL(reputation_cluster_search_matches_a_scan)
{
    enum { N = 20000, SHARED = 400 };
    static const int distances[] = {10, 3};
    char key[32];
    int bad = 0;

    for (size_t t = 0; t < sizeof(distances) / sizeof(distances[0]); t++) {
        struct sift_reputation *rep = rep_at_distance(distances[t]);
        const struct campaign_index *ci;
        uint64_t st = 7;
        int radius = distances[t] <= 3 ? 0 : 1;

        for (int c = 0; c < N; c++) {
            int64_t id = 0;
            bool formed = false;
            uint64_t fp = rng_next(&st) | 1;
            if (c < SHARED)
                fp = (fp & ~0xffffull) | 0x4321;
            for (int k = 0; k < (c % 10 == 0 ? 3 : 1); k++) {
                snprintf(key, sizeof(key), "+8170%08d", c * 3 + k);
                ASSERT_EQ(sift_reputation_add_message(rep, key, fp, NULL, NOW,
                                                      &id, &formed, NULL),
                          SIFT_OK);
            }
        }
        ci = &rep->camps;
        ASSERT(ci->n > N / 2);
        for (int q = 0; q < 3000; q++) {
            uint64_t fp = ci->c[rng_next(&st) % ci->n].fp;
            long want = -1, got;
            int want_d = 99;
            bool want_formed = false, torn = false;
            if (q % 4 == 3) {
                fp = rng_next(&st) | 1;
            } else {
                for (int b = (int)(rng_next(&st) % 13); b > 0; b--)
                    fp ^= 1ull << (rng_next(&st) % 64);
            }
            if (fp == 0)
                fp = 1;
            for (long i = 0; i < (long)ci->n; i++) {
                int d = __builtin_popcountll(fp ^ ci->c[i].fp);
                bool f = ci->c[i].id != 0;
                if (d > distances[t] || !bands_within(fp, ci->c[i].fp, radius))
                    continue;
                if (want < 0 || d < want_d ||
                    (d == want_d && f && !want_formed)) {
                    want = i;
                    want_d = d;
                    want_formed = f;
                }
            }
            got = sift__rep_camps_find(ci, fp, (unsigned)distances[t], false,
                                       &torn);
            if (got != want && bad++ < 5)
                fprintf(stderr,
                        "# distance %d, query %d: cluster %ld, a scan finds "
                        "%ld (%d bits)\n",
                        distances[t], q, got, want, want_d);
        }
        sift_reputation_free(rep);
    }
    ASSERT_EQ(bad, 0);

    /* The search stops after the query's own band values when the best
     * found there is within 3 bits (every cluster that near is on those
     * chains). At 4 bits it must go on: here the older of two clusters 4
     * bits away shares no band value with the query (one bit off in each
     * band) and the newer shares three, so only the one-bit probes find
     * the one a scan picks. */
    {
        struct sift_reputation *rep = rep_at_distance(7);
        const uint64_t q = 0x0123456789abcdefull;
        const uint64_t spread = q ^ (1ull << 3 | 1ull << 19 | 1ull << 35 |
                                     1ull << 51); /* one bit in each band */
        const uint64_t packed = q ^ 0xf0ull;      /* four bits in one band */
        int64_t id = 0;
        bool formed = false, torn = false;
        long older;

        ASSERT_EQ(sift_reputation_add_message(rep, "+817011110000", spread,
                                              NULL, NOW, &id, &formed, NULL),
                  SIFT_OK);
        ASSERT_EQ(sift_reputation_add_message(rep, "+817011110001", packed,
                                              NULL, NOW, &id, &formed, NULL),
                  SIFT_OK);
        ASSERT_EQ(rep->camps.n, 2); /* 8 bits apart: two clusters */
        older = rep->camps.c[0].fp == spread ? 0 : 1;
        ASSERT_EQ(sift__rep_camps_find(&rep->camps, q, 7, false, &torn), older);
        /* the same text: found on its own band values */
        ASSERT_EQ(sift__rep_camps_find(&rep->camps, packed, 7, false, &torn),
                  1 - older);
        sift_reputation_free(rep);
    }
    return 0;
}

TEST_IMPL(reputation_campaign_search_matches_a_scan)
{
    enum { N = 30000, SHARED = 300 };
    static const int distances[] = {10, 3};
    uint64_t *fps = malloc(N * sizeof(*fps));
    int64_t *ids = malloc(N * sizeof(*ids));
    char key[32];
    int bad = 0;

    ASSERT_NOT_NULL(fps);
    ASSERT_NOT_NULL(ids);
    for (size_t t = 0; t < sizeof(distances) / sizeof(distances[0]); t++) {
        struct sift_reputation *rep = rep_at_distance(distances[t]);
        uint64_t st = 42;
        for (int c = 0; c < N; c++) {
            int64_t id = 0;
            bool formed = false;
            fps[c] = rng_next(&st) | 1;
            if (c < SHARED)
                fps[c] = (fps[c] & ~0xffffull) | 0x1235;
            for (int k = 0; k < 3; k++) {
                snprintf(key, sizeof(key), "+8170%08d", c * 3 + k);
                ASSERT_EQ(sift_reputation_add_message(rep, key, fps[c], NULL,
                                                      NOW, &id, &formed, NULL),
                          SIFT_OK);
            }
            ids[c] = id; /* 0 when it joined an earlier, nearby campaign */
            if (c + 1 == N / 3 || c + 1 == 2 * N / 3 || c + 1 == N)
                bad += search_vs_scan(rep, fps, ids, c + 1, distances[t], &st);
        }
        sift_reputation_free(rep);
    }
    free(fps);
    free(ids);
    ASSERT_EQ(bad, 0);
    return 0;
}

/*
 * The fingerprint against a plain reference, written from its definition
 * (reputation_campaign.c's header) with one counter per bit: spaces
 * skipped, a digit run one '#', a link one character, 3-shingles hashed
 * with splitmix64's finaliser, bit i set when more than half the hashes
 * have it, 0 under 20 characters, never 0 otherwise. Texts: random mixes
 * of ASCII, digits, spaces, links, 2- to 4-byte UTF-8, bad bytes and cut
 * sequences, every length from 0 to 300 bytes and some to 4,500 (past the
 * AVX-512 path's stack buffer); half of them well-formed UTF-8, which the
 * AVX-512 path computes itself (it leaves the rest to the scalar loop).
 * Both ways are compared, and the public function that picks one.
 */
static uint64_t ref_mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static uint64_t ref_fingerprint(const unsigned char *p, size_t len)
{
    const unsigned char *end = p + len;
    uint32_t w[3] = {0, 0, 0};
    size_t n_chars = 0, n_sh = 0, count[64] = {0};
    uint64_t fp = 0;

    while (p < end) {
        uint32_t c = *p;
        size_t n = (size_t)(end - p);
        if ((n >= 7 && memcmp(p, "http://", 7) == 0) ||
            (n >= 8 && memcmp(p, "https://", 8) == 0) ||
            (n >= 4 && memcmp(p, "www.", 4) == 0)) {
            while (p<end && * p> ' ' && *p < 0x80)
                p++;
            c = 0x110000;
        } else {
            int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
            p++;
            if (more > 0 && end - p >= more) {
                c &= 0x3fu >> more;
                for (int k = 0; k < more; k++)
                    c = c << 6 | (*p++ & 0x3fu);
            }
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000)
            continue;
        if (c >= '0' && c <= '9') {
            if (n_chars > 0 && w[2] == '#')
                continue;
            c = '#';
        }
        w[0] = w[1];
        w[1] = w[2];
        w[2] = c;
        if (++n_chars < 3)
            continue;
        {
            uint64_t h =
                ref_mix((uint64_t)w[0] << 42 ^ (uint64_t)w[1] << 21 ^ w[2]);
            for (int i = 0; i < 64; i++)
                count[i] += (h >> i) & 1;
            n_sh++;
        }
    }
    if (n_chars < 20)
        return 0;
    for (int i = 0; i < 64; i++)
        if (count[i] > n_sh / 2)
            fp |= 1ull << i;
    return fp ? fp : 1;
}

TEST_IMPL(reputation_fingerprint_matches_a_reference)
{
    /* the bad ones last: a well-formed text takes the first N_GOOD */
    static const char *const pieces[] = {"a",
                                         "b",
                                         "h",
                                         "w",
                                         "x",
                                         " ",
                                         "  ",
                                         "\t",
                                         "\n",
                                         "\r",
                                         "0",
                                         "12",
                                         "3456",
                                         "#",
                                         "http://ex.com/a",
                                         "https://sagawa-xj2.com/a8f3 ",
                                         "www.x.jp",
                                         "http:/",
                                         "https:",
                                         "www",
                                         "ww.",
                                         "htt",
                                         "\xe3\x80\x80",
                                         "\xe8\x8d\xb7",
                                         "\xe7\x89\xa9",
                                         "\xc3\xa9",
                                         "\xf0\x9f\x98\x80",
                                         "!",
                                         "%",
                                         "\x01",
                                         "\x7f",
                                         "\x80",
                                         "\xbf",
                                         "\xc3",
                                         "\xe3\x81",
                                         "\xf0\x9f",
                                         "\xff",
                                         "\xf8"};
    enum { NP = sizeof(pieces) / sizeof(pieces[0]), N_GOOD = NP - 7 };
    uint64_t st = 7;
    static unsigned char buf[4600];
    int bad = 0;
    size_t n_simd = 0;

    for (int t = 0; t < 20000; t++) {
        /* one text in eight is long */
        size_t n = 0, want_len = rng_next(&st) % (t % 8 ? 300 : 4500);
        /* a bias per text: mostly ASCII, mostly multibyte, or mixed */
        unsigned bias = (unsigned)(rng_next(&st) % 3);
        unsigned n_pieces = t % 2 ? NP : N_GOOD;
        while (n < want_len) {
            uint64_t r = rng_next(&st);
            const char *piece = pieces[r % n_pieces];
            size_t k;
            if (bias == 0 && (r >> 8) % 2)
                piece = pieces[(r >> 16) % 5];
            else if (bias == 1 && (r >> 8) % 2)
                piece = pieces[23 + (r >> 16) % 3];
            k = strlen(piece);
            if (n + k > sizeof(buf))
                break;
            memcpy(buf + n, piece, k);
            n += k;
        }
        for (size_t cut = n; cut + 8 > n && cut > 0; cut--) {
            const char *text = (const char *)buf;
            uint64_t want = ref_fingerprint(buf, cut), got[3];
            got[0] = sift_reputation_fingerprint(text, cut);
            got[1] = sift__rep_fingerprint_scalar(text, cut);
            got[2] = want;
            if (sift__rep_fingerprint_simd(text, cut, &got[2]))
                n_simd++;
            for (int w = 0; w < 3; w++)
                if (got[w] != want && bad++ < 5)
                    fprintf(stderr,
                            "# text %d (%zu bytes), %s: %016llx, want "
                            "%016llx\n",
                            t, cut,
                            w == 0   ? "picked"
                            : w == 1 ? "scalar"
                                     : "simd",
                            (unsigned long long)got[w],
                            (unsigned long long)want);
        }
    }
    fprintf(stderr, "# %zu texts also through the AVX-512 path\n", n_simd);
    ASSERT_EQ(bad, 0);
    return 0;
}

/* assess_many() writes what assess() writes, query by query, over
 * reports, a list entry, calls, a sender ID and a campaign; batches
 * longer than one chunk and an empty one. */
TEST_IMPL(reputation_assess_many_equals_assess)
{
    enum { N = 100 };
    struct sift_reputation *rep;
    struct sift_number nums[N], callee;
    struct sift_rep_query q[N];
    struct sift_rep_facts one, many[N];
    struct sift_list_entry e = {0};
    struct sift_call c = {0};
    char key[32];
    int64_t id;
    bool formed;

    ASSERT_EQ(sift_reputation_new(&rep, NULL, NULL), SIFT_OK);
    for (int i = 0; i < N; i++) {
        struct sift_report r = {0};
        snprintf(key, sizeof(key), "+8190%08d", i * 7);
        ASSERT_EQ(sift_number_parse(&nums[i], key, strlen(key), "JP", NULL),
                  SIFT_OK);
        if (i % 3 == 0)
            continue; /* unknown to the index */
        r.key = key;
        r.category = (enum sift_report_category)(i % 5);
        r.time = NOW - i * 3600;
        r.source = "t";
        r.reporter[0] = (uint8_t)i;
        ASSERT_EQ(sift_reputation_add_report(rep, &r), SIFT_OK);
    }
    e.id = 1;
    e.kind = SIFT_LIST_BLOCK;
    e.match = SIFT_MATCH_PREFIX;
    e.value = "+81900000*";
    ASSERT_EQ(sift_reputation_add_list(rep, &e), SIFT_OK);
    c.from = "+819000000007";
    c.to = "+819011112222";
    c.time = NOW - 60;
    c.duration = 2;
    ASSERT_EQ(sift_reputation_add_call(rep, &c), SIFT_OK);
    for (int k = 0; k < 3; k++) {
        snprintf(key, sizeof(key), "+8180%08d", k);
        ASSERT_EQ(sift_reputation_add_message(rep, key, 0x123456789abcdefull,
                                              NULL, NOW, &id, &formed, NULL),
                  SIFT_OK);
    }
    ASSERT_EQ(sift_number_parse(&callee, "+819011112222", 13, "JP", NULL),
              SIFT_OK);
    for (int i = 0; i < N; i++) {
        q[i].caller = i % 10 == 5 ? NULL : &nums[i];
        q[i].sender = i % 10 == 5 ? "NTT-Finance" : NULL;
        q[i].callee = i % 2 ? &callee : NULL;
        q[i].fp = i % 4 == 0 ? 0x123456789abcdefull ^ (1ull << (i % 64)) : 0;
    }
    sift_reputation_assess_many(rep, q, N, NOW, many);
    /* sift_reputation_prefetch() is a hint: it changes no answer. */
    sift_reputation_prefetch(NULL, &nums[1], NULL, 1);
    sift_reputation_prefetch(rep, NULL, NULL, 0);
    for (int i = 0; i < N; i++) {
        sift_reputation_prefetch(rep, q[i].caller, q[i].sender, q[i].fp);
        sift_reputation_assess(rep, q[i].caller, q[i].sender, q[i].callee,
                               q[i].fp, NOW, &one);
        if (memcmp(&one, &many[i], sizeof(one)) != 0)
            TEST_FAIL_("query %d differs", i);
    }
    ASSERT(many[7].reporters == 1 && many[7].blocked);
    ASSERT(many[0].campaign == 1);
    sift_reputation_assess_many(rep, q, 0, NOW, many); /* nothing */
    sift_reputation_free(rep);
    return 0;
}

/* ---- concurrency
 * --------------------------------------------------------------- */

struct reader_arg {
    struct sift_reputation *rep;
    unsigned long found;
};

static void *reader(void *varg)
{
    struct reader_arg *a = varg;
    struct sift_number n;
    struct sift_rep_facts f;

    sift_number_parse(&n, CALLER, strlen(CALLER), "JP", NULL);
    for (int i = 0; i < 20000; i++) {
        sift_reputation_assess(a->rep, &n, NULL, NULL, 0, NOW, &f);
        a->found += f.reporters;
    }
    return NULL;
}

TEST_IMPL(reputation_assess_runs_beside_writes)
{
    struct fixture fx;
    pthread_t th[2];
    struct reader_arg args[2];
    char key[32];
    struct sift_reputation_stats st;

    ASSERT_EQ(setup(&fx), 0);
    for (int t = 0; t < 2; t++) {
        args[t].rep = fx.rep;
        args[t].found = 0;
        ASSERT_EQ(pthread_create(&th[t], NULL, reader, &args[t]), 0);
    }
    /* The table grows (and rehashes) many times under the readers. */
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "+8190%08d", i);
        report(&fx, i == 10000 ? CALLER : key, i, SIFT_CAT_SCAM, NOW);
    }
    for (int t = 0; t < 2; t++)
        ASSERT_EQ(pthread_join(th[t], NULL), 0);
    sift_reputation_stats(fx.rep, &st);
    ASSERT_EQ(st.numbers, 20000);
    teardown(&fx);
    return 0;
}

/*
 * Reads without the lock beside every kind of write. A writer grows the
 * number table, the call table and the word pool, adds and removes list
 * entries (exact, prefix, country: records, trie nodes, the exact table),
 * and adds messages until campaigns form, the formed index is rebuilt and
 * the candidates are compacted (their cap lowered to 200). Two readers
 * meanwhile assess watched numbers one at a time and in batches. Under
 * the sanitizer build a read of a block freed too early or past an
 * array's end fails the test; in any build, a watched number's reporters
 * must never go down (a torn read let through would show), and a lone
 * reader on an idle index must never need the lock.
 */
#define WATCHED 8

struct stress {
    struct sift_reputation *rep;
    struct sift_number watched[WATCHED];
    uint64_t fps[4];
    volatile int stop;
    unsigned long reads, regressions;
};

static void *stress_reader(void *varg)
{
    struct stress *st = varg;
    unsigned last[WATCHED] = {0};
    struct sift_rep_query q[WATCHED];
    struct sift_rep_facts f, many[WATCHED];

    for (int i = 0; i < WATCHED; i++) {
        q[i].caller = &st->watched[i];
        q[i].sender = NULL;
        q[i].callee = &st->watched[(i + 1) % WATCHED];
        q[i].fp = st->fps[i % 4];
    }
    while (!st->stop) {
        for (int i = 0; i < WATCHED; i++) {
            sift_reputation_assess(st->rep, &st->watched[i], NULL,
                                   &st->watched[0], st->fps[i % 4], NOW, &f);
            if (f.reporters < last[i])
                st->regressions++;
            last[i] = f.reporters;
        }
        sift_reputation_assess_many(st->rep, q, WATCHED, NOW, many);
        for (int i = 0; i < WATCHED; i++) {
            if (many[i].reporters < last[i])
                st->regressions++;
            last[i] = many[i].reporters;
        }
        st->reads += 2 * WATCHED;
    }
    return NULL;
}

/* The i-th write's report: reporter i, a scam, now (key set apart). */
static void stress_report(struct sift_report *r, int i)
{
    r->reporter[0] = (uint8_t)i;
    r->reporter[1] = (uint8_t)(i >> 8);
    r->reporter[2] = (uint8_t)(i >> 16);
    r->reporter[3] = 1;
    r->category = SIFT_CAT_SCAM;
    r->time = NOW;
}

TEST_IMPL(reputation_lock_free_reads_beside_every_write)
{
    struct stress st;
    struct sift_err err = {0};
    struct sift_reputation_stats rs;
    struct sift_rep_facts f;
    pthread_t th[2];
    char key[32], text[64];
    unsigned expected[WATCHED] = {0};
    uint64_t x = 7;

    memset(&st, 0, sizeof(st));
    ASSERT_EQ(sift_reputation_new(&st.rep, NULL, &err), SIFT_OK);
    st.rep->camps.max_candidates = 200;
    for (int i = 0; i < WATCHED; i++) {
        snprintf(key, sizeof(key), "+8170%08d", i);
        sift_number_parse(&st.watched[i], key, strlen(key), NULL, NULL);
    }
    for (int i = 0; i < 4; i++)
        st.fps[i] = rng_next(&x) | 1;

    /* Alone, on an index with something in every part: no lock. */
    {
        struct sift_report r = {0};
        struct sift_list_entry e = {0};
        struct sift_call c = {0};
        int64_t camp;
        bool formed;
        r.key = "+817000000000";
        r.category = SIFT_CAT_SCAM;
        r.time = NOW;
        ASSERT_EQ(sift_reputation_add_report(st.rep, &r), SIFT_OK);
        e.id = 1;
        e.kind = SIFT_LIST_BLOCK;
        e.match = SIFT_MATCH_PREFIX;
        e.value = "+8170*";
        ASSERT_EQ(sift_reputation_add_list(st.rep, &e), SIFT_OK);
        c.from = "+817000000000";
        c.to = "+817000000001";
        c.time = NOW;
        c.duration = -1;
        ASSERT_EQ(sift_reputation_add_call(st.rep, &c), SIFT_OK);
        for (int k = 0; k < 3; k++) {
            snprintf(key, sizeof(key), "+8170%08d", k);
            ASSERT_EQ(sift_reputation_add_message(st.rep, key, st.fps[0], NULL,
                                                  NOW, &camp, &formed, NULL),
                      SIFT_OK);
        }
        for (int k = 0; k < 1000; k++)
            sift_reputation_assess(st.rep, &st.watched[k % WATCHED], NULL,
                                   &st.watched[0], st.fps[0], NOW, &f);
        ASSERT(f.blocked && f.campaign != 0);
        sift_reputation_stats(st.rep, &rs);
        ASSERT_EQ(rs.locked_reads, 0);
    }

    for (int t = 0; t < 2; t++)
        ASSERT_EQ(pthread_create(&th[t], NULL, stress_reader, &st), 0);
    for (int i = 0; i < 40000; i++) {
        struct sift_report r = {0};
        struct sift_call c = {0};
        int64_t camp;
        bool formed;

        /* Numbers: many new ones (the table grows), and the watched ones
         * one more reporter each now and then. */
        stress_report(&r, i);
        if (i % 16 == 0) {
            snprintf(key, sizeof(key), "+8170%08d", (i / 16) % WATCHED);
            expected[(i / 16) % WATCHED]++;
        } else {
            snprintf(key, sizeof(key), "+8190%08d", i);
        }
        r.key = key;
        ASSERT_EQ(sift_reputation_add_report(st.rep, &r), SIFT_OK);
        /* Calls from many callers (call table, word pool). */
        c.from = key;
        c.to = "+817000000001";
        c.time = NOW - (i % 100);
        c.duration = i % 7;
        ASSERT_EQ(sift_reputation_add_call(st.rep, &c), SIFT_OK);
        /* Lists: exact, prefix and country entries, some removed. */
        if (i % 10 == 0) {
            struct sift_list_entry e = {0};
            e.id = 100 + i;
            e.kind = i % 20 ? SIFT_LIST_BLOCK : SIFT_LIST_ALLOW;
            e.match = i % 300 == 0  ? SIFT_MATCH_COUNTRY
                      : i % 20 == 0 ? SIFT_MATCH_PREFIX
                                    : SIFT_MATCH_EXACT;
            if (e.match == SIFT_MATCH_COUNTRY)
                e.value = "JP";
            else if (e.match == SIFT_MATCH_PREFIX)
                snprintf(text, sizeof(text), "+8170%04d*", i % 10000),
                    e.value = text;
            else
                e.value = key;
            ASSERT_EQ(sift_reputation_add_list(st.rep, &e), SIFT_OK);
            if (i % 40 == 0)
                sift_reputation_remove_list(st.rep, 100 + i - 10);
        }
        /* Messages: new texts (candidates, compacted past 200) and the
         * watched fingerprints from new numbers (campaigns form). */
        ASSERT_EQ(sift_reputation_add_message(
                      st.rep, key, i % 3 ? rng_next(&x) | 1 : st.fps[i % 4],
                      NULL, NOW, &camp, &formed, NULL),
                  SIFT_OK);
    }
    st.stop = 1;
    for (int t = 0; t < 2; t++)
        ASSERT_EQ(pthread_join(th[t], NULL), 0);
    ASSERT(st.reads > 0);
    ASSERT_EQ(st.regressions, 0);
    sift_reputation_stats(st.rep, &rs);
    ASSERT_EQ(rs.numbers, 40000 - 40000 / 16 + WATCHED);
    fprintf(stderr, "# %lu reads beside the writes, %llu under the lock\n",
            st.reads, (unsigned long long)rs.locked_reads);
    /* Each watched number as the same reports give it on an index no
     * one reads meanwhile (the count is exact to 30 reporters, then a
     * Bloom filter's: the same reports give the same count). */
    {
        struct sift_reputation *ref = NULL;
        struct sift_rep_facts g;
        ASSERT_EQ(sift_reputation_new(&ref, NULL, &err), SIFT_OK);
        for (int i = 0; i < 40000; i += 16) {
            struct sift_report r = {0};
            stress_report(&r, i);
            snprintf(key, sizeof(key), "+8170%08d", (i / 16) % WATCHED);
            r.key = key;
            if (i == 0) { /* the report made before the writes began */
                struct sift_report r0 = {0};
                r0.key = "+817000000000";
                r0.category = SIFT_CAT_SCAM;
                r0.time = NOW;
                ASSERT_EQ(sift_reputation_add_report(ref, &r0), SIFT_OK);
            }
            ASSERT_EQ(sift_reputation_add_report(ref, &r), SIFT_OK);
        }
        for (int k = 0; k < WATCHED; k++) {
            sift_reputation_assess(st.rep, &st.watched[k], NULL, NULL, 0, NOW,
                                   &f);
            sift_reputation_assess(ref, &st.watched[k], NULL, NULL, 0, NOW, &g);
            ASSERT_EQ(f.reporters, g.reporters);
            ASSERT(f.reporters >= 30 && f.reporters <= expected[k] + 1);
        }
        sift_reputation_free(ref);
    }
    sift_reputation_free(st.rep);
    return 0;
}

/*
 * The promise the lock-free reads rest on, made to happen on purpose
 * rather than by chance: a reader inside a read section holds the
 * numbers table; meanwhile a writer grows the table (the old one is
 * replaced); the reader then reads every slot of the old table. The
 * writer must keep the old table until the reader leaves, so its write
 * returns only after the reader is done (checked in any build), and the
 * reader's reads touch memory still allocated (a table freed at once is a
 * use-after-free, which the ASan build reports).
 */
struct holder {
    struct sift_reputation *rep;
    const struct num_slot *slots; /* the table as the reader entered */
    size_t cap;
    atomic_int inside, replaced, done;
    uint64_t keys; /* what the reader summed, so the reads are not dropped */
};

static void *hold_table(void *arg)
{
    struct holder *h = arg;
    struct sift__reader *r = sift__reader_self();
    struct timespec nap = {0, 1000 * 1000};
    uint64_t sum = 0;

    if (r == NULL) { /* no reader slot: the test then fails on done */
        atomic_store(&h->inside, 1);
        return NULL;
    }
    sift__read_enter(r);
    h->slots = RD(h->rep->nums.slots);
    h->cap = (size_t)1 << RD(h->rep->nums.bits);
    atomic_store(&h->inside, 1);
    /* The writer grows the table meanwhile (up to 30 s), then waits. */
    for (int t = 0; t < 30000 && RD(h->rep->nums.slots) == h->slots; t++)
        nanosleep(&nap, NULL);
    nanosleep(&nap, NULL);
    atomic_store(&h->replaced, RD(h->rep->nums.slots) != h->slots);
    for (size_t i = 0; i < h->cap; i++)
        sum += h->slots[i].key;
    h->keys = sum;
    sift__read_exit(r);
    atomic_store(&h->done, 1);
    return NULL;
}

TEST_IMPL(reputation_grown_table_outlives_its_readers)
{
    struct holder h;
    struct sift_err err = {0};
    struct sift_report r = {0};
    pthread_t th;
    char key[32];
    int i = 0, done_at_grow = -1;
    const struct num_slot *before;

    memset(&h, 0, sizeof(h));
    ASSERT_EQ(sift_reputation_new(&h.rep, NULL, &err), SIFT_OK);
    r.category = SIFT_CAT_SCAM;
    r.time = NOW;
    r.key = key;
    /* A table of some MB (above malloc's mmap threshold at first). */
    for (; i < 100000; i++) {
        snprintf(key, sizeof(key), "+8190%08d", i);
        stress_report(&r, i);
        ASSERT_EQ(sift_reputation_add_report(h.rep, &r), SIFT_OK);
    }
    ASSERT_EQ(pthread_create(&th, NULL, hold_table, &h), 0);
    while (!atomic_load(&h.inside))
        sched_yield();
    before = h.slots;
    /* Add numbers until the table is replaced: the write that replaces
     * it returns only once the reader has left. */
    for (; RD(h.rep->nums.slots) == before; i++) {
        snprintf(key, sizeof(key), "+8190%08d", i);
        stress_report(&r, i);
        ASSERT_EQ(sift_reputation_add_report(h.rep, &r), SIFT_OK);
        if (RD(h.rep->nums.slots) != before)
            done_at_grow = atomic_load(&h.done);
        ASSERT(i < 10000000);
    }
    ASSERT_EQ(pthread_join(th, NULL), 0);
    ASSERT_EQ(atomic_load(&h.replaced), 1); /* read after the replacement */
    ASSERT_EQ(done_at_grow, 1);             /* the writer waited for it */
    ASSERT(h.keys != 0);
    sift_reputation_free(h.rep);
    return 0;
}

/* sift__rep_number_key() reads eight digits at a time; it must give what
 * the digit-by-digit reading gives (the integer, or the hash of the text
 * when it is not 1 to 18 digits after a '+'), for every length and with
 * a stray character anywhere. */
static uint64_t ref_number_key(const char *p)
{
    uint64_t v = 0;
    size_t i;

    if (p[0] == '+' && p[1] >= '1' && p[1] <= '9') {
        for (i = 1; i <= 18 && p[i] >= '0' && p[i] <= '9'; i++)
            v = v * 10 + (uint64_t)(p[i] - '0');
        if (p[i] == '\0')
            return v;
    }
    return sift__rep_key(p, strlen(p));
}

TEST_IMPL(reputation_number_key_matches_digit_by_digit)
{
    struct sift_number n;
    uint64_t x = 99;
    const char odd[] = "0/:a9 ";

    for (int t = 0; t < 200000; t++) {
        size_t len = 1 + rng_next(&x) % 21, i;
        memset(&n, 0, sizeof(n));
        n.status = SIFT_NUMBER_OK;
        memset(n.e164, 'x', sizeof(n.e164)); /* bytes past the NUL */
        n.e164[0] = t % 50 ? '+' : '0';
        for (i = 1; i < len && i < sizeof(n.e164) - 1; i++)
            n.e164[i] = (char)('0' + rng_next(&x) % 10);
        n.e164[i] = '\0';
        if (t % 3 == 0)
            n.e164[1] = (char)('1' + rng_next(&x) % 9);
        if (t % 7 == 0 && i > 1) /* a stray character somewhere */
            n.e164[1 + rng_next(&x) % (i - 1)] = odd[rng_next(&x) % 6];
        if (sift__rep_number_key(&n) != ref_number_key(n.e164))
            TEST_FAIL_("key of \"%s\" differs", n.e164);
    }
    n.status = SIFT_NUMBER_WITHHELD;
    ASSERT_EQ(sift__rep_number_key(&n), 0);
    return 0;
}
