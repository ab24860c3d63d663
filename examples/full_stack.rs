//! The full demo: an order service with a database, a cache and a third-party platform, all
//! instrumented. It needs nothing installed:
//!
//! ```sh
//! cargo run --example full_stack --features reqwest   # PORT=8080 to move it off 3000
//! curl localhost:3000/users/1                    # cache, then SQLite on a miss
//! curl -X POST -H 'content-type: application/json' -d '{"name":"ada"}' localhost:3000/users
//! curl localhost:3000/orders/1                   # SQLite join + a call to the platform
//! curl -X POST localhost:3000/tools/search       # a tool execution
//! curl -X POST localhost:3000/tools/lookup       # a tool that fails one time in four (not_found)
//! curl -X POST localhost:3000/workflows/checkout # a three-step workflow
//! curl localhost:3000/greet/ada                 # a gRPC call to the Greeter (`fail`, `internal` fail)
//! websocat ws://localhost:3000/ws                # a WebSocket echo; `bye` closes it
//! curl localhost:3000/metrics
//! ```
//!
//! The "platform" (shipping and payments) is a second router served by this process on
//! another loopback port, reached over real HTTP; `PLATFORM_LATENCY_MS` (default 20) and
//! `PLATFORM_FAILURE_RATE` (0 to 1, default 0.05) tune it so dashboards and alerts have
//! something to show. With `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317` every request
//! is a trace in Jaeger with its database, cache and platform calls nested under it.
//!
//! The Greeter is tonic's hello-world service, served on a third loopback port under the
//! gRPC layer and called through the gRPC client layer: both ends of each call are recorded.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use tower::{Service, ServiceExt};
use tower_monitoring::dependency::{
    self, PlatformLayer, PlatformService, PoolUsage, Workflow, monitor_cache, monitor_db,
};
use tower_monitoring::{GrpcService, Monitoring};

// With `profiling-heap` the demo runs on jemalloc, so `GET /debug/pprof/heap` answers when
// it is started with `_RJEM_MALLOC_CONF=prof:true,prof_active:true` (and an admin token).
#[cfg(feature = "profiling-heap")]
#[global_allocator]
static ALLOCATOR: tower_monitoring::Jemalloc = tower_monitoring::Jemalloc;

#[path = "grpc/helloworld.rs"]
mod helloworld;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let monitoring = Monitoring::builder()
        .service_name("full_stack")
        .service_version(env!("CARGO_PKG_VERSION"))
        .install()?;

    let platform = serve_platform(PlatformBehaviour::from_env()).await?;
    let database = std::env::temp_dir().join(format!("full_stack-{}.db", std::process::id()));
    let state = AppState::new(database.clone(), platform).await?;
    tokio::spawn(refresh_stats(state.clone()));
    register_readiness(&monitoring, &state);
    let greeter = serve_greeter(&monitoring).await?;
    let app = routes(state)
        .merge(greet_routes(greeter))
        .merge(monitoring.routes())
        .layer(monitoring.layer());

    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("{host}:{port}")).await?;
    tracing::info!(address = %listener.local_addr()?, %platform, "full_stack listening; metrics at /metrics");
    // Open connections are counted by the listener; Ctrl-C, or the SIGTERM that
    // `docker stop` and Kubernetes send, stops it.
    let served = axum::serve(monitoring.listener(listener), app)
        .with_graceful_shutdown(tower_monitoring::shutdown_signal())
        .await;
    let _ = std::fs::remove_file(database);
    // A collector that is down costs the last spans, not the exit code: the flush is
    // bounded (5 s) and its failure is logged.
    if let Err(err) = monitoring.shutdown().await {
        tracing::warn!(%err, "telemetry was not flushed");
    }
    served?;
    Ok(())
}

/// `GET /ready` pings the database and the platform.
fn register_readiness(monitoring: &Monitoring, state: &AppState) {
    let db = state.db.clone();
    monitoring.add_readiness_check("database", move || {
        let db = db.clone();
        async move { sqlx::query("SELECT 1").execute(&db).await.map(drop) }
    });
    let platform = state.clone();
    monitoring.add_readiness_check("platform", move || {
        let platform = platform.clone();
        async move {
            platform
                .call_platform(reqwest::Method::GET, "/health")
                .await
                .map(drop)
        }
    });
}

/// What every handler shares.
#[derive(Clone)]
struct AppState {
    db: SqlitePool,
    users: moka::future::Cache<i64, User>,
    platform: PlatformService<reqwest::Client>,
    platform_url: String,
    /// Tools share a few slots; what waits for one is the tool queue.
    tool_slots: Arc<tokio::sync::Semaphore>,
    tools_waiting: Arc<[AtomicI64; TOOLS.len()]>,
    lookups: Arc<AtomicI64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, sqlx::FromRow, PartialEq)]
struct User {
    id: i64,
    name: String,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
struct Order {
    id: i64,
    item: String,
    user_name: String,
}

impl AppState {
    /// Opens (and seeds) the database file, and sets up the cache and the platform client.
    async fn new(database: PathBuf, platform: std::net::SocketAddr) -> Result<Self, sqlx::Error> {
        let _ = std::fs::remove_file(&database);
        let options = SqliteConnectOptions::new()
            .filename(&database)
            .create_if_missing(true);
        let db = SqlitePoolOptions::new()
            .max_connections(5)
            .connect_with(options)
            .await?;
        sqlx::query(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), item TEXT NOT NULL);
             INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace'), (3, 'edsger');
             INSERT INTO orders (id, user_id, item) VALUES (1, 1, 'keyboard'), (2, 2, 'compiler'), (3, 1, 'notebook');",
        )
        .execute(&db)
        .await?;

        let pool = db.clone();
        dependency::register_pool("sqlite", move || {
            let idle = pool.num_idle() as u64;
            PoolUsage::new(
                u64::from(pool.size()).saturating_sub(idle),
                idle,
                u64::from(pool.options().get_max_connections()),
            )
        });

        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("a client without TLS always builds");
        let platform_client = tower::ServiceBuilder::new()
            .layer(PlatformLayer::new("shipping").endpoint(|_, path| {
                if path.starts_with("/shipments/") {
                    "shipments.get"
                } else if path == "/charges" {
                    "charges.create"
                } else if path == "/health" {
                    "health"
                } else {
                    "other"
                }
            }))
            .service(client);
        Ok(Self {
            db,
            users: moka::future::Cache::new(10_000),
            platform: platform_client,
            platform_url: format!("http://{platform}"),
            tool_slots: Arc::new(tokio::sync::Semaphore::new(4)),
            tools_waiting: Arc::default(),
            lookups: Arc::default(),
        })
    }

    /// Calls the platform; a failure or a non-2xx answer is an error.
    async fn call_platform(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> Result<serde_json::Value, String> {
        let url = format!("{}{path}", self.platform_url);
        let request = reqwest::Request::new(method, url.parse().map_err(|err| format!("{err}"))?);
        let mut client = self.platform.clone();
        let response = client
            .ready()
            .await
            .map_err(|err| err.to_string())?
            .call(request)
            .await
            .map_err(|err| err.to_string())?;
        if !response.status().is_success() {
            return Err(format!("platform answered {}", response.status()));
        }
        let body = response.bytes().await.map_err(|err| err.to_string())?;
        serde_json::from_slice(&body).map_err(|err| err.to_string())
    }
}

fn routes(state: AppState) -> Router {
    Router::new()
        .route("/users/{id}", get(get_user))
        .route("/users", post(create_user))
        .route("/orders/{id}", get(get_order))
        .route("/tools/{name}", post(run_tool))
        .route("/workflows/{name}", post(run_workflow))
        .route("/slow", get(slow))
        .route(
            "/error",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "something broke\n") }),
        )
        .with_state(state)
}

#[monitor_cache(name = "users", operation = "get")]
async fn cached_user(cache: &moka::future::Cache<i64, User>, id: i64) -> Option<User> {
    cache.get(&id).await
}

#[monitor_db(system = "sqlite", operation = "select", table = "users")]
async fn load_user(db: &SqlitePool, id: i64) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM users WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await
}

#[monitor_db(system = "sqlite", operation = "insert", table = "users")]
async fn insert_user(db: &SqlitePool, name: &str) -> Result<User, sqlx::Error> {
    sqlx::query_as("INSERT INTO users (name) VALUES (?) RETURNING id, name")
        .bind(name)
        .fetch_one(db)
        .await
}

#[monitor_db(system = "sqlite", operation = "select", table = "orders")]
async fn load_order(db: &SqlitePool, id: i64) -> Result<Option<Order>, sqlx::Error> {
    sqlx::query_as(
        "SELECT orders.id, orders.item, users.name AS user_name
         FROM orders JOIN users ON users.id = orders.user_id WHERE orders.id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

fn internal(err: impl std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, format!("{err}\n")).into_response()
}

async fn get_user(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    if let Some(user) = cached_user(&state.users, id).await {
        return Json(user).into_response();
    }
    match load_user(&state.db, id).await {
        Ok(Some(user)) => {
            dependency::cache("users", "set", state.users.insert(id, user.clone())).await;
            Json(user).into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, "no such user\n").into_response(),
        Err(err) => internal(err),
    }
}

#[derive(Deserialize)]
struct NewUser {
    name: String,
}

async fn create_user(State(state): State<AppState>, Json(new): Json<NewUser>) -> Response {
    match insert_user(&state.db, &new.name).await {
        Ok(user) => (StatusCode::CREATED, Json(user)).into_response(),
        Err(err) => internal(err),
    }
}

async fn get_order(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let order = match load_order(&state.db, id).await {
        Ok(Some(order)) => order,
        Ok(None) => return (StatusCode::NOT_FOUND, "no such order\n").into_response(),
        Err(err) => return internal(err),
    };
    match state
        .call_platform(reqwest::Method::GET, &format!("/shipments/{id}"))
        .await
    {
        Ok(shipment) => {
            Json(serde_json::json!({ "order": order, "shipment": shipment })).into_response()
        }
        Err(err) => (StatusCode::BAD_GATEWAY, format!("shipping: {err}\n")).into_response(),
    }
}

/// Tools are a closed set: a name from the path must never become a label by itself.
const TOOLS: [&str; 3] = ["search", "summarize", "lookup"];

/// A tool execution waiting for a slot, counted in `tool.queue.size` while it waits
/// (however the wait ends: a slot, or a client that went away).
struct Waiting<'a> {
    tool: &'static str,
    count: &'a AtomicI64,
}

impl<'a> Waiting<'a> {
    fn new(tool: &'static str, count: &'a AtomicI64) -> Self {
        dependency::set_tool_queue_size(tool, count.fetch_add(1, Ordering::Relaxed) + 1);
        Self { tool, count }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let left = self.count.fetch_sub(1, Ordering::Relaxed) - 1;
        dependency::set_tool_queue_size(self.tool, left);
    }
}

async fn run_tool(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(index) = TOOLS.iter().position(|tool| *tool == name) else {
        return (StatusCode::NOT_FOUND, "no such tool\n").into_response();
    };
    let tool = TOOLS[index];
    let waiting = Waiting::new(tool, &state.tools_waiting[index]);
    let Ok(_slot) = state.tool_slots.acquire().await else {
        return internal("the tool slots are closed");
    };
    drop(waiting);
    let db = state.db.clone();
    // `lookup` asks for a user that exists three times in four (ids are never negative).
    let id = match tool {
        "lookup" if state.lookups.fetch_add(1, Ordering::Relaxed) % 4 == 3 => -1,
        _ => 1,
    };
    let result = dependency::tool(tool, async move {
        let users: (i64,) = if tool == "lookup" {
            sqlx::query_as("SELECT id FROM users WHERE id = ?")
                .bind(id)
                .fetch_one(&db)
                .await?
        } else {
            sqlx::query_as("SELECT COUNT(*) FROM users")
                .fetch_one(&db)
                .await?
        };
        Ok::<_, sqlx::Error>(serde_json::json!({ "tool": tool, "users": users.0 }))
    })
    .error_type(|err| match err {
        sqlx::Error::RowNotFound => "not_found",
        _ => "database",
    })
    .await;
    match result {
        Ok(output) => Json(output).into_response(),
        Err(sqlx::Error::RowNotFound) => (StatusCode::NOT_FOUND, "no such user\n").into_response(),
        Err(err) => internal(err),
    }
}

async fn run_workflow(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    if name != "checkout" {
        return (StatusCode::NOT_FOUND, "no such workflow\n").into_response();
    }
    let checkout = Workflow::start("checkout");
    if let Err(err) = checkout.step("reserve", load_order(&state.db, 1)).await {
        return internal(err);
    }
    let charge = checkout.step(
        "charge",
        state.call_platform(reqwest::Method::POST, "/charges"),
    );
    if let Err(err) = charge.await {
        return (StatusCode::BAD_GATEWAY, format!("payment: {err}\n")).into_response();
    }
    let confirm = checkout.step("confirm", async {
        sqlx::query("INSERT INTO orders (user_id, item) VALUES (1, 'checkout')")
            .execute(&state.db)
            .await
    });
    match confirm.await {
        Ok(_) => {
            Json(serde_json::json!({ "workflow": "checkout", "status": "done" })).into_response()
        }
        Err(err) => internal(err),
    }
}

#[derive(Deserialize)]
struct SlowParams {
    ms: Option<u64>,
}

async fn slow(Query(params): Query<SlowParams>) -> String {
    let ms = params.ms.unwrap_or(100).min(60_000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms} ms\n")
}

/// A background job: refreshes a statistic every 15 s, off the request path.
async fn refresh_stats(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(15));
    loop {
        every.tick().await;
        dependency::set_job_queue_length("refresh_stats", 0);
        let db = state.db.clone();
        let _ = dependency::job("refresh_stats", async move {
            sqlx::query("SELECT COUNT(*) FROM orders")
                .execute(&db)
                .await
        })
        .await;
    }
}

/// How the fake platform behaves.
#[derive(Clone, Copy, Debug)]
struct PlatformBehaviour {
    latency: Duration,
    failure_rate: f64,
}

impl PlatformBehaviour {
    fn from_env() -> Self {
        let number = |name: &str, default: f64| {
            std::env::var(name)
                .ok()
                .and_then(|value| value.parse::<f64>().ok())
                .unwrap_or(default)
        };
        Self {
            latency: Duration::from_millis(number("PLATFORM_LATENCY_MS", 20.0).max(0.0) as u64),
            failure_rate: number("PLATFORM_FAILURE_RATE", 0.05).clamp(0.0, 1.0),
        }
    }

    /// Waits the latency, then fails with the configured probability.
    async fn answer(self, body: serde_json::Value) -> Response {
        tokio::time::sleep(self.latency).await;
        if uniform() < self.failure_rate {
            return (StatusCode::SERVICE_UNAVAILABLE, "platform unavailable\n").into_response();
        }
        Json(body).into_response()
    }
}

/// A uniform number in [0, 1): xorshift over a shared state, good enough for a demo.
fn uniform() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let mut x = STATE.load(Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Serves the fake platform on a loopback port of its own.
async fn serve_platform(behaviour: PlatformBehaviour) -> std::io::Result<std::net::SocketAddr> {
    let app = Router::new()
        .route(
            "/shipments/{id}",
            get(move |Path(id): Path<i64>| {
                behaviour.answer(serde_json::json!({ "order": id, "status": "in_transit" }))
            }),
        )
        .route(
            "/charges",
            post(move || behaviour.answer(serde_json::json!({ "charge": "accepted" }))),
        )
        // Readiness pings: never slowed or failed by the behaviour.
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

/// A client of the Greeter, through the gRPC client layer.
type Greeter = tonic::client::Grpc<GrpcService<tonic::transport::Channel>>;

/// Serves the Greeter on a loopback port under the gRPC layer, and returns a client of it.
async fn serve_greeter(monitoring: &Monitoring) -> Result<Greeter, Box<dyn std::error::Error>> {
    let incoming = tonic::transport::server::TcpIncoming::bind("127.0.0.1:0".parse()?)?;
    let addr = incoming.local_addr()?;
    let server = tonic::transport::Server::builder()
        .layer(monitoring.grpc_layer())
        .add_service(helloworld::GreeterServer::new(DemoGreeter));
    tokio::spawn(server.serve_with_incoming(incoming));
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?.connect_lazy();
    let layer = monitoring
        .grpc_client_layer()
        .server_address(&addr.to_string());
    Ok(tonic::client::Grpc::new(
        tower::ServiceBuilder::new().layer(layer).service(channel),
    ))
}

/// Greets by name; `fail` is refused (`INVALID_ARGUMENT`), `internal` breaks (`INTERNAL`).
struct DemoGreeter;

impl helloworld::Greeter for DemoGreeter {
    fn say_hello(
        &self,
        request: tonic::Request<helloworld::HelloRequest>,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<tonic::Response<helloworld::HelloReply>, tonic::Status>,
                > + Send,
        >,
    > {
        let name = request.into_inner().name;
        Box::pin(async move {
            match name.as_str() {
                "fail" => Err(tonic::Status::invalid_argument(
                    "the name `fail` is refused",
                )),
                "internal" => Err(tonic::Status::internal("the greeter broke")),
                _ => Ok(tonic::Response::new(helloworld::HelloReply {
                    message: format!("Hello {name}!"),
                })),
            }
        })
    }
}

fn greet_routes(greeter: Greeter) -> Router {
    Router::new()
        .route("/greet/{name}", get(greet))
        .with_state(greeter)
        .route("/ws", get(echo))
}

/// A WebSocket echo: every message back, until the client closes or sends `bye`. The guard
/// moves into the connection's task, so the stream is timed to the socket's end.
async fn echo(
    upgrade: axum::extract::ws::WebSocketUpgrade,
    guard: tower_monitoring::UpgradeGuard,
) -> Response {
    use axum::extract::ws::Message;
    upgrade.on_upgrade(move |mut socket| async move {
        let _stream = guard;
        while let Some(Ok(message)) = socket.recv().await {
            match message {
                Message::Text(text) if text.as_str() == "bye" => {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
                Message::Text(_) | Message::Binary(_) => {
                    if socket.send(message).await.is_err() {
                        break;
                    }
                }
                Message::Close(_) => break,
                Message::Ping(_) | Message::Pong(_) => {}
            }
        }
    })
}

async fn greet(State(mut greeter): State<Greeter>, Path(name): Path<String>) -> Response {
    let request = tonic::Request::new(helloworld::HelloRequest { name });
    match helloworld::say_hello(&mut greeter, request).await {
        Ok(reply) => {
            Json(serde_json::json!({ "message": reply.into_inner().message })).into_response()
        }
        Err(status) if status.code() == tonic::Code::InvalidArgument => {
            (StatusCode::BAD_REQUEST, status.message().to_owned()).into_response()
        }
        Err(status) => (
            StatusCode::BAD_GATEWAY,
            format!("the greeter answered {:?}\n", status.code()),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use opentelemetry_sdk::trace::{InMemorySpanExporter, Sampler};

    use super::*;

    /// One installed pipeline for the whole test binary, spans kept in memory.
    fn monitoring() -> &'static (Monitoring, InMemorySpanExporter) {
        static MONITORING: OnceLock<(Monitoring, InMemorySpanExporter)> = OnceLock::new();
        MONITORING.get_or_init(|| {
            let exporter = InMemorySpanExporter::default();
            let monitoring = Monitoring::builder()
                .service_name("full_stack_test")
                .sampler(Sampler::AlwaysOn)
                .span_exporter(exporter.clone())
                .tracing_subscriber(false)
                .install()
                .unwrap();
            (monitoring, exporter)
        })
    }

    async fn app(name: &str) -> Router {
        let (monitoring, _) = monitoring();
        let platform = serve_platform(PlatformBehaviour {
            latency: Duration::ZERO,
            failure_rate: 0.0,
        })
        .await
        .unwrap();
        let database =
            std::env::temp_dir().join(format!("full_stack-test-{name}-{}.db", std::process::id()));
        let state = AppState::new(database, platform).await.unwrap();
        register_readiness(monitoring, &state);
        routes(state)
            .merge(monitoring.routes())
            .layer(monitoring.layer())
    }

    async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String) {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
        send(app, Request::get(uri).body(Body::empty()).unwrap()).await
    }

    async fn post_json(app: &Router, uri: &str, json: &str) -> (StatusCode, String) {
        let request = Request::post(uri)
            .header("content-type", "application/json")
            .body(Body::from(json.to_owned()))
            .unwrap();
        send(app, request).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_route_answers_and_is_instrumented() {
        let app = app("routes").await;

        let (status, body) = get(&app, "/users/1").await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, r#"{"id":1,"name":"ada"}"#)
        );
        assert_eq!(
            get(&app, "/users/1").await.0,
            StatusCode::OK,
            "from the cache"
        );
        assert_eq!(get(&app, "/users/404").await.0, StatusCode::NOT_FOUND);
        let (status, body) = post_json(&app, "/users", r#"{"name":"barbara"}"#).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let created: User = serde_json::from_str(&body).unwrap();
        assert_eq!(get(&app, &format!("/users/{}", created.id)).await.1, body);

        let (status, body) = get(&app, "/orders/1").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body.contains(r#""user_name":"ada""#) && body.contains("in_transit"),
            "{body}"
        );
        assert_eq!(get(&app, "/orders/999").await.0, StatusCode::NOT_FOUND);
        assert_eq!(
            post_json(&app, "/tools/search", "{}").await.0,
            StatusCode::OK
        );
        assert_eq!(
            post_json(&app, "/tools/rm-rf", "{}").await.0,
            StatusCode::NOT_FOUND
        );
        let (status, body) = post_json(&app, "/workflows/checkout", "{}").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(get(&app, "/slow?ms=1").await.0, StatusCode::OK);
        assert_eq!(
            get(&app, "/error").await.0,
            StatusCode::INTERNAL_SERVER_ERROR
        );

        let (status, text) = get(&app, "/metrics").await;
        assert_eq!(status, StatusCode::OK);
        for expected in [
            r#"db_client_operation_duration_seconds_count{db_collection_name="users",db_operation_name="select",db_system_name="sqlite",http_route="/users/{id}""#,
            r#"cache_lookups_total{cache_name="users",cache_result="hit",http_route="/users/{id}""#,
            r#"cache_lookups_total{cache_name="users",cache_result="miss",http_route="/users/{id}""#,
            r#"http_route="/orders/{id}""#,
            r#"platform_endpoint="shipments.get",platform_name="shipping""#,
            r#"tool_execution_duration_seconds_count{http_route="/tools/{name}",tool_name="search""#,
            r#"workflow_step="charge""#,
            r#"db_client_connection_max{db_client_connection_pool_name="sqlite""#,
        ] {
            assert!(text.contains(expected), "{expected} missing from\n{text}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_order_is_one_trace_with_its_database_and_platform_calls() {
        let app = app("trace").await;
        assert_eq!(get(&app, "/orders/2").await.0, StatusCode::OK);
        let (monitoring, exporter) = monitoring();
        monitoring.tracer_provider().unwrap().force_flush().unwrap();
        let spans = exporter.get_finished_spans().unwrap();
        let server = spans
            .iter()
            .rev()
            .find(|span| span.name == "GET /orders/{id}")
            .unwrap_or_else(|| panic!("{spans:#?}"));
        let children: Vec<&str> = spans
            .iter()
            .filter(|span| span.parent_span_id == server.span_context.span_id())
            .map(|span| span.name.as_ref())
            .collect();
        assert!(children.contains(&"select orders"), "{children:?}");
        assert!(children.contains(&"GET shipments.get"), "{children:?}");
    }
}
