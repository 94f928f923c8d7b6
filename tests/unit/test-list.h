/*
 * test-list.h - every unit test, registered once. Add TEST_DECLARE(name)
 * and TEST_ENTRY(name) beside its module's others.
 */
#define TEST_DECLARE(name) int run_test_##name(void);

TEST_DECLARE(util_strerror_names_every_code)
TEST_DECLARE(util_allocator_counts)
TEST_DECLARE(util_err_set_formats_detail)
TEST_DECLARE(util_fixed2_matches_printf)
TEST_DECLARE(util_utf8_seq_validates)
TEST_DECLARE(util_join_matches_snprintf)
TEST_DECLARE(util_add_uint_matches_printf)
#include "test-number-list.h"
#include "test-text-list.h"
#include "test-engine-list.h"
#include "test-store-list.h"
#include "test-reputation-list.h"
#include "test-stir-list.h"
#include "test-record-list.h"

#define TEST_ENTRY(name) {#name, run_test_##name},

/* clang-format off */
#define TEST_TABLE                                                             \
    TEST_ENTRY(util_strerror_names_every_code)                                 \
    TEST_ENTRY(util_allocator_counts)                                          \
    TEST_ENTRY(util_err_set_formats_detail)                                    \
    TEST_ENTRY(util_fixed2_matches_printf)                                     \
    TEST_ENTRY(util_utf8_seq_validates)                                        \
    TEST_ENTRY(util_join_matches_snprintf)                                     \
    TEST_ENTRY(util_add_uint_matches_printf)                                   \
    TEST_NUMBER_ENTRIES                                                        \
    TEST_TEXT_ENTRIES                                                          \
    TEST_ENGINE_ENTRIES                                                        \
    TEST_STORE_ENTRIES                                                         \
    TEST_REPUTATION_ENTRIES                                                    \
    TEST_STIR_ENTRIES                                                          \
    TEST_RECORD_ENTRIES
/* clang-format on */
