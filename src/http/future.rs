//! The response future of [`MonitoringService`](crate::MonitoringService).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http::Response;
use http_body::Body;
use pin_project_lite::pin_project;

use super::body::ResponseBody;
use super::labels::ErrorLabel;
use super::recorder::Recorder;
use crate::dependency::request_scope::{self, RequestScope};

pin_project! {
    /// Resolves to the inner response with its body wrapped in a [`ResponseBody`]. Dropping it
    /// before it resolves records the request as cancelled.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        recorder: Option<Recorder>,
        // Moved into the thread's current scope for each poll, and back.
        scope: Option<Arc<RequestScope>>,
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(inner: F, recorder: Option<Recorder>) -> Self {
        let scope = recorder.as_ref().map(Recorder::scope);
        Self {
            inner,
            recorder,
            scope,
        }
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("recording", &self.recorder.is_some())
            .finish()
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Body,
{
    type Output = Result<Response<ResponseBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this
            .recorder
            .as_ref()
            .and_then(Recorder::trace_context)
            .map(|trace| trace.clone().attach());
        let _scope = request_scope::enter(this.scope);
        // A handler that panics unwinds through here; a `CatchPanicLayer` outside this layer
        // then drops this future only after the panic was caught, too late to tell it from
        // a client that went away. The guard records the request while it unwinds.
        let recorder = UnwindGuard(this.recorder);
        let result = ready!(this.inner.poll(cx));
        Poll::Ready(respond(result, recorder.0.take()))
    }
}

/// Wraps the response body, or records the request now when there is no body to wait for.
///
/// Kept out of `poll` so that `poll` stays small enough for the inner future's poll to inline.
fn respond<B: Body, E>(
    result: Result<Response<B>, E>,
    recorder: Option<Recorder>,
) -> Result<Response<ResponseBody<B>>, E> {
    match result {
        Ok(response) => {
            let recorder = recorder.and_then(|recorder| recorder.respond(&response));
            Ok(response.map(|body| ResponseBody::new(body, recorder)))
        }
        Err(err) => {
            if let Some(recorder) = recorder {
                recorder.finish(ErrorLabel::ServiceError);
            }
            Err(err)
        }
    }
}

/// Drops the recorder, so that it records a failure, if the inner future panics.
struct UnwindGuard<'a>(&'a mut Option<Recorder>);

impl Drop for UnwindGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        if std::thread::panicking() {
            drop(self.0.take());
        }
    }
}
