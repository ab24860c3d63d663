//! [`AlertPolicy`]: the one place the alert thresholds are written down, for the in-process
//! alerts ([`Thresholds`](crate::alerting::Thresholds)) and the generated Prometheus rules
//! (`artifacts::ArtifactOptions`) alike, so the two cannot page at different levels for the
//! same condition.

/// The alert thresholds of a service. Both alert systems start from
/// [`AlertPolicy::default`]; build them from a policy of your own with
/// `Thresholds::from_policy` and `ArtifactOptions::from_policy`:
///
/// ```
/// use tower_monitoring::AlertPolicy;
///
/// let policy = AlertPolicy::default().error_ratio_critical(0.02);
/// # #[cfg(feature = "operations")]
/// assert_eq!(tower_monitoring::alerting::Thresholds::from_policy(&policy).error_rate, 0.02);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AlertPolicy {
    /// Share of failed requests above which the rules warn (0.01).
    pub error_ratio_warning: f64,
    /// Share of failed requests above which the rules page and the in-process alert fires
    /// (0.05).
    pub error_ratio_critical: f64,
    /// p95 request latency in seconds above which both fire (1).
    pub latency_p95_seconds: f64,
    /// p99 request latency in seconds above which the rules page (2.5).
    pub latency_p99_seconds: f64,
    /// p95 of a database operation in seconds above which the rules warn (0.5).
    pub db_p95_seconds: f64,
    /// Cache hit ratio below which both fire (0.8).
    pub cache_hit_ratio: f64,
    /// Share of failed platform calls above which the rules warn (0.05).
    pub platform_failure_ratio: f64,
    /// Share of failed tool executions, workflow steps or jobs above which the rules warn
    /// (0.1).
    pub work_failure_ratio: f64,
    /// The process's memory over its limit above which both fire (0.8).
    pub memory_utilization: f64,
    /// The process's share of all CPUs above which both fire (0.8).
    pub cpu_utilization: f64,
    /// Connection pools' use over their maximum above which both fire (0.9).
    pub db_pool_utilization: f64,
    /// The machine's 5-minute load average per logical CPU above which both fire (2).
    pub load_per_cpu: f64,
    /// Filesystem use above which the rules warn (0.9).
    pub filesystem_utilization: f64,
    /// Concurrent requests per instance above which the rules warn (100).
    pub in_flight_limit: f64,
}

impl Default for AlertPolicy {
    fn default() -> Self {
        Self {
            error_ratio_warning: 0.01,
            error_ratio_critical: 0.05,
            latency_p95_seconds: 1.0,
            latency_p99_seconds: 2.5,
            db_p95_seconds: 0.5,
            cache_hit_ratio: 0.8,
            platform_failure_ratio: 0.05,
            work_failure_ratio: 0.1,
            memory_utilization: 0.8,
            cpu_utilization: 0.8,
            db_pool_utilization: 0.9,
            load_per_cpu: 2.0,
            filesystem_utilization: 0.9,
            in_flight_limit: 100.0,
        }
    }
}

crate::setters::setters!(AlertPolicy {
    /// Sets [`error_ratio_warning`](Self::error_ratio_warning).
    error_ratio_warning: f64,
    /// Sets [`error_ratio_critical`](Self::error_ratio_critical).
    error_ratio_critical: f64,
    /// Sets [`latency_p95_seconds`](Self::latency_p95_seconds).
    latency_p95_seconds: f64,
    /// Sets [`latency_p99_seconds`](Self::latency_p99_seconds).
    latency_p99_seconds: f64,
    /// Sets [`db_p95_seconds`](Self::db_p95_seconds).
    db_p95_seconds: f64,
    /// Sets [`cache_hit_ratio`](Self::cache_hit_ratio).
    cache_hit_ratio: f64,
    /// Sets [`platform_failure_ratio`](Self::platform_failure_ratio).
    platform_failure_ratio: f64,
    /// Sets [`work_failure_ratio`](Self::work_failure_ratio).
    work_failure_ratio: f64,
    /// Sets [`memory_utilization`](Self::memory_utilization).
    memory_utilization: f64,
    /// Sets [`cpu_utilization`](Self::cpu_utilization).
    cpu_utilization: f64,
    /// Sets [`db_pool_utilization`](Self::db_pool_utilization).
    db_pool_utilization: f64,
    /// Sets [`load_per_cpu`](Self::load_per_cpu).
    load_per_cpu: f64,
    /// Sets [`filesystem_utilization`](Self::filesystem_utilization).
    filesystem_utilization: f64,
    /// Sets [`in_flight_limit`](Self::in_flight_limit).
    in_flight_limit: f64,
});

#[cfg(all(test, feature = "operations", feature = "artifacts"))]
mod tests {
    use super::*;
    use crate::alerting::Thresholds;
    use crate::artifacts::{ArtifactOptions, alert_rules};

    #[test]
    fn one_changed_threshold_moves_both_alert_systems() {
        let policy = AlertPolicy::default()
            .memory_utilization(0.65)
            .cache_hit_ratio(0.55);
        let thresholds = Thresholds::from_policy(&policy);
        assert_eq!(thresholds.memory_utilization, 0.65);
        assert_eq!(thresholds.cache_hit_ratio, 0.55);
        let rules = alert_rules(&ArtifactOptions::from_policy(&policy));
        assert!(rules.contains("> 0.65"), "{rules}");
        assert!(rules.contains("< 0.55"), "{rules}");
        let defaults = alert_rules(&ArtifactOptions::default());
        assert!(!defaults.contains("0.65") && defaults.contains("> 0.8"));
        assert_eq!(Thresholds::default().memory_utilization, 0.8);
    }
}
