/* "jumboagent pool-set-mtu": the pool-wide MTU change through xapi.
 *
 * pool_set_mtu() reads the pool from xapi (agent/xapi-client.c), asks every
 * host's plugin "check", plans with agent/pool-plan.c and, unless it is a
 * dry run or refused, rolls the plan host by host with a "verify" gate per
 * host, restoring the host that fails.  It prints progress and the report
 * to 'out'; the exit code is picked from the returned outcome by the
 * caller. */
#ifndef JUMBOAGENT_POOL_H
#define JUMBOAGENT_POOL_H 1

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "outcome.h"

struct pool_options {
    const char *socket;         /* xapi's unix socket. */
    const char *network;        /* Network uuid or name_label. */
    unsigned int mtu;           /* Target MTU. */
    const char *peers;          /* "HOST=IP,...": each host's address, a
                                 * verify peer once that host is done. */
    const char *verify_peers;   /* "IP,...": always verified (storage). */
    bool dry_run;               /* Print the plan, change nothing. */
    bool replug_vifs;           /* VIF.unplug/plug the running VIFs. */
    int timeout_ms;             /* Bound on each xapi call. */
};

/* Runs the pool change 'opts' and returns how it ended: OUTCOME_APPLIED
 * (or OUTCOME_IN_SYNC), OUTCOME_DRIFT (a dry run with steps),
 * OUTCOME_REFUSED (preflight said no: nothing changed), OUTCOME_ROLLED_BACK
 * (a host failed, was restored, the roll stopped), OUTCOME_FAILED (with
 * 'err' saying what failed and what to do). */
enum outcome pool_set_mtu(const struct pool_options *opts, FILE *out,
                          struct error *err);

/* The "pool-set-mtu" command line: 'argv'[0] is "pool-set-mtu".  Returns
 * the exit code (outcome.h). */
int pool_cli_main(int argc, char *argv[]);

#endif /* pool.h */
