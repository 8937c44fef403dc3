#!/usr/bin/env bash
# kill -9 aimed at the windows of an index run (issue 12): herald-index is stopped at named
# points inside compaction (each table the compactor starts), inside the stub switch (stub
# written, renamed, old generation marked retired), in the grace period of a rebuild, and around
# the commits of an incremental run, then killed with SIGKILL there. Before the kill a reader
# records the live state (the stub, and xapian-delve's UUID, revision and document count); after
# it, the live generation must pass xapian-check and hold exactly that state, which must be the
# old index before the stub's rename and the new one after it; a re-run must then complete.
# Then RANDOM_KILLS rebuilds are killed at random times of their second half, and the point each had passed last
# (HERALD_TEST_TRACE) says which window the kill landed in.
#
# The points come from HERALD_TEST_PAUSE_AT / HERALD_TEST_TRACE (test_point() in
# include/herald/index/generations.hpp), for tests only. Not in CI (minutes); run it and read
# the summary. Exits 1 when any check failed, or when compaction or the stub switch was hit
# fewer than 5 times.
#
# Usage: bench/kill9.sh BUILD_DIR REUTERS_DIR [ROUNDS]
#   BUILD_DIR    a build folder with indexer/herald-index
#   REUTERS_DIR  the Reuters-21578 folder (../shared/corpus/reuters21578)
#   ROUNDS       times each point is aimed at (default 2)
# Environment: RANDOM_KILLS (10)
set -uo pipefail
build="${1:?usage: bench/kill9.sh BUILD_DIR REUTERS_DIR [ROUNDS]}"
reuters="${2:?usage: bench/kill9.sh BUILD_DIR REUTERS_DIR [ROUNDS]}"
rounds="${3:-2}"
random_kills="${RANDOM_KILLS:-10}"
index_bin="$build/indexer/herald-index"
for tool in xapian-check xapian-delve; do
  command -v "$tool" >/dev/null || { echo "kill9: $tool not found (apt-get install xapian-tools)"; exit 2; }
done
work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

small=("$reuters/reut2-000.sgm")                         # the index before a rebuild
large=("$reuters/reut2-000.sgm" "$reuters/reut2-001.sgm") # what a run writes
index() { nice "$index_bin" -q --no-entities "$@" >/dev/null 2>&1; }

# The live state as a reader sees it: stub, then UUID, revision and document count.
state() {
  local dir="$1"
  printf 'stub=%s ' "$(cat "$dir/XAPIANDB" 2>/dev/null)"
  xapian-delve "$dir" 2>/dev/null | awk -F' = ' '/^UUID|^revision|^number of documents/ {printf "%s=%s ", $1, $2}'
}
live_db() { echo "$1/$(awk '{print $2}' "$1/XAPIANDB")"; }
documents() { xapian-delve "$1" 2>/dev/null | awk -F' = ' '/^number of documents/ {print $2}'; }

index --index "$work/ref-small" "${small[@]}"
index --index "$work/ref-large" "${large[@]}"
small_docs="$(documents "$work/ref-small")"
large_docs="$(documents "$work/ref-large")"
echo "reference: ${small_docs} documents before, ${large_docs} after"

failures=0 checks=0 failed_kills=0 kill_failed=0
declare -A hits=()
fail() { echo "FAIL: $*"; failures=$((failures + 1)); kill_failed=1; }
# Counts one kill (checked with fail() since the previous call).
counted() { checks=$((checks + 1)); failed_kills=$((failed_kills + kill_failed)); kill_failed=0; }

# aim MODE POINT: prepare an index for MODE, run herald-index paused at POINT, kill it there.
aim() {
  local mode="$1" point="$2" dir="$work/idx" args=()
  rm -rf "$dir" "$work/err"
  case "$mode" in
    rebuild) index --index "$dir" "${small[@]}"; args=(--rebuild --grace 0) ;;
    grace) index --index "$dir" "${small[@]}"; args=(--rebuild --grace 30) ;;
    new) args=() ;;
    incremental) index --index "$dir" "${small[@]}"; args=(--threads 1) ;;
  esac
  HERALD_TEST_PAUSE_AT="$point" nice "$index_bin" -q --no-entities --index "$dir" "${args[@]}" \
    "${large[@]}" >/dev/null 2>"$work/err" &
  pid=$!
  local waited=0
  until grep -q "paused at $point" "$work/err" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || ((waited > 3000)); then
      fail "$mode $point: herald-index never reached the point"
      kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
      return
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  local before after
  before="$(state "$dir")"
  kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=""
  after="$(state "$dir")"
  case "$point" in
    compact:*) hits[compaction]=$((${hits[compaction]:-0} + 1)) ;;
    switch:*) hits[switch]=$((${hits[switch]:-0} + 1)) ;;
    *) hits[$mode]=$((${hits[$mode]:-0} + 1)) ;;
  esac
  [[ "$before" == "$after" ]] || fail "$mode $point: state changed by the kill: [$before] -> [$after]"
  xapian-check "$(live_db "$dir")" >/dev/null 2>&1 || fail "$mode $point: xapian-check failed"
  local docs expected=""
  docs="$(documents "$dir")"
  case "$mode:$point" in
    rebuild:compact:* | rebuild:switch:written) expected="$small_docs" ;;
    rebuild:switch:* | grace:*) expected="$large_docs" ;;
    new:compact:*) expected=0 ;;
  esac
  [[ -z "$expected" || "$docs" == "$expected" ]] ||
    fail "$mode $point: $docs documents live, expected $expected"
  printf '%-12s %-18s live: %s\n' "$mode" "$point" "$after"
  # A re-run completes the job.
  index --index "$dir" "${large[@]}" || fail "$mode $point: re-run failed"
  [[ "$(documents "$dir")" == "$large_docs" ]] || fail "$mode $point: re-run left $(documents "$dir") documents"
  counted
}

compaction_points=(compact:postlist compact:docdata compact:termlist compact:position
  compact:spelling compact:synonym)
for ((round = 1; round <= rounds; round++)); do
  for p in "${compaction_points[@]}" switch:written switch:renamed switch:retired; do aim rebuild "$p"; done
  aim grace rebuild:grace
  for p in "${compaction_points[@]}"; do aim new "$p"; done
  for p in commit:1 commit:1:done commit:2 commit:2:done; do aim incremental "$p"; done
done

# Kills at random times of a rebuild; the last point passed names the window.
rm -rf "$work/t"
index --index "$work/t" "${small[@]}"
t0=$(date +%s%N)
index --index "$work/t" --rebuild --grace 0 "${large[@]}"
rebuild_ms=$((($(date +%s%N) - t0) / 1000000))
for ((k = 0; k < random_kills; k++)); do
  dir="$work/idx"
  rm -rf "$dir"
  index --index "$dir" "${small[@]}"
  HERALD_TEST_TRACE=1 nice "$index_bin" -q --no-entities --index "$dir" --rebuild --grace 0 \
    "${large[@]}" >/dev/null 2>"$work/err" &
  pid=$!
  # In the second half of the run, where compaction and the switch are.
  delay_ms=$((rebuild_ms / 2 + RANDOM % (rebuild_ms / 2 + 1)))
  sleep "$(awk -v ms="$delay_ms" 'BEGIN {printf "%.3f", ms / 1000}')"
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
  last="$(grep -o 'at [a-z:0-9]*' "$work/err" | tail -1 | cut -c4-)"
  window="analysis"
  case "$last" in
    compact:synonym) window="compaction (last table) or switch" ;;
    compact:*) window="compaction" ;;
    switch:written | switch:renamed) window="switch" ;;
    switch:retired) window="after the switch" ;;
  esac
  xapian-check "$(live_db "$dir")" >/dev/null 2>&1 || fail "random kill at ${delay_ms} ms: xapian-check failed"
  docs="$(documents "$dir")"
  [[ "$docs" == "$small_docs" || "$docs" == "$large_docs" ]] ||
    fail "random kill at ${delay_ms} ms: $docs documents live, neither $small_docs nor $large_docs"
  printf 'random kill at %5d ms of %d: last point %-16s window %-12s %s documents live\n' \
    "$delay_ms" "$rebuild_ms" "${last:-none}" "$window" "$docs"
  index --index "$dir" "${large[@]}" || fail "random kill at ${delay_ms} ms: re-run failed"
  counted
done

echo "aimed kills: compaction ${hits[compaction]:-0}, stub switch ${hits[switch]:-0}," \
  "grace ${hits[grace]:-0}, incremental commits ${hits[incremental]:-0};" \
  "$((checks - failed_kills)) of $checks kills passed every check"
((${hits[compaction]:-0} >= 5 && ${hits[switch]:-0} >= 5)) || { echo "FAIL: fewer than 5 hits"; failures=$((failures + 1)); }
((failures == 0))
