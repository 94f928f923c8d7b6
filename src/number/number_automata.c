/*
 * number_automata.c - runs the automata scripts/gen-numbering compiled
 * from libphonenumber's patterns, and the region lookups built on them.
 *
 * Two kinds of automata, chosen per use at generation time:
 *   - DFAs over the ten digits. The type DFA of a region answers, in one
 *     pass over the national significant number, which descriptions
 *     (general, fixed line, mobile, toll free ...) match fully; a prefix
 *     DFA answers re.match() yes/no for leading-digits patterns and has an
 *     absorbing accept state (1) so it stops at the first accepting prefix.
 *   - A Pike VM (Thompson NFA simulation with thread priority) for the
 *     international prefix, the national prefix for parsing and the
 *     format patterns, where Python's leftmost-first match length and the
 *     capture groups matter. Threads are kept in priority order; when the
 *     best thread matches, lower ones are cut, exactly as a backtracking
 *     matcher would choose.
 *
 * Invariants: inputs are ASCII digit strings; states and program counters
 * come from the generated tables and are trusted; no allocation, and the
 * VM's working set lives on the stack (bounded by SIFT__VM_MAX_INSNS).
 */
#include <string.h>

#include "number_int.h"
#include "util/util.h"

bool sift__prefix_match(uint32_t dfa, const char *s, size_t len)
{
    const uint16_t *t = sift__prefix_dfa + (size_t)dfa * 10;
    unsigned state = 2;
    size_t i;

    for (i = 0; i < len; i++) {
        state = t[state * 10 + (unsigned)(s[i] - '0')];
        if (state <= 1)
            return state == 1;
    }
    return false;
}

unsigned sift__type_mask(const struct sift__region *r, const char *s,
                         size_t len)
{
    const uint16_t *t = sift__type_dfa + (size_t)r->type_dfa * 10;
    unsigned state = 1;
    size_t i;

    for (i = 0; i < len; i++) {
        state = t[state * 10 + (unsigned)(s[i] - '0')];
        if (state == 0)
            return 0;
    }
    return sift__type_accept[r->type_dfa + state];
}

#define BIT(d) (1u << (d))

enum sift_number_type sift__number_type(const struct sift__region *r,
                                        const char *s, size_t len)
{
    unsigned m;

    if (len > SIFT_NUMBER_MAX_NSN)
        return SIFT_TYPE_UNKNOWN;
    /* libphonenumber's _is_number_matching_desc: possible length first,
     * then the full pattern; then _number_type_helper's order. */
    m = sift__type_mask(r, s, len) & r->len_mask[len];
    if (!(m & BIT(SIFT__D_GENERAL)))
        return SIFT_TYPE_UNKNOWN;
    if (m & BIT(SIFT__D_PREMIUM))
        return SIFT_TYPE_PREMIUM_RATE;
    if (m & BIT(SIFT__D_TOLL_FREE))
        return SIFT_TYPE_TOLL_FREE;
    if (m & BIT(SIFT__D_SHARED))
        return SIFT_TYPE_SHARED_COST;
    if (m & BIT(SIFT__D_VOIP))
        return SIFT_TYPE_VOIP;
    if (m & BIT(SIFT__D_PERSONAL))
        return SIFT_TYPE_PERSONAL_NUMBER;
    if (m & BIT(SIFT__D_PAGER))
        return SIFT_TYPE_PAGER;
    if (m & BIT(SIFT__D_UAN))
        return SIFT_TYPE_UAN;
    if (m & BIT(SIFT__D_VOICEMAIL))
        return SIFT_TYPE_VOICEMAIL;
    if (m & BIT(SIFT__D_FIXED)) {
        if ((r->flags & SIFT__RF_SAME_MOBILE) || (m & BIT(SIFT__D_MOBILE)))
            return SIFT_TYPE_FIXED_LINE_OR_MOBILE;
        return SIFT_TYPE_FIXED_LINE;
    }
    if (!(r->flags & SIFT__RF_SAME_MOBILE) && (m & BIT(SIFT__D_MOBILE)))
        return SIFT_TYPE_MOBILE;
    return SIFT_TYPE_UNKNOWN;
}

/* ------------------------------------------------------------ Pike VM */

/* Positions are kept in a byte: the VM looks at most at 254 digits. */
#define VM_MAX_INPUT 254
#define VM_UNSET     255

struct vm_thread {
    uint16_t pc;
    uint8_t slot[SIFT__VM_MAX_SLOTS];
};

struct vm_list {
    unsigned n;
    struct vm_thread t[SIFT__VM_MAX_INSNS];
};

struct vm {
    const uint32_t *code; /* first instruction */
    unsigned n_insns;
    unsigned n_slots;
    const char *s;
    size_t len;
    uint16_t mark[SIFT__VM_MAX_INSNS];
    uint16_t gen;
};

static void vm_add(struct vm *vm, struct vm_list *l, unsigned pc, uint8_t *slot,
                   size_t pos)
{
    uint32_t w;
    uint8_t saved;
    unsigned op;

    if (pc >= vm->n_insns || vm->mark[pc] == vm->gen)
        return;
    vm->mark[pc] = vm->gen;
    w = vm->code[pc];
    op = w >> 28;
    switch (op) {
    case SIFT__OP_JMP:
        vm_add(vm, l, (w >> 14) & 0x3fff, slot, pos);
        break;
    case SIFT__OP_SPLIT:
        vm_add(vm, l, (w >> 14) & 0x3fff, slot, pos);
        vm_add(vm, l, w & 0x3fff, slot, pos);
        break;
    case SIFT__OP_SAVE:
        if ((w & 0x3fff) < SIFT__VM_MAX_SLOTS) {
            saved = slot[w & 0x3fff];
            slot[w & 0x3fff] = (uint8_t)pos;
            vm_add(vm, l, pc + 1, slot, pos);
            slot[w & 0x3fff] = saved;
        }
        break;
    case SIFT__OP_END:
        if (pos == vm->len)
            vm_add(vm, l, pc + 1, slot, pos);
        break;
    default:
        l->t[l->n].pc = (uint16_t)pc;
        memcpy(l->t[l->n].slot, slot, vm->n_slots);
        l->n++;
        break;
    }
}

/*
 * The one-thread case: a program without SPLIT (most format patterns are
 * fixed groups such as (\d{3})(\d{3})(\d{4})) has at most one thread, so
 * it is followed directly instead of through the thread lists. Returns
 * 1 (matched), 0 (no match) or -1 (a SPLIT, or more control steps at one
 * position than the program has instructions: only the Pike VM handles
 * those). The result is the Pike VM's: the same slots, the same end.
 */
static int vm_run_linear(const uint32_t *code, unsigned n_insns,
                         unsigned n_slots, const char *s, size_t len,
                         struct sift__vm_match *m)
{
    uint8_t slot[SIFT__VM_MAX_SLOTS];
    unsigned pc = 0, steps = 0;
    size_t pos = 0;

    memset(slot, VM_UNSET, sizeof(slot));
    for (;;) {
        uint32_t w;

        if (pc >= n_insns)
            return 0;
        w = code[pc];
        switch (w >> 28) {
        case SIFT__OP_CHAR:
            if (pos >= len || !(w & (1u << (unsigned)(s[pos] - '0'))))
                return 0;
            pos++;
            pc++;
            steps = 0;
            continue;
        case SIFT__OP_SPLIT:
            return -1;
        case SIFT__OP_JMP:
            pc = (w >> 14) & 0x3fff;
            break;
        case SIFT__OP_SAVE:
            if ((w & 0x3fff) >= SIFT__VM_MAX_SLOTS)
                return 0;
            slot[w & 0x3fff] = (uint8_t)pos;
            pc++;
            break;
        case SIFT__OP_END:
            if (pos != len)
                return 0;
            pc++;
            break;
        case SIFT__OP_MATCH:
            m->matched = true;
            m->end = (int)pos;
            for (unsigned k = 0; k < n_slots; k++)
                m->slot[k] = slot[k] == VM_UNSET ? -1 : slot[k];
            return 1;
        default:
            /* Another opcode is taken as a character test by the Pike VM
             * (it accepts the digits of its low bits). */
            return -1;
        }
        if (++steps > n_insns)
            return -1;
    }
}

bool sift__vm_run(uint32_t prog, const char *s, size_t len,
                  struct sift__vm_match *m)
{
    uint32_t head = sift__vm_code[prog];
    unsigned n_insns = head & 0xffff, n_slots = head >> 16;
    int r;

    m->matched = false;
    m->end = -1;
    for (unsigned k = 0; k < SIFT__VM_MAX_SLOTS; k++)
        m->slot[k] = -1;
    if (SIFT_NEVER(n_insns > SIFT__VM_MAX_INSNS) ||
        SIFT_NEVER(n_slots > SIFT__VM_MAX_SLOTS))
        return false;
    r = vm_run_linear(sift__vm_code + prog + 1, n_insns, n_slots, s,
                      len > VM_MAX_INPUT ? VM_MAX_INPUT : len, m);
    if (r >= 0)
        return r == 1;
    return sift__vm_run_nfa(prog, s, len, m);
}

bool sift__vm_run_nfa(uint32_t prog, const char *s, size_t len,
                      struct sift__vm_match *m)
{
    struct vm vm;
    struct vm_list lists[2];
    struct vm_list *cur = &lists[0], *next = &lists[1], *tmp;
    uint8_t slot[SIFT__VM_MAX_SLOTS];
    uint32_t head = sift__vm_code[prog];
    size_t pos;
    unsigned i, k;

    m->matched = false;
    m->end = -1;
    for (k = 0; k < SIFT__VM_MAX_SLOTS; k++)
        m->slot[k] = -1;
    vm.code = sift__vm_code + prog + 1;
    vm.n_insns = head & 0xffff;
    vm.n_slots = head >> 16;
    if (SIFT_NEVER(vm.n_insns > SIFT__VM_MAX_INSNS) ||
        SIFT_NEVER(vm.n_slots > SIFT__VM_MAX_SLOTS))
        return false;
    if (len > VM_MAX_INPUT)
        len = VM_MAX_INPUT;
    vm.s = s;
    vm.len = len;
    vm.gen = 1;
    memset(vm.mark, 0, vm.n_insns * sizeof(vm.mark[0]));
    memset(slot, VM_UNSET, sizeof(slot));
    cur->n = 0;
    vm_add(&vm, cur, 0, slot, 0);
    for (pos = 0;; pos++) {
        if (cur->n == 0)
            break;
        vm.gen++;
        next->n = 0;
        for (i = 0; i < cur->n; i++) {
            struct vm_thread *t = &cur->t[i];
            uint32_t w = vm.code[t->pc];

            if ((w >> 28) == SIFT__OP_MATCH) {
                m->matched = true;
                m->end = (int)pos;
                for (k = 0; k < vm.n_slots; k++)
                    m->slot[k] = t->slot[k] == VM_UNSET ? -1 : t->slot[k];
                break; /* lower-priority threads are cut */
            }
            if (pos < len && (w & (1u << (unsigned)(s[pos] - '0'))))
                vm_add(&vm, next, t->pc + 1u, t->slot, pos + 1);
        }
        if (pos >= len)
            break;
        tmp = cur;
        cur = next;
        next = tmp;
    }
    return m->matched;
}

/* ------------------------------------------------------------ regions */

const struct sift__region *sift__region_by_iso(const char *iso)
{
    int a, b;
    unsigned idx;

    if (iso == NULL || iso[0] == '\0' || iso[1] == '\0' || iso[2] != '\0')
        return NULL;
    a = sift__ascii_lower((unsigned char)iso[0]) - 'a';
    b = sift__ascii_lower((unsigned char)iso[1]) - 'a';
    if (a < 0 || a >= 26 || b < 0 || b >= 26)
        return NULL;
    idx = sift__iso_index[a * 26 + b];
    return idx ? &sift__regions[idx - 1] : NULL;
}

const struct sift__region *sift__region_main_for_cc(unsigned cc)
{
    if (cc >= 1000 || sift__cc_count[cc] == 0)
        return NULL;
    return &sift__regions[sift__cc_regions[sift__cc_first[cc]]];
}

/* libphonenumber's region_code_for_number: one region, or the first in
 * the code's list whose leading digits match or (without leading digits)
 * for which the number has a type. NULL when none fits. */
const struct sift__region *sift__region_for_number(unsigned cc, const char *nsn,
                                                   size_t len)
{
    unsigned i, n, first;

    if (cc >= 1000 || sift__cc_count[cc] == 0)
        return NULL;
    n = sift__cc_count[cc];
    first = sift__cc_first[cc];
    if (n == 1)
        return &sift__regions[sift__cc_regions[first]];
    for (i = 0; i < n; i++) {
        const struct sift__region *r =
            &sift__regions[sift__cc_regions[first + i]];

        if (r->leading != SIFT__NONE) {
            if (sift__prefix_match(r->leading, nsn, len))
                return r;
        } else if (sift__number_type(r, nsn, len) != SIFT_TYPE_UNKNOWN) {
            return r;
        }
    }
    return NULL;
}

enum sift__length_result sift__test_length(const struct sift__region *r,
                                           size_t len)
{
    unsigned lo, hi;

    if (len < 32 && (r->pl_local >> len & 1u))
        return SIFT__LEN_LOCAL_ONLY;
    if (r->pl == 0)
        return SIFT__LEN_INVALID;
    lo = (unsigned)__builtin_ctz(r->pl);
    hi = 31u - (unsigned)__builtin_clz(r->pl);
    if (len == lo)
        return SIFT__LEN_POSSIBLE;
    if (len < lo)
        return SIFT__LEN_TOO_SHORT;
    if (len > hi)
        return SIFT__LEN_TOO_LONG;
    return (r->pl >> len & 1u) ? SIFT__LEN_POSSIBLE : SIFT__LEN_INVALID;
}
