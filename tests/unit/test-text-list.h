/* test-text-list.h - the text module's unit tests (see test-list.h). */
TEST_DECLARE(text_normalize_table)
TEST_DECLARE(text_normalize_fast_path_agrees)
TEST_DECLARE(text_normalize_repairs_invalid_utf8)
TEST_DECLARE(text_normalize_refuses_too_big)
TEST_DECLARE(text_rules_errors_name_file_line)
TEST_DECLARE(text_rules_when_atoms_and_weights)
TEST_DECLARE(text_scan_seed_voicemail)
TEST_DECLARE(text_rules_cache_dir)
TEST_DECLARE(text_rules_end_word_matches_as_written)
TEST_DECLARE(text_rules_literals_found_in_the_same_scan)
TEST_DECLARE(text_rules_tie_at_one_end_keeps_the_earlier_line)
TEST_DECLARE(text_repetition_finds_the_repeated_message)
TEST_DECLARE(text_urls_table)
TEST_DECLARE(text_url_lookalike)
TEST_DECLARE(text_url_lists_file_matches_builtin)

/* clang-format off */
#define TEST_TEXT_ENTRIES                                                      \
    TEST_ENTRY(text_normalize_table)                                           \
    TEST_ENTRY(text_normalize_fast_path_agrees)                                \
    TEST_ENTRY(text_normalize_repairs_invalid_utf8)                            \
    TEST_ENTRY(text_normalize_refuses_too_big)                                 \
    TEST_ENTRY(text_rules_errors_name_file_line)                               \
    TEST_ENTRY(text_rules_when_atoms_and_weights)                              \
    TEST_ENTRY(text_scan_seed_voicemail)                                       \
    TEST_ENTRY(text_rules_cache_dir)                                           \
    TEST_ENTRY(text_rules_end_word_matches_as_written)                         \
    TEST_ENTRY(text_rules_literals_found_in_the_same_scan)                     \
    TEST_ENTRY(text_rules_tie_at_one_end_keeps_the_earlier_line)               \
    TEST_ENTRY(text_repetition_finds_the_repeated_message)                     \
    TEST_ENTRY(text_urls_table)                                                \
    TEST_ENTRY(text_url_lookalike)                                             \
    TEST_ENTRY(text_url_lists_file_matches_builtin)
/* clang-format on */
