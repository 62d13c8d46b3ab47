#!/bin/bash
# "make bench": jumboagent against the operator's own tools on issue 13's
# host (bench/topo.sh: an OVS bridge with a bond of two veth uplinks and N
# tap VIFs, a Linux bridge with a veth uplink and N taps), in a throwaway
# lab namespace per size (tests/lab/lib.sh; removed on exit, also on
# failure).  For each size the contenders alternate (A B A B ...) and each
# row is the median of the runs; one table with the ratios comes out at the
# end.  Figures, not pass/fail: it fails only if a contender fails to run.
#
#   bench/bench.sh [--smoke] [JUMBOAGENT]
#
# Rows, for each N:
#   apply OVS     jumboagent 1500 -> 9000 (default options; the network
#                 asks for "replug": true, so the bond's members are
#                 bounced, and every layer is verified) vs one chained
#                 ovs-vsctl call, and vs one ovs-vsctl call per port (N <=
#                 500 only: it grows with N^2)
#   apply bridge  jumboagent vs "ip -batch" on the Linux bridge
#   audit         jumboagent --dry-run --format json vs "ovs-vsctl
#                 --columns=name,type,mtu,mtu_request,external_ids list
#                 interface" + "ip -d -j link show"
# then the peak RSS of a one-shot apply at the largest N, and the daemon
# rows when this build has --daemon (bench/daemon-rows.sh).
#
# Environment: BENCH_SIZES (default "50 500 2000"), BENCH_RUNS (5),
# BENCH_LOOP_RUNS (runs of the per-port loop at N > 50, default 1: one run
# at N=500 takes tens of seconds).  --smoke: N=50, 1 run, no daemon rows
# (what "make check" runs through tests/lab/test-bench-smoke.sh).
set -u
cd "$(dirname "$0")/.."
src=$PWD
smoke=0
if [ "${1:-}" = --smoke ]; then
    smoke=1
    shift
fi
JUMBOAGENT=$(realpath "${1:-build/jumboagent}")
export JUMBOAGENT
sizes=${BENCH_SIZES:-50 500 2000}
runs=${BENCH_RUNS:-5}
loop_runs=${BENCH_LOOP_RUNS:-1}
if [ "$smoke" = 1 ]; then
    sizes=50 runs=1 loop_runs=1
fi
if [ "$(id -u)" != 0 ]; then
    echo "bench: needs root (network namespaces, OVS daemons)" >&2
    exit 1
fi
results=$(mktemp /tmp/jumboagent-bench.XXXXXX)
trap 'rm -f "$results"' EXIT

# us CMD...: runs CMD once with its output discarded; prints its wall time
# in microseconds, or "fail" if it exited with a status other than 0 or 2
# (2: drift found, what --dry-run says on this host).
us() {
    local start=$EPOCHREALTIME end rc
    "$@" >"$LAB_DIR/run.log" 2>&1
    rc=$?
    end=$EPOCHREALTIME
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
        echo fail
        {
            echo "bench: exit $rc: $*"
            tail -5 "$LAB_DIR/run.log"
        } >>"$LAB_DIR/failures"
        return 1
    fi
    echo $(( ${end/./} - ${start/./} ))
}

# median: the median of the numbers on standard input ("fail" if any run
# failed).
median() {
    sort -n | awk '/fail/ {f = 1} {a[NR] = $1}
        END {if (f || !NR) print "fail"; else print a[int((NR + 1) / 2)]}'
}

# One size in a subshell: its lab is torn down when the subshell exits.
bench_size() (
    local n=$1 i r
    . tests/lab/lib.sh
    . bench/topo.sh
    lab_start >/dev/null
    if ! bench_topology "$n" >"$LAB_DIR/topo.log" 2>&1; then
        echo "bench: building the host of N=$n failed:" >&2
        tail -5 "$LAB_DIR/topo.log" >&2
        exit 1
    fi
    STATE=$LAB_DIR/state LOCK=$LAB_DIR/lock
    ovs_ifaces="eth2 eth3 xenbr1"
    for i in $(seq 1 "$n"); do ovs_ifaces+=" vif$i.0"; done

    # The contenders, each run inside the lab's namespace.
    # --timeout 60: a loaded machine's ovs-vswitchd may need more than
    # the default 10 s for one reconfiguration at N=2000.
    agent() {
        ip netns exec "$LAB_NS" "$JUMBOAGENT" --db "$LAB_DB" \
            --state-dir "$STATE" --lock-file "$LOCK" --timeout 60 "$@"
    }
    # chained MTU: one ovs-vsctl call that sets every OVS interface.
    chained() {
        local args=() x
        for x in $ovs_ifaces; do
            args+=(-- set interface "$x" "mtu_request=$1")
        done
        ip netns exec "$LAB_NS" ovs-vsctl --db="$LAB_DB" "${args[@]}"
    }
    # loop MTU: one ovs-vsctl call per port, as most operators do it.
    loop() {
        local x
        for x in $ovs_ifaces; do
            ip netns exec "$LAB_NS" ovs-vsctl --db="$LAB_DB" \
                set interface "$x" "mtu_request=$1" || return 1
        done
    }
    # ipbatch MTU: the Linux bridges' links with one "ip -batch".
    bench_lb_batch "$n" 1500 >"$LAB_DIR/lb-1500.batch"
    bench_lb_batch "$n" 9000 >"$LAB_DIR/lb-9000.batch"
    ipbatch() { ip netns exec "$LAB_NS" ip -batch "$LAB_DIR/lb-$1.batch"; }
    listing() {
        ip netns exec "$LAB_NS" sh -c "ovs-vsctl --db='$LAB_DB' \
            --columns=name,type,mtu,mtu_request,external_ids list interface \
            && ip -d -j link show"
    }
    reset_ovs() { chained 1500 >/dev/null 2>&1; }
    reset_lb() { ipbatch 1500 >/dev/null 2>&1; }

    declare -A t
    # A first run of each, untimed: caches and the journal directory.
    agent --policy "$LAB_DIR/all-9000.json" >/dev/null 2>&1
    reset_ovs
    reset_lb
    for r in $(seq 1 "$runs"); do
        t[ovs_agent]+="$(us agent --policy "$LAB_DIR/ovs-9000.json") "
        reset_ovs
        t[ovs_chain]+="$(us chained 9000) "
        reset_ovs
        if [ "$n" -le 500 ] \
           && { [ "$n" -le 50 ] || [ "$r" -le "$loop_runs" ]; }; then
            t[ovs_loop]+="$(us loop 9000) "
            reset_ovs
        fi
        t[lb_agent]+="$(us agent --policy "$LAB_DIR/lb-9000.json") "
        reset_lb
        t[lb_batch]+="$(us ipbatch 9000) "
        reset_lb
        t[audit_agent]+="$(us agent --dry-run --format json \
                               --policy "$LAB_DIR/all-9000.json") "
        t[audit_list]+="$(us listing) "
    done
    if [ -s "$LAB_DIR/failures" ]; then
        sed "s/^/N=$n: /" "$LAB_DIR/failures" >&2
    fi
    for k in "${!t[@]}"; do
        printf '%s %s %s\n' "$k" "$n" \
            "$(tr ' ' '\n' <<<"${t[$k]}" | grep . | median)"
    done

    # Peak RSS of one whole apply (both networks) at this size.
    /usr/bin/time -f '%M' -o "$LAB_DIR/rss" ip netns exec "$LAB_NS" \
        "$JUMBOAGENT" --db "$LAB_DB" --state-dir "$STATE" \
        --lock-file "$LOCK" --timeout 60 --policy "$LAB_DIR/all-9000.json" \
        >/dev/null 2>&1
    printf 'rss_kib %s %s\n' "$n" "$(tail -1 "$LAB_DIR/rss")"
    # Whether the host really took the MTU: one tap of each bridge.
    printf 'check %s %s\n' "$n" "$(ip netns exec "$LAB_NS" \
        cat /sys/class/net/vif1.0/mtu /sys/class/net/vnet1/mtu | tr '\n' /)"

    if [ "$smoke" = 0 ] && [ "$n" = "${sizes##* }" ]; then
        . bench/daemon-rows.sh
        daemon_rows "$n"
    fi
)

start=$EPOCHSECONDS
for n in $sizes; do
    echo "bench: N=$n ..." >&2
    bench_size "$n" >>"$results" || exit 1
done

# get KEY N: the value recorded for KEY at size N ("" if none).
get() { awk -v k="$1" -v n="$2" '$1 == k && $2 == n {print $3}' "$results"; }
ms() { [ -z "$1" ] || [ "$1" = fail ] && echo "${1:--}" && return
       awk -v u="$1" 'BEGIN {printf "%.1f", u / 1000}'; }
ratio() {
    case "$1$2" in *fail*) echo fail; return ;; esac
    [ -n "$1" ] && [ -n "$2" ] || { echo -; return; }
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'
}

printf '\njumboagent bench, %s, %s, %s cores, %s; median of %s runs\n' \
    "$(date -u +%Y-%m-%d)" "$(uname -r)" "$(nproc)" \
    "$(ovs-vsctl --version | head -1 | awk '{print "OVS " $NF}')" "$runs"
printf '%-44s %5s %10s %11s %8s  %s\n' row N "jumboagent" contender ratio \
    target
for n in $sizes; do
    a=$(get ovs_agent "$n")
    printf '%-44s %5s %8s ms %8s ms %8s  %s\n' \
        "apply OVS vs chained ovs-vsctl" "$n" "$(ms "$a")" \
        "$(ms "$(get ovs_chain "$n")")" \
        "$(ratio "$a" "$(get ovs_chain "$n")")" "<= 1.0x (N 500, 2000)"
    if [ -n "$(get ovs_loop "$n")" ]; then
        printf '%-44s %5s %8s ms %8s ms %8s  %s\n' \
            "apply OVS vs one ovs-vsctl per port" "$n" "$(ms "$a")" \
            "$(ms "$(get ovs_loop "$n")")" \
            "$(ratio "$(get ovs_loop "$n")" "$a" | sed 's/x$/x faster/')" \
            ">= 200x faster (N 500)"
    fi
    a=$(get lb_agent "$n")
    printf '%-44s %5s %8s ms %8s ms %8s  %s\n' \
        "apply Linux bridge vs ip -batch" "$n" "$(ms "$a")" \
        "$(ms "$(get lb_batch "$n")")" "$(ratio "$a" "$(get lb_batch "$n")")" \
        "-"
    a=$(get audit_agent "$n")
    printf '%-44s %5s %8s ms %8s ms %8s  %s\n' \
        "audit vs ovs-vsctl list + ip -d -j link" "$n" "$(ms "$a")" \
        "$(ms "$(get audit_list "$n")")" \
        "$(ratio "$a" "$(get audit_list "$n")")" "<= 1.0x (N 500, 2000)"
done
set -- $sizes
if [ $# -ge 2 ]; then
    big=${!#} mid=${@: -2:1}
    printf '%-44s %5s %22s %8s  %s\n' "apply OVS, N=$big over N=$mid" "" "" \
        "$(ratio "$(get ovs_agent "$big")" "$(get ovs_agent "$mid")")" \
        "<= 4.5x"
fi
for n in $sizes; do
    printf '%-44s %5s %7s MiB %20s  %s\n' "peak RSS, one-shot apply" "$n" \
        "$(awk -v k="$(get rss_kib "$n")" 'BEGIN {printf "%.1f", k / 1024}')" \
        "" "<= 12 MiB (N 2000)"
done
grep '^daemon' "$results" | cut -d' ' -f3- || true
bad=$(awk '$1 == "check" && $3 != "9000/9000/" {print $2}' "$results")
printf 'MTU after the last apply, vif1.0/vnet1: %s; %d s in all\n' \
    "$(awk '$1 == "check" {printf "%s N=%s ", $3, $2}' "$results")" \
    $((EPOCHSECONDS - start))
if grep -qw fail "$results"; then
    echo "bench: a contender failed to run:" >&2
    grep -w fail "$results" >&2
    exit 1
fi
[ -z "$bad" ] || { echo "bench: the MTU did not take at N=$bad" >&2; exit 1; }
