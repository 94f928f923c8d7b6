/*
 * callsift/text.h - the words of a call or a message: normalisation, rule
 * scanning, repetition and links.
 *
 * The flow for one text is
 *
 *     raw bytes --sift_text_normalize--> normalised UTF-8
 *               --sift_text_scan------> TEXT_* hits (rules + repetition)
 *               --sift_text_urls------> URLs with their flags
 *
 * Normalisation (docs/text.md) is Unicode NFKC with case folding (so
 * full-width ASCII becomes ASCII, half-width katakana becomes full-width,
 * upper case becomes lower case), digits of every script become ASCII
 * digits, controls and default-ignorable characters are dropped, white
 * space next to Japanese text is removed and other white-space runs become
 * one space. Invalid UTF-8 is replaced by U+FFFD and flagged, never an
 * error. Rules (docs/rules-format.md) are matched against normalised text.
 *
 * Thread safety: a struct sift_text_rules and a struct sift_text_url_lists
 * are read-only after loading and may be shared by any number of threads.
 * A struct sift_text_scratch and a struct sift_text_norm belong to one
 * thread at a time; make one of each per thread.
 *
 * Nothing here allocates on the hot path once the caller's norm buffer has
 * grown to the largest text seen: scanning and URL extraction write into
 * fixed-capacity results.
 */
#ifndef CALLSIFT_TEXT_H
#define CALLSIFT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Normalisation                                                       */
/* ------------------------------------------------------------------ */

#define SIFT_TEXT_MAX_DEFAULT (64 * 1024) /* bytes of raw text accepted */

enum sift_text_norm_flags {
    /* Invalid UTF-8 was found and replaced by U+FFFD. */
    SIFT_TEXT_NORM_REPAIRED_UTF8 = (1 << 0),
    /* Control or format characters (zero-width space, BOM ...) dropped. */
    SIFT_TEXT_NORM_DROPPED_CONTROLS = (1 << 1)
};

/*
 * A normalised text, caller-owned: sift_text_norm_init() before first use,
 * sift_text_norm_release() at the end. The buffer is kept and reused by
 * every sift_text_normalize() on the same struct, so a long-lived norm per
 * thread makes normalisation allocation-free after warm-up.
 */
struct sift_text_norm {
    char *text;        /* NUL-terminated normalised UTF-8, or "" */
    size_t len;        /* bytes in text, without the NUL */
    unsigned flags;    /* enum sift_text_norm_flags */
    size_t n_repaired; /* invalid sequences replaced by U+FFFD */
    size_t max_len;    /* limit on raw input bytes */
    /* private */
    int32_t *cp;
    size_t cp_cap;
    size_t text_cap;
};

/* Prepare n with a limit of max_len raw bytes (0: SIFT_TEXT_MAX_DEFAULT).
 * Never fails and never allocates. */
void sift_text_norm_init(struct sift_text_norm *n, size_t max_len);

/* Free n's buffers; n may be initialised again. NULL is a no-op. */
void sift_text_norm_release(struct sift_text_norm *n);

/*
 * Normalise len bytes of in (need not be NUL-terminated; NUL bytes are
 * dropped as controls) into out, which must have been initialised.
 * Returns SIFT_OK, SIFT_ETOOBIG when len is over out->max_len (err says
 * by how much), SIFT_ENOMEM. On error out->text is "" and out->len 0.
 */
enum sift_rc sift_text_normalize(const char *in, size_t len,
                                 struct sift_text_norm *out,
                                 struct sift_err *err);

/* ------------------------------------------------------------------ */
/* Rules                                                               */
/* ------------------------------------------------------------------ */

struct sift_text_rules;   /* compiled rules; opaque */
struct sift_text_scratch; /* per-thread scan state; opaque */

#define SIFT_TEXT_LINE_MAX     4096 /* bytes in one rules line */
#define SIFT_TEXT_EVIDENCE_MAX 64   /* bytes of evidence per hit */
#define SIFT_TEXT_MAX_HITS     32   /* distinct signals one scan reports */
#define SIFT_TEXT_MAX_LIT_HITS 64   /* literal occurrences one scan reports */

/* The signal the repetition detector fires, and its default weight. */
#define SIFT_TEXT_REPEATED                "TEXT_REPEATED"
#define SIFT_TEXT_REPEATED_WEIGHT_DEFAULT 1.5

/*
 * Load and compile the rules files paths[0..n_paths) (format:
 * docs/rules-format.md) into *out, all patterns of all files in one
 * vectorscan database. On failure *out is NULL and err->where names the
 * place as "file:line:col" with err->msg saying what is wrong (unknown
 * atom, bad weight, a regex vectorscan rejects, missing field,
 * unterminated literal, a line over SIFT_TEXT_LINE_MAX bytes, invalid
 * UTF-8). Returns SIFT_OK, SIFT_EIO, SIFT_EPARSE, SIFT_ETOOBIG,
 * SIFT_ENOMEM. Free with sift_text_rules_free().
 */
enum sift_rc sift_text_rules_load(struct sift_text_rules **out,
                                  const char *const *paths, size_t n_paths,
                                  struct sift_err *err);

/*
 * Literals scanned in the same pass as the rules (the engine adds the
 * organisations' aliases, so that a check reads its text once): byte-exact,
 * every occurrence reported (overlapping ones too) in the scan's
 * sift_text_hits.lit_id and lit_end, at most SIFT_TEXT_MAX_LIT_HITS of
 * them. An end marked latin_* must not touch an ASCII letter or digit
 * ("amazon" in "amazonia" is no occurrence).
 */
struct sift_text_literal {
    const char *text;
    size_t len;
    bool latin_start, latin_end;
};

/*
 * As sift_text_rules_load(), with a cache: when cache_dir is neither NULL
 * nor "" (both mean no cache, as in struct sift_engine_opts) the compiled
 * database is looked up in cache_dir as
 * callsift-rules-<key>.hsdb, the key being a hash of every compiled
 * pattern, its flags and the vectorscan version, and written there after
 * compiling (atomically; a cache that cannot be written is ignored). The
 * rules files are still read and checked on every load; only compilation,
 * which dominates the load time, is skipped.
 */
enum sift_rc sift_text_rules_load_cached(struct sift_text_rules **out,
                                         const char *const *paths,
                                         size_t n_paths, const char *cache_dir,
                                         struct sift_err *err);

/* sift_text_rules_load_cached() with literals (struct sift_text_literal,
 * lits[0..n_lits), borrowed for the call only) in the same database.
 * Literal i is reported as lit_id i. */
enum sift_rc sift_text_rules_load_with(struct sift_text_rules **out,
                                       const char *const *paths, size_t n_paths,
                                       const struct sift_text_literal *lits,
                                       size_t n_lits, const char *cache_dir,
                                       struct sift_err *err);

/* Did the database of rules come from the cache? */
bool sift_text_rules_from_cache(const struct sift_text_rules *rules);

/* Free rules; NULL is a no-op. Every scratch made from them must have been
 * freed first. */
void sift_text_rules_free(struct sift_text_rules *rules);

/* Names (signals and atoms) the rules define, and the name of index i
 * (0 <= i < that count); a hit's name_id is such an index. Stable for the
 * life of rules: callers may map them to their own tables once. */
size_t sift_text_rules_names(const struct sift_text_rules *rules);
const char *sift_text_rules_name(const struct sift_text_rules *rules, size_t i);

/* Number of rule lines loaded (for logs and tests). */
size_t sift_text_rules_count(const struct sift_text_rules *rules);

/* Set the weight TEXT_REPEATED fires with (default 1.5). Not thread-safe
 * with respect to running scans: call it right after loading. */
void sift_text_rules_set_repeated_weight(struct sift_text_rules *rules,
                                         double weight);

/*
 * Evidence of a regex line is, by default, the pattern's maximum width
 * (at most 48 bytes) before the end of the match: exact for fixed-width
 * matches, otherwise it may begin a few characters early. With on, each
 * hit's regex evidence is re-scanned with a start-of-match database and
 * is exact (regexes with bounded repeats such as .{0,30} excepted), at
 * about 1 us per hit: for the CLI and explanations, not the hot path.
 * Not thread-safe with respect to running scans.
 */
void sift_text_rules_set_exact_evidence(struct sift_text_rules *rules, bool on);

/* Make the scan state for one thread (it holds the vectorscan scratch and
 * the per-line marks). Returns SIFT_OK or SIFT_ENOMEM. Free with
 * sift_text_scratch_free() before the rules. */
enum sift_rc sift_text_scratch_new(const struct sift_text_rules *rules,
                                   struct sift_text_scratch **out);
void sift_text_scratch_free(struct sift_text_scratch *scratch);

/* One signal that fired. */
struct sift_text_hit {
    const char *name; /* "TEXT_PRESS_DIGIT"; borrowed from the rules */
    unsigned name_id; /* name's index (sift_text_rules_name()) */
    double weight;    /* the highest weight among its lines that fired */
    const char *note; /* the strongest line's NOTE (its source) */
    const char *file; /* the strongest line's rules file, as loaded */
    unsigned line;    /* and its line number; 0 for TEXT_REPEATED */
    unsigned count;   /* 1, or the times the text repeats (TEXT_REPEATED) */
    size_t offset;    /* where the evidence starts in the normalised text */
    /* The matched normalised text of the strongest line (for a `when`
     * line, the terms' evidence joined by " + "), cut on a UTF-8 boundary
     * to SIFT_TEXT_EVIDENCE_MAX bytes; NUL-terminated. */
    char evidence[SIFT_TEXT_EVIDENCE_MAX + 1];
};

/* The result of one scan: fixed capacity, no allocation. Hits come in the
 * order their signals first appear in the rules, TEXT_REPEATED last. */
struct sift_text_hits {
    size_t n;
    bool truncated; /* more than SIFT_TEXT_MAX_HITS signals fired */
    struct sift_text_hit hit[SIFT_TEXT_MAX_HITS];
    /* The rules' literals (sift_text_rules_load_with()) found, in the
     * order of their ends: literal lit_id[i] ends at byte lit_end[i]. The
     * first SIFT_TEXT_MAX_LIT_HITS occurrences only. */
    size_t n_lits;
    uint32_t lit_id[SIFT_TEXT_MAX_LIT_HITS];
    uint32_t lit_end[SIFT_TEXT_MAX_LIT_HITS];
};

/*
 * Scan the normalised text norm[0..len) with rules, using scratch (made
 * from the same rules), into out. Atoms (@name) are evaluated but never
 * reported; `when` lines are evaluated after the pattern scan, in load
 * order. The repetition detector runs too (TEXT_REPEATED). Returns
 * SIFT_OK, SIFT_EINVAL (scratch from other rules) or SIFT_ETOOBIG (len
 * over 4 GiB). The hits borrow strings from rules.
 */
enum sift_rc sift_text_scan(const struct sift_text_rules *rules,
                            struct sift_text_scratch *scratch, const char *norm,
                            size_t len, struct sift_text_hits *out);

/* Flags of sift_text_scan_flags(). */
enum sift_text_scan_flags {
    /* Do not run the repetition detector: the text is one message (an
     * SMS body), not a transcript that may loop. TEXT_REPEATED does not
     * fire and `when` terms naming it are false. */
    SIFT_TEXT_SCAN_NO_REPETITION = (1 << 0),
};

/* sift_text_scan() with flags (enum sift_text_scan_flags). */
enum sift_rc sift_text_scan_flags(const struct sift_text_rules *rules,
                                  struct sift_text_scratch *scratch,
                                  const char *norm, size_t len, unsigned flags,
                                  struct sift_text_hits *out);

/* Find a hit by signal name in hits; NULL when it did not fire. */
const struct sift_text_hit *
sift_text_hits_find(const struct sift_text_hits *hits, const char *name);

/* ------------------------------------------------------------------ */
/* Repetition                                                          */
/* ------------------------------------------------------------------ */

#define SIFT_TEXT_REPEAT_MIN_CP 12   /* shortest repeated unit, code points */
#define SIFT_TEXT_REPEAT_MAX_CP 4096 /* code points looked at */

/*
 * The repetition detector on its own (sift_text_scan() calls it): over the
 * normalised text with punctuation, symbols and spaces removed, find the
 * longest unit of at least SIFT_TEXT_REPEAT_MIN_CP code points that occurs
 * twice or more without overlap, and which with its repeats covers at
 * least half of the text. Returns the number of times (0 when none) and
 * sets *offset and *len to its first occurrence in norm.
 */
unsigned sift_text_repetition(const char *norm, size_t len, size_t *offset,
                              size_t *unit_len);

/* ------------------------------------------------------------------ */
/* URLs                                                                */
/* ------------------------------------------------------------------ */

enum sift_text_url_flags {
    SIFT_TEXT_URL_SCHEME = (1 << 0),        /* written with a scheme */
    SIFT_TEXT_URL_IP_HOST = (1 << 1),       /* IPv4 or [IPv6] literal */
    SIFT_TEXT_URL_PUNYCODE = (1 << 2),      /* an xn-- label, or non-ASCII */
    SIFT_TEXT_URL_MIXED_SCRIPTS = (1 << 3), /* a label mixes scripts */
    SIFT_TEXT_URL_SHORTENER = (1 << 4),     /* a link shortener */
    SIFT_TEXT_URL_RISKY_TLD = (1 << 5),     /* TLD on the risky list */
    SIFT_TEXT_URL_DYNAMIC_DNS = (1 << 6),   /* under a dynamic-DNS domain */
    SIFT_TEXT_URL_USERINFO = (1 << 7),      /* "user@" before the host */
    SIFT_TEXT_URL_FREE_HOSTING = (1 << 8)   /* on a free hosting domain */
};

/* The flags that make a URL suspicious by themselves. */
#define SIFT_TEXT_URL_RISK_MASK                                                \
    (SIFT_TEXT_URL_IP_HOST | SIFT_TEXT_URL_PUNYCODE |                          \
     SIFT_TEXT_URL_MIXED_SCRIPTS | SIFT_TEXT_URL_SHORTENER |                   \
     SIFT_TEXT_URL_RISKY_TLD | SIFT_TEXT_URL_DYNAMIC_DNS |                     \
     SIFT_TEXT_URL_USERINFO)

#define SIFT_TEXT_HOST_MAX 256 /* bytes of host kept, NUL included */
#define SIFT_TEXT_MAX_URLS 16  /* a sensible `max` for one message */

/* One URL found in a normalised text. */
struct sift_text_url {
    size_t offset;  /* where the URL starts in the normalised text */
    size_t len;     /* and its length in bytes */
    unsigned flags; /* enum sift_text_url_flags */
    char host[SIFT_TEXT_HOST_MAX];   /* lower case, as written */
    char domain[SIFT_TEXT_HOST_MAX]; /* registrable domain (PSL), or "" */
    char tld[64];                    /* last label of the host */
};

/* The configurable lists (data/urls.conf) and the Public Suffix List. */
struct sift_text_url_lists;

/*
 * Load the lists from path, a file with the sections [shorteners]
 * [risky_tlds] [dynamic_dns] [free_hosting], one entry per line, `#`
 * comments; path NULL gives the built-in defaults (the same as the shipped
 * data/urls.conf). Errors carry "file:line". Free with
 * sift_text_url_lists_free(). Returns SIFT_OK, SIFT_EIO, SIFT_EPARSE,
 * SIFT_ENOMEM.
 */
enum sift_rc sift_text_url_lists_new(struct sift_text_url_lists **out,
                                     const char *path, struct sift_err *err);
void sift_text_url_lists_free(struct sift_text_url_lists *lists);

/*
 * Find the URLs in the normalised text norm[0..len): with a scheme
 * (http, https, and the defanged hxxp, hxxps), starting with www., or bare
 * hosts whose last label is a public suffix ("bit.ly/abc",
 * "example.co.jp/path"). Writes at most max into out and the number
 * written to *n_out; returns the number found (may exceed max). Never
 * allocates; thread-safe.
 */
size_t sift_text_urls(const struct sift_text_url_lists *lists, const char *norm,
                      size_t len, struct sift_text_url *out, size_t max,
                      size_t *n_out);

/*
 * The look-alike hook for the engine: returns true when one of the brand
 * tokens brands[0..n_brands) (ASCII, lower case, e.g. "amazon",
 * "nttfinance") appears in url's host while its registrable domain is not
 * one of official[0..n_official) nor under one ("amazon-co-jp.xyz" against
 * "amazon.co.jp"). Dots and hyphens in the host are ignored when looking
 * for tokens of 4 or more characters; shorter tokens must be a whole label
 * or hyphen-separated part. *brand (may be NULL) receives the index of the
 * token found.
 */
bool sift_text_url_lookalike(const struct sift_text_url *url,
                             const char *const *brands, size_t n_brands,
                             const char *const *official, size_t n_official,
                             size_t *brand);

/* Is url's host one of official[] or under one? */
bool sift_text_url_is_official(const struct sift_text_url *url,
                               const char *const *official, size_t n_official);

#ifdef __cplusplus
}
#endif

#endif
