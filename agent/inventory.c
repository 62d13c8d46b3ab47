/* Inventory: see inventory.h. */
#include "inventory.h"

#include <stddef.h>

#include "ethtool.h"
#include "host.h"
#include "netlink.h"
#include "sysfs.h"
#include "util.h"
#include "vswitch.h"
#include "xen-guest.h"

int
inventory_read(const char *remote, int timeout_ms, bool ovs_required,
               struct host **hostp, struct vswitch **vsp, struct error *err)
{
    struct vswitch *vs = NULL;
    struct host *host = host_create();
    struct error ovs_err;
    int error;

    if (vsp) {
        *vsp = NULL;
    }
    error = netlink_read_links(host, err);
    if (error) {
        host_destroy(host);
        return error;
    }
    ethtool_read_host(host);
    sysfs_read_host(host);
    xen_guest_read_host(host);

    copy_string(host->ovs_remote, remote, sizeof host->ovs_remote);
    error_clear(&ovs_err);
    error = vswitch_open(remote, timeout_ms, &vs, &ovs_err);
    if (!error) {
        error = vswitch_read(vs, host, &ovs_err);
    }
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
    }
    *hostp = host;
    return 0;
}
