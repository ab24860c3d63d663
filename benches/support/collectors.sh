# The collectors the loopback benches export to, sourced by benches/collector_faults.sh and
# benches/export_cost.sh. Each function starts one in the background and sets its pid.

# rotel, a real collector answering every export (its blackhole exporter): `start_rotel GRPC
# HTTP` listens on both ports and sets `rotel_pid`. Found in target/test-tools/venv (which
# scripts/test.sh installs) unless ROTEL_AGENT names it.
start_rotel() {
  local rotel=${ROTEL_AGENT:-$(target/test-tools/venv/bin/python -c 'import os, rotel; print(os.path.join(os.path.dirname(rotel.__file__), "rotel-agent"))' 2>/dev/null || true)}
  [ -x "$rotel" ] || { echo "rotel not found: run scripts/test.sh once, or set ROTEL_AGENT" >&2; exit 1; }
  "$rotel" start --otlp-grpc-endpoint "127.0.0.1:$1" --otlp-http-endpoint "127.0.0.1:$2" \
    --exporter blackhole >/dev/null 2>&1 &
  rotel_pid=$!
}

# The worst collector there is: `start_black_hole PORT` accepts connections and never answers
# (each export waits for its timeout), and sets `hole_pid`.
start_black_hole() {
  python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $1)); s.listen(1024); held = []
while True: held.append(s.accept()[0])
" &
  hole_pid=$!
}
