/*
 * cmd_number.c - `callsift number`: explain caller IDs for a person, or
 * classify a stream of them for bulk work.
 *
 *   callsift number NUMBER... [--region CC] [--to NUMBER] [--lang ja|en]
 *                   [--json]
 *   callsift number [--region CC] < caller-ids.txt     (TSV out)
 *
 * TSV columns, one line per input line, in order:
 *   input, status, e164, region, type, valid (0/1), geography
 * Documented in docs/cli/number.md.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: callsift number NUMBER... [--region CC] [--to NUMBER]\n"
    "                       [--lang ja|en] [--json]\n"
    "       callsift number [--region CC] [--lang ja|en] < FILE\n"
    "\n"
    "Explain each caller ID: what it is in plain words, the country and\n"
    "type, whether it is in an assigned range (valid), where it is, and\n"
    "whether a call from it to --to (or to the home region) is\n"
    "international. Caller-ID states are understood: 非通知/anonymous/\n"
    "private (withheld), 表示圏外/通知不可能/unavailable, 公衆電話/payphone.\n"
    "\n"
    "With no NUMBER, read one caller ID per line from stdin and write one\n"
    "TSV line per input: input, status, e164, region, type, valid (0/1),\n"
    "geography.\n"
    "\n"
    "options:\n"
    "  --region CC   how national forms are read (ISO code; default\n"
    "                $CALLSIFT_REGION or JP)\n"
    "  --to NUMBER   the callee, for international / neighbour checks\n"
    "  --lang ja|en  language of the explanation (default en)\n"
    "  --json        one JSON object per number instead of text\n"
    "\n"
    "exit: 0 every input understood (including withheld and invalid\n"
    "numbers), 1 some input malformed, 2 usage error.\n";

struct opts {
    const char *region;
    const char *to;
    enum sift_lang lang;
    bool json;
};

struct explained {
    const char *input;
    struct sift_number n;
    struct sift_err err;
    enum sift_rc rc;
    struct sift_number_relation rel;
};

/* Toll-free, premium and shared-cost numbers are reachable only from
 * inside their own country, so they cannot originate an international
 * call (the seed's +1 877 call): say so where it applies. */
static bool foreign_special(const struct explained *e)
{
    enum sift_number_type t = e->n.type;
    return e->rel.known && e->rel.international && e->n.valid &&
           (t == SIFT_TYPE_TOLL_FREE || t == SIFT_TYPE_PREMIUM_RATE ||
            t == SIFT_TYPE_SHARED_COST);
}

static void print_human(const struct explained *e, const struct opts *o)
{
    const struct sift_number *n = &e->n;
    int ja = o->lang == SIFT_LANG_JA;
    char buf[256];
    const char *s;

    printf("%s\n", e->input);
    sift_number_describe(n, o->lang, buf, sizeof(buf));
    printf("  %s\n", buf);
    if (e->rc == SIFT_EPARSE) {
        printf("  %s %s (%s)\n", ja ? "問題:" : "problem:", e->err.msg,
               e->err.where);
        return;
    }
    if (n->status != SIFT_NUMBER_OK)
        return;
    sift_number_format(n, SIFT_FORMAT_INTERNATIONAL, buf, sizeof(buf));
    printf("  %-9s %s (E.164 %s)\n", ja ? "番号:" : "number:", buf, n->e164);
    s = sift_region_name(n->region, o->lang);
    printf("  %-9s %s (%s), +%u\n", ja ? "国:" : "country:", s ? s : n->region,
           n->region[0] ? n->region : "-", (unsigned)n->country_code);
    printf("  %-9s %s, %s\n",
           ja ? "種類:" : "type:", sift_number_type_name(n->type),
           n->valid ? (ja ? "使われている番号帯" : "valid (assigned range)")
                    : (n->possible ? (ja ? "割り当てのない番号帯"
                                         : "invalid (no assigned range)")
                                   : (ja ? "桁数が合わない"
                                         : "invalid (impossible length)")));
    s = sift_number_geography(n, o->lang);
    if (s != NULL)
        printf("  %-9s %s\n", ja ? "地域:" : "where:", s);
    s = sift_number_carrier(n);
    if (s != NULL)
        printf("  %-9s %s\n", ja ? "事業者:" : "carrier:", s);
    if (n->extension[0])
        printf("  %-9s %s\n", ja ? "内線:" : "ext:", n->extension);
    if (e->rel.known) {
        printf("  %-9s %s\n", ja ? "通話:" : "call:",
               e->rel.international ? (ja ? "国際電話（海外の番号からの着信）"
                                          : "international call")
                                    : (ja ? "国内通話" : "domestic call"));
        if (e->rel.same_prefix)
            printf("  %-9s %s\n", "",
                   ja ? "あなたの番号とよく似た番号です（近い番号を装う"
                        "手口）"
                      : "shares all but the last digits with your number "
                        "(neighbour spoofing)");
        if (foreign_special(e))
            printf("  %-9s %s\n", "",
                   ja ? "フリーダイヤル等の番号は国際電話をかけられません。"
                        "番号が偽装されている可能性が極めて高いです"
                      : "toll-free and premium numbers cannot place "
                        "international calls: this caller ID is almost "
                        "certainly spoofed");
    }
}

static void json_field(const char *key, const char *value, bool comma)
{
    printf("\"%s\":", key);
    if (value == NULL)
        fputs("null", stdout);
    else
        sift_cli_json_str(stdout, value);
    if (comma)
        putchar(',');
}

static void print_json(const struct explained *e)
{
    const struct sift_number *n = &e->n;
    char buf[256];
    bool ok = n->status == SIFT_NUMBER_OK;

    putchar('{');
    json_field("input", e->input, true);
    json_field("status", sift_number_status_name(n->status), true);
    json_field("e164", ok ? n->e164 : NULL, true);
    printf("\"country_code\":");
    if (ok)
        printf("%u,", (unsigned)n->country_code);
    else
        fputs("null,", stdout);
    json_field("region", ok && n->region[0] ? n->region : NULL, true);
    json_field("region_name",
               ok ? sift_region_name(n->region, SIFT_LANG_EN) : NULL, true);
    json_field("nsn", ok ? n->nsn : NULL, true);
    json_field("type", ok ? sift_number_type_name(n->type) : NULL, true);
    printf("\"possible\":%s,\"valid\":%s,", n->possible ? "true" : "false",
           n->valid ? "true" : "false");
    json_field("extension", n->extension[0] ? n->extension : NULL, true);
    printf("\"geography\":{");
    json_field("en", ok ? sift_number_geography(n, SIFT_LANG_EN) : NULL, true);
    json_field("ja", ok ? sift_number_geography(n, SIFT_LANG_JA) : NULL, false);
    printf("},");
    json_field("carrier", ok ? sift_number_carrier(n) : NULL, true);
    printf("\"format\":");
    if (ok) {
        printf("{");
        sift_number_format(n, SIFT_FORMAT_E164, buf, sizeof(buf));
        json_field("e164", buf, true);
        sift_number_format(n, SIFT_FORMAT_INTERNATIONAL, buf, sizeof(buf));
        json_field("international", buf, true);
        sift_number_format(n, SIFT_FORMAT_NATIONAL, buf, sizeof(buf));
        json_field("national", buf, true);
        sift_number_format(n, SIFT_FORMAT_RFC3966, buf, sizeof(buf));
        json_field("rfc3966", buf, false);
        printf("},");
    } else {
        printf("null,");
    }
    printf("\"description\":{");
    sift_number_describe(n, SIFT_LANG_EN, buf, sizeof(buf));
    json_field("en", buf, true);
    sift_number_describe(n, SIFT_LANG_JA, buf, sizeof(buf));
    json_field("ja", buf, false);
    printf("},\"relation\":");
    if (e->rel.known)
        printf("{\"international\":%s,\"same_prefix\":%s,"
               "\"foreign_toll_free\":%s},",
               e->rel.international ? "true" : "false",
               e->rel.same_prefix ? "true" : "false",
               foreign_special(e) ? "true" : "false");
    else
        printf("null,");
    printf("\"problem\":");
    if (e->rc == SIFT_EPARSE) {
        printf("{");
        json_field("message", e->err.msg, true);
        json_field("where", e->err.where, true);
        printf("\"at\":%zu}", n->problem_at);
    } else {
        printf("null");
    }
    printf("}\n");
}

/* TSV fields may not hold tabs or line ends: replace them with spaces. */
static void tsv_field(const char *s, bool last)
{
    for (; s && *s; s++)
        putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
    putchar(last ? '\n' : '\t');
}

static int batch(const struct opts *o)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int status = SIFT_EXIT_OK;

    for (;;) {
        struct sift_number n;
        size_t len;
        bool ok;

        got = getline(&line, &cap, stdin);
        if (got == -1)
            break;
        len = (size_t)got;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (sift_number_parse(&n, line, len, o->region, NULL) != SIFT_OK)
            status = SIFT_EXIT_INPUT;
        ok = n.status == SIFT_NUMBER_OK;
        line[len] = '\0';
        tsv_field(line, false);
        tsv_field(sift_number_status_name(n.status), false);
        tsv_field(ok ? n.e164 : "", false);
        tsv_field(ok ? n.region : "", false);
        tsv_field(ok ? sift_number_type_name(n.type) : "", false);
        tsv_field(n.valid ? "1" : "0", false);
        tsv_field(ok ? sift_number_geography(&n, o->lang) : "", true);
    }
    free(line);
    if (ferror(stdin)) {
        fprintf(stderr, "callsift number: reading stdin failed\n");
        return SIFT_EXIT_INTERNAL;
    }
    return status;
}

int sift_cli_number(int argc, char **argv)
{
    struct opts o = {sift_cli_default_region(), NULL, SIFT_LANG_EN, false};
    struct sift_number callee;
    bool have_callee = false;
    const char **inputs;
    int n_inputs = 0, status = SIFT_EXIT_OK;

    inputs = calloc((size_t)argc, sizeof(*inputs));
    if (inputs == NULL)
        return SIFT_EXIT_INTERNAL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            free(inputs);
            return SIFT_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            o.json = true;
        } else if ((strcmp(a, "--region") == 0 || strcmp(a, "--to") == 0 ||
                    strcmp(a, "--lang") == 0) &&
                   i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(a, "--region") == 0) {
                o.region = v;
            } else if (strcmp(a, "--to") == 0) {
                o.to = v;
            } else if (!sift_cli_lang(v, &o.lang)) {
                fprintf(stderr,
                        "callsift number: --lang takes ja or en, "
                        "not '%s'\n",
                        v);
                free(inputs);
                return SIFT_EXIT_USAGE;
            }
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc)
                inputs[n_inputs++] = argv[i];
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "callsift number: unknown option '%s'\n\n%s", a,
                    usage_text);
            free(inputs);
            return SIFT_EXIT_USAGE;
        } else {
            /* A lone "-" or "-1" style argument is a caller ID. */
            inputs[n_inputs++] = a;
        }
    }

    {
        struct sift_number probe;
        if (sift_number_parse(&probe, "0", 1, o.region, NULL) == SIFT_EINVAL) {
            fprintf(stderr,
                    "callsift number: unknown region '%s' (use an ISO "
                    "3166-1 code such as JP or US)\n",
                    o.region);
            free(inputs);
            return SIFT_EXIT_USAGE;
        }
    }
    if (o.to != NULL) {
        struct sift_err err;
        if (sift_number_parse(&callee, o.to, strlen(o.to), o.region, &err) !=
                SIFT_OK ||
            callee.status != SIFT_NUMBER_OK) {
            fprintf(stderr, "callsift number: --to '%s' is not a number%s%s\n",
                    o.to, err.msg[0] ? ": " : "", err.msg);
            free(inputs);
            return SIFT_EXIT_USAGE;
        }
        have_callee = true;
    }
    if (n_inputs == 0) {
        free(inputs);
        return batch(&o);
    }
    for (int i = 0; i < n_inputs; i++) {
        struct explained e;
        memset(&e, 0, sizeof(e));
        e.input = inputs[i];
        e.rc = sift_number_parse(&e.n, inputs[i], strlen(inputs[i]), o.region,
                                 &e.err);
        if (e.rc != SIFT_OK)
            status = SIFT_EXIT_INPUT;
        sift_number_relate(&e.n, have_callee ? &callee : NULL, o.region,
                           &e.rel);
        if (o.json) {
            print_json(&e);
        } else {
            if (i > 0)
                putchar('\n');
            print_human(&e, &o);
        }
    }
    free(inputs);
    return status;
}
