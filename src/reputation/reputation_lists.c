/*
 * reputation_lists.c - block and allow entries (issue 4 section 2): an
 * exact number or sender ID, a prefix of digits ("+1877*", national
 * "050*"), a country ("US") or a type ("withheld", "international",
 * "toll_free", any number type or caller-ID state name), each global or
 * for one callee, with an optional expiry.
 *
 * Exact entries sit in an open-addressing table keyed like the numbers;
 * prefixes in a trie of digits (one root for E.164 prefixes, one for
 * national ones written with the trunk 0, matched against "0" + the
 * national significant number); countries and types on one short chain.
 * Each table slot, trie node or chain holds a list of entries, so one
 * number may carry a global block and a callee's allow at once.
 *
 * Which entry decides (docs/reputation.md "Lists"): the callee's own
 * allow entry wins over everything, then the callee's own block, then a
 * global allow, then a global block; within one rank the most specific
 * (exact, then the longest prefix, then country and type) is reported.
 * Expiry is checked at assess time, so nothing needs sweeping.
 *
 * A removed entry is unlinked lazily (marked removed, skipped on read) and
 * its strings stay until the index is freed: struct sift_rep_facts hands
 * them out without a copy. Removal is rare; the cost is bounded by the
 * number of entries ever added.
 */
#include <string.h>

#include "reputation_int.h"
#include "util/util.h"

#define TYPE_STATUS        100
#define TYPE_INTERNATIONAL 200

enum sift_rc sift__rep_lists_init(struct list_index *li)
{
    memset(li, 0, sizeof(*li));
    li->cap_nodes = 16;
    li->nodes = sift_calloc(li->cap_nodes, sizeof(*li->nodes));
    if (li->nodes == NULL)
        return SIFT_ENOMEM;
    li->n_nodes = 2;
    return SIFT_OK;
}

void sift__rep_lists_release(struct list_index *li)
{
    for (size_t i = 0; i < li->n_recs; i++)
        sift_free(li->recs[i].text);
    sift_free(li->recs);
    sift_free(li->exact);
    sift_free(li->nodes);
    memset(li, 0, sizeof(*li));
}

/* "withheld" -> TYPE_STATUS + SIFT_NUMBER_WITHHELD, "toll_free" ->
 * SIFT_TYPE_TOLL_FREE, "international"; -1 for an unknown name. */
static int type_code(const char *name)
{
    if (strcmp(name, "international") == 0)
        return TYPE_INTERNATIONAL;
    for (int t = 0; t < SIFT_TYPE_UNKNOWN; t++)
        if (strcmp(name, sift_number_type_name((enum sift_number_type)t)) == 0)
            return t;
    for (int s = SIFT_NUMBER_WITHHELD; s <= SIFT_NUMBER_INPUT_TOO_LONG; s++)
        if (strcmp(name, sift_number_status_name((enum sift_number_status)s)) ==
            0)
            return TYPE_STATUS + s;
    return -1;
}

/* ---- the exact table -------------------------------------------------- */

static size_t exact_at(uint64_t key, size_t cap)
{
    return (size_t)(sift__rep_mix(key) & (cap - 1));
}

/* What a reader uses of the index: each array with the bound it may
 * index (reputation_int.h: the bound loaded first). bad is set when an
 * index read from the arrays is out of its bound (a torn read). */
struct view {
    const struct list_rec *recs;
    size_t n_recs;
    const struct trie_node *nodes;
    size_t n_nodes;
    const struct exact_slot *exact;
    size_t exact_cap;
    bool bad;
};

static const struct exact_slot *exact_find(struct view *v, uint64_t key)
{
    if (v->exact_cap == 0 || v->exact == NULL || key == 0)
        return NULL;
    return sift__rep_probe(v->exact, sizeof(*v->exact), v->exact_cap - 1,
                           exact_at(key, v->exact_cap), key, &v->bad);
}

static struct exact_slot *exact_get(struct list_index *li, uint64_t key)
{
    size_t i;

    if ((li->exact_n + 1) * 4 > li->exact_cap * 3) {
        size_t cap = li->exact_cap ? li->exact_cap * 2 : 64;
        struct exact_slot *t = sift_calloc(cap, sizeof(*t));
        if (t == NULL)
            return NULL;
        for (size_t j = 0; j < li->exact_cap; j++) {
            if (li->exact[j].key == 0)
                continue;
            for (i = exact_at(li->exact[j].key, cap); t[i].key != 0;
                 i = (i + 1) & (cap - 1))
                ;
            t[i] = li->exact[j];
        }
        sift__rep_retire(li->ret, li->exact);
        PUB(li->exact, t); /* before its size: reputation_int.h */
        PUB(li->exact_cap, cap);
    }
    for (i = exact_at(key, li->exact_cap);; i = (i + 1) & (li->exact_cap - 1)) {
        if (li->exact[i].key == key)
            return &li->exact[i];
        if (li->exact[i].key == 0) {
            li->exact[i].key = key;
            li->exact[i].head = 0;
            li->exact_n++;
            return &li->exact[i];
        }
    }
}

/* ---- the trie ------------------------------------------------------------ */

/* The node for digits under root, created as needed; 0 on ENOMEM (node 0
 * is a root, never a child). */
static uint32_t trie_get(struct list_index *li, uint32_t root,
                         const char *digits)
{
    uint32_t n = root;

    for (const char *p = digits; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (li->nodes[n].child[d] == 0) {
            if (li->n_nodes == li->cap_nodes) {
                size_t cap = li->cap_nodes * 2;
                struct trie_node *v;
                if (cap > UINT32_MAX ||
                    (v = sift__rep_regrow(li->ret, li->nodes,
                                          li->n_nodes * sizeof(*v),
                                          cap * sizeof(*v))) == NULL)
                    return 0;
                PUB(li->nodes, v);
                li->cap_nodes = cap;
            }
            /* The node complete, then counted, then linked: a reader
             * that reaches it finds it whole. */
            memset(&li->nodes[li->n_nodes], 0, sizeof(li->nodes[0]));
            PUB(li->n_nodes, li->n_nodes + 1);
            PUB(li->nodes[n].child[d], (uint32_t)(li->n_nodes - 1));
        }
        n = li->nodes[n].child[d];
    }
    return n;
}

/* ---- adding and removing ----------------------------------------------------
 */

static char *dup3(const char *a, const char *b, const char *c, char **pb,
                  char **pc)
{
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0,
           lc = c ? strlen(c) + 1 : 0;
    char *t = sift_malloc(la + lb + lc);

    if (t == NULL)
        return NULL;
    memcpy(t, a, la);
    *pb = b ? memcpy(t + la, b, lb) : NULL;
    *pc = c ? memcpy(t + la + lb, c, lc) : NULL;
    return t;
}

/* A prefix's digits, without '+' and a trailing '*'; false if not digits. */
static bool prefix_digits(const char *value, char *out, size_t size,
                          bool *national)
{
    const char *p = value;
    size_t n = 0;

    *national = *p != '+';
    if (*p == '+')
        p++;
    for (; *p && *p != '*'; p++) {
        if (!sift__is_digit((unsigned char)*p) || n + 1 >= size)
            return false;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n > 0 && (*p == '\0' || (p[0] == '*' && p[1] == '\0'));
}

enum sift_rc sift__rep_lists_add(struct list_index *li,
                                 const struct sift_list_entry *e)
{
    struct list_rec *r;
    uint32_t *head = NULL, ix;
    char digits[SIFT_KEY_MAX];
    char *callee, *note;
    bool national = false;
    int code = -1;

    if ((unsigned)e->kind > SIFT_LIST_ALLOW ||
        (unsigned)e->match > SIFT_MATCH_TYPE)
        return SIFT_EINVAL;
    if (e->match == SIFT_MATCH_PREFIX &&
        !prefix_digits(e->value, digits, sizeof(digits), &national))
        return SIFT_EINVAL;
    if (e->match == SIFT_MATCH_TYPE && (code = type_code(e->value)) < 0)
        return SIFT_EINVAL;
    if (e->match == SIFT_MATCH_COUNTRY && strlen(e->value) > 3)
        return SIFT_EINVAL;
    if (li->n_recs == li->cap_recs) {
        size_t cap = li->cap_recs ? li->cap_recs * 2 : 16;
        struct list_rec *v = sift__rep_regrow(
            li->ret, li->recs, li->n_recs * sizeof(*v), cap * sizeof(*v));
        if (v == NULL)
            return SIFT_ENOMEM;
        PUB(li->recs, v);
        li->cap_recs = cap;
    }
    ix = (uint32_t)li->n_recs;
    switch (e->match) {
    case SIFT_MATCH_EXACT: {
        struct exact_slot *s =
            exact_get(li, sift__rep_key(e->value, strlen(e->value)));
        head = s ? &s->head : NULL;
        break;
    }
    case SIFT_MATCH_PREFIX: {
        uint32_t n = trie_get(li, national ? 1 : 0, digits);
        head = n ? &li->nodes[n].head : NULL;
        break;
    }
    default:
        head = &li->misc_head;
        break;
    }
    if (head == NULL)
        return SIFT_ENOMEM;
    r = &li->recs[ix];
    memset(r, 0, sizeof(*r));
    r->text = dup3(e->value, e->callee, e->note, &callee, &note);
    if (r->text == NULL)
        return SIFT_ENOMEM;
    r->pub = *e;
    r->pub.value = r->text;
    r->pub.callee = callee;
    r->pub.note = note;
    r->callee_key = e->callee && e->callee[0]
                        ? sift__rep_key(e->callee, strlen(e->callee))
                        : 0;
    r->type_code = code;
    r->next = *head;
    /* The record complete, then counted, then linked (reputation_int.h):
     * readers bound record indexes by n_recs. */
    PUB(li->n_recs, li->n_recs + 1);
    PUB(*head, ix + 1);
    PUB(li->n_live, li->n_live + 1);
    return SIFT_OK;
}

void sift__rep_lists_remove(struct list_index *li, int64_t id)
{
    for (size_t i = 0; i < li->n_recs; i++)
        if (li->recs[i].pub.id == id && !li->recs[i].removed) {
            PUB(li->recs[i].removed, true);
            PUB(li->n_live, li->n_live - 1);
        }
}

/* ---- deciding
 * ------------------------------------------------------------------ */

/* Ranks: the callee's allow 4, the callee's block 3, a global allow 2, a
 * global block 1. */
struct best {
    const struct sift_number *caller, *callee;
    uint64_t callee_key;
    int64_t now;
    int rank;
    const struct list_rec *rec;
};

static bool misc_matches(const struct list_rec *r,
                         const struct sift_number *caller,
                         const struct sift_number *callee)
{
    if (caller == NULL)
        return false;
    if (r->pub.match == SIFT_MATCH_COUNTRY)
        return caller->status == SIFT_NUMBER_OK &&
               strcmp(r->pub.value, caller->region) == 0;
    if (r->type_code == TYPE_INTERNATIONAL)
        return caller->status == SIFT_NUMBER_OK && callee != NULL &&
               callee->status == SIFT_NUMBER_OK &&
               caller->country_code != callee->country_code;
    if (r->type_code >= TYPE_STATUS)
        return (int)caller->status == r->type_code - TYPE_STATUS;
    return caller->status == SIFT_NUMBER_OK && caller->valid &&
           (int)caller->type == r->type_code;
}

static void consider(struct view *v, uint32_t head, struct best *b)
{
    size_t steps = 0;

    for (uint32_t i = head; i != 0; i = v->recs[i - 1].next) {
        const struct list_rec *r;
        int rank;
        if (i > v->n_recs || ++steps > v->n_recs) {
            v->bad = true; /* a link read mid-change */
            return;
        }
        r = &v->recs[i - 1];
        if (r->removed || (r->pub.expires != 0 && r->pub.expires <= b->now))
            continue;
        if (r->callee_key != 0 && r->callee_key != b->callee_key)
            continue;
        if (r->pub.match >= SIFT_MATCH_COUNTRY &&
            !misc_matches(r, b->caller, b->callee))
            continue;
        rank = r->callee_key != 0 ? 3 : 1;
        if (r->pub.kind == SIFT_LIST_ALLOW)
            rank++;
        if (rank > b->rank) {
            b->rank = rank;
            b->rec = r;
        }
    }
}

/* The trie path of digits under root, longest prefix considered first. */
static void walk(struct view *v, uint32_t root, const char *digits,
                 struct best *b)
{
    uint32_t path[SIFT_KEY_MAX];
    size_t n = 0;
    uint32_t node = root;

    for (const char *p = digits; *p && n < SIFT_KEY_MAX; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (d > 9)
            break;
        node = v->nodes[node].child[d];
        if (node == 0)
            break;
        if (node >= v->n_nodes) {
            v->bad = true;
            return;
        }
        path[n++] = node;
    }
    while (n > 0)
        consider(v, v->nodes[path[--n]].head, b);
}

bool sift__rep_lists_assess(const struct list_index *li,
                            const struct sift_number *caller,
                            uint64_t caller_key,
                            const struct sift_number *callee,
                            uint64_t callee_key, int64_t now,
                            struct sift_rep_facts *out)
{
    struct best b = {caller, callee, callee_key, now, 0, NULL};
    const struct exact_slot *s;
    struct view v;

    if (RD(li->n_live) == 0)
        return true;
    /* Each bound before its array (reputation_int.h). */
    v.n_recs = RD(li->n_recs);
    v.recs = RD(li->recs);
    v.n_nodes = RD(li->n_nodes);
    v.nodes = RD(li->nodes);
    v.exact_cap = RD(li->exact_cap);
    v.exact = RD(li->exact);
    v.bad = false;
    s = exact_find(&v, caller_key);
    if (s != NULL)
        consider(&v, s->head, &b);
    if (caller != NULL && caller->status == SIFT_NUMBER_OK) {
        char national[SIFT_NUMBER_MAX_NSN + 2];
        walk(&v, 0, caller->e164 + 1, &b);
        national[0] = '0';
        sift__strlcpy(national + 1, caller->nsn, sizeof(national) - 1);
        walk(&v, 1, national, &b);
    }
    consider(&v, RD(li->misc_head), &b);
    if (v.bad)
        return false;
    if (b.rec == NULL)
        return true;
    out->list = b.rec->pub;
    out->allowed = b.rank == 4 || b.rank == 2;
    out->blocked = !out->allowed;
    out->allowed_by_callee = b.rank == 4;
    return true;
}
