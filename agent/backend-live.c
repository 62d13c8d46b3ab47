/* The live host backend: see backend.h.  Wraps the adapters (inventory.c,
 * vswitch.c, netlink.c, ethtool.c) and holds the OVSDB connection. */
#include "backend.h"

#include <errno.h>
#include <stdlib.h>

#include "ethtool.h"
#include "inventory.h"
#include "netlink.h"
#include "util.h"
#include "vswitch.h"

struct backend_live {
    struct backend up;
    struct vswitch *vs;         /* Owned; NULL when not connected. */
    struct vswitch_monitor *mon;/* Owned; the daemon's watch, or NULL. */
};

static struct backend_live *
backend_live_cast(const struct backend *b)
{
    /* 'up' is the first member. */
    return (struct backend_live *) b;
}

static void
live_destroy(struct backend *b)
{
    struct backend_live *live = backend_live_cast(b);

    vswitch_close(live->vs);
    vswitch_monitor_destroy(live->mon);
    free(live);
}

static int
live_read_host(struct backend *b, const char *remote, int timeout_ms,
               bool ovs_required, struct host **hostp, struct error *err)
{
    struct backend_live *live = backend_live_cast(b);

    int error;

    /* A connection still open from the previous run (the daemon's) is
     * reused: no reconnection and no full copy of the database.  The
     * daemon's monitor watches it too. */
    error = inventory_read(remote, timeout_ms, ovs_required, hostp,
                           &live->vs, err);
    vswitch_monitor_read(live->mon, live->vs);
    return error;
}

static int
live_ovs_connect(struct backend *b, const char *remote, int timeout_ms,
                 struct error *err)
{
    struct backend_live *live = backend_live_cast(b);

    vswitch_close(live->vs);
    live->vs = NULL;
    vswitch_monitor_forget(live->mon);
    return vswitch_open(remote, timeout_ms, &live->vs, err);
}

static void
live_ovs_disconnect(struct backend *b)
{
    struct backend_live *live = backend_live_cast(b);

    vswitch_close(live->vs);
    live->vs = NULL;
    vswitch_monitor_forget(live->mon);
}

static bool
live_ovs_connected(const struct backend *b)
{
    return backend_live_cast(b)->vs != NULL;
}

static int
live_ovs_read(struct backend *b, struct host *host, struct error *err)
{
    return vswitch_read(backend_live_cast(b)->vs, host, err);
}

static int
live_ovs_set_mtu_requests(struct backend *b,
                          const struct backend_mtu_change *changes, size_t n,
                          const char *comment, int timeout_ms,
                          bool *changedp, struct error *err)
{
    struct vswitch_mtu_change *vchanges = xzalloc((n ? n : 1)
                                                  * sizeof *vchanges);
    int error;

    for (size_t i = 0; i < n; i++) {
        vchanges[i].ifname = changes[i].ifname;
        vchanges[i].set = changes[i].set;
        vchanges[i].mtu = changes[i].mtu;
    }
    error = vswitch_set_mtu_requests(backend_live_cast(b)->vs, vchanges, n,
                                     comment, timeout_ms, changedp, err);
    free(vchanges);
    return error;
}

static int
live_ovs_wait_mtu(struct backend *b, const char *ifname, unsigned int mtu,
                  int timeout_ms, unsigned int *seenp, struct error *err)
{
    return vswitch_wait_mtu(backend_live_cast(b)->vs, ifname, mtu, timeout_ms,
                            seenp, err);
}

static int
live_link_get_state(struct backend *b, const char *ifname,
                    struct backend_link_state *state, struct error *err)
{
    struct netlink_link_state nl;
    int error = netlink_get_state(ifname, &nl, err);

    (void) b;
    if (!error) {
        state->mtu = nl.mtu;
        state->admin_up = nl.admin_up;
        state->oper_up = nl.oper_up;
    }
    return error;
}

static int
live_link_get_mtus(struct backend *b, const char *const *ifnames,
                   size_t n, unsigned int *mtus, int *errors,
                   struct error *err)
{
    struct netlink_link_state *states = xzalloc((n ? n : 1) * sizeof *states);
    bool *found = xzalloc((n ? n : 1) * sizeof *found);
    int error = netlink_get_states(ifnames, n, states, found, err);

    (void) b;
    for (size_t i = 0; !error && i < n; i++) {
        errors[i] = found[i] ? 0 : -ENODEV;
        mtus[i] = states[i].mtu;
    }
    free(states);
    free(found);
    return error;
}

static int
live_link_get_mtu(struct backend *b, const char *ifname,
                  unsigned int *mtup, struct error *err)
{
    (void) b;
    return netlink_get_mtu(ifname, mtup, err);
}

static int
live_link_set_mtu(struct backend *b, const char *ifname,
                  unsigned int mtu, struct error *err)
{
    (void) b;
    return netlink_set_mtu(ifname, mtu, err);
}

static int
live_link_set_up(struct backend *b, const char *ifname,
                 bool up, struct error *err)
{
    (void) b;
    return netlink_set_up(ifname, up, err);
}

static int
live_link_wait_carrier(struct backend *b, const char *ifname, int timeout_ms,
                       struct error *err)
{
    (void) b;
    return netlink_wait_carrier(ifname, timeout_ms, err);
}

static int
live_lro_get(struct backend *b, const char *ifname,
             enum lro_state *statep, struct error *err)
{
    (void) b;
    return ethtool_get_lro(ifname, statep, err);
}

static int
live_lro_set(struct backend *b, const char *ifname, bool on,
             struct error *err)
{
    (void) b;
    return ethtool_set_lro(ifname, on, err);
}

static void
live_monitor_start(struct backend *b, const char *remote)
{
    struct backend_live *live = backend_live_cast(b);

    vswitch_monitor_destroy(live->mon);
    live->mon = vswitch_monitor_create(remote);
}

static void
live_monitor_wait(struct backend *b, const int *fds, size_t n_fds,
                  int timeout_ms)
{
    struct backend_live *live = backend_live_cast(b);

    vswitch_monitor_wait(live->mon, live->vs, fds, n_fds, timeout_ms);
}

static bool
live_monitor_run(struct backend *b, bool *connectedp)
{
    struct backend_live *live = backend_live_cast(b);

    if (!live->mon) {
        *connectedp = false;
        return false;
    }
    return vswitch_monitor_run(live->mon, live->vs, connectedp);
}

static const struct backend_class live_class = {
    .name = "live",
    .destroy = live_destroy,
    .read_host = live_read_host,
    .ovs_connect = live_ovs_connect,
    .ovs_disconnect = live_ovs_disconnect,
    .ovs_connected = live_ovs_connected,
    .ovs_read = live_ovs_read,
    .ovs_set_mtu_requests = live_ovs_set_mtu_requests,
    .ovs_wait_mtu = live_ovs_wait_mtu,
    .link_get_state = live_link_get_state,
    .link_get_mtus = live_link_get_mtus,
    .link_get_mtu = live_link_get_mtu,
    .link_set_mtu = live_link_set_mtu,
    .link_set_up = live_link_set_up,
    .link_wait_carrier = live_link_wait_carrier,
    .lro_get = live_lro_get,
    .lro_set = live_lro_set,
    .monitor_start = live_monitor_start,
    .monitor_wait = live_monitor_wait,
    .monitor_run = live_monitor_run,
};

struct backend *
backend_live_create(void)
{
    struct backend_live *live = xzalloc(sizeof *live);

    live->up.class = &live_class;
    return &live->up;
}
