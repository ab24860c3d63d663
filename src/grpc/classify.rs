//! The gRPC classifiers: a call failed by its `grpc-status`, wherever it is (the head of a
//! trailers-only response, or the trailers after the messages), not by its HTTP status,
//! which is `200` for every answered call. They plug into [`GrpcLayer`](crate::GrpcLayer)
//! and [`GrpcClientLayer`](crate::GrpcClientLayer) by default, and into
//! [`MonitoringLayer::classify`](crate::MonitoringLayer::classify) for a gRPC service
//! recorded as HTTP.

use http::{HeaderMap, StatusCode};

use super::code::GrpcCode;
use crate::classify::{Classify, Failure};

/// A served call failed when its code is one the server is to blame for (`UNKNOWN`,
/// `DEADLINE_EXCEEDED`, `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE`, `DATA_LOSS`, as semantic
/// conventions 1.45 say); `error.type` is the code's name. `INVALID_ARGUMENT`, `NOT_FOUND`
/// and the rest are the caller's doing, as a 4xx is over HTTP.
#[derive(Debug, Clone, Copy, Default)]
pub struct GrpcServerErrors;

/// A call made failed when its code is anything but `OK`: to the caller every refusal is a
/// failure. `error.type` is the code's name.
#[derive(Debug, Clone, Copy, Default)]
pub struct GrpcClientErrors;

fn failure(code: GrpcCode, failed: bool) -> Option<Failure> {
    failed.then_some(Failure::Named(code.name()))
}

/// The code a response head reports: its `grpc-status` (a trailers-only response), or the
/// gRPC reading of an HTTP status other than `200`; `None` while the trailers are to come.
pub(crate) fn head_code(status: StatusCode, headers: &HeaderMap) -> Option<GrpcCode> {
    match GrpcCode::of(headers) {
        Some(code) => Some(code),
        None if status != StatusCode::OK => Some(GrpcCode::of_http(status)),
        None => None,
    }
}

impl Classify for GrpcServerErrors {
    fn classify_response(&self, status: StatusCode, headers: &HeaderMap) -> Option<Failure> {
        let code = head_code(status, headers)?;
        failure(code, code.server_failed())
    }

    fn classify_trailers(&self, trailers: &HeaderMap) -> Option<Failure> {
        let code = GrpcCode::of(trailers)?;
        failure(code, code.server_failed())
    }
}

impl Classify for GrpcClientErrors {
    fn classify_response(&self, status: StatusCode, headers: &HeaderMap) -> Option<Failure> {
        let code = head_code(status, headers)?;
        failure(code, code != GrpcCode::OK)
    }

    fn classify_trailers(&self, trailers: &HeaderMap) -> Option<Failure> {
        let code = GrpcCode::of(trailers)?;
        failure(code, code != GrpcCode::OK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grpc_status(code: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-status", code.parse().unwrap());
        headers
    }

    #[test]
    fn an_error_answered_with_http_200_is_a_failure() {
        let internal = grpc_status("13");
        assert_eq!(
            GrpcServerErrors.classify_response(StatusCode::OK, &internal),
            Some(Failure::Named("INTERNAL"))
        );
        assert_eq!(
            GrpcServerErrors.classify_trailers(&internal),
            Some(Failure::Named("INTERNAL"))
        );
        // The head of a streaming answer says nothing yet.
        assert_eq!(
            GrpcServerErrors.classify_response(StatusCode::OK, &HeaderMap::new()),
            None
        );
    }

    #[test]
    fn the_callers_mistakes_fail_the_client_only() {
        let invalid = grpc_status("3");
        assert_eq!(GrpcServerErrors.classify_trailers(&invalid), None);
        assert_eq!(
            GrpcClientErrors.classify_trailers(&invalid),
            Some(Failure::Named("INVALID_ARGUMENT"))
        );
        assert_eq!(GrpcClientErrors.classify_trailers(&grpc_status("0")), None);
        assert_eq!(
            GrpcServerErrors.classify_response(StatusCode::BAD_GATEWAY, &HeaderMap::new()),
            Some(Failure::Named("UNAVAILABLE")),
            "a proxy's 502 without grpc-status"
        );
    }
}
