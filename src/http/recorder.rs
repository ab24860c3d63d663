//! The per-request guard: it holds the in-flight count and records the request exactly once.
//!
//! It is created when the request arrives, travels from the response future into the
//! response body, and records when the body ends. If it is dropped first — the client went
//! away, a timeout dropped the future, the server dropped the body mid-stream — its `Drop`
//! records the request with `error.type="cancelled"` and releases the in-flight count, so no
//! path can leak the gauge. It also owns the request's server span and ends it at the same
//! moment, with the same `error.type`.

use std::sync::Arc;

use http::Request;

use super::labels::{ErrorLabel, SchemeLabel, VersionLabel};
use super::request_body::RequestBytes;
use super::series::{Observation, Outcome, RouteSeries};
use super::span::ServerSpan;

pub(crate) struct Recorder {
    series: Arc<RouteSeries>,
    /// Raw clock reading at arrival.
    start: u64,
    scheme: SchemeLabel,
    version: VersionLabel,
    status: u16,
    request_bytes: RequestBytes,
    /// `None` until a response with a body starts streaming.
    response_bytes: Option<u64>,
    span: Option<ServerSpan>,
    finished: bool,
}

impl Recorder {
    /// Starts timing `request` and counts it in flight.
    #[inline]
    pub(crate) fn start<B>(
        series: Arc<RouteSeries>,
        request: &Request<B>,
        request_bytes: RequestBytes,
        span: Option<ServerSpan>,
    ) -> Self {
        let scheme = SchemeLabel::of(request.uri());
        let start = series.start(scheme);
        Self {
            series,
            start,
            scheme,
            version: VersionLabel::of(request.version()),
            status: 0,
            request_bytes,
            response_bytes: None,
            span,
            finished: false,
        }
    }

    /// The route template, to make current while the request is served.
    #[inline]
    pub(crate) fn route(&self) -> Option<&'static str> {
        self.series.current_route()
    }

    /// The context of the server span, to make current while the request is served.
    #[inline]
    pub(crate) fn trace_context(&self) -> Option<&opentelemetry::Context> {
        self.span.as_ref().map(ServerSpan::context)
    }

    #[inline]
    pub(crate) fn set_status(&mut self, status: http::StatusCode) {
        self.status = status.as_u16();
    }

    /// Marks the response as having a body, whose bytes [`add_response_bytes`] then counts.
    ///
    /// [`add_response_bytes`]: Self::add_response_bytes
    #[inline]
    pub(crate) fn expect_response_body(&mut self) {
        self.response_bytes = Some(0);
    }

    #[inline]
    pub(crate) fn add_response_bytes(&mut self, bytes: usize) {
        if let Some(total) = &mut self.response_bytes {
            *total += bytes as u64;
        }
    }

    /// Records the request; `error` is `None` for a response that ended normally.
    #[inline]
    pub(crate) fn finish(mut self, error: ErrorLabel) {
        self.record(error);
    }

    fn record(&mut self, error: ErrorLabel) {
        self.finished = true;
        let duration_seconds = self.series.end(self.scheme, self.start);
        let error = match error {
            ErrorLabel::None if self.status >= 500 => ErrorLabel::ServerStatus,
            error => error,
        };
        let outcome = Outcome {
            status: self.status,
            scheme: self.scheme,
            version: self.version,
            error,
        };
        if let Some(span) = self.span.take() {
            span.end(self.status, error.value(self.status));
        }
        let observation = Observation {
            duration_seconds,
            request_bytes: self.request_bytes.get(),
            response_bytes: self.response_bytes,
        };
        self.series.record(outcome, observation);
    }
}

impl Drop for Recorder {
    #[inline]
    fn drop(&mut self) {
        if !self.finished {
            self.record(ErrorLabel::Cancelled);
        }
    }
}
