//! Custom attributes read from the request: a closed set and a capped one on the metrics,
//! the value as read on the span, and a client sending 100 000 distinct values that cannot
//! grow the series count.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use support::TestMetrics;
use tower_monitoring::names::attr;
use tower_monitoring::{CustomAttribute, MonitoringLayer};

fn app(layer: MonitoringLayer) -> Router {
    Router::new().route("/chat", get(|| async { "hi" })).layer(
        layer
            .with_attribute(
                CustomAttribute::one_of("tenant.tier", ["free", "pro"]),
                |request| request.header("x-tenant-tier"),
            )
            .with_attribute(
                CustomAttribute::capped("gen_ai.request.model", 3),
                |request| request.header("x-model"),
            ),
    )
}

async fn chat(app: &Router, headers: &[(&str, &str)]) {
    let mut request = Request::get("/chat");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let (status, _) = support::send(app, request.body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}

/// (tier, model, count) of every duration series of `/chat`, `-` for an absent attribute.
fn series(metrics: &TestMetrics) -> Vec<(String, String, u64)> {
    let mut found: Vec<_> = metrics
        .durations_where(&[(attr::HTTP_ROUTE, "/chat")])
        .into_iter()
        .map(|point| {
            let get = |key: &str| point.attributes.get(key).cloned().unwrap_or("-".into());
            (get("tenant.tier"), get("gen_ai.request.model"), point.count)
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_closed_set_and_a_cap_fold_what_they_do_not_keep_into_other() {
    let metrics = TestMetrics::new();
    let app = app(metrics.layer());
    chat(&app, &[("x-tenant-tier", "pro"), ("x-model", "m1")]).await;
    chat(&app, &[("x-tenant-tier", "pro"), ("x-model", "m1")]).await;
    chat(&app, &[("x-tenant-tier", "free"), ("x-model", "m2")]).await;
    chat(&app, &[("x-tenant-tier", "platinum"), ("x-model", "m3")]).await;
    chat(&app, &[("x-model", "m4")]).await; // past the cap of 3
    chat(&app, &[("x-model", &"m".repeat(65))]).await; // too long to be a value
    chat(&app, &[]).await;
    let owned = |(a, b, n): (&str, &str, u64)| (a.to_owned(), b.to_owned(), n);
    assert_eq!(
        series(&metrics),
        [
            ("-", "-", 1),
            ("-", "_OTHER", 2),
            ("_OTHER", "m3", 1),
            ("free", "m2", 1),
            ("pro", "m1", 2),
        ]
        .map(owned)
    );
}

#[tokio::test]
async fn a_hundred_thousand_distinct_values_stay_within_the_cap() {
    let metrics = TestMetrics::new();
    let app = app(metrics.layer());
    for n in 0..100_000 {
        let model = format!("model-{n}");
        chat(&app, &[("x-tenant-tier", "pro"), ("x-model", &model)]).await;
    }
    let found = series(&metrics);
    // The three models first seen, and everything after them as one `_OTHER` series.
    assert_eq!(found.len(), 4, "{found:?}");
    let other = found
        .iter()
        .find(|(_, model, _)| model == "_OTHER")
        .unwrap();
    assert_eq!(other.2, 100_000 - 3);
    assert_eq!(found.iter().map(|(_, _, n)| n).sum::<u64>(), 100_000);
}

#[tokio::test]
async fn the_span_carries_the_value_as_read() {
    let metrics = TestMetrics::new();
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let app = app(metrics.layer().with_tracer_provider(&provider));
    chat(&app, &[("x-tenant-tier", "platinum"), ("x-model", "m9")]).await;
    let spans = exporter.get_finished_spans().unwrap();
    let span = spans.last().expect("a server span");
    let value = |key: &str| {
        span.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.to_string())
    };
    assert_eq!(value("tenant.tier").as_deref(), Some("platinum"));
    assert_eq!(value("gen_ai.request.model").as_deref(), Some("m9"));
    assert_eq!(series(&metrics)[0].0, "_OTHER", "the metrics fold it");
}

#[tokio::test]
async fn server_address_and_port_are_opt_in_and_bounded() {
    let metrics = TestMetrics::new();
    let app = Router::new()
        .route("/a", get(|| async { "a" }))
        .layer(metrics.layer().record_server_address(["api.example.com"]));
    for host in [
        "api.example.com:8443",
        "api.example.com",
        "evil.example:1",
        "[::1]:80",
    ] {
        let request = Request::get("/a")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        support::send(&app, request).await;
    }
    let mut found: Vec<(String, String)> = metrics
        .durations_where(&[(attr::HTTP_ROUTE, "/a")])
        .into_iter()
        .map(|point| {
            let get = |key: &str| point.attributes.get(key).cloned().unwrap_or("-".into());
            (get(attr::SERVER_ADDRESS), get(attr::SERVER_PORT))
        })
        .collect();
    found.sort();
    let expected = [
        ("_OTHER", "1"),
        ("_OTHER", "80"),
        ("api.example.com", "-"),
        ("api.example.com", "8443"),
    ];
    assert_eq!(found, expected.map(|(a, p)| (a.to_owned(), p.to_owned())));
    // Without the setting, neither is on the metrics (the conventions make them opt-in).
    let plain = TestMetrics::new();
    let app = Router::new()
        .route("/a", get(|| async { "a" }))
        .layer(plain.layer());
    let request = Request::get("/a").header("host", "api.example.com:8443");
    support::send(&app, request.body(Body::empty()).unwrap()).await;
    let point = &plain.durations_where(&[(attr::HTTP_ROUTE, "/a")])[0];
    assert!(!point.attributes.contains_key(attr::SERVER_ADDRESS));
    assert!(!point.attributes.contains_key(attr::SERVER_PORT));
}
