//! An existing axum service with tower-monitoring added, exactly as the README's "Add it to
//! your service" shows it: a route with a path parameter, a database lookup, a cache, a
//! third-party platform called with reqwest, a two-step workflow, a flaky route, a readiness
//! check, a metric namespace, metrics on their own port and a graceful shutdown.
//!
//! ```sh
//! cargo run --example existing_service --features reqwest
//! curl localhost:3000/orders/7        # database, cache and a platform call, one trace
//! curl -X POST localhost:3000/checkout
//! curl localhost:3000/flaky           # fails one time in three
//! curl localhost:3000/ready
//! curl localhost:9464/metrics         # orders_http_server_request_duration_seconds ...
//! ```

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tower_monitoring::dependency::{self, PlatformLayer, Workflow, monitor_db};
use tower_monitoring::{Endpoints, ErrorKind, Monitoring};

#[derive(Clone)]
struct AppState {
    orders: Arc<HashMap<u64, String>>,
    cache: Arc<Mutex<HashMap<u64, String>>>,
    http: reqwest::Client,
    payments: PlatformLayer,
    payments_url: String,
    calls: Arc<AtomicU64>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The pipelines, once: Prometheus, OTLP traces when OTEL_EXPORTER_OTLP_ENDPOINT is set,
    //    and log lines (LOG_FORMAT=json for JSON with trace ids).
    let monitoring = Monitoring::builder()
        .service_name("orders")
        .service_version(env!("CARGO_PKG_VERSION"))
        .namespace("orders")
        .install()?;

    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("{host}:{port}")).await?;
    let address = listener.local_addr()?;

    let state = AppState {
        orders: Arc::new(HashMap::from([
            (7, "keyboard".to_owned()),
            (8, "mouse".to_owned()),
        ])),
        cache: Arc::default(),
        http: reqwest::Client::new(),
        // 2. A third-party platform: every call is measured, traced and labelled by endpoint.
        payments: PlatformLayer::new("payments").endpoint(|_, path| {
            if path.starts_with("/payments/") {
                "payments.status"
            } else {
                "other"
            }
        }),
        // The "platform" is served by this process too, so the example needs nothing else.
        payments_url: std::env::var("PAYMENTS_URL").unwrap_or_else(|_| format!("http://{address}")),
        calls: Arc::default(),
    };

    // 3. Readiness: `GET /ready` runs this (at most once a second, however often it is probed).
    let orders = state.orders.clone();
    monitoring.add_readiness_check("database", move || {
        let orders = orders.clone();
        async move { ping(&orders).await }
    });

    // 4. The layer goes last, so it sees every route (and the requests that match none);
    //    the probes stay on the application's port, where orchestrators look for them.
    let app = Router::new()
        .route("/orders/{id}", get(order))
        .route("/checkout", post(checkout))
        .route("/flaky", get(flaky))
        .route(
            "/payments/{id}",
            get(|| async { Json(json!({ "status": "paid" })) }),
        )
        .with_state(state)
        .merge(monitoring.routes_for(Endpoints::PROBES))
        .layer(monitoring.layer());

    // 5. The scrape and the JSON views on a port of their own (9464, OpenTelemetry's
    //    Prometheus port), reachable by Prometheus but not by the public.
    let metrics_port = std::env::var("METRICS_PORT").unwrap_or_else(|_| "9464".to_owned());
    let metrics = monitoring
        .serve_metrics(format!("{host}:{metrics_port}"))
        .await?;
    tracing::info!(%address, metrics = %metrics.local_addr(), "orders listening");

    // 6. Ctrl-C or SIGTERM: finish the requests in flight, then flush the telemetry.
    //    `listener(..)` counts open connections, which a request count cannot tell.
    axum::serve(monitoring.listener(listener), app)
        .with_graceful_shutdown(tower_monitoring::shutdown_signal())
        .await?;
    metrics.shutdown();
    match monitoring.shutdown().await {
        Ok(()) => {}
        // A slow or unreachable collector costs the last spans, never the exit code.
        Err(err) if matches!(err.kind(), ErrorKind::ExportTimeout | ErrorKind::Export) => {
            tracing::warn!(%err, "telemetry was not flushed");
        }
        Err(err) => return Err(err.into()),
    }
    Ok(())
}

async fn order(
    State(state): State<AppState>,
    Path(id): Path<u64>,
) -> Result<Json<Value>, StatusCode> {
    // A cache lookup: `Some` counts as a hit, `None` as a miss.
    let cached = dependency::cache("orders", "get", async {
        state.cache.lock().await.get(&id).cloned()
    })
    .await;
    let item = match cached {
        Some(item) => item,
        None => {
            let item = load_order(&state.orders, id)
                .await
                .map_err(|_| StatusCode::NOT_FOUND)?;
            state.cache.lock().await.insert(id, item.clone());
            item
        }
    };
    // The short way to call a platform: a reqwest `RequestBuilder`, sent through the layer.
    let url = format!("{}/payments/{id}", state.payments_url);
    let payment: Value = state
        .payments
        .send(state.http.get(url).bearer_auth("demo-token"))
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|_| StatusCode::BAD_GATEWAY)?
        .json()
        .await
        .map_err(|_| StatusCode::BAD_GATEWAY)?;
    Ok(Json(json!({ "id": id, "item": item, "payment": payment })))
}

/// A database query, measured and traced as `db.client.operation.duration` with
/// `db.operation.name="select"` and `db.collection.name="orders"`; an `Err` is a failure.
/// With sqlx it is the same attribute on `async fn ... -> Result<_, sqlx::Error>`.
#[monitor_db(system = "sqlite", operation = "select", table = "orders")]
async fn load_order(orders: &HashMap<u64, String>, id: u64) -> Result<String, std::io::Error> {
    orders
        .get(&id)
        .cloned()
        .ok_or_else(|| std::io::ErrorKind::NotFound.into())
}

async fn ping(orders: &HashMap<u64, String>) -> Result<(), std::io::Error> {
    load_order(orders, 7).await.map(drop)
}

/// Two steps of one workflow: `workflow.step.duration` per step, `workflow.active` while it runs.
async fn checkout() -> Result<&'static str, StatusCode> {
    let workflow = Workflow::start("checkout");
    workflow
        .step("reserve", async { Ok::<_, std::io::Error>(()) })
        .await
        .map_err(|_| StatusCode::CONFLICT)?;
    workflow
        .step("charge", async { Ok::<_, std::io::Error>(()) })
        .await
        .map_err(|_| StatusCode::PAYMENT_REQUIRED)?;
    Ok("checked out\n")
}

/// Fails one request in three: the error rate and the `HighErrorRate` alert have something
/// to show.
async fn flaky(State(state): State<AppState>) -> Result<&'static str, StatusCode> {
    match state.calls.fetch_add(1, Ordering::Relaxed) % 3 {
        2 => Err(StatusCode::SERVICE_UNAVAILABLE),
        _ => Ok("fine\n"),
    }
}
