/*
 * ac.h - an Aho-Corasick automaton over bytes: find every occurrence of a
 * set of literal strings in one pass over a text. Built once (allocates),
 * searched many times (never allocates; safe from many threads at once).
 *
 * Used for the organisations' brand tokens, searched in the host names of
 * links (short inputs). Longer texts go to vectorscan instead: each step
 * here waits on the previous table load, which vectorscan's literal
 * matcher avoids (orgs.c finds aliases in message texts that way).
 */
#ifndef SIFT_AC_H
#define SIFT_AC_H

#include <stddef.h>
#include <stdint.h>

#include "callsift/common.h"

struct sift__ac;

/* Called for each match: id of the pattern, end offset (exclusive) in the
 * text. Return non-zero to stop the search. */
typedef int (*sift__ac_match_fn)(void *ctx, uint32_t id, size_t end);

/*
 * Build an automaton from n patterns (pats[i] of lens[i] bytes, ids[i] its
 * id; empty patterns are skipped). OUT: *out, free with sift__ac_free().
 */
enum sift_rc sift__ac_build(struct sift__ac **out, const char *const *pats,
                            const size_t *lens, const uint32_t *ids, size_t n);

void sift__ac_free(struct sift__ac *ac);

/* Report every occurrence in text (overlapping ones included). Returns the
 * callback's non-zero value when it stopped the search, else 0. */
int sift__ac_search(const struct sift__ac *ac, const char *text, size_t len,
                    sift__ac_match_fn fn, void *ctx);

#endif
