//! [`GrpcService`], its response future and its response body.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http::{Request, Response};
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tower_service::Service;

use super::call::{Call, Ending};
use super::layer::CallShared;

/// The service [`GrpcLayer`](crate::GrpcLayer) and [`GrpcClientLayer`](crate::GrpcClientLayer)
/// wrap around another.
#[derive(Clone)]
pub struct GrpcService<S> {
    inner: S,
    shared: Arc<CallShared>,
}

impl<S> GrpcService<S> {
    pub(crate) fn new(inner: S, shared: Arc<CallShared>) -> Self {
        Self { inner, shared }
    }
}

impl<S> std::fmt::Debug for GrpcService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcService").finish_non_exhaustive()
    }
}

impl<S, B, ResBody> Service<Request<B>> for GrpcService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    B: Body + 'static,
    ResBody: Body,
{
    type Response = Response<GrpcBody<ResBody>>;
    type Error = S::Error;
    type Future = GrpcFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let call = Call::start(&self.shared, &mut request);
        let _entered = call.context().map(|cx| cx.clone().attach());
        GrpcFuture {
            inner: self.inner.call(request),
            call: Some(call),
        }
    }
}

pin_project! {
    /// Resolves to the inner response with its body wrapped in a [`GrpcBody`]; dropping it
    /// first records the call as cancelled (or past its deadline).
    pub struct GrpcFuture<F> {
        #[pin]
        inner: F,
        call: Option<Call>,
    }
}

impl<F> std::fmt::Debug for GrpcFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for GrpcFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Body,
{
    type Output = Result<Response<GrpcBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this
            .call
            .as_ref()
            .and_then(Call::context)
            .map(|trace| trace.clone().attach());
        let result = ready!(this.inner.poll(cx));
        let call = this.call.take();
        Poll::Ready(match result {
            Ok(response) => {
                let call = call.and_then(|call| call.respond(&response));
                Ok(response.map(|inner| GrpcBody { inner, call }))
            }
            Err(err) => {
                if let Some(call) = call {
                    call.finish(Ending::ServiceError);
                }
                Err(err)
            }
        })
    }
}

pin_project! {
    /// The response body: counts the messages and reads the trailers, and records the call
    /// when the stream ends, fails or is dropped.
    pub struct GrpcBody<B> {
        #[pin]
        inner: B,
        call: Option<Call>,
    }
}

impl<B> std::fmt::Debug for GrpcBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcBody").finish_non_exhaustive()
    }
}

impl<B: Body> Body for GrpcBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut this = self.project();
        let frame = ready!(this.inner.as_mut().poll_frame(cx));
        if let Some(call) = this.call.as_mut() {
            let ending = match &frame {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        call.data(data);
                    } else if let Some(trailers) = frame.trailers_ref() {
                        call.trailers(trailers);
                    }
                    this.inner.is_end_stream().then_some(Ending::Ended)
                }
                Some(Err(_)) => Some(Ending::BodyError),
                None => Some(Ending::Ended),
            };
            if let Some(ending) = ending {
                if let Some(call) = this.call.take() {
                    call.finish(ending);
                }
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
