//! The router of `benches/http_layer.rs` as a real server, for load over loopback
//! (`benches/loopback.sh` drives it with wrk and reads its CPU time).
//!
//! ```sh
//! cargo run --release --example bench_server -- tower-monitoring   # or bare,
//!                                          # axum-prometheus, axum-otel-metrics
//! ```
//!
//! One runtime worker thread, so the server's CPU time is one core's work.

use axum::Router;
use axum::routing::get;
use tower_monitoring::Monitoring;

fn app() -> Router {
    Router::new().route(
        "/users/{id}",
        get(|| async { "{\"id\":42,\"name\":\"user-42\"}" }),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let variant = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tower-monitoring".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        // Kept alive for the life of the server.
        let mut _keep: Option<Box<dyn std::any::Any>> = None;
        let router = match variant.as_str() {
            "bare" => app(),
            "tower-monitoring" => {
                let monitoring = Monitoring::builder().service_name("bench").build()?;
                let router = app().layer(monitoring.layer()).merge(monitoring.routes());
                _keep = Some(Box::new(monitoring));
                router
            }
            "axum-prometheus" => {
                let (layer, handle) = axum_prometheus::PrometheusMetricLayer::pair();
                _keep = Some(Box::new(handle));
                app().layer(layer)
            }
            "axum-otel-metrics" => {
                let provider = opentelemetry_sdk_0_32::metrics::SdkMeterProvider::builder()
                    .with_reader(opentelemetry_sdk_0_32::metrics::ManualReader::builder().build())
                    .build();
                app().layer(
                    axum_otel_metrics::HttpMetricsLayerBuilder::new()
                        .with_provider(provider)
                        .build(),
                )
            }
            other => return Err(format!("unknown variant {other:?}").into()),
        };
        let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
        println!("{variant} listening on {}", listener.local_addr()?);
        axum::serve(listener, router)
            .with_graceful_shutdown(tower_monitoring::shutdown_signal())
            .await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
