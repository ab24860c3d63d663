//! A client cannot make the process hold its headers: with tracing on, 300 requests carrying
//! a 128 KiB `User-Agent` grow the resident memory by less than 5 MB, because every span
//! attribute taken from the client is cut to the value length limit. Without the limit the
//! same load holds the 39 MB the spans carry, which shows the measurement can see it.
//! Its own test binary, with one test, so nothing else moves the resident size meanwhile.
#![cfg(target_os = "linux")]

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use opentelemetry_sdk::trace::{InMemorySpanExporter, Sampler};
use tower_monitoring::Monitoring;

const REQUESTS: usize = 300;

/// Resident memory of this process, in bytes.
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

/// How much the resident size grows while `REQUESTS` hostile requests are served and their
/// spans kept (the in-memory exporter keeps every span, like a queue that never drains).
async fn growth(limit: Option<usize>) -> u64 {
    let exporter = InMemorySpanExporter::default();
    let mut builder = Monitoring::builder()
        .service_name("span-memory")
        .system_metrics(false)
        .sampler(Sampler::AlwaysOn)
        .span_exporter(exporter.clone());
    if let Some(limit) = limit {
        builder = builder.span_attribute_value_length_limit(limit);
    }
    let monitoring = builder.build().unwrap();
    let app = Router::new()
        .route("/", get(|| async { "ok" }))
        .layer(monitoring.layer());
    let agent = "a".repeat(128 * 1024);
    let request = || {
        Request::get("/")
            .header("user-agent", agent.as_str())
            .body(Body::empty())
            .unwrap()
    };
    // Warm up: the allocator's arenas, the series, the exporter's buffers.
    for _ in 0..20 {
        assert_eq!(support::send(&app, request()).await.0, StatusCode::OK);
    }
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    let before = resident();
    for _ in 0..REQUESTS {
        assert_eq!(support::send(&app, request()).await.0, StatusCode::OK);
    }
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    let after = resident();
    assert_eq!(
        exporter.get_finished_spans().unwrap().len(),
        REQUESTS + 20,
        "every span was kept"
    );
    after.saturating_sub(before)
}

#[tokio::test]
async fn hostile_headers_cannot_grow_memory() {
    let limited = growth(None).await;
    assert!(
        limited < 5 * 1024 * 1024,
        "{REQUESTS} requests with a 128 KiB User-Agent grew RSS by {limited} bytes"
    );
    let unlimited = growth(Some(usize::MAX)).await;
    assert!(
        unlimited > 20 * 1024 * 1024,
        "without a limit the spans should hold the headers: grew {unlimited} bytes"
    );
    println!("RSS growth: {limited} bytes with the default limit, {unlimited} without");
}
