/* test-record-list.h - logging checked events (tests/unit/test-record.c). */
TEST_DECLARE(record_logs_calls_and_feeds_call_patterns)
TEST_DECLARE(record_same_text_from_three_numbers_forms_a_campaign)
TEST_DECLARE(record_states_are_logged_but_form_no_campaign)
TEST_DECLARE(record_in_steps_matches_one_call)

/* clang-format off */
#define TEST_RECORD_ENTRIES                                                    \
    TEST_ENTRY(record_logs_calls_and_feeds_call_patterns)                      \
    TEST_ENTRY(record_same_text_from_three_numbers_forms_a_campaign)           \
    TEST_ENTRY(record_states_are_logged_but_form_no_campaign)               \
    TEST_ENTRY(record_in_steps_matches_one_call)
/* clang-format on */
