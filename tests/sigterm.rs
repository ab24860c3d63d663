//! The examples stop cleanly on SIGTERM, the signal `docker stop` and Kubernetes send: the
//! spans of the requests served before it reach the collector, the full demo removes its
//! database file, and a collector that is down at shutdown is logged while the process
//! still exits 0 within the shutdown bound.
//!
//! It runs the example binaries that `cargo build --all-features --examples` leaves beside
//! this test binary (scripts/test.sh builds them first).
#![cfg(all(unix, feature = "otlp"))]

mod support;

use support::example::{EXIT_SLACK, Running, SHUTDOWN_BOUND};

async fn get(address: &str, path: &str) -> u16 {
    reqwest::get(format!("http://{address}{path}"))
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_flushes_its_spans_on_sigterm() {
    let receiver = support::otlp::Receiver::start().await;
    let (mut running, address) = Running::start("quickstart", &receiver.grpc_endpoint());
    for id in 1..=3 {
        assert_eq!(get(&address, &format!("/users/{id}")).await, 200);
    }
    let (status, _) = running.terminate();
    assert!(status.success(), "{status:?}\n{}", running.log.join("\n"));
    let spans = receiver.received.spans();
    let served = spans
        .iter()
        .filter(|span| span.name == "GET /users/{id}")
        .count();
    assert_eq!(served, 3, "{spans:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_demo_flushes_its_spans_and_removes_its_database_on_sigterm() {
    let receiver = support::otlp::Receiver::start().await;
    let (mut running, address) = Running::start("full_stack", &receiver.grpc_endpoint());
    let database = std::env::temp_dir().join(format!("full_stack-{}.db", running.child.id()));
    assert!(database.exists(), "{}", database.display());
    assert_eq!(get(&address, "/orders/1").await, 200);
    assert_eq!(get(&address, "/users/2").await, 200);

    let (status, _) = running.terminate();
    assert!(status.success(), "{status:?}\n{}", running.log.join("\n"));
    assert!(!database.exists(), "the database file is left behind");
    let names: Vec<String> = receiver
        .received
        .spans()
        .into_iter()
        .map(|span| span.name)
        .collect();
    for expected in ["GET /orders/{id}", "select orders", "GET /users/{id}"] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected}: {names:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_down_at_shutdown_is_logged_and_the_exit_is_still_clean_and_bounded() {
    let (black_hole, _task) = support::otlp::black_hole().await;
    let (mut running, address) = Running::start("quickstart", &format!("http://{black_hole}"));
    assert_eq!(get(&address, "/users/1").await, 200);
    let (status, took) = running.terminate();
    assert!(status.success(), "{status:?}\n{}", running.log.join("\n"));
    assert!(
        took < SHUTDOWN_BOUND + EXIT_SLACK,
        "the exit took {took:?}\n{}",
        running.log.join("\n")
    );
    // The exporter waits 10 s for an answer; the shutdown gives up after 5 s and says so.
    assert!(
        running
            .log
            .iter()
            .any(|line| line.contains("telemetry was not flushed") && line.contains("WARN")),
        "the failed flush is not logged:\n{}",
        running.log.join("\n")
    );
}
