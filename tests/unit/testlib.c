/* A minimal test harness: see testlib.h. */
#include "testlib.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_failed;

static bool
report_va(bool ok, const char *why, const char *fmt, va_list args)
{
    printf(ok ? "ok - " : "not ok - ");
    vprintf(fmt, args);
    if (!ok) {
        n_failed++;
        if (why) {
            printf(": %s", why);
        }
    }
    putchar('\n');
    fflush(stdout);
    return ok;
}

bool
test_report(bool ok, const char *why, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    report_va(ok, why, fmt, args);
    va_end(args);
    return ok;
}

bool
test_streq(const char *expected, const char *actual, const char *fmt, ...)
{
    bool ok = expected && actual ? !strcmp(expected, actual)
                                 : expected == actual;
    va_list args;

    va_start(args, fmt);
    report_va(ok, NULL, fmt, args);
    va_end(args);
    if (!ok) {
        printf("#   expected: %s\n#   actual:   %s\n",
               expected ? expected : "(null)", actual ? actual : "(null)");
    }
    return ok;
}

int
test_exit_status(void)
{
    return n_failed ? 1 : 0;
}

char *
test_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;

    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    buf = malloc(size + 1);
    if (buf && fread(buf, 1, size, f) != (size_t) size) {
        free(buf);
        buf = NULL;
    }
    if (buf) {
        buf[size] = '\0';
    }
    fclose(f);
    return buf;
}

const char *
test_srcdir(void)
{
    const char *dir = getenv("JUMBOAGENT_SRCDIR");
    return dir ? dir : SRCDIR;
}
