/* Strict reading of JSON input, the one reader of jumboagent's four JSON
 * inputs: policy.c (policy files), drivers.c (the driver-support table),
 * host-json.c (host models) and journal.c (the apply journal).  It is the
 * [parse] stage, one step before their schema walks.
 *
 * json_input_read_fd() reads a file into memory with a size cap (the file
 * is opened by safe-file.c, which checks who may have written it).
 * json_input_parse() then checks the text and builds a json-c tree: the size,
 * UTF-8 without NUL bytes, json-c's strict tokener, and a second scan for
 * what json-c 0.16 accepts even in strict mode (duplicate keys, single-quoted
 * strings, raw control characters in strings, NaN and Infinity, numbers such
 * as "1." or "-01").  It reports the first problem as data, a 'struct
 * json_input_problem' with the byte offset, line and column.
 *
 * The readers call json_input_load_fd() or json_input_load_text(), which do
 * both and word each fault once, and json_input_check_keys() for the key
 * list of each object (one wording for unknown keys, with a "did you mean"
 * hint); the messages all have the form "NAME: WHERE: what is wrong; what
 * to do", WHERE being a JSON path ("networks[1].mtu") or a position ("line
 * 3, column 7").
 *
 * The helpers in between serve the readers' own messages: JSON paths,
 * descriptions of values ("the integer 9000", "an array"), suggestions.
 *
 * Only the readers and json-input.c include json-c; this header only names
 * 'struct json_object'. */
#ifndef JUMBOAGENT_JSON_INPUT_H
#define JUMBOAGENT_JSON_INPUT_H 1

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* Bytes for a JSON path in a message, with its NUL. */
#define JSON_INPUT_PATH_SIZE 512

/* Reads the file 'path', which may have at most 'max_size' bytes.
 *
 * On success returns 0, stores in '*textp' a malloc()'d copy of the file's
 * bytes followed by a NUL (the caller must free it) and in '*sizep' the
 * number of bytes (without that NUL).
 *
 * On failure returns a negative errno value and leaves '*textp' untouched:
 * -EISDIR if 'path' is a directory, -EFBIG if the file has more than
 * 'max_size' bytes (then '*sizep' is its size, or 'max_size' + 1 if that is
 * unknown), or the error of open() or read().  '*openedp' is always set: to
 * false if the file could not be opened, to true if it was opened (so that a
 * failure was in reading it), so that the caller can say "cannot open" or
 * "cannot read". */
int json_input_read_file(const char *path, size_t max_size, char **textp,
                         size_t *sizep, bool *openedp);

/* Like json_input_read_file(), but reads the open file 'fd' (which stays
 * open) from its current position.  A file that is not regular (a pipe) is
 * read up to 'max_size' + 1 bytes at most.  Returns 0, -EISDIR, -EFBIG or
 * the error of fstat() or read(). */
int json_input_read_fd(int fd, size_t max_size, char **textp, size_t *sizep);

/* What json_input_parse() found wrong.  Each type says which members of
 * 'struct json_input_problem' besides 'detail' it sets. */
enum json_input_problem_type {
    JSON_INPUT_TOO_LARGE,       /* More than 'max_size' bytes. */
    JSON_INPUT_EMPTY,           /* No bytes, or only a byte order mark. */
    JSON_INPUT_BLANK,           /* Only whitespace. */
    JSON_INPUT_NUL,             /* A NUL byte: position, 'byte'. */
    JSON_INPUT_BAD_UTF8,        /* Not UTF-8: position, 'byte' (the first
                                 * byte of the bad sequence). */
    JSON_INPUT_TRUNCATED,       /* The text ends inside a value: position
                                 * (the end of the text). */
    JSON_INPUT_SYNTAX,          /* Any other syntax error: position; json-c's
                                 * description in 'detail'. */
    JSON_INPUT_TRAILING,        /* Text after one whole value: position of
                                 * that text, 'after_object'. */
    JSON_INPUT_SINGLE_QUOTE,    /* A string in single quotes: position. */
    JSON_INPUT_CONTROL_CHAR,    /* A raw control character inside a string:
                                 * position, 'byte'. */
    JSON_INPUT_NOT_A_VALUE,     /* NaN, Infinity or a bare word where a value
                                 * belongs: position. */
    JSON_INPUT_BAD_NUMBER,      /* A number json-c takes but JSON does not,
                                 * such as "1." or "-01": position. */
    JSON_INPUT_DUPLICATE_KEY,   /* A key given twice in one object: position
                                 * of the second one, 'path', 'first_line'. */
};

/* The first problem in a text, as json_input_parse() reports it. */
struct json_input_problem {
    enum json_input_problem_type type;
    const char *detail;         /* What is wrong, in a few words: json-c's
                                 * description for JSON_INPUT_SYNTAX and
                                 * JSON_INPUT_TRAILING ("unexpected
                                 * character"), otherwise a fixed phrase
                                 * such as "a string in single quotes".
                                 * Static; never NULL. */

    /* Position: set for every type but TOO_LARGE, EMPTY and BLANK. */
    size_t offset;              /* Byte offset in the text as given. */
    int line;                   /* 1-based line of 'offset'. */
    int column;                 /* 1-based column of 'offset', counted in
                                 * characters; a byte order mark at the
                                 * start does not count. */

    unsigned char byte;         /* NUL, BAD_UTF8, CONTROL_CHAR. */
    bool after_object;          /* TRAILING: the whole value before the text
                                 * is an object. */
    char path[JSON_INPUT_PATH_SIZE]; /* DUPLICATE_KEY: the key's JSON path,
                                      * as json_input_path_key() writes
                                      * it ("networks[0].mtu"). */
    int first_line;             /* DUPLICATE_KEY: line of the key's first
                                 * appearance in the object. */
};

/* Parses the 'size' bytes at 'text' (need not be NUL-terminated) as strict
 * JSON of at most 'max_size' bytes (at most INT_MAX) nested at most
 * 'max_depth' deep.  A UTF-8 byte order mark at the start is skipped.
 *
 * On success returns 0 and stores the root value in '*rootp': a new
 * reference that the caller must release with json_object_put(), or NULL if
 * the text is the JSON literal null.
 *
 * On failure returns -EINVAL, leaves '*rootp' untouched and describes the
 * first problem found in '*problem' (which the call clears first, so its
 * content means nothing after a success).  The checks run in this order, so
 * a text with several problems reports the first kind: size; emptiness; NUL
 * bytes and UTF-8; json-c's syntax check; then the strict scan, in document
 * order. */
int json_input_parse(const char *text, size_t size, size_t max_size,
                     int max_depth, struct json_object **rootp,
                     struct json_input_problem *problem);

/* JSON paths for messages.  A path is a NUL-terminated string such as
 * "networks[1].overlay.type"; "" stands for the top level.  A member whose
 * key is not made of ASCII letters, digits, '_' and '-' is written quoted
 * and escaped in brackets: drivers["802.1Q VLAN Support"].  A path that does
 * not fit in its buffer is cut short and ends in "...". */

/* Stores in 'dst' (of 'size' bytes) the path of the member 'key' (of
 * 'key_len' bytes, not necessarily NUL-terminated) of the value at path
 * 'parent' (NULL or "" for the top level).  'dst' may be 'parent', to
 * append in place. */
void json_input_path_key(char *dst, size_t size, const char *parent,
                         const char *key, size_t key_len);

/* Stores in 'dst' (of 'size' bytes) the path of element 'index' of the
 * array at path 'parent' (NULL or "" for the top level).  'dst' may be
 * 'parent'. */
void json_input_path_index(char *dst, size_t size, const char *parent,
                           size_t index);

/* Stores in 'dst' (of 'size' bytes) the path 'parent' (NULL or "" for the
 * top level) followed by the printf-style 'fmt' and its arguments, written
 * as they are: json_input_path_format(dst, size, NULL, "links[%zu].name",
 * i) or json_input_path_format(dst, size, dst, ".name").  'dst' may be
 * 'parent'. */
void json_input_path_format(char *dst, size_t size, const char *parent,
                            const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes the 'len' bytes at 's' into 'buf' (of 'size' bytes, at least 64
 * for a useful result) as a double-quoted string with '"', '\' and control
 * characters escaped, cut short with "..." (at a character boundary) after
 * about 48 bytes.  Returns 'buf'. */
char *json_input_quote(const char *s, size_t len, char *buf, size_t size);

/* Values in messages.  'value' may be NULL, for JSON null. */

/* Returns a phrase for the JSON type of 'value': "null", "a boolean", "an
 * integer", "a number with a fraction or exponent", "a string", "an array"
 * or "an object".  The phrase is static. */
const char *json_input_type_name(struct json_object *value);

/* How json_input_describe() shows a scalar. */
enum json_input_style {
    JSON_INPUT_AS_PHRASE,   /* "the integer 9000", "the number 1.5", "the
                             * string \"9k\"" (quoted as json_input_quote()
                             * does), "true", "null". */
    JSON_INPUT_AS_JSON,     /* As JSON text: 9000, 1.5, "9k", true, null;
                             * of a string longer than 40 bytes, its first
                             * 40 bytes as they are and "..." inside the
                             * quotes. */
};

/* Describes 'value' for a message ("expected an integer, got ..."): a
 * scalar as 'style' says, an array or an object by its type, as
 * json_input_type_name() names it.  Writes into 'buf' (of 'size' bytes;
 * cut short if it is too small) and returns 'buf'. */
const char *json_input_describe(struct json_object *value,
                                enum json_input_style style, char *buf,
                                size_t size);

/* Unknown keys and values. */

/* Returns the first key of the object 'object', in document order, that is
 * not one of the 'n' strings in 'allowed', or NULL if there is none.  The
 * result belongs to 'object'. */
const char *json_input_unknown_key(struct json_object *object,
                                   const char *const *allowed, size_t n);

/* Returns the member of the 'n' strings in 'choices' that 'word' most likely
 * misspells, or NULL if none is close.  Case does not matter.  A choice is
 * close if one or two edits (inserting, deleting or changing a character, or
 * swapping two adjacent ones; only one edit for choices of up to 4
 * characters) turn 'word' into it, or if one of the two contains the other
 * and the shorter has at least 3 characters.  The fewest edits win, then
 * the earlier choice.  The result points into 'choices'. */
const char *json_input_suggest(const char *word, const char *const *choices,
                               size_t n);

/* Writes the 'n' strings in 'words' into 'buf' (of 'size' bytes) separated
 * by ", ", each in double quotes if 'quoted': "a, b, c" or "\"a\", \"b\"".
 * Cut short if 'buf' is too small.  Returns 'buf'. */
char *json_input_join(char *buf, size_t size, const char *const *words,
                      size_t n, bool quoted);

/* One reader for the four JSON inputs (policy, driver table, host model,
 * journal): the file opened as safe-file.h says, its size capped, the text
 * parsed strictly, and every fault worded once, as
 *
 *     NAME: WHERE: what is wrong; what to do
 *
 * where WHERE is a JSON path ("networks[1].mtu", "(top level)") or a
 * position ("line 3, column 7").  Unlike the functions above, these write
 * the message into a 'struct error'. */

struct error;

/* What is being read, for the shared messages. */
struct json_input_spec {
    const char *what;           /* "policy", "driver table", ... */
    const char *shape;          /* The rule for the whole document, ending
                                 * the messages about it ("a policy is one
                                 * JSON object: {...}"). */
    size_t max_size;            /* Bytes; at most INT_MAX. */
    int max_depth;              /* Nesting. */
};

/* Parses the 'size' bytes at 'text', named 'name' in messages, as 'spec'
 * says.  On success returns 0 and stores the root in '*rootp' (release with
 * json_object_put(); NULL for the literal null).  On failure returns a
 * negative errno value (-EFBIG for a text over the limit, else -EINVAL)
 * with the message in 'err'. */
int json_input_load_text(const struct json_input_spec *spec,
                         const char *name, const char *text, size_t size,
                         struct json_object **rootp, struct error *err);

/* Like json_input_load_text() for the open file 'fd' (which stays open). */
int json_input_load_fd(const struct json_input_spec *spec, const char *name,
                       int fd, struct json_object **rootp,
                       struct error *err);

/* Reports, as "NAME: PATH: message", a member of the object 'object' at
 * JSON path 'path' ("" for the top level) whose key is not one of the 'n'
 * keys in 'allowed', with a "did you mean" when one is close, else the list
 * of allowed keys.  Returns 0 if there is none, else -EINVAL with the
 * message in 'err'. */
int json_input_check_keys(const char *name, const char *path,
                          struct json_object *object,
                          const char *const *allowed, size_t n,
                          struct error *err);

/* Reports 'key', a member of the object at 'path' that is not one of the
 * 'n' keys in 'allowed', as json_input_check_keys() does.  Returns
 * -EINVAL. */
int json_input_unknown_key_error(const char *name, const char *path,
                                 const char *key,
                                 const char *const *allowed, size_t n,
                                 struct error *err);

/* Typed getters: the schema walk of every reader.
 *
 * Each reader keeps a 'struct json_input_ctx' for its messages and hands
 * the getters a JSON value, or an object and one of its keys, with the JSON
 * path of that value or object ("" for the top level, written "(top
 * level)").  A getter checks the value's type (and range, length, key list
 * or name list), stores it, and on a fault writes one of these messages
 * into ctx->err and returns -EINVAL:
 *
 *     PATH: expected TYPE, got VALUE; RULE      (wrong type; "null or TYPE"
 *                                                if null is allowed)
 *     PATH: N is out of range (MIN to MAX); RULE
 *     PATH: the number is far out of range (MIN to MAX); RULE  (beyond 64
 *                                                bits)
 *     PATH: the string is empty; RULE
 *     PATH: "  " is only whitespace; RULE
 *     PATH: "a\u0000b" contains a NUL character; RULE
 *     PATH: the string is N bytes long, more than the M allowed; RULE
 *     PATH: the array is empty; RULE
 *     PARENT: "KEY" is missing; RULE
 *     PATH: unknown value "x"; did you mean "y"?  (or "; RULE", or "; the
 *                                                values allowed here are
 *                                                "a", "b")
 *     PATH.KEY: unknown key; did you mean "y"?  (json_input_check_keys())
 *
 * VALUE is json_input_describe()'s JSON_INPUT_AS_PHRASE ("the string
 * \"9k\"", "the integer 7", "an array").  'rule' (may be NULL, then the
 * message ends before "; ") says what is allowed or what to do. */

/* Where the getters report. */
struct json_input_ctx {
    const char *name;           /* The input's name, first in messages. */
    struct error *err;          /* Receives the message; may be NULL. */
};

/* The keys an object of one kind may have: a static table per kind. */
struct json_input_keys {
    const char *const *keys;
    size_t n;
};
#define JSON_INPUT_KEYS(ARRAY) { (ARRAY), sizeof (ARRAY) / sizeof *(ARRAY) }

/* Flags of the member getters. */
enum {
    JSON_INPUT_REQUIRED = 1 << 0, /* Absent is "KEY is missing". */
    JSON_INPUT_NULLABLE = 1 << 1, /* null is taken as absent. */
    JSON_INPUT_NONEMPTY = 1 << 2, /* Strings: not "" nor only whitespace;
                                   * arrays: not []. */
};

/* Reports "NAME: PATH: message" (PATH "" is "(top level)") with code
 * -EINVAL.  Returns -EINVAL. */
int json_input_error(const struct json_input_ctx *, const char *path,
                     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports that the object at 'path' lacks 'key'.  Returns -EINVAL. */
int json_input_missing(const struct json_input_ctx *, const char *path,
                       const char *key, const char *rule);

/* Value getters: 'value' (NULL for JSON null) is at 'path'.  On success
 * they return 0 and store the value; on failure -EINVAL. */

/* An object whose keys are all in 'keys' (NULL: any keys). */
int json_input_object(const struct json_input_ctx *, struct json_object *value,
                      const char *path, const struct json_input_keys *keys,
                      const char *rule);

/* An array, of at least one element if 'flags' has JSON_INPUT_NONEMPTY;
 * stores its length in '*np' (may be NULL). */
int json_input_array(const struct json_input_ctx *, struct json_object *value,
                     const char *path, int flags, const char *rule,
                     size_t *np);

/* true or false. */
int json_input_bool(const struct json_input_ctx *, struct json_object *value,
                    const char *path, const char *rule, bool *valuep);

/* An integer from 'min' to 'max'. */
int json_input_int(const struct json_input_ctx *, struct json_object *value,
                   const char *path, long long min, long long max,
                   const char *rule, long long *valuep);

/* An integer from 'min' to 'max' (at most UINT_MAX). */
int json_input_uint(const struct json_input_ctx *, struct json_object *value,
                    const char *path, unsigned int min, unsigned int max,
                    const char *rule, unsigned int *valuep);

/* A string without NUL characters of at most 'max_len' bytes (SIZE_MAX:
 * any), not empty nor only whitespace if 'flags' has JSON_INPUT_NONEMPTY.
 * Stores in '*sp' the string, which belongs to 'value'. */
int json_input_string(const struct json_input_ctx *, struct json_object *value,
                      const char *path, size_t max_len, int flags,
                      const char *rule, const char **sp);

/* A string that is one of the 'n' strings in 'names' (entries may be NULL,
 * for gaps); stores its index in '*indexp'.  An unknown one gets a "did you
 * mean", else 'rule', else the list of 'names'. */
int json_input_enum(const struct json_input_ctx *, struct json_object *value,
                    const char *path, const char *const *names, size_t n,
                    const char *rule, int *indexp);

/* Member getters: member 'key' of the object 'object' at 'path'.  If the
 * member is absent (or null, with JSON_INPUT_NULLABLE) they return 0 and
 * leave the output alone, unless 'flags' has JSON_INPUT_REQUIRED; else
 * they check it as the value getters do, at the member's path. */

/* Stores member 'key' of 'object' (NULL for null) in '*valuep' and its path
 * in 'member_path' (JSON_INPUT_PATH_SIZE bytes; may be NULL).  Returns
 * whether it is present. */
bool json_input_member(struct json_object *object, const char *path,
                       const char *key, struct json_object **valuep,
                       char *member_path);

int json_input_get_bool(const struct json_input_ctx *,
                        struct json_object *object, const char *path,
                        const char *key, int flags, const char *rule,
                        bool *valuep);
int json_input_get_int(const struct json_input_ctx *,
                       struct json_object *object, const char *path,
                       const char *key, int flags, long long min,
                       long long max, const char *rule, long long *valuep);
int json_input_get_uint(const struct json_input_ctx *,
                        struct json_object *object, const char *path,
                        const char *key, int flags, unsigned int min,
                        unsigned int max, const char *rule,
                        unsigned int *valuep);
int json_input_get_string(const struct json_input_ctx *,
                          struct json_object *object, const char *path,
                          const char *key, int flags, size_t max_len,
                          const char *rule, const char **sp);
int json_input_get_enum(const struct json_input_ctx *,
                        struct json_object *object, const char *path,
                        const char *key, int flags,
                        const char *const *names, size_t n,
                        const char *rule, int *indexp);

/* Member 'key' that must be an array: stores it in '*arrayp' (NULL if
 * absent) and its length in '*np' (0 if absent; may be NULL). */
int json_input_get_array(const struct json_input_ctx *,
                         struct json_object *object, const char *path,
                         const char *key, int flags, const char *rule,
                         struct json_object **arrayp, size_t *np);

/* Member 'key' that must be an object with keys in 'keys' (NULL: any):
 * stores it in '*objectp' (NULL if absent). */
int json_input_get_object(const struct json_input_ctx *,
                          struct json_object *object, const char *path,
                          const char *key, int flags,
                          const struct json_input_keys *keys,
                          const char *rule, struct json_object **objectp);

#endif /* json-input.h */
