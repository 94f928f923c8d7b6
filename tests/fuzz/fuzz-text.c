/*
 * fuzz-text.c - libFuzzer target for the text path: any bytes must
 * normalise (invalid UTF-8 repaired, never a crash), scan against the real
 * rules (data/rules/ja.rules and en.rules, loaded once; SIFT_RULES_DIR
 * overrides the directory) and give URLs, within their buffers and without
 * undefined
 * behaviour. Checks the invariants the engine relies on: normalised text
 * is valid UTF-8 without controls, evidence is NUL-terminated within
 * SIFT_TEXT_EVIDENCE_MAX bytes, URL spans lie inside the text; the
 * normaliser's one-pass fast path gives exactly what its general path
 * gives. The rules are loaded as the engine loads them, with the
 * organisations' aliases (data/orgs, SIFT_ORGS_DIR overrides) scanned in
 * the same pass: the organisations read from that scan must be those
 * sift_orgs_find() finds on its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsift.h"
#include "callsift/text.h"
#include "text/text_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sift_text_rules *rules;
static struct sift_orgs *orgs;
static struct sift_text_scratch *scratch;
static struct sift_text_url_lists *lists;
static struct sift_text_norm norm, general;

static void setup(void)
{
    const char *dir = getenv("SIFT_RULES_DIR");
    char ja[1024], en[1024];
    const char *paths[] = {ja, en};
    struct sift_err err;

    const char *orgs_dir = getenv("SIFT_ORGS_DIR");
    struct sift_text_literal *lits;
    size_t n_lits;

    if (dir == NULL)
        dir = "data/rules";
    if (orgs_dir == NULL)
        orgs_dir = "data/orgs";
    snprintf(ja, sizeof(ja), "%s/ja.rules", dir);
    snprintf(en, sizeof(en), "%s/en.rules", dir);
    if (sift_orgs_load(&orgs, orgs_dir, &err) != SIFT_OK) {
        fprintf(stderr, "fuzz-text: %s: %s\n", err.where, err.msg);
        abort();
    }
    n_lits = sift_orgs_literals(orgs, NULL, 0);
    lits = calloc(n_lits + 1, sizeof(*lits));
    if (lits == NULL)
        abort();
    sift_orgs_literals(orgs, lits, n_lits);
    if (sift_text_rules_load_with(&rules, paths, 2, lits, n_lits, "/tmp",
                                  &err) != SIFT_OK) {
        fprintf(stderr, "fuzz-text: %s: %s\n", err.where, err.msg);
        abort();
    }
    free(lits);
    if (sift_text_scratch_new(rules, &scratch) != SIFT_OK ||
        sift_text_url_lists_new(&lists, NULL, &err) != SIFT_OK)
        abort();
    sift_text_norm_init(&norm, 0);
    sift_text_norm_init(&general, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sift_text_hits hits;
    struct sift_text_url urls[SIFT_TEXT_MAX_URLS];
    size_t n_urls, off, len;

    if (rules == NULL)
        setup();
    if (sift_text_normalize((const char *)data, size, &norm, NULL) != SIFT_OK)
        return 0;
    if (strlen(norm.text) != norm.len)
        __builtin_trap(); /* NUL inside normalised text */
    if (sift__text_normalize_general((const char *)data, size, &general,
                                     NULL) != SIFT_OK ||
        general.len != norm.len ||
        memcmp(general.text, norm.text, norm.len) != 0 ||
        general.flags != norm.flags)
        __builtin_trap(); /* the fast path disagrees with the general one */
    for (size_t i = 0; i < norm.len; i++)
        if ((unsigned char)norm.text[i] < 0x20 ||
            (unsigned char)norm.text[i] == 0x7F)
            __builtin_trap(); /* a control survived */
    if (sift_text_scan(rules, scratch, norm.text, norm.len, &hits) != SIFT_OK)
        __builtin_trap();
    for (size_t i = 0; i < hits.n; i++)
        if (strlen(hits.hit[i].evidence) > SIFT_TEXT_EVIDENCE_MAX ||
            hits.hit[i].offset > norm.len)
            __builtin_trap();
    for (size_t i = 0; i < hits.n_lits; i++)
        if (hits.lit_end[i] > norm.len ||
            (i > 0 && hits.lit_end[i] < hits.lit_end[i - 1]))
            __builtin_trap(); /* literal occurrences out of the text or order */
    {
        struct sift_org_match a[8], b[8];
        size_t na = sift_orgs_found(orgs, norm.text, norm.len, hits.lit_id,
                                    hits.lit_end, hits.n_lits, a, 8);
        size_t nb = sift_orgs_find(orgs, norm.text, norm.len, b, 8);

        if (na != nb)
            __builtin_trap(); /* the one-pass organisations differ */
        for (size_t i = 0; i < na; i++)
            if (a[i].org != b[i].org || a[i].start != b[i].start ||
                a[i].end != b[i].end)
                __builtin_trap();
    }
    sift_text_urls(lists, norm.text, norm.len, urls, SIFT_TEXT_MAX_URLS,
                   &n_urls);
    for (size_t i = 0; i < n_urls; i++)
        if (urls[i].offset + urls[i].len > norm.len || urls[i].len == 0)
            __builtin_trap();
    /* The raw bytes too: the URL finder must survive any input. */
    sift_text_urls(lists, (const char *)data, size, urls, 2, &n_urls);
    (void)sift_text_repetition((const char *)data, size, &off, &len);
    return 0;
}
