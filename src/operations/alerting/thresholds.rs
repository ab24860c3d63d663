//! The thresholds the in-process alerts compare against.

use std::time::Duration;

use crate::AlertPolicy;

/// The thresholds of the in-process alerts. Start from [`Thresholds::default`] and change
/// what you need:
///
/// ```
/// use std::time::Duration;
/// use tower_monitoring::alerting::Thresholds;
///
/// let thresholds = Thresholds::default()
///     .error_rate(0.01)
///     .latency_p95(Duration::from_millis(300));
/// assert_eq!(thresholds.error_rate, 0.01);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Thresholds {
    /// Fire when the p95 request latency over the window is above this (1 s).
    pub latency_p95: Duration,
    /// Fire when the share of failed requests over the window is above this (0.05).
    pub error_rate: f64,
    /// Fire when the process's memory over its limit is above this (0.8).
    pub memory_utilization: f64,
    /// Fire when the process's share of all CPUs is above this (0.8).
    pub cpu_utilization: f64,
    /// Fire when the cache hit ratio over the window is below this (0.8).
    pub cache_hit_ratio: f64,
    /// Fire when the connection pools' use over their maximum is above this (0.9).
    pub db_pool_utilization: f64,
    /// Fire when the machine's 5-minute load average per logical CPU is above this (2:
    /// twice as many threads want a CPU as there are CPUs).
    pub load_per_cpu: f64,
    /// How long a threshold must stay broken before its alert fires (1 min), like a
    /// Prometheus rule's `for:`.
    pub for_duration: Duration,
    /// The sliding window rates and ratios are computed over (5 min).
    pub window: Duration,
    /// Rates and ratios need at least this many requests or lookups in the window (10),
    /// so one failed request out of one does not page anybody.
    pub min_events: f64,
}

impl Default for Thresholds {
    /// The thresholds of [`AlertPolicy::default`].
    fn default() -> Self {
        Self::from_policy(&AlertPolicy::default())
    }
}

impl Thresholds {
    /// The thresholds `policy` sets, the generated Prometheus rules' too; the window and
    /// timing at their defaults.
    pub fn from_policy(policy: &AlertPolicy) -> Self {
        Self {
            // A negative or NaN latency is no limit at all: it fires on any traffic.
            latency_p95: Duration::try_from_secs_f64(policy.latency_p95_seconds)
                .unwrap_or(Duration::ZERO),
            error_rate: policy.error_ratio_critical,
            memory_utilization: policy.memory_utilization,
            cpu_utilization: policy.cpu_utilization,
            cache_hit_ratio: policy.cache_hit_ratio,
            db_pool_utilization: policy.db_pool_utilization,
            load_per_cpu: policy.load_per_cpu,
            for_duration: Duration::from_secs(60),
            window: Duration::from_secs(300),
            min_events: 10.0,
        }
    }
}

crate::setters::setters!(Thresholds {
    /// Sets [`latency_p95`](Self::latency_p95).
    latency_p95: Duration,
    /// Sets [`error_rate`](Self::error_rate).
    error_rate: f64,
    /// Sets [`memory_utilization`](Self::memory_utilization).
    memory_utilization: f64,
    /// Sets [`cpu_utilization`](Self::cpu_utilization).
    cpu_utilization: f64,
    /// Sets [`cache_hit_ratio`](Self::cache_hit_ratio).
    cache_hit_ratio: f64,
    /// Sets [`db_pool_utilization`](Self::db_pool_utilization).
    db_pool_utilization: f64,
    /// Sets [`load_per_cpu`](Self::load_per_cpu).
    load_per_cpu: f64,
    /// Sets [`for_duration`](Self::for_duration).
    for_duration: Duration,
    /// Sets [`window`](Self::window).
    window: Duration,
    /// Sets [`min_events`](Self::min_events).
    min_events: f64,
});
