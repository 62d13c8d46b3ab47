#!/bin/bash
# Lab test of issue 7's field rules on real ovsdb-server, ovs-vswitchd and
# kernel links, judged with ovs-vsctl and ip, never with the agent's own
# view: after an apply, every interface that no policy network claims has
# the MTU it had before.
#
#   1. Internal ports that follow their bridge: vswitchd moves an internal
#      port without mtu_request to the smallest other port of its bridge,
#      so raising (and lowering) the uplinks of xenbr1 and br-ex must pin
#      the fake bridges (XenServer VLANs, with and without an address) and
#      the tagged internal ports that no network names.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
STATE=$LAB_DIR/state
LOCK=$LAB_DIR/run.lock

agent() {    # agent POLICY [ARGS...]: a run of the lab
    local p=$1
    shift
    lab_agent --policy "$p" --state-dir "$STATE" --lock-file "$LOCK" \
        --timeout 10 "$@"
}

# mtus IFACE...: "name kernel-mtu ovs-mtu" per interface, read with ip and
# ovs-vsctl.
mtus() {
    local i
    for i in "$@"; do
        echo "$i $(lab_ns ip -o link show "$i" | sed -E 's/.* mtu ([0-9]+) .*/\1/') $(lab_vsctl get interface "$i" mtu)"
    done
}

# expect_mtus MTU DESC IFACE...: every IFACE at MTU in the kernel and OVS
# (Interface.mtu lags cur_cfg a little).
expect_mtus() {
    local mtu=$1 desc=$2 want="" i
    shift 2
    for i in "$@"; do want+="$i $mtu $mtu"$'\n'; done
    for _ in $(seq 1 30); do
        [ "$(mtus "$@")"$'\n' = "$want" ] && break
        sleep 0.1
    done
    t_is "$want" "$(mtus "$@")"$'\n' "$desc"
}

# --- 1. Internal ports that follow the bridge -----------------------------
lab_ovs_bridge xenbr1
lab_pif xenbr1 eth1
lab_fake_bridge xenbr1 xapi1 100 192.0.2.1/24
lab_fake_bridge xenbr1 xapi2 101
lab_ovs_bridge br-ex
lab_pif br-ex eno1
lab_internal_port br-ex vlan200 200 198.51.100.1/24
lab_internal_port br-ex vlan201 201
UNCLAIMED="xapi1 xapi2 vlan200 vlan201"

cat >"$LAB_DIR/follow9000.json" <<JSON
{"version": 1,
 "networks": [
   {"name": "storage", "bridge": "xenbr1", "mtu": 9000},
   {"name": "external", "bridge": "br-ex", "mtu": 9000}]}
JSON
sed 's/9000/1500/' "$LAB_DIR/follow9000.json" >"$LAB_DIR/follow1500.json"

expect_mtus 1500 "before: every interface at 1500" eth1 xenbr1 eno1 br-ex $UNCLAIMED
agent "$LAB_DIR/follow9000.json" --dry-run >"$LAB_DIR/f1.txt" 2>&1
for i in $UNCLAIMED; do
    grep -qE "set-mtu-request +$i +unset\(1500\) -> 1500 .*pin $i at 1500" "$LAB_DIR/f1.txt" \
        && t_ok "dry-run: a step pins $i at 1500, with the reason" \
        || t_fail "dry-run: a step pins $i at 1500, with the reason" "$(grep -E "$i" "$LAB_DIR/f1.txt" | head -3 | tr '\n' '|')"
done
agent "$LAB_DIR/follow9000.json" >"$LAB_DIR/f2.txt" 2>&1
t_is 0 $? "raise xenbr1 and br-ex to 9000: exit 0"
expect_mtus 9000 "the networks' interfaces are at 9000" eth1 xenbr1 eno1 br-ex
expect_mtus 1500 "fake bridges and tagged internal ports, with and without an address, stay at 1500" $UNCLAIMED
t_is "192.0.2.1/24" "$(lab_ns ip -o -4 addr show xapi1 | awk '{print $4}')" \
    "xapi1 keeps its address"
agent "$LAB_DIR/follow9000.json" --dry-run >"$LAB_DIR/f3.txt" 2>&1
t_is 0 $? "a second dry run is in sync (exit 0)"
agent "$LAB_DIR/follow1500.json" >"$LAB_DIR/f4.txt" 2>&1
t_is 0 $? "lower xenbr1 and br-ex to 1500: exit 0"
expect_mtus 1500 "lowered: every interface at 1500 again" eth1 xenbr1 eno1 br-ex $UNCLAIMED
