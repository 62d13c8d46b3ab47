/* vswitch-probe: a small driver of agent/vswitch.c for the lab tests
 * (tests/lab/test-vswitch.sh).  It runs one vswitch_* operation against a
 * real ovsdb-server/ovs-vswitchd and prints the result in a form that shell
 * tests can compare with ovs-vsctl:
 *
 *   vswitch-probe [--timeout MS] REMOTE open
 *   vswitch-probe [--timeout MS] REMOTE read
 *   vswitch-probe [--timeout MS] [--wait-mtu] REMOTE set CHANGE...
 *
 * where a CHANGE is IFACE=MTU or IFACE=clear, and MS defaults to 10000.
 *
 * "read" prints one line per object:
 *   ovs version=V cur_cfg=N next_cfg=N
 *   bridge NAME datapath_type=T external_ids=K=V,K=V
 *   port BRIDGE NAME bond_mode=M tag=N external_ids=K=V,K=V
 *   iface BRIDGE PORT NAME type=T mtu=N mtu_request=N ofport=N error=E
 *         external_ids=K=V,K=V
 * with "[]" for an unset column.  "set" commits one transaction, waits for
 * ovs-vswitchd and prints "changed" or "unchanged"; with --wait-mtu it then
 * also waits until each interface set reports the MTU asked for.
 *
 * Exits 0 on success, 1 with the error message on stderr, 2 on bad usage. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "host.h"
#include "util.h"
#include "vswitch.h"

static void
usage(void)
{
    fprintf(stderr,
            "usage: vswitch-probe [--timeout MS] REMOTE open\n"
            "       vswitch-probe [--timeout MS] REMOTE read\n"
            "       vswitch-probe [--timeout MS] [--wait-mtu] REMOTE set "
            "IFACE=MTU|IFACE=clear...\n");
    exit(2);
}

/* Prints "[]" for an unset optional integer column, else its value. */
static void
print_opt(const char *name, bool has, long long value)
{
    if (has) {
        printf(" %s=%lld", name, value);
    } else {
        printf(" %s=[]", name);
    }
}

/* Prints " external_ids=K=V,K=V" ("[]" if there are none) and a newline. */
static void
print_kvs(const struct host_kv *kvs, size_t n)
{
    printf(" external_ids=%s", n ? "" : "[]");
    for (size_t i = 0; i < n; i++) {
        printf("%s%s=%s", i ? "," : "", kvs[i].key, kvs[i].value);
    }
    putchar('\n');
}

static void
print_host(const struct host *host)
{
    printf("ovs version=%s cur_cfg=%lld next_cfg=%lld\n",
           host->ovs_version[0] ? host->ovs_version : "[]",
           host->ovs_cur_cfg, host->ovs_next_cfg);
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];

        printf("bridge %s datapath_type=%s", br->name,
               br->datapath_type[0] ? br->datapath_type : "[]");
        print_kvs(br->external_ids, br->n_external_ids);
        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];

            printf("port %s %s bond_mode=%s tag=%u", br->name, port->name,
                   port->bond_mode[0] ? port->bond_mode : "[]", port->tag);
            print_kvs(port->external_ids, port->n_external_ids);
            for (size_t i = 0; i < port->n_ifaces; i++) {
                const struct host_ovs_iface *iface = &port->ifaces[i];

                printf("iface %s %s %s type=%s", br->name, port->name,
                       iface->name, iface->type[0] ? iface->type : "[]");
                print_opt("mtu", iface->has_mtu, iface->mtu);
                print_opt("mtu_request", iface->has_mtu_request,
                          iface->mtu_request);
                print_opt("ofport", iface->has_ofport, iface->ofport);
                printf(" error=%s", iface->error[0] ? iface->error : "[]");
                print_kvs(iface->external_ids, iface->n_external_ids);
            }
        }
    }
}

/* Parses "IFACE=MTU" or "IFACE=clear" into 'c' (which points into 'arg').
 * Returns false if malformed. */
static bool
parse_change(char *arg, struct vswitch_mtu_change *c)
{
    char *eq = strchr(arg, '=');
    char *end;
    unsigned long mtu;

    if (!eq || eq == arg || !eq[1]) {
        return false;
    }
    *eq = '\0';
    c->ifname = arg;
    if (!strcmp(eq + 1, "clear")) {
        c->set = false;
        c->mtu = 0;
        return true;
    }
    errno = 0;
    mtu = strtoul(eq + 1, &end, 10);
    if (errno || *end || mtu > UINT_MAX) {
        return false;
    }
    c->set = true;
    c->mtu = mtu;
    return true;
}

static int
do_set(struct vswitch *vs, int argc, char **argv, int timeout_ms,
       bool wait_mtu, struct error *err)
{
    struct vswitch_mtu_change *changes;
    size_t n = argc;
    bool changed;
    int error;

    if (!n) {
        usage();
    }
    changes = xzalloc(n * sizeof *changes);
    for (size_t i = 0; i < n; i++) {
        if (!parse_change(argv[i], &changes[i])) {
            free(changes);
            return error_set(err, -EINVAL, "bad change '%s'; use IFACE=MTU "
                             "or IFACE=clear", argv[i]);
        }
    }
    error = vswitch_set_mtu_requests(vs, changes, n, "vswitch-probe set",
                                     timeout_ms, &changed, err);
    if (!error) {
        printf("%s\n", changed ? "changed" : "unchanged");
        fflush(stdout);
    }
    for (size_t i = 0; !error && wait_mtu && i < n; i++) {
        unsigned int seen;

        if (changes[i].set) {
            error = vswitch_wait_mtu(vs, changes[i].ifname, changes[i].mtu,
                                     timeout_ms, &seen, err);
        }
    }
    free(changes);
    return error;
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        { "timeout", required_argument, NULL, 't' },
        { "wait-mtu", no_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct vswitch *vs = NULL;
    struct error err = { 0, "" };
    int timeout_ms = 10000;
    bool wait_mtu = false;
    const char *remote, *cmd;
    int opt, error;

    while ((opt = getopt_long(argc, argv, "t:wh", options, NULL)) != -1) {
        switch (opt) {
        case 't': {
            char *end;
            long value = strtol(optarg, &end, 10);

            if (*end || value < 0 || value > INT_MAX) {
                usage();
            }
            timeout_ms = value;
            break;
        }
        case 'w':
            wait_mtu = true;
            break;
        default:
            usage();
        }
    }
    if (argc - optind < 2) {
        usage();
    }
    remote = argv[optind];
    cmd = argv[optind + 1];
    if (strcmp(cmd, "open") && strcmp(cmd, "read") && strcmp(cmd, "set")) {
        usage();
    }

    error = vswitch_open(remote, timeout_ms, &vs, &err);
    if (!error && !strcmp(cmd, "read")) {
        struct host *host = host_create();

        error = vswitch_read(vs, host, &err);
        if (!error) {
            print_host(host);
        }
        host_destroy(host);
    } else if (!error && !strcmp(cmd, "set")) {
        error = do_set(vs, argc - optind - 2, argv + optind + 2, timeout_ms,
                       wait_mtu, &err);
    }
    vswitch_close(vs);

    if (error) {
        fprintf(stderr, "vswitch-probe: %s (%s)\n", err.msg,
                strerror(-error));
        return 1;
    }
    return 0;
}
