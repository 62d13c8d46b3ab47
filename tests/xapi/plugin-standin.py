#!/usr/bin/env python3
"""A stand-in for the jumboagent xapi plugin, for tests only.

The real plugin (xapi-plugin/, build/jumboagent-xapi-plugin) was being
written at the same time as "pool-set-mtu"; this script answers the same
contract so that the pool lab test runs without it.  It is not the plugin:
it knows Linux bridges only.

argv: [--refuse-drivers=D1,D2] METHODCALL (the XML is the last argument,
as xapi passes it).  Functions:
  check  {bridge, mtu}  -> {"ok", "refusals": [{interface, driver, reason}]}
  verify {bridge, mtu, peers, timeout?} -> docs/verify-json.md's shape
stdout: one methodResponse {Status, Value | ErrorDescription}, exit 0.
"""

import json
import os
import subprocess
import sys
import xmlrpc.client


def driver(dev):
    try:
        return os.path.basename(os.readlink(
            "/sys/class/net/%s/device/driver" % dev))
    except OSError:
        pass
    r = subprocess.run(["ethtool", "-i", dev], capture_output=True,
                       text=True)
    for line in r.stdout.splitlines():
        if line.startswith("driver:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def ports(bridge):
    try:
        return sorted(os.listdir("/sys/class/net/%s/brif" % bridge))
    except OSError:
        return []


def mtu_of(dev):
    with open("/sys/class/net/%s/mtu" % dev) as f:
        return int(f.read())


def check(args, refuse):
    bridge, mtu = args["bridge"], int(args["mtu"])
    refusals = []
    for dev in ports(bridge):
        d = driver(dev)
        if d in refuse:
            refusals.append({"interface": dev, "driver": d, "reason":
                             "%s: driver %s is refused for MTU %d by the "
                             "driver table; leave this network at its MTU "
                             "or replace the NIC" % (dev, d, mtu)})
    return {"ok": not refusals, "refusals": refusals}


def verify(args):
    bridge, mtu = args["bridge"], int(args["mtu"])
    peers = [p for p in args.get("peers", "").split(",") if p]
    results = []
    for dev in [bridge] + ports(bridge):
        if mtu_of(dev) != mtu:
            results.append({"peer": None, "verdict": "fail", "message":
                            "%s has MTU %d, not %d" % (dev, mtu_of(dev),
                                                       mtu)})
    for peer in peers:
        r = subprocess.run(["ping", "-n", "-M", "do", "-c", "1", "-W",
                            args.get("timeout", "1"), "-s", str(mtu - 28),
                            peer], capture_output=True, text=True)
        results.append({"peer": peer, "verdict": "pass" if r.returncode == 0
                        else "black-hole", "message":
                        "%s packets of %d bytes to %s" %
                        ("pass:" if r.returncode == 0 else "fail:", mtu,
                         peer)})
    status = "pass" if all(p["verdict"] == "pass" for p in results) \
        else "fail"
    return {"verify": [{"network": bridge, "interface": bridge, "mtu": mtu,
                        "overlay": None, "status": status,
                        "peers": results}],
            "failed_networks": 0 if status == "pass" else 1,
            "action": "none"}


def main():
    refuse = []
    for a in sys.argv[1:-1]:
        if a.startswith("--refuse-drivers="):
            refuse = a.split("=", 1)[1].split(",")
    try:
        (session, args), fn = xmlrpc.client.loads(sys.argv[-1])
        if fn == "check":
            out = {"Status": "Success",
                   "Value": json.dumps(check(args, refuse))}
        elif fn == "verify":
            out = {"Status": "Success", "Value": json.dumps(verify(args))}
        else:
            out = {"Status": "Failure",
                   "ErrorDescription": ["UNKNOWN_XENAPI_PLUGIN_FUNCTION", fn]}
    except Exception as e:
        out = {"Status": "Failure",
               "ErrorDescription": ["JUMBOAGENT_INTERNAL", str(e)]}
    sys.stdout.write(xmlrpc.client.dumps((out,), methodresponse=True))


if __name__ == "__main__":
    main()
