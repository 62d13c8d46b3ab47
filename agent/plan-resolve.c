/* Stage 3 of plan_compute(), resolution: an interface's target is the
 * largest claim of a network that is not refused (an "at least" claim never
 * lowers anything).  Lowering a device under an upper device that no
 * network manages, or a VLAN network above its parent's uplinks, refuses
 * the network that asked for it; plan_compute() repeats that until it is
 * stable.  See the comment at the top of plan.c. */
#include "plan-internal.h"

#include <string.h>

bool
plan_resolve_node(const struct planner *pl, const struct node *node,
                  bool with_refused, struct resolution *r)
{
    const struct claim *best = NULL;
    bool exact = false;

    for (size_t i = 0; i < node->n_claims; i++) {
        const struct claim *c = &node->claims[i];

        if (!with_refused && pl->refused[c->net]) {
            continue;
        }
        exact = exact || c->exact;
        if (!best || c->mtu > best->mtu
            || (c->mtu == best->mtu && c->exact && !best->exact)) {
            best = c;
        }
    }
    if (!best) {
        return false;
    }
    r->winner = best;
    r->exact = exact;
    r->target = best->mtu;
    if (!exact && plan_node_current(node) > r->target) {
        r->target = plan_node_current(node);
    }
    return true;
}

/* True if a network that is not refused claims 'node', which may be NULL. */
static bool
node_is_managed(const struct planner *pl, const struct node *node)
{
    for (size_t i = 0; node && i < node->n_claims; i++) {
        if (!pl->refused[node->claims[i].net]) {
            return true;
        }
    }
    return false;
}

bool
plan_resolve_refuse_lowering(struct planner *pl)
{
    bool changed, any = false;

    do {
        changed = false;
        for (size_t i = 0; i < pl->n_nodes; i++) {
            const struct node *node = pl->nodes[i];
            struct resolution r;

            if (!node->link || !plan_resolve_node(pl, node, false, &r)
                || r.target >= node->link->mtu) {
                continue;
            }
            for (size_t k = 0; k < pl->host->n_links; k++) {
                const struct host_link *upper = &pl->host->links[k];
                unsigned int need = upper->mtu + plan_host_overhead(upper);
                struct msg m = { .len = 0 };

                if (strcmp(upper->lower, node->name) || need <= r.target
                    || node_is_managed(pl, plan_node_find(pl, upper->name))) {
                    continue;
                }
                plan_msg_add(&m, "lowering %s from %u to %u for network %s "
                             "would squeeze %s %s (at %u, in no policy "
                             "network) under it: ", node->name,
                             node->link->mtu, r.target,
                             planner_net_name(pl, r.winner->net),
                             plan_host_noun(upper), upper->name, upper->mtu);
                if (plan_host_overhead(upper)) {
                    plan_msg_add(&m, "it needs %u there, or it drops what no "
                                 "longer fits", need);
                } else {
                    plan_msg_add(&m, "the kernel would force it down to %u as "
                                 "well", r.target);
                }
                plan_msg_add(&m, "; manage %s through a policy network, or "
                             "keep networks[%zu].mtu at %u or more",
                             upper->name, r.winner->net,
                             plan_checks_fitting_mtu(pl, r.winner, need));
                planner_refuse(pl, FINDING_REFUSED, node->name, r.winner->net,
                               &m);
                changed = any = true;
                break;
            }
        }
    } while (changed);
    return any;
}

bool
plan_resolve_refuse_vlans(struct planner *pl)
{
    bool any = false;

    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        const struct policy_network *pn = planner_net(pl, net);
        const struct host_ovs_bridge *br;
        const struct host_ovs_port *fake;
        const struct policy_network *parent;
        char uplink[HOST_NAME_SIZE] = "";
        unsigned int carry;
        size_t pnet;
        struct msg m = { .len = 0 };

        fake = plan_host_find_fake_bridge(pl->host, pn->bridge, &br);
        if (!fake || pl->refused[net]) {
            continue;
        }
        pnet = planner_net_of_bridge(pl, br->name);
        parent = pnet != NO_NET ? planner_net(pl, pnet) : NULL;
        if (parent && !pl->refused[pnet]) {
            if (pn->mtu <= parent->mtu) {
                continue;
            }
            plan_msg_add(&m, "network %s (MTU %u) is VLAN %u on bridge %s "
                         "(fake bridge %s), whose frames leave through the "
                         "uplinks of %s, where network %s sets MTU %u: a VLAN "
                         "cannot carry more than the devices under it; lower "
                         "networks[%zu].mtu to %u or raise networks[%zu].mtu "
                         "to %u", pn->name, pn->mtu, fake->tag, br->name,
                         fake->name, br->name, parent->name, parent->mtu, net,
                         parent->mtu, pnet, pn->mtu);
        } else {
            carry = plan_host_uplinks_mtu(pl->host, br, parent, uplink);
            if (!carry || pn->mtu <= carry) {
                continue;
            }
            plan_msg_add(&m, "network %s (MTU %u) is VLAN %u on bridge %s "
                         "(fake bridge %s), whose frames leave through the "
                         "uplinks of %s, and %s is at %u", pn->name, pn->mtu,
                         fake->tag, br->name, fake->name, br->name, uplink,
                         carry);
            if (parent) {
                plan_msg_add(&m, "; network %s, which would raise them, is "
                             "refused", parent->name);
            } else {
                plan_msg_add(&m, "; no network of the policy manages %s, and "
                             "jumboagent raises the uplinks of a VLAN only "
                             "for the network of its parent bridge", br->name);
            }
            plan_msg_add(&m, ": lower networks[%zu].mtu to %u, or ", net,
                         carry);
            if (parent) {
                plan_msg_add(&m, "resolve the refusal of network %s",
                             parent->name);
            } else {
                plan_msg_add(&m, "add a network with \"bridge\": \"%s\" and "
                             "an MTU of at least %u", br->name, pn->mtu);
            }
        }
        planner_refuse(pl, FINDING_REFUSED, "", net, &m);
        any = true;
    }

    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        const struct policy_network *pn = planner_net(pl, net);
        const struct host_ovs_bridge *br = host_find_bridge(pl->host,
                                                            pn->bridge);
        char uplink[HOST_NAME_SIZE] = "";
        unsigned int carry;

        if (!br || pl->refused[net]) {
            continue;
        }
        carry = plan_host_uplinks_mtu(pl->host, br, pn, uplink);
        for (size_t p = 0; carry > pn->mtu && p < br->n_ports; p++) {
            const struct host_ovs_port *fake = &br->ports[p];
            size_t fnet = planner_net_of_bridge(pl, fake->name);
            unsigned int mtu;
            struct msg m = { .len = 0 };

            if (!plan_host_is_fake_bridge(fake)
                || (fnet != NO_NET && !pl->refused[fnet])) {
                continue;
            }
            mtu = plan_host_ovs_mtu(pl->host, &fake->ifaces[0]);
            if (mtu <= pn->mtu) {
                continue;
            }
            plan_msg_add(&m, "lowering the uplinks of %s from %u to %u for "
                         "network %s would leave VLAN %u (fake bridge %s, at "
                         "%u, ", br->name, carry, pn->mtu, pn->name, fake->tag,
                         fake->name, mtu);
            if (fnet != NO_NET) {
                plan_msg_add(&m, "in network %s, which is refused",
                             planner_net_name(pl, fnet));
            } else {
                plan_msg_add(&m, "in no policy network");
            }
            plan_msg_add(&m, ") above them, so its frames above %u would be "
                         "dropped; add a network with \"bridge\": \"%s\" and "
                         "an MTU of at most %u, or keep networks[%zu].mtu at "
                         "%u or more", pn->mtu, fake->name, pn->mtu, net, mtu);
            planner_refuse(pl, FINDING_REFUSED, fake->name, net, &m);
            any = true;
            break;
        }
    }
    return any;
}
