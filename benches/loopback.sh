#!/usr/bin/env bash
# Load over loopback: server CPU time per request, bare axum against tower-monitoring and peers.
#
# Requests/s and latency swing widely on a shared machine; the server's own CPU time per
# request (from /proc/PID/stat, divided by the requests wrk completed) is steadier. User time
# is where middleware runs; system time is the kernel's socket work, the same for every
# variant. Server and wrk are pinned to different cores.
# Needs wrk (Debian: apt-get install wrk). Usage: benches/loopback.sh [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
rounds=${2:-2}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
cargo build --release --example bench_server -q
bin=target/release/examples/bench_server
tick=$(getconf CLK_TCK)
port=3391

user_ticks() { awk '{print $14}' "/proc/$1/stat"; }
system_ticks() { awk '{print $15}' "/proc/$1/stat"; }

printf '%-18s %12s %16s %18s\n' variant 'requests/s' 'user µs/request' 'system µs/request'
for round in $(seq "$rounds"); do
  for variant in bare tower-monitoring axum-otel-metrics axum-prometheus; do
    PORT=$port taskset -c 1 "$bin" "$variant" >/dev/null &
    pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/users/1" >/dev/null && break; sleep 0.1; done
    taskset -c 0 wrk -t1 -c32 -d2s "http://127.0.0.1:$port/users/1" >/dev/null   # warm-up
    user_before=$(user_ticks $pid); system_before=$(system_ticks $pid)
    out=$(taskset -c 0 wrk -t1 -c32 -d"${seconds}s" "http://127.0.0.1:$port/users/1")
    user_after=$(user_ticks $pid); system_after=$(system_ticks $pid)
    kill $pid; wait $pid 2>/dev/null || true
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    awk -v v="$variant" -v r="$requests" -v rps="$rps" -v hz="$tick" \
      -v u=$((user_after - user_before)) -v s=$((system_after - system_before)) \
      'BEGIN { printf "%-18s %12.0f %16.2f %18.2f\n", v, rps, u / hz * 1e6 / r, s / hz * 1e6 / r }'
  done
done
