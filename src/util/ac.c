/*
 * ac.c - Aho-Corasick over bytes (ac.h).
 *
 * Built as a full transition table so a search is one table load per
 * byte. Each state keeps the head of its output list (the patterns that
 * end here, including those reached through failure links) in
 * `out_head`, with lists chained through `out_next`, so a search never
 * follows failure links. The sets here are small (hundreds of patterns, a
 * few thousand states): the search table (`fast`) holds uint16_t entries,
 * the target state in the low 15 bits and, in the top bit, whether that
 * state has outputs, so the common byte costs one load from a table a
 * quarter of the size of a uint32_t one. Sets of 32768 states or more are
 * refused (SIFT_ETOOBIG).
 */
#include <string.h>

#include "ac.h"

#define NONE UINT32_MAX

#define HAS_OUT 0x8000u

struct sift__ac {
    uint32_t n_states;
    uint32_t *next;     /* n_states * 256, while building */
    uint16_t *fast;     /* n_states * 256: target | HAS_OUT */
    uint32_t *out_head; /* first output node of a state, or NONE */
    uint32_t *out_id;   /* output nodes: pattern id */
    uint32_t *out_next; /* output nodes: next node, or NONE */
    uint32_t n_out;
};

void sift__ac_free(struct sift__ac *ac)
{
    if (ac == NULL)
        return;
    sift_free(ac->next);
    sift_free(ac->fast);
    sift_free(ac->out_head);
    sift_free(ac->out_id);
    sift_free(ac->out_next);
    sift_free(ac);
}

static enum sift_rc add_out(struct sift__ac *ac, size_t cap, uint32_t state,
                            uint32_t id)
{
    if (ac->n_out >= cap)
        return SIFT_ENOMEM;
    ac->out_id[ac->n_out] = id;
    ac->out_next[ac->n_out] = ac->out_head[state];
    ac->out_head[state] = ac->n_out++;
    return SIFT_OK;
}

enum sift_rc sift__ac_build(struct sift__ac **out, const char *const *pats,
                            const size_t *lens, const uint32_t *ids, size_t n)
{
    struct sift__ac *ac = NULL;
    uint32_t *fail = NULL, *queue = NULL;
    size_t max_states = 1, out_cap = 0;
    enum sift_rc rc = SIFT_ENOMEM;

    *out = NULL;
    for (size_t i = 0; i < n; i++)
        max_states += lens[i];
    if (max_states > UINT32_MAX / 256)
        return SIFT_ETOOBIG;
    ac = sift_calloc(1, sizeof(*ac));
    if (ac == NULL)
        goto out;
    ac->next = sift_malloc(max_states * 256 * sizeof(uint32_t));
    ac->out_head = sift_malloc(max_states * sizeof(uint32_t));
    fail = sift_malloc(max_states * sizeof(uint32_t));
    queue = sift_malloc(max_states * sizeof(uint32_t));
    if (!ac->next || !ac->out_head || !fail || !queue)
        goto out;
    memset(ac->next, 0xff, max_states * 256 * sizeof(uint32_t));
    memset(ac->out_head, 0xff, max_states * sizeof(uint32_t));
    ac->n_states = 1;

    /* Output nodes: one per pattern, plus one per (state, inherited
     * pattern) pair added below; bounded by states * patterns but in
     * practice small. Start with room for 4 per state and grow. */
    out_cap = max_states * 4 + n;
    ac->out_id = sift_malloc(out_cap * sizeof(uint32_t));
    ac->out_next = sift_malloc(out_cap * sizeof(uint32_t));
    if (!ac->out_id || !ac->out_next)
        goto out;

    /* The trie. */
    for (size_t i = 0; i < n; i++) {
        uint32_t s = 0;
        if (lens[i] == 0)
            continue;
        for (size_t k = 0; k < lens[i]; k++) {
            unsigned char c = (unsigned char)pats[i][k];
            if (ac->next[s * 256 + c] == NONE)
                ac->next[s * 256 + c] = ac->n_states++;
            s = ac->next[s * 256 + c];
        }
        rc = add_out(ac, out_cap, s, ids[i]);
        if (rc != SIFT_OK)
            goto out;
    }

    /* Breadth-first: failure links, full transitions, inherited outputs.
     * The inherited outputs are copied (not linked) so lists stay exact. */
    {
        size_t head = 0, tail = 0;
        for (int c = 0; c < 256; c++) {
            uint32_t t = ac->next[c];
            if (t == NONE) {
                ac->next[c] = 0;
            } else {
                fail[t] = 0;
                queue[tail++] = t;
            }
        }
        while (head < tail) {
            uint32_t s = queue[head++];
            for (uint32_t o = ac->out_head[fail[s]]; o != NONE;
                 o = ac->out_next[o]) {
                if (ac->n_out >= out_cap) {
                    size_t cap2 = out_cap * 2;
                    uint32_t *a = sift_realloc(ac->out_id, cap2 * 4);
                    uint32_t *b;
                    if (a == NULL)
                        goto nomem;
                    ac->out_id = a;
                    b = sift_realloc(ac->out_next, cap2 * 4);
                    if (b == NULL)
                        goto nomem;
                    ac->out_next = b;
                    out_cap = cap2;
                }
                add_out(ac, out_cap, s, ac->out_id[o]);
            }
            for (int c = 0; c < 256; c++) {
                uint32_t t = ac->next[s * 256 + c];
                if (t == NONE) {
                    ac->next[s * 256 + c] = ac->next[fail[s] * 256 + c];
                } else {
                    fail[t] = ac->next[fail[s] * 256 + c];
                    queue[tail++] = t;
                }
            }
        }
    }
    /* The compact search table. */
    if (ac->n_states >= HAS_OUT) {
        rc = SIFT_ETOOBIG;
        goto out;
    }
    ac->fast = sift_malloc((size_t)ac->n_states * 256 * sizeof(uint16_t));
    if (ac->fast == NULL)
        goto nomem;
    for (size_t i = 0; i < (size_t)ac->n_states * 256; i++) {
        uint32_t t = ac->next[i];
        ac->fast[i] = (uint16_t)(t | (ac->out_head[t] != NONE ? HAS_OUT : 0));
    }
    sift_free(ac->next);
    ac->next = NULL;
    rc = SIFT_OK;
    *out = ac;
    ac = NULL;
    goto out;
nomem:
    rc = SIFT_ENOMEM;
out:
    sift_free(fail);
    sift_free(queue);
    sift__ac_free(ac);
    return rc;
}

int sift__ac_search(const struct sift__ac *ac, const char *text, size_t len,
                    sift__ac_match_fn fn, void *ctx)
{
    uint32_t s = 0;

    for (size_t i = 0; i < len; i++) {
        uint32_t t = ac->fast[s * 256 + (unsigned char)text[i]];
        s = t & ~HAS_OUT;
        if (!(t & HAS_OUT))
            continue;
        for (uint32_t o = ac->out_head[s]; o != NONE; o = ac->out_next[o]) {
            int r = fn(ctx, ac->out_id[o], i + 1);
            if (r != 0)
                return r;
        }
    }
    return 0;
}
