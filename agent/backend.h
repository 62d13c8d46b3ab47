/* The host backend: the operations apply (and a run) needs from the host,
 * as one table of functions, the way Open vSwitch puts 'struct
 * netdev_class' under netdev.c.
 *
 * The live backend (backend-live.c) wraps the adapters: vswitch.c for
 * OVSDB, netlink.c for kernel links, ethtool.c for LRO, inventory.c for
 * reading the whole host.  The unit tests put a fake one in its place
 * (tests/unit/fake-backend.c) that keeps a host model in memory, so that
 * apply, verify, replug, rollback and recovery run without root.
 *
 * A backend holds at most one OVSDB connection.  Callers use the
 * backend_*() functions below, never the adapters.  Errors are negative
 * errno values with a message in 'err', as the adapters return them. */
#ifndef JUMBOAGENT_BACKEND_H
#define JUMBOAGENT_BACKEND_H 1

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "host.h"

struct backend_class;

/* One backend instance.  Implementations embed it as their first member. */
struct backend {
    const struct backend_class *class;
};

/* One change of Interface.mtu_request. */
struct backend_mtu_change {
    const char *ifname;
    bool set;                   /* False: clear mtu_request. */
    unsigned int mtu;           /* Used when 'set'. */
};

/* The MTU and up/down state of one kernel link. */
struct backend_link_state {
    unsigned int mtu;
    bool admin_up;              /* IFF_UP. */
    bool oper_up;               /* Operational state "up" (carrier). */
};

/* The operations.  Each has the contract of the backend_*() function of the
 * same name below. */
struct backend_class {
    const char *name;           /* "live", "fake". */

    void (*destroy)(struct backend *);

    int (*read_host)(struct backend *, const char *remote, int timeout_ms,
                     bool ovs_required, struct host **hostp,
                     struct error *);

    int (*ovs_connect)(struct backend *, const char *remote,
                       int timeout_ms, struct error *);
    void (*ovs_disconnect)(struct backend *);
    bool (*ovs_connected)(const struct backend *);
    int (*ovs_read)(struct backend *, struct host *, struct error *);
    int (*ovs_set_mtu_requests)(struct backend *,
                                const struct backend_mtu_change *, size_t n,
                                const char *comment, int timeout_ms,
                                bool *changedp, struct error *);
    int (*ovs_wait_mtu)(struct backend *, const char *ifname,
                        unsigned int mtu, int timeout_ms,
                        unsigned int *seenp, struct error *);

    int (*link_get_state)(struct backend *, const char *ifname,
                          struct backend_link_state *, struct error *);
    int (*link_get_mtus)(struct backend *, const char *const *ifnames,
                         size_t n, unsigned int *mtus, int *errors,
                         struct error *);
    int (*link_get_mtu)(struct backend *, const char *ifname,
                        unsigned int *mtup, struct error *);
    int (*link_set_mtu)(struct backend *, const char *ifname,
                        unsigned int mtu, struct error *);
    int (*link_set_up)(struct backend *, const char *ifname, bool up,
                       struct error *);
    int (*link_wait_carrier)(struct backend *, const char *ifname,
                             int timeout_ms, struct error *);

    int (*lro_get)(struct backend *, const char *ifname,
                   enum lro_state *statep, struct error *);
    int (*lro_set)(struct backend *, const char *ifname, bool on,
                   struct error *);

    void (*monitor_start)(struct backend *, const char *remote);
    void (*monitor_wait)(struct backend *, const int *fds, size_t n_fds,
                         int timeout_ms);
    bool (*monitor_run)(struct backend *, bool *connectedp);
};

/* Frees 'b', closing its OVSDB connection.  Accepts NULL. */
void backend_destroy(struct backend *b);

/* Reads the whole host (kernel links, then OVSDB at 'remote' within
 * 'timeout_ms'), as inventory_read() does, into a new host in '*hostp'
 * (free with host_destroy()).  The OVSDB connection, if OVSDB was read,
 * replaces the one 'b' held.  When OVSDB cannot be read and 'ovs_required'
 * is false, the host says so (ovs_reachable false) and 'b' is left
 * unconnected.  Returns 0 or a negative errno value. */
int backend_read_host(struct backend *b, const char *remote, int timeout_ms,
                      bool ovs_required, struct host **hostp,
                      struct error *err);

/* Closes the OVSDB connection 'b' holds, if any, and connects to 'remote',
 * waiting for at most 'timeout_ms' for the first copy of the tables.
 * Returns 0 or a negative errno value (-ETIMEDOUT, -ECONNREFUSED...). */
int backend_ovs_connect(struct backend *b, const char *remote,
                        int timeout_ms, struct error *err);

/* Closes the OVSDB connection of 'b', if any. */
void backend_ovs_disconnect(struct backend *b);

/* True if 'b' holds an OVSDB connection (that may still turn out lost). */
bool backend_ovs_connected(const struct backend *b);

/* Fills the OVS part of 'host' (bridges, ports, interfaces, cur_cfg) from
 * the connection of 'b'.  Returns 0, -ENOTCONN (not connected) or
 * -ECONNRESET (connection lost) or another negative errno value. */
int backend_ovs_read(struct backend *b, struct host *host, struct error *err);

/* Commits the 'n' changes in 'changes' as one OVSDB transaction commented
 * with 'comment' and waits until ovs-vswitchd has applied it, for at most
 * 'timeout_ms'; '*changedp' (if nonnull) says whether anything was
 * committed.  Same errors as vswitch_set_mtu_requests(), and -ENOTCONN when
 * 'b' is not connected. */
int backend_ovs_set_mtu_requests(struct backend *b,
                                 const struct backend_mtu_change *changes,
                                 size_t n, const char *comment,
                                 int timeout_ms, bool *changedp,
                                 struct error *err);

/* Waits until Interface.mtu of 'ifname' equals 'mtu', for at most
 * 'timeout_ms'; stores the last value seen in '*seenp' if nonnull.  Same
 * errors as vswitch_wait_mtu(). */
int backend_ovs_wait_mtu(struct backend *b, const char *ifname,
                         unsigned int mtu, int timeout_ms,
                         unsigned int *seenp, struct error *err);

/* Kernel links: reads the state or the MTU of 'ifname' (-ENODEV when there
 * is no such link), sets its MTU, or sets it up or down. */
int backend_link_get_state(struct backend *b, const char *ifname,
                           struct backend_link_state *state,
                           struct error *err);
int backend_link_get_mtu(struct backend *b, const char *ifname,
                         unsigned int *mtup, struct error *err);

/* Reads the MTU of each of the 'n' links named in 'ifnames' at once (the
 * live backend: one dump of the kernel's links, not one request per link):
 * 'mtus[i]' for 'ifnames[i]' when 'errors[i]' is 0; 'errors[i]' is
 * -ENODEV when there is no such link.  The caller owns the arrays.
 * Returns 0, or a negative errno value with 'err' set when the read failed
 * otherwise (then 'errors' and 'mtus' are not all filled).  A backend
 * without the batch op (link_get_mtus NULL: the fake) is asked link by
 * link, in order, with its link_get_mtu. */
int backend_link_get_mtus(struct backend *b, const char *const *ifnames,
                          size_t n, unsigned int *mtus, int *errors,
                          struct error *err);
int backend_link_set_mtu(struct backend *b, const char *ifname,
                         unsigned int mtu, struct error *err);
int backend_link_set_up(struct backend *b, const char *ifname, bool up,
                        struct error *err);

/* Waits until 'ifname' is operationally up (has carrier), for at most
 * 'timeout_ms'.  Returns 0, -ETIMEDOUT with no message (the caller says
 * what it waited for), or another negative errno value with 'err' set
 * (-ENODEV: no such link).  The live backend waits on the kernel's link
 * notifications, so it returns as soon as the carrier is back. */
int backend_link_wait_carrier(struct backend *b, const char *ifname,
                              int timeout_ms, struct error *err);

/* Large receive offload of 'ifname': reads it into '*statep'
 * (-EOPNOTSUPP when the driver has no such feature), or turns it on or
 * off.  'err' may be NULL. */
int backend_lro_get(struct backend *b, const char *ifname,
                    enum lro_state *statep, struct error *err);
int backend_lro_set(struct backend *b, const char *ifname, bool on,
                    struct error *err);

/* The daemon's watch on OVSDB: the connection that runs use, while it is
 * open, else one of its own (vswitch.h):
 * backend_monitor_start() starts watching 'remote' (it connects, and
 * reconnects after a loss, by itself, with back-off; the watch ends with
 * backend_destroy()).  backend_monitor_wait() blocks until the watch has
 * something to do, one of the 'n_fds' descriptors in 'fds' is readable, or
 * 'timeout_ms' have passed (negative: no bound); it works without a watch
 * too.  backend_monitor_run() processes what came and returns true if the
 * watched tables changed (or a connection brought a fresh copy), and sets
 * '*connectedp'. */
void backend_monitor_start(struct backend *b, const char *remote);
void backend_monitor_wait(struct backend *b, const int *fds, size_t n_fds,
                          int timeout_ms);
bool backend_monitor_run(struct backend *b, bool *connectedp);

/* Returns a new live backend, not yet connected to OVSDB (free with
 * backend_destroy()).  Defined in backend-live.c. */
struct backend *backend_live_create(void);

#endif /* backend.h */
