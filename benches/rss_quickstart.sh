#!/usr/bin/env bash
# Resident size of the quickstart under 1 000 000 requests over 100 000 random paths
# (`/users/1` .. `/users/100000`, one route template): it must stay flat, since the series are
# per template, not per path. Needs wrk (Debian: apt-get install wrk).
# Usage: benches/rss_quickstart.sh [requests]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-1000000}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
cargo build --release --example quickstart -q
port=3392
script=$(mktemp --suffix=.lua)
trap 'rm -f "$script"; kill "$pid" 2>/dev/null || true' EXIT
cat > "$script" <<'LUA'
request = function()
  return wrk.format("GET", "/users/" .. math.random(1, 100000))
end
LUA
PORT=$port RUST_LOG=warn OTEL_TRACES_EXPORTER=none target/release/examples/quickstart >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/users/1" >/dev/null && break; sleep 0.1; done
rss() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
served() {
  curl -sf "http://127.0.0.1:$port/metrics" |
    awk '/^http_server_request_duration_seconds_count\{/ && /http_route="\/users\/\{id\}"/ {sum += $NF} END {printf "%d", sum}'
}
series() { curl -sf "http://127.0.0.1:$port/metrics" | grep -c '^http_server_request_duration_seconds_count{' || true; }
printf '%12s %10s %8s\n' requests 'RSS MiB' series
printf '%12s %10s %8s\n' "$(served)" "$(rss)" "$(series)"
while [ "$(served)" -lt "$target" ]; do
  wrk -t1 -c16 -d5s -s "$script" "http://127.0.0.1:$port" >/dev/null
  printf '%12s %10s %8s\n' "$(served)" "$(rss)" "$(series)"
done
