//! What [`PlatformLayer`](super::PlatformLayer) reads from an HTTP client's requests,
//! responses and errors, whichever client it wraps.

use http::{HeaderMap, Method, StatusCode};

/// An outgoing HTTP request: `http::Request` (hyper and most tower clients) and, with the
/// `reqwest` feature, `reqwest::Request` of reqwest 0.13.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a request `PlatformLayer` can measure",
    label = "a request of a client `PlatformLayer` does not know",
    note = "`PlatformLayer` measures `http::Request` clients, and `reqwest::Request` of reqwest 0.13 with the `reqwest` feature of tower-monitoring",
    note = "a `reqwest::Client` of another reqwest version (0.12, say) is another type: depend on reqwest 0.13, or check `cargo tree -i reqwest` for two versions"
)]
pub trait ClientRequest {
    /// The request method.
    fn method(&self) -> &Method;
    /// The host the request goes to (`server.address`).
    fn host(&self) -> Option<&str>;
    /// The path, for naming the endpoint; never recorded itself.
    fn path(&self) -> &str;
    /// The headers, to inject the trace context into.
    fn headers_mut(&mut self) -> &mut HeaderMap;
}

/// An HTTP client's response.
pub trait ClientResponse {
    /// The response status.
    fn status(&self) -> StatusCode;
}

impl<B> ClientRequest for http::Request<B> {
    fn method(&self) -> &Method {
        self.method()
    }
    fn host(&self) -> Option<&str> {
        self.uri().host()
    }
    fn path(&self) -> &str {
        self.uri().path()
    }
    fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers_mut()
    }
}

impl<B> ClientResponse for http::Response<B> {
    fn status(&self) -> StatusCode {
        self.status()
    }
}

#[cfg(feature = "reqwest")]
impl ClientRequest for reqwest::Request {
    fn method(&self) -> &Method {
        self.method()
    }
    fn host(&self) -> Option<&str> {
        self.url().host_str()
    }
    fn path(&self) -> &str {
        self.url().path()
    }
    fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers_mut()
    }
}

#[cfg(feature = "reqwest")]
impl ClientResponse for reqwest::Response {
    fn status(&self) -> StatusCode {
        self.status()
    }
}

/// `error.type` of a failed call: `timeout`, `connection`, or `_OTHER`, read from the error
/// and its sources (reqwest's own flags, `std::io::ErrorKind`, a "timed out" message such as
/// tower's `Elapsed`).
pub(super) fn error_type(error: &(dyn std::error::Error + 'static)) -> &'static str {
    let mut current = Some(error);
    while let Some(error) = current {
        #[cfg(feature = "reqwest")]
        if let Some(error) = error.downcast_ref::<reqwest::Error>() {
            if error.is_timeout() {
                return TIMEOUT;
            }
            if error.is_connect() {
                return CONNECTION;
            }
        }
        if let Some(error) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match error.kind() {
                TimedOut => return TIMEOUT,
                ConnectionRefused | ConnectionReset | ConnectionAborted | NotConnected
                | AddrNotAvailable | BrokenPipe => return CONNECTION,
                _ => {}
            }
        }
        if error.to_string().contains("timed out") {
            return TIMEOUT;
        }
        current = error.source();
    }
    crate::names::error_type::OTHER
}

const TIMEOUT: &str = crate::names::error_type::TIMEOUT;
const CONNECTION: &str = crate::names::error_type::CONNECTION;

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
        assert_eq!(error_type(&refused), "connection");
        let timed_out = Wrapped(std::io::ErrorKind::TimedOut.into());
        assert_eq!(error_type(&timed_out), "timeout");
        let other = Wrapped(std::io::Error::other("bad certificate"));
        assert_eq!(error_type(&other), "_OTHER");
    }
}
