#!/usr/bin/env bash
# Runs the whole test suite, with the real tools some tests need.
#
# Tests parse our /metrics output with Prometheus's own `promtool`; they fail loudly when it
# is missing rather than skip. As root with apt-get (CI, containers) this script installs
# Debian's `prometheus` package; elsewhere it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing promtool (Debian package prometheus)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "promtool not found: install Prometheus (Debian/Ubuntu: sudo apt-get install prometheus)" >&2
    exit 1
  fi
fi

cargo test --all-features "$@"
