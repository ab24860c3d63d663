//! What is watched: each rule reads one value from the window and compares it with its
//! threshold.

use super::thresholds::Thresholds;
use crate::names::alert;
use crate::operations::summary::{Figures, Quantile, Tally};

/// The kinds of alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Rule {
    HighLatency,
    HighErrorRate,
    HighMemoryUsage,
    HighCpuUsage,
    LowCacheHitRatio,
    HighDbPoolUtilization,
    HighSystemLoad,
}

impl Rule {
    pub(crate) const ALL: [Rule; 7] = [
        Rule::HighLatency,
        Rule::HighErrorRate,
        Rule::HighMemoryUsage,
        Rule::HighCpuUsage,
        Rule::LowCacheHitRatio,
        Rule::HighDbPoolUtilization,
        Rule::HighSystemLoad,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Rule::HighLatency => alert::HIGH_LATENCY_P95,
            Rule::HighErrorRate => alert::HIGH_ERROR_RATE,
            Rule::HighMemoryUsage => alert::HIGH_MEMORY_USAGE,
            Rule::HighCpuUsage => alert::HIGH_CPU_USAGE,
            Rule::LowCacheHitRatio => alert::LOW_CACHE_HIT_RATE,
            Rule::HighDbPoolUtilization => alert::HIGH_DB_POOL_UTILIZATION,
            Rule::HighSystemLoad => alert::HIGH_SYSTEM_LOAD,
        }
    }

    pub(crate) fn severity(self) -> &'static str {
        match self {
            Rule::HighErrorRate | Rule::HighDbPoolUtilization => "critical",
            _ => "warning",
        }
    }

    pub(crate) fn component(self) -> &'static str {
        match self {
            Rule::HighLatency | Rule::HighErrorRate => "http",
            Rule::HighMemoryUsage | Rule::HighCpuUsage => "process",
            Rule::LowCacheHitRatio => "cache",
            Rule::HighDbPoolUtilization => "database",
            Rule::HighSystemLoad => "system",
        }
    }

    /// Milliseconds for latency, threads per CPU for load, ratios for the rest.
    pub(crate) fn threshold(self, thresholds: &Thresholds) -> f64 {
        match self {
            Rule::HighLatency => thresholds.latency_p95.as_secs_f64() * 1000.0,
            Rule::HighErrorRate => thresholds.error_rate,
            Rule::HighMemoryUsage => thresholds.memory_utilization,
            Rule::HighCpuUsage => thresholds.cpu_utilization,
            Rule::LowCacheHitRatio => thresholds.cache_hit_ratio,
            Rule::HighDbPoolUtilization => thresholds.db_pool_utilization,
            Rule::HighSystemLoad => thresholds.load_per_cpu,
        }
    }

    /// Whether `value` breaks the threshold.
    pub(crate) fn broken(self, value: f64, threshold: f64) -> bool {
        match self {
            Rule::LowCacheHitRatio => value < threshold,
            _ => value > threshold,
        }
    }

    /// The rule's value over the window from `then` to `now`; `None` when there is not
    /// enough to judge (no traffic, no pools, no system metrics).
    pub(crate) fn value(self, now: &Figures, then: &Figures, min_events: f64) -> Option<f64> {
        match self {
            Rule::HighLatency | Rule::HighErrorRate => {
                let tally = Tally::since(&now.http, &then.http, |key| key.verdict);
                if tally.all.count < min_events {
                    return None;
                }
                match self {
                    // A p95 known only to lie in the first bucket cannot be said to be
                    // above anything; one in the last is at least its lower bound.
                    Rule::HighLatency => match tally.all.quantile(0.95)? {
                        Quantile::Estimate(seconds) | Quantile::AtLeast(seconds) => {
                            Some(seconds * 1000.0)
                        }
                        Quantile::AtMost(_) => None,
                    },
                    _ => tally.failure_ratio(),
                }
            }
            Rule::HighMemoryUsage => now.process_memory_utilization,
            Rule::HighCpuUsage => now.process_cpu,
            Rule::LowCacheHitRatio => {
                let hits = now.cache_hits - then.cache_hits;
                let misses = now.cache_misses - then.cache_misses;
                (hits + misses >= min_events).then(|| hits / (hits + misses))
            }
            Rule::HighDbPoolUtilization => {
                (now.pool_max > 0.0).then(|| now.pool_in_use / now.pool_max)
            }
            Rule::HighSystemLoad => {
                let cpus = now.logical_cpus.filter(|cpus| *cpus > 0.0)?;
                now.load_average_5m.map(|load| load / cpus)
            }
        }
    }

    /// The value as a person reads it.
    pub(crate) fn format(self, value: f64) -> String {
        match self {
            Rule::HighLatency => format!("{value:.0}ms"),
            Rule::HighSystemLoad => format!("{value:.2} per CPU"),
            _ => format!("{:.0}%", value * 100.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_reads_its_value_and_direction() {
        let t = Thresholds::default();
        let mut now = Figures {
            process_memory_utilization: Some(0.85),
            process_cpu: Some(0.5),
            pool_in_use: 19.0,
            pool_max: 20.0,
            cache_hits: 30.0,
            cache_misses: 70.0,
            ..Figures::default()
        };
        let then = Figures::default();
        let value = |rule: Rule, now: &Figures| rule.value(now, &then, t.min_events);
        let breaks = |rule: Rule, now: &Figures| {
            value(rule, now).is_some_and(|value| rule.broken(value, rule.threshold(&t)))
        };
        assert!(breaks(Rule::HighMemoryUsage, &now));
        assert!(!breaks(Rule::HighCpuUsage, &now));
        assert_eq!(value(Rule::HighDbPoolUtilization, &now), Some(0.95));
        assert!(breaks(Rule::HighDbPoolUtilization, &now));
        assert_eq!(value(Rule::LowCacheHitRatio, &now), Some(0.3));
        assert!(
            breaks(Rule::LowCacheHitRatio, &now),
            "low is the bad direction"
        );
        // Too few lookups, no pools, no traffic, no system metrics: nothing to judge.
        now.cache_hits = 1.0;
        now.cache_misses = 2.0;
        now.pool_max = 0.0;
        now.process_cpu = None;
        for rule in [
            Rule::LowCacheHitRatio,
            Rule::HighDbPoolUtilization,
            Rule::HighCpuUsage,
            Rule::HighLatency,
            Rule::HighErrorRate,
        ] {
            assert_eq!(value(rule, &now), None, "{rule:?}");
        }
        // Load per logical CPU: 9 threads on 2 CPUs break the default 2; without the CPU
        // count (no system metrics) there is nothing to judge.
        now.load_average_5m = Some(9.0);
        now.logical_cpus = Some(2.0);
        assert_eq!(value(Rule::HighSystemLoad, &now), Some(4.5));
        assert!(breaks(Rule::HighSystemLoad, &now));
        now.load_average_5m = Some(3.0);
        assert!(!breaks(Rule::HighSystemLoad, &now));
        now.logical_cpus = None;
        assert_eq!(value(Rule::HighSystemLoad, &now), None);
        assert_eq!(Rule::HighSystemLoad.format(4.5), "4.50 per CPU");
        assert_eq!(Rule::HighLatency.format(1234.4), "1234ms");
        assert_eq!(Rule::HighCpuUsage.format(0.456), "46%");
    }
}
