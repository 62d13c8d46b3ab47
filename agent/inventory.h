/* Inventory: reads the live host into the model by running every adapter
 * (netlink, ethtool, sysfs, OVSDB).  The one place that knows the order in
 * which they run. */
#ifndef JUMBOAGENT_INVENTORY_H
#define JUMBOAGENT_INVENTORY_H 1

#include <stdbool.h>

#include "error.h"

struct host;
struct vswitch;

/* Reads the host: kernel links (a failure here is fatal), then OVSDB at
 * 'remote' with a deadline of 'timeout_ms'.  When OVSDB cannot be read and
 * 'ovs_required' is false, the host is still returned with ovs_reachable
 * false and ovs_error saying why; when 'ovs_required' is true that is a
 * failure.
 *
 * On success returns 0 and stores a new host in '*hostp' (free with
 * host_destroy()).  If 'vsp' is nonnull and OVSDB was read, the open
 * connection is handed to the caller in '*vsp' (close with vswitch_close()),
 * else '*vsp' is set to NULL; a connection already in '*vsp' on entry is
 * taken over: kept and brought up to date if it still reads (the daemon's
 * passes), closed otherwise.  On failure returns a negative errno value
 * and describes it in 'err'. */
int inventory_read(const char *remote, int timeout_ms, bool ovs_required,
                   struct host **hostp, struct vswitch **vsp,
                   struct error *err);

/* Makes inventory_read() fill the ethtool and sysfs facts of the links
 * with 'read' (called with the host whose links netlink read, and 'aux')
 * instead of ethtool_read_host() and sysfs_read_host(): the daemon's
 * cache (link-cache.h).  NULL puts the reads back.  One-shot runs never
 * set it. */
void inventory_set_link_facts(void (*read)(struct host *, void *aux),
                              void *aux);

#endif /* inventory.h */
