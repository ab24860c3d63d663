//! `Monitoring::builder()`: resource, namespace, independent instances, the separate
//! metrics listener.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower_monitoring::{Endpoints, ErrorKind, Monitoring, MonitoringLayer};

async fn hit(router: &Router, uri: &str) {
    support::send(router, Request::get(uri).body(Body::empty()).unwrap()).await;
}

fn app(layer: MonitoringLayer) -> Router {
    Router::new()
        .route("/a", get(|| async { "a" }))
        .route("/b", get(|| async { "b" }))
        .layer(layer)
}

#[tokio::test]
async fn service_name_reaches_the_target_info_series() {
    let monitoring = Monitoring::builder()
        .service_name("orders")
        .service_version("1.2.3")
        .build()
        .unwrap();
    let text = monitoring.render_prometheus();
    let target_info = text
        .lines()
        .find(|line| line.starts_with("target_info{"))
        .unwrap_or_else(|| panic!("no target_info in\n{text}"));
    for expected in [
        "service_name=\"orders\"",
        "service_version=\"1.2.3\"",
        "service_instance_id=\"",
    ] {
        assert!(
            target_info.contains(expected),
            "{expected} in {target_info}"
        );
    }
}

#[tokio::test]
async fn a_namespace_prefixes_every_metric_name() {
    let monitoring = Monitoring::builder().namespace("orders").build().unwrap();
    hit(&app(monitoring.layer()), "/a").await;
    let text = monitoring.render_prometheus();
    assert!(
        text.contains("\norders_http_server_request_duration_seconds_count{"),
        "{text}"
    );
    assert!(
        !text.contains("\nhttp_server_request_duration_seconds_count{"),
        "{text}"
    );
    support::prometheus::promtool_accepts(&text);
}

#[tokio::test]
async fn an_invalid_namespace_is_a_clear_error() {
    let err = Monitoring::builder()
        .namespace("my-service")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid monitoring configuration: metric namespace \"my-service\" must match [a-zA-Z_][a-zA-Z0-9_]*"
    );
}

#[tokio::test]
async fn two_instances_in_one_process_do_not_see_each_other() {
    let first = Monitoring::builder().service_name("first").build().unwrap();
    let second = Monitoring::builder()
        .service_name("second")
        .build()
        .unwrap();
    hit(&app(first.layer()), "/a").await;
    hit(&app(second.layer()), "/b").await;
    hit(&app(second.layer()), "/b").await;

    let first_text = first.render_prometheus();
    let second_text = second.render_prometheus();
    assert!(first_text.contains("http_route=\"/a\"") && !first_text.contains("http_route=\"/b\""));
    assert!(
        second_text.contains("http_route=\"/b\"") && !second_text.contains("http_route=\"/a\"")
    );
    assert!(
        first_text.contains("service_name=\"first\"")
            && second_text.contains("service_name=\"second\"")
    );
}

/// The status line of `GET path` on `addr`, over a real socket.
async fn status_of(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn metrics_move_to_a_listener_of_their_own_and_the_probes_stay() {
    let monitoring = Monitoring::builder().build().unwrap();
    hit(&app(monitoring.layer()), "/a").await;
    let server = monitoring.serve_metrics("127.0.0.1:0").await.unwrap();

    let scrape = status_of(server.local_addr(), "/metrics").await;
    assert!(scrape.starts_with("HTTP/1.1 200 OK"), "{scrape}");
    assert!(scrape.contains("http_route=\"/a\""), "{scrape}");
    for view in ["/metrics/summary", "/metrics/report", "/metrics/dashboard"] {
        let response = status_of(server.local_addr(), view).await;
        assert!(
            response.starts_with("HTTP/1.1 200 OK"),
            "{view}: {response}"
        );
    }
    for probe in ["/health", "/ready"] {
        let response = status_of(server.local_addr(), probe).await;
        assert!(response.starts_with("HTTP/1.1 404"), "{probe}: {response}");
    }
    server.shutdown();

    // The application's router keeps the probes and nothing else of ours.
    let app: Router = Router::new().merge(monitoring.routes_for(Endpoints::PROBES));
    let (health, _) =
        support::send(&app, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(health, 200);
    let (metrics, _) =
        support::send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(metrics, 404);
}

#[tokio::test]
async fn binding_a_busy_address_is_an_io_error_naming_the_address() {
    let monitoring = Monitoring::builder().build().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let err = monitoring.serve_metrics(addr).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.to_string()
            .starts_with(&format!("cannot bind the metrics listener to {addr:?}: ")),
        "{err}"
    );
}
