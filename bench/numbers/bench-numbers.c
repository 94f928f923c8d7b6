/*
 * bench-numbers - callsift's number module against libphonenumber.
 *
 *   bench-numbers [-r RUNS] CALLERS.tsv [PEER_RESULTS.tsv]
 *
 * CALLERS.tsv holds "REGION<TAB>CALLERID" lines (gen-callers);
 * PEER_RESULTS.tsv is what peer-libphonenumber wrote for the same file: one
 * "status<TAB>valid<TAB>e164<TAB>region<TAB>type" line per input and a
 * "#peer" trailer with its timing and footprint.
 *
 * Two passes, in the same order as the peer's, so the figures compare:
 *
 *  1. Streaming: each input is parsed with sift_number_parse() and, when
 *     a peer file is given, compared with the peer's line. The peak RSS
 *     after this pass (VmHWM) is callsift's footprint: tables, code, libc.
 *  2. The inputs are loaded into memory and timed RUNS times (default 3):
 *     sift_number_parse() + sift_number_format(E164) + type + validity per
 *     input. The best run counts.
 *
 * Agreement (issue 2 section 5): validity over all inputs (callsift valid
 * means status OK and valid; libphonenumber valid means Parse succeeded
 * and IsValidNumber), and E.164 + region + type over the inputs
 * libphonenumber says are valid. Every class of disagreement is listed
 * with its count, one example and a likely reason derived from the shape
 * of the difference; bench/README.md records the reasons found by hand.
 *
 * Benchmarks are not tests (STYLE.md section 6): the exit status is 0
 * whatever the figures; it is 1 only when the harness itself fails.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "callsift/number.h"

#define ARRAY_LEN(a)  (sizeof(a) / sizeof((a)[0]))
#define MAX_CLASSES   512
#define TARGET_RATIO  50.0
#define TARGET_AGREE  99.99
#define EXAMPLE_BYTES 96

/* In enum sift_number_type order, which is libphonenumber's: the peer
 * writes the same names. */
static const char *const type_names[] = {
    "fixed_line", "mobile",          "fixed_line_or_mobile",
    "toll_free",  "premium_rate",    "shared_cost",
    "voip",       "personal_number", "pager",
    "uan",        "voicemail",       "unknown"};

static const char *type_name(enum sift_number_type t)
{
    return (unsigned)t < ARRAY_LEN(type_names) ? type_names[t] : "?";
}

static const char *const cc_source_names[] = {"plus", "idd", "digits",
                                              "default"};

static const char *cc_source_name(enum sift_number_cc_source s)
{
    return (unsigned)s < ARRAY_LEN(cc_source_names) ? cc_source_names[s] : "?";
}

/* ---- time and memory ------------------------------------------------ */

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Peak resident set of this process in KiB: VmHWM, else ru_maxrss. VmHWM
 * belongs to the process image, so it does not inherit the shell's, as
 * getrusage's ru_maxrss does across exec. */
static long peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char buf[256];
    long kb = 0;

    if (f) {
        while (fgets(buf, sizeof(buf), f)) {
            if (!strncmp(buf, "VmHWM:", 6)) {
                kb = strtol(buf + 6, NULL, 10);
                break;
            }
        }
        fclose(f);
    }
    if (kb == 0) {
        struct rusage ru;

        if (getrusage(RUSAGE_SELF, &ru) == 0)
            kb = ru.ru_maxrss;
    }
    return kb;
}

/* ---- one side's answer for one input -------------------------------- */

struct answer {
    char status[32]; /* "ok", "withheld", "not_a_number" ... */
    bool valid;
    char e164[32];
    char region[8];
    char type[24];
};

/* Split s at tabs into at most n fields, in place. Returns the count. */
static size_t split_tabs(char *s, char **field, size_t n)
{
    size_t i = 0;

    while (i < n) {
        field[i++] = s;
        s = strchr(s, '\t');
        if (!s)
            break;
        *s++ = '\0';
    }
    return i;
}

static void copy_field(char *dst, size_t size, const char *src)
{
    size_t len = strlen(src);

    if (len >= size)
        len = size - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static bool peer_answer(char *line, struct answer *a)
{
    char *f[5];

    if (split_tabs(line, f, 5) != 5)
        return false;
    copy_field(a->status, sizeof(a->status), f[0]);
    a->valid = f[1][0] == '1';
    copy_field(a->e164, sizeof(a->e164), f[2]);
    copy_field(a->region, sizeof(a->region), f[3]);
    copy_field(a->type, sizeof(a->type), f[4]);
    return true;
}

static void our_answer(const struct sift_number *n, enum sift_rc rc,
                       struct answer *a)
{
    const char *status;

    memset(a, 0, sizeof(*a));
    if (rc == SIFT_EINVAL)
        status = "einval";
    else if (n->status == SIFT_NUMBER_OK)
        status = "ok";
    else
        status = sift_number_status_name(n->status);
    copy_field(a->status, sizeof(a->status), status ? status : "?");
    if (rc == SIFT_OK && n->status == SIFT_NUMBER_OK) {
        a->valid = n->valid;
        sift_number_format(n, SIFT_FORMAT_E164, a->e164, sizeof(a->e164));
        copy_field(a->region, sizeof(a->region), n->region);
        copy_field(a->type, sizeof(a->type), type_name(n->type));
    }
}

/* ---- disagreement classes ------------------------------------------- */

struct dclass {
    char key[256];
    char reason[256];
    unsigned long count;
    char example[EXAMPLE_BYTES]; /* "JP<TAB>090-..." as given */
    struct answer ours, theirs;
};

static struct dclass classes[MAX_CLASSES];
static size_t n_classes;
static unsigned long n_overflow; /* disagreements past MAX_CLASSES */

static void note_class(const char *key, const char *reason, const char *region,
                       const char *input, const struct answer *ours,
                       const struct answer *theirs)
{
    for (size_t i = 0; i < n_classes; i++) {
        if (!strcmp(classes[i].key, key)) {
            classes[i].count++;
            return;
        }
    }
    if (n_classes == MAX_CLASSES) {
        n_overflow++;
        return;
    }
    struct dclass *c = &classes[n_classes++];
    copy_field(c->key, sizeof(c->key), key);
    copy_field(c->reason, sizeof(c->reason), reason);
    snprintf(c->example, sizeof(c->example), "%s\t%s", region, input);
    c->count = 1;
    c->ours = *ours;
    c->theirs = *theirs;
}

static int by_count_desc(const void *a, const void *b)
{
    const struct dclass *x = a, *y = b;

    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

/* Agreement counters. */
struct agreement {
    unsigned long n;
    unsigned long n_validity_agree;
    unsigned long n_peer_valid;
    unsigned long n_fields_agree; /* of n_peer_valid */
};

/*
 * Compare one input. A validity disagreement is classed by both sides'
 * status and region; a field disagreement (both valid) by which field
 * differs and the two values' kind (region pair, type pair).
 */
static void compare(struct agreement *ag, const char *region, const char *input,
                    const struct sift_number *n, const struct answer *ours,
                    const struct answer *theirs)
{
    bool their_valid = !strcmp(theirs->status, "ok") && theirs->valid;
    bool our_valid = !strcmp(ours->status, "ok") && ours->valid;
    bool same_e164 = !strcmp(ours->e164, theirs->e164);
    char key[256], reason[256];

    ag->n++;
    if (our_valid == their_valid)
        ag->n_validity_agree++;
    if (their_valid) {
        ag->n_peer_valid++;
        if (our_valid && same_e164 && !strcmp(ours->region, theirs->region) &&
            !strcmp(ours->type, theirs->type))
            ag->n_fields_agree++;
    }

    if (our_valid != their_valid) {
        snprintf(key, sizeof(key),
                 "validity: callsift %s%s %s / libphonenumber %s%s %s %s",
                 ours->status,
                 strcmp(ours->status, "ok") ? ""
                 : our_valid                ? ",valid"
                                            : ",invalid",
                 ours->region[0] ? ours->region : "-", theirs->status,
                 strcmp(theirs->status, "ok") ? ""
                 : their_valid                ? ",valid"
                                              : ",invalid",
                 theirs->region[0] ? theirs->region : "-",
                 their_valid ? theirs->type : "");
        if (strcmp(theirs->status, "ok") != 0)
            snprintf(reason, sizeof(reason),
                     "libphonenumber does not parse this form (%s); "
                     "callsift reads it",
                     theirs->status);
        else if (strcmp(ours->status, "ok") != 0)
            snprintf(reason, sizeof(reason),
                     "callsift rejects as %s a form libphonenumber accepts",
                     ours->status);
        else if (!same_e164)
            snprintf(reason, sizeof(reason),
                     "read as different numbers (callsift took the country "
                     "code from %s)",
                     cc_source_name(n->cc_source));
        else if (their_valid)
            snprintf(reason, sizeof(reason),
                     "same number; callsift's tables miss a %s range of %s "
                     "that libphonenumber's metadata has",
                     theirs->type, theirs->region);
        else
            snprintf(reason, sizeof(reason),
                     "same number; callsift's tables accept a range of %s "
                     "that libphonenumber's metadata does not",
                     ours->region);
        note_class(key, reason, region, input, ours, theirs);
        return;
    }
    if (!their_valid)
        return;
    if (!same_e164) {
        snprintf(key, sizeof(key),
                 "e164: callsift %s / libphonenumber %s (cc from %s, "
                 "default %s)",
                 ours->region, theirs->region, cc_source_name(n->cc_source),
                 region);
        snprintf(reason, sizeof(reason),
                 "the input was read as two different valid numbers");
        note_class(key, reason, region, input, ours, theirs);
    } else if (strcmp(ours->region, theirs->region) != 0) {
        snprintf(key, sizeof(key), "region: callsift %s / libphonenumber %s",
                 ours->region, theirs->region);
        snprintf(reason, sizeof(reason),
                 "shared country code resolved to another region: the "
                 "regions' ranges overlap or are tried in another order");
        note_class(key, reason, region, input, ours, theirs);
    } else if (strcmp(ours->type, theirs->type) != 0) {
        snprintf(key, sizeof(key), "type: %s callsift %s / libphonenumber %s",
                 ours->region, ours->type, theirs->type);
        snprintf(reason, sizeof(reason),
                 "another type pattern matched: libphonenumber tries types "
                 "in a fixed order and merges equal fixed/mobile patterns");
        note_class(key, reason, region, input, ours, theirs);
    }
}

/* ---- peer trailer --------------------------------------------------- */

struct peer_stats {
    bool have;
    char version[32];
    double ns_per_number;
    long rss_stream_kb;
    long rss_total_kb;
};

static void parse_trailer(char *line, struct peer_stats *ps)
{
    char *f[12];
    size_t n = split_tabs(line, f, ARRAY_LEN(f));

    ps->have = true;
    for (size_t i = 1; i < n; i++) {
        char *eq = strchr(f[i], '=');
        if (!eq)
            continue;
        *eq++ = '\0';
        if (!strcmp(f[i], "version"))
            copy_field(ps->version, sizeof(ps->version), eq);
        else if (!strcmp(f[i], "ns_per_number"))
            ps->ns_per_number = strtod(eq, NULL);
        else if (!strcmp(f[i], "rss_stream_kb"))
            ps->rss_stream_kb = strtol(eq, NULL, 10);
        else if (!strcmp(f[i], "rss_total_kb"))
            ps->rss_total_kb = strtol(eq, NULL, 10);
    }
}

static void chomp(char *s, ssize_t *len)
{
    if (*len > 0 && s[*len - 1] == '\n')
        s[--*len] = '\0';
}

/* ---- pass 1: streaming parse and comparison ------------------------- */

static int stream_pass(const char *in_path, const char *peer_path,
                       struct agreement *ag, struct peer_stats *ps,
                       unsigned long *n_inputs)
{
    FILE *in = fopen(in_path, "r");
    FILE *peer = NULL;
    char *line = NULL, *pline = NULL;
    size_t cap = 0, pcap = 0;
    ssize_t len, plen;
    int rc = 1;

    if (!in) {
        perror(in_path);
        return 1;
    }
    if (peer_path) {
        peer = fopen(peer_path, "r");
        if (!peer) {
            perror(peer_path);
            goto out;
        }
    }
    while ((len = getline(&line, &cap, in)) >= 0) {
        struct sift_number n;
        struct answer ours, theirs;

        chomp(line, &len);
        char *tab = memchr(line, '\t', (size_t)len);
        if (!tab) {
            fprintf(stderr, "%s:%lu: no tab\n", in_path, *n_inputs + 1);
            goto out;
        }
        *tab = '\0';
        const char *input = tab + 1;
        size_t input_len = (size_t)(line + len - (tab + 1));
        enum sift_rc prc = sift_number_parse(&n, input, input_len, line, NULL);
        (*n_inputs)++;
        if (!peer)
            continue;
        our_answer(&n, prc, &ours);
        plen = getline(&pline, &pcap, peer);
        if (plen < 0 || pline[0] == '#') {
            fprintf(stderr, "%s: fewer lines than %s\n", peer_path, in_path);
            goto out;
        }
        chomp(pline, &plen);
        if (!peer_answer(pline, &theirs)) {
            fprintf(stderr, "%s:%lu: malformed\n", peer_path, *n_inputs);
            goto out;
        }
        compare(ag, line, input, &n, &ours, &theirs);
    }
    if (peer) {
        plen = getline(&pline, &pcap, peer);
        if (plen >= 0 && !strncmp(pline, "#peer", 5)) {
            chomp(pline, &plen);
            parse_trailer(pline, ps);
        } else {
            fprintf(stderr, "%s: no #peer trailer (peer run incomplete?)\n",
                    peer_path);
        }
    }
    rc = 0;
out:
    free(line);
    free(pline);
    if (peer)
        fclose(peer);
    fclose(in);
    return rc;
}

/* ---- pass 2: in-memory timing --------------------------------------- */

struct input {
    const char *p;
    size_t len;
    const char *region;
};

static char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0;

    if (!f) {
        perror(path);
        return NULL;
    }
    for (;;) {
        if (len + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    *size = len;
    return buf;
}

static int timed_pass(const char *in_path, int runs, double *ns_per,
                      unsigned long long *check)
{
    size_t size, n_inputs = 0, cap = 0;
    char *buf = read_file(in_path, &size);
    struct input *inputs = NULL;
    int rc = 1;

    if (!buf)
        return 1;
    for (char *p = buf; p < buf + size;) {
        char *nl = memchr(p, '\n', (size_t)(buf + size - p));
        char *end = nl ? nl : buf + size;
        char *tab = memchr(p, '\t', (size_t)(end - p));

        if (!tab)
            goto out;
        if (n_inputs == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            struct input *ni = realloc(inputs, cap * sizeof(*ni));
            if (!ni)
                goto out;
            inputs = ni;
        }
        *tab = '\0';
        *end = '\0';
        inputs[n_inputs].region = p;
        inputs[n_inputs].p = tab + 1;
        inputs[n_inputs].len = (size_t)(end - (tab + 1));
        n_inputs++;
        p = end + 1;
    }

    double best = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ns();
        for (size_t i = 0; i < n_inputs; i++) {
            struct sift_number n;
            char e164[32];

            if (sift_number_parse(&n, inputs[i].p, inputs[i].len,
                                  inputs[i].region, NULL) != SIFT_OK ||
                n.status != SIFT_NUMBER_OK)
                continue;
            *check +=
                sift_number_format(&n, SIFT_FORMAT_E164, e164, sizeof(e164));
            *check += (unsigned)n.type + (n.valid ? 1 : 0);
        }
        double dt = now_ns() - t0;
        if (r == 0 || dt < best)
            best = dt;
    }
    *ns_per = n_inputs ? best / (double)n_inputs : 0;
    rc = 0;
out:
    free(inputs);
    free(buf);
    return rc;
}

/* ---- report --------------------------------------------------------- */

static double pct(unsigned long a, unsigned long b)
{
    return b ? 100.0 * (double)a / (double)b : 100.0;
}

static void print_answer(const char *who, const struct answer *a)
{
    printf("        %-15s %s valid=%d e164=%s region=%s type=%s\n", who,
           a->status, a->valid ? 1 : 0, a->e164[0] ? a->e164 : "-",
           a->region[0] ? a->region : "-", a->type[0] ? a->type : "-");
}

static void report_classes(void)
{
    qsort(classes, n_classes, sizeof(classes[0]), by_count_desc);
    printf("disagreements: %zu classes\n", n_classes);
    for (size_t i = 0; i < n_classes; i++) {
        const struct dclass *c = &classes[i];
        char shown[EXAMPLE_BYTES];

        copy_field(shown, sizeof(shown), c->example);
        char *tab = strchr(shown, '\t');
        if (tab)
            *tab = ' ';
        printf("  %7lu  %s\n", c->count, c->key);
        printf("        example: [%s]\n", shown);
        print_answer("callsift", &c->ours);
        print_answer("libphonenumber", &c->theirs);
        printf("        likely: %s\n", c->reason);
    }
    if (n_overflow)
        printf("  %7lu  in further classes (over %d, not shown)\n", n_overflow,
               MAX_CLASSES);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: bench-numbers [-r RUNS] CALLERS.tsv [PEER_RESULTS.tsv]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int runs = 3, argi = 1;
    struct agreement ag = {0};
    struct peer_stats ps = {0};
    unsigned long n_inputs = 0;
    unsigned long long check = 0;
    double ns_per = 0;

    if (argi + 1 < argc && !strcmp(argv[argi], "-r")) {
        runs = (int)strtol(argv[argi + 1], NULL, 10);
        argi += 2;
    }
    if (argc - argi < 1 || argc - argi > 2 || runs < 1)
        usage();
    const char *in_path = argv[argi];
    const char *peer_path = argc - argi == 2 ? argv[argi + 1] : NULL;

    if (stream_pass(in_path, peer_path, &ag, &ps, &n_inputs))
        return 1;
    long rss_stream_kb = peak_rss_kb();
    if (timed_pass(in_path, runs, &ns_per, &check))
        return 1;
    long rss_total_kb = peak_rss_kb();

    if (peer_path)
        report_classes();

    printf("\nnumbers: %lu inputs\n", n_inputs);
    if (ps.have)
        printf("libphonenumber %s: %.0f ns/number, peak RSS %.1f MB "
               "(%.1f MB with inputs in memory)\n",
               ps.version, ps.ns_per_number, ps.rss_stream_kb / 1024.0,
               ps.rss_total_kb / 1024.0);
    printf("callsift %s: %.0f ns/number, peak RSS %.1f MB "
           "(%.1f MB with inputs in memory)\n",
           sift_version(), ns_per, rss_stream_kb / 1024.0,
           rss_total_kb / 1024.0);
    if (ps.have && ns_per > 0) {
        double ratio = ps.ns_per_number / ns_per;
        printf("speed ratio: %.1fx (target >= %.0fx: %s)\n", ratio,
               TARGET_RATIO, ratio >= TARGET_RATIO ? "met" : "NOT MET");
    }
    if (peer_path) {
        double v = pct(ag.n_validity_agree, ag.n);
        double f = pct(ag.n_fields_agree, ag.n_peer_valid);
        printf("agreement: validity %.4f%% (%lu/%lu), e164/region/type "
               "where valid %.4f%% (%lu/%lu) (target >= %.2f%%: %s)\n",
               v, ag.n_validity_agree, ag.n, f, ag.n_fields_agree,
               ag.n_peer_valid, TARGET_AGREE,
               v >= TARGET_AGREE && f >= TARGET_AGREE ? "met" : "NOT MET");
    }
    /* Printed so the timed loop's work cannot be optimised away. */
    printf("(check %llu, best of %d runs)\n", check, runs);
    return 0;
}
