/*
 * alloc.c - the one allocator hook (libuv's uv_replace_allocator idea).
 * Every allocation in callsift goes through sift_malloc() and friends so
 * tests can count allocations and inject failures.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

static sift_malloc_fn hook_malloc = malloc;
static sift_realloc_fn hook_realloc = realloc;
static sift_free_fn hook_free = free;

enum sift_rc sift_set_allocator(sift_malloc_fn m, sift_realloc_fn r,
                                sift_free_fn f)
{
    if (m == NULL || r == NULL || f == NULL)
        return SIFT_EINVAL;
    hook_malloc = m;
    hook_realloc = r;
    hook_free = f;
    return SIFT_OK;
}

void *sift_malloc(size_t size)
{
    return hook_malloc(size ? size : 1);
}

void *sift_calloc(size_t n, size_t size)
{
    void *p;

    if (size != 0 && n > (size_t)-1 / size)
        return NULL;
    p = sift_malloc(n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void *sift_realloc(void *ptr, size_t size)
{
    return hook_realloc(ptr, size ? size : 1);
}

void sift_free(void *ptr)
{
    if (ptr != NULL)
        hook_free(ptr);
}
