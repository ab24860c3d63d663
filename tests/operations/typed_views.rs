//! `/metrics/summary`, `/metrics/report` and `/metrics/dashboard` keep the JSON shape they
//! had when they were built with `json!` (tests/snapshots/operator_json_shapes.json), and
//! each deserialises back into its public type.

use crate::support;

use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use serde_json::Value;
use tower_monitoring::Monitoring;
use tower_monitoring::alerting::AlertReport;
use tower_monitoring::summary::{DashboardView, Report, Summary};

const SHAPES: &str = include_str!("../snapshots/operator_json_shapes.json");

/// Keys, nesting and arrays of `value`; every scalar is `"value"` (the types check the
/// scalars), an empty array matches any, and the latency bounds that appear only when the
/// buckets give no figure (`p50_at_most`, ...) are left out.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !key.contains("_at_most") && !key.contains("_at_least"))
                .map(|(key, value)| (key.clone(), shape(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        _ => Value::from("value"),
    }
}

/// Whether `actual` has the shape `expected`, an empty array matching any.
fn matches(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            a.len() == e.len()
                && a.iter()
                    .all(|(key, value)| e.get(key).is_some_and(|e| matches(value, e)))
        }
        (Value::Array(a), Value::Array(e)) => {
            a.is_empty() || a.iter().zip(e).all(|(a, e)| matches(a, e))
        }
        (a, e) => a == e,
    }
}

async fn get_json(app: &Router, path: &str) -> Value {
    let request = Request::get(path)
        .header("authorization", "Bearer m")
        .body(Body::empty())
        .unwrap();
    let (status, body) = support::send(app, request).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn the_views_keep_their_shape_and_read_back_into_their_types() {
    let monitoring = Monitoring::builder()
        .service_name("typed")
        .metrics_token("m")
        .alert_thread(false)
        .build()
        .unwrap();
    let app: Router = Router::new()
        .route("/ok", get(|| async { "ok" }))
        .route("/fail", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .merge(monitoring.routes())
        .layer(monitoring.layer());
    let start = Instant::now();
    monitoring.evaluate_alerts_at(start, SystemTime::now());
    for path in ["/ok", "/fail"].repeat(10) {
        support::send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
    }
    // Broken at 30 s, still broken at 90 s: HighErrorRate fires.
    for seconds in [30, 90] {
        monitoring.evaluate_alerts_at(start + Duration::from_secs(seconds), SystemTime::now());
    }
    monitoring
        .dependencies()
        .tool("search", async { Ok::<_, std::io::Error>(()) })
        .await
        .unwrap();

    let shapes: Value = serde_json::from_str(SHAPES).unwrap();
    for (name, path) in [
        ("summary", "/metrics/summary"),
        ("report", "/metrics/report"),
        ("dashboard", "/metrics/dashboard"),
    ] {
        let json = get_json(&app, path).await;
        assert!(
            matches(&shape(&json), &shapes[name]),
            "{path} changed shape:\n{:#}\nexpected\n{:#}",
            shape(&json),
            shapes[name]
        );
    }

    let summary: Summary =
        serde_json::from_value(get_json(&app, "/metrics/summary").await).unwrap();
    assert_eq!(summary.requests.total, 20.0);
    assert_eq!(summary.requests.errors, 10.0);
    assert_eq!(summary.tools[0].tool, "search");
    // The method gives the same figures as the endpoint (both read back from JSON, which
    // is what a float goes through on the wire); only the window's age moved on.
    let mut method: Summary =
        serde_json::from_str(&serde_json::to_string(&monitoring.summary()).unwrap()).unwrap();
    method.window.seconds = summary.window.seconds;
    method.requests.per_second = summary.requests.per_second;
    method.process = summary.process.clone();
    assert_eq!(method, summary);
    let report: Report = serde_json::from_value(get_json(&app, "/metrics/report").await).unwrap();
    assert_eq!(report.alerts.active[0].alert_type, "HighErrorRate");
    let alerts: AlertReport =
        serde_json::from_str(&serde_json::to_string(&monitoring.alerts()).unwrap()).unwrap();
    assert_eq!(report.alerts, alerts);
    let dashboard: DashboardView =
        serde_json::from_value(get_json(&app, "/metrics/dashboard").await).unwrap();
    assert_eq!(dashboard.system.requests.errors, 10.0);
    assert_eq!(dashboard.alerts.active.len(), 1);
}
