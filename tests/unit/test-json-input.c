/* Unit tests for agent/json-input.c, the strict JSON reading that policy.c,
 * drivers.c and host-json.c share: each type of problem with its position,
 * texts that must pass, reading files, JSON paths, quoting, descriptions
 * of values, unknown keys, "did you mean", word lists, and the typed
 * getters (each fault of each type, word for word).  The readers' own
 * messages are tested in test-policy.c, test-drivers.c and
 * test-host-json.c.
 *
 * This test includes json-c only to release the trees that
 * json_input_parse() returns. */
#include "json-input.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "error.h"
#include "testlib.h"
#include "util.h"

#define MAX_SIZE (1024 * 1024)
#define DEPTH 16

/* A text that json_input_parse() must refuse. */
struct bad_case {
    const char *name;           /* Test label. */
    const char *text;
    size_t size;                /* 0: strlen(text). */
    enum json_input_problem_type type;
    size_t offset;
    int line;
    int column;
    const char *detail;         /* NULL: not checked. */
};

static const struct bad_case bad_cases[] = {
    { "empty", "", 0, JSON_INPUT_EMPTY, 0, 1, 1, "the text is empty" },
    { "only a byte order mark", "\xef\xbb\xbf", 0, JSON_INPUT_EMPTY,
      3, 1, 1, NULL },
    { "blank", " \n\t\r ", 0, JSON_INPUT_BLANK, 0, 1, 1, NULL },
    { "NUL byte", "{\"a\"\0: 1}", 9, JSON_INPUT_NUL, 4, 1, 5, "a NUL byte" },
    { "bad UTF-8 byte", "{\"a\":\n \"\xff\"}", 0, JSON_INPUT_BAD_UTF8,
      8, 2, 3, "invalid utf-8 string" },
    { "overlong UTF-8", "[\"\xc0\xaf\"]", 0, JSON_INPUT_BAD_UTF8,
      2, 1, 3, NULL },
    { "UTF-8 surrogate", "[\"\xed\xa0\x80\"]", 0, JSON_INPUT_BAD_UTF8,
      2, 1, 3, NULL },
    { "UTF-8 above U+10FFFF", "[\"\xf4\x90\x80\x80\"]", 0,
      JSON_INPUT_BAD_UTF8, 2, 1, 3, NULL },
    { "cut UTF-8 sequence at the end", "[\"\xc3", 0, JSON_INPUT_BAD_UTF8,
      2, 1, 3, NULL },
    { "columns count characters",
      "{\"caf\xc3\xa9\": [1,]}", 0, JSON_INPUT_SYNTAX, 13, 1, 13,
      "unexpected character" },
    { "byte order mark not counted in columns",
      "\xef\xbb\xbf{\"a\": 'x'}", 0, JSON_INPUT_SYNTAX, 9, 1, 7,
      "unexpected character" },
    { "truncated", "{\"a\": [1,\n  2", 0, JSON_INPUT_TRUNCATED,
      13, 2, 4, "unexpected end of data" },
    { "truncated inside a string", "[\"abc", 0, JSON_INPUT_TRUNCATED,
      5, 1, 6, NULL },
    { "comment", "{\"a\": 1 /* x */}", 0, JSON_INPUT_SYNTAX, 8, 1, 9,
      NULL },
    { "trailing comma", "[1, 2,]", 0, JSON_INPUT_SYNTAX, 6, 1, 7, NULL },
    { "text after an object", "{\"a\": 1}\n\n  x", 0, JSON_INPUT_TRAILING,
      12, 3, 3, "unexpected character" },
    { "two objects", "{}{}", 0, JSON_INPUT_TRAILING, 2, 1, 3, NULL },
    { "text after a number", "12x", 0, JSON_INPUT_TRAILING, 2, 1, 3, NULL },
    { "too deep", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", 0,
      JSON_INPUT_SYNTAX, 16, 1, 17, "nesting too deep" },
    { "single-quoted key", "{\"a\": {'b': 1}}", 0, JSON_INPUT_SINGLE_QUOTE,
      7, 1, 8, "a string in single quotes" },
    { "raw tab in a string", "[\"a\tb\"]", 0, JSON_INPUT_CONTROL_CHAR,
      3, 1, 4, NULL },
    { "raw newline in a key", "{\"a\nb\": 1}", 0, JSON_INPUT_CONTROL_CHAR,
      3, 1, 4, NULL },
    { "NaN", "{\"a\": [1, NaN]}", 0, JSON_INPUT_NOT_A_VALUE, 10, 1, 11,
      NULL },
    { "Infinity", "[Infinity]", 0, JSON_INPUT_NOT_A_VALUE, 1, 1, 2, NULL },
    { "-Infinity", "[-Infinity]", 0, JSON_INPUT_NOT_A_VALUE, 1, 1, 2, NULL },
    { "number ending in a dot", "{\"mtu\": 9000.}", 0,
      JSON_INPUT_BAD_NUMBER, 8, 1, 9, "a malformed number" },
    { "number with a leading zero", "[-01]", 0, JSON_INPUT_BAD_NUMBER,
      1, 1, 2, NULL },
    { "duplicate key", "{\"a\": 1,\n \"b\": {\"c\": 1,\n \"c\": 2}}", 0,
      JSON_INPUT_DUPLICATE_KEY, 25, 3, 2, NULL },
};

static void
test_bad_one(const struct bad_case *c)
{
    struct json_object *root = (struct json_object *) &root;
    struct json_input_problem problem;
    size_t size = c->size ? c->size : strlen(c->text);
    int error;

    error = json_input_parse(c->text, size, MAX_SIZE, DEPTH, &root,
                             &problem);
    test_report(error == -EINVAL && root == (struct json_object *) &root,
                NULL, "%s: refused, root untouched", c->name);
    test_report(problem.type == c->type, NULL, "%s: type %d (got %d)",
                c->name, c->type, problem.type);
    test_report(problem.offset == c->offset && problem.line == c->line
                && problem.column == c->column, NULL,
                "%s: at offset %zu, line %d, column %d (got %zu, %d, %d)",
                c->name, c->offset, c->line, c->column, problem.offset,
                problem.line, problem.column);
    test_report(problem.detail != NULL, NULL, "%s: has a detail", c->name);
    if (c->detail) {
        test_streq(c->detail, problem.detail, "%s: detail", c->name);
    }
}

/* Parses 'text', which must pass; returns the root (the caller puts it). */
static struct json_object *
parse_good(const char *label, const char *text)
{
    struct json_object *root = NULL;
    struct json_input_problem problem;
    int error;

    error = json_input_parse(text, strlen(text), MAX_SIZE, DEPTH, &root,
                             &problem);
    test_report(!error, error ? problem.detail : NULL, "%s: parses", label);
    return root;
}

static void
test_good(void)
{
    static const char *const texts[] = {
        "{}", "[]", "0", "-0", "12", "-1.5e+3", "1E5", "\"x\"", "true",
        "  {\"a\": [1, 2, {\"b\": null}], \"c\": \"\\u00e9\\n\\\"\"}\n",
        "{\"a\": 1, \"b\": {\"a\": 2}, \"c\": [{\"a\": 3}, {\"a\": 4}]}",
        "\xef\xbb\xbf{\"caf\xc3\xa9\": \"\xf0\x9f\x98\x80\"}",
        "[\"\x7f\"]",
    };
    struct json_object *root;

    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        char label[32];

        snprintf(label, sizeof label, "good text %zu", i);
        json_object_put(parse_good(label, texts[i]));
    }

    root = parse_good("null", "null");
    test_report(!root, NULL, "null: the root is NULL");

    root = parse_good("byte order mark", "\xef\xbb\xbf {\"a\": 1}");
    test_report(json_object_is_type(root, json_type_object)
                && json_object_object_length(root) == 1, NULL,
                "byte order mark: an object with one member");
    json_object_put(root);

    /* The deepest nesting that the tokener takes, the scan takes too. */
    for (int depth = 1; depth < 40; depth++) {
        struct json_input_problem problem;
        char text[128];
        int error;

        memset(text, '[', depth);
        memset(text + depth, ']', depth);
        text[2 * depth] = '\0';
        root = NULL;
        error = json_input_parse(text, 2 * depth, MAX_SIZE, DEPTH, &root,
                                 &problem);
        json_object_put(root);
        if (error) {
            test_report(problem.type == JSON_INPUT_SYNTAX && depth >= DEPTH,
                        problem.detail, "nesting: %d arrays are too deep "
                        "for json-c itself, not only for the scan", depth);
            break;
        }
    }
}

static void
test_limits(void)
{
    struct json_object *root = NULL;
    struct json_input_problem problem;
    int error;

    error = json_input_parse("[1, 2]", 6, 5, DEPTH, &root, &problem);
    test_report(error == -EINVAL && problem.type == JSON_INPUT_TOO_LARGE
                && !root, NULL, "6 bytes with a limit of 5: too large");
    error = json_input_parse("[1, 2]", 6, 6, DEPTH, &root, &problem);
    test_report(!error && root, problem.detail, "6 bytes with a limit of 6");
    json_object_put(root);
}

/* Runs json_input_parse() on the string 'text'. */
static int
parse_string(const char *text, struct json_object **rootp,
             struct json_input_problem *problem)
{
    return json_input_parse(text, strlen(text), MAX_SIZE, DEPTH, rootp,
                            problem);
}

/* Keys: duplicates at depth, paths, first lines, many keys. */
static void
test_duplicates(void)
{
    struct json_input_problem problem;
    struct json_object *root = NULL;
    char *text;
    size_t len;
    int error;

    error = parse_string("{\"a\": 1,\n \"b\": {\"c\": 1,\n \"c\": 2}}",
                         &root, &problem);
    test_report(error && problem.first_line == 2, NULL,
                "duplicate: first at line 2 (got %d)", problem.first_line);
    test_streq("b.c", problem.path, "duplicate: path");

    error = parse_string("{\"x\": [{}, {\"d e\": 1, \"d e\": 1}]}", &root,
                         &problem);
    test_report(error && problem.type == JSON_INPUT_DUPLICATE_KEY, NULL,
                "duplicate in an array: refused");
    test_streq("x[1][\"d e\"]", problem.path,
               "duplicate in an array: path");

    error = parse_string("{\"a\": {\"k\": 1}, \"b\": {\"k\": 2}, \"k\": 3}",
                         &root, &problem);
    test_report(!error, problem.detail,
                "the same key in different objects is fine");
    json_object_put(root);

    error = parse_string("{\"ab\": 1,\n\"a\\u0062\": 2}", &root, &problem);
    test_report(error && problem.type == JSON_INPUT_DUPLICATE_KEY
                && problem.line == 2 && problem.first_line == 1, NULL,
                "keys compare as json-c reads them: \"ab\" and "
                "\"a\\u0062\"");
    test_streq("[\"a\\\\u0062\"]", problem.path,
               "escaped duplicate: the path shows the key as written");
    error = parse_string("{\"\\ud83d\\ude00\\t\\/\": 1, "
                         "\"\xf0\x9f\x98\x80\\u0009/\": 2}", &root,
                         &problem);
    test_report(error && problem.type == JSON_INPUT_DUPLICATE_KEY, NULL,
                "surrogate pairs and escapes are decoded");
    error = parse_string("{\"\\ud83d\": 1, \"\\udead\": 2, "
                         "\"\\u00e9\": 3, \"\xc3\xa9\\\"\": 4}", &root,
                         &problem);
    test_report(error && problem.type == JSON_INPUT_DUPLICATE_KEY
                && problem.offset == 14, NULL,
                "lone surrogates are the same key (json-c reads both as "
                "U+FFFD)");
    error = parse_string("{\"\\u00e9\": 3, \"\xc3\xa9\\\"\": 4, "
                         "\"\\u0041\": 1, \"a\": 2}", &root, &problem);
    test_report(!error, problem.detail, "different decoded keys are fine");
    json_object_put(root);

    /* 5000 keys, the last one again: the key set grows many times. */
    text = xmalloc(5000 * 16 + 64);
    len = 0;
    text[len++] = '{';
    for (int i = 0; i < 5000; i++) {
        len += sprintf(text + len, "\"k%d\": %d, ", i, i);
    }
    len += sprintf(text + len, "\"k4999\": 0}");
    error = json_input_parse(text, len, MAX_SIZE, DEPTH, &root, &problem);
    test_report(error && problem.type == JSON_INPUT_DUPLICATE_KEY, NULL,
                "5000 keys and a duplicate: refused");
    test_streq("k4999", problem.path, "5000 keys: path of the duplicate");
    text[len - 11] = '}';
    error = json_input_parse(text, len - 10, MAX_SIZE, DEPTH, &root,
                             &problem);
    test_report(error && problem.type == JSON_INPUT_SYNTAX, NULL,
                "5000 keys and a trailing comma: refused by json-c");
    memcpy(text + len - 13, "}  ", 3);
    error = json_input_parse(text, len - 12, MAX_SIZE, DEPTH, &root,
                             &problem);
    test_report(!error && json_object_object_length(root) == 5000,
                problem.detail, "5000 different keys: parsed");
    json_object_put(root);
    free(text);
}

/* Writes the 'size' bytes at 'text' to 'path'. */
static void
write_file(const char *path, const char *text, size_t size)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(text, 1, size, f) != size) {
        test_report(false, "cannot write", "write %s", path);
    }
    if (f) {
        fclose(f);
    }
}

static void
test_files(void)
{
    char dir[] = "/tmp/test-json-input.XXXXXX";
    char *text = (char *) &text;
    bool opened = true;
    size_t size = 0;
    char *path;
    int error;

    if (!mkdtemp(dir)) {
        test_report(false, "mkdtemp failed", "file cases");
        return;
    }

    path = xasprintf("%s/missing.json", dir);
    error = json_input_read_file(path, 100, &text, &size, &opened);
    test_report(error == -ENOENT && !opened && text == (char *) &text, NULL,
                "missing file: -ENOENT, not opened, text untouched");
    free(path);

    error = json_input_read_file(dir, 100, &text, &size, &opened);
    test_report(error == -EISDIR && opened, NULL, "directory: -EISDIR");

    path = xasprintf("%s/f.json", dir);
    write_file(path, "{\"a\": 1}\n", 9);
    error = json_input_read_file(path, 9, &text, &size, &opened);
    test_report(!error && opened && size == 9 && !memcmp(text, "{\"a\": 1}\n",
                                                         10),
                NULL, "file at the limit: read, NUL-terminated");
    free(text);
    text = (char *) &text;

    error = json_input_read_file(path, 8, &text, &size, &opened);
    test_report(error == -EFBIG && size == 9 && text == (char *) &text, NULL,
                "file over the limit: -EFBIG and its size (%zu)", size);

    write_file(path, "", 0);
    error = json_input_read_file(path, 8, &text, &size, &opened);
    test_report(!error && size == 0 && text[0] == '\0', NULL,
                "empty file: read");
    free(text);
    text = (char *) &text;

    error = json_input_read_file("/dev/zero", 100000, &text, &size, &opened);
    test_report(error == -EFBIG && size == 100001, NULL,
                "endless device: -EFBIG after the limit (%zu)", size);

    unlink(path);
    free(path);
    rmdir(dir);
}

static void
test_paths(void)
{
    char path[JSON_INPUT_PATH_SIZE];
    char small[16];
    char quoted[64];

    json_input_path_key(path, sizeof path, NULL, "networks", 8);
    json_input_path_index(path, sizeof path, path, 1);
    json_input_path_key(path, sizeof path, path, "mtu", 3);
    test_streq("networks[1].mtu", path, "path: key, index, key");

    json_input_path_key(path, sizeof path, "drivers", "802.1Q VLAN", 11);
    test_streq("drivers[\"802.1Q VLAN\"]", path, "path: quoted key");
    json_input_path_key(path, sizeof path, "", "", 0);
    test_streq("[\"\"]", path, "path: empty key");
    json_input_path_key(path, sizeof path, "x", "a\"b\\c\n\x01", 7);
    test_streq("x[\"a\\\"b\\\\c\\n\\u0001\"]", path, "path: escapes");
    json_input_path_index(path, sizeof path, NULL, 3);
    test_streq("[3]", path, "path: index at the top level");
    json_input_path_key(path, sizeof path, NULL, "max_mtu-2", 9);
    test_streq("max_mtu-2", path, "path: '_' and '-' need no quotes");

    json_input_path_key(small, sizeof small, "abcdefgh", "ijklmnop", 8);
    test_streq("abcdefgh.ijk...", small, "path: cut short with \"...\"");
    json_input_path_index(small, sizeof small, small, 1);
    test_streq("abcdefgh.ijk...", small, "path: a cut path stays cut");
    json_input_path_key(small, sizeof small, "abcdefghi", "\xc3\xa9\xc3\xa9",
                        4);
    test_streq("abcdefghi[\"...", small,
               "path: cut at a character boundary");

    test_streq("\"tap\\t0\"", json_input_quote("tap\t0", 5, quoted,
                                               sizeof quoted), "quote: tab");
    test_streq("\"01234567890123456789012345678901234567890123456...\"",
               json_input_quote("01234567890123456789012345678901234567890"
                                "123456789", 50, quoted, sizeof quoted),
               "quote: cut after 48 bytes");
    test_streq("\"...\"", json_input_quote("abc", 3, small, sizeof small),
               "quote: a buffer too small");

    json_input_path_format(path, sizeof path, NULL, "links[%d].name", 2);
    test_streq("links[2].name", path, "path: format at the top level");
    json_input_path_format(path, sizeof path, "ovs", ".bridges[%d]", 0);
    test_streq("ovs.bridges[0]", path, "path: format after a parent");
    json_input_path_format(path, sizeof path, path, ".%s", "name");
    test_streq("ovs.bridges[0].name", path, "path: format in place");
    json_input_path_format(small, sizeof small, "abcdefgh", ".%s",
                           "ijklmnop");
    test_streq("abcdefgh.ijk...", small, "path: format cut short");
}

/* A value for the description tests, described as 'style' says. */
struct describe_case {
    const char *json;           /* The value as JSON text. */
    const char *type_name;      /* json_input_type_name(). */
    const char *phrase;         /* JSON_INPUT_AS_PHRASE. */
    const char *as_json;        /* JSON_INPUT_AS_JSON. */
};

static void
test_describe(void)
{
    static const struct describe_case cases[] = {
        { "null", "null", "null", "null" },
        { "true", "a boolean", "true", "true" },
        { "false", "a boolean", "false", "false" },
        { "9000", "an integer", "the integer 9000", "9000" },
        { "-1", "an integer", "the integer -1", "-1" },
        { "9000.5", "a number with a fraction or exponent",
          "the number 9000.5", "9000.5" },
        { "1e3", "a number with a fraction or exponent", "the number 1e3",
          "1e3" },
        { "\"9k\"", "a string", "the string \"9k\"", "\"9k\"" },
        { "\"a/b\\\"c\\t\"", "a string", "the string \"a/b\\\"c\\t\"",
          "\"a/b\\\"c\\t\"" },
        { "\"0123456789012345678901234567890123456789\"", "a string",
          "the string \"0123456789012345678901234567890123456789\"",
          "\"0123456789012345678901234567890123456789\"" },
        { "\"01234567890123456789012345678901234567890123456789\"",
          "a string",
          "the string \"01234567890123456789012345678901234567890123456"
          "...\"",
          "\"0123456789012345678901234567890123456789...\"" },
        { "\"012345678901234567890123456789012345678\xc3\xa9\xc3\xa9\"",
          "a string",
          "the string \"012345678901234567890123456789012345678\xc3\xa9"
          "\xc3\xa9\"",
          "\"012345678901234567890123456789012345678...\"" },
        { "[1, 2]", "an array", "an array", "an array" },
        { "{\"a\": 1}", "an object", "an object", "an object" },
    };
    struct json_input_problem problem;
    struct json_object *value;
    char buf[192];
    char small[8];

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct describe_case *c = &cases[i];

        if (json_input_parse(c->json, strlen(c->json), MAX_SIZE, DEPTH,
                             &value, &problem)) {
            test_report(false, problem.detail, "describe: parse %s",
                        c->json);
            continue;
        }
        test_streq(c->type_name, json_input_type_name(value),
                   "type name of %s", c->json);
        test_streq(c->phrase,
                   json_input_describe(value, JSON_INPUT_AS_PHRASE, buf,
                                       sizeof buf),
                   "describe %s as a phrase", c->json);
        test_streq(c->as_json,
                   json_input_describe(value, JSON_INPUT_AS_JSON, buf,
                                       sizeof buf),
                   "describe %s as JSON", c->json);
        json_object_put(value);
    }
    test_streq("null", json_input_describe(NULL, JSON_INPUT_AS_JSON, buf,
                                           sizeof buf),
               "describe: NULL is null");
    test_streq("null", json_input_type_name(NULL), "type name of NULL");
    if (!json_input_parse("9000", 4, MAX_SIZE, DEPTH, &value, &problem)) {
        test_streq("the int", json_input_describe(value, JSON_INPUT_AS_PHRASE,
                                                  small, sizeof small),
                   "describe: cut short");
        json_object_put(value);
    }
}

static void
test_unknown_key(void)
{
    static const char *const allowed[] = { "name", "mtu" };
    static const char *const texts[][2] = {
        /* Text, first unknown key (NULL for none). */
        { "{}", NULL },
        { "{\"mtu\": 1, \"name\": \"a\"}", NULL },
        { "{\"name\": 1, \"mtuu\": 2, \"speed\": 3}", "mtuu" },
        { "{\"Name\": 1}", "Name" },
    };
    struct json_input_problem problem;

    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        struct json_object *object;

        if (json_input_parse(texts[i][0], strlen(texts[i][0]), MAX_SIZE,
                             DEPTH, &object, &problem)) {
            test_report(false, problem.detail, "unknown key: parse %s",
                        texts[i][0]);
            continue;
        }
        test_streq(texts[i][1],
                   json_input_unknown_key(object, allowed,
                                          ARRAY_SIZE(allowed)),
                   "unknown key in %s", texts[i][0]);
        json_object_put(object);
    }
}

static void
test_suggest(void)
{
    static const char *const policy_keys[] = {
        "name", "bridge", "mtu", "uplinks", "vifs", "management", "ipv6",
        "overlay", "verify",
    };
    static const char *const entry_keys[] = {
        "verdict", "max_mtu", "reason", "source", "rules",
    };
    static const char *const verdicts[] = {
        "supported", "conditional", "refuse",
    };
    static const struct {
        const char *word;
        const char *const *choices;
        size_t n;
        const char *expected;
    } cases[] = {
        { "mtuu", policy_keys, ARRAY_SIZE(policy_keys), "mtu" },
        { "IPv6", policy_keys, ARRAY_SIZE(policy_keys), "ipv6" },
        { "manage", policy_keys, ARRAY_SIZE(policy_keys), "management" },
        { "uplink", policy_keys, ARRAY_SIZE(policy_keys), "uplinks" },
        { "speed", policy_keys, ARRAY_SIZE(policy_keys), NULL },
        { "vif", policy_keys, ARRAY_SIZE(policy_keys), "vifs" },
        { "soruce", entry_keys, ARRAY_SIZE(entry_keys), "source" },
        { "max-mtu", entry_keys, ARRAY_SIZE(entry_keys), "max_mtu" },
        { "mtu", entry_keys, ARRAY_SIZE(entry_keys), "max_mtu" },
        { "colour", entry_keys, ARRAY_SIZE(entry_keys), NULL },
        { "Refuse", verdicts, ARRAY_SIZE(verdicts), "refuse" },
        { "refused", verdicts, ARRAY_SIZE(verdicts), "refuse" },
        { "no", verdicts, ARRAY_SIZE(verdicts), NULL },
        { "", verdicts, ARRAY_SIZE(verdicts), NULL },
        { "a_very_long_word_that_is_longer_than_sixty_four_characters_"
          "for_sure_refuse", verdicts, ARRAY_SIZE(verdicts), "refuse" },
        { "mtu", policy_keys, 0, NULL },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        test_streq(cases[i].expected,
                   json_input_suggest(cases[i].word, cases[i].choices,
                                      cases[i].n),
                   "suggest for \"%s\"", cases[i].word);
    }
}

static void
test_join(void)
{
    static const char *const words[] = { "a", "bb", "ccc" };
    char buf[64];
    char small[8];

    test_streq("a, bb, ccc", json_input_join(buf, sizeof buf, words, 3,
                                             false), "join");
    test_streq("\"a\", \"bb\", \"ccc\"",
               json_input_join(buf, sizeof buf, words, 3, true),
               "join, quoted");
    test_streq("", json_input_join(buf, sizeof buf, words, 0, true),
               "join of nothing");
    test_streq("a, bb, ", json_input_join(small, sizeof small, words, 3,
                                          false), "join, cut short");
}

/* The typed getters.  Every case reads one member of DOC (at the top
 * level, so that member paths are the keys) and checks the result, the
 * stored value and the message word for word. */

#define DOC "{\"i\": 9000, \"neg\": -1, \"big\": 10000000000000000000, " \
    "\"huge\": 99999999999999999999, \"s\": \"eth0\", \"e\": \"\", " \
    "\"ws\": \" \\t\", \"nul\": \"a\\u0000b\", \"b\": true, \"n\": null, " \
    "\"f\": 1.5, \"a\": [1, 2], \"ea\": [], \"o\": {\"x\": 1, \"y\": 2}, " \
    "\"enum\": \"gre\", \"typo\": \"genve\"}"

enum getter { G_INT, G_UINT, G_BOOL, G_STRING, G_ENUM, G_ARRAY, G_OBJECT };

struct getter_case {
    enum getter getter;
    const char *key;
    int flags;
    long long min, max;         /* G_INT, G_UINT; G_STRING: 'max' is the
                                 * longest length. */
    const char *rule;
    const char *msg;            /* NULL: must succeed. */
    long long value;            /* On success: the value stored (strings:
                                 * the length; arrays: the length; bools:
                                 * 0 or 1); SENTINEL: left alone. */
};

#define SENTINEL 424242
#define R "RULE"
#define NONEMPTY JSON_INPUT_NONEMPTY
#define NULLABLE JSON_INPUT_NULLABLE
#define REQUIRED JSON_INPUT_REQUIRED

static const struct getter_case getter_cases[] = {
    /* Integers: the bounds are inclusive. */
    { G_INT, "i", 0, 68, 65535, R, NULL, 9000 },
    { G_INT, "i", 0, 9000, 9000, R, NULL, 9000 },
    { G_INT, "i", 0, 68, 8999, R,
      "t.json: i: 9000 is out of range (68 to 8999); RULE", 0 },
    { G_INT, "i", 0, 9001, 65535, R,
      "t.json: i: 9000 is out of range (9001 to 65535); RULE", 0 },
    { G_INT, "neg", 0, 0, 10, NULL,
      "t.json: neg: -1 is out of range (0 to 10)", 0 },
    { G_INT, "neg", 0, -1, 10, NULL, NULL, -1 },
    { G_INT, "big", 0, 0, LLONG_MAX, R,
      "t.json: big: 10000000000000000000 is out of range (0 to "
      "9223372036854775807); RULE", 0 },
    { G_INT, "huge", 0, 0, 10, R,
      "t.json: huge: the number is far out of range (0 to 10); RULE", 0 },
    { G_INT, "f", 0, 0, 10, R,
      "t.json: f: expected an integer, got the number 1.5; RULE", 0 },
    { G_INT, "s", 0, 0, 10, R,
      "t.json: s: expected an integer, got the string \"eth0\"; RULE", 0 },
    { G_INT, "s", NULLABLE, 0, 10, R,
      "t.json: s: expected null or an integer, got the string \"eth0\"; "
      "RULE", 0 },
    { G_INT, "n", 0, 0, 10, R,
      "t.json: n: expected an integer, got null; RULE", 0 },
    { G_INT, "n", NULLABLE, 0, 10, R, NULL, SENTINEL },
    { G_INT, "absent", 0, 0, 10, R, NULL, SENTINEL },
    { G_INT, "absent", REQUIRED, 0, 10, R,
      "t.json: (top level): \"absent\" is missing; RULE", 0 },
    { G_UINT, "i", 0, 0, 65535, R, NULL, 9000 },
    { G_UINT, "i", 0, 9001, 65535, NULL,
      "t.json: i: 9000 is out of range (9001 to 65535)", 0 },
    { G_UINT, "neg", 0, 0, UINT_MAX, NULL,
      "t.json: neg: -1 is out of range (0 to 4294967295)", 0 },
    { G_UINT, "b", 0, 0, 1, NULL,
      "t.json: b: expected an integer, got true", 0 },
    { G_UINT, "absent", REQUIRED, 0, 1, NULL,
      "t.json: (top level): \"absent\" is missing", 0 },

    /* Booleans. */
    { G_BOOL, "b", 0, 0, 0, R, NULL, 1 },
    { G_BOOL, "i", 0, 0, 0, R,
      "t.json: i: expected true or false, got the integer 9000; RULE", 0 },
    { G_BOOL, "s", 0, 0, 0, NULL,
      "t.json: s: expected true or false, got the string \"eth0\"", 0 },
    { G_BOOL, "n", NULLABLE, 0, 0, R, NULL, SENTINEL },
    { G_BOOL, "absent", 0, 0, 0, R, NULL, SENTINEL },

    /* Strings: 'max' is the longest length allowed. */
    { G_STRING, "s", 0, 0, 4, R, NULL, 4 },
    { G_STRING, "s", 0, 0, 3, R,
      "t.json: s: the string is 4 bytes long, more than the 3 allowed; "
      "RULE", 0 },
    { G_STRING, "e", 0, 0, 10, R, NULL, 0 },
    { G_STRING, "e", NONEMPTY, 0, 10, R,
      "t.json: e: the string is empty; RULE", 0 },
    { G_STRING, "ws", 0, 0, 10, R, NULL, 2 },
    { G_STRING, "ws", NONEMPTY, 0, 10, R,
      "t.json: ws: \" \\t\" is only whitespace; RULE", 0 },
    { G_STRING, "nul", 0, 0, 10, R,
      "t.json: nul: \"a\\u0000b\" contains a NUL character; RULE", 0 },
    { G_STRING, "i", 0, 0, 10, R,
      "t.json: i: expected a string, got the integer 9000; RULE", 0 },
    { G_STRING, "a", NULLABLE, 0, 10, R,
      "t.json: a: expected null or a string, got an array; RULE", 0 },
    { G_STRING, "n", 0, 0, 10, NULL,
      "t.json: n: expected a string, got null", 0 },
    { G_STRING, "n", NULLABLE, 0, 10, R, NULL, SENTINEL },
    { G_STRING, "absent", REQUIRED, 0, 10, R,
      "t.json: (top level): \"absent\" is missing; RULE", 0 },

    /* Names: "vxlan", NULL (a gap), "geneve", "gre". */
    { G_ENUM, "enum", 0, 0, 0, R, NULL, 3 },
    { G_ENUM, "typo", 0, 0, 0, R,
      "t.json: typo: unknown value \"genve\"; did you mean \"geneve\"?", 0 },
    { G_ENUM, "s", 0, 0, 0, R,
      "t.json: s: unknown value \"eth0\"; RULE", 0 },
    { G_ENUM, "s", 0, 0, 0, NULL,
      "t.json: s: unknown value \"eth0\"; the values allowed here are "
      "\"vxlan\", \"geneve\", \"gre\"", 0 },
    { G_ENUM, "i", 0, 0, 0, R,
      "t.json: i: expected a string, got the integer 9000; RULE", 0 },
    { G_ENUM, "absent", 0, 0, 0, R, NULL, SENTINEL },

    /* Arrays: the value is the length. */
    { G_ARRAY, "a", NONEMPTY, 0, 0, R, NULL, 2 },
    { G_ARRAY, "ea", 0, 0, 0, R, NULL, 0 },
    { G_ARRAY, "ea", NONEMPTY, 0, 0, R,
      "t.json: ea: the array is empty; RULE", 0 },
    { G_ARRAY, "o", 0, 0, 0, R,
      "t.json: o: expected an array, got an object; RULE", 0 },
    { G_ARRAY, "absent", REQUIRED, 0, 0, R,
      "t.json: (top level): \"absent\" is missing; RULE", 0 },
    { G_ARRAY, "absent", 0, 0, 0, R, NULL, SENTINEL },

    /* Objects: 'max' keys of "x", "y", "z" are allowed. */
    { G_OBJECT, "o", 0, 0, 2, R, NULL, 1 },
    { G_OBJECT, "o", 0, 0, 1, R,
      "t.json: o.y: unknown key; did you mean \"x\"?", 0 },
    { G_OBJECT, "a", 0, 0, 3, R,
      "t.json: a: expected an object, got an array; RULE", 0 },
    { G_OBJECT, "absent", REQUIRED, 0, 3, R,
      "t.json: (top level): \"absent\" is missing; RULE", 0 },
    { G_OBJECT, "absent", 0, 0, 3, R, NULL, SENTINEL },
};

/* Runs 'c' on 'doc'.  Returns the getter's result and stores what it
 * stored in '*valuep' (SENTINEL if nothing). */
static int
run_getter(const struct getter_case *c, struct json_object *doc,
           const struct json_input_ctx *ctx, long long *valuep)
{
    static const char *const names[] = { "vxlan", NULL, "geneve", "gre" };
    static const char *const keys[] = { "x", "y", "z" };
    const struct json_input_keys kind = { keys, c->max };
    struct json_object *object = NULL;
    unsigned int u = SENTINEL;
    const char *s = NULL;
    int index = SENTINEL;
    bool b = false;
    size_t n = 0;
    int error;

    *valuep = SENTINEL;
    switch (c->getter) {
    case G_INT:
        return json_input_get_int(ctx, doc, "", c->key, c->flags, c->min,
                                  c->max, c->rule, valuep);
    case G_UINT:
        error = json_input_get_uint(ctx, doc, "", c->key, c->flags, c->min,
                                    c->max, c->rule, &u);
        *valuep = u;
        return error;
    case G_BOOL:
        error = json_input_get_bool(ctx, doc, "", c->key, c->flags, c->rule,
                                    &b);
        *valuep = json_object_object_get_ex(doc, c->key, &object) && object
                  && !error ? b : SENTINEL;
        return error;
    case G_STRING:
        error = json_input_get_string(ctx, doc, "", c->key, c->flags, c->max,
                                      c->rule, &s);
        *valuep = s ? (long long) strlen(s) : SENTINEL;
        return error;
    case G_ENUM:
        error = json_input_get_enum(ctx, doc, "", c->key, c->flags, names,
                                    ARRAY_SIZE(names), c->rule, &index);
        *valuep = index;
        return error;
    case G_ARRAY:
        error = json_input_get_array(ctx, doc, "", c->key, c->flags, c->rule,
                                     &object, &n);
        *valuep = object ? (long long) n : SENTINEL;
        return error;
    case G_OBJECT:
        error = json_input_get_object(ctx, doc, "", c->key, c->flags, &kind,
                                      c->rule, &object);
        *valuep = object ? 1 : SENTINEL;
        return error;
    }
    return -1;
}

static const char *
getter_name(enum getter getter)
{
    static const char *const names[] = {
        "int", "uint", "bool", "string", "enum", "array", "object",
    };

    return (size_t) getter < ARRAY_SIZE(names) ? names[getter] : "?";
}

static void
test_getters(void)
{
    struct json_object *doc = parse_good("getters: the document", DOC);

    for (size_t i = 0; doc && i < ARRAY_SIZE(getter_cases); i++) {
        const struct getter_case *c = &getter_cases[i];
        struct error err;
        const struct json_input_ctx ctx = { .name = "t.json", .err = &err };
        long long value;
        int error;

        error_clear(&err);
        error = run_getter(c, doc, &ctx, &value);
        if (c->msg) {
            test_report(error == -EINVAL && err.code == -EINVAL, NULL,
                        "getter %zu (%s \"%s\"): -EINVAL (got %d)", i,
                        getter_name(c->getter), c->key, error);
            test_streq(c->msg, err.msg, "getter %zu (%s \"%s\"): message",
                       i, getter_name(c->getter), c->key);
            if (c->getter == G_INT || c->getter == G_UINT
                || c->getter == G_ENUM) {
                test_report(value == SENTINEL, NULL, "getter %zu (%s "
                            "\"%s\"): stores nothing on failure (stored "
                            "%lld)", i, getter_name(c->getter), c->key,
                            value);
            }
        } else {
            test_report(!error && value == c->value, err.msg,
                        "getter %zu (%s \"%s\"): stores %lld (got %d, %lld)",
                        i, getter_name(c->getter), c->key, c->value, error,
                        value);
        }
    }
    json_object_put(doc);
}

/* The value getters report at the path they are given; the reporter writes
 * "(top level)" for "". */
static void
test_value_getters(void)
{
    struct json_object *doc = parse_good("value getters: the document", DOC);
    struct error err;
    const struct json_input_ctx ctx = { .name = "t.json", .err = &err };
    struct json_object *value;
    long long n = SENTINEL;
    int index = SENTINEL;
    const char *s = NULL;
    bool b = false;

    if (!doc) {
        return;
    }
    json_object_object_get_ex(doc, "i", &value);
    error_clear(&err);
    test_report(json_input_int(&ctx, value, "networks[1].mtu", 68, 1500,
                               NULL, &n) == -EINVAL && n == SENTINEL, NULL,
                "value getter: out of range");
    test_streq("t.json: networks[1].mtu: 9000 is out of range (68 to "
               "1500)", err.msg, "value getter: the path it is given");
    test_report(json_input_bool(&ctx, doc, "", NULL, &b) == -EINVAL, NULL,
                "value getter: an object is not a boolean");
    test_streq("t.json: (top level): expected true or false, got an object",
               err.msg, "value getter: \"\" is \"(top level)\"");
    json_object_object_get_ex(doc, "s", &value);
    test_report(json_input_int(&ctx, value, "mtu", 0, 10, NULL, &n)
                == -EINVAL && n == SENTINEL, NULL,
                "value getter: a string is not an integer");
    test_streq("t.json: mtu: expected an integer, got the string \"eth0\"",
               err.msg, "value getter: the integer's type");
    json_object_object_get_ex(doc, "a", &value);
    test_report(json_input_string(&ctx, value, "x", 10, 0, NULL, &s)
                == -EINVAL && !s, NULL,
                "value getter: an array is not a string");
    test_report(json_input_object(&ctx, value, "x", NULL, NULL) == -EINVAL,
                NULL, "value getter: an array is not an object");
    json_object_object_get_ex(doc, "o", &value);
    test_report(json_input_array(&ctx, value, "x", 0, NULL, NULL) == -EINVAL,
                NULL, "value getter: an object is not an array");
    test_report(json_input_enum(&ctx, value, "x", &s, 0, NULL, &index)
                == -EINVAL && index == SENTINEL, NULL,
                "value getter: an object is not a name");
    error_clear(&err);
    test_report(json_input_error(&ctx, "", "x %d", 1) == -EINVAL
                && err.code == -EINVAL, NULL, "json_input_error: -EINVAL");
    test_streq("t.json: (top level): x 1", err.msg,
               "json_input_error: the message");
    json_object_put(doc);
}

int
main(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        test_bad_one(&bad_cases[i]);
    }
    test_good();
    test_limits();
    test_duplicates();
    test_files();
    test_paths();
    test_describe();
    test_unknown_key();
    test_suggest();
    test_join();
    test_getters();
    test_value_getters();
    return test_exit_status();
}
