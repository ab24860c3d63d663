//! [`OverflowWatch`]: the instruments whose series passed the cardinality limit.
//!
//! Past its limit an instrument folds every new label set into one series marked
//! `otel.metric.overflow="true"`, which the SDK neither counts nor logs. Every collection the
//! crate sees (a scrape, the summary's read, an OTLP push) is looked through for that series:
//! the first time an instrument has one, a warning names it and the limit, and
//! `monitoring.metric.overflow` counts the recordings it holds. The SDK gives no hook inside
//! a collection, so the counter reports what the previous collection found.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Meter, ObservableCounter};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};

use crate::names::{attr, metric};

/// The attribute the SDK marks the overflow series with.
pub(crate) const OVERFLOW_ATTRIBUTE: &str = "otel.metric.overflow";

/// Where a collection came from: each keeps its own count, as a reader aggregates apart.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    /// A reader read on demand (`/metrics`, the summary): cumulative.
    Pull,
    /// The periodic OTLP reader, cumulative or delta.
    #[cfg_attr(
        not(any(feature = "otlp-grpc", feature = "otlp-http")),
        allow(dead_code)
    )]
    Push(Temporality),
}

/// Recordings folded into one instrument's overflow series, by source.
#[derive(Debug, Default, Clone, Copy)]
struct Folded {
    pull: u64,
    push: u64,
}

#[derive(Debug)]
pub(crate) struct OverflowWatch {
    limit: usize,
    /// By instrument name; an entry means its warning was given.
    folded: Mutex<BTreeMap<String, Folded>>,
}

impl OverflowWatch {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit,
            folded: Mutex::new(BTreeMap::new()),
        })
    }

    /// `monitoring.metric.overflow` on `meter`, reporting this watch.
    pub(crate) fn register(self: &Arc<Self>, meter: &Meter) -> ObservableCounter<u64> {
        let watch = Arc::clone(self);
        metric::MONITORING_METRIC_OVERFLOW
            .u64_observable_counter(meter)
            .with_callback(move |observer| {
                for (name, folded) in watch.folded() {
                    observer.observe(folded, &[KeyValue::new(attr::METRIC_NAME, name)]);
                }
            })
            .build()
    }

    /// Recordings folded so far, by instrument: the most any source saw.
    pub(crate) fn folded(&self) -> Vec<(String, u64)> {
        self.lock()
            .iter()
            .map(|(name, folded)| (name.clone(), folded.pull.max(folded.push)))
            .collect()
    }

    /// Notes an overflow series of `instrument` holding `recordings` (`None` for a sum or
    /// gauge, which keeps no count of them).
    pub(crate) fn observe(&self, source: Source, instrument: &str, recordings: Option<u64>) {
        let mut folded = self.lock();
        let entry = match folded.get_mut(instrument) {
            Some(entry) => entry,
            None => {
                tracing::warn!(
                    instrument,
                    limit = self.limit,
                    "metric {instrument} passed its cardinality limit of {} series: further \
                     label sets are folded into one series with otel_metric_overflow=\"true\" \
                     and counted by monitoring_metric_overflow_total. Find the attribute that \
                     grows without bound, or raise the limit (MONITORING_CARDINALITY_LIMIT, \
                     MonitoringBuilder::cardinality_limit)",
                    self.limit
                );
                folded.entry(instrument.to_owned()).or_default()
            }
        };
        let recordings = recordings.unwrap_or(0);
        match source {
            Source::Pull => entry.pull = entry.pull.max(recordings),
            Source::Push(Temporality::Cumulative) => entry.push = entry.push.max(recordings),
            Source::Push(_) => entry.push += recordings,
        }
    }

    /// Looks through one collection in the SDK's data types.
    pub(crate) fn observe_metrics(&self, source: Source, metrics: &ResourceMetrics) {
        for scope in metrics.scope_metrics() {
            for metric in scope.metrics() {
                let recordings = match metric.data() {
                    AggregatedMetrics::F64(data) => overflow_recordings(data),
                    AggregatedMetrics::U64(data) => overflow_recordings(data),
                    AggregatedMetrics::I64(data) => overflow_recordings(data),
                };
                if let Some(recordings) = recordings {
                    self.observe(source, metric.name(), recordings);
                }
            }
        }
    }

    /// Looks through one Prometheus gather; instruments are named as OpenTelemetry does
    /// when they are the crate's, else as Prometheus rendered them.
    #[cfg(feature = "prometheus")]
    pub(crate) fn observe_families(
        &self,
        families: &[prometheus::proto::MetricFamily],
        namespace: Option<&str>,
    ) {
        let label = OVERFLOW_ATTRIBUTE.replace('.', "_");
        for family in families {
            let Some(overflow) = family.get_metric().iter().find(|series| {
                series
                    .get_label()
                    .iter()
                    .any(|pair| pair.name() == label && pair.value() == "true")
            }) else {
                continue;
            };
            let rendered = family.name();
            let unprefixed = namespace
                .and_then(|namespace| rendered.strip_prefix(namespace))
                .and_then(|rest| rest.strip_prefix('_'))
                .unwrap_or(rendered);
            let name = crate::names::METRICS
                .iter()
                .find(|metric| metric.prometheus == unprefixed)
                .map_or(rendered, |metric| metric.name);
            let recordings = (family.get_field_type() == prometheus::proto::MetricType::HISTOGRAM)
                .then(|| overflow.get_histogram().get_sample_count());
            self.observe(Source::Pull, name, recordings);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Folded>> {
        self.folded.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `Some` when `data` has an overflow series: with its recordings for a histogram.
fn overflow_recordings<T>(data: &MetricData<T>) -> Option<Option<u64>> {
    fn marked<'a>(mut attributes: impl Iterator<Item = &'a KeyValue>) -> bool {
        attributes.any(|kv| kv.key.as_str() == OVERFLOW_ATTRIBUTE)
    }
    match data {
        MetricData::Histogram(histogram) => histogram
            .data_points()
            .find(|point| marked(point.attributes()))
            .map(|point| Some(point.count())),
        MetricData::ExponentialHistogram(histogram) => histogram
            .data_points()
            .find(|point| marked(point.attributes()))
            .map(|point| Some(point.count() as u64)),
        MetricData::Sum(sum) => sum
            .data_points()
            .any(|point| marked(point.attributes()))
            .then_some(None),
        MetricData::Gauge(gauge) => gauge
            .data_points()
            .any(|point| marked(point.attributes()))
            .then_some(None),
    }
}
