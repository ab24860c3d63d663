//! The OpenTelemetry pipelines: [`Monitoring::builder`] builds them, [`Monitoring`] owns them.

#[cfg(feature = "prometheus")]
mod prometheus;

use std::sync::Arc;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;

use crate::{Error, MonitoringLayer};

/// Configures and installs the telemetry pipelines. Start with [`Monitoring::builder`].
#[derive(Debug, Default, Clone)]
#[must_use = "a builder does nothing until `install` or `build` is called"]
pub struct MonitoringBuilder {
    service_name: Option<String>,
    namespace: Option<String>,
}

impl MonitoringBuilder {
    /// The `service.name` resource attribute. Without it, `OTEL_SERVICE_NAME` is used, and
    /// without that the file name of the running binary.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// A prefix for every Prometheus metric name: `orders` turns
    /// `http_server_request_duration_seconds` into `orders_http_server_request_duration_seconds`.
    /// It must match `[a-zA-Z_][a-zA-Z0-9_]*`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Builds the pipelines and installs the meter provider as the OpenTelemetry global, so
    /// that [`MonitoringLayer::new`] and any other instrumentation record into it.
    pub fn install(self) -> Result<Monitoring, Error> {
        let monitoring = self.build()?;
        opentelemetry::global::set_meter_provider(monitoring.meter_provider().clone());
        Ok(monitoring)
    }

    /// Builds the pipelines without touching any global; use [`Monitoring::layer`] to record
    /// into them. Several such instances can live in one process (tests, multi-tenant hosts).
    pub fn build(self) -> Result<Monitoring, Error> {
        if let Some(namespace) = &self.namespace {
            validate_namespace(namespace)?;
        }
        let resource = self.resource();
        let provider = SdkMeterProvider::builder().with_resource(resource.clone());
        #[cfg(feature = "prometheus")]
        let (provider, prometheus) = {
            let prometheus = prometheus::PrometheusEndpoint::new(self.namespace.as_deref());
            (provider.with_reader(prometheus.reader()?), prometheus)
        };
        Ok(Monitoring {
            inner: Arc::new(Inner {
                meter_provider: provider.build(),
                resource,
                #[cfg(feature = "prometheus")]
                prometheus,
            }),
        })
    }

    fn resource(&self) -> Resource {
        // `Resource::builder` reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES itself; the
        // name is set explicitly only when the builder or the binary's name must win.
        let builder = Resource::builder();
        let from_env = std::env::var("OTEL_SERVICE_NAME").ok();
        match service_name(
            self.service_name.as_deref(),
            from_env.as_deref(),
            binary_name,
        ) {
            ServiceName::FromEnvironment => builder,
            ServiceName::Explicit(name) => builder.with_service_name(name),
        }
        .build()
    }
}

#[derive(Debug, PartialEq)]
enum ServiceName {
    Explicit(String),
    FromEnvironment,
}

/// `service.name` precedence: the builder, else a non-empty `OTEL_SERVICE_NAME`, else the
/// file name of the running binary (rather than the SDK's `unknown_service`).
fn service_name(
    configured: Option<&str>,
    environment: Option<&str>,
    binary: impl FnOnce() -> String,
) -> ServiceName {
    match (configured, environment) {
        (Some(name), _) => ServiceName::Explicit(name.to_owned()),
        (None, Some(name)) if !name.is_empty() => ServiceName::FromEnvironment,
        (None, _) => ServiceName::Explicit(binary()),
    }
}

fn validate_namespace(namespace: &str) -> Result<(), Error> {
    let mut chars = namespace.chars();
    let valid_start = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if valid_start && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(Error::config(format!(
            "metric namespace {namespace:?} must match [a-zA-Z_][a-zA-Z0-9_]*"
        )))
    }
}

fn binary_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "unknown_service".to_owned())
}

/// The installed pipelines. Cloning is cheap; every clone refers to the same pipelines.
///
/// ```no_run
/// use axum::{Router, routing::get};
/// use tower_monitoring::{Monitoring, MonitoringLayer};
///
/// # fn main() -> Result<(), tower_monitoring::Error> {
/// let monitoring = Monitoring::builder().service_name("orders").install()?;
/// let app: Router = Router::new()
///     .route("/users/{id}", get(|| async { "user" }))
///     .merge(monitoring.routes())
///     .layer(MonitoringLayer::new());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Monitoring {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    meter_provider: SdkMeterProvider,
    resource: Resource,
    #[cfg(feature = "prometheus")]
    prometheus: prometheus::PrometheusEndpoint,
}

impl Monitoring {
    /// Starts configuring the pipelines.
    pub fn builder() -> MonitoringBuilder {
        MonitoringBuilder::default()
    }

    /// The meter provider, for instruments of your own or for
    /// [`MonitoringLayer::with_meter_provider`].
    pub fn meter_provider(&self) -> &SdkMeterProvider {
        &self.inner.meter_provider
    }

    /// The resource every signal carries (`service.name` and the `OTEL_RESOURCE_ATTRIBUTES`).
    pub fn resource(&self) -> &Resource {
        &self.inner.resource
    }

    /// A [`MonitoringLayer`] that records into these pipelines, whatever the global is.
    pub fn layer(&self) -> MonitoringLayer {
        MonitoringLayer::new().with_meter_provider(self.meter_provider())
    }

    /// The current metrics in the Prometheus text exposition format.
    #[cfg(feature = "prometheus")]
    pub fn render_prometheus(&self) -> String {
        self.inner.prometheus.render()
    }

    /// Flushes and stops the pipelines. Later recordings are dropped.
    pub fn shutdown(&self) -> Result<(), Error> {
        self.inner
            .meter_provider
            .shutdown()
            .map_err(Error::exporter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_name_prefers_builder_then_environment_then_binary() {
        let binary = || "orders-bin".to_owned();
        assert_eq!(
            service_name(Some("orders"), Some("env"), binary),
            ServiceName::Explicit("orders".into())
        );
        assert_eq!(
            service_name(None, Some("env"), binary),
            ServiceName::FromEnvironment
        );
        assert_eq!(
            service_name(None, Some(""), binary),
            ServiceName::Explicit("orders-bin".into())
        );
        assert_eq!(
            service_name(None, None, binary),
            ServiceName::Explicit("orders-bin".into())
        );
    }

    #[test]
    fn namespaces_must_be_prometheus_identifiers() {
        assert!(validate_namespace("orders").is_ok());
        assert!(validate_namespace("_svc_2").is_ok());
        for bad in ["", "2fast", "has-dash", "has space", "ünïcode"] {
            let err = validate_namespace(bad).unwrap_err().to_string();
            assert!(err.contains("must match"), "{bad:?}: {err}");
        }
    }
}
