/* A fake host backend: see fake-backend.h. */
#include "fake-backend.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_FAULTS 8
#define MAX_NO_CARRIER 8

struct fake_fault {
    enum fake_op op;
    char ifname[HOST_NAME_SIZE];    /* "" matches any interface. */
    int error;
    int skip;                   /* Matching calls left that succeed. */
    int times;                  /* Failures left; -1: for ever. */
};

struct fake_backend {
    struct backend up;
    struct host *host;          /* The model.  Owned. */

    bool connected;             /* A connection is held... */
    bool dead;                  /* ...but it was lost. */
    bool ovsdb_down;            /* Reconnecting is refused. */
    int drop_after;             /* OVSDB operations before the connection
                                 * dies, -1: never. */
    bool drop_stays_down;
    bool stalled;               /* vswitchd applies nothing. */

    struct fake_fault faults[MAX_FAULTS];
    size_t n_faults;
    char no_carrier[MAX_NO_CARRIER][HOST_NAME_SIZE];
    size_t n_no_carrier;

    fake_backend_hook *hook;
    void *aux;

    int counts[FAKE_OP_MAX];
    char *log;                  /* Owned, never NULL. */
    size_t log_len;
};

static struct fake_backend *
fake_cast(const struct backend *b)
{
    /* 'up' is the first member. */
    return (struct fake_backend *) b;
}

static void __attribute__((format(printf, 2, 3)))
fake_log(struct fake_backend *fb, const char *fmt, ...)
{
    char line[512];
    size_t n;
    va_list args;

    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    n = strlen(line);
    fb->log = xrealloc(fb->log, fb->log_len + n + 2);
    memcpy(fb->log + fb->log_len, line, n);
    fb->log_len += n;
    fb->log[fb->log_len++] = '\n';
    fb->log[fb->log_len] = '\0';
}

/* Counts 'op', runs the hook, and returns the error of a fault that fires
 * for 'op' on 'ifname', or 0. */
static int
fake_enter(struct fake_backend *fb, enum fake_op op, const char *ifname)
{
    fb->counts[op]++;
    if (fb->hook) {
        fb->hook(fb, op, ifname, fb->aux);
    }
    for (size_t i = 0; i < fb->n_faults; i++) {
        struct fake_fault *f = &fb->faults[i];

        if (f->op != op || !f->times
            || (f->ifname[0] && (!ifname || strcmp(f->ifname, ifname)))) {
            continue;
        }
        if (f->skip > 0) {
            f->skip--;
            continue;
        }
        if (f->times > 0) {
            f->times--;
        }
        return f->error;
    }
    return 0;
}

static int
fake_fault_error(int error, enum fake_op op, const char *ifname,
                 struct error *err)
{
    return error_set(err, error, "fake: operation %d on '%s' fails: %s",
                     (int) op, ifname ? ifname : "-", strerror(-error));
}

/* Counts an OVSDB operation against the connection, which may die now.
 * Returns 0 or -ECONNRESET. */
static int
fake_ovs_enter(struct fake_backend *fb, struct error *err)
{
    if (fb->drop_after >= 0 && !fb->drop_after--) {
        fb->dead = true;
        fb->ovsdb_down = fb->drop_stays_down;
    }
    if (fb->dead) {
        return error_set(err, -ECONNRESET, "fake: connection to OVSDB "
                         "lost");
    }
    return 0;
}

static struct host_ovs_iface *
fake_find_iface(struct fake_backend *fb, const char *ifname)
{
    return (struct host_ovs_iface *) host_find_ovs_iface(fb->host, ifname,
                                                         NULL, NULL);
}

static bool
fake_has_carrier(const struct fake_backend *fb, const char *ifname)
{
    for (size_t i = 0; i < fb->n_no_carrier; i++) {
        if (!strcmp(fb->no_carrier[i], ifname)) {
            return false;
        }
    }
    return true;
}

/* vswitchd applying the request of 'iface': the device takes the MTU, or
 * Interface.mtu stays where it was. */
static void
fake_vswitchd_apply(struct fake_backend *fb, struct host_ovs_iface *iface,
                    bool faults)
{
    struct host_link *link = host_find_link_mutable(fb->host, iface->name);

    if (!iface->has_mtu_request) {
        return;                 /* Cleared: the device keeps its MTU. */
    }
    if ((faults && fake_enter(fb, FAKE_VSWITCHD_SET_MTU, iface->name))
        || (link && link->max_mtu && iface->mtu_request > link->max_mtu)
        || (link && iface->mtu_request < link->min_mtu)) {
        return;
    }
    iface->has_mtu = true;
    iface->mtu = iface->mtu_request;
    if (link) {
        link->mtu = iface->mtu_request;
    }
}

static void
fake_destroy(struct backend *b)
{
    struct fake_backend *fb = fake_cast(b);

    host_destroy(fb->host);
    free(fb->log);
    free(fb);
}

static int
fake_read_host(struct backend *b, const char *remote, int timeout_ms,
               bool ovs_required, struct host **hostp, struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    struct host *host;
    int error = fake_enter(fb, FAKE_READ_HOST, NULL);

    (void) timeout_ms;
    if (error) {
        return fake_fault_error(error, FAKE_READ_HOST, NULL, err);
    }
    fb->connected = false;
    host = host_clone(fb->host);
    copy_string(host->ovs_remote, remote, sizeof host->ovs_remote);
    if (fb->ovsdb_down) {
        struct host *kernel_only = host_create();

        if (ovs_required) {
            host_destroy(host);
            host_destroy(kernel_only);
            return error_set(err, -ECONNREFUSED, "fake: OVSDB is down");
        }
        /* Keep the kernel side only. */
        kernel_only->links = host->links;
        kernel_only->n_links = host->n_links;
        host->links = NULL;
        host->n_links = 0;
        copy_string(kernel_only->ovs_remote, remote,
                    sizeof kernel_only->ovs_remote);
        copy_string(kernel_only->ovs_error, "fake: OVSDB is down",
                    sizeof kernel_only->ovs_error);
        host_destroy(host);
        *hostp = kernel_only;
        return 0;
    }
    host->ovs_reachable = true;
    fb->connected = true;
    fb->dead = false;
    *hostp = host;
    return 0;
}

static int
fake_ovs_connect(struct backend *b, const char *remote, int timeout_ms,
                 struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    int error = fake_enter(fb, FAKE_OVS_CONNECT, NULL);

    (void) timeout_ms;
    fb->connected = false;
    fb->dead = false;
    if (error) {
        return fake_fault_error(error, FAKE_OVS_CONNECT, NULL, err);
    }
    if (fb->ovsdb_down) {
        return error_set(err, -ECONNREFUSED, "fake: OVSDB at %s refuses "
                         "connections", remote);
    }
    fb->connected = true;
    return 0;
}

static void
fake_ovs_disconnect(struct backend *b)
{
    struct fake_backend *fb = fake_cast(b);

    fb->connected = false;
    fb->dead = false;
}

static bool
fake_ovs_connected(const struct backend *b)
{
    return fake_cast(b)->connected;
}

static int
fake_ovs_read(struct backend *b, struct host *host, struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    int error = fake_enter(fb, FAKE_OVS_READ, NULL);
    struct host *copy;
    struct host_ovs_bridge *bridges;
    size_t n_bridges;

    if (error) {
        return fake_fault_error(error, FAKE_OVS_READ, NULL, err);
    }
    error = fake_ovs_enter(fb, err);
    if (error) {
        return error;
    }
    /* Swap the bridges of a copy into 'host'; the copy frees the old. */
    copy = host_clone(fb->host);
    bridges = host->bridges;
    n_bridges = host->n_bridges;
    host->bridges = copy->bridges;
    host->n_bridges = copy->n_bridges;
    copy->bridges = bridges;
    copy->n_bridges = n_bridges;
    host->ovs_reachable = true;
    copy_string(host->ovs_version, copy->ovs_version,
                sizeof host->ovs_version);
    host->ovs_cur_cfg = copy->ovs_cur_cfg;
    host->ovs_next_cfg = copy->ovs_next_cfg;
    host_destroy(copy);
    return 0;
}

static int
fake_ovs_set_mtu_requests(struct backend *b,
                          const struct backend_mtu_change *changes, size_t n,
                          const char *comment, int timeout_ms,
                          bool *changedp, struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    struct host_ovs_iface **ifaces;
    bool changed = false;
    char line[1024];
    size_t len;
    int error = fake_enter(fb, FAKE_OVS_COMMIT, n ? changes[0].ifname : NULL);

    (void) comment;
    if (error) {
        return fake_fault_error(error, FAKE_OVS_COMMIT,
                                n ? changes[0].ifname : NULL, err);
    }
    error = fake_ovs_enter(fb, err);
    if (error) {
        return error;
    }
    /* An array of pointers.
     * NOLINTNEXTLINE(bugprone-sizeof-expression) */
    ifaces = xzalloc((n ? n : 1) * sizeof *ifaces);
    for (size_t i = 0; i < n; i++) {
        ifaces[i] = fake_find_iface(fb, changes[i].ifname);
        if (!ifaces[i]) {
            free(ifaces);
            return error_set(err, -ENOENT, "fake: no OVS interface named "
                             "'%s'; nothing committed", changes[i].ifname);
        }
        if (changes[i].set && !changes[i].mtu) {
            free(ifaces);
            return error_set(err, -EINVAL, "fake: MTU 0 for '%s'",
                             changes[i].ifname);
        }
    }
    len = (size_t) snprintf(line, sizeof line, "commit");
    for (size_t i = 0; i < n; i++) {
        struct host_ovs_iface *iface = ifaces[i];

        if (changes[i].set
            ? iface->has_mtu_request && iface->mtu_request == changes[i].mtu
            : !iface->has_mtu_request) {
            continue;
        }
        iface->has_mtu_request = changes[i].set;
        iface->mtu_request = changes[i].set ? changes[i].mtu : 0;
        changed = true;
        if (len < sizeof line) {
            len += (size_t) (changes[i].set
                             ? snprintf(line + len, sizeof line - len,
                                        " %s=%u", iface->name,
                                        changes[i].mtu)
                             : snprintf(line + len, sizeof line - len,
                                        " %s=clear", iface->name));
        }
    }
    if (!changed) {
        free(ifaces);
        return 0;
    }
    fake_log(fb, "%s", line);
    fb->host->ovs_next_cfg++;
    if (changedp) {
        *changedp = true;
    }
    if (fb->stalled) {
        free(ifaces);
        return error_set(err, -ETIMEDOUT, "fake: ovs-vswitchd did not apply "
                         "the transaction within %d ms", timeout_ms);
    }
    for (size_t i = 0; i < n; i++) {
        fake_vswitchd_apply(fb, ifaces[i], true);
    }
    fb->host->ovs_cur_cfg = fb->host->ovs_next_cfg;
    free(ifaces);
    return 0;
}

static int
fake_ovs_wait_mtu(struct backend *b, const char *ifname, unsigned int mtu,
                  int timeout_ms, unsigned int *seenp, struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    const struct host_ovs_iface *iface;
    int error = fake_enter(fb, FAKE_OVS_WAIT_MTU, ifname);

    if (error) {
        return fake_fault_error(error, FAKE_OVS_WAIT_MTU, ifname, err);
    }
    error = fake_ovs_enter(fb, err);
    if (error) {
        return error;
    }
    iface = fake_find_iface(fb, ifname);
    if (!iface) {
        return error_set(err, -ENOENT, "fake: no OVS interface named '%s'",
                         ifname);
    }
    if (seenp) {
        *seenp = iface->has_mtu ? iface->mtu : 0;
    }
    if (iface->has_mtu && iface->mtu == mtu) {
        return 0;
    }
    return error_set(err, -ETIMEDOUT, "fake: Interface.mtu of '%s' did not "
                     "reach %u within %d ms", ifname, mtu, timeout_ms);
}

static struct host_link *
fake_find_link(struct fake_backend *fb, const char *ifname,
               struct error *err)
{
    struct host_link *link = host_find_link_mutable(fb->host, ifname);

    if (!link) {
        error_set(err, -ENODEV, "fake: no link named '%s'", ifname);
    }
    return link;
}

static int
fake_link_get_state(struct backend *b, const char *ifname,
                    struct backend_link_state *state, struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    const struct host_link *link;
    int error = fake_enter(fb, FAKE_LINK_GET_STATE, ifname);

    if (error) {
        return fake_fault_error(error, FAKE_LINK_GET_STATE, ifname, err);
    }
    link = fake_find_link(fb, ifname, err);
    if (!link) {
        return -ENODEV;
    }
    state->mtu = link->mtu;
    state->admin_up = link->up;
    state->oper_up = !strcmp(link->operstate, "up");
    return 0;
}

static int
fake_link_wait_carrier(struct backend *b, const char *ifname, int timeout_ms,
                       struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    const struct host_link *link;
    int error = fake_enter(fb, FAKE_LINK_WAIT_CARRIER, ifname);

    (void) timeout_ms;
    if (error) {
        return fake_fault_error(error, FAKE_LINK_WAIT_CARRIER, ifname, err);
    }
    link = fake_find_link(fb, ifname, err);
    if (!link) {
        return -ENODEV;
    }
    return strcmp(link->operstate, "up") ? -ETIMEDOUT : 0;
}

static int
fake_link_get_mtu(struct backend *b, const char *ifname, unsigned int *mtup,
                  struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    const struct host_link *link;
    int error = fake_enter(fb, FAKE_LINK_GET_MTU, ifname);

    if (error) {
        return fake_fault_error(error, FAKE_LINK_GET_MTU, ifname, err);
    }
    link = fake_find_link(fb, ifname, err);
    if (!link) {
        return -ENODEV;
    }
    *mtup = link->mtu;
    return 0;
}

static int
fake_link_set_mtu(struct backend *b, const char *ifname, unsigned int mtu,
                  struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    struct host_link *link;
    int error = fake_enter(fb, FAKE_LINK_SET_MTU, ifname);

    if (error) {
        return error_set(err, error, "Failed to set MTU of '%s' to %u: %s",
                         ifname, mtu, strerror(-error));
    }
    link = fake_find_link(fb, ifname, err);
    if (!link) {
        return -ENODEV;
    }
    if ((link->max_mtu && mtu > link->max_mtu) || mtu < link->min_mtu) {
        return error_set(err, -EINVAL, "Failed to set MTU of '%s' to %u: "
                         "%s", ifname, mtu, strerror(EINVAL));
    }
    link->mtu = mtu;
    fake_log(fb, "mtu %s %u", ifname, mtu);
    return 0;
}

static int
fake_link_set_up(struct backend *b, const char *ifname, bool up,
                 struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    struct host_link *link;
    int error = fake_enter(fb, FAKE_LINK_SET_UP, ifname);

    if (error) {
        return fake_fault_error(error, FAKE_LINK_SET_UP, ifname, err);
    }
    link = fake_find_link(fb, ifname, err);
    if (!link) {
        return -ENODEV;
    }
    link->up = up;
    copy_string(link->operstate,
                up && fake_has_carrier(fb, ifname) ? "up" : "down",
                sizeof link->operstate);
    fake_log(fb, "%s %s", up ? "up" : "down", ifname);
    return 0;
}

static int
fake_lro_get(struct backend *b, const char *ifname, enum lro_state *statep,
             struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    const struct host_link *link;
    int error = fake_enter(fb, FAKE_LRO_GET, ifname);

    if (error) {
        return fake_fault_error(error, FAKE_LRO_GET, ifname, err);
    }
    link = fake_find_link(fb, ifname, err);
    if (!link) {
        return -ENODEV;
    }
    if (link->lro == LRO_UNKNOWN) {
        return error_set(err, -EOPNOTSUPP, "fake: '%s' has no LRO", ifname);
    }
    *statep = link->lro;
    return 0;
}

static int
fake_lro_set(struct backend *b, const char *ifname, bool on,
             struct error *err)
{
    struct fake_backend *fb = fake_cast(b);
    struct host_link *link;
    int error = fake_enter(fb, FAKE_LRO_SET, ifname);

    if (error) {
        return fake_fault_error(error, FAKE_LRO_SET, ifname, err);
    }
    link = fake_find_link(fb, ifname, err);
    if (!link) {
        return -ENODEV;
    }
    if (link->lro == LRO_UNKNOWN || link->lro == LRO_FIXED_ON
        || link->lro == LRO_FIXED_OFF) {
        return error_set(err, -EOPNOTSUPP, "fake: LRO of '%s' cannot be "
                         "changed", ifname);
    }
    link->lro = on ? LRO_ON : LRO_OFF;
    fake_log(fb, "lro %s %s", ifname, on ? "on" : "off");
    return 0;
}

/* The fake host has no OVSDB to watch: a monitor only waits on 'fds'. */
static void
fake_monitor_start(struct backend *b, const char *remote)
{
    (void) b;
    (void) remote;
}

static void
fake_monitor_wait(struct backend *b, const int *fds, size_t n_fds,
                  int timeout_ms)
{
    struct pollfd *pfds = xzalloc((n_fds ? n_fds : 1) * sizeof *pfds);

    (void) b;
    for (size_t i = 0; i < n_fds; i++) {
        pfds[i].fd = fds[i];
        pfds[i].events = POLLIN;
    }
    (void) poll(pfds, n_fds, timeout_ms);
    free(pfds);
}

static bool
fake_monitor_run(struct backend *b, bool *connectedp)
{
    (void) b;
    *connectedp = false;
    return false;
}

static const struct backend_class fake_class = {
    .name = "fake",
    .destroy = fake_destroy,
    .read_host = fake_read_host,
    .ovs_connect = fake_ovs_connect,
    .ovs_disconnect = fake_ovs_disconnect,
    .ovs_connected = fake_ovs_connected,
    .ovs_read = fake_ovs_read,
    .ovs_set_mtu_requests = fake_ovs_set_mtu_requests,
    .ovs_wait_mtu = fake_ovs_wait_mtu,
    .link_get_state = fake_link_get_state,
    .link_get_mtu = fake_link_get_mtu,
    .link_set_mtu = fake_link_set_mtu,
    .link_set_up = fake_link_set_up,
    .link_wait_carrier = fake_link_wait_carrier,
    .lro_get = fake_lro_get,
    .lro_set = fake_lro_set,
    .monitor_start = fake_monitor_start,
    .monitor_wait = fake_monitor_wait,
    .monitor_run = fake_monitor_run,
};

struct fake_backend *
fake_backend_create(const struct host *host)
{
    struct fake_backend *fb = xzalloc(sizeof *fb);

    fb->up.class = &fake_class;
    fb->host = host_clone(host);
    fb->drop_after = -1;
    fb->log = xzalloc(1);
    return fb;
}

struct backend *
fake_backend_up(struct fake_backend *fb)
{
    return &fb->up;
}

struct host *
fake_backend_host(struct fake_backend *fb)
{
    return fb->host;
}

void
fake_backend_fail(struct fake_backend *fb, enum fake_op op,
                  const char *ifname, int error, int skip, int times)
{
    struct fake_fault *f;

    if (fb->n_faults >= MAX_FAULTS) {
        abort();
    }
    f = &fb->faults[fb->n_faults++];
    f->op = op;
    copy_string(f->ifname, ifname ? ifname : "", sizeof f->ifname);
    f->error = error;
    f->skip = skip;
    f->times = times;
}

void
fake_backend_stall_vswitchd(struct fake_backend *fb, bool stalled)
{
    fb->stalled = stalled;
}

void
fake_backend_drop_connection(struct fake_backend *fb, int after,
                             bool stays_down)
{
    fb->drop_after = after;
    fb->drop_stays_down = stays_down;
}

void
fake_backend_lose_carrier(struct fake_backend *fb, const char *ifname)
{
    if (fb->n_no_carrier >= MAX_NO_CARRIER) {
        abort();
    }
    copy_string(fb->no_carrier[fb->n_no_carrier++], ifname,
                sizeof fb->no_carrier[0]);
}

void
fake_backend_set_hook(struct fake_backend *fb, fake_backend_hook *hook,
                      void *aux)
{
    fb->hook = hook;
    fb->aux = aux;
}

bool
fake_backend_request(struct fake_backend *fb, const char *ifname, bool set,
                     unsigned int mtu)
{
    struct host_ovs_iface *iface = fake_find_iface(fb, ifname);

    if (!iface) {
        return false;
    }
    iface->has_mtu_request = set;
    iface->mtu_request = set ? mtu : 0;
    fb->host->ovs_next_cfg++;
    if (!fb->stalled) {
        fake_vswitchd_apply(fb, iface, false);
        fb->host->ovs_cur_cfg = fb->host->ovs_next_cfg;
    }
    return true;
}

const char *
fake_backend_log(const struct fake_backend *fb)
{
    return fb->log;
}

int
fake_backend_count(const struct fake_backend *fb, enum fake_op op)
{
    return fb->counts[op];
}

bool
fake_backend_connected(const struct fake_backend *fb)
{
    return fb->connected && !fb->dead;
}
