#!/bin/sh
# Installs, with apt-get and only when missing, every Debian package that
# jumboagent needs to build and to run its tests and demo.  Run as root on
# Debian 12 (bookworm); prints nothing when all are present.
set -eu

packages="gcc make pkg-config python3 libssl-dev
libnl-3-dev libnl-route-3-dev libjson-c-dev
libxml2-dev libcurl4-openssl-dev libxen-dev
openvswitch-switch openvswitch-source
iproute2 ethtool iputils-ping iputils-tracepath procps util-linux jq
prometheus
clang clang-tidy cppcheck valgrind"

missing=
for p in $packages; do
    if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing packages:$missing; run 'make deps' as root or install them with apt-get" >&2
    exit 1
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Install without starting services: the tests run their own ovsdb-server and
# ovs-vswitchd in private namespaces and must not bring up the host's OVS.
# Where the machine has no policy-rc.d, one that denies every start is put in
# place for the install and removed afterwards.
policy_rc=/usr/sbin/policy-rc.d
if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\n# Temporary, from jumboagent build-aux/deps.sh.\nexit 101\n' >"$policy_rc"
    chmod 0755 "$policy_rc"
    trap 'rm -f "$policy_rc"' EXIT
fi
# Refresh the package lists once if they are empty or a package is unknown.
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
