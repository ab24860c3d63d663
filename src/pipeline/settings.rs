//! Everything the pipelines are built from, as the builder collected it.

use std::time::Duration;

use opentelemetry_sdk::trace::Sampler;

use super::traces::ProcessorFactory;
use crate::trace::propagation::Inbound;

/// How long the pipelines wait for the last spans and metrics on shutdown by default.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) struct Settings {
    pub(crate) service_name: Option<String>,
    pub(crate) service_version: Option<String>,
    pub(crate) namespace: Option<String>,
    /// `otel_scope_name`/`otel_scope_version` on every Prometheus series (off by default).
    pub(crate) prometheus_scope_labels: bool,
    pub(crate) sampler: Option<Sampler>,
    /// A span exporter given in code, instead of OTLP.
    pub(crate) span_processor: Option<ProcessorFactory>,
    pub(crate) inbound: Inbound,
    pub(crate) value_length_limit: Option<usize>,
    /// Histogram bucket bounds chosen by the application, per instrument.
    pub(crate) buckets: Vec<super::Buckets>,
    /// Series per instrument; `None` for `MONITORING_CARDINALITY_LIMIT` or the default.
    pub(crate) cardinality_limit: Option<usize>,
    /// Where metrics go; `None` for `OTEL_METRICS_EXPORTER` or the scrape.
    pub(crate) metrics_export: Option<super::MetricsExport>,
    /// How often metrics are pushed; `None` for `OTEL_METRIC_EXPORT_INTERVAL` or 60 s.
    pub(crate) metric_export_interval: Option<Duration>,
    /// Histograms pushed with exponential buckets; `None` for the variable or none.
    pub(crate) exponential_histograms: Option<super::views::Exponential>,
    /// `None` for `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` or cumulative.
    pub(crate) metrics_temporality: Option<opentelemetry_sdk::metrics::Temporality>,
    /// Whether duration histograms keep exemplars of sampled spans; `None` for
    /// `OTEL_METRICS_EXEMPLAR_FILTER` or on.
    pub(crate) exemplars: Option<bool>,
    pub(crate) shutdown_timeout: Duration,
    /// Whether something reads the pipelines' own figures (the operator endpoints), so a
    /// reader is needed even without the Prometheus exporter.
    pub(crate) read_metrics: bool,
    #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
    pub(crate) otlp: super::otlp::Settings,
    #[cfg(feature = "subscriber")]
    pub(crate) logs: super::logs::Settings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            service_name: None,
            service_version: None,
            namespace: None,
            prometheus_scope_labels: false,
            sampler: None,
            span_processor: None,
            inbound: Inbound::default(),
            value_length_limit: None,
            buckets: Vec::new(),
            cardinality_limit: None,
            metrics_export: None,
            metric_export_interval: None,
            metrics_temporality: None,
            exponential_histograms: None,
            exemplars: None,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            read_metrics: false,
            #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
            otlp: super::otlp::Settings::default(),
            #[cfg(feature = "subscriber")]
            logs: super::logs::Settings::default(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("service_name", &self.service_name)
            .field("service_version", &self.service_version)
            .field("namespace", &self.namespace)
            .field("sampler", &self.sampler)
            .field("buckets", &self.buckets)
            .field("cardinality_limit", &self.cardinality_limit)
            .field("metrics_export", &self.metrics_export)
            .field("custom_span_exporter", &self.span_processor.is_some())
            .field("shutdown_timeout", &self.shutdown_timeout)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Fails naming both settings when one would silently undo the other.
    pub(crate) fn check_conflicts(&self) -> Result<(), crate::Error> {
        #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
        if self.span_processor.is_some() && self.otlp.endpoint.is_some() {
            return Err(crate::Error::config(
                "span_exporter(..) and otlp_endpoint(..) both choose where spans go: keep \
                 one (the OTLP variables still apply when only span_exporter is given, and \
                 are ignored)",
            ));
        }
        #[cfg(feature = "subscriber")]
        if !self.logs.install {
            let set: Vec<&str> = [
                (self.logs.format.is_some(), "log_format(..)"),
                (self.logs.filter.is_some(), "log_filter(..)"),
            ]
            .into_iter()
            .filter_map(|(set, name)| set.then_some(name))
            .collect();
            if !set.is_empty() {
                return Err(crate::Error::config(format!(
                    "{} configure the tracing subscriber that tracing_subscriber(false) does \
                     not install: drop one, or configure your own subscriber (bridge_layer, \
                     JsonFormat)",
                    set.join(" and ")
                )));
            }
        }
        Ok(())
    }
}
