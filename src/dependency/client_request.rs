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
    /// The port it goes to, the scheme's default when the URL names none (`server.port`).
    fn port(&self) -> Option<u16> {
        None
    }
    /// The absolute URL, for the client span's `url.full`; credentials are removed from it
    /// before it is recorded.
    fn url(&self) -> Option<String> {
        None
    }
    /// The path, for naming the endpoint; never recorded itself.
    fn path(&self) -> &str;
    /// The headers, to inject the trace context into.
    fn headers_mut(&mut self) -> &mut HeaderMap;
}

/// An HTTP client's response.
pub trait ClientResponse {
    /// The response status.
    fn status(&self) -> StatusCode;
    /// The response headers, for a [`Classify`](crate::Classify) that reads them.
    fn headers(&self) -> &HeaderMap;
}

impl<B> ClientRequest for http::Request<B> {
    fn method(&self) -> &Method {
        self.method()
    }
    fn host(&self) -> Option<&str> {
        self.uri().host()
    }
    fn port(&self) -> Option<u16> {
        let uri = self.uri();
        uri.port_u16().or(match uri.scheme_str()? {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        })
    }
    fn url(&self) -> Option<String> {
        let uri = self.uri();
        uri.scheme_str()?;
        Some(uri.to_string())
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
    fn headers(&self) -> &HeaderMap {
        self.headers()
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
    fn port(&self) -> Option<u16> {
        self.url().port_or_known_default()
    }
    fn url(&self) -> Option<String> {
        Some(self.url().as_str().to_owned())
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
    fn headers(&self) -> &HeaderMap {
        self.headers()
    }
}
