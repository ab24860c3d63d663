//! A dependency call made before `install()` (a warm-up query, a pool registered at start)
//! finds only the no-op provider; it must not keep every later call recording nowhere.
//! The order "call, install, call" records the later calls, metrics and spans alike.
//! Its own test binary: it installs the globals.

mod support;

use support::prometheus::sample;
use tower_monitoring::dependency::{self, PoolUsage, Workflow};

async fn every_kind_of_call() {
    let _: Result<u8, std::io::Error> =
        dependency::db("sqlite", "select", "users", async { Ok(1) }).await;
    let _: Option<u8> = dependency::cache("users", "get", async { Some(1) }).await;
    let _: Result<(), std::io::Error> = dependency::tool("search", async { Ok(()) }).await;
    dependency::job("email", async {}).await;
    let checkout = Workflow::start("checkout");
    let _: Result<(), std::io::Error> = checkout.step("charge", async { Ok(()) }).await;
    dependency::set_tool_queue_size("search", 3);
    dependency::set_job_queue_length("email", 2);
    dependency::record_hit("users");
}

#[tokio::test]
async fn calls_before_install_do_not_silence_the_calls_after_it() {
    // Before: no provider yet, nothing to record into.
    dependency::register_pool("main", || PoolUsage::new(1, 2, 5));
    every_kind_of_call().await;

    let (monitoring, exporter) = support::traced_installed("late");
    every_kind_of_call().await;

    let text = monitoring.render_prometheus();
    for (name, labels) in [
        (
            "db_client_operation_duration_seconds_count",
            "db_collection_name=\"users\"",
        ),
        (
            "cache_operation_duration_seconds_count",
            "cache_name=\"users\"",
        ),
        (
            "tool_execution_duration_seconds_count",
            "tool_name=\"search\"",
        ),
        ("job_duration_seconds_count", "job_name=\"email\""),
        (
            "workflow_step_duration_seconds_count",
            "workflow_step=\"charge\"",
        ),
    ] {
        assert_eq!(
            sample(&text, name, &[labels]),
            Some(1.0),
            "{name}: only the call after install counts\n{text}"
        );
    }
    assert_eq!(
        sample(&text, "cache_lookups_total", &["cache_result=\"hit\""]),
        Some(2.0)
    );
    assert_eq!(sample(&text, "tool_queue_size", &[]), Some(3.0), "{text}");
    assert_eq!(sample(&text, "job_queue_length", &[]), Some(2.0), "{text}");
    assert_eq!(sample(&text, "workflow_active", &[]), Some(0.0), "{text}");
    // The pool was registered before install and never again: it is observed all the same.
    assert_eq!(
        sample(
            &text,
            "db_client_connection_count",
            &["db_client_connection_pool_name=\"main\"", "state=\"used\""]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "db_client_connection_max", &[]),
        Some(5.0),
        "{text}"
    );

    // And the calls after install are traced.
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    for name in [
        "select users",
        "get users",
        "tool search",
        "job email",
        "checkout charge",
    ] {
        assert_eq!(
            spans.iter().filter(|span| span.name == name).count(),
            1,
            "{name}: {spans:#?}"
        );
    }
}
