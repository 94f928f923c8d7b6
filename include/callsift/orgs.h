/*
 * callsift/orgs.h - organisations scammers pretend to be: names and
 * aliases, published numbers, SMS sender IDs and domains, look-alike brand
 * tokens, what each says it never does, and the official contact to name
 * in advice. Loaded from the .orgs files in data/orgs (docs/orgs-format.md).
 *
 * A loaded set is immutable; lookups never allocate and are safe from any
 * number of threads.
 */
#ifndef CALLSIFT_ORGS_H
#define CALLSIFT_ORGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "number.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The "never does" vocabulary of docs/orgs-format.md, one bit each. */
enum sift_org_never {
    SIFT_NEVER_AUTOMATED_VOICE = 0,
    SIFT_NEVER_PRESS_DIGIT,
    SIFT_NEVER_INTERNATIONAL_CALL,
    SIFT_NEVER_UNSOLICITED_CALL,
    SIFT_NEVER_ASK_PERSONAL_INFO,
    SIFT_NEVER_ASK_ACCOUNT,
    SIFT_NEVER_ASK_PIN,
    SIFT_NEVER_ASK_CARD_DETAILS,
    SIFT_NEVER_ASK_PASSWORD,
    SIFT_NEVER_ASK_APPROVE_LOGIN,
    SIFT_NEVER_SMS_PERSONAL_INFO,
    SIFT_NEVER_ASK_GIFT_CARD,
    SIFT_NEVER_ASK_CRYPTO,
    SIFT_NEVER_ASK_CASH,
    SIFT_NEVER_ASK_TRANSFER,
    SIFT_NEVER_ASK_PAYMENT,
    SIFT_NEVER_DEMAND_IMMEDIATE_PAYMENT,
    SIFT_NEVER_CALL_ABOUT_UNPAID,
    SIFT_NEVER_SMS_PAYMENT_DEMAND,
    SIFT_NEVER_SMS_LINK,
    SIFT_NEVER_SMS_LINK_PAYMENT,
    SIFT_NEVER_SMS_NOTICE,
    SIFT_NEVER_REFUND_ATM,
    SIFT_NEVER_CUT_LINE_BY_PHONE,
    SIFT_NEVER_SUSPEND_ACCOUNT,
    SIFT_NEVER_THREATEN_ARREST,
    SIFT_NEVER_THREATEN_LEGAL_ACTION,
    SIFT_NEVER_INVESTIGATION_BY_PHONE,
    SIFT_NEVER_MESSAGING_APP,
    SIFT_NEVER_COLLECT_CASH_CARD,
    SIFT_NEVER_REPLACE_CARD_BY_PHONE,
    SIFT_NEVER_HOME_VISIT,
    SIFT_NEVER_SELL_BY_PHONE,
    SIFT_NEVER_WARNING_WITH_PHONE_NUMBER,
    SIFT_NEVER_COUNT
};

/* The key ("automated_voice") and the sentences for people: ja completes
 * 「{name}は、…ことはありません。」, en completes "{name} never …". */
const char *sift_org_never_key(enum sift_org_never n);
const char *sift_org_never_ja(enum sift_org_never n);
const char *sift_org_never_en(enum sift_org_never n);

struct sift_org {
    const char *id; /* "ntt-finance" */
    const char *name_ja, *name_en;
    const char *country; /* "JP" */
    const char *kind;    /* "bank", "telecom" ... */
    const char *contact_ja, *contact_en;
    const struct sift_number *numbers; /* published numbers, parsed */
    size_t n_numbers;
    const char *const *senders; /* SMS sender IDs, normalised */
    size_t n_senders;
    const char *const *domains; /* official domains */
    size_t n_domains;
    const char *const *brands; /* look-alike tokens */
    size_t n_brands;
    uint64_t never; /* bits of enum sift_org_never */
};

struct sift_orgs;

/*
 * Load every *.orgs file in dir, in file-name order. A broken file stops
 * the load: err->where is "file:line" and err->msg says what is wrong.
 * OUT: *out, free with sift_orgs_free().
 */
enum sift_rc sift_orgs_load(struct sift_orgs **out, const char *dir,
                            struct sift_err *err);

void sift_orgs_free(struct sift_orgs *orgs);

size_t sift_orgs_count(const struct sift_orgs *orgs);
const struct sift_org *sift_orgs_get(const struct sift_orgs *orgs, size_t i);

/* An organisation named in a text. */
struct sift_org_match {
    const struct sift_org *org;
    const char *alias; /* the alias that matched (static) */
    size_t start, end; /* byte span in the text searched */
};

/*
 * Find the organisations named in norm (normalised text: NFKC, lower case,
 * no spaces between Japanese characters). Matches of one organisation are
 * reported once (its longest alias); overlapping matches of different
 * organisations keep the longer, and all of them when they are as long
 * (an alias shared by organisations of several countries). Latin aliases must
 * not touch an ASCII letter or digit. Returns the number written to out (at
 * most max), ordered by position. Safe from many threads at once: each
 * search borrows a vectorscan scratch from the set's pool (the first search
 * on a new thread makes one; if memory runs out then, it finds nothing).
 */
size_t sift_orgs_find(const struct sift_orgs *orgs, const char *norm,
                      size_t len, struct sift_org_match *out, size_t max);

/*
 * The aliases sift_orgs_find() looks for, as literals for a scan that looks
 * for them together with other patterns (the engine compiles them into its
 * rules' database with sift_text_rules_load_with(), and reads the
 * organisations from that scan with sift_orgs_found()): alias i, with
 * which of its ends must not touch an ASCII letter or digit, into out[i]
 * for i < max. Returns the number of aliases (out may be NULL with max 0
 * to count them). The texts belong to orgs.
 */
size_t sift_orgs_literals(const struct sift_orgs *orgs,
                          struct sift_text_literal *out, size_t max);

/*
 * sift_orgs_find() on the alias occurrences another scan found in norm:
 * alias ids[k] ending at byte ends[k], k < n, in the order of their ends
 * (as vectorscan reports them). Gives what sift_orgs_find() gives on the
 * same text when the occurrences are all of them, or their first ones;
 * an entry that is not an occurrence of that alias there is ignored.
 */
size_t sift_orgs_found(const struct sift_orgs *orgs, const char *norm,
                       size_t len, const uint32_t *ids, const uint32_t *ends,
                       size_t n, struct sift_org_match *out, size_t max);

/* Is caller one of org's published numbers (same E.164)? */
bool sift_org_has_number(const struct sift_org *org,
                         const struct sift_number *caller);

/* Is sender (normalised, or digits) one of org's published SMS senders? */
bool sift_org_has_sender(const struct sift_org *org, const char *sender,
                         size_t len);

/* The organisation whose official domain host is (equal, or a subdomain
 * of), or NULL. host is lower case. */
const struct sift_org *sift_orgs_domain_owner(const struct sift_orgs *orgs,
                                              const char *host, size_t len);

/* The organisation one of whose brand tokens is inside host, or NULL;
 * *token receives the token. Callers check domain ownership first. */
const struct sift_org *sift_orgs_brand_in(const struct sift_orgs *orgs,
                                          const char *host, size_t len,
                                          const char **token);

#ifdef __cplusplus
}
#endif

#endif
