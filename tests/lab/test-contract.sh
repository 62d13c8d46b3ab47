#!/bin/bash
# Lab test of the exit and output contract (README "Exit codes"): an empty
# plan is exit 0; a failure before any change (unusable --state-dir, the
# run lock held, OVSDB not reachable) is exit 1 and says "nothing was
# changed", and the host is unchanged (judged with ip and ovs-vsctl); output
# that cannot be written (a full disk, a closed pipe) is exit 1 with a
# message in every format; the Prometheus metrics pass "promtool check
# metrics" also for a failed run; a link name with control characters and a
# byte that is not UTF-8 is shown escaped, and "show --format json" is valid
# UTF-8 that --host-model reads back exactly; the outcome line of an apply
# reaches syslog.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
lab_ovs_bridge br1
lab_pif br1 eth1
lab_tap_vif br1 vnet0 vm-id=guest-1
lab_ns sysctl -qw net.ipv4.tcp_mtu_probing=1
STATE="$LAB_DIR/state"
LOCK="$LAB_DIR/lock"
P="$LAB_DIR/p.json"
P9000="$LAB_DIR/p9000.json"
cat >"$P" <<'J'
{"version": 1, "networks": [{"name": "storage", "bridge": "br1",
 "mtu": 1500, "vifs": []}]}
J
cat >"$P9000" <<'J'
{"version": 1, "networks": [{"name": "storage", "bridge": "br1",
 "mtu": 9000, "uplinks": ["eth1"], "vifs": ["vnet*"]}]}
J
apply() {
    lab_agent --state-dir "$STATE" --lock-file "$LOCK" --timeout 3 "$@"
}
# The host as ip and ovs-vsctl see it: every MTU and mtu_request.
state() {
    lab_ns ip -o link show | awk '{print $2, $4, $5}'
    lab_vsctl --columns=name,mtu,mtu_request list interface | tr -s ' \n'
}
has() {
    grep -q -- "$2" "$1" && t_ok "$3" || t_fail "$3" "no /$2/ in: $(tail -3 "$1" | tr '\n' '|')"
}

# 1. Empty plans are exit 0.
apply --policy "$P" >/dev/null 2>&1
t_is 0 $? "apply of a policy with \"vifs\": [] (pins the ports): exit 0"
lab_agent --dry-run --policy "$P" >"$LAB_DIR/e1.out" 2>&1
t_is 0 $? "dry run of \"vifs\": [] on a host in sync: exit 0 (empty plan)"
lab_agent --dry-run --no-policy >/dev/null 2>&1
t_is 0 $? "--no-policy on a consistent host: exit 0"
lab_agent show --format json >"$LAB_DIR/h0.json"
lab_agent --dry-run --host-model "$LAB_DIR/h0.json" --policy "$P" >/dev/null 2>&1
t_is 0 $? "--host-model of a host in sync: exit 0"

# 2. Failures before any change: exit 1, "nothing was changed", host
# unchanged.
before=$(state)
: >"$LAB_DIR/not-a-dir"
apply --policy "$P9000" --state-dir "$LAB_DIR/not-a-dir/x" >"$LAB_DIR/f1.out" 2>&1
t_is 1 $? "unusable --state-dir: exit 1"
has "$LAB_DIR/f1.out" "nothing was changed" "unusable --state-dir: says nothing was changed"
t_is "$before" "$(state)" "unusable --state-dir: the host is unchanged"

mkdir -p "$LAB_DIR/ro-state"
unshare -m bash -c "mount --bind '$LAB_DIR/ro-state' '$LAB_DIR/ro-state' &&
    mount -o remount,bind,ro '$LAB_DIR/ro-state' &&
    ip netns exec '$LAB_NS' '$JUMBOAGENT' --db '$LAB_DB' --policy '$P9000' \
        --state-dir '$LAB_DIR/ro-state' --lock-file '$LOCK'" >"$LAB_DIR/f2.out" 2>&1
t_is 1 $? "read-only --state-dir: exit 1, not 5 (nothing had been changed)"
has "$LAB_DIR/f2.out" "nothing was changed" "read-only --state-dir: says nothing was changed"
t_is "$before" "$(state)" "read-only --state-dir: the host is unchanged"

# The run lock is an fcntl (OFD) lock: python3's lockf() conflicts with it,
# as flock(1)'s does not.
python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[1] + ".held", "w").close()
time.sleep(30)' "$LOCK" &
holder=$!
lab_poll 5 test -e "$LOCK.held"
rm -f "$LOCK.held"
apply --policy "$P9000" --timeout 0.5 >"$LAB_DIR/f3.out" 2>&1
t_is 1 $? "run lock held: exit 1"
has "$LAB_DIR/f3.out" "nothing was changed" "run lock held: says nothing was changed"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

apply --policy "$P9000" --db "unix:$LAB_DIR/nothing.sock" >"$LAB_DIR/f4.out" 2>&1
t_is 1 $? "OVSDB not reachable: exit 1"
has "$LAB_DIR/f4.out" "nothing.sock" "OVSDB not reachable: the message names the remote"
has "$LAB_DIR/f4.out" "nothing was changed" "OVSDB not reachable: says nothing was changed"
t_is "$before" "$(state)" "failures before any change: the host is unchanged"

# 3. Output that cannot be written is exit 1 with a message, every format.
check_full() {
    local desc=$1
    shift
    "$@" >/dev/full 2>"$LAB_DIR/full.err"
    t_is 1 $? "$desc >/dev/full: exit 1"
    has "$LAB_DIR/full.err" "cannot write to standard output" "$desc >/dev/full: says so"
}
check_full "show" lab_agent show
check_full "show --format json" lab_agent show --format json
check_full "dry run text" lab_agent --dry-run --policy "$P9000"
check_full "dry run json" lab_agent --dry-run --policy "$P9000" --format json
check_full "dry run prometheus" lab_agent --dry-run --policy "$P9000" --format prometheus
check_full "--version" lab_agent --version
before=$(state)
check_full "apply" apply --policy "$P9000"
t_is "$before" "$(state)" "apply whose plan cannot be written: the host is unchanged"

# A closed pipe: the reader is gone before the output is written.
closed_pipe() {
    local rc
    { sleep 0.5; "$@" 2>"$LAB_DIR/pipe.err"; echo $? >"$LAB_DIR/pipe.rc"; } | true
    rc=$(cat "$LAB_DIR/pipe.rc")
    echo "$rc"
}
t_is 1 "$(closed_pipe lab_agent show --format json)" "show into a closed pipe: exit 1"
has "$LAB_DIR/pipe.err" "cannot write to standard output" "closed pipe: says so"
t_is 1 "$(closed_pipe lab_agent --dry-run --policy "$P9000" --format prometheus)" \
    "prometheus into a closed pipe: exit 1"

# 4. Prometheus: valid exposition text, also when the run fails.
if command -v promtool >/dev/null; then
    lab_agent --dry-run --policy "$P9000" --format prometheus >"$LAB_DIR/m1.prom" 2>/dev/null
    t_is 2 $? "prometheus dry run with a plan: exit 2"
    promtool check metrics <"$LAB_DIR/m1.prom" >"$LAB_DIR/m1.check" 2>&1
    t_is 0 $? "promtool check metrics accepts the metrics of a run"
    has "$LAB_DIR/m1.prom" '^jumboagent_network_target_mtu{network="storage",bridge="br1"} 9000$' \
        "metrics carry the target MTU per network"
    has "$LAB_DIR/m1.prom" '^jumboagent_exit_code 2$' "metrics carry the exit code"
    lab_agent --dry-run --policy "$P9000" --format prometheus \
        --db "unix:$LAB_DIR/nothing.sock" >"$LAB_DIR/m2.prom" 2>/dev/null
    t_is 1 $? "prometheus dry run without OVSDB: exit 1"
    promtool check metrics <"$LAB_DIR/m2.prom" >"$LAB_DIR/m2.check" 2>&1
    t_is 0 $? "promtool check metrics accepts the metrics of a failed run"
    for pat in '^jumboagent_ovs_reachable 0$' '^jumboagent_exit_code 1$' \
               '^jumboagent_last_run_timestamp_seconds [0-9]+$' \
               '^jumboagent_network_target_mtu{network="storage",bridge="br1"} 9000$'; do
        grep -qE "$pat" "$LAB_DIR/m2.prom" && t_ok "failed run's metrics: /$pat/" \
            || t_fail "failed run's metrics: /$pat/" "$(head -c 300 "$LAB_DIR/m2.prom")"
    done
else
    echo "ok - # SKIP promtool is not installed (Debian package prometheus)"
fi

# 5. Names are bytes: a link whose name holds ESC and a byte that is not
# UTF-8 is shown escaped, and the JSON round trip is exact.
odd=$'\x1b[31mx\xff'
if lab_ns ip link add name "$odd" type veth peer name oddpeer 2>/dev/null; then
    lab_agent show >"$LAB_DIR/s.txt" 2>&1
    t_is 0 $? "show with an odd link name: exit 0"
    if grep -q $'\x1b' "$LAB_DIR/s.txt" || grep -qaP '\xff' "$LAB_DIR/s.txt"; then
        t_fail "show text: no raw ESC or 0xff byte reaches the terminal"
    else
        t_ok "show text: no raw ESC or 0xff byte reaches the terminal"
    fi
    has "$LAB_DIR/s.txt" '\\x1b\[31mx\\xff' "show text: the name is shown as \\x1b[31mx\\xff"
    lab_agent show --format json >"$LAB_DIR/s.json"
    /usr/bin/python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' \
        "$LAB_DIR/s.json" 2>/dev/null
    t_is 0 $? "show --format json is valid UTF-8 JSON"
    lab_agent show --host-model "$LAB_DIR/s.json" --format json >"$LAB_DIR/s2.json" 2>&1
    cmp -s "$LAB_DIR/s.json" "$LAB_DIR/s2.json"
    t_is 0 $? "--host-model reads back what show --format json wrote, exactly"
    lab_agent --dry-run --no-policy --format json >"$LAB_DIR/a.json" 2>&1
    /usr/bin/python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' \
        "$LAB_DIR/a.json" 2>/dev/null
    t_is 0 $? "audit JSON with an odd link name is valid UTF-8 JSON"
    lab_ns ip link del oddpeer
else
    echo "ok - # SKIP the kernel refuses a link name with ESC and 0xff"
fi

# 6. The outcome line of an apply reaches syslog: the run gets a private
# /dev/log (a tmpfs over /dev in its own mount namespace) and a listener.
cat >"$LAB_DIR/syslog.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "wb") as out:
    while True:
        out.write(s.recv(4096) + b"\n")
        out.flush()
PY
lab_ns unshare -m bash -c "
    mount --make-rprivate / && mount -t tmpfs tmpfs /dev &&
    mknod -m 666 /dev/null c 1 3 &&
    mknod -m 444 /dev/urandom c 1 9 || exit 99
    /usr/bin/python3 '$LAB_DIR/syslog.py' '$LAB_DIR/syslog.log' & l=\$!
    for _ in \$(seq 50); do [ -e '$LAB_DIR/syslog.log.ready' ] && break; sleep 0.1; done
    '$JUMBOAGENT' --db '$LAB_DB' --policy '$P' --state-dir '$STATE' \
        --lock-file '$LOCK' >/dev/null 2>'$LAB_DIR/syslog-run1.err'
    '$JUMBOAGENT' --db 'unix:$LAB_DIR/nothing.sock' --policy '$P' \
        --state-dir '$STATE' --lock-file '$LOCK' >/dev/null 2>&1
    sleep 0.3; kill \$l" 2>/dev/null
if [ -e "$LAB_DIR/syslog.log.ready" ]; then
    has "$LAB_DIR/syslog.log" "outcome in-sync: in sync" "syslog has the outcome line of an apply in sync"
    has "$LAB_DIR/syslog.log" "outcome failed: failed: nothing was changed" \
        "syslog has the outcome line of a failed apply"
else
    echo "ok - # SKIP no private /dev/log could be set up"
fi
