/* OVSDB adapter: see vswitch.h.
 *
 * jumboagent's only window on Open vSwitch.  It keeps a partial replica of
 * the Open_vSwitch database through the OVSDB IDL of libopenvswitch (only the
 * tables and columns listed in vswitch_register_columns()), copies it into a
 * 'struct host' for the planner, and writes Interface.mtu_request in one
 * transaction that bumps Open_vSwitch.next_cfg, then waits for ovs-vswitchd
 * to report cur_cfg >= next_cfg, as ovs-vsctl does.
 *
 * Every wait here has a deadline: the IDL is created with retry=false, so a
 * lost connection makes ovsdb_idl_is_alive() false instead of reconnecting
 * for ever, and every poll_block() also waits on a timer.  This is the only
 * file that includes Open vSwitch headers; the Makefile links it with the
 * parts of libopenvswitch it needs and hides every symbol but vswitch_*, so
 * that OVS's xmalloc() and friends cannot clash with ours.  Because OVS's
 * lib/util.h and agent/util.h both define ARRAY_SIZE, this file uses OVS's
 * helpers (xmalloc, xmemdup, ovs_strlcpy), which come with the OVS headers
 * below, and not agent/util.h. */
#include <config.h>

#include "vswitch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host.h"

#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "stream.h"
#include "timeval.h"
#include "vswitch-idl.h"

/* Where Debian, Ubuntu, XenServer/XCP-ng and RHEL packages put ovsdb-server's
 * socket.  The libopenvswitch we link was configured with the default prefix,
 * so its ovs_rundir() would say /usr/local/var/run/openvswitch instead. */
#define VSWITCH_PACKAGED_RUNDIR "/var/run/openvswitch"

#define VSWITCH_REMOTE_HINT \
    "use unix:/path/to/db.sock or tcp:IP:PORT"

#define VSWITCH_MAYBE_COMMITTED \
    "The change may or may not have been committed; re-read and retry."

/* How long vswitch_start() drives the connection before it returns. */
#define VSWITCH_START_MS 10

#define VSWITCH_START_HINT \
    "is ovsdb-server running? start it (systemctl start " \
    "openvswitch-switch) or pass --db REMOTE"

struct vswitch {
    struct ovsdb_idl *idl;
    struct ovsdb_idl_index *iface_by_name;  /* Interface rows by 'name'. */
    char *remote;                           /* As passed to vswitch_open(). */
    bool connected;             /* The stream was established, at least
                                 * once, before the first copy came. */
};

const char *
vswitch_default_remote(void)
{
    static char *remote;

    if (!remote) {
        const char *rundir = getenv("OVS_RUNDIR");

        remote = xasprintf("unix:%s/db.sock",
                           rundir && rundir[0] ? rundir
                           : VSWITCH_PACKAGED_RUNDIR);
    }
    return remote;
}

/* Returns true if 'port' is a decimal TCP port number 1...65535. */
static bool
vswitch_is_port(const char *port)
{
    char *end;
    long value;

    if (port[0] < '0' || port[0] > '9') {
        return false;
    }
    errno = 0;
    value = strtol(port, &end, 10);
    return !errno && !*end && value >= 1 && value <= 65535;
}

/* Returns true if 'target' is "HOST:PORT" or "[IPV6]:PORT". */
static bool
vswitch_is_host_port(const char *target)
{
    const char *colon;

    if (target[0] == '[') {
        const char *close = strchr(target, ']');

        return close && close > target + 1 && close[1] == ':'
               && vswitch_is_port(close + 2);
    }
    colon = strrchr(target, ':');
    return (colon && colon > target
            && strcspn(target, ":") == (size_t) (colon - target)
            && strspn(target, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
               == (size_t) (colon - target)
            && vswitch_is_port(colon + 1));
}

int
vswitch_check_remote(const char *remote, struct error *err)
{
    bool ok = false;

    if (!remote) {
        remote = "";
    }
    /* stream_verify_name() knows which stream classes this libopenvswitch
     * has; the rest is ours.  ssl: is refused first, with its own reason,
     * whichever library this is.  A comma would make a list of remotes.  A relative unix: path would be
     * taken relative to OVS's compiled-in run directory, so it is refused. */
    if (!strncmp(remote, "ssl:", 4)) {
        return error_set(err, -EPROTONOSUPPORT, "OVSDB remote '%s': "
                         "jumboagent does not speak SSL to OVSDB (it would "
                         "need a private key, certificate and CA certificate "
                         "of its own, and configures none); run it on the "
                         "host with a unix: remote (e.g. %s)", remote,
                         vswitch_default_remote());
    }
    if (strchr(remote, ',') || stream_verify_name(remote)) {
        ok = false;
    } else if (!strncmp(remote, "unix:", 5)) {
        ok = remote[5] == '/' && remote[6] != '\0';
    } else if (!strncmp(remote, "tcp:", 4)) {
        ok = vswitch_is_host_port(remote + 4);
    }
    if (!ok) {
        return error_set(err, -EINVAL, "malformed OVSDB remote '%s'; "
                         VSWITCH_REMOTE_HINT, remote);
    }
    return 0;
}

/* Sets up the parts of libopenvswitch that a library user must set up once
 * per process: the program name (OVS messages start with it) and logging.
 * All vlog output is off: jumboagent reports every failure in its own
 * messages, and a periodic agent must not fill syslog with reconnect INFO
 * lines. */
static void
vswitch_init_once(void)
{
    static bool inited;

    if (!inited) {
        inited = true;
        set_program_name("jumboagent");
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    }
}

/* Tells 'idl' to replicate exactly the columns jumboagent reads or writes.
 * Every column that is written (Interface.mtu_request) must be replicated,
 * or the IDL aborts the program; next_cfg need not be for
 * ovsdb_idl_txn_increment(), but it is read into 'struct host'. */
static void
vswitch_register_columns(struct ovsdb_idl *idl)
{
    static const struct ovsdb_idl_column *const columns[] = {
        &ovsrec_open_vswitch_col_cur_cfg,
        &ovsrec_open_vswitch_col_next_cfg,
        &ovsrec_open_vswitch_col_ovs_version,
        &ovsrec_open_vswitch_col_bridges,

        &ovsrec_bridge_col_name,
        &ovsrec_bridge_col_ports,
        &ovsrec_bridge_col_datapath_type,
        &ovsrec_bridge_col_external_ids,

        &ovsrec_port_col_name,
        &ovsrec_port_col_interfaces,
        &ovsrec_port_col_bond_mode,
        &ovsrec_port_col_tag,
        &ovsrec_port_col_external_ids,

        &ovsrec_interface_col_name,
        &ovsrec_interface_col_type,
        &ovsrec_interface_col_mtu,
        &ovsrec_interface_col_mtu_request,
        &ovsrec_interface_col_ofport,
        &ovsrec_interface_col_error,
        &ovsrec_interface_col_external_ids,
    };

    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
        ovsdb_idl_add_column(idl, columns[i]);
    }
}

/* Returns the last connection error of 'vs' as a positive errno value, or
 * EOF (-1) for "the server closed the connection", or 0 if none. */
static int
vswitch_last_error(const struct vswitch *vs)
{
    return ovsdb_idl_get_last_error(vs->idl);
}

/* Fills 'err' for a connection that was established and then lost while
 * 'while_doing', and returns -ECONNRESET.  'consequence' tells the user what
 * state that leaves the change in ("" if there is no change). */
static int
vswitch_lost(const struct vswitch *vs, const char *while_doing,
             const char *consequence, struct error *err)
{
    int error = vswitch_last_error(vs);

    return error_set(err, -ECONNRESET,
                     "lost the connection to OVSDB at '%s' while %s (%s); "
                     "is ovsdb-server still running?%s%s",
                     vs->remote, while_doing,
                     error ? ovs_retval_to_string(error)
                     : "connection closed",
                     consequence[0] ? " " : "", consequence);
}

/* Runs the IDL of 'vs' until 'done(vs, aux)' returns true, the connection
 * is lost or the time_msec() 'deadline' passes.  Returns 0, -ECONNRESET
 * (connection lost) or -ETIMEDOUT.  Fills no message: the caller knows what
 * it was waiting for. */
static int
vswitch_run_until(struct vswitch *vs, long long int deadline,
                  bool (*done)(struct vswitch *, void *aux), void *aux)
{
    for (;;) {
        ovsdb_idl_run(vs->idl);
        if (done(vs, aux)) {
            return 0;
        }
        if (!ovsdb_idl_is_alive(vs->idl)) {
            return -ECONNRESET;
        }
        if (time_msec() >= deadline) {
            return -ETIMEDOUT;
        }
        ovsdb_idl_wait(vs->idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* Returns the time_msec() 'timeout_ms' milliseconds from now (negative
 * timeouts count as 0). */
static long long int
vswitch_deadline(int timeout_ms)
{
    return time_msec() + (timeout_ms > 0 ? timeout_ms : 0);
}

/* vswitch_run_until() condition: the first full copy of the tables has
 * arrived. */
static bool
vswitch_has_contents(struct vswitch *vs, void *aux)
{
    bool *connectedp = aux;

    if (ovsdb_idl_is_connected(vs->idl)) {
        *connectedp = true;
    }
    return ovsdb_idl_has_ever_connected(vs->idl);
}

/* Fills 'err' for a connection to 'vs->remote' that never delivered the
 * database.  'connected' says whether the stream itself was ever
 * established.  Returns the negative errno value. */
static int
vswitch_open_failed(const struct vswitch *vs, bool connected,
                    struct error *err)
{
    int error = vswitch_last_error(vs);

    if (connected && (error == ENOENT || error == 0)) {
        return error_set(err, -ENOENT,
                         "OVSDB server at '%s' has no usable Open_vSwitch "
                         "database; is it ovs-vswitchd's database server "
                         "(conf.db), not an OVN or other one?", vs->remote);
    }
    if (error == EOF || error == 0) {
        return error_set(err, -ECONNRESET,
                         "OVSDB server at '%s' closed the connection before "
                         "sending the database; check its log "
                         "(/var/log/openvswitch/ovsdb-server.log)",
                         vs->remote);
    }
    if (error == EACCES || error == EPERM) {
        return error_set(err, -error,
                         "cannot connect to OVSDB at '%s': %s; run "
                         "jumboagent as root", vs->remote,
                         ovs_strerror(error));
    }
    return error_set(err, -error, "cannot connect to OVSDB at '%s': %s; "
                     VSWITCH_START_HINT, vs->remote, ovs_strerror(error));
}

/* The first half of vswitch_open(): checks 'remote' (filling 'err' if it
 * is wrong or its socket is missing), creates the IDL and starts the
 * connection, without waiting.  Returns 0 and the handle in '*vsp', or a
 * negative errno value. */
static int
vswitch_start__(const char *remote, struct vswitch **vsp, struct error *err)
{
    struct vswitch *vs;
    int error;

    *vsp = NULL;
    error = vswitch_check_remote(remote, err);
    if (error) {
        return error;
    }
    vswitch_init_once();

    /* With retry=false a missing socket fails at the first connection
     * attempt too, but checking here names the path for sure. */
    if (!strncmp(remote, "unix:", 5)) {
        struct stat st;

        if (stat(remote + 5, &st)) {
            int stat_errno = errno;

            return error_set(err, -stat_errno,
                             "cannot connect to OVSDB at '%s': %s; %s",
                             remote, ovs_strerror(stat_errno),
                             stat_errno == EACCES ? "run jumboagent as root"
                             : VSWITCH_START_HINT);
        }
    }

    vs = xzalloc(sizeof *vs);
    vs->remote = xstrdup(remote);
    vs->idl = ovsdb_idl_create(remote, &ovsrec_idl_class, false, false);
    vswitch_register_columns(vs->idl);
    vs->iface_by_name = ovsdb_idl_index_create1(vs->idl,
                                                &ovsrec_interface_col_name);
    vswitch_poke(vs);
    *vsp = vs;
    return 0;
}

/* The second half of vswitch_open(): waits at most 'timeout_ms' for the
 * first copy of the tables on 'vs', from vswitch_start__().  Returns 0, or
 * a negative errno value with a message, after closing 'vs'. */
static int
vswitch_finish__(struct vswitch *vs, int timeout_ms, struct error *err)
{
    int error;

    error = vswitch_run_until(vs, vswitch_deadline(timeout_ms),
                              vswitch_has_contents, &vs->connected);
    if (error == -ETIMEDOUT) {
        error_set(err, -ETIMEDOUT,
                  vs->connected
                  ? "OVSDB server at '%s' accepted the connection but did "
                    "not send the database within %d ms; is it overloaded "
                    "or hung?"
                  : "no answer from OVSDB at '%s' within %d ms; is the "
                    "remote right and ovsdb-server listening there?",
                  vs->remote, timeout_ms);
    } else if (error) {
        error = vswitch_open_failed(vs, vs->connected, err);
    }
    if (error) {
        vswitch_close(vs);
    }
    return error;
}

int
vswitch_open(const char *remote, int timeout_ms, struct vswitch **vsp,
             struct error *err)
{
    struct vswitch *vs;
    int error;

    error = vswitch_start__(remote, &vs, err);
    if (!error) {
        error = vswitch_finish__(vs, timeout_ms, err);
    }
    *vsp = error ? NULL : vs;
    return error;
}

/* vswitch_run_until() condition: never done (it runs to its deadline,
 * unless the connection is lost). */
static bool
vswitch_never(struct vswitch *vs, void *aux)
{
    bool *connectedp = aux;

    if (ovsdb_idl_is_connected(vs->idl)) {
        *connectedp = true;
    }
    return ovsdb_idl_has_ever_connected(vs->idl);
}

struct vswitch *
vswitch_start(const char *remote)
{
    struct vswitch *vs;
    struct error ignored;

    error_clear(&ignored);
    if (vswitch_start__(remote, &vs, &ignored)) {
        return NULL;
    }
    /* The IDL asks for the tables only after a few round trips (the
     * _Server schema and its Database row, then the schema): a quiet
     * server answers them within a few ms, and then prepares the tables
     * while the caller works.  A failure shows in vswitch_reread(). */
    vswitch_run_until(vs, vswitch_deadline(VSWITCH_START_MS), vswitch_never,
                      &vs->connected);
    return vs;
}

void
vswitch_poke(struct vswitch *vs)
{
    if (vs) {
        ovsdb_idl_run(vs->idl);
        if (ovsdb_idl_is_connected(vs->idl)) {
            vs->connected = true;
        }
    }
}

void
vswitch_close(struct vswitch *vs)
{
    if (vs) {
        /* The index belongs to the IDL and goes with it. */
        ovsdb_idl_destroy(vs->idl);
        free(vs->remote);
        free(vs);
    }
}

/* Applies what the server has already sent to the replica of 'vs'.  Returns
 * 0, or -ECONNRESET with a message that says the connection was lost while
 * 'while_doing'. */
static int
vswitch_refresh__(struct vswitch *vs, const char *while_doing,
                  struct error *err)
{
    /* One ovsdb_idl_run() handles a bounded number of messages; keep going
     * while the replica changes, so that whatever has already arrived is
     * applied. */
    for (int i = 0; i < 100; i++) {
        unsigned int seqno = ovsdb_idl_get_seqno(vs->idl);

        ovsdb_idl_run(vs->idl);
        if (ovsdb_idl_get_seqno(vs->idl) == seqno) {
            break;
        }
    }
    if (!ovsdb_idl_is_alive(vs->idl)) {
        return vswitch_lost(vs, while_doing, "", err);
    }
    return 0;
}

int
vswitch_refresh(struct vswitch *vs, struct error *err)
{
    return vswitch_refresh__(vs, "reading the database", err);
}

int
vswitch_reread(const char *remote, int timeout_ms, struct vswitch **vsp,
               struct host *host, struct error *err)
{
    struct vswitch *vs = *vsp;
    struct error ignored;
    int error;

    /* A connection that vswitch_start() began is finished here. */
    *vsp = NULL;
    if (vs && !strcmp(vs->remote, remote)
        && !ovsdb_idl_has_ever_connected(vs->idl)) {
        error = vswitch_finish__(vs, timeout_ms, err);
        if (error) {
            return error;
        }
        *vsp = vs;
        return vswitch_read(vs, host, err);
    }

    /* A kept connection that fails to read was lost while idle: its
     * server restarted or went away.  Then a new connection says why, the
     * same way at each pass. */
    error_clear(&ignored);
    if (vs && !strcmp(vs->remote, remote)
        && !vswitch_read(vs, host, &ignored)) {
        *vsp = vs;
        return 0;
    }
    vswitch_close(vs);
    error = vswitch_open(remote, timeout_ms, vsp, err);
    return error ? error : vswitch_read(*vsp, host, err);
}

/* qsort() comparators for arrays of row pointers, by name. */
static int
vswitch_compare_bridges(const void *a_, const void *b_)
{
    const struct ovsrec_bridge *const *a = a_;
    const struct ovsrec_bridge *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

static int
vswitch_compare_ports(const void *a_, const void *b_)
{
    const struct ovsrec_port *const *a = a_;
    const struct ovsrec_port *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

static int
vswitch_compare_ifaces(const void *a_, const void *b_)
{
    const struct ovsrec_interface *const *a = a_;
    const struct ovsrec_interface *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

/* Returns a malloc()'d copy of the 'n' pointers in 'rows', sorted with
 * 'compare', or NULL if 'n' is 0.  The caller must free it. */
static void *
vswitch_sorted_rows(void *rows, size_t n,
                    int (*compare)(const void *, const void *))
{
    void **copy;

    if (!n) {
        return NULL;
    }
    copy = xmemdup(rows, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, compare);
    return copy;
}

/* Appends the pairs of 'smap', sorted by key, to '*kvs' of '*n'. */
static void
vswitch_copy_smap(const struct smap *smap, struct host_kv **kvs, size_t *n)
{
    const struct smap_node **nodes = smap_sort(smap);
    size_t count = smap_count(smap);

    for (size_t i = 0; i < count; i++) {
        host_kv_add(kvs, n, nodes[i]->key, nodes[i]->value);
    }
    free(nodes);
}

/* Copies the Interface row 'row' into a new interface of 'port'. */
static void
vswitch_read_iface(const struct ovsrec_interface *row,
                   struct host_ovs_port *port)
{
    struct host_ovs_iface *iface = host_port_add_iface(port, row->name);

    ovs_strlcpy(iface->type, row->type, sizeof iface->type);
    if (row->n_mtu && row->mtu[0] > 0 && row->mtu[0] <= UINT_MAX) {
        iface->has_mtu = true;
        iface->mtu = row->mtu[0];
    }
    if (row->n_mtu_request && row->mtu_request[0] > 0
        && row->mtu_request[0] <= UINT_MAX) {
        iface->has_mtu_request = true;
        iface->mtu_request = row->mtu_request[0];
    }
    if (row->n_ofport) {
        iface->has_ofport = true;
        iface->ofport = row->ofport[0];
    }
    ovs_strlcpy(iface->error, row->error ? row->error : "",
                sizeof iface->error);
    vswitch_copy_smap(&row->external_ids, &iface->external_ids,
                      &iface->n_external_ids);
}

/* Copies the Port row 'row' and its interfaces into a new port of 'br'. */
static void
vswitch_read_port(const struct ovsrec_port *row, struct host_ovs_bridge *br)
{
    struct host_ovs_port *port = host_bridge_add_port(br, row->name);
    const struct ovsrec_interface **ifaces;

    ovs_strlcpy(port->bond_mode, row->bond_mode ? row->bond_mode : "",
                sizeof port->bond_mode);
    if (row->n_tag && row->tag[0] > 0 && row->tag[0] <= 4095) {
        port->tag = row->tag[0];
    }
    vswitch_copy_smap(&row->external_ids, &port->external_ids,
                      &port->n_external_ids);

    ifaces = vswitch_sorted_rows(row->interfaces, row->n_interfaces,
                                 vswitch_compare_ifaces);
    for (size_t i = 0; i < row->n_interfaces; i++) {
        vswitch_read_iface(ifaces[i], port);
    }
    free(ifaces);
}

/* Copies the Bridge row 'row' and its ports into a new bridge of 'host'. */
static void
vswitch_read_bridge(const struct ovsrec_bridge *row, struct host *host)
{
    struct host_ovs_bridge *br = host_add_bridge(host, row->name);
    const struct ovsrec_port **ports;

    ovs_strlcpy(br->datapath_type, row->datapath_type,
                sizeof br->datapath_type);
    vswitch_copy_smap(&row->external_ids, &br->external_ids,
                      &br->n_external_ids);

    ports = vswitch_sorted_rows(row->ports, row->n_ports,
                                vswitch_compare_ports);
    for (size_t i = 0; i < row->n_ports; i++) {
        vswitch_read_port(ports[i], br);
    }
    free(ports);
}

int
vswitch_read(struct vswitch *vs, struct host *host, struct error *err)
{
    const struct ovsrec_open_vswitch *ovs;
    int error;

    ovs_strlcpy(host->ovs_remote, vs->remote, sizeof host->ovs_remote);
    error = vswitch_refresh(vs, err);
    if (error) {
        ovs_strlcpy(host->ovs_error, err ? err->msg : "connection lost",
                    sizeof host->ovs_error);
        host->ovs_reachable = false;
        return error;
    }

    host->ovs_reachable = true;
    host->ovs_error[0] = '\0';
    host->ovs_version[0] = '\0';
    host->ovs_cur_cfg = host->ovs_next_cfg = 0;

    /* The Open_vSwitch row is missing only in a database that nobody has
     * initialised ("ovs-vsctl init"); it then has no bridges either, because
     * Bridge rows that no Open_vSwitch row refers to are garbage. */
    ovs = ovsrec_open_vswitch_first(vs->idl);
    if (ovs) {
        const struct ovsrec_bridge **bridges;

        ovs_strlcpy(host->ovs_version,
                    ovs->ovs_version ? ovs->ovs_version : "",
                    sizeof host->ovs_version);
        host->ovs_cur_cfg = ovs->cur_cfg;
        host->ovs_next_cfg = ovs->next_cfg;

        bridges = vswitch_sorted_rows(ovs->bridges, ovs->n_bridges,
                                      vswitch_compare_bridges);
        for (size_t i = 0; i < ovs->n_bridges; i++) {
            vswitch_read_bridge(bridges[i], host);
        }
        free(bridges);
    }
    return 0;
}

/* Returns the Interface row named 'name' in the replica of 'vs', or NULL. */
static const struct ovsrec_interface *
vswitch_find_iface(struct vswitch *vs, const char *name)
{
    struct ovsrec_interface *key;
    const struct ovsrec_interface *row;

    key = ovsrec_interface_index_init_row(vs->iface_by_name);
    ovsrec_interface_index_set_name(key, name);
    row = ovsrec_interface_index_find(vs->iface_by_name, key);
    ovsrec_interface_index_destroy_row(key);
    return row;
}

/* Checks the requested 'changes' before any transaction: names that fit an
 * interface name and MTUs the schema accepts (mtu_request >= 1). */
static int
vswitch_check_changes(const struct vswitch_mtu_change *changes, size_t n,
                      struct error *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct vswitch_mtu_change *c = &changes[i];

        if (!c->ifname || !c->ifname[0]) {
            return error_set(err, -EINVAL, "MTU change %zu names no "
                             "interface", i + 1);
        }
        if (c->set && (c->mtu < 1 || c->mtu > INT_MAX)) {
            return error_set(err, -EINVAL, "MTU %u for OVS interface '%s' "
                             "is out of range; Interface.mtu_request takes "
                             "1 or more (68 or more in practice)",
                             c->mtu, c->ifname);
        }
    }
    return 0;
}

/* Builds the transaction of vswitch_set_mtu_requests() in '*txnp' (the
 * caller destroys it).  Returns 0 or -ENOENT if an interface does not
 * exist (then '*txnp' is NULL). */
static int
vswitch_build_txn(struct vswitch *vs,
                  const struct vswitch_mtu_change *changes, size_t n,
                  const char *comment, struct ovsdb_idl_txn **txnp,
                  struct error *err)
{
    const struct ovsrec_open_vswitch *ovs;
    struct ovsdb_idl_txn *txn;

    txn = ovsdb_idl_txn_create(vs->idl);
    if (comment && comment[0]) {
        ovsdb_idl_txn_add_comment(txn, "%s", comment);
    }
    for (size_t i = 0; i < n; i++) {
        const struct vswitch_mtu_change *c = &changes[i];
        const struct ovsrec_interface *iface;

        iface = vswitch_find_iface(vs, c->ifname);
        if (!iface) {
            ovsdb_idl_txn_destroy(txn);
            *txnp = NULL;
            return error_set(err, -ENOENT, "OVS interface '%s' not found "
                             "in OVSDB at '%s'; is it attached to a bridge "
                             "(ovs-vsctl list-ifaces BRIDGE)?",
                             c->ifname, vs->remote);
        }
        if (c->set) {
            int64_t mtu = c->mtu;

            ovsrec_interface_set_mtu_request(iface, &mtu, 1);
        } else {
            ovsrec_interface_set_mtu_request(iface, NULL, 0);
        }
    }

    /* Tell ovs-vswitchd to reconfigure; the increment is dropped if nothing
     * else changed (force=false), and then nothing is waited for. */
    ovs = ovsrec_open_vswitch_first(vs->idl);
    if (ovs) {
        ovsdb_idl_txn_increment(txn, &ovs->header_,
                                &ovsrec_open_vswitch_col_next_cfg, false);
    }
    *txnp = txn;
    return 0;
}

/* Commits 'txn' without blocking past 'deadline': like
 * ovsdb_idl_txn_commit_block(), which would wait for ever on a server that
 * accepts but does not answer.  Returns the final status in '*statusp', or
 * -ETIMEDOUT or -ECONNRESET (no message). */
static int
vswitch_commit(struct vswitch *vs, struct ovsdb_idl_txn *txn,
               long long int deadline, enum ovsdb_idl_txn_status *statusp)
{
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(txn);

    while (status == TXN_INCOMPLETE) {
        if (!ovsdb_idl_is_alive(vs->idl)) {
            return -ECONNRESET;
        }
        if (time_msec() >= deadline) {
            return -ETIMEDOUT;
        }
        ovsdb_idl_run(vs->idl);
        ovsdb_idl_wait(vs->idl);
        ovsdb_idl_txn_wait(txn);
        poll_timer_wait_until(deadline);
        poll_block();
        status = ovsdb_idl_txn_commit(txn);
    }
    *statusp = status;
    return 0;
}

/* vswitch_run_until() condition: the IDL's seqno differs from '*seqnop'. */
static bool
vswitch_seqno_changed(struct vswitch *vs, void *seqnop_)
{
    const unsigned int *seqnop = seqnop_;

    return ovsdb_idl_get_seqno(vs->idl) != *seqnop;
}

/* vswitch_run_until() condition: ovs-vswitchd has caught up with the
 * next_cfg in '*next_cfgp'. */
static bool
vswitch_cfg_reached(struct vswitch *vs, void *next_cfgp_)
{
    const int64_t *next_cfgp = next_cfgp_;
    const struct ovsrec_open_vswitch *ovs;

    ovs = ovsrec_open_vswitch_first(vs->idl);
    return ovs && ovs->cur_cfg >= *next_cfgp;
}

int
vswitch_set_mtu_requests(struct vswitch *vs,
                         const struct vswitch_mtu_change *changes,
                         size_t n, const char *comment, int timeout_ms,
                         bool *changedp, struct error *err)
{
    long long int deadline = vswitch_deadline(timeout_ms);
    int64_t next_cfg = 0;
    bool changed = false;
    int error;

    if (changedp) {
        *changedp = false;
    }
    error = vswitch_check_changes(changes, n, err);
    if (error) {
        return error;
    }
    if (!n) {
        return 0;
    }

    for (;;) {
        enum ovsdb_idl_txn_status status;
        struct ovsdb_idl_txn *txn;
        unsigned int seqno;

        error = vswitch_refresh__(vs, "preparing the MTU change", err);
        if (error) {
            return error;
        }
        seqno = ovsdb_idl_get_seqno(vs->idl);
        error = vswitch_build_txn(vs, changes, n, comment, &txn, err);
        if (error) {
            return error;
        }

        error = vswitch_commit(vs, txn, deadline, &status);
        if (error) {
            ovsdb_idl_txn_destroy(txn);
            if (error == -ECONNRESET) {
                return vswitch_lost(vs, "committing the MTU change",
                                    VSWITCH_MAYBE_COMMITTED, err);
            }
            return error_set(err, -ETIMEDOUT,
                             "OVSDB at '%s' did not answer the MTU "
                             "transaction within %d ms; is it hung? "
                             VSWITCH_MAYBE_COMMITTED,
                             vs->remote, timeout_ms);
        }

        switch (status) {
        case TXN_UNCHANGED:
            ovsdb_idl_txn_destroy(txn);
            return 0;

        case TXN_SUCCESS:
            next_cfg = ovsdb_idl_txn_get_increment_new_value(txn);
            ovsdb_idl_txn_destroy(txn);
            changed = true;
            break;

        case TXN_TRY_AGAIN:
            /* A verify failed or the connection dropped: wait for the
             * replica to change, then rebuild the transaction from it. */
            ovsdb_idl_txn_destroy(txn);
            error = vswitch_run_until(vs, deadline, vswitch_seqno_changed,
                                      &seqno);
            if (error == -ECONNRESET) {
                return vswitch_lost(vs, "committing the MTU change",
                                    VSWITCH_MAYBE_COMMITTED, err);
            } else if (error) {
                return error_set(err, -ETIMEDOUT,
                                 "OVSDB at '%s' kept asking to retry the "
                                 "MTU transaction for %d ms; is another "
                                 "client changing the same rows?",
                                 vs->remote, timeout_ms);
            }
            continue;

        case TXN_ERROR: {
            char *why = xstrdup(ovsdb_idl_txn_get_error(txn));

            ovsdb_idl_txn_destroy(txn);
            error_set(err, -EIO, "OVSDB at '%s' rejected the MTU "
                      "transaction: %s", vs->remote, why);
            free(why);
            return -EIO;
        }

        case TXN_UNCOMMITTED:
        case TXN_INCOMPLETE:
        case TXN_ABORTED:
        case TXN_NOT_LOCKED:
            /* vswitch_commit() waits out TXN_INCOMPLETE, and we never
             * abort, take locks or leave a transaction uncommitted. */
            OVS_NOT_REACHED();
        }
        break;
    }

    if (changedp) {
        *changedp = changed;
    }

    /* Committed: now wait for ovs-vswitchd to apply it. */
    error = vswitch_run_until(vs, deadline, vswitch_cfg_reached, &next_cfg);
    if (error == -ECONNRESET) {
        return vswitch_lost(vs, "waiting for ovs-vswitchd to apply the "
                            "MTU change", "The change was committed; re-read "
                            "to see whether ovs-vswitchd applied it", err);
    } else if (error) {
        const struct ovsrec_open_vswitch *ovs;

        ovs = ovsrec_open_vswitch_first(vs->idl);
        return error_set(err, -ETIMEDOUT,
                         "ovs-vswitchd did not apply the change within %d ms "
                         "(cur_cfg %lld, next_cfg %lld); is ovs-vswitchd "
                         "running?", timeout_ms,
                         ovs ? (long long) ovs->cur_cfg : -1LL,
                         (long long) next_cfg);
    }
    return 0;
}

/* Argument of vswitch_mtu_reached(). */
struct vswitch_mtu_wait {
    const char *ifname;
    unsigned int mtu;           /* The MTU waited for. */
    unsigned int seen;          /* Interface.mtu last seen, 0 if unset. */
    bool found;                 /* The interface exists. */
};

/* vswitch_run_until() condition: the Interface.mtu of 'w->ifname' equals
 * 'w->mtu', or the interface is gone. */
static bool
vswitch_mtu_reached(struct vswitch *vs, void *w_)
{
    struct vswitch_mtu_wait *w = w_;
    const struct ovsrec_interface *row = vswitch_find_iface(vs, w->ifname);

    w->found = row != NULL;
    w->seen = (row && row->n_mtu && row->mtu[0] > 0
               && row->mtu[0] <= UINT_MAX) ? row->mtu[0] : 0;
    return !row || w->seen == w->mtu;
}

int
vswitch_wait_mtu(struct vswitch *vs, const char *ifname, unsigned int mtu,
                 int timeout_ms, unsigned int *seenp, struct error *err)
{
    struct vswitch_mtu_wait w = { .ifname = ifname, .mtu = mtu };
    int error;

    error = vswitch_run_until(vs, vswitch_deadline(timeout_ms),
                              vswitch_mtu_reached, &w);
    if (seenp) {
        *seenp = w.seen;
    }
    if (error == -ECONNRESET) {
        return vswitch_lost(vs, "waiting for an interface's MTU", "", err);
    } else if (!error && !w.found) {
        return error_set(err, -ENOENT, "OVS interface '%s' not found in "
                         "OVSDB at '%s'", ifname, vs->remote);
    } else if (error) {
        return error_set(err, -ETIMEDOUT,
                         "OVS interface '%s' reports MTU %u, not %u, after "
                         "%d ms; ovs-vswitchd may have failed to set it "
                         "(above the device's maximum? see "
                         "ovs-vswitchd.log)", ifname, w.seen, mtu,
                         timeout_ms);
    }
    return 0;
}

struct vswitch_monitor {
    char *remote;
    struct ovsdb_idl *idl;      /* Owned, retry=true: reconnects by itself.
                                 * Only while the passes' connection is
                                 * down, NULL otherwise. */
    unsigned int seqno;         /* Of the replica watched, when last seen
                                 * or read by a pass. */
    const struct vswitch *seen; /* The passes' connection that 'seqno' is
                                 * of (compared, never dereferenced), or
                                 * NULL for 'idl'. */
    bool changed;               /* Report a change at the next run. */
};

struct vswitch_monitor *
vswitch_monitor_create(const char *remote)
{
    struct vswitch_monitor *m = xzalloc(sizeof *m);

    vswitch_init_once();
    m->remote = xstrdup(remote);
    return m;
}

void
vswitch_monitor_destroy(struct vswitch_monitor *m)
{
    if (m) {
        ovsdb_idl_destroy(m->idl);
        free(m->remote);
        free(m);
    }
}

void
vswitch_monitor_read(struct vswitch_monitor *m, const struct vswitch *vs)
{
    if (m && vs) {
        m->seen = vs;
        m->seqno = ovsdb_idl_get_seqno(vs->idl);
        m->changed = false;
    }
}

void
vswitch_monitor_forget(struct vswitch_monitor *m)
{
    if (m) {
        m->changed = true;
    }
}

/* Returns the replica that 'm' watches now: that of 'vs', the passes'
 * connection, while it is alive (and then 'm' has none of its own), else
 * its own, made here. */
static struct ovsdb_idl *
vswitch_monitor_idl(struct vswitch_monitor *m, const struct vswitch *vs)
{
    if (vs && ovsdb_idl_is_alive(vs->idl)) {
        if (m->idl) {
            ovsdb_idl_destroy(m->idl);
            m->idl = NULL;
        }
        return vs->idl;
    }
    if (!m->idl) {
        m->idl = ovsdb_idl_create(m->remote, &ovsrec_idl_class, false, true);
        vswitch_register_columns(m->idl);
        m->seqno = ovsdb_idl_get_seqno(m->idl);
        m->seen = NULL;
    }
    return m->idl;
}

void
vswitch_monitor_wait(struct vswitch_monitor *m, const struct vswitch *vs,
                     const int *fds, size_t n_fds, int timeout_ms)
{
    vswitch_init_once();
    if (m) {
        ovsdb_idl_wait(vswitch_monitor_idl(m, vs));
    }
    for (size_t i = 0; i < n_fds; i++) {
        poll_fd_wait(fds[i], POLLIN);
    }
    if (timeout_ms >= 0) {
        poll_timer_wait(timeout_ms);
    }
    poll_block();
}

bool
vswitch_monitor_run(struct vswitch_monitor *m, const struct vswitch *vs,
                    bool *connectedp)
{
    struct ovsdb_idl *idl = vswitch_monitor_idl(m, vs);
    bool changed = m->changed;

    /* A passes' connection that no pass has read since it was opened may
     * hold what no pass planned with. */
    if (idl != m->idl && vs != m->seen) {
        changed = true;
        m->seen = vs;
    }
    /* As in vswitch_refresh__(): apply everything that has arrived. */
    for (int i = 0; i < 100; i++) {
        unsigned int seqno = ovsdb_idl_get_seqno(idl);

        ovsdb_idl_run(idl);
        if (ovsdb_idl_get_seqno(idl) == seqno) {
            break;
        }
    }
    changed |= ovsdb_idl_get_seqno(idl) != m->seqno;
    m->seqno = ovsdb_idl_get_seqno(idl);
    m->changed = false;
    *connectedp = ovsdb_idl_is_connected(idl);
    return changed;
}
