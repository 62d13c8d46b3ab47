/* Apply: carries out a plan on the live host, safely.
 *
 * Before the first change, the previous value and the target of everything
 * the plan touches is journaled to disk, with a digest of the policy.  The
 * OVS changes (the planner keeps them together) are committed where the
 * first of them stands, one OVSDB transaction per tier (lower devices, the
 * bridges' own ports, tunnels, VIFs), each applied by ovs-vswitchd before
 * the next, so that the plan's order holds on the wire too; links that OVS
 * does not own change through netlink in the plan's order.  Afterwards
 * every layer is verified (OVS mtu_request, OVS mtu, kernel MTU,
 * Interface.error), and then the plan's replug steps (the planner decides
 * which links to bounce, never on the management path) are made one at a
 * time, each link back up with carrier before the next.  On any failure
 * what was changed is put back in reverse order.  Every change is
 * logged. */
#ifndef JUMBOAGENT_APPLY_H
#define JUMBOAGENT_APPLY_H 1

#include <stdbool.h>

#include "error.h"

struct backend;
struct host;
struct plan;
struct policy;

struct apply_options {
    const char *state_dir;      /* Where the journal lives. */
    const char *remote;         /* OVSDB remote, to reconnect to if the
                                 * connection is lost during a rollback. */
    const struct policy *policy;/* The policy applied, whose digest the
                                 * journal records; may be NULL. */
    int timeout_ms;             /* Bound on each wait (vswitchd, carrier,
                                 * reconnecting). */

    /* A last check after every step was applied and verified (path
     * verification, "--verify"), or NULL.  It returns 0 to keep the
     * changes, or a negative errno value with 'err' set: then the whole run
     * is rolled back through the journal as after any failed step, unless
     * 'gate_keeps_changes' ("--no-rollback"), in which case the changes
     * stay and the journal is removed. */
    int (*gate)(void *gate_aux, struct error *err);
    void *gate_aux;
    bool gate_keeps_changes;

    /* The daemon: a pending SIGHUP asks for a reload after the pass, not
     * for a stop (SIGINT and SIGTERM still stop and roll back). */
    bool hangup_reloads;
};

/* Applies 'plan', computed over 'host', through the host backend 'b' (see
 * backend.h) and its OVSDB connection (which may be missing when the plan
 * has no OVS step, and is replaced by a new one if the old one is lost
 * during a rollback).  Every change to the host goes through 'b'.
 *
 * Returns 0 when every step was applied and verified (the journal is then
 * removed).  Otherwise returns a negative errno value and says in 'err' what
 * failed and what was put back, and sets '*rolled_backp' to true if
 * something had been changed and all of it was restored (the journal is
 * then removed), false if it failed before any change (nothing to put back)
 * or if something could not be restored (the journal is kept, the message
 * says so, and the next run restores it first). */
int apply_plan(const struct plan *plan, const struct host *host,
               struct backend *b, const struct apply_options *opts,
               bool *rolled_backp, struct error *err);

/* Restores, through 'b', the journal an interrupted run left in
 * 'opts->state_dir', if any.  Sets '*recoveredp' to true if there was one.
 * Of a journal of the policy 'opts->policy', the entries at their target
 * that hold are kept (not reverted and made again: each flip of an MTU can
 * reset a link) and only the others are restored; when all of them hold,
 * the journal is finished (removed, nothing changed).  A journal of another
 * policy, or without targets, is restored whole.
 * Interfaces that no longer exist count as restored.  Returns 0 (nothing to
 * do, or all restored and the journal removed) or a negative errno value
 * with a message that says how to get out (the journal is then kept). */
int apply_recover(struct backend *b, const struct apply_options *opts,
                  bool *recoveredp, struct error *err);

/* Returns true if a journal of an interrupted run exists in 'state_dir'. */
bool apply_journal_pending(const char *state_dir);

#endif /* apply.h */
