/* ICMP probe adapter (see icmp-probe.h): raw sockets, poll() with a
 * deadline per probe, and the error queue (IP_RECVERR) for the ICMP
 * errors that routers send back about our probes. */
#include "icmp-probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "icmp-parse.h"
#include "util.h"

struct icmp_prober {
    int fd;
    bool ipv6;
    char ifname[IF_NAMESIZE];
    char peer_text[INET6_ADDRSTRLEN];
    struct sockaddr_storage peer;
    socklen_t peer_len;
    uint8_t peer_addr[16];      /* The peer's address bytes (4 for IPv4). */
    uint16_t id;                /* Echo identifier of this prober. */
    uint16_t seq;               /* Last sequence number sent. */
    uint8_t buf[65536];         /* Send and receive buffer. */
};

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

bool
icmp_prober_is_ipv6(const struct icmp_prober *prober)
{
    return prober->ipv6;
}

int
icmp_prober_create(const char *ifname, const char *source, const char *peer,
                   struct icmp_prober **proberp, struct error *err)
{
    struct icmp_prober *p = xzalloc(sizeof *p);
    struct sockaddr_storage src;
    socklen_t src_len;
    int one = 1, error;

    p->fd = -1;
    copy_string(p->ifname, ifname, sizeof p->ifname);
    copy_string(p->peer_text, peer, sizeof p->peer_text);
    memset(&src, 0, sizeof src);
    if (inet_pton(AF_INET, peer, p->peer_addr) == 1) {
        struct sockaddr_in *sin = (struct sockaddr_in *) &p->peer;
        struct sockaddr_in *ssin = (struct sockaddr_in *) &src;

        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, p->peer_addr, 4);
        p->peer_len = sizeof *sin;
        ssin->sin_family = AF_INET;
        src_len = sizeof *ssin;
        error = inet_pton(AF_INET, source, &ssin->sin_addr) == 1 ? 0 : -1;
    } else if (inet_pton(AF_INET6, peer, p->peer_addr) == 1) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &p->peer;
        struct sockaddr_in6 *ssin6 = (struct sockaddr_in6 *) &src;

        p->ipv6 = true;
        sin6->sin6_family = AF_INET6;
        memcpy(&sin6->sin6_addr, p->peer_addr, 16);
        p->peer_len = sizeof *sin6;
        ssin6->sin6_family = AF_INET6;
        src_len = sizeof *ssin6;
        error = inet_pton(AF_INET6, source, &ssin6->sin6_addr) == 1 ? 0 : -1;
    } else {
        free(p);
        return error_set(err, -EINVAL, "peer '%s' is not an IPv4 or IPv6 "
                         "address", peer);
    }
    if (error) {
        error_set(err, -EINVAL, "source '%s' is not an %s address (the "
                  "peer %s is)", source, p->ipv6 ? "IPv6" : "IPv4", peer);
        free(p);
        return -EINVAL;
    }

    p->fd = socket(p->ipv6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC,
                   p->ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (p->fd < 0) {
        error = -errno;
        if (error == -EPERM || error == -EACCES) {
            error = error_set(err, -EPERM, "cannot open a raw %s socket to "
                              "probe %s: %s; path verification needs "
                              "CAP_NET_RAW (run it as root)",
                              p->ipv6 ? "ICMPv6" : "ICMP", peer,
                              strerror(-error));
        } else {
            error_set(err, error, "cannot open a raw ICMP socket to probe "
                      "%s: %s", peer, strerror(-error));
        }
        free(p);
        return error;
    }
    if (setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
                   strlen(ifname) + 1)) {
        error = -errno;
        icmp_prober_destroy(p);
        if (error == -ENODEV) {
            return error_set(err, error, "interface %s does not exist on "
                             "this host (to probe %s from it)", ifname, peer);
        }
        return error_set(err, error, "cannot bind the probe socket to "
                         "interface %s: %s%s", ifname, strerror(-error),
                         error == -EPERM ? "; path verification needs "
                         "CAP_NET_RAW (run it as root)" : "");
    }
    if (bind(p->fd, (struct sockaddr *) &src, src_len)) {
        error = -errno;
        icmp_prober_destroy(p);
        return error_set(err, error, "cannot send from %s on interface %s: "
                         "%s (is the address on this host?)", source, ifname,
                         strerror(-error));
    }
    if (p->ipv6) {
        int probe = IPV6_PMTUDISC_PROBE;

        error = (setsockopt(p->fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &probe,
                            sizeof probe)
                 || setsockopt(p->fd, IPPROTO_IPV6, IPV6_DONTFRAG, &one,
                               sizeof one)
                 || setsockopt(p->fd, IPPROTO_IPV6, IPV6_RECVERR, &one,
                               sizeof one)) ? -errno : 0;
    } else {
        int probe = IP_PMTUDISC_PROBE;

        error = (setsockopt(p->fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe,
                            sizeof probe)
                 || setsockopt(p->fd, IPPROTO_IP, IP_RECVERR, &one,
                               sizeof one)) ? -errno : 0;
    }
    if (error) {
        icmp_prober_destroy(p);
        return error_set(err, error, "cannot set DF probing on the probe "
                         "socket for %s: %s", peer, strerror(-error));
    }
    srandom(now_ms() ^ getpid());
    p->id = (getpid() ^ random()) & 0xffff;
    *proberp = p;
    return 0;
}

void
icmp_prober_destroy(struct icmp_prober *prober)
{
    if (prober) {
        if (prober->fd >= 0) {
            close(prober->fd);
        }
        free(prober);
    }
}

/* True if 'seq' is one of the sequence numbers from 'first' to the last
 * one sent (wrapping). */
static bool
seq_in_range(const struct icmp_prober *p, uint16_t first, uint16_t seq)
{
    return (uint16_t) (seq - first) <= (uint16_t) (p->seq - first);
}

/* Turns the address at 'sa' into text in 'buf' ('size' bytes). */
static void
addr_to_text(const struct sockaddr *sa, char *buf, size_t size)
{
    const void *addr = (sa->sa_family == AF_INET6
                        ? (const void *) &((const struct sockaddr_in6 *) sa)
                                              ->sin6_addr
                        : (const void *) &((const struct sockaddr_in *) sa)
                                              ->sin_addr);

    if (!inet_ntop(sa->sa_family, addr, buf, size)) {
        copy_string(buf, "?", size);
    }
}

/* Reads one message from the error queue of 'p'.  Fills '*answer' and
 * returns true if it is an ICMP error about one of our probes from 'first'
 * on. */
static bool
read_error_queue(struct icmp_prober *p, uint16_t first,
                 struct pmtu_probe_answer *answer)
{
    uint8_t data[64];
    char control[512];
    struct iovec iov = { data, sizeof data };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof control,
    };
    struct cmsghdr *cmsg;
    ssize_t n = recvmsg(p->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);

    if (n < ICMP_ECHO_HEADER) {
        return false;
    }
    for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        const struct sock_extended_err *ee;
        bool too_big;

        if (!((cmsg->cmsg_level == SOL_IP && cmsg->cmsg_type == IP_RECVERR)
              || (cmsg->cmsg_level == SOL_IPV6
                  && cmsg->cmsg_type == IPV6_RECVERR))) {
            continue;
        }
        ee = (const struct sock_extended_err *) CMSG_DATA(cmsg);
        if (((unsigned int) data[4] << 8 | data[5]) != p->id
            || !seq_in_range(p, first,
                             (uint16_t) (data[6] << 8 | data[7]))) {
            return false;
        }
        if (ee->ee_origin == SO_EE_ORIGIN_ICMP) {
            too_big = ee->ee_type == 3 && ee->ee_code == 4;
        } else if (ee->ee_origin == SO_EE_ORIGIN_ICMP6) {
            too_big = ee->ee_type == 2;
        } else if (ee->ee_origin == SO_EE_ORIGIN_LOCAL
                   && ee->ee_errno == EMSGSIZE) {
            answer->result = PMTU_PROBE_TOO_BIG;
            answer->mtu = ee->ee_info;
            answer->hop[0] = '\0';
            return true;
        } else {
            return false;
        }
        if (!too_big && ee->ee_errno != EHOSTUNREACH
            && ee->ee_errno != ENETUNREACH) {
            return false;
        }
        answer->result = too_big ? PMTU_PROBE_TOO_BIG : PMTU_PROBE_UNREACHABLE;
        answer->mtu = too_big ? ee->ee_info : 0;
        addr_to_text(SO_EE_OFFENDER(ee), answer->hop, sizeof answer->hop);
        return true;
    }
    return false;
}

/* Reads one packet from 'p'.  Fills '*answer' and returns true if it
 * answers one of our probes from 'first' on, of 'payload_size' bytes. */
static bool
read_packet(struct icmp_prober *p, uint16_t first, size_t payload_size,
            struct pmtu_probe_answer *answer)
{
    struct sockaddr_storage from;
    socklen_t from_len = sizeof from;
    struct icmp_answer a;
    ssize_t n = recvfrom(p->fd, p->buf, sizeof p->buf, MSG_DONTWAIT,
                         (struct sockaddr *) &from, &from_len);
    size_t addr_size = p->ipv6 ? 16 : 4;

    if (n < 0) {
        /* A pending socket error (EMSGSIZE, EHOSTUNREACH) that the error
         * queue also carries, or nothing to read. */
        return false;
    }
    if ((p->ipv6 ? icmp_parse_v6(p->buf, n, &a)
         : icmp_parse_v4(p->buf, n, &a))
        || a.kind == ICMP_ANSWER_IGNORE || a.id != p->id
        || !seq_in_range(p, first, a.seq)) {
        return false;
    }
    if (a.kind == ICMP_ANSWER_ECHO_REPLY) {
        if (from.ss_family != (p->ipv6 ? AF_INET6 : AF_INET)
            || memcmp(p->ipv6
                      ? (const void *) &((struct sockaddr_in6 *) &from)
                                            ->sin6_addr
                      : (const void *) &((struct sockaddr_in *) &from)
                                            ->sin_addr,
                      p->peer_addr, addr_size)
            || a.payload_size != payload_size) {
            return false;
        }
        answer->result = PMTU_PROBE_REPLY;
        return true;
    }
    if (memcmp(a.quoted_dst, p->peer_addr, addr_size)) {
        return false;
    }
    answer->result = (a.kind == ICMP_ANSWER_TOO_BIG ? PMTU_PROBE_TOO_BIG
                      : PMTU_PROBE_UNREACHABLE);
    answer->mtu = a.mtu;
    addr_to_text((struct sockaddr *) &from, answer->hop, sizeof answer->hop);
    return true;
}

/* Returns the MTU of the interface of 'p', 0 if unknown. */
static unsigned int
interface_mtu(const struct icmp_prober *p)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    copy_string(ifr.ifr_name, p->ifname, sizeof ifr.ifr_name);
    return ioctl(p->fd, SIOCGIFMTU, &ifr) ? 0 : (unsigned int) ifr.ifr_mtu;
}

int
icmp_prober_probe(struct icmp_prober *p, unsigned int size, int tries,
                  int deadline_ms, struct pmtu_probe_answer *answer,
                  struct error *err)
{
    unsigned int overhead = p->ipv6 ? ICMP_IPV6_OVERHEAD : ICMP_IPV4_OVERHEAD;
    uint16_t first = p->seq + 1;
    size_t payload_size;

    memset(answer, 0, sizeof *answer);
    if (size < overhead || size - overhead + ICMP_ECHO_HEADER
                           > sizeof p->buf) {
        return error_set(err, -EINVAL, "cannot probe %s with packets of %u "
                         "bytes", p->peer_text, size);
    }
    payload_size = size - overhead;
    for (int try = 0; try < tries; try++) {
        size_t n = icmp_build_echo(p->ipv6, p->id, ++p->seq, p->buf,
                                   payload_size);
        long long deadline;

        if (sendto(p->fd, p->buf, n, 0, (struct sockaddr *) &p->peer,
                   p->peer_len) < 0) {
            int error = errno;

            if (error == EMSGSIZE) {
                answer->result = PMTU_PROBE_TOO_BIG;
                answer->mtu = interface_mtu(p);
                return 0;
            } else if (error == EHOSTUNREACH || error == ENETUNREACH) {
                answer->result = PMTU_PROBE_UNREACHABLE;
                return 0;
            } else if (error != EINTR && error != ENOBUFS
                       && error != EAGAIN) {
                return error_set(err, -error, "cannot send a probe of %u "
                                 "bytes to %s from %s: %s", size,
                                 p->peer_text, p->ifname, strerror(error));
            }
        }
        deadline = now_ms() + deadline_ms;
        for (;;) {
            long long left = deadline - now_ms();
            struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
            int retval;

            if (left <= 0) {
                break;
            }
            retval = poll(&pfd, 1, left);
            if (retval < 0 && errno != EINTR) {
                return error_set(err, -errno, "cannot wait for the answer "
                                 "of %s: %s", p->peer_text, strerror(errno));
            } else if (retval <= 0) {
                continue;
            }
            if (pfd.revents & POLLERR) {
                int soerr;
                socklen_t len = sizeof soerr;

                if (read_error_queue(p, first, answer)) {
                    return 0;
                }
                /* Clears a pending socket error that the queue also
                 * reported, so that poll() does not spin on it. */
                getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
            }
            if (pfd.revents & POLLIN
                && read_packet(p, first, payload_size, answer)) {
                return 0;
            }
        }
    }
    answer->result = PMTU_PROBE_TIMEOUT;
    return 0;
}
