//! Exemplars end to end: the full demo, tracing to the test receiver (the official OTLP
//! protobufs), scraped by Debian's Prometheus with `--enable-feature=exemplar-storage`,
//! which asks for OpenMetrics and parses it with its own parser. Every exemplar
//! `/api/v1/query_exemplars` returns for the request and dependency durations names a
//! server (or client) span the receiver was sent.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::example::Running;
use crate::support::otlp::{ReceivedSpan, Receiver};

/// Prometheus, killed (and its data removed) when the test ends however it ends.
struct Prometheus {
    child: Child,
    dir: std::path::PathBuf,
    url: String,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Prometheus {
    /// Starts Prometheus with exemplar storage, scraping `target` every second.
    fn start(target: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tm-exemplars-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("prometheus.yml"),
            format!(
                "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: demo\n    \
                 static_configs: [{{targets: ['{target}']}}]\n"
            ),
        )
        .unwrap();
        let port = crate::support::otlp::free_port().port();
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--enable-feature=exemplar-storage")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| {
                panic!(
                    "prometheus is needed ({err}); install Debian's `prometheus` package, as \
                     scripts/test.sh does"
                )
            });
        Self {
            child,
            dir,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn get(&self, path: &str) -> Option<serde_json::Value> {
        let response = reqwest::get(format!("{}{path}", self.url)).await.ok()?;
        response.json().await.ok()
    }

    /// The trace and span ids of every exemplar of `metric` in the last ten minutes.
    async fn exemplars(&self, metric: &str) -> Vec<(String, String, f64)> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let path = format!(
            "/api/v1/query_exemplars?query={metric}&start={}&end={}",
            now - 600,
            now + 60
        );
        let Some(json) = self.get(&path).await else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for series in json["data"].as_array().into_iter().flatten() {
            for exemplar in series["exemplars"].as_array().into_iter().flatten() {
                let labels = &exemplar["labels"];
                found.push((
                    labels["trace_id"].as_str().unwrap_or_default().to_owned(),
                    labels["span_id"].as_str().unwrap_or_default().to_owned(),
                    exemplar["value"].as_str().unwrap().parse().unwrap(),
                ));
            }
        }
        found
    }
}

fn spans_of(receiver: &Receiver) -> BTreeSet<(String, String, String)> {
    receiver
        .received
        .spans()
        .into_iter()
        .map(
            |ReceivedSpan {
                 trace_id,
                 span_id,
                 kind,
                 ..
             }| (trace_id, span_id, kind),
        )
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_stores_exemplars_that_name_exported_spans() {
    let receiver = Receiver::start().await;
    let (_demo, address) = Running::start_with(
        "full_stack",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.grpc_endpoint()),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
            ("PLATFORM_LATENCY_MS", "1"),
        ],
    );
    let prometheus = Prometheus::start(&address);

    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    let (requests, calls) = loop {
        for path in ["/users/1", "/orders/1", "/slow?ms=20"] {
            client
                .get(format!("http://{address}{path}"))
                .send()
                .await
                .unwrap();
        }
        let requests = prometheus
            .exemplars("http_server_request_duration_seconds_bucket")
            .await;
        let calls = prometheus
            .exemplars("db_client_operation_duration_seconds_bucket")
            .await;
        if !requests.is_empty() && !calls.is_empty() {
            break (requests, calls);
        }
        let targets = prometheus.get("/api/v1/targets").await;
        assert!(
            Instant::now() < deadline,
            "no exemplars stored after 90 s; targets: {targets:#?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };

    // The scrape is healthy: Prometheus's OpenMetrics parser accepted every line.
    let targets = prometheus.get("/api/v1/targets").await.unwrap();
    let target = &targets["data"]["activeTargets"][0];
    assert_eq!(target["health"], "up", "{target:#}");
    assert_eq!(target["lastError"], "", "{target:#}");

    // Every exemplar names a span the receiver was sent: requests their server span,
    // database calls their client span.
    let deadline = Instant::now() + Duration::from_secs(30);
    let wanted: Vec<(&(String, String, f64), &str)> = requests
        .iter()
        .map(|exemplar| (exemplar, "SPAN_KIND_SERVER"))
        .chain(calls.iter().map(|exemplar| (exemplar, "SPAN_KIND_CLIENT")))
        .collect();
    loop {
        let spans = spans_of(&receiver);
        let missing: Vec<_> = wanted
            .iter()
            .filter(|((trace_id, span_id, _), kind)| {
                !spans.contains(&(trace_id.clone(), span_id.clone(), (*kind).to_owned()))
            })
            .collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "exemplars naming no exported span: {missing:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        requests
            .iter()
            .all(|(trace_id, span_id, value)| trace_id.len() == 32
                && span_id.len() == 16
                && *value > 0.0),
        "{requests:#?}"
    );
}
