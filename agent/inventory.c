/* Inventory: see inventory.h. */
#include "inventory.h"

#include <malloc.h>
#include <stddef.h>

#include "ethtool.h"
#include "host.h"
#include "libvirt.h"
#include "log.h"
#include "netlink.h"
#include "sysfs.h"
#include "util.h"
#include "vswitch.h"
#include "xen-guest.h"

static void (*inventory_link_facts)(struct host *, void *aux);
static void *inventory_link_facts_aux;

void
inventory_set_link_facts(void (*read)(struct host *, void *aux), void *aux)
{
    inventory_link_facts = read;
    inventory_link_facts_aux = aux;
}

/* Fills the VM name and guest NIC model of 'host''s taps from libvirt's
 * live XML.  What cannot be read is a warning, never a failure of the run:
 * the guest facts only add findings. */
static void
inventory_read_libvirt(struct host *host)
{
    struct libvirt_nics nics = { .n = 0 };
    struct error err;

    error_clear(&err);
    if (libvirt_read_dir(libvirt_dir(), &nics, &err)) {
        log_warn("guest NIC models: %s", err.msg);
    }
    libvirt_fill_host(&nics, host);
    libvirt_nics_destroy(&nics);
}

int
inventory_read(const char *remote, int timeout_ms, bool ovs_required,
               struct host **hostp, struct vswitch **vsp, struct error *err)
{
    struct vswitch *vs = vsp ? *vsp : NULL;
    struct host *host = host_create();
    struct error ovs_err;
    int error;

    if (vsp) {
        *vsp = NULL;
    }
    /* A new connection starts first: ovsdb-server prepares the tables
     * (at N=2000 taps, a third of an audit's time) while the kernel is
     * read. */
    if (!vs) {
        vs = vswitch_start(remote);
    }
    error = netlink_read_links(host, err);
    if (error) {
        host_destroy(host);
        vswitch_close(vs);
        return error;
    }
    vswitch_poke(vs);
    if (inventory_link_facts) {
        inventory_link_facts(host, inventory_link_facts_aux);
    } else {
        ethtool_read_host(host);
        sysfs_read_host(host);
    }
    inventory_read_libvirt(host);
    xen_guest_read_host(host);

    copy_string(host->ovs_remote, remote, sizeof host->ovs_remote);
    error_clear(&ovs_err);
    error = vswitch_reread(remote, timeout_ms, &vs, host, &ovs_err);
    if (error) {
        vswitch_close(vs);
        if (ovs_required) {
            host_destroy(host);
            return error_set(err, error, "%s", ovs_err.msg);
        }
        host->ovs_reachable = false;
        copy_string(host->ovs_error, ovs_err.msg, sizeof host->ovs_error);
        *hostp = host;
        return 0;
    }
    if (vsp) {
        *vsp = vs;
    } else {
        vswitch_close(vs);
        malloc_trim(0);
    }
    *hostp = host;
    return 0;
}
