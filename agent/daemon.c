/* The daemon: see daemon.h. */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "debounce.h"
#include "drivers.h"
#include "error.h"
#include "inventory.h"
#include "link-cache.h"
#include "link-monitor.h"
#include "log.h"
#include "outcome.h"
#include "policy.h"
#include "run.h"
#include "service-notify.h"

/* A burst of events ends after this quiet time, and a pass waits at most
 * this long after the burst's first event.  The quiet time is short when
 * the daemon was idle: a new tap's latency is this plus a pass.  Events
 * that came while a pass ran are a script's burst under way: they wait
 * for the longer busy quiet time, so that 100 taps cost a few passes
 * (bench/daemon-rows.sh and tests/lab/test-daemon.sh measured 20 ms,
 * 2 ms and this; README "Performance"). */
#define DAEMON_QUIET_MS 2
#define DAEMON_BUSY_QUIET_MS 20
#define DAEMON_MAX_DELAY_MS 1000

/* How long a repeated warning, error or outcome of a pass stays out of the
 * log (a SIGHUP's messages are always logged). */
#define DAEMON_LOG_WINDOW_MS (10 * 60 * 1000)

struct daemon {
    const struct run_context *ctx;  /* Of each pass: OVSDB never required. */
    struct backend *backend;
    struct policy **policyp;        /* In force; owned by the caller. */
    struct driver_table **driversp; /* Likewise. */
    int signal_fd;                  /* SIGINT, SIGTERM, SIGHUP. */
    int link_fd;                    /* link-monitor.h. */
    struct debounce debounce;
    struct link_cache *link_cache;  /* Facts of the links between passes. */
    size_t n_links_read;            /* Links a pass read, not cached. */
    struct run_result last;         /* Of the last pass: its 'own' links
                                     * until the notifications that came
                                     * during it are read. */
    unsigned long n_passes;
    bool ovs_connected;             /* The OVSDB monitor's connection. */
    long long watchdog_ms;          /* WATCHDOG=1 interval, 0: none. */
    long long next_watchdog_ms;     /* When WATCHDOG=1 is due. */
};

/* Returns the monotonic time in milliseconds. */
static long long
daemon_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Returns what the run of 'result' did, in a few words. */
static const char *
daemon_describe(const struct run_result *result)
{
    switch (result->status) {
    case EXIT_IN_SYNC:
        return result->n_steps ? "applied" : "in sync";
    case EXIT_REFUSED:
        return "refused, nothing changed";
    case EXIT_ROLLED_BACK:
        return "failed and rolled back";
    case EXIT_VERIFY_FAILED:
        return "path verification failed";
    default:
        return "failed";
    }
}

/* inventory.h's hook: the ethtool and sysfs facts of the links of 'host'
 * from the cache of the daemon 'd_'. */
static void
daemon_read_link_facts(struct host *host, void *d_)
{
    struct daemon *d = d_;

    d->n_links_read += link_cache_read_host(d->link_cache, host);
}

/* Runs one pass: a one-shot apply of the policy in force.  The OVSDB
 * connection of the pass stays open for the next one (backend.h's
 * read_host brings it up to date, or reconnects if it was lost), so that
 * a pass neither reconnects nor copies the whole database; the facts of
 * the links that did not change come from the link cache.  No
 * malloc_trim() after a pass: at N = 2000 it lowered the idle RSS from
 * 36.6 to 27.1 MiB but not the peak, and made the next pass fault the
 * pages back in, 175 ms of CPU a pass instead of 107
 * (bench/daemon-rows.sh). */
static void
daemon_pass(struct daemon *d)
{
    long long start = daemon_now_ms();
    struct run_result result;
    char status[256];

    d->n_links_read = 0;
    run_result_clear(&d->last);
    log_set_ratelimit(true, DAEMON_LOG_WINDOW_MS);
    run_apply_once(d->ctx, d->backend, *d->policyp, *d->driversp, &result);
    d->last = result;
    log_set_ratelimit(false, DAEMON_LOG_WINDOW_MS);
    d->n_passes++;
    snprintf(status, sizeof status, "pass %lu: %s; %zu step%s, %zu "
             "refused, in %lld ms; OVSDB %s; %zu link%s read", d->n_passes,
             daemon_describe(&result), result.n_steps,
             result.n_steps == 1 ? "" : "s", result.n_refused,
             daemon_now_ms() - start,
             d->ovs_connected ? "connected" : "not connected",
             d->n_links_read, d->n_links_read == 1 ? "" : "s");
    log_info("%s", status);
    service_notify("STATUS=%s", status);
}

/* SIGHUP: re-reads the policy and the driver table, with the checks of a
 * one-shot run.  A policy that does not load leaves the one in force.
 * Returns true if the new one is in force. */
static bool
daemon_reload(struct daemon *d)
{
    struct driver_table *drivers = NULL;
    struct policy *policy = NULL;
    struct timespec ts;
    int status;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    service_notify("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading %s",
                   (unsigned long long) ts.tv_sec * 1000000ULL
                   + (unsigned long long) ts.tv_nsec / 1000,
                   d->ctx->policy_file);
    status = run_load_inputs(d->ctx, &policy, &drivers);
    if (!status && !policy) {
        driver_table_destroy(drivers);
        status = run_fail("%s does not exist", d->ctx->policy_file);
    }
    if (status) {
        log_warn("SIGHUP: the policy %s was not reloaded (see the message "
                 "above); the previous policy stays in force",
                 d->ctx->policy_file);
        service_notify("READY=1\nSTATUS=reload failed; the previous "
                       "policy stays in force");
        return false;
    }
    policy_destroy(*d->policyp);
    driver_table_destroy(*d->driversp);
    *d->policyp = policy;
    *d->driversp = drivers;
    log_change("SIGHUP: reloaded the policy %s", d->ctx->policy_file);
    service_notify("READY=1");
    return true;
}

/* Reads the signals queued on the signalfd.  Returns true if the daemon
 * is to stop; a SIGHUP reloads and asks for a pass. */
static bool
daemon_read_signals(struct daemon *d)
{
    struct signalfd_siginfo info;
    bool stop = false;

    while (read(d->signal_fd, &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGHUP) {
            if (daemon_reload(d)) {
                debounce_event(&d->debounce, daemon_now_ms());
            }
        } else {
            log_info("signal %u: stopping", info.ssi_signo);
            stop = true;
        }
    }
    return stop;
}

/* Returns the poll timeout at 'now': until a pass or a watchdog ping is
 * due, or -1 (no bound) when neither is. */
static int
daemon_timeout(const struct daemon *d, long long now)
{
    int timeout = debounce_timeout(&d->debounce, now);

    if (d->watchdog_ms) {
        long long left = d->next_watchdog_ms - now;
        int wd = left > 0 ? (int) left : 0;

        timeout = timeout < 0 || wd < timeout ? wd : timeout;
    }
    return timeout;
}

/* Records an event now in the debounce of 'd'; 'busy' says that it came
 * while a pass ran. */
static void
daemon_event(struct daemon *d, bool busy)
{
    if (busy) {
        debounce_event_busy(&d->debounce, daemon_now_ms());
    } else {
        debounce_event(&d->debounce, daemon_now_ms());
    }
}

/* Handles what woke the loop up, or, with 'busy', what came while a pass
 * ran (never blocks).  The kernel's notifications of the links that the
 * pass just set, showing them as it left them, are its own change: no
 * reason for another pass (the apply verified them).  Returns true if the
 * daemon is to stop. */
static bool
daemon_handle_events(struct daemon *d, bool busy)
{
    struct error err;
    bool connected;
    int n;

    if (daemon_read_signals(d)) {
        return true;
    }
    error_clear(&err);
    n = link_monitor_drain(d->link_fd, d->link_cache,
                           busy ? d->last.own : NULL,
                           busy ? d->last.n_own : 0, &err);
    run_result_clear(&d->last);
    if (n < 0) {
        log_warn("%s", err.msg);
    } else if (n > 0) {
        daemon_event(d, busy);
    }
    if (backend_monitor_run(d->backend, &connected)) {
        daemon_event(d, busy);
    }
    if (connected != d->ovs_connected) {
        d->ovs_connected = connected;
        log_info("OVSDB at %s: %s", d->ctx->db,
                 connected ? "connected" : "connection lost; reconnecting");
        debounce_event(&d->debounce, daemon_now_ms());
    }
    return false;
}

/* Opens what the loop waits on.  Returns 0 or EXIT_ERROR after saying
 * why. */
static int
daemon_open(struct daemon *d)
{
    uint64_t watchdog_usec = 0;
    struct error err;
    sigset_t mask;

    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    d->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (d->signal_fd < 0) {
        return run_fail("--daemon: cannot open a signalfd: %s; nothing was "
                        "changed", strerror(errno));
    }
    error_clear(&err);
    if (link_monitor_open(&d->link_fd, &err)) {
        return run_fail("--daemon: %s; nothing was changed", err.msg);
    }
    backend_monitor_start(d->backend, d->ctx->db);
    watchdog_usec = service_watchdog_usec();
    if (watchdog_usec) {
        d->watchdog_ms = watchdog_usec / 2000 ? watchdog_usec / 2000 : 1;
        d->next_watchdog_ms = daemon_now_ms() + d->watchdog_ms;
    }
    return 0;
}

int
daemon_run(const struct run_context *ctx, struct backend *b,
           struct policy **policyp, struct driver_table **driversp)
{
    struct run_context pass_ctx = *ctx;
    struct daemon d = {
        .ctx = &pass_ctx,
        .backend = b,
        .policyp = policyp,
        .driversp = driversp,
        .signal_fd = -1,
        .link_fd = -1,
    };
    int status;

    /* OVSDB may be away (not started yet, restarting, or not on this host
     * at all): a pass then does what needs no OVSDB, and the monitor
     * brings a pass when it comes back, even with --db. */
    pass_ctx.db_given = false;
    pass_ctx.report_own = true;
    d.link_cache = link_cache_create();
    inventory_set_link_facts(daemon_read_link_facts, &d);
    debounce_init(&d.debounce, DAEMON_QUIET_MS, DAEMON_MAX_DELAY_MS);
    debounce_set_busy_quiet(&d.debounce, DAEMON_BUSY_QUIET_MS);
    status = daemon_open(&d);
    if (!status) {
        daemon_pass(&d);
        service_notify("READY=1");
        for (;;) {
            int fds[2] = { d.signal_fd, d.link_fd };
            long long now;

            backend_monitor_wait(b, fds, 2,
                                 daemon_timeout(&d, daemon_now_ms()));
            if (daemon_handle_events(&d, false)) {
                break;
            }
            now = daemon_now_ms();
            if (d.watchdog_ms && now >= d.next_watchdog_ms) {
                service_notify("WATCHDOG=1");
                d.next_watchdog_ms = now + d.watchdog_ms;
            }
            if (debounce_due(&d.debounce, now)) {
                debounce_clear(&d.debounce);
                daemon_pass(&d);
                if (daemon_handle_events(&d, true)) {
                    break;
                }
            }
        }
        service_notify("STOPPING=1");
        log_info("stopped after %lu pass%s", d.n_passes,
                 d.n_passes == 1 ? "" : "es");
    }
    inventory_set_link_facts(NULL, NULL);
    link_cache_destroy(d.link_cache);
    run_result_clear(&d.last);
    link_monitor_close(d.link_fd);
    if (d.signal_fd >= 0) {
        close(d.signal_fd);
    }
    return status;
}
