//! The cumulative figures a summary is computed from, read through the SDK's own data types
//! (`ResourceMetrics`) from the reader the pipelines already have: the one `/metrics`
//! renders when the Prometheus exporter is on, so the two can never disagree, and a reader
//! of their own when it is off.

use std::collections::HashMap;

use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::data::{
    AggregatedMetrics, ExponentialHistogramDataPoint, HistogramDataPoint, Metric, MetricData,
    ResourceMetrics,
};

use crate::failure::Verdict;
use crate::names::{self, attr};

/// A histogram series: count, sum and cumulative bucket counts (upper bound, count).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Series {
    pub(crate) count: f64,
    pub(crate) sum: f64,
    pub(crate) buckets: Vec<(f64, f64)>,
}

impl Series {
    /// A data point's count, sum and buckets, made cumulative and closed by `+Inf`, as
    /// Prometheus exposes them.
    fn of<T: Copy>(point: &HistogramDataPoint<T>, float: fn(T) -> f64) -> Self {
        let bounds = point.bounds().chain([f64::INFINITY]);
        let mut cumulative = 0.0;
        Self {
            count: point.count() as f64,
            sum: float(point.sum()),
            buckets: bounds
                .zip(point.bucket_counts())
                .map(|(bound, count)| {
                    cumulative += count as f64;
                    (bound, cumulative)
                })
                .collect(),
        }
    }

    /// An exponential histogram's point, its buckets folded onto `bounds` (each to the first
    /// bound at or above its upper edge), so that its series add up with each other whatever
    /// scale the SDK chose at each collection. Values are durations and sizes: the negative
    /// buckets are empty.
    fn of_exponential<T: Copy>(
        point: &ExponentialHistogramDataPoint<T>,
        float: fn(T) -> f64,
        bounds: &[f64],
    ) -> Self {
        let mut counts = vec![0.0; bounds.len() + 1];
        let slot = |upper: f64| bounds.iter().position(|bound| upper <= *bound);
        counts[slot(0.0).unwrap_or(bounds.len())] += point.zero_count() as f64;
        let base = 2f64.powf(2f64.powi(-i32::from(point.scale())));
        let positive = point.positive_bucket();
        for (i, count) in positive.counts().enumerate() {
            let upper = base.powi(positive.offset() + i as i32 + 1);
            counts[slot(upper).unwrap_or(bounds.len())] += count as f64;
        }
        let mut cumulative = 0.0;
        Self {
            count: point.count() as f64,
            sum: float(point.sum()),
            buckets: bounds
                .iter()
                .copied()
                .chain([f64::INFINITY])
                .zip(counts)
                .map(|(bound, count)| {
                    cumulative += count;
                    (bound, cumulative)
                })
                .collect(),
        }
    }

    /// What was added since `earlier` (a series that restarted counts in full).
    pub(crate) fn since(&self, earlier: Option<&Series>) -> Series {
        match earlier {
            Some(earlier) if earlier.count <= self.count => Series {
                count: self.count - earlier.count,
                sum: self.sum - earlier.sum,
                buckets: self
                    .buckets
                    .iter()
                    .zip(&earlier.buckets)
                    .map(|((bound, now), (_, then))| (*bound, now - then))
                    .collect(),
            },
            _ => self.clone(),
        }
    }

    pub(crate) fn add(&mut self, other: &Series) {
        self.count += other.count;
        self.sum += other.sum;
        if self.buckets.is_empty() {
            self.buckets = other.buckets.clone();
        } else if self.buckets.len() == other.buckets.len() {
            for (mine, theirs) in self.buckets.iter_mut().zip(&other.buckets) {
                mine.1 += theirs.1;
            }
        }
    }

    /// Where the `q` quantile lies, in seconds: interpolated linearly inside its bucket when
    /// the bucket has a lower bound, only bounded in the first and the last (`+Inf`) ones.
    pub(crate) fn quantile(&self, q: f64) -> Option<Quantile> {
        if self.count <= 0.0 {
            return None;
        }
        let rank = q * self.count;
        let (mut lower, mut below) = (None, 0.0);
        for &(bound, cumulative) in &self.buckets {
            if cumulative >= rank {
                return Some(match lower {
                    _ if !bound.is_finite() => Quantile::AtLeast(lower.unwrap_or(0.0)),
                    None => Quantile::AtMost(bound),
                    Some(lower) => {
                        let inside = cumulative - below;
                        let fraction = if inside > 0.0 {
                            (rank - below) / inside
                        } else {
                            1.0
                        };
                        Quantile::Estimate(lower + (bound - lower) * fraction)
                    }
                });
            }
            lower = Some(bound);
            below = cumulative;
        }
        Some(Quantile::AtLeast(lower.unwrap_or(0.0)))
    }
}

/// Where a quantile lies, as far as the histogram's buckets tell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Quantile {
    /// Inside a bucket with both bounds known, interpolated linearly as
    /// `histogram_quantile` does.
    Estimate(f64),
    /// In the first bucket: no more than its upper bound, and the buckets say nothing finer.
    /// A figure inside it would be invented: a service answering in 0.6 ms with a first
    /// bucket of 5 ms would read 2.5 ms.
    AtMost(f64),
    /// In the `+Inf` bucket: no less than the last finite bound.
    AtLeast(f64),
}

impl Quantile {
    /// The figure itself, when the buckets give one.
    pub(crate) fn estimate(self) -> Option<f64> {
        match self {
            Quantile::Estimate(value) => Some(value),
            _ => None,
        }
    }
}

/// What happened over a window: every request (or call) in one histogram, and how many of
/// them failed and how many were cancelled ([`Verdict`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Tally {
    pub(crate) all: Series,
    pub(crate) failed: f64,
    pub(crate) cancelled: f64,
}

impl Tally {
    /// Adds `delta`, the window's share of a series whose requests ended as `verdict`.
    pub(crate) fn add(&mut self, verdict: Verdict, delta: &Series) {
        self.all.add(delta);
        match verdict {
            Verdict::Succeeded => {}
            Verdict::Failed => self.failed += delta.count,
            Verdict::Cancelled => self.cancelled += delta.count,
        }
    }

    /// The window's tally of the series in `now`, each less its value in `then`.
    pub(crate) fn since<K: Eq + std::hash::Hash>(
        now: &HashMap<K, Series>,
        then: &HashMap<K, Series>,
        verdict: impl Fn(&K) -> Verdict,
    ) -> Self {
        let mut tally = Self::default();
        for (key, series) in now {
            tally.add(verdict(key), &series.since(then.get(key)));
        }
        tally
    }

    /// Failed over all, `None` without traffic.
    pub(crate) fn failure_ratio(&self) -> Option<f64> {
        (self.all.count > 0.0).then(|| self.failed / self.all.count)
    }
}

/// Which HTTP series a sample belongs to: route and how its requests ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct HttpKey {
    pub(crate) route: String,
    pub(crate) verdict: Verdict,
}

/// Everything the summary reads, as cumulative totals at one moment.
#[derive(Debug, Clone, Default)]
pub(crate) struct Figures {
    pub(crate) http: HashMap<HttpKey, Series>,
    pub(crate) in_flight: f64,
    /// Streamed responses that ended, by how; and those open now.
    pub(crate) streams: HashMap<Verdict, Series>,
    pub(crate) streams_open: f64,
    pub(crate) db: HashMap<Verdict, Series>,
    pub(crate) platform: HashMap<Verdict, Series>,
    /// Tool executions by tool and how they ended.
    pub(crate) tools: HashMap<(String, Verdict), Series>,
    pub(crate) cache_hits: f64,
    pub(crate) cache_misses: f64,
    pub(crate) process_cpu: Option<f64>,
    pub(crate) process_memory: Option<f64>,
    pub(crate) system_memory_utilization: Option<f64>,
    pub(crate) process_memory_utilization: Option<f64>,
    /// Connections in use and the maximum, summed over the registered pools.
    pub(crate) pool_in_use: f64,
    pub(crate) pool_max: f64,
    pub(crate) process_uptime: Option<f64>,
    /// The machine's 5-minute load average and its logical CPUs.
    pub(crate) load_average_5m: Option<f64>,
    pub(crate) logical_cpus: Option<f64>,
    /// Spans exported, failed to export and dropped for want of room in the queue, since
    /// the start; and when an export last failed.
    pub(crate) spans_exported: f64,
    pub(crate) spans_failed: f64,
    pub(crate) spans_dropped: f64,
    /// Recordings folded past the cardinality limit, by instrument.
    pub(crate) metric_overflow: std::collections::BTreeMap<String, f64>,
    pub(crate) last_export_failure: Option<std::time::SystemTime>,
}

/// The value of `key` among `attributes`, if present and not empty.
fn label<'a>(attributes: impl IntoIterator<Item = &'a KeyValue>, key: &str) -> Option<String> {
    attributes
        .into_iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.as_str().into_owned())
        .filter(|value| !value.is_empty())
}

/// Every point of a histogram, of any number type, with its attributes; the points of an
/// exponential one are read on the semantic-convention duration bounds.
fn histogram(data: &AggregatedMetrics) -> Vec<(Vec<KeyValue>, Series)> {
    fn points<T: Copy>(data: &MetricData<T>, float: fn(T) -> f64) -> Vec<(Vec<KeyValue>, Series)> {
        match data {
            MetricData::Histogram(histogram) => histogram
                .data_points()
                .map(|point| {
                    (
                        point.attributes().cloned().collect(),
                        Series::of(point, float),
                    )
                })
                .collect(),
            MetricData::ExponentialHistogram(histogram) => histogram
                .data_points()
                .map(|point| {
                    let series = Series::of_exponential(point, float, names::DURATION_BUCKETS);
                    (point.attributes().cloned().collect(), series)
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    match data {
        AggregatedMetrics::F64(data) => points(data, |value| value),
        AggregatedMetrics::U64(data) => points(data, |value| value as f64),
        AggregatedMetrics::I64(data) => points(data, |value| value as f64),
    }
}

/// Every point of a gauge or sum, of any number type, with its attributes.
fn values(data: &AggregatedMetrics) -> Vec<(Vec<KeyValue>, f64)> {
    fn points<T: Copy>(data: &MetricData<T>, float: fn(T) -> f64) -> Vec<(Vec<KeyValue>, f64)> {
        match data {
            MetricData::Gauge(gauge) => gauge
                .data_points()
                .map(|point| (point.attributes().cloned().collect(), float(point.value())))
                .collect(),
            MetricData::Sum(sum) => sum
                .data_points()
                .map(|point| (point.attributes().cloned().collect(), float(point.value())))
                .collect(),
            _ => Vec::new(),
        }
    }
    match data {
        AggregatedMetrics::F64(data) => points(data, |value| value),
        AggregatedMetrics::U64(data) => points(data, |value| value as f64),
        AggregatedMetrics::I64(data) => points(data, |value| value as f64),
    }
}

impl Figures {
    /// Reads the figures out of one collection.
    pub(crate) fn read(metrics: &ResourceMetrics) -> Self {
        let mut figures = Figures::default();
        for metric in metrics.scope_metrics().flat_map(|scope| scope.metrics()) {
            figures.add(metric);
        }
        figures
    }

    fn add(&mut self, metric: &Metric) {
        let data = metric.data();
        match metric.name() {
            names::HTTP_SERVER_REQUEST_DURATION => {
                for (attributes, series) in histogram(data) {
                    let route = label(&attributes, attr::HTTP_ROUTE).unwrap_or_default();
                    let key = HttpKey {
                        route: match label(&attributes, attr::OPERATION_NAME) {
                            Some(operation) => format!("{route} ({operation})"),
                            None => route,
                        },
                        verdict: Verdict::of(label(&attributes, attr::ERROR_TYPE).as_deref()),
                    };
                    self.http.entry(key).or_default().add(&series);
                }
            }
            names::DB_CLIENT_OPERATION_DURATION => add_by_verdict(&mut self.db, data),
            names::TOOL_EXECUTION_DURATION => {
                for (attributes, series) in histogram(data) {
                    let tool = label(&attributes, attr::TOOL_NAME).unwrap_or_default();
                    let verdict = Verdict::of(label(&attributes, attr::ERROR_TYPE).as_deref());
                    self.tools.entry((tool, verdict)).or_default().add(&series);
                }
            }
            names::HTTP_CLIENT_REQUEST_DURATION => add_by_verdict(&mut self.platform, data),
            names::HTTP_SERVER_STREAM_DURATION => add_by_verdict(&mut self.streams, data),
            names::HTTP_SERVER_ACTIVE_STREAMS => self.streams_open += total(data),
            names::OTEL_SDK_EXPORTER_SPAN_EXPORTED => {
                for (attributes, value) in values(data) {
                    match label(&attributes, attr::ERROR_TYPE) {
                        None => self.spans_exported += value,
                        Some(_) => self.spans_failed += value,
                    }
                }
            }
            names::OTEL_SDK_PROCESSOR_SPAN_PROCESSED => {
                for (attributes, value) in values(data) {
                    if label(&attributes, attr::ERROR_TYPE).as_deref() == Some("queue_full") {
                        self.spans_dropped += value;
                    }
                }
            }
            names::MONITORING_METRIC_OVERFLOW => {
                for (attributes, value) in values(data) {
                    let instrument = label(&attributes, attr::METRIC_NAME).unwrap_or_default();
                    *self.metric_overflow.entry(instrument).or_default() += value;
                }
            }
            names::HTTP_SERVER_ACTIVE_REQUESTS => {
                self.in_flight += values(data).iter().map(|(_, value)| value).sum::<f64>();
            }
            names::CACHE_LOOKUPS => {
                for (attributes, value) in values(data) {
                    match label(&attributes, attr::CACHE_RESULT).as_deref() {
                        Some("hit") => self.cache_hits += value,
                        Some("miss") => self.cache_misses += value,
                        _ => {}
                    }
                }
            }
            names::DB_CLIENT_CONNECTION_COUNT => {
                for (attributes, value) in values(data) {
                    if label(&attributes, attr::DB_CLIENT_CONNECTION_STATE).as_deref()
                        == Some("used")
                    {
                        self.pool_in_use += value;
                    }
                }
            }
            names::DB_CLIENT_CONNECTION_MAX => self.pool_max += total(data),
            names::PROCESS_CPU_UTILIZATION => self.process_cpu = last(data),
            names::PROCESS_MEMORY_USAGE => self.process_memory = last(data),
            names::SYSTEM_MEMORY_UTILIZATION => self.system_memory_utilization = last(data),
            names::PROCESS_MEMORY_UTILIZATION => self.process_memory_utilization = last(data),
            names::PROCESS_UPTIME => self.process_uptime = last(data),
            names::SYSTEM_CPU_LOAD_AVERAGE_5M => self.load_average_5m = last(data),
            names::SYSTEM_CPU_LOGICAL_CPUS => self.logical_cpus = last(data),
            _ => {}
        }
    }
}

/// Adds every point of a duration histogram to `into`, by how its calls ended.
fn add_by_verdict(into: &mut HashMap<Verdict, Series>, data: &AggregatedMetrics) {
    for (attributes, series) in histogram(data) {
        let verdict = Verdict::of(label(&attributes, attr::ERROR_TYPE).as_deref());
        into.entry(verdict).or_default().add(&series);
    }
}

/// The sum of every point of a gauge or sum.
fn total(data: &AggregatedMetrics) -> f64 {
    values(data).iter().map(|(_, value)| value).sum()
}

/// The value of a single-point gauge or sum.
fn last(data: &AggregatedMetrics) -> Option<f64> {
    values(data).last().map(|(_, value)| *value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(buckets: &[(f64, f64)]) -> Series {
        Series {
            count: buckets.last().map_or(0.0, |(_, count)| *count),
            sum: 0.0,
            buckets: buckets.to_vec(),
        }
    }

    #[test]
    fn quantiles_interpolate_inside_the_bucket() {
        // 100 requests: 50 under 10 ms, 40 more under 100 ms, 10 more under 1 s.
        let latency = series(&[
            (0.01, 50.0),
            (0.1, 90.0),
            (1.0, 100.0),
            (f64::INFINITY, 100.0),
        ]);
        let estimate = |q| latency.quantile(q).and_then(Quantile::estimate).unwrap();
        assert!((estimate(0.9) - 0.1).abs() < 1e-9);
        assert!((estimate(0.95) - 0.55).abs() < 1e-9);
        assert_eq!(series(&[]).quantile(0.5), None);
    }

    #[test]
    fn quantiles_in_the_first_or_last_bucket_are_only_bounded() {
        // Every request under 5 ms: the median is somewhere below 5 ms, nothing more.
        let fast = series(&[(0.005, 100.0), (0.01, 100.0), (f64::INFINITY, 100.0)]);
        assert_eq!(fast.quantile(0.5), Some(Quantile::AtMost(0.005)));
        // 10 of 100 over the last bound of 10 s: the p99 is at least 10 s.
        let slow = series(&[(0.005, 50.0), (10.0, 90.0), (f64::INFINITY, 100.0)]);
        assert_eq!(slow.quantile(0.99), Some(Quantile::AtLeast(10.0)));
        assert!(slow.quantile(0.6).unwrap().estimate().is_some());
    }

    #[test]
    fn deltas_subtract_the_baseline_and_survive_restarts() {
        let then = series(&[(0.1, 2.0), (f64::INFINITY, 3.0)]);
        let now = series(&[(0.1, 5.0), (f64::INFINITY, 9.0)]);
        assert_eq!(
            now.since(Some(&then)).buckets,
            vec![(0.1, 3.0), (f64::INFINITY, 6.0)]
        );
        assert_eq!(
            then.since(Some(&now)),
            then,
            "a counter that went back restarted"
        );
        assert_eq!(now.since(None), now);
    }
}
