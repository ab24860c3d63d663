//! The per-request guard: it holds the in-flight count and records the request exactly once.
//!
//! It is created when the request arrives, travels from the response future into the
//! response body, and records when the body ends: at its last frame, or when the response
//! head is produced for a response that cannot carry a body (a reply to `HEAD`, 1xx, 204,
//! 304) or carries an empty one. If it is dropped first — the client went away, a timeout
//! dropped the future, the server dropped the body mid-stream — its `Drop` records the
//! request with `error.type="cancelled"` and releases the in-flight count, so no path can
//! leak the gauge. A body dropped once it has streamed every byte it announced is complete,
//! not cancelled: hyper stops polling when `Content-Length` bytes are written. Dropped while
//! a panic unwinds (a handler or a body that panicked), it records a failure instead: a 500
//! when no response was produced, else a `body_error`. It also owns the request's server
//! span and ends it at the same moment, with the same `error.type`.

use std::sync::Arc;

use http::{Request, Response, StatusCode};
use http_body::Body;

use super::custom::CustomValues;
use super::labels::{ErrorLabel, MethodLabel, SchemeLabel, VersionLabel};
use super::request_body::RequestBytes;
use super::series::{Observation, RequestEnd, RouteSeries};
use super::span::ServerSpan;
use super::upgrade::{UpgradeGuard, UpgradeSlot};
use crate::classify::Failure;
use crate::dependency::request_scope::RequestScope;

pub(crate) struct Recorder {
    series: Arc<RouteSeries>,
    /// Raw clock reading at arrival.
    start: u64,
    scheme: SchemeLabel,
    version: VersionLabel,
    custom: CustomValues,
    status: u16,
    request_bytes: RequestBytes,
    /// `None` until a response with a body starts streaming.
    response_bytes: Option<u64>,
    /// The response body's length when it was known at the head (`Content-Length` or an
    /// exact size hint).
    announced_bytes: Option<u64>,
    span: Option<ServerSpan>,
    /// What the classifier found in the response head or trailers.
    failure: Option<Failure>,
    /// Raw clock time of the response head; `0` until there is one.
    first_byte: u64,
    /// Whether the response is a stream (recorded apart from the request histograms).
    stream: bool,
    /// Where the recorder waits if the request is upgraded.
    upgrade: Option<Arc<UpgradeSlot>>,
    finished: bool,
}

impl Recorder {
    /// Starts timing `request` and counts it in flight.
    #[inline]
    pub(crate) fn start<B>(
        series: Arc<RouteSeries>,
        request: &Request<B>,
        scheme: SchemeLabel,
        request_bytes: RequestBytes,
        span: Option<ServerSpan>,
        custom: CustomValues,
    ) -> Self {
        let start = series.start(scheme);
        Self {
            series,
            start,
            scheme,
            version: VersionLabel::of(request.version()),
            custom,
            status: 0,
            request_bytes,
            response_bytes: None,
            announced_bytes: None,
            span,
            failure: None,
            first_byte: 0,
            stream: false,
            upgrade: None,
            finished: false,
        }
    }

    /// The request asks to upgrade its connection: it carries an [`UpgradeGuard`] for the
    /// handler to keep while it serves the upgraded connection.
    #[cold]
    pub(crate) fn await_upgrade<B>(&mut self, request: &mut Request<B>) {
        let slot = Arc::new(UpgradeSlot::default());
        request
            .extensions_mut()
            .insert(UpgradeGuard::new(slot.clone()));
        self.upgrade = Some(slot);
    }

    /// The route template and dependency handle, to make current while the request is
    /// served.
    #[inline]
    pub(crate) fn scope(&self) -> Arc<RequestScope> {
        self.series.scope()
    }

    /// The context of the server span, to make current while the request is served.
    #[inline]
    pub(crate) fn trace_context(&self) -> Option<&opentelemetry::Context> {
        self.span.as_ref().map(ServerSpan::context)
    }

    /// Takes the response head. Records the request now and returns `None` when there is no
    /// body to wait for; otherwise returns the recorder for the body to carry.
    #[inline]
    pub(crate) fn respond<B: Body>(mut self, response: &Response<B>) -> Option<Self> {
        let status = response.status();
        self.status = status.as_u16();
        self.first_byte = self.series.now();
        if let Some(renamed) = self.series.renamed(status, response.extensions()) {
            self.rename(renamed);
        }
        self.failure = self.series.classify_response(status, response.headers());
        if status == StatusCode::SWITCHING_PROTOCOLS {
            if let Some(slot) = self.upgrade.take() {
                self.open_stream();
                slot.hold(self);
                return None;
            }
        }
        let body = response.body();
        let hint = body.size_hint().exact();
        if self.series.method() == MethodLabel::Head
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED
            || body.is_end_stream()
            || hint == Some(0)
        {
            self.finish(ErrorLabel::None);
            return None;
        }
        if self.series.streaming() || is_event_stream(response.headers()) {
            self.open_stream();
        }
        self.response_bytes = Some(0);
        self.announced_bytes = hint.or_else(|| content_length(response.headers()));
        Some(self)
    }

    /// From its head on, the response is a stream: out of the in-flight requests, into the
    /// open streams, and timed from here.
    #[cold]
    fn open_stream(&mut self) {
        self.series.open_stream(self.scheme);
        self.stream = true;
    }

    /// Moves the request to the series its response named (same method, same in-flight
    /// gauge), and names the operation on its span.
    #[cold]
    fn rename(&mut self, series: Arc<RouteSeries>) {
        if let (Some(span), Some(operation)) = (&self.span, series.operation()) {
            span.name_operation(operation);
        }
        self.series = series;
    }

    /// Whether the response body has streamed every byte its head announced.
    #[inline]
    pub(crate) fn received_whole_body(&self) -> bool {
        self.announced_bytes.is_some() && self.announced_bytes == self.response_bytes
    }

    #[inline]
    pub(crate) fn add_response_bytes(&mut self, bytes: usize) {
        if let Some(total) = &mut self.response_bytes {
            *total += bytes as u64;
        }
    }

    /// Takes the trailers at the end of the response body, which may report a failure the
    /// head did not (gRPC's `grpc-status`).
    #[cold]
    pub(crate) fn trailers(&mut self, trailers: &http::HeaderMap) {
        if let Some(failure) = self.series.classify_trailers(trailers) {
            self.failure = Some(failure);
        }
    }

    /// Records the request; `error` is `None` for a response that ended normally.
    #[inline]
    pub(crate) fn finish(mut self, error: ErrorLabel) {
        self.record(error);
    }

    fn record(&mut self, error: ErrorLabel) {
        self.finished = true;
        let (duration_seconds, first_byte_seconds) = if self.stream {
            let stream = self.series.end_stream(self.scheme, self.first_byte);
            (
                stream,
                Some(self.series.seconds(self.start, self.first_byte)),
            )
        } else {
            let duration = self.series.end(self.scheme, self.start);
            let first_byte =
                (self.first_byte != 0).then(|| self.series.seconds(self.start, self.first_byte));
            (duration, first_byte)
        };
        let error = match error {
            ErrorLabel::None => self
                .failure
                .map_or(ErrorLabel::None, ErrorLabel::Classified),
            error => error,
        };
        let end = RequestEnd {
            status: self.status,
            scheme: self.scheme,
            version: self.version,
            error,
            custom: self.custom,
            stream: self.stream,
        };
        let mut trace = None;
        if let Some(span) = self.span.take() {
            trace = span.sampled();
            span.end(self.status, error.value(self.status));
        }
        let observation = Observation {
            duration_seconds,
            request_bytes: self.request_bytes.get(),
            response_bytes: self.response_bytes,
            trace,
            first_byte_seconds,
        };
        self.series.record(end, observation);
    }
}

impl Drop for Recorder {
    #[inline]
    fn drop(&mut self) {
        if !self.finished {
            let error = if std::thread::panicking() {
                self.panicked()
            } else if self.received_whole_body() {
                ErrorLabel::None
            } else {
                ErrorLabel::Cancelled
            };
            self.record(error);
        }
    }
}

impl Recorder {
    /// The failure a panic makes: without a response yet, the 500 that `CatchPanicLayer`
    /// (or hyper dropping the connection) turns it into; after the head was sent, a broken
    /// body.
    #[cold]
    fn panicked(&mut self) -> ErrorLabel {
        if self.status == 0 {
            self.status = StatusCode::INTERNAL_SERVER_ERROR.as_u16();
            ErrorLabel::Classified(Failure::Status)
        } else {
            ErrorLabel::BodyError
        }
    }
}

/// Whether a response head announces server-sent events.
#[inline]
fn is_event_stream(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/event-stream"))
}

/// The `Content-Length` of a response head, when it is one valid number.
fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}
