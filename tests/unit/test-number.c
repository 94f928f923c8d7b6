/*
 * test-number.c - the number module: the numbers.tsv table, every
 * libphonenumber example number, malformed input, formatting, geography
 * and carrier.
 *
 * The tables live in tests/data: numbers.tsv is written by hand and
 * checked against python3-phonenumbers; number-examples.tsv is generated
 * by scripts/gen-numbering from the same metadata as the C tables.
 */
#include <stdio.h>
#include <string.h>

#include "callsift/number.h"
#include "number/number_int.h"
#include "util/util.h"
#include "test.h"

#define MAX_FIELDS 8

/* Split line (modified in place) on tabs; returns the field count. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;

    f[n++] = p;
    while (n < max && (p = strchr(p, '\t')) != NULL) {
        *p++ = '\0';
        f[n++] = p;
    }
    return n;
}

static void chomp(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static FILE *open_data(const char *name)
{
    char path[1024];

    snprintf(path, sizeof(path), "%s/tests/data/%s", sift_test_root(), name);
    return fopen(path, "r");
}

static const char *dash(const char *s)
{
    return s[0] ? s : "-";
}

TEST_IMPL(number_table_rows_match)
{
    FILE *fp = open_data("numbers.tsv");
    char line[1024], copy[1024];
    char *f[MAX_FIELDS];
    int lineno = 0, rows = 0, failed = 0;

    ASSERT_NOT_NULL(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        struct sift_number n;
        struct sift_err err;
        const char *region;
        char valid[2];
        enum sift_rc rc;

        lineno++;
        chomp(line);
        if (line[0] == '#')
            continue;
        memcpy(copy, line, sizeof(copy));
        if (split_tabs(line, f, MAX_FIELDS) != MAX_FIELDS) {
            fprintf(stderr, "# numbers.tsv:%d: want 8 fields\n", lineno);
            failed++;
            continue;
        }
        region = strcmp(f[1], "-") == 0 ? NULL : f[1];
        rc = sift_number_parse(&n, f[0], strlen(f[0]), region, &err);
        valid[0] = n.valid ? '1' : '0';
        valid[1] = '\0';
        rows++;
        if (strcmp(sift_number_status_name(n.status), f[2]) != 0 ||
            strcmp(dash(n.e164), f[3]) != 0 ||
            strcmp(dash(n.region), f[4]) != 0 ||
            strcmp(sift_number_type_name(n.type), f[5]) != 0 ||
            strcmp(valid, f[6]) != 0 || strcmp(dash(n.extension), f[7]) != 0 ||
            (rc == SIFT_OK) != (n.status <= SIFT_NUMBER_EMPTY)) {
            fprintf(stderr,
                    "# numbers.tsv:%d: %s\n#   got %s\t%s\t%s\t%s\t%s\t%s "
                    "(rc %s)\n",
                    lineno, copy, sift_number_status_name(n.status),
                    dash(n.e164), dash(n.region), sift_number_type_name(n.type),
                    valid, dash(n.extension), sift_rc_name(rc));
            failed++;
        }
    }
    fclose(fp);
    ASSERT(rows >= 100);
    ASSERT_EQ(failed, 0);
    return 0;
}

TEST_IMPL(number_examples_classify)
{
    FILE *fp = open_data("number-examples.tsv");
    char line[256];
    char *f[5];
    int lineno = 0, rows = 0, failed = 0;

    ASSERT_NOT_NULL(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        struct sift_number n;
        const char *type;

        lineno++;
        chomp(line);
        if (line[0] == '#')
            continue;
        if (split_tabs(line, f, 5) != 5) {
            failed++;
            continue;
        }
        rows++;
        sift_number_parse(&n, f[2], strlen(f[2]), NULL, NULL);
        type = sift_number_type_name(n.type);
        /* The example of a description classifies as it, or as
         * fixed_line_or_mobile where fixed and mobile ranges coincide;
         * exactly as libphonenumber resolves it. */
        if (n.status != SIFT_NUMBER_OK || !n.valid ||
            strcmp(n.region, f[3]) != 0 || strcmp(type, f[4]) != 0 ||
            (strcmp(type, f[1]) != 0 &&
             strcmp(type, "fixed_line_or_mobile") != 0)) {
            fprintf(stderr,
                    "# number-examples.tsv:%d: %s %s %s -> %s %s %s "
                    "valid %d\n",
                    lineno, f[0], f[1], f[2], n.region, type, n.e164, n.valid);
            failed++;
        }
    }
    fclose(fp);
    ASSERT(rows > 1000);
    ASSERT_EQ(failed, 0);
    return 0;
}

static void expect_malformed(const char *raw, size_t len, const char *region,
                             enum sift_number_status st, const char *word)
{
    struct sift_number n;
    struct sift_err err;
    enum sift_rc rc;

    memset(&err, 0, sizeof(err));
    rc = sift_number_parse(&n, raw, len, region, &err);
    ASSERT_EQ(rc, SIFT_EPARSE);
    ASSERT_EQ(n.status, st);
    ASSERT_EQ(err.rc, SIFT_EPARSE);
    ASSERT(err.msg[0] != '\0');
    if (strstr(err.msg, word) == NULL)
        TEST_FAIL_("message \"%s\" does not name \"%s\"", err.msg, word);
    ASSERT(n.e164[0] == '\0');
}

TEST_IMPL(number_parse_rejects_malformed)
{
    static char big[10240];
    struct sift_number n;
    struct sift_err err;

    memset(big, '1', sizeof(big));
    expect_malformed(big, sizeof(big), "JP", SIFT_NUMBER_INPUT_TOO_LONG,
                     "longer than");
    expect_malformed("090\0"
                     "12345678",
                     12, "JP", SIFT_NUMBER_BAD_ENCODING, "NUL at byte 3");
    expect_malformed("090\xff"
                     "12345678",
                     12, "JP", SIFT_NUMBER_BAD_ENCODING,
                     "invalid UTF-8 at byte 3");
    expect_malformed("\xe3\x81", 2, "JP", SIFT_NUMBER_BAD_ENCODING,
                     "invalid UTF-8 at byte 0");
    expect_malformed("()-. //", 7, "US", SIFT_NUMBER_NOT_A_NUMBER, "no digits");
    expect_malformed("123456789012345678901234567890", 30, "US",
                     SIFT_NUMBER_TOO_LONG, "has 30 digits");
    expect_malformed("+", 1, NULL, SIFT_NUMBER_NOT_A_NUMBER, "no digits");
    expect_malformed("00", 2, "US", SIFT_NUMBER_TOO_SHORT, "too short");
    expect_malformed("00", 2, "GB", SIFT_NUMBER_TOO_SHORT, "2 digits");
    expect_malformed("00 4", 4, "GB", SIFT_NUMBER_TOO_SHORT, "too few");
    expect_malformed("+999 123 456", 12, NULL, SIFT_NUMBER_INVALID_COUNTRY_CODE,
                     "calling code");

    /* The problem's byte offset. */
    sift_number_parse(&n,
                      "090\xff"
                      "12345678",
                      12, "JP", &err);
    ASSERT_EQ(n.problem_at, 3);
    ASSERT_STR_EQ(err.where, "byte 3");

    /* Input is (ptr, len): bytes past len are never read. */
    ASSERT_EQ(sift_number_parse(&n, "090-1234-5678XXXX", 13, "JP", NULL),
              SIFT_OK);
    ASSERT_STR_EQ(n.e164, "+819012345678");

    /* Argument errors. */
    ASSERT_EQ(sift_number_parse(NULL, "1", 1, "JP", NULL), SIFT_EINVAL);
    ASSERT_EQ(sift_number_parse(&n, NULL, 1, "JP", NULL), SIFT_EINVAL);
    ASSERT_EQ(sift_number_parse(&n, "1", 1, "XX", &err), SIFT_EINVAL);
    ASSERT_EQ(sift_number_parse(&n, NULL, 0, "JP", NULL), SIFT_OK);
    ASSERT_EQ(n.status, SIFT_NUMBER_EMPTY);
    return 0;
}

static void expect_format(const char *raw, const char *region,
                          enum sift_number_format fmt, const char *want)
{
    struct sift_number n;
    char buf[64];
    size_t len;

    ASSERT_EQ(sift_number_parse(&n, raw, strlen(raw), region, NULL), SIFT_OK);
    len = sift_number_format(&n, fmt, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, want);
    ASSERT_EQ(len, strlen(want));
}

TEST_IMPL(number_format_matches_libphonenumber)
{
    struct sift_number n;
    char small[6];

    expect_format("+1(877)643-0291", NULL, SIFT_FORMAT_E164, "+18776430291");
    expect_format("+1(877)643-0291", NULL, SIFT_FORMAT_INTERNATIONAL,
                  "+1 877-643-0291");
    expect_format("+1(877)643-0291", NULL, SIFT_FORMAT_NATIONAL,
                  "(877) 643-0291");
    expect_format("+1(877)643-0291", NULL, SIFT_FORMAT_RFC3966,
                  "tel:+1-877-643-0291");
    expect_format("+81312345678", NULL, SIFT_FORMAT_NATIONAL, "03-1234-5678");
    expect_format("+81312345678", NULL, SIFT_FORMAT_INTERNATIONAL,
                  "+81 3-1234-5678");
    expect_format("0120-123-456", "JP", SIFT_FORMAT_NATIONAL, "0120-123-456");
    expect_format("+7 495 123 4567", NULL, SIFT_FORMAT_NATIONAL,
                  "8 (495) 123-45-67");
    expect_format("+44 20 7946 0321", NULL, SIFT_FORMAT_NATIONAL,
                  "020 7946 0321");
    expect_format("+1 877 643 0291 ext. 123", NULL, SIFT_FORMAT_RFC3966,
                  "tel:+1-877-643-0291;ext=123");

    /* Truncation keeps the NUL and reports the full length. */
    sift_number_parse(&n, "+81312345678", 12, NULL, NULL);
    ASSERT_EQ(sift_number_format(&n, SIFT_FORMAT_E164, small, sizeof(small)),
              12);
    ASSERT_STR_EQ(small, "+8131");
    /* No number: nothing. */
    sift_number_parse(&n, "非通知", strlen("非通知"), "JP", NULL);
    ASSERT_EQ(sift_number_format(&n, SIFT_FORMAT_E164, small, sizeof(small)),
              0);
    ASSERT_STR_EQ(small, "");
    return 0;
}

static const char *geo(const char *raw, enum sift_lang lang)
{
    static struct sift_number n;

    ASSERT_EQ(sift_number_parse(&n, raw, strlen(raw), NULL, NULL), SIFT_OK);
    return sift_number_geography(&n, lang);
}

TEST_IMPL(number_geography_en_and_ja)
{
    ASSERT_STR_EQ(geo("+1 808 555 1234", SIFT_LANG_EN), "Hawaii");
    /* ja has nothing for Hawaii: the English place, not nothing. */
    ASSERT_STR_EQ(geo("+1 808 555 1234", SIFT_LANG_JA), "Hawaii");
    ASSERT_STR_EQ(geo("+1 808 956 1234", SIFT_LANG_EN), "Honolulu, HI");
    ASSERT_STR_EQ(geo("+81 3 1234 5678", SIFT_LANG_JA), "東京");
    ASSERT_STR_EQ(geo("+81 3 1234 5678", SIFT_LANG_EN), "Tokyo");
    /* Not geographic: the country. */
    ASSERT_STR_EQ(geo("+1 877 643 0291", SIFT_LANG_EN), "United States");
    ASSERT_STR_EQ(geo("+1 877 643 0291", SIFT_LANG_JA), "アメリカ合衆国");
    ASSERT_STR_EQ(geo("+81 90 1234 5678", SIFT_LANG_JA), "日本");
    /* Invalid: nothing. */
    ASSERT_NULL(geo("+1 999 555 1234", SIFT_LANG_EN));

    ASSERT_STR_EQ(sift_region_name("JP", SIFT_LANG_JA), "日本");
    ASSERT_STR_EQ(sift_region_name("jp", SIFT_LANG_EN), "Japan");
    ASSERT_STR_EQ(sift_region_name("GG", SIFT_LANG_EN), "Guernsey");
    ASSERT_NULL(sift_region_name("XX", SIFT_LANG_EN));
    ASSERT_NULL(sift_region_name(NULL, SIFT_LANG_EN));
    return 0;
}

TEST_IMPL(number_carrier_names_first_assignee)
{
    struct sift_number n;

    ASSERT_EQ(sift_number_parse(&n, "090-1001-2345", 13, "JP", NULL), SIFT_OK);
    ASSERT_STR_EQ(sift_number_carrier(&n), "NTT Docomo");
    ASSERT_EQ(sift_number_parse(&n, "090-1234-5678", 13, "JP", NULL), SIFT_OK);
    ASSERT_STR_EQ(sift_number_carrier(&n), "KDDI");
    /* Fixed lines have no carrier in the data. */
    ASSERT_EQ(sift_number_parse(&n, "03-1234-5678", 12, "JP", NULL), SIFT_OK);
    ASSERT_NULL(sift_number_carrier(&n));
    return 0;
}

/* One program on one input: the shortcut and the Pike VM agree. Returns
 * whether it matched. */
static bool vm_agree(uint32_t prog, const char *s, size_t len)
{
    struct sift__vm_match a, b;
    bool ra = sift__vm_run(prog, s, len, &a);
    bool rb = sift__vm_run_nfa(prog, s, len, &b);

    if (ra != rb || a.matched != b.matched || a.end != b.end ||
        memcmp(a.slot, b.slot, sizeof(a.slot)) != 0)
        TEST_FAIL_("program %u on \"%.*s\": shortcut %d end %d, Pike VM "
                   "%d end %d",
                   prog, (int)len, s, ra, a.end, rb, b.end);
    return ra;
}

/* Every VM program of region r on s, each prefix of s and s with one
 * digit more; returns the matches. */
static long vm_agree_region(const struct sift__region *r, const char *s,
                            size_t len)
{
    uint32_t progs[2 + 2 * 2 * 256];
    size_t n = 0;
    long hits = 0;
    char more[SIFT_NUMBER_MAX_NSN + 8];

    if (r->idd != SIFT__NONE)
        progs[n++] = r->idd;
    if (r->npp != SIFT__NONE)
        progs[n++] = r->npp;
    for (unsigned i = 0; i < r->n_fmt; i++) {
        const struct sift__format *f =
            &sift__formats[sift__format_lists[r->fmt_first + i]];
        progs[n++] = f->prog;
        progs[n++] = f->prog_full;
    }
    for (unsigned i = 0; i < r->n_intl_fmt; i++) {
        const struct sift__format *f =
            &sift__formats[sift__format_lists[r->intl_fmt_first + i]];
        progs[n++] = f->prog;
        progs[n++] = f->prog_full;
    }
    if (len + 1 >= sizeof(more))
        len = sizeof(more) - 2;
    memcpy(more, s, len);
    more[len] = '7';
    for (size_t k = 0; k < n; k++) {
        for (size_t l = 0; l <= len; l++)
            hits += vm_agree(progs[k], s, l);
        hits += vm_agree(progs[k], more, len + 1);
    }
    return hits;
}

/* sift__vm_run() follows programs without SPLIT directly; its answers
 * (matched, end, every capture slot) must be the Pike VM's: on every
 * example number's national digits, their prefixes, one digit more and
 * random digit strings, through every program of every region. */
/* The next example of tests/data/number-examples.tsv, parsed without a
 * region into *n; its region is fld[0]. Returns false at the end. */
static bool next_example(FILE *f, char *line, size_t size, char **fld,
                         struct sift_number *n)
{
    while (fgets(line, (int)size, f) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        if (split_tabs(line, fld, MAX_FIELDS) < 3 ||
            sift_number_parse(n, fld[2], strlen(fld[2]), NULL, NULL) != SIFT_OK)
            continue;
        return true;
    }
    return false;
}

static FILE *open_examples(void)
{
    char path[1024];

    snprintf(path, sizeof(path), "%s/tests/data/number-examples.tsv",
             sift_test_root());
    return fopen(path, "r");
}

TEST_IMPL(number_vm_shortcut_matches_pike_vm)
{
    char line[512], *fld[MAX_FIELDS];
    FILE *f = open_examples();
    long examples = 0, hits = 0;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    struct sift_number n;

    ASSERT_NOT_NULL(f);
    while (next_example(f, line, sizeof(line), fld, &n)) {
        size_t len = strlen(n.nsn);

        for (unsigned i = 0; i < sift__n_regions; i++)
            if (sift__regions[i].cc == n.country_code)
                hits += vm_agree_region(&sift__regions[i], n.nsn, len);
        examples++;
    }
    fclose(f);
    ASSERT(examples > 1000);
    /* The test means something only if many runs matched. */
    ASSERT(hits > 10000);
    for (unsigned i = 0; i < sift__n_regions; i++)
        for (int k = 0; k < 8; k++) {
            char s[SIFT_NUMBER_MAX_NSN];
            for (size_t j = 0; j < sizeof(s); j++) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                s[j] = (char)('0' + (x >> 33) % 10);
            }
            vm_agree_region(&sift__regions[i], s, sizeof(s));
        }
    return 0;
}

/* Parse raw both ways and fail on any difference. */
static int plain_agrees(const char *raw, size_t len, const char *region,
                        long *n_ok)
{
    struct sift_number a, b;
    struct sift_err ea, eb;
    enum sift_rc ra, rb;

    memset(&ea, 0, sizeof(ea));
    memset(&eb, 0, sizeof(eb));
    ra = sift_number_parse(&a, raw, len, region, &ea);
    rb = sift__number_parse_general(&b, raw, len, region, &eb);
    if (ra != rb || memcmp(&a, &b, sizeof(a)) != 0 ||
        strcmp(ea.msg, eb.msg) != 0 || strcmp(ea.where, eb.where) != 0) {
        fprintf(stderr, "# '%.*s' (%s): rc %d/%d status %d/%d e164 %s/%s\n",
                (int)len, raw, region ? region : "-", ra, rb, a.status,
                b.status, a.e164, b.e164);
        return 1;
    }
    *n_ok += a.status == SIFT_NUMBER_OK;
    return 0;
}

/*
 * The fast path for plain digit strings ("+1 (877) 643-0291") gives what
 * the general path gives, field for field, error text included: every
 * example number in E.164, international and national form, with and
 * without its region, padded and cut; then random strings of digits,
 * the separators the fast path takes and a few it must leave alone.
 */
TEST_IMPL(number_parse_plain_matches_general)
{
    static const char *const regions[] = {NULL, "JP", "US", "GB", "DE"};
    static const char alphabet[] = "0123456789012345 +-().x#\t/";
    char line[512], buf[64], *fld[MAX_FIELDS];
    long n_ok = 0, n_inputs = 0;
    uint64_t x = 0xD1B54A32D192ED03ull;
    FILE *f = open_examples();
    struct sift_number n;

    ASSERT_NOT_NULL(f);
    while (next_example(f, line, sizeof(line), fld, &n)) {
        for (int fmt = SIFT_FORMAT_E164; fmt <= SIFT_FORMAT_NATIONAL; fmt++) {
            size_t len = sift_number_format(&n, (enum sift_number_format)fmt,
                                            buf + 1, sizeof(buf) - 3);

            buf[0] = ' ';
            buf[len + 1] = ')';
            ASSERT_EQ(plain_agrees(buf + 1, len, fld[0], &n_ok), 0);
            ASSERT_EQ(plain_agrees(buf + 1, len, NULL, &n_ok), 0);
            ASSERT_EQ(plain_agrees(buf, len + 2, fld[0], &n_ok), 0);
            ASSERT_EQ(
                plain_agrees(buf + 1, len > 4 ? len - 4 : 0, fld[0], &n_ok), 0);
            n_inputs += 4;
        }
    }
    fclose(f);
    /* most examples parsed, so the comparison covered real results */
    ASSERT(n_ok > n_inputs / 2);
    n_ok = n_inputs = 0;
    for (int round = 0; round < 100000; round++) {
        size_t len;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        len = (size_t)(x % 24);
        for (size_t k = 0; k < len; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[k] = alphabet[(x >> 11) % (sizeof(alphabet) - 1)];
        }
        if (len > 0 && (x & 3) == 0)
            buf[0] = '+';
        ASSERT_EQ(plain_agrees(buf, len,
                               regions[(x >> 40) % SIFT_ARRAY_LEN(regions)],
                               &n_ok),
                  0);
        n_inputs++;
    }
    ASSERT(n_ok > n_inputs / 10);
    return 0;
}
