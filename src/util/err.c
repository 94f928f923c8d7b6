/*
 * err.c - return-code names and the error-detail helpers (STYLE.md §3).
 */
#include <stdio.h>
#include <string.h>

#include "util.h"

#ifndef SIFT_VERSION
#define SIFT_VERSION "0.0.0"
#endif

static const struct {
    const char *name;
    const char *text;
} rc_table[] = {
    [SIFT_OK] = {"OK", "no error"},
    [SIFT_ENOMEM] = {"ENOMEM", "out of memory"},
    [SIFT_EINVAL] = {"EINVAL", "invalid argument"},
    [SIFT_EPARSE] = {"EPARSE", "malformed input"},
    [SIFT_ETOOBIG] = {"ETOOBIG", "input over its limit"},
    [SIFT_EIO] = {"EIO", "input/output error"},
    [SIFT_ESTORE] = {"ESTORE", "the store failed"},
    [SIFT_ECRYPTO] = {"ECRYPTO", "cryptographic failure"},
    [SIFT_ENOTFOUND] = {"ENOTFOUND", "not found"},
    [SIFT_ETIMEOUT] = {"ETIMEOUT", "timed out"},
};

const char *sift_strerror(enum sift_rc rc)
{
    if ((unsigned)rc >= SIFT_ARRAY_LEN(rc_table))
        return "unknown error";
    return rc_table[rc].text;
}

const char *sift_rc_name(enum sift_rc rc)
{
    if ((unsigned)rc >= SIFT_ARRAY_LEN(rc_table))
        return "EUNKNOWN";
    return rc_table[rc].name;
}

const char *sift_version(void)
{
    return SIFT_VERSION;
}

enum sift_rc sift__err_set(struct sift_err *err, enum sift_rc rc,
                           const char *where, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return rc;
    err->rc = rc;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    sift__strlcpy(err->where, where ? where : "", sizeof(err->where));
    return rc;
}

void sift__err_clear(struct sift_err *err)
{
    if (err == NULL)
        return;
    err->rc = SIFT_OK;
    err->msg[0] = '\0';
    err->where[0] = '\0';
}
