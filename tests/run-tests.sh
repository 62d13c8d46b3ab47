#!/bin/bash
# Runs jumboagent's test suite and prints one summary line at the end:
# "N passed, N failed".
#
#   tests/run-tests.sh PLAIN_BUILD SAN_BUILD   unit tests of both builds, the
#                                              lab tests with SAN_BUILD's
#                                              binary (needs root), and the
#                                              fuzz smoke (make fuzz-smoke)
#   tests/run-tests.sh --unit-only BUILD       unit tests of BUILD only
#
# Every test program prints TAP-style lines ("ok - name", "not ok - name").
# A program that exits non-zero without a "not ok" line counts as one failure.
# Sanitizer reports go to files under a private directory; any report is a
# failure, even from a jumboagent whose exit code a lab test expected.
set -u
cd "$(dirname "$0")/.."

unit_only=false
if [ "${1:-}" = --unit-only ]; then
    unit_only=true
    shift
fi
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=(build)
san=${builds[${#builds[@]}-1]}

report_dir=$(mktemp -d /tmp/jumboagent-tests.XXXXXX)
trap 'rm -rf "$report_dir"' EXIT
export ASAN_OPTIONS="log_path=$report_dir/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$report_dir/ubsan:print_stacktrace=1:halt_on_error=1"
export JUMBOAGENT_SRCDIR=$PWD

passed=0
failed=0
skipped=0
failures=()

# run_one LABEL COMMAND...: runs one test program, counts its lines.
run_one() {
    local label=$1 out rc p f
    shift
    out=$("$@" 2>&1)
    rc=$?
    p=$(grep -c '^ok ' <<<"$out")
    sk=$(grep -c '^ok - # SKIP' <<<"$out")
    p=$((p - sk))
    f=$(grep -c '^not ok ' <<<"$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        out+=$'\n'"not ok - $label exited with status $rc"
    fi
    if [ "$f" -gt 0 ] || [ -n "${VERBOSE:-}" ]; then
        printf '%s\n' "--- $label" "$out"
    fi
    if [ "$f" -gt 0 ]; then
        failures+=("$label")
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + sk))
    printf '%-48s %4d passed, %d failed\n' "$label" "$p" "$f"
}

for b in "${builds[@]}"; do
    for t in "$b"/tests/unit/test-*; do
        [ -x "$t" ] || continue
        run_one "$t" "$t"
    done
done

if ! $unit_only; then
    export JUMBOAGENT="$PWD/$san/jumboagent" JUMBOAGENT_BUILD="$PWD/$san"
    for t in tests/lab/test-*.sh; do
        [ -f "$t" ] || continue
        run_one "$t" bash "$t"
    done
fi

# The fuzz smoke: each libFuzzer target for FUZZ_SECONDS (30) seconds from
# its seed corpus (tests/fuzz/run.sh builds them in build/fuzz; it prints a
# skip with the reason where clang cannot build fuzzers).
if ! $unit_only; then
    run_one "fuzz smoke (${FUZZ_SECONDS:-30} s per target)" \
        ${MAKE:-make} --no-print-directory fuzz-smoke \
        FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
fi

# The lab tests must leave nothing behind: no namespace of theirs, no OVS
# daemon, jumboagent or directory of a lab (a lab's jumboagent names the
# lab's socket, policy or state directory on its command line).
if ! $unit_only && [ "$(id -u)" = 0 ]; then
    left=$(ip netns list 2>/dev/null | awk '/^ja-lab-/ {print $1}' | tr '\n' ' ')
    left+=$(pgrep -af 'ovs(db-server|-vswitchd).*/tmp/jumboagent-lab\.' | awk '{print "pid " $1}' | tr '\n' ' ')
    left+=$(pgrep -af '(^|/)jumboagent .*/tmp/jumboagent-lab\.' | awk '{print "pid " $1 " (jumboagent)"}' | tr '\n' ' ')
    left+=$(ls -d /tmp/jumboagent-lab.* 2>/dev/null | tr '\n' ' ')
    if [ -z "$left" ]; then
        passed=$((passed + 1))
        printf '%-48s %4d passed, %d failed\n' "cleanup check" 1 0
    else
        failed=$((failed + 1))
        failures+=("cleanup check: left behind: $left")
        printf '%-48s %4d passed, %d failed\n' "cleanup check" 0 1
    fi
fi

# Sanitizer reports from any process count as failures.
for r in "$report_dir"/asan.* "$report_dir"/ubsan.*; do
    [ -e "$r" ] || continue
    echo "--- sanitizer report $r"
    cat "$r"
    failed=$((failed + 1))
    failures+=("sanitizer report $(basename "$r")")
done

if [ ${#failures[@]} -gt 0 ]; then
    echo "Failed:"
    printf '  %s\n' "${failures[@]}"
fi
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
