//! The ground floor: the OpenTelemetry pipelines, and nothing that uses them.
//!
//! - [`Pipelines`](pipelines.rs): the SDK `MeterProvider` and `TracerProvider` with the
//!   resource they share (`resource.rs`), the propagators, the reader their own figures
//!   are read through (`metrics_source.rs`, the Prometheus registry in `prometheus.rs`, the
//!   OpenMetrics text with exemplars in `open_metrics.rs`),
//!   the view every instrument goes through (`views.rs`: the cardinality limit and the
//!   bucket bounds the application chose, `buckets.rs`) and the watch on series folded past
//!   that limit (`overflow.rs`);
//! - traces: a bounded batch processor in front of the OTLP exporter (`traces.rs`,
//!   `otlp.rs`, its TLS in `tls.rs`), failed exports counted and logged at a bounded rate
//!   (`export_failures.rs`);
//! - metrics leave by the scrape, an OTLP push, both or neither (`metrics_export.rs`); the
//!   push is the SDK's periodic reader, watched (`metrics_push.rs`);
//! - logs: the `tracing` subscriber, text or JSON with trace ids, bridged to OpenTelemetry
//!   (`logs.rs`, `json_logs.rs`);
//! - configuration: the settings the builder collects (`settings.rs`), the standard
//!   variables (`env.rs`, and those the SDK reads itself, checked in `sdk_variables.rs`)
//!   read through a lookup tests can replace (`vars.rs`);
//! - installing them as the process's globals (`install.rs`) and a shutdown that returns
//!   within its bound (`shutdown.rs`).
//!
//! It imports nothing from the floors above it: `http`, `dependency`, `operations` and the
//! `Monitoring` handle build on it.

mod buckets;
mod env;
mod export_failures;
mod install;
#[cfg(feature = "subscriber")]
mod installed_tracer;
#[cfg(feature = "subscriber")]
mod json_logs;
#[cfg(feature = "subscriber")]
mod logs;
mod metrics_export;
mod metrics_push;
mod metrics_source;
#[cfg(feature = "prometheus")]
mod open_metrics;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod otlp;
mod overflow;
mod pipelines;
#[cfg(feature = "prometheus")]
mod prometheus;
mod resource;
mod sdk_variables;
mod settings;
mod shutdown;
pub(crate) mod tls;
mod traces;
pub(crate) mod vars;
pub(crate) mod views;

pub(crate) use buckets::Buckets;
pub(crate) use install::install;
#[cfg(feature = "subscriber")]
pub use json_logs::JsonFormat;
#[cfg(feature = "subscriber")]
pub use logs::{LogFormat, bridge_layer, tracing_layer};
// Read by the operator floor, when it is built.
#[cfg_attr(not(feature = "operations"), allow(unused_imports))]
pub(crate) use export_failures::ExportStatus;
pub use metrics_export::MetricsExport;
#[cfg_attr(not(feature = "operations"), allow(unused_imports))]
pub(crate) use metrics_source::MetricsSource;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
pub use otlp::OtlpProtocol;
pub(crate) use pipelines::Pipelines;
pub use settings::DEFAULT_SHUTDOWN_TIMEOUT;
pub(crate) use settings::Settings;
pub(crate) use traces::processor;
pub use views::DEFAULT_CARDINALITY_LIMIT;
