//! Failed span exports are counted and logged at a bounded rate.
//!
//! With the collector down every batch fails; logging each failure would flood the logs
//! with the same line, and logging none would hide the outage. [`CountedExporter`] counts
//! the spans of every failed batch in `otel.sdk.exporter.span.exported` and logs the first
//! failure at once, then at most one line per [`LOG_INTERVAL`] saying how many followed.
//! It also keeps the last failure ([`ExportStatus`]) for the operator views, which no log
//! filter can hide.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Meter};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use crate::names;

/// At most one export-failure log line per this interval.
pub(super) const LOG_INTERVAL: Duration = Duration::from_secs(30);

/// The last span export that failed, if any: what the summary and, for token holders,
/// `/ready` show of the telemetry's own health.
#[derive(Debug, Default)]
pub(crate) struct ExportStatus {
    last_failure: Mutex<Option<ExportFailure>>,
}

/// One failed export.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "operations"), allow(dead_code))]
pub(crate) struct ExportFailure {
    pub(crate) at: SystemTime,
    /// The exporter's message, which may name the collector's host.
    pub(crate) error: String,
}

impl ExportStatus {
    /// The last failure, `None` while every export succeeded.
    #[cfg_attr(not(feature = "operations"), allow(dead_code))]
    pub(crate) fn last_failure(&self) -> Option<ExportFailure> {
        self.last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(super) fn failed(&self, error: String) {
        *self
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(ExportFailure {
            at: SystemTime::now(),
            error,
        });
    }
}

/// `error` with what to do about it when it is one whose cure is known: today, the
/// certificate that `openssl req -x509` makes by default (marked as an authority), presented
/// by the collector as its own, which rustls refuses as `CaUsedAsEndEntity`.
pub(super) fn explained(error: String) -> String {
    if error.contains("CaUsedAsEndEntity") {
        format!(
            "{error}: the collector presents a certificate marked as a certificate authority \
             (what `openssl req -x509` makes unless told otherwise) as its own, which TLS \
             refuses; give the collector a server certificate signed by that authority, or \
             make the self-signed one a leaf: `openssl req -x509 -newkey rsa:2048 -nodes \
             -keyout collector.key -out collector.pem -subj /CN=collector -addext \
             basicConstraints=critical,CA:FALSE -addext subjectAltName=DNS:collector`"
        )
    } else {
        error
    }
}

/// Wraps a span exporter; see the module docs.
#[derive(Debug)]
pub(super) struct CountedExporter<E> {
    inner: E,
    exported: Counter<u64>,
    failed: [KeyValue; 1],
    log: Mutex<RateLimit>,
    status: Arc<ExportStatus>,
}

impl<E> CountedExporter<E> {
    pub(super) fn new(inner: E, meter: &Meter, status: Arc<ExportStatus>) -> Self {
        Self {
            status,
            inner,
            exported: names::metric::OTEL_SDK_EXPORTER_SPAN_EXPORTED.u64_counter(meter),
            failed: [KeyValue::new(
                names::attr::ERROR_TYPE,
                names::error_type::EXPORT_FAILED,
            )],
            log: Mutex::new(RateLimit::default()),
        }
    }
}

impl<E: SpanExporter> SpanExporter for CountedExporter<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let spans = batch.len() as u64;
        let result = self.inner.export(batch).await;
        match &result {
            Ok(()) => self.exported.add(spans, &[]),
            Err(err) => {
                self.exported.add(spans, &self.failed);
                let error = explained(err.to_string());
                self.status.failed(error.clone());
                let mut log = self.log.lock().unwrap_or_else(|poison| poison.into_inner());
                if let Some(suppressed) = log.admit(Instant::now()) {
                    tracing::warn!(
                        target: "tower_monitoring::export",
                        error = %error,
                        spans,
                        suppressed_failures = suppressed,
                        "span export failed; spans are dropped until the collector answers"
                    );
                }
            }
        }
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// Admits the first event, then one per [`LOG_INTERVAL`], counting those in between.
#[derive(Debug, Default)]
struct RateLimit {
    last: Option<Instant>,
    suppressed: u64,
}

impl RateLimit {
    /// `Some(events suppressed since the last admitted one)` when this one may be logged.
    fn admit(&mut self, now: Instant) -> Option<u64> {
        match self.last {
            Some(last) if now.duration_since(last) < LOG_INTERVAL => {
                self.suppressed += 1;
                None
            }
            _ => {
                self.last = Some(now);
                Some(std::mem::take(&mut self.suppressed))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_authority_presented_as_the_server_is_explained() {
        let raw = "invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))".to_owned();
        let told = explained(raw.clone());
        assert!(told.starts_with(&raw) && told.contains("basicConstraints=critical,CA:FALSE"));
        assert_eq!(explained("connection refused".into()), "connection refused");
    }

    #[test]
    fn admits_one_event_per_interval_and_counts_the_rest() {
        let start = Instant::now();
        let mut limit = RateLimit::default();
        assert_eq!(limit.admit(start), Some(0));
        for i in 1..=1000 {
            assert_eq!(limit.admit(start + Duration::from_millis(i)), None);
        }
        assert_eq!(limit.admit(start + LOG_INTERVAL), Some(1000));
        assert_eq!(limit.admit(start + LOG_INTERVAL), None);
    }
}
