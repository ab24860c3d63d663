//! A setting that another switches off is refused, naming both, instead of doing nothing.

use std::time::Duration;

use opentelemetry_sdk::trace::InMemorySpanExporter;
use tower_monitoring::{ErrorKind, LogFormat, Monitoring, MonitoringBuilder};

fn refused(builder: MonitoringBuilder, names: &[&str]) {
    let err = builder.build().expect_err("a conflict is refused");
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    let message = err.to_string();
    for name in names {
        assert!(message.contains(name), "{message:?} does not name {name}");
    }
}

#[test]
fn settings_that_another_switches_off_are_refused_by_name() {
    refused(
        Monitoring::builder()
            .system_metrics(false)
            .system_refresh_interval(Duration::from_secs(1)),
        &["system_refresh_interval", "system_metrics(false)"],
    );
    // In either order.
    refused(
        Monitoring::builder()
            .system_refresh_interval(Duration::from_secs(1))
            .system_metrics(false),
        &["system_refresh_interval", "system_metrics(false)"],
    );
    refused(
        Monitoring::builder()
            .alert_thread(false)
            .alert_interval(Duration::from_secs(1)),
        &["alert_interval", "alert_thread(false)"],
    );
    refused(
        Monitoring::builder()
            .tracing_subscriber(false)
            .log_format(LogFormat::Json)
            .log_filter("debug"),
        &["log_format", "log_filter", "tracing_subscriber(false)"],
    );
    refused(
        Monitoring::builder()
            .otlp_endpoint("http://127.0.0.1:4317")
            .span_exporter(InMemorySpanExporter::default()),
        &["span_exporter", "otlp_endpoint"],
    );
}

#[test]
fn settings_that_agree_build() {
    for builder in [
        Monitoring::builder().system_refresh_interval(Duration::from_secs(1)),
        Monitoring::builder().system_metrics(false),
        Monitoring::builder().alert_interval(Duration::from_secs(1)),
        Monitoring::builder()
            .tracing_subscriber(false)
            .span_exporter(InMemorySpanExporter::default()),
    ] {
        builder.service_name("agree").build().unwrap();
    }
}
