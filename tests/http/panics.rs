//! A handler that panics is a 500-class failure whichever side of `MonitoringLayer` tower-http's
//! `CatchPanicLayer` sits on, never a cancellation; the in-flight count is released.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use support::TestMetrics;
use tower_http::catch_panic::CatchPanicLayer;
use tower_monitoring::names::attr;

async fn panics() -> &'static str {
    panic!("the handler broke")
}

fn routes() -> Router {
    Router::new()
        .route("/panic", get(panics))
        .route("/fine", get(|| async { "fine" }))
}

fn assert_recorded_as_500(metrics: &TestMetrics) {
    let points = metrics.durations_where(&[(attr::HTTP_ROUTE, "/panic")]);
    assert_eq!(points.len(), 1, "{points:#?}");
    let point = &points[0];
    assert_eq!(point.count, 1);
    assert_eq!(
        point.attributes.get(attr::ERROR_TYPE).map(String::as_str),
        Some("500"),
        "{point:?}"
    );
    assert_eq!(
        point
            .attributes
            .get(attr::HTTP_RESPONSE_STATUS_CODE)
            .map(String::as_str),
        Some("500"),
        "{point:?}"
    );
    assert_eq!(metrics.active_requests(), 0);
}

#[tokio::test]
async fn catch_panic_inside_the_layer_the_recommended_order() {
    let metrics = TestMetrics::new();
    // `Router::layer` wraps what is already there: the later call is the outer layer.
    let router = routes()
        .layer(CatchPanicLayer::new())
        .layer(metrics.layer());
    let (status, _) =
        support::send(&router, Request::get("/panic").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_recorded_as_500(&metrics);
}

#[tokio::test]
async fn catch_panic_outside_the_layer() {
    let metrics = TestMetrics::new();
    let router = routes()
        .layer(metrics.layer())
        .layer(CatchPanicLayer::new());
    let (status, _) =
        support::send(&router, Request::get("/panic").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_recorded_as_500(&metrics);
    // The service goes on answering, and recording, after the panic.
    let (status, _) =
        support::send(&router, Request::get("/fine").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        metrics.durations_where(&[(attr::HTTP_ROUTE, "/fine")])[0].count,
        1
    );
}

#[tokio::test]
async fn a_panic_without_catch_panic_over_a_real_server_is_a_500_class_failure() {
    let metrics = TestMetrics::new();
    let router = routes().layer(metrics.layer());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    // hyper's connection task dies with the panic: the client sees the connection close.
    let result = reqwest::get(format!("http://{addr}/panic")).await;
    assert!(result.is_err(), "{result:?}");
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while metrics
            .durations_where(&[(attr::HTTP_ROUTE, "/panic")])
            .is_empty()
        {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the panicked request is recorded");
    server.abort();
    assert_recorded_as_500(&metrics);
}

#[tokio::test]
async fn a_body_that_panics_after_the_head_is_a_body_error() {
    let metrics = TestMetrics::new();
    let router = Router::new()
        .route("/broken-stream", get(|| async { Body::new(PanickingBody) }))
        .layer(metrics.layer());
    let response = tower::ServiceExt::oneshot(
        router,
        Request::get("/broken-stream").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    let body = response.into_body();
    let read = tokio::spawn(http_body_util::BodyExt::collect(body));
    assert!(read.await.unwrap_err().is_panic());
    let points = metrics.durations_where(&[(attr::HTTP_ROUTE, "/broken-stream")]);
    assert_eq!(points.len(), 1, "{points:#?}");
    assert_eq!(
        points[0]
            .attributes
            .get(attr::ERROR_TYPE)
            .map(String::as_str),
        Some("body_error")
    );
    assert_eq!(metrics.active_requests(), 0);
}

struct PanickingBody;

impl http_body::Body for PanickingBody {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        panic!("the stream broke")
    }
}
