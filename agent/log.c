/* Logging of changes: see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "escape.h"

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
    char msg[2048];
    char *escaped;

    vsnprintf(msg, sizeof msg, fmt, args);
    escaped = escape_text(msg, true);
    fprintf(stderr, "jumboagent: %s%s\n", prefix, escaped);
    if (syslog_open && priority != LOG_INFO) {
        syslog(priority, "%s", escaped);
    }
    free(escaped);
}

void
log_outcome(enum outcome outcome, const char *fmt, ...)
{
    bool failed = outcome == OUTCOME_FAILED
                  || outcome == OUTCOME_ROLLED_BACK
                  || outcome == OUTCOME_VERIFY_FAILED;
    char msg[2048];
    char *escaped;
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    escaped = escape_text(msg, true);
    fprintf(stderr, "jumboagent: %s\n", escaped);
    log_open("jumboagent", true);
    syslog(failed ? LOG_ERR : LOG_NOTICE, "outcome %s: %s",
           outcome_to_string(outcome), escaped);
    free(escaped);
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
