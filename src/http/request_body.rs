//! Counting request body bytes without changing the request's type.
//!
//! The layer hands the inner service the same `Request<B>` it received, so it composes with
//! any service, including ones that insist on their own body type. To count the bytes that
//! stream, a body of a type the layer can rebuild (`axum::body::Body`, which is what every
//! axum route and `axum::serve` see) is swapped in place for one that wraps it. A body of any
//! other type is left alone and its size is taken from its exact size hint when it has one
//! (`Content-Length`). A request without a body, or whose size cannot be known, records no
//! body-size observation at all.

use http_body::Body;

/// The request bytes a finished request reports.
#[derive(Debug, Default)]
pub(crate) enum RequestBytes {
    /// No body, or a body of unknown length that could not be counted: nothing to record.
    #[default]
    None,
    /// Added to by the counting body as frames stream.
    #[cfg(feature = "axum")]
    Counted(std::sync::Arc<std::sync::atomic::AtomicU64>),
    /// From the exact size hint of a body that could not be wrapped.
    Hinted(u64),
}

impl RequestBytes {
    #[inline]
    pub(crate) fn get(&self) -> Option<u64> {
        match self {
            Self::None => None,
            #[cfg(feature = "axum")]
            Self::Counted(bytes) => Some(bytes.load(std::sync::atomic::Ordering::Relaxed)),
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
        let bytes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let inner = std::mem::take(body);
        *body = axum::body::Body::new(super::body::RequestBody::new(inner, bytes.clone()));
        return RequestBytes::Counted(bytes);
    }
    match body.size_hint().exact() {
        Some(bytes) => RequestBytes::Hinted(bytes),
        None => RequestBytes::None,
    }
}
