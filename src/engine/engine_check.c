/*
 * engine_check.c - one decision (ARCHITECTURE.md "One decision, end to
 * end"): parse both ends, run every signal producer, sum the weights, map
 * the score to an action, choose the advice.
 *
 * Producers, in order: the number (caller-ID state, validity, country,
 * type, neighbour prefix, watchlist), the words (rules scan with
 * repetition), the organisations the words name (impersonation, number
 * mismatch, "never does"), the links. The configuration's allow list wins
 * over everything and stops the producers.
 *
 * The per-thread scan state (normalisation buffers, vectorscan scratch) is
 * pooled on the engine, so sift_engine_check() is thread-safe and
 * allocation-free once every thread has been seen.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine_int.h"
#include "util/stages.h"
#include "util/util.h"

#define MAX_ORG_MATCHES 8
#define MAX_URLS        SIFT_TEXT_MAX_URLS

static const char *const action_names[] = {"allow", "label", "warn", "block"};
static const char *const action_words[][2] = {
    {"No sign of a scam", "詐欺の兆候は見つかりません"},
    {"Be careful", "注意してください"},
    {"Possible scam", "詐欺の疑いがあります"},
    {"Likely scam", "詐欺の可能性が高い"},
};

const char *sift_action_name(enum sift_action action)
{
    return (unsigned)action < 4 ? action_names[action] : "allow";
}

const char *sift_action_words(enum sift_action action, enum sift_lang lang)
{
    if ((unsigned)action >= 4)
        action = SIFT_ACTION_ALLOW;
    return action_words[action][lang == SIFT_LANG_JA];
}

/* ---- per-thread state -------------------------------------------- */

static struct check_ctx *ctx_get(const struct sift_engine *ceng)
{
    struct sift_engine *eng = (struct sift_engine *)ceng;
    struct check_ctx *c = sift__pool_take(&eng->pool);

    if (c != NULL)
        return c;
    c = sift_calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    sift_text_norm_init(&c->norm, eng->max_text);
    sift_text_norm_init(&c->sender_norm, 256);
    if (sift_text_scratch_new(eng->rules, &c->scratch) != SIFT_OK) {
        sift_free(c);
        return NULL;
    }
    return c;
}

static void ctx_put(const struct sift_engine *ceng, struct check_ctx *c)
{
    struct sift_engine *eng = (struct sift_engine *)ceng;

    sift__pool_put(&eng->pool, &c->item);
}

/* ---- building the verdict ---------------------------------------- */

/* A {name} in a template and what replaces it. */
struct placeholder {
    const char *name; /* "{evidence}" */
    size_t len;       /* strlen(name) */
    const char *value;
};

#define PH(name, value)                                                        \
    {                                                                          \
        name, sizeof(name) - 1, value                                          \
    }

/* Append len bytes of s to dst (size bytes, *o used), as much as fits;
 * returns false when something was cut. */
static bool put(char *dst, size_t size, size_t *o, const char *s, size_t len)
{
    size_t room = size - 1 - *o;

    if (len > room) {
        memcpy(dst + *o, s, room);
        *o += room;
        return false;
    }
    memcpy(dst + *o, s, len);
    *o += len;
    return true;
}

/*
 * Fill a template: each {name} of ph[] is replaced, other text copied in
 * spans (this runs for every signal that fires and every step of advice,
 * so no per-character work). A truncated result never ends in half a
 * UTF-8 character. size > 0.
 */
static void fill(char *dst, size_t size, const char *tmpl,
                 const struct placeholder *ph, size_t n_ph)
{
    size_t o = 0;
    bool whole = true;

    while (whole) {
        const char *brace = n_ph ? strchr(tmpl, '{') : NULL;
        size_t k;

        if (brace == NULL) {
            whole = put(dst, size, &o, tmpl, strlen(tmpl));
            break;
        }
        whole = put(dst, size, &o, tmpl, (size_t)(brace - tmpl));
        for (k = 0; k < n_ph; k++)
            if (strncmp(brace, ph[k].name, ph[k].len) == 0)
                break;
        if (k < n_ph) {
            const char *val = ph[k].value ? ph[k].value : "";

            whole = whole && put(dst, size, &o, val, strlen(val));
            tmpl = brace + ph[k].len;
        } else {
            whole = whole && put(dst, size, &o, "{", 1);
            tmpl = brace + 1;
        }
    }
    if (!whole) {
        while (o > 0 && ((unsigned char)dst[o - 1] & 0xc0) == 0x80)
            o--;
        if (o > 0 && (unsigned char)dst[o - 1] >= 0xc0)
            o--;
    }
    dst[o] = '\0';
}

/* fill() for a template measured at load: one copy when it has no
 * placeholder and fits. */
static void fill_t(char *dst, size_t size, const char *tmpl,
                   const struct tmpl_info *ti, const struct placeholder *ph,
                   size_t n_ph)
{
    if (!ti->has_ph && ti->len < size) {
        memcpy(dst, tmpl, ti->len + 1);
        return;
    }
    fill(dst, size, tmpl, ph, n_ph);
}

static void expand(char *dst, size_t size, const char *tmpl,
                   const struct tmpl_info *ti, const char *evidence)
{
    struct placeholder ph[2] = {PH("{evidence}", evidence), PH("{org}", NULL)};
    fill_t(dst, size, tmpl, ti, ph, 2);
}

/* Fire the signal at table index ix (once per verdict: a second call
 * returns the first). Its reasons are the definition's templates filled
 * in, unless own_reasons: the caller then writes them itself. */
static struct sift_signal *fire_at(const struct sift_engine *eng,
                                   struct sift_verdict *v, size_t ix,
                                   const double *weight, const char *evidence,
                                   bool own_reasons)
{
    const struct signal_def *d = &eng->signals[ix];
    struct sift_signal *s;

    for (size_t i = 0; i < v->n_signals; i++)
        if (v->signals[i].name == d->info.name)
            return &v->signals[i]; /* once per verdict */
    if (v->n_signals == SIFT_MAX_SIGNALS)
        return NULL;
    s = &v->signals[v->n_signals++];
    s->name = d->info.name;
    s->weight =
        (weight != NULL && !d->weight_overridden) ? *weight : d->info.weight;
    fill(s->evidence, sizeof(s->evidence), evidence ? evidence : "", NULL, 0);
    if (own_reasons) {
        s->reason_ja[0] = '\0';
        s->reason_en[0] = '\0';
        return s;
    }
    expand(s->reason_ja, sizeof(s->reason_ja), d->info.reason_ja, &d->ja,
           s->evidence);
    expand(s->reason_en, sizeof(s->reason_en), d->info.reason_en, &d->en,
           s->evidence);
    return s;
}

static struct sift_signal *fire_ix(const struct sift_engine *eng,
                                   struct sift_verdict *v, size_t ix,
                                   const double *weight, const char *evidence)
{
    return fire_at(eng, v, ix, weight, evidence, false);
}

static struct sift_signal *fire(const struct sift_engine *eng,
                                struct sift_verdict *v, enum builtin_signal b,
                                const char *evidence)
{
    return fire_ix(eng, v, eng->builtin[b], NULL, evidence);
}

/* The strings, one after another, into the array dst (truncated as
 * snprintf truncates): the evidence and reasons a check writes, without
 * printf's format parsing. */
#define J(dst, ...) sift__join((dst), sizeof(dst), __VA_ARGS__, (char *)NULL)

/* At most max bytes of s[0..len) (up to a NUL, as "%.*s" prints), then
 * tail_a and tail_b when not NULL. */
static void head_of(char *dst, size_t size, const char *s, size_t len,
                    size_t max, const char *tail_a, const char *tail_b)
{
    struct sift__sbuf sb;
    const char *nul = memchr(s, '\0', len < max ? len : max);

    sift__sbuf_init(&sb, dst, size);
    sift__sbuf_add(&sb, s, nul ? (size_t)(nul - s) : (len < max ? len : max));
    if (tail_a != NULL)
        sift__sbuf_adds(&sb, tail_a);
    if (tail_b != NULL)
        sift__sbuf_adds(&sb, tail_b);
}

/* A signal that fired, by table index: names in a verdict are the
 * table's own pointers, so a pointer compare finds them. */
static const struct sift_signal *find_ix(const struct sift_engine *eng,
                                         const struct sift_verdict *v, long ix)
{
    const char *name;

    if (ix < 0)
        return NULL;
    name = eng->signals[ix].info.name;
    for (size_t i = 0; i < v->n_signals; i++)
        if (v->signals[i].name == name)
            return &v->signals[i];
    return NULL;
}

#define FIRED_K(k) (find_ix(eng, v, eng->known[k]) != NULL)
#define FIRED_B(b) (find_ix(eng, v, (long)eng->builtin[b]) != NULL)

/*
 * Where evidence starts for people: a regex hit's evidence is a window
 * ending at the match (the text module skips start-of-match tracking to
 * keep the scan fast), so it may begin with the space or punctuation
 * before the words ("。至急"). Skip those.
 */
static const char *evidence_start(const char *e)
{
    /* Every entry is one three-byte UTF-8 sequence. */
    static const char punct[][4] = {"。", "、", "，", "．", "！", "？",
                                    "「", "」", "『", "』", "・", "（",
                                    "）", "【", "】", "…",  "　"};
    for (;;) {
        unsigned char c = (unsigned char)*e;
        bool skipped = false;
        if (c != '\0' && c < 0x80 && !sift__is_digit(c) &&
            !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && c != '#' && c != '*' &&
            c != '+') {
            e++;
            continue;
        }
        if (c == 0xE2 || c == 0xE3 || c == 0xEF) {
            for (size_t k = 0; k < SIFT_ARRAY_LEN(punct); k++)
                if (e[1] == punct[k][1] && e[2] == punct[k][2] &&
                    c == (unsigned char)punct[k][0]) {
                    e += 3;
                    skipped = true;
                    break;
                }
        }
        if (!skipped)
            return e;
    }
}

/* ---- the number ---------------------------------------------------- */

static const struct watch_entry *watch_match(const struct sift_engine *eng,
                                             const struct sift_number *n,
                                             bool international)
{
    const struct watch_entry *best = NULL;
    size_t best_len = 0, nsn_len;
    bool home;

    if (n->status == SIFT_NUMBER_WITHHELD ||
        n->status == SIFT_NUMBER_UNAVAILABLE) {
        const char *key =
            n->status == SIFT_NUMBER_WITHHELD ? "[withheld]" : "[unavailable]";
        for (size_t i = 0; i < eng->n_watch; i++)
            if (strcmp(eng->watch[i].prefix, key) == 0)
                return &eng->watch[i];
        return NULL;
    }
    if (n->status != SIFT_NUMBER_OK)
        return NULL;
    /* National prefixes ("050") apply to numbers of the home region. */
    home = strcmp(n->region, eng->home_region) == 0;
    nsn_len = strlen(n->nsn);
    for (size_t i = 0; i < eng->n_watch; i++) {
        const struct watch_entry *w = &eng->watch[i];
        const char *p = w->prefix;
        bool hit;
        if (p[0] == '+')
            hit = international && strncmp(n->e164, p, w->len) == 0;
        else if (p[0] == '0' && home)
            /* the national form is "0" + the national significant number */
            hit =
                w->len - 1 <= nsn_len && memcmp(n->nsn, p + 1, w->len - 1) == 0;
        else
            hit = false;
        if (hit && w->len > best_len) {
            best = w;
            best_len = w->len;
        }
    }
    return best;
}

static bool is_alpha_sender(const struct sift_event *ev, const char *from,
                            size_t len)
{
    if (ev->kind != SIFT_EVENT_SMS)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)from[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
            return true;
    }
    return false;
}

/* n's international form in buf (made on the first call; buf[0] is NUL
 * until then). */
static const char *intl_form(const struct sift_number *n, char *buf,
                             size_t size)
{
    if (buf[0] == '\0')
        sift_number_format(n, SIFT_FORMAT_INTERNATIONAL, buf, size);
    return buf;
}

static void number_signals(const struct sift_engine *eng,
                           const struct sift_event *ev, struct sift_verdict *v,
                           bool alpha_sender)
{
    const struct sift_number *n = &v->caller;
    const struct watch_entry *w;
    char ev_buf[SIFT_EVIDENCE_MAX];
    char fmt[48];

    switch (n->status) {
    case SIFT_NUMBER_OK:
        break;
    case SIFT_NUMBER_WITHHELD:
        fire(eng, v, SIG_NUMBER_WITHHELD, "非通知 / withheld");
        break;
    case SIFT_NUMBER_UNAVAILABLE:
        fire(eng, v, SIG_NUMBER_UNAVAILABLE, "通知不可能 / unavailable");
        break;
    case SIFT_NUMBER_PAYPHONE:
        fire(eng, v, SIG_NUMBER_PAYPHONE, "公衆電話 / payphone");
        break;
    case SIFT_NUMBER_EMPTY:
        break;
    default:
        /* An SMS sender may be a name ("Amazon"); anything else that is
         * not a number is a forged or broken caller ID. */
        if (!alpha_sender)
            fire(eng, v, SIG_NUMBER_MALFORMED,
                 sift_number_status_name(n->status));
        break;
    }
    w = watch_match(eng, n, v->relation.known && v->relation.international);
    if (w != NULL) {
        struct sift_signal *s;
        sift__strlcpy(ev_buf, w->prefix, sizeof(ev_buf));
        s = fire_at(eng, v, eng->builtin[SIG_NUMBER_WATCHLIST], &w->weight,
                    ev_buf, true);
        if (s != NULL) {
            /* The watchlist entry's own reason says why this prefix. */
            J(s->reason_ja, w->ja, "。");
            J(s->reason_en, w->en, ".");
        }
    }
    if (n->status != SIFT_NUMBER_OK)
        return;
        /* The international form is evidence: made only when a signal fires. */
#define FMT() intl_form(n, fmt, sizeof(fmt))
    fmt[0] = '\0';
    if (!n->valid) {
        J(ev_buf, FMT(), " (",
          n->possible ? "no assigned range" : "impossible length", ")");
        fire(eng, v, SIG_NUMBER_INVALID, ev_buf);
    }
    if (v->relation.known && v->relation.international) {
        J(ev_buf, FMT(), " (", n->region[0] ? n->region : "?", ")");
        fire(eng, v, SIG_NUMBER_INTERNATIONAL, ev_buf);
        if (n->valid && (n->type == SIFT_TYPE_TOLL_FREE ||
                         n->type == SIFT_TYPE_PREMIUM_RATE ||
                         n->type == SIFT_TYPE_SHARED_COST)) {
            J(ev_buf, FMT(), ": ", n->region, " ",
              sift_number_type_name(n->type));
            fire(eng, v, SIG_NUMBER_FOREIGN_TOLL_FREE, ev_buf);
        }
    }
    if (n->valid && n->type == SIFT_TYPE_VOIP) {
        J(ev_buf, FMT(), " (", n->region, " voip)");
        fire(eng, v, SIG_NUMBER_VOIP, ev_buf);
    }
    if (n->valid && n->type == SIFT_TYPE_PREMIUM_RATE) {
        J(ev_buf, FMT(), " (", n->region, " premium rate)");
        fire(eng, v, SIG_NUMBER_PREMIUM, ev_buf);
    }
    if (v->relation.same_prefix && ev->kind == SIFT_EVENT_CALL) {
        J(ev_buf, n->e164, " ~ ", v->callee.e164);
        fire(eng, v, SIG_NUMBER_NEIGHBOR, ev_buf);
    }
#undef FMT
}

/* ---- organisations ------------------------------------------------- */

static bool span_inside_hit(const struct sift_text_hits *hits, const char *name,
                            size_t start, size_t end)
{
    const struct sift_text_hit *h = sift_text_hits_find(hits, name);
    size_t hl;

    if (h == NULL)
        return false;
    hl = strlen(h->evidence);
    return start >= h->offset && end <= h->offset + hl;
}

/* Choose the organisation the event claims: the first named, preferring
 * one of the callee's country (Amazon is in jp.orgs and us.orgs). */
static const struct sift_org *claimed_org(const struct sift_engine *eng,
                                          const struct sift_org_match *m,
                                          size_t n,
                                          const struct sift_text_hits *hits)
{
    const struct sift_org *first = NULL;

    for (size_t i = 0; i < n; i++) {
        /* "Amazonギフト券" names a payment method, not a sender. */
        if (span_inside_hit(hits, "TEXT_PAYMENT_METHOD", m[i].start, m[i].end))
            continue;
        if (strcmp(m[i].org->country, eng->home_region) == 0)
            return m[i].org;
        if (first == NULL)
            first = m[i].org;
    }
    return first;
}

/* Does the event show what the organisation says it never does? Writes
 * the key that revealed it. */
static int never_revealed(const struct sift_engine *eng,
                          const struct sift_org *org,
                          const struct sift_event *ev,
                          const struct sift_verdict *v, const char **evidence)
{
    bool call = ev->kind == SIFT_EVENT_CALL, sms = !call;
    bool intl = v->relation.known && v->relation.international &&
                strcmp(org->country, v->callee.status == SIFT_NUMBER_OK
                                         ? v->callee.region
                                         : org->country) == 0;
    const struct sift_signal *s;
    static const struct {
        enum sift_org_never never;
        int signal; /* K_ code, or K_COUNT + a builtin signal */
        int kind;   /* 0 any, 1 call, 2 sms */
    } table[] = {
        {SIFT_NEVER_PRESS_DIGIT, K_TEXT_PRESS_DIGIT, 0},
        {SIFT_NEVER_AUTOMATED_VOICE, K_TEXT_PRESS_DIGIT, 1},
        {SIFT_NEVER_AUTOMATED_VOICE, K_TEXT_ROBOCALL, 1},
        {SIFT_NEVER_ASK_PIN, K_TEXT_PERSONAL_INFO, 0},
        {SIFT_NEVER_ASK_CARD_DETAILS, K_TEXT_PERSONAL_INFO, 0},
        {SIFT_NEVER_ASK_PASSWORD, K_TEXT_PERSONAL_INFO, 0},
        {SIFT_NEVER_ASK_PERSONAL_INFO, K_TEXT_PERSONAL_INFO, 1},
        {SIFT_NEVER_ASK_ACCOUNT, K_TEXT_PERSONAL_INFO, 0},
        {SIFT_NEVER_SMS_PERSONAL_INFO, K_TEXT_PERSONAL_INFO, 2},
        {SIFT_NEVER_ASK_GIFT_CARD, K_TEXT_PAYMENT_METHOD, 0},
        {SIFT_NEVER_ASK_CRYPTO, K_TEXT_PAYMENT_METHOD, 0},
        {SIFT_NEVER_ASK_TRANSFER, K_TEXT_PAYMENT_METHOD, 0},
        {SIFT_NEVER_ASK_CASH, K_TEXT_PAYMENT_METHOD, 0},
        {SIFT_NEVER_ASK_PAYMENT, K_TEXT_PAYMENT_METHOD, 0},
        {SIFT_NEVER_ASK_PAYMENT, K_TEXT_UNPAID, 0},
        {SIFT_NEVER_CALL_ABOUT_UNPAID, K_TEXT_UNPAID, 1},
        {SIFT_NEVER_SMS_PAYMENT_DEMAND, K_TEXT_UNPAID, 2},
        {SIFT_NEVER_SMS_PAYMENT_DEMAND, K_TEXT_LEGAL_THREAT, 2},
        {SIFT_NEVER_REFUND_ATM, K_TEXT_REFUND, 0},
        {SIFT_NEVER_CUT_LINE_BY_PHONE, K_TEXT_SUSPENSION, 0},
        {SIFT_NEVER_SUSPEND_ACCOUNT, K_TEXT_SUSPENSION, 0},
        {SIFT_NEVER_THREATEN_ARREST, K_TEXT_POLICE, 0},
        {SIFT_NEVER_THREATEN_LEGAL_ACTION, K_TEXT_LEGAL_THREAT, 0},
        {SIFT_NEVER_INVESTIGATION_BY_PHONE, K_TEXT_POLICE, 1},
        {SIFT_NEVER_INVESTIGATION_BY_PHONE, K_TEXT_ACCOUNT_MISUSE, 1},
        {SIFT_NEVER_COLLECT_CASH_CARD, K_TEXT_CASH_CARD, 0},
        {SIFT_NEVER_REPLACE_CARD_BY_PHONE, K_TEXT_CASH_CARD, 1},
        {SIFT_NEVER_WARNING_WITH_PHONE_NUMBER, K_TEXT_TECH_SUPPORT, 0},
        {SIFT_NEVER_WARNING_WITH_PHONE_NUMBER, K_TEXT_REMOTE_ACCESS, 0},
        {SIFT_NEVER_SMS_LINK, K_COUNT + SIG_URL_PRESENT, 2},
    };

    if ((org->never >> SIFT_NEVER_INTERNATIONAL_CALL) & 1 && intl) {
        *evidence = v->caller.e164;
        return SIFT_NEVER_INTERNATIONAL_CALL;
    }
    for (size_t i = 0; i < SIFT_ARRAY_LEN(table); i++) {
        if (!((org->never >> table[i].never) & 1))
            continue;
        if ((table[i].kind == 1 && !call) || (table[i].kind == 2 && !sms))
            continue;
        s = find_ix(eng, v,
                    table[i].signal < K_COUNT
                        ? eng->known[table[i].signal]
                        : (long)eng->builtin[table[i].signal - K_COUNT]);
        if (s != NULL) {
            *evidence = s->evidence;
            return (int)table[i].never;
        }
    }
    if ((org->never >> SIFT_NEVER_SMS_LINK_PAYMENT) & 1 && sms &&
        FIRED_B(SIG_URL_PRESENT) &&
        (FIRED_K(K_TEXT_UNPAID) || FIRED_K(K_TEXT_PERSONAL_INFO) ||
         FIRED_K(K_TEXT_VERIFY_ACCOUNT))) {
        *evidence =
            find_ix(eng, v, (long)eng->builtin[SIG_URL_PRESENT])->evidence;
        return SIFT_NEVER_SMS_LINK_PAYMENT;
    }
    return -1;
}

static void org_signals(const struct sift_engine *eng,
                        const struct sift_event *ev, struct sift_verdict *v,
                        const struct sift_org *org, const char *alias,
                        const char *from, size_t from_len, bool alpha_sender)
{
    char buf[SIFT_EVIDENCE_MAX];
    const char *evidence = NULL;
    struct sift_signal *s;
    int never;
    bool has_ids, matches;

    v->org.id = org->id;
    v->org.name_ja = org->name_ja;
    v->org.name_en = org->name_en;
    v->org.contact_ja = org->contact_ja;
    v->org.contact_en = org->contact_en;

    sift__strlcpy(buf, alias, sizeof(buf));
    s = fire_at(eng, v, eng->builtin[SIG_ORG_IMPERSONATION], NULL, buf, true);
    if (s != NULL) {
        J(s->reason_ja, org->name_ja, "を名乗っています（文面の「", alias,
          "」）。");
        J(s->reason_en, "It claims to come from ", org->name_en, " (\"", alias,
          "\" in the text).");
    }

    /* The published numbers and senders: a match lowers the score a
     * little (numbers are spoofed: scam-facts §1.1, SMBC 0120), a
     * mismatch raises it, most of all on an international call. */
    if (ev->kind == SIFT_EVENT_SMS && alpha_sender) {
        has_ids = org->n_senders > 0;
        matches = sift_org_has_sender(org, from, from_len);
    } else {
        has_ids = org->n_numbers > 0 ||
                  (ev->kind == SIFT_EVENT_SMS && org->n_senders > 0);
        matches =
            sift_org_has_number(org, &v->caller) ||
            (v->caller.status == SIFT_NUMBER_OK &&
             (sift_org_has_sender(org, v->caller.nsn, strlen(v->caller.nsn)) ||
              sift_org_has_sender(org, from, from_len)));
    }
    v->org.caller_is_published = matches;
    if (matches) {
        head_of(buf, sizeof(buf), from, from_len, 60, NULL, NULL);
        fire(eng, v, SIG_ORG_NUMBER_PUBLISHED, buf);
    } else if (has_ids) {
        double w =
            eng->signals[eng->builtin[SIG_ORG_NUMBER_MISMATCH]].info.weight;
        if (v->relation.known && v->relation.international)
            w += 1.5;
        head_of(buf, sizeof(buf), from, from_len, 40,
                " is not a published number of ", org->name_en);
        s = fire_at(eng, v, eng->builtin[SIG_ORG_NUMBER_MISMATCH], &w, buf,
                    true);
        if (s != NULL) {
            J(s->reason_ja, org->name_ja, "の公開されている番号ではありません",
              v->relation.international ? "（しかも海外からの着信）" : "",
              "。");
            J(s->reason_en, "This is not a published number of ", org->name_en,
              v->relation.international ? ", and it calls from abroad" : "",
              ".");
        }
    }

    never = never_revealed(eng, org, ev, v, &evidence);
    if (never >= 0) {
        J(buf, sift_org_never_key((enum sift_org_never)never), ": ",
          evidence ? evidence : "");
        s = fire_at(eng, v, eng->builtin[SIG_ORG_NEVER_DOES], NULL, buf, true);
        if (s != NULL) {
            J(s->reason_ja, org->name_ja, "は、", sift_org_never_ja(never),
              "ことはありません。");
            J(s->reason_en, org->name_en, " never ", sift_org_never_en(never),
              ".");
        }
    }
}

/* ---- links --------------------------------------------------------- */

static void url_signals(const struct sift_engine *eng, struct sift_verdict *v,
                        const struct sift_org *claimed,
                        const struct sift_text_url *urls, size_t n)
{
    char buf[SIFT_EVIDENCE_MAX];

    if (n == 0)
        return;
    sift__strlcpy(buf, urls[0].host, sizeof(buf));
    fire(eng, v, SIG_URL_PRESENT, buf);
    for (size_t i = 0; i < n; i++) {
        const struct sift_text_url *u = &urls[i];
        const struct sift_org *owner =
            sift_orgs_domain_owner(eng->orgs, u->host, strlen(u->host));
        const char *token = NULL;

        sift__strlcpy(buf, u->host, sizeof(buf));
        if (u->flags & SIFT_TEXT_URL_IP_HOST)
            fire(eng, v, SIG_URL_IP_HOST, buf);
        if (u->flags & SIFT_TEXT_URL_SHORTENER)
            fire(eng, v, SIG_URL_SHORTENER, buf);
        if (u->flags & (SIFT_TEXT_URL_PUNYCODE | SIFT_TEXT_URL_MIXED_SCRIPTS))
            fire(eng, v, SIG_URL_PUNYCODE, buf);
        if (u->flags & SIFT_TEXT_URL_RISKY_TLD)
            fire(eng, v, SIG_URL_RISKY_TLD, buf);
        if (u->flags & SIFT_TEXT_URL_DYNAMIC_DNS)
            fire(eng, v, SIG_URL_DYNAMIC_DNS, buf);
        if (owner != NULL) {
            if (claimed == NULL || claimed == owner)
                fire(eng, v, SIG_URL_OFFICIAL, buf);
        } else if (sift_orgs_brand_in(eng->orgs, u->host, strlen(u->host),
                                      &token) != NULL) {
            J(buf, u->host, " (", token, ")");
            fire(eng, v, SIG_URL_LOOKALIKE, buf);
        }
    }
}

/* ---- advice ------------------------------------------------------- */

static void add_advice(const struct sift_engine *eng, struct sift_verdict *v,
                       enum advice_step step)
{
    const struct advice_def *a = eng->step[step];
    struct sift_advice *out;
    const char *org_ja = v->org.name_ja ? v->org.name_ja : "";
    const char *org_en = v->org.name_en ? v->org.name_en : "";

    if (a == NULL || v->n_advice == SIFT_MAX_ADVICE)
        return;
    out = &v->advice[v->n_advice++];
    out->id = a->id;
    {
        struct placeholder ja[2] = {PH("{org}", org_ja),
                                    PH("{contact_ja}", v->org.contact_ja)};
        struct placeholder en[2] = {PH("{org}", org_en),
                                    PH("{contact_en}", v->org.contact_en)};
        fill_t(out->ja, sizeof(out->ja), a->ja, &a->ja_info, ja, 2);
        fill_t(out->en, sizeof(out->en), a->en, &a->en_info, en, 2);
    }
}

static void choose_advice(const struct sift_engine *eng,
                          const struct sift_event *ev, struct sift_verdict *v)
{
    bool call = ev->kind == SIFT_EVENT_CALL;
    bool serious = v->action >= SIFT_ACTION_WARN;
    bool jp = eng->jp_home;
    bool url_risk = FIRED_B(SIG_URL_IP_HOST) || FIRED_B(SIG_URL_SHORTENER) ||
                    FIRED_B(SIG_URL_PUNYCODE) || FIRED_B(SIG_URL_LOOKALIKE) ||
                    FIRED_B(SIG_URL_RISKY_TLD) || FIRED_B(SIG_URL_DYNAMIC_DNS);

    if (v->action == SIFT_ACTION_ALLOW) {
        add_advice(eng, v, ADV_NO_ACTION);
        return;
    }
    if (FIRED_K(K_TEXT_PRESS_DIGIT) || (call && FIRED_K(K_TEXT_ROBOCALL)))
        add_advice(eng, v, ADV_DONT_PRESS);
    if (call && serious)
        add_advice(eng, v, ADV_HANG_UP);
    if (url_risk || (!call && serious && FIRED_B(SIG_URL_PRESENT)))
        add_advice(eng, v, ADV_DONT_TAP_LINKS);
    if (serious && v->caller.status == SIFT_NUMBER_OK)
        add_advice(eng, v, ADV_DONT_CALL_BACK);
    if (serious || FIRED_K(K_TEXT_PERSONAL_INFO) ||
        FIRED_K(K_TEXT_VERIFY_ACCOUNT))
        add_advice(eng, v, ADV_NO_PERSONAL_INFO);
    if (FIRED_K(K_TEXT_PAYMENT_METHOD) || FIRED_K(K_TEXT_REFUND) ||
        FIRED_K(K_TEXT_UNPAID) || FIRED_K(K_TEXT_FAMILY_EMERGENCY) ||
        FIRED_K(K_TEXT_INVESTMENT) || FIRED_K(K_TEXT_POLICE) ||
        FIRED_K(K_TEXT_CASH_CARD))
        add_advice(eng, v, ADV_NO_PAYMENT);
    if (v->org.id != NULL)
        add_advice(eng, v, ADV_CALL_OFFICIAL);
    else if (serious)
        add_advice(eng, v, ADV_CALL_OFFICIAL_UNKNOWN);
    if (FIRED_K(K_TEXT_PERSONAL_INFO) || FIRED_K(K_TEXT_PAYMENT_METHOD) ||
        FIRED_K(K_TEXT_CASH_CARD))
        add_advice(eng, v, ADV_STOP_CARD);
    if (serious)
        add_advice(eng, v, ADV_BLOCK_REPORT);
    if (serious && jp)
        add_advice(eng, v, ADV_TALK_TO_SOMEONE);
    if (serious && jp && call && FIRED_B(SIG_NUMBER_INTERNATIONAL))
        add_advice(eng, v, ADV_BLOCK_INTERNATIONAL);
    if (serious && eng->us_home)
        add_advice(eng, v, ADV_REPORT_US);
    if (v->n_advice == 0)
        add_advice(eng, v, ADV_CAUTION);
}

/* ---- reputation ------------------------------------------------------ */

/*
 * The reputation index's facts as signals (issue 4 section 3; the facts
 * come from sift_reputation_assess(), docs/reputation.md). Weights are
 * signals.tsv's (or the configuration's) base weight scaled by the facts:
 *
 * - REP_REPORTED: base per distinct reporter, times the recency-weighted
 *   count; below block_reporters reporters it stays under the block
 *   threshold, so reports alone block only from the Nth reporter on.
 * - REP_SAFE: base (negative) per distinct "safe" reporter, at most 3.
 * - LIST_ALLOW: the decision is allow and nothing else is shown (as
 *   CONFIG_ALLOW); LIST_BLOCK: the decision is block.
 * - CALL_BURST, CALL_REPEAT, CALL_WANGIRI: from the thresholds of the
 *   reputation's options; a little more weight past them.
 * - CAMPAIGN: base, plus the campaign's size and its numbers' reporters.
 */
enum rep_outcome { REP_NONE = 0, REP_ALLOW, REP_BLOCK };

#define WANGIRI_MIN_CALLS 2 /* one short call may be a dropped line */

void sift_engine_set_reputation(struct sift_engine *eng,
                                const struct sift_reputation *rep)
{
    eng->rep = rep;
    if (rep != NULL)
        sift_reputation_get_opts(rep, &eng->rep_opts);
}

static const char *const cat_en[] = {"scam",     "spam",   "telemarketing",
                                     "robocall", "silent", "safe"};
static const char *const cat_ja[] = {"詐欺",     "迷惑",     "営業",
                                     "自動音声", "無言電話", "安全"};

static double base_weight(const struct sift_engine *eng, enum builtin_signal b)
{
    return eng->signals[eng->builtin[b]].info.weight;
}

/* Fire b with weight w (the configuration's [weights] sets the base, not
 * the result) and reasons written here. */
static struct sift_signal *fire_rep(const struct sift_engine *eng,
                                    struct sift_verdict *v,
                                    enum builtin_signal b, double w,
                                    const char *evidence)
{
    struct sift_signal *s = fire(eng, v, b, evidence);

    if (s != NULL)
        s->weight = w;
    return s;
}

/* "2 days ago" and "2日前". */
static void age_words(int64_t secs, char *en, size_t en_size, char *ja,
                      size_t ja_size)
{
    static const struct {
        int64_t secs;
        const char *en, *ja;
    } units[] = {
        {86400, "day", "日"}, {3600, "hour", "時間"}, {60, "minute", "分"}};

    if (secs < 60) {
        snprintf(en, en_size, "just now");
        snprintf(ja, ja_size, "たった今");
        return;
    }
    for (size_t i = 0; i < SIFT_ARRAY_LEN(units); i++) {
        if (secs >= units[i].secs) {
            long long n = (long long)(secs / units[i].secs);
            snprintf(en, en_size, "%lld %s%s ago", n, units[i].en,
                     n == 1 ? "" : "s");
            snprintf(ja, ja_size, "%lld%s前", n, units[i].ja);
            return;
        }
    }
}

static void list_signal(const struct sift_engine *eng, struct sift_verdict *v,
                        const struct sift_rep_facts *f)
{
    const struct sift_list_entry *e = &f->list;
    bool own = e->callee != NULL && e->callee[0] != '\0';
    size_t vlen = strlen(e->value);
    bool star = e->match == SIFT_MATCH_PREFIX &&
                (vlen == 0 || e->value[vlen - 1] != '*');
    char buf[SIFT_EVIDENCE_MAX];
    struct sift_signal *s;
    enum builtin_signal b = f->allowed ? SIG_LIST_ALLOW : SIG_LIST_BLOCK;

    snprintf(buf, sizeof(buf), "%s%s on %s %s list%s%s", e->value,
             star ? "*" : "", own ? "the callee's" : "the global",
             f->allowed ? "allow" : "block", e->note && e->note[0] ? ": " : "",
             e->note ? e->note : "");
    s = fire_rep(eng, v, b, base_weight(eng, b), buf);
    if (s == NULL)
        return;
    snprintf(s->reason_ja, sizeof(s->reason_ja),
             "%sの%sリストに登録されています（%s%s）。",
             own ? "あなた" : "全体", f->allowed ? "許可" : "着信拒否",
             e->value, star ? "*" : "");
    snprintf(s->reason_en, sizeof(s->reason_en), "It is on %s %s list (%s%s).",
             own ? "your" : "the global", f->allowed ? "allow" : "block",
             e->value, star ? "*" : "");
}

static void reported_signals(const struct sift_engine *eng,
                             struct sift_verdict *v,
                             const struct sift_rep_facts *f, int64_t now)
{
    const struct sift_reputation_opts *o = &eng->rep_opts;
    char buf[SIFT_EVIDENCE_MAX], ago_en[32], ago_ja[32];
    struct sift_signal *s;
    unsigned c = (unsigned)f->top_category < SIFT_ARRAY_LEN(cat_en)
                     ? (unsigned)f->top_category
                     : 0;

    if (f->reporters > 0) {
        double w = base_weight(eng, SIG_REP_REPORTED) * f->reports_weight;
        /* Until block_reporters distinct people reported it, reports
         * alone stay below block (a poisoning guard, issue 4). */
        if (f->reporters < o->block_reporters && w > eng->th_block - 0.5)
            w = eng->th_block - 0.5;
        if (w > eng->th_block + 3.0)
            w = eng->th_block + 3.0;
        age_words(now - f->last_report, ago_en, sizeof(ago_en), ago_ja,
                  sizeof(ago_ja));
        snprintf(buf, sizeof(buf), "%u reporter%s, last %s, mostly %s",
                 f->reporters, f->reporters == 1 ? "" : "s", ago_en, cat_en[c]);
        s = fire_rep(eng, v, SIG_REP_REPORTED, w, buf);
        if (s != NULL) {
            snprintf(
                s->reason_ja, sizeof(s->reason_ja),
                "%u人がこの番号を「%s」と報告しています（最新の報告は%s）。",
                f->reporters, cat_ja[c], ago_ja);
            snprintf(s->reason_en, sizeof(s->reason_en),
                     "%u %s reported this number, mostly as %s (the latest "
                     "%s).",
                     f->reporters, f->reporters == 1 ? "person" : "people",
                     cat_en[c], ago_en);
        }
    }
    if (f->safe_reporters > 0) {
        unsigned n = f->safe_reporters < 3 ? f->safe_reporters : 3;
        snprintf(buf, sizeof(buf), "%u safe report%s", f->safe_reporters,
                 f->safe_reporters == 1 ? "" : "s");
        s = fire_rep(eng, v, SIG_REP_SAFE,
                     base_weight(eng, SIG_REP_SAFE) * (double)n, buf);
        if (s != NULL) {
            snprintf(s->reason_ja, sizeof(s->reason_ja),
                     "%u人がこの番号は安全だと報告しています。",
                     f->safe_reporters);
            snprintf(s->reason_en, sizeof(s->reason_en),
                     "%u %s reported this number as safe.", f->safe_reporters,
                     f->safe_reporters == 1 ? "person" : "people");
        }
    }
}

static void pattern_signals(const struct sift_engine *eng,
                            struct sift_verdict *v,
                            const struct sift_rep_facts *f)
{
    const struct sift_reputation_opts *o = &eng->rep_opts;
    char buf[SIFT_EVIDENCE_MAX];
    struct sift_signal *s;

    if (f->burst_callees >= o->burst_callees) {
        unsigned extra = f->burst_callees - o->burst_callees;
        double base = base_weight(eng, SIG_CALL_BURST);
        long long mins = (long long)(o->burst_window / 60);
        snprintf(buf, sizeof(buf), "%u people in %lld minutes",
                 f->burst_callees, mins);
        s = fire_rep(eng, v, SIG_CALL_BURST,
                     base * (1.0 + (extra < 10 ? extra : 10) / 10.0), buf);
        if (s != NULL) {
            snprintf(s->reason_ja, sizeof(s->reason_ja),
                     "この番号は%lld分間に%u人へ電話をかけています。自動発信の"
                     "特徴です。",
                     mins, f->burst_callees);
            snprintf(s->reason_en, sizeof(s->reason_en),
                     "This number rang %u different people in %lld minutes, "
                     "as an autodialer does.",
                     f->burst_callees, mins);
        }
    }
    if (f->repeat_calls >= o->repeat_calls) {
        unsigned extra = f->repeat_calls - o->repeat_calls;
        long long hours = (long long)(o->repeat_window / 3600);
        snprintf(buf, sizeof(buf), "call %u to this number in %lld hours",
                 f->repeat_calls, hours);
        s = fire_rep(eng, v, SIG_CALL_REPEAT,
                     base_weight(eng, SIG_CALL_REPEAT) +
                         0.5 * (extra < 4 ? extra : 4),
                     buf);
        if (s != NULL) {
            snprintf(s->reason_ja, sizeof(s->reason_ja),
                     "同じ番号から%lld時間で%u回目の電話です。しつこい着信は"
                     "詐欺の手口です。",
                     hours, f->repeat_calls);
            snprintf(s->reason_en, sizeof(s->reason_en),
                     "This is call %u from the same number in %lld hours; "
                     "scammers call again and again.",
                     f->repeat_calls, hours);
        }
    }
    if (f->short_calls >= WANGIRI_MIN_CALLS && v->relation.known &&
        v->relation.international) {
        unsigned extra = f->short_calls - WANGIRI_MIN_CALLS;
        snprintf(buf, sizeof(buf), "%u calls of %d s or less from %s",
                 f->short_calls, (int)o->wangiri_seconds,
                 v->caller.region[0] ? v->caller.region : "abroad");
        s = fire_rep(eng, v, SIG_CALL_WANGIRI,
                     base_weight(eng, SIG_CALL_WANGIRI) +
                         0.5 * (extra < 4 ? extra : 4),
                     buf);
        if (s != NULL) {
            snprintf(s->reason_ja, sizeof(s->reason_ja),
                     "海外の番号から、%d秒以内に切れる電話が%u回かけられて"
                     "います。かけ直させて高額な通話料を取る「ワン切り」の"
                     "手口です。",
                     (int)o->wangiri_seconds, f->short_calls);
            snprintf(s->reason_en, sizeof(s->reason_en),
                     "A foreign number made %u calls that hung up within %d "
                     "s: the one-ring scam wants you to call back at a high "
                     "rate.",
                     f->short_calls, (int)o->wangiri_seconds);
        }
    }
}

static void campaign_signal(const struct sift_engine *eng,
                            struct sift_verdict *v,
                            const struct sift_rep_facts *f)
{
    const struct sift_reputation_opts *o = &eng->rep_opts;
    char buf[SIFT_EVIDENCE_MAX];
    struct sift_signal *s;
    unsigned extra, rep;

    if (f->campaign == 0)
        return;
    /* A new number inherits the campaign's reputation: more numbers and
     * more people reporting them weigh more. */
    extra = f->campaign_numbers > o->campaign_numbers
                ? f->campaign_numbers - o->campaign_numbers
                : 0;
    rep = f->campaign_reporters < 3 ? f->campaign_reporters : 3;
    snprintf(buf, sizeof(buf), "campaign %lld: %u numbers, %u reporters",
             (long long)f->campaign, f->campaign_numbers,
             f->campaign_reporters);
    s = fire_rep(eng, v, SIG_CAMPAIGN,
                 base_weight(eng, SIG_CAMPAIGN) +
                     0.5 * (extra < 4 ? extra : 4) + 1.0 * rep,
                 buf);
    if (s != NULL) {
        snprintf(s->reason_ja, sizeof(s->reason_ja),
                 "ほぼ同じ文面が%u件の番号から届いています（報告者%u人）。"
                 "番号を変えながら同じ詐欺が送られています。",
                 f->campaign_numbers, f->campaign_reporters);
        snprintf(s->reason_en, sizeof(s->reason_en),
                 "Nearly the same message came from %u numbers (%u people "
                 "reported them): one scam sent from rotating numbers.",
                 f->campaign_numbers, f->campaign_reporters);
    }
}

/*
 * Ask the reputation index about this event and fire its signals. fp is
 * the text's fingerprint (0: no text), made when the text was normalised
 * so that the index's reads could start early. On LIST_ALLOW every other
 * signal is dropped, as for CONFIG_ALLOW.
 */
static enum rep_outcome rep_signals(const struct sift_engine *eng,
                                    const struct sift_event *ev,
                                    struct sift_verdict *v, uint64_t fp,
                                    bool alpha_sender, size_t from_len)
{
    struct sift_rep_facts f;
    char sender[SIFT_KEY_MAX];
    int64_t now = ev->time ? ev->time : (int64_t)time(NULL);

    if (eng->rep == NULL)
        return REP_NONE;
    v->text_fp = fp;
    v->text_fp_set = true;
    sender[0] = '\0';
    if (alpha_sender && from_len < sizeof(sender)) {
        memcpy(sender, ev->from, from_len);
        sender[from_len] = '\0';
    }
    sift_reputation_assess(eng->rep, &v->caller, sender, &v->callee, fp, now,
                           &f);
    if (f.allowed) {
        v->n_signals = 0;
        v->allow_listed = true;
        list_signal(eng, v, &f);
        return REP_ALLOW;
    }
    if (f.blocked)
        list_signal(eng, v, &f);
    reported_signals(eng, v, &f, now);
    pattern_signals(eng, v, &f);
    campaign_signal(eng, v, &f);
    return f.blocked ? REP_BLOCK : REP_NONE;
}

/* ---- the decision ------------------------------------------------- */

/* ---- STIR/SHAKEN ---------------------------------------------------- */

/*
 * Verify the event's Identity header (RFC 8224) when the configuration
 * names trust anchors. A pass lowers (A) or nudges (B, C) the score: a
 * verified number is not a safe caller, so reports and words still count.
 * A failure is strong evidence of spoofing. No header on a call from a
 * country whose carriers sign calls (the NANP by default) is weak.
 */
static void stir_signals(const struct sift_engine *eng,
                         const struct sift_event *ev, struct sift_verdict *v)
{
    struct sift_stir_result r;
    char buf[SIFT_EVIDENCE_MAX];
    static const enum builtin_signal pass[] = {
        SIG_STIR_PASS_C, SIG_STIR_PASS_A, SIG_STIR_PASS_B, SIG_STIR_PASS_C};

    if (eng->stir == NULL || ev->kind != SIFT_EVENT_CALL)
        return;
    if (ev->identity == NULL || ev->identity[0] == '\0') {
        if (v->caller.status != SIFT_NUMBER_OK)
            return;
        for (size_t i = 0; i < eng->n_stir_absent_cc; i++)
            if (eng->stir_absent_cc[i] == v->caller.country_code) {
                snprintf(buf, sizeof(buf), "no Identity header (+%u)",
                         eng->stir_absent_cc[i]);
                fire(eng, v, SIG_STIR_ABSENT, buf);
                break;
            }
        return;
    }
    if (sift_stir_verify(eng->stir, ev->identity, strlen(ev->identity),
                         ev->from, ev->to, eng->home_region, ev->time, &r,
                         NULL) != SIFT_OK)
        return; /* could not decide (out of memory): no signal */
    v->stir.checked = true;
    v->stir.status = (int)r.status;
    v->stir.attest = (int)r.attest;
    v->stir.reason = (int)r.reason;
    v->stir.sip_code =
        r.status == SIFT_STIR_FAILED ? sift_stir_sip_code(r.reason) : 0;
    sift__strlcpy(v->stir.detail, r.detail, sizeof(v->stir.detail));
    if (r.status == SIFT_STIR_PASS) {
        snprintf(buf, sizeof(buf), "attestation %s, origid %.36s",
                 sift_stir_attest_name(r.attest), r.origid);
        fire(eng, v, pass[(unsigned)r.attest < 4 ? r.attest : 0], buf);
    } else if (r.status == SIFT_STIR_FAILED) {
        snprintf(buf, sizeof(buf), "%d %s: %s", sift_stir_sip_code(r.reason),
                 sift_stir_sip_text(r.reason), sift_stir_reason_name(r.reason));
        fire(eng, v, SIG_STIR_FAILED, buf);
    }
}

static bool allow_listed(const struct sift_engine *eng,
                         const struct sift_number *n)
{
    if (n->status != SIFT_NUMBER_OK)
        return false;
    for (size_t i = 0; i < eng->n_allow; i++)
        if (strcmp(eng->allow[i].e164, n->e164) == 0)
            return true;
    return false;
}

enum sift_rc sift_engine_check(const struct sift_engine *eng,
                               const struct sift_event *ev,
                               struct sift_verdict *v, struct sift_err *err)
{
    struct check_ctx *ctx = NULL;
    struct sift_text_hits hits;
    struct sift_text_url urls[MAX_URLS];
    struct sift_org_match orgs[MAX_ORG_MATCHES];
    size_t n_urls = 0, n_orgs = 0, from_len, to_len, text_len;
    const struct sift_org *org = NULL;
    const char *alias = NULL;
    bool alpha_sender;
    enum rep_outcome rep_out = REP_NONE;
    enum sift_rc rc = SIFT_OK;
    uint64_t fp = 0;
    STAGES_BEGIN(); /* util/stages.h: nothing unless SIFT_STAGE_TIMING */

    memset(v, 0, offsetof(struct sift_verdict, signals));
    v->n_signals = 0;
    v->n_advice = 0;
    memset(&v->org, 0, sizeof(v->org));
    memset(&v->stir, 0, sizeof(v->stir));
    v->text_repaired = false;
    v->text_fp_set = false;
    v->text_fp = 0;
    hits.n = 0;
    hits.n_lits = 0;
    if (ev == NULL || ev->from == NULL) {
        sift_number_parse(&v->caller, "", 0, eng->home_region, NULL);
        return sift__err_set(err, SIFT_EINVAL, "from",
                             "an event needs a caller (from)");
    }
    from_len = ev->from_len ? ev->from_len : strlen(ev->from);
    to_len = ev->to ? (ev->to_len ? ev->to_len : strlen(ev->to)) : 0;
    text_len = ev->text ? (ev->text_len ? ev->text_len : strlen(ev->text)) : 0;
    if (text_len > eng->max_text) {
        sift_number_parse(&v->caller, ev->from, from_len, eng->home_region,
                          NULL);
        return sift__err_set(err, SIFT_ETOOBIG, "text",
                             "the text is %zu bytes; the limit is %zu "
                             "(max_text)",
                             text_len, eng->max_text);
    }

    sift_number_parse(&v->caller, ev->from, from_len, eng->home_region, NULL);
    if (ev->to != NULL)
        sift_number_parse(&v->callee, ev->to, to_len, eng->home_region, NULL);
    else
        sift_number_parse(&v->callee, "", 0, eng->home_region, NULL);
    sift_number_relate(&v->caller, &v->callee, eng->home_region, &v->relation);
    alpha_sender = v->caller.status != SIFT_NUMBER_OK &&
                   is_alpha_sender(ev, ev->from, from_len);
    STAGE_END(SIFT__STAGE_NUMBERS);

    if (allow_listed(eng, &v->caller)) {
        v->allow_listed = true;
        fire(eng, v, SIG_CONFIG_ALLOW, v->caller.e164);
        goto decide;
    }
    number_signals(eng, ev, v, alpha_sender);
    stir_signals(eng, ev, v);
    STAGE_END(SIFT__STAGE_NUMBERS);

    ctx = ctx_get(eng);
    if (ctx == NULL) {
        rc = sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
        goto out;
    }
    if (text_len > 0) {
        rc = sift_text_normalize(ev->text, text_len, &ctx->norm, err);
        if (rc != SIFT_OK)
            goto out;
        /* The reputation index's reads for this caller and text start
         * now and arrive while the text is scanned. */
        if (eng->rep != NULL && ctx->norm.len > 0) {
            fp = sift_reputation_fingerprint(ctx->norm.text, ctx->norm.len);
            sift_reputation_prefetch(eng->rep, &v->caller, NULL, fp);
        }
        v->text_repaired = (ctx->norm.flags & SIFT_TEXT_NORM_REPAIRED_UTF8);
        if (v->text_repaired) {
            char buf[48];
            snprintf(buf, sizeof(buf), "%zu invalid sequence(s) replaced",
                     ctx->norm.n_repaired);
            fire(eng, v, SIG_TEXT_INVALID_UTF8, buf);
        }
        STAGE_END(SIFT__STAGE_NORMALISE);
        /* An SMS body is one message: repetition is a mark of recorded
         * calls (TEXT_REPEATED), so the detector runs on calls only. */
        sift_text_scan_flags(
            eng->rules, ctx->scratch, ctx->norm.text, ctx->norm.len,
            ev->kind == SIFT_EVENT_SMS ? SIFT_TEXT_SCAN_NO_REPETITION : 0,
            &hits);
        STAGE_END(SIFT__STAGE_SCAN);
        for (size_t i = 0; i < hits.n; i++) {
            long ix = eng->rule_signal[hits.hit[i].name_id];
            if (ix < 0)
                continue; /* load checked every name: cannot happen */
            /* TEXT_REPEATED's evidence already reads "×3: ...". */
            fire_ix(eng, v, (size_t)ix, &hits.hit[i].weight,
                    evidence_start(hits.hit[i].evidence));
        }
        STAGE_END(SIFT__STAGE_SIGNALS);
        sift_text_urls(eng->url_lists, ctx->norm.text, ctx->norm.len, urls,
                       MAX_URLS, &n_urls);
        STAGE_END(SIFT__STAGE_LINKS);
        /* The rules scan found the aliases too (engine_load.c). */
        n_orgs = sift_orgs_found(eng->orgs, ctx->norm.text, ctx->norm.len,
                                 hits.lit_id, hits.lit_end, hits.n_lits, orgs,
                                 MAX_ORG_MATCHES);
        org = claimed_org(eng, orgs, n_orgs, &hits);
        for (size_t i = 0; org && i < n_orgs; i++)
            if (orgs[i].org == org) {
                alias = orgs[i].alias;
                break;
            }
    }
    /* An SMS sender ID names its organisation too ("NTT-Finance"). */
    if (org == NULL && alpha_sender) {
        char tmp[128];
        size_t n = from_len < sizeof(tmp) - 1 ? from_len : sizeof(tmp) - 1;
        memcpy(tmp, ev->from, n);
        for (size_t i = 0; i < n; i++)
            if (tmp[i] == '-' || tmp[i] == '_' || tmp[i] == '.')
                tmp[i] = ' ';
        if (sift_text_normalize(tmp, n, &ctx->sender_norm, NULL) == SIFT_OK) {
            n_orgs =
                sift_orgs_find(eng->orgs, ctx->sender_norm.text,
                               ctx->sender_norm.len, orgs, MAX_ORG_MATCHES);
            org = claimed_org(eng, orgs, n_orgs, &hits);
            if (org != NULL)
                for (size_t i = 0; i < n_orgs; i++)
                    if (orgs[i].org == org) {
                        alias = orgs[i].alias;
                        break;
                    }
        }
    }
    STAGE_END(SIFT__STAGE_ORGS);
    url_signals(eng, v, org, urls, n_urls < MAX_URLS ? n_urls : MAX_URLS);
    if (org != NULL)
        org_signals(eng, ev, v, org, alias, ev->from, from_len, alpha_sender);
    STAGE_END(SIFT__STAGE_SIGNALS);
    rep_out = rep_signals(eng, ev, v, fp, alpha_sender, from_len);
    STAGE_END(SIFT__STAGE_REPUTATION);

decide:
    v->score = 0;
    for (size_t i = 0; i < v->n_signals; i++)
        v->score += v->signals[i].weight;
    if (v->allow_listed)
        v->action = SIFT_ACTION_ALLOW;
    else if (rep_out == REP_BLOCK || v->score >= eng->th_block)
        v->action = SIFT_ACTION_BLOCK;
    else if (v->score >= eng->th_warn)
        v->action = SIFT_ACTION_WARN;
    else if (v->score >= eng->th_label)
        v->action = SIFT_ACTION_LABEL;
    else
        v->action = SIFT_ACTION_ALLOW;
    choose_advice(eng, ev, v);
    STAGE_END(SIFT__STAGE_ADVICE);
out:
    if (ctx != NULL)
        ctx_put(eng, ctx);
    return rc;
}
