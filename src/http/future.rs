//! The response future of [`MonitoringService`](crate::MonitoringService).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Response;
use http_body::Body;
use pin_project_lite::pin_project;

use super::body::ResponseBody;
use super::labels::ErrorLabel;
use super::recorder::Recorder;

pin_project! {
    /// Resolves to the inner response with its body wrapped in a [`ResponseBody`]. Dropping it
    /// before it resolves records the request as cancelled.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        recorder: Option<Recorder>,
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(inner: F, recorder: Option<Recorder>) -> Self {
        Self { inner, recorder }
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
        let _route = crate::current_route::enter(this.recorder.as_ref().and_then(Recorder::route));
        let result = ready!(this.inner.poll(cx));
        Poll::Ready(respond(result, this.recorder.take()))
    }
}

/// Wraps the response body, or records the request now when there is no body to wait for.
///
/// Kept out of `poll` so that `poll` stays small enough for the inner future's poll to inline.
fn respond<B: Body, E>(
    result: Result<Response<B>, E>,
    mut recorder: Option<Recorder>,
) -> Result<Response<ResponseBody<B>>, E> {
    match result {
        Ok(response) => {
            if let Some(recorder) = recorder.as_mut() {
                recorder.set_status(response.status());
            }
            if response.body().is_end_stream() {
                if let Some(recorder) = recorder.take() {
                    recorder.finish(ErrorLabel::None);
                }
            } else if let Some(recorder) = recorder.as_mut() {
                recorder.expect_response_body();
            }
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
