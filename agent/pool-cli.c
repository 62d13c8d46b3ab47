/* The command line of "jumboagent pool-set-mtu" (agent/pool.h): options in,
 * pool_set_mtu(), an exit code out (outcome.h). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "pool.h"
#include "xapi-client.h"

static void
pool_usage(FILE *stream)
{
    fprintf(stream,
"Usage: jumboagent pool-set-mtu --network UUID|NAME --mtu N [OPTIONS]\n"
"Change a network's MTU across a XenServer/XCP-ng pool through xapi, host\n"
"by host, members first and the coordinator last.  Run on the coordinator.\n"
"\n"
"  --network UUID|NAME  the network (uuid or name_label)\n"
"  --mtu N              the target MTU (68..65535)\n"
"  --peers HOST=IP,...  each host's address on the network: once a host is\n"
"                       done, the next hosts verify towards it\n"
"  --verify-peers IP,.. addresses every host verifies towards (storage, a\n"
"                       gateway: already at the new MTU); required but\n"
"                       with --dry-run\n"
"  --dry-run            check every host, print the numbered plan, change\n"
"                       nothing\n"
"  --replug-vifs        VIF.unplug/VIF.plug the running VMs' VIFs that keep\n"
"                       the old MTU (default: list them)\n"
"  --xapi-socket PATH   xapi's socket (default %s)\n"
"  --timeout SECS       bound on each xapi call, a plugin call included\n"
"                       (default 120)\n"
"\n"
"Exit codes: 0 done (or nothing to do); 1 failed; 2 --dry-run with steps;\n"
"3 refused in preflight, nothing changed; 5 a host failed, was restored,\n"
"and the roll stopped.\n", XAPI_DEFAULT_SOCKET);
}

static int
pool_fail(const char *msg)
{
    fputs("jumboagent pool-set-mtu: ", stderr);
    escape_put_text(msg, false, stderr);
    fputc('\n', stderr);
    return EXIT_ERROR;
}

int
pool_cli_main(int argc, char *argv[])
{
    enum { OPT_NETWORK = 256, OPT_MTU, OPT_PEERS, OPT_VERIFY_PEERS,
           OPT_DRY_RUN, OPT_REPLUG_VIFS, OPT_SOCKET, OPT_TIMEOUT, OPT_HELP };
    static const struct option long_options[] = {
        { "network", required_argument, NULL, OPT_NETWORK },
        { "mtu", required_argument, NULL, OPT_MTU },
        { "peers", required_argument, NULL, OPT_PEERS },
        { "verify-peers", required_argument, NULL, OPT_VERIFY_PEERS },
        { "dry-run", no_argument, NULL, OPT_DRY_RUN },
        { "replug-vifs", no_argument, NULL, OPT_REPLUG_VIFS },
        { "xapi-socket", required_argument, NULL, OPT_SOCKET },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "help", no_argument, NULL, OPT_HELP },
        { NULL, 0, NULL, 0 },
    };
    struct pool_options opts = {
        .socket = XAPI_DEFAULT_SOCKET, .timeout_ms = 120 * 1000,
    };
    struct error err = { 0, "" };
    enum outcome outcome;
    char msg[256];
    char *end;
    long n;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_NETWORK:
            opts.network = optarg;
            break;
        case OPT_MTU:
            n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 68 || n > 65535) {
                snprintf(msg, sizeof msg, "--mtu '%s': expected a number "
                         "68..65535", optarg);
                return pool_fail(msg);
            }
            opts.mtu = n;
            break;
        case OPT_PEERS:
            opts.peers = optarg;
            break;
        case OPT_VERIFY_PEERS:
            opts.verify_peers = optarg;
            break;
        case OPT_DRY_RUN:
            opts.dry_run = true;
            break;
        case OPT_REPLUG_VIFS:
            opts.replug_vifs = true;
            break;
        case OPT_SOCKET:
            opts.socket = optarg;
            break;
        case OPT_TIMEOUT:
            n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 1 || n > INT_MAX / 1000) {
                snprintf(msg, sizeof msg, "--timeout '%s': expected seconds "
                         "(1 or more)", optarg);
                return pool_fail(msg);
            }
            opts.timeout_ms = n * 1000;
            break;
        case OPT_HELP:
            pool_usage(stdout);
            return EXIT_IN_SYNC;
        default:
            pool_usage(stderr);
            return EXIT_ERROR;
        }
    }
    if (optind < argc) {
        snprintf(msg, sizeof msg, "unexpected argument '%s'", argv[optind]);
        return pool_fail(msg);
    }
    if (!opts.network || !opts.mtu) {
        return pool_fail("--network and --mtu are required "
                         "(see 'jumboagent pool-set-mtu --help')");
    }
    if (!opts.dry_run && !opts.verify_peers) {
        return pool_fail("--verify-peers is required: the first host rolled "
                         "has no done peer yet, so it verifies towards these "
                         "addresses (storage, a gateway) at the new MTU");
    }
    outcome = pool_set_mtu(&opts, stdout, &err);
    if (outcome == OUTCOME_FAILED && err.msg[0]) {
        pool_fail(err.msg);
    }
    if (fflush(stdout) || ferror(stdout)) {
        return pool_fail("cannot write to standard output");
    }
    return outcome_exit_code(outcome);
}
