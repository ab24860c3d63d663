//! The cardinality limit: a setting, applied to every instrument, and an overflow that is
//! counted, named in one warning and shown on the summary.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use tower_monitoring::Monitoring;
use tower_monitoring::names::prometheus::HTTP_SERVER_REQUEST_DURATION;

const LIMIT: usize = 40;

/// `routes` routes, each asked `hits` times.
async fn serve_routes(monitoring: &Monitoring, routes: usize, hits: usize) {
    let mut router = Router::new();
    for route in 0..routes {
        router = router.route(&format!("/r{route}"), get(|| async { "body" }));
    }
    let router = router.layer(monitoring.layer());
    for route in 0..routes {
        for _ in 0..hits {
            let request = Request::get(format!("/r{route}"))
                .body(Body::empty())
                .unwrap();
            support::send(&router, request).await;
        }
    }
}

fn count_series(text: &str) -> Vec<f64> {
    support::prometheus::samples(text, &format!("{HTTP_SERVER_REQUEST_DURATION}_count"), &[])
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn at_the_limit_every_series_is_kept_and_nothing_is_said() {
    let monitoring = Monitoring::builder()
        .cardinality_limit(LIMIT)
        .build()
        .unwrap();
    let logs = support::capture_logs(|| {
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(serve_routes(&monitoring, LIMIT, 2))
        })
    });
    monitoring.render_prometheus();
    let text = monitoring.render_prometheus();
    assert_eq!(count_series(&text).len(), LIMIT, "{text}");
    assert!(!text.contains("otel_metric_overflow"), "{text}");
    assert!(
        !text.contains("monitoring_metric_overflow_total{"),
        "{text}"
    );
    assert!(!logs.contains("cardinality limit"), "{logs}");
    assert!(monitoring.summary().telemetry.metric_overflow.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_limit_the_fold_is_counted_and_named_once() {
    let monitoring = Monitoring::builder()
        .cardinality_limit(LIMIT)
        .build()
        .unwrap();
    let extra = 10;
    let logs = support::capture_logs(|| {
        tokio::task::block_in_place(|| {
            let runtime = tokio::runtime::Handle::current();
            runtime.block_on(serve_routes(&monitoring, LIMIT + extra, 3));
            // The first scrape finds the overflow; the second reports its count.
            monitoring.render_prometheus();
            monitoring.render_prometheus();
        })
    });
    let text = monitoring.render_prometheus();

    let kept: Vec<f64> = count_series(&text);
    assert_eq!(
        kept.len(),
        LIMIT + 1,
        "the kept series and one overflow series:\n{text}"
    );
    let overflow = support::prometheus::sample(
        &text,
        &format!("{HTTP_SERVER_REQUEST_DURATION}_count"),
        &["otel_metric_overflow=\"true\""],
    );
    assert_eq!(overflow, Some((extra * 3) as f64), "{text}");
    let folded = |instrument: &str| {
        support::prometheus::sample(
            &text,
            "monitoring_metric_overflow_total",
            &[&format!("metric_name=\"{instrument}\"")],
        )
    };
    assert_eq!(
        folded("http.server.request.duration"),
        Some((extra * 3) as f64),
        "{text}"
    );
    assert_eq!(
        folded("http.server.response.body.size"),
        Some((extra * 3) as f64),
        "{text}"
    );
    assert_eq!(
        folded("http.server.time_to_first_byte"),
        Some((extra * 3) as f64),
        "{text}"
    );

    let warnings: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("passed its cardinality limit"))
        .collect();
    // The duration, the response size and the time to first byte: the three histograms
    // every request of these routes records.
    assert_eq!(warnings.len(), 3, "one per instrument:\n{logs}");
    assert!(
        warnings
            .iter()
            .any(|line| line.contains("metric http.server.request.duration")
                && line.contains("limit of 40 series")
                && line.contains("MONITORING_CARDINALITY_LIMIT")),
        "{logs}"
    );

    let summary = monitoring.summary();
    assert_eq!(
        summary
            .telemetry
            .metric_overflow
            .get("http.server.request.duration"),
        Some(&((extra * 3) as f64))
    );
    support::prometheus::promtool_accepts(&text);
}

#[tokio::test]
async fn the_default_keeps_ten_thousand_series_per_instrument() {
    assert_eq!(tower_monitoring::DEFAULT_CARDINALITY_LIMIT, 10_000);
    let monitoring = Monitoring::builder().build().unwrap();
    // 500 routes of 8 label sets each would be 4,000: ask for more than the SDK's 2,000.
    serve_routes(&monitoring, 2_100, 1).await;
    let text = monitoring.render_prometheus();
    assert_eq!(count_series(&text).len(), 2_100);
    assert!(!text.contains("otel_metric_overflow"));
}

#[tokio::test]
async fn a_limit_out_of_range_is_refused() {
    for limit in [0, 100_001] {
        let err = Monitoring::builder()
            .cardinality_limit(limit)
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("must be between 1 and 100000 series per instrument"),
            "{err}"
        );
    }
}

/// The operations of the database series in the pushes received so far, `"overflow"` for the
/// overflow series.
fn pushed_operations(receiver: &support::otlp::Receiver) -> Vec<Vec<String>> {
    receiver
        .received
        .metrics()
        .into_iter()
        .filter(|metric| metric.name == tower_monitoring::names::DB_CLIENT_OPERATION_DURATION)
        .map(|metric| {
            let mut operations: Vec<String> = metric
                .points
                .iter()
                .map(|point| match point.attr("otel.metric.overflow") {
                    Some("true") => "overflow".to_owned(),
                    _ => point.attr("db.operation.name").unwrap_or("-").to_owned(),
                })
                .collect();
            operations.sort();
            operations
        })
        .collect()
}

/// Waits until a push of the database series satisfies `wanted`; returns it.
async fn pushed(
    receiver: &support::otlp::Receiver,
    wanted: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(found) = pushed_operations(receiver)
            .into_iter()
            .find(|ops| wanted(ops))
        {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no such push; received {:?}",
            pushed_operations(receiver)
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// With delta pushes the SDK forgets a series idle for an interval, so label sets that were
/// folded past the limit get series of their own once room is free. (The HTTP layer's bound
/// series are never bound past the limit, so none is ever pinned to the overflow series.)
#[tokio::test(flavor = "multi_thread")]
async fn with_delta_pushes_idle_series_expire_and_later_label_sets_get_their_own() {
    use opentelemetry_sdk::metrics::Temporality;
    use tower_monitoring::{MetricsExport, OtlpProtocol};

    let receiver = support::otlp::Receiver::start().await;
    let interval = std::time::Duration::from_millis(100);
    let monitoring = Monitoring::builder()
        .otlp_endpoint(receiver.http_endpoint())
        .otlp_protocol(OtlpProtocol::HttpProtobuf)
        .metrics_export(MetricsExport::Push)
        .metrics_temporality(Temporality::Delta)
        .metric_export_interval(interval)
        .cardinality_limit(3)
        .build()
        .unwrap();
    let dependencies = monitoring.dependencies();
    macro_rules! query {
        ($operation:literal) => {
            dependencies
                .db("postgresql", $operation, "orders", async {
                    Ok::<_, std::io::Error>(())
                })
                .await
                .unwrap()
        };
    }
    query!("a");
    query!("b");
    query!("c");
    query!("d");
    query!("e");
    let first = pushed(&receiver, |ops| ops.contains(&"overflow".to_owned())).await;
    assert_eq!(first, ["a", "b", "c", "overflow"]);

    // Idle for a few intervals: a, b and c expire.
    tokio::time::sleep(interval * 4).await;
    receiver.received.clear();
    query!("d");
    query!("e");
    let later = pushed(&receiver, |ops| !ops.is_empty()).await;
    assert_eq!(
        later,
        ["d", "e"],
        "the folded label sets now have series of their own"
    );
}
