//! `GET /metrics/summary` reports what `/metrics` holds, over a window that
//! `POST /metrics/reset` restarts with the admin token; tokens are enforced. Its own test
//! binary: it installs the globals so dependency calls are counted.

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use serde_json::Value;
use tower_monitoring::{Monitoring, MonitoringLayer, dependency};

async fn call(app: &Router, method: &str, uri: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let (status, body) = support::send(app, request.body(Body::empty()).unwrap()).await;
    (status, body.to_vec())
}

async fn summary(app: &Router) -> Value {
    let (status, body) = call(app, "GET", "/metrics/summary", None).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_reflects_the_window_and_reset_needs_the_admin_token() {
    let monitoring = Monitoring::builder()
        .service_name("summary")
        .admin_token("s3cret")
        .tracing_subscriber(false)
        .install()
        .unwrap();
    let app = Router::new()
        .route(
            "/a",
            get(|| async {
                let _: Option<u8> = dependency::cache("users", "get", async { Some(1) }).await;
                "a"
            }),
        )
        .route(
            "/b",
            get(|| async {
                let _: Option<u8> = dependency::cache("users", "get", async { None }).await;
                let _: Result<(), std::io::Error> =
                    dependency::db("sqlite", "select", "users", async { Ok(()) }).await;
                (StatusCode::INTERNAL_SERVER_ERROR, "b")
            }),
        )
        .merge(monitoring.routes())
        .layer(MonitoringLayer::new());

    for uri in ["/a", "/a", "/a", "/b"] {
        call(&app, "GET", uri, None).await;
    }
    let now = summary(&app).await;
    // The shape, key by key, as a script would rely on it.
    let keys = |value: &Value| -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys(&now),
        [
            "dependencies",
            "in_flight",
            "latency_ms",
            "process",
            "requests",
            "routes",
            "streams",
            "telemetry",
            "tools",
            "window"
        ]
    );
    assert_eq!(
        keys(&now["requests"]),
        ["cancelled", "error_rate", "errors", "per_second", "total"]
    );
    // In-process requests take microseconds: every quantile lies in the first bucket
    // (5 ms), so the summary says "at most 5 ms" rather than inventing a figure.
    assert_eq!(
        keys(&now["latency_ms"]),
        [
            "average",
            "p50",
            "p50_at_most",
            "p95",
            "p95_at_most",
            "p99",
            "p99_at_most"
        ]
    );
    assert_eq!(keys(&now["routes"]), ["most_called", "slowest"]);
    assert_eq!(keys(&now["dependencies"]), ["cache", "db", "platform"]);
    assert_eq!(
        keys(&now["routes"]["slowest"][0]),
        ["average_ms", "cancelled", "errors", "requests", "route"]
    );
    assert_eq!(
        keys(&now["dependencies"]["db"]),
        ["average_ms", "calls", "cancelled", "errors"]
    );
    let (_, report) = call(&app, "GET", "/metrics/report", None).await;
    let report: Value = serde_json::from_slice(&report).unwrap();
    assert_eq!(keys(&report["alerts"]), ["active", "history"]);
    assert_eq!(now["requests"]["total"], 4.0, "{now}");
    assert_eq!(now["requests"]["errors"], 1.0, "{now}");
    assert_eq!(now["requests"]["error_rate"], 0.25, "{now}");
    assert_eq!(
        now["in_flight"], 0.0,
        "the summary request does not count itself: {now}"
    );
    assert_eq!(now["routes"]["most_called"][0]["route"], "/a", "{now}");
    assert_eq!(now["routes"]["most_called"][0]["requests"], 3.0, "{now}");
    assert_eq!(now["routes"]["most_called"][1]["errors"], 1.0, "{now}");
    assert_eq!(now["latency_ms"]["p50"], Value::Null, "{now}");
    assert_eq!(now["latency_ms"]["p50_at_most"], 5.0, "{now}");
    assert!(
        now["latency_ms"]["average"].as_f64().unwrap() < 5.0,
        "{now}"
    );
    assert_eq!(now["dependencies"]["cache"]["hit_ratio"], 0.75, "{now}");
    assert_eq!(now["dependencies"]["db"]["calls"], 1.0, "{now}");
    assert!(
        now["process"]["memory_bytes"].as_f64().unwrap() > 1e6,
        "{now}"
    );
    // The endpoint and the method agree, and neither counts itself.
    assert_eq!(
        serde_json::to_value(monitoring.summary()).unwrap()["requests"]["total"],
        4.0
    );

    // Reset: 401 without or with a wrong token, 200 with the right one; the window restarts.
    let (status, _) = call(&app, "POST", "/metrics/reset", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(&app, "POST", "/metrics/reset", Some("guess")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(&app, "POST", "/metrics/reset", Some("s3cret")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let after = summary(&app).await;
    assert_eq!(after["requests"]["total"], 0.0, "{after}");
    assert_eq!(after["dependencies"]["cache"]["hits"], 0.0, "{after}");
    call(&app, "GET", "/a", None).await;
    assert_eq!(summary(&app).await["requests"]["total"], 1.0);
    // Prometheus counters did not move backwards.
    assert!(monitoring.render_prometheus().contains(
        "http_server_request_duration_seconds_count{http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"/a\",network_protocol_version=\"1.1\",url_scheme=\"http\"} 4"
    ));
}

#[tokio::test]
async fn reset_is_disabled_without_an_admin_token_and_metrics_can_be_guarded() {
    let open = Monitoring::builder().system_metrics(false).build().unwrap();
    let app: Router = open.routes();
    assert_eq!(
        call(&app, "POST", "/metrics/reset", Some("x")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(call(&app, "GET", "/metrics", None).await.0, StatusCode::OK);

    let guarded = Monitoring::builder()
        .system_metrics(false)
        .metrics_token("reader")
        .build()
        .unwrap();
    let app: Router = guarded.routes();
    for path in ["/metrics", "/metrics/summary"] {
        assert_eq!(
            call(&app, "GET", path, None).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        assert_eq!(
            call(&app, "GET", path, Some("wrong")).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        assert_eq!(
            call(&app, "GET", path, Some("reader")).await.0,
            StatusCode::OK,
            "{path}"
        );
    }
    assert_eq!(
        call(&app, "GET", "/health", None).await.0,
        StatusCode::OK,
        "probes stay open"
    );

    let err = Monitoring::builder().admin_token("  ").build().unwrap_err();
    assert!(
        err.to_string().contains("admin token must not be empty"),
        "{err}"
    );
}
