/* Logging of changes: every change jumboagent makes to a host is written to
 * stderr and to syslog (facility daemon), so that both the operator at the
 * terminal and the host's log keep the record.  Only main.c and apply.c
 * log. */
#ifndef JUMBOAGENT_LOG_H
#define JUMBOAGENT_LOG_H 1

#include <stdbool.h>

/* Opens syslog under 'ident' unless 'use_syslog' is false. */
void log_open(const char *ident, bool use_syslog);

/* Logs a change or a step of recovery at LOG_NOTICE. */
void log_change(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Logs a warning at LOG_WARNING. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Logs informational progress to stderr only (not to syslog). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* log.h */
