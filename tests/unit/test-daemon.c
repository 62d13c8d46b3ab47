/* Unit tests of what the daemon decides without a host: when a burst of
 * events becomes a pass (debounce.c), which repeated log lines are held
 * back (ratelimit.c, and log.c through it), that the fake backend's
 * monitor waits on the daemon's descriptors, and which link facts the link
 * cache keeps between passes (link-cache.c, on a sysfs fixture tree). */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "debounce.h"
#include "fake-backend.h"
#include "host.h"
#include "link-cache.h"
#include "link-monitor.h"
#include "log.h"
#include "ratelimit.h"
#include "sysfs.h"
#include "testlib.h"
#include "util.h"

static void
test_debounce(void)
{
    struct debounce d;

    debounce_init(&d, 20, 250);
    test_report(debounce_timeout(&d, 1000) == -1 && !debounce_due(&d, 1000),
                NULL, "debounce: nothing pending, wait without a bound");

    debounce_event(&d, 1000);
    test_report(debounce_timeout(&d, 1000) == 20, NULL,
                "debounce: one event, a pass after the quiet time");
    test_report(!debounce_due(&d, 1019) && debounce_due(&d, 1020), NULL,
                "debounce: due exactly when the quiet time ends");

    /* A burst: an event every 10 ms keeps putting the pass off... */
    for (long long t = 1010; t <= 1200; t += 10) {
        debounce_event(&d, t);
        if (debounce_due(&d, t)) {
            test_report(false, NULL, "debounce: a burst is one pass at "
                        "its end (due at %lld)", t);
            return;
        }
    }
    test_report(debounce_timeout(&d, 1200) == 20, NULL,
                "debounce: a burst is one pass at its end");
    /* ...but not past the bound after its first event. */
    for (long long t = 1210; t < 1250; t += 10) {
        debounce_event(&d, t);
    }
    test_report(debounce_timeout(&d, 1240) == 10 && debounce_due(&d, 1250),
                NULL, "debounce: a steady trickle still gets a pass "
                "250 ms after its first event");

    debounce_clear(&d);
    test_report(debounce_timeout(&d, 1300) == -1, NULL,
                "debounce: a pass clears what was pending");
    debounce_event(&d, 5000);
    test_report(debounce_timeout(&d, 5000) == 20, NULL,
                "debounce: the next burst counts from its own first event");
}

/* The daemon's two quiet times: short after idling, long for what came
 * while a pass ran. */
static void
test_debounce_busy(void)
{
    struct debounce d;

    debounce_init(&d, 2, 1000);
    debounce_set_busy_quiet(&d, 20);
    debounce_event(&d, 100);
    test_report(debounce_timeout(&d, 100) == 2, NULL,
                "debounce: an event after idling, a pass 2 ms later");
    debounce_clear(&d);
    debounce_event_busy(&d, 200);
    test_report(debounce_timeout(&d, 200) == 20 && !debounce_due(&d, 219)
                && debounce_due(&d, 220), NULL,
                "debounce: an event during a pass waits the busy quiet time");
    debounce_event(&d, 210);
    test_report(debounce_timeout(&d, 210) == 20, NULL,
                "debounce: the burst keeps the busy quiet time");
    debounce_clear(&d);
    debounce_event(&d, 300);
    test_report(debounce_timeout(&d, 300) == 2, NULL,
                "debounce: a pass ends the busy quiet time");
}

static void
test_ratelimit(void)
{
    struct ratelimit rl;
    char msg[32];
    bool ok = true;

    ratelimit_init(&rl, 1000);
    test_report(ratelimit_allow(&rl, "refused: eth0", 0), NULL,
                "ratelimit: the first time, a message is logged");
    test_report(!ratelimit_allow(&rl, "refused: eth0", 999), NULL,
                "ratelimit: the same text within the window is held back");
    test_report(ratelimit_allow(&rl, "refused: eth1", 999), NULL,
                "ratelimit: another text is logged");
    test_report(ratelimit_allow(&rl, "refused: eth0", 1000), NULL,
                "ratelimit: after the window, the same text is logged again");
    test_report(!ratelimit_allow(&rl, "refused: eth0", 1500), NULL,
                "ratelimit: the window counts from when it was last logged");

    /* More messages than slots: the oldest is forgotten, the newest
     * still held back. */
    ratelimit_init(&rl, 1000000);
    for (int i = 0; i < RATELIMIT_SLOTS + 1; i++) {
        snprintf(msg, sizeof msg, "message %d", i);
        ok &= ratelimit_allow(&rl, msg, i);
    }
    test_report(ok, NULL, "ratelimit: %d different texts are all logged",
                RATELIMIT_SLOTS + 1);
    snprintf(msg, sizeof msg, "message %d", RATELIMIT_SLOTS);
    test_report(!ratelimit_allow(&rl, msg, RATELIMIT_SLOTS + 1), NULL,
                "ratelimit: a full memory still holds back the newest");
    test_report(ratelimit_allow(&rl, "message 0", RATELIMIT_SLOTS + 1), NULL,
                "ratelimit: a full memory forgets the oldest");
}

/* Counts the lines of 'path' that contain 'needle'. */
static int
count_lines(const char *path, const char *needle)
{
    char *text = test_read_file(path);
    int n = 0;

    for (const char *p = text; p && (p = strstr(p, needle)); p++) {
        n++;
    }
    free(text);
    return n;
}

static void
test_log_ratelimit(void)
{
    char path[] = "/tmp/test-daemon-log.XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(STDERR_FILENO);

    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    log_set_ratelimit(true, 60000);
    log_warn("refused: %s", "eth9 stays");
    log_warn("refused: %s", "eth9 stays");
    log_change("eth9: MTU %u -> %u", 1500, 9000);
    log_change("eth9: MTU %u -> %u", 1500, 9000);
    log_set_ratelimit(false, 60000);
    log_warn("refused: %s", "eth9 stays");
    log_set_ratelimit(true, 60000);
    log_warn("refused: %s", "eth9 stays");
    log_set_ratelimit(false, 0);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);

    test_report(count_lines(path, "refused: eth9 stays") == 2, NULL,
                "log: with the rate limit, a repeated warning is logged "
                "once (and again while the limit is off, but not when it "
                "is on again: the memory is kept)");
    test_report(count_lines(path, "eth9: MTU 1500 -> 9000") == 2, NULL,
                "log: a change is logged every time, rate limit or not");
    unlink(path);
}

static void
test_is_repeat(void)
{
    bool first, second, other;

    first = log_is_repeat("cannot connect");
    second = log_is_repeat("cannot connect");
    test_report(!first && !second, NULL, "log: no rate limit, no repeat");
    log_set_ratelimit(true, 1000);
    /* One call each, in this order: the first is new, the second is its
     * repeat (log_is_repeat() remembers what it saw). */
    first = log_is_repeat("cannot connect");
    second = log_is_repeat("cannot connect");
    other = log_is_repeat("cannot read");
    test_report(!first && second && !other, NULL,
                "log: under the rate limit, the second identical error "
                "is a repeat, another is not");
    log_set_ratelimit(false, 0);
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void
test_fake_monitor(void)
{
    struct host *host = host_create();
    struct fake_backend *fb = fake_backend_create(host);
    struct backend *b = fake_backend_up(fb);
    int fds[2];
    bool connected = true;
    long long start;

    if (pipe(fds)) {
        test_report(false, "pipe", "fake monitor");
        return;
    }
    backend_monitor_start(b, "unix:/nonexistent");
    start = now_ms();
    backend_monitor_wait(b, fds, 1, 30);
    test_report(now_ms() - start >= 25, NULL,
                "fake monitor: nothing readable, the wait lasts its timeout");
    test_report(write(fds[1], "x", 1) == 1, NULL, "fake monitor: write");
    start = now_ms();
    backend_monitor_wait(b, fds, 1, 5000);
    test_report(now_ms() - start < 1000, NULL,
                "fake monitor: a readable descriptor ends the wait");
    test_report(!backend_monitor_run(b, &connected) && !connected, NULL,
                "fake monitor: no OVSDB, no change, not connected");
    close(fds[0]);
    close(fds[1]);
    backend_destroy(b);
    host_destroy(host);
}

/* Runs the shell command of the printf-style 'fmt'.  Returns true if it
 * exited 0. */
static bool __attribute__((format(printf, 1, 2)))
run_cmd(const char *fmt, ...)
{
    char cmd[1024];
    va_list args;

    va_start(args, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, args);
    va_end(args);
    return system(cmd) == 0;
}

/* Writes 'text' to the file 'path' under 'root'.  Returns true on
 * success. */
static bool
put_file(const char *root, const char *path, const char *text)
{
    char *full = xasprintf("%s%s", root, path);
    FILE *file = fopen(full, "w");
    bool ok = file && fputs(text, file) >= 0;

    ok = file && !fclose(file) && ok;
    free(full);
    return ok;
}

/* Returns a host as a pass's netlink read leaves it: NIC "eth9"
 * (ifindex 9, of 'kind') and tap "tap10" (ifindex 10), no facts yet. */
static struct host *
netlink_host(const char *eth_name, enum link_kind kind)
{
    struct host *host = host_create();
    struct host_link *link = host_add_link(host, eth_name);

    link->ifindex = 9;
    link->kind = kind;
    link = host_add_link(host, "tap10");
    link->ifindex = 10;
    link->kind = LINK_KIND_TUN;
    return host;
}

/* One pass's read through 'cache': returns the links read, and the PCI
 * vendor of link 0 (0 if none) and the host's ip_forward in '*vendorp' and
 * '*forwardp'. */
static size_t
cache_pass(struct link_cache *cache, const char *eth_name,
           enum link_kind kind, unsigned int *vendorp, int *forwardp)
{
    struct host *host = netlink_host(eth_name, kind);
    size_t n = link_cache_read_host(cache, host);

    *vendorp = host->links[0].has_pci ? host->links[0].pci_vendor : 0;
    *forwardp = host->sysctls.ip_forward;
    host_destroy(host);
    return n;
}

/* link-cache.c: a link's facts are read once, kept until the link is
 * forgotten (a NEWLINK or DELLINK of its ifindex), renamed or of another
 * kind; the host-wide facts are read at every pass. */
static void
test_link_cache(void)
{
    char root[] = "/tmp/test-daemon.XXXXXX";
    struct link_cache *cache;
    unsigned int vendor;
    int forward;
    size_t n;
    bool ok;

    if (!mkdtemp(root)) {
        test_report(false, strerror(errno), "link cache: mkdtemp");
        return;
    }
    ok = (run_cmd("mkdir -p %s/sys/class/net/eth9/device %s/proc/sys/net/"
                  "ipv4 && ln -s ../../../../bus/pci %s/sys/class/net/eth9/"
                  "device/subsystem", root, root, root)
          && put_file(root, "/sys/class/net/eth9/device/vendor", "0x8086\n")
          && put_file(root, "/sys/class/net/eth9/device/device", "0x10fb\n")
          && put_file(root, "/proc/sys/net/ipv4/ip_forward", "1\n"));
    test_report(ok, NULL, "link cache: fixture built in %s", root);
    sysfs_set_root(root);
    cache = link_cache_create();

    n = cache_pass(cache, "eth9", LINK_KIND_ETHER, &vendor, &forward);
    test_report(n == 2 && vendor == 0x8086 && forward == 1, NULL,
                "link cache: the first pass reads both links (read %zu, "
                "vendor %04x, ip_forward %d)", n, vendor, forward);

    /* The NIC's facts change without a link event: the cache keeps
     * them; the sysctl is read again. */
    put_file(root, "/sys/class/net/eth9/device/vendor", "0x15b3\n");
    put_file(root, "/proc/sys/net/ipv4/ip_forward", "0\n");
    n = cache_pass(cache, "eth9", LINK_KIND_ETHER, &vendor, &forward);
    test_report(n == 0 && vendor == 0x8086, NULL,
                "link cache: a pass without link events reads no link and "
                "has the cached facts (read %zu, vendor %04x)", n, vendor);
    test_report(forward == 0, NULL, "link cache: the sysctls are read at "
                "every pass (ip_forward %d, want 0)", forward);

    link_cache_forget(cache, 10);
    n = cache_pass(cache, "eth9", LINK_KIND_ETHER, &vendor, &forward);
    test_report(n == 1 && vendor == 0x8086, NULL,
                "link cache: forgetting ifindex 10 re-reads that link only "
                "(read %zu, vendor %04x)", n, vendor);

    link_cache_forget(cache, 9);
    n = cache_pass(cache, "eth9", LINK_KIND_ETHER, &vendor, &forward);
    test_report(n == 1 && vendor == 0x15b3, NULL,
                "link cache: a forgotten link is read again (read %zu, "
                "vendor %04x, want 15b3)", n, vendor);

    n = cache_pass(cache, "eth9x", LINK_KIND_ETHER, &vendor, &forward);
    test_report(n == 1, NULL, "link cache: the same ifindex under another "
                "name is read again (read %zu)", n);
    n = cache_pass(cache, "eth9x", LINK_KIND_BRIDGE, &vendor, &forward);
    test_report(n == 1, NULL, "link cache: the same link of another kind "
                "is read again (read %zu)", n);

    link_cache_clear(cache);
    n = cache_pass(cache, "eth9", LINK_KIND_ETHER, &vendor, &forward);
    test_report(n == 2 && vendor == 0x15b3, NULL,
                "link cache: after a clear every link is read (read %zu)", n);

    link_cache_destroy(cache);
    sysfs_set_root(NULL);
    run_cmd("rm -rf %s", root);
}

/* A link notification as the kernel sends one: 'type' (RTM_NEWLINK or
 * RTM_DELLINK) of 'ifindex' named 'name', with IFLA_MTU 'mtu', IFLA_MASTER
 * 'master' (none if 0) and IFF_UP if 'up'. */
struct fake_notification {
    struct nlmsghdr nh;
    struct ifinfomsg ifi;
    char attrs[128];
};

static size_t
fake_notification(struct fake_notification *msg, int type, int ifindex,
                  const char *name, unsigned int mtu, int master, bool up,
                  const char *kind)
{
    struct rtattr *rta;
    size_t len = 0;

    memset(msg, 0, sizeof *msg);
    msg->ifi.ifi_family = AF_UNSPEC;
    msg->ifi.ifi_index = ifindex;
    msg->ifi.ifi_flags = up ? IFF_UP : 0;

    rta = (struct rtattr *) (msg->attrs + len);
    rta->rta_type = IFLA_IFNAME;
    rta->rta_len = RTA_LENGTH(strlen(name) + 1);
    memcpy(RTA_DATA(rta), name, strlen(name) + 1);
    len += RTA_ALIGN(rta->rta_len);

    rta = (struct rtattr *) (msg->attrs + len);
    rta->rta_type = IFLA_MTU;
    rta->rta_len = RTA_LENGTH(4);
    memcpy(RTA_DATA(rta), &mtu, 4);
    len += RTA_ALIGN(rta->rta_len);

    if (master) {
        rta = (struct rtattr *) (msg->attrs + len);
        rta->rta_type = IFLA_MASTER;
        rta->rta_len = RTA_LENGTH(4);
        memcpy(RTA_DATA(rta), &master, 4);
        len += RTA_ALIGN(rta->rta_len);
    }
    if (kind) {
        struct rtattr *info;

        rta = (struct rtattr *) (msg->attrs + len);
        rta->rta_type = IFLA_LINKINFO;
        info = RTA_DATA(rta);
        info->rta_type = IFLA_INFO_KIND;
        info->rta_len = RTA_LENGTH(strlen(kind) + 1);
        memcpy(RTA_DATA(info), kind, strlen(kind) + 1);
        rta->rta_len = RTA_LENGTH(RTA_ALIGN(info->rta_len));
        len += RTA_ALIGN(rta->rta_len);
    }
    msg->nh.nlmsg_type = type;
    msg->nh.nlmsg_len = NLMSG_LENGTH(sizeof msg->ifi + len);
    return msg->nh.nlmsg_len;
}

/* Sends one notification over 'fds[1]' and returns what
 * link_monitor_drain() of 'fds[0]' counts with 'own'. */
static int
drain_one(const int fds[2], const struct link_monitor_own *own, int type,
          int ifindex, const char *name, unsigned int mtu, int master,
          bool up)
{
    struct fake_notification msg;
    size_t len = fake_notification(&msg, type, ifindex, name, mtu, master,
                                   up, NULL);
    struct error err;

    error_clear(&err);
    if (send(fds[1], &msg, len, 0) != (ssize_t) len) {
        return -1;
    }
    return link_monitor_drain(fds[0], NULL, own, own ? 1 : 0, &err);
}

/* link-monitor.c: a notification is the pass's own change only if it
 * shows the link exactly as the pass left it. */
static void
test_link_monitor_own(void)
{
    struct link_monitor_own own = {
        .ifindex = 5, .name = "tap5", .mtu = 9000, .master_ifindex = 3,
        .up = true,
    };
    int fds[2];

    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds)) {
        test_report(false, strerror(errno), "link monitor: socketpair");
        return;
    }
    test_report(drain_one(fds, &own, RTM_NEWLINK, 5, "tap5", 9000, 3, true)
                == 0, NULL, "link monitor: the pass's own MTU change is not "
                "counted");
    test_report(drain_one(fds, NULL, RTM_NEWLINK, 5, "tap5", 9000, 3, true)
                == 1, NULL, "link monitor: without a pass's links, it is");
    test_report(drain_one(fds, &own, RTM_NEWLINK, 5, "tap5", 1500, 3, true)
                == 1, NULL, "link monitor: the same link at another MTU is "
                "counted");
    test_report(drain_one(fds, &own, RTM_NEWLINK, 5, "tap5", 9000, 4, true)
                == 1, NULL, "link monitor: the same link on another bridge "
                "is counted");
    test_report(drain_one(fds, &own, RTM_NEWLINK, 5, "tap5", 9000, 0, true)
                == 1, NULL, "link monitor: the same link out of its bridge "
                "is counted");
    test_report(drain_one(fds, &own, RTM_NEWLINK, 5, "tap5", 9000, 3, false)
                == 1, NULL, "link monitor: the same link gone down is "
                "counted");
    test_report(drain_one(fds, &own, RTM_NEWLINK, 5, "tap6", 9000, 3, true)
                == 1, NULL, "link monitor: the same ifindex renamed is "
                "counted");
    test_report(drain_one(fds, &own, RTM_DELLINK, 5, "tap5", 9000, 3, true)
                == 1, NULL, "link monitor: the link's removal is counted");
    test_report(drain_one(fds, &own, RTM_NEWLINK, 6, "tap5", 9000, 3, true)
                == 1, NULL, "link monitor: another ifindex is counted");
    close(fds[0]);
    close(fds[1]);
}

/* Sends a RTM_NEWLINK of a link of 'kind' (NULL: none) with 'master' and
 * 'up' over 'fds[1]' and returns what link_monitor_drain() counts. */
static int
drain_kind(const int fds[2], const char *kind, int master, bool up)
{
    struct fake_notification msg;
    size_t len = fake_notification(&msg, RTM_NEWLINK, 7, "vnet7", 1500,
                                   master, up, kind);
    struct error err;

    error_clear(&err);
    if (send(fds[1], &msg, len, 0) != (ssize_t) len) {
        return -1;
    }
    return link_monitor_drain(fds[0], NULL, NULL, 0, &err);
}

/* link-monitor.c: a tap just created (down, in no bridge) needs no pass;
 * the same tap in a bridge or up, or another kind of link, does. */
static void
test_link_monitor_new_tap(void)
{
    int fds[2];

    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds)) {
        test_report(false, strerror(errno), "link monitor: socketpair");
        return;
    }
    test_report(drain_kind(fds, "tun", 0, false) == 0, NULL,
                "link monitor: a new tap, down and in no bridge, is not "
                "counted");
    test_report(drain_kind(fds, "tun", 3, false) == 1, NULL,
                "link monitor: a tap put in a bridge is counted");
    test_report(drain_kind(fds, "tun", 0, true) == 1, NULL,
                "link monitor: a tap brought up is counted");
    test_report(drain_kind(fds, "veth", 0, false) == 1, NULL,
                "link monitor: a new veth is counted");
    test_report(drain_kind(fds, NULL, 0, false) == 1, NULL,
                "link monitor: a link of no kind is counted");
    test_report(drain_kind(fds, "tunnel", 0, false) == 1, NULL,
                "link monitor: the kind is compared whole");
    close(fds[0]);
    close(fds[1]);
}

int
main(void)
{
    test_debounce();
    test_debounce_busy();
    test_ratelimit();
    test_log_ratelimit();
    test_is_repeat();
    test_fake_monitor();
    test_link_cache();
    test_link_monitor_own();
    test_link_monitor_new_tap();
    return test_exit_status();
}
