/*
 * test.h - the unit-test harness shared by tests/unit and bench/.
 *
 * A test is TEST_IMPL(name) { ... } in tests/unit/test-<module>.c,
 * registered once in tests/unit/test-list.h. The runner (runner.c) runs
 * each test in its own child process with a timeout and an allocation
 * counter, and prints TAP. Assertions print both values and the place.
 */
#ifndef SIFT_TEST_H
#define SIFT_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_IMPL(name)                                                        \
    int run_test_##name(void);                                                 \
    int run_test_##name(void)

/* Exit code of a skipped test; the reason goes to the runner's pipe. */
#define TEST_SKIP_CODE 77

void sift_test_skip(const char *reason);
/* Path of the repository root (where tests/data lives). */
const char *sift_test_root(void);
/* The number of live allocations made through sift_malloc. */
long sift_test_live_allocations(void);

#define RETURN_SKIP(reason)                                                    \
    do {                                                                       \
        sift_test_skip(reason);                                                \
        return TEST_SKIP_CODE;                                                 \
    } while (0)

#define TEST_FAIL_(...)                                                        \
    do {                                                                       \
        fprintf(stderr, "# %s:%d: ", __FILE__, __LINE__);                      \
        fprintf(stderr, __VA_ARGS__);                                          \
        fprintf(stderr, "\n");                                                 \
        fflush(stderr);                                                        \
        abort();                                                               \
    } while (0)

#define ASSERT(expr)                                                           \
    do {                                                                       \
        if (!(expr))                                                           \
            TEST_FAIL_("assertion failed: %s", #expr);                         \
    } while (0)

#define ASSERT_EQ(a, b)                                                        \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        if (a_ != b_)                                                          \
            TEST_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_);              \
    } while (0)

#define ASSERT_NE(a, b)                                                        \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        if (a_ == b_)                                                          \
            TEST_FAIL_("%s != %s: both %lld", #a, #b, a_);                     \
    } while (0)

#define ASSERT_STR_EQ(a, b)                                                    \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                   \
            TEST_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b,                   \
                       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                \
    } while (0)

#define ASSERT_NULL(a)     ASSERT((a) == NULL)
#define ASSERT_NOT_NULL(a) ASSERT((a) != NULL)

#endif
