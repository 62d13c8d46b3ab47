# The daemon rows of bench/bench.sh: sourced inside a size's lab (after
# bench_topology), prints "daemon N TEXT" lines for the table.  They run
# only when this build's --help mentions --daemon.
#
# daemon_rows N: starts "jumboagent --daemon" on the lab with the policy
# of both networks at 9000 (NOTIFY_SOCKET pointed at a listener, to know
# READY), then bench/daemon-latency.py creates 100 taps one by one on the
# OVS bridge and 100 on the Linux bridge and times each from its creation
# to the MTU the kernel shows, reads the daemon's CPU time over 10 s of
# idling and its peak RSS (VmHWM).
daemon_rows() {
    local n=$1 pid
    if ! "$JUMBOAGENT" --help 2>&1 | grep -q -- --daemon; then
        echo "daemon $n daemon rows: skipped, no --daemon in this build"
        return 0
    fi
    NOTIFY_SOCKET=$LAB_DIR/notify.sock ip netns exec "$LAB_NS" \
        "$JUMBOAGENT" --daemon --db "$LAB_DB" --state-dir "$STATE" \
        --lock-file "$LOCK" --policy "$LAB_DIR/all-9000.json" \
        >"$LAB_DIR/daemon.log" 2>&1 &
    pid=$!
    ip netns exec "$LAB_NS" python3 bench/daemon-latency.py \
        --pid "$pid" --notify "$LAB_DIR/notify.sock" --db "$LAB_DB" \
        --taps 100 --n "$n" || {
        echo "daemon $n daemon rows: failed (see the daemon's log below)"
        tail -5 "$LAB_DIR/daemon.log" | sed "s/^/daemon $n   /"
    }
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}
