#!/bin/bash
# Lab test of the xapi plugin (build/jumboagent-xapi-plugin), run exactly
# as xapi runs it: one argument, the methodCall (built here by Python's
# xmlrpc.client.dumps, and in xapi's compact untyped form), under
# "env -i PATH=/sbin:/usr/sbin:/bin:/usr/bin", with a deadline.  Every
# response is parsed by xmlrpc.client.loads (an independent checker) and
# must be exactly one methodResponse with a struct {Status, Value string}
# or {Status, ErrorDescription [strings]}, exit 0.  The JSON results are
# judged against ip and ovs-vsctl:
#   version, probe (every link's MTU equals ip -j link's, the bridge's
#   ports as ovs-vsctl lists them), check (a management bridge at 9000 is
#   refused, a plain one is not, a network UUID finds its bridge), audit
#   (the --dry-run JSON), verify (a 9000 peer passes, a peer behind a 1500
#   hop is frag-needed, as ping -M do says); a black-hole verify with
#   timeout=1 answers JUMBOAGENT_TIMEOUT in about a second;
# malformed requests (not XML, a typed <int>, an unknown function, an
# unknown key, an oversized request or value, a bad MTU, a db outside
# root's, 100k-deep nesting, "billion laughs") are each a Failure, never a
# crash or a hang; argc != 2 exits 2.
set -u
. "$(dirname "$0")/lib.sh"

PLUGIN=${JUMBOAGENT_PLUGIN:-$JUMBOAGENT_BUILD/jumboagent-xapi-plugin}
PLUGIN=$(cd "$(dirname "$PLUGIN")" && pwd)/$(basename "$PLUGIN")
lab_start
A=$LAB_NS
RPC=$LAB_DIR/rpc.py
cat >"$RPC" <<'PY'
import json, sys, xmlrpc.client as x
if sys.argv[1] == "dumps":
    args = dict(a.split("=", 1) for a in sys.argv[3:])
    sys.stdout.write(x.dumps(("OpaqueRef:test", args), sys.argv[2]))
elif sys.argv[1] == "compact":
    # xapi's own form (xMLRPC.ml): no declaration, untyped values, <value/>.
    def v(s):
        return "<value/>" if s == "" else "<value>%s</value>" % (
            s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    members = "".join("<member><name>%s</name>%s</member>" % (k, v(val))
                      for k, val in (a.split("=", 1) for a in sys.argv[3:]))
    st = "<value><struct>%s</struct></value>" % members if members \
        else "<value><struct/></value>"
    sys.stdout.write("<methodCall><methodName>%s</methodName><params>"
                     "<param>%s</param><param>%s</param></params>"
                     "</methodCall>" % (sys.argv[2], v("OpaqueRef:x"), st))
else:
    # loads FILE: the response as xapi reads it; prints one JSON line
    # {"status", "value" (parsed JSON), "desc"}; exits 1 if it breaks a rule.
    text = open(sys.argv[2]).read()
    (params, method) = x.loads(text)
    assert method is None and len(params) == 1, "not one response param"
    r = params[0]
    assert isinstance(r, dict), "response is not a struct"
    if r["Status"] == "Success":
        assert set(r) == {"Status", "Value"} and isinstance(r["Value"], str)
        print(json.dumps({"status": "Success",
                          "value": json.loads(r["Value"])}))
    else:
        d = r["ErrorDescription"]
        assert r["Status"] == "Failure" and set(r) == {"Status",
                                                       "ErrorDescription"}
        assert isinstance(d, list) and d and all(isinstance(s, str) for s in d)
        print(json.dumps({"status": "Failure", "desc": d}))
PY

# call OUT XML: runs the plugin as xapi does, in the lab's namespace;
# leaves the parsed response in OUT.json and the exit code in RC.
call() {
    local out=$1
    ip netns exec "$A" timeout 10 env -i PATH=/sbin:/usr/sbin:/bin:/usr/bin \
        "$PLUGIN" "$2" >"$out.xml" 2>"$out.err"
    RC=$?
    python3 "$RPC" loads "$out.xml" >"$out.json" 2>"$out.perr" || true
}
# jq_is OUT FILTER EXPECTED DESC
jq_is() { t_is "$3" "$(jq -r "$2" "$1.json" 2>/dev/null)" "$4"; }
# failure OUT XML CODE DESC: the request is answered by a Failure with CODE,
# exit 0, within the deadline.
failure() {
    call "$1" "$2"
    t_is "0 Failure $3" "$RC $(jq -r '.status + " " + .desc[0]' "$1.json" \
        2>/dev/null)" "$4"
}
dumps() { python3 "$RPC" dumps "$@"; }
compact() { python3 "$RPC" compact "$@"; }

# The lab host: xenbr0 (management: the default route leaves through it)
# with PIF eth0 and a VIF; xenbr1 with PIF eth1, carrying network $NET1;
# a Linux bridge br9 to a 9000 peer (10.7.0.2) and, through a router, to
# a peer behind a 1500 hop (10.8.1.2).
NET1=3f1a2b3c-0000-4000-8000-00000000abcd
lab_ovs_bridge xenbr0
lab_pif xenbr0 eth0
lab_tap_vif xenbr0 tap5.0 xs-vif-uuid=11111111-2222-3333-4444-555555555555
lab_ns ip addr add 10.9.0.1/24 dev xenbr0
lab_ns ip route add default via 10.9.0.254
lab_ovs_bridge xenbr1
lab_vsctl br-set-external-id xenbr1 xs-network-uuids "$NET1"
lab_pif xenbr1 eth1
lab_tap_vif xenbr1 tap6.0 xs-vif-uuid=66666666-2222-3333-4444-555555555555
lab_linux_bridge br9
B9=$(lab_host b9)
R=$(lab_host r)
B15=$(lab_host b15)
lab_wire "$A" up9 "$B9" eth0 9000
lab_wire "$A" up8 "$R" near 9000
lab_wire "$R" far "$B15" eth0 1500
lab_ns ip link set up9 master br9
lab_ns ip link set up8 master br9
lab_ns ip link set br9 mtu 9000
lab_ns ip addr add 10.7.0.1/24 dev br9
lab_ns ip route add 10.8.1.0/24 via 10.7.0.254
ip -n "$B9" addr add 10.7.0.2/24 dev eth0
ip -n "$R" addr add 10.7.0.254/24 dev near
ip -n "$R" addr add 10.8.1.254/24 dev far
ip -n "$B15" addr add 10.8.1.2/24 dev eth0
ip -n "$B15" route add default via 10.8.1.254
DB=$LAB_DB
t_diag "lab $A, db $DB"

# argc != 2: usage, exit 2, nothing on stdout.
ip netns exec "$A" env -i "$PLUGIN" >"$LAB_DIR/argc.out" 2>/dev/null
t_is "2 0" "$? $(wc -c <"$LAB_DIR/argc.out")" "argc 1: exit 2, empty stdout"
ip netns exec "$A" env -i "$PLUGIN" a b >/dev/null 2>&1
t_is 2 $? "argc 3: exit 2"

# version, in both request forms.
for form in dumps compact; do
    call "$LAB_DIR/v-$form" "$($form version)"
    t_is "0 Success 1" "$RC $(jq -r '.status + " " + (.value.protocol|tostring)' \
        "$LAB_DIR/v-$form.json")" "version ($form form): Success, protocol 1"
done
jq_is "$LAB_DIR/v-dumps" .value.agent \
    "$("$JUMBOAGENT" --version | awk '{print $2}')" \
    "version: the agent's version, as jumboagent --version says"
t_is "" "$(grep -v '^jumboagent' "$LAB_DIR/v-dumps.err")" \
    "version: nothing unexpected on stderr"
t_is "<?xml version='1.0'?>" "$(head -1 "$LAB_DIR/v-dumps.xml")" \
    "the response starts with Python's XML declaration"

# probe: every link's MTU is ip's; xenbr1's ports are ovs-vsctl's.
call "$LAB_DIR/probe" "$(compact probe db="$DB")"
jq_is "$LAB_DIR/probe" .status Success "probe: Success"
want=$(lab_ns ip -j link show | jq -r '.[] | "\(.ifname)=\(.mtu)"' | sort)
got=$(jq -r '.value.links[] | "\(.name)=\(.mtu)"' "$LAB_DIR/probe.json" | sort)
t_is "$want" "$got" "probe: every link and its MTU, as ip -j link shows them"
want=$(lab_vsctl list-ports xenbr1 | sort | tr '\n' ' ')
got=$(jq -r '.value.ovs.bridges[] | select(.name == "xenbr1") | .ports[].name' \
    "$LAB_DIR/probe.json" | grep -vx xenbr1 | sort | tr '\n' ' ')
t_is "$want" "$got" "probe: xenbr1's ports, as ovs-vsctl list-ports shows"
t_is 0 "$(jq '[.value.links[] | select(has("xen_feature_sg") or
    has("vm_name"))] | length' "$LAB_DIR/probe.json")" \
    "probe: no guest facts without xenstore (unknown is not written)"

# check: the management bridge is refused at 9000, with the reason;
# xenbr1 is not; the network UUID finds xenbr1; nothing changed.
before=$(lab_ns ip -j link show | jq -c '[.[] | [.ifname, .mtu]]')
call "$LAB_DIR/c0" "$(dumps check bridge=xenbr0 mtu=9000 db="$DB")"
jq_is "$LAB_DIR/c0" .value.ok false "check xenbr0 9000: not ok"
t_is 1 "$(jq '[.value.refusals[] | select(.interface == "xenbr0" and
    (.reason | test("default route")))] | length' "$LAB_DIR/c0.json")" \
    "check xenbr0 9000: refused because it carries the default route"
call "$LAB_DIR/c1" "$(dumps check network="$NET1" mtu=9000 db="$DB")"
jq_is "$LAB_DIR/c1" '"\(.value.ok) \(.value.bridge) \(.value.refusals|length)"' \
    "true xenbr1 0" "check network=UUID 9000: xenbr1, accepted"
call "$LAB_DIR/c2" "$(compact check bridge=nosuch0 mtu=9000 db="$DB")"
jq_is "$LAB_DIR/c2" .value.ok false "check of a bridge not on the host: not ok"
failure "$LAB_DIR/c3" "$(dumps check network=00000000-0000-4000-8000-000000000000 \
    mtu=9000 db="$DB")" JUMBOAGENT_BAD_ARG "check of an unknown network UUID: BAD_ARG"
t_is "$before" "$(lab_ns ip -j link show | jq -c '[.[] | [.ifname, .mtu]]')" \
    "check changed no MTU"
t_is "" "$(lab_vsctl --bare --columns=mtu_request list interface | tr -d '\n ')" \
    "check set no mtu_request"

# audit: the dry run's JSON, without a policy here.
call "$LAB_DIR/au" "$(dumps audit db="$DB")"
jq_is "$LAB_DIR/au" '"\(.value.mode) \(.value.ovs_reachable)"' "dry-run true" \
    "audit: the --dry-run JSON, OVSDB read"

# verify: a 9000 peer passes; one behind a 1500 hop is frag-needed, as
# ping -M do finds.
call "$LAB_DIR/vf" "$(dumps verify bridge=br9 mtu=9000 peers=10.7.0.2,10.8.1.2)"
jq_is "$LAB_DIR/vf" '[.value.verify[0].peers[].verdict] | join(" ")' \
    "pass frag-needed" "verify: 10.7.0.2 passes, 10.8.1.2 frag-needed"
lab_ns ping -n -q -M do -c 1 -W 1 -s 8972 -I br9 10.7.0.2 >/dev/null 2>&1
t_is 0 $? "ping -M do 9000 to 10.7.0.2 agrees: passes"
lab_ns ping -n -M do -c 2 -i 0.2 -W 1 -s 8972 -I br9 10.8.1.2 2>&1 |
    grep -q 'mtu *= *1500'
t_is 0 $? "ping -M do 9000 to 10.8.1.2 agrees: mtu 1500"
jq_is "$LAB_DIR/vf" '.value.verify[0].peers[1].hop_mtu' 1500 \
    "verify: the hop's announced MTU is 1500"

# A black-hole peer with timeout=1: JUMBOAGENT_TIMEOUT within about 2 s.
xml=$(compact verify bridge=br9 mtu=9000 peers=10.7.0.77 timeout=1)
start=$(date +%s%N)
ip netns exec "$A" timeout 10 env -i PATH=/sbin:/usr/sbin:/bin:/usr/bin \
    "$PLUGIN" "$xml" >"$LAB_DIR/to.xml" 2>"$LAB_DIR/to.err"
ms=$((($(date +%s%N) - start) / 1000000))
failure "$LAB_DIR/to" "$xml" JUMBOAGENT_TIMEOUT \
    "verify to a black hole, timeout=1: JUMBOAGENT_TIMEOUT"
jq_is "$LAB_DIR/to" '.desc[1:] | join(" ")' "verify 1" \
    "the timeout names the function and its seconds"
if [ "$ms" -lt 2500 ]; then t_ok "the timeout came after ${ms} ms"
else t_fail "the timeout came after ${ms} ms" "over 2500 ms"; fi

# Malformed requests: each a Failure, exit 0.
failure "$LAB_DIR/m1" "not xml" JUMBOAGENT_BAD_ARG "not XML: BAD_ARG"
failure "$LAB_DIR/m2" "<methodCall><methodName>check</methodName><params><param><value>s</value></param><param><value><struct><member><name>mtu</name><value><int>9000</int></value></member><member><name>bridge</name><value>xenbr1</value></member></struct></value></param></params></methodCall>" \
    JUMBOAGENT_BAD_ARG "a typed <int> argument: BAD_ARG"
jq_is "$LAB_DIR/m2" '.desc[1]' mtu "the <int> failure names the key"
failure "$LAB_DIR/m3" "$(dumps nosuchfn)" UNKNOWN_XENAPI_PLUGIN_FUNCTION \
    "unknown function: UNKNOWN_XENAPI_PLUGIN_FUNCTION"
jq_is "$LAB_DIR/m3" '.desc[1]' nosuchfn "it names the function"
failure "$LAB_DIR/m4" "$(dumps probe colour=blue)" JUMBOAGENT_BAD_ARG \
    "unknown key: BAD_ARG"
jq_is "$LAB_DIR/m4" '.desc[1]' colour "it names the key"
failure "$LAB_DIR/m5" "$(dumps check bridge=xenbr1 mtu=65536)" \
    JUMBOAGENT_BAD_ARG "mtu 65536: BAD_ARG"
failure "$LAB_DIR/m6" "$(dumps check bridge='../etc' mtu=9000)" \
    JUMBOAGENT_BAD_ARG "a bridge name with '/': BAD_ARG"
failure "$LAB_DIR/m7" "$(dumps verify bridge=br9 mtu=9000 'peers=10.7.0.2;reboot')" \
    JUMBOAGENT_BAD_ARG "peers with a shell word: BAD_ARG"
failure "$LAB_DIR/m8" "$(dumps probe db=unix:/tmp/x.sock)" JUMBOAGENT_BAD_ARG \
    "a db socket that is not root's alone: BAD_ARG"
failure "$LAB_DIR/m9" "$(dumps probe db=tcp:10.0.0.1:6640)" JUMBOAGENT_BAD_ARG \
    "a TCP db: BAD_ARG"
failure "$LAB_DIR/m10" "$(dumps probe "timeout=$(head -c 5000 /dev/zero | tr '\0' 1)")" \
    JUMBOAGENT_BAD_ARG "a 5000-byte value: BAD_ARG"
failure "$LAB_DIR/m11" "$(python3 -c 'print("<methodCall>" + " " * 70000 + "</methodCall>")')" \
    JUMBOAGENT_BAD_ARG "a 70 kB request: BAD_ARG"
# 100k-deep nesting cannot be one argument (Linux caps one at 128 KiB:
# E2BIG), and is over the 64 KiB cap anyway: 9000 deep fits under both and
# reaches libxml2's depth limit.
failure "$LAB_DIR/m12" "$(python3 -c 'print("<a>" * 9000 + "</a>" * 9000)')" \
    JUMBOAGENT_BAD_ARG "9000-deep nesting: BAD_ARG"
jq_is "$LAB_DIR/m12" '.desc[2] | test("depth|well-formed")' true \
    "9000-deep nesting: refused by the parser, not the size cap"
laughs=$(python3 -c '
e = ["<!ENTITY l0 \"lol\">"] + ["<!ENTITY l%d \"%s\">" % (i, "&l%d;" % (i - 1) * 10) for i in range(1, 10)]
print("<?xml version=\"1.0\"?><!DOCTYPE m [" + "".join(e) + "]><methodCall><methodName>probe</methodName><params><param><value>&l9;</value></param><param><value><struct/></value></param></params></methodCall>")')
failure "$LAB_DIR/m13" "$laughs" JUMBOAGENT_BAD_ARG "billion laughs: BAD_ARG, no expansion"
failure "$LAB_DIR/m14" "$(dumps check bridge=xenbr1 network="$NET1" mtu=9000)" \
    JUMBOAGENT_BAD_ARG "check with both bridge and network: BAD_ARG"
failure "$LAB_DIR/m15" "<methodCall><methodName>version</methodName><params><param><value>s</value></param></params></methodCall>" \
    JUMBOAGENT_BAD_ARG "one param instead of two: BAD_ARG"
for f in "$LAB_DIR"/m*.xml; do
    [ "$(grep -c '<methodResponse>' "$f")" = 1 ] || t_fail "$f: not exactly one response"
done
# No run of the plugin crashed or reported a sanitizer error (a sanitized
# build's reports go to stderr).
t_is "" "$(grep -lE 'AddressSanitizer|runtime error|LeakSanitizer' \
    "$LAB_DIR"/*.err 2>/dev/null)" "no sanitizer report on any run's stderr"
