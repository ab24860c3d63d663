//! End to end through a third-party collector: our OTLP/HTTP export goes to `rotel` (a Rust
//! OpenTelemetry collector, `pip install rotel`), which forwards over OTLP/gRPC to the test
//! receiver. Proves the spans and pushed metrics are valid OTLP for someone else's decoder,
//! not only ours.
//!
//! `scripts/test.sh` installs rotel; the test fails, with the command to run, when it is
//! missing.

use crate::support;

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use support::otlp::Receiver;
use tower_monitoring::{MetricsExport, Monitoring, OtlpProtocol, names};

const TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";
const PARENT_ID: &str = "b7ad6b7169203331";

/// The rotel binary: `$ROTEL_AGENT`, else the one inside the installed Python package.
fn rotel_agent() -> String {
    if let Ok(path) = std::env::var("ROTEL_AGENT") {
        return path;
    }
    let located = Command::new("python3")
        .args([
            "-c",
            "import os, rotel; print(os.path.join(os.path.dirname(rotel.__file__), 'rotel-agent'))",
        ])
        .output();
    match located {
        Ok(output) if output.status.success() => {
            String::from_utf8(output.stdout).unwrap().trim().to_owned()
        }
        _ => panic!(
            "rotel is not installed: run `pip install rotel` (scripts/test.sh does), \
             or point ROTEL_AGENT at a rotel-agent binary"
        ),
    }
}

/// The collector process, killed when the test ends however it ends.
struct Rotel(Child);

impl Drop for Rotel {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for the collector to listen: it is a separate process that starts on its own time.
fn wait_until_listening(addr: SocketAddr, rotel: &mut Rotel) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(addr).is_err() {
        if let Ok(Some(status)) = rotel.0.try_wait() {
            panic!("rotel exited before listening: {status}");
        }
        assert!(Instant::now() < deadline, "rotel did not listen on {addr}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_and_metrics_pass_through_rotel() {
    let receiver = Receiver::start().await;
    let (rotel_grpc, rotel_http) = (support::otlp::free_port(), support::otlp::free_port());
    let run_dir = std::env::temp_dir().join(format!("rotel-test-{}", std::process::id()));
    std::fs::create_dir_all(&run_dir).unwrap();
    let mut rotel = Rotel(
        Command::new(rotel_agent())
            .arg("start")
            .args(["--otlp-grpc-endpoint", &rotel_grpc.to_string()])
            .args(["--otlp-http-endpoint", &rotel_http.to_string()])
            .args(["--exporter", "otlp"])
            .args(["--otlp-exporter-endpoint", &receiver.grpc_endpoint()])
            .args(["--otlp-exporter-protocol", "grpc"])
            .args(["--batch-timeout", "50ms"])
            .arg("--pid-file")
            .arg(run_dir.join("rotel.pid"))
            .arg("--log-file")
            .arg(run_dir.join("rotel.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start rotel-agent"),
    );
    wait_until_listening(rotel_http, &mut rotel);

    let monitoring = Monitoring::builder()
        .service_name("through-rotel")
        .otlp_endpoint(format!("http://{rotel_http}"))
        .otlp_protocol(OtlpProtocol::HttpProtobuf)
        .metrics_export(MetricsExport::Push)
        .metric_export_interval(Duration::from_millis(100))
        .build()
        .unwrap();
    let app = Router::new()
        .route("/orders/{id}", get(|| async { "order" }))
        .layer(monitoring.layer());
    let request = Request::get("/orders/1")
        .header("traceparent", format!("00-{TRACE_ID}-{PARENT_ID}-01"))
        .body(Body::empty())
        .unwrap();
    support::send(&app, request).await;
    monitoring.tracer_provider().unwrap().force_flush().unwrap();

    // rotel batches and forwards on its own schedule.
    let deadline = Instant::now() + Duration::from_secs(30);
    let span = loop {
        if let Some(span) = receiver.received.spans().into_iter().next() {
            break span;
        }
        assert!(Instant::now() < deadline, "no span came through rotel");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(span.name, "GET /orders/{id}");
    assert_eq!(span.kind, "SPAN_KIND_SERVER");
    assert_eq!(span.trace_id, TRACE_ID);
    assert_eq!(span.parent_span_id, PARENT_ID);
    assert_eq!(span.attr("http.route"), Some("/orders/{id}"));
    assert_eq!(
        span.resource.get("service.name").map(String::as_str),
        Some("through-rotel")
    );

    let duration = loop {
        let found = receiver
            .received
            .last_metric(names::HTTP_SERVER_REQUEST_DURATION)
            .filter(|metric| metric.points.iter().any(|point| point.count == Some(1)));
        if let Some(metric) = found {
            break metric;
        }
        assert!(Instant::now() < deadline, "no metric came through rotel");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(duration.unit, "s");
    assert_eq!(duration.kind, "histogram");
    assert_eq!(duration.temporality, "AGGREGATION_TEMPORALITY_CUMULATIVE");
    let point = &duration.points[0];
    assert_eq!(point.attr("http.route"), Some("/orders/{id}"));
    assert_eq!(
        duration.resource.get("service.name").map(String::as_str),
        Some("through-rotel")
    );
    monitoring.shutdown().await.unwrap();
}
