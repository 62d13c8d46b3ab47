# The daemon rows of bench/bench.sh: sourced inside a size's lab (after
# bench_topology), prints "daemon N TEXT" lines for the table.  They run
# only when this build's --help mentions --daemon.
#
# daemon_rows N: bench/daemon-latency.py starts "jumboagent --daemon" on
# the lab with the policy of both networks at 9000 (NOTIFY_SOCKET pointed
# at its listener, bound first, to know READY), creates 100 taps one by
# one on the OVS bridge and 100 on the last Linux bridge (which has room:
# topo.sh fills them 900 a bridge), times each from its creation
# to the MTU the kernel shows, reads the daemon's CPU time over 10 s of
# idling and its peak RSS (VmHWM).  DAEMON_TAPS (default 100): how many
# new taps of each kind.
daemon_rows() {
    local n=$1
    if ! "$JUMBOAGENT" --help 2>&1 | grep -q -- --daemon; then
        echo "daemon $n daemon rows: skipped, no --daemon in this build"
        return 0
    fi
    ip netns exec "$LAB_NS" python3 bench/daemon-latency.py \
        --notify "$LAB_DIR/notify.sock" --db "$LAB_DB" \
        --taps "${DAEMON_TAPS:-100}" --n "$n" \
        --bridge "${LB_BRIDGES##* }" -- "$JUMBOAGENT" --daemon \
        --db "$LAB_DB" --state-dir "$STATE" \
        --lock-file "$LOCK" --policy "$LAB_DIR/all-9000.json" || {
        echo "daemon $n daemon rows: failed; the daemon's log ends:"
        tail -5 "$LAB_DIR/notify.sock.log" | sed "s/^/daemon $n   /"
    }
}

# Run directly, "bash bench/daemon-rows.sh N [JUMBOAGENT]" measures only
# the daemon rows at size N: its own lab and bench_topology, every link
# first set to 9000 by a one-shot apply (as bench.sh leaves it).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    cd "$(dirname "$0")/.."
    JUMBOAGENT=$(realpath "${2:-build/jumboagent}")
    . tests/lab/lib.sh
    . bench/topo.sh
    lab_start >/dev/null
    bench_topology "${1:-500}" >"$LAB_DIR/topo.log" 2>&1 || {
        tail -5 "$LAB_DIR/topo.log" >&2
        exit 1
    }
    STATE=$LAB_DIR/state LOCK=$LAB_DIR/lock
    lab_agent --state-dir "$STATE" --lock-file "$LOCK" --timeout 60 \
        --policy "$LAB_DIR/all-9000.json" >/dev/null 2>&1
    daemon_rows "${1:-500}"
    cp "$LAB_DIR/notify.sock.log" /tmp/daemon-rows.log 2>/dev/null
fi
