/* The host model: see host.h. */
#include "host.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "name-index.h"
#include "util.h"

static const char *const link_kind_names[LINK_KIND_MAX] = {
    [LINK_KIND_ETHER] = "ether",
    [LINK_KIND_LOOPBACK] = "loopback",
    [LINK_KIND_VETH] = "veth",
    [LINK_KIND_TUN] = "tun",
    [LINK_KIND_XEN_VIF] = "xen-vif",
    [LINK_KIND_BRIDGE] = "bridge",
    [LINK_KIND_BOND] = "bond",
    [LINK_KIND_TEAM] = "team",
    [LINK_KIND_VLAN] = "vlan",
    [LINK_KIND_MACVLAN] = "macvlan",
    [LINK_KIND_VXLAN] = "vxlan",
    [LINK_KIND_GENEVE] = "geneve",
    [LINK_KIND_GRE] = "gre",
    [LINK_KIND_GRETAP] = "gretap",
    [LINK_KIND_OPENVSWITCH] = "openvswitch",
    [LINK_KIND_OTHER] = "other",
};

const char *
link_kind_to_string(enum link_kind kind)
{
    return kind < LINK_KIND_MAX ? link_kind_names[kind] : "invalid";
}

enum link_kind
link_kind_from_string(const char *name)
{
    for (int i = 0; i < LINK_KIND_MAX; i++) {
        if (name && !strcmp(name, link_kind_names[i])) {
            return i;
        }
    }
    return LINK_KIND_MAX;
}

enum link_kind
link_kind_from_rtnl(const char *rtnl_kind)
{
    static const struct {
        const char *rtnl;
        enum link_kind kind;
    } map[] = {
        { "veth", LINK_KIND_VETH },
        { "tun", LINK_KIND_TUN },
        { "bridge", LINK_KIND_BRIDGE },
        { "bond", LINK_KIND_BOND },
        { "team", LINK_KIND_TEAM },
        { "vlan", LINK_KIND_VLAN },
        { "macvlan", LINK_KIND_MACVLAN },
        { "macvtap", LINK_KIND_MACVLAN },
        { "vxlan", LINK_KIND_VXLAN },
        { "geneve", LINK_KIND_GENEVE },
        { "gre", LINK_KIND_GRE },
        { "ip6gre", LINK_KIND_GRE },
        { "gretap", LINK_KIND_GRETAP },
        { "ip6gretap", LINK_KIND_GRETAP },
        { "openvswitch", LINK_KIND_OPENVSWITCH },
    };

    if (!rtnl_kind || !rtnl_kind[0]) {
        return LINK_KIND_ETHER;
    }
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        if (!strcmp(rtnl_kind, map[i].rtnl)) {
            return map[i].kind;
        }
    }
    return LINK_KIND_OTHER;
}

static const char *const lro_names[LRO_STATE_MAX] = {
    [LRO_UNKNOWN] = "unknown",
    [LRO_OFF] = "off",
    [LRO_ON] = "on",
    [LRO_FIXED_OFF] = "off [fixed]",
    [LRO_FIXED_ON] = "on [fixed]",
};

const char *
lro_state_to_string(enum lro_state state)
{
    return state < LRO_STATE_MAX ? lro_names[state] : "invalid";
}

enum lro_state
lro_state_from_string(const char *name)
{
    for (int i = 0; i < LRO_STATE_MAX; i++) {
        if (name && !strcmp(name, lro_names[i])) {
            return i;
        }
    }
    return LRO_STATE_MAX;
}

struct host *
host_create(void)
{
    struct host *host = xzalloc(sizeof *host);

    host->sysctls.ip_forward = -1;
    host->sysctls.ipv6_forwarding = -1;
    host->sysctls.tcp_mtu_probing = -1;
    host->sysctls.ipv6_disabled = -1;
    return host;
}

static void
kvs_free(struct host_kv *kvs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kvs[i].key);
        free(kvs[i].value);
    }
    free(kvs);
}

/* The ports of a bridge for which one predicate holds, by tag. */
struct host_tag_index {
    bool (*pred)(const struct host_ovs_port *);
    struct tagged_port {
        unsigned int tag;
        size_t port;
    } *ports;                   /* Sorted by tag, then position. */
    size_t n;
};

static void
drop_tag_index(const struct host_ovs_bridge *br_)
{
    struct host_ovs_bridge *br = (struct host_ovs_bridge *) br_;

    if (br->tag_index) {
        free(br->tag_index->ports);
        free(br->tag_index);
        br->tag_index = NULL;
    }
}

void
host_destroy(struct host *host)
{
    if (!host) {
        return;
    }
    host_reindex(host);
    for (size_t b = 0; b < host->n_bridges; b++) {
        struct host_ovs_bridge *br = &host->bridges[b];

        for (size_t p = 0; p < br->n_ports; p++) {
            struct host_ovs_port *port = &br->ports[p];

            for (size_t i = 0; i < port->n_ifaces; i++) {
                kvs_free(port->ifaces[i].external_ids,
                         port->ifaces[i].n_external_ids);
            }
            free(port->ifaces);
            kvs_free(port->external_ids, port->n_external_ids);
        }
        free(br->ports);
        kvs_free(br->external_ids, br->n_external_ids);
    }
    free(host->bridges);
    free(host->links);
    free(host);
}

/* Appends one zeroed element of 'size' bytes to '*array' of '*n'. */
static void *
append_zeroed(void **array, size_t *n, size_t size)
{
    char *elem;

    *array = xrealloc(*array, (*n + 1) * size);
    elem = (char *) *array + *n * size;
    memset(elem, 0, size);
    (*n)++;
    return elem;
}

struct host_link *
host_add_link(struct host *host, const char *name)
{
    struct host_link *link;

    host_reindex(host);
    link = append_zeroed((void **) &host->links, &host->n_links,
                         sizeof *link);
    copy_string(link->name, name, sizeof link->name);
    link->xen_feature_sg = -1;
    return link;
}

struct host_ovs_bridge *
host_add_bridge(struct host *host, const char *name)
{
    struct host_ovs_bridge *br;

    host_reindex(host);
    br = append_zeroed((void **) &host->bridges, &host->n_bridges,
                       sizeof *br);
    copy_string(br->name, name, sizeof br->name);
    return br;
}

struct host_ovs_port *
host_bridge_add_port(struct host_ovs_bridge *br, const char *name)
{
    drop_tag_index(br);
    struct host_ovs_port *port = append_zeroed((void **) &br->ports,
                                               &br->n_ports, sizeof *port);
    copy_string(port->name, name, sizeof port->name);
    return port;
}

struct host_ovs_iface *
host_port_add_iface(struct host_ovs_port *port, const char *name)
{
    struct host_ovs_iface *iface = append_zeroed((void **) &port->ifaces,
                                                 &port->n_ifaces,
                                                 sizeof *iface);
    copy_string(iface->name, name, sizeof iface->name);
    return iface;
}

void
host_kv_add(struct host_kv **kvs, size_t *n, const char *key,
            const char *value)
{
    struct host_kv *kv = append_zeroed((void **) kvs, n, sizeof *kv);

    kv->key = xstrdup(key);
    kv->value = xstrdup(value);
}

const char *
host_kv_get(const struct host_kv *kvs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(kvs[i].key, key)) {
            return kvs[i].value;
        }
    }
    return NULL;
}

/* Where one OVS interface is: bridge, port and interface positions. */
struct iface_pos {
    size_t br, port, iface;
};

/* The look-up index of a host (see host.h). */
struct host_index {
    struct name_index *links;   /* Link name -> first position. */
    struct name_index *bridges; /* Bridge name -> first position. */
    struct name_index *ifaces;  /* Interface name -> first in 'pos'. */
    struct iface_pos *pos;
    struct name_index *lowers;  /* Lower device -> first link on it. */
    size_t *next_upper;         /* Per link: next link on the same lower
                                 * device, or SIZE_MAX. */
};

static int
tagged_port_cmp(const void *a_, const void *b_)
{
    const struct tagged_port *a = a_;
    const struct tagged_port *b = b_;

    if (a->tag != b->tag) {
        return a->tag < b->tag ? -1 : 1;
    }
    return a->port < b->port ? -1 : a->port > b->port;
}

const struct host_ovs_port *
host_bridge_find_tagged(const struct host_ovs_bridge *br_, unsigned int tag,
                        bool (*pred)(const struct host_ovs_port *))
{
    struct host_ovs_bridge *br = (struct host_ovs_bridge *) br_;
    struct host_tag_index *ti = br->tag_index;
    size_t lo, hi;

    if (ti && ti->pred != pred) {
        drop_tag_index(br);
        ti = NULL;
    }
    if (!ti) {
        ti = xzalloc(sizeof *ti);
        ti->pred = pred;
        ti->ports = xzalloc((br->n_ports ? br->n_ports : 1)
                            * sizeof *ti->ports);
        for (size_t p = 0; p < br->n_ports; p++) {
            if (br->ports[p].tag && pred(&br->ports[p])) {
                ti->ports[ti->n].tag = br->ports[p].tag;
                ti->ports[ti->n].port = p;
                ti->n++;
            }
        }
        if (ti->n) {
            qsort(ti->ports, ti->n, sizeof *ti->ports, tagged_port_cmp);
        }
        br->tag_index = ti;
    }
    lo = 0;
    hi = ti->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (ti->ports[mid].tag < tag) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return (lo < ti->n && ti->ports[lo].tag == tag
            ? &br->ports[ti->ports[lo].port] : NULL);
}

void
host_reindex(const struct host *host_)
{
    struct host *host = (struct host *) host_;
    struct host_index *index = host->index;

    for (size_t b = 0; b < host->n_bridges; b++) {
        drop_tag_index(&host->bridges[b]);
    }

    if (index) {
        name_index_destroy(index->links);
        name_index_destroy(index->bridges);
        name_index_destroy(index->ifaces);
        name_index_destroy(index->lowers);
        free(index->pos);
        free(index->next_upper);
        free(index);
        host->index = NULL;
    }
}

/* Returns the look-up index of 'host_', building it if needed.  The index
 * is a cache: building it changes nothing that the caller can see, so a
 * const host gets one too. */
static const struct host_index *
get_index(const struct host *host_)
{
    struct host *host = (struct host *) host_;
    struct host_index *index = host->index;
    size_t n_pos = 0, allocated_pos = 0;
    size_t *last_upper;

    if (index) {
        return index;
    }
    index = xzalloc(sizeof *index);
    index->links = name_index_create();
    index->lowers = name_index_create();
    index->next_upper = xzalloc((host->n_links + 1)
                                * sizeof *index->next_upper);
    last_upper = xzalloc((host->n_links + 1) * sizeof *last_upper);
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];

        name_index_add(index->links, link->name, i);
        index->next_upper[i] = SIZE_MAX;
        if (link->lower[0]
            && !name_index_add(index->lowers, link->lower, i)) {
            size_t first = name_index_find(index->lowers, link->lower);

            index->next_upper[last_upper[first]] = i;
            last_upper[first] = i;
        } else if (link->lower[0]) {
            last_upper[i] = i;
        }
    }
    free(last_upper);

    index->bridges = name_index_create();
    index->ifaces = name_index_create();
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];

        name_index_add(index->bridges, br->name, b);
        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];

            for (size_t i = 0; i < port->n_ifaces; i++) {
                if (name_index_add(index->ifaces, port->ifaces[i].name,
                                   n_pos)) {
                    grow_array((void **) &index->pos, &allocated_pos,
                               n_pos + 1, sizeof *index->pos);
                    index->pos[n_pos].br = b;
                    index->pos[n_pos].port = p;
                    index->pos[n_pos].iface = i;
                    n_pos++;
                }
            }
        }
    }
    host->index = index;
    return index;
}

struct host_link *
host_find_link_mutable(struct host *host, const char *name)
{
    size_t i = name_index_find(get_index(host)->links, name);

    return i == NAME_INDEX_NONE ? NULL : &host->links[i];
}

const struct host_link *
host_find_link(const struct host *host, const char *name)
{
    return host_find_link_mutable((struct host *) host, name);
}

const struct host_ovs_bridge *
host_find_bridge(const struct host *host, const char *name)
{
    size_t i = name_index_find(get_index(host)->bridges, name);

    return i == NAME_INDEX_NONE ? NULL : &host->bridges[i];
}

const struct host_ovs_iface *
host_find_ovs_iface(const struct host *host, const char *name,
                    const struct host_ovs_bridge **brp,
                    const struct host_ovs_port **portp)
{
    const struct host_index *index = get_index(host);
    size_t k = name_index_find(index->ifaces, name);
    const struct host_ovs_bridge *br;
    const struct host_ovs_port *port;

    if (k == NAME_INDEX_NONE) {
        return NULL;
    }
    br = &host->bridges[index->pos[k].br];
    port = &br->ports[index->pos[k].port];
    if (brp) {
        *brp = br;
    }
    if (portp) {
        *portp = port;
    }
    return &port->ifaces[index->pos[k].iface];
}

/* Names that hypervisors give VM interfaces: XenServer vifDOMID.DEVID and
 * tapDOMID.DEVID (HVM emulated), libvirt vnetN, OpenStack tapXXXXXXXX-XX
 * (the first 11 characters of the port's UUID) and qvoXXXXXXXX-XX, the OVS
 * end of the veth pair of its hybrid plug. */
static bool
name_is_vif(const char *name)
{
    return (!fnmatch("vif[0-9]*.[0-9]*", name, 0)
            || !fnmatch("tap[0-9]*.[0-9]*", name, 0)
            || !fnmatch("vnet[0-9]*", name, 0)
            || !fnmatch("tap[0-9a-f][0-9a-f][0-9a-f]*-*", name, 0)
            || !fnmatch("qvo[0-9a-f][0-9a-f][0-9a-f]*-*", name, 0));
}

bool
host_ovs_iface_is_vif(const struct host_ovs_iface *iface)
{
    static const char *const vif_keys[] = {
        "xs-vif-uuid", "xs-vm-uuid", "vm-uuid", "iface-id", "vm-id",
        "attached-mac",
    };

    for (size_t i = 0; i < ARRAY_SIZE(vif_keys); i++) {
        if (host_kv_get(iface->external_ids, iface->n_external_ids,
                        vif_keys[i])) {
            return true;
        }
    }
    return name_is_vif(iface->name);
}

bool
host_link_is_vif(const struct host_link *link)
{
    return (link->kind == LINK_KIND_XEN_VIF
            || (link->kind == LINK_KIND_TUN
                && (!strncmp(link->name, "tap", 3)
                    || !strncmp(link->name, "vnet", 4)))
            || name_is_vif(link->name));
}

bool
host_name_matches(const char *name, char *const *globs, size_t n_globs)
{
    for (size_t i = 0; i < n_globs; i++) {
        if (!fnmatch(globs[i], name, 0)) {
            return true;
        }
    }
    return false;
}

bool
host_ovs_type_is_tunnel(const char *type)
{
    static const char *const types[] = {
        "vxlan", "geneve", "gre", "ip6gre", "stt", "lisp", "erspan",
        "ip6erspan", "gtpu", "bareudp", "srv6",
    };

    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (!strcmp(type, types[i])) {
            return true;
        }
    }
    return false;
}

unsigned int
host_tunnel_overhead(enum link_kind kind, bool ipv6, bool key)
{
    unsigned int overhead;

    switch (kind) {
    case LINK_KIND_VXLAN:
    case LINK_KIND_GENEVE:
        return ipv6 ? 70 : 50;
    case LINK_KIND_GRE:
        overhead = ipv6 ? 44 : 24;
        break;
    case LINK_KIND_GRETAP:
        overhead = ipv6 ? 58 : 38;
        break;
    default:
        return 0;
    }
    return overhead + (key ? 4 : 0);
}

enum host_role
host_ovs_iface_role(const char *bridge, const struct host_ovs_port *port,
                    const struct host_ovs_iface *iface,
                    char *const *vif_globs, size_t n_vif_globs)
{
    if (host_ovs_type_is_tunnel(iface->type)) {
        return HOST_ROLE_TUNNEL;
    } else if (!strcmp(iface->type, "patch")) {
        return HOST_ROLE_PATCH;
    } else if (!strcmp(iface->type, "internal")) {
        return (!strcmp(port->name, bridge) ? HOST_ROLE_INTERNAL
                : HOST_ROLE_VLAN);
    } else if (host_ovs_iface_is_vif(iface)
               || host_name_matches(iface->name, vif_globs, n_vif_globs)
               || !strncmp(iface->type, "dpdkvhostuser", 13)) {
        return HOST_ROLE_VIF;
    }
    return port->n_ifaces > 1 ? HOST_ROLE_MEMBER : HOST_ROLE_UPLINK;
}

struct host *
host_clone(const struct host *src)
{
    struct host *dst = host_create();

    copy_string(dst->hostname, src->hostname, sizeof dst->hostname);
    dst->xen_dom0 = src->xen_dom0;
    dst->sysctls = src->sysctls;
    for (size_t i = 0; i < src->n_links; i++) {
        *host_add_link(dst, src->links[i].name) = src->links[i];
    }
    dst->ovs_reachable = src->ovs_reachable;
    copy_string(dst->ovs_remote, src->ovs_remote, sizeof dst->ovs_remote);
    copy_string(dst->ovs_error, src->ovs_error, sizeof dst->ovs_error);
    copy_string(dst->ovs_version, src->ovs_version, sizeof dst->ovs_version);
    dst->ovs_cur_cfg = src->ovs_cur_cfg;
    dst->ovs_next_cfg = src->ovs_next_cfg;
    for (size_t b = 0; b < src->n_bridges; b++) {
        const struct host_ovs_bridge *sbr = &src->bridges[b];
        struct host_ovs_bridge *br = host_add_bridge(dst, sbr->name);

        copy_string(br->datapath_type, sbr->datapath_type,
                    sizeof br->datapath_type);
        for (size_t k = 0; k < sbr->n_external_ids; k++) {
            host_kv_add(&br->external_ids, &br->n_external_ids,
                        sbr->external_ids[k].key, sbr->external_ids[k].value);
        }
        for (size_t p = 0; p < sbr->n_ports; p++) {
            const struct host_ovs_port *sport = &sbr->ports[p];
            struct host_ovs_port *port = host_bridge_add_port(br,
                                                              sport->name);

            copy_string(port->bond_mode, sport->bond_mode,
                        sizeof port->bond_mode);
            port->tag = sport->tag;
            for (size_t k = 0; k < sport->n_external_ids; k++) {
                host_kv_add(&port->external_ids, &port->n_external_ids,
                            sport->external_ids[k].key,
                            sport->external_ids[k].value);
            }
            for (size_t i = 0; i < sport->n_ifaces; i++) {
                const struct host_ovs_iface *siface = &sport->ifaces[i];
                struct host_ovs_iface *iface;

                iface = host_port_add_iface(port, siface->name);
                *iface = *siface;
                iface->external_ids = NULL;
                iface->n_external_ids = 0;
                for (size_t k = 0; k < siface->n_external_ids; k++) {
                    host_kv_add(&iface->external_ids, &iface->n_external_ids,
                                siface->external_ids[k].key,
                                siface->external_ids[k].value);
                }
            }
        }
    }
    return dst;
}

/* host_management_path() for 'name', 'depth' devices away from where the
 * walk started. */
static const char *
management_path(const struct host *host, const char *name, int depth)
{
    const struct host_link *link = host_find_link(host, name);
    const struct host_ovs_bridge *br;
    const struct host_ovs_iface *iface;
    const char *found;

    if (depth > 16) {
        return NULL;
    }
    if (link && link->default_route) {
        return link->name;
    }
    iface = host_find_ovs_iface(host, name, &br, NULL);
    if (iface && strcmp(iface->type, "internal")) {
        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];

            for (size_t i = 0; i < port->n_ifaces; i++) {
                if (!strcmp(port->ifaces[i].type, "internal")) {
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
    for (size_t i = name_index_find(get_index(host)->lowers, name);
         i != NAME_INDEX_NONE;
         i = get_index(host)->next_upper[i]) {
        found = management_path(host, host->links[i].name, depth + 1);
        if (found) {
            return found;
        }
    }
    return NULL;
}

const char *
host_management_path(const struct host *host, const char *name)
{
    return management_path(host, name, 0);
}
