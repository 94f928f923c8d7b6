/*
 * text_scan.c - one pass of vectorscan over a normalised text, then the
 * `when` lines, then the hits.
 *
 * The match callback keeps the first match of every line and, per name,
 * the strongest line that fired (highest weight; the earlier line on a
 * tie). Marks are stamped with a scan generation so nothing is cleared
 * between scans. The scratch is made once per thread; a scan allocates
 * nothing.
 */
#include <string.h>

#include "text_int.h"
#include "util/stages.h"

enum sift_rc sift_text_scratch_new(const struct sift_text_rules *rules,
                                   struct sift_text_scratch **out)
{
    struct sift_text_scratch *sc;
    size_t nl, nn;

    *out = NULL;
    if (rules == NULL)
        return SIFT_EINVAL;
    nl = rules->n_lines ? rules->n_lines : 1;
    nn = rules->n_names ? rules->n_names : 1;
    sc = sift_calloc(1, sizeof(*sc));
    if (sc == NULL)
        return SIFT_ENOMEM;
    sc->rules = rules;
    sc->line_gen = sift_calloc(nl * 3 + nn * 4, sizeof(uint32_t));
    if (sc->line_gen == NULL)
        goto nomem;
    sc->line_start = sc->line_gen + nl;
    sc->line_end = sc->line_start + nl;
    sc->name_gen = sc->line_end + nl;
    sc->name_best = (int32_t *)(sc->name_gen + nn);
    sc->name_start = (uint32_t *)(sc->name_best + nn);
    sc->name_end = sc->name_start + nn;
    if (rules->proto && hs_clone_scratch(rules->proto, &sc->hs) != HS_SUCCESS)
        goto nomem;
    if (rules->som_proto &&
        hs_clone_scratch(rules->som_proto, &sc->som_hs) != HS_SUCCESS)
        goto nomem;
    *out = sc;
    return SIFT_OK;
nomem:
    sift_text_scratch_free(sc);
    return SIFT_ENOMEM;
}

void sift_text_scratch_free(struct sift_text_scratch *scratch)
{
    if (scratch == NULL)
        return;
    if (scratch->hs)
        hs_free_scratch(scratch->hs);
    if (scratch->som_hs)
        hs_free_scratch(scratch->som_hs);
    sift_free(scratch->line_gen);
    sift_free(scratch);
}

/* A line of name fired over [start, end). The name keeps its strongest
 * line; of equally strong ones the first to fire, and of two whose
 * matches end at the same byte the one earlier in the files (vectorscan
 * reports matches in the order of their ends, but in no set order at one
 * end, and the order differs between databases that mean the same). */
static void fire(struct sift_text_scratch *sc, uint32_t name, uint32_t line,
                 uint32_t start, uint32_t end)
{
    const struct sift_text_rules *r = sc->rules;

    if (sc->name_gen[name] != sc->gen) {
        sc->name_gen[name] = sc->gen;
    } else {
        int32_t best = sc->name_best[name];

        if (best >= 0) {
            double wb = r->lines[best].weight, wl = r->lines[line].weight;

            if (wb > wl || (wb == wl && (end != sc->name_end[name] ||
                                         (uint32_t)best < line)))
                return;
        }
    }
    sc->name_best[name] = (int32_t)line;
    sc->name_start[name] = start;
    sc->name_end[name] = end;
}

/* An occurrence of a caller's literal (sift_text_rules_load_with()). */
static int on_literal(struct sift_text_scratch *sc, uint32_t i,
                      unsigned long long to)
{
    const struct sift_text_rules *r = sc->rules;
    struct sift_text_hits *out = sc->out;
    size_t end = (size_t)to, start = end - r->lit_len[i];

    if ((r->lit_flags[i] & SIFT__LIT_LATIN_START) && start > 0 &&
        sift__is_alnum_ascii((unsigned char)sc->text[start - 1]))
        return 0;
    if ((r->lit_flags[i] & SIFT__LIT_LATIN_END) && end < sc->text_len &&
        sift__is_alnum_ascii((unsigned char)sc->text[end]))
        return 0;
    if (out->n_lits < SIFT_TEXT_MAX_LIT_HITS) {
        out->lit_id[out->n_lits] = i;
        out->lit_end[out->n_lits] = (uint32_t)end;
        out->n_lits++;
    }
    return 0;
}

static int on_match(unsigned int id, unsigned long long from,
                    unsigned long long to, unsigned int flags, void *ctx)
{
    struct sift_text_scratch *sc = ctx;
    const struct rule_line *rl;
    uint32_t start;

    (void)flags;
    if (id >= SIFT__LIT_ID)
        return on_literal(sc, id - SIFT__LIT_ID, to);
    rl = &sc->rules->lines[id];
    if (sc->line_gen[id] == sc->gen)
        return 0; /* keep each line's first match */
    if (rl->end_word) {
        /* the \b text_rules.c took off the end: word on one side only */
        bool before =
            to > 0 && sift__is_word_byte((unsigned char)sc->text[to - 1]);
        bool after = to < sc->text_len &&
                     sift__is_word_byte((unsigned char)sc->text[to]);

        if (before == after)
            return 0;
    }
    /* A literal's start is exact; a regex's is its maximum width before
     * the end (text_rules.c), which may start inside a UTF-8 sequence:
     * move to the next character. */
    (void)from;
    start = (uint32_t)(to > rl->lit_len ? to - rl->lit_len : 0);
    while (start > 0 && start < to &&
           ((unsigned char)sc->text[start] & 0xC0) == 0x80)
        start++;
    sc->line_gen[id] = sc->gen;
    sc->line_start[id] = start;
    sc->line_end[id] = (uint32_t)to;
    fire(sc, rl->name, id, start, (uint32_t)to);
    return 0;
}

static int on_som_match(unsigned int id, unsigned long long from,
                        unsigned long long to, unsigned int flags, void *ctx)
{
    struct sift_text_scratch *sc = ctx;

    (void)flags;
    if (sc->line_gen[id] == sc->gen && sc->som_base + to == sc->line_end[id])
        sc->line_start[id] = (uint32_t)(sc->som_base + from);
    return 0;
}

/*
 * Exact evidence for regexes: the main scan knows where a regex match
 * ends, not where it starts. The window before the end of each name's
 * strongest regex match is scanned once more with the start-of-match
 * database (regexes without bounded repeats), which reports the leftmost
 * start for each end. Texts where no regex fired pay nothing, but each
 * window costs about a microsecond (the start-of-match engine's set-up),
 * which doubles a typical scan: so it is off unless
 * sift_text_rules_set_exact_evidence() turns it on.
 */
static void refine_starts(struct sift_text_scratch *sc)
{
    const struct sift_text_rules *r = sc->rules;
    uint32_t done_lo = UINT32_MAX, done_hi = 0;

    if (r->som_db == NULL)
        return;
    for (size_t i = 1; i < r->n_names; i++) {
        int32_t best = sc->name_best[i];
        uint32_t lo, hi;

        if (sc->name_gen[i] != sc->gen || best < 0 || !r->lines[best].som)
            continue;
        lo = sc->line_start[best];
        hi = sc->line_end[best];
        /* One small scan per window (at most the pattern's width, 48
         * bytes); a window already scanned refined every line in it. */
        if (!(lo >= done_lo && hi <= done_hi) && lo < hi) {
            sc->som_base = lo;
            hs_scan(r->som_db, sc->text + lo, hi - lo, 0, sc->som_hs,
                    on_som_match, sc);
            done_lo = lo;
            done_hi = hi;
        }
        sc->name_start[i] = sc->line_start[best];
    }
}

/* The first fired alternative of term t, or -1. */
static int32_t term_fired(const struct sift_text_scratch *sc,
                          const struct rule_term *t)
{
    const struct sift_text_rules *r = sc->rules;

    for (uint32_t a = 0; a < t->n_alts; a++) {
        uint32_t name = r->alts[t->alt0 + a];

        if (sc->name_gen[name] == sc->gen)
            return (int32_t)name;
    }
    return -1;
}

static void eval_when(struct sift_text_scratch *sc)
{
    const struct sift_text_rules *r = sc->rules;

    for (size_t w = 0; w < r->n_when; w++) {
        uint32_t li = r->when_lines[w];
        const struct rule_line *rl = &r->lines[li];
        int32_t first = -1;
        bool all = true;

        for (uint32_t t = 0; t < rl->n_terms && all; t++) {
            int32_t name = term_fired(sc, &r->terms[rl->term0 + t]);

            if (name < 0)
                all = false;
            else if (first < 0)
                first = name;
        }
        if (!all || first < 0)
            continue;
        sc->line_gen[li] = sc->gen;
        sc->line_start[li] = sc->name_start[first];
        sc->line_end[li] = sc->name_end[first];
        fire(sc, rl->name, li, sc->name_start[first], sc->name_end[first]);
    }
}

/* Append s[0..len) to an evidence buffer of SIFT_TEXT_EVIDENCE_MAX bytes,
 * cutting on a UTF-8 boundary. */
static void ev_add(char *ev, size_t *n, const char *s, size_t len)
{
    size_t room = SIFT_TEXT_EVIDENCE_MAX - *n;
    size_t k = sift__utf8_cut(s, len, room);

    memcpy(ev + *n, s, k);
    *n += k;
    ev[*n] = '\0';
}

static void build_evidence(const struct sift_text_scratch *sc, uint32_t name,
                           struct sift_text_hit *h)
{
    const struct sift_text_rules *r = sc->rules;
    int32_t li = sc->name_best[name];
    size_t n = 0;

    h->evidence[0] = '\0';
    h->offset = sc->name_start[name];
    if (li >= 0 && r->lines[li].kind == RULE_WHEN) {
        const struct rule_line *rl = &r->lines[li];

        for (uint32_t t = 0; t < rl->n_terms; t++) {
            int32_t alt = term_fired(sc, &r->terms[rl->term0 + t]);
            uint32_t s, e;

            if (alt < 0)
                continue;
            s = sc->name_start[alt];
            e = sc->name_end[alt];
            if (t > 0)
                ev_add(h->evidence, &n, " + ", 3);
            ev_add(h->evidence, &n, sc->text + s, e - s);
        }
        return;
    }
    ev_add(h->evidence, &n, sc->text + sc->name_start[name],
           sc->name_end[name] - sc->name_start[name]);
}

static void add_hit(struct sift_text_scratch *sc, uint32_t name,
                    struct sift_text_hits *out)
{
    const struct sift_text_rules *r = sc->rules;
    struct sift_text_hit *h;
    int32_t li = sc->name_best[name];

    if (out->n == SIFT_TEXT_MAX_HITS) {
        out->truncated = true;
        return;
    }
    h = &out->hit[out->n++];
    h->name = r->names[name].name;
    h->name_id = name;
    h->count = 1;
    if (li >= 0) {
        const struct rule_line *rl = &r->lines[li];

        h->weight = rl->weight;
        h->note = rl->note;
        h->file = r->files[rl->file];
        h->line = rl->lineno;
    }
    build_evidence(sc, name, h);
}

enum sift_rc sift_text_scan(const struct sift_text_rules *rules,
                            struct sift_text_scratch *scratch, const char *norm,
                            size_t len, struct sift_text_hits *out)
{
    return sift_text_scan_flags(rules, scratch, norm, len, 0, out);
}

enum sift_rc sift_text_scan_flags(const struct sift_text_rules *rules,
                                  struct sift_text_scratch *scratch,
                                  const char *norm, size_t len, unsigned flags,
                                  struct sift_text_hits *out)
{
    struct sift_text_scratch *sc = scratch;
    size_t rep_off = 0, rep_len = 0;
    unsigned reps;

    out->n = 0;
    out->truncated = false;
    out->n_lits = 0;
    if (rules == NULL || sc == NULL || sc->rules != rules)
        return SIFT_EINVAL;
    if (len > UINT32_MAX)
        return SIFT_ETOOBIG;
    if (++sc->gen == 0) {
        size_t nl = rules->n_lines ? rules->n_lines : 1;
        size_t nn = rules->n_names ? rules->n_names : 1;

        memset(sc->line_gen, 0, nl * sizeof(uint32_t));
        memset(sc->name_gen, 0, nn * sizeof(uint32_t));
        sc->gen = 1;
    }
    sc->text = norm;
    sc->text_len = len;
    sc->out = out;
    if (rules->db && len > 0) {
        hs_scan(rules->db, norm, (unsigned)len, 0, sc->hs, on_match, sc);
        if (rules->exact_evidence)
            refine_starts(sc);
    }

    /* The repetition detector fires name 0 before the `when` lines, so
     * they may use TEXT_REPEATED. */
    {
        SUBSTAGE_BEGIN(rep_t);
        reps = (flags & SIFT_TEXT_SCAN_NO_REPETITION)
                   ? 0
                   : sift_text_repetition(norm, len, &rep_off, &rep_len);
        SUBSTAGE_END(rep_t, SIFT__STAGE_REPETITION, SIFT__STAGE_SCAN);
    }
    if (reps >= 2) {
        sc->name_gen[0] = sc->gen;
        sc->name_best[0] = -1;
        sc->name_start[0] = (uint32_t)rep_off;
        sc->name_end[0] = (uint32_t)(rep_off + rep_len);
    }
    eval_when(sc);

    for (size_t i = 1; i < rules->n_names; i++)
        if (sc->name_gen[i] == sc->gen && !rules->names[i].atom)
            add_hit(sc, (uint32_t)i, out);
    if (reps >= 2 && out->n < SIFT_TEXT_MAX_HITS) {
        struct sift_text_hit *h = &out->hit[out->n++];
        char head[16]; /* "×N: ", N at most 10 digits */
        struct sift__sbuf hb;
        size_t n = 0;

        sift__sbuf_init(&hb, head, sizeof(head));
        sift__sbuf_add(&hb, "\xC3\x97", 2);
        sift__sbuf_add_uint(&hb, reps);
        sift__sbuf_add(&hb, ": ", 2);

        memset(h, 0, sizeof(*h));
        h->name = rules->names[0].name;
        h->name_id = 0;
        h->weight = rules->repeated_weight;
        h->note = "repetition detector (docs/text.md §3): the same message "
                  "more than once is typical of recorded robocalls";
        h->file = "";
        h->count = reps;
        h->offset = rep_off;
        ev_add(h->evidence, &n, head, hb.len);
        ev_add(h->evidence, &n, norm + rep_off, rep_len);
    } else if (reps >= 2) {
        out->truncated = true;
    }
    return SIFT_OK;
}

const struct sift_text_hit *
sift_text_hits_find(const struct sift_text_hits *hits, const char *name)
{
    for (size_t i = 0; hits && i < hits->n; i++)
        if (strcmp(hits->hit[i].name, name) == 0)
            return &hits->hit[i];
    return NULL;
}
