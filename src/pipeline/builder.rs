//! [`MonitoringBuilder`]: every setting of the pipelines, from code or the environment.

use std::time::Duration;

use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::{Sampler, SpanExporter};

use super::env::{self, ProcessEnv, Vars};
#[cfg(feature = "subscriber")]
use super::logs::{self, LogFormat};
use super::monitoring::{Monitoring, Parts};
#[cfg(feature = "otlp")]
use super::otlp::{self, OtlpProtocol};
use super::resource;
#[cfg(feature = "subscriber")]
use super::shutdown;
use super::traces::{self, ProcessorFactory};
use crate::propagation::Inbound;
use crate::{Error, TraceContextTrust};

/// How often the in-process alerts are evaluated by default.
pub const DEFAULT_ALERT_INTERVAL: Duration = Duration::from_secs(15);

/// How long [`Monitoring::shutdown`] waits for the last spans and metrics by default.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// Configures and installs the telemetry pipelines. Start with [`Monitoring::builder`].
///
/// Every setting left unset falls back to the standard OpenTelemetry variable named in its
/// documentation, then to the OpenTelemetry default. A variable whose value cannot be
/// understood makes [`install`](Self::install) fail with a message naming it.
#[must_use = "a builder does nothing until `install` or `build` is called"]
pub struct MonitoringBuilder {
    service_name: Option<String>,
    service_version: Option<String>,
    namespace: Option<String>,
    sampler: Option<Sampler>,
    span_processor: Option<ProcessorFactory>,
    inbound: Inbound,
    value_length_limit: Option<usize>,
    #[cfg(feature = "otlp")]
    otlp_endpoint: Option<String>,
    #[cfg(feature = "otlp")]
    otlp_protocol: Option<OtlpProtocol>,
    #[cfg(feature = "subscriber")]
    subscriber: bool,
    #[cfg(feature = "subscriber")]
    log_format: Option<LogFormat>,
    #[cfg(feature = "subscriber")]
    log_filter: Option<String>,
    shutdown_timeout: Duration,
    endpoint_prefix: String,
    #[cfg(feature = "system")]
    system: Option<Duration>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    readiness_timeout: Duration,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    readiness_cache: Duration,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    summary_window: Duration,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    admin_token: Option<String>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    metrics_token: Option<String>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    alert_thresholds: Option<crate::alerting::Thresholds>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    alert_interval: Option<Duration>,
    #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
    alert_webhook: Option<String>,
}

impl Default for MonitoringBuilder {
    fn default() -> Self {
        Self {
            service_name: None,
            service_version: None,
            namespace: None,
            sampler: None,
            span_processor: None,
            inbound: Inbound::default(),
            value_length_limit: None,
            #[cfg(feature = "otlp")]
            otlp_endpoint: None,
            #[cfg(feature = "otlp")]
            otlp_protocol: None,
            #[cfg(feature = "subscriber")]
            subscriber: true,
            #[cfg(feature = "subscriber")]
            log_format: None,
            #[cfg(feature = "subscriber")]
            log_filter: None,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            endpoint_prefix: String::new(),
            #[cfg(feature = "system")]
            system: Some(crate::system::DEFAULT_SYSTEM_REFRESH_INTERVAL),
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            readiness_timeout: crate::health::DEFAULT_READINESS_TIMEOUT,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            readiness_cache: crate::health::DEFAULT_READINESS_CACHE,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            summary_window: crate::summary::DEFAULT_SUMMARY_WINDOW,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            admin_token: None,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            metrics_token: None,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            alert_thresholds: None,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            alert_interval: Some(DEFAULT_ALERT_INTERVAL),
            #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
            alert_webhook: None,
        }
    }
}

impl std::fmt::Debug for MonitoringBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitoringBuilder")
            .field("service_name", &self.service_name)
            .field("service_version", &self.service_version)
            .field("namespace", &self.namespace)
            .field("sampler", &self.sampler)
            .field("custom_span_exporter", &self.span_processor.is_some())
            .field("shutdown_timeout", &self.shutdown_timeout)
            .finish_non_exhaustive()
    }
}

impl MonitoringBuilder {
    /// The `service.name` resource attribute. Without it, `OTEL_SERVICE_NAME` is used, and
    /// without that the file name of the running binary.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// The `service.version` resource attribute, typically `env!("CARGO_PKG_VERSION")`.
    /// Without it the version comes only from `OTEL_RESOURCE_ATTRIBUTES`, if at all.
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.service_version = Some(version.into());
        self
    }

    /// A prefix for every Prometheus metric name: `orders` turns
    /// `http_server_request_duration_seconds` into `orders_http_server_request_duration_seconds`.
    /// It must match `[a-zA-Z_][a-zA-Z0-9_]*`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// The head sampler. Without it, `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`
    /// (`always_on`, `always_off`, `traceidratio`, `parentbased_always_on`,
    /// `parentbased_always_off`, `parentbased_traceidratio`), else parent-based always-on.
    pub fn sampler(mut self, sampler: Sampler) -> Self {
        self.sampler = Some(sampler);
        self
    }

    /// How far server spans trust the caller's `traceparent` (default
    /// [`TraceContextTrust::Continue`]): continue its trace, as a service behind a gateway or
    /// a mesh wants, or start a new trace linked to the caller's span, as a service facing
    /// the internet should, so that no client picks its trace id or forces sampling.
    pub fn inbound_trace_context(mut self, trust: TraceContextTrust) -> Self {
        self.inbound.trace_context = trust;
        self
    }

    /// Whether the caller's `baggage` entries are made current for the handler (default
    /// `true`: bounded by the W3C limits, 8 KiB and 180 entries). They are never forwarded
    /// to platforms unless a
    /// [`PlatformLayer::forward_baggage`](crate::dependency::PlatformLayer::forward_baggage)
    /// asks for it.
    pub fn inbound_baggage(mut self, keep: bool) -> Self {
        self.inbound.baggage = keep;
        self
    }

    /// The longest value, in characters, of a span attribute taken from the client
    /// (`url.path`, `url.query`, `user_agent.original`, `http.request.method_original`).
    /// Without it, `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, then
    /// `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, else
    /// [`DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT`](crate::DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT)
    /// (1 024): whatever a client sends, the span queue holds a few megabytes at most.
    pub fn span_attribute_value_length_limit(mut self, limit: usize) -> Self {
        self.value_length_limit = Some(limit);
        self
    }

    /// Enables tracing with `exporter` instead of OTLP, behind the same bounded batch
    /// processor: an in-memory exporter in tests, or a vendor's exporter.
    pub fn span_exporter<E: SpanExporter + 'static>(mut self, exporter: E) -> Self {
        self.span_processor = Some(traces::processor(exporter));
        self
    }

    /// Enables tracing over OTLP to `endpoint`, a base URL such as `http://localhost:4317`
    /// (gRPC) or `http://localhost:4318` (HTTP). Without it, tracing is enabled when
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, unless
    /// `OTEL_TRACES_EXPORTER=none` or `OTEL_SDK_DISABLED=true`.
    #[cfg(feature = "otlp")]
    pub fn otlp_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.otlp_endpoint = Some(endpoint.into());
        self
    }

    /// The OTLP transport. Without it, `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or
    /// `OTEL_EXPORTER_OTLP_PROTOCOL` (`grpc`, `http/protobuf`), else gRPC.
    #[cfg(feature = "otlp")]
    pub fn otlp_protocol(mut self, protocol: OtlpProtocol) -> Self {
        self.otlp_protocol = Some(protocol);
        self
    }

    /// Whether [`install`](Self::install) sets the global `tracing` subscriber (default
    /// `true`). Switch it off to compose your own from [`bridge_layer`](crate::bridge_layer)
    /// and [`JsonFormat`](crate::JsonFormat).
    #[cfg(feature = "subscriber")]
    pub fn tracing_subscriber(mut self, install: bool) -> Self {
        self.subscriber = install;
        self
    }

    /// The log line format. Without it, `LOG_FORMAT` (`json` or `text`), else text.
    #[cfg(feature = "subscriber")]
    pub fn log_format(mut self, format: LogFormat) -> Self {
        self.log_format = Some(format);
        self
    }

    /// Filter directives used when `RUST_LOG` is unset, such as `info,sqlx=warn` (default
    /// `info`). `RUST_LOG` wins, so operators can turn logging up without a rebuild.
    #[cfg(feature = "subscriber")]
    pub fn log_filter(mut self, directives: impl Into<String>) -> Self {
        self.log_filter = Some(directives.into());
        self
    }

    /// Whether process, system and tokio runtime metrics are recorded (default `true`); see
    /// [`system`](crate::system).
    #[cfg(feature = "system")]
    pub fn system_metrics(mut self, enabled: bool) -> Self {
        self.system = enabled.then_some(
            self.system
                .unwrap_or(crate::system::DEFAULT_SYSTEM_REFRESH_INTERVAL),
        );
        self
    }

    /// How often the system figures are refreshed (default 15 s); a scrape reads the latest.
    #[cfg(feature = "system")]
    pub fn system_refresh_interval(mut self, interval: Duration) -> Self {
        if self.system.is_some() {
            self.system = Some(interval);
        }
        self
    }

    /// How long one readiness check may take before `GET /ready` counts it as failed
    /// (default 2 s).
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn readiness_timeout(mut self, timeout: Duration) -> Self {
        self.readiness_timeout = timeout;
        self
    }

    /// How long one run of the readiness checks answers `GET /ready` (default 1 s): a flood
    /// of probes, or anyone who can reach the endpoint, costs the database one ping per
    /// period, and concurrent requests share one run. `Duration::ZERO` runs them for every
    /// request, one run at a time.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn readiness_cache(mut self, cache_for: Duration) -> Self {
        self.readiness_cache = cache_for;
        self
    }

    /// How long the [summary](Monitoring::summary) window lasts before it rolls over
    /// (default 24 h).
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn summary_window(mut self, length: Duration) -> Self {
        self.summary_window = length;
        self
    }

    /// The bearer token of the admin endpoint `POST /metrics/reset`. Without it,
    /// `MONITORING_ADMIN_TOKEN`; without either the endpoint answers 404.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }

    /// A bearer token that `/metrics` and `/metrics/summary` then require. Without it,
    /// `MONITORING_METRICS_TOKEN`; without either they are open (or serve them on a listener
    /// of their own with [`Monitoring::serve_metrics`]).
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn metrics_token(mut self, token: impl Into<String>) -> Self {
        self.metrics_token = Some(token.into());
        self
    }

    /// The in-process alert thresholds. Without it, the defaults of
    /// [`Thresholds`](crate::alerting::Thresholds), each overridden by its variable when set:
    /// `ALERT_LATENCY_P95_SECONDS`, `ALERT_ERROR_RATE`, `ALERT_MEMORY_UTILIZATION`,
    /// `ALERT_CPU_UTILIZATION`, `ALERT_CACHE_HIT_RATIO`, `ALERT_DB_POOL_UTILIZATION`,
    /// `ALERT_FOR_SECONDS`, `ALERT_WINDOW_SECONDS`.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn alert_thresholds(mut self, thresholds: crate::alerting::Thresholds) -> Self {
        self.alert_thresholds = Some(thresholds);
        self
    }

    /// How often a thread of its own evaluates the alerts (default 15 s); `None` switches
    /// the thread off ([`Monitoring::evaluate_alerts`] still works).
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn alert_interval(mut self, interval: Option<Duration>) -> Self {
        self.alert_interval = interval;
        self
    }

    /// A URL that receives a POST of the alert JSON for every fired and resolved alert
    /// (`{"status": "firing", "service": ..., "alert": {...}}`). Without it,
    /// `ALERT_WEBHOOK_URL`. Sent from a thread of its own: 3 attempts, 5 s each, a queue of
    /// 100.
    #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
    pub fn alert_webhook(mut self, url: impl Into<String>) -> Self {
        self.alert_webhook = Some(url.into());
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
    /// (default [`DEFAULT_SHUTDOWN_TIMEOUT`]). It bounds the exit even when the collector is
    /// down or never answers.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Builds the pipelines and installs them as the OpenTelemetry globals (meter provider,
    /// tracer provider, and the propagators of `OTEL_PROPAGATORS`, by default W3C
    /// TraceContext and Baggage), so that [`MonitoringLayer::new`](crate::MonitoringLayer::new)
    /// and any other instrumentation record into them, and sets the `tracing` subscriber.
    ///
    /// Fails on a configuration error, or when a `tracing` subscriber is already set (see
    /// [`tracing_subscriber`](Self::tracing_subscriber)).
    pub fn install(self) -> Result<Monitoring, Error> {
        let vars = ProcessEnv;
        #[cfg(feature = "subscriber")]
        let log_format = env::log_format(self.log_format, &vars)?;
        #[cfg(feature = "subscriber")]
        let (subscriber, log_filter, rust_log) = (
            self.subscriber,
            self.log_filter.clone(),
            env::rust_log(&vars)?,
        );
        // Checked before any global changes, so a refused install leaves none behind.
        #[cfg(feature = "subscriber")]
        if subscriber && tracing::dispatcher::has_been_set() {
            return Err(logs::already_set());
        }
        // The meter provider goes global first: the span processor built next finds its
        // queue-full counter through the global meter provider.
        let parts = self.parts(&vars, |meter_provider| {
            opentelemetry::global::set_meter_provider(meter_provider.clone());
        })?;
        #[cfg(feature = "subscriber")]
        if subscriber {
            let tracer = parts.tracer_provider.as_ref().map(|provider| {
                opentelemetry::trace::TracerProvider::tracer_with_scope(provider, crate::scope())
            });
            let filter = logs::Filter::new(rust_log, log_filter.as_deref());
            if let Err(err) = logs::install(log_format, filter, tracer) {
                let _ = shutdown::blocking(parts.shutdown_timeout, parts.shutdown_work());
                return Err(err);
            }
        }
        if let Some(tracer_provider) = &parts.tracer_provider {
            opentelemetry::global::set_tracer_provider(tracer_provider.clone());
            traces::set_installed(
                tracer_provider,
                parts.propagation.clone(),
                parts.value_length_limit,
            );
        }
        opentelemetry::global::set_text_map_propagator(parts.propagation.clone());
        super::monitoring::set_installed_endpoint_prefix(&parts.endpoint_prefix);
        Ok(Monitoring::from_parts(parts))
    }

    /// Builds the pipelines without touching any global; use [`Monitoring::layer`] to record
    /// into them. Several such instances can live in one process (tests, multi-tenant hosts).
    ///
    /// Spans dropped because the batch queue is full are counted only by
    /// [`install`](Self::install)ed pipelines (the SDK reports them through the global meter
    /// provider); failed exports are counted either way.
    pub fn build(self) -> Result<Monitoring, Error> {
        Ok(Monitoring::from_parts(self.parts(&ProcessEnv, |_| {})?))
    }

    fn parts(
        mut self,
        vars: &impl Vars,
        before_traces: impl FnOnce(&SdkMeterProvider),
    ) -> Result<Parts, Error> {
        env::check_sdk_variables(vars)?;
        if let Some(namespace) = &self.namespace {
            validate_namespace(namespace)?;
        }
        validate_prefix(&self.endpoint_prefix)?;
        let resource = resource::build(
            self.service_name.as_deref(),
            self.service_version.as_deref(),
        );
        let sampler = env::sampler(self.sampler.take(), vars)?;
        let propagation = env::propagator(vars)?.with_inbound(self.inbound);
        let value_length_limit = env::attribute_value_length_limit(self.value_length_limit, vars)?;
        let processor = match self.span_processor.take() {
            Some(custom) => Some(custom),
            None => otlp_processor(&self, vars)?,
        };

        let provider = SdkMeterProvider::builder().with_resource(resource.clone());
        #[cfg(feature = "prometheus")]
        let (provider, prometheus) = {
            let prometheus = super::prometheus::PrometheusEndpoint::new(self.namespace.as_deref());
            (provider.with_reader(prometheus.reader()?), prometheus)
        };
        let meter_provider = provider.build();
        #[cfg(feature = "system")]
        let system = match self.system {
            Some(interval) if interval.is_zero() => {
                return Err(Error::config(
                    "the system refresh interval must be above zero",
                ));
            }
            Some(interval) => Some(crate::system::SystemMetrics::start(
                &opentelemetry::metrics::MeterProvider::meter_with_scope(
                    &meter_provider,
                    crate::scope(),
                ),
                interval,
            )),
            None => None,
        };
        before_traces(&meter_provider);

        let tracer_provider = processor.map(|processor| {
            let meter = opentelemetry::metrics::MeterProvider::meter_with_scope(
                &meter_provider,
                crate::scope(),
            );
            traces::provider(processor(&meter), sampler, resource.clone())
        });
        Ok(Parts {
            meter_provider,
            tracer_provider,
            propagation,
            value_length_limit,
            resource,
            #[cfg(feature = "prometheus")]
            prometheus,
            shutdown_timeout: self.shutdown_timeout,
            endpoint_prefix: std::mem::take(&mut self.endpoint_prefix),
            #[cfg(feature = "system")]
            _system: system,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            readiness_timeout: self.readiness_timeout,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            readiness_cache: self.readiness_cache,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            summary_window: self.summary_window,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            admin_token: env::token(
                self.admin_token.take(),
                "the admin token",
                "MONITORING_ADMIN_TOKEN",
                vars,
            )?,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            metrics_token: env::token(
                self.metrics_token.take(),
                "the metrics token",
                "MONITORING_METRICS_TOKEN",
                vars,
            )?,
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            alert_thresholds: match self.alert_thresholds.take() {
                Some(thresholds) => thresholds,
                None => env::alert_thresholds(vars)?,
            },
            #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
            webhook: match env::webhook_url(self.alert_webhook.take(), vars)? {
                Some(url) => Some(crate::alerting::Webhook::start(&url)?),
                None => None,
            },
            #[cfg(all(feature = "axum", feature = "prometheus"))]
            alert_interval: match self.alert_interval {
                Some(interval) if interval.is_zero() => {
                    return Err(Error::config("the alert interval must be above zero"));
                }
                interval => interval,
            },
        })
    }
}

/// The OTLP processor when tracing is enabled by the builder or the environment.
#[cfg(feature = "otlp")]
fn otlp_processor(
    builder: &MonitoringBuilder,
    vars: &impl Vars,
) -> Result<Option<ProcessorFactory>, Error> {
    if !env::traces_enabled(builder.otlp_endpoint.is_some(), vars)? {
        return Ok(None);
    }
    let protocol = env::otlp_protocol(builder.otlp_protocol, vars)?;
    let exporter = otlp::span_exporter(protocol, builder.otlp_endpoint.as_deref())?;
    Ok(Some(traces::processor(exporter)))
}

/// Without the `otlp` feature an endpoint in the environment cannot be honoured; saying so
/// beats exporting nothing in silence.
#[cfg(not(feature = "otlp"))]
fn otlp_processor(
    _builder: &MonitoringBuilder,
    vars: &impl Vars,
) -> Result<Option<ProcessorFactory>, Error> {
    if env::traces_enabled(false, vars)? {
        return Err(Error::config(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but tower-monitoring was built without its \
             `otlp` feature",
        ));
    }
    Ok(None)
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
