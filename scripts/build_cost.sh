#!/usr/bin/env bash
# What adding tower-monitoring costs a service: for a `cargo new` axum app with the layer
# and the endpoints (the README's two lines), per feature set, the crates compiled, the
# clean debug build time and the stripped release binary. "bare" is the same app without
# the crate. Each set builds in a target directory of its own, from nothing.
#
#   scripts/build_cost.sh [set...]     sets: bare lean no-otlp default http (all without one)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${BUILD_COST_DIR:-${TMPDIR:-/tmp}/tower-monitoring-build-cost}"
sets=("$@")
[ "${#sets[@]}" -gt 0 ] || sets=(bare lean no-otlp default http)

dependency() {
  case "$1" in
    bare) echo "" ;;
    lean) echo 'tower-monitoring = { version = "0.1", default-features = false, features = ["axum", "prometheus", "operations"] }' ;;
    default) echo 'tower-monitoring = "0.1"' ;;
    no-otlp) echo 'tower-monitoring = { version = "0.1", default-features = false, features = ["axum", "prometheus", "operations", "subscriber", "macros", "system"] }' ;;
    http) echo 'tower-monitoring = { version = "0.1", default-features = false, features = ["axum", "prometheus", "operations", "subscriber", "otlp-http", "macros", "system"] }' ;;
    *) echo "unknown set $1" >&2; exit 2 ;;
  esac
}

main_rs() {
  if [ "$1" = bare ]; then
    cat <<'EOF'
use axum::{Router, routing::get};

#[tokio::main]
async fn main() {
    let app = Router::new().route("/", get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
EOF
  else
    cat <<'EOF'
use axum::{Router, routing::get};
use tower_monitoring::Monitoring;

#[tokio::main]
async fn main() {
    let monitoring = Monitoring::builder().service_name("hello").install().unwrap();
    let app = Router::new()
        .route("/", get(|| async { "hello" }))
        .merge(monitoring.routes())
        .layer(monitoring.layer());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
EOF
  fi
}

printf '%-8s %8s %12s %14s\n' set crates "debug build" "release, strip"
for set in "${sets[@]}"; do
  dir="$work/$set"
  rm -rf "$dir"
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<EOF
[package]
name = "hello"
version = "0.1.0"
edition = "2024"

[dependencies]
axum = "0.8"
tokio = { version = "1", features = ["full"] }
$(dependency "$set")

[patch.crates-io]
tower-monitoring = { path = "$repo" }

# Not a member of the repository's workspace.
[workspace]
EOF
  main_rs "$set" >"$dir/src/main.rs"
  cp "$repo/Cargo.lock" "$dir/Cargo.lock"
  export CARGO_TARGET_DIR="$dir/target"
  started=$(date +%s.%N)
  cargo build --quiet --manifest-path "$dir/Cargo.toml"
  debug_seconds=$(echo "$(date +%s.%N) - $started" | bc)
  crates=$(cargo tree --manifest-path "$dir/Cargo.toml" -e normal,build --prefix none 2>/dev/null |
    sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l)
  cargo build --quiet --release --manifest-path "$dir/Cargo.toml"
  strip -o "$dir/hello.stripped" "$CARGO_TARGET_DIR/release/hello"
  bytes=$(stat -c %s "$dir/hello.stripped")
  printf '%-8s %8s %10.0f s %11.1f MB\n' "$set" "$crates" "$debug_seconds" "$(echo "$bytes / 1000000" | bc -l)"
done
