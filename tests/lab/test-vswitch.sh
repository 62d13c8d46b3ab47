#!/bin/bash
# Lab test of the OVSDB adapter (agent/vswitch.c) through its driver
# tests/lab/vswitch-probe, against a real ovsdb-server and ovs-vswitchd in a
# throwaway namespace (tests/lab/lib.sh): reading the inventory, one-shot MTU
# transactions and their waits, the silent failure of an impossible MTU, and
# the failure modes (no socket, a server that does not answer, vswitchd or
# ovsdb-server gone) that must end in a clear error and never hang.
set -u
# tests/run-tests.sh names the binary under test ($JUMBOAGENT); the probe
# sits in the same build directory.
if [ -z "${JUMBOAGENT_BUILD:-}" ] && [ -n "${JUMBOAGENT:-}" ]; then
    JUMBOAGENT_BUILD=$(dirname "$JUMBOAGENT")
fi
. "$(dirname "$0")/lib.sh"

PROBE=$JUMBOAGENT_BUILD/tests/lab/vswitch-probe
if [ ! -x "$PROBE" ]; then
    t_fail "vswitch-probe is built" "$PROBE missing; run make $PROBE"
    exit 1
fi
case $PROBE in /*) ;; *) PROBE=$PWD/$PROBE ;; esac

lab_start

# probe ARGS...: runs the probe; stdout in $OUT, stderr in $ERR, exit status
# in $RC, wall time in ms in $MS.
probe() {
    local t0 t1 errf
    errf=$LAB_DIR/probe.err
    t0=${EPOCHREALTIME/./}
    OUT=$("$PROBE" "$@" 2>"$errf")
    RC=$?
    t1=${EPOCHREALTIME/./}
    MS=$(((t1 - t0) / 1000))
    ERR=$(cat "$errf")
}

# t_match DESC PATTERN TEXT: ok if TEXT contains the fixed string PATTERN.
t_match() {
    if [[ $3 == *"$2"* ]]; then
        t_ok "$1"
    else
        t_fail "$1" "no '$2' in: $3"
    fi
}

# Interface.mtu of $1 as ovs-vsctl sees it, and the kernel MTU in the lab.
vsctl_mtu() { lab_vsctl get interface "$1" mtu; }
kernel_mtu() {
    lab_ns ip -o link show "$1" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}

# wait_vsctl_mtu IFACE MTU: waits up to 5 s for Interface.mtu to be MTU.
wait_vsctl_mtu() {
    local i
    for i in $(seq 1 50); do
        [ "$(vsctl_mtu "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

lab_ovs_bridge br0
lab_pif br0 p1
lab_bond br0 bond0 m1 m2
lab_tap_vif br0 vif1.0 xs-vif-uuid=6c2c1a5e-1111-2222-3333-444455556666
# ovs-vswitchd writes Interface.mtu shortly after the ports are added.
for ifc in br0 p1 m1 m2 vif1.0; do
    wait_vsctl_mtu "$ifc" 1500 || t_diag "Interface.mtu of $ifc not 1500 yet"
done

# --- open and read -----------------------------------------------------
probe "$LAB_DB" open
t_is "0" "$RC" "open $LAB_DB${ERR:+ ($ERR)}"

probe "$LAB_DB" read
t_is "0" "$RC" "read${ERR:+ ($ERR)}"
probe_ifaces=$(awk '$1 == "iface" {
        mtu = $6; sub(/^mtu=/, "", mtu)
        req = $7; sub(/^mtu_request=/, "", req)
        if (mtu == "[]") mtu = ""; if (req == "[]") req = ""
        print $4 "," mtu "," req }' <<<"$OUT" | sort)
vsctl_ifaces=$(lab_vsctl --format=csv --data=bare --no-headings \
               --columns=name,mtu,mtu_request list interface | sort)
t_is "$vsctl_ifaces" "$probe_ifaces" \
    "read: interfaces, mtu and mtu_request match ovs-vsctl list interface"
t_is "bridge br0 datapath_type=netdev external_ids=[]" \
    "$(grep '^bridge ' <<<"$OUT")" "read: bridge line"
t_is "$(printf 'bond0\nbr0\np1\nvif1.0')" \
    "$(awk '$1 == "port" {print $3}' <<<"$OUT")" "read: ports sorted by name"
t_is "m1 m2" "$(awk '$1 == "iface" && $3 == "bond0" {print $4}' <<<"$OUT" |
                paste -sd ' ')" \
    "read: bond members under the bond port, sorted"
t_match "read: bond_mode" "port br0 bond0 bond_mode=active-backup" "$OUT"
t_match "read: internal port type" "iface br0 br0 br0 type=internal" "$OUT"
t_match "read: VIF external_ids" \
    "external_ids=xs-vif-uuid=6c2c1a5e-1111-2222-3333-444455556666" \
    "$(grep '^iface br0 vif1.0 vif1.0 ' <<<"$OUT")"
t_match "read: ovs_version and cfg" "ovs version=" "$(head -1 <<<"$OUT")"

# --- set 9000 on a PIF, the bond members and the internal port ----------
probe --wait-mtu "$LAB_DB" set p1=9000 m1=9000 m2=9000 br0=9000
t_is "0 changed" "$RC $OUT" "set 9000 on p1, m1, m2, br0${ERR:+ ($ERR)}"
for ifc in p1 m1 m2 br0; do
    t_is "9000" "$(vsctl_mtu "$ifc")" "after set: Interface.mtu of $ifc"
    t_is "9000" "$(kernel_mtu "$ifc")" "after set: kernel MTU of $ifc"
    t_is "9000" "$(lab_vsctl get interface "$ifc" mtu_request)" \
        "after set: mtu_request of $ifc"
done
t_is "1500" "$(kernel_mtu vif1.0)" "after set: vif1.0 untouched"

probe "$LAB_DB" set p1=9000 m1=9000 m2=9000 br0=9000
t_is "0 unchanged" "$RC $OUT" "the same set again commits nothing"

# --- clear ------------------------------------------------------------
probe "$LAB_DB" set m2=clear
t_is "0 changed" "$RC $OUT" "clear mtu_request of m2${ERR:+ ($ERR)}"
t_is "[]" "$(lab_vsctl get interface m2 mtu_request)" \
    "after clear: mtu_request of m2 is empty"
probe "$LAB_DB" read
t_match "after clear: read shows no mtu_request" \
    "iface br0 bond0 m2 type=[] mtu=9000 mtu_request=[]" "$OUT"
probe "$LAB_DB" set m2=clear
t_is "0 unchanged" "$RC $OUT" "clearing again commits nothing"

# --- an MTU above the device maximum fails silently -------------------
probe "$LAB_DB" set p1=70000
t_is "0 changed" "$RC $OUT" "set 70000 on veth p1: the commit succeeds"
probe "$LAB_DB" read
t_match "read shows the silent failure: mtu stays 9000, mtu_request 70000" \
    "iface br0 p1 p1 type=[] mtu=9000 mtu_request=70000" "$OUT"
t_is "9000" "$(kernel_mtu p1)" "kernel MTU of p1 stays 9000"
probe --wait-mtu --timeout 1000 "$LAB_DB" set p1=70000
t_is "1" "$RC" "--wait-mtu on 70000 fails"
t_match "--wait-mtu names the interface and the MTU seen" \
    "OVS interface 'p1' reports MTU 9000, not 70000" "$ERR"
probe --wait-mtu "$LAB_DB" set p1=1500
t_is "0 changed" "$RC $OUT" "set p1 back to 1500${ERR:+ ($ERR)}"
t_is "1500" "$(kernel_mtu p1)" "kernel MTU of p1 back to 1500"

# --- bad input --------------------------------------------------------
probe "$LAB_DB" set p1=9000 eth9=9000
t_is "1" "$RC" "unknown interface fails"
t_match "unknown interface: message names it" \
    "OVS interface 'eth9' not found" "$ERR"
t_is "1500" "$(lab_vsctl get interface p1 mtu_request)" \
    "unknown interface: nothing of the transaction was committed"
probe "$LAB_DB" set p1=0
t_is "1" "$RC" "MTU 0 is refused before any transaction"
probe foo:/x open
t_is "1" "$RC" "malformed remote fails"
want="malformed OVSDB remote 'foo:/x'; use unix:/path/to/db.sock"
want+=" or tcp:IP:PORT"
t_match "malformed remote: message" "$want" "$ERR"
probe ssl:127.0.0.1:6640 open
t_is "1" "$RC" "an ssl: remote fails"
t_match "ssl: remote: says why" \
    "jumboagent does not speak SSL to OVSDB" "$ERR"
t_match "ssl: remote: says what to use instead" \
    "run it on the host with a unix: remote" "$ERR"

# --- remotes that are not there or do not answer ----------------------
probe --timeout 10000 "unix:$LAB_DIR/nosuch.sock" open
t_is "1" "$RC" "missing socket fails"
if [ "$MS" -lt 2000 ]; then
    t_ok "missing socket fails fast (${MS} ms)"
else
    t_fail "missing socket fails fast" "took ${MS} ms"
fi
want="cannot connect to OVSDB at 'unix:$LAB_DIR/nosuch.sock': No such file"
want+=" or directory; is ovsdb-server running? start it (systemctl start"
want+=" openvswitch-switch) or pass --db REMOTE"
t_match "missing socket: message" "$want" "$ERR"

# The same database over TCP inside the namespace.
ovs-appctl -t "$LAB_DIR/ovsdb-server.ctl" ovsdb-server/add-remote \
    ptcp:16640:127.0.0.1
OUT=$(lab_ns "$PROBE" tcp:127.0.0.1:16640 read 2>&1)
t_match "read over tcp:127.0.0.1:16640" \
    "iface br0 p1 p1 type=[] mtu=1500" "$OUT"

# A TCP server that accepts and never answers: -ETIMEDOUT after --timeout.
# Not through lab_ns: a backgrounded function would be a subshell, and $!
# would not be the server's pid (ip netns exec execs python3 in place).
ip netns exec "$LAB_NS" python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 16641))
s.listen(8)
sys.stdout.close()
time.sleep(30)' &
mute_pid=$!
listening() { lab_ns ss -Hltn 'sport = :16641' | grep -q .; }
lab_poll 10 listening || t_diag "the silent server is not listening on 16641 yet"
t0=${EPOCHREALTIME/./}
ERR=$(lab_ns "$PROBE" --timeout 700 tcp:127.0.0.1:16641 open 2>&1)
RC=$?
MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
t_is "1" "$RC" "silent tcp server: open fails"
if [ "$MS" -ge 650 ] && [ "$MS" -lt 3000 ]; then
    t_ok "silent tcp server: fails after the timeout (${MS} ms)"
else
    t_fail "silent tcp server: fails after the timeout" "took ${MS} ms"
fi
t_match "silent tcp server: message" \
    "did not send the database within 700 ms" "$ERR"
kill "$mute_pid" 2>/dev/null
wait "$mute_pid" 2>/dev/null

# --- ovs-vswitchd gone: the wait for cur_cfg times out ----------------
lab_stop_vswitchd
probe --timeout 2000 "$LAB_DB" set p1=9000
t_is "1" "$RC" "vswitchd stopped: set fails"
t_match "vswitchd stopped: timeout message" \
    "ovs-vswitchd did not apply the change within 2000 ms" "$ERR"
t_match "vswitchd stopped: message asks about vswitchd" \
    "is ovs-vswitchd running?" "$ERR"
if [ "$MS" -ge 1900 ] && [ "$MS" -lt 5000 ]; then
    t_ok "vswitchd stopped: gave up after about 2 s (${MS} ms)"
else
    t_fail "vswitchd stopped: gave up after about 2 s" "took ${MS} ms"
fi

# --- ovsdb-server killed in the middle of a wait ----------------------
errf=$LAB_DIR/killed.err
"$PROBE" --timeout 20000 "$LAB_DB" set p1=1400 >/dev/null 2>"$errf" &
probe_pid=$!
# Once OVSDB holds the probe's transaction, the probe is waiting for
# vswitchd (which is stopped): its commit reply is on its socket before the
# connection's end.
committed_1400() { [ "$(lab_vsctl get interface p1 mtu_request)" = 1400 ]; }
lab_poll 10 committed_1400 || t_diag "the probe's transaction is not committed yet"
t0=${EPOCHREALTIME/./}
kill -KILL "$(cat "$LAB_DIR/ovsdb-server.pid")"
wait "$probe_pid"
RC=$?
MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
t_is "1" "$RC" "ovsdb-server killed mid-wait: set fails"
t_match "ovsdb-server killed mid-wait: message" \
    "lost the connection to OVSDB at '$LAB_DB' while waiting for" \
    "$(cat "$errf")"
if [ "$MS" -lt 2000 ]; then
    t_ok "ovsdb-server killed mid-wait: fails at once (${MS} ms)"
else
    t_fail "ovsdb-server killed mid-wait: fails at once" "took ${MS} ms"
fi
probe --timeout 2000 "$LAB_DB" open
t_is "1" "$RC" "open after ovsdb-server died fails"
t_match "open after ovsdb-server died: message" \
    "cannot connect to OVSDB at '$LAB_DB'" "$ERR"
