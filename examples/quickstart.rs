//! The two lines of the README, in a service you can curl.
//!
//! ```sh
//! cargo run --example quickstart            # PORT=8080 to move it off 3000, HOST=0.0.0.0 to expose it
//! curl localhost:3000/users/42
//! curl -N localhost:3000/events   # server-sent events: 5 over 2 s, a stream, not a request
//! curl localhost:3000/metrics
//! ```
//!
//! With a collector or Jaeger listening, every request also becomes a trace:
//!
//! ```sh
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 cargo run --example quickstart
//! LOG_FORMAT=json cargo run --example quickstart   # log lines with trace_id and span_id
//! ```

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::sse::{Event, Sse};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tower_monitoring::Monitoring;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let monitoring = Monitoring::builder()
        .service_name("quickstart")
        .service_version(env!("CARGO_PKG_VERSION"))
        .install()?;

    let app = Router::new()
        .route("/", get(|| async { "tower-monitoring quickstart\n" }))
        .route("/users/{id}", get(get_user))
        .route("/echo", post(|body: Body| async move { body }))
        .route("/slow", get(slow))
        .route("/events", get(events))
        .route(
            "/error",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "something broke\n") }),
        )
        .merge(monitoring.routes())
        .layer(monitoring.layer());

    // HOST=0.0.0.0 in a container; loopback by default.
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("{host}:{port}")).await?;
    tracing::info!(
        address = %listener.local_addr()?,
        tracing = monitoring.tracer_provider().is_some(),
        "listening; metrics at /metrics"
    );
    // Open connections are counted by the listener; Ctrl-C, or the SIGTERM that
    // `docker stop` and Kubernetes send, stops it.
    axum::serve(monitoring.listener(listener), app)
        .with_graceful_shutdown(tower_monitoring::shutdown_signal())
        .await?;
    // A collector that is down costs the last spans, not the exit code: the flush is
    // bounded (5 s) and its failure is logged.
    if let Err(err) = monitoring.shutdown().await {
        tracing::warn!(%err, "telemetry was not flushed");
    }
    Ok(())
}

async fn get_user(Path(id): Path<u64>) -> Json<serde_json::Value> {
    Json(load_user(id).await)
}

/// A span of the application's own: in Jaeger it nests under the request's server span.
#[tracing::instrument]
async fn load_user(id: u64) -> serde_json::Value {
    tracing::info!(user_id = id, "user loaded");
    serde_json::json!({ "id": id, "name": format!("user-{id}") })
}

#[derive(Deserialize)]
struct SlowParams {
    ms: Option<u64>,
}

async fn slow(Query(params): Query<SlowParams>) -> String {
    // Capped so a stray request cannot park a connection for hours.
    let ms = params.ms.unwrap_or(100).min(60_000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms} ms\n")
}

/// Server-sent events: five, half a second apart. The layer records it as a stream
/// (`http_server_stream_duration_seconds`, `http_server_active_streams`), so its two seconds
/// stay out of the request latency; its time to first event is
/// `http_server_time_to_first_byte_seconds`.
async fn events() -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>>
{
    let events = futures_util::stream::unfold(0u32, |sent| async move {
        if sent == 5 {
            return None;
        }
        if sent > 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let event = Event::default().event("tick").data(format!("{}", sent + 1));
        Some((Ok(event), sent + 1))
    });
    Sse::new(events)
}
