/* Unit tests for the driver-support table (agent/drivers.c): bad tables,
 * each with its exact message and code; the shipped
 * etc/jumboagent/drivers.json; and driver_table_judge(), on a Xen dom0 and
 * on other hosts ("refuse_only_on"). */
#include "drivers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "testlib.h"
#include "util.h"

#define HEAD "{\"version\": 1, \"drivers\": {"
#define TAIL "}}"
#define OK_ENTRY "\"verdict\": \"supported\", \"reason\": \"r\", " \
    "\"source\": \"s\""
#define RULE "{\"pci\": \"8086:10d3\", \"chip\": \"82574L\", " \
    "\"verdict\": \"supported\"}"

#define RULE2 "{\"pci\": \"8086:10ea\", \"chip\": \"82577LM\", " \
    "\"verdict\": \"supported\", \"max_mtu\": 4074}"

#define VERDICTS "allowed: \"supported\", \"conditional\", \"refuse\""
#define MTUS "allowed: 0 (trust the kernel's max_mtu) or 68..65535"
#define PCIS "allowed: \"vvvv:dddd\", four lowercase hex digits each " \
    "without \"0x\", as \"lspci -n\" prints them (e.g. \"8086:10d3\")"
#define TABLE_IS "the table is {\"version\": 1, \"drivers\": {...}}"
#define ENTRY_KEYS "allowed keys: verdict, max_mtu, reason, source, rules, " \
    "refuse_only_on, mtu_change_needs_reset"
#define RULE_KEYS "allowed keys: pci, chip, verdict, max_mtu, reason, " \
    "refuse_only_on"
#define KINDS "allowed: \"xen-dom0\""
#define ONLY_ON "name the kinds of host on which the refusal applies (" \
    KINDS "), or remove the key to refuse on every host"
#define REFUSE "\"verdict\": \"refuse\", \"reason\": \"r\", " \
    "\"source\": \"s\""

struct bad_case {
    const char *name;           /* Test label. */
    const char *text;
    size_t size;                /* 0: strlen(text). */
    const char *msg;            /* Expected message; the code is -EINVAL. */
};

static const struct bad_case bad_cases[] = {
    /* The file as a whole. */
    { "empty file", " \n", 0,
      "t.json: (top level): the file contains only whitespace; " TABLE_IS },
    { "not an object", "[1, 2]", 0,
      "t.json: (top level): expected an object, got an array; " TABLE_IS },
    { "null", "null", 0,
      "t.json: (top level): expected an object, got null; " TABLE_IS },
    { "truncated", "{\"version\": 1,\n  \"drivers\": {\"tg3\": {", 0,
      "t.json: line 2, column 23: invalid JSON: unexpected end of data; "
      "the file ends before the driver table is complete (a '}' or ']' may "
      "be missing)" },
    { "trailing comma", "{\"version\": 1,\n \"drivers\": {},\n}", 0,
      "t.json: line 3, column 1: invalid JSON: unexpected character; check "
      "the quotes, commas and brackets there; JSON allows no comments and "
      "no trailing commas" },
    { "comment", "// drivers\n{}", 0,
      "t.json: line 1, column 1: invalid JSON: unexpected character; check "
      "the quotes, commas and brackets there; JSON allows no comments and "
      "no trailing commas" },
    { "text after the object", HEAD TAIL " {}", 0,
      "t.json: line 1, column 31: unexpected text after the driver table "
      "object; the file holds exactly one JSON object" },
    { "not UTF-8", "{\"version\": 1,\n \"drivers\": {\"t\xe9g3\": {}}}", 0,
      "t.json: line 2, column 16: the file is not valid UTF-8 (byte 0xe9 "
      "at offset 30); save the driver table as UTF-8 text" },
    { "overlong UTF-8", "{\"version\": 1, \"drivers\": {\"\xc0\xaf\": {}}}",
      0,
      "t.json: line 1, column 29: the file is not valid UTF-8 (byte 0xc0 "
      "at offset 28); save the driver table as UTF-8 text" },
    { "NUL byte", HEAD "\0" TAIL, sizeof HEAD TAIL,
      "t.json: line 1, column 28: the file contains a NUL byte (at offset "
      "27); a driver table is UTF-8 text" },
    { "single quotes", HEAD "'tg3': {" OK_ENTRY "}" TAIL, 0,
      "t.json: line 1, column 28: invalid JSON: a string in single quotes; "
      "JSON strings use double quotes" },
    { "NaN", HEAD "\"tg3\": {\"max_mtu\": NaN, " OK_ENTRY "}" TAIL, 0,
      "t.json: line 1, column 47: invalid JSON: NaN, Infinity or a bare "
      "word where a value belongs; a JSON value is an object, array, "
      "string, number, true, false or null" },
    { "raw tab in a string", HEAD "\"tg3\": {\"verdict\": \"refuse\", "
      "\"reason\": \"a\tb\", \"source\": \"s\"}" TAIL, 0,
      "t.json: line 1, column 69: invalid JSON: the control character "
      "U+0009 inside a string; write it as an escape such as \\t or \\n" },
    { "duplicate driver", HEAD "\n\"tg3\": {" OK_ENTRY "},\n\"b44\": {"
      OK_ENTRY "},\n\"tg3\": {" OK_ENTRY "}" TAIL, 0,
      "t.json: drivers.tg3: the key appears twice in one object (at line 2 "
      "and again at line 4); give each key only once" },
    { "duplicate key in an entry", HEAD "\"tg3\": {" OK_ENTRY
      ", \"verdict\": \"refuse\"}" TAIL, 0,
      "t.json: drivers.tg3.verdict: the key appears twice in one object "
      "(at line 1 and again at line 1); give each key only once" },
    { "duplicate key written with an escape", HEAD "\"tg3\": {" OK_ENTRY
      ",\n\"verdic\\u0074\": \"refuse\"}" TAIL, 0,
      "t.json: drivers.tg3[\"verdic\\\\u0074\"]: the key appears twice in "
      "one object (at line 1 and again at line 2); give each key only once" },
    { "number ending in a dot", HEAD "\"tg3\": {\"max_mtu\": 9000., "
      OK_ENTRY "}" TAIL, 0,
      "t.json: line 1, column 47: invalid JSON: a malformed number; JSON "
      "numbers look like 9000, -1 or 1.5e3" },
    { "number with a leading zero", HEAD "\"tg3\": {\"max_mtu\": -01, "
      OK_ENTRY "}" TAIL, 0,
      "t.json: line 1, column 47: invalid JSON: a malformed number; JSON "
      "numbers look like 9000, -1 or 1.5e3" },
    { "-Infinity", HEAD "\"tg3\": {\"max_mtu\": -Infinity, " OK_ENTRY "}"
      TAIL, 0,
      "t.json: line 1, column 47: invalid JSON: NaN, Infinity or a bare "
      "word where a value belongs; a JSON value is an object, array, "
      "string, number, true, false or null" },
    { "byte order mark before an error", "\xef\xbb\xbf{\"version\": 1,,}",
      0, "t.json: line 1, column 15: invalid JSON: quoted object property "
         "name expected; check the quotes, commas and brackets there; JSON "
         "allows no comments and no trailing commas" },

    /* The top level. */
    { "missing version", "{\"drivers\": {}}", 0,
      "t.json: (top level): \"version\" is missing; " TABLE_IS },
    { "version 2", "{\"version\": 2, \"drivers\": {}}", 0,
      "t.json: version: version 2 is not supported; this jumboagent reads "
      "version 1" },
    { "version as a string", "{\"version\": \"1\", \"drivers\": {}}", 0,
      "t.json: version: expected an integer, got the string \"1\"; "
      "allowed: 1" },
    { "missing drivers", "{\"version\": 1}", 0,
      "t.json: (top level): \"drivers\" is missing; " TABLE_IS },
    { "unknown top-level key", "{\"version\": 1, \"driver\": {}}", 0,
      "t.json: driver: unknown key; did you mean \"drivers\"?" },
    { "drivers not an object", "{\"version\": 1, \"drivers\": [\"tg3\"]}",
      0,
      "t.json: drivers: expected an object, got an array; \"drivers\" maps "
      "each ethtool driver name to its entry" },

    /* Driver entries. */
    { "driver not an object", HEAD "\"tg3\": \"refuse\"" TAIL, 0,
      "t.json: drivers.tg3: expected an object, got the string \"refuse\"; "
      "each driver "
      "maps to {\"verdict\": ..., \"reason\": ..., \"source\": ...}" },
    { "empty driver name", HEAD "\"\": {" OK_ENTRY "}" TAIL, 0,
      "t.json: drivers[\"\"]: empty driver name; use the name that "
      "\"ethtool -i IFACE\" prints after \"driver:\"" },
    { "driver name too long",
      HEAD "\"a_driver_name_of_forty_bytes_is_too_long\": {" OK_ENTRY "}"
      TAIL, 0,
      "t.json: drivers.a_driver_name_of_forty_bytes_is_too_long: the driver "
      "name is 40 bytes long; ethtool driver names have at most 31 bytes" },
    { "unknown key, close", HEAD "\"tg3\": {" OK_ENTRY ", \"max_mt\": 9000}"
      TAIL, 0,
      "t.json: drivers.tg3.max_mt: unknown key; did you mean \"max_mtu\"?" },
    { "unknown key, swapped letters", HEAD "\"tg3\": {\"verdict\": "
      "\"refuse\", \"reason\": \"r\", \"soruce\": \"s\"}" TAIL, 0,
      "t.json: drivers.tg3.soruce: unknown key; did you mean \"source\"?" },
    { "unknown key, far", HEAD "\"tg3\": {" OK_ENTRY ", \"colour\": 1}"
      TAIL, 0,
      "t.json: drivers.tg3.colour: unknown key; the keys allowed here are "
      "\"verdict\", \"max_mtu\", \"reason\", \"source\", "
      "\"rules\", \"refuse_only_on\", \"mtu_change_needs_reset\"" },
    { "unknown verdict", HEAD "\"tg3\": {\"verdict\": \"refused\"}" TAIL, 0,
      "t.json: drivers.tg3.verdict: unknown value \"refused\"; did you "
      "mean \"refuse\"?" },
    { "verdict not a string", HEAD "\"tg3\": {\"verdict\": 1}" TAIL, 0,
      "t.json: drivers.tg3.verdict: expected a string, got the integer 1; "
      VERDICTS },
    { "verdict on an odd name",
      HEAD "\"802.1Q VLAN Support\": {\"verdict\": \"maybe\"}" TAIL, 0,
      "t.json: drivers[\"802.1Q VLAN Support\"].verdict: unknown value "
      "\"maybe\"; " VERDICTS },
    { "max_mtu too large", HEAD "\"tg3\": {\"max_mtu\": 70000}" TAIL, 0,
      "t.json: drivers.tg3.max_mtu: 70000 is out of range (0 to 65535); "
      MTUS },
    { "max_mtu too small", HEAD "\"tg3\": {\"max_mtu\": 67}" TAIL, 0,
      "t.json: drivers.tg3.max_mtu: 67 is out of range (0, or 68 to 65535); "
      MTUS },
    { "max_mtu negative", HEAD "\"tg3\": {\"max_mtu\": -1}" TAIL, 0,
      "t.json: drivers.tg3.max_mtu: -1 is out of range (0 to 65535); "
      MTUS },
    { "max_mtu beyond 64 bits", HEAD "\"tg3\": {\"max_mtu\": "
      "99999999999999999999}" TAIL, 0,
      "t.json: drivers.tg3.max_mtu: the number is far out of range (0 to "
      "65535); " MTUS },
    { "max_mtu as a string", HEAD "\"tg3\": {\"max_mtu\": \"9000\"}" TAIL,
      0,
      "t.json: drivers.tg3.max_mtu: expected an integer, got the string "
      "\"9000\"; "
      MTUS },
    { "max_mtu with a fraction", HEAD "\"tg3\": {\"max_mtu\": 9000.0}" TAIL,
      0,
      "t.json: drivers.tg3.max_mtu: expected an integer, got the number "
      "9000.0; " MTUS },
    { "missing verdict", HEAD "\"tg3\": {\"reason\": \"r\", \"source\": "
      "\"s\"}" TAIL, 0,
      "t.json: drivers.tg3: \"verdict\" is missing; every driver needs "
      "\"verdict\", \"reason\" and \"source\"" },
    { "missing reason", HEAD "\"tg3\": {\"verdict\": \"refuse\", "
      "\"source\": \"s\"}" TAIL, 0,
      "t.json: drivers.tg3: \"reason\" is missing; every driver needs "
      "\"verdict\", \"reason\" and \"source\"" },
    { "missing source", HEAD "\"tg3\": {\"verdict\": \"refuse\", "
      "\"reason\": \"r\"}" TAIL, 0,
      "t.json: drivers.tg3: \"source\" is missing; every driver needs "
      "\"verdict\", \"reason\" and \"source\"" },
    { "blank reason", HEAD "\"tg3\": {\"verdict\": \"refuse\", "
      "\"reason\": \"  \"}" TAIL, 0,
      "t.json: drivers.tg3.reason: \"  \" is only whitespace; write one "
      "sentence "
      "an operator understands" },
    { "source not a string", HEAD "\"tg3\": {\"verdict\": \"refuse\", "
      "\"source\": [\"a\"]}" TAIL, 0,
      "t.json: drivers.tg3.source: expected a string, got an array; write "
      "where the fact comes from (file:line or URL)" },

    /* PCI rules. */
    { "rules not an array", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": "
      RULE "}" TAIL, 0,
      "t.json: drivers.e1000e.rules: expected an array, got an object; "
      "\"rules\" is a list of {\"pci\": \"vvvv:dddd\", \"chip\": \"NAME\", "
      "\"verdict\": ...}" },
    { "rule not an object", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": ["
      RULE ", \"8086:10d3\"]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[1]: expected an object, got the string "
      "\"8086:10d3\"; "
      "a rule is {\"pci\": \"vvvv:dddd\", \"chip\": \"NAME\", \"verdict\": "
      "...}" },
    { "pci in uppercase", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": ["
      RULE ", " RULE2 ", {\"pci\": \"8086:10D3\"}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[2].pci: \"8086:10D3\" has uppercase hex "
      "digits; write \"8086:10d3\" (" PCIS ")" },
    { "pci malformed", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": "
      "[{\"pci\": \"0x8086:0x10d3\"}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[0].pci: \"0x8086:0x10d3\" is not a PCI "
      "vendor:device ID; " PCIS },
    { "pci not a string", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": "
      "[{\"pci\": 32902}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[0].pci: expected a string, got the "
      "integer 32902; " PCIS },
    { "duplicate pci rule", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": ["
      "{\"pci\": \"8086:10ea\", \"chip\": \"82577LM\", \"verdict\": "
      "\"supported\"}, " RULE ", " RULE "]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[2].pci: duplicate rule for 8086:10d3 "
      "(also rules[1]); each PCI ID may have one rule per driver" },
    { "rule without chip", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": "
      "[{\"pci\": \"8086:10d3\", \"verdict\": \"refuse\"}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[0]: \"chip\" is missing; every rule "
      "needs "
      "\"pci\", \"chip\" and \"verdict\"" },
    { "rule without verdict", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": "
      "[{\"pci\": \"8086:10d3\", \"chip\": \"82574L\"}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[0]: \"verdict\" is missing; every rule "
      "needs \"pci\", \"chip\" and \"verdict\"" },
    { "rule with unknown key", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": "
      "[{\"pci\": \"8086:10d3\", \"chip\": \"82574L\", \"max-mtu\": 9000}]}"
      TAIL, 0,
      "t.json: drivers.e1000e.rules[0].max-mtu: unknown key; did you mean "
      "\"max_mtu\"?" },
    { "rule with a bad verdict", HEAD "\"e1000e\": {" OK_ENTRY ", \"rules\": "
      "[{\"pci\": \"8086:10d3\", \"chip\": \"82574L\", \"verdict\": "
      "\"Refuse\"}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[0].verdict: unknown value \"Refuse\"; "
      "did you mean \"refuse\"?" },
    { "rule max_mtu out of range", HEAD "\"e1000e\": {" OK_ENTRY
      ", \"rules\": [{\"pci\": \"8086:10d3\", \"chip\": \"82574L\", "
      "\"verdict\": \"refuse\", \"max_mtu\": 65536}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[0].max_mtu: 65536 is out of range (0 to "
      "65535); " MTUS },

    /* "refuse_only_on", on a driver and on a rule. */
    { "refuse_only_on not an array", HEAD "\"enic\": {" REFUSE
      ", \"refuse_only_on\": \"xen-dom0\"}" TAIL, 0,
      "t.json: drivers.enic.refuse_only_on: expected an array, got the "
      "string \"xen-dom0\"; " ONLY_ON },
    { "refuse_only_on empty", HEAD "\"enic\": {" REFUSE
      ", \"refuse_only_on\": []}" TAIL, 0,
      "t.json: drivers.enic.refuse_only_on: the array is empty; " ONLY_ON },
    { "refuse_only_on with a number", HEAD "\"enic\": {" REFUSE
      ", \"refuse_only_on\": [0]}" TAIL, 0,
      "t.json: drivers.enic.refuse_only_on[0]: expected a string, got the "
      "integer 0; " KINDS },
    { "refuse_only_on misspelt", HEAD "\"enic\": {" REFUSE
      ", \"refuse_only_on\": [\"xen_dom0\"]}" TAIL, 0,
      "t.json: drivers.enic.refuse_only_on[0]: unknown value "
      "\"xen_dom0\"; did you mean \"xen-dom0\"?" },
    { "refuse_only_on, an unknown kind", HEAD "\"enic\": {" REFUSE
      ", \"refuse_only_on\": [\"xen-dom0\", \"kvm\"]}" TAIL, 0,
      "t.json: drivers.enic.refuse_only_on[1]: unknown value "
      "\"kvm\"; " KINDS },
    { "refuse_only_on, a kind twice", HEAD "\"enic\": {" REFUSE
      ", \"refuse_only_on\": [\"xen-dom0\", \"xen-dom0\"]}" TAIL, 0,
      "t.json: drivers.enic.refuse_only_on[1]: \"xen-dom0\" is listed "
      "twice (also refuse_only_on[0]); name each kind of host once" },
    { "refuse_only_on without refuse", HEAD "\"enic\": {"
      "\"refuse_only_on\": [\"xen-dom0\"], " OK_ENTRY "}" TAIL, 0,
      "t.json: drivers.enic.refuse_only_on: only allowed with \"verdict\": "
      "\"refuse\", and the verdict is \"supported\"; remove "
      "\"refuse_only_on\", or make the verdict \"refuse\"" },
    { "mtu_change_needs_reset without source", HEAD "\"tg3\": {" OK_ENTRY
      ", \"mtu_change_needs_reset\": {}}" TAIL, 0,
      "t.json: drivers.tg3.mtu_change_needs_reset: \"source\" is missing; "
      "write {\"source\": \"...\"} with where it is documented that this "
      "driver needs a link reset (down, then up) to use a new MTU" },
    { "mtu_change_needs_reset as true", HEAD "\"tg3\": {" OK_ENTRY
      ", \"mtu_change_needs_reset\": true}" TAIL, 0,
      "t.json: drivers.tg3.mtu_change_needs_reset: expected an object, got "
      "true; write {\"source\": \"...\"} with where it is documented "
      "that this driver needs a link reset (down, then up) to use a new "
      "MTU" },
    { "mtu_change_needs_reset, unknown key", HEAD "\"tg3\": {" OK_ENTRY
      ", \"mtu_change_needs_reset\": {\"sorce\": \"x\"}}" TAIL, 0,
      "t.json: drivers.tg3.mtu_change_needs_reset.sorce: unknown key; did "
      "you mean \"source\"?" },
    { "refuse_only_on misspelt as a key", HEAD "\"enic\": {" REFUSE
      ", \"refuse_only\": [\"xen-dom0\"]}" TAIL, 0,
      "t.json: drivers.enic.refuse_only: unknown key; did you mean "
      "\"refuse_only_on\"?" },
    { "rule refuse_only_on without refuse", HEAD "\"e1000e\": {" OK_ENTRY
      ", \"rules\": [" RULE ", {\"pci\": \"8086:108b\", \"chip\": "
      "\"82573E\", \"refuse_only_on\": [\"xen-dom0\"], \"verdict\": "
      "\"conditional\"}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[1].refuse_only_on: only allowed with "
      "\"verdict\": \"refuse\", and the verdict is \"conditional\"; "
      "remove \"refuse_only_on\", or make the verdict \"refuse\"" },
    { "rule refuse_only_on with an unknown kind", HEAD "\"e1000e\": {"
      OK_ENTRY ", \"rules\": [{\"pci\": \"8086:108b\", \"chip\": "
      "\"82573E\", \"verdict\": \"refuse\", \"refuse_only_on\": "
      "[\"dom0\"]}]}" TAIL, 0,
      "t.json: drivers.e1000e.rules[0].refuse_only_on[0]: unknown value "
      "\"dom0\"; did you mean \"xen-dom0\"?" },
    { "missing verdict beats refuse_only_on", HEAD "\"enic\": {"
      "\"refuse_only_on\": [\"xen-dom0\"], \"reason\": \"r\", "
      "\"source\": \"s\"}" TAIL, 0,
      "t.json: drivers.enic: \"verdict\" is missing; every driver needs "
      "\"verdict\", \"reason\" and \"source\"" },

    /* The first problem in document order is the one reported. */
    { "first error wins", HEAD "\"b44\": {" OK_ENTRY "}, \"tg3\": "
      "{\"verdict\": \"no\", \"max_mtu\": 1}, \"zz\": 1" TAIL, 0,
      "t.json: drivers.tg3.verdict: unknown value \"no\"; " VERDICTS },
};

static void
test_bad_one(const struct bad_case *c)
{
    static struct driver_table untouched;
    struct driver_table *table = &untouched;
    struct error err;
    int retval;

    error_clear(&err);
    retval = driver_table_parse_buffer("t.json", c->text,
                                       c->size ? c->size : strlen(c->text),
                                       &table, &err);
    test_report(retval == -EINVAL && err.code == -EINVAL, NULL,
                "bad table, %s: returns -EINVAL (got %d, code %d)", c->name,
                retval, err.code);
    test_streq(c->msg, err.msg, "bad table, %s: message", c->name);
    test_report(table == &untouched, NULL,
                "bad table, %s: leaves *tablep untouched", c->name);
    if (table != &untouched) {
        driver_table_destroy(table);
    }
}

static void
test_bad_tables(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        test_bad_one(&bad_cases[i]);
    }
}

/* Parses 'text', which must be valid, and returns the table. */
static struct driver_table *
parse_ok(const char *label, const char *text, size_t size)
{
    struct driver_table *table = NULL;
    struct error err;
    int retval;

    error_clear(&err);
    retval = driver_table_parse_buffer("t.json", text, size, &table, &err);
    test_report(retval == 0 && table, err.msg, "%s: parses", label);
    return retval ? NULL : table;
}

static void
test_good_table(void)
{
    static const char text[] =
        "\xef\xbb\xbf"          /* A byte order mark is skipped. */
        "{\"version\": 1, \"drivers\": {\n"
        "  \"e1000e\": {\"verdict\": \"conditional\", \"max_mtu\": 9212,\n"
        "    \"reason\": \"driver reason\", \"source\": \"e1000e.c:1\",\n"
        "    \"rules\": [\n"
        "      {\"pci\": \"8086:10ea\", \"chip\": \"82577LM\", "
        "\"verdict\": \"supported\", \"max_mtu\": 4074, "
        "\"reason\": \"PCH\"},\n"
        "      {\"pci\": \"8086:108b\", \"chip\": \"82573E\", "
        "\"verdict\": \"refuse\"}]},\n"
        "  \"\xc3\xa9t\xc3\xa9\": {\"verdict\": \"supported\", "
        "\"max_mtu\": 0, \"reason\": \"r\", \"source\": \"s\", "
        "\"rules\": [], \"mtu_change_needs_reset\": {\"source\": \"x.c:9\"}}\n"
        "}}\n";
    struct driver_table *table;
    const struct driver_entry *entry;
    struct driver_judgement j;

    table = parse_ok("good table", text, sizeof text - 1);
    if (!table) {
        return;
    }
    test_streq("t.json", table->file, "good table: file name kept");
    test_report(table->n_entries == 2, NULL, "good table: two entries");
    entry = driver_table_find(table, "e1000e");
    test_report(entry && entry->n_rules == 2 && entry->max_mtu == 9212
                && entry->verdict == DRIVER_CONDITIONAL
                && entry->rules[0].pci_vendor == 0x8086
                && entry->rules[0].pci_device == 0x10ea
                && entry->rules[1].reason == NULL,
                NULL, "good table: e1000e entry and rules copied");
    test_report(driver_table_find(table, "\xc3\xa9t\xc3\xa9") != NULL, NULL,
                "good table: UTF-8 driver name found");
    test_report(entry && !entry->reset_source
                && driver_table_find(table, "\xc3\xa9t\xc3\xa9")->reset_source
                && !strcmp(driver_table_find(table, "\xc3\xa9t\xc3\xa9")
                           ->reset_source, "x.c:9"), NULL,
                "good table: mtu_change_needs_reset and its source");
    test_report(driver_table_find(table, "E1000E") == NULL, NULL,
                "good table: find is case-sensitive");

    /* A rule with its own max_mtu and reason. */
    driver_table_judge(table, "e1000e", true, 0x8086, 0x10ea, false, &j);
    test_report(j.known && j.verdict == DRIVER_SUPPORTED && j.max_mtu == 4074,
                NULL, "good table: 82577LM rule wins");
    test_streq("e1000e PCI 8086:10ea (82577LM)", j.rule,
               "good table: rule text of a PCI rule");
    test_streq("PCH", j.reason, "good table: the rule's reason");
    test_streq("e1000e.c:1", j.source, "good table: the driver's source");

    /* A rule without max_mtu or reason falls back to the driver's. */
    driver_table_judge(table, "e1000e", true, 0x8086, 0x108b, false, &j);
    test_report(j.verdict == DRIVER_REFUSE && j.max_mtu == 9212, NULL,
                "good table: rule without max_mtu keeps the driver's");
    test_streq("driver reason", j.reason,
               "good table: rule without reason keeps the driver's");

    /* No PCI IDs: the driver's verdict, even if a rule would match. */
    driver_table_judge(table, "e1000e", false, 0x8086, 0x10ea, false,
                       &j);
    test_report(j.known && j.verdict == DRIVER_CONDITIONAL
                && j.max_mtu == 9212, NULL,
                "good table: without PCI IDs the driver's verdict applies");
    test_streq("driver e1000e", j.rule, "good table: rule text of a driver");

    driver_table_destroy(table);
}

/* Judges 'driver' with PCI ID 8086:'device' on a Xen dom0 and on another
 * host, and checks both judgements. */
static void
expect_hosts(const struct driver_table *table, const char *label,
             const char *driver, unsigned int device,
             enum driver_verdict dom0_verdict,
             enum driver_verdict other_verdict, unsigned int max_mtu,
             const char *other_reason)
{
    struct driver_judgement j;

    driver_table_judge(table, driver, true, 0x8086, device, true, &j);
    test_report(j.known && j.verdict == dom0_verdict && j.max_mtu == max_mtu
                && !j.refusal_lifted, NULL,
                "refuse_only_on, %s, Xen dom0: %s, max %u (got %s, %u)",
                label, driver_verdict_to_string(dom0_verdict), max_mtu,
                driver_verdict_to_string(j.verdict), j.max_mtu);
    driver_table_judge(table, driver, true, 0x8086, device, false, &j);
    test_report(j.known && j.verdict == other_verdict
                && j.max_mtu == max_mtu
                && j.refusal_lifted == (other_verdict != dom0_verdict),
                NULL, "refuse_only_on, %s, other host: %s, max %u (got %s, "
                "%u)", label, driver_verdict_to_string(other_verdict),
                max_mtu, driver_verdict_to_string(j.verdict), j.max_mtu);
    test_streq(other_reason, j.reason, "refuse_only_on, %s, other host: "
               "reason", label);
}

static void
test_refuse_only_on(void)
{
    static const char text[] =
        "{\"version\": 1, \"drivers\": {\n"
        "  \"enic\": {\"verdict\": \"refuse\", \"max_mtu\": 9000,\n"
        "    \"refuse_only_on\": [\"xen-dom0\"],\n"
        "    \"reason\": \"Crashes dom0.\", \"source\": \"s\",\n"
        "    \"rules\": [\n"
        "      {\"pci\": \"8086:0001\", \"chip\": \"always\", "
        "\"verdict\": \"refuse\", \"max_mtu\": 1500, "
        "\"reason\": \"Never.\"},\n"
        "      {\"pci\": \"8086:0002\", \"chip\": \"fine\", "
        "\"verdict\": \"supported\"}]},\n"
        "  \"e1000e\": {\"verdict\": \"supported\", \"reason\": \"OK.\", "
        "\"source\": \"s\",\n"
        "    \"rules\": [\n"
        "      {\"pci\": \"8086:108b\", \"chip\": \"82573E\", "
        "\"verdict\": \"refuse\", \"refuse_only_on\": [\"xen-dom0\"], "
        "\"reason\": \"Rule reason.\"},\n"
        "      {\"pci\": \"8086:109a\", \"chip\": \"82573L\", "
        "\"refuse_only_on\": [\"xen-dom0\"], \"verdict\": \"refuse\", "
        "\"max_mtu\": 4000}]}\n"
        "}}\n";
    struct driver_table *table;
    const struct driver_entry *entry;

    table = parse_ok("refuse_only_on table", text, sizeof text - 1);
    if (!table) {
        return;
    }
    entry = driver_table_find(table, "enic");
    test_report(entry
                && entry->refuse_only_on == 1u << DRIVER_HOST_XEN_DOM0
                && entry->rules[0].refuse_only_on == 0, NULL,
                "refuse_only_on table: the driver's list is copied, and a "
                "rule does not inherit it");
    entry = driver_table_find(table, "e1000e");
    test_report(entry && entry->refuse_only_on == 0
                && entry->rules[0].refuse_only_on
                   == 1u << DRIVER_HOST_XEN_DOM0, NULL,
                "refuse_only_on table: a rule's list is copied");

    /* The driver's refusal, and a rule that refuses on every host. */
    expect_hosts(table, "driver", "enic", 0x9999, DRIVER_REFUSE,
                 DRIVER_CONDITIONAL, 9000,
                 "refused only on Xen dom0, which this host is not, so on "
                 "this host only the kernel's max_mtu and the table's limit "
                 "of 9000 are checked. Crashes dom0.");
    expect_hosts(table, "rule without the key", "enic", 0x0001,
                 DRIVER_REFUSE, DRIVER_REFUSE, 1500, "Never.");
    expect_hosts(table, "supported rule", "enic", 0x0002, DRIVER_SUPPORTED,
                 DRIVER_SUPPORTED, 9000, "Crashes dom0.");

    /* A rule of its own that refuses only on a Xen dom0. */
    expect_hosts(table, "PCI rule", "e1000e", 0x108b, DRIVER_REFUSE,
                 DRIVER_CONDITIONAL, 0,
                 "refused only on Xen dom0, which this host is not, so on "
                 "this host only the kernel's max_mtu is checked (the table "
                 "sets no limit). Rule reason.");
    expect_hosts(table, "PCI rule with a limit", "e1000e", 0x109a,
                 DRIVER_REFUSE, DRIVER_CONDITIONAL, 4000,
                 "refused only on Xen dom0, which this host is not, so on "
                 "this host only the kernel's max_mtu and the table's limit "
                 "of 4000 are checked. OK.");
    expect_hosts(table, "other chip", "e1000e", 0x10d3, DRIVER_SUPPORTED,
                 DRIVER_SUPPORTED, 0, "OK.");

    driver_table_destroy(table);
}

static void
test_judge_unknown(void)
{
    struct driver_judgement j;

    driver_table_judge(NULL, "foo", true, 1, 2, false, &j);
    test_report(!j.known && j.verdict == DRIVER_CONDITIONAL && !j.max_mtu,
                NULL, "no table: unknown, conditional, no limit");
    test_streq("driver foo is not in the driver table; only the kernel's "
               "max_mtu is checked", j.reason, "no table: reason");
    test_streq("", j.source, "no table: empty source");

    driver_table_judge(NULL, "", false, 0, 0, true, &j);
    test_report(!j.known && j.verdict == DRIVER_CONDITIONAL, NULL,
                "empty driver name: unknown");
    test_streq("driver (none)", j.rule, "empty driver name: rule text");
    test_streq("the interface reports no driver name; only the kernel's "
               "max_mtu is checked", j.reason,
               "empty driver name: reason");

    driver_table_judge(NULL, NULL, false, 0, 0, false, &j);
    test_report(!j.known, NULL, "NULL driver name: unknown");
}

static void
test_verdict_names(void)
{
    test_streq("supported", driver_verdict_to_string(DRIVER_SUPPORTED),
               "verdict name: supported");
    test_streq("conditional", driver_verdict_to_string(DRIVER_CONDITIONAL),
               "verdict name: conditional");
    test_streq("refuse", driver_verdict_to_string(DRIVER_REFUSE),
               "verdict name: refuse");
    test_streq("(invalid verdict)",
               driver_verdict_to_string(DRIVER_VERDICT_MAX),
               "verdict name: out of range");
}

static void
test_files(void)
{
    char dir[] = "/tmp/test-drivers.XXXXXX";
    struct driver_table *table = NULL;
    struct error err;
    char *path, *expected;
    FILE *f;
    int retval;

    if (!mkdtemp(dir)) {
        test_report(false, strerror(errno), "file: make a temp directory");
        return;
    }

    path = xasprintf("%s/missing.json", dir);
    retval = driver_table_parse_file(path, &table, &err);
    expected = xasprintf("%s: cannot open the driver table: No such file or "
                         "directory; pass --drivers FILE to use another "
                         "table, or reinstall jumboagent to restore %s",
                         path, DRIVERS_DEFAULT_FILE);
    test_report(retval == -ENOENT && err.code == -ENOENT && !table, NULL,
                "missing file: returns -ENOENT");
    test_streq(expected, err.msg, "missing file: message");
    free(expected);
    free(path);

    retval = driver_table_parse_file(dir, &table, &err);
    expected = xasprintf("%s: is a directory; pass --drivers FILE with the "
                         "driver table file itself", dir);
    test_report(retval == -EISDIR && !table, NULL,
                "directory: returns -EISDIR");
    test_streq(expected, err.msg, "directory: message");
    free(expected);

    path = xasprintf("%s/drivers.json", dir);
    f = fopen(path, "w");
    if (f) {
        fputs(HEAD "\"tg3\": {\"verdict\": \"refuse\",\n\"max_mtu\": 1}"
              TAIL, f);
        fclose(f);
    }
    retval = driver_table_parse_file(path, &table, &err);
    expected = xasprintf("%s: drivers.tg3.max_mtu: 1 is out of range (0, "
                         "or 68 to 65535); " MTUS, path);
    test_report(retval == -EINVAL && !table, NULL,
                "bad file: returns -EINVAL");
    test_streq(expected, err.msg, "bad file: message names the file");
    free(expected);

    f = fopen(path, "w");
    if (f) {
        fputs(HEAD "\"tg3\": {" OK_ENTRY "}" TAIL "\n", f);
        fclose(f);
    }
    retval = driver_table_parse_file(path, &table, &err);
    test_report(retval == 0 && table && table->n_entries == 1, err.msg,
                "good file: parses");
    test_report(table && !strcmp(table->file, path), NULL,
                "good file: file name kept");
    driver_table_destroy(table);

    unlink(path);
    free(path);
    rmdir(dir);
}

/* Drivers that the shipped table must know, by their ethtool names. */
static const char *const required_drivers[] = {
    "e1000", "e1000e", "igb", "igbvf", "igc", "ixgbe", "ixgbevf", "i40e",
    "ice", "iavf", "fm10k", "r8169", "8139too", "8139cp", "r8152",
    "ax88179_178a", "lan78xx", "tg3", "b44", "bnx2", "bnx2x", "bnxt_en",
    "enic", "be2net", "bna", "cxgb4", "qede", "qlcnic", "netxen_nic", "sfc",
    "mlx4_en", "mlx5_core", "sky2", "skge", "atl1c", "ATL1E", "atl1", "atl2",
    "alx", "forcedeth", "ena", "gve", "mana", "virtio_net", "vmxnet3", "vif",
    "hv_netvsc", "tun", "veth", "bridge", "bonding", "team",
    "802.1Q VLAN Support", "macvlan", "openvswitch",
};

/* Checks the judgement of one interface on a Xen dom0 if 'xen_dom0', else
 * on another host. */
static void
expect_judgement_on(const struct driver_table *table, bool xen_dom0,
                    const char *driver, bool has_pci, unsigned int vendor,
                    unsigned int device, enum driver_verdict verdict,
                    unsigned int max_mtu, const char *rule)
{
    const char *host = xen_dom0 ? "Xen dom0" : "other host";
    struct driver_judgement j;

    driver_table_judge(table, driver, has_pci, vendor, device, xen_dom0, &j);
    test_report(j.known && j.verdict == verdict && j.max_mtu == max_mtu,
                NULL, "shipped table, %s: %s judged %s, max %u (got %s, %u)",
                host, rule, driver_verdict_to_string(verdict), max_mtu,
                driver_verdict_to_string(j.verdict), j.max_mtu);
    test_streq(rule, j.rule, "shipped table, %s: rule text of %s", host,
               rule);
    test_report(j.reason && j.reason[0] && j.source && j.source[0], NULL,
                "shipped table, %s: %s has a reason and a source", host,
                rule);
}

/* Checks the judgement of one interface that the table judges alike on
 * every kind of host. */
static void
expect_judgement(const struct driver_table *table, const char *driver,
                 bool has_pci, unsigned int vendor, unsigned int device,
                 enum driver_verdict verdict, unsigned int max_mtu,
                 const char *rule)
{
    expect_judgement_on(table, true, driver, has_pci, vendor, device,
                        verdict, max_mtu, rule);
    expect_judgement_on(table, false, driver, has_pci, vendor, device,
                        verdict, max_mtu, rule);
}

static void
test_shipped_table(void)
{
    struct driver_table *table = NULL;
    struct driver_judgement j;
    char *path, *expected;
    struct error err;
    bool ok;
    size_t i, k;

    path = xasprintf("%s/etc/jumboagent/drivers.json", test_srcdir());
    error_clear(&err);
    if (!test_report(!driver_table_parse_file(path, &table, &err), err.msg,
                     "shipped table: %s parses", path)) {
        free(path);
        return;
    }
    free(path);

    test_report(table->n_entries >= 45, NULL,
                "shipped table: at least 45 drivers (has %zu)",
                table->n_entries);
    for (i = 0; i < ARRAY_SIZE(required_drivers); i++) {
        test_report(driver_table_find(table, required_drivers[i]) != NULL,
                    NULL, "shipped table: knows \"%s\"", required_drivers[i]);
    }

    /* Every entry is sorted by name (case-insensitive) and every text is
     * there; rules of one driver are unique (the parser checks that). */
    ok = true;
    for (i = 1; i < table->n_entries; i++) {
        if (strcasecmp(table->entries[i - 1].name,
                       table->entries[i].name) >= 0) {
            ok = test_report(false, table->entries[i].name,
                             "shipped table: sorted by driver name");
        }
    }
    if (ok) {
        test_report(true, NULL, "shipped table: sorted by driver name");
    }
    ok = true;
    for (i = 0; i < table->n_entries; i++) {
        const struct driver_entry *e = &table->entries[i];

        for (k = 0; k < e->n_rules; k++) {
            if (!e->rules[k].chip || !e->rules[k].chip[0]) {
                ok = false;
            }
        }
        if (!e->reason[0] || !e->source[0]) {
            ok = false;
        }
    }
    test_report(ok, NULL, "shipped table: every entry and rule is complete");

    /* enic (issue 3): refused on a Xen dom0 only. */
    expect_judgement_on(table, true, "enic", false, 0, 0, DRIVER_REFUSE,
                        9000, "driver enic");
    expect_judgement_on(table, false, "enic", false, 0, 0,
                        DRIVER_CONDITIONAL, 9000, "driver enic");
    driver_table_judge(table, "enic", true, 0x1137, 0x0043, true, &j);
    test_report(j.verdict == DRIVER_REFUSE && !j.refusal_lifted
                && strstr(j.reason, "override"), j.reason,
                "shipped table, Xen dom0: enic refused, and its reason "
                "mentions an override");
    test_report(j.reason == driver_table_find(table, "enic")->reason, NULL,
                "shipped table, Xen dom0: enic's reason is the table's");
    driver_table_judge(table, "enic", true, 0x1137, 0x0043, false, &j);
    test_report(j.known && j.verdict == DRIVER_CONDITIONAL
                && j.max_mtu == 9000 && j.refusal_lifted, NULL,
                "shipped table, other host: enic conditional, max 9000");
    expected = xasprintf("refused only on Xen dom0, which this host is "
                         "not, so on this host only the kernel's max_mtu "
                         "and the table's limit of 9000 are checked. %s",
                         driver_table_find(table, "enic")->reason);
    test_streq(expected, j.reason, "shipped table, other host: enic's "
               "reason says the refusal is for Xen dom0");
    free(expected);
    test_report(strstr(j.reason, "UCS") != NULL, j.reason,
                "shipped table, other host: enic's reason names the UCS "
                "port MTU");
    ok = true;
    for (i = 0; i < table->n_entries; i++) {
        const struct driver_entry *e = &table->entries[i];

        if (e->refuse_only_on && strcmp(e->name, "enic")) {
            ok = test_report(false, e->name, "shipped table: only enic is "
                             "refused on some hosts only");
        }
        for (k = 0; k < e->n_rules; k++) {
            if (e->rules[k].refuse_only_on) {
                ok = test_report(false, e->rules[k].chip, "shipped table: "
                                 "no PCI rule is refused on some hosts "
                                 "only");
            }
        }
    }
    if (ok) {
        test_report(true, NULL, "shipped table: only enic is refused on "
                    "some hosts only (drivers.md: the others are the same "
                    "on every host)");
    }
    expect_judgement(table, "e1000e", true, 0x8086, 0x10ea,
                     DRIVER_SUPPORTED, 4074,
                     "e1000e PCI 8086:10ea (82577LM)");
    expect_judgement(table, "e1000e", true, 0x8086, 0x10f0,
                     DRIVER_SUPPORTED, 4074,
                     "e1000e PCI 8086:10f0 (82578DC)");
    expect_judgement(table, "e1000e", true, 0x8086, 0x10d3,
                     DRIVER_SUPPORTED, 9212, "e1000e PCI 8086:10d3 (82574L)");
    expect_judgement(table, "e1000e", true, 0x8086, 0x1502,
                     DRIVER_CONDITIONAL, 9000,
                     "e1000e PCI 8086:1502 (82579LM)");
    expect_judgement(table, "e1000e", true, 0x8086, 0x108b, DRIVER_REFUSE,
                     1500, "e1000e PCI 8086:108b (82573E)");
    expect_judgement(table, "e1000e", true, 0x8086, 0x109a,
                     DRIVER_SUPPORTED, 9212, "e1000e PCI 8086:109a (82573L)");
    expect_judgement(table, "e1000e", true, 0x8086, 0x104a, DRIVER_REFUSE,
                     1500, "e1000e PCI 8086:104a (ICH8 IGP AMT)");
    expect_judgement(table, "tg3", true, 0x14e4, 0x1653, DRIVER_REFUSE, 1500,
                     "tg3 PCI 14e4:1653 (BCM5705)");
    expect_judgement(table, "tg3", true, 0x14e4, 0x165f, DRIVER_SUPPORTED,
                     9000, "tg3 PCI 14e4:165f (BCM5720)");
    expect_judgement(table, "r8169", true, 0x10ec, 0x8136, DRIVER_REFUSE,
                     1500, "r8169 PCI 10ec:8136 (RTL810x (10/100))");
    expect_judgement(table, "r8169", true, 0x10ec, 0x8169, DRIVER_SUPPORTED,
                     7146, "r8169 PCI 10ec:8169 (RTL8169/8110)");
    expect_judgement(table, "e1000", true, 0x8086, 0x1000, DRIVER_REFUSE,
                     1500, "e1000 PCI 8086:1000 (82542)");
    expect_judgement(table, "8139cp", true, 0x10ec, 0x8139, DRIVER_REFUSE,
                     4096, "driver 8139cp");
    expect_judgement(table, "8139too", false, 0, 0, DRIVER_REFUSE, 1770,
                     "driver 8139too");
    expect_judgement(table, "b44", false, 0, 0, DRIVER_REFUSE, 1500,
                     "driver b44");
    expect_judgement(table, "atl2", false, 0, 0, DRIVER_REFUSE, 1504,
                     "driver atl2");
    expect_judgement(table, "ax88179_178a", false, 0, 0, DRIVER_REFUSE,
                     4088, "driver ax88179_178a");
    expect_judgement(table, "ixgbe", false, 0, 0, DRIVER_SUPPORTED, 9710,
                     "driver ixgbe");
    expect_judgement(table, "virtio_net", false, 0, 0, DRIVER_SUPPORTED,
                     65535, "driver virtio_net");
    expect_judgement(table, "vif", false, 0, 0, DRIVER_CONDITIONAL, 0,
                     "driver vif");

    /* A PCI ID that no rule names gets the driver's own verdict. */
    expect_judgement(table, "e1000e", true, 0x8086, 0xffff,
                     DRIVER_CONDITIONAL, 0, "driver e1000e");
    expect_judgement(table, "tg3", true, 0x14e4, 0x0001, DRIVER_CONDITIONAL,
                     9000, "driver tg3");
    /* The rule must match the vendor too. */
    expect_judgement(table, "e1000e", true, 0x10ec, 0x10ea,
                     DRIVER_CONDITIONAL, 0, "driver e1000e");

    driver_table_judge(table, "mystery_nic", true, 0x1234, 0x5678, true,
                       &j);
    test_report(!j.known && j.verdict == DRIVER_CONDITIONAL && !j.max_mtu,
                NULL, "shipped table: unknown driver judged unknown");
    test_streq("driver mystery_nic is not in the driver table; only the "
               "kernel's max_mtu is checked", j.reason,
               "shipped table: unknown driver's reason");
    test_streq("driver mystery_nic", j.rule,
               "shipped table: unknown driver's rule text");

    driver_table_destroy(table);
}

int
main(void)
{
    test_bad_tables();
    test_good_table();
    test_refuse_only_on();
    test_judge_unknown();
    test_verdict_names();
    test_files();
    test_shipped_table();
    driver_table_destroy(NULL);
    return test_exit_status();
}
