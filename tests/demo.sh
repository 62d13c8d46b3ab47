#!/bin/bash
# The main job of "make demo": a throwaway lab host that looks like a
# XenServer/KVM host with Open vSwitch (a storage bridge with a bond of two
# NICs, a PIF and VM interfaces) and a KVM-style Linux bridge, and jumboagent
# run on it: show, a --dry-run audit against an embedded policy, the apply,
# show again, a second apply that finds nothing to do, and a path check
# ("jumboagent verify") where one path carries 9000 and one has a port left
# at 1500 (a second namespace on each, made by the lab).
# Nothing outside the lab's own network namespace and directory is touched;
# everything is removed on exit.
#
# Usage: tests/demo.sh [PATH/TO/jumboagent]
set -u
cd "$(dirname "$0")/.."
JUMBOAGENT=$(realpath "${1:-build/jumboagent}")
. tests/lab/lib.sh

step() { printf '\n==> %s\n' "$*"; }

step "Starting a throwaway lab (network namespace, ovsdb-server, ovs-vswitchd)"
lab_start
lab_ovs_bridge xenbr1
lab_bond xenbr1 bond0 eth2 eth3
lab_pif xenbr1 eth4
lab_tap_vif xenbr1 vif3.0 xs-vif-uuid=6f1c0f37-4b55-4c43-9a4c-8a8e5f5d2c01 \
    xs-vm-uuid=1d2b9e3a-0d7c-4b8e-9a57-3e1f9c2b7a11 \
    attached-mac=00:16:3e:12:34:56
lab_tap_vif xenbr1 vnet0 iface-id=port-0042 vm-id=guest-42 \
    attached-mac=52:54:00:aa:bb:cc
lab_linux_bridge br0
lab_linux_port br0 eno2 veth
lab_linux_port br0 vnet1 tap
echo "lab namespace: $LAB_NS, OVSDB: $LAB_DB"

policy="$LAB_DIR/policy.json"
cat >"$policy" <<'JSON'
{"version": 1,
 "networks": [
   {"name": "storage", "bridge": "xenbr1", "mtu": 9000,
    "uplinks": ["eth2", "eth3", "eth4"], "vifs": ["vif*", "vnet*"]},
   {"name": "kvm-guests", "bridge": "br0", "mtu": 9000}]}
JSON

step "jumboagent show"
lab_agent show

step "jumboagent --dry-run --policy $policy (exit 2 means drift to fix)"
lab_agent --dry-run --policy "$policy"
rc=$?
echo "exit status: $rc"
[ "$rc" = 2 ] || { echo "demo: the dry run should find drift (exit 2)" >&2; exit 1; }

# The journal and the run lock of the demo live in the lab's directory, not
# under /var/lib and /run.
run_opts=(--policy "$policy" --state-dir "$LAB_DIR/state" --lock-file "$LAB_DIR/run.lock")

step "jumboagent --policy $policy (apply: OVSDB transactions tier by tier, netlink, every layer verified)"
lab_agent "${run_opts[@]}"
rc=$?
echo "exit status: $rc"
[ "$rc" = 0 ] || { echo "demo: the apply failed (exit $rc)" >&2; exit 1; }

step "jumboagent show (after the apply)"
lab_agent show

step "jumboagent again: in sync, nothing to change, no OVSDB transaction"
lab_agent "${run_opts[@]}" >/dev/null
rc=$?
echo "exit status: $rc"
[ "$rc" = 0 ] || { echo "demo: the second apply failed (exit $rc)" >&2; exit 1; }

step "What ovs-vsctl and ip say"
lab_vsctl --columns=name,mtu_request,mtu list interface | grep -v '^$' | paste - - - 
lab_ns ip -br link show | awk '{print $1}' | while read -r l; do
    printf '%-14s mtu %s\n' "${l%@*}" "$(lab_ns cat /sys/class/net/${l%@*}/mtu)"
done

step "jumboagent verify: DF probes at each network's MTU to its peers"
# The peer of br0 (on eno2's far end) takes 9000; the peer of br1 sits
# behind a port left at 1500, which drops jumbo frames without a word.
PEER=$(lab_host peer)
lab_ns ip link set eno2-p netns "$PEER"
ip -n "$PEER" link set eno2-p mtu 9000 up
ip -n "$PEER" addr add 10.9.0.2/24 dev eno2-p
lab_ns ip addr add 10.9.0.1/24 dev br0
lab_linux_bridge br1
FAR=$(lab_host far)
lab_wire "$LAB_NS" eno3 "$FAR" eth0 1500
lab_ns ip link set eno3 mtu 9000
lab_ns ip link set eno3 master br1
lab_ns ip link set br1 mtu 9000
lab_ns ip addr add 10.10.0.1/24 dev br1
ip -n "$FAR" addr add 10.10.0.2/24 dev eth0
cat >"$LAB_DIR/verify.json" <<'JSON'
{"version": 1,
 "networks": [
   {"name": "kvm-guests", "bridge": "br0", "mtu": 9000,
    "verify": {"peers": ["10.9.0.2"]}},
   {"name": "backup", "bridge": "br1", "mtu": 9000,
    "verify": {"peers": ["10.10.0.2"]}}]}
JSON
lab_agent verify --policy "$LAB_DIR/verify.json" --timeout 0.5
rc=$?
echo "exit status: $rc (4: a path does not carry its network's MTU)"
[ "$rc" = 4 ] || { echo "demo: verify should find the 1500 port (exit 4)" >&2; exit 1; }
