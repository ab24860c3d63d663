//! A service that existed before the crate was added, as most do: its own `tracing`
//! subscriber set up first, a generic repository over sqlx whose models name their tables,
//! a JSON-RPC route, static files behind `fallback_service`. The README's "A service that
//! already exists" shows this file; `tests/fresh_app.rs` builds it from there in a `cargo
//! new` project and runs it.
//!
//! ```sh
//! cargo run --example real_service --features sqlx
//! curl localhost:3000/users/1
//! curl -d '{"jsonrpc":"2.0","id":1,"method":"user.count"}' -H 'content-type: application/json' localhost:3000/rpc
//! ```

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions, SqliteRow};
use tower_http::services::ServeDir;
use tower_monitoring::dependency::{monitor_db, sqlx as monitored};
use tower_monitoring::names::db_system;
use tower_monitoring::{Monitoring, OperationName};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::prelude::*;

/// A row type that names its table: the repository is written once for all of them.
trait Model: for<'r> sqlx::FromRow<'r, SqliteRow> + Send + Unpin {
    const TABLE: &'static str;
}

#[derive(sqlx::FromRow)]
struct User {
    id: i64,
    name: String,
}

impl Model for User {
    const TABLE: &'static str = "users";
}

struct Repository<M> {
    pool: SqlitePool,
    model: PhantomData<M>,
}

impl<M: Model> Repository<M> {
    fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            model: PhantomData,
        }
    }

    /// `db.collection.name` is the model's table: an associated constant, as here.
    #[monitor_db(system = db_system::SQLITE, operation = "select", table = M::TABLE)]
    async fn find(&self, id: i64) -> Result<Option<M>, sqlx::Error> {
        let query = format!("SELECT * FROM {} WHERE id = ?", M::TABLE);
        sqlx::query_as(&query)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    #[monitor_db(system = db_system::SQLITE, operation = "count", table = M::TABLE)]
    async fn count(&self) -> Result<i64, sqlx::Error> {
        let query = format!("SELECT COUNT(*) FROM {}", M::TABLE);
        sqlx::query_scalar(&query).fetch_one(&self.pool).await
    }
}

type Users = Arc<Repository<User>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The service's own subscriber, first, as it was before the crate came: the crate's
    //    layer joins it, so handler spans nest under each request's span.
    tracing_subscriber::registry()
        .with(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with(tracing_subscriber::fmt::layer().json().flatten_event(true))
        .with(tower_monitoring::tracing_layer())
        .init();
    // 2. The pipelines, without a subscriber of their own.
    let monitoring = Monitoring::builder()
        .service_name("accounts")
        .tracing_subscriber(false)
        .install()?;

    // 3. sqlx: the pool's gauges and the readiness ping in one call each.
    let database = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite::memory:".into());
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect(&database)
        .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    sqlx::query("INSERT OR IGNORE INTO users (id, name) VALUES (1, 'ada'), (2, 'grace')")
        .execute(&pool)
        .await?;
    monitoring
        .dependencies()
        .register_pool("main", monitored::pool_usage(pool.clone()));
    monitoring.add_readiness_check("database", monitored::readiness_check(pool.clone()));
    let users: Users = Arc::new(Repository::new(pool));

    // 4. Static files behind the fallback get a route of their own; JSON-RPC names its
    //    methods in the response (see `rpc`).
    let public = std::env::var("PUBLIC_DIR").unwrap_or_else(|_| "public".into());
    let app = Router::new()
        .route("/users/{id}", get(user))
        .route("/rpc", post(rpc))
        .with_state(users)
        .merge(monitoring.routes())
        .fallback_service(ServeDir::new(public))
        .layer(monitoring.layer().fallback_route("/assets/{*path}"));

    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    tracing::info!(address = %listener.local_addr()?, "accounts listening");
    axum::serve(monitoring.listener(listener), app)
        .with_graceful_shutdown(tower_monitoring::shutdown_signal())
        .await?;
    monitoring.shutdown().await.ok();
    Ok(())
}

#[tracing::instrument(skip(users))]
async fn user(State(users): State<Users>, Path(id): Path<i64>) -> Result<Json<Value>, StatusCode> {
    match users.find(id).await {
        Ok(Some(user)) => Ok(Json(json!({ "id": user.id, "name": user.name }))),
        Ok(None) => Err(StatusCode::NOT_FOUND),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// JSON-RPC 2.0 on one route: each method the service knows is named in the response, so
/// `http_route="/rpc"` splits into `operation_name="user.get"`, `"user.count"`, ...
async fn rpc(
    State(users): State<Users>,
    Json(call): Json<Value>,
) -> (Extension<OperationName>, Json<Value>) {
    let (method, outcome) = match call["method"].as_str() {
        Some("user.get") => {
            let id = call["params"]["id"].as_i64().unwrap_or_default();
            let found = users
                .find(id)
                .await
                .map(|user| json!(user.map(|user| user.name)));
            ("user.get", found.map_err(|_| -32000))
        }
        Some("user.count") => {
            let count = users.count().await.map(|count| json!(count));
            ("user.count", count.map_err(|_| -32000))
        }
        // Never the client's string: every unknown method is one name.
        _ => ("unknown_method", Err(-32601)),
    };
    let reply = match outcome {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": call["id"], "result": result }),
        Err(code) => json!({ "jsonrpc": "2.0", "id": call["id"], "error": { "code": code } }),
    };
    (Extension(OperationName::new(method)), Json(reply))
}
