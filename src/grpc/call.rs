//! One gRPC call, from its request head to the end of its response stream: the guard that
//! holds the active-calls count, counts messages, carries the span, and records once
//! however the call ends (trailers, an error, a dropped future or body).

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http::{HeaderMap, Request, Response, StatusCode};
use http_body::Body;
use opentelemetry::trace::{Span as _, SpanBuilder, SpanKind, TraceContextExt, Tracer as _};
use opentelemetry::{Context, KeyValue};

use super::classify::head_code;
use super::code::GrpcCode;
use super::layer::{CallShared, Side};
use super::messages::{self, MessageCounter};
use super::method;
use super::series::{CallKey, CallRecord};
use crate::classify::Failure;
use crate::names::{attr, error_type};
use crate::trace::propagation::HeadersMut;

/// How a call ended, when not by its own status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The response stream ended, with or without trailers.
    Ended,
    /// The inner service returned an error instead of a response.
    ServiceError,
    /// The response body failed mid-stream.
    BodyError,
    /// Dropped before the end: the peer went away, or a deadline dropped the work.
    Dropped,
}

pub(crate) struct Call {
    shared: Arc<CallShared>,
    /// Raw clock time at the request's head.
    start: u64,
    /// The request's path, when it names a method (`/package.Service/Method`): kept as
    /// the URI holds it (a reference count, no copy), folded when the call is recorded.
    path: Option<http::uri::PathAndQuery>,
    /// The `grpc-timeout` the request carried.
    deadline: Option<Duration>,
    /// The host and port a client addressed.
    server: Option<(String, Option<u16>)>,
    /// Messages of the request stream, counted by its body.
    request_messages: Option<Arc<AtomicU64>>,
    response_messages: MessageCounter,
    http_status: u16,
    code: Option<GrpcCode>,
    failure: Option<Failure>,
    /// The call's span, when it is sampled; its context otherwise.
    cx: Option<Context>,
    recording: bool,
    finished: bool,
}

impl Call {
    pub(crate) fn start<B: Body + 'static>(
        shared: &Arc<CallShared>,
        request: &mut Request<B>,
    ) -> Self {
        shared.instruments().active.add(1);
        let path = request
            .uri()
            .path_and_query()
            .filter(|path| method::from_path(path.path()).is_some())
            .cloned();
        let deadline = request
            .headers()
            .get("grpc-timeout")
            .and_then(|value| parse_timeout(value.as_bytes()));
        // A tonic client adds the channel's origin below this layer: the address comes
        // from the URI when it has one, else from the layer's configuration.
        let server = match shared.side {
            Side::Client => request
                .uri()
                .host()
                .map(|host| (host.to_owned(), request.uri().port_u16()))
                .or_else(|| shared.server_address().cloned()),
            Side::Server => None,
        };
        let request_messages = messages::count(request.body_mut());
        let mut call = Self {
            shared: shared.clone(),
            start: shared.clock().raw(),
            path,
            deadline,
            server,
            request_messages,
            response_messages: MessageCounter::default(),
            http_status: 0,
            code: None,
            failure: None,
            cx: None,
            recording: false,
            finished: false,
        };
        call.start_span(request);
        call
    }

    fn start_span<B>(&mut self, request: &mut Request<B>) {
        let Some(tracer) = self.shared.tracer() else {
            return;
        };
        let (parent, kind) = match self.shared.side {
            Side::Server => (
                tracer.propagation.extract(request.headers()).0,
                SpanKind::Server,
            ),
            Side::Client => (Context::current(), SpanKind::Client),
        };
        // The conventions name the span by the method, or by the system when there is none.
        let name = self.method().unwrap_or("grpc").to_owned();
        let builder = SpanBuilder::from_name(name).with_kind(kind);
        let mut span = tracer.tracer.build_with_context(builder, &parent);
        self.recording = span.is_recording();
        if self.recording {
            let mut attributes = vec![KeyValue::new(attr::RPC_SYSTEM_NAME, "grpc")];
            if let Some(method) = self.method() {
                attributes.push(KeyValue::new(attr::RPC_METHOD, method.to_owned()));
            }
            if let Some((host, port)) = &self.server {
                attributes.push(KeyValue::new(attr::SERVER_ADDRESS, host.clone()));
                if let Some(port) = port {
                    attributes.push(KeyValue::new(attr::SERVER_PORT, i64::from(*port)));
                }
            }
            span.set_attributes(attributes);
        }
        let cx = if self.recording {
            parent.with_span(span)
        } else {
            parent.with_remote_span_context(span.span_context().clone())
        };
        if self.shared.side == Side::Client {
            tracer
                .propagation
                .inject(&cx, &mut HeadersMut(request.headers_mut()), false);
        }
        self.cx = Some(cx);
    }

    /// The method the request's path names (checked when the call started).
    fn method(&self) -> Option<&str> {
        self.path.as_ref().map(|path| &path.path()[1..])
    }

    /// The context to make current while the call is served.
    pub(crate) fn context(&self) -> Option<&Context> {
        self.cx.as_ref()
    }

    /// Takes the response head; records now and returns `None` when the call ended there
    /// (a trailers-only response).
    pub(crate) fn respond<B: Body>(mut self, response: &Response<B>) -> Option<Self> {
        let status = response.status();
        self.http_status = status.as_u16();
        self.code = head_code(status, response.headers());
        // The default classifiers judge by the code alone, which `outcome` reads; only a
        // classifier of the application's is asked.
        if let Some(classifier) = self.shared.custom_classifier() {
            self.failure = classifier.classify_response(status, response.headers());
        }
        if response.body().is_end_stream() {
            self.finish(Ending::Ended);
            return None;
        }
        Some(self)
    }

    /// Counts the messages of a response data frame.
    pub(crate) fn data(&mut self, data: &impl bytes::Buf) {
        self.response_messages.feed(data);
    }

    /// Takes the trailers, where a streamed answer's status is.
    pub(crate) fn trailers(&mut self, trailers: &HeaderMap) {
        if let Some(code) = GrpcCode::of(trailers) {
            self.code = Some(code);
        }
        if let Some(classifier) = self.shared.custom_classifier() {
            if let Some(failure) = classifier.classify_trailers(trailers) {
                self.failure = Some(failure);
            }
        }
    }

    pub(crate) fn finish(mut self, ending: Ending) {
        self.record(ending);
    }

    /// The call's code and `error.type`, by how it ended.
    fn outcome(&self, ending: Ending, elapsed: Duration) -> (GrpcCode, Option<Cow<'static, str>>) {
        let past_deadline = self.deadline.is_some_and(|deadline| elapsed >= deadline);
        let code = match (ending, self.code) {
            // A deadline that dropped the work, that the client's transport enforced (an
            // error, in tonic), or that the peer answered as cancelled (as tonic's server
            // does), is the deadline's.
            (Ending::Dropped | Ending::ServiceError, _) | (_, Some(GrpcCode::CANCELLED))
                if past_deadline =>
            {
                GrpcCode::DEADLINE_EXCEEDED
            }
            (Ending::Dropped, _) => {
                return (GrpcCode::CANCELLED, Some(error_type::CANCELLED.into()));
            }
            (Ending::Ended, Some(code)) => code,
            // A stream that ended without a status: gRPC clients read it as UNKNOWN.
            (Ending::Ended, None) if self.http_status == 200 => GrpcCode::UNKNOWN,
            (Ending::Ended, None) => {
                GrpcCode::of_http(StatusCode::from_u16(self.http_status).unwrap_or(StatusCode::OK))
            }
            (Ending::ServiceError, _) => match self.shared.side {
                Side::Client => GrpcCode::UNAVAILABLE,
                Side::Server => GrpcCode::UNKNOWN,
            },
            (Ending::BodyError, _) => GrpcCode::UNKNOWN,
        };
        let failed = match self.shared.side {
            Side::Server => code.server_failed(),
            Side::Client => code != GrpcCode::OK,
        };
        let error = match self.failure {
            Some(failure) if Some(code) == self.code => Some(failure.error_type(self.http_status)),
            _ if failed => Some(Cow::Borrowed(code.name())),
            _ => None,
        };
        (code, error)
    }

    fn record(&mut self, ending: Ending) {
        self.finished = true;
        let clock = self.shared.clock();
        let elapsed = Duration::from_nanos(clock.delta_as_nanos(self.start, clock.raw()));
        let instruments = self.shared.instruments();
        instruments.active.add(-1);
        let (code, error) = self.outcome(ending, elapsed);
        // A method the server answers UNIMPLEMENTED is one it does not serve: folded, so a
        // scanner's paths never become series.
        let served = !(self.shared.side == Side::Server && code == GrpcCode::UNIMPLEMENTED);
        let method = method::label(self.shared.methods(), self.method().filter(|_| served));
        let request_messages = self
            .request_messages
            .as_ref()
            .map(|messages| messages.load(Ordering::Relaxed));
        let response_messages = self.response_messages.messages();
        let (received, sent) = match self.shared.side {
            Side::Server => (request_messages, Some(response_messages)),
            Side::Client => (Some(response_messages), request_messages),
        };
        let key = CallKey {
            method,
            code,
            error: error.clone(),
            server: self.server.take(),
        };
        let record = CallRecord {
            seconds: elapsed.as_secs_f64(),
            received,
            sent,
        };
        self.shared.series().record(instruments, key, record);
        if let (Some(cx), true) = (&self.cx, self.recording) {
            let span = cx.span();
            span.set_attribute(KeyValue::new(attr::RPC_RESPONSE_STATUS_CODE, code.name()));
            crate::trace::span_end::end(span, error);
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if !self.finished {
            let ending = if std::thread::panicking() {
                Ending::ServiceError
            } else {
                Ending::Dropped
            };
            self.record(ending);
        }
    }
}

/// A `grpc-timeout` value: up to eight digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`).
fn parse_timeout(value: &[u8]) -> Option<Duration> {
    let (&unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let amount: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b'H' => Duration::from_secs(amount * 3600),
        b'M' => Duration::from_secs(amount * 60),
        b'S' => Duration::from_secs(amount),
        b'm' => Duration::from_millis(amount),
        b'u' => Duration::from_micros(amount),
        b'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_read_as_grpc_writes_them() {
        assert_eq!(parse_timeout(b"250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_timeout(b"1S"), Some(Duration::from_secs(1)));
        assert_eq!(parse_timeout(b"2H"), Some(Duration::from_secs(7200)));
        for bad in [&b""[..], b"m", b"123456789m", b"10x", b"-1S", b"1.5S"] {
            assert_eq!(parse_timeout(bad), None);
        }
    }
}
