/* Logging of changes: see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#include "escape.h"
#include "ratelimit.h"

static bool syslog_open;
static bool ratelimit_on;
static struct ratelimit ratelimit;

void
log_set_ratelimit(bool on, long long window_ms)
{
    ratelimit_on = on;
    if (ratelimit.window_ms != window_ms) {
        ratelimit_init(&ratelimit, window_ms);
    }
}

/* True if 'msg' is to be logged now (see log_set_ratelimit()). */
static bool
log_allowed(const char *msg)
{
    struct timespec ts;

    if (!ratelimit_on) {
        return true;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ratelimit_allow(&ratelimit, msg,
                           ts.tv_sec * 1000LL + ts.tv_nsec / 1000000);
}

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
    if (priority == LOG_WARNING && !log_allowed(msg)) {
        return;
    }
    escaped = escape_text(msg, true);
    fprintf(stderr, "jumboagent: %s%s\n", prefix, escaped);
    if (syslog_open && priority != LOG_INFO) {
        syslog(priority, "%s", escaped);
    }
    free(escaped);
}

bool
log_is_repeat(const char *msg)
{
    return !log_allowed(msg);
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
    /* What changed the host is always logged; what repeats is not. */
    if (outcome != OUTCOME_APPLIED && outcome != OUTCOME_ROLLED_BACK
        && !log_allowed(msg)) {
        return;
    }
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
