//! A pool reader that panics cannot blank `/metrics`: its reading is skipped and counted,
//! and every scrape, the later ones included, still carries everything else. (Unguarded, the
//! panic poisoned the SDK's and the exporter's locks and every later scrape came back empty.)
//! Its own test binary: pools are registered on the global provider.

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use support::prometheus::sample;
use tower_monitoring::dependency::{self, PoolUsage};
use tower_monitoring::{MonitoringLayer, names::prometheus as prom};

#[tokio::test]
async fn a_panicking_pool_reader_costs_its_own_reading_only() {
    let (monitoring, _) = support::traced_installed("callbacks");
    dependency::register_pool("healthy", || PoolUsage::new(2, 1, 4));
    dependency::register_pool("broken", || panic!("the reader's own bug"));
    let app = Router::new()
        .route("/work", get(|| async { "done" }))
        .merge(monitoring.routes())
        .layer(MonitoringLayer::new());

    for scrape in 1..=3 {
        support::send(&app, Request::get("/work").body(Body::empty()).unwrap()).await;
        let (status, body) =
            support::send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(
            sample(
                &text,
                prom::DB_CLIENT_CONNECTION_MAX,
                &["pool_name=\"healthy\""]
            ),
            Some(4.0),
            "scrape {scrape}:\n{text}"
        );
        assert!(!text.contains("pool_name=\"broken\""), "{text}");
        assert_eq!(
            sample(
                &text,
                &format!("{}_count", prom::HTTP_SERVER_REQUEST_DURATION),
                &["http_route=\"/work\""]
            ),
            Some(f64::from(scrape)),
            "scrape {scrape}:\n{text}"
        );
        // Two instruments read each pool: two caught panics per collection.
        assert_eq!(
            sample(
                &text,
                prom::MONITORING_CALLBACK_PANICS,
                &["callback_kind=\"pool_reader\""]
            ),
            Some(f64::from(2 * scrape)),
            "scrape {scrape}:\n{text}"
        );
    }
}
