/* Unit tests of the pool planner (agent/pool-plan.c): preflight refusals
 * and the order of the roll, from records built here, without I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool-plan.h"
#include "testlib.h"
#include "util.h"

/* A pool of three hosts on network "jumbo" (xenbr1, MTU 1500): "host-a"
 * the coordinator, "host-c" and "host-b" members (given out of order), each
 * with PIF eth1; one running VM's VIF.  The caller changes what a case
 * needs, then frees it with pool_records_destroy(). */
static void
make_pool(struct pool_records *r)
{
    static const char *const names[] = { "host-a", "host-c", "host-b" };

    memset(r, 0, sizeof *r);
    r->network_ref = xstrdup("OpaqueRef:net");
    r->network_name = xstrdup("jumbo");
    r->bridge = xstrdup("xenbr1");
    r->network_mtu = 1500;
    r->n_hosts = r->n_pifs = 3;
    r->hosts = xzalloc(3 * sizeof *r->hosts);
    r->pifs = xzalloc(3 * sizeof *r->pifs);
    r->checks = xzalloc(3 * sizeof *r->checks);
    for (size_t i = 0; i < 3; i++) {
        r->hosts[i] = (struct pool_host) {
            .ref = xasprintf("OpaqueRef:h%zu", i), .name = xstrdup(names[i]),
            .coordinator = i == 0, .enabled = true, .live = true,
        };
        r->pifs[i] = (struct pool_pif) {
            .ref = xasprintf("OpaqueRef:p%zu", i), .host = i,
            .device = xstrdup("eth1"), .vlan = -1, .mtu = 1500,
        };
        r->checks[i].called = true;
    }
    r->n_vifs = 2;
    r->vifs = xzalloc(2 * sizeof *r->vifs);
    r->vifs[0] = (struct pool_vif) {
        .ref = xstrdup("OpaqueRef:v0"), .vm = xstrdup("web"),
        .device = xstrdup("0"), .mtu = 1500, .attached = true,
    };
    r->vifs[1] = (struct pool_vif) {
        .ref = xstrdup("OpaqueRef:v1"), .vm = xstrdup("halted"),
        .device = xstrdup("1"), .mtu = 1500, .attached = false,
    };
}

/* Returns the formatted plan (steps and VIFs, or the refusal table) as a
 * malloc()'d string. */
static char *
plan_text(const struct pool_records *r, unsigned int mtu, bool replug,
          size_t *n_refusals)
{
    struct pool_plan plan;
    struct error err;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);

    if (pool_plan_compute(r, mtu, replug, &plan, &err)) {
        fprintf(f, "error: %s\n", err.msg);
    } else if (plan.n_refusals) {
        pool_plan_format_refusals(&plan, f);
    } else {
        pool_plan_format(r, &plan, f);
    }
    *n_refusals = plan.n_refusals;
    pool_plan_destroy(&plan);
    fclose(f);
    return buf;
}

static void
check_one(struct pool_records *r, unsigned int mtu, bool replug,
          const char *expected, size_t expected_refusals, const char *name)
{
    size_t n;
    char *text = plan_text(r, mtu, replug, &n);

    test_streq(expected, text, "%s", name);
    test_report(n == expected_refusals, NULL, "%s: %zu refusal(s)", name,
                expected_refusals);
    free(text);
    pool_records_destroy(r);
}

/* The 13 steps of raising make_pool()'s network to 9000: the members by
 * name, the coordinator last, set_MTU after all hosts, the overrides
 * removed. */
#define RAISE_9000_STEPS \
    "Plan for network 'jumbo' (bridge xenbr1): MTU 1500 -> 9000, 3 host(s)\n" \
    "1. host-b: set PIF eth1 other_config:mtu=9000\n" \
    "2. host-b: PIF.plug eth1 (re-applies MTU 9000 on bridge xenbr1)\n" \
    "3. host-b: verify bridge xenbr1 at MTU 9000 (plugin verify)\n" \
    "4. host-c: set PIF eth1 other_config:mtu=9000\n" \
    "5. host-c: PIF.plug eth1 (re-applies MTU 9000 on bridge xenbr1)\n" \
    "6. host-c: verify bridge xenbr1 at MTU 9000 (plugin verify)\n" \
    "7. host-a: set PIF eth1 other_config:mtu=9000\n" \
    "8. host-a: PIF.plug eth1 (re-applies MTU 9000 on bridge xenbr1)\n" \
    "9. host-a: verify bridge xenbr1 at MTU 9000 (plugin verify)\n" \
    "10. pool: network.set_MTU 'jumbo' 1500 -> 9000\n" \
    "11. host-b: remove PIF eth1 other_config:mtu\n" \
    "12. host-c: remove PIF eth1 other_config:mtu\n" \
    "13. host-a: remove PIF eth1 other_config:mtu\n"

int
main(void)
{
    struct pool_records r;

    make_pool(&r);
    check_one(&r, 9000, false,
        RAISE_9000_STEPS
        "VIF keeps MTU 1500 until its next plug: VM 'web' VIF 0 (replug "
        "with --replug-vifs, or migrate the VM)\n", 0,
        "raising: members by name, coordinator last, set_MTU after all "
        "hosts, running VIF listed");

    make_pool(&r);
    r.network_mtu = 9000;
    for (size_t i = 0; i < 3; i++) {
        r.pifs[i].mtu = 9000;
    }
    r.pifs[1].has_override = true;
    r.vifs[0].mtu = 9000;
    check_one(&r, 1500, true,
        "Plan for network 'jumbo' (bridge xenbr1): MTU 9000 -> 1500, 3 host(s)\n"
        "1. pool: network.set_MTU 'jumbo' 9000 -> 1500\n"
        "2. pool: VIF.unplug + VIF.plug VM 'web' VIF 0 (9000 -> 1500)\n"
        "3. host-b: PIF.plug eth1 (re-applies MTU 1500 on bridge xenbr1)\n"
        "4. host-b: verify bridge xenbr1 at MTU 1500 (plugin verify)\n"
        "5. host-c: remove PIF eth1 other_config:mtu\n"
        "6. host-c: PIF.plug eth1 (re-applies MTU 1500 on bridge xenbr1)\n"
        "7. host-c: verify bridge xenbr1 at MTU 1500 (plugin verify)\n"
        "8. host-a: PIF.plug eth1 (re-applies MTU 1500 on bridge xenbr1)\n"
        "9. host-a: verify bridge xenbr1 at MTU 1500 (plugin verify)\n", 0,
        "lowering: network.MTU and VIFs first, then hosts; a leftover "
        "override removed before its plug");

    make_pool(&r);
    check_one(&r, 9000, true,
        RAISE_9000_STEPS
        "14. pool: VIF.unplug + VIF.plug VM 'web' VIF 0 (1500 -> 9000)\n", 0,
        "--replug-vifs: the running VIF replugged after set_MTU, the "
        "halted one not");

    make_pool(&r);
    r.ha_enabled = true;
    check_one(&r, 9000, false,
        "HOST    REASON\n"
        "(pool)  HA is enabled (HA_IS_ENABLED): a NIC reset may fence hosts; "
        "disable HA (pool.disable_ha), run again, then re-enable it\n", 1,
        "HA enabled: refused, no steps");

    make_pool(&r);
    r.pifs[2].management = true;
    check_one(&r, 9000, false,
        "HOST    REASON\n"
        "host-b  PIF eth1 is the management interface: re-plugging it cuts "
        "xapi off (PIF_IS_MANAGEMENT_INTERFACE); change it by hand during "
        "maintenance\n", 1, "management PIF refused on its host only");

    make_pool(&r);
    r.pifs[1].bond_slave = true;
    r.hosts[0].live = false;
    r.hosts[2].enabled = false;
    check_one(&r, 9000, false,
        "HOST    REASON\n"
        "host-b  host is disabled (host.enabled is false): enable it "
        "(host.enable) or finish its maintenance, then run again\n"
        "host-c  PIF eth1 is a bond member (CANNOT_PLUG_BOND_SLAVE): change "
        "the bond's network instead\n"
        "host-a  host is offline (host_metrics.live is false): bring it back "
        "or remove it from the pool, then run again\n", 3,
        "bond member, disabled and offline hosts: every refusal listed, "
        "coordinator last");

    make_pool(&r);
    for (size_t i = 0; i < 3; i++) {
        r.pifs[i].vlan = 42;
        r.pifs[i].vlan_base_mtu = i == 1 ? 1500 : 9000;
    }
    check_one(&r, 9000, false,
        "HOST    REASON\n"
        "host-c  PIF eth1 is VLAN 42 over a network of MTU 1500, below 9000: "
        "raise the base network first\n", 1,
        "VLAN: base network below the target refused, at the target not");

    make_pool(&r);
    r.checks[1].n_refusals = 1;
    r.checks[1].refusals = xzalloc(sizeof *r.checks[1].refusals);
    r.checks[1].refusals[0].host = xstrdup("host-c");
    r.checks[1].refusals[0].reason = xstrdup("eth1: driver enic refused");
    r.checks[2].called = false;
    r.checks[2].error = xstrdup("XENAPI_MISSING_PLUGIN jumboagent");
    check_one(&r, 9000, false,
        "HOST    REASON\n"
        "host-b  plugin check did not answer: XENAPI_MISSING_PLUGIN "
        "jumboagent: install the jumboagent plugin on this host and run "
        "again\n"
        "host-c  eth1: driver enic refused\n", 2,
        "refused driver on one host, plugin missing on another: both "
        "listed, nothing planned");

    make_pool(&r);
    r.n_pifs = 2;
    free(r.pifs[2].ref);
    free(r.pifs[2].device);
    check_one(&r, 9000, false,
        "HOST    REASON\n"
        "host-b  host has no PIF on network 'jumbo': every host must carry "
        "it; add one (PIF.introduce, or a bond/VLAN) first\n", 1,
        "a host without a PIF on the network refused");

    make_pool(&r);
    r.pifs[1].host = 0;
    check_one(&r, 9000, false,
        "error: network 'jumbo': PIF eth1 is on a host that already has a "
        "PIF on it; xapi records are inconsistent, run again\n", 0,
        "two PIFs of one host on the network: an error");

    return test_exit_status();
}
