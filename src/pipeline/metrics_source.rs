//! Where the pipelines' own figures are read from: the reader already registered with the
//! meter provider, kept at hand.
//!
//! Every reader on a provider aggregates each measurement again, so a second reader just
//! for the JSON summary would add to every request. With the Prometheus exporter on, its
//! reader is read directly (the summary and `/metrics` then see the same collection); with
//! it off, a manual reader takes its place, only when something reads it.

use std::sync::{Arc, Weak};
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{InstrumentKind, MeterProviderBuilder, Pipeline, Temporality};

use super::overflow::{OverflowWatch, Source};
use crate::Error;

/// A reader registered with the provider and also kept here.
#[derive(Debug)]
struct Shared<R>(Arc<R>);

impl<R: MetricReader> MetricReader for Shared<R> {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.register_pipeline(pipeline)
    }
    fn collect(&self, rm: &mut ResourceMetrics) -> OTelSdkResult {
        self.0.collect(rm)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }
    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.temporality(kind)
    }
}

/// The pipelines' figures: as the SDK's data types, and as Prometheus text when the
/// exporter is on. Cloning is cheap.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(feature = "operations"), allow(dead_code))]
pub(crate) struct MetricsSource {
    reader: Option<Arc<dyn MetricReader>>,
    /// Told of every collection read here.
    overflow: Option<Arc<OverflowWatch>>,
    #[cfg(feature = "prometheus")]
    prometheus: Option<super::prometheus::PrometheusRegistry>,
}

impl MetricsSource {
    /// Registers the reader with `provider`: the Prometheus exporter's when the feature is
    /// on (names prefixed by `namespace`, scope labels as `scope_labels` says), else a manual
    /// reader when `read` asks for one. Every collection is shown to `overflow`.
    pub(crate) fn attach(
        provider: MeterProviderBuilder,
        namespace: Option<&str>,
        scope_labels: bool,
        read: bool,
        overflow: &Arc<OverflowWatch>,
    ) -> Result<(MeterProviderBuilder, Self), Error> {
        #[cfg(feature = "prometheus")]
        {
            let _ = read;
            let (registry, exporter) = super::prometheus::PrometheusRegistry::new(
                namespace,
                scope_labels,
                overflow.clone(),
            )?;
            let reader = Arc::new(exporter);
            let source = Self {
                reader: Some(reader.clone()),
                overflow: Some(overflow.clone()),
                prometheus: Some(registry),
            };
            Ok((provider.with_reader(Shared(reader)), source))
        }
        #[cfg(not(feature = "prometheus"))]
        {
            let _ = (namespace, scope_labels);
            if !read {
                return Ok((provider, Self::default()));
            }
            let reader = Arc::new(opentelemetry_sdk::metrics::ManualReader::builder().build());
            let source = Self {
                reader: Some(reader.clone()),
                overflow: Some(overflow.clone()),
            };
            Ok((provider.with_reader(Shared(reader)), source))
        }
    }

    /// One collection of every metric, empty when there is no reader.
    #[cfg_attr(not(feature = "operations"), allow(dead_code))]
    pub(crate) fn collect(&self) -> ResourceMetrics {
        let mut metrics = ResourceMetrics::default();
        if let Some(reader) = &self.reader {
            // A reader that is shut down leaves the collection empty, as for no reader.
            let _ = reader.collect(&mut metrics);
        }
        if let Some(overflow) = &self.overflow {
            overflow.observe_metrics(Source::Pull, &metrics);
        }
        metrics
    }

    /// The current metrics in the Prometheus text format.
    #[cfg(feature = "prometheus")]
    pub(crate) fn render_prometheus(&self) -> String {
        self.prometheus
            .as_ref()
            .map(super::prometheus::PrometheusRegistry::render)
            .unwrap_or_default()
    }
}
