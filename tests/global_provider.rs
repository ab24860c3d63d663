//! `MonitoringLayer::new()` records into whatever global provider is installed, never panics
//! without one, and may be built before `install()`. Its own test binary: it owns the global.

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower_monitoring::{Monitoring, MonitoringLayer};

async fn hit(router: &Router) -> StatusCode {
    support::send(router, Request::get("/a").body(Body::empty()).unwrap())
        .await
        .0
}

#[tokio::test]
async fn the_layer_follows_the_global_provider() {
    // No provider installed: the OpenTelemetry no-op global. Requests are served normally.
    let without_provider = Router::new()
        .route("/a", get(|| async { "a" }))
        .layer(MonitoringLayer::new());
    assert_eq!(hit(&without_provider).await, StatusCode::OK);

    // Built before the pipeline exists, used after: it finds the provider on first request.
    let early = Router::new()
        .route("/a", get(|| async { "a" }))
        .layer(MonitoringLayer::new());
    let monitoring = Monitoring::builder()
        .service_name("global")
        .install()
        .unwrap();
    assert_eq!(hit(&early).await, StatusCode::OK);
    assert_eq!(hit(&early).await, StatusCode::OK);

    let text = monitoring.render_prometheus();
    assert!(text.contains("http_route=\"/a\""), "{text}");
    assert!(text.contains("http_server_request_duration_seconds_count{http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"/a\""), "{text}");
    monitoring.shutdown().await.unwrap();
}
