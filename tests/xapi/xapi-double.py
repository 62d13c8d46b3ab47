#!/usr/bin/env python3
"""This is a test double of xapi, not xapi.

It serves xapi's JSON-RPC (v1 and v2, POST /jsonrpc) on a unix socket, over
a pool described by a JSON file, for the lab test of "jumboagent
pool-set-mtu" (tests/lab/test-pool.sh).  Each host of the pool is a lab
network namespace: where xapi would ask xcp-networkd to apply an MTU, the
double applies it itself in that namespace ("ip link set", or "ovs-vsctl set
interface mtu_request" for an OVS host), playing networkd.  host.call_plugin
runs the host's plugin command inside its namespace the way xapi runs a
plugin.

The rules below were modelled from xapi's source, as read for
/work/shared/reference/xapi.md (cited as xapi.md:LINE); none of them has been
confirmed on a real XenServer / XCP-ng host:
  - determine_mtu: PIF.other_config:mtu if it parses, else network.MTU
    (xapi.md:93, nm.ml:34-43);
  - PIF.plug re-applies the MTU even on an attached PIF, devices before the
    bridge, then syncs PIF.MTU from the device (xapi.md:94-100);
  - PIF.plug of a bond slave fails CANNOT_PLUG_BOND_SLAVE; plugging a bond
    master sets its slaves' networks' MTU (xapi.md:95,101);
  - PIF.unplug refusals: HA_IS_ENABLED, PIF_IS_MANAGEMENT_INTERFACE,
    PIF_DOES_NOT_ALLOW_UNPLUG (xapi.md:105-107);
  - network.set_MTU is a pure database write (xapi.md:73-74);
  - a VIF keeps its MTU until VIF.plug, which takes VIF.other_config:mtu
    else network.MTU (xapi.md:88-91);
  - host.call_plugin: argv = [plugin, methodCall in xapi's untyped form],
    environment PATH only, result rules (non-zero exit ->
    XENAPI_PLUGIN_FAILURE, Failure -> that API error, Value must be a
    string) (xapi.md:14-28); an unknown plugin name gives
    XENAPI_MISSING_PLUGIN (xapi.md:10);
  - VIF.plug of an attached VIF fails DEVICE_ALREADY_ATTACHED (from
    xapi's error list, not from xapi.md);
  - JSON-RPC error forms, v1 {result,error:[CODE..],id} and v2
    {code,message:CODE,data} (xapi.md:132-133); SESSION_INVALID for an
    unknown session and pre-authenticated login on the unix socket
    (xapi.md:135-139); MESSAGE_METHOD_UNKNOWN.
Not modelled: XML-RPC on "/", TCP and HOST_IS_SLAVE, tasks (Async.*), a
hanging plugin (the double times a plugin out after 60 s, xapi never does:
xapi.md:22).  VIF_IN_USE on PIF.unplug is not modelled because
"pool-set-mtu" (agent/pool.c) never calls PIF.unplug: it re-applies the
MTU with PIF.plug only.

An OVS host ("backend": "openvswitch", "db": "unix:PATH" of its own
ovsdb-server) gets each MTU as "ovs-vsctl --db=PATH set interface DEV
mtu_request=N" in its namespace, as xcp-networkd's openvswitch backend
does (xapi.md section 3), and PIF.MTU is synced from the bridge's
Interface.mtu once ovs-vswitchd has applied it.  host.call_plugin adds
"db" to the arguments of the plugin functions that read OVSDB (check,
probe, audit) when the caller did not give one: a test-only stand-in for
the host's default OVSDB socket.

Faults: "faults": [{"method": "PIF.plug", "nth": 2, "error": [CODE, ...]}]
in the pool file makes the Nth call of that method fail with that error.
{"method": ..., "nth": N, "drop": "after" | "before", "down_s": S} instead
closes that call's connection without an answer, after or before doing the
call, and drops every request for S more seconds (a caller cut off from
xapi while its own link is re-plugged; the socket then answers again).

Usage:
  xapi-double.py serve POOL.json SOCKET [LOG]    serve until SIGTERM
  xapi-double.py call SOCKET METHOD [JSON-ARG...]  one call (logs in first
      when the first argument is "SESSION"); prints the result as JSON
"""

import http.client
import http.server
import json
import socket
import socketserver
import subprocess
import sys
import time
import xmlrpc.client

PLUGIN_PATH = "/sbin:/usr/sbin:/bin:/usr/bin"   # forkhelpers.ml, xapi.md:20


class Dropped(Exception):
    """A fault: the connection is closed without an answer."""


class Failure(Exception):
    """An API error: CODE and its parameters."""

    def __init__(self, code, *params):
        super().__init__(code)
        self.description = [code] + [str(p) for p in params]


def ref(kind, uuid):
    return "OpaqueRef:%s-%s" % (kind, uuid)


class Pool:
    """The pool database and its rules."""

    def __init__(self, desc):
        self.desc = desc
        self.sessions = set()
        self.calls = {}
        self.down_until = 0.0       # Requests before then are dropped.
        self.hosts = {ref("host", h["uuid"]): h for h in desc["hosts"]}
        self.networks = {ref("network", n["uuid"]): n
                         for n in desc["networks"]}
        self.pifs = {ref("PIF", p["uuid"]): p for p in desc["pifs"]}
        self.vifs = {ref("VIF", v["uuid"]): v for v in desc.get("vifs", [])}
        for p in self.pifs.values():
            p.setdefault("other_config", {})
            p.setdefault("VLAN", -1)
            p.setdefault("currently_attached", True)
            p.setdefault("management", False)
            p.setdefault("disallow_unplug", False)
        for v in self.vifs.values():
            v.setdefault("other_config", {})

    def get(self, table, r):
        if r not in table:
            raise Failure("HANDLE_INVALID", "ref", r)
        return table[r]

    def by_uuid(self, kind, table, uuid):
        return table[ref(kind, uuid)]

    # --- records, as get_all_records returns them ---
    def host_records(self):
        return {r: {"uuid": h["uuid"], "name_label": h["name"],
                    "enabled": h.get("enabled", True),
                    "metrics": ref("host_metrics", h["uuid"])}
                for r, h in self.hosts.items()}

    def host_metrics_records(self):
        return {ref("host_metrics", h["uuid"]): {"live": h.get("live", True)}
                for h in self.hosts.values()}

    def pool_records(self):
        master = [r for r, h in self.hosts.items() if h.get("coordinator")]
        return {"OpaqueRef:pool": {
            "master": master[0] if master else "OpaqueRef:NULL",
            "ha_enabled": self.desc.get("ha_enabled", False)}}

    def network_records(self):
        return {r: {"uuid": n["uuid"], "name_label": n["name_label"],
                    "bridge": n["bridge"], "MTU": n["MTU"],
                    "PIFs": [pr for pr, p in self.pifs.items()
                             if p["network"] == n["uuid"]],
                    "VIFs": [vr for vr, v in self.vifs.items()
                             if v["network"] == n["uuid"]],
                    "other_config": {}}
                for r, n in self.networks.items()}

    def pif_records(self):
        out = {}
        for r, p in self.pifs.items():
            slave_of = p.get("bond_slave_of")
            out[r] = {"uuid": p["uuid"], "device": p["device"],
                      "host": ref("host", p["host"]),
                      "network": ref("network", p["network"]),
                      "management": p["management"], "VLAN": p["VLAN"],
                      "MTU": p["MTU"], "other_config": dict(p["other_config"]),
                      "currently_attached": p["currently_attached"],
                      "disallow_unplug": p["disallow_unplug"],
                      "bond_slave_of": ref("Bond", slave_of) if slave_of
                      else "OpaqueRef:NULL",
                      "bond_master_of": [ref("Bond", p["uuid"])]
                      if p.get("bond_master") else [],
                      "VLAN_master_of": ref("VLAN", p["uuid"])
                      if p["VLAN"] >= 0 else "OpaqueRef:NULL"}
        return out

    def pif_record(self, r):
        self.get(self.pifs, r)
        return self.pif_records()[r]

    def vlan_records(self):
        return {ref("VLAN", p["uuid"]): {
                    "tagged_PIF": ref("PIF", p["vlan_tagged_pif"]),
                    "untagged_PIF": ref("PIF", p["uuid"]), "tag": p["VLAN"]}
                for p in self.pifs.values() if p["VLAN"] >= 0}

    def vif_records(self):
        return {r: {"uuid": v["uuid"], "device": v["device"],
                    "VM": ref("VM", v["vm"]),
                    "network": ref("network", v["network"]),
                    "MTU": v["MTU"], "currently_attached": v["attached"],
                    "other_config": dict(v["other_config"])}
                for r, v in self.vifs.items()}

    def vm_records(self):
        return {ref("VM", v["vm"]): {"name_label": v["vm"],
                                     "power_state": "Running"
                                     if v["attached"] else "Halted"}
                for v in self.vifs.values()}

    # --- the host side: networkd's part, played by the double ---
    def run_on(self, host, argv, timeout=30):
        return subprocess.run(["ip", "netns", "exec", host["namespace"]]
                              + argv, capture_output=True, text=True,
                              timeout=timeout)

    def set_device_mtu(self, host, dev, mtu):
        """networkd's set_mtu (xapi.md:110-112): OVS mtu_request, else (and
        on the Linux-bridge backend only) ip link; a failure only logged."""
        if host.get("backend") == "openvswitch":
            r = self.run_on(host, ["ovs-vsctl", "--db=" + host["db"],
                                   "--timeout=20", "set", "interface", dev,
                                   "mtu_request=%d" % mtu])
            if r.returncode == 0:
                return
        r = self.run_on(host, ["ip", "link", "set", dev, "mtu", str(mtu)])
        if r.returncode:
            log("networkd: MTU size is not supported: %s %d: %s"
                % (dev, mtu, r.stderr.strip()))

    def synced_mtu(self, host, dev, want):
        """PIF.MTU after a plug: on an OVS host the bridge's Interface.mtu,
        waited for (up to 5 s) until ovs-vswitchd has applied 'want';
        elsewhere the device's MTU."""
        if host.get("backend") != "openvswitch":
            return self.device_mtu(host, dev)
        got = None
        for _ in range(50):
            r = self.run_on(host, ["ovs-vsctl", "--db=" + host["db"],
                                   "--timeout=5", "get", "interface", dev,
                                   "mtu"])
            got = int(r.stdout) if r.stdout.strip().isdigit() else None
            if got == want:
                break
            time.sleep(0.1)
        return got

    def device_mtu(self, host, dev):
        r = self.run_on(host, ["cat", "/sys/class/net/%s/mtu" % dev])
        return int(r.stdout) if r.returncode == 0 else None

    # --- API methods ---
    def determine_mtu(self, pif):
        """nm.ml:34-43 (xapi.md:93)."""
        try:
            return int(pif["other_config"]["mtu"])
        except (KeyError, ValueError):
            return self.by_uuid("network", self.networks, pif["network"])["MTU"]

    def pif_plug(self, r):
        pif = self.get(self.pifs, r)
        host = self.by_uuid("host", self.hosts, pif["host"])
        if pif.get("bond_slave_of"):
            raise Failure("CANNOT_PLUG_BOND_SLAVE", r)     # xapi.md:95
        mtu = self.determine_mtu(pif)
        net = self.by_uuid("network", self.networks, pif["network"])
        if pif.get("bond_master"):                         # xapi.md:101
            for s in self.pifs.values():
                if s.get("bond_slave_of") == pif["uuid"]:
                    self.by_uuid("network", self.networks,
                                 s["network"])["MTU"] = net["MTU"]
                    self.set_device_mtu(host, s["device"], mtu)
        # Devices, then the bridge (nm.ml:579-580, :694; xapi.md:99-100).
        self.set_device_mtu(host, pif["device"], mtu)
        self.set_device_mtu(host, net["bridge"], mtu)
        pif["currently_attached"] = True
        # nm.ml:771-777
        synced = self.synced_mtu(host, net["bridge"], mtu)
        if synced is not None:
            pif["MTU"] = synced
        return ""

    def pif_unplug(self, r):
        pif = self.get(self.pifs, r)
        if self.desc.get("ha_enabled"):
            raise Failure("HA_IS_ENABLED")                 # xapi.md:105
        if pif["management"]:
            raise Failure("PIF_IS_MANAGEMENT_INTERFACE", r)
        if pif["disallow_unplug"]:
            raise Failure("PIF_DOES_NOT_ALLOW_UNPLUG", r)
        pif["currently_attached"] = False
        return ""

    def vif_plug(self, r):
        vif = self.get(self.vifs, r)
        if vif["attached"]:
            # xapi's DEVICE_ALREADY_ATTACHED (api_errors.ml; not in
            # xapi.md, not confirmed): a running VIF is unplugged first.
            raise Failure("DEVICE_ALREADY_ATTACHED", r)
        try:                                               # xapi.md:88-91
            mtu = int(vif["other_config"]["mtu"])
        except (KeyError, ValueError):
            mtu = self.by_uuid("network", self.networks, vif["network"])["MTU"]
        vif["MTU"] = mtu
        vif["attached"] = True
        return ""

    def vif_unplug(self, r):
        self.get(self.vifs, r)["attached"] = False
        return ""

    def call_plugin(self, session, host_ref, plugin, fn, args):
        host = self.get(self.hosts, host_ref)
        if plugin != "jumboagent" or not host.get("plugin"):
            raise Failure("XENAPI_MISSING_PLUGIN", plugin)  # xapi.md:10
        if not isinstance(args, dict) or not all(
                isinstance(k, str) and isinstance(v, str)
                for k, v in args.items()):
            raise Failure("FIELD_TYPE_ERROR", "args")       # xapi.md:18
        if host.get("db") and fn in ("check", "probe", "audit") \
                and "db" not in args:
            args = dict(args, db=host["db"])
        xml = method_call(fn, session, args)
        try:
            r = subprocess.run(["ip", "netns", "exec", host["namespace"],
                                "env", "-i", "PATH=" + PLUGIN_PATH]
                               + host["plugin"] + [xml], capture_output=True,
                               text=True, timeout=60)
        except subprocess.TimeoutExpired:
            raise Failure("XENAPI_PLUGIN_FAILURE", "timeout (double only)",
                          "", "")
        if r.returncode < 0:
            raise Failure("XENAPI_PLUGIN_FAILURE",
                          "signal: %d" % -r.returncode, r.stdout, r.stderr)
        if r.returncode:
            raise Failure("XENAPI_PLUGIN_FAILURE", "non-zero exit",
                          r.stdout, r.stderr)                # xapi.md:23
        try:
            (resp,), _ = xmlrpc.client.loads(r.stdout)
        except xmlrpc.client.Fault as e:
            raise Failure("XENAPI_PLUGIN_FAILURE", "fault",
                          str(e.faultCode), e.faultString)
        except Exception:
            raise Failure("XENAPI_PLUGIN_FAILURE",
                          "failed to parse plugin output", r.stdout, r.stderr)
        if not isinstance(resp, dict):
            raise Failure("XENAPI_PLUGIN_FAILURE",
                          "failed to parse plugin output", r.stdout, "")
        if resp.get("Status") == "Success":
            if not isinstance(resp.get("Value"), str):      # xapi.md:25-26
                raise Failure("INTERNAL_ERROR", "RunTimeTypeError")
            return resp["Value"]
        desc = resp.get("ErrorDescription")
        if resp.get("Status") != "Failure" or not desc:
            raise Failure("XENAPI_PLUGIN_FAILURE",
                          "failed to parse plugin output", r.stdout, "")
        raise Failure(*desc)

    def dispatch(self, method, params):
        if method == "session.login_with_password":
            session = "OpaqueRef:session-%d" % (len(self.sessions) + 1)
            self.sessions.add(session)         # unix socket: xapi.md:135
            return session
        if not params or params[0] not in self.sessions:
            raise Failure("SESSION_INVALID", params[0] if params else "")
        n = self.calls[method] = self.calls.get(method, 0) + 1
        drop = None
        for f in self.desc.get("faults", []):
            if f["method"] == method and f["nth"] == n:
                if "drop" not in f:
                    raise Failure(*f["error"])
                drop = f
        if drop:
            self.down_until = time.time() + drop.get("down_s", 0)
            if drop["drop"] == "before":
                raise Dropped()
        result = self.apply(method, params)
        if drop:
            raise Dropped()
        return result

    def apply(self, method, params):
        args = params[1:]
        table = {
            "session.logout": (0, lambda: self.sessions.discard(params[0])
                               or ""),
            "pool.get_all_records": (0, self.pool_records),
            "host.get_all_records": (0, self.host_records),
            "host_metrics.get_all_records": (0, self.host_metrics_records),
            "network.get_all_records": (0, self.network_records),
            "PIF.get_all_records": (0, self.pif_records),
            "VLAN.get_all_records": (0, self.vlan_records),
            "VIF.get_all_records": (0, self.vif_records),
            "VM.get_all_records": (0, self.vm_records),
            "PIF.get_MTU": (1, lambda r: self.get(self.pifs, r)["MTU"]),
            "PIF.get_record": (1, self.pif_record),
            "PIF.plug": (1, self.pif_plug),
            "PIF.unplug": (1, self.pif_unplug),
            "VIF.plug": (1, self.vif_plug),
            "VIF.unplug": (1, self.vif_unplug),
            "PIF.add_to_other_config": (3, self.pif_add_other_config),
            "PIF.remove_from_other_config": (2, self.pif_remove_other_config),
            "network.set_MTU": (2, self.network_set_mtu),
            "host.call_plugin": (4, lambda *a: self.call_plugin(params[0],
                                                                *a)),
        }
        if method not in table:
            raise Failure("MESSAGE_METHOD_UNKNOWN", method)
        count, fn = table[method]
        if len(args) != count:
            raise Failure("MESSAGE_PARAMETER_COUNT_MISMATCH", method,
                          count + 1, len(params))
        return fn(*args)

    def pif_add_other_config(self, r, key, value):
        oc = self.get(self.pifs, r)["other_config"]
        if key in oc:
            raise Failure("MAP_DUPLICATE_KEY", "PIF", "other_config", r, key)
        oc[key] = value
        return ""

    def pif_remove_other_config(self, r, key):
        self.get(self.pifs, r)["other_config"].pop(key, None)
        return ""

    def network_set_mtu(self, r, mtu):
        # A database write only (xapi.md:73-74); int64 may come as a string.
        self.get(self.networks, r)["MTU"] = int(mtu)
        return ""


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def method_call(fn, session, args):
    """xapi's argv[1]: compact, untyped strings (xapi.md:14-17)."""
    def value(s):
        return "<value>%s</value>" % xml_escape(s) if s else "<value/>"
    members = "".join("<member><name>%s</name>%s</member>"
                      % (xml_escape(k), value(v)) for k, v in args.items())
    struct = ("<value><struct>%s</struct></value>" % members if members
              else "<value><struct/></value>")
    return ("<methodCall><methodName>%s</methodName><params><param>%s</param>"
            "<param>%s</param></params></methodCall>"
            % (xml_escape(fn), value(session), struct))


LOG = None


def log(msg):
    if LOG:
        LOG.write(msg + "\n")
        LOG.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        log("http: " + fmt % args)

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        if self.path != "/jsonrpc":
            self.reply(404, {"error": "only /jsonrpc in this double"})
            return
        try:
            req = json.loads(body)
            method, params = req["method"], req.get("params", [])
        except (ValueError, KeyError, TypeError):
            self.reply(400, {"error": "bad JSON-RPC request"})
            return
        v2 = req.get("jsonrpc") == "2.0"
        rid = req.get("id")
        if time.time() < self.server.pool.down_until:
            log("dropped %s (down)" % method)
            self.close_connection = True
            return
        try:
            result = self.server.pool.dispatch(method, params)
            log("call %s %s -> ok" % (method, json.dumps(params[1:])))
            resp = {"result": result, "id": rid}
            if v2:
                resp["jsonrpc"] = "2.0"
            else:
                resp["error"] = None
        except Dropped:
            log("call %s %s -> dropped" % (method, json.dumps(params[1:])))
            self.close_connection = True
            return
        except Failure as e:
            log("call %s %s -> %s" % (method, json.dumps(params[1:]),
                                      e.description))
            if v2:                                         # xapi.md:132-133
                resp = {"jsonrpc": "2.0", "id": rid,
                        "error": {"code": 1, "message": e.description[0],
                                  "data": e.description[1:]}}
            else:
                resp = {"result": None, "error": e.description, "id": rid}
        self.reply(200, resp)


class Server(socketserver.UnixStreamServer):
    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("unix", 0)


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def call(sock, method, params):
    conn = UnixHTTPConnection(sock)
    conn.request("POST", "/jsonrpc", json.dumps(
        {"jsonrpc": "2.0", "method": method, "params": params, "id": 1}),
        {"Content-Type": "application/json"})
    resp = json.loads(conn.getresponse().read())
    if "error" in resp:
        raise SystemExit("%s: %s %s" % (method, resp["error"]["message"],
                                        resp["error"]["data"]))
    return resp["result"]


def main(argv):
    global LOG
    if len(argv) >= 3 and argv[0] == "serve":
        with open(argv[1]) as f:
            pool = Pool(json.load(f))
        LOG = open(argv[3], "a") if len(argv) > 3 else None
        server = Server(argv[2], Handler)
        server.pool = pool
        server.serve_forever()
    elif len(argv) >= 3 and argv[0] == "call":
        params = [json.loads(a) for a in argv[3:]]
        if params and params[0] == "SESSION":
            params[0] = call(argv[1], "session.login_with_password",
                             ["root", "", "1.0", "test"])
        print(json.dumps(call(argv[1], argv[2], params),
                         sort_keys=True))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
