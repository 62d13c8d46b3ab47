#!/bin/sh
# Runs cppcheck over the agent and its tests with jumboagent's settings:
# warnings, style, performance and portability, inline suppressions
# ("cppcheck-suppress id" comments) and the suppressions file next to this
# script, each of which says why.  Exits non-zero on any finding.
#
#   build-aux/cppcheck.sh [PATH...]     (default: agent tests/unit tests/fuzz xapi-plugin)
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- agent tests/unit tests/fuzz xapi-plugin
# cppcheck reads no comments in its list: give it the lines without them.
list=$(mktemp)
trap 'rm -f "$list"' EXIT
grep -v '^#' build-aux/cppcheck-suppressions.txt | grep . >"$list"
cppcheck --quiet --error-exitcode=1 --std=c11 \
    --enable=warning,style,performance,portability --inline-suppr \
    --suppressions-list="$list" \
    -D__linux__ -Iagent -Itests/unit \
    --template='{file}:{line}: {severity} ({id}): {message}' "$@"
