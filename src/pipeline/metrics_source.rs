//! Where the pipelines' own figures are read from: the reader already registered with the
//! meter provider, kept at hand.
//!
//! Every reader on a provider aggregates each measurement again, so a second reader just
//! for the JSON summary would add to every request. With the Prometheus exporter on, its
//! reader is read directly (the summary and `/metrics` then see the same collection); with
//! only a cumulative push, the push reader is; otherwise a manual reader takes their place,
//! only when something reads it.

use std::sync::{Arc, Weak};
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{InstrumentKind, MeterProviderBuilder, Pipeline, Temporality};

use super::overflow::{OverflowWatch, Source};
use crate::Error;
use crate::exemplars::Exemplars;

/// A reader registered with the provider and also kept here.
#[derive(Debug)]
struct Shared<R: ?Sized>(Arc<R>);

impl<R: MetricReader + ?Sized> MetricReader for Shared<R> {
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

/// The readers to register, as the settings chose them.
pub(crate) struct Readers<'a> {
    /// Prefixes every Prometheus name.
    pub(crate) namespace: Option<&'a str>,
    /// `otel_scope_name`/`otel_scope_version` on every Prometheus series.
    pub(crate) scope_labels: bool,
    /// The Prometheus exporter, for `/metrics`.
    pub(crate) scrape: bool,
    /// The periodic OTLP reader, and the temporality it collects with.
    pub(crate) push: Option<(Arc<dyn MetricReader>, Temporality)>,
    /// Whether something reads the figures (the operator floor).
    pub(crate) read: bool,
}

/// The pipelines' figures: as the SDK's data types, and as Prometheus text when the
/// exporter is on. Cloning is cheap.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(feature = "operations"), allow(dead_code))]
pub(crate) struct MetricsSource {
    reader: Option<Arc<dyn MetricReader>>,
    /// Told of every collection read here.
    overflow: Option<Arc<OverflowWatch>>,
    /// The exemplars the OpenMetrics text joins to the histograms.
    exemplars: Option<Arc<Exemplars>>,
    /// The Prometheus exporter's spelling, which the OpenMetrics text follows.
    #[cfg(feature = "prometheus")]
    naming: super::open_metrics::Naming,
    #[cfg(feature = "prometheus")]
    prometheus: Option<super::prometheus::PrometheusRegistry>,
}

impl MetricsSource {
    /// Registers `readers` with `provider` and picks the one the figures are read from, so
    /// that no reader is added for them alone: the Prometheus exporter's; else the push
    /// reader when it is cumulative (a delta one would lose to each read what the next push
    /// should carry); else, when something reads, a manual reader. Every collection read
    /// here is shown to `overflow`.
    pub(crate) fn attach(
        mut provider: MeterProviderBuilder,
        readers: Readers<'_>,
        overflow: &Arc<OverflowWatch>,
    ) -> Result<(MeterProviderBuilder, Self), Error> {
        let mut source = Self {
            overflow: Some(overflow.clone()),
            ..Self::default()
        };
        #[cfg(feature = "prometheus")]
        if readers.scrape {
            let (registry, exporter) = super::prometheus::PrometheusRegistry::new(
                readers.namespace,
                readers.scope_labels,
                overflow.clone(),
            )?;
            let reader = Arc::new(exporter);
            source.reader = Some(reader.clone());
            source.prometheus = Some(registry);
            source.naming = super::open_metrics::Naming {
                namespace: readers.namespace.map(|namespace| {
                    let separator = if namespace.ends_with('_') { "" } else { "_" };
                    format!("{namespace}{separator}")
                }),
                scope_labels: readers.scope_labels,
            };
            provider = provider.with_reader(Shared(reader));
        }
        #[cfg(not(feature = "prometheus"))]
        let _ = (readers.namespace, readers.scope_labels, readers.scrape);
        if let Some((reader, temporality)) = readers.push {
            if source.reader.is_none() && temporality == Temporality::Cumulative {
                source.reader = Some(reader.clone());
            }
            provider = provider.with_reader(Shared(reader));
        }
        if source.reader.is_none() && readers.read {
            let reader = Arc::new(opentelemetry_sdk::metrics::ManualReader::builder().build());
            source.reader = Some(reader.clone());
            provider = provider.with_reader(Shared(reader));
        }
        Ok((provider, source))
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

    /// Joins `exemplars` to the histograms of the OpenMetrics text.
    pub(crate) fn show_exemplars(&mut self, exemplars: Option<Arc<Exemplars>>) {
        self.exemplars = exemplars;
    }

    /// The current metrics in the OpenMetrics text format, with exemplars; `None` when the
    /// scrape is off.
    #[cfg(feature = "prometheus")]
    pub(crate) fn render_open_metrics(&self) -> Option<String> {
        self.prometheus.as_ref()?;
        let metrics = self.collect();
        Some(super::open_metrics::render(
            &metrics,
            self.exemplars.as_deref(),
            &self.naming,
        ))
    }

    /// The current metrics in the Prometheus text format, `None` when the scrape is off.
    #[cfg(feature = "prometheus")]
    pub(crate) fn render_prometheus(&self) -> Option<String> {
        self.prometheus
            .as_ref()
            .map(super::prometheus::PrometheusRegistry::render)
    }
}
