/* One apply run: see run.h. */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "backend.h"
#include "drivers.h"
#include "error.h"
#include "escape.h"
#include "host.h"
#include "journal.h"
#include "link-monitor.h"
#include "lock.h"
#include "log.h"
#include "outcome.h"
#include "plan.h"
#include "policy.h"
#include "report.h"
#include "util.h"
#include "verify.h"

static const char *program_name = "jumboagent";

int
run_fail(const char *fmt, ...)
{
    char msg[4096];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    if (log_is_repeat(msg)) {
        return EXIT_ERROR;
    }
    fprintf(stderr, "%s: ", program_name);
    escape_put_text(msg, false, stderr);
    fputc('\n', stderr);
    return EXIT_ERROR;
}

int
run_check_stdout(int status)
{
    int error = fflush(stdout) ? errno : 0;

    if (error || ferror(stdout)) {
        run_fail("cannot write to standard output: %s",
             strerror(error ? error : EIO));
        clearerr(stdout);
        return EXIT_ERROR;
    }
    return status;
}

/* Returns the driver table file to use: --drivers, else the installed one;
 * a program that runs from its build tree and finds none installed uses the
 * one in its source tree. */
static const char *
drivers_file(const struct run_context *ctx)
{
    if (ctx->drivers_file) {
        return ctx->drivers_file;
    }
    return drivers_default_file();
}

int
run_load_inputs(const struct run_context *ctx, struct policy **policyp,
                struct driver_table **driversp)
{
    struct error err;
    int error;

    error_clear(&err);
    *policyp = NULL;
    error = (ctx->no_policy ? -ENOENT
             : policy_parse_file(ctx->policy_file, policyp, &err));
    if (error == -ENOENT && !ctx->policy_given) {
        *policyp = NULL;
    } else if (error) {
        return run_fail("%s", err.msg);
    }
    if (*policyp) {
        (*policyp)->replug = ctx->replug;
    }
    error = driver_table_parse_file(drivers_file(ctx), driversp, &err);
    if (error) {
        policy_destroy(*policyp);
        *policyp = NULL;
        return run_fail("%s", err.msg);
    }
    return 0;
}

int
run_check_ovs_reachable(const struct policy *policy,
                        const struct host *host)
{
    if (!policy || host->ovs_reachable) {
        return 0;
    }
    for (size_t i = 0; i < policy->n_networks; i++) {
        const struct policy_network *pn = &policy->networks[i];
        const struct host_link *link = host_find_link(host, pn->bridge);

        if (!link || link->kind != LINK_KIND_BRIDGE) {
            return run_fail("network %s: bridge %s is not a Linux bridge on "
                        "this host, so it needs Open vSwitch, but OVSDB "
                        "could not be read: %s (if this host has no Open "
                        "vSwitch, take the network out of its policy)",
                        pn->name, pn->bridge, host->ovs_error);
        }
    }
    return 0;
}

int
run_verify_deadline_ms(const struct run_context *ctx)
{
    return ctx->timeout_ms < 1000 ? ctx->timeout_ms : 1000;
}

void
run_write_verdicts(const struct run_context *ctx,
                   const struct verify_run *run, const char *action)
{
    if (ctx->json) {
        verify_write_json(run, action, stdout);
    } else {
        verify_write_text(run, stdout);
    }
}

/* The journal of an interrupted run is restored first by the next run that
 * gets as far. */
void
run_warn_pending_journal(const struct run_context *ctx)
{
    if (apply_journal_pending(ctx->state_dir)) {
        fprintf(stderr, "%s: the journal of an interrupted run is kept in "
                "%s/%s; the next run that can read its policy and the host "
                "restores it first\n", program_name, ctx->state_dir,
                journal_file_name());
    }
}

/* The outcome logged is "failed: nothing was changed". */
int
run_fail_unchanged(const char *msg, bool recovered)
{
    if (msg) {
        run_fail("%s", msg);
    }
    log_outcome(OUTCOME_FAILED, "failed: nothing was changed%s",
                recovered ? " beyond recovering the interrupted run's journal "
                                    "(the line above says what it kept, put "
                                    "back or replugged)"
                          : "");
    return EXIT_ERROR;
}

/* Ends an apply run whose outcome is 'status' (an exit code) after the
 * write of its report: a write error there turns it into a failure. */
static int
finish_apply(int status)
{
    if (run_check_stdout(EXIT_IN_SYNC)) {
        log_outcome(OUTCOME_FAILED, "failed: the report could not be "
                    "written to standard output (the run itself ended with "
                    "exit code %d)", status);
        return EXIT_ERROR;
    }
    return status;
}

/* --verify when the host was already in sync: verifies the paths ('run'),
 * writes the verdicts and returns the exit code. */
static int
verify_in_sync(const struct run_context *ctx, struct verify_run *run)
{
    struct error err;
    int error;

    error_clear(&err);
    error = verify_gate(run, &err);
    if (error && error != -EPROTO) {
        run_fail("%s", err.msg);
        log_outcome(OUTCOME_FAILED, "failed: in sync, nothing was changed, "
                    "but the paths could not be verified");
        return EXIT_ERROR;
    }
    run_write_verdicts(ctx, run, "none");
    if (error) {
        log_outcome(OUTCOME_VERIFY_FAILED, "in sync, nothing to change, "
                    "but %s", err.msg);
        return finish_apply(EXIT_VERIFY_FAILED);
    }
    return finish_apply(EXIT_IN_SYNC);
}

/* --verify when apply_plan() failed at the gate: every step was applied,
 * then a path failed verification ('run').  'rolled_back' says whether the
 * run was then put back; with --no-rollback it was not, by request.
 * Writes the verdicts and returns the exit code. */
static int
verify_after_failed_apply(const struct run_context *ctx,
                          struct verify_run *run, bool rolled_back)
{
    run_write_verdicts(ctx, run, (ctx->no_rollback ? "kept"
                                  : rolled_back ? "rolled-back" : "none"));
    if (ctx->no_rollback) {
        log_outcome(OUTCOME_VERIFY_FAILED, "verify failed: the changes are "
                    "kept (--no-rollback); see the verdicts above");
        return finish_apply(EXIT_VERIFY_FAILED);
    } else if (rolled_back) {
        log_outcome(OUTCOME_VERIFY_FAILED, "verify failed: everything the "
                    "run changed was put back; see the verdicts above");
        return finish_apply(EXIT_VERIFY_FAILED);
    }
    log_outcome(OUTCOME_FAILED, "failed: verification failed and the "
                "rollback did not finish; see the message above");
    return EXIT_ERROR;
}

/* Writes the report of a run that applies 'plan' (over 'host', of
 * 'policy' and 'drivers') to standard output.  Returns 0, or EXIT_ERROR if
 * it could not be written. */
static int
write_report(const struct run_context *ctx, const struct policy *policy,
             const struct driver_table *drivers, const struct host *host,
             const struct plan *plan)
{
    struct report_context rctx = {
        .policy = policy,
        .policy_file = ctx->policy_file,
        .drivers = drivers,
        .host = host,
        .plan = plan,
        .applying = true,
    };

    if (ctx->json) {
        report_json(&rctx, stdout);
    } else {
        report_text(&rctx, stdout);
    }
    return run_check_stdout(EXIT_IN_SYNC);
}

/* A run without a report (the daemon's) logs the refusals of 'plan'
 * instead, so that "resolve the refusals above first" points somewhere. */
static void
log_refusals(const struct plan *plan)
{
    for (size_t i = 0; i < plan->n_findings; i++) {
        const struct finding *f = &plan->findings[i];

        if (f->severity == SEVERITY_REFUSED) {
            log_warn("refused: %s", f->message);
        }
    }
}

void
run_result_clear(struct run_result *result)
{
    free(result->own);
    result->own = NULL;
    result->n_own = 0;
}

/* Fills the 'own' of 'result' with the links that 'plan' (of 'host', just
 * applied and verified) set the MTU of, unless it has a step of another
 * kind (a replug or an LRO change leaves more than an MTU behind). */
static void
fill_own(const struct plan *plan, const struct host *host,
         struct run_result *result)
{
    struct link_monitor_own *own;
    size_t n = 0;

    for (size_t i = 0; i < plan->n_steps; i++) {
        enum plan_action action = plan->steps[i].action;

        if (action != PLAN_SET_LINK_MTU && action != PLAN_SET_MTU_REQUEST) {
            return;
        }
    }
    own = xzalloc((plan->n_steps ? plan->n_steps : 1) * sizeof *own);
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *step = &plan->steps[i];
        const struct host_link *link = host_find_link(host, step->ifname);
        const struct host_link *master;

        if (!link) {
            continue;
        }
        master = link->master[0] ? host_find_link(host, link->master) : NULL;
        own[n].ifindex = link->ifindex;
        copy_string(own[n].name, link->name, sizeof own[n].name);
        own[n].mtu = step->to_mtu;
        own[n].master_ifindex = master ? master->ifindex : 0;
        own[n].up = link->up;
        n++;
    }
    result->own = own;
    result->n_own = n;
}

int
run_apply_once(const struct run_context *ctx, struct backend *backend,
               const struct policy *policy,
               const struct driver_table *drivers, struct run_result *result)
{
    struct apply_options apply_opts = {
        .state_dir = ctx->state_dir,
        .remote = ctx->db,
        .timeout_ms = ctx->timeout_ms,
        .policy = policy,
        .hangup_reloads = ctx->hangup_reloads,
    };
    struct host *host = NULL;
    struct plan *plan = NULL;
    struct verify_run *vrun = NULL;
    struct error err;
    bool recovered = false, rolled_back;
    int lock_fd = -1;
    int status;

    error_clear(&err);
    memset(result, 0, sizeof *result);
    if (journal_check_dir(ctx->state_dir, &err)
        || lock_acquire(ctx->lock_file, ctx->timeout_ms, &lock_fd, &err)) {
        status = run_fail_unchanged(err.msg, false);
        goto out;
    }
    /* --verify: everything that bad input breaks (an unknown interface,
     * no CAP_NET_RAW) fails here, before any change. */
    if (ctx->verify) {
        if (verify_prepare(policy, run_verify_deadline_ms(ctx), &vrun,
                           &err)) {
            char msg[sizeof err.msg + 32];

            snprintf(msg, sizeof msg, "--verify: %s", err.msg);
            run_warn_pending_journal(ctx);
            status = run_fail_unchanged(msg, false);
            goto out;
        }
        apply_opts.gate = verify_gate;
        apply_opts.gate_aux = vrun;
        apply_opts.gate_keeps_changes = ctx->no_rollback;
    }
    if (backend_read_host(backend, ctx->db, ctx->timeout_ms,
                          ctx->db_given, &host, &err)) {
        run_warn_pending_journal(ctx);
        status = run_fail_unchanged(err.msg, false);
        goto out;
    }
    /* A journal that names what this policy does not manage was not
     * written by a run of it: refuse it before restoring anything. */
    if (journal_vet(ctx->state_dir, policy, host, &err)
        || apply_recover(backend, &apply_opts, &recovered, &err)) {
        status = run_fail("%s", err.msg);
        log_outcome(OUTCOME_FAILED, "failed: the interrupted run's journal "
                    "could not be restored; it is kept (the message above "
                    "says why, and what is back, kept and left)");
        goto out;
    }
    if (recovered) {
        /* The host changed under us: read it again. */
        host_destroy(host);
        host = NULL;
        if (backend_read_host(backend, ctx->db, ctx->timeout_ms,
                              ctx->db_given, &host, &err)) {
            status = run_fail_unchanged(err.msg, true);
            goto out;
        }
    }
    status = run_check_ovs_reachable(policy, host);
    if (status) {
        status = run_fail_unchanged(NULL, recovered);
        goto out;
    }
    if (plan_compute(policy, host, drivers, &plan, &err)) {
        char msg[sizeof err.msg + 32];

        snprintf(msg, sizeof msg, "planning failed: %s", err.msg);
        status = run_fail_unchanged(msg, recovered);
        goto out;
    }
    result->n_steps = plan->n_steps;
    result->n_refused = plan_count_findings(plan, SEVERITY_REFUSED);
    if (ctx->quiet) {
        log_refusals(plan);
    } else if (write_report(ctx, policy, drivers, host, plan)) {
        /* The plan could not be shown: do not change what nobody saw. */
        status = run_fail_unchanged("the plan could not be written to "
                                    "standard output", recovered);
        goto out;
    }
    if (result->n_refused) {
        status = EXIT_REFUSED;
        log_outcome(OUTCOME_REFUSED, "refused: nothing was changed%s; "
                    "resolve the refusals above first",
                    recovered ? " beyond recovering the interrupted run's "
                                "journal (the line above says what it kept, "
                                "put back or replugged)" : "");
        goto out;
    }
    if (!plan->n_steps) {
        size_t n_drift = plan_count_findings(plan, SEVERITY_DRIFT);

        if (n_drift) {
            log_outcome(OUTCOME_IN_SYNC, "in sync with the policy: nothing "
                        "to change; the %zu drift finding%s above %s "
                        "outside what the policy manages", n_drift,
                        n_drift == 1 ? "" : "s", n_drift == 1 ? "is" : "are");
        } else {
            log_outcome(OUTCOME_IN_SYNC, "in sync: nothing to change%s",
                        recovered ? " after recovering the interrupted run's "
                                    "journal" : "");
        }
        status = EXIT_IN_SYNC;
        if (vrun) {
            status = verify_in_sync(ctx, vrun);
        }
        goto out;
    }
    if (apply_plan(plan, host, backend, &apply_opts, &rolled_back, &err)) {
        run_fail("%s", err.msg);
        if (vrun && verify_done(vrun) && verify_n_failed(vrun)) {
            status = verify_after_failed_apply(ctx, vrun, rolled_back);
        } else if (rolled_back) {
            log_outcome(OUTCOME_ROLLED_BACK, "rolled back: the apply failed "
                        "and everything it changed was put back");
            status = EXIT_ROLLED_BACK;
        } else {
            log_outcome(OUTCOME_FAILED, "failed: see the message above");
            status = EXIT_ERROR;
        }
        goto out;
    }
    if (vrun) {
        run_write_verdicts(ctx, vrun, "none");
    }
    log_outcome(OUTCOME_APPLIED, "applied %zu step%s; every layer verified%s",
                plan->n_steps, plan->n_steps == 1 ? "" : "s",
                vrun ? ", and every path verified" : "");
    status = finish_apply(EXIT_IN_SYNC);
    if (!status && ctx->report_own) {
        fill_own(plan, host, result);
    }

out:
    verify_destroy(vrun);
    plan_destroy(plan);
    host_destroy(host);
    lock_release(lock_fd);
    result->status = status;
    return status;
}

