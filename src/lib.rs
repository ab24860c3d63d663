//! Production observability for axum and tower services.

pub mod names;

#[cfg(all(feature = "axum", feature = "prometheus"))]
mod endpoints;
mod error;
mod http;
mod pipeline;
mod route;

#[cfg(all(feature = "axum", feature = "prometheus"))]
pub use endpoints::{METRICS_PATH, MetricsServer};
pub use pipeline::{Monitoring, MonitoringBuilder};

pub use error::Error;
pub use http::{
    DEFAULT_EXCLUDED_PATHS, MonitoringLayer, MonitoringService, ResponseBody, ResponseFuture,
};
pub use route::RouteTemplate;

/// The OpenTelemetry API crate this crate is built on; depend on it through this re-export
/// so that your instruments and ours share one global provider.
pub use opentelemetry;
/// The OpenTelemetry SDK crate this crate is built on.
pub use opentelemetry_sdk;

fn scope() -> opentelemetry::InstrumentationScope {
    opentelemetry::InstrumentationScope::builder(names::SCOPE)
        .with_version(env!("CARGO_PKG_VERSION"))
        .build()
}
