#!/bin/bash
# Prints the wall-clock latency of jumboagent's modes on a throwaway lab
# host: an OVS bridge with a bond of two veth NICs, a veth PIF, the internal
# port and N tap VIFs, plus a Linux bridge with a veth uplink and 4 taps.
# Each figure is the median of R runs of the whole process (start, inventory
# over netlink and OVSDB, plan, and for apply: one OVSDB transaction, the
# wait for ovs-vswitchd, verification of every layer, replugs).  Needs root;
# touches only its own namespace.  Figures, not pass/fail: see README.md.
#
# Usage: bench/lab-latency.sh [N_VIFS (20)] [RUNS (5)] [path/to/jumboagent]
set -u
cd "$(dirname "$0")/.."
n_vifs=${1:-20}
runs=${2:-5}
JUMBOAGENT=$(realpath "${3:-build/jumboagent}")
. tests/lab/lib.sh

lab_start >/dev/null
lab_ovs_bridge xenbr1
lab_bond xenbr1 bond0 eth2 eth3
lab_pif xenbr1 eth4
for i in $(seq 1 "$n_vifs"); do
    lab_tap_vif xenbr1 "vif$i.0" "xs-vif-uuid=bench-$i"
done
lab_linux_bridge br0
lab_linux_port br0 eno2 veth
for i in 1 2 3 4; do lab_linux_port br0 "vnet$i" tap; done
for m in 9000 1500; do
    cat >"$LAB_DIR/p$m.json" <<JSON
{"version": 1, "networks": [
  {"name": "storage", "bridge": "xenbr1", "mtu": $m},
  {"name": "guests", "bridge": "br0", "mtu": $m}]}
JSON
done
opts=(--state-dir "$LAB_DIR/state" --lock-file "$LAB_DIR/lock")

# ms CMD...: runs CMD once, prints its wall time in ms.
ms() {
    local start=$EPOCHREALTIME end
    "$@" >/dev/null 2>&1
    end=$EPOCHREALTIME
    echo $(( (${end/./} - ${start/./}) / 1000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A t
for r in $(seq 1 "$runs"); do
    t[show]+="$(ms lab_agent show --format json) "
    t[dryrun]+="$(ms lab_agent --dry-run --policy "$LAB_DIR/p9000.json") "
    t[up]+="$(ms lab_agent --policy "$LAB_DIR/p9000.json" "${opts[@]}") "
    t[noop]+="$(ms lab_agent --policy "$LAB_DIR/p9000.json" "${opts[@]}") "
    t[down]+="$(ms lab_agent --policy "$LAB_DIR/p1500.json" "${opts[@]}") "
    t[upnr]+="$(ms lab_agent --policy "$LAB_DIR/p9000.json" --no-replug "${opts[@]}") "
    lab_agent --policy "$LAB_DIR/p1500.json" "${opts[@]}" >/dev/null 2>&1
done

printf 'lab: %d OVS interfaces, 6 Linux-bridge links; median of %d runs (ms)\n' \
    "$(lab_vsctl list-ifaces xenbr1 | wc -l)" "$runs"
for k in show dryrun up noop down upnr; do
    case $k in
    show)   label="show --format json" ;;
    dryrun) label="--dry-run (drift found)" ;;
    up)     label="apply 1500 -> 9000" ;;
    noop)   label="apply, nothing to change" ;;
    down)   label="apply 9000 -> 1500" ;;
    upnr)   label="apply 1500 -> 9000 --no-replug" ;;
    esac
    printf '  %-32s %5s\n' "$label" "$(tr ' ' '\n' <<<"${t[$k]}" | grep . | median)"
done
