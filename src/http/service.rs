use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use http_body::Body;
use tower_service::Service;

use super::body::{RequestBody, ResponseBody};
use super::future::ResponseFuture;
use super::layer::Shared;
use super::recorder::Recorder;
use crate::route::Route;

/// The service [`MonitoringLayer`](crate::MonitoringLayer) wraps around an inner service.
///
/// Errors of the inner service pass through unchanged; recording never fails a request.
#[derive(Clone, Debug)]
pub struct MonitoringService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> MonitoringService<S> {
    pub(crate) fn new(inner: S, shared: Arc<Shared>) -> Self {
        Self { inner, shared }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for MonitoringService<S>
where
    S: Service<Request<RequestBody<ReqBody>>, Response = Response<ResBody>>,
    ReqBody: Body,
    ResBody: Body,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let route = Route::of(request.extensions());
        if self
            .shared
            .is_excluded(route.as_str().unwrap_or(request.uri().path()))
        {
            let request = request.map(|body| RequestBody::new(body, None));
            return ResponseFuture::new(self.inner.call(request), None);
        }
        let mut recorder = Recorder::start(self.shared.clone(), &request, route);
        // Bodiless requests (most GETs) skip the shared counter and its allocation.
        let bytes = (!request.body().is_end_stream()).then(|| recorder.count_request_body());
        let request = request.map(|body| RequestBody::new(body, bytes));
        ResponseFuture::new(self.inner.call(request), Some(recorder))
    }
}
