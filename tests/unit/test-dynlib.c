/* Unit tests of dynlib.c: a library that is not there, a symbol that is
 * not there (nothing stored), an optional one (NULL), and a real load. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "dynlib.h"
#include "error.h"
#include "testlib.h"
#include "util.h"

static void
test_missing_library(void)
{
    size_t (*fn)(const char *) = NULL;
    const struct dynlib_sym syms[] = { { "strlen", &fn, false } };
    struct error err;
    int error;

    error_clear(&err);
    error = dynlib_load("libjumboagent-nonesuch.so.9", "nonesuch", syms,
                        ARRAY_SIZE(syms), &err);
    test_report(error == -ENOENT, err.msg, "a missing library: -ENOENT");
    test_report(strstr(err.msg, "cannot load libjumboagent-nonesuch.so.9")
                && strstr(err.msg, "install package nonesuch"), err.msg,
                "says which library and what to install");
    test_report(!fn, NULL, "stores nothing");
}

static void
test_missing_symbol(void)
{
    size_t (*len)(const char *) = NULL;
    void (*none)(void) = NULL;
    const struct dynlib_sym syms[] = {
        { "strlen", &len, false },
        { "jumboagent_no_such_function", &none, false },
    };
    struct error err;
    int error;

    error_clear(&err);
    error = dynlib_load("libc.so.6", "libc6", syms, ARRAY_SIZE(syms), &err);
    test_report(error == -ENOENT, err.msg, "a missing symbol: -ENOENT");
    test_report(strstr(err.msg, "has no symbol jumboagent_no_such_function")
                != NULL, err.msg, "names the symbol");
    test_report(!len && !none, NULL, "stores nothing, not even the symbols "
                "that were found");
}

static void
test_load(void)
{
    size_t (*len)(const char *) = NULL;
    void (*none)(void) = (void (*)(void)) test_load;
    const struct dynlib_sym syms[] = {
        { "strlen", &len, false },
        { "jumboagent_no_such_function", &none, true },
    };
    struct error err;
    int error;

    error_clear(&err);
    error = dynlib_load("libc.so.6", "libc6", syms, ARRAY_SIZE(syms), &err);
    test_report(!error, err.msg, "libc.so.6 loads");
    test_report(len && len("jumbo") == 5, NULL, "strlen is libc's");
    test_report(!none, NULL, "a missing optional symbol is NULL");
}

int
main(void)
{
    test_missing_library();
    test_missing_symbol();
    test_load();
    return test_exit_status();
}
