/*
 * reputation_int.h - the in-memory reputation index, private to
 * src/reputation: reputation.c (keys, the word pool, the number table,
 * reports), reputation_lists.c (block and allow entries: exact table,
 * digit trie, country and type rules), reputation_calls.c (per-caller
 * rings of recent calls), reputation_campaign.c (SimHash and the banded
 * campaign index), reputation_assess.c (the read path) and
 * reputation_load.c (building it from the store).
 *
 * Invariants:
 * - A key is a 64-bit number: E.164 digits as an integer (bit 63 clear,
 *   at most 18 digits) or, for sender IDs and anything else, a hash with
 *   bit 63 set. 0 is never a key (the empty slot).
 * - Every structure is bounded per number: 32 bytes in the number table
 *   plus, for numbers with more than one reporter, one record in the word
 *   pool of at most 64 words; one ring of at most RING_MAX calls per
 *   caller; at most MEMBERS_EXACT keys and a small Bloom filter per
 *   campaign.
 * - All writes go through sift__rep_write_begin() and _end(): they hold
 *   rw for writing and keep seq odd meanwhile.
 * - sift_reputation_assess() and _many() first read without the lock:
 *   inside a read section (util/readers.h), between two loads of seq that
 *   must be equal and even (a seqlock). What a writer changes in place is
 *   then at worst read torn and the pass discarded; what it replaces (a
 *   table that grew, an index rebuilt, a removed entry's text) is retired,
 *   not freed, and freed only after every reader inside has left
 *   (sift__readers_wait()). So a reader never touches freed memory. For
 *   every index it follows it checks the bound of the array it has, and
 *   gives up (to the locked path) when one is off.
 * - Arrays readers follow only grow, and a writer publishes a new one
 *   before its larger capacity (release stores), while readers load the
 *   capacity before the array (acquire): a capacity a reader holds never
 *   exceeds the array it holds.
 * - On the locked path (rw for reading) the same code runs, and its
 *   checks always pass.
 */
#ifndef SIFT_REPUTATION_INT_H
#define SIFT_REPUTATION_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "callsift/reputation.h"

#define KEY_HASHED (1ull << 63)

/* Blocks replaced under the write lock, freed at sift__rep_write_end()
 * once no reader can hold them. */
struct retired {
    void **p;
    size_t n, cap;
};

/* Retire p (NULL: nothing). If the list cannot grow, wait for the readers
 * and free p at once. */
void sift__rep_retire(struct retired *r, void *p);

/* A larger copy of an array readers may be reading (realloc would free
 * it under them): bytes allocated, the first keep copied from old (NULL
 * allowed), old retired. NULL on ENOMEM, old then untouched. The caller
 * publishes the new array, then its larger size. */
void *sift__rep_regrow(struct retired *r, void *old, size_t keep, size_t bytes);

/* A load that is read once (a bound, an index, a pointer) and a publish
 * for the lock-free readers. */
#define RD(x)     __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define PUB(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* ---- the word pool: size classes of 8 << c 32-bit words ------------ */

#define POOL_CLASSES 5 /* 8, 16, 32, 64, 128 words */

struct word_pool {
    uint32_t *w;
    size_t len, cap;                  /* in words; word 0 is never handed out */
    uint32_t free_head[POOL_CLASSES]; /* free lists through word 0 */
    struct retired *ret;              /* the index's */
};

/* Offset of a fresh block of class c (0 on ENOMEM). w may move. */
uint32_t sift__pool_alloc(struct word_pool *p, unsigned c);
void sift__pool_free(struct word_pool *p, uint32_t off, unsigned c);

/* ---- numbers ------------------------------------------------------- */

/*
 * One number: 32 bytes. harm_w is the recency-weighted count of distinct
 * harm reporters as of t_last (the newest harm report), so its value at
 * any later time is harm_w * 2^(-(now - t_last) / half_life).
 */
struct num_slot {
    uint64_t key;
    float harm_w;
    uint32_t t_last; /* seconds since the epoch, newest harm report */
    uint32_t fp0;    /* the first reporter's fingerprint */
    uint32_t ext;    /* pool record with the other reporters, or 0 */
    uint16_t n_harm; /* distinct harm reporters (saturating) */
    uint16_t n_safe; /* distinct "safe" reporters (saturating) */
    uint8_t cat;     /* majority harm category (Boyer-Moore vote) */
    uint8_t cat_votes;
    uint16_t spare;
};

/* Open addressing with linear probing, capacity a power of two. slots
 * starts on a 64-byte line (mem is the allocation), so that a slot never
 * straddles two lines: a lookup is one memory read, not two. */
struct num_table {
    struct num_slot *slots;
    void *mem;
    size_t cap, n;
    unsigned bits;
    struct retired *ret;
};

/* ---- lists ----------------------------------------------------------- */

struct list_rec {
    struct sift_list_entry pub; /* strings point into text */
    char *text;                 /* value, callee and note, owned */
    uint64_t callee_key;        /* 0: global */
    uint32_t next;              /* next rec (index + 1) on the same chain */
    int type_code;              /* SIFT_MATCH_TYPE: see type_code() */
    bool removed;
};

struct trie_node {
    uint32_t child[10]; /* node index, 0: none (node 0 is a root) */
    uint32_t head;      /* rec index + 1 of entries ending here */
};

struct exact_slot {
    uint64_t key;
    uint32_t head;
};

struct list_index {
    struct list_rec *recs;
    size_t n_recs, cap_recs, n_live;
    struct exact_slot *exact; /* key -> chain of exact entries */
    size_t exact_cap, exact_n;
    struct trie_node *nodes; /* [0] E.164 root, [1] national root */
    size_t n_nodes, cap_nodes;
    uint32_t misc_head; /* country and type entries */
    struct retired *ret;
};

/* ---- calls ------------------------------------------------------------ */

/* A ring of 3-word entries (callee fingerprint, time, duration) in the
 * pool: class c holds (8 << c) / 3 entries; classes 1..4 are used. */
#define RING_CLASS_MIN 1
#define RING_CLASS_MAX 4

struct call_slot {
    uint64_t key; /* the caller */
    uint32_t off;
    uint8_t cls;
    uint8_t n;    /* entries held */
    uint8_t head; /* next entry written */
    uint8_t spare;
};

struct call_table {
    struct call_slot *slots;
    size_t cap, n;
    unsigned bits;
    struct retired *ret;
};

/* ---- campaigns -------------------------------------------------------- */

#define BANDS         4
#define BAND_BITS     16
#define MEMBERS_EXACT 8

struct cluster {
    uint64_t fp;
    int64_t id; /* campaign id; 0 while a candidate */
    int64_t first_seen, last_seen, n_events;
    uint32_t n_numbers; /* distinct numbers (exact, then estimated) */
    uint32_t n_exact;   /* of them in members[] */
    uint64_t members[MEMBERS_EXACT];
    uint32_t bloom[8]; /* members beyond MEMBERS_EXACT: 256 bits */
};

/* What a search touches, kept apart from the clusters so that the chains
 * of 100,000 campaigns fit in a few MB of cache. */
struct camp_link {
    uint64_t fp;
    uint32_t next[BANDS]; /* chains per band value, cluster index + 1 */
    uint32_t formed;
    uint32_t spare;
};

/*
 * The formed campaigns again, for the check's search (formed only). Each
 * campaign is filed under every band's value and the 16 values one bit
 * away from it (17 buckets a band, 68 in all), so a query reads just one
 * bucket per band, that of its own value, and finds exactly what probing
 * the 17 values would find. A bucket is a run of fingerprints in one array
 * (fp), reached through its header (off, n) and tested by popcount one
 * after another. Buckets have room to grow (room[]); a full one moves to
 * the end of the array and leaves a hole (waste) that a rebuild
 * reclaims. The cluster behind a fingerprint is looked up only for the
 * hits, in owner (fingerprint -> the oldest formed cluster with it).
 */
struct fbucket {
    uint32_t off; /* first fingerprint in fp[] */
    uint32_t n;   /* fingerprints held */
};

struct owner_slot {
    uint64_t fp;  /* 0: empty */
    uint32_t ix1; /* cluster index + 1 */
    uint32_t spare;
};

struct formed_index {
    uint64_t *fp;              /* the buckets' fingerprints */
    size_t len, cap;           /* entries of fp[] in use, allocated */
    size_t waste;              /* entries in use by no bucket (moved away) */
    struct fbucket *head;      /* BANDS << BAND_BITS buckets */
    uint32_t *room;            /* capacity of each bucket */
    struct owner_slot *owner;  /* open addressing by fingerprint */
    size_t owner_cap, owner_n; /* owner_cap a power of two */
    size_t n;                  /* campaigns held */
    struct retired *ret;       /* NULL while being built, unpublished */
};

struct campaign_index {
    struct cluster *c;
    struct camp_link *links; /* parallel to c */
    /* The formed campaigns' index: replaced whole by a rebuild (the old
     * one retired), otherwise grown in place. */
    struct formed_index *formed;
    size_t n, cap;
    size_t n_formed;
    uint32_t *heads; /* BANDS << BAND_BITS chain heads */
    /* formed.head again, for sift__rep_camps_prefetch() without the lock:
     * stored atomically whenever formed.head changes. A reader may load
     * it just before the array is freed; a prefetch never faults. */
    struct fbucket *hint_head;
    int64_t next_id;
    size_t max_candidates;
    struct retired *ret;
};

/* ---- the whole ---------------------------------------------------------- */

struct sift_reputation {
    struct sift_reputation_opts opts;
    double half_life; /* seconds */
    pthread_rwlock_t rw;
    uint64_t seq;           /* odd while a writer changes the index */
    uint64_t locked_reads;  /* reads that fell back to the lock (stats) */
    struct retired retired; /* written under rw only */
    struct word_pool pool;
    struct num_table nums;
    struct list_index lists;
    struct call_table calls;
    struct campaign_index camps;
    /* The most-reported keys by distinct harm reporters, most first,
     * kept current by add_report (counts only grow, so the top SIFT_REP_
     * TOP_MAX stay exact without a walk). */
    struct rep_top {
        uint64_t k; /* the index's key of pub.key */
        struct sift_rep_top pub;
    } top[SIFT_REP_TOP_MAX];
    unsigned n_top;
};

/* Take rw for writing and make seq odd; make it even again, release rw,
 * then free what was retired once the readers inside have left. */
void sift__rep_write_begin(struct sift_reputation *rep);
void sift__rep_write_end(struct sift_reputation *rep);

/* Keys and fingerprints. */
uint64_t sift__rep_key(const char *s, size_t len);
/* The fingerprint's two ways (reputation_fingerprint.c), for tests:
 * character by character, and by AVX-512 (false, *fp untouched, where the
 * CPU has not got it). sift_reputation_fingerprint() picks one. */
uint64_t sift__rep_fingerprint_scalar(const char *norm, size_t len);
bool sift__rep_fingerprint_simd(const char *norm, size_t len, uint64_t *fp);
uint64_t sift__rep_number_key(const struct sift_number *n);
static inline uint64_t sift__rep_mix(uint64_t x)
{
    /* splitmix64's finaliser: every input bit reaches every output bit. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* The home slot of key in a table of 2^bits slots (the number and call
 * tables: Fibonacci hashing, the product's high bits). */
static inline size_t sift__rep_slot_of(uint64_t key, unsigned bits)
{
    return (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

/*
 * Linear probing on the read path, with or without the lock: from slot
 * at, in a table of mask + 1 slots of stride bytes each starting with its
 * 64-bit key (0: empty), the slot holding key, or NULL at an empty one.
 * Bounded: after mask + 1 probes with neither (a table read while a
 * writer changed it) *bad is set and NULL returned.
 */
static inline const void *sift__rep_probe(const void *slots, size_t stride,
                                          size_t mask, size_t at, uint64_t key,
                                          bool *bad)
{
    const char *base = slots;

    for (size_t probes = 0; probes <= mask; probes++, at = (at + 1) & mask) {
        const char *s = base + at * stride;
        uint64_t k = *(const uint64_t *)(const void *)s;
        if (k == key)
            return s;
        if (k == 0)
            return NULL;
    }
    *bad = true;
    return NULL;
}

/* Number table (callers hold the lock). */
/* Both readers (with or without the lock) and writers; *bad is set when
 * the table looks torn (only without the lock). */
const struct num_slot *sift__rep_num_find(const struct num_table *t,
                                          uint64_t key, bool *bad);
/* Start reading key's slot (start_reads in reputation_assess.c); both
 * may be called without the lock. */
void sift__rep_num_prefetch(const struct num_table *t, uint64_t key);
void sift__rep_calls_prefetch(const struct call_table *t, uint64_t key);

/* Parts (callers hold the write lock; init/release at new/free). */
enum sift_rc sift__rep_lists_init(struct list_index *li);
void sift__rep_lists_release(struct list_index *li);
enum sift_rc sift__rep_lists_add(struct list_index *li,
                                 const struct sift_list_entry *e);
void sift__rep_lists_remove(struct list_index *li, int64_t id);
/* The read parts return false when what they read was torn (without
 * the lock): the caller then reads again under it. */
bool sift__rep_lists_assess(const struct list_index *li,
                            const struct sift_number *caller,
                            uint64_t caller_key,
                            const struct sift_number *callee,
                            uint64_t callee_key, int64_t now,
                            struct sift_rep_facts *out);

void sift__rep_calls_release(struct call_table *t);
enum sift_rc sift__rep_calls_add(struct sift_reputation *rep, uint64_t caller,
                                 uint64_t callee, int64_t time,
                                 int32_t duration);
bool sift__rep_calls_assess(const struct sift_reputation *rep, uint64_t caller,
                            uint64_t callee, int64_t now,
                            struct sift_rep_facts *out);

enum sift_rc sift__rep_camps_init(struct campaign_index *ci,
                                  struct retired *ret);
void sift__rep_camps_release(struct campaign_index *ci);
/* The nearest cluster within the distance (formed ones only when
 * formed_only), or -1. */
long sift__rep_camps_find(const struct campaign_index *ci, uint64_t fp,
                          unsigned distance, bool formed_only, bool *bad);
/* Start reading the buckets a search for fp will read (no lock
 * needed). */
void sift__rep_camps_prefetch(const struct campaign_index *ci, uint64_t fp);
/* A campaign the store already knows (load): its cluster index, -1 on
 * ENOMEM, -2 when it has no fingerprint. */
long sift__rep_camps_put(struct sift_reputation *rep,
                         const struct sift_campaign *c);
/* A message from key (the write lock held). may_form false (loading):
 * clusters grow but no campaign forms, and known campaigns are left as the
 * store counted them. */
enum sift_rc sift__rep_camps_add(struct sift_reputation *rep, uint64_t key,
                                 uint64_t fp, int64_t when, bool may_form,
                                 int64_t *campaign, bool *formed,
                                 int64_t *first_seen);
/* Add a number to cluster ix; true when it was new to it. */
bool sift__rep_camps_member(struct cluster *c, uint64_t key);
size_t sift__rep_camps_bytes(const struct campaign_index *ci);

#endif
