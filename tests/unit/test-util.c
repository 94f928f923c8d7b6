/*
 * test-util.c - the foundation: return codes, the allocator hook and error
 * detail.
 */
#include "callsift.h"
#include "test.h"
#include "util/util.h"

TEST_IMPL(util_strerror_names_every_code)
{
    for (int rc = SIFT_OK; rc <= SIFT_ETIMEOUT; rc++) {
        ASSERT(strcmp(sift_strerror((enum sift_rc)rc), "unknown error") != 0);
        ASSERT(strcmp(sift_rc_name((enum sift_rc)rc), "EUNKNOWN") != 0);
    }
    ASSERT_STR_EQ(sift_rc_name(SIFT_EPARSE), "EPARSE");
    ASSERT_STR_EQ(sift_strerror((enum sift_rc)999), "unknown error");
    return 0;
}

TEST_IMPL(util_allocator_counts)
{
    long before = sift_test_live_allocations();
    void *p = sift_malloc(10);
    void *q;

    ASSERT_NOT_NULL(p);
    ASSERT_EQ(sift_test_live_allocations(), before + 1);
    q = sift_realloc(p, 1000);
    ASSERT_NOT_NULL(q);
    ASSERT_EQ(sift_test_live_allocations(), before + 1);
    sift_free(q);
    sift_free(NULL);
    ASSERT_EQ(sift_test_live_allocations(), before);
    ASSERT_EQ(sift_set_allocator(NULL, NULL, NULL), SIFT_EINVAL);
    return 0;
}

TEST_IMPL(util_err_set_formats_detail)
{
    struct sift_err err;
    struct sift__sbuf sb;
    char small[8];

    ASSERT_EQ(sift__err_set(&err, SIFT_EPARSE, "byte 3", "bad %s", "thing"),
              SIFT_EPARSE);
    ASSERT_EQ(err.rc, SIFT_EPARSE);
    ASSERT_STR_EQ(err.msg, "bad thing");
    ASSERT_STR_EQ(err.where, "byte 3");
    ASSERT_EQ(sift__err_set(NULL, SIFT_EIO, NULL, "x"), SIFT_EIO);

    sift__sbuf_init(&sb, small, sizeof(small));
    sift__sbuf_adds(&sb, "abcdef");
    sift__sbuf_addf(&sb, "%d", 12345);
    ASSERT_STR_EQ(small, "abcdef1");
    ASSERT_EQ(sb.len, 11);
    return 0;
}

/* Two decimals without printf must print what "%.2f" prints: random
 * weights and sums, the exact half-way values (1.125, 0.375), values one
 * rounding error from a half (0.015, 1.005, 2.675), negatives and zero. */
TEST_IMPL(util_fixed2_matches_printf)
{
    static const double fixed[] = {
        0,      -0.0, 0.005,  0.015, 1.005,  2.675,   1.125, 0.375, -1.5,
        -0.004, 7.5,  99.995, 1e8,   -2.345, 3.14159, 1e9,   -1e9,  123.456};
    uint64_t x = 88172645463325252ull;
    char mine[64], ref[64];

    for (size_t i = 0; i < 200000 + SIFT_ARRAY_LEN(fixed); i++) {
        struct sift__sbuf sb;
        double v;

        if (i < SIFT_ARRAY_LEN(fixed)) {
            v = fixed[i];
        } else {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* hundredths and thousandths around the engine's range, and
             * arbitrary doubles */
            v = (i % 3 == 0) ? (double)(int64_t)(x % 200001 - 100000) / 1000
                : (i % 3 == 1)
                    ? (double)(int64_t)(x % 20001 - 10000) / 100
                    : ((double)(x >> 11) / 9007199254740992.0 - 0.5) * 2000;
        }
        sift__sbuf_init(&sb, mine, sizeof(mine));
        sift__sbuf_add_fixed2(&sb, v);
        snprintf(ref, sizeof(ref), "%.2f", v);
        if (strcmp(ref, "-0.00") == 0)
            snprintf(ref, sizeof(ref), "0.00"); /* JSON has no -0 need */
        if (strcmp(mine, ref) != 0)
            TEST_FAIL_("%.17g: fixed2 '%s', printf '%s'", v, mine, ref);
        ASSERT_EQ(sb.len, strlen(mine));
    }
    return 0;
}

TEST_IMPL(util_utf8_seq_validates)
{
    ASSERT_EQ(sift__utf8_seq((const unsigned char *)"a"), 1);
    ASSERT_EQ(sift__utf8_seq((const unsigned char *)"\xc3\xa9"), 2);
    ASSERT_EQ(sift__utf8_seq((const unsigned char *)"\xe8\xa9\x90"), 3);
    ASSERT_EQ(sift__utf8_seq((const unsigned char *)"\xf0\x9f\x93\x9e"), 4);
    ASSERT_EQ(sift__utf8_seq((const unsigned char *)"\xc0\x80"), 0);
    ASSERT_EQ(sift__utf8_seq((const unsigned char *)"\xed\xa0\x80"), 0);
    ASSERT_EQ(sift__utf8_seq((const unsigned char *)"\xe3\x81"), 0);
    ASSERT_EQ(sift__utf8_seq((const unsigned char *)"\xff"), 0);
    return 0;
}

/* sift__join() writes what snprintf("%s%s%s") writes, at every buffer
 * size from 0 to past the whole text, UTF-8 cut where snprintf cuts it. */
TEST_IMPL(util_join_matches_snprintf)
{
    const char *a = "NTTファイナンス", *b = "", *c = " (+1 877-643-0291)";
    char want[64], got[64];

    for (size_t size = 0; size <= sizeof(want); size++) {
        int n;
        memset(want, 'x', sizeof(want));
        memset(got, 'x', sizeof(got));
        n = snprintf(want, size, "%s%s%s", a, b, c);
        ASSERT_EQ(sift__join(got, size, a, b, c, (char *)NULL), n);
        ASSERT(memcmp(want, got, sizeof(want)) == 0);
    }
    ASSERT_EQ(sift__join(got, sizeof(got), (char *)NULL), 0);
    ASSERT_STR_EQ(got, "");
    return 0;
}

/* sift__sbuf_add_uint() writes what "%u" writes. */
TEST_IMPL(util_add_uint_matches_printf)
{
    const unsigned v[] = {0, 7, 10, 99, 1000, 65535, 4294967295u};

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char want[16], got[16];
        struct sift__sbuf sb;
        sift__sbuf_init(&sb, got, sizeof(got));
        sift__sbuf_add_uint(&sb, v[i]);
        snprintf(want, sizeof(want), "%u", v[i]);
        ASSERT_STR_EQ(got, want);
        ASSERT_EQ(sb.len, strlen(want));
    }
    return 0;
}
