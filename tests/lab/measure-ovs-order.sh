#!/bin/bash
# Measurement, not a test (issue 7 §3): does ovs-vswitchd apply the
# mtu_request changes of ONE transaction in the order the transaction lists
# them, and what does committing in tiers (uplink, then the bridge's
# internal port, then the VIFs, waiting for cur_cfg between) cost?
# Builds one OVS bridge with a veth uplink and N tap VIFs in a lab
# namespace (lib.sh), raises 1500 -> 9000 and lowers back, R times each
# way per mode, records "ip -ts monitor link" and prints, per run, the
# wall time until ovs-vswitchd confirmed (cur_cfg) and whether any VIF
# reached the new MTU before the uplink (raising) or the uplink before a
# VIF (lowering).  Usage: measure-ovs-order.sh [N] [R]
set -u
. "$(dirname "$0")/lib.sh"
N=${1:-20}
R=${2:-5}
lab_start
lab_ovs_bridge brm
lab_pif brm up0
for i in $(seq 1 "$N"); do
    lab_tap_vif brm "vm$i" iface-id="port-$i"
done
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# one_txn MTU: one transaction, uplink first in the listing.
one_txn() {
    local args=(set interface up0 mtu_request=$1 -- set interface brm mtu_request=$1)
    for i in $(seq 1 "$N"); do args+=(-- set interface "vm$i" mtu_request=$1); done
    lab_vsctl "${args[@]}"
}
# tiers MTU: raising: uplink, internal, VIFs; lowering: the reverse; one
# transaction per tier, each waiting for cur_cfg (ovs-vsctl waits).
tiers() {
    local vifs=()
    for i in $(seq 1 "$N"); do vifs+=(-- set interface "vm$i" mtu_request=$1); done
    if [ "$1" -gt 1500 ]; then
        lab_vsctl set interface up0 mtu_request=$1
        lab_vsctl set interface brm mtu_request=$1
        lab_vsctl "${vifs[@]:1}"
    else
        lab_vsctl "${vifs[@]:1}"
        lab_vsctl set interface brm mtu_request=$1
        lab_vsctl set interface up0 mtu_request=$1
    fi
}
# verdict FILE MTU: "in order" or "OUT OF ORDER (first: ...)".
verdict() {
    local first
    first=$(grep -oE ": (up0|brm|vm[0-9]+)(@[^:]*)?: .*mtu $2 " "$1" \
        | sed -E 's/^: ([^:@]+).*/\1/' | awk '!seen[$0]++' | tr '\n' ' ')
    local pos_up pos_vif=999 i=0 w
    for w in $first; do
        i=$((i+1))
        [ "$w" = up0 ] && pos_up=$i
        case $w in vm*) [ $i -lt $pos_vif ] && pos_vif=$i ;; esac
    done
    if { [ "$2" -gt 1500 ] && [ "${pos_up:-999}" -lt "$pos_vif" ]; } \
       || { [ "$2" -le 1500 ] && [ "${pos_up:-0}" -gt "$pos_vif" ]; }; then
        echo "in order"
    else
        echo "OUT OF ORDER (first events: $(echo $first | cut -d' ' -f1-4))"
    fi
}
for mode in one_txn tiers; do
    for r in $(seq 1 "$R"); do
        for mtu in 9000 1500; do
            ip -n "$LAB_NS" -ts monitor link >"$LAB_DIR/mon" 2>&1 &
            mon=$!
            sleep 0.3
            t0=$(ms)
            $mode $mtu
            t1=$(ms)
            sleep 0.3
            kill $mon; wait $mon 2>/dev/null
            span=$(grep -E "mtu $mtu " "$LAB_DIR/mon" | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+' \
                | awk -F: '{t=$1*3600+$2*60+$3; if(!a)a=t; b=t} END{printf "%.1f", (b-a)*1000}')
            echo "$mode N=$N run $r -> $mtu: $((t1 - t0)) ms to cur_cfg; events span $span ms; $(verdict "$LAB_DIR/mon" $mtu)"
        done
    done
done
