/* test-number-list.h - the number module's unit tests (see test-list.h). */
TEST_DECLARE(number_table_rows_match)
TEST_DECLARE(number_examples_classify)
TEST_DECLARE(number_parse_rejects_malformed)
TEST_DECLARE(number_format_matches_libphonenumber)
TEST_DECLARE(number_geography_en_and_ja)
TEST_DECLARE(number_carrier_names_first_assignee)
TEST_DECLARE(number_vm_shortcut_matches_pike_vm)
TEST_DECLARE(number_parse_plain_matches_general)

/* clang-format off */
#define TEST_NUMBER_ENTRIES                                                    \
    TEST_ENTRY(number_table_rows_match)                                        \
    TEST_ENTRY(number_examples_classify)                                       \
    TEST_ENTRY(number_parse_rejects_malformed)                                 \
    TEST_ENTRY(number_format_matches_libphonenumber)                           \
    TEST_ENTRY(number_geography_en_and_ja)                                     \
    TEST_ENTRY(number_carrier_names_first_assignee)                            \
    TEST_ENTRY(number_vm_shortcut_matches_pike_vm)                             \
    TEST_ENTRY(number_parse_plain_matches_general)
/* clang-format on */
