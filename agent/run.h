/* One apply run: the path that a one-shot "jumboagent apply" and each pass
 * of "jumboagent --daemon" share, so that both keep the same order rules,
 * refusals, journal and messages.  main.c parses the command line into a
 * 'struct run_context'; daemon.c builds on the same one.
 *
 * Every message goes to stderr as "jumboagent: MESSAGE" (escaped, see
 * escape.h) and every outcome through log_outcome() (log.h). */
#ifndef JUMBOAGENT_RUN_H
#define JUMBOAGENT_RUN_H 1

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

struct backend;
struct driver_table;
struct host;
struct link_monitor_own;
struct verify_run;

/* What a run works on, from the command line. */
struct run_context {
    const char *db;             /* OVSDB remote. */
    bool db_given;              /* --db was given: OVSDB is required. */
    const char *policy_file;    /* Policy file. */
    bool policy_given;          /* --policy was given: it must exist. */
    bool no_policy;             /* --no-policy: audit without a policy. */
    const char *drivers_file;   /* Driver table file, NULL for default. */
    const char *state_dir;      /* Journal directory. */
    const char *lock_file;      /* Run lock. */
    enum policy_replug replug;  /* --replug, --no-replug, or neither. */
    bool json;                  /* --format json (else text). */
    bool verify;                /* --verify: apply, then verify paths. */
    bool no_rollback;           /* --no-rollback: keep what failed it. */
    bool quiet;                 /* No report on standard output (the
                                 * daemon): refusals go to the log. */
    bool hangup_reloads;        /* The daemon: SIGHUP reloads after the
                                 * pass instead of stopping it. */
    bool report_own;            /* The daemon: fill run_result's 'own'. */
    int timeout_ms;
};

/* What one run did, for the daemon's status line. */
struct run_result {
    int status;                 /* The exit code of a one-shot run. */
    size_t n_steps;             /* Steps planned (applied if status 0). */
    size_t n_refused;           /* Refused findings. */

    /* With 'report_own', after a run that applied only MTU steps and
     * verified them: the links it set, as it left them, so that the
     * daemon knows their notifications for its own (link-monitor.h).
     * Owned; free with run_result_clear().  Otherwise NULL and 0. */
    struct link_monitor_own *own;
    size_t n_own;
};

/* Frees what 'result' owns and empties its 'own'. */
void run_result_clear(struct run_result *result);

/* Prints "jumboagent: MESSAGE" (escaped) to stderr, unless it is a repeat
 * held back by log_set_ratelimit() (the daemon's passes), and returns
 * EXIT_ERROR. */
int run_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Flushes standard output.  Output that could not be written is a
 * failure: says so and returns EXIT_ERROR; otherwise returns 'status'. */
int run_check_stdout(int status);

/* Loads the policy and the driver table that 'ctx' names; both validate
 * completely before the host is read.  '*policyp' is NULL when no policy
 * file exists and none was asked for.  The caller owns both (free with
 * policy_destroy() and driver_table_destroy()).  Returns 0 or an exit code
 * after saying what was wrong. */
int run_load_inputs(const struct run_context *ctx, struct policy **policyp,
                    struct driver_table **driversp);

/* A policy network whose bridge is not a Linux bridge on 'host' needs
 * OVSDB: when OVSDB could not be read, says so and returns EXIT_ERROR;
 * otherwise returns 0.  'policy' may be NULL. */
int run_check_ovs_reachable(const struct policy *policy,
                            const struct host *host);

/* The bound on the wait for each probe's answer: --timeout, at most 1 s. */
int run_verify_deadline_ms(const struct run_context *ctx);

/* Writes the verdicts of 'vrun' in the format of 'ctx'; 'action' is what
 * the run did about a failure (verify_write_json()). */
void run_write_verdicts(const struct run_context *ctx,
                        const struct verify_run *vrun, const char *action);

/* Says so when an interrupted run's journal waits in 'ctx->state_dir'. */
void run_warn_pending_journal(const struct run_context *ctx);

/* Ends a run that failed before it changed anything: prints 'msg' (unless
 * NULL), logs the outcome and returns EXIT_ERROR.  'recovered' is true if
 * an interrupted run's journal was restored first. */
int run_fail_unchanged(const char *msg, bool recovered);

/* Runs one apply of 'policy' (not NULL) with 'drivers' through 'b': checks
 * the state directory, takes the run lock for the time of the run, reads
 * the host, restores an interrupted run's journal, plans, refuses or
 * applies (with rollback), and, with 'ctx->verify', verifies the paths.
 * Unless 'ctx->quiet', the report goes to standard output.  The run lock
 * is released and the OVSDB connection of 'b' is left as the run left it.
 * The caller keeps 'policy', 'drivers' and 'b', and must have blocked
 * SIGINT, SIGTERM and SIGHUP (apply sees them between steps and rolls
 * back).  Fills '*result' and returns its exit code. */
int run_apply_once(const struct run_context *ctx, struct backend *b,
                   const struct policy *policy,
                   const struct driver_table *drivers,
                   struct run_result *result);

#endif /* run.h */
