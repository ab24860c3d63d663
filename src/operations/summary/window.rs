//! The window a summary covers: figures since it started, rolled over after its length.

use std::time::{Duration, Instant, SystemTime};

use std::cmp::Ordering;
use std::collections::HashMap;

use super::figures::{Figures, HttpKey, Quantile, Series, Tally};
use super::report::{
    CacheFigures, CallFigures, DependencyFigures, Latency, ProcessFigures, Requests, RouteFigures,
    Routes, StreamFigures, Summary, SummaryWindow, TelemetryFigures, ToolFigures,
};
use crate::failure::Verdict;

/// How many routes each top list shows.
const TOP: usize = 5;

/// The start of the current window and the cumulative figures at that moment.
#[derive(Debug)]
pub(crate) struct Window {
    length: Duration,
    started: Instant,
    started_at: SystemTime,
    baseline: Figures,
}

impl Window {
    pub(crate) fn new(length: Duration) -> Self {
        Self {
            length,
            started: Instant::now(),
            started_at: SystemTime::now(),
            baseline: Figures::default(),
        }
    }

    /// Starts a new window from `now`: everything before it is forgotten by the summary
    /// (Prometheus counters stay monotonic).
    pub(crate) fn reset(&mut self, now: Figures) {
        self.started = Instant::now();
        self.started_at = SystemTime::now();
        self.baseline = now;
    }

    /// The summary of the window up to `now`, after rolling over if it has run its length.
    pub(crate) fn summary(&mut self, now: Figures) -> Summary {
        if self.started.elapsed() >= self.length {
            self.reset(now.clone());
        }
        let seconds = self.started.elapsed().as_secs_f64();

        let overall = Tally::since(&now.http, &self.baseline.http, |key| key.verdict);
        let calls = |now: &HashMap<Verdict, Series>, then: &HashMap<Verdict, Series>| {
            let tally = Tally::since(now, then, |verdict| *verdict);
            CallFigures {
                calls: tally.all.count,
                errors: tally.failed,
                cancelled: tally.cancelled,
                average_ms: average_ms(&tally.all),
            }
        };
        let hits = (now.cache_hits - self.baseline.cache_hits).max(0.0);
        let misses = (now.cache_misses - self.baseline.cache_misses).max(0.0);

        Summary {
            window: SummaryWindow {
                started_at_unix: unix_seconds(self.started_at),
                seconds,
                length_seconds: self.length.as_secs_f64(),
            },
            requests: Requests {
                total: overall.all.count,
                errors: overall.failed,
                cancelled: overall.cancelled,
                error_rate: overall.failure_ratio(),
                per_second: if seconds > 0.0 {
                    overall.all.count / seconds
                } else {
                    0.0
                },
            },
            latency_ms: latency_ms(&overall.all),
            in_flight: now.in_flight,
            streams: {
                let ended = calls(&now.streams, &self.baseline.streams);
                StreamFigures {
                    open: now.streams_open,
                    ended: ended.calls,
                    closed_by_client: ended.cancelled,
                    errors: ended.errors,
                    average_seconds: ended.average_ms.map(|ms| ms / 1000.0),
                }
            },
            routes: self.routes(&now),
            tools: self.tools(&now),
            dependencies: DependencyFigures {
                db: calls(&now.db, &self.baseline.db),
                platform: calls(&now.platform, &self.baseline.platform),
                cache: CacheFigures {
                    hits,
                    misses,
                    hit_ratio: ratio(hits, hits + misses),
                },
            },
            process: ProcessFigures {
                cpu_utilization: now.process_cpu,
                memory_bytes: now.process_memory,
                memory_utilization: now.process_memory_utilization,
                system_memory_utilization: now.system_memory_utilization,
                uptime_seconds: now.process_uptime,
            },
            telemetry: TelemetryFigures {
                spans_exported: now.spans_exported,
                spans_failed: now.spans_failed,
                spans_dropped: now.spans_dropped,
                metric_overflow: now.metric_overflow.clone(),
                last_export_failure_unix: now.last_export_failure.map(unix_seconds),
            },
        }
    }
}

impl Window {
    /// The slowest and the most called routes of the window, each with its tally.
    fn routes(&self, now: &Figures) -> Routes {
        let routes = by_name(&now.http, &self.baseline.http, |key| {
            (route_name(key), key.verdict)
        });
        let top = |by: fn(&Tally) -> Option<f64>| {
            let mut sorted = routes.clone();
            // Ties in name order, so two reads of the same figures list them alike.
            sorted.sort_by(|a, b| {
                by(&b.1)
                    .partial_cmp(&by(&a.1))
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| a.0.cmp(&b.0))
            });
            sorted
                .iter()
                .take(TOP)
                .map(route_figures)
                .collect::<Vec<_>>()
        };
        Routes {
            slowest: top(|tally| average_ms(&tally.all)),
            most_called: top(|tally| Some(tally.all.count)),
        }
    }
}

impl Window {
    /// Every tool that ran in the window, the most executed first.
    fn tools(&self, now: &Figures) -> Vec<ToolFigures> {
        let mut tools = by_name(&now.tools, &self.baseline.tools, |(tool, verdict)| {
            (tool.clone(), *verdict)
        });
        tools.sort_by(|a, b| {
            b.1.all
                .count
                .total_cmp(&a.1.all.count)
                .then_with(|| a.0.cmp(&b.0))
        });
        tools
            .into_iter()
            .map(|(tool, tally)| ToolFigures {
                tool,
                executions: tally.all.count,
                errors: tally.failed,
                cancelled: tally.cancelled,
                average_ms: average_ms(&tally.all),
            })
            .collect()
    }
}

/// The window's tallies of the series in `now` (less `then`), grouped by the name `key`
/// gives; names without traffic in the window are left out.
fn by_name<K: Eq + std::hash::Hash>(
    now: &HashMap<K, Series>,
    then: &HashMap<K, Series>,
    key: impl Fn(&K) -> (String, Verdict),
) -> Vec<(String, Tally)> {
    let mut grouped: Vec<(String, Tally)> = Vec::new();
    for (series_key, series) in now {
        let delta = series.since(then.get(series_key));
        let (name, verdict) = key(series_key);
        match grouped.iter_mut().find(|(known, _)| *known == name) {
            Some((_, tally)) => tally.add(verdict, &delta),
            None => {
                let mut tally = Tally::default();
                tally.add(verdict, &delta);
                grouped.push((name, tally));
            }
        }
    }
    grouped.retain(|(_, tally)| tally.all.count > 0.0);
    grouped
}

fn route_figures((route, tally): &(String, Tally)) -> RouteFigures {
    RouteFigures {
        route: route.clone(),
        requests: tally.all.count,
        errors: tally.failed,
        cancelled: tally.cancelled,
        average_ms: average_ms(&tally.all),
    }
}

/// The average and the p50, p95 and p99 in milliseconds, each with the bound the buckets
/// give where they give no figure.
fn latency_ms(series: &Series) -> Latency {
    let mut latency = Latency {
        average: average_ms(series),
        p50: None,
        p95: None,
        p99: None,
        p50_at_most: None,
        p95_at_most: None,
        p99_at_most: None,
        p50_at_least: None,
        p95_at_least: None,
        p99_at_least: None,
    };
    let ms = |seconds: f64| seconds * 1000.0;
    for (q, estimate, at_most, at_least) in [
        (
            0.5,
            &mut latency.p50,
            &mut latency.p50_at_most,
            &mut latency.p50_at_least,
        ),
        (
            0.95,
            &mut latency.p95,
            &mut latency.p95_at_most,
            &mut latency.p95_at_least,
        ),
        (
            0.99,
            &mut latency.p99,
            &mut latency.p99_at_most,
            &mut latency.p99_at_least,
        ),
    ] {
        let quantile = series.quantile(q);
        *estimate = quantile.and_then(Quantile::estimate).map(ms);
        match quantile {
            Some(Quantile::AtMost(bound)) => *at_most = Some(ms(bound)),
            Some(Quantile::AtLeast(bound)) => *at_least = Some(ms(bound)),
            _ => {}
        }
    }
    latency
}

fn unix_seconds(at: SystemTime) -> f64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64())
}

fn route_name(key: &HttpKey) -> String {
    if key.route.is_empty() {
        "(unmatched)".to_owned()
    } else {
        key.route.clone()
    }
}

fn average_ms(series: &Series) -> Option<f64> {
    (series.count > 0.0).then(|| series.sum / series.count * 1000.0)
}

fn ratio(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(requests: f64) -> Figures {
        let mut figures = Figures::default();
        figures.http.insert(
            HttpKey {
                route: "/a".into(),
                verdict: Verdict::Succeeded,
            },
            Series {
                count: requests,
                sum: requests * 0.01,
                buckets: vec![(0.01, requests), (f64::INFINITY, requests)],
            },
        );
        figures
    }

    #[test]
    fn a_window_counts_from_its_start() {
        let mut window = Window::new(Duration::from_secs(3600));
        window.reset(figures(10.0));
        let summary = window.summary(figures(14.0));
        assert_eq!(summary.requests.total, 4.0);
        assert_eq!(summary.routes.most_called[0].route, "/a");
        assert!(summary.tools.is_empty(), "{summary:?}");
        let average = summary.latency_ms.average.unwrap();
        assert!((average - 10.0).abs() < 1e-9, "{average}");
    }

    #[test]
    fn tools_are_listed_by_executions_with_their_failures() {
        let mut now = figures(1.0);
        let runs = |count: f64| Series {
            count,
            sum: count * 0.002,
            buckets: vec![(f64::INFINITY, count)],
        };
        now.tools
            .insert(("search".into(), Verdict::Succeeded), runs(3.0));
        now.tools
            .insert(("search".into(), Verdict::Failed), runs(1.0));
        now.tools
            .insert(("lookup".into(), Verdict::Succeeded), runs(2.0));
        let summary = Window::new(Duration::from_secs(3600)).summary(now);
        let tools = &summary.tools;
        assert_eq!(tools[0].tool, "search", "{summary:?}");
        assert_eq!(tools[0].executions, 4.0);
        assert_eq!(tools[0].errors, 1.0);
        assert_eq!(tools[1].tool, "lookup");
        let average = tools[1].average_ms.unwrap();
        assert!((average - 2.0).abs() < 1e-9, "{average}");
    }

    #[test]
    fn a_window_past_its_length_rolls_over() {
        let mut window = Window::new(Duration::ZERO);
        let summary = window.summary(figures(14.0));
        assert_eq!(summary.requests.total, 0.0, "{summary:?}");
        assert_eq!(summary.latency_ms.p50, None);
    }
}
