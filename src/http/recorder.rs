//! The per-request guard: it holds the in-flight count and records the request exactly once.
//!
//! It is created when the request arrives, travels from the response future into the
//! response body, and records when the body ends. If it is dropped first — the client went
//! away, a timeout dropped the future, the server dropped the body mid-stream — its `Drop`
//! records the request with `error.type="cancelled"` and releases the in-flight count, so no
//! path can leak the gauge.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use http::Request;

use super::instruments::{Observation, SeriesKey};
use super::labels::{ErrorLabel, MethodLabel, SchemeLabel, VersionLabel};
use super::layer::Shared;
use crate::route::Route;

pub(crate) struct Recorder {
    shared: Arc<Shared>,
    start: Instant,
    route: Route,
    method: MethodLabel,
    scheme: SchemeLabel,
    version: VersionLabel,
    status: u16,
    request_bytes: Option<Arc<AtomicU64>>,
    response_bytes: u64,
    finished: bool,
}

impl Recorder {
    /// Starts timing `request` and counts it in flight.
    pub(crate) fn start<B>(shared: Arc<Shared>, request: &Request<B>, route: Route) -> Self {
        let start = Instant::now();
        let method = MethodLabel::of(request.method());
        let scheme = SchemeLabel::of(request.uri());
        shared.instruments().active(method, scheme).add(1);
        Self {
            shared,
            start,
            route,
            method,
            scheme,
            version: VersionLabel::of(request.version()),
            status: 0,
            request_bytes: None,
            response_bytes: 0,
            finished: false,
        }
    }

    /// Shares a counter with the request body, which adds the bytes it streams.
    pub(crate) fn count_request_body(&mut self) -> Arc<AtomicU64> {
        self.request_bytes
            .get_or_insert_with(Default::default)
            .clone()
    }

    pub(crate) fn set_status(&mut self, status: http::StatusCode) {
        self.status = status.as_u16();
    }

    pub(crate) fn add_response_bytes(&mut self, bytes: usize) {
        self.response_bytes += bytes as u64;
    }

    /// Records the request; `error` is `None` for a response that ended normally.
    pub(crate) fn finish(mut self, error: ErrorLabel) {
        self.record(error);
    }

    fn record(&mut self, error: ErrorLabel) {
        self.finished = true;
        let duration_seconds = self.start.elapsed().as_secs_f64();
        let error = match error {
            ErrorLabel::None if self.status >= 500 => ErrorLabel::ServerStatus,
            error => error,
        };
        let instruments = self.shared.instruments();
        instruments.active(self.method, self.scheme).add(-1);
        let key = SeriesKey {
            route: self.route.as_str(),
            method: self.method,
            status: self.status,
            scheme: self.scheme,
            version: self.version,
            error,
        };
        let request_bytes = self
            .request_bytes
            .as_ref()
            .map_or(0, |bytes| bytes.load(Ordering::Relaxed));
        instruments.record(
            key,
            Observation {
                duration_seconds,
                request_bytes,
                response_bytes: self.response_bytes,
            },
        );
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if !self.finished {
            self.record(ErrorLabel::Cancelled);
        }
    }
}
