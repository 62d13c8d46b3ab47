/* Unit tests for the policy parser (agent/policy.c).
 *
 * Table-driven: each bad policy is given inline and must fail with exactly
 * the expected message and code; each good policy (the files under
 * policy/examples/ and a few inline ones) must parse into the expected
 * values.  File-level cases write temporary files under a private
 * directory, which is removed at the end. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "testlib.h"
#include "util.h"

/* The inputs below write JSON's '"' as '\'' and '\'' as '`', so that they
 * read as JSON; policy_text() turns them back. */
static char *
policy_text(const char *s)
{
    char *text = xstrdup(s);

    for (char *p = text; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        } else if (*p == '`') {
            *p = '\'';
        }
    }
    return text;
}

/* A policy with one network, 'MORE' added to its object. */
#define NET(MORE) "{'name': 'storage', 'bridge': 'xenbr1', 'mtu': 9000" \
    MORE "}"
#define POLICY(NETWORKS) "{'version': 1, 'networks': [" NETWORKS "]}"
#define POLICY1(MORE) POLICY(NET(MORE))

/* The rules that end the messages, as the README documents them. */
#define R_POLICY "a policy is one JSON object: " \
    "{\"version\": 1, \"networks\": [...]}"
#define R_VERSION "\"version\" must be the integer 1"
#define R_NETWORKS "\"networks\" must be a non-empty array of network " \
    "objects"
#define R_NETWORK "each network is an object with at least \"name\", " \
    "\"bridge\" and \"mtu\""
#define R_NAME "a network name is 1 to 63 characters from A-Z, a-z, 0-9, " \
    "'_', '.' and '-'"
#define R_IFNAME "an interface name is 1 to 15 bytes without '/', ':', " \
    "whitespace or control characters, and not \".\" or \"..\""
#define R_BRIDGE "a bridge is the name of an OVS or Linux bridge: 1 to " \
    "15 bytes without '/', ':', whitespace or control characters, and not " \
    "\".\" or \"..\""
#define R_MTU "an MTU must be an integer from 68 to 65535"
#define R_UPLINKS "\"uplinks\" must be a non-empty array of interface " \
    "names; leave it out to use the bridge's non-internal system ports"
#define R_VIFS "\"vifs\" must be an array of patterns such as " \
    "[\"vif*\", \"tap*\"]; leave it out to use the ports marked as VM " \
    "interfaces"
#define R_GLOB "a VIF pattern is a non-empty fnmatch glob such as " \
    "\"vif*\" or \"tap[0-9]*\", without '/' or whitespace"
#define R_TYPE "\"type\" must be one of \"vxlan\", \"geneve\", \"gre\", " \
    "\"gretap\" or \"ipsec\""
#define R_UNDERLAY "\"underlay\" must be the name of another network in " \
    "this policy"
#define R_OPTIONS "\"options\" must be a multiple of 4 from 0 to 252 " \
    "(bytes of Geneve options)"
#define R_OVERHEAD "\"overhead\" must be an integer from 1 to 512 (bytes " \
    "that the IPsec encapsulation adds)"
#define R_PEERS "\"peers\" must be a non-empty array of IPv4 or IPv6 " \
    "addresses"
#define R_PEER "a peer is an IPv4 or IPv6 address such as \"192.0.2.10\" " \
    "or \"2001:db8::10\""
#define R_OVERRIDES "\"overrides\" must be an array of objects with " \
    "\"interface\", \"allow_driver\" and \"reason\""
#define R_DRIVER "\"allow_driver\" must be a driver name such as " \
    "\"enic\", without whitespace"
#define R_REASON "\"reason\" must say why the driver is allowed; " \
    "jumboagent prints it on every run"
#define R_JSON "check the quotes, commas and brackets there; JSON allows " \
    "no comments and no trailing commas"

#define OVERRIDE(IFACE, DRIVER, REASON) \
    "{'interface': '" IFACE "', 'allow_driver': '" DRIVER "', " \
    "'reason': '" REASON "'}"

struct bad_case {
    const char *name;           /* Label of the check. */
    const char *text;           /* Input, see policy_text(). */
    size_t size;                /* Bytes of 'text'; 0: strlen(). */
    const char *msg;            /* Expected message, after "p.json: ". */
};

static const struct bad_case bad_cases[] = {
    /* The file as a whole. */
    { "empty file", "", 0,
      "(top level): the file is empty; " R_POLICY },
    { "only whitespace", " \n\t\r\n ", 0,
      "(top level): the file contains only whitespace; " R_POLICY },
    { "only a byte order mark", "\xef\xbb\xbf", 0,
      "(top level): the file is empty; " R_POLICY },
    { "truncated", "{'version': 1,\n 'networks': [", 0,
      "line 2, column 15: invalid JSON: unexpected end of data; the file "
      "ends before the policy is complete (a '}' or ']' may be missing)" },
    { "truncated inside a string", "{'version': 1, 'netw", 0,
      "line 1, column 21: invalid JSON: unexpected end of data; the file "
      "ends before the policy is complete (a '}' or ']' may be missing)" },
    { "double comma", "{'version': 1,, 'networks': []}", 0,
      "line 1, column 15: invalid JSON: quoted object property name "
      "expected; " R_JSON },
    { "missing colon", "{\n  'version' 1\n}", 0,
      "line 2, column 13: invalid JSON: object property name separator ':' "
      "expected; " R_JSON },
    { "trailing comma", "{'version': 1, 'networks': [1,]}", 0,
      "line 1, column 31: invalid JSON: unexpected character; " R_JSON },
    { "comment", "{'version': 1 /* one */}", 0,
      "line 1, column 15: invalid JSON: object value separator ',' "
      "expected; " R_JSON },
    { "unquoted key", "{version: 1}", 0,
      "line 1, column 2: invalid JSON: quoted object property name "
      "expected; " R_JSON },
    { "capitalized literal", POLICY1(", 'ipv6': True"), 0,
      "line 1, column 90: invalid JSON: boolean expected; "
      R_JSON },
    { "text after the object", "{'version': 1}\n\n  x\n", 0,
      "line 3, column 3: unexpected text after the policy object; the file "
      "holds exactly one JSON object" },
    { "two objects", "{'version': 1}{'version': 1}", 0,
      "line 1, column 15: unexpected text after the policy object; the "
      "file holds exactly one JSON object" },
    { "not UTF-8", "{'version': 1,\n 'x': '\xff'}", 0,
      "line 2, column 8: the file is not valid UTF-8 (byte 0xff at offset "
      "22); save the policy as UTF-8 text" },
    { "overlong UTF-8", "{'version': 1, 'x': '\xc0\xaf'}", 0,
      "line 1, column 22: the file is not valid UTF-8 (byte 0xc0 at offset "
      "21); save the policy as UTF-8 text" },
    { "UTF-8 surrogate", "{'x': '\xed\xa0\x80'}", 0,
      "line 1, column 8: the file is not valid UTF-8 (byte 0xed at offset "
      "7); save the policy as UTF-8 text" },
    { "NUL byte", "{'version'\0: 1}", 15,
      "line 1, column 11: the file contains a NUL byte (at offset 10); a "
      "policy is UTF-8 text" },
    { "top level array", "[{'version': 1}]", 0,
      "(top level): expected an object, got an array; " R_POLICY },
    { "top level string", "  'policy'\n", 0,
      "(top level): expected an object, got the string \"policy\"; "
      R_POLICY },
    { "top level number", "1", 0,
      "(top level): expected an object, got the integer 1; " R_POLICY },
    { "single quotes", "{`version`: 1}", 0,
      "line 1, column 2: invalid JSON: a string in single quotes; JSON "
      "strings use double quotes" },
    { "tab inside a string", POLICY1(", 'vifs': ['vif\t*']"), 0,
      "line 1, column 95: invalid JSON: the control character U+0009 "
      "inside a string; write it as an escape such as \\t or \\n" },
    { "duplicate key",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': 1500, 'mtu': 9000}"), 0,
      "networks[0].mtu: the key appears twice in one object (at line 1 and "
      "again at line 1); give each key only once" },
    { "duplicate top-level key", "{'version': 1, 'version': 1}", 0,
      "version: the key appears twice in one object (at line 1 and again "
      "at line 1); give each key only once" },
    { "duplicate key written with an escape",
      "{'version': 1, 've\\u0072sion': 1}", 0,
      "[\"ve\\\\u0072sion\"]: the key appears twice in one object (at line "
      "1 and again at line 1); give each key only once" },
    { "NaN", "{'version': NaN}", 0,
      "line 1, column 13: invalid JSON: NaN, Infinity or a bare word where "
      "a value belongs; a JSON value is an object, array, string, number, "
      "true, false or null" },
    { "Infinity as an MTU",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': -Infinity}"), 0,
      "line 1, column 67: invalid JSON: NaN, Infinity or a bare word where "
      "a value belongs; a JSON value is an object, array, string, number, "
      "true, false or null" },
    { "malformed number", "{'version': 1.}", 0,
      "line 1, column 13: invalid JSON: a malformed number; JSON numbers "
      "look like 9000, -1 or 1.5e3" },
    { "number with a leading zero", "{'version': -01}", 0,
      "line 1, column 13: invalid JSON: a malformed number; JSON numbers "
      "look like 9000, -1 or 1.5e3" },
    { "byte order mark before an error",
      "\xef\xbb\xbf{'version': 1,, 'networks': []}", 0,
      "line 1, column 15: invalid JSON: quoted object property name "
      "expected; " R_JSON },

    /* The top level. */
    { "version missing", "{'networks': [" NET("") "]}", 0,
      "(top level): \"version\" is missing; add \"version\": 1 at the top "
      "level" },
    { "version 2", "{'version': 2, 'links': []}", 0,
      "version: version 2 is not supported; this jumboagent reads "
      "policies of version 1" },
    { "version as a string", "{'version': '1', 'networks': []}", 0,
      "version: expected an integer, got the string \"1\"; " R_VERSION },
    { "version as a number", "{'version': 1.0, 'networks': []}", 0,
      "version: expected an integer, got the number 1.0; " R_VERSION },
    { "misspelt top-level key", "{'version': 1, 'network': []}", 0,
      "network: unknown key; did you mean \"networks\"?" },
    { "unknown top-level key", "{'version': 1, 'hosts': []}", 0,
      "hosts: unknown key; the keys allowed here are \"version\", "
      "\"networks\", \"overrides\"" },
    { "unknown key that is not an identifier", "{'version': 1, 'a b': 1}", 0,
      "[\"a b\"]: unknown key; the keys allowed here are \"version\", "
      "\"networks\", \"overrides\"" },
    { "networks missing", "{'version': 1}", 0,
      "(top level): \"networks\" is missing; " R_NETWORKS },
    { "networks empty", "{'version': 1, 'networks': []}", 0,
      "networks: the array is empty; " R_NETWORKS },
    { "networks an object", "{'version': 1, 'networks': " NET("") "}", 0,
      "networks: expected an array, got an object; " R_NETWORKS },
    { "network a string", POLICY(NET("") ", 'storage'"), 0,
      "networks[1]: expected an object, got the string \"storage\"; "
      R_NETWORK },

    /* Networks. */
    { "misspelt network key", POLICY1(", 'mtuu': 9000"), 0,
      "networks[0].mtuu: unknown key; did you mean \"mtu\"?" },
    { "network key in capitals", POLICY1(", 'IPv6': true"), 0,
      "networks[0].IPv6: unknown key; did you mean \"ipv6\"?" },
    { "network key prefix", POLICY1(", 'manage': true"), 0,
      "networks[0].manage: unknown key; did you mean \"management\"?" },
    { "unknown network key", POLICY1(", 'speed': 10000"), 0,
      "networks[0].speed: unknown key; the keys allowed here are \"name\", "
      "\"bridge\", \"mtu\", \"uplinks\", \"vifs\", \"management\", "
      "\"replug\", \"ipv6\", \"overlay\", \"verify\"" },
    { "name missing", POLICY("{'bridge': 'br0', 'mtu': 9000}"), 0,
      "networks[0]: \"name\" is missing; " R_NAME },
    { "name null", POLICY("{'name': null, 'bridge': 'br0', 'mtu': 9000}"),
      0, "networks[0].name: expected a string, got null; " R_NAME },
    { "name empty", POLICY("{'name': '', 'bridge': 'br0', 'mtu': 9000}"), 0,
      "networks[0].name: the string is empty; " R_NAME },
    { "name with a space",
      POLICY("{'name': 'my net', 'bridge': 'br0', 'mtu': 9000}"), 0,
      "networks[0].name: \"my net\" contains a space; " R_NAME },
    { "name with a slash",
      POLICY("{'name': 'a/b', 'bridge': 'br0', 'mtu': 9000}"), 0,
      "networks[0].name: \"a/b\" contains '/'; " R_NAME },
    { "name too long",
      POLICY("{'name': 'storage-network-for-iscsi-and-nfs-traffic-of-the-"
             "xen-pool-number', 'bridge': 'br0', 'mtu': 9000}"), 0,
      "networks[0].name: \"storage-network-for-iscsi-and-nfs-traffic-of-th"
      "...\" is 64 characters long; " R_NAME },
    { "bridge missing", POLICY("{'name': 'a', 'mtu': 9000}"), 0,
      "networks[0]: \"bridge\" is missing; " R_BRIDGE },
    { "bridge too long",
      POLICY("{'name': 'a', 'bridge': 'br-storage-12345', 'mtu': 9000}"), 0,
      "networks[0].bridge: \"br-storage-12345\" is 16 bytes long; "
      R_BRIDGE },
    { "bridge with a slash",
      POLICY("{'name': 'a', 'bridge': 'br/0', 'mtu': 9000}"), 0,
      "networks[0].bridge: \"br/0\" contains '/'; " R_BRIDGE },
    { "bridge dot dot",
      POLICY("{'name': 'a', 'bridge': '..', 'mtu': 9000}"), 0,
      "networks[0].bridge: \"..\" is not an interface name; " R_BRIDGE },
    { "bridge with a newline",
      POLICY("{'name': 'a', 'bridge': 'br0\\n', 'mtu': 9000}"), 0,
      "networks[0].bridge: \"br0\\n\" contains the control character "
      "U+000A; " R_BRIDGE },
    { "bridge with a NUL",
      POLICY("{'name': 'a', 'bridge': 'br\\u0000x', 'mtu': 9000}"), 0,
      "networks[0].bridge: \"br\\u0000x\" contains a NUL character; "
      R_BRIDGE },
    { "bridge only spaces",
      POLICY("{'name': 'a', 'bridge': '  ', 'mtu': 9000}"), 0,
      "networks[0].bridge: \"  \" is only whitespace; " R_BRIDGE },
    { "mtu missing", POLICY("{'name': 'a', 'bridge': 'br0'}"), 0,
      "networks[0]: \"mtu\" is missing; " R_MTU },
    { "mtu as a string",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': '9000'}"), 0,
      "networks[0].mtu: expected an integer, got the string \"9000\"; "
      R_MTU },
    { "mtu with a fraction",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': 9000.5}"), 0,
      "networks[0].mtu: expected an integer, got the number 9000.5; "
      R_MTU },
    { "mtu in exponent notation",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': 9e3}"), 0,
      "networks[0].mtu: expected an integer, got the number 9e3; "
      R_MTU },
    { "mtu true", POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': true}"), 0,
      "networks[0].mtu: expected an integer, got true; " R_MTU },
    { "mtu too large",
      POLICY(NET("") ", {'name': 'b', 'bridge': 'br0', 'mtu': 70000}"), 0,
      "networks[1].mtu: 70000 is out of range (68 to 65535); " R_MTU },
    { "mtu too small", POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': 67}"),
      0, "networks[0].mtu: 67 is out of range (68 to 65535); " R_MTU },
    { "mtu negative", POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': -1}"),
      0, "networks[0].mtu: -1 is out of range (68 to 65535); " R_MTU },
    { "mtu huge",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': 99999999999999999999}"),
      0, "networks[0].mtu: the number is far out of range (68 to 65535); "
      R_MTU },
    { "mtu beyond int64",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': 10000000000000000000}"),
      0, "networks[0].mtu: 10000000000000000000 is out of range (68 to "
      "65535); " R_MTU },
    { "mtu too small for IPv6",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': 1000, 'ipv6': true}"), 0,
      "networks[0].mtu: 1000 is too small for IPv6; a network with "
      "\"ipv6\": true needs an MTU from 1280 to 65535" },
    { "management as a string", POLICY1(", 'management': 'yes'"), 0,
      "networks[0].management: expected true or false, got the string "
      "\"yes\"; set \"management\": true only to allow jumbo frames on the "
      "management interface; the default is false" },
    { "replug as a string", POLICY1(", 'replug': 'yes'"), 0,
      "networks[0].replug: expected true or false, got the string "
      "\"yes\"; set \"replug\": true to bounce (down, then up) this "
      "network's changed uplinks and bond members after their MTU changed, "
      "one at a time; the default is false" },
    { "ipv6 as an integer", POLICY1(", 'ipv6': 1"), 0,
      "networks[0].ipv6: expected true or false, got the integer 1; set "
      "\"ipv6\": true if the network carries IPv6 (its MTU must then be at "
      "least 1280); the default is false" },
    { "uplinks empty", POLICY1(", 'uplinks': []"), 0,
      "networks[0].uplinks: the array is empty; " R_UPLINKS },
    { "uplinks a string", POLICY1(", 'uplinks': 'eth2'"), 0,
      "networks[0].uplinks: expected an array, got the string \"eth2\"; "
      R_UPLINKS },
    { "uplink an integer", POLICY1(", 'uplinks': ['eth2', 3]"), 0,
      "networks[0].uplinks[1]: expected a string, got the integer 3; "
      R_IFNAME },
    { "uplink with a space", POLICY1(", 'uplinks': ['eth 2']"), 0,
      "networks[0].uplinks[0]: \"eth 2\" contains a space; " R_IFNAME },
    { "uplink with a colon", POLICY1(", 'uplinks': ['eth2:1']"), 0,
      "networks[0].uplinks[0]: \"eth2:1\" contains ':'; " R_IFNAME },
    { "vifs a string", POLICY1(", 'vifs': 'vif*'"), 0,
      "networks[0].vifs: expected an array, got the string \"vif*\"; "
      R_VIFS },
    { "vif pattern empty", POLICY1(", 'vifs': ['vif*', '']"), 0,
      "networks[0].vifs[1]: the string is empty; " R_GLOB },
    { "vif pattern unbalanced", POLICY1(", 'vifs': ['vif[0-9*']"), 0,
      "networks[0].vifs[0]: \"vif[0-9*\" has a '[' without a matching ']'; "
      R_GLOB },
    { "vif pattern empty bracket", POLICY1(", 'vifs': ['vif[]']"), 0,
      "networks[0].vifs[0]: \"vif[]\" has an empty bracket expression "
      "\"[]\"; " R_GLOB },
    { "vif pattern empty negated bracket", POLICY1(", 'vifs': ['tap[!]x']"),
      0, "networks[0].vifs[0]: \"tap[!]x\" has an empty bracket expression "
      "\"[!]\"; " R_GLOB },
    { "vif pattern trailing backslash", POLICY1(", 'vifs': ['vif\\\\']"), 0,
      "networks[0].vifs[0]: \"vif\\\\\" ends with a backslash; " R_GLOB },
    { "vif pattern with a slash", POLICY1(", 'vifs': ['vif/*']"), 0,
      "networks[0].vifs[0]: \"vif/*\" contains '/'; " R_GLOB },
    { "vif pattern with a space", POLICY1(", 'vifs': ['vif *']"), 0,
      "networks[0].vifs[0]: \"vif *\" contains a space; " R_GLOB },
    { "vif pattern reversed range", POLICY1(", 'vifs': ['vif[9-0]*']"), 0,
      "networks[0].vifs[0]: \"vif[9-0]*\" has the reversed range \"9-0\"; "
      R_GLOB },
    { "vif pattern unknown class", POLICY1(", 'vifs': ['vif[[:num:]]']"), 0,
      "networks[0].vifs[0]: \"vif[[:num:]]\" names the unknown character "
      "class \"[:num:]\"; " R_GLOB },

    /* Overlays. */
    { "overlay a string", POLICY1(", 'overlay': 'vxlan'"), 0,
      "networks[0].overlay: expected an object, got the string "
      "\"vxlan\"; \"overlay\" must be an object with \"type\" and "
      "\"underlay\"" },
    { "overlay misspelt key",
      POLICY1(", 'overlay': {'typ': 'vxlan', 'underlay': 'u'}"), 0,
      "networks[0].overlay.typ: unknown key; did you mean \"type\"?" },
    { "overlay type missing", POLICY1(", 'overlay': {'underlay': 'u'}"), 0,
      "networks[0].overlay: \"type\" is missing; " R_TYPE },
    { "overlay type unknown",
      POLICY1(", 'overlay': {'type': 'VXLAN', 'underlay': 'u'}"), 0,
      "networks[0].overlay.type: unknown value \"VXLAN\"; did you mean "
      "\"vxlan\"?" },
    { "overlay type far off",
      POLICY1(", 'overlay': {'type': 'wireguard', 'underlay': 'u'}"), 0,
      "networks[0].overlay.type: unknown value \"wireguard\"; " R_TYPE },
    { "overlay underlay missing", POLICY1(", 'overlay': {'type': 'gre'}"), 0,
      "networks[0].overlay: \"underlay\" is missing; " R_UNDERLAY },
    { "overlay underlay unknown",
      POLICY1(", 'overlay': {'type': 'gre', 'underlay': 'nowhere'}"), 0,
      "networks[0].overlay.underlay: no network is named \"nowhere\"; "
      R_UNDERLAY },
    { "overlay underlay itself",
      POLICY1(", 'overlay': {'type': 'gre', 'underlay': 'storage'}"), 0,
      "networks[0].overlay.underlay: \"storage\" is this network itself; "
      R_UNDERLAY },
    { "overlay loop",
      POLICY("{'name': 'u', 'bridge': 'br0', 'mtu': 9000},"
             "{'name': 'a', 'bridge': 'br1', 'mtu': 1400,"
             " 'overlay': {'type': 'vxlan', 'underlay': 'b'}},"
             "{'name': 'b', 'bridge': 'br2', 'mtu': 1400,"
             " 'overlay': {'type': 'vxlan', 'underlay': 'c'}},"
             "{'name': 'c', 'bridge': 'br3', 'mtu': 1400,"
             " 'overlay': {'type': 'vxlan', 'underlay': 'b'}}"), 0,
      "networks[1].overlay.underlay: the underlays form a loop: \"a\" -> "
      "\"b\" -> \"c\" -> \"b\"; the chain of underlays must end at a "
      "network without \"overlay\"" },
    { "overlay loop of two",
      POLICY("{'name': 'a', 'bridge': 'br1', 'mtu': 1400,"
             " 'overlay': {'type': 'gre', 'underlay': 'b'}},"
             "{'name': 'b', 'bridge': 'br2', 'mtu': 1400,"
             " 'overlay': {'type': 'gre', 'underlay': 'a'}}"), 0,
      "networks[0].overlay.underlay: the underlays form a loop: \"a\" -> "
      "\"b\" -> \"a\"; the chain of underlays must end at a network "
      "without \"overlay\"" },
    { "overlay key with vxlan",
      POLICY1(", 'overlay': {'type': 'vxlan', 'underlay': 'u', "
              "'key': true}"), 0,
      "networks[0].overlay.key: not allowed with \"type\": \"vxlan\"; "
      "\"key\" applies only to \"gre\" and \"gretap\"" },
    { "overlay key a string",
      POLICY1(", 'overlay': {'type': 'gre', 'underlay': 'u', 'key': 'on'}"),
      0, "networks[0].overlay.key: expected true or false, got the string "
      "\"on\"; set \"key\": true if the GRE header carries a key; the "
      "default is false" },
    { "overlay options with gre",
      POLICY1(", 'overlay': {'type': 'gre', 'underlay': 'u', "
              "'options': 8}"), 0,
      "networks[0].overlay.options: not allowed with \"type\": \"gre\"; "
      "\"options\" applies only to \"geneve\"" },
    { "overlay options not a multiple of 4",
      POLICY1(", 'overlay': {'type': 'geneve', 'underlay': 'u', "
              "'options': 6}"), 0,
      "networks[0].overlay.options: 6 is not a multiple of 4; " R_OPTIONS },
    { "overlay options too large",
      POLICY1(", 'overlay': {'type': 'geneve', 'underlay': 'u', "
              "'options': 256}"), 0,
      "networks[0].overlay.options: 256 is out of range (0 to 252); "
      R_OPTIONS },
    { "ipsec without overhead",
      POLICY1(", 'overlay': {'type': 'ipsec', 'underlay': 'u'}"), 0,
      "networks[0].overlay: \"overhead\" is missing; \"type\": \"ipsec\" "
      "needs \"overhead\", an integer from 1 to 512 (bytes that the IPsec "
      "encapsulation adds)" },
    { "ipsec overhead zero",
      POLICY1(", 'overlay': {'type': 'ipsec', 'underlay': 'u', "
              "'overhead': 0}"), 0,
      "networks[0].overlay.overhead: 0 is out of range (1 to 512); "
      R_OVERHEAD },
    { "overhead with vxlan",
      POLICY1(", 'overlay': {'type': 'vxlan', 'underlay': 'u', "
              "'overhead': 50}"), 0,
      "networks[0].overlay.overhead: not allowed with \"type\": \"vxlan\"; "
      "\"overhead\" is given only for \"ipsec\" (jumboagent knows the "
      "overhead of \"vxlan\")" },
    { "overlay does not fit its underlay",
      POLICY("{'name': 'u', 'bridge': 'br0', 'mtu': 9000},"
             "{'name': 'o', 'bridge': 'br1', 'mtu': 9000,"
             " 'overlay': {'type': 'vxlan', 'underlay': 'u'}}"), 0,
      "networks[1].mtu: 9000 plus 50 bytes of vxlan overhead is more than "
      "the MTU 9000 of underlay \"u\"; use an MTU of at most 8950 or raise "
      "the MTU of \"u\"" },
    { "overlay on a tiny underlay",
      POLICY("{'name': 'u', 'bridge': 'br0', 'mtu': 100},"
             "{'name': 'o', 'bridge': 'br1', 'mtu': 1280, 'ipv6': true,"
             " 'overlay': {'type': 'geneve', 'underlay': 'u', 'ipv6': true,"
             " 'options': 8}}"), 0,
      "networks[1].mtu: 1280 plus 78 bytes of geneve overhead is more than "
      "the MTU 100 of underlay \"u\"; raise the MTU of \"u\" to at least "
      "1358" },

    /* Verification peers. */
    { "verify an array", POLICY1(", 'verify': ['192.0.2.1']"), 0,
      "networks[0].verify: expected an object, got an array; \"verify\" "
      "must be an object with \"peers\"" },
    { "verify peers missing", POLICY1(", 'verify': {}"), 0,
      "networks[0].verify: \"peers\" is missing; " R_PEERS },
    { "verify peers empty", POLICY1(", 'verify': {'peers': []}"), 0,
      "networks[0].verify.peers: the array is empty; " R_PEERS },
    { "verify peer not an address",
      POLICY1(", 'verify': {'peers': ['192.0.2.1', '192.0.2.300']}"), 0,
      "networks[0].verify.peers[1]: \"192.0.2.300\" is not an IPv4 or IPv6 "
      "address; " R_PEER },
    { "verify peer a host name",
      POLICY1(", 'verify': {'peers': ['storage-peer']}"), 0,
      "networks[0].verify.peers[0]: \"storage-peer\" is not an IPv4 or IPv6 "
      "address; " R_PEER },

    /* Overrides. */
    { "overrides an object",
      "{'version': 1, 'networks': [" NET("") "], 'overrides': {}}", 0,
      "overrides: expected an array, got an object; " R_OVERRIDES },
    { "override reason missing",
      "{'version': 1, 'networks': [" NET("") "], 'overrides': "
      "[{'interface': 'eth4', 'allow_driver': 'enic'}]}", 0,
      "overrides[0]: \"reason\" is missing; " R_REASON },
    { "override reason blank",
      "{'version': 1, 'networks': [" NET("") "], 'overrides': ["
      OVERRIDE("eth4", "enic", " ") "]}", 0,
      "overrides[0].reason: \" \" is only whitespace; " R_REASON },
    { "override driver empty",
      "{'version': 1, 'networks': [" NET("") "], 'overrides': ["
      OVERRIDE("eth4", "", "tested") "]}", 0,
      "overrides[0].allow_driver: the string is empty; " R_DRIVER },
    { "override driver with a space",
      "{'version': 1, 'networks': [" NET("") "], 'overrides': ["
      OVERRIDE("eth4", "enic ", "tested") "]}", 0,
      "overrides[0].allow_driver: \"enic \" contains a space; " R_DRIVER },
    { "override misspelt key",
      "{'version': 1, 'networks': [" NET("") "], 'overrides': "
      "[{'interface': 'eth4', 'allow-driver': 'enic', 'reason': 'x'}]}", 0,
      "overrides[0].allow-driver: unknown key; did you mean "
      "\"allow_driver\"?" },
    { "override interface twice",
      "{'version': 1, 'networks': [" NET("") "], 'overrides': ["
      OVERRIDE("eth4", "enic", "a") ", " OVERRIDE("eth5", "enic", "b") ", "
      OVERRIDE("eth4", "bnx2x", "c") "]}", 0,
      "overrides[2].interface: \"eth4\" already has an override in "
      "overrides[0]; give each interface one override" },

    /* Cross-checks. */
    { "duplicate network name",
      POLICY(NET("") ", {'name': 'storage', 'bridge': 'br1', 'mtu': 9000}"),
      0, "networks[1].name: \"storage\" is already the name of networks[0]; "
      "each network needs a unique name" },
    { "duplicate bridge",
      POLICY(NET("") ", {'name': 'b', 'bridge': 'xenbr1', 'mtu': 1500}"), 0,
      "networks[1].bridge: \"xenbr1\" is already the bridge of networks[0] "
      "(\"storage\"); each network needs its own bridge" },
    { "uplink of two networks",
      POLICY(NET(", 'uplinks': ['eth2', 'eth3']") ", {'name': 'b', "
             "'bridge': 'br1', 'mtu': 1500, 'uplinks': ['eth3']}"), 0,
      "networks[1].uplinks[0]: \"eth3\" is already an uplink of "
      "networks[0] (\"storage\"); an interface can be the uplink of only "
      "one network" },
    { "uplink listed twice", POLICY1(", 'uplinks': ['eth2', 'eth2']"), 0,
      "networks[0].uplinks[1]: \"eth2\" is already listed in uplinks[0]; "
      "list each uplink once" },
    { "uplink is a bridge",
      POLICY(NET("") ", {'name': 'b', 'bridge': 'br1', 'mtu': 1500, "
             "'uplinks': ['xenbr1']}"), 0,
      "networks[1].uplinks[0]: \"xenbr1\" is the bridge of networks[0] "
      "(\"storage\"); an uplink is a port of the bridge, not a bridge" },
    { "first error wins",
      POLICY("{'name': 'a', 'bridge': 'br0', 'mtu': 1},"
             "{'name': 'a', 'bridge': 'br0', 'mtu': 'x'}"), 0,
      "networks[0].mtu: 1 is out of range (68 to 65535); " R_MTU },
};

static void
test_bad_one(const struct bad_case *c)
{
    struct policy *sentinel = (struct policy *) &sentinel;
    struct policy *policy = sentinel;
    char *text = policy_text(c->text);
    size_t size = c->size ? c->size : strlen(text);
    char *expected = xasprintf("p.json: %s", c->msg);
    struct error err;
    int error;

    error_clear(&err);
    error = policy_parse_buffer("p.json", text, size, &policy, &err);
    test_streq(expected, err.msg, "bad policy: %s: message", c->name);
    test_report(error == -EINVAL && err.code == -EINVAL
                && policy == sentinel, "wrong code or output changed",
                "bad policy: %s: returns -EINVAL", c->name);
    if (policy != sentinel) {
        policy_destroy(policy);
    }
    free(expected);
    free(text);
}

/* Good policies. */

static struct policy *
parse_good(const char *label, const char *json)
{
    struct policy *policy = NULL;
    char *text = policy_text(json);
    struct error err;
    int error;

    error_clear(&err);
    error = policy_parse_buffer("good.json", text, strlen(text), &policy,
                                &err);
    test_report(!error && policy, err.msg, "good policy: %s: parses", label);
    free(text);
    return error ? NULL : policy;
}

static struct policy *
parse_example(const char *file)
{
    char *path = xasprintf("%s/policy/examples/%s", test_srcdir(), file);
    struct policy *policy = NULL;
    struct error err;
    int error;

    error_clear(&err);
    error = policy_parse_file(path, &policy, &err);
    test_report(!error && policy, err.msg, "example %s parses", file);
    if (policy) {
        test_streq(path, policy->file, "example %s: file name kept", file);
    }
    free(path);
    return error ? NULL : policy;
}

static bool
strings_equal(char **strings, size_t n, const char *const *expected)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!expected[i] || strcmp(strings[i], expected[i])) {
            return false;
        }
    }
    return !expected[i];
}

static void
test_examples(void)
{
    static const char *const bond_uplinks[] = { "eth2", "eth3", NULL };
    static const char *const xen_vifs[] = { "vif*", "tap*", NULL };
    static const char *const vnet[] = { "vnet*", NULL };
    const struct policy_network *net;
    struct policy *policy;

    policy = parse_example("xenserver-storage-bond.json");
    if (policy) {
        net = policy_find_network(policy, "storage");
        test_report(policy->version == 1 && policy->n_networks == 1
                    && net == &policy->networks[0]
                    && !strcmp(net->bridge, "xenbr1") && net->mtu == 9000
                    && net->has_uplinks
                    && strings_equal(net->uplinks, net->n_uplinks,
                                     bond_uplinks)
                    && net->has_vifs
                    && strings_equal(net->vifs, net->n_vifs, xen_vifs)
                    && !net->management && !net->ipv6 && !net->has_overlay
                    && net->n_verify_peers == 2
                    && !strcmp(net->verify_peers[1], "192.0.2.11")
                    && !policy->n_overrides, NULL,
                    "xenserver-storage-bond: values");
        policy_destroy(policy);
    }

    policy = parse_example("kvm-ovs.json");
    if (policy) {
        net = &policy->networks[0];
        test_report(policy->n_networks == 1
                    && !strcmp(net->bridge, "br-storage")
                    && net->mtu == 9000 && net->has_vifs
                    && strings_equal(net->vifs, net->n_vifs, vnet), NULL,
                    "kvm-ovs: values");
        policy_destroy(policy);
    }

    policy = parse_example("kvm-linux-bridge.json");
    if (policy) {
        static const char *const eno2[] = { "eno2", NULL };

        net = &policy->networks[0];
        test_report(policy->n_networks == 1 && !strcmp(net->bridge, "br0")
                    && net->mtu == 9000
                    && strings_equal(net->uplinks, net->n_uplinks, eno2)
                    && strings_equal(net->vifs, net->n_vifs, vnet)
                    && !net->n_verify_peers && !net->verify_peers, NULL,
                    "kvm-linux-bridge: values");
        policy_destroy(policy);
    }

    policy = parse_example("vxlan-overlay.json");
    if (policy) {
        const struct policy_network *under;

        under = policy_find_network(policy, "underlay-net");
        net = policy_find_network(policy, "tenant");
        test_report(policy->n_networks == 2 && under && net
                    && under->mtu == 9000 && !under->has_overlay
                    && net->mtu == 8950 && net->has_overlay
                    && net->overlay.type == OVERLAY_VXLAN
                    && !strcmp(net->overlay.underlay, "underlay-net")
                    && !net->overlay.ipv6
                    && net->mtu + policy_overlay_overhead(&net->overlay)
                       == under->mtu
                    && !net->has_uplinks && !net->uplinks, NULL,
                    "vxlan-overlay: values");
        test_report(!policy_find_network(policy, "nowhere")
                    && !policy_find_network(policy, NULL), NULL,
                    "policy_find_network() of an unknown name");
        policy_destroy(policy);
    }
}

/* Every proper prefix of an example is a truncated file: each must fail
 * with one well-formed message, and leak nothing. */
static void
test_prefixes(void)
{
    char *path = xasprintf("%s/policy/examples/vxlan-overlay.json",
                           test_srcdir());
    char *text = test_read_file(path);
    size_t size = text ? strlen(text) : 0;
    size_t n_failed = 0;
    char first[sizeof ((struct error *) NULL)->msg + 64] = "";

    /* The file ends in "}\n": the prefix without the newline is whole. */
    for (size_t len = 0; text && len + 1 < size; len++) {
        struct policy *policy = NULL;
        struct error err;
        int error;

        error_clear(&err);
        error = policy_parse_buffer("p.json", text, len, &policy, &err);
        if (error != -EINVAL || policy || strncmp(err.msg, "p.json: ", 8)
            || !strstr(err.msg, "; ")) {
            if (!n_failed++) {
                snprintf(first, sizeof first, "prefix of %zu bytes: %s", len,
                         err.msg);
            }
        }
        policy_destroy(policy);
    }
    test_report(text && size > 100 && !n_failed, first,
                "every truncation of vxlan-overlay.json fails cleanly "
                "(%zu failed)", n_failed);
    free(text);
    free(path);
}

/* The policy that policy/README.md shows first must be valid. */
static void
test_readme_example(void)
{
    char *path = xasprintf("%s/policy/README.md", test_srcdir());
    char *readme = test_read_file(path);
    const char *start = readme ? strstr(readme, "```json\n") : NULL;
    const char *end = start ? strstr(start + 8, "```") : NULL;
    struct policy *policy = NULL;
    struct error err;

    error_clear(&err);
    if (test_report(end != NULL, path, "README.md has a JSON example")) {
        start += 8;
        test_report(!policy_parse_buffer("README.md", start, end - start,
                                         &policy, &err)
                    && policy->n_networks == 2 && policy->n_overrides == 1,
                    err.msg, "README.md example parses");
        policy_destroy(policy);
    }
    free(readme);
    free(path);
}

static void
test_defaults(void)
{
    struct policy *policy;

    policy = parse_good("minimal",
                        "{'version': 1, 'networks': [{'name': 'a', "
                        "'bridge': 'br0', 'mtu': 9000}]}");
    if (policy) {
        const struct policy_network *net = &policy->networks[0];

        test_report(!net->has_uplinks && !net->uplinks && !net->n_uplinks
                    && !net->has_vifs && !net->vifs && !net->n_vifs
                    && !net->management && !net->ipv6 && !net->has_overlay
                    && !net->overlay.underlay && !net->verify_peers
                    && !net->n_verify_peers && !policy->overrides
                    && !policy->n_overrides
                    && !strcmp(policy->file, "good.json"), NULL,
                    "defaults: no uplinks, vifs, management, ipv6, overlay, "
                    "verify or overrides");
        policy_destroy(policy);
    }

    policy = parse_good("every key",
        "{'version': 1, 'networks': ["
        "{'name': 'under.v6', 'bridge': 'br-u', 'mtu': 9000, 'ipv6': true,"
        " 'management': true, 'replug': true, 'uplinks': ['eth1'], 'vifs': [],"
        " 'verify': {'peers': ['2001:db8::1', '192.0.2.1']}},"
        "{'name': 'over_1', 'bridge': 'br-o', 'mtu': 8900,"
        " 'vifs': ['vif[0-9]*.[!a-z]', 'tap\\\\[x', '[[:digit:]]*', "
        "'x[a-]', 'y[\\\\]]'],"
        " 'overlay': {'type': 'gretap', 'underlay': 'under.v6',"
        " 'ipv6': true, 'key': true}}],"
        " 'overrides': [" OVERRIDE("eth1", "enic", "vendor-approved") ", "
        OVERRIDE("eth9", "bnx2x", "lab") "]}");
    if (policy) {
        const struct policy_network *under = &policy->networks[0];
        const struct policy_network *over = &policy->networks[1];
        const struct policy_override *o = policy_find_override(policy,
                                                               "eth9");

        test_report(under->ipv6 && under->management && under->replug
                    && !over->replug && under->has_vifs
                    && !under->n_vifs && under->n_verify_peers == 2
                    && !strcmp(under->verify_peers[0], "2001:db8::1"), NULL,
                    "every key: booleans, empty vifs and peers");
        test_report(over->has_overlay && over->overlay.type == OVERLAY_GRETAP
                    && over->overlay.ipv6 && over->overlay.key
                    && policy_overlay_overhead(&over->overlay) == 62
                    && over->n_vifs == 5
                    && !strcmp(over->vifs[1], "tap\\[x"), NULL,
                    "every key: overlay and patterns");
        test_report(policy->n_overrides == 2 && o
                    && !strcmp(o->allow_driver, "bnx2x")
                    && !strcmp(o->reason, "lab")
                    && !policy_find_override(policy, "eth2"), NULL,
                    "every key: overrides");
        policy_destroy(policy);
    }

    policy = parse_good("byte order mark and UTF-8 reason",
                        "\xef\xbb\xbf{'version': 1, 'networks': [" NET("")
                        "], 'overrides': [" OVERRIDE("eth4", "enic",
                        "firmware 4.5 \xe2\x80\x94 approved") "]}\n");
    if (policy) {
        test_streq("firmware 4.5 \xe2\x80\x94 approved",
                   policy->overrides[0].reason, "UTF-8 reason kept");
        policy_destroy(policy);
    }
}

static void
test_overhead(void)
{
    struct policy *policy;
    static const struct {
        enum overlay_type type;
        bool ipv6;
        bool key;
        unsigned int options;
        unsigned int overhead;
        unsigned int expected;
    } cases[] = {
        { OVERLAY_VXLAN, false, false, 0, 0, 50 },
        { OVERLAY_VXLAN, true, false, 0, 0, 70 },
        { OVERLAY_GENEVE, false, false, 0, 0, 50 },
        { OVERLAY_GENEVE, false, false, 8, 0, 58 },
        { OVERLAY_GENEVE, true, false, 252, 0, 322 },
        { OVERLAY_GRE, false, false, 0, 0, 24 },
        { OVERLAY_GRE, false, true, 0, 0, 28 },
        { OVERLAY_GRE, true, false, 0, 0, 44 },
        { OVERLAY_GRE, true, true, 0, 0, 48 },
        { OVERLAY_GRETAP, false, false, 0, 0, 38 },
        { OVERLAY_GRETAP, false, true, 0, 0, 42 },
        { OVERLAY_GRETAP, true, false, 0, 0, 58 },
        { OVERLAY_GRETAP, true, true, 0, 0, 62 },
        { OVERLAY_IPSEC, false, false, 0, 73, 73 },
        { OVERLAY_IPSEC, true, false, 0, 512, 512 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct policy_overlay o = {
            .type = cases[i].type, .ipv6 = cases[i].ipv6,
            .key = cases[i].key, .options = cases[i].options,
            .overhead = cases[i].overhead,
        };
        unsigned int got = policy_overlay_overhead(&o);

        test_report(got == cases[i].expected, NULL,
                    "overhead of %s%s%s options %u: %u (got %u)",
                    overlay_type_to_string(o.type),
                    o.ipv6 ? " over IPv6" : " over IPv4",
                    o.key ? " with key" : "", o.options, cases[i].expected,
                    got);
    }
    test_streq("geneve", overlay_type_to_string(OVERLAY_GENEVE),
               "overlay_type_to_string(OVERLAY_GENEVE)");
    test_streq("invalid", overlay_type_to_string(OVERLAY_TYPE_MAX),
               "overlay_type_to_string(OVERLAY_TYPE_MAX)");

    /* Parsed overlays give the same numbers. */
    policy = parse_good("ipsec and geneve overlays",
        POLICY("{'name': 'u', 'bridge': 'br0', 'mtu': 9000},"
               "{'name': 'g', 'bridge': 'br1', 'mtu': 8930,"
               " 'overlay': {'type': 'geneve', 'underlay': 'u',"
               " 'options': 20}},"
               "{'name': 's', 'bridge': 'br2', 'mtu': 8927,"
               " 'overlay': {'type': 'ipsec', 'underlay': 'u',"
               " 'overhead': 73}},"
               "{'name': 'gg', 'bridge': 'br3', 'mtu': 8902,"
               " 'overlay': {'type': 'gre', 'underlay': 'g', 'key': true}}"));
    if (policy) {
        test_report(policy_overlay_overhead(&policy->networks[1].overlay)
                    == 70
                    && policy_overlay_overhead(&policy->networks[2].overlay)
                    == 73
                    && policy_overlay_overhead(&policy->networks[3].overlay)
                    == 28, NULL, "parsed overlays: overheads 70, 73, 28");
        policy_destroy(policy);
    }
}

/* File-level cases. */

/* Writes the 'size' bytes at 'text' to file 'name' in 'dir' and returns
 * its path (the caller frees it). */
static char *
write_file_size(const char *dir, const char *name, const char *text,
                size_t size)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(text, 1, size, f) != size) {
        test_report(false, "cannot write", "write %s", path);
    }
    if (f) {
        fclose(f);
    }
    return path;
}

/* Writes the string 'text' to file 'name' in 'dir'. */
static char *
write_file(const char *dir, const char *name, const char *text)
{
    return write_file_size(dir, name, text, strlen(text));
}

static void
test_file_one(const char *label, const char *path, int code,
              const char *expected_what)
{
    struct policy *sentinel = (struct policy *) &sentinel;
    struct policy *policy = sentinel;
    char *expected = xasprintf("%s: %s", path, expected_what);
    struct error err;
    int error;

    error_clear(&err);
    error = policy_parse_file(path, &policy, &err);
    test_streq(expected, err.msg, "file %s: message", label);
    test_report(error == code && err.code == code && policy == sentinel,
                NULL, "file %s: returns %d", label, code);
    free(expected);
}

static void
test_files(void)
{
    char dir[] = "/tmp/test-policy.XXXXXX";
    char *big, *path;
    size_t big_size = 1024 * 1024 + 1;
    struct policy *policy = NULL;
    struct error err;

    if (!mkdtemp(dir)) {
        test_report(false, "mkdtemp failed", "file cases");
        return;
    }

    path = xasprintf("%s/missing.json", dir);
    test_file_one("missing", path, -ENOENT,
                  "(top level): the file does not exist; write a policy "
                  "there (see "
                  "policy/README.md) or pass --policy FILE");
    free(path);

    test_file_one("directory", dir, -EISDIR,
                  "is a directory; pass --policy FILE with the policy file "
                  "itself");

    path = write_file(dir, "empty.json", "");
    test_file_one("empty", path, -EINVAL,
                  "(top level): the file is empty; " R_POLICY);
    unlink(path);
    free(path);

    path = write_file(dir, "latin1.json", "{\"reason\": \"caf\xe9\"}\n");
    test_file_one("not UTF-8", path, -EINVAL,
                  "line 1, column 16: the file is not valid UTF-8 (byte "
                  "0xe9 at offset 15); save the policy as UTF-8 text");
    unlink(path);
    free(path);

    path = write_file(dir, "truncated.json",
                      "{\n  \"version\": 1,\n  \"networks\": [\n    {\"name\"");
    test_file_one("truncated", path, -EINVAL,
                  "line 4, column 12: invalid JSON: unexpected end of data; "
                  "the file ends before the policy is complete (a '}' or "
                  "']' may be missing)");
    unlink(path);
    free(path);

    big = xmalloc(big_size);
    memset(big, ' ', big_size);
    path = write_file_size(dir, "big.json", big, big_size);
    test_file_one("over 1 MiB", path, -EFBIG,
                  "the file is 1048577 bytes long, more than the limit of "
                  "1048576 bytes for a policy; is this the right file?");
    unlink(path);
    free(path);
    error_clear(&err);
    test_report(policy_parse_buffer("p.json", big, big_size, &policy, &err)
                == -EFBIG && !policy, err.msg,
                "buffer over 1 MiB is refused");
    free(big);

    path = write_file(dir, "good.json", "{\"version\":1,\"networks\":"
                      "[{\"name\":\"n\",\"bridge\":\"b\",\"mtu\":1500}]}");
    error_clear(&err);
    test_report(!policy_parse_file(path, &policy, &err) && policy
                && policy->networks[0].mtu == 1500, err.msg,
                "file good.json parses");
    policy_destroy(policy);
    policy_destroy(NULL);
    unlink(path);
    free(path);

    rmdir(dir);
}

int
main(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        test_bad_one(&bad_cases[i]);
    }
    test_report(ARRAY_SIZE(bad_cases) >= 45, NULL,
                "at least 45 bad policies (%zu)", ARRAY_SIZE(bad_cases));
    test_examples();
    test_readme_example();
    test_prefixes();
    test_defaults();
    test_overhead();
    test_files();
    return test_exit_status();
}
