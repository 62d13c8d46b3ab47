/* A JSON writer that prints a document as it goes, for documents too
 * large to build as a json-c tree first: at N=2000 taps the tree of a
 * report's 4000 findings and 4000 steps and its printed copy were 10 MB of
 * an audit's peak memory, and a journal's 4 MB of an apply's.  The layout
 * is json-c's JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
 * JSON_C_TO_STRING_NOSLASHESCAPE, byte for byte (tests/unit/test-report.c
 * compares the two): two spaces of indent per level, "key": value, each
 * member on its own line, and an empty array as "[", a new line, "]".
 *
 * Keys are names of ours, written as they are; string values are escaped
 * as json-c does it; json_writer_name() also puts names from the host (an
 * interface name may hold any byte) in the "\\xNN" escape of escape.h. */
#ifndef JUMBOAGENT_JSON_WRITER_H
#define JUMBOAGENT_JSON_WRITER_H 1

#include <stdbool.h>
#include <stdio.h>

struct json_writer {
    FILE *stream;
    int depth;                  /* Containers open. */
    bool has_members[8];        /* Per open container: a member written
                                 * (so at most 8 levels). */
};

/* Starts a document on 'stream'. */
void json_writer_init(struct json_writer *, FILE *stream);

/* Opens an object ('c' is '{') or array ('[') as the member 'key' (NULL in
 * an array, or for the document itself). */
void json_writer_open(struct json_writer *, const char *key, char c);

/* Closes the innermost container with 'c' ('}' or ']'). */
void json_writer_close(struct json_writer *, char c);

/* Members ('key' NULL in an array). */
void json_writer_int(struct json_writer *, const char *key, long long value);
void json_writer_null(struct json_writer *, const char *key);
void json_writer_bool(struct json_writer *, const char *key, bool value);

/* The string 'value', escaped as json-c does it. */
void json_writer_string(struct json_writer *, const char *key,
                        const char *value);

/* The name (or message) 's' in the "\\xNN" escape (escape.h), so that the
 * document stays valid UTF-8. */
void json_writer_name(struct json_writer *, const char *key, const char *s);

/* json_writer_name(), or null if 's' is NULL or "". */
void json_writer_name_or_null(struct json_writer *, const char *key,
                              const char *s);

#endif /* json-writer.h */
