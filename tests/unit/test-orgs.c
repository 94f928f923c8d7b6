/*
 * test-orgs.c - the organisations loader and lookups, and the
 * Aho-Corasick automaton under them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "callsift.h"
#include "test.h"
#include "util/ac.h"

static struct sift_orgs *load_orgs(void)
{
    struct sift_orgs *orgs = NULL;
    struct sift_err err = {0};
    char dir[1024];

    snprintf(dir, sizeof(dir), "%s/data/orgs", sift_test_root());
    if (sift_orgs_load(&orgs, dir, &err) != SIFT_OK)
        fprintf(stderr, "# %s: %s\n", err.where, err.msg);
    return orgs;
}

static const struct sift_org *by_id(const struct sift_orgs *orgs,
                                    const char *id)
{
    for (size_t i = 0; i < sift_orgs_count(orgs); i++)
        if (strcmp(sift_orgs_get(orgs, i)->id, id) == 0)
            return sift_orgs_get(orgs, i);
    return NULL;
}

TEST_IMPL(orgs_load_shipped_files)
{
    struct sift_orgs *orgs = load_orgs();
    const struct sift_org *o;

    ASSERT_NOT_NULL(orgs);
    ASSERT(sift_orgs_count(orgs) >= 30);
    o = by_id(orgs, "ntt-finance");
    ASSERT_NOT_NULL(o);
    ASSERT_STR_EQ(o->name_ja, "NTTファイナンス");
    ASSERT_STR_EQ(o->country, "JP");
    ASSERT(o->never & (1u << SIFT_NEVER_AUTOMATED_VOICE));
    ASSERT(o->never & (1u << SIFT_NEVER_INTERNATIONAL_CALL));
    ASSERT(sift_orgs_domain_owner(orgs, "www.ntt-finance.co.jp", 21) == o);
    ASSERT(sift_orgs_domain_owner(orgs, "ntt-finance.co.jp.evil.com", 26) ==
           NULL);
    for (size_t i = 0; i < sift_orgs_count(orgs); i++) {
        o = sift_orgs_get(orgs, i);
        ASSERT(o->contact_ja[0] && o->contact_en[0]);
    }
    sift_orgs_free(orgs);
    return 0;
}

/* The owner as the definition reads: the first organisation with a domain
 * that host is, or is under. */
static const struct sift_org *owner_by_scan(const struct sift_orgs *orgs,
                                            const char *host)
{
    size_t len = strlen(host);

    for (size_t i = 0; i < sift_orgs_count(orgs); i++) {
        const struct sift_org *o = sift_orgs_get(orgs, i);

        for (size_t k = 0; k < o->n_domains; k++) {
            size_t dl = strlen(o->domains[k]);

            if ((len == dl && memcmp(host, o->domains[k], dl) == 0) ||
                (len > dl && host[len - dl - 1] == '.' &&
                 memcmp(host + len - dl, o->domains[k], dl) == 0))
                return o;
        }
    }
    return NULL;
}

/* sift_orgs_domain_owner() looks each suffix up in a hash set; it must
 * name the organisation the scan names, for every shipped domain and
 * hosts around it. */
TEST_IMPL(orgs_domain_owner_matches_scan)
{
    static const char *const forms[] = {
        "%s", "www.%s", "a.b.%s", "%s.evil.com", "x%s", "%s.", "evil-%s"};
    struct sift_orgs *orgs = load_orgs();
    size_t n_owned = 0, n_hosts = 0;
    char host[300];

    ASSERT_NOT_NULL(orgs);
    for (size_t i = 0; i < sift_orgs_count(orgs); i++) {
        const struct sift_org *o = sift_orgs_get(orgs, i);

        for (size_t k = 0; k < o->n_domains; k++)
            for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
                const struct sift_org *want;

                snprintf(host, sizeof(host), forms[f], o->domains[k]);
                want = owner_by_scan(orgs, host);
                ASSERT(sift_orgs_domain_owner(orgs, host, strlen(host)) ==
                       want);
                n_owned += want != NULL;
                n_hosts++;
            }
    }
    ASSERT(n_owned > 100);
    ASSERT(n_owned < n_hosts);
    ASSERT(sift_orgs_domain_owner(orgs, "", 0) == NULL);
    sift_orgs_free(orgs);
    return 0;
}

TEST_IMPL(orgs_find_prefers_longest_alias)
{
    struct sift_orgs *orgs = load_orgs();
    struct sift_org_match m[8];
    const char *t = "nttファイナンスより重要なお知らせがございます";
    const char *t2 = "i ate three apples today";
    size_t n;

    ASSERT_NOT_NULL(orgs);
    n = sift_orgs_find(orgs, t, strlen(t), m, 8);
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(m[0].org->id, "ntt-finance");
    ASSERT_EQ(m[0].start, 0);
    /* A latin alias may not touch a letter: "apples" is not Apple. */
    ASSERT_EQ(sift_orgs_find(orgs, t2, strlen(t2), m, 8), 0);
    sift_orgs_free(orgs);
    return 0;
}

/* The engine scans the organisations' aliases with its rules
 * (sift_text_rules_load_with()) and reads the organisations named from
 * that scan (sift_orgs_found()): the same matches as sift_orgs_find() on
 * every case's text and every cut of it, on texts crowded with aliases,
 * and entries that are no occurrence are ignored. */
TEST_IMPL(orgs_found_from_the_rules_scan_equals_find)
{
    char ja[1024], en[1024], cases[1024], line[8192], crowd[4096];
    const char *paths[] = {ja, en};
    struct sift_orgs *orgs = load_orgs();
    struct sift_text_literal *lits;
    struct sift_text_rules *rules = NULL;
    struct sift_text_scratch *sc = NULL;
    struct sift_text_hits hits;
    struct sift_text_norm n;
    struct sift_org_match a[8], b[8];
    struct sift_err err;
    size_t n_lits, n_texts = 0, n_named = 0, o = 0;
    FILE *fp;

    ASSERT_NOT_NULL(orgs);
    snprintf(ja, sizeof(ja), "%s/data/rules/ja.rules", sift_test_root());
    snprintf(en, sizeof(en), "%s/data/rules/en.rules", sift_test_root());
    snprintf(cases, sizeof(cases), "%s/tests/data/cases.jsonl",
             sift_test_root());
    n_lits = sift_orgs_literals(orgs, NULL, 0);
    ASSERT(n_lits > 100);
    lits = calloc(n_lits, sizeof(*lits));
    ASSERT_NOT_NULL(lits);
    /* max bounds what is written */
    ASSERT_EQ(sift_orgs_literals(orgs, lits, 1), n_lits);
    ASSERT_NOT_NULL(lits[0].text);
    ASSERT_NULL(lits[1].text);
    ASSERT_EQ(sift_orgs_literals(orgs, lits, n_lits), n_lits);
    for (size_t i = 0; i < n_lits; i++)
        ASSERT_EQ(strlen(lits[i].text), lits[i].len);
    if (sift_text_rules_load_with(&rules, paths, 2, lits, n_lits, "", &err) !=
        SIFT_OK)
        TEST_FAIL_("%s: %s", err.where, err.msg);
    ASSERT_EQ(sift_text_scratch_new(rules, &sc), SIFT_OK);
    sift_text_norm_init(&n, 0);

#define SAME_ORGS(t, len)                                                      \
    do {                                                                       \
        size_t na_, nb_;                                                       \
        ASSERT_EQ(sift_text_scan(rules, sc, (t), (len), &hits), SIFT_OK);      \
        na_ = sift_orgs_found(orgs, (t), (len), hits.lit_id, hits.lit_end,     \
                              hits.n_lits, a, 8);                              \
        nb_ = sift_orgs_find(orgs, (t), (len), b, 8);                          \
        if (na_ != nb_)                                                        \
            TEST_FAIL_("'%.*s': %zu organisations from the scan, %zu found",   \
                       (int)(len), (t), na_, nb_);                             \
        for (size_t k_ = 0; k_ < na_; k_++)                                    \
            if (a[k_].org != b[k_].org || a[k_].alias != b[k_].alias ||        \
                a[k_].start != b[k_].start || a[k_].end != b[k_].end)          \
                TEST_FAIL_("'%.*s': match %zu differs", (int)(len), (t), k_);  \
        n_texts++;                                                             \
        n_named += na_ > 0;                                                    \
    } while (0)

    fp = fopen(cases, "r");
    ASSERT_NOT_NULL(fp);
    while (fgets(line, sizeof(line), fp)) {
        struct sift_event_json ej;

        if (line[0] != '{' ||
            sift_event_from_json(&ej, line, strlen(line), NULL) != SIFT_OK)
            continue;
        if (ej.ev.text != NULL &&
            sift_text_normalize(ej.ev.text, ej.ev.text_len, &n, NULL) ==
                SIFT_OK)
            for (size_t cut = n.len; cut > 0; cut = cut > 5 ? cut - 5 : 0)
                SAME_ORGS(n.text, cut);
        sift_event_json_release(&ej);
    }
    fclose(fp);
    ASSERT(n_named > n_texts / 10);
    /* Every alias, side by side and touching, many more than 64. */
    o = 0;
    for (size_t i = 0; o + 64 < sizeof(crowd); i = (i + 7) % n_lits) {
        memcpy(crowd + o, lits[i].text, lits[i].len);
        o += lits[i].len;
        if (i % 3 == 0)
            crowd[o++] = ' ';
    }
    SAME_ORGS(crowd, o);
    /* Entries that are no occurrence: out of range, past the end, or
     * another alias's words. */
    {
        static const char *t = "nttファイナンスより";
        uint32_t ids[3] = {(uint32_t)n_lits, 0, 0}, ends[3] = {21, 4000, 21};
        size_t k;

        for (k = 0; k < n_lits; k++)
            if (strcmp(lits[k].text, "nttファイナンス") == 0)
                break;
        ASSERT(k < n_lits);
        ids[2] = k == 0 ? 1 : 0;
        ASSERT_EQ(sift_orgs_found(orgs, t, strlen(t), ids, ends, 3, a, 8), 0);
        ids[2] = (uint32_t)k;
        ASSERT_EQ(sift_orgs_found(orgs, t, strlen(t), ids, ends, 3, a, 8), 1);
        ASSERT_STR_EQ(a[0].org->id, "ntt-finance");
    }
#undef SAME_ORGS
    sift_text_norm_release(&n);
    sift_text_scratch_free(sc);
    sift_text_rules_free(rules);
    free(lits);
    sift_orgs_free(orgs);
    return 0;
}

TEST_IMPL(orgs_broken_file_names_line)
{
    static const struct {
        const char *content, *where, *words;
    } cases[] = {
        {"[x]\nname.ja = X\nnever = teleport ; src: https://x (O)\n", ":3",
         "unknown key 'teleport'"},
        {"[x]\nnumber = 0120-000-000 ; src: https://blog (T)\n", ":2", "(T)"},
        {"[x]\ndomain = x.jp\n", ":2", "fact"},
        {"name.ja = X\n", ":1", "before the first"},
        {"[x]\nname.ja = X\nname.en = X\ncountry = JP\nkind = bank\n"
         "alias = x\n",
         ":1", "missing contact"},
        {"[x]\nalias = NTT\n", ":2", "lower case"},
        {"[Bad Id]\n", ":1", "block id"},
    };
    char dir[256], path[300];

    snprintf(dir, sizeof(dir), "/tmp/callsift-orgs-%d", (int)getpid());
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/t.orgs", dir);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sift_orgs *orgs = NULL;
        struct sift_err err = {0};
        FILE *f = fopen(path, "w");
        ASSERT_NOT_NULL(f);
        fputs(cases[i].content, f);
        fclose(f);
        ASSERT_EQ(sift_orgs_load(&orgs, dir, &err), SIFT_EPARSE);
        ASSERT_NULL(orgs);
        if (strstr(err.where, cases[i].where) == NULL ||
            strstr(err.msg, cases[i].words) == NULL)
            TEST_FAIL_("case %zu: got '%s: %s'", i, err.where, err.msg);
    }
    unlink(path);
    rmdir(dir);
    return 0;
}

struct hits {
    unsigned n;
    uint32_t id[16];
    size_t end[16];
};

static int on_hit(void *ctx, uint32_t id, size_t end)
{
    struct hits *h = ctx;
    if (h->n < 16) {
        h->id[h->n] = id;
        h->end[h->n] = end;
    }
    h->n++;
    return 0;
}

TEST_IMPL(util_aho_corasick_finds_all)
{
    const char *pats[] = {"he", "she", "his", "hers", ""};
    size_t lens[] = {2, 3, 3, 4, 0};
    uint32_t ids[] = {0, 1, 2, 3, 4};
    struct sift__ac *ac = NULL;
    struct hits h = {0};

    ASSERT_EQ(sift__ac_build(&ac, pats, lens, ids, 5), SIFT_OK);
    sift__ac_search(ac, "ushers", 6, on_hit, &h);
    /* "she" and "he" end at 4, "hers" at 6. */
    ASSERT_EQ(h.n, 3);
    ASSERT(h.end[0] == 4 && h.end[1] == 4 && h.end[2] == 6);
    ASSERT((h.id[0] == 1 && h.id[1] == 0) || (h.id[0] == 0 && h.id[1] == 1));
    ASSERT_EQ(h.id[2], 3);
    h.n = 0;
    sift__ac_search(ac, "xyz", 3, on_hit, &h);
    ASSERT_EQ(h.n, 0);
    sift__ac_free(ac);
    return 0;
}
