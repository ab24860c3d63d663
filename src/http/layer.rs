use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use opentelemetry::metrics::{Meter, MeterProvider};
use opentelemetry::trace::TracerProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tower_layer::Layer;

use super::instruments::HttpInstruments;
use super::labels::UrlScheme;
use super::service::MonitoringService;
use crate::TraceContextTrust;
use crate::propagation::{Inbound, Propagation};
use crate::server_tracer::{DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT, ServerTracer};

/// Paths skipped by default: the crate's own endpoints, so scrapes and probes neither count
/// themselves nor make spans.
pub const DEFAULT_EXCLUDED_PATHS: &[&str] = &[
    crate::METRICS_PATH,
    crate::HEALTH_PATH,
    crate::READY_PATH,
    crate::SUMMARY_PATH,
    crate::REPORT_PATH,
    crate::DASHBOARD_PATH,
    crate::RESET_PATH,
];

/// A tower [`Layer`] that records HTTP server metrics and a server span for every request.
///
/// Add it with `Router::layer` (not `route_layer`) so that it sees axum's `MatchedPath` and
/// also the requests that match no route. It works on any `Service<http::Request<B>>`.
///
/// The layer is configuration only; cloning it is cheap and every service it wraps shares
/// one set of instruments. Without [`with_meter_provider`](Self::with_meter_provider) the
/// instruments come from the global `MeterProvider`, resolved on the first request, so the
/// layer may be built before the pipeline is installed.
///
/// Spans come from the tracer provider that [`MonitoringBuilder::install`] built, resolved
/// on the first request too, or from [`with_tracer_provider`](Self::with_tracer_provider).
/// With neither, or after [`without_traces`](Self::without_traces), the layer records
/// metrics only and spends nothing on tracing. The incoming context is read with the
/// pipelines' propagators (`OTEL_PROPAGATORS`, by default W3C `traceparent`, `tracestate`
/// and `baggage`): the caller's trace continues, and a malformed header starts a new one.
///
/// [`MonitoringBuilder::install`]: crate::MonitoringBuilder::install
#[derive(Clone, Debug)]
pub struct MonitoringLayer {
    shared: Arc<Shared>,
}

#[derive(Clone, Debug, Default)]
struct Config {
    excluded_paths: Vec<Cow<'static, str>>,
    /// Whether [`DEFAULT_EXCLUDED_PATHS`] are skipped too, under the endpoint prefix.
    default_exclusions: bool,
    /// The prefix of the monitoring endpoints; `None` takes the installed pipelines'.
    endpoint_prefix: Option<String>,
    meter: Option<Meter>,
    traces: Traces,
    /// Set on this layer, over what its tracer came with.
    overrides: TraceOverrides,
    record_query: bool,
    url_scheme: UrlScheme,
}

/// Where server spans come from.
#[derive(Clone, Debug, Default)]
enum Traces {
    /// The tracer of the installed pipelines, if any.
    #[default]
    Installed,
    Tracer(ServerTracer),
    Off,
}

#[derive(Clone, Copy, Debug, Default)]
struct TraceOverrides {
    trace_context: Option<TraceContextTrust>,
    baggage: Option<bool>,
    value_length_limit: Option<usize>,
}

impl TraceOverrides {
    fn apply(self, mut tracer: ServerTracer) -> ServerTracer {
        let inbound = tracer.propagation.inbound();
        let wanted = Inbound {
            trace_context: self.trace_context.unwrap_or(inbound.trace_context),
            baggage: self.baggage.unwrap_or(inbound.baggage),
        };
        if wanted != inbound {
            tracer.propagation = tracer.propagation.with_inbound(wanted);
        }
        if let Some(limit) = self.value_length_limit {
            tracer.value_length_limit = limit;
        }
        tracer
    }
}

/// State shared by the layer and every service and request it creates.
pub(crate) struct Shared {
    config: Config,
    clock: quanta::Clock,
    instruments: OnceLock<HttpInstruments>,
    tracer: OnceLock<Option<ServerTracer>>,
    /// [`DEFAULT_EXCLUDED_PATHS`] under the endpoint prefix, resolved on first use.
    default_exclusions: OnceLock<Vec<String>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub(crate) fn instruments(&self) -> &HttpInstruments {
        self.instruments.get_or_init(|| match &self.config.meter {
            Some(meter) => HttpInstruments::new(meter, self.clock.clone()),
            None => HttpInstruments::new(
                &opentelemetry::global::meter_with_scope(crate::scope()),
                self.clock.clone(),
            ),
        })
    }

    /// The tracer for server spans and the propagators for the incoming context, `None`
    /// when this layer records metrics only.
    #[inline]
    pub(crate) fn tracer(&self) -> Option<&ServerTracer> {
        self.tracer
            .get_or_init(|| {
                let tracer = match &self.config.traces {
                    Traces::Installed => crate::pipeline::installed_tracer(),
                    Traces::Tracer(tracer) => Some(tracer.clone()),
                    Traces::Off => None,
                };
                tracer.map(|tracer| self.config.overrides.apply(tracer))
            })
            .as_ref()
    }

    #[inline]
    pub(crate) fn record_query(&self) -> bool {
        self.config.record_query
    }

    #[inline]
    pub(crate) fn url_scheme(&self) -> UrlScheme {
        self.config.url_scheme
    }

    /// Exact match against the route template, or the raw path when no route matched.
    pub(crate) fn is_excluded(&self, path: &str) -> bool {
        self.config
            .excluded_paths
            .iter()
            .any(|excluded| excluded == path)
            || (self.config.default_exclusions
                && self
                    .default_exclusions
                    .get_or_init(|| {
                        let prefix = self
                            .config
                            .endpoint_prefix
                            .clone()
                            .or_else(crate::pipeline::installed_endpoint_prefix)
                            .unwrap_or_default();
                        DEFAULT_EXCLUDED_PATHS
                            .iter()
                            .map(|path| format!("{prefix}{path}"))
                            .collect()
                    })
                    .iter()
                    .any(|excluded| excluded == path))
    }
}

impl Default for MonitoringLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl MonitoringLayer {
    /// A layer that records into the global `MeterProvider` and skips
    /// [`DEFAULT_EXCLUDED_PATHS`] (under the installed pipelines'
    /// [endpoint prefix](crate::MonitoringBuilder::endpoint_prefix), if any).
    pub fn new() -> Self {
        Self::from_config(Config {
            default_exclusions: true,
            ..Config::default()
        })
    }

    /// Skips the default paths under `prefix` rather than the installed pipelines'.
    pub(crate) fn with_endpoint_prefix(self, prefix: &str) -> Self {
        let prefix = prefix.to_owned();
        self.map_config(|config| config.endpoint_prefix = Some(prefix))
    }

    fn from_config(config: Config) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                // Built here, not on the first request: the TSC clock calibrates on creation.
                clock: quanta::Clock::new(),
                instruments: OnceLock::new(),
                tracer: OnceLock::new(),
                default_exclusions: OnceLock::new(),
            }),
        }
    }

    fn map_config(self, change: impl FnOnce(&mut Config)) -> Self {
        let mut config = self.shared.config.clone();
        change(&mut config);
        Self::from_config(config)
    }

    /// Records into `provider` instead of the global one.
    pub fn with_meter_provider<P: MeterProvider + ?Sized>(self, provider: &P) -> Self {
        let meter = provider.meter_with_scope(crate::scope());
        self.map_config(|config| config.meter = Some(meter))
    }

    /// Makes server spans with `provider` instead of the installed pipelines' tracer, and
    /// reads the caller's context with the W3C TraceContext and Baggage propagators.
    pub fn with_tracer_provider(self, provider: &SdkTracerProvider) -> Self {
        self.with_traces(
            provider,
            Propagation::w3c(),
            DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
        )
    }

    pub(crate) fn with_traces(
        self,
        provider: &SdkTracerProvider,
        propagation: Propagation,
        value_length_limit: usize,
    ) -> Self {
        let tracer = ServerTracer {
            tracer: provider.tracer_with_scope(crate::scope()),
            propagation,
            value_length_limit,
        };
        self.map_config(|config| config.traces = Traces::Tracer(tracer))
    }

    /// How far server spans trust the caller's `traceparent`: continue its trace (the
    /// default, for a service behind a gateway or mesh) or start a new one linked to it (for
    /// a service facing the internet, whose clients could otherwise choose their trace ids
    /// and force sampling). Without it, the setting the pipelines were built with.
    pub fn inbound_trace_context(self, trust: TraceContextTrust) -> Self {
        self.map_config(|config| config.overrides.trace_context = Some(trust))
    }

    /// Whether the caller's `baggage` entries are made current for the handler (default
    /// `true`). They are never forwarded to platforms unless
    /// [`PlatformLayer::forward_baggage`](crate::dependency::PlatformLayer::forward_baggage)
    /// asks for it.
    pub fn inbound_baggage(self, keep: bool) -> Self {
        self.map_config(|config| config.overrides.baggage = Some(keep))
    }

    /// The longest value, in characters, of a span attribute taken from the client
    /// (`url.path`, `url.query`, `user_agent.original`, `http.request.method_original`);
    /// longer ones are cut. Without it, the pipelines' setting
    /// ([`DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT`] unless configured).
    pub fn span_attribute_value_length_limit(self, limit: usize) -> Self {
        self.map_config(|config| config.overrides.value_length_limit = Some(limit))
    }

    /// Records metrics only: no server span, no context propagation.
    pub fn without_traces(self) -> Self {
        self.map_config(|config| config.traces = Traces::Off)
    }

    /// Records the query string as `url.query` on server spans (default: off, since query
    /// strings often carry personal data). Values of parameters whose names look like
    /// credentials (`token`, `password`, `key`, `sig`, `auth`, `session`, `code`, ...) are
    /// replaced by `REDACTED`. Metrics never carry the query.
    pub fn record_url_query(self, record: bool) -> Self {
        self.map_config(|config| config.record_query = record)
    }

    /// Where `url.scheme` comes from (default [`UrlScheme::Http`]): what the server knows,
    /// never the request line, which the client writes. [`UrlScheme::Https`] for a server
    /// that terminates TLS itself, [`UrlScheme::ForwardedProto`] behind a proxy that sets
    /// `X-Forwarded-Proto`.
    pub fn url_scheme(self, scheme: UrlScheme) -> Self {
        self.map_config(|config| config.url_scheme = scheme)
    }

    /// Also skips `path` (a route template such as `/users/{id}`, or an exact path):
    /// nothing is recorded for it, in-flight count included, and it gets no span.
    pub fn exclude_path(self, path: impl Into<Cow<'static, str>>) -> Self {
        let path = path.into();
        self.map_config(|config| config.excluded_paths.push(path))
    }

    /// Replaces the excluded paths; an empty list records every request.
    pub fn excluded_paths<I, P>(self, paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<Cow<'static, str>>,
    {
        let paths = paths.into_iter().map(Into::into).collect();
        self.map_config(|config| {
            config.excluded_paths = paths;
            config.default_exclusions = false;
        })
    }
}

impl<S> Layer<S> for MonitoringLayer {
    type Service = MonitoringService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MonitoringService::new(inner, self.shared.clone())
    }
}
