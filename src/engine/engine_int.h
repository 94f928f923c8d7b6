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
#include "callsift/stir.h"
#include "callsift/reputation.h"
#include "callsift/text.h"
#include "util/pool.h"

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
    SIG_REP_REPORTED, /* reputation: rep_signals() in engine_check.c */
    SIG_REP_SAFE,
    SIG_LIST_BLOCK,
    SIG_LIST_ALLOW,
    SIG_CALL_BURST,
    SIG_CALL_REPEAT,
    SIG_CALL_WANGIRI,
    SIG_CAMPAIGN,
    SIG_STIR_PASS_A, /* STIR/SHAKEN: stir_signals() in engine_check.c */
    SIG_STIR_PASS_B,
    SIG_STIR_PASS_C,
    SIG_STIR_FAILED,
    SIG_STIR_ABSENT,
    SIG_BUILTIN_COUNT
};

extern const char *const sift__builtin_signal_names[SIG_BUILTIN_COUNT];

/* TEXT_ signals the engine's own logic asks about (advice, "never
 * does"); resolved to table indices at load, -1 when no rule names them. */
enum known_signal {
    K_TEXT_ACCOUNT_MISUSE,
    K_TEXT_CASH_CARD,
    K_TEXT_FAMILY_EMERGENCY,
    K_TEXT_INVESTMENT,
    K_TEXT_LEGAL_THREAT,
    K_TEXT_PAYMENT_METHOD,
    K_TEXT_PERSONAL_INFO,
    K_TEXT_POLICE,
    K_TEXT_PRESS_DIGIT,
    K_TEXT_REFUND,
    K_TEXT_REMOTE_ACCESS,
    K_TEXT_ROBOCALL,
    K_TEXT_SUSPENSION,
    K_TEXT_TECH_SUPPORT,
    K_TEXT_UNPAID,
    K_TEXT_VERIFY_ACCOUNT,
    K_COUNT
};

extern const char *const sift__known_signal_names[K_COUNT];

/* A reason or advice template, measured at load so that filling one
 * without placeholders is a single copy. */
struct tmpl_info {
    size_t len;  /* strlen of the template */
    bool has_ph; /* it contains '{' (a placeholder, maybe) */
};

struct signal_def {
    struct sift_signal_info info; /* name, weight, reason_ja, reason_en */
    bool weight_overridden;       /* set by the configuration */
    struct tmpl_info ja, en;      /* of info.reason_ja, info.reason_en */
};

struct watch_entry {
    const char *prefix; /* "+1808", "050", "[withheld]" */
    size_t len;         /* strlen(prefix) */
    double weight;
    const char *ja, *en;
};

struct advice_def {
    const char *id, *ja, *en;
    struct tmpl_info ja_info, en_info;
};

/* The advice steps the engine's logic chooses from (docs/advice.md);
 * resolved to rows of advice.tsv at load, NULL when a row is missing. */
enum advice_step {
    ADV_DONT_PRESS,
    ADV_HANG_UP,
    ADV_DONT_TAP_LINKS,
    ADV_DONT_CALL_BACK,
    ADV_NO_PERSONAL_INFO,
    ADV_NO_PAYMENT,
    ADV_CALL_OFFICIAL,
    ADV_CALL_OFFICIAL_UNKNOWN,
    ADV_STOP_CARD,
    ADV_BLOCK_REPORT,
    ADV_TALK_TO_SOMEONE,
    ADV_BLOCK_INTERNATIONAL,
    ADV_REPORT_US,
    ADV_CAUTION,
    ADV_NO_ACTION,
    ADV_COUNT
};

extern const char *const sift__advice_step_ids[ADV_COUNT];

/* Per-thread scan state, pooled (engine_check.c). */
struct check_ctx {
    struct sift__pool_item item; /* first: the pool's link */
    struct sift_text_norm norm;
    struct sift_text_norm sender_norm;
    struct sift_text_scratch *scratch;
};

struct sift_engine {
    char *bufs[8]; /* file contents that the tables point into */
    size_t n_bufs;

    struct signal_def *signals; /* sorted by name */
    size_t n_signals, cap_signals;
    size_t builtin[SIG_BUILTIN_COUNT]; /* index into signals */
    long known[K_COUNT];               /* index into signals, or -1 */
    struct sift_signal_info *infos;    /* for sift_engine_signals() */

    struct watch_entry *watch;
    size_t n_watch, cap_watch;
    struct advice_def *advice;
    size_t n_advice, cap_advice;
    const struct advice_def *step[ADV_COUNT]; /* by enum advice_step */
    long *rule_signal;     /* rules name index -> signal index, or -1 */
    bool us_home, jp_home; /* home_region is US, JP */

    char home_region[4];
    size_t max_text;
    double th_label, th_warn, th_block;
    struct sift_number *allow; /* configuration allow list */
    size_t n_allow;

    struct sift_stir *stir; /* NULL unless [stir] trust_anchors is set */
    struct {
        char *trust_anchors, *cert_dir, *tls_ca_file;
        bool fetch, allow_http;
        int64_t max_age;
    } stir_conf;                /* [stir] as read (engine_load.c) */
    char *stir_hosts[17];       /* [stir] allowed_hosts, NULL-terminated */
    unsigned stir_absent_cc[8]; /* calling codes for STIR_ABSENT */
    size_t n_stir_absent_cc;

    struct sift_text_rules *rules;
    struct sift_text_url_lists *url_lists;
    struct sift_orgs *orgs;

    struct sift__pool pool; /* idle struct check_ctx */

    /* Borrowed; NULL: no reputation signals. */
    const struct sift_reputation *rep;
    struct sift_reputation_opts rep_opts;
};

/* Index of a signal by name, or -1. */
long sift__engine_signal(const struct sift_engine *eng, const char *name);

const struct advice_def *sift__engine_advice(const struct sift_engine *eng,
                                             const char *id);

/* The event reader without its fast path (engine_event_json.c): jansson
 * for every document. sift_event_from_json() gives the same; tests and
 * fuzz-event-json compare the two. */
enum sift_rc sift__event_from_json_general(struct sift_event_json *out,
                                           const char *json, size_t len,
                                           struct sift_err *err);

#endif
