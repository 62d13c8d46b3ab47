#!/bin/bash
# Builds the libFuzzer targets and runs each for a while; prints one TAP
# line per target, as tests/run-tests.sh counts them.
#
#   tests/fuzz/run.sh CC BUILD_DIR SECONDS TARGET...
#
# Each target starts from its seed corpus, tests/fuzz/corpus/TARGET, and
# writes new inputs to BUILD_DIR/corpus/TARGET (never into the tree).  A
# crash leaves its input in BUILD_DIR/crash-TARGET-*: copy it into the seed
# corpus once fixed, as a regression input.  Where CC cannot build a
# fuzzer (no clang, no libFuzzer runtime) every target is skipped with the
# reason.
set -u
cc=$1 b=$2 seconds=$3
shift 3
src=$(cd "$(dirname "$0")/../.." && pwd)

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ (void) d; (void) n; return 0; }' >"$probe/p.c"
if ! command -v "$cc" >/dev/null 2>&1; then
    reason="$cc not found (install clang to run the fuzz targets)"
elif ! "$cc" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" \
        >"$probe/log" 2>&1; then
    reason="$cc cannot link -fsanitize=fuzzer: $(head -1 "$probe/log")"
else
    reason=
fi
if [ -n "$reason" ]; then
    for t in "$@"; do
        echo "ok - # SKIP fuzz $t: $reason"
    done
    exit 0
fi

if ! ${MAKE:-make} -C "$src" --no-print-directory -j2 FUZZ_CC="$cc" \
        FUZZ_B="$b" fuzz-build >"$probe/build.log" 2>&1; then
    cat "$probe/build.log" >&2
    for t in "$@"; do
        echo "not ok - fuzz $t: the fuzz build failed (see above)"
    done
    exit 1
fi

status=0
for t in "$@"; do
    work=$src/$b/corpus/$t
    log=$src/$b/fuzz-$t.log
    mkdir -p "$work"
    (cd "$src/$b" && "./fuzz-$t" -max_total_time="$seconds" \
        -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$src/$b/crash-$t-" \
        "$work" "$src/tests/fuzz/corpus/$t") >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    if [ "$rc" -eq 0 ]; then
        echo "ok - fuzz $t: ${execs:-0} execs, cov ${cov:-0}"
    else
        echo "not ok - fuzz $t: exit $rc after ${execs:-?} execs;" \
             "input in $b/crash-$t-*, log in $log"
        status=1
    fi
done
exit $status
