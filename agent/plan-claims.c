/* Stage 1 of plan_compute(), claims: each policy network finds its bridge
 * (an OVS bridge, an OVS fake bridge or a Linux bridge) and sorts the
 * bridge's interfaces into roles.  Every interface that the network manages
 * gets a claim "network N wants exactly M", and every device under it (bond
 * slave, VLAN lower device, tunnel underlay) a claim "at least M plus the
 * overhead".  Ports that the network leaves alone (not in its 'uplinks' or
 * 'vifs', tunnel ports, fake bridges at another MTU that no network names)
 * get a finding that says so; stale OVS interfaces are skipped, as the
 * audit reports them; a network whose bridge is not on this host is only
 * reported.  See the comment at the top of plan.c. */
#include "plan-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static void format_into(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
format_into(char *dst, size_t size, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(dst, size, fmt, args);
    va_end(args);
}

static bool
is_tunnel_kind(enum link_kind kind)
{
    return (kind == LINK_KIND_VXLAN || kind == LINK_KIND_GENEVE
            || kind == LINK_KIND_GRE || kind == LINK_KIND_GRETAP);
}

static bool
net_lists_uplink(const struct policy_network *pn, const char *name)
{
    for (size_t i = 0; i < pn->n_uplinks; i++) {
        if (!strcmp(pn->uplinks[i], name)) {
            return true;
        }
    }
    return false;
}

/* Nodes and claims. */

struct node *
plan_node_find(const struct planner *pl, const char *name)
{
    size_t i = name_index_find(pl->node_index, name);

    return i == NAME_INDEX_NONE ? NULL : pl->nodes[i];
}

static struct node *
node_get(struct planner *pl, const char *name)
{
    struct node *node = plan_node_find(pl, name);

    if (!node) {
        node = xzalloc(sizeof *node);
        copy_string(node->name, name, sizeof node->name);
        node->link = host_find_link(pl->host, name);
        node->iface = host_find_ovs_iface(pl->host, name, NULL, NULL);
        grow_array((void **) &pl->nodes, &pl->allocated_nodes,
                   /* An array of pointers.
                    * NOLINTNEXTLINE(bugprone-sizeof-expression) */
                   pl->n_nodes + 1, sizeof *pl->nodes);
        name_index_add(pl->node_index, node->name, pl->n_nodes);
        pl->nodes[pl->n_nodes++] = node;
    }
    return node;
}

unsigned int
plan_node_actual(const struct node *node)
{
    if (node->iface && node->iface->has_mtu) {
        return node->iface->mtu;
    }
    return node->link ? node->link->mtu : 0;
}

unsigned int
plan_node_current(const struct node *node)
{
    if (node->iface && node->iface->has_mtu_request) {
        return node->iface->mtu_request;
    }
    return plan_node_actual(node);
}

/* Records that network 'net' wants 'mtu' on 'node' (exactly if 'exact').
 * A network has at most one claim per node: the largest, exact if any is. */
static void
node_add_claim(struct node *node, size_t net, bool exact,
               enum plan_role role, unsigned int mtu, const char *why)
{
    struct claim *c;

    for (size_t i = 0; i < node->n_claims; i++) {
        c = &node->claims[i];
        if (c->net == net) {
            if (mtu > c->mtu || (exact && !c->exact)) {
                c->mtu = mtu > c->mtu ? mtu : c->mtu;
                c->exact = c->exact || exact;
                c->role = role;
                copy_string(c->why, why, sizeof c->why);
            }
            return;
        }
    }
    node->claims = xrealloc(node->claims,
                            (node->n_claims + 1) * sizeof *node->claims);
    c = &node->claims[node->n_claims++];
    c->net = net;
    c->exact = exact;
    c->role = role;
    c->mtu = mtu;
    copy_string(c->why, why, sizeof c->why);
}

/* Claims the devices under 'upper' for network 'net', which needs 'mtu' on
 * 'upper': a bond's slaves get the same claim ('exact' as the bond's), a
 * lower device at least 'mtu' plus the tunnel overhead. */
static void
claim_below(struct planner *pl, size_t net, const struct host_link *upper,
            unsigned int mtu, bool exact, int depth)
{
    char why[160];

    if (depth > MAX_STACK_DEPTH) {
        return;
    }
    if (plan_host_is_bond(upper)) {
        for (size_t i = 0; i < pl->host->n_links; i++) {
            const struct host_link *slave = &pl->host->links[i];

            if (!strcmp(slave->master, upper->name)) {
                format_into(why, sizeof why, "member of %s %s",
                            plan_host_noun(upper), upper->name);
                node_add_claim(node_get(pl, slave->name), net, exact,
                               ROLE_MEMBER, mtu, why);
                claim_below(pl, net, slave, mtu, exact, depth + 1);
            }
        }
    }
    if (upper->lower[0]) {
        const struct host_link *lower = host_find_link(pl->host,
                                                       upper->lower);
        unsigned int need = mtu + plan_host_overhead(upper);

        if (!lower) {
            struct msg m = { .len = 0 };

            plan_msg_add(&m, "%s is a %s on %s, which is not in the host "
                         "model (another network namespace?): jumboagent "
                         "cannot check it; make sure %s carries at least %u",
                         upper->name, plan_host_noun(upper), upper->lower,
                         upper->lower, need);
            planner_add_finding(pl, &pl->findings, FINDING_UNMANAGED,
                                SEVERITY_INFO, upper->name, net, &m);
            return;
        }
        if (plan_host_overhead(upper)) {
            format_into(why, sizeof why, "underlay device of %s %s "
                        "(+%u bytes)", plan_host_noun(upper), upper->name,
                        plan_host_overhead(upper));
        } else {
            format_into(why, sizeof why, "lower device of %s %s",
                        plan_host_noun(upper), upper->name);
        }
        node_add_claim(node_get(pl, lower->name), net, false,
                       plan_host_is_bond(lower) ? ROLE_BOND : ROLE_UPLINK,
                       need, why);
        claim_below(pl, net, lower, need, false, depth + 1);
    } else if (is_tunnel_kind(upper->kind)) {
        struct msg m = { .len = 0 };

        plan_msg_add(&m, "%s is a %s without a fixed underlay device: "
                     "jumboagent cannot check its underlay; make sure the "
                     "route to its remote carries at least %u", upper->name,
                     plan_host_noun(upper), mtu + plan_host_overhead(upper));
        planner_add_finding(pl, &pl->findings, FINDING_UNMANAGED,
                            SEVERITY_INFO, upper->name, net, &m);
    }
}

/* Network 'net' manages 'name' in 'role': it wants exactly its MTU there. */
static void
claim_exact(struct planner *pl, size_t net, const char *name,
            enum plan_role role)
{
    const struct policy_network *pn = planner_net(pl, net);
    struct node *node = node_get(pl, name);

    node_add_claim(node, net, true, role, pn->mtu, "");
    if (node->link) {
        claim_below(pl, net, node->link, pn->mtu, true, 0);
    }
}

/* Bridges and their ports. */

/* Adds the finding that 'name', a port of 'bridge' at 'mtu', is not in the
 * network's uplinks and is left alone. */
static void
report_unlisted(struct planner *pl, size_t net, const char *name,
                const char *bridge, unsigned int mtu)
{
    const struct policy_network *pn = planner_net(pl, net);
    struct msg m = { .len = 0 };

    plan_msg_add(&m, "%s is a port of bridge %s but not in "
                 "networks[%zu].uplinks: jumboagent leaves it at %u", name,
                 bridge, net, mtu);
    if (mtu != pn->mtu) {
        plan_msg_add(&m, " while network %s goes to %u, so the bridge's ports "
                     "will differ", pn->name, pn->mtu);
    }
    plan_msg_add(&m, "; add it to the list if it carries network %s, or take "
                 "it off the bridge", pn->name);
    planner_add_finding(pl, &pl->findings, FINDING_UNMANAGED, SEVERITY_INFO,
                        name, net, &m);
}

/* Network 'net' manages the VM interface 'name' (a port of 'bridge' at
 * 'mtu'), unless its 'vifs' patterns leave it out: then adds a finding that
 * it is left alone. */
static void
claim_vif(struct planner *pl, size_t net, const char *name,
          const char *bridge, unsigned int mtu)
{
    const struct policy_network *pn = planner_net(pl, net);
    struct msg m = { .len = 0 };

    if (!pn->has_vifs || plan_host_vif_glob(pn, name)) {
        claim_exact(pl, net, name, ROLE_VIF);
        return;
    }
    plan_msg_add(&m, "%s is a VM interface on bridge %s but matches no "
                 "pattern in networks[%zu].vifs: jumboagent leaves it at %u",
                 name, bridge, net, mtu);
    if (mtu != pn->mtu) {
        plan_msg_add(&m, " while network %s goes to %u", pn->name, pn->mtu);
    }
    plan_msg_add(&m, "; add a pattern for it if it should follow network %s",
                 pn->name);
    planner_add_finding(pl, &pl->findings, FINDING_UNMANAGED, SEVERITY_INFO,
                        name, net, &m);
}

/* Refuses network 'net' for its uplink 'uplink' that is not on its bridge,
 * whose ports 'ports' lists. */
static void
refuse_missing_uplink(struct planner *pl, size_t net, const char *uplink,
                      const struct msg *ports)
{
    const struct policy_network *pn = planner_net(pl, net);
    struct msg m = { .len = 0 };

    plan_msg_add(&m, "network %s: uplink '%s' in networks[%zu].uplinks is not "
                 "a port of bridge '%s' (its ports: %s); attach it to the "
                 "bridge or correct the list", pn->name, uplink, net,
                 pn->bridge, ports->len ? ports->s : "none");
    planner_refuse(pl, FINDING_MISSING, uplink, net, &m);
}

/* Refuses network 'net', whose 'uplinks' list names 'name', a VM
 * interface on 'bridge' by what the host says of it ('evidence'): a VIF is
 * no uplink, and taking it for one would raise the bridge above its real
 * uplinks, whose names 'ports' lists (the bridge's ports that are no VM
 * interface). */
static void
refuse_vif_uplink(struct planner *pl, size_t net, const char *name,
                  const char *bridge, const char *evidence,
                  const struct msg *ports)
{
    const struct policy_network *pn = planner_net(pl, net);
    struct msg m = { .len = 0 };

    plan_msg_add(&m, "network %s: networks[%zu].uplinks names %s, but the "
                 "host says %s is a VM interface (%s), not an uplink of "
                 "bridge %s: jumboagent would raise the bridge above its "
                 "real uplinks; list the physical uplinks of %s (%s) "
                 "instead", pn->name, net, name, name, evidence, bridge,
                 bridge, ports->len ? ports->s : "it has none");
    planner_refuse(pl, FINDING_REFUSED, name, net, &m);
}

/* Writes into 'buf' what makes the OVS interface 'iface' a VM interface. */
static void
vif_evidence(const struct host_ovs_iface *iface, char *buf, size_t size)
{
    static const char *const keys[] = {
        "xs-vif-uuid", "vm-uuid", "iface-id", "vm-id", "attached-mac",
    };

    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        const char *v = host_kv_get(iface->external_ids,
                                    iface->n_external_ids, keys[i]);
        if (v) {
            format_into(buf, size, "external_ids:%s=%s", keys[i], v);
            return;
        }
    }
    format_into(buf, size, "its type or name");
}

/* Adds the finding that the fake bridge 'fake' on 'br', which no network
 * of the policy names, is left alone by network 'net' of 'br' although it
 * is at another MTU. */
static void
report_unmanaged_fake(struct planner *pl, size_t net,
                      const struct host_ovs_bridge *br,
                      const struct host_ovs_port *fake)
{
    const struct policy_network *pn = planner_net(pl, net);
    unsigned int mtu = plan_host_ovs_mtu(pl->host, &fake->ifaces[0]);
    char uplink[HOST_NAME_SIZE];
    size_t n_vifs = 0;
    struct msg m = { .len = 0 };

    if (planner_net_of_bridge(pl, fake->name) != NO_NET || !mtu
        || mtu == pn->mtu
        || (mtu > pn->mtu
            && plan_host_uplinks_mtu(pl->host, br, pn, uplink) > pn->mtu)) {
        /* Unknown or equal: nothing to say.  Above a parent that lowers
         * its uplinks: plan_resolve_refuse_vlans() refuses that. */
        return;
    }
    for (size_t p = 0; p < br->n_ports; p++) {
        for (size_t i = 0; plan_host_fake_bridge_of(br, &br->ports[p]) == fake
                           && i < br->ports[p].n_ifaces; i++) {
            n_vifs += (plan_host_ovs_role(fake->name, &br->ports[p],
                                          &br->ports[p].ifaces[i], NULL)
                       == HOST_ROLE_VIF);
        }
    }
    plan_msg_add(&m, "%s is the OVS fake bridge of VLAN %u on %s, at %u: "
                 "network %s sets the untagged ports of %s and leaves %s",
                 fake->name, fake->tag, br->name, mtu, pn->name, br->name,
                 fake->name);
    if (n_vifs) {
        plan_msg_add(&m, " and its %zu VM interface%s", n_vifs,
                     n_vifs == 1 ? "" : "s");
    }
    plan_msg_add(&m, " alone; to manage %s, add a network with \"bridge\": "
                 "\"%s\" and an MTU of at most %u", n_vifs ? "them" : "it",
                 fake->name, pn->mtu);
    planner_add_finding(pl, &pl->findings, FINDING_UNMANAGED, SEVERITY_INFO,
                        fake->name, net, &m);
}

/* Sorts the interfaces of the OVS bridge 'br' into roles for 'net'.  If
 * 'fake' is nonnull, the network's bridge is that fake bridge on 'br' and
 * it takes the ports with the fake bridge's tag; otherwise it takes the
 * ports of 'br' that belong to no fake bridge. */
static void
classify_ovs(struct planner *pl, size_t net, const struct host_ovs_bridge *br,
             const struct host_ovs_port *fake)
{
    const struct policy_network *pn = planner_net(pl, net);
    const char *bridge = fake ? fake->name : br->name;
    struct msg ports = { .len = 0 };
    struct msg uplinks = { .len = 0 };

    for (size_t p = 0; p < br->n_ports; p++) {
        const struct host_ovs_port *port = &br->ports[p];

        for (size_t i = 0; plan_host_fake_bridge_of(br, port) == fake
                           && i < port->n_ifaces; i++) {
            enum host_role role = plan_host_ovs_role(bridge, port,
                                                     &port->ifaces[i], NULL);

            if (role == HOST_ROLE_UPLINK || role == HOST_ROLE_MEMBER) {
                plan_msg_add(&uplinks, "%s%s", uplinks.len ? ", " : "",
                             port->ifaces[i].name);
            }
        }
    }
    for (size_t p = 0; p < br->n_ports; p++) {
        const struct host_ovs_port *port = &br->ports[p];
        bool listed = (!pn->has_uplinks
                       || net_lists_uplink(pn, port->name));

        if (plan_host_fake_bridge_of(br, port) != fake) {
            if (!fake && plan_host_is_fake_bridge(port)) {
                report_unmanaged_fake(pl, net, br, port);
            }
            continue;
        }
        plan_msg_add(&ports, "%s%s", ports.len ? ", " : "", port->name);
        for (size_t i = 0; i < port->n_ifaces; i++) {
            listed = listed || net_lists_uplink(pn, port->ifaces[i].name);
        }
        for (size_t i = 0; i < port->n_ifaces; i++) {
            const struct host_ovs_iface *iface = &port->ifaces[i];
            enum host_role role = plan_host_ovs_role(bridge, port, iface, pn);
            struct msg m = { .len = 0 };

            if (role != HOST_ROLE_TUNNEL && role != HOST_ROLE_PATCH
                && plan_host_ovs_stale(pl->host, iface) != OVS_LIVE) {
                /* The audit reports it (OVS_IFACE_ERROR), with what to
                 * do; a step could only fail. */
                continue;
            }
            switch (role) {
            case HOST_ROLE_TUNNEL:
                plan_msg_add(&m, "%s is an OVS %s tunnel port on %s: "
                             "jumboagent does not set tunnel MTUs; the "
                             "underlay must carry %u plus the tunnel's "
                             "overhead (VXLAN and Geneve add 50 bytes over "
                             "IPv4, 70 over IPv6)", iface->name, iface->type,
                             bridge, pn->mtu);
                planner_add_finding(pl, &pl->findings, FINDING_UNMANAGED,
                                    SEVERITY_INFO, iface->name, net, &m);
                break;
            case HOST_ROLE_PATCH:
            case HOST_ROLE_MAX:
                break;
            case HOST_ROLE_INTERNAL:
                claim_exact(pl, net, iface->name, ROLE_INTERNAL);
                break;
            case HOST_ROLE_VLAN:
                claim_exact(pl, net, iface->name, ROLE_VLAN);
                break;
            case HOST_ROLE_VIF:
                if (host_ovs_iface_is_vif(iface)
                    && (net_lists_uplink(pn, iface->name)
                        || net_lists_uplink(pn, port->name))) {
                    char evidence[128];

                    vif_evidence(iface, evidence, sizeof evidence);
                    refuse_vif_uplink(pl, net, iface->name, bridge, evidence,
                                      &uplinks);
                    break;
                }
                claim_vif(pl, net, iface->name, bridge,
                          plan_host_ovs_mtu(pl->host, iface));
                break;
            case HOST_ROLE_UPLINK:
            case HOST_ROLE_MEMBER:
                if (!listed) {
                    report_unlisted(pl, net, iface->name, bridge,
                                    plan_host_ovs_mtu(pl->host, iface));
                } else {
                    claim_exact(pl, net, iface->name,
                                role == HOST_ROLE_MEMBER ? ROLE_MEMBER
                                : ROLE_UPLINK);
                }
                break;
            }
        }
    }

    for (size_t u = 0; pn->has_uplinks && u < pn->n_uplinks; u++) {
        const struct host_ovs_bridge *owner;
        const struct host_ovs_port *port = NULL;
        bool found = false;

        for (size_t p = 0; p < br->n_ports && !found; p++) {
            found = (!strcmp(br->ports[p].name, pn->uplinks[u])
                     && plan_host_fake_bridge_of(br, &br->ports[p]) == fake);
        }
        if (!found && host_find_ovs_iface(pl->host, pn->uplinks[u], &owner,
                                          &port)) {
            found = owner == br && plan_host_fake_bridge_of(br, port) == fake;
        }
        if (!found) {
            refuse_missing_uplink(pl, net, pn->uplinks[u], &ports);
        }
    }
}

/* True if 'name' is the port 'port' of a Linux bridge, or a slave of it if
 * 'port' is a bond or team. */
static bool
linux_port_has(const struct host *host, const struct host_link *port,
               const char *name)
{
    const struct host_link *link;

    if (!strcmp(port->name, name)) {
        return true;
    }
    link = host_find_link(host, name);
    return (plan_host_is_bond(port) && link
            && !strcmp(link->master, port->name));
}

/* Sorts the ports of the Linux bridge 'br' into roles for 'net'. */
static void
classify_linux(struct planner *pl, size_t net, const struct host_link *br)
{
    const struct policy_network *pn = planner_net(pl, net);
    const struct host *host = pl->host;
    struct msg ports = { .len = 0 };
    struct msg uplinks = { .len = 0 };

    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];

        if (!strcmp(link->master, br->name) && !host_link_is_vif(link)) {
            plan_msg_add(&uplinks, "%s%s", uplinks.len ? ", " : "",
                         link->name);
        }
    }
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];
        enum plan_role role;
        bool listed;

        if (strcmp(link->master, br->name)) {
            continue;
        }
        plan_msg_add(&ports, "%s%s", ports.len ? ", " : "", link->name);
        if (host_link_is_vif(link) && pn->has_uplinks
            && net_lists_uplink(pn, link->name)) {
            refuse_vif_uplink(pl, net, link->name, br->name,
                              link->kind == LINK_KIND_XEN_VIF
                              ? "a Xen netback vif" : "a tap named like one",
                              &uplinks);
            continue;
        }
        if (host_link_is_vif(link) || plan_host_vif_glob(pn, link->name)) {
            claim_vif(pl, net, link->name, br->name, link->mtu);
            continue;
        }

        listed = !pn->has_uplinks;
        for (size_t u = 0; !listed && u < pn->n_uplinks; u++) {
            listed = linux_port_has(host, link, pn->uplinks[u]);
        }
        if (!listed) {
            report_unlisted(pl, net, link->name, br->name, link->mtu);
            continue;
        }

        if (plan_host_is_bond(link)) {
            role = ROLE_BOND;
        } else if (link->kind == LINK_KIND_VLAN
                   || link->kind == LINK_KIND_MACVLAN) {
            role = ROLE_VLAN;
        } else if (is_tunnel_kind(link->kind)) {
            role = ROLE_OVERLAY;
        } else {
            role = ROLE_UPLINK;
        }
        claim_exact(pl, net, link->name, role);
    }
    claim_exact(pl, net, br->name, ROLE_BRIDGE);

    for (size_t u = 0; pn->has_uplinks && u < pn->n_uplinks; u++) {
        bool found = false;

        for (size_t i = 0; i < host->n_links && !found; i++) {
            const struct host_link *link = &host->links[i];

            found = (!strcmp(link->master, br->name)
                     && linux_port_has(host, link, pn->uplinks[u]));
        }
        if (!found) {
            refuse_missing_uplink(pl, net, pn->uplinks[u], &ports);
        }
    }
}

/* The edit distance (Levenshtein) between 'a' and 'b', both shorter than
 * HOST_NAME_SIZE (longer names are cut there). */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t row[HOST_NAME_SIZE + 1];
    size_t la = strnlen(a, HOST_NAME_SIZE), lb = strnlen(b, HOST_NAME_SIZE);

    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);

            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            best = up + 1 < best ? up + 1 : best;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Considers 'name' as the bridge that 'want' may have meant: keeps it in
 * 'best' if it is closer than what 'best' holds ('*dist'). */
static void
consider_bridge(const char *want, const char *name, char best[HOST_NAME_SIZE],
                size_t *dist)
{
    size_t d = edit_distance(want, name);

    if (d < *dist) {
        *dist = d;
        copy_string(best, name, HOST_NAME_SIZE);
    }
}

/* Finds the bridge of 'host' (OVS bridge, fake bridge or Linux bridge)
 * whose name is closest to 'want' and stores it in 'best'.  Returns the
 * number of bridges on the host. */
static size_t
closest_bridge(const struct host *host, const char *want,
               char best[HOST_NAME_SIZE])
{
    size_t dist = SIZE_MAX, n = 0;

    best[0] = '\0';
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];

        consider_bridge(want, br->name, best, &dist);
        n++;
        for (size_t p = 0; p < br->n_ports; p++) {
            if (plan_host_is_fake_bridge(&br->ports[p])) {
                consider_bridge(want, br->ports[p].name, best, &dist);
                n++;
            }
        }
    }
    for (size_t i = 0; i < host->n_links; i++) {
        if (host->links[i].kind == LINK_KIND_BRIDGE) {
            consider_bridge(want, host->links[i].name, best, &dist);
            n++;
        }
    }
    return n;
}

/* Adds the finding that network 'net' has no bridge on this host, so that
 * nothing is done for it here: a warning (drift) with the closest bridge
 * name if the host has bridges, for the name may be wrong; only worth
 * knowing on a host without any (a pool-wide policy on a host without the
 * network). */
static void
report_missing_bridge(struct planner *pl, size_t net)
{
    const struct policy_network *pn = planner_net(pl, net);
    const struct host *host = pl->host;
    char best[HOST_NAME_SIZE];
    size_t n_bridges = closest_bridge(host, pn->bridge, best);
    struct msg m = { .len = 0 };

    plan_msg_add(&m, "network %s: bridge '%s' is not on this host (neither an "
                 "OVS bridge, nor an OVS fake bridge, nor a Linux bridge), so "
                 "jumboagent does nothing for this network here", pn->name,
                 pn->bridge);
    if (!host->ovs_reachable && host->ovs_error[0]) {
        plan_msg_add(&m, "; OVSDB could not be read (%s), so '%s' may be an "
                     "OVS bridge that jumboagent could not see: start Open "
                     "vSwitch and run again", host->ovs_error, pn->bridge);
    } else {
        plan_msg_add(&m, "; that is normal where a pool-wide policy meets a "
                     "host without the network (XenServer creates the bridge "
                     "of an internal network only while a VM uses it)");
    }
    plan_msg_add(&m, "; if the bridge should exist here, check "
                 "networks[%zu].bridge", net);
    if (n_bridges) {
        plan_msg_add(&m, ": did you mean '%s'? (this host has %zu "
                     "bridge%s)", best, n_bridges, n_bridges == 1 ? "" : "s");
    }
    planner_add_finding(pl, &pl->findings, FINDING_MISSING,
                        n_bridges ? SEVERITY_DRIFT : SEVERITY_INFO, "", net,
                        &m);
}

void
plan_claims_overrides(struct planner *pl)
{
    for (size_t i = 0; i < pl->policy->n_overrides; i++) {
        const struct policy_override *o = &pl->policy->overrides[i];
        struct msg m = { .len = 0 };

        if (!o->interface || host_find_link(pl->host, o->interface)
            || host_find_ovs_iface(pl->host, o->interface, NULL, NULL)) {
            continue;
        }
        plan_msg_add(&m, "overrides[%zu] names interface '%s', which is not "
                     "on this host: the override does nothing here; correct "
                     "overrides[%zu].interface, or remove the override if "
                     "the NIC is gone", i, o->interface, i);
        planner_add_finding(pl, &pl->findings, FINDING_MISSING,
                            SEVERITY_DRIFT, o->interface, NO_NET, &m);
    }
}

bool
plan_claims_network(struct planner *pl, size_t net)
{
    const struct policy_network *pn = planner_net(pl, net);
    const struct host *host = pl->host;
    const struct host_ovs_bridge *br = host_find_bridge(host, pn->bridge);
    const struct host_link *br_link = host_find_link(host, pn->bridge);
    const struct host_ovs_port *fake = NULL;

    if (!br) {
        fake = plan_host_find_fake_bridge(host, pn->bridge, &br);
    }
    if (br) {
        classify_ovs(pl, net, br, fake);
    } else if (br_link && br_link->kind == LINK_KIND_BRIDGE) {
        classify_linux(pl, net, br_link);
    } else {
        report_missing_bridge(pl, net);
        return false;
    }
    return true;
}
