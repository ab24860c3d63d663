//! Every variable the crate (or the SDK and exporter under it) reads refuses a value it
//! cannot understand: the quickstart, started with a bad value of one, exits before serving,
//! with a message naming the variable and never repeating a value that may be a secret. The
//! list is the README's table, so neither can leave a variable out.
#![cfg(unix)]

mod support;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Not UTF-8: a Latin-1 "é".
fn not_utf8() -> OsString {
    OsString::from_vec(b"caf\xe9".to_vec())
}

/// Each variable with a value it must refuse, and whether that value is a secret the
/// message must not repeat.
fn bad_values() -> Vec<(&'static str, OsString, bool)> {
    let text = |value: &str| OsString::from(value);
    vec![
        ("OTEL_SERVICE_NAME", not_utf8(), false),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            text("deployment.environment"),
            false,
        ),
        ("OTEL_SDK_DISABLED", text("yes"), false),
        ("OTEL_TRACES_EXPORTER", text("zipkin"), false),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", text("collector:4317"), true),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            text("not a url"),
            true,
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", text("http/json"), false),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", text("thrift"), false),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", text("10s"), false),
        ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", text("-1"), false),
        ("OTEL_EXPORTER_OTLP_HEADERS", text("api-key-S3CRET"), true),
        (
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            text("x=S3CRET%zz"),
            true,
        ),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", text("gzip"), false),
        (
            "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
            text("brotli"),
            false,
        ),
        ("OTEL_EXPORTER_OTLP_INSECURE", text("maybe"), false),
        ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", text("1"), false),
        (
            "OTEL_EXPORTER_OTLP_CERTIFICATE",
            text("/nonexistent/ca.pem"),
            false,
        ),
        // A file that exists and holds no certificate.
        (
            "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
            text("/etc/passwd"),
            false,
        ),
        // Each half of a client certificate without the other.
        (
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
            text("/nonexistent/client.pem"),
            false,
        ),
        (
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
            text("/nonexistent/client.pem"),
            false,
        ),
        (
            "OTEL_EXPORTER_OTLP_CLIENT_KEY",
            text("/nonexistent/client.key"),
            false,
        ),
        (
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
            text("/nonexistent/client.key"),
            false,
        ),
        ("OTEL_METRICS_EXPORTER", text("statsd"), false),
        ("OTEL_METRICS_EXEMPLAR_FILTER", text("always_on"), false),
        ("OTEL_METRIC_EXPORT_INTERVAL", text("60s"), false),
        (
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
            text("sometimes"),
            false,
        ),
        (
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            text("not a url"),
            true,
        ),
        (
            "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
            text("exponential"),
            false,
        ),
        (
            "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
            text("http/json"),
            false,
        ),
        ("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", text("ten"), false),
        (
            "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
            text("x=S3CRET%zz"),
            true,
        ),
        (
            "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
            text("zstd"),
            false,
        ),
        ("OTEL_EXPORTER_OTLP_METRICS_INSECURE", text("yes"), false),
        (
            "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE",
            text("/etc/passwd"),
            false,
        ),
        (
            "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE",
            text("/nonexistent/client.pem"),
            false,
        ),
        (
            "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY",
            text("/nonexistent/client.key"),
            false,
        ),
        ("OTEL_TRACES_SAMPLER", text("sometimes"), false),
        ("OTEL_TRACES_SAMPLER_ARG", text("2"), false),
        ("OTEL_PROPAGATORS", text("b3"), false),
        ("OTEL_BSP_MAX_QUEUE_SIZE", text("0"), false),
        ("OTEL_BSP_SCHEDULE_DELAY", text("5s"), false),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", text("many"), false),
        ("OTEL_BSP_EXPORT_TIMEOUT", text("fast"), false),
        ("OTEL_BSP_MAX_CONCURRENT_EXPORTS", text("0"), false),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", text("-5"), false),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", text("x"), false),
        ("OTEL_SPAN_LINK_COUNT_LIMIT", text("1.5"), false),
        ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", text("short"), false),
        ("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", text("-1"), false),
        ("LOG_FORMAT", text("xml"), false),
        ("RUST_LOG", text("info,["), false),
        ("MONITORING_ADMIN_TOKEN", text("S3CRET\n"), true),
        ("MONITORING_METRICS_TOKEN", not_utf8(), true),
        ("MONITORING_CARDINALITY_LIMIT", text("0"), false),
        ("ALERT_LATENCY_P95_SECONDS", text("1e20"), false),
        ("ALERT_ERROR_RATE", text("5"), false),
        ("ALERT_MEMORY_UTILIZATION", text("80%"), false),
        ("ALERT_CPU_UTILIZATION", text("-0.1"), false),
        ("ALERT_CACHE_HIT_RATIO", text("1.5"), false),
        ("ALERT_DB_POOL_UTILIZATION", text("NaN"), false),
        ("ALERT_LOAD_PER_CPU", text("0"), false),
        ("ALERT_FOR_SECONDS", text("1e20"), false),
        ("ALERT_WINDOW_SECONDS", text("0"), false),
        ("ALERT_WEBHOOK_URL", text("hooks.example/S3CRET"), true),
    ]
}

/// The variables listed in the README's "Environment variables" table.
fn readme_variables() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("### Environment variables")
        .nth(1)
        .expect("the README has an Environment variables section");
    let table = section
        .split("\n\n")
        .nth(2)
        .expect("the table after its text");
    table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|line| line.split('`').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_table_and_this_test_list_the_same_variables() {
    let mut tested: Vec<String> = bad_values()
        .into_iter()
        .map(|(name, _, _)| name.to_owned())
        .collect();
    let mut documented = readme_variables();
    tested.sort();
    documented.sort();
    assert_eq!(tested, documented);
}

#[test]
fn every_variable_refuses_a_bad_value_by_name() {
    let binary = support::example::example("quickstart");
    for (name, value, secret) in bad_values() {
        let started = Instant::now();
        let mut child = Command::new(&binary)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PORT", "0")
            .env(name, &value)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A value that is accepted starts the server, which would serve forever.
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!("{name}={value:?} was accepted: the service started");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(
            !status.success(),
            "{name}={value:?} was accepted:\n{stderr}"
        );
        assert!(
            stderr.contains(name),
            "{name}={value:?}: the message does not name it:\n{stderr}"
        );
        if secret {
            assert!(
                !stderr.contains("S3CRET") && !stderr.contains("hooks.example"),
                "{name}: the message repeats the value:\n{stderr}"
            );
        }
    }
}
