/* The driver-support table: etc/jumboagent/drivers.json -> struct
 * driver_table (the [parse] stage for driver facts; see drivers.h).
 *
 * A table goes through four checks, and the first problem found is the one
 * reported, as "FILE: PATH: what is wrong; what is allowed":
 *
 *   1. The bytes must be UTF-8 without NUL bytes.
 *   2. json-c must parse them as one JSON value (syntax errors and truncated
 *      files are reported with a line and column).
 *   3. A second, strict scan rejects what json-c lets through but JSON does
 *      not allow (single-quoted strings, NaN, raw control characters in
 *      strings), and keys that appear twice in one object, which json-c
 *      would silently merge.
 *   4. The schema walk copies every value into plain C structs, checking
 *      types, ranges, required and unknown keys (with a "did you mean").
 *
 * The json-c objects never leave this file.  driver_table_judge() is the
 * lookup the planner uses: driver name plus PCI IDs -> verdict and limit. */
#include "drivers.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util.h"

#define DRIVERS_VERSION 1
#define DRIVERS_MAX_FILE_SIZE (16 * 1024 * 1024)
#define DRIVER_NAME_MAX 31      /* ethtool_drvinfo.driver is char[32]. */
#define TEXT_MAX 512            /* Longest reason/source/chip, in bytes. */
#define PATH_SIZE 256           /* A JSON path in a message. */
#define MTU_MIN 68
#define MTU_MAX 65535

#define MTU_ALLOWED "allowed: 0 (trust the kernel's max_mtu) or 68..65535"
#define VERDICT_ALLOWED \
    "allowed: \"supported\", \"conditional\", \"refuse\""
#define PCI_ALLOWED "allowed: \"vvvv:dddd\", four lowercase hex digits " \
    "each without \"0x\", as \"lspci -n\" prints them (e.g. " \
    "\"8086:10d3\")"

static const char *const verdict_names[DRIVER_VERDICT_MAX] = {
    [DRIVER_SUPPORTED] = "supported",
    [DRIVER_CONDITIONAL] = "conditional",
    [DRIVER_REFUSE] = "refuse",
};

static const char *const top_keys[] = { "version", "drivers" };
static const char *const entry_keys[] = {
    "verdict", "max_mtu", "reason", "source", "rules"
};
static const char *const rule_keys[] = {
    "pci", "chip", "verdict", "max_mtu", "reason"
};

const char *
driver_verdict_to_string(enum driver_verdict verdict)
{
    return (unsigned int) verdict < DRIVER_VERDICT_MAX
           ? verdict_names[verdict] : "(invalid verdict)";
}

/* What is being parsed, for messages. */
struct parse_ctx {
    const char *name;           /* File name shown in messages. */
    const char *text;           /* The table's text (after any BOM). */
    size_t size;                /* Bytes at 'text'. */
    struct error *err;
};

/* Reports a problem at JSON path 'path' (e.g. "drivers.tg3.verdict" or
 * "(top level)") as "FILE: PATH: message".  Returns -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
path_error(const struct parse_ctx *ctx, const char *path,
           const char *fmt, ...)
{
    char msg[768];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return error_set(ctx->err, -EINVAL, "%s: %s: %s", ctx->name, path, msg);
}

/* Converts byte 'offset' of the text into a 1-based line and column (the
 * column counts characters, not bytes). */
static void
text_position(const struct parse_ctx *ctx, size_t offset,
              unsigned int *linep, unsigned int *columnp)
{
    unsigned int line = 1, column = 1;
    size_t i;

    for (i = 0; i < offset && i < ctx->size; i++) {
        unsigned char c = ctx->text[i];

        if (c == '\n') {
            line++;
            column = 1;
        } else if ((c & 0xc0) != 0x80) {
            column++;
        }
    }
    *linep = line;
    *columnp = column;
}

/* Reports a problem at byte 'offset' of the text as "FILE: line L, column
 * C: message".  Returns -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
position_error(const struct parse_ctx *ctx, size_t offset,
               const char *fmt, ...)
{
    unsigned int line, column;
    char msg[768];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    text_position(ctx, offset, &line, &column);
    return error_set(ctx->err, -EINVAL, "%s: line %u, column %u: %s",
                     ctx->name, line, column, msg);
}

/* Returns the line of byte 'offset'. */
static unsigned int
text_line(const struct parse_ctx *ctx, size_t offset)
{
    unsigned int line, column;

    text_position(ctx, offset, &line, &column);
    return line;
}

/* Step 1: the text must be UTF-8 and hold no NUL byte. */
static int
check_utf8(const struct parse_ctx *ctx)
{
    const unsigned char *s = (const unsigned char *) ctx->text;
    size_t i = 0;

    while (i < ctx->size) {
        unsigned char c = s[i];
        unsigned char lo = 0x80, hi = 0xbf;
        size_t n, j;

        if (c == 0) {
            return position_error(ctx, i, "the file contains a NUL byte; "
                                  "the driver table must be plain UTF-8 "
                                  "text");
        } else if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            lo = c == 0xe0 ? 0xa0 : 0x80;
            hi = c == 0xed ? 0x9f : 0xbf;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf;
        } else {
            goto bad;
        }
        for (j = 1; j <= n; j++) {
            unsigned char cc = i + j < ctx->size ? s[i + j] : 0;

            if (j == 1 ? cc < lo || cc > hi : (cc & 0xc0) != 0x80) {
                goto bad;
            }
        }
        i += n + 1;
        continue;

    bad:
        return position_error(ctx, i, "not valid UTF-8 (byte 0x%02x); the "
                              "driver table must be UTF-8 text", s[i]);
    }
    return 0;
}

/* Ends 'dst', a path cut short to fit its 'size' bytes, with "...". */
static void
mark_truncated(char *dst, size_t size)
{
    size_t len = strlen(dst);

    if (len + 4 <= size) {
        memcpy(dst + len, "...", 4);
    } else if (size >= 4) {
        memcpy(dst + size - 4, "...", 4);
    }
}

/* Writes into 'dst' the path of member 'key' of the object at 'parent'
 * (NULL for the top level): "parent.key", or parent["key"] when 'key' has
 * characters other than letters, digits, '_' and '-'. */
static void
path_key(char *dst, size_t size, const char *parent, const char *key,
         size_t key_len)
{
    bool plain = key_len > 0;
    size_t i, n;

    for (i = 0; i < key_len; i++) {
        unsigned char c = key[i];

        if (!isalnum(c) && c != '_' && c != '-') {
            plain = false;
            break;
        }
    }
    if (plain) {
        int len = snprintf(dst, size, "%s%s%.*s", parent ? parent : "",
                           parent ? "." : "", (int) key_len, key);

        if (len < 0 || (size_t) len >= size) {
            mark_truncated(dst, size);
        }
        return;
    }

    n = snprintf(dst, size, "%s[\"", parent ? parent : "");
    if (n >= size) {
        mark_truncated(dst, size);
        return;
    }
    for (i = 0; i < key_len && n + 8 < size; i++) {
        unsigned char c = key[i];

        if (c == '"' || c == '\\') {
            n += snprintf(dst + n, size - n, "\\%c", c);
        } else if (c < 0x20) {
            n += snprintf(dst + n, size - n, "\\u%04x", c);
        } else {
            dst[n++] = c;
        }
    }
    snprintf(dst + n, size - n, "\"]");
    if (i < key_len) {
        mark_truncated(dst, size);
    }
}

/* Writes into 'dst' the path of element 'index' of the array at 'parent'. */
static void
path_index(char *dst, size_t size, const char *parent, size_t index)
{
    int n = snprintf(dst, size, "%s[%zu]", parent, index);

    if (n < 0 || (size_t) n >= size) {
        mark_truncated(dst, size);
    }
}

/* Returns the edit distance between 'a' and 'b' (case-insensitive), where
 * swapping two adjacent characters counts as one edit. */
static size_t
edit_distance(const char *a, const char *b)
{
    enum { MAX = 48 };
    size_t d[MAX + 1][MAX + 1];
    size_t la = strlen(a), lb = strlen(b);
    size_t i, j;

    if (la > MAX || lb > MAX) {
        return SIZE_MAX;
    }
    for (i = 0; i <= la; i++) {
        d[i][0] = i;
    }
    for (j = 0; j <= lb; j++) {
        d[0][j] = j;
    }
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char) a[i - 1])
                          != tolower((unsigned char) b[j - 1]);
            size_t best = d[i - 1][j - 1] + cost;

            if (d[i - 1][j] + 1 < best) {
                best = d[i - 1][j] + 1;
            }
            if (d[i][j - 1] + 1 < best) {
                best = d[i][j - 1] + 1;
            }
            if (i > 1 && j > 1
                && tolower((unsigned char) a[i - 1])
                   == tolower((unsigned char) b[j - 2])
                && tolower((unsigned char) a[i - 2])
                   == tolower((unsigned char) b[j - 1])
                && d[i - 2][j - 2] + 1 < best) {
                best = d[i - 2][j - 2] + 1;
            }
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/* Returns the member of 'choices' that 'word' most likely misspells, or
 * NULL if none is close. */
static const char *
suggest(const char *word, const char *const *choices, size_t n_choices)
{
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    size_t i;

    for (i = 0; i < n_choices; i++) {
        const char *choice = choices[i];
        size_t limit = strlen(choice) <= 4 ? 1 : 2;
        size_t distance = edit_distance(word, choice);

        if (distance > limit
            && !(strlen(word) >= 3 && strstr(choice, word))
            && !(strlen(choice) >= 3 && strstr(word, choice))) {
            continue;
        }
        if (distance < best_distance) {
            best = choice;
            best_distance = distance;
        }
    }
    return best;
}

/* Formats " (did you mean \"X\"?)" into 'dst' if 'word' looks like a
 * misspelling of one of 'choices', else "". */
static const char *
did_you_mean(char *dst, size_t size, const char *word,
             const char *const *choices, size_t n_choices)
{
    const char *guess = suggest(word, choices, n_choices);

    if (guess) {
        snprintf(dst, size, " (did you mean \"%s\"?)", guess);
    } else {
        dst[0] = '\0';
    }
    return dst;
}

/* Reports 'key', a member of the object at 'path' that is not one of
 * 'allowed'. */
static int
unknown_key_error(const struct parse_ctx *ctx, const char *path,
                  const char *key, const char *const *allowed,
                  size_t n_allowed)
{
    char key_path[PATH_SIZE];
    char hint[64];
    char list[128];
    size_t i, n = 0;

    list[0] = '\0';
    for (i = 0; i < n_allowed; i++) {
        n += snprintf(list + n, sizeof list - n, "%s%s",
                      i ? ", " : "", allowed[i]);
    }
    path_key(key_path, sizeof key_path, path, key, strlen(key));
    return path_error(ctx, key_path, "unknown key \"%.64s\"%s; allowed "
                      "keys: %s", key,
                      did_you_mean(hint, sizeof hint, key, allowed,
                                   n_allowed), list);
}

/* Step 3: the strict scan.  json-c has already accepted the text, so this
 * only has to catch what json-c is lenient about, but it checks the whole
 * grammar of RFC 8259 so that it never depends on that. */
struct scanner {
    const struct parse_ctx *ctx;
    size_t pos;                 /* Next byte to look at. */
};

/* A key of an object being scanned, for the duplicate check. */
struct scan_key {
    size_t offset;              /* Of the first byte inside the quotes. */
    size_t len;
};

static int scan_value(struct scanner *, const char *path, int depth);

/* Returns true if 'c' is JSON whitespace. */
static bool
is_json_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
scan_skip_space(struct scanner *s)
{
    while (s->pos < s->ctx->size && is_json_space(s->ctx->text[s->pos])) {
        s->pos++;
    }
}

/* Returns the byte at the scan position, or 0 at the end of the text. */
static unsigned char
scan_peek(const struct scanner *s)
{
    return s->pos < s->ctx->size ? s->ctx->text[s->pos] : 0;
}

static int
scan_string(struct scanner *s, struct scan_key *key)
{
    const struct parse_ctx *ctx = s->ctx;

    if (scan_peek(s) == '\'') {
        return position_error(ctx, s->pos, "single-quoted strings are not "
                              "JSON; use double quotes");
    } else if (scan_peek(s) != '"') {
        return position_error(ctx, s->pos, "expected a double-quoted "
                              "string; the driver table must be strict "
                              "JSON");
    }
    s->pos++;
    key->offset = s->pos;
    for (;;) {
        unsigned char c = scan_peek(s);

        if (s->pos >= ctx->size) {
            return position_error(ctx, s->pos, "the string never ends; "
                                  "close it with a double quote");
        } else if (c == '"') {
            key->len = s->pos - key->offset;
            s->pos++;
            return 0;
        } else if (c < 0x20) {
            return position_error(ctx, s->pos, "raw control character "
                                  "0x%02x inside a string; write it as an "
                                  "escape such as \\n", c);
        } else if (c == '\\') {
            size_t i;

            s->pos++;
            c = scan_peek(s);
            if (c == 'u') {
                for (i = 1; i <= 4; i++) {
                    if (s->pos + i >= ctx->size
                        || !isxdigit((unsigned char) ctx->text[s->pos + i])) {
                        return position_error(ctx, s->pos - 1, "bad \\u "
                                              "escape; write \\u and four "
                                              "hex digits");
                    }
                }
                s->pos += 4;
            } else if (!c || !strchr("\"\\/bfnrt", c)) {
                return position_error(ctx, s->pos - 1, "unknown escape in "
                                      "a string; JSON allows \\\" \\\\ \\/ "
                                      "\\b \\f \\n \\r \\t \\uXXXX");
            }
        }
        s->pos++;
    }
}

static int
scan_digits(struct scanner *s)
{
    size_t start = s->pos;

    while (isdigit(scan_peek(s))) {
        s->pos++;
    }
    return s->pos > start ? 0 : -1;
}

static int
scan_number(struct scanner *s)
{
    size_t start = s->pos;

    if (scan_peek(s) == '-') {
        s->pos++;
    }
    if (scan_peek(s) == '0') {
        s->pos++;
    } else if (scan_digits(s)) {
        goto bad;
    }
    if (scan_peek(s) == '.') {
        s->pos++;
        if (scan_digits(s)) {
            goto bad;
        }
    }
    if (scan_peek(s) == 'e' || scan_peek(s) == 'E') {
        s->pos++;
        if (scan_peek(s) == '+' || scan_peek(s) == '-') {
            s->pos++;
        }
        if (scan_digits(s)) {
            goto bad;
        }
    }
    return 0;

bad:
    return position_error(s->ctx, start, "malformed number; JSON numbers "
                          "look like 9000, -1 or 1.5e3");
}

static int
scan_object(struct scanner *s, const char *path, int depth)
{
    const struct parse_ctx *ctx = s->ctx;
    struct scan_key *keys = NULL;
    size_t n_keys = 0, allocated = 0;
    int error = 0;

    s->pos++;                   /* '{' */
    scan_skip_space(s);
    if (scan_peek(s) == '}') {
        s->pos++;
        return 0;
    }
    for (;;) {
        char key_path[PATH_SIZE];
        struct scan_key key;
        size_t i;

        scan_skip_space(s);
        error = scan_string(s, &key);
        if (error) {
            break;
        }
        path_key(key_path, sizeof key_path, path, ctx->text + key.offset,
                 key.len);
        for (i = 0; i < n_keys; i++) {
            if (keys[i].len == key.len
                && !memcmp(ctx->text + keys[i].offset,
                           ctx->text + key.offset, key.len)) {
                error = path_error(ctx, key_path, "duplicate key (at line "
                                   "%u and again at line %u); each key may "
                                   "appear only once in an object",
                                   text_line(ctx, keys[i].offset),
                                   text_line(ctx, key.offset));
                goto out;
            }
        }
        grow_array((void **) &keys, &allocated, n_keys + 1, sizeof *keys);
        keys[n_keys++] = key;

        scan_skip_space(s);
        if (scan_peek(s) != ':') {
            error = position_error(ctx, s->pos, "expected ':' after the "
                                   "key");
            break;
        }
        s->pos++;
        error = scan_value(s, key_path, depth + 1);
        if (error) {
            break;
        }
        scan_skip_space(s);
        if (scan_peek(s) == ',') {
            s->pos++;
        } else if (scan_peek(s) == '}') {
            s->pos++;
            break;
        } else {
            error = position_error(ctx, s->pos, "expected ',' or '}' in "
                                   "an object");
            break;
        }
    }
out:
    free(keys);
    return error;
}

static int
scan_array(struct scanner *s, const char *path, int depth)
{
    size_t index = 0;

    s->pos++;                   /* '[' */
    scan_skip_space(s);
    if (scan_peek(s) == ']') {
        s->pos++;
        return 0;
    }
    for (;;) {
        char elem_path[PATH_SIZE];
        int error;

        path_index(elem_path, sizeof elem_path, path, index++);
        error = scan_value(s, elem_path, depth + 1);
        if (error) {
            return error;
        }
        scan_skip_space(s);
        if (scan_peek(s) == ',') {
            s->pos++;
        } else if (scan_peek(s) == ']') {
            s->pos++;
            return 0;
        } else {
            return position_error(s->ctx, s->pos, "expected ',' or ']' in "
                                  "an array");
        }
    }
}

static int
scan_value(struct scanner *s, const char *path, int depth)
{
    static const char *const literals[] = { "true", "false", "null" };
    unsigned char c;
    size_t i;

    if (depth > 64) {
        return position_error(s->ctx, s->pos, "nesting too deep");
    }
    scan_skip_space(s);
    c = scan_peek(s);
    if (c == '{') {
        return scan_object(s, path, depth);
    } else if (c == '[') {
        return scan_array(s, path, depth);
    } else if (c == '"' || c == '\'') {
        struct scan_key ignored;

        return scan_string(s, &ignored);
    } else if (c == '-' || isdigit(c)) {
        return scan_number(s);
    }
    for (i = 0; i < ARRAY_SIZE(literals); i++) {
        size_t len = strlen(literals[i]);

        if (s->ctx->size - s->pos >= len
            && !memcmp(s->ctx->text + s->pos, literals[i], len)) {
            s->pos += len;
            return 0;
        }
    }
    return position_error(s->ctx, s->pos, "expected a JSON value (an "
                          "object, array, string, number, true, false or "
                          "null); NaN, Infinity and bare words are not "
                          "JSON");
}

static int
scan_strict(const struct parse_ctx *ctx)
{
    struct scanner s = { .ctx = ctx, .pos = 0 };
    int error;

    error = scan_value(&s, NULL, 0);
    if (!error) {
        scan_skip_space(&s);
        if (s.pos < ctx->size) {
            error = position_error(ctx, s.pos, "unexpected text after the "
                                   "JSON object; the file must hold "
                                   "exactly one JSON object");
        }
    }
    return error;
}

/* Step 4: the schema walk. */

/* Returns a phrase for the JSON type of 'obj', for "expected X, got Y". */
static const char *
type_phrase(struct json_object *obj)
{
    switch (json_object_get_type(obj)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return "a boolean";
    case json_type_double:
        return "a number with a fraction or exponent";
    case json_type_int:
        return "an integer";
    case json_type_object:
        return "an object";
    case json_type_array:
        return "an array";
    case json_type_string:
        return "a string";
    }
    return "an unknown JSON type";
}

/* Parses a verdict string at 'path' into '*verdictp'. */
static int
parse_verdict(const struct parse_ctx *ctx, const char *path,
              struct json_object *obj, enum driver_verdict *verdictp)
{
    char hint[64];
    const char *s;
    int i;

    if (!json_object_is_type(obj, json_type_string)) {
        return path_error(ctx, path, "expected a string, got %s; "
                          VERDICT_ALLOWED, type_phrase(obj));
    }
    s = json_object_get_string(obj);
    for (i = 0; i < DRIVER_VERDICT_MAX; i++) {
        if (!strcmp(s, verdict_names[i])) {
            *verdictp = i;
            return 0;
        }
    }
    return path_error(ctx, path, "unknown verdict \"%.64s\"%s; "
                      VERDICT_ALLOWED, s,
                      did_you_mean(hint, sizeof hint, s, verdict_names,
                                   DRIVER_VERDICT_MAX));
}

/* Parses an MTU limit at 'path' into '*mtup': 0, or 68..65535. */
static int
parse_max_mtu(const struct parse_ctx *ctx, const char *path,
              struct json_object *obj, unsigned int *mtup)
{
    int64_t value;

    if (!json_object_is_type(obj, json_type_int)) {
        return path_error(ctx, path, "expected an integer, got %s; "
                          MTU_ALLOWED, type_phrase(obj));
    }
    value = json_object_get_int64(obj);
    if (value == INT64_MAX || value == INT64_MIN) {
        /* json-c saturates numbers that do not fit in 64 bits. */
        return path_error(ctx, path, "the number is out of range; "
                          MTU_ALLOWED);
    } else if (value != 0 && (value < MTU_MIN || value > MTU_MAX)) {
        return path_error(ctx, path, "%"PRId64" is out of range; "
                          MTU_ALLOWED, value);
    }
    *mtup = value;
    return 0;
}

/* Parses a non-empty string of at most TEXT_MAX bytes at 'path' into
 * '*textp' (a new copy; any old one is freed).  'what' says what the text
 * should be, for messages. */
static int
parse_text(const struct parse_ctx *ctx, const char *path,
           struct json_object *obj, const char *what, char **textp)
{
    const char *s;
    size_t len, i;

    if (!json_object_is_type(obj, json_type_string)) {
        return path_error(ctx, path, "expected a string, got %s; write %s",
                          type_phrase(obj), what);
    }
    s = json_object_get_string(obj);
    len = json_object_get_string_len(obj);
    if (strlen(s) != len) {
        return path_error(ctx, path, "the string contains a NUL character "
                          "(\\u0000); write %s", what);
    }
    for (i = 0; i < len && isspace((unsigned char) s[i]); i++) {
        continue;
    }
    if (i == len) {
        return path_error(ctx, path, "the string is empty; write %s", what);
    } else if (len > TEXT_MAX) {
        return path_error(ctx, path, "the string is %zu bytes long; keep "
                          "it to %d bytes so that it fits in one message",
                          len, TEXT_MAX);
    }
    free(*textp);
    *textp = xstrdup(s);
    return 0;
}

/* Parses a PCI "vvvv:dddd" string at 'path'. */
static int
parse_pci(const struct parse_ctx *ctx, const char *path,
          struct json_object *obj, unsigned int *vendorp,
          unsigned int *devicep)
{
    bool upper = false;
    const char *s;
    size_t i;

    if (!json_object_is_type(obj, json_type_string)) {
        return path_error(ctx, path, "expected a string, got %s; "
                          PCI_ALLOWED, type_phrase(obj));
    }
    s = json_object_get_string(obj);
    if (strlen(s) != 9 || s[4] != ':') {
        goto bad;
    }
    for (i = 0; i < 9; i++) {
        unsigned char c = s[i];

        if (i == 4) {
            continue;
        } else if (c >= 'A' && c <= 'F') {
            upper = true;
        } else if (!isdigit(c) && !(c >= 'a' && c <= 'f')) {
            goto bad;
        }
    }
    if (upper) {
        char lower[10];

        for (i = 0; i < sizeof lower; i++) {
            lower[i] = tolower((unsigned char) s[i]);
        }
        return path_error(ctx, path, "\"%s\" has uppercase hex digits; "
                          "write \"%s\" (%s)", s, lower, PCI_ALLOWED);
    }
    *vendorp = strtoul(s, NULL, 16);
    *devicep = strtoul(s + 5, NULL, 16);
    return 0;

bad:
    return path_error(ctx, path, "\"%.64s\" is not a PCI vendor:device ID; "
                      PCI_ALLOWED, s);
}

/* Parses rule 'index' of 'entry' (whose rules 0..index-1 are parsed) from
 * 'obj' at 'path' into entry->rules[index]. */
static int
parse_rule(const struct parse_ctx *ctx, const char *path,
           struct json_object *obj, struct driver_entry *entry,
           size_t index)
{
    struct driver_rule *rule = &entry->rules[index];
    bool has_pci = false, has_chip = false, has_verdict = false;
    int error = 0;

    if (!json_object_is_type(obj, json_type_object)) {
        return path_error(ctx, path, "expected an object, got %s; a rule "
                          "is {\"pci\": \"vvvv:dddd\", \"chip\": \"NAME\", "
                          "\"verdict\": ...}", type_phrase(obj));
    }
    json_object_object_foreach (obj, key, val) {
        char key_path[PATH_SIZE];

        path_key(key_path, sizeof key_path, path, key, strlen(key));
        if (!strcmp(key, "pci")) {
            size_t i;

            error = parse_pci(ctx, key_path, val, &rule->pci_vendor,
                              &rule->pci_device);
            for (i = 0; !error && i < index; i++) {
                const struct driver_rule *other = &entry->rules[i];

                if (other->pci_vendor == rule->pci_vendor
                    && other->pci_device == rule->pci_device) {
                    error = path_error(ctx, key_path, "duplicate rule for "
                                       "%04x:%04x (also rules[%zu]); each "
                                       "PCI ID may have one rule per "
                                       "driver", rule->pci_vendor,
                                       rule->pci_device, i);
                }
            }
            has_pci = true;
        } else if (!strcmp(key, "chip")) {
            error = parse_text(ctx, key_path, val, "the chip's name, e.g. "
                               "\"82574L\"", &rule->chip);
            has_chip = true;
        } else if (!strcmp(key, "verdict")) {
            error = parse_verdict(ctx, key_path, val, &rule->verdict);
            has_verdict = true;
        } else if (!strcmp(key, "max_mtu")) {
            error = parse_max_mtu(ctx, key_path, val, &rule->max_mtu);
        } else if (!strcmp(key, "reason")) {
            error = parse_text(ctx, key_path, val, "one sentence an "
                               "operator understands", &rule->reason);
        } else {
            error = unknown_key_error(ctx, path, key, rule_keys,
                                      ARRAY_SIZE(rule_keys));
        }
        if (error) {
            return error;
        }
    }

    if (!has_pci || !has_chip || !has_verdict) {
        return path_error(ctx, path, "missing \"%s\"; every rule needs "
                          "\"pci\", \"chip\" and \"verdict\"",
                          !has_pci ? "pci" : !has_chip ? "chip"
                          : "verdict");
    }
    return 0;
}

static int
parse_rules(const struct parse_ctx *ctx, const char *path,
            struct json_object *obj, struct driver_entry *entry)
{
    size_t n, i;

    if (!json_object_is_type(obj, json_type_array)) {
        return path_error(ctx, path, "expected an array, got %s; \"rules\" "
                          "is a list of {\"pci\": \"vvvv:dddd\", \"chip\": "
                          "\"NAME\", \"verdict\": ...}", type_phrase(obj));
    }
    n = json_object_array_length(obj);
    entry->rules = xzalloc(n * sizeof *entry->rules);
    for (i = 0; i < n; i++) {
        char elem_path[PATH_SIZE];
        int error;

        path_index(elem_path, sizeof elem_path, path, i);
        entry->n_rules = i + 1;
        error = parse_rule(ctx, elem_path,
                           json_object_array_get_idx(obj, i), entry, i);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Parses the entry for driver 'name' from 'obj' at 'path' into 'entry'. */
static int
parse_entry(const struct parse_ctx *ctx, const char *path, const char *name,
            struct json_object *obj, struct driver_entry *entry)
{
    bool has_verdict = false;
    size_t len = strlen(name);
    size_t i;

    if (!len) {
        return path_error(ctx, path, "empty driver name; use the name that "
                          "\"ethtool -i IFACE\" prints after \"driver:\"");
    } else if (len > DRIVER_NAME_MAX) {
        return path_error(ctx, path, "the driver name is %zu bytes long; "
                          "ethtool driver names have at most %d bytes",
                          len, DRIVER_NAME_MAX);
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char) name[i] < 0x20 || name[i] == 0x7f) {
            return path_error(ctx, path, "the driver name contains a "
                              "control character; use the name that "
                              "\"ethtool -i IFACE\" prints after "
                              "\"driver:\"");
        }
    }
    if (!json_object_is_type(obj, json_type_object)) {
        return path_error(ctx, path, "expected an object, got %s; each "
                          "driver maps to {\"verdict\": ..., \"reason\": "
                          "..., \"source\": ...}", type_phrase(obj));
    }
    entry->name = xstrdup(name);

    json_object_object_foreach (obj, key, val) {
        char key_path[PATH_SIZE];
        int error;

        path_key(key_path, sizeof key_path, path, key, strlen(key));
        if (!strcmp(key, "verdict")) {
            error = parse_verdict(ctx, key_path, val, &entry->verdict);
            has_verdict = true;
        } else if (!strcmp(key, "max_mtu")) {
            error = parse_max_mtu(ctx, key_path, val, &entry->max_mtu);
        } else if (!strcmp(key, "reason")) {
            error = parse_text(ctx, key_path, val, "one sentence an "
                               "operator understands", &entry->reason);
        } else if (!strcmp(key, "source")) {
            error = parse_text(ctx, key_path, val, "where the fact comes "
                               "from (file:line or URL)", &entry->source);
        } else if (!strcmp(key, "rules")) {
            error = parse_rules(ctx, key_path, val, entry);
        } else {
            error = unknown_key_error(ctx, path, key, entry_keys,
                                      ARRAY_SIZE(entry_keys));
        }
        if (error) {
            return error;
        }
    }

    if (!has_verdict || !entry->reason || !entry->source) {
        return path_error(ctx, path, "missing \"%s\"; every driver needs "
                          "\"verdict\", \"reason\" and \"source\"",
                          !has_verdict ? "verdict"
                          : !entry->reason ? "reason" : "source");
    }
    return 0;
}

static int
parse_drivers(const struct parse_ctx *ctx, struct json_object *obj,
              struct driver_table *table)
{
    if (!json_object_is_type(obj, json_type_object)) {
        return path_error(ctx, "drivers", "expected an object, got %s; "
                          "\"drivers\" maps each ethtool driver name to "
                          "its entry", type_phrase(obj));
    }
    table->entries = xzalloc(json_object_object_length(obj)
                             * sizeof *table->entries);

    json_object_object_foreach (obj, name, val) {
        char path[PATH_SIZE];
        int error;

        path_key(path, sizeof path, "drivers", name, strlen(name));
        error = parse_entry(ctx, path, name, val,
                            &table->entries[table->n_entries++]);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
parse_top(const struct parse_ctx *ctx, struct json_object *root,
          struct driver_table *table)
{
    struct json_object *version, *drivers;

    if (!json_object_is_type(root, json_type_object)) {
        return path_error(ctx, "(top level)", "expected an object, got %s; "
                          "the table is {\"version\": 1, \"drivers\": "
                          "{...}}", type_phrase(root));
    }

    /* The version first: a table of another version may well have keys
     * that this one does not know. */
    if (!json_object_object_get_ex(root, "version", &version)) {
        return path_error(ctx, "(top level)", "missing \"version\"; the "
                          "table is {\"version\": 1, \"drivers\": {...}}");
    } else if (!json_object_is_type(version, json_type_int)) {
        return path_error(ctx, "version", "expected an integer, got %s; "
                          "allowed: %d", type_phrase(version),
                          DRIVERS_VERSION);
    } else if (json_object_get_int64(version) != DRIVERS_VERSION) {
        return path_error(ctx, "version", "version %"PRId64" is not "
                          "supported; this jumboagent reads version %d",
                          json_object_get_int64(version), DRIVERS_VERSION);
    }

    json_object_object_foreach (root, key, val) {
        if (!strcmp(key, "drivers")) {
            int error = parse_drivers(ctx, val, table);
            if (error) {
                return error;
            }
        } else if (strcmp(key, "version")) {
            return unknown_key_error(ctx, NULL, key, top_keys,
                                     ARRAY_SIZE(top_keys));
        }
    }
    if (!json_object_object_get_ex(root, "drivers", &drivers)) {
        return path_error(ctx, "(top level)", "missing \"drivers\"; the "
                          "table is {\"version\": 1, \"drivers\": {...}}");
    }
    return 0;
}

/* Steps 2-4 on text already checked by step 1. */
static int
parse_json(const struct parse_ctx *ctx, struct driver_table *table)
{
    struct json_tokener *tok;
    struct json_object *root;
    enum json_tokener_error jerr;
    size_t end, i;
    int error;

    for (i = 0; i < ctx->size && is_json_space(ctx->text[i]); i++) {
        continue;
    }
    if (i == ctx->size) {
        return path_error(ctx, "(top level)", "the file is empty; the table "
                          "is {\"version\": 1, \"drivers\": {...}}");
    }
    if (ctx->size > INT_MAX) {
        return path_error(ctx, "(top level)", "the table is too large");
    }

    tok = json_tokener_new();
    if (!tok) {
        return error_set(ctx->err, -ENOMEM, "%s: out of memory",
                         ctx->name);
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    root = json_tokener_parse_ex(tok, ctx->text, ctx->size);
    jerr = json_tokener_get_error(tok);
    end = json_tokener_get_parse_end(tok);
    if (jerr == json_tokener_continue) {
        /* json-c cannot tell "nul" from "null" or "12" from "123" until it
         * sees what follows, so give it the end of the text. */
        root = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
        if (jerr == json_tokener_error_parse_eof) {
            jerr = json_tokener_continue;
        }
    }
    json_tokener_free(tok);

    if (jerr == json_tokener_continue) {
        error = position_error(ctx, ctx->size, "the JSON ends too early "
                               "(unexpected end of file); the table must "
                               "be one complete JSON object: was the file "
                               "cut short?");
    } else if (jerr != json_tokener_success) {
        error = position_error(ctx, end, "invalid JSON (%s); the table "
                               "must be strict JSON: double-quoted "
                               "strings, no comments, no trailing commas",
                               json_tokener_error_desc(jerr));
    } else {
        error = scan_strict(ctx);
        if (!error) {
            error = parse_top(ctx, root, table);
        }
    }
    json_object_put(root);
    return error;
}

int
driver_table_parse_buffer(const char *name, const char *text, size_t size,
                          struct driver_table **tablep, struct error *err)
{
    struct driver_table *table;
    struct parse_ctx ctx;
    int error;

    ctx.name = name ? name : "(driver table)";
    ctx.text = text ? text : "";
    ctx.size = text ? size : 0;
    ctx.err = err;

    /* A UTF-8 byte order mark, as some editors write, is not part of the
     * JSON text. */
    if (ctx.size >= 3 && !memcmp(ctx.text, "\xef\xbb\xbf", 3)) {
        ctx.text += 3;
        ctx.size -= 3;
    }

    error = check_utf8(&ctx);
    if (error) {
        return error;
    }
    table = xzalloc(sizeof *table);
    table->file = xstrdup(ctx.name);
    error = parse_json(&ctx, table);
    if (error) {
        driver_table_destroy(table);
        return error;
    }
    *tablep = table;
    return 0;
}

/* Reads all of 'path' into a new NUL-terminated buffer. */
static int
read_table_file(const char *path, char **textp, size_t *sizep,
                struct error *err)
{
    size_t size = 0, allocated = 0;
    char *text = NULL;
    struct stat st;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;

        if (e == ENOENT) {
            return error_set(err, -e, "%s: cannot open the driver table: "
                             "%s; pass --drivers FILE to use another "
                             "table, or reinstall jumboagent to restore %s",
                             path, strerror(e), DRIVERS_DEFAULT_FILE);
        }
        return error_set(err, -e, "%s: cannot open the driver table: %s; "
                         "check the file's permissions, or pass --drivers "
                         "FILE", path, strerror(e));
    }
    if (!fstat(fd, &st) && S_ISDIR(st.st_mode)) {
        close(fd);
        return error_set(err, -EISDIR, "%s: is a directory; pass --drivers "
                         "with the path of the drivers.json file", path);
    }

    for (;;) {
        ssize_t n;

        if (size + 1 >= allocated) {
            if (allocated >= DRIVERS_MAX_FILE_SIZE) {
                free(text);
                close(fd);
                return error_set(err, -EFBIG, "%s: the driver table is "
                                 "larger than %d MiB; a driver table is "
                                 "a few kilobytes, is this the right "
                                 "file?", path,
                                 DRIVERS_MAX_FILE_SIZE / (1024 * 1024));
            }
            allocated = allocated ? allocated * 2 : 65536;
            text = xrealloc(text, allocated);
        }
        n = read(fd, text + size, allocated - size - 1);
        if (n < 0) {
            int e = errno;

            if (e == EINTR) {
                continue;
            }
            free(text);
            close(fd);
            return error_set(err, -e, "%s: cannot read the driver table: "
                             "%s; check the file, or pass --drivers FILE",
                             path, strerror(e));
        } else if (n == 0) {
            break;
        }
        size += n;
    }
    close(fd);
    text[size] = '\0';
    *textp = text;
    *sizep = size;
    return 0;
}

int
driver_table_parse_file(const char *path, struct driver_table **tablep,
                        struct error *err)
{
    size_t size = 0;
    char *text = NULL;
    int error;

    error = read_table_file(path, &text, &size, err);
    if (error) {
        return error;
    }
    error = driver_table_parse_buffer(path, text, size, tablep, err);
    free(text);
    return error;
}

void
driver_table_destroy(struct driver_table *table)
{
    size_t i, j;

    if (!table) {
        return;
    }
    for (i = 0; i < table->n_entries; i++) {
        struct driver_entry *entry = &table->entries[i];

        for (j = 0; j < entry->n_rules; j++) {
            free(entry->rules[j].chip);
            free(entry->rules[j].reason);
        }
        free(entry->rules);
        free(entry->name);
        free(entry->reason);
        free(entry->source);
    }
    free(table->entries);
    free(table->file);
    free(table);
}

const struct driver_entry *
driver_table_find(const struct driver_table *table, const char *driver)
{
    size_t i;

    if (!table || !driver) {
        return NULL;
    }
    for (i = 0; i < table->n_entries; i++) {
        if (!strcmp(table->entries[i].name, driver)) {
            return &table->entries[i];
        }
    }
    return NULL;
}

void
driver_table_judge(const struct driver_table *table, const char *driver,
                   bool has_pci, unsigned int vendor, unsigned int device,
                   struct driver_judgement *out)
{
    const struct driver_entry *entry;
    size_t i;

    memset(out, 0, sizeof *out);
    out->rule = out->rule_buf;
    out->source = "";

    entry = driver && driver[0] ? driver_table_find(table, driver) : NULL;
    if (!entry) {
        out->known = false;
        out->verdict = DRIVER_CONDITIONAL;
        out->max_mtu = 0;
        if (driver && driver[0]) {
            snprintf(out->rule_buf, sizeof out->rule_buf, "driver %s",
                     driver);
            snprintf(out->reason_buf, sizeof out->reason_buf,
                     "driver %s is not in the driver table; only the "
                     "kernel's max_mtu is checked", driver);
        } else {
            copy_string(out->rule_buf, "driver (none)",
                        sizeof out->rule_buf);
            copy_string(out->reason_buf, "the interface reports no driver "
                        "name; only the kernel's max_mtu is checked",
                        sizeof out->reason_buf);
        }
        out->reason = out->reason_buf;
        return;
    }

    out->known = true;
    out->verdict = entry->verdict;
    out->max_mtu = entry->max_mtu;
    out->reason = entry->reason;
    out->source = entry->source;
    snprintf(out->rule_buf, sizeof out->rule_buf, "driver %s", entry->name);

    if (!has_pci) {
        return;
    }
    for (i = 0; i < entry->n_rules; i++) {
        const struct driver_rule *rule = &entry->rules[i];

        if (rule->pci_vendor == vendor && rule->pci_device == device) {
            out->verdict = rule->verdict;
            if (rule->max_mtu) {
                out->max_mtu = rule->max_mtu;
            }
            if (rule->reason) {
                out->reason = rule->reason;
            }
            snprintf(out->rule_buf, sizeof out->rule_buf,
                     "%s PCI %04x:%04x (%s)", entry->name, vendor, device,
                     rule->chip);
            return;
        }
    }
}
