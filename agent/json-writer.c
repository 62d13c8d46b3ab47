/* A JSON writer that prints as it goes: see json-writer.h. */
#include "json-writer.h"

#include <stdlib.h>

#include "escape.h"

void
json_writer_init(struct json_writer *jw, FILE *stream)
{
    jw->stream = stream;
    jw->depth = 0;
}

static void
jw_indent(const struct json_writer *jw, int depth)
{
    for (int i = 0; i < depth; i++) {
        fputs("  ", jw->stream);
    }
}

/* Starts a member of the open container of 'jw': its separator, its
 * indent and, in an object, '"key": ' ('key' NULL in an array). */
static void
jw_member(struct json_writer *jw, const char *key)
{
    bool *has = &jw->has_members[jw->depth - 1];

    fputs(*has ? ",\n" : "", jw->stream);
    *has = true;
    jw_indent(jw, jw->depth);
    if (key) {
        fprintf(jw->stream, "\"%s\": ", key);
    }
}

void
json_writer_open(struct json_writer *jw, const char *key, char c)
{
    if (jw->depth) {
        jw_member(jw, key);
    }
    fprintf(jw->stream, "%c\n", c);
    jw->has_members[jw->depth++] = false;
}

void
json_writer_close(struct json_writer *jw, char c)
{
    if (jw->has_members[--jw->depth]) {
        fputc('\n', jw->stream);
    }
    jw_indent(jw, jw->depth);
    fputc(c, jw->stream);
}

void
json_writer_int(struct json_writer *jw, const char *key, long long value)
{
    jw_member(jw, key);
    fprintf(jw->stream, "%lld", value);
}

void
json_writer_null(struct json_writer *jw, const char *key)
{
    jw_member(jw, key);
    fputs("null", jw->stream);
}

void
json_writer_bool(struct json_writer *jw, const char *key, bool value)
{
    jw_member(jw, key);
    fputs(value ? "true" : "false", jw->stream);
}

/* Writes 's' as a JSON string, escaped as json-c does it: '"', '\\' and the
 * control characters, '/' left alone. */
static void
jw_put_string(struct json_writer *jw, const char *s)
{
    FILE *stream = jw->stream;

    putc('"', stream);
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        switch (*p) {
        case '\b': fputs("\\b", stream); break;
        case '\n': fputs("\\n", stream); break;
        case '\r': fputs("\\r", stream); break;
        case '\t': fputs("\\t", stream); break;
        case '\f': fputs("\\f", stream); break;
        case '"': fputs("\\\"", stream); break;
        case '\\': fputs("\\\\", stream); break;
        default:
            if (*p < ' ') {
                fprintf(stream, "\\u%04x", *p);
            } else {
                putc(*p, stream);
            }
        }
    }
    putc('"', stream);
}

void
json_writer_string(struct json_writer *jw, const char *key,
                   const char *value)
{
    jw_member(jw, key);
    jw_put_string(jw, value);
}

void
json_writer_name(struct json_writer *jw, const char *key, const char *s)
{
    if (escape_is_plain(s)) {
        json_writer_string(jw, key, s);
    } else {
        char *escaped = escape_json_encode(s);

        json_writer_string(jw, key, escaped);
        free(escaped);
    }
}

void
json_writer_name_or_null(struct json_writer *jw, const char *key,
                         const char *s)
{
    if (s && s[0]) {
        json_writer_name(jw, key, s);
    } else {
        json_writer_null(jw, key);
    }
}

