/* Strict reading of JSON input: see json-input.h.
 *
 * json_input_parse() runs these steps, and the first problem found ends it:
 *
 *   1. The text as a whole: its size, emptiness, NUL bytes and UTF-8.
 *   2. json-c's strict tokener builds the tree.  Its error becomes a problem
 *      with a line and a column; an error right after one whole value is
 *      reported as text after the document.
 *   3. A scan of the (now well-formed) text against the grammar of RFC 8259
 *      catches what json-c lets through: keys given twice in one object
 *      (json-c keeps the last), single-quoted strings, raw control
 *      characters in strings, NaN and Infinity, and numbers such as "1." and
 *      "-01".  It checks the whole grammar so that it never depends on what
 *      json-c happens to accept; the errors that json-c would have caught
 *      first use json-c's own descriptions.
 *
 * Problems are data (struct json_input_problem); the callers word the
 * messages. */
#include "json-input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "error.h"
#include "util.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* How values are written as JSON text in messages. */
#define JSON_TEXT (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Reading files. */

/* Reads the open file 'fd' of at most 'max_size' bytes; see
 * json-input.h. */
int
json_input_read_fd(int fd, size_t max_size, char **textp, size_t *sizep)
{
    size_t size = 0, allocated;
    struct stat st;
    int error = 0;
    char *text;

    if (fstat(fd, &st)) {
        return -errno;
    }
    if (S_ISDIR(st.st_mode)) {
        return -EISDIR;
    }
    if (S_ISREG(st.st_mode) && (uintmax_t) st.st_size > max_size) {
        *sizep = st.st_size;
        return -EFBIG;
    }

    /* Room for the whole file, one byte more (to see that a file that is
     * not regular, or grew, goes beyond 'max_size') and the NUL. */
    allocated = (S_ISREG(st.st_mode) ? (size_t) st.st_size + 2
                 : MIN(max_size + 2, 65536));
    text = xmalloc(allocated);
    while (size <= max_size) {
        ssize_t n;

        if (size + 1 == allocated) {
            allocated = MIN(allocated * 2, max_size + 2);
            text = xrealloc(text, allocated);
        }
        n = read(fd, text + size, allocated - 1 - size);
        if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0) {
            error = -errno;
            break;
        } else if (!n) {
            break;
        }
        size += n;
    }

    if (!error && size > max_size) {
        *sizep = size;
        error = -EFBIG;
    }
    if (error) {
        free(text);
        return error;
    }
    text[size] = '\0';
    *textp = text;
    *sizep = size;
    return 0;
}

/* Reads the file 'path' of at most 'max_size' bytes; see json-input.h. */
int
json_input_read_file(const char *path, size_t max_size, char **textp,
                     size_t *sizep, bool *openedp)
{
    int error, fd;

    *openedp = false;
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    *openedp = true;
    error = json_input_read_fd(fd, max_size, textp, sizep);
    close(fd);
    return error;
}

/* Positions and problems. */

/* The text that json_input_parse() works on. */
struct input {
    const char *text;           /* The JSON text, after any byte order
                                 * mark. */
    size_t size;                /* Bytes at 'text'. */
    size_t bom;                 /* Bytes of byte order mark before 'text'. */
    struct json_input_problem *problem;   /* Where problems go. */
};

/* The 'detail' of each type of problem, except those that json-c
 * describes. */
static const char *const problem_details[] = {
    [JSON_INPUT_TOO_LARGE] = "the text is too large",
    [JSON_INPUT_EMPTY] = "the text is empty",
    [JSON_INPUT_BLANK] = "the text contains only whitespace",
    [JSON_INPUT_NUL] = "a NUL byte",
    [JSON_INPUT_BAD_UTF8] = "invalid utf-8 string",   /* As json-c says. */
    [JSON_INPUT_TRUNCATED] = "unexpected end of data",  /* As json-c. */
    [JSON_INPUT_SYNTAX] = "unexpected character",
    [JSON_INPUT_TRAILING] = "unexpected character",
    [JSON_INPUT_SINGLE_QUOTE] = "a string in single quotes",
    [JSON_INPUT_CONTROL_CHAR] = "a raw control character inside a string",
    /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one message */
    [JSON_INPUT_NOT_A_VALUE] = "NaN, Infinity or a bare word where a value "
                               "belongs",
    [JSON_INPUT_BAD_NUMBER] = "a malformed number",
    [JSON_INPUT_DUPLICATE_KEY] = "a key that appears twice in one object",
};

/* Converts byte 'offset' of in->text into a 1-based line and column; the
 * column counts characters (UTF-8 sequences), not bytes. */
static void
text_position(const struct input *in, size_t offset, int *linep,
              int *columnp)
{
    int line = 1, column = 1;

    for (size_t i = 0; i < offset && i < in->size; i++) {
        unsigned char c = in->text[i];

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

/* Records a problem of 'type' at byte 'offset' of in->text, described by
 * 'detail' (NULL for the type's usual words).  Returns -EINVAL. */
static int
set_problem(const struct input *in, enum json_input_problem_type type,
            size_t offset, const char *detail)
{
    struct json_input_problem *problem = in->problem;

    problem->type = type;
    problem->detail = detail ? detail : problem_details[type];
    problem->offset = in->bom + offset;
    text_position(in, offset, &problem->line, &problem->column);
    return -EINVAL;
}

/* Step 1: the text as a whole. */

static bool
is_json_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Returns the length of the valid UTF-8 sequence at 's' (with 'n' bytes
 * left), or 0 if it is not valid: overlong forms, surrogates and code points
 * above U+10FFFF are not. */
static size_t
utf8_sequence_length(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t len;

    if (c < 0x80) {
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0) {
            lo = 0xa0;          /* Overlong. */
        } else if (c == 0xed) {
            hi = 0x9f;          /* Surrogates. */
        }
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0) {
            lo = 0x90;          /* Overlong. */
        } else if (c == 0xf4) {
            hi = 0x8f;          /* Above U+10FFFF. */
        }
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return len;
}

/* Fails if in->text is not UTF-8 or contains a NUL byte. */
static int
check_text(const struct input *in)
{
    const unsigned char *s = (const unsigned char *) in->text;

    for (size_t i = 0; i < in->size; ) {
        size_t len = utf8_sequence_length(s + i, in->size - i);

        if (!len || !s[i]) {
            set_problem(in, len ? JSON_INPUT_NUL : JSON_INPUT_BAD_UTF8, i,
                        NULL);
            in->problem->byte = s[i];
            return -EINVAL;
        }
        i += len;
    }
    return 0;
}

/* Step 2: json-c. */

/* Runs json-c's strict tokener over the 'size' bytes at 'text', nesting at
 * most 'max_depth' deep.  Returns the value (a new reference; NULL on
 * failure or for null), and stores json-c's verdict in '*jerrp' and the
 * offset at which it stopped in '*endp'. */
static struct json_object *
tokenize(const char *text, size_t size, int max_depth,
         enum json_tokener_error *jerrp, size_t *endp)
{
    struct json_tokener *tok = json_tokener_new_ex(max_depth);
    enum json_tokener_error jerr;
    struct json_object *value;
    size_t end;

    if (!tok) {
        /* Only an allocation can fail: abort, as xmalloc() does. */
        fputs("jumboagent: out of memory\n", stderr);
        abort();
    }
    json_tokener_set_flags(tok, (JSON_TOKENER_STRICT
                                 | JSON_TOKENER_VALIDATE_UTF8));
    value = json_tokener_parse_ex(tok, text, size);
    jerr = json_tokener_get_error(tok);
    end = json_tokener_get_parse_end(tok);
    if (jerr == json_tokener_continue) {
        /* The text ended inside a value, or json-c cannot tell yet that a
         * top-level number ended ("12" might go on): a NUL ends it. */
        value = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
        end = size;
    }
    json_tokener_free(tok);

    if (jerr == json_tokener_success && end < size) {
        /* json-c stopped after one value (strict mode does not). */
        jerr = json_tokener_error_parse_unexpected;
    }
    if (jerr != json_tokener_success) {
        json_object_put(value);
        value = NULL;
    }
    *jerrp = jerr;
    *endp = end;
    return value;
}

/* Records json-c's error 'jerr' at byte 'end' of in->text.  Returns
 * -EINVAL. */
static int
set_syntax_problem(const struct input *in, int max_depth,
                   enum json_tokener_error jerr, size_t end)
{
    enum json_tokener_error prefix_jerr;
    struct json_object *prefix;
    size_t prefix_end;

    if (jerr == json_tokener_error_parse_eof) {
        return set_problem(in, JSON_INPUT_TRUNCATED, in->size,
                           json_tokener_error_desc(jerr));
    }

    /* If the text before the error is one whole value, the error is the
     * text after it. */
    prefix = tokenize(in->text, end, max_depth, &prefix_jerr, &prefix_end);
    if (prefix_jerr != json_tokener_success) {
        return set_problem(in, JSON_INPUT_SYNTAX, end,
                           json_tokener_error_desc(jerr));
    }
    while (end < in->size && is_json_space(in->text[end])) {
        end++;
    }
    set_problem(in, JSON_INPUT_TRAILING, end, json_tokener_error_desc(jerr));
    in->problem->after_object = json_object_is_type(prefix,
                                                    json_type_object);
    json_object_put(prefix);
    return -EINVAL;
}

/* Step 3: the strict scan. */

/* Where a string is in the text: its raw bytes between the quotes. */
struct scan_span {
    size_t offset;
    size_t len;
};

/* One key of an object, for finding keys given twice. */
struct scan_key {
    const char *value;          /* The key as json-c reads it: points into
                                 * the text, or is 'decoded'. */
    size_t len;                 /* Bytes at 'value'. */
    size_t offset;              /* Of the key's text, for its line. */
    char *decoded;              /* Owned: the key with its escapes decoded,
                                 * if it has any; else NULL. */
};

/* The keys of one object so far: 'keys' in document order, and an
 * open-addressing hash index into them. */
struct key_set {
    struct scan_key *keys;      /* Owned array. */
    size_t n_keys;
    size_t allocated_keys;
    size_t *slots;              /* Owned array: 0 for a free slot, else 1 +
                                 * an index into 'keys'. */
    size_t n_slots;             /* A power of 2, or 0. */
};

/* One object or array that the scan is inside. */
struct scan_frame {
    bool is_object;
    size_t index;               /* Array: index of the current element. */
    struct scan_span key;       /* Object: the current key. */
};

struct scanner {
    const struct input *in;
    size_t pos;                 /* Next byte to look at. */
    int max_depth;
    struct scan_frame *frames;  /* Owned array of 'max_depth' + 1. */
    int depth;                  /* Frames in use. */
};

static int scan_value(struct scanner *);

static size_t
hash_bytes(const char *s, size_t len)
{
    uint32_t hash = 2166136261u;        /* FNV-1a. */

    for (size_t i = 0; i < len; i++) {
        hash = (hash ^ (unsigned char) s[i]) * 16777619u;
    }
    return hash;
}

/* Returns the value of the 4 hex digits at 's'. */
static unsigned int
hex4(const char *s)
{
    unsigned int value = 0;

    for (int i = 0; i < 4; i++) {
        unsigned char c = s[i];

        value = value * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return value;
}

/* Decodes the escapes in the 'len' bytes of well-formed JSON string
 * contents at 's', as json-c does (a lone surrogate becomes U+FFFD).
 * Returns a new malloc()'d string (the caller frees it) and stores its
 * length in '*lenp'. */
static char *
unescape(const char *s, size_t len, size_t *lenp)
{
    /* Pairs: the letter after '\', then the byte it stands for. */
    static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    char *out = xmalloc(len + 1);       /* Escapes only ever shrink. */
    size_t n = 0;

    for (size_t i = 0; i < len; ) {
        unsigned int c;

        if (s[i] != '\\') {
            out[n++] = s[i++];
            continue;
        } else if (s[i + 1] != 'u') {
            out[n++] = strchr(escapes, s[i + 1])[1];
            i += 2;
            continue;
        }
        c = hex4(s + i + 2);
        i += 6;
        if (c >= 0xd800 && c <= 0xdbff && i + 6 <= len && s[i] == '\\'
            && s[i + 1] == 'u' && hex4(s + i + 2) >= 0xdc00
            && hex4(s + i + 2) <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (hex4(s + i + 2) - 0xdc00);
            i += 6;
        } else if (c >= 0xd800 && c <= 0xdfff) {
            c = 0xfffd;
        }
        if (c < 0x80) {
            out[n++] = c;
        } else if (c < 0x800) {
            out[n++] = 0xc0 | (c >> 6);
            out[n++] = 0x80 | (c & 0x3f);
        } else if (c < 0x10000) {
            out[n++] = 0xe0 | (c >> 12);
            out[n++] = 0x80 | ((c >> 6) & 0x3f);
            out[n++] = 0x80 | (c & 0x3f);
        } else {
            out[n++] = 0xf0 | (c >> 18);
            out[n++] = 0x80 | ((c >> 12) & 0x3f);
            out[n++] = 0x80 | ((c >> 6) & 0x3f);
            out[n++] = 0x80 | (c & 0x3f);
        }
    }
    out[n] = '\0';
    *lenp = n;
    return out;
}

/* Returns the slot of 'set' that holds a key equal to the 'len' bytes at
 * 'value', or the free slot where such a key belongs. */
static size_t
key_set_find(const struct key_set *set, const char *value, size_t len)
{
    size_t mask = set->n_slots - 1;
    size_t i = hash_bytes(value, len) & mask;

    for (; set->slots[i]; i = (i + 1) & mask) {
        const struct scan_key *other = &set->keys[set->slots[i] - 1];

        /* A nonzero slot names a stored key.
         * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
        if (other->len == len && !memcmp(other->value, value, len)) {
            break;
        }
    }
    return i;
}

/* Adds the key whose text is 'span' of 'text' to 'set', unless the set holds
 * an equal key already (one that json-c would merge with it).  Returns that
 * earlier key, or NULL if there is none. */
static const struct scan_key *
key_set_add(struct key_set *set, const char *text,
            const struct scan_span *span)
{
    struct scan_key key = {
        .value = text + span->offset,
        .len = span->len,
        .offset = span->offset,
    };
    size_t slot;

    if (memchr(key.value, '\\', key.len)) {
        key.decoded = unescape(key.value, key.len, &key.len);
        key.value = key.decoded;
    }
    if ((set->n_keys + 1) * 2 > set->n_slots) {
        set->n_slots = set->n_slots ? set->n_slots * 2 : 16;
        free(set->slots);
        set->slots = xzalloc(set->n_slots * sizeof *set->slots);
        for (size_t i = 0; i < set->n_keys; i++) {
            const struct scan_key *k = &set->keys[i];

            set->slots[key_set_find(set, k->value, k->len)] = i + 1;
        }
    }
    slot = key_set_find(set, key.value, key.len);
    if (set->slots[slot]) {
        free(key.decoded);
        return &set->keys[set->slots[slot] - 1];
    }
    grow_array((void **) &set->keys, &set->allocated_keys, set->n_keys + 1,
               sizeof *set->keys);
    set->keys[set->n_keys++] = key;
    set->slots[slot] = set->n_keys;
    return NULL;
}

static void
key_set_destroy(struct key_set *set)
{
    for (size_t i = 0; i < set->n_keys; i++) {
        free(set->keys[i].decoded);
    }
    free(set->keys);
    free(set->slots);
}

/* Returns the byte at the scan position, or 0 at the end of the text. */
static unsigned char
scan_peek(const struct scanner *s, size_t ahead)
{
    return (s->pos + ahead < s->in->size
            ? s->in->text[s->pos + ahead] : '\0');
}

static void
scan_skip_space(struct scanner *s)
{
    while (s->pos < s->in->size && is_json_space(s->in->text[s->pos])) {
        s->pos++;
    }
}

static bool
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_hex_digit(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Records a grammar error that json-c reports as 'jerr', at the scan
 * position.  json-c has accepted the text, so this does not happen unless
 * json-c changes. */
static int
scan_syntax_error(const struct scanner *s, enum json_tokener_error jerr)
{
    return set_problem(s->in, JSON_INPUT_SYNTAX, s->pos,
                       json_tokener_error_desc(jerr));
}

/* Scans the string at the scan position and stores in '*key' where its
 * contents are. */
static int
scan_string(struct scanner *s, struct scan_span *key)
{
    if (scan_peek(s, 0) == '\'') {
        return set_problem(s->in, JSON_INPUT_SINGLE_QUOTE, s->pos, NULL);
    } else if (scan_peek(s, 0) != '"') {
        return scan_syntax_error(s, json_tokener_error_parse_object_key_name);
    }
    key->offset = ++s->pos;
    for (;;) {
        unsigned char c = scan_peek(s, 0);

        if (s->pos >= s->in->size) {
            return set_problem(s->in, JSON_INPUT_TRUNCATED, s->pos, NULL);
        } else if (c == '"') {
            key->len = s->pos++ - key->offset;
            return 0;
        } else if (c < 0x20) {
            set_problem(s->in, JSON_INPUT_CONTROL_CHAR, s->pos, NULL);
            s->in->problem->byte = c;
            return -EINVAL;
        } else if (c == '\\') {
            c = scan_peek(s, 1);
            if (c == 'u') {
                for (size_t i = 2; i < 6; i++) {
                    if (!is_hex_digit(scan_peek(s, i))) {
                        return scan_syntax_error(
                            s, json_tokener_error_parse_string);
                    }
                }
                s->pos += 6;
                continue;
            } else if (!c || !strchr("\"\\/bfnrt", c)) {
                return scan_syntax_error(s, json_tokener_error_parse_string);
            }
            s->pos++;
        }
        s->pos++;
    }
}

/* Skips the digits at the scan position.  Returns true if there was one. */
static bool
scan_digits(struct scanner *s)
{
    size_t start = s->pos;

    while (is_digit(scan_peek(s, 0))) {
        s->pos++;
    }
    return s->pos > start;
}

/* Scans the number at the scan position:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
scan_number(struct scanner *s)
{
    size_t start = s->pos;

    if (scan_peek(s, 0) == '-') {
        s->pos++;
    }
    if (scan_peek(s, 0) == '0') {
        s->pos++;
        if (is_digit(scan_peek(s, 0))) {
            goto bad;
        }
    } else if (!scan_digits(s)) {
        goto bad;
    }
    if (scan_peek(s, 0) == '.') {
        s->pos++;
        if (!scan_digits(s)) {
            goto bad;
        }
    }
    if (scan_peek(s, 0) == 'e' || scan_peek(s, 0) == 'E') {
        s->pos++;
        if (scan_peek(s, 0) == '+' || scan_peek(s, 0) == '-') {
            s->pos++;
        }
        if (!scan_digits(s)) {
            goto bad;
        }
    }
    return 0;

bad:
    return set_problem(s->in, JSON_INPUT_BAD_NUMBER, start, NULL);
}

/* Records that the current key of the innermost object, which starts at
 * byte 'offset', repeats 'first'. */
static int
scan_duplicate(const struct scanner *s, size_t offset,
               const struct scan_key *first)
{
    struct json_input_problem *problem = s->in->problem;
    int column;

    set_problem(s->in, JSON_INPUT_DUPLICATE_KEY, offset, NULL);
    text_position(s->in, first->offset, &problem->first_line, &column);
    problem->path[0] = '\0';
    for (int i = 0; i < s->depth; i++) {
        const struct scan_frame *frame = &s->frames[i];

        if (frame->is_object) {
            json_input_path_key(problem->path, sizeof problem->path,
                                problem->path,
                                s->in->text + frame->key.offset,
                                frame->key.len);
        } else {
            json_input_path_index(problem->path, sizeof problem->path,
                                  problem->path, frame->index);
        }
    }
    return -EINVAL;
}

/* Scans the key of a member of the innermost object, 'frame', and the ':'
 * after it.  Fails if 'keys', the keys of the object so far, has it
 * already; else adds it. */
static int
scan_member_key(struct scanner *s, struct scan_frame *frame,
                struct key_set *keys)
{
    const struct scan_key *first;
    size_t start;
    int error;

    scan_skip_space(s);
    start = s->pos;
    error = scan_string(s, &frame->key);
    if (error) {
        return error;
    }
    first = key_set_add(keys, s->in->text, &frame->key);
    if (first) {
        return scan_duplicate(s, start, first);
    }
    scan_skip_space(s);
    if (scan_peek(s, 0) != ':') {
        return scan_syntax_error(s, json_tokener_error_parse_object_key_sep);
    }
    s->pos++;
    return 0;
}

/* Scans the object (if 'is_object') or array at the scan position. */
static int
scan_container(struct scanner *s, bool is_object)
{
    unsigned char end = is_object ? '}' : ']';
    struct key_set keys = { .keys = NULL };
    struct scan_frame *frame;
    int error = 0;

    if (s->depth > s->max_depth) {
        return scan_syntax_error(s, json_tokener_error_depth);
    }
    frame = &s->frames[s->depth++];
    frame->is_object = is_object;
    frame->index = 0;
    s->pos++;
    scan_skip_space(s);
    if (scan_peek(s, 0) == end) {
        s->pos++;
        goto out;
    }
    for (;; frame->index++) {
        if (is_object) {
            error = scan_member_key(s, frame, &keys);
            if (error) {
                break;
            }
        }
        error = scan_value(s);
        if (error) {
            break;
        }
        scan_skip_space(s);
        if (scan_peek(s, 0) == end) {
            s->pos++;
            break;
        } else if (scan_peek(s, 0) != ',') {
            error = scan_syntax_error(
                s, (is_object ? json_tokener_error_parse_object_value_sep
                    : json_tokener_error_parse_array));
            break;
        }
        s->pos++;
    }
out:
    key_set_destroy(&keys);
    s->depth--;
    return error;
}

static int
scan_value(struct scanner *s)
{
    static const char *const literals[] = { "true", "false", "null" };
    unsigned char c;

    scan_skip_space(s);
    c = scan_peek(s, 0);
    if (c == '{' || c == '[') {
        return scan_container(s, c == '{');
    } else if (c == '"' || c == '\'') {
        struct scan_span ignored;

        return scan_string(s, &ignored);
    } else if (is_digit(c) || (c == '-' && is_digit(scan_peek(s, 1)))) {
        return scan_number(s);
    }
    for (size_t i = 0; i < ARRAY_SIZE(literals); i++) {
        size_t len = strlen(literals[i]);

        if (s->in->size - s->pos >= len
            && !memcmp(s->in->text + s->pos, literals[i], len)) {
            s->pos += len;
            return 0;
        }
    }
    return set_problem(s->in, JSON_INPUT_NOT_A_VALUE, s->pos, NULL);
}

/* Scans in->text, which json-c accepted, nesting at most 'max_depth'
 * deep. */
static int
scan_text(const struct input *in, int max_depth)
{
    struct scanner s = {
        .in = in,
        .max_depth = max_depth,
        .frames = xmalloc((max_depth + 1) * sizeof *s.frames),
    };
    int error;

    error = scan_value(&s);
    if (!error) {
        scan_skip_space(&s);
        if (s.pos < in->size) {
            error = set_problem(in, JSON_INPUT_TRAILING, s.pos, NULL);
        }
    }
    free(s.frames);
    return error;
}

/* Parses the 'size' bytes at 'text' as strict JSON; see json-input.h. */
int
json_input_parse(const char *text, size_t size, size_t max_size,
                 int max_depth, struct json_object **rootp,
                 struct json_input_problem *problem)
{
    struct input in = { .text = text, .size = size, .problem = problem };
    enum json_tokener_error jerr;
    struct json_object *root;
    size_t end, i;
    int error;

    memset(problem, 0, sizeof *problem);
    if (size > max_size || size > INT_MAX) {
        return set_problem(&in, JSON_INPUT_TOO_LARGE, 0, NULL);
    }
    if (size >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        /* A UTF-8 byte order mark, as some editors write: skip it. */
        in.bom = 3;
        in.text += 3;
        in.size -= 3;
    }
    if (!in.size) {
        return set_problem(&in, JSON_INPUT_EMPTY, 0, NULL);
    }
    error = check_text(&in);
    if (error) {
        return error;
    }
    for (i = 0; i < in.size && is_json_space(in.text[i]); i++) {
        continue;
    }
    if (i == in.size) {
        return set_problem(&in, JSON_INPUT_BLANK, 0, NULL);
    }

    root = tokenize(in.text, in.size, max_depth, &jerr, &end);
    if (jerr != json_tokener_success) {
        return set_syntax_problem(&in, max_depth, jerr, end);
    }
    error = scan_text(&in, max_depth);
    if (error) {
        json_object_put(root);
        return error;
    }
    *rootp = root;
    return 0;
}

/* Paths. */

/* True if the 'len' bytes at 's' can follow a '.' in a path. */
static bool
is_identifier(const char *s, size_t len)
{
    if (!len) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')
            && !is_digit(c) && c != '_' && c != '-') {
            return false;
        }
    }
    return true;
}

/* Stores 'parent' and the printf-style 'fmt' in 'dst'; see json-input.h.
 * A path that does not fit ends in "..." at a character boundary. */
void
json_input_path_format(char *dst, size_t size, const char *parent,
                       const char *fmt, ...)
{
    va_list args;
    size_t len;
    int n;

    if (dst != parent) {
        copy_string(dst, parent ? parent : "", size);
    }
    len = strlen(dst);
    va_start(args, fmt);
    n = vsnprintf(dst + len, size - len, fmt, args);
    va_end(args);
    if ((n < 0 || (size_t) n >= size - len) && size >= 4) {
        size_t cut = size - 4;

        while (cut && ((unsigned char) dst[cut - 1] & 0xc0) == 0x80) {
            cut--;
        }
        if (cut && (unsigned char) dst[cut - 1] >= 0xc0) {
            cut--;
        }
        memcpy(dst + cut, "...", 4);
    }
}

/* Stores the path of member 'key' of 'parent' in 'dst'; see
 * json-input.h. */
void
json_input_path_key(char *dst, size_t size, const char *parent,
                    const char *key, size_t key_len)
{
    if (is_identifier(key, key_len)) {
        /* 'parent' is a path that a caller formatted (a string).
         * NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Branch) */
        const char *dot = parent && parent[0] ? "." : "";

        json_input_path_format(dst, size, parent, "%s%.*s", dot,
                               (int) key_len, key);
    } else {
        char quoted[128];

        json_input_path_format(dst, size, parent, "[%s]",
                               json_input_quote(key, key_len, quoted,
                                                sizeof quoted));
    }
}

/* Stores the path of element 'index' of 'parent' in 'dst'; see
 * json-input.h. */
void
json_input_path_index(char *dst, size_t size, const char *parent,
                      size_t index)
{
    json_input_path_format(dst, size, parent, "[%zu]", index);
}

/* Writes 's' into 'buf' as a quoted, escaped string; see json-input.h. */
char *
json_input_quote(const char *s, size_t len, char *buf, size_t size)
{
    size_t n = 0;
    size_t i;

    if (size < 64) {
        copy_string(buf, "\"...\"", size);
        return buf;
    }
    buf[n++] = '"';
    for (i = 0; i < len && n < 48; i++) {
        unsigned char c = s[i];

        if (c == '"' || c == '\\') {
            buf[n++] = '\\';
            buf[n++] = c;
        } else if (c == '\n') {
            n += snprintf(buf + n, size - n, "\\n");
        } else if (c == '\t') {
            n += snprintf(buf + n, size - n, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            n += snprintf(buf + n, size - n, "\\u%04x", c);
        } else {
            buf[n++] = c;
        }
    }
    if (i < len) {
        /* Do not cut a UTF-8 sequence in two. */
        while (n > 1 && ((unsigned char) buf[n - 1] & 0xc0) == 0x80) {
            n--;
        }
        if (n > 1 && (unsigned char) buf[n - 1] >= 0xc0) {
            n--;
        }
        n += snprintf(buf + n, size - n, "...");
    }
    buf[n++] = '"';
    buf[n] = '\0';
    return buf;
}

/* Values in messages. */

/* Returns a phrase for the JSON type of 'value'; see json-input.h. */
const char *
json_input_type_name(struct json_object *value)
{
    switch (json_object_get_type(value)) {
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

/* Writes the string 'value' into 'buf' as JSON text, or if it is longer
 * than 40 bytes, its first 40 bytes (cut at a character boundary, not
 * escaped) and "..." inside double quotes. */
static void
describe_json_string(struct json_object *value, char *buf, size_t size)
{
    enum { MAX_SHOWN = 40 };
    const char *text = json_object_get_string(value);
    size_t len = strlen(text);

    if (len > MAX_SHOWN) {
        len = MAX_SHOWN;
        while (len && (text[len] & 0xc0) == 0x80) {
            len--;
        }
        snprintf(buf, size, "\"%.*s...\"", (int) len, text);
    } else {
        copy_string(buf, json_object_to_json_string_ext(value, JSON_TEXT),
                    size);
    }
}

/* Describes 'value' for a message; see json-input.h. */
const char *
json_input_describe(struct json_object *value, enum json_input_style style,
                    char *buf, size_t size)
{
    bool phrase = style == JSON_INPUT_AS_PHRASE;
    const char *prefix;
    char quoted[128];

    switch (json_object_get_type(value)) {
    case json_type_string:
        if (phrase) {
            snprintf(buf, size, "the string %s",
                     json_input_quote(json_object_get_string(value),
                                      json_object_get_string_len(value),
                                      quoted, sizeof quoted));
        } else {
            describe_json_string(value, buf, size);
        }
        break;
    case json_type_int:
    case json_type_double:
        prefix = (json_object_is_type(value, json_type_int)
                  ? "the integer " : "the number ");
        snprintf(buf, size, "%s%s", phrase ? prefix : "",
                 json_object_to_json_string_ext(value, JSON_TEXT));
        break;
    case json_type_null:
    case json_type_boolean:
        copy_string(buf, json_object_to_json_string_ext(value, JSON_TEXT),
                    size);
        break;
    case json_type_array:
    case json_type_object:
    default:
        copy_string(buf, json_input_type_name(value), size);
        break;
    }
    return buf;
}

/* Unknown keys and values. */

/* Returns the first key of 'object' not in 'allowed'; see json-input.h. */
const char *
json_input_unknown_key(struct json_object *object,
                       const char *const *allowed, size_t n)
{
    json_object_object_foreach (object, key, value) {
        size_t i;

        (void) value;
        for (i = 0; i < n && strcmp(key, allowed[i]); i++) {
            continue;
        }
        if (i == n) {
            return key;
        }
    }
    return NULL;
}

static unsigned char
fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Returns the number of edits that turn 's' into 't', ignoring ASCII case,
 * where an edit inserts, deletes or changes one character or swaps two
 * adjacent ones.  Returns SIZE_MAX if either string is long. */
static size_t
edit_distance(const char *s, const char *t)
{
    enum { MAX_LEN = 64 };
    size_t rows[3][MAX_LEN + 1];    /* Row i % 3: edits from s[0..i). */
    size_t m = strlen(s), n = strlen(t);

    if (m > MAX_LEN || n > MAX_LEN) {
        return SIZE_MAX;
    }
    for (size_t j = 0; j <= n; j++) {
        rows[0][j] = j;
    }
    for (size_t i = 1; i <= m; i++) {
        size_t *row = rows[i % 3];
        const size_t *prev = rows[(i - 1) % 3];
        const size_t *prev2 = rows[(i + 1) % 3];    /* Row i - 2. */
        unsigned char a = fold(s[i - 1]);

        row[0] = i;
        for (size_t j = 1; j <= n; j++) {
            unsigned char b = fold(t[j - 1]);
            size_t best = prev[j - 1] + (a != b);

            best = MIN(best, prev[j] + 1);
            best = MIN(best, row[j - 1] + 1);
            if (i > 1 && j > 1 && a == fold(t[j - 2])
                && fold(s[i - 2]) == b) {
                best = MIN(best, prev2[j - 2] + 1);
            }
            row[j] = best;
        }
    }
    return rows[m % 3][n];
}

/* True if 'haystack' contains 'needle', ignoring ASCII case. */
static bool
contains_folded(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack; haystack++) {
        if (!strncasecmp(haystack, needle, n)) {
            return true;
        }
    }
    return false;
}

/* Returns the choice that 'word' most likely misspells; see
 * json-input.h. */
const char *
json_input_suggest(const char *word, const char *const *choices, size_t n)
{
    size_t word_len = strlen(word);
    size_t best_edits = SIZE_MAX;
    const char *best = NULL;

    for (size_t i = 0; i < n; i++) {
        const char *choice = choices[i];
        size_t len = strlen(choice);
        size_t edits = edit_distance(word, choice);
        bool close = edits <= (len <= 4 ? 1 : 2);

        if (!close) {
            close = (word_len <= len
                     ? word_len >= 3 && contains_folded(choice, word)
                     : len >= 3 && contains_folded(word, choice));
        }
        if (close && (!best || edits < best_edits)) {
            best = choice;
            best_edits = edits;
        }
    }
    return best;
}

/* Writes 'words' into 'buf', separated by ", "; see json-input.h. */
char *
json_input_join(char *buf, size_t size, const char *const *words, size_t n,
                bool quoted)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++) {
        const char *sep = i ? ", " : "";
        int k = (quoted
                 ? snprintf(buf + len, size - len, "%s\"%s\"", sep, words[i])
                 : snprintf(buf + len, size - len, "%s%s", sep, words[i]));

        if (k < 0) {
            break;
        }
        len += k;
    }
    return buf;
}

/* The shared reader. */

#define RULE_JSON "check the quotes, commas and brackets there; JSON " \
    "allows no comments and no trailing commas"

/* Reports 'problem', found in the 'size' bytes named 'name'. */
static int
report_problem(const struct json_input_spec *spec, const char *name,
               const struct json_input_problem *problem, size_t size,
               struct error *err)
{
    const char *detail = problem->detail;
    const char *rule = RULE_JSON;
    char what[64];

    switch (problem->type) {
    case JSON_INPUT_TOO_LARGE:
        return error_set(err, -EFBIG, "%s: the file is %zu bytes long, more "
                         "than the limit of %zu bytes for a %s; is this the "
                         "right file?", name, size, spec->max_size,
                         spec->what);
    case JSON_INPUT_EMPTY:
    case JSON_INPUT_BLANK:
        return error_set(err, -EINVAL, "%s: (top level): the file %s; %s",
                         name, problem->type == JSON_INPUT_EMPTY
                         ? "is empty" : "contains only whitespace",
                         spec->shape);
    case JSON_INPUT_DUPLICATE_KEY:
        return error_set(err, -EINVAL, "%s: %s: the key appears twice in "
                         "one object (at line %d and again at line %d); "
                         "give each key only once", name, problem->path,
                         problem->first_line, problem->line);
    case JSON_INPUT_NUL:
        return error_set(err, -EINVAL, "%s: line %d, column %d: the file "
                         "contains a NUL byte (at offset %zu); a %s is UTF-8 "
                         "text", name, problem->line, problem->column,
                         problem->offset, spec->what);
    case JSON_INPUT_BAD_UTF8:
        return error_set(err, -EINVAL, "%s: line %d, column %d: the file is "
                         "not valid UTF-8 (byte 0x%02x at offset %zu); save "
                         "the %s as UTF-8 text", name, problem->line,
                         problem->column, problem->byte, problem->offset,
                         spec->what);
    case JSON_INPUT_TRUNCATED:
        return error_set(err, -EINVAL, "%s: line %d, column %d: invalid "
                         "JSON: %s; the file ends before the %s is complete "
                         "(a '}' or ']' may be missing)", name,
                         problem->line, problem->column, detail, spec->what);
    case JSON_INPUT_TRAILING:
        if (problem->after_object) {
            return error_set(err, -EINVAL, "%s: line %d, column %d: "
                             "unexpected text after the %s object; the file "
                             "holds exactly one JSON object", name,
                             problem->line, problem->column, spec->what);
        }
        break;
    case JSON_INPUT_SINGLE_QUOTE:
        rule = "JSON strings use double quotes";
        break;
    case JSON_INPUT_CONTROL_CHAR:
        snprintf(what, sizeof what, "the control character U+%04X inside a "
                 "string", problem->byte);
        detail = what;
        rule = "write it as an escape such as \\t or \\n";
        break;
    case JSON_INPUT_NOT_A_VALUE:
        rule = "a JSON value is an object, array, string, number, true, "
               "false or null";
        break;
    case JSON_INPUT_BAD_NUMBER:
        rule = "JSON numbers look like 9000, -1 or 1.5e3";
        break;
    case JSON_INPUT_SYNTAX:
        break;
    }
    return error_set(err, -EINVAL, "%s: line %d, column %d: invalid JSON: "
                     "%s; %s", name, problem->line, problem->column, detail,
                     rule);
}

int
json_input_load_text(const struct json_input_spec *spec, const char *name,
                     const char *text, size_t size,
                     struct json_object **rootp, struct error *err)
{
    struct json_input_problem problem;

    if (json_input_parse(text, size, spec->max_size, spec->max_depth, rootp,
                         &problem)) {
        return report_problem(spec, name, &problem, size, err);
    }
    return 0;
}

int
json_input_load_fd(const struct json_input_spec *spec, const char *name,
                   int fd, struct json_object **rootp, struct error *err)
{
    struct json_input_problem problem = { .type = JSON_INPUT_EMPTY };
    size_t size = 0;
    char *text = NULL;
    int error;

    error = json_input_read_fd(fd, spec->max_size, &text, &size);
    if (error == -EFBIG) {
        problem.type = JSON_INPUT_TOO_LARGE;
        return report_problem(spec, name, &problem, size, err);
    } else if (error) {
        return error_set(err, error, "%s: cannot read the %s: %s", name,
                         spec->what, strerror(-error));
    }
    error = json_input_load_text(spec, name, text, size, rootp, err);
    free(text);
    return error;
}

int
json_input_unknown_key_error(const char *name, const char *path,
                             const char *key, const char *const *allowed,
                             size_t n, struct error *err)
{
    char key_path[JSON_INPUT_PATH_SIZE];
    const char *suggestion;
    char list[256];

    json_input_path_key(key_path, sizeof key_path, path, key, strlen(key));
    suggestion = json_input_suggest(key, allowed, n);
    if (suggestion) {
        return error_set(err, -EINVAL, "%s: %s: unknown key; did you mean "
                         "\"%s\"?", name, key_path, suggestion);
    }
    return error_set(err, -EINVAL, "%s: %s: unknown key; the keys allowed "
                     "here are %s", name, key_path,
                     json_input_join(list, sizeof list, allowed, n, true));
}

int
json_input_check_keys(const char *name, const char *path,
                      struct json_object *object,
                      const char *const *allowed, size_t n,
                      struct error *err)
{
    const char *key = json_input_unknown_key(object, allowed, n);

    return key ? json_input_unknown_key_error(name, path, key, allowed, n,
                                              err) : 0;
}

/* Typed getters. */

int
json_input_error(const struct json_input_ctx *ctx, const char *path,
                 const char *fmt, ...)
{
    char msg[sizeof ctx->err->msg];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return error_set(ctx->err, -EINVAL, "%s: %s: %s", ctx->name,
                     path && path[0] ? path : "(top level)", msg);
}

/* "; 'rule'", or "" if 'rule' is NULL. */
#define RULE_SEP(RULE) (RULE) ? "; " : "", (RULE) ? (RULE) : ""

int
json_input_missing(const struct json_input_ctx *ctx, const char *path,
                   const char *key, const char *rule)
{
    return json_input_error(ctx, path, "\"%s\" is missing%s%s", key,
                            RULE_SEP(rule));
}

/* Reports that 'value' is not 'type' (a phrase: "an integer"), or null if
 * 'nullable'. */
static int
wrong_type(const struct json_input_ctx *ctx, struct json_object *value,
           const char *path, const char *type, bool nullable,
           const char *rule)
{
    char desc[192];

    return json_input_error(ctx, path, "expected %s%s, got %s%s%s",
                            nullable ? "null or " : "", type,
                            json_input_describe(value, JSON_INPUT_AS_PHRASE,
                                                desc, sizeof desc),
                            RULE_SEP(rule));
}

int
json_input_object(const struct json_input_ctx *ctx, struct json_object *value,
                  const char *path, const struct json_input_keys *keys,
                  const char *rule)
{
    if (!json_object_is_type(value, json_type_object)) {
        return wrong_type(ctx, value, path, "an object", false, rule);
    }
    return keys ? json_input_check_keys(ctx->name, path, value, keys->keys,
                                        keys->n, ctx->err) : 0;
}

int
json_input_array(const struct json_input_ctx *ctx, struct json_object *value,
                 const char *path, int flags, const char *rule, size_t *np)
{
    size_t n;

    if (!json_object_is_type(value, json_type_array)) {
        return wrong_type(ctx, value, path, "an array", false, rule);
    }
    n = json_object_array_length(value);
    if (!n && flags & JSON_INPUT_NONEMPTY) {
        return json_input_error(ctx, path, "the array is empty%s%s",
                                RULE_SEP(rule));
    }
    if (np) {
        *np = n;
    }
    return 0;
}

int
json_input_bool(const struct json_input_ctx *ctx, struct json_object *value,
                const char *path, const char *rule, bool *valuep)
{
    if (!json_object_is_type(value, json_type_boolean)) {
        return wrong_type(ctx, value, path, "true or false", false, rule);
    }
    *valuep = json_object_get_boolean(value);
    return 0;
}

int
json_input_int(const struct json_input_ctx *ctx, struct json_object *value,
               const char *path, long long min, long long max,
               const char *rule, long long *valuep)
{
    int64_t n;

    if (!json_object_is_type(value, json_type_int)) {
        return wrong_type(ctx, value, path, "an integer", false, rule);
    }
    n = json_object_get_int64(value);
    if (n == INT64_MIN || json_object_get_uint64(value) == UINT64_MAX) {
        /* json-c clamps integers beyond 64 bits to these values. */
        return json_input_error(ctx, path, "the number is far out of range "
                                "(%lld to %lld)%s%s", min, max,
                                RULE_SEP(rule));
    }
    if (n < min || n > max
        || (n == INT64_MAX && json_object_get_uint64(value) > INT64_MAX)) {
        return json_input_error(ctx, path, "%s is out of range (%lld to "
                                "%lld)%s%s",
                                json_object_to_json_string_ext(value,
                                                               JSON_TEXT),
                                min, max, RULE_SEP(rule));
    }
    *valuep = n;
    return 0;
}

int
json_input_uint(const struct json_input_ctx *ctx, struct json_object *value,
                const char *path, unsigned int min, unsigned int max,
                const char *rule, unsigned int *valuep)
{
    long long n = 0;
    int error = json_input_int(ctx, value, path, min, max, rule, &n);

    if (!error) {
        *valuep = n;
    }
    return error;
}

int
json_input_string(const struct json_input_ctx *ctx, struct json_object *value,
                  const char *path, size_t max_len, int flags,
                  const char *rule, const char **sp)
{
    char quoted[128];
    const char *s;
    size_t len;

    if (!json_object_is_type(value, json_type_string)) {
        return wrong_type(ctx, value, path, "a string", false, rule);
    }
    s = json_object_get_string(value);
    len = json_object_get_string_len(value);
    if (flags & JSON_INPUT_NONEMPTY && !len) {
        return json_input_error(ctx, path, "the string is empty%s%s",
                                RULE_SEP(rule));
    }
    if (strlen(s) != len) {
        return json_input_error(ctx, path, "%s contains a NUL character%s%s",
                                json_input_quote(s, len, quoted,
                                                 sizeof quoted),
                                RULE_SEP(rule));
    }
    if (flags & JSON_INPUT_NONEMPTY && strspn(s, " \t\r\n") == len) {
        return json_input_error(ctx, path, "%s is only whitespace%s%s",
                                json_input_quote(s, len, quoted,
                                                 sizeof quoted),
                                RULE_SEP(rule));
    }
    if (len > max_len) {
        return json_input_error(ctx, path, "the string is %zu bytes long, "
                                "more than the %zu allowed%s%s", len,
                                max_len, RULE_SEP(rule));
    }
    *sp = s;
    return 0;
}

int
json_input_enum(const struct json_input_ctx *ctx, struct json_object *value,
                const char *path, const char *const *names, size_t n,
                const char *rule, int *indexp)
{
    const char *known[64];
    size_t n_known = 0;
    const char *s, *guess;
    char quoted[128];
    char list[512];

    if (!json_object_is_type(value, json_type_string)) {
        return wrong_type(ctx, value, path, "a string", false, rule);
    }
    s = json_object_get_string(value);
    for (size_t i = 0; i < n; i++) {
        if (names[i] && !strcmp(s, names[i])) {
            *indexp = i;
            return 0;
        }
        if (names[i] && n_known < ARRAY_SIZE(known)) {
            known[n_known++] = names[i];
        }
    }
    json_input_quote(s, json_object_get_string_len(value), quoted,
                     sizeof quoted);
    guess = json_input_suggest(s, known, n_known);
    if (guess) {
        return json_input_error(ctx, path, "unknown value %s; did you mean "
                                "\"%s\"?", quoted, guess);
    } else if (rule) {
        return json_input_error(ctx, path, "unknown value %s; %s", quoted,
                                rule);
    }
    return json_input_error(ctx, path, "unknown value %s; the values "
                            "allowed here are %s", quoted,
                            json_input_join(list, sizeof list, known,
                                            n_known, true));
}

bool
json_input_member(struct json_object *object, const char *path,
                  const char *key, struct json_object **valuep,
                  char *member_path)
{
    if (!json_object_object_get_ex(object, key, valuep)) {
        return false;
    }
    if (member_path) {
        json_input_path_key(member_path, JSON_INPUT_PATH_SIZE, path, key,
                            strlen(key));
    }
    return true;
}

/* Looks up member 'key' of 'object' at 'path' for a member getter.
 * Returns 1 if there is a value to check (in '*valuep', its path in
 * 'member_path'), 0 if it is absent and may be, or -EINVAL if it is absent
 * and required. */
static int
lookup(const struct json_input_ctx *ctx, struct json_object *object,
       const char *path, const char *key, int flags, const char *rule,
       struct json_object **valuep, char *member_path)
{
    if (!json_input_member(object, path, key, valuep, member_path)
        || (!*valuep && flags & JSON_INPUT_NULLABLE)) {
        return (flags & JSON_INPUT_REQUIRED
                ? json_input_missing(ctx, path, key, rule) : 0);
    }
    return 1;
}

/* A member that is present but of the wrong type, for a getter whose
 * member may be null: says "null or". */
static int
check_nullable_type(const struct json_input_ctx *ctx,
                    struct json_object *value, const char *path, int flags,
                    enum json_type type, const char *type_phrase,
                    const char *rule)
{
    if (!json_object_is_type(value, type)) {
        return wrong_type(ctx, value, path, type_phrase,
                          flags & JSON_INPUT_NULLABLE, rule);
    }
    return 0;
}

int
json_input_get_bool(const struct json_input_ctx *ctx,
                    struct json_object *object, const char *path,
                    const char *key, int flags, const char *rule,
                    bool *valuep)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    struct json_object *value;
    int error = lookup(ctx, object, path, key, flags, rule, &value, mpath);

    if (error <= 0) {
        return error;
    }
    return (check_nullable_type(ctx, value, mpath, flags, json_type_boolean,
                                "true or false", rule)
            ? -EINVAL : json_input_bool(ctx, value, mpath, rule, valuep));
}

int
json_input_get_int(const struct json_input_ctx *ctx,
                   struct json_object *object, const char *path,
                   const char *key, int flags, long long min, long long max,
                   const char *rule, long long *valuep)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    struct json_object *value;
    int error = lookup(ctx, object, path, key, flags, rule, &value, mpath);

    if (error <= 0) {
        return error;
    }
    return (check_nullable_type(ctx, value, mpath, flags, json_type_int,
                                "an integer", rule)
            ? -EINVAL
            : json_input_int(ctx, value, mpath, min, max, rule, valuep));
}

int
json_input_get_uint(const struct json_input_ctx *ctx,
                    struct json_object *object, const char *path,
                    const char *key, int flags, unsigned int min,
                    unsigned int max, const char *rule,
                    unsigned int *valuep)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    struct json_object *value;
    int error = lookup(ctx, object, path, key, flags, rule, &value, mpath);

    if (error <= 0) {
        return error;
    }
    return (check_nullable_type(ctx, value, mpath, flags, json_type_int,
                                "an integer", rule)
            ? -EINVAL
            : json_input_uint(ctx, value, mpath, min, max, rule, valuep));
}

int
json_input_get_string(const struct json_input_ctx *ctx,
                      struct json_object *object, const char *path,
                      const char *key, int flags, size_t max_len,
                      const char *rule, const char **sp)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    struct json_object *value;
    int error = lookup(ctx, object, path, key, flags, rule, &value, mpath);

    if (error <= 0) {
        return error;
    }
    return (check_nullable_type(ctx, value, mpath, flags, json_type_string,
                                "a string", rule)
            ? -EINVAL
            : json_input_string(ctx, value, mpath, max_len, flags, rule,
                                sp));
}

int
json_input_get_enum(const struct json_input_ctx *ctx,
                    struct json_object *object, const char *path,
                    const char *key, int flags, const char *const *names,
                    size_t n, const char *rule, int *indexp)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    struct json_object *value;
    int error = lookup(ctx, object, path, key, flags, rule, &value, mpath);

    if (error <= 0) {
        return error;
    }
    return (check_nullable_type(ctx, value, mpath, flags, json_type_string,
                                "a string", rule)
            ? -EINVAL
            : json_input_enum(ctx, value, mpath, names, n, rule, indexp));
}

int
json_input_get_array(const struct json_input_ctx *ctx,
                     struct json_object *object, const char *path,
                     const char *key, int flags, const char *rule,
                     struct json_object **arrayp, size_t *np)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    struct json_object *value;
    int error;

    *arrayp = NULL;
    if (np) {
        *np = 0;
    }
    error = lookup(ctx, object, path, key, flags, rule, &value, mpath);
    if (error <= 0) {
        return error;
    }
    error = json_input_array(ctx, value, mpath, flags, rule, np);
    if (!error) {
        *arrayp = value;
    }
    return error;
}

int
json_input_get_object(const struct json_input_ctx *ctx,
                      struct json_object *object, const char *path,
                      const char *key, int flags,
                      const struct json_input_keys *keys, const char *rule,
                      struct json_object **objectp)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    struct json_object *value;
    int error;

    *objectp = NULL;
    error = lookup(ctx, object, path, key, flags, rule, &value, mpath);
    if (error <= 0) {
        return error;
    }
    error = json_input_object(ctx, value, mpath, keys, rule);
    if (!error) {
        *objectp = value;
    }
    return error;
}
