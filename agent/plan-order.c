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

#include "name-index.h"
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

/* The dependencies between the steps, as a graph in linear space.
 *
 * Step a must come before step b of the same phase (1 or 2) if one is
 * the lower device, a slave, a bridge port or the VM interface of the
 * other (explicit edges, found by name), or if their networks are an
 * overlay and its underlay: then every step of the one network precedes
 * every step of the other.
 * Those pairs could be quadratic in number, so they stay as edges between
 * groups (the steps of one network in one phase), which the sort and the
 * search release group by group. */
struct order_graph {
    size_t n;                   /* Steps. */
    size_t *out_start, *out;    /* out[out_start[a]...out_start[a + 1]]:
                                 * the steps after 'a', ascending. */
    size_t *in_start, *in;      /* Likewise, the steps before each step. */

    size_t n_groups;            /* 2 per policy network: phases 1 and 2. */
    size_t *group_of;           /* Per step: its group, or SIZE_MAX. */
    size_t *member_start, *members;     /* Steps of each group, ascending. */
    size_t *dst_start, *dsts;   /* Groups whose steps all come after all
                                 * the steps of each group. */
    size_t *src_start, *srcs;   /* The reverse of 'dsts'. */
};

/* An edge: step (or group) 'from' precedes 'to'. */
struct order_edge {
    size_t from, to;
};

static int
order_edge_cmp(const void *a_, const void *b_)
{
    const struct order_edge *a = a_;
    const struct order_edge *b = b_;

    if (a->from != b->from) {
        return a->from < b->from ? -1 : 1;
    }
    return a->to < b->to ? -1 : a->to > b->to;
}

/* A growable array of edges. */
struct edge_list {
    struct order_edge *items;
    size_t n, allocated;
};

static void
edge_list_add(struct edge_list *list, size_t from, size_t to)
{
    grow_array((void **) &list->items, &list->allocated, list->n + 1,
               sizeof *list->items);
    list->items[list->n].from = from;
    list->items[list->n].to = to;
    list->n++;
}

/* Builds from the 'n_edges' 'edges' among 'n' nodes the lists
 * '*startp'/'*adjp' of the nodes after each node (if 'forward') or before
 * it, each list ascending.  Sorts 'edges'. */
static void
edges_to_lists(struct order_edge *edges, size_t n_edges, size_t n,
               bool forward, size_t **startp, size_t **adjp)
{
    size_t *start = xzalloc((n + 1) * sizeof *start);
    size_t *adj = xzalloc((n_edges ? n_edges : 1) * sizeof *adj);

    for (size_t e = 0; e < n_edges; e++) {
        if (!forward) {
            size_t t = edges[e].from;

            edges[e].from = edges[e].to;
            edges[e].to = t;
        }
    }
    if (n_edges) {
        qsort(edges, n_edges, sizeof *edges, order_edge_cmp);
    }
    for (size_t e = 0; e < n_edges; e++) {
        start[edges[e].from + 1]++;
        adj[e] = edges[e].to;
    }
    for (size_t i = 0; i < n; i++) {
        start[i + 1] += start[i];
    }
    for (size_t e = 0; e < n_edges; e++) {
        if (!forward) {
            size_t t = edges[e].from;

            edges[e].from = edges[e].to;
            edges[e].to = t;
        }
    }
    *startp = start;
    *adjp = adj;
}

/* Step indexes sorted by phase, then name, for the look-ups by name. */
struct step_names {
    const struct pending_step *steps;
    size_t *sorted;
    size_t n;
};

/* The steps that by_phase_name_cmp() sorts the indexes of (C11's qsort()
 * passes no context; the planner runs in one thread). */
static const struct pending_step *cmp_steps;

/* Orders step indexes by phase, then name, then index. */
static int
by_phase_name_cmp(const void *a_, const void *b_)
{
    const struct pending_step *a = &cmp_steps[*(const size_t *) a_];
    const struct pending_step *b = &cmp_steps[*(const size_t *) b_];
    int c;

    if (a->phase != b->phase) {
        return a->phase < b->phase ? -1 : 1;
    }
    c = strcmp(a->s.ifname, b->s.ifname);
    if (c) {
        return c;
    }
    return (*(const size_t *) a_ < *(const size_t *) b_ ? -1
            : *(const size_t *) a_ > *(const size_t *) b_);
}

/* Stores in '*lo' and '*hi' the range of 'names->sorted' that holds the
 * steps of 'phase' named 'name'. */
static void
step_names_find(const struct step_names *names, int phase, const char *name,
                size_t *lo, size_t *hi)
{
    size_t a = 0, b = names->n;

    while (a < b) {
        size_t mid = a + (b - a) / 2;
        const struct pending_step *s = &names->steps[names->sorted[mid]];

        if (s->phase < phase
            || (s->phase == phase && strcmp(s->s.ifname, name) < 0)) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    *lo = a;
    while (a < names->n) {
        const struct pending_step *s = &names->steps[names->sorted[a]];

        if (s->phase != phase || strcmp(s->s.ifname, name)) {
            break;
        }
        a++;
    }
    *hi = a;
}

/* Adds to 'edges' the edge that raise_before('x', 'y') makes: 'x' first
 * when raising, 'y' first when lowering. */
static void
add_raise_edge(struct edge_list *edges, const struct pending_step *steps,
               size_t x, size_t y)
{
    if (x == y) {
        return;
    }
    if (steps[x].phase == 2) {
        edge_list_add(edges, x, y);
    } else {
        edge_list_add(edges, y, x);
    }
}

/* Adds to 'edges' the explicit edges of the steps of 'pl': when raising,
 * 'a' comes before 'b' if 'a' is the lower device of 'b', a slave of the
 * bond or team 'b', a port of the Linux bridge 'b' (a VLAN or tunnel port
 * too, which the role order alone would put after the bridge), or the
 * Linux bridge of the VM interface 'b'; when lowering, the reverse.  LRO
 * steps (phase 0) have none. */
static void
add_explicit_edges(const struct planner *pl, struct edge_list *edges)
{
    const struct pending_step *steps = pl->steps;
    struct step_names names = { .steps = steps, .n = pl->n_steps };

    names.sorted = xzalloc((names.n ? names.n : 1) * sizeof *names.sorted);
    for (size_t i = 0; i < names.n; i++) {
        names.sorted[i] = i;
    }
    cmp_steps = steps;
    if (names.n) {
        qsort(names.sorted, names.n, sizeof *names.sorted, by_phase_name_cmp);
    }
    for (size_t i = 0; i < names.n; i++) {
        const struct pending_step *s = &steps[i];
        const struct host_link *link = s->link;
        size_t lo, hi;

        if (s->phase == 0 || !link) {
            continue;
        }
        if (link->lower[0]) {
            step_names_find(&names, s->phase, link->lower, &lo, &hi);
            for (size_t k = lo; k < hi; k++) {
                add_raise_edge(edges, steps, names.sorted[k], i);
            }
        }
        if (!link->master[0]) {
            continue;
        }
        step_names_find(&names, s->phase, link->master, &lo, &hi);
        for (size_t k = lo; k < hi; k++) {
            const struct pending_step *m = &steps[names.sorted[k]];

            if (m->link
                && (plan_host_is_bond(m->link)
                    || (m->link->kind == LINK_KIND_BRIDGE
                        && s->s.role != ROLE_VIF))) {
                add_raise_edge(edges, steps, i, names.sorted[k]);
            }
            if (m->link && m->link->kind == LINK_KIND_BRIDGE
                && s->s.role == ROLE_VIF) {
                add_raise_edge(edges, steps, names.sorted[k], i);
            }
        }
    }
    free(names.sorted);
}

/* Builds the groups of 'g' from the steps of 'pl': when raising, every
 * step in the underlay network of an overlay network comes before every
 * step of the overlay network; when lowering, after. */
static void
build_groups(const struct planner *pl, struct order_graph *g)
{
    size_t n_nets = pl->policy ? pl->policy->n_networks : 0;
    struct edge_list gedges = { .items = NULL };
    struct name_index *by_name = name_index_create();
    size_t *count;

    g->n_groups = 2 * n_nets;
    g->group_of = xzalloc((g->n ? g->n : 1) * sizeof *g->group_of);
    g->member_start = xzalloc((g->n_groups + 1) * sizeof *g->member_start);
    g->members = xzalloc((g->n ? g->n : 1) * sizeof *g->members);
    for (size_t i = 0; i < g->n; i++) {
        const struct pending_step *s = &pl->steps[i];

        g->group_of[i] = ((s->phase == 1 || s->phase == 2)
                          && s->net != NO_NET
                          ? (size_t) (s->phase - 1) * n_nets + s->net
                          : SIZE_MAX);
        if (g->group_of[i] != SIZE_MAX) {
            g->member_start[g->group_of[i] + 1]++;
        }
    }
    for (size_t k = 0; k < g->n_groups; k++) {
        g->member_start[k + 1] += g->member_start[k];
    }
    count = xzalloc((g->n_groups ? g->n_groups : 1) * sizeof *count);
    for (size_t i = 0; i < g->n; i++) {
        size_t k = g->group_of[i];

        if (k != SIZE_MAX) {
            g->members[g->member_start[k] + count[k]++] = i;
        }
    }
    free(count);

    for (size_t net = 0; net < n_nets; net++) {
        name_index_add(by_name, planner_net(pl, net)->name, net);
    }
    for (size_t net = 0; net < n_nets; net++) {
        const struct policy_network *pn = planner_net(pl, net);
        size_t under;

        if (!pn->has_overlay || !pn->overlay.underlay) {
            continue;
        }
        under = name_index_find(by_name, pn->overlay.underlay);
        if (under == NAME_INDEX_NONE || under == net) {
            continue;
        }
        edge_list_add(&gedges, n_nets + under, n_nets + net);
        edge_list_add(&gedges, net, under);
    }
    name_index_destroy(by_name);
    edges_to_lists(gedges.items, gedges.n, g->n_groups, true,
                   &g->dst_start, &g->dsts);
    edges_to_lists(gedges.items, gedges.n, g->n_groups, false,
                   &g->src_start, &g->srcs);
    free(gedges.items);
}

/* Sorts the steps of 'pl' by phase, role, network and name, and builds the
 * graph 'g' of their dependencies. */
static void
sort_steps(struct planner *pl, struct order_graph *g)
{
    struct edge_list edges = { .items = NULL };

    g->n = pl->n_steps;
    if (g->n) {
        qsort(pl->steps, g->n, sizeof *pl->steps, pending_step_cmp);
    }
    add_explicit_edges(pl, &edges);
    edges_to_lists(edges.items, edges.n, g->n, true, &g->out_start, &g->out);
    edges_to_lists(edges.items, edges.n, g->n, false, &g->in_start, &g->in);
    free(edges.items);
    build_groups(pl, g);
}

static void
order_graph_destroy(struct order_graph *g)
{
    free(g->out_start);
    free(g->out);
    free(g->in_start);
    free(g->in);
    free(g->group_of);
    free(g->member_start);
    free(g->members);
    free(g->dst_start);
    free(g->dsts);
    free(g->src_start);
    free(g->srcs);
}

/* True if 'ps' is an OVS step.  apply.c commits all of them in one OVSDB
 * transaction, at the position of the first. */
static bool
is_ovs_step(const struct pending_step *ps)
{
    return ps->s.action == PLAN_SET_MTU_REQUEST;
}

static int
size_cmp(const void *a_, const void *b_)
{
    size_t a = *(const size_t *) a_;
    size_t b = *(const size_t *) b_;

    return a < b ? -1 : a > b;
}

/* For each of the 'g->n' steps, stores in 'origin' an OVS step from which
 * a path of edges leads to it (if 'forward') or to which one leads from it
 * (if not), the nearest one, or SIZE_MAX if there is none.  An OVS step is
 * its own origin.  A breadth-first search that visits the neighbours of
 * each step in ascending order; a group's steps are all neighbours of each
 * step of a group before (after) it, so each group is looked at once. */
static void
reach_ovs(const struct pending_step *steps, const struct order_graph *g,
          bool forward, size_t *origin)
{
    const size_t *adj_start = forward ? g->out_start : g->in_start;
    const size_t *adj = forward ? g->out : g->in;
    const size_t *gstart = forward ? g->dst_start : g->src_start;
    const size_t *gadj = forward ? g->dsts : g->srcs;
    size_t n = g->n;
    size_t *queue = xzalloc((n ? n : 1) * sizeof *queue);
    size_t *cand = xzalloc((n ? n : 1) * sizeof *cand);
    bool *expanded = xzalloc((g->n_groups ? g->n_groups : 1)
                             * sizeof *expanded);
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
        size_t grp = g->group_of[i];
        size_t n_cand = 0;

        for (size_t e = adj_start[i]; e < adj_start[i + 1]; e++) {
            if (origin[adj[e]] == SIZE_MAX) {
                cand[n_cand++] = adj[e];
            }
        }
        for (size_t e = grp == SIZE_MAX ? 0 : gstart[grp];
             grp != SIZE_MAX && e < gstart[grp + 1]; e++) {
            size_t h = gadj[e];

            if (expanded[h]) {
                continue;
            }
            expanded[h] = true;
            for (size_t m = g->member_start[h]; m < g->member_start[h + 1];
                 m++) {
                if (origin[g->members[m]] == SIZE_MAX) {
                    cand[n_cand++] = g->members[m];
                }
            }
        }
        if (n_cand > 1) {
            qsort(cand, n_cand, sizeof *cand, size_cmp);
        }
        for (size_t c = 0; c < n_cand; c++) {
            size_t j = cand[c];

            if (origin[j] == SIZE_MAX) {
                origin[j] = origin[i];
                queue[tail++] = j;
            }
        }
    }
    free(queue);
    free(cand);
    free(expanded);
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
    struct order_graph g;
    size_t *after_ovs = xzalloc((n ? n : 1) * sizeof *after_ovs);
    size_t *before_ovs = xzalloc((n ? n : 1) * sizeof *before_ovs);
    bool any = false;

    sort_steps(pl, &g);
    reach_ovs(pl->steps, &g, true, after_ovs);
    reach_ovs(pl->steps, &g, false, before_ovs);
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
    order_graph_destroy(&g);
    free(after_ovs);
    free(before_ovs);
    return any;
}

/* A binary min-heap of step indexes: the sort takes the first step in
 * (phase, role, network, name) order among those that are ready. */
struct step_heap {
    size_t *items;
    size_t n;
};

static void
heap_push(struct step_heap *h, size_t v)
{
    size_t i = h->n++;

    while (i && h->items[(i - 1) / 2] > v) {
        h->items[i] = h->items[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->items[i] = v;
}

static size_t
heap_pop(struct step_heap *h)
{
    size_t top = h->items[0];
    size_t v = h->items[--h->n];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= h->n) {
            break;
        }
        if (c + 1 < h->n && h->items[c + 1] < h->items[c]) {
            c++;
        }
        if (h->items[c] >= v) {
            break;
        }
        h->items[i] = h->items[c];
        i = c;
    }
    if (h->n) {
        h->items[i] = v;
    }
    return top;
}

/* The state of one topological sort (Kahn's algorithm) over the nodes of
 * a graph: the steps not yet placed count, per node, the edges and the
 * unfinished groups that still hold them back. */
struct kahn {
    const struct planner *pl;
    const struct order_graph *g;
    const size_t *rep;          /* Node of each step: OVS steps share one
                                 * (the block) in the outer sort. */
    bool ovs_only;              /* The sort inside the OVS block: only OVS
                                 * steps and the edges between them. */
    size_t *indegree;           /* Per node. */
    size_t *left;               /* Per group: steps not placed that hold
                                 * back the non-OVS steps after it... */
    size_t *left_link;          /* ...and the non-OVS ones among them, which
                                 * alone hold back OVS steps. */
    size_t *pending;            /* Per group: groups before it that still
                                 * hold back its non-OVS steps... */
    size_t *pending_ovs;        /* ...and its OVS steps. */
    struct step_heap ready;
};

/* True if step 'i' takes part in 'k'. */
static bool
kahn_has(const struct kahn *k, size_t i)
{
    return !k->ovs_only || is_ovs_step(&k->pl->steps[i]);
}

/* One edge into step 'b' is gone: releases its node when none is left. */
static void
kahn_release(struct kahn *k, size_t b)
{
    if (!--k->indegree[k->rep[b]]) {
        heap_push(&k->ready, k->rep[b]);
    }
}

/* True if group 'h' still holds back its step 'b'. */
static bool
group_holds(const struct kahn *k, size_t h, size_t b)
{
    return (is_ovs_step(&k->pl->steps[b]) && !k->ovs_only
            ? k->pending_ovs[h] : k->pending[h]) > 0;
}

/* Sets up 'k' over the graph 'g' of the steps of 'pl', with the nodes
 * 'rep', and puts the nodes that wait for nothing into its heap. */
static void
kahn_init(struct kahn *k, const struct planner *pl,
          const struct order_graph *g, const size_t *rep, bool ovs_only)
{
    size_t n = g->n;
    size_t ng = g->n_groups ? g->n_groups : 1;

    k->pl = pl;
    k->g = g;
    k->rep = rep;
    k->ovs_only = ovs_only;
    k->indegree = xzalloc((n ? n : 1) * sizeof *k->indegree);
    k->left = xzalloc(ng * sizeof *k->left);
    k->left_link = xzalloc(ng * sizeof *k->left_link);
    k->pending = xzalloc(ng * sizeof *k->pending);
    k->pending_ovs = xzalloc(ng * sizeof *k->pending_ovs);
    k->ready.items = xzalloc((n ? n : 1) * sizeof *k->ready.items);
    k->ready.n = 0;

    for (size_t i = 0; i < n; i++) {
        size_t grp = g->group_of[i];

        if (kahn_has(k, i) && grp != SIZE_MAX) {
            k->left[grp]++;
            k->left_link[grp] += !is_ovs_step(&pl->steps[i]);
        }
    }
    for (size_t h = 0; h < g->n_groups; h++) {
        for (size_t e = g->src_start[h]; e < g->src_start[h + 1]; e++) {
            k->pending[h] += k->left[g->srcs[e]] > 0;
            k->pending_ovs[h] += k->left_link[g->srcs[e]] > 0;
        }
    }
    for (size_t a = 0; a < n; a++) {
        size_t grp = g->group_of[a];

        if (!kahn_has(k, a)) {
            continue;
        }
        for (size_t e = g->out_start[a]; e < g->out_start[a + 1]; e++) {
            size_t b = g->out[e];

            if (kahn_has(k, b) && rep[a] != rep[b]) {
                k->indegree[rep[b]]++;
            }
        }
        if (grp != SIZE_MAX && group_holds(k, grp, a)) {
            k->indegree[rep[a]]++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (kahn_has(k, i) && rep[i] == i && !k->indegree[i]) {
            heap_push(&k->ready, i);
        }
    }
}

static void
kahn_destroy(struct kahn *k)
{
    free(k->indegree);
    free(k->left);
    free(k->left_link);
    free(k->pending);
    free(k->pending_ovs);
    free(k->ready.items);
}

/* Releases the steps of group 'h' that 'ovs' (OVS steps or the others)
 * says: the last group before them is done. */
static void
kahn_release_group(struct kahn *k, size_t h, bool ovs)
{
    const struct order_graph *g = k->g;

    for (size_t m = g->member_start[h]; m < g->member_start[h + 1]; m++) {
        size_t b = g->members[m];

        if (kahn_has(k, b) && is_ovs_step(&k->pl->steps[b]) == ovs) {
            kahn_release(k, b);
        }
    }
}

/* Step 'a' is placed: releases what waited for it. */
static void
kahn_done(struct kahn *k, size_t a)
{
    const struct order_graph *g = k->g;
    size_t grp = g->group_of[a];

    for (size_t e = g->out_start[a]; e < g->out_start[a + 1]; e++) {
        size_t b = g->out[e];

        if (kahn_has(k, b) && k->rep[b] != k->rep[a]) {
            kahn_release(k, b);
        }
    }
    if (grp == SIZE_MAX) {
        return;
    }
    if (!--k->left[grp]) {
        for (size_t e = g->dst_start[grp]; e < g->dst_start[grp + 1]; e++) {
            size_t h = g->dsts[e];

            if (!--k->pending[h]) {
                /* Inside the block every step waits for 'pending'. */
                kahn_release_group(k, h, false);
                if (k->ovs_only) {
                    kahn_release_group(k, h, true);
                }
            }
        }
    }
    if (!is_ovs_step(&k->pl->steps[a]) && !--k->left_link[grp]) {
        for (size_t e = g->dst_start[grp]; e < g->dst_start[grp + 1]; e++) {
            size_t h = g->dsts[e];

            if (!--k->pending_ovs[h] && !k->ovs_only) {
                kahn_release_group(k, h, true);
            }
        }
    }
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

/* Appends the OVS steps to 'plan', in an order that keeps the edges
 * between them (apply.c makes them at once; the order is for the reader),
 * marks them 'done' and releases, in 'outer', what waited for them.
 * Returns 0 or -ELOOP. */
static int
emit_ovs_block(const struct planner *pl, const struct order_graph *g,
               struct kahn *outer, bool *done, struct plan *plan,
               struct error *err)
{
    size_t n = g->n;
    size_t *self = xzalloc((n ? n : 1) * sizeof *self);
    size_t left = 0;
    struct kahn k;
    int error = 0;

    for (size_t i = 0; i < n; i++) {
        self[i] = i;
        left += is_ovs_step(&pl->steps[i]);
    }
    kahn_init(&k, pl, g, self, true);
    while (left) {
        size_t next;

        if (!k.ready.n) {
            error = order_loop_error(pl, done, err);
            break;
        }
        next = heap_pop(&k.ready);
        done[next] = true;
        plan->steps[plan->n_steps++] = pl->steps[next].s;
        left--;
        kahn_done(&k, next);
        kahn_done(outer, next);
    }
    kahn_destroy(&k);
    free(self);
    return error;
}

int
plan_order_steps(struct planner *pl, struct plan *plan, struct error *err)
{
    size_t n = pl->n_steps;
    size_t block = SIZE_MAX;    /* The first OVS step stands for all. */
    struct order_graph g;
    struct kahn k;
    bool *done;
    size_t *rep;
    int error = 0;

    plan->steps = xzalloc((n ? n : 1) * sizeof *plan->steps);
    plan->n_steps = 0;
    if (!n) {
        return 0;
    }
    sort_steps(pl, &g);
    done = xzalloc(n * sizeof *done);
    rep = xzalloc(n * sizeof *rep);
    for (size_t i = 0; i < n; i++) {
        if (is_ovs_step(&pl->steps[i]) && block == SIZE_MAX) {
            block = i;
        }
        rep[i] = is_ovs_step(&pl->steps[i]) ? block : i;
    }
    kahn_init(&k, pl, &g, rep, false);
    while (plan->n_steps < n && !error) {
        size_t next;

        if (!k.ready.n) {
            error = order_loop_error(pl, done, err);
            break;
        }
        next = heap_pop(&k.ready);
        if (next == block) {
            error = emit_ovs_block(pl, &g, &k, done, plan, err);
        } else {
            done[next] = true;
            plan->steps[plan->n_steps++] = pl->steps[next].s;
            kahn_done(&k, next);
        }
    }
    kahn_destroy(&k);
    order_graph_destroy(&g);
    free(done);
    free(rep);
    return error;
}
