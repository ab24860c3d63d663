//! Exposure is a decision: the operator views merged into the application's router without a
//! token, served on an address other than loopback, get one warning naming the guards.

use crate::support;

use axum::Router;
use tokio::net::TcpListener;
use tower_monitoring::{Endpoints, Monitoring};

fn monitoring(token: Option<&str>) -> Monitoring {
    let builder = Monitoring::builder()
        .service_name("exposure")
        .system_metrics(false);
    match token {
        Some(token) => builder.metrics_token(token),
        None => builder,
    }
    .build()
    .unwrap()
}

/// What starting a service logs: `endpoints` merged into its router, served on `host`.
async fn start(monitoring: &Monitoring, endpoints: Endpoints, host: &str) -> String {
    let logs = support::LogCapture::start();
    let _app: Router = Router::new().merge(monitoring.routes_for(endpoints));
    let listener = TcpListener::bind(format!("{host}:0")).await.unwrap();
    let _listener = monitoring.listener(listener);
    logs.text()
}

#[tokio::test]
async fn unguarded_views_on_a_public_address_warn_once_naming_the_guards() {
    let open = monitoring(None);
    let logs = start(&open, Endpoints::ALL, "0.0.0.0").await;
    assert_eq!(logs.matches("WARN").count(), 1, "{logs}");
    for named in [
        "/metrics/summary",
        "MONITORING_METRICS_TOKEN",
        "serve_metrics",
        "Endpoints::PROBES",
    ] {
        assert!(logs.contains(named), "{named} in {logs}");
    }
    // A second listener does not repeat it.
    let again = start(&open, Endpoints::ALL, "0.0.0.0").await;
    assert!(!again.contains("WARN"), "{again}");
}

#[tokio::test]
async fn loopback_a_token_or_probes_alone_are_quiet() {
    let cases = [
        (monitoring(None), Endpoints::ALL, "127.0.0.1"),
        (monitoring(Some("S3CRET")), Endpoints::ALL, "0.0.0.0"),
        (monitoring(None), Endpoints::PROBES, "0.0.0.0"),
        (
            monitoring(None),
            Endpoints::PROBES | Endpoints::SCRAPE,
            "0.0.0.0",
        ),
    ];
    for (monitoring, endpoints, host) in cases {
        let logs = start(&monitoring, endpoints, host).await;
        assert!(!logs.contains("WARN"), "{endpoints:?} on {host}: {logs}");
    }
}

async fn summary_for_host(app: &Router, host: &str) -> String {
    let logs = support::LogCapture::start();
    let request = axum::http::Request::get("/metrics/summary")
        .header("host", host)
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _) = support::send(app, request).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    logs.text()
}

#[tokio::test]
async fn served_by_plain_axum_a_view_asked_for_a_public_host_warns_once() {
    let monitoring = monitoring(None);
    let app: Router = Router::new().merge(monitoring.routes());
    for host in ["localhost:3000", "127.0.0.1:3000", "[::1]:3000"] {
        let logs = summary_for_host(&app, host).await;
        assert!(!logs.contains("WARN"), "{host}: {logs}");
    }
    let logs = summary_for_host(&app, "api.example.com").await;
    assert_eq!(logs.matches("WARN").count(), 1, "{logs}");
    assert!(logs.contains("MONITORING_METRICS_TOKEN"), "{logs}");
    assert!(
        !logs.contains("api.example.com"),
        "the client's Host is never logged: {logs}"
    );
    let again = summary_for_host(&app, "api.example.com").await;
    assert!(!again.contains("WARN"), "{again}");
}

#[tokio::test]
async fn the_metrics_port_and_a_token_keep_views_quiet_whatever_the_host() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let open = monitoring(None);
    let logs = support::LogCapture::start();
    let server = open.serve_metrics("127.0.0.1:0").await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    stream
        .write_all(b"GET /metrics/summary HTTP/1.1\r\nHost: metrics.internal:9464\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(!logs.text().contains("WARN"), "{}", logs.text());
    drop(logs);
    server.shutdown();

    let guarded = monitoring(Some("S3CRET"));
    let app: Router = Router::new().merge(guarded.routes());
    let logs = support::LogCapture::start();
    let request = axum::http::Request::get("/metrics/summary")
        .header("host", "api.example.com")
        .header("authorization", "Bearer S3CRET")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(
        support::send(&app, request).await.0,
        axum::http::StatusCode::OK
    );
    assert!(!logs.text().contains("WARN"), "{}", logs.text());
}
