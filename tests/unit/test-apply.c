/* Tests of apply (agent/apply.c) over the fake host backend
 * (fake-backend.c), and of the exit outcome of a run (agent/report.c).
 *
 * Each test loads a case of tests/plan-cases (host, policy, the shared
 * driver table), computes its plan with the real planner, and applies it to
 * a fake backend that holds the case's host in memory; the journal lives in
 * a directory made with mkdtemp.  The host left in the fake is judged as
 * JSON (host-json.c) against the host before the run (after a rollback) or
 * against plan_simulate() of it (after a success), and the fake's log of
 * changes gives their order.  Needs no root and no OVS. */
#define _GNU_SOURCE 1

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "backend.h"
#include "drivers.h"
#include "fake-backend.h"
#include "host-json.h"
#include "host.h"
#include "journal.h"
#include "plan.h"
#include "policy.h"
#include "report.h"
#include "testlib.h"
#include "util.h"

/* One case, loaded and planned, with a fake backend over its host. */
struct fixture {
    const char *name;
    struct host *host;          /* As read, before the run. */
    struct policy *policy;
    struct driver_table *drivers;
    struct plan *plan;
    struct fake_backend *fb;
    char state_dir[64];
    struct apply_options opts;
    bool rolled_back;
    struct error err;
};

static struct driver_table *drivers;

/* Loads the case 'name' into 'fx', with a connected fake backend, and
 * plans it with 'replug' (what --replug or --no-replug would set).  Links
 * that are up have carrier (operstate "up"), as on a live host; the link
 * 'mgmt', if nonnull, carries the default route. */
static bool
fixture_load_replug(struct fixture *fx, const char *name,
                    enum policy_replug replug, const char *mgmt)
{
    char *dir = xasprintf("%s/tests/plan-cases/%s", test_srcdir(), name);
    char *host_path = xasprintf("%s/host.json", dir);
    char *policy_path = xasprintf("%s/policy.json", dir);
    struct error err;
    bool ok = false;

    memset(fx, 0, sizeof *fx);
    fx->name = name;
    error_clear(&err);
    /* A case without a policy.json is an audit without a policy. */
    if (host_json_read_file(host_path, &fx->host, &err)
        || (!access(policy_path, F_OK)
            && policy_parse_file(policy_path, &fx->policy, &err))) {
        test_report(false, err.msg, "%s: load the case", name);
        goto out;
    }
    for (size_t i = 0; i < fx->host->n_links; i++) {
        struct host_link *link = &fx->host->links[i];

        if (link->up && !link->operstate[0]) {
            copy_string(link->operstate, "up", sizeof link->operstate);
        }
        if (mgmt && !strcmp(link->name, mgmt)) {
            link->default_route = true;
        }
    }
    if (fx->policy) {
        fx->policy->replug = replug;
    }
    if (plan_compute(fx->policy, fx->host, drivers, &fx->plan, &err)) {
        test_report(false, err.msg, "%s: plan the case", name);
        goto out;
    }
    snprintf(fx->state_dir, sizeof fx->state_dir,
             "/tmp/jumboagent-test-apply.XXXXXX");
    if (!mkdtemp(fx->state_dir)) {
        test_report(false, strerror(errno), "%s: mkdtemp", name);
        goto out;
    }
    fx->fb = fake_backend_create(fx->host);
    if (fx->host->ovs_reachable) {
        backend_ovs_connect(fake_backend_up(fx->fb), "unix:fake", 100,
                            NULL);
    }
    fx->opts.state_dir = fx->state_dir;
    fx->opts.remote = "unix:fake";
    fx->opts.policy = fx->policy;
    fx->opts.timeout_ms = 250;
    error_clear(&fx->err);
    ok = true;
out:
    free(dir);
    free(host_path);
    free(policy_path);
    return ok;
}

static bool
fixture_load(struct fixture *fx, const char *name)
{
    return fixture_load_replug(fx, name, POLICY_REPLUG_DEFAULT, NULL);
}

static void
fixture_free(struct fixture *fx)
{
    char *path = xasprintf("%s/journal.json", fx->state_dir);

    if (fx->state_dir[0]) {
        unlink(path);
        rmdir(fx->state_dir);
    }
    free(path);
    if (fx->fb) {
        backend_destroy(fake_backend_up(fx->fb));
    }
    plan_destroy(fx->plan);
    policy_destroy(fx->policy);
    host_destroy(fx->host);
}

static int
fixture_apply(struct fixture *fx)
{
    return apply_plan(fx->plan, fx->host, fake_backend_up(fx->fb), &fx->opts,
                      &fx->rolled_back, &fx->err);
}

/* Returns 'host' as JSON, without cur_cfg/next_cfg (a rollback is a new
 * transaction), as a malloc()'d string. */
static char *
host_text(const struct host *host)
{
    struct host *copy = host_clone(host);
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);

    copy->ovs_cur_cfg = copy->ovs_next_cfg = 0;
    host_json_write(copy, stream);
    fclose(stream);
    host_destroy(copy);
    return text;
}

/* Checks that the fake's host equals 'expected' (both as JSON). */
static bool
check_host(struct fixture *fx, const struct host *expected, const char *what)
{
    char *want = host_text(expected);
    char *got = host_text(fake_backend_host(fx->fb));
    bool ok = test_streq(want, got, "%s: %s", fx->name, what);

    free(want);
    free(got);
    return ok;
}

/* Checks that the host is as the plan leaves it. */
static bool
check_host_planned(struct fixture *fx)
{
    struct host *expected = host_clone(fx->host);
    bool ok;

    plan_simulate(fx->plan, expected);
    ok = check_host(fx, expected, "the host is as the plan says");
    host_destroy(expected);
    return ok;
}

static bool
journal_exists(const struct fixture *fx)
{
    return apply_journal_pending(fx->state_dir);
}

/* Returns the position of 'needle' in the fake's log, or -1. */
static long
log_pos(struct fixture *fx, const char *needle)
{
    const char *log = fake_backend_log(fx->fb);
    const char *p = strstr(log, needle);

    return p ? p - log : -1;
}

static bool
check_log_has(struct fixture *fx, const char *needle, const char *what)
{
    return test_report(log_pos(fx, needle) >= 0, fake_backend_log(fx->fb),
                       "%s: %s (\"%s\" in the log)", fx->name, what, needle);
}

/* True if "a" comes before "b" in the log, both present. */
static bool
check_log_order(struct fixture *fx, const char *a, const char *b,
                const char *what)
{
    long pa = log_pos(fx, a), pb = log_pos(fx, b);

    return test_report(pa >= 0 && pb >= 0 && pa < pb,
                       fake_backend_log(fx->fb), "%s: %s (\"%s\" before "
                       "\"%s\")", fx->name, what, a, b);
}

static bool
check_msg(struct fixture *fx, const char *needle, const char *what)
{
    return test_report(strstr(fx->err.msg, needle) != NULL, fx->err.msg,
                       "%s: %s (message says \"%s\")", fx->name, what,
                       needle);
}

/* The fate of a failed run: the error code, whether it says it rolled
 * back, and whether the journal is kept. */
static void
check_failed(struct fixture *fx, int error, int expected_error,
             bool rolled_back)
{
    test_report(error == expected_error, fx->err.msg, "%s: fails with %d "
                "(got %d)", fx->name, expected_error, error);
    test_report(fx->rolled_back == rolled_back, fx->err.msg,
                "%s: rolled back is %s", fx->name,
                rolled_back ? "true" : "false");
    test_report(journal_exists(fx) == !rolled_back, NULL,
                "%s: the journal is %s", fx->name,
                rolled_back ? "removed" : "kept");
}

/* Apply: success. */

static void
test_apply_ovs(void)
{
    struct fixture fx;
    int error;

    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    error = fixture_apply(&fx);
    test_report(!error, fx.err.msg, "%s: applies", fx.name);
    test_report(!fx.rolled_back, NULL, "%s: success reports no rollback",
                fx.name);
    check_host_planned(&fx);
    test_report(fake_backend_count(fx.fb, FAKE_OVS_COMMIT) == 3,
                fake_backend_log(fx.fb), "%s: one OVSDB transaction per "
                "tier for the %zu steps", fx.name, fx.plan->n_steps);
    check_log_has(&fx, "commit eth2=9000 eth3=9000\ncommit xenbr1=9000\n"
                  "commit tap3.1=9000 vif3.0=9000 vif4.0=9000\n", "the "
                  "tiers in the plan's order: members, internal port, "
                  "VIFs");
    test_report(!journal_exists(&fx), NULL, "%s: journal removed", fx.name);
    {
        struct plan *again;
        struct error err;

        error_clear(&err);
        if (!plan_compute(fx.policy, fake_backend_host(fx.fb), drivers,
                          &again, &err)) {
            test_report(again->n_steps == 0, NULL, "%s: a second plan has "
                        "no steps", fx.name);
            plan_destroy(again);
        }
    }
    fixture_free(&fx);
}

static void
test_apply_links(void)
{
    struct fixture fx;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    error = fixture_apply(&fx);
    test_report(!error, fx.err.msg, "%s: applies", fx.name);
    check_host_planned(&fx);
    test_streq("mtu eth0 9000\nmtu eth1 9000\nmtu bond0 9000\n"
               "mtu br-storage 9000\nmtu vnet3 9000\n",
               fake_backend_log(fx.fb), "%s: links changed in the plan's "
               "order, nothing else", fx.name);
    test_report(!journal_exists(&fx), NULL, "%s: journal removed", fx.name);
    fixture_free(&fx);
}

static void
test_apply_mixed_lro(void)
{
    struct fixture fx;

    if (fixture_load(&fx, "ovs-port-on-kernel-vlan")) {
        test_report(!fixture_apply(&fx), fx.err.msg, "%s: applies",
                    fx.name);
        check_host_planned(&fx);
        check_log_order(&fx, "mtu eno2 9000", "commit eno1=9000",
                        "the lower device before the OVS transaction");
        fixture_free(&fx);
    }
    if (fixture_load(&fx, "lro-forwarding")) {
        test_report(!fixture_apply(&fx), fx.err.msg, "%s: applies",
                    fx.name);
        check_host_planned(&fx);
        check_log_order(&fx, "lro eth2 off", "mtu eth2 9000",
                        "LRO off before the MTU");
        fixture_free(&fx);
    }
}

/* A VIF whose row vanished before the commit is left out; the rest is
 * applied. */
static void
vanish_vif(struct fake_backend *fb, enum fake_op op, const char *ifname,
           void *aux)
{
    struct host *host = fake_backend_host(fb);
    bool *done = aux;

    (void) ifname;
    if (op != FAKE_OVS_COMMIT || *done) {
        return;
    }
    *done = true;
    for (size_t b = 0; b < host->n_bridges; b++) {
        struct host_ovs_bridge *br = &host->bridges[b];

        for (size_t p = 0; p < br->n_ports; p++) {
            if (!strcmp(br->ports[p].name, "vif4.0")) {
                copy_string(br->ports[p].ifaces[0].name, "gone",
                            sizeof br->ports[p].ifaces[0].name);
            }
        }
    }
}

static void
test_apply_vif_vanished(void)
{
    struct fixture fx;
    bool done = false;
    int error;

    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    fake_backend_set_hook(fx.fb, vanish_vif, &done);
    error = fixture_apply(&fx);
    test_report(!error, fx.err.msg, "%s: a vanished VIF does not fail the "
                "run", fx.name);
    check_log_has(&fx, "commit tap3.1=9000 vif3.0=9000\n", "the rest of "
                  "the VIFs' tier is committed");
    fixture_free(&fx);
}

/* Rollback. */

static void
test_rollback_kernel_refuses(void)
{
    struct fixture fx;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    fake_backend_fail(fx.fb, FAKE_LINK_SET_MTU, "bond0", -EINVAL, 0, 1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EINVAL, true);
    check_host(&fx, fx.host, "the host is back as it was");
    test_streq("mtu eth0 9000\nmtu eth1 9000\nmtu eth1 1500\n"
               "mtu eth0 1500\n", fake_backend_log(fx.fb),
               "%s: put back in reverse order, and only what changed",
               fx.name);
    check_msg(&fx, "bond0", "names the interface");
    check_msg(&fx, "rolled back, nothing is left changed", "says so");
    fixture_free(&fx);
}

static void
test_rollback_mixed(void)
{
    struct fixture fx;
    int error;

    /* The OVS transaction fails on the server: the lower device that was
     * raised before it goes back. */
    if (!fixture_load(&fx, "ovs-port-on-kernel-vlan")) {
        return;
    }
    fake_backend_fail(fx.fb, FAKE_OVS_COMMIT, NULL, -EIO, 0, 1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EIO, true);
    check_host(&fx, fx.host, "the host is back as it was");
    check_log_order(&fx, "mtu eno2 9000", "mtu eno2 1500",
                    "the lower device is put back");
    fixture_free(&fx);
}

static void
test_rollback_verify_ovs(void)
{
    struct fixture fx;
    int error;

    /* vswitchd cannot set eth3's MTU: the kernel's stays 1500. */
    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    fake_backend_fail(fx.fb, FAKE_VSWITCHD_SET_MTU, "eth3", -EINVAL, 0, 1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EIO, true);
    check_msg(&fx, "verify: OVS interface 'eth3' has kernel MTU 1500 after "
              "mtu_request 9000", "says what verify saw");
    check_host(&fx, fx.host, "the host is back as it was");
    fixture_free(&fx);
}

/* An OVS interface with no kernel device (DPDK): Interface.mtu is all
 * verify can read, so it waits for it, and says what it saw. */
static void
test_rollback_verify_ovs_no_kernel(void)
{
    struct fixture fx;
    int error;

    if (!fixture_load(&fx, "ovs-dpdk-vhostuser")) {
        return;
    }
    fake_backend_fail(fx.fb, FAKE_VSWITCHD_SET_MTU, "dpdk0", -EINVAL, 0, 1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -ETIMEDOUT, true);
    check_msg(&fx, "verify: OVS interface 'dpdk0' reports mtu 1500 after "
              "mtu_request 9000", "waits for Interface.mtu where there is "
              "no kernel device");
    check_host(&fx, fx.host, "the host is back as it was");
    fixture_free(&fx);
}

/* Issue 9 review (8): the rollback undoes the OVS tiers in reverse, one
 * transaction each, confirmed by vswitchd before the next: the VIFs go
 * back before the bridge's port, and it before the bond's members. */
static void
test_rollback_tiers(void)
{
    struct fixture fx;
    const char *log;
    int error;

    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    fake_backend_fail(fx.fb, FAKE_VSWITCHD_SET_MTU, "vif4.0", -EINVAL, 0, 1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EIO, true);
    check_host(&fx, fx.host, "the host is back as it was");
    log = fake_backend_log(fx.fb);
    test_streq("commit eth2=9000 eth3=9000\n"
               "commit xenbr1=9000\n"
               "commit tap3.1=9000 vif3.0=9000 vif4.0=9000\n"
               "commit tap3.1=1500 vif3.0=1500 vif4.0=1500\n"
               "commit xenbr1=1500\n"
               "commit eth2=1500 eth3=1500\n"
               "commit eth2=clear eth3=clear xenbr1=clear tap3.1=clear "
               "vif3.0=clear vif4.0=clear\n", log, "%s: the rollback "
               "undoes the tiers in reverse order, one transaction each",
               fx.name);
    fixture_free(&fx);

    /* The rollback's last tier (the bond's members) fails: the message
     * says which tiers are back and which are left at the new MTU. */
    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    fake_backend_fail(fx.fb, FAKE_VSWITCHD_SET_MTU, "vif4.0", -EINVAL, 0, 1);
    fake_backend_fail(fx.fb, FAKE_OVS_COMMIT, "eth2", -EIO, 1, -1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EIO, false);
    check_msg(&fx, "OVS eth2 mtu_request 9000, OVS eth3 mtu_request 9000 "
              "left at the new MTU", "names what is left, and only that");
    check_msg(&fx, "put back: vif4.0 mtu_request 1500 (was unset; not "
              "cleared yet), vif3.0 mtu_request 1500 (was unset; not "
              "cleared yet), tap3.1 mtu_request 1500 (was unset; not "
              "cleared yet), xenbr1 mtu_request 1500 (was unset; not "
              "cleared yet);", "names the tiers that are back, in the "
              "order they went back");
    fixture_free(&fx);
}

/* Another client changes vif4.0's request once apply's transaction is
 * confirmed, before verify reads the rows. */
static void
change_behind_back(struct fake_backend *fb, enum fake_op op,
                   const char *ifname, void *aux)
{
    bool *done = aux;

    (void) ifname;
    if (op == FAKE_OVS_READ && !*done) {
        *done = true;
        fake_backend_request(fb, "vif4.0", true, 1500);
    }
}

static void
test_rollback_verify_behind_back(void)
{
    struct fixture fx;
    bool done = false;
    int error;

    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    fake_backend_set_hook(fx.fb, change_behind_back, &done);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EIO, true);
    check_msg(&fx, "'vif4.0' has mtu_request 1500, expected 9000",
              "says which request changed");
    check_host(&fx, fx.host, "the host is back as it was");
    fixture_free(&fx);
}

/* The kernel MTU of vnet3 is put back behind the run's back before
 * verify reads it. */
static void
reset_vnet3(struct fake_backend *fb, enum fake_op op, const char *ifname,
            void *aux)
{
    (void) aux;
    if (op == FAKE_LINK_GET_MTU && ifname && !strcmp(ifname, "vnet3")) {
        host_find_link_mutable(fake_backend_host(fb), "vnet3")->mtu = 1500;
    }
}

static void
test_rollback_verify_kernel(void)
{
    struct fixture fx;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    fake_backend_set_hook(fx.fb, reset_vnet3, NULL);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EIO, true);
    check_msg(&fx, "verify: kernel MTU of 'vnet3' is 1500, expected 9000",
              "says what verify saw");
    check_host(&fx, fx.host, "the host is back as it was");
    fixture_free(&fx);
}

/* The runs after a rollback that left requests set (vswitchd stalled):
 * while vswitchd is still stalled, recovery keeps the journal and fails;
 * once it runs, recovery clears every request that was unset before and
 * removes the journal, and the host is as before the first run. */
static void
test_rollback_stalled_next_runs(struct fixture *fx)
{
    struct fake_backend *next;
    bool recovered;
    int error;

    next = fake_backend_create(fake_backend_host(fx->fb));
    backend_ovs_connect(fake_backend_up(next), "unix:fake", 100, NULL);
    backend_destroy(fake_backend_up(fx->fb));
    fx->fb = next;

    fake_backend_stall_vswitchd(next, true);
    error_clear(&fx->err);
    error = apply_recover(fake_backend_up(next), &fx->opts, &recovered,
                          &fx->err);
    test_report(error == -ETIMEDOUT && recovered, fx->err.msg, "%s: "
                "recovery with vswitchd still stalled fails", fx->name);
    check_msg(fx, "once ovs-vswitchd runs", "says to run again");
    test_report(journal_exists(fx), NULL, "%s: and keeps the journal",
                fx->name);

    /* vswitchd runs again and catches up with what was committed. */
    fake_backend_stall_vswitchd(next, false);
    fake_backend_request(next, "eth2", true, 1500);
    fake_backend_request(next, "eth3", true, 1500);
    error_clear(&fx->err);
    error = apply_recover(fake_backend_up(next), &fx->opts, &recovered,
                          &fx->err);
    test_report(!error && recovered, fx->err.msg, "%s: recovery once "
                "vswitchd runs succeeds", fx->name);
    test_report(!journal_exists(fx), NULL, "%s: and removes the journal",
                fx->name);
    check_host(fx, fx->host, "every request that was unset is unset again");
}

static void
test_rollback_stalled_vswitchd(void)
{
    struct fixture fx;
    const struct host_ovs_iface *iface;
    int error;

    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    fake_backend_stall_vswitchd(fx.fb, true);
    error = fixture_apply(&fx);
    test_report(error == -ETIMEDOUT && fx.rolled_back, fx.err.msg,
                "%s: fails with -ETIMEDOUT, rolled back", fx.name);
    /* The restore is committed but vswitchd cannot confirm the old MTU:
     * the request stays at it, never at 9000, and is not cleared. */
    iface = host_find_ovs_iface(fake_backend_host(fx.fb), "eth2", NULL,
                                NULL);
    test_report(iface && iface->has_mtu_request && iface->mtu_request == 1500,
                fake_backend_log(fx.fb), "%s: the request is left at the "
                "old MTU until vswitchd runs", fx.name);
    check_msg(&fx, "left set until ovs-vswitchd runs", "says so");
    /* ...and the journal keeps it, so that it does not stay for good. */
    check_msg(&fx, "the next run clears them", "says the next run clears it");
    test_report(journal_exists(&fx), NULL, "%s: the journal keeps the "
                "requests that were unset", fx.name);
    test_rollback_stalled_next_runs(&fx);
    fixture_free(&fx);
}

static void
test_rollback_reconnects(void)
{
    struct fixture fx;
    int error;

    /* The connection dies after the commit (at verify's first wait) and
     * ovsdb-server comes back. */
    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    fake_backend_drop_connection(fx.fb, 1, false);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -ECONNRESET, true);
    check_host(&fx, fx.host, "the host is back as it was");
    test_report(fake_backend_count(fx.fb, FAKE_OVS_CONNECT) >= 1, NULL,
                "%s: reconnected to restore", fx.name);
    test_report(fake_backend_connected(fx.fb), NULL, "%s: the backend "
                "holds the new connection", fx.name);
    fixture_free(&fx);
}

/* Rollback that cannot finish, then recovery by the next run. */
static void
test_rollback_incomplete_then_recover(void)
{
    struct fake_backend *next;
    struct fixture fx;
    bool recovered;
    int error;

    if (!fixture_load(&fx, "ovs-port-on-kernel-vlan")) {
        return;
    }
    fake_backend_drop_connection(fx.fb, 1, true);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -ECONNRESET, false);
    check_msg(&fx, "rollback incomplete", "says so");
    check_msg(&fx, "journal.json is kept", "says the journal is kept");
    /* The rollback stops at the OVS block it cannot put back: eno2, the
     * lower device of the OVS port eno2.100, stays at 9000 rather than
     * going below it. */
    test_report(log_pos(&fx, "mtu eno2 1500") < 0, fake_backend_log(fx.fb),
                "%s: the lower device of what could not be put back is not "
                "lowered", fx.name);
    /* Loudly: which interfaces stay at the new MTU, and what to do. */
    check_msg(&fx, "the host is between states", "says it is half way");
    check_msg(&fx, "OVS eno1 mtu_request 9000", "names an OVS interface "
              "left at the new MTU");
    check_msg(&fx, "eno2 MTU 9000 left at the new MTU", "names the link "
              "left with it");
    check_msg(&fx, "run jumboagent again once ovsdb-server is back",
              "says what to do");

    /* The next run: OVSDB is back; the host is as the killed run left
     * it. */
    next = fake_backend_create(fake_backend_host(fx.fb));
    backend_ovs_connect(fake_backend_up(next), "unix:fake", 100, NULL);
    error_clear(&fx.err);
    error = apply_recover(fake_backend_up(next), &fx.opts, &recovered,
                          &fx.err);
    test_report(!error, fx.err.msg, "%s: recovery succeeds", fx.name);
    test_report(recovered, NULL, "%s: recovery found the journal", fx.name);
    test_report(!journal_exists(&fx), NULL, "%s: recovery removes the "
                "journal", fx.name);
    backend_destroy(fake_backend_up(fx.fb));
    fx.fb = next;
    check_host(&fx, fx.host, "recovery puts the host back as it was");

    /* Nothing left: a second recovery finds nothing. */
    error = apply_recover(fake_backend_up(next), &fx.opts, &recovered,
                          &fx.err);
    test_report(!error && !recovered, fx.err.msg, "%s: a second recovery "
                "has nothing to do", fx.name);
    fixture_free(&fx);
}

/* Recovery of a journal written by hand, as a killed run leaves it. */
static void
test_recover_journal(void)
{
    struct journal_entry e;
    struct journal *journal;
    struct fixture fx;
    struct host *after;
    bool recovered;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    /* The run raised eth0 and eth1, then died. */
    journal = journal_create();
    memset(&e, 0, sizeof e);
    e.layer = JOURNAL_LINK_MTU;
    e.value = 1500;
    copy_string(e.ifname, "eth0", sizeof e.ifname);
    journal_add(journal, &e);
    copy_string(e.ifname, "eth1", sizeof e.ifname);
    journal_add(journal, &e);
    copy_string(e.ifname, "bond0", sizeof e.ifname);
    journal_add(journal, &e);
    copy_string(e.ifname, "gone0", sizeof e.ifname);
    journal_add(journal, &e);
    error = journal_write(fx.state_dir, journal, &fx.err);
    journal_destroy(journal);
    test_report(!error, fx.err.msg, "%s: journal written", fx.name);
    host_find_link_mutable(fake_backend_host(fx.fb), "eth0")->mtu = 9000;
    host_find_link_mutable(fake_backend_host(fx.fb), "eth1")->mtu = 9000;

    /* The first try fails: the kernel refuses eth0's old MTU. */
    fake_backend_fail(fx.fb, FAKE_LINK_SET_MTU, "eth0", -EBUSY, 0, 1);
    error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                          &fx.err);
    test_report(error == -EBUSY, fx.err.msg, "%s: a failed recovery fails",
                fx.name);
    test_report(journal_exists(&fx), NULL, "%s: a failed recovery keeps "
                "the journal", fx.name);
    check_msg(&fx, "restoring the journal", "says what failed");

    error_clear(&fx.err);
    error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                          &fx.err);
    test_report(!error && recovered, fx.err.msg, "%s: recovery succeeds "
                "the second time", fx.name);
    test_report(!journal_exists(&fx), NULL, "%s: journal removed", fx.name);
    after = host_clone(fx.host);
    check_host(&fx, after, "recovery puts the host back as it was");
    host_destroy(after);
    check_log_order(&fx, "mtu eth1 1500", "mtu eth0 1500\n",
                    "recovery restores in reverse order");
    fixture_free(&fx);
}

/* Replug: apply makes the plan's replug steps, and only those. */

/* Returns the number of replug steps in the plan of 'fx'. */
static size_t
count_replug_steps(const struct fixture *fx)
{
    size_t n = 0;

    for (size_t i = 0; i < fx->plan->n_steps; i++) {
        n += fx->plan->steps[i].action == PLAN_REPLUG;
    }
    return n;
}

static void
test_replug(void)
{
    struct fixture fx;
    int error;

    /* By default nothing is bounced: no replug step, no down/up. */
    if (!fixture_load(&fx, "ovs-port-on-kernel-vlan")) {
        return;
    }
    test_report(count_replug_steps(&fx) == 0, NULL, "%s: no replug step "
                "by default", fx.name);
    error = fixture_apply(&fx);
    test_report(!error, fx.err.msg, "%s: applies without replug", fx.name);
    test_report(fake_backend_count(fx.fb, FAKE_LINK_SET_UP) == 0,
                fake_backend_log(fx.fb), "%s: no link is bounced when the "
                "plan has no replug step", fx.name);
    fixture_free(&fx);

    /* --replug: each changed uplink, in the plan's order. */
    if (!fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                             POLICY_REPLUG_ALL, NULL)) {
        return;
    }
    test_report(count_replug_steps(&fx) == 2, NULL, "%s: --replug plans "
                "two replug steps", fx.name);
    error = fixture_apply(&fx);
    test_report(!error, fx.err.msg, "%s: applies with replug", fx.name);
    check_log_order(&fx, "down eno1\nup eno1\n", "down eno2\nup eno2\n",
                    "each changed uplink is bounced, one after the other, "
                    "in the plan's order");
    test_report(fake_backend_count(fx.fb, FAKE_LINK_SET_UP) == 4,
                fake_backend_log(fx.fb), "%s: exactly the two planned "
                "links go down and up", fx.name);
    check_host_planned(&fx);
    fixture_free(&fx);

    /* A plan with one of the two replug steps bounces only that one. */
    if (!fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                             POLICY_REPLUG_ALL, NULL)) {
        return;
    }
    fx.plan->n_steps--;
    error = fixture_apply(&fx);
    test_report(!error, fx.err.msg, "%s: applies a plan with one replug "
                "step", fx.name);
    test_report(fake_backend_count(fx.fb, FAKE_LINK_SET_UP) == 2
                && log_pos(&fx, "down eno1\nup eno1\n") >= 0,
                fake_backend_log(fx.fb), "%s: apply bounces exactly the "
                "plan's replug step and decides no other", fx.name);
    test_report(fake_backend_count(fx.fb, FAKE_LINK_WAIT_CARRIER) == 1
                && fake_backend_count(fx.fb, FAKE_LINK_GET_STATE) == 0,
                NULL, "%s: the replug waits for the carrier once, on link "
                "events, without polling the link's state (%d waits, %d "
                "reads)", fx.name,
                fake_backend_count(fx.fb, FAKE_LINK_WAIT_CARRIER),
                fake_backend_count(fx.fb, FAKE_LINK_GET_STATE));
    fixture_free(&fx);

    if (!fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                             POLICY_REPLUG_ALL, NULL)) {
        return;
    }
    fake_backend_lose_carrier(fx.fb, "eno1");
    error = fixture_apply(&fx);
    check_failed(&fx, error, -ETIMEDOUT, true);
    check_msg(&fx, "eno1 did not come back up", "says which link");
    check_msg(&fx, "after the replug", "says it waited after the replug");
    {
        /* As it was, but for the carrier that is gone. */
        struct host *expected = host_clone(fx.host);

        copy_string(host_find_link_mutable(expected, "eno1")->operstate,
                    "down", sizeof expected->links[0].operstate);
        check_host(&fx, expected, "the host is back as it was");
        host_destroy(expected);
    }
    fixture_free(&fx);

    if (!fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                             POLICY_REPLUG_ALL, NULL)) {
        return;
    }
    fake_backend_fail(fx.fb, FAKE_LINK_SET_UP, "eno1", -EIO, 1, 1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EIO, true);
    test_report(host_find_link(fake_backend_host(fx.fb), "eno1")->up, NULL,
                "%s: a link left down by a failed replug is brought up",
                fx.name);
    check_host(&fx, fx.host, "the host is back as it was");
    fixture_free(&fx);

    /* --no-replug plans none, even where the driver table asks. */
    if (fixture_load_replug(&fx, "replug-driver-reset", POLICY_REPLUG_NEVER,
                            NULL)) {
        test_report(count_replug_steps(&fx) == 0, NULL, "%s: --no-replug "
                    "plans no replug step", fx.name);
        fixture_free(&fx);
    }
}

/* What the journal on disk says when eno2 goes down for its replug (see
 * check_journal_at_replug()). */
struct replug_journal {
    const char *dir;
    bool seen;                  /* eno2 went down, the journal was read. */
    bool eno1_made;             /* It marks eno1's replug made. */
    bool eno2_pending;          /* It has eno2's replug, not made. */
};

/* Fake hook: at the first up/down of eno2 (its down), reads the journal
 * in the state directory into 'aux_' (a struct replug_journal). */
static void
check_journal_at_replug(struct fake_backend *fb, enum fake_op op,
                        const char *ifname, void *aux_)
{
    struct replug_journal *aux = aux_;
    struct journal *journal;
    struct error err;

    (void) fb;
    if (op != FAKE_LINK_SET_UP || !ifname || strcmp(ifname, "eno2")
        || aux->seen) {
        return;
    }
    aux->seen = true;
    error_clear(&err);
    if (journal_read(aux->dir, &journal, &err) || !journal) {
        return;
    }
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];

        if (e->layer != JOURNAL_LINK_UP) {
            continue;
        }
        if (!strcmp(e->ifname, "eno1") && e->bounced) {
            aux->eno1_made = true;
        }
        if (!strcmp(e->ifname, "eno2") && !e->bounced) {
            aux->eno2_pending = true;
        }
    }
    journal_destroy(journal);
}

/* The journal of two replugs is written once per replug, before its link
 * goes down, and that write carries the mark of the replug before it: a
 * run killed while eno2 is down bounces eno2 again, not eno1. */
static void
test_replug_journal(void)
{
    struct replug_journal aux = { .seen = false };
    struct fixture fx;
    int error;

    if (!fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                             POLICY_REPLUG_ALL, NULL)) {
        return;
    }
    aux.dir = fx.state_dir;
    fake_backend_set_hook(fx.fb, check_journal_at_replug, &aux);
    error = fixture_apply(&fx);
    fake_backend_set_hook(fx.fb, NULL, NULL);
    test_report(!error, fx.err.msg, "%s: applies with replug", fx.name);
    test_report(aux.seen && aux.eno2_pending, NULL, "%s: the journal has "
                "eno2's replug, pending, when eno2 goes down", fx.name);
    test_report(aux.seen && aux.eno1_made, NULL, "%s: the journal marks "
                "eno1's replug made when eno2 goes down", fx.name);
    fixture_free(&fx);
}

/* Only physical uplinks and members are bounced, never a VIF (veth-ct1 is
 * a veth) and never a link on the management path; a plan that has a
 * replug step out of place is refused before any change. */
static void
test_replug_roles(void)
{
    struct fixture fx;

    if (fixture_load_replug(&fx, "linux-bridge-veth-tap", POLICY_REPLUG_ALL,
                            NULL)) {
        test_report(!fixture_apply(&fx), fx.err.msg, "%s: applies with "
                    "replug", fx.name);
        check_log_has(&fx, "down eno2\nup eno2\n", "the uplink is bounced");
        test_report(log_pos(&fx, "down veth-ct1") < 0,
                    fake_backend_log(fx.fb), "%s: a veth VIF is not "
                    "bounced", fx.name);
        fixture_free(&fx);
    }
    if (fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                            POLICY_REPLUG_ALL, "eno1")) {
        test_report(count_replug_steps(&fx) == 1, NULL, "%s: no replug "
                    "step for the management uplink", fx.name);
        test_report(!fixture_apply(&fx), fx.err.msg, "%s: applies with "
                    "replug", fx.name);
        test_report(log_pos(&fx, "down eno1") < 0, fake_backend_log(fx.fb),
                    "%s: the management uplink is not bounced", fx.name);
        check_log_has(&fx, "down eno2\nup eno2\n", "the other one is");
        fixture_free(&fx);
    }
    /* A replug step on the management path (a plan made by hand): refused,
     * nothing changed. */
    if (fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                            POLICY_REPLUG_ALL, NULL)) {
        host_find_link_mutable(fx.host, "eno1")->default_route = true;
        test_report(fixture_apply(&fx) == -EINVAL, fx.err.msg, "%s: a "
                    "replug on the management path is refused", fx.name);
        test_streq("", fake_backend_log(fx.fb), "%s: nothing was changed",
                   fx.name);
        fixture_free(&fx);
    }
    /* A replug step before an MTU step: refused, nothing changed. */
    if (fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                            POLICY_REPLUG_ALL, NULL)) {
        struct plan_step last = fx.plan->steps[fx.plan->n_steps - 1];

        memmove(&fx.plan->steps[1], &fx.plan->steps[0],
                (fx.plan->n_steps - 1) * sizeof fx.plan->steps[0]);
        fx.plan->steps[0] = last;
        test_report(fixture_apply(&fx) == -EINVAL, fx.err.msg, "%s: a "
                    "replug step before an MTU step is refused", fx.name);
        test_streq("", fake_backend_log(fx.fb), "%s: nothing was changed",
                   fx.name);
        fixture_free(&fx);
    }
}

/* Recovery of a run killed after its last change: the journal that apply
 * wrote is saved by a hook at the first verify read, and put back after
 * the run, as a SIGKILL at that moment would leave it. */
static void
save_journal(struct fake_backend *fb, enum fake_op op, const char *ifname,
             void *aux)
{
    const char *dir = aux;
    char *from, *to;

    (void) fb;
    (void) ifname;
    if (op != FAKE_LINK_GET_MTU) {
        return;
    }
    from = xasprintf("%s/journal.json", dir);
    to = xasprintf("%s/journal.saved", dir);
    if (access(to, F_OK)) {
        char cmd[256];

        snprintf(cmd, sizeof cmd, "cp %s %s", from, to);
        if (system(cmd)) {
            /* The test below fails: no journal to recover. */
        }
    }
    free(from);
    free(to);
}

/* Applies the plan of 'fx' with the hook above and leaves the saved
 * journal in place of the removed one.  Returns true if it worked. */
static bool
apply_then_kill(struct fixture *fx)
{
    char *saved = xasprintf("%s/journal.saved", fx->state_dir);
    char *path = xasprintf("%s/journal.json", fx->state_dir);
    bool ok;

    fake_backend_set_hook(fx->fb, save_journal, fx->state_dir);
    ok = !fixture_apply(fx) && !rename(saved, path);
    fake_backend_set_hook(fx->fb, NULL, NULL);
    test_report(ok, fx->err.msg, "%s: the run left its journal", fx->name);
    free(saved);
    free(path);
    return ok;
}

static void
test_recover_finishes(void)
{
    struct fixture fx;
    bool recovered;
    int n_set, error;

    /* Everything at the target of the same policy: finish, no flip. */
    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    if (apply_then_kill(&fx)) {
        n_set = fake_backend_count(fx.fb, FAKE_LINK_SET_MTU);
        error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                              &fx.err);
        test_report(!error && recovered, fx.err.msg, "%s: recovery at the "
                    "target succeeds", fx.name);
        test_report(fake_backend_count(fx.fb, FAKE_LINK_SET_MTU) == n_set,
                    fake_backend_log(fx.fb), "%s: recovery at the target "
                    "sets no MTU", fx.name);
        test_report(!journal_exists(&fx), NULL, "%s: journal removed",
                    fx.name);
        check_host_planned(&fx);
    }
    fixture_free(&fx);

    /* The same with OVS interfaces. */
    if (!fixture_load(&fx, "ovs-port-on-kernel-vlan")) {
        return;
    }
    if (apply_then_kill(&fx)) {
        int n_commit = fake_backend_count(fx.fb, FAKE_OVS_COMMIT);

        n_set = fake_backend_count(fx.fb, FAKE_LINK_SET_MTU);
        error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                              &fx.err);
        test_report(!error && recovered, fx.err.msg, "%s: recovery at the "
                    "target succeeds", fx.name);
        test_report(fake_backend_count(fx.fb, FAKE_LINK_SET_MTU) == n_set
                    && fake_backend_count(fx.fb, FAKE_OVS_COMMIT) == n_commit,
                    fake_backend_log(fx.fb), "%s: recovery at the target "
                    "changes nothing", fx.name);
        check_host_planned(&fx);
    }
    fixture_free(&fx);

    /* The same, killed before ovs-vswitchd published Interface.mtu: the
     * kernel MTUs at the target are the proof, as in verify. */
    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    if (apply_then_kill(&fx)) {
        struct host *h = fake_backend_host(fx.fb);
        int n_commit = fake_backend_count(fx.fb, FAKE_OVS_COMMIT);

        for (size_t b = 0; b < h->n_bridges; b++) {
            for (size_t p = 0; p < h->bridges[b].n_ports; p++) {
                struct host_ovs_port *port = &h->bridges[b].ports[p];

                for (size_t i = 0; i < port->n_ifaces; i++) {
                    port->ifaces[i].mtu = 1500;
                }
            }
        }
        error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                              &fx.err);
        test_report(!error && recovered, fx.err.msg, "%s: recovery with "
                    "Interface.mtu not yet published succeeds", fx.name);
        test_report(fake_backend_count(fx.fb, FAKE_OVS_COMMIT) == n_commit,
                    fake_backend_log(fx.fb), "%s: recovery with Interface.mtu "
                    "not yet published commits nothing", fx.name);
    }
    fixture_free(&fx);

    /* One link between states (the run was cut off there): only it goes
     * back; what holds at the target stays, and the next plan has one
     * step, for that link. */
    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    if (apply_then_kill(&fx)) {
        struct plan *again = NULL;

        host_find_link_mutable(fake_backend_host(fx.fb), "vnet3")->mtu = 4000;
        n_set = fake_backend_count(fx.fb, FAKE_LINK_SET_MTU);
        error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                              &fx.err);
        test_report(!error && recovered, fx.err.msg, "%s: recovery between "
                    "states succeeds", fx.name);
        check_log_has(&fx, "mtu vnet3 1500\n", "the link between states "
                      "is put back");
        test_report(fake_backend_count(fx.fb, FAKE_LINK_SET_MTU) == n_set + 1,
                    fake_backend_log(fx.fb), "%s: only the link between "
                    "states is set (the others hold at the target)",
                    fx.name);
        test_report(!journal_exists(&fx), NULL, "%s: journal removed after "
                    "a partial revert", fx.name);
        test_report(!plan_compute(fx.policy, fake_backend_host(fx.fb),
                                  fx.drivers, &again, &fx.err)
                    && again->n_steps == 1
                    && !strcmp(again->steps[0].ifname, "vnet3"),
                    fx.err.msg, "%s: the next plan makes only vnet3 again",
                    fx.name);
        plan_destroy(again);
    }
    fixture_free(&fx);

    /* Another policy (another digest): everything is put back. */
    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    if (apply_then_kill(&fx)) {
        copy_string(fx.policy->digest, "0123456789abcdef",
                    sizeof fx.policy->digest);
        error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                              &fx.err);
        test_report(!error && recovered, fx.err.msg, "%s: recovery under "
                    "another policy succeeds", fx.name);
        check_host(&fx, fx.host, "another policy's journal is reverted");
    }
    fixture_free(&fx);
}

/* A run killed after it journaled the replug of 'ifname', before the link
 * went down: a hook saves the journal at the first down/up of 'ifname'. */
struct kill_at_replug {
    const char *dir;
    const char *ifname;
};

static void
save_journal_at_replug(struct fake_backend *fb, enum fake_op op,
                       const char *ifname, void *aux_)
{
    const struct kill_at_replug *aux = aux_;

    if (op == FAKE_LINK_SET_UP && ifname && !strcmp(ifname, aux->ifname)) {
        save_journal(fb, FAKE_LINK_GET_MTU, ifname, (void *) aux->dir);
    }
}

/* Counts the lines "down IFNAME" of the fake's log from 'offset' on. */
static int
count_downs(struct fixture *fx, size_t offset, const char *ifname)
{
    const char *log = fake_backend_log(fx->fb);
    char *needle = xasprintf("down %s\n", ifname);
    int n = 0;

    if (offset <= strlen(log)) {
        for (const char *p = log + offset; (p = strstr(p, needle)); p++) {
            n++;
        }
    }
    free(needle);
    return n;
}

/* Issue 9 review (7): a run killed between journaling a replug and taking
 * the link down must not count as finished: the recovery makes the
 * bounce, and only the ones still pending. */
static void
test_recover_pending_replug(void)
{
    static const char *const kill_at[] = { "eno1", "eno2" };

    for (size_t k = 0; k < ARRAY_SIZE(kill_at); k++) {
        struct kill_at_replug aux;
        struct fixture fx;
        bool recovered;
        size_t mark;
        char *saved, *path;
        int error;

        if (!fixture_load_replug(&fx, "ovs-port-on-kernel-vlan",
                                 POLICY_REPLUG_ALL, NULL)) {
            return;
        }
        aux.dir = fx.state_dir;
        aux.ifname = kill_at[k];
        saved = xasprintf("%s/journal.saved", fx.state_dir);
        path = xasprintf("%s/journal.json", fx.state_dir);
        fake_backend_set_hook(fx.fb, save_journal_at_replug, &aux);
        error = fixture_apply(&fx);
        fake_backend_set_hook(fx.fb, NULL, NULL);
        test_report(!error && !rename(saved, path), fx.err.msg, "%s: a run "
                    "killed before the replug of %s left its journal",
                    fx.name, kill_at[k]);
        mark = strlen(fake_backend_log(fx.fb));
        error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                              &fx.err);
        test_report(!error && recovered && !journal_exists(&fx), fx.err.msg,
                    "%s: the recovery finishes (killed before %s's replug)",
                    fx.name, kill_at[k]);
        test_report(count_downs(&fx, mark, kill_at[k]) == 1,
                    fake_backend_log(fx.fb) + mark, "%s: the recovery "
                    "makes the pending replug of %s", fx.name, kill_at[k]);
        if (!k) {
            const char *rest = fake_backend_log(fx.fb) + mark;
            const char *one = strstr(rest, "down eno1\nup eno1\n");
            const char *two = strstr(rest, "down eno2\nup eno2\n");

            test_report(one && two && one < two, rest, "%s: the recovery "
                        "bounces them one at a time, in the plan's order",
                        fx.name);
        }
        /* Killed before eno1: eno2's replug, never reached, is pending
         * too; killed before eno2: eno1's, made, is not made again. */
        test_report(count_downs(&fx, mark, k ? "eno1" : "eno2") == !k,
                    fake_backend_log(fx.fb) + mark, "%s: the recovery "
                    "bounces %s %s", fx.name, k ? "eno1" : "eno2",
                    k ? "not again (it was made)" : "too (never reached)");
        test_report(strstr(fake_backend_log(fx.fb) + mark, "mtu ") == NULL
                    && !strstr(fake_backend_log(fx.fb) + mark, "commit"),
                    fake_backend_log(fx.fb) + mark, "%s: and changes no "
                    "MTU", fx.name);
        check_host_planned(&fx);
        free(saved);
        free(path);
        fixture_free(&fx);
    }
}

/* A recovery cut off (here: the kernel refuses one of its restores, so it
 * keeps the journal, as a killed one does), then another run: it recovers
 * and applies, and the host ends at the policy's target. */
static void
test_recover_cut_off_then_run(void)
{
    struct plan *again = NULL;
    struct host *now;
    struct fixture fx;
    bool recovered;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    if (apply_then_kill(&fx)) {
        host_find_link_mutable(fake_backend_host(fx.fb), "vnet3")->mtu = 4000;
        fake_backend_fail(fx.fb, FAKE_LINK_SET_MTU, "vnet3", -EBUSY, 0, 1);
        error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                              &fx.err);
        test_report(error && journal_exists(&fx), fx.err.msg, "%s: a cut-off "
                    "recovery keeps the journal", fx.name);
        check_msg(&fx, "stopped at a value it could not put back: Failed "
                  "to set MTU of 'vnet3' to 1500: Device or resource busy; "
                  "kept at the target: eth0 link-mtu 9000, eth1 link-mtu "
                  "9000, bond0 link-mtu 9000, br-storage link-mtu 9000; put "
                  "back: nothing; also left as the interrupted run left "
                  "them: nothing else; nothing else was done, and the "
                  "journal is kept", "says exactly what stays where "
                  "(review 9-11)");

        error_clear(&fx.err);
        error = apply_recover(fake_backend_up(fx.fb), &fx.opts, &recovered,
                              &fx.err);
        test_report(!error && recovered && !journal_exists(&fx), fx.err.msg,
                    "%s: the next run's recovery finishes", fx.name);
        now = host_clone(fake_backend_host(fx.fb));
        error = plan_compute(fx.policy, now, fx.drivers, &again, &fx.err);
        if (!error) {
            error = apply_plan(again, now, fake_backend_up(fx.fb), &fx.opts,
                               &fx.rolled_back, &fx.err);
        }
        test_report(!error, fx.err.msg, "%s: the next run applies its plan",
                    fx.name);
        check_host_planned(&fx);
        plan_destroy(again);
        host_destroy(now);
    }
    fixture_free(&fx);
}

/* Steps after the OVS transaction run too (the planner puts none there
 * today, so the plan is reordered by hand: the lower device last). */
static void
test_steps_after_ovs(void)
{
    struct plan_step first;
    struct fixture fx;
    struct plan *plan;

    if (!fixture_load(&fx, "ovs-port-on-kernel-vlan")) {
        return;
    }
    plan = fx.plan;
    first = plan->steps[0];
    memmove(&plan->steps[0], &plan->steps[1],
            (plan->n_steps - 1) * sizeof plan->steps[0]);
    plan->steps[plan->n_steps - 1] = first;
    test_report(!fixture_apply(&fx), fx.err.msg, "%s: applies reordered",
                fx.name);
    check_log_order(&fx, "commit eno1=9000", "mtu eno2 9000",
                    "the link step after the transaction is made");
    check_host_planned(&fx);
    fixture_free(&fx);
}

/* A signal that arrives between steps, blocked as run.c blocks it: raised
 * when eth1's MTU is set. */
static void
raise_signal(struct fake_backend *fb, enum fake_op op, const char *ifname,
             void *aux)
{
    (void) fb;
    if (op == FAKE_LINK_SET_MTU && ifname && !strcmp(ifname, "eth1")) {
        raise(*(const int *) aux);
    }
}

/* Applies with 'signo' raised mid-way; returns apply's result and whether
 * the signal was still pending for the caller afterwards (it is taken). */
static int
apply_with_signal(struct fixture *fx, int signo, bool *pendingp)
{
    sigset_t set, old, pending;
    int error, sig;

    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_BLOCK, &set, &old);
    fake_backend_set_hook(fx->fb, raise_signal, &signo);
    error = fixture_apply(fx);
    sigpending(&pending);
    *pendingp = sigismember(&pending, signo);
    if (*pendingp) {
        sigwait(&set, &sig);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return error;
}

/* A stop request (SIGTERM) between steps rolls back. */
static void
test_stop_request(void)
{
    struct fixture fx;
    bool pending;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    error = apply_with_signal(&fx, SIGTERM, &pending);
    check_failed(&fx, error, -EINTR, true);
    check_msg(&fx, "interrupted by SIGTERM", "names the signal");
    check_host(&fx, fx.host, "the host is back as it was");
    test_report(log_pos(&fx, "mtu bond0 9000") < 0, fake_backend_log(fx.fb),
                "%s: nothing after the stop request is changed", fx.name);
    fixture_free(&fx);
}

/* The daemon: a SIGHUP during a pass is a reload for after it, not a stop
 * (apply_options.hangup_reloads); without that it stops and rolls back. */
static void
test_hangup(bool reloads)
{
    struct fixture fx;
    bool was_pending;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    fx.opts.hangup_reloads = reloads;
    error = apply_with_signal(&fx, SIGHUP, &was_pending);
    test_report(was_pending, "", "%s: the SIGHUP is left pending for the "
                "caller (hangup_reloads %d)", fx.name, reloads);
    if (reloads) {
        test_report(!error, fx.err.msg, "%s: a SIGHUP does not stop the "
                    "daemon's pass", fx.name);
        check_host_planned(&fx);
    } else {
        check_failed(&fx, error, -EINTR, true);
        check_msg(&fx, "interrupted by SIGHUP", "names the signal");
        check_host(&fx, fx.host, "the host is back as it was");
    }
    fixture_free(&fx);
}

static void
test_rollback_lro(void)
{
    struct fixture fx;
    int error;

    /* br0 refuses 9000 once eth2's LRO is off and its MTU raised: both
     * go back, LRO last. */
    if (!fixture_load(&fx, "lro-forwarding")) {
        return;
    }
    fake_backend_fail(fx.fb, FAKE_LINK_SET_MTU, "br0", -ERANGE, 0, 1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -ERANGE, true);
    check_host(&fx, fx.host, "the host is back as it was");
    check_log_order(&fx, "mtu eth2 1500", "lro eth2 on",
                    "LRO is turned back on after the MTU is put back");
    fixture_free(&fx);
}

/* Exit outcomes of apply_plan() before any change. */
static void
test_nothing_changed(void)
{
    struct fixture fx;
    struct plan empty;
    int error;

    if (!fixture_load(&fx, "ovs-raise-bond")) {
        return;
    }
    memset(&empty, 0, sizeof empty);
    fx.rolled_back = false;
    error = apply_plan(&empty, fx.host, fake_backend_up(fx.fb), &fx.opts,
                       &fx.rolled_back, &fx.err);
    test_report(!error && !fx.rolled_back && !journal_exists(&fx), NULL,
                "%s: an empty plan changes nothing and succeeds", fx.name);

    backend_ovs_disconnect(fake_backend_up(fx.fb));
    error = fixture_apply(&fx);
    test_report(error == -ENOTCONN, fx.err.msg, "%s: OVS steps without "
                "OVSDB fail", fx.name);
    check_msg(&fx, "nothing was changed", "says nothing was changed");
    test_streq("", fake_backend_log(fx.fb), "%s: no change made", fx.name);
    test_report(!journal_exists(&fx), NULL, "%s: no journal left",
                fx.name);
    fixture_free(&fx);
}

/* The exit outcome of a dry run (report.c). */

static void
check_report(struct fixture *fx, int status, const char *result)
{
    struct report_context ctx = {
        .policy = fx->policy,
        .policy_file = "policy.json",
        .host = fx->host,
        .plan = fx->plan,
    };
    char *text = NULL, *json = NULL;
    size_t size = 0;
    FILE *stream;
    char *want;

    test_report((int) report_status(fx->plan) == status, NULL, "%s: exit status "
                "%d", fx->name, status);
    stream = open_memstream(&text, &size);
    report_text(&ctx, stream);
    fclose(stream);
    want = xasprintf("Result: %s (exit %d)", result, status);
    test_report(strstr(text, want) != NULL, text, "%s: text says \"%s\"",
                fx->name, want);
    free(want);
    stream = open_memstream(&json, &size);
    report_json(&ctx, stream);
    fclose(stream);
    want = xasprintf("\"%s\"", result);
    test_report(strstr(json, want) != NULL, json, "%s: JSON says %s",
                fx->name, want);
    free(want);
    free(text);
    free(json);
}

static void
test_report_outcomes(void)
{
    static const struct {
        const char *name;
        int status;
        const char *result;
    } cases[] = {
        { "in-sync", 0, "in-sync" },
        { "ovs-raise-bond", 2, "drift" },
        { "ovs-request-not-applied", 2, "drift" },   /* No step. */
        { "audit-mismatch", 3, "refused" },
        { "enic-refused", 3, "refused" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct fixture fx;

        if (fixture_load(&fx, cases[i].name)) {
            check_report(&fx, cases[i].status, cases[i].result);
            fixture_free(&fx);
        }
    }

    /* Drift without a step (the audit alone) is still drift. */
    {
        struct plan_step step;
        struct finding finding;
        struct plan plan;

        memset(&step, 0, sizeof step);
        memset(&plan, 0, sizeof plan);
        memset(&finding, 0, sizeof finding);
        finding.kind = FINDING_PORT_MTU_MISMATCH;
        finding.severity = SEVERITY_DRIFT;
        plan.findings = &finding;
        plan.n_findings = 1;
        test_report(report_status(&plan) == 2, NULL, "a drift finding "
                    "without steps is exit 2");
        finding.severity = SEVERITY_INFO;
        test_report(report_status(&plan) == 0, NULL, "an info finding is "
                    "exit 0");
        finding.severity = SEVERITY_REFUSED;
        test_report(report_status(&plan) == 3, NULL, "a refusal is exit 3");
        plan.n_findings = 0;
        plan.steps = &step;
        plan.n_steps = 1;
        test_report(report_status(&plan) == 2, NULL, "a step without a "
                    "finding is exit 2");
    }
}

/* The apply gate of "--verify": called once, after every step was
 * applied and verified; its failure rolls the whole run back, unless
 * 'gate_keeps_changes'. */
struct gate_probe {
    struct fixture *fx;
    int result;                 /* What the gate returns. */
    int calls;
    char log_at_call[512];      /* The backend log when it was called. */
    bool journal_at_call;
    bool journal_has_policy;    /* The journal then names the policy. */
};

static int
gate_probe(void *aux, struct error *err)
{
    struct gate_probe *g = aux;

    g->calls++;
    copy_string(g->log_at_call, fake_backend_log(g->fx->fb),
                sizeof g->log_at_call);
    g->journal_at_call = journal_exists(g->fx);
    {
        struct journal *j = NULL;
        struct error r_err;

        error_clear(&r_err);
        if (!journal_read(g->fx->state_dir, &j, &r_err)) {
            g->journal_has_policy = j->policy[0] != '\0';
        }
        journal_destroy(j);
    }
    return g->result ? error_set(err, g->result, "path verification "
                                 "failed: network storage") : 0;
}

static void
test_gate_one(int result, bool keep)
{
    struct fixture fx;
    struct gate_probe g;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    memset(&g, 0, sizeof g);
    g.fx = &fx;
    g.result = result;
    fx.opts.gate = gate_probe;
    fx.opts.gate_aux = &g;
    fx.opts.gate_keeps_changes = keep;
    error = fixture_apply(&fx);
    test_report(g.calls == 1 && g.journal_at_call
                && !strcmp(g.log_at_call, "mtu eth0 9000\nmtu eth1 9000\n"
                           "mtu bond0 9000\nmtu br-storage 9000\n"
                           "mtu vnet3 9000\n"), g.log_at_call,
                "gate %d%s: called once, after every step, with the journal "
                "kept", result, keep ? " keep" : "");
    test_report(!g.journal_has_policy, NULL, "gate %d%s: the journal no "
                "longer names the policy (a run killed in the gate is put "
                "back whole)", result, keep ? " keep" : "");
    if (!result) {
        test_report(!error && !fx.rolled_back, fx.err.msg, "gate passes: "
                    "applied");
        check_host_planned(&fx);
    } else if (keep) {
        test_report(error == result && !fx.rolled_back, fx.err.msg,
                    "gate fails, --no-rollback: fails, not rolled back");
        check_host_planned(&fx);
        check_msg(&fx, "the changes are kept (--no-rollback): eth0 MTU "
                  "9000 (was 1500), eth1 MTU 9000 (was 1500), bond0 MTU 9000 "
                  "(was 1500), br-storage MTU 9000 (was 1500), vnet3 MTU "
                  "9000 (was 1500); to undo them", "says so, and exactly "
                  "what stays where (review 9-11)");
        check_msg(&fx, "path verification failed: network storage",
                  "names the failed network first");
    } else {
        check_failed(&fx, error, result, true);
        check_host(&fx, fx.host, "gate fails: the host is back as it was");
        check_msg(&fx, "path verification failed: network storage",
                  "names the failed network");
        check_msg(&fx, "rolled back, nothing is left changed", "says so");
    }
    test_report(!journal_exists(&fx), NULL, "gate %d%s: no journal left",
                result, keep ? " keep" : "");
    fixture_free(&fx);
}

/* A step that fails rolls back before the gate: the gate is not asked. */
static void
test_gate_after_failure(void)
{
    struct fixture fx;
    struct gate_probe g;
    int error;

    if (!fixture_load(&fx, "linux-bridge-kernel-bond")) {
        return;
    }
    memset(&g, 0, sizeof g);
    g.fx = &fx;
    fx.opts.gate = gate_probe;
    fx.opts.gate_aux = &g;
    fake_backend_fail(fx.fb, FAKE_LINK_SET_MTU, "bond0", -EINVAL, 0, 1);
    error = fixture_apply(&fx);
    check_failed(&fx, error, -EINVAL, true);
    test_report(!g.calls, NULL, "gate: not called after a failed step");
    check_msg(&fx, "bond0", "names the failed step, not the gate");
    fixture_free(&fx);
}

static void
test_gate(void)
{
    test_gate_after_failure();
    test_gate_one(0, false);
    test_gate_one(-EPROTO, false);
    test_gate_one(-EPROTO, true);
}

int
main(void)
{
    char *drivers_path = xasprintf("%s/tests/plan-cases/drivers.json",
                                   test_srcdir());
    struct error err;

    error_clear(&err);
    if (!test_report(!driver_table_parse_file(drivers_path, &drivers, &err),
                     err.msg, "load the driver table")) {
        free(drivers_path);
        return test_exit_status();
    }
    free(drivers_path);

    test_apply_ovs();
    test_apply_links();
    test_apply_mixed_lro();
    test_apply_vif_vanished();
    test_rollback_kernel_refuses();
    test_rollback_mixed();
    test_rollback_lro();
    test_rollback_verify_ovs();
    test_rollback_verify_ovs_no_kernel();
    test_rollback_verify_behind_back();
    test_rollback_verify_kernel();
    test_rollback_stalled_vswitchd();
    test_rollback_reconnects();
    test_rollback_incomplete_then_recover();
    test_recover_journal();
    test_replug();
    test_replug_journal();
    test_replug_roles();
    test_recover_finishes();
    test_recover_cut_off_then_run();
    test_recover_pending_replug();
    test_rollback_tiers();
    test_steps_after_ovs();
    test_stop_request();
    test_hangup(true);
    test_hangup(false);
    test_nothing_changed();
    test_report_outcomes();
    test_gate();

    driver_table_destroy(drivers);
    return test_exit_status();
}
