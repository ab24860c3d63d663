//! Which responses and calls failed, and as what `error.type`: one classifier, used by
//! every protocol the crate records.
//!
//! A [`Classify`] looks at a response's head (status and headers), at the trailers of a
//! streaming body, and at a transport error, and answers with a [`Failure`] or `None`. The
//! HTTP layer asks [`ServerErrors`] by default (a 5xx fails), the platform client
//! [`ClientErrors`] (a 4xx or 5xx fails); both take another through `classify(..)`:
//!
//! ```
//! use http::StatusCode;
//! use tower_monitoring::{Failure, MonitoringLayer};
//!
//! // On this API a 404 is a broken link of ours, not a client's typo.
//! let layer = MonitoringLayer::new().classify(|status: StatusCode, _: &http::HeaderMap| {
//!     (status.is_server_error() || status == StatusCode::NOT_FOUND).then_some(Failure::Status)
//! });
//! ```
//!
//! A protocol that reports failure in its own header or trailer (gRPC's `grpc-status`) is
//! one more implementation. The verdict it leads to (failed, cancelled, succeeded) and how
//! that reads in PromQL stay in [`failure`](crate::failure), whatever the classifier.
//! Results of the application's own functions (`dependency::db(..)`, `#[monitor_db]`) are
//! classified by their type, through [`Outcome`](crate::dependency::Outcome), whose
//! default for an error it cannot name is [`UNNAMED_ERROR`].

use std::borrow::Cow;

use http::{HeaderMap, StatusCode};

use crate::names::error_type;

/// The `error.type` of a failure a classifier found.
///
/// Either the status code itself, or a name from a set fixed in code: a classifier cannot
/// put a value taken from the client or from an error message on a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Failure {
    /// The response's status code is the `error.type` (`"503"`), as the HTTP semantic
    /// conventions say.
    Status,
    /// A fixed name, such as `"timeout"` or `"quota_exceeded"`.
    Named(&'static str),
}

impl Failure {
    /// The `error.type` value, for a response with `status` (`0` when there was none).
    pub fn error_type(self, status: u16) -> Cow<'static, str> {
        match self {
            Self::Status if status != 0 => Cow::Owned(status.to_string()),
            Self::Status => Cow::Borrowed(UNNAMED_ERROR),
            Self::Named(name) => Cow::Borrowed(name),
        }
    }
}

/// The `error.type` of an error nothing more can be said of: the semantic conventions'
/// `_OTHER`. A Rust type name is never used: it changes with the compiler.
pub const UNNAMED_ERROR: &str = error_type::OTHER;

/// Decides whether a response or a call failed, and names the failure.
///
/// Implemented by [`ServerErrors`], [`ClientErrors`] and by closures
/// `Fn(StatusCode, &HeaderMap) -> Option<Failure>` (which judge the head alone).
pub trait Classify: Send + Sync + 'static {
    /// The failure a response head reports, or `None` when the head says it succeeded.
    fn classify_response(&self, status: StatusCode, headers: &HeaderMap) -> Option<Failure>;

    /// The failure the trailers at the end of a streaming body report, or `None` (the
    /// default: plain HTTP keeps its verdict in the head).
    fn classify_trailers(&self, trailers: &HeaderMap) -> Option<Failure> {
        let _ = trailers;
        None
    }

    /// The failure of a call that got no response: `timeout`, `connection` or `_OTHER` by
    /// default, read from the error and its sources.
    fn classify_error(&self, error: &(dyn std::error::Error + 'static)) -> Failure {
        Failure::Named(transport_error(error))
    }
}

/// The server's classifier: a 5xx is a failure named by its status code; anything else
/// is the server doing its job, 4xx included (the client asked for something wrong).
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerErrors;

impl Classify for ServerErrors {
    #[inline]
    fn classify_response(&self, status: StatusCode, _: &HeaderMap) -> Option<Failure> {
        status.is_server_error().then_some(Failure::Status)
    }
}

/// The platform client's classifier: a 4xx or 5xx is a failure named by its status code,
/// since to the caller a refused request (`401`, `429`) failed as much as a broken one.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientErrors;

impl Classify for ClientErrors {
    #[inline]
    fn classify_response(&self, status: StatusCode, _: &HeaderMap) -> Option<Failure> {
        (status.is_client_error() || status.is_server_error()).then_some(Failure::Status)
    }
}

impl<F> Classify for F
where
    F: Fn(StatusCode, &HeaderMap) -> Option<Failure> + Send + Sync + 'static,
{
    fn classify_response(&self, status: StatusCode, headers: &HeaderMap) -> Option<Failure> {
        self(status, headers)
    }
}

/// `timeout`, `connection`, or `_OTHER`, read from `error` and its sources (reqwest's own
/// flags, `std::io::ErrorKind`, a "timed out" message such as tower's `Elapsed`).
fn transport_error(error: &(dyn std::error::Error + 'static)) -> &'static str {
    let mut current = Some(error);
    while let Some(error) = current {
        #[cfg(feature = "reqwest")]
        if let Some(error) = error.downcast_ref::<reqwest::Error>() {
            if error.is_timeout() {
                return error_type::TIMEOUT;
            }
            if error.is_connect() {
                return error_type::CONNECTION;
            }
        }
        if let Some(error) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match error.kind() {
                TimedOut => return error_type::TIMEOUT,
                ConnectionRefused | ConnectionReset | ConnectionAborted | NotConnected
                | AddrNotAvailable | BrokenPipe => return error_type::CONNECTION,
                _ => {}
            }
        }
        if error.to_string().contains("timed out") {
            return error_type::TIMEOUT;
        }
        current = error.source();
    }
    UNNAMED_ERROR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapped(std::io::Error);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("request failed")
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn timeouts_and_connection_errors_are_told_apart_through_the_chain() {
        let refused = Wrapped(std::io::ErrorKind::ConnectionRefused.into());
        assert_eq!(
            ServerErrors.classify_error(&refused),
            Failure::Named("connection")
        );
        let timed_out = Wrapped(std::io::ErrorKind::TimedOut.into());
        assert_eq!(
            ClientErrors.classify_error(&timed_out),
            Failure::Named("timeout")
        );
        let other = Wrapped(std::io::Error::other("bad certificate"));
        assert_eq!(
            ServerErrors.classify_error(&other),
            Failure::Named("_OTHER")
        );
    }

    #[test]
    fn servers_fail_on_5xx_and_clients_on_4xx_too() {
        let headers = HeaderMap::new();
        for (status, server, client) in [
            (200, None, None),
            (304, None, None),
            (404, None, Some(Failure::Status)),
            (429, None, Some(Failure::Status)),
            (500, Some(Failure::Status), Some(Failure::Status)),
            (503, Some(Failure::Status), Some(Failure::Status)),
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(ServerErrors.classify_response(status, &headers), server);
            assert_eq!(ClientErrors.classify_response(status, &headers), client);
        }
    }

    #[test]
    fn a_closure_classifies_and_names_from_a_closed_set() {
        let quota = |status: StatusCode, headers: &HeaderMap| {
            if headers.contains_key("x-quota-exceeded") {
                Some(Failure::Named("quota_exceeded"))
            } else {
                ServerErrors.classify_response(status, headers)
            }
        };
        let mut headers = HeaderMap::new();
        assert_eq!(quota.classify_response(StatusCode::OK, &headers), None);
        headers.insert("x-quota-exceeded", "1".parse().unwrap());
        let failure = quota.classify_response(StatusCode::OK, &headers).unwrap();
        assert_eq!(failure.error_type(200), "quota_exceeded");
        assert_eq!(Failure::Status.error_type(503), "503");
        assert_eq!(Failure::Status.error_type(0), "_OTHER");
        assert_eq!(quota.classify_trailers(&headers), None);
    }
}
