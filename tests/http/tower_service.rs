//! The layer on a plain tower service (no axum router): the inner service keeps its own
//! request body type, routes come from `RouteTemplate`, and errors are classified.

use crate::support;

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use support::{ChunkedBody, TestMetrics, chunks};
use tower::{Layer, ServiceExt, service_fn};
use tower_monitoring::RouteTemplate;
use tower_monitoring::names::{self, attr};

/// A response body that fails after its first chunk.
struct FailingBody(bool);

impl Body for FailingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(Some(Err(std::io::Error::other("upstream reset"))))
        } else {
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"partial")))))
        }
    }
}

#[tokio::test]
async fn route_templates_and_foreign_body_types_work_without_axum() {
    let metrics = TestMetrics::new();
    // This inner service insists on `Request<Full<Bytes>>`: the layer must not change it.
    let inner = service_fn(|request: Request<Full<Bytes>>| async move {
        let body = request.into_body().collect().await.unwrap().to_bytes();
        Ok::<_, Infallible>(Response::new(Full::new(body)))
    });
    let service = metrics.layer().layer(inner);

    let mut request = Request::post("/items/7")
        .body(Full::new(Bytes::from(vec![b'x'; 1234])))
        .unwrap();
    request
        .extensions_mut()
        .insert(RouteTemplate("/items/{id}"));
    let (_, body) = support::send(&service, request).await;
    assert_eq!(body.len(), 1234);

    let point = &metrics.durations_where(&[(attr::HTTP_ROUTE, "/items/{id}")])[0];
    assert_eq!(point.attributes[attr::HTTP_REQUEST_METHOD], "POST");
    // A `Full` body cannot be rewrapped in place; its exact size hint is used instead.
    let requests = metrics.histogram(names::HTTP_SERVER_REQUEST_BODY_SIZE);
    assert_eq!((requests[0].count, requests[0].sum), (1, 1234.0));
    let responses = metrics.histogram(names::HTTP_SERVER_RESPONSE_BODY_SIZE);
    assert_eq!((responses[0].count, responses[0].sum), (1, 1234.0));
}

#[tokio::test]
async fn an_inner_service_error_passes_through_and_is_recorded() {
    let metrics = TestMetrics::new();
    let inner = service_fn(|_: Request<ChunkedBody>| async {
        Err::<Response<Full<Bytes>>, _>(std::io::Error::other("db down"))
    });
    let err = metrics
        .layer()
        .layer(inner)
        .oneshot(Request::new(ChunkedBody::new(chunks(1, 10))))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "db down",
        "the error is the inner service's own"
    );

    let points = metrics.durations_where(&[(attr::ERROR_TYPE, "_OTHER")]);
    assert_eq!(points.len(), 1);
    assert!(
        !points[0]
            .attributes
            .contains_key(attr::HTTP_RESPONSE_STATUS_CODE)
    );
    assert_eq!(metrics.active_requests(), 0);
}

#[tokio::test]
async fn a_response_body_error_is_recorded_as_body_error() {
    let metrics = TestMetrics::new();
    let inner = service_fn(|_: Request<Full<Bytes>>| async {
        Ok::<_, Infallible>(Response::new(FailingBody(false)))
    });
    let response = metrics
        .layer()
        .layer(inner)
        .oneshot(Request::new(Full::default()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.into_body().collect().await.is_err());

    let points = metrics.durations_where(&[(attr::ERROR_TYPE, "body_error")]);
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].attributes[attr::HTTP_RESPONSE_STATUS_CODE], "200");
    assert_eq!(
        metrics.histogram(names::HTTP_SERVER_RESPONSE_BODY_SIZE)[0].sum,
        7.0
    );
    assert_eq!(metrics.active_requests(), 0);
}

#[tokio::test]
async fn many_distinct_outcomes_on_one_route_are_all_recorded() {
    // More distinct status codes than the lock-free slots hold: the overflow map takes them.
    let metrics = TestMetrics::new();
    let inner = service_fn(|request: Request<Full<Bytes>>| async move {
        let code: u16 = request
            .uri()
            .path()
            .trim_start_matches('/')
            .parse()
            .unwrap();
        let mut response = Response::new(Full::<Bytes>::default());
        *response.status_mut() = StatusCode::from_u16(code).unwrap();
        Ok::<_, Infallible>(response)
    });
    let service = metrics.layer().layer(inner);
    let codes: Vec<u16> = (200..230).chain(400..420).collect();
    for code in &codes {
        for _ in 0..2 {
            let mut request = Request::get(format!("/{code}"))
                .body(Full::default())
                .unwrap();
            request.extensions_mut().insert(RouteTemplate("/{code}"));
            support::send(&service, request).await;
        }
    }
    let points = metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION);
    assert_eq!(points.len(), codes.len());
    assert!(points.iter().all(|p| p.count == 2), "{points:?}");
}

#[tokio::test]
async fn one_service_serving_several_routes_labels_each_correctly() {
    // A hand-written router behind a single layered service: the per-service cache holds the
    // first route only; the others must still get their own series.
    let metrics = TestMetrics::new();
    let inner = service_fn(|_: Request<Full<Bytes>>| async {
        Ok::<_, Infallible>(Response::new(Full::<Bytes>::default()))
    });
    let service = metrics.layer().layer(inner);
    let templates = ["/a/{x}", "/b/{x}", "/c/{x}"];
    for i in 0..30 {
        let template = templates[i % 3];
        let mut request = Request::get(format!("/{}/{i}", &template[1..2]))
            .body(Full::default())
            .unwrap();
        request.extensions_mut().insert(RouteTemplate(template));
        support::send(&service, request).await;
    }
    for template in templates {
        let points = metrics.durations_where(&[(attr::HTTP_ROUTE, template)]);
        assert_eq!(
            points.iter().map(|p| p.count).sum::<u64>(),
            10,
            "{template}"
        );
    }
}
