//! Metrics pushed over OTLP to the test receiver (the official protobufs), over gRPC and
//! HTTP/protobuf, cumulative and delta, beside the scrape or instead of it; a collector
//! that is down or never answers; the last interval flushed on shutdown.

use std::time::{Duration, Instant};

use crate::support;
use crate::support::otlp::{ReceivedMetric, Receiver};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use opentelemetry_sdk::metrics::Temporality;
use tower_monitoring::names::{self, attr};
use tower_monitoring::{Endpoints, MetricsExport, Monitoring, OtlpProtocol};

const INTERVAL: Duration = Duration::from_millis(100);

fn app(monitoring: &Monitoring) -> Router {
    Router::new()
        .route("/a", get(|| async { "a" }))
        .layer(monitoring.layer())
        .merge(monitoring.routes_for(Endpoints::SCRAPE))
}

async fn hit(router: &Router, times: usize) {
    for _ in 0..times {
        let request = Request::get("/a").body(Body::empty()).unwrap();
        assert_eq!(support::send(router, request).await.0, StatusCode::OK);
    }
}

/// Waits for an export whose request-duration point for `/a` satisfies `wanted`.
async fn duration_point(receiver: &Receiver, wanted: impl Fn(u64) -> bool) -> ReceivedMetric {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = receiver
            .received
            .metrics()
            .into_iter()
            .rev()
            .find(|metric| {
                metric.name == names::HTTP_SERVER_REQUEST_DURATION
                    && metric.points.iter().any(|point| {
                        point.attr(attr::HTTP_ROUTE) == Some("/a")
                            && point.count.is_some_and(&wanted)
                    })
            });
        if let Some(metric) = found {
            return metric;
        }
        assert!(
            Instant::now() < deadline,
            "no matching export; received {:#?}",
            receiver
                .received
                .last_metric(names::HTTP_SERVER_REQUEST_DURATION)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn count_of(metric: &ReceivedMetric) -> u64 {
    metric
        .points
        .iter()
        .filter(|point| point.attr(attr::HTTP_ROUTE) == Some("/a"))
        .filter_map(|point| point.count)
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn cumulative_over_grpc_beside_the_scrape() {
    let receiver = Receiver::start().await;
    let monitoring = Monitoring::builder()
        .service_name("pushed")
        .otlp_endpoint(receiver.grpc_endpoint())
        .metrics_export(MetricsExport::ScrapeAndPush)
        .metric_export_interval(INTERVAL)
        .build()
        .unwrap();
    let router = app(&monitoring);
    hit(&router, 3).await;

    let duration = duration_point(&receiver, |count| count == 3).await;
    assert_eq!(duration.unit, "s");
    assert_eq!(duration.kind, "histogram");
    assert_eq!(duration.temporality, "AGGREGATION_TEMPORALITY_CUMULATIVE");
    assert_eq!(
        duration.resource.get("service.name").map(String::as_str),
        Some("pushed")
    );
    let point = duration
        .points
        .iter()
        .find(|point| point.attr(attr::HTTP_ROUTE) == Some("/a"))
        .unwrap();
    assert_eq!(point.attr(attr::HTTP_REQUEST_METHOD), Some("GET"));
    assert_eq!(point.attr(attr::HTTP_RESPONSE_STATUS_CODE), Some("200"));
    let active = receiver
        .received
        .last_metric(names::HTTP_SERVER_ACTIVE_REQUESTS)
        .expect("the in-flight gauge is pushed too");
    assert_eq!((active.kind, active.unit.as_str()), ("sum", "{request}"));
    assert!(active.points.iter().all(|point| point.value == 0.0));

    // The scrape still answers, with the same count.
    let text = monitoring.render_prometheus();
    let scraped = support::prometheus::sample(
        &text,
        "http_server_request_duration_seconds_count",
        &["http_route=\"/a\""],
    );
    assert_eq!(scraped, Some(3.0), "{text}");
    // Counted once the exporter has its answer, a moment after the receiver kept it.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = monitoring.render_prometheus();
        let pushed = support::prometheus::sample(
            &text,
            "otel_sdk_exporter_metric_data_point_exported_total",
            &[],
        );
        if pushed.is_some_and(|points| points > 0.0) {
            assert!(!text.contains("export_failed"), "{text}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no pushed point counted:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn delta_over_http_protobuf_instead_of_the_scrape() {
    let receiver = Receiver::start().await;
    let monitoring = Monitoring::builder()
        .otlp_endpoint(receiver.http_endpoint())
        .otlp_protocol(OtlpProtocol::HttpProtobuf)
        .metrics_export(MetricsExport::Push)
        .metrics_temporality(Temporality::Delta)
        .metric_export_interval(INTERVAL)
        .build()
        .unwrap();
    let router = app(&monitoring);
    hit(&router, 2).await;
    let first = duration_point(&receiver, |count| count == 2).await;
    assert_eq!(first.temporality, "AGGREGATION_TEMPORALITY_DELTA");
    receiver.received.clear();
    hit(&router, 1).await;
    let second = duration_point(&receiver, |count| count >= 1).await;
    assert_eq!(count_of(&second), 1, "a delta carries only what followed");

    // No scrape: /metrics says so, and the summary still reads the SDK's data.
    let (status, body) = support::send(
        &router,
        Request::get("/metrics").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("scrape is switched off"));
    assert_eq!(monitoring.summary().requests.total, 3.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cumulative_push_alone_feeds_the_summary_without_a_reader_of_its_own() {
    let receiver = Receiver::start().await;
    let monitoring = Monitoring::builder()
        .otlp_endpoint(receiver.grpc_endpoint())
        .metrics_export(MetricsExport::Push)
        .metric_export_interval(INTERVAL)
        .build()
        .unwrap();
    let router = app(&monitoring);
    hit(&router, 4).await;
    assert_eq!(monitoring.summary().requests.total, 4.0);
    assert!(monitoring.render_prometheus().is_empty());
    duration_point(&receiver, |count| count == 4).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_pushes_the_last_interval() {
    let receiver = Receiver::start().await;
    let monitoring = Monitoring::builder()
        .otlp_endpoint(receiver.grpc_endpoint())
        .metrics_export(MetricsExport::Push)
        // Far longer than the test: only the shutdown can push.
        .metric_export_interval(Duration::from_secs(600))
        .build()
        .unwrap();
    hit(&app(&monitoring), 5).await;
    assert!(receiver.received.metrics().is_empty());
    let started = Instant::now();
    monitoring.shutdown().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    let duration = receiver
        .received
        .last_metric(names::HTTP_SERVER_REQUEST_DURATION)
        .expect("the last interval is pushed on shutdown");
    assert_eq!(count_of(&duration), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_collector_that_never_answers_costs_dropped_exports_never_requests() {
    let (black_hole, _task) = support::otlp::black_hole().await;
    let bound = Duration::from_secs(2);
    let monitoring = Monitoring::builder()
        .otlp_endpoint(format!("http://{black_hole}"))
        .metrics_export(MetricsExport::ScrapeAndPush)
        .metric_export_interval(INTERVAL)
        .shutdown_timeout(bound)
        .build()
        .unwrap();
    let router = app(&monitoring);
    // Exports hang on the black hole while requests go on at full speed.
    tokio::time::timeout(Duration::from_secs(30), hit(&router, 2_000))
        .await
        .expect("requests must not wait for the collector");
    let text = monitoring.render_prometheus();
    assert_eq!(
        support::prometheus::sample(
            &text,
            "http_server_request_duration_seconds_count",
            &["http_route=\"/a\""]
        ),
        Some(2_000.0)
    );
    let started = Instant::now();
    let _ = monitoring.shutdown().await;
    assert!(
        started.elapsed() < bound + Duration::from_millis(1_500),
        "shutdown took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_collector_that_is_down_is_counted_as_failed_points() {
    let nothing = support::otlp::free_port();
    let monitoring = Monitoring::builder()
        .otlp_endpoint(format!("http://{nothing}"))
        .otlp_protocol(OtlpProtocol::HttpProtobuf)
        .metrics_export(MetricsExport::ScrapeAndPush)
        .metric_export_interval(INTERVAL)
        .build()
        .unwrap();
    hit(&app(&monitoring), 1).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = monitoring.render_prometheus();
        let failed = support::prometheus::sample(
            &text,
            "otel_sdk_exporter_metric_data_point_exported_total",
            &["error_type=\"export_failed\""],
        );
        if failed.is_some_and(|points| points > 0.0) {
            let failure = monitoring.summary().telemetry.last_export_failure_unix;
            assert!(failure.is_some(), "the summary shows the failed push");
            break;
        }
        assert!(Instant::now() < deadline, "no failed push counted:\n{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn exponential_histograms_are_pushed_for_the_instruments_named() {
    let receiver = Receiver::start().await;
    let monitoring = Monitoring::builder()
        .otlp_endpoint(receiver.grpc_endpoint())
        .metrics_export(MetricsExport::Push)
        .exponential_histograms([names::HTTP_SERVER_REQUEST_DURATION])
        .metric_export_interval(INTERVAL)
        .build()
        .unwrap();
    hit(&app(&monitoring), 3).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let (duration, body) = loop {
        let duration = receiver
            .received
            .last_metric(names::HTTP_SERVER_REQUEST_DURATION);
        let body = receiver
            .received
            .last_metric(names::HTTP_SERVER_RESPONSE_BODY_SIZE);
        if let (Some(duration), Some(body)) = (duration, body) {
            if count_of(&duration) == 3 {
                break (duration, body);
            }
        }
        assert!(Instant::now() < deadline, "no exponential histogram pushed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(duration.kind, "exponential_histogram");
    assert_eq!(
        body.kind, "histogram",
        "the others keep their explicit buckets"
    );
    // What the summary reads from the same reader still counts the requests and reads a
    // latency out of the exponential buckets (in-process requests take well under 5 ms).
    let summary = monitoring.summary();
    assert_eq!(summary.requests.total, 3.0);
    assert_eq!(
        summary.latency_ms.p95_at_most,
        Some(5.0),
        "{:?}",
        summary.latency_ms
    );
}

#[tokio::test]
async fn exponential_histograms_beside_the_scrape_are_refused() {
    let err = Monitoring::builder()
        .exponential_histograms(["*"])
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("exponential histograms reach only an OTLP push"),
        "{err}"
    );
    let err = Monitoring::builder()
        .metrics_export(MetricsExport::Off)
        .histogram_buckets(names::HTTP_SERVER_REQUEST_DURATION, [0.1, 1.0])
        .exponential_histograms([names::HTTP_SERVER_REQUEST_DURATION])
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("keep one"), "{err}");
}
