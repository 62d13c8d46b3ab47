/* Golden tests of the planner (agent/plan*.c).
 *
 * Every directory tests/plan-cases/<case>/ holds a host model (host.json),
 * optionally a policy (policy.json; without one the planner only audits)
 * and a driver table (drivers.json; else tests/plan-cases/drivers.json).
 * For each case this program computes the plan and compares
 * plan_format_text() with <case>/plan.expected.  It also checks, for every
 * case, that plan_compute() does not change the host and gives the same
 * text twice; that no step ever puts an upper device above its lower device
 * on the way (a pair that is fine before and after the plan stays fine after
 * each step, with all set-mtu-request steps made at once where the first of
 * them stands, as apply.c makes them); and, for every case without a
 * refusal, that the plan is
 * idempotent: planning again over the host with the steps applied gives no
 * steps and no policy drift.
 *
 * JUMBOAGENT_REGEN=1 rewrites every plan.expected from the current output
 * instead of comparing; review the diff by eye before committing it.
 * JUMBOAGENT_CASES="a b" runs (or rewrites) only the cases a and b.
 *
 * A few checks that fixtures cannot express (a policy that policy.c would
 * reject, the string tables) are written out in C at the end. */
#include "plan.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "drivers.h"
#include "host-json.h"
#include "host.h"
#include "policy.h"
#include "testlib.h"
#include "util.h"

static bool regen;

/* JUMBOAGENT_CASES: the names of the cases to run, separated by spaces, or
 * NULL for all of them. */
static const char *only_cases;

/* True if the case 'name' is to run. */
static bool
case_selected(const char *name)
{
    size_t len = strlen(name);

    for (const char *p = only_cases; p && *p; ) {
        size_t n;

        p += strspn(p, " ");
        n = strcspn(p, " ");
        if (n == len && !memcmp(p, name, len)) {
            return true;
        }
        p += n;
    }
    return !only_cases;
}

static bool
file_exists(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISREG(st.st_mode);
}

static bool
dir_exists(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Returns the malloc()'d output of plan_format_text() for 'plan'. */
static char *
format_plan(const struct plan *plan)
{
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);

    plan_format_text(plan, stream);
    fclose(stream);
    return text;
}

/* Returns the malloc()'d JSON of 'host', to tell whether it changed. */
static char *
host_to_json(const struct host *host)
{
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);

    host_json_write(host, stream);
    fclose(stream);
    return text;
}

/* Computes the plan and returns its text, or the error as text.  Stores the
 * plan in '*planp' (NULL on error). */
static char *
compute_text(const struct policy *policy, const struct host *host,
             const struct driver_table *drivers, struct plan **planp)
{
    struct error err;
    int error;

    error_clear(&err);
    *planp = NULL;
    error = plan_compute(policy, host, drivers, planp, &err);
    if (error) {
        return xasprintf("plan_compute failed (%s): %s\n", strerror(-error),
                         err.msg);
    }
    return format_plan(*planp);
}

/* Prints, as comments, where 'expected' and 'actual' first differ. */
static void
print_diff(const char *expected, const char *actual)
{
    const char *e = expected, *a = actual;
    int line = 1, shown = 0;

    while ((*e || *a) && shown < 4) {
        size_t el = strcspn(e, "\n"), al = strcspn(a, "\n");

        if (el != al || memcmp(e, a, el)) {
            printf("#   line %d:\n", line);
            printf("#   - %.*s\n", (int) el, e);
            printf("#   + %.*s\n", (int) al, a);
            shown++;
        }
        e += el + (e[el] == '\n');
        a += al + (a[al] == '\n');
        line++;
    }
    printf("#   (run with JUMBOAGENT_REGEN=1 to rewrite plan.expected, then "
           "review the diff)\n");
}

/* The ordering invariant. */

/* "upper + overhead must not exceed lower", by name. */
struct pair {
    const char *upper;
    const char *lower;
    unsigned int overhead;
};

struct pairs {
    struct pair *items;
    size_t n, allocated;
};

static void
pair_add(struct pairs *pairs, const char *upper, const char *lower,
         unsigned int overhead)
{
    grow_array((void **) &pairs->items, &pairs->allocated, pairs->n + 1,
               sizeof *pairs->items);
    pairs->items[pairs->n++] = (struct pair) { upper, lower, overhead };
}

static unsigned int
tunnel_overhead(const struct host_link *link)
{
    unsigned int v6 = link->tunnel_ipv6 ? 20 : 0;
    unsigned int key = link->tunnel_key ? 4 : 0;

    switch (link->kind) {
    case LINK_KIND_VXLAN:
    case LINK_KIND_GENEVE:
        return 50 + v6;
    case LINK_KIND_GRE:
        return 24 + v6 + key;
    case LINK_KIND_GRETAP:
        return 38 + v6 + key;
    default:
        return 0;
    }
}

/* True if 'name' on 'bridge' is a VM interface for 'policy'. */
static bool
policy_says_vif(const struct policy *policy, const char *bridge,
                const char *name)
{
    for (size_t i = 0; policy && i < policy->n_networks; i++) {
        const struct policy_network *pn = &policy->networks[i];

        if (strcmp(pn->bridge, bridge)) {
            continue;
        }
        for (size_t k = 0; k < pn->n_vifs; k++) {
            if (!fnmatch(pn->vifs[k], name, 0)) {
                return true;
            }
        }
    }
    return false;
}

/* True if 'port' is an OVS fake bridge: tagged, with one internal
 * interface of its own name. */
static bool
is_fake_bridge(const struct host_ovs_port *port)
{
    return (port->tag && port->n_ifaces == 1
            && !strcmp(port->ifaces[0].type, "internal")
            && !strcmp(port->ifaces[0].name, port->name));
}

/* The name of the bridge or fake bridge that 'port' of 'br' is on. */
static const char *
port_bridge(const struct host_ovs_bridge *br, const struct host_ovs_port *port)
{
    for (size_t p = 0; port->tag && p < br->n_ports; p++) {
        if (br->ports[p].tag == port->tag && is_fake_bridge(&br->ports[p])) {
            return br->ports[p].name;
        }
    }
    return br->name;
}

/* Lists the upper/lower pairs of 'host': stacked devices, bonds and their
 * slaves, bridges and their ports, VIFs and their bridges, fake bridges
 * (VLANs) and the uplinks of their parent.  Names point into 'host'. */
static void
collect_pairs(const struct host *host, const struct policy *policy,
              struct pairs *pairs)
{
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];
        const struct host_link *master = host_find_link(host, link->master);

        if (link->lower[0]) {
            pair_add(pairs, link->name, link->lower, tunnel_overhead(link));
        }
        if (!master) {
            continue;
        }
        if (master->kind == LINK_KIND_BOND || master->kind == LINK_KIND_TEAM) {
            pair_add(pairs, master->name, link->name, 0);
        } else if (master->kind == LINK_KIND_BRIDGE) {
            if (host_link_is_vif(link)
                || policy_says_vif(policy, master->name, link->name)) {
                pair_add(pairs, link->name, master->name, 0);
            } else {
                pair_add(pairs, master->name, link->name, 0);
            }
        }
    }
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];

        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];
            const char *bridge = port_bridge(br, port);

            for (size_t i = 0; i < port->n_ifaces; i++) {
                const struct host_ovs_iface *iface = &port->ifaces[i];
                bool vif = (host_ovs_iface_is_vif(iface)
                            || policy_says_vif(policy, bridge, iface->name));

                if (!strcmp(iface->type, "internal")
                    || !host_find_link(host, iface->name)) {
                    continue;
                }
                if (vif) {
                    pair_add(pairs, iface->name, bridge, 0);
                } else {
                    pair_add(pairs, bridge, iface->name, 0);
                }
                for (size_t f = 0; !vif && !port->tag && f < br->n_ports;
                     f++) {
                    if (is_fake_bridge(&br->ports[f])) {
                        pair_add(pairs, br->ports[f].name, iface->name, 0);
                    }
                }
            }
        }
    }
}

static bool
pair_holds(const struct host *host, const struct pair *pair)
{
    const struct host_link *upper = host_find_link(host, pair->upper);
    const struct host_link *lower = host_find_link(host, pair->lower);

    return !upper || !lower || upper->mtu + pair->overhead <= lower->mtu;
}

/* Applies the steps of 'plan' to a copy of the host in 'json' in the
 * order apply.c makes them: every set-mtu-request step at once (one OVSDB
 * transaction) at the position of the first of them, every other step on
 * its own in plan order.  Checks that every pair that holds before and
 * after the whole plan holds after each of these changes, and that the
 * set-mtu-request steps are contiguous, so that the printed order is the
 * executed order. */
static void
check_order(const char *name, const char *json, const struct policy *policy,
            const struct plan *plan)
{
    struct host *before = NULL, *after = NULL, *walk = NULL;
    struct plan_step *ovs = xzalloc((plan->n_steps + 1) * sizeof *ovs);
    struct pairs pairs = { .n = 0 };
    size_t n_ovs = 0, first_ovs = SIZE_MAX, last_ovs = 0;
    struct error err;
    char why[512] = "";

    for (size_t s = 0; s < plan->n_steps; s++) {
        if (plan->steps[s].action == PLAN_SET_MTU_REQUEST) {
            ovs[n_ovs++] = plan->steps[s];
            first_ovs = first_ovs == SIZE_MAX ? s : first_ovs;
            last_ovs = s;
        }
    }
    test_report(!n_ovs || last_ovs - first_ovs + 1 == n_ovs, NULL,
                "%s: the set-mtu-request steps are contiguous (apply makes "
                "them at once)", name);

    if (host_json_read_string("host", json, &before, &err)
        || host_json_read_string("host", json, &after, &err)
        || host_json_read_string("host", json, &walk, &err)) {
        test_report(false, err.msg, "%s: ordering (re-read host)", name);
        goto out;
    }
    plan_simulate(plan, after);
    collect_pairs(before, policy, &pairs);
    for (size_t s = 0; s < plan->n_steps && !why[0]; s++) {
        struct plan one = { .steps = &plan->steps[s], .n_steps = 1 };
        const char *what = plan->steps[s].ifname;

        if (plan->steps[s].action == PLAN_SET_MTU_REQUEST) {
            if (s != first_ovs) {
                continue;
            }
            one.steps = ovs;
            one.n_steps = n_ovs;
            what = "(all of them, one OVSDB transaction)";
        }
        plan_simulate(&one, walk);
        for (size_t i = 0; i < pairs.n && !why[0]; i++) {
            const struct pair *pair = &pairs.items[i];

            if (pair_holds(before, pair) && pair_holds(after, pair)
                && !pair_holds(walk, pair)) {
                snprintf(why, sizeof why, "after step %zu (%s %s), %s is "
                         "above %s", s + 1,
                         plan_action_to_string(plan->steps[s].action),
                         what, pair->upper, pair->lower);
            }
        }
    }
    test_report(!why[0], why, "%s: no upper device above its lower device "
                "on the way, in the order apply makes the steps", name);
out:
    free(ovs);
    free(pairs.items);
    host_destroy(before);
    host_destroy(after);
    host_destroy(walk);
}

/* Plans again over the host with 'plan' applied: no steps, no drift. */
static void
check_idempotent(const char *name, const char *json,
                 const struct policy *policy,
                 const struct driver_table *drivers, const struct plan *plan)
{
    struct host *host = NULL;
    struct plan *again = NULL;
    struct error err;
    char *text;
    size_t drift = 0;

    if (host_json_read_string("host", json, &host, &err)) {
        test_report(false, err.msg, "%s: idempotent (re-read host)", name);
        return;
    }
    plan_simulate(plan, host);
    text = compute_text(policy, host, drivers, &again);
    for (size_t i = 0; again && i < again->n_findings; i++) {
        drift += again->findings[i].kind == FINDING_POLICY_DRIFT;
    }
    if (!test_report(again && !again->n_steps && !drift, NULL,
                     "%s: idempotent (a second plan has no steps and no "
                     "policy drift)", name)) {
        printf("#   second plan:\n%s", text);
    }
    free(text);
    plan_destroy(again);
    host_destroy(host);
}

static char *
case_file(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static void
run_case(const char *cases_dir, const char *name,
         const struct driver_table *default_drivers)
{
    char *dir = xasprintf("%s/%s", cases_dir, name);
    char *host_path = case_file(dir, "host.json");
    char *policy_path = case_file(dir, "policy.json");
    char *drivers_path = case_file(dir, "drivers.json");
    char *expected_path = case_file(dir, "plan.expected");
    struct host *host = NULL;
    struct policy *policy = NULL;
    struct driver_table *own_drivers = NULL;
    const struct driver_table *drivers = default_drivers;
    struct plan *plan = NULL, *plan2 = NULL;
    char *json = NULL, *json_after = NULL;
    char *text = NULL, *text2 = NULL, *expected = NULL;
    struct error err;

    error_clear(&err);
    if (host_json_read_file(host_path, &host, &err)) {
        test_report(false, err.msg, "%s: read host.json", name);
        goto out;
    }
    if (file_exists(policy_path)
        && policy_parse_file(policy_path, &policy, &err)) {
        test_report(false, err.msg, "%s: read policy.json", name);
        goto out;
    }
    if (file_exists(drivers_path)) {
        if (driver_table_parse_file(drivers_path, &own_drivers, &err)) {
            test_report(false, err.msg, "%s: read drivers.json", name);
            goto out;
        }
        drivers = own_drivers;
    }

    json = host_to_json(host);
    text = compute_text(policy, host, drivers, &plan);
    json_after = host_to_json(host);
    test_streq(json, json_after, "%s: plan_compute leaves the host alone",
               name);
    text2 = compute_text(policy, host, drivers, &plan2);
    test_streq(text, text2, "%s: plan_compute is deterministic", name);

    if (regen) {
        FILE *f = fopen(expected_path, "w");

        test_report(f && fputs(text, f) >= 0 && !fclose(f), strerror(errno),
                    "%s: regenerated plan.expected", name);
    } else {
        expected = test_read_file(expected_path);
        if (!expected) {
            test_report(false, "no plan.expected (JUMBOAGENT_REGEN=1 writes "
                        "it)", "%s: plan matches plan.expected", name);
        } else if (!test_report(!strcmp(expected, text), NULL,
                                "%s: plan matches plan.expected", name)) {
            print_diff(expected, text);
        }
    }

    if (plan) {
        check_order(name, json, policy, plan);
        if (!plan_count_findings(plan, SEVERITY_REFUSED)) {
            check_idempotent(name, json, policy, drivers, plan);
        }
    }

out:
    plan_destroy(plan);
    plan_destroy(plan2);
    free(text);
    free(text2);
    free(expected);
    free(json);
    free(json_after);
    driver_table_destroy(own_drivers);
    policy_destroy(policy);
    host_destroy(host);
    free(dir);
    free(host_path);
    free(policy_path);
    free(drivers_path);
    free(expected_path);
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
run_cases(void)
{
    char *cases_dir = xasprintf("%s/tests/plan-cases", test_srcdir());
    char *drivers_path = case_file(cases_dir, "drivers.json");
    struct driver_table *drivers = NULL;
    char **names = NULL;
    size_t n = 0, allocated = 0;
    struct error err;
    struct dirent *de;
    DIR *d;

    error_clear(&err);
    if (!test_report(!driver_table_parse_file(drivers_path, &drivers, &err),
                     err.msg, "read tests/plan-cases/drivers.json")) {
        goto out;
    }
    d = opendir(cases_dir);
    if (!test_report(d != NULL, strerror(errno), "open %s", cases_dir)) {
        goto out;
    }
    while ((de = readdir(d)) != NULL) {
        char *path;

        if (de->d_name[0] == '.') {
            continue;
        }
        path = xasprintf("%s/%s", cases_dir, de->d_name);
        if (dir_exists(path)) {
            grow_array((void **) &names, &allocated, n + 1, sizeof *names);
            names[n++] = xstrdup(de->d_name);
        }
        free(path);
    }
    closedir(d);
    if (n) {
        qsort(names, n, sizeof *names, compare_names);
    }

    test_report(n >= 20, NULL, "at least 20 plan cases (found %zu)", n);
    for (size_t i = 0; i < n; i++) {
        if (case_selected(names[i])) {
            run_case(cases_dir, names[i], drivers);
        }
        free(names[i]);
    }
    free(names);
out:
    driver_table_destroy(drivers);
    free(drivers_path);
    free(cases_dir);
}

/* Checks in C. */

/* The overlay rule of the planner, with a policy built by hand: policy.c
 * refuses such a policy at parse time, the planner must refuse it too. */
static void
test_overlay_too_big(void)
{
    char under_name[] = "storage", under_bridge[] = "br-under";
    char over_name[] = "tenant", over_bridge[] = "br-over";
    struct policy_network networks[2] = {
        { .name = under_name, .bridge = under_bridge, .mtu = 9000 },
        { .name = over_name, .bridge = over_bridge, .mtu = 9000,
          .has_overlay = true,
          .overlay = { .type = OVERLAY_VXLAN, .underlay = under_name } },
    };
    struct policy policy = {
        .version = 1, .networks = networks, .n_networks = 2,
    };
    struct host *host = host_create();
    struct host_link *link;
    struct plan *plan = NULL;
    struct error err;
    bool found = false;

    link = host_add_link(host, "br-under");
    link->kind = LINK_KIND_BRIDGE;
    link->mtu = 1500;
    link = host_add_link(host, "br-over");
    link->kind = LINK_KIND_BRIDGE;
    link->mtu = 1500;

    if (!test_report(!plan_compute(&policy, host, NULL, &plan, &err), err.msg,
                     "overlay too big: plan_compute succeeds")) {
        host_destroy(host);
        return;
    }
    for (size_t i = 0; i < plan->n_findings; i++) {
        const struct finding *f = &plan->findings[i];

        found = found || (f->kind == FINDING_REFUSED
                          && !strcmp(f->network, "tenant")
                          && strstr(f->message, "at most 8950"));
    }
    test_report(found, NULL, "overlay too big: network tenant refused, "
                "naming the largest MTU that fits");
    for (size_t i = 0; i < plan->n_steps; i++) {
        test_report(strcmp(plan->steps[i].network, "tenant"), NULL,
                    "overlay too big: no step for tenant (%s)",
                    plan->steps[i].ifname);
    }
    test_report(plan->n_steps == 1
                && !strcmp(plan->steps[0].ifname, "br-under"), NULL,
                "overlay too big: storage still gets its step");
    plan_destroy(plan);
    host_destroy(host);
}

static void
test_strings(void)
{
    bool ok = true;

    for (int i = 0; i < PLAN_ACTION_MAX; i++) {
        ok = ok && strcmp(plan_action_to_string(i), "invalid");
    }
    for (int i = 0; i < PLAN_ROLE_MAX; i++) {
        ok = ok && strcmp(plan_role_to_string(i), "invalid");
    }
    for (int i = 0; i < FINDING_KIND_MAX; i++) {
        ok = ok && finding_kind_to_string(i)
             && strcmp(finding_kind_to_string(i), "invalid");
        for (int k = 0; k < i; k++) {
            ok = ok && strcmp(finding_kind_to_string(i),
                              finding_kind_to_string(k));
        }
    }
    for (int i = 0; i < SEVERITY_MAX; i++) {
        ok = ok && strcmp(finding_severity_to_string(i), "invalid");
    }
    test_report(ok, NULL, "every action, role, kind and severity has a "
                "distinct name");
    test_streq("invalid", plan_role_to_string(PLAN_ROLE_MAX),
               "out-of-range role");
    plan_destroy(NULL);
    test_report(true, NULL, "plan_destroy(NULL)");
}

/* No policy, no driver table, an empty host: nothing to say. */
static void
test_empty(void)
{
    struct host *host = host_create();
    struct plan *plan = NULL;
    char *text;

    text = compute_text(NULL, host, NULL, &plan);
    test_streq("No findings.\nPlan: nothing to do.\n", text,
               "empty host, no policy, no driver table");
    free(text);
    plan_destroy(plan);
    host_destroy(host);
}

int
main(void)
{
    const char *env = getenv("JUMBOAGENT_REGEN");

    regen = env && !strcmp(env, "1");
    only_cases = getenv("JUMBOAGENT_CASES");
    run_cases();
    test_overlay_too_big();
    test_strings();
    test_empty();
    return test_exit_status();
}
