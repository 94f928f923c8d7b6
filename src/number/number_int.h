/*
 * number_int.h - private to src/number: the layout of the generated
 * numbering tables (gen_*.c, written by scripts/gen-numbering) and the
 * helpers the number module's files share.
 *
 * Flow: parse_input.c turns the outside form (SIP/tel URI, caller-ID
 * states, UTF-8, full-width digits) into code points and does the
 * libphonenumber string steps (extract, viability, extension);
 * number_parse.c applies the region metadata (IDD, country code, national
 * prefix, lengths, type, region); number_automata.c runs the compiled
 * DFAs and Pike-VM programs; number_format.c and number_geo.c answer
 * formatting, geography, carrier and region names.
 *
 * Invariants: nothing here allocates; every table is static const; all
 * automata run over ASCII digit strings only.
 */
#ifndef SIFT_NUMBER_INT_H
#define SIFT_NUMBER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "callsift/number.h"

#define SIFT__NONE 0xffffffffu

/* Number descriptions, in the bit order of the type-DFA accept masks. */
enum sift__desc {
    SIFT__D_GENERAL = 0,
    SIFT__D_FIXED,
    SIFT__D_MOBILE,
    SIFT__D_TOLL_FREE,
    SIFT__D_PREMIUM,
    SIFT__D_SHARED,
    SIFT__D_PERSONAL,
    SIFT__D_VOIP,
    SIFT__D_PAGER,
    SIFT__D_UAN,
    SIFT__D_VOICEMAIL
};

#define SIFT__RF_MAIN        1 /* main region of its country code */
#define SIFT__RF_SAME_MOBILE 2 /* same_mobile_and_fixed_line_pattern */

/*
 * One region's metadata (or one non-geographic entity, id "001").
 * Pool offsets index sift__pool; SIFT__NONE means absent.
 */
struct sift__region {
    char id[4];
    uint16_t cc;
    uint8_t flags;
    uint8_t n_fmt;      /* national formats */
    uint8_t n_intl_fmt; /* international formats; 0: use national */
    uint16_t fmt_first; /* into sift__format_lists */
    uint16_t intl_fmt_first;
    uint32_t type_dfa;        /* first state row in sift__type_dfa (10 each) */
    uint32_t leading;         /* prefix DFA of leading_digits, or NONE */
    uint32_t idd;             /* VM program of international_prefix, or NONE */
    uint32_t npp;             /* VM program of national_prefix_for_parsing */
    uint32_t npp_rule;        /* pool: national_prefix_transform_rule */
    uint32_t national_prefix; /* pool */
    uint32_t extn_prefix;     /* pool: preferred_extn_prefix */
    uint32_t name_en;         /* pool: country name */
    uint32_t name_ja;
    uint32_t pl;       /* bit n: general desc allows NSN length n */
    uint32_t pl_local; /* bit n: length n is possible locally only */
    uint16_t len_mask[SIFT_NUMBER_MAX_NSN + 1]; /* descs allowing length */
};

/* A number format: leading digits (prefix DFA), pattern (VM programs for
 * re.match and for fullmatch) and the format rules ("\1-\2"), plain and
 * with the national-prefix formatting rule applied. */
struct sift__format {
    uint32_t leading;
    uint32_t prog;
    uint32_t prog_full;
    uint32_t fmt;
    uint32_t nat_fmt;
};

/* Prefix table: keys of each length n in key[first[n] .. first[n+1]). */
struct sift__prefix_table {
    const uint32_t *key;
    const uint16_t *val;
    uint32_t first[12];
};

extern const struct sift__region sift__regions[];
extern const unsigned sift__n_regions;
extern const uint16_t sift__cc_first[1000];
extern const uint8_t sift__cc_count[1000];
extern const uint16_t sift__cc_regions[];
extern const uint16_t sift__iso_index[676];
extern const struct sift__format sift__formats[];
extern const uint16_t sift__format_lists[];
extern const uint32_t sift__vm_code[];
extern const uint16_t sift__prefix_dfa[];
extern const uint16_t sift__type_dfa[];
extern const uint16_t sift__type_accept[];
extern const char sift__pool[];
extern const uint32_t sift__str_off[];
extern const struct sift__prefix_table sift__geo_en;
extern const struct sift__prefix_table sift__geo_ja;
extern const struct sift__prefix_table sift__carrier_en;
extern const uint32_t sift__uni_nd[][2];
extern const unsigned sift__n_uni_nd;
extern const uint32_t sift__uni_digit[][3];
extern const unsigned sift__n_uni_digit;
extern const uint32_t sift__uni_alnum[][2];
extern const unsigned sift__n_uni_alnum;

/* Pike-VM opcodes (top 4 bits of a word) - scripts/gen-numbering. */
enum sift__vm_op {
    SIFT__OP_CHAR = 0, /* low 10 bits: the digits accepted */
    SIFT__OP_SPLIT,    /* bits 14..27 preferred target, 0..13 the other */
    SIFT__OP_JMP,      /* bits 14..27 target */
    SIFT__OP_SAVE,     /* low bits: capture slot */
    SIFT__OP_END,      /* assert end of input */
    SIFT__OP_MATCH
};

#define SIFT__VM_MAX_INSNS 512 /* gen-numbering checks */
#define SIFT__VM_MAX_SLOTS 16

/* Result of a VM run: matched, end of the match and the capture slots
 * (-1 when a group did not take part). */
struct sift__vm_match {
    bool matched;
    int end;
    int slot[SIFT__VM_MAX_SLOTS];
};

/* Run program prog (an offset into sift__vm_code) anchored at the start of
 * the digits s[0..len), leftmost-first as Python's re.match. */
bool sift__vm_run(uint32_t prog, const char *s, size_t len,
                  struct sift__vm_match *m);
/* The same, always through the Pike VM's thread lists (sift__vm_run()
 * takes a shortcut for programs without SPLIT; the unit tests compare the
 * two). */
bool sift__vm_run_nfa(uint32_t prog, const char *s, size_t len,
                      struct sift__vm_match *m);

/* Yes/no: does prefix DFA dfa match a prefix of s (re.match)? */
bool sift__prefix_match(uint32_t dfa, const char *s, size_t len);

/* The descs whose pattern fully matches s (not checking lengths). */
unsigned sift__type_mask(const struct sift__region *r, const char *s,
                         size_t len);

/* libphonenumber's _number_type_helper for the NSN s in region r. */
enum sift_number_type sift__number_type(const struct sift__region *r,
                                        const char *s, size_t len);

static inline const char *sift__str(uint32_t off)
{
    return off == SIFT__NONE ? NULL : sift__pool + off;
}

/* strnlen, which C11 lacks. */
static inline size_t sift__nlen(const char *s, size_t max)
{
    const char *z = memchr(s, '\0', max);

    return z ? (size_t)(z - s) : max;
}

/* Region lookups. */
const struct sift__region *sift__region_by_iso(const char *iso);
const struct sift__region *sift__region_main_for_cc(unsigned cc);
const struct sift__region *sift__region_for_number(unsigned cc, const char *nsn,
                                                   size_t len);

/* libphonenumber's _test_number_length with the general description. */
enum sift__length_result {
    SIFT__LEN_POSSIBLE = 0,
    SIFT__LEN_LOCAL_ONLY,
    SIFT__LEN_TOO_SHORT,
    SIFT__LEN_TOO_LONG,
    SIFT__LEN_INVALID
};
enum sift__length_result sift__test_length(const struct sift__region *r,
                                           size_t len);

/*
 * The core of libphonenumber's parse(), after the string steps: digits is
 * the input normalised (leading plus removed when plus is true). Fills
 * out's cc, nsn, cc_source, or returns the status naming the failure.
 */
enum sift_number_status sift__parse_digits(struct sift_number *out,
                                           const char *digits, size_t len,
                                           bool plus,
                                           const struct sift__region *def);

/* Fill region, type, possible, valid and e164 from cc and nsn. */
void sift__classify(struct sift_number *out);

/* sift_number_parse() without its fast path for plain digit strings: the
 * tests' reference for it. */
enum sift_rc sift__number_parse_general(struct sift_number *out,
                                        const char *raw, size_t len,
                                        const char *default_region,
                                        struct sift_err *err);

/* Unicode helpers (binary search over the gen_unicode.c ranges). */
int sift__uni_digit_value(uint32_t cp); /* 0..9 or -1 */
bool sift__uni_is_nd(uint32_t cp);
bool sift__uni_is_alnum(uint32_t cp);

#endif
