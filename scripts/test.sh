#!/usr/bin/env bash
# Runs the whole test suite, with the real tools some tests need.
#
# Tests parse our /metrics output and check our rules with Prometheus's own `promtool` (and
# the Alertmanager config with `amtool`), and pass spans through
# the `rotel` collector (a PyPI wheel); they fail loudly when a tool is missing rather than
# skip. As root with apt-get (CI, containers) this script installs what is missing (Debian's
# `prometheus`, Python); rotel goes into a virtualenv under target/. Elsewhere it says what
# to install. Then scripts/e2e.py runs the demo against a real Prometheus and Alertmanager,
# (and the live page in headless Chromium), and scripts/check_dashboards.py type-checks the
# dashboards with Grafana's schema.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $* (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "missing: $* (Debian/Ubuntu: sudo apt-get install $*)" >&2
    exit 1
  fi
}

# jemalloc, built for the heap profiles of --all-features, needs make.
if ! command -v make >/dev/null 2>&1; then
  apt_install make
fi
if ! command -v promtool >/dev/null 2>&1; then
  apt_install prometheus
fi
if ! command -v amtool >/dev/null 2>&1; then
  apt_install prometheus-alertmanager
fi

# rotel, the third-party OTLP collector of tests/pipeline/rotel.rs, and prometheus-client,
# whose OpenMetrics parser (the format's reference) reads our OpenMetrics text.
venv=target/test-tools/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" 2>/dev/null || {
    apt_install python3 python3-venv python3-pip
    rm -rf "$venv"
    python3 -m venv "$venv"
  }
fi
if ! "$venv/bin/python" -c "import rotel, prometheus_client" 2>/dev/null; then
  echo "installing rotel and prometheus-client (PyPI)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check rotel prometheus-client
fi
if [ -z "${ROTEL_AGENT:-}" ]; then
  ROTEL_AGENT="$("$venv/bin/python" -c 'import os, rotel; print(os.path.join(os.path.dirname(rotel.__file__), "rotel-agent"))')"
  export ROTEL_AGENT
fi
export OPENMETRICS_PYTHON="${OPENMETRICS_PYTHON:-$venv/bin/python}"

# The example binaries first: tests/sigterm.rs runs them, and scripts/e2e.py runs full_stack.
cargo build --quiet --all-features --examples
cargo test --workspace --all-features "$@"

# End to end with real servers: two demo instances, Prometheus with the generated rules, and
# Alertmanager (scripts/e2e.py). Skipped only when a filter was passed to cargo test above.
if [ "$#" -eq 0 ]; then
  command -v python3 >/dev/null 2>&1 || apt_install python3
  # Node for playwright-core and the Grafana schema; Debian's Chromium for the live page.
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  python3 scripts/e2e.py
  # The dashboards against Grafana's own schema (npm @grafana/schema, typescript).
  python3 scripts/check_dashboards.py
fi
