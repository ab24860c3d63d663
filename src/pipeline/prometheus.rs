//! The Prometheus pull exporter: a registry of its own per set of pipelines, so two
//! instances in one process never see each other's metrics.

use std::sync::Arc;

use opentelemetry_prometheus::PrometheusExporter;
use prometheus::{Registry, TextEncoder};

use super::overflow::OverflowWatch;
use crate::Error;

/// The registry `/metrics` renders. Cloning is cheap; clones share the registry.
#[derive(Debug, Clone)]
pub(crate) struct PrometheusRegistry {
    registry: Registry,
    namespace: Option<String>,
    /// Told of every scrape.
    overflow: Arc<OverflowWatch>,
}

impl PrometheusRegistry {
    /// A registry and the exporter that feeds it, to register with the meter provider (it
    /// collects on every scrape). `namespace` prefixes every name; `scope_labels` keeps
    /// `otel_scope_name` and `otel_scope_version` on every series, which for a service whose
    /// metrics come from this crate alone say the same on every line.
    pub(super) fn new(
        namespace: Option<&str>,
        scope_labels: bool,
        overflow: Arc<OverflowWatch>,
    ) -> Result<(Self, PrometheusExporter), Error> {
        let registry = Registry::new();
        let mut exporter = opentelemetry_prometheus::exporter()
            .with_registry(registry.clone())
            .scope_info_enabled(scope_labels);
        if let Some(namespace) = namespace {
            exporter = exporter.with_namespace(namespace.to_owned());
        }
        let exporter = exporter.build().map_err(Error::exporter)?;
        let registry = Self {
            registry,
            namespace: namespace.map(str::to_owned),
            overflow,
        };
        Ok((registry, exporter))
    }

    /// The current metrics in the text exposition format.
    pub(crate) fn render(&self) -> String {
        let mut text = String::new();
        // Encoding into a String only fails on a malformed family, which the exporter never
        // produces; a scrape then returns what was written so far rather than an error page.
        let families = self.registry.gather();
        self.overflow
            .observe_families(&families, self.namespace.as_deref());
        let _ = TextEncoder::new().encode_utf8(&families, &mut text);
        text
    }
}
