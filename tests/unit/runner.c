/*
 * runner.c - runs the unit tests registered in test-list.h.
 *
 * Each test runs in its own child process (fork) so a crash or a hang in one
 * test cannot take the others down; a test gets TEST_TIMEOUT seconds. The
 * child counts live allocations made through sift_malloc() and fails the
 * test when any is left at the end (a leak is a failure, as in SQLite's
 * test harness). Output is TAP; the last line is the plain summary
 * "N passed, N failed[, N skipped]".
 *
 * Usage: runner [NAME-SUBSTRING...]   (no argument: every test)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "callsift.h"
#include "test.h"
#include "test-list.h"

#define TEST_TIMEOUT 120

struct test_entry {
    const char *name;
    int (*fn)(void);
};

static const struct test_entry tests[] = {TEST_TABLE};

static int skip_fd = -1;
/* Counted from every thread a test starts (the STIR and reputation tests
 * allocate on several at once): an atomic, or concurrent updates are lost
 * and a clean test reports a leak of -1. */
static _Atomic long live_allocations;

void sift_test_skip(const char *reason)
{
    if (skip_fd >= 0) {
        ssize_t n = write(skip_fd, reason, strlen(reason));
        (void)n;
    }
}

const char *sift_test_root(void)
{
    const char *root = getenv("SIFT_TEST_ROOT");
    return root && *root ? root : ".";
}

long sift_test_live_allocations(void)
{
    return live_allocations;
}

/* The counting allocator: a size header in front of each block. */
static void *count_malloc(size_t size)
{
    size_t *p = malloc(size + sizeof(max_align_t));
    if (p == NULL)
        return NULL;
    live_allocations++;
    return (char *)p + sizeof(max_align_t);
}

static void *count_realloc(void *ptr, size_t size)
{
    char *base;
    if (ptr == NULL)
        return count_malloc(size);
    base =
        realloc((char *)ptr - sizeof(max_align_t), size + sizeof(max_align_t));
    if (base == NULL)
        return NULL;
    return base + sizeof(max_align_t);
}

static void count_free(void *ptr)
{
    if (ptr == NULL)
        return;
    live_allocations--;
    free((char *)ptr - sizeof(max_align_t));
}

static int run_child(const struct test_entry *t, int pipe_wr)
{
    int rc;

    skip_fd = pipe_wr;
    alarm(TEST_TIMEOUT);
    sift_set_allocator(count_malloc, count_realloc, count_free);
    rc = t->fn();
    if (rc == 0 && live_allocations != 0) {
        fprintf(stderr, "# leaked %ld allocation(s)\n", live_allocations);
        rc = 1;
    }
    fflush(stdout);
    fflush(stderr);
    return rc;
}

static int selected(const char *name, int argc, char **argv)
{
    if (argc <= 1)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strstr(name, argv[i]) != NULL)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    size_t n_tests = sizeof(tests) / sizeof(tests[0]);
    int passed = 0, failed = 0, skipped = 0, num = 0;
    char failed_names[4096] = "";
    size_t failed_len = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < n_tests; i++)
        if (selected(tests[i].name, argc, argv))
            num++;
    printf("1..%d\n", num);
    num = 0;
    for (size_t i = 0; i < n_tests; i++) {
        int fds[2], status = 0;
        char reason[256] = "";
        ssize_t got;
        pid_t pid;

        if (!selected(tests[i].name, argc, argv))
            continue;
        num++;
        if (pipe(fds) != 0) {
            perror("pipe");
            return 2;
        }
        fflush(stdout);
        pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) {
            close(fds[0]);
            _exit(run_child(&tests[i], fds[1]));
        }
        close(fds[1]);
        got = read(fds[0], reason, sizeof(reason) - 1);
        reason[got > 0 ? got : 0] = '\0';
        close(fds[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            printf("ok %d - %s\n", num, tests[i].name);
            passed++;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == TEST_SKIP_CODE) {
            printf("ok %d - %s # SKIP %s\n", num, tests[i].name, reason);
            skipped++;
        } else {
            if (WIFSIGNALED(status))
                printf("# %s: killed by signal %d%s\n", tests[i].name,
                       WTERMSIG(status),
                       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
            printf("not ok %d - %s\n", num, tests[i].name);
            failed++;
            if (failed_len + strlen(tests[i].name) + 2 < sizeof(failed_names)) {
                memcpy(failed_names + failed_len, " ", 1);
                memcpy(failed_names + failed_len + 1, tests[i].name,
                       strlen(tests[i].name) + 1);
                failed_len += strlen(tests[i].name) + 1;
            }
        }
    }
    if (failed)
        printf("# failed:%s\n", failed_names);
    if (skipped)
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
