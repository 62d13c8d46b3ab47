/* sysfs/procfs adapter: see sysfs.h.
 *
 * Every path is the real one ("/sys/class/net/eth0/device/vendor") with the
 * root prefix in front.  /proc/sys/net is per network namespace: it shows the
 * namespace of the process that reads it, the one whose links netlink.c
 * reads.  /sys/class/net, by contrast, shows the namespace of whoever mounted
 * /sys; on a hypervisor's host namespace the two are the same. */
#include "sysfs.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "util.h"

static char *sysfs_root;        /* Prefix for every path, NULL for none. */

void
sysfs_set_root(const char *root)
{
    free(sysfs_root);
    sysfs_root = root && root[0] ? xstrdup(root) : NULL;
}

/* Returns the malloc()'d path of the printf-style 'fmt' under the root
 * prefix.  The caller must free it. */
static char * __attribute__((format(printf, 1, 2)))
make_path(const char *fmt, ...)
{
    char path[PATH_MAX];
    va_list args;

    va_start(args, fmt);
    vsnprintf(path, sizeof path, fmt, args);
    va_end(args);
    return xasprintf("%s%s", sysfs_root ? sysfs_root : "", path);
}

/* Reads the first line of 'path' (without its newline) into 'buf' of 'size'
 * bytes.  Returns true on success. */
static bool
read_line(const char *path, char *buf, size_t size)
{
    FILE *file = fopen(path, "re");
    bool ok;

    if (!file) {
        return false;
    }
    ok = fgets(buf, size, file) != NULL;
    fclose(file);
    if (ok) {
        buf[strcspn(buf, "\n")] = '\0';
    }
    return ok;
}

/* Reads the unsigned number (decimal, or hex with "0x") of file 'path' into
 * '*valuep'.  Returns true on success. */
static bool
read_number(const char *path, unsigned long *valuep)
{
    char line[64];
    char *end;

    if (!read_line(path, line, sizeof line)) {
        return false;
    }
    errno = 0;
    *valuep = strtoul(line, &end, 0);
    return !errno && end != line && (*end == '\0' || *end == ' ');
}

/* Returns the value of sysctl file 'path' (under /proc/sys), or -1 if it
 * cannot be read. */
static int
read_sysctl(const char *path)
{
    char *full = make_path("/proc/sys/%s", path);
    unsigned long value;
    bool ok = read_number(full, &value);

    free(full);
    return ok && value <= INT_MAX ? (int) value : -1;
}

/* True if the symlink 'path' points to a directory named 'name'. */
static bool
link_basename_is(const char *path, const char *name)
{
    char target[PATH_MAX];
    ssize_t len = readlink(path, target, sizeof target - 1);
    const char *base;

    if (len < 0) {
        return false;
    }
    target[len] = '\0';
    base = strrchr(target, '/');
    return !strcmp(base ? base + 1 : target, name);
}

/* Reads PCI IDs of 'link' from 'dir', a PCI device directory, if its
 * subsystem is PCI.  Returns true if it found them. */
static bool
read_pci_ids(struct host_link *link, const char *dir)
{
    unsigned long vendor, device;
    char *path;
    bool ok;

    path = xasprintf("%s/subsystem", dir);
    ok = link_basename_is(path, "pci");
    free(path);
    if (!ok) {
        return false;
    }

    path = xasprintf("%s/vendor", dir);
    ok = read_number(path, &vendor) && vendor <= 0xffff;
    free(path);
    if (ok) {
        path = xasprintf("%s/device", dir);
        ok = read_number(path, &device) && device <= 0xffff;
        free(path);
    }
    if (ok) {
        link->has_pci = true;
        link->pci_vendor = vendor;
        link->pci_device = device;
    }
    return ok;
}

/* Fills the PCI IDs of 'link': its device, or for virtio (whose device is
 * "virtioN", a child of the PCI function) the device's parent. */
static void
read_link_pci(struct host_link *link)
{
    char *dir = make_path("/sys/class/net/%s/device", link->name);

    if (!read_pci_ids(link, dir)) {
        char *parent = xasprintf("%s/..", dir);
        char *subsystem = xasprintf("%s/subsystem", dir);

        if (link_basename_is(subsystem, "virtio")) {
            read_pci_ids(link, parent);
        }
        free(subsystem);
        free(parent);
    }
    free(dir);
}

/* True if /proc/xen/capabilities says this is the control domain. */
static bool
read_xen_dom0(void)
{
    char *path = make_path("/proc/xen/capabilities");
    char line[256];
    bool dom0 = (read_line(path, line, sizeof line)
                 && strstr(line, "control_d") != NULL);

    free(path);
    return dom0;
}

/* Fills 'hostname' of 'size' bytes: the kernel's host name, or under a root
 * prefix the file that stands for it. */
static void
read_hostname(char *hostname, size_t size)
{
    if (sysfs_root) {
        char *path = make_path("/proc/sys/kernel/hostname");

        if (!read_line(path, hostname, size)) {
            hostname[0] = '\0';
        }
        free(path);
    } else if (gethostname(hostname, size)) {
        hostname[0] = '\0';
    } else {
        hostname[size - 1] = '\0';
    }
}

/* True if 'link' may sit on a PCI (or virtio) device: a link with no rtnl
 * kind (a NIC) or one of a kind we do not know (ipoib, say).  Veths, taps,
 * bridges, bonds, VLANs, tunnels, the loopback and Xen backends never do,
 * and a host of N VMs has N of them: skipping them keeps the sysfs reads
 * proportional to the NICs, not to the VMs. */
static bool
link_may_be_pci(const struct host_link *link)
{
    return link->kind == LINK_KIND_ETHER || link->kind == LINK_KIND_OTHER;
}

void
sysfs_read_host(struct host *host)
{
    for (size_t i = 0; i < host->n_links; i++) {
        if (link_may_be_pci(&host->links[i])) {
            read_link_pci(&host->links[i]);
        }
    }
    host->sysctls.ip_forward = read_sysctl("net/ipv4/ip_forward");
    host->sysctls.ipv6_forwarding = read_sysctl(
        "net/ipv6/conf/all/forwarding");
    host->sysctls.tcp_mtu_probing = read_sysctl("net/ipv4/tcp_mtu_probing");
    host->sysctls.ipv6_disabled = read_sysctl(
        "net/ipv6/conf/all/disable_ipv6");
    host->xen_dom0 = read_xen_dom0();
    read_hostname(host->hostname, sizeof host->hostname);
}
