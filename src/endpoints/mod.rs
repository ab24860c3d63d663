//! The monitoring HTTP endpoints, as axum routes or on a listener of their own:
//! `GET /metrics` (`metrics.rs`), `GET /health` and `GET /ready` (`health.rs`).

mod health;
mod metrics;

pub use metrics::MetricsServer;
