/* Stage 5 of plan_compute(), the audit: facts about the host that hold
 * with or without a policy (ports of one bridge at different MTUs, a VIF
 * that differs from its bridge, requests vswitchd did not apply, stale OVS
 * interfaces, jumbo frames on a refused driver, tcp_mtu_probing off,
 * OVSDB out of reach).  Each is kept only if it still holds on the host
 * with the plan's steps applied (plan_simulate(), undone after): the others are
 * drift that the steps already fix and report.  See the comment at the top
 * of plan.c. */
#include "plan-internal.h"

#include <stdlib.h>
#include <string.h>

#include "guest-nic.h"
#include "util.h"

/* Adds PORT_MTU_MISMATCH for the 'kind' ("OVS" or "Linux") bridge 'bridge'
 * if 'differ': 'list' says which port is at which MTU. */
static void
audit_port_mtus(const struct planner *pl, struct finding_list *out,
                const char *kind, const char *bridge, const struct msg *list,
                bool differ)
{
    struct msg m = { .len = 0 };

    if (!differ) {
        return;
    }
    plan_msg_add(&m, "ports of %s bridge %s are at different MTUs (%s): a "
                 "bond or bridge carries only what its smallest port carries; "
                 "set them all to one MTU", kind, bridge, list->s);
    planner_add_finding(pl, out, FINDING_PORT_MTU_MISMATCH, SEVERITY_DRIFT,
                        bridge, planner_net_of_bridge(pl, bridge), &m);
}

/* Adds BRIDGE_ABOVE_PORTS if 'dev', the device of the 'kind' bridge
 * 'bridge' (a Linux bridge, or an OVS internal port that 'why' says is
 * pinned), is above 'min', the MTU of 'port', the smallest of the bridge's
 * uplinks: what the bridge's own device sends above 'min' is dropped on
 * the wire. */
static void
audit_bridge_above(const struct planner *pl, struct finding_list *out,
                   const char *dev, unsigned int mtu, const char *bridge,
                   const char *why, const char *port, unsigned int min)
{
    struct msg m = { .len = 0 };

    if (!min || mtu <= min) {
        return;
    }
    plan_msg_add(&m, "%s is at %u%s, above %s at %u, the smallest uplink of "
                 "bridge %s: the host's own frames above %u through %s are "
                 "dropped on the wire; bring %s down to %u (a policy "
                 "network with \"bridge\": \"%s\" does it), or raise the "
                 "uplinks of %s to %u", dev, mtu, why, port, min, bridge,
                 min, dev, dev, min, dev, bridge, mtu);
    planner_add_finding(pl, out, FINDING_BRIDGE_ABOVE_PORTS, SEVERITY_DRIFT,
                        dev, planner_net_of_bridge(pl, bridge), &m);
}

/* Adds VIF_MTU_MISMATCH if the VM interface 'vif' is not at 'bridge_mtu',
 * the MTU of its bridge 'bridge'. */
static void
audit_vif_mtu(const struct planner *pl, struct finding_list *out,
              const struct host_link *vif, const char *bridge,
              unsigned int bridge_mtu)
{
    struct msg m = { .len = 0 };
    unsigned int small = vif->mtu < bridge_mtu ? vif->mtu : bridge_mtu;

    if (vif->mtu == bridge_mtu) {
        return;
    }
    plan_msg_add(&m, "%s is at %u but its bridge %s is at %u: frames larger "
                 "than %u between this VM and the bridge are dropped; give "
                 "the VIF the bridge's MTU (a policy network for %s does it",
                 vif->name, vif->mtu, bridge, bridge_mtu, small, bridge);
    if (vif->kind == LINK_KIND_XEN_VIF) {
        plan_msg_add(&m, "; a Xen VIF also takes its network's MTU when it is "
                     "plugged again");
    }
    plan_msg_add(&m, ") and match the guest's MTU");
    planner_add_finding(pl, out, FINDING_VIF_MTU_MISMATCH, SEVERITY_DRIFT,
                        vif->name, planner_net_of_bridge(pl, bridge), &m);
}

/* Adds the findings on the OVS interface 'iface' of 'port' on 'bridge', of
 * network 'net': a request that vswitchd did not apply, a kernel MTU that
 * is not OVS's, no working device behind it. */
static void
audit_ovs_iface(const struct planner *pl, const struct host *host,
                struct finding_list *out, const char *bridge,
                const struct host_ovs_port *port,
                const struct host_ovs_iface *iface, size_t net)
{
    const struct host_link *link = host_find_link(host, iface->name);
    enum plan_ovs_stale stale = plan_host_ovs_stale(host, iface);
    struct msg m = { .len = 0 };

    /* A kernel MTU at the mtu_request with Interface.mtu behind it is
     * ovs-vswitchd's status not yet published (it lags the change by up to
     * seconds on a large bridge), not drift. */
    bool lagging = (iface->has_mtu_request && iface->has_mtu && link
                    && link->mtu == iface->mtu_request
                    && iface->mtu != link->mtu);

    if (iface->has_mtu_request && iface->has_mtu && !lagging
        && iface->mtu_request != iface->mtu) {
        plan_msg_add(&m, "%s has mtu_request %u but vswitchd reports MTU %u: "
                     "vswitchd did not apply it: look for 'failed to set MTU' "
                     "in ovs-vswitchd.log; ", iface->name, iface->mtu_request,
                     iface->mtu);
        if (link && link->max_mtu) {
            plan_msg_add(&m, "the device's max is %u", link->max_mtu);
        } else {
            plan_msg_add(&m, "the device's max is not known");
        }
        planner_add_finding(pl, out, FINDING_OVS_REQUEST_NOT_APPLIED,
                            SEVERITY_DRIFT, iface->name, net, &m);
        m.len = 0;
    }
    if (iface->has_mtu && link && link->mtu != iface->mtu && !lagging) {
        plan_msg_add(&m, "OVS reports MTU %u for %s but the kernel has %u: "
                     "something changed it outside OVS, and vswitchd may undo "
                     "that on its next reconfiguration; change it through "
                     "mtu_request", iface->mtu, iface->name, link->mtu);
        planner_add_finding(pl, out, FINDING_OVS_KERNEL_MISMATCH,
                            SEVERITY_DRIFT, iface->name, net, &m);
        m.len = 0;
    }
    if (stale == OVS_LIVE) {
        return;
    }
    if (stale == OVS_STALE_ERROR) {
        plan_msg_add(&m, "vswitchd could not set up %s", iface->name);
        if (iface->has_ofport && iface->ofport == -1) {
            plan_msg_add(&m, " (ofport -1)");
        }
        if (iface->error[0]) {
            plan_msg_add(&m, ": %s", iface->error);
        }
    } else {
        plan_msg_add(&m, "%s, ", iface->name);
        if (port->n_ifaces > 1) {
            plan_msg_add(&m, "an interface of bond %s on", port->name);
        } else {
            plan_msg_add(&m, "a port of");
        }
        plan_msg_add(&m, " bridge %s, is in OVSDB, but vswitchd reports no "
                     "MTU for it and the kernel has no such device, so it is "
                     "stale", bridge);
    }
    plan_msg_add(&m, "; jumboagent skips it, as a step on it could only fail; "
                 "if the device is gone for good (a removed NIC, the VIF of a "
                 "VM that crashed), remove the stale ");
    if (port->n_ifaces > 1) {
        plan_msg_add(&m, "interface from bond %s: ovs-vsctl del-bond-iface %s "
                     "%s", port->name, port->name, iface->name);
    } else {
        plan_msg_add(&m, "port: ovs-vsctl del-port %s %s", bridge, port->name);
    }
    if (stale == OVS_STALE_ERROR) {
        plan_msg_add(&m, "; otherwise look in ovs-vswitchd.log for why it "
                     "failed");
    }
    planner_add_finding(pl, out, FINDING_OVS_IFACE_ERROR, SEVERITY_DRIFT,
                        iface->name, net, &m);
}

/* The findings on the OVS bridges of 'host': on each interface, between
 * the ports of a bridge, and between a VIF and its (fake) bridge. */
static void
audit_ovs(const struct planner *pl, const struct host *host,
          struct finding_list *out)
{
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];
        struct msg list = { .len = 0 };
        unsigned int first = 0;
        bool differ = false;

        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];
            const struct host_ovs_port *fake
                = plan_host_fake_bridge_of(br, port);
            const char *bridge = fake ? fake->name : br->name;
            const struct host_link *internal = host_find_link(host, bridge);
            size_t net = planner_net_of_bridge(pl, bridge);
            const struct policy_network *pn = (net != NO_NET
                                               ? planner_net(pl, net) : NULL);

            for (size_t i = 0; i < port->n_ifaces; i++) {
                const struct host_ovs_iface *iface = &port->ifaces[i];
                const struct host_link *link;
                unsigned int mtu;

                audit_ovs_iface(pl, host, out, bridge, port, iface, net);
                link = host_find_link(host, iface->name);
                switch (plan_host_ovs_role(bridge, port, iface, pn)) {
                case HOST_ROLE_UPLINK:
                case HOST_ROLE_MEMBER:
                    mtu = link ? link->mtu : iface->has_mtu ? iface->mtu : 0;
                    if (mtu) {
                        plan_msg_add(&list, "%s%s %u", list.len ? ", " : "",
                                     iface->name, mtu);
                        differ = differ || (first && mtu != first);
                        first = first ? first : mtu;
                    }
                    break;
                case HOST_ROLE_VIF:
                    if (link && internal) {
                        audit_vif_mtu(pl, out, link, bridge, internal->mtu);
                    }
                    break;
                case HOST_ROLE_INTERNAL:
                case HOST_ROLE_VLAN:
                    if (iface->has_mtu_request && link) {
                        char up[HOST_NAME_SIZE] = "";
                        unsigned int min
                            = plan_host_uplinks_mtu(host, br, pn, up);

                        audit_bridge_above(pl, out, iface->name, link->mtu,
                                           br->name, " (pinned by "
                                           "mtu_request)", up, min);
                    }
                    break;
                case HOST_ROLE_TUNNEL:
                case HOST_ROLE_PATCH:
                case HOST_ROLE_MAX:
                    break;
                }
            }
        }
        audit_port_mtus(pl, out, "OVS", br->name, &list, differ);
    }
}

/* The findings on the Linux bridges of 'host': between the ports of a
 * bridge, and between a VIF and its bridge. */
static void
audit_linux_bridges(const struct planner *pl, const struct host *host,
                    struct finding_list *out)
{
    for (size_t b = 0; b < host->n_links; b++) {
        const struct host_link *br = &host->links[b];
        size_t net;
        const struct policy_network *pn;
        struct msg list = { .len = 0 };
        unsigned int first = 0;
        bool differ = false;

        if (br->kind != LINK_KIND_BRIDGE) {
            continue;
        }
        net = planner_net_of_bridge(pl, br->name);
        pn = net != NO_NET ? planner_net(pl, net) : NULL;
        const char *smallest = "";
        unsigned int min = 0;

        for (size_t i = 0; i < host->n_links; i++) {
            const struct host_link *link = &host->links[i];

            if (strcmp(link->master, br->name)) {
                continue;
            }
            if (host_link_is_vif(link) || plan_host_vif_glob(pn, link->name)) {
                audit_vif_mtu(pl, out, link, br->name, br->mtu);
            } else if (link->mtu) {
                plan_msg_add(&list, "%s%s %u", list.len ? ", " : "",
                             link->name, link->mtu);
                differ = differ || (first && link->mtu != first);
                first = first ? first : link->mtu;
                if (!min || link->mtu < min) {
                    min = link->mtu;
                    smallest = link->name;
                }
            }
        }
        audit_port_mtus(pl, out, "Linux", br->name, &list, differ);
        audit_bridge_above(pl, out, br->name, br->mtu, br->name, "", smallest,
                           min);
    }
}

/* Veth pairs between bridges (OpenStack's hybrid plug: qvb on a Linux
 * bridge, qvo on br-int): both ends must carry the same MTU, or what the
 * larger end takes is dropped at the smaller one.  A pair with an end on no
 * bridge is not compared: that end is a link of its own (a container's),
 * which the on-wire proof judges, not the audit. */
static void
audit_veth_pairs(const struct planner *pl, const struct host *host,
                 struct finding_list *out)
{
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *a = &host->links[i];
        const struct host_link *b;
        char abr[HOST_NAME_SIZE], bbr[HOST_NAME_SIZE];
        struct msg m = { .len = 0 };

        if (a->kind != LINK_KIND_VETH || !a->peer[0]
            || strcmp(a->name, a->peer) > 0) {
            continue;           /* Each pair once, from its smaller name. */
        }
        b = host_find_link(host, a->peer);
        if (!b || !a->mtu || !b->mtu || a->mtu == b->mtu) {
            continue;
        }
        plan_host_owning_bridge(host, a->name, abr, sizeof abr);
        plan_host_owning_bridge(host, b->name, bbr, sizeof bbr);
        if (!abr[0] || !bbr[0]) {
            continue;           /* Not between bridges: a link of its own
                                 * (a container's, a lab's switch side). */
        }
        plan_msg_add(&m, "the two ends of veth pair %s/%s differ: %s%s%s is "
                     "at %u and %s%s%s at %u, so frames above %u are dropped "
                     "between them; give both ends, and the bridges they "
                     "join, one MTU (a policy network for each side does it)",
                     a->name, b->name, a->name, abr[0] ? " on " : "", abr,
                     a->mtu, b->name, bbr[0] ? " on " : "", bbr, b->mtu,
                     a->mtu < b->mtu ? a->mtu : b->mtu);
        planner_add_finding(pl, out, FINDING_PORT_MTU_MISMATCH,
                            SEVERITY_DRIFT, a->name,
                            planner_net_of_bridge(pl, abr), &m);
    }
}

/* Jumbo frames already on a link whose driver the table refuses. */
static void
audit_drivers(const struct planner *pl, const struct host *host,
              struct finding_list *out)
{
    for (size_t i = 0; pl->drivers && i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];
        const struct policy_override *o;
        struct driver_judgement j;
        char bridge[HOST_NAME_SIZE];
        struct msg m = { .len = 0 };

        if (link->mtu <= STD_MTU || !link->driver[0]
            || host_link_is_vif(link) || link->kind == LINK_KIND_BRIDGE
            || link->kind == LINK_KIND_OPENVSWITCH) {
            continue;
        }
        driver_table_judge(pl->drivers, link->driver, link->has_pci,
                           link->pci_vendor, link->pci_device,
                           host->xen_dom0, &j);
        if (!j.known || j.verdict != DRIVER_REFUSE) {
            continue;
        }
        o = pl->policy ? policy_find_override(pl->policy, link->name) : NULL;
        if (o && o->allow_driver && !strcmp(o->allow_driver, link->driver)) {
            continue;
        }
        plan_msg_add_link(&m, link);
        plan_msg_add(&m, " is at %u, but the driver table refuses jumbo "
                     "frames on it (", link->mtu);
        plan_msg_add_rule(&m, &j);
        plan_msg_add(&m, "): lower it to %u (a policy network at %u does it), "
                     "or, if the vendor approves jumbo frames on this NIC, "
                     "add a policy override for %s with \"allow_driver\": "
                     "\"%s\"", STD_MTU, STD_MTU, link->name, link->driver);
        plan_host_owning_bridge(host, link->name, bridge, sizeof bridge);
        planner_add_finding(pl, out, FINDING_REFUSED_DRIVER_JUMBO,
                            SEVERITY_REFUSED, link->name,
                            planner_net_of_bridge(pl, bridge), &m);
    }
}

/* Adds GUEST_NIC_MTU for each tap of 'host' whose VM's NIC model (libvirt;
 * the limits are guest-nic.c's) cannot use the MTU of the tap's network: the policy network's MTU when
 * its bridge is one, else the tap's own.  A warning (drift), never a
 * refusal: the other VMs of the network are not held back, and the tap
 * still gets its bridge's MTU. */
static void
audit_guest_nics(const struct planner *pl, const struct host *host,
                 struct finding_list *out)
{
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];
        const struct guest_nic_limit *limit = guest_nic_limit(link->nic_model);
        char bridge[HOST_NAME_SIZE];
        struct msg m = { .len = 0 };
        unsigned int mtu = link->mtu;
        size_t net;

        if (!limit) {
            continue;
        }
        plan_host_owning_bridge(host, link->name, bridge, sizeof bridge);
        net = planner_net_of_bridge(pl, bridge);
        if (net != NO_NET && planner_net(pl, net)->mtu > mtu) {
            mtu = planner_net(pl, net)->mtu;
        }
        if (mtu <= limit->max_mtu) {
            continue;
        }
        plan_msg_add(&m, "VM %s has NIC model %s on %s", link->vm_name[0]
                     ? link->vm_name : "(name unknown)", limit->model,
                     link->name);
        if (bridge[0]) {
            plan_msg_add(&m, " (bridge %s)", bridge);
        }
        plan_msg_add(&m, ", which cannot use the MTU %u there: %s; the "
                     "guest cannot send or take frames that large, so "
                     "switch the VM's "
                     "interface to <model type='virtio'/> (virsh edit; it "
                     "takes effect when the VM is restarted)", mtu,
                     limit->why);
        planner_add_finding(pl, out, FINDING_GUEST_NIC_MTU, SEVERITY_DRIFT,
                            link->name, net, &m);
    }
}

/* The findings on 'host' as a whole: tcp_mtu_probing off with jumbo
 * frames, OVSDB out of reach. */
static void
audit_host_wide(const struct planner *pl, const struct host *host,
                struct finding_list *out)
{
    struct msg m = { .len = 0 };

    if (host->sysctls.tcp_mtu_probing == 0) {
        struct msg jumbo = { .len = 0 };
        size_t n = 0;

        for (size_t i = 0; i < host->n_links; i++) {
            const struct host_link *link = &host->links[i];

            if (link->kind != LINK_KIND_LOOPBACK && link->mtu > STD_MTU) {
                if (n < 4) {
                    plan_msg_add(&jumbo, "%s%s at %u", n ? ", " : "",
                                 link->name, link->mtu);
                }
                n++;
            }
        }
        if (n > 4) {
            plan_msg_add(&jumbo, " and %zu more", n - 4);
        }
        for (size_t i = 0; pl->policy && i < pl->policy->n_networks; i++) {
            const struct policy_network *pn = planner_net(pl, i);

            if (pn->mtu > STD_MTU) {
                plan_msg_add(&jumbo, "%snetwork %s at %u",
                             jumbo.len ? ", " : "", pn->name, pn->mtu);
                n++;
            }
        }
        if (n) {
            plan_msg_add(&m, "net.ipv4.tcp_mtu_probing is 0 while this host "
                         "uses jumbo frames (%s): set "
                         "net.ipv4.tcp_mtu_probing=1 so that TCP recovers "
                         "where ICMP need-frag is filtered, instead of "
                         "stalling on a smaller hop", jumbo.s);
            planner_add_finding(pl, out, FINDING_TCP_MTU_PROBING,
                                SEVERITY_INFO, "", NO_NET, &m);
            m.len = 0;
        }
    }

    if (!host->ovs_reachable && host->ovs_error[0]) {
        plan_msg_add(&m, "OVSDB");
        if (host->ovs_remote[0]) {
            plan_msg_add(&m, " at %s", host->ovs_remote);
        }
        plan_msg_add(&m, " could not be read, so OVS bridges, ports and "
                     "mtu_request were not checked (on a host without Open "
                     "vSwitch, ignore this): %s", host->ovs_error);
        planner_add_finding(pl, out, FINDING_OVS_UNREACHABLE, SEVERITY_INFO,
                            "", NO_NET, &m);
    }
}

/* Adds to 'out' every finding of the audit on 'host'. */
static void
audit_host(const struct planner *pl, const struct host *host,
           struct finding_list *out)
{
    audit_ovs(pl, host, out);
    audit_linux_bridges(pl, host, out);
    audit_veth_pairs(pl, host, out);
    audit_drivers(pl, host, out);
    audit_guest_nics(pl, host, out);
    audit_host_wide(pl, host, out);
}

/* True if 'list' has a finding of 'kind' on 'ifname' in network 'net'. */
static bool
finding_list_has(const struct finding_list *list, enum finding_kind kind,
                 const char *ifname, size_t net)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct pending_finding *pf = &list->items[i];

        if (pf->f.kind == kind && pf->net == net
            && !strcmp(pf->f.ifname, ifname)) {
            return true;
        }
    }
    return false;
}

/* What plan_simulate() changes on one interface, saved so that
 * undo_simulation() can put it back. */
struct saved_mtus {
    struct host_link *link;         /* NULL if the step has no link. */
    unsigned int link_mtu;
    enum lro_state lro;
    struct host_ovs_iface *iface;   /* NULL if the step has no OVS
                                     * interface. */
    bool has_mtu_request;
    unsigned int mtu_request;
    bool has_mtu;
    unsigned int mtu;
};

/* Saves in a new array, which the caller must free, what plan_simulate()
 * of 'plan' changes on 'host': one entry per step, in the steps' order. */
static struct saved_mtus *
save_simulated(const struct plan *plan, struct host *host)
{
    struct saved_mtus *saved = xzalloc((plan->n_steps ? plan->n_steps : 1)
                                       * sizeof *saved);

    for (size_t i = 0; i < plan->n_steps; i++) {
        const char *name = plan->steps[i].ifname;
        struct saved_mtus *sv = &saved[i];

        sv->link = host_find_link_mutable(host, name);
        if (sv->link) {
            sv->link_mtu = sv->link->mtu;
            sv->lro = sv->link->lro;
        }
        sv->iface = (struct host_ovs_iface *) host_find_ovs_iface(host, name,
                                                                 NULL, NULL);
        if (sv->iface) {
            sv->has_mtu_request = sv->iface->has_mtu_request;
            sv->mtu_request = sv->iface->mtu_request;
            sv->has_mtu = sv->iface->has_mtu;
            sv->mtu = sv->iface->mtu;
        }
    }
    return saved;
}

/* Puts back the 'n' values of 'saved' (save_simulated(), all taken before
 * plan_simulate(), so that a name with two steps gets its own value back
 * whatever the order). */
static void
undo_simulation(const struct saved_mtus *saved, size_t n)
{
    while (n--) {
        const struct saved_mtus *sv = &saved[n];

        if (sv->link) {
            sv->link->mtu = sv->link_mtu;
            sv->link->lro = sv->lro;
        }
        if (sv->iface) {
            sv->iface->has_mtu_request = sv->has_mtu_request;
            sv->iface->mtu_request = sv->mtu_request;
            sv->iface->has_mtu = sv->has_mtu;
            sv->iface->mtu = sv->mtu;
        }
    }
}

/* The audit of the host as 'plan' leaves it runs on the planner's own
 * host, changed in place by plan_simulate() and put back right after:
 * a copy of the host (at N=2000 taps, 3.7 MB) was the largest item of an
 * apply's peak memory.  Only the MTU and LRO fields that plan_simulate()
 * sets change, so the host's look-up indexes stay valid. */
void
plan_audit_findings(struct planner *pl, const struct plan *plan)
{
    struct finding_list before = { .n = 0 }, after = { .n = 0 };
    struct host *host = (struct host *) pl->host;
    struct saved_mtus *saved;

    audit_host(pl, host, &before);
    saved = save_simulated(plan, host);
    plan_simulate(plan, host);
    audit_host(pl, host, &after);
    undo_simulation(saved, plan->n_steps);
    free(saved);
    for (size_t i = 0; i < before.n; i++) {
        const struct pending_finding *pf = &before.items[i];

        if (!finding_list_has(&after, pf->f.kind, pf->f.ifname, pf->net)) {
            continue;
        }
        if (pf->f.kind == FINDING_VIF_MTU_MISMATCH
            && finding_list_has(&pl->findings, FINDING_POLICY_DRIFT,
                                pf->f.ifname, pf->net)) {
            continue;
        }
        grow_array((void **) &pl->findings.items, &pl->findings.allocated,
                   pl->findings.n + 1, sizeof *pl->findings.items);
        pl->findings.items[pl->findings.n++] = *pf;
    }
    free(before.items);
    free(after.items);
}
