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
 * json-input.c does steps 1 to 3 and words their problems, and its typed
 * getters do the type, range and key checks of step 4.  The json-c objects
 * never leave this file (and json-input.c).  driver_table_judge() is the
 * lookup the planner uses:
 * driver name plus PCI IDs plus the kind of host -> verdict and limit.  A
 * "refuse" with "refuse_only_on" is judged "conditional" on other kinds of
 * host (the Cisco VIC crashes XenServer dom0, but is fine on KVM). */
#include "drivers.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "host.h"
#include "json-input.h"
#include "name-index.h"
#include "safe-file.h"
#include "util.h"

#define DRIVERS_VERSION 1
#define DRIVERS_MAX_FILE_SIZE (16 * 1024 * 1024)
#define DRIVER_NAME_MAX 31      /* ethtool_drvinfo.driver is char[32]. */
#define TEXT_MAX 512            /* Longest reason/source/chip, in bytes. */
#define MTU_MIN HOST_MTU_MIN
#define MTU_MAX HOST_MTU_MAX

#define MTU_ALLOWED "allowed: 0 (trust the kernel's max_mtu) or " \
    HOST_STRINGIFY(HOST_MTU_MIN) ".." HOST_STRINGIFY(HOST_MTU_MAX)
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

/* Rules for messages, after "; ". */
#define TABLE_IS "the table is {\"version\": 1, \"drivers\": {...}}"
#define RULE_VERSION "allowed: 1"
#define RULE_DRIVERS "\"drivers\" maps each ethtool driver name to its entry"
#define RULE_ENTRY "each driver maps to {\"verdict\": ..., \"reason\": " \
    "..., \"source\": ...}"
#define RULE_RULES "\"rules\" is a list of {\"pci\": \"vvvv:dddd\", " \
    "\"chip\": \"NAME\", \"verdict\": ...}"
#define RULE_RULE "a rule is {\"pci\": \"vvvv:dddd\", \"chip\": \"NAME\", " \
    "\"verdict\": ...}"
#define RULE_REASON "write one sentence an operator understands"
#define RULE_SOURCE "write where the fact comes from (file:line or URL)"
#define RULE_CHIP "write the chip's name, e.g. \"82574L\""
#define RULE_DRIVER_NAME "use the name that \"ethtool -i IFACE\" prints " \
    "after \"driver:\""

#define RULE_RESET "write {\"source\": \"...\"} with where it is " \
    "documented that this driver needs a link reset (down, then up) to use " \
    "a new MTU"

#define RULE_ENTRY_NEEDS "every driver needs \"verdict\", \"reason\" and " \
    "\"source\""
#define RULE_RULE_NEEDS "every rule needs \"pci\", \"chip\" and \"verdict\""

/* Object kinds: the keys each may have, and those each must have. */
static const char *const entry_needs[] = { "verdict", "reason", "source" };
static const char *const rule_needs[] = { "pci", "chip", "verdict" };
static const struct json_input_keys top_kind = JSON_INPUT_KEYS(top_keys);
static const struct json_input_keys entry_kind = JSON_INPUT_KEYS(entry_keys);
static const struct json_input_keys rule_kind = JSON_INPUT_KEYS(rule_keys);
static const struct json_input_keys reset_kind = JSON_INPUT_KEYS(reset_keys);

/* Step 4: the schema walk. */

/* Reads the optional "verdict" of 'obj' at 'path' into '*verdictp'. */
static int
read_verdict(const struct json_input_ctx *ctx, struct json_object *obj,
             const char *path, enum driver_verdict *verdictp)
{
    int verdict = *verdictp;
    int error = json_input_get_enum(ctx, obj, path, "verdict", 0,
                                    verdict_names, DRIVER_VERDICT_MAX,
                                    VERDICT_ALLOWED, &verdict);

    *verdictp = verdict;
    return error;
}

/* Checks that the object 'obj' at 'path' has each of the 'n' keys in
 * 'keys', which 'rule' lists.  The members' values are checked first, so
 * that a bad value is reported before a missing key, as the document
 * reads. */
static int
check_required(const struct json_input_ctx *ctx, struct json_object *obj,
               const char *path, const char *const *keys, size_t n,
               const char *rule)
{
    for (size_t i = 0; i < n; i++) {
        if (!json_object_object_get_ex(obj, keys[i], NULL)) {
            return json_input_missing(ctx, path, keys[i], rule);
        }
    }
    return 0;
}

/* Reads the optional "max_mtu" of 'obj' at 'path' into '*mtup': 0, or
 * 68..65535. */
static int
read_max_mtu(const struct json_input_ctx *ctx, struct json_object *obj,
             const char *path, unsigned int *mtup)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    unsigned int mtu = 0;
    int error;

    error = json_input_get_uint(ctx, obj, path, "max_mtu", 0, 0, MTU_MAX,
                                MTU_ALLOWED, &mtu);
    if (!error && mtu && mtu < MTU_MIN) {
        json_input_path_key(mpath, sizeof mpath, path, "max_mtu",
                            strlen("max_mtu"));
        return json_input_error(ctx, mpath, "%u is out of range (0, or %d "
                                "to %d); " MTU_ALLOWED, mtu, MTU_MIN,
                                MTU_MAX);
    }
    *mtup = mtu;
    return error;
}

/* Reads the text member 'key' of 'obj' at 'path', a non-empty string of at
 * most TEXT_MAX bytes, into '*textp' (a new copy), following 'rule'. */
static int
read_text(const struct json_input_ctx *ctx, struct json_object *obj,
          const char *path, const char *key, int flags, const char *rule,
          char **textp)
{
    const char *s = NULL;
    int error = json_input_get_string(ctx, obj, path, key,
                                      flags | JSON_INPUT_NONEMPTY, TEXT_MAX,
                                      rule, &s);

    if (!error && s) {
        *textp = xstrdup(s);
    }
    return error;
}

/* Reads the optional PCI "vvvv:dddd" member "pci" of 'obj' at 'path'. */
static int
read_pci(const struct json_input_ctx *ctx, struct json_object *obj,
         const char *path, unsigned int *vendorp, unsigned int *devicep)
{
    char mpath[JSON_INPUT_PATH_SIZE];
    bool upper = false;
    const char *s = NULL;
    size_t i;
    int error;

    error = json_input_get_string(ctx, obj, path, "pci", 0, SIZE_MAX,
                                  PCI_ALLOWED, &s);
    if (error || !s) {
        return error;
    }
    json_input_path_key(mpath, sizeof mpath, path, "pci", strlen("pci"));
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
        return json_input_error(ctx, mpath, "\"%s\" has uppercase hex "
                                "digits; write \"%s\" (%s)", s, lower,
                                PCI_ALLOWED);
    }
    *vendorp = strtoul(s, NULL, 16);
    *devicep = strtoul(s + 5, NULL, 16);
    return 0;

bad:
    return json_input_error(ctx, mpath, "\"%.64s\" is not a PCI "
                            "vendor:device ID; " PCI_ALLOWED, s);
}

/* Reads the optional "refuse_only_on" list of host kinds of 'obj' at 'path'
 * into '*kindsp' (bits 1u << DRIVER_HOST_*): a non-empty array of known
 * names, each at most once.  Sets '*presentp' if it is there. */
static int
read_refuse_only_on(const struct json_input_ctx *ctx,
                    struct json_object *obj, const char *path,
                    unsigned int *kindsp, bool *presentp)
{
    char apath[JSON_INPUT_PATH_SIZE];
    size_t first[DRIVER_HOST_KIND_MAX] = { 0 };
    struct json_object *array;
    unsigned int kinds = 0;
    char rule[256], kinds_rule[160], list[128];
    size_t n;
    int error;

    snprintf(rule, sizeof rule, "name the kinds of host on which the "
             "refusal applies (allowed: %s), or remove the key to refuse on "
             "every host", json_input_join(list, sizeof list,
                                           host_kind_names,
                                           DRIVER_HOST_KIND_MAX, true));
    error = json_input_get_array(ctx, obj, path, "refuse_only_on",
                                 JSON_INPUT_NONEMPTY, rule, &array, &n);
    snprintf(kinds_rule, sizeof kinds_rule, "allowed: %s", list);
    if (error || !array) {
        return error;
    }
    json_input_path_key(apath, sizeof apath, path, "refuse_only_on",
                        strlen("refuse_only_on"));
    for (size_t i = 0; i < n; i++) {
        char elem_path[JSON_INPUT_PATH_SIZE];
        int k;

        json_input_path_index(elem_path, sizeof elem_path, apath, i);
        error = json_input_enum(ctx, json_object_array_get_idx(array, i),
                                elem_path, host_kind_names,
                                DRIVER_HOST_KIND_MAX, kinds_rule, &k);
        if (error) {
            return error;
        } else if (kinds & (1u << k)) {
            return json_input_error(ctx, elem_path, "\"%s\" is listed "
                                    "twice (also refuse_only_on[%zu]); name "
                                    "each kind of host once",
                                    host_kind_names[k], first[k]);
        }
        kinds |= 1u << k;
        first[k] = i;
    }
    *kindsp = kinds;
    *presentp = true;
    return 0;
}

/* Checks, once the object at 'path' is read, that its "refuse_only_on"
 * (present if 'has_only_on') goes with a "refuse" 'verdict'. */
static int
check_refuse_only_on(const struct json_input_ctx *ctx, const char *path,
                     bool has_only_on, enum driver_verdict verdict)
{
    char key_path[JSON_INPUT_PATH_SIZE];

    if (!has_only_on || verdict == DRIVER_REFUSE) {
        return 0;
    }
    json_input_path_key(key_path, sizeof key_path, path, "refuse_only_on",
                        strlen("refuse_only_on"));
    return json_input_error(ctx, key_path, "only allowed with \"verdict\": "
                            "\"refuse\", and the verdict is \"%s\"; remove "
                            "\"refuse_only_on\", or make the verdict "
                            "\"refuse\"", driver_verdict_to_string(verdict));
}

/* Returns true if the rule 'obj' has a "pci". */
static bool
has_pci(struct json_object *obj)
{
    return json_object_object_get_ex(obj, "pci", NULL);
}

/* Parses rule 'index' of 'entry' (whose rules 0..index-1 are parsed) from
 * 'obj' at 'path' into entry->rules[index]. */
static int
parse_rule(const struct json_input_ctx *ctx, const char *path,
           struct json_object *obj, struct driver_entry *entry,
           size_t index, struct name_index *pci_ids)
{
    struct driver_rule *rule = &entry->rules[index];
    bool has_only_on = false;
    int error;

    error = json_input_object(ctx, obj, path, &rule_kind, RULE_RULE);
    if (!error) {
        error = read_pci(ctx, obj, path, &rule->pci_vendor,
                         &rule->pci_device);
    }
    if (!error && has_pci(obj)) {
        char id[16];
        size_t i;

        snprintf(id, sizeof id, "%04x:%04x", rule->pci_vendor,
                 rule->pci_device);
        i = name_index_find(pci_ids, id);
        if (i != NAME_INDEX_NONE) {
            char pci_path[JSON_INPUT_PATH_SIZE];

            json_input_path_key(pci_path, sizeof pci_path, path, "pci",
                                strlen("pci"));
            return json_input_error(ctx, pci_path, "duplicate rule for "
                                    "%04x:%04x (also rules[%zu]); each PCI "
                                    "ID may have one rule per driver",
                                    rule->pci_vendor, rule->pci_device, i);
        }
        name_index_add(pci_ids, id, index);
    }
    if (error
        || read_text(ctx, obj, path, "chip", 0, RULE_CHIP, &rule->chip)
        || read_verdict(ctx, obj, path, &rule->verdict)
        || read_max_mtu(ctx, obj, path, &rule->max_mtu)
        || read_text(ctx, obj, path, "reason", 0, RULE_REASON,
                     &rule->reason)
        || read_refuse_only_on(ctx, obj, path, &rule->refuse_only_on,
                               &has_only_on)
        || check_required(ctx, obj, path, rule_needs, ARRAY_SIZE(rule_needs),
                          RULE_RULE_NEEDS)) {
        return -EINVAL;
    }
    return check_refuse_only_on(ctx, path, has_only_on, rule->verdict);
}

/* Parses the optional "rules" of 'obj' at 'path' into 'entry'. */
static int
parse_rules(const struct json_input_ctx *ctx, struct json_object *obj,
            const char *path, struct driver_entry *entry)
{
    char apath[JSON_INPUT_PATH_SIZE];
    struct json_object *array;
    struct name_index *pci_ids;
    size_t n;
    int error;

    error = json_input_get_array(ctx, obj, path, "rules", 0, RULE_RULES,
                                 &array, &n);
    if (error || !array) {
        return error;
    }
    json_input_path_key(apath, sizeof apath, path, "rules",
                        strlen("rules"));
    entry->rules = xzalloc(n * sizeof *entry->rules);
    pci_ids = name_index_create();      /* "vvvv:dddd" -> rule index. */
    for (size_t i = 0; i < n && !error; i++) {
        char elem_path[JSON_INPUT_PATH_SIZE];

        json_input_path_index(elem_path, sizeof elem_path, apath, i);
        entry->n_rules = i + 1;
        error = parse_rule(ctx, elem_path,
                           json_object_array_get_idx(array, i), entry, i,
                           pci_ids);
    }
    name_index_destroy(pci_ids);
    return error;
}

/* Reads the optional "mtu_change_needs_reset" of 'obj' at 'path',
 * {"source": "..."}, into '*sourcep' (a new copy).  The source is
 * required: a link bounce is an outage, so the table says where the need
 * for it is documented. */
static int
read_needs_reset(const struct json_input_ctx *ctx, struct json_object *obj,
                 const char *path, char **sourcep)
{
    char rpath[JSON_INPUT_PATH_SIZE];
    struct json_object *value;

    if (!json_input_member(obj, path, "mtu_change_needs_reset", &value,
                           rpath)) {
        return 0;
    }
    if (json_input_object(ctx, value, rpath, &reset_kind, RULE_RESET)
        || read_text(ctx, value, rpath, "source", JSON_INPUT_REQUIRED,
                     RULE_RESET, sourcep)) {
        return -EINVAL;
    }
    return 0;
}

/* Parses the entry for driver 'name' from 'obj' at 'path' into 'entry'. */
static int
parse_entry(const struct json_input_ctx *ctx, const char *path,
            const char *name, struct json_object *obj,
            struct driver_entry *entry)
{
    bool has_only_on = false;
    size_t len = strlen(name);

    if (!len) {
        return json_input_error(ctx, path, "empty driver name; "
                                RULE_DRIVER_NAME);
    } else if (len > DRIVER_NAME_MAX) {
        return json_input_error(ctx, path, "the driver name is %zu bytes "
                                "long; ethtool driver names have at most %d "
                                "bytes", len, DRIVER_NAME_MAX);
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char) name[i] < 0x20 || name[i] == 0x7f) {
            return json_input_error(ctx, path, "the driver name contains a "
                                    "control character; "
                                    RULE_DRIVER_NAME);
        }
    }
    entry->name = xstrdup(name);
    if (json_input_object(ctx, obj, path, &entry_kind, RULE_ENTRY)
        || read_verdict(ctx, obj, path, &entry->verdict)
        || read_max_mtu(ctx, obj, path, &entry->max_mtu)
        || read_text(ctx, obj, path, "reason", 0, RULE_REASON,
                     &entry->reason)
        || read_text(ctx, obj, path, "source", 0, RULE_SOURCE,
                     &entry->source)
        || parse_rules(ctx, obj, path, entry)
        || read_refuse_only_on(ctx, obj, path, &entry->refuse_only_on,
                               &has_only_on)
        || read_needs_reset(ctx, obj, path, &entry->reset_source)
        || check_required(ctx, obj, path, entry_needs,
                          ARRAY_SIZE(entry_needs), RULE_ENTRY_NEEDS)) {
        return -EINVAL;
    }
    return check_refuse_only_on(ctx, path, has_only_on, entry->verdict);
}

static int
parse_top(const struct json_input_ctx *ctx, struct json_object *root,
          struct driver_table *table)
{
    struct json_object *drivers;
    long long version = 0;
    int error;

    /* The version first: a table of another version may well have keys
     * that this one does not know. */
    error = json_input_object(ctx, root, "", NULL, TABLE_IS);
    if (!error && !json_object_object_get_ex(root, "version", NULL)) {
        error = json_input_missing(ctx, "", "version", TABLE_IS);
    }
    if (!error) {
        error = json_input_get_int(ctx, root, "", "version", 0, LLONG_MIN,
                                   LLONG_MAX, RULE_VERSION, &version);
    }
    if (error) {
        return error;
    } else if (version != DRIVERS_VERSION) {
        return json_input_error(ctx, "version", "version %lld is not "
                                "supported; this jumboagent reads version "
                                "%d", version, DRIVERS_VERSION);
    }
    error = json_input_object(ctx, root, "", &top_kind, TABLE_IS);
    if (!error) {
        error = json_input_get_object(ctx, root, "", "drivers", 0, NULL,
                                      RULE_DRIVERS, &drivers);
    }
    if (!error && !drivers) {
        error = json_input_missing(ctx, "", "drivers", TABLE_IS);
    }
    if (error) {
        return error;
    }

    table->entries = xzalloc(json_object_object_length(drivers)
                             * sizeof *table->entries);
    json_object_object_foreach (drivers, name, val) {
        char path[JSON_INPUT_PATH_SIZE];

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

/* What the shared reader needs to know about a driver table. */
static const struct json_input_spec drivers_spec = {
    .what = "driver table",
    .shape = "the table is {\"version\": 1, \"drivers\": {...}}",
    .max_size = DRIVERS_MAX_FILE_SIZE,
    .max_depth = JSON_TOKENER_DEFAULT_DEPTH,
};

/* Steps 1-4 on the 'size' bytes at 'text', into 'table'. */
static int
parse_json(const struct json_input_ctx *ctx, const char *text, size_t size,
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

/* Indexes the entries of the parsed 'table' by driver name. */
static void
index_entries(struct driver_table *table)
{
    table->index = name_index_create();
    for (size_t i = 0; i < table->n_entries; i++) {
        name_index_add(table->index, table->entries[i].name, i);
    }
}

/* Parses and validates the driver table in the file 'path'; see
 * drivers.h. */
int
driver_table_parse_file(const char *path, struct driver_table **tablep,
                        struct error *err)
{
    struct json_input_ctx ctx = { .name = path, .err = err };
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
    index_entries(table);
    *tablep = table;
    return 0;
}

/* Parses and validates the driver table in the 'size' bytes at 'text';
 * see drivers.h. */
int
driver_table_parse_buffer(const char *name, const char *text, size_t size,
                          struct driver_table **tablep, struct error *err)
{
    struct json_input_ctx ctx = {
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
    index_entries(table);
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

/* True if this program runs from its build tree (not installed). */
static bool
running_from_build_tree(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (n <= 0) {
        return false;
    }
    exe[n] = '\0';
    return !strncmp(exe, SRCDIR "/", strlen(SRCDIR "/"));
}

const char *
drivers_default_file(void)
{
    if (access(DRIVERS_DEFAULT_FILE, F_OK) && running_from_build_tree()) {
        return SRCDIR "/etc/jumboagent/drivers.json";
    }
    return DRIVERS_DEFAULT_FILE;
}
