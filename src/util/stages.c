/*
 * stages.c - the counters of util/stages.h, in every build of the
 * library (only one built with -DSIFT_STAGE_TIMING writes them).
 */
#include "util/stages.h"

uint64_t sift__stage_ticks[SIFT__STAGE_COUNT];

const char *const sift__stage_names[SIFT__STAGE_COUNT] = {
    "numbers (parse both, relate, number signals)",
    "normalise (and the fingerprint, with reputation)",
    "rules and aliases (vectorscan, when, hits)",
    "repetition (it runs on calls only)",
    "hits to signals",
    "links",
    "organisations",
    "reputation (assess and its signals)",
    "score and advice",
};
