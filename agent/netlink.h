/* Netlink adapter (libnl-3 route): reads kernel links into the host model
 * and changes a link's MTU or up/down state.  The only file that includes
 * libnl.  Works in the network namespace the process runs in.  libnl's
 * -NLE_* codes are turned into negative errno values here, and the message
 * keeps nl_geterror()'s text. */
#ifndef JUMBOAGENT_NETLINK_H
#define JUMBOAGENT_NETLINK_H 1

#include <stdbool.h>

#include "error.h"

struct host;

/* Appends every kernel link to 'host->links' with name, ifindex, kind,
 * kind_name, mtu, min_mtu, max_mtu, up, operstate, mac, master, lower,
 * vlan_id, tunnel_ipv6, tunnel_key and default_route filled in.  Returns 0
 * or a negative errno value with 'err' set. */
int netlink_read_links(struct host *host, struct error *err);

/* Sets the MTU of link 'ifname' to 'mtu'.  Returns 0 or a negative errno
 * value; the message names the link, the change and the kernel's reason
 * ("Failed to set MTU of 'eth1' to 9000: Invalid argument"). */
int netlink_set_mtu(const char *ifname, unsigned int mtu, struct error *err);

/* Reads the current MTU of 'ifname' into '*mtup'.  Returns 0 or a negative
 * errno value. */
int netlink_get_mtu(const char *ifname, unsigned int *mtup, struct error *err);

/* Sets link 'ifname' administratively up ('up') or down. */
int netlink_set_up(const char *ifname, bool up, struct error *err);

#endif /* netlink.h */
