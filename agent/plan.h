/* The planner: (policy, host model, driver table) -> findings and an ordered
 * plan.
 *
 * plan_compute() is pure: it reads only its arguments, does no I/O and logs
 * nothing.  Its output is plain data.  The findings explain every drift and
 * refusal in words an operator can act on; the steps, applied in order, take
 * the host to what the policy asks without ever putting an upper device above
 * its lower device on the way, made the way apply.c makes them: the
 * set-mtu-request steps where the first of them stands, which is why they
 * are always contiguous, one OVSDB transaction per tier of them in their
 * order (apply waits for vswitchd between tiers), and every other step on
 * its own, in order; replug steps come last, after every MTU step.  A
 * second plan computed over the host state that the first plan produces has
 * no steps. */
#ifndef JUMBOAGENT_PLAN_H
#define JUMBOAGENT_PLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "drivers.h"
#include "error.h"
#include "host.h"
#include "policy.h"

enum plan_action {
    PLAN_SET_MTU_REQUEST,       /* OVSDB Interface.mtu_request (OVS ports). */
    PLAN_SET_LINK_MTU,          /* netlink IFLA_MTU (links OVS does not own). */
    PLAN_DISABLE_LRO,           /* ethtool: large-receive-offload off. */
    PLAN_REPLUG,                /* Bounce the link down and up: planned
                                 * only where a driver needs it or the
                                 * operator asks (--replug, "replug"). */
    PLAN_ACTION_MAX
};

/* "set-mtu-request", "set-link-mtu", "disable-lro", "replug". */
const char *plan_action_to_string(enum plan_action);

/* The part an interface plays, which fixes its place in the order. */
enum plan_role {
    ROLE_MEMBER,                /* Bond member (OVS or kernel). */
    ROLE_UPLINK,                /* PIF: physical uplink of a bridge. */
    ROLE_BOND,                  /* Kernel bond/team device. */
    ROLE_BRIDGE,                /* Linux bridge device. */
    ROLE_INTERNAL,              /* OVS internal port (the bridge's own). */
    ROLE_VLAN,                  /* VLAN or macvlan on a lower device. */
    ROLE_OVERLAY,               /* VXLAN/Geneve/GRE device or its network. */
    ROLE_VIF,                   /* VM interface: vif, tap, vnet. */
    ROLE_HOST,                  /* Host-wide (sysctl, LRO on any link). */
    PLAN_ROLE_MAX
};

/* "member", "uplink", "bond", "bridge", "internal", "vlan", "overlay",
 * "vif", "host". */
const char *plan_role_to_string(enum plan_role);

struct plan_step {
    enum plan_action action;
    enum plan_role role;
    char ifname[HOST_NAME_SIZE];
    char network[64];           /* Policy network, "" if none. */
    char bridge[HOST_NAME_SIZE];/* Bridge the interface belongs to, or "". */
    bool from_set;              /* SET_MTU_REQUEST: mtu_request was set. */
    unsigned int from_mtu;      /* Current value (mtu_request if set, else
                                 * Interface.mtu, else the kernel MTU);
                                 * LRO: 1 if on. */
    unsigned int to_mtu;        /* Target; LRO: 0. */
    char reason[256];           /* Why this step, in words. */
};

enum finding_kind {
    FINDING_POLICY_DRIFT,       /* An interface is not at the policy's MTU. */
    FINDING_PORT_MTU_MISMATCH,  /* Ports of one bridge at different MTUs. */
    FINDING_VIF_MTU_MISMATCH,   /* A VIF differs from its bridge. */
    FINDING_OVS_REQUEST_NOT_APPLIED, /* mtu_request != Interface.mtu. */
    FINDING_OVS_KERNEL_MISMATCH,/* Interface.mtu != kernel MTU. */
    FINDING_OVS_IFACE_ERROR,    /* Interface.error set, ofport -1, or no
                                 * Interface.mtu and no kernel link (the
                                 * device is gone): skipped, no step. */
    FINDING_REFUSED_DRIVER_JUMBO, /* Jumbo already on a refused driver. */
    FINDING_LRO_FORWARDING,     /* LRO on while the host forwards. */
    FINDING_TCP_MTU_PROBING,    /* tcp_mtu_probing=0 with jumbo networks. */
    FINDING_MISSING,            /* Policy names an uplink that is not on its
                                 * bridge (refused), or a bridge that is
                                 * not on this host (info: nothing is done
                                 * for that network here). */
    FINDING_REFUSED,            /* The planner refused a change. */
    FINDING_OVERRIDE,           /* An override is in effect. */
    FINDING_OVS_UNREACHABLE,    /* OVSDB could not be read. */
    FINDING_UNMANAGED,          /* On a policy bridge, but left alone: not
                                 * in 'uplinks' or 'vifs', a tunnel port, a
                                 * lower device not in the model. */
    FINDING_BRIDGE_ABOVE_PORTS, /* A Linux bridge, or an OVS internal port
                                 * pinned by mtu_request, above the MTU of
                                 * its bridge's uplinks. */
    FINDING_GUEST_NIC_MTU,      /* A VM's emulated NIC model (libvirt)
                                 * cannot use its network's MTU. */
    FINDING_KIND_MAX
};

/* Stable kebab-case ids: "policy-drift", "port-mtu-mismatch", ... */
const char *finding_kind_to_string(enum finding_kind);

enum finding_severity {
    SEVERITY_INFO,              /* Worth knowing; not drift. */
    SEVERITY_DRIFT,             /* Host differs from what it should be. */
    SEVERITY_REFUSED,           /* Unsafe; the change will not be made. */
    SEVERITY_MAX
};

/* "info", "drift", "refused". */
const char *finding_severity_to_string(enum finding_severity);

struct finding {
    enum finding_kind kind;
    enum finding_severity severity;
    char ifname[HOST_NAME_SIZE];/* Interface concerned, or "". */
    char network[64];           /* Policy network concerned, or "". */
    char message[768];          /* What is wrong and what to do. */
};

struct plan {
    struct plan_step *steps;    /* Owned array, in execution order; the
                                 * set-mtu-request steps are contiguous. */
    size_t n_steps;
    struct finding *findings;   /* Owned array. */
    size_t n_findings;
};

/* Computes findings and the ordered steps that take 'host' to what 'policy'
 * asks for, judged against 'drivers'.  'policy' may be NULL: the plan then
 * holds only the audit's findings and no steps (LRO is turned off only on
 * interfaces that a policy network manages).  'drivers' may be NULL (no
 * table: only runtime limits apply).
 *
 * Pure: reads only its arguments.  On success returns 0 and stores a new plan
 * in '*planp' (free with plan_destroy()).  Refusals are findings, not
 * failures.  On failure (an internal inconsistency such as a dependency
 * cycle) returns a negative errno value and describes it in 'err'. */
int plan_compute(const struct policy *policy, const struct host *host,
                 const struct driver_table *drivers, struct plan **planp,
                 struct error *err);

/* Frees 'plan'.  Accepts NULL. */
void plan_destroy(struct plan *plan);

/* Applies the steps of 'plan' to the host model 'host' in memory, as if
 * they had all succeeded: an OVS step sets mtu_request, Interface.mtu and
 * the kernel MTU; a link step sets the kernel MTU (a Linux bridge without a
 * step of its own keeps its MTU: auto-tuning is not modelled); an LRO step
 * turns LRO off.  Does not touch the real host.  Used by tests to prove
 * that a plan over the result has no steps, and by the audit to tell the
 * facts that the plan fixes from the ones it leaves. */
void plan_simulate(const struct plan *plan, struct host *host);

/* Counts of findings by severity. */
size_t plan_count_findings(const struct plan *, enum finding_severity);

/* Writes the findings and the numbered steps as text, the format of
 * --dry-run and of the planner's golden test files. */
void plan_format_text(const struct plan *, FILE *);

#endif /* plan.h */
