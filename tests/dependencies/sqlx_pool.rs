//! sqlx on SQLite (feature `sqlx`): the pool's gauges from one call, the readiness ping
//! (ready while the pool lends connections, not once it is closed), and errors named by
//! kind with a missing row recorded as a success.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};
use support::prometheus::sample;
use tower_monitoring::Monitoring;
use tower_monitoring::dependency::sqlx as monitored;
use tower_monitoring::names::db_system;

async fn pool() -> SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(3)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    sqlx::query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO users (id, name) VALUES (1, 'ada')")
        .execute(&pool)
        .await
        .unwrap();
    pool
}

fn monitoring() -> Monitoring {
    Monitoring::builder()
        .service_name("sqlx")
        .system_metrics(false)
        .readiness_cache(std::time::Duration::ZERO)
        .build()
        .unwrap()
}

#[test]
fn the_system_name_follows_the_pool_s_database() {
    assert_eq!(monitored::system::<sqlx::Sqlite>(), db_system::SQLITE);
}

#[tokio::test]
async fn pool_gauges_come_from_the_pool_in_one_call() {
    let monitoring = monitoring();
    let pool = pool().await;
    monitoring
        .dependencies()
        .register_pool("main", monitored::pool_usage(pool.clone()));
    // A connection goes back to the pool in a task of its own: wait until every one has.
    while pool.num_idle() < pool.size() as usize {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let held = [pool.acquire().await.unwrap(), pool.acquire().await.unwrap()];
    let text = monitoring.render_prometheus();
    let pool_label = r#"db_client_connection_pool_name="main""#;
    let used = sample(
        &text,
        "db_client_connection_count",
        &[pool_label, r#"state="used""#],
    );
    let max = sample(&text, "db_client_connection_max", &[pool_label]);
    assert_eq!((used, max), (Some(2.0), Some(3.0)), "{text}");
    drop(held);
}

#[tokio::test]
async fn ready_while_the_pool_lends_connections_and_not_after_it_closes() {
    let monitoring = monitoring();
    let pool = pool().await;
    monitoring.add_readiness_check("database", monitored::readiness_check(pool.clone()));
    let app: Router = monitoring.routes();
    let ready = || Request::get("/ready").body(Body::empty()).unwrap();
    assert_eq!(support::send(&app, ready()).await.0, StatusCode::OK);
    pool.close().await;
    let (status, body) = support::send(&app, ready()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        String::from_utf8_lossy(&body).contains("database"),
        "{body:?}"
    );
}

#[tokio::test]
async fn a_missing_row_is_no_failure_and_a_constraint_is_named() {
    let monitoring = monitoring();
    let pool = pool().await;
    let handle = monitoring.dependencies();
    let missing: Result<String, sqlx::Error> = handle
        .db(db_system::SQLITE, "select", "users", async {
            sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
                .bind(99)
                .fetch_one(&pool)
                .await
        })
        .sqlx_errors()
        .await;
    assert!(matches!(missing, Err(sqlx::Error::RowNotFound)));
    let duplicate = handle
        .db(db_system::SQLITE, "insert", "users", async {
            sqlx::query("INSERT INTO users (name) VALUES ('ada')")
                .execute(&pool)
                .await
        })
        .sqlx_errors()
        .await;
    assert!(duplicate.is_err());

    let text = monitoring.render_prometheus();
    let count = |operation: &str, error: Option<&str>| {
        let operation = format!(r#"db_operation_name="{operation}""#);
        let lines: Vec<&str> = text
            .lines()
            .filter(|line| line.starts_with("db_client_operation_duration_seconds_count"))
            .filter(|line| line.contains(&operation))
            .filter(|line| match error {
                Some(error) => line.contains(&format!(r#"error_type="{error}""#)),
                None => !line.contains("error_type"),
            })
            .collect();
        lines.len()
    };
    assert_eq!(count("select", None), 1, "{text}");
    assert_eq!(count("insert", Some("unique_violation")), 1, "{text}");
}
