//! The top floor: [`Monitoring`], the handle composed of the floors below it (pipelines,
//! dependency handle, operator endpoints, system metrics), and [`MonitoringBuilder`], which
//! collects the settings of each and starts them.
//!
//! `handle.rs` and `builder.rs` hold what every build has; the files named for a feature
//! add its settings and methods, each switched on once, at its `mod` line.

mod builder;
mod handle;
#[cfg(feature = "subscriber")]
mod log_settings;
#[cfg(feature = "operations")]
mod operator;
#[cfg(feature = "operations")]
mod operator_settings;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod otlp_settings;
mod resolved;
#[cfg(feature = "system")]
mod system_settings;
#[cfg(feature = "subscriber")]
mod tracing_layer;

pub use builder::MonitoringBuilder;
pub use handle::Monitoring;
