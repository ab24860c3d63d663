//! Body sizes are the bytes that streamed, recorded once per request, not Content-Length.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::{get, post};
use http_body_util::BodyExt;
use support::{ChunkedBody, TestMetrics, chunks};
use tower::ServiceExt;
use tower_monitoring::names;

fn app() -> Router {
    Router::new()
        // Streams the request body back as it arrives.
        .route("/echo", post(|body: Body| async move { body }))
        // Three 1000-byte chunks with no Content-Length.
        .route(
            "/stream",
            get(|| async { Body::new(ChunkedBody::new(chunks(3, 1000))) }),
        )
        // Answers without reading the body it was sent.
        .route("/ignore", post(|| async { "ignored" }))
}

fn sizes(metrics: &TestMetrics, name: &str) -> Vec<(u64, f64)> {
    metrics
        .histogram(name)
        .iter()
        .map(|p| (p.count, p.sum))
        .collect()
}

#[tokio::test]
async fn a_chunked_request_and_its_echo_are_each_recorded_once_as_3000_bytes() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let request = Request::post("/echo")
        .body(Body::new(ChunkedBody::new(chunks(3, 1000))))
        .unwrap();
    let (_, body) = support::send(&router, request).await;
    assert_eq!(body.len(), 3000);

    assert_eq!(
        sizes(&metrics, names::HTTP_SERVER_REQUEST_BODY_SIZE),
        vec![(1, 3000.0)]
    );
    assert_eq!(
        sizes(&metrics, names::HTTP_SERVER_RESPONSE_BODY_SIZE),
        vec![(1, 3000.0)]
    );
    assert_eq!(
        metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION)[0].count,
        1
    );
}

#[tokio::test]
async fn a_streaming_response_is_one_observation_of_its_whole_length() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let response = router
        .oneshot(Request::get("/stream").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let mut body = response.into_body();

    // After the head and the first chunk, nothing is recorded yet: the request is in flight.
    body.frame().await.unwrap().unwrap();
    assert!(
        metrics
            .histogram(names::HTTP_SERVER_REQUEST_DURATION)
            .is_empty()
    );
    assert_eq!(metrics.active_requests(), 1);

    while body.frame().await.is_some() {}
    assert_eq!(
        sizes(&metrics, names::HTTP_SERVER_RESPONSE_BODY_SIZE),
        vec![(1, 3000.0)]
    );
    assert!(
        sizes(&metrics, names::HTTP_SERVER_REQUEST_BODY_SIZE).is_empty(),
        "a GET without a body has no request size to observe"
    );
    assert_eq!(metrics.active_requests(), 0);
}

#[tokio::test]
async fn content_length_is_not_trusted_over_the_bytes_that_streamed() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    // A client that claims 10 bytes and sends 2500.
    let request = Request::post("/echo")
        .header("content-length", "10")
        .body(Body::new(ChunkedBody::new(chunks(5, 500))))
        .unwrap();
    support::send(&router, request).await;
    assert_eq!(
        sizes(&metrics, names::HTTP_SERVER_REQUEST_BODY_SIZE),
        vec![(1, 2500.0)]
    );
}

#[tokio::test]
async fn an_unread_request_body_counts_what_the_service_read() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let request = Request::post("/ignore")
        .body(Body::new(ChunkedBody::new(chunks(4, 1000))))
        .unwrap();
    support::send(&router, request).await;
    assert_eq!(
        sizes(&metrics, names::HTTP_SERVER_REQUEST_BODY_SIZE),
        vec![(1, 0.0)]
    );
    assert_eq!(
        sizes(&metrics, names::HTTP_SERVER_RESPONSE_BODY_SIZE),
        vec![(1, 7.0)]
    );
}

#[tokio::test]
async fn large_bodies_land_in_megabyte_buckets() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let request = Request::post("/echo")
        .body(Body::new(ChunkedBody::new(chunks(10, 1 << 20))))
        .unwrap();
    support::send(&router, request).await;
    assert_eq!(
        sizes(&metrics, names::HTTP_SERVER_RESPONSE_BODY_SIZE),
        vec![(1, 10.0 * 1048576.0)]
    );
    // The bucket layout reaches past 10 MiB, so such a body is not lumped into +Inf with
    // everything above 10 kB (the SDK default).
    assert!(
        names::BODY_SIZE_BUCKETS
            .iter()
            .any(|&b| b > 10.0 * 1048576.0)
    );
}
