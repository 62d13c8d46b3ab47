/* The host model: what jumboagent knows about one host's network.
 *
 * The adapters (netlink.c, ethtool.c, sysfs.c, vswitch.c) fill a 'struct
 * host'; host-json.c writes and reads it (the JSON of "jumboagent show", also
 * the format of the planner's test fixtures); host-text.c prints it as a tree;
 * the planner (plan*.c) reads it and never changes it.  Everything here is plain data that
 * the struct owns: no handles, no pointers into library objects.
 *
 * MTU values are unsigned int; 0 means "unknown" for mtu/min_mtu, and "no
 * limit known" for max_mtu. */
#ifndef JUMBOAGENT_HOST_H
#define JUMBOAGENT_HOST_H 1

#include <stdbool.h>
#include <stddef.h>

#define HOST_NAME_SIZE 64       /* Interface, bridge and port names. */

/* The limits of an MTU, in bytes: the smallest the kernel accepts on an
 * Ethernet link (and IPv4's minimum), the smallest that IPv6 works over,
 * and the largest that the 16-bit fields of OVSDB and netlink hold. */
#define HOST_MTU_MIN 68
#define HOST_MTU_IPV6_MIN 1280
#define HOST_MTU_MAX 65535

/* HOST_STRINGIFY(HOST_MTU_MIN) is "68", for messages that are constants. */
#define HOST_STRINGIFY(x) HOST_STRINGIFY_(x)
#define HOST_STRINGIFY_(x) #x

struct host_index;
struct host_tag_index;

/* What kind of kernel link a 'struct host_link' is, from IFLA_INFO_KIND (and,
 * for links without one, from the driver). */
enum link_kind {
    LINK_KIND_ETHER,            /* NIC or other link without an rtnl kind. */
    LINK_KIND_LOOPBACK,         /* lo */
    LINK_KIND_VETH,
    LINK_KIND_TUN,              /* tun/tap: libvirt vnetN, XenServer tapX.Y. */
    LINK_KIND_XEN_VIF,          /* xen-netback vifX.Y in dom0 (driver "vif"). */
    LINK_KIND_BRIDGE,           /* Linux bridge. */
    LINK_KIND_BOND,
    LINK_KIND_TEAM,
    LINK_KIND_VLAN,             /* 802.1Q/802.1ad on 'lower'. */
    LINK_KIND_MACVLAN,          /* macvlan or macvtap on 'lower'. */
    LINK_KIND_VXLAN,
    LINK_KIND_GENEVE,
    LINK_KIND_GRE,              /* gre, ip6gre (L3). */
    LINK_KIND_GRETAP,           /* gretap, ip6gretap (L2). */
    LINK_KIND_OPENVSWITCH,      /* OVS kernel-datapath port (kind "openvswitch"). */
    LINK_KIND_OTHER,            /* Anything else; 'kind_name' says what. */
    LINK_KIND_MAX
};

/* Returns the stable lowercase name of 'kind' ("ether", "veth", ...). */
const char *link_kind_to_string(enum link_kind kind);

/* Parses a name returned by link_kind_to_string().  Returns LINK_KIND_MAX if
 * 'name' is not one. */
enum link_kind link_kind_from_string(const char *name);

/* Maps an rtnl IFLA_INFO_KIND string ("bridge", "vlan", "tun", ...) to a kind.
 * NULL or "" gives LINK_KIND_ETHER; an unknown kind gives LINK_KIND_OTHER. */
enum link_kind link_kind_from_rtnl(const char *rtnl_kind);

/* State of large receive offload (ethtool feature "large-receive-offload"). */
enum lro_state {
    LRO_UNKNOWN,                /* Not read, or the driver has no features. */
    LRO_OFF,
    LRO_ON,
    LRO_FIXED_OFF,              /* Off and cannot be changed ("[fixed]"). */
    LRO_FIXED_ON,               /* On and cannot be changed. */
    LRO_STATE_MAX
};

const char *lro_state_to_string(enum lro_state);        /* "off", "on", ... */
enum lro_state lro_state_from_string(const char *);     /* LRO_STATE_MAX if bad. */

/* One key=value pair of an OVSDB external_ids or other_config column. */
struct host_kv {
    char *key;                  /* Owned. */
    char *value;                /* Owned. */
};

/* A kernel link, as netlink, ethtool and sysfs report it. */
struct host_link {
    char name[HOST_NAME_SIZE];
    int ifindex;
    enum link_kind kind;
    char kind_name[32];         /* IFLA_INFO_KIND as reported, "" if none. */
    unsigned int mtu;           /* IFLA_MTU. */
    unsigned int min_mtu;       /* IFLA_MIN_MTU, 0 if unknown. */
    unsigned int max_mtu;       /* IFLA_MAX_MTU, 0 if unknown or no limit. */
    bool up;                    /* IFF_UP is set. */
    char operstate[16];         /* "up", "down", "unknown", ... */
    char mac[18];               /* "aa:bb:cc:dd:ee:ff" or "". */
    char master[HOST_NAME_SIZE];/* Bridge/bond/OVS master, "" if none. */
    char lower[HOST_NAME_SIZE]; /* VLAN/macvlan/tunnel lower device, or "";
                                 * an unbound tunnel's is where the route
                                 * to its remote leaves. */
    unsigned int vlan_id;       /* For LINK_KIND_VLAN, else 0. */
    bool tunnel_ipv6;           /* Tunnel whose underlay is IPv6. */
    bool tunnel_key;            /* GRE/gretap with a key (+4 bytes). */
    char driver[32];            /* ethtool GDRVINFO driver, or "". */
    char bus_info[32];          /* ethtool bus_info ("0000:03:00.0"), or "". */
    bool has_pci;               /* pci_vendor/pci_device are valid. */
    unsigned int pci_vendor;    /* From sysfs device/vendor. */
    unsigned int pci_device;    /* From sysfs device/device. */
    enum lro_state lro;
    bool default_route;         /* A default route leaves through it. */
    char peer[HOST_NAME_SIZE];  /* veth: the other end (IFLA_LINK), or ""
                                 * if it is in another namespace. */
    char vm_name[256];          /* The VM behind a VIF/tap ("" unknown): libvirt's live XML or xenstore. */
    char nic_model[32];         /* The guest's NIC model behind a tap, as
                                 * libvirt's <model type> names it
                                 * ("virtio", "e1000", "rtl8139"), or "". */
    int xen_feature_sg;         /* -1 unknown, 0, 1: the netfront's feature-sg (xen-guest.h). */
};

/* An OVSDB Interface row. */
struct host_ovs_iface {
    char name[HOST_NAME_SIZE];
    char type[32];              /* "" (system), "internal", "tap", "vxlan"... */
    bool has_mtu;               /* 'mtu' column is set. */
    unsigned int mtu;           /* Interface.mtu: what vswitchd reports. */
    bool has_mtu_request;       /* 'mtu_request' column is set. */
    unsigned int mtu_request;   /* Interface.mtu_request: what was asked. */
    bool has_ofport;
    long long ofport;           /* -1 means vswitchd could not add it. */
    char error[256];            /* Interface.error, "" if none. */
    struct host_kv *external_ids;   /* Owned array. */
    size_t n_external_ids;
};

/* An OVSDB Port row.  A port with more than one interface is a bond. */
struct host_ovs_port {
    char name[HOST_NAME_SIZE];
    char bond_mode[32];         /* Port.bond_mode, "" if unset. */
    unsigned int tag;           /* Port.tag (access VLAN), 0 if none. */
    struct host_ovs_iface *ifaces;  /* Owned array. */
    size_t n_ifaces;
    struct host_kv *external_ids;   /* Owned array. */
    size_t n_external_ids;
};

/* An OVSDB Bridge row. */
struct host_ovs_bridge {
    char name[HOST_NAME_SIZE];
    char datapath_type[32];     /* "" or "system" (kernel), "netdev"... */
    struct host_ovs_port *ports;    /* Owned array. */
    size_t n_ports;
    struct host_kv *external_ids;   /* Owned array (xs-network-uuids...). */
    size_t n_external_ids;
    struct host_tag_index *tag_index;   /* Private to host.c: built by
                                         * host_bridge_find_tagged(). */
};

/* Host-wide settings that change what is safe. -1 means "not read". */
struct host_sysctls {
    int ip_forward;             /* net.ipv4.ip_forward */
    int ipv6_forwarding;        /* net.ipv6.conf.all.forwarding */
    int tcp_mtu_probing;        /* net.ipv4.tcp_mtu_probing */
    int ipv6_disabled;          /* net.ipv6.conf.all.disable_ipv6 */
};

/* The whole host. */
struct host {
    char hostname[64];
    bool xen_dom0;              /* /proc/xen/capabilities has control_d. */
    struct host_sysctls sysctls;

    struct host_link *links;    /* Owned array, kernel ifindex order. */
    size_t n_links;

    bool ovs_reachable;         /* OVSDB answered; 'bridges' is valid. */
    char ovs_remote[256];       /* The OVSDB remote that was tried. */
    char ovs_error[512];        /* Why OVSDB was not read, or "". */
    char ovs_version[32];       /* Open_vSwitch.ovs_version, or "". */
    long long ovs_cur_cfg;      /* Open_vSwitch.cur_cfg. */
    long long ovs_next_cfg;     /* Open_vSwitch.next_cfg. */
    struct host_ovs_bridge *bridges;    /* Owned array. */
    size_t n_bridges;

    struct host_index *index;   /* Private to host.c: the look-up index,
                                 * built on the first look-up. */
};

/* Returns a new, empty host with every sysctl set to -1.  The caller must
 * free it with host_destroy().  Never returns NULL (aborts on no memory). */
struct host *host_create(void);

/* Returns a deep copy of 'src'.  The caller must free it with
 * host_destroy(). */
struct host *host_clone(const struct host *src);

/* Frees 'host' and everything it owns.  Accepts NULL. */
void host_destroy(struct host *host);

/* Appends a zeroed link named 'name' to 'host' and returns it.  The pointer
 * stays valid until the next host_add_link() on the same host. */
struct host_link *host_add_link(struct host *host, const char *name);

/* Appends a zeroed bridge/port/interface and returns it; pointers stay valid
 * until the next add on the same parent. */
struct host_ovs_bridge *host_add_bridge(struct host *host, const char *name);
struct host_ovs_port *host_bridge_add_port(struct host_ovs_bridge *br,
                                           const char *name);
struct host_ovs_iface *host_port_add_iface(struct host_ovs_port *port,
                                           const char *name);

/* Appends a copy of 'key'='value' to the array '*kvs' of '*n' pairs. */
void host_kv_add(struct host_kv **kvs, size_t *n,
                 const char *key, const char *value);

/* Returns the value of 'key' in the array 'kvs' of 'n' pairs, or NULL. */
const char *host_kv_get(const struct host_kv *kvs, size_t n, const char *key);

/* Lookups by name.  Return NULL if there is no such object, else the first
 * one of that name.  The OVS lookups also return, through the optional
 * non-NULL out-parameters, the containing bridge and port.
 *
 * They take constant time: the first one builds an index of the names
 * (linear time), which host_add_link() and host_add_bridge() drop.  Code
 * that adds ports or interfaces to a host after a look-up on it must call
 * host_reindex() before the next one. */
const struct host_link *host_find_link(const struct host *, const char *name);
struct host_link *host_find_link_mutable(struct host *, const char *name);
const struct host_ovs_bridge *host_find_bridge(const struct host *,
                                               const char *name);
const struct host_ovs_iface *host_find_ovs_iface(
    const struct host *, const char *name,
    const struct host_ovs_bridge **brp, const struct host_ovs_port **portp);

/* Drops the look-up index of 'host': the next look-up builds it again. */
void host_reindex(const struct host *host);

/* Returns the first port of 'br' with the VLAN tag 'tag' (nonzero) for
 * which 'pred' returns true, or NULL if there is none.  The first call
 * with a 'pred' builds an index of the ports of 'br' by tag for it (linear
 * time), so that the next calls with the same 'pred' take logarithmic
 * time; host_bridge_add_port() drops the index, and code that changes the
 * tag of a port after a call must call host_reindex() on its host. */
const struct host_ovs_port *host_bridge_find_tagged(
    const struct host_ovs_bridge *br, unsigned int tag,
    bool (*pred)(const struct host_ovs_port *));

/* Returns the name of the link that carries the default route if 'name' is
 * on the management path -- the link itself, its bond or bridge masters,
 * VLAN or macvlan devices stacked on it or on them, or, for a port of an OVS
 * bridge, that bridge's internal ports (its own and XenServer fake bridges)
 * -- else NULL.  The result points into 'host'. */
/* Drops the look-up index of 'host': the next look-up builds it again. */
void host_reindex(const struct host *host);

/* Returns the first port of 'br' with the VLAN tag 'tag' (nonzero) for
 * which 'pred' returns true, or NULL if there is none.  The first call
 * with a 'pred' builds an index of the ports of 'br' by tag for it (linear
 * time), so that the next calls with the same 'pred' take logarithmic
 * time; host_bridge_add_port() drops the index, and code that changes the
 * tag of a port after a call must call host_reindex() on its host. */
const struct host_ovs_port *host_bridge_find_tagged(
    const struct host_ovs_bridge *br, unsigned int tag,
    bool (*pred)(const struct host_ovs_port *));

const char *host_management_path(const struct host *host, const char *name);

/* True if 'iface' is a VM interface: OVS type "tap" is not enough on its own
 * (KVM uses system type for tap devices), so this looks at the external_ids
 * that XenServer (xs-vif-uuid, vm-uuid) and libvirt/OpenStack (iface-id,
 * vm-id, attached-mac) set, and at names vifN.M, tapN.M, vnetN. */
bool host_ovs_iface_is_vif(const struct host_ovs_iface *iface);

/* True if the kernel link 'link' is a VM interface by its kind or name: a
 * Xen netback vif, a tap device (kind tun) named tap* or vnet*, or a link
 * named the way hypervisors name VM interfaces (vifN.M, tapN.M, vnetN, and
 * OpenStack's tapXXXXXXXX-XX and the OVS end qvoXXXXXXXX-XX of its hybrid
 * plug veth pair; the other end, qvb*, is the uplink of the qbr* bridge). */
bool host_link_is_vif(const struct host_link *link);

/* True if 'name' matches one of the 'n_globs' shell patterns of 'globs'
 * (fnmatch(3); 'globs' may be NULL if 'n_globs' is 0). */
bool host_name_matches(const char *name, char *const *globs, size_t n_globs);

/* True if the OVS interface type 'type' (Interface.type) is a tunnel:
 * vxlan, geneve, gre, stt... */
bool host_ovs_type_is_tunnel(const char *type);

/* Bytes that a tunnel of link kind 'kind' (VXLAN, Geneve, GRE, GRETAP)
 * adds to each packet over an IPv4 underlay, or over IPv6 if 'ipv6', with
 * the 4 bytes of a GRE key if 'key' (VXLAN and Geneve always carry theirs;
 * Geneve options come on top).  0 for any other kind. */
unsigned int host_tunnel_overhead(enum link_kind kind, bool ipv6, bool key);

/* The part an interface plays on its bridge.  host_ovs_iface_role() and
 * host_link_is_vif() are the one place that decides it: "jumboagent show"
 * prints it and the planner orders and checks by it. */
enum host_role {
    HOST_ROLE_UPLINK,           /* A NIC or other device alone on its port:
                                 * the bridge's way out. */
    HOST_ROLE_MEMBER,           /* One of the interfaces of an OVS bond. */
    HOST_ROLE_INTERNAL,         /* The bridge's own internal port. */
    HOST_ROLE_VLAN,             /* Another internal port, e.g. a fake
                                 * bridge's seen from its parent. */
    HOST_ROLE_VIF,              /* A VM interface. */
    HOST_ROLE_TUNNEL,           /* vxlan, geneve...: no MTU of its own to
                                 * set. */
    HOST_ROLE_PATCH,            /* An OVS patch port: no MTU at all. */
    HOST_ROLE_MAX
};

/* Returns the role of 'iface', an interface of 'port' on the bridge (or
 * fake bridge) named 'bridge'.  An interface whose name matches one of the
 * 'n_vif_globs' patterns 'vif_globs' (a policy network's "vifs", which only
 * the planner has; NULL and 0 for none) is a VIF, as are the ones that
 * host_ovs_iface_is_vif() recognises and DPDK vhost-user ports. */
enum host_role host_ovs_iface_role(const char *bridge,
                                   const struct host_ovs_port *port,
                                   const struct host_ovs_iface *iface,
                                   char *const *vif_globs,
                                   size_t n_vif_globs);

#endif /* host.h */
