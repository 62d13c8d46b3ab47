/* The host model as JSON: see host-json.h, and docs/show-json.md for the
 * schema.
 *
 * Writing builds a json-c tree from a 'struct host' and prints it with two
 * spaces of indentation (empty objects and arrays as "{}" and "[]").  Reading
 * parses strictly with json-input.c (json-c plus the checks json-c lacks:
 * duplicate keys, single quotes, raw control characters, NaN; a problem with
 * the text reads "NAME:LINE:COL: invalid JSON: ..."), checks every member
 * against the schema (unknown members and wrong types are errors, named by
 * their JSON path: "NAME: PATH: ..."), and copies the values into a new
 * 'struct host'; no json-c object outlives the call. */
#include "host-json.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
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

/* What a read needs for its messages. */
struct reader {
    const char *name;           /* File name, first in every message. */
    struct error *err;
};

/* Records "NAME: PATH: MESSAGE" (or "NAME: MESSAGE" if 'path' is "") in the
 * reader's error and returns -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
reader_error(const struct reader *r, const char *path, const char *fmt, ...)
{
    char msg[768];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return (path[0]
            ? error_set(r->err, -EINVAL, "%s: %s: %s", r->name, path, msg)
            : error_set(r->err, -EINVAL, "%s: %s", r->name, msg));
}

/* What the shared reader needs to know about a host model. */
static const struct json_input_spec host_spec = {
    .what = "host model",
    .shape = "a host model is one JSON object (see host-json.h)",
    .max_size = MAX_FILE_SIZE,
    .max_depth = JSON_TOKENER_DEFAULT_DEPTH,
};

/* Stores in 'dst' (of PATH_SIZE bytes) the path of member 'key' of the
 * object at 'path'. */
static void
path_member(char *dst, const char *path, const char *key)
{
    json_input_path_key(dst, PATH_SIZE, path, key, strlen(key));
}

/* Stores in 'dst' (of PATH_SIZE bytes) the path of element 'i' of the array
 * at 'path'. */
static void
path_index(char *dst, const char *path, size_t i)
{
    json_input_path_index(dst, PATH_SIZE, path, i);
}

/* Checks that every member of the object 'obj' at 'path' is one of the 'n'
 * names in 'known'. */
static int
check_members(const struct reader *r, struct json_object *obj,
              const char *path, const char *const known[], size_t n)
{
    return json_input_check_keys(r->name, path, obj, known, n, r->err);
}

/* Checks that 'value' at 'path' is an object. */
static int
check_object(const struct reader *r, struct json_object *value,
             const char *path)
{
    char got[64];

    if (!json_object_is_type(value, json_type_object)) {
        return reader_error(r, path, "expected an object, got %s",
                            json_input_describe(value, JSON_INPUT_AS_JSON,
                                                got, sizeof got));
    }
    return 0;
}

/* Looks up the member 'key' of 'obj' (at 'path').  Returns false if it is
 * absent.  Otherwise stores its value (NULL for null) in '*valuep' and its
 * path in 'mpath' and returns true. */
static bool
get_member(struct json_object *obj, const char *path, const char *key,
           struct json_object **valuep, char mpath[PATH_SIZE])
{
    if (!json_object_object_get_ex(obj, key, valuep)) {
        return false;
    }
    path_member(mpath, path, key);
    return true;
}

/* Decodes the "\xNN" escape (escape.h) of 's', the string 'value' at
 * 'path', into 'dst' of 'size' bytes. */
static int
decode_string(const struct reader *r, const char *path,
              struct json_object *value, const char *s, char *dst,
              size_t size)
{
    char got[64];
    int error = escape_json_decode(s, dst, size);

    if (error == -ENAMETOOLONG) {
        return reader_error(r, path, "expected a string of at most %zu "
                            "bytes, got %s (%zu bytes)", size - 1,
                            json_input_describe(value, JSON_INPUT_AS_JSON,
                                                got, sizeof got), strlen(s));
    } else if (error) {
        return reader_error(r, path, "%s: a backslash must start \\\\ "
                            "(a backslash) or \\xNN (the byte NN, not 00); "
                            "see docs/show-json.md",
                            json_input_describe(value, JSON_INPUT_AS_JSON,
                                                got, sizeof got));
    }
    return 0;
}

/* Copies the string 'value' at 'path' into 'dst' of 'size' bytes.  If
 * 'nullable', null is accepted and stored as "". */
static int
check_string(const struct reader *r, struct json_object *value,
             const char *path, bool nullable, char *dst, size_t size)
{
    char got[64];
    const char *s;
    size_t len;

    if (!value && nullable) {
        dst[0] = '\0';
        return 0;
    }
    if (!json_object_is_type(value, json_type_string)) {
        return reader_error(r, path, "expected a string%s, got %s",
                            nullable ? " or null" : "",
                            json_input_describe(value, JSON_INPUT_AS_JSON,
                                                got, sizeof got));
    }
    s = json_object_get_string(value);
    len = json_object_get_string_len(value);
    if (strlen(s) != len) {
        return reader_error(r, path, "the string contains a NUL character "
                            "(\\u0000)");
    }
    return decode_string(r, path, value, s, dst, size);
}

/* Reads the optional string member 'key' of 'obj' at 'path' into 'dst' of
 * 'size' bytes; leaves 'dst' alone if it is absent. */
static int
read_string(const struct reader *r, struct json_object *obj,
            const char *path, const char *key, bool nullable,
            char *dst, size_t size)
{
    char mpath[PATH_SIZE];
    struct json_object *value;

    if (!get_member(obj, path, key, &value, mpath)) {
        return 0;
    }
    return check_string(r, value, mpath, nullable, dst, size);
}

/* Reads the optional integer member 'key' of 'obj' at 'path', which must be
 * from 'min' to 'max' (or null, if 'nullable').  Sets '*presentp' to whether
 * a number was given, and if so stores it in '*valuep'. */
static int
read_int(const struct reader *r, struct json_object *obj, const char *path,
         const char *key, long long min, long long max, bool nullable,
         bool *presentp, long long *valuep)
{
    char mpath[PATH_SIZE];
    struct json_object *value;
    char got[64];
    int64_t n;

    *presentp = false;
    if (!get_member(obj, path, key, &value, mpath) || (!value && nullable)) {
        return 0;
    }
    if (json_object_is_type(value, json_type_int)) {
        n = json_object_get_int64(value);
        /* json-c stores numbers above INT64_MAX as unsigned and returns
         * INT64_MAX for them here. */
        bool too_big = (n == INT64_MAX
                        && json_object_get_uint64(value) > INT64_MAX);
        if (!too_big && n >= min && n <= max) {
            *presentp = true;
            *valuep = n;
            return 0;
        }
    }
    return reader_error(r, mpath, "expected %san integer from %lld to %lld, "
                        "got %s", nullable ? "null or " : "", min, max,
                        json_input_describe(value, JSON_INPUT_AS_JSON,
                                            got, sizeof got));
}

/* Like read_int() for an unsigned int member that may not be null; leaves
 * '*dst' alone if it is absent. */
static int
read_uint(const struct reader *r, struct json_object *obj, const char *path,
          const char *key, unsigned int max, unsigned int *dst)
{
    long long value;
    bool present;
    int error = read_int(r, obj, path, key, 0, max, false, &present, &value);

    if (!error && present) {
        *dst = value;
    }
    return error;
}

/* Reads the optional unsigned int member 'key' of 'obj' at 'path', where
 * null (or absence) means 0, into '*dst'. */
static int
read_uint_or_null(const struct reader *r, struct json_object *obj,
                  const char *path, const char *key, unsigned int *dst)
{
    long long value;
    bool present;
    int error = read_int(r, obj, path, key, 0, UINT_MAX, true, &present,
                         &value);

    if (!error) {
        *dst = present ? value : 0;
    }
    return error;
}

/* Reads the optional boolean member 'key' of 'obj' at 'path' into '*dst'. */
static int
read_bool(const struct reader *r, struct json_object *obj, const char *path,
          const char *key, bool *dst)
{
    char mpath[PATH_SIZE];
    struct json_object *value;
    char got[64];

    if (!get_member(obj, path, key, &value, mpath)) {
        return 0;
    }
    if (!json_object_is_type(value, json_type_boolean)) {
        return reader_error(r, mpath, "expected true or false, got %s",
                            json_input_describe(value, JSON_INPUT_AS_JSON,
                                                got, sizeof got));
    }
    *dst = json_object_get_boolean(value);
    return 0;
}

/* Reads the optional array member 'key' of 'obj' at 'path'.  Stores the
 * array in '*arrayp', or NULL if it is absent. */
static int
read_array(const struct reader *r, struct json_object *obj,
           const char *path, const char *key, struct json_object **arrayp,
           char mpath[PATH_SIZE])
{
    struct json_object *value;
    char got[64];

    *arrayp = NULL;
    if (!get_member(obj, path, key, &value, mpath)) {
        return 0;
    }
    if (!json_object_is_type(value, json_type_array)) {
        return reader_error(r, mpath, "expected an array, got %s",
                            json_input_describe(value, JSON_INPUT_AS_JSON,
                                                got, sizeof got));
    }
    *arrayp = value;
    return 0;
}

/* Decodes the key 'k' and the value 's' (the string 'v' at 'path') of a
 * key-value pair from the "\xNN" escape and appends them to '*kvs'. */
static int
decode_kv(const struct reader *r, const char *path, struct json_object *v,
          const char *k, const char *s, struct host_kv **kvs, size_t *n)
{
    size_t k_size = strlen(k) + 1, s_size = strlen(s) + 1;
    char *key = xmalloc(k_size), *value = xmalloc(s_size);
    int error = decode_string(r, path, v, s, value, s_size);

    if (!error && escape_json_decode(k, key, k_size)) {
        error = reader_error(r, path, "the key is not in the \\xNN escape "
                             "of docs/show-json.md");
    }
    if (!error) {
        host_kv_add(kvs, n, key, value);
    }
    free(key);
    free(value);
    return error;
}

/* Reads the optional object member 'key' of 'obj' at 'path', whose values
 * must be strings, appending its pairs to '*kvs' of '*n'. */
static int
read_kvs(const struct reader *r, struct json_object *obj, const char *path,
         const char *key, struct host_kv **kvs, size_t *n)
{
    char mpath[PATH_SIZE];
    struct json_object *value;
    int error;

    if (!get_member(obj, path, key, &value, mpath)) {
        return 0;
    }
    error = check_object(r, value, mpath);
    if (error) {
        return error;
    }
    json_object_object_foreach (value, k, v) {
        char vpath[PATH_SIZE];
        const char *s;
        char got[64];

        path_member(vpath, mpath, k);
        if (!json_object_is_type(v, json_type_string)) {
            return reader_error(r, vpath, "expected a string, got %s",
                                json_input_describe(v, JSON_INPUT_AS_JSON,
                                                    got, sizeof got));
        }
        s = json_object_get_string(v);
        if (strlen(s) != (size_t) json_object_get_string_len(v)) {
            return reader_error(r, vpath, "the string contains a NUL "
                                "character (\\u0000)");
        }
        error = decode_kv(r, vpath, v, k, s, kvs, n);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Reads the required, nonempty "name" of the object 'obj' at 'path' into
 * 'dst' (HOST_NAME_SIZE bytes); 'what' names the object ("link"). */
static int
read_name(const struct reader *r, struct json_object *obj, const char *path,
          const char *what, char dst[HOST_NAME_SIZE])
{
    char mpath[PATH_SIZE];
    struct json_object *value;
    int error;

    if (!get_member(obj, path, "name", &value, mpath)) {
        return reader_error(r, path, "\"name\" is missing; every %s needs "
                            "one", what);
    }
    error = check_string(r, value, mpath, false, dst, HOST_NAME_SIZE);
    if (!error && !dst[0]) {
        error = reader_error(r, mpath, "must not be empty");
    }
    return error;
}

/* Reads the sysctls object at 'path' into 'sysctls'. */
static int
read_sysctls(const struct reader *r, struct json_object *obj,
             const char *path, struct host_sysctls *sysctls)
{
    static const char *const known[] = {
        "ip_forward", "ipv6_forwarding", "tcp_mtu_probing", "ipv6_disabled",
    };
    int *values[] = {
        &sysctls->ip_forward, &sysctls->ipv6_forwarding,
        &sysctls->tcp_mtu_probing, &sysctls->ipv6_disabled,
    };
    int error;

    error = (check_object(r, obj, path)
             || check_members(r, obj, path, known,
                              ARRAY_SIZE(known)));
    for (size_t i = 0; !error && i < ARRAY_SIZE(known); i++) {
        long long value;
        bool present;

        error = read_int(r, obj, path, known[i], 0, INT_MAX, true, &present,
                         &value);
        if (!error) {
            *values[i] = present ? value : -1;
        }
    }
    return error ? -EINVAL : 0;
}

/* Reads "pci": null or "vvvv:dddd" (hexadecimal PCI vendor and device). */
static int
read_pci(const struct reader *r, struct json_object *obj, const char *path,
         struct host_link *link)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    char mpath[PATH_SIZE];
    struct json_object *value;
    const char *pci;
    char got[64];

    if (!get_member(obj, path, "pci", &value, mpath) || !value) {
        return 0;
    }
    pci = (json_object_is_type(value, json_type_string)
           ? json_object_get_string(value) : "");
    if (strlen(pci) != 9 || pci[4] != ':' || strspn(pci, hex) != 4
        || strspn(pci + 5, hex) != 4) {
        return reader_error(r, mpath, "expected null or a PCI "
                            "vendor:device ID such as \"8086:10fb\", got %s",
                            json_input_describe(value, JSON_INPUT_AS_JSON,
                                                got, sizeof got));
    }
    link->has_pci = true;
    link->pci_vendor = strtoul(pci, NULL, 16);
    link->pci_device = strtoul(pci + 5, NULL, 16);
    return 0;
}

/* Reads the optional member 'key' of 'obj' at 'path', which must be one of
 * the 'n' strings that 'to_string' gives for 0...n-1, and stores the number
 * of the one it is in '*dst'.  Leaves '*dst' alone if it is absent. */
static int
read_enum(const struct reader *r, struct json_object *obj, const char *path,
          const char *key, const char *(*to_string)(int), int n, int *dst)
{
    char mpath[PATH_SIZE];
    struct json_object *value;
    char list[512];
    size_t len = 0;
    char got[64];

    if (!get_member(obj, path, key, &value, mpath)) {
        return 0;
    }
    if (json_object_is_type(value, json_type_string)) {
        for (int i = 0; i < n; i++) {
            if (!strcmp(json_object_get_string(value), to_string(i))) {
                *dst = i;
                return 0;
            }
        }
    }
    list[0] = '\0';
    for (int i = 0; i < n && len < sizeof list; i++) {
        len += snprintf(list + len, sizeof list - len, "%s\"%s\"",
                        i ? ", " : "", to_string(i));
    }
    return reader_error(r, mpath, "expected one of %s, got %s", list,
                        json_input_describe(value, JSON_INPUT_AS_JSON,
                                            got, sizeof got));
}

static const char *
link_kind_name(int kind)
{
    return link_kind_to_string(kind);
}

static const char *
lro_name(int lro)
{
    return lro_state_to_string(lro);
}

static int
read_link(const struct reader *r, struct json_object *obj, const char *path,
          struct host *host)
{
    static const char *const known[] = {
        "name", "ifindex", "kind", "kind_name", "mtu", "min_mtu", "max_mtu",
        "up", "operstate", "mac", "master", "lower", "peer", "vlan_id",
        "tunnel_ipv6", "tunnel_key", "driver", "bus_info", "pci", "lro",
        "default_route",
    };
    char name[HOST_NAME_SIZE];
    struct host_link *link;
    unsigned int ifindex = 0;
    int kind = LINK_KIND_ETHER;
    int lro = LRO_UNKNOWN;
    int error;

    error = check_object(r, obj, path);
    if (!error) {
        error = check_members(r, obj, path, known,
                              ARRAY_SIZE(known));
    }
    if (!error) {
        error = read_name(r, obj, path, "link", name);
    }
    if (error) {
        return error;
    }
    link = host_add_link(host, name);
    if (read_uint(r, obj, path, "ifindex", INT_MAX, &ifindex)
        || read_enum(r, obj, path, "kind", link_kind_name, LINK_KIND_MAX,
                     &kind)
        || read_string(r, obj, path, "kind_name", false, link->kind_name,
                       sizeof link->kind_name)
        || read_uint(r, obj, path, "mtu", UINT_MAX, &link->mtu)
        || read_uint_or_null(r, obj, path, "min_mtu", &link->min_mtu)
        || read_uint_or_null(r, obj, path, "max_mtu", &link->max_mtu)
        || read_bool(r, obj, path, "up", &link->up)
        || read_string(r, obj, path, "operstate", false, link->operstate,
                       sizeof link->operstate)
        || read_string(r, obj, path, "mac", false, link->mac,
                       sizeof link->mac)
        || read_string(r, obj, path, "master", true, link->master,
                       sizeof link->master)
        || read_string(r, obj, path, "lower", true, link->lower,
                       sizeof link->lower)
        || read_string(r, obj, path, "peer", true, link->peer,
                       sizeof link->peer)
        || read_uint(r, obj, path, "vlan_id", 4095, &link->vlan_id)
        || read_bool(r, obj, path, "tunnel_ipv6", &link->tunnel_ipv6)
        || read_bool(r, obj, path, "tunnel_key", &link->tunnel_key)
        || read_string(r, obj, path, "driver", false, link->driver,
                       sizeof link->driver)
        || read_string(r, obj, path, "bus_info", false, link->bus_info,
                       sizeof link->bus_info)
        || read_pci(r, obj, path, link)
        || read_enum(r, obj, path, "lro", lro_name, LRO_STATE_MAX, &lro)
        || read_bool(r, obj, path, "default_route", &link->default_route)) {
        return -EINVAL;
    }
    link->ifindex = ifindex;
    link->kind = kind;
    link->lro = lro;
    return 0;
}

static const char *const iface_roles[] = {
    "uplink", "internal", "vif", "member", "tunnel", "patch",
};

static const char *
iface_role_name(int role)
{
    return iface_roles[role];
}

static int
read_iface(const struct reader *r, struct json_object *obj, const char *path,
           struct host_ovs_port *port)
{
    static const char *const known[] = {
        "name", "type", "mtu", "mtu_request", "ofport", "error",
        "external_ids", "kernel_mtu", "role",
    };
    char name[HOST_NAME_SIZE];
    struct host_ovs_iface *iface;
    long long mtu, mtu_request, ofport, kernel_mtu;
    bool has_kernel_mtu;
    int role;
    int error;

    error = check_object(r, obj, path);
    if (!error) {
        error = check_members(r, obj, path, known,
                              ARRAY_SIZE(known));
    }
    if (!error) {
        error = read_name(r, obj, path, "interface", name);
    }
    if (error) {
        return error;
    }
    iface = host_port_add_iface(port, name);
    if (read_string(r, obj, path, "type", false, iface->type,
                    sizeof iface->type)
        || read_int(r, obj, path, "mtu", 0, UINT_MAX, true, &iface->has_mtu,
                    &mtu)
        || read_int(r, obj, path, "mtu_request", 1, UINT_MAX, true,
                    &iface->has_mtu_request, &mtu_request)
        || read_int(r, obj, path, "ofport", -1, 65535, true,
                    &iface->has_ofport, &ofport)
        || read_string(r, obj, path, "error", true, iface->error,
                       sizeof iface->error)
        || read_kvs(r, obj, path, "external_ids", &iface->external_ids,
                    &iface->n_external_ids)
        /* Written for people and scripts; derived, so not stored. */
        || read_int(r, obj, path, "kernel_mtu", 0, UINT_MAX, true,
                    &has_kernel_mtu, &kernel_mtu)
        || read_enum(r, obj, path, "role", iface_role_name,
                     ARRAY_SIZE(iface_roles), &role)) {
        return -EINVAL;
    }
    if (!strcmp(iface->type, "system")) {
        iface->type[0] = '\0';
    }
    iface->mtu = iface->has_mtu ? mtu : 0;
    iface->mtu_request = iface->has_mtu_request ? mtu_request : 0;
    iface->ofport = iface->has_ofport ? ofport : 0;
    return 0;
}

static int
read_port(const struct reader *r, struct json_object *obj, const char *path,
          struct host_ovs_bridge *br)
{
    static const char *const known[] = {
        "name", "bond_mode", "tag", "external_ids", "interfaces",
    };
    char name[HOST_NAME_SIZE];
    char apath[PATH_SIZE];
    struct json_object *ifaces;
    struct host_ovs_port *port;
    long long tag;
    bool has_tag;
    int error;

    error = check_object(r, obj, path);
    if (!error) {
        error = check_members(r, obj, path, known,
                              ARRAY_SIZE(known));
    }
    if (!error) {
        error = read_name(r, obj, path, "port", name);
    }
    if (error) {
        return error;
    }
    port = host_bridge_add_port(br, name);
    if (read_string(r, obj, path, "bond_mode", true, port->bond_mode,
                    sizeof port->bond_mode)
        || read_int(r, obj, path, "tag", 0, 4095, true, &has_tag, &tag)
        || read_kvs(r, obj, path, "external_ids", &port->external_ids,
                    &port->n_external_ids)
        || read_array(r, obj, path, "interfaces", &ifaces, apath)) {
        return -EINVAL;
    }
    port->tag = has_tag ? tag : 0;
    for (size_t i = 0; ifaces && i < json_object_array_length(ifaces); i++) {
        char ipath[PATH_SIZE];

        path_index(ipath, apath, i);
        error = read_iface(r, json_object_array_get_idx(ifaces, i), ipath,
                           port);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
read_bridge(const struct reader *r, struct json_object *obj,
            const char *path, struct host *host)
{
    static const char *const known[] = {
        "name", "datapath_type", "external_ids", "ports",
    };
    char name[HOST_NAME_SIZE];
    char apath[PATH_SIZE];
    struct host_ovs_bridge *br;
    struct json_object *ports;
    int error;

    error = check_object(r, obj, path);
    if (!error) {
        error = check_members(r, obj, path, known,
                              ARRAY_SIZE(known));
    }
    if (!error) {
        error = read_name(r, obj, path, "bridge", name);
    }
    if (error) {
        return error;
    }
    br = host_add_bridge(host, name);
    if (read_string(r, obj, path, "datapath_type", false, br->datapath_type,
                    sizeof br->datapath_type)
        || read_kvs(r, obj, path, "external_ids", &br->external_ids,
                    &br->n_external_ids)
        || read_array(r, obj, path, "ports", &ports, apath)) {
        return -EINVAL;
    }
    for (size_t i = 0; ports && i < json_object_array_length(ports); i++) {
        char ppath[PATH_SIZE];

        path_index(ppath, apath, i);
        error = read_port(r, json_object_array_get_idx(ports, i), ppath, br);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
read_ovs(const struct reader *r, struct json_object *obj, const char *path,
         struct host *host)
{
    static const char *const known[] = {
        "reachable", "remote", "error", "version", "cur_cfg", "next_cfg",
        "bridges",
    };
    char apath[PATH_SIZE];
    struct json_object *bridges;
    long long cur_cfg, next_cfg;
    bool has_cur_cfg, has_next_cfg;
    int error;

    error = check_object(r, obj, path);
    if (!error) {
        error = check_members(r, obj, path, known,
                              ARRAY_SIZE(known));
    }
    if (error
        || read_bool(r, obj, path, "reachable", &host->ovs_reachable)
        || read_string(r, obj, path, "remote", false, host->ovs_remote,
                       sizeof host->ovs_remote)
        || read_string(r, obj, path, "error", true, host->ovs_error,
                       sizeof host->ovs_error)
        || read_string(r, obj, path, "version", true, host->ovs_version,
                       sizeof host->ovs_version)
        || read_int(r, obj, path, "cur_cfg", 0, INT64_MAX, false,
                    &has_cur_cfg, &cur_cfg)
        || read_int(r, obj, path, "next_cfg", 0, INT64_MAX, false,
                    &has_next_cfg, &next_cfg)
        || read_array(r, obj, path, "bridges", &bridges, apath)) {
        return -EINVAL;
    }
    host->ovs_cur_cfg = has_cur_cfg ? cur_cfg : 0;
    host->ovs_next_cfg = has_next_cfg ? next_cfg : 0;
    if (bridges && json_object_array_length(bridges)
        && !host->ovs_reachable) {
        return reader_error(r, apath, "bridges are listed but "
                            "\"reachable\" is false; add "
                            "\"reachable\": true to \"ovs\"");
    }
    for (size_t i = 0; bridges && i < json_object_array_length(bridges);
         i++) {
        char bpath[PATH_SIZE];

        path_index(bpath, apath, i);
        error = read_bridge(r, json_object_array_get_idx(bridges, i), bpath,
                            host);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Checks that no two links, bridges, ports or interfaces of 'host' share a
 * name (OVS keeps port and interface names unique over all bridges, as the
 * kernel does link names), and names both in the message if two do. */
static int
check_unique_names(const struct reader *r, const struct host *host)
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
            return reader_error(r, path, "\"%s\" is also the name of "
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
            error = reader_error(r, path, "\"%s\" is also the name of "
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
                error = reader_error(r, path, "\"%s\" is also the name of "
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
                    error = reader_error(r, path, "\"%s\" is also the "
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
read_host(const struct reader *r, struct json_object *root,
          struct host *host)
{
    static const char *const known[] = {
        "version", "hostname", "xen_dom0", "sysctls", "links", "ovs",
    };
    struct json_object *value;
    char apath[PATH_SIZE];
    struct json_object *links;
    long long version;
    bool has_version;
    char got[64];
    int error;

    if (!json_object_is_type(root, json_type_object)) {
        return reader_error(r, "", "expected a JSON object at the top level, "
                            "got %s",
                            json_input_describe(root, JSON_INPUT_AS_JSON,
                                                got, sizeof got));
    }
    error = check_members(r, root, "", known,
                          ARRAY_SIZE(known));
    if (error) {
        return error;
    }
    if (json_object_object_get_ex(root, "version", &value)) {
        error = read_int(r, root, "", "version", 1, INT_MAX, false,
                         &has_version, &version);
        if (error) {
            return error;
        }
        if (version != HOST_JSON_VERSION) {
            return reader_error(r, "version", "this jumboagent reads "
                                "version %d of the host model, got %lld; "
                                "use the jumboagent that wrote it",
                                HOST_JSON_VERSION, version);
        }
    }
    if (read_string(r, root, "", "hostname", false, host->hostname,
                    sizeof host->hostname)
        || read_bool(r, root, "", "xen_dom0", &host->xen_dom0)
        || (json_object_object_get_ex(root, "sysctls", &value)
            && read_sysctls(r, value, "sysctls", &host->sysctls))
        || read_array(r, root, "", "links", &links, apath)) {
        return -EINVAL;
    }
    for (size_t i = 0; links && i < json_object_array_length(links); i++) {
        char lpath[PATH_SIZE];

        path_index(lpath, apath, i);
        error = read_link(r, json_object_array_get_idx(links, i), lpath,
                          host);
        if (error) {
            return error;
        }
    }
    if (json_object_object_get_ex(root, "ovs", &value)) {
        error = read_ovs(r, value, "ovs", host);
        if (error) {
            return error;
        }
    }
    return check_unique_names(r, host);
}

/* Reads a host model from the 'size' bytes at 'text', named 'name' in
 * messages.  See host_json_read_file() for the rest. */
static int
read_text(const char *name, const char *text, size_t size,
          struct host **hostp, struct error *err)
{
    const struct reader r = { .name = name, .err = err };
    struct json_object *root = NULL;
    struct host *host;
    int error;

    error = json_input_load_text(&host_spec, name, text, size, &root, err);
    if (error) {
        return error;
    }
    host = host_create();
    error = read_host(&r, root, host);
    json_object_put(root);
    if (error) {
        host_destroy(host);
        return error;
    }
    *hostp = host;
    return 0;
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
    const struct reader r = { .name = path, .err = err };
    struct json_object *root = NULL;
    struct host *host;
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
    if (error) {
        return error;
    }
    host = host_create();
    error = read_host(&r, root, host);
    json_object_put(root);
    if (error) {
        host_destroy(host);
        return error;
    }
    *hostp = host;
    return 0;
}
