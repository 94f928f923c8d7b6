/*
 * test-text.c - the text module: normalisation, rules files and their
 * errors, scanning (the seed voicemail), repetition, URLs and look-alikes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callsift.h"
#include "callsift/text.h"
#include "test.h"
#include "text/text_int.h"

#define SEED_SENTENCE                                                                                           \
    "NTTファイナンスより重要なお知らせがございます。オペレーターへお繋ぎいた" \
    "しますので、ダイヤル1番を押してください。"

static void path_in_root(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", sift_test_root(), rel);
}

static const char *write_tmp(char *path, size_t size, const char *tag,
                             const char *content)
{
    FILE *fp;

    snprintf(path, size, "/tmp/callsift-test-%ld-%s.rules", (long)getpid(),
             tag);
    fp = fopen(path, "wb");
    ASSERT_NOT_NULL(fp);
    ASSERT_EQ(fwrite(content, 1, strlen(content), fp), strlen(content));
    ASSERT_EQ(fclose(fp), 0);
    return path;
}

/* ------------------------------------------------------------------ */

TEST_IMPL(text_normalize_table)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        /* full-width ASCII and case */
        {"ＮＴＴファイナンス", "nttファイナンス"},
        {"Press ONE Now", "press one now"},
        {"ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ", "https://example.com"},
        /* half-width katakana with voiced marks */
        {"ﾀﾞｲﾔﾙ", "ダイヤル"},
        {"ｵﾍﾟﾚｰﾀｰ", "オペレーター"},
        /* no spaces inside Japanese, nor beside a digit in Japanese */
        {"重要な お知らせ", "重要なお知らせ"},
        {"重要\xE3\x80\x80なお知らせ", "重要なお知らせ"}, /* U+3000 */
        {"ダイヤル 1 番を 押して", "ダイヤル1番を押して"},
        /* ... but English keeps single spaces, and Latin beside Japanese */
        {"  hello \t\n  world  ", "hello world"},
        {"https://example.com こちら", "https://example.com こちら"},
        /* digits of every script */
        {"１２３", "123"},
        {"\xD9\xA3\xD9\xA4", "34"},         /* Arabic-Indic 3 4 */
        {"\xE0\xA5\xA6\xE0\xA5\xA7", "01"}, /* Devanagari 0 1 */
        {"①", "1"},
        /* composition, folding, ignorables and controls */
        {"cafe\xCC\x81", "caf\xC3\xA9"},
        {"Stra\xC3\x9F"
         "e",
         "strasse"},
        {"zero\xE2\x80\x8Bwidth", "zerowidth"}, /* U+200B */
        {"a\x01"
         "b\x7F"
         "c",
         "abc"},
        {"㈱", "(株)"},
        {"", ""},
    };
    struct sift_text_norm n;
    struct sift_err err;

    sift_text_norm_init(&n, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ASSERT_EQ(
            sift_text_normalize(cases[i].in, strlen(cases[i].in), &n, &err),
            SIFT_OK);
        ASSERT_STR_EQ(n.text, cases[i].out);
        ASSERT_EQ(n.len, strlen(cases[i].out));
        ASSERT_EQ(n.flags & SIFT_TEXT_NORM_REPAIRED_UTF8, 0);
    }
    sift_text_norm_release(&n);
    return 0;
}

/*
 * sift_text_normalize() takes a one-pass fast path for ASCII, full-width
 * ASCII, U+3000 and NFKC-stable Japanese; it must give exactly what the
 * general path gives. Random strings over an alphabet around the fast
 * path's edges (spaces beside Japanese and digits, full-width letters,
 * kana that compose with a following mark, controls, half-width kana,
 * invalid bytes) are normalised both ways and compared.
 */
/* Does the fast path give what the general path gives for buf? */
static bool fast_path_agrees(const char *buf, size_t len,
                             struct sift_text_norm *fast,
                             struct sift_text_norm *slow)
{
    if (sift_text_normalize(buf, len, fast, NULL) != SIFT_OK ||
        sift__text_normalize_general(buf, len, slow, NULL) != SIFT_OK)
        return false;
    if (fast->len != slow->len || memcmp(fast->text, slow->text, fast->len) ||
        fast->flags != slow->flags) {
        fprintf(stderr, "# input %zu bytes: fast '%s' general '%s'\n", len,
                fast->text, slow->text);
        return false;
    }
    return true;
}

TEST_IMPL(text_normalize_fast_path_agrees)
{
    static const char *const pieces[] = {
        "a",
        "Z",
        "7",
        " ",
        "  ",
        "\t",
        "\n",
        ".",
        "/",
        "{",
        "~",
        "\xE3\x80\x80", /* U+3000 */
        "\xEF\xBC\xA1", /* Ａ */
        "\xEF\xBC\x91", /* １ */
        "\xEF\xBC\x81", /* ！ */
        "\xEF\xBD\x9E", /* ～ U+FF5E */
        "\xEF\xBD\x9F", /* U+FF5F: not full-width ASCII */
        "あ",
        "ア",
        "ー",
        "重",
        "要",
        "、",
        "。",
        "・",
        "ヴ",
        "ゝ",
        "\xE3\x82\x99",             /* combining voiced mark */
        "\xEF\xBE\x80\xEF\xBE\x9E", /* ﾀﾞ */
        "\xC3\xA9",                 /* é */
        "\x01",
        "\x7F",
        "\xFF",
        "\xE3\x81",         /* control, invalid, cut */
        "\xED\xA0\x80",     /* a surrogate */
        "\xE2\x80\x99",     /* right single quote */
        "\xF0\x9F\x98\x80", /* an emoji */
        "Press ONE",        /* runs of eight ASCII bytes, copied whole */
        "\x1F",
    };
    struct sift_text_norm fast, slow;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    char buf[512];

    sift_text_norm_init(&fast, 0);
    sift_text_norm_init(&slow, 0);
    for (int round = 0; round < 40000; round++) {
        size_t len = 0, n;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        n = (size_t)(x % 48);
        for (size_t k = 0; k < n; k++) {
            const char *p;
            size_t pl;

            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* mostly the fast path's own alphabet */
            p = pieces[x % (round % 3 == 0 ? SIFT_ARRAY_LEN(pieces) : 26)];
            pl = strlen(p);
            if (len + pl >= sizeof(buf))
                break;
            memcpy(buf + len, p, pl);
            len += pl;
        }
        ASSERT(fast_path_agrees(buf, len, &fast, &slow));
    }
    /* Mostly ASCII, byte by byte: the eight-byte blocks, their edges
     * (a space last or first, two spaces, '@' '[' '`' '{' around the
     * letters, DEL and controls inside) and the single-space step. */
    for (int round = 0; round < 40000; round++) {
        static const char ascii[] = "aAzZmM09@[`{~ ";
        size_t len = 0, n;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        n = (size_t)(x % 40);
        while (len < n) {
            unsigned r;

            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            r = (unsigned)(x % 64);
            if (r < 52)
                buf[len++] = ascii[r % (sizeof(ascii) - 1)];
            else if (r < 55)
                buf[len++] = ' ';
            else if (r == 55)
                buf[len++] = '\x7F';
            else if (r == 56)
                buf[len++] = '\x1F';
            else if (r == 57)
                buf[len++] = '\t';
            else if (r < 61) {
                memcpy(buf + len, "\xE3\x81\x82", 3); /* あ */
                len += 3;
            } else {
                memcpy(buf + len, "\xEF\xBC\xBA", 3); /* Ｚ */
                len += 3;
            }
        }
        ASSERT(fast_path_agrees(buf, len, &fast, &slow));
    }
    sift_text_norm_release(&fast);
    sift_text_norm_release(&slow);
    return 0;
}

TEST_IMPL(text_normalize_repairs_invalid_utf8)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
        size_t n_repaired;
    } cases[] = {
        {"ab\xFF"
         "cd",
         5,
         "ab\xEF\xBF\xBD"
         "cd",
         1},
        {"\xE3\x81", 2, "\xEF\xBF\xBD", 1},             /* truncated */
        {"\xC0\xAF", 2, "\xEF\xBF\xBD\xEF\xBF\xBD", 2}, /* overlong */
        {"\xED\xA0\x80", 3,                             /* a surrogate */
         "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3},
        {"a\0b", 3, "ab", 0}, /* NUL is a control, dropped */
    };
    struct sift_text_norm n;

    sift_text_norm_init(&n, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ASSERT_EQ(sift_text_normalize(cases[i].in, cases[i].len, &n, NULL),
                  SIFT_OK);
        ASSERT_STR_EQ(n.text, cases[i].out);
        ASSERT_EQ(n.n_repaired, cases[i].n_repaired);
        ASSERT_EQ((n.flags & SIFT_TEXT_NORM_REPAIRED_UTF8) != 0,
                  cases[i].n_repaired > 0);
    }
    sift_text_norm_release(&n);
    return 0;
}

TEST_IMPL(text_normalize_refuses_too_big)
{
    struct sift_text_norm n;
    struct sift_err err;
    static char big[SIFT_TEXT_MAX_DEFAULT + 1];
    long live;

    memset(big, 'a', sizeof(big));
    sift_text_norm_init(&n, 100);
    ASSERT_EQ(sift_text_normalize(big, 100, &n, &err), SIFT_OK);
    ASSERT_EQ(n.len, 100);
    ASSERT_EQ(sift_text_normalize(big, 101, &n, &err), SIFT_ETOOBIG);
    ASSERT_EQ(err.rc, SIFT_ETOOBIG);
    ASSERT_NOT_NULL(strstr(err.msg, "101 bytes"));
    ASSERT_NOT_NULL(strstr(err.msg, "limit of 100"));
    ASSERT_EQ(n.len, 0);
    ASSERT_STR_EQ(n.text, "");
    sift_text_norm_release(&n);

    /* The default limit is 64 KiB; a warm buffer is reused. */
    sift_text_norm_init(&n, 0);
    ASSERT_EQ(sift_text_normalize(big, sizeof(big) - 1, &n, &err), SIFT_OK);
    live = sift_test_live_allocations();
    ASSERT_EQ(sift_text_normalize(big, sizeof(big), &n, &err), SIFT_ETOOBIG);
    ASSERT_EQ(sift_text_normalize("abc", 3, &n, &err), SIFT_OK);
    ASSERT_EQ(sift_test_live_allocations(), live);
    sift_text_norm_release(&n);
    return 0;
}

/* ------------------------------------------------------------------ */

TEST_IMPL(text_rules_errors_name_file_line)
{
    static char long_line[SIFT_TEXT_LINE_MAX + 64];
    static const struct {
        const char *content;
        enum sift_rc rc;
        const char *where; /* suffix after the path */
        const char *msg;   /* a substring */
    } cases[] = {
        {"TEXT_X\t1\t\"abc\tsrc\n", SIFT_EPARSE, ":1:10",
         "unterminated literal"},
        {"# c\n\nTEXT_X\t1.0\n", SIFT_EPARSE, ":3:", "missing field PATTERN"},
        {"TEXT_X\t1.0\t\"a\"\n", SIFT_EPARSE, ":1:", "missing field NOTE"},
        {"TEXT_X\tabc\t\"x\"\tsrc\n", SIFT_EPARSE, ":1:8", "bad WEIGHT"},
        {"TEXT_X\t1.5.2\t\"x\"\tsrc\n", SIFT_EPARSE, ":1:8", "bad WEIGHT"},
        {"@a\t1\t\"x\"\tsrc\n", SIFT_EPARSE, ":1:4", "must be '-'"},
        {"TEXT_x\t1\t\"x\"\tsrc\n", SIFT_EPARSE, ":1:1", "bad NAME"},
        {"TEXT_X\t1\twhen @nope, @a\tsrc\n@a\t-\t\"x\"\tsrc\n", SIFT_EPARSE,
         ":1:15", "unknown atom '@nope'"},
        {"@a\t-\t\"x\"\tsrc\nTEXT_X\t1\twhen @a, TEXT_NOPE\tsrc\n", SIFT_EPARSE,
         ":2:19", "unknown signal 'TEXT_NOPE'"},
        {"# comment\nTEXT_X\t1\t/(abc/\tsrc\n", SIFT_EPARSE, ":2:10",
         "vectorscan rejects"},
        {"TEXT_X\t1\t/abc\tsrc\n", SIFT_EPARSE, ":1:10", "unterminated regex"},
        {"TEXT_X\t1\t/NTT/\tsrc\n", SIFT_EPARSE, ":1:11", "upper-case"},
        {"TEXT_X\t1\t\"a\xFF\"\tsrc\n", SIFT_EPARSE, ":1:12", "invalid UTF-8"},
        {"TEXT_X\t1\tabc\tsrc\n", SIFT_EPARSE, ":1:10", "PATTERN must be"},
        {"TEXT_REPEATED\t1\t\"x\"\tsrc\n", SIFT_EPARSE, ":1:1",
         "repetition detector"},
        {long_line, SIFT_ETOOBIG, ":1:", "over the limit"},
    };
    char path[256];

    memset(long_line, 'a', sizeof(long_line) - 2);
    memcpy(long_line, "TEXT_X\t1\t\"", 10);
    long_line[sizeof(long_line) - 2] = '\n';
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sift_text_rules *rules = (struct sift_text_rules *)1;
        struct sift_err err;
        const char *paths[1];
        size_t wl, sl;

        paths[0] = write_tmp(path, sizeof(path), "err", cases[i].content);
        ASSERT_EQ(sift_text_rules_load(&rules, paths, 1, &err), cases[i].rc);
        ASSERT_NULL(rules);
        if (strstr(err.msg, cases[i].msg) == NULL)
            TEST_FAIL_("case %zu: msg \"%s\" lacks \"%s\"", i, err.msg,
                       cases[i].msg);
        /* where = path:line:col, or path:line: when col is not checked */
        ASSERT_EQ(strncmp(err.where, path, strlen(path)), 0);
        wl = strlen(err.where) - strlen(path);
        sl = strlen(cases[i].where);
        if (wl < sl ||
            strncmp(err.where + strlen(path), cases[i].where, sl) != 0)
            TEST_FAIL_("case %zu: where \"%s\" is not %s%s...", i, err.where,
                       path, cases[i].where);
        unlink(path);
    }
    {
        struct sift_text_rules *rules;
        struct sift_err err;
        const char *paths[] = {"/nonexistent/callsift.rules"};

        ASSERT_EQ(sift_text_rules_load(&rules, paths, 1, &err), SIFT_EIO);
        ASSERT_STR_EQ(err.where, paths[0]);
    }
    return 0;
}

TEST_IMPL(text_rules_when_atoms_and_weights)
{
    /* A `when` may name atoms defined later; a name fires with the highest
     * weight among its lines; TEXT_REPEATED may be a term. */
    static const char rules_text[] =
        "# test rules\n"
        "TEXT_REFUND\t4.5\twhen @refund, @atm\tsrc-when\n"
        "TEXT_URGENT\t1.0\t\"今日中\"\tsrc-weak\n"
        "TEXT_URGENT\t2.0\t/至急|今すぐ/\tsrc-strong\n"
        "@refund\t-\t/還付金|払い?戻し/\tsrc-atom\n"
        "@atm\t-\t\"ATM\"\tsrc-atom\n"
        "TEXT_ROBO\t\t2\t\t\"オペレーター\"\t\tsrc-tabs\n"
        "TEXT_LOOP\t3\twhen TEXT_REPEATED, TEXT_ROBO\tsrc-rep\n";
    static const char *text = "医療費の還付金があります。今日中にATMへ。至急。";
    struct sift_text_rules *rules = NULL;
    struct sift_text_scratch *sc = NULL;
    struct sift_text_norm n;
    struct sift_text_hits hits;
    const struct sift_text_hit *h;
    struct sift_err err;
    char path[256];
    const char *paths[1];

    paths[0] = write_tmp(path, sizeof(path), "when", rules_text);
    if (sift_text_rules_load(&rules, paths, 1, &err) != SIFT_OK)
        TEST_FAIL_("%s: %s", err.where, err.msg);
    unlink(path);
    ASSERT_EQ(sift_text_rules_count(rules), 7);
    sift_text_rules_set_exact_evidence(rules, true);
    ASSERT_EQ(sift_text_scratch_new(rules, &sc), SIFT_OK);
    sift_text_norm_init(&n, 0);
    ASSERT_EQ(sift_text_normalize(text, strlen(text), &n, NULL), SIFT_OK);
    ASSERT_EQ(sift_text_scan(rules, sc, n.text, n.len, &hits), SIFT_OK);

    h = sift_text_hits_find(&hits, "TEXT_REFUND");
    ASSERT_NOT_NULL(h);
    ASSERT(h->weight == 4.5);
    ASSERT_STR_EQ(h->evidence, "還付金 + atm");
    ASSERT_STR_EQ(h->note, "src-when");
    ASSERT_EQ(h->line, 2);
    h = sift_text_hits_find(&hits, "TEXT_URGENT");
    ASSERT_NOT_NULL(h);
    ASSERT(h->weight == 2.0);
    ASSERT_STR_EQ(h->note, "src-strong");
    ASSERT_STR_EQ(h->evidence, "至急");

    /* Without exact evidence a regex's evidence is its maximum width
     * before the match end: "今すぐ" is 9 bytes, so 3 bytes too many. */
    sift_text_rules_set_exact_evidence(rules, false);
    ASSERT_EQ(sift_text_scan(rules, sc, n.text, n.len, &hits), SIFT_OK);
    h = sift_text_hits_find(&hits, "TEXT_URGENT");
    ASSERT_NOT_NULL(h);
    ASSERT_STR_EQ(h->evidence, "。至急");
    sift_text_rules_set_exact_evidence(rules, true);
    ASSERT_EQ(sift_text_scan(rules, sc, n.text, n.len, &hits), SIFT_OK);
    ASSERT_NULL(sift_text_hits_find(&hits, "@refund")); /* atoms hidden */
    ASSERT_NULL(sift_text_hits_find(&hits, "TEXT_ROBO"));
    ASSERT_NULL(sift_text_hits_find(&hits, "TEXT_LOOP"));
    ASSERT_NULL(sift_text_hits_find(&hits, SIFT_TEXT_REPEATED));
    ASSERT_EQ(hits.n, 2);

    /* The same message twice, with an operator: TEXT_LOOP fires from
     * TEXT_REPEATED. */
    {
        const char *t2 = "オペレーターにおつなぎします、ご確認ください。"
                         "オペレーターにおつなぎします ご確認ください";

        ASSERT_EQ(sift_text_normalize(t2, strlen(t2), &n, NULL), SIFT_OK);
        ASSERT_EQ(sift_text_scan(rules, sc, n.text, n.len, &hits), SIFT_OK);
        ASSERT_NOT_NULL(sift_text_hits_find(&hits, "TEXT_ROBO"));
        ASSERT_NOT_NULL(sift_text_hits_find(&hits, "TEXT_LOOP"));
        h = sift_text_hits_find(&hits, SIFT_TEXT_REPEATED);
        ASSERT_NOT_NULL(h);
        ASSERT_EQ(h->count, 2);
        ASSERT(h->weight == SIFT_TEXT_REPEATED_WEIGHT_DEFAULT);
        /* Nothing from the first text is left over. */
        ASSERT_NULL(sift_text_hits_find(&hits, "TEXT_REFUND"));
    }
    sift_text_norm_release(&n);
    sift_text_scratch_free(sc);
    sift_text_rules_free(rules);
    return 0;
}

TEST_IMPL(text_scan_seed_voicemail)
{
    const char *text = SEED_SENTENCE SEED_SENTENCE SEED_SENTENCE;
    char ja[512], en[512], cache[] = "/tmp";
    const char *paths[] = {ja, en};
    struct sift_text_rules *rules = NULL;
    struct sift_text_scratch *sc = NULL;
    struct sift_text_norm n;
    struct sift_text_hits hits;
    const struct sift_text_hit *h;
    struct sift_err err;

    path_in_root(ja, sizeof(ja), "data/rules/ja.rules");
    path_in_root(en, sizeof(en), "data/rules/en.rules");
    if (access(ja, R_OK) != 0 || access(en, R_OK) != 0)
        RETURN_SKIP("data/rules/ja.rules or en.rules missing");
    if (sift_text_rules_load_cached(&rules, paths, 2, cache, &err) != SIFT_OK)
        TEST_FAIL_("%s: %s", err.where, err.msg);
    ASSERT_EQ(sift_text_scratch_new(rules, &sc), SIFT_OK);
    sift_text_norm_init(&n, 0);
    ASSERT_EQ(sift_text_normalize(text, strlen(text), &n, NULL), SIFT_OK);
    ASSERT_EQ(sift_text_scan(rules, sc, n.text, n.len, &hits), SIFT_OK);

    h = sift_text_hits_find(&hits, "TEXT_PRESS_DIGIT");
    ASSERT_NOT_NULL(h);
    ASSERT_NOT_NULL(strstr(h->evidence, "1番"));
    ASSERT(h->weight > 0);
    ASSERT(h->note[0] != '\0');
    ASSERT_NOT_NULL(strstr(h->file, "ja.rules"));
    h = sift_text_hits_find(&hits, "TEXT_URGENT");
    ASSERT_NOT_NULL(h);
    ASSERT_NOT_NULL(strstr(h->evidence, "重要なお知らせ"));
    h = sift_text_hits_find(&hits, SIFT_TEXT_REPEATED);
    ASSERT_NOT_NULL(h);
    ASSERT_EQ(h->count, 3);
    ASSERT_EQ(strncmp(h->evidence,
                      "\xC3\x97"
                      "3: nttファイナンス",
                      22),
              0);
    ASSERT(strlen(h->evidence) <= SIFT_TEXT_EVIDENCE_MAX);

    /* Once: no repetition. */
    ASSERT_EQ(
        sift_text_normalize(SEED_SENTENCE, strlen(SEED_SENTENCE), &n, NULL),
        SIFT_OK);
    ASSERT_EQ(sift_text_scan(rules, sc, n.text, n.len, &hits), SIFT_OK);
    ASSERT_NOT_NULL(sift_text_hits_find(&hits, "TEXT_PRESS_DIGIT"));
    ASSERT_NULL(sift_text_hits_find(&hits, SIFT_TEXT_REPEATED));

    /* An ordinary message fires nothing. */
    {
        const char *t = "明日の歯科検診は午後3時からです。保険証をお持ちく"
                        "ださい。山田歯科";

        ASSERT_EQ(sift_text_normalize(t, strlen(t), &n, NULL), SIFT_OK);
        ASSERT_EQ(sift_text_scan(rules, sc, n.text, n.len, &hits), SIFT_OK);
        ASSERT_EQ(hits.n, 0);
    }
    sift_text_norm_release(&n);
    sift_text_scratch_free(sc);
    sift_text_rules_free(rules);
    return 0;
}

/* A cache folder holds the compiled rules between loads; NULL and "" mean
 * no cache (an empty folder name once wrote the database to "/"). */
TEST_IMPL(text_rules_cache_dir)
{
    char en[512], dir[] = "/tmp/callsift-test-cache-XXXXXX", cmd[600];
    const char *paths[] = {en};
    const char *const no_cache[] = {NULL, ""};
    struct sift_text_rules *rules = NULL;
    struct sift_err err;

    path_in_root(en, sizeof(en), "data/rules/en.rules");
    if (access(en, R_OK) != 0)
        RETURN_SKIP("data/rules/en.rules missing");
    ASSERT_NOT_NULL(mkdtemp(dir));
    for (int pass = 0; pass < 2; pass++) {
        if (sift_text_rules_load_cached(&rules, paths, 1, dir, &err) != SIFT_OK)
            TEST_FAIL_("%s: %s", err.where, err.msg);
        /* compiled and written on the first load, read on the second */
        ASSERT_EQ(sift_text_rules_from_cache(rules), pass == 1);
        sift_text_rules_free(rules);
        rules = NULL;
    }
    for (size_t k = 0; k < SIFT_ARRAY_LEN(no_cache); k++)
        for (int pass = 0; pass < 2; pass++) {
            if (sift_text_rules_load_cached(&rules, paths, 1, no_cache[k],
                                            &err) != SIFT_OK)
                TEST_FAIL_("%s: %s", err.where, err.msg);
            ASSERT(!sift_text_rules_from_cache(rules));
            sift_text_rules_free(rules);
            rules = NULL;
        }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ASSERT_EQ(system(cmd), 0);
    return 0;
}

/* Append the words of the rules files' regexes (runs of letters) to
 * words[], up to max; returns the count. */
static size_t rule_words(const char *path, char (*words)[24], size_t n,
                         size_t max)
{
    FILE *fp = fopen(path, "r");
    char line[4096];

    if (fp == NULL)
        return n;
    while (fgets(line, sizeof(line), fp) && n < max) {
        char *p = strchr(line, '/');

        if (line[0] == '#' || p == NULL)
            continue;
        while (*p && *p != '\t' && n < max) {
            size_t k = 0;

            while ((*p >= 'a' && *p <= 'z') && k < 23)
                words[n][k++] = *p++;
            if (k >= 2) {
                words[n][k] = '\0';
                n++;
            }
            if (k == 0)
                p++;
        }
    }
    fclose(fp);
    return n;
}

/* Copy what a scan found into one comparable string. */
static void hits_string(const struct sift_text_hits *h, char *out, size_t size)
{
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < h->n && o + 1 < size; i++) {
        int k = snprintf(out + o, size - o, "%s[%s]@%zu;", h->hit[i].name,
                         h->hit[i].evidence, h->hit[i].offset);

        if (k < 0 || (size_t)k >= size - o)
            break;
        o += (size_t)k;
    }
}

/*
 * Regexes whose alternatives all end in \b are compiled without it and the
 * scan checks the boundary at each match end (text_rules.c). The same
 * texts must give the same hits, evidence and offsets as the rules
 * compiled as written: random phrases of the rules' own words with
 * separators that make and break word boundaries, and the test cases'
 * texts cut at every few bytes.
 */
TEST_IMPL(text_rules_end_word_matches_as_written)
{
    static char words[4000][24];
    static const char *const seps[] = {
        " ", " ", " ", "", "_", "1", ".", ", ", "x", "\xE3\x81\xAE" /* の */};
    char ja[512], en[512], cases[512], text[1024], a[8192], b[8192];
    const char *paths[] = {ja, en};
    struct sift_text_rules *fast = NULL, *ref = NULL;
    struct sift_text_scratch *sf = NULL, *sr = NULL;
    struct sift_text_hits hf, hr;
    struct sift_text_norm n;
    struct sift_err err;
    size_t n_words, n_texts = 0, n_fired = 0, n_stripped = 0;
    uint64_t x = 0x2545F4914F6CDD1Dull;
    FILE *fp;

    path_in_root(ja, sizeof(ja), "data/rules/ja.rules");
    path_in_root(en, sizeof(en), "data/rules/en.rules");
    path_in_root(cases, sizeof(cases), "tests/data/cases.jsonl");
    if (access(ja, R_OK) != 0 || access(en, R_OK) != 0)
        RETURN_SKIP("data/rules/ja.rules or en.rules missing");
    if (sift__text_rules_load(&fast, paths, 2, "/tmp", 0, &err) != SIFT_OK ||
        sift__text_rules_load(&ref, paths, 2, "/tmp", SIFT__RULES_AS_WRITTEN,
                              &err) != SIFT_OK)
        TEST_FAIL_("%s: %s", err.where, err.msg);
    for (size_t i = 0; i < fast->n_lines; i++)
        n_stripped += fast->lines[i].end_word;
    ASSERT(n_stripped >= 20); /* the shipped English rules use \b */
    ASSERT_EQ(sift_text_scratch_new(fast, &sf), SIFT_OK);
    ASSERT_EQ(sift_text_scratch_new(ref, &sr), SIFT_OK);
    sift_text_norm_init(&n, 0);
    n_words = rule_words(en, words, 0, SIFT_ARRAY_LEN(words));
    ASSERT(n_words > 100);

#define SAME_HITS(t, len)                                                      \
    do {                                                                       \
        ASSERT_EQ(sift_text_scan(fast, sf, (t), (len), &hf), SIFT_OK);         \
        ASSERT_EQ(sift_text_scan(ref, sr, (t), (len), &hr), SIFT_OK);          \
        hits_string(&hf, a, sizeof(a));                                        \
        hits_string(&hr, b, sizeof(b));                                        \
        if (strcmp(a, b) != 0)                                                 \
            TEST_FAIL_("text '%.*s': %s as written, %s stripped", (int)(len),  \
                       (t), b, a);                                             \
        n_texts++;                                                             \
        n_fired += hr.n > 0;                                                   \
    } while (0)

    for (int round = 0; round < 30000; round++) {
        size_t len = 0, k;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        k = 2 + (size_t)(x % 10);
        while (k-- > 0) {
            const char *w, *sep;

            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w = words[x % n_words];
            sep = seps[(x >> 32) % SIFT_ARRAY_LEN(seps)];
            if (len + strlen(w) + strlen(sep) + 1 >= sizeof(text))
                break;
            memcpy(text + len, w, strlen(w));
            len += strlen(w);
            if (k > 0) {
                memcpy(text + len, sep, strlen(sep));
                len += strlen(sep);
            }
        }
        SAME_HITS(text, len);
    }
    fp = fopen(cases, "r");
    if (fp != NULL) {
        char line[8192];
        struct sift_event_json ej;

        while (fgets(line, sizeof(line), fp)) {
            if (line[0] != '{' || sift_event_from_json(&ej, line, strlen(line),
                                                       NULL) != SIFT_OK) {
                continue;
            }
            if (ej.ev.text != NULL &&
                sift_text_normalize(ej.ev.text, ej.ev.text_len, &n, NULL) ==
                    SIFT_OK) {
                for (size_t cut = n.len; cut > 0; cut = cut > 3 ? cut - 3 : 0)
                    SAME_HITS(n.text, cut);
            }
            sift_event_json_release(&ej);
        }
        fclose(fp);
    }
#undef SAME_HITS
    /* the comparison saw rules fire, not only silence */
    ASSERT(n_fired > n_texts / 20);
    sift_text_norm_release(&n);
    sift_text_scratch_free(sf);
    sift_text_scratch_free(sr);
    sift_text_rules_free(fast);
    sift_text_rules_free(ref);
    return 0;
}

/* Literals loaded with the rules (sift_text_rules_load_with()) are found
 * in the rules' scan: every occurrence, overlapping ones too, Latin ends
 * that touch a letter or digit refused, at most SIFT_TEXT_MAX_LIT_HITS;
 * and the rules' own hits are those of the rules loaded alone. */
/* Two equally strong lines of one name whose matches end at the same
 * byte: the one earlier in the file is kept, whatever order vectorscan
 * reports them in. fuzz-rules found a file (kept as its seed
 * tie-at-one-end.rules) where the database with trailing \b taken off and
 * the one as written reported them in different orders, so the evidence
 * differed (offset 0 against 2). */
TEST_IMPL(text_rules_tie_at_one_end_keeps_the_earlier_line)
{
    char path[1024], a[8192], b[8192];
    const char *paths[] = {path};
    const char *t = "press 1 to speak with an agent. your account has been "
                    "suspended";
    struct sift_text_rules *fast = NULL, *ref = NULL;
    struct sift_text_scratch *sf = NULL, *sr = NULL;
    struct sift_text_hits hf, hr;
    const struct sift_text_hit *h;
    struct sift_err err;

    path_in_root(path, sizeof(path),
                 "tests/fuzz/seeds/fuzz-rules/tie-at-one-end.rules");
    if (access(path, R_OK) != 0)
        RETURN_SKIP("tests/fuzz/seeds/fuzz-rules/tie-at-one-end.rules missing");
    if (sift__text_rules_load(&fast, paths, 1, NULL, 0, &err) != SIFT_OK ||
        sift__text_rules_load(&ref, paths, 1, NULL, SIFT__RULES_AS_WRITTEN,
                              &err) != SIFT_OK)
        TEST_FAIL_("%s: %s", err.where, err.msg);
    ASSERT_EQ(sift_text_scratch_new(fast, &sf), SIFT_OK);
    ASSERT_EQ(sift_text_scratch_new(ref, &sr), SIFT_OK);
    ASSERT_EQ(sift_text_scan(fast, sf, t, strlen(t), &hf), SIFT_OK);
    ASSERT_EQ(sift_text_scan(ref, sr, t, strlen(t), &hr), SIFT_OK);
    hits_string(&hf, a, sizeof(a));
    hits_string(&hr, b, sizeof(b));
    ASSERT_STR_EQ(a, b);
    /* TEXT_ROBOCALL's lines 3 and 6 both end at "agent"; line 3 is kept. */
    h = sift_text_hits_find(&hf, "TEXT_ROBOCALL");
    ASSERT_NOT_NULL(h);
    ASSERT_EQ(h->line, 3);
    sift_text_scratch_free(sf);
    sift_text_scratch_free(sr);
    sift_text_rules_free(fast);
    sift_text_rules_free(ref);
    return 0;
}

TEST_IMPL(text_rules_literals_found_in_the_same_scan)
{
    static const struct sift_text_literal lits[] = {
        {"amazon", 6, true, true},
        {"nttファイナンス", 21, true, false},
        {"aa", 2, false, false},
        {"x.y", 3, false, false},
    };
    static const struct {
        const char *text;
        const char *want; /* "id@end ..." */
    } cases[] = {
        {"amazonから荷物", "0@6"},
        {"amazonia", ""},
        {"(amazon)", "0@7"},
        {"myamazon", ""},
        {"nttファイナンスです", "1@21"},
        {"xnttファイナンス", ""},
        {"nttファイナンスx", "1@21"},
        {"aaaa", "2@2 2@3 2@4"},
        {"x.y xzy", "3@3"},
        {"nttファイナンスより重要なお知らせがございます。ダイヤル1番を押して",
         "1@21"},
    };
    char ja[512], en[512], a[8192], b[8192], got[512];
    const char *paths[] = {ja, en};
    struct sift_text_rules *with = NULL, *alone = NULL;
    struct sift_text_scratch *sw = NULL, *sa = NULL;
    struct sift_text_hits hw, ha;
    struct sift_err err;
    char many[70 * 7 + 1];

    path_in_root(ja, sizeof(ja), "data/rules/ja.rules");
    path_in_root(en, sizeof(en), "data/rules/en.rules");
    if (access(ja, R_OK) != 0 || access(en, R_OK) != 0)
        RETURN_SKIP("data/rules/ja.rules or en.rules missing");
    if (sift_text_rules_load_with(&with, paths, 2, lits, 4, "", &err) !=
            SIFT_OK ||
        sift_text_rules_load_cached(&alone, paths, 2, "", &err) != SIFT_OK)
        TEST_FAIL_("%s: %s", err.where, err.msg);
    ASSERT_EQ(sift_text_scratch_new(with, &sw), SIFT_OK);
    ASSERT_EQ(sift_text_scratch_new(alone, &sa), SIFT_OK);
    for (size_t i = 0; i < SIFT_ARRAY_LEN(cases); i++) {
        const char *t = cases[i].text;
        size_t o = 0;

        ASSERT_EQ(sift_text_scan(with, sw, t, strlen(t), &hw), SIFT_OK);
        ASSERT_EQ(sift_text_scan(alone, sa, t, strlen(t), &ha), SIFT_OK);
        got[0] = '\0';
        for (size_t k = 0; k < hw.n_lits; k++)
            o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%u@%u",
                                  k ? " " : "", hw.lit_id[k], hw.lit_end[k]);
        if (strcmp(got, cases[i].want) != 0)
            TEST_FAIL_("'%s': literals %s, want %s", t, got, cases[i].want);
        ASSERT_EQ(ha.n_lits, 0);
        hits_string(&hw, a, sizeof(a));
        hits_string(&ha, b, sizeof(b));
        ASSERT_STR_EQ(a, b);
    }
    /* The seed's words fire their rules with the literals loaded too. */
    ASSERT(ha.n >= 2);
    /* 70 occurrences: the first 64 are kept. */
    for (size_t i = 0; i < 70; i++)
        memcpy(many + i * 7, "amazon ", 7);
    many[70 * 7] = '\0';
    ASSERT_EQ(sift_text_scan(with, sw, many, strlen(many), &hw), SIFT_OK);
    ASSERT_EQ(hw.n_lits, SIFT_TEXT_MAX_LIT_HITS);
    ASSERT_EQ(hw.lit_end[SIFT_TEXT_MAX_LIT_HITS - 1],
              (SIFT_TEXT_MAX_LIT_HITS - 1) * 7 + 6);
    /* An empty literal is refused, naming it. */
    {
        struct sift_text_rules *bad = NULL;
        static const struct sift_text_literal empty[] = {{"x", 1, 0, 0},
                                                         {"", 0, 0, 0}};

        ASSERT_EQ(sift_text_rules_load_with(&bad, paths, 2, empty, 2, "", &err),
                  SIFT_EINVAL);
        ASSERT_NULL(bad);
        ASSERT(strstr(err.msg, "literal 1") != NULL);
    }
    sift_text_scratch_free(sw);
    sift_text_scratch_free(sa);
    sift_text_rules_free(with);
    sift_text_rules_free(alone);
    return 0;
}

TEST_IMPL(text_repetition_finds_the_repeated_message)
{
    static const struct {
        const char *text;
        unsigned count;
        const char *unit; /* prefix of the unit */
    } cases[] = {
        {"重要なお知らせがございます。1番を押してください。"
         "重要なお知らせがございます、1番を押してください",
         2, "重要なお知らせ"},
        {"this is an important message press one now. "
         "this is an important message, press one now! "
         "this is an important message press one now",
         3, "this is an important message"},
        /* one phrase repeated inside a longer text is not a repetition */
        {"ご確認ください。明日の予約は午後3時からです。保険証と診察券をお持ち"
         "ください。駐車場は裏にあります。ご確認ください。",
         0, NULL},
        {"short short short", 0, NULL},
        {"", 0, NULL},
        /* ・ and ゠ are punctuation: the copies are the same message */
        {"佐藤様・お支払いの確認が取れておりません。"
         "佐藤様お支払いの確認が取れて゠おりません",
         2, "佐藤様"},
        /* 々 is a letter: the middle copy differs (dropping it would
         * make three copies); the longest unit seen twice runs from the
         * first copy into the second */
        {"佐木様お支払いの確認が取れておりません。"
         "佐々木様お支払いの確認が取れておりません。"
         "佐木様お支払いの確認が取れておりません",
         2, "木様お支払い"},
        /* ideographs below U+4E00 (CJK extension A) are letters too */
        {"㐀㐁㐂が届きました確認してください。"
         "㐀㐁㐂が届きました確認してください",
         2, "㐀㐁㐂が"},
    };
    struct sift_text_norm n;

    sift_text_norm_init(&n, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t off, len;
        unsigned c;

        ASSERT_EQ(
            sift_text_normalize(cases[i].text, strlen(cases[i].text), &n, NULL),
            SIFT_OK);
        c = sift_text_repetition(n.text, n.len, &off, &len);
        if (c != cases[i].count)
            TEST_FAIL_("case %zu: count %u, want %u", i, c, cases[i].count);
        if (cases[i].unit)
            ASSERT_EQ(
                strncmp(n.text + off, cases[i].unit, strlen(cases[i].unit)), 0);
    }
    sift_text_norm_release(&n);
    return 0;
}

/* ------------------------------------------------------------------ */

TEST_IMPL(text_urls_table)
{
    static const struct {
        const char *text;
        const char *host, *domain;
        unsigned flags; /* exact, without SCHEME */
    } cases[] = {
        {"ご確認ください https://sagawa-exp.xyz/jp こちら", "sagawa-exp.xyz",
         "sagawa-exp.xyz", SIFT_TEXT_URL_RISKY_TLD},
        {"ｈｔｔｐｓ：／／ＷＷＷ．ＡＭＡＺＯＮ．ＣＯ．ＪＰ／ｇｐ",
         "www.amazon.co.jp", "amazon.co.jp", 0},
        {"詳細はamazon.co.jp/gpへ", "amazon.co.jp", "amazon.co.jp", 0},
        {"see bit.ly/3abcD now", "bit.ly", "bit.ly", SIFT_TEXT_URL_SHORTENER},
        {"go to www.example.com.", "www.example.com", "example.com", 0},
        {"hxxp://evil[.]example[.]com/x", "evil.example.com", "example.com", 0},
        {"http://192.168.0.1:8080/login", "192.168.0.1", "",
         SIFT_TEXT_URL_IP_HOST},
        {"login at 10.0.0.1/admin", "10.0.0.1", "", SIFT_TEXT_URL_IP_HOST},
        {"http://[2001:db8::1]/x", "[2001:db8::1]", "", SIFT_TEXT_URL_IP_HOST},
        {"https://xn--80ak6aa92e.com/", "xn--80ak6aa92e.com",
         "xn--80ak6aa92e.com",
         SIFT_TEXT_URL_PUNYCODE}, /* all Cyrillic: not mixed */
        {"https://xn--pple-43d.com/", "xn--pple-43d.com", "xn--pple-43d.com",
         SIFT_TEXT_URL_PUNYCODE | SIFT_TEXT_URL_MIXED_SCRIPTS}, /* аpple */
        {"https://\xD0\xB0pple.com/", "\xD0\xB0pple.com", "\xD0\xB0pple.com",
         SIFT_TEXT_URL_PUNYCODE | SIFT_TEXT_URL_MIXED_SCRIPTS},
        {"x.duckdns.org/a", "x.duckdns.org", "x.duckdns.org",
         SIFT_TEXT_URL_DYNAMIC_DNS},
        {"https://pay-paypay.replit.app/", "pay-paypay.replit.app",
         "replit.app", SIFT_TEXT_URL_FREE_HOSTING},
        {"http://www.amazon.co.jp@evil.cn/", "evil.cn", "evil.cn",
         SIFT_TEXT_URL_USERINFO | SIFT_TEXT_URL_RISKY_TLD},
        /* a host that goes on past its first ASCII letter */
        {"詳細はbücher.deへ", "bücher.de", "bücher.de", SIFT_TEXT_URL_PUNYCODE},
    };
    struct sift_text_url_lists *lists;
    struct sift_text_norm n;
    struct sift_err err;

    ASSERT_EQ(sift_text_url_lists_new(&lists, NULL, &err), SIFT_OK);
    sift_text_norm_init(&n, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sift_text_url u[4];
        size_t n_out;

        ASSERT_EQ(
            sift_text_normalize(cases[i].text, strlen(cases[i].text), &n, NULL),
            SIFT_OK);
        if (sift_text_urls(lists, n.text, n.len, u, 4, &n_out) != 1)
            TEST_FAIL_("case %zu (%s): not one URL", i, n.text);
        ASSERT_EQ(n_out, 1);
        if (strcmp(u[0].host, cases[i].host) != 0)
            TEST_FAIL_("case %zu: host \"%s\", want \"%s\"", i, u[0].host,
                       cases[i].host);
        ASSERT_STR_EQ(u[0].domain, cases[i].domain);
        if ((u[0].flags & ~(unsigned)SIFT_TEXT_URL_SCHEME) != cases[i].flags)
            TEST_FAIL_("case %zu (%s): flags %#x, want %#x", i, u[0].host,
                       u[0].flags, cases[i].flags);
    }
    /* Not URLs: prose, versions, e-mail addresses, file names. */
    {
        static const char *none[] = {"mr.smith said so",
                                     "version 1.2.3 is out",
                                     "write to info@example.com",
                                     "the price is 3.5 dollars",
                                     "重要なお知らせ。ダイヤル1番",
                                     "e.g. this"};

        for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
            struct sift_text_url u[2];
            size_t n_out;

            ASSERT_EQ(sift_text_normalize(none[i], strlen(none[i]), &n, NULL),
                      SIFT_OK);
            if (sift_text_urls(lists, n.text, n.len, u, 2, &n_out) != 0)
                TEST_FAIL_("\"%s\" gave a URL: %s", none[i], u[0].host);
        }
    }
    /* Several, and more than max. */
    {
        const char *t = "a.com b.jp c.net d.org";
        struct sift_text_url u[2];
        size_t n_out;

        ASSERT_EQ(sift_text_urls(lists, t, strlen(t), u, 2, &n_out), 4);
        ASSERT_EQ(n_out, 2);
        ASSERT_STR_EQ(u[1].host, "b.jp");
        ASSERT_EQ(u[1].offset, 6);
        ASSERT_EQ(u[1].len, 4);
    }
    sift_text_norm_release(&n);
    sift_text_url_lists_free(lists);
    return 0;
}

TEST_IMPL(text_url_lookalike)
{
    static const char *brands[] = {"nttfinance", "amazon", "au"};
    static const char *official[] = {"ntt-finance.co.jp", "amazon.co.jp",
                                     "au.com"};
    static const struct {
        const char *text;
        bool lookalike;
        size_t brand;
    } cases[] = {
        {"https://ntt-finance-pay.com/login", true, 0},
        {"http://amazon-co-jp.xyz/", true, 1},
        {"www.amazon.co.jp.evil.com/x", true, 1},
        {"https://www.amazon.co.jp/gp", false, 0},
        {"https://www.ntt-finance.co.jp/", false, 0},
        {"https://au-kddi.support/", true, 2},  /* short token, whole part */
        {"https://autumn-sale.com/", false, 0}, /* "au" inside a word */
        {"https://example.com/", false, 0},
    };
    struct sift_text_url_lists *lists;

    ASSERT_EQ(sift_text_url_lists_new(&lists, NULL, NULL), SIFT_OK);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sift_text_url u;
        size_t n_out, brand = 99;
        bool got;

        ASSERT_EQ(sift_text_urls(lists, cases[i].text, strlen(cases[i].text),
                                 &u, 1, &n_out),
                  1);
        got = sift_text_url_lookalike(&u, brands, 3, official, 3, &brand);
        if (got != cases[i].lookalike)
            TEST_FAIL_("case %zu (%s): lookalike %d", i, u.host, got);
        if (got)
            ASSERT_EQ(brand, cases[i].brand);
    }
    sift_text_url_lists_free(lists);
    return 0;
}

TEST_IMPL(text_url_lists_file_matches_builtin)
{
    char conf[512], line[256];
    struct sift_text_url_lists *file_lists, *builtin;
    struct sift_err err;
    FILE *fp;
    int section = -1, n_entries = 0;

    path_in_root(conf, sizeof(conf), "data/urls.conf");
    if (access(conf, R_OK) != 0)
        RETURN_SKIP("data/urls.conf missing");
    if (sift_text_url_lists_new(&file_lists, conf, &err) != SIFT_OK)
        TEST_FAIL_("%s: %s", err.where, err.msg);
    ASSERT_EQ(sift_text_url_lists_new(&builtin, NULL, &err), SIFT_OK);
    fp = fopen(conf, "r");
    ASSERT_NOT_NULL(fp);
    while (fgets(line, sizeof(line), fp)) {
        char text[300];
        struct sift_text_url a, b;
        size_t na, nb;

        line[strcspn(line, " \t\r\n#")] = '\0';
        if (line[0] == '\0')
            continue;
        if (line[0] == '[') {
            section++;
            continue;
        }
        /* A risky TLD needs a name in front; the rest are hosts. */
        snprintf(text, sizeof(text), "%s%s/x", section == 1 ? "abc." : "",
                 line);
        ASSERT_EQ(sift_text_urls(file_lists, text, strlen(text), &a, 1, &na),
                  1);
        ASSERT_EQ(sift_text_urls(builtin, text, strlen(text), &b, 1, &nb), 1);
        if (a.flags != b.flags || a.flags == 0)
            TEST_FAIL_("%s: file flags %#x, built-in %#x", text, a.flags,
                       b.flags);
        n_entries++;
    }
    fclose(fp);
    ASSERT(n_entries > 50);
    sift_text_url_lists_free(file_lists);
    sift_text_url_lists_free(builtin);

    /* A broken lists file names its line. */
    {
        char path[256];

        write_tmp(path, sizeof(path), "urls",
                  "# x\n[shorteners]\nbit.ly\n"
                  "[nope]\n");
        ASSERT_EQ(sift_text_url_lists_new(&file_lists, path, &err),
                  SIFT_EPARSE);
        ASSERT_NULL(file_lists);
        ASSERT_NOT_NULL(strstr(err.where, ":4"));
        ASSERT_NOT_NULL(strstr(err.msg, "unknown section"));
        unlink(path);
    }
    return 0;
}
