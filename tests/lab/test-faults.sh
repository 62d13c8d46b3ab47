#!/bin/bash
# Lab test of issue 9's fault matrix (docs/faults.md): the faults that
# tests/lab/test-apply.sh does not already strike, each ending with the host
# in the state from before the run or in the complete state after it, never
# between, with the exit code and the log saying which; and the
# capabilities a running apply and a running audit hold (agent/privilege.c).
#
#   ovsdb-server down at start        exit 1, nothing changed, no journal
#   ovs-vswitchd absent               exit 5, as before; the next run clears
#                                     what the rollback had to leave set
#   ovsdb-server killed mid-run, not  exit 1, "between states" naming the
#   restarted                         OVS interfaces and the links put back,
#                                     "run jumboagent again once
#                                     ovsdb-server is back"; the next run
#                                     finishes: the complete after-state
#   SIGTERM mid-replug                exit 5, as before, every link up
#   journal dir full (tmpfs, private  exit 1 before any change; filling up
#   mount namespace)                  mid-apply: exit 5, as before
#   CapEff of a running apply         CAP_NET_ADMIN and CAP_NET_RAW only
#   CapEff of a running dry run       none
#   SIGTERM while waiting for the     exit 1 at once, nothing changed, the
#   lock                              holder's pid named
#
# The host is judged with ovs-vsctl and sysfs, never with the agent's own
# output.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
STATE=$LAB_DIR/state
LOCK=$LAB_DIR/run.lock
lab_ovs_bridge xenbr1
lab_pif xenbr1 eth2
lab_tap_vif xenbr1 vif1.0 xs-vif-uuid=6f1c0f37-4b55-4c43-9a4c-8a8e5f5d2c09
lab_linux_bridge br0
lab_linux_port br0 eno2 veth
lab_linux_port br0 vnet1 tap

OVS_IFACES="eth2 xenbr1 vif1.0"
LINUX_LINKS="eno2 br0 vnet1"

policy() {   # policy FILE MTU
    cat >"$1" <<JSON
{"version": 1,
 "networks": [
   {"name": "storage", "bridge": "xenbr1", "mtu": $2},
   {"name": "guests", "bridge": "br0", "mtu": $2}]}
JSON
}
policy "$LAB_DIR/p9000.json" 9000
policy "$LAB_DIR/p1500.json" 1500

# The host: kernel MTU of every link; Interface.mtu and mtu_request of the
# OVS ones.
kernel_state() {
    local i
    for i in $OVS_IFACES $LINUX_LINKS; do
        echo "$i $(lab_ns cat /sys/class/net/$i/mtu)"
    done
}
state() {
    local i
    kernel_state
    for i in $OVS_IFACES; do
        echo "$i ovs $(lab_vsctl get interface $i mtu) $(lab_vsctl get interface $i mtu_request)"
    done
}
# expect_state MTU REQUEST DESC: every link at MTU, every OVS request at
# REQUEST ("[]": unset).
expect_state() {
    local want="" i
    for i in $OVS_IFACES $LINUX_LINKS; do want+="$i $1"$'\n'; done
    for i in $OVS_IFACES; do want+="$i ovs $1 $2"$'\n'; done
    for _ in $(seq 1 50); do
        [ "$(state)"$'\n' = "$want" ] && break
        sleep 0.1
    done
    t_is "$want" "$(state)"$'\n' "$3"
}
no_journal() { t_is "" "$(ls -A "$STATE" 2>/dev/null)" "$1"; }
committed() { [ "$(lab_vsctl get interface eth2 mtu_request 2>/dev/null)" = 9000 ]; }

expect_state 1500 "[]" "the lab starts at 1500 with no mtu_request"

# F1. ovsdb-server down at start: nothing is changed, exit 1.
f1() {
    local kb
    kb=$(kernel_state)
    lab_stop_ovsdb
    lab_apply "$LAB_DIR/p9000.json" --timeout 2 >"$LAB_DIR/f1.out" 2>&1
    t_is 1 $? "ovsdb-server down at start: exit 1"
    t_has_line "$LAB_DIR/f1.out" "failed: nothing was changed" \
        "ovsdb-server down at start: the log says nothing was changed"
    t_has_line "$LAB_DIR/f1.out" "OVSDB" "ovsdb-server down at start: the message names OVSDB"
    t_is "$kb" "$(kernel_state)" "ovsdb-server down at start: every kernel MTU as before"
    no_journal "ovsdb-server down at start: no journal"
    lab_start_ovsdb
    expect_state 1500 "[]" "ovsdb-server down at start: OVSDB as before once it is back"
}

# F2. ovs-vswitchd absent: the requests are committed but nothing applies
# them; the run rolls back (exit 5) to the state before.  The requests were
# unset, so the rollback leaves them at the old MTU until a vswitchd
# confirms it, and the journal keeps them: the next run (vswitchd back)
# clears them (before it plans: its own policy at 1500 then pins them).
f2() {
    local kb rc
    kb=$(kernel_state)
    lab_stop_vswitchd
    lab_apply "$LAB_DIR/p9000.json" --timeout 2 >"$LAB_DIR/f2.out" 2>&1
    rc=$?
    t_is 5 $rc "ovs-vswitchd absent: exit 5 (rolled back)"
    [ $rc = 5 ] || sed 's/^/#   /' "$LAB_DIR/f2.out"
    t_has_line "$LAB_DIR/f2.out" "ovs-vswitchd" "ovs-vswitchd absent: the message names ovs-vswitchd"
    t_has_line "$LAB_DIR/f2.out" "rolled back" "ovs-vswitchd absent: the log says it rolled back"
    t_is "$kb" "$(kernel_state)" "ovs-vswitchd absent: every kernel MTU as before"
    [ -f "$STATE/journal.json" ] && t_ok "ovs-vswitchd absent: the journal keeps the requests left set" \
        || t_fail "ovs-vswitchd absent: the journal keeps the requests left set"
    lab_start_vswitchd
    lab_apply "$LAB_DIR/p1500.json" >"$LAB_DIR/f2b.out" 2>&1
    t_is 0 $? "ovs-vswitchd back: the next run exits 0"
    t_has_line "$LAB_DIR/f2b.out" "interrupted run" "ovs-vswitchd back: the next run restores the journal first"
    t_has_line "$LAB_DIR/f2b.out" "restored eth2: MTU 1500, mtu_request unset" \
        "ovs-vswitchd back: the recovery clears the requests it had left set"
    # ...and then this policy at 1500 pins the requests at 1500.
    expect_state 1500 1500 "ovs-vswitchd back: every layer at 1500"
    no_journal "ovs-vswitchd back: no journal is left"
}

# F3. ovsdb-server killed mid-run and not restarted: the OVS requests cannot
# be put back while the kernel links can; the run says loudly that the host
# is between states, names both sides and what to do, and keeps the
# journal.  Once ovsdb-server is back, the next run finishes: the complete
# state after.
f3() {
    local kb
    kb=$(kernel_state)
    lab_pause_vswitchd
    lab_apply_bg "$LAB_DIR/f3.out" "$LAB_DIR/p9000.json" --timeout 3
    lab_poll 10 committed && t_ok "ovsdb-server killed mid-run: the run's transaction is committed" \
        || t_fail "ovsdb-server killed mid-run: the run's transaction is committed"
    kill -KILL "$(cat "$LAB_DIR/ovsdb-server.pid")"
    wait $AGENT_PID
    t_is 1 $? "ovsdb-server killed, not restarted: exit 1 (rollback incomplete)"
    t_has_line "$LAB_DIR/f3.out" "the host is between states" \
        "ovsdb-server killed, not restarted: the log says the host is between states"
    t_has_line "$LAB_DIR/f3.out" "OVS eth2 mtu_request 9000.* left at the new MTU" \
        "ovsdb-server killed, not restarted: it names the OVS interfaces left at the new MTU"
    t_has_line "$LAB_DIR/f3.out" "run jumboagent again once ovsdb-server is back" \
        "ovsdb-server killed, not restarted: it says to run again once ovsdb-server is back"
    t_is "$kb" "$(kernel_state)" \
        "ovsdb-server killed, not restarted: every kernel MTU still 1500 (vswitchd frozen)"
    [ -f "$STATE/journal.json" ] && t_ok "ovsdb-server killed, not restarted: the journal is kept" \
        || t_fail "ovsdb-server killed, not restarted: the journal is kept"
    lab_start_ovsdb
    lab_resume_vswitchd
    lab_apply "$LAB_DIR/p9000.json" >"$LAB_DIR/f3b.out" 2>&1
    t_is 0 $? "ovsdb-server back: the next run exits 0"
    t_has_line "$LAB_DIR/f3b.out" "interrupted run" "ovsdb-server back: the next run restores the journal first"
    expect_state 9000 9000 "ovsdb-server back: the next run finishes: the complete state after"
    no_journal "ovsdb-server back: no journal is left"
    lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
    expect_state 1500 1500 "back to 1500"
}

# F4. SIGTERM mid-replug: once the run's OVS transaction is committed, the
# peers of the links to replug go down, so that the run, having made every
# MTU change, waits for a carrier in its first replug step; a stop request
# then rolls it back: exit 5, the state before, every link up again.
f4() {
    local before rc
    before=$(state)
    lab_pause_vswitchd
    lab_apply_bg "$LAB_DIR/f4.out" "$LAB_DIR/p9000.json" --replug --timeout 8
    lab_poll 10 committed
    lab_ns ip link set eth2-p down
    lab_ns ip link set eno2-p down
    lab_resume_vswitchd
    if lab_poll 15 grep -q "vnet1: MTU 1500 -> 9000" "$LAB_DIR/f4.out"; then
        sleep 1     # the first replug: down, up, waiting for the carrier
        t_ok "SIGTERM mid-replug: the run made its MTU changes and is replugging"
    else
        t_fail "SIGTERM mid-replug: the run made its MTU changes and is replugging" \
               "$(tail -3 "$LAB_DIR/f4.out")"
    fi
    kill -TERM $AGENT_PID
    wait $AGENT_PID
    rc=$?
    t_is 5 $rc "SIGTERM mid-replug: exit 5 (rolled back), not 143"
    [ $rc = 5 ] || sed 's/^/#   /' "$LAB_DIR/f4.out"
    lab_ns ip link set eth2-p up
    lab_ns ip link set eno2-p up
    t_has_line "$LAB_DIR/f4.out" "rolled back" "SIGTERM mid-replug: the log says it rolled back"
    t_is "$before" "$(state)" "SIGTERM mid-replug: the state before (ovs-vsctl, sysfs)"
    [ "$before" = "$(state)" ] || sed 's/^/#   /' "$LAB_DIR/f4.out"
    t_is "UP UP" "$(for i in eth2 eno2; do lab_ns ip link show $i | grep -o '[<,]UP[,>]' | tr -d '<>,'; done | tr '\n' ' ' | sed 's/ $//')" \
         "SIGTERM mid-replug: the replugged links are administratively up again"
    no_journal "SIGTERM mid-replug: no journal is left"
}

# F5. The journal directory is full: a tiny tmpfs on the state directory
# in a private mount namespace (unshare -m), so that nothing outside the
# run sees it; the test reaches it through /proc/PID/root.
# full_run_bg SIZE FILL OUT POLICY [ARGS...]: mounts a SIZE tmpfs on
# $STATE, fills FILL bytes of it, and starts an apply there in the
# background (AGENT_PID: unshare, bash and "ip netns exec" each exec the
# next, so it is jumboagent itself).
full_run_bg() {
    local size=$1 fill=$2 out=$3 p=$4
    shift 4
    mkdir -p "$STATE"
    unshare -m --propagation private bash -c '
        mount -t tmpfs -o size=$1,mode=0700 jumboagent-full "$2" || exit 99
        if [ "$3" -gt 0 ]; then head -c "$3" /dev/zero >"$2/filler"; fi
        shift 3
        exec ip netns exec "$@"' _ "$size" "$STATE" "$fill" \
        "$LAB_NS" "$JUMBOAGENT" --db "$LAB_DB" --policy "$p" \
        --state-dir "$STATE" --lock-file "$LOCK" --timeout 10 "$@" \
        >"$out" 2>&1 &
    AGENT_PID=$!
}
f5() {
    local before rc
    before=$(state)
    full_run_bg 4k 4096 "$LAB_DIR/f5.out" "$LAB_DIR/p9000.json"
    wait $AGENT_PID
    t_is 1 $? "journal dir full at start: exit 1"
    t_has_line "$LAB_DIR/f5.out" "No space left on device; nothing was changed" \
        "journal dir full at start: the message says the disk is full and nothing was changed"
    t_has_line "$LAB_DIR/f5.out" "$STATE" "journal dir full at start: the message names the directory"
    t_is "$before" "$(state)" "journal dir full at start: the state before"

    # Full mid-apply: the journal is written before the first change and
    # again before each replug (the links it takes down); the disk fills up
    # in between, while the run waits for a frozen vswitchd.
    lab_pause_vswitchd
    full_run_bg 64k 0 "$LAB_DIR/f5b.out" "$LAB_DIR/p9000.json" --replug
    lab_poll 10 committed
    head -c 65536 /dev/zero >"/proc/$AGENT_PID/root$STATE/filler" 2>/dev/null
    lab_resume_vswitchd
    wait $AGENT_PID
    rc=$?
    t_is 5 "$rc" "journal dir filling up mid-apply: exit 5 (rolled back)"
    [ "$rc" = 5 ] || sed 's/^/#   /' "$LAB_DIR/f5b.out"
    t_has_line "$LAB_DIR/f5b.out" "No space left on device" \
        "journal dir filling up mid-apply: the message says the disk is full"
    t_has_line "$LAB_DIR/f5b.out" "rolled back" "journal dir filling up mid-apply: the log says it rolled back"
    t_is "$before" "$(state)" "journal dir filling up mid-apply: the state before"
    no_journal "journal dir full: nothing is left in the real state directory"
    lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
}

# F6. Least privilege: a running apply holds CAP_NET_ADMIN and CAP_NET_RAW
# only (bits 12 and 13), in every set, with no_new_privs; a running dry run
# holds none.  Each is caught while it waits: the apply for a frozen
# vswitchd, the dry run for a frozen ovsdb-server.
f6() {
    caps() { awk '/^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):/ {printf "%s %s ", $1, $2}' "/proc/$1/status" 2>/dev/null | sed 's/ $//'; }
    lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
    lab_pause_vswitchd
    lab_apply_bg "$LAB_DIR/f6.out" "$LAB_DIR/p9000.json" --timeout 20
    lab_poll 10 committed
    t_is "CapInh: 0000000000000000 CapPrm: 0000000000003000 CapEff: 0000000000003000 CapBnd: 0000000000003000 CapAmb: 0000000000000000 NoNewPrivs: 1" \
         "$(caps $AGENT_PID)" "a running apply holds CAP_NET_ADMIN and CAP_NET_RAW only (/proc/PID/status)"
    lab_resume_vswitchd
    wait $AGENT_PID
    t_is 0 $? "that apply, without the other capabilities, exits 0"
    expect_state 9000 9000 "that apply changed every layer"
    lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
    kill -STOP "$(cat "$LAB_DIR/ovsdb-server.pid")"
    ip netns exec "$LAB_NS" "$JUMBOAGENT" --db "$LAB_DB" --policy "$LAB_DIR/p1500.json" \
        --state-dir "$STATE" --lock-file "$LOCK" --timeout 5 --dry-run >"$LAB_DIR/f6b.out" 2>&1 &
    dry=$!
    dropped() { grep -q "CapEff:.*0000000000000000" "/proc/$dry/status"; }
    lab_poll 4 dropped
    t_is "CapInh: 0000000000000000 CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000 CapAmb: 0000000000000000 NoNewPrivs: 1" \
         "$(caps $dry)" "a running dry run holds no capability"
    kill -CONT "$(cat "$LAB_DIR/ovsdb-server.pid")"
    wait $dry
    t_is 0 $? "that dry run, without capabilities, exits 0 (in sync)"
}

# F7. A stop request while a run waits for the lock (another run holds it,
# waiting for a frozen vswitchd) ends the wait at once: exit 1, nothing
# changed by it, the message names the signal and the holder's pid.  The
# waiter applies the 1500 policy: had it changed anything after the holder,
# the host would end at 1500, not at the holder's 9000.
f7() {
    local holder waiter frozen t0 t1 rc
    lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
    lab_pause_vswitchd
    lab_apply_bg "$LAB_DIR/f7a.out" "$LAB_DIR/p9000.json" --timeout 20
    holder=$AGENT_PID
    lab_poll 10 committed
    frozen=$(state)
    lab_apply_bg "$LAB_DIR/f7b.out" "$LAB_DIR/p1500.json" --timeout 30
    waiter=$AGENT_PID
    lab_poll 10 grep -q "waiting up to" "$LAB_DIR/f7b.out" ||
        t_diag "the second run did not wait for the lock: $(cat "$LAB_DIR/f7b.out")"
    t0=$(date +%s%N)
    kill -TERM "$waiter"
    wait "$waiter"
    rc=$?
    t1=$(date +%s%N)
    t_is 1 "$rc" "SIGTERM while waiting for the lock: exit 1"
    t_is yes "$([ $(( (t1 - t0) / 1000000 )) -lt 2000 ] && echo yes || echo "no: $(( (t1 - t0) / 1000000 )) ms")" \
        "SIGTERM while waiting for the lock: the wait ends at once, not after --timeout 30"
    t_has_line "$LAB_DIR/f7b.out" "stopped by SIGTERM while waiting for the lock $LOCK held by another jumboagent run \(pid $holder\); nothing was changed" \
        "SIGTERM while waiting for the lock: the message names the signal, the lock and the holder's pid"
    t_has_line "$LAB_DIR/f7b.out" "failed: nothing was changed" \
        "SIGTERM while waiting for the lock: the outcome says nothing was changed"
    t_is "$frozen" "$(state)" "SIGTERM while waiting for the lock: the stopped run changed nothing (ovs-vsctl, sysfs)"
    lab_resume_vswitchd
    wait "$holder"
    t_is 0 $? "the run that held the lock exits 0"
    expect_state 9000 9000 "the host is at the holder's 9000, not the stopped run's 1500"
    no_journal "SIGTERM while waiting for the lock: no journal is left"
    lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
}

# FAULTS="f3 f4" runs only those cases (each starts from the state at 1500
# with the requests as the one before left them).
for f in ${FAULTS:-f1 f2 f3 f4 f5 f6 f7}; do
    $f
done

t_is "" "$(for p in $(ip netns pids "$LAB_NS"); do ps -o comm= -p "$p"; done | grep jumboagent)" \
     "no jumboagent process is left running in the lab"
