/* A fake host backend for the unit tests of apply (see agent/backend.h).
 *
 * It holds a host model in memory and changes it the way ovs-vswitchd and
 * the kernel change the real host: a committed mtu_request advances
 * next_cfg, and vswitchd, unless stalled, sets the device's MTU (kernel
 * link and Interface.mtu) and brings cur_cfg up to next_cfg; a request
 * above the device's max_mtu, or one the test makes vswitchd fail, leaves
 * Interface.mtu where it was.  The kernel refuses an MTU outside
 * [min_mtu, max_mtu] with -EINVAL, as it does.
 *
 * A test can make it fail one operation on one interface with an errno,
 * stall vswitchd, lose the OVSDB connection (and refuse to reconnect),
 * change things behind the run's back (a hook called before every
 * operation), or lose a link's carrier.  Every change made through the
 * backend is written to a log, one line each, that tests read to check
 * the order of changes. */
#ifndef JUMBOAGENT_FAKE_BACKEND_H
#define JUMBOAGENT_FAKE_BACKEND_H 1

#include <stdbool.h>

#include "backend.h"
#include "host.h"

/* The operations of the fake, for faults, hooks and counters. */
enum fake_op {
    FAKE_READ_HOST,
    FAKE_OVS_CONNECT,
    FAKE_OVS_READ,
    FAKE_OVS_COMMIT,            /* A transaction of mtu_request changes. */
    FAKE_OVS_WAIT_MTU,
    FAKE_VSWITCHD_SET_MTU,      /* vswitchd setting a device's MTU after a
                                 * commit: a fault leaves Interface.mtu. */
    FAKE_LINK_GET_STATE,
    FAKE_LINK_GET_MTU,
    FAKE_LINK_SET_MTU,
    FAKE_LINK_SET_UP,
    FAKE_LINK_WAIT_CARRIER,     /* Returns at once: -ETIMEDOUT without
                                 * carrier (the fake has no clock). */
    FAKE_LRO_GET,
    FAKE_LRO_SET,
    FAKE_OP_MAX
};

struct fake_backend;

/* Called before every operation 'op' (on 'ifname', or NULL for OVSDB-wide
 * operations), to change the model behind the run's back. */
typedef void fake_backend_hook(struct fake_backend *, enum fake_op op,
                               const char *ifname, void *aux);

/* Returns a new fake backend over a copy of 'host', with OVSDB up and not
 * connected.  Free it with backend_destroy(fake_backend_up(fb)). */
struct fake_backend *fake_backend_create(const struct host *host);

/* The backend interface of 'fb', to pass to apply. */
struct backend *fake_backend_up(struct fake_backend *fb);

/* The model of 'fb', which the test may read and change. */
struct host *fake_backend_host(struct fake_backend *fb);

/* Makes 'op' fail on 'ifname' (NULL: on any interface) with 'error' (a
 * negative errno value): after 'skip' calls that match have succeeded,
 * the next 'times' ones fail (-1: all of them).  A failure changes
 * nothing.  Up to 8 faults at once. */
void fake_backend_fail(struct fake_backend *fb, enum fake_op op,
                       const char *ifname, int error, int skip, int times);

/* With 'stalled', vswitchd applies nothing: cur_cfg never reaches
 * next_cfg, so a commit times out after it was committed. */
void fake_backend_stall_vswitchd(struct fake_backend *fb, bool stalled);

/* The OVSDB connection dies at the start of the OVSDB operation after
 * 'after' more of them (reads, commits, waits) have run: that one and the
 * next fail with -ECONNRESET until a reconnect, which succeeds unless
 * 'stays_down' (then -ECONNREFUSED, for ever). */
void fake_backend_drop_connection(struct fake_backend *fb, int after,
                                  bool stays_down);

/* 'ifname' has no carrier: set up, it stays operationally down. */
void fake_backend_lose_carrier(struct fake_backend *fb, const char *ifname);

/* Sets the hook of 'fb' (NULL: none). */
void fake_backend_set_hook(struct fake_backend *fb, fake_backend_hook *hook,
                           void *aux);

/* Another client sets ('set') or clears the mtu_request of 'ifname' and
 * vswitchd applies it, as a commit through the backend would, but without
 * the log or the faults.  Returns false if there is no such interface. */
bool fake_backend_request(struct fake_backend *fb, const char *ifname,
                          bool set, unsigned int mtu);

/* The log of the changes made through the backend, one per line:
 *   "commit IFACE=MTU IFACE=clear ..."   (a transaction that changed
 *                                          something)
 *   "mtu IFACE MTU", "up IFACE", "down IFACE", "lro IFACE on|off". */
const char *fake_backend_log(const struct fake_backend *fb);

/* How many times 'op' was called. */
int fake_backend_count(const struct fake_backend *fb, enum fake_op op);

/* Whether 'fb' holds a connection that is not dead. */
bool fake_backend_connected(const struct fake_backend *fb);

#endif /* fake-backend.h */
