//! The monitoring HTTP endpoints, as axum routes or on a listener of their own.

mod metrics;

pub use metrics::MetricsServer;
