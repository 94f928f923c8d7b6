/*
 * file.h - read a whole data file into memory (bounded) and walk it line
 * by line, keeping the line number for file:line error messages.
 */
#ifndef SIFT_FILE_H
#define SIFT_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "callsift/common.h"

/*
 * Read path into a new NUL-terminated buffer (free with sift_free()). A
 * file over max bytes is SIFT_ETOOBIG; a missing or unreadable file is
 * SIFT_EIO with the system's reason in err. OUT: *data, *len.
 */
enum sift_rc sift__file_read(const char *path, size_t max, char **data,
                             size_t *len, struct sift_err *err);

/* A cursor over the lines of a buffer. */
struct sift__lines {
    const char *p, *end;
    unsigned lineno; /* of the line last returned, 1-based */
};

void sift__lines_init(struct sift__lines *it, const char *data, size_t len);

/* Next line without its "\n" or "\r\n". Returns false at the end. */
bool sift__lines_next(struct sift__lines *it, struct sift_str *line);

/* Length of the valid UTF-8 prefix of s (len bytes). Equals len when the
 * whole slice is valid; rejects overlongs, surrogates and NUL bytes. */
size_t sift__utf8_valid_prefix(const char *s, size_t len);

/* Trim ASCII white space from both ends of a slice. */
struct sift_str sift__str_trim(struct sift_str s);

/* Does slice s equal the C string lit? */
bool sift__str_eq(struct sift_str s, const char *lit);

/* Copy a slice into a new NUL-terminated string (sift_free()); NULL on
 * ENOMEM. */
char *sift__str_dup(struct sift_str s);

/* Parse a decimal number such as "3", "-1.5", "0.25" (no exponent) from
 * the whole slice. */
bool sift__str_to_double(struct sift_str s, double *out);

#endif
