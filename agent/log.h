/* Logging of changes: every change jumboagent makes to a host, and the
 * outcome of every run, is written to stderr and to syslog (facility
 * daemon), so that both the operator at the terminal and the host's log
 * keep the record.  Messages are escaped (escape.h): a name in them never
 * sends raw control characters to a terminal or to the log.  When nothing
 * listens on /dev/log (checked once, and again at most every 10 s while it
 * stays so), syslog is not called and one warning on stderr says so.  Only
 * main.c and apply.c log. */
#ifndef JUMBOAGENT_LOG_H
#define JUMBOAGENT_LOG_H 1

#include <stdbool.h>

#include "outcome.h"

/* Opens syslog under 'ident' unless 'use_syslog' is false. */
void log_open(const char *ident, bool use_syslog);

/* Logs a change or a step of recovery at LOG_NOTICE. */
void log_change(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Logs a warning at LOG_WARNING. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Logs the outcome line of a run: 'outcome' and the printf-style detail,
 * to stderr (as "jumboagent: DETAIL") and to syslog, at LOG_NOTICE, or
 * LOG_ERR for "rolled-back" and "failed" (as "outcome OUTCOME: DETAIL"),
 * opening syslog if log_open() has not, so that a run from a timer leaves
 * a trace however it ends. */
void log_outcome(enum outcome outcome, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* With 'on', a warning or an outcome whose text is the same as one logged
 * in the last 'window_ms' is not logged again (ratelimit.h): the daemon
 * reconciles on every event and says the same thing each time, so it turns
 * this on for its passes only.  Changes (log_change()) and the outcomes
 * "applied" and "rolled-back" are always logged.  What was logged is
 * remembered across calls with the same 'window_ms'. */
void log_set_ratelimit(bool on, long long window_ms);

/* Returns true if the error message 'msg', printed outside this module
 * (run_fail()), is a repeat to hold back under log_set_ratelimit(); false
 * (print it) when the rate limit is off. */
bool log_is_repeat(const char *msg);

/* Logs informational progress to stderr only (not to syslog). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* log.h */
