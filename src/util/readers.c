/*
 * readers.c - the reader slots and the writer's wait (readers.h).
 *
 * Slots live in chunks that are never freed (a thread's slot is handed
 * to the next new thread when it exits), so a writer may walk them while
 * threads come and go; the registry lock guards the walk and the hand-out.
 */
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"
#include "readers.h"

#define CHUNK_SLOTS 64

struct chunk {
    struct sift__reader slot[CHUNK_SLOTS];
    struct chunk *next;
};

_Atomic bool sift__readers_fence = true;

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static struct chunk *chunks;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static _Thread_local struct sift__reader *self;

static long membarrier(int cmd)
{
#ifdef __NR_membarrier
    return syscall(__NR_membarrier, cmd, 0, 0);
#else
    (void)cmd;
    return -1;
#endif
}

static void release(void *p)
{
    struct sift__reader *r = p;

    pthread_mutex_lock(&registry);
    r->used = false;
    pthread_mutex_unlock(&registry);
}

/* In a child after fork() the other threads are gone, perhaps inside a
 * read section: their slots are freed so that no wait waits for them. */
static void after_fork_child(void)
{
    for (struct chunk *c = chunks; c != NULL; c = c->next)
        for (int i = 0; i < CHUNK_SLOTS; i++)
            if (&c->slot[i] != self) {
                c->slot[i].used = false;
                atomic_store_explicit(&c->slot[i].ctr, 0, memory_order_relaxed);
            }
    pthread_mutex_init(&registry, NULL);
    /* The registration belongs to the address space: a new one needs its
     * own, or readers fence from now on. */
    if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0)
        atomic_store(&sift__readers_fence, true);
}

static void init(void)
{
    (void)pthread_key_create(&key, release);
    (void)pthread_atfork(NULL, NULL, after_fork_child);
    /* Registration makes PRIVATE_EXPEDITED usable by this process (a
     * child made by fork() registers again: after_fork_child). */
    if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
        atomic_store(&sift__readers_fence, false);
}

struct sift__reader *sift__reader_self(void)
{
    struct sift__reader *r = NULL;

    if (self != NULL)
        return self;
    pthread_once(&once, init);
    pthread_mutex_lock(&registry);
    for (struct chunk *c = chunks; c != NULL && r == NULL; c = c->next)
        for (int i = 0; i < CHUNK_SLOTS; i++)
            if (!c->slot[i].used) {
                r = &c->slot[i];
                break;
            }
    if (r == NULL) {
        /* Not sift_calloc: chunks are never freed, and the allocator
         * hook's live count (tests) should not see them as a leak.
         * Aligned, so that each slot has its cache line to itself. */
        void *mem = NULL;
        if (posix_memalign(&mem, 64, sizeof(struct chunk)) == 0) {
            struct chunk *c = memset(mem, 0, sizeof(*c));
            c->next = chunks;
            chunks = c;
            r = &c->slot[0];
        }
    }
    if (r != NULL) {
        r->used = true;
        /* The counter goes on from where the last owner left it: even. */
        r->mine = atomic_load_explicit(&r->ctr, memory_order_relaxed);
        if (pthread_setspecific(key, r) != 0) {
            r->used = false;
            r = NULL;
        }
    }
    pthread_mutex_unlock(&registry);
    self = r;
    return r;
}

void sift__readers_wait(void)
{
    pthread_once(&once, init);
    if (atomic_load(&sift__readers_fence) ||
        membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0) {
        /* Readers fence on entry from now on; this one pairs with
         * theirs. */
        atomic_store(&sift__readers_fence, true);
        atomic_thread_fence(memory_order_seq_cst);
    }
    pthread_mutex_lock(&registry);
    for (struct chunk *c = chunks; c != NULL; c = c->next)
        for (int i = 0; i < CHUNK_SLOTS; i++) {
            struct sift__reader *r = &c->slot[i];
            uint64_t seen = atomic_load_explicit(&r->ctr, memory_order_acquire);
            unsigned spins = 0;

            if (!(seen & 1))
                continue;
            while (atomic_load_explicit(&r->ctr, memory_order_acquire) == seen)
                if (++spins > 64)
                    sched_yield();
        }
    pthread_mutex_unlock(&registry);
}
