//! One definition of failure, everywhere: on the same traffic the JSON summary, the report,
//! the dashboard JSON, the in-process `HighErrorRate` alert, the shipped recording rule
//! (evaluated by the real `promtool`) and the Grafana "Error rate" panel all count the same
//! failures. 5xx responses, panics and broken bodies fail; cancelled requests are counted
//! apart; `HEAD` checks and 4xx are fine.
#![cfg(feature = "artifacts")]

use crate::support;

use std::fmt::Write as _;
use std::future::Future;
use std::pin::pin;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use serde_json::Value;
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_monitoring::alerting::Thresholds;
use tower_monitoring::artifacts::{ArtifactOptions, dashboards, expressions, recording_rules};
use tower_monitoring::{Monitoring, names};

const OK: usize = 10;
const SERVER_ERRORS: usize = 3;
const CANCELLED: usize = 2;
const HEADS: usize = 4;
const NOT_FOUND: usize = 1;
/// One panic and one broken body besides the 5xx responses.
const FAILED: usize = SERVER_ERRORS + 2;
const TOTAL: usize = OK + SERVER_ERRORS + CANCELLED + HEADS + NOT_FOUND + 2;

fn app() -> Router {
    Router::new()
        .route("/ok", get(|| async { "fine" }))
        .route(
            "/fail",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "down") }),
        )
        .route("/wait", get(std::future::pending::<&'static str>))
        .route(
            "/panic",
            get(|| async {
                if true {
                    panic!("broken handler");
                }
                ""
            }),
        )
        .route("/broken", get(|| async { Body::new(BrokenBody) }))
        .layer(CatchPanicLayer::new())
}

/// A body that fails on its first frame.
struct BrokenBody;

impl http_body::Body for BrokenBody {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::other("disk gone"))))
    }
}

async fn drive_traffic(router: &Router) {
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    for _ in 0..OK {
        assert_eq!(support::send(router, get("/ok")).await.0, StatusCode::OK);
    }
    for _ in 0..SERVER_ERRORS {
        let status = support::send(router, get("/fail")).await.0;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }
    for _ in 0..HEADS {
        let head = Request::head("/ok").body(Body::empty()).unwrap();
        assert_eq!(support::send(router, head).await.0, StatusCode::OK);
    }
    for _ in 0..NOT_FOUND {
        let status = support::send(router, get("/nowhere")).await.0;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let status = support::send(router, get("/panic")).await.0;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let response = router.clone().oneshot(get("/broken")).await.unwrap();
    assert!(
        http_body_util::BodyExt::collect(response.into_body())
            .await
            .is_err()
    );
    for _ in 0..CANCELLED {
        // The client goes away while the handler waits.
        let mut call = pin!(router.clone().oneshot(get("/wait")));
        let waker = std::task::Waker::noop();
        assert!(
            call.as_mut()
                .poll(&mut std::task::Context::from_waker(waker))
                .is_pending()
        );
    }
}

async fn json(router: &Router, uri: &str) -> Value {
    let (status, body) =
        support::send(router, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    serde_json::from_slice(&body).unwrap()
}

/// Pipelines whose alert fires at once on any failure, after the same traffic.
async fn served() -> Monitoring {
    let monitoring = Monitoring::builder()
        .service_name("failure-definition")
        .alert_thresholds(
            Thresholds::default()
                .error_rate(0.01)
                .for_duration(Duration::ZERO)
                .min_events(1.0)
                .window(Duration::from_secs(3600)),
        )
        .alert_thread(false)
        .build()
        .unwrap();
    let started = Instant::now();
    let wall = SystemTime::now();
    monitoring.evaluate_alerts_at(started, wall);
    let router = app().layer(monitoring.layer());
    drive_traffic(&router).await;
    monitoring.evaluate_alerts_at(started + Duration::from_secs(60), wall);
    monitoring
}

const EXPECTED_RATIO: f64 = FAILED as f64 / TOTAL as f64;

#[tokio::test]
async fn the_summary_and_the_report_count_the_same_failures() {
    let monitoring = served().await;
    let endpoints = monitoring.routes::<()>();
    for uri in [
        tower_monitoring::Endpoints::SUMMARY_PATH,
        tower_monitoring::Endpoints::REPORT_PATH,
    ] {
        let summary = json(&endpoints, uri).await;
        let requests = &summary["requests"];
        assert_eq!(requests["total"], TOTAL as f64, "{uri}: {summary:#}");
        assert_eq!(requests["errors"], FAILED as f64, "{uri}: {summary:#}");
        assert_eq!(
            requests["cancelled"], CANCELLED as f64,
            "{uri}: {summary:#}"
        );
        let ratio = requests["error_rate"].as_f64().unwrap();
        assert!((ratio - EXPECTED_RATIO).abs() < 1e-12, "{uri}: {ratio}");
    }
}

#[tokio::test]
async fn the_dashboard_view_counts_the_same_failures() {
    let monitoring = served().await;
    let endpoints = monitoring.routes::<()>();
    let dashboard = json(&endpoints, tower_monitoring::Endpoints::DASHBOARD_PATH).await;
    assert_eq!(
        dashboard["system"]["requests"]["errors"], FAILED as f64,
        "{dashboard:#}"
    );
    assert_eq!(
        dashboard["system"]["requests"]["cancelled"], CANCELLED as f64,
        "{dashboard:#}"
    );
}

#[tokio::test]
async fn the_in_process_alert_fires_on_the_same_ratio() {
    let monitoring = served().await;
    let alerts = monitoring.alerts();
    let high_error_rate = alerts
        .active
        .iter()
        .find(|alert| alert.alert_type == "HighErrorRate")
        .unwrap_or_else(|| panic!("HighErrorRate did not fire: {alerts:#?}"));
    let value = high_error_rate.value;
    assert!((value - EXPECTED_RATIO).abs() < 1e-12, "{value}");
}

/// The shipped recording rule and the overview dashboard's "Error rate" panel, evaluated by
/// promtool on exactly these counts.
#[tokio::test]
async fn the_recording_rule_and_the_error_rate_panel_agree() {
    let monitoring = served().await;
    promtool_agrees(&monitoring.render_prometheus(), EXPECTED_RATIO);
}

/// Feeds the request counts of `exposition` to `promtool test rules` as series that grow by
/// those counts every minute, and checks that the recording rule and the panel evaluate to
/// `expected`.
fn promtool_agrees(exposition: &str, expected: f64) {
    let count = format!("{}_count", names::prometheus::HTTP_SERVER_REQUEST_DURATION);
    let mut series = String::new();
    for line in exposition.lines() {
        let Some(rest) = line.strip_prefix(&count) else {
            continue;
        };
        let (labels, value) = rest.rsplit_once(' ').unwrap();
        let labels = labels.trim_start_matches('{').trim_end_matches('}');
        let per_minute: f64 = value.parse().unwrap();
        writeln!(
            series,
            "      - series: '{count}{{job=\"tower-monitoring\",instance=\"a\",{labels}}}'\n        values: '0+{per_minute}x20'"
        )
        .unwrap();
    }
    assert!(!series.is_empty(), "no request counts in\n{exposition}");

    let options = ArtifactOptions::default();
    let overview = dashboards(&options)
        .into_iter()
        .find(|(name, _)| name.contains("overview"))
        .unwrap()
        .1;
    let panel = overview["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|panel| panel["title"] == "Error rate")
        .expect("the overview has an Error rate panel");
    let panel_expr = expressions(&serde_json::json!({ "panels": [panel] }))
        .remove(0)
        .replace("$__rate_interval", "5m")
        .replace("$job", "tower-monitoring")
        .replace("$instance", ".*");
    let close = |expr: &str| format!("abs(({expr}) - {expected}) < bool 1e-9");

    let dir = std::env::temp_dir().join(format!("failure-definition-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("recording_rules.yml"), recording_rules(&options)).unwrap();
    let test = format!(
        "rule_files:\n  - recording_rules.yml\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n{series}    promql_expr_test:\n      - expr: '{}'\n        eval_time: 15m\n        exp_samples:\n          - labels: '{{job=\"tower-monitoring\"}}'\n            value: 1\n      - expr: '{}'\n        eval_time: 15m\n        exp_samples:\n          - labels: '{{}}'\n            value: 1\n",
        close("job:http_server_error_ratio:rate5m"),
        close(&panel_expr).replace('\'', "''"),
    );
    std::fs::write(dir.join("agreement.test.yml"), test).unwrap();
    support::prometheus::checker_accepts(
        "promtool",
        &["test", "rules", "agreement.test.yml"],
        &dir,
        "prometheus",
    );
    let _ = std::fs::remove_dir_all(dir);
}
