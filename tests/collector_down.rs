//! A collector that is down, or that accepts connections and never answers, costs dropped
//! spans (counted), never a slow or stuck request, and never a hang on shutdown.
//!
//! Its own test binary: one test installs the globals, which the SDK's queue-full counter
//! reports through.

mod support;

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower_monitoring::{Monitoring, MonitoringLayer, OtlpProtocol, names};

const REQUESTS: usize = 4000;
const SHUTDOWN_BOUND: Duration = Duration::from_secs(2);
/// Room for thread start-up around the bound; far below the exporter's own 10 s timeout.
const SHUTDOWN_SLACK: Duration = Duration::from_millis(1500);

/// Sends `REQUESTS` requests; a stuck request fails the test instead of hanging it.
async fn serve_many(app: &Router) {
    let all = async {
        for i in 0..REQUESTS {
            let request = Request::get(format!("/users/{i}"))
                .body(Body::empty())
                .unwrap();
            assert_eq!(support::send(app, request).await.0, StatusCode::OK);
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("requests must not wait for the collector");
}

fn app(layer: MonitoringLayer) -> Router {
    Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .layer(layer)
}

fn endpoint(protocol: OtlpProtocol, addr: std::net::SocketAddr) -> Monitoring {
    Monitoring::builder()
        .service_name("collector-down")
        .otlp_endpoint(format!("http://{addr}"))
        .otlp_protocol(protocol)
        .shutdown_timeout(SHUTDOWN_BOUND)
        .build()
        .unwrap()
}

async fn shutdown_within_bound(monitoring: Monitoring) {
    let started = Instant::now();
    // The result may be a timeout error: what matters is that it comes back in time.
    let _ = monitoring.shutdown().await;
    let took = started.elapsed();
    assert!(
        took < SHUTDOWN_BOUND + SHUTDOWN_SLACK,
        "shutdown took {took:?}, bound {SHUTDOWN_BOUND:?}"
    );
}

/// The sample of `name` whose line contains every one of `labels`, summed.
fn counter(text: &str, name: &str, labels: &[&str]) -> u64 {
    support::prometheus::samples(text, name, labels).sum::<f64>() as u64
}

/// The receiver ran and was stopped: every export is refused.
async fn stopped_receiver(protocol: OtlpProtocol) {
    let receiver = support::otlp::Receiver::start().await;
    let addr = match protocol {
        OtlpProtocol::HttpProtobuf => receiver.http,
        _ => receiver.grpc,
    };
    receiver.stop();
    let monitoring = Monitoring::builder()
        .service_name("collector-down")
        .otlp_endpoint(format!("http://{addr}"))
        .otlp_protocol(protocol)
        .shutdown_timeout(SHUTDOWN_BOUND)
        .metrics_token("m")
        .build()
        .unwrap();
    serve_many(&app(monitoring.layer())).await;

    // Waits for the export attempts; the SDK reports success for a flush whose export
    // failed, so the counter is what tells.
    let _ = monitoring.tracer_provider().unwrap().force_flush();
    let text = monitoring.render_prometheus();
    let failed = counter(
        &text,
        names::prometheus::OTEL_SDK_EXPORTER_SPAN_EXPORTED,
        &["error_type=\"export_failed\""],
    );
    assert!(failed > 0, "failed exports are counted:\n{text}");
    telemetry_health_is_shown(&monitoring, failed).await;
    shutdown_within_bound(monitoring).await;
}

/// Whatever the log filter, the summary counts the failed spans and says when the last
/// export failed; `/ready` says why to a token holder only, and stays ready.
async fn telemetry_health_is_shown(monitoring: &Monitoring, failed: u64) {
    let telemetry = monitoring.summary().telemetry;
    // Exports may still be failing in the background: at least what the scrape counted.
    assert!(telemetry.spans_failed >= failed as f64, "{telemetry:?}");
    assert_eq!(telemetry.spans_exported, 0.0, "{telemetry:?}");
    let when = telemetry.last_export_failure_unix.expect("a failure time");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(when <= now && now - when < 60.0, "{when} vs {now}");

    let routes: axum::Router = monitoring.routes();
    let ready = |token: Option<&'static str>| {
        let routes = routes.clone();
        async move {
            let mut request = Request::get("/ready");
            if let Some(token) = token {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            let (status, body) = support::send(&routes, request.body(Body::empty()).unwrap()).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "telemetry never makes a service unready"
            );
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()
        }
    };
    let detail = ready(Some("m")).await;
    let error = detail["last_export_failure"]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(!error.is_empty(), "{detail}");
    assert!(ready(None).await.get("last_export_failure").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_receiver_over_http_counts_failed_exports() {
    stopped_receiver(OtlpProtocol::HttpProtobuf).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_receiver_over_grpc_counts_failed_exports() {
    stopped_receiver(OtlpProtocol::Grpc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_hole_over_http_never_blocks_requests_or_shutdown() {
    let (black_hole, _task) = support::otlp::black_hole().await;
    let monitoring = endpoint(OtlpProtocol::HttpProtobuf, black_hole);
    serve_many(&app(monitoring.layer())).await;
    shutdown_within_bound(monitoring).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_hole_over_grpc_drops_spans_beyond_the_queue_and_never_blocks() {
    let (black_hole, _task) = support::otlp::black_hole().await;
    let monitoring = Monitoring::builder()
        .service_name("black-hole")
        .otlp_endpoint(format!("http://{black_hole}"))
        .otlp_protocol(OtlpProtocol::Grpc)
        .shutdown_timeout(SHUTDOWN_BOUND)
        .install()
        .unwrap();
    // The layer finds the installed tracer by itself.
    serve_many(&app(MonitoringLayer::new())).await;

    // The worker is stuck sending the first batch; the bounded queue took what it could.
    let text = monitoring.render_prometheus();
    let dropped = counter(
        &text,
        names::prometheus::OTEL_SDK_PROCESSOR_SPAN_PROCESSED,
        &["error_type=\"queue_full\""],
    );
    assert!(
        dropped > 0,
        "spans beyond the queue are counted as dropped:\n{text}"
    );
    assert!(dropped < REQUESTS as u64, "the queue kept some: {dropped}");
    shutdown_within_bound(monitoring).await;
}

/// Requests that finish and a shutdown that returns in time, whatever `answer` the collector
/// gives; returns the pipelines' /metrics text and how many exports it refused.
async fn against(protocol: OtlpProtocol, answer: support::otlp::Answer) -> (String, usize) {
    let receiver = support::otlp::Receiver::answering(answer).await;
    let addr = match protocol {
        OtlpProtocol::HttpProtobuf => receiver.http,
        _ => receiver.grpc,
    };
    let monitoring = endpoint(protocol, addr);
    serve_many(&app(monitoring.layer())).await;
    let _ = monitoring.tracer_provider().unwrap().force_flush();
    let text = monitoring.render_prometheus();
    shutdown_within_bound(monitoring).await;
    let refused = receiver.refused.load(std::sync::atomic::Ordering::SeqCst);
    receiver.stop();
    (text, refused)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_collector_never_slows_requests_or_shutdown() {
    for protocol in [OtlpProtocol::Grpc, OtlpProtocol::HttpProtobuf] {
        // Each export waits 3 s: longer than the shutdown bound, shorter than the
        // exporter's own timeout.
        let answer = support::otlp::Answer::Slowly(Duration::from_secs(3));
        let (text, _) = against(protocol, answer).await;
        assert_eq!(
            counter(
                &text,
                names::prometheus::OTEL_SDK_EXPORTER_SPAN_EXPORTED,
                &["error_type=\"export_failed\""]
            ),
            0,
            "{protocol:?}: slow is not failed\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_with_retry_after_are_counted_and_requests_go_on() {
    for protocol in [OtlpProtocol::Grpc, OtlpProtocol::HttpProtobuf] {
        for status in [503, 429] {
            let (text, refused) = against(protocol, support::otlp::Answer::Refuse(status)).await;
            assert!(
                refused > 0,
                "{protocol:?} {status}: nothing reached the collector"
            );
            let failed = counter(
                &text,
                names::prometheus::OTEL_SDK_EXPORTER_SPAN_EXPORTED,
                &["error_type=\"export_failed\""],
            );
            assert!(
                failed > 0,
                "{protocol:?} {status}: refused exports are counted\n{text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_restarted_mid_run_receives_the_spans_after_it() {
    for protocol in [OtlpProtocol::Grpc, OtlpProtocol::HttpProtobuf] {
        let receiver = support::otlp::Receiver::start().await;
        let addr = match protocol {
            OtlpProtocol::HttpProtobuf => receiver.http,
            _ => receiver.grpc,
        };
        let monitoring = endpoint(protocol, addr);
        let app = app(monitoring.layer());
        let burst = |n: usize| {
            let app = app.clone();
            async move {
                for i in 0..n {
                    let request = Request::get(format!("/users/{i}"))
                        .body(Body::empty())
                        .unwrap();
                    assert_eq!(support::send(&app, request).await.0, StatusCode::OK);
                }
            }
        };
        let flush = || {
            let _ = monitoring.tracer_provider().unwrap().force_flush();
        };
        burst(100).await;
        flush();
        let received = receiver.received.clone();
        assert_eq!(received.spans().len(), 100, "{protocol:?} before");

        // Down: the spans of this burst are lost, and counted.
        let (grpc, http) = (receiver.grpc, receiver.http);
        receiver.stop();
        burst(100).await;
        flush();
        let failed = counter(
            &monitoring.render_prometheus(),
            names::prometheus::OTEL_SDK_EXPORTER_SPAN_EXPORTED,
            &["error_type=\"export_failed\""],
        );
        assert!(failed > 0, "{protocol:?}: the outage is counted");

        // Back on the same ports: the spans after it arrive.
        let receiver = support::otlp::Receiver::start_on(grpc, http, received.clone()).await;
        burst(100).await;
        flush();
        let after = received.spans().len();
        assert!(
            after >= 200,
            "{protocol:?}: {after} spans; those after the restart should have arrived"
        );
        shutdown_within_bound(monitoring).await;
        receiver.stop();
    }
}
