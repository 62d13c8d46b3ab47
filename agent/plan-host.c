/* The host model as the planner reads it: what kind of device a link is
 * and what it adds to a packet, how an OVS interface counts (tunnel, VIF,
 * uplink...: host_ovs_iface_role(), the classifier it shares with "show"),
 * which ports belong to an OVS fake bridge (a XenServer VLAN),
 * whether an OVS interface has a device behind it, which bridge an
 * interface belongs to, and whether the links loop.  Every stage of
 * plan_compute() asks these questions; none of them depends on the policy
 * beyond its 'vifs' patterns.  See plan-internal.h. */
#include "plan-internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Kernel links. */

bool
plan_host_is_bond(const struct host_link *link)
{
    return link->kind == LINK_KIND_BOND || link->kind == LINK_KIND_TEAM;
}

unsigned int
plan_host_overhead(const struct host_link *link)
{
    return host_tunnel_overhead(link->kind, link->tunnel_ipv6,
                                link->tunnel_key);
}

const char *
plan_host_noun(const struct host_link *link)
{
    switch (link->kind) {
    case LINK_KIND_VLAN:
        return "VLAN";
    case LINK_KIND_MACVLAN:
        return "macvlan";
    case LINK_KIND_VXLAN:
        return "VXLAN tunnel";
    case LINK_KIND_GENEVE:
        return "Geneve tunnel";
    case LINK_KIND_GRE:
        return "GRE tunnel";
    case LINK_KIND_GRETAP:
        return "GRETAP tunnel";
    case LINK_KIND_BOND:
        return "bond";
    case LINK_KIND_TEAM:
        return "team";
    case LINK_KIND_BRIDGE:
        return "bridge";
    default:
        return "device";
    }
}

/* OVS interfaces and fake bridges. */

bool
plan_host_ovs_type_is(const struct host_ovs_iface *iface, const char *type)
{
    return !strcmp(iface->type, type);
}

bool
plan_host_vif_glob(const struct policy_network *pn, const char *name)
{
    return pn && host_name_matches(name, pn->vifs, pn->n_vifs);
}

enum host_role
plan_host_ovs_role(const char *bridge, const struct host_ovs_port *port,
                   const struct host_ovs_iface *iface,
                   const struct policy_network *pn)
{
    return host_ovs_iface_role(bridge, port, iface, pn ? pn->vifs : NULL,
                               pn ? pn->n_vifs : 0);
}

bool
plan_host_is_fake_bridge(const struct host_ovs_port *port)
{
    return (port->tag && port->n_ifaces == 1
            && plan_host_ovs_type_is(&port->ifaces[0], "internal")
            && !strcmp(port->ifaces[0].name, port->name));
}

const struct host_ovs_port *
plan_host_fake_bridge_of(const struct host_ovs_bridge *br,
                         const struct host_ovs_port *port)
{
    return (port->tag
            ? host_bridge_find_tagged(br, port->tag, plan_host_is_fake_bridge)
            : NULL);
}

const struct host_ovs_port *
plan_host_find_fake_bridge(const struct host *host, const char *name,
                           const struct host_ovs_bridge **brp)
{
    const struct host_ovs_bridge *br;
    const struct host_ovs_port *port;

    /* Port and interface names are unique over the host (host-json.c
     * checks it; OVSDB ensures it), and a fake bridge's one interface has
     * its name: so it is the port of the interface of that name. */
    if (host_find_ovs_iface(host, name, &br, &port)
        && !strcmp(port->name, name) && plan_host_is_fake_bridge(port)) {
        *brp = br;
        return port;
    }
    return NULL;
}

enum plan_ovs_stale
plan_host_ovs_stale(const struct host *host,
                    const struct host_ovs_iface *iface)
{
    if (iface->error[0] || (iface->has_ofport && iface->ofport == -1)) {
        return OVS_STALE_ERROR;
    }
    if (!iface->has_mtu && !host_ovs_type_is_tunnel(iface->type)
        && !plan_host_ovs_type_is(iface, "patch")
        && !host_find_link(host, iface->name)) {
        return OVS_STALE_GONE;
    }
    return OVS_LIVE;
}

unsigned int
plan_host_ovs_mtu(const struct host *host, const struct host_ovs_iface *iface)
{
    const struct host_link *link = host_find_link(host, iface->name);

    return link ? link->mtu : iface->has_mtu ? iface->mtu : 0;
}

unsigned int
plan_host_uplinks_mtu(const struct host *host,
                      const struct host_ovs_bridge *br,
                      const struct policy_network *pn,
                      char name[HOST_NAME_SIZE])
{
    unsigned int min = 0;

    for (size_t p = 0; p < br->n_ports; p++) {
        const struct host_ovs_port *port = &br->ports[p];

        for (size_t i = 0;
             !plan_host_fake_bridge_of(br, port) && i < port->n_ifaces; i++) {
            const struct host_ovs_iface *iface = &port->ifaces[i];
            unsigned int mtu = plan_host_ovs_mtu(host, iface);
            enum host_role role = plan_host_ovs_role(br->name, port, iface,
                                                     pn);

            if ((role == HOST_ROLE_UPLINK || role == HOST_ROLE_MEMBER)
                && plan_host_ovs_stale(host, iface) == OVS_LIVE
                && mtu && (!min || mtu < min)) {
                min = mtu;
                copy_string(name, iface->name, HOST_NAME_SIZE);
            }
        }
    }
    return min;
}

/* Stacks of devices. */

void
plan_host_owning_bridge(const struct host *host, const char *name, char *buf,
                        size_t size)
{
    const struct host_ovs_bridge *br;
    const struct host_ovs_port *port;
    const struct host_link *link = host_find_link(host, name);

    for (int depth = 0; depth < MAX_STACK_DEPTH; depth++) {
        if (host_find_ovs_iface(host, name, &br, &port)) {
            const struct host_ovs_port *fake
                = plan_host_fake_bridge_of(br, port);

            copy_string(buf, fake ? fake->name : br->name, size);
            return;
        }
        if (!link) {
            break;
        }
        if (link->kind == LINK_KIND_BRIDGE) {
            copy_string(buf, link->name, size);
            return;
        }
        if (!link->master[0]) {
            break;
        }
        name = link->master;
        link = host_find_link(host, name);
    }
    copy_string(buf, "", size);
}

/* Loops in the host model. */

static size_t
link_index(const struct host *host, const char *name)
{
    const struct host_link *link = host_find_link(host, name);

    return link ? (size_t) (link - host->links) : SIZE_MAX;
}

/* Depth-first walk along master and lower links from link 'i'.  'state' is
 * 0 (not seen), 1 (on the current path), 2 (done).  Returns true and fills
 * 'err' if it finds a loop. */
static bool
loop_visit(const struct host *host, size_t i, unsigned char *state,
           size_t *path, size_t depth, struct error *err)
{
    const struct host_link *link = &host->links[i];
    const char *nexts[2] = { link->master, link->lower };

    state[i] = 1;
    path[depth] = i;
    for (size_t k = 0; k < ARRAY_SIZE(nexts); k++) {
        size_t j = nexts[k][0] ? link_index(host, nexts[k]) : SIZE_MAX;
        struct msg m = { .len = 0 };

        if (j == SIZE_MAX || state[j] == 2) {
            continue;
        }
        if (state[j] == 0) {
            if (loop_visit(host, j, state, path, depth + 1, err)) {
                return true;
            }
            continue;
        }
        for (size_t p = 0; p <= depth; p++) {
            if (path[p] == j) {
                for (size_t q = p; q <= depth; q++) {
                    plan_msg_add(&m, "%s -> ", host->links[path[q]].name);
                }
                break;
            }
        }
        plan_msg_add(&m, "%s", host->links[j].name);
        error_set(err, -ELOOP, "the host model links %s in a loop (through "
                  "master and lower devices), so no safe order of MTU "
                  "changes exists: read the host again (jumboagent show) "
                  "and report the model if the loop is still there", m.s);
        return true;
    }
    state[i] = 2;
    return false;
}

int
plan_host_check_loops(const struct host *host, struct error *err)
{
    unsigned char *state = xzalloc(host->n_links);
    size_t *path = xzalloc((host->n_links + 1) * sizeof *path);
    int error = 0;

    for (size_t i = 0; i < host->n_links && !error; i++) {
        if (!state[i] && loop_visit(host, i, state, path, 0, err)) {
            error = -ELOOP;
        }
    }
    free(state);
    free(path);
    return error;
}
