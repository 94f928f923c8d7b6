/*
 * text_rules.c - load rules files (docs/rules-format.md) and compile every
 * pattern of every file into one vectorscan database.
 *
 *     NAME <TAB> WEIGHT <TAB> PATTERN <TAB> NOTE
 *
 * NAME is a signal TEXT_[A-Z0-9_]+ or an atom @[a-z0-9_]+; WEIGHT a
 * decimal, or `-` for an atom; PATTERN a "literal" (normalised here with
 * the same normaliser as the text, then escaped into a regex), a /regex/
 * (compiled as written, UTF-8 and caseless) or `when T, T` where each term
 * T is `A|B|...` of names; NOTE the source. Runs of TABs separate fields;
 * `#` starts a comment line.
 *
 * Names in `when` terms may be defined anywhere in the loaded files, so
 * they are resolved after every file is read; an unknown one is reported
 * at its own file:line:col. TEXT_REPEATED is name 0, fired by the
 * repetition detector and usable in `when` terms.
 *
 * Every error names the place as "file:line:col" (col counts code points
 * from 1) and stops the load: a broken rules file must stop the engine
 * from starting (issue 3 §10).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_int.h"

#define RULES_FILE_MAX  (16u * 1024 * 1024)
#define WEIGHT_MAX      1000.0
#define EVIDENCE_WINDOW 48 /* bytes before a regex match's end */

/* A string arena: blocks never move, so pointers into it stay valid. */
struct pool_block {
    struct pool_block *next;
    size_t used, size;
    char data[];
};

/* Patterns for one hs_compile_multi call. */
struct expr_set {
    char **exprs;
    unsigned *flags;
    unsigned *ids;
    size_t n, cap;
};

/* An unresolved name in a `when` term. */
struct pending_ref {
    uint32_t alt; /* index into rules->alts */
    uint32_t file, lineno, col;
    const char *name; /* into the pool */
};

struct loader {
    struct sift_text_rules *r;
    struct pool_block *pool;
    size_t cap_lines, cap_names, cap_terms, cap_alts, cap_refs, cap_when;
    struct pending_ref *refs;
    size_t n_refs;
    struct sift_text_norm norm; /* for literals */
    struct sift_err *err;
    unsigned flags; /* SIFT__RULES_* */
    /* the line being parsed */
    uint32_t file;
    uint32_t lineno;
    const char *line;
    /* patterns for hs_compile_multi: one per literal or regex line, and
     * the regexes again with start-of-match for evidence */
    struct expr_set main, som;
};

/* The rules struct keeps the arena head here so free can walk it. */
struct rules_priv {
    struct sift_text_rules pub;
    struct pool_block *pool;
};

static char *pool_add(struct loader *ld, const char *s, size_t len)
{
    struct pool_block *b = ld->pool;
    char *p;

    if (b == NULL || b->size - b->used < len + 1) {
        size_t size = len + 1 > 16384 ? len + 1 : 16384;

        b = sift_malloc(sizeof(*b) + size);
        if (b == NULL)
            return NULL;
        b->next = ld->pool;
        b->used = 0;
        b->size = size;
        ld->pool = b;
    }
    p = b->data + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

static bool grow(void **p, size_t *cap, size_t n, size_t elem)
{
    size_t c = *cap ? *cap * 2 : 64;
    void *q;

    if (n < *cap)
        return true;
    q = sift_realloc(*p, c * elem);
    if (q == NULL)
        return false;
    *p = q;
    *cap = c;
    return true;
}

#define GROW(ld, arr, cap, n)                                                  \
    grow((void **)&(arr), &(ld)->cap, (n), sizeof(*(arr)))

/* Code-point column (1-based) of byte offset off in the current line. */
static uint32_t col_of(const char *line, size_t off)
{
    uint32_t col = 1;

    for (size_t i = 0; i < off; i++)
        if (((unsigned char)line[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static enum sift_rc fail_at(struct loader *ld, enum sift_rc rc, uint32_t file,
                            uint32_t lineno, uint32_t col, const char *fmt, ...)
    SIFT_PRINTF(6, 7);

static enum sift_rc fail_at(struct loader *ld, enum sift_rc rc, uint32_t file,
                            uint32_t lineno, uint32_t col, const char *fmt, ...)
{
    char where[64], msg[256];
    const char *path = ld->r->files[file];
    va_list ap;
    int n;

    n = snprintf(where, sizeof(where), "%s:%u:%u", path, lineno, col);
    if (n < 0 || (size_t)n >= sizeof(where)) {
        /* Keep the line and column; shorten the path from the left. */
        const char *base = strrchr(path, '/');

        snprintf(where, sizeof(where), "%s:%u:%u", base ? base + 1 : path,
                 lineno, col);
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return sift__err_set(ld->err, rc, where, "%s", msg);
}

#define FAIL(ld, rc, off, ...)                                                 \
    fail_at((ld), (rc), (ld)->file, (ld)->lineno,                              \
            col_of((ld)->line, (size_t)(off)), __VA_ARGS__)

static int32_t find_name(const struct sift_text_rules *r, const char *s,
                         size_t len)
{
    for (size_t i = 0; i < r->n_names; i++)
        if (strncmp(r->names[i].name, s, len) == 0 &&
            r->names[i].name[len] == '\0')
            return (int32_t)i;
    return -1;
}

static int32_t add_name(struct loader *ld, const char *s, size_t len)
{
    struct sift_text_rules *r = ld->r;
    int32_t id = find_name(r, s, len);
    const char *copy;

    if (id >= 0)
        return id;
    if (!GROW(ld, r->names, cap_names, r->n_names))
        return -1;
    copy = pool_add(ld, s, len);
    if (copy == NULL)
        return -1;
    r->names[r->n_names].name = copy;
    r->names[r->n_names].atom = s[0] == '@';
    r->names[r->n_names].defined = false;
    return (int32_t)r->n_names++;
}

static bool valid_name(const char *s, size_t len)
{
    size_t i;

    if (len > 1 && s[0] == '@') {
        for (i = 1; i < len; i++)
            if (!((s[i] >= 'a' && s[i] <= 'z') || sift__is_digit(s[i]) ||
                  s[i] == '_'))
                return false;
        return true;
    }
    if (len <= 5 || memcmp(s, "TEXT_", 5) != 0)
        return false;
    for (i = 5; i < len; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || sift__is_digit(s[i]) ||
              s[i] == '_'))
            return false;
    return true;
}

/* A decimal: -?[0-9]+(\.[0-9]+)? within +-WEIGHT_MAX. */
static bool parse_weight(const char *s, size_t len, double *out)
{
    size_t i = 0;
    double v = 0, scale = 1;
    bool neg = false, digits = false;

    if (i < len && s[i] == '-') {
        neg = true;
        i++;
    }
    for (; i < len && sift__is_digit(s[i]); i++) {
        v = v * 10 + (s[i] - '0');
        digits = true;
        if (v > WEIGHT_MAX)
            return false;
    }
    if (!digits)
        return false;
    if (i < len && s[i] == '.') {
        i++;
        if (i == len || !sift__is_digit(s[i]))
            return false;
        for (; i < len && sift__is_digit(s[i]); i++) {
            scale /= 10;
            v += (s[i] - '0') * scale;
        }
    }
    if (i != len)
        return false;
    *out = neg ? -v : v;
    return true;
}

static enum sift_rc add_expr(struct expr_set *set, char *expr, unsigned flags,
                             unsigned id)
{
    if (set->n == set->cap) {
        size_t c = set->cap ? set->cap * 2 : 64;
        char **e = sift_realloc(set->exprs, c * sizeof(*e));
        unsigned *f, *i;

        if (e == NULL)
            goto nomem;
        set->exprs = e;
        f = sift_realloc(set->flags, c * sizeof(*f));
        if (f == NULL)
            goto nomem;
        set->flags = f;
        i = sift_realloc(set->ids, c * sizeof(*i));
        if (i == NULL)
            goto nomem;
        set->ids = i;
        set->cap = c;
    }
    set->exprs[set->n] = expr;
    set->flags[set->n] = flags;
    set->ids[set->n] = id;
    set->n++;
    return SIFT_OK;
nomem:
    sift_free(expr);
    return SIFT_ENOMEM;
}

static void expr_set_release(struct expr_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        sift_free(set->exprs[i]);
    sift_free(set->exprs);
    sift_free(set->flags);
    sift_free(set->ids);
}

/* "literal": unescape \" and \\, normalise, escape into a regex. */
static enum sift_rc parse_literal(struct loader *ld, const char *f, size_t flen,
                                  struct rule_line *rl)
{
    size_t off = (size_t)(f - ld->line), i, raw_len = 0;
    char raw[SIFT_TEXT_LINE_MAX];
    char *expr;
    enum sift_rc rc;
    size_t e = 0;

    for (i = 1; i < flen; i++) {
        if (f[i] == '\\' && i + 1 < flen &&
            (f[i + 1] == '"' || f[i + 1] == '\\')) {
            raw[raw_len++] = f[++i];
        } else if (f[i] == '"') {
            break;
        } else {
            raw[raw_len++] = f[i];
        }
    }
    if (i >= flen)
        return FAIL(ld, SIFT_EPARSE, off,
                    "unterminated literal: no closing '\"' before the NOTE "
                    "field");
    if (i != flen - 1)
        return FAIL(ld, SIFT_EPARSE, off + i + 1,
                    "text after the closing '\"' of the literal (is a TAB "
                    "missing?)");
    rc = sift_text_normalize(raw, raw_len, &ld->norm, NULL);
    if (rc)
        return FAIL(ld, rc, off, "cannot normalise the literal");
    if (ld->norm.len == 0)
        return FAIL(ld, SIFT_EPARSE, off, "empty literal");
    rl->kind = RULE_LITERAL;
    rl->lit_len = (uint32_t)ld->norm.len;
    expr = sift_malloc(ld->norm.len * 2 + 1);
    if (expr == NULL)
        return SIFT_ENOMEM;
    for (i = 0; i < ld->norm.len; i++) {
        unsigned char c = (unsigned char)ld->norm.text[i];

        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          sift__is_digit(c) || c == ' '))
            expr[e++] = '\\';
        expr[e++] = (char)c;
    }
    expr[e] = '\0';
    return add_expr(&ld->main, expr, HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH,
                    (unsigned)ld->r->n_lines);
}

/*
 * A trailing \b costs vectorscan a good part of a scan (a third of the
 * English rules' time on English text), yet at a match's end it is one
 * look at two bytes. When every top-level alternative of expr ends with
 * \b, take them off (in place) and return true: the scan then checks the
 * boundary at each reported end (text_scan.c), which is what \b means
 * there, so the rule fires on exactly the same texts. Alternatives are
 * split at '|' outside groups and classes; a backslash escapes the next
 * byte.
 */
static bool strip_end_word(char *expr)
{
    size_t len = strlen(expr), start = 0, cut[64], n_cut = 0;
    int depth = 0;
    bool cls = false;

    /* Syntax the split below does not follow (quoting, comments, inline
     * options, POSIX classes; docs/rules-format.md allows none of them):
     * leave such a pattern as written. */
    if (strstr(expr, "\\Q") || strstr(expr, "[:") || strstr(expr, "(?#"))
        return false;
    for (const char *q = expr; (q = strstr(q, "(?")) != NULL; q += 2)
        if (q[2] != ':')
            return false;
    for (size_t i = 0; i <= len; i++) {
        char c = expr[i];

        if (i < len && c == '\\') {
            i++;
            continue;
        }
        if (cls) {
            if (c == ']' && i > 0)
                cls = false;
            if (i == len)
                return false; /* unterminated: leave it to vectorscan */
            continue;
        }
        if (c == '[') {
            cls = true;
            /* a ']' right after "[" or "[^" is a member */
            if (expr[i + 1] == '^')
                i++;
            if (expr[i + 1] == ']')
                i++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
        } else if ((c == '|' && depth == 0) || i == len) {
            size_t bs = 0;

            /* ends with "\b" whose backslash is not itself escaped */
            if (i - start < 2 || expr[i - 1] != 'b' || n_cut == 64)
                return false;
            while (bs < i - 1 - start && expr[i - 2 - bs] == '\\')
                bs++;
            if (bs % 2 == 0)
                return false;
            cut[n_cut++] = i - 2;
            start = i + 1;
        }
    }
    if (depth != 0 || n_cut == 0)
        return false;
    /* Close the gaps, front to back. */
    {
        size_t w = 0, r = 0;

        for (size_t k = 0; k <= n_cut; k++) {
            size_t to = k < n_cut ? cut[k] : len;

            memmove(expr + w, expr + r, to - r);
            w += to - r;
            r = to + (k < n_cut ? 2 : 0);
        }
        expr[w] = '\0';
    }
    return true;
}

/* /regex/: the field is everything up to the next TAB; \/ means /. */
static enum sift_rc parse_regex(struct loader *ld, const char *f, size_t flen,
                                struct rule_line *rl)
{
    size_t off = (size_t)(f - ld->line), e = 0;
    char *expr;

    size_t n_bs = 0;

    while (flen >= 2 && n_bs < flen - 2 && f[flen - 2 - n_bs] == '\\')
        n_bs++;
    if (flen < 2 || f[flen - 1] != '/' || n_bs % 2 == 1)
        return FAIL(ld, SIFT_EPARSE, off,
                    "unterminated regex: the pattern field must end with '/'");
    if (flen == 2)
        return FAIL(ld, SIFT_EPARSE, off, "empty regex");
    expr = sift_malloc(flen);
    if (expr == NULL)
        return SIFT_ENOMEM;
    for (size_t i = 1; i < flen - 1; i++) {
        if (f[i] == '\\' && i + 1 < flen - 1) {
            if (f[i + 1] != '/')
                expr[e++] = f[i];
            expr[e++] = f[++i];
            continue;
        }
        expr[e++] = f[i];
    }
    expr[e] = '\0';
    /* The text is case-folded: an upper-case letter can never match. */
    for (size_t i = 0; i < e; i++) {
        if (expr[i] == '\\') {
            if (i + 2 < e && (expr[i + 1] == 'p' || expr[i + 1] == 'P') &&
                expr[i + 2] == '{') {
                while (i < e && expr[i] != '}')
                    i++;
            } else {
                i++;
            }
            continue;
        }
        if (expr[i] >= 'A' && expr[i] <= 'Z') {
            char c = expr[i];

            sift_free(expr);
            return FAIL(ld, SIFT_EPARSE, off + 1,
                        "regex has the upper-case letter '%c': text is "
                        "case-folded before matching, write lower case",
                        c);
        }
    }
    rl->kind = RULE_REGEX;
    /* Evidence: vectorscan reports where a match ends. Leftmost start of
     * match (HS_FLAG_SOM_LEFTMOST) doubled the scan time of the shipped
     * rules, so the start is taken as the pattern's maximum width before
     * the end (exact when every match has the same width), capped at
     * EVIDENCE_WINDOW bytes, and refined below when it can be. */
    {
        hs_expr_info_t *info = NULL;
        hs_compile_error_t *cerr = NULL;

        rl->lit_len = EVIDENCE_WINDOW;
        if (hs_expression_info(expr, HS_FLAG_UTF8, &info, &cerr) ==
            HS_SUCCESS) {
            if (info->max_width < EVIDENCE_WINDOW)
                rl->lit_len = info->max_width;
            free(info); /* vectorscan's own allocation */
        } else {
            enum sift_rc rc =
                FAIL(ld, SIFT_EPARSE, off, "vectorscan rejects the regex: %s",
                     cerr->message);

            hs_free_compile_error(cerr);
            sift_free(expr);
            return rc;
        }
    }
    /* Without bounded repeats, which make start-of-match tracking costly
     * to compile, the regex also goes into the evidence database
     * (text_scan.c refines the start of the strongest matches with it). */
    if (strchr(expr, '{') == NULL) {
        size_t el = strlen(expr);
        char *copy = sift_malloc(el + 1);
        enum sift_rc rc;

        if (copy == NULL) {
            sift_free(expr);
            return SIFT_ENOMEM;
        }
        memcpy(copy, expr, el + 1);
        rc = add_expr(&ld->som, copy, HS_FLAG_UTF8 | HS_FLAG_SOM_LEFTMOST,
                      (unsigned)ld->r->n_lines);
        if (rc) {
            sift_free(expr);
            return rc;
        }
        rl->som = true;
    }
    /* A regex checked at each end needs every end: no SINGLEMATCH. */
    if (!(ld->flags & SIFT__RULES_AS_WRITTEN) && strip_end_word(expr)) {
        rl->end_word = true;
        return add_expr(&ld->main, expr, HS_FLAG_UTF8,
                        (unsigned)ld->r->n_lines);
    }
    return add_expr(&ld->main, expr, HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH,
                    (unsigned)ld->r->n_lines);
}

/* when T, T, ...  with T = NAME|NAME|... */
static enum sift_rc parse_when(struct loader *ld, const char *f, size_t flen,
                               struct rule_line *rl)
{
    struct sift_text_rules *r = ld->r;
    size_t i = 4;

    rl->kind = RULE_WHEN;
    rl->term0 = (uint32_t)r->n_terms;
    rl->n_terms = 0;
    for (;;) {
        struct rule_term *t;

        if (!GROW(ld, r->terms, cap_terms, r->n_terms))
            return SIFT_ENOMEM;
        t = &r->terms[r->n_terms];
        t->alt0 = (uint32_t)r->n_alts;
        t->n_alts = 0;
        for (;;) {
            size_t s, e;
            const char *copy;

            while (i < flen && f[i] == ' ')
                i++;
            s = i;
            while (i < flen && f[i] != '|' && f[i] != ',' && f[i] != ' ')
                i++;
            e = i;
            while (i < flen && f[i] == ' ')
                i++;
            if (e == s)
                return FAIL(ld, SIFT_EPARSE, (f - ld->line) + s,
                            "empty term in `when`: expected @atom or "
                            "TEXT_NAME");
            if (!valid_name(f + s, e - s))
                return FAIL(ld, SIFT_EPARSE, (f - ld->line) + s,
                            "bad name '%.*s' in `when`: expected @atom or "
                            "TEXT_NAME",
                            (int)(e - s), f + s);
            if (!GROW(ld, r->alts, cap_alts, r->n_alts) ||
                !GROW(ld, ld->refs, cap_refs, ld->n_refs))
                return SIFT_ENOMEM;
            copy = pool_add(ld, f + s, e - s);
            if (copy == NULL)
                return SIFT_ENOMEM;
            ld->refs[ld->n_refs++] = (struct pending_ref){
                .alt = (uint32_t)r->n_alts,
                .file = ld->file,
                .lineno = ld->lineno,
                .col = col_of(ld->line, (size_t)(f - ld->line) + s),
                .name = copy};
            r->alts[r->n_alts++] = 0;
            t->n_alts++;
            if (i < flen && f[i] == '|') {
                i++;
                continue;
            }
            break;
        }
        r->n_terms++;
        rl->n_terms++;
        if (i >= flen)
            break;
        if (f[i] != ',')
            return FAIL(ld, SIFT_EPARSE, (f - ld->line) + i,
                        "expected ',' or '|' in `when`");
        i++;
    }
    if (!GROW(ld, r->when_lines, cap_when, r->n_when))
        return SIFT_ENOMEM;
    r->when_lines[r->n_when++] = (uint32_t)r->n_lines;
    return SIFT_OK;
}

/* Split off the next TAB-separated field starting at *pos. */
static bool next_field(const char *line, size_t len, size_t *pos,
                       const char **f, size_t *flen)
{
    size_t s = *pos, e;

    if (s >= len)
        return false;
    e = s;
    while (e < len && line[e] != '\t')
        e++;
    *f = line + s;
    *flen = e - s;
    while (e < len && line[e] == '\t')
        e++;
    *pos = e;
    return true;
}

static enum sift_rc parse_line(struct loader *ld, const char *line, size_t len)
{
    struct sift_text_rules *r = ld->r;
    struct rule_line rl = {0};
    const char *name, *weight, *pat, *note;
    size_t name_len, weight_len, pat_len, note_len, pos = 0, bad;
    enum sift_rc rc;
    int32_t id;

    ld->line = line;
    if (len > SIFT_TEXT_LINE_MAX)
        return FAIL(ld, SIFT_ETOOBIG, SIFT_TEXT_LINE_MAX,
                    "line is %zu bytes, over the limit of %d", len,
                    SIFT_TEXT_LINE_MAX);
    if (!sift__utf8_valid(line, len, &bad))
        return FAIL(ld, SIFT_EPARSE, bad, "invalid UTF-8");
    {
        size_t i = 0;

        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len || line[i] == '#')
            return SIFT_OK;
    }
    next_field(line, len, &pos, &name, &name_len);
    if (!valid_name(name, name_len))
        return FAIL(ld, SIFT_EPARSE, 0,
                    "bad NAME '%.*s': expected TEXT_[A-Z0-9_]+ or "
                    "@[a-z0-9_]+",
                    (int)(name_len > 40 ? 40 : name_len), name);
    if (name_len == strlen(SIFT_TEXT_REPEATED) &&
        memcmp(name, SIFT_TEXT_REPEATED, name_len) == 0)
        return FAIL(ld, SIFT_EPARSE, 0,
                    "TEXT_REPEATED is fired by the repetition detector; it "
                    "may be used in `when` terms but not defined");
    if (!next_field(line, len, &pos, &weight, &weight_len))
        return FAIL(ld, SIFT_EPARSE, len,
                    "missing field WEIGHT (fields are separated by TABs)");
    if (!next_field(line, len, &pos, &pat, &pat_len))
        return FAIL(ld, SIFT_EPARSE, len, "missing field PATTERN");
    if (pos >= len)
        return FAIL(ld, SIFT_EPARSE, len,
                    "missing field NOTE (the rule's source)");
    note = line + pos;
    note_len = len - pos;
    while (note_len > 0 && sift__is_space(note[note_len - 1]))
        note_len--;

    if (name[0] == '@') {
        if (weight_len != 1 || weight[0] != '-')
            return FAIL(ld, SIFT_EPARSE, weight - line,
                        "an atom's WEIGHT must be '-', not '%.*s'",
                        (int)(weight_len > 20 ? 20 : weight_len), weight);
        rl.weight = 0;
    } else if (!parse_weight(weight, weight_len, &rl.weight)) {
        return FAIL(ld, SIFT_EPARSE, weight - line,
                    "bad WEIGHT '%.*s': expected a decimal such as 2.5 "
                    "(within +-%g)",
                    (int)(weight_len > 20 ? 20 : weight_len), weight,
                    WEIGHT_MAX);
    }
    id = add_name(ld, name, name_len);
    if (id < 0)
        return SIFT_ENOMEM;
    r->names[id].defined = true;
    rl.name = (uint32_t)id;
    rl.file = ld->file;
    rl.lineno = ld->lineno;
    rl.col = col_of(line, (size_t)(pat - line));
    rl.note = pool_add(ld, note, note_len);
    if (rl.note == NULL)
        return SIFT_ENOMEM;
    if (!GROW(ld, r->lines, cap_lines, r->n_lines))
        return SIFT_ENOMEM;

    if (pat[0] == '"')
        rc = parse_literal(ld, pat, pat_len, &rl);
    else if (pat[0] == '/')
        rc = parse_regex(ld, pat, pat_len, &rl);
    else if (pat_len > 5 && memcmp(pat, "when ", 5) == 0)
        rc = parse_when(ld, pat, pat_len, &rl);
    else
        rc = FAIL(ld, SIFT_EPARSE, pat - line,
                  "PATTERN must be \"literal\", /regex/ or `when TERM, "
                  "TERM`");
    if (rc)
        return rc;
    r->lines[r->n_lines++] = rl;
    return SIFT_OK;
}

static enum sift_rc read_file(const char *path, char **out, size_t *out_len,
                              struct sift_err *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    enum sift_rc rc = SIFT_OK;

    if (fp == NULL)
        return sift__err_set(err, SIFT_EIO, path, "cannot open rules file: %s",
                             strerror(errno));
    for (;;) {
        size_t got;

        if (cap - len < 65536) {
            char *p;

            cap = cap ? cap * 2 : 65536;
            if (cap > RULES_FILE_MAX + 65536) {
                rc = sift__err_set(err, SIFT_ETOOBIG, path,
                                   "rules file over %u bytes", RULES_FILE_MAX);
                goto out;
            }
            p = sift_realloc(buf, cap);
            if (p == NULL) {
                rc = sift__err_set(err, SIFT_ENOMEM, path, "out of memory");
                goto out;
            }
            buf = p;
        }
        got = fread(buf + len, 1, cap - len - 1, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(fp))
        rc = sift__err_set(err, SIFT_EIO, path, "cannot read rules file");
out:
    fclose(fp);
    if (rc) {
        sift_free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return SIFT_OK;
}

static enum sift_rc parse_buffer(struct loader *ld, const char *buf, size_t len)
{
    size_t pos = 0;

    ld->lineno = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a byte-order mark */
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len, l = end - pos;
        enum sift_rc rc;

        ld->lineno++;
        if (l > 0 && buf[pos + l - 1] == '\r')
            l--;
        rc = parse_line(ld, buf + pos, l);
        if (rc)
            return rc;
        pos = end + 1;
    }
    return SIFT_OK;
}

static enum sift_rc resolve_refs(struct loader *ld)
{
    struct sift_text_rules *r = ld->r;

    for (size_t i = 0; i < ld->n_refs; i++) {
        const struct pending_ref *p = &ld->refs[i];
        int32_t id = find_name(r, p->name, strlen(p->name));

        if (id < 0 || !r->names[id].defined)
            return fail_at(ld, SIFT_EPARSE, p->file, p->lineno, p->col,
                           "unknown %s '%s' in `when`: no line defines it",
                           p->name[0] == '@' ? "atom" : "signal", p->name);
        r->alts[p->alt] = (uint32_t)id;
    }
    return SIFT_OK;
}

/* FNV-1a, 64 bits: the cache key over everything compilation sees. */
static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
    const unsigned char *u = p;

    for (size_t i = 0; i < len; i++) {
        h ^= u[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t compile_key(const struct expr_set *set)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const char *v = hs_version();

    h = fnv(h, v, strlen(v) + 1);
    for (size_t i = 0; i < set->n; i++) {
        h = fnv(h, set->exprs[i], strlen(set->exprs[i]) + 1);
        h = fnv(h, &set->flags[i], sizeof(set->flags[i]));
        h = fnv(h, &set->ids[i], sizeof(set->ids[i]));
    }
    return h;
}

/* Load a serialized database from path; false when absent or stale. */
static bool cache_read(const char *path, hs_database_t **db)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long size;
    bool ok = false;

    if (fp == NULL)
        return false;
    if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) <= 0 ||
        size > 256L * 1024 * 1024 || fseek(fp, 0, SEEK_SET) != 0)
        goto out;
    buf = sift_malloc((size_t)size);
    if (buf == NULL || fread(buf, 1, (size_t)size, fp) != (size_t)size)
        goto out;
    ok = hs_deserialize_database(buf, (size_t)size, db) == HS_SUCCESS;
out:
    sift_free(buf);
    fclose(fp);
    return ok;
}

/* Write the database to path atomically (a temporary file renamed);
 * failures are ignored: the cache only saves time. */
static void cache_write(const char *path, const hs_database_t *db)
{
    char tmp[4096 + 16], *bytes = NULL;
    size_t len = 0;
    FILE *fp;
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    if (n < 0 || (size_t)n >= sizeof(tmp) ||
        hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
        return;
    fp = fopen(tmp, "wb");
    if (fp != NULL) {
        bool ok = fwrite(bytes, 1, len, fp) == len;

        if (fclose(fp) != 0)
            ok = false;
        if (!ok || rename(tmp, path) != 0)
            remove(tmp);
    }
    free(bytes); /* vectorscan's own allocation */
}

/* Compile a pattern set into *db, or take it from the cache. A pattern
 * vectorscan rejects is named by its file:line:col. */
static enum sift_rc compile_set(struct loader *ld, const struct expr_set *set,
                                const char *cache_dir, hs_database_t **db,
                                bool *from_cache)
{
    struct sift_text_rules *r = ld->r;
    hs_compile_error_t *cerr = NULL;
    char cache_path[4096];

    cache_path[0] = '\0';
    *from_cache = false;
    if (set->n == 0)
        return SIFT_OK;
    if (cache_dir != NULL && cache_dir[0] != '\0') {
        int n = snprintf(cache_path, sizeof(cache_path),
                         "%s/callsift-rules-%016llx.hsdb", cache_dir,
                         (unsigned long long)compile_key(set));

        if (n < 0 || (size_t)n >= sizeof(cache_path))
            cache_path[0] = '\0';
        else if (cache_read(cache_path, db))
            *from_cache = true;
    }
    if (*db == NULL) {
        if (hs_compile_multi((const char *const *)set->exprs, set->flags,
                             set->ids, (unsigned)set->n, HS_MODE_BLOCK, NULL,
                             db, &cerr) != HS_SUCCESS) {
            enum sift_rc rc;

            *db = NULL;
            if (cerr->expression >= 0 && (size_t)cerr->expression < set->n &&
                set->ids[cerr->expression] >= SIFT__LIT_ID) {
                rc = sift__err_set(ld->err, SIFT_EPARSE, NULL,
                                   "vectorscan rejects literal %u: %s",
                                   set->ids[cerr->expression] - SIFT__LIT_ID,
                                   cerr->message);
            } else if (cerr->expression >= 0 &&
                       (size_t)cerr->expression < set->n) {
                const struct rule_line *rl =
                    &r->lines[set->ids[cerr->expression]];

                rc = fail_at(ld, SIFT_EPARSE, rl->file, rl->lineno, rl->col,
                             "vectorscan rejects the pattern: %s",
                             cerr->message);
            } else {
                rc = sift__err_set(ld->err, SIFT_EPARSE, NULL,
                                   "vectorscan cannot compile the rules: %s",
                                   cerr->message);
            }
            hs_free_compile_error(cerr);
            return rc;
        }
        if (cache_path[0] != '\0')
            cache_write(cache_path, *db);
    }
    return SIFT_OK;
}

/* The caller's literals into the main set: every byte but a-z and 0-9
 * written as \xHH, compiled byte-exact (no HS_FLAG_UTF8) and without
 * SINGLEMATCH, so every occurrence is reported. */
static enum sift_rc add_literals(struct loader *ld,
                                 const struct sift_text_literal *lits, size_t n)
{
    struct sift_text_rules *r = ld->r;
    static const char hex[] = "0123456789abcdef";

    if (n == 0)
        return SIFT_OK;
    if (n >= SIFT__LIT_ID)
        return sift__err_set(ld->err, SIFT_ETOOBIG, NULL, "too many literals");
    r->lit_len = sift_calloc(n, sizeof(*r->lit_len));
    r->lit_flags = sift_calloc(n, sizeof(*r->lit_flags));
    if (r->lit_len == NULL || r->lit_flags == NULL)
        return SIFT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *t = (const unsigned char *)lits[i].text;
        size_t len = lits[i].len, e = 0;
        char *expr;
        enum sift_rc rc;

        if (t == NULL || len == 0 || len > SIFT_TEXT_LINE_MAX)
            return sift__err_set(ld->err, SIFT_EINVAL, NULL,
                                 "literal %zu is empty or longer than %d "
                                 "bytes",
                                 i, SIFT_TEXT_LINE_MAX);
        expr = sift_malloc(len * 4 + 1);
        if (expr == NULL)
            return SIFT_ENOMEM;
        for (size_t k = 0; k < len; k++) {
            if ((t[k] >= 'a' && t[k] <= 'z') || sift__is_digit(t[k])) {
                expr[e++] = (char)t[k];
            } else {
                expr[e++] = '\\';
                expr[e++] = 'x';
                expr[e++] = hex[t[k] >> 4];
                expr[e++] = hex[t[k] & 15];
            }
        }
        expr[e] = '\0';
        rc = add_expr(&ld->main, expr, 0, SIFT__LIT_ID + (unsigned)i);
        if (rc)
            return rc;
        r->lit_len[i] = (uint32_t)len;
        r->lit_flags[i] =
            (uint8_t)((lits[i].latin_start ? SIFT__LIT_LATIN_START : 0) |
                      (lits[i].latin_end ? SIFT__LIT_LATIN_END : 0));
    }
    return SIFT_OK;
}

static enum sift_rc compile(struct loader *ld, const char *cache_dir)
{
    struct sift_text_rules *r = ld->r;
    bool cached_main = false, cached_som = false;
    enum sift_rc rc;

    rc = compile_set(ld, &ld->main, cache_dir, &r->db, &cached_main);
    if (rc == SIFT_OK)
        rc = compile_set(ld, &ld->som, cache_dir, &r->som_db, &cached_som);
    if (rc)
        return rc;
    r->from_cache = cached_main && (cached_som || ld->som.n == 0);
    if ((r->db && hs_alloc_scratch(r->db, &r->proto) != HS_SUCCESS) ||
        (r->som_db && hs_alloc_scratch(r->som_db, &r->som_proto) != HS_SUCCESS))
        return sift__err_set(ld->err, SIFT_ENOMEM, NULL,
                             "cannot allocate vectorscan scratch");
    return SIFT_OK;
}

enum sift_rc sift_text_rules_load(struct sift_text_rules **out,
                                  const char *const *paths, size_t n_paths,
                                  struct sift_err *err)
{
    return sift_text_rules_load_cached(out, paths, n_paths, NULL, err);
}

bool sift_text_rules_from_cache(const struct sift_text_rules *rules)
{
    return rules != NULL && rules->from_cache;
}

static enum sift_rc load(struct sift_text_rules **out, const char *const *paths,
                         size_t n_paths, const struct sift_text_literal *lits,
                         size_t n_lits, const char *cache_dir, unsigned flags,
                         struct sift_err *err);

enum sift_rc sift_text_rules_load_cached(struct sift_text_rules **out,
                                         const char *const *paths,
                                         size_t n_paths, const char *cache_dir,
                                         struct sift_err *err)
{
    return load(out, paths, n_paths, NULL, 0, cache_dir, 0, err);
}

enum sift_rc sift_text_rules_load_with(struct sift_text_rules **out,
                                       const char *const *paths, size_t n_paths,
                                       const struct sift_text_literal *lits,
                                       size_t n_lits, const char *cache_dir,
                                       struct sift_err *err)
{
    return load(out, paths, n_paths, lits, n_lits, cache_dir, 0, err);
}

enum sift_rc sift__text_rules_load(struct sift_text_rules **out,
                                   const char *const *paths, size_t n_paths,
                                   const char *cache_dir, unsigned flags,
                                   struct sift_err *err)
{
    return load(out, paths, n_paths, NULL, 0, cache_dir, flags, err);
}

static enum sift_rc load(struct sift_text_rules **out, const char *const *paths,
                         size_t n_paths, const struct sift_text_literal *lits,
                         size_t n_lits, const char *cache_dir, unsigned flags,
                         struct sift_err *err)
{
    struct rules_priv *priv;
    struct sift_text_rules *r;
    struct loader ld = {0};
    enum sift_rc rc = SIFT_OK;
    char *buf = NULL;

    *out = NULL;
    sift__err_clear(err);
    if (paths == NULL && n_paths > 0)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no rules paths");
    priv = sift_calloc(1, sizeof(*priv));
    if (priv == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    r = &priv->pub;
    r->repeated_weight = SIFT_TEXT_REPEATED_WEIGHT_DEFAULT;
    ld.r = r;
    ld.err = err;
    ld.flags = flags;
    sift_text_norm_init(&ld.norm, SIFT_TEXT_LINE_MAX);
    r->files = sift_calloc(n_paths ? n_paths : 1, sizeof(*r->files));
    if (r->files == NULL ||
        add_name(&ld, SIFT_TEXT_REPEATED, strlen(SIFT_TEXT_REPEATED)) != 0) {
        rc = SIFT_ENOMEM;
        goto out;
    }
    r->names[0].defined = true;
    for (size_t i = 0; i < n_paths; i++) {
        size_t len = 0, plen = strlen(paths[i]);

        r->files[i] = sift_malloc(plen + 1);
        if (r->files[i] == NULL) {
            rc = SIFT_ENOMEM;
            goto out;
        }
        memcpy(r->files[i], paths[i], plen + 1);
        r->n_files++;
        rc = read_file(paths[i], &buf, &len, err);
        if (rc)
            goto out;
        ld.file = (uint32_t)i;
        rc = parse_buffer(&ld, buf, len);
        sift_free(buf);
        buf = NULL;
        if (rc)
            goto out;
    }
    rc = resolve_refs(&ld);
    if (rc)
        goto out;
    if (n_lits > 0 && lits == NULL) {
        rc = sift__err_set(err, SIFT_EINVAL, NULL, "no literals");
        goto out;
    }
    rc = add_literals(&ld, lits, n_lits);
    if (rc)
        goto out;
    rc = compile(&ld, cache_dir);
out:
    if (rc == SIFT_ENOMEM && (err == NULL || err->rc != SIFT_ENOMEM))
        sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory loading rules");
    expr_set_release(&ld.main);
    expr_set_release(&ld.som);
    sift_free(ld.refs);
    sift_text_norm_release(&ld.norm);
    priv->pool = ld.pool;
    if (rc) {
        sift_text_rules_free(r);
        return rc;
    }
    *out = r;
    return SIFT_OK;
}

void sift_text_rules_free(struct sift_text_rules *rules)
{
    struct rules_priv *priv = (struct rules_priv *)rules;
    struct pool_block *b;

    if (rules == NULL)
        return;
    if (rules->proto)
        hs_free_scratch(rules->proto);
    if (rules->db)
        hs_free_database(rules->db);
    if (rules->som_proto)
        hs_free_scratch(rules->som_proto);
    if (rules->som_db)
        hs_free_database(rules->som_db);
    for (size_t i = 0; i < rules->n_files; i++)
        sift_free(rules->files[i]);
    sift_free(rules->files);
    sift_free(rules->lines);
    sift_free(rules->names);
    sift_free(rules->terms);
    sift_free(rules->alts);
    sift_free(rules->when_lines);
    sift_free(rules->lit_len);
    sift_free(rules->lit_flags);
    b = priv->pool;
    while (b) {
        struct pool_block *next = b->next;

        sift_free(b);
        b = next;
    }
    sift_free(priv);
}

size_t sift_text_rules_names(const struct sift_text_rules *rules)
{
    return rules ? rules->n_names : 0;
}

const char *sift_text_rules_name(const struct sift_text_rules *rules, size_t i)
{
    return rules && i < rules->n_names ? rules->names[i].name : NULL;
}

size_t sift_text_rules_count(const struct sift_text_rules *rules)
{
    return rules ? rules->n_lines : 0;
}

void sift_text_rules_set_repeated_weight(struct sift_text_rules *rules,
                                         double weight)
{
    if (rules)
        rules->repeated_weight = weight;
}

void sift_text_rules_set_exact_evidence(struct sift_text_rules *rules, bool on)
{
    if (rules)
        rules->exact_evidence = on;
}
