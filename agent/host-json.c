/* The host model as JSON: see host-json.h, and docs/show-json.md for the
 * schema.
 *
 * Writing builds a json-c tree from a 'struct host' and prints it with two
 * spaces of indentation (empty objects and arrays as "{}" and "[]").  Reading
 * parses strictly with json-input.c (json-c plus the checks json-c lacks:
 * duplicate keys, single quotes, raw control characters, NaN; a problem with
 * the text reads "NAME: line L, column C: invalid JSON: ..."), checks every
 * member against the schema with json-input.c's typed getters (unknown
 * members and wrong types are errors, named by their JSON path: "NAME: PATH:
 * ..."), and copies the values into a new 'struct host'; no json-c object
 * outlives the call. */
#include "host-json.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "escape.h"
#include "host.h"
#include "json-input.h"
#include "name-index.h"
#include "safe-file.h"
#include "util.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

const char *
host_json_iface_role(const char *bridge, const struct host_ovs_port *port,
                     const struct host_ovs_iface *iface)
{
    /* Show does not tell a fake bridge's internal port from the bridge's
     * own: both are "internal". */
    static const char *const names[HOST_ROLE_MAX] = {
        [HOST_ROLE_UPLINK] = "uplink",
        [HOST_ROLE_MEMBER] = "member",
        [HOST_ROLE_INTERNAL] = "internal",
        [HOST_ROLE_VLAN] = "internal",
        [HOST_ROLE_VIF] = "vif",
        [HOST_ROLE_TUNNEL] = "tunnel",
        [HOST_ROLE_PATCH] = "patch",
    };

    return names[host_ovs_iface_role(bridge, port, iface, NULL, 0)];
}

/* Writing. */

static struct json_object *
string_or_null(const char *s)
{
    return s[0] ? json_object_new_string(s) : NULL;
}

static struct json_object *
int_or_null(bool present, long long value)
{
    return present ? json_object_new_int64(value) : NULL;
}

static struct json_object *
kvs_to_json(const struct host_kv *kvs, size_t n)
{
    struct json_object *obj = json_object_new_object();

    for (size_t i = 0; i < n; i++) {
        json_object_object_add(obj, kvs[i].key,
                               json_object_new_string(kvs[i].value));
    }
    return obj;
}

static struct json_object *
sysctl_to_json(int value)
{
    return int_or_null(value >= 0, value);
}

static struct json_object *
link_to_json(const struct host_link *link)
{
    struct json_object *obj = json_object_new_object();
    char pci[32];

    json_object_object_add(obj, "name", json_object_new_string(link->name));
    json_object_object_add(obj, "ifindex",
                           json_object_new_int64(link->ifindex));
    json_object_object_add(obj, "kind", json_object_new_string(
                               link_kind_to_string(link->kind)));
    json_object_object_add(obj, "kind_name",
                           json_object_new_string(link->kind_name));
    json_object_object_add(obj, "mtu", json_object_new_int64(link->mtu));
    json_object_object_add(obj, "min_mtu",
                           int_or_null(link->min_mtu, link->min_mtu));
    json_object_object_add(obj, "max_mtu",
                           int_or_null(link->max_mtu, link->max_mtu));
    json_object_object_add(obj, "up", json_object_new_boolean(link->up));
    json_object_object_add(obj, "operstate",
                           json_object_new_string(link->operstate));
    json_object_object_add(obj, "mac", json_object_new_string(link->mac));
    json_object_object_add(obj, "master", string_or_null(link->master));
    json_object_object_add(obj, "lower", string_or_null(link->lower));
    json_object_object_add(obj, "peer", string_or_null(link->peer));
    json_object_object_add(obj, "vlan_id",
                           json_object_new_int64(link->vlan_id));
    json_object_object_add(obj, "tunnel_ipv6",
                           json_object_new_boolean(link->tunnel_ipv6));
    json_object_object_add(obj, "tunnel_key",
                           json_object_new_boolean(link->tunnel_key));
    json_object_object_add(obj, "driver",
                           json_object_new_string(link->driver));
    json_object_object_add(obj, "bus_info",
                           json_object_new_string(link->bus_info));
    snprintf(pci, sizeof pci, "%04x:%04x", link->pci_vendor,
             link->pci_device);
    json_object_object_add(obj, "pci", link->has_pci
                                       ? json_object_new_string(pci) : NULL);
    json_object_object_add(obj, "lro", json_object_new_string(
                               lro_state_to_string(link->lro)));
    json_object_object_add(obj, "default_route",
                           json_object_new_boolean(link->default_route));
    if (link->vm_name[0]) {
        json_object_object_add(obj, "vm_name",
                               json_object_new_string(link->vm_name));
    }
    if (link->nic_model[0]) {
        json_object_object_add(obj, "nic_model",
                               json_object_new_string(link->nic_model));
    }
    if (link->xen_feature_sg >= 0) {
        json_object_object_add(obj, "xen_feature_sg",
                               json_object_new_int(link->xen_feature_sg));
    }
    return obj;
}

static struct json_object *
iface_to_json(const struct host *host, const char *bridge,
              const struct host_ovs_port *port,
              const struct host_ovs_iface *iface)
{
    struct json_object *obj = json_object_new_object();
    const struct host_link *link = host_find_link(host, iface->name);

    json_object_object_add(obj, "name", json_object_new_string(iface->name));
    json_object_object_add(obj, "type", json_object_new_string(
                               iface->type[0] ? iface->type : "system"));
    json_object_object_add(obj, "mtu", int_or_null(iface->has_mtu,
                                                   iface->mtu));
    json_object_object_add(obj, "mtu_request",
                           int_or_null(iface->has_mtu_request,
                                       iface->mtu_request));
    json_object_object_add(obj, "ofport", int_or_null(iface->has_ofport,
                                                      iface->ofport));
    json_object_object_add(obj, "error", string_or_null(iface->error));
    json_object_object_add(obj, "external_ids",
                           kvs_to_json(iface->external_ids,
                                       iface->n_external_ids));
    json_object_object_add(obj, "kernel_mtu",
                           int_or_null(link != NULL, link ? link->mtu : 0));
    json_object_object_add(obj, "role", json_object_new_string(
                               host_json_iface_role(bridge, port, iface)));
    return obj;
}

static struct json_object *
port_to_json(const struct host *host, const char *bridge,
             const struct host_ovs_port *port)
{
    struct json_object *obj = json_object_new_object();
    struct json_object *ifaces = json_object_new_array();

    json_object_object_add(obj, "name", json_object_new_string(port->name));
    json_object_object_add(obj, "bond_mode", string_or_null(port->bond_mode));
    json_object_object_add(obj, "tag", int_or_null(port->tag, port->tag));
    json_object_object_add(obj, "external_ids",
                           kvs_to_json(port->external_ids,
                                       port->n_external_ids));
    for (size_t i = 0; i < port->n_ifaces; i++) {
        json_object_array_add(ifaces,
                              iface_to_json(host, bridge, port,
                                            &port->ifaces[i]));
    }
    json_object_object_add(obj, "interfaces", ifaces);
    return obj;
}

static struct json_object *
bridge_to_json(const struct host *host, const struct host_ovs_bridge *br)
{
    struct json_object *obj = json_object_new_object();
    struct json_object *ports = json_object_new_array();

    json_object_object_add(obj, "name", json_object_new_string(br->name));
    json_object_object_add(obj, "datapath_type",
                           json_object_new_string(br->datapath_type));
    json_object_object_add(obj, "external_ids",
                           kvs_to_json(br->external_ids,
                                       br->n_external_ids));
    for (size_t i = 0; i < br->n_ports; i++) {
        json_object_array_add(ports, port_to_json(host, br->name, &br->ports[i]));
    }
    json_object_object_add(obj, "ports", ports);
    return obj;
}

static struct json_object *
ovs_to_json(const struct host *host)
{
    struct json_object *obj = json_object_new_object();
    struct json_object *bridges = json_object_new_array();

    json_object_object_add(obj, "reachable",
                           json_object_new_boolean(host->ovs_reachable));
    json_object_object_add(obj, "remote",
                           json_object_new_string(host->ovs_remote));
    json_object_object_add(obj, "error", string_or_null(host->ovs_error));
    if (host->ovs_reachable) {
        json_object_object_add(obj, "version",
                               string_or_null(host->ovs_version));
        json_object_object_add(obj, "cur_cfg",
                               json_object_new_int64(host->ovs_cur_cfg));
        json_object_object_add(obj, "next_cfg",
                               json_object_new_int64(host->ovs_next_cfg));
        for (size_t i = 0; i < host->n_bridges; i++) {
            json_object_array_add(bridges,
                                  bridge_to_json(host, &host->bridges[i]));
        }
    }
    json_object_object_add(obj, "bridges", bridges);
    return obj;
}

static struct json_object *
host_to_json(const struct host *host)
{
    struct json_object *obj = json_object_new_object();
    struct json_object *sysctls = json_object_new_object();
    struct json_object *links = json_object_new_array();

    json_object_object_add(obj, "version",
                           json_object_new_int(HOST_JSON_VERSION));
    json_object_object_add(obj, "hostname",
                           json_object_new_string(host->hostname));
    json_object_object_add(obj, "xen_dom0",
                           json_object_new_boolean(host->xen_dom0));
    json_object_object_add(sysctls, "ip_forward",
                           sysctl_to_json(host->sysctls.ip_forward));
    json_object_object_add(sysctls, "ipv6_forwarding",
                           sysctl_to_json(host->sysctls.ipv6_forwarding));
    json_object_object_add(sysctls, "tcp_mtu_probing",
                           sysctl_to_json(host->sysctls.tcp_mtu_probing));
    json_object_object_add(sysctls, "ipv6_disabled",
                           sysctl_to_json(host->sysctls.ipv6_disabled));
    json_object_object_add(obj, "sysctls", sysctls);
    for (size_t i = 0; i < host->n_links; i++) {
        json_object_array_add(links, link_to_json(&host->links[i]));
    }
    json_object_object_add(obj, "links", links);
    json_object_object_add(obj, "ovs", ovs_to_json(host));
    return obj;
}

static void
write_indent(FILE *stream, int depth)
{
    fprintf(stream, "%*s", depth * 2, "");
}

/* Prints the string 's' as a JSON string literal, its bytes in the "\xNN"
 * escape (escape.h), so that the output is valid UTF-8 whatever the name. */
static void
write_string(FILE *stream, const char *s)
{
    char *escaped = escape_json_encode(s);
    struct json_object *str = json_object_new_string(escaped);

    free(escaped);

    fputs(json_object_to_json_string_ext(str, JSON_FLAGS), stream);
    json_object_put(str);
}

/* Prints 'value' (NULL means null) indented for 'depth', without a final
 * newline.  json-c's own pretty printer is not used because it spreads empty
 * objects and arrays over two lines. */
static void
write_value(FILE *stream, struct json_object *value, int depth)
{
    size_t n;

    switch (json_object_get_type(value)) {
    case json_type_object:
        if (!json_object_object_length(value)) {
            fputs("{}", stream);
            break;
        }
        fputs("{\n", stream);
        n = 0;
        json_object_object_foreach (value, key, member) {
            if (n++) {
                fputs(",\n", stream);
            }
            write_indent(stream, depth + 1);
            write_string(stream, key);
            fputs(": ", stream);
            write_value(stream, member, depth + 1);
        }
        fputc('\n', stream);
        write_indent(stream, depth);
        fputc('}', stream);
        break;

    case json_type_array:
        n = json_object_array_length(value);
        if (!n) {
            fputs("[]", stream);
            break;
        }
        fputs("[\n", stream);
        for (size_t i = 0; i < n; i++) {
            write_indent(stream, depth + 1);
            write_value(stream, json_object_array_get_idx(value, i),
                        depth + 1);
            fputs(i + 1 < n ? ",\n" : "\n", stream);
        }
        write_indent(stream, depth);
        fputc(']', stream);
        break;

    case json_type_string:
        write_string(stream, json_object_get_string(value));
        break;

    case json_type_null:
    case json_type_boolean:
    case json_type_double:
    case json_type_int:
    default:
        fputs(json_object_to_json_string_ext(value, JSON_FLAGS), stream);
        break;
    }
}

void
host_json_write(const struct host *host, FILE *stream)
{
    struct json_object *root = host_to_json(host);

    write_value(stream, root, 0);
    fputc('\n', stream);
    json_object_put(root);
}

/* Reading. */

#define PATH_SIZE JSON_INPUT_PATH_SIZE

/* A host model larger than this is refused: even a host with thousands of
 * interfaces has a model of a few megabytes. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)

/* What the shared reader needs to know about a host model. */
static const struct json_input_spec host_spec = {
    .what = "host model",
    .shape = "a host model is one JSON object (see host-json.h)",
    .max_size = MAX_FILE_SIZE,
    .max_depth = JSON_TOKENER_DEFAULT_DEPTH,
};

/* Object kinds: the keys each may have. */
static const char *const host_keys[] = {
    "version", "hostname", "xen_dom0", "sysctls", "links", "ovs",
};
static const char *const sysctl_keys[] = {
    "ip_forward", "ipv6_forwarding", "tcp_mtu_probing", "ipv6_disabled",
};
static const char *const link_keys[] = {
    "name", "ifindex", "kind", "kind_name", "mtu", "min_mtu", "max_mtu",
    "up", "operstate", "mac", "master", "lower", "peer", "vlan_id",
    "tunnel_ipv6", "tunnel_key", "driver", "bus_info", "pci", "lro",
    "default_route", "vm_name", "nic_model", "xen_feature_sg",
};
static const char *const ovs_keys[] = {
    "reachable", "remote", "error", "version", "cur_cfg", "next_cfg",
    "bridges",
};
static const char *const bridge_keys[] = {
    "name", "datapath_type", "external_ids", "ports",
};
static const char *const port_keys[] = {
    "name", "bond_mode", "tag", "external_ids", "interfaces",
};
static const char *const iface_keys[] = {
    "name", "type", "mtu", "mtu_request", "ofport", "error", "external_ids",
    "kernel_mtu", "role",
};
static const struct json_input_keys host_kind = JSON_INPUT_KEYS(host_keys);
static const struct json_input_keys sysctl_kind
    = JSON_INPUT_KEYS(sysctl_keys);
static const struct json_input_keys link_kind = JSON_INPUT_KEYS(link_keys);
static const struct json_input_keys ovs_kind = JSON_INPUT_KEYS(ovs_keys);
static const struct json_input_keys bridge_kind
    = JSON_INPUT_KEYS(bridge_keys);
static const struct json_input_keys port_kind = JSON_INPUT_KEYS(port_keys);
static const struct json_input_keys iface_kind = JSON_INPUT_KEYS(iface_keys);

static const char *const iface_roles[] = {
    "uplink", "internal", "vif", "member", "tunnel", "patch",
};

/* Decodes the "\xNN" escape (escape.h) of 's' at 'path' into 'dst' of
 * 'size' bytes. */
static int
decode_string(const struct json_input_ctx *r, const char *path,
              const char *s, char *dst, size_t size)
{
    char quoted[128];
    int error = escape_json_decode(s, dst, size);

    if (error == -ENAMETOOLONG) {
        return json_input_error(r, path, "the string is %zu bytes long, "
                                "more than the %zu allowed", strlen(s),
                                size - 1);
    } else if (error) {
        return json_input_error(r, path, "%s: a backslash must start \\\\ "
                                "(a backslash) or \\xNN (the byte NN, not "
                                "00); see docs/show-json.md",
                                json_input_quote(s, strlen(s), quoted,
                                                 sizeof quoted));
    }
    return 0;
}

/* Reads the optional string member 'key' of 'obj' at 'path' into 'dst' of
 * 'size' bytes, decoding its "\xNN" escapes; leaves 'dst' alone if it is
 * absent.  If 'flags' has JSON_INPUT_NULLABLE, null is stored as "". */
static int
read_string(const struct json_input_ctx *r, struct json_object *obj,
            const char *path, const char *key, int flags, char *dst,
            size_t size)
{
    char mpath[PATH_SIZE];
    struct json_object *value;
    const char *s = NULL;
    int error;

    if (!json_input_member(obj, path, key, &value, mpath)) {
        return 0;
    }
    error = json_input_get_string(r, obj, path, key, flags, SIZE_MAX, NULL,
                                  &s);
    if (error || !s) {
        if (!error) {
            dst[0] = '\0';          /* null. */
        }
        return error;
    }
    return decode_string(r, mpath, s, dst, size);
}

/* Reads the object member 'key' of 'obj' at 'path', whose values must be
 * strings, appending its pairs, decoded from the "\xNN" escape, to '*kvs'
 * of '*n'. */
static int
read_kvs(const struct json_input_ctx *r, struct json_object *obj,
         const char *path, const char *key, struct host_kv **kvs, size_t *n)
{
    char mpath[PATH_SIZE];
    struct json_object *value;
    int error;

    error = json_input_get_object(r, obj, path, key, 0, NULL, NULL, &value);
    if (error || !value) {
        return error;
    }
    json_input_path_key(mpath, sizeof mpath, path, key, strlen(key));
    json_object_object_foreach (value, k, v) {
        size_t k_size = strlen(k) + 1;
        char vpath[PATH_SIZE];
        char *dk, *dv;
        const char *s;

        json_input_path_key(vpath, sizeof vpath, mpath, k, strlen(k));
        error = json_input_string(r, v, vpath, SIZE_MAX, 0, NULL, &s);
        if (error) {
            return error;
        }
        dk = xmalloc(k_size);
        dv = xmalloc(strlen(s) + 1);
        error = decode_string(r, vpath, s, dv, strlen(s) + 1);
        if (!error && escape_json_decode(k, dk, k_size)) {
            error = json_input_error(r, vpath, "the key is not in the \\xNN "
                                     "escape of docs/show-json.md");
        }
        if (!error) {
            host_kv_add(kvs, n, dk, dv);
        }
        free(dk);
        free(dv);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Reads the required, nonempty "name" of the object 'obj' at 'path' into
 * 'dst' (HOST_NAME_SIZE bytes); 'what' names the object ("link"). */
static int
read_name(const struct json_input_ctx *r, struct json_object *obj,
          const char *path, const char *what, char dst[HOST_NAME_SIZE])
{
    char mpath[PATH_SIZE];
    char rule[64];
    int error;

    snprintf(rule, sizeof rule, "every %s needs one", what);
    if (!json_object_object_get_ex(obj, "name", NULL)) {
        return json_input_missing(r, path, "name", rule);
    }
    error = read_string(r, obj, path, "name", 0, dst, HOST_NAME_SIZE);
    /* read_string() fills 'dst' on success; the analyzer cannot see that.
     * NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Branch) */
    if (!error && !dst[0]) {
        json_input_path_key(mpath, sizeof mpath, path, "name", 4);
        error = json_input_error(r, mpath, "the string is empty; %s", rule);
    }
    return error;
}

/* Reads the sysctls object member of 'obj' at 'path' into 'sysctls'. */
static int
read_sysctls(const struct json_input_ctx *r, struct json_object *obj,
             const char *path, struct host_sysctls *sysctls)
{
    int *values[] = {
        &sysctls->ip_forward, &sysctls->ipv6_forwarding,
        &sysctls->tcp_mtu_probing, &sysctls->ipv6_disabled,
    };
    char spath[PATH_SIZE];
    struct json_object *value;
    int error;

    error = json_input_get_object(r, obj, path, "sysctls", 0, &sysctl_kind,
                                  NULL, &value);
    if (error || !value) {
        return error;
    }
    json_input_path_key(spath, sizeof spath, path, "sysctls", 7);
    for (size_t i = 0; i < ARRAY_SIZE(sysctl_keys); i++) {
        long long n = -1;       /* Absent or null. */

        error = json_input_get_int(r, value, spath, sysctl_keys[i],
                                   JSON_INPUT_NULLABLE, 0, INT_MAX, NULL, &n);
        if (error) {
            return error;
        }
        *values[i] = n;
    }
    return 0;
}

/* Reads "pci": null or "vvvv:dddd" (hexadecimal PCI vendor and device). */
static int
read_pci(const struct json_input_ctx *r, struct json_object *obj,
         const char *path, struct host_link *link)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    const char *pci = NULL;
    char mpath[PATH_SIZE];
    char quoted[128];
    int error;

    error = json_input_get_string(r, obj, path, "pci", JSON_INPUT_NULLABLE,
                                  SIZE_MAX, NULL, &pci);
    if (error || !pci) {
        return error;
    }
    if (strlen(pci) != 9 || pci[4] != ':' || strspn(pci, hex) != 4
        || strspn(pci + 5, hex) != 4) {
        json_input_path_key(mpath, sizeof mpath, path, "pci", 3);
        return json_input_error(r, mpath, "%s is not a PCI vendor:device ID "
                                "such as \"8086:10fb\"",
                                json_input_quote(pci, strlen(pci), quoted,
                                                 sizeof quoted));
    }
    link->has_pci = true;
    link->pci_vendor = strtoul(pci, NULL, 16);
    link->pci_device = strtoul(pci + 5, NULL, 16);
    return 0;
}

/* Reads the array member 'key' of 'obj' at 'path' and calls 'read' for each
 * of its elements, with the element's path. */
static int
read_each(const struct json_input_ctx *r, struct json_object *obj,
          const char *path, const char *key,
          int (*read)(const struct json_input_ctx *, struct json_object *,
                      const char *, void *aux),
          void *aux)
{
    struct json_object *array;
    char apath[PATH_SIZE];
    size_t n;
    int error;

    error = json_input_get_array(r, obj, path, key, 0, NULL, &array, &n);
    json_input_path_key(apath, sizeof apath, path, key, strlen(key));
    for (size_t i = 0; !error && i < n; i++) {
        char epath[PATH_SIZE];

        json_input_path_index(epath, sizeof epath, apath, i);
        error = read(r, json_object_array_get_idx(array, i), epath, aux);
    }
    return error;
}

static int
read_link(const struct json_input_ctx *r, struct json_object *obj,
          const char *path, void *host_)
{
    const char *kinds[LINK_KIND_MAX], *lros[LRO_STATE_MAX];
    struct host *host = host_;
    char name[HOST_NAME_SIZE];
    struct host_link *link;
    unsigned int ifindex = 0;
    int kind = LINK_KIND_ETHER;
    int lro = LRO_UNKNOWN;
    long long feature_sg = -1;

    for (int i = 0; i < LINK_KIND_MAX; i++) {
        kinds[i] = link_kind_to_string(i);
    }
    for (int i = 0; i < LRO_STATE_MAX; i++) {
        lros[i] = lro_state_to_string(i);
    }
    if (json_input_object(r, obj, path, &link_kind, NULL)
        || read_name(r, obj, path, "link", name)) {
        return -EINVAL;
    }
    link = host_add_link(host, name);
    if (json_input_get_uint(r, obj, path, "ifindex", 0, 0, INT_MAX, NULL,
                            &ifindex)
        || json_input_get_enum(r, obj, path, "kind", 0, kinds, LINK_KIND_MAX,
                               NULL, &kind)
        || read_string(r, obj, path, "kind_name", 0, link->kind_name,
                       sizeof link->kind_name)
        || json_input_get_uint(r, obj, path, "mtu", 0, 0, UINT_MAX, NULL,
                               &link->mtu)
        || json_input_get_uint(r, obj, path, "min_mtu", JSON_INPUT_NULLABLE,
                               0, UINT_MAX, NULL, &link->min_mtu)
        || json_input_get_uint(r, obj, path, "max_mtu", JSON_INPUT_NULLABLE,
                               0, UINT_MAX, NULL, &link->max_mtu)
        || json_input_get_bool(r, obj, path, "up", 0, NULL, &link->up)
        || read_string(r, obj, path, "operstate", 0, link->operstate,
                       sizeof link->operstate)
        || read_string(r, obj, path, "mac", 0, link->mac, sizeof link->mac)
        || read_string(r, obj, path, "master", JSON_INPUT_NULLABLE,
                       link->master, sizeof link->master)
        || read_string(r, obj, path, "lower", JSON_INPUT_NULLABLE,
                       link->lower, sizeof link->lower)
        || read_string(r, obj, path, "peer", JSON_INPUT_NULLABLE,
                       link->peer, sizeof link->peer)
        || json_input_get_uint(r, obj, path, "vlan_id", 0, 0, 4095, NULL,
                               &link->vlan_id)
        || json_input_get_bool(r, obj, path, "tunnel_ipv6", 0, NULL,
                               &link->tunnel_ipv6)
        || json_input_get_bool(r, obj, path, "tunnel_key", 0, NULL,
                               &link->tunnel_key)
        || read_string(r, obj, path, "driver", 0, link->driver,
                       sizeof link->driver)
        || read_string(r, obj, path, "bus_info", 0, link->bus_info,
                       sizeof link->bus_info)
        || read_pci(r, obj, path, link)
        || json_input_get_enum(r, obj, path, "lro", 0, lros, LRO_STATE_MAX,
                               NULL, &lro)
        || json_input_get_bool(r, obj, path, "default_route", 0, NULL,
                               &link->default_route)
        || read_string(r, obj, path, "vm_name", JSON_INPUT_NULLABLE,
                       link->vm_name, sizeof link->vm_name)
        || read_string(r, obj, path, "nic_model", 0, link->nic_model,
                       sizeof link->nic_model)
        || json_input_get_int(r, obj, path, "xen_feature_sg",
                              JSON_INPUT_NULLABLE, 0, 1, NULL,
                              &feature_sg)) {
        return -EINVAL;
    }
    link->xen_feature_sg = feature_sg;
    link->ifindex = ifindex;
    link->kind = kind;
    link->lro = lro;
    return 0;
}

static int
read_iface(const struct json_input_ctx *r, struct json_object *obj,
           const char *path, void *port_)
{
    struct host_ovs_port *port = port_;
    char name[HOST_NAME_SIZE];
    struct host_ovs_iface *iface;
    /* -1 (LLONG_MIN for "ofport") while absent or null. */
    long long mtu = -1, mtu_request = -1, ofport = LLONG_MIN;
    long long kernel_mtu;
    int role;

    if (json_input_object(r, obj, path, &iface_kind, NULL)
        || read_name(r, obj, path, "interface", name)) {
        return -EINVAL;
    }
    iface = host_port_add_iface(port, name);
    if (read_string(r, obj, path, "type", 0, iface->type, sizeof iface->type)
        || json_input_get_int(r, obj, path, "mtu", JSON_INPUT_NULLABLE, 0,
                              UINT_MAX, NULL, &mtu)
        || json_input_get_int(r, obj, path, "mtu_request",
                              JSON_INPUT_NULLABLE, 1, UINT_MAX, NULL,
                              &mtu_request)
        || json_input_get_int(r, obj, path, "ofport", JSON_INPUT_NULLABLE,
                              -1, 65535, NULL, &ofport)
        || read_string(r, obj, path, "error", JSON_INPUT_NULLABLE,
                       iface->error, sizeof iface->error)
        || read_kvs(r, obj, path, "external_ids", &iface->external_ids,
                    &iface->n_external_ids)
        /* Written for people and scripts; derived, so not stored. */
        || json_input_get_int(r, obj, path, "kernel_mtu",
                              JSON_INPUT_NULLABLE, 0, UINT_MAX, NULL,
                              &kernel_mtu)
        || json_input_get_enum(r, obj, path, "role", 0, iface_roles,
                               ARRAY_SIZE(iface_roles), NULL, &role)) {
        return -EINVAL;
    }
    if (!strcmp(iface->type, "system")) {
        iface->type[0] = '\0';
    }
    iface->has_mtu = mtu >= 0;
    iface->mtu = iface->has_mtu ? mtu : 0;
    iface->has_mtu_request = mtu_request >= 0;
    iface->mtu_request = iface->has_mtu_request ? mtu_request : 0;
    iface->has_ofport = ofport != LLONG_MIN;
    iface->ofport = iface->has_ofport ? ofport : 0;
    return 0;
}

static int
read_port(const struct json_input_ctx *r, struct json_object *obj,
          const char *path, void *br_)
{
    struct host_ovs_bridge *br = br_;
    char name[HOST_NAME_SIZE];
    struct host_ovs_port *port;
    long long tag = 0;

    if (json_input_object(r, obj, path, &port_kind, NULL)
        || read_name(r, obj, path, "port", name)) {
        return -EINVAL;
    }
    port = host_bridge_add_port(br, name);
    if (read_string(r, obj, path, "bond_mode", JSON_INPUT_NULLABLE,
                    port->bond_mode, sizeof port->bond_mode)
        || json_input_get_int(r, obj, path, "tag", JSON_INPUT_NULLABLE, 0,
                              4095, NULL, &tag)
        || read_kvs(r, obj, path, "external_ids", &port->external_ids,
                    &port->n_external_ids)) {
        return -EINVAL;
    }
    port->tag = tag;
    return read_each(r, obj, path, "interfaces", read_iface, port);
}

static int
read_bridge(const struct json_input_ctx *r, struct json_object *obj,
            const char *path, void *host_)
{
    struct host *host = host_;
    char name[HOST_NAME_SIZE];
    struct host_ovs_bridge *br;

    if (json_input_object(r, obj, path, &bridge_kind, NULL)
        || read_name(r, obj, path, "bridge", name)) {
        return -EINVAL;
    }
    br = host_add_bridge(host, name);
    if (read_string(r, obj, path, "datapath_type", 0, br->datapath_type,
                    sizeof br->datapath_type)
        || read_kvs(r, obj, path, "external_ids", &br->external_ids,
                    &br->n_external_ids)) {
        return -EINVAL;
    }
    return read_each(r, obj, path, "ports", read_port, br);
}

static int
read_ovs(const struct json_input_ctx *r, struct json_object *root,
         struct host *host)
{
    struct json_object *obj, *bridges;
    long long cur_cfg = 0, next_cfg = 0;
    size_t n_bridges;

    int error;

    error = json_input_get_object(r, root, "", "ovs", 0, &ovs_kind, NULL,
                                  &obj);
    if (error || !obj) {
        return error;
    }
    if (json_input_get_bool(r, obj, "ovs", "reachable", 0, NULL,
                            &host->ovs_reachable)
        || read_string(r, obj, "ovs", "remote", 0, host->ovs_remote,
                       sizeof host->ovs_remote)
        || read_string(r, obj, "ovs", "error", JSON_INPUT_NULLABLE,
                       host->ovs_error, sizeof host->ovs_error)
        || read_string(r, obj, "ovs", "version", JSON_INPUT_NULLABLE,
                       host->ovs_version, sizeof host->ovs_version)
        || json_input_get_int(r, obj, "ovs", "cur_cfg", 0, 0, INT64_MAX, NULL,
                              &cur_cfg)
        || json_input_get_int(r, obj, "ovs", "next_cfg", 0, 0, INT64_MAX,
                              NULL, &next_cfg)
        || json_input_get_array(r, obj, "ovs", "bridges", 0, NULL, &bridges,
                                &n_bridges)) {
        return -EINVAL;
    }
    host->ovs_cur_cfg = cur_cfg;
    host->ovs_next_cfg = next_cfg;
    if (n_bridges && !host->ovs_reachable) {
        return json_input_error(r, "ovs.bridges", "bridges are listed but "
                                "\"reachable\" is false; add \"reachable\": "
                                "true to \"ovs\"");
    }
    return read_each(r, obj, "ovs", "bridges", read_bridge, host);
}

/* Checks that no two links, bridges, ports or interfaces of 'host' share a
 * name (OVS keeps port and interface names unique over all bridges, as the
 * kernel does link names), and names both in the message if two do. */
static int
check_unique_names(const struct json_input_ctx *r, const struct host *host)
{
    char path[PATH_SIZE];
    char other[PATH_SIZE];
    struct name_index *ports;   /* Port name -> first in 'port_pos'. */
    struct port_pos {
        size_t b, p;
    } *port_pos;
    size_t n_ports = 0, n_port_pos = 0;
    int error = 0;

    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *first = host_find_link(host,
                                                       host->links[i].name);

        if (first != &host->links[i]) {
            json_input_path_format(path, sizeof path, NULL,
                                   "links[%zu].name", i);
            return json_input_error(r, path, "\"%s\" is also the name of "
                                "links[%zu]", host->links[i].name,
                                (size_t) (first - host->links));
        }
    }

    /* Bridges by name; ports and interfaces over all bridges. */
    for (size_t b = 0; b < host->n_bridges; b++) {
        n_ports += host->bridges[b].n_ports;
    }
    ports = name_index_create();
    port_pos = xzalloc((n_ports ? n_ports : 1) * sizeof *port_pos);
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];

        const struct host_ovs_bridge *first = host_find_bridge(host,
                                                               br->name);

        if (first != br) {
            json_input_path_format(path, sizeof path, NULL,
                                   "ovs.bridges[%zu].name", b);
            error = json_input_error(r, path, "\"%s\" is also the name of "
                                 "ovs.bridges[%zu]", br->name,
                                 (size_t) (first - host->bridges));
            goto out;
        }
        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];
            size_t k = name_index_find(ports, port->name);

            if (k != NAME_INDEX_NONE) {
                json_input_path_format(
                    path, sizeof path, NULL,
                    "ovs.bridges[%zu].ports[%zu].name", b, p);
                json_input_path_format(
                    other, sizeof other, NULL,
                    "ovs.bridges[%zu].ports[%zu]", port_pos[k].b,
                    port_pos[k].p);
                error = json_input_error(r, path, "\"%s\" is also the name of "
                                     "%s", port->name, other);
                goto out;
            }
            name_index_add(ports, port->name, n_port_pos);
            port_pos[n_port_pos].b = b;
            port_pos[n_port_pos].p = p;
            n_port_pos++;
            for (size_t i = 0; i < port->n_ifaces; i++) {
                const struct host_ovs_iface *iface = &port->ifaces[i];
                const struct host_ovs_bridge *br2;
                const struct host_ovs_port *port2;
                const struct host_ovs_iface *first;

                first = host_find_ovs_iface(host, iface->name, &br2, &port2);
                if (first != iface) {
                    json_input_path_format(
                        path, sizeof path, NULL,
                        "ovs.bridges[%zu].ports[%zu].interfaces[%zu].name",
                        b, p, i);
                    json_input_path_format(
                        other, sizeof other, NULL,
                        "ovs.bridges[%zu].ports[%zu].interfaces[%zu]",
                        (size_t) (br2 - host->bridges),
                        (size_t) (port2 - br2->ports),
                        (size_t) (first - port2->ifaces));
                    error = json_input_error(r, path, "\"%s\" is also the "
                                         "name of %s", iface->name, other);
                    goto out;
                }
            }
        }
    }
out:
    name_index_destroy(ports);
    free(port_pos);
    return error;
}

static int
read_host(const struct json_input_ctx *r, struct json_object *root,
          struct host *host)
{
    long long version = HOST_JSON_VERSION;
    int error;

    error = json_input_object(r, root, "", &host_kind, host_spec.shape);
    if (!error) {
        error = json_input_get_int(r, root, "", "version", 0, 1, INT_MAX,
                                   NULL, &version);
    }
    if (error) {
        return error;
    } else if (version != HOST_JSON_VERSION) {
        return json_input_error(r, "version", "this jumboagent reads version "
                                "%d of the host model, got %lld; use the "
                                "jumboagent that wrote it",
                                HOST_JSON_VERSION, version);
    }
    if (read_string(r, root, "", "hostname", 0, host->hostname,
                    sizeof host->hostname)
        || json_input_get_bool(r, root, "", "xen_dom0", 0, NULL,
                               &host->xen_dom0)
        || read_sysctls(r, root, "", &host->sysctls)
        || read_each(r, root, "", "links", read_link, host)
        || read_ovs(r, root, host)) {
        return -EINVAL;
    }
    return check_unique_names(r, host);
}

/* Builds a new host model from 'root', the parsed text, and frees 'root'.
 * Returns 0 and stores it in '*hostp' (free with host_destroy()), or a
 * negative errno value with the message in 'r'. */
static int
host_from_root(const struct json_input_ctx *r, struct json_object *root,
               struct host **hostp)
{
    struct host *host = host_create();
    int error = read_host(r, root, host);

    json_object_put(root);
    if (error) {
        host_destroy(host);
        return error;
    }
    *hostp = host;
    return 0;
}

/* Reads a host model from the 'size' bytes at 'text', named 'name' in
 * messages.  See host_json_read_file() for the rest. */
static int
read_text(const char *name, const char *text, size_t size,
          struct host **hostp, struct error *err)
{
    const struct json_input_ctx r = { .name = name, .err = err };
    struct json_object *root = NULL;
    int error;

    error = json_input_load_text(&host_spec, name, text, size, &root, err);
    if (!error) {
        error = host_from_root(&r, root, hostp);
    }
    return error;
}

/* Reads a host model from the NUL-terminated 'text'; see host-json.h. */
int
host_json_read_string(const char *name, const char *text,
                      struct host **hostp, struct error *err)
{
    return read_text(name, text, strlen(text), hostp, err);
}

/* Reads a host model from the file 'path'; see host-json.h. */
int
host_json_read_file(const char *path, struct host **hostp, struct error *err)
{
    const struct json_input_ctx r = { .name = path, .err = err };
    struct json_object *root = NULL;
    int error, fd;

    /* A host model changes nothing on the host: any owner will do, but it
     * must be a regular file (a FIFO would hang the run). */
    error = safe_file_open_input(path, SAFE_FILE_REGULAR, "host model",
                                 "--host-model FILE", &fd, err);
    if (error == -ENOENT || error == -EISDIR) {
        return error_set(err, error, "cannot %s host model %s: %s",
                         error == -EISDIR ? "read" : "open", path,
                         strerror(-error));
    } else if (error) {
        return error;
    }
    error = json_input_load_fd(&host_spec, path, fd, &root, err);
    close(fd);
    if (!error) {
        error = host_from_root(&r, root, hostp);
    }
    return error;
}
