/*
 * output.c - helpers the subcommands share: JSON strings, options.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/util.h"

void sift_cli_json_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    fputc('"', f);
    while (*p) {
        size_t n = sift__utf8_seq(p);
        if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p++, f);
        } else if (*p < 0x20) {
            fprintf(f, "\\u%04x", *p++);
        } else if (n > 0) {
            fwrite(p, 1, n, f);
            p += n;
        } else {
            fputs("\\ufffd", f);
            p++;
        }
    }
    fputc('"', f);
}

bool sift_cli_lang(const char *arg, enum sift_lang *lang)
{
    if (strcmp(arg, "ja") == 0)
        *lang = SIFT_LANG_JA;
    else if (strcmp(arg, "en") == 0)
        *lang = SIFT_LANG_EN;
    else
        return false;
    return true;
}

const char *sift_cli_default_region(void)
{
    const char *r = getenv("CALLSIFT_REGION");
    return r && *r ? r : "JP";
}
