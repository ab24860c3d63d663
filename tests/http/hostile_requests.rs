//! Generated hostile requests: any method, path, query and propagation or agent header the
//! `http` crate lets through. Nothing panics, the layer never fails a request or changes its
//! answer, and however many random paths and methods arrive the series stay within their
//! bound: the application's routes, ten method labels, and one unmatched route.

use crate::support;

use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use axum::routing::{self, get};
use opentelemetry_sdk::trace::{InMemorySpanExporter, Sampler};
use proptest::prelude::*;
use tower_monitoring::names;

fn app() -> Router {
    Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .route("/echo", routing::any(|body: Body| async move { body }))
}

/// A request the `http` crate accepts, or `None`.
fn request(
    method: &[u8],
    path: &str,
    query: &str,
    headers: &[(&'static str, Vec<u8>)],
) -> Option<Request<Body>> {
    let method = Method::from_bytes(method).ok()?;
    let target = format!("/{path}?{query}");
    let mut builder = Request::builder().method(method).uri(target);
    for (name, value) in headers {
        let value = axum::http::HeaderValue::from_bytes(value).ok()?;
        builder = builder.header(*name, value);
    }
    builder.body(Body::from("payload")).ok()
}

fn method() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"GET".to_vec()),
        Just(b"POST".to_vec()),
        Just(b"HEAD".to_vec()),
        proptest::collection::vec(b'A'..=b'Z', 1..40),
    ]
}

fn header() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Near-valid trace context, to reach deep into the parsers.
        "00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]".prop_map(String::into_bytes),
        "[0-9a-z]{1,8}=[ -~]{0,20}(,[0-9a-z]{1,8}=[ -~]{0,20}){0,5}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..300),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn hostile_requests_are_answered_and_bounded(
        cases in proptest::collection::vec(
            (method(), "[ -~]{0,60}", "[ -~]{0,80}", header(), header(), header(), header()),
            1..8,
        )
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let exporter = InMemorySpanExporter::default();
            let monitoring = tower_monitoring::Monitoring::builder()
                .service_name("hostile")
                .system_metrics(false)
                .sampler(Sampler::AlwaysOn)
                .span_exporter(exporter)
                .build()
                .unwrap();
            let bare = app();
            let monitored = app().layer(monitoring.layer().record_url_query(true));
            for (method, path, query, traceparent, tracestate, baggage, agent) in &cases {
                let headers = [
                    ("traceparent", traceparent.clone()),
                    ("tracestate", tracestate.clone()),
                    ("baggage", baggage.clone()),
                    ("user-agent", agent.clone()),
                ];
                let (Some(plain), Some(hostile)) = (
                    request(method, path, query, &headers),
                    request(method, path, query, &headers),
                ) else {
                    continue;
                };
                let expected = support::send(&bare, plain).await;
                let answered = support::send(&monitored, hostile).await;
                prop_assert_eq!(&answered, &expected, "the layer changed the answer");
            }

            // Bounded: known routes or none, the closed set of method labels.
            let text = monitoring.render_prometheus();
            let count = format!("{}_count", names::prometheus::HTTP_SERVER_REQUEST_DURATION);
            let mut routes = BTreeSet::new();
            let mut methods = BTreeSet::new();
            for line in text.lines().filter(|line| line.starts_with(&count)) {
                let label = |key: &str| {
                    line.split(&format!("{key}=\"")).nth(1).map(|rest| rest.split('"').next().unwrap_or("").to_owned())
                };
                routes.insert(label("http_route"));
                methods.insert(label("http_request_method").unwrap_or_default());
            }
            let known_routes = [None, Some("/users/{id}".to_owned()), Some("/echo".to_owned())];
            prop_assert!(routes.iter().all(|route| known_routes.contains(route)), "{routes:?}");
            let known_methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER"];
            prop_assert!(methods.iter().all(|m| known_methods.contains(&m.as_str())), "{methods:?}");
            prop_assert!(!text.contains("payload"));
            Ok(())
        })?;
    }
}
