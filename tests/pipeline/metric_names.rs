//! The metric table is the one spelling of every metric: the Prometheus names derived from
//! it are the ones the exporter renders, and the README's metric tables list every row.

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider;
use tower_monitoring::Monitoring;
use tower_monitoring::names::{METRICS, MetricKind};

#[test]
fn every_derived_prometheus_name_is_what_the_exporter_renders() {
    let monitoring = Monitoring::builder()
        .service_name("names")
        .system_metrics(false)
        .build()
        .unwrap();
    let meter = monitoring.meter_provider().meter("names-test");
    let no_attributes: &[KeyValue] = &[];
    for metric in METRICS {
        match metric.kind {
            MetricKind::Histogram => meter
                .f64_histogram(metric.name)
                .with_unit(metric.unit)
                .build()
                .record(1.0, no_attributes),
            MetricKind::Counter => meter
                .u64_counter(metric.name)
                .with_unit(metric.unit)
                .build()
                .add(1, no_attributes),
            MetricKind::UpDownCounter => meter
                .i64_up_down_counter(metric.name)
                .with_unit(metric.unit)
                .build()
                .add(1, no_attributes),
            MetricKind::Gauge => meter
                .f64_gauge(metric.name)
                .with_unit(metric.unit)
                .build()
                .record(1.0, no_attributes),
            _ => unreachable!("a kind the table does not use"),
        }
    }
    let text = monitoring.render_prometheus();
    for metric in METRICS {
        assert!(
            text.lines()
                .any(|line| line.starts_with(&format!("# TYPE {} ", metric.prometheus))),
            "{} ({}, {:?}) is not rendered as {}:\n{text}",
            metric.name,
            metric.unit,
            metric.kind,
            metric.prometheus
        );
    }
}

#[test]
fn the_readme_lists_every_metric_of_the_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let missing: Vec<_> = METRICS
        .iter()
        .filter(|metric| {
            !readme.contains(&format!("`{}`", metric.name))
                || !readme.contains(&format!("`{}", metric.prometheus))
        })
        .map(|metric| (metric.name, metric.prometheus))
        .collect();
    assert!(missing.is_empty(), "not in the README: {missing:?}");
}
