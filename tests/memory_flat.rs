//! A long run with no scrape keeps memory flat: every series is bound once and aggregated in
//! place, so 200 000 requests hold no more than the first 20 000 did. Its own test binary, so
//! nothing else moves the resident size meanwhile.
#![cfg(target_os = "linux")]

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower_monitoring::Monitoring;

fn resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kib: u64 = line["VmRSS:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap();
    kib * 1024
}

#[tokio::test]
async fn a_long_run_without_scrapes_keeps_memory_flat() {
    let monitoring = Monitoring::builder()
        .service_name("flat")
        .system_metrics(false)
        .alert_thread(false)
        .build()
        .unwrap();
    let app = Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .route("/fail", get(|| async { StatusCode::SERVICE_UNAVAILABLE }))
        .layer(monitoring.layer());
    let serve = |count: usize| {
        let app = app.clone();
        async move {
            for i in 0..count {
                // Random paths (a scanner) and failures, to exercise every series kind.
                let path = match i % 4 {
                    0 => "/fail".to_owned(),
                    1 => format!("/scan/{i}"),
                    _ => format!("/users/{i}"),
                };
                let request = Request::get(path).body(Body::empty()).unwrap();
                support::send(&app, request).await;
            }
        }
    };
    serve(20_000).await;
    let before = resident();
    serve(200_000).await;
    let after = resident();
    let growth = after.saturating_sub(before);
    println!("RSS {before} -> {after} bytes over 200 000 requests");
    assert!(
        growth < 2 * 1024 * 1024,
        "memory grew by {growth} bytes over 200 000 requests without a scrape"
    );
    assert!(
        monitoring
            .render_prometheus()
            .contains("http_route=\"/users/{id}\"")
    );
}
