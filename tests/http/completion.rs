//! When a response is complete: a response that cannot carry a body (a reply to `HEAD`, 1xx,
//! 204, 304) when its head is produced, an empty one at once, and a body that streamed every
//! byte it announced even if the server drops it after its last frame. None of these is a
//! cancellation, so a load balancer's `HEAD /` checks never look like failures.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use support::{ChunkedBody, TestMetrics, chunks};
use tower_monitoring::names::attr;

fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "a page with a body\n" }))
        .route(
            "/no-content",
            // A handler that forgets that 204 has no body: hyper never sends it.
            get(|| async {
                (
                    StatusCode::NO_CONTENT,
                    Body::new(ChunkedBody::new(chunks(1, 10))),
                )
            }),
        )
        .route(
            "/not-modified",
            get(|| async {
                (
                    StatusCode::NOT_MODIFIED,
                    Body::new(ChunkedBody::new(chunks(1, 10))),
                )
            }),
        )
        .route(
            "/announced",
            // A stream of unknown length to the body itself, whose length the head announces:
            // hyper stops polling it once those bytes are written.
            get(|| async {
                (
                    [(header::CONTENT_LENGTH, "300")],
                    Body::new(NeverEnding(ChunkedBody::new(chunks(3, 100)))),
                )
                    .into_response()
            }),
        )
}

/// A body that never says it ended: after its chunks it stays pending.
struct NeverEnding(ChunkedBody);

impl http_body::Body for NeverEnding {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        match std::pin::Pin::new(&mut self.0).poll_frame(cx) {
            std::task::Poll::Ready(None) => std::task::Poll::Pending,
            other => other,
        }
    }
}

fn assert_succeeded(metrics: &TestMetrics, route: &str, method: &str, status: &str) {
    let points = metrics.durations_where(&[(attr::HTTP_ROUTE, route)]);
    assert_eq!(points.len(), 1, "{points:#?}");
    let point = &points[0];
    assert_eq!(point.count, 1, "{point:?}");
    assert_eq!(
        point.attributes.get(attr::ERROR_TYPE),
        None,
        "recorded as a failure or cancellation: {point:?}"
    );
    assert_eq!(
        point
            .attributes
            .get(attr::HTTP_REQUEST_METHOD)
            .map(String::as_str),
        Some(method)
    );
    assert_eq!(
        point
            .attributes
            .get(attr::HTTP_RESPONSE_STATUS_CODE)
            .map(String::as_str),
        Some(status)
    );
    assert_eq!(metrics.active_requests(), 0);
}

#[tokio::test]
async fn a_head_request_completes_with_its_head_and_is_not_cancelled() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let (status, body) =
        support::send(&router, Request::head("/").body(Body::empty()).unwrap()).await;
    assert_eq!(
        (status, body.len()),
        (StatusCode::OK, 0),
        "axum strips the body"
    );
    assert_succeeded(&metrics, "/", "HEAD", "200");
    assert!(
        metrics
            .histogram(tower_monitoring::names::HTTP_SERVER_RESPONSE_BODY_SIZE)
            .is_empty(),
        "a HEAD reply carries no body to size"
    );
}

#[tokio::test]
async fn responses_that_cannot_carry_a_body_complete_with_their_head() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    for uri in ["/no-content", "/not-modified"] {
        // The server drops the body unread, as hyper does for these statuses.
        let response = tower::ServiceExt::oneshot(
            router.clone(),
            Request::get(uri).body(Body::empty()).unwrap(),
        )
        .await
        .unwrap();
        drop(response);
    }
    assert_succeeded(&metrics, "/no-content", "GET", "204");
    assert_succeeded(&metrics, "/not-modified", "GET", "304");
}

#[tokio::test]
async fn a_body_dropped_after_the_bytes_it_announced_is_complete_over_a_real_server() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let client = reqwest::Client::new();
    for method in [reqwest::Method::GET, reqwest::Method::HEAD] {
        let response = client
            .request(method.clone(), format!("http://{addr}/announced"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body = response.bytes().await.unwrap();
        let expected = if method == reqwest::Method::HEAD {
            0
        } else {
            300
        };
        assert_eq!(body.len(), expected, "{method}");
    }
    let head = client.head(format!("http://{addr}/")).send().await.unwrap();
    assert_eq!(head.status(), 200);

    // The server records once it has dropped the bodies; wait for that, not for a time.
    let recorded = || {
        metrics
            .durations_where(&[])
            .iter()
            .map(|point| point.count)
            .sum::<u64>()
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while recorded() < 3 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the three requests are recorded");
    server.abort();

    for method in ["GET", "HEAD"] {
        let points = metrics.durations_where(&[
            (attr::HTTP_ROUTE, "/announced"),
            (attr::HTTP_REQUEST_METHOD, method),
        ]);
        assert_eq!(points.len(), 1, "{method}: {points:#?}");
        assert_eq!(
            points[0].attributes.get(attr::ERROR_TYPE),
            None,
            "{points:?}"
        );
    }
    assert_succeeded(&metrics, "/", "HEAD", "200");
    let sizes = metrics.histogram(tower_monitoring::names::HTTP_SERVER_RESPONSE_BODY_SIZE);
    assert_eq!(sizes.len(), 1, "only the GET carried a body: {sizes:#?}");
    assert_eq!(sizes[0].sum, 300.0);
}

#[tokio::test]
async fn a_stream_dropped_before_the_bytes_it_announced_is_still_cancelled() {
    let metrics = TestMetrics::new();
    let router = Router::new()
        .route(
            "/short",
            get(|| async {
                (
                    [(header::CONTENT_LENGTH, "1000")],
                    Body::new(NeverEnding(ChunkedBody::new(chunks(1, 100)))),
                )
                    .into_response()
            }),
        )
        .layer(metrics.layer());
    let response =
        tower::ServiceExt::oneshot(router, Request::get("/short").body(Body::empty()).unwrap())
            .await
            .unwrap();
    let mut body = response.into_body();
    let frame = http_body_util::BodyExt::frame(&mut body).await;
    assert!(frame.is_some());
    drop(body);
    let cancelled = metrics.durations_where(&[(attr::ERROR_TYPE, "cancelled")]);
    assert_eq!(cancelled.len(), 1, "{cancelled:#?}");
}
