/* The plugin's functions (functions.h): version, probe, check, audit,
 * verify.  Each validates its arguments against a table of keys first; the
 * bodies reuse what the command line runs (inventory, planner, reports,
 * verify) and capture its JSON in memory. */
#include "functions.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers.h"
#include "error.h"
#include "host-json.h"
#include "host.h"
#include "inventory.h"
#include "lock.h"
#include "plan.h"
#include "policy.h"
#include "privilege.h"
#include "report.h"
#include "util.h"
#include "verify.h"
#include "vswitch.h"
#include "xmlrpc.h"

#ifndef JUMBOAGENT_VERSION
#define JUMBOAGENT_VERSION "0.1.0"
#endif

/* The version of the plugin's own interface: its functions, arguments and
 * results.  Bumped on an incompatible change. */
#define PLUGIN_PROTOCOL 1

#define PLUGIN_MAX_PEERS 16

/* What an argument's value must be. */
enum arg_kind {
    ARG_TIMEOUT,                /* Whole seconds, 1..the function's max. */
    ARG_MTU,                    /* Decimal 68..65535. */
    ARG_IFNAME,                 /* A Linux interface name. */
    ARG_UUID,                   /* A xapi network UUID. */
    ARG_PEERS,                  /* Comma-separated IPv4/IPv6 literals. */
    ARG_DB,                     /* unix:PATH of a root-owned socket. */
};

struct arg_spec {
    const char *key;
    enum arg_kind kind;
};

typedef void plugin_body(const struct xmlrpc_call *, struct plugin_reply *);

struct plugin_function {
    const char *name;
    plugin_body *body;
    unsigned int timeout;       /* Default deadline, seconds. */
    unsigned int max_timeout;   /* Largest "timeout" accepted. */
    const struct arg_spec *args;/* Known keys, ended by a NULL key. */
    const char *const *required;/* Keys that must be given (NULL ends). */
    const char *one_of[2];      /* Exactly one of these, or NULLs. */
};

void
plugin_fail(struct plugin_reply *reply, const char *code, const char *p1,
            const char *p2, const char *p3)
{
    const char *p[] = { code, p1, p2, p3 };

    plugin_reply_clear(reply);
    for (size_t i = 0; i < ARRAY_SIZE(p) && p[i]; i++) {
        reply->desc[reply->n_desc++] = xstrdup(p[i]);
    }
}

void
plugin_reply_clear(struct plugin_reply *reply)
{
    free(reply->value);
    for (size_t i = 0; i < reply->n_desc; i++) {
        free(reply->desc[i]);
    }
    memset(reply, 0, sizeof *reply);
}

/* Fails 'reply' with JUMBOAGENT_BAD_ARG [key, why]; returns -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
bad_arg(struct plugin_reply *reply, const char *key, const char *fmt, ...)
{
    char why[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(why, sizeof why, fmt, args);
    va_end(args);
    plugin_fail(reply, "JUMBOAGENT_BAD_ARG", key, why, NULL);
    return -EINVAL;
}

/* Parses 's' as a decimal number without sign, spaces or leading zeros,
 * in 'min'..'max'. */
static bool
parse_uint(const char *s, unsigned int min, unsigned int max,
           unsigned int *np)
{
    unsigned long n = 0;
    size_t len = strlen(s);

    if (!len || len > 6 || strspn(s, "0123456789") != len
        || (s[0] == '0' && len > 1)) {
        return false;
    }
    n = strtoul(s, NULL, 10);
    if (n < min || n > max) {
        return false;
    }
    *np = n;
    return true;
}

/* True if 's' is a UUID: 8-4-4-4-12 hex digits. */
static bool
is_uuid(const char *s)
{
    static const int groups[] = { 8, 4, 4, 4, 12 };

    for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
        size_t n = strspn(s, "0123456789abcdefABCDEF");

        if (n != (size_t) groups[g]) {
            return false;
        }
        s += n;
        if (g + 1 < ARRAY_SIZE(groups) && *s++ != '-') {
            return false;
        }
    }
    return !*s;
}

/* Checks 'value' of "peers": 1..PLUGIN_MAX_PEERS IP address literals
 * separated by commas.  Returns NULL or what is wrong. */
static const char *
peers_problem(const char *value, char *why, size_t size)
{
    const char *p = value;
    size_t n = 0;

    do {
        size_t len = strcspn(p, ",");
        unsigned char addr[16];
        char one[INET6_ADDRSTRLEN];

        if (!len || len >= sizeof one) {
            return "must be IP addresses separated by commas";
        }
        memcpy(one, p, len);
        one[len] = '\0';
        if (inet_pton(AF_INET, one, addr) != 1
            && inet_pton(AF_INET6, one, addr) != 1) {
            snprintf(why, size, "'%s' is not an IPv4 or IPv6 address", one);
            return why;
        }
        if (++n > PLUGIN_MAX_PEERS) {
            return "at most " HOST_STRINGIFY(PLUGIN_MAX_PEERS) " peers";
        }
        p += len;
    } while (*p++ == ',');
    return NULL;
}

/* Checks 'value' of "db": "unix:" and an absolute path of [A-Za-z0-9/._-]
 * without "..", naming a socket owned by root in a directory owned by root
 * that no one else may write.  Nothing else (no TCP, no SSL: those would
 * let the caller make a root process connect anywhere). */
static const char *
db_problem(const char *value)
{
    const char *path = value + 5;
    char dir[PATH_MAX];
    struct stat st;
    char *slash;

    if (strncmp(value, "unix:", 5) || path[0] != '/' || strlen(path) > 200
        || strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789/._-") != strlen(path)
        || strstr(path, "..") || strstr(path, "//")) {
        return "must be unix:/ABSOLUTE/PATH (letters, digits, '/', '.', "
               "'_', '-'; no '..') of the OVSDB server's socket";
    }
    if (lstat(path, &st) || !S_ISSOCK(st.st_mode) || st.st_uid) {
        return "is not a socket owned by root";
    }
    copy_string(dir, path, sizeof dir);
    slash = strrchr(dir, '/');
    if (slash == dir) {
        slash[1] = '\0';
    } else {
        *slash = '\0';
    }
    if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid
        || (st.st_mode & 022)) {
        return "is in a directory that is not root's alone (owned by root, "
               "writable by no one else)";
    }
    return NULL;
}

/* Validates 'value' of the argument 'key' of kind 'kind' for 'fn'. */
static int
validate_one(const struct plugin_function *fn, const char *key,
             enum arg_kind kind, const char *value, struct plugin_reply *reply)
{
    const char *problem;
    unsigned int n;
    char why[128];

    switch (kind) {
    case ARG_TIMEOUT:
        if (!parse_uint(value, 1, fn->max_timeout, &n)) {
            return bad_arg(reply, key, "must be whole seconds from 1 to %u",
                           fn->max_timeout);
        }
        return 0;
    case ARG_MTU:
        if (!parse_uint(value, HOST_MTU_MIN, HOST_MTU_MAX, &n)) {
            return bad_arg(reply, key, "must be a whole number from %d to %d",
                           HOST_MTU_MIN, HOST_MTU_MAX);
        }
        return 0;
    case ARG_IFNAME:
        problem = policy_ifname_problem(value, strlen(value));
        return problem ? bad_arg(reply, key, "the interface name %s",
                                 problem) : 0;
    case ARG_UUID:
        return (is_uuid(value) ? 0
                : bad_arg(reply, key, "must be a network UUID "
                          "(8-4-4-4-12 hex digits)"));
    case ARG_PEERS:
        problem = peers_problem(value, why, sizeof why);
        return problem ? bad_arg(reply, key, "%s", problem) : 0;
    case ARG_DB:
        problem = db_problem(value);
        return problem ? bad_arg(reply, key, "%s", problem) : 0;
    default:
        return bad_arg(reply, key, "internal error: unknown kind");
    }
}

int
plugin_validate(const struct plugin_function *fn,
                const struct xmlrpc_call *call, unsigned int *secondsp,
                struct plugin_reply *reply)
{
    const char *timeout;
    int error;

    for (size_t i = 0; i < call->n_args; i++) {
        const struct xmlrpc_arg *arg = &call->args[i];
        const struct arg_spec *spec = fn->args;

        while (spec->key && strcmp(spec->key, arg->key)) {
            spec++;
        }
        if (!spec->key) {
            return bad_arg(reply, arg->key, "%s takes no argument of this "
                           "name; see README.md for its arguments",
                           fn->name);
        }
        error = validate_one(fn, arg->key, spec->kind, arg->value, reply);
        if (error) {
            return error;
        }
    }
    for (const char *const *r = fn->required; r && *r; r++) {
        if (!xmlrpc_call_get(call, *r)) {
            return bad_arg(reply, *r, "%s needs this argument", fn->name);
        }
    }
    if (fn->one_of[0]
        && !xmlrpc_call_get(call, fn->one_of[0])
           == !xmlrpc_call_get(call, fn->one_of[1])) {
        return bad_arg(reply, fn->one_of[0], "%s needs exactly one of %s "
                       "and %s", fn->name, fn->one_of[0], fn->one_of[1]);
    }
    timeout = xmlrpc_call_get(call, "timeout");
    *secondsp = timeout ? (unsigned int) strtoul(timeout, NULL, 10)
                        : fn->timeout;
    return 0;
}

/* An in-memory stream for the writers that take a FILE. */
struct capture {
    char *buf;
    size_t size;
    FILE *stream;
};

static FILE *
capture_open(struct capture *c)
{
    c->buf = NULL;
    c->size = 0;
    c->stream = open_memstream(&c->buf, &c->size);
    if (!c->stream) {
        abort();
    }
    return c->stream;
}

/* Closes 'c' and moves its text into 'reply' as the success value, or
 * fails 'reply' if it could not be written. */
static void
capture_reply(struct capture *c, struct plugin_reply *reply)
{
    bool bad = ferror(c->stream);

    fclose(c->stream);
    if (bad) {
        free(c->buf);
        plugin_fail(reply, "JUMBOAGENT_INTERNAL", "the result could not be "
                    "written to memory", NULL, NULL);
        return;
    }
    plugin_reply_clear(reply);
    reply->value = c->buf;
}


/* Loads the driver table into '*driversp', or fails 'reply'. */
static int
load_drivers(struct driver_table **driversp, struct plugin_reply *reply)
{
    struct error err;
    int error;

    error_clear(&err);
    error = driver_table_parse_file(drivers_default_file(), driversp, &err);
    if (error) {
        plugin_fail(reply, "JUMBOAGENT_INTERNAL", err.msg, NULL, NULL);
    }
    return error;
}

/* Gives up the capabilities that 'need' does not keep, or fails 'reply'. */
static int
drop_privileges(enum privilege_need need, struct plugin_reply *reply)
{
    struct error err;
    int error;

    error_clear(&err);
    error = privilege_drop(need, &err);
    if (error) {
        plugin_fail(reply, "JUMBOAGENT_INTERNAL", err.msg, NULL, NULL);
    }
    return error;
}

/* Reads the live host (OVSDB at the "db" argument, else the default), with
 * no capability left, into '*hostp', or fails 'reply'. */
static int
read_host(const struct xmlrpc_call *call, struct host **hostp,
          struct plugin_reply *reply)
{
    const char *db = xmlrpc_call_get(call, "db");
    const char *timeout = xmlrpc_call_get(call, "timeout");
    int timeout_ms = (timeout ? (int) strtol(timeout, NULL, 10) : 20) * 1000;
    struct error err;
    int error;

    error = drop_privileges(PRIVILEGE_READ, reply);
    if (error) {
        return error;
    }
    error_clear(&err);
    error = inventory_read(db ? db : vswitch_default_remote(), timeout_ms,
                           db != NULL, hostp, NULL, &err);
    if (error) {
        plugin_fail(reply, "JUMBOAGENT_INTERNAL", err.msg, NULL, NULL);
    }
    return error;
}

/* Fails 'reply' with JUMBOAGENT_BUSY while an apply holds the run lock:
 * what it would read is half way between two states. */
static int
check_not_busy(struct plugin_reply *reply)
{
    if (lock_probe(LOCK_DEFAULT_FILE)) {
        plugin_fail(reply, "JUMBOAGENT_BUSY", NULL, NULL, NULL);
        return -EBUSY;
    }
    return 0;
}

static void
fn_version(const struct xmlrpc_call *call, struct plugin_reply *reply)
{
    struct driver_table *drivers;
    json_object *doc, *dt;

    (void) call;
    if (load_drivers(&drivers, reply)) {
        return;
    }
    doc = json_object_new_object();
    json_object_object_add(doc, "agent",
                           json_object_new_string(JUMBOAGENT_VERSION));
    json_object_object_add(doc, "protocol",
                           json_object_new_int(PLUGIN_PROTOCOL));
    dt = json_object_new_object();
    json_object_object_add(dt, "file", json_object_new_string(drivers->file));
    json_object_object_add(dt, "entries",
                           json_object_new_int64(drivers->n_entries));
    json_object_object_add(doc, "drivers", dt);
    plugin_reply_clear(reply);
    reply->value = xstrdup(json_object_to_json_string_ext(
                               doc, JSON_C_TO_STRING_PLAIN));
    json_object_put(doc);
    driver_table_destroy(drivers);
}

static void
fn_probe(const struct xmlrpc_call *call, struct plugin_reply *reply)
{
    struct capture c;
    struct host *host;

    if (read_host(call, &host, reply)) {
        return;
    }
    host_json_write(host, capture_open(&c));
    capture_reply(&c, reply);
    host_destroy(host);
}

static void
fn_audit(const struct xmlrpc_call *call, struct plugin_reply *reply)
{
    struct driver_table *drivers = NULL;
    struct policy *policy = NULL;
    struct host *host = NULL;
    struct plan *plan = NULL;
    struct error err;
    int error;

    error_clear(&err);
    if (check_not_busy(reply)) {
        return;
    }
    error = policy_parse_file(POLICY_DEFAULT_FILE, &policy, &err);
    if (error && error != -ENOENT) {
        plugin_fail(reply, "JUMBOAGENT_INTERNAL", err.msg, NULL, NULL);
        return;
    }
    if (!load_drivers(&drivers, reply) && !read_host(call, &host, reply)) {
        if (plan_compute(policy, host, drivers, &plan, &err)) {
            plugin_fail(reply, "JUMBOAGENT_INTERNAL", err.msg, NULL, NULL);
        } else {
            struct report_context ctx = {
                .policy = policy,
                .policy_file = policy ? POLICY_DEFAULT_FILE : NULL,
                .drivers = drivers,
                .host = host,
                .plan = plan,
            };
            struct capture c;

            report_json(&ctx, capture_open(&c));
            capture_reply(&c, reply);
        }
    }
    plan_destroy(plan);
    host_destroy(host);
    policy_destroy(policy);
    driver_table_destroy(drivers);
}

/* Returns the OVS bridge of 'host' whose external_ids:xs-network-uuids
 * (';'-separated) holds 'uuid', or NULL. */
static const char *
bridge_of_network(const struct host *host, const char *uuid)
{
    size_t len = strlen(uuid);

    for (size_t i = 0; i < host->n_bridges; i++) {
        const struct host_ovs_bridge *br = &host->bridges[i];
        const char *p = host_kv_get(br->external_ids, br->n_external_ids,
                                    "xs-network-uuids");

        while (p && *p) {
            if (!strncasecmp(p, uuid, len) && (!p[len] || p[len] == ';')) {
                return br->name;
            }
            p = strchr(p, ';');
            p = p ? p + 1 : NULL;
        }
    }
    return NULL;
}

/* Returns a new one-network policy text: 'bridge' at 'mtu', probing
 * 'peers' (comma-separated, or NULL). */
static char *
synthetic_policy(const char *bridge, const char *mtu, const char *peers)
{
    json_object *doc = json_object_new_object();
    json_object *nets = json_object_new_array();
    json_object *net = json_object_new_object();
    char *text;

    json_object_object_add(doc, "version", json_object_new_int(1));
    json_object_object_add(net, "name", json_object_new_string(bridge));
    json_object_object_add(net, "bridge", json_object_new_string(bridge));
    json_object_object_add(net, "mtu", json_object_new_int((int) strtol(mtu, NULL, 10)));
    if (peers) {
        json_object *v = json_object_new_object();
        json_object *list = json_object_new_array();
        char *copy = xstrdup(peers), *save = NULL;

        for (char *p = strtok_r(copy, ",", &save); p;
             p = strtok_r(NULL, ",", &save)) {
            json_object_array_add(list, json_object_new_string(p));
        }
        free(copy);
        json_object_object_add(v, "peers", list);
        json_object_object_add(net, "verify", v);
    }
    json_object_array_add(nets, net);
    json_object_object_add(doc, "networks", nets);
    text = xstrdup(json_object_to_json_string_ext(doc,
                                                  JSON_C_TO_STRING_PLAIN));
    json_object_put(doc);
    return text;
}

/* Parses the synthetic policy for 'bridge' into '*policyp', or fails
 * 'reply' (JUMBOAGENT_BAD_ARG: the policy's own rules refused it). */
static int
parse_synthetic(const char *bridge, const char *mtu, const char *peers,
                struct policy **policyp, struct plugin_reply *reply)
{
    char *text = synthetic_policy(bridge, mtu, peers);
    struct error err;
    int error;

    error_clear(&err);
    error = policy_parse_buffer("arguments", text, strlen(text), policyp,
                                &err);
    free(text);
    if (error) {
        plugin_fail(reply, "JUMBOAGENT_BAD_ARG", "mtu", err.msg, NULL);
    }
    return error;
}

/* Adds to 'refusals' one {interface, driver, reason}. */
static void
add_refusal(json_object *refusals, const char *ifname, const char *driver,
            const char *reason)
{
    json_object *r = json_object_new_object();

    json_object_object_add(r, "interface", json_object_new_string(ifname));
    json_object_object_add(r, "driver", json_object_new_string(driver));
    json_object_object_add(r, "reason", json_object_new_string(reason));
    json_object_array_add(refusals, r);
}

/* The check's answer for 'bridge' at 'mtu' on 'host' ('plan' NULL when the
 * bridge is not on the host). */
static char *
check_result(const struct host *host, const char *bridge, const char *mtu,
             const struct plan *plan)
{
    json_object *doc = json_object_new_object();
    json_object *refusals = json_object_new_array();
    json_object *findings = json_object_new_array();
    char *text;

    if (!plan) {
        char reason[256];

        snprintf(reason, sizeof reason, "bridge %s is not on this host "
                 "(neither an OVS bridge nor a Linux bridge)", bridge);
        add_refusal(refusals, bridge, "", reason);
    }
    for (size_t i = 0; plan && i < plan->n_findings; i++) {
        const struct finding *f = &plan->findings[i];
        const struct host_link *link = host_find_link(host, f->ifname);
        json_object *o = json_object_new_object();

        if (f->severity == SEVERITY_REFUSED) {
            add_refusal(refusals, f->ifname, link ? link->driver : "",
                        f->message);
        }
        json_object_object_add(o, "severity", json_object_new_string(
                                   finding_severity_to_string(f->severity)));
        json_object_object_add(o, "kind", json_object_new_string(
                                   finding_kind_to_string(f->kind)));
        json_object_object_add(o, "interface",
                               json_object_new_string(f->ifname));
        json_object_object_add(o, "message",
                               json_object_new_string(f->message));
        json_object_array_add(findings, o);
    }
    json_object_object_add(doc, "ok", json_object_new_boolean(
                               !json_object_array_length(refusals)));
    json_object_object_add(doc, "bridge", json_object_new_string(bridge));
    json_object_object_add(doc, "mtu", json_object_new_int((int) strtol(mtu, NULL, 10)));
    json_object_object_add(doc, "refusals", refusals);
    json_object_object_add(doc, "findings", findings);
    text = xstrdup(json_object_to_json_string_ext(doc,
                                                  JSON_C_TO_STRING_PLAIN));
    json_object_put(doc);
    return text;
}

/* True if 'name' is a bridge of 'host': OVS, or a Linux bridge link. */
static bool
host_has_bridge(const struct host *host, const char *name)
{
    const struct host_link *link = host_find_link(host, name);

    return ((host->ovs_reachable && host_find_bridge(host, name))
            || (link && link->kind == LINK_KIND_BRIDGE));
}

static void
fn_check(const struct xmlrpc_call *call, struct plugin_reply *reply)
{
    const char *mtu = xmlrpc_call_get(call, "mtu");
    const char *network = xmlrpc_call_get(call, "network");
    const char *bridge = xmlrpc_call_get(call, "bridge");
    struct driver_table *drivers = NULL;
    struct policy *policy = NULL;
    struct host *host = NULL;
    struct plan *plan = NULL;
    struct error err;

    error_clear(&err);
    if (check_not_busy(reply) || load_drivers(&drivers, reply)
        || read_host(call, &host, reply)) {
        goto out;
    }
    if (network) {
        bridge = bridge_of_network(host, network);
        if (!bridge) {
            bad_arg(reply, "network", "no OVS bridge of this host carries "
                    "network %s (external_ids:xs-network-uuids)%s", network,
                    host->ovs_reachable ? "" : "; OVSDB could not be read");
            goto out;
        }
    }
    if (parse_synthetic(bridge, mtu, NULL, &policy, reply)) {
        goto out;
    }
    if (host_has_bridge(host, bridge)
        && plan_compute(policy, host, drivers, &plan, &err)) {
        plugin_fail(reply, "JUMBOAGENT_INTERNAL", err.msg, NULL, NULL);
        goto out;
    }
    plugin_reply_clear(reply);
    reply->value = check_result(host, bridge, mtu, plan);
out:
    plan_destroy(plan);
    host_destroy(host);
    policy_destroy(policy);
    driver_table_destroy(drivers);
}

static void
fn_verify(const struct xmlrpc_call *call, struct plugin_reply *reply)
{
    struct policy *policy = NULL;
    struct verify_run *run = NULL;
    struct error err;

    error_clear(&err);
    if (parse_synthetic(xmlrpc_call_get(call, "bridge"),
                        xmlrpc_call_get(call, "mtu"),
                        xmlrpc_call_get(call, "peers"), &policy, reply)
        || drop_privileges(PRIVILEGE_APPLY, reply)) {
        goto out;
    }
    if (verify_prepare(policy, 1000, &run, &err)
        || verify_probe(run, &err)) {
        plugin_fail(reply, "JUMBOAGENT_INTERNAL", err.msg, NULL, NULL);
    } else {
        struct capture c;

        verify_write_json(run, "none", capture_open(&c));
        capture_reply(&c, reply);
    }
out:
    verify_destroy(run);
    policy_destroy(policy);
}

static const struct arg_spec no_args[] = {
    { "timeout", ARG_TIMEOUT }, { NULL, 0 },
};
static const struct arg_spec host_args[] = {
    { "timeout", ARG_TIMEOUT }, { "db", ARG_DB }, { NULL, 0 },
};
static const struct arg_spec check_args[] = {
    { "timeout", ARG_TIMEOUT }, { "db", ARG_DB }, { "bridge", ARG_IFNAME },
    { "network", ARG_UUID }, { "mtu", ARG_MTU }, { NULL, 0 },
};
static const struct arg_spec verify_args[] = {
    { "timeout", ARG_TIMEOUT }, { "bridge", ARG_IFNAME }, { "mtu", ARG_MTU },
    { "peers", ARG_PEERS }, { NULL, 0 },
};
static const char *const check_required[] = { "mtu", NULL };
static const char *const verify_required[] = { "bridge", "mtu", "peers",
                                               NULL };

static const struct plugin_function functions[] = {
    { "version", fn_version, 20, 120, no_args, NULL, { NULL, NULL } },
    { "probe", fn_probe, 20, 120, host_args, NULL, { NULL, NULL } },
    { "check", fn_check, 20, 120, check_args, check_required,
      { "bridge", "network" } },
    { "audit", fn_audit, 20, 120, host_args, NULL, { NULL, NULL } },
    { "verify", fn_verify, 60, 300, verify_args, verify_required,
      { NULL, NULL } },
};

const struct plugin_function *
plugin_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(functions); i++) {
        if (!strcmp(functions[i].name, name)) {
            return &functions[i];
        }
    }
    return NULL;
}

const char *
plugin_name(const struct plugin_function *fn)
{
    return fn->name;
}

void
plugin_run(const struct plugin_function *fn, const struct xmlrpc_call *call,
           struct plugin_reply *reply)
{
    plugin_fail(reply, "JUMBOAGENT_INTERNAL", "the function gave no answer",
                NULL, NULL);
    fn->body(call, reply);
}
