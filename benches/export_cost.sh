#!/usr/bin/env bash
# What exporting spans costs a server, over loopback: the server's CPU time per request
# (user + system, every thread, from /proc/PID/stat) with metrics only, with always-on
# spans sent to a collector that never answers (spans made, export never completes), to
# rotel over gRPC and over HTTP/protobuf (healthy, its blackhole exporter), and with a
# parent-based ratio of 0.1 to rotel over gRPC. The order of the five alternates between
# rounds (forward, then backward), and each figure is printed per round, so the spread is
# seen rather than one swing. Server and wrk are pinned to different cores.
# Needs wrk and rotel (scripts/test.sh installs rotel into target/test-tools/venv).
# Usage: benches/export_cost.sh [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-8}
rounds=${2:-4}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
cargo build --release --example bench_server --features otlp-http -q
bin=target/release/examples/bench_server
port=3393 grpc=4427 http=4428 black_hole=4429
tick=$(getconf CLK_TCK)

. benches/support/collectors.sh
start_rotel "$grpc" "$http"
start_black_hole "$black_hole"
trap 'kill $rotel_pid $hole_pid 2>/dev/null || true' EXIT
sleep 1

# name: the variables the server runs with.
configs=(metrics black-hole rotel-grpc rotel-http ratio-0.1)
environment() {
  case $1 in
    metrics) echo "" ;;
    black-hole) echo "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$black_hole OTEL_TRACES_SAMPLER=always_on" ;;
    rotel-grpc) echo "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$grpc OTEL_TRACES_SAMPLER=always_on" ;;
    rotel-http) echo "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$http OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_TRACES_SAMPLER=always_on" ;;
    ratio-0.1) echo "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$grpc OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1" ;;
  esac
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

printf '%-6s %-11s %12s %14s\n' round config 'requests/s' 'CPU µs/request'
for round in $(seq "$rounds"); do
  order=("${configs[@]}")
  if [ $((round % 2)) -eq 0 ]; then order=(ratio-0.1 rotel-http rotel-grpc black-hole metrics); fi
  for config in "${order[@]}"; do
    # shellcheck disable=SC2046
    env $(environment "$config") RUST_LOG=warn PORT=$port taskset -c 1 "$bin" tower-monitoring >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/users/1" >/dev/null && break; sleep 0.1; done
    taskset -c 0 wrk -t1 -c16 -d2s "http://127.0.0.1:$port/users/1" >/dev/null   # warm-up
    before=$(cpu_ticks $pid)
    out=$(taskset -c 0 wrk -t1 -c16 -d"${seconds}s" "http://127.0.0.1:$port/users/1")
    after=$(cpu_ticks $pid)
    kill $pid; wait $pid 2>/dev/null || true
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    awk -v r="$round" -v c="$config" -v q="$requests" -v s="$rps" -v t=$((after - before)) -v hz="$tick" \
      'BEGIN { printf "%-6s %-11s %12.0f %14.2f\n", r, c, s, t / hz * 1e6 / q }'
  done
done
