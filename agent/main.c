/* jumboagent: reconciles jumbo-frame MTUs on hypervisor hosts.
 *
 * This file is the command line: it parses arguments, wires the parsers, the
 * inventory, the planner and the reports together, and is the only place
 * that picks an exit code.  Everything it calls returns errors instead of
 * exiting. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "backend.h"
#include "daemon.h"
#include "drivers.h"
#include "error.h"
#include "escape.h"
#include "host-json.h"
#include "host-text.h"
#include "host.h"
#include "inventory.h"
#include "journal.h"
#include "lock.h"
#include "log.h"
#include "outcome.h"
#include "plan.h"
#include "policy.h"
#include "pool.h"
#include "privilege.h"
#include "report.h"
#include "run.h"
#include "util.h"
#include "verify.h"
#include "vswitch.h"

#ifndef JUMBOAGENT_VERSION
#define JUMBOAGENT_VERSION "0.1.0"
#endif

enum output_format {
    FORMAT_TEXT,
    FORMAT_JSON,
    FORMAT_PROMETHEUS,
};

struct options {
    const char *command;        /* "show", "apply", "verify". */
    const char *db;             /* OVSDB remote. */
    bool db_given;              /* --db was given: OVSDB is required. */
    const char *policy;         /* Policy file. */
    bool policy_given;          /* --policy was given: it must exist. */
    bool no_policy;             /* --no-policy: audit without a policy. */
    const char *drivers;        /* Driver table file, NULL for default. */
    const char *host_model;     /* Read the host from JSON, not live. */
    const char *state_dir;      /* Journal directory. */
    const char *lock_file;      /* Run lock. */
    bool dry_run;
    bool verify;                /* --verify: apply, then verify paths. */
    bool no_rollback;           /* --no-rollback: keep what failed it. */
    bool daemon;                /* --daemon: apply, then keep watching. */
    enum policy_replug replug;  /* --replug, --no-replug, or neither. */
    enum output_format format;
    int timeout_ms;
};

static const char *program_name = "jumboagent";

static void
usage(FILE *stream)
{
    fprintf(stream,
"Usage: %s [COMMAND] [OPTIONS]\n"
"Reconcile jumbo-frame MTUs on OVS bridges, bonds, PIFs, VIFs and Linux\n"
"bridges, refusing what is unsafe.\n"
"\n"
"Commands:\n"
"  apply            make the host match the policy (the default command);\n"
"                   with --dry-run, audit: print findings and the plan,\n"
"                   change nothing\n"
"  show             print the host's network tree with the MTU at every layer\n"
"  verify           check the paths only: DF probes at each network's MTU to\n"
"                   its \"verify\" peers, and the path MTU where they fail;\n"
"                   changes nothing\n"
"  pool-set-mtu     change a network's MTU across a XenServer/XCP-ng pool\n"
"                   through xapi, host by host (see pool-set-mtu --help)\n"
"\n"
"Options:\n"
"  --db REMOTE      OVSDB remote (default %s)\n"
"  --policy FILE    policy file (default %s)\n"
"  --no-policy      audit consistency only, even if the default policy\n"
"                   file exists (--dry-run only)\n"
"  --drivers FILE   driver-support table (default %s)\n"
"  --host-model FILE  read the host from a 'show --format json' file\n"
"                   instead of the live host (implies --dry-run)\n"
"  --dry-run        change nothing; print findings and the plan\n"
"  --format FMT     text (default), json, or prometheus (--dry-run only)\n"
"  --timeout SECS   bound on each wait: the run lock, connecting to OVSDB,\n"
"                   ovs-vswitchd applying a change, a replugged link's\n"
"                   carrier, a rollback, each path probe's answer (at most\n"
"                   1 s) (default 10)\n"
"  --replug         bounce (down, then up) every changed uplink and bond\n"
"                   member, one at a time, off the management path, as\n"
"                   planned replug steps (default: only where a network\n"
"                   says \"replug\": true or the driver table needs it)\n"
"  --no-replug      plan no replug steps at all\n"
"  --verify         apply, then verify the paths as 'verify' does; if any\n"
"                   network fails, roll back everything the run changed\n"
"  --no-rollback    with --verify: keep the changes when verification fails\n"
"  --daemon         apply, then stay: watch OVSDB and the kernel's links and\n"
"                   reconcile what changes; SIGHUP re-reads the policy,\n"
"                   SIGTERM stops (for systemd Type=notify)\n"
"  --state-dir DIR  where the apply journal is kept (default %s)\n"
"  --lock-file FILE the run lock (default %s)\n"
"  --version        print the version and exit\n"
"  --help           print this help and exit\n"
"\n"
"Exit codes: 0 applied or in sync (an empty plan); 1 failed: bad input,\n"
"cannot connect, unusable --state-dir, lock held (nothing was changed), a\n"
"write error on standard output, or a rollback or recovery that could not\n"
"finish (the journal in --state-dir is kept and the next run restores it\n"
"first); 2 drift found by --dry-run; 3 refused as unsafe, nothing changed;\n"
"4 path verification failed (with --verify, what the run changed was put\n"
"back, unless --no-rollback); 5 apply changed something, failed, and put\n"
"everything back.\n",
            program_name, vswitch_default_remote(), POLICY_DEFAULT_FILE,
            DRIVERS_DEFAULT_FILE, JOURNAL_DEFAULT_DIR, LOCK_DEFAULT_FILE);
}

/* Parses the --timeout argument 'arg' into milliseconds. */
static bool
parse_timeout(const char *arg, int *msp)
{
    char *end;
    double secs;

    errno = 0;
    secs = strtod(arg, &end);
    if (errno || end == arg || *end || !(secs > 0) || secs > 86400) {
        return false;
    }
    *msp = secs * 1000 < 1 ? 1 : (int) (secs * 1000);
    return true;
}

/* Parses the command line into 'opts'.  Returns -1 on success, else the exit
 * code to exit with (after printing what was wrong). */
static int
parse_options(int argc, char *argv[], struct options *opts)
{
    enum {
        OPT_DB = UCHAR_MAX + 1, OPT_POLICY, OPT_DRIVERS, OPT_DRY_RUN,
        OPT_FORMAT, OPT_TIMEOUT, OPT_VERSION, OPT_HELP, OPT_HOST_MODEL,
        OPT_REPLUG, OPT_NO_REPLUG, OPT_STATE_DIR, OPT_LOCK_FILE, OPT_NO_POLICY,
        OPT_VERIFY, OPT_NO_ROLLBACK, OPT_DAEMON,
    };
    static const struct option long_options[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "policy", required_argument, NULL, OPT_POLICY },
        { "drivers", required_argument, NULL, OPT_DRIVERS },
        { "host-model", required_argument, NULL, OPT_HOST_MODEL },
        { "dry-run", no_argument, NULL, OPT_DRY_RUN },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "no-policy", no_argument, NULL, OPT_NO_POLICY },
        { "replug", no_argument, NULL, OPT_REPLUG },
        { "no-replug", no_argument, NULL, OPT_NO_REPLUG },
        { "verify", no_argument, NULL, OPT_VERIFY },
        { "no-rollback", no_argument, NULL, OPT_NO_ROLLBACK },
        { "daemon", no_argument, NULL, OPT_DAEMON },
        { "state-dir", required_argument, NULL, OPT_STATE_DIR },
        { "lock-file", required_argument, NULL, OPT_LOCK_FILE },
        { "version", no_argument, NULL, OPT_VERSION },
        { "help", no_argument, NULL, OPT_HELP },
        { NULL, 0, NULL, 0 },
    };
    struct error err;
    int c;

    memset(opts, 0, sizeof *opts);
    opts->db = vswitch_default_remote();
    opts->policy = POLICY_DEFAULT_FILE;
    opts->timeout_ms = 10000;
    opts->state_dir = JOURNAL_DEFAULT_DIR;
    opts->lock_file = LOCK_DEFAULT_FILE;
    opts->replug = POLICY_REPLUG_DEFAULT;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            if (vswitch_check_remote(optarg, &err)) {
                return run_fail("--db: %s", err.msg);
            }
            opts->db = optarg;
            opts->db_given = true;
            break;
        case OPT_POLICY:
            opts->policy = optarg;
            opts->policy_given = true;
            break;
        case OPT_DRIVERS:
            opts->drivers = optarg;
            break;
        case OPT_HOST_MODEL:
            opts->host_model = optarg;
            opts->dry_run = true;
            break;
        case OPT_NO_POLICY:
            opts->no_policy = true;
            break;
        case OPT_REPLUG:
        case OPT_NO_REPLUG:
            if (opts->replug != POLICY_REPLUG_DEFAULT
                && opts->replug != (c == OPT_REPLUG ? POLICY_REPLUG_ALL
                                    : POLICY_REPLUG_NEVER)) {
                return run_fail("--replug and --no-replug contradict each "
                            "other; give one of them");
            }
            opts->replug = (c == OPT_REPLUG ? POLICY_REPLUG_ALL
                            : POLICY_REPLUG_NEVER);
            break;
        case OPT_STATE_DIR:
            opts->state_dir = optarg;
            break;
        case OPT_LOCK_FILE:
            opts->lock_file = optarg;
            break;
        case OPT_DRY_RUN:
            opts->dry_run = true;
            break;
        case OPT_VERIFY:
            opts->verify = true;
            break;
        case OPT_NO_ROLLBACK:
            opts->no_rollback = true;
            break;
        case OPT_DAEMON:
            opts->daemon = true;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "text")) {
                opts->format = FORMAT_TEXT;
            } else if (!strcmp(optarg, "json")) {
                opts->format = FORMAT_JSON;
            } else if (!strcmp(optarg, "prometheus")) {
                opts->format = FORMAT_PROMETHEUS;
            } else {
                return run_fail("--format: unknown format '%s'; use text, json "
                            "or prometheus", optarg);
            }
            break;
        case OPT_TIMEOUT:
            if (!parse_timeout(optarg, &opts->timeout_ms)) {
                return run_fail("--timeout: '%s' is not a number of seconds "
                            "greater than 0 (at most 86400)", optarg);
            }
            break;
        case OPT_VERSION:
            printf("jumboagent %s\n", JUMBOAGENT_VERSION);
            return EXIT_IN_SYNC;
        case OPT_HELP:
            usage(stdout);
            return EXIT_IN_SYNC;
        case ':':
            return run_fail("option '%s' needs a value; see '%s --help'",
                        argv[optind - 1], program_name);
        case '?':
        default:
            return run_fail("unknown option '%s'; see '%s --help'",
                        argv[optind - 1], program_name);
        }
    }
    if (optind < argc) {
        opts->command = argv[optind++];
    } else {
        opts->command = "apply";
    }
    if (optind < argc) {
        return run_fail("unexpected argument '%s'; see '%s --help'",
                    argv[optind], program_name);
    }
    if (strcmp(opts->command, "apply") && strcmp(opts->command, "show")
        && strcmp(opts->command, "verify")) {
        return run_fail("unknown command '%s'; use 'apply', 'show' or 'verify' "
                    "(see '%s --help')", opts->command, program_name);
    }
    if (opts->verify && (strcmp(opts->command, "apply") || opts->dry_run)) {
        return run_fail("--verify is for apply (it verifies after applying); "
                    "to check the paths only, run '%s verify'",
                    program_name);
    }
    if (opts->daemon && (strcmp(opts->command, "apply") || opts->dry_run
                         || opts->verify || opts->format != FORMAT_TEXT)) {
        return run_fail("--daemon applies and keeps the host in line: it takes "
                    "no command but apply, and no --dry-run, --host-model, "
                    "--verify or --format");
    }
    if (opts->no_rollback && !opts->verify) {
        return run_fail("--no-rollback goes with --verify");
    }
    if (!strcmp(opts->command, "verify") && opts->dry_run) {
        return run_fail("verify changes nothing; it takes no --dry-run");
    }
    if (opts->no_policy && opts->policy_given) {
        return run_fail("--policy and --no-policy contradict each other; give "
                    "one of them");
    }
    if (opts->no_policy && !opts->dry_run) {
        return run_fail("--no-policy is only for --dry-run audits: apply needs "
                    "a policy");
    }
    if (opts->format == FORMAT_PROMETHEUS
        && !(!strcmp(opts->command, "apply") && opts->dry_run)) {
        return run_fail("--format prometheus is only for --dry-run audits");
    }
    return -1;
}

/* Fills 'ctx' with what a run of 'opts' works on. */
static void
options_to_context(const struct options *opts, struct run_context *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->db = opts->db;
    ctx->db_given = opts->db_given;
    ctx->policy_file = opts->policy;
    ctx->policy_given = opts->policy_given;
    ctx->no_policy = opts->no_policy;
    ctx->drivers_file = opts->drivers;
    ctx->state_dir = opts->state_dir;
    ctx->lock_file = opts->lock_file;
    ctx->replug = opts->replug;
    ctx->json = opts->format == FORMAT_JSON;
    ctx->verify = opts->verify;
    ctx->no_rollback = opts->no_rollback;
    ctx->quiet = opts->daemon;
    ctx->hangup_reloads = opts->daemon;
    ctx->timeout_ms = opts->timeout_ms;
}

/* Reads the host, live or from --host-model.  Returns 0 or an exit code. */
static int
read_host(const struct options *opts, struct host **hostp)
{
    struct error err;

    error_clear(&err);
    if (opts->host_model) {
        if (host_json_read_file(opts->host_model, hostp, &err)) {
            return run_fail("%s", err.msg);
        }
        return 0;
    }
    if (inventory_read(opts->db, opts->timeout_ms, opts->db_given, hostp,
                       NULL, &err)) {
        return run_fail("%s", err.msg);
    }
    return 0;
}

static int
run_show(const struct options *opts)
{
    struct host *host;
    int status = read_host(opts, &host);

    if (status) {
        return status;
    }
    if (opts->format == FORMAT_JSON) {
        host_json_write(host, stdout);
    } else {
        host_text_write(host, stdout);
    }
    host_destroy(host);
    return run_check_stdout(EXIT_IN_SYNC);
}

/* Writes the Prometheus metrics of a dry run that failed with 'status'
 * before it had a plan: what is known ('policy', 'host', either may be
 * NULL), so that a monitor sees the failure. */
static void
write_failed_metrics(const struct options *opts, const struct policy *policy,
                     const struct host *host, int status)
{
    struct report_context ctx = {
        .policy = policy,
        .policy_file = opts->no_policy ? NULL : opts->policy,
        .host = host,
    };

    if (opts->format == FORMAT_PROMETHEUS) {
        report_prometheus(&ctx, status, stdout);
    }
}

/* Gives up every capability that a run which needs 'need' does not (see
 * privilege.h), once its input files are read.  Returns 0, or EXIT_ERROR
 * after saying why. */
static int
drop_privileges(enum privilege_need need)
{
    struct error err;

    error_clear(&err);
    return (privilege_drop(need, &err)
            ? run_fail("%s; nothing was changed", err.msg) : 0);
}

static int
run_dry_run(const struct options *opts)
{
    struct driver_table *drivers = NULL;
    struct policy *policy = NULL;
    struct run_context run_ctx;
    struct host *host;
    struct plan *plan;
    struct error err;
    int status;

    options_to_context(opts, &run_ctx);
    status = run_load_inputs(&run_ctx, &policy, &drivers);
    if (status) {
        write_failed_metrics(opts, NULL, NULL, status);
        return run_check_stdout(status);
    }
    host = NULL;
    status = (opts->host_model ? 0 : drop_privileges(PRIVILEGE_READ));
    if (!status) {
        status = read_host(opts, &host);
    }
    if (!status && opts->host_model) {
        status = drop_privileges(PRIVILEGE_READ);
    }
    if (!status && !opts->host_model) {
        status = run_check_ovs_reachable(policy, host);
    }
    if (status) {
        write_failed_metrics(opts, policy, host, status);
        host_destroy(host);
        policy_destroy(policy);
        driver_table_destroy(drivers);
        return run_check_stdout(status);
    }
    error_clear(&err);
    if (plan_compute(policy, host, drivers, &plan, &err)) {
        status = run_fail("planning failed: %s", err.msg);
        write_failed_metrics(opts, policy, host, status);
    } else {
        struct report_context ctx = {
            .policy = policy,
            .policy_file = opts->no_policy ? NULL : opts->policy,
            .drivers = drivers,
            .host = host,
            .plan = plan,
        };

        status = report_status(plan);
        switch (opts->format) {
        case FORMAT_JSON:
            report_json(&ctx, stdout);
            break;
        case FORMAT_PROMETHEUS:
            report_prometheus(&ctx, status, stdout);
            break;
        case FORMAT_TEXT:
        default:
            report_text(&ctx, stdout);
            break;
        }
        plan_destroy(plan);
    }
    host_destroy(host);
    policy_destroy(policy);
    driver_table_destroy(drivers);
    return run_check_stdout(status);
}

/* "jumboagent verify": probes every network's "verify" peers, changes
 * nothing.  Exit 0 if every path carries its network's MTU, 4 if one does
 * not, 1 on bad input. */
static int
run_verify(const struct options *opts)
{
    struct policy *policy = NULL;
    struct verify_run *run = NULL;
    struct run_context ctx;
    char summary[768];
    struct error err;
    int error, status;

    error_clear(&err);
    error = policy_parse_file(opts->policy, &policy, &err);
    if (error == -ENOENT && !opts->policy_given) {
        return run_fail("verify needs a policy: %s does not exist; pass "
                    "--policy FILE", opts->policy);
    } else if (error) {
        return run_fail("%s", err.msg);
    }
    /* Probing needs CAP_NET_RAW (raw ICMP sockets) and nothing else: the
     * apply set is the smallest that holds it. */
    status = drop_privileges(PRIVILEGE_APPLY);
    if (status) {
        policy_destroy(policy);
        return status;
    }
    options_to_context(opts, &ctx);
    if (verify_prepare(policy, run_verify_deadline_ms(&ctx), &run, &err)) {
        status = run_fail("%s; nothing was probed", err.msg);
    } else if (verify_probe(run, &err)) {
        status = run_fail("%s", err.msg);
    } else {
        run_write_verdicts(&ctx, run, "none");
        status = run_check_stdout(EXIT_IN_SYNC);
        if (!status && verify_n_failed(run)) {
            verify_summary(run, summary, sizeof summary);
            log_outcome(OUTCOME_VERIFY_FAILED, "path verification failed: "
                        "%s", summary);
            status = EXIT_VERIFY_FAILED;
        }
    }
    verify_destroy(run);
    policy_destroy(policy);
    return status;
}

static int
run_apply(const struct options *opts)
{
    struct driver_table *drivers = NULL;
    struct policy *policy = NULL;
    struct backend *backend;
    struct run_context ctx;
    struct run_result result;
    sigset_t stop_signals;
    int status;

    options_to_context(opts, &ctx);
    log_open("jumboagent", true);
    status = run_load_inputs(&ctx, &policy, &drivers);
    if (!status && !policy) {
        driver_table_destroy(drivers);
        status = run_fail("apply needs a policy: %s does not exist; write one "
                      "(see policy/README.md) and pass --policy FILE, or "
                      "run with --dry-run to audit", opts->policy);
    }
    if (status) {
        run_warn_pending_journal(&ctx);
        log_outcome(OUTCOME_FAILED, "failed: nothing was changed");
        return status;
    }
    if (drop_privileges(PRIVILEGE_APPLY)) {
        log_outcome(OUTCOME_FAILED, "failed: nothing was changed");
        policy_destroy(policy);
        driver_table_destroy(drivers);
        return EXIT_ERROR;
    }

    /* From here on a stop request (Ctrl-C, systemctl stop, a hangup) must
     * not kill the run half way: apply sees it between steps and rolls
     * back.  It stays blocked until exit (the daemon reads it from a
     * signalfd). */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop_signals, NULL);
    backend = backend_live_create();
    if (opts->daemon) {
        status = daemon_run(&ctx, backend, &policy, &drivers);
    } else {
        status = run_apply_once(&ctx, backend, policy, drivers, &result);
    }
    backend_destroy(backend);
    policy_destroy(policy);
    driver_table_destroy(drivers);
    return status;
}

int
main(int argc, char *argv[])
{
    struct options opts;
    int status;

    /* Output into a closed pipe ("| head") is an error to report, not a
     * reason to die half way through an apply. */
    signal(SIGPIPE, SIG_IGN);
    /* Arrays of 128 kB and more (the host's links, the OVSDB replica's
     * tables, the plan's findings and steps) in mappings of their own, as
     * glibc starts out: they grow in place (mremap) and go back to the
     * kernel when freed.  glibc's default raises this threshold to the
     * size of each such array freed, after which the next ones grow by
     * copying inside the heap and leave holes there (peak RSS of an apply
     * at N=2000 taps, /usr/bin/time -f %M). */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (argc > 1 && !strcmp(argv[1], "pool-set-mtu")) {
        return pool_cli_main(argc - 1, argv + 1);
    }
    status = parse_options(argc, argv, &opts);
    if (status >= 0) {
        return run_check_stdout(status);
    }
    if (opts.command && !strcmp(opts.command, "show")) {
        return run_show(&opts);
    }
    if (opts.command && !strcmp(opts.command, "verify")) {
        return run_verify(&opts);
    }
    if (opts.dry_run) {
        if (!opts.host_model && lock_probe(opts.lock_file)) {
            fprintf(stderr, "%s: warning: an apply is in progress (it holds "
                    "%s); this audit may see the host half way\n",
                    program_name, opts.lock_file);
        } else if (!opts.host_model
                   && apply_journal_pending(opts.state_dir)) {
            fprintf(stderr, "%s: warning: an interrupted apply left its "
                    "journal in %s; the next run without --dry-run restores "
                    "it first\n", program_name, opts.state_dir);
        }
        return run_dry_run(&opts);
    }
    return run_apply(&opts);
}
