/* test-reputation-list.h - the reputation index and its engine signals. */
TEST_DECLARE(reputation_one_reporter_counts_once)
TEST_DECLARE(reputation_most_reported_counts_each_reporter_once)
TEST_DECLARE(reputation_three_reporters_block_two_do_not)
TEST_DECLARE(reputation_old_reports_fade)
TEST_DECLARE(reputation_safe_reports_lower)
TEST_DECLARE(reputation_distinct_reporters_stay_bounded)
TEST_DECLARE(reputation_sender_ids_are_keys)
TEST_DECLARE(reputation_callee_allow_beats_global_prefix_block)
TEST_DECLARE(reputation_list_block_blocks_whatever_the_score)
TEST_DECLARE(reputation_list_expiry_and_removal)
TEST_DECLARE(reputation_type_rules)
TEST_DECLARE(reputation_call_burst)
TEST_DECLARE(reputation_call_repeat)
TEST_DECLARE(reputation_call_wangiri)
TEST_DECLARE(reputation_fingerprint_finds_near_duplicates)
TEST_DECLARE(reputation_campaign_forms_and_is_inherited)
TEST_DECLARE(reputation_campaign_search_matches_a_scan)
TEST_DECLARE(reputation_cluster_search_matches_a_scan)
TEST_DECLARE(reputation_fingerprint_matches_a_reference)
TEST_DECLARE(reputation_assess_many_equals_assess)
TEST_DECLARE(reputation_assess_runs_beside_writes)
TEST_DECLARE(reputation_lock_free_reads_beside_every_write)
TEST_DECLARE(reputation_grown_table_outlives_its_readers)
TEST_DECLARE(reputation_number_key_matches_digit_by_digit)

/* clang-format off */
#define TEST_REPUTATION_ENTRIES                                                \
    TEST_ENTRY(reputation_one_reporter_counts_once)                            \
    TEST_ENTRY(reputation_most_reported_counts_each_reporter_once)             \
    TEST_ENTRY(reputation_three_reporters_block_two_do_not)                    \
    TEST_ENTRY(reputation_old_reports_fade)                                    \
    TEST_ENTRY(reputation_safe_reports_lower)                                  \
    TEST_ENTRY(reputation_distinct_reporters_stay_bounded)                     \
    TEST_ENTRY(reputation_sender_ids_are_keys)                                 \
    TEST_ENTRY(reputation_callee_allow_beats_global_prefix_block)              \
    TEST_ENTRY(reputation_list_block_blocks_whatever_the_score)                \
    TEST_ENTRY(reputation_list_expiry_and_removal)                             \
    TEST_ENTRY(reputation_type_rules)                                          \
    TEST_ENTRY(reputation_call_burst)                                          \
    TEST_ENTRY(reputation_call_repeat)                                         \
    TEST_ENTRY(reputation_call_wangiri)                                        \
    TEST_ENTRY(reputation_fingerprint_finds_near_duplicates)                   \
    TEST_ENTRY(reputation_campaign_forms_and_is_inherited)                     \
    TEST_ENTRY(reputation_campaign_search_matches_a_scan)                      \
    TEST_ENTRY(reputation_cluster_search_matches_a_scan)                       \
    TEST_ENTRY(reputation_fingerprint_matches_a_reference)                     \
    TEST_ENTRY(reputation_assess_many_equals_assess)                           \
    TEST_ENTRY(reputation_assess_runs_beside_writes)                           \
    TEST_ENTRY(reputation_lock_free_reads_beside_every_write)                  \
    TEST_ENTRY(reputation_grown_table_outlives_its_readers)                    \
    TEST_ENTRY(reputation_number_key_matches_digit_by_digit)
/* clang-format on */
