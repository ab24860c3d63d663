//! Server-span behaviour that needs no network: cancellation, query strings, a layer with
//! tracing switched off, and an `_OTHER` method. Spans go to an in-memory exporter.

use crate::support;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use axum::routing::{any, get};
use opentelemetry::trace::Status;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SpanData};
use tower::ServiceExt;
use tower_monitoring::Monitoring;

fn traced() -> (Monitoring, InMemorySpanExporter) {
    support::traced("spans")
}

fn finished(monitoring: &Monitoring, exporter: &InMemorySpanExporter) -> Vec<SpanData> {
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    exporter.get_finished_spans().unwrap()
}

fn attr(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.to_string())
}

#[tokio::test]
async fn a_cancelled_request_ends_its_span_as_an_error() {
    let (monitoring, exporter) = traced();
    let app = Router::new()
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                "never"
            }),
        )
        .layer(monitoring.layer());
    let request = Request::get("/slow").body(Body::empty()).unwrap();
    let mut call = Box::pin(app.oneshot(request));
    // One poll reaches the handler, which parks; dropping the future is the disconnect.
    assert!(futures_poll_once(&mut call).await);
    drop(call);

    let spans = finished(&monitoring, &exporter);
    assert_eq!(spans.len(), 1, "{spans:#?}");
    assert_eq!(spans[0].name, "GET /slow");
    assert_eq!(attr(&spans[0], "error.type").as_deref(), Some("cancelled"));
    assert_eq!(attr(&spans[0], "http.response.status_code"), None);
    assert!(
        matches!(spans[0].status, Status::Error { .. }),
        "{:?}",
        spans[0].status
    );
}

/// Polls `future` once; `true` when it is still pending.
async fn futures_poll_once<F: std::future::Future + Unpin>(future: &mut F) -> bool {
    std::future::poll_fn(|cx| {
        std::task::Poll::Ready(std::pin::Pin::new(&mut *future).poll(cx).is_pending())
    })
    .await
}

#[tokio::test]
async fn query_strings_are_recorded_redacted_unless_left_out() {
    let (monitoring, exporter) = traced();
    let route = || Router::new().route("/search", get(|| async { "found" }));
    let uri = "/search?q=rust&access_token=abc123&%74oken=xyz&page=2";

    let default = route().layer(monitoring.layer());
    support::send(&default, Request::get(uri).body(Body::empty()).unwrap()).await;
    let without = route().layer(monitoring.layer().record_url_query(false));
    support::send(&without, Request::get(uri).body(Body::empty()).unwrap()).await;

    let spans = finished(&monitoring, &exporter);
    assert_eq!(spans.len(), 2);
    assert_eq!(
        attr(&spans[0], "url.query").as_deref(),
        Some("q=rust&access_token=REDACTED&%74oken=REDACTED&page=2")
    );
    assert_eq!(attr(&spans[0], "url.path").as_deref(), Some("/search"));
    assert_eq!(attr(&spans[1], "url.query"), None);
}

#[tokio::test]
async fn spans_name_the_server_addressed_and_the_socket_peer_and_keep_the_status_bare() {
    let (monitoring, exporter) = traced();
    let app = Router::new()
        .route(
            "/fail",
            get(|| async { axum::http::StatusCode::BAD_GATEWAY }),
        )
        .layer(monitoring.layer());
    let peer: std::net::SocketAddr = "192.0.2.7:51000".parse().unwrap();
    let mut request = Request::get("/fail")
        .header("host", "orders.example:8443")
        .body(Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    support::send(&app, request).await;

    let spans = finished(&monitoring, &exporter);
    let span = &spans[0];
    assert_eq!(
        attr(span, "server.address").as_deref(),
        Some("orders.example")
    );
    assert_eq!(attr(span, "server.port").as_deref(), Some("8443"));
    assert_eq!(
        attr(span, "network.peer.address").as_deref(),
        Some("192.0.2.7")
    );
    assert_eq!(attr(span, "network.peer.port").as_deref(), Some("51000"));
    assert_eq!(attr(span, "client.address").as_deref(), Some("192.0.2.7"));
    assert_eq!(attr(span, "error.type").as_deref(), Some("502"));
    // The code and error.type say it all: no description repeating them.
    assert_eq!(span.status, Status::error(""));
}

#[tokio::test]
async fn a_layer_without_traces_keeps_its_metrics() {
    let (monitoring, exporter) = traced();
    let app = Router::new()
        .route("/a", get(|| async { "a" }))
        .layer(monitoring.layer().traces(false));
    support::send(&app, Request::get("/a").body(Body::empty()).unwrap()).await;

    assert!(finished(&monitoring, &exporter).is_empty());
    let text = monitoring.render_prometheus();
    assert!(
        text.contains("http_server_request_duration_seconds_count{http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"/a\""),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_methods_name_the_span_http_and_keep_the_original() {
    let (monitoring, exporter) = traced();
    let app = Router::new()
        .route("/dav", any(|| async { "dav" }))
        .layer(monitoring.layer());
    let propfind = Method::from_bytes(b"PROPFIND").unwrap();
    let request = Request::builder()
        .method(propfind)
        .uri("/dav")
        .body(Body::empty())
        .unwrap();
    support::send(&app, request).await;

    let spans = finished(&monitoring, &exporter);
    assert_eq!(spans[0].name, "HTTP /dav");
    assert_eq!(
        attr(&spans[0], "http.request.method").as_deref(),
        Some("_OTHER")
    );
    assert_eq!(
        attr(&spans[0], "http.request.method_original").as_deref(),
        Some("PROPFIND")
    );
}
