//! Inbound HTTP metrics and server spans: [`MonitoringLayer`] and the types it wraps
//! requests in.
//!
//! Per request the layer records, following the OpenTelemetry HTTP semantic conventions:
//!
//! - `http.server.request.duration` (seconds), measured from the moment the layer sees the
//!   request to the end of the response body, so a streaming response is one observation of
//!   its whole length;
//! - `http.server.active_requests`, held by a guard that is released however the request
//!   ends (completion, error, dropped future, dropped body);
//! - `http.server.request.body.size` and `http.server.response.body.size`, the bytes that
//!   streamed through. The request body counts what the service had read by the time the
//!   response ended. Requests and responses without a body add no size observation. The
//!   inner service receives the request with its body type unchanged:
//!   `axum::body::Body` is counted as it streams; a body of another type is sized by its
//!   exact size hint (`Content-Length`) when it has one.
//!
//! A request whose future or response body is dropped before the end is still recorded, with
//! `error.type="cancelled"`; 5xx responses carry their status code as `error.type`, and a
//! handler that panics is a `500` whichever side of `CatchPanicLayer` the layer is on. A
//! response that cannot carry a body (a reply to `HEAD`, 1xx, 204, 304) is complete when its
//! head is produced (`recorder.rs`).
//!
//! When tracing is on, each request also gets one server span (`span.rs`) named
//! `"{method} {route}"`, continuing the caller's W3C trace context, with the HTTP semantic
//! convention attributes; it ends when the metrics are recorded, with status error for 5xx
//! and cancelled requests.
//!
//! The small functions on the per-request path are `#[inline]`: the layer's generic code is
//! compiled in the application's crate, where, without LTO, they would otherwise be calls
//! across crates.

mod body;
#[cfg(feature = "axum")]
mod connections;
mod custom;
mod exclusions;
mod fold;
mod future;
mod instruments;
mod labels;
mod layer;
mod operation;
mod recorder;
mod request_body;
mod route;
mod route_cache;
mod route_table;
mod series;
mod service;
mod shared;
mod span;
mod upgrade;

pub use body::ResponseBody;
#[cfg(feature = "axum")]
pub use connections::{ConnectionListener, CountedIo};
pub use custom::{CustomAttribute, RequestHead};
#[cfg(feature = "grpc")]
pub(crate) use fold::Fold;
pub use future::ResponseFuture;
pub use labels::UrlScheme;
pub use layer::MonitoringLayer;
pub use operation::OperationName;
pub use route::RouteTemplate;
pub use service::MonitoringService;
pub use upgrade::UpgradeGuard;
