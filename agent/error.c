/* Error reporting: see error.h. */
#include "error.h"

#include <stdio.h>
#include <string.h>

void
error_clear(struct error *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}

int
error_setv(struct error *err, int code, const char *fmt, va_list args)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, args);
    }
    return code;
}

int
error_set(struct error *err, int code, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    error_setv(err, code, fmt, args);
    va_end(args);
    return code;
}

int
error_prefix(struct error *err, int code, const char *fmt, ...)
{
    char prefix[512];
    char joined[sizeof prefix + sizeof err->msg + 2];
    va_list args;

    if (!err) {
        return code;
    }
    va_start(args, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, args);
    va_end(args);
    snprintf(joined, sizeof joined, "%s: %s", prefix, err->msg);
    memcpy(err->msg, joined, sizeof err->msg - 1);
    err->msg[sizeof err->msg - 1] = '\0';
    err->code = code;
    return code;
}
