/* test-engine-list.h - the engine's and the orgs loader's unit tests. */
TEST_DECLARE(engine_every_signal_explains_itself)
TEST_DECLARE(engine_seed_call_is_blocked_with_reasons)
TEST_DECLARE(engine_verdict_carries_the_text_fingerprint)
TEST_DECLARE(engine_repetition_is_for_calls_only)
TEST_DECLARE(engine_seed_number_alone_is_at_least_label)
TEST_DECLARE(engine_ordinary_calls_are_allowed)
TEST_DECLARE(engine_withheld_and_malformed_callers)
TEST_DECLARE(engine_sms_lookalike_link)
TEST_DECLARE(engine_text_over_limit_is_refused)
TEST_DECLARE(engine_broken_files_name_the_line)
TEST_DECLARE(engine_allow_list_wins)
TEST_DECLARE(engine_event_json_is_strict)
TEST_DECLARE(engine_event_json_fast_matches_general)
TEST_DECLARE(engine_verdict_json_escapes_strings)
TEST_DECLARE(engine_labelled_cases_meet_targets)
TEST_DECLARE(orgs_load_shipped_files)
TEST_DECLARE(orgs_domain_owner_matches_scan)
TEST_DECLARE(orgs_find_prefers_longest_alias)
TEST_DECLARE(orgs_found_from_the_rules_scan_equals_find)
TEST_DECLARE(orgs_broken_file_names_line)
TEST_DECLARE(util_aho_corasick_finds_all)

/* clang-format off */
#define TEST_ENGINE_ENTRIES                                                    \
    TEST_ENTRY(engine_every_signal_explains_itself)                            \
    TEST_ENTRY(engine_seed_call_is_blocked_with_reasons)                       \
    TEST_ENTRY(engine_verdict_carries_the_text_fingerprint)                    \
    TEST_ENTRY(engine_repetition_is_for_calls_only)                            \
    TEST_ENTRY(engine_seed_number_alone_is_at_least_label)                     \
    TEST_ENTRY(engine_ordinary_calls_are_allowed)                              \
    TEST_ENTRY(engine_withheld_and_malformed_callers)                          \
    TEST_ENTRY(engine_sms_lookalike_link)                                      \
    TEST_ENTRY(engine_text_over_limit_is_refused)                              \
    TEST_ENTRY(engine_broken_files_name_the_line)                              \
    TEST_ENTRY(engine_allow_list_wins)                                         \
    TEST_ENTRY(engine_event_json_is_strict)                                    \
    TEST_ENTRY(engine_event_json_fast_matches_general)                         \
    TEST_ENTRY(engine_verdict_json_escapes_strings)                            \
    TEST_ENTRY(engine_labelled_cases_meet_targets)                             \
    TEST_ENTRY(orgs_load_shipped_files)                                        \
    TEST_ENTRY(orgs_domain_owner_matches_scan)                                 \
    TEST_ENTRY(orgs_find_prefers_longest_alias)                                \
    TEST_ENTRY(orgs_found_from_the_rules_scan_equals_find)                     \
    TEST_ENTRY(orgs_broken_file_names_line)                                    \
    TEST_ENTRY(util_aho_corasick_finds_all)
/* clang-format on */
