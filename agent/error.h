/* Error reporting shared by every module of jumboagent.
 *
 * Functions that can fail return 0 on success or a negative errno value, and
 * describe the failure for a person in a 'struct error' passed as their last
 * argument.  A message says what failed, on which object, and what to do.
 * 'err' may be NULL when the caller does not want the text. */
#ifndef JUMBOAGENT_ERROR_H
#define JUMBOAGENT_ERROR_H 1

#include <stdarg.h>

struct error {
    int code;                   /* Negative errno value, 0 if none. */
    char msg[1024];             /* Human-readable message, "" if none. */
};

/* Clears 'err' (which may be NULL). */
void error_clear(struct error *err);

/* Records 'code' (a negative errno value) and the printf-style message in
 * 'err', replacing what it held, and returns 'code' so that callers can write
 * "return error_set(err, -EINVAL, ...);".  'err' may be NULL. */
int error_set(struct error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like error_set(), with a va_list. */
int error_setv(struct error *err, int code, const char *fmt, va_list args)
    __attribute__((format(printf, 3, 0)));

/* Prefixes the message in 'err' with the printf-style text and ": ".
 * 'code' is the negative errno value of the failure being described (the
 * caller's own, so that it survives when 'err' is NULL); it is stored in
 * 'err' and returned, so that callers can write
 * "return error_prefix(err, error, ...);".  'err' may be NULL. */
int error_prefix(struct error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* error.h */
