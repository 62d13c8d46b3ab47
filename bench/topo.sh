# The bench's host: source after tests/lab/lib.sh, call after lab_start.
#
#   bench_topology N
#
# builds, inside the lab's namespace, the realistic host of issue 13: OVS
# bridge xenbr1 (datapath netdev) with an OVS bond "bond0" of two veth
# uplinks (eth2, eth3) and N tap VIFs vif1.0 ... vifN.0 with Xen-style
# external_ids; and Linux bridge br0 with a veth uplink eno2 and N taps
# vnet1 ... vnetN.  Everything starts at MTU 1500.  The taps are made with
# one "ip -batch" and the OVS ports with one chained ovs-vsctl, so that
# building N = 2000 takes seconds, not the per-port loop's minutes.
#
# It also writes the policies the bench applies, in $LAB_DIR:
#   ovs-MTU.json  the OVS network only (xenbr1), "replug": true, so that
#                 the bond's members are bounced as a careful operator does
#   lb-MTU.json   the Linux-bridge network only (br0)
#   all-MTU.json  both networks
# for MTU 1500 and 9000.

# bench_topology N: see above.  Returns nonzero if a step failed.
bench_topology() {
    local n=$1 i batch=$LAB_DIR/topo.batch
    local vsctl=(--timeout=120 add-br xenbr1 -- set bridge xenbr1
                 datapath_type=netdev)

    lab_veth eth2 && lab_veth eth3 && lab_veth eno2 || return 1
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
    printf 'link add br0 type bridge\nlink set br0 up\n' >>"$batch"
    printf 'link set eno2 master br0\n' >>"$batch"
    for i in $(seq 1 "$n"); do
        printf 'tuntap add dev vnet%d mode tap\nlink set vnet%d up\n' \
            "$i" "$i" >>"$batch"
        printf 'link set vnet%d master br0\n' "$i" >>"$batch"
    done
    lab_ns ip -batch "$batch" || return 1
    ovs-vsctl --db="$LAB_DB" "${vsctl[@]}" || return 1
    lab_ns ip link set xenbr1 up || return 1

    for m in 1500 9000; do
        cat >"$LAB_DIR/ovs-$m.json" <<JSON
{"version": 1, "networks": [
  {"name": "storage", "bridge": "xenbr1", "mtu": $m, "replug": true}]}
JSON
        cat >"$LAB_DIR/lb-$m.json" <<JSON
{"version": 1, "networks": [
  {"name": "guests", "bridge": "br0", "mtu": $m}]}
JSON
        cat >"$LAB_DIR/all-$m.json" <<JSON
{"version": 1, "networks": [
  {"name": "storage", "bridge": "xenbr1", "mtu": $m, "replug": true},
  {"name": "guests", "bridge": "br0", "mtu": $m}]}
JSON
    done
}
