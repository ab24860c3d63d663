//! [`Pipelines`]: the built providers, and how they are built and shut down.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::metrics::{Meter, MeterProvider};
use opentelemetry::trace::TracerProvider;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::trace::SdkTracerProvider;

use super::export_failures::ExportStatus;
use super::metrics_push::PushStatus;
use super::metrics_source::{MetricsSource, Readers};
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use super::otlp::Signal;
use super::overflow::OverflowWatch;
use super::settings::Settings;
use super::traces::ProcessorFactory;
use super::vars::Vars;
use super::{env, resource, sdk_variables, shutdown, traces, views};
use crate::Error;
use crate::exemplars::Exemplars;
use crate::names::{METRICS, MetricKind};
use crate::trace::propagation::Propagation;
use crate::trace::server_tracer::ServerTracer;

/// The meter and tracer providers, the resource they share, the propagators, and the reader
/// of their own figures.
#[derive(Debug)]
pub(crate) struct Pipelines {
    pub(crate) meter_provider: SdkMeterProvider,
    pub(crate) tracer_provider: Option<SdkTracerProvider>,
    pub(crate) propagation: Propagation,
    /// The longest value of a span attribute taken from the client.
    pub(crate) value_length_limit: usize,
    pub(crate) resource: Resource,
    /// Read by the operator floor and the Prometheus endpoint, when they are built.
    #[cfg_attr(
        not(any(feature = "operations", feature = "prometheus")),
        allow(dead_code)
    )]
    pub(crate) metrics: MetricsSource,
    /// The last failed span export, for the operator views.
    #[cfg_attr(not(feature = "operations"), allow(dead_code))]
    pub(crate) export_status: Arc<ExportStatus>,
    pub(crate) shutdown_timeout: Duration,
    /// The series each instrument keeps, which the HTTP layer binds up to.
    pub(crate) cardinality_limit: usize,
    /// Where the duration histograms keep exemplars, when they do (tracing on).
    pub(crate) exemplars: Option<Arc<Exemplars>>,
    /// What to tell the operator once logging is set up (see [`announce`](Self::announce)).
    notices: Vec<String>,
    /// The crate's own observable counters (folded series, pushed data points), kept so that
    /// their callbacks live as long as the pipelines.
    _observers: Vec<opentelemetry::metrics::ObservableCounter<u64>>,
}

impl Pipelines {
    /// Builds the pipelines from `settings` and the variables. `before_traces` sees the
    /// meter provider before the tracer provider is built.
    pub(crate) fn build(
        mut settings: Settings,
        vars: &impl Vars,
        before_traces: impl FnOnce(&SdkMeterProvider),
    ) -> Result<Self, Error> {
        sdk_variables::check(vars)?;
        if let Some(namespace) = &settings.namespace {
            validate_namespace(namespace)?;
        }
        let resource = resource::build(
            settings.service_name.as_deref(),
            settings.service_version.as_deref(),
        );
        let sampler = env::sampler(settings.sampler.take(), vars)?;
        let propagation = env::propagator(vars)?.with_inbound(settings.inbound);
        let value_length_limit =
            env::attribute_value_length_limit(settings.value_length_limit, vars)?;
        let mut notices = Vec::new();
        let processor = match settings.span_processor.take() {
            Some(custom) => Some(custom),
            None => otlp_processor(&settings, vars, &mut notices)?,
        };

        let cardinality_limit = env::cardinality_limit(settings.cardinality_limit, vars)?;
        let overflow = OverflowWatch::new(cardinality_limit);
        let export = env::metrics_export(settings.metrics_export, vars)?;
        let interval = env::metric_export_interval(settings.metric_export_interval, vars)?;
        let temporality = env::metrics_temporality(settings.metrics_temporality, vars)?;
        let export_status = Arc::new(ExportStatus::default());
        let push_status = Arc::new(PushStatus::default());
        let watchers = (push_status.clone(), export_status.clone(), overflow.clone());
        let push = otlp_metrics_reader(
            &settings,
            export,
            vars,
            (interval, temporality),
            watchers,
            &mut notices,
        )?
        .map(|reader| (reader, temporality));
        let pushed = push.is_some();

        let provider = SdkMeterProvider::builder().with_resource(resource.clone());
        let exponential =
            env::exponential_histograms(settings.exponential_histograms.take(), vars)?;
        let provider = views::apply(
            provider,
            &settings.buckets,
            exponential,
            export.scrape(),
            cardinality_limit,
        )?;
        let readers = Readers {
            namespace: settings.namespace.as_deref(),
            scope_labels: settings.prometheus_scope_labels,
            scrape: export.scrape(),
            push,
            read: settings.read_metrics,
        };
        let (provider, mut metrics) = MetricsSource::attach(provider, readers, &overflow)?;
        // Checked with tracing off too: a bad value fails whatever else is set.
        let keep_exemplars = env::exemplars(settings.exemplars, vars)?;
        let exemplars = (processor.is_some() && keep_exemplars)
            .then(|| Arc::new(exemplar_tables(&settings.buckets, cardinality_limit)));
        metrics.show_exemplars(exemplars.clone());
        let meter_provider = provider.build();
        let meter = meter_provider.meter_with_scope(crate::scope());
        let mut observers = vec![overflow.register(&meter)];
        if pushed {
            observers.push(push_status.register(&meter));
        }
        before_traces(&meter_provider);

        let tracer_provider = processor.map(|processor| {
            let meter = meter_provider.meter_with_scope(crate::scope());
            let processor = processor(&meter, export_status.clone());
            traces::provider(processor, sampler, resource.clone())
        });
        Ok(Self {
            meter_provider,
            tracer_provider,
            propagation,
            value_length_limit,
            resource,
            metrics,
            export_status,
            shutdown_timeout: settings.shutdown_timeout,
            cardinality_limit,
            exemplars,
            notices,
            _observers: observers,
        })
    }

    /// Logs, as warnings, what the operator should know about the configuration (a
    /// certificate gRPC will refuse): after `install()` has set up logging, or at once for
    /// pipelines built beside the application's own subscriber.
    pub(crate) fn announce(&self) {
        for notice in &self.notices {
            tracing::warn!("{notice}");
        }
    }

    /// The meter of this crate's instruments.
    pub(crate) fn meter(&self) -> Meter {
        self.meter_provider.meter_with_scope(crate::scope())
    }

    /// What server spans are made with, when these pipelines trace.
    pub(crate) fn server_tracer(&self) -> Option<ServerTracer> {
        self.tracer_provider.as_ref().map(|provider| ServerTracer {
            tracer: provider.tracer_with_scope(crate::scope()),
            propagation: self.propagation.clone(),
            value_length_limit: self.value_length_limit,
        })
    }

    /// Flushes and stops both providers, each within the timeout, without blocking the
    /// caller's task.
    pub(crate) async fn shutdown(&self) -> Result<(), Error> {
        shutdown::in_background(self.shutdown_timeout, self.shutdown_work()).await
    }

    /// [`shutdown`](Self::shutdown), blocking the caller for at most the timeout.
    pub(crate) fn shutdown_blocking(&self) -> Result<(), Error> {
        shutdown::blocking(self.shutdown_timeout, self.shutdown_work())
    }

    fn shutdown_work(&self) -> shutdown::Work {
        let meters = self.meter_provider.clone();
        let tracers = self.tracer_provider.clone();
        let timeout = self.shutdown_timeout;
        Box::new(move || {
            let traced = tracers.map_or(Ok(()), |tracers| tracers.shutdown_with_timeout(timeout));
            let metered = meters.shutdown_with_timeout(timeout);
            traced.and(metered).map_err(Error::exporter)
        })
    }
}

/// The OTLP processor when tracing is enabled by the builder or the environment.
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
fn otlp_processor(
    settings: &Settings,
    vars: &impl Vars,
    notices: &mut Vec<String>,
) -> Result<Option<ProcessorFactory>, Error> {
    let tls = super::otlp::tls_files(&settings.otlp, Signal::Traces, vars)?;
    if !env::traces_enabled(settings.otlp.endpoint.is_some(), vars)? {
        return Ok(None);
    }
    let protocol = env::otlp_protocol(settings.otlp.protocol, Signal::Traces, vars)?;
    let notice =
        super::otlp::certificate_notice(&settings.otlp, Signal::Traces, protocol, &tls, vars)?;
    notices.extend(notice.map(|notice| format!("trace export: {notice}")));
    let exporter = super::otlp::span_exporter(&settings.otlp, protocol, tls, vars)?;
    Ok(Some(traces::processor(exporter)))
}

/// What a pushed metric export reports to.
type PushWatchers = (
    Arc<PushStatus>,
    Arc<ExportStatus>,
    Arc<super::overflow::OverflowWatch>,
);

/// The periodic reader pushing metrics over OTLP, when `export` pushes. The TLS files are
/// checked either way.
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
fn otlp_metrics_reader(
    settings: &Settings,
    export: super::MetricsExport,
    vars: &impl Vars,
    (interval, temporality): (Duration, opentelemetry_sdk::metrics::Temporality),
    (status, export_status, overflow): PushWatchers,
    notices: &mut Vec<String>,
) -> Result<Option<Arc<dyn MetricReader>>, Error> {
    let tls = super::otlp::tls_files(&settings.otlp, Signal::Metrics, vars)?;
    if !export.push() {
        return Ok(None);
    }
    let protocol = env::otlp_protocol(settings.otlp.protocol, Signal::Metrics, vars)?;
    let notice =
        super::otlp::certificate_notice(&settings.otlp, Signal::Metrics, protocol, &tls, vars)?;
    notices.extend(notice.map(|notice| format!("metric export: {notice}")));
    let exporter = super::otlp::metric_exporter(&settings.otlp, protocol, tls, temporality, vars)?;
    Ok(Some(Arc::new(super::metrics_push::reader(
        exporter,
        interval,
        status,
        export_status,
        overflow,
    ))))
}

#[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
fn otlp_metrics_reader(
    _settings: &Settings,
    export: super::MetricsExport,
    _vars: &impl Vars,
    _schedule: (Duration, opentelemetry_sdk::metrics::Temporality),
    _watchers: PushWatchers,
    _notices: &mut Vec<String>,
) -> Result<Option<Arc<dyn MetricReader>>, Error> {
    if !export.push() {
        return Ok(None);
    }
    Err(Error::config(
        "metrics pushed over OTLP (OTEL_METRICS_EXPORTER=otlp or metrics_export(..)) need the \
         `otlp` or `otlp-http` feature of tower-monitoring",
    ))
}

/// Without the `otlp` feature an endpoint in the environment cannot be honoured; saying so
/// beats exporting nothing in silence.
#[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
fn otlp_processor(
    _settings: &Settings,
    vars: &impl Vars,
    _notices: &mut Vec<String>,
) -> Result<Option<ProcessorFactory>, Error> {
    if env::traces_enabled(false, vars)? {
        return Err(Error::config(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but tower-monitoring was built without its \
             `otlp` feature",
        ));
    }
    Ok(None)
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

/// A table for each duration histogram of the crate (the histograms in seconds: requests,
/// dependency calls, tools, steps, jobs), with the bounds it records with.
fn exemplar_tables(buckets: &[super::Buckets], series: usize) -> Exemplars {
    let durations = METRICS
        .iter()
        .filter(|metric| metric.kind == MetricKind::Histogram && metric.unit == "s");
    Exemplars::new(
        durations.map(|metric| {
            let chosen = buckets.iter().find(|b| b.instrument == metric.name);
            let bounds = chosen.map_or(metric.buckets.unwrap_or(&[]), |b| &b.bounds[..]);
            (metric.name, bounds)
        }),
        series,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
