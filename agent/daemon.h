/* "jumboagent --daemon": apply the policy, then stay, and reconcile what
 * changes.  One poll() -- through OVS's poll loop, inside
 * backend_monitor_wait() -- over a signalfd (SIGTERM and SIGINT stop,
 * SIGHUP re-reads the policy), the kernel's link notifications
 * (link-monitor.h) and the OVSDB monitor (backend.h), with no timer while
 * idle.  A burst of events becomes one pass (debounce.h); a pass is a
 * one-shot apply run (run.h): the same planner, refusals, journal and
 * rollback, with the run lock held only during the pass.  Talks to systemd
 * (Type=notify) when NOTIFY_SOCKET is set: READY, STATUS, RELOADING,
 * STOPPING and, with WATCHDOG_USEC, WATCHDOG. */
#ifndef JUMBOAGENT_DAEMON_H
#define JUMBOAGENT_DAEMON_H 1

struct backend;
struct driver_table;
struct policy;
struct run_context;

/* Runs the daemon with 'ctx' over 'b' until SIGTERM or SIGINT, starting
 * with the policy '*policyp' (not NULL) and the driver table '*driversp';
 * a SIGHUP that loads a valid policy replaces both (the old ones are
 * freed), one that does not keeps them.  The caller frees what is in
 * '*policyp' and '*driversp' at the end, and must have blocked SIGINT,
 * SIGTERM and SIGHUP.  Returns the exit code: EXIT_IN_SYNC after a stop
 * request, EXIT_ERROR if the daemon could not start. */
int daemon_run(const struct run_context *ctx, struct backend *b,
               struct policy **policyp, struct driver_table **driversp);

#endif /* daemon.h */
