//! [`PlatformLayer`]: calls to a third-party platform (payment, ticketing, CRM APIs ...)
//! through an HTTP client that is a tower service.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use http::Method;
use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanBuilder, SpanKind, TraceContextExt, Tracer as _};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use super::client_request::{ClientRequest, ClientResponse};
use super::handle::Dependencies;
use super::instruments::{DependencyInstruments, Kind};
use crate::classify::{Classify, ClientErrors};
use crate::exemplars::TraceIds;
use crate::method::MethodLabel;
use crate::names::{attr, error_type};
use crate::trace::propagation::HeadersMut;

/// Names the endpoint of a request from its method and path, for the `platform.endpoint`
/// label: a small fixed set such as `tickets.create`, never the raw URL.
type EndpointNamer = Arc<dyn Fn(&Method, &str) -> Cow<'static, str> + Send + Sync>;

/// A tower [`Layer`] for an HTTP client service talking to one platform.
///
/// With reqwest (feature `reqwest`), `send` takes a `RequestBuilder` as it
/// is, `.json()`, `.bearer_auth()` and the rest, and sends it through the client that made
/// it:
///
/// ```no_run
/// # #[cfg(feature = "reqwest")]
/// # async fn f(token: &str) -> Result<(), reqwest::Error> {
/// use tower_monitoring::dependency::PlatformLayer;
///
/// let http = reqwest::Client::new();
/// let zendesk = PlatformLayer::new("zendesk").endpoint(|_, path| {
///     if path.starts_with("/api/v2/tickets") { "tickets" } else { "other" }
/// });
/// let ticket = zendesk
///     .send(http.get("https://acme.zendesk.example/api/v2/tickets/1").bearer_auth(token))
///     .await?
///     .error_for_status()?;
/// # Ok(()) }
/// ```
///
/// Around any client that is a tower service (hyper's, a `tower::ServiceBuilder` stack,
/// `reqwest::Client` too), it is an ordinary layer:
///
/// ```no_run
/// # #[cfg(feature = "reqwest")]
/// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
/// use tower::{Service, ServiceBuilder, ServiceExt};
/// use tower_monitoring::dependency::PlatformLayer;
///
/// let mut zendesk = ServiceBuilder::new()
///     .layer(PlatformLayer::new("zendesk"))
///     .service(reqwest::Client::new());
/// let request = reqwest::Request::new(
///     reqwest::Method::GET,
///     "http://zendesk.example/api/v2/tickets/1".parse()?,
/// );
/// let response = zendesk.ready().await?.call(request).await?;
/// # Ok(()) }
/// ```
///
/// Each call records `http.client.request.duration` with `http.request.method`,
/// `server.address`, `http.response.status_code`, `platform.name`, `platform.endpoint`, the
/// inbound `http.route`, and `error.type`: the status code for 4xx and 5xx (so `429` stands
/// apart), `timeout`, `connection`, `cancelled`, or `_OTHER`. It becomes a client span under
/// the current span, and the outgoing request carries its `traceparent`, so the platform's
/// own traces join the request's. The duration ends when the response headers arrive.
#[derive(Clone, Debug)]
pub struct PlatformLayer {
    config: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    platform: &'static str,
    endpoint: Option<EndpointNamer>,
    forward_baggage: bool,
    /// Where calls record; `None` for the handle of the request they are made under.
    dependencies: Option<Dependencies>,
    classifier: Arc<dyn Classify>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("platform", &self.platform)
            .field(
                "endpoint",
                &self.endpoint.as_ref().map(|_| "Fn(&Method, &str)"),
            )
            .field("forward_baggage", &self.forward_baggage)
            .field("dependencies", &self.dependencies)
            .finish_non_exhaustive()
    }
}

impl PlatformLayer {
    /// A layer for calls to `platform` (`platform.name`).
    pub fn new(platform: &'static str) -> Self {
        Self {
            config: Arc::new(Config {
                platform,
                endpoint: None,
                forward_baggage: false,
                dependencies: None,
                classifier: Arc::new(ClientErrors),
            }),
        }
    }

    fn map_config(self, change: impl FnOnce(&mut Config)) -> Self {
        let mut config = (*self.config).clone();
        change(&mut config);
        Self {
            config: Arc::new(config),
        }
    }

    /// Names each request's endpoint from its method and path; without it
    /// `platform.endpoint` is absent. The names must come from a small fixed set
    /// (`tickets`, `tickets.create`), never from the path itself: each one is a series. The
    /// namer may capture what it needs:
    ///
    /// ```
    /// use tower_monitoring::dependency::PlatformLayer;
    ///
    /// let prefixes = vec![("/api/v2/tickets", "tickets"), ("/api/v2/users", "users")];
    /// let zendesk = PlatformLayer::new("zendesk").endpoint(move |_, path| {
    ///     prefixes
    ///         .iter()
    ///         .find(|(prefix, _)| path.starts_with(prefix))
    ///         .map_or("other", |(_, name)| name)
    /// });
    /// ```
    pub fn endpoint<F, N>(self, namer: F) -> Self
    where
        F: Fn(&Method, &str) -> N + Send + Sync + 'static,
        N: Into<Cow<'static, str>>,
    {
        let namer: EndpointNamer = Arc::new(move |method, path| namer(method, path).into());
        self.map_config(|config| config.endpoint = Some(namer))
    }

    /// Whether outgoing requests carry the current `baggage` (default `false`). Baggage
    /// may have come from an inbound request, whose client chose it; a third party should
    /// see it only when the application decides so. `traceparent` is always sent.
    pub fn forward_baggage(self, forward: bool) -> Self {
        self.map_config(|config| config.forward_baggage = forward)
    }

    /// Decides which responses and errors failed, and their `error.type`, with `classifier`
    /// instead of [`ClientErrors`] (a 4xx or 5xx fails, a transport error is `timeout`,
    /// `connection` or `_OTHER`); see [`classify`](crate::classify).
    pub fn classify(self, classifier: impl Classify) -> Self {
        let classifier: Arc<dyn Classify> = Arc::new(classifier);
        self.map_config(|config| config.classifier = classifier)
    }

    pub(super) fn recording_into(self, dependencies: Dependencies) -> Self {
        self.map_config(|config| config.dependencies = Some(dependencies))
    }
}

impl<S> Layer<S> for PlatformLayer {
    type Service = PlatformService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        PlatformService {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service [`PlatformLayer`] wraps around an HTTP client.
#[derive(Clone, Debug)]
pub struct PlatformService<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S, R> Service<R> for PlatformService<S>
where
    S: Service<R>,
    S::Response: ClientResponse,
    S::Error: std::error::Error + 'static,
    R: ClientRequest,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = PlatformFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: R) -> Self::Future {
        let call = PendingCall::start(&self.config, &mut request);
        PlatformFuture {
            inner: self.inner.call(request),
            call: Some(call),
        }
    }
}

struct PendingCall {
    instruments: Arc<DependencyInstruments>,
    at: Instant,
    attributes: Vec<KeyValue>,
    route: Option<&'static str>,
    cx: Option<opentelemetry::Context>,
    classifier: Arc<dyn Classify>,
}

impl PendingCall {
    fn start<R: ClientRequest>(config: &Config, request: &mut R) -> Self {
        let method = MethodLabel::of(request.method()).as_str();
        let endpoint = config
            .endpoint
            .as_ref()
            .map(|namer| namer(request.method(), request.path()));
        let mut attributes = vec![
            KeyValue::new(attr::HTTP_REQUEST_METHOD, method),
            KeyValue::new(attr::PLATFORM_NAME, config.platform),
        ];
        if let Some(host) = request.host() {
            attributes.push(KeyValue::new(attr::SERVER_ADDRESS, host.to_owned()));
        }
        if let Some(port) = request.port() {
            attributes.push(KeyValue::new(attr::SERVER_PORT, i64::from(port)));
        }
        if let Some(endpoint) = &endpoint {
            attributes.push(KeyValue::new(attr::PLATFORM_ENDPOINT, endpoint.clone()));
        }
        let parent = opentelemetry::Context::current();
        let instruments = config
            .dependencies
            .clone()
            .unwrap_or_else(Dependencies::current)
            .0;
        let cx = instruments.tracer.as_ref().map(|tracer| {
            let name = match endpoint {
                Some(endpoint) => format!("{method} {endpoint}"),
                None => method.to_owned(),
            };
            // The full URL goes on the span only: metrics keep the endpoint's name.
            let mut span_attributes = attributes.clone();
            if let Some(url) = request.url() {
                span_attributes.push(KeyValue::new(
                    attr::URL_FULL,
                    crate::query::redacted_url(&url),
                ));
            }
            let builder = SpanBuilder::from_name(name)
                .with_kind(SpanKind::Client)
                .with_attributes(span_attributes);
            parent.with_span(tracer.build_with_context(builder, &parent))
        });
        // Without a tracer of our own, the caller's context (if any) still travels on.
        instruments.propagation.inject(
            cx.as_ref().unwrap_or(&parent),
            &mut HeadersMut(request.headers_mut()),
            config.forward_baggage,
        );
        Self {
            instruments,
            at: Instant::now(),
            attributes,
            route: super::request_scope::route(),
            cx,
            classifier: config.classifier.clone(),
        }
    }

    fn finish(mut self, status: Option<u16>, error: Option<Cow<'static, str>>) {
        let seconds = self.at.elapsed().as_secs_f64();
        if let Some(status) = status {
            self.attributes.push(KeyValue::new(
                attr::HTTP_RESPONSE_STATUS_CODE,
                i64::from(status),
            ));
        }
        let mut trace = None;
        if let Some(cx) = &self.cx {
            trace = TraceIds::of(cx);
            let span = cx.span();
            if let Some(status) = status {
                span.set_attribute(KeyValue::new(
                    attr::HTTP_RESPONSE_STATUS_CODE,
                    i64::from(status),
                ));
            }
            crate::trace::span_end::end(span, error.clone());
        }
        let attributes = std::mem::take(&mut self.attributes);
        self.instruments.record(
            Kind::Platform,
            seconds,
            attributes,
            self.route,
            error,
            trace,
        );
    }
}

pin_project! {
    /// The response future of [`PlatformService`]; dropping it before the response records
    /// the call as cancelled.
    pub struct PlatformFuture<F> {
        #[pin]
        inner: F,
        call: Option<PendingCall>,
    }

    impl<F> PinnedDrop for PlatformFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(call) = this.project().call.take() {
                call.finish(None, Some(Cow::Borrowed(error_type::CANCELLED)));
            }
        }
    }
}

impl<F> std::fmt::Debug for PlatformFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformFuture").finish_non_exhaustive()
    }
}

impl<F, T, E> Future for PlatformFuture<F>
where
    F: Future<Output = Result<T, E>>,
    T: ClientResponse,
    E: std::error::Error + 'static,
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        if let Some(call) = this.call.take() {
            match &result {
                Ok(response) => {
                    let status = response.status();
                    let failure = call
                        .classifier
                        .classify_response(status, response.headers());
                    let status = status.as_u16();
                    call.finish(Some(status), failure.map(|f| f.error_type(status)));
                }
                Err(error) => {
                    let failure = call.classifier.classify_error(error);
                    call.finish(None, Some(failure.error_type(0)));
                }
            }
        }
        Poll::Ready(result)
    }
}
