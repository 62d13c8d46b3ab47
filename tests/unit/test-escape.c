/* Unit tests of escape.c (names are bytes) and of the exit and output
 * contract pieces that need no host: error_prefix() and the outcomes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "escape.h"
#include "outcome.h"
#include "testlib.h"

/* Checks that 'name' encodes to 'expected' for JSON and decodes back. */
static void
test_json_one(const char *name, const char *expected)
{
    char *encoded = escape_json_encode(name);
    char back[64];
    int error;

    test_streq(expected, encoded, "JSON escape of \"%s\"", expected);
    error = escape_json_decode(encoded, back, sizeof back);
    test_report(!error && !strcmp(back, name), encoded,
                "JSON escape of \"%s\" decodes to the same bytes", expected);
    free(encoded);
}

/* Checks that decoding 's' fails with 'expected_error'. */
static void
test_decode_bad_one(const char *s, size_t size, int expected_error)
{
    char dst[64] = "untouched";
    int error = escape_json_decode(s, dst, size);

    test_report(error == expected_error && !strcmp(dst, "untouched"), s,
                "decoding \"%s\" fails with %d and leaves 'dst' alone", s,
                expected_error);
}

static char *
capture_text(const char *s, bool one_line)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buf, &size);

    escape_put_text(s, one_line, stream);
    fclose(stream);
    return buf;
}

static char *
capture_label(const char *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buf, &size);

    escape_put_label(s, stream);
    fclose(stream);
    return buf;
}

static void
test_text_one(const char *s, bool one_line, const char *expected)
{
    static int n;
    char *actual = capture_text(s, one_line);
    char *copy = escape_text(s, one_line);

    n++;
    test_streq(expected, actual, "text escape, case %d", n);
    test_streq(expected, copy, "escape_text(), case %d", n);
    free(actual);
    free(copy);
}

static void
test_label_one(const char *s, const char *expected)
{
    char *actual = capture_label(s);

    test_streq(expected, actual, "label escape to \"%s\"", expected);
    free(actual);
}

static void
test_escapes(void)
{
    /* JSON: only bytes that are not UTF-8 and the backslash. */
    test_json_one("eth0", "eth0");
    test_json_one("caf\xc3\xa9", "caf\xc3\xa9");
    test_json_one("a\x01" "b\x1b[31m", "a\x01" "b\x1b[31m");
    test_json_one("x\xff" "y", "x\\xffy");
    test_json_one("q\"q", "q\"q");
    test_json_one("back\\slash", "back\\\\slash");
    test_json_one("\\xff", "\\\\xff");
    test_json_one("\xc3", "\\xc3");                   /* Truncated. */
    test_json_one("\xc0\xaf", "\\xc0\\xaf");         /* Overlong '/'. */
    test_json_one("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* Surrogate. */
    test_json_one("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
    test_json_one("\xf0\x9f\x90\xa7", "\xf0\x9f\x90\xa7");
    test_report(escape_is_plain("vnet0") && !escape_is_plain("a\\b")
                && !escape_is_plain("\xff"), NULL, "escape_is_plain()");

    test_decode_bad_one("a\\b", 64, -EINVAL);
    test_decode_bad_one("a\\x0", 64, -EINVAL);
    test_decode_bad_one("a\\x00", 64, -EINVAL);
    test_decode_bad_one("a\\xzz", 64, -EINVAL);
    test_decode_bad_one("trailing\\", 64, -EINVAL);
    test_decode_bad_one("toolong", 7, -ENAMETOOLONG);
    {
        char dst[8];

        test_report(!escape_json_decode("\\xFF\\\\", dst, 3)
                    && !strcmp(dst, "\xff\\"), NULL,
                    "decoding \\xFF (upper case) and \\\\ fits in 3 bytes");
    }

    /* Text: control characters, C1 and bytes that are not UTF-8. */
    test_text_one("eth0", true, "eth0");
    test_text_one("\x1b[31mx\xff", true, "\\x1b[31mx\\xff");
    test_text_one("a\x7f" "b", true, "a\\x7fb");
    test_text_one("c1 \xc2\x9b" "2J", true, "c1 \\xc2\\x9b2J");
    test_text_one("caf\xc3\xa9 \\ \"", true, "caf\xc3\xa9 \\ \"");
    test_text_one("two\nlines\t", false, "two\nlines\t");
    test_text_one("two\nlines\t", true, "two\\x0alines\\x09");

    /* Prometheus label values: the name's escape, then \\, \" and \n. */
    test_label_one("eth0", "eth0");
    test_label_one("q\"q", "q\\\"q");
    test_label_one("b\\s", "b\\\\\\\\s");
    test_label_one("nl\n\x1b\xff", "nl\\\\x0a\\\\x1b\\\\xff");
}

static void
test_contract(void)
{
    struct error err;

    /* error_prefix() keeps the caller's code, also without 'err'. */
    test_report(error_prefix(NULL, -EBUSY, "x") == -EBUSY, NULL,
                "error_prefix(NULL) returns the code");
    error_clear(&err);
    error_set(&err, -ENOENT, "no such thing");
    test_report(error_prefix(&err, -ENOENT, "opening %s", "f") == -ENOENT
                && err.code == -ENOENT, NULL,
                "error_prefix() returns and keeps the code");
    test_streq("opening f: no such thing", err.msg, "error_prefix() text");

    test_report(outcome_exit_code(OUTCOME_APPLIED) == 0
                && outcome_exit_code(OUTCOME_IN_SYNC) == 0
                && outcome_exit_code(OUTCOME_DRIFT) == 2
                && outcome_exit_code(OUTCOME_REFUSED) == 3
                && outcome_exit_code(OUTCOME_ROLLED_BACK) == 5
                && outcome_exit_code(OUTCOME_FAILED) == 1, NULL,
                "outcome exit codes");
    test_streq("rolled-back", outcome_to_string(OUTCOME_ROLLED_BACK),
               "outcome name");
}

int
main(void)
{
    test_escapes();
    test_contract();
    return test_exit_status();
}
