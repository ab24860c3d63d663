//! `GET /health` answers while the process serves; `GET /ready` runs the readiness checks
//! together, each within its timeout, and names the failing ones. Time is tokio's paused
//! clock: the hung check times out without the test waiting.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower_monitoring::Monitoring;

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    get_with(app, uri, None).await
}

/// `uri`, with `Authorization: Bearer <token>` when one is given.
async fn get_with(app: &Router, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::get(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let (status, body) = support::send(app, request.body(Body::empty()).unwrap()).await;
    let json = serde_json::from_slice(&body).unwrap_or_else(|err| panic!("{err}: {body:?}"));
    (status, json)
}

/// The cache of `/ready` results lasts a second by default; the paused clock skips it.
async fn next_period() {
    tokio::time::advance(tower_monitoring::DEFAULT_READINESS_CACHE).await;
}

#[tokio::test(start_paused = true)]
async fn readiness_fails_and_recovers_with_its_checks() {
    let monitoring = Monitoring::builder()
        .service_name("health")
        .system_metrics(false)
        .readiness_timeout(Duration::from_secs(2))
        .metrics_token("operator")
        .build()
        .unwrap();
    let app: Router = monitoring.routes();
    let ready = || get_with(&app, "/ready", Some("operator"));

    // No checks: ready.
    assert_eq!(
        get(&app, "/health").await,
        (StatusCode::OK, serde_json::json!({"status": "ok"}))
    );
    assert_eq!(get(&app, "/ready").await.0, StatusCode::OK);
    next_period().await;

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
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"]["status"], "ok");
    assert_eq!(body["checks"]["platform"]["status"], "ok");

    // The platform goes down: 503, naming it and, to the token holder, why.
    platform_up.store(false, Ordering::SeqCst);
    next_period().await;
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["failing"], serde_json::json!(["platform"]));
    assert_eq!(body["checks"]["platform"]["error"], "connection refused");
    assert_eq!(body["checks"]["database"]["status"], "ok");

    // It comes back: ready again. Liveness never changed.
    platform_up.store(true, Ordering::SeqCst);
    next_period().await;
    assert_eq!(ready().await.0, StatusCode::OK);
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
    next_period().await;
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["failing"], serde_json::json!(["cache", "queue"]));
    assert_eq!(body["checks"]["cache"]["error"], "timed out after 2s");
    assert_eq!(body["checks"]["queue"]["error"], "the check panicked");
}

#[tokio::test(start_paused = true)]
async fn a_flood_of_probes_runs_the_checks_once_per_period() {
    let monitoring = Monitoring::builder()
        .service_name("flood")
        .system_metrics(false)
        .build()
        .unwrap();
    let app: Router = monitoring.routes();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    monitoring.add_readiness_check("database", move || {
        counted.fetch_add(1, Ordering::SeqCst);
        async {
            // A ping that takes a while: concurrent probes wait for this one run.
            tokio::time::sleep(Duration::from_millis(100)).await;
            Ok::<_, std::io::Error>(())
        }
    });
    let probes: Vec<_> = (0..100)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { get(&app, "/ready").await.0 })
        })
        .collect();
    for probe in probes {
        assert_eq!(probe.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1, "one run served them all");
    assert_eq!(get(&app, "/ready").await.0, StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 1, "still fresh");
    next_period().await;
    assert_eq!(get(&app, "/ready").await.0, StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 2, "run again once stale");
}

#[tokio::test(start_paused = true)]
async fn why_a_check_failed_is_for_token_holders_and_the_logs() {
    let monitoring = Monitoring::builder()
        .service_name("detail")
        .system_metrics(false)
        .metrics_token("metrics-secret")
        .admin_token("admin-secret")
        .build()
        .unwrap();
    let app: Router = monitoring.routes();
    monitoring.add_readiness_check("database", || async {
        Err::<(), _>("connect to postgres://db.internal:5432 refused")
    });
    let logs = support::LogCapture::start();
    let (status, body) = get(&app, "/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["failing"], serde_json::json!(["database"]));
    assert_eq!(body["checks"]["database"]["status"], "failed");
    assert!(
        !body.to_string().contains("db.internal"),
        "an anonymous caller learns which check failed, not why: {body}"
    );
    for token in ["metrics-secret", "admin-secret"] {
        let (_, body) = get_with(&app, "/ready", Some(token)).await;
        assert_eq!(
            body["checks"]["database"]["error"],
            "connect to postgres://db.internal:5432 refused"
        );
    }
    let (_, body) = get_with(&app, "/ready", Some("guess")).await;
    assert!(body["checks"]["database"].get("error").is_none());
    let logged = logs.text();
    assert!(
        logged.contains("readiness check failed") && logged.contains("db.internal"),
        "{logged}"
    );
}

#[tokio::test]
async fn a_check_that_panics_before_its_future_is_counted_and_fails_alone() {
    let monitoring = Monitoring::builder()
        .service_name("panicky")
        .system_metrics(false)
        .readiness_cache(Duration::ZERO)
        .build()
        .unwrap();
    let app: Router = monitoring.routes();
    monitoring.add_readiness_check("database", || async { Ok::<_, std::io::Error>(()) });
    monitoring.add_readiness_check("broken", || -> std::future::Ready<Result<(), String>> {
        panic!("the check's own code broke")
    });
    for _ in 0..2 {
        let (status, body) = get(&app, "/ready").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body["failing"], serde_json::json!(["broken"]));
        assert_eq!(body["checks"]["database"]["status"], "ok");
    }
    let text = monitoring.render_prometheus();
    assert_eq!(
        support::prometheus::sample(
            &text,
            tower_monitoring::names::prometheus::MONITORING_CALLBACK_PANICS,
            &["callback_kind=\"readiness_check\""]
        ),
        Some(2.0),
        "{text}"
    );
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
