/* ethtool adapter (SIOCETHTOOL ioctls): driver name, bus info and the large
 * receive offload feature.  The only file that speaks the ethtool ioctl. */
#ifndef JUMBOAGENT_ETHTOOL_H
#define JUMBOAGENT_ETHTOOL_H 1

#include <stdbool.h>

#include "error.h"
#include "host.h"

/* Fills 'driver' and 'bus_info' of every link of 'host' from ETHTOOL_GDRVINFO
 * and 'lro' from ETHTOOL_GFEATURES.  Links that answer nothing keep "" and
 * LRO_UNKNOWN.  Never fails. */
void ethtool_read_host(struct host *host);

/* Reads the LRO state of 'ifname' into '*statep'.  Returns 0 or a negative
 * errno value (-EOPNOTSUPP when the driver has no such feature). */
int ethtool_get_lro(const char *ifname, enum lro_state *statep,
                    struct error *err);

/* Turns LRO of 'ifname' on or off.  Returns 0 or a negative errno value. */
int ethtool_set_lro(const char *ifname, bool on, struct error *err);

#endif /* ethtool.h */
