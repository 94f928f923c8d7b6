/*
 * strset.c - see strset.h.
 */
#include <string.h>

#include "util/strset.h"
#include "util/util.h"

static uint32_t hash_of(const char *s, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot holding s, or the empty slot where it would go. */
static size_t find(const struct sift__strset_slot *slot, size_t mask,
                   const char *s, size_t len, uint32_t h)
{
    size_t i = h & mask;

    while (slot[i].s != NULL && !(slot[i].hash == h && slot[i].len == len &&
                                  memcmp(slot[i].s, s, len) == 0))
        i = (i + 1) & mask;
    return i;
}

static uint32_t merge_values(uint32_t a, uint32_t b,
                             enum sift__strset_merge merge)
{
    if (merge == SIFT__STRSET_OR)
        return a | b;
    return a < b ? a : b;
}

/* Grow to keep the set at most half full. */
static enum sift_rc grow(struct sift__strset *set)
{
    size_t cap = set->slot ? (set->mask + 1) * 2 : 32;
    struct sift__strset_slot *slot = sift_calloc(cap, sizeof(*slot));

    if (slot == NULL)
        return SIFT_ENOMEM;
    for (size_t i = 0; set->slot && i <= set->mask; i++)
        if (set->slot[i].s != NULL)
            slot[find(slot, cap - 1, set->slot[i].s, set->slot[i].len,
                      set->slot[i].hash)] = set->slot[i];
    sift_free(set->slot);
    set->slot = slot;
    set->mask = cap - 1;
    return SIFT_OK;
}

enum sift_rc sift__strset_put(struct sift__strset *set, const char *s,
                              size_t len, uint32_t value,
                              enum sift__strset_merge merge)
{
    struct sift__strset_slot *sl;
    uint32_t h = hash_of(s, len);

    if (len > UINT32_MAX)
        return SIFT_EINVAL;
    if (set->slot == NULL || 2 * (set->n + 1) > set->mask + 1) {
        enum sift_rc rc = grow(set);

        if (rc != SIFT_OK)
            return rc;
    }
    sl = &set->slot[find(set->slot, set->mask, s, len, h)];
    if (sl->s != NULL) {
        sl->value = merge_values(sl->value, value, merge);
        return SIFT_OK;
    }
    sl->s = s;
    sl->len = (uint32_t)len;
    sl->hash = h;
    sl->value = value;
    set->n++;
    return SIFT_OK;
}

bool sift__strset_get(const struct sift__strset *set, const char *s, size_t len,
                      uint32_t *value)
{
    const struct sift__strset_slot *sl;

    if (set->slot == NULL)
        return false;
    sl = &set->slot[find(set->slot, set->mask, s, len, hash_of(s, len))];
    if (sl->s == NULL)
        return false;
    *value = sl->value;
    return true;
}

bool sift__strset_get_under(const struct sift__strset *set, const char *host,
                            size_t len, enum sift__strset_merge merge,
                            uint32_t *value)
{
    const char *p = host, *end = host + len;
    bool found = false;
    uint32_t v;

    while (p != NULL) {
        if (sift__strset_get(set, p, (size_t)(end - p), &v)) {
            *value = found ? merge_values(*value, v, merge) : v;
            found = true;
        }
        p = memchr(p, '.', (size_t)(end - p));
        if (p != NULL)
            p++;
    }
    return found;
}

void sift__strset_free(struct sift__strset *set)
{
    sift_free(set->slot);
    memset(set, 0, sizeof(*set));
}
