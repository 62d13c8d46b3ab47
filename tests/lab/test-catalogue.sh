#!/bin/bash
# The catalogue of malformed inputs (issue 9 section 4, docs/faults.md),
# end to end through the real binary on a lab host.
#
# tests/catalogue/KIND/NAME.json is one malformed input of KIND:
#   policy       jumboagent --policy NAME.json            (an apply)
#   drivers      jumboagent --policy GOOD --drivers NAME.json
#   host-model   jumboagent --dry-run --policy GOOD --host-model NAME.json
#   journal      NAME.json planted as the journal in --state-dir, then
#                jumboagent --policy GOOD                 (an apply)
# GOOD is a valid policy that would raise the lab to 9000, so a run that
# accepted the input would change the host.  Each case must exit 1, print
# exactly NAME.expected on stderr (the lab's directory reads @LAB@; the
# warning that no syslog daemon listens is left out, as the machine's), and
# leave the host as it was: "ip -d link" and the mtu columns of
# "ovs-vsctl list interface", before and after; a planted journal stays.
#
# CATALOGUE_REGEN=1 rewrites the .expected files from the binary's output
# (then read every diff before committing it).
set -u
. "$(dirname "$0")/lib.sh"

src=${JUMBOAGENT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
lab_start
lab_ovs_bridge xenbr1
lab_pif xenbr1 eth2
lab_tap_vif xenbr1 vif1.0 xs-vif-uuid=6f1c0f37-4b55-4c43-9a4c-8a8e5f5d2c0a
lab_linux_bridge br0
lab_linux_port br0 eno2 veth

# Let the Linux bridge settle (state UNKNOWN, then UP) before the first
# snapshot.
br0_up() { lab_ns ip link show br0 | grep -q 'state UP'; }
lab_poll 10 br0_up

STATE=$LAB_DIR/state
LOCK=$LAB_DIR/run.lock
IN=$LAB_DIR/in
mkdir -p "$IN"
cat >"$IN/good.json" <<'JSON'
{"version": 1,
 "networks": [
   {"name": "storage", "bridge": "xenbr1", "mtu": 9000},
   {"name": "guests", "bridge": "br0", "mtu": 9000}]}
JSON

# The host: "ip -d link" without the bridge timers, which tick; the mtu
# columns of every OVS interface.
snapshot() {
    lab_ns ip -d link | sed -E 's/ [a-z_]*_timer +[0-9.]+//g'
    lab_vsctl --columns=name,mtu,mtu_request list interface | sort
}

n=0
for f in "$src"/tests/catalogue/*/*.json; do
    kind=$(basename "$(dirname "$f")")
    name=$(basename "$f" .json)
    what="catalogue $kind/$name"
    case_file=$IN/$kind-$name.json
    cp "$f" "$case_file"
    chmod 0644 "$case_file"
    rm -rf "$STATE"
    args=(--policy "$IN/good.json")
    case $kind in
    policy)     args=(--policy "$case_file") ;;
    drivers)    args+=(--drivers "$case_file") ;;
    host-model) args+=(--dry-run --host-model "$case_file") ;;
    journal)
        mkdir -m 0700 "$STATE"
        cp "$f" "$STATE/journal.json"
        chmod 0600 "$STATE/journal.json"
        ;;
    *)
        t_fail "$what" "unknown kind $kind"
        continue
        ;;
    esac
    before=$(snapshot)
    lab_agent "${args[@]}" --state-dir "$STATE" --lock-file "$LOCK" \
        --timeout 5 >"$LAB_DIR/out" 2>"$LAB_DIR/err"
    rc=$?
    # Whether this machine has a syslog daemon is not the input's doing:
    # the one-time "syslog is not available" warning is left out.
    got=$(sed -e "s|$LAB_DIR|@LAB@|g" \
              -e '/^jumboagent: warning: syslog is not available/d' \
              "$LAB_DIR/err")
    expected_file=${f%.json}.expected
    if [ -n "${CATALOGUE_REGEN:-}" ]; then
        printf '%s\n' "$got" >"$expected_file"
    fi
    want=$(cat "$expected_file" 2>/dev/null)
    after=$(snapshot)
    n=$((n + 1))
    if [ "$rc" != 1 ]; then
        t_fail "$what: exit 1" "exit $rc: $got"
    elif [ "$got" != "$want" ]; then
        t_fail "$what: the message" "expected '$want', got '$got'"
    elif [ "$before" != "$after" ]; then
        t_fail "$what: the host is unchanged" "$(diff <(echo "$before") <(echo "$after") | head -5 | tr '\n' '|')"
    elif [ "$kind" = journal ] && ! cmp -s "$f" "$STATE/journal.json"; then
        t_fail "$what: the planted journal is kept as it was"
    else
        t_ok "$what: exit 1, the exact message, the host unchanged"
    fi
done
[ "$n" -ge 60 ] && t_ok "the catalogue holds $n cases (at least 60)" \
    || t_fail "the catalogue holds at least 60 cases" "$n"
