/* The planner: see plan.h.
 *
 * plan_compute() works in stages over a scratch 'struct planner':
 *
 *   1. Claims.  Each policy network finds its bridge and sorts the bridge's
 *      interfaces into roles.  Every managed interface gets a claim "network
 *      N wants exactly M", and every device under it (bond slave, VLAN lower
 *      device, tunnel underlay) a claim "at least M plus the overhead".  The
 *      network of an OVS fake bridge (a XenServer VLAN) takes the ports with
 *      its tag; the network of the parent bridge takes the untagged ones.
 *      Stale OVS interfaces (no device behind them) are skipped.  A network
 *      whose bridge is not on this host is only reported.
 *   2. Checks.  Every claim is judged against the kernel's min/max MTU, the
 *      driver table, the policy's overrides and the management rule, and
 *      each network against the IPv6 minimum.  A failed check refuses the
 *      whole network: it gets no steps at all.
 *   3. Resolution.  An interface's target is the largest claim of a network
 *      that is not refused (an "at least" claim never lowers anything).
 *      Lowering a device under an upper device that no network manages, or
 *      a VLAN network above its parent's uplinks, refuses the network that
 *      asked for it; this repeats until stable.
 *   4. Steps.  One per interface whose state differs from its target,
 *      lowering steps first (upper devices first), then raising steps (lower
 *      devices first), with the host's lower/bond links as hard constraints
 *      of a topological sort in which all OVS steps are one block: apply.c
 *      makes them in one transaction.  A link step that would have to sit
 *      inside that block refuses the networks around it, and the steps are
 *      planned again.  LRO steps, for the interfaces of policy networks off
 *      the management path, come before all of them.
 *   5. Audit.  Facts about the host that hold with or without a policy
 *      (mismatched ports, requests vswitchd did not apply...), each kept
 *      only if it still holds on a copy of the host with the steps applied:
 *      the others are drift that the steps already fix and report.
 *
 * Nothing here does I/O, logs, or keeps state between calls. */
#include "plan.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Plain Ethernet: the most a refused driver may carry, and the line above
 * which an MTU counts as jumbo. */
#define STD_MTU 1500

/* The smallest MTU that IPv6 allows on a link (RFC 8200, section 5). */
#define IPV6_MIN_MTU 1280

/* Deepest chain of stacked devices followed (VLAN on bond on NICs...). */
#define MAX_STACK_DEPTH 16

/* "No network" for findings and steps that belong to none. */
#define NO_NET SIZE_MAX

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

/* A finding on its way into the plan, with the index of its network for
 * sorting. */
struct pending_finding {
    size_t net;                 /* Index in the policy, or NO_NET. */
    struct finding f;
};

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

struct planner {
    const struct policy *policy;    /* NULL: audit only. */
    const struct host *host;
    const struct driver_table *drivers;

    struct node **nodes;
    size_t n_nodes, allocated_nodes;
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

static void msg_add(struct msg *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
msg_add(struct msg *m, const char *fmt, ...)
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

static const struct policy_network *
net_at(const struct planner *pl, size_t net)
{
    return &pl->policy->networks[net];
}

static const char *
net_name(const struct planner *pl, size_t net)
{
    return net == NO_NET ? "" : net_at(pl, net)->name;
}

/* Adds a finding with the message 'm' to 'list'. */
static void
finding_add(const struct planner *pl, struct finding_list *list,
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
    copy_string(pf->f.network, net_name(pl, net), sizeof pf->f.network);
    copy_string(pf->f.message, m->s, sizeof pf->f.message);
}

/* Refuses network 'net' with a finding of 'kind' on 'ifname'. */
static void
refuse(struct planner *pl, enum finding_kind kind, const char *ifname,
       size_t net, const struct msg *m)
{
    pl->refused[net] = true;
    finding_add(pl, &pl->findings, kind, SEVERITY_REFUSED, ifname, net, m);
}

/* Host helpers. */

static bool
is_bond_kind(const struct host_link *link)
{
    return link->kind == LINK_KIND_BOND || link->kind == LINK_KIND_TEAM;
}

static bool
is_tunnel_kind(enum link_kind kind)
{
    return (kind == LINK_KIND_VXLAN || kind == LINK_KIND_GENEVE
            || kind == LINK_KIND_GRE || kind == LINK_KIND_GRETAP);
}

/* Bytes that a tunnel device adds to each packet on its lower device. */
static unsigned int
link_overhead(const struct host_link *link)
{
    unsigned int overhead;

    switch (link->kind) {
    case LINK_KIND_VXLAN:
    case LINK_KIND_GENEVE:
        return link->tunnel_ipv6 ? 70 : 50;
    case LINK_KIND_GRE:
        overhead = link->tunnel_ipv6 ? 44 : 24;
        break;
    case LINK_KIND_GRETAP:
        overhead = link->tunnel_ipv6 ? 58 : 38;
        break;
    default:
        return 0;
    }
    return overhead + (link->tunnel_key ? 4 : 0);
}

/* A word for what 'link' is, for messages: "VLAN", "VXLAN tunnel"... */
static const char *
link_noun(const struct host_link *link)
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

/* Writes "eth4 (driver enic, PCI 1137:0043)" for 'link' into 'm'. */
static void
msg_add_link(struct msg *m, const struct host_link *link)
{
    msg_add(m, "%s (driver %s, ", link->name,
            link->driver[0] ? link->driver : "unknown");
    if (link->has_pci) {
        msg_add(m, "PCI %04x:%04x)", link->pci_vendor, link->pci_device);
    } else {
        msg_add(m, "no PCI id)");
    }
}

static bool
ovs_type_is(const struct host_ovs_iface *iface, const char *type)
{
    return !strcmp(iface->type, type);
}

static bool
ovs_type_is_tunnel(const struct host_ovs_iface *iface)
{
    static const char *const types[] = {
        "vxlan", "geneve", "gre", "stt", "lisp", "erspan", "ip6erspan",
        "ip6gre", "gtpu", "bareudp", "srv6",
    };

    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (ovs_type_is(iface, types[i])) {
            return true;
        }
    }
    return false;
}

/* True if 'name' matches one of the 'vifs' globs of 'pn' (may be NULL). */
static bool
net_vif_glob(const struct policy_network *pn, const char *name)
{
    for (size_t i = 0; pn && i < pn->n_vifs; i++) {
        if (!fnmatch(pn->vifs[i], name, 0)) {
            return true;
        }
    }
    return false;
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

/* How the planner treats an OVS interface. */
enum ovs_class {
    OVS_CLASS_TUNNEL,           /* vxlan, geneve...: left alone. */
    OVS_CLASS_PATCH,            /* patch: no MTU of its own. */
    OVS_CLASS_INTERNAL,         /* The (fake) bridge's own internal port. */
    OVS_CLASS_VLAN,             /* Another internal port. */
    OVS_CLASS_VIF,
    OVS_CLASS_SYSTEM,           /* Uplink or bond member. */
};

/* Classifies 'iface' of 'port' on the bridge or fake bridge named 'bridge'
 * for the network 'pn' (may be NULL). */
static enum ovs_class
ovs_classify(const char *bridge, const struct host_ovs_port *port,
             const struct host_ovs_iface *iface,
             const struct policy_network *pn)
{
    if (ovs_type_is_tunnel(iface)) {
        return OVS_CLASS_TUNNEL;
    } else if (ovs_type_is(iface, "patch")) {
        return OVS_CLASS_PATCH;
    } else if (ovs_type_is(iface, "internal")) {
        return (!strcmp(port->name, bridge) ? OVS_CLASS_INTERNAL
                : OVS_CLASS_VLAN);
    } else if (host_ovs_iface_is_vif(iface) || net_vif_glob(pn, iface->name)
               || !strncmp(iface->type, "dpdkvhostuser", 13)) {
        return OVS_CLASS_VIF;
    }
    return OVS_CLASS_SYSTEM;
}

/* True if 'port' is an OVS fake bridge: a port with a VLAN tag whose one
 * interface is an internal port of the same name.  "ovs-vsctl add-br
 * xapi5 xenbr1 105" makes one, and XenServer puts each VLAN network on
 * one. */
static bool
is_fake_bridge_port(const struct host_ovs_port *port)
{
    return (port->tag && port->n_ifaces == 1
            && ovs_type_is(&port->ifaces[0], "internal")
            && !strcmp(port->ifaces[0].name, port->name));
}

/* Returns the fake bridge on 'br' that 'port' belongs to (the fake bridge
 * with the same tag; a fake bridge belongs to itself), or NULL if 'port'
 * is untagged or no fake bridge has its tag: then the port belongs to 'br'
 * itself, as the tagged VM ports of an OpenStack br-int do. */
static const struct host_ovs_port *
fake_bridge_of(const struct host_ovs_bridge *br,
               const struct host_ovs_port *port)
{
    for (size_t p = 0; port->tag && p < br->n_ports; p++) {
        if (br->ports[p].tag == port->tag
            && is_fake_bridge_port(&br->ports[p])) {
            return &br->ports[p];
        }
    }
    return NULL;
}

/* Returns the fake bridge named 'name', and its parent bridge in '*brp', or
 * NULL if there is none. */
static const struct host_ovs_port *
find_fake_bridge(const struct host *host, const char *name,
                 const struct host_ovs_bridge **brp)
{
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];

        for (size_t p = 0; p < br->n_ports; p++) {
            if (!strcmp(br->ports[p].name, name)
                && is_fake_bridge_port(&br->ports[p])) {
                *brp = br;
                return &br->ports[p];
            }
        }
    }
    return NULL;
}

/* Why the OVS interface 'iface' has no working device behind it. */
enum ovs_stale {
    OVS_LIVE,                   /* It has one (or cannot tell: tunnels,
                                 * patch ports). */
    OVS_STALE_ERROR,            /* vswitchd could not open it: ofport -1 or
                                 * Interface.error. */
    OVS_STALE_GONE,             /* No Interface.mtu and no kernel link: the
                                 * device is gone (a removed NIC, the VIF
                                 * of a VM that crashed). */
};

static enum ovs_stale
ovs_iface_stale(const struct host *host, const struct host_ovs_iface *iface)
{
    if (iface->error[0] || (iface->has_ofport && iface->ofport == -1)) {
        return OVS_STALE_ERROR;
    }
    if (!iface->has_mtu && !ovs_type_is_tunnel(iface)
        && !ovs_type_is(iface, "patch")
        && !host_find_link(host, iface->name)) {
        return OVS_STALE_GONE;
    }
    return OVS_LIVE;
}

/* Writes into 'buf' the bridge that 'name' belongs to: its OVS bridge (or
 * fake bridge), or the Linux bridge it is (or whose bond it is) a port of,
 * or "". */
static void
owning_bridge(const struct host *host, const char *name, char *buf,
              size_t size)
{
    const struct host_ovs_bridge *br;
    const struct host_ovs_port *port;
    const struct host_link *link = host_find_link(host, name);

    for (int depth = 0; depth < MAX_STACK_DEPTH; depth++) {
        if (host_find_ovs_iface(host, name, &br, &port)) {
            const struct host_ovs_port *fake = fake_bridge_of(br, port);

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

/* Returns the index of the policy network whose bridge is 'bridge', or
 * NO_NET. */
static size_t
network_of_bridge(const struct planner *pl, const char *bridge)
{
    for (size_t i = 0; pl->policy && bridge[0]
                       && i < pl->policy->n_networks; i++) {
        if (!strcmp(net_at(pl, i)->bridge, bridge)) {
            return i;
        }
    }
    return NO_NET;
}

/* Returns the link that a default route leaves through if the host's
 * management path runs through the link 'name': 'name' itself or a device
 * stacked on it (its bond or Linux bridge, a VLAN on it, the internal port
 * or a fake bridge of its OVS bridge).  Returns NULL otherwise.  'depth'
 * counts the devices walked so far. */
static const char *
management_path(const struct host *host, const char *name, int depth)
{
    const struct host_link *link = host_find_link(host, name);
    const struct host_ovs_bridge *br;
    const struct host_ovs_iface *iface;
    const char *found;

    if (depth > MAX_STACK_DEPTH) {
        return NULL;
    }
    if (link && link->default_route) {
        return link->name;
    }
    iface = host_find_ovs_iface(host, name, &br, NULL);
    if (iface && !ovs_type_is(iface, "internal")) {
        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];

            for (size_t i = 0; i < port->n_ifaces; i++) {
                if (ovs_type_is(&port->ifaces[i], "internal")) {
                    found = management_path(host, port->ifaces[i].name,
                                            depth + 1);
                    if (found) {
                        return found;
                    }
                }
            }
        }
    }
    if (link && link->master[0]) {
        found = management_path(host, link->master, depth + 1);
        if (found) {
            return found;
        }
    }
    for (size_t i = 0; i < host->n_links; i++) {
        if (!strcmp(host->links[i].lower, name)) {
            found = management_path(host, host->links[i].name, depth + 1);
            if (found) {
                return found;
            }
        }
    }
    return NULL;
}

/* Loops in the host model. */

static size_t
link_index(const struct host *host, const char *name)
{
    for (size_t i = 0; i < host->n_links; i++) {
        if (!strcmp(host->links[i].name, name)) {
            return i;
        }
    }
    return SIZE_MAX;
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
                    msg_add(&m, "%s -> ", host->links[path[q]].name);
                }
                break;
            }
        }
        msg_add(&m, "%s", host->links[j].name);
        error_set(err, -ELOOP, "the host model links %s in a loop (through "
                  "master and lower devices), so no safe order of MTU "
                  "changes exists: read the host again (jumboagent show) "
                  "and report the model if the loop is still there", m.s);
        return true;
    }
    state[i] = 2;
    return false;
}

static int
check_loops(const struct host *host, struct error *err)
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

/* Nodes and claims. */

static struct node *
node_find(const struct planner *pl, const char *name)
{
    for (size_t i = 0; i < pl->n_nodes; i++) {
        if (!strcmp(pl->nodes[i]->name, name)) {
            return pl->nodes[i];
        }
    }
    return NULL;
}

static struct node *
node_get(struct planner *pl, const char *name)
{
    struct node *node = node_find(pl, name);

    if (!node) {
        node = xzalloc(sizeof *node);
        copy_string(node->name, name, sizeof node->name);
        node->link = host_find_link(pl->host, name);
        node->iface = host_find_ovs_iface(pl->host, name, NULL, NULL);
        grow_array((void **) &pl->nodes, &pl->allocated_nodes,
                   pl->n_nodes + 1, sizeof *pl->nodes);
        pl->nodes[pl->n_nodes++] = node;
    }
    return node;
}

/* What vswitchd or the kernel says the interface runs at. */
static unsigned int
node_actual(const struct node *node)
{
    if (node->iface && node->iface->has_mtu) {
        return node->iface->mtu;
    }
    return node->link ? node->link->mtu : 0;
}

/* The value a step changes: mtu_request if set, else the actual MTU. */
static unsigned int
node_current(const struct node *node)
{
    if (node->iface && node->iface->has_mtu_request) {
        return node->iface->mtu_request;
    }
    return node_actual(node);
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
    if (is_bond_kind(upper)) {
        for (size_t i = 0; i < pl->host->n_links; i++) {
            const struct host_link *slave = &pl->host->links[i];

            if (!strcmp(slave->master, upper->name)) {
                format_into(why, sizeof why, "member of %s %s",
                            link_noun(upper), upper->name);
                node_add_claim(node_get(pl, slave->name), net, exact,
                               ROLE_MEMBER, mtu, why);
                claim_below(pl, net, slave, mtu, exact, depth + 1);
            }
        }
    }
    if (upper->lower[0]) {
        const struct host_link *lower = host_find_link(pl->host,
                                                       upper->lower);
        unsigned int need = mtu + link_overhead(upper);

        if (!lower) {
            struct msg m = { .len = 0 };

            msg_add(&m, "%s is a %s on %s, which is not in the host model "
                    "(another network namespace?): jumboagent cannot check "
                    "it; make sure %s carries at least %u", upper->name,
                    link_noun(upper), upper->lower, upper->lower, need);
            finding_add(pl, &pl->findings, FINDING_UNMANAGED, SEVERITY_INFO,
                        upper->name, net, &m);
            return;
        }
        if (link_overhead(upper)) {
            format_into(why, sizeof why, "underlay device of %s %s "
                        "(+%u bytes)", link_noun(upper), upper->name,
                        link_overhead(upper));
        } else {
            format_into(why, sizeof why, "lower device of %s %s",
                        link_noun(upper), upper->name);
        }
        node_add_claim(node_get(pl, lower->name), net, false,
                       is_bond_kind(lower) ? ROLE_BOND : ROLE_UPLINK,
                       need, why);
        claim_below(pl, net, lower, need, false, depth + 1);
    } else if (is_tunnel_kind(upper->kind)) {
        struct msg m = { .len = 0 };

        msg_add(&m, "%s is a %s without a fixed underlay device: jumboagent "
                "cannot check its underlay; make sure the route to its "
                "remote carries at least %u", upper->name, link_noun(upper),
                mtu + link_overhead(upper));
        finding_add(pl, &pl->findings, FINDING_UNMANAGED, SEVERITY_INFO,
                    upper->name, net, &m);
    }
}

/* Network 'net' manages 'name' in 'role': it wants exactly its MTU there. */
static void
claim_exact(struct planner *pl, size_t net, const char *name,
            enum plan_role role)
{
    const struct policy_network *pn = net_at(pl, net);
    struct node *node = node_get(pl, name);

    node_add_claim(node, net, true, role, pn->mtu, "");
    if (node->link) {
        claim_below(pl, net, node->link, pn->mtu, true, 0);
    }
}

/* Adds the finding that 'name', a port of 'bridge' at 'mtu', is not in the
 * network's uplinks and is left alone. */
static void
report_unlisted(struct planner *pl, size_t net, const char *name,
                const char *bridge, unsigned int mtu)
{
    const struct policy_network *pn = net_at(pl, net);
    struct msg m = { .len = 0 };

    msg_add(&m, "%s is a port of bridge %s but not in networks[%zu].uplinks: "
            "jumboagent leaves it at %u", name, bridge, net, mtu);
    if (mtu != pn->mtu) {
        msg_add(&m, " while network %s goes to %u, so the bridge's ports "
                "will differ", pn->name, pn->mtu);
    }
    msg_add(&m, "; add it to the list if it carries network %s, or take it "
            "off the bridge", pn->name);
    finding_add(pl, &pl->findings, FINDING_UNMANAGED, SEVERITY_INFO, name,
                net, &m);
}

/* Network 'net' manages the VM interface 'name' (a port of 'bridge' at
 * 'mtu'), unless its 'vifs' patterns leave it out: then adds a finding that
 * it is left alone. */
static void
claim_vif(struct planner *pl, size_t net, const char *name,
          const char *bridge, unsigned int mtu)
{
    const struct policy_network *pn = net_at(pl, net);
    struct msg m = { .len = 0 };

    if (!pn->has_vifs || net_vif_glob(pn, name)) {
        claim_exact(pl, net, name, ROLE_VIF);
        return;
    }
    msg_add(&m, "%s is a VM interface on bridge %s but matches no pattern in "
            "networks[%zu].vifs: jumboagent leaves it at %u", name, bridge,
            net, mtu);
    if (mtu != pn->mtu) {
        msg_add(&m, " while network %s goes to %u", pn->name, pn->mtu);
    }
    msg_add(&m, "; add a pattern for it if it should follow network %s",
            pn->name);
    finding_add(pl, &pl->findings, FINDING_UNMANAGED, SEVERITY_INFO, name,
                net, &m);
}

/* Refuses network 'net' for its uplink 'uplink' that is not on its bridge,
 * whose ports 'ports' lists. */
static void
refuse_missing_uplink(struct planner *pl, size_t net, const char *uplink,
                      const struct msg *ports)
{
    const struct policy_network *pn = net_at(pl, net);
    struct msg m = { .len = 0 };

    msg_add(&m, "network %s: uplink '%s' in networks[%zu].uplinks is not a "
            "port of bridge '%s' (its ports: %s); attach it to the bridge or "
            "correct the list", pn->name, uplink, net, pn->bridge,
            ports->len ? ports->s : "none");
    refuse(pl, FINDING_MISSING, uplink, net, &m);
}

/* The MTU of the OVS interface 'iface' as the kernel (else vswitchd)
 * reports it, or 0. */
static unsigned int
ovs_iface_mtu(const struct host *host, const struct host_ovs_iface *iface)
{
    const struct host_link *link = host_find_link(host, iface->name);

    return link ? link->mtu : iface->has_mtu ? iface->mtu : 0;
}

/* The smallest MTU at which the uplinks of the OVS bridge 'br' (its
 * untagged system ports) now run, or 0 if it has none; the name of one
 * uplink at that MTU goes into 'name'. */
static unsigned int
ovs_uplinks_mtu(const struct host *host, const struct host_ovs_bridge *br,
                const struct policy_network *pn, char name[HOST_NAME_SIZE])
{
    unsigned int min = 0;

    for (size_t p = 0; p < br->n_ports; p++) {
        const struct host_ovs_port *port = &br->ports[p];

        for (size_t i = 0; !fake_bridge_of(br, port) && i < port->n_ifaces;
             i++) {
            const struct host_ovs_iface *iface = &port->ifaces[i];
            unsigned int mtu = ovs_iface_mtu(host, iface);

            if (ovs_classify(br->name, port, iface, pn) == OVS_CLASS_SYSTEM
                && ovs_iface_stale(host, iface) == OVS_LIVE
                && mtu && (!min || mtu < min)) {
                min = mtu;
                copy_string(name, iface->name, HOST_NAME_SIZE);
            }
        }
    }
    return min;
}

/* Adds the finding that the fake bridge 'fake' on 'br', which no network
 * of the policy names, is left alone by network 'net' of 'br' although it
 * is at another MTU. */
static void
report_unmanaged_fake(struct planner *pl, size_t net,
                      const struct host_ovs_bridge *br,
                      const struct host_ovs_port *fake)
{
    const struct policy_network *pn = net_at(pl, net);
    unsigned int mtu = ovs_iface_mtu(pl->host, &fake->ifaces[0]);
    char uplink[HOST_NAME_SIZE];
    size_t n_vifs = 0;
    struct msg m = { .len = 0 };

    if (network_of_bridge(pl, fake->name) != NO_NET || !mtu
        || mtu == pn->mtu
        || (mtu > pn->mtu
            && ovs_uplinks_mtu(pl->host, br, pn, uplink) > pn->mtu)) {
        /* Unknown or equal: nothing to say.  Above a parent that lowers
         * its uplinks: refuse_vlan_above_parent() refuses that. */
        return;
    }
    for (size_t p = 0; p < br->n_ports; p++) {
        for (size_t i = 0; fake_bridge_of(br, &br->ports[p]) == fake
                           && i < br->ports[p].n_ifaces; i++) {
            n_vifs += (ovs_classify(fake->name, &br->ports[p],
                                    &br->ports[p].ifaces[i], NULL)
                       == OVS_CLASS_VIF);
        }
    }
    msg_add(&m, "%s is the OVS fake bridge of VLAN %u on %s, at %u: network "
            "%s sets the untagged ports of %s and leaves %s", fake->name,
            fake->tag, br->name, mtu, pn->name, br->name, fake->name);
    if (n_vifs) {
        msg_add(&m, " and its %zu VM interface%s", n_vifs,
                n_vifs == 1 ? "" : "s");
    }
    msg_add(&m, " alone; to manage %s, add a network with \"bridge\": "
            "\"%s\" and an MTU of at most %u", n_vifs ? "them" : "it",
            fake->name, pn->mtu);
    finding_add(pl, &pl->findings, FINDING_UNMANAGED, SEVERITY_INFO,
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
    const struct policy_network *pn = net_at(pl, net);
    const char *bridge = fake ? fake->name : br->name;
    struct msg ports = { .len = 0 };

    for (size_t p = 0; p < br->n_ports; p++) {
        const struct host_ovs_port *port = &br->ports[p];
        bool listed = (!pn->has_uplinks
                       || net_lists_uplink(pn, port->name));

        if (fake_bridge_of(br, port) != fake) {
            if (!fake && is_fake_bridge_port(port)) {
                report_unmanaged_fake(pl, net, br, port);
            }
            continue;
        }
        msg_add(&ports, "%s%s", ports.len ? ", " : "", port->name);
        for (size_t i = 0; i < port->n_ifaces; i++) {
            listed = listed || net_lists_uplink(pn, port->ifaces[i].name);
        }
        for (size_t i = 0; i < port->n_ifaces; i++) {
            const struct host_ovs_iface *iface = &port->ifaces[i];
            enum ovs_class class = ovs_classify(bridge, port, iface, pn);
            struct msg m = { .len = 0 };

            if (class != OVS_CLASS_TUNNEL && class != OVS_CLASS_PATCH
                && ovs_iface_stale(pl->host, iface) != OVS_LIVE) {
                /* The audit reports it (OVS_IFACE_ERROR), with what to
                 * do; a step could only fail. */
                continue;
            }
            switch (class) {
            case OVS_CLASS_TUNNEL:
                msg_add(&m, "%s is an OVS %s tunnel port on %s: jumboagent "
                        "does not set tunnel MTUs; the underlay must carry "
                        "%u plus the tunnel's overhead (VXLAN and Geneve add "
                        "50 bytes over IPv4, 70 over IPv6)", iface->name,
                        iface->type, bridge, pn->mtu);
                finding_add(pl, &pl->findings, FINDING_UNMANAGED,
                            SEVERITY_INFO, iface->name, net, &m);
                break;
            case OVS_CLASS_PATCH:
                break;
            case OVS_CLASS_INTERNAL:
                claim_exact(pl, net, iface->name, ROLE_INTERNAL);
                break;
            case OVS_CLASS_VLAN:
                claim_exact(pl, net, iface->name, ROLE_VLAN);
                break;
            case OVS_CLASS_VIF:
                claim_vif(pl, net, iface->name, bridge,
                          ovs_iface_mtu(pl->host, iface));
                break;
            case OVS_CLASS_SYSTEM:
                if (!listed) {
                    report_unlisted(pl, net, iface->name, bridge,
                                    ovs_iface_mtu(pl->host, iface));
                } else {
                    claim_exact(pl, net, iface->name,
                                port->n_ifaces > 1 ? ROLE_MEMBER
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
                     && fake_bridge_of(br, &br->ports[p]) == fake);
        }
        if (!found && host_find_ovs_iface(pl->host, pn->uplinks[u], &owner,
                                          &port)) {
            found = owner == br && fake_bridge_of(br, port) == fake;
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
    return is_bond_kind(port) && link && !strcmp(link->master, port->name);
}

/* Sorts the ports of the Linux bridge 'br' into roles for 'net'. */
static void
classify_linux(struct planner *pl, size_t net, const struct host_link *br)
{
    const struct policy_network *pn = net_at(pl, net);
    const struct host *host = pl->host;
    struct msg ports = { .len = 0 };

    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];
        enum plan_role role;
        bool listed;

        if (strcmp(link->master, br->name)) {
            continue;
        }
        msg_add(&ports, "%s%s", ports.len ? ", " : "", link->name);
        if (host_link_is_vif(link) || net_vif_glob(pn, link->name)) {
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

        if (is_bond_kind(link)) {
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

/* Adds the finding that network 'net' has no bridge on this host, so that
 * nothing is done for it here. */
static void
report_missing_bridge(struct planner *pl, size_t net)
{
    const struct policy_network *pn = net_at(pl, net);
    const struct host *host = pl->host;
    struct msg m = { .len = 0 };

    msg_add(&m, "network %s: bridge '%s' is not on this host (neither an OVS "
            "bridge, nor an OVS fake bridge, nor a Linux bridge), so "
            "jumboagent does nothing for this network here", pn->name,
            pn->bridge);
    if (!host->ovs_reachable && host->ovs_error[0]) {
        msg_add(&m, "; OVSDB could not be read (%s), so '%s' may be an OVS "
                "bridge that jumboagent could not see: start Open vSwitch "
                "and run again", host->ovs_error, pn->bridge);
    } else {
        msg_add(&m, "; that is normal where a pool-wide policy meets a host "
                "without the network (XenServer creates the bridge of an "
                "internal network only while a VM uses it)");
    }
    msg_add(&m, "; if the bridge should exist here, check "
            "networks[%zu].bridge", net);
    finding_add(pl, &pl->findings, FINDING_MISSING, SEVERITY_INFO, "", net,
                &m);
}

/* Refuses network 'net' if its MTU is below the IPv6 minimum while this
 * host has IPv6 on.  The policy checks that only for networks that say
 * "ipv6": true. */
static void
check_ipv6_minimum(struct planner *pl, size_t net)
{
    const struct policy_network *pn = net_at(pl, net);
    struct msg m = { .len = 0 };

    if (pn->mtu >= IPV6_MIN_MTU || pl->host->sysctls.ipv6_disabled != 0) {
        return;
    }
    msg_add(&m, "network %s wants MTU %u, but IPv6 is enabled on this host "
            "(net.ipv6.conf.all.disable_ipv6=0) and IPv6 needs at least %u: "
            "the kernel takes IPv6 off every interface below that, and with "
            "it link-local addresses and neighbour discovery; raise "
            "networks[%zu].mtu to at least %u, or disable IPv6 on this host "
            "if nothing uses it", pn->name, pn->mtu, IPV6_MIN_MTU, net,
            IPV6_MIN_MTU);
    refuse(pl, FINDING_REFUSED, "", net, &m);
}

/* Finds the bridge of network 'net', classifies its interfaces and checks
 * an overlay network against its underlay. */
static void
plan_network(struct planner *pl, size_t net)
{
    const struct policy_network *pn = net_at(pl, net);
    const struct host *host = pl->host;
    const struct host_ovs_bridge *br = host_find_bridge(host, pn->bridge);
    const struct host_link *br_link = host_find_link(host, pn->bridge);
    const struct host_ovs_port *fake = NULL;

    if (!br) {
        fake = find_fake_bridge(host, pn->bridge, &br);
    }
    if (br) {
        classify_ovs(pl, net, br, fake);
    } else if (br_link && br_link->kind == LINK_KIND_BRIDGE) {
        classify_linux(pl, net, br_link);
    } else {
        report_missing_bridge(pl, net);
        return;
    }
    check_ipv6_minimum(pl, net);

    if (pn->has_overlay) {
        const struct policy_network *under;
        struct msg m = { .len = 0 };

        under = policy_find_network(pl->policy, pn->overlay.underlay);
        if (!under) {
            msg_add(&m, "network %s: its underlay network '%s' is not in the "
                    "policy; add it or correct networks[%zu].overlay.underlay",
                    pn->name, pn->overlay.underlay ? pn->overlay.underlay
                    : "", net);
            refuse(pl, FINDING_MISSING, "", net, &m);
        } else {
            unsigned int overhead = policy_overlay_overhead(&pn->overlay);
            unsigned int fit = under->mtu > overhead ? under->mtu - overhead
                                                     : 0;
            size_t under_index = (size_t) (under - pl->policy->networks);

            if (pn->mtu > fit) {
                msg_add(&m, "network %s (MTU %u) runs %s over network %s "
                        "(MTU %u): %s adds %u bytes, so %s can be at most %u; "
                        "lower networks[%zu].mtu to %u or raise "
                        "networks[%zu].mtu to %u", pn->name, pn->mtu,
                        overlay_type_to_string(pn->overlay.type),
                        under->name, under->mtu,
                        overlay_type_to_string(pn->overlay.type), overhead,
                        pn->name, fit, net, fit, under_index,
                        pn->mtu + overhead);
                refuse(pl, FINDING_REFUSED, "", net, &m);
            }
        }
    }
}

/* Checks. */

/* Writes "network storage wants 9000" or the "at least" form for 'c'. */
static void
msg_add_want(struct msg *m, const struct planner *pl, const struct claim *c)
{
    const struct policy_network *pn = net_at(pl, c->net);

    if (c->exact) {
        msg_add(m, "network %s wants %u", pn->name, c->mtu);
    } else {
        msg_add(m, "network %s needs at least %u on it as the %s", pn->name,
                c->mtu, c->why);
    }
}

/* Writes "rule 'driver enic': REASON; source: SOURCE" for 'j'. */
static void
msg_add_rule(struct msg *m, const struct driver_judgement *j)
{
    msg_add(m, "rule '%s'", j->rule ? j->rule : "");
    if (j->reason && j->reason[0]) {
        int len = (int) strlen(j->reason);

        /* The reason is a sentence; drop its full stop inside ours. */
        msg_add(m, ": %.*s", len - (j->reason[len - 1] == '.'), j->reason);
    }
    if (j->source && j->source[0]) {
        msg_add(m, "; source: %s", j->source);
    }
}

/* The network MTU that would make claim 'c' fit under 'limit'. */
static unsigned int
fitting_mtu(const struct planner *pl, const struct claim *c,
            unsigned int limit)
{
    unsigned int extra = c->mtu - net_at(pl, c->net)->mtu;

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
            && !(node->iface && ovs_type_is(node->iface, "internal")));
}

/* Judges claim 'c' on 'node' against the management rule, the kernel's
 * limits, the driver table and the overrides; refuses its network if it
 * fails. */
static void
check_claim(struct planner *pl, struct node *node, const struct claim *c)
{
    const struct policy_network *pn = net_at(pl, c->net);
    const struct host_link *link = node->link;
    struct driver_judgement j = { .known = false };
    bool judged = false;        /* 'j' holds the table's judgement. */
    bool known = false;         /* ...and the table knows the driver. */
    unsigned int kmax, tmax, limit;
    struct msg m = { .len = 0 };

    if (!link || (!c->exact && node_current(node) >= c->mtu)) {
        return;
    }

    if (link->default_route && c->mtu > STD_MTU && !pn->management) {
        msg_add(&m, "%s carries the default route, and ", link->name);
        msg_add_want(&m, pl, c);
        msg_add(&m, ": jumbo on the management path can cut this host off "
                "from its pool; set \"management\": true in networks[%zu] "
                "if that is intended", c->net);
        refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
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
        msg_add_link(&m, link);
        msg_add(&m, ": ");
        msg_add_want(&m, pl, c);
        msg_add(&m, ", but it accepts no MTU below %u (kernel min_mtu); "
                "raise networks[%zu].mtu to at least %u", link->min_mtu,
                c->net, link->min_mtu);
        refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
        return;
    }

    if (known && j.verdict == DRIVER_REFUSE && c->mtu > STD_MTU) {
        const struct policy_override *o;

        o = policy_find_override(pl->policy, link->name);
        if (o && o->allow_driver && !strcmp(o->allow_driver, link->driver)) {
            if (!node->override_reported) {
                node->override_reported = true;
                msg_add_link(&m, link);
                msg_add(&m, ": override in effect: the driver table refuses "
                        "jumbo frames on it (");
                msg_add_rule(&m, &j);
                msg_add(&m, "), but the policy allows driver %s here: "
                        "\"%s\"; remove the override to restore the refusal",
                        link->driver, o->reason ? o->reason : "");
                finding_add(pl, &pl->findings, FINDING_OVERRIDE,
                            SEVERITY_INFO, node->name, c->net, &m);
                m.len = 0;
            }
        } else {
            msg_add_link(&m, link);
            msg_add(&m, ": ");
            msg_add_want(&m, pl, c);
            msg_add(&m, ", but the driver table refuses jumbo frames on it "
                    "(");
            msg_add_rule(&m, &j);
            msg_add(&m, ")");
            if (o && o->allow_driver) {
                msg_add(&m, "; the override for %s allows driver '%s', not "
                        "'%s'", link->name, o->allow_driver, link->driver);
            }
            msg_add(&m, "; set networks[%zu].mtu to %u, carry the network on "
                    "another NIC, or, if the vendor approves jumbo frames on "
                    "this one, add to the policy's \"overrides\" an entry "
                    "with \"interface\": \"%s\", \"allow_driver\": \"%s\" "
                    "and your reason", c->net, STD_MTU, link->name,
                    link->driver);
            refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
            return;
        }
    }

    kmax = link->max_mtu;
    tmax = known ? j.max_mtu : 0;
    limit = kmax && (!tmax || kmax <= tmax) ? kmax : tmax;
    if (limit && c->mtu > limit) {
        msg_add_link(&m, link);
        msg_add(&m, ": ");
        msg_add_want(&m, pl, c);
        if (limit == kmax) {
            msg_add(&m, ", but the kernel allows at most %u on it (max_mtu",
                    kmax);
            if (judged) {
                msg_add(&m, "; driver table: ");
                msg_add_rule(&m, &j);
            }
            msg_add(&m, ")");
        } else {
            msg_add(&m, ", but the driver table allows at most %u on it (",
                    tmax);
            msg_add_rule(&m, &j);
            msg_add(&m, ")");
        }
        if (c->role == ROLE_VIF) {
            msg_add(&m, "; the VM interface cannot take more");
            if (link->kind == LINK_KIND_XEN_VIF) {
                msg_add(&m, " (a Xen frontend without scatter-gather stops "
                        "at 1500)");
            }
            msg_add(&m, ": fix the guest's network drivers, move the VM to "
                    "another network, or lower networks[%zu].mtu to %u",
                    c->net, fitting_mtu(pl, c, limit));
        } else {
            msg_add(&m, "; lower networks[%zu].mtu to %u, or carry the "
                    "network on interfaces that take %u", c->net,
                    fitting_mtu(pl, c, limit), c->mtu);
        }
        refuse(pl, FINDING_REFUSED, node->name, c->net, &m);
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

static void
check_claims(struct planner *pl)
{
    for (size_t i = 0; i < pl->n_nodes; i++) {
        struct node *node = pl->nodes[i];

        for (size_t k = 0; k < node->n_claims; k++) {
            check_claim(pl, node, &node->claims[k]);
        }
    }

    /* The bridge's own device, when no port stands for it. */
    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        const struct policy_network *pn = net_at(pl, net);
        const struct host_link *link = host_find_link(pl->host, pn->bridge);
        const struct node *node = node_find(pl, pn->bridge);

        if (link && link->default_route && pn->mtu > STD_MTU
            && !pn->management && !(node && node_claim_of(node, net))) {
            struct msg m = { .len = 0 };

            msg_add(&m, "%s carries the default route, and network %s wants "
                    "%u on its bridge: jumbo on the management path can cut "
                    "this host off from its pool; set \"management\": true "
                    "in networks[%zu] if that is intended", link->name,
                    pn->name, pn->mtu, net);
            refuse(pl, FINDING_REFUSED, link->name, net, &m);
        }
    }
}

/* Resolution. */

/* Works out what 'node' should be, from the claims of networks that are not
 * refused (or of all networks, if 'with_refused').  Returns false if no
 * claim counts. */
static bool
resolve(const struct planner *pl, const struct node *node, bool with_refused,
        struct resolution *r)
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
    if (!exact && node_current(node) > r->target) {
        r->target = node_current(node);
    }
    return true;
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
        return node_current(node) != r->target;
    }
    return node->link && node->link->mtu != r->target;
}

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

/* Refuses each network that would lower a device under an upper device
 * (VLAN, macvlan, tunnel) that no network manages: the kernel would drag a
 * VLAN down with it, and a tunnel would drop what no longer fits.  Refusing
 * one network changes what the others resolve to, so this repeats until
 * nothing changes. */
static bool
refuse_unsafe_lowering(struct planner *pl)
{
    bool changed, any = false;

    do {
        changed = false;
        for (size_t i = 0; i < pl->n_nodes; i++) {
            const struct node *node = pl->nodes[i];
            struct resolution r;

            if (!node->link || !resolve(pl, node, false, &r)
                || r.target >= node->link->mtu) {
                continue;
            }
            for (size_t k = 0; k < pl->host->n_links; k++) {
                const struct host_link *upper = &pl->host->links[k];
                unsigned int need = upper->mtu + link_overhead(upper);
                struct msg m = { .len = 0 };

                if (strcmp(upper->lower, node->name) || need <= r.target
                    || node_is_managed(pl, node_find(pl, upper->name))) {
                    continue;
                }
                msg_add(&m, "lowering %s from %u to %u for network %s would "
                        "squeeze %s %s (at %u, in no policy network) under "
                        "it: ", node->name, node->link->mtu, r.target,
                        net_name(pl, r.winner->net), link_noun(upper),
                        upper->name, upper->mtu);
                if (link_overhead(upper)) {
                    msg_add(&m, "it needs %u there, or it drops what no "
                            "longer fits", need);
                } else {
                    msg_add(&m, "the kernel would force it down to %u as "
                            "well", r.target);
                }
                msg_add(&m, "; manage %s through a policy network, or keep "
                        "networks[%zu].mtu at %u or more", upper->name,
                        r.winner->net, fitting_mtu(pl, r.winner, need));
                refuse(pl, FINDING_REFUSED, node->name, r.winner->net, &m);
                changed = any = true;
                break;
            }
        }
    } while (changed);
    return any;
}

/* Refuses a network on an OVS fake bridge (a VLAN) whose MTU is above what
 * the uplinks of the parent bridge will carry: the MTU of the parent's
 * network, or, if the policy does not change the parent, what its uplinks
 * run at now.  Refuses a parent network that would lower its uplinks under
 * a fake bridge that no network manages.  Returns true if it refused a
 * network. */
static bool
refuse_vlan_above_parent(struct planner *pl)
{
    bool any = false;

    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        const struct policy_network *pn = net_at(pl, net);
        const struct host_ovs_bridge *br;
        const struct host_ovs_port *fake;
        const struct policy_network *parent;
        char uplink[HOST_NAME_SIZE] = "";
        unsigned int carry;
        size_t pnet;
        struct msg m = { .len = 0 };

        fake = find_fake_bridge(pl->host, pn->bridge, &br);
        if (!fake || pl->refused[net]) {
            continue;
        }
        pnet = network_of_bridge(pl, br->name);
        parent = pnet != NO_NET ? net_at(pl, pnet) : NULL;
        if (parent && !pl->refused[pnet]) {
            if (pn->mtu <= parent->mtu) {
                continue;
            }
            msg_add(&m, "network %s (MTU %u) is VLAN %u on bridge %s (fake "
                    "bridge %s), whose frames leave through the uplinks of "
                    "%s, where network %s sets MTU %u: a VLAN cannot carry "
                    "more than the devices under it; lower networks[%zu].mtu "
                    "to %u or raise networks[%zu].mtu to %u", pn->name,
                    pn->mtu, fake->tag, br->name, fake->name, br->name,
                    parent->name, parent->mtu, net, parent->mtu, pnet,
                    pn->mtu);
        } else {
            carry = ovs_uplinks_mtu(pl->host, br, parent, uplink);
            if (!carry || pn->mtu <= carry) {
                continue;
            }
            msg_add(&m, "network %s (MTU %u) is VLAN %u on bridge %s (fake "
                    "bridge %s), whose frames leave through the uplinks of "
                    "%s, and %s is at %u", pn->name, pn->mtu, fake->tag,
                    br->name, fake->name, br->name, uplink, carry);
            if (parent) {
                msg_add(&m, "; network %s, which would raise them, is "
                        "refused", parent->name);
            } else {
                msg_add(&m, "; no network of the policy manages %s, and "
                        "jumboagent raises the uplinks of a VLAN only for "
                        "the network of its parent bridge", br->name);
            }
            msg_add(&m, ": lower networks[%zu].mtu to %u, or ", net, carry);
            if (parent) {
                msg_add(&m, "resolve the refusal of network %s", parent->name);
            } else {
                msg_add(&m, "add a network with \"bridge\": \"%s\" and an "
                        "MTU of at least %u", br->name, pn->mtu);
            }
        }
        refuse(pl, FINDING_REFUSED, "", net, &m);
        any = true;
    }

    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        const struct policy_network *pn = net_at(pl, net);
        const struct host_ovs_bridge *br = host_find_bridge(pl->host,
                                                            pn->bridge);
        char uplink[HOST_NAME_SIZE] = "";
        unsigned int carry;

        if (!br || pl->refused[net]) {
            continue;
        }
        carry = ovs_uplinks_mtu(pl->host, br, pn, uplink);
        for (size_t p = 0; carry > pn->mtu && p < br->n_ports; p++) {
            const struct host_ovs_port *fake = &br->ports[p];
            size_t fnet = network_of_bridge(pl, fake->name);
            unsigned int mtu;
            struct msg m = { .len = 0 };

            if (!is_fake_bridge_port(fake)
                || (fnet != NO_NET && !pl->refused[fnet])) {
                continue;
            }
            mtu = ovs_iface_mtu(pl->host, &fake->ifaces[0]);
            if (mtu <= pn->mtu) {
                continue;
            }
            msg_add(&m, "lowering the uplinks of %s from %u to %u for "
                    "network %s would leave VLAN %u (fake bridge %s, at %u, ",
                    br->name, carry, pn->mtu, pn->name, fake->tag,
                    fake->name, mtu);
            if (fnet != NO_NET) {
                msg_add(&m, "in network %s, which is refused",
                        net_name(pl, fnet));
            } else {
                msg_add(&m, "in no policy network");
            }
            msg_add(&m, ") above them, so its frames above %u would be "
                    "dropped; add a network with \"bridge\": \"%s\" and an "
                    "MTU of at most %u, or keep networks[%zu].mtu at %u or "
                    "more", pn->mtu, fake->name, pn->mtu, net, mtu);
            refuse(pl, FINDING_REFUSED, fake->name, net, &m);
            any = true;
            break;
        }
    }
    return any;
}

/* Steps. */

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

static void
add_mtu_step(struct planner *pl, const struct node *node,
             const struct resolution *r)
{
    const struct claim *c = r->winner;
    struct pending_step *ps = step_append(pl);
    struct plan_step *s = &ps->s;
    unsigned int from = node_current(node);
    bool lowering = r->target < from;

    ps->phase = lowering ? 1 : 2;
    ps->rank = lowering ? MAX_RANK - raise_rank[c->role]
                        : raise_rank[c->role];
    ps->net = c->net;
    ps->link = node->link;

    s->action = node->iface ? PLAN_SET_MTU_REQUEST : PLAN_SET_LINK_MTU;
    s->role = c->role;
    copy_string(s->ifname, node->name, sizeof s->ifname);
    copy_string(s->network, net_name(pl, c->net), sizeof s->network);
    owning_bridge(pl->host, node->name, s->bridge, sizeof s->bridge);
    s->from_set = node->iface && node->iface->has_mtu_request;
    s->from_mtu = from;
    s->to_mtu = r->target;
    step_reason(s->reason, sizeof s->reason, c, lowering, from == r->target);
}

static void
report_drift(struct planner *pl, const struct node *node,
             const struct resolution *r)
{
    const struct claim *c = r->winner;
    const char *net = net_name(pl, c->net);
    unsigned int actual = node_actual(node);
    struct msg m = { .len = 0 };

    if (node->iface && r->exact && actual == r->target) {
        if (node->iface->has_mtu_request) {
            msg_add(&m, "%s is at %u, but its mtu_request is %u, which "
                    "vswitchd applies on its next reconfiguration; network "
                    "%s wants %u", node->name, actual,
                    node->iface->mtu_request, net, r->target);
        } else if (c->role == ROLE_INTERNAL) {
            msg_add(&m, "%s is at %u, but its mtu_request is unset, so it "
                    "follows the smallest port of its bridge; network %s "
                    "pins it at %u", node->name, actual, net, r->target);
        } else {
            msg_add(&m, "%s is at %u, but its mtu_request is unset, so "
                    "nothing keeps it there; network %s pins it at %u",
                    node->name, actual, net, r->target);
        }
    } else if (c->exact) {
        msg_add(&m, "%s is at %u; network %s wants %u", node->name, actual,
                net, r->target);
    } else {
        msg_add(&m, "%s is at %u; as the %s it needs at least %u for "
                "network %s", node->name, actual, c->why, r->target, net);
    }
    finding_add(pl, &pl->findings, FINDING_POLICY_DRIFT, SEVERITY_DRIFT,
                node->name, c->net, &m);
}

/* Adds a drift finding for every interface not at what the policy wants,
 * refused networks included. */
static void
plan_drift(struct planner *pl)
{
    for (size_t i = 0; i < pl->n_nodes; i++) {
        const struct node *node = pl->nodes[i];
        struct resolution r;

        if (resolve(pl, node, true, &r) && node_needs_step(node, &r)) {
            report_drift(pl, node, &r);
        }
    }
}

/* Replaces the steps with one for every interface that a network that is
 * not refused will change. */
static void
plan_mtu_steps(struct planner *pl)
{
    pl->n_steps = 0;
    for (size_t i = 0; i < pl->n_nodes; i++) {
        const struct node *node = pl->nodes[i];
        struct resolution r;

        if (resolve(pl, node, false, &r) && node_needs_step(node, &r)) {
            add_mtu_step(pl, node, &r);
        }
    }
}

/* Returns the policy network that manages the link 'name' (as anything
 * but a VM interface) for its LRO: one that is not refused, with
 * "management": true if one has it, else the first in the policy; or, if
 * all of them are refused, the first of those, with '*refusedp' set.
 * Returns NO_NET if no network manages it. */
static size_t
lro_network(const struct planner *pl, const char *name, bool *refusedp)
{
    const struct node *node = node_find(pl, name);
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
            bool cm = net_at(pl, c->net)->management;
            bool bm = net_at(pl, best)->management;

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
    copy_string(s->network, net_name(pl, net), sizeof s->network);
    copy_string(s->bridge, bridge, sizeof s->bridge);
    s->from_mtu = 1;
    s->to_mtu = 0;
    copy_string(s->reason, "the host forwards: turn LRO off before "
                "changing MTUs", sizeof s->reason);
}

/* LRO on a forwarding host: a finding for every link with LRO on, and a
 * step for those that a policy network manages, that can turn it off and
 * that are not on the management path (unless their network says
 * "management": true): turning LRO off resets the link on some NICs
 * (ixgbe, i40e, bnx2x). */
static void
plan_lro(struct planner *pl)
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
        owning_bridge(host, link->name, bridge, sizeof bridge);
        if (pl->policy) {
            net = lro_network(pl, link->name, &refused);
        }
        msg_add(&m, "%s has large receive offload on while this host forwards "
                "packets (%s): LRO hands the stack merged, oversized packets "
                "with DF set that cannot be forwarded as they are, so expect "
                "ICMP need-frag storms and retransmits; ", link->name, sysctl);
        if (link->lro == LRO_FIXED_ON) {
            msg_add(&m, "its driver reports LRO as fixed on, so it cannot be "
                    "turned off in software: update the driver or firmware, "
                    "or stop forwarding on this host");
        } else if (net == NO_NET) {
            msg_add(&m, "jumboagent turns LRO off only on the interfaces of "
                    "policy networks, and ");
            if (pl->policy) {
                msg_add(&m, "no network of the policy manages %s",
                        link->name);
            } else {
                msg_add(&m, "it runs without a policy");
            }
            msg_add(&m, ": turn it off by hand (ethtool -K %s lro off; on "
                    "ixgbe, i40e and bnx2x NICs this resets the link for a "
                    "moment) and make that last across reboots in the "
                    "host's network configuration", link->name);
        } else if (refused) {
            msg_add(&m, "network %s, which manages it, is refused, so "
                    "jumboagent leaves it: resolve the refusal, or turn it "
                    "off by hand (ethtool -K %s lro off)", net_name(pl, net),
                    link->name);
        } else if (!net_at(pl, net)->management
                   && (mgmt = management_path(host, link->name, 0))) {
            msg_add(&m, "it is on the host's management path (the default "
                    "route leaves through %s%s), where turning LRO off "
                    "resets the link on some NICs (ixgbe, i40e, bnx2x) and "
                    "can cut this host off, so jumboagent leaves it: turn it "
                    "off by hand from the console (ethtool -K %s lro off), "
                    "or set \"management\": true in networks[%zu] if "
                    "jumboagent should do it",
                    strcmp(mgmt, link->name) ? mgmt : "it",
                    strcmp(mgmt, link->name) ? ", which is stacked on it" : "",
                    link->name, net);
        } else {
            msg_add(&m, "the plan turns it off (ethtool -K %s lro off)",
                    link->name);
            add_lro_step(pl, link, net, bridge);
        }
        finding_add(pl, &pl->findings, FINDING_LRO_FORWARDING, SEVERITY_DRIFT,
                    link->name,
                    net != NO_NET ? net : network_of_bridge(pl, bridge), &m);
    }
}

/* Ordering. */

static int
pending_step_cmp(const void *a_, const void *b_)
{
    const struct pending_step *a = a_;
    const struct pending_step *b = b_;

    if (a->phase != b->phase) {
        return a->phase < b->phase ? -1 : 1;
    }
    if (a->rank != b->rank) {
        return a->rank < b->rank ? -1 : 1;
    }
    if (a->net != b->net) {
        return a->net < b->net ? -1 : 1;
    }
    return strcmp(a->s.ifname, b->s.ifname);
}

/* True if, when raising, 'a' must come before 'b': 'a' is the lower device
 * of 'b', a slave of the bond or team 'b', a port of the Linux bridge 'b'
 * (a VLAN or tunnel port too, which the role order alone would put after
 * the bridge), the Linux bridge of the VM interface 'b', or in the underlay
 * network of the overlay network of 'b'. */
static bool
raise_before(const struct planner *pl, const struct pending_step *a,
             const struct pending_step *b)
{
    if (b->link && !strcmp(b->link->lower, a->s.ifname)) {
        return true;
    }
    if (a->link && b->link && !strcmp(a->link->master, b->s.ifname)
        && (is_bond_kind(b->link)
            || (b->link->kind == LINK_KIND_BRIDGE
                && a->s.role != ROLE_VIF))) {
        return true;
    }
    if (a->link && b->link && !strcmp(b->link->master, a->s.ifname)
        && a->link->kind == LINK_KIND_BRIDGE && b->s.role == ROLE_VIF) {
        return true;
    }
    if (a->net != NO_NET && b->net != NO_NET && a->net != b->net) {
        const struct policy_network *bn = net_at(pl, b->net);

        return (bn->has_overlay && bn->overlay.underlay
                && !strcmp(bn->overlay.underlay, net_at(pl, a->net)->name));
    }
    return false;
}

static bool
must_precede(const struct planner *pl, const struct pending_step *a,
             const struct pending_step *b)
{
    if (a->phase != b->phase || a->phase == 0) {
        return false;
    }
    return a->phase == 2 ? raise_before(pl, a, b) : raise_before(pl, b, a);
}

/* True if 'ps' is an OVS step.  apply.c commits all of them in one OVSDB
 * transaction, at the position of the first. */
static bool
is_ovs_step(const struct pending_step *ps)
{
    return ps->s.action == PLAN_SET_MTU_REQUEST;
}

/* Sorts the steps by phase, role, network and name.  Returns the matrix
 * 'before', n x n for the n steps, in which before[a * n + b] says that
 * step 'a' must come before step 'b'.  The caller must free it. */
static bool *
sort_steps(struct planner *pl)
{
    size_t n = pl->n_steps;
    bool *before;

    if (n) {
        qsort(pl->steps, n, sizeof *pl->steps, pending_step_cmp);
    }
    before = xzalloc(n * n * sizeof *before);
    for (size_t a = 0; a < n; a++) {
        for (size_t b = 0; b < n; b++) {
            if (a != b && must_precede(pl, &pl->steps[a], &pl->steps[b])) {
                before[a * n + b] = true;
            }
        }
    }
    return before;
}

/* For each of the 'n' steps, stores in 'origin' an OVS step from which a
 * path of 'before' edges leads to it (if 'forward') or to which one leads
 * from it (if not), the nearest one, or SIZE_MAX if there is none.  An OVS
 * step is its own origin. */
static void
reach_ovs(const struct pending_step *steps, size_t n, const bool *before,
          bool forward, size_t *origin)
{
    size_t *queue = xzalloc(n * sizeof *queue);
    size_t head = 0, tail = 0;

    for (size_t i = 0; i < n; i++) {
        origin[i] = SIZE_MAX;
        if (is_ovs_step(&steps[i])) {
            origin[i] = i;
            queue[tail++] = i;
        }
    }
    while (head < tail) {
        size_t i = queue[head++];

        for (size_t j = 0; j < n; j++) {
            bool edge = forward ? before[i * n + j] : before[j * n + i];

            if (edge && origin[j] == SIZE_MAX) {
                origin[j] = origin[i];
                queue[tail++] = j;
            }
        }
    }
    free(queue);
}

/* Writes "networks a and b" or "network a" for the distinct networks among
 * the 'n' in 'nets' (NO_NET entries ignored), in policy order. */
static void
msg_add_networks(struct msg *m, const struct planner *pl, const size_t *nets,
                 size_t n)
{
    size_t listed = 0, total = 0;

    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        for (size_t i = 0; i < n; i++) {
            if (nets[i] == net) {
                total++;
                break;
            }
        }
    }
    msg_add(m, "network%s ", total == 1 ? "" : "s");
    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        for (size_t i = 0; i < n; i++) {
            if (nets[i] == net) {
                listed++;
                msg_add(m, "%s%s", (listed == 1 ? ""
                                    : listed == total ? " and " : ", "),
                        net_name(pl, net));
                break;
            }
        }
    }
}

/* Writes the command that makes step 's' by hand. */
static void
msg_add_command(struct msg *m, const struct plan_step *s)
{
    if (s->action == PLAN_SET_MTU_REQUEST) {
        msg_add(m, "ovs-vsctl set Interface %s mtu_request=%u", s->ifname,
                s->to_mtu);
    } else {
        msg_add(m, "ip link set dev %s mtu %u", s->ifname, s->to_mtu);
    }
}

/* True if one of the 'n' networks in 'nets' (NO_NET entries ignored) is not
 * refused yet. */
static bool
refuses_more(const struct planner *pl, const size_t *nets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (nets[i] != NO_NET && !pl->refused[nets[i]]) {
            return true;
        }
    }
    return false;
}

/* apply.c makes all OVS steps at once, at the position of the first, and
 * the link steps one by one in plan order; so a link step that must come
 * after one OVS step and before another has no safe place.  Refuses the
 * networks of each such step and of the OVS steps around it.  Returns true
 * if it refused a network: the steps must then be planned again. */
static bool
refuse_ovs_block_conflicts(struct planner *pl)
{
    size_t n = pl->n_steps;
    bool *before = sort_steps(pl);
    size_t *after_ovs = xzalloc(n * sizeof *after_ovs);
    size_t *before_ovs = xzalloc(n * sizeof *before_ovs);
    bool any = false;

    reach_ovs(pl->steps, n, before, true, after_ovs);
    reach_ovs(pl->steps, n, before, false, before_ovs);
    for (size_t i = 0; i < n; i++) {
        const struct pending_step *l = &pl->steps[i];
        const struct pending_step *x, *y;
        size_t nets[3];
        struct msg m = { .len = 0 };

        if (is_ovs_step(l) || after_ovs[i] == SIZE_MAX
            || before_ovs[i] == SIZE_MAX) {
            continue;
        }
        x = &pl->steps[after_ovs[i]];
        y = &pl->steps[before_ovs[i]];
        nets[0] = l->net;
        nets[1] = x->net;
        nets[2] = y->net;
        if (!refuses_more(pl, nets, ARRAY_SIZE(nets))) {
            continue;
        }
        msg_add(&m, "%s must change after %s and before %s (it is "
                "stacked between them), but OVS applies all its changes at "
                "once, in one transaction, so no order of the steps is safe; ",
                l->s.ifname, x->s.ifname, y->s.ifname);
        msg_add_networks(&m, pl, nets, ARRAY_SIZE(nets));
        msg_add(&m, " get%s no steps; make these two changes by hand, in "
                "this order, then run jumboagent again: ",
                (l->net == x->net && l->net == y->net) ? "s" : "");
        msg_add_command(&m, &x->s);
        msg_add(&m, ", then ");
        msg_add_command(&m, &l->s);
        finding_add(pl, &pl->findings, FINDING_REFUSED, SEVERITY_REFUSED,
                    l->s.ifname, l->net, &m);
        for (size_t k = 0; k < ARRAY_SIZE(nets); k++) {
            if (nets[k] != NO_NET) {
                pl->refused[nets[k]] = true;
            }
        }
        any = true;
    }
    free(before);
    free(after_ovs);
    free(before_ovs);
    return any;
}

static int
order_loop_error(const struct planner *pl, const bool *done,
                 struct error *err)
{
    struct msg m = { .len = 0 };

    for (size_t i = 0; i < pl->n_steps; i++) {
        if (!done[i]) {
            msg_add(&m, "%s%s", m.len ? ", " : "", pl->steps[i].s.ifname);
        }
    }
    return error_set(err, -ELOOP, "cannot order the MTU changes of %s: they "
                     "depend on each other in a loop; check the host model "
                     "(jumboagent show) for devices stacked on each other",
                     m.s);
}

/* Appends the OVS steps to 'plan', in an order that keeps the 'before'
 * edges between them (apply.c makes them at once; the order is for the
 * reader), and marks them 'done'.  Returns 0 or -ELOOP. */
static int
emit_ovs_block(const struct planner *pl, const bool *before, bool *done,
               struct plan *plan, struct error *err)
{
    size_t n = pl->n_steps;
    size_t *indegree = xzalloc(n * sizeof *indegree);
    int error = 0;

    for (size_t a = 0; a < n; a++) {
        for (size_t b = 0; b < n; b++) {
            indegree[b] += (before[a * n + b] && is_ovs_step(&pl->steps[a])
                            && is_ovs_step(&pl->steps[b]));
        }
    }
    for (;;) {
        size_t next = SIZE_MAX;
        bool left = false;

        for (size_t i = 0; i < n && next == SIZE_MAX; i++) {
            if (!done[i] && is_ovs_step(&pl->steps[i])) {
                left = true;
                next = indegree[i] ? SIZE_MAX : i;
            }
        }
        if (next == SIZE_MAX) {
            error = left ? order_loop_error(pl, done, err) : 0;
            break;
        }
        done[next] = true;
        plan->steps[plan->n_steps++] = pl->steps[next].s;
        for (size_t b = 0; b < n; b++) {
            indegree[b] -= before[next * n + b] && is_ovs_step(&pl->steps[b]);
        }
    }
    free(indegree);
    return error;
}

/* Orders the steps by phase, role, network and name, then moves a step
 * after the ones that it depends on (a stable topological sort), with all
 * OVS steps taken as one block at the position where apply.c makes them,
 * and stores them in 'plan'.  Returns 0, or -ELOOP if the dependencies
 * form a cycle.  refuse_ovs_block_conflicts() has left no link step that
 * must come both after and before OVS steps. */
static int
order_steps(struct planner *pl, struct plan *plan, struct error *err)
{
    size_t n = pl->n_steps;
    size_t block = SIZE_MAX;    /* The first OVS step stands for all. */
    bool *before, *done;
    size_t *indegree, *rep;
    int error = 0;

    plan->steps = xzalloc(n * sizeof *plan->steps);
    plan->n_steps = 0;
    if (!n) {
        return 0;
    }
    before = sort_steps(pl);
    done = xzalloc(n * sizeof *done);
    indegree = xzalloc(n * sizeof *indegree);
    rep = xzalloc(n * sizeof *rep);
    for (size_t i = 0; i < n; i++) {
        if (is_ovs_step(&pl->steps[i]) && block == SIZE_MAX) {
            block = i;
        }
        rep[i] = is_ovs_step(&pl->steps[i]) ? block : i;
    }
    for (size_t a = 0; a < n; a++) {
        for (size_t b = 0; b < n; b++) {
            indegree[rep[b]] += before[a * n + b] && rep[a] != rep[b];
        }
    }

    while (plan->n_steps < n && !error) {
        size_t next = SIZE_MAX;

        for (size_t i = 0; i < n && next == SIZE_MAX; i++) {
            if (!done[i] && rep[i] == i && !indegree[i]) {
                next = i;
            }
        }
        if (next == SIZE_MAX) {
            error = order_loop_error(pl, done, err);
            break;
        }
        if (next == block) {
            error = emit_ovs_block(pl, before, done, plan, err);
        } else {
            done[next] = true;
            plan->steps[plan->n_steps++] = pl->steps[next].s;
        }
        /* Release what waited for the steps just placed. */
        for (size_t a = 0; a < n; a++) {
            if (rep[a] != next || !done[a]) {
                continue;
            }
            for (size_t b = 0; b < n; b++) {
                if (before[a * n + b] && rep[b] != next) {
                    indegree[rep[b]]--;
                }
            }
        }
    }
    free(before);
    free(done);
    free(indegree);
    free(rep);
    return error;
}

/* Audit. */

/* Adds PORT_MTU_MISMATCH for the 'kind' ("OVS" or "Linux") bridge 'bridge'
 * if 'differ': 'list' says which port is at which MTU. */
static void
audit_port_mtus(const struct planner *pl, struct finding_list *out,
                const char *kind, const char *bridge, const struct msg *list,
                bool differ)
{
    struct msg m = { .len = 0 };

    if (!differ) {
        return;
    }
    msg_add(&m, "ports of %s bridge %s are at different MTUs (%s): a bond or "
            "bridge carries only what its smallest port carries; set them all "
            "to one MTU", kind, bridge, list->s);
    finding_add(pl, out, FINDING_PORT_MTU_MISMATCH, SEVERITY_DRIFT, bridge,
                network_of_bridge(pl, bridge), &m);
}

static void
audit_vif_mtu(const struct planner *pl, struct finding_list *out,
              const struct host_link *vif, const char *bridge,
              unsigned int bridge_mtu)
{
    struct msg m = { .len = 0 };
    unsigned int small = vif->mtu < bridge_mtu ? vif->mtu : bridge_mtu;

    if (vif->mtu == bridge_mtu) {
        return;
    }
    msg_add(&m, "%s is at %u but its bridge %s is at %u: frames larger than "
            "%u between this VM and the bridge are dropped; give the VIF the "
            "bridge's MTU (a policy network for %s does it", vif->name,
            vif->mtu, bridge, bridge_mtu, small, bridge);
    if (vif->kind == LINK_KIND_XEN_VIF) {
        msg_add(&m, "; a Xen VIF also takes its network's MTU when it is "
                "plugged again");
    }
    msg_add(&m, ") and match the guest's MTU");
    finding_add(pl, out, FINDING_VIF_MTU_MISMATCH, SEVERITY_DRIFT, vif->name,
                network_of_bridge(pl, bridge), &m);
}

static void
audit_ovs_iface(const struct planner *pl, const struct host *host,
                struct finding_list *out, const char *bridge,
                const struct host_ovs_port *port,
                const struct host_ovs_iface *iface, size_t net)
{
    const struct host_link *link = host_find_link(host, iface->name);
    enum ovs_stale stale = ovs_iface_stale(host, iface);
    struct msg m = { .len = 0 };

    if (iface->has_mtu_request && iface->has_mtu
        && iface->mtu_request != iface->mtu) {
        msg_add(&m, "%s has mtu_request %u but vswitchd reports MTU %u: "
                "vswitchd did not apply it: look for 'failed to set MTU' in "
                "ovs-vswitchd.log; ", iface->name, iface->mtu_request,
                iface->mtu);
        if (link && link->max_mtu) {
            msg_add(&m, "the device's max is %u", link->max_mtu);
        } else {
            msg_add(&m, "the device's max is not known");
        }
        finding_add(pl, out, FINDING_OVS_REQUEST_NOT_APPLIED, SEVERITY_DRIFT,
                    iface->name, net, &m);
        m.len = 0;
    }
    if (iface->has_mtu && link && link->mtu != iface->mtu) {
        msg_add(&m, "OVS reports MTU %u for %s but the kernel has %u: "
                "something changed it outside OVS, and vswitchd may undo that "
                "on its next reconfiguration; change it through mtu_request",
                iface->mtu, iface->name, link->mtu);
        finding_add(pl, out, FINDING_OVS_KERNEL_MISMATCH, SEVERITY_DRIFT,
                    iface->name, net, &m);
        m.len = 0;
    }
    if (stale == OVS_LIVE) {
        return;
    }
    if (stale == OVS_STALE_ERROR) {
        msg_add(&m, "vswitchd could not set up %s", iface->name);
        if (iface->has_ofport && iface->ofport == -1) {
            msg_add(&m, " (ofport -1)");
        }
        if (iface->error[0]) {
            msg_add(&m, ": %s", iface->error);
        }
    } else {
        msg_add(&m, "%s, ", iface->name);
        if (port->n_ifaces > 1) {
            msg_add(&m, "an interface of bond %s on", port->name);
        } else {
            msg_add(&m, "a port of");
        }
        msg_add(&m, " bridge %s, is in OVSDB, but vswitchd reports no MTU for "
                "it and the kernel has no such device, so it is stale",
                bridge);
    }
    msg_add(&m, "; jumboagent skips it, as a step on it could only fail; if "
            "the device is gone for good (a removed NIC, the VIF of a VM "
            "that crashed), remove the stale ");
    if (port->n_ifaces > 1) {
        msg_add(&m, "interface from bond %s: ovs-vsctl del-bond-iface %s %s",
                port->name, port->name, iface->name);
    } else {
        msg_add(&m, "port: ovs-vsctl del-port %s %s", bridge, port->name);
    }
    if (stale == OVS_STALE_ERROR) {
        msg_add(&m, "; otherwise look in ovs-vswitchd.log for why it "
                "failed");
    }
    finding_add(pl, out, FINDING_OVS_IFACE_ERROR, SEVERITY_DRIFT,
                iface->name, net, &m);
}

static void
audit_ovs(const struct planner *pl, const struct host *host,
          struct finding_list *out)
{
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];
        struct msg list = { .len = 0 };
        unsigned int first = 0;
        bool differ = false;

        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];
            const struct host_ovs_port *fake = fake_bridge_of(br, port);
            const char *bridge = fake ? fake->name : br->name;
            const struct host_link *internal = host_find_link(host, bridge);
            size_t net = network_of_bridge(pl, bridge);
            const struct policy_network *pn = (net != NO_NET
                                               ? net_at(pl, net) : NULL);

            for (size_t i = 0; i < port->n_ifaces; i++) {
                const struct host_ovs_iface *iface = &port->ifaces[i];
                const struct host_link *link;
                unsigned int mtu;

                audit_ovs_iface(pl, host, out, bridge, port, iface, net);
                link = host_find_link(host, iface->name);
                switch (ovs_classify(bridge, port, iface, pn)) {
                case OVS_CLASS_SYSTEM:
                    mtu = link ? link->mtu : iface->has_mtu ? iface->mtu : 0;
                    if (mtu) {
                        msg_add(&list, "%s%s %u", list.len ? ", " : "",
                                iface->name, mtu);
                        differ = differ || (first && mtu != first);
                        first = first ? first : mtu;
                    }
                    break;
                case OVS_CLASS_VIF:
                    if (link && internal) {
                        audit_vif_mtu(pl, out, link, bridge, internal->mtu);
                    }
                    break;
                case OVS_CLASS_TUNNEL:
                case OVS_CLASS_PATCH:
                case OVS_CLASS_INTERNAL:
                case OVS_CLASS_VLAN:
                    break;
                }
            }
        }
        audit_port_mtus(pl, out, "OVS", br->name, &list, differ);
    }
}

static void
audit_linux_bridges(const struct planner *pl, const struct host *host,
                    struct finding_list *out)
{
    for (size_t b = 0; b < host->n_links; b++) {
        const struct host_link *br = &host->links[b];
        size_t net;
        const struct policy_network *pn;
        struct msg list = { .len = 0 };
        unsigned int first = 0;
        bool differ = false;

        if (br->kind != LINK_KIND_BRIDGE) {
            continue;
        }
        net = network_of_bridge(pl, br->name);
        pn = net != NO_NET ? net_at(pl, net) : NULL;
        for (size_t i = 0; i < host->n_links; i++) {
            const struct host_link *link = &host->links[i];

            if (strcmp(link->master, br->name)) {
                continue;
            }
            if (host_link_is_vif(link) || net_vif_glob(pn, link->name)) {
                audit_vif_mtu(pl, out, link, br->name, br->mtu);
            } else if (link->mtu) {
                msg_add(&list, "%s%s %u", list.len ? ", " : "", link->name,
                        link->mtu);
                differ = differ || (first && link->mtu != first);
                first = first ? first : link->mtu;
            }
        }
        audit_port_mtus(pl, out, "Linux", br->name, &list, differ);
    }
}

/* Jumbo frames already on a link whose driver the table refuses. */
static void
audit_drivers(const struct planner *pl, const struct host *host,
              struct finding_list *out)
{
    for (size_t i = 0; pl->drivers && i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];
        const struct policy_override *o;
        struct driver_judgement j;
        char bridge[HOST_NAME_SIZE];
        struct msg m = { .len = 0 };

        if (link->mtu <= STD_MTU || !link->driver[0]
            || host_link_is_vif(link) || link->kind == LINK_KIND_BRIDGE
            || link->kind == LINK_KIND_OPENVSWITCH) {
            continue;
        }
        driver_table_judge(pl->drivers, link->driver, link->has_pci,
                           link->pci_vendor, link->pci_device,
                           host->xen_dom0, &j);
        if (!j.known || j.verdict != DRIVER_REFUSE) {
            continue;
        }
        o = pl->policy ? policy_find_override(pl->policy, link->name) : NULL;
        if (o && o->allow_driver && !strcmp(o->allow_driver, link->driver)) {
            continue;
        }
        msg_add_link(&m, link);
        msg_add(&m, " is at %u, but the driver table refuses jumbo frames on "
                "it (", link->mtu);
        msg_add_rule(&m, &j);
        msg_add(&m, "): lower it to %u (a policy network at %u does it), or, "
                "if the vendor approves jumbo frames on this NIC, add a "
                "policy override for %s with \"allow_driver\": \"%s\"",
                STD_MTU, STD_MTU, link->name, link->driver);
        owning_bridge(host, link->name, bridge, sizeof bridge);
        finding_add(pl, out, FINDING_REFUSED_DRIVER_JUMBO, SEVERITY_REFUSED,
                    link->name, network_of_bridge(pl, bridge), &m);
    }
}

static void
audit_host_wide(const struct planner *pl, const struct host *host,
                struct finding_list *out)
{
    struct msg m = { .len = 0 };

    if (host->sysctls.tcp_mtu_probing == 0) {
        struct msg jumbo = { .len = 0 };
        size_t n = 0;

        for (size_t i = 0; i < host->n_links; i++) {
            const struct host_link *link = &host->links[i];

            if (link->kind != LINK_KIND_LOOPBACK && link->mtu > STD_MTU) {
                if (n < 4) {
                    msg_add(&jumbo, "%s%s at %u", n ? ", " : "", link->name,
                            link->mtu);
                }
                n++;
            }
        }
        if (n > 4) {
            msg_add(&jumbo, " and %zu more", n - 4);
        }
        for (size_t i = 0; pl->policy && i < pl->policy->n_networks; i++) {
            const struct policy_network *pn = net_at(pl, i);

            if (pn->mtu > STD_MTU) {
                msg_add(&jumbo, "%snetwork %s at %u", jumbo.len ? ", " : "",
                        pn->name, pn->mtu);
                n++;
            }
        }
        if (n) {
            msg_add(&m, "net.ipv4.tcp_mtu_probing is 0 while this host uses "
                    "jumbo frames (%s): set net.ipv4.tcp_mtu_probing=1 so "
                    "that TCP recovers where ICMP need-frag is filtered, "
                    "instead of stalling on a smaller hop", jumbo.s);
            finding_add(pl, out, FINDING_TCP_MTU_PROBING, SEVERITY_INFO, "",
                        NO_NET, &m);
            m.len = 0;
        }
    }

    if (!host->ovs_reachable && host->ovs_error[0]) {
        msg_add(&m, "OVSDB");
        if (host->ovs_remote[0]) {
            msg_add(&m, " at %s", host->ovs_remote);
        }
        msg_add(&m, " could not be read, so OVS bridges, ports and "
                "mtu_request were not checked (on a host without Open "
                "vSwitch, ignore this): %s", host->ovs_error);
        finding_add(pl, out, FINDING_OVS_UNREACHABLE, SEVERITY_INFO, "",
                    NO_NET, &m);
    }
}

static void
audit_host(const struct planner *pl, const struct host *host,
           struct finding_list *out)
{
    audit_ovs(pl, host, out);
    audit_linux_bridges(pl, host, out);
    audit_drivers(pl, host, out);
    audit_host_wide(pl, host, out);
}

static bool
finding_list_has(const struct finding_list *list, enum finding_kind kind,
                 const char *ifname, size_t net)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct pending_finding *pf = &list->items[i];

        if (pf->f.kind == kind && pf->net == net
            && !strcmp(pf->f.ifname, ifname)) {
            return true;
        }
    }
    return false;
}

/* Adds to the planner's findings the audit's findings on 'host' that still
 * hold once 'plan' is applied.  A VIF with a policy drift finding gets no
 * VIF_MTU_MISMATCH: the drift says the same. */
static void
plan_audit(struct planner *pl, const struct plan *plan)
{
    struct finding_list before = { .n = 0 }, after = { .n = 0 };
    struct host *simulated = host_clone(pl->host);

    plan_simulate(plan, simulated);
    audit_host(pl, pl->host, &before);
    audit_host(pl, simulated, &after);
    for (size_t i = 0; i < before.n; i++) {
        const struct pending_finding *pf = &before.items[i];

        if (!finding_list_has(&after, pf->f.kind, pf->f.ifname, pf->net)) {
            continue;
        }
        if (pf->f.kind == FINDING_VIF_MTU_MISMATCH
            && finding_list_has(&pl->findings, FINDING_POLICY_DRIFT,
                                pf->f.ifname, pf->net)) {
            continue;
        }
        grow_array((void **) &pl->findings.items, &pl->findings.allocated,
                   pl->findings.n + 1, sizeof *pl->findings.items);
        pl->findings.items[pl->findings.n++] = *pf;
    }
    free(before.items);
    free(after.items);
    host_destroy(simulated);
}

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

static void
planner_destroy(struct planner *pl)
{
    for (size_t i = 0; i < pl->n_nodes; i++) {
        free(pl->nodes[i]->claims);
        free(pl->nodes[i]);
    }
    free(pl->nodes);
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

    error = check_loops(host, err);
    if (error) {
        return error;
    }

    pl.refused = xzalloc((policy ? policy->n_networks : 0)
                         * sizeof *pl.refused);
    if (policy) {
        for (size_t net = 0; net < policy->n_networks; net++) {
            plan_network(&pl, net);
        }
        check_claims(&pl);
        do {
            bool changed;

            /* Each refusal changes what the other networks resolve to. */
            do {
                changed = refuse_unsafe_lowering(&pl);
                changed = refuse_vlan_above_parent(&pl) || changed;
            } while (changed);
            plan_mtu_steps(&pl);
        } while (refuse_ovs_block_conflicts(&pl));
        plan_drift(&pl);
    }
    plan_lro(&pl);

    plan = xzalloc(sizeof *plan);
    error = order_steps(&pl, plan, err);
    if (error) {
        plan_destroy(plan);
        planner_destroy(&pl);
        return error;
    }
    plan_audit(&pl, plan);

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

static struct host_ovs_iface *
find_ovs_iface_mutable(struct host *host, const char *name)
{
    for (size_t b = 0; b < host->n_bridges; b++) {
        struct host_ovs_bridge *br = &host->bridges[b];

        for (size_t p = 0; p < br->n_ports; p++) {
            struct host_ovs_port *port = &br->ports[p];

            for (size_t i = 0; i < port->n_ifaces; i++) {
                if (!strcmp(port->ifaces[i].name, name)) {
                    return &port->ifaces[i];
                }
            }
        }
    }
    return NULL;
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
