#!/usr/bin/env bash
# Fuzzes hostile inbound requests through MonitoringLayer (fuzz/harness.rs) with cargo-fuzz
# and libFuzzer for a while: `scripts/fuzz.sh [seconds]` (default 60).
#
# cargo-fuzz needs nightly compiler flags. No nightly toolchain can be installed on the
# machines this project is built on, so the stable compiler is run with RUSTC_BOOTSTRAP=1,
# which accepts them. The seed corpus (fuzz/corpus/inbound_request) is also replayed by
# tests/fuzz_corpus.rs on every `cargo test`; new finds go to target/fuzz-corpus, not into
# the repository. A crash leaves its input in fuzz/artifacts/ and fails this script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "installing cargo-fuzz (crates.io)"
  cargo install --quiet --locked cargo-fuzz
fi
scratch=target/fuzz-corpus
mkdir -p "$scratch"
RUSTC_BOOTSTRAP=1 cargo fuzz run inbound_request "$scratch" fuzz/corpus/inbound_request -- \
  -max_total_time="$seconds" -print_final_stats=1
