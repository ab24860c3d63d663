//! Bucket bounds chosen per instrument from the builder reach `/metrics`, and the summary
//! gives figures with them where the default buckets could only bound the quantile.

use crate::support;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use serde_json::Value;
use tower_monitoring::{ErrorKind, Monitoring, names};

/// Requests of about 2 ms: under the first default bucket (5 ms).
fn app(monitoring: &Monitoring) -> Router {
    Router::new()
        .route(
            "/quick",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(2)).await;
                "done"
            }),
        )
        .layer(monitoring.layer())
}

async fn serve_some(monitoring: &Monitoring) -> Value {
    let app = app(monitoring);
    for _ in 0..20 {
        support::send(&app, Request::get("/quick").body(Body::empty()).unwrap()).await;
    }
    monitoring
        .dependencies()
        .db("sqlite", "select", "users", async {
            Ok::<_, std::io::Error>(())
        })
        .await
        .unwrap();
    serde_json::to_value(monitoring.summary()).unwrap()
}

#[tokio::test]
async fn the_default_buckets_only_bound_a_fast_service() {
    let monitoring = Monitoring::builder().build().unwrap();
    let summary = serve_some(&monitoring).await;
    assert_eq!(summary["latency_ms"]["p50"], Value::Null, "{summary}");
    assert_eq!(summary["latency_ms"]["p50_at_most"], 5.0, "{summary}");
}

#[tokio::test]
async fn buckets_set_per_instrument_give_the_summary_a_figure() {
    let monitoring = Monitoring::builder()
        .histogram_buckets(
            names::HTTP_SERVER_REQUEST_DURATION,
            [0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.006, 0.1],
        )
        .histogram_buckets(names::DB_CLIENT_OPERATION_DURATION, vec![0.25, 0.75])
        .build()
        .unwrap();
    let summary = serve_some(&monitoring).await;

    let p50 = summary["latency_ms"]["p50"].as_f64().expect("a figure");
    assert!((2.0..=100.0).contains(&p50), "{summary}");
    assert!(
        summary["latency_ms"].get("p50_at_most").is_none(),
        "{summary}"
    );

    let text = monitoring.render_prometheus();
    let buckets_of = |metric: &str| -> Vec<String> {
        text.lines()
            .filter(|line| line.starts_with(&format!("{metric}_bucket{{")))
            .filter_map(|line| Some(line.split("le=\"").nth(1)?.split('"').next()?.to_owned()))
            .collect()
    };
    assert_eq!(
        buckets_of(names::prometheus::HTTP_SERVER_REQUEST_DURATION),
        [
            "0.0005", "0.001", "0.0015", "0.002", "0.003", "0.004", "0.006", "0.1", "+Inf"
        ],
        "{text}"
    );
    assert_eq!(
        buckets_of(names::prometheus::DB_CLIENT_OPERATION_DURATION),
        ["0.25", "0.75", "+Inf"],
        "{text}"
    );
    // The others keep theirs.
    let sizes = buckets_of(names::prometheus::HTTP_SERVER_RESPONSE_BODY_SIZE);
    assert_eq!(sizes.len(), names::BODY_SIZE_BUCKETS.len() + 1, "{text}");
}

#[test]
fn bounds_that_make_no_histogram_are_refused_naming_the_instrument() {
    let err = Monitoring::builder()
        .histogram_buckets(names::HTTP_SERVER_REQUEST_DURATION, [0.5, 0.1])
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string().contains("\"http.server.request.duration\""),
        "{err}"
    );
    let err = Monitoring::builder()
        .histogram_buckets(names::prometheus::HTTP_SERVER_REQUEST_DURATION, [0.1])
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("as OpenTelemetry does"), "{err}");
}
