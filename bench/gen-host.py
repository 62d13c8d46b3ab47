#!/usr/bin/env python3
"""Writes a large host model and policy for bench/scale.sh.

    bench/gen-host.py PORTS OUTDIR [--networks N] [--policy-networks M]

OUTDIR/host.json is a host model (the JSON of "jumboagent show") with PORTS
VM interfaces spread over N networks (default: one per 2000 ports): half
are OVS bridges with a NIC uplink and Xen VIFs, half Linux bridges with a
NIC and tap devices, and one VXLAN overlay network rides on the first Linux
bridge; --tagged gives the OVS VM ports VLAN tags.  Everything runs at 1500; OUTDIR/policy.json asks for 9000 (8950 on
the overlay), so every port gets a step.  --policy-networks M pads the
policy with M more networks whose bridges are not on the host (to reach the
policy size limit); --driver-table N writes OUTDIR/drivers.json with N
drivers and N PCI rules for ixgbe (to reach the driver table's limit)."""

import argparse
import json
import os


def nic(name, master):
    return {"name": name, "mtu": 1500, "min_mtu": 68, "max_mtu": 9710,
            "up": True, "master": master, "driver": "ixgbe",
            "pci": "8086:10fb"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ports", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--networks", type=int, default=0)
    ap.add_argument("--policy-networks", type=int, default=0)
    ap.add_argument("--driver-table", type=int, default=0, metavar="N",
                    help="also write OUTDIR/drivers.json with N drivers "
                    "and N PCI rules for ixgbe")
    ap.add_argument("--tagged", action="store_true",
                    help="give each OVS VM port a VLAN tag, as OpenStack "
                    "does on br-int")
    args = ap.parse_args()

    n_nets = args.networks or max(2, args.ports // 2000)
    n_ovs = max(1, n_nets // 2)
    n_lb = max(1, n_nets - n_ovs)
    links = [{"name": "mgmt0", "mtu": 1500, "up": True, "driver": "e1000e",
              "default_route": True}]
    bridges = []
    networks = []

    for b in range(n_ovs):
        br, up = "xenbr%d" % b, "eth%d" % b
        links.append(nic(up, "ovs-system"))
        links.append({"name": br, "kind": "openvswitch", "mtu": 1500,
                      "max_mtu": 65535, "up": True})
        ports = [{"name": up, "interfaces": [
                     {"name": up, "mtu": 1500, "ofport": 1}]},
                 {"name": br, "interfaces": [
                     {"name": br, "type": "internal", "mtu": 1500,
                      "ofport": 65534}]}]
        bridges.append({"name": br, "ports": ports})
        networks.append({"name": "ovs%d" % b, "bridge": br, "mtu": 9000,
                         "uplinks": [up], "vifs": ["vif*"]})
    for b in range(n_lb):
        br, up = "br%d" % b, "eno%d" % b
        links.append(nic(up, br))
        links.append({"name": br, "kind": "bridge", "kind_name": "bridge",
                      "mtu": 1500, "min_mtu": 68, "max_mtu": 65535,
                      "up": True, "driver": "bridge"})
        networks.append({"name": "lb%d" % b, "bridge": br, "mtu": 9000,
                         "uplinks": [up]})
    links.append({"name": "vxlan100", "kind": "vxlan", "kind_name": "vxlan",
                  "mtu": 1450, "min_mtu": 68, "max_mtu": 65485, "up": True,
                  "master": "br-tenant", "lower": "br0", "driver": "vxlan"})
    links.append({"name": "br-tenant", "kind": "bridge",
                  "kind_name": "bridge", "mtu": 1450, "min_mtu": 68,
                  "max_mtu": 65535, "up": True, "driver": "bridge"})
    networks.append({"name": "tenant", "bridge": "br-tenant", "mtu": 8950,
                     "overlay": {"type": "vxlan", "underlay": "lb0"}})

    n_groups = n_ovs + n_lb + 1
    for i in range(args.ports):
        g = i % n_groups
        if g < n_ovs:
            name = "vif%d.%d" % (i // 16 + 1, i % 16)
            links.append({"name": name, "kind": "xen-vif", "mtu": 1500,
                          "min_mtu": 68, "max_mtu": 65517, "up": True,
                          "master": "ovs-system", "driver": "vif"})
            port = {"name": name, "interfaces": [
                {"name": name, "mtu": 1500, "ofport": 2 + i % 65000,
                 "external_ids": {"xs-vif-uuid": "%08x-0000-4000-8000-%012x"
                                  % (i, i)}}]}
            if args.tagged:
                port["tag"] = 1 + i % 4000
            bridges[g]["ports"].append(port)
        else:
            master = "br%d" % (g - n_ovs) if g < n_groups - 1 else "br-tenant"
            mtu = 1450 if master == "br-tenant" else 1500
            links.append({"name": "vnet%d" % i, "kind": "tun",
                          "kind_name": "tun", "mtu": mtu, "min_mtu": 68,
                          "max_mtu": 65521, "up": True, "master": master,
                          "driver": "tun"})

    for k in range(args.policy_networks):
        networks.append({"name": "pad%d" % k, "bridge": "pad%d" % k,
                         "mtu": 9000, "uplinks": ["pe%d" % k],
                         "vifs": ["pv%d*" % k]})

    host = {"version": 1, "hostname": "bench",
            "sysctls": {"ip_forward": 0, "ipv6_forwarding": 0,
                        "tcp_mtu_probing": 1, "ipv6_disabled": 1},
            "links": links,
            "ovs": {"reachable": True, "remote": "unix:/run/db.sock",
                    "version": "2.17.7", "cur_cfg": 1, "next_cfg": 1,
                    "bridges": bridges}}
    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, "host.json"), "w") as f:
        json.dump(host, f, separators=(",", ":"))
    with open(os.path.join(args.outdir, "policy.json"), "w") as f:
        json.dump({"version": 1, "networks": networks}, f,
                  separators=(",", ":"))
    if args.driver_table:
        n = args.driver_table
        drivers = {"drv%d" % k: {"verdict": "supported",
                                 "reason": "Generated entry %d." % k,
                                 "source": "bench/gen-host.py"}
                   for k in range(n)}
        drivers["ixgbe"] = {
            "verdict": "supported", "reason": "Generated.",
            "source": "bench/gen-host.py",
            "rules": [{"pci": "%04x:%04x" % (0x8000 + k // 65536,
                                             k % 65536),
                       "chip": "gen", "verdict": "supported",
                       "reason": "Generated."}
                      for k in range(n)]}
        with open(os.path.join(args.outdir, "drivers.json"), "w") as f:
            json.dump({"version": 1, "drivers": drivers}, f,
                      separators=(",", ":"))


if __name__ == "__main__":
    main()
