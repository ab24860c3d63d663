//! The example binaries, run as a user runs them: environment in, JSON log lines out,
//! SIGTERM to stop. They are the ones `cargo build --all-features --examples` leaves beside
//! the test binaries (scripts/test.sh builds them first).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The default shutdown bound of the examples, and room for the process to start its exit.
pub const SHUTDOWN_BOUND: Duration = Duration::from_secs(5);
pub const EXIT_SLACK: Duration = Duration::from_secs(5);

pub fn example(name: &str) -> PathBuf {
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
pub struct Running {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    pub log: Vec<String>,
}

impl Running {
    /// Starts example `name` exporting to `endpoint`; returns it and the address it serves.
    pub fn start(name: &str, endpoint: &str) -> (Self, String) {
        Self::start_with(name, &[("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)])
    }

    /// Starts example `name` with the variables `vars` on top of a clean slate.
    pub fn start_with(name: &str, vars: &[(&str, &str)]) -> (Self, String) {
        Self::spawn(&example(name), vars)
    }

    /// Starts the binary at `path` with the variables `vars`; returns it and the address it
    /// logs (`"address"` of its first JSON line that has one).
    pub fn spawn(path: &std::path::Path, vars: &[(&str, &str)]) -> (Self, String) {
        let mut command = Command::new(path);
        command
            .env("PORT", "0")
            .env("LOG_FORMAT", "json")
            .env_remove("OTEL_TRACES_SAMPLER")
            .env_remove("RUST_LOG");
        for (name, value) in vars {
            command.env(name, value);
        }
        let mut child = command
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
    pub fn wait_for<T>(&mut self, mut find: impl FnMut(&str) -> Option<T>) -> T {
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
    pub fn terminate(&mut self) -> (std::process::ExitStatus, Duration) {
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

/// A test that fails half-way does not leave the process serving (and holding the test's
/// output pipe) after it.
impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
