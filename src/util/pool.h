/*
 * pool.h - a free list of reusable per-thread state (scan scratch, check
 * contexts) under one mutex: a thread takes an item, uses it alone, puts
 * it back. The list grows to as many items as threads ever used one at
 * the same time; the owner frees them all at the end (sift__pool_take_all).
 *
 * An item embeds struct sift__pool_item as its FIRST member, so a taken
 * item converts back to its own type with a cast.
 */
#ifndef SIFT_POOL_H
#define SIFT_POOL_H

#include <pthread.h>
#include <stddef.h>

struct sift__pool_item {
    struct sift__pool_item *next;
};

struct sift__pool {
    pthread_mutex_t lock;
    struct sift__pool_item *head;
};

static inline void sift__pool_init(struct sift__pool *p)
{
    pthread_mutex_init(&p->lock, NULL);
    p->head = NULL;
}

/* An idle item, or NULL when none is left (the caller makes one). */
static inline void *sift__pool_take(struct sift__pool *p)
{
    struct sift__pool_item *it;

    pthread_mutex_lock(&p->lock);
    it = p->head;
    if (it != NULL)
        p->head = it->next;
    pthread_mutex_unlock(&p->lock);
    return it;
}

static inline void sift__pool_put(struct sift__pool *p,
                                  struct sift__pool_item *it)
{
    pthread_mutex_lock(&p->lock);
    it->next = p->head;
    p->head = it;
    pthread_mutex_unlock(&p->lock);
}

/* Every idle item, as a list linked by next, for the owner to free; the
 * pool is empty after. No item may be in use. */
static inline struct sift__pool_item *sift__pool_take_all(struct sift__pool *p)
{
    struct sift__pool_item *all;

    pthread_mutex_lock(&p->lock);
    all = p->head;
    p->head = NULL;
    pthread_mutex_unlock(&p->lock);
    return all;
}

static inline void sift__pool_destroy(struct sift__pool *p)
{
    pthread_mutex_destroy(&p->lock);
}

#endif
