/*
 * number_parse.c - libphonenumber's parse() semantics on a normalised
 * digit string, and the classification that follows it.
 *
 * parse_input.c has already done the string steps (URI forms, extraction,
 * viability, extension, normalisation to ASCII digits). Here, following
 * phonenumberutil.py 8.12.57:
 *   _maybe_extract_country_code: a leading plus, else the default region's
 *   international prefix (IDD; not when a 0 follows), else the default
 *   country code written without plus when that makes the number fit;
 *   _maybe_strip_national_prefix_carrier_code: the national prefix for
 *   parsing with its transform rule ("1|([457]\d{6})$" -> "268\1");
 *   the length tests; then region_code_for_number, get_number_type and
 *   is_valid_number for the result.
 *
 * Invariants: digit strings are ASCII and at most SIFT_NUMBER_MAX_INPUT
 * long; nothing allocates.
 */
#include <string.h>

#include "number_int.h"
#include "util/util.h"

#define BUF_LEN (SIFT_NUMBER_MAX_INPUT + 32)

static bool general_match(const struct sift__region *r, const char *s,
                          size_t len)
{
    return (sift__type_mask(r, s, len) & 1u) != 0;
}

/*
 * Strip the national prefix (and carrier code) as libphonenumber does.
 * Writes the result into buf (BUF_LEN) and returns its length; returns
 * len with buf a copy of s when nothing is stripped.
 */
static size_t strip_national_prefix(const struct sift__region *r, const char *s,
                                    size_t len, char *buf)
{
    struct sift__vm_match m;
    const char *rule;
    unsigned n_groups, last;
    size_t out = 0, i;
    bool viable;

    memcpy(buf, s, len);
    if (len == 0 || r->npp == SIFT__NONE)
        return len;
    if (!sift__vm_run(r->npp, s, len, &m))
        return len;
    viable = general_match(r, s, len);
    n_groups = (sift__vm_code[r->npp] >> 16) / 2;
    n_groups = n_groups > 0 ? n_groups - 1 : 0;
    last = n_groups;
    rule = sift__str(r->npp_rule);
    if (rule == NULL || rule[0] == '\0' || n_groups == 0 ||
        m.slot[2 * last] < 0 || m.slot[2 * last + 1] < 0) {
        if (viable && !general_match(r, s + m.end, len - (size_t)m.end))
            return len;
        memmove(buf, s + m.end, len - (size_t)m.end);
        return len - (size_t)m.end;
    }
    /* re.sub(pattern, rule, s, count=1): the match at 0 is replaced by
     * the rule with \N expanded; the rest follows. */
    for (i = 0; rule[i] != '\0' && out < BUF_LEN - 1; i++) {
        if (rule[i] == '\\' && rule[i + 1] >= '1' && rule[i + 1] <= '9') {
            unsigned g = (unsigned)(rule[i + 1] - '0');
            int a = g <= n_groups ? m.slot[2 * g] : -1;
            int b = g <= n_groups ? m.slot[2 * g + 1] : -1;

            if (a >= 0 && b >= a) {
                size_t n = (size_t)(b - a);

                if (out + n > BUF_LEN - 1)
                    n = BUF_LEN - 1 - out;
                memcpy(buf + out, s + a, n);
                out += n;
            }
            i++;
        } else {
            buf[out++] = rule[i];
        }
    }
    for (i = (size_t)m.end; i < len && out < BUF_LEN - 1; i++)
        buf[out++] = s[i];
    if (viable && !general_match(r, buf, out)) {
        memcpy(buf, s, len);
        return len;
    }
    return out;
}

/* Country calling codes are 1-3 digits and never start with 0. */
static unsigned extract_cc(const char *s, size_t len, size_t *cc_len)
{
    unsigned cc = 0;
    size_t i;

    if (len == 0 || s[0] == '0')
        return 0;
    for (i = 0; i < len && i < 3; i++) {
        cc = cc * 10 + (unsigned)(s[i] - '0');
        if (sift__cc_count[cc] != 0) {
            *cc_len = i + 1;
            return cc;
        }
    }
    return 0;
}

/*
 * _maybe_extract_country_code. Returns a status (OK, TOO_SHORT after an
 * IDD, INVALID_COUNTRY_CODE); *cc is 0 when no code is present, else
 * *rest and *rest_len hold the number after it (in buf when rewritten).
 */
static enum sift_number_status
extract_country_code(const char *s, size_t len, bool plus,
                     const struct sift__region *def, unsigned *cc,
                     enum sift_number_cc_source *src, const char **rest,
                     size_t *rest_len, char *buf)
{
    const char *full = s;
    size_t full_len = len, cc_len = 0;
    struct sift__vm_match m;

    *cc = 0;
    if (len == 0)
        return SIFT_NUMBER_OK;
    *src = SIFT_CC_FROM_DEFAULT;
    if (plus) {
        *src = SIFT_CC_FROM_PLUS;
    } else if (def != NULL && def->idd != SIFT__NONE &&
               sift__vm_run(def->idd, s, len, &m)) {
        /* Only an IDD when the next digit is not 0: country codes never
         * start with 0. */
        if ((size_t)m.end >= len || s[m.end] != '0') {
            *src = SIFT_CC_FROM_IDD;
            full = s + m.end;
            full_len = len - (size_t)m.end;
        }
    }
    if (*src != SIFT_CC_FROM_DEFAULT) {
        if (full_len <= 2)
            return SIFT_NUMBER_TOO_SHORT;
        *cc = extract_cc(full, full_len, &cc_len);
        if (*cc == 0)
            return SIFT_NUMBER_INVALID_COUNTRY_CODE;
        *rest = full + cc_len;
        *rest_len = full_len - cc_len;
        return SIFT_NUMBER_OK;
    }
    if (def != NULL) {
        char ccs[8];
        size_t ccs_len = 0, n;
        unsigned v = def->cc;

        /* The default region's code written without plus ("1877...")
         * counts when the number only fits with it stripped. */
        do {
            memmove(ccs + 1, ccs, ccs_len);
            ccs[0] = (char)('0' + v % 10);
            ccs_len++;
            v /= 10;
        } while (v != 0);
        if (len > ccs_len && memcmp(s, ccs, ccs_len) == 0) {
            n = strip_national_prefix(def, s + ccs_len, len - ccs_len, buf);
            if ((!general_match(def, s, len) && general_match(def, buf, n)) ||
                sift__test_length(def, len) == SIFT__LEN_TOO_LONG) {
                *cc = def->cc;
                *src = SIFT_CC_FROM_DIGITS;
                *rest = buf;
                *rest_len = n;
                return SIFT_NUMBER_OK;
            }
        }
    }
    return SIFT_NUMBER_OK;
}

enum sift_number_status sift__parse_digits(struct sift_number *out,
                                           const char *digits, size_t len,
                                           bool plus,
                                           const struct sift__region *def)
{
    char buf[BUF_LEN], buf2[BUF_LEN];
    const char *nn = NULL;
    size_t nn_len = 0, n;
    unsigned cc = 0;
    enum sift_number_cc_source src = SIFT_CC_FROM_DEFAULT;
    enum sift_number_status st;
    const struct sift__region *meta = def;

    st = extract_country_code(digits, len, plus, def, &cc, &src, &nn, &nn_len,
                              buf);
    if (st == SIFT_NUMBER_INVALID_COUNTRY_CODE && plus) {
        /* libphonenumber strips the plus and tries again. */
        st = extract_country_code(digits, len, false, def, &cc, &src, &nn,
                                  &nn_len, buf);
        if (st == SIFT_NUMBER_OK && cc == 0)
            st = SIFT_NUMBER_INVALID_COUNTRY_CODE;
    }
    if (st != SIFT_NUMBER_OK)
        return st;
    if (cc != 0) {
        meta = sift__region_main_for_cc(cc);
    } else {
        if (def == NULL)
            return SIFT_NUMBER_INVALID_COUNTRY_CODE;
        cc = def->cc;
        src = SIFT_CC_FROM_DEFAULT;
        nn = digits;
        nn_len = len;
    }
    if (nn_len < 2)
        return SIFT_NUMBER_TOO_SHORT;
    if (meta != NULL) {
        enum sift__length_result lr;

        n = strip_national_prefix(meta, nn, nn_len, buf2);
        lr = sift__test_length(meta, n);
        if (lr != SIFT__LEN_TOO_SHORT && lr != SIFT__LEN_LOCAL_ONLY &&
            lr != SIFT__LEN_INVALID) {
            nn = buf2;
            nn_len = n;
        }
    }
    if (nn_len < 2)
        return SIFT_NUMBER_TOO_SHORT;
    if (nn_len > SIFT_NUMBER_MAX_NSN)
        return SIFT_NUMBER_TOO_LONG;
    out->country_code = (uint16_t)cc;
    out->cc_source = src;
    memcpy(out->nsn, nn, nn_len);
    out->nsn[nn_len] = '\0';
    return SIFT_NUMBER_OK;
}

void sift__classify(struct sift_number *out)
{
    size_t len = strlen(out->nsn);
    const struct sift__region *r, *main_r;
    enum sift_number_type type = SIFT_TYPE_UNKNOWN;
    enum sift__length_result lr;

    main_r = sift__region_main_for_cc(out->country_code);
    r = sift__region_for_number(out->country_code, out->nsn, len);
    if (r != NULL)
        type = sift__number_type(r, out->nsn, len);
    else
        r = main_r;
    out->type = type;
    out->valid = type != SIFT_TYPE_UNKNOWN;
    if (r != NULL)
        memcpy(out->region, r->id, sizeof(out->region));
    else
        out->region[0] = '\0';
    if (main_r != NULL) {
        lr = sift__test_length(main_r, len);
        out->possible = lr == SIFT__LEN_POSSIBLE || lr == SIFT__LEN_LOCAL_ONLY;
    } else {
        out->possible = false;
    }
    /* "+" cc nsn: at most 1 + 3 + 17 bytes, within e164[23]. */
    {
        char ccs[4];
        size_t n = 0, k = 0;
        unsigned v = out->country_code;

        do {
            ccs[n++] = (char)('0' + v % 10);
            v /= 10;
        } while (v != 0 && n < sizeof(ccs));
        out->e164[k++] = '+';
        while (n > 0)
            out->e164[k++] = ccs[--n];
        memcpy(out->e164 + k, out->nsn, len + 1);
    }
}
