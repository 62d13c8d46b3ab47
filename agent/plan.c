/* A plan as a value: the names of its actions, roles and findings, its
 * lifetime, its counts, and plan_simulate(), which applies it to a host
 * model in memory.  See plan.h.  This file is the bottom of the planner:
 * it calls nothing of the planner's other files.  plan_compute() stands on
 * top, in plan-compute.c; plan-format.c writes a plan as text. */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

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
    [FINDING_GUEST_NIC_MTU] = "guest-nic-mtu",
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

/* Lifetime and counts. */

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
