/* Escapes for names that are bytes: see escape.h. */
#include "escape.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Returns the length of the valid UTF-8 sequence at 'p' (1 to 4), or 0 if
 * the byte at 'p' does not start one.  Overlong forms, surrogates and code
 * points above U+10FFFF are not valid. */
static size_t
utf8_length(const unsigned char *p)
{
    unsigned int c = p[0];
    size_t n;
    uint32_t cp;

    if (c < 0x80) {
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
        || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
        return 0;
    }
    return n;
}

/* True if the valid UTF-8 sequence of 'n' bytes at 'p' is a control
 * character: C0, DEL or C1 (U+0080..U+009F). */
static bool
is_control(const unsigned char *p, size_t n)
{
    return (n == 1 && (p[0] < 0x20 || p[0] == 0x7f))
           || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
}

/* What escape_write() escapes. */
enum {
    ESC_BACKSLASH = 1 << 0,     /* '\' as "\\". */
    ESC_CONTROL = 1 << 1,       /* Control characters as \xNN. */
    ESC_KEEP_LINES = 1 << 2,    /* But not '\n' and '\t'. */
};

/* Appends 's', escaped as 'flags' say, to 'out' (which grows; '*size' is
 * its allocated size and '*len' its length). */
static void
escape_append(const char *s, int flags, char **out, size_t *len,
              size_t *size)
{
    const unsigned char *p = (const unsigned char *) s;

    while (*p) {
        size_t n = utf8_length(p);
        char buf[16];
        const char *piece = (const char *) p;
        size_t piece_len = n;

        if (!n) {
            snprintf(buf, sizeof buf, "\\x%02x", *p);
            piece = buf;
            piece_len = 4;
            n = 1;
        } else if (*p == '\\' && flags & ESC_BACKSLASH) {
            piece = "\\\\";
            piece_len = 2;
        } else if (flags & ESC_CONTROL && is_control(p, n)
                   && !(flags & ESC_KEEP_LINES
                        && (*p == '\n' || *p == '\t'))) {
            buf[0] = '\0';
            for (size_t i = 0; i < n; i++) {
                snprintf(buf + 4 * i, sizeof buf - 4 * i, "\\x%02x", p[i]);
            }
            piece = buf;
            piece_len = 4 * n;
        }
        if (*len + piece_len + 1 > *size) {
            *size = (*len + piece_len + 1) * 2;
            *out = xrealloc(*out, *size);
        }
        memcpy(*out + *len, piece, piece_len);
        *len += piece_len;
        (*out)[*len] = '\0';
        p += n;
    }
}

static char *
escape_with(const char *s, int flags)
{
    size_t size = strlen(s) + 1, len = 0;
    char *out = xmalloc(size);

    out[0] = '\0';
    escape_append(s, flags, &out, &len, &size);
    return out;
}

bool
escape_is_plain(const char *s)
{
    const unsigned char *p = (const unsigned char *) s;

    while (*p) {
        size_t n = utf8_length(p);

        if (!n || *p == '\\') {
            return false;
        }
        p += n;
    }
    return true;
}

char *
escape_json_encode(const char *s)
{
    return escape_with(s, ESC_BACKSLASH);
}

static int
hex_value(int c)
{
    return (c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
            : -1);
}

int
escape_json_decode(const char *s, char *dst, size_t size)
{
    char *buf = xmalloc(strlen(s) + 1);
    size_t n = 0;

    for (const char *p = s; *p; p++) {
        if (*p != '\\') {
            buf[n++] = *p;
        } else if (p[1] == '\\') {
            buf[n++] = '\\';
            p++;
        } else if (p[1] == 'x' && hex_value(p[2]) >= 0
                   && hex_value(p[3]) >= 0
                   && hex_value(p[2]) * 16 + hex_value(p[3])) {
            buf[n++] = hex_value(p[2]) * 16 + hex_value(p[3]);
            p += 3;
        } else {
            free(buf);
            return -EINVAL;
        }
    }
    if (n >= size) {
        free(buf);
        return -ENAMETOOLONG;
    }
    memcpy(dst, buf, n);
    dst[n] = '\0';
    free(buf);
    return 0;
}

void
escape_put_label(const char *s, FILE *stream)
{
    char *e = escape_with(s, ESC_BACKSLASH | ESC_CONTROL);

    for (const char *p = e; *p; p++) {
        if (*p == '\\' || *p == '"') {
            fputc('\\', stream);
        }
        fputc(*p, stream);
    }
    free(e);
}

void
escape_put_text(const char *s, bool one_line, FILE *stream)
{
    char *e = escape_with(s, ESC_CONTROL | (one_line ? 0 : ESC_KEEP_LINES));

    fputs(e, stream);
    free(e);
}

char *
escape_text(const char *s, bool one_line)
{
    return escape_with(s, ESC_CONTROL | (one_line ? 0 : ESC_KEEP_LINES));
}
