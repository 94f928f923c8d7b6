/*
 * text_int.h - private to the text module: the compiled rules, the scan
 * scratch and the Unicode helpers the files share. Other modules never
 * include it (they use include/callsift/text.h).
 */
#ifndef SIFT_TEXT_INT_H
#define SIFT_TEXT_INT_H

#include <hs/hs.h>
#include <stdbool.h>
#include <stdint.h>

#include "callsift/text.h"
#include "util/util.h"

enum rule_kind { RULE_LITERAL = 0, RULE_REGEX, RULE_WHEN };

/* One line of a rules file. */
struct rule_line {
    uint32_t name; /* index into rules->names */
    uint32_t file; /* index into rules->files */
    uint32_t lineno;
    uint32_t col; /* column of the pattern field (code points, 1-) */
    enum rule_kind kind;
    bool som;         /* a regex also in the evidence database */
    bool end_word;    /* the trailing \b of every alternative was taken
                       * off: text_scan.c checks it at each match end */
    double weight;    /* 0 for atoms */
    const char *note; /* into rules->pool */
    uint32_t lit_len; /* evidence bytes before a match's end: a
                       * literal's length, a regex's max width */
    uint32_t term0;   /* `when`: first term in rules->terms */
    uint32_t n_terms;
};

/* A `when` term: any of alts[alt0 .. alt0 + n_alts) must have fired. */
struct rule_term {
    uint32_t alt0;
    uint32_t n_alts;
};

struct rule_name {
    const char *name; /* into rules->pool */
    bool atom;
    bool defined; /* some line gives it a pattern or a `when` */
};

struct sift_text_rules {
    struct rule_line *lines;
    size_t n_lines;
    struct rule_name *names;
    size_t n_names;
    struct rule_term *terms;
    size_t n_terms;
    uint32_t *alts; /* name indexes */
    size_t n_alts;
    uint32_t *when_lines; /* line indexes of `when` lines, in load order */
    size_t n_when;
    char **files; /* paths as loaded (sift_malloc'd) */
    size_t n_files;
    char *pool; /* names and notes */
    double repeated_weight;
    bool from_cache;     /* the database came from the cache */
    bool exact_evidence; /* refine regex evidence starts (text_scan.c) */
    hs_database_t *db;   /* NULL when no line has a pattern */
    hs_scratch_t *proto;
    /* literals scanned with the rules (sift_text_rules_load_with()):
     * hs id SIFT__LIT_ID + i; per literal its length and SIFT__LIT_LATIN_*
     * flags */
    uint32_t *lit_len;
    uint8_t *lit_flags;
    /* regexes with start-of-match, to refine evidence (text_scan.c) */
    hs_database_t *som_db;
    hs_scratch_t *som_proto;
};

/* The vectorscan id of literal i is SIFT__LIT_ID + i (lines use their
 * index, far below). */
#define SIFT__LIT_ID          0x80000000u
#define SIFT__LIT_LATIN_START 1u
#define SIFT__LIT_LATIN_END   2u

/* sift__text_rules_load() flags. */
enum {
    /* compile each regex as written, trailing \b included (the tests'
     * reference for what the end_word rewrite must give) */
    SIFT__RULES_AS_WRITTEN = 1u << 0,
};

/* sift_text_rules_load_cached() with flags. */
enum sift_rc sift__text_rules_load(struct sift_text_rules **out,
                                   const char *const *paths, size_t n_paths,
                                   const char *cache_dir, unsigned flags,
                                   struct sift_err *err);

/* Bytes \w matches (vectorscan without HS_FLAG_UCP: ASCII only; the text
 * is case-folded, upper case kept for safety). */
static inline bool sift__is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           (c >= 'A' && c <= 'Z');
}

struct sift_text_scratch {
    const struct sift_text_rules *rules;
    hs_scratch_t *hs;
    hs_scratch_t *som_hs;
    uint32_t gen;
    /* per line: fired in scan `gen`, and the first match span */
    uint32_t *line_gen;
    uint32_t *line_start;
    uint32_t *line_end;
    /* per name: fired in scan `gen`, the strongest line, its span */
    uint32_t *name_gen;
    int32_t *name_best;
    uint32_t *name_start;
    uint32_t *name_end;
    /* the text being scanned (for the match callback) */
    const char *text;
    size_t text_len;
    uint32_t som_base;          /* offset of the refining scan */
    struct sift_text_hits *out; /* the scan's result (literal hits) */
};

/* sift_text_normalize() without its fast path, for the test that the two
 * paths agree (tests/unit/test-text.c). */
enum sift_rc sift__text_normalize_general(const char *in, size_t len,
                                          struct sift_text_norm *out,
                                          struct sift_err *err);

/* Unicode helpers (text_normalize.c). */

/* Decode one UTF-8 sequence at s[0..len), len > 0, strictly (no
 * overlongs, surrogates or values over U+10FFFF). Returns the bytes
 * consumed and sets *cp. For an invalid sequence *ok is false, *cp is
 * U+FFFD and the bytes consumed are the maximal invalid subpart (Unicode
 * 15 §3.9 "U+FFFD substitution of maximal subparts"). */
size_t sift__utf8_decode(const unsigned char *s, size_t len, int32_t *cp,
                         bool *ok);

/* Bytes of the UTF-8 sequence that starts at s[0], trusting valid input
 * (1 for a stray continuation byte). */
size_t sift__utf8_seq_len(unsigned char c);

/* Bytes of s[0..len) to keep so that a cut at max does not split a UTF-8
 * sequence. */
size_t sift__utf8_cut(const char *s, size_t len, size_t max);

/* Encode cp into out (4 bytes room); returns the length. */
size_t sift__utf8_encode(int32_t cp, char *out);

/* Is cp Han, kana, CJK punctuation or a full-width form? */
bool sift__is_japanese(int32_t cp);

/* Does s[0..len) hold valid UTF-8? When not, *bad gets the offset of the
 * first invalid byte. */
bool sift__utf8_valid(const char *s, size_t len, size_t *bad);

#endif
