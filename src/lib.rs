//! Production observability for axum and tower services, in two lines.
//!
//! # Architecture
//!
//! The crate is built in floors; each imports only the floors below it.
//!
//! ```text
//! monitoring/   Monitoring, MonitoringBuilder: compose the floors below    (top)
//! operations/   /health /ready /metrics/*: readiness, summary, alerts, tokens (feature)
//! http/         MonitoringLayer: inbound requests ──► dependency/  db, cache, platforms,
//!               (makes each request's scope current)              tools, jobs, pools
//! system/       process and machine figures
//! pipeline/     MeterProvider, TracerProvider, Prometheus reader, OTLP, logs, shutdown
//! trace/        trace context and trust, server tracer, span ends, install defaults
//! names, failure, classify, endpoints, alert_policy, method, panic_guard,
//! exemplars, query                                                        (ground)
//! ```
//!
//! At install time:
//!
//! ```text
//! MonitoringBuilder::install()
//!   ├─ pipeline::install        providers, OpenTelemetry globals, tracing subscriber
//!   ├─ trace::installed::set    the tracer and endpoint prefix MonitoringLayer::new() falls back to
//!   └─ Monitoring::assemble
//!        ├─ Dependencies        the handle dependency calls record through
//!        ├─ Operations::start   readiness checks, summary window, alert thread and webhook
//!        └─ SystemMetrics       the sysinfo refresh thread and its instruments
//! ```
//!
//! On a request, and on a scrape:
//!
//! ```text
//! MonitoringService::call (http/service.rs)
//!   ├─ RouteCache → RouteSeries    bound histograms of (route, method), found without a lock
//!   ├─ ServerSpan::start           caller's context read within the inbound trust
//!   ├─ request_scope::enter        route + Dependencies, moved in around every poll of the handler
//!   │     handler → dependency::db(..) → Dependencies::current() → metrics + child span
//!   └─ Recorder (future → body)    records once: duration, sizes, in-flight, error.type
//!                                  (the layer's Classify reads the head and trailers)
//!
//! GET /metrics          → pipeline::MetricsSource → Prometheus text
//! GET /metrics/summary  → operations::summary::Figures ← MetricsSource::collect() (SDK data)
//! ```
//!
//! # Quick start
//!
//! ```
//! use axum::{Router, routing::get};
//! use tower_monitoring::{ErrorKind, Monitoring};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let monitoring = Monitoring::builder().service_name("orders").install()?; // pipelines, once
//! let app: Router = Router::new()
//!     .route("/users/{id}", get(|| async { "user" }))
//!     .merge(monitoring.routes())        // GET /metrics
//!     .layer(monitoring.layer());        // HTTP metrics and a server span for every route
//! # use tower::ServiceExt;
//! # let request = axum::http::Request::get("/users/7").body(axum::body::Body::empty())?;
//! # let response = app.oneshot(request).await?;
//! # http_body_util::BodyExt::collect(response.into_body()).await?;
//! # assert!(monitoring.render_prometheus().contains(r#"http_route="/users/{id}""#));
//! match monitoring.shutdown().await {   // flush, within 5 s whatever the collector does
//!     // A slow or unreachable collector costs the last spans, not the exit code.
//!     Err(err) if matches!(err.kind(), ErrorKind::ExportTimeout | ErrorKind::Export) => {
//!         tracing::warn!(%err, "telemetry was not flushed")
//!     }
//!     other => other?,
//! }
//! # Ok(()) }
//! ```
//!
//! # An existing service
//!
//! `examples/existing_service.rs`, complete (with the `reqwest` feature): a route with a path
//! parameter, a database lookup through `#[monitor_db]`, a cache, a platform called with
//! reqwest through `PlatformLayer::send`, a two-step [`dependency::Workflow`],
//! a readiness check, a namespace, the scrape on port 9464 with the probes left on the
//! application's port ([`Endpoints`]), and the shutdown pattern above. Its `Cargo.toml` lines
//! and a walk through it are in the README ("Add it to your service").
//!
//!
#![cfg_attr(
    feature = "reqwest",
    doc = concat!("```no_run\n", include_str!("../examples/existing_service.rs"), "```\n")
)]
//!
//! [`Monitoring::builder`] builds an OpenTelemetry `MeterProvider` whose metrics a
//! Prometheus exporter renders on `GET /metrics` ([`Monitoring::routes`], or a listener of
//! their own with [`Monitoring::serve_metrics`]). [`Monitoring::layer`] records every request
//! into it, following the OpenTelemetry HTTP semantic conventions; [`MonitoringLayer::new`]
//! does the same through the globals `install()` set, for a layer built apart from its
//! `Monitoring`.
//!
//! When an OTLP endpoint is configured ([`MonitoringBuilder::otlp_endpoint`] or
//! `OTEL_EXPORTER_OTLP_ENDPOINT`), it also builds a `TracerProvider` exporting over OTLP
//! (gRPC or HTTP/protobuf), and [`MonitoringLayer`] gives every request a server span that
//! continues the caller's W3C trace context; `#[tracing::instrument]` spans of the handlers
//! nest under it through the tracing-opentelemetry bridge of the `tracing` subscriber that
//! `install()` sets up. Log lines are text, or JSON with `trace_id` and `span_id`
//! (`LOG_FORMAT=json`, [`JsonFormat`]). Every setting also reads its standard `OTEL_*`
//! variable; see [`MonitoringBuilder`].
//!
//! Inside handlers, [`dependency`] measures and traces what the service depends on: database
//! and cache calls (`dependency::db`, `#[monitor_db]`, `dependency::cache`,
//! `#[monitor_cache]`), third-party platforms behind an HTTP client
//! ([`dependency::PlatformLayer`]), any client tower service ([`dependency::ClientLayer`]),
//! tool executions, workflow steps, background jobs and connection pools. Each records its
//! metrics with the `http.route` of the request it ran under, and a span under the request's,
//! into the pipelines of that request's layer ([`dependency::Dependencies`]).
//!
//! For operators without Grafana, [`Monitoring::routes`] also serves `/health`, `/ready`,
//! and JSON on `/metrics/summary`, `/metrics/report` and `/metrics/dashboard`, including the
//! in-process [`alerting`].
//!
//! # Metrics
//!
//! | OpenTelemetry name | Prometheus name | type | attributes |
//! |---|---|---|---|
//! | `http.server.request.duration` | `http_server_request_duration_seconds` | histogram (s) | method, route, status, scheme, protocol version, `error.type` |
//! | `http.server.active_requests` | `http_server_active_requests` | gauge | method, scheme |
//! | `http.server.request.body.size` | `http_server_request_body_size_bytes` | histogram (bytes) | as duration |
//! | `http.server.response.body.size` | `http_server_response_body_size_bytes` | histogram (bytes) | as duration |
//!
//! Attribute keys are `http.request.method` (unknown methods become `_OTHER`),
//! `http.route` (the route template, never the raw path; absent when no route matched),
//! `http.response.status_code`, `url.scheme`, `network.protocol.version` and `error.type`
//! (the status code of a 5xx, `cancelled` for a request dropped before its response ended,
//! `body_error`, or `_OTHER` for an error from the inner service). Every `error.type` but
//! `cancelled` is a failure ([`failure`]: one definition for the rules, dashboards, summary
//! and alerts). The names live in [`names`]; a [namespace](MonitoringBuilder::namespace)
//! prefixes the Prometheus names.
//!
//! Duration runs from the moment the layer sees the request to the end of the response
//! body, so a streamed response is one observation of its whole length. Body sizes are the
//! bytes that streamed, not `Content-Length`, observed only for requests and responses that
//! carry a body (count requests with the duration histogram).
//!
//! With tracing on, every duration histogram keeps exemplars: per series and bucket, the
//! trace of a recent sampled request, shown on `/metrics` to a scraper that asks for
//! OpenMetrics ([`Monitoring::render_open_metrics`]; [`MonitoringBuilder::exemplars`]).
//!
//! # Cardinality
//!
//! Every label value comes from a closed set or from the application's route templates:
//! 10 methods, 2 schemes, a handful of protocol versions, status codes, and routes. Requests
//! that match no route share one series, so a scanner cannot add series. Nothing is taken
//! from client-controlled headers (`Host`, `X-Forwarded-*`) for metrics unless the
//! application asks ([`MonitoringLayer::with_attribute`],
//! [`MonitoringLayer::record_server_address`]), and then folded: values outside a closed set
//! or past a cap are `_OTHER`, as are [operation names](OperationName). Each instrument keeps
//! at most [`DEFAULT_CARDINALITY_LIMIT`] series ([`MonitoringBuilder::cardinality_limit`]);
//! past it new label sets fold into one overflow series, named in a warning and counted in
//! `monitoring.metric.overflow`.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `axum` | yes | `MatchedPath` route labels, counting of `axum::body::Body` request bodies, [`shutdown_signal`] |
//! | `prometheus` | yes | the Prometheus exporter, [`Monitoring::render_prometheus`] |
//! | `operations` | yes | the operator endpoints ([`Monitoring::routes`]), the summary, the in-process [`alerting`], bearer tokens |
//! | `subscriber` | yes | the `tracing` subscriber, [`JsonFormat`], [`tracing_layer`] for a subscriber of your own |
//! | `otlp` | yes | the OTLP exporters over gRPC: spans, [`MonitoringBuilder::otlp_endpoint`], and metrics when pushed, [`MonitoringBuilder::metrics_export`] |
//! | `macros` | yes | `#[monitor_db]` and `#[monitor_cache]` |
//! | `system` | yes | process, system and tokio runtime metrics, see [`system`] |
//! | `otlp-http` | no | OTLP over HTTP/protobuf too |
//! | `tls` | no | `https://` OTLP endpoints and webhooks (rustls, aws-lc-rs), [`MonitoringBuilder::otlp_certificate`] |
//! | `tls-webpki-roots` | no | Mozilla's roots compiled in, beside the system's |
//! | `reqwest` | no | `PlatformLayer::send` and `reqwest::Client` under [`dependency::PlatformLayer`] (reqwest 0.13), the alert webhook |
//! | `profiling` | no | `GET /debug/pprof/profile`: CPU profiles (pprof-rs) for the admin token |
//! | `profiling-heap` | no | `GET /debug/pprof/heap` for a service on jemalloc ([`Jemalloc`]) |
//! | `certificates` | no | [`CertificateWatch`]: seconds until served certificates expire |
//! | `artifacts` | no | the generator of the dashboards and rules (module `artifacts`) |
//! | `testing` | no | hooks for tests and benches: `Monitoring::evaluate_alerts_at`, `system::SystemSampler` |
//!
//! `GET /metrics` needs `operations` and `prometheus`; the JSON summary and the alerts work
//! without `prometheus`, reading the SDK through a reader of their own.
//!
//! # Versions
//!
//! Built on axum 0.8, tower 0.5 and OpenTelemetry 0.33, re-exported as [`opentelemetry`]
//! and [`opentelemetry_sdk`]: depend on them through these re-exports, since instruments
//! from a second copy of `opentelemetry` silently record nowhere. Minimum Rust: 1.85.

pub mod names;

mod alert_policy;

#[cfg(feature = "artifacts")]
pub mod artifacts;
#[cfg(feature = "certificates")]
mod certificates;
pub mod classify;
pub mod dependency;
mod endpoints;
mod error;
mod exemplars;
pub mod failure;
#[cfg(feature = "grpc")]
mod grpc;
mod http;
mod method;
mod monitoring;
#[cfg(feature = "operations")]
mod operations;
mod panic_guard;
mod pipeline;
mod query;
mod setters;
#[cfg(feature = "axum")]
mod signal;
#[cfg(feature = "system")]
pub mod system;
mod trace;

pub use alert_policy::AlertPolicy;
#[cfg(feature = "certificates")]
pub use certificates::{CertificateWatch, DEFAULT_CERTIFICATE_REFRESH_INTERVAL};
pub use classify::{Classify, Failure};
pub use endpoints::{DEFAULT_EXCLUDED_PATHS, Endpoints};
pub use error::{Error, ErrorKind};
#[cfg(feature = "grpc")]
pub use grpc::{
    GrpcBody, GrpcClientErrors, GrpcClientLayer, GrpcFuture, GrpcLayer, GrpcServerErrors,
    GrpcService,
};
#[cfg(feature = "axum")]
pub use http::{ConnectionListener, CountedIo};
pub use http::{
    CustomAttribute, MonitoringLayer, MonitoringService, OperationName, RequestHead, ResponseBody,
    ResponseFuture, RouteTemplate, UpgradeGuard, UrlScheme,
};
pub use monitoring::{Monitoring, MonitoringBuilder};
#[cfg(feature = "operations")]
pub use operations::settings::{
    DEFAULT_ALERT_INTERVAL, DEFAULT_READINESS_CACHE, DEFAULT_READINESS_TIMEOUT,
    DEFAULT_SUMMARY_WINDOW,
};
#[cfg(feature = "operations")]
pub use operations::{MetricsServer, alerting, summary};
pub use pipeline::MetricsExport;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
pub use pipeline::OtlpProtocol;
pub use pipeline::{DEFAULT_CARDINALITY_LIMIT, DEFAULT_SHUTDOWN_TIMEOUT};
#[cfg(feature = "subscriber")]
pub use pipeline::{JsonFormat, LogFormat, bridge_layer, tracing_layer};
#[cfg(feature = "axum")]
pub use signal::shutdown_signal;
/// jemalloc, built with its heap profiler (feature `profiling-heap`): declare it as the
/// application's `#[global_allocator]` and start with
/// `_RJEM_MALLOC_CONF=prof:true,prof_active:true` for `GET /debug/pprof/heap` to answer.
#[cfg(feature = "profiling-heap")]
pub use tikv_jemallocator::Jemalloc;
pub use trace::{DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT, TraceContextTrust};

/// The OpenTelemetry API crate this crate is built on; depend on it through this re-export
/// so that your instruments and ours share one global provider.
pub use opentelemetry;
/// The OpenTelemetry SDK crate this crate is built on.
pub use opentelemetry_sdk;

fn scope() -> opentelemetry::InstrumentationScope {
    opentelemetry::InstrumentationScope::builder(names::SCOPE)
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(names::SCHEMA_URL)
        .build()
}
