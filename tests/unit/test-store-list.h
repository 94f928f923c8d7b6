/* test-store-list.h - the store's unit tests (tests/unit/test-store.c). */
TEST_DECLARE(store_open_migrates_and_reopens)
TEST_DECLARE(store_path_from_environment)
TEST_DECLARE(store_report_round_trip)
TEST_DECLARE(store_dedupe_makes_imports_idempotent)
TEST_DECLARE(store_migration_2_keeps_imports_idempotent)
TEST_DECLARE(store_batch_keeps_the_first_of_equal_rows)
TEST_DECLARE(store_limits_refuse_the_whole_batch)
TEST_DECLARE(store_list_round_trip_and_remove)
TEST_DECLARE(store_call_log_round_trip_and_prune)
TEST_DECLARE(store_recent_calls_stop_at_the_newest_messages)
TEST_DECLARE(store_campaign_round_trip)
TEST_DECLARE(store_campaign_by_id_by_number_and_count)
TEST_DECLARE(store_reporter_identity_only_hashed)
TEST_DECLARE(store_integrity_check_finds_damage)
TEST_DECLARE(store_two_handles_see_each_others_writes)
TEST_DECLARE(store_crash_safe_commits_outlive_kill_9)

/* clang-format off */
#define TEST_STORE_ENTRIES                                                     \
    TEST_ENTRY(store_open_migrates_and_reopens)                                \
    TEST_ENTRY(store_path_from_environment)                                    \
    TEST_ENTRY(store_report_round_trip)                                        \
    TEST_ENTRY(store_dedupe_makes_imports_idempotent)                          \
    TEST_ENTRY(store_migration_2_keeps_imports_idempotent)                     \
    TEST_ENTRY(store_batch_keeps_the_first_of_equal_rows)                      \
    TEST_ENTRY(store_limits_refuse_the_whole_batch)                            \
    TEST_ENTRY(store_list_round_trip_and_remove)                               \
    TEST_ENTRY(store_call_log_round_trip_and_prune)                            \
    TEST_ENTRY(store_recent_calls_stop_at_the_newest_messages)                 \
    TEST_ENTRY(store_campaign_round_trip)                                      \
    TEST_ENTRY(store_campaign_by_id_by_number_and_count)                       \
    TEST_ENTRY(store_reporter_identity_only_hashed)                            \
    TEST_ENTRY(store_integrity_check_finds_damage)                             \
    TEST_ENTRY(store_two_handles_see_each_others_writes)                       \
    TEST_ENTRY(store_crash_safe_commits_outlive_kill_9)
/* clang-format on */
