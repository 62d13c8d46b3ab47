/* Apply: carries out a plan on the live host, safely.
 *
 * Before the first change, the previous value of everything the plan touches
 * is journaled to disk.  Every OVS change goes into ONE OVSDB transaction,
 * and apply waits until ovs-vswitchd has applied it; links that OVS does not
 * own change through netlink in the plan's order.  Afterwards every layer is
 * verified (OVS mtu_request, OVS mtu, kernel MTU, Interface.error), and
 * changed uplinks are replugged in the plan's order.  On any failure what was
 * changed is put back in reverse order.  Every change is logged. */
#ifndef JUMBOAGENT_APPLY_H
#define JUMBOAGENT_APPLY_H 1

#include <stdbool.h>

#include "error.h"

struct host;
struct plan;
struct vswitch;

struct apply_options {
    const char *state_dir;      /* Where the journal lives. */
    int timeout_ms;             /* Bound on each wait for vswitchd. */
    bool replug;                /* Bounce changed uplinks and members. */
};

/* Applies 'plan', computed over 'host', using the open OVSDB connection 'vs'
 * (may be NULL when the plan has no OVS step).  Returns 0 when every step
 * was applied and verified (the journal is then removed).  Otherwise returns
 * a negative errno value and says in 'err' what failed and what was put back;
 * if something could not be put back, the journal is kept and the message
 * says so (the next run restores it). */
int apply_plan(const struct plan *plan, const struct host *host,
               struct vswitch *vs, const struct apply_options *opts,
               struct error *err);

/* Restores the journal an interrupted run left in 'opts->state_dir', if any.
 * Sets '*recoveredp' to true if there was one.  Returns 0 (nothing to do, or
 * all restored and the journal removed) or a negative errno value with a
 * message (the journal is then kept). */
int apply_recover(struct vswitch *vs, const struct apply_options *opts,
                  bool *recoveredp, struct error *err);

/* Returns true if a journal of an interrupted run exists in 'state_dir'. */
bool apply_journal_pending(const char *state_dir);

#endif /* apply.h */
