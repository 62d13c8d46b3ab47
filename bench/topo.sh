# The bench's host: source after tests/lab/lib.sh, call after lab_start.
#
#   bench_topology N
#
# builds, inside the lab's namespace, the realistic host of issue 13: OVS
# bridge xenbr1 (datapath netdev) with an OVS bond "bond0" of two veth
# uplinks (eth2, eth3) and N tap VIFs vif1.0 ... vifN.0 with Xen-style
# external_ids; and Linux bridge br0 with a veth uplink eno2 and N taps
# vnet1 ... vnetN (above 900 taps, br1 with eno3 takes the next 900...).
# Everything starts at MTU 1500.  The taps are made with
# one "ip -batch" and the OVS ports with one chained ovs-vsctl, so that
# building N = 2000 takes seconds, not the per-port loop's minutes.
#
# It also writes the policies the bench applies, in $LAB_DIR:
#   ovs-MTU.json  the OVS network only (xenbr1), "replug": true, so that
#                 the bond's members are bounced as a careful operator does
#   lb-MTU.json   the Linux-bridge networks only (br0, ...)
#   all-MTU.json  both networks
# for MTU 1500 and 9000.

# A Linux bridge takes at most 1024 ports (BR_MAX_PORTS): the taps go to
# br0, br1, ... 900 each (room for the daemon rows' 100 new taps), each
# bridge with its own veth uplink eno2, eno3...
BENCH_TAPS_PER_BRIDGE=900

# bench_topology N: see above.  Sets LB_BRIDGES and LB_UPLINKS (lists).
# Returns nonzero if a step failed.
bench_topology() {
    local n=$1 i b m batch=$LAB_DIR/topo.batch nets_lb nets_ovs
    local vsctl=(--timeout=120 add-br xenbr1 -- set bridge xenbr1
                 datapath_type=netdev)

    LB_BRIDGES= LB_UPLINKS=
    for b in $(seq 0 $(( (n - 1) / BENCH_TAPS_PER_BRIDGE ))); do
        LB_BRIDGES+=" br$b"
        LB_UPLINKS+=" eno$((b + 2))"
    done
    lab_veth eth2 && lab_veth eth3 || return 1
    vsctl+=(-- add-bond xenbr1 bond0 eth2 eth3 bond_mode=active-backup)
    : >"$batch"
    for i in $(seq 1 "$n"); do
        printf 'tuntap add dev vif%d.0 mode tap\nlink set vif%d.0 up\n' \
            "$i" "$i" >>"$batch"
        vsctl+=(-- add-port xenbr1 "vif$i.0"
                -- set interface "vif$i.0"
                "external_ids:xs-vif-uuid=bench-$i"
                "external_ids:attached-mac=\"02:00:00:00:00:01\"")
    done
    for b in $(seq 0 $(( (n - 1) / BENCH_TAPS_PER_BRIDGE ))); do
        lab_veth "eno$((b + 2))" || return 1
        printf 'link add br%d type bridge\nlink set br%d up\n' "$b" "$b" \
            >>"$batch"
        printf 'link set eno%d master br%d\n' $((b + 2)) "$b" >>"$batch"
    done
    for i in $(seq 1 "$n"); do
        printf 'tuntap add dev vnet%d mode tap\nlink set vnet%d up\n' \
            "$i" "$i" >>"$batch"
        printf 'link set vnet%d master br%d\n' "$i" \
            $(( (i - 1) / BENCH_TAPS_PER_BRIDGE )) >>"$batch"
    done
    lab_ns ip -batch "$batch" || return 1
    ovs-vsctl --db="$LAB_DB" "${vsctl[@]}" || return 1
    lab_ns ip link set xenbr1 up || return 1

    for m in 1500 9000; do
        nets_ovs="{\"name\": \"storage\", \"bridge\": \"xenbr1\", \"mtu\": $m, \"replug\": true}"
        nets_lb=
        for b in $LB_BRIDGES; do
            nets_lb+="${nets_lb:+, }{\"name\": \"guests-$b\", \"bridge\": \"$b\", \"mtu\": $m}"
        done
        echo "{\"version\": 1, \"networks\": [$nets_ovs]}" \
            >"$LAB_DIR/ovs-$m.json"
        echo "{\"version\": 1, \"networks\": [$nets_lb]}" \
            >"$LAB_DIR/lb-$m.json"
        echo "{\"version\": 1, \"networks\": [$nets_ovs, $nets_lb]}" \
            >"$LAB_DIR/all-$m.json"
    done
}

# bench_lb_batch N MTU: prints the "ip -batch" commands that set every
# link of the Linux bridges to MTU, in a safe order: upward the uplinks
# first, downward the taps first, the bridges last.
bench_lb_batch() {
    local n=$1 m=$2 i x
    if [ "$m" -gt 1500 ]; then
        for x in $LB_UPLINKS; do echo "link set $x mtu $m"; done
    fi
    for i in $(seq 1 "$n"); do echo "link set vnet$i mtu $m"; done
    if [ "$m" -le 1500 ]; then
        for x in $LB_UPLINKS; do echo "link set $x mtu $m"; done
    fi
    for x in $LB_BRIDGES; do echo "link set $x mtu $m"; done
}
