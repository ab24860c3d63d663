//! Metrics pushed over OTLP: the SDK's periodic reader (a thread of its own, every
//! `OTEL_METRIC_EXPORT_INTERVAL`) in front of the OTLP metric exporter, wrapped so that each
//! push is seen by the overflow watch and failed pushes are counted and logged once per
//! change rather than once per interval.
//!
//! A push that fails drops that interval's export (the SDK does not retry); with cumulative
//! temporality the next one carries the totals again, so a collector that comes back loses
//! nothing but resolution. Requests never wait for it: they only touch the aggregates.

// A build without OTLP never pushes: nothing here is used but the types.
#![cfg_attr(
    not(any(feature = "otlp-grpc", feature = "otlp-http")),
    allow(dead_code)
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Meter, ObservableCounter};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, Temporality};

use super::export_failures::ExportStatus;
use super::overflow::{OverflowWatch, Source};
use crate::names::{attr, error_type, metric};

/// Data points pushed and failed, read by `otel.sdk.exporter.metric_data_point.exported`.
#[derive(Debug, Default)]
pub(crate) struct PushStatus {
    exported: AtomicU64,
    failed: AtomicU64,
    /// The error of the failing run of pushes, `None` while they succeed.
    failing: Mutex<Option<String>>,
}

impl PushStatus {
    /// `otel.sdk.exporter.metric_data_point.exported` on `meter`, reporting this status.
    pub(crate) fn register(self: &Arc<Self>, meter: &Meter) -> ObservableCounter<u64> {
        let status = Arc::clone(self);
        metric::OTEL_SDK_EXPORTER_METRIC_DATA_POINT_EXPORTED
            .u64_observable_counter(meter)
            .with_callback(move |observer| {
                observer.observe(status.exported.load(Ordering::Relaxed), &[]);
                let failed = status.failed.load(Ordering::Relaxed);
                if failed > 0 {
                    observer.observe(
                        failed,
                        &[KeyValue::new(attr::ERROR_TYPE, error_type::EXPORT_FAILED)],
                    );
                }
            })
            .build()
    }

    /// Counts a push of `points` and logs when the outcome changes: the first failure, a
    /// different error, and the recovery.
    fn record(&self, points: u64, result: &OTelSdkResult) {
        let mut failing = self.failing.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(()) => {
                self.exported.fetch_add(points, Ordering::Relaxed);
                if failing.take().is_some() {
                    tracing::info!(
                        target: "tower_monitoring::export",
                        "metric export succeeded again"
                    );
                }
            }
            Err(err) => {
                self.failed.fetch_add(points, Ordering::Relaxed);
                let error = super::export_failures::explained(err.to_string());
                if failing.as_deref() != Some(error.as_str()) {
                    tracing::warn!(
                        target: "tower_monitoring::export",
                        error = %error,
                        points,
                        "metric export failed; each interval's export is dropped until the \
                         collector answers (counted in \
                         otel_sdk_exporter_metric_data_point_exported_total)"
                    );
                    *failing = Some(error);
                }
            }
        }
    }
}

/// Wraps the OTLP exporter; see the module docs.
#[derive(Debug)]
pub(super) struct WatchedExporter<E> {
    inner: E,
    status: Arc<PushStatus>,
    export_status: Arc<ExportStatus>,
    overflow: Arc<OverflowWatch>,
}

impl<E: PushMetricExporter> PushMetricExporter for WatchedExporter<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        self.overflow
            .observe_metrics(Source::Push(self.inner.temporality()), metrics);
        let points = data_points(metrics);
        let result = self.inner.export(metrics).await;
        if let Err(err) = &result {
            let error = super::export_failures::explained(err.to_string());
            self.export_status.failed(format!("metric export: {error}"));
        }
        self.status.record(points, &result);
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}

/// The periodic reader pushing through `exporter` every `interval`.
pub(super) fn reader<E: PushMetricExporter>(
    exporter: E,
    interval: Duration,
    status: Arc<PushStatus>,
    export_status: Arc<ExportStatus>,
    overflow: Arc<OverflowWatch>,
) -> PeriodicReader<WatchedExporter<E>> {
    let exporter = WatchedExporter {
        inner: exporter,
        status,
        export_status,
        overflow,
    };
    PeriodicReader::builder(exporter)
        .with_interval(interval)
        .build()
}

/// The data points of one collection.
fn data_points(metrics: &ResourceMetrics) -> u64 {
    fn count<T>(data: &MetricData<T>) -> usize {
        match data {
            MetricData::Gauge(gauge) => gauge.data_points().count(),
            MetricData::Sum(sum) => sum.data_points().count(),
            MetricData::Histogram(histogram) => histogram.data_points().count(),
            MetricData::ExponentialHistogram(histogram) => histogram.data_points().count(),
        }
    }
    metrics
        .scope_metrics()
        .flat_map(|scope| scope.metrics())
        .map(|metric| match metric.data() {
            AggregatedMetrics::F64(data) => count(data),
            AggregatedMetrics::U64(data) => count(data),
            AggregatedMetrics::I64(data) => count(data),
        })
        .sum::<usize>() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_sdk::error::OTelSdkError;

    /// What `record` logs for each result in turn, as one line per event.
    fn logged(results: &[OTelSdkResult]) -> Vec<String> {
        #[derive(Clone, Default)]
        struct Lines(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Lines {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let status = PushStatus::default();
        tracing::subscriber::with_default(subscriber, || {
            for result in results {
                status.record(10, result);
            }
        });
        assert_eq!(
            status.failed.load(Ordering::Relaxed),
            10 * results.iter().filter(|r| r.is_err()).count() as u64
        );
        String::from_utf8(lines.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn failures_are_logged_once_per_change() {
        let down = || Err(OTelSdkError::InternalFailure("connection refused".into()));
        let slow = || Err(OTelSdkError::Timeout(Duration::from_secs(10)));
        let lines = logged(&[
            Ok(()),
            down(),
            down(),
            down(),
            slow(),
            slow(),
            Ok(()),
            Ok(()),
        ]);
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines[0].contains("metric export failed") && lines[0].contains("refused"));
        assert!(lines[1].contains("metric export failed") && lines[1].contains("timed out"));
        assert!(lines[2].contains("succeeded again"));
        assert!(logged(&[Ok(()), Ok(())]).is_empty());
    }
}
