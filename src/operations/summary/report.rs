//! The shapes of `/metrics/summary`, `/metrics/report` and `/metrics/dashboard`: public,
//! typed, and serialised as they are, so a renamed field is a compiler error in the views
//! and a visible change for the scripts and pages that read the JSON.
//!
//! Figures are counts over the summary window (floats, as Prometheus counters are) and
//! ratios in `0..=1`; `None` (`null`) where there is nothing to divide by or to measure.

use serde::{Deserialize, Serialize};

/// `GET /metrics/summary`: the service over the current window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// The window these figures cover.
    pub window: SummaryWindow,
    /// Every request in the window.
    pub requests: Requests,
    /// Request latency in milliseconds.
    pub latency_ms: Latency,
    /// Requests in flight now (streams past their head are under `streams`).
    pub in_flight: f64,
    /// Streamed responses (server-sent events, WebSockets, routes marked streaming), apart
    /// from the requests: their length is no request's latency.
    #[serde(default)]
    pub streams: StreamFigures,
    /// The slowest and the most called routes.
    pub routes: Routes,
    /// Every tool that ran in the window, the most executed first.
    pub tools: Vec<ToolFigures>,
    /// Database, platform and cache calls.
    pub dependencies: DependencyFigures,
    /// The process's own resources, now.
    pub process: ProcessFigures,
    /// The telemetry's own health, since the start.
    pub telemetry: TelemetryFigures,
}

/// Whether the spans get out, since the process started: what a log filter that names only
/// the application's crates would hide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TelemetryFigures {
    /// Spans the exporter delivered.
    pub spans_exported: f64,
    /// Spans in batches the exporter failed to deliver (collector down, refused, timed out).
    pub spans_failed: f64,
    /// Spans dropped because the export queue was full (counted by the SDK for installed
    /// pipelines only).
    pub spans_dropped: f64,
    /// Instruments past the cardinality limit, with the recordings folded into their
    /// overflow series (counted for histograms; a sum or gauge shows 0), as of the previous
    /// collection. Empty while every series is kept.
    #[serde(default)]
    pub metric_overflow: std::collections::BTreeMap<String, f64>,
    /// When an export last failed, in seconds since the Unix epoch; `None` if none did.
    /// Why, for token holders, is on `/ready`.
    pub last_export_failure_unix: Option<f64>,
}

/// Streamed responses: open now, and those that ended in the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StreamFigures {
    /// Streams open now.
    pub open: f64,
    /// Streams that ended in the window.
    pub ended: f64,
    /// Of them, closed by the client before the server ended them (`error.type="cancelled"`,
    /// the usual end of server-sent events).
    pub closed_by_client: f64,
    /// Of them, failed (the body broke).
    pub errors: f64,
    /// Mean time a stream stayed open, in seconds.
    pub average_seconds: Option<f64>,
}

/// When a summary window started and how long it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SummaryWindow {
    /// Its start, in seconds since the Unix epoch.
    pub started_at_unix: f64,
    /// Seconds since its start.
    pub seconds: f64,
    /// Seconds after which it rolls over.
    pub length_seconds: f64,
}

/// The requests of a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Requests {
    /// Requests that ended, whatever their outcome.
    pub total: f64,
    /// Requests that failed (see [`failure`](crate::failure)).
    pub errors: f64,
    /// Requests whose client went away first: neither a success nor a failure.
    pub cancelled: f64,
    /// `errors` over the requests not cancelled; `None` without any.
    pub error_rate: Option<f64>,
    /// Requests a second over the window.
    pub per_second: f64,
}

/// Latency figures in milliseconds. A quantile the histogram's buckets only bound is
/// `None`, with the bound beside it: `*_at_most` when it lies in the first bucket,
/// `*_at_least` when in the `+Inf` bucket (set finer buckets with
/// `MonitoringBuilder::histogram_buckets` to get a figure).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Latency {
    /// The mean; `None` without requests.
    pub average: Option<f64>,
    /// The median.
    pub p50: Option<f64>,
    /// The 95th percentile.
    pub p95: Option<f64>,
    /// The 99th percentile.
    pub p99: Option<f64>,
    /// The median is at most this (it lies in the first bucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50_at_most: Option<f64>,
    /// The 95th percentile is at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_at_most: Option<f64>,
    /// The 99th percentile is at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_at_most: Option<f64>,
    /// The median is at least this (it lies in the `+Inf` bucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50_at_least: Option<f64>,
    /// The 95th percentile is at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_at_least: Option<f64>,
    /// The 99th percentile is at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_at_least: Option<f64>,
}

/// The top routes of a window, five of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Routes {
    /// By average latency, the slowest first.
    pub slowest: Vec<RouteFigures>,
    /// By requests, the busiest first.
    pub most_called: Vec<RouteFigures>,
}

/// One route's requests in a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RouteFigures {
    /// The route template, with the operation its handler named in parentheses
    /// (`/rpc (getUser)`); `(unmatched)` for requests that matched none.
    pub route: String,
    /// Requests that ended.
    pub requests: f64,
    /// Of them, failed.
    pub errors: f64,
    /// Of them, cancelled.
    pub cancelled: f64,
    /// Mean latency in milliseconds.
    pub average_ms: Option<f64>,
}

/// One tool's executions in a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolFigures {
    /// `tool.name`.
    pub tool: String,
    /// Executions that ended.
    pub executions: f64,
    /// Of them, failed.
    pub errors: f64,
    /// Of them, cancelled.
    pub cancelled: f64,
    /// Mean duration in milliseconds.
    pub average_ms: Option<f64>,
}

/// What the service called in a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DependencyFigures {
    /// Database operations.
    pub db: CallFigures,
    /// Calls to third-party platforms.
    pub platform: CallFigures,
    /// Cache lookups.
    pub cache: CacheFigures,
}

/// Calls of one kind in a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallFigures {
    /// Calls that ended.
    pub calls: f64,
    /// Of them, failed.
    pub errors: f64,
    /// Of them, cancelled.
    pub cancelled: f64,
    /// Mean duration in milliseconds.
    pub average_ms: Option<f64>,
}

/// Cache lookups in a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CacheFigures {
    /// Lookups that found their entry.
    pub hits: f64,
    /// Lookups that did not.
    pub misses: f64,
    /// `hits` over all lookups; `None` without any.
    pub hit_ratio: Option<f64>,
}

/// The process now (`None` for what the `system` feature or the platform cannot tell).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProcessFigures {
    /// Its share of all CPUs.
    pub cpu_utilization: Option<f64>,
    /// Resident memory in bytes.
    pub memory_bytes: Option<f64>,
    /// Resident memory over its limit (cgroup, else the machine's memory).
    pub memory_utilization: Option<f64>,
    /// The machine's memory in use.
    pub system_memory_utilization: Option<f64>,
    /// Seconds since it started.
    pub uptime_seconds: Option<f64>,
}

/// `GET /metrics/report`: the summary and the alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// The summary, its fields at the top level of the JSON.
    #[serde(flatten)]
    pub summary: Summary,
    /// The in-process alerts.
    pub alerts: crate::alerting::AlertReport,
}

/// `GET /metrics/dashboard`: the at-a-glance view, formatted for people with the numbers
/// beside them, and the alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DashboardView {
    /// Uptime, requests and resources.
    pub system: DashboardSystem,
    /// The in-process alerts.
    pub alerts: crate::alerting::AlertReport,
}

/// The figures of the dashboard view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DashboardSystem {
    /// `12h 34m`, `3d 4h`, `45s`.
    pub uptime: Option<String>,
    /// Seconds since the process started.
    pub uptime_seconds: Option<f64>,
    /// Requests in the window.
    pub requests: DashboardRequests,
    /// Memory, CPU and cache.
    pub resources: DashboardResources,
}

/// Requests, as the dashboard view shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DashboardRequests {
    /// Requests that ended.
    pub total: f64,
    /// Of them, failed.
    pub errors: f64,
    /// Of them, cancelled.
    pub cancelled: f64,
    /// `123ms`, or `0.3ms` below 10 ms.
    pub average_latency: Option<String>,
    /// The same in milliseconds.
    pub average_latency_ms: Option<f64>,
}

/// Resources, as the dashboard view shows them: each as a percentage and as a ratio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DashboardResources {
    /// `42%` of the memory limit.
    pub memory: Option<String>,
    /// The same as a ratio.
    pub memory_utilization: Option<f64>,
    /// `12%` of all CPUs.
    pub cpu: Option<String>,
    /// The same as a ratio.
    pub cpu_utilization: Option<f64>,
    /// `93%` of cache lookups hit.
    pub cache_hit_ratio: Option<String>,
    /// The same as a ratio.
    pub cache_hit_ratio_value: Option<f64>,
}
