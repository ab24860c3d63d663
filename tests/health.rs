//! `GET /health` answers while the process serves; `GET /ready` runs the readiness checks
//! together, each within its timeout, and names the failing ones. Time is tokio's paused
//! clock: the hung check times out without the test waiting.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower_monitoring::Monitoring;

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, body) = support::send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    let json = serde_json::from_slice(&body).unwrap_or_else(|err| panic!("{err}: {body:?}"));
    (status, json)
}

#[tokio::test(start_paused = true)]
async fn readiness_fails_and_recovers_with_its_checks() {
    let monitoring = Monitoring::builder()
        .service_name("health")
        .system_metrics(false)
        .readiness_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let app: Router = monitoring.routes();

    // No checks: ready.
    assert_eq!(
        get(&app, "/health").await,
        (StatusCode::OK, serde_json::json!({"status": "ok"}))
    );
    assert_eq!(get(&app, "/ready").await.0, StatusCode::OK);

    let platform_up = Arc::new(AtomicBool::new(true));
    let platform = platform_up.clone();
    monitoring.add_readiness_check("database", || async { Ok::<_, std::io::Error>(()) });
    monitoring.add_readiness_check("platform", move || {
        let up = platform.load(Ordering::SeqCst);
        async move {
            if up {
                Ok(())
            } else {
                Err("connection refused")
            }
        }
    });
    let (status, body) = get(&app, "/ready").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"]["status"], "ok");
    assert_eq!(body["checks"]["platform"]["status"], "ok");

    // The platform goes down: 503, naming it and why.
    platform_up.store(false, Ordering::SeqCst);
    let (status, body) = get(&app, "/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["failing"], serde_json::json!(["platform"]));
    assert_eq!(body["checks"]["platform"]["error"], "connection refused");
    assert_eq!(body["checks"]["database"]["status"], "ok");

    // It comes back: ready again. Liveness never changed.
    platform_up.store(true, Ordering::SeqCst);
    assert_eq!(get(&app, "/ready").await.0, StatusCode::OK);
    assert_eq!(get(&app, "/health").await.0, StatusCode::OK);

    // A check that hangs fails at the timeout; one that panics fails without taking the
    // endpoint down.
    monitoring.add_readiness_check("cache", || async {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok::<_, std::io::Error>(())
    });
    monitoring.add_readiness_check("queue", || async {
        if true {
            panic!("probe bug");
        }
        Ok::<_, std::io::Error>(())
    });
    let (status, body) = get(&app, "/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["failing"], serde_json::json!(["cache", "queue"]));
    assert_eq!(body["checks"]["cache"]["error"], "timed out after 2s");
    assert_eq!(body["checks"]["queue"]["error"], "the check panicked");
}

#[tokio::test]
async fn probes_are_not_recorded_and_make_no_span() {
    let (monitoring, exporter) = support::traced("probes");
    let app = Router::new()
        .merge(monitoring.routes())
        .layer(monitoring.layer());
    for path in ["/health", "/ready", "/metrics"] {
        support::send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
    }
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    assert!(exporter.get_finished_spans().unwrap().is_empty());
    assert!(
        !monitoring
            .render_prometheus()
            .contains("http_server_request_duration_seconds_count")
    );
}

#[tokio::test]
async fn a_prefix_moves_every_monitoring_route_and_its_exclusion() {
    let monitoring = Monitoring::builder()
        .service_name("prefixed")
        .system_metrics(false)
        .endpoint_prefix("/api/v1")
        .build()
        .unwrap();
    let app = Router::new()
        .route("/work", axum::routing::get(|| async { "done" }))
        .merge(monitoring.routes())
        .layer(monitoring.layer());
    for path in [
        "/api/v1/metrics",
        "/api/v1/health",
        "/api/v1/ready",
        "/api/v1/metrics/summary",
        "/api/v1/metrics/report",
        "/api/v1/metrics/dashboard",
    ] {
        let (status, _) =
            support::send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    for path in ["/metrics", "/health"] {
        let (status, _) =
            support::send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    support::send(&app, Request::get("/work").body(Body::empty()).unwrap()).await;
    let text = monitoring.render_prometheus();
    assert!(text.contains("http_route=\"/work\""), "{text}");
    assert!(
        !text.contains("http_route=\"/api/v1"),
        "the prefixed endpoints are skipped:\n{text}"
    );
    assert_eq!(monitoring.endpoint_prefix(), "/api/v1");

    let err = Monitoring::builder()
        .endpoint_prefix("api/")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("endpoint prefix"), "{err}");
}
