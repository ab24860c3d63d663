//! The monitoring HTTP endpoints, as axum routes or on a listener of their own:
//! `GET /metrics` (`metrics.rs`), `GET /health` and `GET /ready` (`health.rs`),
//! `GET /metrics/summary` and `POST /metrics/reset` (`summary.rs`), and the bearer tokens
//! that can guard them (`auth.rs`).

mod auth;
mod health;
mod metrics;
mod summary;

pub use metrics::MetricsServer;
