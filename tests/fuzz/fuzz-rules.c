/*
 * fuzz-rules.c - libFuzzer target for the rules file parser (docs/
 * rules-format.md): any bytes as a rules file must load or be refused with
 * a message naming the file and line, never crash or overrun. A file that
 * loads is then scanned over a few texts, as written and with trailing \b
 * taken off (text_rules.c), and both must fire the same lines.
 *
 * The bytes go to a temporary file (the loader reads paths); vectorscan
 * compiles each candidate, so runs are slow and inputs are capped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callsift.h"
#include "callsift/text.h"
#include "text/text_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const texts[] = {
    "nttファイナンスより重要なお知らせがございます。ダイヤル1番を押して",
    "press 1 to speak with an agent. your account has been suspended",
    "gift cards, gift card; giftcards_ 2時間後に使えなくなります",
    "a b c 1 _ x"};

static void hits_key(const struct sift_text_hits *h, char *out, size_t size)
{
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < h->n && o + 1 < size; i++) {
        int k = snprintf(out + o, size - o, "%s@%zu;", h->hit[i].name,
                         h->hit[i].offset);
        if (k < 0 || (size_t)k >= size - o)
            break;
        o += (size_t)k;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    const char *paths[1] = {path};
    struct sift_text_rules *a = NULL, *b = NULL;
    struct sift_text_scratch *sa = NULL, *sb = NULL;
    struct sift_err err;
    enum sift_rc ra, rb;
    FILE *fp;

    if (size > 2048)
        return 0;
    if (path[0] == '\0')
        snprintf(path, sizeof(path), "/tmp/fuzz-rules-%ld.rules",
                 (long)getpid());
    fp = fopen(path, "wb");
    if (fp == NULL)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    memset(&err, 0, sizeof(err));
    ra = sift__text_rules_load(&a, paths, 1, NULL, 0, &err);
    if (ra != SIFT_OK &&
        (err.msg[0] == '\0' || strstr(err.where, path) == NULL))
        __builtin_trap(); /* a refusal names the file (and line) */
    rb =
        sift__text_rules_load(&b, paths, 1, NULL, SIFT__RULES_AS_WRITTEN, NULL);
    if ((ra == SIFT_OK) != (rb == SIFT_OK))
        __builtin_trap(); /* the rewrite changed what loads */
    if (ra == SIFT_OK && rb == SIFT_OK &&
        sift_text_scratch_new(a, &sa) == SIFT_OK &&
        sift_text_scratch_new(b, &sb) == SIFT_OK) {
        for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
            struct sift_text_hits ha, hb;
            char ka[2048], kb[2048];

            sift_text_scan(a, sa, texts[t], strlen(texts[t]), &ha);
            sift_text_scan(b, sb, texts[t], strlen(texts[t]), &hb);
            hits_key(&ha, ka, sizeof(ka));
            hits_key(&hb, kb, sizeof(kb));
            if (strcmp(ka, kb) != 0)
                __builtin_trap(); /* trailing \b checked differently */
        }
    }
    sift_text_scratch_free(sa);
    sift_text_scratch_free(sb);
    sift_text_rules_free(a);
    sift_text_rules_free(b);
    return 0;
}
