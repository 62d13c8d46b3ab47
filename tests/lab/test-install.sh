#!/bin/bash
# Test of "make install" and of what it installs, without the lab (no
# namespaces, no OVS daemons, no root): "make install DESTDIR=TMP
# PREFIX=/usr" into a temporary directory gives exactly the expected tree,
# file by file with modes; it installs policy.json.example (a valid
# policy) but never a policy.json, and leaves an operator's policy.json
# alone on a reinstall;
# the installed units name the installed binary and pass
# "systemd-analyze verify" (with their man: links found in the installed
# man pages); the man pages render without a warning; every long option of
# "jumboagent --help" is an item of jumboagent(8)'s OPTIONS.
#
# The installed binary is the build's own ($JUMBOAGENT_BUILD/jumboagent,
# marked up to date with "make -o"): installing with another PREFIX must not
# rebuild the tree's build directory.  Nothing is written outside the
# temporary directory.
set -u
. "$(dirname "$0")/lib.sh"

SRC=${JUMBOAGENT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=$(cd "$JUMBOAGENT_BUILD" && pwd)
TMP=$(mktemp -d /tmp/jumboagent-install.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
ROOT=$TMP/root

install_into() {
    make --no-print-directory -C "$SRC" -o "$BUILD/jumboagent" \
        -o "$BUILD/jumboagent-xapi-plugin" B="$BUILD" \
        DESTDIR="$1" PREFIX=/usr install >"$TMP/install.log" 2>&1
}

if install_into "$ROOT"; then
    t_ok "make install DESTDIR=... PREFIX=/usr"
else
    t_fail "make install DESTDIR=... PREFIX=/usr" "exit $?"
    sed 's/^/#   /' "$TMP/install.log"
fi

# The exact tree: every file and directory, with its mode.
expected="755 etc
755 etc/cron.d
644 etc/cron.d/jumboagent
755 etc/jumboagent
644 etc/jumboagent/policy.json.example
755 usr
755 usr/lib
755 usr/lib/systemd
755 usr/lib/systemd/system
644 usr/lib/systemd/system/jumboagent-audit.service
644 usr/lib/systemd/system/jumboagent-audit.timer
644 usr/lib/systemd/system/jumboagent.service
755 usr/sbin
755 usr/sbin/jumboagent
755 usr/share
755 usr/share/bash-completion
755 usr/share/bash-completion/completions
644 usr/share/bash-completion/completions/jumboagent
755 usr/share/doc
755 usr/share/doc/jumboagent
644 usr/share/doc/jumboagent/README.md
755 usr/share/doc/jumboagent/examples
644 usr/share/doc/jumboagent/examples/kvm-linux-bridge.json
644 usr/share/doc/jumboagent/examples/kvm-ovs.json
644 usr/share/doc/jumboagent/examples/vxlan-overlay.json
644 usr/share/doc/jumboagent/examples/xenserver-storage-bond.json
644 usr/share/doc/jumboagent/policy.md
755 usr/share/jumboagent
644 usr/share/jumboagent/drivers.json
755 usr/share/man
755 usr/share/man/man5
644 usr/share/man/man5/jumboagent.json.5
755 usr/share/man/man8
644 usr/share/man/man8/jumboagent.8"
expected+="
755 etc/xapi.d
755 etc/xapi.d/plugins
755 etc/xapi.d/plugins/jumboagent"
expected=$(printf '%s\n' "$expected" | sort -k2)
actual=$(cd "$ROOT" && find . -mindepth 1 -printf '%m %P\n' | sort -k2)
if [ "$expected" = "$actual" ]; then
    t_ok "install: the expected files, with their modes"
else
    t_fail "install: the expected files, with their modes" "diff expected actual:"
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | sed 's/^/#   /'
fi
t_run "install: the installed drivers.json is the tree's" \
    cmp "$SRC/etc/jumboagent/drivers.json" "$ROOT/usr/share/jumboagent/drivers.json"

# The installed example is a valid policy: a dry run of it over a saved
# KVM host ends in sync (0), drift (2) or refused (3: this host lacks the
# example's second uplink ens1f1), never 1 (a policy error).
"$JUMBOAGENT" --dry-run --policy "$ROOT/etc/jumboagent/policy.json.example" \
    --host-model "$SRC/tests/plan-cases/guest-nic-virtio/host.json" \
    --drivers "$SRC/tests/plan-cases/drivers.json" >"$TMP/example.out" 2>&1
rc=$?
if [ $rc = 0 ] || [ $rc = 2 ] || [ $rc = 3 ]; then
    t_ok "install: policy.json.example validates (dry run exit $rc)"
else
    t_fail "install: policy.json.example validates" "dry run exit $rc"
    sed 's/^/#   /' "$TMP/example.out"
fi

# An operator's policy survives a reinstall.
echo '{"version": 1, "networks": [{"name": "mine", "bridge": "br0", "mtu": 9000}]}' \
    >"$ROOT/etc/jumboagent/policy.json"
cp "$ROOT/etc/jumboagent/policy.json" "$TMP/policy.saved"
install_into "$ROOT"
t_run "install: a reinstall leaves an existing policy.json alone" \
    cmp "$TMP/policy.saved" "$ROOT/etc/jumboagent/policy.json"

# The units name the installed paths, nothing under /usr/local
# (PREFIX=/usr); the cron entry finds jumboagent through its PATH, which
# has both sbin directories.
units=$ROOT/usr/lib/systemd/system
cat "$units"/* >"$TMP/units.all"
t_no_line "$TMP/units.all" '/usr/local/' \
    "install: no /usr/local path left in the units"
t_no_line "$ROOT/usr/share/man/man8/jumboagent.8" '/usr/local/' \
    "install: jumboagent(8) names the installed paths"
t_has_line "$ROOT/usr/share/man/man8/jumboagent.8" '^\.IR? /usr/share/jumboagent/drivers\.json' \
    "install: jumboagent(8) names the installed driver table"
t_has_line "$ROOT/etc/cron.d/jumboagent" '^PATH=(.*:)?/usr/sbin(:|$)' \
    "install: the cron entry's PATH has /usr/sbin"
t_has_line "$units/jumboagent.service" \
    '^ExecStart=/usr/sbin/jumboagent --daemon --policy /etc/jumboagent/policy\.json$' \
    "install: jumboagent.service runs the installed daemon"
t_has_line "$units/jumboagent.service" '^Type=notify$' \
    "install: jumboagent.service is Type=notify"
t_has_line "$units/jumboagent-audit.service" \
    '^ExecStart=.*/usr/sbin/jumboagent --dry-run --format prometheus ' \
    "install: jumboagent-audit.service runs a dry run for Prometheus"

# systemd-analyze verify on the installed units, with the installed binary
# (rewritten to its place under DESTDIR) and the installed man pages.
if command -v systemd-analyze >/dev/null; then
    mkdir "$TMP/units"
    for u in "$units"/*; do
        sed "s|/usr/sbin/jumboagent|$ROOT/usr/sbin/jumboagent|g" "$u" \
            >"$TMP/units/${u##*/}"
    done
    if out=$(MANPATH=$ROOT/usr/share/man systemd-analyze verify \
                 "$TMP"/units/* 2>&1) && [ -z "$out" ]; then
        t_ok "install: systemd-analyze verify passes on the installed units"
    else
        t_fail "install: systemd-analyze verify passes on the installed units"
        printf '%s\n' "$out" | sed 's/^/#   /'
    fi
else
    t_ok "# SKIP systemd-analyze: not installed"
fi

# The man pages render, without a warning.
for page in man8/jumboagent.8 man5/jumboagent.json.5; do
    out=$(MANWIDTH=80 man --warnings -l -E UTF-8 "$ROOT/usr/share/man/$page" \
              2>&1 >/dev/null)
    rendered=$(MANWIDTH=80 man -l -E UTF-8 "$ROOT/usr/share/man/$page" \
                   2>/dev/null | wc -l)
    if [ -z "$out" ] && [ "$rendered" -gt 50 ]; then
        t_ok "man: $page renders without warnings ($rendered lines)"
    else
        t_fail "man: $page renders without warnings" "$rendered lines"
        printf '%s\n' "$out" | sed 's/^/#   /'
    fi
done

# Every long option of --help is documented: an item (a line that starts
# with it, as .TP items render) of jumboagent(8), not just a mention.
page=$(MANWIDTH=200 man -E ascii -l "$SRC/man/jumboagent.8" 2>/dev/null)
missing=
for opt in $("$JUMBOAGENT" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    printf '%s\n' "$page" | grep -qE -- "^ {7}$opt( |$)" || missing+=" $opt"
done
t_is "" "$missing" "man: every option of --help is an item of jumboagent(8)"
