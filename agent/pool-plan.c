/* The pure planner of "jumboagent pool-set-mtu": xapi records and the
 * plugin's check results in, preflight refusals and ordered steps out.
 *
 * The rules follow /work/shared/reference/xapi.md section 5(b): refuse the
 * whole change, touching nothing, if any host or xapi rule says no; raise
 * one host at a time through a per-PIF override (PIF.other_config:mtu, which
 * determine_mtu prefers to network.MTU) and PIF.plug, members in name order
 * and the coordinator last, each host verified before the next; then
 * network.set_MTU and the overrides removed.  Lowering runs the other way:
 * network.MTU first (new VIF plugs get the smaller MTU), the VIFs, then the
 * hosts' PIFs. */
#define _GNU_SOURCE 1           /* qsort_r() */
#include "pool-plan.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void
add_refusal(struct pool_plan *plan, size_t *allocated, const char *host,
            char *reason)
{
    if (plan->n_refusals >= *allocated) {
        grow_array((void **) &plan->refusals, allocated, plan->n_refusals + 1,
                   sizeof *plan->refusals);
    }
    plan->refusals[plan->n_refusals].host = xstrdup(host);
    plan->refusals[plan->n_refusals].reason = reason;
    plan->n_refusals++;
}

static void
add_step(struct pool_plan *plan, enum pool_step_kind kind, size_t host,
         size_t pif, size_t vif, unsigned int mtu)
{
    if (plan->n_steps >= plan->allocated) {
        grow_array((void **) &plan->steps, &plan->allocated,
                   plan->n_steps + 1, sizeof *plan->steps);
    }
    plan->steps[plan->n_steps++] = (struct pool_step) {
        .kind = kind, .host = host, .pif = pif, .vif = vif, .mtu = mtu,
    };
}

/* The order hosts are rolled in: members by name, the coordinator last.
 * 'records_' is the 'struct pool_records' whose host indexes are sorted. */
static int
compare_hosts(const void *a_, const void *b_, void *records_)
{
    const struct pool_records *records = records_;
    const struct pool_host *a = &records->hosts[*(const size_t *) a_];
    const struct pool_host *b = &records->hosts[*(const size_t *) b_];

    if (a->coordinator != b->coordinator) {
        return a->coordinator ? 1 : -1;
    }
    return strcmp(a->name, b->name);
}

/* Checks one host against the xapi rules and its plugin check; adds what
 * it refuses.  'pif' is the index of its PIF on the network, or SIZE_MAX. */
static void
preflight_host(const struct pool_records *r, size_t h, size_t pif,
               unsigned int mtu, struct pool_plan *plan, size_t *allocated)
{
    const struct pool_host *host = &r->hosts[h];

    if (!host->live) {
        add_refusal(plan, allocated, host->name, xasprintf(
            "host is offline (host_metrics.live is false): bring it back "
            "or remove it from the pool, then run again"));
    }
    if (!host->enabled) {
        add_refusal(plan, allocated, host->name, xasprintf(
            "host is disabled (host.enabled is false): enable it "
            "(host.enable) or finish its maintenance, then run again"));
    }
    if (pif == SIZE_MAX) {
        add_refusal(plan, allocated, host->name, xasprintf(
            "host has no PIF on network '%s': every host must carry it; "
            "add one (PIF.introduce, or a bond/VLAN) first",
            r->network_name));
    } else {
        const struct pool_pif *p = &r->pifs[pif];

        if (p->management) {
            add_refusal(plan, allocated, host->name, xasprintf(
                "PIF %s is the management interface: re-plugging it cuts "
                "xapi off (PIF_IS_MANAGEMENT_INTERFACE); change it by hand "
                "during maintenance", p->device));
        }
        if (p->bond_slave) {
            add_refusal(plan, allocated, host->name, xasprintf(
                "PIF %s is a bond member (CANNOT_PLUG_BOND_SLAVE): change "
                "the bond's network instead", p->device));
        }
        if (p->vlan >= 0 && p->vlan_base_mtu < mtu) {
            add_refusal(plan, allocated, host->name, xasprintf(
                "PIF %s is VLAN %d over a network of MTU %u, below %u: "
                "raise the base network first", p->device, p->vlan,
                p->vlan_base_mtu, mtu));
        }
    }
    if (!r->checks || !r->checks[h].called) {
        add_refusal(plan, allocated, host->name, xasprintf(
            "plugin check did not answer%s%s: install the jumboagent "
            "plugin on this host and run again",
            r->checks && r->checks[h].error ? ": " : "",
            r->checks && r->checks[h].error ? r->checks[h].error : ""));
    } else {
        const struct pool_check *c = &r->checks[h];

        for (size_t i = 0; i < c->n_refusals; i++) {
            add_refusal(plan, allocated, host->name,
                        xstrdup(c->refusals[i].reason));
        }
    }
}

int
pool_plan_compute(const struct pool_records *r, unsigned int mtu,
                  bool replug_vifs, struct pool_plan *plan, struct error *err)
{
    size_t allocated = 0;
    size_t *order, *pif_of;

    memset(plan, 0, sizeof *plan);
    plan->from_mtu = r->network_mtu;
    plan->to_mtu = mtu;
    plan->raising = mtu > r->network_mtu;

    pif_of = xmalloc((r->n_hosts + 1) * sizeof *pif_of);
    for (size_t h = 0; h < r->n_hosts; h++) {
        pif_of[h] = SIZE_MAX;
    }
    for (size_t i = 0; i < r->n_pifs; i++) {
        size_t h = r->pifs[i].host;

        if (h >= r->n_hosts || pif_of[h] != SIZE_MAX) {
            free(pif_of);
            return error_set(err, -EINVAL, "network '%s': PIF %s is on %s; "
                             "xapi records are inconsistent, run again",
                             r->network_name, r->pifs[i].device,
                             h >= r->n_hosts ? "no known host"
                             : "a host that already has a PIF on it");
        }
        pif_of[h] = i;
    }

    if (r->ha_enabled) {
        add_refusal(plan, &allocated, "(pool)", xasprintf(
            "HA is enabled (HA_IS_ENABLED): a NIC reset may fence hosts; "
            "disable HA (pool.disable_ha), run again, then re-enable it"));
    }
    order = xmalloc((r->n_hosts + 1) * sizeof *order);
    for (size_t h = 0; h < r->n_hosts; h++) {
        order[h] = h;
    }
    qsort_r(order, r->n_hosts, sizeof *order, compare_hosts, (void *) r);
    for (size_t k = 0; k < r->n_hosts; k++) {
        preflight_host(r, order[k], pif_of[order[k]], mtu, plan, &allocated);
    }
    if (plan->n_refusals) {
        free(order);
        free(pif_of);
        return 0;
    }

    if (!plan->raising) {
        if (mtu != r->network_mtu) {
            add_step(plan, POOL_STEP_SET_NETWORK_MTU, 0, 0, 0, mtu);
        }
        for (size_t v = 0; replug_vifs && v < r->n_vifs; v++) {
            if (r->vifs[v].attached && r->vifs[v].mtu != mtu) {
                add_step(plan, POOL_STEP_REPLUG_VIF, 0, 0, v, mtu);
            }
        }
    }
    for (size_t k = 0; k < r->n_hosts; k++) {
        size_t h = order[k], p = pif_of[h];

        if (plan->raising) {
            add_step(plan, POOL_STEP_SET_OVERRIDE, h, p, 0, mtu);
            add_step(plan, POOL_STEP_PLUG, h, p, 0, mtu);
            add_step(plan, POOL_STEP_VERIFY, h, p, 0, mtu);
        } else if (r->pifs[p].mtu != mtu || r->pifs[p].has_override) {
            if (r->pifs[p].has_override) {
                add_step(plan, POOL_STEP_REMOVE_OVERRIDE, h, p, 0, mtu);
            }
            add_step(plan, POOL_STEP_PLUG, h, p, 0, mtu);
            add_step(plan, POOL_STEP_VERIFY, h, p, 0, mtu);
        }
    }
    if (plan->raising) {
        add_step(plan, POOL_STEP_SET_NETWORK_MTU, 0, 0, 0, mtu);
        for (size_t k = 0; k < r->n_hosts; k++) {
            add_step(plan, POOL_STEP_REMOVE_OVERRIDE, order[k],
                     pif_of[order[k]], 0, mtu);
        }
        for (size_t v = 0; replug_vifs && v < r->n_vifs; v++) {
            if (r->vifs[v].attached && r->vifs[v].mtu != mtu) {
                add_step(plan, POOL_STEP_REPLUG_VIF, 0, 0, v, mtu);
            }
        }
    }
    for (size_t v = 0; !replug_vifs && v < r->n_vifs; v++) {
        if (r->vifs[v].attached && r->vifs[v].mtu != mtu) {
            plan->stale_vifs = xrealloc(plan->stale_vifs,
                                        (plan->n_stale_vifs + 1)
                                        * sizeof *plan->stale_vifs);
            plan->stale_vifs[plan->n_stale_vifs++] = v;
        }
    }
    free(order);
    free(pif_of);
    return 0;
}

void
pool_plan_destroy(struct pool_plan *plan)
{
    if (!plan) {
        return;
    }
    for (size_t i = 0; i < plan->n_refusals; i++) {
        free(plan->refusals[i].host);
        free(plan->refusals[i].reason);
    }
    free(plan->refusals);
    free(plan->steps);
    free(plan->stale_vifs);
    memset(plan, 0, sizeof *plan);
}

void
pool_plan_format_refusals(const struct pool_plan *plan, FILE *stream)
{
    size_t width = strlen("HOST");

    for (size_t i = 0; i < plan->n_refusals; i++) {
        size_t n = strlen(plan->refusals[i].host);
        width = n > width ? n : width;
    }
    fprintf(stream, "%-*s  REASON\n", (int) width, "HOST");
    for (size_t i = 0; i < plan->n_refusals; i++) {
        fprintf(stream, "%-*s  %s\n", (int) width, plan->refusals[i].host,
                plan->refusals[i].reason);
    }
}

void
pool_plan_format_step(const struct pool_records *r,
                      const struct pool_plan *plan, size_t i, FILE *stream)
{
    const struct pool_step *s = &plan->steps[i];
    const char *host = s->kind == POOL_STEP_SET_NETWORK_MTU
                       || s->kind == POOL_STEP_REPLUG_VIF
                       ? "pool" : r->hosts[s->host].name;
    const char *dev = s->kind == POOL_STEP_SET_NETWORK_MTU
                      || s->kind == POOL_STEP_REPLUG_VIF
                      ? "" : r->pifs[s->pif].device;

    fprintf(stream, "%zu. %s: ", i + 1, host);
    switch (s->kind) {
    case POOL_STEP_SET_OVERRIDE:
        fprintf(stream, "set PIF %s other_config:mtu=%u", dev, s->mtu);
        break;
    case POOL_STEP_PLUG:
        fprintf(stream, "PIF.plug %s (re-applies MTU %u on bridge %s)",
                dev, s->mtu, r->bridge);
        break;
    case POOL_STEP_VERIFY:
        fprintf(stream, "verify bridge %s at MTU %u (plugin verify)",
                r->bridge, s->mtu);
        break;
    case POOL_STEP_SET_NETWORK_MTU:
        fprintf(stream, "network.set_MTU '%s' %u -> %u", r->network_name,
                plan->from_mtu, s->mtu);
        break;
    case POOL_STEP_REMOVE_OVERRIDE:
        fprintf(stream, "remove PIF %s other_config:mtu", dev);
        break;
    case POOL_STEP_REPLUG_VIF:
        fprintf(stream, "VIF.unplug + VIF.plug VM '%s' VIF %s (%u -> %u)",
                r->vifs[s->vif].vm, r->vifs[s->vif].device,
                r->vifs[s->vif].mtu, s->mtu);
        break;
    case POOL_STEP_MAX:
    default:
        fprintf(stream, "?");
        break;
    }
}

void
pool_plan_format(const struct pool_records *r, const struct pool_plan *plan,
                 FILE *stream)
{
    fprintf(stream, "Plan for network '%s' (bridge %s): MTU %u -> %u, "
            "%zu host(s)\n", r->network_name, r->bridge, plan->from_mtu,
            plan->to_mtu, r->n_hosts);
    if (!plan->n_steps) {
        fprintf(stream, "Nothing to do: every PIF is at %u\n", plan->to_mtu);
    }
    for (size_t i = 0; i < plan->n_steps; i++) {
        pool_plan_format_step(r, plan, i, stream);
        fputc('\n', stream);
    }
    pool_plan_format_stale_vifs(r, plan, stream);
}

void
pool_plan_format_stale_vifs(const struct pool_records *r,
                            const struct pool_plan *plan, FILE *stream)
{
    for (size_t i = 0; i < plan->n_stale_vifs; i++) {
        const struct pool_vif *v = &r->vifs[plan->stale_vifs[i]];

        fprintf(stream, "VIF keeps MTU %u until its next plug: VM '%s' "
                "VIF %s (replug with --replug-vifs, or migrate the VM)\n",
                v->mtu, v->vm, v->device);
    }
}

void
pool_records_destroy(struct pool_records *r)
{
    if (!r) {
        return;
    }
    free(r->network_ref);
    free(r->network_name);
    free(r->bridge);
    for (size_t i = 0; i < r->n_hosts; i++) {
        free(r->hosts[i].ref);
        free(r->hosts[i].name);
        if (r->checks) {
            free(r->checks[i].error);
            for (size_t j = 0; j < r->checks[i].n_refusals; j++) {
                free(r->checks[i].refusals[j].host);
                free(r->checks[i].refusals[j].reason);
            }
            free(r->checks[i].refusals);
        }
    }
    free(r->hosts);
    free(r->checks);
    for (size_t i = 0; i < r->n_pifs; i++) {
        free(r->pifs[i].ref);
        free(r->pifs[i].device);
    }
    free(r->pifs);
    for (size_t i = 0; i < r->n_vifs; i++) {
        free(r->vifs[i].ref);
        free(r->vifs[i].vm);
        free(r->vifs[i].device);
    }
    free(r->vifs);
    memset(r, 0, sizeof *r);
}
