/* Stage 4 of plan_compute(), steps: one step for every interface whose
 * state differs from its target, lowering or raising, with the sort keys
 * (phase and role rank) that plan-order.c orders them by; a drift finding
 * for every interface not at what the policy wants; and, on a forwarding
 * host, a finding for every link with LRO on and a step that turns it off
 * where a policy network manages the link off the management path.  See
 * the comment at the top of plan.c. */
#include "plan-internal.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* Position of each role when raising: lower devices first.  Lowering uses
 * the reverse. */
static const int raise_rank[PLAN_ROLE_MAX] = {
    [ROLE_MEMBER] = 0,
    [ROLE_UPLINK] = 1,
    [ROLE_BOND] = 2,
    [ROLE_BRIDGE] = 3,
    [ROLE_INTERNAL] = 3,
    [ROLE_VLAN] = 4,
    [ROLE_OVERLAY] = 5,
    [ROLE_VIF] = 6,
    [ROLE_HOST] = 0,
};
#define MAX_RANK 6

/* MTU steps and drift. */

/* Returns a new, zeroed step at the end of the planner's steps. */
static struct pending_step *
step_append(struct planner *pl)
{
    struct pending_step *ps;

    grow_array((void **) &pl->steps, &pl->allocated_steps, pl->n_steps + 1,
               sizeof *pl->steps);
    ps = &pl->steps[pl->n_steps++];
    memset(ps, 0, sizeof *ps);
    return ps;
}

/* Writes why a step on an interface in claim 'c''s role is where it is. */
static void
step_reason(char *buf, size_t size, const struct claim *c, bool lowering,
            bool pin)
{
    const char *text = "";

    if (pin) {
        text = (c->role == ROLE_INTERNAL
                ? "pin the internal port: unpinned it follows the smallest "
                  "port"
                : "pin it with mtu_request so that vswitchd keeps it");
    } else if (!c->exact) {
        text = c->why;
    } else {
        switch (c->role) {
        case ROLE_MEMBER:
            text = (lowering ? "lower bond member after its bond"
                    : "raise bond member before its bond");
            break;
        case ROLE_UPLINK:
            text = (lowering ? "lower uplink after the bridge"
                    : "raise uplink before the bridge");
            break;
        case ROLE_BOND:
            text = (lowering ? "lower bond before its members"
                    : "raise bond after its members");
            break;
        case ROLE_BRIDGE:
            text = "set explicitly: a Linux bridge follows its smallest port";
            break;
        case ROLE_INTERNAL:
            text = (lowering ? "lower internal port before the uplinks"
                    : "raise internal port after the uplinks");
            break;
        case ROLE_VLAN:
            text = (lowering ? "lower VLAN before the devices under it"
                    : "raise VLAN after the devices under it");
            break;
        case ROLE_OVERLAY:
            text = (lowering ? "lower tunnel before its underlay"
                    : "raise tunnel after its underlay");
            break;
        case ROLE_VIF:
            text = (lowering ? "lower VM interface first"
                    : "raise VM interface last");
            break;
        case ROLE_HOST:
        case PLAN_ROLE_MAX:
            break;
        }
    }
    copy_string(buf, text, size);
}

/* Appends the step that takes 'node' to what 'r' says. */
static void
add_mtu_step(struct planner *pl, const struct node *node,
             const struct resolution *r)
{
    const struct claim *c = r->winner;
    struct pending_step *ps = step_append(pl);
    struct plan_step *s = &ps->s;
    unsigned int from = plan_node_current(node);
    bool lowering = r->target < from;

    ps->phase = lowering ? 1 : 2;
    ps->rank = lowering ? MAX_RANK - raise_rank[c->role]
                        : raise_rank[c->role];
    ps->net = c->net;
    ps->link = node->link;

    s->action = node->iface ? PLAN_SET_MTU_REQUEST : PLAN_SET_LINK_MTU;
    s->role = c->role;
    copy_string(s->ifname, node->name, sizeof s->ifname);
    copy_string(s->network, planner_net_name(pl, c->net), sizeof s->network);
    plan_host_owning_bridge(pl->host, node->name, s->bridge, sizeof s->bridge);
    s->from_set = node->iface && node->iface->has_mtu_request;
    s->from_mtu = from;
    s->to_mtu = r->target;
    step_reason(s->reason, sizeof s->reason, c, lowering, from == r->target);
}

/* Adds the drift finding of 'node', which is not at what 'r' says. */
static void
report_drift(struct planner *pl, const struct node *node,
             const struct resolution *r)
{
    const struct claim *c = r->winner;
    const char *net = planner_net_name(pl, c->net);
    unsigned int actual = plan_node_actual(node);
    struct msg m = { .len = 0 };

    if (node->iface && r->exact && actual == r->target) {
        if (node->iface->has_mtu_request) {
            plan_msg_add(&m, "%s is at %u, but its mtu_request is %u, which "
                         "vswitchd applies on its next reconfiguration; "
                         "network %s wants %u", node->name, actual,
                         node->iface->mtu_request, net, r->target);
        } else if (c->role == ROLE_INTERNAL) {
            plan_msg_add(&m, "%s is at %u, but its mtu_request is unset, so "
                         "it follows the smallest port of its bridge; network "
                         "%s pins it at %u", node->name, actual, net,
                         r->target);
        } else {
            plan_msg_add(&m, "%s is at %u, but its mtu_request is unset, so "
                         "nothing keeps it there; network %s pins it at %u",
                         node->name, actual, net, r->target);
        }
    } else if (c->exact) {
        plan_msg_add(&m, "%s is at %u; network %s wants %u", node->name,
                     actual, net, r->target);
    } else {
        plan_msg_add(&m, "%s is at %u; as the %s it needs at least %u for "
                     "network %s", node->name, actual, c->why, r->target, net);
    }
    planner_add_finding(pl, &pl->findings, FINDING_POLICY_DRIFT,
                        SEVERITY_DRIFT, node->name, c->net, &m);
}

/* True if 'node' needs a step to reach 'r': an OVS interface that a network
 * manages must have its own mtu_request at the target (an "at least" claim
 * only raises); a kernel link must be at the target. */
static bool
node_needs_step(const struct node *node, const struct resolution *r)
{
    if (node->iface) {
        if (r->exact) {
            return (!node->iface->has_mtu_request
                    || node->iface->mtu_request != r->target);
        }
        return plan_node_current(node) != r->target;
    }
    return node->link && node->link->mtu != r->target;
}

/* A network that changes one end of a veth pair between bridges and leaves
 * the other to no network (or to one at another MTU) splits the pair: a
 * finding per such end.  Where networks claim both ends, each end has its own step. */
static void
report_split_veths(struct planner *pl)
{
    for (size_t i = 0; i < pl->n_nodes; i++) {
        const struct node *node = pl->nodes[i];
        const struct host_link *peer;
        const struct node *pnode;
        struct resolution r, pr;
        unsigned int pmtu;
        char bridge[HOST_NAME_SIZE];
        struct msg m = { .len = 0 };

        if (!node->link || node->link->kind != LINK_KIND_VETH
            || !node->link->peer[0]
            || !plan_resolve_node(pl, node, false, &r)
            || r.target == node->link->mtu) {
            continue;
        }
        peer = host_find_link(pl->host, node->link->peer);
        pnode = plan_node_find(pl, node->link->peer);
        if (!peer) {
            continue;
        }
        pmtu = (pnode && plan_resolve_node(pl, pnode, false, &pr)
                ? pr.target : peer->mtu);
        if (pmtu == r.target) {
            continue;
        }
        plan_host_owning_bridge(pl->host, peer->name, bridge, sizeof bridge);
        if (!bridge[0]) {
            continue;           /* Not between bridges (see plan-audit.c). */
        }
        plan_msg_add(&m, "network %s sets %s to %u, but its veth peer %s%s%s "
                     "stays at %u", planner_net_name(pl, r.winner->net),
                     node->name, r.target, peer->name,
                     bridge[0] ? " on " : "", bridge, pmtu);
        if (!pnode) {
            plan_msg_add(&m, " (no network of the policy claims it)");
        }
        plan_msg_add(&m, ", so frames above %u are dropped between the two "
                     "bridges; add a network for %s at %u, or keep "
                     "networks[%zu].mtu at %u",
                     pmtu < r.target ? pmtu : r.target,
                     bridge[0] ? bridge : peer->name, r.target,
                     r.winner->net, pmtu);
        planner_add_finding(pl, &pl->findings, FINDING_PORT_MTU_MISMATCH,
                            SEVERITY_DRIFT, node->name, r.winner->net, &m);
    }
}

/* Replug steps. */

/* Phase of the replug steps: after every MTU step (apply bounces a link
 * only once every change is made and verified). */
#define REPLUG_PHASE 3

/* Writes into 'm' why 'link', of network 'net', should be bounced, or
 * leaves 'm' empty if nothing asks for it: the operator (--replug, or
 * "replug": true on its network) or the driver table. */
static void
replug_why(const struct planner *pl, const struct host_link *link,
           size_t net, struct msg *m)
{
    const struct driver_entry *d = (pl->drivers
                                    ? driver_table_find(pl->drivers,
                                                        link->driver)
                                    : NULL);

    if (pl->policy->replug == POLICY_REPLUG_NEVER) {
        return;
    }
    if (d && d->reset_source) {
        plan_msg_add(m, "driver %s needs a link reset to use a new MTU "
                     "(source: %s)", d->name, d->reset_source);
    } else if (pl->policy->replug == POLICY_REPLUG_ALL) {
        plan_msg_add(m, "asked for by --replug");
    } else if (net != NO_NET && planner_net(pl, net)->replug) {
        plan_msg_add(m, "network %s asks for it (\"replug\": true)",
                     planner_net_name(pl, net));
    }
}

/* Decides whether the MTU step 'ps' gets a replug step: where something
 * asks for one (see replug_why(), which fills 'why') and the link is a
 * physical uplink or bond member (Ethernet or veth) that is up with
 * carrier and changes its kernel MTU.  Returns false if not; true with
 * '*mgmtp' NULL if it does; true with '*mgmtp' set if it would but the link
 * is on the management path (the link that carries the default route, or
 * "" for a network with "management": true), where it never does. */
static bool
replug_wanted(const struct planner *pl, const struct pending_step *ps,
              struct msg *why, const char **mgmtp)
{
    const struct plan_step *mtu = &ps->s;
    const struct host_link *link = host_find_link(pl->host, mtu->ifname);

    *mgmtp = NULL;
    if ((mtu->action != PLAN_SET_MTU_REQUEST
         && mtu->action != PLAN_SET_LINK_MTU)
        || (mtu->role != ROLE_UPLINK && mtu->role != ROLE_MEMBER)
        || !link || link->mtu == mtu->to_mtu
        || (link->kind != LINK_KIND_ETHER && link->kind != LINK_KIND_VETH)
        || !link->up || strcmp(link->operstate, "up")) {
        return false;
    }
    replug_why(pl, link, ps->net, why);
    if (!why->len) {
        return false;
    }
    *mgmtp = host_management_path(pl->host, link->name);
    if (!*mgmtp && ps->net != NO_NET && planner_net(pl, ps->net)->management) {
        *mgmtp = "";
    }
    return true;
}

/* Appends a replug step after the MTU steps for the MTU step at index 'i',
 * if replug_wanted() says so and it is off the management path. */
static void
add_replug_step(struct planner *pl, size_t i)
{
    struct msg why = { .len = 0 };
    struct pending_step *ps;
    struct plan_step bounce;
    const char *mgmt;
    size_t net;

    if (!replug_wanted(pl, &pl->steps[i], &why, &mgmt) || mgmt) {
        return;
    }
    bounce = pl->steps[i].s;
    net = pl->steps[i].net;
    bounce.action = PLAN_REPLUG;
    plan_msg_add(&why, "; bounced after the MTU change (%u -> %u), one link "
                 "at a time, back up with carrier before the next",
                 bounce.from_mtu, bounce.to_mtu);
    copy_string(bounce.reason, why.s, sizeof bounce.reason);
    ps = step_append(pl);       /* May move pl->steps. */
    ps->phase = REPLUG_PHASE;
    ps->rank = 0;
    ps->net = net;
    ps->link = NULL;
    ps->s = bounce;
}

/* Adds an info finding for each of the final MTU steps that would get a
 * replug step but is on the management path. */
static void
report_replug_management(struct planner *pl)
{
    for (size_t i = 0; pl->policy && i < pl->n_steps; i++) {
        const struct pending_step *ps = &pl->steps[i];
        struct msg why = { .len = 0 };
        struct msg m = { .len = 0 };
        const char *mgmt;

        if (!replug_wanted(pl, ps, &why, &mgmt) || !mgmt) {
            continue;
        }
        plan_msg_add(&m, "not replugged although %s: ", why.s);
        if (mgmt[0]) {
            plan_msg_add(&m, "it is on the host's management path (the "
                         "default route leaves through %s)", mgmt);
        } else {
            plan_msg_add(&m, "its network %s carries the management path "
                         "(\"management\": true)",
                         planner_net_name(pl, ps->net));
        }
        plan_msg_add(&m, ", and a bounce there can cut this host off; "
                     "bounce it by hand from the console if it must be");
        planner_add_finding(pl, &pl->findings, FINDING_UNMANAGED,
                            SEVERITY_INFO, ps->s.ifname, ps->net, &m);
    }
}

void
plan_steps_drift(struct planner *pl)
{
    report_split_veths(pl);
    report_replug_management(pl);
    for (size_t i = 0; i < pl->n_nodes; i++) {
        const struct node *node = pl->nodes[i];
        struct resolution r;

        if (plan_resolve_node(pl, node, true, &r)
            && node_needs_step(node, &r)) {
            report_drift(pl, node, &r);
        }
    }
}

/* Pins: OVS internal ports that no network manages. */

/* True if a network that is not refused claims the interface 'name'. */
static bool
name_is_managed(const struct planner *pl, const char *name)
{
    const struct node *node = plan_node_find(pl, name);

    for (size_t i = 0; node && i < node->n_claims; i++) {
        if (!pl->refused[node->claims[i].net]) {
            return true;
        }
    }
    return false;
}

/* Returns the first step of 'pl' on the interface 'name', or NULL.
 * 'steps' indexes the steps of 'pl' by interface name (add_pin_steps()
 * keeps it up to date): scanning the steps for each port of a bridge took
 * time in the square of its ports. */
static const struct plan_step *
step_on(const struct planner *pl, const struct name_index *steps,
        const char *name)
{
    size_t i = name_index_find(steps, name);

    return i == NAME_INDEX_NONE ? NULL : &pl->steps[i].s;
}

/* True if vswitchd sets the MTU of 'iface' itself: an internal port
 * without mtu_request follows the smallest of the other ports of its
 * bridge (ofproto's min-follow rule, in the kernel and the userspace
 * datapath alike; a pinned internal port counts as one of those ports). */
static bool
ovs_iface_follows(const struct host_ovs_iface *iface)
{
    return (plan_host_ovs_type_is(iface, "internal")
            && !iface->has_mtu_request);
}

/* The MTU that the internal ports of 'br' that follow will take once the
 * steps of 'pl' are made: the smallest MTU of the other ports, or 0 if
 * there is none.  '*changes' is set if a step changes one of those
 * ports. */
static unsigned int
bridge_follow_mtu(const struct planner *pl, const struct name_index *steps,
                  const struct host_ovs_bridge *br, bool *changes)
{
    unsigned int min = 0;

    *changes = false;
    for (size_t p = 0; p < br->n_ports; p++) {
        const struct host_ovs_port *port = &br->ports[p];

        for (size_t i = 0; i < port->n_ifaces; i++) {
            const struct host_ovs_iface *iface = &port->ifaces[i];
            const struct plan_step *s = step_on(pl, steps, iface->name);
            unsigned int mtu = plan_host_ovs_mtu(pl->host, iface);

            if (s && s->action == PLAN_SET_MTU_REQUEST) {
                *changes = true;
                mtu = s->to_mtu;
            } else if (ovs_iface_follows(iface)
                       || plan_host_ovs_type_is(iface, "patch")
                       || plan_host_ovs_stale(pl->host, iface) != OVS_LIVE) {
                continue;
            }
            if (mtu && (!min || mtu < min)) {
                min = mtu;
            }
        }
    }
    return min;
}

/* vswitchd moves every internal port without mtu_request to the smallest
 * MTU of the other ports of its bridge whenever they change.  So on each
 * OVS bridge whose ports the steps change, pins every such internal port
 * (fake bridges and tagged or untagged internal ports alike) that no
 * network manages at the MTU it has now, with a step of its own in the
 * same OVSDB transaction: what no network names must not move.  A fake
 * bridge that the parent network would lower under itself is refused
 * before this (plan_resolve_refuse_vlans()). */
static void
add_pin_steps(struct planner *pl)
{
    const struct host *host = pl->host;
    struct name_index *steps = name_index_create();

    for (size_t i = 0; i < pl->n_steps; i++) {
        name_index_add(steps, pl->steps[i].s.ifname, i);
    }
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];
        bool changes;
        unsigned int follow = bridge_follow_mtu(pl, steps, br, &changes);

        for (size_t p = 0; changes && p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];

            for (size_t i = 0; i < port->n_ifaces; i++) {
                const struct host_ovs_iface *iface = &port->ifaces[i];
                unsigned int mtu = plan_host_ovs_mtu(host, iface);
                struct pending_step *ps;
                struct plan_step *s;

                if (!ovs_iface_follows(iface) || !mtu
                    || plan_host_ovs_stale(host, iface) != OVS_LIVE
                    || name_is_managed(pl, iface->name)
                    || step_on(pl, steps, iface->name)) {
                    continue;
                }
                ps = step_append(pl);
                s = &ps->s;
                ps->phase = 2;
                ps->rank = raise_rank[ROLE_INTERNAL];
                ps->net = NO_NET;
                ps->link = host_find_link(host, iface->name);
                s->action = PLAN_SET_MTU_REQUEST;
                s->role = (plan_host_is_fake_bridge(port)
                           || strcmp(port->name, br->name)
                           ? ROLE_VLAN : ROLE_INTERNAL);
                copy_string(s->ifname, iface->name, sizeof s->ifname);
                plan_host_owning_bridge(host, iface->name, s->bridge,
                                        sizeof s->bridge);
                s->from_set = false;
                s->from_mtu = mtu;
                s->to_mtu = mtu;
                snprintf(s->reason, sizeof s->reason,
                         "pin %s at %u: it follows the smallest port of %s "
                         "(%u after this plan), and no network names it",
                         iface->name, mtu, br->name, follow);
                name_index_add(steps, s->ifname, pl->n_steps - 1);
            }
        }
    }
    name_index_destroy(steps);
}

void
plan_steps_mtu(struct planner *pl)
{
    size_t n_mtu;

    pl->n_steps = 0;
    for (size_t i = 0; i < pl->n_nodes; i++) {
        const struct node *node = pl->nodes[i];
        struct resolution r;

        if (plan_resolve_node(pl, node, false, &r)
            && node_needs_step(node, &r)) {
            add_mtu_step(pl, node, &r);
        }
    }
    add_pin_steps(pl);
    n_mtu = pl->n_steps;
    for (size_t i = 0; i < n_mtu; i++) {
        add_replug_step(pl, i);
    }
}

/* LRO. */

/* Returns the policy network that manages the link 'name' (as anything
 * but a VM interface) for its LRO: one that is not refused, with
 * "management": true if one has it, else the first in the policy; or, if
 * all of them are refused, the first of those, with '*refusedp' set.
 * Returns NO_NET if no network manages it. */
static size_t
lro_network(const struct planner *pl, const char *name, bool *refusedp)
{
    const struct node *node = plan_node_find(pl, name);
    size_t best = NO_NET, best_refused = NO_NET;

    for (size_t i = 0; node && i < node->n_claims; i++) {
        const struct claim *c = &node->claims[i];

        if (c->role == ROLE_VIF) {
            continue;
        } else if (pl->refused[c->net]) {
            best_refused = c->net < best_refused ? c->net : best_refused;
        } else if (best == NO_NET) {
            best = c->net;
        } else {
            bool cm = planner_net(pl, c->net)->management;
            bool bm = planner_net(pl, best)->management;

            if ((cm && !bm) || (cm == bm && c->net < best)) {
                best = c->net;
            }
        }
    }
    *refusedp = best == NO_NET && best_refused != NO_NET;
    return best != NO_NET ? best : best_refused;
}

/* Appends the step that turns LRO off on 'link' for network 'net'. */
static void
add_lro_step(struct planner *pl, const struct host_link *link, size_t net,
             const char *bridge)
{
    struct pending_step *ps = step_append(pl);
    struct plan_step *s = &ps->s;

    ps->phase = 0;
    ps->rank = 0;
    ps->net = net;
    ps->link = link;
    s->action = PLAN_DISABLE_LRO;
    s->role = ROLE_HOST;
    copy_string(s->ifname, link->name, sizeof s->ifname);
    copy_string(s->network, planner_net_name(pl, net), sizeof s->network);
    copy_string(s->bridge, bridge, sizeof s->bridge);
    s->from_mtu = 1;
    s->to_mtu = 0;
    copy_string(s->reason, "the host forwards: turn LRO off before "
                "changing MTUs", sizeof s->reason);
}

void
plan_steps_lro(struct planner *pl)
{
    const struct host *host = pl->host;
    const char *sysctl;

    if (host->sysctls.ip_forward == 1) {
        sysctl = "net.ipv4.ip_forward=1";
    } else if (host->sysctls.ipv6_forwarding == 1) {
        sysctl = "net.ipv6.conf.all.forwarding=1";
    } else {
        return;
    }

    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];
        char bridge[HOST_NAME_SIZE];
        struct msg m = { .len = 0 };
        const char *mgmt;
        bool refused = false;
        size_t net = NO_NET;

        if (link->lro != LRO_ON && link->lro != LRO_FIXED_ON) {
            continue;
        }
        plan_host_owning_bridge(host, link->name, bridge, sizeof bridge);
        if (pl->policy) {
            net = lro_network(pl, link->name, &refused);
        }
        plan_msg_add(&m, "%s has large receive offload on while this host "
                     "forwards packets (%s): LRO hands the stack merged, "
                     "oversized packets with DF set that cannot be forwarded "
                     "as they are, so expect ICMP need-frag storms and "
                     "retransmits; ", link->name, sysctl);
        if (link->lro == LRO_FIXED_ON) {
            plan_msg_add(&m, "its driver reports LRO as fixed on, so it "
                         "cannot be turned off in software: update the driver "
                         "or firmware, or stop forwarding on this host");
        } else if (net == NO_NET) {
            plan_msg_add(&m, "jumboagent turns LRO off only on the interfaces "
                         "of policy networks, and ");
            if (pl->policy) {
                plan_msg_add(&m, "no network of the policy manages %s",
                             link->name);
            } else {
                plan_msg_add(&m, "it runs without a policy");
            }
            plan_msg_add(&m, ": turn it off by hand (ethtool -K %s lro off; "
                         "on ixgbe, i40e and bnx2x NICs this resets the link "
                         "for a moment) and make that last across reboots in "
                         "the host's network configuration", link->name);
        } else if (refused) {
            plan_msg_add(&m, "network %s, which manages it, is refused, so "
                         "jumboagent leaves it: resolve the refusal, or turn "
                         "it off by hand (ethtool -K %s lro off)",
                         planner_net_name(pl, net), link->name);
        } else if (!planner_net(pl, net)->management
                   && (mgmt = host_management_path(host, link->name))) {
            plan_msg_add(&m, "it is on the host's management path (the "
                         "default route leaves through %s%s), where turning "
                         "LRO off resets the link on some NICs (ixgbe, i40e, "
                         "bnx2x) and can cut this host off, so jumboagent "
                         "leaves it: turn it off by hand from the console "
                         "(ethtool -K %s lro off), or set \"management\": "
                         "true in networks[%zu] if jumboagent should do it",
                         strcmp(mgmt, link->name) ? mgmt : "it",
                         (strcmp(mgmt, link->name)
                          ? ", which is stacked on it" : ""),
                         link->name, net);
        } else {
            plan_msg_add(&m, "the plan turns it off (ethtool -K %s lro off)",
                         link->name);
            add_lro_step(pl, link, net, bridge);
        }
        planner_add_finding(pl, &pl->findings, FINDING_LRO_FORWARDING,
                            SEVERITY_DRIFT, link->name,
                            (net != NO_NET ? net
                             : planner_net_of_bridge(pl, bridge)), &m);
    }
}
