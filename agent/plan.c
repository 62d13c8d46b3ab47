/* The planner: see plan.h.
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
 * plan-host.c answers what every stage asks of the host model (OVS classes,
 * fake bridges, tunnel overheads, the management path...), and
 * plan-internal.h declares what the files share.  This file holds the
 * string tables, the message builder that every finding is written with,
 * the planner's findings and lifetime, plan_compute() itself and
 * plan_simulate(); plan-format.c writes a plan as text.
 *
 * Nothing in the planner does I/O, logs, or keeps state between calls. */
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan-internal.h"
#include "util.h"

/* String tables. */

static const char *const action_names[PLAN_ACTION_MAX] = {
    [PLAN_SET_MTU_REQUEST] = "set-mtu-request",
    [PLAN_SET_LINK_MTU] = "set-link-mtu",
    [PLAN_DISABLE_LRO] = "disable-lro",
    [PLAN_REPLUG] = "replug",
};

const char *
plan_action_to_string(enum plan_action action)
{
    return action < PLAN_ACTION_MAX ? action_names[action] : "invalid";
}

static const char *const role_names[PLAN_ROLE_MAX] = {
    [ROLE_MEMBER] = "member",
    [ROLE_UPLINK] = "uplink",
    [ROLE_BOND] = "bond",
    [ROLE_BRIDGE] = "bridge",
    [ROLE_INTERNAL] = "internal",
    [ROLE_VLAN] = "vlan",
    [ROLE_OVERLAY] = "overlay",
    [ROLE_VIF] = "vif",
    [ROLE_HOST] = "host",
};

const char *
plan_role_to_string(enum plan_role role)
{
    return role < PLAN_ROLE_MAX ? role_names[role] : "invalid";
}

static const char *const kind_names[FINDING_KIND_MAX] = {
    [FINDING_POLICY_DRIFT] = "policy-drift",
    [FINDING_PORT_MTU_MISMATCH] = "port-mtu-mismatch",
    [FINDING_VIF_MTU_MISMATCH] = "vif-mtu-mismatch",
    [FINDING_OVS_REQUEST_NOT_APPLIED] = "ovs-request-not-applied",
    [FINDING_OVS_KERNEL_MISMATCH] = "ovs-kernel-mismatch",
    [FINDING_OVS_IFACE_ERROR] = "ovs-iface-error",
    [FINDING_REFUSED_DRIVER_JUMBO] = "driver-refused",
    [FINDING_LRO_FORWARDING] = "lro-forwarding",
    [FINDING_TCP_MTU_PROBING] = "tcp-mtu-probing",
    [FINDING_MISSING] = "missing",
    [FINDING_REFUSED] = "refused",
    [FINDING_OVERRIDE] = "override",
    [FINDING_OVS_UNREACHABLE] = "ovs-unreachable",
    [FINDING_UNMANAGED] = "unmanaged",
    [FINDING_BRIDGE_ABOVE_PORTS] = "bridge-above-ports",
};

const char *
finding_kind_to_string(enum finding_kind kind)
{
    return kind < FINDING_KIND_MAX ? kind_names[kind] : "invalid";
}

static const char *const severity_names[SEVERITY_MAX] = {
    [SEVERITY_INFO] = "info",
    [SEVERITY_DRIFT] = "drift",
    [SEVERITY_REFUSED] = "refused",
};

const char *
finding_severity_to_string(enum finding_severity severity)
{
    return severity < SEVERITY_MAX ? severity_names[severity] : "invalid";
}

/* Messages. */

void
plan_msg_add(struct msg *m, const char *fmt, ...)
{
    va_list args;
    int n;

    if (m->len >= sizeof m->s - 1) {
        return;
    }
    va_start(args, fmt);
    n = vsnprintf(m->s + m->len, sizeof m->s - m->len, fmt, args);
    va_end(args);
    if (n > 0) {
        m->len += (size_t) n;
        if (m->len > sizeof m->s - 1) {
            m->len = sizeof m->s - 1;
        }
    }
}

void
plan_msg_add_link(struct msg *m, const struct host_link *link)
{
    plan_msg_add(m, "%s (driver %s, ", link->name,
                 link->driver[0] ? link->driver : "unknown");
    if (link->has_pci) {
        plan_msg_add(m, "PCI %04x:%04x)", link->pci_vendor, link->pci_device);
    } else {
        plan_msg_add(m, "no PCI id)");
    }
}

void
plan_msg_add_rule(struct msg *m, const struct driver_judgement *j)
{
    plan_msg_add(m, "rule '%s'", j->rule ? j->rule : "");
    if (j->reason && j->reason[0]) {
        int len = (int) strlen(j->reason);

        /* The reason is a sentence; drop its full stop inside ours. */
        plan_msg_add(m, ": %.*s", len - (j->reason[len - 1] == '.'),
                     j->reason);
    }
    if (j->source && j->source[0]) {
        plan_msg_add(m, "; source: %s", j->source);
    }
}

/* Networks and findings. */

const struct policy_network *
planner_net(const struct planner *pl, size_t net)
{
    return &pl->policy->networks[net];
}

const char *
planner_net_name(const struct planner *pl, size_t net)
{
    return net == NO_NET ? "" : planner_net(pl, net)->name;
}

size_t
planner_net_of_bridge(const struct planner *pl, const char *bridge)
{
    size_t i = (pl->policy && bridge[0]
                ? name_index_find(pl->bridge_index, bridge)
                : NAME_INDEX_NONE);

    return i == NAME_INDEX_NONE ? NO_NET : i;
}

void
planner_add_finding(const struct planner *pl, struct finding_list *list,
                    enum finding_kind kind, enum finding_severity severity,
                    const char *ifname, size_t net, const struct msg *m)
{
    struct pending_finding *pf;

    grow_array((void **) &list->items, &list->allocated, list->n + 1,
               sizeof *list->items);
    pf = &list->items[list->n++];
    pf->net = net;
    pf->f.kind = kind;
    pf->f.severity = severity;
    copy_string(pf->f.ifname, ifname, sizeof pf->f.ifname);
    copy_string(pf->f.network, planner_net_name(pl, net),
                sizeof pf->f.network);
    copy_string(pf->f.message, m->s, sizeof pf->f.message);
}

void
planner_refuse(struct planner *pl, enum finding_kind kind, const char *ifname,
               size_t net, const struct msg *m)
{
    pl->refused[net] = true;
    planner_add_finding(pl, &pl->findings, kind, SEVERITY_REFUSED, ifname,
                        net, m);
}

/* Lifetime and entry points. */

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
    plan_audit_findings(&pl, plan);

    if (pl.findings.n) {
        qsort(pl.findings.items, pl.findings.n, sizeof *pl.findings.items,
              pending_finding_cmp);
    }
    plan->findings = xzalloc(pl.findings.n * sizeof *plan->findings);
    for (size_t i = 0; i < pl.findings.n; i++) {
        plan->findings[i] = pl.findings.items[i].f;
    }
    plan->n_findings = pl.findings.n;

    planner_destroy(&pl);
    *planp = plan;
    return 0;
}

void
plan_destroy(struct plan *plan)
{
    if (plan) {
        free(plan->steps);
        free(plan->findings);
        free(plan);
    }
}

size_t
plan_count_findings(const struct plan *plan, enum finding_severity severity)
{
    size_t n = 0;

    for (size_t i = 0; i < plan->n_findings; i++) {
        n += plan->findings[i].severity == severity;
    }
    return n;
}

/* Simulation. */

/* Returns the OVS interface named 'name' of 'host', or NULL. */
static struct host_ovs_iface *
find_ovs_iface_mutable(struct host *host, const char *name)
{
    return (struct host_ovs_iface *) host_find_ovs_iface(host, name, NULL,
                                                         NULL);
}

void
plan_simulate(const struct plan *plan, struct host *host)
{
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *s = &plan->steps[i];
        struct host_link *link = host_find_link_mutable(host, s->ifname);
        struct host_ovs_iface *iface;

        switch (s->action) {
        case PLAN_SET_MTU_REQUEST:
            iface = find_ovs_iface_mutable(host, s->ifname);
            if (iface) {
                iface->has_mtu_request = true;
                iface->mtu_request = s->to_mtu;
                iface->has_mtu = true;
                iface->mtu = s->to_mtu;
            }
            if (link) {
                link->mtu = s->to_mtu;
            }
            break;
        case PLAN_SET_LINK_MTU:
            if (link) {
                link->mtu = s->to_mtu;
            }
            break;
        case PLAN_DISABLE_LRO:
            if (link) {
                link->lro = LRO_OFF;
            }
            break;
        case PLAN_REPLUG:
        case PLAN_ACTION_MAX:
            break;
        }
    }
}
