//! The URL of a Slack, Teams or PagerDuty webhook is a credential: when deliveries fail, the
//! log names the webhook by scheme and host only. Its own test binary: it sets the global
//! `tracing` subscriber, since the webhook logs from a thread of its own.
#![cfg(feature = "reqwest")]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower_monitoring::Monitoring;

#[derive(Clone, Default)]
struct Logged(Arc<Mutex<Vec<u8>>>);

impl Write for Logged {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logged {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_webhook_is_logged_by_scheme_and_host_only() {
    let logged = Logged::default();
    let writer = logged.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    // Nothing listens there: every delivery fails.
    let port = support::otlp::free_port().port();
    let monitoring = Monitoring::builder()
        .service_name("hooked")
        .system_metrics(false)
        .alert_thread(false)
        .alert_webhook(format!(
            "http://127.0.0.1:{port}/services/T000/B000/S3CRET?token=S3CRET"
        ))
        .build()
        .unwrap();
    let app = Router::new()
        .route("/fail", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .layer(monitoring.layer());
    let start = Instant::now();
    let wall = SystemTime::now();
    monitoring.evaluate_alerts_at(start, wall);
    for _ in 0..20 {
        support::send(&app, Request::get("/fail").body(Body::empty()).unwrap()).await;
    }
    monitoring.evaluate_alerts_at(start + Duration::from_secs(30), wall);
    monitoring.evaluate_alerts_at(start + Duration::from_secs(90), wall);

    let deadline = Instant::now() + Duration::from_secs(30);
    while !logged.text().contains("alert webhook failed") {
        assert!(
            Instant::now() < deadline,
            "no failure logged:\n{}",
            logged.text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = logged.text();
    assert!(!text.contains("S3CRET"), "the log repeats the URL:\n{text}");
    assert!(
        text.contains(&format!("http://127.0.0.1:{port}")),
        "the log names the webhook's host:\n{text}"
    );

    let err = Monitoring::builder()
        .alert_webhook("hooks.slack.com/services/S3CRET")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("webhook URL") && !err.contains("S3CRET"),
        "{err}"
    );
}
