/* Apply: see apply.h. */
#include "apply.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ethtool.h"
#include "host.h"
#include "journal.h"
#include "log.h"
#include "netlink.h"
#include "plan.h"
#include "util.h"
#include "vswitch.h"

#define APPLY_COMMENT "jumboagent: MTU reconciliation"

/* A growing text of what was done, for the final message. */
struct summary {
    char text[768];
};

static void __attribute__((format(printf, 2, 3)))
summary_add(struct summary *s, const char *fmt, ...)
{
    size_t len = strlen(s->text);
    va_list args;

    if (len + 3 >= sizeof s->text) {
        return;
    }
    if (len) {
        s->text[len++] = ',';
        s->text[len++] = ' ';
        s->text[len] = '\0';
    }
    va_start(args, fmt);
    vsnprintf(s->text + len, sizeof s->text - len, fmt, args);
    va_end(args);
}

static bool
is_ovs_step(const struct plan_step *step)
{
    return step->action == PLAN_SET_MTU_REQUEST;
}

/* Journals the previous value of what 'step' changes. */
static void
journal_step(struct journal *journal, const struct host *host,
             const struct plan_step *step)
{
    const struct host_link *link = host_find_link(host, step->ifname);
    struct journal_entry e;

    memset(&e, 0, sizeof e);
    copy_string(e.ifname, step->ifname, sizeof e.ifname);
    switch (step->action) {
    case PLAN_SET_MTU_REQUEST: {
        const struct host_ovs_iface *iface
            = host_find_ovs_iface(host, step->ifname, NULL, NULL);

        e.layer = JOURNAL_OVS_MTU_REQUEST;
        e.had_request = iface && iface->has_mtu_request;
        e.value = e.had_request ? iface->mtu_request : 0;
        e.kernel_mtu = (link ? link->mtu
                        : iface && iface->has_mtu ? iface->mtu
                        : step->from_mtu);
        break;
    }
    case PLAN_SET_LINK_MTU:
        e.layer = JOURNAL_LINK_MTU;
        e.value = link ? link->mtu : step->from_mtu;
        break;
    case PLAN_DISABLE_LRO:
        e.layer = JOURNAL_LRO;
        e.value = 1;
        break;
    case PLAN_REPLUG:
    case PLAN_ACTION_MAX:
    default:
        return;
    }
    journal_add(journal, &e);
}

/* Restores the kernel-side entry 'e' (link MTU or LRO).  Returns 0 or a
 * negative errno value with 'err' set. */
static int
restore_kernel_entry(const struct journal_entry *e, struct summary *done,
                     struct error *err)
{
    unsigned int now = 0;
    int error;

    if (e->layer == JOURNAL_LRO) {
        error = ethtool_set_lro(e->ifname, e->value != 0, err);
        if (!error) {
            log_change("restored %s: large-receive-offload %s", e->ifname,
                       e->value ? "on" : "off");
            summary_add(done, "%s LRO %s", e->ifname, e->value ? "on" : "off");
        }
        return error;
    }
    if (!netlink_get_mtu(e->ifname, &now, NULL) && now == e->value) {
        return 0;
    }
    error = netlink_set_mtu(e->ifname, e->value, err);
    if (!error) {
        log_change("restored %s: MTU %u -> %u", e->ifname, now, e->value);
        summary_add(done, "%s MTU %u -> %u", e->ifname, now, e->value);
    }
    return error;
}

/* A rollback transaction that OVSDB committed but ovs-vswitchd did not
 * confirm in time (it is stopped or busy) has still put the database back:
 * vswitchd applies those values when it runs, and it had not applied the
 * failed change either.  Returns 'error', or 0 in that case. */
static int
accept_unconfirmed(int error, bool committed, struct error *err)
{
    if (error == -ETIMEDOUT && committed) {
        log_warn("%s; the restored values are committed to OVSDB and "
                 "ovs-vswitchd applies them when it runs again", err->msg);
        error_clear(err);
        return 0;
    }
    return error;
}

/* Restores every OVS entry of 'journal' in at most two transactions: first
 * mtu_request goes back to the old request, or to the old kernel MTU where
 * there was no request (clearing alone would leave the kernel MTU where it
 * is), then the requests that were not set are cleared. */
static int
restore_ovs_entries(const struct journal *journal, struct vswitch *vs,
                    int timeout_ms, struct summary *done, struct error *err)
{
    struct vswitch_mtu_change *changes;
    size_t n = 0, n_clear = 0;
    bool changed = false;
    int error;

    changes = xzalloc((journal->n_entries + 1) * sizeof *changes);
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];

        if (e->layer == JOURNAL_OVS_MTU_REQUEST) {
            changes[n].ifname = e->ifname;
            changes[n].set = true;
            changes[n].mtu = e->had_request ? e->value : e->kernel_mtu;
            n++;
        }
    }
    if (!n) {
        free(changes);
        return 0;
    }
    if (!vs) {
        free(changes);
        return error_set(err, -ENOTCONN, "cannot restore mtu_request of %zu "
                         "OVS interface(s): OVSDB is not reachable", n);
    }
    error = vswitch_set_mtu_requests(vs, changes, n,
                                     APPLY_COMMENT " (rollback)", timeout_ms,
                                     &changed, err);
    error = accept_unconfirmed(error, changed, err);
    if (error) {
        free(changes);
        return error;
    }
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];

        if (e->layer != JOURNAL_OVS_MTU_REQUEST) {
            continue;
        }
        if (e->had_request) {
            log_change("restored %s: mtu_request %u", e->ifname, e->value);
            summary_add(done, "%s mtu_request %u", e->ifname, e->value);
        } else {
            changes[n_clear].ifname = e->ifname;
            changes[n_clear].set = false;
            n_clear++;
            log_change("restored %s: kernel MTU %u, mtu_request unset",
                       e->ifname, e->kernel_mtu);
            summary_add(done, "%s MTU %u (mtu_request unset)", e->ifname,
                        e->kernel_mtu);
        }
    }
    if (n_clear) {
        error = vswitch_set_mtu_requests(vs, changes, n_clear,
                                         APPLY_COMMENT " (rollback)",
                                         timeout_ms, &changed, err);
        error = accept_unconfirmed(error, changed, err);
    }
    free(changes);
    return error;
}

/* Puts back, in reverse order, the entries of 'journal'.  The entries are
 * in the order they were applied; the OVS ones were all applied at the place
 * of the first of them.  Returns 0 if everything was restored. */
static int
restore_journal(const struct journal *journal, struct vswitch *vs,
                int timeout_ms, struct summary *done, struct error *err)
{
    size_t ovs_pos = journal->n_entries;
    int first_error = 0;
    struct error e_err;

    for (size_t i = 0; i < journal->n_entries; i++) {
        if (journal->entries[i].layer == JOURNAL_OVS_MTU_REQUEST) {
            ovs_pos = i;
            break;
        }
    }
    for (size_t i = journal->n_entries; i-- > 0;) {
        const struct journal_entry *e = &journal->entries[i];
        int error = 0;

        error_clear(&e_err);
        if (e->layer == JOURNAL_OVS_MTU_REQUEST) {
            if (i == ovs_pos) {
                error = restore_ovs_entries(journal, vs, timeout_ms, done,
                                            &e_err);
            }
        } else {
            error = restore_kernel_entry(e, done, &e_err);
        }
        if (error) {
            log_warn("rollback: %s", e_err.msg);
            if (!first_error) {
                first_error = error;
                error_set(err, error, "%s", e_err.msg);
            }
        }
    }
    return first_error;
}

/* Rolls back after the failure described in 'err' and rewrites 'err' to say
 * what failed and what was put back.  Returns the original error code. */
static int
roll_back(const struct journal *journal, struct vswitch *vs,
          const struct apply_options *opts, struct error *err)
{
    struct summary done = { "" };
    struct error r_err;
    char failure[sizeof err->msg];
    int code = err->code ? err->code : -EIO;

    copy_string(failure, err->msg, sizeof failure);
    log_warn("%s; rolling back", failure);
    error_clear(&r_err);
    if (restore_journal(journal, vs, opts->timeout_ms, &done, &r_err)) {
        return error_set(err, code, "%s; rollback incomplete: %s; restored: "
                         "%s; the journal %s/journal.json is kept and the "
                         "next run restores it", failure, r_err.msg,
                         done.text[0] ? done.text : "nothing",
                         opts->state_dir);
    }
    journal_remove(opts->state_dir, NULL);
    return error_set(err, code, "%s; rolled back: %s", failure,
                     done.text[0] ? done.text : "nothing had changed");
}

/* Checks that every layer of every step took the change. */
static int
verify_steps(const struct plan *plan, struct vswitch *vs, int timeout_ms,
             struct error *err)
{
    struct host *now = NULL;
    int error = 0;

    for (size_t i = 0; i < plan->n_steps && !error; i++) {
        const struct plan_step *step = &plan->steps[i];
        unsigned int mtu = 0;

        if (step->action == PLAN_SET_MTU_REQUEST) {
            unsigned int seen = 0;

            error = vswitch_wait_mtu(vs, step->ifname, step->to_mtu,
                                     timeout_ms, &seen, err);
            if (error) {
                error_set(err, error, "verify: OVS interface '%s' reports "
                          "mtu %u after mtu_request %u: ovs-vswitchd did not "
                          "apply it (see 'failed to set MTU' in "
                          "ovs-vswitchd.log)", step->ifname, seen,
                          step->to_mtu);
                break;
            }
        }
        if (step->action == PLAN_SET_MTU_REQUEST
            || step->action == PLAN_SET_LINK_MTU) {
            error = netlink_get_mtu(step->ifname, &mtu, err);
            if (!error && mtu != step->to_mtu) {
                error = error_set(err, -EIO, "verify: kernel MTU of '%s' is "
                                  "%u, expected %u", step->ifname, mtu,
                                  step->to_mtu);
            }
        }
    }
    if (error || !vs) {
        return error;
    }

    /* Interface.error of the rows we touched. */
    now = host_create();
    error = vswitch_read(vs, now, err);
    for (size_t i = 0; i < plan->n_steps && !error; i++) {
        const struct plan_step *step = &plan->steps[i];
        const struct host_ovs_iface *iface;

        if (step->action != PLAN_SET_MTU_REQUEST) {
            continue;
        }
        iface = host_find_ovs_iface(now, step->ifname, NULL, NULL);
        if (!iface) {
            error = error_set(err, -ENOENT, "verify: OVS interface '%s' is "
                              "gone", step->ifname);
        } else if (iface->error[0]) {
            error = error_set(err, -EIO, "verify: OVS interface '%s' has "
                              "error \"%s\"", step->ifname, iface->error);
        } else if (!iface->has_mtu_request
                   || iface->mtu_request != step->to_mtu) {
            error = error_set(err, -EIO, "verify: OVS interface '%s' has "
                              "mtu_request %u, expected %u", step->ifname,
                              iface->mtu_request, step->to_mtu);
        }
    }
    host_destroy(now);
    return error;
}

/* True if the link of 'step' should be bounced after its MTU changed: a
 * physical uplink or bond member that is up and does not carry the default
 * route. */
static bool
step_needs_replug(const struct plan_step *step, const struct host *host)
{
    const struct host_link *link = host_find_link(host, step->ifname);

    return ((step->action == PLAN_SET_MTU_REQUEST
             || step->action == PLAN_SET_LINK_MTU)
            && (step->role == ROLE_UPLINK || step->role == ROLE_MEMBER)
            && link && link->up && !link->default_route
            && (link->kind == LINK_KIND_ETHER || link->kind == LINK_KIND_VETH));
}

static int
replug_steps(const struct plan *plan, const struct host *host,
             struct error *err)
{
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *step = &plan->steps[i];
        int error;

        if (!step_needs_replug(step, host)) {
            continue;
        }
        error = netlink_set_up(step->ifname, false, err);
        if (!error) {
            error = netlink_set_up(step->ifname, true, err);
        }
        if (error) {
            /* Bring it up whatever happened. */
            netlink_set_up(step->ifname, true, NULL);
            return error_prefix(err, "replug of '%s'", step->ifname);
        }
        log_change("replugged %s (down/up) so that it renegotiates with MTU "
                   "%u", step->ifname, step->to_mtu);
    }
    return 0;
}

int
apply_plan(const struct plan *plan, const struct host *host,
           struct vswitch *vs, const struct apply_options *opts,
           struct error *err)
{
    struct vswitch_mtu_change *changes;
    struct journal *journal;
    size_t n_changes = 0;
    bool ovs_done = false;
    int error;

    if (!plan->n_steps) {
        return 0;
    }
    journal = journal_create();
    changes = xzalloc(plan->n_steps * sizeof *changes);
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *step = &plan->steps[i];

        journal_step(journal, host, step);
        if (is_ovs_step(step)) {
            changes[n_changes].ifname = step->ifname;
            changes[n_changes].set = true;
            changes[n_changes].mtu = step->to_mtu;
            n_changes++;
        }
    }
    if (n_changes && !vs) {
        error = error_set(err, -ENOTCONN, "the plan changes %zu OVS "
                          "interface(s) but OVSDB is not connected; nothing "
                          "was changed", n_changes);
        goto out;
    }
    error = journal_check_dir(opts->state_dir, err);
    if (!error) {
        error = journal_write(opts->state_dir, journal, err);
    }
    if (error) {
        goto out;
    }

    for (size_t i = 0; i < plan->n_steps && !error; i++) {
        const struct plan_step *step = &plan->steps[i];

        switch (step->action) {
        case PLAN_SET_MTU_REQUEST:
            if (ovs_done) {
                break;
            }
            ovs_done = true;
            error = vswitch_set_mtu_requests(vs, changes, n_changes,
                                             APPLY_COMMENT, opts->timeout_ms,
                                             NULL, err);
            for (size_t j = 0; !error && j < plan->n_steps; j++) {
                const struct plan_step *s = &plan->steps[j];

                if (is_ovs_step(s)) {
                    char from[16] = "unset";

                    if (s->from_set) {
                        snprintf(from, sizeof from, "%u", s->from_mtu);
                    }
                    log_change("%s: mtu_request %s -> %u (%s)", s->ifname,
                               from, s->to_mtu, s->reason);
                }
            }
            break;
        case PLAN_SET_LINK_MTU:
            error = netlink_set_mtu(step->ifname, step->to_mtu, err);
            if (!error) {
                log_change("%s: MTU %u -> %u (%s)", step->ifname,
                           step->from_mtu, step->to_mtu, step->reason);
            }
            break;
        case PLAN_DISABLE_LRO:
            error = ethtool_set_lro(step->ifname, false, err);
            if (!error) {
                log_change("%s: large-receive-offload on -> off (%s)",
                           step->ifname, step->reason);
            }
            break;
        case PLAN_REPLUG:
            error = netlink_set_up(step->ifname, false, err);
            if (!error) {
                error = netlink_set_up(step->ifname, true, err);
            }
            break;
        case PLAN_ACTION_MAX:
        default:
            break;
        }
    }
    if (!error) {
        error = verify_steps(plan, vs, opts->timeout_ms, err);
    }
    if (!error && opts->replug) {
        error = replug_steps(plan, host, err);
    }
    if (error) {
        error = roll_back(journal, vs, opts, err);
        goto out;
    }
    journal_remove(opts->state_dir, NULL);

out:
    free(changes);
    journal_destroy(journal);
    return error;
}

bool
apply_journal_pending(const char *state_dir)
{
    char *path = xasprintf("%s/journal.json", state_dir);
    bool pending = !access(path, F_OK);

    free(path);
    return pending;
}

int
apply_recover(struct vswitch *vs, const struct apply_options *opts,
              bool *recoveredp, struct error *err)
{
    struct summary done = { "" };
    struct journal *journal;
    int error;

    *recoveredp = false;
    error = journal_read(opts->state_dir, &journal, err);
    if (error == -ENOENT) {
        return 0;
    } else if (error) {
        return error;
    }
    *recoveredp = true;
    log_change("found the journal of an interrupted run (pid %ld, %zu "
               "value(s)); restoring the previous values before anything "
               "else", journal->pid, journal->n_entries);
    error = restore_journal(journal, vs, opts->timeout_ms, &done, err);
    if (error) {
        error_prefix(err, "restoring the journal %s/journal.json of an "
                     "interrupted run (pid %ld) failed; it is kept",
                     opts->state_dir, journal->pid);
    } else {
        journal_remove(opts->state_dir, NULL);
        log_change("restored the state before the interrupted run: %s",
                   done.text[0] ? done.text : "nothing had changed");
    }
    journal_destroy(journal);
    return error;
}
