//! Tool executions, workflow steps, background jobs and connection pools: counts and
//! durations by outcome, active gauges that return to zero however the work ends (cancelled
//! included), queue gauges the application sets, and pool gauges read at collection. Its own
//! test binary: it installs the globals.

mod support;

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Waker};

use support::prometheus::sample;
use tower_monitoring::Monitoring;
use tower_monitoring::dependency::{self, PoolUsage, Workflow};

async fn failing() -> Result<(), std::io::Error> {
    Err(std::io::Error::other("no"))
}

async fn ok() -> Result<(), std::io::Error> {
    Ok(())
}

/// The pipelines every test of this binary records into, installed once (the free
/// functions record through the globals); each test uses names of its own.
fn installed() -> &'static Monitoring {
    static INSTALLED: OnceLock<Monitoring> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        Monitoring::builder()
            .service_name("work")
            .tracing_subscriber(false)
            .install()
            .unwrap()
    })
}

fn text() -> String {
    installed().render_prometheus()
}

/// Tools: one ok, one failed, one cancelled while running.
#[tokio::test]
async fn tool_executions_by_outcome_with_active_and_queue_gauges() {
    installed();
    dependency::tool("search", ok()).await.unwrap();
    dependency::tool("search", failing()).await.unwrap_err();
    {
        let mut running = pin!(dependency::tool(
            "search",
            std::future::pending::<Result<(), std::io::Error>>()
        ));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(running.as_mut().poll(&mut cx).is_pending());
        assert_eq!(
            sample(&text(), "tool_executions_active", &["tool_name=\"search\""]),
            Some(1.0)
        );
    }
    dependency::set_tool_queue_size("search", 4);
    let now = text();
    let tool = "tool_execution_duration_seconds_count";
    assert_eq!(
        sample(&now, "tool_executions_active", &["tool_name=\"search\""]),
        Some(0.0),
        "{now}"
    );
    assert_eq!(
        sample(&now, tool, &["error_type=\"_OTHER\""]),
        Some(1.0),
        "{now}"
    );
    assert_eq!(
        sample(&now, tool, &["error_type=\"cancelled\""]),
        Some(1.0),
        "{now}"
    );
    let succeeded = now
        .lines()
        .find(|line| line.starts_with(tool) && !line.contains("error_type"))
        .unwrap_or_else(|| panic!("{now}"));
    assert!(succeeded.ends_with(" 1"), "{succeeded}");
    assert_eq!(
        sample(&now, "tool_queue_size", &["tool_name=\"search\""]),
        Some(4.0),
        "{now}"
    );
}

/// A workflow counts as active while it lives; its steps are measured by outcome.
#[tokio::test]
async fn workflows_are_active_while_they_live_and_steps_count_by_outcome() {
    installed();
    let checkout = Workflow::start("checkout");
    checkout.step("reserve", ok()).await.unwrap();
    checkout.step("charge", failing()).await.unwrap_err();
    assert_eq!(
        sample(&text(), "workflow_active", &["workflow_name=\"checkout\""]),
        Some(1.0)
    );
    drop(checkout);
    let now = text();
    assert_eq!(
        sample(&now, "workflow_active", &["workflow_name=\"checkout\""]),
        Some(0.0),
        "{now}"
    );
    let step = "workflow_step_duration_seconds_count";
    assert_eq!(
        sample(
            &now,
            step,
            &["workflow_step=\"reserve\"", "workflow_name=\"checkout\""]
        ),
        Some(1.0),
        "{now}"
    );
    assert_eq!(
        sample(&now, step, &["workflow_step=\"charge\"", "error_type="]),
        Some(1.0),
        "{now}"
    );
}

/// Jobs in progress, however they end, and their queue.
#[tokio::test]
async fn jobs_in_progress_return_to_zero_however_they_end() {
    installed();
    {
        let mut running = pin!(dependency::job("send_email", std::future::pending::<()>()));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(running.as_mut().poll(&mut cx).is_pending());
        assert_eq!(
            sample(&text(), "job_active", &["job_name=\"send_email\""]),
            Some(1.0)
        );
    }
    dependency::job("send_email", async {}).await;
    dependency::set_job_queue_length("send_email", 12);
    let now = text();
    assert_eq!(
        sample(&now, "job_active", &["job_name=\"send_email\""]),
        Some(0.0),
        "{now}"
    );
    // The cancelled run and the finished one.
    assert_eq!(
        sample(
            &now,
            "job_duration_seconds_count",
            &["job_name=\"send_email\"", "error_type=\"cancelled\""]
        ),
        Some(1.0),
        "{now}"
    );
    assert_eq!(
        sample(&now, "job_queue_length", &["job_name=\"send_email\""]),
        Some(12.0),
        "{now}"
    );
}

/// Any client that is a tower service, its requests described by a closure.
#[tokio::test]
async fn client_services_are_measured_by_their_description() {
    installed();
    let kv = tower::service_fn(|key: &'static str| async move {
        if key == "missing" {
            Err(std::io::Error::other("no such key"))
        } else {
            Ok(key.len())
        }
    });
    let mut kv = tower::Layer::layer(
        &dependency::ClientLayer::new("kv", |_: &&'static str| ("get", "sessions")),
        kv,
    );
    assert_eq!(tower::ServiceExt::oneshot(&mut kv, "abc").await.unwrap(), 3);
    tower::ServiceExt::oneshot(&mut kv, "missing")
        .await
        .unwrap_err();
    let now = text();
    let client = "client_operation_duration_seconds_count";
    let labels = [
        "client_name=\"kv\"",
        "client_operation=\"get\"",
        "client_target=\"sessions\"",
    ];
    let failed: Vec<&str> = labels
        .iter()
        .copied()
        .chain(["error_type=\"_OTHER\""])
        .collect();
    assert_eq!(sample(&now, client, &failed), Some(1.0), "{now}");
    let succeeded = now
        .lines()
        .find(|line| {
            line.starts_with(client)
                && line.contains("client_name=\"kv\"")
                && !line.contains("error_type")
        })
        .unwrap_or_else(|| panic!("{now}"));
    assert!(succeeded.ends_with(" 1"), "{succeeded}");
}

/// Pools are read when metrics are collected.
#[test]
fn pools_are_read_at_collection() {
    installed();
    let in_use = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(3));
    let reading = in_use.clone();
    dependency::register_pool("main", move || {
        PoolUsage::new(reading.load(std::sync::atomic::Ordering::Relaxed), 2, 10)
    });
    let pool = "db_client_connection_count";
    let used = [
        "db_client_connection_pool_name=\"main\"",
        "db_client_connection_state=\"used\"",
    ];
    assert_eq!(sample(&text(), pool, &used), Some(3.0));
    in_use.store(7, std::sync::atomic::Ordering::Relaxed);
    let now = text();
    assert_eq!(sample(&now, pool, &used), Some(7.0), "{now}");
    assert_eq!(
        sample(&now, pool, &["db_client_connection_state=\"idle\""]),
        Some(2.0),
        "{now}"
    );
    assert_eq!(
        sample(
            &now,
            "db_client_connection_max",
            &["db_client_connection_pool_name=\"main\""]
        ),
        Some(10.0),
        "{now}"
    );
}
