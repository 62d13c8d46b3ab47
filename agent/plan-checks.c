/* Stage 2 of plan_compute(), checks: judges each network (the IPv6
 * minimum, an overlay against its underlay) and every claim that stage 1
 * made (the management rule, the kernel's min/max MTU, the driver table and
 * the policy's overrides).  A failed check refuses the whole network: it
 * gets no steps at all.  See the comment at the top of plan.c. */
#include "plan-internal.h"

#include <string.h>

/* The smallest MTU that IPv6 allows on a link (RFC 8200, section 5). */

/* Networks. */

/* Refuses network 'net' if its MTU is below the IPv6 minimum while this
 * host has IPv6 on.  The policy checks that only for networks that say
 * "ipv6": true. */
static void
check_ipv6_minimum(struct planner *pl, size_t net)
{
    const struct policy_network *pn = planner_net(pl, net);
    struct msg m = { .len = 0 };

    if (pn->mtu >= HOST_MTU_IPV6_MIN || pl->host->sysctls.ipv6_disabled != 0) {
        return;
    }
    plan_msg_add(&m, "network %s wants MTU %u, but IPv6 is enabled on this "
                 "host (net.ipv6.conf.all.disable_ipv6=0) and IPv6 needs at "
                 "least %u: the kernel takes IPv6 off every interface below "
                 "that, and with it link-local addresses and neighbour "
                 "discovery; raise networks[%zu].mtu to at least %u, or "
                 "disable IPv6 on this host if nothing uses it", pn->name,
                 pn->mtu, HOST_MTU_IPV6_MIN, net, HOST_MTU_IPV6_MIN);
    planner_refuse(pl, FINDING_REFUSED, "", net, &m);
}

/* Refuses network 'net', an overlay network, if its underlay network is not
 * in the policy or does not leave room for the overlay's MTU. */
static void
check_overlay(struct planner *pl, size_t net)
{
    const struct policy_network *pn = planner_net(pl, net);
    const struct policy_network *under;
    struct msg m = { .len = 0 };

    under = policy_find_network(pl->policy, pn->overlay.underlay);
    if (!under) {
        plan_msg_add(&m, "network %s: its underlay network '%s' is not in the "
                     "policy; add it or correct "
                     "networks[%zu].overlay.underlay", pn->name,
                     pn->overlay.underlay ? pn->overlay.underlay : "", net);
        planner_refuse(pl, FINDING_MISSING, "", net, &m);
    } else {
        unsigned int overhead = policy_overlay_overhead(&pn->overlay);
        unsigned int fit = under->mtu > overhead ? under->mtu - overhead : 0;
        size_t under_index = (size_t) (under - pl->policy->networks);

        if (pn->mtu > fit) {
            plan_msg_add(&m, "network %s (MTU %u) runs %s over network %s "
                         "(MTU %u): %s adds %u bytes, so %s can be at most "
                         "%u; lower networks[%zu].mtu to %u or raise "
                         "networks[%zu].mtu to %u", pn->name, pn->mtu,
                         overlay_type_to_string(pn->overlay.type), under->name,
                         under->mtu, overlay_type_to_string(pn->overlay.type),
                         overhead, pn->name, fit, net, fit, under_index,
                         pn->mtu + overhead);
            planner_refuse(pl, FINDING_REFUSED, "", net, &m);
        }
    }
}

void
plan_checks_network(struct planner *pl, size_t net)
{
    check_ipv6_minimum(pl, net);
    if (planner_net(pl, net)->has_overlay) {
        check_overlay(pl, net);
    }
}

/* Claims. */

/* Writes "network storage wants 9000" or the "at least" form for 'c'. */
static void
msg_add_want(struct msg *m, const struct planner *pl, const struct claim *c)
{
    const struct policy_network *pn = planner_net(pl, c->net);

    if (c->exact) {
        plan_msg_add(m, "network %s wants %u", pn->name, c->mtu);
    } else {
        plan_msg_add(m, "network %s needs at least %u on it as the %s",
                     pn->name, c->mtu, c->why);
    }
}

unsigned int
plan_checks_fitting_mtu(const struct planner *pl, const struct claim *c,
                        unsigned int limit)
{
    unsigned int extra = c->mtu - planner_net(pl, c->net)->mtu;

    return limit > extra ? limit - extra : 0;
}

/* True if the driver table speaks for 'node' in 'role': a link with a
 * driver that is not a VM interface, a bridge or an OVS internal port. */
static bool
node_driver_checked(const struct node *node, enum plan_role role)
{
    const struct host_link *link = node->link;

    return (link && link->driver[0]
            && role != ROLE_VIF && role != ROLE_BRIDGE
            && role != ROLE_INTERNAL
            && link->kind != LINK_KIND_BRIDGE
            && link->kind != LINK_KIND_OPENVSWITCH
            && !host_link_is_vif(link)
            && !(node->iface
                 && plan_host_ovs_type_is(node->iface, "internal")));
}

/* True if 'host' has a link that carries a default route. */
static bool
host_has_default_route(const struct host *host)
{
    for (size_t i = 0; i < host->n_links; i++) {
        if (host->links[i].default_route) {
            return true;
        }
    }
    return false;
}

/* True if 'claim' of a network on 'node' changes the host's management
 * path: the link of 'node' carries a default route, or the host has none
 * ('routed' is false: host_has_default_route(), computed once per plan,
 * not once per claim, which made the planner quadratic) and another network that says "management": true claims 'node' exactly
 * at less than 'claim' wants (that network is stored in '*mgmt_net';
 * NO_NET for a default route). */
static bool
management_owner(const struct planner *pl, const struct node *node,
                 const struct claim *claim, bool routed, size_t *mgmt_net)
{
    size_t net = claim->net;

    *mgmt_net = NO_NET;
    if (node->link && node->link->default_route) {
        return true;
    }
    if (routed) {
        return false;
    }
    for (size_t i = 0; i < node->n_claims; i++) {
        const struct claim *c = &node->claims[i];

        if (c->net != net && c->exact && planner_net(pl, c->net)->management
            && c->mtu < claim->mtu) {
            *mgmt_net = c->net;
            return true;
        }
    }
    return false;
}

/* Judges claim 'c' on 'node' against the management rule, the kernel's
 * limits, the driver table and the overrides; refuses its network if it
 * fails.  'routed': the host has a default route (host_has_default_route()).
 */
static void
check_claim(struct planner *pl, struct node *node, const struct claim *c,
            bool routed)
{
    const struct policy_network *pn = planner_net(pl, c->net);
    const struct host_link *link = node->link;
    struct driver_judgement j = { .known = false };
    bool judged = false;        /* 'j' holds the table's judgement. */
    bool known = false;         /* ...and the table knows the driver. */
    unsigned int kmax, tmax, limit;
    size_t mgmt_net;
    struct msg m = { .len = 0 };

    if (!link || (!c->exact && plan_node_current(node) >= c->mtu)) {
        return;
    }

    if (!pn->management && c->mtu != plan_node_current(node)
        && management_owner(pl, node, c, routed, &mgmt_net)) {
        if (link->default_route) {
            plan_msg_add(&m, "%s carries the default route, and ",
                         link->name);
        } else {
            plan_msg_add(&m, "this host has no default route, and %s belongs "
                         "to network %s, which the policy marks as the "
                         "management network; ", link->name,
                         planner_net_name(pl, mgmt_net));
        }
        msg_add_want(&m, pl, c);
        plan_msg_add(&m, " (it is at %u): %s the MTU of the management path "
                     "can cut this host off from its pool; set "
                     "\"management\": true in networks[%zu] if that is "
                     "intended", plan_node_current(node),
                     c->mtu > plan_node_current(node) ? "raising" : "lowering",
                     c->net);
        planner_refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
        m.len = 0;
    }

    if (pl->drivers && node_driver_checked(node, c->role)) {
        driver_table_judge(pl->drivers, link->driver, link->has_pci,
                           link->pci_vendor, link->pci_device,
                           pl->host->xen_dom0, &j);
        judged = true;
        known = j.known;
    }

    if (link->min_mtu && c->mtu < link->min_mtu) {
        plan_msg_add_link(&m, link);
        plan_msg_add(&m, ": ");
        msg_add_want(&m, pl, c);
        plan_msg_add(&m, ", but it accepts no MTU below %u (kernel min_mtu); "
                     "raise networks[%zu].mtu to at least %u", link->min_mtu,
                     c->net, link->min_mtu);
        planner_refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
        return;
    }

    if (known && j.verdict == DRIVER_REFUSE && c->mtu > STD_MTU) {
        const struct policy_override *o;

        o = policy_find_override(pl->policy, link->name);
        if (o && o->allow_driver && !strcmp(o->allow_driver, link->driver)) {
            if (!node->override_reported) {
                node->override_reported = true;
                plan_msg_add_link(&m, link);
                plan_msg_add(&m, ": override in effect: the driver table "
                             "refuses jumbo frames on it (");
                plan_msg_add_rule(&m, &j);
                plan_msg_add(&m, "), but the policy allows driver %s here: "
                             "\"%s\"; remove the override to restore the "
                             "refusal", link->driver,
                             o->reason ? o->reason : "");
                planner_add_finding(pl, &pl->findings, FINDING_OVERRIDE,
                                    SEVERITY_INFO, node->name, c->net, &m);
                m.len = 0;
            }
        } else {
            plan_msg_add_link(&m, link);
            plan_msg_add(&m, ": ");
            msg_add_want(&m, pl, c);
            plan_msg_add(&m, ", but the driver table refuses jumbo frames on "
                         "it (");
            plan_msg_add_rule(&m, &j);
            plan_msg_add(&m, ")");
            if (o && o->allow_driver) {
                plan_msg_add(&m, "; the override for %s allows driver '%s', "
                             "not '%s'", link->name, o->allow_driver,
                             link->driver);
            }
            plan_msg_add(&m, "; set networks[%zu].mtu to %u, carry the "
                         "network on another NIC, or, if the vendor approves "
                         "jumbo frames on this one, add to the policy's "
                         "\"overrides\" an entry with \"interface\": \"%s\", "
                         "\"allow_driver\": \"%s\" and your reason", c->net,
                         STD_MTU, link->name, link->driver);
            planner_refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
            return;
        }
    }

    /* netback's max_mtu (65517) holds only when the frontend announced
     * scatter-gather; without it netback refuses any MTU above 1500
     * (xen-guest.h), which the kernel's max does not show. */
    if (c->role == ROLE_VIF && link->kind == LINK_KIND_XEN_VIF
        && link->xen_feature_sg == 0 && c->mtu > STD_MTU) {
        if (link->vm_name[0]) {
            plan_msg_add(&m, "VM '%s' (%s)", link->vm_name, link->name);
        } else {
            plan_msg_add(&m, "the VM behind %s", link->name);
        }
        plan_msg_add(&m, " did not announce scatter-gather (xenstore "
                     "feature-sg=0): its netfront cannot take MTU %u; "
                     "enable scatter-gather in the guest's PV network driver "
                     "(or update it) and replug the VIF, move the VM to "
                     "another network, or lower networks[%zu].mtu to %u",
                     c->mtu, c->net, STD_MTU);
        planner_refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
        return;
    }

    kmax = link->max_mtu;
    tmax = known ? j.max_mtu : 0;
    limit = kmax && (!tmax || kmax <= tmax) ? kmax : tmax;
    if (limit && c->mtu > limit) {
        plan_msg_add_link(&m, link);
        plan_msg_add(&m, ": ");
        msg_add_want(&m, pl, c);
        if (limit == kmax) {
            plan_msg_add(&m, ", but the kernel allows at most %u on it "
                         "(max_mtu", kmax);
            if (judged) {
                plan_msg_add(&m, "; driver table: ");
                plan_msg_add_rule(&m, &j);
            }
            plan_msg_add(&m, ")");
        } else {
            plan_msg_add(&m, ", but the driver table allows at most %u on it "
                         "(", tmax);
            plan_msg_add_rule(&m, &j);
            plan_msg_add(&m, ")");
        }
        if (c->role == ROLE_VIF) {
            plan_msg_add(&m, "; the VM interface cannot take more");
            if (link->kind == LINK_KIND_XEN_VIF) {
                plan_msg_add(&m, " (a Xen frontend without scatter-gather "
                             "stops at 1500)");
            }
            plan_msg_add(&m, ": fix the guest's network drivers, move the VM "
                         "to another network, or lower networks[%zu].mtu to "
                         "%u", c->net, plan_checks_fitting_mtu(pl, c, limit));
        } else {
            plan_msg_add(&m, "; lower networks[%zu].mtu to %u, or carry the "
                         "network on interfaces that take %u", c->net,
                         plan_checks_fitting_mtu(pl, c, limit), c->mtu);
        }
        planner_refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
    }
}

static const struct claim *
node_claim_of(const struct node *node, size_t net)
{
    for (size_t i = 0; i < node->n_claims; i++) {
        if (node->claims[i].net == net) {
            return &node->claims[i];
        }
    }
    return NULL;
}

/* True if network 'net' claims 'node' exactly: 'node' is one of the
 * network's own interfaces (its bridge, an uplink, a bond...). */
static bool
node_claimed_exactly(const struct node *node, size_t net)
{
    for (size_t i = 0; node && i < node->n_claims; i++) {
        if (node->claims[i].net == net && node->claims[i].exact) {
            return true;
        }
    }
    return false;
}

/* True if the link 'name' belongs to network 'net': the network claims it
 * exactly, or it is a VLAN or macvlan stacked on a link that does (the
 * address of an underlay often lives on a VLAN of its bridge). */
static bool
link_of_network(const struct planner *pl, const char *name, size_t net)
{
    for (int depth = 0; depth < MAX_STACK_DEPTH; depth++) {
        const struct host_link *link = host_find_link(pl->host, name);

        if (node_claimed_exactly(plan_node_find(pl, name), net)) {
            return true;
        }
        if (!link || !link->lower[0]
            || (link->kind != LINK_KIND_VLAN
                && link->kind != LINK_KIND_MACVLAN)) {
            return false;
        }
        name = link->lower;
    }
    return false;
}

/* A tunnel that network 'c->net' manages as 'node' raises its real lower
 * device (IFLA_VXLAN_LINK and the like).  That is allowed only if the
 * network declares an overlay and the lower device belongs to the declared
 * underlay network (link_of_network()): a device outside the policy is
 * never changed.  Refuses the network otherwise, if the lower device would
 * change. */
static void
check_tunnel(struct planner *pl, const struct node *node,
             const struct claim *c)
{
    const struct policy_network *pn = planner_net(pl, c->net);
    const struct host_link *link = node->link;
    const struct node *lower;
    const struct policy_network *under;
    unsigned int need;
    size_t unet;
    struct msg m = { .len = 0 };

    if (!c->exact || !link || !plan_host_overhead(link) || !link->lower[0]) {
        return;
    }
    lower = plan_node_find(pl, link->lower);
    need = c->mtu + plan_host_overhead(link);
    if (!lower || plan_node_current(lower) >= need) {
        return;
    }
    under = (pn->has_overlay
             ? policy_find_network(pl->policy, pn->overlay.underlay) : NULL);
    if (pn->has_overlay && !under) {
        return;                 /* check_overlay() refuses it. */
    }
    unet = under ? (size_t) (under - pl->policy->networks) : NO_NET;
    if (under && link_of_network(pl, link->lower, unet)) {
        return;
    }
    plan_msg_add(&m, "%s is a %s whose real lower device is %s (at %u): "
                 "network %s would raise %s to %u, ", link->name,
                 plan_host_noun(link), link->lower, plan_node_current(lower),
                 pn->name, link->lower, need);
    if (!under) {
        plan_msg_add(&m, "but networks[%zu] declares no overlay, so %s is "
                     "in no network of the policy and jumboagent does not "
                     "change it; add \"overlay\" to networks[%zu] with the "
                     "underlay network whose bridge or uplink is %s",
                     c->net, link->lower, c->net, link->lower);
    } else {
        plan_msg_add(&m, "but %s is not the bridge or an uplink of its "
                     "underlay network %s (networks[%zu].overlay.underlay), "
                     "and jumboagent changes no device outside the policy; "
                     "bind %s to a device of network %s, or correct "
                     "networks[%zu].overlay.underlay", link->lower,
                     under->name, c->net, link->name, under->name, c->net);
    }
    planner_refuse(pl, FINDING_REFUSED, link->name, c->net, &m);
}

void
plan_checks_claims(struct planner *pl)
{
    bool routed = host_has_default_route(pl->host);

    plan_claims_overrides(pl);
    for (size_t i = 0; i < pl->n_nodes; i++) {
        struct node *node = pl->nodes[i];

        for (size_t k = 0; k < node->n_claims; k++) {
            check_claim(pl, node, &node->claims[k], routed);
            check_tunnel(pl, node, &node->claims[k]);
        }
    }

    /* The bridge's own device, when no port stands for it. */
    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        const struct policy_network *pn = planner_net(pl, net);
        const struct host_link *link = host_find_link(pl->host, pn->bridge);
        const struct node *node = plan_node_find(pl, pn->bridge);

        if (link && link->default_route && pn->mtu != link->mtu
            && !pn->management && !(node && node_claim_of(node, net))) {
            struct msg m = { .len = 0 };

            plan_msg_add(&m, "%s carries the default route, and network %s "
                         "wants %u on its bridge (it is at %u): changing the "
                         "MTU of the management path can cut this host off "
                         "from its pool; set \"management\": true in "
                         "networks[%zu] if that is intended", link->name,
                         pn->name, pn->mtu, link->mtu, net);
            planner_refuse(pl, FINDING_REFUSED, link->name, net, &m);
        }
    }
}
