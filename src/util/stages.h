/*
 * stages.h - where a check's time goes, measured inside the check.
 *
 * A library built with -DSIFT_STAGE_TIMING (build/stages/, `make
 * bench-check` builds and runs it) adds the time of each stage of
 * sift_engine_check() to sift__stage_ticks[] as the check runs it. The
 * stages timed alone (bench-check's other table) run the same code over
 * the same texts again and again, so the branch predictor and the caches
 * hold that stage only: a stage that branches on the text looked cheap
 * alone and cost a sixth of a check inside it (bench/README.md, "Ninth
 * session"). In any other build the marks compile to nothing.
 *
 * Ticks are the time-stamp counter on x86-64, nanoseconds elsewhere; the
 * bench converts them with the wall clock of the same run. The counters
 * are plain globals: a timing build is for one thread (the bench), never
 * for the server.
 */
#ifndef SIFT_UTIL_STAGES_H
#define SIFT_UTIL_STAGES_H

#include <stdint.h>

enum sift__stage {
    SIFT__STAGE_NUMBERS,   /* both parses, their relation, number signals */
    SIFT__STAGE_NORMALISE, /* and, with reputation, the fingerprint */
    SIFT__STAGE_SCAN,      /* vectorscan, `when` lines, hits */
    SIFT__STAGE_REPETITION,
    SIFT__STAGE_SIGNALS, /* text hits, link, organisation signals */
    SIFT__STAGE_LINKS,
    SIFT__STAGE_ORGS,
    SIFT__STAGE_REPUTATION,
    SIFT__STAGE_ADVICE, /* the score, the action and the advice */
    SIFT__STAGE_COUNT
};

/* Every build has the array; only a timing build writes it. */
extern uint64_t sift__stage_ticks[SIFT__STAGE_COUNT];
extern const char *const sift__stage_names[SIFT__STAGE_COUNT];

#ifdef SIFT_STAGE_TIMING
#include <time.h>

static inline uint64_t sift__ticks(void)
{
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

/* A stage's time runs from the last mark (or STAGES_BEGIN) to the next. */
#define STAGES_BEGIN() uint64_t stage_t_ = sift__ticks()
#define STAGE_END(s)                                                           \
    do {                                                                       \
        uint64_t n_ = sift__ticks();                                           \
        sift__stage_ticks[s] += n_ - stage_t_;                                 \
        stage_t_ = n_;                                                         \
    } while (0)
/* A stage timed inside another's span (the repetition detector inside
 * the scan's call): its time moves from outer to s. */
#define SUBSTAGE_BEGIN(v) uint64_t v = sift__ticks()
#define SUBSTAGE_END(v, s, outer)                                              \
    do {                                                                       \
        uint64_t d_ = sift__ticks() - (v);                                     \
        sift__stage_ticks[s] += d_;                                            \
        sift__stage_ticks[outer] -= d_;                                        \
    } while (0)
#else
#define STAGES_BEGIN()            ((void)0)
#define STAGE_END(s)              ((void)0)
#define SUBSTAGE_BEGIN(v)         ((void)0)
#define SUBSTAGE_END(v, s, outer) ((void)0)
#endif

#endif
