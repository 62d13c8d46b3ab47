#!/bin/bash
# Lab test of the files an attacker can touch (issue 9 section 1): each
# attack is planted, jumboagent apply runs on a lab host, and the test checks
# that the run is refused with exit 1, that the file the attack aimed at is
# untouched (cmp) and that the host did not change (ip, ovs-vsctl).
#
#   the lock path a symlink to a victim file; a lock file others can open;
#   symlinked .write-test and journal.json.tmp (a run replaces them and
#   leaves the victim alone); a state directory of mode 0777 or owned by
#   nobody; planted journals that set lo, or a link outside the policy, to
#   MTU 1280, or bring a down link up, or name "eth4\u0000junk";
#   journal.json -> /dev/zero and journal.json as a FIFO (under timeout:
#   never a hang); a policy and a driver table of mode 0666 or owned by
#   nobody, a policy in a 0777 directory, and --policy as a FIFO.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
lab_ovs_bridge xenbr1
lab_pif xenbr1 eth4
lab_veth xeno2                   # Outside every network of the policy.
lab_veth xeno3
lab_ns ip link set xeno3 down    # A down link outside the policy.

STATE=$LAB_DIR/state
LOCK=$LAB_DIR/run.lock
VICTIM=$LAB_DIR/victim
POLICY=$LAB_DIR/policy.json
DRIVERS=$JUMBOAGENT_SRCDIR/etc/jumboagent/drivers.json
echo "a root-owned file the attacker wants clobbered" >"$VICTIM"
cp "$VICTIM" "$LAB_DIR/victim.orig"
cat >"$POLICY" <<JSON
{"version": 1,
 "networks": [{"name": "storage", "bridge": "xenbr1", "mtu": 9000}]}
JSON
chmod 600 "$POLICY"

# state: the MTUs, up flags and mtu_requests that an attack may change.
state() {
    local i
    for i in lo eth4 xenbr1 xeno2 xeno3; do
        printf '%s %s %s\n' "$i" \
            "$(lab_ns cat /sys/class/net/$i/mtu)" \
            "$(lab_ns cat /sys/class/net/$i/flags)"
    done
    lab_vsctl --columns=name,mtu_request list interface | tr -s ' \n' ' '
}

# refused DESC OUT: the run's status in $rc must be 1, the host unchanged,
# the victim untouched.
refused() {
    t_is 1 "$rc" "$1: exit 1"
    [ "$(state)" = "$before" ] && t_ok "$1: the host is unchanged" \
        || t_fail "$1: the host is unchanged" "$(state)"
    cmp -s "$VICTIM" "$LAB_DIR/victim.orig" \
        && t_ok "$1: the victim file is untouched" \
        || t_fail "$1: the victim file is untouched"
    [ -n "${2:-}" ] && t_diag "$(tail -n 1 "$2")"
}

# run OUT [ARGS...]: an apply run (bounded), status in $rc.
run() {
    local out=$1
    shift
    timeout 30 ip netns exec "$LAB_NS" "$JUMBOAGENT" --db "$LAB_DB" \
        --timeout 10 "$@" >"$out" 2>&1
    rc=$?
}

fresh_state() {
    rm -rf "$STATE"
    mkdir -m 700 "$STATE"
}

before=$(state)

# The lock file.
ln -s "$VICTIM" "$LOCK"
run "$LAB_DIR/lock1.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a symlink at the lock path" "$LAB_DIR/lock1.out"
rm -f "$LOCK"
install -m 644 /dev/null "$LOCK"
run "$LAB_DIR/lock2.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a lock file of mode 0644" "$LAB_DIR/lock2.out"
rm -f "$LOCK"

# The state directory.
fresh_state
chmod 777 "$STATE"
run "$LAB_DIR/state1.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a state directory of mode 0777" "$LAB_DIR/state1.out"
grep -q "nothing was changed" "$LAB_DIR/state1.out" \
    && t_ok "it says nothing was changed" \
    || t_fail "it says nothing was changed" "$(cat "$LAB_DIR/state1.out")"
fresh_state
chown 65534:65534 "$STATE"
run "$LAB_DIR/state2.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a state directory owned by nobody" "$LAB_DIR/state2.out"

# Symlinked .write-test and journal.json.tmp: replaced, never followed.
fresh_state
ln -s "$VICTIM" "$STATE/.write-test"
ln -s "$VICTIM" "$STATE/journal.json.tmp"
run "$LAB_DIR/sym.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
t_is 0 "$rc" "symlinked .write-test and journal.json.tmp: the run applies"
cmp -s "$VICTIM" "$LAB_DIR/victim.orig" \
    && t_ok "symlinked state files: the victim file is untouched" \
    || t_fail "symlinked state files: the victim file is untouched"
t_is 9000 "$(lab_ns cat /sys/class/net/eth4/mtu)" "the run set eth4 to 9000"
sed 's/9000/1500/' "$POLICY" >"$LAB_DIR/p1500.json"
chmod 600 "$LAB_DIR/p1500.json"
run "$LAB_DIR/back.out" --policy "$LAB_DIR/p1500.json" --state-dir "$STATE" \
    --lock-file "$LOCK"
t_is 0 "$rc" "a run of a 1500 policy puts eth4 back"
before=$(state)

# Planted journals.
plant() {   # plant NAME LAYER VALUE: a journal.json with one entry.
    fresh_state
    printf '{"version": 1, "pid": 1, "started": 1, "entries": [{"layer": "%s", "interface": "%s", "had_request": false, "value": %s, "kernel_mtu": 0}]}\n' \
        "$2" "$1" "$3" >"$STATE/journal.json"
    chmod 600 "$STATE/journal.json"
}
lab_ns ip link set xeno2 mtu 1500
before=$(state)
plant lo link-mtu 1280
run "$LAB_DIR/j1.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a planted journal setting lo to 1280" "$LAB_DIR/j1.out"
plant xeno2 link-mtu 1280
run "$LAB_DIR/j2.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a planted journal setting a link outside the policy to 1280" \
    "$LAB_DIR/j2.out"
plant xeno3 link-up 1
run "$LAB_DIR/j3.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a planted journal bringing a down link up" "$LAB_DIR/j3.out"
plant 'eth4\u0000junk' link-mtu 1280
run "$LAB_DIR/j4.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a planted journal naming eth4\\u0000junk" "$LAB_DIR/j4.out"
fresh_state
ln -s /dev/zero "$STATE/journal.json"
run "$LAB_DIR/j5.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "journal.json -> /dev/zero" "$LAB_DIR/j5.out"
fresh_state
mkfifo -m 600 "$STATE/journal.json"
run "$LAB_DIR/j6.out" --policy "$POLICY" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "journal.json as a FIFO (no hang: exit 124 would be the timeout)" \
    "$LAB_DIR/j6.out"
fresh_state

# Inputs with loose modes.
cp "$POLICY" "$LAB_DIR/loose.json"
chmod 666 "$LAB_DIR/loose.json"
run "$LAB_DIR/in1.out" --policy "$LAB_DIR/loose.json" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a policy of mode 0666" "$LAB_DIR/in1.out"
chmod 644 "$LAB_DIR/loose.json"
chown 65534:65534 "$LAB_DIR/loose.json"
run "$LAB_DIR/in2.out" --policy "$LAB_DIR/loose.json" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "a policy owned by nobody" "$LAB_DIR/in2.out"
cp "$DRIVERS" "$LAB_DIR/drivers.json"
chmod 666 "$LAB_DIR/drivers.json"
run "$LAB_DIR/in3.out" --policy "$POLICY" --drivers "$LAB_DIR/drivers.json" \
    --state-dir "$STATE" --lock-file "$LOCK"
refused "a driver table of mode 0666" "$LAB_DIR/in3.out"
chmod 644 "$LAB_DIR/drivers.json"
chown 65534:65534 "$LAB_DIR/drivers.json"
run "$LAB_DIR/in4.out" --policy "$POLICY" --drivers "$LAB_DIR/drivers.json" \
    --state-dir "$STATE" --lock-file "$LOCK"
refused "a driver table owned by nobody" "$LAB_DIR/in4.out"
mkdir -m 777 "$LAB_DIR/open"
chmod 777 "$LAB_DIR/open"
cp "$POLICY" "$LAB_DIR/open/policy.json"
run "$LAB_DIR/in5.out" --policy "$LAB_DIR/open/policy.json" \
    --state-dir "$STATE" --lock-file "$LOCK"
refused "a policy in a directory of mode 0777" "$LAB_DIR/in5.out"
mkfifo -m 600 "$LAB_DIR/policy.fifo"
run "$LAB_DIR/in6.out" --policy "$LAB_DIR/policy.fifo" --state-dir "$STATE" \
    --lock-file "$LOCK"
refused "--policy as a FIFO (no hang)" "$LAB_DIR/in6.out"
