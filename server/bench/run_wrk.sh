#!/usr/bin/env bash
# Throughput of herald-server on the Reuters-21578 index: wrk, 2 threads, 64 connections,
# 20 s, over the 1,000 title queries. Loopback only; bounded by wrk's duration.
# Usage: server/bench/run_wrk.sh BUILD_DIR [INDEX_DIR]  (the index is built when missing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$1"
index="${2:-$build/reuters-index}"
corpus="$root/../shared/corpus"
if [ ! -d "$index" ]; then
  "$build/indexer/herald-index" --index "$index" --no-entities -q "$corpus/reuters21578"
fi
port=18181
"$build/server/herald-server" --index "$index" --listen "127.0.0.1:$port" --quiet &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
HERALD_QUERIES="$corpus/queries/reuters-titles-1000.txt" \
  wrk -t2 -c64 -d20s --latency -s "$here/queries.lua" "http://127.0.0.1:$port"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^herald_http_requests_total'
