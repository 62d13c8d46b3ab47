#!/bin/bash
# Times "jumboagent --dry-run" over generated inputs: hosts of 1k to 40k
# VM ports (bench/gen-host.py), a host with VLAN-tagged OVS ports, and
# inputs at the file-size limits (a policy just under 1 MiB, a host model
# just under 64 MiB).  Prints one line per input: its size, the wall and
# CPU time and the peak memory.  Figures, not a test: nothing fails on
# time.
#
#   bench/scale.sh [JUMBOAGENT] [N...]
#
# JUMBOAGENT defaults to build/jumboagent; N defaults to 1000 5000 20000
# 40000.  BENCH_LIMITS=0 skips the inputs at the file-size limits.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
agent=${1:-$src/build/jumboagent}
[ $# -gt 0 ] && shift
sizes=${*:-1000 5000 20000 40000}
gen=$src/bench/gen-host.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run LABEL DIR: times the agent on DIR/host.json and DIR/policy.json, and
# DIR/drivers.json if there is one (else the shipped driver table).
run() {
    local label=$1 dir=$2 rc=0 drivers=$src/etc/jumboagent/drivers.json
    [ -f "$dir/drivers.json" ] && drivers=$dir/drivers.json
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$agent" --dry-run \
        --host-model "$dir/host.json" --policy "$dir/policy.json" \
        --drivers "$drivers" >"$dir/out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
        echo "$label: jumboagent exited $rc:" >&2
        tail -3 "$dir/out" >&2
        return 1
    fi
    read -r wall user sys rss < <(tail -1 "$dir/time")
    printf '%-28s %9s %9s %9s %9s %9s\n' "$label" \
        "$(du -k "$dir/host.json" | cut -f1)K" \
        "$(du -k "$dir/policy.json" | cut -f1)K" "${wall}s" \
        "$(awk "BEGIN { printf \"%.2fs\", $user + $sys }")" \
        "$((rss / 1024))M"
}

printf '%-28s %9s %9s %9s %9s %9s\n' input host policy wall cpu "peak rss"
for n in $sizes; do
    python3 "$gen" "$n" "$work/$n"
    run "$n ports" "$work/$n"
done
python3 "$gen" 20000 "$work/tagged" --tagged
run "20000 ports, VLAN-tagged" "$work/tagged"
if [ "${BENCH_LIMITS:-1}" != 0 ]; then
    # 11000 extra networks make a policy just under the 1 MiB limit.
    python3 "$gen" 1000 "$work/policy-limit" --policy-networks 11000
    run "policy at 1 MiB" "$work/policy-limit"
    # 95000 drivers and 95000 PCI rules: just under the 16 MiB limit.
    python3 "$gen" 1000 "$work/drivers-limit" --driver-table 95000
    run "driver table at 16 MiB" "$work/drivers-limit"
    # About 205 bytes a port: 320000 ports is just under 64 MiB.
    python3 "$gen" 320000 "$work/host-limit"
    run "host model at 64 MiB" "$work/host-limit"
fi
