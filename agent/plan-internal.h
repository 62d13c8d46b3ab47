/* The planner's insides: what the files of plan_compute() share.
 *
 * plan_compute() (plan-compute.c, the top) runs its stages, which the
 * comment at the top of plan-compute.c describes, over one scratch
 * 'struct planner'.  Each stage calls only the files below it:
 *
 *   plan-audit.c    5. audit: facts that hold with or without a policy
 *   plan-order.c    4. ordering: the OVS block, the topological sort
 *   plan-steps.c    4. steps: MTU, drift and LRO
 *   plan-resolve.c  3. resolution: targets, unsafe lowering, VLAN MTUs
 *   plan-checks.c   2. checks: limits, drivers, management, IPv6, overlays
 *   plan-claims.c   1. claims: networks, bridges, roles (nodes and claims)
 *   plan-host.c     the questions every stage asks of the host model (OVS
 *                   classes, fake bridges, tunnel overheads...)
 *   plan-msg.c      the message builder, the networks, the findings
 *   plan.c          a plan as a value, and plan_simulate()
 *
 * Not installed, and included by agent/plan*.c only. */
#ifndef JUMBOAGENT_PLAN_INTERNAL_H
#define JUMBOAGENT_PLAN_INTERNAL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers.h"
#include "error.h"
#include "host.h"
#include "name-index.h"
#include "plan.h"
#include "policy.h"

/* Plain Ethernet: the most a refused driver may carry, and the line above
 * which an MTU counts as jumbo. */
#define STD_MTU 1500

/* Deepest chain of stacked devices followed (VLAN on bond on NICs...). */
#define MAX_STACK_DEPTH 16

/* "No network" for findings and steps that belong to none. */
#define NO_NET SIZE_MAX

/* A finding on its way into the plan, with the index of its network for
 * sorting. */
struct pending_finding {
    size_t net;                 /* Index in the policy, or NO_NET. */
    struct finding f;
};

/* A growable array of pending findings. */
struct finding_list {
    struct pending_finding *items;
    size_t n, allocated;
};

/* What one network asks of one interface. */
struct claim {
    size_t net;                 /* Index of the network in the policy. */
    bool exact;                 /* True: exactly 'mtu' (a managed port).
                                 * False: at least 'mtu' (a device under a
                                 * managed port); never lowers anything. */
    enum plan_role role;
    unsigned int mtu;
    char why[160];              /* "at least" claims: "lower device of VLAN
                                 * eth0.100", "member of bond bond0"... */
};

/* One interface that some network claims. */
struct node {
    char name[HOST_NAME_SIZE];
    const struct host_link *link;           /* Kernel link, or NULL. */
    const struct host_ovs_iface *iface;     /* OVS interface, or NULL. */
    struct claim *claims;
    size_t n_claims;
    bool override_reported;     /* FINDING_OVERRIDE already added. */
};

/* What a node's claims come to. */
struct resolution {
    const struct claim *winner; /* Claim that sets the target. */
    bool exact;                 /* Some claim is exact. */
    unsigned int target;
};

/* A step with its sort keys. */
struct pending_step {
    int phase;                  /* 0: LRO, 1: lowering, 2: raising. */
    int rank;                   /* Role position within the phase. */
    size_t net;                 /* Network index, or NO_NET. */
    const struct host_link *link;   /* For the lower/bond constraints. */
    struct plan_step s;
};

/* The scratch state of one plan_compute() call: what the stages read and
 * what they build.  It borrows its inputs and owns the rest. */
struct planner {
    const struct policy *policy;    /* NULL: audit only. */
    const struct host *host;
    const struct driver_table *drivers;

    struct node **nodes;
    size_t n_nodes, allocated_nodes;
    struct name_index *node_index;  /* Node name -> position in 'nodes'. */
    struct name_index *bridge_index;    /* Network bridge -> network. */
    bool *refused;              /* Per policy network. */

    struct finding_list findings;
    struct pending_step *steps;
    size_t n_steps, allocated_steps;
};

/* A message under construction: appends clamp at the end. */
struct msg {
    char s[sizeof ((struct finding *) NULL)->message];
    size_t len;
};

/* plan-msg.c: messages, networks, findings. */

/* Appends the printf-style 'fmt' to 'm', cut off at the end of 'm'. */
void plan_msg_add(struct msg *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes "eth4 (driver enic, PCI 1137:0043)" for 'link' into 'm'. */
void plan_msg_add_link(struct msg *m, const struct host_link *link);

/* Writes "rule 'driver enic': REASON; source: SOURCE" for 'j'. */
void plan_msg_add_rule(struct msg *m, const struct driver_judgement *j);

/* Returns network 'net' of the planner's policy, which must be nonnull. */
const struct policy_network *planner_net(const struct planner *pl,
                                         size_t net);

/* Returns the name of network 'net', or "" if 'net' is NO_NET. */
const char *planner_net_name(const struct planner *pl, size_t net);

/* Returns the index of the policy network whose bridge is 'bridge', or
 * NO_NET (always NO_NET without a policy). */
size_t planner_net_of_bridge(const struct planner *pl, const char *bridge);

/* Adds a finding with the message 'm' to 'list'. */
void planner_add_finding(const struct planner *pl, struct finding_list *list,
                         enum finding_kind kind,
                         enum finding_severity severity, const char *ifname,
                         size_t net, const struct msg *m);

/* Refuses network 'net' with a finding of 'kind' on 'ifname'. */
void planner_refuse(struct planner *pl, enum finding_kind kind,
                    const char *ifname, size_t net, const struct msg *m);

/* plan-host.c: the host model as the planner reads it. */

/* Why the OVS interface 'iface' has no working device behind it. */
enum plan_ovs_stale {
    OVS_LIVE,                   /* It has one (or cannot tell: tunnels,
                                 * patch ports). */
    OVS_STALE_ERROR,            /* vswitchd could not open it: ofport -1 or
                                 * Interface.error. */
    OVS_STALE_GONE,             /* No Interface.mtu and no kernel link: the
                                 * device is gone (a removed NIC, the VIF
                                 * of a VM that crashed). */
};

/* True if 'link' is a kernel bond or team device. */
bool plan_host_is_bond(const struct host_link *link);

/* Bytes that a tunnel device adds to each packet on its lower device. */
unsigned int plan_host_overhead(const struct host_link *link);

/* A word for what 'link' is, for messages: "VLAN", "VXLAN tunnel"... */
const char *plan_host_noun(const struct host_link *link);

/* True if the OVS interface type of 'iface' is 'type' ("internal"...). */
bool plan_host_ovs_type_is(const struct host_ovs_iface *iface,
                           const char *type);

/* True if 'name' matches one of the 'vifs' globs of 'pn' (may be NULL). */
bool plan_host_vif_glob(const struct policy_network *pn, const char *name);

/* The role of 'iface' of 'port' on the bridge or fake bridge named
 * 'bridge' for the network 'pn' (may be NULL), whose 'vifs' patterns make
 * VIFs: host_ovs_iface_role(), as "show" sees it plus the patterns. */
enum host_role plan_host_ovs_role(const char *bridge,
                                  const struct host_ovs_port *port,
                                  const struct host_ovs_iface *iface,
                                  const struct policy_network *pn);

/* True if 'port' is an OVS fake bridge: a port with a VLAN tag whose one
 * interface is an internal port of the same name.  "ovs-vsctl add-br
 * xapi5 xenbr1 105" makes one, and XenServer puts each VLAN network on
 * one. */
bool plan_host_is_fake_bridge(const struct host_ovs_port *port);

/* Returns the fake bridge on 'br' that 'port' belongs to (the fake bridge
 * with the same tag; a fake bridge belongs to itself), or NULL if 'port'
 * is untagged or no fake bridge has its tag: then the port belongs to 'br'
 * itself, as the tagged VM ports of an OpenStack br-int do. */
const struct host_ovs_port *plan_host_fake_bridge_of(
    const struct host_ovs_bridge *br, const struct host_ovs_port *port);

/* Returns the fake bridge named 'name', and its parent bridge in '*brp', or
 * NULL if there is none. */
const struct host_ovs_port *plan_host_find_fake_bridge(
    const struct host *host, const char *name,
    const struct host_ovs_bridge **brp);

/* Tells whether the OVS interface 'iface' of 'host' has a working device
 * behind it, and if not, why. */
enum plan_ovs_stale plan_host_ovs_stale(const struct host *host,
                                        const struct host_ovs_iface *iface);

/* The MTU of the OVS interface 'iface' as the kernel (else vswitchd)
 * reports it, or 0. */
unsigned int plan_host_ovs_mtu(const struct host *host,
                               const struct host_ovs_iface *iface);

/* The smallest MTU at which the uplinks of the OVS bridge 'br' (its
 * untagged system ports, classified for the network 'pn', which may be
 * NULL) now run, or 0 if it has none; the name of one uplink at that MTU
 * goes into 'name'. */
unsigned int plan_host_uplinks_mtu(const struct host *host,
                                   const struct host_ovs_bridge *br,
                                   const struct policy_network *pn,
                                   char name[HOST_NAME_SIZE]);

/* Writes into 'buf' (of 'size' bytes) the bridge that 'name' belongs to:
 * its OVS bridge (or fake bridge), or the Linux bridge it is (or whose
 * bond it is) a port of, or "". */
void plan_host_owning_bridge(const struct host *host, const char *name,
                             char *buf, size_t size);

/* Returns 0 if the master and lower devices of the links of 'host' form no
 * loop.  Otherwise returns -ELOOP and names the loop in 'err'. */
int plan_host_check_loops(const struct host *host, struct error *err);

/* plan-claims.c: stage 1, claims. */

/* Returns the node named 'name' of 'pl', or NULL if no network claims it. */
struct node *plan_node_find(const struct planner *pl, const char *name);

/* What vswitchd or the kernel says the interface runs at. */
unsigned int plan_node_actual(const struct node *node);

/* The value a step changes: mtu_request if set, else the actual MTU. */
unsigned int plan_node_current(const struct node *node);

/* Finds the bridge of network 'net' and claims its interfaces and the
 * devices under them.  Returns true, or, if the bridge is not on this host,
 * adds a finding that says so and returns false. */
bool plan_claims_network(struct planner *pl, size_t net);

/* Adds a warning (drift) for each override of the policy that names an
 * interface that is not on this host. */
void plan_claims_overrides(struct planner *pl);

/* plan-checks.c: stage 2, checks. */

/* Refuses network 'net' if its MTU is below the IPv6 minimum while the
 * host has IPv6 on, or if it is an overlay network that does not fit in
 * its underlay network. */
void plan_checks_network(struct planner *pl, size_t net);

/* Judges every claim against the management rule, the kernel's limits, the
 * driver table and the overrides, and each network's bridge device against
 * the management rule; refuses the networks that fail.  Also warns of
 * overrides that name no interface of the host. */
void plan_checks_claims(struct planner *pl);

/* The network MTU that would make claim 'c' fit under 'limit'. */
unsigned int plan_checks_fitting_mtu(const struct planner *pl,
                                     const struct claim *c,
                                     unsigned int limit);

/* plan-resolve.c: stage 3, resolution. */

/* Works out what 'node' should be, from the claims of networks that are not
 * refused (or of all networks, if 'with_refused'), into 'r'.  Returns false
 * if no claim counts. */
bool plan_resolve_node(const struct planner *pl, const struct node *node,
                       bool with_refused, struct resolution *r);

/* Refuses each network that would lower a device under an upper device
 * (VLAN, macvlan, tunnel) that no network manages: the kernel would drag a
 * VLAN down with it, and a tunnel would drop what no longer fits.  Refusing
 * one network changes what the others resolve to, so this repeats until
 * nothing changes.  Returns true if it refused a network. */
bool plan_resolve_refuse_lowering(struct planner *pl);

/* Refuses a network on an OVS fake bridge (a VLAN) whose MTU is above what
 * the uplinks of the parent bridge will carry: the MTU of the parent's
 * network, or, if the policy does not change the parent, what its uplinks
 * run at now.  Refuses a parent network that would lower its uplinks under
 * a fake bridge that no network manages.  Returns true if it refused a
 * network. */
bool plan_resolve_refuse_vlans(struct planner *pl);

/* plan-steps.c: stage 4, the steps and the drift they fix. */

/* Replaces the steps with one for every interface that a network that is
 * not refused will change, and, after all of them, a replug step for each
 * changed uplink or bond member that the operator or the driver table asks
 * to bounce, off the management path. */
void plan_steps_mtu(struct planner *pl);

/* Adds a drift finding for every interface not at what the policy wants,
 * refused networks included, and an info finding for each bounce asked for
 * on the management path (which is never made). */
void plan_steps_drift(struct planner *pl);

/* LRO on a forwarding host: a finding for every link with LRO on, and a
 * step for those that a policy network manages, that can turn it off and
 * that are not on the management path (unless their network says
 * "management": true): turning LRO off resets the link on some NICs
 * (ixgbe, i40e, bnx2x). */
void plan_steps_lro(struct planner *pl);

/* plan-order.c: stage 4, the order of the steps. */

/* apply.c makes all OVS steps at once, at the position of the first, and
 * the link steps one by one in plan order; so a link step that must come
 * after one OVS step and before another has no safe place.  Refuses the
 * networks of each such step and of the OVS steps around it.  Returns true
 * if it refused a network: the steps must then be planned again. */
bool plan_order_refuse_conflicts(struct planner *pl);

/* Orders the steps by phase, role, network and name, then moves a step
 * after the ones that it depends on (a stable topological sort), with all
 * OVS steps taken as one block at the position where apply.c makes them,
 * and stores them in 'plan', whose 'steps' it allocates.  Returns 0, or
 * -ELOOP (described in 'err') if the dependencies form a cycle.
 * plan_order_refuse_conflicts() has left no link step that must come both
 * after and before OVS steps. */
int plan_order_steps(struct planner *pl, struct plan *plan,
                     struct error *err);

/* plan-audit.c: stage 5, the audit. */

/* Adds to the planner's findings the audit's findings on its host that
 * still hold once 'plan' is applied.  A VIF with a policy drift finding
 * gets no VIF_MTU_MISMATCH: the drift says the same. */
void plan_audit_findings(struct planner *pl, const struct plan *plan);

#endif /* plan-internal.h */
