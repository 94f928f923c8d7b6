/*
 * fuzz-batch-lines.c - libFuzzer target for the line reader of `check
 * --batch` (src/cli/lines.c), against a plain split of the same bytes.
 *
 * Input: byte 0 sets the line limit (1-64), byte 1 seeds the sizes of the
 * pieces the bytes arrive in; the rest is the stream. The stream goes
 * through a pipe piece by piece: whenever the reader says no whole line
 * is ready, the next piece is written (at the end, the pipe is closed).
 * Every line must come out as the plain split has it: its bytes when it
 * is within the limit, its length when it is over (SIFT_CLI_LINE_TOO_LONG),
 * in order, then the end. Built with READ_CHUNK 16, so the buffer moves
 * and grows many times within one input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sift_cli_lines in;
    const uint8_t *s, *end;
    size_t max, sent = 0, want_at = 0, n;
    unsigned seed;
    int fd[2];

    if (size < 2)
        return 0;
    max = 1 + data[0] % 64;
    seed = data[1];
    s = data + 2;
    n = size - 2;
    end = s + n;
    if (pipe(fd) != 0)
        abort();
    sift_cli_lines_init(&in, fd[0], max);
    for (;;) {
        char *line;
        size_t len;
        int got = sift_cli_lines_next(&in, false, &line, &len);

        if (got == SIFT_CLI_LINE_NOT_READY) {
            if (sent == n) {
                if (fd[1] < 0)
                    abort(); /* closed, yet not at the end */
                close(fd[1]);
                fd[1] = -1;
            } else {
                size_t piece = 1 + (seed = seed * 1103515245u + 12345u) % 23;
                if (piece > n - sent)
                    piece = n - sent;
                if (write(fd[1], s + sent, piece) != (ssize_t)piece)
                    abort();
                sent += piece;
            }
            continue;
        }
        if (got == SIFT_CLI_LINE_ERROR)
            abort();
        if (got == SIFT_CLI_LINE_END) {
            if (want_at != n)
                abort(); /* lines left unread */
            break;
        }
        {
            /* the plain split: up to the next '\n' or the end */
            const uint8_t *nl = memchr(s + want_at, '\n', n - want_at);
            size_t wlen = (size_t)((nl ? nl : end) - (s + want_at));
            if (want_at >= n)
                abort(); /* a line past the end */
            if (got == SIFT_CLI_LINE) {
                if (wlen > max || len != wlen ||
                    memcmp(line, s + want_at, len) != 0)
                    abort();
            } else if (got != SIFT_CLI_LINE_TOO_LONG || wlen <= max ||
                       len != wlen) {
                abort();
            }
            want_at += wlen + (nl != NULL);
        }
    }
    sift_cli_lines_release(&in);
    close(fd[0]);
    if (fd[1] >= 0)
        close(fd[1]);
    return 0;
}
