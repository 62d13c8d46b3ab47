/* The policy parser: JSON text -> a validated 'struct policy' (see policy.h).
 *
 * This is the [parse] stage of jumboagent for policies; json-c stays inside
 * this file and json-input.c.  Parsing runs in four steps, and the first
 * problem found stops it:
 *
 *   1. Whole-file checks on the raw bytes: size, emptiness, UTF-8, NUL bytes.
 *   2. json-c builds a tree; its syntax errors are reported with a line and a
 *      column.  A strict scan then catches what json-c lets through:
 *      duplicate keys, single-quoted strings, raw control characters inside
 *      strings, NaN and Infinity, and malformed numbers.  json-input.c does
 *      steps 1 and 2 and reports problems as data; report_problem() words
 *      them.
 *   3. The tree is walked in document order; every value is type- and
 *      range-checked and copied into the policy, so that json-c's objects
 *      never leave this file.  The tree is released once.
 *   4. Cross-checks that need the whole policy: unique names, bridges and
 *      uplinks, overlay underlays and whether an overlay fits its underlay.
 *
 * Every message reads "FILE: PATH: what is wrong; what is allowed", where
 * PATH is a JSON path such as "networks[1].mtu" or "(top level)". */
#include "policy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "host.h"
#include "json-input.h"
#include "name-index.h"
#include "safe-file.h"
#include "util.h"

/* A policy file larger than this is refused unread. */
#define MAX_FILE_SIZE (1024 * 1024)

/* The nesting limit; a valid policy nests 5 deep at most. */
#define MAX_DEPTH 16

#define MAX_NAME_LEN 63         /* Network names. */
#define MAX_IFNAME_LEN 15       /* IFNAMSIZ - 1. */
#define MAX_GLOB_LEN 255        /* VIF patterns. */

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Rules: the "what is allowed" half of the messages. */
#define RULE_POLICY "a policy is one JSON object: " \
    "{\"version\": 1, \"networks\": [...]}"
#define RULE_VERSION "\"version\" must be the integer 1"
#define RULE_NETWORKS "\"networks\" must be a non-empty array of " \
    "network objects"
#define RULE_NETWORK "each network is an object with at least \"name\", " \
    "\"bridge\" and \"mtu\""
#define RULE_NAME "a network name is 1 to 63 characters from A-Z, a-z, " \
    "0-9, '_', '.' and '-'"
#define RULE_IFNAME "an interface name is 1 to 15 bytes without '/', ':', " \
    "whitespace or control characters, and not \".\" or \"..\""
#define RULE_BRIDGE "a bridge is the name of an OVS or Linux bridge: 1 " \
    "to 15 bytes without '/', ':', whitespace or control characters, and " \
    "not \".\" or \"..\""
#define RULE_MTU "an MTU must be an integer from " \
    HOST_STRINGIFY(HOST_MTU_MIN) " to " HOST_STRINGIFY(HOST_MTU_MAX)
#define RULE_MTU_IPV6 "a network with \"ipv6\": true needs an MTU from " \
    HOST_STRINGIFY(HOST_MTU_IPV6_MIN) " to " HOST_STRINGIFY(HOST_MTU_MAX)
#define RULE_UPLINKS "\"uplinks\" must be a non-empty array of interface " \
    "names; leave it out to use the bridge's non-internal system ports"
#define RULE_VIFS "\"vifs\" must be an array of patterns such as " \
    "[\"vif*\", \"tap*\"]; leave it out to use the ports marked as VM " \
    "interfaces"
#define RULE_GLOB "a VIF pattern is a non-empty fnmatch glob such as " \
    "\"vif*\" or \"tap[0-9]*\", without '/' or whitespace"
#define RULE_MANAGEMENT "set \"management\": true only to allow jumbo " \
    "frames on the management interface; the default is false"
#define RULE_REPLUG "set \"replug\": true to bounce (down, then up) " \
    "this network's changed uplinks and bond members after their MTU " \
    "changed, one at a time; the default is false"
#define RULE_IPV6 "set \"ipv6\": true if the network carries IPv6 " \
    "(its MTU must then be at least " HOST_STRINGIFY(HOST_MTU_IPV6_MIN) \
    "); the default is false"
#define RULE_OVERLAY "\"overlay\" must be an object with \"type\" and " \
    "\"underlay\""
#define RULE_TYPE "\"type\" must be one of \"vxlan\", \"geneve\", " \
    "\"gre\", \"gretap\" or \"ipsec\""
#define RULE_UNDERLAY "\"underlay\" must be the name of another network " \
    "in this policy"
#define RULE_OVERLAY_IPV6 "set \"ipv6\": true if the tunnel runs over " \
    "IPv6; the default is false"
#define RULE_KEY "set \"key\": true if the GRE header carries a key; " \
    "the default is false"
#define RULE_OPTIONS "\"options\" must be a multiple of 4 from 0 to 252 " \
    "(bytes of Geneve options)"
#define RULE_OVERHEAD "\"overhead\" must be an integer from 1 to 512 " \
    "(bytes that the IPsec encapsulation adds)"
#define RULE_VERIFY "\"verify\" must be an object with \"peers\""
#define RULE_SOURCE "\"source\" must be the name of the interface to " \
    "probe from (default: the network's bridge)"
#define RULE_PEERS "\"peers\" must be a non-empty array of IPv4 or IPv6 " \
    "addresses"
#define RULE_PEER "a peer is an IPv4 or IPv6 address such as " \
    "\"192.0.2.10\" or \"2001:db8::10\""
#define RULE_OVERRIDES "\"overrides\" must be an array of objects with " \
    "\"interface\", \"allow_driver\" and \"reason\""
#define RULE_OVERRIDE "each override is an object with \"interface\", " \
    "\"allow_driver\" and \"reason\""
#define RULE_DRIVER "\"allow_driver\" must be a driver name such as " \
    "\"enic\", without whitespace"
#define RULE_REASON "\"reason\" must say why the driver is allowed; " \
    "jumboagent prints it on every run"
#define RULE_JSON "check the quotes, commas and brackets there; JSON " \
    "allows no comments and no trailing commas"

static const char *const top_keys[] = {
    "version", "networks", "overrides",
};
static const char *const network_keys[] = {
    "name", "bridge", "mtu", "uplinks", "vifs", "management", "replug",
    "ipv6",
    "overlay", "verify",
};
static const char *const overlay_keys[] = {
    "type", "underlay", "ipv6", "key", "options", "overhead",
};
static const char *const verify_keys[] = {
    "peers", "source",
};
static const char *const override_keys[] = {
    "interface", "allow_driver", "reason",
};

static const char *const overlay_type_names[OVERLAY_TYPE_MAX] = {
    [OVERLAY_VXLAN] = "vxlan",
    [OVERLAY_GENEVE] = "geneve",
    [OVERLAY_GRE] = "gre",
    [OVERLAY_GRETAP] = "gretap",
    [OVERLAY_IPSEC] = "ipsec",
};

/* The state of one parse. */
struct parser {
    struct json_input_ctx ctx;  /* File name and error for messages. */
    char path[JSON_INPUT_PATH_SIZE]; /* JSON path of the value being
                                      * checked, e.g.
                                      * "networks[1].overlay.type". */
};

/* Returns the overlay type's name: "vxlan", "geneve", "gre", "gretap" or
 * "ipsec". */
const char *
overlay_type_to_string(enum overlay_type type)
{
    return type < OVERLAY_TYPE_MAX ? overlay_type_names[type] : "invalid";
}

/* Returns the bytes that 'overlay' adds to each packet, that is, how much
 * smaller than its underlay's MTU the overlay network's MTU must be. */
unsigned int
policy_overlay_overhead(const struct policy_overlay *overlay)
{
    switch (overlay->type) {
    case OVERLAY_VXLAN:
        return host_tunnel_overhead(LINK_KIND_VXLAN, overlay->ipv6, false);
    case OVERLAY_GENEVE:
        return (host_tunnel_overhead(LINK_KIND_GENEVE, overlay->ipv6, false)
                + overlay->options);
    case OVERLAY_GRE:
        return host_tunnel_overhead(LINK_KIND_GRE, overlay->ipv6,
                                    overlay->key);
    case OVERLAY_GRETAP:
        return host_tunnel_overhead(LINK_KIND_GRETAP, overlay->ipv6,
                                    overlay->key);
    case OVERLAY_IPSEC:
        return overlay->overhead;
    case OVERLAY_TYPE_MAX:
    default:
        return 0;
    }
}

/* Paths and displayed values. */

/* Appends object key 's' (of 'len' bytes) to the parser's path and returns
 * the path's old length, for path_restore(). */
static size_t
path_push_key(struct parser *p, const char *s, size_t len)
{
    size_t old = strlen(p->path);

    json_input_path_key(p->path, sizeof p->path, p->path, s, len);
    return old;
}

/* Appends array index 'index' to the parser's path and returns the path's
 * old length. */
static size_t
path_push_index(struct parser *p, size_t index)
{
    size_t old = strlen(p->path);

    json_input_path_index(p->path, sizeof p->path, p->path, index);
    return old;
}

static void
path_restore(struct parser *p, size_t len)
{
    p->path[len] = '\0';
}

/* Describes the character at 's' (the first byte of a UTF-8 sequence). */
static const char *
describe_char(const char *s, char *buf, size_t size)
{
    unsigned char c = *s;

    if (c == ' ') {
        copy_string(buf, "a space", size);
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(buf, size, "the control character U+%04X", c);
    } else if (c < 0x80) {
        snprintf(buf, size, "'%c'", c);
    } else {
        size_t n = 1;

        while (n < 4 && ((unsigned char) s[n] & 0xc0) == 0x80) {
            n++;
        }
        snprintf(buf, size, "the character '%.*s'", (int) n, s);
    }
    return buf;
}

/* Object kinds: the keys each may have. */
static const struct json_input_keys top_kind = JSON_INPUT_KEYS(top_keys);
static const struct json_input_keys network_kind
    = JSON_INPUT_KEYS(network_keys);
static const struct json_input_keys overlay_kind
    = JSON_INPUT_KEYS(overlay_keys);
static const struct json_input_keys verify_kind = JSON_INPUT_KEYS(verify_keys);
static const struct json_input_keys override_kind
    = JSON_INPUT_KEYS(override_keys);

/* Looks up 'key' in 'object'.  Returns true and stores the member (which may
 * be NULL for a JSON null) in '*valuep' if it is present. */
static bool
get_member(struct json_object *object, const char *key,
           struct json_object **valuep)
{
    return json_object_object_get_ex(object, key, valuep);
}

/* Reports that the object at the current path lacks 'key'. */
static int
missing_key(struct parser *p, const char *key, const char *rule)
{
    return json_input_missing(&p->ctx, p->path, key, rule);
}

/* Validation of names, patterns and addresses. */

/* Checks that 's' is a valid network name. */
static int
check_network_name(struct parser *p, const char *s)
{
    size_t len = strlen(s);
    char quoted[128];
    char ch[64];

    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')
            && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '-') {
            return json_input_error(&p->ctx, p->path, "%s contains %s; %s",
                                    json_input_quote(s, len, quoted,
                                                     sizeof quoted),
                                    describe_char(s + i, ch, sizeof ch),
                                    RULE_NAME);
        }
    }
    if (len > MAX_NAME_LEN) {
        return json_input_error(&p->ctx, p->path, "%s is %zu characters long; "
                                "%s",
                                json_input_quote(s, len, quoted,
                                                 sizeof quoted),
                                len, RULE_NAME);
    }
    return 0;
}

/* See policy.h. */
const char *
policy_ifname_problem(const char *s, size_t len)
{
    if (!len) {
        return "is empty";
    }
    if ((len == 1 && s[0] == '.')
        || (len == 2 && s[0] == '.' && s[1] == '.')) {
        return "is not an interface name";
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) {
            return "contains '/', ':', whitespace, a control character or "
                   "a NUL";
        }
    }
    if (len > MAX_IFNAME_LEN) {
        return "is longer than 15 bytes";
    }
    return NULL;
}

/* Checks that 's' is a valid Linux interface name; 'rule' ends the
 * message. */
static int
check_ifname__(struct parser *p, const char *s, const char *rule)
{
    size_t len = strlen(s);
    char quoted[128];
    char ch[64];

    if (len && !policy_ifname_problem(s, len)) {
        return 0;
    }
    if (!strcmp(s, ".") || !strcmp(s, "..")) {
        return json_input_error(&p->ctx, p->path, "\"%s\" is not an interface "
                                "name; %s", s, rule);
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) {
            return json_input_error(&p->ctx, p->path, "%s contains %s; %s",
                                    json_input_quote(s, len, quoted,
                                                     sizeof quoted),
                                    describe_char(s + i, ch, sizeof ch), rule);
        }
    }
    if (len > MAX_IFNAME_LEN) {
        return json_input_error(&p->ctx, p->path, "%s is %zu bytes long; %s",
                                json_input_quote(s, len, quoted,
                                                 sizeof quoted),
                                len, rule);
    }
    return 0;
}

/* String checks for get_string_array() and parse_required_string(). */
static int
check_ifname(struct parser *p, const char *s)
{
    return check_ifname__(p, s, RULE_IFNAME);
}

static int
check_bridge(struct parser *p, const char *s)
{
    return check_ifname__(p, s, RULE_BRIDGE);
}

static bool
is_char_class(const char *name, size_t len)
{
    static const char *const classes[] = {
        "alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower",
        "print", "punct", "space", "upper", "xdigit",
    };

    for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
        if (strlen(classes[i]) == len && !memcmp(classes[i], name, len)) {
            return true;
        }
    }
    return false;
}

/* Checks the bracket expression that starts at s[*ip] ('['), and on success
 * moves '*ip' past its closing ']'.  Fills 'what' on failure. */
static bool
check_bracket(const char *s, size_t *ip, char *what, size_t size)
{
    size_t i = *ip + 1;
    size_t open = *ip;
    int prev = -1;              /* Previous single character, for ranges. */

    if (s[i] == '!' || s[i] == '^') {
        i++;
    }
    if (s[i] == ']') {
        snprintf(what, size, "has an empty bracket expression \"%.*s\"",
                 (int) (i + 1 - open), s + open);
        return false;
    }
    for (;;) {
        int c;

        if (s[i] == '\0') {
            snprintf(what, size, "has a '[' without a matching ']'");
            return false;
        } else if (s[i] == ']') {
            *ip = i + 1;
            return true;
        } else if (s[i] == '[' && s[i + 1] == ':') {
            const char *name = s + i + 2;
            const char *end = strstr(name, ":]");

            if (!end) {
                snprintf(what, size, "has a '[' without a matching ']'");
                return false;
            }
            if (!is_char_class(name, end - name)) {
                snprintf(what, size, "names the unknown character class "
                         "\"[:%.*s:]\"", (int) (end - name), name);
                return false;
            }
            i = end + 2 - s;
            prev = -1;
            continue;
        } else if (s[i] == '\\') {
            if (s[i + 1] == '\0') {
                snprintf(what, size, "ends with a backslash");
                return false;
            }
            c = (unsigned char) s[i + 1];
            i += 2;
        } else if (s[i] == '-' && prev >= 0 && s[i + 1] != ']'
                   && s[i + 1] != '\0') {
            size_t hi_at = s[i + 1] == '\\' ? i + 2 : i + 1;
            int hi = (unsigned char) s[hi_at];

            if (hi == '\0') {
                snprintf(what, size, "ends with a backslash");
                return false;
            }
            if (hi < prev) {
                snprintf(what, size, "has the reversed range \"%c-%c\"",
                         prev, hi);
                return false;
            }
            i = hi_at + 1;
            prev = -1;
            continue;
        } else {
            c = (unsigned char) s[i];
            i++;
        }
        prev = c;
    }
}

/* Checks that 's' is an fnmatch() pattern that can match interface names. */
static int
check_glob(struct parser *p, const char *s)
{
    size_t len = strlen(s);
    char quoted[128];
    char what[128];
    char ch[64];
    size_t i;

    if (len > MAX_GLOB_LEN) {
        return json_input_error(&p->ctx, p->path, "%s is %zu bytes long, more "
                                "than %d; %s",
                                json_input_quote(s, len, quoted,
                                                 sizeof quoted),
                                len, MAX_GLOB_LEN, RULE_GLOB);
    }
    for (i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (c == '/' || c <= ' ' || c == 0x7f) {
            return json_input_error(&p->ctx, p->path, "%s contains %s; %s",
                                    json_input_quote(s, len, quoted,
                                                     sizeof quoted),
                                    describe_char(s + i, ch, sizeof ch),
                                    RULE_GLOB);
        }
    }
    for (i = 0; i < len; ) {
        if (s[i] == '\\') {
            if (i + 1 == len) {
                snprintf(what, sizeof what, "ends with a backslash");
                goto bad;
            }
            i += 2;
        } else if (s[i] == '[') {
            if (!check_bracket(s, &i, what, sizeof what)) {
                goto bad;
            }
        } else {
            i++;
        }
    }
    return 0;

bad:
    return json_input_error(&p->ctx, p->path, "%s %s; %s",
                            json_input_quote(s, len, quoted, sizeof quoted),
                            what, RULE_GLOB);
}

/* Checks that 's' is an IPv4 or IPv6 address literal. */
static int
check_address(struct parser *p, const char *s)
{
    unsigned char addr[sizeof(struct in6_addr)];
    char quoted[128];

    if (inet_pton(AF_INET, s, addr) == 1
        || inet_pton(AF_INET6, s, addr) == 1) {
        return 0;
    }
    return json_input_error(&p->ctx, p->path, "%s is not an IPv4 or IPv6 "
                            "address; %s",
                            json_input_quote(s, strlen(s), quoted,
                                             sizeof quoted),
                            RULE_PEER);
}

/* Arrays of strings. */

/* A validator for one string: check_ifname(), check_glob(), ... */
typedef int string_check_func(struct parser *, const char *);

/* Copies the array of strings 'value' at the current path into a new array
 * in '*stringsp' and its length in '*np', checking each element with
 * 'check' (after the generic checks with 'element_rule').  The array must be
 * non-empty unless 'allow_empty'.  On failure '*stringsp' and '*np' still
 * hold what was copied so far, for the caller's cleanup. */
static int
get_string_array(struct parser *p, struct json_object *value,
                 const char *rule, bool allow_empty, const char *element_rule,
                 string_check_func *check, char ***stringsp, size_t *np)
{
    size_t n = 0;
    int error = json_input_array(&p->ctx, value, p->path,
                                 allow_empty ? 0 : JSON_INPUT_NONEMPTY, rule,
                                 &n);

    if (error) {
        return error;
    }
    *stringsp = xzalloc(n * sizeof **stringsp);
    *np = n;
    for (size_t i = 0; i < n; i++) {
        size_t old = path_push_index(p, i);
        const char *s;

        error = json_input_string(&p->ctx, json_object_array_get_idx(value, i),
                                  p->path, SIZE_MAX, JSON_INPUT_NONEMPTY,
                                  element_rule, &s);
        if (!error) {
            error = check(p, s);
        }
        if (error) {
            return error;
        }
        (*stringsp)[i] = xstrdup(s);
        path_restore(p, old);
    }
    return 0;
}

/* Networks. */

/* Parses the overlay type name 'value' into '*typep'. */
static int
parse_overlay_type(struct parser *p, struct json_object *value,
                   enum overlay_type *typep)
{
    int type;
    int error = json_input_enum(&p->ctx, value, p->path, overlay_type_names,
                                OVERLAY_TYPE_MAX, RULE_TYPE, &type);

    if (!error) {
        *typep = type;
    }
    return error;
}

/* Parses the "overlay" object 'object' into 'overlay'. */
static int
parse_overlay(struct parser *p, struct json_object *object,
              struct policy_overlay *overlay)
{
    struct json_object *value;
    const char *type_name;
    long long n;
    size_t old;
    int error;

    error = json_input_object(&p->ctx, object, p->path, &overlay_kind,
                              RULE_OVERLAY);
    if (error) {
        return error;
    }

    if (!get_member(object, "type", &value)) {
        return missing_key(p, "type", RULE_TYPE);
    }
    old = path_push_key(p, "type", 4);
    error = parse_overlay_type(p, value, &overlay->type);
    path_restore(p, old);
    if (error) {
        return error;
    }
    type_name = overlay_type_to_string(overlay->type);

    if (!get_member(object, "underlay", &value)) {
        return missing_key(p, "underlay", RULE_UNDERLAY);
    } else {
        const char *s;

        old = path_push_key(p, "underlay", 8);
        error = json_input_string(&p->ctx, value, p->path, SIZE_MAX,
                                  JSON_INPUT_NONEMPTY, RULE_UNDERLAY, &s);
        if (!error) {
            error = check_network_name(p, s);
        }
        if (error) {
            return error;
        }
        overlay->underlay = xstrdup(s);
        path_restore(p, old);
    }

    if (get_member(object, "ipv6", &value)) {
        old = path_push_key(p, "ipv6", 4);
        error = json_input_bool(&p->ctx, value, p->path, RULE_OVERLAY_IPV6,
                                &overlay->ipv6);
        if (error) {
            return error;
        }
        path_restore(p, old);
    }

    if (get_member(object, "key", &value)) {
        old = path_push_key(p, "key", 3);
        if (overlay->type != OVERLAY_GRE && overlay->type != OVERLAY_GRETAP) {
            return json_input_error(&p->ctx, p->path, "not allowed with "
                                    "\"type\": \"%s\"; \"key\" applies only "
                                    "to \"gre\" and \"gretap\"", type_name);
        }
        error = json_input_bool(&p->ctx, value, p->path, RULE_KEY,
                                &overlay->key);
        if (error) {
            return error;
        }
        path_restore(p, old);
    }

    if (get_member(object, "options", &value)) {
        old = path_push_key(p, "options", 7);
        if (overlay->type != OVERLAY_GENEVE) {
            return json_input_error(&p->ctx, p->path, "not allowed with "
                                    "\"type\": \"%s\"; \"options\" applies "
                                    "only to \"geneve\"", type_name);
        }
        error = json_input_int(&p->ctx, value, p->path, 0, 252,
                               RULE_OPTIONS, &n);
        if (error) {
            return error;
        }
        if (n % 4) {
            return json_input_error(&p->ctx, p->path, "%lld is not a multiple "
                                    "of 4; %s", n, RULE_OPTIONS);
        }
        overlay->options = n;
        path_restore(p, old);
    }

    if (get_member(object, "overhead", &value)) {
        old = path_push_key(p, "overhead", 8);
        if (overlay->type != OVERLAY_IPSEC) {
            return json_input_error(&p->ctx, p->path, "not allowed with "
                                    "\"type\": \"%s\"; \"overhead\" is given "
                                    "only for \"ipsec\" (jumboagent knows the "
                                    "overhead of \"%s\")", type_name,
                                    type_name);
        }
        error = json_input_int(&p->ctx, value, p->path, 1, 512, RULE_OVERHEAD,
                               &n);
        if (error) {
            return error;
        }
        overlay->overhead = n;
        path_restore(p, old);
    } else if (overlay->type == OVERLAY_IPSEC) {
        return missing_key(p, "overhead", "\"type\": \"ipsec\" needs "
                           "\"overhead\", an integer from 1 to 512 (bytes "
                           "that the IPsec encapsulation adds)");
    }
    return 0;
}

static int parse_required_string(struct parser *, struct json_object *,
                                 const char *key, const char *rule,
                                 string_check_func *, char **sp);

/* Parses the "verify" object 'object' into 'network'. */
static int
parse_verify(struct parser *p, struct json_object *object,
             struct policy_network *network)
{
    struct json_object *value;
    size_t old;
    int error;

    error = json_input_object(&p->ctx, object, p->path, &verify_kind,
                              RULE_VERIFY);
    if (error) {
        return error;
    }
    if (!get_member(object, "peers", &value)) {
        return missing_key(p, "peers", RULE_PEERS);
    }
    old = path_push_key(p, "peers", 5);
    error = get_string_array(p, value, RULE_PEERS, false, RULE_PEER,
                             check_address, &network->verify_peers,
                             &network->n_verify_peers);
    if (error) {
        return error;
    }
    path_restore(p, old);
    if (get_member(object, "source", &value)) {
        error = parse_required_string(p, object, "source", RULE_SOURCE,
                                      check_ifname, &network->verify_source);
    }
    return error;
}

/* Parses required string member 'key' of 'object' into a copy in '*sp',
 * checked with 'check' (may be NULL). */
static int
parse_required_string(struct parser *p, struct json_object *object,
                      const char *key, const char *rule,
                      string_check_func *check, char **sp)
{
    struct json_object *value;
    const char *s;
    size_t old;
    int error;

    if (!get_member(object, key, &value)) {
        return missing_key(p, key, rule);
    }
    old = path_push_key(p, key, strlen(key));
    error = json_input_string(&p->ctx, value, p->path, SIZE_MAX,
                              JSON_INPUT_NONEMPTY, rule, &s);
    if (!error && check) {
        error = check(p, s);
    }
    if (error) {
        return error;
    }
    *sp = xstrdup(s);
    path_restore(p, old);
    return 0;
}

/* Parses optional boolean member 'key' of 'object' into '*valuep', which
 * keeps its value if 'key' is absent. */
static int
parse_optional_bool(struct parser *p, struct json_object *object,
                    const char *key, const char *rule, bool *valuep)
{
    struct json_object *value;
    size_t old;
    int error;

    if (!get_member(object, key, &value)) {
        return 0;
    }
    old = path_push_key(p, key, strlen(key));
    error = json_input_bool(&p->ctx, value, p->path, rule, valuep);
    if (!error) {
        path_restore(p, old);
    }
    return error;
}

/* Parses network object 'object' into 'network', in the order of
 * network_keys. */
static int
parse_network(struct parser *p, struct json_object *object,
              struct policy_network *network)
{
    struct json_object *value;
    size_t old;
    long long n;
    int error;

    error = json_input_object(&p->ctx, object, p->path, &network_kind,
                              RULE_NETWORK);
    if (!error) {
        error = parse_required_string(p, object, "name", RULE_NAME,
                                      check_network_name, &network->name);
    }
    if (!error) {
        error = parse_required_string(p, object, "bridge", RULE_BRIDGE,
                                      check_bridge, &network->bridge);
    }
    if (error) {
        return error;
    }

    if (!get_member(object, "mtu", &value)) {
        return missing_key(p, "mtu", RULE_MTU);
    }
    old = path_push_key(p, "mtu", 3);
    error = json_input_int(&p->ctx, value, p->path, HOST_MTU_MIN,
                           HOST_MTU_MAX, RULE_MTU, &n);
    if (error) {
        return error;
    }
    network->mtu = n;
    path_restore(p, old);

    if (get_member(object, "uplinks", &value)) {
        old = path_push_key(p, "uplinks", 7);
        network->has_uplinks = true;
        error = get_string_array(p, value, RULE_UPLINKS, false, RULE_IFNAME,
                                 check_ifname, &network->uplinks,
                                 &network->n_uplinks);
        if (error) {
            return error;
        }
        path_restore(p, old);
    }

    if (get_member(object, "vifs", &value)) {
        old = path_push_key(p, "vifs", 4);
        network->has_vifs = true;
        error = get_string_array(p, value, RULE_VIFS, true, RULE_GLOB,
                                 check_glob, &network->vifs,
                                 &network->n_vifs);
        if (error) {
            return error;
        }
        path_restore(p, old);
    }

    error = parse_optional_bool(p, object, "management", RULE_MANAGEMENT,
                                &network->management);
    if (!error) {
        error = parse_optional_bool(p, object, "replug", RULE_REPLUG,
                                    &network->replug);
    }
    if (!error) {
        error = parse_optional_bool(p, object, "ipv6", RULE_IPV6,
                                    &network->ipv6);
    }
    if (error) {
        return error;
    }
    if (network->ipv6 && network->mtu < HOST_MTU_IPV6_MIN) {
        path_push_key(p, "mtu", 3);
        return json_input_error(&p->ctx, p->path, "%u is too small for IPv6; "
                                "%s", network->mtu, RULE_MTU_IPV6);
    }

    if (get_member(object, "overlay", &value)) {
        old = path_push_key(p, "overlay", 7);
        network->has_overlay = true;
        error = parse_overlay(p, value, &network->overlay);
        if (error) {
            return error;
        }
        path_restore(p, old);
    }

    if (get_member(object, "verify", &value)) {
        old = path_push_key(p, "verify", 6);
        error = parse_verify(p, value, network);
        if (error) {
            return error;
        }
        path_restore(p, old);
    }
    return 0;
}

/* Checks that 's' has no whitespace or control characters. */
static int
check_driver_name(struct parser *p, const char *s)
{
    size_t len = strlen(s);
    char quoted[128];
    char ch[64];

    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (c <= ' ' || c == 0x7f) {
            return json_input_error(&p->ctx, p->path, "%s contains %s; %s",
                                    json_input_quote(s, len, quoted,
                                                     sizeof quoted),
                                    describe_char(s + i, ch, sizeof ch),
                                    RULE_DRIVER);
        }
    }
    return 0;
}

/* Parses override object 'object' into 'override'. */
static int
parse_override(struct parser *p, struct json_object *object,
               struct policy_override *override)
{
    int error;

    error = json_input_object(&p->ctx, object, p->path, &override_kind,
                              RULE_OVERRIDE);
    if (!error) {
        error = parse_required_string(p, object, "interface", RULE_IFNAME,
                                      check_ifname, &override->interface);
    }
    if (!error) {
        error = parse_required_string(p, object, "allow_driver",
                                      RULE_DRIVER, check_driver_name,
                                      &override->allow_driver);
    }
    if (!error) {
        error = parse_required_string(p, object, "reason", RULE_REASON,
                                      NULL, &override->reason);
    }
    return error;
}

/* Cross-checks. */

/* Returns the index of the network named 'name' in 'policy', or -1. */
static ssize_t
find_network_index(const struct policy *policy, const char *name)
{
    for (size_t i = 0; i < policy->n_networks; i++) {
        if (!strcmp(policy->networks[i].name, name)) {
            return i;
        }
    }
    return -1;
}

/* Reports a repeated name at the parser's path (check_unique()). */
static int __attribute__((format(printf, 2, 3)))
unique_error(struct parser *p, const char *fmt, ...)
{
    char msg[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return json_input_error(&p->ctx, p->path, "%s", msg);
}

/* Names, bridges and uplinks must each be unique.  Reports the first
 * network, in order, that repeats one, and the first one that it repeats.
 * Each name is looked up in an index once: linear time in the number of
 * networks and uplinks. */
static int
check_unique(struct parser *p, const struct policy *policy)
{
    struct name_index *names = name_index_create();
    struct name_index *bridges = name_index_create();
    struct name_index *uplinks = name_index_create();  /* -> 'uplink_at'. */
    struct uplink_at {
        size_t net, pos;
    } *uplink_at;
    size_t n_uplinks = 0;
    int error = 0;

    for (size_t i = 0; i < policy->n_networks; i++) {
        name_index_add(names, policy->networks[i].name, i);
        name_index_add(bridges, policy->networks[i].bridge, i);
        n_uplinks += policy->networks[i].n_uplinks;
    }
    uplink_at = xzalloc((n_uplinks ? n_uplinks : 1) * sizeof *uplink_at);
    n_uplinks = 0;
    for (size_t i = 0; i < policy->n_networks && !error; i++) {
        const struct policy_network *net = &policy->networks[i];
        size_t old = path_push_key(p, "networks", 8);
        size_t j;

        path_push_index(p, i);

        j = name_index_find(names, net->name);
        if (j < i) {
            path_push_key(p, "name", 4);
            error = unique_error(p, "\"%s\" is already the name of "
                                "networks[%zu]; each network needs a "
                                "unique name", net->name, j);
            break;
        }
        j = name_index_find(bridges, net->bridge);
        if (j < i) {
            path_push_key(p, "bridge", 6);
            error = unique_error(p, "\"%s\" is already the bridge of "
                                "networks[%zu] (\"%s\"); each network "
                                "needs its own bridge", net->bridge, j,
                                policy->networks[j].name);
            break;
        }
        for (size_t k = 0; k < net->n_uplinks && !error; k++) {
            const char *uplink = net->uplinks[k];
            size_t old2 = path_push_key(p, "uplinks", 7);
            size_t u = name_index_find(uplinks, uplink);

            path_push_index(p, k);
            if (u != NAME_INDEX_NONE && uplink_at[u].net == i) {
                error = unique_error(p, "\"%s\" is already listed in "
                                    "uplinks[%zu]; list each uplink once",
                                    uplink, uplink_at[u].pos);
            } else if (u != NAME_INDEX_NONE) {
                j = uplink_at[u].net;
                error = unique_error(p, "\"%s\" is already an uplink of "
                                    "networks[%zu] (\"%s\"); an interface "
                                    "can be the uplink of only one network",
                                    uplink, j, policy->networks[j].name);
            } else if ((j = name_index_find(bridges, uplink))
                       != NAME_INDEX_NONE) {
                error = unique_error(p, "\"%s\" is the bridge of "
                                    "networks[%zu] (\"%s\"); an uplink is "
                                    "a port of the bridge, not a bridge",
                                    uplink, j, policy->networks[j].name);
            } else {
                name_index_add(uplinks, uplink, n_uplinks);
                uplink_at[n_uplinks].net = i;
                uplink_at[n_uplinks].pos = k;
                n_uplinks++;
                path_restore(p, old2);
            }
        }
        if (!error) {
            path_restore(p, old);
        }
    }
    name_index_destroy(names);
    name_index_destroy(bridges);
    name_index_destroy(uplinks);
    free(uplink_at);
    return error;
}

/* Every overlay's underlay must be another network of the policy, the
 * chain of underlays must end, and each overlay must fit its underlay. */
static int
check_overlays(struct parser *p, const struct policy *policy)
{
    size_t n = policy->n_networks;
    size_t *under = xzalloc(n * sizeof *under);  /* Underlay indexes. */
    bool *seen = xzalloc(n * sizeof *seen);
    int error = 0;

    for (size_t i = 0; i < n && !error; i++) {
        const struct policy_network *net = &policy->networks[i];
        ssize_t u;

        if (!net->has_overlay) {
            continue;
        }
        json_input_path_format(p->path, sizeof p->path, NULL,
                               "networks[%zu].overlay.underlay", i);
        u = find_network_index(policy, net->overlay.underlay);
        if (u < 0) {
            error = json_input_error(&p->ctx, p->path, "no network is named "
                                     "\"%s\"; %s", net->overlay.underlay,
                                     RULE_UNDERLAY);
        } else if ((size_t) u == i) {
            error = json_input_error(&p->ctx, p->path, "\"%s\" is this "
                                     "network itself; %s", net->name,
                                     RULE_UNDERLAY);
        } else {
            under[i] = u;
            path_restore(p, 0);
        }
    }

    for (size_t i = 0; i < n && !error; i++) {
        char chain[384];
        size_t len = 0;
        int visits = 0;
        size_t j, k;

        if (!policy->networks[i].has_overlay) {
            continue;
        }
        memset(seen, 0, n * sizeof *seen);
        for (j = i; policy->networks[j].has_overlay && !seen[j];
             j = under[j]) {
            seen[j] = true;
        }
        if (!policy->networks[j].has_overlay) {
            continue;
        }

        /* 'j' is the first network reached twice: name the chain from 'i'
         * up to the second time it reaches 'j'. */
        for (k = i; ; k = under[k]) {
            len += snprintf(chain + len, sizeof chain - len, "%s\"%s\"",
                            len ? " -> " : "", policy->networks[k].name);
            len = MIN(len, sizeof chain - 1);
            if (k == j && ++visits == 2) {
                break;
            }
        }
        json_input_path_format(p->path, sizeof p->path, NULL,
                               "networks[%zu].overlay.underlay", i);
        error = json_input_error(&p->ctx, p->path, "the underlays form a "
                                 "loop: %s; the chain of underlays must end "
                                 "at a network without \"overlay\"", chain);
    }

    for (size_t i = 0; i < n && !error; i++) {
        const struct policy_network *net = &policy->networks[i];
        const struct policy_network *lower = &policy->networks[under[i]];
        unsigned int overhead;

        if (!net->has_overlay) {
            continue;
        }
        overhead = policy_overlay_overhead(&net->overlay);
        if (net->mtu + overhead <= lower->mtu) {
            continue;
        }
        json_input_path_format(p->path, sizeof p->path, NULL,
                               "networks[%zu].mtu", i);
        if (lower->mtu < overhead + HOST_MTU_MIN) {
            error = json_input_error(&p->ctx, p->path, "%u plus %u bytes of "
                                     "%s overhead is more than the MTU %u of "
                                     "underlay \"%s\"; raise the MTU of "
                                     "\"%s\" to at least %u", net->mtu,
                                     overhead,
                                     overlay_type_to_string(net->overlay.type),
                                     lower->mtu, lower->name, lower->name,
                                     net->mtu + overhead);
        } else {
            error = json_input_error(&p->ctx, p->path, "%u plus %u bytes of "
                                     "%s overhead is more than the MTU %u of "
                                     "underlay \"%s\"; use an MTU of at most "
                                     "%u or raise the MTU of \"%s\"", net->mtu,
                                     overhead,
                                     overlay_type_to_string(net->overlay.type),
                                     lower->mtu, lower->name,
                                     lower->mtu - overhead, lower->name);
        }
    }
    free(under);
    free(seen);
    return error;
}

/* The document. */

/* Parses and cross-checks the root object 'root' into 'policy'. */
static int
parse_document(struct parser *p, struct json_object *root,
               struct policy *policy)
{
    struct json_object *value;
    bool has_version;
    size_t old;
    long long n;
    int error;

    /* A policy of another version may have other keys: check the version
     * first so that the message is about the version. */
    has_version = get_member(root, "version", &value);
    if (has_version) {
        old = path_push_key(p, "version", 7);
        error = json_input_int(&p->ctx, value, p->path, LLONG_MIN, LLONG_MAX,
                               RULE_VERSION, &n);
        if (error) {
            return error;
        }
        if (n != POLICY_VERSION) {
            return json_input_error(&p->ctx, p->path, "version %s is not "
                                    "supported; this jumboagent reads "
                                    "policies of version %d",
                                    json_object_to_json_string_ext(
                                        value, JSON_C_TO_STRING_PLAIN),
                                    POLICY_VERSION);
        }
        policy->version = n;
        path_restore(p, old);
    }
    error = json_input_object(&p->ctx, root, p->path, &top_kind, NULL);
    if (error) {
        return error;
    }
    if (!has_version) {
        return missing_key(p, "version", "add \"version\": 1 at the top "
                           "level");
    }

    if (!get_member(root, "networks", &value)) {
        return missing_key(p, "networks", RULE_NETWORKS);
    }
    old = path_push_key(p, "networks", 8);
    error = json_input_array(&p->ctx, value, p->path, JSON_INPUT_NONEMPTY,
                             RULE_NETWORKS, &policy->n_networks);
    if (error) {
        return error;
    }
    policy->networks = xzalloc(policy->n_networks * sizeof *policy->networks);
    for (size_t i = 0; i < policy->n_networks; i++) {
        size_t old2 = path_push_index(p, i);

        error = parse_network(p, json_object_array_get_idx(value, i),
                              &policy->networks[i]);
        if (error) {
            return error;
        }
        path_restore(p, old2);
    }
    path_restore(p, old);

    if (get_member(root, "overrides", &value)) {
        old = path_push_key(p, "overrides", 9);
        error = json_input_array(&p->ctx, value, p->path, 0, RULE_OVERRIDES,
                                 NULL);
        if (error) {
            return error;
        }
        policy->n_overrides = json_object_array_length(value);
        policy->overrides = xzalloc(policy->n_overrides
                                    * sizeof *policy->overrides);
        for (size_t i = 0; i < policy->n_overrides; i++) {
            struct policy_override *override = &policy->overrides[i];
            size_t old2 = path_push_index(p, i);

            error = parse_override(p, json_object_array_get_idx(value, i),
                                   override);
            if (error) {
                return error;
            }
            for (size_t j = 0; j < i; j++) {
                if (!strcmp(policy->overrides[j].interface,
                            override->interface)) {
                    path_push_key(p, "interface", 9);
                    return json_input_error(&p->ctx, p->path, "\"%s\" already "
                                            "has an override in "
                                            "overrides[%zu]; give each "
                                            "interface one override",
                                            override->interface, j);
                }
            }
            path_restore(p, old2);
        }
        path_restore(p, old);
    }

    error = check_unique(p, policy);
    if (!error) {
        error = check_overlays(p, policy);
    }
    return error;
}

/* Whole-file checks and JSON syntax. */

/* What the shared reader needs to know about a policy. */
static const struct json_input_spec policy_spec = {
    .what = "policy",
    .shape = RULE_POLICY,
    .max_size = MAX_FILE_SIZE,
    .max_depth = MAX_DEPTH,
};

/* Writes into 'buf' (of 'size' bytes) the FNV-1a hash of the 'len' bytes
 * at 'text', as 16 hex digits. */
static void
policy_digest(const char *text, size_t len, char *buf, size_t size)
{
    uint64_t hash = 14695981039346656037ULL;

    for (size_t i = 0; i < len; i++) {
        hash = (hash ^ (unsigned char) text[i]) * 1099511628211ULL;
    }
    snprintf(buf, size, "%016"PRIx64, hash);
}

/* Builds the policy from 'root', the parsed text (owned by the caller). */
static int
parse_root(struct parser *p, struct json_object *root,
           struct policy **policyp)
{
    struct policy *policy;
    const char *canonical;
    int error;

    error = json_input_object(&p->ctx, root, p->path, NULL, RULE_POLICY);
    if (error) {
        return error;
    }
    policy = xzalloc(sizeof *policy);
    policy->file = xstrdup(p->ctx.name);
    error = parse_document(p, root, policy);
    if (error) {
        policy_destroy(policy);
        return error;
    }
    canonical = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    policy_digest(canonical, strlen(canonical), policy->digest,
                  sizeof policy->digest);
    *policyp = policy;
    return 0;
}

/* Parses and validates the policy text in the 'size' bytes at 'text' for
 * 'p'.  On success stores a new policy in '*policyp'. */
static int
parse_text(struct parser *p, const char *text, size_t size,
           struct policy **policyp)
{
    struct json_object *root = NULL;
    int error;

    error = json_input_load_text(&policy_spec, p->ctx.name, text, size, &root,
                                 p->ctx.err);
    if (!error) {
        error = parse_root(p, root, policyp);
    }
    json_object_put(root);
    return error;
}

/* Parses and validates the policy in the file 'path'; see policy.h. */
int
policy_parse_file(const char *path, struct policy **policyp,
                  struct error *err)
{
    struct parser parser = { .ctx = { .name = path, .err = err } };
    struct json_object *root = NULL;
    int error, fd;

    error = safe_file_open_input(path, SAFE_FILE_STRICT, "policy",
                                 "--policy FILE", &fd, err);
    if (error == -ENOENT) {
        return error_set(err, error, "%s: (top level): the file does not "
                         "exist; write a policy there (see policy/README.md) "
                         "or pass --policy FILE", path);
    } else if (error) {
        return error;
    }
    error = json_input_load_fd(&policy_spec, path, fd, &root, err);
    close(fd);
    if (!error) {
        error = parse_root(&parser, root, policyp);
    }
    json_object_put(root);
    return error;
}

/* Parses and validates the policy in the 'size' bytes at 'text'; see
 * policy.h. */
int
policy_parse_buffer(const char *name, const char *text, size_t size,
                    struct policy **policyp, struct error *err)
{
    struct parser parser = { .ctx = { .name = name, .err = err } };

    return parse_text(&parser, text, size, policyp);
}

static void
free_strings(char **strings, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(strings[i]);
    }
    free(strings);
}

/* Frees 'policy' and everything it owns.  Accepts NULL. */
void
policy_destroy(struct policy *policy)
{
    if (!policy) {
        return;
    }
    for (size_t i = 0; i < policy->n_networks; i++) {
        struct policy_network *net = &policy->networks[i];

        free(net->name);
        free(net->bridge);
        free_strings(net->uplinks, net->n_uplinks);
        free_strings(net->vifs, net->n_vifs);
        free(net->overlay.underlay);
        free_strings(net->verify_peers, net->n_verify_peers);
        free(net->verify_source);
    }
    free(policy->networks);
    for (size_t i = 0; i < policy->n_overrides; i++) {
        free(policy->overrides[i].interface);
        free(policy->overrides[i].allow_driver);
        free(policy->overrides[i].reason);
    }
    free(policy->overrides);
    free(policy->file);
    free(policy);
}

/* Returns the network of 'policy' named 'name', or NULL.  The network
 * belongs to 'policy'. */
const struct policy_network *
policy_find_network(const struct policy *policy, const char *name)
{
    for (size_t i = 0; policy && name && i < policy->n_networks; i++) {
        if (!strcmp(policy->networks[i].name, name)) {
            return &policy->networks[i];
        }
    }
    return NULL;
}

/* Returns the override of 'policy' for interface 'ifname', or NULL.  The
 * override belongs to 'policy'. */
const struct policy_override *
policy_find_override(const struct policy *policy, const char *ifname)
{
    for (size_t i = 0; policy && ifname && i < policy->n_overrides; i++) {
        if (!strcmp(policy->overrides[i].interface, ifname)) {
            return &policy->overrides[i];
        }
    }
    return NULL;
}
