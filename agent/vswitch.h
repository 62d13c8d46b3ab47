/* OVSDB adapter: reads the Open_vSwitch database through the OVSDB IDL of
 * libopenvswitch and changes Interface.mtu_request in one transaction.  The
 * only file that includes Open vSwitch headers.  Never writes the ephemeral
 * Interface.mtu column. */
#ifndef JUMBOAGENT_VSWITCH_H
#define JUMBOAGENT_VSWITCH_H 1

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct host;
struct vswitch;

/* Returns OVS's default database remote ("unix:/var/run/openvswitch/db.sock"
 * or as OVS_RUNDIR says).  The string is static. */
const char *vswitch_default_remote(void);

/* Checks that 'remote' has the form of an OVSDB remote that jumboagent can
 * connect to ("unix:PATH", "tcp:IP:PORT", "ssl:IP:PORT").  Returns 0, or
 * -EINVAL with a message that says what is allowed. */
int vswitch_check_remote(const char *remote, struct error *err);

/* Connects to the OVSDB server at 'remote' and waits for the first copy of
 * the tables jumboagent uses, for at most 'timeout_ms' milliseconds.  Never
 * retries for ever.  On success returns 0 and stores a new handle in
 * '*vsp' (close with vswitch_close()).  On failure returns a negative errno
 * value (-ETIMEDOUT, -ECONNREFUSED, -ENOENT...) and a message naming the
 * remote and what to do. */
int vswitch_open(const char *remote, int timeout_ms, struct vswitch **vsp,
                 struct error *err);

/* Starts connecting to the OVSDB server at 'remote' without waiting, so
 * that the server prepares the tables while the caller reads the kernel:
 * returns a handle to pass to vswitch_reread() (which waits for the tables
 * and reads them) or to close with vswitch_close(), or NULL if 'remote' is
 * wrong or its socket is missing (then vswitch_reread() with a NULL handle
 * says why). */
struct vswitch *vswitch_start(const char *remote);

/* Handles, without waiting, what the server of 'vs' has sent, and sends
 * what the connection has to send next (the IDL asks for the schema, then
 * for the tables).  Accepts NULL. */
void vswitch_poke(struct vswitch *vs);

/* vswitch_open() and vswitch_read() into 'host', but keeps '*vsp' when
 * it is a connection to 'remote' that still reads (the daemon's passes):
 * then only what the server has sent since is applied.  A '*vsp' that is
 * NULL, to another remote or lost is closed and replaced by a new
 * connection.  A '*vsp' from vswitch_start() is waited for, for at most
 * 'timeout_ms', and read.  Returns 0 or a negative errno value with a
 * message; '*vsp' is then NULL or a connection that could not be read
 * (close it). */
int vswitch_reread(const char *remote, int timeout_ms, struct vswitch **vsp,
                   struct host *host, struct error *err);

/* Closes 'vs'.  Accepts NULL. */
void vswitch_close(struct vswitch *vs);

/* Fills 'host->bridges', ovs_version, ovs_cur_cfg and ovs_next_cfg from the
 * current replica, and sets host->ovs_reachable.  Bridges, ports and
 * interfaces come out sorted by name.  Returns 0 or a negative errno. */
int vswitch_read(struct vswitch *vs, struct host *host, struct error *err);

/* One change of Interface.mtu_request. */
struct vswitch_mtu_change {
    const char *ifname;
    bool set;                   /* False: clear mtu_request. */
    unsigned int mtu;           /* Used when 'set'. */
};

/* Applies the 'n' changes in one OVSDB transaction (commented with
 * 'comment'), then waits until ovs-vswitchd has applied it (cur_cfg reaches
 * the transaction's next_cfg) for at most 'timeout_ms'.  A transaction that
 * changes nothing waits for nothing; '*changedp' (if nonnull) says whether
 * anything was committed (true also when the wait for ovs-vswitchd then
 * fails).  Returns 0, or a negative errno value with a message that names
 * the interface or the transaction's status: -ENOENT (no such interface,
 * nothing committed), -EINVAL (MTU 0), -ETIMEDOUT, -ECONNRESET, -EIO
 * (rejected by the server). */
int vswitch_set_mtu_requests(struct vswitch *vs,
                             const struct vswitch_mtu_change *changes,
                             size_t n, const char *comment, int timeout_ms,
                             bool *changedp, struct error *err);

/* Waits until the Interface.mtu column of the OVS interface 'ifname' equals
 * 'mtu', for at most 'timeout_ms'.  ovs-vswitchd writes that status column
 * a little after cur_cfg has caught up, and never if setting the MTU failed
 * (e.g. above the device's maximum: the database still accepts the
 * request).  Stores the last value seen (0 if unset) in '*seenp' if
 * nonnull.  Returns 0, -ETIMEDOUT (the MTU did not converge), -ENOENT (no
 * such interface) or -ECONNRESET (connection lost), with a message. */
int vswitch_wait_mtu(struct vswitch *vs, const char *ifname,
                     unsigned int mtu, int timeout_ms, unsigned int *seenp,
                     struct error *err);

/* Applies the updates that the OVSDB server has already sent to the replica
 * of 'vs', without waiting for more (vswitch_read() does this itself).
 * Returns 0, or -ECONNRESET with a message if the connection was lost.  A
 * handle never reconnects: a caller that keeps one open across cycles must
 * close it and vswitch_open() again after -ECONNRESET (over tcp:/ssl:,
 * ovsdb-server also drops a client that does not answer its inactivity
 * probes for a while, so call this every few seconds or reopen per cycle). */
int vswitch_refresh(struct vswitch *vs, struct error *err);

/* A monitor, for the daemon (daemon.c): it watches the passes' own
 * connection (the 'vs' that each call gets: the replica a pass reads and
 * writes through) while that one is alive, so that the daemon holds one
 * replica of the database, not two.  While it is not (ovsdb-server away,
 * restarting, or not there yet), the monitor holds a connection of its own
 * that reconnects with OVS's back-off (1 s, doubling up to 8 s), and drops
 * it once a pass has connected again.  It only watches: it never
 * writes. */
struct vswitch_monitor;

/* Returns a new monitor of the OVSDB server at 'remote' (already checked
 * with vswitch_check_remote()).  Free with vswitch_monitor_destroy(). */
struct vswitch_monitor *vswitch_monitor_create(const char *remote);

/* Frees 'm' and its own connection, if any.  Accepts NULL. */
void vswitch_monitor_destroy(struct vswitch_monitor *m);

/* A pass has just read the host from 'vs' (may be NULL: OVSDB was not
 * read): what the replica holds now is planned with, and only what
 * changes it after this is news.  Accepts a NULL 'm'. */
void vswitch_monitor_read(struct vswitch_monitor *m, const struct vswitch *vs);

/* The passes' connection was closed or replaced outside a read: the next
 * vswitch_monitor_run() reports a change.  Accepts a NULL 'm'. */
void vswitch_monitor_forget(struct vswitch_monitor *m);

/* Blocks until the monitor 'm' (which may be NULL) has something to do
 * on 'vs' (the passes' connection, may be NULL) or its own connection,
 * one of the 'n_fds' file descriptors in 'fds' is readable, or
 * 'timeout_ms' have passed (negative: no bound).  Without a message, a
 * readable fd or a due reconnection it does not wake up. */
void vswitch_monitor_wait(struct vswitch_monitor *m, const struct vswitch *vs,
                          const int *fds, size_t n_fds, int timeout_ms);

/* Processes what the server sent to the replica that 'm' watches ('vs''s
 * while it is alive) and returns true if it changed since a pass last read
 * it or since the last call (a row or watched column came, went or
 * changed, a connection brought a fresh copy, or the passes' connection
 * was replaced).  Sets '*connectedp' to whether that replica is connected
 * now. */
bool vswitch_monitor_run(struct vswitch_monitor *m, const struct vswitch *vs,
                         bool *connectedp);

#endif /* vswitch.h */
