/* Link monitor: a netlink route socket subscribed to the kernel's link
 * notifications (RTNLGRP_LINK), for the daemon: a new tap, vnet or vif
 * device, a link that went into or out of a bridge, an MTU that someone
 * else changed.  It says that something happened, which link (for the
 * link cache, link-cache.h) and whether it is only what the last pass
 * did; the daemon's pass reads the host again.  Raw netlink, no libnl:
 * one socket, nonblocking, that the daemon's poll() waits on. */
#ifndef JUMBOAGENT_LINK_MONITOR_H
#define JUMBOAGENT_LINK_MONITOR_H 1

#include "error.h"

#include <stdbool.h>
#include <stddef.h>

#include "host.h"

struct link_cache;

/* The state in which a pass left a link it set the MTU of: a
 * notification that shows exactly this is the pass's own change. */
struct link_monitor_own {
    int ifindex;
    char name[HOST_NAME_SIZE];
    unsigned int mtu;           /* The MTU the pass set. */
    int master_ifindex;         /* IFLA_MASTER as the pass read it, or 0. */
    bool up;                    /* IFF_UP as the pass read it. */
};

/* Opens the socket and stores it in '*fdp' (close with
 * link_monitor_close()).  Returns 0, or a negative errno value with a
 * message. */
int link_monitor_open(int *fdp, struct error *err);

/* Reads every notification queued on 'fd' without blocking, and makes
 * 'cache' (may be NULL) forget each link that a message names, or
 * everything if the kernel dropped some.  Returns the number of link
 * messages read (RTM_NEWLINK, RTM_DELLINK) that are not in 'own' (the
 * 'n_own' links that a pass just set, see struct link_monitor_own; may be
 * NULL) and do not show a new tap (down, in no bridge: nothing any network
 * can claim yet), 1 if the kernel dropped some (ENOBUFS: the socket overflowed, so
 * assume a change), or a negative errno value with a message. */
int link_monitor_drain(int fd, struct link_cache *cache,
                       const struct link_monitor_own *own, size_t n_own,
                       struct error *err);

/* Closes 'fd'.  Accepts -1. */
void link_monitor_close(int fd);

#endif /* link-monitor.h */
