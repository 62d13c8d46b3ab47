/* Names are bytes, not text.
 *
 * The kernel takes any bytes but '/', ':', NUL and white space in a link
 * name, and OVSDB any UTF-8 in an external_id.  A name may therefore hold
 * bytes that are not UTF-8, or control characters that a terminal would
 * obey.  This module is the one place that turns such bytes into visible,
 * reversible escapes for each output:
 *
 *   - JSON (show, audit): the "\xNN" escape, see docs/show-json.md.  Every
 *     byte that is not part of valid UTF-8 becomes the four characters
 *     \xNN (two lowercase hex digits) and a backslash becomes \\, so the
 *     output is always valid UTF-8 and escape_json_decode() gives back the
 *     exact bytes.  Control characters stay as they are: JSON writes them as
 *     \u00NN itself.
 *   - Prometheus labels: the same escape, with control characters as \xNN
 *     too, then the exposition format's own escapes (\\, \", \n).
 *   - Text for people: control characters, C1 controls and bytes that are
 *     not UTF-8 become \xNN; everything else (a backslash too) is left as is.
 *     Applied to whole lines, so that names inside messages are covered. */
#ifndef JUMBOAGENT_ESCAPE_H
#define JUMBOAGENT_ESCAPE_H 1

#include <stdbool.h>
#include <stdio.h>

/* Returns true if 's' needs no escape for JSON (valid UTF-8, no backslash). */
bool escape_is_plain(const char *s);

/* Returns 's' in the "\xNN" escape for JSON, as a malloc()'d string that the
 * caller must free. */
char *escape_json_encode(const char *s);

/* Decodes the "\xNN" escape of 's' into 'dst' of 'size' bytes.  Returns 0,
 * -EINVAL if 's' holds a backslash that starts neither "\\" nor "\xNN"
 * (two hex digits) or decodes to a NUL byte, or -ENAMETOOLONG if the bytes
 * do not fit in 'dst' (then 'dst' is left unchanged). */
int escape_json_decode(const char *s, char *dst, size_t size);

/* Writes 's' to 'stream' as the inside of a Prometheus label value. */
void escape_put_label(const char *s, FILE *stream);

/* Writes 's' to 'stream' with the text escape.  Newlines and tabs are kept
 * unless 'one_line'. */
void escape_put_text(const char *s, bool one_line, FILE *stream);

/* Returns 's' with the text escape (newlines and tabs kept unless
 * 'one_line'), as a malloc()'d string that the caller must free. */
char *escape_text(const char *s, bool one_line);

#endif /* escape.h */
