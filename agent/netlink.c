/* Netlink adapter: see netlink.h.
 *
 * Reading: one raw RTM_GETLINK dump, one RTM_GETRULE dump (the tables that
 * "ip rule" looks up) and one RTM_GETROUTE dump, parsed here
 * with libnl's attribute helpers.  libnl 3.7's link objects carry neither
 * IFLA_MIN_MTU nor IFLA_MAX_MTU, and the per-kind details we need (VLAN id,
 * VXLAN underlay, GRE keys) are a handful of attributes, so one pass over the
 * kernel's own messages is simpler than the cache plus a second dump.
 *
 * Changing: rtnl_link_get_kernel() and rtnl_link_change().  The socket asks
 * the kernel for extended acks, and an error callback keeps the kernel's
 * errno and message ("mtu greater than device maximum"), which libnl would
 * otherwise fold into its coarser -NLE_* codes. */
#include "netlink.h"

#include <net/if.h>
#include <net/if_arp.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "host.h"
#include "name-index.h"
#include "util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* How often a dump that the kernel reports as interrupted (a link or route
 * changed during it) is retried. */
#define DUMP_ATTEMPTS 5

/* The kernel's answer to a request that failed, as the error callback saw
 * it. */
struct kernel_error {
    int error;                  /* Positive errno value, 0 if none. */
    char msg[256];              /* Extended ack message, "" if none. */
};

/* Maps a libnl error code (positive or negative) to a positive errno. */
static int
nle_to_errno(int nle)
{
    switch (abs(nle)) {
    case NLE_SUCCESS:
        return 0;
    case NLE_INTR:
        return EINTR;
    case NLE_BAD_SOCK:
        return EBADF;
    case NLE_AGAIN:
    case NLE_DUMP_INTR:
        return EAGAIN;
    case NLE_NOMEM:
        return ENOMEM;
    case NLE_EXIST:
        return EEXIST;
    case NLE_INVAL:
    case NLE_OBJ_MISMATCH:
    case NLE_MISSING_ATTR:
        return EINVAL;
    case NLE_RANGE:
        return ERANGE;
    case NLE_MSGSIZE:
    case NLE_MSG_TOOSHORT:
    case NLE_MSG_TRUNC:
    case NLE_MSG_OVERFLOW:
        return EMSGSIZE;
    case NLE_OPNOTSUPP:
    case NLE_MSGTYPE_NOSUPPORT:
        return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT:
        return EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND:
    case NLE_NODEV:
        return ENODEV;
    case NLE_NOATTR:
        return ENOENT;
    case NLE_NOACCESS:
        return EACCES;
    case NLE_PERM:
    case NLE_IMMUTABLE:
        return EPERM;
    case NLE_BUSY:
        return EBUSY;
    case NLE_PROTO_MISMATCH:
        return EPROTONOSUPPORT;
    case NLE_NOADDR:
        return EADDRNOTAVAIL;
    default:
        return EIO;
    }
}

/* libnl error callback: records the kernel's errno and extended ack message
 * in 'kerr_' (a struct kernel_error) and stops receiving. */
static int
record_kernel_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *kerr_)
{
    struct kernel_error *kerr = kerr_;
    const struct nlmsghdr *nlh;
    struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
    size_t offset, payload;

    (void) who;
    kerr->error = e->error < 0 ? -e->error : e->error;
    kerr->msg[0] = '\0';

    /* 'e' is the payload of an NLMSG_ERROR message.  The TLVs follow the
     * echoed request: its header only when the ack is capped, else all of
     * it. */
    nlh = (const struct nlmsghdr *) ((const char *) e - NLMSG_HDRLEN);
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
        return NL_STOP;
    }
    payload = sizeof *e;
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED)
        && e->msg.nlmsg_len >= NLMSG_HDRLEN) {
        payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
    }
    offset = NLMSG_ALIGN(NLMSG_HDRLEN + payload);
    if (offset < nlh->nlmsg_len
        && !nla_parse(tb, NLMSGERR_ATTR_MAX,
                      (struct nlattr *) ((char *) nlh + offset),
                      nlh->nlmsg_len - offset, NULL)
        && tb[NLMSGERR_ATTR_MSG]) {
        nla_strlcpy(kerr->msg, tb[NLMSGERR_ATTR_MSG], sizeof kerr->msg);
    }
    return NL_STOP;
}

/* Opens a NETLINK_ROUTE socket whose errors land in 'kerr'.  Returns 0 and
 * stores the socket (free with nl_socket_free()) in '*sockp', or a negative
 * errno value with 'err' set. */
static int
open_socket(struct nl_sock **sockp, struct kernel_error *kerr,
            struct error *err)
{
    struct nl_sock *sock = NULL;
    int one = 1;
    int error;

    *sockp = NULL;
    memset(kerr, 0, sizeof *kerr);
    sock = nl_socket_alloc();
    if (!sock) {
        error_set(err, -ENOMEM, "Cannot allocate a netlink socket");
        return -ENOMEM;
    }
    error = nl_connect(sock, NETLINK_ROUTE);
    if (error < 0) {
        int errnum = nle_to_errno(error);

        nl_socket_free(sock);
        errnum = errnum > 0 ? -errnum : -EIO;
        error_set(err, errnum, "Cannot open a route netlink socket: %s",
                  nl_geterror(error));
        return errnum;
    }
    /* Big dumps need more than libnl's default receive buffer; peeking
     * sizes each read to the next message. */
    nl_socket_enable_msg_peek(sock);
    nl_socket_modify_err_cb(sock, NL_CB_CUSTOM, record_kernel_error, kerr);
    /* Extended acks are optional (Linux 4.12+): ignore failures. */
    setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_EXT_ACK,
               &one, sizeof one);
    setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_CAP_ACK,
               &one, sizeof one);
    *sockp = sock;
    return 0;
}

/* Sets 'err' for libnl result 'nle' of an operation that the printf-style
 * 'fmt' describes, preferring the kernel's errno and message in 'kerr' over
 * libnl's summary.  Returns the negative errno value. */
static int __attribute__((format(printf, 4, 5)))
set_nl_error(struct error *err, int nle, const struct kernel_error *kerr,
             const char *fmt, ...)
{
    char what[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(what, sizeof what, fmt, args);
    va_end(args);

    if (kerr->error) {
        if (kerr->msg[0]) {
            return error_set(err, -kerr->error, "%s: %s (%s)", what,
                             strerror(kerr->error), kerr->msg);
        }
        return error_set(err, -kerr->error, "%s: %s", what,
                         strerror(kerr->error));
    }
    return error_set(err, -nle_to_errno(nle), "%s: %s", what,
                     nl_geterror(nle));
}

/* Returns the u32 value of attribute 'nla', or 0 if it is absent or short. */
static uint32_t
attr_u32(const struct nlattr *nla)
{
    return (nla && nla_len(nla) >= (int) sizeof(uint32_t)
            ? nla_get_u32(nla) : 0);
}

/* Returns the u16 value of attribute 'nla', or 0 if it is absent or short. */
static uint16_t
attr_u16(const struct nlattr *nla)
{
    return (nla && nla_len(nla) >= (int) sizeof(uint16_t)
            ? nla_get_u16(nla) : 0);
}

/* A link as parsed from one RTM_NEWLINK message, with the ifindexes that
 * are turned into names once the whole dump is in. */
struct raw_link {
    struct host_link link;
    int master_ifindex;         /* IFLA_MASTER, 0 if none. */
    int lower_ifindex;          /* Lower device in this namespace, or 0. */
    int peer_ifindex;           /* veth peer in this namespace, or 0. */
    int remote_family;          /* Tunnel remote (or group) address: */
    unsigned char remote[16];   /* AF_INET or AF_INET6, or 0 if none. */
};

/* What the dumps collect. */
struct dump_state {
    struct raw_link *links;
    size_t n_links, allocated_links;
    int *route_ifindexes;       /* Links that default routes leave by. */
    size_t n_route_ifindexes, allocated_route_ifindexes;
    uint32_t *rule_tables;      /* Tables that an ip rule looks up. */
    size_t n_rule_tables, allocated_rule_tables;
    bool l3mdev_rule;           /* A VRF rule: it looks up any table. */
};

/* Records in 'rl' the tunnel remote (or multicast group) address in 'v4'
 * or 'v6', whichever is present and nonzero. */
static void
record_remote(struct raw_link *rl, const struct nlattr *v4,
              const struct nlattr *v6)
{
    static const unsigned char zero[16];

    if (v4 && nla_len(v4) == 4 && memcmp(nla_data(v4), zero, 4)) {
        rl->remote_family = AF_INET;
        memcpy(rl->remote, nla_data(v4), 4);
    } else if (v6 && nla_len(v6) == 16 && memcmp(nla_data(v6), zero, 16)) {
        rl->remote_family = AF_INET6;
        memcpy(rl->remote, nla_data(v6), 16);
    }
}

/* Fills the per-kind fields of 'rl' from IFLA_INFO_DATA 'data' of a link of
 * rtnl kind 'kind'. */
static void
parse_info_data(struct raw_link *rl, const char *kind, struct nlattr *data)
{
    struct host_link *link = &rl->link;

    if (!strcmp(kind, "vlan")) {
        struct nlattr *tb[IFLA_VLAN_MAX + 1];

        if (!nla_parse_nested(tb, IFLA_VLAN_MAX, data, NULL)) {
            link->vlan_id = attr_u16(tb[IFLA_VLAN_ID]);
        }
    } else if (!strcmp(kind, "vxlan")) {
        struct nlattr *tb[IFLA_VXLAN_MAX + 1];

        if (!nla_parse_nested(tb, IFLA_VXLAN_MAX, data, NULL)) {
            link->tunnel_ipv6 = (tb[IFLA_VXLAN_GROUP6]
                                 || tb[IFLA_VXLAN_LOCAL6]);
            if (attr_u32(tb[IFLA_VXLAN_LINK])) {
                rl->lower_ifindex = attr_u32(tb[IFLA_VXLAN_LINK]);
            }
            record_remote(rl, tb[IFLA_VXLAN_GROUP], tb[IFLA_VXLAN_GROUP6]);
        }
    } else if (!strcmp(kind, "geneve")) {
        struct nlattr *tb[IFLA_GENEVE_MAX + 1];

        if (!nla_parse_nested(tb, IFLA_GENEVE_MAX, data, NULL)) {
            link->tunnel_ipv6 = tb[IFLA_GENEVE_REMOTE6] != NULL;
            record_remote(rl, tb[IFLA_GENEVE_REMOTE], tb[IFLA_GENEVE_REMOTE6]);
        }
    } else if (!strcmp(kind, "gre") || !strcmp(kind, "gretap")
               || !strcmp(kind, "ip6gre") || !strcmp(kind, "ip6gretap")
               || !strcmp(kind, "erspan") || !strcmp(kind, "ip6erspan")) {
        struct nlattr *tb[IFLA_GRE_MAX + 1];

        if (!nla_parse_nested(tb, IFLA_GRE_MAX, data, NULL)) {
            /* Big-endian GRE header flags, as GRE_KEY is. */
            uint16_t iflags = attr_u16(tb[IFLA_GRE_IFLAGS]);
            uint16_t oflags = attr_u16(tb[IFLA_GRE_OFLAGS]);
            const struct nlattr *addr = (tb[IFLA_GRE_REMOTE]
                                         ? tb[IFLA_GRE_REMOTE]
                                         : tb[IFLA_GRE_LOCAL]);

            link->tunnel_key = ((iflags | oflags) & GRE_KEY) != 0;
            record_remote(rl, tb[IFLA_GRE_REMOTE], tb[IFLA_GRE_REMOTE]);
            if (addr && nla_len(addr) == 16) {
                link->tunnel_ipv6 = true;
            }
        }
    }
}

/* libnl valid-message callback for the RTM_GETLINK dump: appends the link
 * of 'msg' to 'state_' (a struct dump_state). */
static int
parse_link_msg(struct nl_msg *msg, void *state_)
{
    struct dump_state *state = state_;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *tb[IFLA_MAX + 1];
    const struct ifinfomsg *ifi;
    struct host_link *link;
    struct raw_link *rl;

    if (nlh->nlmsg_type != RTM_NEWLINK
        || nlmsg_parse(nlh, sizeof *ifi, tb, IFLA_MAX, NULL) < 0
        || !tb[IFLA_IFNAME]) {
        return NL_SKIP;
    }
    ifi = nlmsg_data(nlh);

    grow_array((void **) &state->links, &state->allocated_links,
               state->n_links + 1, sizeof *state->links);
    rl = &state->links[state->n_links++];
    memset(rl, 0, sizeof *rl);
    link = &rl->link;
    link->xen_feature_sg = -1;  /* Unknown: xen-guest.c reads it. */

    nla_strlcpy(link->name, tb[IFLA_IFNAME], sizeof link->name);
    link->ifindex = ifi->ifi_index;
    link->kind = LINK_KIND_ETHER;
    link->mtu = attr_u32(tb[IFLA_MTU]);
    link->min_mtu = attr_u32(tb[IFLA_MIN_MTU]);
    link->max_mtu = attr_u32(tb[IFLA_MAX_MTU]);
    link->up = (ifi->ifi_flags & IFF_UP) != 0;
    rtnl_link_operstate2str(tb[IFLA_OPERSTATE]
                            ? nla_get_u8(tb[IFLA_OPERSTATE]) : IF_OPER_UNKNOWN,
                            link->operstate, sizeof link->operstate);
    if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
        const uint8_t *a = nla_data(tb[IFLA_ADDRESS]);

        snprintf(link->mac, sizeof link->mac,
                 "%02x:%02x:%02x:%02x:%02x:%02x",
                 a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    if (ifi->ifi_type == ARPHRD_LOOPBACK) {
        link->kind = LINK_KIND_LOOPBACK;
    }
    rl->master_ifindex = attr_u32(tb[IFLA_MASTER]);

    /* IFLA_LINK is the lower device of VLANs, macvlans and tunnels, but the
     * peer of a veth; with IFLA_LINK_NETNSID it is an ifindex of another
     * namespace, which names nothing here. */
    if (!tb[IFLA_LINK_NETNSID]) {
        int iflink = attr_u32(tb[IFLA_LINK]);

        if (iflink != ifi->ifi_index) {
            rl->lower_ifindex = iflink;
        }
    }

    if (tb[IFLA_LINKINFO]) {
        struct nlattr *info[IFLA_INFO_MAX + 1];

        if (!nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL)
            && info[IFLA_INFO_KIND]) {
            nla_strlcpy(link->kind_name, info[IFLA_INFO_KIND],
                        sizeof link->kind_name);
            link->kind = link_kind_from_rtnl(link->kind_name);
            if (!strncmp(link->kind_name, "ip6", 3)) {
                /* ip6gre, ip6gretap, ip6tnl, ip6erspan, ip6vti. */
                link->tunnel_ipv6 = true;
            }
            if (info[IFLA_INFO_DATA]) {
                parse_info_data(rl, link->kind_name, info[IFLA_INFO_DATA]);
            }
        }
    }
    if (link->kind == LINK_KIND_VETH) {
        rl->peer_ifindex = rl->lower_ifindex;
        rl->lower_ifindex = 0;
    }
    return NL_OK;
}

/* Adds 'ifindex' to the default route links of 'state', once. */
static void
add_route_ifindex(struct dump_state *state, int ifindex)
{
    for (size_t i = 0; i < state->n_route_ifindexes; i++) {
        if (state->route_ifindexes[i] == ifindex) {
            return;
        }
    }
    grow_array((void **) &state->route_ifindexes,
               &state->allocated_route_ifindexes,
               state->n_route_ifindexes + 1, sizeof *state->route_ifindexes);
    state->route_ifindexes[state->n_route_ifindexes++] = ifindex;
}

/* libnl valid-message callback for the RTM_GETRULE dump: records in
 * 'state_' (a struct dump_state) the routing tables that the rules of the
 * policy routing database ("ip rule") look up, so that a default route in
 * one of them counts as well as one in the main table. */
static int
parse_rule_msg(struct nl_msg *msg, void *state_)
{
    struct dump_state *state = state_;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *tb[FRA_MAX + 1];
    const struct fib_rule_hdr *frh;
    uint32_t table;

    if (nlh->nlmsg_type != RTM_NEWRULE
        || nlmsg_parse(nlh, sizeof *frh, tb, FRA_MAX, NULL) < 0) {
        return NL_SKIP;
    }
    frh = nlmsg_data(nlh);
    if (frh->action != FR_ACT_TO_TBL) {
        return NL_SKIP;
    }
    if (tb[FRA_L3MDEV] && nla_len(tb[FRA_L3MDEV]) >= 1
        && nla_get_u8(tb[FRA_L3MDEV])) {
        state->l3mdev_rule = true;
    }
    table = tb[FRA_TABLE] ? attr_u32(tb[FRA_TABLE]) : frh->table;
    if (table) {
        grow_array((void **) &state->rule_tables,
                   &state->allocated_rule_tables, state->n_rule_tables + 1,
                   sizeof *state->rule_tables);
        state->rule_tables[state->n_rule_tables++] = table;
    }
    return NL_OK;
}

/* True if the routes of 'table' are looked up: the main table, or a table
 * that an ip rule names (any but the local table if a VRF rule exists). */
static bool
table_is_used(const struct dump_state *state, uint32_t table)
{
    if (table == RT_TABLE_MAIN
        || (state->l3mdev_rule && table != RT_TABLE_LOCAL)) {
        return true;
    }
    for (size_t i = 0; i < state->n_rule_tables; i++) {
        if (state->rule_tables[i] == table) {
            return true;
        }
    }
    return false;
}

/* libnl valid-message callback for the RTM_GETROUTE dump: records in
 * 'state_' (a struct dump_state) the output links of IPv4 and IPv6 unicast
 * default routes of the main table and of the tables that ip rules look up
 * (the RTM_GETRULE dump runs first).
 *
 * XXX A route that refers to a nexthop object (RTA_NH_ID) names no link
 * here; those would need an RTM_GETNEXTHOP dump. */
static int
parse_route_msg(struct nl_msg *msg, void *state_)
{
    struct dump_state *state = state_;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *tb[RTA_MAX + 1];
    const struct rtmsg *rtm;
    uint32_t table;

    if (nlh->nlmsg_type != RTM_NEWROUTE
        || nlmsg_parse(nlh, sizeof *rtm, tb, RTA_MAX, NULL) < 0) {
        return NL_SKIP;
    }
    rtm = nlmsg_data(nlh);
    table = tb[RTA_TABLE] ? attr_u32(tb[RTA_TABLE]) : rtm->rtm_table;
    if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
        || rtm->rtm_dst_len != 0
        || rtm->rtm_type != RTN_UNICAST
        || (rtm->rtm_flags & RTM_F_CLONED)
        || table == RT_TABLE_LOCAL || !table_is_used(state, table)) {
        return NL_SKIP;
    }

    if (attr_u32(tb[RTA_OIF])) {
        add_route_ifindex(state, attr_u32(tb[RTA_OIF]));
    }
    if (tb[RTA_MULTIPATH]) {
        const struct rtnexthop *nh = nla_data(tb[RTA_MULTIPATH]);
        int left = nla_len(tb[RTA_MULTIPATH]);

        while (left >= (int) sizeof *nh && nh->rtnh_len >= sizeof *nh
               && nh->rtnh_len <= left) {
            if (nh->rtnh_ifindex) {
                add_route_ifindex(state, nh->rtnh_ifindex);
            }
            left -= RTNH_ALIGN(nh->rtnh_len);
            nh = RTNH_NEXT(nh);
        }
    }
    return NL_OK;
}

/* Sends a dump request of 'type' ('hdr' of 'hdr_size' bytes, plus
 * IFLA_EXT_MASK 'ext_mask' if nonzero) on 'sock' and feeds every answer to
 * 'parse' with 'state'.  Returns 0 or a libnl error code. */
static int
dump(struct nl_sock *sock, int type, const void *hdr, size_t hdr_size,
     uint32_t ext_mask, nl_recvmsg_msg_cb_t parse, void *state)
{
    struct nl_msg *msg;
    int error;

    msg = nlmsg_alloc_simple(type, NLM_F_DUMP);
    if (!msg) {
        return -NLE_NOMEM;
    }
    error = nlmsg_append(msg, (void *) hdr, hdr_size, NLMSG_ALIGNTO);
    if (!error && ext_mask) {
        error = nla_put_u32(msg, IFLA_EXT_MASK, ext_mask);
    }
    if (!error) {
        error = nl_send_auto(sock, msg);
    }
    nlmsg_free(msg);
    if (error < 0) {
        return error;
    }

    nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, parse, state);
    error = nl_recvmsgs_default(sock);
    return error < 0 ? error : 0;
}

/* libnl valid-message callback for a route lookup: stores the answer's
 * output interface in '*oif_' (an int). */
static int
parse_lookup_msg(struct nl_msg *msg, void *oif_)
{
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *tb[RTA_MAX + 1];
    int *oifp = oif_;

    if (nlh->nlmsg_type == RTM_NEWROUTE
        && !nlmsg_parse(nlh, sizeof(struct rtmsg), tb, RTA_MAX, NULL)
        && tb[RTA_OIF]) {
        *oifp = (int) nla_get_u32(tb[RTA_OIF]);
    }
    return NL_OK;
}

/* Asks the kernel on 'sock' which link a packet to the 'family' address
 * 'addr' leaves by ("ip route get").  Returns its ifindex, or 0 if there is
 * no route (the kernel's error is then left in the socket's kernel_error,
 * which the caller ignores). */
static int
route_lookup_oif(struct nl_sock *sock, int family, const unsigned char *addr)
{
    size_t len = family == AF_INET ? 4 : 16;
    struct rtmsg rtm = {
        .rtm_family = family,
        .rtm_dst_len = len * 8,
    };
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);
    int oif = 0;
    int error;

    if (!msg) {
        return 0;
    }
    error = nlmsg_append(msg, &rtm, sizeof rtm, NLMSG_ALIGNTO);
    if (!error) {
        error = nla_put(msg, RTA_DST, len, addr);
    }
    /* Without NLM_F_ACK the answer is one message, the route or an
     * error, so that no stray ack waits for the next request. */
    nl_socket_disable_auto_ack(sock);
    if (!error) {
        error = nl_send_auto(sock, msg);
    }
    nlmsg_free(msg);
    if (error >= 0) {
        nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM,
                            parse_lookup_msg, &oif);
        nl_recvmsgs_default(sock);
    }
    nl_socket_enable_auto_ack(sock);
    return oif;
}

/* A tunnel that is bound to no device sends its packets wherever the route
 * to its remote leaves: that link is its real lower device.  Looks it up
 * on 'sock' for each such tunnel of 'state' (not the loopback, not the
 * tunnel itself). */
static void
resolve_tunnel_lowers(struct nl_sock *sock, struct dump_state *state)
{
    for (size_t i = 0; i < state->n_links; i++) {
        struct raw_link *rl = &state->links[i];
        int oif;

        if (rl->lower_ifindex || !rl->remote_family) {
            continue;
        }
        oif = route_lookup_oif(sock, rl->remote_family, rl->remote);
        for (size_t j = 0; oif && j < state->n_links; j++) {
            const struct raw_link *out = &state->links[j];

            if (out->link.ifindex == oif && out != rl
                && out->link.kind != LINK_KIND_LOOPBACK) {
                rl->lower_ifindex = oif;
            }
        }
    }
}

/* Returns the name of the link with 'ifindex' among the 'n' links of
 * 'links', which are sorted by ifindex (binary search: a host of N links
 * asks this 3N times), or "" if there is none. */
static const char *
ifindex_to_name(const struct raw_link *links, size_t n, int ifindex)
{
    size_t lo = 0, hi = n;

    while (ifindex && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (links[mid].link.ifindex == ifindex) {
            return links[mid].link.name;
        } else if (links[mid].link.ifindex < ifindex) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return "";
}

static int
compare_ifindex(const void *a_, const void *b_)
{
    const struct raw_link *a = a_;
    const struct raw_link *b = b_;

    return (a->link.ifindex > b->link.ifindex) - (a->link.ifindex
                                                  < b->link.ifindex);
}

/* Runs both dumps into 'state' once.  Returns 0 or a libnl error code, and
 * says in '*whatp' which dump failed. */
static int
dump_all(struct nl_sock *sock, struct dump_state *state, const char **whatp)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct rtmsg rtm = { .rtm_family = AF_UNSPEC };
    int error;

    *whatp = "links";
    error = dump(sock, RTM_GETLINK, &ifi, sizeof ifi, RTEXT_FILTER_SKIP_STATS,
                 parse_link_msg, state);
    if (!error) {
        struct fib_rule_hdr frh = { .family = AF_UNSPEC };

        *whatp = "routing rules";
        error = dump(sock, RTM_GETRULE, &frh, sizeof frh, 0, parse_rule_msg,
                     state);
    }
    if (!error) {
        *whatp = "routes";
        error = dump(sock, RTM_GETROUTE, &rtm, sizeof rtm, 0,
                     parse_route_msg, state);
    }
    return error;
}

int
netlink_read_links(struct host *host, struct error *err)
{
    struct dump_state state;
    struct kernel_error kerr;
    struct nl_sock *sock = NULL;
    const char *what = "links";
    int error;

    error = open_socket(&sock, &kerr, err);
    if (error) {
        return error;
    }
    memset(&state, 0, sizeof state);
    for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
        state.n_links = 0;
        state.n_route_ifindexes = 0;
        state.n_rule_tables = 0;
        state.l3mdev_rule = false;
        memset(&kerr, 0, sizeof kerr);
        error = dump_all(sock, &state, &what);
        if (error != -NLE_DUMP_INTR) {
            break;
        }
    }
    if (error >= 0) {
        resolve_tunnel_lowers(sock, &state);
    }
    nl_socket_free(sock);
    if (error < 0) {
        set_nl_error(err, error, &kerr, "Cannot read the kernel's %s", what);
        goto out;
    }

    qsort(state.links, state.n_links, sizeof *state.links, compare_ifindex);
    /* One allocation for the whole dump: host_add_link() grows the array
     * one link at a time, a copy of it per link on a host of thousands. */
    host_reindex(host);
    host->links = xrealloc(host->links, ((host->n_links + state.n_links)
                                         * sizeof *host->links));
    for (size_t i = 0; i < state.n_links; i++) {
        const struct raw_link *rl = &state.links[i];
        struct host_link *link = &host->links[host->n_links++];

        *link = rl->link;
        copy_string(link->master, ifindex_to_name(state.links, state.n_links,
                                                  rl->master_ifindex),
                    sizeof link->master);
        copy_string(link->lower, ifindex_to_name(state.links, state.n_links,
                                                 rl->lower_ifindex),
                    sizeof link->lower);
        copy_string(link->peer, ifindex_to_name(state.links, state.n_links,
                                                rl->peer_ifindex),
                    sizeof link->peer);
        for (size_t j = 0; j < state.n_route_ifindexes; j++) {
            if (state.route_ifindexes[j] == link->ifindex) {
                link->default_route = true;
            }
        }
    }
    error = 0;

out:
    free(state.links);
    free(state.route_ifindexes);
    free(state.rule_tables);
    return error;
}

/* The socket of the per-link requests (get, set), opened on first use and
 * kept for the life of the process: an apply that verifies N links would
 * otherwise open, bind and configure N sockets.  Each request is one
 * message out and one in (the answers are small: no peeking, one 32 KiB
 * buffer).  Dropped after any failed request, so that no stray answer
 * waits for the next one. */
static struct nl_sock *link_sock;
static struct kernel_error link_kerr; /* Where link_sock's errors land. */

/* Returns 0 and stores the shared per-link socket in '*sockp' (with its
 * kernel_error cleared), opening it if need be, or a negative errno value
 * with 'err' set.  The caller must not free it; see drop_link_socket(). */
static int
get_link_socket(struct nl_sock **sockp, struct error *err)
{
    if (!link_sock) {
        int error = open_socket(&link_sock, &link_kerr, err);

        if (error) {
            link_sock = NULL;
            return error;
        }
        nl_socket_disable_msg_peek(link_sock);
        nl_socket_set_msg_buf_size(link_sock, 32768);
        /* A get expects no ack, so libnl's count of the sequence numbers
         * it expects would fall behind; one request at a time, and a
         * socket dropped after any failure, leave nothing to mix up. */
        nl_socket_disable_seq_check(link_sock);
    }
    memset(&link_kerr, 0, sizeof link_kerr);
    *sockp = link_sock;
    return 0;
}

/* Closes the shared per-link socket after a failed request. */
static void
drop_link_socket(void)
{
    nl_socket_free(link_sock);
    link_sock = NULL;
}

/* What parse_state_msg() fills. */
struct link_answer {
    struct netlink_link_state state;
    int ifindex;
    bool found;
};

/* libnl valid-message callback for a one-link RTM_GETLINK: stores what the
 * answer says in 'answer_' (a struct link_answer). */
static int
parse_state_msg(struct nl_msg *msg, void *answer_)
{
    struct link_answer *answer = answer_;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *tb[IFLA_MAX + 1];
    const struct ifinfomsg *ifi;

    if (nlh->nlmsg_type != RTM_NEWLINK
        || nlmsg_parse(nlh, sizeof *ifi, tb, IFLA_MAX, NULL) < 0) {
        return NL_SKIP;
    }
    ifi = nlmsg_data(nlh);
    answer->found = true;
    answer->ifindex = ifi->ifi_index;
    answer->state.mtu = attr_u32(tb[IFLA_MTU]);
    answer->state.admin_up = (ifi->ifi_flags & IFF_UP) != 0;
    answer->state.oper_up = (tb[IFLA_OPERSTATE]
                             && nla_len(tb[IFLA_OPERSTATE]) >= 1
                             && nla_get_u8(tb[IFLA_OPERSTATE]) == IF_OPER_UP);
    return NL_OK;
}

/* Starts a request of 'type' about link 'ifname' (by name, with 'flags',
 * 'change' and 'flags_mask' in its ifinfomsg).  Returns the message (free
 * with nlmsg_free()) or NULL, with the reason in 'link_kerr' when it is a
 * bad name. */
static struct nl_msg *
link_msg(int type, const char *ifname, unsigned int flags,
         unsigned int change)
{
    struct ifinfomsg ifi = {
        .ifi_family = AF_UNSPEC,
        .ifi_flags = flags,
        .ifi_change = change,
    };
    struct nl_msg *msg;

    if (strlen(ifname) >= IFNAMSIZ) {
        link_kerr.error = EINVAL;
        snprintf(link_kerr.msg, sizeof link_kerr.msg,
                 "interface names have at most %d characters", IFNAMSIZ - 1);
        return NULL;
    }
    msg = nlmsg_alloc_simple(type, 0);
    if (msg && (nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0
                || nla_put_string(msg, IFLA_IFNAME, ifname) < 0)) {
        nlmsg_free(msg);
        msg = NULL;
    }
    if (!msg) {
        link_kerr.error = ENOMEM;
    }
    return msg;
}

/* Reads the state of link 'ifname' into '*answer' with one RTM_GETLINK on
 * the shared socket (statistics left out).  Returns 0 or a negative errno
 * value with 'err' set to "<what>: <reason>", 'what' being 'fmt'. */
static int __attribute__((format(printf, 4, 5)))
query_link(const char *ifname, struct link_answer *answer, struct error *err,
           const char *fmt, ...)
{
    struct kernel_error kerr;
    struct nl_sock *sock;
    struct nl_msg *msg;
    char what[512];
    va_list args;
    int error;

    va_start(args, fmt);
    vsnprintf(what, sizeof what, fmt, args);
    va_end(args);

    memset(answer, 0, sizeof *answer);
    error = get_link_socket(&sock, err);
    if (error) {
        return error_prefix(err, error, "%s", what);
    }
    msg = link_msg(RTM_GETLINK, ifname, 0, 0);
    if (!msg || nla_put_u32(msg, IFLA_EXT_MASK,
                            RTEXT_FILTER_SKIP_STATS) < 0) {
        error = -NLE_INVAL;
    }
    /* Without NLM_F_ACK the answer is one message, the link or an
     * error. */
    nl_socket_disable_auto_ack(sock);
    if (!error) {
        error = nl_send_auto(sock, msg);
    }
    nlmsg_free(msg);
    if (error >= 0) {
        nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM,
                            parse_state_msg, answer);
        error = nl_recvmsgs_default(sock);
        nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
    }
    nl_socket_enable_auto_ack(sock);
    if (error >= 0 && !answer->found) {
        error = -NLE_OBJ_NOTFOUND;
    }
    if (error < 0) {
        kerr = link_kerr;
        drop_link_socket();
        return set_nl_error(err, error, &kerr, "%s", what);
    }
    return 0;
}

/* Sends an RTM_NEWLINK that changes link 'ifname' (found by name): 'flags'
 * under 'change' in its ifinfomsg, and IFLA_MTU 'mtu' if nonzero, on the
 * shared socket, and waits for the kernel's ack: one round trip.  Returns
 * 0 or a negative errno value with 'err' set to "<what>: <reason>", 'what'
 * being the printf-style 'fmt'. */
static int __attribute__((format(printf, 6, 7)))
change_link(const char *ifname, unsigned int flags, unsigned int change,
            unsigned int mtu, struct error *err, const char *fmt, ...)
{
    struct kernel_error kerr;
    struct nl_sock *sock;
    struct nl_msg *msg;
    char what[512];
    va_list args;
    int error = 0;

    va_start(args, fmt);
    vsnprintf(what, sizeof what, fmt, args);
    va_end(args);

    error = get_link_socket(&sock, err);
    if (error) {
        return error_prefix(err, error, "%s", what);
    }
    msg = link_msg(RTM_NEWLINK, ifname, flags, change);
    if (!msg || (mtu && nla_put_u32(msg, IFLA_MTU, mtu) < 0)) {
        error = -NLE_INVAL;
    }
    if (!error) {
        error = nl_send_auto(sock, msg);
    }
    nlmsg_free(msg);
    if (error >= 0) {
        error = nl_wait_for_ack(sock);
    }
    if (error < 0) {
        kerr = link_kerr;
        drop_link_socket();
        return set_nl_error(err, error, &kerr, "%s", what);
    }
    return 0;
}

int
netlink_set_mtu(const char *ifname, unsigned int mtu, struct error *err)
{
    if (!mtu) {
        return error_set(err, -EINVAL, "Failed to set MTU of '%s' to 0: "
                         "not an MTU", ifname);
    }
    return change_link(ifname, 0, 0, mtu, err,
                       "Failed to set MTU of '%s' to %u", ifname, mtu);
}

int
netlink_get_state(const char *ifname, struct netlink_link_state *state,
                  struct error *err)
{
    struct link_answer answer;
    int error = query_link(ifname, &answer, err,
                           "Cannot read the state of '%s'", ifname);

    if (!error) {
        *state = answer.state;
    }
    return error;
}

/* What parse_states_msg() fills: the answers for the links in 'index'. */
struct states_answer {
    struct name_index *index;   /* Link name -> position in 'states'. */
    struct netlink_link_state *states;
    bool *found;
};

/* libnl valid-message callback for a dump of links: stores the state of
 * each link that 'answer_' (a struct states_answer) asks about. */
static int
parse_states_msg(struct nl_msg *msg, void *answer_)
{
    struct states_answer *answer = answer_;
    struct link_answer one;
    struct nlattr *name;
    size_t i;

    name = nlmsg_find_attr(nlmsg_hdr(msg), sizeof (struct ifinfomsg),
                           IFLA_IFNAME);
    if (!name) {
        return NL_SKIP;
    }
    i = name_index_find(answer->index, nla_get_string(name));
    if (i == NAME_INDEX_NONE) {
        return NL_SKIP;
    }
    memset(&one, 0, sizeof one);
    parse_state_msg(msg, &one);
    if (one.found) {
        answer->states[i] = one.state;
        answer->found[i] = true;
    }
    return NL_OK;
}

int
netlink_get_states(const char *const *names, size_t n,
                   struct netlink_link_state *states, bool *found,
                   struct error *err)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct states_answer answer;
    struct kernel_error kerr;
    struct nl_sock *sock;
    int error;

    memset(states, 0, n * sizeof *states);
    memset(found, 0, n * sizeof *found);
    if (!n) {
        return 0;
    }
    error = open_socket(&sock, &kerr, err);
    if (error) {
        return error_prefix(err, error, "Cannot read the state of %zu "
                            "links", n);
    }
    answer.index = name_index_create();
    answer.states = states;
    answer.found = found;
    for (size_t i = 0; i < n; i++) {
        name_index_add(answer.index, names[i], i);
    }
    for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
        memset(found, 0, n * sizeof *found);
        memset(&kerr, 0, sizeof kerr);
        error = dump(sock, RTM_GETLINK, &ifi, sizeof ifi,
                     RTEXT_FILTER_SKIP_STATS, parse_states_msg, &answer);
        if (error != -NLE_DUMP_INTR) {
            break;
        }
    }
    nl_socket_free(sock);
    name_index_destroy(answer.index);
    if (error < 0) {
        return set_nl_error(err, error, &kerr, "Cannot read the state of "
                            "%zu links (%s, ...)", n, names[0]);
    }
    return 0;
}

int
netlink_get_mtu(const char *ifname, unsigned int *mtup, struct error *err)
{
    struct netlink_link_state state = { 0 };
    int error = netlink_get_state(ifname, &state, err);

    if (!error) {
        *mtup = state.mtu;
    }
    return error;
}

int
netlink_set_up(const char *ifname, bool up, struct error *err)
{
    return change_link(ifname, up ? IFF_UP : 0, IFF_UP, 0, err,
                       "Failed to set '%s' %s", ifname, up ? "up" : "down");
}

/* Returns the monotonic clock in milliseconds. */
static long long
monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* What carrier_event() looks for in the link notifications. */
struct carrier_watch {
    int ifindex;                /* The link waited for. */
    bool up;                    /* It reported operstate "up". */
    bool gone;                  /* It was deleted. */
};

/* libnl valid-message callback for the RTNLGRP_LINK notifications of
 * netlink_wait_carrier(): notes in 'watch_' (a struct carrier_watch)
 * whether the link went operationally up or away. */
static int
carrier_event(struct nl_msg *msg, void *watch_)
{
    struct carrier_watch *watch = watch_;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *tb[IFLA_MAX + 1];
    const struct ifinfomsg *ifi;

    if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
        || nlmsg_parse(nlh, sizeof *ifi, tb, IFLA_MAX, NULL) < 0) {
        return NL_SKIP;
    }
    ifi = nlmsg_data(nlh);
    if (ifi->ifi_index != watch->ifindex) {
        return NL_SKIP;
    }
    if (nlh->nlmsg_type == RTM_DELLINK) {
        watch->gone = true;
    } else if (tb[IFLA_OPERSTATE] && nla_len(tb[IFLA_OPERSTATE]) >= 1) {
        watch->up = nla_get_u8(tb[IFLA_OPERSTATE]) == IF_OPER_UP;
    }
    return NL_OK;
}

/* Reads whether 'ifname' is operationally up into '*watch' (and its
 * ifindex).  Returns 0 or a negative errno value with 'err' set. */
static int
carrier_query(const char *ifname, struct carrier_watch *watch,
              struct error *err)
{
    struct link_answer answer;
    int error = query_link(ifname, &answer, err,
                           "Cannot read the state of '%s'", ifname);

    if (!error) {
        watch->ifindex = answer.ifindex;
        watch->up = answer.state.oper_up;
    }
    return error;
}

int
netlink_wait_carrier(const char *ifname, int timeout_ms, struct error *err)
{
    struct carrier_watch watch = { 0 };
    struct kernel_error kerr;
    struct nl_sock *events = NULL;
    long long deadline = monotonic_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    int error;

    /* Subscribe first, then read the state: a change between the two is
     * then in the queue, not lost. */
    error = open_socket(&events, &kerr, err);
    if (error || !events) {
        return error_prefix(err, error ? error : -ENOMEM,
                            "Cannot watch '%s' for its carrier",
                            ifname);
    }
    nl_socket_disable_seq_check(events);
    nl_socket_modify_cb(events, NL_CB_VALID, NL_CB_CUSTOM, carrier_event,
                        &watch);
    error = nl_socket_add_membership(events, RTNLGRP_LINK);
    if (!error) {
        error = nl_socket_set_nonblocking(events);
    }
    if (error < 0) {
        error = set_nl_error(err, error, &kerr, "Cannot watch '%s' for its "
                             "carrier", ifname);
        goto out;
    }

    error = carrier_query(ifname, &watch, err);
    while (!error && !watch.up) {
        struct pollfd pfd = { .fd = nl_socket_get_fd(events),
                              .events = POLLIN };
        long long left = deadline - monotonic_ms();
        int retval;

        if (left <= 0) {
            error = -ETIMEDOUT;
            break;
        }
        retval = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int) left);
        if (retval < 0 && errno != EINTR) {
            error = error_set(err, -errno, "Cannot watch '%s' for its "
                              "carrier: %s", ifname, strerror(errno));
        } else if (retval > 0) {
            retval = nl_recvmsgs_default(events);
            if (retval < 0 && retval != -NLE_AGAIN) {
                /* The queue overflowed (events were lost) or a message
                 * could not be read: ask. */
                error = carrier_query(ifname, &watch, err);
            } else if (watch.gone) {
                error = error_set(err, -ENODEV, "'%s' was deleted while "
                                  "waiting for its carrier", ifname);
            }
        }
    }

out:
    nl_socket_free(events);
    return error;
}
