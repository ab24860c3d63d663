//! Server spans reach a real OTLP receiver over both transports, gRPC and HTTP/protobuf,
//! with the caller's trace continued, the semantic-convention attributes, the handler's
//! `#[instrument]` span nested under the server span, and error status on a 500.
//!
//! Multi-threaded runtimes: `force_flush` blocks the test thread while the exporter's I/O
//! runs on the workers.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use support::otlp::{ReceivedSpan, Receiver};
use tower_monitoring::{Monitoring, OtlpProtocol};
use tracing_subscriber::layer::SubscriberExt;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";

#[tracing::instrument]
async fn load_user(id: u64) -> String {
    format!("{{\"id\":{id}}}")
}

fn app(monitoring: &Monitoring) -> Router {
    Router::new()
        .route(
            "/users/{id}",
            get(|Path(id): Path<u64>| async move { load_user(id).await }),
        )
        .route(
            "/error",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "broken") }),
        )
        .merge(monitoring.routes())
        .layer(monitoring.layer())
}

async fn fetch(app: &Router, uri: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = Request::get(uri).header("user-agent", "otlp-test/1.0");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    support::send(app, request.body(Body::empty()).unwrap())
        .await
        .0
}

fn flush(monitoring: &Monitoring) {
    monitoring
        .tracer_provider()
        .expect("tracing is on")
        .force_flush()
        .expect("spans reach the receiver");
}

fn server_spans(spans: &[ReceivedSpan]) -> Vec<&ReceivedSpan> {
    spans
        .iter()
        .filter(|span| span.kind == "SPAN_KIND_SERVER")
        .collect()
}

/// Every assertion of the issue, over one transport.
async fn spans_reach_the_receiver(protocol: OtlpProtocol) {
    let receiver = Receiver::start().await;
    let endpoint = match protocol {
        OtlpProtocol::HttpProtobuf => receiver.http_endpoint(),
        _ => receiver.grpc_endpoint(),
    };
    let monitoring = Monitoring::builder()
        .service_name("orders")
        .otlp_endpoint(endpoint)
        .otlp_protocol(protocol)
        .build()
        .unwrap();
    let tracer = opentelemetry::trace::TracerProvider::tracer(
        monitoring.tracer_provider().unwrap(),
        "handler",
    );
    let _subscriber = tracing::subscriber::set_default(
        tracing_subscriber::registry().with(tower_monitoring::bridge_layer(tracer)),
    );
    let app = app(&monitoring);

    // A new trace: one server span, attributes per the semantic conventions, the handler's
    // span as its child, the resource's service name.
    assert_eq!(
        fetch(&app, "/users/42?token=secret", &[]).await,
        StatusCode::OK
    );
    flush(&monitoring);
    let spans = receiver.received.spans();
    let servers = server_spans(&spans);
    assert_eq!(servers.len(), 1, "{spans:#?}");
    let server = servers[0];
    assert_eq!(server.name, "GET /users/{id}");
    assert_eq!(server.parent_span_id, "", "a new trace has no parent");
    assert_eq!(server.status, "STATUS_CODE_UNSET");
    for (key, value) in [
        ("http.request.method", "GET"),
        ("http.route", "/users/{id}"),
        ("url.path", "/users/42"),
        ("url.scheme", "http"),
        ("http.response.status_code", "200"),
        ("network.protocol.version", "1.1"),
        ("user_agent.original", "otlp-test/1.0"),
    ] {
        assert_eq!(server.attr(key), Some(value), "{key} in {server:#?}");
    }
    assert_eq!(
        server.attr("url.query"),
        Some("token=REDACTED"),
        "query strings are recorded, credentials redacted"
    );
    assert_eq!(
        server.resource.get("service.name").map(String::as_str),
        Some("orders")
    );
    let handler = spans
        .iter()
        .find(|span| span.name == "load_user")
        .unwrap_or_else(|| panic!("no handler span in {spans:#?}"));
    assert_eq!(handler.trace_id, server.trace_id);
    assert_eq!(handler.parent_span_id, server.span_id);
    receiver.received.clear();

    // The caller's trace continues: same trace id, the caller's span as parent.
    let traceparent = format!("00-{TRACE_ID}-{PARENT_ID}-01");
    fetch(&app, "/users/7", &[("traceparent", &traceparent)]).await;
    flush(&monitoring);
    let spans = receiver.received.spans();
    let server = server_spans(&spans)[0].clone();
    assert_eq!(server.trace_id, TRACE_ID);
    assert_eq!(server.parent_span_id, PARENT_ID);
    let handler = spans.iter().find(|span| span.name == "load_user").unwrap();
    assert_eq!(
        (handler.trace_id.as_str(), handler.parent_span_id.as_str()),
        (TRACE_ID, server.span_id.as_str())
    );
    receiver.received.clear();

    // A caller that did not sample: parent-based sampling records nothing, handler included.
    let unsampled = format!("00-{TRACE_ID}-{PARENT_ID}-00");
    fetch(&app, "/users/8", &[("traceparent", &unsampled)]).await;
    flush(&monitoring);
    assert!(
        receiver.received.spans().is_empty(),
        "{:#?}",
        receiver.received.spans()
    );

    // A malformed traceparent is not an error: the request is served, in a new trace.
    for malformed in [
        "garbage",
        "00-zzzz-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    ] {
        assert_eq!(
            fetch(&app, "/users/9", &[("traceparent", malformed)]).await,
            StatusCode::OK
        );
    }
    flush(&monitoring);
    let spans = receiver.received.spans();
    let servers = server_spans(&spans);
    assert_eq!(servers.len(), 3, "{spans:#?}");
    for server in servers {
        assert_eq!(
            server.parent_span_id,
            "",
            "{malformed:?}",
            malformed = server
        );
        assert_ne!(server.trace_id, TRACE_ID);
    }
    receiver.received.clear();

    // A 500 marks the span as failed, with error.type; excluded paths make no span.
    assert_eq!(
        fetch(&app, "/error", &[]).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(fetch(&app, "/metrics", &[]).await, StatusCode::OK);
    flush(&monitoring);
    let spans = receiver.received.spans();
    assert_eq!(spans.len(), 1, "only /error has a span: {spans:#?}");
    assert_eq!(spans[0].name, "GET /error");
    assert_eq!(spans[0].status, "STATUS_CODE_ERROR");
    assert_eq!(spans[0].attr("error.type"), Some("500"));
    assert_eq!(spans[0].attr("http.response.status_code"), Some("500"));

    monitoring.shutdown().await.unwrap();
    receiver.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_grpc() {
    spans_reach_the_receiver(OtlpProtocol::Grpc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_protobuf() {
    spans_reach_the_receiver(OtlpProtocol::HttpProtobuf).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_handle_flushes_what_is_buffered() {
    let receiver = Receiver::start().await;
    let monitoring = Monitoring::builder()
        .service_name("dropped")
        .otlp_endpoint(receiver.grpc_endpoint())
        .build()
        .unwrap();
    let app = app(&monitoring);
    // A route without `#[instrument]` spans: this test sets no subscriber, and tracing's
    // callsite interest is process-wide, shared with the tests that do.
    assert_eq!(
        fetch(&app, "/error", &[]).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    // No shutdown, no flush: the span sits in the batch queue until the handle goes.
    assert!(receiver.received.spans().is_empty());
    drop(app);
    drop(monitoring);
    let spans = receiver.received.spans();
    assert_eq!(server_spans(&spans).len(), 1, "{spans:#?}");
}
