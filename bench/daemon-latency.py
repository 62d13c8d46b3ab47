#!/usr/bin/env python3
"""Times "jumboagent --daemon" for bench/daemon-rows.sh.

Run inside the lab's namespace with the daemon's command after "--": binds
the --notify socket, starts the daemon with NOTIFY_SOCKET pointing at it,
waits for READY=1, then for each of --taps new taps, one
at a time: creates it and plugs it (OVS: one ovs-vsctl add-port, which
waits for ovs-vswitchd; Linux bridge: ip link set master).  The kernel's
own link events ("ip -ts -o monitor link") give the times: on a Linux
bridge from the tap's first event (its creation) to the first that shows
MTU 9000, so that the cost of forking "ip" is left out; on OVS from just
before the add-port call to that event, next to the add-port call's own
time (ovs-vswitchd's reconfiguration).  Prints "daemon N ..." lines: p50
and p99 of those latencies, the daemon's CPU ticks over 10 s idle, its
peak RSS and its RSS after idling."""

import argparse
import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

EVENT = re.compile(r"^\[([^\]]+)\]\s+\d+:\s+([^:@\s]+)[^:]*:.*\smtu (\d+)\s")


class LinkEvents:
    """The first event time of each link, and of its first at MTU 9000,
    from "ip -ts -o monitor link" (wall-clock seconds)."""

    def __init__(self):
        self.first, self.jumbo = {}, {}
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(["ip", "-ts", "-o", "monitor", "link"],
                                     stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self.read, daemon=True).start()
        time.sleep(0.2)

    def read(self):
        for line in self.proc.stdout:
            m = EVENT.match(line)
            if not m:
                continue
            t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
            name, mtu = m.group(2), int(m.group(3))
            with self.lock:
                self.first.setdefault(name, t)
                if mtu == 9000:
                    self.jumbo.setdefault(name, t)

    def wait_jumbo(self, name, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if name in self.jumbo:
                    return self.first[name], self.jumbo[name]
            time.sleep(0.001)
        return None, None

    def stop(self):
        self.proc.terminate()


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def vm_kib(pid, field="VmHWM"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def sh(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notify", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--taps", type=int, default=100)
    ap.add_argument("--n", type=int, default=0)
    ap.add_argument("--bridge", default="br0",
                    help="the Linux bridge the new taps join")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    tag = "daemon %d" % args.n
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    try:
        os.unlink(args.notify)
    except OSError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(args.notify)
    sock.settimeout(60)
    env = dict(os.environ, NOTIFY_SOCKET=args.notify)
    daemon = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(args.notify + ".log", "w"))
    args.pid = daemon.pid
    try:
        return measure(args, sock, tag)
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def drain_notify(sock, args):
    """Reads the daemon's notifications for ever; counts the passes
    (STATUS=pass N: ...) in args.passes."""
    args.passes = 0
    while True:
        msg = sock.recv(4096).decode(errors="replace")
        for line in msg.split("\n"):
            if line.startswith("STATUS=pass "):
                args.passes += 1


def measure(args, sock, tag):
    ready = False
    try:
        while not ready:
            msg = sock.recv(4096).decode(errors="replace")
            ready = "READY=1" in msg.split("\n")
    except socket.timeout:
        pass
    try:
        os.kill(args.pid, 0)
    except OSError:
        print("%s daemon exited before READY" % tag)
        return 1
    if not ready:
        print("%s no READY=1 within 60 s (measuring anyway)" % tag)
    # Keep reading the notifications, as systemd does: a full socket
    # blocks the daemon's next sd_notify(), and with it the daemon.
    sock.settimeout(None)
    threading.Thread(target=drain_notify, args=(sock, args),
                     daemon=True).start()

    events = LinkEvents()
    cpu_before, passes_before = cpu_ticks(args.pid), args.passes
    ovs, ovs_plug, lb = [], [], []
    inf = float("inf")
    for i in range(args.taps):
        name = "dt%d" % i
        sh("ip", "tuntap", "add", "dev", name, "mode", "tap")
        sh("ip", "link", "set", name, "up")
        t0 = time.time()
        sh("ovs-vsctl", "--db=" + args.db, "add-port", "xenbr1", name)
        ovs_plug.append(time.time() - t0)
        _, t1 = events.wait_jumbo(name, 5)
        ovs.append(t1 - t0 if t1 else inf)
    for i in range(args.taps):
        name = "lt%d" % i
        sh("ip", "tuntap", "add", "dev", name, "mode", "tap")
        sh("ip", "link", "set", name, "master", args.bridge, "up")
        t0, t1 = events.wait_jumbo(name, 5)
        lb.append(t1 - t0 if t1 else inf)
    events.stop()
    cpu_taps, passes_taps = (cpu_ticks(args.pid) - cpu_before,
                             args.passes - passes_before)

    def ms(s):
        return "%.1f ms" % (s * 1000) if s != inf else "never"
    print("%s new tap on OVS, add-port -> MTU 9000 (%d taps): p50 %s, "
          "p99 %s; the add-port call alone (vswitchd's reconfigure): "
          "p50 %s, p99 %s  [target: within reconfigure + 5 ms]"
          % (tag, args.taps, ms(pct(ovs, 50)), ms(pct(ovs, 99)),
             ms(pct(ovs_plug, 50)), ms(pct(ovs_plug, 99))))
    print("%s new tap on a Linux bridge, its creation -> MTU 9000 (%d taps): "
          "p50 %s, p99 %s  [target: p50 <= 2 ms]"
          % (tag, args.taps, ms(pct(lb, 50)), ms(pct(lb, 99))))
    print("%s daemon passes for the %d taps: %d; the daemon's CPU time "
          "for them: %d ms, %.1f ms a pass"
          % (tag, 2 * args.taps, args.passes, cpu_taps * 1000 //
             os.sysconf("SC_CLK_TCK"), cpu_taps * 1000.0
             / os.sysconf("SC_CLK_TCK") / max(passes_taps, 1)))
    time.sleep(1)
    before = cpu_ticks(args.pid)
    time.sleep(10)
    idle = cpu_ticks(args.pid) - before
    print("%s daemon idle 10 s: %d CPU ticks (1 tick = 1/%d s)  "
          "[target: 0, no wake-ups]"
          % (tag, idle, os.sysconf("SC_CLK_TCK")))
    print("%s daemon peak RSS (VmHWM): %.1f MiB  [target: <= 10 MiB]; "
          "idle RSS (VmRSS) %.1f MiB"
          % (tag, vm_kib(args.pid) / 1024.0,
             vm_kib(args.pid, "VmRSS") / 1024.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
