//! Overhead per request of `MonitoringLayer` against bare axum and the two most used peers.
//!
//! The same router is called in-process through `tower::ServiceExt::oneshot`, and the
//! response body is collected, so every layer does its whole per-request work (including the
//! end-of-body recording). Each peer records into a real pipeline: ours and axum-prometheus
//! into their Prometheus exporters, axum-otel-metrics into an OpenTelemetry 0.32 SDK with a
//! manual reader (it has no Prometheus exporter any more). `identity_layer` is a layer that
//! does nothing: the price of `Router::layer` itself, which every middleware pays.
//!
//! ```sh
//! cargo bench --bench http_layer
//! ```
//!
//! Latest figures (2 shared cores, 2026-11-22, `--warm-up-time 3 --measurement-time 15`;
//! compare within one run, not across runs):
//!
//! | router | per request | over bare |
//! |---|---|---|
//! | bare_axum | 1 040 ns | |
//! | identity_layer | 1 081 ns | +41 ns |
//! | tower_monitoring | 1 366 ns | +327 ns |
//! | axum_otel_metrics | 2 265 ns | +1 226 ns |
//! | axum_prometheus | 2 768 ns | +1 728 ns |

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_monitoring::Monitoring;

fn app() -> Router {
    Router::new()
        .route(
            "/users/{id}",
            get(|| async { "{\"id\":42,\"name\":\"user-42\"}" }),
        )
        .route("/health", get(|| async { "ok" }))
}

/// What `axum::serve` does once before serving: turn handlers (and the layers over them)
/// into routes. Without it a `Router<()>` redoes that conversion on every request.
fn served(router: Router) -> Router {
    router.with_state(())
}

async fn call(router: &Router) {
    let request = Request::get("/users/42")
        .body(Body::empty())
        .expect("valid request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let body = response.into_body().collect().await.expect("body");
    std::hint::black_box(body);
}

fn http_layer(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let bare = served(app());
    let identity = served(app().layer(tower::layer::util::Identity::new()));

    let monitoring = Monitoring::builder()
        .service_name("bench")
        .build()
        .expect("pipeline");
    let ours = served(app().layer(monitoring.layer()));

    // axum-prometheus spawns its upkeep task on the current runtime.
    let _runtime_guard = runtime.enter();
    let (prometheus_layer, prometheus_handle) = axum_prometheus::PrometheusMetricLayer::pair();
    let axum_prometheus = served(app().layer(prometheus_layer));

    let otel_032_provider = opentelemetry_sdk_0_32::metrics::SdkMeterProvider::builder()
        .with_reader(opentelemetry_sdk_0_32::metrics::ManualReader::builder().build())
        .build();
    let axum_otel_metrics = served(
        app().layer(
            axum_otel_metrics::HttpMetricsLayerBuilder::new()
                .with_provider(otel_032_provider)
                .build(),
        ),
    );

    let mut group = c.benchmark_group("http_layer");
    for (name, router) in [
        ("bare_axum", &bare),
        ("identity_layer", &identity),
        ("tower_monitoring", &ours),
        ("axum_prometheus", &axum_prometheus),
        ("axum_otel_metrics", &axum_otel_metrics),
    ] {
        group.bench_function(name, |b| b.to_async(&runtime).iter(|| call(router)));
    }
    group.finish();

    // The recordings went somewhere real: each exporter has seen the requests.
    assert!(
        monitoring
            .render_prometheus()
            .contains("http_route=\"/users/{id}\"")
    );
    assert!(prometheus_handle.render().contains("/users/{id}"));
}

criterion_group!(benches, http_layer);
criterion_main!(benches);
