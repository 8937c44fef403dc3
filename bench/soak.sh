#!/usr/bin/env bash
# Soak test of herald-server (issue 12): CONNECTIONS clients loop over mixed queries (words,
# phrases, filters, NEAR shapes that leak in libxapian 1.4.22, bad queries) for MINUTES while
# the index is rebuilt every REBUILD_S seconds; every SAMPLE_S seconds it polls /healthz and
# samples the server's RSS and open descriptors. Not in CI (too long); run it and read the
# summary (responses by status, p50/p99 latency, RSS, descriptors). Exits 1 when /healthz
# failed once, a 5xx was answered, RSS grew by more than MAX_RSS_KB or descriptors by more
# than MAX_FD_GROWTH between the first and the last sample.
#
# Usage: bench/soak.sh BUILD_DIR CORPUS [MINUTES] [CONNECTIONS]
#   BUILD_DIR  a build folder with server/herald-server and indexer/herald-index
#   CORPUS     input for herald-index (for example ../shared/corpus/reuters21578)
# Environment: DURATION_S (MINUTES x 60), REBUILD_S (120), SAMPLE_S (10), MAX_RSS_KB (1024),
# MAX_FD_GROWTH (8), PORT (18300)
set -euo pipefail
build="${1:?usage: bench/soak.sh BUILD_DIR CORPUS [MINUTES] [CONNECTIONS]}"
corpus="${2:?usage: bench/soak.sh BUILD_DIR CORPUS [MINUTES] [CONNECTIONS]}"
minutes="${3:-30}"
connections="${4:-64}"
duration_s="${DURATION_S:-$((minutes * 60))}"
rebuild_s="${REBUILD_S:-120}"
sample_s="${SAMPLE_S:-10}"
max_rss_kb="${MAX_RSS_KB:-1024}"
max_fd_growth="${MAX_FD_GROWTH:-8}"
port="${PORT:-18300}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  # Only what this script started: the clients (by their pids) and the server.
  for pid in $(cat "$work/clients" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$build/indexer/herald-index" --index "$work/idx" -q "$corpus" >/dev/null
"$build/server/herald-server" --index "$work/idx" --listen "127.0.0.1:$port" -q \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.1
done

# One curl config per client: a long list of URLs, reused over one keep-alive connection.
queries=(oil 'crude+oil' '%22crude+oil%22+prices' 'cocoa+Bahia' 'oil+OR+gas' 'oil+-gas'
  'sanct*' 'oil+1987-03-01..1987-03-31' 'source:reuters+wheat' 'oil+NEAR+prices'
  '-a+NEAR+b+c' '-oil+NEAR+gas+prices' 'crude+oil+NEAR+gas+prices' 'AND+NEAR%2F2'
  '-%22crude+oil%22+NEAR%2F2+gas' 'AND+AND' 'title:cocoa' 'gold&within=paragraph'
  'oil&facets=person,place&sort=date')
for i in $(seq "$connections"); do
  cfg="$work/client-$i.cfg"
  for j in $(seq 500); do
    q="${queries[$(((i + j) % ${#queries[@]}))]}"
    printf 'url = "http://127.0.0.1:%s/api/search?q=%s&limit=5"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' \
      "$port" "$q"
  done >"$cfg"
  (while :; do curl -s -K "$cfg" || true; done >>"$work/codes-$i") &
  echo $! >>"$work/clients"
done

rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
fds() { ls "/proc/$server_pid/fd" | wc -l; }
started=$SECONDS
last_rebuild=$SECONDS
health_failed=0
rebuilds=0
first_rss="" first_fds=""
printf '%6s %8s %5s %7s %s\n' "s" "rss_kB" "fds" "health" "requests"
while ((SECONDS - started < duration_s)); do
  sleep "$sample_s"
  if ((SECONDS - last_rebuild >= rebuild_s)); then
    "$build/indexer/herald-index" --index "$work/idx" --rebuild --grace 5 -q "$corpus" >/dev/null &
    last_rebuild=$SECONDS
    rebuilds=$((rebuilds + 1))
  fi
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)
  [[ "$code" == 200 ]] || health_failed=$((health_failed + 1))
  r=$(rss) f=$(fds)
  [[ -z "$first_rss" ]] && first_rss=$r first_fds=$f
  printf '%6d %8d %5d %7s %d\n' $((SECONDS - started)) "$r" "$f" "$code" \
    "$(cat "$work"/codes-* | wc -l)"
done
last_rss=$(rss) last_fds=$(fds)
# Stop the clients before reading their logs, so no line is read half written.
for pid in $(cat "$work/clients"); do kill "$pid" 2>/dev/null || true; done
pkill -P "$$" curl 2>/dev/null || true
sleep 0.5

echo "--- $duration_s s, $connections connections, rebuild every $rebuild_s s"
echo "responses by status:"
cat "$work"/codes-* | cut -d' ' -f1 | sort | uniq -c | sort -rn
cat "$work"/codes-* | awk 'NF == 2 {print $2}' | sort -n |
  awk '{t[NR] = $1} END {if (NR) printf "latency (s, curl time_total): p50 %.4f, p99 %.4f, max %.4f over %d requests\n", t[int(NR * 0.5) + 1], t[int(NR * 0.99) + 1], t[NR], NR}'
fives=$(cat "$work"/codes-* | grep -c '^5' || true)
echo "RSS: first sample $first_rss kB, last $last_rss kB ($((last_rss - first_rss)) kB)"
echo "descriptors: first sample $first_fds, last $last_fds"
echo "/healthz failures: $health_failed; rebuilds started: $rebuilds; generations now: $(ls -d "$work"/idx/gen-* | wc -l)"
status=0
((fives == 0)) || { echo "FAIL: $fives 5xx answers"; status=1; }
((health_failed == 0)) || { echo "FAIL: /healthz failed $health_failed times"; status=1; }
((last_rss - first_rss <= max_rss_kb)) || { echo "FAIL: RSS grew over $max_rss_kb kB"; status=1; }
((last_fds - first_fds <= max_fd_growth)) || { echo "FAIL: descriptors grew"; status=1; }
exit $status
