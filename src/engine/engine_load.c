/*
 * engine_load.c - build an engine from its files: data/signals.tsv (every
 * signal's default weight and reasons), data/callsift.conf (thresholds,
 * weight overrides, the allow list), data/watchlist, data/advice.tsv, the
 * rules in data/rules, the organisations in data/orgs and the URL lists in
 * data/urls.conf.
 *
 * Any broken file stops the load with "file:line" and what is wrong. A
 * rules file that names a signal without reasons in signals.tsv is broken
 * too: every signal must explain itself in Japanese and English.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine_int.h"
#include "util/file.h"
#include "util/util.h"

#ifndef SIFT_DATADIR
#define SIFT_DATADIR "/usr/local/share/callsift"
#endif

#define MAX_DATA_FILE  (1u << 20)
#define MAX_RULE_FILES 32

const char *const sift__builtin_signal_names[SIG_BUILTIN_COUNT] = {
    "NUMBER_WITHHELD",
    "NUMBER_UNAVAILABLE",
    "NUMBER_PAYPHONE",
    "NUMBER_MALFORMED",
    "NUMBER_INVALID",
    "NUMBER_INTERNATIONAL",
    "NUMBER_FOREIGN_TOLL_FREE",
    "NUMBER_VOIP",
    "NUMBER_PREMIUM",
    "NUMBER_NEIGHBOR",
    "NUMBER_WATCHLIST",
    "TEXT_REPEATED",
    "TEXT_INVALID_UTF8",
    "ORG_IMPERSONATION",
    "ORG_NUMBER_MISMATCH",
    "ORG_NEVER_DOES",
    "ORG_NUMBER_PUBLISHED",
    "URL_PRESENT",
    "URL_IP_HOST",
    "URL_SHORTENER",
    "URL_PUNYCODE",
    "URL_LOOKALIKE",
    "URL_RISKY_TLD",
    "URL_DYNAMIC_DNS",
    "URL_OFFICIAL",
    "CONFIG_ALLOW",
    "REP_REPORTED",
    "REP_SAFE",
    "LIST_BLOCK",
    "LIST_ALLOW",
    "CALL_BURST",
    "CALL_REPEAT",
    "CALL_WANGIRI",
    "CAMPAIGN",
    "STIR_PASS_A",
    "STIR_PASS_B",
    "STIR_PASS_C",
    "STIR_FAILED",
    "STIR_ABSENT",
};

const char *const sift__advice_step_ids[ADV_COUNT] = {
    "dont_press",       "hang_up",
    "dont_tap_links",   "dont_call_back",
    "no_personal_info", "no_payment",
    "call_official",    "call_official_unknown",
    "stop_card",        "block_report",
    "talk_to_someone",  "block_international",
    "report_us",        "caution",
    "no_action",
};

const char *const sift__known_signal_names[K_COUNT] = {
    "TEXT_ACCOUNT_MISUSE", "TEXT_CASH_CARD",     "TEXT_FAMILY_EMERGENCY",
    "TEXT_INVESTMENT",     "TEXT_LEGAL_THREAT",  "TEXT_PAYMENT_METHOD",
    "TEXT_PERSONAL_INFO",  "TEXT_POLICE",        "TEXT_PRESS_DIGIT",
    "TEXT_REFUND",         "TEXT_REMOTE_ACCESS", "TEXT_ROBOCALL",
    "TEXT_SUSPENSION",     "TEXT_TECH_SUPPORT",  "TEXT_UNPAID",
    "TEXT_VERIFY_ACCOUNT",
};

/* "file:line" for err->where, keeping the file's tail when long. */
static void where_line(char *buf, size_t size, const char *path, unsigned line)
{
    size_t len = strlen(path);
    if (len > 40)
        path += len - 40;
    if (line)
        snprintf(buf, size, "%s:%u", path, line);
    else
        snprintf(buf, size, "%s", path);
}

static enum sift_rc bad(struct sift_err *err, const char *path, unsigned line,
                        const char *what)
{
    char where[64];
    where_line(where, sizeof(where), path, line);
    return sift__err_set(err, SIFT_EPARSE, where, "%s", what);
}

static enum sift_rc read_file(struct sift_engine *eng, const char *path,
                              char **data, size_t *len, struct sift_err *err)
{
    enum sift_rc rc;

    if (eng->n_bufs == SIFT_ARRAY_LEN(eng->bufs))
        return sift__err_set(err, SIFT_ETOOBIG, path, "too many data files");
    rc = sift__file_read(path, MAX_DATA_FILE, data, len, err);
    if (rc == SIFT_OK)
        eng->bufs[eng->n_bufs++] = *data;
    return rc;
}

/* Split a line on TABs (runs of TABs count as one) into at most max
 * fields, cutting them in place. Returns the count. */
static size_t split_tabs(struct sift_str line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = (char *)line.p, *end = (char *)line.p + line.len;

    while (p < end && n < max) {
        char *tab;
        while (p < end && *p == '\t')
            p++;
        if (p >= end)
            break;
        tab = memchr(p, '\t', (size_t)(end - p));
        if (tab == NULL || n == max - 1)
            tab = end;
        fields[n++] = p;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static int cmp_signal(const void *a, const void *b)
{
    return strcmp(((const struct signal_def *)a)->info.name,
                  ((const struct signal_def *)b)->info.name);
}

long sift__engine_signal(const struct sift_engine *eng, const char *name)
{
    size_t lo = 0, hi = eng->n_signals;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, eng->signals[mid].info.name);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

const struct advice_def *sift__engine_advice(const struct sift_engine *eng,
                                             const char *id)
{
    for (size_t i = 0; i < eng->n_advice; i++)
        if (strcmp(eng->advice[i].id, id) == 0)
            return &eng->advice[i];
    return NULL;
}

/*
 * Make room for one more element in *v (n used, *cap allocated, elem
 * bytes each). Returns false on ENOMEM, leaving *v as it was.
 */
static bool grow(void **v, size_t n, size_t *cap, size_t elem)
{
    void *p;
    size_t c;

    if (n < *cap)
        return true;
    c = *cap ? *cap * 2 : 16;
    p = sift_realloc(*v, c * elem);
    if (p == NULL)
        return false;
    *v = p;
    *cap = c;
    return true;
}

/* One row of a TSV data file, its fields cut in place in the file's
 * buffer (which lives as long as the engine). */
typedef enum sift_rc (*row_fn)(struct sift_engine *eng, char **f,
                               const char *path, unsigned lineno,
                               struct sift_err *err);

/*
 * The TSV data files (signals.tsv, watchlist, advice.tsv): blank lines
 * and '#' comments skipped, each other line valid UTF-8 with exactly
 * n_fields tab-separated fields (expect says which), handed to row.
 */
static enum sift_rc load_tsv(struct sift_engine *eng, const char *path,
                             size_t n_fields, const char *expect, row_fn row,
                             struct sift_err *err)
{
    struct sift__lines it;
    struct sift_str line;
    char *data, *f[8];
    size_t len;
    enum sift_rc rc;

    rc = read_file(eng, path, &data, &len, err);
    if (rc != SIFT_OK)
        return rc;
    sift__lines_init(&it, data, len);
    while (sift__lines_next(&it, &line)) {
        if (line.len == 0 || line.p[0] == '#')
            continue;
        if (sift__utf8_valid_prefix(line.p, line.len) != line.len)
            return bad(err, path, it.lineno, "invalid UTF-8");
        if (split_tabs(line, f, n_fields) != n_fields)
            return bad(err, path, it.lineno, expect);
        rc = row(eng, f, path, it.lineno, err);
        if (rc != SIFT_OK)
            return rc;
    }
    return SIFT_OK;
}

static enum sift_rc signal_row(struct sift_engine *eng, char **f,
                               const char *path, unsigned lineno,
                               struct sift_err *err)
{
    struct signal_def *d;
    struct sift_str w = {f[1], strlen(f[1])};

    if (!grow((void **)&eng->signals, eng->n_signals, &eng->cap_signals,
              sizeof(*d)))
        return SIFT_ENOMEM;
    d = &eng->signals[eng->n_signals];
    memset(d, 0, sizeof(*d));
    d->info.name = f[0];
    if (!sift__str_to_double(w, &d->info.weight))
        return bad(err, path, lineno, "the weight is not a number");
    d->info.reason_ja = f[2];
    d->info.reason_en = f[3];
    if (!f[2][0] || !f[3][0])
        return bad(err, path, lineno, "a reason is empty");
    eng->n_signals++;
    return SIFT_OK;
}

static enum sift_rc load_signals(struct sift_engine *eng, const char *path,
                                 struct sift_err *err)
{
    enum sift_rc rc;

    rc = load_tsv(eng, path, 4,
                  "expected NAME, WEIGHT, REASON_JA, REASON_EN separated by "
                  "tabs",
                  signal_row, err);
    if (rc != SIFT_OK)
        return rc;
    qsort(eng->signals, eng->n_signals, sizeof(*eng->signals), cmp_signal);
    for (size_t i = 1; i < eng->n_signals; i++)
        if (strcmp(eng->signals[i - 1].info.name, eng->signals[i].info.name) ==
            0)
            return bad(err, path, 0, "a signal is listed twice");
    for (int b = 0; b < SIG_BUILTIN_COUNT; b++) {
        long ix = sift__engine_signal(eng, sift__builtin_signal_names[b]);
        if (ix < 0) {
            char msg[128];
            snprintf(msg, sizeof(msg), "signal %s has no reasons here",
                     sift__builtin_signal_names[b]);
            return bad(err, path, 0, msg);
        }
        eng->builtin[b] = (size_t)ix;
    }
    for (int k = 0; k < K_COUNT; k++)
        eng->known[k] = sift__engine_signal(eng, sift__known_signal_names[k]);
    return SIFT_OK;
}

/* STIR options as read from [stir] into eng->stir_conf; the verifier is
 * made after the whole configuration is read (make_stir). */

static enum sift_rc stir_option(struct sift_engine *eng, struct sift_str key,
                                struct sift_str value)
{
    double v;

    if (sift__str_eq(key, "trust_anchors") || sift__str_eq(key, "cert_dir") ||
        sift__str_eq(key, "tls_ca_file")) {
        char **dst =
            sift__str_eq(key, "trust_anchors") ? &eng->stir_conf.trust_anchors
            : sift__str_eq(key, "cert_dir")    ? &eng->stir_conf.cert_dir
                                               : &eng->stir_conf.tls_ca_file;
        sift_free(*dst);
        *dst = sift__str_dup(value);
        return *dst ? SIFT_OK : SIFT_ENOMEM;
    }
    if (sift__str_eq(key, "fetch") || sift__str_eq(key, "allow_http")) {
        bool on = sift__str_eq(value, "yes") || sift__str_eq(value, "true");
        if (!on && !sift__str_eq(value, "no") && !sift__str_eq(value, "false"))
            return SIFT_EINVAL;
        if (sift__str_eq(key, "fetch"))
            eng->stir_conf.fetch = on;
        else
            eng->stir_conf.allow_http = on;
        return SIFT_OK;
    }
    if (sift__str_eq(key, "max_age")) {
        if (!sift__str_to_double(value, &v) || v < 1 || v > 86400)
            return SIFT_EINVAL;
        eng->stir_conf.max_age = (int64_t)v;
        return SIFT_OK;
    }
    if (sift__str_eq(key, "allowed_hosts")) {
        /* Space-separated host names; ".example.net" allows subdomains. */
        size_t n = 0, i = 0;
        while (i < value.len && n + 1 < SIFT_ARRAY_LEN(eng->stir_hosts)) {
            struct sift_str h;
            while (i < value.len && value.p[i] == ' ')
                i++;
            h.p = value.p + i;
            while (i < value.len && value.p[i] != ' ')
                i++;
            h.len = (size_t)(value.p + i - h.p);
            if (h.len == 0)
                break;
            sift_free(eng->stir_hosts[n]);
            eng->stir_hosts[n] = sift__str_dup(h);
            if (eng->stir_hosts[n] == NULL)
                return SIFT_ENOMEM;
            n++;
        }
        return SIFT_OK;
    }
    if (sift__str_eq(key, "absent_calling_codes")) {
        /* STIR_ABSENT fires for callers of these calling codes (default
         * 1: the NANP, where carriers sign calls). */
        size_t i = 0;
        eng->n_stir_absent_cc = 0;
        while (i < value.len &&
               eng->n_stir_absent_cc < SIFT_ARRAY_LEN(eng->stir_absent_cc)) {
            unsigned cc = 0;
            while (i < value.len && (value.p[i] == ' ' || value.p[i] == '+'))
                i++;
            if (i < value.len && !sift__is_digit((unsigned char)value.p[i]))
                return SIFT_EINVAL;
            while (i < value.len && sift__is_digit((unsigned char)value.p[i]))
                cc = cc * 10 + (unsigned)(value.p[i++] - '0');
            if (cc > 0 && cc < 1000)
                eng->stir_absent_cc[eng->n_stir_absent_cc++] = cc;
        }
        return SIFT_OK;
    }
    return SIFT_EINVAL;
}

static enum sift_rc make_stir(struct sift_engine *eng, struct sift_err *err)
{
    struct sift_stir_opts o;
    enum sift_rc rc = SIFT_OK;

    if (eng->stir_conf.trust_anchors != NULL) {
        sift_stir_opts_init(&o);
        o.trust_anchors = eng->stir_conf.trust_anchors;
        o.cert_dir = eng->stir_conf.cert_dir;
        o.tls_ca_file = eng->stir_conf.tls_ca_file;
        o.fetch = eng->stir_conf.fetch;
        o.allow_http = eng->stir_conf.allow_http;
        if (eng->stir_conf.max_age > 0)
            o.max_age = eng->stir_conf.max_age;
        if (eng->stir_hosts[0] != NULL)
            o.allowed_hosts = (const char *const *)eng->stir_hosts;
        rc = sift_stir_new(&eng->stir, &o, err);
    }
    return rc;
}

static enum sift_rc load_config(struct sift_engine *eng, const char *path,
                                struct sift_err *err)
{
    struct sift__lines it;
    struct sift_str line;
    char *data;
    size_t len, cap_allow = 0;
    enum { TOP, THRESHOLDS, WEIGHTS, ALLOW, STIR } section = TOP;
    enum sift_rc rc;

    rc = read_file(eng, path, &data, &len, err);
    if (rc != SIFT_OK)
        return rc;
    sift__lines_init(&it, data, len);
    while (sift__lines_next(&it, &line)) {
        struct sift_str key, value;
        const char *eq;
        char msg[160];

        line = sift__str_trim(line);
        if (line.len == 0 || line.p[0] == '#')
            continue;
        if (sift__utf8_valid_prefix(line.p, line.len) != line.len)
            return bad(err, path, it.lineno, "invalid UTF-8");
        if (line.p[0] == '[') {
            if (sift__str_eq(line, "[thresholds]"))
                section = THRESHOLDS;
            else if (sift__str_eq(line, "[weights]"))
                section = WEIGHTS;
            else if (sift__str_eq(line, "[allow]"))
                section = ALLOW;
            else if (sift__str_eq(line, "[stir]"))
                section = STIR;
            else
                return bad(err, path, it.lineno,
                           "unknown section (expected [thresholds], "
                           "[weights], [allow] or [stir])");
            continue;
        }
        if (section == ALLOW) {
            struct sift_number n;
            if (eng->n_allow == cap_allow) {
                struct sift_number *v;
                cap_allow = cap_allow ? cap_allow * 2 : 8;
                v = sift_realloc(eng->allow, cap_allow * sizeof(*v));
                if (v == NULL)
                    return SIFT_ENOMEM;
                eng->allow = v;
            }
            if (sift_number_parse(&n, line.p, line.len, eng->home_region,
                                  NULL) != SIFT_OK ||
                n.status != SIFT_NUMBER_OK)
                return bad(err, path, it.lineno,
                           "an [allow] entry is not a phone number");
            eng->allow[eng->n_allow++] = n;
            continue;
        }
        eq = memchr(line.p, '=', line.len);
        if (eq == NULL)
            return bad(err, path, it.lineno, "expected 'key = value'");
        key.p = line.p;
        key.len = (size_t)(eq - line.p);
        value.p = eq + 1;
        value.len = (size_t)(line.p + line.len - value.p);
        key = sift__str_trim(key);
        value = sift__str_trim(value);
        if (section == TOP && sift__str_eq(key, "home_region")) {
            if (value.len != 2)
                return bad(err, path, it.lineno,
                           "home_region must be an ISO code such as JP");
            memcpy(eng->home_region, value.p, 2);
            eng->home_region[2] = '\0';
        } else if (section == TOP && sift__str_eq(key, "max_text")) {
            double v;
            if (!sift__str_to_double(value, &v) || v < 1 || v > 16777216)
                return bad(err, path, it.lineno,
                           "max_text must be a byte count from 1 to "
                           "16777216");
            eng->max_text = (size_t)v;
        } else if (section == THRESHOLDS) {
            double v, *dst = NULL;
            if (sift__str_eq(key, "label"))
                dst = &eng->th_label;
            else if (sift__str_eq(key, "warn"))
                dst = &eng->th_warn;
            else if (sift__str_eq(key, "block"))
                dst = &eng->th_block;
            if (dst == NULL)
                return bad(err, path, it.lineno,
                           "unknown threshold (label, warn, block)");
            if (!sift__str_to_double(value, &v))
                return bad(err, path, it.lineno, "not a number");
            *dst = v;
        } else if (section == STIR) {
            rc = stir_option(eng, key, value);
            if (rc != SIFT_OK) {
                snprintf(msg, sizeof(msg), "[stir] %.*s: %s", (int)key.len,
                         key.p,
                         rc == SIFT_ENOMEM ? "out of memory"
                                           : "bad value (docs/stir.md)");
                return bad(err, path, it.lineno, msg);
            }
        } else if (section == WEIGHTS) {
            char name[64];
            double v;
            long ix;
            if (key.len >= sizeof(name))
                return bad(err, path, it.lineno, "signal name too long");
            memcpy(name, key.p, key.len);
            name[key.len] = '\0';
            ix = sift__engine_signal(eng, name);
            if (ix < 0) {
                snprintf(msg, sizeof(msg), "unknown signal '%s'", name);
                return bad(err, path, it.lineno, msg);
            }
            if (!sift__str_to_double(value, &v))
                return bad(err, path, it.lineno, "the weight is not a number");
            eng->signals[ix].info.weight = v;
            eng->signals[ix].weight_overridden = true;
        } else {
            snprintf(msg, sizeof(msg), "unknown key '%.*s'", (int)key.len,
                     key.p);
            return bad(err, path, it.lineno, msg);
        }
    }
    if (!(eng->th_label <= eng->th_warn && eng->th_warn <= eng->th_block))
        return bad(err, path, 0,
                   "thresholds must rise: label <= warn <= block");
    return SIFT_OK;
}

static enum sift_rc watch_row(struct sift_engine *eng, char **f,
                              const char *path, unsigned lineno,
                              struct sift_err *err)
{
    struct watch_entry *w;
    struct sift_str ws = {f[1], strlen(f[1])};

    if (!grow((void **)&eng->watch, eng->n_watch, &eng->cap_watch, sizeof(*w)))
        return SIFT_ENOMEM;
    w = &eng->watch[eng->n_watch];
    w->prefix = f[0];
    w->len = strlen(f[0]);
    if (!(f[0][0] == '+' || sift__is_digit((unsigned char)f[0][0]) ||
          strcmp(f[0], "[withheld]") == 0 ||
          strcmp(f[0], "[unavailable]") == 0))
        return bad(err, path, lineno,
                   "a prefix is +DIGITS, DIGITS (national) or "
                   "[withheld] / [unavailable]");
    if (!sift__str_to_double(ws, &w->weight))
        return bad(err, path, lineno, "the weight is not a number");
    w->ja = f[2];
    w->en = f[3];
    eng->n_watch++;
    return SIFT_OK;
}

static enum sift_rc advice_row(struct sift_engine *eng, char **f,
                               const char *path, unsigned lineno,
                               struct sift_err *err)
{
    struct advice_def *a;

    (void)path;
    (void)lineno;
    (void)err;
    if (!grow((void **)&eng->advice, eng->n_advice, &eng->cap_advice,
              sizeof(*a)))
        return SIFT_ENOMEM;
    a = &eng->advice[eng->n_advice++];
    a->id = f[0];
    a->ja = f[1];
    a->en = f[2];
    return SIFT_OK;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The rules files of dir, sorted. Each file's signal names are checked
 * against signals.tsv before vectorscan compiles them, so a rule for a
 * signal without reasons is reported at its line.
 */
static enum sift_rc load_rules(struct sift_engine *eng, const char *dir,
                               const char *cache_dir, struct sift_err *err)
{
    char *paths[MAX_RULE_FILES];
    size_t n = 0;
    DIR *d = opendir(dir);
    enum sift_rc rc = SIFT_OK;

    if (d == NULL)
        return sift__err_set(err, SIFT_EIO, dir,
                             "cannot open the rules folder %s", dir);
    for (;;) {
        struct dirent *de = readdir(d);
        size_t len;
        if (de == NULL)
            break;
        len = strlen(de->d_name);
        if (len < 7 || strcmp(de->d_name + len - 6, ".rules") != 0)
            continue;
        if (n == MAX_RULE_FILES) {
            rc = sift__err_set(err, SIFT_ETOOBIG, dir, "too many rules files");
            break;
        }
        paths[n] = sift_malloc(strlen(dir) + len + 2);
        if (paths[n] == NULL) {
            rc = SIFT_ENOMEM;
            break;
        }
        snprintf(paths[n], strlen(dir) + len + 2, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    if (rc == SIFT_OK)
        qsort(paths, n, sizeof(paths[0]), cmp_path);
    for (size_t i = 0; i < n && rc == SIFT_OK; i++) {
        char *data;
        size_t len;
        struct sift__lines it;
        struct sift_str line;
        rc = sift__file_read(paths[i], MAX_DATA_FILE, &data, &len, err);
        if (rc != SIFT_OK)
            break;
        sift__lines_init(&it, data, len);
        while (rc == SIFT_OK && sift__lines_next(&it, &line)) {
            char name[64];
            size_t k = 0;
            if (line.len < 5 || memcmp(line.p, "TEXT_", 5) != 0)
                continue;
            while (k < line.len && k + 1 < sizeof(name) && line.p[k] != '\t' &&
                   line.p[k] != ' ') {
                name[k] = line.p[k];
                k++;
            }
            name[k] = '\0';
            if (sift__engine_signal(eng, name) < 0) {
                char msg[160];
                snprintf(msg, sizeof(msg),
                         "signal %s has no reasons in signals.tsv (every "
                         "signal needs a Japanese and an English reason)",
                         name);
                rc = bad(err, paths[i], it.lineno, msg);
            }
        }
        sift_free(data);
    }
    if (rc == SIFT_OK) {
        /* The organisations' aliases go into the rules' database: a
         * check scans its text once for both (engine_check.c). */
        size_t n_lits = sift_orgs_literals(eng->orgs, NULL, 0);
        struct sift_text_literal *lits =
            sift_calloc(n_lits ? n_lits : 1, sizeof(*lits));

        if (lits == NULL) {
            rc = sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
        } else {
            sift_orgs_literals(eng->orgs, lits, n_lits);
            rc = sift_text_rules_load_with(&eng->rules,
                                           (const char *const *)paths, n, lits,
                                           n_lits, cache_dir, err);
            sift_free(lits);
        }
    }
    for (size_t i = 0; i < n; i++)
        sift_free(paths[i]);
    return rc;
}

/*
 * Where compiled rules are cached (vectorscan compilation dominates the
 * load time; the cache key covers every pattern, so a stale entry is never
 * used). Created when missing; NULL when there is nowhere to put it.
 */
static const char *cache_folder(const char *opt, char *buf, size_t size)
{
    const char *env = getenv("CALLSIFT_CACHE");
    const char *base;

    if (opt != NULL || env != NULL) {
        const char *dir = opt != NULL ? opt : env;
        if (dir[0] == '\0')
            return NULL;
        mkdir(dir, 0700); /* may exist already */
        return dir;
    }
    base = getenv("XDG_CACHE_HOME");
    if (base != NULL && base[0])
        snprintf(buf, size, "%s/callsift", base);
    else if ((base = getenv("HOME")) != NULL && base[0])
        snprintf(buf, size, "%s/.cache/callsift", base);
    else
        return NULL;
    if (mkdir(buf, 0700) != 0) {
        char parent[4096];
        snprintf(parent, sizeof(parent), "%s", buf);
        *strrchr(parent, '/') = '\0';
        mkdir(parent, 0700);
        mkdir(buf, 0700);
    }
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/*
 * The installed data folder: <prefix>/share/callsift beside the running
 * program's <prefix>/bin (so an install under any PREFIX finds its data),
 * else the folder compiled in (SIFT_DATADIR).
 */
static const char *installed_data(char *buf)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n > 0) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            slash = strrchr(exe, '/');
            if (slash != NULL) {
                *slash = '\0';
                snprintf(buf, 4096, "%s/share/callsift", exe);
                snprintf(exe, sizeof(exe), "%s/signals.tsv", buf);
                if (exists(exe))
                    return buf;
            }
        }
    }
    return SIFT_DATADIR;
}

static struct tmpl_info measure(const char *tmpl)
{
    struct tmpl_info t;

    t.len = strlen(tmpl);
    t.has_ph = memchr(tmpl, '{', t.len) != NULL;
    return t;
}

/* What the hot path looks up by index instead of by name: advice steps,
 * the signal of each rules name, the home region's tests. */
static enum sift_rc resolve_tables(struct sift_engine *eng,
                                   struct sift_err *err)
{
    size_t n = sift_text_rules_names(eng->rules);

    for (size_t i = 0; i < eng->n_signals; i++) {
        struct signal_def *d = &eng->signals[i];

        d->ja = measure(d->info.reason_ja);
        d->en = measure(d->info.reason_en);
    }
    for (size_t i = 0; i < eng->n_advice; i++) {
        eng->advice[i].ja_info = measure(eng->advice[i].ja);
        eng->advice[i].en_info = measure(eng->advice[i].en);
    }
    for (int a = 0; a < ADV_COUNT; a++)
        eng->step[a] = sift__engine_advice(eng, sift__advice_step_ids[a]);
    eng->rule_signal = sift_calloc(n ? n : 1, sizeof(*eng->rule_signal));
    if (eng->rule_signal == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        eng->rule_signal[i] =
            sift__engine_signal(eng, sift_text_rules_name(eng->rules, i));
    eng->jp_home = strcmp(eng->home_region, "JP") == 0;
    eng->us_home = strcmp(eng->home_region, "US") == 0;
    return SIFT_OK;
}

enum sift_rc sift_engine_new(struct sift_engine **out,
                             const struct sift_engine_opts *opts,
                             struct sift_err *err)
{
    struct sift_engine *eng;
    const char *dir = opts ? opts->data_dir : NULL;
    char path[4096], cache[4096], exe_data[4096];
    enum sift_rc rc;

    *out = NULL;
    if (dir == NULL)
        dir = getenv("CALLSIFT_DATA");
    if (dir == NULL || *dir == '\0')
        dir = exists("data/signals.tsv") ? "data" : installed_data(exe_data);
    if (strlen(dir) > sizeof(path) - 64)
        return sift__err_set(err, SIFT_EINVAL, dir,
                             "data folder path too "
                             "long");
    eng = sift_calloc(1, sizeof(*eng));
    if (eng == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    sift__pool_init(&eng->pool);
    sift__strlcpy(eng->home_region, "JP", sizeof(eng->home_region));
    eng->max_text = SIFT_TEXT_MAX_DEFAULT;
    eng->th_label = 2.0;
    eng->th_warn = 4.0;
    eng->th_block = 7.0;
    eng->stir_absent_cc[0] = 1;
    eng->n_stir_absent_cc = 1;
    eng->stir_conf.fetch = true;

#define DATA(name) (snprintf(path, sizeof(path), "%s/%s", dir, name), path)
    rc = load_signals(eng, DATA("signals.tsv"), err);
    if (rc == SIFT_OK) {
        const char *conf = opts && opts->config_path ? opts->config_path
                                                     : DATA("callsift.conf");
        if (opts && opts->config_path)
            sift__strlcpy(path, conf, sizeof(path));
        rc = load_config(eng, path, err);
    }
    if (rc == SIFT_OK && opts && opts->home_region) {
        struct sift_number probe;
        if (sift_number_parse(&probe, "0", 1, opts->home_region, NULL) ==
            SIFT_EINVAL)
            rc = sift__err_set(err, SIFT_EINVAL, "home_region",
                               "unknown home region '%s'", opts->home_region);
        else
            sift__strlcpy(eng->home_region, opts->home_region,
                          sizeof(eng->home_region));
    }
    if (rc == SIFT_OK)
        rc = make_stir(eng, err);
    if (rc == SIFT_OK)
        rc = load_tsv(eng, DATA("watchlist"), 5,
                      "expected PREFIX, WEIGHT, REASON_JA, REASON_EN, SOURCE "
                      "separated by tabs",
                      watch_row, err);
    if (rc == SIFT_OK)
        rc = load_tsv(eng, DATA("advice.tsv"), 3,
                      "expected ID, JA, EN separated by tabs", advice_row, err);
    if (rc == SIFT_OK)
        rc = sift_orgs_load(&eng->orgs, DATA("orgs"), err);
    if (rc == SIFT_OK)
        rc = load_rules(
            eng, DATA("rules"),
            cache_folder(opts ? opts->cache_dir : NULL, cache, sizeof(cache)),
            err);
    if (rc == SIFT_OK) {
        double w = eng->signals[eng->builtin[SIG_TEXT_REPEATED]].info.weight;
        sift_text_rules_set_repeated_weight(eng->rules, w);
    }
    if (rc == SIFT_OK)
        rc = sift_text_url_lists_new(&eng->url_lists, DATA("urls.conf"), err);
#undef DATA
    if (rc == SIFT_OK)
        rc = resolve_tables(eng, err);
    if (rc == SIFT_OK) {
        eng->infos = sift_calloc(eng->n_signals, sizeof(*eng->infos));
        if (eng->infos == NULL)
            rc = sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
        else
            for (size_t i = 0; i < eng->n_signals; i++)
                eng->infos[i] = eng->signals[i].info;
    }
    if (rc == SIFT_ENOMEM && err && err->msg[0] == '\0')
        sift__err_set(err, rc, NULL, "out of memory");
    if (rc != SIFT_OK) {
        sift_engine_free(eng);
        return rc;
    }
    *out = eng;
    return SIFT_OK;
}

void sift_engine_free(struct sift_engine *eng)
{
    struct check_ctx *c, *next;

    if (eng == NULL)
        return;
    for (c = (struct check_ctx *)sift__pool_take_all(&eng->pool); c != NULL;
         c = next) {
        next = (struct check_ctx *)c->item.next;
        sift_text_norm_release(&c->norm);
        sift_text_norm_release(&c->sender_norm);
        sift_text_scratch_free(c->scratch);
        sift_free(c);
    }
    sift__pool_destroy(&eng->pool);
    sift_stir_free(eng->stir);
    sift_free(eng->stir_conf.trust_anchors);
    sift_free(eng->stir_conf.cert_dir);
    sift_free(eng->stir_conf.tls_ca_file);
    for (size_t i = 0; i < SIFT_ARRAY_LEN(eng->stir_hosts); i++)
        sift_free(eng->stir_hosts[i]);
    sift_text_rules_free(eng->rules);
    sift_text_url_lists_free(eng->url_lists);
    sift_orgs_free(eng->orgs);
    sift_free(eng->signals);
    sift_free(eng->infos);
    sift_free(eng->watch);
    sift_free(eng->advice);
    sift_free(eng->rule_signal);
    sift_free(eng->allow);
    for (size_t i = 0; i < eng->n_bufs; i++)
        sift_free(eng->bufs[i]);
    sift_free(eng);
}

size_t sift_engine_signals(const struct sift_engine *eng,
                           const struct sift_signal_info **infos)
{
    *infos = eng->infos;
    return eng->n_signals;
}
