/*
 * number_format.c - sift_number_format(): E.164, international, national
 * and RFC 3966 text for a parsed number, as libphonenumber's
 * format_number() writes them (phonenumberutil.py 8.12.57).
 *
 * The formats of the country code's main region are used (US for +1, GB
 * for +44). The first format whose last leading-digits pattern matches a
 * prefix of the national significant number and whose pattern matches it
 * whole is applied: "\N" in the rule is replaced by capture group N. For
 * national text the rule with the national-prefix formatting rule folded
 * in ("(0\1)") is used; international text uses the intl formats where a
 * region has them. No format: the bare national number. RFC 3966 turns
 * each run of punctuation into one dash (RFC 3966 §5.1.1 visual
 * separators).
 *
 * Invariants: writes at most size bytes, NUL-terminated when size > 0;
 * returns the length the whole text needs.
 */
#include <string.h>

#include "number_int.h"
#include "util/util.h"

static const struct sift__format *choose_format(const struct sift__region *r,
                                                bool national, const char *nsn,
                                                size_t len)
{
    unsigned first, n, i;

    if (national || r->n_intl_fmt == 0) {
        first = r->fmt_first;
        n = r->n_fmt;
    } else {
        first = r->intl_fmt_first;
        n = r->n_intl_fmt;
    }
    for (i = 0; i < n; i++) {
        const struct sift__format *f =
            &sift__formats[sift__format_lists[first + i]];
        struct sift__vm_match m;

        if (f->leading != SIFT__NONE &&
            !sift__prefix_match(f->leading, nsn, len))
            continue;
        if (sift__vm_run(f->prog_full, nsn, len, &m))
            return f;
    }
    return NULL;
}

/* Apply rule to nsn with the captures of f's pattern (re.sub, count 1). */
static void apply_rule(struct sift__sbuf *sb, const struct sift__format *f,
                       const char *rule, const char *nsn, size_t len)
{
    struct sift__vm_match m;
    size_t i;

    if (!sift__vm_run(f->prog, nsn, len, &m)) {
        sift__sbuf_add(sb, nsn, len);
        return;
    }
    for (i = 0; rule[i] != '\0'; i++) {
        if (rule[i] == '\\' && rule[i + 1] >= '1' && rule[i + 1] <= '9') {
            unsigned g = (unsigned)(rule[i + 1] - '0');

            if (2 * g + 1 < SIFT__VM_MAX_SLOTS && m.slot[2 * g] >= 0 &&
                m.slot[2 * g + 1] >= m.slot[2 * g])
                sift__sbuf_add(sb, nsn + m.slot[2 * g],
                               (size_t)(m.slot[2 * g + 1] - m.slot[2 * g]));
            i++;
        } else {
            sift__sbuf_addc(sb, rule[i]);
        }
    }
    sift__sbuf_add(sb, nsn + m.end, len - (size_t)m.end);
}

/* ASCII members of libphonenumber's _VALID_PUNCTUATION; format rules use
 * no others. */
static bool is_sep(char c)
{
    return c == '-' || c == 'x' || c == ' ' || c == '(' || c == ')' ||
           c == '.' || c == '[' || c == ']' || c == '/' || c == '~';
}

size_t sift_number_format(const struct sift_number *n,
                          enum sift_number_format fmt, char *buf, size_t size)
{
    struct sift__sbuf sb;
    const struct sift__region *r;
    const struct sift__format *f = NULL;
    char body[96];
    struct sift__sbuf bb;
    size_t len;

    sift__sbuf_init(&sb, buf, size);
    if (n == NULL || n->status != SIFT_NUMBER_OK || n->nsn[0] == '\0')
        return 0;
    len = sift__nlen(n->nsn, sizeof(n->nsn));
    if (fmt == SIFT_FORMAT_E164) {
        sift__sbuf_addc(&sb, '+');
        sift__sbuf_add_uint(&sb, n->country_code);
        sift__sbuf_add(&sb, n->nsn, len);
        return sb.len;
    }
    r = sift__region_main_for_cc(n->country_code);
    sift__sbuf_init(&bb, body, sizeof(body));
    if (r != NULL)
        f = choose_format(r, fmt == SIFT_FORMAT_NATIONAL, n->nsn, len);
    if (f == NULL)
        sift__sbuf_add(&bb, n->nsn, len);
    else
        apply_rule(&bb, f,
                   sift__str(fmt == SIFT_FORMAT_NATIONAL ? f->nat_fmt : f->fmt),
                   n->nsn, len);
    switch (fmt) {
    case SIFT_FORMAT_NATIONAL:
        sift__sbuf_adds(&sb, body);
        break;
    case SIFT_FORMAT_INTERNATIONAL:
        sift__sbuf_addc(&sb, '+');
        sift__sbuf_add_uint(&sb, n->country_code);
        sift__sbuf_addc(&sb, ' ');
        sift__sbuf_adds(&sb, body);
        break;
    default: {
        const char *p = body;
        bool in_sep = false;

        sift__sbuf_adds(&sb, "tel:+");
        sift__sbuf_add_uint(&sb, n->country_code);
        sift__sbuf_addc(&sb, '-');
        while (*p != '\0' && is_sep(*p))
            p++;
        for (; *p != '\0'; p++) {
            if (is_sep(*p)) {
                in_sep = true;
                continue;
            }
            if (in_sep)
                sift__sbuf_addc(&sb, '-');
            in_sep = false;
            sift__sbuf_addc(&sb, *p);
        }
        if (in_sep)
            sift__sbuf_addc(&sb, '-');
        break;
    }
    }
    if (n->extension[0] != '\0') {
        const char *pre = r ? sift__str(r->extn_prefix) : NULL;

        if (fmt == SIFT_FORMAT_RFC3966)
            sift__sbuf_adds(&sb, ";ext=");
        else
            sift__sbuf_adds(&sb, pre ? pre : " ext. ");
        sift__sbuf_adds(&sb, n->extension);
    }
    return sb.len;
}
