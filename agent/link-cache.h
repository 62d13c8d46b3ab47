/* Link fact cache, for the daemon: the ethtool and sysfs facts of each
 * link (driver, bus info, LRO, PCI IDs, and the Xen VIF kind that the
 * driver name gives) kept between passes, so that a pass reads them only
 * for the links that are new or that changed since the last one.  At
 * N = 2000 links those reads were most of a pass's system-call time (two
 * ethtool ioctls a link, README "Performance").
 *
 * An entry is keyed by ifindex and name, and is also dropped when the
 * kind that netlink reports is no longer the one it was read under.  The
 * daemon forgets an entry on every RTM_NEWLINK or RTM_DELLINK of its
 * ifindex (link-monitor.h), and everything when the kernel dropped
 * notifications: a NEWLINK says nothing reliable about what changed (an
 * LRO change comes as one, NETDEV_FEAT_CHANGE), so any NEWLINK, the
 * daemon's own MTU changes included, costs a re-read of that link only.
 * One-shot runs do not use it (inventory.h's hook stays unset). */
#ifndef JUMBOAGENT_LINK_CACHE_H
#define JUMBOAGENT_LINK_CACHE_H 1

#include <stddef.h>

struct host;

struct link_cache;

/* Returns a new, empty cache.  Free with link_cache_destroy(). */
struct link_cache *link_cache_create(void);

/* Frees 'cache'.  Accepts NULL. */
void link_cache_destroy(struct link_cache *cache);

/* Forgets what 'cache' knows of the link with 'ifindex' (it changed or
 * went away).  Accepts a NULL 'cache'. */
void link_cache_forget(struct link_cache *cache, int ifindex);

/* Forgets everything in 'cache'.  Accepts NULL. */
void link_cache_clear(struct link_cache *cache);

/* Fills the ethtool and sysfs facts of every link of 'host' (whose links
 * netlink has read): from 'cache' where it knows the link, by reading
 * (ethtool_read_host(), sysfs_read_host()) where it does not; reads the
 * host-wide sysfs facts (sysctls, Xen dom0, host name) every time.
 * Afterwards 'cache' holds exactly the links of 'host'.  Returns the
 * number of links that were read, not taken from the cache. */
size_t link_cache_read_host(struct link_cache *cache, struct host *host);

#endif /* link-cache.h */
