#!/bin/bash
# Lab test of "jumboagent pool-set-mtu" against a TEST DOUBLE of xapi
# (tests/xapi/xapi-double.py), not xapi.  Three pool hosts are lab
# namespaces ("$LAB_NS-a", -b, -c: host-a the coordinator), each with a
# bridge xenbr0 over PIF eth0, a veth to a Linux-bridge switch in the lab
# namespace (swbr, 10.77.0.254 at MTU 9000, the "storage" target).
# host.call_plugin runs the real plugin ($JUMBOAGENT_PLUGIN, else
# $JUMBOAGENT_BUILD/jumboagent-xapi-plugin) in the host's namespace; where
# it is not built, and for the refused driver of scenario 2 (the plugin's
# driver table is not an argument), tests/xapi/plugin-standin.py, a
# stand-in that answers the same check/verify contract (Linux bridges
# only).
#
# Scenarios 0 and 2 run on Linux-bridge hosts (the double applies
# PIF.plug's MTU with "ip link", playing xcp-networkd's bridge backend).
# Then every host becomes an OVS host, as XenServer / XCP-ng hosts are by
# default: its own ovsdb-server and ovs-vswitchd (datapath_type=netdev) in
# its namespace, files under $LAB_DIR/ovs-H, xenbr0 an OVS bridge with eth0
# as a port; the double writes Interface mtu_request with ovs-vsctl
# --db=that host's socket and syncs PIF.MTU from Interface.mtu, and passes
# that socket to the plugin's check as "db".  Scenarios 1, 1b, 3 and 4 run
# there, judged with ovs-vsctl (mtu_request, mtu) and ip link.
#
# Scenarios, each judged on the hosts, with ping -M do between them and
# with the double's database read over JSON-RPC:
#   0. --dry-run: numbered plan, exit 2, nothing changed; bad input (no
#      --verify-peers, an unknown network, no xapi) exits 1, changes nothing;
#   2. a refused driver on host-b: exit 3, a host x reason table, nothing
#      changed on any host or in xapi;
#   1. (OVS) all hosts fine: exit 0, every host's eth0 and xenbr0 at 9000,
#      jumbo pings between hosts, network.MTU 9000, overrides removed, plugs
#      in the order host-b, host-c, host-a, the running VIF listed;
#   1b. the same again with --replug-vifs: no PIF touched, the running VIF
#      replugged at 9000, the halted one not;
#   3. (OVS) host-c's switch port left at 1500: host-b done, host-c fails
#      verify and is put back at 1500, host-a untouched, network.MTU
#      unchanged, exit 5;
#   4. (OVS) the coordinator's connection to xapi drops on its own PIF.plug
#      (the double's fault injector; xapi drops requests for 1 s more):
#      4a, dropped after the plug was done: the agent waits for xapi, reads
#      the PIF back, carries on, exit 0, one plug of host-a's PIF;
#      4b, dropped before it was done: the PIF read back is at 1500, host-a
#      is restored without a verify, exit 5.
#
# Modelled from xapi's source and NOT confirmed on a real host: everything
# listed at the top of tests/xapi/xapi-double.py (determine_mtu, PIF.plug
# re-applying on an attached PIF, set_MTU as a database write, VIFs keeping
# their MTU until plugged, the plugin result rules, networkd's OVS
# mtu_request).
set -u
. "$(dirname "$0")/lib.sh"

lab_start
SRC=${JUMBOAGENT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DOUBLE=$SRC/tests/xapi/xapi-double.py
STANDIN=$SRC/tests/xapi/plugin-standin.py
# The real plugin where it is built; the stand-in otherwise, and always for
# the refused driver (the plugin reads its driver table from its install
# path: a call cannot override it).
PLUGIN=${JUMBOAGENT_PLUGIN:-${JUMBOAGENT_BUILD:-}/jumboagent-xapi-plugin}
if [ -x "$PLUGIN" ]; then
    PLUGIN_DESC="the real plugin ($PLUGIN), except host-b's stand-in in scenario 2"
else
    PLUGIN_DESC="a stand-in (tests/xapi/plugin-standin.py): $PLUGIN is not built"
    PLUGIN=
fi
SW=$LAB_NS
PEERS=host-a=10.77.0.1,host-b=10.77.0.2,host-c=10.77.0.3

lab_ns ip link add swbr type bridge
lab_ns ip link set swbr mtu 9000 up
lab_ns ip addr add 10.77.0.254/24 dev swbr
declare -A NS
i=1
for h in a b c; do
    NS[$h]=$(lab_host "$h") || { t_fail "lab: host $h"; exit 1; }
    lab_wire "${NS[$h]}" eth0 "$SW" "sw-$h" 1500 || {
        t_fail "lab: wire $h"; exit 1; }
    lab_ns ip link set "sw-$h" master swbr
    ip -n "${NS[$h]}" link add xenbr0 type bridge
    ip -n "${NS[$h]}" link set eth0 master xenbr0
    ip -n "${NS[$h]}" link set xenbr0 up
    ip -n "${NS[$h]}" addr add "10.77.0.$i/24" dev xenbr0
    i=$((i + 1))
done

# reset SWITCH_C_MTU: every host back at 1500, the switch ports at 9000
# except host-c's at SWITCH_C_MTU.
reset() {
    for h in a b c; do
        if [ "$BACKEND" = openvswitch ]; then
            hvsctl "$h" set interface eth0 mtu_request=1500 -- \
                set interface xenbr0 mtu_request=1500
        fi
        ip -n "${NS[$h]}" link set eth0 mtu 1500
        ip -n "${NS[$h]}" link set xenbr0 mtu 1500
        lab_ns ip link set "sw-$h" mtu 9000
    done
    lab_ns ip link set sw-c mtu "$1"
}

# hvsctl H ARGS...: ovs-vsctl on OVS host H's own database.
hvsctl() {
    local h=$1
    shift
    ovs-vsctl --db="unix:$LAB_DIR/ovs-$h/db.sock" --timeout=20 "$@"
}

# ovs_host H IP: makes host H an OVS host: its own ovsdb-server and
# ovs-vswitchd in its namespace (every file, the run directory included,
# under $LAB_DIR/ovs-H; the lab's EXIT trap kills whatever runs in the
# namespace), its Linux bridge xenbr0 replaced by an OVS bridge
# (datapath_type=netdev) with eth0 as a port and IP on it.
ovs_host() {
    local h=$1 ns=${NS[$1]} d=$LAB_DIR/ovs-$1
    mkdir -m 755 "$d" &&
    ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema \
        >/dev/null &&
    ip netns exec "$ns" env OVS_RUNDIR="$d" ovsdb-server "$d/conf.db" \
        --remote="punix:$d/db.sock" --pidfile="$d/ovsdb-server.pid" \
        --unixctl="$d/ovsdb-server.ctl" --log-file="$d/ovsdb-server.log" \
        -vconsole:off --detach --no-chdir 2>/dev/null &&
    hvsctl "$h" --no-wait init &&
    ip netns exec "$ns" env OVS_RUNDIR="$d" ovs-vswitchd "unix:$d/db.sock" \
        --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
        --log-file="$d/ovs-vswitchd.log" -vconsole:off --detach \
        --no-chdir 2>/dev/null &&
    ip -n "$ns" link del xenbr0 &&
    hvsctl "$h" add-br xenbr0 -- set bridge xenbr0 datapath_type=netdev &&
    hvsctl "$h" add-port xenbr0 eth0 &&
    ip -n "$ns" link set xenbr0 up &&
    ip -n "$ns" addr add "$2/24" dev xenbr0
}
BACKEND=bridge

# pool_file FILE REFUSE_ON: the pool description, hosts on $BACKEND; host
# REFUSE_ON (or none) runs the stand-in plugin with the veth driver refused;
# $FAULTS (JSON, default none) is the double's fault list.
pool_file() {
    POOL_A=${NS[a]} POOL_B=${NS[b]} POOL_C=${NS[c]} STANDIN=$STANDIN \
    PLUGIN=$PLUGIN BACKEND=$BACKEND LAB_DIR=$LAB_DIR FAULTS=${FAULTS:-[]} \
    REFUSE_ON=$2 python3 - "$1" <<'PY'
import json, os, sys
hosts, pifs = [], []
for i, h in enumerate("abc"):
    plugin = ["/usr/bin/python3", os.environ["STANDIN"]]
    if os.environ["REFUSE_ON"] == h:
        plugin.append("--refuse-drivers=veth")
    elif os.environ["PLUGIN"]:
        plugin = [os.environ["PLUGIN"]]
    hosts.append({"uuid": "h" + h, "name": "host-" + h, "coordinator": h == "a",
                  "enabled": True, "live": True,
                  "backend": os.environ["BACKEND"],
                  "namespace": os.environ["POOL_" + h.upper()],
                  "plugin": plugin})
    if os.environ["BACKEND"] == "openvswitch":
        hosts[-1]["db"] = "unix:%s/ovs-%s/db.sock" % (os.environ["LAB_DIR"], h)
    pifs.append({"uuid": "p" + h, "host": "h" + h, "device": "eth0",
                 "network": "n1", "MTU": 1500})
json.dump({"ha_enabled": False, "hosts": hosts, "pifs": pifs,
           "networks": [{"uuid": "n1", "name_label": "jumbo",
                         "bridge": "xenbr0", "MTU": 1500}],
           "vifs": [{"uuid": "v1", "vm": "web", "device": "0",
                     "network": "n1", "MTU": 1500, "attached": True},
                    {"uuid": "v2", "vm": "off", "device": "0",
                     "network": "n1", "MTU": 1500, "attached": False}],
           "faults": json.loads(os.environ["FAULTS"])},
          open(sys.argv[1], "w"), indent=1)
PY
}

# start_double POOL: a fresh double on $SOCK, its log in $DLOG.
start_double() {
    [ -z "${DOUBLE_PID:-}" ] || { kill "$DOUBLE_PID"; wait "$DOUBLE_PID"; } 2>/dev/null
    SOCK=$LAB_DIR/xapi.$RANDOM
    DLOG=$SOCK.log
    python3 "$DOUBLE" serve "$1" "$SOCK" "$DLOG" 2>"$SOCK.err" &
    DOUBLE_PID=$!
    lab_poll 10 test -S "$SOCK" || t_fail "double: socket" "$(cat "$SOCK.err")"
}
xcall() { python3 "$DOUBLE" call "$SOCK" "$@"; }
pool_run() {
    "$JUMBOAGENT" pool-set-mtu --xapi-socket "$SOCK" --network jumbo \
        --peers "$PEERS" --verify-peers 10.77.0.254 --timeout 60 "$@"
}
# mtus: "host:eth0/xenbr0 ..." as ip sees them in each namespace.
mtus() {
    local h out=
    for h in a b c; do
        out+="$h:$(ip -n "${NS[$h]}" -o link show eth0 | sed 's/.* mtu \([0-9]*\).*/\1/')"
        out+="/$(ip -n "${NS[$h]}" -o link show xenbr0 | sed 's/.* mtu \([0-9]*\).*/\1/') "
    done
    echo "${out% }"
}
# ovs_mtus: "host:eth0/xenbr0 ..." as each OVS host's database sees them,
# Interface mtu_request=mtu.
ovs_mtus() {
    local h i out=
    for h in a b c; do
        out+="$h:"
        for i in eth0 xenbr0; do
            out+="$(hvsctl "$h" get interface "$i" mtu_request)="
            out+="$(hvsctl "$h" get interface "$i" mtu)"
            [ "$i" = xenbr0 ] || out+=/
        done
        out+=" "
    done
    echo "${out% }"
}
# snapshot: the hosts' MTUs and the double's PIF, network and VIF records.
snapshot() {
    mtus
    xcall PIF.get_all_records '"SESSION"'
    xcall network.get_all_records '"SESSION"'
    xcall VIF.get_all_records '"SESSION"'
}
jumbo_ping() {   # jumbo_ping FROM IP: ping -M do at 9000 from host FROM
    ip netns exec "${NS[$1]}" ping -n -q -M do -c 1 -W 2 -s 8972 "$2" \
        >/dev/null 2>&1
}
ALL_1500="a:1500/1500 b:1500/1500 c:1500/1500"

t_diag "xapi here is a TEST DOUBLE (tests/xapi/xapi-double.py), not xapi;" \
       "host.call_plugin runs $PLUGIN_DESC"

# 0. Dry run.
reset 9000
pool_file "$LAB_DIR/pool0.json" none
start_double "$LAB_DIR/pool0.json"
before=$(snapshot)
pool_run --mtu 9000 --dry-run >"$LAB_DIR/out0" 2>&1
t_is 2 $? "dry run: exit 2 (steps to do)"
t_has_line "$LAB_DIR/out0" '^1\. host-b: set PIF eth0 other_config:mtu=9000$' \
    "dry run: step 1 is the first member's override"
t_has_line "$LAB_DIR/out0" '^10\. pool: network.set_MTU .jumbo. 1500 -> 9000$' \
    "dry run: step 10 is network.set_MTU, after the 3 hosts"
t_is "$before" "$(snapshot)" "dry run: nothing changed on the hosts or in xapi"
t_no_line "$DLOG" 'call (PIF\.(plug|add_to)|network\.set_MTU)' \
    "dry run: no write call reached the double"

# Bad input: exit 1 before any change.
"$JUMBOAGENT" pool-set-mtu --xapi-socket "$SOCK" --network jumbo --mtu 9000 \
    >"$LAB_DIR/out0b" 2>&1
t_is 1 $? "no --verify-peers: exit 1"
t_has_line "$LAB_DIR/out0b" 'verify-peers is required' "no --verify-peers: says why"
pool_run --mtu 9000 --network nosuch >"$LAB_DIR/out0c" 2>&1
t_is 1 $? "unknown network: exit 1"
t_has_line "$LAB_DIR/out0c" "network 'nosuch': no such network" \
    "unknown network: named in the message"
"$JUMBOAGENT" pool-set-mtu --xapi-socket "$LAB_DIR/none.sock" --network jumbo \
    --mtu 9000 --verify-peers 10.77.0.254 >"$LAB_DIR/out0d" 2>&1
t_is 1 $? "no xapi on the socket: exit 1"
t_has_line "$LAB_DIR/out0d" 'is xapi running on this host' \
    "no xapi on the socket: says what to check"
t_is "$before" "$(snapshot)" "bad input: nothing changed"

# 2. A refused driver on host-b: nothing changes anywhere.
reset 9000
pool_file "$LAB_DIR/pool2.json" b
start_double "$LAB_DIR/pool2.json"
before=$(snapshot)
pool_run --mtu 9000 >"$LAB_DIR/out2" 2>&1
t_is 3 $? "refused driver: exit 3"
t_has_line "$LAB_DIR/out2" '^HOST +REASON$' "refused driver: a host x reason table"
t_has_line "$LAB_DIR/out2" '^host-b +eth0: driver veth is refused' \
    "refused driver: host-b and its reason in the table"
t_no_line "$LAB_DIR/out2" '^host-[ac] ' "refused driver: no other host refused"
t_is "$before" "$(snapshot)" "refused driver: nothing changed on any host or in xapi"
t_is "$ALL_1500" "$(mtus)" "refused driver: every host still at 1500 (ip)"

# Every host becomes an OVS host for the rest of the test.
i=1
for h in a b c; do
    ovs_host "$h" "10.77.0.$i" || { t_fail "lab: OVS on host $h"; exit 1; }
    i=$((i + 1))
done
BACKEND=openvswitch
reset 9000
t_run "lab: host-a reaches host-c through the OVS bridges at 1500" \
    ip netns exec "${NS[a]}" ping -n -q -c 1 -W 2 10.77.0.3

# 1. All hosts fine.
pool_file "$LAB_DIR/pool1.json" none
start_double "$LAB_DIR/pool1.json"
pool_run --mtu 9000 >"$LAB_DIR/out1" 2>&1
rc=$?
t_is 0 $rc "all fine: exit 0" || sed 's/^/# /' "$LAB_DIR/out1"
t_is "a:9000/9000 b:9000/9000 c:9000/9000" "$(mtus)" \
    "all fine: eth0 and xenbr0 at 9000 on every host (ip)"
t_is "a:9000=9000/9000=9000 b:9000=9000/9000=9000 c:9000=9000/9000=9000" \
    "$(ovs_mtus)" \
    "all fine: mtu_request and mtu 9000 on every host's eth0 and xenbr0 (ovs-vsctl)"
t_is 9000 "$(xcall PIF.get_MTU '"SESSION"' '"OpaqueRef:PIF-pa"')" \
    "all fine: host-a's PIF.MTU synced to 9000 from Interface.mtu"
t_run "all fine: a 9000-byte DF ping from host-a to host-c passes" \
    jumbo_ping a 10.77.0.3
t_is 9000 "$(xcall network.get_all_records '"SESSION"' |
             python3 -c 'import json,sys; print([n["MTU"] for n in json.load(sys.stdin).values()][0])')" \
    "all fine: network.MTU 9000 in the double"
t_is "{}" "$(xcall PIF.get_all_records '"SESSION"' |
             python3 -c 'import json,sys; d={}
for p in json.load(sys.stdin).values(): d.update(p["other_config"])
print(json.dumps(d))')" "all fine: every PIF override removed"
t_is "b c a" "$(sed -n 's/^call PIF.plug \["OpaqueRef:PIF-p\(.\)"\] -> ok$/\1/p' "$DLOG" | xargs)" \
    "all fine: PIFs plugged members first (b, c), coordinator (a) last"
t_has_line "$LAB_DIR/out1" "VIF keeps MTU 1500 until its next plug: VM 'web'" \
    "all fine: the running VM's VIF listed"
t_no_line "$LAB_DIR/out1" "VM 'off'" "all fine: the halted VM's VIF not listed"
t_is 1500 "$(xcall VIF.get_all_records '"SESSION"' |
             python3 -c 'import json,sys; print(json.load(sys.stdin)["OpaqueRef:VIF-v1"]["MTU"])')" \
    "all fine: the running VIF keeps 1500 (no --replug-vifs)"
t_has_line "$LAB_DIR/out1" '^\[host-a\]   verify peers: 10\.77\.0\.254,10\.77\.0\.2,10\.77\.0\.3$' \
    "all fine: the coordinator verifies towards storage and both done members"
t_has_line "$LAB_DIR/out1" '^\[host-b\]   verify peers: 10\.77\.0\.254$' \
    "all fine: the first member (canary) verifies towards storage only"

# 1b. The same run again with --replug-vifs: the hosts are done, only the
# running VIF is replugged and takes network.MTU.
: >"$DLOG"
pool_run --mtu 9000 --replug-vifs >"$LAB_DIR/out1b" 2>&1
t_is 0 $? "rerun with --replug-vifs: exit 0" || sed 's/^/# /' "$LAB_DIR/out1b"
t_no_line "$DLOG" 'call PIF\.(plug|add_to)' "rerun: no PIF touched again"
t_is "9000 1500" "$(xcall VIF.get_all_records '"SESSION"' |
             python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["OpaqueRef:VIF-v1"]["MTU"], d["OpaqueRef:VIF-v2"]["MTU"])')" \
    "rerun: the running VIF replugged at 9000, the halted one left alone"

# 3. host-c's switch port at 1500: its verify fails mid-roll.
reset 1500
pool_file "$LAB_DIR/pool3.json" none
start_double "$LAB_DIR/pool3.json"
pool_run --mtu 9000 >"$LAB_DIR/out3" 2>&1
rc=$?
t_is 5 $rc "verify fails on host-c: exit 5" || sed 's/^/# /' "$LAB_DIR/out3"
t_is "a:1500/1500 b:9000/9000 c:1500/1500" "$(mtus)" \
    "verify fails: host-b done at 9000, host-c back at 1500, host-a untouched (ip)"
t_is "a:1500=1500/1500=1500 b:9000=9000/9000=9000 c:1500=1500/1500=1500" \
    "$(ovs_mtus)" \
    "verify fails: host-c's mtu_request and mtu back at 1500, host-a's untouched (ovs-vsctl)"
t_has_line "$LAB_DIR/out3" '^Roll stopped at host-c: it failed and was restored\.$' \
    "verify fails: the report names the stopped host"
t_has_line "$LAB_DIR/out3" '^  host-b: done' "verify fails: host-b reported done"
t_has_line "$LAB_DIR/out3" '^  host-a: untouched$' "verify fails: host-a reported untouched"
t_is 1500 "$(xcall network.get_all_records '"SESSION"' |
             python3 -c 'import json,sys; print([n["MTU"] for n in json.load(sys.stdin).values()][0])')" \
    "verify fails: network.MTU still 1500"
t_is '{"pb": "9000"}' "$(xcall PIF.get_all_records '"SESSION"' |
             python3 -c 'import json,sys; print(json.dumps({p["uuid"]: p["other_config"]["mtu"] for p in json.load(sys.stdin).values() if "mtu" in p["other_config"]}))')" \
    "verify fails: only host-b keeps its override; host-c's removed"
t_no_line "$DLOG" 'call PIF.plug \["OpaqueRef:PIF-pa"\]' \
    "verify fails: host-a's PIF never plugged"

# 4. The coordinator's own connection to xapi drops on its PIF.plug (the
# third plug: b, c, a), and xapi drops every request for 1 s more.
# 4a. Dropped after the plug was done: read back, carried on.
reset 9000
FAULTS='[{"method": "PIF.plug", "nth": 3, "drop": "after", "down_s": 1}]' \
    pool_file "$LAB_DIR/pool4.json" none
start_double "$LAB_DIR/pool4.json"
pool_run --mtu 9000 >"$LAB_DIR/out4" 2>&1
rc=$?
t_is 0 $rc "connection dropped after the coordinator's plug: exit 0" ||
    sed 's/^/# /' "$LAB_DIR/out4"
t_has_line "$DLOG" '^call PIF.plug \["OpaqueRef:PIF-pa"\] -> dropped$' \
    "dropped after: the double dropped host-a's PIF.plug"
t_has_line "$DLOG" '^dropped .* \(down\)$' \
    "dropped after: xapi stayed away for a while (requests dropped)"
t_has_line "$LAB_DIR/out4" "^\[host-a\]   PIF eth0 is at MTU 9000: the plug was done$" \
    "dropped after: the agent read the PIF back and found the plug done"
t_is 1 "$(grep -c 'call PIF.plug \["OpaqueRef:PIF-pa"\]' "$DLOG")" \
    "dropped after: host-a's PIF plugged once, not again"
t_is "a:9000=9000/9000=9000 b:9000=9000/9000=9000 c:9000=9000/9000=9000" \
    "$(ovs_mtus)" "dropped after: every host at 9000 (ovs-vsctl)"
t_is "a:9000/9000 b:9000/9000 c:9000/9000" "$(mtus)" \
    "dropped after: every host at 9000 (ip)"
t_is 9000 "$(xcall network.get_all_records '"SESSION"' |
             python3 -c 'import json,sys; print([n["MTU"] for n in json.load(sys.stdin).values()][0])')" \
    "dropped after: network.MTU 9000"

# 4b. Dropped before the plug was done: host-a's PIF reads back at 1500, so
# host-a is restored without a verify.
reset 9000
FAULTS='[{"method": "PIF.plug", "nth": 3, "drop": "before", "down_s": 1}]' \
    pool_file "$LAB_DIR/pool4b.json" none
start_double "$LAB_DIR/pool4b.json"
pool_run --mtu 9000 >"$LAB_DIR/out4b" 2>&1
rc=$?
t_is 5 $rc "connection dropped before the coordinator's plug: exit 5" ||
    sed 's/^/# /' "$LAB_DIR/out4b"
t_has_line "$LAB_DIR/out4b" 'lost its answer, and xapi says PIF.MTU 1500 \(other_config:mtu 9000\), not 9000' \
    "dropped before: the agent read the PIF back and found it not done"
t_no_line "$DLOG" 'host.call_plugin \["OpaqueRef:host-ha", "jumboagent", "verify"' \
    "dropped before: no verify on host-a"
t_has_line "$LAB_DIR/out4b" '^Roll stopped at host-a: it failed and was restored\.$' \
    "dropped before: host-a reported restored"
t_is "a:1500=1500/1500=1500 b:9000=9000/9000=9000 c:9000=9000/9000=9000" \
    "$(ovs_mtus)" "dropped before: host-a at 1500, the members at 9000 (ovs-vsctl)"
t_is "{}" "$(xcall PIF.get_record '"SESSION"' '"OpaqueRef:PIF-pa"' |
             python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["other_config"]))')" \
    "dropped before: host-a's override removed"

# The double itself: xapi's JSON-RPC v1 and v2 error forms (xapi.md:132-133)
# and SESSION_INVALID for an unknown session.
rpc_raw() {   # rpc_raw JSON: posts JSON to /jsonrpc, prints the answer
    SOCK=$SOCK python3 -c '
import http.client, os, socket, sys
c = http.client.HTTPConnection("localhost")
c.sock = socket.socket(socket.AF_UNIX); c.sock.connect(os.environ["SOCK"])
c.request("POST", "/jsonrpc", sys.argv[1]); print(c.getresponse().read().decode())' "$1"
}
t_is '{"result": null, "error": ["SESSION_INVALID", "OpaqueRef:bad"], "id": 7}' \
    "$(rpc_raw '{"method": "PIF.get_all_records", "params": ["OpaqueRef:bad"], "id": 7}')" \
    "double: a v1 error is {result: null, error: [CODE, params], id}"
t_is '{"jsonrpc": "2.0", "id": 8, "error": {"code": 1, "message": "MESSAGE_METHOD_UNKNOWN", "data": ["PIF.frobnicate"]}}' \
    "$(rpc_raw '{"jsonrpc": "2.0", "method": "session.login_with_password", "params": ["root", "", "1.0", "t"], "id": 1}' >/dev/null
       rpc_raw '{"jsonrpc": "2.0", "method": "PIF.frobnicate", "params": ["OpaqueRef:session-1"], "id": 8}')" \
    "double: a v2 error is {code, message: CODE, data: [params]}"
