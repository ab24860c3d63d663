//! What `MonitoringLayer` records per request: counts, attributes, routes, methods, errors,
//! exclusions and the cardinality bound on unmatched paths.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::routing::{get, post};
use support::{TestMetrics, attrs};
use tower_monitoring::names::{self, attr};

fn app() -> Router {
    Router::new()
        .route(
            "/users/{id}",
            get(|| async { "user" }).delete(|| async { StatusCode::NO_CONTENT }),
        )
        .route(
            "/orders",
            post(|| async { (StatusCode::CREATED, "created") }),
        )
        .route(
            "/error",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route("/metrics", get(|| async { "scrape" }))
        .route("/health", get(|| async { "ok" }))
}

async fn send(router: &Router, method: Method, uri: &str) -> StatusCode {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    support::send(router, request).await.0
}

#[tokio::test]
async fn counts_each_route_method_and_status_with_semconv_attributes() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());

    for id in 1..=3 {
        assert_eq!(
            send(&router, Method::GET, &format!("/users/{id}")).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        send(&router, Method::DELETE, "/users/9").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&router, Method::POST, "/orders").await,
        StatusCode::CREATED
    );

    let mut points = metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION);
    points.sort_by(|a, b| a.attributes.cmp(&b.attributes));
    let seen: Vec<_> = points
        .iter()
        .map(|p| (p.attributes.clone(), p.count))
        .collect();
    let common = [
        (attr::URL_SCHEME, "http"),
        (attr::NETWORK_PROTOCOL_VERSION, "1.1"),
    ];
    let expected = |method, route, status| {
        let mut a = attrs(&common);
        a.extend(attrs(&[
            (attr::HTTP_REQUEST_METHOD, method),
            (attr::HTTP_ROUTE, route),
            (attr::HTTP_RESPONSE_STATUS_CODE, status),
        ]));
        a
    };
    let mut want = vec![
        (expected("GET", "/users/{id}", "200"), 3),
        (expected("DELETE", "/users/{id}", "204"), 1),
        (expected("POST", "/orders", "201"), 1),
    ];
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen, want,
        "raw paths such as /users/1 must never become labels"
    );

    // Every request is finished, and each series' durations are positive.
    assert_eq!(metrics.active_requests(), 0);
    assert!(points.iter().all(|p| p.sum > 0.0));
}

#[tokio::test]
async fn server_errors_carry_their_status_as_error_type() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    assert_eq!(
        send(&router, Method::GET, "/error").await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(send(&router, Method::GET, "/users/1").await, StatusCode::OK);

    let errors = metrics.durations_where(&[(attr::HTTP_ROUTE, "/error")]);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0]
            .attributes
            .get(attr::ERROR_TYPE)
            .map(String::as_str),
        Some("500")
    );
    let ok = metrics.durations_where(&[(attr::HTTP_ROUTE, "/users/{id}")]);
    assert!(
        !ok[0].attributes.contains_key(attr::ERROR_TYPE),
        "2xx is not an error"
    );
}

#[tokio::test]
async fn unknown_methods_fold_into_other() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    for method in ["PROPFIND", "BREW", "X-SCAN"] {
        send(
            &router,
            Method::from_bytes(method.as_bytes()).unwrap(),
            "/users/1",
        )
        .await;
    }
    let methods: Vec<_> = metrics
        .histogram(names::HTTP_SERVER_REQUEST_DURATION)
        .into_iter()
        .map(|p| (p.attributes[attr::HTTP_REQUEST_METHOD].clone(), p.count))
        .collect();
    assert_eq!(methods, vec![("_OTHER".to_owned(), 3)]);
}

#[tokio::test]
async fn unmatched_paths_share_one_series_however_many_there_are() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    for i in 0..2_000 {
        // What a scanner sends: random paths, some long, some with odd bytes escaped.
        let path = format!("/wp-admin/{i}/%ff%fe/{}", "a".repeat(i % 300));
        assert_eq!(
            send(&router, Method::GET, &path).await,
            StatusCode::NOT_FOUND
        );
    }
    let points = metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION);
    assert_eq!(
        points.len(),
        1,
        "one series for every unmatched path: {points:?}"
    );
    assert_eq!(points[0].count, 2_000);
    assert!(
        !points[0].attributes.contains_key(attr::HTTP_ROUTE),
        "unmatched requests carry no http.route"
    );
    assert_eq!(points[0].attributes[attr::HTTP_RESPONSE_STATUS_CODE], "404");
}

#[tokio::test]
async fn excluded_paths_record_nothing_not_even_in_flight() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer().exclude_path("/health"));
    send(&router, Method::GET, "/metrics").await; // excluded by default
    send(&router, Method::GET, "/health").await; // excluded explicitly
    send(&router, Method::GET, "/metrics").await;
    assert!(
        metrics
            .histogram(names::HTTP_SERVER_REQUEST_DURATION)
            .is_empty()
    );
    assert!(
        metrics
            .sum_i64(names::HTTP_SERVER_ACTIVE_REQUESTS)
            .is_empty()
    );

    send(&router, Method::GET, "/users/1").await;
    assert_eq!(
        metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION).len(),
        1
    );
}

#[tokio::test]
async fn an_empty_exclusion_list_records_the_metrics_path_too() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer().exclude_operator_endpoints(false));
    send(&router, Method::GET, "/metrics").await;
    assert_eq!(
        metrics
            .durations_where(&[(attr::HTTP_ROUTE, "/metrics")])
            .len(),
        1
    );
}

#[tokio::test]
async fn client_controlled_headers_never_become_labels() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let request = Request::get("/users/1")
        .header("host", "evil.example")
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "evil.example")
        .body(Body::empty())
        .unwrap();
    support::send(&router, request).await;
    let point = &metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION)[0];
    assert_eq!(
        point.attributes[attr::URL_SCHEME],
        "http",
        "X-Forwarded-Proto is not trusted"
    );
    assert!(
        point.attributes.values().all(|v| !v.contains("evil")),
        "{point:?}"
    );
}

#[tokio::test]
async fn http2_requests_report_their_protocol_version() {
    let metrics = TestMetrics::new();
    let router = app().layer(metrics.layer());
    let request = Request::get("https://example.test/users/1")
        .version(axum::http::Version::HTTP_2)
        .body(Body::empty())
        .unwrap();
    support::send(&router, request).await;
    let point = &metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION)[0];
    assert_eq!(point.attributes[attr::NETWORK_PROTOCOL_VERSION], "2");
    assert_eq!(
        point.attributes[attr::URL_SCHEME],
        "http",
        "HTTP/2's :scheme is the client's word; the server was not told it speaks TLS"
    );
}

#[tokio::test]
async fn nested_routers_label_the_full_template() {
    let metrics = TestMetrics::new();
    let api = Router::new().route("/items/{id}", get(|| async { "item" }));
    let router = Router::new().nest("/api/v1", api).layer(metrics.layer());
    for id in 0..3 {
        send(&router, Method::GET, &format!("/api/v1/items/{id}")).await;
    }
    let points = metrics.durations_where(&[(attr::HTTP_ROUTE, "/api/v1/items/{id}")]);
    assert_eq!(points.iter().map(|p| p.count).sum::<u64>(), 3);
}
