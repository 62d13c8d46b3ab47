/* Tests of the kernel adapters (netlink.c, ethtool.c, sysfs.c).
 *
 * The sysfs part reads a fixture tree made under /tmp and needs nothing.
 * The rest needs root: the process moves itself into a private network
 * namespace with unshare(CLONE_NEWNET), so the links it makes with "ip"
 * (whose children inherit the namespace) vanish with the process, even if it
 * crashes, and the host's own interfaces are never touched.  Nothing is
 * mounted: /sys still shows the host's links, which is why PCI IDs are only
 * tested on the fixture.
 *
 * Link types the running kernel refuses (GRE, Geneve, IPv6 tunnels on
 * kernels built without them) are reported as skipped.  There is no kernel
 * VLAN test: the kernel this was written on has no dummy, bond or 8021q
 * link types. */
#define _GNU_SOURCE 1

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ethtool.h"
#include "host.h"
#include "netlink.h"
#include "sysfs.h"
#include "testlib.h"
#include "util.h"

/* Runs the printf-style shell command, its output discarded.  Returns true
 * if it exited with status 0. */
static bool __attribute__((format(printf, 1, 2)))
run(const char *fmt, ...)
{
    char cmd[1024];
    va_list args;
    int status;

    va_start(args, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, args);
    va_end(args);
    strncat(cmd, " >/dev/null 2>&1", sizeof cmd - strlen(cmd) - 1);
    status = system(cmd);
    return status == 0;
}

/* Runs the printf-style shell command and checks that it succeeds. */
#define RUN(...) test_report(run(__VA_ARGS__), NULL, __VA_ARGS__)

/* Writes 'text' to file 'path', creating it.  Returns true on success. */
static bool
write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    bool ok;

    if (!file) {
        return false;
    }
    ok = fputs(text, file) >= 0;
    return !fclose(file) && ok;
}

/* Returns the whole standard output of shell command 'cmd', malloc()'d, or
 * NULL. */
static char *
capture(const char *cmd)
{
    FILE *pipe = popen(cmd, "r");
    char *out = NULL;
    size_t n = 0, allocated = 0;
    int c;

    if (!pipe) {
        return NULL;
    }
    while ((c = fgetc(pipe)) != EOF) {
        grow_array((void **) &out, &allocated, n + 2, 1);
        out[n++] = c;
    }
    pclose(pipe);
    if (out) {
        out[n] = '\0';
    }
    return out;
}

/* Builds the fixture tree under 'root': three links (one on PCI, one
 * virtio on PCI, one on the Xen backend bus), sysctls, Xen capabilities and
 * a host name. */
static bool
make_fixture(const char *root)
{
    static const char *const dirs[] = {
        "/sys/class/net/eth9/device",
        "/sys/devices/pci0000:00/0000:00:03.0/virtio0",
        "/sys/class/net/eth7/device",
        "/proc/sys/net/ipv4", "/proc/sys/net/ipv6/conf/all",
        "/proc/sys/kernel", "/proc/xen",
    };
    static const struct {
        const char *path, *text;
    } files[] = {
        { "/sys/class/net/eth9/device/vendor", "0x8086\n" },
        { "/sys/class/net/eth9/device/device", "0x10fb\n" },
        { "/sys/devices/pci0000:00/0000:00:03.0/vendor", "0x1af4\n" },
        { "/sys/devices/pci0000:00/0000:00:03.0/device", "0x1000\n" },
        { "/sys/devices/pci0000:00/0000:00:03.0/virtio0/vendor",
          "0x1af4\n" },
        { "/sys/devices/pci0000:00/0000:00:03.0/virtio0/device",
          "0x0001\n" },
        { "/proc/sys/net/ipv4/ip_forward", "1\n" },
        { "/proc/sys/net/ipv4/tcp_mtu_probing", "2\n" },
        { "/proc/sys/net/ipv6/conf/all/forwarding", "0\n" },
        { "/proc/sys/kernel/hostname", "xcp-host-1\n" },
        { "/proc/xen/capabilities", "control_d\n" },
    };
    static const struct {
        const char *path, *target;
    } links[] = {
        { "/sys/class/net/eth9/device/subsystem", "../../../../bus/pci" },
        { "/sys/devices/pci0000:00/0000:00:03.0/subsystem",
          "../../../bus/pci" },
        { "/sys/devices/pci0000:00/0000:00:03.0/virtio0/subsystem",
          "../../../../bus/virtio" },
        { "/sys/class/net/eth8",
          "../../devices/pci0000:00/0000:00:03.0/virtio0/net/eth8" },
        { "/sys/class/net/eth7/device/subsystem",
          "../../../../bus/xen-backend" },
        /* Links that share eth9's device: only the sysfs reader's kind
         * filter tells them apart. */
        { "/sys/class/net/vnet9", "eth9" },
        { "/sys/class/net/ib9", "eth9" },
    };
    bool ok = true;

    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        ok &= run("mkdir -p '%s%s'", root, dirs[i]);
    }
    ok &= run("mkdir -p '%s/sys/devices/pci0000:00/0000:00:03.0/virtio0/"
              "net/eth8' && ln -s ../.. '%s/sys/devices/pci0000:00/"
              "0000:00:03.0/virtio0/net/eth8/device'", root, root);
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        char *path = xasprintf("%s%s", root, files[i].path);

        ok &= write_file(path, files[i].text);
        free(path);
    }
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        char *path = xasprintf("%s%s", root, links[i].path);

        ok &= symlink(links[i].target, path) == 0;
        free(path);
    }
    return ok;
}

/* sysfs.c on a fixture tree: needs no privileges. */
static void
test_sysfs_fixture(void)
{
    char root[] = "/tmp/test-kernel.XXXXXX";
    struct host *host;
    const struct host_link *link;

    if (!mkdtemp(root)) {
        test_report(false, strerror(errno), "sysfs fixture: mkdtemp");
        return;
    }
    test_report(make_fixture(root), NULL, "sysfs fixture: built in %s",
                root);

    host = host_create();
    host_add_link(host, "eth9");
    host_add_link(host, "eth8");
    host_add_link(host, "eth7");
    host_add_link(host, "missing0");
    host_add_link(host, "vnet9")->kind = LINK_KIND_TUN;
    host_add_link(host, "ib9")->kind = LINK_KIND_OTHER;
    sysfs_set_root(root);
    sysfs_read_host(host);
    sysfs_set_root(NULL);

    link = host_find_link(host, "eth9");
    test_report(link->has_pci && link->pci_vendor == 0x8086
                && link->pci_device == 0x10fb, NULL,
                "sysfs fixture: eth9 is PCI 8086:10fb (got %d %04x:%04x)",
                link->has_pci, link->pci_vendor, link->pci_device);
    link = host_find_link(host, "eth8");
    test_report(link->has_pci && link->pci_vendor == 0x1af4
                && link->pci_device == 0x1000, NULL,
                "sysfs fixture: virtio eth8 is PCI 1af4:1000 (got %d "
                "%04x:%04x)", link->has_pci, link->pci_vendor,
                link->pci_device);
    test_report(!host_find_link(host, "eth7")->has_pci, NULL,
                "sysfs fixture: Xen backend eth7 is not PCI");
    test_report(!host_find_link(host, "missing0")->has_pci, NULL,
                "sysfs fixture: a link without sysfs is not PCI");
    test_report(!host_find_link(host, "vnet9")->has_pci, NULL,
                "sysfs fixture: a tap is never looked up in sysfs, even "
                "where sysfs would say PCI");
    test_report(host_find_link(host, "ib9")->has_pci, NULL,
                "sysfs fixture: a link of an unknown kind is looked up");
    test_report(host->sysctls.ip_forward == 1, NULL,
                "sysfs fixture: ip_forward 1 (got %d)",
                host->sysctls.ip_forward);
    test_report(host->sysctls.tcp_mtu_probing == 2, NULL,
                "sysfs fixture: tcp_mtu_probing 2 (got %d)",
                host->sysctls.tcp_mtu_probing);
    test_report(host->sysctls.ipv6_forwarding == 0, NULL,
                "sysfs fixture: ipv6 forwarding 0 (got %d)",
                host->sysctls.ipv6_forwarding);
    test_report(host->sysctls.ipv6_disabled == -1, NULL,
                "sysfs fixture: missing disable_ipv6 is -1 (got %d)",
                host->sysctls.ipv6_disabled);
    test_report(host->xen_dom0, NULL, "sysfs fixture: xen dom0");
    test_streq("xcp-host-1", host->hostname, "sysfs fixture: hostname");
    host_destroy(host);

    test_report(run("rm -rf '%s'", root), NULL,
                "sysfs fixture: removed");
}

/* Finds the object of link 'name' in the JSON of "ip -j -d link show"
 * 'json': returns a malloc()'d copy of it, or NULL.  A crude reading that
 * relies on every object starting with "{"ifindex":". */
static char *
ip_json_object(const char *json, const char *name)
{
    char *key = xasprintf("\"ifname\":\"%s\",", name);
    const char *hit = strstr(json, key);
    const char *start = NULL, *end, *p;
    char *object = NULL;

    free(key);
    if (!hit) {
        return NULL;
    }
    for (p = json; (p = strstr(p, "{\"ifindex\":")) && p < hit; p++) {
        start = p;
    }
    if (start) {
        end = strstr(hit, "{\"ifindex\":");
        end = end ? end : start + strlen(start);
        object = xmalloc(end - start + 1);
        memcpy(object, start, end - start);
        object[end - start] = '\0';
    }
    return object;
}

/* True if JSON object text 'object' has '"key":value' with the unsigned
 * 'value' (and no more digits after it). */
static bool
json_has_uint(const char *object, const char *key, unsigned int value)
{
    char *needle = xasprintf("\"%s\":%u", key, value);
    const char *hit = strstr(object, needle);
    bool ok = hit && !strchr("0123456789", hit[strlen(needle)]);

    free(needle);
    return ok;
}

/* True if JSON object text 'object' has '"key":"value"'. */
static bool
json_has_string(const char *object, const char *key, const char *value)
{
    char *needle = xasprintf("\"%s\":\"%s\"", key, value);
    bool ok = strstr(object, needle) != NULL;

    free(needle);
    return ok;
}

/* Compares what the adapters read for every link of 'host' with what "ip -j
 * -d link show" says. */
static void
cross_check_ip(const struct host *host)
{
    char *json = capture("ip -j -d link show");

    if (!test_report(json != NULL, NULL, "ip -j -d link show ran")) {
        return;
    }
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];
        char *object = ip_json_object(json, link->name);
        bool ok;

        if (!test_report(object != NULL, NULL, "ip: %s is listed",
                         link->name)) {
            continue;
        }
        ok = (json_has_uint(object, "ifindex", link->ifindex)
              && json_has_uint(object, "mtu", link->mtu)
              && json_has_uint(object, "min_mtu", link->min_mtu)
              && json_has_uint(object, "max_mtu", link->max_mtu)
              && (!link->kind_name[0]
                  || json_has_string(object, "info_kind", link->kind_name))
              && (!link->master[0]
                  || json_has_string(object, "master", link->master))
              && (!link->mac[0]
                  || json_has_string(object, "address", link->mac)));
        test_report(ok, object, "ip agrees on %s: ifindex %d mtu %u min %u "
                    "max %u kind '%s' master '%s' mac %s", link->name,
                    link->ifindex, link->mtu, link->min_mtu, link->max_mtu,
                    link->kind_name, link->master, link->mac);
        free(object);
    }
    free(json);
}

/* Checks the fields of link 'name' of 'host' that every test link has. */
static const struct host_link *
check_link(const struct host *host, const char *name, enum link_kind kind,
           const char *kind_name, unsigned int mtu, unsigned int max_mtu)
{
    const struct host_link *link = host_find_link(host, name);

    if (!test_report(link != NULL, NULL, "read: %s is there", name)) {
        return NULL;
    }
    test_streq(link_kind_to_string(kind), link_kind_to_string(link->kind),
               "read: %s kind", name);
    test_streq(kind_name, link->kind_name, "read: %s kind_name", name);
    test_report(link->mtu == mtu, NULL, "read: %s mtu %u (got %u)", name,
                mtu, link->mtu);
    test_report(link->min_mtu == 68, NULL, "read: %s min_mtu 68 (got %u)",
                name, link->min_mtu);
    test_report(link->max_mtu == max_mtu, NULL,
                "read: %s max_mtu %u (got %u)", name, max_mtu,
                link->max_mtu);
    test_report(strlen(link->mac) == 17, NULL, "read: %s mac '%s'", name,
                link->mac);
    test_report(link->ifindex > 1, NULL, "read: %s ifindex %d", name,
                link->ifindex);
    test_report(!link->has_pci, NULL, "read: %s is not PCI", name);
    return link;
}

/* Reads the whole host (netlink, ethtool, sysfs) into a new host. */
static struct host *
read_host(void)
{
    struct host *host = host_create();
    struct error err;
    int error;

    error_clear(&err);
    error = netlink_read_links(host, &err);
    test_report(!error, err.msg, "netlink_read_links");
    ethtool_read_host(host);
    sysfs_read_host(host);
    return host;
}

/* Builds the links, reads them and checks what was read. */
static void
test_read(bool *have_gretap, bool *have_vx6)
{
    bool have_ipv6 = (write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6",
                                 "0\n")
                      && write_file("/proc/sys/net/ipv6/conf/default/"
                                    "disable_ipv6", "0\n"));
    const struct host_link *link;
    char hostname[64] = "";
    struct host *host;
    bool sorted = true;

    RUN("ip link add ve0 type veth peer name ve1");
    RUN("ip link set ve0 mtu 9000");
    RUN("ip link add br0 type bridge");
    RUN("ip link add vp0 type veth peer name vp1");
    RUN("ip link set vp0 master br0");
    RUN("ip tuntap add dev tap0 mode tap");
    RUN("ip link set tap0 master br0");
    RUN("ip link add mv0 link ve1 type macvlan mode bridge");
    RUN("ip link add vx4 type vxlan id 4 remote 198.51.100.2 dstport 4789 "
        "dev ve0");
    *have_vx6 = have_ipv6 && run("ip link add vx6 type vxlan id 6 local "
                                 "fd00::1 dstport 4789 dev ve1");
    *have_gretap = run("ip link add gt0 type gretap local 192.0.2.1 "
                       "remote 192.0.2.2 key 42");
    RUN("ip addr add 192.0.2.1/24 dev ve0");
    RUN("ip link set ve0 up");
    RUN("ip link set ve1 up");
    RUN("ip route add default via 192.0.2.254");
    if (have_ipv6) {
        RUN("ip link set vp1 up");
        RUN("ip -6 addr add 2001:db8::1/64 dev vp1 nodad");
        RUN("ip -6 route add default via 2001:db8::fe dev vp1");
    }
    /* Per namespace, so these writes touch only ours. */
    test_report(write_file("/proc/sys/net/ipv4/ip_forward", "1\n")
                && write_file("/proc/sys/net/ipv4/tcp_mtu_probing", "1\n"),
                NULL, "sysctls written in the private namespace");

    host = read_host();

    for (size_t i = 1; i < host->n_links; i++) {
        sorted &= host->links[i - 1].ifindex < host->links[i].ifindex;
    }
    test_report(sorted, NULL, "read: %zu links sorted by ifindex",
                host->n_links);
    {
        /* ethtool_read_host() looks LRO up once and reuses where it
         * lives: each link must read as a lookup of its own says. */
        bool same = true;

        for (size_t i = 0; i < host->n_links; i++) {
            const struct host_link *l = &host->links[i];
            enum lro_state own = LRO_UNKNOWN;
            struct error lro_err;

            error_clear(&lro_err);
            if (ethtool_get_lro(l->name, &own, &lro_err)) {
                own = LRO_UNKNOWN;
            }
            if (own != l->lro) {
                same = false;
                printf("# %s: lro %s in the read, %s on its own\n",
                       l->name, lro_state_to_string(l->lro),
                       lro_state_to_string(own));
            }
        }
        test_report(same, NULL, "ethtool: the LRO of each of the %zu links "
                    "read with one lookup of the features string set is "
                    "what a lookup of its own gives", host->n_links);
    }

    link = host_find_link(host, "lo");
    if (test_report(link != NULL, NULL, "read: lo is there")) {
        test_streq("loopback", link_kind_to_string(link->kind),
                   "read: lo kind");
        test_report(link->mtu == 65536, NULL, "read: lo mtu 65536");
        test_report(!link->default_route, NULL, "read: lo no default");
    }

    link = check_link(host, "ve0", LINK_KIND_VETH, "veth", 9000, 65535);
    if (link) {
        test_report(link->up, NULL, "read: ve0 is up");
        test_streq("", link->lower, "read: veth peer is not a lower");
        test_streq("", link->master, "read: ve0 has no master");
        test_report(link->default_route, NULL,
                    "read: IPv4 default route leaves by ve0");
        test_streq("veth", link->driver, "ethtool: ve0 driver");
        test_report(link->lro != LRO_UNKNOWN, NULL, "ethtool: ve0 lro %s",
                    lro_state_to_string(link->lro));
    }
    link = check_link(host, "ve1", LINK_KIND_VETH, "veth", 1500, 65535);
    if (link) {
        test_report(!link->default_route, NULL, "read: ve1 no default");
    }
    link = check_link(host, "br0", LINK_KIND_BRIDGE, "bridge", 1500, 65535);
    if (link) {
        test_streq("bridge", link->driver, "ethtool: br0 driver");
        test_report(!link->up, NULL, "read: br0 is down");
        test_streq("down", link->operstate, "read: br0 operstate");
    }
    link = check_link(host, "vp0", LINK_KIND_VETH, "veth", 1500, 65535);
    if (link) {
        test_streq("br0", link->master, "read: vp0 master");
    }
    link = check_link(host, "vp1", LINK_KIND_VETH, "veth", 1500, 65535);
    if (link && have_ipv6) {
        test_report(link->default_route, NULL,
                    "read: IPv6 default route leaves by vp1");
    }
    link = check_link(host, "tap0", LINK_KIND_TUN, "tun", 1500, 65521);
    if (link) {
        test_streq("br0", link->master, "read: tap0 master");
        test_streq("tun", link->driver, "ethtool: tap0 driver");
        test_streq("tap", link->bus_info, "ethtool: tap0 bus_info");
    }
    link = check_link(host, "mv0", LINK_KIND_MACVLAN, "macvlan", 1500,
                      65535);
    if (link) {
        test_streq("ve1", link->lower, "read: mv0 lower");
        test_report(!link->tunnel_ipv6 && !link->tunnel_key, NULL,
                    "read: mv0 is no tunnel");
    }
    link = host_find_link(host, "vx4");
    if (test_report(link != NULL, NULL, "read: vx4 is there")) {
        test_streq("vxlan", link_kind_to_string(link->kind), "read: vx4");
        test_streq("ve0", link->lower, "read: vx4 lower from VXLAN_LINK");
        test_report(!link->tunnel_ipv6, NULL, "read: vx4 is IPv4");
        test_report(link->vlan_id == 0, NULL, "read: vx4 has no VLAN id");
    }
    link = host_find_link(host, "vx6");
    if (!*have_vx6) {
        printf("ok - read: vx6 # SKIP the kernel refused an IPv6 vxlan\n");
    } else if (test_report(link != NULL, NULL, "read: vx6 is there")) {
        test_streq("ve1", link->lower, "read: vx6 lower");
        test_report(link->tunnel_ipv6, NULL, "read: vx6 is IPv6");
    }
    link = host_find_link(host, "gt0");
    if (!*have_gretap) {
        printf("ok - read: gretap # SKIP the kernel has no gretap\n");
    } else if (test_report(link != NULL, NULL, "read: gt0 is there")) {
        test_streq("gretap", link_kind_to_string(link->kind), "read: gt0");
        test_report(link->tunnel_key, NULL, "read: gt0 has a key");
        test_report(!link->tunnel_ipv6, NULL, "read: gt0 is IPv4");
    }

    test_report(host->sysctls.ip_forward == 1, NULL,
                "sysfs: ip_forward 1 (got %d)", host->sysctls.ip_forward);
    test_report(host->sysctls.tcp_mtu_probing == 1, NULL,
                "sysfs: tcp_mtu_probing 1 (got %d)",
                host->sysctls.tcp_mtu_probing);
    if (have_ipv6) {
        test_report(host->sysctls.ipv6_disabled == 0, NULL,
                    "sysfs: disable_ipv6 0 (got %d)",
                    host->sysctls.ipv6_disabled);
        test_report(host->sysctls.ipv6_forwarding == 0, NULL,
                    "sysfs: ipv6 forwarding 0 (got %d)",
                    host->sysctls.ipv6_forwarding);
    }
    gethostname(hostname, sizeof hostname - 1);
    test_streq(hostname, host->hostname, "sysfs: hostname");
    test_report(host->xen_dom0 == run("grep -q control_d "
                                      "/proc/xen/capabilities"), NULL,
                "sysfs: xen_dom0 %d", host->xen_dom0);

    cross_check_ip(host);
    host_destroy(host);
}

/* netlink_set_mtu(), netlink_get_mtu() and netlink_set_up(). */
static void
test_change(void)
{
    struct host *host;
    struct error err;
    unsigned int mtu = 0;
    char *out;
    int error;

    error_clear(&err);
    error = netlink_set_mtu("ve1", 4000, &err);
    test_report(!error, err.msg, "set_mtu: ve1 to 4000");
    error = netlink_get_mtu("ve1", &mtu, &err);
    test_report(!error && mtu == 4000, err.msg,
                "get_mtu: ve1 is 4000 (got %u)", mtu);
    out = capture("ip -j link show ve1");
    test_report(out && json_has_uint(out, "mtu", 4000), out,
                "ip: ve1 mtu 4000");
    free(out);

    error_clear(&err);
    error = netlink_set_mtu("mv0", 9000, &err);
    test_report(error == -EINVAL, err.msg,
                "set_mtu: macvlan above its lower fails (%d)", error);
    test_streq("Failed to set MTU of 'mv0' to 9000: Invalid argument",
               err.msg, "set_mtu: macvlan message");
    test_report(err.code == error, NULL, "set_mtu: err.code");
    error = netlink_get_mtu("mv0", &mtu, &err);
    test_report(!error && mtu == 1500, err.msg,
                "get_mtu: mv0 still 1500 (got %u)", mtu);
    error = netlink_set_mtu("mv0", 4000, &err);
    test_report(!error, err.msg, "set_mtu: macvlan up to its lower");

    error_clear(&err);
    error = netlink_set_mtu("ve0", 70000, &err);
    test_report(error == -EINVAL, err.msg,
                "set_mtu: 70000 on a veth fails (%d)", error);
    test_streq("Failed to set MTU of 've0' to 70000: Invalid argument "
               "(mtu greater than device maximum)", err.msg,
               "set_mtu: veth message carries the kernel's reason");
    error = netlink_set_mtu("ve0", 67, &err);
    test_report(error == -EINVAL && strstr(err.msg, "mtu less than device "
                                           "minimum"), err.msg,
                "set_mtu: 67 on a veth fails (%d)", error);

    error_clear(&err);
    error = netlink_set_mtu("nosuch0", 1500, &err);
    test_report(error == -ENODEV, err.msg,
                "set_mtu: missing link fails (%d)", error);
    test_streq("Failed to set MTU of 'nosuch0' to 1500: No such device",
               err.msg, "set_mtu: missing link message");
    error = netlink_get_mtu("nosuch0", &mtu, &err);
    test_report(error == -ENODEV, err.msg,
                "get_mtu: missing link fails (%d)", error);
    test_streq("Cannot read the state of 'nosuch0': No such device", err.msg,
               "get_mtu: missing link message");
    error = netlink_get_mtu("a-name-too-long-for-linux", &mtu, &err);
    test_report(error == -EINVAL, err.msg,
                "get_mtu: overlong name fails (%d)", error);
    test_streq("Cannot read the state of 'a-name-too-long-for-linux': Invalid "
               "argument (interface names have at most 15 characters)",
               err.msg, "get_mtu: overlong name message");

    error = netlink_set_up("mv0", true, &err);
    test_report(!error, err.msg, "set_up: mv0 up");
    out = capture("ip -j link show mv0");
    test_report(out && strstr(out, "\"UP\""), out, "ip: mv0 is UP");
    free(out);
    error = netlink_set_up("br0", true, &err);
    test_report(!error, err.msg, "set_up: br0 up");
    {
        struct netlink_link_state state;

        error = netlink_get_state("mv0", &state, &err);
        test_report(!error && state.admin_up, err.msg,
                    "get_state: mv0 is administratively up");
        error = netlink_get_state("ve1", &state, &err);
        test_report(!error && state.mtu == 4000, err.msg,
                    "get_state: ve1 mtu %u", state.mtu);
    }
    error = netlink_set_up("mv0", false, &err);
    test_report(!error, err.msg, "set_up: mv0 down");
    {
        struct netlink_link_state state;

        error = netlink_get_state("mv0", &state, &err);
        test_report(!error && !state.admin_up && !state.oper_up, err.msg,
                    "get_state: mv0 is down, not operationally up");
    }
    error = netlink_set_up("nosuch0", true, &err);
    test_report(error == -ENODEV, err.msg,
                "set_up: missing link fails (%d)", error);

    host = read_host();
    test_report(host_find_link(host, "ve1")->mtu == 4000, NULL,
                "read: ve1 mtu now 4000");
    test_report(host_find_link(host, "mv0")->mtu == 4000, NULL,
                "read: mv0 mtu now 4000");
    test_report(!host_find_link(host, "mv0")->up, NULL,
                "read: mv0 down again");
    test_report(host_find_link(host, "br0")->up, NULL, "read: br0 up");
    host_destroy(host);
}

/* ethtool_get_lro() and ethtool_set_lro() on a veth. */
static void
test_lro(void)
{
    enum lro_state state = LRO_STATE_MAX;
    struct error err;
    int error;

    error_clear(&err);
    error = ethtool_get_lro("ve0", &state, &err);
    test_report(!error && state != LRO_UNKNOWN, err.msg,
                "get_lro: ve0 is %s", lro_state_to_string(state));

    if (state == LRO_FIXED_OFF) {
        error = ethtool_set_lro("ve0", false, &err);
        test_report(!error, err.msg, "set_lro: off when fixed off is a no-op");
        error = ethtool_set_lro("ve0", true, &err);
        test_report(error == -EOPNOTSUPP, err.msg,
                    "set_lro: on when fixed off fails (%d)", error);
        test_streq("Failed to turn LRO of 've0' on: it is off [fixed] and "
                   "the driver does not let it change", err.msg,
                   "set_lro: fixed message");
    } else if (state == LRO_ON || state == LRO_OFF) {
        bool was_on = state == LRO_ON;

        error = ethtool_set_lro("ve0", !was_on, &err);
        test_report(!error, err.msg, "set_lro: ve0 toggled");
        ethtool_get_lro("ve0", &state, &err);
        test_report((state == LRO_ON) == !was_on, NULL,
                    "get_lro: ve0 now %s", lro_state_to_string(state));
        error = ethtool_set_lro("ve0", was_on, &err);
        test_report(!error, err.msg, "set_lro: ve0 restored");
    }

    error = ethtool_get_lro("nosuch0", &state, &err);
    test_report(error == -ENODEV, err.msg,
                "get_lro: missing link fails (%d)", error);
    test_streq("Cannot read LRO state of 'nosuch0': No such device",
               err.msg, "get_lro: missing link message");
    error = ethtool_set_lro("nosuch0", true, &err);
    test_report(error == -ENODEV, err.msg,
                "set_lro: missing link fails (%d)", error);
}

int
main(void)
{
    bool have_gretap, have_vx6;

    test_sysfs_fixture();

    if (geteuid() != 0) {
        printf("ok - # SKIP not root\n");
        return test_exit_status();
    }
    if (unshare(CLONE_NEWNET)) {
        printf("ok - # SKIP cannot make a network namespace: %s\n",
               strerror(errno));
        return test_exit_status();
    }
    if (!run("ip -V")) {
        printf("ok - # SKIP no ip command\n");
        return test_exit_status();
    }

    test_read(&have_gretap, &have_vx6);
    test_change();
    test_lro();
    return test_exit_status();
}
