/* test-number-list.h - the number module's unit tests (see test-list.h). */
TEST_DECLARE(number_placeholder_parses_seed)

/* clang-format off */
#define TEST_NUMBER_ENTRIES                                                    \
    TEST_ENTRY(number_placeholder_parses_seed)
/* clang-format on */
