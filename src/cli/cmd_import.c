/*
 * cmd_import.c - `callsift import`: reports in bulk from a file, in
 * batched transactions, idempotent.
 *
 *   callsift import FILE --format ftc-dnc|csv|jsonl [--source NAME]
 *                   [--category C] [--time WHEN] [--region CC]
 *                   [--batch N] [--ack-file F] [--db PATH]
 *
 * Flow: read the file in large blocks, split lines, turn each row into a
 * struct sift_report (key as E.164, a dedupe key from the row's
 * identity), and hand batches of --batch rows (default 100,000) to
 * sift_store_add_reports(), which commits each batch as one transaction.
 * After each commit the count of input rows acknowledged so far goes to
 * the --ack-file (one line per commit, written with write(2), so it is in
 * the kernel before the next batch starts): every row up to that count is
 * in the store even if the process is killed right after.
 *
 * Idempotence: the dedupe key is the row's id column when the file has
 * one; otherwise its identity (ftc-dnc: the E.164 number, with the
 * complaint date when the file has one; csv/jsonl: a hash of the row's
 * fields) plus "#k" for its k-th occurrence in the file, so a number
 * reported 266 times is 266 reports, and importing the same file again
 * adds nothing. The store ignores a (source, dedupe) it already holds.
 *
 * Reporter: a row's reporter column when given; otherwise each row is
 * its own anonymous reporter ("SOURCE:DEDUPE", hashed) - an FTC row is
 * one consumer's complaint.
 *
 * A progress line (count, rate, percent, ETA) is drawn on stderr when it
 * is a terminal; the summary line goes to stdout. Documented in
 * docs/cli/import.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util/file.h"
#include "util/util.h"

#define BATCH_DEFAULT 100000
#define BATCH_MAX     1000000
#define LINE_MAX_LEN  (128 * 1024)
#define BLOCK         (1024 * 1024)
#define POOL_SIZE     (16 * 1024 * 1024)
#define MAX_FIELDS    32

static const char usage_text[] =
    "usage: callsift import FILE --format ftc-dnc|csv|jsonl [--source NAME]\n"
    "                       [--category C] [--time WHEN] [--region CC]\n"
    "                       [--batch N] [--ack-file F] [--db PATH]\n"
    "\n"
    "Import reports in bulk. Importing the same file again adds nothing.\n"
    "\n"
    "formats:\n"
    "  ftc-dnc   the FTC Do-Not-Call reported numbers: a 'pattern' column\n"
    "            (digits only), or the FTC's own CSV (Company_Phone_Number,\n"
    "            Created_Date, Subject, Recorded_Message_Or_Robocall)\n"
    "  csv       a header row naming columns: number (required), category,\n"
    "            time, comment, reporter, id\n"
    "  jsonl     one object per line with the same keys\n"
    "\n"
    "options:\n"
    "  --source NAME    reports come from import:NAME (ftc-dnc: ftc; else\n"
    "                   the file's name); the dedupe keys are per source\n"
    "  --category C     for rows without one (ftc-dnc: robocall)\n"
    "  --time WHEN      for rows without one: epoch seconds or YYYY-MM-DD\n"
    "                   (default: now)\n"
    "  --region CC      how national numbers are read (ftc-dnc: US; else\n"
    "                   $CALLSIFT_REGION or JP)\n"
    "  --batch N        rows per transaction (default 100000)\n"
    "  --ack-file F     after each commit, append the count of input rows\n"
    "                   committed so far to F\n"
    "  --db PATH        the store (default $CALLSIFT_DB or var/callsift.db)\n"
    "\n"
    "exit: 0 imported (rows with a bad number are skipped and counted),\n"
    "1 the file cannot be read or has no usable header, 2 usage error,\n"
    "3 the store failed.\n";

enum format { FMT_FTC, FMT_CSV, FMT_JSONL };

/* Column indices of a CSV header (-1: absent). */
struct columns {
    int number, category, time, comment, reporter, id, transcript;
    int robocall; /* FTC: Recorded_Message_Or_Robocall */
};

/* The occurrence counter: identity hash -> times seen in this file. */
struct seen {
    uint64_t *keys;
    uint32_t *counts;
    size_t cap, n;
};

struct import {
    enum format fmt;
    const char *source, *region;
    enum sift_report_category category;
    bool has_category;
    int64_t time;
    size_t batch;
    int ack_fd;
    struct sift_store *st;
    struct columns col;
    bool header_done;
    struct seen seen;
    /* the batch being built */
    struct sift_report *rows;
    size_t n_rows;
    char *pool;
    size_t pool_used;
    /* counts */
    unsigned long long lines, added, present, bad_number, bad_field;
    unsigned long long acked;
    /* progress */
    bool tty;
    off_t size, done_bytes;
    struct timespec start, last_draw;
    struct sift_err err;
};

static double since(const struct timespec *a)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - a->tv_sec) +
           (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

/* ---- the occurrence counter ------------------------------------------ */

static uint64_t hash64(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? h : 1;
}

/* Count one more occurrence of key; returns the new count, 0 on ENOMEM. */
static uint32_t seen_bump(struct seen *s, uint64_t key)
{
    size_t i;

    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1 << 16;
        uint64_t *k = calloc(cap, sizeof(*k));
        uint32_t *c = calloc(cap, sizeof(*c));
        if (k == NULL || c == NULL) {
            free(k);
            free(c);
            return 0;
        }
        for (size_t j = 0; j < s->cap; j++) {
            if (s->keys[j] == 0)
                continue;
            for (i = s->keys[j] & (cap - 1); k[i] != 0; i = (i + 1) & (cap - 1))
                ;
            k[i] = s->keys[j];
            c[i] = s->counts[j];
        }
        free(s->keys);
        free(s->counts);
        s->keys = k;
        s->counts = c;
        s->cap = cap;
    }
    for (i = key & (s->cap - 1); s->keys[i] != 0 && s->keys[i] != key;
         i = (i + 1) & (s->cap - 1))
        ;
    if (s->keys[i] == 0) {
        s->keys[i] = key;
        s->n++;
    }
    return ++s->counts[i];
}

/* ---- the batch ------------------------------------------------------- */

/* Copy a slice into the batch's pool, NUL-terminated. */
static const char *pool_put(struct import *im, const char *s, size_t len)
{
    char *p = im->pool + im->pool_used;

    memcpy(p, s, len);
    p[len] = '\0';
    im->pool_used += len + 1;
    return p;
}

static void draw_progress(struct import *im, bool final)
{
    double t = since(&im->start);
    double rate = t > 0 ? (double)im->lines / t : 0;

    if (!im->tty)
        return;
    if (final) {
        fputs("\r\033[K", stderr);
        return;
    }
    if (im->size > 0 && im->done_bytes > 0) {
        double frac = (double)im->done_bytes / (double)im->size;
        double eta = frac > 0 ? t / frac - t : 0;
        int width = 24, fill = (int)(frac * width);
        fprintf(stderr,
                "\r[%.*s%*s] %3.0f%%  %llu rows  %.0f rows/s  ETA %.0f s"
                "\033[K",
                fill, "########################", width - fill, "", frac * 100,
                im->lines, rate, eta < 0 ? 0 : eta);
    } else {
        fprintf(stderr, "\r%llu rows  %.0f rows/s\033[K", im->lines, rate);
    }
    clock_gettime(CLOCK_MONOTONIC, &im->last_draw);
}

/* Commit the batch; then acknowledge every input row read so far but the
 * `pending` one being turned into the next batch's first report. */
static int flush(struct import *im, unsigned pending)
{
    size_t added = 0;

    if (im->n_rows > 0) {
        if (sift_store_add_reports(im->st, im->rows, im->n_rows, &added,
                                   &im->err) != SIFT_OK)
            return -1;
        im->added += added;
        im->present += im->n_rows - added;
    }
    im->n_rows = 0;
    im->pool_used = 0;
    im->acked = im->lines - pending;
    if (im->ack_fd >= 0) {
        char line[32];
        int n = snprintf(line, sizeof(line), "%llu\n", im->acked);
        if (write(im->ack_fd, line, (size_t)n) != n)
            return -1;
    }
    return 0;
}

/* A row's fields, borrowed until the next line. */
struct row {
    struct sift_str number, category, time, comment, reporter, id, transcript;
    char robocall;         /* 'Y', 'N' or 0 */
    struct sift_str ident; /* extra identity for ftc (the date) */
};

static bool str_eq_ci(struct sift_str s, const char *lit)
{
    size_t n = strlen(lit);

    if (s.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (sift__ascii_lower((unsigned char)s.p[i]) != lit[i])
            return false;
    return true;
}

/* Decimal and zero-padded hex without printf: these run for every row
 * and write the very bytes "%lld" and "%016llx" would (the dedupe keys
 * of earlier imports must not change). */
static void add_dec(struct sift__sbuf *sb, long long v)
{
    char buf[24];
    size_t i = sizeof(buf);
    unsigned long long u =
        v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        buf[--i] = '-';
    sift__sbuf_add(sb, buf + i, sizeof(buf) - i);
}

static void add_hex16(struct sift__sbuf *sb, uint64_t v)
{
    char buf[16];

    for (int i = 15; i >= 0; i--, v >>= 4)
        buf[i] = "0123456789abcdef"[v & 15];
    sift__sbuf_add(sb, buf, sizeof(buf));
}

/* Turn one row into a report in the batch. Returns -1 on a store error. */
static int add_row(struct import *im, const struct row *rw)
{
    struct sift_report *r;
    struct sift_number num;
    struct sift_err perr;
    char key[SIFT_KEY_MAX], ident[256], cat[24];
    struct sift_str dedupe;
    size_t need;
    const char *region = im->region;

    if (rw->number.len == 0 || rw->number.len >= SIFT_NUMBER_MAX_INPUT) {
        im->bad_number++;
        return 0;
    }
    /* FTC numbers are NANP digits; one that starts with a country's
     * calling code is taken as written with a plus. */
    sift_number_parse(&num, rw->number.p, rw->number.len, region, &perr);
    if (num.status != SIFT_NUMBER_OK || !num.possible) {
        im->bad_number++;
        return 0;
    }
    sift__strlcpy(key, num.e164, sizeof(key));
    need = strlen(key) + rw->comment.len + rw->transcript.len + 2 * 256 + 8;
    if (rw->comment.len > SIFT_COMMENT_MAX ||
        rw->transcript.len > SIFT_TRANSCRIPT_MAX) {
        im->bad_field++;
        return 0;
    }
    if (im->n_rows == im->batch || im->pool_used + need > POOL_SIZE) {
        if (flush(im, 1) != 0)
            return -1;
    }
    r = &im->rows[im->n_rows];
    memset(r, 0, sizeof(*r));
    r->category = im->category;
    if (rw->category.len > 0) {
        if (rw->category.len >= sizeof(cat)) {
            im->bad_field++;
            return 0;
        }
        for (size_t i = 0; i < rw->category.len; i++)
            cat[i] = (char)sift__ascii_lower((unsigned char)rw->category.p[i]);
        cat[rw->category.len] = '\0';
        if (!sift_category_parse(cat, &r->category)) {
            im->bad_field++;
            return 0;
        }
    } else if (rw->robocall == 'N') {
        r->category = SIFT_CAT_TELEMARKETING;
    } else if (!im->has_category) {
        im->bad_field++;
        return 0;
    }
    r->time = im->time;
    if (rw->time.len > 0 &&
        !sift_cli_parse_time(rw->time.p, rw->time.len, &r->time)) {
        im->bad_field++;
        return 0;
    }
    /* The dedupe key: the id column, else identity + "#occurrence". */
    if (rw->id.len > 0) {
        if (rw->id.len >= sizeof(ident)) {
            im->bad_field++;
            return 0;
        }
        dedupe = rw->id;
    } else {
        struct sift__sbuf sb;
        uint32_t k;
        sift__sbuf_init(&sb, ident, sizeof(ident));
        if (im->fmt == FMT_FTC) {
            sift__sbuf_adds(&sb, key);
            if (rw->ident.len > 0) {
                sift__sbuf_addc(&sb, '@');
                sift__sbuf_add(&sb, rw->ident.p, rw->ident.len);
            }
        } else {
            /* every field that says what was reported, hashed */
            uint64_t h =
                hash64(rw->comment.p ? rw->comment.p : "", rw->comment.len) ^
                hash64(rw->transcript.p ? rw->transcript.p : "",
                       rw->transcript.len) *
                    3 ^
                hash64(rw->reporter.p ? rw->reporter.p : "", rw->reporter.len) *
                    5;
            sift__sbuf_adds(&sb, key);
            sift__sbuf_addc(&sb, '@');
            add_dec(&sb, (long long)r->time);
            sift__sbuf_addc(&sb, '/');
            add_dec(&sb, (long long)r->category);
            sift__sbuf_addc(&sb, '/');
            add_hex16(&sb, h);
        }
        if (sb.len >= sizeof(ident) - 12) {
            im->bad_field++;
            return 0;
        }
        k = seen_bump(&im->seen, hash64(ident, sb.len));
        if (k == 0) {
            sift__err_set(&im->err, SIFT_ENOMEM, NULL, "out of memory");
            return -1;
        }
        sift__sbuf_addc(&sb, '#');
        add_dec(&sb, (long long)k);
        dedupe.p = ident;
        dedupe.len = sb.len;
    }
    r->key = pool_put(im, key, strlen(key));
    r->dedupe = pool_put(im, dedupe.p, dedupe.len);
    if (rw->comment.len > 0)
        r->comment = pool_put(im, rw->comment.p, rw->comment.len);
    if (rw->transcript.len > 0)
        r->transcript = pool_put(im, rw->transcript.p, rw->transcript.len);
    r->source = im->source;
    if (rw->reporter.len > 0) {
        sift_store_reporter_hash(im->st, rw->reporter.p, rw->reporter.len,
                                 r->reporter);
    } else {
        char who[512];
        struct sift__sbuf sb;
        sift__sbuf_init(&sb, who, sizeof(who));
        sift__sbuf_adds(&sb, im->source);
        sift__sbuf_addc(&sb, ':');
        sift__sbuf_adds(&sb, r->dedupe);
        sift_store_reporter_hash(
            im->st, who, sb.len < sizeof(who) ? sb.len : sizeof(who) - 1,
            r->reporter);
    }
    im->n_rows++;
    return 0;
}

/* ---- CSV ------------------------------------------------------------- */

/* Split a CSV line (RFC 4180 quoting, unescaped in place). Returns the
 * number of fields, or -1 for a broken quote. */
static int csv_split(char *line, size_t len, struct sift_str *f, int max)
{
    size_t i = 0;
    int n = 0;

    for (;;) {
        char *out, *start;
        if (n == max)
            return n;
        if (i < len && line[i] == '"') {
            start = out = line + i;
            i++;
            for (;;) {
                if (i >= len)
                    return -1;
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        *out++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *out++ = line[i++];
            }
            f[n].p = start;
            f[n].len = (size_t)(out - start);
            if (i < len && line[i] != ',')
                return -1;
        } else {
            start = line + i;
            while (i < len && line[i] != ',')
                i++;
            f[n].p = start;
            f[n].len = (size_t)(line + i - start);
        }
        f[n] = sift__str_trim(f[n]);
        n++;
        if (i >= len)
            return n;
        i++; /* the comma */
    }
}

static struct sift_str field(const struct sift_str *f, int n, int ix)
{
    struct sift_str none = {NULL, 0};
    return ix >= 0 && ix < n ? f[ix] : none;
}

/* Read the header of a CSV (or FTC) file. false: no number column. */
static bool csv_header(struct import *im, const struct sift_str *f, int n)
{
    struct columns *c = &im->col;

    c->number = c->category = c->time = c->comment = c->reporter = c->id =
        c->transcript = c->robocall = -1;
    for (int i = 0; i < n; i++) {
        struct sift_str h = f[i];
        if (str_eq_ci(h, "number") || str_eq_ci(h, "pattern") ||
            str_eq_ci(h, "company_phone_number") || str_eq_ci(h, "key") ||
            str_eq_ci(h, "phone"))
            c->number = i;
        else if (str_eq_ci(h, "category"))
            c->category = i;
        else if (str_eq_ci(h, "time") || str_eq_ci(h, "created_date"))
            c->time = i;
        else if (str_eq_ci(h, "comment") || str_eq_ci(h, "subject"))
            c->comment = i;
        else if (str_eq_ci(h, "reporter"))
            c->reporter = i;
        else if (str_eq_ci(h, "id"))
            c->id = i;
        else if (str_eq_ci(h, "transcript") || str_eq_ci(h, "text"))
            c->transcript = i;
        else if (str_eq_ci(h, "recorded_message_or_robocall"))
            c->robocall = i;
    }
    return c->number >= 0;
}

static int csv_line(struct import *im, char *line, size_t len)
{
    struct sift_str f[MAX_FIELDS];
    struct row rw = {0};
    int n = csv_split(line, len, f, MAX_FIELDS);

    if (!im->header_done) {
        im->header_done = true;
        /* The FTC snapshot may come without a header: digits only. */
        if (im->fmt == FMT_FTC && n == 1 && len > 0 &&
            sift__is_digit((unsigned char)line[0])) {
            im->col.number = 0;
            im->col.category = im->col.time = im->col.comment = -1;
            im->col.reporter = im->col.id = im->col.transcript = -1;
            im->col.robocall = -1;
        } else {
            if (n < 1 || !csv_header(im, f, n)) {
                sift__err_set(&im->err, SIFT_EPARSE, "line 1",
                              "the header names no number column (number, "
                              "pattern or Company_Phone_Number)");
                return -1;
            }
            return 0;
        }
    }
    im->lines++;
    if (n < 0) {
        im->bad_field++;
        return 0;
    }
    rw.number = field(f, n, im->col.number);
    rw.category = field(f, n, im->col.category);
    rw.time = field(f, n, im->col.time);
    rw.comment = field(f, n, im->col.comment);
    rw.reporter = field(f, n, im->col.reporter);
    rw.id = field(f, n, im->col.id);
    rw.transcript = field(f, n, im->col.transcript);
    if (im->col.robocall >= 0 && im->col.robocall < n &&
        f[im->col.robocall].len > 0)
        rw.robocall = f[im->col.robocall].p[0] == 'N' ? 'N' : 'Y';
    if (im->fmt == FMT_FTC)
        rw.ident = rw.time; /* the complaint date, when the file has one */
    return add_row(im, &rw);
}

/* ---- JSON lines ------------------------------------------------------ */

static struct sift_str json_field(json_t *obj, const char *name, char *buf,
                                  size_t size, bool *bad)
{
    json_t *v = json_object_get(obj, name);
    struct sift_str s = {NULL, 0};

    if (v == NULL || json_is_null(v))
        return s;
    if (json_is_string(v)) {
        s.p = json_string_value(v);
        s.len = json_string_length(v);
    } else if (json_is_integer(v)) {
        int n = snprintf(buf, size, "%lld", (long long)json_integer_value(v));
        s.p = buf;
        s.len = (size_t)n;
    } else {
        *bad = true;
    }
    return s;
}

static int jsonl_line(struct import *im, const char *line, size_t len)
{
    json_error_t jerr;
    json_t *obj;
    struct row rw = {0};
    char tbuf[32], ibuf[32];
    bool bad = false;
    int rc;

    im->lines++;
    obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (obj == NULL || !json_is_object(obj)) {
        json_decref(obj);
        im->bad_field++;
        return 0;
    }
    rw.number = json_field(obj, "number", NULL, 0, &bad);
    if (rw.number.len == 0)
        rw.number = json_field(obj, "from", NULL, 0, &bad);
    rw.category = json_field(obj, "category", NULL, 0, &bad);
    rw.time = json_field(obj, "time", tbuf, sizeof(tbuf), &bad);
    rw.comment = json_field(obj, "comment", NULL, 0, &bad);
    rw.transcript = json_field(obj, "transcript", NULL, 0, &bad);
    if (rw.transcript.len == 0)
        rw.transcript = json_field(obj, "text", NULL, 0, &bad);
    rw.reporter = json_field(obj, "reporter", NULL, 0, &bad);
    rw.id = json_field(obj, "id", ibuf, sizeof(ibuf), &bad);
    if (bad) {
        im->bad_field++;
        rc = 0;
    } else {
        rc = add_row(im, &rw);
    }
    json_decref(obj);
    return rc;
}

/* ---- the file ------------------------------------------------------- */

static int one_line(struct import *im, char *line, size_t len)
{
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    if (len == 0)
        return 0;
    if (im->fmt == FMT_JSONL)
        return jsonl_line(im, line, len);
    return csv_line(im, line, len);
}

static int read_file(struct import *im, int fd)
{
    char *buf = malloc(BLOCK + LINE_MAX_LEN);
    size_t have = 0;
    bool skipping = false; /* inside a line over LINE_MAX_LEN */
    int rc = 0;

    if (buf == NULL) {
        sift__err_set(&im->err, SIFT_ENOMEM, NULL, "out of memory");
        return -1;
    }
    for (;;) {
        ssize_t got = read(fd, buf + have, BLOCK + LINE_MAX_LEN - have);
        size_t start = 0;
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            sift__err_set(&im->err, SIFT_EIO, NULL, "read: %s",
                          strerror(errno));
            rc = -1;
            break;
        }
        im->done_bytes += got;
        have += (size_t)got;
        for (;;) {
            char *nl = memchr(buf + start, '\n', have - start);
            if (nl == NULL)
                break;
            if (skipping) {
                skipping = false;
            } else {
                rc = one_line(im, buf + start, (size_t)(nl - (buf + start)));
                if (rc != 0)
                    goto out;
            }
            start = (size_t)(nl - buf) + 1;
            if ((im->lines & 8191) == 0 && im->tty &&
                since(&im->last_draw) > 0.1)
                draw_progress(im, false);
        }
        memmove(buf, buf + start, have - start);
        have -= start;
        if (got == 0) {
            if (have > 0 && !skipping)
                rc = one_line(im, buf, have);
            break;
        }
        if (have >= LINE_MAX_LEN) {
            /* an over-long line: count it and skip to its end */
            if (!skipping) {
                im->lines++;
                im->bad_field++;
            }
            skipping = true;
            have = 0;
        }
    }
out:
    free(buf);
    return rc;
}

static const char *default_source(const char *file, enum format fmt, char *buf,
                                  size_t size)
{
    const char *base = strrchr(file, '/');
    size_t len;

    if (fmt == FMT_FTC)
        return "import:ftc";
    base = base ? base + 1 : file;
    len = strcspn(base, ".");
    if (strcmp(file, "-") == 0 || len == 0)
        return "import:stdin";
    snprintf(buf, size, "import:%.*s", (int)len, base);
    return buf;
}

int sift_cli_import(int argc, char **argv)
{
    const char *file = NULL, *format = NULL, *source = NULL, *db = NULL;
    const char *category = NULL, *when = NULL, *region = NULL;
    const char *batch_arg = NULL, *ack = NULL;
    struct import im;
    char source_buf[128];
    struct stat sb;
    int fd = -1, status;
    double t;

    memset(&im, 0, sizeof(im));
    im.ack_fd = -1;
    {
        const struct sift_cli_opt opts[] = {{"--format", &format, NULL},
                                            {"--source", &source, NULL},
                                            {"--category", &category, NULL},
                                            {"--time", &when, NULL},
                                            {"--region", &region, NULL},
                                            {"--batch", &batch_arg, NULL},
                                            {"--ack-file", &ack, NULL},
                                            {"--db", &db, NULL},
                                            {NULL, NULL, NULL}};
        int rc = sift_cli_parse(argc, argv, "import", usage_text, opts, &file,
                                "FILE");

        if (rc >= 0)
            return rc;
    }
    if (file == NULL || format == NULL) {
        fprintf(stderr, "callsift import: FILE and --format are required\n\n%s",
                usage_text);
        return SIFT_EXIT_USAGE;
    }
    if (strcmp(format, "ftc-dnc") == 0)
        im.fmt = FMT_FTC;
    else if (strcmp(format, "csv") == 0)
        im.fmt = FMT_CSV;
    else if (strcmp(format, "jsonl") == 0)
        im.fmt = FMT_JSONL;
    else {
        fprintf(stderr, "callsift import: --format is ftc-dnc, csv or "
                        "jsonl\n");
        return SIFT_EXIT_USAGE;
    }
    im.batch = BATCH_DEFAULT;
    if (batch_arg != NULL) {
        unsigned long long n;
        if (!sift__parse_uint(batch_arg, BATCH_MAX, &n) || n == 0) {
            fprintf(stderr, "callsift import: --batch takes 1 to %d\n",
                    BATCH_MAX);
            return SIFT_EXIT_USAGE;
        }
        im.batch = (size_t)n;
    }
    if (category != NULL) {
        if (!sift_category_parse(category, &im.category)) {
            fprintf(stderr, "callsift import: unknown category '%s'\n",
                    category);
            return SIFT_EXIT_USAGE;
        }
        im.has_category = true;
    } else if (im.fmt == FMT_FTC) {
        im.category = SIFT_CAT_ROBOCALL;
        im.has_category = true;
    }
    im.time = (int64_t)time(NULL);
    if (when != NULL && !sift_cli_parse_time(when, strlen(when), &im.time)) {
        fprintf(stderr, "callsift import: --time takes epoch seconds or "
                        "YYYY-MM-DD\n");
        return SIFT_EXIT_USAGE;
    }
    im.region = region ? region
                       : (im.fmt == FMT_FTC ? "US" : sift_cli_default_region());
    if (source != NULL) {
        snprintf(source_buf, sizeof(source_buf), "import:%s", source);
        im.source = source_buf;
    } else {
        im.source =
            default_source(file, im.fmt, source_buf, sizeof(source_buf));
    }

    fd = strcmp(file, "-") == 0 ? 0 : open(file, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "callsift import: cannot open %s: %s\n", file,
                strerror(errno));
        return SIFT_EXIT_INPUT;
    }
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        im.size = sb.st_size;
    if (ack != NULL) {
        im.ack_fd = open(ack, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
        if (im.ack_fd < 0) {
            fprintf(stderr, "callsift import: cannot write %s: %s\n", ack,
                    strerror(errno));
            status = SIFT_EXIT_USAGE;
            goto out;
        }
    }
    im.rows = malloc(im.batch * sizeof(*im.rows));
    im.pool = malloc(POOL_SIZE);
    if (im.rows == NULL || im.pool == NULL) {
        fprintf(stderr, "callsift import: out of memory\n");
        status = SIFT_EXIT_INTERNAL;
        goto out;
    }
    status = sift_cli_store_open("import", db, &im.st);
    if (status != SIFT_EXIT_OK)
        goto out;
    im.tty = isatty(2) == 1;
    clock_gettime(CLOCK_MONOTONIC, &im.start);
    im.last_draw = im.start;
    if (read_file(&im, fd) != 0 || flush(&im, 0) != 0) {
        draw_progress(&im, true);
        fprintf(stderr, "callsift import: %s%s%s\n", im.err.where,
                im.err.where[0] ? ": " : "", im.err.msg);
        if (im.acked > 0)
            fprintf(stderr,
                    "callsift import: the first %llu rows are committed; "
                    "run the import again to finish\n",
                    im.acked);
        status =
            im.err.rc == SIFT_EPARSE ? SIFT_EXIT_INPUT : SIFT_EXIT_INTERNAL;
        goto out;
    }
    draw_progress(&im, true);
    t = since(&im.start);
    printf("imported %llu new reports, %llu already present, %llu rows "
           "skipped (bad number)",
           im.added, im.present, im.bad_number);
    if (im.bad_field > 0)
        printf(", %llu rows skipped (bad field)", im.bad_field);
    printf(" in %.2f s (%.0f rows/s)\n", t, t > 0 ? (double)im.lines / t : 0);
out:
    if (fd > 0)
        close(fd);
    if (im.ack_fd >= 0)
        close(im.ack_fd);
    sift_store_close(im.st);
    free(im.rows);
    free(im.pool);
    free(im.seen.keys);
    free(im.seen.counts);
    return status;
}
