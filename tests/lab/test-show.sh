#!/bin/bash
# Lab test of "jumboagent show": on a lab host with an OVS bridge (a bond of
# two veth NICs, a veth PIF, tap VIFs carrying XenServer and libvirt
# external_ids), a Linux bridge with a veth and a tap port, and a macvlan and
# a VXLAN on a veth, the JSON of "show" must agree with what ovs-vsctl and
# "ip -j -d link" report, and the text tree must name every object.  Also the
# bad-input contract of the command line.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
lab_ovs_bridge xenbr1
lab_bond xenbr1 bond0 eth2 eth3
lab_pif xenbr1 eth4
lab_tap_vif xenbr1 vif3.0 xs-vif-uuid=6f1c0f37-4b55-4c43-9a4c-8a8e5f5d2c01 \
    xs-vm-uuid=1d2b9e3a-0d7c-4b8e-9a57-3e1f9c2b7a11 attached-mac=00:16:3e:12:34:56
lab_tap_vif xenbr1 vnet0 iface-id=port-0042 vm-id=guest-42 \
    attached-mac=52:54:00:aa:bb:cc
lab_vsctl set interface eth4 mtu_request=9000
lab_vsctl br-set-external-id xenbr1 xs-network-uuids 9f1e2d3c-aaaa-bbbb-cccc-0123456789ab
lab_linux_bridge br0
lab_linux_port br0 eno2 veth
lab_linux_port br0 vnet1 tap
lab_veth under0
lab_ns ip link add mv0 link under0 type macvlan mode bridge
lab_ns ip link add vx0 type vxlan id 42 dev under0 dstport 4789 remote 198.51.100.7
lab_ns ip link set under0 mtu 9000

out=$LAB_DIR/show.json
lab_agent show --format json >"$out" 2>"$LAB_DIR/show.err"
t_is 0 $? "show --format json exits 0"
t_is 1 "$(jq -r .version "$out")" "show JSON has version 1"
t_is true "$(jq -r .ovs.reachable "$out")" "show JSON says OVS was reachable"

# Every OVS interface: type, mtu and mtu_request as ovs-vsctl reports them.
lab_vsctl --format=json --data=json --columns=name,type,mtu,mtu_request,external_ids \
    list interface >"$LAB_DIR/vsctl.json"
n=0
while IFS=$'\t' read -r name type mtu req; do
    n=$((n + 1))
    got=$(jq -r --arg n "$name" '.ovs.bridges[].ports[].interfaces[] | select(.name == $n)
          | "\(.type) \(.mtu // "-") \(.mtu_request // "-")"' "$out")
    t_is "$type $mtu $req" "$got" "OVS interface $name: type, mtu, mtu_request match ovs-vsctl"
done < <(jq -r '.data[] | [.[0], (if .[1] == "" then "system" else .[1] end),
          (if (.[2]|type) == "array" then "-" else (.[2]|tostring) end),
          (if (.[3]|type) == "array" then "-" else (.[3]|tostring) end)] | @tsv' \
          "$LAB_DIR/vsctl.json")
t_is 6 "$n" "ovs-vsctl lists the 6 interfaces of the lab"

t_is "eth2 eth3" "$(jq -r '.ovs.bridges[] | select(.name=="xenbr1") | .ports[]
      | select(.name=="bond0") | [.interfaces[].name] | join(" ")' "$out")" \
     "bond0 shows its two members"
t_is "6f1c0f37-4b55-4c43-9a4c-8a8e5f5d2c01" "$(jq -r '.ovs.bridges[].ports[].interfaces[]
      | select(.name=="vif3.0") | .external_ids["xs-vif-uuid"]' "$out")" \
     "the XenServer VIF carries xs-vif-uuid"
t_is "guest-42" "$(jq -r '.ovs.bridges[].ports[].interfaces[]
      | select(.name=="vnet0") | .external_ids["vm-id"]' "$out")" \
     "the libvirt VIF carries vm-id"
t_is "9f1e2d3c-aaaa-bbbb-cccc-0123456789ab" "$(jq -r '.ovs.bridges[]
      | select(.name=="xenbr1") | .external_ids["xs-network-uuids"]' "$out")" \
     "the bridge carries xs-network-uuids"
t_is "internal" "$(jq -r '.ovs.bridges[].ports[].interfaces[] | select(.name=="xenbr1") | .type' "$out")" \
     "the bridge's own port is internal"

# Every kernel link: MTU, min/max MTU, master and kind as "ip -d" reports them.
lab_ns ip -j -d link show >"$LAB_DIR/ip.json"
n=0
while IFS=$'\t' read -r name mtu min max master kind; do
    n=$((n + 1))
    got=$(jq -r --arg n "$name" '.links[] | select(.name == $n)
          | [(.mtu|tostring), (.min_mtu // 0 | tostring), (.max_mtu // 0 | tostring),
             (.master // "-"), (if .kind_name == "" then "-" else .kind_name end)] | @tsv' "$out")
    t_is "$mtu	$min	$max	$master	$kind" "$got" \
         "link $name: mtu, min/max mtu, master, kind match ip -d link"
done < <(jq -r '.[] | [.ifname, (.mtu|tostring), (.min_mtu // 0 | tostring),
          (.max_mtu // 0 | tostring), (.master // "-"),
          (.linkinfo.info_kind // "-")] | @tsv' "$LAB_DIR/ip.json")
t_is "$(jq length "$LAB_DIR/ip.json")" "$(jq '.links | length' "$out")" \
     "show lists as many links as ip link ($n)"
t_is "under0" "$(jq -r '.links[] | select(.name=="mv0") | .lower' "$out")" \
     "the macvlan's lower device is under0"
t_is "under0" "$(jq -r '.links[] | select(.name=="vx0") | .lower' "$out")" \
     "the VXLAN's lower device is under0"
t_is "veth tun bridge" "$(jq -r '[(.links[] | select(.name=="eno2") | .driver),
      (.links[] | select(.name=="vnet1") | .driver),
      (.links[] | select(.name=="br0") | .driver)] | join(" ")' "$out")" \
     "drivers come from ethtool (veth, tun, bridge)"

# The text tree names every bridge, bond, PIF, VIF and Linux-bridge port.
lab_agent show >"$LAB_DIR/show.txt" 2>&1
t_is 0 $? "show (text) exits 0"
for name in xenbr1 bond0 eth2 eth3 eth4 vif3.0 vnet0 br0 eno2 vnet1 mv0 vx0 \
            6f1c0f37-4b55-4c43-9a4c-8a8e5f5d2c01 guest-42; do
    if grep -qF -- "$name" "$LAB_DIR/show.txt"; then
        t_ok "text tree names $name"
    else
        t_fail "text tree names $name" "not found"
        sed 's/^/#   /' "$LAB_DIR/show.txt"
    fi
done
grep -q "9000" "$LAB_DIR/show.txt" && t_ok "text tree shows eth4's mtu_request 9000" \
    || t_fail "text tree shows eth4's mtu_request 9000"

# Without a reachable OVSDB (default remote in an empty run directory), show
# still lists the kernel's links and says OVS was not reachable.
empty=$LAB_DIR/empty-run
mkdir -p "$empty"
OVS_RUNDIR=$empty lab_ns "$JUMBOAGENT" show --format json >"$LAB_DIR/noovs.json" 2>&1
t_is 0 $? "show without OVSDB exits 0"
t_is false "$(jq -r .ovs.reachable "$LAB_DIR/noovs.json")" "show without OVSDB says OVS is not reachable"
t_is "$(jq length "$LAB_DIR/ip.json")" "$(jq '.links | length' "$LAB_DIR/noovs.json")" \
     "show without OVSDB still lists every kernel link"
OVS_RUNDIR=$empty lab_ns "$JUMBOAGENT" show >"$LAB_DIR/noovs.txt" 2>&1
grep -qi "not reachable" "$LAB_DIR/noovs.txt" && t_ok "text says OVS was not reachable" \
    || t_fail "text says OVS was not reachable" "$(head -3 "$LAB_DIR/noovs.txt")"

# Bad input: one line, exit 1, fast.
check_bad() {
    local desc=$1 pattern=$2 out rc lines
    shift 2
    out=$(timeout 20 ip netns exec "$LAB_NS" "$JUMBOAGENT" "$@" 2>&1)
    rc=$?
    lines=$(printf '%s\n' "$out" | grep -c .)
    if [ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -qi -- "$pattern" <<<"$out"; then
        t_ok "$desc"
    else
        t_fail "$desc" "exit $rc, $lines line(s): $out"
    fi
}
check_bad "unknown option" "unknown option '--frobnicate'" show --frobnicate
check_bad "missing value" "needs a value" show --db
check_bad "malformed --db" "malformed" show --db bogus:remote
check_bad "unreachable --db (missing socket)" "$LAB_DIR/nosuch.sock" show --db "unix:$LAB_DIR/nosuch.sock"
check_bad "unknown command" "unknown command" frobnicate
check_bad "bad --timeout" "timeout" show --timeout -3
check_bad "bad --format" "format" show --format yaml

# A TCP remote that never answers (no ARP reply inside the lab) gives up at
# the deadline instead of hanging.
lab_veth blackhole
lab_ns ip addr add 198.51.100.1/24 dev blackhole
start=$(date +%s%N)
check_bad "silent --db times out" "198.51.100.2" show --db tcp:198.51.100.2:6640 --timeout 1
elapsed=$((($(date +%s%N) - start) / 1000000))
if [ "$elapsed" -lt 5000 ]; then
    t_ok "silent --db gave up within 5 s (${elapsed} ms with --timeout 1)"
else
    t_fail "silent --db gave up within 5 s" "${elapsed} ms"
fi
