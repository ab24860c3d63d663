//! In-process alerts fire after their duration on injected latency, errors and a low cache
//! hit ratio, show on the report, dashboard and as a gauge, and resolve when traffic heals.
//! Time is injected into the evaluation; only the slow handler really waits (150 ms, once,
//! for concurrent requests). Its own test binary: it installs the globals.

mod support;

use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use serde_json::Value;
use tower_monitoring::alerting::Thresholds;
use tower_monitoring::{Monitoring, MonitoringLayer, dependency};

async fn json(app: &Router, uri: &str) -> Value {
    let (status, body) = support::send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&body).unwrap()
}

/// Sends `count` requests to `uri` at once.
async fn burst(app: &Router, uri: &'static str, count: usize) {
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                support::send(&app, Request::get(uri).body(Body::empty()).unwrap()).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

fn active_types(alerts: &Value) -> Vec<String> {
    let mut types: Vec<String> = alerts["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| alert["type"].as_str().unwrap().to_owned())
        .collect();
    types.sort();
    types
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_fire_show_and_resolve() {
    let monitoring = Monitoring::builder()
        .service_name("alerts")
        .tracing_subscriber(false)
        .alert_thread(false)
        .alert_thresholds(Thresholds::default().latency_p95(Duration::from_millis(100)))
        .admin_token("admin")
        .install()
        .unwrap();
    let app = Router::new()
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(150)).await;
                let _: Option<u8> = dependency::cache("users", "get", async { None }).await;
                "slow"
            }),
        )
        .route("/fail", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route(
            "/fast",
            get(|| async {
                let _: Option<u8> = dependency::cache("users", "get", async { Some(1) }).await;
                "fast"
            }),
        )
        .merge(monitoring.routes())
        .layer(MonitoringLayer::new());
    let start = Instant::now();
    let wall = SystemTime::now();
    let at = |seconds: u64| start + Duration::from_secs(seconds);

    monitoring.evaluate_alerts_at(at(0), wall);
    burst(&app, "/slow", 20).await;
    burst(&app, "/fail", 20).await;

    // Broken, but not for long enough yet.
    monitoring.evaluate_alerts_at(at(30), wall);
    assert!(active_types(&serde_json::to_value(monitoring.alerts()).unwrap()).is_empty());

    // A minute later: latency (p95 over 100 ms), errors (50%) and cache hits (0%) fire.
    monitoring.evaluate_alerts_at(at(90), wall);
    let expected = ["HighErrorRate", "HighLatencyP95", "LowCacheHitRate"];
    let report = json(&app, "/metrics/report").await;
    assert_eq!(active_types(&report["alerts"]), expected, "{report}");
    let errors = report["alerts"]["active"]
        .as_array()
        .unwrap()
        .iter()
        .find(|alert| alert["type"] == "HighErrorRate")
        .unwrap();
    assert_eq!(errors["current_value"], "50%");
    assert_eq!(errors["threshold"], "5%");
    assert_eq!(errors["severity"], "critical");
    assert_eq!(errors["component"], "http");
    assert!(errors["timestamp"].as_str().unwrap().ends_with('Z'));
    let dashboard = json(&app, "/metrics/dashboard").await;
    assert_eq!(active_types(&dashboard["alerts"]), expected, "{dashboard}");
    assert_eq!(
        dashboard["system"]["requests"]["total"], 40.0,
        "{dashboard}"
    );
    assert_eq!(
        dashboard["system"]["requests"]["errors"], 20.0,
        "{dashboard}"
    );
    assert_eq!(
        dashboard["system"]["resources"]["cache_hit_ratio"], "0%",
        "{dashboard}"
    );
    assert!(
        dashboard["system"]["resources"]["memory"]
            .as_str()
            .unwrap()
            .ends_with('%')
    );
    assert!(dashboard["system"]["uptime"].is_string(), "{dashboard}");
    let text = monitoring.render_prometheus();
    assert!(
        text.lines().any(|line| line.starts_with(
            "monitoring_alerts_active{alert_severity=\"critical\",alert_type=\"HighErrorRate\""
        ) && line.ends_with(" 1")),
        "{text}"
    );

    // Healthy traffic, and the window slides past the bad minute: everything resolves.
    burst(&app, "/fast", 60).await;
    let logs = support::capture_logs(|| monitoring.evaluate_alerts_at(at(400), wall));
    // The log says what resolved it (no failure left in the window), beside what it fired with.
    let resolved = logs
        .lines()
        .find(|line| line.contains("alert resolved") && line.contains("HighErrorRate"))
        .unwrap_or_else(|| panic!("{logs}"));
    assert!(
        resolved.contains("value=0%") && resolved.contains("fired_value=50%"),
        "{resolved}"
    );
    let alerts = serde_json::to_value(monitoring.alerts()).unwrap();
    assert!(active_types(&alerts).is_empty(), "{alerts}");
    assert_eq!(alerts["history"].as_array().unwrap().len(), 3, "{alerts}");
    assert!(alerts["history"][0]["resolved_at"].is_string());
    let text = monitoring.render_prometheus();
    assert!(
        text.lines().any(|line| line.starts_with(
            "monitoring_alerts_active{alert_severity=\"critical\",alert_type=\"HighErrorRate\""
        ) && line.ends_with(" 0")),
        "{text}"
    );

    // Reset clears the history (admin only).
    let request = Request::post("/metrics/reset")
        .header("authorization", "Bearer admin")
        .body(Body::empty())
        .unwrap();
    assert_eq!(support::send(&app, request).await.0, StatusCode::OK);
    assert!(
        serde_json::to_value(monitoring.alerts()).unwrap()["history"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// A webhook receiver that refuses its first POST (to exercise the retry) and keeps the rest.
async fn webhook_receiver() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let received = Arc::new(Mutex::new(Vec::new()));
    let attempts = Arc::new(AtomicUsize::new(0));
    let (keep, count) = (received.clone(), attempts.clone());
    let app = Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| async move {
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                return StatusCode::SERVICE_UNAVAILABLE;
            }
            keep.lock()
                .unwrap()
                .push(serde_json::from_slice::<Value>(&body).unwrap());
            StatusCode::OK
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received, attempts)
}

/// Waits for the webhook thread to deliver `count` notifications.
async fn delivered(received: &std::sync::Mutex<Vec<Value>>, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = received.lock().unwrap().clone();
        if now.len() >= count {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {count} notifications arrived",
            now.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fired_and_resolved_alerts_reach_the_webhook() {
    let (url, received, attempts) = webhook_receiver().await;
    let monitoring = Monitoring::builder()
        .service_name("hooked")
        .system_metrics(false)
        .alert_thread(false)
        .alert_webhook(url)
        .build()
        .unwrap();
    let app = Router::new()
        .route("/fail", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/ok", get(|| async { "ok" }))
        .layer(monitoring.layer());
    let start = Instant::now();
    let wall = SystemTime::now();
    let at = |seconds: u64| start + Duration::from_secs(seconds);

    monitoring.evaluate_alerts_at(at(0), wall);
    burst(&app, "/fail", 20).await;
    monitoring.evaluate_alerts_at(at(30), wall);
    monitoring.evaluate_alerts_at(at(90), wall);
    let fired = delivered(&received, 1).await;
    assert_eq!(fired[0]["status"], "firing");
    assert_eq!(fired[0]["service"], "hooked");
    assert_eq!(fired[0]["alert"]["type"], "HighErrorRate");
    assert_eq!(
        attempts.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the refused first POST was retried"
    );

    burst(&app, "/ok", 50).await;
    monitoring.evaluate_alerts_at(at(400), wall);
    let all = delivered(&received, 2).await;
    assert_eq!(all[1]["status"], "resolved");
    assert_eq!(all[1]["alert"]["type"], "HighErrorRate");
    assert!(all[1]["alert"]["resolved_at"].is_string());
}

/// An operator who sees `HighErrorRate` in the report searches the Prometheus rules for the
/// same word: every in-process alert has a shipped rule of that name.
#[test]
fn every_in_process_alert_has_a_prometheus_rule_of_the_same_name() {
    let monitoring = Monitoring::builder().alert_thread(false).build().unwrap();
    let text = monitoring.render_prometheus();
    let types: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("monitoring_alerts_active{"))
        .filter_map(|line| line.split("alert_type=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(types.len(), 7, "{text}");
    let rules = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("alerts/alert_rules.yml"),
    )
    .unwrap();
    for name in types {
        assert!(
            rules.contains(&format!("- alert: {name}\n")),
            "no Prometheus rule named {name}"
        );
    }
}
