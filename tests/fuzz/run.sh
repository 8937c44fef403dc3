#!/usr/bin/env bash
# Fuzzes each libFuzzer target of a HERALD_FUZZ build for a fixed time.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]
#   BUILD_DIR  configured with -DHERALD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ and built
#   TARGET     fuzz_query fuzz_http fuzz_readers fuzz_snippet (default: all)
# Each target runs on a temporary copy of tests/fuzz/corpus/<target>/, so new inputs never land
# in the repository. A crash, leak, timeout or out-of-memory input is kept in
# BUILD_DIR/fuzz-artifacts/, printed, and makes the run fail (exit 1).
set -uo pipefail
if [ $# -lt 2 ]; then
    sed -n '3,5p' "$0" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "$1" && pwd)" seconds="$2"
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_query fuzz_http fuzz_readers fuzz_snippet)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
# Leaks are errors; known leaks of libraries (none of Herald's own) are listed in lsan.supp.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
if [ -z "${LSAN_OPTIONS:-}" ] && [ -f "$here/../lsan.supp" ]; then
    export LSAN_OPTIONS="suppressions=$here/../lsan.supp:print_suppressions=0"
fi
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The targets that search build their fixture index under TMPDIR: removed with $tmp.
export TMPDIR="$tmp"

failed=0
for t in "${targets[@]}"; do
    bin="$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)"
    if [ -z "$bin" ]; then
        echo "$t: no binary under $build (configure with -DHERALD_FUZZ=ON)" >&2
        failed=1
        continue
    fi
    corpus="$tmp/corpus-$t"
    mkdir -p "$corpus"
    cp "$here/corpus/$t/"* "$corpus/"
    log="$tmp/$t.log"
    "$bin" "$corpus" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -detect_leaks=1 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-" >"$log" 2>&1
    rc=$?
    runs="$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)"
    [ -n "$runs" ] || runs="$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1 runs/p' "$log" | tail -n 1)"
    crash="$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -n 1)"
    if [ $rc -eq 0 ] && [ -z "$crash" ]; then
        printf '%-14s ok      %s, corpus %s -> %s inputs\n' "$t" "${runs:-?}" \
            "$(ls "$here/corpus/$t" | wc -l)" "$(ls "$corpus" | wc -l)"
        continue
    fi
    failed=1
    printf '%-14s FAILED  (exit %d) %s\n' "$t" "$rc" "${runs:-}"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|invariant broken|.*runtime error)' "$log" | head -n 5
    sed -n '/^==[0-9]*==ERROR/,/^SUMMARY/p' "$log" | grep -E '^ +#[0-9]+ ' | head -n 25
    if [ -n "$crash" ] && [ -f "$crash" ]; then
        echo "--- input ($crash, $(wc -c <"$crash") bytes):"
        od -An -c "$crash" | head -n 20
        echo "--- reproduce: $bin $crash"
    else
        tail -n 30 "$log"
    fi
done
[ $failed -eq 0 ]
