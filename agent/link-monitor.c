/* Link monitor: see link-monitor.h. */
#include "link-monitor.h"

#include <errno.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link-cache.h"

int
link_monitor_open(int *fdp, struct error *err)
{
    struct sockaddr_nl addr;
    int fd, error;

    *fdp = -1;
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                NETLINK_ROUTE);
    if (fd < 0) {
        error = errno;
        return error_set(err, -error, "cannot open a netlink route socket "
                         "to watch links: %s", strerror(error));
    }
    memset(&addr, 0, sizeof addr);
    addr.nl_family = AF_NETLINK;
    addr.nl_groups = RTMGRP_LINK;
    if (bind(fd, (struct sockaddr *) &addr, sizeof addr)) {
        error = errno;
        close(fd);
        return error_set(err, -error, "cannot subscribe to the kernel's "
                         "link notifications (RTNLGRP_LINK): %s",
                         strerror(error));
    }
    *fdp = fd;
    return 0;
}

/* True if the RTM_NEWLINK 'nh' (of at least an ifinfomsg) shows a link of
 * 'own' exactly as the pass left it: same ifindex, name, MTU, master and
 * up flag.  Anything else in it, or a missing attribute, is not. */
static bool
link_monitor_is_own(const struct nlmsghdr *nh,
                    const struct link_monitor_own *own, size_t n_own)
{
    const struct ifinfomsg *ifi = NLMSG_DATA(nh);
    const struct link_monitor_own *o = NULL;
    const struct rtattr *rta;
    bool has_name = false, has_mtu = false;
    int master = 0;
    int len;

    for (size_t i = 0; i < n_own; i++) {
        if (own[i].ifindex == ifi->ifi_index) {
            o = &own[i];
            break;
        }
    }
    if (!o || nh->nlmsg_type != RTM_NEWLINK
        || !(ifi->ifi_flags & IFF_UP) != !o->up) {
        return false;
    }
    len = nh->nlmsg_len - NLMSG_LENGTH(sizeof *ifi);
    for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        size_t payload = RTA_PAYLOAD(rta);

        if (rta->rta_type == IFLA_IFNAME) {
            if (strnlen(RTA_DATA(rta), payload) == payload
                || strcmp(RTA_DATA(rta), o->name)) {
                return false;
            }
            has_name = true;
        } else if (rta->rta_type == IFLA_MTU && payload >= 4) {
            if (*(const unsigned int *) RTA_DATA(rta) != o->mtu) {
                return false;
            }
            has_mtu = true;
        } else if (rta->rta_type == IFLA_MASTER && payload >= 4) {
            master = *(const int *) RTA_DATA(rta);
        }
    }
    return has_name && has_mtu && master == o->master_ifindex;
}

/* True if the RTM_NEWLINK 'nh' (of at least an ifinfomsg) shows a tap
 * (kind "tun") that is down and in no bridge: one just created, before
 * whoever made it (libvirt, xapi, a script) puts it in a bridge and brings
 * it up.  No network can claim such a link, so it needs no pass: the
 * notification that puts it in a Linux bridge (IFLA_MASTER) or brings it
 * up comes next, and a port added to OVS shows in OVSDB.  At 2000 links a
 * pass costs about 100 ms of CPU, and a new Linux-bridge tap waited for two
 * of them. */
static bool
link_monitor_is_new_tap(const struct nlmsghdr *nh)
{
    const struct ifinfomsg *ifi = NLMSG_DATA(nh);
    const struct rtattr *rta;
    bool tun = false;
    int len;

    if (nh->nlmsg_type != RTM_NEWLINK || ifi->ifi_flags & IFF_UP) {
        return false;
    }
    len = nh->nlmsg_len - NLMSG_LENGTH(sizeof *ifi);
    for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        if (rta->rta_type == IFLA_MASTER) {
            return false;
        } else if (rta->rta_type == IFLA_LINKINFO) {
            const struct rtattr *info = RTA_DATA(rta);
            int info_len = RTA_PAYLOAD(rta);

            for (; RTA_OK(info, info_len);
                 info = RTA_NEXT(info, info_len)) {
                size_t payload = RTA_PAYLOAD(info);

                if (info->rta_type == IFLA_INFO_KIND
                    && strnlen(RTA_DATA(info), payload) < payload
                    && !strcmp(RTA_DATA(info), "tun")) {
                    tun = true;
                }
            }
        }
    }
    return tun;
}

/* Counts the link messages among the 'len' bytes of 'buf' that are not in
 * 'own' nor a new tap (link_monitor_drain()), and makes 'cache' forget the
 * link of each. */
static int
link_monitor_count(const char *buf, size_t len, struct link_cache *cache,
                   const struct link_monitor_own *own, size_t n_own)
{
    const struct nlmsghdr *nh = (const struct nlmsghdr *) buf;
    int n = 0;

    for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
        if (nh->nlmsg_type == RTM_NEWLINK || nh->nlmsg_type == RTM_DELLINK) {
            if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
                const struct ifinfomsg *ifi = NLMSG_DATA(nh);

                link_cache_forget(cache, ifi->ifi_index);
                if (link_monitor_is_own(nh, own, n_own)
                    || link_monitor_is_new_tap(nh)) {
                    continue;
                }
            } else {
                link_cache_clear(cache);
            }
            n++;
        }
    }
    return n;
}

int
link_monitor_drain(int fd, struct link_cache *cache,
                   const struct link_monitor_own *own, size_t n_own,
                   struct error *err)
{
    char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
    int n = 0;

    for (;;) {
        ssize_t len = recv(fd, buf, sizeof buf, 0);

        if (len < 0) {
            if (errno == EINTR) {
                continue;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return n;
            } else if (errno == ENOBUFS) {
                link_cache_clear(cache);
                n = n ? n : 1;
                continue;
            }
            int error = errno;

            return error_set(err, -error, "cannot read the kernel's link "
                             "notifications: %s", strerror(error));
        }
        n += link_monitor_count(buf, len, cache, own, n_own);
    }
}

void
link_monitor_close(int fd)
{
    if (fd >= 0) {
        close(fd);
    }
}
