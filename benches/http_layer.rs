//! Overhead per request of `MonitoringLayer` against bare axum and the two most used peers,
//! with metrics only and with tracing.
//!
//! The same router is called in-process through `tower::ServiceExt::oneshot`, and the
//! response body is collected, so every layer does its whole per-request work (including the
//! end-of-body recording). Each peer records into a real pipeline: ours and axum-prometheus
//! into their Prometheus exporters, axum-otel-metrics into an OpenTelemetry 0.32 SDK with a
//! manual reader (it has no Prometheus exporter any more). `identity_layer` is a layer that
//! does nothing: the price of `Router::layer` itself, which every middleware pays.
//! `body_wrapper_layer` also wraps the response body, as any layer that waits for the end of
//! the body must (axum boxes the wrapper again), and `bound_instruments_floor`
//! (`support/floor.rs`) is the least a layer can do and still record the in-flight count,
//! duration and response size into the same SDK: the gap between it and `tower_monitoring`
//! is the layer's own share. The `floor_without_*` rows leave one piece of the floor out
//! each (the two clock reads, the two histogram records, the in-flight count), so each
//! piece's price is its row's gap to the floor.
//!
//! The `traces` rows add our server spans behind the real batch processor, with an exporter
//! that discards (the network is not measured): the sampler dropping every span, keeping one
//! in ten, and keeping all. `trace_layer_bridged_sampler_off` is the other way to get a
//! server span: tower-http's `TraceLayer` making a `tracing` span per request, bridged by
//! tracing-opentelemetry, its sampler dropping every span.
//!
//! `tower_monitoring_push_only` pushes metrics over OTLP instead of serving the scrape, and
//! `tower_monitoring_pull_and_push` does both (two readers, each aggregating every
//! measurement); the push interval outlasts the run, so the rows measure the recording. On
//! this machine the three rows differ by less than the noise between rounds (2026-12-07, two
//! rounds: pull 1.82 / 1.83 µs, push 1.53 / 1.90 µs, both 1.71 / 1.57 µs, bare 1.09 / 1.15
//! µs). Counted exactly under callgrind (6 000 requests, a throwaway driver), the bound
//! histogram records take 317 instructions a request with one reader, pull or push alike,
//! and 574 with both: the second reader adds about 260 instructions to a request of about
//! 12 000.
//!
//! Exemplars: `tower_monitoring_traces_sampler_off_no_exemplars` and
//! `tower_monitoring_traces_always_on_no_exemplars` are the two sampler rows with exemplars
//! switched off, and `tower_monitoring_db_call_traced` / `..._no_exemplars` add a sampled
//! database call. 2026-12-07, one run (`--warm-up-time 2 --measurement-time 6`): unsampled
//! 1 239 ns with exemplars, 1 252 ns without; sampled 3 050 / 3 011 ns; sampled with a
//! database call 4 469 / 4 328 ns. Counted under callgrind (a throwaway driver, 4 000
//! requests, only the request's own thread): unsampled 13 063 / 13 075 instructions (nothing
//! on that path), sampled 18 016 / 17 839 (+177: the bucket, the slot's `try_lock`, the
//! clock), sampled with the database call 25 812 / 24 438 (+1 374: the call's series is
//! found by hashing its attribute set, as the SDK's own unbound record does).
//!
//! `bare_axum_db_route` and `tower_monitoring_db_call` serve a route whose handler makes one
//! database call, unmeasured and through `dependency::db`: the gap between them, less the
//! `tower_monitoring` row's gap to `bare_axum`, is what one dependency call costs.
//!
//! ```sh
//! cargo bench --bench http_layer
//! ```
//!
//! Latest figures (2 shared cores, 2026-11-22, `--warm-up-time 3 --measurement-time 15`;
//! compare within one run, not across runs):
//!
//! | router | per request | over bare | over metrics only |
//! |---|---|---|---|
//! | bare_axum | 960 ns | | |
//! | identity_layer | 1 074 ns | +114 ns | |
//! | body_wrapper_layer | 1 122 ns | +162 ns | |
//! | bound_instruments_floor | 1 269 ns | +309 ns | |
//! | floor_without_clock | 1 240 ns | +280 ns | |
//! | floor_without_histograms | 1 181 ns | +221 ns | |
//! | floor_without_in_flight | 1 236 ns | +276 ns | |
//! | tower_monitoring (metrics) | 1 347 ns | +387 ns | |
//! | tower_monitoring_traces_sampler_off | 1 522 ns | +562 ns | +175 ns |
//! | tower_monitoring_traces_ratio_0.1 | 1 631 ns | +671 ns | +284 ns |
//! | tower_monitoring_traces_always_on | 2 307 ns | +1 347 ns | +960 ns |
//! | axum_otel_metrics | 2 308 ns | +1 348 ns | |
//! | axum_prometheus | 2 834 ns | +1 874 ns | |
//! | trace_layer_bridged_sampler_off | 5 420 ns | +4 460 ns | |

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Sampler, SpanData, SpanExporter};
use tower::ServiceExt;
use tower_monitoring::Monitoring;
use tracing_subscriber::layer::SubscriberExt;

#[path = "support/floor.rs"]
mod floor;

/// Spans go nowhere: the bench measures the request path, not the network.
#[derive(Debug)]
struct DiscardSpans;

impl SpanExporter for DiscardSpans {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        std::hint::black_box(batch);
        Ok(())
    }
}

/// Our pipelines with tracing on, sampling with `sampler`.
fn traced(sampler: Sampler) -> Monitoring {
    traced_keeping(sampler, true)
}

/// [`traced`], keeping exemplars of sampled requests or not.
fn traced_keeping(sampler: Sampler, exemplars: bool) -> Monitoring {
    Monitoring::builder()
        .service_name("bench")
        .sampler(sampler)
        .span_exporter(DiscardSpans)
        .exemplars(exemplars)
        .build()
        .expect("pipeline")
}

fn app() -> Router {
    Router::new()
        .route(
            "/users/{id}",
            get(|| async { "{\"id\":42,\"name\":\"user-42\"}" }),
        )
        .route("/health", get(|| async { "ok" }))
        .route("/orders/{id}", get(order))
        .route("/plain/{id}", get(plain_order))
}

/// A handler that makes one database call, measured by `dependency::db`.
async fn order() -> &'static str {
    let found = tower_monitoring::dependency::db("sqlite", "select", "orders", async {
        Ok::<_, std::io::Error>(std::hint::black_box(42))
    })
    .await;
    if found.is_ok() { "order" } else { "none" }
}

/// The same handler with the call unmeasured: the baseline of the dependency-call rows.
async fn plain_order() -> &'static str {
    let found = async { Ok::<_, std::io::Error>(std::hint::black_box(42)) }.await;
    if found.is_ok() { "order" } else { "none" }
}

/// What `axum::serve` does once before serving: turn handlers (and the layers over them)
/// into routes. Without it a `Router<()>` redoes that conversion on every request.
fn served(router: Router) -> Router {
    router.with_state(())
}

async fn call(router: &Router) {
    call_path(router, "/users/42").await
}

async fn call_path(router: &Router, path: &str) {
    let request = Request::get(path)
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
    // What any layer that waits for the end of the body pays before recording anything:
    // `Router::layer`, plus the wrapped body that axum boxes again.
    let body_wrapper = served(app().layer(tower::util::MapResponseLayer::new(
        |response: axum::response::Response| response.map(|body| body.map_err(|error| error)),
    )));
    let floor_meter =
        opentelemetry::metrics::MeterProvider::meter(monitoring.meter_provider(), "floor");
    let floor_with =
        |parts| served(app().layer(floor::FloorLayer::new(&floor_meter, "/users/{id}", parts)));
    let all = floor::Parts::ALL;
    let floor = floor_with(all);
    let floor_without_clock = floor_with(floor::Parts {
        clock: false,
        ..all
    });
    let floor_without_histograms = floor_with(floor::Parts {
        histograms: false,
        ..all
    });
    let floor_without_in_flight = floor_with(floor::Parts {
        in_flight: false,
        ..all
    });
    let traced_off = traced(Sampler::AlwaysOff);
    let ours_traces_off = served(app().layer(traced_off.layer()));
    let traced_ratio = traced(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
        0.1,
    ))));
    let ours_traces_ratio = served(app().layer(traced_ratio.layer()));
    let traced_on = traced(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
    let ours_traces_on = served(app().layer(traced_on.layer()));
    // Exemplars cost a sampled request a slot write, an unsampled one a branch: the same
    // two samplers without them.
    let traced_off_plain = traced_keeping(Sampler::AlwaysOff, false);
    let ours_traces_off_no_exemplars = served(app().layer(traced_off_plain.layer()));
    let traced_on_plain = traced_keeping(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)), false);
    let ours_traces_on_no_exemplars = served(app().layer(traced_on_plain.layer()));

    // The other way to get a server span: a `tracing` span per request (tower-http's
    // TraceLayer) bridged by tracing-opentelemetry, its sampler dropping every span.
    let bridged = traced(Sampler::AlwaysOff);
    let bridge_tracer = opentelemetry::trace::TracerProvider::tracer(
        bridged.tracer_provider().expect("tracing on"),
        "bench",
    );
    let bridge_subscriber =
        tracing_subscriber::registry().with(tower_monitoring::bridge_layer(bridge_tracer));
    let trace_layer = served(app().layer(tower_http::trace::TraceLayer::new_for_http()));

    // axum-prometheus spawns its upkeep task on the current runtime.
    let _runtime_guard = runtime.enter();
    let (prometheus_layer, prometheus_handle) = axum_prometheus::PrometheusMetricLayer::pair();
    let axum_prometheus = served(app().layer(prometheus_layer));

    // Metrics pushed over OTLP instead of scraped, and both: the interval outlasts the run,
    // so what is measured is the recording, which with two readers happens twice. gRPC
    // needs the runtime entered above.
    let pushed = |export| {
        Monitoring::builder()
            .service_name("bench")
            .otlp_endpoint("http://127.0.0.1:9")
            .metrics_export(export)
            .metric_export_interval(std::time::Duration::from_secs(3600))
            .build()
            .expect("pipeline")
    };
    let push_only = pushed(tower_monitoring::MetricsExport::Push);
    let ours_push_only = served(app().layer(push_only.layer().traces(false)));
    let pull_and_push = pushed(tower_monitoring::MetricsExport::ScrapeAndPush);
    let ours_pull_and_push = served(app().layer(pull_and_push.layer().traces(false)));

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
        ("body_wrapper_layer", &body_wrapper),
        ("bound_instruments_floor", &floor),
        ("floor_without_clock", &floor_without_clock),
        ("floor_without_histograms", &floor_without_histograms),
        ("floor_without_in_flight", &floor_without_in_flight),
        ("tower_monitoring", &ours),
        ("tower_monitoring_push_only", &ours_push_only),
        ("tower_monitoring_pull_and_push", &ours_pull_and_push),
        ("tower_monitoring_traces_sampler_off", &ours_traces_off),
        ("tower_monitoring_traces_ratio_0.1", &ours_traces_ratio),
        ("tower_monitoring_traces_always_on", &ours_traces_on),
        (
            "tower_monitoring_traces_sampler_off_no_exemplars",
            &ours_traces_off_no_exemplars,
        ),
        (
            "tower_monitoring_traces_always_on_no_exemplars",
            &ours_traces_on_no_exemplars,
        ),
        ("axum_prometheus", &axum_prometheus),
        ("axum_otel_metrics", &axum_otel_metrics),
    ] {
        group.bench_function(name, |b| b.to_async(&runtime).iter(|| call(router)));
    }
    // One database call inside the request: bare with the call unmeasured, and ours with the
    // call through `dependency::db`, which finds the request's handle in its scope.
    for (name, router, path) in [
        ("bare_axum_db_route", &bare, "/plain/42"),
        ("tower_monitoring_db_call", &ours, "/orders/42"),
        (
            "tower_monitoring_db_call_traced",
            &ours_traces_on,
            "/orders/42",
        ),
        (
            "tower_monitoring_db_call_traced_no_exemplars",
            &ours_traces_on_no_exemplars,
            "/orders/42",
        ),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| call_path(router, path))
        });
    }
    // The dispatcher is thread-local and the runtime runs on this thread.
    tracing::subscriber::with_default(bridge_subscriber, || {
        group.bench_function("trace_layer_bridged_sampler_off", |b| {
            b.to_async(&runtime).iter(|| call(&trace_layer))
        });
    });
    group.finish();

    // The recordings went somewhere real: each exporter has seen the requests.
    assert!(
        monitoring
            .render_prometheus()
            .contains("http_route=\"/users/{id}\"")
    );
    assert!(prometheus_handle.render().contains("/users/{id}"));
    assert!(
        monitoring
            .render_prometheus()
            .contains("db_collection_name=\"orders\"")
    );
}

criterion_group!(benches, http_layer);
criterion_main!(benches);
