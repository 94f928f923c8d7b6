/*
 * callsift/store.h - what callsift remembers: reports, block and allow
 * lists, the call log and campaigns, behind one interface.
 *
 * The SQLite backend (one file, WAL, prepared statements only, a versioned
 * schema with forward migrations) is the embedded default; a PostgreSQL
 * backend comes later behind the same functions, so no SQLite type appears
 * here. A write returns SIFT_OK only after it is committed: what the store
 * acknowledged survives kill -9.
 *
 * The hot path never reads the store: struct sift_reputation
 * (reputation.h) is built from it at start (the sift_store_each_*
 * functions) and kept current on every write.
 *
 * Thread safety: one struct sift_store per thread, or serialise calls.
 * Several processes may open the same file (WAL, busy timeout).
 */
#ifndef CALLSIFT_STORE_H
#define CALLSIFT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIFT_STORE_DEFAULT_PATH "var/callsift.db"
#define SIFT_KEY_MAX            64   /* a number key: E.164 or a sender ID */
#define SIFT_COMMENT_MAX        1024 /* bytes of a report comment */
#define SIFT_NOTE_MAX           256  /* bytes of a list note */
/* bytes of a transcript or a campaign sample */
#define SIFT_TRANSCRIPT_MAX (64 * 1024)

struct sift_store;

enum sift_report_category {
    SIFT_CAT_SCAM = 0,
    SIFT_CAT_SPAM,
    SIFT_CAT_TELEMARKETING,
    SIFT_CAT_ROBOCALL,
    SIFT_CAT_SILENT,
    SIFT_CAT_SAFE,
    SIFT_CAT_COUNT
};

/* "scam", "spam" ...; and back (false on an unknown name). */
const char *sift_category_name(enum sift_report_category c);
bool sift_category_parse(const char *name, enum sift_report_category *out);

/* A report about a number or an SMS sender. Strings are borrowed. */
struct sift_report {
    int64_t id;      /* set by the store */
    const char *key; /* E.164 ("+18776430291") or a sender ID */
    enum sift_report_category category;
    const char *comment;    /* NULL or at most SIFT_COMMENT_MAX bytes */
    const char *transcript; /* NULL or the text of the call/message */
    uint8_t reporter[32];   /* salted SHA-256 of the reporter identity */
    int64_t time;           /* seconds since the epoch */
    const char *source;     /* "user", "api", "import:ftc" */
    const char *dedupe;     /* NULL, or a key unique per source: a second
                               report with the same (source, dedupe) is
                               ignored (imports are idempotent) */
};

enum sift_list_kind { SIFT_LIST_BLOCK = 0, SIFT_LIST_ALLOW };
enum sift_list_match {
    SIFT_MATCH_EXACT = 0, /* "+18776430291" */
    SIFT_MATCH_PREFIX,    /* "+1877" (written "+1877*"), "050" */
    SIFT_MATCH_COUNTRY,   /* "US" */
    SIFT_MATCH_TYPE       /* "withheld", "international", "toll_free" */
};

struct sift_list_entry {
    int64_t id;
    enum sift_list_kind kind;
    enum sift_list_match match;
    const char *value;  /* as above, normalised by the caller */
    const char *callee; /* E.164 of the person it applies to, or NULL for
                           everyone */
    int64_t expires;    /* 0: never */
    const char *note;
    int64_t created;
};

/* One call or message seen (the call log). */
struct sift_call {
    int64_t id;
    const char *from; /* E.164, sender ID or state ("withheld") */
    const char *to;   /* E.164 or NULL */
    int64_t time;
    int32_t duration; /* seconds; -1 unknown, 0 unanswered */
    int action;       /* enum sift_action of the verdict */
    double score;
    uint64_t fingerprint; /* SimHash of the normalised text; 0: none */
    bool sms;
};

struct sift_campaign {
    int64_t id;
    uint64_t fingerprint; /* SimHash of its first message */
    const char *sample;   /* a sample text */
    int64_t first_seen, last_seen;
    int64_t n_events;
    int64_t n_numbers;
};

/*
 * Open (creating folders and the file as needed) the store at path (NULL:
 * $CALLSIFT_DB, else SIFT_STORE_DEFAULT_PATH), migrating its schema
 * forward. OUT: *out, close with sift_store_close().
 */
enum sift_rc sift_store_open(struct sift_store **out, const char *path,
                             struct sift_err *err);
void sift_store_close(struct sift_store *st);

/* The integrity check: SIFT_OK when sound, else SIFT_ESTORE with what is
 * wrong in err. */
enum sift_rc sift_store_check(struct sift_store *st, struct sift_err *err);

/* Hash a reporter identity with the store's salt (made at creation). */
void sift_store_reporter_hash(struct sift_store *st, const char *identity,
                              size_t len, uint8_t out[32]);

/* Add reports in one transaction; committed before it returns. *n_added
 * counts those not ignored as duplicates; each report's id is set to its
 * new id, or to 0 when it was ignored as a duplicate (so the caller adds
 * only new ones to the reputation index). A comment over
 * SIFT_COMMENT_MAX (or any field over its limit) is SIFT_ETOOBIG and
 * nothing of the batch is written. */
enum sift_rc sift_store_add_reports(struct sift_store *st,
                                    struct sift_report *reports, size_t n,
                                    size_t *n_added, struct sift_err *err);

enum sift_rc sift_store_add_list(struct sift_store *st,
                                 struct sift_list_entry *e,
                                 struct sift_err *err);
enum sift_rc sift_store_remove_list(struct sift_store *st, int64_t id,
                                    struct sift_err *err);

enum sift_rc sift_store_add_call(struct sift_store *st, struct sift_call *c,
                                 struct sift_err *err);

/*
 * Group the writes made until sift_store_batch_commit() into one
 * transaction (one fsync): each write still succeeds or fails alone (a
 * savepoint), but none is committed, so none may be acknowledged, before
 * the batch is. For the server's call log, written by one thread. A batch
 * holds the write lock: keep it short.
 */
enum sift_rc sift_store_batch_begin(struct sift_store *st,
                                    struct sift_err *err);
enum sift_rc sift_store_batch_commit(struct sift_store *st,
                                     struct sift_err *err);

/* How durable a commit on one handle is. */
enum sift_store_durability {
    /* Survives kill -9 and a power loss: each commit waits for the disk
     * (the default, and what every acknowledged write needs). */
    SIFT_STORE_DURABLE = 0,
    /* Survives kill -9 (the process dying) but a power loss may take the
     * last commits: they reach the disk at the next durable commit or
     * checkpoint. For writes nobody was promised, such as the server's
     * call log, which is queued in memory before it is written anyway. */
    SIFT_STORE_CRASH_SAFE
};

/* Set how durable the commits made through st are (other handles on the
 * same file keep theirs). SIFT_OK or SIFT_ESTORE. */
enum sift_rc sift_store_set_durability(struct sift_store *st,
                                       enum sift_store_durability d,
                                       struct sift_err *err);

/* Delete calls older than before (the call log's retention, default 90
 * days in the CLI); *n_deleted counts them. Reports, lists and campaigns
 * are kept. */
enum sift_rc sift_store_prune(struct sift_store *st, int64_t before,
                              int64_t *n_deleted, struct sift_err *err);

/* Create or update a campaign: id 0 creates one and sets c->id; a
 * non-zero id (one the reputation index gave it) creates or updates the
 * campaign with that id. sift_store_campaign_number() links a number to
 * it (the first time seen is kept). */
enum sift_rc sift_store_put_campaign(struct sift_store *st,
                                     struct sift_campaign *c,
                                     struct sift_err *err);
enum sift_rc sift_store_campaign_number(struct sift_store *st, int64_t campaign,
                                        const char *key, int64_t time,
                                        struct sift_err *err);

/* Walk what is kept, in id order; a callback returning non-zero stops the
 * walk (its value is returned). Strings are valid during the call only. */
typedef int (*sift_report_fn)(void *ctx, const struct sift_report *r);
typedef int (*sift_list_fn)(void *ctx, const struct sift_list_entry *e);
typedef int (*sift_call_fn)(void *ctx, const struct sift_call *c);
typedef int (*sift_campaign_fn)(void *ctx, const struct sift_campaign *c);
typedef int (*sift_campaign_number_fn)(void *ctx, int64_t campaign,
                                       const char *key, int64_t time);

/* key NULL: every report; else the reports of that key, newest first,
 * at most limit (0: all). */
enum sift_rc sift_store_each_report(struct sift_store *st, const char *key,
                                    size_t limit, sift_report_fn fn, void *ctx,
                                    struct sift_err *err);
enum sift_rc sift_store_each_list(struct sift_store *st, sift_list_fn fn,
                                  void *ctx, struct sift_err *err);
/* Calls since a time (0: all); key NULL or only calls from key. */
enum sift_rc sift_store_each_call(struct sift_store *st, int64_t since,
                                  const char *key, sift_call_fn fn, void *ctx,
                                  struct sift_err *err);
/* The calls since a time and, before them, the calls that have a
 * fingerprint back to the n_messages-th newest of them (all of them when
 * there are fewer; n_messages 0: only since), in id order: what the
 * reputation index replays at start without reading a long call log
 * whole. */
enum sift_rc sift_store_each_recent_call(struct sift_store *st, int64_t since,
                                         size_t n_messages, sift_call_fn fn,
                                         void *ctx, struct sift_err *err);
enum sift_rc sift_store_each_campaign(struct sift_store *st,
                                      sift_campaign_fn fn, void *ctx,
                                      struct sift_err *err);
enum sift_rc sift_store_each_campaign_number(struct sift_store *st,
                                             int64_t campaign,
                                             sift_campaign_number_fn fn,
                                             void *ctx, struct sift_err *err);
/* One campaign by id: fn is called once when it exists, not at all when
 * it does not. By the campaign_numbers index, not a walk. */
enum sift_rc sift_store_get_campaign(struct sift_store *st, int64_t id,
                                     sift_campaign_fn fn, void *ctx,
                                     struct sift_err *err);
/* Every campaign, the most recently seen first (then the newest): the
 * waves going on now before old ones; stop with the callback's value. */
enum sift_rc sift_store_each_active_campaign(struct sift_store *st,
                                             sift_campaign_fn fn, void *ctx,
                                             struct sift_err *err);
/* The campaigns a number or sender ID (key) is linked to, newest first. */
enum sift_rc sift_store_each_campaign_of(struct sift_store *st, const char *key,
                                         sift_campaign_fn fn, void *ctx,
                                         struct sift_err *err);
/* How many numbers are linked to a campaign. */
enum sift_rc sift_store_count_campaign_numbers(struct sift_store *st,
                                               int64_t campaign, int64_t *n,
                                               struct sift_err *err);

/* Counts for metrics and `callsift db check`. */
struct sift_store_stats {
    int64_t reports, lists, calls, campaigns, bytes;
};
enum sift_rc sift_store_stats(struct sift_store *st,
                              struct sift_store_stats *out,
                              struct sift_err *err);

#ifdef __cplusplus
}
#endif

#endif
