/*
 * callsift/common.h - return codes, error detail, string slices and the
 * allocator hook shared by every callsift module.
 *
 * Every fallible call returns enum sift_rc (SIFT_OK == 0). Codes name
 * conditions, not call sites. A verdict (a reported number, a bad
 * signature) is never an error: errors mean "could not decide".
 *
 * Functions that can fail take an optional last argument struct sift_err *
 * (NULL allowed) which receives a sentence for people and the place the
 * problem was found (a byte offset, file:line:column). It never allocates.
 */
#ifndef CALLSIFT_COMMON_H
#define CALLSIFT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sift_rc {
    SIFT_OK = 0,
    SIFT_ENOMEM,    /* out of memory */
    SIFT_EINVAL,    /* invalid argument */
    SIFT_EPARSE,    /* malformed input */
    SIFT_ETOOBIG,   /* input or result over its configured limit */
    SIFT_EIO,       /* file or socket I/O failed */
    SIFT_ESTORE,    /* the store failed */
    SIFT_ECRYPTO,   /* a cryptographic operation failed */
    SIFT_ENOTFOUND, /* the thing asked for does not exist */
    SIFT_ETIMEOUT   /* an operation ran out of time */
};

/* Error detail for people. msg is a full sentence; where names the place
 * (for example "byte 12" or "data/rules/ja.rules:14:3"). */
struct sift_err {
    enum sift_rc rc;
    char msg[256];
    char where[64];
};

/* A borrowed slice: not NUL-terminated, valid as long as its owner. */
struct sift_str {
    const char *p;
    size_t len;
};

/* Static text for a code ("out of memory"); never NULL. */
const char *sift_strerror(enum sift_rc rc);

/* Short stable name of a code ("ENOMEM"), for JSON and logs. */
const char *sift_rc_name(enum sift_rc rc);

/*
 * Replace the allocator used by every callsift allocation. Call it before
 * any other callsift function; all three must be given. Returns SIFT_EINVAL
 * when one is NULL. Not thread-safe with respect to running checks.
 */
typedef void *(*sift_malloc_fn)(size_t size);
typedef void *(*sift_realloc_fn)(void *ptr, size_t size);
typedef void (*sift_free_fn)(void *ptr);
enum sift_rc sift_set_allocator(sift_malloc_fn m, sift_realloc_fn r,
                                sift_free_fn f);

/* Allocation through the hook. sift_free(NULL) is a no-op. */
void *sift_malloc(size_t size);
void *sift_calloc(size_t n, size_t size);
void *sift_realloc(void *ptr, size_t size);
void sift_free(void *ptr);

/* The library version, "MAJOR.MINOR.PATCH". */
const char *sift_version(void);

#ifdef __cplusplus
}
#endif

#endif
