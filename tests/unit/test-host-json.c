/* Unit tests of host-json.c and host-text.c: the host model written as JSON
 * and read back (field by field), hand-written models with defaults, bad
 * models with their exact messages, and the text tree of a fixed model. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host-json.h"
#include "host-text.h"
#include "host.h"
#include "testlib.h"
#include "util.h"

/* Returns what 'write' prints for 'host', as a malloc()'d string. */
static char *
capture(void (*write)(const struct host *, FILE *), const struct host *host)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buf, &size);

    if (!stream) {
        perror("open_memstream");
        exit(1);
    }
    write(host, stream);
    fclose(stream);
    return buf;
}

/* Returns a copy of 's' with its newlines written "\\n", for a test
 * name on one line.  The caller frees it. */
static char *
one_line(const char *s)
{
    char *copy = xmalloc(2 * strlen(s) + 1);
    char *p = copy;

    for (; *s; s++) {
        if (*s == '\n') {
            *p++ = '\\';
            *p++ = 'n';
        } else {
            *p++ = *s;
        }
    }
    *p = '\0';
    return copy;
}

/* Builds a KVM-like host: links of several kinds, an OVS bridge with its
 * internal port, a bond of two, a tap VIF with external_ids, a tunnel that
 * vswitchd could not add, and a Linux bridge with a VIF. */
static struct host *
build_host(void)
{
    struct host *host = host_create();
    struct host_link *link;
    struct host_ovs_bridge *br;
    struct host_ovs_port *port;
    struct host_ovs_iface *iface;

    copy_string(host->hostname, "kvm1", sizeof host->hostname);
    host->sysctls.ip_forward = 1;
    host->sysctls.ipv6_forwarding = 0;
    host->sysctls.ipv6_disabled = 0;      /* tcp_mtu_probing stays -1. */

    link = host_add_link(host, "lo");
    link->ifindex = 1;
    link->kind = LINK_KIND_LOOPBACK;
    link->mtu = 65536;
    link->up = true;
    copy_string(link->operstate, "unknown", sizeof link->operstate);
    copy_string(link->mac, "00:00:00:00:00:00", sizeof link->mac);

    link = host_add_link(host, "eth0");
    link->ifindex = 2;
    link->mtu = 1500;
    link->min_mtu = 68;
    link->max_mtu = 9710;
    link->up = true;
    copy_string(link->operstate, "up", sizeof link->operstate);
    copy_string(link->mac, "52:54:00:12:34:56", sizeof link->mac);
    copy_string(link->driver, "e1000e", sizeof link->driver);
    copy_string(link->bus_info, "0000:00:19.0", sizeof link->bus_info);
    link->has_pci = true;
    link->pci_vendor = 0x8086;
    link->pci_device = 0x15bb;
    link->lro = LRO_FIXED_OFF;
    link->default_route = true;

    for (int i = 2; i <= 3; i++) {
        char name[16];

        snprintf(name, sizeof name, "eth%d", i);
        link = host_add_link(host, name);
        link->ifindex = 1 + i;
        link->mtu = 1500;
        link->min_mtu = 68;
        link->max_mtu = 9216;
        link->up = true;
        copy_string(link->operstate, "up", sizeof link->operstate);
        copy_string(link->master, "ovs-system", sizeof link->master);
        copy_string(link->driver, "ixgbe", sizeof link->driver);
        copy_string(link->bus_info, i == 2 ? "0000:03:00.0" : "0000:03:00.1",
                    sizeof link->bus_info);
        link->has_pci = true;
        link->pci_vendor = 0x8086;
        link->pci_device = 0x10fb;
        link->lro = LRO_OFF;
    }

    link = host_add_link(host, "ovs-system");
    link->ifindex = 5;
    link->kind = LINK_KIND_OPENVSWITCH;
    copy_string(link->kind_name, "openvswitch", sizeof link->kind_name);
    link->mtu = 1500;
    link->min_mtu = 68;
    link->max_mtu = 65535;
    copy_string(link->operstate, "down", sizeof link->operstate);

    link = host_add_link(host, "xenbr1");
    link->ifindex = 6;
    link->kind = LINK_KIND_OPENVSWITCH;
    copy_string(link->kind_name, "openvswitch", sizeof link->kind_name);
    link->mtu = 9000;
    link->min_mtu = 68;
    link->max_mtu = 65535;
    link->up = true;
    copy_string(link->master, "ovs-system", sizeof link->master);

    link = host_add_link(host, "vnet0");
    link->ifindex = 7;
    link->kind = LINK_KIND_TUN;
    copy_string(link->kind_name, "tun", sizeof link->kind_name);
    link->mtu = 1500;
    link->min_mtu = 68;
    link->max_mtu = 65521;
    link->up = true;
    copy_string(link->master, "ovs-system", sizeof link->master);
    copy_string(link->driver, "tun", sizeof link->driver);

    link = host_add_link(host, "eth0.100");
    link->ifindex = 8;
    link->kind = LINK_KIND_VLAN;
    copy_string(link->kind_name, "vlan", sizeof link->kind_name);
    link->mtu = 1500;
    link->max_mtu = 9710;
    copy_string(link->lower, "eth0", sizeof link->lower);
    link->vlan_id = 100;

    link = host_add_link(host, "vxlan_sys_4789");
    link->ifindex = 9;
    link->kind = LINK_KIND_VXLAN;
    copy_string(link->kind_name, "vxlan", sizeof link->kind_name);
    link->mtu = 65000;
    link->min_mtu = 68;
    link->max_mtu = 65465;
    link->tunnel_ipv6 = true;
    copy_string(link->master, "ovs-system", sizeof link->master);

    link = host_add_link(host, "gre1");
    link->ifindex = 10;
    link->kind = LINK_KIND_GRE;
    link->mtu = 1472;
    link->tunnel_key = true;
    link->lro = LRO_FIXED_ON;

    link = host_add_link(host, "wg0");
    link->ifindex = 11;
    link->kind = LINK_KIND_OTHER;
    copy_string(link->kind_name, "wireguard", sizeof link->kind_name);
    link->mtu = 1420;

    link = host_add_link(host, "br0");
    link->ifindex = 12;
    link->kind = LINK_KIND_BRIDGE;
    link->mtu = 1500;
    link->min_mtu = 68;
    link->max_mtu = 65535;
    link->up = true;
    copy_string(link->driver, "bridge", sizeof link->driver);

    link = host_add_link(host, "vnet1");
    link->ifindex = 13;
    link->kind = LINK_KIND_TUN;
    link->mtu = 1500;
    link->up = true;
    copy_string(link->master, "br0", sizeof link->master);
    copy_string(link->driver, "tun", sizeof link->driver);

    host->ovs_reachable = true;
    copy_string(host->ovs_remote, "unix:/run/openvswitch/db.sock",
                sizeof host->ovs_remote);
    copy_string(host->ovs_version, "3.1.0", sizeof host->ovs_version);
    host->ovs_cur_cfg = 5;
    host->ovs_next_cfg = 6;

    br = host_add_bridge(host, "xenbr1");
    copy_string(br->datapath_type, "system", sizeof br->datapath_type);
    host_kv_add(&br->external_ids, &br->n_external_ids, "xs-network-uuids",
                "8d7e4b0c-1111-2222-3333-444455556666");
    /* Keys and values that need escaping in JSON. */
    host_kv_add(&br->external_ids, &br->n_external_ids, "odd \"key\"/\\",
                "tab\there, newline\n, \x01, caf\xc3\xa9");

    port = host_bridge_add_port(br, "xenbr1");
    iface = host_port_add_iface(port, "xenbr1");
    copy_string(iface->type, "internal", sizeof iface->type);
    iface->has_mtu = true;
    iface->mtu = 9000;
    iface->has_mtu_request = true;
    iface->mtu_request = 9000;
    iface->has_ofport = true;
    iface->ofport = 65534;

    port = host_bridge_add_port(br, "bond0");
    copy_string(port->bond_mode, "active-backup", sizeof port->bond_mode);
    host_kv_add(&port->external_ids, &port->n_external_ids, "note", "x");
    for (int i = 2; i <= 3; i++) {
        char name[16];

        snprintf(name, sizeof name, "eth%d", i);
        iface = host_port_add_iface(port, name);
        iface->has_mtu = true;
        iface->mtu = 1500;
        iface->has_ofport = true;
        iface->ofport = i - 1;
    }

    port = host_bridge_add_port(br, "vnet0");
    port->tag = 100;
    iface = host_port_add_iface(port, "vnet0");
    iface->has_mtu = true;
    iface->mtu = 1500;
    iface->has_ofport = true;
    iface->ofport = 3;
    host_kv_add(&iface->external_ids, &iface->n_external_ids, "iface-id",
                "2f0c2a0e-aaaa-bbbb-cccc-ddddeeeeffff");
    host_kv_add(&iface->external_ids, &iface->n_external_ids,
                "attached-mac", "fe:16:3e:00:00:01");
    host_kv_add(&iface->external_ids, &iface->n_external_ids, "vm-id",
                "0d8e1e5c-1234-5678-9abc-def012345678");
    host_kv_add(&iface->external_ids, &iface->n_external_ids,
                "iface-status", "active");

    port = host_bridge_add_port(br, "vx0");
    iface = host_port_add_iface(port, "vx0");
    copy_string(iface->type, "vxlan", sizeof iface->type);
    iface->has_ofport = true;
    iface->ofport = -1;
    copy_string(iface->error, "could not add network device vx0 to ofproto "
                "(File exists)", sizeof iface->error);

    br = host_add_bridge(host, "br-empty");
    copy_string(br->datapath_type, "netdev", sizeof br->datapath_type);
    return host;
}

/* Compares 'a' and 'b' field by field.  Returns NULL if they are equal, else
 * a malloc()'d description of the first difference. */
static char *
host_diff(const struct host *a, const struct host *b)
{
#define DIFF_STR(WHAT, X, Y)                                            \
    do {                                                                \
        if (strcmp(X, Y)) {                                             \
            return xasprintf("%s: \"%s\" != \"%s\"", WHAT, X, Y);       \
        }                                                               \
    } while (0)
#define DIFF_NUM(WHAT, X, Y)                                            \
    do {                                                                \
        if ((long long) (X) != (long long) (Y)) {                       \
            return xasprintf("%s: %lld != %lld", WHAT,                  \
                             (long long) (X), (long long) (Y));         \
        }                                                               \
    } while (0)
#define DIFF_KVS(WHAT, X, NX, Y, NY)                                    \
    do {                                                                \
        DIFF_NUM(WHAT " count", NX, NY);                                \
        for (size_t k = 0; k < (NX); k++) {                             \
            DIFF_STR(WHAT " key", (X)[k].key, (Y)[k].key);              \
            DIFF_STR(WHAT " value", (X)[k].value, (Y)[k].value);        \
        }                                                               \
    } while (0)

    DIFF_STR("hostname", a->hostname, b->hostname);
    DIFF_NUM("xen_dom0", a->xen_dom0, b->xen_dom0);
    DIFF_NUM("ip_forward", a->sysctls.ip_forward, b->sysctls.ip_forward);
    DIFF_NUM("ipv6_forwarding", a->sysctls.ipv6_forwarding,
             b->sysctls.ipv6_forwarding);
    DIFF_NUM("tcp_mtu_probing", a->sysctls.tcp_mtu_probing,
             b->sysctls.tcp_mtu_probing);
    DIFF_NUM("ipv6_disabled", a->sysctls.ipv6_disabled,
             b->sysctls.ipv6_disabled);
    DIFF_NUM("n_links", a->n_links, b->n_links);
    for (size_t i = 0; i < a->n_links; i++) {
        const struct host_link *x = &a->links[i], *y = &b->links[i];

        DIFF_STR("link name", x->name, y->name);
        DIFF_NUM("ifindex", x->ifindex, y->ifindex);
        DIFF_NUM("kind", x->kind, y->kind);
        DIFF_STR("kind_name", x->kind_name, y->kind_name);
        DIFF_NUM("mtu", x->mtu, y->mtu);
        DIFF_NUM("min_mtu", x->min_mtu, y->min_mtu);
        DIFF_NUM("max_mtu", x->max_mtu, y->max_mtu);
        DIFF_NUM("up", x->up, y->up);
        DIFF_STR("operstate", x->operstate, y->operstate);
        DIFF_STR("mac", x->mac, y->mac);
        DIFF_STR("master", x->master, y->master);
        DIFF_STR("lower", x->lower, y->lower);
        DIFF_NUM("vlan_id", x->vlan_id, y->vlan_id);
        DIFF_NUM("tunnel_ipv6", x->tunnel_ipv6, y->tunnel_ipv6);
        DIFF_NUM("tunnel_key", x->tunnel_key, y->tunnel_key);
        DIFF_STR("driver", x->driver, y->driver);
        DIFF_STR("bus_info", x->bus_info, y->bus_info);
        DIFF_NUM("has_pci", x->has_pci, y->has_pci);
        DIFF_NUM("pci_vendor", x->pci_vendor, y->pci_vendor);
        DIFF_NUM("pci_device", x->pci_device, y->pci_device);
        DIFF_NUM("lro", x->lro, y->lro);
        DIFF_NUM("default_route", x->default_route, y->default_route);
    }
    DIFF_NUM("ovs_reachable", a->ovs_reachable, b->ovs_reachable);
    DIFF_STR("ovs_remote", a->ovs_remote, b->ovs_remote);
    DIFF_STR("ovs_error", a->ovs_error, b->ovs_error);
    DIFF_STR("ovs_version", a->ovs_version, b->ovs_version);
    DIFF_NUM("ovs_cur_cfg", a->ovs_cur_cfg, b->ovs_cur_cfg);
    DIFF_NUM("ovs_next_cfg", a->ovs_next_cfg, b->ovs_next_cfg);
    DIFF_NUM("n_bridges", a->n_bridges, b->n_bridges);
    for (size_t i = 0; i < a->n_bridges; i++) {
        const struct host_ovs_bridge *x = &a->bridges[i];
        const struct host_ovs_bridge *y = &b->bridges[i];

        DIFF_STR("bridge name", x->name, y->name);
        DIFF_STR("datapath_type", x->datapath_type, y->datapath_type);
        DIFF_KVS("bridge external_ids", x->external_ids, x->n_external_ids,
                 y->external_ids, y->n_external_ids);
        DIFF_NUM("n_ports", x->n_ports, y->n_ports);
        for (size_t j = 0; j < x->n_ports; j++) {
            const struct host_ovs_port *p = &x->ports[j];
            const struct host_ovs_port *q = &y->ports[j];

            DIFF_STR("port name", p->name, q->name);
            DIFF_STR("bond_mode", p->bond_mode, q->bond_mode);
            DIFF_NUM("tag", p->tag, q->tag);
            DIFF_KVS("port external_ids", p->external_ids,
                     p->n_external_ids, q->external_ids, q->n_external_ids);
            DIFF_NUM("n_ifaces", p->n_ifaces, q->n_ifaces);
            for (size_t k = 0; k < p->n_ifaces; k++) {
                const struct host_ovs_iface *u = &p->ifaces[k];
                const struct host_ovs_iface *v = &q->ifaces[k];

                DIFF_STR("iface name", u->name, v->name);
                DIFF_STR("type", u->type, v->type);
                DIFF_NUM("has_mtu", u->has_mtu, v->has_mtu);
                DIFF_NUM("iface mtu", u->mtu, v->mtu);
                DIFF_NUM("has_mtu_request", u->has_mtu_request,
                         v->has_mtu_request);
                DIFF_NUM("mtu_request", u->mtu_request, v->mtu_request);
                DIFF_NUM("has_ofport", u->has_ofport, v->has_ofport);
                DIFF_NUM("ofport", u->ofport, v->ofport);
                DIFF_STR("error", u->error, v->error);
                DIFF_KVS("iface external_ids", u->external_ids,
                         u->n_external_ids, v->external_ids,
                         v->n_external_ids);
            }
        }
    }
    return NULL;
#undef DIFF_STR
#undef DIFF_NUM
#undef DIFF_KVS
}

/* Writes 'host' as JSON, reads it back, and checks that nothing changed,
 * and that writing the copy gives the same text. */
static void
test_round_trip(const char *label, const struct host *host)
{
    char *json = capture(host_json_write, host);
    struct host *copy = NULL;
    struct error err;
    int error;

    error_clear(&err);
    error = host_json_read_string("host.json", json, &copy, &err);
    if (!test_report(!error && copy, err.msg, "%s: written JSON reads back",
                     label)) {
        printf("%s", json);
    } else {
        char *diff = host_diff(host, copy);
        char *json2 = capture(host_json_write, copy);

        test_report(!diff, diff, "%s: round trip keeps every field", label);
        test_streq(json, json2, "%s: the copy writes the same JSON", label);
        free(diff);
        free(json2);
    }
    host_destroy(copy);
    free(json);
}

/* Checks that the written JSON of 'host' contains 'needle'. */
static void
test_json_contains(const struct host *host, const char *needle)
{
    char *json = capture(host_json_write, host);
    char *name = one_line(needle);

    test_report(strstr(json, needle) != NULL, json, "JSON contains %s",
                name);
    free(name);
    free(json);
}

/* True if 's' is valid UTF-8 (and has no NUL). */
static bool
is_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *) s;

    while (*p) {
        int n = (*p < 0x80 ? 1 : *p >= 0xc2 && *p <= 0xdf ? 2
                 : *p >= 0xe0 && *p <= 0xef ? 3
                 : *p >= 0xf0 && *p <= 0xf4 ? 4 : 0);

        if (!n) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                return false;
            }
        }
        p += n;
    }
    return true;
}

static void
test_odd_names(void)
{
    static const char odd[] = "\x01\x1b[31m\xff\"q\\";
    struct host *host = host_create();
    struct host_ovs_bridge *br;
    struct host_ovs_port *port;
    struct host_link *link;
    char *json, *text;

    host->ovs_reachable = true;
    link = host_add_link(host, odd);
    link->mtu = 1500;
    br = host_add_bridge(host, "br\xfe");
    host_kv_add(&br->external_ids, &br->n_external_ids, odd, odd);
    port = host_bridge_add_port(br, odd);
    host_port_add_iface(port, odd);
    test_round_trip("odd names", host);

    json = capture(host_json_write, host);
    test_report(is_utf8(json), json, "odd names: the JSON is valid UTF-8");
    test_report(strstr(json, "\"\\u0001\\u001b[31m\\\\xff\\\"q\\\\\\\\\"")
                != NULL, json, "odd names: written as "
                "\"\\u0001\\u001b[31m\\\\xff\\\"q\\\\\\\\\"");
    free(json);

    text = capture(host_text_write, host);
    test_report(!strchr(text, '\x1b') && !strchr(text, '\x01')
                && is_utf8(text), text,
                "odd names: no control character or invalid byte in the "
                "text tree");
    test_report(strstr(text, "\\x01\\x1b[31m\\xff\"q\\") != NULL, text,
                "odd names: the text tree shows \\x01\\x1b[31m\\xff\"q\\");
    free(text);
    host_destroy(host);
}

static void
test_write(void)
{
    struct host *host = build_host();

    test_round_trip("full host", host);
    test_json_contains(host, "\"tcp_mtu_probing\": null");
    test_json_contains(host, "\"pci\": \"8086:10fb\"");
    test_json_contains(host, "\"lro\": \"off [fixed]\"");
    test_json_contains(host, "\"master\": \"ovs-system\"");
    test_json_contains(host, "\"type\": \"system\"");
    test_json_contains(host, "\"role\": \"member\"");
    test_json_contains(host, "\"role\": \"vif\"");
    test_json_contains(host, "\"role\": \"internal\"");
    test_json_contains(host, "\"role\": \"tunnel\"");
    test_json_contains(host, "\"kernel_mtu\": 9000");
    /* The key's backslash is in the "\\xNN" escape of docs/show-json.md:
     * "\\", written in JSON as "\\\\". */
    test_json_contains(host, "\"odd \\\"key\\\"/\\\\\\\\\": "
                       "\"tab\\there, newline\\n, \\u0001, caf\xc3\xa9\"");
    test_json_contains(host, "\"ports\": []");
    test_json_contains(host, "\"tag\": 100");

    /* A XenServer host whose OVS did not answer. */
    host_destroy(host);
    host = host_create();
    copy_string(host->hostname, "xs1", sizeof host->hostname);
    host->xen_dom0 = true;
    copy_string(host->ovs_remote, "unix:/var/run/openvswitch/db.sock",
                sizeof host->ovs_remote);
    copy_string(host->ovs_error, "unix:/var/run/openvswitch/db.sock: "
                "connection failed (No such file or directory)",
                sizeof host->ovs_error);
    test_round_trip("unreachable OVS", host);
    test_json_contains(host, "\"ovs\": {\n    \"reachable\": false,\n"
                       "    \"remote\": \"unix:/var/run/openvswitch/db.sock\""
                       ",\n    \"error\": \"unix:/var/run/openvswitch/db.sock"
                       ": connection failed (No such file or directory)\",\n"
                       "    \"bridges\": []\n  }\n}\n");
    host_destroy(host);

    /* Names are bytes: a link, bridge, port, interface and external_id
     * with control characters, a byte that is not UTF-8, a quote and a
     * backslash write as valid UTF-8 and read back exactly. */
    test_odd_names();

    /* The exact layout of a small document. */
    host = host_create();
    test_round_trip("empty host", host);
    {
        char *json = capture(host_json_write, host);

        test_streq("{\n"
                   "  \"version\": 1,\n"
                   "  \"hostname\": \"\",\n"
                   "  \"xen_dom0\": false,\n"
                   "  \"sysctls\": {\n"
                   "    \"ip_forward\": null,\n"
                   "    \"ipv6_forwarding\": null,\n"
                   "    \"tcp_mtu_probing\": null,\n"
                   "    \"ipv6_disabled\": null\n"
                   "  },\n"
                   "  \"links\": [],\n"
                   "  \"ovs\": {\n"
                   "    \"reachable\": false,\n"
                   "    \"remote\": \"\",\n"
                   "    \"error\": null,\n"
                   "    \"bridges\": []\n"
                   "  }\n"
                   "}\n", json, "layout of the JSON of an empty host");
        free(json);
    }
    host_destroy(host);
}

/* A short hand-written model: everything but names takes its default. */
static void
test_defaults(void)
{
    static const char text[] =
        "{\"links\": [{\"name\": \"eth0\"}],\n"
        " \"ovs\": {\"reachable\": true, \"bridges\": [\n"
        "   {\"name\": \"br0\", \"ports\": [\n"
        "     {\"name\": \"p0\", \"interfaces\": [{\"name\": \"p0\"}]},\n"
        "     {\"name\": \"p1\", \"interfaces\": [{\"name\": \"p1\","
        " \"type\": \"system\"}, {\"name\": \"p2\", \"type\": \"dpdk\"}]}"
        "]}]}}";
    const struct host_link *link;
    const struct host_ovs_iface *iface;
    const struct host_ovs_port *port;
    struct host *host = NULL;
    struct error err;
    int error;

    error_clear(&err);
    error = host_json_read_string("host.json", text, &host, &err);
    if (!test_report(!error, err.msg, "minimal model reads")) {
        return;
    }
    test_report(host->sysctls.ip_forward == -1
                && host->sysctls.ipv6_forwarding == -1
                && host->sysctls.tcp_mtu_probing == -1
                && host->sysctls.ipv6_disabled == -1, NULL,
                "defaults: sysctls -1");
    test_report(!host->hostname[0] && !host->xen_dom0, NULL,
                "defaults: hostname \"\", xen_dom0 false");
    link = host_find_link(host, "eth0");
    test_report(link && link->kind == LINK_KIND_ETHER && !link->mtu
                && !link->min_mtu && !link->max_mtu && !link->up
                && !link->ifindex && !link->master[0] && !link->has_pci
                && link->lro == LRO_UNKNOWN && !link->default_route, NULL,
                "defaults: link ether, numbers 0, lro unknown");
    test_report(host->ovs_reachable && !host->ovs_remote[0]
                && !host->ovs_cur_cfg && host->n_bridges == 1
                && !host->bridges[0].datapath_type[0], NULL,
                "defaults: ovs");
    iface = host_find_ovs_iface(host, "p0", NULL, &port);
    test_report(iface && !iface->type[0] && !iface->has_mtu
                && !iface->has_mtu_request && !iface->has_ofport
                && !iface->n_external_ids && !port->tag
                && !port->bond_mode[0], NULL,
                "defaults: interface type omitted is \"\", columns unset");
    iface = host_find_ovs_iface(host, "p1", NULL, NULL);
    test_report(iface && !iface->type[0], NULL,
                "interface type \"system\" reads as \"\"");
    iface = host_find_ovs_iface(host, "p2", NULL, NULL);
    test_streq("dpdk", iface ? iface->type : NULL,
               "other interface types are kept");
    host_destroy(host);

    error = host_json_read_string("host.json", "{}", &host, &err);
    test_report(!error && !host->ovs_reachable && !host->n_links
                && !host->n_bridges, err.msg,
                "\"{}\" is an empty host, OVS not reachable");
    host_destroy(host);
}

/* Reads 'text', which must fail with exactly 'expected'. */
static void
test_bad_one(const char *text, const char *expected)
{
    char *name = one_line(text);
    struct host *host = NULL;
    struct error err;
    int error;

    error_clear(&err);
    error = host_json_read_string("host.json", text, &host, &err);
    test_report(error == -EINVAL && host == NULL, NULL,
                "bad model is refused: %s", name);
    test_streq(expected, err.msg, "message for: %s", name);
    host_destroy(host);
    free(name);
}

static void
test_bad(void)
{
    test_bad_one("{\"links\": [{\"name\": \"a\"}, {\"name\": \"b\"}, "
                 "{\"name\": \"c\", \"mtu\": \"9k\"}]}",
                 "host.json: links[2].mtu: expected an integer, got the "
                 "string \"9k\"");
    test_bad_one("{\"links\": [{\"name\": \"eth0\", \"mut\": 9000}]}",
                 "host.json: links[0].mut: unknown key; did you mean "
                 "\"mtu\"?");
    test_bad_one("{\"hostnam\": \"x\"}",
                 "host.json: hostnam: unknown key; did you mean "
                 "\"hostname\"?");
    test_bad_one("{\"links\": [{\"mtu\": 1500}]}",
                 "host.json: links[0]: \"name\" is missing; every link needs "
                 "one");
    test_bad_one("{\"links\": [{\"name\": \"\"}]}",
                 "host.json: links[0].name: the string is empty; every link "
                 "needs one");
    test_bad_one("{\"links\": [{\"name\": "
                 "\"0123456789012345678901234567890123456789012345678901234567"
                 "890123\"}]}",
                 "host.json: links[0].name: the string is 64 bytes long, more "
                 "than the 63 allowed");
    test_bad_one("{\"xen_dom0\": \"yes\"}",
                 "host.json: xen_dom0: expected true or false, got the string "
                 "\"yes\"");
    test_bad_one("{\"version\": 2}",
                 "host.json: version: this jumboagent reads version 1 of the "
                 "host model, got 2; use the jumboagent that wrote it");
    test_bad_one("{\"version\": \"1\"}",
                 "host.json: version: expected an integer, got the string "
                 "\"1\"");
    test_bad_one("[]",
                 "host.json: (top level): expected an object, got an array; a "
                 "host model is one JSON object (see host-json.h)");
    test_bad_one("  \n",
                 "host.json: (top level): the file contains only "
                 "whitespace; a host model is one JSON object (see "
                 "host-json.h)");
    test_bad_one("{\"links\": [\n  {\"name\": \"eth0\",}\n]}",
                 "host.json: line 2, column 19: invalid JSON: unexpected "
                 "character; check the quotes, commas and brackets there; "
                 "JSON allows no comments and no trailing commas");
    test_bad_one("{\"links\": [",
                 "host.json: line 1, column 12: invalid JSON: unexpected "
                 "end of data; the file ends before the host model is "
                 "complete (a '}' or ']' may be missing)");
    test_bad_one("{}\n{}",
                 "host.json: line 2, column 1: unexpected text after the "
                 "host model object; the file holds exactly one JSON object");
    test_bad_one("{\"a\": 1} x",
                 "host.json: line 1, column 10: unexpected text after the "
                 "host model object; the file holds exactly one JSON object");
    test_bad_one("{\"links\": {}}",
                 "host.json: links: expected an array, got an object");
    test_bad_one("{\"links\": [7]}",
                 "host.json: links[0]: expected an object, got the integer 7");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"kind\": \"ethernet\"}]}",
                 "host.json: links[0].kind: unknown value \"ethernet\"; did "
                 "you mean \"ether\"?");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"lro\": \"fixed\"}]}",
                 "host.json: links[0].lro: unknown value \"fixed\"; did you "
                 "mean \"on [fixed]\"?");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"pci\": \"8086-10fb\"}]}",
                 "host.json: links[0].pci: \"8086-10fb\" is not a PCI "
                 "vendor:device ID such as \"8086:10fb\"");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"vlan_id\": 4096}]}",
                 "host.json: links[0].vlan_id: 4096 is out of range (0 to "
                 "4095)");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"mtu\": 1500.0}]}",
                 "host.json: links[0].mtu: expected an integer, got the "
                 "number 1500.0");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"mtu\": -1}]}",
                 "host.json: links[0].mtu: -1 is out of range (0 to "
                 "4294967295)");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"mtu\": null}]}",
                 "host.json: links[0].mtu: expected an integer, got null");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"master\": 3}]}",
                 "host.json: links[0].master: expected null or a string, got "
                 "the integer 3");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"mac\": \"a\\u0000b\"}]}",
                 "host.json: links[0].mac: \"a\\u0000b\" contains a NUL "
                 "character");
    test_bad_one("{\"links\": [{\"name\": \"x\"}, {\"name\": \"y\"}, "
                 "{\"name\": \"x\"}]}",
                 "host.json: links[2].name: \"x\" is also the name of "
                 "links[0]");
    test_bad_one("{\"sysctls\": {\"ip_forward\": true}}",
                 "host.json: sysctls.ip_forward: expected null or an integer, "
                 "got true");
    test_bad_one("{\"sysctls\": {\"ip_fwd\": 1}}",
                 "host.json: sysctls.ip_fwd: unknown key; the keys allowed "
                 "here are \"ip_forward\", \"ipv6_forwarding\", "
                 "\"tcp_mtu_probing\", \"ipv6_disabled\"");
    test_bad_one("{\"ovs\": {\"bridges\": [{\"name\": \"br0\"}]}}",
                 "host.json: ovs.bridges: bridges are listed but "
                 "\"reachable\" is false; add \"reachable\": true to \"ovs\"");
    test_bad_one("{\"ovs\": {\"reachable\": true, \"cur_cfg\": "
                 "99999999999999999999}}",
                 "host.json: ovs.cur_cfg: the number is far out of range (0 "
                 "to 9223372036854775807)");
    test_bad_one("{\"ovs\": {\"reachable\": true, \"bridges\": [{\"name\": "
                 "\"br0\", \"ports\": [{\"name\": \"p\", \"tag\": 4096}]}]}}",
                 "host.json: ovs.bridges[0].ports[0].tag: 4096 is out of "
                 "range (0 to 4095)");
    test_bad_one("{\"ovs\": {\"reachable\": true, \"bridges\": [{\"name\": "
                 "\"br0\", \"ports\": [{\"name\": \"p\", \"interfaces\": "
                 "[{\"name\": \"p\", \"mtu_request\": 0}]}]}]}}",
                 "host.json: "
                 "ovs.bridges[0].ports[0].interfaces[0].mtu_request: 0 is out "
                 "of range (1 to 4294967295)");
    test_bad_one("{\"ovs\": {\"reachable\": true, \"bridges\": [{\"name\": "
                 "\"br0\", \"ports\": [{\"name\": \"p\", \"interfaces\": "
                 "[{\"name\": \"p\", \"external_ids\": {\"vm-id\": 1}}]}]}]}}",
                 "host.json: "
                 "ovs.bridges[0].ports[0].interfaces[0].external_ids.vm-id: "
                 "expected a string, got the integer 1");
    test_bad_one("{\"ovs\": {\"reachable\": true, \"bridges\": [{\"name\": "
                 "\"br0\", \"ports\": [{\"name\": \"p\", \"interfaces\": "
                 "[{\"name\": \"p\", \"role\": \"uplnk\"}]}]}]}}",
                 "host.json: ovs.bridges[0].ports[0].interfaces[0].role: "
                 "unknown value \"uplnk\"; did you mean \"uplink\"?");
    test_bad_one("{\"ovs\": {\"reachable\": true, \"bridges\": ["
                 "{\"name\": \"br0\", \"ports\": [{\"name\": \"p\", "
                 "\"interfaces\": [{\"name\": \"eth1\"}]}]}, "
                 "{\"name\": \"br1\", \"ports\": [{\"name\": \"q\", "
                 "\"interfaces\": [{\"name\": \"eth1\"}]}]}]}}",
                 "host.json: ovs.bridges[1].ports[0].interfaces[0].name: "
                 "\"eth1\" is also the name of "
                 "ovs.bridges[0].ports[0].interfaces[0]");
    test_bad_one("{\"ovs\": {\"reachable\": true, \"bridges\": ["
                 "{\"name\": \"br0\", \"ports\": [{\"name\": \"p\"}, "
                 "{\"name\": \"p\"}]}]}}",
                 "host.json: ovs.bridges[0].ports[1].name: \"p\" is also the "
                 "name of ovs.bridges[0].ports[0]");
    test_bad_one("{\"ovs\": {\"reachable\": true, \"bridges\": ["
                 "{\"name\": \"br0\"}, {\"name\": \"br0\"}]}}",
                 "host.json: ovs.bridges[1].name: \"br0\" is also the name of "
                 "ovs.bridges[0]");
}

/* What json-c accepts even in strict mode, and the reader refuses. */
static void
test_strict(void)
{
    struct host *host = NULL;
    struct error err;
    int error;

    test_bad_one("{'hostname': \"x\"}",
                 "host.json: line 1, column 2: invalid JSON: a string in "
                 "single quotes; JSON strings use double quotes");
    test_bad_one("{\"hostname\": \"a\tb\"}",
                 "host.json: line 1, column 16: invalid JSON: the control "
                 "character U+0009 inside a string; write it as an escape "
                 "such as \\t or \\n");
    test_bad_one("{\"version\": NaN}",
                 "host.json: line 1, column 13: invalid JSON: NaN, "
                 "Infinity or a bare word where a value belongs; a JSON "
                 "value is an object, array, string, number, true, false "
                 "or null");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"mtu\": 1.}]}",
                 "host.json: line 1, column 33: invalid JSON: a malformed "
                 "number; JSON numbers look like 9000, -1 or 1.5e3");
    test_bad_one("{\"links\": [{\"name\": \"eth0\",\n  \"mtu\": 1500, "
                 "\"mtu\": 9000}]}",
                 "host.json: links[0].mtu: the key appears twice in one "
                 "object (at line 2 and again at line 2); give each key "
                 "only once");
    test_bad_one("{\"links\": [{\"name\": \"x\", \"external_ids\": "
                 "{\"a b\": \"1\",\n\"a\\u0020b\": \"2\"}}]}",
                 "host.json: links[0].external_ids[\"a\\\\u0020b\"]: the "
                 "key appears twice in one object (at line 1 and again at "
                 "line 2); give each key only once");
    test_bad_one("{\"hostname\": \"caf\xe9\"}",
                 "host.json: line 1, column 18: the file is not valid "
                 "UTF-8 (byte 0xe9 at offset 17); save the host model as "
                 "UTF-8 text");
    test_bad_one("{\"hostname\": \"caf\xc3\xa9\",}",
                 "host.json: line 1, column 21: invalid JSON: unexpected "
                 "character; check the quotes, commas and brackets there; "
                 "JSON allows no comments and no trailing commas");

    error_clear(&err);
    error = host_json_read_string("host.json",
                                  "\xef\xbb\xbf{\"hostname\": \"h1\"}", &host,
                                  &err);
    test_report(!error && !strcmp(host->hostname, "h1"), err.msg,
                "a byte order mark is skipped");
    host_destroy(host);
}

/* Reading from files: a fixture, a written file, a missing file. */
static void
test_files(void)
{
    char path[] = "/tmp/test-host-json.XXXXXX";
    struct host *host = build_host();
    struct host *copy = NULL;
    struct error err;
    char *fixture;
    FILE *stream;
    int error;
    int fd;

    fd = mkstemp(path);
    stream = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!stream) {
        test_report(false, strerror(errno), "temporary file");
        host_destroy(host);
        return;
    }
    host_json_write(host, stream);
    fclose(stream);
    error_clear(&err);
    error = host_json_read_file(path, &copy, &err);
    if (test_report(!error, err.msg, "written file reads back")) {
        char *diff = host_diff(host, copy);

        test_report(!diff, diff, "file round trip keeps every field");
        free(diff);
    }
    host_destroy(copy);
    copy = NULL;

    stream = fopen(path, "wb");
    if (stream) {
        static const char nul_text[] = "{\"hostname\": \"h\"}\n\0";

        fwrite(nul_text, 1, sizeof nul_text, stream);
        fclose(stream);
    }
    error = host_json_read_file(path, &copy, &err);
    test_report(error == -EINVAL && !copy, NULL, "file with a NUL: -EINVAL");
    fixture = xasprintf("%s: line 2, column 1: the file contains a NUL byte "
                        "(at offset 18); a host model is UTF-8 text", path);
    test_streq(fixture, err.msg, "file with a NUL: message");
    free(fixture);
    unlink(path);

    error = host_json_read_file("/tmp", &copy, &err);
    test_report(error == -EISDIR && !copy, NULL, "directory: -EISDIR");
    test_streq("cannot read host model /tmp: Is a directory", err.msg,
               "directory: message");

    error = host_json_read_file(path, &copy, &err);
    test_report(error == -ENOENT && !copy, NULL, "missing file: -ENOENT");
    fixture = xasprintf("cannot open host model %s: No such file or "
                        "directory", path);
    test_streq(fixture, err.msg, "missing file: message");
    free(fixture);

    fixture = xasprintf("%s/tests/unit/host-fixtures/xen-bond.json",
                        test_srcdir());
    error = host_json_read_file(fixture, &copy, &err);
    if (test_report(!error, err.msg, "fixture xen-bond.json reads")) {
        const struct host_ovs_port *port;

        test_report(copy->xen_dom0 && copy->n_links == 4
                    && host_find_ovs_iface(copy, "eth1", NULL, &port)
                    && !strcmp(port->name, "bond0")
                    && port->n_ifaces == 2, NULL,
                    "fixture xen-bond.json: dom0, bond0 of two");
    }
    host_destroy(copy);
    free(fixture);
    host_destroy(host);
}

/* Checks host_text_write() of the model in the JSON 'text' (or of 'host'
 * if 'text' is NULL) against 'expected'. */
static void
test_text_one(const char *label, const char *text, const struct host *host,
              const char *expected)
{
    struct host *parsed = NULL;
    struct error err;
    char *actual;

    if (text) {
        error_clear(&err);
        if (!test_report(!host_json_read_string("text.json", text, &parsed,
                                                &err),
                         err.msg, "%s: model reads", label)) {
            return;
        }
        host = parsed;
    }
    actual = capture(host_text_write, host);
    test_streq(expected, actual, "%s: text tree", label);
    free(actual);
    host_destroy(parsed);
}

static void
test_text(void)
{
    struct host *host = build_host();

    test_text_one("OVS and Linux bridges", NULL, host,
                "host kvm1  (ip_forward=1 ipv6_forwarding=0 disable_ipv6=0)\n"
                "OVS 3.1.0 at unix:/run/openvswitch/db.sock (cur_cfg 5, "
                "next_cfg 6: ovs-vswitchd has not applied the last change "
                "yet)\n"
                "  bridge xenbr1 (datapath system)  "
                "xs-network-uuids=8d7e4b0c-1111-2222-3333-444455556666\n"
                "    port xenbr1    internal      mtu_request 9000  ovs mtu "
                "9000  kernel 9000 (68..65535)  driver -\n"
                "    port bond0  bond active-backup\n"
                "      member eth2  system        mtu_request -     ovs mtu "
                "1500  kernel 1500 (68..9216)   driver ixgbe  pci 8086:10fb\n"
                "      member eth3  system        mtu_request -     ovs mtu "
                "1500  kernel 1500 (68..9216)   driver ixgbe  pci 8086:10fb\n"
                "    port vnet0     vif           mtu_request -     ovs mtu "
                "1500  kernel 1500 (68..65521)  driver tun                   "
                "tag 100  iface-id=2f0c2a0e-aaaa-bbbb-cccc-ddddeeeeffff  "
                "vm-id=0d8e1e5c-1234-5678-9abc-def012345678  "
                "attached-mac=fe:16:3e:00:00:01  iface-status=active\n"
                "    port vx0       tunnel vxlan  mtu_request -     ovs mtu - "
                "    kernel -                                              "
                "error: could not add network device vx0 to ofproto (File "
                "exists)\n"
                "  bridge br-empty (datapath netdev)\n"
                "    no ports\n"
                "Linux bridges\n"
                "  bridge br0      bridge       mtu 1500 (68..65535)   driver "
                "bridge\n"
                "    port vnet1    vif tun      mtu 1500               driver "
                "tun\n"
                "Other links\n"
                "  lo              loopback     mtu 65536\n"
                "  eth0            ether        mtu 1500 (68..9710)    driver "
                "e1000e  pci 8086:15bb  default route\n"
                "  ovs-system      openvswitch  mtu 1500 (68..65535)          "
                "                       down\n"
                "  eth0.100        vlan         mtu 1500 (?..9710)            "
                "                       vlan 100  on eth0  down\n"
                "  vxlan_sys_4789  vxlan        mtu 65000 (68..65465)         "
                "                       ipv6 underlay  master ovs-system  "
                "down\n"
                "  gre1            gre          mtu 1472                      "
                "                       key  down  lro on [fixed]\n"
                "  wg0             wireguard    mtu 1420                    "
                "                         down\n");
    host_destroy(host);

    test_text_one("OVS not reachable, kernel bond in a Linux bridge",
        "{\"hostname\": \"kvm2\", \"sysctls\": {\"tcp_mtu_probing\": 1},\n"
        " \"links\": [\n"
        "  {\"name\": \"eno1\", \"mtu\": 9000, \"min_mtu\": 68,\n"
        "   \"max_mtu\": 9216, \"up\": true, \"master\": \"bond0\",\n"
        "   \"driver\": \"ixgbe\", \"pci\": \"8086:10fb\"},\n"
        "  {\"name\": \"eno2\", \"mtu\": 9000, \"min_mtu\": 68,\n"
        "   \"max_mtu\": 9216, \"up\": true, \"master\": \"bond0\",\n"
        "   \"driver\": \"ixgbe\", \"pci\": \"8086:10fb\"},\n"
        "  {\"name\": \"bond0\", \"kind\": \"bond\", \"mtu\": 9000,\n"
        "   \"min_mtu\": 68, \"max_mtu\": 65535, \"up\": true,\n"
        "   \"master\": \"br0\", \"driver\": \"bonding\"},\n"
        "  {\"name\": \"br0\", \"kind\": \"bridge\", \"mtu\": 9000,\n"
        "   \"min_mtu\": 68, \"max_mtu\": 65535, \"up\": true,\n"
        "   \"driver\": \"bridge\", \"default_route\": true},\n"
        "  {\"name\": \"vnet3\", \"kind\": \"tun\", \"mtu\": 1500,\n"
        "   \"min_mtu\": 68, \"max_mtu\": 65521, \"up\": true,\n"
        "   \"master\": \"br0\", \"driver\": \"tun\"},\n"
        "  {\"name\": \"eth9\", \"mtu\": 1500, \"up\": true,\n"
        "   \"master\": \"ovs-system\", \"driver\": \"virtio_net\"}\n"
        " ],\n"
        " \"ovs\": {\"remote\": \"unix:/run/openvswitch/db.sock\",\n"
        "         \"error\": \"connection refused\"}}\n",
                  NULL,
                  "host kvm2  (tcp_mtu_probing=1)\n"
                  "OVS: not reachable at unix:/run/openvswitch/db.sock: "
                  "connection refused\n"
                  "Linux bridges\n"
                  "  bridge br0      bridge   mtu 9000 (68..65535)  driver "
                  "bridge                     default route\n"
                  "    port bond0    bond     mtu 9000 (68..65535)  driver "
                  "bonding\n"
                  "      slave eno1  ether    mtu 9000 (68..9216)   driver "
                  "ixgbe       pci 8086:10fb\n"
                  "      slave eno2  ether    mtu 9000 (68..9216)   driver "
                  "ixgbe       pci 8086:10fb\n"
                  "    port vnet3    vif tun  mtu 1500 (68..65521)  driver "
                  "tun\n"
                  "Other links\n"
                  "  eth9            ether    mtu 1500              driver "
                  "virtio_net                 master ovs-system\n");
}

int
main(void)
{
    test_write();
    test_defaults();
    test_bad();
    test_strict();
    test_files();
    test_text();
    return test_exit_status();
}
