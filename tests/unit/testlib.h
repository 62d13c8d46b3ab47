/* A minimal test harness for jumboagent's unit tests.
 *
 * Each check prints one TAP-style line, "ok - NAME" or "not ok - NAME: why";
 * tests/run-tests.sh counts them and prints the "N passed, N failed"
 * summary.  A test program exits 1 if any check failed. */
#ifndef JUMBOAGENT_TESTLIB_H
#define JUMBOAGENT_TESTLIB_H 1

#include <stdbool.h>

/* Records one check named by the printf-style 'fmt'.  When '!ok', prints
 * 'why' (may be NULL) after the name.  Returns 'ok'. */
bool test_report(bool ok, const char *why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Compares two strings; on mismatch prints both (expected first). */
bool test_streq(const char *expected, const char *actual,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Returns the process exit status: 0 if every check passed, else 1. */
int test_exit_status(void);

/* Reads the whole file 'path' into a malloc()'d NUL-terminated string (the
 * caller frees it), or returns NULL. */
char *test_read_file(const char *path);

/* The top of the source tree (for fixtures). */
const char *test_srcdir(void);

#endif /* testlib.h */
