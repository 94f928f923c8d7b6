/*
 * lines.c - lines from a file descriptor for `check --batch`, with a way
 * to ask whether another line is there without waiting for it.
 *
 * The batch groups the events it logs into one store transaction (one
 * fsync for many); it closes a group when the input has nothing more
 * ready, so that a program feeding one event and waiting for its verdict
 * is answered at once. stdio cannot tell that (its buffer is private),
 * hence this reader: its own buffer, read(2) and poll(2).
 *
 * A line longer than the limit is not kept: its bytes are skipped up to
 * its end and the caller is told its length, so a huge line costs no
 * memory and the lines after it are read as usual.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef READ_CHUNK
#define READ_CHUNK 65536 /* the fuzz target builds with a small one */
#endif

void sift_cli_lines_init(struct sift_cli_lines *in, int fd, size_t max)
{
    memset(in, 0, sizeof(*in));
    in->fd = fd;
    in->max = max;
}

void sift_cli_lines_release(struct sift_cli_lines *in)
{
    free(in->buf);
    memset(in, 0, sizeof(*in));
}

/* Is there input to read now (or the end of it)? */
static bool ready(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n;

    do
        n = poll(&p, 1, 0);
    while (n < 0 && errno == EINTR);
    return n != 0; /* an error is reported by the read that follows */
}

/* Read more into the buffer: 1 read, 0 end of input, -1 error. */
static int fill(struct sift_cli_lines *in)
{
    ssize_t n;

    if (in->off > 0) { /* what was handed out is no longer needed */
        memmove(in->buf, in->buf + in->off, in->len - in->off);
        in->len -= in->off;
        in->scan = in->scan > in->off ? in->scan - in->off : 0;
        in->off = 0;
    }
    if (in->cap - in->len < READ_CHUNK) {
        size_t cap = in->cap ? in->cap * 2 : 2 * READ_CHUNK;
        char *b = realloc(in->buf, cap);
        if (b == NULL)
            return -1;
        in->buf = b;
        in->cap = cap;
    }
    do
        n = read(in->fd, in->buf + in->len, in->cap - in->len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0) {
        in->eof = true;
        return 0;
    }
    in->len += (size_t)n;
    return 1;
}

int sift_cli_lines_next(struct sift_cli_lines *in, bool wait, char **line,
                        size_t *len)
{
    for (;;) {
        char *nl = in->len > in->scan
                       ? memchr(in->buf + in->scan, '\n', in->len - in->scan)
                       : NULL;
        size_t have;

        if (nl != NULL || (in->eof && (in->len > in->off || in->skipped > 0))) {
            size_t end = nl ? (size_t)(nl - in->buf) : in->len;
            *line = in->buf + in->off;
            *len = end - in->off;
            in->off = nl ? end + 1 : end;
            in->scan = in->off;
            if (in->skipped > 0) { /* the end of a line too long */
                *len += in->skipped;
                in->skipped = 0;
                return SIFT_CLI_LINE_TOO_LONG;
            }
            return *len > in->max ? SIFT_CLI_LINE_TOO_LONG : SIFT_CLI_LINE;
        }
        if (in->eof)
            return SIFT_CLI_LINE_END;
        have = in->len - in->off;
        if (have > in->max) {
            /* Too long already: drop what is read of it, keep its count. */
            in->skipped += have;
            in->off = in->scan = in->len;
        } else {
            in->scan = in->len;
        }
        if (!wait && !ready(in->fd))
            return SIFT_CLI_LINE_NOT_READY;
        if (fill(in) < 0)
            return SIFT_CLI_LINE_ERROR;
    }
}
