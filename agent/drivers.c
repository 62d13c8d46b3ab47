/* The driver-support table: etc/jumboagent/drivers.json -> struct
 * driver_table (the [parse] stage for driver facts; see drivers.h).
 *
 * A table goes through four checks, and the first problem found is the one
 * reported, as "FILE: PATH: what is wrong; what is allowed" (or "FILE: line
 * L, column C: ..." for problems with the text itself):
 *
 *   1. The bytes must be UTF-8 without NUL bytes.
 *   2. json-c must parse them as one JSON value (syntax errors and truncated
 *      files are reported with a line and column).
 *   3. A second, strict scan rejects what json-c lets through but JSON does
 *      not allow (single-quoted strings, NaN, raw control characters in
 *      strings, malformed numbers), and keys that appear twice in one
 *      object, which json-c would silently merge.
 *   4. The schema walk copies every value into plain C structs, checking
 *      types, ranges, required and unknown keys (with a "did you mean").
 *
 * json-input.c does steps 1 to 3 and returns the problem as data;
 * report_problem() words it.  The json-c objects never leave this file (and
 * json-input.c).  driver_table_judge() is the lookup the planner uses:
 * driver name plus PCI IDs plus the kind of host -> verdict and limit.  A
 * "refuse" with "refuse_only_on" is judged "conditional" on other kinds of
 * host (the Cisco VIC crashes XenServer dom0, but is fine on KVM). */
#include "drivers.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "json-input.h"
#include "name-index.h"
#include "safe-file.h"
#include "util.h"

#define DRIVERS_VERSION 1
#define DRIVERS_MAX_FILE_SIZE (16 * 1024 * 1024)
#define DRIVER_NAME_MAX 31      /* ethtool_drvinfo.driver is char[32]. */
#define TEXT_MAX 512            /* Longest reason/source/chip, in bytes. */
#define MTU_MIN 68
#define MTU_MAX 65535

#define MTU_ALLOWED "allowed: 0 (trust the kernel's max_mtu) or 68..65535"
#define VERDICT_ALLOWED \
    "allowed: \"supported\", \"conditional\", \"refuse\""
#define PCI_ALLOWED "allowed: \"vvvv:dddd\", four lowercase hex digits " \
    "each without \"0x\", as \"lspci -n\" prints them (e.g. " \
    "\"8086:10d3\")"

static const char *const verdict_names[DRIVER_VERDICT_MAX] = {
    [DRIVER_SUPPORTED] = "supported",
    [DRIVER_CONDITIONAL] = "conditional",
    [DRIVER_REFUSE] = "refuse",
};

/* Host kinds as the table writes them, and as messages name them. */
static const char *const host_kind_names[DRIVER_HOST_KIND_MAX] = {
    [DRIVER_HOST_XEN_DOM0] = "xen-dom0",
};
static const char *const host_kind_phrases[DRIVER_HOST_KIND_MAX] = {
    [DRIVER_HOST_XEN_DOM0] = "Xen dom0",
};

static const char *const top_keys[] = { "version", "drivers" };
static const char *const entry_keys[] = {
    "verdict", "max_mtu", "reason", "source", "rules", "refuse_only_on",
    "mtu_change_needs_reset"
};
static const char *const reset_keys[] = { "source" };
static const char *const rule_keys[] = {
    "pci", "chip", "verdict", "max_mtu", "reason", "refuse_only_on"
};

const char *
driver_verdict_to_string(enum driver_verdict verdict)
{
    return (unsigned int) verdict < DRIVER_VERDICT_MAX
           ? verdict_names[verdict] : "(invalid verdict)";
}

/* Returns the table's name for 'kind'; see drivers.h. */
const char *
driver_host_kind_to_string(enum driver_host_kind kind)
{
    return (unsigned int) kind < DRIVER_HOST_KIND_MAX
           ? host_kind_names[kind] : "(invalid host kind)";
}

/* What is being parsed, for messages. */
struct parse_ctx {
    const char *name;           /* File name shown in messages. */
    struct error *err;
};

/* Reports a problem at JSON path 'path' (e.g. "drivers.tg3.verdict" or
 * "(top level)"), or at a position in the text ("line 3, column 7"), as
 * "FILE: PATH: message".  Returns -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
path_error(const struct parse_ctx *ctx, const char *path,
           const char *fmt, ...)
{
    char msg[768];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return error_set(ctx->err, -EINVAL, "%s: %s: %s", ctx->name, path, msg);
}

/* Formats " (did you mean \"X\"?)" into 'dst' if 'word' looks like a
 * misspelling of one of 'choices', else "". */
static const char *
did_you_mean(char *dst, size_t size, const char *word,
             const char *const *choices, size_t n_choices)
{
    const char *guess = json_input_suggest(word, choices, n_choices);

    if (guess) {
        snprintf(dst, size, " (did you mean \"%s\"?)", guess);
    } else {
        dst[0] = '\0';
    }
    return dst;
}

/* Reports 'key', a member of the object at 'path' that is not one of
 * 'allowed'. */
static int
unknown_key_error(const struct parse_ctx *ctx, const char *path,
                  const char *key, const char *const *allowed,
                  size_t n_allowed)
{
    return json_input_unknown_key_error(ctx->name, path, key, allowed,
                                        n_allowed, ctx->err);
}

/* Step 4: the schema walk. */

/* Parses a verdict string at 'path' into '*verdictp'. */
static int
parse_verdict(const struct parse_ctx *ctx, const char *path,
              struct json_object *obj, enum driver_verdict *verdictp)
{
    char hint[64];
    const char *s;
    int i;

    if (!json_object_is_type(obj, json_type_string)) {
        return path_error(ctx, path, "expected a string, got %s; "
                          VERDICT_ALLOWED, json_input_type_name(obj));
    }
    s = json_object_get_string(obj);
    for (i = 0; i < DRIVER_VERDICT_MAX; i++) {
        if (!strcmp(s, verdict_names[i])) {
            *verdictp = i;
            return 0;
        }
    }
    return path_error(ctx, path, "unknown verdict \"%.64s\"%s; "
                      VERDICT_ALLOWED, s,
                      did_you_mean(hint, sizeof hint, s, verdict_names,
                                   DRIVER_VERDICT_MAX));
}

/* Parses an MTU limit at 'path' into '*mtup': 0, or 68..65535. */
static int
parse_max_mtu(const struct parse_ctx *ctx, const char *path,
              struct json_object *obj, unsigned int *mtup)
{
    int64_t value;

    if (!json_object_is_type(obj, json_type_int)) {
        return path_error(ctx, path, "expected an integer, got %s; "
                          MTU_ALLOWED, json_input_type_name(obj));
    }
    value = json_object_get_int64(obj);
    if (value == INT64_MAX || value == INT64_MIN) {
        /* json-c saturates numbers that do not fit in 64 bits. */
        return path_error(ctx, path, "the number is out of range; "
                          MTU_ALLOWED);
    } else if (value != 0 && (value < MTU_MIN || value > MTU_MAX)) {
        return path_error(ctx, path, "%"PRId64" is out of range; "
                          MTU_ALLOWED, value);
    }
    *mtup = value;
    return 0;
}

/* Parses a non-empty string of at most TEXT_MAX bytes at 'path' into
 * '*textp' (a new copy; any old one is freed).  'what' says what the text
 * should be, for messages. */
static int
parse_text(const struct parse_ctx *ctx, const char *path,
           struct json_object *obj, const char *what, char **textp)
{
    const char *s;
    size_t len, i;

    if (!json_object_is_type(obj, json_type_string)) {
        return path_error(ctx, path, "expected a string, got %s; write %s",
                          json_input_type_name(obj), what);
    }
    s = json_object_get_string(obj);
    len = json_object_get_string_len(obj);
    if (strlen(s) != len) {
        return path_error(ctx, path, "the string contains a NUL character "
                          "(\\u0000); write %s", what);
    }
    for (i = 0; i < len && isspace((unsigned char) s[i]); i++) {
        continue;
    }
    if (i == len) {
        return path_error(ctx, path, "the string is empty; write %s", what);
    } else if (len > TEXT_MAX) {
        return path_error(ctx, path, "the string is %zu bytes long; keep "
                          "it to %d bytes so that it fits in one message",
                          len, TEXT_MAX);
    }
    free(*textp);
    *textp = xstrdup(s);
    return 0;
}

/* Parses a PCI "vvvv:dddd" string at 'path'. */
static int
parse_pci(const struct parse_ctx *ctx, const char *path,
          struct json_object *obj, unsigned int *vendorp,
          unsigned int *devicep)
{
    bool upper = false;
    const char *s;
    size_t i;

    if (!json_object_is_type(obj, json_type_string)) {
        return path_error(ctx, path, "expected a string, got %s; "
                          PCI_ALLOWED, json_input_type_name(obj));
    }
    s = json_object_get_string(obj);
    if (strlen(s) != 9 || s[4] != ':') {
        goto bad;
    }
    for (i = 0; i < 9; i++) {
        unsigned char c = s[i];

        if (i == 4) {
            continue;
        } else if (c >= 'A' && c <= 'F') {
            upper = true;
        } else if (!isdigit(c) && !(c >= 'a' && c <= 'f')) {
            goto bad;
        }
    }
    if (upper) {
        char lower[10];

        for (i = 0; i < sizeof lower; i++) {
            lower[i] = tolower((unsigned char) s[i]);
        }
        return path_error(ctx, path, "\"%s\" has uppercase hex digits; "
                          "write \"%s\" (%s)", s, lower, PCI_ALLOWED);
    }
    *vendorp = strtoul(s, NULL, 16);
    *devicep = strtoul(s + 5, NULL, 16);
    return 0;

bad:
    return path_error(ctx, path, "\"%.64s\" is not a PCI vendor:device ID; "
                      PCI_ALLOWED, s);
}

/* Writes "allowed: \"xen-dom0\"" (every known host kind) into 'buf'. */
static const char *
host_kinds_allowed(char *buf, size_t size)
{
    char list[128];

    snprintf(buf, size, "allowed: %s",
             json_input_join(list, sizeof list, host_kind_names,
                             DRIVER_HOST_KIND_MAX, true));
    return buf;
}

/* Parses a "refuse_only_on" list of host kinds at 'path' into '*kindsp'
 * (bits 1u << DRIVER_HOST_*): a non-empty array of known names, each at
 * most once. */
static int
parse_refuse_only_on(const struct parse_ctx *ctx, const char *path,
                     struct json_object *obj, unsigned int *kindsp)
{
    size_t first[DRIVER_HOST_KIND_MAX];
    unsigned int kinds = 0;
    char allowed[160];
    size_t n, i;

    host_kinds_allowed(allowed, sizeof allowed);
    if (!json_object_is_type(obj, json_type_array)) {
        return path_error(ctx, path, "expected an array, got %s; write the "
                          "kinds of host on which the refusal applies, e.g. "
                          "[\"xen-dom0\"] (%s)", json_input_type_name(obj),
                          allowed);
    }
    n = json_object_array_length(obj);
    if (!n) {
        return path_error(ctx, path, "the list is empty; name at least one "
                          "kind of host (%s), or remove the key to refuse on "
                          "every host", allowed);
    }
    for (i = 0; i < n; i++) {
        struct json_object *elem = json_object_array_get_idx(obj, i);
        char elem_path[JSON_INPUT_PATH_SIZE];
        char hint[64];
        const char *s;
        int k;

        json_input_path_index(elem_path, sizeof elem_path, path, i);
        if (!json_object_is_type(elem, json_type_string)) {
            return path_error(ctx, elem_path, "expected a string, got %s; "
                              "%s", json_input_type_name(elem), allowed);
        }
        s = json_object_get_string(elem);
        for (k = 0; k < DRIVER_HOST_KIND_MAX; k++) {
            if (!strcmp(s, host_kind_names[k])) {
                break;
            }
        }
        if (k == DRIVER_HOST_KIND_MAX) {
            return path_error(ctx, elem_path, "unknown kind of host "
                              "\"%.64s\"%s; %s", s,
                              did_you_mean(hint, sizeof hint, s,
                                           host_kind_names,
                                           DRIVER_HOST_KIND_MAX),
                              allowed);
        } else if (kinds & (1u << k)) {
            return path_error(ctx, elem_path, "\"%s\" is listed twice (also "
                              "refuse_only_on[%zu]); name each kind of host "
                              "once", s, first[k]);
        }
        kinds |= 1u << k;
        first[k] = i;
    }
    *kindsp = kinds;
    return 0;
}

/* Checks, once the object at 'path' is read, that its "refuse_only_on"
 * (present if 'has_only_on') goes with a "refuse" 'verdict'. */
static int
check_refuse_only_on(const struct parse_ctx *ctx, const char *path,
                     bool has_only_on, enum driver_verdict verdict)
{
    char key_path[JSON_INPUT_PATH_SIZE];

    if (!has_only_on || verdict == DRIVER_REFUSE) {
        return 0;
    }
    json_input_path_key(key_path, sizeof key_path, path, "refuse_only_on",
                        strlen("refuse_only_on"));
    return path_error(ctx, key_path, "only allowed with \"verdict\": "
                      "\"refuse\", and the verdict is \"%s\"; remove "
                      "\"refuse_only_on\", or make the verdict \"refuse\"",
                      driver_verdict_to_string(verdict));
}

/* Parses rule 'index' of 'entry' (whose rules 0..index-1 are parsed) from
 * 'obj' at 'path' into entry->rules[index].  'pci_ids' maps the PCI IDs
 * ("vvvv:dddd") of rules 0..index-1 to their index; adds this rule's. */
static int
parse_rule(const struct parse_ctx *ctx, const char *path,
           struct json_object *obj, struct driver_entry *entry,
           size_t index, struct name_index *pci_ids)
{
    struct driver_rule *rule = &entry->rules[index];
    bool has_pci = false, has_chip = false, has_verdict = false;
    bool has_only_on = false;
    int error = 0;

    if (!json_object_is_type(obj, json_type_object)) {
        return path_error(ctx, path, "expected an object, got %s; a rule "
                          "is {\"pci\": \"vvvv:dddd\", \"chip\": \"NAME\", "
                          "\"verdict\": ...}", json_input_type_name(obj));
    }
    json_object_object_foreach (obj, key, val) {
        char key_path[JSON_INPUT_PATH_SIZE];

        json_input_path_key(key_path, sizeof key_path, path, key,
                            strlen(key));
        if (!strcmp(key, "pci")) {
            size_t i;

            error = parse_pci(ctx, key_path, val, &rule->pci_vendor,
                              &rule->pci_device);
            if (!error) {
                char id[16];

                snprintf(id, sizeof id, "%04x:%04x", rule->pci_vendor,
                         rule->pci_device);
                i = name_index_find(pci_ids, id);
                if (i != NAME_INDEX_NONE) {
                    error = path_error(ctx, key_path, "duplicate rule for "
                                       "%04x:%04x (also rules[%zu]); each "
                                       "PCI ID may have one rule per "
                                       "driver", rule->pci_vendor,
                                       rule->pci_device, i);
                } else {
                    name_index_add(pci_ids, id, index);
                }
            }
            has_pci = true;
        } else if (!strcmp(key, "chip")) {
            error = parse_text(ctx, key_path, val, "the chip's name, e.g. "
                               "\"82574L\"", &rule->chip);
            has_chip = true;
        } else if (!strcmp(key, "verdict")) {
            error = parse_verdict(ctx, key_path, val, &rule->verdict);
            has_verdict = true;
        } else if (!strcmp(key, "max_mtu")) {
            error = parse_max_mtu(ctx, key_path, val, &rule->max_mtu);
        } else if (!strcmp(key, "reason")) {
            error = parse_text(ctx, key_path, val, "one sentence an "
                               "operator understands", &rule->reason);
        } else if (!strcmp(key, "refuse_only_on")) {
            error = parse_refuse_only_on(ctx, key_path, val,
                                         &rule->refuse_only_on);
            has_only_on = true;
        } else {
            error = unknown_key_error(ctx, path, key, rule_keys,
                                      ARRAY_SIZE(rule_keys));
        }
        if (error) {
            return error;
        }
    }

    if (!has_pci || !has_chip || !has_verdict) {
        return path_error(ctx, path, "missing \"%s\"; every rule needs "
                          "\"pci\", \"chip\" and \"verdict\"",
                          !has_pci ? "pci" : !has_chip ? "chip"
                          : "verdict");
    }
    return check_refuse_only_on(ctx, path, has_only_on, rule->verdict);
}

static int
parse_rules(const struct parse_ctx *ctx, const char *path,
            struct json_object *obj, struct driver_entry *entry)
{
    struct name_index *pci_ids;
    size_t n, i;
    int error = 0;

    if (!json_object_is_type(obj, json_type_array)) {
        return path_error(ctx, path, "expected an array, got %s; \"rules\" "
                          "is a list of {\"pci\": \"vvvv:dddd\", \"chip\": "
                          "\"NAME\", \"verdict\": ...}",
                          json_input_type_name(obj));
    }
    n = json_object_array_length(obj);
    entry->rules = xzalloc(n * sizeof *entry->rules);
    pci_ids = name_index_create();
    for (i = 0; i < n && !error; i++) {
        char elem_path[JSON_INPUT_PATH_SIZE];

        json_input_path_index(elem_path, sizeof elem_path, path, i);
        entry->n_rules = i + 1;
        error = parse_rule(ctx, elem_path,
                           json_object_array_get_idx(obj, i), entry, i,
                           pci_ids);
    }
    name_index_destroy(pci_ids);
    return error;
}

/* Parses the "mtu_change_needs_reset" object at 'path', {"source": "..."},
 * into '*sourcep' (a new copy).  The source is required: a link bounce is
 * an outage, so the table says where the need for it is documented. */
static int
parse_needs_reset(const struct parse_ctx *ctx, const char *path,
                  struct json_object *obj, char **sourcep)
{
    if (!json_object_is_type(obj, json_type_object)) {
        return path_error(ctx, path, "expected an object, got %s; write "
                          "{\"source\": \"...\"} with where it is documented "
                          "that this driver needs a link reset (down, then "
                          "up) to use a new MTU", json_input_type_name(obj));
    }
    json_object_object_foreach (obj, key, val) {
        char key_path[JSON_INPUT_PATH_SIZE];
        int error;

        if (strcmp(key, "source")) {
            return unknown_key_error(ctx, path, key, reset_keys,
                                     ARRAY_SIZE(reset_keys));
        }
        json_input_path_key(key_path, sizeof key_path, path, key,
                            strlen(key));
        error = parse_text(ctx, key_path, val, "where the need for a reset "
                           "is documented (file:line or URL)", sourcep);
        if (error) {
            return error;
        }
    }
    if (!*sourcep) {
        return path_error(ctx, path, "missing \"source\"; say where it is "
                          "documented that this driver needs a link reset "
                          "to use a new MTU");
    }
    return 0;
}

/* Parses the entry for driver 'name' from 'obj' at 'path' into 'entry'. */
static int
parse_entry(const struct parse_ctx *ctx, const char *path, const char *name,
            struct json_object *obj, struct driver_entry *entry)
{
    bool has_verdict = false, has_only_on = false;
    size_t len = strlen(name);
    size_t i;

    if (!len) {
        return path_error(ctx, path, "empty driver name; use the name that "
                          "\"ethtool -i IFACE\" prints after \"driver:\"");
    } else if (len > DRIVER_NAME_MAX) {
        return path_error(ctx, path, "the driver name is %zu bytes long; "
                          "ethtool driver names have at most %d bytes",
                          len, DRIVER_NAME_MAX);
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char) name[i] < 0x20 || name[i] == 0x7f) {
            return path_error(ctx, path, "the driver name contains a "
                              "control character; use the name that "
                              "\"ethtool -i IFACE\" prints after "
                              "\"driver:\"");
        }
    }
    if (!json_object_is_type(obj, json_type_object)) {
        return path_error(ctx, path, "expected an object, got %s; each "
                          "driver maps to {\"verdict\": ..., \"reason\": "
                          "..., \"source\": ...}", json_input_type_name(obj));
    }
    entry->name = xstrdup(name);

    json_object_object_foreach (obj, key, val) {
        char key_path[JSON_INPUT_PATH_SIZE];
        int error;

        json_input_path_key(key_path, sizeof key_path, path, key,
                            strlen(key));
        if (!strcmp(key, "verdict")) {
            error = parse_verdict(ctx, key_path, val, &entry->verdict);
            has_verdict = true;
        } else if (!strcmp(key, "max_mtu")) {
            error = parse_max_mtu(ctx, key_path, val, &entry->max_mtu);
        } else if (!strcmp(key, "reason")) {
            error = parse_text(ctx, key_path, val, "one sentence an "
                               "operator understands", &entry->reason);
        } else if (!strcmp(key, "source")) {
            error = parse_text(ctx, key_path, val, "where the fact comes "
                               "from (file:line or URL)", &entry->source);
        } else if (!strcmp(key, "rules")) {
            error = parse_rules(ctx, key_path, val, entry);
        } else if (!strcmp(key, "refuse_only_on")) {
            error = parse_refuse_only_on(ctx, key_path, val,
                                         &entry->refuse_only_on);
            has_only_on = true;
        } else if (!strcmp(key, "mtu_change_needs_reset")) {
            error = parse_needs_reset(ctx, key_path, val,
                                      &entry->reset_source);
        } else {
            error = unknown_key_error(ctx, path, key, entry_keys,
                                      ARRAY_SIZE(entry_keys));
        }
        if (error) {
            return error;
        }
    }

    if (!has_verdict || !entry->reason || !entry->source) {
        return path_error(ctx, path, "missing \"%s\"; every driver needs "
                          "\"verdict\", \"reason\" and \"source\"",
                          !has_verdict ? "verdict"
                          : !entry->reason ? "reason" : "source");
    }
    return check_refuse_only_on(ctx, path, has_only_on, entry->verdict);
}

static int
parse_drivers(const struct parse_ctx *ctx, struct json_object *obj,
              struct driver_table *table)
{
    if (!json_object_is_type(obj, json_type_object)) {
        return path_error(ctx, "drivers", "expected an object, got %s; "
                          "\"drivers\" maps each ethtool driver name to "
                          "its entry", json_input_type_name(obj));
    }
    table->entries = xzalloc(json_object_object_length(obj)
                             * sizeof *table->entries);

    json_object_object_foreach (obj, name, val) {
        char path[JSON_INPUT_PATH_SIZE];
        int error;

        json_input_path_key(path, sizeof path, "drivers", name,
                            strlen(name));
        error = parse_entry(ctx, path, name, val,
                            &table->entries[table->n_entries++]);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
parse_top(const struct parse_ctx *ctx, struct json_object *root,
          struct driver_table *table)
{
    struct json_object *version, *drivers;

    if (!json_object_is_type(root, json_type_object)) {
        return path_error(ctx, "(top level)", "expected an object, got %s; "
                          "the table is {\"version\": 1, \"drivers\": "
                          "{...}}", json_input_type_name(root));
    }

    /* The version first: a table of another version may well have keys
     * that this one does not know. */
    if (!json_object_object_get_ex(root, "version", &version)) {
        return path_error(ctx, "(top level)", "missing \"version\"; the "
                          "table is {\"version\": 1, \"drivers\": {...}}");
    } else if (!json_object_is_type(version, json_type_int)) {
        return path_error(ctx, "version", "expected an integer, got %s; "
                          "allowed: %d", json_input_type_name(version),
                          DRIVERS_VERSION);
    } else if (json_object_get_int64(version) != DRIVERS_VERSION) {
        return path_error(ctx, "version", "version %"PRId64" is not "
                          "supported; this jumboagent reads version %d",
                          json_object_get_int64(version), DRIVERS_VERSION);
    }

    json_object_object_foreach (root, key, val) {
        if (!strcmp(key, "drivers")) {
            int error = parse_drivers(ctx, val, table);
            if (error) {
                return error;
            }
        } else if (strcmp(key, "version")) {
            return unknown_key_error(ctx, NULL, key, top_keys,
                                     ARRAY_SIZE(top_keys));
        }
    }
    if (!json_object_object_get_ex(root, "drivers", &drivers)) {
        return path_error(ctx, "(top level)", "missing \"drivers\"; the "
                          "table is {\"version\": 1, \"drivers\": {...}}");
    }
    return 0;
}

/* What the shared reader needs to know about a driver table. */
static const struct json_input_spec drivers_spec = {
    .what = "driver table",
    .shape = "the table is {\"version\": 1, \"drivers\": {...}}",
    .max_size = DRIVERS_MAX_FILE_SIZE,
    .max_depth = JSON_TOKENER_DEFAULT_DEPTH,
};

/* Steps 1-4 on the 'size' bytes at 'text', into 'table'. */
static int
parse_json(const struct parse_ctx *ctx, const char *text, size_t size,
           struct driver_table *table)
{
    struct json_object *root = NULL;
    int error;

    error = json_input_load_text(&drivers_spec, ctx->name, text, size, &root,
                                 ctx->err);
    if (error) {
        return error;
    }
    error = parse_top(ctx, root, table);
    json_object_put(root);
    return error;
}

/* Parses and validates the driver table in the file 'path'; see
 * drivers.h. */
int
driver_table_parse_file(const char *path, struct driver_table **tablep,
                        struct error *err)
{
    struct parse_ctx ctx = { .name = path, .err = err };
    struct json_object *root = NULL;
    struct driver_table *table;
    int error, fd;

    error = safe_file_open_input(path, SAFE_FILE_STRICT, "driver table",
                                 "--drivers FILE", &fd, err);
    if (error == -ENOENT) {
        return error_set(err, error, "%s: cannot open the driver table: "
                         "%s; pass --drivers FILE to use another table, or "
                         "reinstall jumboagent to restore %s", path,
                         strerror(-error), DRIVERS_DEFAULT_FILE);
    } else if (error) {
        return error;
    }
    error = json_input_load_fd(&drivers_spec, path, fd, &root, err);
    close(fd);
    if (error) {
        return error;
    }
    table = xzalloc(sizeof *table);
    table->file = xstrdup(path);
    error = parse_top(&ctx, root, table);
    json_object_put(root);
    if (error) {
        driver_table_destroy(table);
        return error;
    }
    *tablep = table;
    return 0;
}

/* Parses and validates the driver table in the 'size' bytes at 'text';
 * see drivers.h. */
int
driver_table_parse_buffer(const char *name, const char *text, size_t size,
                          struct driver_table **tablep, struct error *err)
{
    struct parse_ctx ctx = {
        .name = name ? name : "(driver table)",
        .err = err,
    };
    struct driver_table *table;
    int error;

    table = xzalloc(sizeof *table);
    table->file = xstrdup(ctx.name);
    error = parse_json(&ctx, text ? text : "", text ? size : 0, table);
    if (error) {
        driver_table_destroy(table);
        return error;
    }
    table->index = name_index_create();
    for (size_t i = 0; i < table->n_entries; i++) {
        name_index_add(table->index, table->entries[i].name, i);
    }
    *tablep = table;
    return 0;
}

void
driver_table_destroy(struct driver_table *table)
{
    size_t i, j;

    if (!table) {
        return;
    }
    for (i = 0; i < table->n_entries; i++) {
        struct driver_entry *entry = &table->entries[i];

        for (j = 0; j < entry->n_rules; j++) {
            free(entry->rules[j].chip);
            free(entry->rules[j].reason);
        }
        free(entry->rules);
        free(entry->name);
        free(entry->reason);
        free(entry->source);
        free(entry->reset_source);
    }
    free(table->entries);
    free(table->file);
    name_index_destroy(table->index);
    free(table);
}

const struct driver_entry *
driver_table_find(const struct driver_table *table, const char *driver)
{
    size_t i;

    if (!table || !driver) {
        return NULL;
    }
    if (table->index) {
        i = name_index_find(table->index, driver);
        return i == NAME_INDEX_NONE ? NULL : &table->entries[i];
    }
    for (i = 0; i < table->n_entries; i++) {
        if (!strcmp(table->entries[i].name, driver)) {
            return &table->entries[i];
        }
    }
    return NULL;
}

/* Makes '*out', which the table refuses only on the kinds of host in
 * 'kinds' (this host being none of them), a "conditional" judgement whose
 * reason says so; 'reason' is the table's own reason. */
static void
lift_refusal(struct driver_judgement *out, unsigned int kinds,
             const char *reason)
{
    char phrase[128], limit[96];
    size_t len = 0;
    int k;

    phrase[0] = '\0';
    for (k = 0; k < DRIVER_HOST_KIND_MAX; k++) {
        if ((kinds & (1u << k)) && len < sizeof phrase) {
            len += snprintf(phrase + len, sizeof phrase - len, "%s%s",
                            len ? " or " : "", host_kind_phrases[k]);
        }
    }
    if (out->max_mtu) {
        snprintf(limit, sizeof limit, "the kernel's max_mtu and the table's "
                 "limit of %u are checked", out->max_mtu);
    } else {
        copy_string(limit, "the kernel's max_mtu is checked (the table sets "
                    "no limit)", sizeof limit);
    }
    snprintf(out->reason_buf, sizeof out->reason_buf, "refused only on %s, "
             "which this host is not, so on this host only %s. %s",
             phrase, limit, reason);
    out->verdict = DRIVER_CONDITIONAL;
    out->reason = out->reason_buf;
    out->refusal_lifted = true;
}

/* Judges one interface against 'table' on this kind of host; see
 * drivers.h. */
void
driver_table_judge(const struct driver_table *table, const char *driver,
                   bool has_pci, unsigned int vendor, unsigned int device,
                   bool xen_dom0, struct driver_judgement *out)
{
    unsigned int host_kinds = xen_dom0 ? 1u << DRIVER_HOST_XEN_DOM0 : 0;
    const struct driver_entry *entry;
    unsigned int only_on;
    size_t i;

    memset(out, 0, sizeof *out);
    out->rule = out->rule_buf;
    out->source = "";

    entry = driver && driver[0] ? driver_table_find(table, driver) : NULL;
    if (!entry) {
        out->known = false;
        out->verdict = DRIVER_CONDITIONAL;
        out->max_mtu = 0;
        if (driver && driver[0]) {
            snprintf(out->rule_buf, sizeof out->rule_buf, "driver %s",
                     driver);
            snprintf(out->reason_buf, sizeof out->reason_buf,
                     "driver %s is not in the driver table; only the "
                     "kernel's max_mtu is checked", driver);
        } else {
            copy_string(out->rule_buf, "driver (none)",
                        sizeof out->rule_buf);
            copy_string(out->reason_buf, "the interface reports no driver "
                        "name; only the kernel's max_mtu is checked",
                        sizeof out->reason_buf);
        }
        out->reason = out->reason_buf;
        return;
    }

    out->known = true;
    out->verdict = entry->verdict;
    out->max_mtu = entry->max_mtu;
    out->reason = entry->reason;
    out->source = entry->source;
    only_on = entry->refuse_only_on;
    snprintf(out->rule_buf, sizeof out->rule_buf, "driver %s", entry->name);

    for (i = 0; has_pci && i < entry->n_rules; i++) {
        const struct driver_rule *rule = &entry->rules[i];

        if (rule->pci_vendor == vendor && rule->pci_device == device) {
            out->verdict = rule->verdict;
            only_on = rule->refuse_only_on;
            if (rule->max_mtu) {
                out->max_mtu = rule->max_mtu;
            }
            if (rule->reason) {
                out->reason = rule->reason;
            }
            snprintf(out->rule_buf, sizeof out->rule_buf,
                     "%s PCI %04x:%04x (%s)", entry->name, vendor, device,
                     rule->chip);
            break;
        }
    }

    if (out->verdict == DRIVER_REFUSE && only_on && !(only_on & host_kinds)) {
        lift_refusal(out, only_on, out->reason);
    }
}
