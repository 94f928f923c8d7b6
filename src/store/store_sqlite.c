/*
 * store_sqlite.c - the SQLite backend: one file, WAL, prepared statements
 * only (each prepared once per store and cached), foreign keys on, and a
 * versioned schema migrated forward on open.
 *
 * Durability (docs/store.md): every write runs in BEGIN IMMEDIATE ...
 * COMMIT and returns only after COMMIT. The journal is WAL with
 * synchronous=FULL, so the WAL is fsynced at each commit: an acknowledged
 * write survives kill -9 *and* a power loss. (synchronous=NORMAL would
 * survive kill -9 only, since the WAL then reaches disk at checkpoints;
 * the import batches 10,000 rows per commit, so the fsync per commit
 * costs it little.) CALLSIFT_DB_SYNC=normal trades power-loss safety for
 * speed on slow disks.
 *
 * Concurrency: readers never block the writer and the writer never blocks
 * readers (WAL); two writers wait for each other up to the busy timeout
 * (5 s), after which a write is SIFT_ETIMEOUT. BEGIN IMMEDIATE takes the
 * write lock up front, so a transaction never has to upgrade a read lock
 * (which SQLite cannot wait for).
 *
 * Migrations: schema_version holds one row per applied migration. Open
 * reads the version without a write lock; only when it is behind does it
 * take the write lock, read it again (another process may have migrated
 * meanwhile) and apply each missing migration once, in one transaction.
 * A file newer than this build is refused rather than guessed at.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>
#include <sqlite3.h>

#include "store_int.h"
#include "util/util.h"

#define BUSY_TIMEOUT_MS 5000
#define APPLICATION_ID  0x43534654 /* "CSFT": this file is callsift's */

/* Migration N is applied once, in order, never edited after release: a
 * change to the schema is a new entry at the end. */
static const char *const migrations[] = {
    /* 1: the first schema. */
    "CREATE TABLE meta (\n"
    "  key   TEXT PRIMARY KEY,\n"
    "  value BLOB NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE reports (\n"
    "  id         INTEGER PRIMARY KEY,\n"
    "  key        TEXT NOT NULL,\n"
    "  category   INTEGER NOT NULL CHECK (category BETWEEN 0 AND 5),\n"
    "  comment    TEXT CHECK (comment IS NULL OR\n"
    "                         length(CAST(comment AS BLOB)) <= 1024),\n"
    "  transcript TEXT,\n"
    "  reporter   BLOB NOT NULL CHECK (length(reporter) = 32),\n"
    "  time       INTEGER NOT NULL,\n"
    "  source     TEXT NOT NULL,\n"
    "  dedupe     TEXT,\n"
    "  key_id     INTEGER NOT NULL,\n" /* hash of key */
    "  dedupe_id  INTEGER\n"           /* see dedupe_id() */
    ");\n"
    "CREATE UNIQUE INDEX reports_dedupe ON reports (dedupe_id)\n"
    "  WHERE dedupe_id IS NOT NULL;\n"
    "CREATE INDEX reports_key ON reports (key_id, time);\n"
    "CREATE TABLE lists (\n"
    "  id      INTEGER PRIMARY KEY,\n"
    "  kind    INTEGER NOT NULL CHECK (kind IN (0, 1)),\n"
    "  match   INTEGER NOT NULL CHECK (match BETWEEN 0 AND 3),\n"
    "  value   TEXT NOT NULL,\n"
    "  callee  TEXT,\n"
    "  expires INTEGER NOT NULL DEFAULT 0,\n"
    "  note    TEXT CHECK (note IS NULL OR\n"
    "                      length(CAST(note AS BLOB)) <= 256),\n"
    "  created INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE calls (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  from_key    TEXT NOT NULL,\n"
    "  to_key      TEXT,\n"
    "  time        INTEGER NOT NULL,\n"
    "  duration    INTEGER NOT NULL DEFAULT -1,\n"
    "  action      INTEGER NOT NULL,\n"
    "  score       REAL NOT NULL,\n"
    "  fingerprint INTEGER NOT NULL DEFAULT 0,\n"
    "  sms         INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE INDEX calls_time ON calls (time);\n"
    "CREATE INDEX calls_from ON calls (from_key, time);\n"
    "CREATE TABLE campaigns (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  fingerprint INTEGER NOT NULL,\n"
    "  sample      TEXT,\n"
    "  first_seen  INTEGER NOT NULL,\n"
    "  last_seen   INTEGER NOT NULL,\n"
    "  n_events    INTEGER NOT NULL DEFAULT 0,\n"
    "  n_numbers   INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE campaign_numbers (\n"
    "  campaign INTEGER NOT NULL REFERENCES campaigns (id)\n"
    "           ON DELETE CASCADE,\n"
    "  key      TEXT NOT NULL,\n"
    "  time     INTEGER NOT NULL,\n"
    "  PRIMARY KEY (campaign, key)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX campaign_numbers_key ON campaign_numbers (key);\n",
    /* 2: dedupe_id starts with the top bits of key_id, so that both
     * indexes take a batch sorted by dedupe_id in order (dedupe_id()). */
    "UPDATE reports SET dedupe_id = sift_dedupe_id(key, source, dedupe)\n"
    "  WHERE dedupe IS NOT NULL;\n",
    /* 3: campaigns by when they were last seen, for the API's list (the
     * waves going on now first, without sorting every campaign). */
    "CREATE INDEX IF NOT EXISTS campaigns_last_seen ON campaigns "
    "(last_seen);\n",
    /* 4: the calls that carry a message fingerprint, by id: the index's
     * start reads the newest of them without reading the calls between
     * (most calls of a voice network have no text). */
    "CREATE INDEX IF NOT EXISTS calls_messages ON calls (id)\n"
    "  WHERE fingerprint != 0;\n",
    /* 5: no index of the calls by caller. Every logged call inserted into
     * it at its caller's place, so a commit rewrote a 16 KB page for each
     * caller in it (1,024 rows from the test cases' 158 callers: about
     * 146 pages, 2.3 MB of WAL for 60 KB of rows); only `callsift export
     * --number` read it, and that walks the call log instead
     * (docs/store.md). */
    "DROP INDEX IF EXISTS calls_from;\n",
};
#define SCHEMA_LATEST ((int)SIFT_ARRAY_LEN(migrations))

enum stmt_id {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_SAVEPOINT,
    S_RELEASE,
    S_ROLLBACK_TO,
    S_VERSION,
    S_ADD_REPORT,
    S_ADD_LIST,
    S_REMOVE_LIST,
    S_ADD_CALL,
    S_PRUNE,
    S_CAMPAIGN_NEW,
    S_CAMPAIGN_PUT,
    S_CAMPAIGN_NUMBER,
    S_EACH_REPORT,
    S_EACH_REPORT_KEY,
    S_EACH_LIST,
    S_EACH_CALL,
    S_EACH_CALL_ALL,
    S_EACH_CALL_KEY,
    S_RECENT_BOUNDS,
    S_EACH_MESSAGE_RANGE,
    S_EACH_CALL_FROM,
    S_EACH_CAMPAIGN,
    S_GET_CAMPAIGN,
    S_EACH_CAMPAIGN_ACTIVE,
    S_EACH_CAMPAIGN_OF,
    S_COUNT_CAMPAIGN_NUMBERS,
    S_EACH_CAMPAIGN_NUMBER,
    S_STATS,
    S_COUNT
};

#define REPORT_COLS                                                            \
    "id, key, category, comment, transcript, reporter, time, source, dedupe"
#define CALL_COLS                                                              \
    "id, from_key, to_key, time, duration, action, score, fingerprint, sms"
#define CAMPAIGN_COLS                                                          \
    "id, fingerprint, sample, first_seen, last_seen, n_events, n_numbers"
/* The id of the first call at ?1 or later (by the time index), or past
 * every id when there is none. */
#define FIRST_CALL_SINCE                                                       \
    "coalesce((SELECT min(id) FROM calls WHERE time >= ?1),"                   \
    " 9223372036854775807)"

static const char *const stmt_sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT w",
    [S_RELEASE] = "RELEASE w",
    [S_ROLLBACK_TO] = "ROLLBACK TO w",
    [S_VERSION] = "SELECT coalesce(max(version), 0) FROM schema_version",
    [S_ADD_REPORT] =
        "INSERT INTO reports (key, category, comment, transcript, reporter,"
        " time, source, dedupe, key_id, dedupe_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT (dedupe_id) WHERE dedupe_id IS NOT NULL DO NOTHING",
    [S_ADD_LIST] = "INSERT INTO lists (kind, match, value, callee, expires,"
                   " note, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_REMOVE_LIST] = "DELETE FROM lists WHERE id = ?1",
    [S_ADD_CALL] = "INSERT INTO calls (from_key, to_key, time, duration,"
                   " action, score, fingerprint, sms)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_PRUNE] = "DELETE FROM calls WHERE time < ?1",
    [S_CAMPAIGN_NEW] =
        "INSERT INTO campaigns (fingerprint, sample, first_seen, last_seen,"
        " n_events, n_numbers) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_CAMPAIGN_PUT] =
        "INSERT INTO campaigns (id, fingerprint, sample, first_seen,"
        " last_seen, n_events, n_numbers)"
        " VALUES (?7, ?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,"
        " sample = coalesce(excluded.sample, sample),"
        " first_seen = min(first_seen, excluded.first_seen),"
        " last_seen = max(last_seen, excluded.last_seen),"
        " n_events = excluded.n_events, n_numbers = excluded.n_numbers",
    [S_CAMPAIGN_NUMBER] =
        "INSERT INTO campaign_numbers (campaign, key, time)"
        " VALUES (?1, ?2, ?3) ON CONFLICT (campaign, key) DO NOTHING",
    [S_EACH_REPORT] = "SELECT " REPORT_COLS " FROM reports ORDER BY id"
                      " LIMIT ?1",
    [S_EACH_REPORT_KEY] = "SELECT " REPORT_COLS " FROM reports"
                          " WHERE key_id = ?3 AND key = ?2"
                          " ORDER BY time DESC, id DESC LIMIT ?1",
    [S_EACH_LIST] = "SELECT id, kind, match, value, callee, expires, note,"
                    " created FROM lists ORDER BY id",
    /* From the first call at ?1 or later by the time index, then in id
     * order: asked for "time >= ?1 ORDER BY id" alone, SQLite reads the
     * whole table to skip a sort. */
    [S_EACH_CALL] =
        "SELECT " CALL_COLS " FROM calls WHERE id >= " FIRST_CALL_SINCE
        " AND time >= ?1 ORDER BY id",
    [S_EACH_CALL_ALL] = "SELECT " CALL_COLS " FROM calls ORDER BY id",
    /* A walk of the whole log in id order (no index by caller: migration
     * 5; "+time" keeps SQLite from reading the time index and sorting). */
    [S_EACH_CALL_KEY] = "SELECT " CALL_COLS " FROM calls WHERE from_key = ?2"
                        " AND +time >= ?1 ORDER BY id",
    /* The first call at ?1 or later, and the ?2-th newest call with a
     * fingerprint (0 when there are fewer), by the time and the
     * calls_messages indexes. */
    [S_RECENT_BOUNDS] = "SELECT " FIRST_CALL_SINCE ","
                        " coalesce((SELECT id FROM calls WHERE fingerprint != 0"
                        " ORDER BY id DESC LIMIT 1 OFFSET ?2), 0)",
    [S_EACH_MESSAGE_RANGE] = "SELECT " CALL_COLS " FROM calls"
                             " WHERE fingerprint != 0 AND id >= ?1"
                             " AND id < ?2 ORDER BY id",
    [S_EACH_CALL_FROM] = "SELECT " CALL_COLS " FROM calls WHERE id >= ?1"
                         " ORDER BY id",
    [S_EACH_CAMPAIGN] = "SELECT " CAMPAIGN_COLS " FROM campaigns ORDER BY id",
    [S_GET_CAMPAIGN] = "SELECT " CAMPAIGN_COLS " FROM campaigns WHERE id = ?1",
    [S_EACH_CAMPAIGN_ACTIVE] = "SELECT " CAMPAIGN_COLS " FROM campaigns"
                               " ORDER BY last_seen DESC, id DESC",
    /* campaign_numbers has none of the campaigns' column names. */
    [S_EACH_CAMPAIGN_OF] = "SELECT " CAMPAIGN_COLS " FROM campaign_numbers"
                           " AS n JOIN campaigns AS c ON c.id = n.campaign"
                           " WHERE n.key = ?1 ORDER BY c.id DESC",
    [S_COUNT_CAMPAIGN_NUMBERS] = "SELECT count(*) FROM campaign_numbers"
                                 " WHERE campaign = ?1",
    [S_EACH_CAMPAIGN_NUMBER] = "SELECT campaign, key, time FROM"
                               " campaign_numbers WHERE campaign = ?1"
                               " ORDER BY time, key",
    [S_STATS] = "SELECT (SELECT count(*) FROM reports),"
                " (SELECT count(*) FROM lists), (SELECT count(*) FROM calls),"
                " (SELECT count(*) FROM campaigns),"
                " (SELECT page_count * page_size FROM pragma_page_count(),"
                " pragma_page_size())",
};

/* One report of a batch, in the order it is written. */
struct batch_row {
    uint64_t order; /* dedupe_id, else key_id */
    sqlite3_int64 key_id;
    uint32_t ix; /* in the caller's array */
};

struct sqlite_store {
    sqlite3 *db;
    sqlite3_stmt *stmt[S_COUNT];
    char path[1024];
    bool batch; /* inside sift_store_batch_begin(): writes are savepoints
                   (but sq_add_call's single INSERT, atomic by itself) */
    struct batch_row *rows; /* sq_add_reports()'s order, reused */
    size_t cap_rows;
};

static struct sqlite_store *B(struct sift_store *st)
{
    return st->backend;
}

static enum sift_rc rc_of(int code)
{
    switch (code & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return SIFT_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return SIFT_ETIMEOUT;
    case SQLITE_NOMEM:
        return SIFT_ENOMEM;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return SIFT_EIO;
    case SQLITE_TOOBIG:
        return SIFT_ETOOBIG;
    default:
        return SIFT_ESTORE;
    }
}

/* Turn a failed SQLite call into a sift_rc with SQLite's words. */
static enum sift_rc fail(struct sqlite_store *b, int code, const char *what,
                         struct sift_err *err)
{
    return sift__err_set(err, rc_of(code), b->path, "%s: %s", what,
                         b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(code));
}

/* The cached statement, prepared on first use. */
static sqlite3_stmt *stmt(struct sqlite_store *b, enum stmt_id id,
                          struct sift_err *err)
{
    int code;

    if (b->stmt[id] != NULL)
        return b->stmt[id];
    code = sqlite3_prepare_v3(b->db, stmt_sql[id], -1,
                              SQLITE_PREPARE_PERSISTENT, &b->stmt[id], NULL);
    if (code != SQLITE_OK) {
        fail(b, code, "preparing a statement", err);
        b->stmt[id] = NULL;
    }
    return b->stmt[id];
}

/* Run a statement that returns no rows; it is reset afterwards. */
static enum sift_rc run(struct sqlite_store *b, enum stmt_id id,
                        const char *what, struct sift_err *err)
{
    sqlite3_stmt *s = stmt(b, id, err);
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    code = sqlite3_step(s);
    sqlite3_reset(s);
    if (code != SQLITE_DONE && code != SQLITE_ROW)
        return fail(b, code, what, err);
    return SIFT_OK;
}

/*
 * One write is one transaction, or, inside a batch, one savepoint of the
 * batch's transaction: a failed write then undoes itself only, and the
 * batch commits (one fsync) at sift_store_batch_commit(). A write of one
 * single-row statement needs neither (sq_add_call).
 */
static enum sift_rc tx_begin(struct sqlite_store *b, struct sift_err *err)
{
    if (b->batch)
        return run(b, S_SAVEPOINT, "starting a write", err);
    return run(b, S_BEGIN, "starting a write", err);
}

static enum sift_rc tx_end(struct sqlite_store *b, enum sift_rc rc,
                           struct sift_err *err)
{
    if (b->batch) {
        if (rc != SIFT_OK)
            run(b, S_ROLLBACK_TO, "rolling back", NULL);
        run(b, S_RELEASE, "releasing", rc == SIFT_OK ? err : NULL);
        return rc;
    }
    if (rc == SIFT_OK)
        rc = run(b, S_COMMIT, "committing", err);
    if (rc != SIFT_OK && !sqlite3_get_autocommit(b->db))
        run(b, S_ROLLBACK, "rolling back", NULL);
    return rc;
}

static enum sift_rc sq_batch_begin(struct sift_store *st, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    enum sift_rc rc;

    if (b->batch)
        return sift__err_set(err, SIFT_EINVAL, NULL, "a batch is open");
    rc = run(b, S_BEGIN, "starting a batch", err);
    if (rc == SIFT_OK)
        b->batch = true;
    return rc;
}

static enum sift_rc sq_batch_commit(struct sift_store *st, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    enum sift_rc rc;

    if (!b->batch)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no batch is open");
    b->batch = false;
    rc = run(b, S_COMMIT, "committing a batch", err);
    if (rc != SIFT_OK && !sqlite3_get_autocommit(b->db))
        run(b, S_ROLLBACK, "rolling back", NULL);
    return rc;
}

/*
 * The 64-bit id the indexes hold instead of text: integer keys make the
 * B-tree compare cheap and the index small, which is most of the import's
 * speed. A key's id is looked up together with the key itself, so a
 * collision costs nothing; two (source, dedupe) pairs colliding would
 * make the second look like a duplicate: about 3e-8 for a million
 * reports (64-bit FNV-1a, then a 64-bit finaliser).
 */
static sqlite3_int64 key_id(const char *a, const char *b)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (const char *p = a; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 0x100000001b3ull;
    }
    if (b != NULL) {
        h ^= 0xff; /* a separator no UTF-8 text holds */
        h *= 0x100000001b3ull;
        for (const char *p = b; *p; p++) {
            h ^= (unsigned char)*p;
            h *= 0x100000001b3ull;
        }
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (sqlite3_int64)h;
}

/*
 * The unique id of a report's (source, dedupe): the top DEDUPE_KEY_BITS
 * bits of its key's key_id, then the top bits of the hash of (source,
 * dedupe). A batch sorted by it is sorted by key_id's top bits as well,
 * so both indexes take the batch in order: each insert lands next to
 * the previous one instead of in a random leaf (the import's largest
 * cost, schema version 2). Two reports collide only when their keys'
 * ids share those bits and their hashes the other 40: for two reports
 * of one number 2^-40, for two numbers 2^-64.
 */
#define DEDUPE_KEY_BITS 24

static sqlite3_int64 dedupe_id(sqlite3_int64 kid, const char *source,
                               const char *dedupe)
{
    uint64_t top = (uint64_t)kid >> (64 - DEDUPE_KEY_BITS);
    uint64_t h = (uint64_t)key_id(source, dedupe);

    return (sqlite3_int64)(top << (64 - DEDUPE_KEY_BITS) |
                           h >> DEDUPE_KEY_BITS);
}

/* sift_dedupe_id(key, source, dedupe) in SQL, for migration 2. */
static void sql_dedupe_id(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
    const char *key = (const char *)sqlite3_value_text(v[0]);
    const char *source = (const char *)sqlite3_value_text(v[1]);
    const char *dedupe = (const char *)sqlite3_value_text(v[2]);

    (void)argc;
    if (key == NULL || source == NULL || dedupe == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int64(ctx, dedupe_id(key_id(key, NULL), source, dedupe));
}

static int cmp_row(const void *a, const void *b)
{
    const struct batch_row *x = a, *y = b;

    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->ix < y->ix ? -1 : x->ix > y->ix; /* file order among equals */
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
    if (t == NULL)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static enum sift_rc exec(struct sqlite_store *b, const char *sql,
                         const char *what, struct sift_err *err)
{
    int code = sqlite3_exec(b->db, sql, NULL, NULL, NULL);
    return code == SQLITE_OK ? SIFT_OK : fail(b, code, what, err);
}

/* synchronous is the connection's own: FULL fsyncs the WAL at every
 * commit, NORMAL only at checkpoints (a commit is then in the WAL file,
 * which outlives the process but not a power loss). Frames a NORMAL
 * commit appended reach the disk with the next FULL commit of any
 * connection, since that fsyncs the whole WAL. */
static enum sift_rc set_sync(struct sqlite_store *b,
                             enum sift_store_durability d, struct sift_err *err)
{
    return exec(b,
                d == SIFT_STORE_CRASH_SAFE ? "PRAGMA synchronous = NORMAL"
                                           : "PRAGMA synchronous = FULL",
                "setting durability", err);
}

static enum sift_rc sq_set_durability(struct sift_store *st,
                                      enum sift_store_durability d,
                                      struct sift_err *err)
{
    return set_sync(B(st), d, err);
}

/* The schema version, 0 for a new file. */
static enum sift_rc read_version(struct sqlite_store *b, int *version,
                                 struct sift_err *err)
{
    sqlite3_stmt *s;
    int code;

    *version = 0;
    code = sqlite3_prepare_v2(b->db,
                              "SELECT count(*) FROM sqlite_schema WHERE "
                              "type = 'table' AND name = 'schema_version'",
                              -1, &s, NULL);
    if (code != SQLITE_OK)
        return fail(b, code, "reading the schema", err);
    code = sqlite3_step(s);
    if (code == SQLITE_ROW && sqlite3_column_int(s, 0) == 0) {
        sqlite3_finalize(s);
        return SIFT_OK;
    }
    sqlite3_finalize(s);
    if (code != SQLITE_ROW)
        return fail(b, code, "reading the schema", err);
    s = stmt(b, S_VERSION, err);
    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    code = sqlite3_step(s);
    if (code == SQLITE_ROW)
        *version = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    if (code != SQLITE_ROW)
        return fail(b, code, "reading the schema version", err);
    return SIFT_OK;
}

/* Apply migration `version` (1-based) and record it. Inside a
 * transaction. */
static enum sift_rc apply_migration(struct sqlite_store *b, int version,
                                    struct sift_err *err)
{
    sqlite3_stmt *s = NULL;
    char what[48];
    enum sift_rc rc;
    int code;

    snprintf(what, sizeof(what), "migration %d", version);
    rc = exec(b, migrations[version - 1], what, err);
    if (rc != SIFT_OK)
        return rc;
    if (version == 1) {
        /* The reporter salt is made once, with the file, and never
         * changes: a new salt would split every reporter in two. */
        unsigned char salt[SIFT__SALT_LEN];
        if (RAND_bytes(salt, sizeof(salt)) != 1)
            return sift__err_set(err, SIFT_ECRYPTO, b->path,
                                 "no randomness for the reporter salt");
        code = sqlite3_prepare_v2(b->db,
                                  "INSERT INTO meta (key, value) VALUES "
                                  "('reporter_salt', ?1)",
                                  -1, &s, NULL);
        if (code == SQLITE_OK)
            code = sqlite3_bind_blob(s, 1, salt, sizeof(salt), SQLITE_STATIC);
        if (code == SQLITE_OK)
            code = sqlite3_step(s);
        sqlite3_finalize(s);
        if (code != SQLITE_DONE)
            return fail(b, code, "storing the reporter salt", err);
    }
    code = sqlite3_prepare_v2(b->db,
                              "INSERT INTO schema_version (version, applied) "
                              "VALUES (?1, ?2)",
                              -1, &s, NULL);
    if (code == SQLITE_OK)
        code = sqlite3_bind_int(s, 1, version);
    if (code == SQLITE_OK)
        code = sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
    if (code == SQLITE_OK)
        code = sqlite3_step(s);
    sqlite3_finalize(s);
    if (code != SQLITE_DONE)
        return fail(b, code, "recording the schema version", err);
    return SIFT_OK;
}

static enum sift_rc migrate(struct sqlite_store *b, struct sift_err *err)
{
    int version;
    enum sift_rc rc = read_version(b, &version, err);

    if (rc == SIFT_OK && version == SCHEMA_LATEST)
        return SIFT_OK;
    if (rc == SIFT_OK && version > SCHEMA_LATEST)
        return sift__err_set(err, SIFT_ESTORE, b->path,
                             "the store has schema version %d; this callsift "
                             "knows up to %d (upgrade callsift)",
                             version, SCHEMA_LATEST);
    if (rc != SIFT_OK)
        return rc;
    rc = tx_begin(b, err);
    if (rc != SIFT_OK)
        return rc;
    rc = exec(b,
              "CREATE TABLE IF NOT EXISTS schema_version (\n"
              "  version INTEGER PRIMARY KEY,\n"
              "  applied INTEGER NOT NULL\n"
              ");\n"
              "PRAGMA application_id = 1129531988;",
              "creating schema_version", err);
    if (rc == SIFT_OK)
        rc = read_version(b, &version, err); /* under the write lock */
    for (int v = version + 1; rc == SIFT_OK && v <= SCHEMA_LATEST; v++)
        rc = apply_migration(b, v, err);
    return tx_end(b, rc, err);
}

static enum sift_rc load_salt(struct sift_store *st, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s;
    int code = sqlite3_prepare_v2(
        b->db, "SELECT value FROM meta WHERE key = 'reporter_salt'", -1, &s,
        NULL);
    enum sift_rc rc = SIFT_OK;

    if (code != SQLITE_OK)
        return fail(b, code, "reading the reporter salt", err);
    code = sqlite3_step(s);
    if (code == SQLITE_ROW && sqlite3_column_bytes(s, 0) == SIFT__SALT_LEN)
        memcpy(st->salt, sqlite3_column_blob(s, 0), SIFT__SALT_LEN);
    else if (code == SQLITE_ROW || code == SQLITE_DONE)
        rc = sift__err_set(err, SIFT_ESTORE, b->path,
                           "the reporter salt is missing or damaged");
    else
        rc = fail(b, code, "reading the reporter salt", err);
    sqlite3_finalize(s);
    return rc;
}

static void sq_close(struct sift_store *st)
{
    struct sqlite_store *b = B(st);

    if (b == NULL)
        return;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(b->stmt[i]);
    sqlite3_close(b->db);
    sift_free(b->rows);
    sift_free(b);
    st->backend = NULL;
}

static enum sift_rc sq_open(struct sift_store *st, const char *path,
                            struct sift_err *err)
{
    struct sqlite_store *b = sift_calloc(1, sizeof(*b));
    const char *sync = getenv("CALLSIFT_DB_SYNC");
    sqlite3_stmt *s = NULL;
    enum sift_rc rc;
    int code;

    if (b == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    st->backend = b;
    sift__strlcpy(b->path, path, sizeof(b->path));
    code = sqlite3_open_v2(
        path, &b->db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (code != SQLITE_OK) {
        rc =
            sift__err_set(err, rc_of(code), path, "cannot open %s: %s", path,
                          b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(code));
        goto out;
    }
    sqlite3_extended_result_codes(b->db, 1);
    sqlite3_busy_timeout(b->db, BUSY_TIMEOUT_MS);
    code = sqlite3_create_function(b->db, "sift_dedupe_id", 3,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                       SQLITE_DIRECTONLY,
                                   NULL, sql_dedupe_id, NULL, NULL);
    if (code != SQLITE_OK) {
        rc = fail(b, code, "registering sift_dedupe_id", err);
        goto out;
    }
    /* WAL is a property of the file; switching needs a moment's lock,
     * for which the busy timeout waits. */
    /* 16 KiB pages: shallower index B-trees and fewer page writes per
     * commit; the FTC import runs about 20% faster than with 4 KiB. It
     * counts only for a new file (it must precede WAL). */
    rc = exec(b, "PRAGMA page_size = 16384", "setting the page size", err);
    if (rc != SIFT_OK)
        goto out;
    code = sqlite3_prepare_v2(b->db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
    if (code == SQLITE_OK)
        code = sqlite3_step(s);
    if (code == SQLITE_ROW &&
        strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0) {
        sqlite3_finalize(s);
        rc = sift__err_set(err, SIFT_ESTORE, path,
                           "cannot switch %s to WAL (a read-only or network "
                           "file system?)",
                           path);
        goto out;
    }
    sqlite3_finalize(s);
    if (code != SQLITE_ROW) {
        rc = fail(b, code, "setting WAL mode", err);
        goto out;
    }
    /* CALLSIFT_DB_SYNC=normal: every handle crash-safe only (docs/store.md). */
    rc = set_sync(b,
                  (sync != NULL && strcmp(sync, "normal") == 0)
                      ? SIFT_STORE_CRASH_SAFE
                      : SIFT_STORE_DURABLE,
                  err);
    if (rc == SIFT_OK)
        rc = exec(b, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
                  "setting pragmas", err);
    if (rc == SIFT_OK) {
        /* The page cache of this connection, in KiB: 64 MiB by default
         * (the import's index pages), CALLSIFT_DB_CACHE_KIB to change it
         * (callsift serve sets 8 MiB for its long-lived connections). */
        char pragma[64];
        const char *kib = getenv("CALLSIFT_DB_CACHE_KIB");
        long v = kib != NULL ? strtol(kib, NULL, 10) : 0;

        if (v < 256 || v > 4L * 1024 * 1024)
            v = 65536;
        snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%ld", v);
        rc = exec(b, pragma, "setting the cache size", err);
    }
    if (rc == SIFT_OK)
        rc = migrate(b, err);
    if (rc == SIFT_OK)
        rc = load_salt(st, err);
out:
    if (rc != SIFT_OK)
        sq_close(st);
    return rc;
}

static enum sift_rc sq_check(struct sift_store *st, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = NULL;
    enum sift_rc rc = SIFT_OK;
    int code, version;

    code = sqlite3_prepare_v2(b->db, "PRAGMA integrity_check", -1, &s, NULL);
    if (code != SQLITE_OK)
        return fail(b, code, "integrity check", err);
    code = sqlite3_step(s);
    if (code == SQLITE_ROW && strcmp(col_text(s, 0), "ok") != 0)
        rc = sift__err_set(err, SIFT_ESTORE, b->path, "integrity: %s",
                           col_text(s, 0));
    else if (code != SQLITE_ROW)
        rc = fail(b, code, "integrity check", err);
    sqlite3_finalize(s);
    if (rc != SIFT_OK)
        return rc;
    code = sqlite3_prepare_v2(b->db, "PRAGMA foreign_key_check", -1, &s, NULL);
    if (code != SQLITE_OK)
        return fail(b, code, "foreign key check", err);
    code = sqlite3_step(s);
    if (code == SQLITE_ROW)
        rc = sift__err_set(err, SIFT_ESTORE, b->path,
                           "a row of %s points at a missing %s row",
                           col_text(s, 0), col_text(s, 2));
    else if (code != SQLITE_DONE)
        rc = fail(b, code, "foreign key check", err);
    sqlite3_finalize(s);
    if (rc != SIFT_OK)
        return rc;
    rc = read_version(b, &version, err);
    if (rc == SIFT_OK && version != SCHEMA_LATEST)
        rc = sift__err_set(err, SIFT_ESTORE, b->path,
                           "schema version %d, expected %d", version,
                           SCHEMA_LATEST);
    return rc;
}

/*
 * The batch is written in dedupe_id order (reports without a dedupe key
 * by key_id), which is also key_id order by its top bits: both indexes
 * then grow left to right through pages already in the cache, not one
 * random leaf per row (about a quarter of the import's time at a million
 * rows). Among equal dedupe ids the earlier report is written first, so
 * it is the one kept. Ids are handed out in that order.
 */
static enum sift_rc sq_add_reports(struct sift_store *st,
                                   struct sift_report *reports, size_t n,
                                   size_t *n_added, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_ADD_REPORT, err);
    enum sift_rc rc;
    size_t added = 0;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    if (n > UINT32_MAX)
        return sift__err_set(err, SIFT_ETOOBIG, NULL, "too many reports");
    if (n > b->cap_rows) {
        struct batch_row *r = sift_realloc(b->rows, n * sizeof(*r));
        if (r == NULL)
            return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
        b->rows = r;
        b->cap_rows = n;
    }
    for (size_t i = 0; i < n; i++) {
        struct batch_row *o = &b->rows[i];
        o->ix = (uint32_t)i;
        o->key_id = key_id(reports[i].key, NULL);
        o->order = reports[i].dedupe != NULL
                       ? (uint64_t)dedupe_id(o->key_id, reports[i].source,
                                             reports[i].dedupe)
                       : (uint64_t)o->key_id;
    }
    qsort(b->rows, n, sizeof(*b->rows), cmp_row);
    rc = tx_begin(b, err);
    for (size_t i = 0; rc == SIFT_OK && i < n; i++) {
        const struct batch_row *o = &b->rows[i];
        struct sift_report *r = &reports[o->ix];
        int code;

        /* The batch is read out of order: fetch a later row early. */
        if (i + 8 < n)
            __builtin_prefetch(&reports[b->rows[i + 8].ix]);

        bind_text(s, 1, r->key);
        sqlite3_bind_int(s, 2, (int)r->category);
        bind_text(s, 3, r->comment);
        bind_text(s, 4, r->transcript);
        sqlite3_bind_blob(s, 5, r->reporter, 32, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, r->time);
        bind_text(s, 7, r->source);
        bind_text(s, 8, r->dedupe);
        sqlite3_bind_int64(s, 9, o->key_id);
        if (r->dedupe != NULL)
            sqlite3_bind_int64(s, 10, (sqlite3_int64)o->order);
        else
            sqlite3_bind_null(s, 10);
        code = sqlite3_step(s);
        sqlite3_reset(s);
        if (code != SQLITE_DONE) {
            rc = fail(b, code, "adding a report", err);
            break;
        }
        if (sqlite3_changes(b->db) > 0) {
            r->id = sqlite3_last_insert_rowid(b->db);
            added++;
        } else {
            r->id = 0;
        }
    }
    sqlite3_clear_bindings(s);
    rc = tx_end(b, rc, err);
    if (rc == SIFT_OK)
        *n_added = added;
    return rc;
}

static enum sift_rc sq_add_list(struct sift_store *st,
                                struct sift_list_entry *e, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_ADD_LIST, err);
    enum sift_rc rc;
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    if (e->created == 0)
        e->created = (int64_t)time(NULL);
    rc = tx_begin(b, err);
    if (rc != SIFT_OK)
        return rc;
    sqlite3_bind_int(s, 1, (int)e->kind);
    sqlite3_bind_int(s, 2, (int)e->match);
    bind_text(s, 3, e->value);
    bind_text(s, 4, e->callee);
    sqlite3_bind_int64(s, 5, e->expires);
    bind_text(s, 6, e->note);
    sqlite3_bind_int64(s, 7, e->created);
    code = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (code != SQLITE_DONE)
        rc = fail(b, code, "adding a list entry", err);
    else
        e->id = sqlite3_last_insert_rowid(b->db);
    return tx_end(b, rc, err);
}

static enum sift_rc sq_remove_list(struct sift_store *st, int64_t id,
                                   struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_REMOVE_LIST, err);
    enum sift_rc rc;
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    rc = tx_begin(b, err);
    if (rc != SIFT_OK)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    code = sqlite3_step(s);
    sqlite3_reset(s);
    if (code != SQLITE_DONE)
        rc = fail(b, code, "removing a list entry", err);
    else if (sqlite3_changes(b->db) == 0)
        rc = sift__err_set(err, SIFT_ENOTFOUND, NULL, "no list entry %lld",
                           (long long)id);
    return tx_end(b, rc, err);
}

static enum sift_rc sq_add_call(struct sift_store *st, struct sift_call *c,
                                struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_ADD_CALL, err);
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    /* One INSERT of one row is atomic by itself: alone it is its own
     * transaction, and in a batch a failure undoes this statement only
     * (SQLite's statement rollback). So no savepoint: in a batch, a
     * savepoint per row made SQLite copy every page the row touched
     * into its statement journal (4 KB copies and allocations per call
     * logged, half the writer's time). */
    bind_text(s, 1, c->from);
    bind_text(s, 2, c->to);
    sqlite3_bind_int64(s, 3, c->time);
    sqlite3_bind_int(s, 4, c->duration);
    sqlite3_bind_int(s, 5, c->action);
    sqlite3_bind_double(s, 6, c->score);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)c->fingerprint);
    sqlite3_bind_int(s, 8, c->sms ? 1 : 0);
    code = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (code != SQLITE_DONE)
        return fail(b, code, "logging a call", err);
    c->id = sqlite3_last_insert_rowid(b->db);
    return SIFT_OK;
}

static enum sift_rc sq_prune(struct sift_store *st, int64_t before,
                             int64_t *n_deleted, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_PRUNE, err);
    enum sift_rc rc;
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    rc = tx_begin(b, err);
    if (rc != SIFT_OK)
        return rc;
    sqlite3_bind_int64(s, 1, before);
    code = sqlite3_step(s);
    sqlite3_reset(s);
    if (code != SQLITE_DONE)
        rc = fail(b, code, "pruning calls", err);
    else
        *n_deleted = sqlite3_changes64(b->db);
    return tx_end(b, rc, err);
}

static enum sift_rc sq_put_campaign(struct sift_store *st,
                                    struct sift_campaign *c,
                                    struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, c->id ? S_CAMPAIGN_PUT : S_CAMPAIGN_NEW, err);
    enum sift_rc rc;
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    rc = tx_begin(b, err);
    if (rc != SIFT_OK)
        return rc;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)c->fingerprint);
    bind_text(s, 2, c->sample);
    sqlite3_bind_int64(s, 3, c->first_seen);
    sqlite3_bind_int64(s, 4, c->last_seen);
    sqlite3_bind_int64(s, 5, c->n_events);
    sqlite3_bind_int64(s, 6, c->n_numbers);
    if (c->id)
        sqlite3_bind_int64(s, 7, c->id);
    code = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (code != SQLITE_DONE)
        rc = fail(b, code, "storing a campaign", err);
    else if (c->id == 0)
        c->id = sqlite3_last_insert_rowid(b->db);
    return tx_end(b, rc, err);
}

static enum sift_rc sq_campaign_number(struct sift_store *st, int64_t campaign,
                                       const char *key, int64_t time_,
                                       struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_CAMPAIGN_NUMBER, err);
    enum sift_rc rc;
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    rc = tx_begin(b, err);
    if (rc != SIFT_OK)
        return rc;
    sqlite3_bind_int64(s, 1, campaign);
    bind_text(s, 2, key);
    sqlite3_bind_int64(s, 3, time_);
    code = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = sift__err_set(err, SIFT_ENOTFOUND, NULL, "no campaign %lld",
                           (long long)campaign);
    else if (code != SQLITE_DONE)
        rc = fail(b, code, "linking a number to a campaign", err);
    return tx_end(b, rc, err);
}

/* Step a walk to its end or until the callback stops it. A callback's
 * non-zero value is the walk's return value (as enum sift_rc). */
#define WALK(b, s, what, err, body)                                            \
    do {                                                                       \
        int code_, stop_ = 0;                                                  \
        while ((code_ = sqlite3_step(s)) == SQLITE_ROW) {                      \
            body;                                                              \
            if (stop_)                                                         \
                break;                                                         \
        }                                                                      \
        sqlite3_reset(s);                                                      \
        sqlite3_clear_bindings(s);                                             \
        if (stop_)                                                             \
            return (enum sift_rc)stop_;                                        \
        if (code_ != SQLITE_DONE)                                              \
            return fail(b, code_, what, err);                                  \
        return SIFT_OK;                                                        \
    } while (0)

static enum sift_rc sq_each_report(struct sift_store *st, const char *key,
                                   size_t limit, sift_report_fn fn, void *ctx,
                                   struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, key ? S_EACH_REPORT_KEY : S_EACH_REPORT, err);

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    sqlite3_bind_int64(s, 1, limit ? (sqlite3_int64)limit : -1);
    if (key) {
        bind_text(s, 2, key);
        sqlite3_bind_int64(s, 3, key_id(key, NULL));
    }
    WALK(b, s, "reading reports", err, {
        struct sift_report r = {0};
        const void *rep = sqlite3_column_blob(s, 5);
        r.id = sqlite3_column_int64(s, 0);
        r.key = col_text(s, 1);
        r.category = (enum sift_report_category)sqlite3_column_int(s, 2);
        r.comment = col_text(s, 3);
        r.transcript = col_text(s, 4);
        if (rep != NULL && sqlite3_column_bytes(s, 5) == 32)
            memcpy(r.reporter, rep, 32);
        r.time = sqlite3_column_int64(s, 6);
        r.source = col_text(s, 7);
        r.dedupe = col_text(s, 8);
        stop_ = fn(ctx, &r);
    });
}

static enum sift_rc sq_each_list(struct sift_store *st, sift_list_fn fn,
                                 void *ctx, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_EACH_LIST, err);

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    WALK(b, s, "reading lists", err, {
        struct sift_list_entry e = {0};
        e.id = sqlite3_column_int64(s, 0);
        e.kind = (enum sift_list_kind)sqlite3_column_int(s, 1);
        e.match = (enum sift_list_match)sqlite3_column_int(s, 2);
        e.value = col_text(s, 3);
        e.callee = col_text(s, 4);
        e.expires = sqlite3_column_int64(s, 5);
        e.note = col_text(s, 6);
        e.created = sqlite3_column_int64(s, 7);
        stop_ = fn(ctx, &e);
    });
}

/* Step s (bound by the caller) to its end, each row to fn. */
static enum sift_rc walk_calls(struct sqlite_store *b, sqlite3_stmt *s,
                               sift_call_fn fn, void *ctx, struct sift_err *err)
{
    WALK(b, s, "reading calls", err, {
        struct sift_call c = {0};
        c.id = sqlite3_column_int64(s, 0);
        c.from = col_text(s, 1);
        c.to = col_text(s, 2);
        c.time = sqlite3_column_int64(s, 3);
        c.duration = sqlite3_column_int(s, 4);
        c.action = sqlite3_column_int(s, 5);
        c.score = sqlite3_column_double(s, 6);
        c.fingerprint = (uint64_t)sqlite3_column_int64(s, 7);
        c.sms = sqlite3_column_int(s, 8) != 0;
        stop_ = fn(ctx, &c);
    });
}

/* The calls since `since` and, before them, those with a fingerprint back
 * to the n_messages-th newest: two walks in id order, the messages
 * before the window by calls_messages, then every call of the window. */
static enum sift_rc recent_calls(struct sqlite_store *b, int64_t since,
                                 size_t n_messages, sift_call_fn fn, void *ctx,
                                 struct sift_err *err)
{
    sqlite3_stmt *s = stmt(b, S_RECENT_BOUNDS, err);
    int64_t window, first_msg;
    enum sift_rc rc;
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    sqlite3_bind_int64(s, 1, since);
    sqlite3_bind_int64(s, 2,
                       n_messages - 1 > (size_t)INT64_MAX
                           ? INT64_MAX
                           : (sqlite3_int64)(n_messages - 1));
    code = sqlite3_step(s);
    if (code == SQLITE_ROW) {
        window = sqlite3_column_int64(s, 0);
        first_msg = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (code != SQLITE_ROW)
        return fail(b, code, "reading calls", err);
    if (first_msg < window) {
        s = stmt(b, S_EACH_MESSAGE_RANGE, err);
        if (s == NULL)
            return err ? err->rc : SIFT_ESTORE;
        sqlite3_bind_int64(s, 1, first_msg);
        sqlite3_bind_int64(s, 2, window);
        rc = walk_calls(b, s, fn, ctx, err);
        if (rc != SIFT_OK)
            return rc;
    }
    s = stmt(b, S_EACH_CALL_FROM, err);
    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    sqlite3_bind_int64(s, 1, window);
    return walk_calls(b, s, fn, ctx, err);
}

static enum sift_rc sq_each_call(struct sift_store *st, int64_t since,
                                 const char *key, size_t n_messages,
                                 sift_call_fn fn, void *ctx,
                                 struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s;

    if (!key && n_messages)
        return recent_calls(b, since, n_messages, fn, ctx, err);
    s = stmt(b,
             key         ? S_EACH_CALL_KEY
             : since > 0 ? S_EACH_CALL
                         : S_EACH_CALL_ALL,
             err);
    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    if (key || since > 0)
        sqlite3_bind_int64(s, 1, since);
    if (key)
        bind_text(s, 2, key);
    return walk_calls(b, s, fn, ctx, err);
}

static enum sift_rc sq_each_campaign(struct sift_store *st, int64_t id,
                                     const char *key, sift_campaign_fn fn,
                                     void *ctx, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b,
                           id > 0   ? S_GET_CAMPAIGN
                           : id < 0 ? S_EACH_CAMPAIGN_ACTIVE
                           : key    ? S_EACH_CAMPAIGN_OF
                                    : S_EACH_CAMPAIGN,
                           err);

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    if (id > 0)
        sqlite3_bind_int64(s, 1, id);
    else if (key)
        bind_text(s, 1, key);
    WALK(b, s, "reading campaigns", err, {
        struct sift_campaign c = {0};
        c.id = sqlite3_column_int64(s, 0);
        c.fingerprint = (uint64_t)sqlite3_column_int64(s, 1);
        c.sample = col_text(s, 2);
        c.first_seen = sqlite3_column_int64(s, 3);
        c.last_seen = sqlite3_column_int64(s, 4);
        c.n_events = sqlite3_column_int64(s, 5);
        c.n_numbers = sqlite3_column_int64(s, 6);
        stop_ = fn(ctx, &c);
    });
}

static enum sift_rc sq_each_campaign_number(struct sift_store *st,
                                            int64_t campaign,
                                            sift_campaign_number_fn fn,
                                            void *ctx, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_EACH_CAMPAIGN_NUMBER, err);

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    sqlite3_bind_int64(s, 1, campaign);
    WALK(b, s, "reading campaign numbers", err, {
        stop_ = fn(ctx, sqlite3_column_int64(s, 0), col_text(s, 1),
                   sqlite3_column_int64(s, 2));
    });
}

static enum sift_rc sq_count_campaign_numbers(struct sift_store *st,
                                              int64_t campaign, int64_t *n,
                                              struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_COUNT_CAMPAIGN_NUMBERS, err);
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    sqlite3_bind_int64(s, 1, campaign);
    code = sqlite3_step(s);
    if (code == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return code == SQLITE_ROW ? SIFT_OK
                              : fail(b, code, "counting campaign numbers", err);
}

static enum sift_rc sq_stats(struct sift_store *st,
                             struct sift_store_stats *out, struct sift_err *err)
{
    struct sqlite_store *b = B(st);
    sqlite3_stmt *s = stmt(b, S_STATS, err);
    int code;

    if (s == NULL)
        return err ? err->rc : SIFT_ESTORE;
    code = sqlite3_step(s);
    if (code == SQLITE_ROW) {
        out->reports = sqlite3_column_int64(s, 0);
        out->lists = sqlite3_column_int64(s, 1);
        out->calls = sqlite3_column_int64(s, 2);
        out->campaigns = sqlite3_column_int64(s, 3);
        out->bytes = sqlite3_column_int64(s, 4);
    }
    sqlite3_reset(s);
    return code == SQLITE_ROW ? SIFT_OK : fail(b, code, "counting", err);
}

const struct sift__store_ops sift__store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .check = sq_check,
    .add_reports = sq_add_reports,
    .add_list = sq_add_list,
    .remove_list = sq_remove_list,
    .add_call = sq_add_call,
    .batch_begin = sq_batch_begin,
    .batch_commit = sq_batch_commit,
    .set_durability = sq_set_durability,
    .prune = sq_prune,
    .put_campaign = sq_put_campaign,
    .campaign_number = sq_campaign_number,
    .each_report = sq_each_report,
    .each_list = sq_each_list,
    .each_call = sq_each_call,
    .each_campaign = sq_each_campaign,
    .each_campaign_number = sq_each_campaign_number,
    .count_campaign_numbers = sq_count_campaign_numbers,
    .stats = sq_stats,
};
