/* test-stir-list.h - the stir module's unit tests (see test-list.h). */
TEST_DECLARE(stir_b64url_round_trip)
TEST_DECLARE(stir_valid_token_passes_attest_a)
TEST_DECLARE(stir_absent_identity_is_none_428)
TEST_DECLARE(stir_cert_dir_by_last_path_component)
TEST_DECLARE(stir_changed_payload_fails_438)
TEST_DECLARE(stir_valid_token_for_another_call_fails)
TEST_DECLARE(stir_rejects_base64_and_json_garbage)
TEST_DECLARE(stir_rejects_oversized_header)
TEST_DECLARE(stir_rejects_alg_none_and_other_algs)
TEST_DECLARE(stir_header_claims_are_strict)
TEST_DECLARE(stir_identity_header_forms)
TEST_DECLARE(stir_x5u_host_not_allowed_436)
TEST_DECLARE(stir_cert_that_does_not_chain_437)
TEST_DECLARE(stir_cert_not_valid_at_iat_437)
TEST_DECLARE(stir_token_from_the_future_fails_403)
TEST_DECLARE(stir_stale_iat_fails_403)
TEST_DECLARE(stir_fetch_refuses_10mb_certificate)
TEST_DECLARE(stir_fetch_caches_by_url_lifetime)
TEST_DECLARE(stir_fetch_times_out)
TEST_DECLARE(stir_reason_table_maps_sip_codes)
TEST_DECLARE(stir_signature_der_matches_openssl)
TEST_DECLARE(stir_new_rejects_bad_options)
TEST_DECLARE(stir_trust_anchor_directory)
TEST_DECLARE(stir_verify_is_thread_safe)
TEST_DECLARE(stir_secsipidx_token_passes)
TEST_DECLARE(stir_out_of_memory_is_enomem_without_leaks)

/* clang-format off */
#define TEST_STIR_ENTRIES                                                      \
    TEST_ENTRY(stir_b64url_round_trip)                                         \
    TEST_ENTRY(stir_valid_token_passes_attest_a)                               \
    TEST_ENTRY(stir_absent_identity_is_none_428)                               \
    TEST_ENTRY(stir_cert_dir_by_last_path_component)                           \
    TEST_ENTRY(stir_changed_payload_fails_438)                                 \
    TEST_ENTRY(stir_valid_token_for_another_call_fails)                        \
    TEST_ENTRY(stir_rejects_base64_and_json_garbage)                           \
    TEST_ENTRY(stir_rejects_oversized_header)                                  \
    TEST_ENTRY(stir_rejects_alg_none_and_other_algs)                           \
    TEST_ENTRY(stir_header_claims_are_strict)                                  \
    TEST_ENTRY(stir_identity_header_forms)                                     \
    TEST_ENTRY(stir_x5u_host_not_allowed_436)                                  \
    TEST_ENTRY(stir_cert_that_does_not_chain_437)                              \
    TEST_ENTRY(stir_cert_not_valid_at_iat_437)                                 \
    TEST_ENTRY(stir_token_from_the_future_fails_403)                           \
    TEST_ENTRY(stir_stale_iat_fails_403)                                       \
    TEST_ENTRY(stir_fetch_refuses_10mb_certificate)                            \
    TEST_ENTRY(stir_fetch_caches_by_url_lifetime)                              \
    TEST_ENTRY(stir_fetch_times_out)                                           \
    TEST_ENTRY(stir_reason_table_maps_sip_codes)                               \
    TEST_ENTRY(stir_signature_der_matches_openssl)                             \
    TEST_ENTRY(stir_new_rejects_bad_options)                                   \
    TEST_ENTRY(stir_trust_anchor_directory)                                    \
    TEST_ENTRY(stir_verify_is_thread_safe)                                     \
    TEST_ENTRY(stir_secsipidx_token_passes)                                    \
    TEST_ENTRY(stir_out_of_memory_is_enomem_without_leaks)
/* clang-format on */
