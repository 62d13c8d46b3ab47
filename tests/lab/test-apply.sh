#!/bin/bash
# Lab test of apply (jumboagent without --dry-run) against real ovsdb-server,
# ovs-vswitchd and kernel links: 1500 -> 9000 and back on an OVS bridge with
# a bond, an internal port and tap VIFs and on a Linux bridge with a veth and
# taps, checked with ovs-vsctl and ip; a second run changes nothing and
# commits no OVSDB transaction; by default nothing is bounced, --replug
# bounces the changed uplinks and bond members as planned replug steps that
# --dry-run lists, --no-replug bounces nothing; the faults of
# issue 4 each end in the state from before the run with exit 5 (or, where
# the rollback cannot finish, exit 1 with the journal kept), and the
# rollback puts back and reports only what the run changed; replug never
# touches the management path (also through a XenServer VLAN fake bridge);
# runs are serialized by the lock; a run killed mid-apply is restored by the
# next one, and a run killed after its last change is finished by the next
# one without an MTU flip (ip monitor).
#
# Every background jumboagent is started with "ip netns exec" directly
# (agent_bg), so that $! is jumboagent itself and the lab's teardown kills
# it if the test is interrupted.  A mid-apply fault waits for the run's
# OVSDB transaction to be committed (wait_committed) before it strikes.
#
# This kernel has no bond or vlan link type: the bond here is an OVS bond;
# kernel bonds and VLANs are covered by the planner's golden cases.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
STATE=$LAB_DIR/state
LOCK=$LAB_DIR/run.lock
lab_ovs_bridge xenbr1
lab_bond xenbr1 bond0 eth2 eth3
lab_pif xenbr1 eth4
lab_tap_vif xenbr1 vif3.0 xs-vif-uuid=6f1c0f37-4b55-4c43-9a4c-8a8e5f5d2c01 \
    attached-mac=00:16:3e:12:34:56
lab_tap_vif xenbr1 vnet0 iface-id=port-0042 vm-id=guest-42
lab_linux_bridge br0
lab_linux_port br0 eno2 veth
lab_linux_port br0 vnet1 tap
lab_linux_port br0 vnet2 tap

OVS_IFACES="eth2 eth3 eth4 xenbr1 vif3.0 vnet0"
LINUX_LINKS="eno2 br0 vnet1 vnet2"

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

# expect_recovery OUT IFACE WHAT CAUSE: the run whose output is OUT found
# the journal of the WHAT ("interrupted", "killed") run first and said so;
# IFACE, whose change that run had made and vswitchd had applied, was kept
# at its target (not put back to 1500 and raised again: each flip can reset
# a link), and no Linux link was restored (the CAUSE "crashed"/"killed" run
# changed none).
expect_recovery() {
    local out=$1 iface=$2 what=$3
    grep -q "interrupted run" "$out" \
        && grep -qE "keeping the [0-9]+ change\(s\) that hold \(.*$iface ovs-mtu-request 9000" "$out" \
        && t_ok "the next run finds the $what run's journal first and keeps $iface, which holds at its target" \
        || t_fail "the next run finds the $what run's journal first and keeps $iface, which holds at its target" "$(head -5 "$out")"
    t_no_line "$out" "restored $iface: mtu_request" \
        "the recovery does not flip $iface back to 1500"
    t_no_line "$out" "restored (eno2|br0|vnet1|vnet2)[: ]" \
        "the recovery reports no Linux link restored (the $4 run changed none)"
}

# expect_full_recovery OUT IFACE: the run whose output is OUT found the
# journal of a run whose rollback could not finish and put all of it back
# first (that change failed: nothing of it is kept), IFACE's mtu_request
# included, and reported no Linux link restored.
expect_full_recovery() {
    local out=$1 iface=$2
    grep -q "interrupted run" "$out" \
        && grep -qE "restored $iface: mtu_request (9000 -> )?1500" "$out" \
        && t_ok "the next run puts back the failed run's journal first, $iface included, and says what" \
        || t_fail "the next run puts back the failed run's journal first, $iface included, and says what" "$(head -5 "$out")"
    t_no_line "$out" "keeping the [0-9]+ change" \
        "a failed run's change is not kept, even under the same policy"
    t_no_line "$out" "restored (eno2|br0|vnet1|vnet2)[: ]" \
        "the recovery reports no Linux link restored (the crashed run changed none)"
}

# eth2_applied: vswitchd has applied the killed run's first transaction.
eth2_applied() { [ "$(lab_vsctl get interface eth2 mtu 2>/dev/null)" = 9000 ]; }

# wait_committed DESC: waits until OVSDB holds the running apply's first
# transaction (apply commits one per tier, uplinks and bond members first:
# mtu_request of eth2 reads 9000; every fault below starts from 1500), so
# that what follows hits the run mid-apply, while it waits for
# ovs-vswitchd.
committed() { [ "$(lab_vsctl get interface eth2 mtu_request 2>/dev/null)" = 9000 ]; }
wait_committed() {
    if lab_poll 10 committed; then
        t_ok "$1: the run's OVSDB transaction is committed"
    else
        t_fail "$1: the run's OVSDB transaction is committed" \
               "mtu_request of eth2 is $(lab_vsctl get interface eth2 mtu_request)"
    fi
}

# state: one line per interface, "name kernel-mtu [ovs-mtu mtu_request]",
# read with the standard tools.
state() {
    local i
    for i in $OVS_IFACES; do
        echo "$i $(lab_ns cat /sys/class/net/$i/mtu) $(lab_vsctl get interface $i mtu) $(lab_vsctl get interface $i mtu_request)"
    done
    for i in $LINUX_LINKS; do
        echo "$i $(lab_ns cat /sys/class/net/$i/mtu)"
    done
}

expect_state() {   # expect_state MTU REQUEST DESC
    local mtu=$1 req=$2 desc=$3 want="" i
    for i in $OVS_IFACES; do want+="$i $mtu $mtu $req"$'\n'; done
    for i in $LINUX_LINKS; do want+="$i $mtu"$'\n'; done
    # Interface.mtu lags cur_cfg a little.
    for _ in $(seq 1 50); do
        [ "$(state)"$'\n' = "$want" ] && break
        sleep 0.1
    done
    t_is "$want" "$(state)"$'\n' "$desc"
}

before=$(state)

# The kernel counts every carrier change of a link: a bounce shows there.
flaps() { for i in eth2 eth3 eth4 eno2; do lab_ns cat /sys/class/net/$i/carrier_changes; done | tr '\n' ' '; }

# 1. 1500 -> 9000, by default without a bounce.
# first_at FILE MTU: the links of the lab in the order in which "ip monitor
# link" (FILE) first saw each of them at MTU.
first_at() {
    grep -oE ": (eth[2-4]|xenbr1|vif3\.0|vnet0)(@[^:]*)?: .*mtu $2 " "$1" \
        | sed -E 's/^: ([^:@]+).*/\1/' | awk '!seen[$0]++' | tr '\n' ' '
}
# wire_order FILE MTU FIRST SECOND DESC: every link of FIRST reached MTU
# before any of SECOND, on the wire (ip monitor).
wire_order() {
    local order w i=0 last_first=0 first_second=999
    order=$(first_at "$1" "$2")
    for w in $order; do
        i=$((i+1))
        case " $3 " in *" $w "*) last_first=$i ;; esac
        case " $4 " in *" $w "*) [ $i -lt $first_second ] && first_second=$i ;; esac
    done
    if [ "$last_first" -gt 0 ] && [ "$first_second" -lt 999 ] && [ "$last_first" -lt "$first_second" ]; then
        t_ok "$5 ($order)"
    else
        t_fail "$5" "ip monitor order: $order"
    fi
}
flaps_before=$(flaps)
ip -n "$LAB_NS" monitor link >"$LAB_DIR/monitor1.out" 2>&1 &
monitor=$!
sleep 0.3
lab_apply "$LAB_DIR/p9000.json" >"$LAB_DIR/apply1.out" 2>&1
rc=$?
sleep 0.3
kill $monitor
wait $monitor 2>/dev/null
t_is 0 $rc "apply 9000 exits 0"
[ $rc = 0 ] || sed 's/^/#   /' "$LAB_DIR/apply1.out"
expect_state 9000 9000 "after apply every layer is at 9000 (ovs-vsctl, sysfs)"
grep -q "eth2: mtu_request unset -> 9000" "$LAB_DIR/apply1.out" \
    && t_ok "the change of eth2 is logged with old and new value" \
    || t_fail "the change of eth2 is logged with old and new value"
t_is "" "$(ls -A "$STATE" 2>/dev/null)" "the journal is removed after success"
t_no_line "$LAB_DIR/apply1.out" "^ +[0-9]+\\. +replug |: replugged" "by default the plan has no replug step and nothing is replugged"
wire_order "$LAB_DIR/monitor1.out" 9000 "eth2 eth3 eth4" "xenbr1 vif3.0 vnet0" \
    "raising, on the wire: the OVS uplinks reach 9000 before the internal port and the VIFs"
wire_order "$LAB_DIR/monitor1.out" 9000 "xenbr1" "vif3.0 vnet0" \
    "raising, on the wire: the internal port reaches 9000 before the VIFs"
t_is "$flaps_before" "$(flaps)" \
     "by default no carrier change on eth2, eth3, eth4, eno2"

# Order: bond members before the internal port, bridge ports before VIFs.
order=$(grep -oE '^  *[0-9]+\. +[a-z-]+ +[^ ]+' "$LAB_DIR/apply1.out" | awk '{print $3}' | tr '\n' ' ')
pos() { local i=0 w; for w in $order; do i=$((i+1)); [ "$w" = "$1" ] && echo $i && return; done; echo 999; }
if [ "$(pos eth2)" -lt "$(pos xenbr1)" ] && [ "$(pos xenbr1)" -lt "$(pos vif3.0)" ] \
   && [ "$(pos eno2)" -lt "$(pos br0)" ] && [ "$(pos br0)" -lt "$(pos vnet1)" ]; then
    t_ok "raise order: members, bridge, VIFs ($order)"
else
    t_fail "raise order: members, bridge, VIFs" "$order"
fi

# 2. A second run changes nothing and commits no transaction.
cfg_before=$(lab_vsctl get Open_vSwitch . next_cfg)
lab_apply "$LAB_DIR/p9000.json" >"$LAB_DIR/apply2.out" 2>&1
t_is 0 $? "second apply exits 0"
t_is "$cfg_before" "$(lab_vsctl get Open_vSwitch . next_cfg)" \
     "second apply commits no OVSDB transaction (next_cfg unchanged)"
grep -q "in sync" "$LAB_DIR/apply2.out" && t_ok "second apply says in sync" \
    || t_fail "second apply says in sync" "$(tail -2 "$LAB_DIR/apply2.out")"

# 3. 9000 -> 1500.
ip -n "$LAB_NS" monitor link >"$LAB_DIR/monitor3.out" 2>&1 &
monitor=$!
sleep 0.3
lab_apply "$LAB_DIR/p1500.json" >"$LAB_DIR/apply3.out" 2>&1
t_is 0 $? "apply 1500 exits 0"
sleep 0.3
kill $monitor
wait $monitor 2>/dev/null
wire_order "$LAB_DIR/monitor3.out" 1500 "vif3.0 vnet0" "xenbr1 eth2 eth3 eth4" \
    "lowering, on the wire: the VIFs reach 1500 before the internal port and the uplinks"
expect_state 1500 1500 "after lowering every layer is at 1500"
order=$(grep -oE '^  *[0-9]+\. +[a-z-]+ +[^ ]+' "$LAB_DIR/apply3.out" | awk '{print $3}' | tr '\n' ' ')
if [ "$(pos vif3.0)" -lt "$(pos xenbr1)" ] && [ "$(pos xenbr1)" -lt "$(pos eth2)" ] \
   && [ "$(pos vnet1)" -lt "$(pos br0)" ] && [ "$(pos br0)" -lt "$(pos eno2)" ]; then
    t_ok "lower order: VIFs, bridge, members ($order)"
else
    t_fail "lower order: VIFs, bridge, members" "$order"
fi

# 4. --replug: the dry run lists a replug step for each changed uplink and
# bond member (and none for bridges and VIFs), and the apply bounces exactly
# those (carrier_changes); --no-replug bounces nothing.
lab_apply "$LAB_DIR/p9000.json" --replug --dry-run >"$LAB_DIR/replug-dry.out" 2>&1
for i in eth2 eth3 eth4 eno2; do
    t_has_line "$LAB_DIR/replug-dry.out" "^ +[0-9]+\. +replug +$i " \
        "--replug --dry-run lists the replug step of $i"
done
t_no_line "$LAB_DIR/replug-dry.out" "^ +[0-9]+\. +replug +(vif3.0|vnet[0-9]|br0|xenbr1) " \
    "--replug --dry-run lists no replug step for bridges and VIFs"
flaps_before=$(flaps)
lab_apply "$LAB_DIR/p9000.json" --replug >"$LAB_DIR/replug.out" 2>&1
rc=$?
t_is 0 $rc "apply 9000 with --replug exits 0"
[ $rc = 0 ] || sed 's/^/#   /' "$LAB_DIR/replug.out"
expect_state 9000 9000 "--replug: every layer is at 9000"
t_has_line "$LAB_DIR/replug.out" "eth2: replugged" "--replug: eth2 is replugged"
t_has_line "$LAB_DIR/replug.out" "eno2: replugged" "--replug: eno2 is replugged"
t_no_line "$LAB_DIR/replug.out" "(vif3.0|vnet[0-9]|br0|xenbr1): replugged" \
    "--replug: bridges and VIFs are not replugged"
read -r -a fb <<<"$flaps_before"
read -r -a fa <<<"$(flaps)"
if [ "${fa[0]}" -gt "${fb[0]}" ] && [ "${fa[1]}" -gt "${fb[1]}" ] \
   && [ "${fa[2]}" -gt "${fb[2]}" ] && [ "${fa[3]}" -gt "${fb[3]}" ]; then
    t_ok "--replug: eth2, eth3, eth4 and eno2 changed carrier (${flaps_before}-> $(flaps))"
else
    t_fail "--replug: eth2, eth3, eth4 and eno2 changed carrier" "${flaps_before}-> $(flaps)"
fi
t_is "UP UP UP UP" "$(for i in eth2 eth3 eth4 eno2; do lab_ns cat /sys/class/net/$i/operstate; done | tr a-z A-Z | tr '\n' ' ' | sed 's/ $//')" \
     "replugged links are up again"
flaps_before=$(flaps)
lab_apply "$LAB_DIR/p1500.json" --no-replug >"$LAB_DIR/noreplug.out" 2>&1
t_is 0 $? "apply 1500 with --no-replug exits 0"
expect_state 1500 1500 "back to 1500 after the --no-replug run"
t_no_line "$LAB_DIR/noreplug.out" "^ +[0-9]+\\. +replug |: replugged" "--no-replug: no replug step, no replugged line"
t_is "$flaps_before" "$(flaps)" \
     "--no-replug: no carrier change on eth2, eth3, eth4, eno2"
before=$(state)

# Fault 1: the kernel refuses one MTU mid-plan.  mv0 is a macvlan port of
# br0 whose lower device lives in another namespace, so nothing on this host
# can see that the kernel will refuse 9000 on it.
other=$(lab_extra_ns low)
ip -n "$other" link add low0 type veth peer name low0-p
ip -n "$other" link add mv0 link low0 type macvlan mode bridge
ip -n "$other" link set mv0 netns "$LAB_NS"
lab_ns ip link set mv0 master br0
lab_ns ip link set mv0 up
# A VIF plugged since the last run: no mtu_request, which the rollback must
# put back as "unset" (and the kernel MTU as 1500).
lab_tap_vif xenbr1 vif5.0 xs-vif-uuid=0f5a8d4e-1111-4c43-9a4c-8a8e5f5d2c05
lab_apply "$LAB_DIR/p9000.json" >"$LAB_DIR/fault1.out" 2>&1
t_is 5 $? "kernel refusal mid-plan: exit 5"
grep -q "mv0" "$LAB_DIR/fault1.out" && grep -q "rolled back" "$LAB_DIR/fault1.out" \
    && t_ok "the message names mv0 and says what was rolled back" \
    || t_fail "the message names mv0 and says what was rolled back" "$(tail -3 "$LAB_DIR/fault1.out")"
expect_state 1500 1500 "kernel refusal mid-plan: back to the state before"
t_is "[] 1500 1500" "$(lab_vsctl get interface vif5.0 mtu_request) $(lab_vsctl get interface vif5.0 mtu) $(lab_ns cat /sys/class/net/vif5.0/mtu)" \
     "kernel refusal mid-plan: a request that was unset is unset again"
# The rollback reports what it changed back, and only that: eno2 was raised
# before mv0 failed; mv0 itself, br0 and its VIFs come after it in the plan
# and were never changed.
t_has_line "$LAB_DIR/fault1.out" "restored eno2: .*1500" \
    "kernel refusal mid-plan: the rollback says it restored eno2"
t_no_line "$LAB_DIR/fault1.out" "restored (mv0|br0|vnet1|vnet2)[: ]" \
    "kernel refusal mid-plan: nothing that was never changed is reported restored"
lab_ns ip link del mv0
lab_vsctl del-port xenbr1 vif5.0
lab_ns ip link del vif5.0

# Fault 2: ovs-vswitchd stopped, so cur_cfg never advances.
lab_pause_vswitchd
lab_apply "$LAB_DIR/p9000.json" --timeout 2 >"$LAB_DIR/fault2.out" 2>&1
t_is 5 $? "vswitchd stopped: exit 5"
grep -qi "ovs-vswitchd" "$LAB_DIR/fault2.out" && t_ok "the message names ovs-vswitchd" \
    || t_fail "the message names ovs-vswitchd" "$(tail -3 "$LAB_DIR/fault2.out")"
lab_resume_vswitchd
expect_state 1500 1500 "vswitchd stopped: back to the state before"
t_no_line "$LAB_DIR/fault2.out" "restored (eno2|br0|vnet1|vnet2)[: ]" \
    "vswitchd stopped: no Linux link is reported restored (none was changed)"

# Fault 2b: fresh ports -- VIFs plugged and a PIF added since the last run,
# with no mtu_request yet -- and ovs-vswitchd frozen for the whole run.  The
# first tier's transaction (the uplinks, eth5 among them) commits but
# vswitchd never confirms it, so the VIFs' tier is never committed.  The
# rollback sets eth5's request to the old kernel MTU (committed, so vswitchd
# converges on it whatever it had applied) and clears it only once vswitchd
# confirms; frozen, it cannot, so the request stays at 1500 and the log says
# so: exit 5, no journal, and once vswitchd runs again the ports carry MTU
# 1500 as before, with mtu_request 1500 on eth5 and none on the VIFs, which
# the run never touched.
FRESH="vif7.0 tap7.1 eth5"
lab_tap_vif xenbr1 vif7.0 xs-vif-uuid=0f5a8d4e-2222-4c43-9a4c-8a8e5f5d2c07
lab_tap_vif xenbr1 tap7.1 xs-vif-uuid=0f5a8d4e-3333-4c43-9a4c-8a8e5f5d2c07
lab_pif xenbr1 eth5
fresh_state() {
    local i
    for i in $FRESH; do
        echo "$i $(lab_vsctl get interface $i mtu_request) $(lab_vsctl get interface $i mtu) $(lab_ns cat /sys/class/net/$i/mtu)"
    done
}
fresh_want=$(for i in $FRESH; do echo "$i [] 1500 1500"; done)
fresh_is_before() { [ "$(fresh_state)" = "$fresh_want" ]; }
lab_poll 5 fresh_is_before
t_is "$fresh_want" "$(fresh_state)" "fresh ports: no mtu_request, MTU 1500 before the run"
lab_pause_vswitchd
lab_apply "$LAB_DIR/p9000.json" --timeout 2 >"$LAB_DIR/fault2b.out" 2>&1
rc=$?
lab_resume_vswitchd
t_is 5 $rc "fresh ports, vswitchd frozen for the whole run: exit 5"
[ $rc = 5 ] || sed 's/^/#   /' "$LAB_DIR/fault2b.out"
t_has_line "$LAB_DIR/fault2b.out" "rolled back" \
    "fresh ports, vswitchd frozen: the message says it rolled back"
fresh_pinned=$(printf '%s\n' "vif7.0 [] 1500 1500" "tap7.1 [] 1500 1500" "eth5 1500 1500 1500")
fresh_is_pinned() { [ "$(fresh_state)" = "$fresh_pinned" ]; }
lab_poll 5 fresh_is_pinned
t_is "$fresh_pinned" "$(fresh_state)" \
     "fresh ports, vswitchd frozen: MTU 1500 again, eth5's request left at 1500, the VIFs untouched (ovs-vsctl, sysfs)"
t_has_line "$LAB_DIR/fault2b.out" "restored eth5: mtu_request 1500, which was unset before" \
    "fresh ports, vswitchd frozen: the log says the request stays at the old MTU"
expect_state 1500 1500 "fresh ports, vswitchd frozen: the other ports as before"
[ -f "$STATE/journal.json" ] \
    && t_ok "fresh ports, vswitchd frozen: the journal keeps eth5's request for the next run" \
    || t_fail "fresh ports, vswitchd frozen: the journal keeps eth5's request for the next run"
# The next run, with vswitchd running, clears eth5's request (issue 9).
lab_apply "$LAB_DIR/p1500.json" >"$LAB_DIR/fault2b2.out" 2>&1
t_is 0 $? "fresh ports: the next run exits 0"
t_has_line "$LAB_DIR/fault2b2.out" "restored eth5: MTU 1500, mtu_request unset" \
    "fresh ports: the next run clears eth5's request first (then its policy pins it)"
t_is "" "$(ls -A "$STATE" 2>/dev/null)" \
     "fresh ports: no journal is left after the next run"
for i in $FRESH; do
    lab_vsctl del-port xenbr1 $i
    lab_ns ip link del $i
done

# Fault 2c: a fresh port whose new MTU vswitchd DID apply, without the run
# ever seeing it confirmed: vswitchd is frozen when the run commits, then
# ovsdb-server dies (the run starts rolling back), vswitchd runs long enough
# to set the kernel to 9000 and is frozen again, and ovsdb-server comes
# back.  The rollback must not trust "vswitchd never confirmed": it sets the
# request back to 1500 (vswitchd cannot confirm; the request stays, as the
# log says) and, once vswitchd runs again, the kernel is back at 1500.
eth8_at() { [ "$(lab_ns cat /sys/class/net/eth8/mtu)" = "$1" ]; }
lab_pif xenbr1 eth8
lab_poll 5 eth8_at 1500
lab_pause_vswitchd
lab_apply_bg "$LAB_DIR/fault2c.out" "$LAB_DIR/p9000.json" --timeout 8
wait_committed "fresh port, change applied behind the run's back"
kill -KILL "$(cat "$LAB_DIR/ovsdb-server.pid")"
lab_resume_vswitchd
if lab_poll 5 eth8_at 9000; then
    t_ok "fresh port: vswitchd applied 9000 to the kernel behind the run's back"
else
    t_fail "fresh port: vswitchd applied 9000 to the kernel behind the run's back" \
           "kernel MTU $(lab_ns cat /sys/class/net/eth8/mtu)"
fi
lab_pause_vswitchd
lab_start_ovsdb
wait "$AGENT_PID"
rc=$?
lab_resume_vswitchd
t_is 5 $rc "fresh port, change applied behind the run's back: exit 5"
[ $rc = 5 ] || sed 's/^/#   /' "$LAB_DIR/fault2c.out"
if lab_poll 20 eth8_at 1500; then
    t_ok "fresh port: the kernel is back at 1500 once vswitchd runs again"
else
    t_fail "fresh port: the kernel is back at 1500 once vswitchd runs again" \
           "kernel MTU $(lab_ns cat /sys/class/net/eth8/mtu)"
fi
expect_state 1500 1500 "fresh port, change applied behind the run's back: the other ports as before"
lab_apply "$LAB_DIR/p1500.json" >"$LAB_DIR/fault2c2.out" 2>&1
t_is 0 $? "fresh port: the next run exits 0"
t_has_line "$LAB_DIR/fault2c2.out" "restored eth8: MTU 1500, mtu_request unset" \
    "fresh port: the next run clears eth8's request first (then its policy pins it)"
t_is "1500" "$(lab_ns cat /sys/class/net/eth8/mtu)" "fresh port: eth8 at MTU 1500"
t_is "" "$(ls -A "$STATE" 2>/dev/null)" "fresh port: no journal is left after the next run"
lab_vsctl del-port xenbr1 eth8
lab_ns ip link del eth8 2>/dev/null

# A stop request (SIGTERM, as from systemctl stop) mid-apply does not kill
# the run half way: the run rolls back and exits 5 (not 143), and the host
# is as before.
lab_pause_vswitchd
lab_apply_bg "$LAB_DIR/sigterm.out" "$LAB_DIR/p9000.json" --timeout 3
wait_committed "SIGTERM case: the transaction is committed"
kill -TERM "$AGENT_PID"
wait "$AGENT_PID"
rc=$?
lab_resume_vswitchd
t_is 5 $rc "SIGTERM mid-apply: the run rolls back and exits 5"
t_has_line "$LAB_DIR/sigterm.out" "rolled back" "SIGTERM mid-apply: the message says it rolled back"
expect_state 1500 1500 "SIGTERM mid-apply: back to the state before"
t_is "" "$(ls -A "$STATE" 2>/dev/null)" "SIGTERM mid-apply: no journal is left"

# Fault 3: the journal directory is read-only: refused before any change.
mkdir -p "$LAB_DIR/ro-state"
unshare -m bash -c "mount --bind '$LAB_DIR/ro-state' '$LAB_DIR/ro-state' &&
    mount -o remount,bind,ro '$LAB_DIR/ro-state' &&
    ip netns exec '$LAB_NS' '$JUMBOAGENT' --db '$LAB_DB' --policy '$LAB_DIR/p9000.json' \
        --state-dir '$LAB_DIR/ro-state' --lock-file '$LOCK'" >"$LAB_DIR/fault3.out" 2>&1
t_is 1 $? "read-only journal directory: exit 1 (failed before any change)"
grep -q "cannot write the journal" "$LAB_DIR/fault3.out" \
    && t_ok "the message says the journal cannot be written" \
    || t_fail "the message says the journal cannot be written" "$(tail -2 "$LAB_DIR/fault3.out")"
t_is "$before" "$(state)" "read-only journal directory: nothing changed"

# Fault 4a: ovsdb-server killed mid-run and back within --timeout (as
# systemd restarts it): the rollback reconnects, puts everything back, and
# the run exits 5 in the state from before.
lab_pause_vswitchd
lab_apply_bg "$LAB_DIR/fault4a.out" "$LAB_DIR/p9000.json" --timeout 8
wait_committed "ovsdb-server killed and restarted"
kill -KILL "$(cat "$LAB_DIR/ovsdb-server.pid")"
sleep 1     # the time a service manager takes to restart it
lab_start_ovsdb
lab_resume_vswitchd
wait $AGENT_PID
t_is 5 $? "ovsdb-server killed and restarted mid-run: exit 5"
grep -q "rolled back" "$LAB_DIR/fault4a.out" && t_ok "the message says it rolled back" \
    || t_fail "the message says it rolled back" "$(tail -3 "$LAB_DIR/fault4a.out")"
expect_state 1500 1500 "ovsdb-server killed and restarted: the state before, right after the run"
t_is "" "$(ls -A "$STATE" 2>/dev/null)" "no journal is left after a complete rollback"

# Fault 4b: ovsdb-server killed and not back: the OVS values cannot be put
# back, so the run exits 1, keeps the journal and says so; the next run
# restores the journal first, says what it restored, then applies.
lab_pause_vswitchd
lab_apply_bg "$LAB_DIR/fault4b.out" "$LAB_DIR/p9000.json" --timeout 3
wait_committed "ovsdb-server killed for good"
kill -KILL "$(cat "$LAB_DIR/ovsdb-server.pid")"
wait $AGENT_PID
t_is 1 $? "ovsdb-server killed for good mid-run: exit 1 (rollback incomplete)"
grep -q "journal.json is kept" "$LAB_DIR/fault4b.out" \
    && t_ok "the message says the journal is kept for the next run" \
    || t_fail "the message says the journal is kept for the next run" "$(tail -3 "$LAB_DIR/fault4b.out")"
[ -f "$STATE/journal.json" ] && t_ok "an incomplete rollback keeps journal.json" \
    || t_fail "an incomplete rollback keeps journal.json"
# While OVSDB is still down, a run cannot restore the journal: exit 1, and
# the journal stays for the run after.
lab_apply "$LAB_DIR/p9000.json" --timeout 2 >"$LAB_DIR/fault4x.out" 2>&1
t_is 1 $? "a run while OVSDB is still down exits 1"
[ -f "$STATE/journal.json" ] && t_ok "that run keeps journal.json" \
    || t_fail "that run keeps journal.json"
lab_start_ovsdb
lab_resume_vswitchd
lab_poll 10 eth2_applied
lab_apply "$LAB_DIR/p9000.json" >"$LAB_DIR/fault4c.out" 2>&1
t_is 0 $? "the run after the ovsdb-server crash exits 0"
expect_full_recovery "$LAB_DIR/fault4c.out" eth2
expect_state 9000 9000 "after recovery the next run applies its own policy"
lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
expect_state 1500 1500 "back to 1500 for the next tests"
before=$(state)

# A stale OVS port (its device is gone) gets no step and does not break the
# run.
lab_vsctl add-port xenbr1 eth9 >/dev/null 2>&1  # ovs-vsctl says it cannot open eth9: that is the point
lab_apply "$LAB_DIR/p9000.json" >"$LAB_DIR/stale.out" 2>&1
t_is 0 $? "a stale OVS port does not break the apply"
grep -qE '^ +[0-9]+\. +[a-z-]+ +eth9 ' "$LAB_DIR/stale.out" && t_fail "the stale port gets no step" \
    || t_ok "the stale port gets no step"
grep -q "eth9" "$LAB_DIR/stale.out" && t_ok "the stale port is reported" \
    || t_fail "the stale port is reported"
lab_vsctl del-port xenbr1 eth9
lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
expect_state 1500 1500 "back to 1500 after the stale-port run"

# The management path is never bounced: with the default route on xenbr1
# and "management": true, the storage NICs change but are not replugged.
lab_ns ip addr add 192.0.2.1/24 dev xenbr1
lab_ns ip route add default via 192.0.2.254
sed 's/"bridge": "xenbr1", "mtu": 9000/"bridge": "xenbr1", "mtu": 9000, "management": true/' \
    "$LAB_DIR/p9000.json" >"$LAB_DIR/pmgmt.json"
lab_apply "$LAB_DIR/pmgmt.json" --replug >"$LAB_DIR/mgmt.out" 2>&1
t_is 0 $? "jumbo on a management network that says so: exit 0"
t_no_line "$LAB_DIR/mgmt.out" "(eth2|eth3|eth4): replugged|replug +(eth2|eth3|eth4) " \
    "--replug: the management path gets no replug step and is not replugged"
t_has_line "$LAB_DIR/mgmt.out" "eth2: not replugged although asked for by --replug" \
    "--replug: the plan says why eth2 is not replugged"
t_has_line "$LAB_DIR/mgmt.out" "eno2: replugged" "--replug: the other network's uplink still is"
lab_ns ip route del default
lab_ns ip addr del 192.0.2.1/24 dev xenbr1
lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
expect_state 1500 1500 "back to 1500 after the management run"

# The same through a XenServer management VLAN, and without "management":
# the management interface is xapi1, a fake bridge on xenbr1 (VLAN 105: a
# tagged internal port of xenbr1) that carries the default route.  The
# storage network raises xenbr1's untagged ports and uplinks to 9000; the
# uplinks carry the VLAN, so they are on the management path and must not
# be bounced.
lab_vsctl add-br xapi1 xenbr1 105
lab_poll 5 lab_ns test -e /sys/class/net/xapi1
lab_ns ip link set xapi1 up
lab_ns ip addr add 192.0.2.1/24 dev xapi1
lab_ns ip route add default via 192.0.2.254
lab_apply "$LAB_DIR/p9000.json" --replug >"$LAB_DIR/mgmtvlan.out" 2>&1
rc=$?
t_is 0 $rc "storage jumbo under a management VLAN fake bridge: exit 0"
[ $rc = 0 ] || sed 's/^/#   /' "$LAB_DIR/mgmtvlan.out"
t_no_line "$LAB_DIR/mgmtvlan.out" "(eth2|eth3|eth4): replugged|replug +(eth2|eth3|eth4) " \
    "the uplinks under the management VLAN are not replugged"
t_has_line "$LAB_DIR/mgmtvlan.out" "management path" \
    "the log says they are on the management path"
t_has_line "$LAB_DIR/mgmtvlan.out" "eno2: replugged" \
    "the other network's uplink still is replugged"
lab_ns ip route del default
lab_vsctl del-br xapi1
lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
expect_state 1500 1500 "back to 1500 after the management VLAN run"

# Serialization: a held lock makes a run wait, then give up at --timeout.
# The run lock is an fcntl() lock on a 0600 file (lock.c); a POSIX lock
# taken by python3's lockf() conflicts with it, as flock(1)'s does not.
python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[1] + ".held", "w").close()
time.sleep(4)' "$LOCK" &
holder=$!
for _ in $(seq 1 100); do [ -e "$LOCK.held" ] && break; sleep 0.05; done
rm -f "$LOCK.held"
start=$(date +%s%N)
lab_apply "$LAB_DIR/p9000.json" --timeout 1 >"$LAB_DIR/lock1.out" 2>&1
t_is 1 $? "a run that cannot get the lock in time exits 1"
grep -q "still holds" "$LAB_DIR/lock1.out" && t_ok "it says another run holds the lock" \
    || t_fail "it says another run holds the lock" "$(cat "$LAB_DIR/lock1.out")"
t_is "$before" "$(state)" "the run that could not lock changed nothing"
lab_apply "$LAB_DIR/p9000.json" --timeout 20 >"$LAB_DIR/lock2.out" 2>&1
t_is 0 $? "a run that waits for the lock then applies"
waited=$((($(date +%s%N) - start) / 1000000))
[ "$waited" -ge 3000 ] && t_ok "it waited for the holder (${waited} ms)" \
    || t_fail "it waited for the holder" "${waited} ms"
wait $holder 2>/dev/null
expect_state 9000 9000 "after the serialized run: 9000"
lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1

# Two overlapping runs are serialized: the first holds the lock while it
# waits for a frozen vswitchd; the second must say it waits, and both end
# well once vswitchd runs again.
lab_pause_vswitchd
lab_apply_bg "$LAB_DIR/conc1.out" "$LAB_DIR/p9000.json" --timeout 20
p1=$AGENT_PID
wait_committed "overlapping runs"
lab_apply_bg "$LAB_DIR/conc2.out" "$LAB_DIR/p9000.json" --timeout 20
p2=$AGENT_PID
lab_poll 10 grep -q "waiting" "$LAB_DIR/conc2.out"
grep -q "waiting up to" "$LAB_DIR/conc2.out" && t_ok "the second run waits for the first" \
    || t_fail "the second run waits for the first" "$(cat "$LAB_DIR/conc2.out")"
lab_resume_vswitchd
wait $p1; r1=$?
wait $p2; r2=$?
t_is "0 0" "$r1 $r2" "two overlapping runs both exit 0"
grep -q "in sync" "$LAB_DIR/conc2.out" && t_ok "the second run finds the first one's work done" \
    || t_fail "the second run finds the first one's work done" "$(tail -2 "$LAB_DIR/conc2.out")"
expect_state 9000 9000 "after two overlapping runs: 9000"
lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
expect_state 1500 1500 "back to 1500"
before=$(state)

# A run killed with SIGKILL mid-apply is restored by the next one.
lab_pause_vswitchd
lab_apply_bg "$LAB_DIR/kill.out" "$LAB_DIR/p9000.json" --timeout 20
wait_committed "SIGKILL mid-apply"
kill -KILL $AGENT_PID
wait $AGENT_PID 2>/dev/null
lab_resume_vswitchd
lab_poll 10 eth2_applied
[ -f "$STATE/journal.json" ] && t_ok "a killed run leaves its journal" \
    || t_fail "a killed run leaves its journal"
lab_apply "$LAB_DIR/p9000.json" >"$LAB_DIR/kill2.out" 2>&1
t_is 0 $? "the next run exits 0"
expect_recovery "$LAB_DIR/kill2.out" eth2 killed killed
expect_state 9000 9000 "after the killed run's recovery the next run applies its policy"
t_is "" "$(ls -A "$STATE" 2>/dev/null)" "no journal is left"

# A run killed after its last change (in the replug of eno2, the last
# step: eno2-p is taken down once the OVS transaction is committed, so
# eno2's carrier does not come back) is finished by the next run of the
# same policy: no MTU flips (ip monitor sees no link go to 1500), no
# revert, and the host stays at 9000.
lab_apply "$LAB_DIR/p1500.json" >/dev/null 2>&1
expect_state 1500 1500 "back to 1500 before the killed --replug run"
lab_pause_vswitchd
lab_apply_bg "$LAB_DIR/killr.out" "$LAB_DIR/p9000.json" --replug --timeout 30
wait_committed "SIGKILL in the last replug"
lab_ns ip link set eno2-p down
lab_resume_vswitchd
if lab_poll 20 grep -q "eth4: replugged" "$LAB_DIR/killr.out"; then
    sleep 1     # eno2: down, up, and waiting for its carrier
    t_ok "the run reached the replug of eno2"
else
    t_fail "the run reached the replug of eno2" "$(tail -3 "$LAB_DIR/killr.out")"
fi
kill -KILL $AGENT_PID
wait $AGENT_PID 2>/dev/null
lab_ns ip link set eno2-p up
[ -f "$STATE/journal.json" ] && t_ok "the run killed in its last step leaves its journal" \
    || t_fail "the run killed in its last step leaves its journal"
grep -q '"target"' "$STATE/journal.json" 2>/dev/null && t_ok "the journal records the targets" \
    || t_fail "the journal records the targets" "$(head -c 300 "$STATE/journal.json" 2>/dev/null)"
lab_poll 10 lab_ns grep -q up /sys/class/net/eno2/operstate
ip -n "$LAB_NS" monitor link >"$LAB_DIR/monitor.out" 2>&1 &
monitor=$!
sleep 0.5
lab_apply "$LAB_DIR/p9000.json" >"$LAB_DIR/killr2.out" 2>&1
rc=$?
sleep 0.5
kill $monitor
wait $monitor 2>/dev/null
t_is 0 $rc "the run after the killed one exits 0"
[ $rc = 0 ] || sed 's/^/#   /' "$LAB_DIR/killr2.out"
t_has_line "$LAB_DIR/killr2.out" "finished the interrupted run: kept what held and made its pending replug\\(s\\): eno2 replugged$" \
    "it finishes the killed run's journal without reverting, and makes the replug of eno2 that was not back (review 7)"
t_no_line "$LAB_DIR/killr2.out" "restored " "it restores nothing"
t_no_line "$LAB_DIR/monitor.out" ": (eth2|eth3|eth4|eno2|br0|xenbr1|vif3\.0|vnet[0-9])(@[^:]*)?: .*mtu 1500" \
    "ip monitor: none of the run's links went to MTU 1500 (no flip)"
expect_state 9000 9000 "the host stays at 9000"
t_is "" "$(ls -A "$STATE" 2>/dev/null)" "no journal is left"

# Every run has ended: no jumboagent is left in the lab.
t_is "" "$(for p in $(ip netns pids "$LAB_NS"); do ps -o comm= -p "$p"; done | grep jumboagent)" \
     "no jumboagent process is left running in the lab"
