/*
 * output.c - helpers the subcommands share: JSON strings, options.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (s[0] == 0xe0 && s[1] < 0xa0)
            return 0;
        if (s[0] == 0xed && s[1] > 0x9f)
            return 0;
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
            (s[3] & 0xc0) != 0x80)
            return 0;
        if (s[0] == 0xf0 && s[1] < 0x90)
            return 0;
        if (s[0] == 0xf4 && s[1] > 0x8f)
            return 0;
        return 4;
    }
    return 0;
}

void sift_cli_json_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    fputc('"', f);
    while (*p) {
        size_t n = utf8_len(p);
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
