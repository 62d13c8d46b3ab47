/* Link monitor: see link-monitor.h. */
#include "link-monitor.h"

#include <errno.h>
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

/* Counts the link messages among the 'len' bytes of 'buf', and makes
 * 'cache' forget the link of each. */
static int
link_monitor_count(const char *buf, size_t len, struct link_cache *cache)
{
    const struct nlmsghdr *nh = (const struct nlmsghdr *) buf;
    int n = 0;

    for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
        if (nh->nlmsg_type == RTM_NEWLINK || nh->nlmsg_type == RTM_DELLINK) {
            if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
                const struct ifinfomsg *ifi = NLMSG_DATA(nh);

                link_cache_forget(cache, ifi->ifi_index);
            } else {
                link_cache_clear(cache);
            }
            n++;
        }
    }
    return n;
}

int
link_monitor_drain(int fd, struct link_cache *cache, struct error *err)
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
        n += link_monitor_count(buf, len, cache);
    }
}

void
link_monitor_close(int fd)
{
    if (fd >= 0) {
        close(fd);
    }
}
