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
