/* The host backend: see backend.h.  Dispatches to the backend's class. */
#include "backend.h"

#include <errno.h>

void
backend_destroy(struct backend *b)
{
    if (b) {
        b->class->destroy(b);
    }
}

int
backend_read_host(struct backend *b, const char *remote, int timeout_ms,
                  bool ovs_required, struct host **hostp, struct error *err)
{
    return b->class->read_host(b, remote, timeout_ms, ovs_required, hostp,
                               err);
}

int
backend_ovs_connect(struct backend *b, const char *remote, int timeout_ms,
                    struct error *err)
{
    return b->class->ovs_connect(b, remote, timeout_ms, err);
}

void
backend_ovs_disconnect(struct backend *b)
{
    b->class->ovs_disconnect(b);
}

bool
backend_ovs_connected(const struct backend *b)
{
    return b->class->ovs_connected(b);
}

int
backend_ovs_read(struct backend *b, struct host *host, struct error *err)
{
    if (!backend_ovs_connected(b)) {
        return error_set(err, -ENOTCONN, "OVSDB is not connected");
    }
    return b->class->ovs_read(b, host, err);
}

int
backend_ovs_set_mtu_requests(struct backend *b,
                             const struct backend_mtu_change *changes,
                             size_t n, const char *comment, int timeout_ms,
                             bool *changedp, struct error *err)
{
    if (changedp) {
        *changedp = false;
    }
    if (!backend_ovs_connected(b)) {
        return error_set(err, -ENOTCONN, "OVSDB is not connected");
    }
    return b->class->ovs_set_mtu_requests(b, changes, n, comment, timeout_ms,
                                          changedp, err);
}

int
backend_ovs_wait_mtu(struct backend *b, const char *ifname, unsigned int mtu,
                     int timeout_ms, unsigned int *seenp, struct error *err)
{
    if (seenp) {
        *seenp = 0;
    }
    if (!backend_ovs_connected(b)) {
        return error_set(err, -ENOTCONN, "OVSDB is not connected");
    }
    return b->class->ovs_wait_mtu(b, ifname, mtu, timeout_ms, seenp, err);
}

int
backend_link_get_state(struct backend *b, const char *ifname,
                       struct backend_link_state *state, struct error *err)
{
    return b->class->link_get_state(b, ifname, state, err);
}

int
backend_link_wait_carrier(struct backend *b, const char *ifname,
                          int timeout_ms, struct error *err)
{
    return b->class->link_wait_carrier(b, ifname, timeout_ms, err);
}

int
backend_link_get_mtu(struct backend *b, const char *ifname,
                     unsigned int *mtup, struct error *err)
{
    return b->class->link_get_mtu(b, ifname, mtup, err);
}

int
backend_link_get_mtus(struct backend *b, const char *const *ifnames,
                      size_t n, unsigned int *mtus, int *errors,
                      struct error *err)
{
    if (b->class->link_get_mtus) {
        return b->class->link_get_mtus(b, ifnames, n, mtus, errors, err);
    }
    for (size_t i = 0; i < n; i++) {
        struct error one;

        error_clear(&one);
        mtus[i] = 0;
        errors[i] = b->class->link_get_mtu(b, ifnames[i], &mtus[i], &one);
        if (errors[i] && errors[i] != -ENODEV) {
            return error_set(err, errors[i], "%s", one.msg);
        }
    }
    return 0;
}

int
backend_link_set_mtu(struct backend *b, const char *ifname, unsigned int mtu,
                     struct error *err)
{
    return b->class->link_set_mtu(b, ifname, mtu, err);
}

int
backend_link_set_up(struct backend *b, const char *ifname, bool up,
                    struct error *err)
{
    return b->class->link_set_up(b, ifname, up, err);
}

int
backend_lro_get(struct backend *b, const char *ifname, enum lro_state *statep,
                struct error *err)
{
    return b->class->lro_get(b, ifname, statep, err);
}

int
backend_lro_set(struct backend *b, const char *ifname, bool on,
                struct error *err)
{
    return b->class->lro_set(b, ifname, on, err);
}

void
backend_monitor_start(struct backend *b, const char *remote)
{
    b->class->monitor_start(b, remote);
}

void
backend_monitor_wait(struct backend *b, const int *fds, size_t n_fds,
                     int timeout_ms)
{
    b->class->monitor_wait(b, fds, n_fds, timeout_ms);
}

bool
backend_monitor_run(struct backend *b, bool *connectedp)
{
    return b->class->monitor_run(b, connectedp);
}
