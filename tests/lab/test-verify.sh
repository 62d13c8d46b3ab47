#!/bin/bash
# Lab test of path verification ("jumboagent verify", "apply --verify"):
# namespaces as hosts, routers and a switch, made by lib.sh, and a verdict
# per path, each compared with iputils ping -M do and tracepath run in the
# same namespaces:
#   1. two hosts on a 9000 path: pass;
#   2. a router whose far link is 1500: frag-needed, "hop 10.2.0.254
#      announced mtu 1500";
#   3. a Linux-bridge switch with one port at 1500: black hole, largest
#      passing size 1500;
#   4. a router that sends no ICMP errors, far link 1500: black hole, 1500;
#   5. VXLAN over a 9000 underlay (DF set on the outer packets): inner 8950
#      passes, inner 9000 fails;
#   6. IPv6 in namespaces of their own (no OVS there): a 9000 path passes
#      (ping -6 -s 8952), a router whose far link is 1500, then 1280,
#      answers "Packet Too Big" with its address and that MTU;
# bad input (a peer that is not an address, an unknown interface, no
# CAP_NET_RAW) exits 1 and changes nothing; an interface without an address
# is "cannot verify" (exit 4); "apply --verify" keeps a change whose path
# passes, rolls back one whose path fails (exit 4, ip shows the MTUs from
# before), and keeps it with --no-rollback.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
STATE=$LAB_DIR/state
LOCK=$LAB_DIR/run.lock
A=$LAB_NS

verify() {   # verify POLICY [ARGS...]: a verify run of the lab
    local p=$1
    shift
    lab_agent verify --policy "$p" --timeout 0.5 "$@"
}

# ping_ok DEV SIZE PEER: true if ping -M do of SIZE bytes of payload from
# DEV gets an answer.
ping_ok() {
    lab_ns ping -n -q -M do -c 2 -i 0.2 -W 1 -s "$2" -I "$1" "$3" \
        >/dev/null 2>&1
}
# ping_mtu DEV SIZE PEER: the MTU that ping -M do reports ("mtu = N" from
# a hop, or "mtu=N" for a local error), "" if none.
ping_mtu() {
    lab_ns ping -n -M do -c 2 -i 0.2 -W 1 -s "$2" -I "$1" "$3" 2>&1 |
        sed -n 's/.*mtu *= *\([0-9]*\).*/\1/p' | head -1
}
# tracepath_pmtu PEER LEN: the path MTU with which tracepath, probing with
# LEN, reaches PEER ("pmtu N" of its Resume line after a "reached" hop);
# "none" if it never reaches it (a black hole: every hop "no reply").
tracepath_pmtu() {
    local out
    out=$(timeout 20 ip netns exec "$A" tracepath -n -m 2 -l "$2" "$1" 2>&1)
    if printf '%s\n' "$out" | grep -q " reached"; then
        printf '%s\n' "$out" | sed -n 's/.*Resume: pmtu \([0-9]*\).*/\1/p'
    else
        echo none
    fi
}
# netpolicy FILE NAME BRIDGE MTU PEER [EXTRA_JSON]: a one-network policy.
netpolicy() {
    cat >"$1" <<JSON
{"version": 1, "networks": [
  {"name": "$2", "bridge": "$3", "mtu": $4, "verify": {"peers": ["$5"]}${6:-}}]}
JSON
}
# field JSON_FILE PYTHON_EXPR: a value of the JSON in JSON_FILE ('d').
field() {
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# Host A is the lab's namespace; every network is a Linux bridge there.
# 1: A br1 (10.1.0.1) --9000-- B1 (10.1.0.2)
lab_linux_bridge br1
B1=$(lab_host b1)
lab_wire "$A" up1 "$B1" eth0 9000
lab_ns ip link set up1 master br1
lab_ns ip link set br1 mtu 9000
lab_ns ip addr add 10.1.0.1/24 dev br1
ip -n "$B1" addr add 10.1.0.2/24 dev eth0

# 2 and 4: A brN (10.N.0.1) --9000-- router (10.N.0.254 | 10.N.1.254)
# --1500-- BN (10.N.1.2); router 4 sends no ICMP errors.
for n in 2 4; do
    lab_linux_bridge br$n
    R=$(lab_host r$n)
    B=$(lab_host b$n)
    lab_wire "$A" up$n "$R" near 9000
    lab_wire "$R" far "$B" eth0 1500
    lab_ns ip link set up$n master br$n
    lab_ns ip link set br$n mtu 9000
    lab_ns ip addr add 10.$n.0.1/24 dev br$n
    lab_ns ip route add 10.$n.1.0/24 via 10.$n.0.254
    ip -n "$R" addr add 10.$n.0.254/24 dev near
    ip -n "$R" addr add 10.$n.1.254/24 dev far
    ip -n "$B" addr add 10.$n.1.2/24 dev eth0
    ip -n "$B" route add default via 10.$n.1.254
done
lab_no_icmp_errors "$LAB_NS-r4"

# 3: A br3 (10.3.0.1) --9000-- switch (Linux bridge sw: port near at 9000,
# port far at 1500) --- B3 (10.3.0.2, 9000).
lab_linux_bridge br3
S3=$(lab_host s3)
B3=$(lab_host b3)
lab_wire "$A" up3 "$S3" near 9000
lab_wire "$S3" far "$B3" eth0 9000
ip -n "$S3" link add sw type bridge
ip -n "$S3" link set near master sw
ip -n "$S3" link set far master sw
ip -n "$S3" link set far mtu 1500
ip -n "$S3" link set sw up
lab_ns ip link set up3 master br3
lab_ns ip link set br3 mtu 9000
lab_ns ip addr add 10.3.0.1/24 dev br3
ip -n "$B3" addr add 10.3.0.2/24 dev eth0

# 5: A brU5 (10.5.0.1) --9000-- B5 (10.5.0.2); VXLAN vx5 (DF set, as Open
# vSwitch tunnels do) in bridge brO5 (192.168.5.1) to B5's vx5
# (192.168.5.2).  Without DF the kernel would fragment the outer packets
# and the overlay would "pass" at any size.  The VXLAN links are not bound
# to a lower device ("dev"): the kernel would then cap their MTU at the
# lower device's minus 50, and the inner-9000 case could not be built.
lab_linux_bridge brU5
B5=$(lab_host b5)
lab_wire "$A" up5 "$B5" eth0 9000
lab_ns ip link set up5 master brU5
lab_ns ip link set brU5 mtu 9000
lab_ns ip addr add 10.5.0.1/24 dev brU5
ip -n "$B5" addr add 10.5.0.2/24 dev eth0
vxlan_ok=true
if lab_ns ip link add vx5 mtu 8950 type vxlan id 42 \
        local 10.5.0.1 remote 10.5.0.2 dstport 4789 df set 2>/dev/null &&
   ip -n "$B5" link add vx5 mtu 9000 type vxlan id 42 \
        local 10.5.0.2 remote 10.5.0.1 dstport 4789 df set; then
    lab_linux_bridge brO5
    lab_ns ip link set vx5 master brO5
    lab_ns ip link set vx5 up
    lab_ns ip link set brO5 mtu 8950
    lab_ns ip addr add 192.168.5.1/24 dev brO5
    ip -n "$B5" link set vx5 up
    ip -n "$B5" addr add 192.168.5.2/24 dev vx5
else
    vxlan_ok=false
fi

# Reachability at small sizes first: the verdicts below are about size.
for p in "br1 10.1.0.2" "br2 10.2.1.2" "br3 10.3.0.2" "br4 10.4.1.2"; do
    set -- $p
    lab_poll 5 ping_ok "$1" 56 "$2" || t_diag "no small ping: $p"
done

# --- 1. pass at 9000 ---
netpolicy "$LAB_DIR/v1.json" path9000 br1 9000 10.1.0.2
verify "$LAB_DIR/v1.json" >"$LAB_DIR/out1" 2>&1
t_is 0 $? "9000 path: verify exits 0"
grep -q "10.1.0.2 from 10.1.0.1: pass: packets of 9000 bytes" \
    "$LAB_DIR/out1" && t_ok "9000 path: pass from br1's address" ||
    t_fail "9000 path: pass line" "$(cat "$LAB_DIR/out1")"
ping_ok br1 8972 10.1.0.2 && t_ok "9000 path: ping -M do -s 8972 agrees" ||
    t_fail "9000 path: ping -M do -s 8972 agrees"
t_is 9000 "$(tracepath_pmtu 10.1.0.2 9000)" "9000 path: tracepath agrees"

# --- 2. a router announces 1500 ---
netpolicy "$LAB_DIR/v2.json" routed br2 9000 10.2.1.2
verify "$LAB_DIR/v2.json" --format json >"$LAB_DIR/out2" 2>"$LAB_DIR/err2"
t_is 4 $? "router at 1500: verify exits 4"
t_is "frag-needed 10.2.0.254 1500" \
    "$(field "$LAB_DIR/out2" '" ".join(str(d["verify"][0]["peers"][0][k]) for k in ("verdict", "hop", "hop_mtu"))' 2>&1)" \
    "router at 1500: JSON verdict frag-needed, hop 10.2.0.254, mtu 1500"
verify "$LAB_DIR/v2.json" >"$LAB_DIR/out2t" 2>&1
grep -q "hop 10.2.0.254 announced mtu 1500" "$LAB_DIR/out2t" &&
    t_ok "router at 1500: \"hop 10.2.0.254 announced mtu 1500\"" ||
    t_fail "router at 1500: text verdict" "$(cat "$LAB_DIR/out2t")"
t_is 1500 "$(ping_mtu br2 8972 10.2.1.2)" \
    "router at 1500: ping -M do -s 8972 reports mtu 1500 too"
ping_ok br2 1472 10.2.1.2 && t_ok "router at 1500: ping -s 1472 passes" ||
    t_fail "router at 1500: ping -s 1472 passes"
lab_ns ip route flush cache >/dev/null 2>&1
t_is 1500 "$(tracepath_pmtu 10.2.1.2 9000)" "router at 1500: tracepath agrees"

# --- 3. a switch port at 1500 ---
netpolicy "$LAB_DIR/v3.json" switched br3 9000 10.3.0.2
verify "$LAB_DIR/v3.json" --format json >"$LAB_DIR/out3" 2>"$LAB_DIR/err3"
t_is 4 $? "switch port at 1500: verify exits 4"
t_is "black-hole 1500" \
    "$(field "$LAB_DIR/out3" 'd["verify"][0]["peers"][0]["verdict"]+" "+str(d["verify"][0]["peers"][0]["largest_passing"])' 2>&1)" \
    "switch port at 1500: black hole, largest passing size 1500"
ping_ok br3 1472 10.3.0.2 && ! ping_ok br3 1473 10.3.0.2 &&
    t_is "" "$(ping_mtu br3 8972 10.3.0.2)" \
        "switch port at 1500: ping passes at 1472, not 1473, and no hop reports an mtu" ||
    t_fail "switch port at 1500: ping -M do agrees"
t_is none "$(tracepath_pmtu 10.3.0.2 9000)" \
    "switch port at 1500: tracepath at 9000 never reaches the peer"
t_is 1500 "$(tracepath_pmtu 10.3.0.2 1500)" \
    "switch port at 1500: tracepath at 1500 does"

# --- 4. a router that sends no ICMP errors ---
netpolicy "$LAB_DIR/v4.json" silent br4 9000 10.4.1.2
verify "$LAB_DIR/v4.json" >"$LAB_DIR/out4" 2>&1
t_is 4 $? "silent router: verify exits 4"
grep -q "10.4.1.2 from 10.4.0.1: fail: black hole: .*largest passing size 1500" \
    "$LAB_DIR/out4" && t_ok "silent router: black hole, largest 1500" ||
    t_fail "silent router: black hole" "$(cat "$LAB_DIR/out4")"
ping_ok br4 1472 10.4.1.2 && ! ping_ok br4 1473 10.4.1.2 &&
    t_is "" "$(ping_mtu br4 8972 10.4.1.2)" \
        "silent router: ping passes at 1472, not 1473, and no hop reports an mtu" ||
    t_fail "silent router: ping -M do agrees"
t_is none "$(tracepath_pmtu 10.4.1.2 9000)" \
    "silent router: tracepath at 9000 never reaches the peer"
t_is 1500 "$(tracepath_pmtu 10.4.1.2 1500)" \
    "silent router: tracepath at 1500 does"

# --- 5. VXLAN overlay ---
if $vxlan_ok; then
    cat >"$LAB_DIR/v5.json" <<JSON
{"version": 1, "networks": [
  {"name": "under5", "bridge": "brU5", "mtu": 9000,
   "verify": {"peers": ["10.5.0.2"]}},
  {"name": "over5", "bridge": "brO5", "mtu": 8950,
   "overlay": {"type": "vxlan", "underlay": "under5"},
   "verify": {"peers": ["192.168.5.2"]}}]}
JSON
    lab_poll 5 ping_ok brO5 56 192.168.5.2 || t_diag "no small ping over vxlan"
    verify "$LAB_DIR/v5.json" >"$LAB_DIR/out5" 2>&1
    t_is 0 $? "vxlan inner 8950 over 9000: verify exits 0"
    grep -q "inner mtu 8950 through the vxlan tunnel over network under5" \
        "$LAB_DIR/out5" && grep -q "192.168.5.2 from 192.168.5.1: pass" \
        "$LAB_DIR/out5" && grep -q "10.5.0.2 from 10.5.0.1: pass" \
        "$LAB_DIR/out5" && t_ok "vxlan: inner 8950 and underlay 9000 pass" ||
        t_fail "vxlan: inner 8950" "$(cat "$LAB_DIR/out5")"
    ping_ok brO5 8922 192.168.5.2 &&
        t_ok "vxlan: ping -M do -s 8922 over the tunnel agrees" ||
        t_fail "vxlan: ping -M do -s 8922 over the tunnel agrees"

    lab_ns ip link set vx5 mtu 9000
    lab_ns ip link set brO5 mtu 9000
    netpolicy "$LAB_DIR/v5b.json" over9000 brO5 9000 192.168.5.2
    verify "$LAB_DIR/v5b.json" >"$LAB_DIR/out5b" 2>&1
    t_is 4 $? "vxlan inner 9000 over 9000: verify exits 4"
    t_diag "$(grep "^  192.168.5.2" "$LAB_DIR/out5b")"
    grep -q "192.168.5.2 from 192.168.5.1: fail: .*8950" "$LAB_DIR/out5b" &&
        t_ok "vxlan inner 9000: fails, 8950 is what passes" ||
        t_fail "vxlan inner 9000" "$(cat "$LAB_DIR/out5b")"
    ! ping_ok brO5 8972 192.168.5.2 && ping_ok brO5 8922 192.168.5.2 &&
        t_ok "vxlan inner 9000: ping -M do fails at 8972, passes at 8922" ||
        t_fail "vxlan inner 9000: ping -M do agrees"
else
    t_ok "# SKIP vxlan: this kernel cannot make a VXLAN link with df set"
fi

# --- 6. IPv6, without OVS ---
# The lab's namespace has IPv6 off (ovs-vswitchd's userspace datapath
# floods it), so these hosts are namespaces of their own, with IPv6 on
# inside them only, and the agent runs in H6:
#   H6 br61 (fd00:61::1) --9000-- P6 (fd00:61::2);
#   H6 br62 (fd00:62::1) --9000-- router R6 (fd00:62::fe | fd00:63::fe)
#   --1500, then 1280-- B6 (fd00:63::2).
# An IPv6 echo of MTU bytes carries MTU-48 bytes of payload (40 of IPv6
# header, 8 of ICMPv6), which is what ping -6 -s takes.
v6_host() {   # v6_host SUFFIX: lab_host, with IPv6 on in it (no DAD wait)
    local ns
    ns=$(lab_host "$1") || return 1
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
        net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0 \
        net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.accept_dad=0 \
        net.ipv6.conf.default.accept_dad=0 || return 1
    echo "$ns"
}
H6=$(v6_host h6)
P6=$(v6_host p6)
R6=$(v6_host r6)
B6=$(v6_host b6)
v6_ok=false
if [ -n "$H6" ] && [ -n "$P6" ] && [ -n "$R6" ] && [ -n "$B6" ] &&
   [ "$(ip netns exec "$H6" cat /proc/sys/net/ipv6/conf/all/disable_ipv6)" = 0 ]; then
    ip -n "$H6" link add br61 type bridge
    ip -n "$H6" link add br62 type bridge
    lab_wire "$H6" up61 "$P6" eth0 9000
    lab_wire "$H6" up62 "$R6" near 9000
    lab_wire "$R6" far "$B6" eth0 1500
    for n in 61 62; do
        ip -n "$H6" link set up$n master br$n
        ip -n "$H6" link set br$n mtu 9000 up
        ip -n "$H6" addr add fd00:$n::1/64 dev br$n nodad
    done
    ip -n "$P6" addr add fd00:61::2/64 dev eth0 nodad
    ip -n "$R6" addr add fd00:62::fe/64 dev near nodad
    ip -n "$R6" addr add fd00:63::fe/64 dev far nodad
    ip -n "$B6" addr add fd00:63::2/64 dev eth0 nodad
    ip -n "$H6" -6 route add fd00:63::/64 via fd00:62::fe
    ip -n "$B6" -6 route add default via fd00:63::fe
    v6_ok=true
fi
h6() { ip netns exec "$H6" "$@"; }
verify6() {   # verify6 POLICY [ARGS...]: a verify run in H6
    local p=$1
    shift
    h6 "$JUMBOAGENT" --db "$LAB_DB" verify --policy "$p" --timeout 0.5 "$@"
}
ping6_ok() {  # ping6_ok SIZE PEER
    h6 ping -6 -n -q -M do -c 2 -i 0.2 -W 1 -s "$1" "$2" >/dev/null 2>&1
}
# ping6_ptb SIZE PEER: "HOP MTU" of the Packet Too Big that ping -6 -M do
# sees first, with the route's cached path MTU flushed, "" if none.
ping6_ptb() {
    h6 ip -6 route flush cache >/dev/null 2>&1
    h6 ping -6 -n -M do -c 1 -W 1 -s "$1" "$2" 2>&1 |
        sed -n 's/^From \([0-9a-f:]*\).*Packet too big: mtu=\([0-9]*\).*/\1 \2/p' |
        head -1
}
tracepath6_pmtu() {   # tracepath6_pmtu PEER LEN: as tracepath_pmtu, in H6
    local out
    h6 ip -6 route flush cache >/dev/null 2>&1
    out=$(timeout 20 ip netns exec "$H6" tracepath -6 -n -m 3 -l "$2" "$1" 2>&1)
    if printf '%s\n' "$out" | grep -q " reached"; then
        printf '%s\n' "$out" | sed -n 's/.*Resume: pmtu \([0-9]*\).*/\1/p'
    else
        echo none
    fi
}
if $v6_ok; then
    lab_poll 5 ping6_ok 56 fd00:61::2 || t_diag "no small IPv6 ping to P6"
    lab_poll 5 ping6_ok 56 fd00:63::2 || t_diag "no small IPv6 ping to B6"

    netpolicy "$LAB_DIR/v6a.json" path6 br61 9000 fd00:61::2
    verify6 "$LAB_DIR/v6a.json" >"$LAB_DIR/out6a" 2>&1
    t_is 0 $? "IPv6 9000 path: verify exits 0"
    grep -q "fd00:61::2 from fd00:61::1: pass: packets of 9000 bytes unfragmented reach fd00:61::2" \
        "$LAB_DIR/out6a" && t_ok "IPv6 9000 path: pass from br61's global address" ||
        t_fail "IPv6 9000 path: pass line" "$(cat "$LAB_DIR/out6a")"
    ping6_ok 8952 fd00:61::2 && ! ping6_ok 8953 fd00:61::2 &&
        t_ok "IPv6 9000 path: ping -6 -M do passes at -s 8952 (9000-48), not 8953" ||
        t_fail "IPv6 9000 path: ping -6 -M do -s 8952 agrees"
    t_is 9000 "$(tracepath6_pmtu fd00:61::2 9000)" \
        "IPv6 9000 path: tracepath -6 agrees"

    for far in 1500 1280; do
        ip -n "$R6" link set far mtu $far
        ip -n "$B6" link set eth0 mtu $far
        h6 ip -6 route flush cache >/dev/null 2>&1
        netpolicy "$LAB_DIR/v6b.json" routed6 br62 9000 fd00:63::2
        verify6 "$LAB_DIR/v6b.json" --format json >"$LAB_DIR/out6b" \
            2>"$LAB_DIR/err6b"
        t_is 4 $? "IPv6 router at $far: verify exits 4"
        t_is "frag-needed fd00:62::fe $far" \
            "$(field "$LAB_DIR/out6b" '" ".join(str(d["verify"][0]["peers"][0][k]) for k in ("verdict", "hop", "hop_mtu"))' 2>&1)" \
            "IPv6 router at $far: JSON verdict frag-needed, hop fd00:62::fe, mtu $far"
        verify6 "$LAB_DIR/v6b.json" >"$LAB_DIR/out6bt" 2>&1
        grep -q "hop fd00:62::fe announced mtu $far (packet too big)" \
            "$LAB_DIR/out6bt" &&
            t_ok "IPv6 router at $far: \"hop fd00:62::fe announced mtu $far (packet too big)\"" ||
            t_fail "IPv6 router at $far: text verdict" "$(cat "$LAB_DIR/out6bt")"
        t_is "fd00:62::fe $far" "$(ping6_ptb 8952 fd00:63::2)" \
            "IPv6 router at $far: ping -6 -M do -s 8952 gets Packet Too Big from the same hop and mtu"
        ping6_ok $((far - 48)) fd00:63::2 &&
            t_ok "IPv6 router at $far: ping -6 -s $((far - 48)) passes" ||
            t_fail "IPv6 router at $far: ping -6 -s $((far - 48)) passes"
        t_is $far "$(tracepath6_pmtu fd00:63::2 9000)" \
            "IPv6 router at $far: tracepath -6 agrees"
    done
else
    t_ok "# SKIP IPv6: cannot turn IPv6 on in a namespace of the lab"
fi

# --- bad input: exit 1, nothing probed or changed ---
netpolicy "$LAB_DIR/bad1.json" bad br1 9000 storage.example
verify "$LAB_DIR/bad1.json" >"$LAB_DIR/outb1" 2>&1
t_is 1 $? "peer that is not an address: exit 1"
grep -q "verify.peers\[0\].*IPv4 or IPv6 address" "$LAB_DIR/outb1" &&
    t_ok "peer that is not an address: the message names it" ||
    t_fail "peer that is not an address: message" "$(cat "$LAB_DIR/outb1")"
netpolicy "$LAB_DIR/bad2.json" bad br1 9000 10.1.0.2 \
    ', "verify": {"peers": ["10.1.0.2"], "source": "nosuch0"}'
sed -i 's/"verify": {"peers": \["10.1.0.2"\]}, "verify"/"verify"/' \
    "$LAB_DIR/bad2.json"
verify "$LAB_DIR/bad2.json" >"$LAB_DIR/outb2" 2>&1
t_is 1 $? "unknown interface: exit 1"
grep -q "interface nosuch0 (its verify.source) does not exist" \
    "$LAB_DIR/outb2" && t_ok "unknown interface: the message names it" ||
    t_fail "unknown interface: message" "$(cat "$LAB_DIR/outb2")"
ip netns exec "$A" capsh --drop=cap_net_raw -- -c \
    "'$JUMBOAGENT' verify --policy '$LAB_DIR/v1.json'" >"$LAB_DIR/outb3" 2>&1
t_is 1 $? "no CAP_NET_RAW: exit 1"
grep -q "needs CAP_NET_RAW" "$LAB_DIR/outb3" &&
    t_ok "no CAP_NET_RAW: the message says so" ||
    t_fail "no CAP_NET_RAW: message" "$(cat "$LAB_DIR/outb3")"

# An interface without an address: "cannot verify", never a pass.
lab_linux_bridge brN
netpolicy "$LAB_DIR/noaddr.json" storage brN 9000 10.1.0.2
verify "$LAB_DIR/noaddr.json" >"$LAB_DIR/outn" 2>&1
t_is 4 $? "no address on the interface: exit 4"
grep -q "cannot verify: interface brN has no IPv4 address" "$LAB_DIR/outn" &&
    grep -q 'verify.*source' "$LAB_DIR/outn" &&
    t_ok "no address: cannot verify, with the fix (verify.source)" ||
    t_fail "no address: cannot verify" "$(cat "$LAB_DIR/outn")"

# --- apply --verify: the gate ---
# brP/upP at 1500 with a peer at 9000 (passes once raised); brF/upF at
# 1500 with a peer whose end stays at 1500 (a black hole once raised).
for n in P F; do
    lab_linux_bridge br$n
    H=$(lab_host h$n)
    lab_wire "$A" up$n "$H" eth0 1500
    [ $n = P ] && ip -n "$H" link set eth0 mtu 9000
    lab_ns ip link set up$n master br$n
done
lab_ns ip addr add 10.7.0.1/24 dev brP
ip -n "$LAB_NS-hP" addr add 10.7.0.2/24 dev eth0
lab_ns ip addr add 10.8.0.1/24 dev brF
ip -n "$LAB_NS-hF" addr add 10.8.0.2/24 dev eth0
mtus() { echo "$(lab_ns cat /sys/class/net/br$1/mtu) $(lab_ns cat /sys/class/net/up$1/mtu)"; }
apply_verify() {   # apply_verify POLICY [ARGS...]
    local p=$1
    shift
    lab_agent --policy "$p" --state-dir "$STATE" --lock-file "$LOCK" \
        --timeout 0.5 --verify "$@"
}
netpolicy "$LAB_DIR/gp.json" good brP 9000 10.7.0.2 ', "uplinks": ["upP"]'
netpolicy "$LAB_DIR/gf.json" bad brF 9000 10.8.0.2 ', "uplinks": ["upF"]'

apply_verify "$LAB_DIR/gp.json" >"$LAB_DIR/outgp" 2>&1
t_is 0 $? "apply --verify, path passes: exit 0"
t_is "9000 9000" "$(mtus P)" "apply --verify, path passes: the change stays"

apply_verify "$LAB_DIR/gf.json" >"$LAB_DIR/outgf" 2>&1
t_is 4 $? "apply --verify, path fails: exit 4"
t_is "1500 1500" "$(mtus F)" \
    "apply --verify, path fails: ip shows brF and upF back at 1500"
grep -q "black hole" "$LAB_DIR/outgf" &&
    grep -q "verify failed: everything the run changed was put back" \
        "$LAB_DIR/outgf" && t_ok "apply --verify: says which path failed and that it rolled back" ||
    t_fail "apply --verify: messages" "$(cat "$LAB_DIR/outgf")"
[ ! -e "$STATE/$(ls "$STATE" 2>/dev/null | head -1)" ] || [ -z "$(ls "$STATE")" ] &&
    t_ok "apply --verify, rolled back: no journal left" ||
    t_fail "apply --verify, rolled back: journal left" "$(ls "$STATE")"

apply_verify "$LAB_DIR/gf.json" --no-rollback >"$LAB_DIR/outgk" 2>&1
t_is 4 $? "apply --verify --no-rollback, path fails: exit 4"
t_is "9000 9000" "$(mtus F)" "apply --verify --no-rollback: the change stays"
grep -q "the changes are kept (--no-rollback): .*upF MTU 9000 (was 1500)" "$LAB_DIR/outgk" &&
    grep -q "the changes are kept (--no-rollback): .*brF MTU 9000 (was 1500).*; to undo them" "$LAB_DIR/outgk" &&
    t_ok "apply --verify --no-rollback: the message lists each kept change with its value before, and how to undo it" ||
    t_fail "apply --verify --no-rollback: message" "$(cat "$LAB_DIR/outgk")"
lab_ns ip link set upF mtu 1500
lab_ns ip link set brF mtu 1500

# Bad input with --verify: exit 1 before any change.
netpolicy "$LAB_DIR/gb.json" bad brF 9000 10.8.0.2 \
    ', "uplinks": ["upF"], "verify": {"peers": ["10.8.0.2"], "source": "nosuch0"}'
sed -i 's/"verify": {"peers": \["10.8.0.2"\]}, "uplinks"/"uplinks"/' \
    "$LAB_DIR/gb.json"
apply_verify "$LAB_DIR/gb.json" >"$LAB_DIR/outgb" 2>&1
t_is 1 $? "apply --verify, unknown interface: exit 1"
t_is "1500 1500" "$(mtus F)" "apply --verify, unknown interface: nothing changed"
