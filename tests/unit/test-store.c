/*
 * test-store.c - the store on a real SQLite file in a temporary folder:
 * open, migrate and reopen; each record type round trip; dedupe; limits;
 * prune; the integrity check; reporter identities kept only as salted
 * hashes (the file's bytes are searched for the raw identity).
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "callsift/store.h"
#include "test.h"

struct tmp {
    char dir[256];
    char db[300];
};

static void tmp_make(struct tmp *t)
{
    const char *base = getenv("TMPDIR");

    snprintf(t->dir, sizeof(t->dir), "%s/callsift-store-XXXXXX",
             base && *base ? base : "/tmp");
    ASSERT_NOT_NULL(mkdtemp(t->dir));
    /* a folder that does not exist yet: open makes it */
    snprintf(t->db, sizeof(t->db), "%s/sub/dir/test.db", t->dir);
}

static void tmp_remove(struct tmp *t)
{
    char cmd[600];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
    ASSERT_EQ(system(cmd), 0);
}

static struct sift_store *open_ok(const char *path)
{
    struct sift_store *st = NULL;
    struct sift_err err = {0};

    if (sift_store_open(&st, path, &err) != SIFT_OK)
        TEST_FAIL_("open %s: %s", path, err.msg);
    return st;
}

static struct sift_report report(const char *key, const char *dedupe)
{
    struct sift_report r = {0};

    r.key = key;
    r.category = SIFT_CAT_SCAM;
    r.time = 1700000000;
    r.source = "user";
    r.dedupe = dedupe;
    return r;
}

static int count_report(void *ctx, const struct sift_report *r)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

static int count_reports(struct sift_store *st, const char *key)
{
    int n = 0;
    ASSERT_EQ(sift_store_each_report(st, key, 0, count_report, &n, NULL),
              SIFT_OK);
    return n;
}

TEST_IMPL(store_open_migrates_and_reopens)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_err err = {0};
    uint8_t h1[32], h2[32];
    struct stat sb;
    sqlite3 *db;
    sqlite3_stmt *s;

    tmp_make(&t);
    st = open_ok(t.db);
    ASSERT_EQ(sift_store_check(st, &err), SIFT_OK);
    sift_store_reporter_hash(st, "alice", 5, h1);
    sift_store_close(st);
    ASSERT_EQ(stat(t.db, &sb), 0);

    /* Reopening applies nothing again and keeps the salt. */
    st = open_ok(t.db);
    sift_store_reporter_hash(st, "alice", 5, h2);
    ASSERT(memcmp(h1, h2, 32) == 0);
    ASSERT_EQ(sift_store_check(st, &err), SIFT_OK);
    sift_store_close(st);

    ASSERT_EQ(sqlite3_open(t.db, &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT count(*), max(version) FROM "
                                 "schema_version",
                                 -1, &s, NULL),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    ASSERT_EQ(sqlite3_column_int(s, 0), sqlite3_column_int(s, 1));
    ASSERT(sqlite3_column_int(s, 1) >= 1);
    sqlite3_finalize(s);
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    ASSERT_STR_EQ((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    /* A file from a newer callsift is refused, not guessed at. */
    ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version VALUES (999, 0)",
                           NULL, NULL, NULL),
              SQLITE_OK);
    sqlite3_close(db);
    st = NULL;
    ASSERT_EQ(sift_store_open(&st, t.db, &err), SIFT_ESTORE);
    ASSERT_NULL(st);
    ASSERT(strstr(err.msg, "upgrade callsift") != NULL);
    tmp_remove(&t);
    return 0;
}

TEST_IMPL(store_path_from_environment)
{
    struct tmp t;
    struct sift_store *st;
    struct stat sb;

    tmp_make(&t);
    setenv("CALLSIFT_DB", t.db, 1);
    st = open_ok(NULL);
    sift_store_close(st);
    ASSERT_EQ(stat(t.db, &sb), 0);
    unsetenv("CALLSIFT_DB");
    tmp_remove(&t);
    return 0;
}

struct seen_report {
    int n;
    struct sift_report r;
    char key[64], comment[64], transcript[64], source[32], dedupe[32];
};

static int keep_report(void *ctx, const struct sift_report *r)
{
    struct seen_report *s = ctx;

    s->n++;
    s->r = *r;
    snprintf(s->key, sizeof(s->key), "%s", r->key);
    snprintf(s->comment, sizeof(s->comment), "%s",
             r->comment ? r->comment : "(null)");
    snprintf(s->transcript, sizeof(s->transcript), "%s",
             r->transcript ? r->transcript : "(null)");
    snprintf(s->source, sizeof(s->source), "%s", r->source);
    snprintf(s->dedupe, sizeof(s->dedupe), "%s",
             r->dedupe ? r->dedupe : "(null)");
    return 0;
}

TEST_IMPL(store_report_round_trip)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_report r[2];
    struct seen_report seen = {0};
    size_t added = 9;

    tmp_make(&t);
    st = open_ok(t.db);
    r[0] = report("+18776430291", NULL);
    r[0].category = SIFT_CAT_ROBOCALL;
    r[0].comment = "押してくださいと言われた";
    r[0].transcript = "NTTファイナンスより";
    sift_store_reporter_hash(st, "bob", 3, r[0].reporter);
    r[0].time = 1700000100;
    r[1] = report("+18776430291", "x1");
    r[1].time = 1700000000; /* older: comes second, newest first */
    ASSERT_EQ(sift_store_add_reports(st, r, 2, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 2);
    ASSERT(r[0].id > 0 && r[1].id > r[0].id);

    ASSERT_EQ(
        sift_store_each_report(st, "+18776430291", 1, keep_report, &seen, NULL),
        SIFT_OK);
    ASSERT_EQ(seen.n, 1);
    ASSERT_EQ(seen.r.id, r[0].id);
    ASSERT_STR_EQ(seen.key, "+18776430291");
    ASSERT_EQ(seen.r.category, SIFT_CAT_ROBOCALL);
    ASSERT_STR_EQ(seen.comment, "押してくださいと言われた");
    ASSERT_STR_EQ(seen.transcript, "NTTファイナンスより");
    ASSERT(memcmp(seen.r.reporter, r[0].reporter, 32) == 0);
    ASSERT_EQ(seen.r.time, 1700000100);
    ASSERT_STR_EQ(seen.source, "user");
    ASSERT_STR_EQ(seen.dedupe, "(null)");
    ASSERT_EQ(count_reports(st, "+18776430291"), 2);
    ASSERT_EQ(count_reports(st, "+10000000000"), 0);
    ASSERT_EQ(count_reports(st, NULL), 2);

    /* Category names both ways. */
    {
        enum sift_report_category c;
        ASSERT(sift_category_parse("telemarketing", &c));
        ASSERT_EQ(c, SIFT_CAT_TELEMARKETING);
        ASSERT(!sift_category_parse("nope", &c));
        ASSERT_STR_EQ(sift_category_name(SIFT_CAT_SAFE), "safe");
    }
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

TEST_IMPL(store_dedupe_makes_imports_idempotent)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_report r[3];
    size_t added;

    tmp_make(&t);
    st = open_ok(t.db);
    r[0] = report("+12025550101", "row1");
    r[1] = report("+12025550102", "row2");
    r[2] = report("+12025550101", NULL);
    r[0].source = r[1].source = "import:ftc";
    ASSERT_EQ(sift_store_add_reports(st, r, 3, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 3);
    /* The same rows again: the keyed ones are ignored (id 0), the
     * unkeyed one is a new report. */
    ASSERT_EQ(sift_store_add_reports(st, r, 3, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 1);
    ASSERT_EQ(r[0].id, 0);
    ASSERT_EQ(r[1].id, 0);
    ASSERT(r[2].id > 0);
    /* The same dedupe key from another source is another report. */
    r[0].source = "import:other";
    ASSERT_EQ(sift_store_add_reports(st, r, 1, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 1);
    ASSERT_EQ(count_reports(st, NULL), 5);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

/* A version-1 file (dedupe_id a plain hash of source and dedupe) is
 * migrated to version 2's ids: importing the same rows again after the
 * upgrade still adds nothing. */
TEST_IMPL(store_migration_2_keeps_imports_idempotent)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_report r[2];
    size_t added;
    sqlite3 *db;

    tmp_make(&t);
    st = open_ok(t.db);
    r[0] = report("+12025550101", "row1");
    r[1] = report("+12025550102", "row2");
    ASSERT_EQ(sift_store_add_reports(st, r, 2, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 2);
    sift_store_close(st);
    /* Back to version 1, with ids no version-2 callsift would write. */
    ASSERT_EQ(sqlite3_open(t.db, &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "UPDATE reports SET dedupe_id = id * 7919;"
                           "DELETE FROM schema_version WHERE version >= 2",
                           NULL, NULL, NULL),
              SQLITE_OK);
    sqlite3_close(db);
    st = open_ok(t.db);
    ASSERT_EQ(sift_store_check(st, NULL), SIFT_OK);
    ASSERT_EQ(sift_store_add_reports(st, r, 2, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 0);
    ASSERT_EQ(count_reports(st, NULL), 2);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

/* A batch is written sorted by its ids, but a row repeated inside one
 * batch keeps its first copy, and every report gets its own id. */
TEST_IMPL(store_batch_keeps_the_first_of_equal_rows)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_report r[40];
    char keys[40][16];
    size_t added;

    tmp_make(&t);
    st = open_ok(t.db);
    for (int i = 0; i < 40; i++) {
        snprintf(keys[i], sizeof(keys[i]), "+1202555%04d", (i * 37) % 40);
        r[i] = report(keys[i], keys[i]);
        r[i].category = i < 20 ? SIFT_CAT_SCAM : SIFT_CAT_SPAM;
    }
    /* rows 20..39 repeat rows 0..19's numbers as dedupe keys */
    for (int i = 20; i < 40; i++) {
        r[i].key = r[i - 20].key;
        r[i].dedupe = r[i - 20].dedupe;
    }
    ASSERT_EQ(sift_store_add_reports(st, r, 40, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 20);
    for (int i = 0; i < 20; i++) {
        ASSERT(r[i].id > 0);
        ASSERT_EQ(r[i + 20].id, 0);
        for (int j = 0; j < i; j++)
            ASSERT(r[i].id != r[j].id);
    }
    ASSERT_EQ(count_reports(st, NULL), 20);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

TEST_IMPL(store_limits_refuse_the_whole_batch)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_report r[2];
    struct sift_err err = {0};
    struct sift_list_entry e = {0};
    char comment[SIFT_COMMENT_MAX + 2];
    char note[SIFT_NOTE_MAX + 2];
    size_t added = 7;

    tmp_make(&t);
    st = open_ok(t.db);
    memset(comment, 'a', sizeof(comment));
    comment[SIFT_COMMENT_MAX] = '\0'; /* exactly the limit: fine */
    r[0] = report("+12025550101", NULL);
    r[0].comment = comment;
    ASSERT_EQ(sift_store_add_reports(st, r, 1, &added, &err), SIFT_OK);
    ASSERT_EQ(added, 1);

    comment[SIFT_COMMENT_MAX] = 'a';
    comment[SIFT_COMMENT_MAX + 1] = '\0'; /* one byte over */
    r[0] = report("+12025550102", NULL);
    r[1] = report("+12025550103", NULL);
    r[1].comment = comment;
    ASSERT_EQ(sift_store_add_reports(st, r, 2, &added, &err), SIFT_ETOOBIG);
    ASSERT_EQ(added, 0);
    ASSERT(strstr(err.msg, "comment") != NULL);
    ASSERT_STR_EQ(err.where, "report 1");
    ASSERT_EQ(count_reports(st, NULL), 1);

    r[0] = report("", NULL);
    ASSERT_EQ(sift_store_add_reports(st, r, 1, &added, &err), SIFT_EINVAL);
    r[0] = report("+12025550102", NULL);
    r[0].source = NULL;
    ASSERT_EQ(sift_store_add_reports(st, r, 1, &added, &err), SIFT_EINVAL);
    r[0] = report("+12025550102", NULL);
    r[0].category = SIFT_CAT_COUNT;
    ASSERT_EQ(sift_store_add_reports(st, r, 1, &added, &err), SIFT_EINVAL);

    memset(note, 'n', sizeof(note));
    note[SIFT_NOTE_MAX + 1] = '\0';
    e.value = "+12025550101";
    e.note = note;
    ASSERT_EQ(sift_store_add_list(st, &e, &err), SIFT_ETOOBIG);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

struct seen_list {
    int n;
    struct sift_list_entry e[4];
    char value[4][64], callee[4][64], note[4][64];
};

static int keep_list(void *ctx, const struct sift_list_entry *e)
{
    struct seen_list *s = ctx;

    if (s->n < 4) {
        s->e[s->n] = *e;
        snprintf(s->value[s->n], 64, "%s", e->value);
        snprintf(s->callee[s->n], 64, "%s", e->callee ? e->callee : "-");
        snprintf(s->note[s->n], 64, "%s", e->note ? e->note : "-");
    }
    s->n++;
    return 0;
}

TEST_IMPL(store_list_round_trip_and_remove)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_list_entry a = {0}, b = {0};
    struct seen_list seen = {0};
    struct sift_err err = {0};

    tmp_make(&t);
    st = open_ok(t.db);
    a.kind = SIFT_LIST_BLOCK;
    a.match = SIFT_MATCH_PREFIX;
    a.value = "+1877";
    a.note = "toll free from abroad";
    b.kind = SIFT_LIST_ALLOW;
    b.match = SIFT_MATCH_EXACT;
    b.value = "+18776430291";
    b.callee = "+819012345678";
    b.expires = 1800000000;
    ASSERT_EQ(sift_store_add_list(st, &a, NULL), SIFT_OK);
    ASSERT_EQ(sift_store_add_list(st, &b, NULL), SIFT_OK);
    ASSERT(a.id > 0 && b.id > a.id);
    ASSERT(a.created > 0);
    ASSERT_EQ(sift_store_each_list(st, keep_list, &seen, NULL), SIFT_OK);
    ASSERT_EQ(seen.n, 2);
    ASSERT_EQ(seen.e[0].kind, SIFT_LIST_BLOCK);
    ASSERT_EQ(seen.e[0].match, SIFT_MATCH_PREFIX);
    ASSERT_STR_EQ(seen.value[0], "+1877");
    ASSERT_STR_EQ(seen.callee[0], "-");
    ASSERT_STR_EQ(seen.note[0], "toll free from abroad");
    ASSERT_EQ(seen.e[1].kind, SIFT_LIST_ALLOW);
    ASSERT_STR_EQ(seen.callee[1], "+819012345678");
    ASSERT_EQ(seen.e[1].expires, 1800000000);

    ASSERT_EQ(sift_store_remove_list(st, a.id, NULL), SIFT_OK);
    ASSERT_EQ(sift_store_remove_list(st, a.id, &err), SIFT_ENOTFOUND);
    memset(&seen, 0, sizeof(seen));
    ASSERT_EQ(sift_store_each_list(st, keep_list, &seen, NULL), SIFT_OK);
    ASSERT_EQ(seen.n, 1);
    ASSERT_EQ(seen.e[0].id, b.id);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

struct seen_calls {
    int n;
    struct sift_call last;
    char to[64];
};

static int keep_call(void *ctx, const struct sift_call *c)
{
    struct seen_calls *s = ctx;

    s->n++;
    s->last = *c;
    snprintf(s->to, sizeof(s->to), "%s", c->to ? c->to : "-");
    return 0;
}

static int stop_at_first(void *ctx, const struct sift_call *c)
{
    (void)c;
    (*(int *)ctx)++;
    return 42;
}

TEST_IMPL(store_call_log_round_trip_and_prune)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_call c = {0};
    struct seen_calls seen = {0};
    int64_t deleted = -1;
    int n = 0;

    tmp_make(&t);
    st = open_ok(t.db);
    c.from = "+18776430291";
    c.to = "+819012345678";
    c.duration = 2;
    c.action = 3;
    c.score = 12.5;
    c.fingerprint = 0xfedcba9876543210ull; /* top bit set survives */
    c.sms = true;
    for (int i = 0; i < 5; i++) {
        c.time = 1000 + i * 100; /* 1000 .. 1400 */
        ASSERT_EQ(sift_store_add_call(st, &c, NULL), SIFT_OK);
    }
    c.from = "+15555550100";
    c.time = 5000;
    ASSERT_EQ(sift_store_add_call(st, &c, NULL), SIFT_OK);

    ASSERT_EQ(
        sift_store_each_call(st, 1200, "+18776430291", keep_call, &seen, NULL),
        SIFT_OK);
    ASSERT_EQ(seen.n, 3);
    ASSERT_EQ(seen.last.time, 1400);
    ASSERT_EQ(seen.last.duration, 2);
    ASSERT_EQ(seen.last.action, 3);
    ASSERT(seen.last.score == 12.5);
    ASSERT(seen.last.fingerprint == 0xfedcba9876543210ull);
    ASSERT(seen.last.sms);
    ASSERT_STR_EQ(seen.to, "+819012345678");
    /* A callback's non-zero value stops the walk and is returned. */
    ASSERT_EQ(sift_store_each_call(st, 0, NULL, stop_at_first, &n, NULL), 42);
    ASSERT_EQ(n, 1);

    ASSERT_EQ(sift_store_prune(st, 1300, &deleted, NULL), SIFT_OK);
    ASSERT_EQ(deleted, 3);
    memset(&seen, 0, sizeof(seen));
    ASSERT_EQ(sift_store_each_call(st, 0, NULL, keep_call, &seen, NULL),
              SIFT_OK);
    ASSERT_EQ(seen.n, 3);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

/* The first id and the count a walk of calls saw. */
struct call_span {
    int n;
    int64_t first;
};

static int span_call(void *ctx, const struct sift_call *c)
{
    struct call_span *w = ctx;

    if (w->n++ == 0)
        w->first = c->id;
    return 0;
}

static struct call_span recent(struct sift_store *st, int64_t since,
                               size_t n_messages)
{
    struct call_span w = {0, 0};

    ASSERT_EQ(
        sift_store_each_recent_call(st, since, n_messages, span_call, &w, NULL),
        SIFT_OK);
    return w;
}

/* What the reputation index replays at start: the calls of the windows
 * and, before them, the calls with a fingerprint back to the n-th newest
 * of them (calls without one before the window are not read). */
TEST_IMPL(store_recent_calls_stop_at_the_newest_messages)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_call c = {0};
    struct call_span w;

    tmp_make(&t);
    st = open_ok(t.db);
    c.from = "+18776430291";
    for (int i = 1; i <= 10; i++) { /* ids 1..10, times 100..1000 */
        c.time = 100 * i;
        c.fingerprint = i % 2 == 0 ? (uint64_t)i : 0; /* even ids */
        ASSERT_EQ(sift_store_add_call(st, &c, NULL), SIFT_OK);
    }
    /* 2nd newest message: id 8; window: id 10; id 9 (no text, before the
     * window) is not read. */
    w = recent(st, 950, 2);
    ASSERT_EQ(w.first, 8);
    ASSERT_EQ(w.n, 2);
    w = recent(st, 250, 1); /* the window reaches further: id 3 */
    ASSERT_EQ(w.first, 3);
    ASSERT_EQ(w.n, 8);
    w = recent(st, 5000, 1); /* nothing in the window: the newest message */
    ASSERT_EQ(w.first, 10);
    ASSERT_EQ(w.n, 1);
    w = recent(st, 5000, 5); /* exactly five messages: ids 2, 4 .. 10 */
    ASSERT_EQ(w.first, 2);
    ASSERT_EQ(w.n, 5);
    w = recent(st, 5000, 6); /* fewer than asked for: every message */
    ASSERT_EQ(w.first, 2);
    ASSERT_EQ(w.n, 5);
    w = recent(st, 5000, 0); /* no messages asked for: the window only */
    ASSERT_EQ(w.n, 0);
    /* The plain walk since a time starts at its first call (by the time
     * index) and keeps the time order's calls only. */
    memset(&w, 0, sizeof(w));
    ASSERT_EQ(sift_store_each_call(st, 450, NULL, span_call, &w, NULL),
              SIFT_OK);
    ASSERT_EQ(w.first, 5);
    ASSERT_EQ(w.n, 6);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

struct seen_campaign {
    int n, n_numbers;
    struct sift_campaign c;
    char sample[128], number[64];
};

static int keep_campaign(void *ctx, const struct sift_campaign *c)
{
    struct seen_campaign *s = ctx;

    s->n++;
    s->c = *c;
    snprintf(s->sample, sizeof(s->sample), "%s", c->sample ? c->sample : "");
    return 0;
}

static int keep_campaign_number(void *ctx, int64_t campaign, const char *key,
                                int64_t time)
{
    struct seen_campaign *s = ctx;

    (void)campaign;
    if (s->n_numbers++ == 0)
        snprintf(s->number, sizeof(s->number), "%s@%lld", key, (long long)time);
    return 0;
}

TEST_IMPL(store_campaign_round_trip)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_campaign c = {0};
    struct seen_campaign seen = {0};
    struct sift_err err = {0};

    tmp_make(&t);
    st = open_ok(t.db);
    c.fingerprint = 0x8000000000000001ull;
    c.sample = "お荷物のお届けにあがりましたが不在の為持ち帰りました";
    c.first_seen = 100;
    c.last_seen = 200;
    c.n_events = 3;
    c.n_numbers = 3;
    ASSERT_EQ(sift_store_put_campaign(st, &c, NULL), SIFT_OK);
    ASSERT(c.id > 0);
    ASSERT_EQ(sift_store_campaign_number(st, c.id, "+819011112222", 150, NULL),
              SIFT_OK);
    /* The first time seen is kept. */
    ASSERT_EQ(sift_store_campaign_number(st, c.id, "+819011112222", 190, NULL),
              SIFT_OK);
    ASSERT_EQ(sift_store_campaign_number(st, 999, "+819011112222", 190, &err),
              SIFT_ENOTFOUND);

    /* An update by id (as the reputation index numbers them). */
    c.sample = NULL;
    c.last_seen = 300;
    c.n_events = 4;
    ASSERT_EQ(sift_store_put_campaign(st, &c, NULL), SIFT_OK);
    ASSERT_EQ(sift_store_each_campaign(st, keep_campaign, &seen, NULL),
              SIFT_OK);
    ASSERT_EQ(seen.n, 1);
    ASSERT(seen.c.fingerprint == 0x8000000000000001ull);
    ASSERT_STR_EQ(seen.sample,
                  "お荷物のお届けにあがりましたが不在の為持ち帰りました");
    ASSERT_EQ(seen.c.first_seen, 100);
    ASSERT_EQ(seen.c.last_seen, 300);
    ASSERT_EQ(seen.c.n_events, 4);
    ASSERT_EQ(sift_store_each_campaign_number(st, c.id, keep_campaign_number,
                                              &seen, NULL),
              SIFT_OK);
    ASSERT_EQ(seen.n_numbers, 1);
    ASSERT_STR_EQ(seen.number, "+819011112222@150");

    /* A new campaign with a chosen id. */
    memset(&c, 0, sizeof(c));
    c.id = 77;
    c.fingerprint = 5;
    ASSERT_EQ(sift_store_put_campaign(st, &c, NULL), SIFT_OK);
    ASSERT_EQ(c.id, 77);
    memset(&seen, 0, sizeof(seen));
    ASSERT_EQ(sift_store_each_campaign(st, keep_campaign, &seen, NULL),
              SIFT_OK);
    ASSERT_EQ(seen.n, 2);
    ASSERT_EQ(seen.c.id, 77);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

/* The ids a walk of campaigns saw, in order. */
struct campaign_ids {
    int n;
    int64_t id[8];
};

static int keep_campaign_id(void *ctx, const struct sift_campaign *c)
{
    struct campaign_ids *w = ctx;

    if (w->n < 8)
        w->id[w->n] = c->id;
    w->n++;
    return 0;
}

/* One campaign by id, the campaigns of a number, a campaign's count of
 * numbers and the most recently seen campaigns come from the store's
 * indexes: what record.c, `lookup`, `export` and the server ask for one
 * event or one page, instead of a walk of every campaign. */
TEST_IMPL(store_campaign_by_id_by_number_and_count)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_campaign c = {0};
    struct seen_campaign seen = {0};
    struct campaign_ids ids = {0};
    int64_t n = -1;

    tmp_make(&t);
    st = open_ok(t.db);
    for (int64_t id = 1; id <= 5; id++) {
        memset(&c, 0, sizeof(c));
        c.id = id;
        c.fingerprint = (uint64_t)id * 1000;
        c.sample = id == 4 ? "未納料金のお知らせ" : "other";
        c.first_seen = c.last_seen = 100 * id;
        c.n_events = id;
        ASSERT_EQ(sift_store_put_campaign(st, &c, NULL), SIFT_OK);
    }
    /* +1877… spoke in campaigns 2 and 4; +8190… in 4 only. */
    ASSERT_EQ(sift_store_campaign_number(st, 2, "+18776430291", 210, NULL),
              SIFT_OK);
    ASSERT_EQ(sift_store_campaign_number(st, 4, "+18776430291", 410, NULL),
              SIFT_OK);
    ASSERT_EQ(sift_store_campaign_number(st, 4, "+819011112222", 420, NULL),
              SIFT_OK);
    ASSERT_EQ(sift_store_campaign_number(st, 4, "NTT-Finance", 430, NULL),
              SIFT_OK);

    ASSERT_EQ(sift_store_get_campaign(st, 4, keep_campaign, &seen, NULL),
              SIFT_OK);
    ASSERT_EQ(seen.n, 1);
    ASSERT_EQ(seen.c.id, 4);
    ASSERT(seen.c.fingerprint == 4000);
    ASSERT_EQ(seen.c.n_events, 4);
    ASSERT_STR_EQ(seen.sample, "未納料金のお知らせ");
    /* No such campaign: no call, and not an error. */
    memset(&seen, 0, sizeof(seen));
    ASSERT_EQ(sift_store_get_campaign(st, 9, keep_campaign, &seen, NULL),
              SIFT_OK);
    ASSERT_EQ(sift_store_get_campaign(st, 0, keep_campaign, &seen, NULL),
              SIFT_OK);
    ASSERT_EQ(seen.n, 0);

    /* Newest first; a number in none gets none. */
    ASSERT_EQ(sift_store_each_campaign_of(st, "+18776430291", keep_campaign_id,
                                          &ids, NULL),
              SIFT_OK);
    ASSERT_EQ(ids.n, 2);
    ASSERT_EQ(ids.id[0], 4);
    ASSERT_EQ(ids.id[1], 2);
    memset(&ids, 0, sizeof(ids));
    ASSERT_EQ(sift_store_each_campaign_of(st, "NTT-Finance", keep_campaign_id,
                                          &ids, NULL),
              SIFT_OK);
    ASSERT_EQ(ids.n, 1);
    ASSERT_EQ(ids.id[0], 4);
    memset(&ids, 0, sizeof(ids));
    ASSERT_EQ(sift_store_each_campaign_of(st, "+441234567890", keep_campaign_id,
                                          &ids, NULL),
              SIFT_OK);
    ASSERT_EQ(ids.n, 0);

    ASSERT_EQ(sift_store_count_campaign_numbers(st, 4, &n, NULL), SIFT_OK);
    ASSERT_EQ(n, 3);
    /* A number linked again is not counted twice. */
    ASSERT_EQ(sift_store_campaign_number(st, 4, "+819011112222", 500, NULL),
              SIFT_OK);
    ASSERT_EQ(sift_store_count_campaign_numbers(st, 4, &n, NULL), SIFT_OK);
    ASSERT_EQ(n, 3);
    ASSERT_EQ(sift_store_count_campaign_numbers(st, 5, &n, NULL), SIFT_OK);
    ASSERT_EQ(n, 0);
    ASSERT_EQ(sift_store_count_campaign_numbers(st, 4, NULL, NULL),
              SIFT_EINVAL);

    /* The most recently seen first: campaign 2 seen again now, then 5, 4,
     * 3, 1 by their last_seen (500 .. 100); on a tie, the newer first. */
    memset(&c, 0, sizeof(c));
    c.id = 2;
    c.fingerprint = 2000;
    c.first_seen = 200;
    c.last_seen = 900;
    ASSERT_EQ(sift_store_put_campaign(st, &c, NULL), SIFT_OK);
    c.id = 6;
    c.fingerprint = 6000;
    c.first_seen = c.last_seen = 500; /* the same as campaign 5 */
    ASSERT_EQ(sift_store_put_campaign(st, &c, NULL), SIFT_OK);
    memset(&ids, 0, sizeof(ids));
    ASSERT_EQ(sift_store_each_active_campaign(st, keep_campaign_id, &ids, NULL),
              SIFT_OK);
    ASSERT_EQ(ids.n, 6);
    ASSERT_EQ(ids.id[0], 2);
    ASSERT_EQ(ids.id[1], 6);
    ASSERT_EQ(ids.id[2], 5);
    ASSERT_EQ(ids.id[3], 4);
    ASSERT_EQ(ids.id[4], 3);
    ASSERT_EQ(ids.id[5], 1);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}

/* Does the file at path contain needle anywhere? */
static bool file_contains(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    size_t nlen = strlen(needle), cap = 1 << 20, len;
    char *buf;
    bool found = false;

    if (f == NULL)
        return false;
    buf = malloc(cap);
    ASSERT_NOT_NULL(buf);
    while ((len = fread(buf, 1, cap, f)) > 0) {
        for (size_t i = 0; i + nlen <= len; i++)
            if (memcmp(buf + i, needle, nlen) == 0)
                found = true;
        if (len < cap)
            break;
        /* step back so a needle across the boundary is still found */
        fseek(f, -(long)nlen, SEEK_CUR);
    }
    free(buf);
    fclose(f);
    return found;
}

TEST_IMPL(store_reporter_identity_only_hashed)
{
    struct tmp t, t2;
    struct sift_store *st, *st2;
    struct sift_report r = report("+18776430291", NULL);
    uint8_t other[32];
    char wal[320];
    const char *id = "reporter-alice@example.com";

    tmp_make(&t);
    st = open_ok(t.db);
    sift_store_reporter_hash(st, id, strlen(id), r.reporter);
    r.comment = "a comment is kept as written";
    ASSERT_EQ(sift_store_add_reports(st, &r, 1, NULL, NULL), SIFT_OK);

    /* Another store has another salt: hashes do not link across them. */
    tmp_make(&t2);
    st2 = open_ok(t2.db);
    sift_store_reporter_hash(st2, id, strlen(id), other);
    ASSERT(memcmp(other, r.reporter, 32) != 0);
    sift_store_close(st2);
    tmp_remove(&t2);

    snprintf(wal, sizeof(wal), "%s-wal", t.db);
    /* Search both while open (the row is in the WAL) and after close
     * (checkpointed into the main file). */
    ASSERT(file_contains(wal, "a comment is kept") ||
           file_contains(t.db, "a comment is kept"));
    ASSERT(!file_contains(wal, "alice"));
    ASSERT(!file_contains(t.db, "alice"));
    sift_store_close(st);
    ASSERT(file_contains(t.db, "a comment is kept"));
    ASSERT(!file_contains(t.db, "alice"));
    ASSERT(!file_contains(wal, "alice"));
    tmp_remove(&t);
    return 0;
}

TEST_IMPL(store_integrity_check_finds_damage)
{
    struct tmp t;
    struct sift_store *st;
    struct sift_report r[200];
    struct sift_err err = {0};
    struct sift_store_stats stats;
    char keys[200][24];
    enum sift_rc rc;
    struct stat sb;
    int fd;

    tmp_make(&t);
    st = open_ok(t.db);
    for (int i = 0; i < 200; i++) {
        snprintf(keys[i], sizeof(keys[i]), "+1202555%04d", i);
        r[i] = report(keys[i], NULL);
        r[i].comment = "padding padding padding padding padding padding";
    }
    ASSERT_EQ(sift_store_add_reports(st, r, 200, NULL, NULL), SIFT_OK);
    ASSERT_EQ(sift_store_stats(st, &stats, NULL), SIFT_OK);
    ASSERT_EQ(stats.reports, 200);
    ASSERT_EQ(stats.lists, 0);
    ASSERT(stats.bytes > 4096);
    ASSERT_EQ(sift_store_check(st, &err), SIFT_OK);
    sift_store_close(st);

    /* Scribble over the middle of the file (not the header page). */
    ASSERT_EQ(stat(t.db, &sb), 0);
    ASSERT(sb.st_size >= 4 * 4096);
    fd = open(t.db, O_WRONLY);
    ASSERT(fd >= 0);
    {
        char junk[4096];
        memset(junk, 0x5a, sizeof(junk));
        ASSERT_EQ(pwrite(fd, junk, sizeof(junk), sb.st_size - 4096),
                  (long)sizeof(junk));
        ASSERT_EQ(pwrite(fd, junk, 100, 2 * 4096 + 8), 100);
    }
    close(fd);
    st = NULL;
    rc = sift_store_open(&st, t.db, &err);
    if (rc == SIFT_OK) {
        rc = sift_store_check(st, &err);
        sift_store_close(st);
    }
    ASSERT_NE(rc, SIFT_OK);
    ASSERT(err.msg[0] != '\0');
    tmp_remove(&t);
    return 0;
}

TEST_IMPL(store_two_handles_see_each_others_writes)
{
    struct tmp t;
    struct sift_store *a, *b;
    struct sift_report r = report("+18776430291", "k");
    size_t added = 0;

    tmp_make(&t);
    a = open_ok(t.db);
    b = open_ok(t.db);
    ASSERT_EQ(sift_store_add_reports(a, &r, 1, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 1);
    ASSERT_EQ(count_reports(b, "+18776430291"), 1);
    ASSERT_EQ(sift_store_add_reports(b, &r, 1, &added, NULL), SIFT_OK);
    ASSERT_EQ(added, 0);
    sift_store_close(a);
    sift_store_close(b);
    tmp_remove(&t);
    return 0;
}

/* A handle set to SIFT_STORE_CRASH_SAFE (the server's call log) commits
 * without waiting for the disk, yet what it committed outlives the
 * process: a child writes a batch of calls and kills itself with SIGKILL
 * before closing (no checkpoint); the file, opened again, holds every
 * call and passes the integrity check. */
TEST_IMPL(store_crash_safe_commits_outlive_kill_9)
{
    struct tmp t;
    struct sift_store *st;
    struct seen_calls seen = {0};
    struct sift_err err = {0};
    int status = 0;
    pid_t pid;

    tmp_make(&t);
    st = open_ok(t.db);
    ASSERT_EQ(
        sift_store_set_durability(st, (enum sift_store_durability)7, &err),
        SIFT_EINVAL);
    sift_store_close(st);
    pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        struct sift_call c = {0};

        st = open_ok(t.db);
        ASSERT_EQ(sift_store_set_durability(st, SIFT_STORE_CRASH_SAFE, NULL),
                  SIFT_OK);
        c.from = "+18776430291";
        c.to = "+819012345678";
        c.duration = -1;
        ASSERT_EQ(sift_store_batch_begin(st, NULL), SIFT_OK);
        for (int i = 0; i < 300; i++) {
            c.time = 1000 + i;
            ASSERT_EQ(sift_store_add_call(st, &c, NULL), SIFT_OK);
        }
        ASSERT_EQ(sift_store_batch_commit(st, NULL), SIFT_OK);
        raise(SIGKILL);
        _exit(0); /* not reached */
    }
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    st = open_ok(t.db);
    ASSERT_EQ(sift_store_check(st, &err), SIFT_OK);
    ASSERT_EQ(
        sift_store_each_call(st, 0, "+18776430291", keep_call, &seen, NULL),
        SIFT_OK);
    ASSERT_EQ(seen.n, 300);
    ASSERT_EQ(seen.last.time, 1299);
    sift_store_close(st);
    tmp_remove(&t);
    return 0;
}
