/*
 * number_geo.c - geography, carrier and country names from the generated
 * prefix tables (libphonenumber's geocoding and carrier data, 8.12.57).
 *
 * A lookup takes the E.164 digits and tries the longest prefix first, as
 * libphonenumber's _prefix_description_for_number does; each prefix
 * length has its own sorted key range, searched by bisection.
 *
 * Geography follows description_for_number(): nothing for invalid
 * numbers; the country name for types that are not geographic (toll
 * free, premium ...); the place for fixed lines (and mobiles in the
 * countries whose mobiles are geographic), else the country name. In
 * Japanese the ja entry is used unless the English data knows a finer
 * place (longer prefix), which is then given in English: "Hawaii" for
 * +1 808, where libphonenumber would give nothing.
 *
 * Invariants: returned strings are static; no allocation.
 */
#include <string.h>

#include "number_int.h"
#include "util/util.h"

/* Longest-prefix match of digits in t; the string id, or -1. */
static long lookup(const struct sift__prefix_table *t, const char *digits,
                   size_t n, size_t *matched)
{
    size_t l;

    if (n > 10)
        n = 10;
    for (l = n; l >= 1; l--) {
        uint32_t key = 0;
        size_t i, lo = t->first[l], hi = t->first[l + 1];

        for (i = 0; i < l; i++)
            key = key * 10 + (uint32_t)(digits[i] - '0');
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;

            if (t->key[mid] < key)
                lo = mid + 1;
            else if (t->key[mid] > key)
                hi = mid;
            else {
                *matched = l;
                return t->val[mid];
            }
        }
    }
    *matched = 0;
    return -1;
}

static const char *str_id(long id)
{
    return sift__pool + sift__str_off[id];
}

static const char *region_name(const struct sift__region *r,
                               enum sift_lang lang)
{
    const char *s = NULL;

    if (r == NULL)
        return NULL;
    if (lang == SIFT_LANG_JA)
        s = sift__str(r->name_ja);
    if (s == NULL)
        s = sift__str(r->name_en);
    return s;
}

const char *sift_region_name(const char *region, enum sift_lang lang)
{
    return region_name(sift__region_by_iso(region), lang);
}

const char *sift_number_geography(const struct sift_number *n,
                                  enum sift_lang lang)
{
    const struct sift__region *r;
    const char *digits, *country, *country_en;
    size_t len, en_len, ja_len;
    long en, ja;
    bool geographic;

    if (n == NULL || n->status != SIFT_NUMBER_OK || !n->valid)
        return NULL;
    r = sift__region_by_iso(n->region);
    country = region_name(r, lang);
    country_en = region_name(r, SIFT_LANG_EN);
    geographic = n->type == SIFT_TYPE_FIXED_LINE ||
                 n->type == SIFT_TYPE_FIXED_LINE_OR_MOBILE ||
                 (n->type == SIFT_TYPE_MOBILE &&
                  (n->country_code == 52 || n->country_code == 54 ||
                   n->country_code == 55 || n->country_code == 62 ||
                   n->country_code == 86));
    if (!geographic)
        return country;
    digits = n->e164 + 1;
    len = sift__nlen(digits, sizeof(n->e164) - 1);
    en = lookup(&sift__geo_en, digits, len, &en_len);
    if (lang == SIFT_LANG_EN)
        return en >= 0 ? str_id(en) : country;
    ja = lookup(&sift__geo_ja, digits, len, &ja_len);
    if (ja >= 0 && ja_len >= en_len)
        return str_id(ja);
    if (en >= 0 && (country_en == NULL || strcmp(str_id(en), country_en) != 0))
        return str_id(en);
    if (ja >= 0)
        return str_id(ja);
    return country;
}

const char *sift_number_carrier(const struct sift_number *n)
{
    size_t matched;
    long id;

    if (n == NULL || n->status != SIFT_NUMBER_OK || !n->valid)
        return NULL;
    if (n->type != SIFT_TYPE_MOBILE &&
        n->type != SIFT_TYPE_FIXED_LINE_OR_MOBILE && n->type != SIFT_TYPE_PAGER)
        return NULL;
    id = lookup(&sift__carrier_en, n->e164 + 1,
                sift__nlen(n->e164 + 1, sizeof(n->e164) - 1), &matched);
    return id >= 0 ? str_id(id) : NULL;
}
