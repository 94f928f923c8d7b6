/*
 * cmd_lists.c - block and allow lists: add and remove entries.
 *
 *   callsift block|allow NUMBER | PREFIX* | --country CC | --type T
 *                  [--for CALLEE] [--expires DURATION] [--note T]
 *   callsift unblock|unallow --id N | NUMBER | PREFIX* | --country CC |
 *                  --type T [--for CALLEE]
 *   callsift block|allow --list [--json]
 *
 * A prefix is written with a trailing '*', in international form
 * ("+1877*", "+44*") or national form with its trunk 0 ("050*"). Types:
 * "international", a number type ("toll_free", "premium_rate", "voip"
 * ...) or a caller-ID state ("withheld", "unavailable", "payphone").
 * The entry is committed before the command says so. Documented in
 * docs/cli/block.md.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: callsift block|allow NUMBER | PREFIX* | --country CC | --type T\n"
    "                      [--for CALLEE] [--expires DURATION] [--note T]\n"
    "       callsift unblock|unallow --id N | NUMBER | PREFIX* | --country "
    "CC |\n"
    "                      --type T [--for CALLEE]\n"
    "       callsift block|allow --list [--json]\n"
    "\n"
    "Block or allow callers: one number, a prefix (+1877*, +44*, 050*), a\n"
    "country (US) or a type (withheld, international, toll_free, ...).\n"
    "Your own allow entry (--for YOUR-NUMBER) wins over every block.\n"
    "\n"
    "options:\n"
    "  --for CALLEE       only for calls to this number (default: everyone)\n"
    "  --expires D        drop the entry after D (30d, 12h, 45m, 2w)\n"
    "  --note T           why (at most 256 bytes)\n"
    "  --id N             (unblock/unallow) the entry's id\n"
    "  --list             show the entries of this kind\n"
    "  --region CC        how national numbers are read (default "
    "$CALLSIFT_REGION\n"
    "                     or JP)\n"
    "  --db PATH          the store (default $CALLSIFT_DB or "
    "var/callsift.db)\n"
    "\n"
    "exit: 0 done, 1 bad input or no such entry, 2 usage error, 3 the store\n"
    "failed.\n";

struct spec {
    enum sift_list_match match;
    char value[SIFT_KEY_MAX];
    char callee[SIFT_KEY_MAX];
    bool has_callee;
};

/* "+1 877*" -> "+1877"; "050*" -> "050". */
static bool parse_prefix(const char *s, char *out, size_t size)
{
    size_t n = 0, len = strlen(s);

    if (len < 2 || s[len - 1] != '*')
        return false;
    for (size_t i = 0; i + 1 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+' && n == 0)
            out[n++] = '+';
        else if (isdigit(c))
            out[n++] = (char)c;
        else if (c != ' ' && c != '-' && c != '(' && c != ')')
            return false;
        if (n + 1 >= size)
            return false;
    }
    out[n] = '\0';
    if (n < 2 || (out[0] != '+' && out[0] != '0') ||
        (out[0] == '+' && out[1] == '0'))
        return false;
    return true;
}

static int parse_target(const char *cmd, const char *target,
                        const char *country, const char *type,
                        const char *region, struct spec *sp)
{
    struct sift_number num;
    int given = (target != NULL) + (country != NULL) + (type != NULL);

    if (given != 1) {
        fprintf(stderr,
                "callsift %s: give one of NUMBER, PREFIX*, --country, "
                "--type\n\n%s",
                cmd, usage_text);
        return SIFT_EXIT_USAGE;
    }
    if (country != NULL) {
        char cc[3];
        if (strlen(country) != 2)
            goto bad_country;
        cc[0] = (char)toupper((unsigned char)country[0]);
        cc[1] = (char)toupper((unsigned char)country[1]);
        cc[2] = '\0';
        if (sift_region_name(cc, SIFT_LANG_EN) == NULL)
            goto bad_country;
        sp->match = SIFT_MATCH_COUNTRY;
        snprintf(sp->value, sizeof(sp->value), "%s", cc);
        return SIFT_EXIT_OK;
    bad_country:
        fprintf(stderr, "callsift %s: '%s' is not a country code (US, JP)\n",
                cmd, country);
        return SIFT_EXIT_USAGE;
    }
    if (type != NULL) {
        if (!sift_cli_list_type(type)) {
            fprintf(stderr,
                    "callsift %s: unknown type '%s' (withheld, unavailable, "
                    "payphone, international, toll_free, premium_rate, "
                    "voip, mobile, ...)\n",
                    cmd, type);
            return SIFT_EXIT_USAGE;
        }
        sp->match = SIFT_MATCH_TYPE;
        snprintf(sp->value, sizeof(sp->value), "%s", type);
        return SIFT_EXIT_OK;
    }
    if (strchr(target, '*') != NULL) {
        if (!parse_prefix(target, sp->value, sizeof(sp->value))) {
            fprintf(stderr,
                    "callsift %s: write a prefix in international form "
                    "(+1877*) or national form with its 0 (050*)\n",
                    cmd);
            return SIFT_EXIT_INPUT;
        }
        sp->match = SIFT_MATCH_PREFIX;
        return SIFT_EXIT_OK;
    }
    if (!sift_cli_key(target, region, &num, sp->value)) {
        fprintf(stderr,
                "callsift %s: '%s' is neither a phone number nor an SMS "
                "sender ID (for a caller-ID state use --type withheld)\n",
                cmd, target);
        return SIFT_EXIT_INPUT;
    }
    sp->match = SIFT_MATCH_EXACT;
    return SIFT_EXIT_OK;
}

struct list_walk {
    enum sift_list_kind kind;
    const struct spec *sp; /* NULL: print every entry of kind */
    bool json;
    int n;
    int64_t ids[256];
    size_t n_ids;
};

static void print_entry(const struct sift_list_entry *e, bool json)
{
    char created[32], expires[32];

    sift_cli_time(e->created, created, sizeof(created));
    if (e->expires)
        sift_cli_time(e->expires, expires, sizeof(expires));
    if (json) {
        printf("{\"id\":%lld,\"kind\":\"%s\",\"match\":\"%s\",\"value\":",
               (long long)e->id, e->kind == SIFT_LIST_BLOCK ? "block" : "allow",
               sift_cli_list_match_name(e->match));
        sift_cli_json_str(stdout, e->value);
        printf(",\"for\":");
        if (e->callee)
            sift_cli_json_str(stdout, e->callee);
        else
            printf("null");
        printf(",\"created\":\"%s\",\"expires\":", created);
        if (e->expires)
            printf("\"%s\"", expires);
        else
            printf("null");
        printf(",\"note\":");
        if (e->note)
            sift_cli_json_str(stdout, e->note);
        else
            printf("null");
        printf("}\n");
        return;
    }
    printf("%4lld  %-6s %-8s %s%s  for %s", (long long)e->id,
           e->kind == SIFT_LIST_BLOCK ? "block" : "allow",
           sift_cli_list_match_name(e->match), e->value,
           e->match == SIFT_MATCH_PREFIX ? "*" : "",
           e->callee ? e->callee : "everyone");
    if (e->expires)
        printf("  until %s", expires);
    if (e->note)
        printf("  (%s)", e->note);
    printf("\n");
}

static int walk_entry(void *ctx, const struct sift_list_entry *e)
{
    struct list_walk *w = ctx;

    if (e->kind != w->kind)
        return 0;
    if (w->sp == NULL) {
        print_entry(e, w->json);
        w->n++;
        return 0;
    }
    if (e->match != w->sp->match || strcmp(e->value, w->sp->value) != 0)
        return 0;
    if (w->sp->has_callee != (e->callee != NULL))
        return 0;
    if (e->callee != NULL && strcmp(e->callee, w->sp->callee) != 0)
        return 0;
    if (w->n_ids < SIFT_ARRAY_LEN(w->ids))
        w->ids[w->n_ids++] = e->id;
    return 0;
}

int sift_cli_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    bool remove = strncmp(cmd, "un", 2) == 0;
    enum sift_list_kind kind = strcmp(cmd + (remove ? 2 : 0), "block") == 0
                                   ? SIFT_LIST_BLOCK
                                   : SIFT_LIST_ALLOW;
    const char *target = NULL, *country = NULL, *type = NULL, *forw = NULL;
    const char *expires = NULL, *note = NULL, *db = NULL, *id_arg = NULL;
    const char *region = sift_cli_default_region();
    bool list = false, json = false;
    struct spec sp = {0};
    struct sift_store *st = NULL;
    struct sift_err err = {0};
    struct sift_number num;
    int64_t ttl = 0;
    int status;

    {
        /* unblock and unallow take --id; block and allow --expires and
         * --note. */
        const struct sift_cli_opt opts[] = {
            {"--list", NULL, &list},
            {"--json", NULL, &json},
            {"--country", &country, NULL},
            {"--type", &type, NULL},
            {"--for", &forw, NULL},
            {"--db", &db, NULL},
            {"--region", &region, NULL},
            {remove ? "--id" : "--expires", remove ? &id_arg : &expires, NULL},
            {remove ? NULL : "--note", &note, NULL},
            {NULL, NULL, NULL}};
        status =
            sift_cli_parse(argc, argv, cmd, usage_text, opts, &target, "entry");
        if (status >= 0)
            return status;
    }
    if (list) {
        struct list_walk w = {.kind = kind, .json = json};
        status = sift_cli_store_open(cmd, db, &st);
        if (status != SIFT_EXIT_OK)
            return status;
        if (sift_store_each_list(st, walk_entry, &w, &err) != SIFT_OK) {
            fprintf(stderr, "callsift %s: %s\n", cmd, err.msg);
            status = SIFT_EXIT_INTERNAL;
        }
        sift_store_close(st);
        return status;
    }
    if (id_arg == NULL || target != NULL || country != NULL || type != NULL) {
        status = parse_target(cmd, target, country, type, region, &sp);
        if (status != SIFT_EXIT_OK)
            return status;
    }
    if (forw != NULL) {
        if (!sift_cli_key(forw, region, &num, sp.callee) ||
            num.status != SIFT_NUMBER_OK) {
            fprintf(stderr, "callsift %s: --for takes your phone number\n",
                    cmd);
            return SIFT_EXIT_INPUT;
        }
        sp.has_callee = true;
    }
    if (expires != NULL && !sift_cli_duration(expires, &ttl)) {
        fprintf(stderr,
                "callsift %s: --expires takes a duration such as "
                "30d, 12h, 45m or 2w\n",
                cmd);
        return SIFT_EXIT_USAGE;
    }
    status = sift_cli_store_open(cmd, db, &st);
    if (status != SIFT_EXIT_OK)
        return status;

    if (remove) {
        struct list_walk w = {.kind = kind, .sp = &sp};
        if (id_arg != NULL) {
            unsigned long long id;
            if (!sift__parse_uint(id_arg, INT64_MAX, &id) || id == 0) {
                fprintf(stderr, "callsift %s: --id takes an entry id\n", cmd);
                status = SIFT_EXIT_USAGE;
                goto out;
            }
            w.ids[w.n_ids++] = (int64_t)id;
        } else if (sift_store_each_list(st, walk_entry, &w, &err) != SIFT_OK) {
            fprintf(stderr, "callsift %s: %s\n", cmd, err.msg);
            status = SIFT_EXIT_INTERNAL;
            goto out;
        }
        if (w.n_ids == 0) {
            fprintf(stderr, "callsift %s: no such %s entry\n", cmd,
                    kind == SIFT_LIST_BLOCK ? "block" : "allow");
            status = SIFT_EXIT_INPUT;
            goto out;
        }
        for (size_t i = 0; i < w.n_ids; i++) {
            enum sift_rc rc = sift_store_remove_list(st, w.ids[i], &err);
            if (rc == SIFT_ENOTFOUND) {
                fprintf(stderr, "callsift %s: %s\n", cmd, err.msg);
                status = SIFT_EXIT_INPUT;
            } else if (rc != SIFT_OK) {
                fprintf(stderr, "callsift %s: %s\n", cmd, err.msg);
                status = SIFT_EXIT_INTERNAL;
                goto out;
            } else {
                printf("removed %s entry %lld\n",
                       kind == SIFT_LIST_BLOCK ? "block" : "allow",
                       (long long)w.ids[i]);
            }
        }
        goto out;
    }

    {
        struct sift_list_entry e = {0};
        e.kind = kind;
        e.match = sp.match;
        e.value = sp.value;
        e.callee = sp.has_callee ? sp.callee : NULL;
        e.created = (int64_t)time(NULL);
        e.expires = ttl ? e.created + ttl : 0;
        e.note = note;
        if (sift_store_add_list(st, &e, &err) != SIFT_OK) {
            fprintf(stderr, "callsift %s: %s\n", cmd, err.msg);
            status =
                err.rc == SIFT_ETOOBIG ? SIFT_EXIT_INPUT : SIFT_EXIT_INTERNAL;
            goto out;
        }
        printf("%s %s %s%s for %s (entry %lld",
               kind == SIFT_LIST_BLOCK ? "blocked" : "allowed",
               sift_cli_list_match_name(e.match), e.value,
               e.match == SIFT_MATCH_PREFIX ? "*" : "",
               e.callee ? e.callee : "everyone", (long long)e.id);
        if (e.expires) {
            char when[32];
            sift_cli_time(e.expires, when, sizeof(when));
            printf(", until %s", when);
        }
        printf(")\n");
    }
out:
    sift_store_close(st);
    return status;
}
