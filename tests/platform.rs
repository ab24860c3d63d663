//! Calls to a third-party platform through `PlatformLayer` around `reqwest::Client`: the
//! platform (a real HTTP server on loopback) receives the `traceparent` of the client span,
//! which is a child of the request's server span; metrics carry platform, endpoint, status
//! and the inbound route; 429, timeouts and connection errors are told apart. Its own test
//! binary: it installs the globals.

mod support;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::{get, post};
use opentelemetry_sdk::trace::InMemorySpanExporter;
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_monitoring::dependency::{PlatformLayer, PlatformService};
use tower_monitoring::{Failure, Monitoring, MonitoringLayer};

type Client = PlatformService<reqwest::Client>;

/// The fake platform: records the traceparent it receives.
async fn platform() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = Router::new()
        .route(
            "/api/tickets",
            post(move |headers: HeaderMap| async move {
                let traceparent = headers
                    .get("traceparent")
                    .map(|value| value.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                record.lock().unwrap().push(traceparent);
                StatusCode::CREATED
            }),
        )
        .route(
            "/api/limited",
            get(|| async { StatusCode::TOO_MANY_REQUESTS }),
        )
        .route(
            "/api/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn platform_client() -> Client {
    let reqwest = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    ServiceBuilder::new()
        .layer(
            PlatformLayer::new("helpdesk").endpoint(|_, path| match path {
                "/api/tickets" => "tickets.create",
                _ => "other",
            }),
        )
        .service(reqwest)
}

async fn call(
    client: &Client,
    method: reqwest::Method,
    url: &str,
) -> Result<StatusCode, reqwest::Error> {
    let request = reqwest::Request::new(method, url.parse().unwrap());
    let mut client = client.clone();
    let response = client.ready().await?.call(request).await?;
    Ok(response.status())
}

fn sample(text: &str, labels: &[&str]) -> Option<f64> {
    support::prometheus::sample(text, "http_client_request_duration_seconds_count", labels)
}

/// The pipelines every test of this binary records into, installed once (calls outside a
/// layer's handle record through the globals); each test calls a platform of its own.
fn installed() -> &'static (Monitoring, InMemorySpanExporter) {
    static INSTALLED: OnceLock<(Monitoring, InMemorySpanExporter)> = OnceLock::new();
    INSTALLED.get_or_init(|| support::traced_installed("orders"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_under_a_request_is_measured_traced_and_propagated() {
    let (monitoring, exporter) = installed();
    let (platform_url, seen) = platform().await;

    let tickets = format!("{platform_url}/api/tickets?access_token=s3cret&queue=1");
    let app = Router::new()
        .route(
            "/orders/{id}",
            post(move || {
                let client = platform_client();
                let tickets = tickets.clone();
                async move {
                    call(&client, reqwest::Method::POST, &tickets)
                        .await
                        .unwrap()
                }
            }),
        )
        .layer(MonitoringLayer::new());
    let (status, _) = support::send(
        &app,
        Request::post("/orders/7").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // The platform saw the client span's context, in the request's trace.
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let server = spans
        .iter()
        .find(|span| span.name == "POST /orders/{id}")
        .unwrap();
    let client_span = spans
        .iter()
        .find(|span| span.name == "POST tickets.create")
        .unwrap_or_else(|| panic!("{spans:#?}"));
    assert_eq!(client_span.parent_span_id, server.span_context.span_id());
    let attribute = |key: &str| {
        client_span
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.to_string())
    };
    let port = platform_url.rsplit(':').next().unwrap().to_owned();
    assert_eq!(attribute("server.port"), Some(port.clone()));
    assert_eq!(
        attribute("url.full"),
        Some(format!(
            "{platform_url}/api/tickets?access_token=REDACTED&queue=1"
        )),
        "the URL, its credentials redacted"
    );
    let traceparent = seen.lock().unwrap()[0].clone();
    assert_eq!(
        traceparent,
        format!(
            "00-{}-{}-01",
            server.span_context.trace_id(),
            client_span.span_context.span_id()
        )
    );
    let text = monitoring.render_prometheus();
    let created = [
        "platform_name=\"helpdesk\"",
        "platform_endpoint=\"tickets.create\"",
        "http_request_method=\"POST\"",
        "http_response_status_code=\"201\"",
        "http_route=\"/orders/{id}\"",
        "server_address=\"127.0.0.1\"",
        &format!("server_port=\"{port}\""),
    ];
    assert_eq!(sample(&text, &created), Some(1.0), "{text}");
}

/// 429, a timeout, a refused connection and a caller that gives up each get their own
/// `error.type`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_way_a_call_fails_gets_its_own_error_type() {
    let (monitoring, _) = installed();
    let (platform_url, _) = platform().await;
    let client = platform_client();
    assert_eq!(
        call(
            &client,
            reqwest::Method::GET,
            &format!("{platform_url}/api/limited")
        )
        .await
        .unwrap(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let slow = call(
        &client,
        reqwest::Method::GET,
        &format!("{platform_url}/api/slow"),
    )
    .await;
    assert!(slow.unwrap_err().is_timeout());
    // The caller gives up first: the call is cancelled, not timed out.
    let slow_url = format!("{platform_url}/api/slow");
    let given_up = tokio::time::timeout(
        Duration::from_millis(50),
        call(&client, reqwest::Method::GET, &slow_url),
    )
    .await;
    assert!(given_up.is_err());
    let refused = format!("http://{}/api/tickets", support::otlp::free_port());
    assert!(
        call(&client, reqwest::Method::POST, &refused)
            .await
            .is_err()
    );

    let text = monitoring.render_prometheus();
    assert_eq!(
        sample(
            &text,
            &["error_type=\"429\"", "http_response_status_code=\"429\""]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &["error_type=\"timeout\""]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &["error_type=\"connection\""]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &["error_type=\"cancelled\""]),
        Some(1.0),
        "{text}"
    );
}

/// A platform whose 429 is expected (a rate limit the caller retries) is told so by its
/// classifier: only a 5xx fails there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_classifier_decides_which_statuses_fail() {
    let (monitoring, _) = installed();
    let (platform_url, _) = platform().await;
    let lenient: Client = ServiceBuilder::new()
        .layer(
            PlatformLayer::new("lenient").classify(|status: StatusCode, _: &HeaderMap| {
                status.is_server_error().then_some(Failure::Status)
            }),
        )
        .service(reqwest::Client::new());
    let limited = format!("{platform_url}/api/limited");
    assert_eq!(
        call(&lenient, reqwest::Method::GET, &limited)
            .await
            .unwrap(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let text = monitoring.render_prometheus();
    let line = text
        .lines()
        .find(|line| {
            line.starts_with("http_client_request_duration_seconds_count")
                && line.contains("platform_name=\"lenient\"")
        })
        .unwrap_or_else(|| panic!("{text}"));
    assert!(!line.contains("error_type"), "{line}");
    assert!(line.contains("http_response_status_code=\"429\""), "{line}");
}
