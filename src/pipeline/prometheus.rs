//! The Prometheus pull exporter: a registry of our own per [`Monitoring`](super::Monitoring),
//! so two instances in one process never see each other's metrics.

use opentelemetry_prometheus::PrometheusExporter;
use prometheus::{Registry, TextEncoder};

use crate::Error;

#[derive(Debug)]
pub(super) struct PrometheusEndpoint {
    registry: Registry,
    namespace: Option<String>,
}

impl PrometheusEndpoint {
    pub(super) fn new(namespace: Option<&str>) -> Self {
        Self {
            registry: Registry::new(),
            namespace: namespace.map(str::to_owned),
        }
    }

    /// The reader to register with the meter provider; it collects on every scrape.
    pub(super) fn reader(&self) -> Result<PrometheusExporter, Error> {
        let mut exporter =
            opentelemetry_prometheus::exporter().with_registry(self.registry.clone());
        if let Some(namespace) = &self.namespace {
            exporter = exporter.with_namespace(namespace.clone());
        }
        exporter.build().map_err(Error::exporter)
    }

    /// The current families, as `render` would encode them.
    #[cfg(feature = "axum")]
    pub(super) fn gather(&self) -> Vec<prometheus::proto::MetricFamily> {
        self.registry.gather()
    }

    #[cfg(feature = "axum")]
    pub(super) fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    pub(super) fn render(&self) -> String {
        let mut text = String::new();
        // Encoding into a String only fails on a malformed family, which the exporter never
        // produces; a scrape then returns what was written so far rather than an error page.
        let _ = TextEncoder::new().encode_utf8(&self.registry.gather(), &mut text);
        text
    }
}
