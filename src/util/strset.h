/*
 * strset.h - a set of borrowed strings with a 32-bit value each, for the
 * hot path's lookups of whole strings and of a host's suffixes (URL lists,
 * organisations' domains): open addressing, FNV-1a, built once at load and
 * read-only afterwards (any number of threads may look up).
 *
 * The strings are not copied: they must outlive the set.
 */
#ifndef SIFT_STRSET_H
#define SIFT_STRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callsift/common.h"

struct sift__strset_slot {
    const char *s; /* NULL: empty */
    uint32_t len;
    uint32_t hash;
    uint32_t value;
};

struct sift__strset {
    struct sift__strset_slot *slot;
    size_t mask; /* slots - 1 */
    size_t n;
};

/* How two values for one string, or for a host and the domains above it
 * (get_under()), become one. */
enum sift__strset_merge {
    SIFT__STRSET_MIN = 0, /* the smaller (an index: the first listed) */
    SIFT__STRSET_OR       /* or-ed (bit sets) */
};

/* Add s[0..len) with value (the set grows as needed). */
enum sift_rc sift__strset_put(struct sift__strset *set, const char *s,
                              size_t len, uint32_t value,
                              enum sift__strset_merge merge);

/* The value of s[0..len) into *value; false when absent. */
bool sift__strset_get(const struct sift__strset *set, const char *s, size_t len,
                      uint32_t *value);

/* The values of host[0..len) and of every domain it is under (each suffix
 * that starts a label), merged, into *value; false when none is there. */
bool sift__strset_get_under(const struct sift__strset *set, const char *host,
                            size_t len, enum sift__strset_merge merge,
                            uint32_t *value);

void sift__strset_free(struct sift__strset *set);

#endif
