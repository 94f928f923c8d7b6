/*
 * callsift/engine.h - one decision: an event in, a verdict out.
 *
 * Modules produce signals (a stable NAME, a weight, evidence, a reason in
 * Japanese and English); the engine only sums their weights and maps the
 * score to an action through the configured thresholds:
 * allow < label < warn < block. An allow-list entry in the configuration
 * wins over everything. Advice (what to do now) is chosen by the signals
 * that fired. See docs/ARCHITECTURE.md and docs/signals/.
 *
 * Thread safety: an engine is immutable after sift_engine_new(); any
 * number of threads may call sift_engine_check() at once, each with its
 * own struct sift_verdict.
 */
#ifndef CALLSIFT_ENGINE_H
#define CALLSIFT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "number.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sift_engine;
struct sift_reputation; /* callsift/reputation.h */

enum sift_event_kind { SIFT_EVENT_CALL = 0, SIFT_EVENT_SMS };

/* An event: every field but from is optional (NULL / 0). Strings are
 * borrowed for the duration of sift_engine_check(). */
struct sift_event {
    enum sift_event_kind kind;
    const char *from;     /* raw caller ID or SMS sender ("NTT-Finance") */
    size_t from_len;      /* 0: strlen(from) */
    const char *to;       /* raw callee */
    size_t to_len;        /* 0: strlen(to) */
    int64_t time;         /* seconds since the epoch; 0: now */
    const char *text;     /* transcript, greeting or SMS body */
    size_t text_len;      /* 0: strlen(text) */
    const char *identity; /* SIP Identity header (later: stir) */
};

enum sift_action {
    SIFT_ACTION_ALLOW = 0,
    SIFT_ACTION_LABEL,
    SIFT_ACTION_WARN,
    SIFT_ACTION_BLOCK
};

#define SIFT_MAX_SIGNALS  48
#define SIFT_MAX_ADVICE   12
#define SIFT_EVIDENCE_MAX 160

#define SIFT_REASON_MAX 256

/* One signal that fired. name lives as long as the engine; evidence and
 * the reasons (with the organisation or the evidence filled in) are
 * copies. */
struct sift_signal {
    const char *name;                 /* "TEXT_PRESS_DIGIT" */
    double weight;                    /* signed: negative lowers the score */
    char evidence[SIFT_EVIDENCE_MAX]; /* the matched words, a count ... */
    char reason_ja[SIFT_REASON_MAX];  /* a short sentence for people */
    char reason_en[SIFT_REASON_MAX];
};

/* One step of advice, in order of urgency. */
struct sift_advice {
    const char *id; /* "dont_press", "call_official" ... (docs/advice.md) */
    char ja[256];
    char en[256];
};

/* The organisation an event claims to come from. */
struct sift_verdict_org {
    const char *id; /* NULL when none is named */
    const char *name_ja, *name_en;
    const char *contact_ja, *contact_en; /* official contact, or "look it
                                            up on its own site" */
    bool caller_is_published;            /* the caller is one of its
                                            published numbers */
};

/*
 * A verdict. Plain data with fixed capacity: it owns nothing, so it needs
 * no release, may be copied, and one per thread can live on the stack.
 */
struct sift_verdict {
    enum sift_action action;
    double score;
    bool allow_listed; /* an allow list matched: the configuration's
                          (CONFIG_ALLOW) or the reputation's
                          (LIST_ALLOW) */
    struct sift_number caller, callee;
    struct sift_number_relation relation;
    size_t n_signals;
    struct sift_signal signals[SIFT_MAX_SIGNALS];
    size_t n_advice;
    struct sift_advice advice[SIFT_MAX_ADVICE];
    struct sift_verdict_org org;
    bool text_repaired; /* the text held invalid UTF-8, replaced */
    /* The text's campaign fingerprint (sift_reputation_fingerprint() of
     * the normalised text, 0 for none) when the check computed it, that is
     * when a reputation index is attached: sift_record_event() reuses it
     * instead of normalising and hashing the text again. */
    bool text_fp_set;
    uint64_t text_fp;
    /* STIR/SHAKEN (stir.h), when the event carried an Identity header and
     * the configuration names trust anchors ([stir] in callsift.conf). */
    struct {
        bool checked;     /* verification ran */
        int status;       /* enum sift_stir_status */
        int attest;       /* enum sift_stir_attest */
        int reason;       /* enum sift_stir_reason */
        int sip_code;     /* RFC 8224 code of the reason; 0 on a pass */
        char detail[192]; /* what failed, for logs and people */
    } stir;
};

/* Where the engine finds its files. NULL fields take the defaults below
 * data_dir (default "data" or $CALLSIFT_DATA). */
struct sift_engine_opts {
    const char *data_dir;    /* rules/, orgs/, watchlist, signals.tsv ... */
    const char *config_path; /* default <data_dir>/callsift.conf */
    const char *home_region; /* overrides the configuration's home region */
    const char *cache_dir;   /* compiled rules cache; NULL: $CALLSIFT_CACHE,
                                else $XDG_CACHE_HOME/callsift or
                                ~/.cache/callsift; "" disables it */
};

/*
 * Load rules, organisations, the watchlist and the configuration, and
 * compile the rule database. A broken file stops loading: err says which
 * file, line and column, and what is wrong. OUT: *out, free with
 * sift_engine_free().
 */
enum sift_rc sift_engine_new(struct sift_engine **out,
                             const struct sift_engine_opts *opts,
                             struct sift_err *err);

void sift_engine_free(struct sift_engine *eng);

/*
 * Attach a reputation index (reports, block and allow lists, call
 * patterns, campaigns: callsift/reputation.h) so that checks add the
 * REP_, LIST_, CALL_ and CAMPAIGN signals; NULL detaches it. The index is
 * borrowed: it must outlive the engine's use of it, and may be written
 * while checks run (it has its own lock). Call before checks start: this
 * call itself is not thread-safe with respect to running checks.
 */
void sift_engine_set_reputation(struct sift_engine *eng,
                                const struct sift_reputation *rep);

/*
 * Decide on one event. OUT: *v is always written. Returns SIFT_ETOOBIG
 * when the text is over the configured limit (default 64 KiB), SIFT_EINVAL
 * without a from, SIFT_OK otherwise (a malformed caller ID is a signal,
 * not an error). Thread-safe.
 */
enum sift_rc sift_engine_check(const struct sift_engine *eng,
                               const struct sift_event *ev,
                               struct sift_verdict *v, struct sift_err *err);

/* "allow", "label", "warn", "block" */
const char *sift_action_name(enum sift_action action);

/* The verdict in plain words: "詐欺の可能性が高い" / "Likely scam". */
const char *sift_action_words(enum sift_action action, enum sift_lang lang);

/*
 * The verdict as one JSON object (no newline), with the top-level keys
 * action, score, signals [{name, weight, evidence, reason {ja, en}}],
 * advice [{id, ja, en}], org, number. Written into buf as snprintf does;
 * returns the length the whole text needs.
 */
size_t sift_verdict_json(const struct sift_verdict *v, char *buf, size_t size);

/*
 * An event read from JSON (the line format of `callsift check --batch` and
 * the body of POST /v1/calls/check): {"kind":"call"|"sms", "from", "to",
 * "time" (integer seconds or null), "text", "identity"}. "from" is
 * required; every other known key is optional and must have its type.
 * Unknown keys and "id" are kept, serialised, in echo (`"id":7,"x":"y"`,
 * no braces) so the verdict can carry them back. ev's strings point into
 * the parsed document: valid until sift_event_json_release().
 */
struct sift_event_json {
    struct sift_event ev;
    char *echo;      /* "" when nothing to echo; owned */
    bool kind_given; /* "kind" was in the document, not null (ev.kind is
                        SIFT_EVENT_CALL without it) */
    void *priv_;     /* private: the jansson document when the general
                        reader read it (unknown keys, errors), else NULL */
};

/*
 * Parse len bytes of json into *out (initialised here). Malformed JSON,
 * a wrong type or a missing "from" is SIFT_EPARSE with err->where naming
 * the place ("$.from", "byte 17"). OUT: on any return, release *out with
 * sift_event_json_release().
 */
enum sift_rc sift_event_from_json(struct sift_event_json *out, const char *json,
                                  size_t len, struct sift_err *err);

void sift_event_json_release(struct sift_event_json *ej);

/* Every signal the engine can produce, for docs and tests: name, default
 * weight and reasons. Returns the count; *names is static. */
struct sift_signal_info {
    const char *name;
    double weight;
    const char *reason_ja;
    const char *reason_en;
};
size_t sift_engine_signals(const struct sift_engine *eng,
                           const struct sift_signal_info **infos);

#ifdef __cplusplus
}
#endif

#endif
