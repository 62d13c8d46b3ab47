/* Small helpers shared by every module: checked allocation and bounded
 * string copies. */
#ifndef JUMBOAGENT_UTIL_H
#define JUMBOAGENT_UTIL_H 1

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof (a) / sizeof *(a))

/* Like malloc/calloc/realloc/strdup, but abort with a message instead of
 * returning NULL.  xstrdup(NULL) returns NULL. */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* Returns a malloc()'d printf-style string.  The caller must free it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows '*array' (of '*allocated' elements of 'elem_size' bytes) so that it
 * holds at least 'n' elements; new elements are zeroed. */
void grow_array(void **array, size_t *allocated, size_t n, size_t elem_size);

/* Copies 'src' into 'dst' of 'size' bytes, always NUL-terminating and
 * truncating if needed. */
void copy_string(char *dst, const char *src, size_t size);

#endif /* util.h */
