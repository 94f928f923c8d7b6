/*
 * cli_store.c - what the store subcommands share: the --db path, opening
 * the store and its reputation index with errors for people, number keys
 * (E.164 or a sender ID), durations ("30d") and dates.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util/util.h"

const char *sift_cli_db_path(const char *opt)
{
    const char *env = getenv("CALLSIFT_DB");

    if (opt != NULL && *opt != '\0')
        return opt;
    if (env != NULL && *env != '\0')
        return env;
    return SIFT_STORE_DEFAULT_PATH;
}

int sift_cli_store_open(const char *cmd, const char *db, struct sift_store **st)
{
    struct sift_err err = {0};
    const char *path = sift_cli_db_path(db);

    if (sift_store_open(st, path, &err) != SIFT_OK) {
        fprintf(stderr, "callsift %s: %s\n", cmd, err.msg);
        return SIFT_EXIT_INTERNAL;
    }
    return SIFT_EXIT_OK;
}

int sift_cli_reputation_load(const char *cmd, struct sift_store *st,
                             struct sift_reputation **rep)
{
    struct sift_reputation_opts o;
    struct sift_err err = {0};

    sift_reputation_opts_default(&o);
    *rep = NULL;
    if (sift_reputation_new(rep, &o, &err) != SIFT_OK ||
        sift_reputation_load(*rep, st, &err) != SIFT_OK) {
        fprintf(stderr, "callsift %s: loading reputation: %s\n", cmd,
                err.msg[0] ? err.msg : "out of memory");
        sift_reputation_free(*rep);
        *rep = NULL;
        return SIFT_EXIT_INTERNAL;
    }
    return SIFT_EXIT_OK;
}

bool sift_cli_key(const char *raw, const char *region, struct sift_number *num,
                  char key[SIFT_KEY_MAX])
{
    struct sift_err err = {0};
    size_t len = strlen(raw);
    bool letters = false;

    memset(num, 0, sizeof(*num));
    sift_number_parse(num, raw, len, region, &err);
    if (num->status == SIFT_NUMBER_OK) {
        snprintf(key, SIFT_KEY_MAX, "%s", num->e164);
        return true;
    }
    /* An SMS sender ID ("Amazon", "NTT-Finance"): letters, digits and a
     * few marks, kept as written. */
    if (len == 0 || len >= SIFT_KEY_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (isalpha(c) || c >= 0x80)
            letters = true;
        else if (!isdigit(c) && c != '-' && c != '_' && c != '.' && c != ' ')
            return false;
    }
    if (!letters || num->status == SIFT_NUMBER_WITHHELD ||
        num->status == SIFT_NUMBER_UNAVAILABLE ||
        num->status == SIFT_NUMBER_PAYPHONE)
        return false;
    snprintf(key, SIFT_KEY_MAX, "%s", raw);
    return true;
}

bool sift_cli_duration(const char *s, int64_t *out)
{
    unsigned long long n = 0;
    int64_t unit;
    size_t len = strlen(s);
    char digits[24];

    if (len < 2 || len > sizeof(digits))
        return false;
    switch (s[len - 1]) {
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 86400;
        break;
    case 'w':
        unit = 7 * 86400;
        break;
    default:
        return false;
    }
    memcpy(digits, s, len - 1);
    digits[len - 1] = '\0';
    if (!sift__parse_uint(digits, 100ull * 365 * 86400, &n) || n == 0)
        return false;
    *out = (int64_t)n * unit;
    return *out <= 100ll * 365 * 86400;
}

void sift_cli_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "%lld", (long long)t);
}

/* Digits of s[0..n) as an int, or -1. */
static int num_at(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool sift_cli_parse_time(const char *s, size_t len, int64_t *out)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, se = 0;
    size_t rest = 10;

    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len > 0 && len <= 12 && num_at(s, len) >= 0) { /* epoch seconds */
        long long v = 0;
        for (size_t i = 0; i < len; i++)
            v = v * 10 + (s[i] - '0');
        *out = v;
        return true;
    }
    if (len >= 10 && s[4] == '-' && s[7] == '-') { /* 2025-12-11 */
        y = num_at(s, 4);
        mo = num_at(s + 5, 2);
        d = num_at(s + 8, 2);
    } else if (len >= 10 && s[2] == '/' && s[5] == '/') { /* 12/11/2025 */
        mo = num_at(s, 2);
        d = num_at(s + 3, 2);
        y = num_at(s + 6, 4);
    } else {
        return false;
    }
    if (len >= 16 && (s[10] == ' ' || s[10] == 'T') && s[13] == ':') {
        h = num_at(s + 11, 2);
        mi = num_at(s + 14, 2);
        rest = 16;
        if (len >= 19 && s[16] == ':') {
            se = num_at(s + 17, 2);
            rest = 19;
        }
        /* "12/11/2025 03:04:05 PM" (the FTC's form) */
        if (len >= rest + 3 && s[rest] == ' ' &&
            (s[rest + 1] == 'P' || s[rest + 1] == 'p') && h < 12)
            h += 12;
        else if (len >= rest + 3 && s[rest] == ' ' &&
                 (s[rest + 1] == 'A' || s[rest + 1] == 'a') && h == 12)
            h = 0;
    }
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || se < 0 || se > 60)
        return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *out = (int64_t)timegm(&tm);
    return true;
}

bool sift_cli_list_type(const char *name)
{
    if (strcmp(name, "international") == 0)
        return true;
    for (int t = 0; t < SIFT_TYPE_UNKNOWN; t++)
        if (strcmp(name, sift_number_type_name((enum sift_number_type)t)) == 0)
            return true;
    for (int s = SIFT_NUMBER_WITHHELD; s <= SIFT_NUMBER_PAYPHONE; s++)
        if (strcmp(name, sift_number_status_name((enum sift_number_status)s)) ==
            0)
            return true;
    return false;
}

const char *sift_cli_list_match_name(enum sift_list_match m)
{
    static const char *const names[] = {"number", "prefix", "country", "type"};
    return (unsigned)m <= SIFT_MATCH_TYPE ? names[m] : "?";
}

const char *sift_cli_arg(int argc, char **argv, int *i, const char *cmd)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "callsift %s: %s needs a value\n", cmd, argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int sift_cli_parse(int argc, char **argv, const char *cmd, const char *usage,
                   const struct sift_cli_opt *opts, const char **pos,
                   const char *what)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct sift_cli_opt *o = opts;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return SIFT_EXIT_OK;
        }
        while (o->name != NULL && strcmp(a, o->name) != 0)
            o++;
        if (o->name != NULL && o->flag != NULL) {
            *o->flag = true;
        } else if (o->name != NULL) {
            *o->value = sift_cli_arg(argc, argv, &i, cmd);
            if (*o->value == NULL)
                return SIFT_EXIT_USAGE;
        } else if (pos == NULL) {
            fprintf(stderr, "callsift %s: unknown argument '%s'\n\n%s", cmd, a,
                    usage);
            return SIFT_EXIT_USAGE;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "callsift %s: unknown option '%s'\n\n%s", cmd, a,
                    usage);
            return SIFT_EXIT_USAGE;
        } else if (*pos == NULL) {
            *pos = a;
        } else {
            fprintf(stderr, "callsift %s: one %s at a time\n", cmd, what);
            return SIFT_EXIT_USAGE;
        }
    }
    return -1;
}
