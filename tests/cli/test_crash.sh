#!/usr/bin/env bash
# Crash safety: herald-index killed with SIGKILL at several points of a large run leaves an
# index that opens, passes xapian-check and searches; re-running completes the full count.
# Usage: test_crash.sh HERALD_INDEX HERALD_SEARCH CORPUS_DIR
set -uo pipefail
index="$1" search="$2" corpus="$3"
if [ ! -f "$corpus/reuters21578/reut2-000.sgm" ]; then
    echo "skipped: $corpus/reuters21578 is not present"
    exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
inputs=("$corpus"/reuters21578/reut2-00[0-5].sgm)
failures=0 checks=0
check() {
    checks=$((checks + 1))
    if [ "$2" != "$3" ]; then echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}

# The full count, from an uninterrupted run.
"$index" -q --no-entities --index "$tmp/ref" "${inputs[@]}" >/dev/null
full="$("$search" --index "$tmp/ref" --json --facets --from 1900 --limit 0 | sed -E 's/.*"estimate":([0-9]+).*/\1/')"

live_generation() { awk '{print $2}' "$1/XAPIANDB"; }

for delay in 0.5 2; do
    for mode in new rebuild incremental; do
        dir="$tmp/idx-$mode-$delay"
        case "$mode" in
            new) args=() ;;
            rebuild) "$index" -q --no-entities --index "$dir" "${inputs[0]}" >/dev/null; args=(--rebuild --grace 0) ;;
            incremental) "$index" -q --no-entities --index "$dir" "${inputs[0]}" >/dev/null; args=(--threads 1) ;;
        esac
        "$index" -q --no-entities --index "$dir" "${args[@]}" "${inputs[@]}" >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        # The index opens and is consistent.
        xapian-check "$dir/$(live_generation "$dir")" >/dev/null 2>&1; rc=$?
        check "xapian-check after kill ($mode, ${delay}s)" 0 "$rc"
        "$search" --index "$dir" --json oil >/dev/null 2>&1; rc=$?
        check "search after kill ($mode, ${delay}s)" 0 "$rc"
        # Re-running completes the job.
        "$index" -q --no-entities --index "$dir" "${inputs[@]}" >/dev/null 2>&1; rc=$?
        check "re-run after kill ($mode, ${delay}s)" 0 "$rc"
        got="$("$search" --index "$dir" --json --facets --from 1900 --limit 0 | sed -E 's/.*"estimate":([0-9]+).*/\1/')"
        check "full count after re-run ($mode, ${delay}s)" "$full" "$got"
    done
done
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
