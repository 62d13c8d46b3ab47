/* Allocation and string helpers: see util.h. */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
out_of_memory(void)
{
    fputs("jumboagent: out of memory\n", stderr);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xzalloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

char *
xstrdup(const char *s)
{
    return s ? strcpy(xmalloc(strlen(s) + 1), s) : NULL;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list args;
    char *s;
    int n;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    s = xmalloc(n + 1);
    va_start(args, fmt);
    vsnprintf(s, n + 1, fmt, args);
    va_end(args);
    return s;
}

void
grow_array(void **array, size_t *allocated, size_t n, size_t elem_size)
{
    size_t new_allocated;

    if (n <= *allocated) {
        return;
    }
    new_allocated = *allocated ? *allocated * 2 : 8;
    while (new_allocated < n) {
        new_allocated *= 2;
    }
    *array = xrealloc(*array, new_allocated * elem_size);
    memset((char *) *array + *allocated * elem_size, 0,
           (new_allocated - *allocated) * elem_size);
    *allocated = new_allocated;
}

void
copy_string(char *dst, const char *src, size_t size)
{
    if (size) {
        snprintf(dst, size, "%s", src ? src : "");
    }
}
