//! The response body: counts the bytes that actually stream, not `Content-Length`, and hands
//! the recorder back when the body ends.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Buf;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use super::labels::ErrorLabel;
use super::recorder::Recorder;

pin_project! {
    /// Response body returned by [`MonitoringService`](crate::MonitoringService); records the
    /// request when the body ends, fails, or is dropped.
    pub struct ResponseBody<B> {
        #[pin]
        inner: B,
        recorder: Option<Recorder>,
    }
}

impl<B> ResponseBody<B> {
    pub(crate) fn new(inner: B, recorder: Option<Recorder>) -> Self {
        Self { inner, recorder }
    }
}

impl<B> std::fmt::Debug for ResponseBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseBody")
            .field("recording", &self.recorder.is_some())
            .finish()
    }
}

impl<B: Body> Body for ResponseBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut this = self.project();
        let frame = ready!(this.inner.as_mut().poll_frame(cx));
        if let Some(recorder) = this.recorder.as_mut() {
            let ended = match &frame {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        recorder.add_response_bytes(data.remaining());
                    } else if let Some(trailers) = frame.trailers_ref() {
                        recorder.trailers(trailers);
                    }
                    // Hyper stops polling once a body reports its end, or once it has
                    // written the bytes `Content-Length` announced, so this is the last
                    // chance to record a body that ends on a data frame.
                    (this.inner.is_end_stream() || recorder.received_whole_body())
                        .then_some(ErrorLabel::None)
                }
                Some(Err(_)) => Some(ErrorLabel::BodyError),
                None => Some(ErrorLabel::None),
            };
            if let Some(error) = ended {
                if let Some(recorder) = this.recorder.take() {
                    recorder.finish(error);
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
