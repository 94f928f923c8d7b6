/*
 * eval-urls.c - how the text module's URL extractor and flags fare on real
 * phishing URLs: JPCERT/CC's phishurl-list (../shared/data/jpcert-phishurl,
 * CSV "date,URL,description", see its SOURCE.md). For every row the URL is
 * normalised and extracted as if it arrived in a message; the report gives
 * the share found and the share carrying a risk flag (IP host, punycode or
 * mixed scripts, shortener, risky TLD, dynamic DNS, userinfo), per flag.
 * Look-alike brands need the orgs data and are measured by the engine.
 *
 * Usage: eval-urls [DIR [URLS_CONF]]   (skips cleanly when DIR is absent)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsift.h"
#include "callsift/text.h"

static const struct {
    unsigned flag;
    const char *name;
} flags[] = {
    {SIFT_TEXT_URL_IP_HOST, "ip_host"},
    {SIFT_TEXT_URL_PUNYCODE, "punycode"},
    {SIFT_TEXT_URL_MIXED_SCRIPTS, "mixed_scripts"},
    {SIFT_TEXT_URL_SHORTENER, "shortener"},
    {SIFT_TEXT_URL_RISKY_TLD, "risky_tld"},
    {SIFT_TEXT_URL_DYNAMIC_DNS, "dynamic_dns"},
    {SIFT_TEXT_URL_USERINFO, "userinfo"},
    {SIFT_TEXT_URL_FREE_HOSTING, "free_hosting (not in risk mask)"},
};

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/data/jpcert-phishurl";
    const char *conf = argc > 2 ? argv[2] : NULL;
    struct sift_text_url_lists *lists;
    struct sift_text_norm n;
    struct sift_err err;
    long rows = 0, found = 0, risky = 0, per_flag[8] = {0};
    struct dirent **names;
    int n_names;
    char line[8192];

    n_names = scandir(dir, &names, NULL, alphasort);
    if (n_names < 0) {
        printf("eval-urls: %s absent, skipped\n", dir);
        return 0;
    }
    if (sift_text_url_lists_new(&lists, conf, &err) != SIFT_OK) {
        fprintf(stderr, "eval-urls: %s: %s\n", err.where, err.msg);
        return 1;
    }
    sift_text_norm_init(&n, 0);
    for (int k = 0; k < n_names; k++) {
        const char *fn = names[k]->d_name;
        size_t fl = strlen(fn);
        char path[4096];
        FILE *fp;

        if (fl < 4 || strcmp(fn + fl - 4, ".csv") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, fn);
        fp = fopen(path, "r");
        if (fp == NULL)
            continue;
        while (fgets(line, sizeof(line), fp)) {
            char *a = strchr(line, ','), *b = strrchr(line, ',');
            struct sift_text_url u[4];
            size_t n_out;

            if (a == NULL || b == NULL || b <= a ||
                strncmp(line, "date,", 5) == 0)
                continue;
            rows++;
            if (sift_text_normalize(a + 1, (size_t)(b - a - 1), &n, NULL))
                continue;
            if (sift_text_urls(lists, n.text, n.len, u, 4, &n_out) == 0)
                continue;
            found++;
            if (u[0].flags & SIFT_TEXT_URL_RISK_MASK)
                risky++;
            for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
                if (u[0].flags & flags[f].flag)
                    per_flag[f]++;
        }
        fclose(fp);
    }
    for (int k = 0; k < n_names; k++)
        free(names[k]);
    free(names);
    printf("jpcert-phishurl: %ld URLs, found %ld (%.1f%%), flagged %ld "
           "(%.1f%% of all)\n",
           rows, found, rows ? 100.0 * found / rows : 0, risky,
           rows ? 100.0 * risky / rows : 0);
    for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
        printf("  %-32s %6ld (%.1f%%)\n", flags[f].name, per_flag[f],
               rows ? 100.0 * per_flag[f] / rows : 0);
    sift_text_norm_release(&n);
    sift_text_url_lists_free(lists);
    return 0;
}
