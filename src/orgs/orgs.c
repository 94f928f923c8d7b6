/*
 * orgs.c - load the data/orgs folder (docs/orgs-format.md) and answer the
 * engine's questions about impersonated organisations.
 *
 * Loading keeps each file's bytes and cuts them in place: every string of
 * a loaded set points into those buffers, so a set is a handful of
 * allocations however many organisations it holds. Aliases go into one
 * vectorscan literal database, so finding every organisation a text names
 * is a single pass over the text (about five times faster than the
 * byte-at-a-time Aho-Corasick automaton it replaced, whose every step
 * waits on the previous table load). Brand tokens, searched in short
 * host names only, stay in an Aho-Corasick automaton (util/ac.h).
 *
 * A vectorscan scan needs scratch space no other thread is using: the set
 * keeps a pool of them under a mutex, one per thread that ever searched at
 * the same time, so callers need no per-thread state.
 *
 * Invariant after a successful load: every organisation has name.ja,
 * name.en, country, kind and contact exactly once and at least one alias;
 * every fact line carried a source tagged (O) or (P).
 */
#include <dirent.h>
#include <limits.h>
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsift/orgs.h"
#include "util/ac.h"
#include "util/file.h"
#include "util/pool.h"
#include "util/strset.h"
#include "util/util.h"

#define MAX_FILE  (4u << 20)
#define MAX_FILES 64
#define MAX_FIND  64

static const struct {
    const char *key, *ja, *en;
} never_table[SIFT_NEVER_COUNT] = {
    {"automated_voice", "自動音声で電話をかけてくる",
     "calls you with an automated voice"},
    {"press_digit", "電話で番号ボタンを押すよう求める",
     "asks you to press a key on your phone"},
    {"international_call", "海外の電話番号から連絡してくる",
     "contacts you from a foreign number"},
    {"unsolicited_call", "心当たりのない人に突然電話をかけてくる",
     "phones you out of the blue"},
    {"ask_personal_info", "電話で個人情報を聞き出す",
     "asks for your personal details by phone"},
    {"ask_account", "口座番号や残高を聞く",
     "asks for your account number or balance"},
    {"ask_pin", "暗証番号を聞く", "asks for your PIN"},
    {"ask_card_details", "カード番号やセキュリティコードを聞く",
     "asks for your card number or security code"},
    {"ask_password", "パスワード、パスコード、確認コードを聞く",
     "asks for a password, passcode or verification code"},
    {"ask_approve_login",
     "別の端末のサインインを「許可」させたり、電話番号を登録させたりする",
     "asks you to approve a sign-in or add a trusted phone number"},
    {"sms_personal_info", "SMSで個人情報や金融情報を求める",
     "asks for personal or financial details by text message"},
    {"ask_gift_card", "電子マネーやギフトカード、プリペイドカードで支払わせる",
     "asks for payment in gift cards, e-money or prepaid cards"},
    {"ask_crypto", "暗号資産で支払わせる",
     "asks for payment in cryptocurrency"},
    {"ask_cash", "現金を送らせたり、手渡しさせたりする",
     "asks you to send or hand over cash"},
    {"ask_transfer", "指定した口座への振込や送金を求める",
     "asks you to transfer or wire money"},
    {"ask_payment", "電話やSMSでお金を払うよう求める",
     "asks you for money by phone or text"},
    {"demand_immediate_payment", "今すぐ支払うよう迫る",
     "demands immediate payment"},
    {"call_about_unpaid", "電話で未納料金の支払いを求める",
     "phones you to demand unpaid charges"},
    {"sms_payment_demand",
     "SMSやメールで支払いを求めたり、差し押さえを知らせたりする",
     "demands payment or announces a seizure by text or e-mail"},
    {"sms_link", "URLの入ったSMSを送る",
     "sends text messages that contain a link"},
    {"sms_link_payment", "SMSのリンクから支払いやログインをさせる",
     "sends a link to pay or to sign in"},
    {"sms_notice", "SMSで通知を送る", "sends notices by text message"},
    {"refund_atm", "ATMで還付金を受け取らせたり、電話でATMを操作させたりする",
     "has you collect a refund or operate an ATM on its instructions"},
    {"cut_line_by_phone", "電話やSMSで回線の利用停止を知らせる",
     "tells you by phone or text that your line will be cut"},
    {"suspend_account", "電話やSMSで口座や番号、給付の停止・制限を告げる",
     "tells you by phone or text that your account, number or benefits "
     "are suspended"},
    {"threaten_arrest", "逮捕すると脅す", "threatens you with arrest"},
    {"threaten_legal_action", "裁判や法的措置、差し押さえで脅す",
     "threatens court action or seizure"},
    {"investigation_by_phone", "電話で「あなたは捜査の対象だ」と告げる",
     "tells you by phone that you are under investigation"},
    {"messaging_app", "LINEなどのメッセージアプリやビデオ通話で連絡してくる",
     "contacts you through a messaging app or video call"},
    {"collect_cash_card", "キャッシュカードや通帳を預かりに来る",
     "comes to collect your bank card or passbook"},
    {"replace_card_by_phone", "電話でキャッシュカードの交換が必要だと言う",
     "tells you by phone that your bank card must be replaced"},
    {"home_visit", "自宅を訪問する", "visits your home"},
    {"sell_by_phone", "電話で商品を売り込む", "calls to sell you something"},
    {"warning_with_phone_number", "エラーや警告の画面に電話番号を表示する",
     "shows a phone number in an error or warning message"},
};

static const char *const kinds[] = {
    "bank",     "card",   "telecom", "government", "police",
    "delivery", "retail", "tech",    "utility",    "other"};

const char *sift_org_never_key(enum sift_org_never n)
{
    return (unsigned)n < SIFT_NEVER_COUNT ? never_table[n].key : "";
}

const char *sift_org_never_ja(enum sift_org_never n)
{
    return (unsigned)n < SIFT_NEVER_COUNT ? never_table[n].ja : "";
}

const char *sift_org_never_en(enum sift_org_never n)
{
    return (unsigned)n < SIFT_NEVER_COUNT ? never_table[n].en : "";
}

/* A growable array of pointers, used while loading. */
struct ptrs {
    const char **v;
    size_t n, cap;
};

static enum sift_rc ptrs_push(struct ptrs *a, const char *p)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4;
        const char **v = sift_realloc((void *)a->v, cap * sizeof(*v));
        if (v == NULL)
            return SIFT_ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = p;
    return SIFT_OK;
}

struct org_slot {
    struct sift_org pub;
    struct ptrs numbers_raw, senders, domains, brands, aliases;
    struct sift_number *numbers;
    unsigned first_line;
    bool closed;
};

struct alias_ref {
    const char *text;
    size_t len;
    uint32_t org;
    bool latin_start, latin_end;
};

struct sift_orgs {
    char *bufs[MAX_FILES];
    size_t n_bufs;
    struct org_slot *orgs;
    size_t n_orgs, cap_orgs;
    struct alias_ref *aliases;
    size_t n_aliases;
    hs_database_t *alias_db; /* every alias, a literal; id: alias index */
    hs_scratch_t *alias_proto;
    struct sift__pool pool; /* idle struct scratch_node */
    /* Brand tokens of every organisation in one automaton: the pattern id
     * is (organisation << 8) | token. */
    struct sift__ac *brand_ac;
    /* every published domain; value: the first organisation listing it */
    struct sift__strset domains;
};

/* A vectorscan scratch, pooled. */
struct scratch_node {
    struct sift__pool_item item; /* first: the pool's link */
    hs_scratch_t *hs;
};

static void slot_release(struct org_slot *s)
{
    sift_free((void *)s->numbers_raw.v);
    sift_free((void *)s->senders.v);
    sift_free((void *)s->domains.v);
    sift_free((void *)s->brands.v);
    sift_free((void *)s->aliases.v);
    sift_free(s->numbers);
}

void sift_orgs_free(struct sift_orgs *orgs)
{
    if (orgs == NULL)
        return;
    for (size_t i = 0; i < orgs->n_orgs; i++)
        slot_release(&orgs->orgs[i]);
    sift_free(orgs->orgs);
    sift_free(orgs->aliases);
    for (struct sift__pool_item *it = sift__pool_take_all(&orgs->pool), *next;
         it != NULL; it = next) {
        next = it->next;
        hs_free_scratch(((struct scratch_node *)it)->hs);
        sift_free(it);
    }
    sift__pool_destroy(&orgs->pool);
    if (orgs->alias_proto)
        hs_free_scratch(orgs->alias_proto);
    if (orgs->alias_db)
        hs_free_database(orgs->alias_db);
    sift__ac_free(orgs->brand_ac);
    sift__strset_free(&orgs->domains);
    for (size_t i = 0; i < orgs->n_bufs; i++)
        sift_free(orgs->bufs[i]);
    sift_free(orgs);
}

size_t sift_orgs_count(const struct sift_orgs *orgs)
{
    return orgs->n_orgs;
}

const struct sift_org *sift_orgs_get(const struct sift_orgs *orgs, size_t i)
{
    return i < orgs->n_orgs ? &orgs->orgs[i].pub : NULL;
}

/* The loader's state for one file. */
struct loader {
    struct sift_orgs *orgs;
    const char *path;
    unsigned lineno;
    struct sift_err *err;
};

static enum sift_rc fail(struct loader *ld, const char *fmt, const char *a,
                         const char *b)
{
    char where[64];
    const char *base = strrchr(ld->path, '/');

    /* Keep the tail of long paths: the file name and line matter most. */
    base = (strlen(ld->path) > 40 && base) ? base + 1 : ld->path;
    snprintf(where, sizeof(where), "%s:%u", base, ld->lineno);
    return sift__err_set(ld->err, SIFT_EPARSE, where, fmt, a, b ? b : "");
}

/* Terminate a slice in place (the loader owns the buffer). */
static const char *cut(struct sift_str s)
{
    ((char *)s.p)[s.len] = '\0';
    return s.p;
}

static bool valid_id(struct sift_str s)
{
    if (s.len == 0 || s.len > 40)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        bool ok = (c >= 'a' && c <= 'z') || sift__is_digit((unsigned char)c) ||
                  (c == '-' && i > 0);
        if (!ok)
            return false;
    }
    return true;
}

/*
 * Split "value ; src: A (O) ; src: B (P)" into the value and check every
 * source. Returns 1 when there were sources, 0 when none, -1 on error
 * (reported).
 */
static int split_sources(struct loader *ld, struct sift_str *value,
                         const char *key)
{
    static const char sep[] = " ; src: ";
    const char *p = value->p, *end = value->p + value->len;
    const char *first = NULL;

    for (const char *q = p; q + sizeof(sep) - 1 <= end; q++)
        if (memcmp(q, sep, sizeof(sep) - 1) == 0) {
            first = q;
            break;
        }
    if (first == NULL)
        return 0;
    value->len = (size_t)(first - value->p);
    p = first;
    while (p < end) {
        const char *next = NULL, *src_end;
        struct sift_str src;
        p += sizeof(sep) - 1;
        for (const char *q = p; q + sizeof(sep) - 1 <= end; q++)
            if (memcmp(q, sep, sizeof(sep) - 1) == 0) {
                next = q;
                break;
            }
        src_end = next ? next : end;
        src.p = p;
        src.len = (size_t)(src_end - p);
        src = sift__str_trim(src);
        if (src.len < 4 || src.p[src.len - 1] != ')' ||
            src.p[src.len - 3] != '(') {
            fail(ld, "%s: a source needs a tag (O) or (P) at its end", key,
                 NULL);
            return -1;
        }
        if (src.p[src.len - 2] != 'O' && src.p[src.len - 2] != 'P') {
            fail(ld,
                 "%s: source tagged (%s); only (O) and (P) facts are "
                 "shipped",
                 key, src.p[src.len - 2] == 'T' ? "T" : "?");
            return -1;
        }
        p = src_end;
    }
    *value = sift__str_trim(*value);
    return 1;
}

static enum sift_rc new_block(struct loader *ld, struct sift_str id)
{
    struct sift_orgs *o = ld->orgs;
    struct org_slot *s;

    if (!valid_id(id))
        return fail(ld,
                    "block id '%s' must be lower-case ascii letters, "
                    "digits and '-', at most 40",
                    cut(id), NULL);
    for (size_t i = 0; i < o->n_orgs; i++)
        if (sift__str_eq(id, o->orgs[i].pub.id))
            return fail(ld, "block id '%s' is used twice", cut(id), NULL);
    if (o->n_orgs == o->cap_orgs) {
        size_t cap = o->cap_orgs ? o->cap_orgs * 2 : 32;
        struct org_slot *v = sift_realloc(o->orgs, cap * sizeof(*v));
        if (v == NULL)
            return SIFT_ENOMEM;
        o->orgs = v;
        o->cap_orgs = cap;
    }
    s = &o->orgs[o->n_orgs++];
    memset(s, 0, sizeof(*s));
    s->pub.id = cut(id);
    s->first_line = ld->lineno;
    return SIFT_OK;
}

static enum sift_rc set_once(struct loader *ld, const char **field,
                             const char *key, struct sift_str v)
{
    if (*field != NULL)
        return fail(ld, "%s given twice in one block", key, NULL);
    if (v.len == 0)
        return fail(ld, "%s is empty", key, NULL);
    *field = cut(v);
    return SIFT_OK;
}

static bool has_upper_ascii(struct sift_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] >= 'A' && s.p[i] <= 'Z')
            return true;
    return false;
}

static enum sift_rc key_value(struct loader *ld, struct sift_str line)
{
    struct org_slot *s;
    struct sift_str key, value;
    const char *eq = memchr(line.p, '=', line.len);
    char keybuf[32];
    int src;

    if (eq == NULL)
        return fail(ld, "expected 'key = value' or '[id]'%s", "", NULL);
    key.p = line.p;
    key.len = (size_t)(eq - line.p);
    key = sift__str_trim(key);
    value.p = eq + 1;
    value.len = (size_t)(line.p + line.len - (eq + 1));
    value = sift__str_trim(value);
    sift__strlcpy(keybuf, "?", sizeof(keybuf));
    if (key.len < sizeof(keybuf)) {
        memcpy(keybuf, key.p, key.len);
        keybuf[key.len] = '\0';
    }
    if (ld->orgs->n_orgs == 0 || ld->orgs->orgs == NULL)
        return fail(ld, "'%s' before the first [id] block", keybuf, NULL);
    s = &ld->orgs->orgs[ld->orgs->n_orgs - 1];
    src = split_sources(ld, &value, keybuf);
    if (src < 0)
        return SIFT_EPARSE;

    if (strcmp(keybuf, "name.ja") == 0)
        return set_once(ld, &s->pub.name_ja, keybuf, value);
    if (strcmp(keybuf, "name.en") == 0)
        return set_once(ld, &s->pub.name_en, keybuf, value);
    if (strcmp(keybuf, "country") == 0) {
        if (value.len != 2 || value.p[0] < 'A' || value.p[0] > 'Z' ||
            value.p[1] < 'A' || value.p[1] > 'Z')
            return fail(ld, "country must be an ISO code such as JP%s", "",
                        NULL);
        return set_once(ld, &s->pub.country, keybuf, value);
    }
    if (strcmp(keybuf, "kind") == 0) {
        for (size_t i = 0; i < SIFT_ARRAY_LEN(kinds); i++)
            if (sift__str_eq(value, kinds[i]))
                return set_once(ld, &s->pub.kind, keybuf, value);
        return fail(ld,
                    "kind '%s' is not one of bank, card, telecom, "
                    "government, police, delivery, retail, tech, "
                    "utility, other",
                    cut(value), NULL);
    }
    if (strcmp(keybuf, "contact") == 0) {
        const char *bar = NULL;
        struct sift_str ja, en;
        for (size_t i = 0; i + 3 <= value.len; i++)
            if (memcmp(value.p + i, " | ", 3) == 0) {
                if (bar != NULL)
                    return fail(ld, "contact has more than one ' | '%s", "",
                                NULL);
                bar = value.p + i;
            }
        if (bar == NULL)
            return fail(ld, "contact needs '<ja> | <en>'%s", "", NULL);
        ja.p = value.p;
        ja.len = (size_t)(bar - value.p);
        en.p = bar + 3;
        en.len = value.len - ja.len - 3;
        ja = sift__str_trim(ja);
        en = sift__str_trim(en);
        if (ja.len == 0 || en.len == 0)
            return fail(ld, "contact has an empty side%s", "", NULL);
        if (s->pub.contact_ja != NULL)
            return fail(ld, "contact given twice in one block%s", "", NULL);
        s->pub.contact_ja = cut(ja);
        s->pub.contact_en = cut(en);
        return SIFT_OK;
    }
    if (strcmp(keybuf, "alias") == 0) {
        if (value.len == 0)
            return fail(ld, "alias is empty%s", "", NULL);
        if (has_upper_ascii(value))
            return fail(ld,
                        "alias '%s' is not normalised (write it in "
                        "lower case)",
                        cut(value), NULL);
        return ptrs_push(&s->aliases, cut(value));
    }
    if (strcmp(keybuf, "brand") == 0) {
        if (value.len < 3)
            return fail(ld, "brand '%s' is shorter than 3 characters",
                        cut(value), NULL);
        for (size_t i = 0; i < value.len; i++) {
            char c = value.p[i];
            if (!((c >= 'a' && c <= 'z') || sift__is_digit((unsigned char)c) ||
                  c == '-' || c == '.'))
                return fail(ld, "brand '%s' may hold only a-z, 0-9, '-', '.'",
                            cut(value), NULL);
        }
        if (s->brands.n >= 256)
            return fail(ld, "more than 256 brand tokens in one block%s", "",
                        NULL);
        return ptrs_push(&s->brands, cut(value));
    }
    /* The fact keys: each needs a source. */
    if (strcmp(keybuf, "number") == 0 || strcmp(keybuf, "sms_sender") == 0 ||
        strcmp(keybuf, "domain") == 0 || strcmp(keybuf, "never") == 0) {
        if (src == 0)
            return fail(ld, "%s is a fact: end it with ' ; src: <source> (O)'",
                        keybuf, NULL);
        if (value.len == 0)
            return fail(ld, "%s is empty", keybuf, NULL);
    }
    if (strcmp(keybuf, "number") == 0)
        return ptrs_push(&s->numbers_raw, cut(value));
    if (strcmp(keybuf, "sms_sender") == 0) {
        /* Senders compare lower-case, without spaces and hyphens. */
        char *w = (char *)value.p;
        size_t n = 0;
        for (size_t i = 0; i < value.len; i++) {
            char c = value.p[i];
            if (c == ' ' || c == '-')
                continue;
            w[n++] = (char)sift__ascii_lower((unsigned char)c);
        }
        value.len = n;
        return ptrs_push(&s->senders, cut(value));
    }
    if (strcmp(keybuf, "domain") == 0) {
        if (has_upper_ascii(value))
            return fail(ld, "domain '%s' must be lower case", cut(value), NULL);
        return ptrs_push(&s->domains, cut(value));
    }
    if (strcmp(keybuf, "never") == 0) {
        for (int i = 0; i < SIFT_NEVER_COUNT; i++)
            if (sift__str_eq(value, never_table[i].key)) {
                s->pub.never |= (uint64_t)1 << i;
                return SIFT_OK;
            }
        return fail(ld, "never: unknown key '%s' (see docs/orgs-format.md)",
                    cut(value), NULL);
    }
    return fail(ld, "unknown key '%s'", keybuf, NULL);
}

/* Close the last block: required fields, then parse its numbers. */
static enum sift_rc end_block(struct loader *ld)
{
    struct org_slot *s;
    const char *missing = NULL;
    unsigned saved = ld->lineno;
    enum sift_rc rc;

    if (ld->orgs->n_orgs == 0)
        return SIFT_OK;
    s = &ld->orgs->orgs[ld->orgs->n_orgs - 1];
    if (s->closed)
        return SIFT_OK;
    if (!s->pub.name_ja)
        missing = "name.ja";
    else if (!s->pub.name_en)
        missing = "name.en";
    else if (!s->pub.country)
        missing = "country";
    else if (!s->pub.kind)
        missing = "kind";
    else if (!s->pub.contact_ja)
        missing = "contact";
    else if (s->aliases.n == 0)
        missing = "alias";
    if (missing != NULL) {
        ld->lineno = s->first_line;
        rc = fail(ld, "[%s]: missing %s", s->pub.id, missing);
        ld->lineno = saved;
        return rc;
    }
    if (s->numbers_raw.n > 0) {
        s->numbers = sift_calloc(s->numbers_raw.n, sizeof(*s->numbers));
        if (s->numbers == NULL)
            return SIFT_ENOMEM;
    }
    for (size_t i = 0; i < s->numbers_raw.n; i++) {
        struct sift_number n;
        const char *raw = s->numbers_raw.v[i];
        /* Service codes (#9110, 151) are kept for people but are not
         * caller IDs; only numbers that parse are matched. */
        if (sift_number_parse(&n, raw, strlen(raw), s->pub.country, NULL) ==
                SIFT_OK &&
            n.status == SIFT_NUMBER_OK)
            s->numbers[s->pub.n_numbers++] = n;
    }
    s->pub.numbers = s->numbers;
    s->pub.senders = s->senders.v;
    s->pub.n_senders = s->senders.n;
    s->pub.domains = s->domains.v;
    s->pub.n_domains = s->domains.n;
    s->pub.brands = s->brands.v;
    s->pub.n_brands = s->brands.n;
    s->closed = true;
    return SIFT_OK;
}

static enum sift_rc load_file(struct sift_orgs *orgs, const char *path,
                              struct sift_err *err)
{
    struct loader ld = {orgs, path, 0, err};
    struct sift__lines it;
    struct sift_str line;
    char *data;
    size_t len;
    enum sift_rc rc;

    if (orgs->n_bufs == MAX_FILES)
        return sift__err_set(err, SIFT_ETOOBIG, path,
                             "more than %d organisation files", MAX_FILES);
    rc = sift__file_read(path, MAX_FILE, &data, &len, err);
    if (rc != SIFT_OK)
        return rc;
    orgs->bufs[orgs->n_bufs++] = data;
    sift__lines_init(&it, data, len);
    while (sift__lines_next(&it, &line)) {
        ld.lineno = it.lineno;
        if (sift__utf8_valid_prefix(line.p, line.len) != line.len)
            return fail(&ld, "invalid UTF-8 (or a NUL byte) in this line%s", "",
                        NULL);
        line = sift__str_trim(line);
        if (line.len == 0 || line.p[0] == '#')
            continue;
        if (line.p[0] == '[') {
            struct sift_str id = {line.p + 1, line.len - 1};
            if (line.len < 3 || line.p[line.len - 1] != ']')
                return fail(&ld, "a block starts with '[id]'%s", "", NULL);
            id.len--;
            rc = end_block(&ld);
            if (rc == SIFT_OK)
                rc = new_block(&ld, id);
        } else {
            rc = key_value(&ld, line);
        }
        if (rc != SIFT_OK)
            return rc == SIFT_ENOMEM
                       ? sift__err_set(err, rc, path, "out of memory")
                       : rc;
    }
    rc = end_block(&ld);
    return rc == SIFT_ENOMEM ? sift__err_set(err, rc, path, "out of memory")
                             : rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum sift_rc build_index(struct sift_orgs *orgs)
{
    const char **pats = NULL;
    size_t *lens = NULL;
    uint32_t *ids = NULL;
    size_t n = 0, n_brands = 0, cap;
    enum sift_rc rc = SIFT_ENOMEM;

    for (size_t i = 0; i < orgs->n_orgs; i++) {
        n += orgs->orgs[i].aliases.n;
        n_brands += orgs->orgs[i].brands.n;
    }
    cap = (n > n_brands ? n : n_brands) + 1;
    orgs->aliases = sift_calloc(n ? n : 1, sizeof(*orgs->aliases));
    pats = sift_calloc(cap, sizeof(*pats));
    lens = sift_calloc(cap, sizeof(*lens));
    ids = sift_calloc(cap, sizeof(*ids));
    if (!orgs->aliases || !pats || !lens || !ids)
        goto out;
    for (size_t i = 0; i < orgs->n_orgs; i++)
        for (size_t k = 0; k < orgs->orgs[i].aliases.n; k++) {
            struct alias_ref *a = &orgs->aliases[orgs->n_aliases];
            a->text = orgs->orgs[i].aliases.v[k];
            a->len = strlen(a->text);
            a->org = (uint32_t)i;
            a->latin_start = sift__is_alnum_ascii((unsigned char)a->text[0]);
            a->latin_end =
                sift__is_alnum_ascii((unsigned char)a->text[a->len - 1]);
            pats[orgs->n_aliases] = a->text;
            lens[orgs->n_aliases] = a->len;
            ids[orgs->n_aliases] = (uint32_t)orgs->n_aliases;
            orgs->n_aliases++;
        }
    if (orgs->n_aliases > 0) {
        unsigned *flags = sift_calloc(orgs->n_aliases, sizeof(*flags));
        hs_compile_error_t *cerr = NULL;

        if (flags == NULL)
            goto out;
        /* Byte-exact literals (the text and the aliases are normalised the
         * same way); every occurrence is reported, overlapping ones too. */
        if (hs_compile_lit_multi(pats, flags, (const unsigned *)ids, lens,
                                 (unsigned)orgs->n_aliases, HS_MODE_BLOCK, NULL,
                                 &orgs->alias_db, &cerr) != HS_SUCCESS) {
            orgs->alias_db = NULL;
            hs_free_compile_error(cerr);
            sift_free(flags);
            rc = SIFT_EPARSE;
            goto out;
        }
        sift_free(flags);
        if (hs_alloc_scratch(orgs->alias_db, &orgs->alias_proto) !=
            HS_SUCCESS) {
            orgs->alias_proto = NULL;
            goto out;
        }
    }
    n = 0;
    for (size_t i = 0; i < orgs->n_orgs; i++)
        for (size_t k = 0; k < orgs->orgs[i].brands.n && k < 256; k++) {
            pats[n] = orgs->orgs[i].brands.v[k];
            lens[n] = strlen(pats[n]);
            ids[n] = (uint32_t)(i << 8 | k);
            n++;
        }
    rc = sift__ac_build(&orgs->brand_ac, pats, lens, ids, n);
    for (size_t i = 0; rc == SIFT_OK && i < orgs->n_orgs; i++)
        for (size_t k = 0; rc == SIFT_OK && k < orgs->orgs[i].pub.n_domains;
             k++)
            rc = sift__strset_put(&orgs->domains, orgs->orgs[i].pub.domains[k],
                                  strlen(orgs->orgs[i].pub.domains[k]),
                                  (uint32_t)i, SIFT__STRSET_MIN);
out:
    sift_free((void *)pats);
    sift_free(lens);
    sift_free(ids);
    return rc;
}

enum sift_rc sift_orgs_load(struct sift_orgs **out, const char *dir,
                            struct sift_err *err)
{
    struct sift_orgs *orgs = NULL;
    char *names[MAX_FILES];
    size_t n_names = 0;
    DIR *d;
    struct dirent *de;
    enum sift_rc rc = SIFT_OK;

    *out = NULL;
    d = opendir(dir);
    if (d == NULL)
        return sift__err_set(err, SIFT_EIO, dir,
                             "cannot open the organisations folder %s", dir);
    for (;;) {
        size_t len;
        de = readdir(d);
        if (de == NULL)
            break;
        len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".orgs") != 0)
            continue;
        if (n_names == MAX_FILES) {
            rc = sift__err_set(err, SIFT_ETOOBIG, dir,
                               "more than %d organisation files", MAX_FILES);
            break;
        }
        names[n_names] = sift_malloc(strlen(dir) + len + 2);
        if (names[n_names] == NULL) {
            rc = sift__err_set(err, SIFT_ENOMEM, dir, "out of memory");
            break;
        }
        snprintf(names[n_names], strlen(dir) + len + 2, "%s/%s", dir,
                 de->d_name);
        n_names++;
    }
    closedir(d);
    if (rc != SIFT_OK)
        goto out;
    qsort(names, n_names, sizeof(names[0]), cmp_str);
    orgs = sift_calloc(1, sizeof(*orgs));
    if (orgs == NULL) {
        rc = sift__err_set(err, SIFT_ENOMEM, dir, "out of memory");
        goto out;
    }
    sift__pool_init(&orgs->pool);
    for (size_t i = 0; i < n_names && rc == SIFT_OK; i++)
        rc = load_file(orgs, names[i], err);
    if (rc == SIFT_OK) {
        rc = build_index(orgs);
        if (rc == SIFT_ETOOBIG)
            sift__err_set(err, rc, dir,
                          "the brand tokens add up to more than 32767 bytes: "
                          "too many for one matcher");
        else if (rc == SIFT_EPARSE)
            sift__err_set(err, rc, dir,
                          "vectorscan cannot compile the aliases");
        else if (rc != SIFT_OK)
            sift__err_set(err, rc, dir, "out of memory");
    }
    if (rc == SIFT_OK) {
        *out = orgs;
        orgs = NULL;
    }
out:
    for (size_t i = 0; i < n_names; i++)
        sift_free(names[i]);
    sift_orgs_free(orgs);
    return rc;
}

struct find_ctx {
    const struct sift_orgs *orgs;
    const char *text;
    size_t len;
    struct sift_org_match cand[MAX_FIND];
    size_t n;
};

/* A scratch from the pool, or a new one cloned from the prototype; NULL
 * when memory runs out. */
static struct scratch_node *scratch_get(const struct sift_orgs *corgs)
{
    struct sift_orgs *orgs = (struct sift_orgs *)corgs;
    struct scratch_node *nd = sift__pool_take(&orgs->pool);

    if (nd != NULL)
        return nd;
    nd = sift_calloc(1, sizeof(*nd));
    if (nd == NULL)
        return NULL;
    if (hs_clone_scratch(orgs->alias_proto, &nd->hs) != HS_SUCCESS) {
        sift_free(nd);
        return NULL;
    }
    return nd;
}

static void scratch_put(const struct sift_orgs *corgs, struct scratch_node *nd)
{
    struct sift_orgs *orgs = (struct sift_orgs *)corgs;

    sift__pool_put(&orgs->pool, &nd->item);
}

/* An occurrence of alias id ending at byte end: a candidate unless a
 * Latin end touches a letter or digit. Returns 1 when the candidates are
 * full. */
static int add_candidate(struct find_ctx *c, size_t id, size_t end)
{
    const struct alias_ref *a = &c->orgs->aliases[id];
    size_t start = end - a->len;

    if (a->latin_start && start > 0 &&
        sift__is_alnum_ascii((unsigned char)c->text[start - 1]))
        return 0;
    if (a->latin_end && end < c->len &&
        sift__is_alnum_ascii((unsigned char)c->text[end]))
        return 0;
    if (c->n == MAX_FIND)
        return 1;
    c->cand[c->n].org = &c->orgs->orgs[a->org].pub;
    c->cand[c->n].alias = a->text;
    c->cand[c->n].start = start;
    c->cand[c->n].end = end;
    c->n++;
    return 0;
}

static int on_alias(unsigned int id, unsigned long long from,
                    unsigned long long to, unsigned int flags, void *vctx)
{
    (void)from;
    (void)flags;
    return add_candidate(vctx, id, (size_t)to);
}

static int cmp_match(const void *a, const void *b)
{
    const struct sift_org_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* The candidates to the matches sift_orgs_find() reports. */
static size_t choose(const struct find_ctx *c, struct sift_org_match *out,
                     size_t max)
{
    size_t n_out = 0;

    for (size_t i = 0; i < c->n; i++) {
        const struct sift_org_match *m = &c->cand[i];
        size_t mlen = m->end - m->start;
        bool keep = true;
        for (size_t k = 0; k < c->n && keep; k++) {
            const struct sift_org_match *o = &c->cand[k];
            size_t olen = o->end - o->start;
            bool overlap = o->start < m->end && m->start < o->end;
            if (k == i)
                continue;
            /* A longer overlapping match (of any organisation) wins; the
             * same organisation is reported once, at its longest alias. */
            /* An alias shared by organisations of several countries
             * (Amazon in jp.orgs and us.orgs) keeps all of them: the
             * engine chooses by country. */
            if (overlap && o->org != m->org && olen > mlen)
                keep = false;
            if (o->org == m->org && (olen > mlen || (olen == mlen && k < i)))
                keep = false;
        }
        if (keep && n_out < max)
            out[n_out++] = *m;
    }
    qsort(out, n_out, sizeof(*out), cmp_match);
    return n_out;
}

size_t sift_orgs_find(const struct sift_orgs *orgs, const char *norm,
                      size_t len, struct sift_org_match *out, size_t max)
{
    struct find_ctx c;
    struct scratch_node *sc;

    c.orgs = orgs;
    c.text = norm;
    c.len = len;
    c.n = 0;
    if (orgs->alias_db == NULL || len == 0 || len > UINT_MAX)
        return 0;
    sc = scratch_get(orgs);
    if (sc == NULL)
        return 0;
    hs_scan(orgs->alias_db, norm, (unsigned)len, 0, sc->hs, on_alias, &c);
    scratch_put(orgs, sc);
    return choose(&c, out, max);
}

size_t sift_orgs_found(const struct sift_orgs *orgs, const char *norm,
                       size_t len, const uint32_t *ids, const uint32_t *ends,
                       size_t n, struct sift_org_match *out, size_t max)
{
    struct find_ctx c;

    c.orgs = orgs;
    c.text = norm;
    c.len = len;
    c.n = 0;
    for (size_t k = 0; k < n; k++) {
        const struct alias_ref *a =
            ids[k] < orgs->n_aliases ? &orgs->aliases[ids[k]] : NULL;

        if (a == NULL || ends[k] > len || ends[k] < a->len ||
            memcmp(norm + ends[k] - a->len, a->text, a->len) != 0)
            continue; /* not an occurrence of this set's alias */
        if (add_candidate(&c, ids[k], ends[k]))
            break;
    }
    return choose(&c, out, max);
}

size_t sift_orgs_literals(const struct sift_orgs *orgs,
                          struct sift_text_literal *out, size_t max)
{
    if (orgs == NULL)
        return 0;
    for (size_t i = 0; i < orgs->n_aliases && i < max; i++) {
        const struct alias_ref *a = &orgs->aliases[i];

        out[i].text = a->text;
        out[i].len = a->len;
        out[i].latin_start = a->latin_start;
        out[i].latin_end = a->latin_end;
    }
    return orgs->n_aliases;
}

bool sift_org_has_number(const struct sift_org *org,
                         const struct sift_number *caller)
{
    if (caller == NULL || caller->status != SIFT_NUMBER_OK)
        return false;
    for (size_t i = 0; i < org->n_numbers; i++)
        if (strcmp(org->numbers[i].e164, caller->e164) == 0)
            return true;
    return false;
}

bool sift_org_has_sender(const struct sift_org *org, const char *sender,
                         size_t len)
{
    char key[64];
    size_t n = 0;

    for (size_t i = 0; i < len && n + 1 < sizeof(key); i++) {
        char c = sender[i];
        if (c == ' ' || c == '-')
            continue;
        key[n++] = (char)sift__ascii_lower((unsigned char)c);
    }
    key[n] = '\0';
    for (size_t i = 0; i < org->n_senders; i++)
        if (strcmp(org->senders[i], key) == 0)
            return true;
    return false;
}

/* The first organisation (in load order) with a domain that is host or
 * that host is under. */
const struct sift_org *sift_orgs_domain_owner(const struct sift_orgs *orgs,
                                              const char *host, size_t len)
{
    uint32_t i;

    if (!sift__strset_get_under(&orgs->domains, host, len, SIFT__STRSET_MIN,
                                &i))
        return NULL;
    return &orgs->orgs[i].pub;
}

struct brand_ctx {
    const struct sift_orgs *orgs;
    const struct sift_org *org;
    const char *token;
};

static int on_brand(void *vctx, uint32_t id, size_t end)
{
    struct brand_ctx *c = vctx;
    const struct org_slot *s = &c->orgs->orgs[id >> 8];
    const char *token = s->brands.v[id & 0xff];

    (void)end;
    /* The longest token found names the look-alike best ("ntt-finance"
     * rather than its prefix "ntt-fin"). */
    if (c->token == NULL || strlen(token) > strlen(c->token)) {
        c->org = &s->pub;
        c->token = token;
    }
    return 0;
}

const struct sift_org *sift_orgs_brand_in(const struct sift_orgs *orgs,
                                          const char *host, size_t len,
                                          const char **token)
{
    struct brand_ctx c = {orgs, NULL, NULL};

    if (orgs->brand_ac == NULL)
        return NULL;
    sift__ac_search(orgs->brand_ac, host, len, on_brand, &c);
    if (c.org != NULL && token != NULL)
        *token = c.token;
    return c.org;
}
