/*
 * readers.h - readers that take no lock, and the wait that lets a writer
 * free what they may still be reading.
 *
 * A reader thread marks itself inside a read section with a plain store
 * to its own cache line (no read-modify-write, nothing another thread
 * writes), reads, and marks itself out. A writer that has replaced a
 * block readers may hold (a table that grew, a removed entry's text)
 * calls sift__readers_wait() before freeing the old one: it returns once
 * every reader that was inside when it was called has left.
 *
 * Why a plain store is enough: the writer first runs membarrier(2)
 * (MEMBARRIER_CMD_PRIVATE_EXPEDITED), which makes every running thread of
 * the process execute a full memory barrier. A reader whose "inside"
 * store came before that barrier is seen inside and waited for; a reader
 * that marks itself inside after it reads only after the barrier, so it
 * sees the writer's new pointers and never the old block. Where
 * membarrier is missing, readers pay a full fence on entry instead. The
 * same scheme as userspace RCU's membarrier flavour (liburcu), written
 * here for what the reputation index needs: no callbacks, no grace-period
 * thread.
 *
 * Each reader keeps a counter, odd while inside; the writer waits for the
 * counters it saw odd to change, so a reader that keeps entering and
 * leaving does not hold it up. Reader slots belong to threads (made on a
 * thread's first read, released when it exits) and are shared by every
 * structure that uses them. In a child after fork() only the forking
 * thread's slot stays in use.
 */
#ifndef SIFT_UTIL_READERS_H
#define SIFT_UTIL_READERS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct sift__reader {
    _Alignas(64) _Atomic uint64_t ctr; /* odd: inside a read section */
    uint64_t mine;                     /* the owner's copy of ctr */
    bool used; /* owned by a live thread (registry lock) */
};

/* This thread's slot, made on first use; NULL when none can be made (out
 * of memory): the caller then reads under its lock instead. */
struct sift__reader *sift__reader_self(void);

/* Whether entering needs a full fence (no membarrier(2) here). */
extern _Atomic bool sift__readers_fence;

static inline void sift__read_enter(struct sift__reader *r)
{
    r->mine++;
    atomic_store_explicit(&r->ctr, r->mine, memory_order_relaxed);
    if (atomic_load_explicit(&sift__readers_fence, memory_order_relaxed))
        atomic_thread_fence(memory_order_seq_cst);
    else
        atomic_signal_fence(memory_order_seq_cst);
}

static inline void sift__read_exit(struct sift__reader *r)
{
    r->mine++;
    atomic_store_explicit(&r->ctr, r->mine, memory_order_release);
}

/* Wait until every reader inside a read section when this was called
 * has left it. Never call it from inside a read section. */
void sift__readers_wait(void);

#endif
