#!/usr/bin/env bash
# Throughput with a black-holed collector against a healthy one, over loopback.
#
# The demo server (examples/bench_server.rs, one worker thread) exports every span over
# OTLP/gRPC (always-on sampling), first to rotel, a real collector, running with its
# blackhole exporter (healthy: it answers every export), then to a listener that accepts
# connections and never answers (the worst collector there is: each export waits for its
# 10 s timeout, the queue fills, spans are dropped and counted). wrk drives the server from
# another core. Requests/s swing on a shared machine; compare the two within a round.
# Needs wrk and rotel (scripts/test.sh installs rotel into target/test-tools/venv).
# Usage: benches/collector_faults.sh [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
rounds=${2:-2}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
cargo build --release --example bench_server -q
bin=target/release/examples/bench_server
port=3392 healthy=4417 black_hole=4418

. benches/support/collectors.sh
start_rotel "$healthy" 4419
start_black_hole "$black_hole"
trap 'kill $rotel_pid $hole_pid 2>/dev/null || true' EXIT
sleep 1

printf '%-12s %12s\n' collector 'requests/s'
for round in $(seq "$rounds"); do
  declare -A rps=()
  for collector in healthy black-hole; do
    target=$healthy; [ "$collector" = black-hole ] && target=$black_hole
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$target" OTEL_TRACES_SAMPLER=always_on \
      PORT=$port taskset -c 1 "$bin" tower-monitoring >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/users/1" >/dev/null && break; sleep 0.1; done
    taskset -c 0 wrk -t1 -c32 -d2s "http://127.0.0.1:$port/users/1" >/dev/null   # warm-up
    out=$(taskset -c 0 wrk -t1 -c32 -d"${seconds}s" "http://127.0.0.1:$port/users/1")
    kill $pid; wait $pid 2>/dev/null || true
    rps[$collector]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    printf '%-12s %12.0f\n' "$collector" "${rps[$collector]}"
  done
  awk -v h="${rps[healthy]}" -v b="${rps[black-hole]}" \
    'BEGIN { printf "round %d: black hole / healthy = %.3f\n", '"$round"', b / h }'
done
