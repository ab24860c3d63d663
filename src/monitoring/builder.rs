//! [`MonitoringBuilder`]: every setting, from code or the environment, and the two ways to
//! finish: [`install`](MonitoringBuilder::install) and [`build`](MonitoringBuilder::build).
//!
//! The settings of each floor live with it (`pipeline::Settings`,
//! `operations::settings::Settings`); the setters of optional resolved are in files of their
//! own, each switched by its feature once.

use std::time::Duration;

use opentelemetry_sdk::trace::{Sampler, SpanExporter};

use super::handle::Monitoring;
use super::resolved::ResolvedSettings;
use crate::pipeline::vars::ProcessEnv;
use crate::pipeline::{self, Pipelines};
use crate::trace::installed::{self, Installed};
use crate::{Error, TraceContextTrust};

/// Configures and installs the telemetry pipelines. Start with [`Monitoring::builder`].
///
/// Every setting left unset falls back to the standard OpenTelemetry variable named in its
/// documentation, then to the OpenTelemetry default. A variable whose value cannot be
/// understood makes [`install`](Self::install) fail with a message naming it.
#[must_use = "a builder does nothing until `install` or `build` is called"]
#[derive(Debug)]
pub struct MonitoringBuilder {
    pub(super) pipeline: pipeline::Settings,
    pub(super) endpoint_prefix: String,
    #[cfg(feature = "system")]
    pub(super) system: super::system_settings::SystemSettings,
    #[cfg(feature = "operations")]
    pub(super) operations: crate::operations::settings::Settings,
}

impl Monitoring {
    /// Starts configuring the pipelines.
    pub fn builder() -> MonitoringBuilder {
        MonitoringBuilder::default()
    }
}

impl Default for MonitoringBuilder {
    fn default() -> Self {
        Self {
            pipeline: pipeline::Settings {
                read_metrics: cfg!(feature = "operations"),
                ..pipeline::Settings::default()
            },
            endpoint_prefix: String::new(),
            #[cfg(feature = "system")]
            system: super::system_settings::SystemSettings {
                enabled: true,
                interval: None,
            },
            #[cfg(feature = "operations")]
            operations: Default::default(),
        }
    }
}

impl MonitoringBuilder {
    /// The `service.name` resource attribute. Without it, `OTEL_SERVICE_NAME` is used, and
    /// without that the file name of the running binary.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.pipeline.service_name = Some(name.into());
        self
    }

    /// The `service.version` resource attribute, typically `env!("CARGO_PKG_VERSION")`.
    /// Without it the version comes only from `OTEL_RESOURCE_ATTRIBUTES`, if at all.
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.pipeline.service_version = Some(version.into());
        self
    }

    /// A prefix for every Prometheus metric name: `orders` turns
    /// `http_server_request_duration_seconds` into `orders_http_server_request_duration_seconds`.
    /// It must match `[a-zA-Z_][a-zA-Z0-9_]*`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.pipeline.namespace = Some(namespace.into());
        self
    }

    /// Whether every Prometheus series carries `otel_scope_name` and `otel_scope_version`
    /// (default `false`). Every metric of a service on this crate comes from one scope, so
    /// the two labels repeat one value on every line of every scrape; turn them on when
    /// other libraries record into the same provider and their series must be told apart.
    pub fn prometheus_scope_labels(mut self, on: bool) -> Self {
        self.pipeline.prometheus_scope_labels = on;
        self
    }

    /// The most series (label sets) each instrument keeps; past it, new label sets are
    /// folded into one series marked `otel_metric_overflow="true"`, counted by
    /// `monitoring_metric_overflow_total` and named in one warning per instrument. Without
    /// it, `MONITORING_CARDINALITY_LIMIT`, else [`DEFAULT_CARDINALITY_LIMIT`] (10,000: a
    /// service of 500 routes with 8 label sets each stays under it). At most 100,000: the SDK
    /// sizes each instrument's table for its limit up front.
    ///
    /// [`DEFAULT_CARDINALITY_LIMIT`]: crate::DEFAULT_CARDINALITY_LIMIT
    pub fn cardinality_limit(mut self, series: usize) -> Self {
        self.pipeline.cardinality_limit = Some(series);
        self
    }

    /// Where metrics go: scraped from `/metrics` (the default), pushed over OTLP, both, or
    /// neither. Without it, `OTEL_METRICS_EXPORTER` (`prometheus`, `otlp`,
    /// `prometheus,otlp`, `none`). A push goes to the collector spans go to
    /// ([`otlp_endpoint`](Self::otlp_endpoint), `OTEL_EXPORTER_OTLP_ENDPOINT`) unless
    /// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` names another, with the same TLS settings.
    pub fn metrics_export(mut self, export: crate::MetricsExport) -> Self {
        self.pipeline.metrics_export = Some(export);
        self
    }

    /// How often metrics are pushed over OTLP (default 60 s, or
    /// `OTEL_METRIC_EXPORT_INTERVAL` in milliseconds).
    pub fn metric_export_interval(mut self, interval: std::time::Duration) -> Self {
        self.pipeline.metric_export_interval = Some(interval);
        self
    }

    /// Whether the duration histograms (HTTP requests, dependency calls) keep, per series
    /// and bucket, the trace of a recent sampled request: the exemplars `/metrics` shows to
    /// an OpenMetrics scrape (default on; it costs nothing without tracing, or on an
    /// unsampled request). Without it, `OTEL_METRICS_EXEMPLAR_FILTER` (`trace_based`,
    /// `always_off`).
    pub fn exemplars(mut self, on: bool) -> Self {
        self.pipeline.exemplars = Some(on);
        self
    }

    /// The temporality of pushed metrics: cumulative (the default, what Prometheus and
    /// most backends expect), delta or low-memory. Without it,
    /// `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`. The scrape is always cumulative.
    pub fn metrics_temporality(
        mut self,
        temporality: opentelemetry_sdk::metrics::Temporality,
    ) -> Self {
        self.pipeline.metrics_temporality = Some(temporality);
        self
    }

    /// Base-2 exponential buckets for these histograms (OpenTelemetry names, such as
    /// `tower_monitoring::names::HTTP_SERVER_REQUEST_DURATION`; `"*"` for every histogram)
    /// when metrics are pushed over OTLP: finer quantiles at any scale, no bounds to choose.
    /// Without it, `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION=
    /// base2_exponential_bucket_histogram` makes them all exponential.
    ///
    /// Only with the scrape off ([`MetricsExport::Push`](crate::MetricsExport::Push)):
    /// Prometheus's text format has no exponential histograms (its native histograms need
    /// protobuf scrapes), the exporter drops them, and the SDK applies one choice to every
    /// reader, so `install()` refuses the pair rather than lose the histograms. Explicit
    /// buckets stay the default for that reason.
    pub fn exponential_histograms<I>(mut self, instruments: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        use crate::pipeline::views::Exponential;
        let names: Vec<String> = instruments.into_iter().map(Into::into).collect();
        self.pipeline.exponential_histograms = Some(if names.iter().any(|name| name == "*") {
            Exponential::All
        } else {
            Exponential::Only(names)
        });
        self
    }

    /// The head sampler. Without it, `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`
    /// (`always_on`, `always_off`, `traceidratio`, `parentbased_always_on`,
    /// `parentbased_always_off`, `parentbased_traceidratio`), else parent-based always-on.
    pub fn sampler(mut self, sampler: Sampler) -> Self {
        self.pipeline.sampler = Some(sampler);
        self
    }

    /// How far server spans trust the caller's `traceparent` (default
    /// [`TraceContextTrust::Continue`]): continue its trace, as a service behind a gateway or
    /// a mesh wants, or start a new trace linked to the caller's span, as a service facing
    /// the internet should, so that no client picks its trace id or forces sampling.
    pub fn inbound_trace_context(mut self, trust: TraceContextTrust) -> Self {
        self.pipeline.inbound.trace_context = trust;
        self
    }

    /// Whether the caller's `baggage` entries are made current for the handler (default
    /// `true`: bounded by the W3C limits, 8 KiB and 180 entries). They are never forwarded
    /// to platforms unless a
    /// [`PlatformLayer::forward_baggage`](crate::dependency::PlatformLayer::forward_baggage)
    /// asks for it.
    pub fn inbound_baggage(mut self, keep: bool) -> Self {
        self.pipeline.inbound.baggage = keep;
        self
    }

    /// The longest value, in characters, of a span attribute taken from the client
    /// (`url.path`, `url.query`, `user_agent.original`, `http.request.method_original`).
    /// Without it, `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, then
    /// `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, else
    /// [`DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT`](crate::DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT)
    /// (1 024): whatever a client sends, the span queue holds a few megabytes at most.
    pub fn span_attribute_value_length_limit(mut self, limit: usize) -> Self {
        self.pipeline.value_length_limit = Some(limit);
        self
    }

    /// The bucket bounds of one histogram, by its OpenTelemetry name (a constant of
    /// [`names`](crate::names)): finer buckets for a service that answers in under a
    /// millisecond, coarser ones for a job that runs for minutes. The bounds must be finite
    /// and strictly increasing; [`install`](Self::install) and [`build`](Self::build) fail
    /// naming the instrument otherwise. Also works for the histograms of the application's
    /// own instruments made on [`Monitoring::meter_provider`].
    ///
    /// ```no_run
    /// use tower_monitoring::{Monitoring, names};
    ///
    /// let monitoring = Monitoring::builder()
    ///     .histogram_buckets(
    ///         names::HTTP_SERVER_REQUEST_DURATION,
    ///         [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1.0],
    ///     )
    ///     .install()?;
    /// # Ok::<_, tower_monitoring::Error>(())
    /// ```
    ///
    /// The dashboards and rules read whatever buckets there are; the latency objectives
    /// (`LATENCY_OBJECTIVE_SECONDS` of the generator) and `ROUTE_LATENCY_OBJECTIVES` need a
    /// bound at their threshold.
    pub fn histogram_buckets(
        mut self,
        instrument: impl Into<String>,
        bounds: impl Into<Vec<f64>>,
    ) -> Self {
        let instrument = instrument.into();
        self.pipeline
            .buckets
            .retain(|buckets| buckets.instrument != instrument);
        self.pipeline.buckets.push(pipeline::Buckets {
            instrument,
            bounds: bounds.into(),
        });
        self
    }

    /// Enables tracing with `exporter` instead of OTLP, behind the same bounded batch
    /// processor: an in-memory exporter in tests, or a vendor's exporter.
    pub fn span_exporter<E: SpanExporter + 'static>(mut self, exporter: E) -> Self {
        self.pipeline.span_processor = Some(pipeline::processor(exporter));
        self
    }

    /// A prefix for the paths of the monitoring endpoints: `/api/v1` serves
    /// `/api/v1/metrics`, `/api/v1/health`, `/api/v1/metrics/summary`, ... The layers skip
    /// them under the prefix. It must start with `/` and not end with one.
    pub fn endpoint_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.endpoint_prefix = prefix.into();
        self
    }

    /// The most [`Monitoring::shutdown`] waits for spans and metrics to be flushed
    /// (default [`DEFAULT_SHUTDOWN_TIMEOUT`](crate::DEFAULT_SHUTDOWN_TIMEOUT)). It bounds the exit even when the collector is
    /// down or never answers.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.pipeline.shutdown_timeout = timeout;
        self
    }

    /// Builds the pipelines and installs them as the OpenTelemetry globals (meter provider,
    /// tracer provider, and the propagators of `OTEL_PROPAGATORS`, by default W3C
    /// TraceContext and Baggage), so that [`MonitoringLayer::new`](crate::MonitoringLayer::new)
    /// and any other instrumentation record into them, and sets the `tracing` subscriber.
    ///
    /// Fails on a configuration error, or when a `tracing` subscriber is already set (see
    /// `tracing_subscriber`); nothing global changes then.
    pub fn install(self) -> Result<Monitoring, Error> {
        let vars = ProcessEnv;
        let (settings, resolved) = self.split(&vars)?;
        let pipelines = pipeline::install(settings, &vars)?;
        installed::set(Installed {
            tracer: pipelines.server_tracer(),
            endpoint_prefix: resolved.endpoint_prefix.clone(),
            cardinality_limit: pipelines.cardinality_limit,
            exemplars: pipelines.exemplars.clone(),
        });
        Monitoring::assemble(pipelines, resolved)
    }

    /// Builds the pipelines without touching any global; use [`Monitoring::layer`] to record
    /// into them. Several such instances can live in one process (tests, multi-tenant hosts).
    ///
    /// Spans dropped because the batch queue is full are counted only by
    /// [`install`](Self::install)ed pipelines (the SDK reports them through the global meter
    /// provider); failed exports are counted either way.
    pub fn build(self) -> Result<Monitoring, Error> {
        let vars = ProcessEnv;
        let (settings, resolved) = self.split(&vars)?;
        let pipelines = Pipelines::build(settings, &vars, |_| {})?;
        pipelines.announce();
        Monitoring::assemble(pipelines, resolved)
    }

    /// The pipelines' settings, and everything above them checked and resolved against the
    /// environment: whatever can be refused is refused before anything starts.
    fn split(
        self,
        vars: &impl pipeline::vars::Vars,
    ) -> Result<(pipeline::Settings, ResolvedSettings), Error> {
        validate_prefix(&self.endpoint_prefix)?;
        self.pipeline.check_conflicts()?;
        let resolved = ResolvedSettings {
            endpoint_prefix: self.endpoint_prefix,
            #[cfg(feature = "system")]
            system: self.system.resolve()?,
            #[cfg(feature = "operations")]
            operations: self.operations.resolve(vars)?,
        };
        let _ = vars;
        Ok((self.pipeline, resolved))
    }
}

fn validate_prefix(prefix: &str) -> Result<(), Error> {
    let valid = prefix.is_empty()
        || (prefix.starts_with('/')
            && !prefix.ends_with('/')
            && prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c)));
    if valid {
        Ok(())
    } else {
        Err(Error::config(format!(
            "endpoint prefix {prefix:?} must start with '/', not end with one, and hold only \
             letters, digits and -_.~"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_prefixes_are_clean_paths() {
        for good in ["", "/api", "/api/v1", "/ops-2"] {
            assert!(validate_prefix(good).is_ok(), "{good}");
        }
        for bad in ["api", "/api/", "/a b", "/a?x"] {
            assert!(validate_prefix(bad).is_err(), "{bad}");
        }
    }
}
