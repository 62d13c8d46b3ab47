/* The pool-wide MTU change: reads xapi, asks the plugin, plans, rolls.
 *
 * The roll is the one of /work/shared/reference/xapi.md section 5(b): per
 * host, PIF.other_config:mtu then PIF.plug (which re-applies the MTU on an
 * attached PIF), then the plugin's "verify" from that host to the fixed
 * verify peers and the hosts already done, and PIF.MTU read back; a host
 * that fails is restored (override removed, PIF.plug again) and the roll
 * stops.  network.set_MTU comes only after every host passed. */
#include "pool.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pool-plan.h"
#include "util.h"
#include "xapi-client.h"

static const char *
get_str(struct json_object *o, const char *key)
{
    struct json_object *v;

    return json_object_object_get_ex(o, key, &v)
           && json_object_is_type(v, json_type_string)
           ? json_object_get_string(v) : "";
}

static bool
get_bool(struct json_object *o, const char *key, bool dflt)
{
    struct json_object *v;

    return json_object_object_get_ex(o, key, &v)
           && json_object_is_type(v, json_type_boolean)
           ? json_object_get_boolean(v) : dflt;
}

static int64_t
get_int(struct json_object *o, const char *key, int64_t dflt)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v)) {
        return dflt;
    }
    if (json_object_is_type(v, json_type_string)) {
        return strtoll(json_object_get_string(v), NULL, 10);
    }
    return json_object_is_type(v, json_type_int) ? json_object_get_int64(v)
                                                 : dflt;
}

/* Everything read from xapi, kept for the records' lifetime. */
struct pool_db {
    struct json_object *pool, *hosts, *metrics, *networks, *pifs, *vlans;
    struct json_object *vifs, *vms;
};

static void
pool_db_destroy(struct pool_db *db)
{
    json_object_put(db->pool);
    json_object_put(db->hosts);
    json_object_put(db->metrics);
    json_object_put(db->networks);
    json_object_put(db->pifs);
    json_object_put(db->vlans);
    json_object_put(db->vifs);
    json_object_put(db->vms);
}

static int
pool_db_read(struct xapi_client *c, struct pool_db *db, struct error *err)
{
    int retval;

    memset(db, 0, sizeof *db);
    retval = xapi_get_all_records(c, "pool", &db->pool, err);
    retval = retval ? retval : xapi_get_all_records(c, "host", &db->hosts,
                                                    err);
    retval = retval ? retval : xapi_get_all_records(c, "host_metrics",
                                                    &db->metrics, err);
    retval = retval ? retval : xapi_get_all_records(c, "network",
                                                    &db->networks, err);
    retval = retval ? retval : xapi_get_all_records(c, "PIF", &db->pifs, err);
    retval = retval ? retval : xapi_get_all_records(c, "VLAN", &db->vlans,
                                                    err);
    retval = retval ? retval : xapi_get_all_records(c, "VIF", &db->vifs, err);
    retval = retval ? retval : xapi_get_all_records(c, "VM", &db->vms, err);
    return retval;
}

static struct json_object *
lookup(struct json_object *table, const char *ref)
{
    struct json_object *v;

    return json_object_object_get_ex(table, ref, &v) ? v : NULL;
}

/* Fills 'r' from 'db' for the network named 'name' (uuid or name_label). */
static int
build_records(const struct pool_db *db, const char *name,
              struct pool_records *r, struct error *err)
{
    const char *net_ref = NULL;
    int matches = 0;

    memset(r, 0, sizeof *r);
    json_object_object_foreach(db->networks, nref, nrec) {
        if (!strcmp(get_str(nrec, "uuid"), name)
            || !strcmp(get_str(nrec, "name_label"), name)) {
            net_ref = nref;
            matches++;
        }
    }
    if (matches != 1) {
        error_set(err, matches ? -EEXIST : -ENOENT,
                  matches ? "network '%s': %d networks have that name; name "
                  "it by uuid" : "network '%s': no such network in xapi "
                  "(xe network-list shows them)", name, matches);
        return matches ? -EEXIST : -ENOENT;
    }
    struct json_object *net = lookup(db->networks, net_ref);
    r->network_ref = xstrdup(net_ref);
    r->network_name = xstrdup(get_str(net, "name_label"));
    r->bridge = xstrdup(get_str(net, "bridge"));
    r->network_mtu = get_int(net, "MTU", 1500);
    json_object_object_foreach(db->pool, pref, pool) {
        (void) pref;
        r->ha_enabled |= get_bool(pool, "ha_enabled", false);
    }

    const char *master = "";
    json_object_object_foreach(db->pool, mref, mpool) {
        (void) mref;
        master = get_str(mpool, "master");
    }
    r->hosts = xzalloc((json_object_object_length(db->hosts) + 1)
                       * sizeof *r->hosts);
    json_object_object_foreach(db->hosts, href, host) {
        struct pool_host *h = &r->hosts[r->n_hosts++];
        struct json_object *m = lookup(db->metrics,
                                       get_str(host, "metrics"));

        h->ref = xstrdup(href);
        h->name = xstrdup(get_str(host, "name_label"));
        h->coordinator = !strcmp(href, master);
        h->enabled = get_bool(host, "enabled", false);
        h->live = m && get_bool(m, "live", false);
    }
    r->checks = xzalloc((r->n_hosts + 1) * sizeof *r->checks);

    r->pifs = xzalloc((json_object_object_length(db->pifs) + 1)
                      * sizeof *r->pifs);
    json_object_object_foreach(db->pifs, pref2, pif) {
        struct pool_pif *p;
        size_t h;

        if (strcmp(get_str(pif, "network"), net_ref)) {
            continue;
        }
        for (h = 0; h < r->n_hosts; h++) {
            if (!strcmp(r->hosts[h].ref, get_str(pif, "host"))) {
                break;
            }
        }
        p = &r->pifs[r->n_pifs++];
        p->ref = xstrdup(pref2);
        p->host = h;
        p->device = xstrdup(get_str(pif, "device"));
        p->management = get_bool(pif, "management", false);
        p->bond_slave = strcmp(get_str(pif, "bond_slave_of"),
                               "OpaqueRef:NULL")
                        && *get_str(pif, "bond_slave_of");
        p->vlan = get_int(pif, "VLAN", -1);
        p->mtu = get_int(pif, "MTU", 0);
        struct json_object *oc, *bm;
        p->has_override = json_object_object_get_ex(pif, "other_config", &oc)
                          && json_object_object_get_ex(oc, "mtu", NULL);
        p->bond_master = json_object_object_get_ex(pif, "bond_master_of",
                                                   &bm)
                         && json_object_array_length(bm) > 0;
        if (p->vlan >= 0) {
            json_object_object_foreach(db->vlans, vref, vlan) {
                (void) vref;
                if (!strcmp(get_str(vlan, "untagged_PIF"), pref2)) {
                    struct json_object *t = lookup(db->pifs,
                        get_str(vlan, "tagged_PIF"));
                    struct json_object *tn = t ? lookup(db->networks,
                        get_str(t, "network")) : NULL;

                    p->vlan_base_mtu = tn ? get_int(tn, "MTU", 0) : 0;
                }
            }
        }
    }

    r->vifs = xzalloc((json_object_object_length(db->vifs) + 1)
                      * sizeof *r->vifs);
    json_object_object_foreach(db->vifs, vref2, vif) {
        struct pool_vif *v;
        struct json_object *vm;

        if (strcmp(get_str(vif, "network"), net_ref)) {
            continue;
        }
        vm = lookup(db->vms, get_str(vif, "VM"));
        v = &r->vifs[r->n_vifs++];
        v->ref = xstrdup(vref2);
        v->vm = xstrdup(vm ? get_str(vm, "name_label") : "?");
        v->device = xstrdup(get_str(vif, "device"));
        v->mtu = get_int(vif, "MTU", 0);
        v->attached = get_bool(vif, "currently_attached", false);
    }
    return 0;
}

/* Asks every host's plugin "check" and stores the answers in 'r'. */
static void
run_checks(struct xapi_client *c, struct pool_records *r, unsigned int mtu,
           FILE *out)
{
    for (size_t h = 0; h < r->n_hosts; h++) {
        struct pool_check *chk = &r->checks[h];
        struct json_object *args = json_object_new_object(), *res, *refs;
        struct error err;
        char *value = NULL, mtu_s[16];

        snprintf(mtu_s, sizeof mtu_s, "%u", mtu);
        json_object_object_add(args, "bridge",
                               json_object_new_string(r->bridge));
        json_object_object_add(args, "mtu", json_object_new_string(mtu_s));
        if (xapi_call_plugin(c, r->hosts[h].ref, "check", args, &value,
                             &err)) {
            chk->error = xstrdup(err.msg);
            fprintf(out, "[%s] check: %s\n", r->hosts[h].name, err.msg);
            continue;
        }
        res = json_tokener_parse(value);
        if (!res || !json_object_is_type(res, json_type_object)) {
            chk->error = xasprintf("the plugin's answer is not JSON: %.200s",
                                   value);
        } else {
            chk->called = true;
            if (json_object_object_get_ex(res, "refusals", &refs)
                && json_object_is_type(refs, json_type_array)) {
                size_t n = json_object_array_length(refs);

                chk->refusals = xzalloc((n + 1) * sizeof *chk->refusals);
                for (size_t i = 0; i < n; i++) {
                    struct json_object *f = json_object_array_get_idx(refs, i);
                    const char *reason = get_str(f, "reason");

                    chk->refusals[chk->n_refusals].host =
                        xstrdup(r->hosts[h].name);
                    chk->refusals[chk->n_refusals++].reason = *reason
                        ? xstrdup(reason)
                        : xasprintf("%s: driver %s refused",
                                    get_str(f, "interface"),
                                    get_str(f, "driver"));
                }
            }
            if (!get_bool(res, "ok", true) && !chk->n_refusals) {
                chk->refusals = xzalloc(sizeof *chk->refusals);
                chk->refusals[0].host = xstrdup(r->hosts[h].name);
                chk->refusals[0].reason = xstrdup(
                    "the plugin's check says not ok, without a reason");
                chk->n_refusals = 1;
            }
            fprintf(out, "[%s] check: %s\n", r->hosts[h].name,
                    chk->n_refusals ? "refused" : "ok");
        }
        json_object_put(res);
        free(value);
    }
}

/* Returns the address of host 'name' in 'peers' ("HOST=IP,..."), malloc()'d,
 * or NULL. */
static char *
peer_of(const char *peers, const char *name)
{
    size_t len = strlen(name);

    for (const char *p = peers; p && *p; ) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t) (end - p) : strlen(p);

        if (n > len && !strncmp(p, name, len) && p[len] == '=') {
            return xasprintf("%.*s", (int) (n - len - 1), p + len + 1);
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

/* Judges the plugin's verify answer 'value' (docs/verify-json.md): true if
 * every network passed.  Otherwise stores why in 'why'. */
static bool
verify_passed(const char *value, char *why, size_t size)
{
    struct json_object *res = json_tokener_parse(value), *nets;
    bool passed = res && json_object_is_type(res, json_type_object);
    size_t used = 0;

    snprintf(why, size, "the plugin's verify answer is not JSON");
    if (passed) {
        *why = '\0';
        passed = get_int(res, "failed_networks", 0) == 0
                 && get_bool(res, "ok", true);
        if (json_object_object_get_ex(res, "verify", &nets)
            && json_object_is_type(nets, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(nets); i++) {
                struct json_object *net = json_object_array_get_idx(nets, i);
                struct json_object *peers;

                if (strcmp(get_str(net, "status"), "pass")) {
                    passed = false;
                }
                if (!json_object_object_get_ex(net, "peers", &peers)) {
                    continue;
                }
                for (size_t j = 0; j < json_object_array_length(peers); j++) {
                    struct json_object *pr =
                        json_object_array_get_idx(peers, j);

                    if (strcmp(get_str(pr, "verdict"), "pass")
                        && used < size) {
                        used += snprintf(why + used, size - used, "%s%s",
                                         used ? "; " : "",
                                         get_str(pr, "message"));
                    }
                }
            }
        } else if (!json_object_object_get_ex(res, "ok", NULL)) {
            passed = false;
        }
        if (!passed && !*why) {
            snprintf(why, size, "the plugin's verify did not pass");
        }
    }
    json_object_put(res);
    return passed;
}

/* The state of the roll, for the report. */
struct roll {
    const struct pool_options *opts;
    struct xapi_client *client;
    const struct pool_records *r;
    const struct pool_plan *plan;
    bool *done;                 /* Per host: verified at the target. */
    FILE *out;
};

/* Runs the plugin's verify on host 'h' and reads PIF.MTU back. */
static int
verify_host(struct roll *roll, const struct pool_step *s, struct error *err)
{
    const struct pool_records *r = roll->r;
    struct json_object *args = json_object_new_object(), *mtu_obj = NULL;
    char *peers = xstrdup(roll->opts->verify_peers ? roll->opts->verify_peers
                                                   : "");
    char *value = NULL, why[768], mtu_s[16];
    int retval;

    for (size_t h = 0; h < r->n_hosts; h++) {
        char *ip = roll->done[h] && h != s->host
                   ? peer_of(roll->opts->peers, r->hosts[h].name) : NULL;

        if (ip) {
            char *more = xasprintf("%s%s%s", peers, *peers ? "," : "", ip);
            free(peers);
            peers = more;
            free(ip);
        }
    }
    snprintf(mtu_s, sizeof mtu_s, "%u", s->mtu);
    json_object_object_add(args, "bridge", json_object_new_string(r->bridge));
    json_object_object_add(args, "mtu", json_object_new_string(mtu_s));
    json_object_object_add(args, "peers", json_object_new_string(peers));
    fprintf(roll->out, "[%s]   verify peers: %s\n", r->hosts[s->host].name,
            *peers ? peers : "(none: local MTUs only)");
    free(peers);
    retval = xapi_call_plugin(roll->client, r->hosts[s->host].ref, "verify",
                              args, &value, err);
    if (!retval && !verify_passed(value, why, sizeof why)) {
        retval = error_set(err, -EREMOTEIO, "verify on %s failed: %s",
                           r->hosts[s->host].name, why);
    }
    free(value);
    if (!retval) {
        struct json_object *params = json_object_new_array();

        json_object_array_add(params,
                              json_object_new_string(r->pifs[s->pif].ref));
        retval = xapi_call(roll->client, "PIF.get_MTU", params, &mtu_obj,
                           err);
        if (!retval && json_object_get_int64(mtu_obj) != s->mtu) {
            retval = error_set(err, -EREMOTEIO, "PIF %s on %s: xapi says "
                               "PIF.MTU %s after the plug, not %u",
                               r->pifs[s->pif].device, r->hosts[s->host].name,
                               json_object_get_string(mtu_obj), s->mtu);
        }
        json_object_put(mtu_obj);
    }
    return retval;
}

/* PIF.plug of step 's' lost its answer (xapi_call() returned -ECONNRESET:
 * the caller's own connection dropped, as it may when the PIF re-plugged
 * carries the path to xapi).  The plug may or may not have been done:
 * reads the PIF back and returns 0 if it is at the step's MTU (and its
 * other_config:mtu, if any, says so too), so that the roll goes on to
 * verify; otherwise an error, and the host is restored. */
static int
plug_maybe_done(struct roll *roll, const struct pool_step *s,
                struct error *err)
{
    const struct pool_pif *pif = &roll->r->pifs[s->pif];
    const char *host = roll->r->hosts[s->host].name;
    struct json_object *params = json_object_new_array(), *rec = NULL, *oc;
    const char *override = NULL;
    int64_t mtu;
    int retval;

    fprintf(roll->out, "[%s]   PIF.plug's answer was lost (%s); reading "
            "PIF %s back\n", host, err->msg, pif->device);
    json_object_array_add(params, json_object_new_string(pif->ref));
    retval = xapi_call(roll->client, "PIF.get_record", params, &rec, err);
    if (retval) {
        return error_prefix(err, retval, "PIF.plug of %s on %s lost its "
                            "answer and the PIF could not be read back",
                            pif->device, host);
    }
    mtu = get_int(rec, "MTU", 0);
    if (json_object_object_get_ex(rec, "other_config", &oc)) {
        override = get_str(oc, "mtu");
        override = *override ? override : NULL;
    }
    if (mtu == s->mtu
        && (!override || strtoll(override, NULL, 10) == s->mtu)) {
        fprintf(roll->out, "[%s]   PIF %s is at MTU %"PRId64": the plug was "
                "done\n", host, pif->device, mtu);
        retval = 0;
    } else {
        retval = error_set(err, -EREMOTEIO, "PIF.plug of %s on %s lost its "
                           "answer, and xapi says PIF.MTU %"PRId64" "
                           "(other_config:mtu %s), not %u: the plug was not "
                           "done", pif->device, host, mtu,
                           override ? override : "unset", s->mtu);
    }
    json_object_put(rec);
    return retval;
}

/* Puts host 'h' back at the old MTU: removes the override (raising) or
 * sets it to the old MTU (lowering), then PIF.plug. */
static int
restore_host(struct roll *roll, size_t h, size_t pif, struct error *err)
{
    const char *ref = roll->r->pifs[pif].ref;
    char old[16];
    int retval;

    snprintf(old, sizeof old, "%u", roll->plan->from_mtu);
    xapi_call_refs(roll->client, "PIF.remove_from_other_config", ref, "mtu",
                   NULL, NULL);
    retval = roll->plan->raising ? 0
             : xapi_call_refs(roll->client, "PIF.add_to_other_config", ref,
                              "mtu", old, err);
    if (!retval) {
        retval = xapi_call_refs(roll->client, "PIF.plug", ref, NULL, NULL,
                                err);
    }
    if (retval) {
        return error_prefix(err, retval, "could not restore %s (PIF %s) to "
                            "MTU %s; set it by hand (xe pif-plug)",
                            roll->r->hosts[h].name, roll->r->pifs[pif].device,
                            old);
    }
    return 0;
}

static int
run_step(struct roll *roll, const struct pool_step *s, struct error *err)
{
    const struct pool_records *r = roll->r;
    char mtu_s[16];

    snprintf(mtu_s, sizeof mtu_s, "%u", s->mtu);
    switch (s->kind) {
    case POOL_STEP_SET_OVERRIDE:
        xapi_call_refs(roll->client, "PIF.remove_from_other_config",
                       r->pifs[s->pif].ref, "mtu", NULL, NULL);
        return xapi_call_refs(roll->client, "PIF.add_to_other_config",
                              r->pifs[s->pif].ref, "mtu", mtu_s, err);
    case POOL_STEP_PLUG: {
        int retval = xapi_call_refs(roll->client, "PIF.plug",
                                    r->pifs[s->pif].ref, NULL, NULL, err);

        return retval == -ECONNRESET ? plug_maybe_done(roll, s, err)
                                     : retval;
    }
    case POOL_STEP_VERIFY:
        return verify_host(roll, s, err);
    case POOL_STEP_SET_NETWORK_MTU:
        return xapi_network_set_mtu(roll->client, r->network_ref, s->mtu,
                                    err);
    case POOL_STEP_REMOVE_OVERRIDE:
        return xapi_call_refs(roll->client, "PIF.remove_from_other_config",
                              r->pifs[s->pif].ref, "mtu", NULL, err);
    case POOL_STEP_REPLUG_VIF: {
        int retval = xapi_call_refs(roll->client, "VIF.unplug",
                                    r->vifs[s->vif].ref, NULL, NULL, err);
        return retval ? retval : xapi_call_refs(roll->client, "VIF.plug",
                                                r->vifs[s->vif].ref, NULL,
                                                NULL, err);
    }
    case POOL_STEP_MAX:
    default:
        return error_set(err, -EINVAL, "unknown step");
    }
}

static bool
is_host_step(const struct pool_step *s)
{
    return s->kind == POOL_STEP_SET_OVERRIDE || s->kind == POOL_STEP_PLUG
           || s->kind == POOL_STEP_VERIFY;
}

/* Prints the hosts done, the failed one and the untouched ones. */
static void
report_stop(struct roll *roll, size_t failed, bool restored)
{
    const struct pool_records *r = roll->r;

    fprintf(roll->out, "Roll stopped at %s: it failed and was %s.\n",
            r->hosts[failed].name, restored ? "restored" : "NOT restored");
    if (restored) {
        fprintf(roll->out, "  %s is back at MTU %u\n", r->hosts[failed].name,
                roll->plan->from_mtu);
    }
    for (size_t h = 0; h < r->n_hosts; h++) {
        if (h != failed) {
            fprintf(roll->out, "  %s: %s\n", r->hosts[h].name, roll->done[h]
                    ? "done (verified at the new MTU; its PIF keeps "
                      "other_config:mtu until the pool finishes)"
                    : "untouched");
        }
    }
    fprintf(roll->out, "network.MTU stays %u: fix %s's path and run again "
            "to carry on, or lower the done hosts with pool-set-mtu --mtu "
            "%u\n", roll->plan->from_mtu, r->hosts[failed].name,
            roll->plan->from_mtu);
}

enum outcome
pool_set_mtu(const struct pool_options *opts, FILE *out, struct error *err)
{
    struct pool_records records;
    struct xapi_client *client = NULL;
    struct pool_plan plan;
    struct pool_db db;
    enum outcome outcome = OUTCOME_FAILED;
    int retval;

    memset(&plan, 0, sizeof plan);
    memset(&records, 0, sizeof records);
    retval = xapi_client_open(opts->socket, opts->timeout_ms, &client, err);
    if (retval) {
        return OUTCOME_FAILED;
    }
    retval = pool_db_read(client, &db, err);
    if (!retval) {
        retval = build_records(&db, opts->network, &records, err);
    }
    if (!retval && (!records.n_hosts || !records.hosts || !records.pifs)) {
        error_set(err, -ENOENT, "xapi lists no host in the pool; is this "
                  "the pool coordinator?");
        retval = -ENOENT;
    }
    if (retval) {
        goto out;
    }
    fprintf(out, "Preflight: network '%s' (bridge %s) MTU %u -> %u on %zu "
            "host(s); nothing is changed yet\n", records.network_name,
            records.bridge, records.network_mtu, opts->mtu, records.n_hosts);
    run_checks(client, &records, opts->mtu, out);
    retval = pool_plan_compute(&records, opts->mtu, opts->replug_vifs, &plan,
                               err);
    if (retval) {
        goto out;
    }
    if (plan.n_refusals) {
        fprintf(out, "Refused: nothing was changed on any host.\n");
        pool_plan_format_refusals(&plan, out);
        outcome = OUTCOME_REFUSED;
        goto out;
    }
    if (opts->dry_run) {
        pool_plan_format(&records, &plan, out);
        fprintf(out, "Dry run: nothing was changed.\n");
        outcome = plan.n_steps ? OUTCOME_DRIFT : OUTCOME_IN_SYNC;
        goto out;
    }

    struct roll roll = {
        .opts = opts, .client = client, .r = &records, .plan = &plan,
        .done = xzalloc((records.n_hosts + 1) * sizeof *roll.done), .out = out,
    };
    outcome = OUTCOME_APPLIED;
    for (size_t i = 0; i < plan.n_steps; i++) {
        const struct pool_step *s = &plan.steps[i];

        pool_plan_format_step(&records, &plan, i, out);
        fputs(" ...\n", out);
        fflush(out);
        retval = run_step(&roll, s, err);
        if (!retval && s->kind == POOL_STEP_VERIFY) {
            roll.done[s->host] = true;
            fprintf(out, "[%s] done: verified at MTU %u\n",
                    records.hosts[s->host].name, s->mtu);
        }
        if (!retval) {
            continue;
        }
        fprintf(out, "  failed: %s\n", err->msg);
        if (is_host_step(s)) {
            struct error rerr;
            bool restored = !restore_host(&roll, s->host, s->pif, &rerr);

            if (!restored) {
                fprintf(out, "  %s\n", rerr.msg);
            }
            report_stop(&roll, s->host, restored);
            outcome = restored ? OUTCOME_ROLLED_BACK : OUTCOME_FAILED;
        } else {
            fprintf(out, "Every host is at MTU %u; run again to finish "
                    "the remaining steps (they are idempotent).\n", s->mtu);
            outcome = OUTCOME_FAILED;
        }
        break;
    }
    if (outcome == OUTCOME_APPLIED) {
        pool_plan_format_stale_vifs(&records, &plan, out);
        fprintf(out, "Done: network '%s' at MTU %u on %zu host(s).\n",
                records.network_name, opts->mtu, records.n_hosts);
    }
    free(roll.done);

out:
    pool_plan_destroy(&plan);
    pool_records_destroy(&records);
    pool_db_destroy(&db);
    xapi_client_close(client);
    return outcome;
}
