/* plan_compute(): the planner's top.  See plan.h.
 *
 * plan_compute() works in stages over a scratch 'struct planner', each
 * stage in its own file:
 *
 *   1. Claims (plan-claims.c).  Each policy network finds its bridge and
 *      sorts the bridge's interfaces into roles.  Every managed interface
 *      gets a claim "network N wants exactly M", and every device under it
 *      (bond slave, VLAN lower device, tunnel underlay) a claim "at least M
 *      plus the overhead".  The network of an OVS fake bridge (a XenServer
 *      VLAN) takes the ports with its tag; the network of the parent bridge
 *      takes the untagged ones.  Stale OVS interfaces (no device behind
 *      them) are skipped.  A network whose bridge is not on this host is
 *      only reported.
 *   2. Checks (plan-checks.c).  Every claim is judged against the kernel's
 *      min/max MTU, the driver table, the policy's overrides and the
 *      management rule, and each network against the IPv6 minimum (and an
 *      overlay network against its underlay).  A failed check refuses the
 *      whole network: it gets no steps at all.
 *   3. Resolution (plan-resolve.c).  An interface's target is the largest
 *      claim of a network that is not refused (an "at least" claim never
 *      lowers anything).  Lowering a device under an upper device that no
 *      network manages, or a VLAN network above its parent's uplinks,
 *      refuses the network that asked for it; this repeats until stable.
 *   4. Steps (plan-steps.c, ordered by plan-order.c).  One per interface
 *      whose state differs from its target, lowering steps first (upper
 *      devices first), then raising steps (lower devices first), with the
 *      host's lower/bond links as hard constraints of a topological sort in
 *      which all OVS steps are one block: apply.c makes them in one
 *      transaction.  A link step that would have to sit inside that block
 *      refuses the networks around it, and the steps are planned again.
 *      LRO steps, for the interfaces of policy networks off the management
 *      path, come before all of them.
 *   5. Audit (plan-audit.c).  Facts about the host that hold with or
 *      without a policy (mismatched ports, requests vswitchd did not
 *      apply...), each kept only if it still holds on a copy of the host
 *      with the steps applied: the others are drift that the steps already
 *      fix and report.
 *
 * Each stage calls only the files below it: plan-msg.c (the message
 * builder, the networks, the findings), plan-host.c (what every stage asks
 * of the host model: OVS classes, fake bridges, tunnel overheads...) and
 * plan.c (a plan as a value, and plan_simulate(), which the audit uses).
 * plan-internal.h declares what the files share.
 *
 * Nothing in the planner does I/O, logs, or keeps state between calls. */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "plan-internal.h"
#include "util.h"

/* Findings order: severity (worst first), network order in the policy
 * (host-wide last), interface name, kind, message. */
static int
pending_finding_cmp(const void *a_, const void *b_)
{
    const struct pending_finding *a = a_;
    const struct pending_finding *b = b_;
    int cmp;

    if (a->f.severity != b->f.severity) {
        return a->f.severity > b->f.severity ? -1 : 1;
    }
    if (a->net != b->net) {
        return a->net < b->net ? -1 : 1;
    }
    cmp = strcmp(a->f.ifname, b->f.ifname);
    if (cmp) {
        return cmp;
    }
    if (a->f.kind != b->f.kind) {
        return a->f.kind < b->f.kind ? -1 : 1;
    }
    return strcmp(a->f.message, b->f.message);
}

/* Turns the array of pending findings of 'list' into an array of their
 * findings, in place (each finding moves towards the front, so no two
 * overlap badly for memmove()), and returns it, shrunk to its size; the
 * caller owns it and must free it.  'list' keeps its count and no array.
 * Copying them instead doubled the findings' memory at the peak. */
static struct finding *
take_findings(struct finding_list *list)
{
    struct finding *findings = (struct finding *) list->items;

    for (size_t i = 0; i < list->n; i++) {
        memmove(&findings[i], &list->items[i].f, sizeof *findings);
    }
    findings = xrealloc(findings, (list->n ? list->n : 1) * sizeof *findings);
    list->items = NULL;
    list->allocated = 0;
    return findings;
}

/* Frees what 'pl' owns (not 'pl' itself, nor what it borrows). */
static void
planner_destroy(struct planner *pl)
{
    for (size_t i = 0; i < pl->n_nodes; i++) {
        free(pl->nodes[i]->claims);
        free(pl->nodes[i]);
    }
    free(pl->nodes);
    name_index_destroy(pl->node_index);
    name_index_destroy(pl->bridge_index);
    free(pl->refused);
    free(pl->findings.items);
    free(pl->steps);
}

int
plan_compute(const struct policy *policy, const struct host *host,
             const struct driver_table *drivers, struct plan **planp,
             struct error *err)
{
    struct planner pl = {
        .policy = policy,
        .host = host,
        .drivers = drivers,
    };
    struct plan *plan;
    int error;

    error = plan_host_check_loops(host, err);
    if (error) {
        return error;
    }

    pl.refused = xzalloc((policy ? policy->n_networks : 0)
                         * sizeof *pl.refused);
    pl.node_index = name_index_create();
    pl.bridge_index = name_index_create();
    for (size_t net = 0; policy && net < policy->n_networks; net++) {
        name_index_add(pl.bridge_index, policy->networks[net].bridge, net);
    }
    if (policy) {
        for (size_t net = 0; net < policy->n_networks; net++) {
            if (plan_claims_network(&pl, net)) {
                plan_checks_network(&pl, net);
            }
        }
        plan_checks_claims(&pl);
        do {
            bool changed;

            /* Each refusal changes what the other networks resolve to. */
            do {
                changed = plan_resolve_refuse_lowering(&pl);
                changed = plan_resolve_refuse_vlans(&pl) || changed;
            } while (changed);
            plan_steps_mtu(&pl);
        } while (plan_order_refuse_conflicts(&pl));
        plan_steps_drift(&pl);
    }
    plan_steps_lro(&pl);

    plan = xzalloc(sizeof *plan);
    error = plan_order_steps(&pl, plan, err);
    if (error) {
        plan_destroy(plan);
        planner_destroy(&pl);
        return error;
    }
    /* The plan has its own copy of the steps: the planner's go before the
     * audit, which only adds findings. */
    free(pl.steps);
    pl.steps = NULL;
    pl.n_steps = pl.allocated_steps = 0;
    plan_audit_findings(&pl, plan);

    if (pl.findings.n) {
        qsort(pl.findings.items, pl.findings.n, sizeof *pl.findings.items,
              pending_finding_cmp);
    }
    plan->findings = take_findings(&pl.findings);
    plan->n_findings = pl.findings.n;

    planner_destroy(&pl);
    *planp = plan;
    return 0;
}
