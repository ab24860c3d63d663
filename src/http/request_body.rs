//! Counting request body bytes without changing the request's type.
//!
//! The layer hands the inner service the same `Request<B>` it received, so it composes with
//! any service, including ones that insist on their own body type. To count the bytes that
//! stream, a body of a type the layer can rebuild (`axum::body::Body`, which is what every
//! axum route and `axum::serve` see) is swapped in place for one that wraps it. A body of any
//! other type is left alone and its size is taken from its exact size hint when it has one
//! (`Content-Length`). A request without a body, or whose size cannot be known, records no
//! body-size observation at all.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use bytes::Buf;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

/// The request bytes a finished request reports.
#[derive(Debug, Default)]
pub(crate) enum RequestBytes {
    /// No body, or a body of unknown length that could not be counted: nothing to record.
    #[default]
    None,
    /// Added to by the counting body as frames stream.
    #[cfg(feature = "axum")]
    Counted(Arc<AtomicU64>),
    /// From the exact size hint of a body that could not be wrapped.
    Hinted(u64),
}

impl RequestBytes {
    #[inline]
    pub(crate) fn get(&self) -> Option<u64> {
        match self {
            Self::None => None,
            #[cfg(feature = "axum")]
            Self::Counted(bytes) => Some(bytes.load(Ordering::Relaxed)),
            Self::Hinted(bytes) => Some(*bytes),
        }
    }
}

/// Arranges for `body`'s bytes to be counted. Bodiless requests (most GETs) cost nothing.
pub(crate) fn count<B: Body + 'static>(body: &mut B) -> RequestBytes {
    if body.is_end_stream() {
        return RequestBytes::None;
    }
    #[cfg(feature = "axum")]
    if let Some(body) = (body as &mut dyn std::any::Any).downcast_mut::<axum::body::Body>() {
        let bytes = Arc::new(AtomicU64::new(0));
        let inner = std::mem::take(body);
        *body = axum::body::Body::new(RequestBody::new(inner, bytes.clone()));
        return RequestBytes::Counted(bytes);
    }
    match body.size_hint().exact() {
        Some(bytes) => RequestBytes::Hinted(bytes),
        None => RequestBytes::None,
    }
}

pin_project! {
    /// A request body that adds each data frame's length to the request's byte count.
    #[derive(Debug)]
    pub(crate) struct RequestBody<B> {
        #[pin]
        inner: B,
        bytes: Arc<AtomicU64>,
    }
}

#[cfg_attr(not(feature = "axum"), allow(dead_code))]
impl<B> RequestBody<B> {
    pub(crate) fn new(inner: B, bytes: Arc<AtomicU64>) -> Self {
        Self { inner, bytes }
    }
}

impl<B: Body> Body for RequestBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        if let Some(Ok(frame)) = &frame {
            if let Some(data) = frame.data_ref() {
                this.bytes
                    .fetch_add(data.remaining() as u64, Ordering::Relaxed);
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
