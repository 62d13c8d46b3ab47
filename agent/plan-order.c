/* Stage 4 of plan_compute(), ordering: lowering steps first (upper devices
 * first), then raising steps (lower devices first), with the host's
 * lower/bond links as hard constraints of a stable topological sort in
 * which all OVS steps are one block, because apply.c makes them in one
 * transaction.  A link step that would have to sit inside that block
 * refuses the networks around it (plan_order_refuse_conflicts()), and
 * plan_compute() plans the steps again.  LRO steps come before all of
 * them.  See the comment at the top of plan.c. */
#include "plan-internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The order before dependencies: phase, role rank, network, name. */
static int
pending_step_cmp(const void *a_, const void *b_)
{
    const struct pending_step *a = a_;
    const struct pending_step *b = b_;

    if (a->phase != b->phase) {
        return a->phase < b->phase ? -1 : 1;
    }
    if (a->rank != b->rank) {
        return a->rank < b->rank ? -1 : 1;
    }
    if (a->net != b->net) {
        return a->net < b->net ? -1 : 1;
    }
    return strcmp(a->s.ifname, b->s.ifname);
}

/* True if, when raising, 'a' must come before 'b': 'a' is the lower device
 * of 'b', a slave of the bond or team 'b', a port of the Linux bridge 'b'
 * (a VLAN or tunnel port too, which the role order alone would put after
 * the bridge), the Linux bridge of the VM interface 'b', or in the underlay
 * network of the overlay network of 'b'. */
static bool
raise_before(const struct planner *pl, const struct pending_step *a,
             const struct pending_step *b)
{
    if (b->link && !strcmp(b->link->lower, a->s.ifname)) {
        return true;
    }
    if (a->link && b->link && !strcmp(a->link->master, b->s.ifname)
        && (plan_host_is_bond(b->link)
            || (b->link->kind == LINK_KIND_BRIDGE
                && a->s.role != ROLE_VIF))) {
        return true;
    }
    if (a->link && b->link && !strcmp(b->link->master, a->s.ifname)
        && a->link->kind == LINK_KIND_BRIDGE && b->s.role == ROLE_VIF) {
        return true;
    }
    if (a->net != NO_NET && b->net != NO_NET && a->net != b->net) {
        const struct policy_network *bn = planner_net(pl, b->net);

        return (bn->has_overlay && bn->overlay.underlay
                && !strcmp(bn->overlay.underlay,
                           planner_net(pl, a->net)->name));
    }
    return false;
}

/* True if step 'a' must come before step 'b': raise_before() when
 * raising, the reverse when lowering, never for LRO steps. */
static bool
must_precede(const struct planner *pl, const struct pending_step *a,
             const struct pending_step *b)
{
    if (a->phase != b->phase || a->phase == 0) {
        return false;
    }
    return a->phase == 2 ? raise_before(pl, a, b) : raise_before(pl, b, a);
}

/* True if 'ps' is an OVS step.  apply.c commits all of them in one OVSDB
 * transaction, at the position of the first. */
static bool
is_ovs_step(const struct pending_step *ps)
{
    return ps->s.action == PLAN_SET_MTU_REQUEST;
}

/* Sorts the steps by phase, role, network and name.  Returns the matrix
 * 'before', n x n for the n steps, in which before[a * n + b] says that
 * step 'a' must come before step 'b'.  The caller must free it. */
static bool *
sort_steps(struct planner *pl)
{
    size_t n = pl->n_steps;
    bool *before;

    if (n) {
        qsort(pl->steps, n, sizeof *pl->steps, pending_step_cmp);
    }
    before = xzalloc(n * n * sizeof *before);
    for (size_t a = 0; a < n; a++) {
        for (size_t b = 0; b < n; b++) {
            if (a != b && must_precede(pl, &pl->steps[a], &pl->steps[b])) {
                before[a * n + b] = true;
            }
        }
    }
    return before;
}

/* For each of the 'n' steps, stores in 'origin' an OVS step from which a
 * path of 'before' edges leads to it (if 'forward') or to which one leads
 * from it (if not), the nearest one, or SIZE_MAX if there is none.  An OVS
 * step is its own origin. */
static void
reach_ovs(const struct pending_step *steps, size_t n, const bool *before,
          bool forward, size_t *origin)
{
    size_t *queue = xzalloc(n * sizeof *queue);
    size_t head = 0, tail = 0;

    for (size_t i = 0; i < n; i++) {
        origin[i] = SIZE_MAX;
        if (is_ovs_step(&steps[i])) {
            origin[i] = i;
            queue[tail++] = i;
        }
    }
    while (head < tail) {
        size_t i = queue[head++];

        for (size_t j = 0; j < n; j++) {
            bool edge = forward ? before[i * n + j] : before[j * n + i];

            if (edge && origin[j] == SIZE_MAX) {
                origin[j] = origin[i];
                queue[tail++] = j;
            }
        }
    }
    free(queue);
}

/* Writes "networks a and b" or "network a" for the distinct networks among
 * the 'n' in 'nets' (NO_NET entries ignored), in policy order. */
static void
msg_add_networks(struct msg *m, const struct planner *pl, const size_t *nets,
                 size_t n)
{
    size_t listed = 0, total = 0;

    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        for (size_t i = 0; i < n; i++) {
            if (nets[i] == net) {
                total++;
                break;
            }
        }
    }
    plan_msg_add(m, "network%s ", total == 1 ? "" : "s");
    for (size_t net = 0; net < pl->policy->n_networks; net++) {
        for (size_t i = 0; i < n; i++) {
            if (nets[i] == net) {
                listed++;
                plan_msg_add(m, "%s%s", (listed == 1 ? ""
                                         : listed == total ? " and " : ", "),
                             planner_net_name(pl, net));
                break;
            }
        }
    }
}

/* Writes the command that makes step 's' by hand. */
static void
msg_add_command(struct msg *m, const struct plan_step *s)
{
    if (s->action == PLAN_SET_MTU_REQUEST) {
        plan_msg_add(m, "ovs-vsctl set Interface %s mtu_request=%u", s->ifname,
                     s->to_mtu);
    } else {
        plan_msg_add(m, "ip link set dev %s mtu %u", s->ifname, s->to_mtu);
    }
}

/* True if one of the 'n' networks in 'nets' (NO_NET entries ignored) is not
 * refused yet. */
static bool
refuses_more(const struct planner *pl, const size_t *nets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (nets[i] != NO_NET && !pl->refused[nets[i]]) {
            return true;
        }
    }
    return false;
}

bool
plan_order_refuse_conflicts(struct planner *pl)
{
    size_t n = pl->n_steps;
    bool *before = sort_steps(pl);
    size_t *after_ovs = xzalloc(n * sizeof *after_ovs);
    size_t *before_ovs = xzalloc(n * sizeof *before_ovs);
    bool any = false;

    reach_ovs(pl->steps, n, before, true, after_ovs);
    reach_ovs(pl->steps, n, before, false, before_ovs);
    for (size_t i = 0; i < n; i++) {
        const struct pending_step *l = &pl->steps[i];
        const struct pending_step *x, *y;
        size_t nets[3];
        struct msg m = { .len = 0 };

        if (is_ovs_step(l) || after_ovs[i] == SIZE_MAX
            || before_ovs[i] == SIZE_MAX) {
            continue;
        }
        x = &pl->steps[after_ovs[i]];
        y = &pl->steps[before_ovs[i]];
        nets[0] = l->net;
        nets[1] = x->net;
        nets[2] = y->net;
        if (!refuses_more(pl, nets, ARRAY_SIZE(nets))) {
            continue;
        }
        plan_msg_add(&m, "%s must change after %s and before %s (it is "
                     "stacked between them), but OVS applies all its changes "
                     "at once, in one transaction, so no order of the steps "
                     "is safe; ", l->s.ifname, x->s.ifname, y->s.ifname);
        msg_add_networks(&m, pl, nets, ARRAY_SIZE(nets));
        plan_msg_add(&m, " get%s no steps; make these two changes by hand, in "
                     "this order, then run jumboagent again: ",
                     (l->net == x->net && l->net == y->net) ? "s" : "");
        msg_add_command(&m, &x->s);
        plan_msg_add(&m, ", then ");
        msg_add_command(&m, &l->s);
        planner_add_finding(pl, &pl->findings, FINDING_REFUSED,
                            SEVERITY_REFUSED, l->s.ifname, l->net, &m);
        for (size_t k = 0; k < ARRAY_SIZE(nets); k++) {
            if (nets[k] != NO_NET) {
                pl->refused[nets[k]] = true;
            }
        }
        any = true;
    }
    free(before);
    free(after_ovs);
    free(before_ovs);
    return any;
}

/* Names the steps not placed yet ('done' false) in 'err' and returns
 * -ELOOP. */
static int
order_loop_error(const struct planner *pl, const bool *done,
                 struct error *err)
{
    struct msg m = { .len = 0 };

    for (size_t i = 0; i < pl->n_steps; i++) {
        if (!done[i]) {
            plan_msg_add(&m, "%s%s", m.len ? ", " : "", pl->steps[i].s.ifname);
        }
    }
    return error_set(err, -ELOOP, "cannot order the MTU changes of %s: they "
                     "depend on each other in a loop; check the host model "
                     "(jumboagent show) for devices stacked on each other",
                     m.s);
}

/* Appends the OVS steps to 'plan', in an order that keeps the 'before'
 * edges between them (apply.c makes them at once; the order is for the
 * reader), and marks them 'done'.  Returns 0 or -ELOOP. */
static int
emit_ovs_block(const struct planner *pl, const bool *before, bool *done,
               struct plan *plan, struct error *err)
{
    size_t n = pl->n_steps;
    size_t *indegree = xzalloc(n * sizeof *indegree);
    int error = 0;

    for (size_t a = 0; a < n; a++) {
        for (size_t b = 0; b < n; b++) {
            indegree[b] += (before[a * n + b] && is_ovs_step(&pl->steps[a])
                            && is_ovs_step(&pl->steps[b]));
        }
    }
    for (;;) {
        size_t next = SIZE_MAX;
        bool left = false;

        for (size_t i = 0; i < n && next == SIZE_MAX; i++) {
            if (!done[i] && is_ovs_step(&pl->steps[i])) {
                left = true;
                next = indegree[i] ? SIZE_MAX : i;
            }
        }
        if (next == SIZE_MAX) {
            error = left ? order_loop_error(pl, done, err) : 0;
            break;
        }
        done[next] = true;
        plan->steps[plan->n_steps++] = pl->steps[next].s;
        for (size_t b = 0; b < n; b++) {
            indegree[b] -= before[next * n + b] && is_ovs_step(&pl->steps[b]);
        }
    }
    free(indegree);
    return error;
}

int
plan_order_steps(struct planner *pl, struct plan *plan, struct error *err)
{
    size_t n = pl->n_steps;
    size_t block = SIZE_MAX;    /* The first OVS step stands for all. */
    bool *before, *done;
    size_t *indegree, *rep;
    int error = 0;

    plan->steps = xzalloc(n * sizeof *plan->steps);
    plan->n_steps = 0;
    if (!n) {
        return 0;
    }
    before = sort_steps(pl);
    done = xzalloc(n * sizeof *done);
    indegree = xzalloc(n * sizeof *indegree);
    rep = xzalloc(n * sizeof *rep);
    for (size_t i = 0; i < n; i++) {
        if (is_ovs_step(&pl->steps[i]) && block == SIZE_MAX) {
            block = i;
        }
        rep[i] = is_ovs_step(&pl->steps[i]) ? block : i;
    }
    for (size_t a = 0; a < n; a++) {
        for (size_t b = 0; b < n; b++) {
            indegree[rep[b]] += before[a * n + b] && rep[a] != rep[b];
        }
    }

    while (plan->n_steps < n && !error) {
        size_t next = SIZE_MAX;

        for (size_t i = 0; i < n && next == SIZE_MAX; i++) {
            if (!done[i] && rep[i] == i && !indegree[i]) {
                next = i;
            }
        }
        if (next == SIZE_MAX) {
            error = order_loop_error(pl, done, err);
            break;
        }
        if (next == block) {
            error = emit_ovs_block(pl, before, done, plan, err);
        } else {
            done[next] = true;
            plan->steps[plan->n_steps++] = pl->steps[next].s;
        }
        /* Release what waited for the steps just placed. */
        for (size_t a = 0; a < n; a++) {
            if (rep[a] != next || !done[a]) {
                continue;
            }
            for (size_t b = 0; b < n; b++) {
                if (before[a * n + b] && rep[b] != next) {
                    indegree[rep[b]]--;
                }
            }
        }
    }
    free(before);
    free(done);
    free(indegree);
    free(rep);
    return error;
}
