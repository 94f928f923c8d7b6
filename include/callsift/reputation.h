/*
 * callsift/reputation.h - the in-memory memory of callsift: who was
 * reported, what each person blocked or allowed, which callers dial many
 * people or one person again and again, and which messages are one
 * campaign behind rotating numbers. Built from the store at start and
 * kept current on every write, so a check never waits on disk.
 *
 * Layout (issue 4 "the hot path"): reputation by E.164 as a 64-bit key in
 * an open-addressing table; prefix, country and type rules in a trie;
 * campaign fingerprints (64-bit SimHash over character shingles of the
 * normalised text) in a banded index that finds near-duplicates without
 * scanning every campaign.
 *
 * Thread safety: many readers, one writer: sift_reputation_assess() may
 * run on any number of threads while one thread adds (a read-write lock
 * inside).
 */
#ifndef CALLSIFT_REPUTATION_H
#define CALLSIFT_REPUTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "number.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sift_reputation;

struct sift_reputation_opts {
    double half_life_days;      /* report weight halves (default 30) */
    unsigned block_reporters;   /* distinct reporters before reports alone
                                   may block (default 3) */
    unsigned burst_callees;     /* CALL_BURST: distinct callees (10) */
    int64_t burst_window;       /* seconds (3600) */
    unsigned repeat_calls;      /* CALL_REPEAT: calls to one callee (3) */
    int64_t repeat_window;      /* seconds (86400) */
    int32_t wangiri_seconds;    /* CALL_WANGIRI: at most this long (3) */
    unsigned campaign_numbers;  /* numbers before a campaign forms (3) */
    unsigned campaign_distance; /* SimHash Hamming distance (10; at most
                                   11, larger values are taken as 11) */
};

/* Fill opts with the defaults above. */
void sift_reputation_opts_default(struct sift_reputation_opts *opts);

/* The options rep uses (after clamping), for the engine's thresholds. */
void sift_reputation_get_opts(const struct sift_reputation *rep,
                              struct sift_reputation_opts *out);

/* A new, empty index; opts NULL takes the defaults. SIFT_EINVAL when a
 * count or a window is 0. OUT: *out, free with sift_reputation_free(). */
enum sift_rc sift_reputation_new(struct sift_reputation **out,
                                 const struct sift_reputation_opts *opts,
                                 struct sift_err *err);
void sift_reputation_free(struct sift_reputation *rep);

/* Load everything the store keeps (at start). */
enum sift_rc sift_reputation_load(struct sift_reputation *rep,
                                  struct sift_store *st, struct sift_err *err);

/*
 * Keep the index current after each committed write. A report counts
 * once per (number, reporter): repeats change nothing, not even the
 * recency weight. A list entry's strings are copied. A call from a
 * caller-ID state ("withheld") is ignored. SIFT_EINVAL for an entry the
 * index cannot read (a prefix that is not digits, an unknown type name).
 */
enum sift_rc sift_reputation_add_report(struct sift_reputation *rep,
                                        const struct sift_report *r);
enum sift_rc sift_reputation_add_list(struct sift_reputation *rep,
                                      const struct sift_list_entry *e);
void sift_reputation_remove_list(struct sift_reputation *rep, int64_t id);
enum sift_rc sift_reputation_add_call(struct sift_reputation *rep,
                                      const struct sift_call *c);

/* The 64-bit SimHash of a normalised text (0 for one of fewer than 20
 * characters, spaces not counted): character 3-shingles, ASCII digits
 * read as one class (docs/reputation.md). */
uint64_t sift_reputation_fingerprint(const char *norm, size_t len);

/*
 * Record a message for campaign detection: when a near-duplicate of it
 * has now come from campaign_numbers distinct numbers, a campaign forms
 * (or grows). OUT: *campaign (0: none), *formed (a new campaign) and,
 * when first_seen is not NULL, the time of the first message the index
 * holds for it (0: none): its other messages are no older. The caller
 * persists it with sift_store_put_campaign().
 */
enum sift_rc sift_reputation_add_message(struct sift_reputation *rep,
                                         const char *key, uint64_t fp,
                                         const char *sample, int64_t time,
                                         int64_t *campaign, bool *formed,
                                         int64_t *first_seen);

/* What the index knows about one event, for the engine to turn into
 * signals (REP_REPORTED, REP_SAFE, LIST_BLOCK, LIST_ALLOW, CALL_BURST,
 * CALL_REPEAT, CALL_WANGIRI, CAMPAIGN). */
struct sift_rep_facts {
    unsigned reporters;      /* distinct reporters of harm */
    double reports_weight;   /* their recency-weighted sum */
    int64_t last_report;     /* time of the newest harm report, 0: none */
    unsigned safe_reporters; /* distinct "safe" reporters */
    enum sift_report_category top_category;
    bool blocked, allowed;       /* a list entry matched */
    bool allowed_by_callee;      /* the callee's own allow entry */
    struct sift_list_entry list; /* the entry that decided (strings
                                    static until the entry changes) */
    /* Call patterns count the caller's recorded calls in their windows
     * plus this event (record a call after checking it). */
    unsigned burst_callees;      /* distinct callees in the window */
    unsigned repeat_calls;       /* calls to this callee in window */
    unsigned short_calls;        /* calls of <= wangiri_seconds (0:
                                    unanswered), in repeat_window */
    int64_t campaign;            /* 0: none */
    unsigned campaign_numbers;   /* numbers seen with its message */
    unsigned campaign_reporters; /* reporters of its numbers */
};

/*
 * Gather the facts for a caller (and an optional callee, the text's
 * fingerprint, the time; now 0: the clock). caller may be a caller-ID
 * state; sender (NULL allowed) names an SMS sender ID when caller is not
 * a number. Which list entry decides: the callee's allow, the callee's
 * block, a global allow, a global block (docs/reputation.md). OUT: *out
 * is always written. Never waits on disk; never allocates; thread-safe.
 */
void sift_reputation_assess(const struct sift_reputation *rep,
                            const struct sift_number *caller,
                            const char *sender, /* for SMS sender IDs */
                            const struct sift_number *callee, uint64_t fp,
                            int64_t now, struct sift_rep_facts *out);

/*
 * A hint: start reading the memory sift_reputation_assess() will read for
 * this caller (or sender) and fingerprint, so that the reads overlap
 * other work (the engine calls it before scanning the text, and assess
 * after). Changes nothing; thread-safe; rep NULL is a no-op.
 */
void sift_reputation_prefetch(const struct sift_reputation *rep,
                              const struct sift_number *caller,
                              const char *sender, uint64_t fp);

/* One event of a batch for sift_reputation_assess_many(). */
struct sift_rep_query {
    const struct sift_number *caller;
    const char *sender; /* NULL allowed */
    const struct sift_number *callee;
    uint64_t fp;
};

/*
 * sift_reputation_assess() for n events at once, with one time now:
 * out[i] is what assess would write for q[i]. For screening in bulk (a
 * carrier's queue, a list of numbers): the batch's reads of the number
 * table are started together, so n numbers cost about n / 8 memory
 * latencies instead of n (bench/reputation). Thread-safe; never
 * allocates.
 */
void sift_reputation_assess_many(const struct sift_reputation *rep,
                                 const struct sift_rep_query *q, size_t n,
                                 int64_t now, struct sift_rep_facts *out);

/* A most-reported number or sender ID: key as reported, and its
 * distinct reporters of harm (one reporter counts once, however often). */
#define SIFT_REP_TOP_MAX 20
struct sift_rep_top {
    char key[SIFT_KEY_MAX];
    unsigned reporters;
};

/* The keys with the most distinct reporters of harm, most first (on a
 * tie, the one that got there first): at most max of the SIFT_REP_TOP_MAX
 * kept. Kept current by every report added, so this reads no store and
 * walks nothing. Returns how many were written. */
size_t sift_reputation_most_reported(const struct sift_reputation *rep,
                                     struct sift_rep_top *out, size_t max);

/* Numbers, live list entries, callers with recent calls, campaigns and
 * the bytes held, for metrics and the memory benchmark. */
struct sift_reputation_stats {
    size_t numbers, lists, calls, campaigns, bytes;
    /* Reads (assess calls, or chunks of assess_many) that met a writer
     * and were made again under the read lock; the others took no lock. */
    uint64_t locked_reads;
};
void sift_reputation_stats(const struct sift_reputation *rep,
                           struct sift_reputation_stats *out);

#ifdef __cplusplus
}
#endif

#endif
