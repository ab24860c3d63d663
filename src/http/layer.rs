//! [`MonitoringLayer`]: the configuration a request is recorded with.

use std::borrow::Cow;
use std::sync::Arc;

use opentelemetry::metrics::MeterProvider;
use opentelemetry::trace::TracerProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tower_layer::Layer;

use super::custom::{
    CustomAttribute, CustomSpec, MAX_CUSTOM_ATTRIBUTES, RequestHead, host_and_port,
};
use super::exclusions::Exclusions;
use super::labels::UrlScheme;
use super::operation::FallbackRoute;
use super::service::MonitoringService;
use super::shared::{Config, Shared, Traces};
use crate::TraceContextTrust;
use crate::classify::Classify;
use crate::dependency::Dependencies;
use crate::exemplars::Exemplars;
use crate::trace::propagation::Propagation;
use crate::trace::server_tracer::{DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT, ServerTracer};

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
/// With neither, or after [`traces(false)`](Self::traces), the layer records
/// metrics only and spends nothing on tracing. The incoming context is read with the
/// pipelines' propagators (`OTEL_PROPAGATORS`, by default W3C `traceparent`, `tracestate`
/// and `baggage`): the caller's trace continues, and a malformed header starts a new one.
///
/// [`MonitoringBuilder::install`]: crate::MonitoringBuilder::install
#[derive(Clone, Debug)]
pub struct MonitoringLayer {
    shared: Arc<Shared>,
}

impl Default for MonitoringLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl MonitoringLayer {
    /// A layer that records into the global `MeterProvider` and the tracer `install()` set
    /// up, and skips [`DEFAULT_EXCLUDED_PATHS`](crate::DEFAULT_EXCLUDED_PATHS) (under the installed pipelines'
    /// [endpoint prefix](crate::MonitoringBuilder::endpoint_prefix), if any): the fallback
    /// for a layer built before, or apart from, its `Monitoring`. Prefer
    /// [`Monitoring::layer`](crate::Monitoring::layer).
    pub fn new() -> Self {
        Self::from_config(Config {
            exclusions: Exclusions {
                defaults: true,
                ..Exclusions::default()
            },
            record_query: true,
            ..Config::default()
        })
    }

    /// Skips the default paths under `prefix` rather than the installed pipelines'.
    pub(crate) fn with_endpoint_prefix(self, prefix: &str) -> Self {
        let prefix = prefix.to_owned();
        self.map_config(|config| config.exclusions.endpoint_prefix = Some(prefix))
    }

    /// Binds series up to `limit`, the cardinality limit of the provider it records into.
    pub(crate) fn with_cardinality_limit(self, limit: usize) -> Self {
        self.map_config(|config| config.cardinality_limit = Some(limit))
    }

    /// Keeps exemplars of sampled requests in `exemplars`, those of the provider it records
    /// into.
    pub(crate) fn with_exemplars(self, exemplars: Option<Arc<Exemplars>>) -> Self {
        self.map_config(|config| config.exemplars = exemplars)
    }

    fn from_config(config: Config) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }

    fn map_config(self, change: impl FnOnce(&mut Config)) -> Self {
        let mut config = self.shared.config().clone();
        change(&mut config);
        Self::from_config(config)
    }

    /// Records into `provider` instead of the global one; so do the dependency calls made
    /// under its requests, unless [`with_dependencies`](Self::with_dependencies) says where.
    pub fn with_meter_provider<P: MeterProvider + ?Sized>(self, provider: &P) -> Self {
        let meter = provider.meter_with_scope(crate::scope());
        self.map_config(|config| config.meter = Some(meter))
    }

    /// The dependency calls made under this layer's requests ([`dependency::db`],
    /// `#[monitor_db]`, a [`PlatformLayer`] ...) record through `dependencies`.
    ///
    /// [`dependency::db`]: crate::dependency::db
    /// [`PlatformLayer`]: crate::dependency::PlatformLayer
    pub fn with_dependencies(self, dependencies: &Dependencies) -> Self {
        let dependencies = dependencies.clone();
        self.map_config(|config| config.dependencies = Some(dependencies))
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

    /// Marks the responses of these route templates (`"/feed"`, `"/ws/{room}"`) as streams,
    /// whatever their content type: from their head on they count in
    /// `http.server.active_streams` and end in `http.server.stream.duration` and
    /// `http.server.stream.body.size`, not in the request histograms. Server-sent events
    /// (`text/event-stream`) and upgrades (`101`, such as a WebSocket) are streams without
    /// being listed.
    pub fn streaming_routes<I>(self, routes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let routes: Vec<Box<str>> = routes
            .into_iter()
            .map(|route| route.into().into_boxed_str())
            .collect();
        self.map_config(|config| config.streaming_routes.extend(routes))
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

    /// Whether the layer makes server spans and propagates context (default `true`, when
    /// tracing is installed or a tracer provider is given). With `false` it records metrics
    /// only.
    pub fn traces(self, record: bool) -> Self {
        self.map_config(|config| config.traces_off = !record)
    }

    /// Whether server spans carry the query string as `url.query` (default: yes, as the
    /// semantic conventions require). Values of parameters whose names look like
    /// credentials (`token`, `password`, `key`, `sig`, `auth`, `session`, `code`, ...,
    /// percent-encoded or not) are replaced by `REDACTED`; `false` leaves the query out, for
    /// a service whose queries carry personal data. Metrics never carry the query.
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

    /// Decides which responses failed, and their `error.type`, with `classifier` instead of
    /// [`ServerErrors`](crate::classify::ServerErrors) (a 5xx fails). It sees each response
    /// head, and the trailers of a body that ends with them. A request cancelled, a body
    /// that broke or a handler that panicked still counts as such whatever it says; see
    /// [`classify`](crate::classify).
    pub fn classify(self, classifier: impl Classify) -> Self {
        let classifier: Arc<dyn Classify> = Arc::new(classifier);
        self.map_config(|config| config.classifier = Some(classifier))
    }

    /// Also skips `path` (a route template such as `/users/{id}`, or an exact path):
    /// nothing is recorded for it, in-flight count included, and it gets no span. The
    /// operator endpoints stay skipped unless
    /// [`exclude_operator_endpoints(false)`](Self::exclude_operator_endpoints) says otherwise.
    pub fn exclude_path(self, path: impl Into<Cow<'static, str>>) -> Self {
        let path = path.into();
        self.map_config(|config| config.exclusions.paths.push(path))
    }

    /// Records the answers of a fallback service (static files behind `fallback_service`)
    /// under `template` as `http.route`, apart from requests that match nothing: an
    /// unmatched request whose path starts with the template's text before its first `{`
    /// (or, without a parameter, is exactly the template) takes the template, unless it is
    /// answered `404`, which stays with the unmatched requests. Templates are tried in the
    /// order they were added.
    ///
    /// ```
    /// let layer = tower_monitoring::MonitoringLayer::new()
    ///     .fallback_route("/assets/{*path}")
    ///     .fallback_route("/favicon.ico");
    /// ```
    pub fn fallback_route(self, template: &'static str) -> Self {
        self.map_config(|config| config.fallbacks.push(FallbackRoute::new(template)))
    }

    /// The most operations handlers of this layer may name with
    /// [`OperationName`](crate::OperationName) before new names are recorded as `_OTHER`;
    /// 100 by default. Each distinct name counts once, on whichever routes it is named.
    pub fn max_operations(self, max: usize) -> Self {
        self.map_config(|config| config.max_operations = Some(max))
    }

    /// Adds `server.address` and `server.port` to the HTTP metrics (opt-in in the semantic
    /// conventions; the server span always carries them): the host and port the client
    /// addressed (the HTTP/2 authority or `Host`). The `Host` header is the client's to
    /// write, so only the names in `addresses` are kept, any other is `_OTHER`, and at most
    /// 8 ports; a request that names no port records none. Takes two of the layer's four
    /// custom attributes.
    ///
    /// ```
    /// let layer = tower_monitoring::MonitoringLayer::new()
    ///     .record_server_address(["api.example.com", "api.example.net"]);
    /// ```
    pub fn record_server_address<I, S>(self, addresses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        use crate::names::attr;
        self.with_attribute(
            CustomAttribute::one_of(attr::SERVER_ADDRESS, addresses).metrics_only(),
            |request| {
                request
                    .authority()
                    .map(|authority| host_and_port(authority).0)
            },
        )
        .with_attribute(
            CustomAttribute::capped(attr::SERVER_PORT, 8)
                .integer()
                .metrics_only(),
            |request| {
                request
                    .authority()
                    .and_then(|authority| host_and_port(authority).1)
            },
        )
    }

    /// Adds `attribute` to the HTTP metrics and server span of every request, as `extract`
    /// reads it from the request; a request it finds nothing in goes without. On the
    /// metrics, values outside the attribute's closed set or past its cap are `_OTHER`, so
    /// no client can grow the series count; the span carries the value as read. At most 4
    /// attributes per layer (each multiplies a route's series); further ones are ignored,
    /// with an error logged.
    ///
    /// ```
    /// use tower_monitoring::{CustomAttribute, MonitoringLayer};
    ///
    /// let layer = MonitoringLayer::new()
    ///     .with_attribute(
    ///         CustomAttribute::one_of("tenant.tier", ["free", "pro", "enterprise"]),
    ///         |request| request.header("x-tenant-tier"),
    ///     )
    ///     .with_attribute(CustomAttribute::capped("api.version", 8), |request| {
    ///         request.uri().path().split('/').nth(1)
    ///     });
    /// ```
    pub fn with_attribute<F>(self, attribute: CustomAttribute, extract: F) -> Self
    where
        F: for<'a> Fn(&'a RequestHead<'a>) -> Option<&'a str> + Send + Sync + 'static,
    {
        self.map_config(|config| {
            if config.custom.len() >= MAX_CUSTOM_ATTRIBUTES {
                tracing::error!(
                    attribute = attribute.key(),
                    "a layer takes at most {MAX_CUSTOM_ATTRIBUTES} custom attributes: this one \
                     is ignored"
                );
                return;
            }
            config.custom.push(CustomSpec {
                attribute: Arc::new(attribute),
                extract: Arc::new(extract),
            });
        })
    }

    /// Whether the operator endpoints ([`DEFAULT_EXCLUDED_PATHS`](crate::DEFAULT_EXCLUDED_PATHS),
    /// under the endpoint prefix) are skipped (default `true`); with `false` and no
    /// [`exclude_path`](Self::exclude_path), every request is recorded. The two compose:
    /// neither undoes the other.
    pub fn exclude_operator_endpoints(self, exclude: bool) -> Self {
        self.map_config(|config| config.exclusions.defaults = exclude)
    }
}

impl<S> Layer<S> for MonitoringLayer {
    type Service = MonitoringService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MonitoringService::new(inner, self.shared.clone())
    }
}
