/* The planner's words: the message builder that every finding and step
 * reason is written with, the networks of the policy by index, and the
 * list of findings.  Below every stage of plan_compute(); it calls none of
 * them.  See plan-internal.h. */
#include "plan-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Messages. */

void
plan_msg_add(struct msg *m, const char *fmt, ...)
{
    va_list args;
    int n;

    if (m->len >= sizeof m->s - 1) {
        return;
    }
    va_start(args, fmt);
    n = vsnprintf(m->s + m->len, sizeof m->s - m->len, fmt, args);
    va_end(args);
    if (n > 0) {
        m->len += (size_t) n;
        if (m->len > sizeof m->s - 1) {
            m->len = sizeof m->s - 1;
        }
    }
}

void
plan_msg_add_link(struct msg *m, const struct host_link *link)
{
    plan_msg_add(m, "%s (driver %s, ", link->name,
                 link->driver[0] ? link->driver : "unknown");
    if (link->has_pci) {
        plan_msg_add(m, "PCI %04x:%04x)", link->pci_vendor, link->pci_device);
    } else {
        plan_msg_add(m, "no PCI id)");
    }
}

void
plan_msg_add_rule(struct msg *m, const struct driver_judgement *j)
{
    plan_msg_add(m, "rule '%s'", j->rule ? j->rule : "");
    if (j->reason && j->reason[0]) {
        int len = (int) strlen(j->reason);

        /* The reason is a sentence; drop its full stop inside ours. */
        plan_msg_add(m, ": %.*s", len - (j->reason[len - 1] == '.'),
                     j->reason);
    }
    if (j->source && j->source[0]) {
        plan_msg_add(m, "; source: %s", j->source);
    }
}

/* Networks and findings. */

const struct policy_network *
planner_net(const struct planner *pl, size_t net)
{
    return &pl->policy->networks[net];
}

const char *
planner_net_name(const struct planner *pl, size_t net)
{
    return net == NO_NET ? "" : planner_net(pl, net)->name;
}

size_t
planner_net_of_bridge(const struct planner *pl, const char *bridge)
{
    size_t i = (pl->policy && bridge[0]
                ? name_index_find(pl->bridge_index, bridge)
                : NAME_INDEX_NONE);

    return i == NAME_INDEX_NONE ? NO_NET : i;
}

void
planner_add_finding(const struct planner *pl, struct finding_list *list,
                    enum finding_kind kind, enum finding_severity severity,
                    const char *ifname, size_t net, const struct msg *m)
{
    struct pending_finding *pf;

    grow_array((void **) &list->items, &list->allocated, list->n + 1,
               sizeof *list->items);
    pf = &list->items[list->n++];
    pf->net = net;
    pf->f.kind = kind;
    pf->f.severity = severity;
    copy_string(pf->f.ifname, ifname, sizeof pf->f.ifname);
    copy_string(pf->f.network, planner_net_name(pl, net),
                sizeof pf->f.network);
    copy_string(pf->f.message, m->s, sizeof pf->f.message);
}

void
planner_refuse(struct planner *pl, enum finding_kind kind, const char *ifname,
               size_t net, const struct msg *m)
{
    pl->refused[net] = true;
    planner_add_finding(pl, &pl->findings, kind, SEVERITY_REFUSED, ifname,
                        net, m);
}
