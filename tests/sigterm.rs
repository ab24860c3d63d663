//! The examples stop cleanly on SIGTERM, the signal `docker stop` and Kubernetes send: the
//! spans of the requests served before it reach the collector, the full demo removes its
//! database file, and a collector that is down at shutdown is logged while the process
//! still exits 0 within the shutdown bound.
//!
//! It runs the example binaries that `cargo build --all-features --examples` leaves beside
//! this test binary (scripts/test.sh builds them first).
#![cfg(all(unix, feature = "otlp"))]

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The default shutdown bound of the examples, and room for the process to start its exit.
const SHUTDOWN_BOUND: Duration = Duration::from_secs(5);
const EXIT_SLACK: Duration = Duration::from_secs(5);

fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let path = deps
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: build the examples first with `cargo build --all-features --examples` \
         (scripts/test.sh does)",
        path.display()
    );
    path
}

/// A running example and the log lines it writes.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    log: Vec<String>,
}

impl Running {
    fn start(name: &str, endpoint: &str) -> (Self, String) {
        let mut child = Command::new(example(name))
            .env("PORT", "0")
            .env("LOG_FORMAT", "json")
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
            .env_remove("OTEL_TRACES_SAMPLER")
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        let mut running = Self {
            child,
            lines,
            log: Vec::new(),
        };
        let address = running.wait_for(|line| {
            let json: serde_json::Value = serde_json::from_str(line).ok()?;
            json["address"].as_str().map(str::to_owned)
        });
        (running, address)
    }

    /// Reads log lines until `find` picks something out of one (at most 60 s).
    fn wait_for<T>(&mut self, mut find: impl FnMut(&str) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = find(&line);
                    self.log.push(line);
                    if let Some(found) = found {
                        return found;
                    }
                }
                Err(_) => panic!("not found in the log:\n{}", self.log.join("\n")),
            }
        }
    }

    /// Sends SIGTERM and waits for the exit; returns the status and how long it took.
    fn terminate(&mut self) -> (std::process::ExitStatus, Duration) {
        let sent = Instant::now();
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = sent + SHUTDOWN_BOUND + EXIT_SLACK + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let took = sent.elapsed();
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    self.log.push(line);
                }
                return (status, took);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("no exit after SIGTERM:\n{}", self.log.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

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
