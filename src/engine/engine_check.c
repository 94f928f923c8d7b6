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
    struct check_ctx *c;

    pthread_mutex_lock(&eng->pool_lock);
    c = eng->pool;
    if (c != NULL)
        eng->pool = c->next;
    pthread_mutex_unlock(&eng->pool_lock);
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

    pthread_mutex_lock(&eng->pool_lock);
    c->next = eng->pool;
    eng->pool = c;
    pthread_mutex_unlock(&eng->pool_lock);
}

/* ---- building the verdict ---------------------------------------- */

/* Fill a reason template: {evidence} and {org} are replaced. */
static void expand(char *dst, size_t size, const char *tmpl,
                   const char *evidence, const char *org)
{
    struct sift__sbuf sb;

    sift__sbuf_init(&sb, dst, size);
    while (*tmpl) {
        if (strncmp(tmpl, "{evidence}", 10) == 0) {
            sift__sbuf_adds(&sb, evidence ? evidence : "");
            tmpl += 10;
        } else if (strncmp(tmpl, "{org}", 5) == 0) {
            sift__sbuf_adds(&sb, org ? org : "");
            tmpl += 5;
        } else {
            sift__sbuf_addc(&sb, *tmpl++);
        }
    }
    /* Never leave half a UTF-8 character at a truncation. */
    if (sb.len >= size && size > 0) {
        size_t n = strlen(dst);
        while (n > 0 && ((unsigned char)dst[n - 1] & 0xc0) == 0x80)
            n--;
        if (n > 0 && (unsigned char)dst[n - 1] >= 0xc0)
            n--;
        dst[n] = '\0';
    }
}

static struct sift_signal *fire_ix(const struct sift_engine *eng,
                                   struct sift_verdict *v, size_t ix,
                                   const double *weight, const char *evidence)
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
    expand(s->evidence, sizeof(s->evidence), evidence ? evidence : "", NULL,
           NULL);
    expand(s->reason_ja, sizeof(s->reason_ja), d->info.reason_ja, s->evidence,
           NULL);
    expand(s->reason_en, sizeof(s->reason_en), d->info.reason_en, s->evidence,
           NULL);
    return s;
}

static struct sift_signal *fire(const struct sift_engine *eng,
                                struct sift_verdict *v, enum builtin_signal b,
                                const char *evidence)
{
    return fire_ix(eng, v, eng->builtin[b], NULL, evidence);
}

static bool fired(const struct sift_verdict *v, const char *name)
{
    for (size_t i = 0; i < v->n_signals; i++)
        if (strcmp(v->signals[i].name, name) == 0)
            return true;
    return false;
}

static const struct sift_signal *find_signal(const struct sift_verdict *v,
                                             const char *name)
{
    for (size_t i = 0; i < v->n_signals; i++)
        if (strcmp(v->signals[i].name, name) == 0)
            return &v->signals[i];
    return NULL;
}

/* ---- the number ---------------------------------------------------- */

static const struct watch_entry *watch_match(const struct sift_engine *eng,
                                             const struct sift_number *n,
                                             bool international)
{
    const struct watch_entry *best = NULL;
    size_t best_len = 0;
    char national[SIFT_NUMBER_MAX_NSN + 2];

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
    snprintf(national, sizeof(national), "0%s", n->nsn);
    for (size_t i = 0; i < eng->n_watch; i++) {
        const char *p = eng->watch[i].prefix;
        size_t len = strlen(p);
        bool hit;
        if (p[0] == '+')
            hit = international && strncmp(n->e164, p, len) == 0;
        else if (sift__is_digit((unsigned char)p[0]))
            hit = strcmp(n->region, eng->home_region) == 0 &&
                  strncmp(national, p, len) == 0;
        else
            hit = false;
        if (hit && len > best_len) {
            best = &eng->watch[i];
            best_len = len;
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
        snprintf(ev_buf, sizeof(ev_buf), "%s", w->prefix);
        s = fire_ix(eng, v, eng->builtin[SIG_NUMBER_WATCHLIST], &w->weight,
                    ev_buf);
        if (s != NULL) {
            /* The watchlist entry's own reason says why this prefix. */
            snprintf(s->reason_ja, sizeof(s->reason_ja), "%s。", w->ja);
            snprintf(s->reason_en, sizeof(s->reason_en), "%s.", w->en);
        }
    }
    if (n->status != SIFT_NUMBER_OK)
        return;
    sift_number_format(n, SIFT_FORMAT_INTERNATIONAL, fmt, sizeof(fmt));
    if (!n->valid) {
        snprintf(ev_buf, sizeof(ev_buf), "%s (%s)", fmt,
                 n->possible ? "no assigned range" : "impossible length");
        fire(eng, v, SIG_NUMBER_INVALID, ev_buf);
    }
    if (v->relation.known && v->relation.international) {
        snprintf(ev_buf, sizeof(ev_buf), "%s (%s)", fmt,
                 n->region[0] ? n->region : "?");
        fire(eng, v, SIG_NUMBER_INTERNATIONAL, ev_buf);
        if (n->valid && (n->type == SIFT_TYPE_TOLL_FREE ||
                         n->type == SIFT_TYPE_PREMIUM_RATE ||
                         n->type == SIFT_TYPE_SHARED_COST)) {
            snprintf(ev_buf, sizeof(ev_buf), "%s: %s %s", fmt, n->region,
                     sift_number_type_name(n->type));
            fire(eng, v, SIG_NUMBER_FOREIGN_TOLL_FREE, ev_buf);
        }
    }
    if (n->valid && n->type == SIFT_TYPE_VOIP) {
        snprintf(ev_buf, sizeof(ev_buf), "%s (%s voip)", fmt, n->region);
        fire(eng, v, SIG_NUMBER_VOIP, ev_buf);
    }
    if (n->valid && n->type == SIFT_TYPE_PREMIUM_RATE) {
        snprintf(ev_buf, sizeof(ev_buf), "%s (%s premium rate)", fmt,
                 n->region);
        fire(eng, v, SIG_NUMBER_PREMIUM, ev_buf);
    }
    if (v->relation.same_prefix && ev->kind == SIFT_EVENT_CALL) {
        snprintf(ev_buf, sizeof(ev_buf), "%s ~ %s", n->e164, v->callee.e164);
        fire(eng, v, SIG_NUMBER_NEIGHBOR, ev_buf);
    }
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
static int never_revealed(const struct sift_org *org,
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
        const char *signal; /* NULL: decided below */
        int kind;           /* 0 any, 1 call, 2 sms */
    } table[] = {
        {SIFT_NEVER_PRESS_DIGIT, "TEXT_PRESS_DIGIT", 0},
        {SIFT_NEVER_AUTOMATED_VOICE, "TEXT_PRESS_DIGIT", 1},
        {SIFT_NEVER_AUTOMATED_VOICE, "TEXT_ROBOCALL", 1},
        {SIFT_NEVER_ASK_PIN, "TEXT_PERSONAL_INFO", 0},
        {SIFT_NEVER_ASK_CARD_DETAILS, "TEXT_PERSONAL_INFO", 0},
        {SIFT_NEVER_ASK_PASSWORD, "TEXT_PERSONAL_INFO", 0},
        {SIFT_NEVER_ASK_PERSONAL_INFO, "TEXT_PERSONAL_INFO", 1},
        {SIFT_NEVER_ASK_ACCOUNT, "TEXT_PERSONAL_INFO", 0},
        {SIFT_NEVER_SMS_PERSONAL_INFO, "TEXT_PERSONAL_INFO", 2},
        {SIFT_NEVER_ASK_GIFT_CARD, "TEXT_PAYMENT_METHOD", 0},
        {SIFT_NEVER_ASK_CRYPTO, "TEXT_PAYMENT_METHOD", 0},
        {SIFT_NEVER_ASK_TRANSFER, "TEXT_PAYMENT_METHOD", 0},
        {SIFT_NEVER_ASK_CASH, "TEXT_PAYMENT_METHOD", 0},
        {SIFT_NEVER_ASK_PAYMENT, "TEXT_PAYMENT_METHOD", 0},
        {SIFT_NEVER_ASK_PAYMENT, "TEXT_UNPAID", 0},
        {SIFT_NEVER_CALL_ABOUT_UNPAID, "TEXT_UNPAID", 1},
        {SIFT_NEVER_SMS_PAYMENT_DEMAND, "TEXT_UNPAID", 2},
        {SIFT_NEVER_SMS_PAYMENT_DEMAND, "TEXT_LEGAL_THREAT", 2},
        {SIFT_NEVER_REFUND_ATM, "TEXT_REFUND", 0},
        {SIFT_NEVER_CUT_LINE_BY_PHONE, "TEXT_SUSPENSION", 0},
        {SIFT_NEVER_SUSPEND_ACCOUNT, "TEXT_SUSPENSION", 0},
        {SIFT_NEVER_THREATEN_ARREST, "TEXT_POLICE", 0},
        {SIFT_NEVER_THREATEN_LEGAL_ACTION, "TEXT_LEGAL_THREAT", 0},
        {SIFT_NEVER_INVESTIGATION_BY_PHONE, "TEXT_POLICE", 1},
        {SIFT_NEVER_INVESTIGATION_BY_PHONE, "TEXT_ACCOUNT_MISUSE", 1},
        {SIFT_NEVER_COLLECT_CASH_CARD, "TEXT_CASH_CARD", 0},
        {SIFT_NEVER_REPLACE_CARD_BY_PHONE, "TEXT_CASH_CARD", 1},
        {SIFT_NEVER_WARNING_WITH_PHONE_NUMBER, "TEXT_TECH_SUPPORT", 0},
        {SIFT_NEVER_WARNING_WITH_PHONE_NUMBER, "TEXT_REMOTE_ACCESS", 0},
        {SIFT_NEVER_SMS_LINK, "URL_PRESENT", 2},
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
        s = find_signal(v, table[i].signal);
        if (s != NULL) {
            *evidence = s->evidence;
            return (int)table[i].never;
        }
    }
    if ((org->never >> SIFT_NEVER_SMS_LINK_PAYMENT) & 1 && sms &&
        fired(v, "URL_PRESENT") &&
        (fired(v, "TEXT_UNPAID") || fired(v, "TEXT_PERSONAL_INFO") ||
         fired(v, "TEXT_VERIFY_ACCOUNT"))) {
        *evidence = find_signal(v, "URL_PRESENT")->evidence;
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

    snprintf(buf, sizeof(buf), "%s", alias);
    s = fire(eng, v, SIG_ORG_IMPERSONATION, buf);
    if (s != NULL) {
        snprintf(s->reason_ja, sizeof(s->reason_ja),
                 "%sを名乗っています（文面の「%s」）。", org->name_ja, alias);
        snprintf(s->reason_en, sizeof(s->reason_en),
                 "It claims to come from %s (\"%s\" in the text).",
                 org->name_en, alias);
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
        snprintf(buf, sizeof(buf), "%.*s", (int)(from_len < 60 ? from_len : 60),
                 from);
        fire(eng, v, SIG_ORG_NUMBER_PUBLISHED, buf);
    } else if (has_ids) {
        double w =
            eng->signals[eng->builtin[SIG_ORG_NUMBER_MISMATCH]].info.weight;
        if (v->relation.known && v->relation.international)
            w += 1.5;
        snprintf(buf, sizeof(buf), "%.*s is not a published number of %s",
                 (int)(from_len < 40 ? from_len : 40), from, org->name_en);
        s = fire_ix(eng, v, eng->builtin[SIG_ORG_NUMBER_MISMATCH], &w, buf);
        if (s != NULL) {
            snprintf(s->reason_ja, sizeof(s->reason_ja),
                     "%sの公開されている番号ではありません%s。", org->name_ja,
                     v->relation.international ? "（しかも海外からの着信）"
                                               : "");
            snprintf(s->reason_en, sizeof(s->reason_en),
                     "This is not a published number of %s%s.", org->name_en,
                     v->relation.international ? ", and it calls from abroad"
                                               : "");
        }
    }

    never = never_revealed(org, ev, v, &evidence);
    if (never >= 0) {
        snprintf(buf, sizeof(buf), "%s: %s",
                 sift_org_never_key((enum sift_org_never)never),
                 evidence ? evidence : "");
        s = fire(eng, v, SIG_ORG_NEVER_DOES, buf);
        if (s != NULL) {
            snprintf(s->reason_ja, sizeof(s->reason_ja),
                     "%sは、%sことはありません。", org->name_ja,
                     sift_org_never_ja(never));
            snprintf(s->reason_en, sizeof(s->reason_en), "%s never %s.",
                     org->name_en, sift_org_never_en(never));
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
    snprintf(buf, sizeof(buf), "%s", urls[0].host);
    fire(eng, v, SIG_URL_PRESENT, buf);
    for (size_t i = 0; i < n; i++) {
        const struct sift_text_url *u = &urls[i];
        const struct sift_org *owner =
            sift_orgs_domain_owner(eng->orgs, u->host, strlen(u->host));
        const char *token = NULL;

        snprintf(buf, sizeof(buf), "%s", u->host);
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
            snprintf(buf, sizeof(buf), "%s (%s)", u->host, token);
            fire(eng, v, SIG_URL_LOOKALIKE, buf);
        }
    }
}

/* ---- advice ------------------------------------------------------- */

static void add_advice(const struct sift_engine *eng, struct sift_verdict *v,
                       const char *id)
{
    const struct advice_def *a = sift__engine_advice(eng, id);
    struct sift_advice *out;
    const char *org_ja = v->org.name_ja ? v->org.name_ja : "";
    const char *org_en = v->org.name_en ? v->org.name_en : "";

    if (a == NULL || v->n_advice == SIFT_MAX_ADVICE)
        return;
    out = &v->advice[v->n_advice++];
    out->id = a->id;
    /* {contact_ja} / {contact_en} go through {evidence}'s slot. */
    {
        char tmpl[512];
        struct sift__sbuf sb;
        const char *p;
        for (int lang = 0; lang < 2; lang++) {
            const char *src = lang ? a->ja : a->en;
            const char *contact = lang ? v->org.contact_ja : v->org.contact_en;
            sift__sbuf_init(&sb, tmpl, sizeof(tmpl));
            for (p = src; *p;) {
                if (strncmp(p, "{contact_ja}", 12) == 0 ||
                    strncmp(p, "{contact_en}", 12) == 0) {
                    sift__sbuf_adds(&sb, "{evidence}");
                    p += 12;
                } else {
                    sift__sbuf_addc(&sb, *p++);
                }
            }
            if (lang)
                expand(out->ja, sizeof(out->ja), tmpl, contact, org_ja);
            else
                expand(out->en, sizeof(out->en), tmpl, contact, org_en);
        }
    }
}

static void choose_advice(const struct sift_engine *eng,
                          const struct sift_event *ev, struct sift_verdict *v)
{
    bool call = ev->kind == SIFT_EVENT_CALL;
    bool serious = v->action >= SIFT_ACTION_WARN;
    bool jp = strcmp(eng->home_region, "JP") == 0;
    bool url_risk = fired(v, "URL_IP_HOST") || fired(v, "URL_SHORTENER") ||
                    fired(v, "URL_PUNYCODE") || fired(v, "URL_LOOKALIKE") ||
                    fired(v, "URL_RISKY_TLD") || fired(v, "URL_DYNAMIC_DNS");

    if (v->action == SIFT_ACTION_ALLOW) {
        add_advice(eng, v, "no_action");
        return;
    }
    if (fired(v, "TEXT_PRESS_DIGIT") || (call && fired(v, "TEXT_ROBOCALL")))
        add_advice(eng, v, "dont_press");
    if (call && serious)
        add_advice(eng, v, "hang_up");
    if (url_risk || (!call && serious && fired(v, "URL_PRESENT")))
        add_advice(eng, v, "dont_tap_links");
    if (serious && v->caller.status == SIFT_NUMBER_OK)
        add_advice(eng, v, "dont_call_back");
    if (serious || fired(v, "TEXT_PERSONAL_INFO") ||
        fired(v, "TEXT_VERIFY_ACCOUNT"))
        add_advice(eng, v, "no_personal_info");
    if (fired(v, "TEXT_PAYMENT_METHOD") || fired(v, "TEXT_REFUND") ||
        fired(v, "TEXT_UNPAID") || fired(v, "TEXT_FAMILY_EMERGENCY") ||
        fired(v, "TEXT_INVESTMENT") || fired(v, "TEXT_POLICE") ||
        fired(v, "TEXT_CASH_CARD"))
        add_advice(eng, v, "no_payment");
    if (v->org.id != NULL)
        add_advice(eng, v, "call_official");
    else if (serious)
        add_advice(eng, v, "call_official_unknown");
    if (fired(v, "TEXT_PERSONAL_INFO") || fired(v, "TEXT_PAYMENT_METHOD") ||
        fired(v, "TEXT_CASH_CARD"))
        add_advice(eng, v, "stop_card");
    if (serious)
        add_advice(eng, v, "block_report");
    if (serious && jp)
        add_advice(eng, v, "talk_to_someone");
    if (serious && jp && call && fired(v, "NUMBER_INTERNATIONAL"))
        add_advice(eng, v, "block_international");
    if (serious && strcmp(eng->home_region, "US") == 0)
        add_advice(eng, v, "report_us");
    if (v->n_advice == 0)
        add_advice(eng, v, "caution");
}

/* ---- the decision ------------------------------------------------- */

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
    enum sift_rc rc = SIFT_OK;

    memset(v, 0, offsetof(struct sift_verdict, signals));
    v->n_signals = 0;
    v->n_advice = 0;
    memset(&v->org, 0, sizeof(v->org));
    v->text_repaired = false;
    hits.n = 0;
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

    if (allow_listed(eng, &v->caller)) {
        v->allow_listed = true;
        fire(eng, v, SIG_CONFIG_ALLOW, v->caller.e164);
        goto decide;
    }
    number_signals(eng, ev, v, alpha_sender);

    ctx = ctx_get(eng);
    if (ctx == NULL) {
        rc = sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
        goto out;
    }
    if (text_len > 0) {
        rc = sift_text_normalize(ev->text, text_len, &ctx->norm, err);
        if (rc != SIFT_OK)
            goto out;
        v->text_repaired = (ctx->norm.flags & SIFT_TEXT_NORM_REPAIRED_UTF8);
        if (v->text_repaired) {
            char buf[48];
            snprintf(buf, sizeof(buf), "%zu invalid sequence(s) replaced",
                     ctx->norm.n_repaired);
            fire(eng, v, SIG_TEXT_INVALID_UTF8, buf);
        }
        sift_text_scan(eng->rules, ctx->scratch, ctx->norm.text, ctx->norm.len,
                       &hits);
        for (size_t i = 0; i < hits.n; i++) {
            long ix = sift__engine_signal(eng, hits.hit[i].name);
            char buf[SIFT_EVIDENCE_MAX];
            if (ix < 0)
                continue; /* load checked every name: cannot happen */
            /* TEXT_REPEATED's evidence already reads "×3: ...". */
            snprintf(buf, sizeof(buf), "%s", hits.hit[i].evidence);
            fire_ix(eng, v, (size_t)ix, &hits.hit[i].weight, buf);
        }
        sift_text_urls(eng->url_lists, ctx->norm.text, ctx->norm.len, urls,
                       MAX_URLS, &n_urls);
        n_orgs = sift_orgs_find(eng->orgs, ctx->norm.text, ctx->norm.len, orgs,
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
    url_signals(eng, v, org, urls, n_urls < MAX_URLS ? n_urls : MAX_URLS);
    if (org != NULL)
        org_signals(eng, ev, v, org, alias, ev->from, from_len, alpha_sender);

decide:
    v->score = 0;
    for (size_t i = 0; i < v->n_signals; i++)
        v->score += v->signals[i].weight;
    if (v->allow_listed)
        v->action = SIFT_ACTION_ALLOW;
    else if (v->score >= eng->th_block)
        v->action = SIFT_ACTION_BLOCK;
    else if (v->score >= eng->th_warn)
        v->action = SIFT_ACTION_WARN;
    else if (v->score >= eng->th_label)
        v->action = SIFT_ACTION_LABEL;
    else
        v->action = SIFT_ACTION_ALLOW;
    choose_advice(eng, ev, v);
out:
    if (ctx != NULL)
        ctx_put(eng, ctx);
    return rc;
}
