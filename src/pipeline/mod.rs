//! The OpenTelemetry pipelines: [`Monitoring::builder`] builds them, [`Monitoring`] owns them.
//!
//! - metrics: an SDK `MeterProvider` read by the Prometheus exporter (`prometheus.rs`);
//! - traces: an SDK `TracerProvider` whose bounded batch processor feeds the OTLP exporter
//!   (`traces.rs`, `otlp.rs`), failed exports counted and logged at a bounded rate
//!   (`export_failures.rs`);
//! - logs: the `tracing` subscriber, text or JSON with trace ids, bridged to OpenTelemetry
//!   (`logs.rs`, `json_logs.rs`);
//! - the resource they share (`resource.rs`), the standard variables (`env.rs`), and a
//!   shutdown that returns within its bound (`shutdown.rs`).

mod builder;
mod env;
mod export_failures;
#[cfg(feature = "subscriber")]
mod json_logs;
#[cfg(feature = "subscriber")]
mod logs;
mod monitoring;
#[cfg(feature = "otlp")]
mod otlp;
#[cfg(feature = "prometheus")]
mod prometheus;
mod resource;
mod shutdown;
mod traces;

pub use builder::{DEFAULT_ALERT_INTERVAL, DEFAULT_SHUTDOWN_TIMEOUT, MonitoringBuilder};
#[cfg(feature = "subscriber")]
pub use json_logs::JsonFormat;
#[cfg(feature = "subscriber")]
pub use logs::{LogFormat, bridge_layer};
pub use monitoring::Monitoring;
pub(crate) use monitoring::installed_endpoint_prefix;
#[cfg(feature = "otlp")]
pub use otlp::OtlpProtocol;
pub(crate) use traces::{installed_tracer, installed_tracer_generation};
