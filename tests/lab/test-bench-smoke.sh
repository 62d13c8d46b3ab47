#!/bin/bash
# Smoke run of "make bench" (bench/bench.sh --smoke: N=50, one run of each
# contender) so that the bench cannot rot.  Pass/fail only on it running
# to the end and printing its table: timings never assert.  The bench makes
# and removes its own lab (tests/lab/lib.sh) and checks with /sys in the
# lab that the last apply set the MTU of a tap on each bridge.
cd "${JUMBOAGENT_SRCDIR:-$(dirname "$0")/../..}" || exit 1
: "${JUMBOAGENT_BUILD:=build}"
: "${JUMBOAGENT:=$JUMBOAGENT_BUILD/jumboagent}"
if [ "$(id -u)" != 0 ]; then
    echo "ok - # SKIP the bench needs root (network namespaces, OVS daemons)"
    exit 0
fi
out=$(mktemp /tmp/jumboagent-bench-smoke.XXXXXX)
trap 'rm -f "$out"' EXIT

if bench/bench.sh --smoke "$JUMBOAGENT" >"$out" 2>&1; then
    echo "ok - bench --smoke runs to the end"
else
    echo "not ok - bench --smoke runs to the end: exit $?"
    tail -15 "$out" | sed 's/^/#   /'
fi
for row in "apply OVS vs chained ovs-vsctl" \
           "apply OVS vs one ovs-vsctl per port" \
           "apply Linux bridge vs ip -batch" \
           "audit vs ovs-vsctl list" "peak RSS, one-shot apply"; do
    if grep -E "^$row .* 50 " "$out" | grep -qE '[0-9]\.[0-9]'; then
        echo "ok - bench table has a figure for '$row' at N=50"
    else
        echo "not ok - bench table has a figure for '$row' at N=50"
    fi
done
if grep -q '9000/9000/ N=50' "$out"; then
    echo "ok - the bench's applies set MTU 9000 on the OVS and bridge taps"
else
    echo "not ok - the bench's applies set MTU 9000 on the OVS and bridge taps"
fi
sed 's/^/# /' "$out"
