use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use http_body::Body;
use tower_service::Service;

use super::body::ResponseBody;
use super::custom::{CustomValues, RequestHead};
use super::future::ResponseFuture;
use super::labels::MethodLabel;
use super::recorder::Recorder;
use super::request_body;
use super::route::RouteRef;
use super::route_cache::RouteCache;
use super::series::RouteSeries;
use super::shared::Shared;
use super::span::ServerSpan;

/// The service [`MonitoringLayer`](crate::MonitoringLayer) wraps around an inner service.
///
/// Errors of the inner service pass through unchanged; recording never fails a request.
pub struct MonitoringService<S> {
    inner: S,
    cache: Arc<RouteCache>,
}

impl<S: Clone> Clone for MonitoringService<S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            cache: self.cache.clone(),
        }
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for MonitoringService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitoringService")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<S> MonitoringService<S> {
    pub(crate) fn new(inner: S, shared: Arc<Shared>) -> Self {
        Self {
            inner,
            cache: Arc::new(RouteCache::new(shared)),
        }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for MonitoringService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ReqBody: Body + 'static,
    ResBody: Body,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let route = RouteRef::of(request.extensions());
        let method = MethodLabel::of(request.method());
        let Some(series) = self.cache.series(route, request.uri().path(), method) else {
            return ResponseFuture::new(self.inner.call(request), None);
        };
        let request_bytes = request_body::count(request.body_mut());
        let shared = self.cache.shared();
        let scheme = shared.url_scheme().of(request.headers());
        let span = shared.tracer().map(|tracer| {
            ServerSpan::start(tracer, &request, &series, scheme, shared.record_query())
        });
        let custom = if series.custom().is_empty() {
            CustomValues::default()
        } else {
            read_custom(&series, &request, span.as_ref())
        };
        let mut recorder = Recorder::start(series, &request, scheme, request_bytes, span, custom);
        if request.version() == http::Version::HTTP_11
            && request.headers().contains_key(http::header::UPGRADE)
        {
            recorder.await_upgrade(&mut request);
        }
        // Handlers may open their spans as soon as they are called, before the first poll.
        let _entered = recorder.trace_context().map(|cx| cx.clone().attach());
        let future = self.inner.call(request);
        ResponseFuture::new(future, Some(recorder))
    }
}

/// The request's custom attributes, folded for the metrics and, as read, on the span.
#[cold]
fn read_custom<B>(
    series: &RouteSeries,
    request: &Request<B>,
    span: Option<&ServerSpan>,
) -> CustomValues {
    series
        .custom()
        .read(&RequestHead::of(request), |key, value| {
            if let Some(span) = span {
                span.add_attribute(key, value);
            }
        })
}
