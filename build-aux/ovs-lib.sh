#!/bin/sh
# Builds libopenvswitch.a (library only) from Debian's openvswitch-source
# tarball into a private build directory, for the one object of jumboagent
# that talks OVSDB (agent/vswitch.c).  Reuses the tree when the version it
# was built from matches the installed openvswitch-source package.
#
# Usage: build-aux/ovs-lib.sh BUILDDIR
# Prints nothing on reuse; exits non-zero with a message on failure.
set -eu

builddir=${1:?usage: ovs-lib.sh BUILDDIR}
mkdir -p "$builddir"
builddir=$(cd "$builddir" && pwd)
tarball=/usr/src/openvswitch/openvswitch.tar.gz

if [ ! -r "$tarball" ]; then
    echo "ovs-lib.sh: $tarball missing; install it with 'apt-get install openvswitch-source' (or run 'make deps')" >&2
    exit 1
fi

want=$(dpkg-query -W -f '${Version}' openvswitch-source 2>/dev/null || echo unknown)
stamp=$builddir/.built-from
lib=$builddir/openvswitch/lib/.libs/libopenvswitch.a

if [ -f "$lib" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

echo "Building libopenvswitch from $tarball (openvswitch-source $want), about a minute on 2 cores..." >&2
rm -rf "$builddir"
mkdir -p "$builddir"
tar xzf "$tarball" -C "$builddir"
cd "$builddir/openvswitch"
log=$builddir/build.log
{
    ./configure --enable-shared=no --disable-dependency-tracking
    # lib/libopenvswitch.la needs the generated headers first (odp-netlink.h,
    # vswitch-idl.h, ...).
    bs=$(printf 'p:\n\t@echo $(BUILT_SOURCES)\n' | make -s -f Makefile -f - p)
    make -j"$(nproc)" $bs
    make -j"$(nproc)" lib/libopenvswitch.la
} >"$log" 2>&1 || {
    echo "ovs-lib.sh: building libopenvswitch failed; the last lines of $log:" >&2
    tail -20 "$log" >&2
    exit 1
}
echo "$want" >"$stamp"
