/*
 * callsift/number.h - caller-ID parsing and classification.
 *
 * The number module turns a caller ID as a phone system or a person shows
 * it ("+1 (877) 643-0291", "090-1234-5678", "sip:+18776430291@host",
 * "非通知") into facts: the caller-ID state, E.164, country calling code,
 * region, number type, whether the length is possible and whether the
 * number lies in an assigned range, geography and carrier.
 *
 * All numbering facts come from libphonenumber's published metadata,
 * compiled by scripts/gen-numbering into C tables (src/number/gen_*.c).
 * Nothing here uses regular expressions at run time and nothing allocates:
 * every function is safe to call from any number of threads at once.
 */
#ifndef CALLSIFT_NUMBER_H
#define CALLSIFT_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the caller-ID field held. Only SIFT_NUMBER_OK carries a number;
 * the states (withheld, unavailable, payphone, empty) are results, not
 * errors; the rest name what was wrong with malformed input. */
enum sift_number_status {
    SIFT_NUMBER_OK = 0,
    SIFT_NUMBER_WITHHELD,    /* 非通知, anonymous, private, restricted, P */
    SIFT_NUMBER_UNAVAILABLE, /* 表示圏外, 通知不可能, unavailable, O, S */
    SIFT_NUMBER_PAYPHONE,    /* 公衆電話, C */
    SIFT_NUMBER_EMPTY,       /* nothing but white space */
    SIFT_NUMBER_NOT_A_NUMBER, /* no digits, or not shaped like a number */
    SIFT_NUMBER_INVALID_COUNTRY_CODE, /* no such country calling code */
    SIFT_NUMBER_TOO_SHORT,     /* too few digits (after IDD, or in all) */
    SIFT_NUMBER_TOO_LONG,      /* more than 17 national digits */
    SIFT_NUMBER_BAD_ENCODING,  /* invalid UTF-8 or an embedded NUL */
    SIFT_NUMBER_INPUT_TOO_LONG /* over SIFT_NUMBER_MAX_INPUT bytes */
};

/* Number types: libphonenumber's set, in its order. */
enum sift_number_type {
    SIFT_TYPE_FIXED_LINE = 0,
    SIFT_TYPE_MOBILE,
    SIFT_TYPE_FIXED_LINE_OR_MOBILE,
    SIFT_TYPE_TOLL_FREE,
    SIFT_TYPE_PREMIUM_RATE,
    SIFT_TYPE_SHARED_COST,
    SIFT_TYPE_VOIP,
    SIFT_TYPE_PERSONAL_NUMBER,
    SIFT_TYPE_PAGER,
    SIFT_TYPE_UAN,
    SIFT_TYPE_VOICEMAIL,
    SIFT_TYPE_UNKNOWN
};

/* How the country calling code was found. */
enum sift_number_cc_source {
    SIFT_CC_FROM_PLUS = 0, /* "+81 ..." */
    SIFT_CC_FROM_IDD,      /* "010 1 ..." dialled from the default region */
    SIFT_CC_FROM_DIGITS,   /* "18776430291": code without plus or IDD */
    SIFT_CC_FROM_DEFAULT   /* a national form, read in the default region */
};

#define SIFT_NUMBER_MAX_INPUT 256 /* bytes of caller ID looked at */
#define SIFT_NUMBER_MAX_NSN   17  /* national significant digits */

/*
 * One parsed caller ID. Filled by sift_number_parse(); plain data, no
 * pointers into the input, so it may be copied and kept.
 */
struct sift_number {
    enum sift_number_status status;
    enum sift_number_type type; /* SIFT_TYPE_UNKNOWN unless valid */
    enum sift_number_cc_source cc_source;
    uint16_t country_code; /* 0 unless status is OK */
    char region[4];        /* ISO 3166-1 alpha-2, "001" non-geographic, "" */
    char nsn[SIFT_NUMBER_MAX_NSN + 1];  /* national significant number */
    char e164[SIFT_NUMBER_MAX_NSN + 6]; /* "+18776430291" */
    char extension[16]; /* "123" from "ext. 123" or "内線 123", or "" */
    bool possible;      /* the length is possible for the country */
    bool valid;         /* in an assigned range of its region */
    size_t problem_at;  /* byte offset of the problem when malformed */
};

/*
 * Parse a caller ID of len bytes (UTF-8). default_region (ISO alpha-2,
 * such as "JP" or "US"; NULL means none) says how national forms such as
 * "090-1234-5678" or "(877) 643-0291" are read and which international
 * (IDD) prefix is understood ("010" from JP, "011" from US, "00" ...).
 *
 * OUT: *out is always written. Returns SIFT_OK when out->status is OK or a
 * caller-ID state (withheld, unavailable, payphone, empty), SIFT_EPARSE
 * with out->status naming the problem and err saying what and where when
 * the input is malformed, and SIFT_EINVAL for a NULL argument or an unknown
 * default_region. A number that parses but is not in an assigned range is
 * SIFT_OK with out->valid false: that is a finding about the caller.
 */
enum sift_rc sift_number_parse(struct sift_number *out, const char *raw,
                               size_t len, const char *default_region,
                               struct sift_err *err);

/* Formats for sift_number_format(). */
enum sift_number_format {
    SIFT_FORMAT_E164 = 0,      /* +18776430291 */
    SIFT_FORMAT_INTERNATIONAL, /* +1 877-643-0291 */
    SIFT_FORMAT_NATIONAL,      /* (877) 643-0291, 090-1234-5678 */
    SIFT_FORMAT_RFC3966        /* tel:+1-877-643-0291 */
};

/*
 * Write n formatted as fmt into buf (size bytes, NUL-terminated, truncated
 * if short). Returns the length the full text needs, excluding the NUL, as
 * snprintf does; 0 when n holds no number.
 */
size_t sift_number_format(const struct sift_number *n,
                          enum sift_number_format fmt, char *buf, size_t size);

enum sift_lang { SIFT_LANG_EN = 0, SIFT_LANG_JA };

/*
 * Geography of n in lang ("Tokyo", "東京", "Hawaii"), or the country name
 * when the metadata has nothing finer, or NULL. For Japanese, an English
 * place is returned where the Japanese data has only the country name.
 * The string is static.
 */
const char *sift_number_geography(const struct sift_number *n,
                                  enum sift_lang lang);

/* The carrier the range was first assigned to ("NTT Docomo"), or NULL.
 * Static. Numbers may have been ported away since. */
const char *sift_number_carrier(const struct sift_number *n);

/* The country or territory name of an ISO region ("United States",
 * "アメリカ合衆国"), or NULL. Static. */
const char *sift_region_name(const char *region, enum sift_lang lang);

/* How a call from caller to callee relates. */
struct sift_number_relation {
    bool known;         /* both ends (or the home region) were usable */
    bool international; /* caller's country differs from the callee's */
    bool same_prefix;   /* neighbour spoofing: all but the last 4 digits of
                           the callee's number, in the same country */
};

/*
 * Relate caller to callee. callee may be NULL or not a number, in which
 * case home_region (ISO alpha-2, may be NULL) stands for the callee's
 * country. Never fails; OUT: *rel is always written.
 */
void sift_number_relate(const struct sift_number *caller,
                        const struct sift_number *callee,
                        const char *home_region,
                        struct sift_number_relation *rel);

/* Stable lower-case names: "toll_free", "withheld", "not_a_number" ... */
const char *sift_number_type_name(enum sift_number_type type);
const char *sift_number_status_name(enum sift_number_status status);

/*
 * One sentence for people saying what the number is, in lang: "US/Canada
 * toll-free number — like 0120 in Japan", "Japanese IP phone (050)",
 * "Withheld (非通知): the caller hid the number". Written into buf as
 * sift_number_format() does; returns the length needed.
 */
size_t sift_number_describe(const struct sift_number *n, enum sift_lang lang,
                            char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
