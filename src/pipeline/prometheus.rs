//! The Prometheus pull exporter: a registry of its own per set of pipelines, so two
//! instances in one process never see each other's metrics.

use opentelemetry_prometheus::PrometheusExporter;
use prometheus::{Registry, TextEncoder};

use crate::Error;

/// The registry `/metrics` renders. Cloning is cheap; clones share the registry.
#[derive(Debug, Clone)]
pub(crate) struct PrometheusRegistry {
    registry: Registry,
}

impl PrometheusRegistry {
    /// A registry and the exporter that feeds it, to register with the meter provider (it
    /// collects on every scrape). `namespace` prefixes every name.
    pub(super) fn new(namespace: Option<&str>) -> Result<(Self, PrometheusExporter), Error> {
        let registry = Registry::new();
        let mut exporter = opentelemetry_prometheus::exporter().with_registry(registry.clone());
        if let Some(namespace) = namespace {
            exporter = exporter.with_namespace(namespace.to_owned());
        }
        let exporter = exporter.build().map_err(Error::exporter)?;
        Ok((Self { registry }, exporter))
    }

    /// The current metrics in the text exposition format.
    pub(crate) fn render(&self) -> String {
        let mut text = String::new();
        // Encoding into a String only fails on a malformed family, which the exporter never
        // produces; a scrape then returns what was written so far rather than an error page.
        let _ = TextEncoder::new().encode_utf8(&self.registry.gather(), &mut text);
        text
    }
}
