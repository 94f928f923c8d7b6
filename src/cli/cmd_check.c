/*
 * cmd_check.c - `callsift check`: a verdict for one call or message, for a
 * person (plain words, signals, advice) or for a machine (--json), or for
 * a stream of events (--batch, JSON lines in, verdict lines out, in
 * order).
 *
 *   callsift check --from RAW [--to RAW] [--text TEXT | --text-file F]
 *                  [--sms] [--lang ja|en] [--json]
 *   callsift check --batch < events.jsonl
 *   ... [--db PATH]   with reports, lists, call history and campaigns from
 *                     the store (also when $CALLSIFT_DB is set); each
 *                     checked event is logged (cli_record.c)
 *
 * Documented in docs/cli/check.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VERDICT_JSON_MAX (256 * 1024)
#define BATCH_LINE_MAX   (1024 * 1024)

static const char usage_text[] =
    "usage: callsift check --from RAW [--to RAW] [--text TEXT | --text-file "
    "F]\n"
    "                      [--sms] [--identity HDR] [--lang ja|en] [--json]\n"
    "       callsift check --batch < events.jsonl\n"
    "\n"
    "Decide whether a call or a text message is a scam, and say why and\n"
    "what to do. The verdict is one of allow, label (be careful), warn\n"
    "(possible scam) or block (likely scam).\n"
    "\n"
    "options:\n"
    "  --from RAW       the caller ID as shown, or an SMS sender (required)\n"
    "  --to RAW         the callee (your number)\n"
    "  --text TEXT      a voicemail transcript, a greeting or an SMS body\n"
    "  --text-file F    read the text from a file (- for stdin)\n"
    "  --sms            the event is a text message (default: a call)\n"
    "  --identity HDR   the SIP Identity header of the call (STIR/SHAKEN;\n"
    "                   verified when callsift.conf has [stir])\n"
    "  --lang ja|en     language for people (default from $LANG, else en)\n"
    "  --json           print the verdict as JSON\n"
    "  --batch          read events as JSON lines on stdin ({kind, from, to,\n"
    "                   time, text}; id and unknown fields are echoed) and\n"
    "                   write one verdict JSON line per event, in order\n"
    "  --data DIR       data folder (default $CALLSIFT_DATA, ./data, or the\n"
    "                   installed one)\n"
    "  --config FILE    configuration (default DIR/callsift.conf)\n"
    "  --region CC      home region (default: the configuration's)\n"
    "  --db PATH        use the store: reports, block/allow lists, call\n"
    "                   history and campaigns; the event is logged\n"
    "                   (default: $CALLSIFT_DB when set, else no store)\n"
    "\n"
    "exit: 0 a verdict was given (for --batch: for every line), 1 an event\n"
    "could not be checked (bad input; --batch goes on with the next line),\n"
    "2 usage error, 3 the engine could not load its files, or with --db\n"
    "the store could not be opened or an event could not be logged.\n";

struct check_opts {
    const char *from, *to, *text, *text_file, *data, *config, *region;
    const char *identity;
    const char *db;
    bool sms, json, batch;
    enum sift_lang lang;
};

static enum sift_lang lang_from_env(void)
{
    const char *l = getenv("LC_ALL");
    if (l == NULL || *l == '\0')
        l = getenv("LANG");
    return (l != NULL && strncmp(l, "ja", 2) == 0) ? SIFT_LANG_JA
                                                   : SIFT_LANG_EN;
}

/* Read a whole file (or stdin for "-") up to max bytes; one byte more
 * tells the caller it was over. */
static char *read_text(const char *path, size_t max, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = malloc(max + 2);
    if (buf == NULL) {
        if (f != stdin)
            fclose(f);
        return NULL;
    }
    n = fread(buf, 1, max + 1, f);
    buf[n] = '\0';
    *len = n;
    if (f != stdin)
        fclose(f);
    return buf;
}

static void print_person(const struct sift_verdict *v, enum sift_lang lang)
{
    int ja = lang == SIFT_LANG_JA;
    char buf[256];

    printf("%s — %s (%s, score %.1f)\n", sift_action_words(v->action, lang),
           sift_action_words(v->action, ja ? SIFT_LANG_EN : SIFT_LANG_JA),
           sift_action_name(v->action), v->score);
    sift_number_describe(&v->caller, lang, buf, sizeof(buf));
    if (v->caller.status == SIFT_NUMBER_OK) {
        char fmt[64];
        sift_number_format(&v->caller, SIFT_FORMAT_INTERNATIONAL, fmt,
                           sizeof(fmt));
        printf("%s %s — %s\n", ja ? "発信者:" : "Caller:", fmt, buf);
    } else {
        printf("%s %s\n", ja ? "発信者:" : "Caller:", buf);
    }
    if (v->org.id != NULL)
        printf("%s %s\n", ja ? "名乗っている組織:" : "Claims to be:",
               ja ? v->org.name_ja : v->org.name_en);
    if (v->n_signals > 0) {
        /* Strongest first: the reason that matters most leads. */
        size_t order[SIFT_MAX_SIGNALS];
        for (size_t i = 0; i < v->n_signals; i++) {
            size_t k = i;
            while (k > 0 &&
                   v->signals[order[k - 1]].weight < v->signals[i].weight) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = i;
        }
        printf("\n%s\n", ja ? "理由:" : "Why:");
        for (size_t i = 0; i < v->n_signals; i++) {
            const struct sift_signal *s = &v->signals[order[i]];
            printf("  %+5.1f  %s\n", s->weight, s->name);
            printf("         %s\n", ja ? s->reason_ja : s->reason_en);
            if (s->evidence[0])
                printf("         %s %s\n",
                       ja ? "根拠:" : "evidence:", s->evidence);
        }
    }
    if (v->n_advice > 0) {
        printf("\n%s\n", ja ? "いますること:" : "What to do now:");
        for (size_t i = 0; i < v->n_advice; i++)
            printf("  %zu. %s\n", i + 1,
                   ja ? v->advice[i].ja : v->advice[i].en);
    }
}

/* Print a verdict as JSON, with the echoed fields first. */
static int print_json_line(FILE *out, const struct sift_verdict *v,
                           const char *echo)
{
    static char *buf;
    size_t need;

    if (buf == NULL) {
        buf = malloc(VERDICT_JSON_MAX);
        if (buf == NULL)
            return -1;
    }
    need = sift_verdict_json(v, buf, VERDICT_JSON_MAX);
    if (need >= VERDICT_JSON_MAX)
        return -1;
    if (echo != NULL && echo[0] != '\0')
        fprintf(out, "{%s,%s\n", echo, buf + 1);
    else
        fprintf(out, "%s\n", buf);
    return 0;
}

static void print_error_line(FILE *out, const struct sift_err *err,
                             const char *echo, unsigned long lineno)
{
    char where[96];

    snprintf(where, sizeof(where), "line %lu: %s", lineno, err->where);
    fprintf(out, "{");
    if (echo != NULL && echo[0] != '\0')
        fprintf(out, "%s,", echo);
    fprintf(out, "\"error\":{\"code\":");
    sift_cli_json_str(out, sift_rc_name(err->rc));
    fprintf(out, ",\"message\":");
    sift_cli_json_str(out, err->msg);
    fprintf(out, ",\"where\":");
    sift_cli_json_str(out, where);
    fprintf(out, "}}\n");
}

/*
 * With --db the events are logged in groups: one store transaction (one
 * fsync) for the events read while more input was ready, at most
 * GROUP_MAX, instead of one per event. Each event goes into the index at
 * once (sift_record_index: the next check sees it); the group's records
 * and verdict lines go to the writer thread (cli_writer.c), which commits
 * them and only then prints the lines, so a printed verdict's event is in
 * the store, while this thread checks the next group. A program that
 * writes one event and waits for its verdict gets it at once (the group
 * closes when nothing more is ready).
 */
#define GROUP_MAX 1024

struct group {
    struct sift_cli_record *record; /* NULL: no store, no groups */
    struct sift_cli_writer *writer;
    FILE *out; /* the held lines, or stdout */
    char *buf;
    size_t size, n;
    struct sift_record *recs; /* the group's logged events, n_recs */
    size_t n_recs;
};

static int group_open(struct group *g)
{
    if (g->record == NULL) {
        g->out = stdout;
        return 0;
    }
    g->recs = malloc(GROUP_MAX * sizeof(*g->recs));
    if (g->recs == NULL)
        return -1;
    g->out = open_memstream(&g->buf, &g->size);
    if (g->out == NULL) {
        free(g->recs);
        g->recs = NULL;
        return -1;
    }
    return 0;
}

/* Hand the group's records and lines to the writer, which commits the
 * records, then prints the lines. */
static int group_close(struct group *g)
{
    int status = SIFT_EXIT_OK;

    if (g->record == NULL) {
        g->n = 0;
        return fflush(stdout) == 0 ? SIFT_EXIT_OK : SIFT_EXIT_INTERNAL;
    }
    if (g->out == NULL) /* the group could not be opened: nothing held */
        return SIFT_EXIT_INTERNAL;
    if (fclose(g->out) != 0) {
        status = SIFT_EXIT_INTERNAL;
        g->size = 0;
    }
    status =
        sift_cli_worst(status, sift_cli_writer_put(g->writer, g->recs,
                                                   g->n_recs, g->buf, g->size));
    g->buf = NULL;
    g->recs = NULL;
    g->size = g->n = g->n_recs = 0;
    g->out = NULL;
    return status;
}

/* Close the group and start the next one. */
static int group_next(struct group *g)
{
    int status = group_close(g);

    return group_open(g) == 0 ? status : SIFT_EXIT_INTERNAL;
}

/* Log one checked event: into the index now, into the group's records
 * for the writer. */
static int group_record(struct group *g, const struct sift_event *ev,
                        const struct sift_verdict *v)
{
    struct sift_record *rec = &g->recs[g->n_recs];
    struct sift_err err = {0};
    enum sift_rc r = sift_record_prepare(rec, ev, v, -1, &err);

    if (r == SIFT_OK) {
        /* The call goes to the store even when its message could not be
         * kept for a campaign (out of memory): the index has the call. */
        g->n_recs++;
        r = sift_record_index(g->record->rep, rec, ev, &err);
    }
    if (r != SIFT_OK) {
        fprintf(stderr, "callsift check: logging the call: %s\n", err.msg);
        return SIFT_EXIT_INTERNAL;
    }
    return SIFT_EXIT_OK;
}

static int run_batch(const struct sift_engine *eng,
                     struct sift_cli_record *record)
{
    struct sift_cli_lines in;
    struct group g = {.record = record};
    struct sift_verdict *v = malloc(sizeof(*v));
    unsigned long lineno = 0;
    int status = SIFT_EXIT_OK;

    if (v == NULL)
        return SIFT_EXIT_INTERNAL;
    sift_cli_lines_init(&in, 0, BATCH_LINE_MAX);
    if (record != NULL &&
        sift_cli_writer_start(&g.writer, record) != SIFT_EXIT_OK) {
        free(v);
        return SIFT_EXIT_INTERNAL;
    }
    if (group_open(&g) != 0) {
        sift_cli_writer_finish(g.writer);
        free(v);
        return SIFT_EXIT_INTERNAL;
    }
    for (;;) {
        struct sift_event_json ej;
        struct sift_err err = {0};
        char *line;
        size_t len;
        enum sift_rc rc;
        int got;

        if (g.n == GROUP_MAX) {
            status = sift_cli_worst(status, group_next(&g));
            if (g.out == NULL)
                break;
        }
        got = sift_cli_lines_next(&in, record == NULL || g.n == 0, &line, &len);
        if (got == SIFT_CLI_LINE_NOT_READY) {
            status = sift_cli_worst(status, group_next(&g));
            if (g.out == NULL)
                break;
            continue;
        }
        if (got == SIFT_CLI_LINE_END || got == SIFT_CLI_LINE_ERROR) {
            if (got == SIFT_CLI_LINE_ERROR) {
                fprintf(stderr, "callsift check: reading the events: %s\n",
                        strerror(errno));
                status = SIFT_EXIT_INTERNAL;
            }
            break;
        }
        lineno++;
        if (got == SIFT_CLI_LINE_TOO_LONG) {
            err.rc = SIFT_ETOOBIG;
            snprintf(err.msg, sizeof(err.msg),
                     "the line is %zu bytes; the limit is %d", len,
                     BATCH_LINE_MAX);
            snprintf(err.where, sizeof(err.where), "$");
            print_error_line(g.out, &err, NULL, lineno);
            status = sift_cli_worst(status, SIFT_EXIT_INPUT);
            g.n++;
            continue;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue; /* blank lines separate nothing */
        rc = sift_event_from_json(&ej, line, len, &err);
        if (rc == SIFT_OK)
            rc = sift_engine_check(eng, &ej.ev, v, &err);
        if (rc != SIFT_OK) {
            print_error_line(g.out, &err, ej.echo, lineno);
            status = sift_cli_worst(status, SIFT_EXIT_INPUT);
        } else if (print_json_line(g.out, v, ej.echo) != 0) {
            status = SIFT_EXIT_INTERNAL;
        } else if (record != NULL &&
                   group_record(&g, &ej.ev, v) != SIFT_EXIT_OK) {
            status = SIFT_EXIT_INTERNAL;
        }
        sift_event_json_release(&ej);
        if (record == NULL)
            fflush(stdout);
        g.n++;
    }
    status = sift_cli_worst(status, group_close(&g));
    status = sift_cli_worst(status, sift_cli_writer_finish(g.writer));
    sift_cli_lines_release(&in);
    free(v);
    return status;
}

static int parse_args(int argc, char **argv, struct check_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            return -1;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (strcmp(a, "--sms") == 0) {
            o->sms = true;
        } else if (strcmp(a, "--batch") == 0) {
            o->batch = true;
        } else if (strcmp(a, "--from") == 0) {
            dst = &o->from;
        } else if (strcmp(a, "--to") == 0) {
            dst = &o->to;
        } else if (strcmp(a, "--identity") == 0) {
            dst = &o->identity;
        } else if (strcmp(a, "--text") == 0) {
            dst = &o->text;
        } else if (strcmp(a, "--text-file") == 0) {
            dst = &o->text_file;
        } else if (strcmp(a, "--data") == 0) {
            dst = &o->data;
        } else if (strcmp(a, "--config") == 0) {
            dst = &o->config;
        } else if (strcmp(a, "--region") == 0) {
            dst = &o->region;
        } else if (strcmp(a, "--db") == 0) {
            dst = &o->db;
        } else if (strcmp(a, "--lang") == 0) {
            if (i + 1 >= argc || !sift_cli_lang(argv[++i], &o->lang)) {
                fprintf(stderr, "callsift check: --lang takes ja or en\n");
                return SIFT_EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "callsift check: unknown argument '%s'\n\n%s", a,
                    usage_text);
            return SIFT_EXIT_USAGE;
        }
        if (dst != NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "callsift check: %s needs a value\n", a);
                return SIFT_EXIT_USAGE;
            }
            *dst = argv[++i];
        }
    }
    if (!o->batch && o->from == NULL) {
        fprintf(stderr, "callsift check: --from is required\n\n%s", usage_text);
        return SIFT_EXIT_USAGE;
    }
    if (o->text != NULL && o->text_file != NULL) {
        fprintf(stderr, "callsift check: give --text or --text-file, not "
                        "both\n");
        return SIFT_EXIT_USAGE;
    }
    return 0;
}

int sift_cli_check(int argc, char **argv)
{
    struct check_opts o;
    struct sift_engine_opts eo = {0};
    struct sift_engine *eng = NULL;
    struct sift_err err = {0};
    struct sift_event ev = {0};
    struct sift_verdict *v = NULL;
    struct sift_cli_record record, *rec = NULL;
    const char *env_db = getenv("CALLSIFT_DB");
    char *text_buf = NULL;
    int status;

    memset(&o, 0, sizeof(o));
    o.lang = lang_from_env();
    status = parse_args(argc, argv, &o);
    if (status != 0)
        return status < 0 ? SIFT_EXIT_OK : status;

    eo.data_dir = o.data;
    eo.config_path = o.config;
    eo.home_region = o.region;
    if (sift_engine_new(&eng, &eo, &err) != SIFT_OK) {
        fprintf(stderr, "callsift check: %s%s%s\n", err.where,
                err.where[0] ? ": " : "", err.msg);
        return SIFT_EXIT_INTERNAL;
    }
    if (o.db != NULL || (env_db != NULL && *env_db != '\0')) {
        rec = &record;
        status = sift_cli_record_open(rec, o.db, eng);
        if (status != SIFT_EXIT_OK)
            goto out;
    }
    if (o.batch) {
        status = run_batch(eng, rec);
        goto out;
    }

    ev.kind = o.sms ? SIFT_EVENT_SMS : SIFT_EVENT_CALL;
    ev.from = o.from;
    ev.to = o.to;
    ev.text = o.text;
    ev.identity = o.identity;
    if (o.from[0] == '\0')
        ev.from_len = 0;
    if (o.text_file != NULL) {
        size_t len = 0;
        text_buf = read_text(o.text_file, 16u << 20, &len);
        if (text_buf == NULL) {
            fprintf(stderr, "callsift check: cannot read %s: %s\n", o.text_file,
                    strerror(errno));
            status = SIFT_EXIT_INPUT;
            goto out;
        }
        ev.text = text_buf;
        ev.text_len = len;
    }
    v = malloc(sizeof(*v));
    if (v == NULL) {
        status = SIFT_EXIT_INTERNAL;
        goto out;
    }
    if (sift_engine_check(eng, &ev, v, &err) != SIFT_OK) {
        fprintf(stderr, "callsift check: %s%s%s\n", err.where,
                err.where[0] ? ": " : "", err.msg);
        status = SIFT_EXIT_INPUT;
        goto out;
    }
    if (o.json) {
        if (print_json_line(stdout, v, NULL) != 0)
            status = SIFT_EXIT_INTERNAL;
    } else {
        print_person(v, o.lang);
    }
    /* Logged after the verdict is out: a person waiting on the answer
     * does not wait on the disk. */
    if (rec != NULL && status == SIFT_EXIT_OK) {
        fflush(stdout);
        status = sift_cli_record(rec, &ev, v);
    }
out:
    free(v);
    free(text_buf);
    if (rec != NULL)
        sift_cli_record_close(rec, eng);
    sift_engine_free(eng);
    return status;
}
