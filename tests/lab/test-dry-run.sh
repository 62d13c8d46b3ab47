#!/bin/bash
# Lab test of the --dry-run audit on real ovsdb-server, ovs-vswitchd and
# kernel links: with no policy it explains the drift the lab was given (ports
# of one bridge at different MTUs, a VIF that differs from its bridge, an
# mtu_request that vswitchd silently failed to apply); with a policy it prints
# the ordered plan; a management path is refused (exit 3); JSON and
# Prometheus outputs are well formed; and nothing on the host changes: a full
# snapshot of OVSDB and "ip -d link" is the same before and after.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
lab_ovs_bridge xenbr1
lab_bond xenbr1 bond0 eth2 eth3
lab_pif xenbr1 eth4
lab_tap_vif xenbr1 vif3.0 xs-vif-uuid=6f1c0f37-4b55-4c43-9a4c-8a8e5f5d2c01
lab_tap_vif xenbr1 vnet0 iface-id=port-0042 vm-id=guest-42
lab_linux_bridge br0
lab_linux_port br0 eno2 veth
lab_linux_port br0 eno3 veth
lab_linux_port br0 vnet1 tap
# Drift: one bond member at 9000, a VIF at 9000 under a 1500 bridge, and an
# mtu_request above the device's maximum (OVSDB accepts it; vswitchd fails
# silently and leaves the device at 1500).
lab_vsctl set interface eth3 mtu_request=9000 -- set interface vnet0 mtu_request=9000 \
    -- set interface eth4 mtu_request=70000
lab_ns ip link set eno3 mtu 9000
lab_ns sysctl -qw net.ipv4.tcp_mtu_probing=0
for _ in $(seq 1 50); do
    [ "$(lab_vsctl get interface eth3 mtu)" = 9000 ] && break
    sleep 0.1
done

snapshot() {
    local t
    for t in Open_vSwitch Bridge Port Interface; do
        # Status columns that vswitchd refreshes by itself are left out.
        ovsdb-client --format=list dump "$LAB_DB" Open_vSwitch "$t" 2>/dev/null \
            | grep -vE '^(statistics|status|link_state|link_resets|link_speed|duplex|admin_state|_version|cur_cfg|bond_active_slave|rstp_status|stp_enable|lacp_current|other_config|ifindex|mac_in_use)\s*:'
    done
    # Bridge timers tick by themselves; everything else must stay put.
    lab_ns ip -d link show | sed -E 's/ [a-z_]+_timer +[0-9.]+//g'
    lab_ns sysctl net.ipv4.ip_forward net.ipv4.tcp_mtu_probing
    # Offloads (LRO) of every link: a dry run must not turn any off.
    for l in $(lab_ns ls /sys/class/net); do
        echo "== $l"
        lab_ns ethtool -k "$l" 2>/dev/null
    done
}
snap_before=$(snapshot)
audit() { lab_agent --dry-run "$@"; }

# 1. No policy: the audit explains every drift.
audit --no-policy >"$LAB_DIR/a1.txt" 2>&1
t_is 2 $? "audit without policy: exit 2 (drift)"
for pat in "port-mtu-mismatch.*xenbr1" "port-mtu-mismatch.*br0" "vif-mtu-mismatch.*vnet0" \
           "ovs-request-not-applied.*eth4" "tcp-mtu-probing" "Plan: nothing to do"; do
    grep -qE -- "$pat" "$LAB_DIR/a1.txt" && t_ok "audit without policy reports /$pat/" \
        || t_fail "audit without policy reports /$pat/" "see below"
done
grep -qE "eth4.*70000" "$LAB_DIR/a1.txt" && t_ok "the silent vswitchd failure names the request 70000" \
    || t_fail "the silent vswitchd failure names the request 70000"
audit --no-policy --format json >"$LAB_DIR/a1.json" 2>/dev/null
t_is 2 $? "JSON audit: exit 2"
t_is "1 drift 2" "$(jq -r '"\(.version) \(.summary.status) \(.summary.exit_code)"' "$LAB_DIR/a1.json")" \
     "JSON audit: version, status and exit code"
t_is "true" "$(jq '[.findings[].kind] | contains(["port-mtu-mismatch","vif-mtu-mismatch","ovs-request-not-applied"])' "$LAB_DIR/a1.json")" \
     "JSON audit lists the findings by kind"
audit --no-policy --format prometheus >"$LAB_DIR/a1.prom" 2>/dev/null
t_is 2 $? "Prometheus audit: exit 2"
grep -qE '^jumboagent_drift [1-9]' "$LAB_DIR/a1.prom" && t_ok "Prometheus: jumboagent_drift counts the drift" \
    || t_fail "Prometheus: jumboagent_drift counts the drift"
grep -q 'jumboagent_interface_mtu{interface="eth4",layer="ovs_request"} 70000' "$LAB_DIR/a1.prom" \
    && t_ok "Prometheus: MTU per interface and layer" || t_fail "Prometheus: MTU per interface and layer"
bad=$(grep -vE '^(# (HELP|TYPE) .*|[a-z_]+(\{[^}]*\})? [0-9]+)$' "$LAB_DIR/a1.prom" | head -3)
t_is "" "$bad" "Prometheus: every line is a comment or a sample"

# 2. A policy: findings and the ordered plan.
cat >"$LAB_DIR/p.json" <<'JSON'
{"version": 1,
 "networks": [
   {"name": "storage", "bridge": "xenbr1", "mtu": 9000},
   {"name": "guests", "bridge": "br0", "mtu": 9000}]}
JSON
audit --policy "$LAB_DIR/p.json" >"$LAB_DIR/a2.txt" 2>&1
t_is 2 $? "audit with a policy: exit 2"
plan=$(grep -oE '^ +[0-9]+\. +[a-z-]+ +[^ ]+ ' "$LAB_DIR/a2.txt" | awk '{print $2, $3}' | tr '\n' ';')
# eth4's failed request of 70000 comes down first (lowering before
# raising); eth3, eno3 and vnet0 are already at 9000 and get no step.  The
# OVS steps form one block (apply commits them in one transaction), then the
# Linux bridge's steps follow in their own order.
want="set-mtu-request eth4;set-mtu-request eth2;set-mtu-request xenbr1;set-mtu-request vif3.0;set-link-mtu eno2;set-link-mtu br0;set-link-mtu vnet1;"
t_is "$want" "$plan" "the plan lowers eth4's failed request, then raises members, uplinks, bridges, VIFs"

# 3. The management path is refused unless the network says so.
lab_ns ip addr add 192.0.2.1/24 dev br0
lab_ns ip route add default via 192.0.2.254
audit --policy "$LAB_DIR/p.json" >"$LAB_DIR/a3.txt" 2>&1
t_is 3 $? "jumbo on the management bridge: exit 3 (refused)"
grep -q "default route" "$LAB_DIR/a3.txt" && t_ok "the refusal says br0 carries the default route" \
    || t_fail "the refusal says br0 carries the default route"
sed 's/"guests", "bridge": "br0", "mtu": 9000/"guests", "bridge": "br0", "mtu": 9000, "management": true/' \
    "$LAB_DIR/p.json" >"$LAB_DIR/pm.json"
audit --policy "$LAB_DIR/pm.json" >/dev/null 2>&1
t_is 2 $? "with \"management\": true the same plan is allowed (exit 2)"
lab_ns ip route del default
lab_ns ip addr del 192.0.2.1/24 dev br0

# 4. A driver the table refuses: veth marked "refuse" in a private table.
jq '.drivers.veth.verdict = "refuse" | .drivers.veth.reason = "lab: pretend veth panics with jumbo"' \
    "$JUMBOAGENT_SRCDIR/etc/jumboagent/drivers.json" >"$LAB_DIR/drivers.json"
audit --policy "$LAB_DIR/p.json" --drivers "$LAB_DIR/drivers.json" >"$LAB_DIR/a4.txt" 2>&1
t_is 3 $? "a refused driver: exit 3"
grep -q "pretend veth panics" "$LAB_DIR/a4.txt" && t_ok "the refusal gives the table's reason" \
    || t_fail "the refusal gives the table's reason"

# 5. Bad input changes nothing and says where.
echo '{"version": 1, "networks": [{"name": "s", "bridge": "xenbr1", "mtu": 90000}]}' >"$LAB_DIR/bad.json"
out=$(audit --policy "$LAB_DIR/bad.json" 2>&1)
t_is 1 $? "an invalid policy: exit 1"
grep -q 'networks\[0\].mtu' <<<"$out" && t_ok "the error names networks[0].mtu" \
    || t_fail "the error names networks[0].mtu" "$out"
out=$(audit --policy "$LAB_DIR/missing.json" 2>&1)
t_is 1 $? "a missing --policy file: exit 1"

# Nothing changed.
snap_after=$(snapshot)
if [ "$snap_before" = "$snap_after" ]; then
    t_ok "the dry runs changed nothing (OVSDB and ip -d link snapshot)"
else
    t_fail "the dry runs changed nothing (OVSDB and ip -d link snapshot)"
    diff <(echo "$snap_before") <(echo "$snap_after") | head -20 | sed 's/^/#   /'
fi
