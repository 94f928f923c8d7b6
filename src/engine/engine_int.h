/*
 * engine_int.h - the engine's private state, shared by its files:
 * engine_load.c (files and configuration), engine_check.c (one decision),
 * engine_json.c (the verdict as JSON).
 */
#ifndef SIFT_ENGINE_INT_H
#define SIFT_ENGINE_INT_H

#include <pthread.h>

#include "callsift/engine.h"
#include "callsift/orgs.h"
#include "callsift/text.h"

/* The signals the engine itself produces; their table index is resolved
 * at load time (sig_index). TEXT_ signals come from the rules. */
enum builtin_signal {
    SIG_NUMBER_WITHHELD = 0,
    SIG_NUMBER_UNAVAILABLE,
    SIG_NUMBER_PAYPHONE,
    SIG_NUMBER_MALFORMED,
    SIG_NUMBER_INVALID,
    SIG_NUMBER_INTERNATIONAL,
    SIG_NUMBER_FOREIGN_TOLL_FREE,
    SIG_NUMBER_VOIP,
    SIG_NUMBER_PREMIUM,
    SIG_NUMBER_NEIGHBOR,
    SIG_NUMBER_WATCHLIST,
    SIG_TEXT_REPEATED,
    SIG_TEXT_INVALID_UTF8,
    SIG_ORG_IMPERSONATION,
    SIG_ORG_NUMBER_MISMATCH,
    SIG_ORG_NEVER_DOES,
    SIG_ORG_NUMBER_PUBLISHED,
    SIG_URL_PRESENT,
    SIG_URL_IP_HOST,
    SIG_URL_SHORTENER,
    SIG_URL_PUNYCODE,
    SIG_URL_LOOKALIKE,
    SIG_URL_RISKY_TLD,
    SIG_URL_DYNAMIC_DNS,
    SIG_URL_OFFICIAL,
    SIG_CONFIG_ALLOW,
    SIG_BUILTIN_COUNT
};

extern const char *const sift__builtin_signal_names[SIG_BUILTIN_COUNT];

struct signal_def {
    struct sift_signal_info info; /* name, weight, reason_ja, reason_en */
    bool weight_overridden;       /* set by the configuration */
};

struct watch_entry {
    const char *prefix; /* "+1808", "050", "[withheld]" */
    double weight;
    const char *ja, *en;
};

struct advice_def {
    const char *id, *ja, *en;
};

/* Per-thread scan state, pooled (engine_check.c). */
struct check_ctx {
    struct sift_text_norm norm;
    struct sift_text_norm sender_norm;
    struct sift_text_scratch *scratch;
    struct check_ctx *next;
};

struct sift_engine {
    char *bufs[8]; /* file contents that the tables point into */
    size_t n_bufs;

    struct signal_def *signals; /* sorted by name */
    size_t n_signals;
    size_t builtin[SIG_BUILTIN_COUNT]; /* index into signals */
    struct sift_signal_info *infos;    /* for sift_engine_signals() */

    struct watch_entry *watch;
    size_t n_watch;
    struct advice_def *advice;
    size_t n_advice;

    char home_region[4];
    size_t max_text;
    double th_label, th_warn, th_block;
    struct sift_number *allow; /* configuration allow list */
    size_t n_allow;

    struct sift_text_rules *rules;
    struct sift_text_url_lists *url_lists;
    struct sift_orgs *orgs;

    pthread_mutex_t pool_lock;
    struct check_ctx *pool;
};

/* Index of a signal by name, or -1. */
long sift__engine_signal(const struct sift_engine *eng, const char *name);

const struct advice_def *sift__engine_advice(const struct sift_engine *eng,
                                             const char *id);

#endif
