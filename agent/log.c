/* Logging of changes: see log.h. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "ratelimit.h"

static bool syslog_open;

/* Whether anything listens on /dev/log.  glibc's syslog() tries to connect
 * on every call while nothing listens (0.5 s of a 2000-port apply), so it
 * is probed once and, when down, not called; a down probe is retried after
 * SYSLOG_REPROBE_S, for the daemon, whose syslog may come up later. */
enum syslog_state {
    SYSLOG_UNPROBED,
    SYSLOG_UP,
    SYSLOG_DOWN
};
#define SYSLOG_REPROBE_S 10
static enum syslog_state syslog_state;
static time_t syslog_probed;    /* CLOCK_MONOTONIC seconds of the probe. */
static bool syslog_down_said;   /* The warning was printed. */
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

/* Returns 0 if a datagram or stream socket connects to the syslog socket
 * _PATH_LOG, otherwise a positive errno value. */
static int
syslog_probe(void)
{
    static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int error = ENOENT;

    strncpy(sun.sun_path, _PATH_LOG, sizeof sun.sun_path - 1);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

        if (fd < 0) {
            return errno;
        }
        error = connect(fd, (struct sockaddr *) &sun, sizeof sun) ? errno : 0;
        close(fd);
        if (error != EPROTOTYPE) {
            break;
        }
    }
    return error;
}

/* True if syslog() is worth calling: something listened on /dev/log at the
 * last probe (see 'syslog_state').  The first time it is found down, says
 * so once on stderr. */
static bool
syslog_available(void)
{
    struct timespec ts;
    int error;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (syslog_state == SYSLOG_UP
        || (syslog_state == SYSLOG_DOWN
            && ts.tv_sec - syslog_probed < SYSLOG_REPROBE_S)) {
        return syslog_state == SYSLOG_UP;
    }
    error = syslog_probe();
    syslog_probed = ts.tv_sec;
    syslog_state = error ? SYSLOG_DOWN : SYSLOG_UP;
    if (error && !syslog_down_said) {
        fprintf(stderr, "jumboagent: warning: syslog is not available "
                "(connecting to %s: %s): changes and outcomes go to stderr "
                "only; start a syslog daemon to keep them in the host's "
                "log\n", _PATH_LOG, strerror(error));
        syslog_down_said = true;
    }
    return !error;
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
    if (syslog_open && priority != LOG_INFO && syslog_available()) {
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
    if (syslog_available()) {
        syslog(failed ? LOG_ERR : LOG_NOTICE, "outcome %s: %s",
               outcome_to_string(outcome), escaped);
    }
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
