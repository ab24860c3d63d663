//! Every metric name, unit, bucket layout and attribute key the crate uses, in one place.
//!
//! Dashboards, alert rules and tests refer to metrics through these constants, so a rename
//! here cannot leave them behind. Names follow the OpenTelemetry semantic conventions; the
//! Prometheus exporter renders `http.server.request.duration` with unit `s` as
//! `http_server_request_duration_seconds`, and the [`prometheus`] sub-module spells those out.

/// Instrumentation scope of every instrument this crate creates.
pub const SCOPE: &str = "tower-monitoring";

/// Duration of inbound HTTP requests, from arrival to the end of the response body (histogram, seconds).
pub const HTTP_SERVER_REQUEST_DURATION: &str = "http.server.request.duration";
/// Inbound HTTP requests currently being served (up-down counter).
pub const HTTP_SERVER_ACTIVE_REQUESTS: &str = "http.server.active_requests";
/// Bytes of request body that streamed through the service (histogram, bytes); observed only
/// for requests that carry a body.
pub const HTTP_SERVER_REQUEST_BODY_SIZE: &str = "http.server.request.body.size";
/// Bytes of response body that streamed through the service (histogram, bytes); observed only
/// for responses that carry a body.
pub const HTTP_SERVER_RESPONSE_BODY_SIZE: &str = "http.server.response.body.size";

/// Unit of durations (UCUM seconds).
pub const UNIT_SECONDS: &str = "s";
/// Unit of sizes (UCUM bytes).
pub const UNIT_BYTES: &str = "By";
/// Unit of a count of things in flight.
pub const UNIT_REQUESTS: &str = "{request}";

/// Bucket bounds of `http.server.request.duration`: the semantic-convention advice.
pub const DURATION_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// Bucket bounds of the body-size histograms: powers of four from 64 B to 16 MiB, so bodies up
/// to 10 MiB land in a bucket of their own scale (the SDK default stops at 10 000).
pub const BODY_SIZE_BUCKETS: &[f64] = &[
    0.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
];

/// Attribute keys, as the semantic conventions spell them.
pub mod attr {
    /// HTTP method, normalised: anything outside the standard methods is `_OTHER`.
    pub const HTTP_REQUEST_METHOD: &str = "http.request.method";
    /// Route template (axum `MatchedPath`), absent when no route matched.
    pub const HTTP_ROUTE: &str = "http.route";
    /// Response status code, absent when the request ended before a response.
    pub const HTTP_RESPONSE_STATUS_CODE: &str = "http.response.status_code";
    /// `http` or `https`.
    pub const URL_SCHEME: &str = "url.scheme";
    /// `1.0`, `1.1`, `2`, `3`.
    pub const NETWORK_PROTOCOL_VERSION: &str = "network.protocol.version";
    /// Why the request failed: a 5xx status code, `cancelled`, `body_error` or `_OTHER`.
    pub const ERROR_TYPE: &str = "error.type";
    /// `service.name` resource attribute.
    pub const SERVICE_NAME: &str = "service.name";
}

/// Values of `error.type` the crate sets besides 5xx status codes.
pub mod error_type {
    /// The request future or the response body was dropped before the response ended
    /// (client disconnect, timeout).
    pub const CANCELLED: &str = "cancelled";
    /// The response body returned an error while streaming.
    pub const BODY_ERROR: &str = "body_error";
    /// The inner service returned an error instead of a response.
    pub const OTHER: &str = "_OTHER";
}

/// The names as the Prometheus exporter renders them (without a namespace prefix).
pub mod prometheus {
    /// `http.server.request.duration`.
    pub const HTTP_SERVER_REQUEST_DURATION: &str = "http_server_request_duration_seconds";
    /// `http.server.active_requests`.
    pub const HTTP_SERVER_ACTIVE_REQUESTS: &str = "http_server_active_requests";
    /// `http.server.request.body.size`.
    pub const HTTP_SERVER_REQUEST_BODY_SIZE: &str = "http_server_request_body_size_bytes";
    /// `http.server.response.body.size`.
    pub const HTTP_SERVER_RESPONSE_BODY_SIZE: &str = "http_server_response_body_size_bytes";
}
