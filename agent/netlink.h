/* Netlink adapter (libnl-3 route): reads kernel links into the host model
 * and changes a link's MTU or up/down state.  The only file that includes
 * libnl.  Works in the network namespace the process runs in.  Errors are
 * negative errno values: a refusal by the kernel keeps the kernel's own
 * error and its extended-ack reason in the message, and an error raised
 * inside libnl (-NLE_*) is mapped to an errno and keeps nl_geterror()'s
 * text. */
#ifndef JUMBOAGENT_NETLINK_H
#define JUMBOAGENT_NETLINK_H 1

#include <stdbool.h>
#include <stddef.h>

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

/* What netlink_get_state() reads of one link. */
struct netlink_link_state {
    unsigned int mtu;
    bool admin_up;              /* IFF_UP. */
    bool oper_up;               /* Operational state "up" (carrier). */
};

/* Reads the MTU and the up/down state of 'ifname' into '*state'.  Returns 0
 * or a negative errno value (-ENODEV when there is no such link). */
int netlink_get_state(const char *ifname, struct netlink_link_state *state,
                      struct error *err);

/* Reads the MTU and the up/down state of each of the 'n' links named in
 * 'names' with one dump of the kernel's links (not one request per link):
 * 'states[i]' and 'found[i]' (false: there is no such link) for
 * 'names[i]'.  The caller owns all three arrays.  Returns 0 or a negative
 * errno value with 'err' set, when the dump failed as a whole. */
int netlink_get_states(const char *const *names, size_t n,
                       struct netlink_link_state *states, bool *found,
                       struct error *err);

/* Waits until link 'ifname' is operationally up (carrier), for at most
 * 'timeout_ms', on the kernel's link notifications (no polling loop: it
 * returns as soon as the kernel says so).  Returns 0, -ETIMEDOUT without a
 * message (the caller says what it waited for), or another negative errno
 * value with 'err' set (-ENODEV: no such link, or it was deleted). */
int netlink_wait_carrier(const char *ifname, int timeout_ms,
                         struct error *err);

/* Sets link 'ifname' administratively up ('up') or down. */
int netlink_set_up(const char *ifname, bool up, struct error *err);

#endif /* netlink.h */
