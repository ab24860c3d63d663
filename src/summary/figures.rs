//! The cumulative figures a summary is computed from, read from the same Prometheus registry
//! that `/metrics` renders, so the two can never disagree.

use std::collections::HashMap;

use prometheus::proto::{Metric, MetricFamily};

use crate::failure::Verdict;
use crate::names::prometheus as prom;

/// A histogram series: count, sum and cumulative bucket counts (upper bound, count).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Series {
    pub(crate) count: f64,
    pub(crate) sum: f64,
    pub(crate) buckets: Vec<(f64, f64)>,
}

impl Series {
    fn of(metric: &Metric) -> Self {
        let histogram = metric.get_histogram();
        Self {
            count: histogram.get_sample_count() as f64,
            sum: histogram.get_sample_sum(),
            buckets: histogram
                .get_bucket()
                .iter()
                .map(|bucket| (bucket.upper_bound(), bucket.cumulative_count() as f64))
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

    /// The `q` quantile in seconds, interpolated linearly inside its bucket.
    pub(crate) fn quantile(&self, q: f64) -> Option<f64> {
        if self.count <= 0.0 {
            return None;
        }
        let rank = q * self.count;
        let (mut lower, mut below) = (0.0, 0.0);
        for &(bound, cumulative) in &self.buckets {
            if cumulative >= rank {
                if !bound.is_finite() {
                    return Some(lower);
                }
                let inside = cumulative - below;
                let fraction = if inside > 0.0 {
                    (rank - below) / inside
                } else {
                    1.0
                };
                return Some(lower + (bound - lower) * fraction);
            }
            lower = bound;
            below = cumulative;
        }
        Some(lower)
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
    pub(crate) db: HashMap<Verdict, Series>,
    pub(crate) platform: HashMap<Verdict, Series>,
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
}

fn label<'a>(metric: &'a Metric, name: &str) -> Option<&'a str> {
    metric
        .get_label()
        .iter()
        .find(|pair| pair.name() == name)
        .map(|pair| pair.value())
        .filter(|value| !value.is_empty())
}

impl Figures {
    /// Reads `families` (names with the optional `namespace_` prefix).
    pub(crate) fn read(families: &[MetricFamily], namespace: Option<&str>) -> Self {
        let mut figures = Figures::default();
        for family in families {
            let name = family.name();
            let name = match namespace {
                Some(namespace) => name
                    .strip_prefix(namespace)
                    .and_then(|rest| rest.strip_prefix('_'))
                    .unwrap_or(name),
                None => name,
            };
            for metric in family.get_metric() {
                let verdict = Verdict::of(label(metric, "error_type"));
                match name {
                    prom::HTTP_SERVER_REQUEST_DURATION => {
                        let key = HttpKey {
                            route: label(metric, "http_route").unwrap_or("").to_owned(),
                            verdict,
                        };
                        figures
                            .http
                            .entry(key)
                            .or_default()
                            .add(&Series::of(metric));
                    }
                    prom::HTTP_SERVER_ACTIVE_REQUESTS => {
                        figures.in_flight += metric.get_gauge().get_value();
                    }
                    prom::DB_CLIENT_OPERATION_DURATION => {
                        figures
                            .db
                            .entry(verdict)
                            .or_default()
                            .add(&Series::of(metric));
                    }
                    prom::HTTP_CLIENT_REQUEST_DURATION => {
                        figures
                            .platform
                            .entry(verdict)
                            .or_default()
                            .add(&Series::of(metric));
                    }
                    prom::CACHE_LOOKUPS => match label(metric, "cache_result") {
                        Some("hit") => figures.cache_hits += metric.get_counter().get_value(),
                        Some("miss") => figures.cache_misses += metric.get_counter().get_value(),
                        _ => {}
                    },
                    prom::PROCESS_CPU_UTILIZATION => {
                        figures.process_cpu = Some(metric.get_gauge().get_value());
                    }
                    prom::PROCESS_MEMORY_USAGE => {
                        figures.process_memory = Some(metric.get_gauge().get_value());
                    }
                    prom::SYSTEM_MEMORY_UTILIZATION => {
                        figures.system_memory_utilization = Some(metric.get_gauge().get_value());
                    }
                    prom::PROCESS_MEMORY_UTILIZATION => {
                        figures.process_memory_utilization = Some(metric.get_gauge().get_value());
                    }
                    prom::DB_CLIENT_CONNECTION_COUNT
                        if label(metric, "db_client_connection_state") == Some("used") =>
                    {
                        figures.pool_in_use += metric.get_gauge().get_value();
                    }
                    prom::DB_CLIENT_CONNECTION_MAX => {
                        figures.pool_max += metric.get_gauge().get_value();
                    }
                    prom::PROCESS_UPTIME => {
                        figures.process_uptime = Some(metric.get_gauge().get_value());
                    }
                    _ => {}
                }
            }
        }
        figures
    }
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
        assert!((latency.quantile(0.5).unwrap() - 0.01).abs() < 1e-9);
        assert!((latency.quantile(0.9).unwrap() - 0.1).abs() < 1e-9);
        assert!((latency.quantile(0.95).unwrap() - 0.55).abs() < 1e-9);
        assert_eq!(series(&[]).quantile(0.5), None);
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
