//! The layer's failure classifier: replaced per layer, reading the head (a 404 that counts
//! on one API, a failure named from a header) or the trailers of a streaming body (a
//! protocol such as gRPC, which answers 200 and reports its status at the end).

use crate::support;

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;
use axum::routing::get;
use bytes::Bytes;
use http_body::Frame;
use support::TestMetrics;
use tower_monitoring::names::{self, attr};
use tower_monitoring::{Classify, Failure};

/// Reads `grpc-status` from the head or the trailers: what the gRPC classifier will do.
struct GrpcStatus;

impl GrpcStatus {
    fn of(headers: &HeaderMap) -> Option<Failure> {
        match headers.get("grpc-status")?.as_bytes() {
            b"0" => None,
            b"3" => Some(Failure::Named("INVALID_ARGUMENT")),
            _ => Some(Failure::Named("_OTHER")),
        }
    }
}

impl Classify for GrpcStatus {
    fn classify_response(&self, status: StatusCode, headers: &HeaderMap) -> Option<Failure> {
        if !status.is_success() {
            return Some(Failure::Status);
        }
        Self::of(headers)
    }

    fn classify_trailers(&self, trailers: &HeaderMap) -> Option<Failure> {
        Self::of(trailers)
    }
}

/// A body of one data frame and then trailers, as a gRPC reply ends.
struct TrailedBody(VecDeque<Frame<Bytes>>);

impl http_body::Body for TrailedBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(Ok))
    }
}

fn with_trailers(status: &'static str) -> Response {
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", status.parse().unwrap());
    let frames = [
        Frame::data(Bytes::from_static(b"reply")),
        Frame::trailers(trailers),
    ];
    Response::new(Body::new(TrailedBody(frames.into())))
}

fn error_types(metrics: &TestMetrics, route: &str) -> Vec<String> {
    let mut types: Vec<String> = metrics
        .histogram(names::HTTP_SERVER_REQUEST_DURATION)
        .into_iter()
        .filter(|point| point.attributes.get(attr::HTTP_ROUTE).map(String::as_str) == Some(route))
        .map(|point| {
            point
                .attributes
                .get(attr::ERROR_TYPE)
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    types.sort();
    types
}

async fn get_path(app: &Router, path: &str) {
    support::send(app, Request::get(path).body(Body::empty()).unwrap()).await;
}

#[tokio::test]
async fn a_layer_can_count_404_as_a_failure_and_name_one_from_a_header() {
    let metrics = TestMetrics::new();
    let app = Router::new()
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/quota",
            get(|| async { ([("x-quota-exceeded", "1")], "later") }),
        )
        .route("/ok", get(|| async { "ok" }))
        .layer(
            metrics
                .layer()
                .classify(|status: StatusCode, headers: &HeaderMap| {
                    if headers.contains_key("x-quota-exceeded") {
                        Some(Failure::Named("quota_exceeded"))
                    } else {
                        (status == StatusCode::NOT_FOUND || status.is_server_error())
                            .then_some(Failure::Status)
                    }
                }),
        );
    for path in ["/missing", "/quota", "/ok"] {
        get_path(&app, path).await;
    }
    assert_eq!(error_types(&metrics, "/missing"), ["404"]);
    assert_eq!(error_types(&metrics, "/quota"), ["quota_exceeded"]);
    assert_eq!(error_types(&metrics, "/ok"), [""]);
}

#[tokio::test]
async fn the_default_classifier_keeps_404_a_success() {
    let metrics = TestMetrics::new();
    let app = Router::new()
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .layer(metrics.layer());
    get_path(&app, "/missing").await;
    assert_eq!(error_types(&metrics, "/missing"), [""]);
}

#[tokio::test]
async fn a_failure_reported_in_the_trailers_of_a_200_is_a_failure() {
    let metrics = TestMetrics::new();
    let app = Router::new()
        .route("/fails", get(|| async { with_trailers("3") }))
        .route("/succeeds", get(|| async { with_trailers("0") }))
        .layer(metrics.layer().classify(GrpcStatus));
    get_path(&app, "/fails").await;
    get_path(&app, "/succeeds").await;
    assert_eq!(error_types(&metrics, "/fails"), ["INVALID_ARGUMENT"]);
    assert_eq!(error_types(&metrics, "/succeeds"), [""]);
    assert_eq!(metrics.active_requests(), 0);
}
