//! The in-flight gauge goes 0 -> 1 -> 0 however a request ends, and cancelled requests are
//! counted with `error.type="cancelled"`.

use crate::support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use http_body_util::BodyExt;
use support::{ChunkedBody, TestMetrics, chunks};
use tower::ServiceExt;
use tower_monitoring::names::attr;

fn app() -> Router {
    Router::new()
        .route("/wait", get(std::future::pending::<&'static str>))
        .route(
            "/stall",
            get(|| async { Body::new(ChunkedBody::stalling(chunks(2, 100))) }),
        )
        .route("/quick", get(|| async { "done" }))
}

/// Polls `future` once, as a server does before the client goes away.
fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(std::task::Waker::noop()))
}

#[tokio::test]
async fn a_completed_request_goes_zero_one_zero() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let response = router
        .oneshot(Request::get("/quick").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        metrics.active_requests(),
        1,
        "in flight until the body ends"
    );
    response.into_body().collect().await.unwrap();
    assert_eq!(metrics.active_requests(), 0);
}

#[tokio::test]
async fn dropping_the_request_future_releases_and_counts_a_cancellation() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    {
        let mut call = pin!(router.oneshot(Request::get("/wait").body(Body::empty()).unwrap()));
        assert!(poll_once(call.as_mut()).is_pending());
        assert_eq!(metrics.active_requests(), 1);
    } // the client disconnects: the server drops the future
    assert_eq!(metrics.active_requests(), 0);

    let cancelled =
        metrics.durations_where(&[(attr::ERROR_TYPE, "cancelled"), (attr::HTTP_ROUTE, "/wait")]);
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].count, 1);
    assert!(
        !cancelled[0]
            .attributes
            .contains_key(attr::HTTP_RESPONSE_STATUS_CODE),
        "no response was sent"
    );
}

#[tokio::test]
async fn dropping_the_response_body_mid_stream_releases_and_counts_a_cancellation() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let response = router
        .oneshot(Request::get("/stall").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let mut body = response.into_body();
    body.frame().await.unwrap().unwrap();
    assert_eq!(metrics.active_requests(), 1);
    drop(body);
    assert_eq!(metrics.active_requests(), 0);

    let cancelled = metrics.durations_where(&[(attr::ERROR_TYPE, "cancelled")]);
    assert_eq!(cancelled.len(), 1);
    assert_eq!(
        cancelled[0].attributes[attr::HTTP_RESPONSE_STATUS_CODE],
        "200"
    );
    let sent = metrics.histogram(tower_monitoring::names::HTTP_SERVER_RESPONSE_BODY_SIZE);
    assert_eq!(
        sent[0].sum, 100.0,
        "the bytes sent before the drop are counted"
    );
}

#[tokio::test]
async fn any_mix_of_cancellations_returns_the_gauge_to_exactly_zero() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let mut in_flight_futures = Vec::new();
    let mut in_flight_bodies = Vec::new();
    for i in 0..90 {
        match i % 3 {
            0 => {
                let mut call = Box::pin(
                    router
                        .clone()
                        .oneshot(Request::get("/wait").body(Body::empty()).unwrap()),
                );
                assert!(poll_once(call.as_mut()).is_pending());
                in_flight_futures.push(call);
            }
            1 => {
                let request = Request::get("/stall").body(Body::empty()).unwrap();
                let mut body = router.clone().oneshot(request).await.unwrap().into_body();
                body.frame().await.unwrap().unwrap();
                in_flight_bodies.push(body);
            }
            _ => {
                let request = Request::get("/quick").body(Body::empty()).unwrap();
                support::send(&router, request).await;
            }
        }
    }
    assert_eq!(metrics.active_requests(), 60);
    // Drop them in an interleaved order.
    while !in_flight_futures.is_empty() || !in_flight_bodies.is_empty() {
        in_flight_futures.pop();
        in_flight_bodies.pop();
    }
    assert_eq!(metrics.active_requests(), 0);
    let cancelled: u64 = metrics
        .durations_where(&[(attr::ERROR_TYPE, "cancelled")])
        .iter()
        .map(|p| p.count)
        .sum();
    assert_eq!(cancelled, 60);
}

// The paused clock fires the timeout without waiting in real time.
#[tokio::test(start_paused = true)]
async fn a_timeout_layer_dropping_the_future_is_a_cancellation() {
    let metrics = TestMetrics::new();
    // The timeout sits outside the monitoring layer, as a server timeout does.
    let router =
        app()
            .layer(metrics.layer())
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                std::time::Duration::from_millis(20),
            ));
    let response = router
        .oneshot(Request::get("/wait").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), axum::http::StatusCode::REQUEST_TIMEOUT);
    assert_eq!(metrics.active_requests(), 0);
    assert_eq!(
        metrics
            .durations_where(&[(attr::ERROR_TYPE, "cancelled")])
            .len(),
        1
    );
}

#[tokio::test]
async fn two_layers_on_one_provider_add_up_their_in_flight_requests() {
    let metrics = TestMetrics::new();
    let first = app().layer(metrics.layer());
    let second = app().layer(metrics.layer());
    let mut calls = Vec::new();
    for (router, n) in [(&first, 2), (&second, 3)] {
        for _ in 0..n {
            let mut call = Box::pin(
                router
                    .clone()
                    .oneshot(Request::get("/wait").body(Body::empty()).unwrap()),
            );
            assert!(poll_once(call.as_mut()).is_pending());
            calls.push(call);
        }
    }
    assert_eq!(metrics.active_requests(), 5);
    drop(calls);
    assert_eq!(metrics.active_requests(), 0);
}
