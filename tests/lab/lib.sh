# The namespace lab: a throwaway host for jumboagent's lab tests and demo.
#
# Source this file, then call lab_start.  It creates a network namespace with
# a unique name and IPv6 disabled (the userspace datapath floods IPv6 chatter
# between ports and stalls ovs-vswitchd), and runs ovsdb-server and
# ovs-vswitchd inside it with every file under a private directory $LAB_DIR
# (nothing under the system's OVS run directory).  An EXIT trap tears it all
# down -- the test's background jobs and their children are killed,
# vswitchd and ovsdb-server are stopped and waited for, whatever still runs
# in the lab's namespaces is killed, the namespaces and the directory are
# removed -- also when a test fails or is interrupted.
#
# Builders (all inside the namespace):
#   lab_ovs_bridge BR                 OVS bridge, datapath_type=netdev
#   lab_pif BR NAME                   veth NAME (peer NAME-p) as a system port
#   lab_bond BR BOND M1 M2            OVS bond port of two veth members
#   lab_tap_vif BR NAME [k=v ...]     tap as a VIF, with external_ids
#   lab_linux_bridge BR               Linux bridge, up
#   lab_linux_port BR NAME veth|tap   veth (peer NAME-p) or tap port of BR
#   lab_fake_bridge PARENT NAME TAG [ADDR/LEN]
#                                     OVS fake bridge (a XenServer VLAN), up
#   lab_internal_port BR NAME [TAG [ADDR/LEN]]
#                                     OVS internal port, up
#   lab_vxlan NAME DEV LOCAL REMOTE   kernel VXLAN (id 42) bound to DEV, up
#   lab_hybrid_plug LBR OVSBR QVB QVO [k=v ...]
#                                     veth QVB (port of Linux bridge LBR) /
#                                     QVO (port of OVS bridge OVSBR, with
#                                     external_ids), OpenStack's hybrid plug
#   lab_host SUFFIX                   extra namespace "$LAB_NS-SUFFIX" as a
#                                     host or router (lo up, IPv4
#                                     forwarding on, IPv6 off); prints it
#   lab_wire NS1 DEV1 NS2 DEV2 MTU    veth DEV1 (in NS1) / DEV2 (in NS2), up
#   lab_no_icmp_errors NS             NS sends no ICMP of its own: a router
#                                     that drops what it cannot forward
#                                     without saying so
# Runners: lab_ns CMD...  lab_vsctl ARGS...  lab_agent ARGS...
#          lab_apply POLICY [ARGS...]  (a run with the test's $STATE/$LOCK)
#          lab_apply_bg OUT POLICY [ARGS...]  (in the background: AGENT_PID)
#          lab_poll SECS CMD...  (a bounded wait for a condition)
# TAP helpers: t_ok DESC; t_fail DESC WHY; t_is EXPECTED ACTUAL DESC;
#              t_run DESC CMD...; t_diag TEXT;
#              t_has_line FILE ERE DESC; t_no_line FILE ERE DESC
#
# This kernel has no dummy, bond or vlan link types: kernel bonds and VLANs
# are covered by the OVS bond here and by the pure planner tests.

: "${JUMBOAGENT_BUILD:=build}"
: "${JUMBOAGENT:=$JUMBOAGENT_BUILD/jumboagent}"
LAB_NS=
LAB_DIR=
LAB_DB=

t_ok() { echo "ok - $*"; }
t_fail() { echo "not ok - $1${2:+: $2}"; }
t_diag() { printf '# %s\n' "$@"; }
t_is() {
    if [ "$1" = "$2" ]; then
        t_ok "$3"
    else
        t_fail "$3" "expected '$1', got '$2'"
    fi
}
t_run() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then
        t_ok "$desc"
    else
        t_fail "$desc" "command failed: $*"
        printf '%s\n' "$out" | sed 's/^/#   /'
    fi
}

lab_ns() { ip netns exec "$LAB_NS" "$@"; }
lab_vsctl() { ovs-vsctl --db="$LAB_DB" --timeout=20 "$@"; }
lab_agent() { ip netns exec "$LAB_NS" "$JUMBOAGENT" --db "$LAB_DB" "$@"; }

# lab_apply POLICY [ARGS...]: an apply run of the lab, with the test's
# state directory $STATE and lock file $LOCK.
lab_apply() {
    local p=$1
    shift
    lab_agent --policy "$p" --state-dir "$STATE" --lock-file "$LOCK" \
        --timeout 10 "$@"
}

# lab_apply_bg OUT POLICY [ARGS...]: the same in the background, its output
# in OUT, its pid in AGENT_PID.  Not through a shell function or subshell:
# "ip netns exec" execs jumboagent, so AGENT_PID is jumboagent itself.
lab_apply_bg() {
    local out=$1 p=$2
    shift 2
    ip netns exec "$LAB_NS" "$JUMBOAGENT" --db "$LAB_DB" --policy "$p" \
        --state-dir "$STATE" --lock-file "$LOCK" "$@" >"$out" 2>&1 &
    AGENT_PID=$!
}

# t_has_line FILE ERE DESC: ok if a line of FILE matches ERE.
t_has_line() {
    if grep -qE "$2" "$1"; then
        t_ok "$3"
    else
        t_fail "$3" "no line matches '$2'; output ends: $(tail -3 "$1" | tr '\n' '|')"
    fi
}

# t_no_line FILE ERE DESC: ok if no line of FILE matches ERE.
t_no_line() {
    if grep -qE "$2" "$1"; then
        t_fail "$3" "$(grep -E "$2" "$1" | head -3 | tr '\n' '|')"
    else
        t_ok "$3"
    fi
}


# lab_poll SECS CMD...: runs CMD every 0.1 s until it succeeds, for at most
# SECS seconds; returns CMD's last status.  Tests wait for a condition this
# way, never for a fixed time.
lab_poll() {
    local secs=$1 i
    shift
    for i in $(seq 1 $((secs * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    "$@"
}

# Waits up to 'timeout' seconds for the process in pidfile $1 to exit, then
# kills it.
lab_stop_pidfile() {
    local pidfile=$1 pid i
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null) || return 0
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
}

lab_stop_vswitchd() { lab_stop_pidfile "$LAB_DIR/ovs-vswitchd.pid"; }
lab_stop_ovsdb() { lab_stop_pidfile "$LAB_DIR/ovsdb-server.pid"; }

# lab_tree PID...: prints each PID and, recursively, its children, parents
# first.  Read the whole tree before killing any of it: a child whose parent
# died is adopted by init and no longer found this way.
lab_tree() {
    local pid
    for pid in "$@"; do
        echo "$pid"
        lab_tree $(pgrep -P "$pid")
    done
}

# lab_alive PID: true while PID runs (a zombie waiting to be reaped does
# not count).
lab_alive() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

# lab_kill_pids PID...: SIGTERM (and SIGCONT, so that a stopped process sees
# it), up to 3 s to exit, then SIGKILL.
lab_kill_pids() {
    local pid left i
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null
    kill -CONT "$@" 2>/dev/null
    for i in $(seq 1 30); do
        left=
        for pid in "$@"; do
            lab_alive "$pid" && left+=" $pid"
        done
        [ -n "$left" ] || return 0
        sleep 0.1
    done
    kill -KILL $left 2>/dev/null
}

lab_teardown() {
    local rc=$? ns namespaces=
    trap - EXIT INT TERM
    # Stop the test's background jobs (agents under test, lock holders) with
    # everything they started: in a script all jobs share the script's
    # process group, so each job's tree is killed, not a group.
    lab_kill_pids $(lab_tree $(jobs -p))
    wait 2>/dev/null
    if [ -n "$LAB_DIR" ]; then
        # A frozen vswitchd would not see SIGTERM.
        [ -f "$LAB_DIR/ovs-vswitchd.pid" ] && \
            kill -CONT "$(cat "$LAB_DIR/ovs-vswitchd.pid")" 2>/dev/null
        lab_stop_vswitchd
        lab_stop_ovsdb
    fi
    # Extra namespaces of this lab are named "$LAB_NS-*" (lab_extra_ns).
    if [ -n "$LAB_NS" ]; then
        namespaces=$(ip netns list | awk -v p="$LAB_NS-" \
                         'index($1, p) == 1 {print $1}')
        namespaces+=" $LAB_NS"
    fi
    # Whatever still runs inside the lab's namespaces (a jumboagent that was
    # not a job of this shell, say) goes too, before they are removed.
    for ns in $namespaces; do
        lab_kill_pids $(ip netns pids "$ns" 2>/dev/null)
    done
    wait 2>/dev/null
    for ns in $namespaces; do
        ip netns del "$ns" 2>/dev/null
    done
    if [ -n "$LAB_DIR" ] && [ -z "${LAB_KEEP:-}" ]; then
        rm -rf "$LAB_DIR"
    fi
    LAB_NS= LAB_DIR=
    exit "$rc"
}

lab_start() {
    if [ "$(id -u)" != 0 ]; then
        echo "ok - # SKIP the lab needs root (network namespaces, OVS daemons)"
        exit 0
    fi
    LAB_NS="ja-lab-$$-$RANDOM"
    LAB_DIR=$(mktemp -d /tmp/jumboagent-lab.XXXXXX)
    LAB_DB="unix:$LAB_DIR/db.sock"
    export LAB_NS LAB_DIR LAB_DB
    trap lab_teardown EXIT
    trap 'exit 130' INT TERM

    # Keep every OVS file of the lab in $LAB_DIR.
    export OVS_RUNDIR="$LAB_DIR" OVS_DBDIR="$LAB_DIR" OVS_LOGDIR="$LAB_DIR" \
           OVS_SYSCONFDIR="$LAB_DIR"

    ip netns add "$LAB_NS" || { t_fail "lab: create netns $LAB_NS"; exit 1; }
    lab_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
                      net.ipv6.conf.default.disable_ipv6=1
    lab_ns ip link set lo up

    ovsdb-tool create "$LAB_DIR/conf.db" \
        /usr/share/openvswitch/vswitch.ovsschema >/dev/null || {
        t_fail "lab: ovsdb-tool create"; exit 1; }
    lab_start_ovsdb || { t_fail "lab: start ovsdb-server"; exit 1; }
    lab_vsctl --no-wait init >/dev/null
    lab_start_vswitchd || { t_fail "lab: start ovs-vswitchd"; exit 1; }
}

# (Re)starts the lab's ovsdb-server on its database.
lab_start_ovsdb() {
    lab_ns ovsdb-server "$LAB_DIR/conf.db" --remote="punix:$LAB_DIR/db.sock" \
        --pidfile="$LAB_DIR/ovsdb-server.pid" \
        --unixctl="$LAB_DIR/ovsdb-server.ctl" \
        --log-file="$LAB_DIR/ovsdb-server.log" -vconsole:off --detach --no-chdir \
        2>/dev/null
}

# (Re)starts the lab's ovs-vswitchd and waits until it has caught up.
lab_start_vswitchd() {
    lab_ns ovs-vswitchd "$LAB_DB" --pidfile="$LAB_DIR/ovs-vswitchd.pid" \
        --unixctl="$LAB_DIR/ovs-vswitchd.ctl" \
        --log-file="$LAB_DIR/ovs-vswitchd.log" -vconsole:off --detach \
        --no-chdir 2>/dev/null || return 1
    lab_vsctl set Open_vSwitch . external_ids:jumboagent-lab="$LAB_NS"
}

# Freezes (SIGSTOP) or thaws (SIGCONT) ovs-vswitchd, so that cur_cfg stops
# advancing without losing the daemon.
lab_pause_vswitchd() { kill -STOP "$(cat "$LAB_DIR/ovs-vswitchd.pid")"; }
lab_resume_vswitchd() { kill -CONT "$(cat "$LAB_DIR/ovs-vswitchd.pid")"; }

# lab_extra_ns SUFFIX: a second namespace "$LAB_NS-SUFFIX", removed with the
# lab (teardown removes every "$LAB_NS-*"); prints its name.
lab_extra_ns() {
    local ns="$LAB_NS-$1"
    ip netns add "$ns" && echo "$ns"
}

# lab_veth NAME: a veth pair NAME / NAME-p, both up, inside the lab.
lab_veth() {
    lab_ns ip link add "$1" type veth peer name "$1-p"
    lab_ns ip link set "$1" up
    lab_ns ip link set "$1-p" up
}

lab_ovs_bridge() {
    lab_vsctl add-br "$1" -- set bridge "$1" datapath_type=netdev
    lab_ns ip link set "$1" up
}

lab_pif() {
    lab_veth "$2"
    lab_vsctl add-port "$1" "$2"
}

lab_bond() {
    local br=$1 bond=$2 m1=$3 m2=$4
    lab_veth "$m1"
    lab_veth "$m2"
    lab_vsctl add-bond "$br" "$bond" "$m1" "$m2" bond_mode=active-backup
}

lab_tap_vif() {
    local br=$1 name=$2 kv
    shift 2
    local sets=()
    for kv in "$@"; do
        sets+=("external_ids:${kv%%=*}=\"${kv#*=}\"")
    done
    lab_ns ip tuntap add dev "$name" mode tap
    lab_ns ip link set "$name" up
    if [ ${#sets[@]} -gt 0 ]; then
        lab_vsctl add-port "$br" "$name" -- set interface "$name" "${sets[@]}"
    else
        lab_vsctl add-port "$br" "$name"
    fi
}

lab_linux_bridge() {
    lab_ns ip link add "$1" type bridge
    lab_ns ip link set "$1" up
}

lab_linux_port() {
    local br=$1 name=$2 type=$3
    case $type in
    veth) lab_veth "$name" ;;
    tap) lab_ns ip tuntap add dev "$name" mode tap
         lab_ns ip link set "$name" up ;;
    *) echo "lab_linux_port: unknown type '$type' (veth or tap)" >&2; return 1 ;;
    esac
    lab_ns ip link set "$name" master "$br"
}

lab_fake_bridge() {
    local parent=$1 name=$2 tag=$3 addr=${4:-}
    lab_vsctl add-br "$name" "$parent" "$tag"
    lab_ns ip link set "$name" up
    [ -z "$addr" ] || lab_ns ip addr add "$addr" dev "$name"
}

lab_internal_port() {
    local br=$1 name=$2 tag=${3:-} addr=${4:-}
    lab_vsctl add-port "$br" "$name" ${tag:+tag=$tag} \
        -- set interface "$name" type=internal
    lab_ns ip link set "$name" up
    [ -z "$addr" ] || lab_ns ip addr add "$addr" dev "$name"
}

lab_vxlan() {
    local name=$1 dev=$2 local=$3 remote=$4
    lab_ns ip link add "$name" type vxlan id 42 dev "$dev" local "$local" \
        remote "$remote" dstport 4789 || return 1
    lab_ns ip link set "$name" up
}

lab_hybrid_plug() {
    local lbr=$1 obr=$2 qvb=$3 qvo=$4 kv
    shift 4
    local sets=()
    for kv in "$@"; do
        sets+=("external_ids:${kv%%=*}=\"${kv#*=}\"")
    done
    lab_ns ip link add "$qvb" type veth peer name "$qvo"
    lab_ns ip link set "$qvb" master "$lbr"
    lab_ns ip link set "$qvb" up
    lab_ns ip link set "$qvo" up
    if [ ${#sets[@]} -gt 0 ]; then
        lab_vsctl add-port "$obr" "$qvo" -- set interface "$qvo" "${sets[@]}"
    else
        lab_vsctl add-port "$obr" "$qvo"
    fi
}

lab_host() {
    local ns
    ns=$(lab_extra_ns "$1") || return 1
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
        net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
    echo "$ns"
}

lab_wire() {
    local ns1=$1 dev1=$2 ns2=$3 dev2=$4 mtu=$5
    ip link add name "$dev1" netns "$ns1" mtu "$mtu" type veth \
        peer name "$dev2" netns "$ns2" mtu "$mtu" || return 1
    ip -n "$ns1" link set "$dev1" up && ip -n "$ns2" link set "$dev2" up
}

# The kernel exempts "fragmentation needed" from the ICMP rate limits, and
# this kernel has no netfilter or tc filters: a policy rule sends every
# packet the namespace itself originates with protocol ICMP (iif lo) to a
# blackhole route.  Forwarded packets (the peers' echo replies) still pass.
lab_no_icmp_errors() {
    ip -n "$1" route add blackhole default table 4242 &&
        ip -n "$1" rule add iif lo ipproto icmp lookup 4242 priority 100
}
