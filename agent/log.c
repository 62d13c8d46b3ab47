/* Logging of changes: see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

static bool syslog_open;

void
log_open(const char *ident, bool use_syslog)
{
    if (use_syslog && !syslog_open) {
        openlog(ident, LOG_PID, LOG_DAEMON);
        syslog_open = true;
    }
}

static void
log_va(int priority, const char *prefix, const char *fmt, va_list args)
{
    va_list copy;

    va_copy(copy, args);
    fprintf(stderr, "jumboagent: %s", prefix);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    if (syslog_open && priority != LOG_INFO) {
        vsyslog(priority, fmt, copy);
    }
    va_end(copy);
}

void
log_change(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_va(LOG_NOTICE, "", fmt, args);
    va_end(args);
}

void
log_warn(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_va(LOG_WARNING, "warning: ", fmt, args);
    va_end(args);
}

void
log_info(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_va(LOG_INFO, "", fmt, args);
    va_end(args);
}
