/* Show and the planner agree on what each interface is.
 *
 * "jumboagent show" prints a role for every OVS interface (the JSON's
 * "role", the text tree's second column) and marks VM interfaces among the
 * ports of Linux bridges; the planner orders and checks its steps by role.
 * Both take it from host_ovs_iface_role() and host_link_is_vif() in
 * host.c.  This program holds the two outputs against each other over
 * every host model of tests/plan-cases/ (planned with its policy), so that
 * a classifier of their own in either fails here, and checks the
 * classifier itself on the cases that once set them apart: DPDK vhost-user
 * ports, policy "vifs" patterns, and OpenStack's tap and qvb/qvo devices. */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "drivers.h"
#include "host-json.h"
#include "host-text.h"
#include "host.h"
#include "plan.h"
#include "policy.h"
#include "testlib.h"
#include "util.h"

/* How often each kind of comparison was made over all the cases. */
struct tally {
    size_t ovs[PLAN_ROLE_MAX];  /* OVS interfaces, by planner role. */
    size_t link_vifs;           /* Linux bridge ports the planner calls VIFs. */
    size_t link_others;         /* Other Linux bridge ports. */
    size_t planner_only;        /* VIFs by a policy pattern alone. */
};

/* The word of show for a planner role of an OVS interface, or NULL if the
 * role is not one that an OVS interface takes. */
static const char *
show_word(enum plan_role role)
{
    switch (role) {
    case ROLE_MEMBER:
        return "member";
    case ROLE_UPLINK:
        return "uplink";
    case ROLE_INTERNAL:
    case ROLE_VLAN:
        return "internal";
    case ROLE_VIF:
        return "vif";
    case ROLE_BOND:
    case ROLE_BRIDGE:
    case ROLE_OVERLAY:
    case ROLE_HOST:
    case PLAN_ROLE_MAX:
    default:
        return NULL;
    }
}

/* Returns what 'write' prints for 'host', as a malloc()'d string. */
static char *
capture(void (*write)(const struct host *, FILE *), const struct host *host)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buf, &size);

    if (!stream) {
        return xstrdup("");
    }
    write(host, stream);
    fclose(stream);
    return buf;
}

/* The "role" that the show JSON 'root' gives the OVS interface 'name', or
 * NULL if it has none. */
static const char *
json_role(struct json_object *root, const char *name)
{
    struct json_object *ovs, *bridges;

    if (!json_object_object_get_ex(root, "ovs", &ovs)
        || !json_object_object_get_ex(ovs, "bridges", &bridges)) {
        return NULL;
    }
    for (size_t b = 0; b < json_object_array_length(bridges); b++) {
        struct json_object *br = json_object_array_get_idx(bridges, b);
        struct json_object *ports;

        if (!json_object_object_get_ex(br, "ports", &ports)) {
            continue;
        }
        for (size_t p = 0; p < json_object_array_length(ports); p++) {
            struct json_object *port = json_object_array_get_idx(ports, p);
            struct json_object *ifaces;

            if (!json_object_object_get_ex(port, "interfaces", &ifaces)) {
                continue;
            }
            for (size_t i = 0; i < json_object_array_length(ifaces); i++) {
                struct json_object *iface
                    = json_object_array_get_idx(ifaces, i);
                struct json_object *n, *role;

                if (json_object_object_get_ex(iface, "name", &n)
                    && !strcmp(json_object_get_string(n), name)
                    && json_object_object_get_ex(iface, "role", &role)) {
                    return json_object_get_string(role);
                }
            }
        }
    }
    return NULL;
}

/* The word that the text tree 'text' shows after "port NAME" or "slave
 * NAME" for the link 'name', copied into 'word' (of 'size' bytes), or ""
 * if no row names it. */
static void
text_word(const char *text, const char *name, char *word, size_t size)
{
    size_t len = strlen(name);

    word[0] = '\0';
    for (const char *line = text; *line; ) {
        const char *end = strchr(line, '\n');
        const char *s = line + strspn(line, " ");

        end = end ? end : line + strlen(line);
        for (int i = 0; i < 2; i++) {
            static const char *const leads[] = { "port ", "slave " };
            size_t n = strlen(leads[i]);

            if (!strncmp(s, leads[i], n) && !strncmp(s + n, name, len)
                && s[n + len] == ' ') {
                const char *w = s + n + len + strspn(s + n + len, " ");
                size_t wlen = strcspn(w, " \n");

                snprintf(word, size, "%.*s", (int) wlen, w);
                return;
            }
        }
        line = *end ? end + 1 : end;
    }
}

/* True if the policy network named 'network' of 'policy' lists 'name' among
 * its "vifs" patterns: a VIF that only the planner knows. */
static bool
vif_by_pattern(const struct policy *policy, const char *network,
               const char *name)
{
    for (size_t i = 0; policy && i < policy->n_networks; i++) {
        const struct policy_network *pn = &policy->networks[i];

        if (!strcmp(pn->name, network)) {
            return host_name_matches(name, pn->vifs, pn->n_vifs);
        }
    }
    return false;
}

static void
compare_case(const char *dir, const char *name,
             const struct driver_table *drivers, struct tally *tally)
{
    char *host_path = xasprintf("%s/%s/host.json", dir, name);
    char *policy_path = xasprintf("%s/%s/policy.json", dir, name);
    struct host *host = NULL;
    struct policy *policy = NULL;
    struct plan *plan = NULL;
    struct json_object *root = NULL;
    char *json = NULL, *text = NULL;
    struct error err;
    struct stat st;

    error_clear(&err);
    if (host_json_read_file(host_path, &host, &err)
        || (!stat(policy_path, &st)
            && policy_parse_file(policy_path, &policy, &err))) {
        test_report(false, err.msg, "%s: read the case", name);
        goto out;
    }
    if (plan_compute(policy, host, drivers, &plan, &err)) {
        /* host-loop: no plan, nothing to compare. */
        goto out;
    }
    json = capture(host_json_write, host);
    text = capture(host_text_write, host);
    root = json_tokener_parse(json);
    if (!test_report(root != NULL, NULL, "%s: show's JSON parses", name)) {
        goto out;
    }

    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *s = &plan->steps[i];
        const struct host_link *link = host_find_link(host, s->ifname);
        const struct host_link *master;
        bool pattern = vif_by_pattern(policy, s->network, s->ifname);

        if (s->action == PLAN_SET_MTU_REQUEST) {
            const char *shown = json_role(root, s->ifname);
            const char *want = show_word(s->role);

            if (pattern && s->role == ROLE_VIF && shown
                && strcmp(shown, "vif")) {
                tally->planner_only++;
                continue;
            }
            if (want && shown && !strcmp(want, shown)) {
                tally->ovs[s->role]++;
            } else {
                test_report(false, NULL, "%s: show says %s is \"%s\", the "
                            "planner \"%s\" (%s)", name, s->ifname,
                            shown ? shown : "(none)",
                            plan_role_to_string(s->role),
                            want ? want : "not an OVS role");
            }
        } else if (s->action == PLAN_SET_LINK_MTU && link
                   && (master = host_find_link(host, link->master))
                   && master->kind == LINK_KIND_BRIDGE) {
            char word[32];
            bool shown_vif;

            text_word(text, s->ifname, word, sizeof word);
            shown_vif = !strcmp(word, "vif");
            if (pattern && s->role == ROLE_VIF && !shown_vif) {
                tally->planner_only++;
            } else if (shown_vif == (s->role == ROLE_VIF)) {
                shown_vif ? tally->link_vifs++ : tally->link_others++;
            } else {
                test_report(false, NULL, "%s: show's tree marks the Linux "
                            "bridge port %s \"%s\", the planner \"%s\"",
                            name, s->ifname, word,
                            plan_role_to_string(s->role));
            }
        }
    }

out:
    json_object_put(root);
    free(json);
    free(text);
    plan_destroy(plan);
    policy_destroy(policy);
    host_destroy(host);
    free(host_path);
    free(policy_path);
}

/* Every case of tests/plan-cases/. */
static void
test_plan_cases(void)
{
    char *dir = xasprintf("%s/tests/plan-cases", test_srcdir());
    char *drivers_path = xasprintf("%s/drivers.json", dir);
    struct driver_table *drivers = NULL;
    struct tally tally;
    struct error err;
    struct dirent *de;
    size_t n_cases = 0;
    DIR *d;

    memset(&tally, 0, sizeof tally);
    error_clear(&err);
    d = opendir(dir);
    if (!test_report(d && !driver_table_parse_file(drivers_path, &drivers,
                                                   &err),
                     err.msg[0] ? err.msg : strerror(errno),
                     "open tests/plan-cases")) {
        goto out;
    }
    while ((de = readdir(d)) != NULL) {
        char *host_path = xasprintf("%s/%s/host.json", dir, de->d_name);
        struct stat st;

        if (de->d_name[0] != '.' && !stat(host_path, &st)) {
            compare_case(dir, de->d_name, drivers, &tally);
            n_cases++;
        }
        free(host_path);
    }

    test_report(n_cases >= 20, NULL, "roles compared over %zu cases",
                n_cases);
    /* Without these, the comparisons above could all be vacuous. */
    test_report(tally.ovs[ROLE_UPLINK] > 0, NULL, "%zu OVS uplinks agree",
                tally.ovs[ROLE_UPLINK]);
    test_report(tally.ovs[ROLE_MEMBER] > 0, NULL,
                "%zu OVS bond members agree", tally.ovs[ROLE_MEMBER]);
    test_report(tally.ovs[ROLE_INTERNAL] > 0, NULL,
                "%zu OVS internal ports agree", tally.ovs[ROLE_INTERNAL]);
    test_report(tally.ovs[ROLE_VIF] > 0, NULL, "%zu OVS VIFs agree",
                tally.ovs[ROLE_VIF]);
    test_report(tally.link_vifs > 0, NULL,
                "%zu Linux bridge VIFs agree", tally.link_vifs);
    test_report(tally.link_others > 0, NULL,
                "%zu other Linux bridge ports agree", tally.link_others);

out:
    if (d) {
        closedir(d);
    }
    driver_table_destroy(drivers);
    free(drivers_path);
    free(dir);
}

/* The classifier itself, on the interfaces that once set show and the
 * planner apart. */
static void
test_classifier(void)
{
    struct host *host = host_create();
    struct host_ovs_bridge *br = host_add_bridge(host, "br0");
    struct host_ovs_port *nic, *vhu, *own, *bond;
    struct host_ovs_iface *eth0, *vhu1, *br0, *eth1;
    char *globs[] = { "vm-*", "eth0" };
    struct host_link *link;

    /* Adding reallocates: take the pointers once all are added. */
    host_bridge_add_port(br, "eth0");
    host_bridge_add_port(br, "vhu1");
    host_bridge_add_port(br, "br0");
    host_bridge_add_port(br, "bond0");
    nic = &br->ports[0];
    vhu = &br->ports[1];
    own = &br->ports[2];
    bond = &br->ports[3];
    eth0 = host_port_add_iface(nic, "eth0");
    vhu1 = host_port_add_iface(vhu, "vhu1");
    br0 = host_port_add_iface(own, "br0");
    host_port_add_iface(bond, "eth1");
    host_port_add_iface(bond, "eth2");
    eth1 = &bond->ifaces[0];
    copy_string(vhu1->type, "dpdkvhostuser", sizeof vhu1->type);
    copy_string(br0->type, "internal", sizeof br0->type);

    test_report(host_ovs_iface_role("br0", nic, eth0, NULL, 0)
                == HOST_ROLE_UPLINK, NULL, "a NIC alone on its port: uplink");
    test_report(host_ovs_iface_role("br0", nic, eth0, globs, 2)
                == HOST_ROLE_VIF, NULL, "a NIC that a vifs pattern names: "
                "vif");
    test_report(host_ovs_iface_role("br0", nic, eth0, globs, 1)
                == HOST_ROLE_UPLINK, NULL, "only the first 'n_vif_globs' "
                "patterns count");
    test_report(host_ovs_iface_role("br0", vhu, vhu1, NULL, 0)
                == HOST_ROLE_VIF, NULL, "a DPDK vhost-user port: vif");
    test_report(host_ovs_iface_role("br0", own, br0, NULL, 0)
                == HOST_ROLE_INTERNAL, NULL, "the bridge's own port: "
                "internal");
    test_report(host_ovs_iface_role("xapi1", own, br0, NULL, 0)
                == HOST_ROLE_VLAN, NULL, "another bridge's internal port: "
                "vlan");
    test_report(host_ovs_iface_role("br0", bond, eth1, NULL, 0)
                == HOST_ROLE_MEMBER, NULL, "one of two on a port: member");
    copy_string(eth0->type, "geneve", sizeof eth0->type);
    test_report(host_ovs_iface_role("br0", nic, eth0, globs, 2)
                == HOST_ROLE_TUNNEL, NULL, "a tunnel, even if a pattern "
                "names it");
    test_streq("internal", host_json_iface_role("xapi1", own, br0),
               "show calls a fake bridge's port internal");

    link = host_add_link(host, "tap1");
    link->kind = LINK_KIND_TUN;
    test_report(host_link_is_vif(link), NULL, "a tap device named tap*: vif");
    link = host_add_link(host, "tap5e0c6f1a-2b");
    test_report(host_link_is_vif(link), NULL, "OpenStack's tap name: vif");
    link = host_add_link(host, "qvo5e0c6f1a-2b");
    link->kind = LINK_KIND_VETH;
    test_report(host_link_is_vif(link), NULL, "OpenStack's qvo end: vif");
    link = host_add_link(host, "qvb5e0c6f1a-2b");
    link->kind = LINK_KIND_VETH;
    test_report(!host_link_is_vif(link), NULL, "OpenStack's qvb end, the "
                "uplink of its qbr bridge: not a vif");
    link = host_add_link(host, "tun0");
    link->kind = LINK_KIND_TUN;
    test_report(!host_link_is_vif(link), NULL, "a tun device named tun0: "
                "not a vif");

    test_report(host_tunnel_overhead(LINK_KIND_VXLAN, false, true) == 50
                && host_tunnel_overhead(LINK_KIND_GENEVE, true, false) == 70
                && host_tunnel_overhead(LINK_KIND_GRE, false, true) == 28
                && host_tunnel_overhead(LINK_KIND_GRETAP, true, false) == 58
                && host_tunnel_overhead(LINK_KIND_ETHER, true, true) == 0,
                NULL, "tunnel overheads");
    host_destroy(host);
}

int
main(void)
{
    test_classifier();
    test_plan_cases();
    return test_exit_status();
}
