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
#   2. Tunnels bound to another device: a VXLAN whose real lower device is
#      not its declared underlay network's, or whose network declares no
#      overlay, is refused, and that device keeps its MTU.
#   3. Roles come from the host: a VIF listed under "uplinks" is refused.
#   4. The audit: a Linux bridge, or a fake bridge pinned by mtu_request,
#      above its uplinks is drift, also with --no-policy.
#   5. The management path: a default route in a table that an ip rule
#      looks up protects its bridge, raising and lowering.
#   6. Veth pairs between bridges: raising one end alone is a finding,
#      the far end keeps its MTU, and the audit compares both ends.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
STATE=$LAB_DIR/state
LOCK=$LAB_DIR/run.lock

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
lab_apply "$LAB_DIR/follow9000.json" --dry-run >"$LAB_DIR/f1.txt" 2>&1
for i in $UNCLAIMED; do
    grep -qE "set-mtu-request +$i +unset\(1500\) -> 1500 .*pin $i at 1500" "$LAB_DIR/f1.txt" \
        && t_ok "dry-run: a step pins $i at 1500, with the reason" \
        || t_fail "dry-run: a step pins $i at 1500, with the reason" "$(grep -E "$i" "$LAB_DIR/f1.txt" | head -3 | tr '\n' '|')"
done
lab_apply "$LAB_DIR/follow9000.json" >"$LAB_DIR/f2.txt" 2>&1
t_is 0 $? "raise xenbr1 and br-ex to 9000: exit 0"
expect_mtus 9000 "the networks' interfaces are at 9000" eth1 xenbr1 eno1 br-ex
expect_mtus 1500 "fake bridges and tagged internal ports, with and without an address, stay at 1500" $UNCLAIMED
t_is "192.0.2.1/24" "$(lab_ns ip -o -4 addr show xapi1 | awk '{print $4}')" \
    "xapi1 keeps its address"
lab_apply "$LAB_DIR/follow9000.json" --dry-run >"$LAB_DIR/f3.txt" 2>&1
t_is 0 $? "a second dry run is in sync (exit 0)"
lab_apply "$LAB_DIR/follow1500.json" >"$LAB_DIR/f4.txt" 2>&1
t_is 0 $? "lower xenbr1 and br-ex to 1500: exit 0"
expect_mtus 1500 "lowered: every interface at 1500 again" eth1 xenbr1 eno1 br-ex $UNCLAIMED

# --- 2. Tunnels bound to another device -----------------------------------
# vxlan100 (in br-tenant) is bound to eno9, a NIC that no network names,
# while its network declares br-under as its underlay; vxlan200 (in br-lab)
# is bound to eno9 too, and its network declares no overlay.  Both networks
# are refused, and eno9 keeps its MTU.
lab_linux_bridge br-under
lab_linux_port br-under eno1x veth
lab_ns ip addr add 10.1.0.1/24 dev br-under
lab_veth eno9
lab_ns ip addr add 10.9.0.1/24 dev eno9
lab_linux_bridge br-tenant
lab_linux_bridge br-lab
if lab_vxlan vxlan100 eno9 10.9.0.1 10.9.0.2 2>/dev/null \
   && lab_ns ip link set vxlan100 master br-tenant \
   && lab_ns ip link add vxlan200 type vxlan id 43 dev eno9 local 10.9.0.1 \
          remote 10.9.0.3 dstport 4790 \
   && lab_ns ip link set vxlan200 master br-lab && lab_ns ip link set vxlan200 up; then
    cat >"$LAB_DIR/tunnel.json" <<JSON
{"version": 1,
 "networks": [
   {"name": "tenant", "bridge": "br-tenant", "mtu": 8950,
    "overlay": {"type": "vxlan", "underlay": "underlay"}},
   {"name": "underlay", "bridge": "br-under", "mtu": 9000},
   {"name": "lab", "bridge": "br-lab", "mtu": 1500}]}
JSON
    eno9_before=$(lab_ns cat /sys/class/net/eno9/mtu)
    lab_apply "$LAB_DIR/tunnel.json" >"$LAB_DIR/t1.txt" 2>&1
    t_is 3 $? "a policy that would raise a tunnel's foreign lower device: exit 3 (refused)"
    t_is "$eno9_before" "$(lab_ns cat /sys/class/net/eno9/mtu)" \
        "eno9, under two tunnels but in no network, keeps its MTU ($eno9_before)"
    grep -qE "vxlan100.*real lower device is eno9.*networks\[0\]\.overlay\.underlay" "$LAB_DIR/t1.txt" \
        && t_ok "refusal names vxlan100, its lower device eno9 and networks[0].overlay.underlay" \
        || t_fail "refusal names vxlan100, its lower device eno9 and networks[0].overlay.underlay" "$(head -5 "$LAB_DIR/t1.txt" | tr '\n' '|')"
    grep -qE "vxlan200.*real lower device is eno9.*networks\[2\] declares no overlay" "$LAB_DIR/t1.txt" \
        && t_ok "refusal names vxlan200, eno9 and the missing overlay of networks[2]" \
        || t_fail "refusal names vxlan200, eno9 and the missing overlay of networks[2]" "$(head -5 "$LAB_DIR/t1.txt" | tr '\n' '|')"
    t_is "1450 1450" "$(lab_ns cat /sys/class/net/vxlan100/mtu) $(lab_ns cat /sys/class/net/vxlan200/mtu)" \
        "the refused tunnels keep their MTU"
else
    t_ok "# SKIP no vxlan link type on this kernel"
fi

# A tunnel bound to no device sends by the route to its remote: vxlan300's
# remote 10.9.0.4 is routed out of eno9 (no network names it), vxlan301's
# remote 10.1.0.2 out of br-under (the declared underlay).  The first is
# refused and eno9 keeps its MTU; the second is planned.
lab_linux_bridge br-t3
lab_linux_bridge br-t4
if lab_ns ip link add vxlan300 type vxlan id 44 local 10.9.0.1 remote 10.9.0.4 \
          dstport 4791 2>/dev/null \
   && lab_ns ip link set vxlan300 master br-t3 && lab_ns ip link set vxlan300 up \
   && lab_ns ip link add vxlan301 type vxlan id 45 local 10.1.0.1 remote 10.1.0.2 \
          dstport 4792 \
   && lab_ns ip link set vxlan301 master br-t4 && lab_ns ip link set vxlan301 up; then
    t_is "eno9 br-under" \
        "$(lab_agent show --format json | jq -r '[.links[] | select(.name == "vxlan300" or .name == "vxlan301") | .lower] | join(" ")')" \
        "show: the lower device of an unbound tunnel is where the route to its remote leaves"
    cat >"$LAB_DIR/route-tunnel.json" <<JSON
{"version": 1,
 "networks": [
   {"name": "t3", "bridge": "br-t3", "mtu": 8950,
    "overlay": {"type": "vxlan", "underlay": "underlay"}},
   {"name": "underlay", "bridge": "br-under", "mtu": 9000}]}
JSON
    eno9_before=$(lab_ns cat /sys/class/net/eno9/mtu)
    lab_apply "$LAB_DIR/route-tunnel.json" >"$LAB_DIR/t3.txt" 2>&1
    t_is 3 $? "a tunnel routed out of a device outside the policy: exit 3 (refused)"
    t_is "$eno9_before" "$(lab_ns cat /sys/class/net/eno9/mtu)" \
        "eno9, the route of an unbound tunnel, keeps its MTU ($eno9_before)"
    grep -qE "vxlan300.*real lower device is eno9" "$LAB_DIR/t3.txt" \
        && t_ok "refusal names vxlan300 and eno9, where the route to its remote leaves" \
        || t_fail "refusal names vxlan300 and eno9, where the route to its remote leaves" "$(head -5 "$LAB_DIR/t3.txt" | tr '\n' '|')"
    sed 's/br-t3/br-t4/; s/"t3"/"t4"/' "$LAB_DIR/route-tunnel.json" >"$LAB_DIR/route-tunnel-ok.json"
    lab_apply "$LAB_DIR/route-tunnel-ok.json" --dry-run >"$LAB_DIR/t4.txt" 2>&1
    t_is 2 $? "a tunnel routed out of its declared underlay is planned, not refused (exit 2)"
    grep -qE "set-link-mtu +vxlan301 .*-> 8950" "$LAB_DIR/t4.txt" \
        && t_ok "vxlan301 gets its step to 8950" \
        || t_fail "vxlan301 gets its step to 8950" "$(grep -E 'vxlan301|refused' "$LAB_DIR/t4.txt" | head -5 | tr '\n' '|')"
else
    t_ok "# SKIP no vxlan link type on this kernel"
fi

# --- 3. Roles come from the host ------------------------------------------
# tap7 carries a VM's external_ids; a policy that lists it as the uplink of
# br-vm is refused and nothing on br-vm moves.
lab_ovs_bridge br-vm
lab_pif br-vm eth7
lab_tap_vif br-vm tap7 attached-mac=fa:16:3e:00:00:07 iface-id=port-7 vm-uuid=guest-7
cat >"$LAB_DIR/vif-uplink.json" <<JSON
{"version": 1,
 "networks": [{"name": "vms", "bridge": "br-vm", "mtu": 9000, "uplinks": ["tap7"]}]}
JSON
lab_apply "$LAB_DIR/vif-uplink.json" >"$LAB_DIR/v1.txt" 2>&1
t_is 3 $? "a VIF listed under uplinks: exit 3 (refused)"
grep -qE "uplinks names tap7.*VM interface.*external_ids:.*eth7" "$LAB_DIR/v1.txt" \
    && t_ok "the refusal says tap7 is a VM interface and names the real uplink eth7" \
    || t_fail "the refusal says tap7 is a VM interface and names the real uplink eth7" "$(head -4 "$LAB_DIR/v1.txt" | tr '\n' '|')"
expect_mtus 1500 "br-vm, its uplink and the VIF keep their MTU" eth7 br-vm tap7

# --- 4. The audit sees a bridge above its ports ---------------------------
# A fresh lab namespace is not needed: the finding is per bridge.  br9 is
# set to 9000 over a 1500 veth port; xapi9, a fake bridge pinned at 9000,
# sits over eth9x at 1500.
lab_linux_bridge br9
lab_linux_port br9 eno9x veth
lab_ovs_bridge xenbr9
lab_pif xenbr9 eth9x
lab_fake_bridge xenbr9 xapi9 90
lab_vsctl set interface xapi9 mtu_request=9000
if lab_ns ip link set br9 mtu 9000 2>/dev/null; then
    lab_poll 5 sh -c "[ \"\$(ovs-vsctl --db=$LAB_DB get interface xapi9 mtu)\" = 9000 ]"
    lab_agent --dry-run --no-policy >"$LAB_DIR/b1.txt" 2>&1
    t_is 2 $? "--dry-run --no-policy with bridges above their ports: exit 2"
    for i in br9 xapi9; do
        grep -qE "bridge-above-ports +$i: $i is at 9000.*above (eno9x|eth9x) at 1500" "$LAB_DIR/b1.txt" \
            && t_ok "the audit reports $i at 9000 above its 1500 uplink" \
            || t_fail "the audit reports $i at 9000 above its 1500 uplink" "$(grep -E "$i" "$LAB_DIR/b1.txt" | head -2 | tr '\n' '|')"
    done
else
    t_ok "# SKIP this kernel does not set a bridge above its ports"
fi

# --- 5. The management path in another routing table ----------------------
# br-m carries the only default route, in table 100 that an ip rule looks
# up: a network that raises br-m without "management": true is refused,
# and so is one that lowers it.
lab_linux_bridge br-m
lab_linux_port br-m eno7x veth
lab_ns ip addr add 10.7.0.1/24 dev br-m
lab_ns ip rule add pref 1000 lookup 100
lab_ns ip route add default via 10.7.0.254 dev br-m table 100
t_is "" "$(lab_ns ip route show default)" "the main table has no default route"
cat >"$LAB_DIR/mgmt.json" <<JSON
{"version": 1, "networks": [{"name": "m", "bridge": "br-m", "mtu": 9000}]}
JSON
lab_apply "$LAB_DIR/mgmt.json" >"$LAB_DIR/m1.txt" 2>&1
t_is 3 $? "raising br-m, whose default route is in table 100: exit 3 (refused)"
grep -q "br-m carries the default route" "$LAB_DIR/m1.txt" \
    && t_ok "the refusal says br-m carries the default route" \
    || t_fail "the refusal says br-m carries the default route" "$(head -4 "$LAB_DIR/m1.txt" | tr '\n' '|')"
t_is "1500 1500" "$(lab_ns cat /sys/class/net/br-m/mtu) $(lab_ns cat /sys/class/net/eno7x/mtu)" \
    "br-m and its port keep their MTU"
lab_ns ip link set eno7x mtu 9000
lab_ns ip link set br-m mtu 9000
sed 's/9000/1500/' "$LAB_DIR/mgmt.json" >"$LAB_DIR/mgmt1500.json"
lab_apply "$LAB_DIR/mgmt1500.json" >"$LAB_DIR/m2.txt" 2>&1
t_is 3 $? "lowering br-m without \"management\": exit 3 (refused)"
t_is "9000 9000" "$(lab_ns cat /sys/class/net/br-m/mtu) $(lab_ns cat /sys/class/net/eno7x/mtu)" \
    "br-m and its port keep 9000"

# --- 6. Veth pairs between bridges (OpenStack hybrid plug) ----------------
# tap1 -> qbr1 -> qvb1/qvo1 -> br-int.  A policy for qbr1 alone raises qvb1
# and says that its peer qvo1 on br-int stays at 1500; qvo1 and br-int do
# stay there.  Without a policy, the audit reports the split pair.
lab_linux_bridge qbr1
lab_linux_port qbr1 tap1 tap
lab_ovs_bridge br-int
lab_hybrid_plug qbr1 br-int qvb1 qvo1 iface-id=5e0c6f1a attached-mac=fa:16:3e:00:00:01
cat >"$LAB_DIR/hybrid.json" <<JSON
{"version": 1, "networks": [{"name": "tenant", "bridge": "qbr1", "mtu": 9000}]}
JSON
lab_apply "$LAB_DIR/hybrid.json" --dry-run >"$LAB_DIR/h1.txt" 2>&1
grep -qE "port-mtu-mismatch +qvb1: network tenant sets qvb1 to 9000, but its veth peer qvo1 on br-int stays at 1500" "$LAB_DIR/h1.txt" \
    && t_ok "dry-run: raising qvb1 alone is a finding that names its peer qvo1 on br-int" \
    || t_fail "dry-run: raising qvb1 alone is a finding that names its peer qvo1 on br-int" "$(grep -E "qvb1|qvo1" "$LAB_DIR/h1.txt" | head -3 | tr '\n' '|')"
lab_apply "$LAB_DIR/hybrid.json" >"$LAB_DIR/h2.txt" 2>&1
t_is 0 $? "apply the qbr1 network: exit 0"
expect_mtus 1500 "qvo1 and br-int, in no network, stay at 1500" qvo1 br-int
lab_agent --dry-run --no-policy >"$LAB_DIR/h3.txt" 2>&1
grep -qE "port-mtu-mismatch +qvb1: the two ends of veth pair qvb1/qvo1 differ: qvb1 on qbr1 is at 9000 and qvo1 on br-int at 1500" "$LAB_DIR/h3.txt" \
    && t_ok "--no-policy: the audit reports the two ends of qvb1/qvo1 at 9000 and 1500" \
    || t_fail "--no-policy: the audit reports the two ends of qvb1/qvo1 at 9000 and 1500" "$(grep -E "qvb1|qvo1" "$LAB_DIR/h3.txt" | head -3 | tr '\n' '|')"
