//! `GET /metrics/summary`, `GET /metrics/report`, `GET /metrics/dashboard` and
//! `POST /metrics/reset`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::alerting::AlertReport;
use crate::operations::Operations;
use crate::operations::summary::{
    DashboardRequests, DashboardResources, DashboardSystem, DashboardView, Report, Summary,
};

/// The summary; behind the metrics token when one is configured.
pub(super) async fn summary(State(operations): State<Arc<Operations>>) -> Response {
    Json(operations.summary()).into_response()
}

/// The summary plus the alerts (firing and past).
pub(super) async fn report(State(operations): State<Arc<Operations>>) -> Response {
    Json(Report {
        summary: operations.summary(),
        alerts: operations.alerts(),
    })
    .into_response()
}

/// The at-a-glance view: uptime, requests, latency and resources, formatted for people with
/// the numbers beside them, and the alerts.
pub(super) async fn dashboard(State(operations): State<Arc<Operations>>) -> Response {
    Json(dashboard_view(operations.summary(), operations.alerts())).into_response()
}

fn dashboard_view(summary: Summary, alerts: AlertReport) -> DashboardView {
    let percent = |value: Option<f64>| value.map(|ratio| format!("{:.0}%", ratio * 100.0));
    let uptime = summary.process.uptime_seconds;
    let average = summary.latency_ms.average;
    let memory = summary.process.memory_utilization;
    let cpu = summary.process.cpu_utilization;
    let hit_ratio = summary.dependencies.cache.hit_ratio;
    DashboardView {
        system: DashboardSystem {
            uptime: uptime.map(format_uptime),
            uptime_seconds: uptime,
            requests: DashboardRequests {
                total: summary.requests.total,
                errors: summary.requests.errors,
                cancelled: summary.requests.cancelled,
                average_latency: average.map(format_ms),
                average_latency_ms: average,
            },
            resources: DashboardResources {
                memory: percent(memory),
                memory_utilization: memory,
                cpu: percent(cpu),
                cpu_utilization: cpu,
                cache_hit_ratio: percent(hit_ratio),
                cache_hit_ratio_value: hit_ratio,
            },
        },
        alerts,
    }
}

/// `123ms`, or `0.3ms` below 10 ms, where whole milliseconds would round to nothing.
fn format_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1}ms")
    } else {
        format!("{ms:.0}ms")
    }
}

/// `12h 34m`, `3d 4h`, `45s`.
fn format_uptime(seconds: f64) -> String {
    let seconds = seconds.max(0.0) as u64;
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// Restarts the summary window. Admin only: 404 when no admin token is configured, 401 for
/// a missing or wrong one.
pub(super) async fn reset(State(operations): State<Arc<Operations>>) -> Response {
    operations.reset_summary();
    Json(json!({ "status": "reset" })).into_response()
}

#[cfg(test)]
mod tests {
    use super::{format_ms, format_uptime};

    #[test]
    fn latency_keeps_a_decimal_below_ten_milliseconds() {
        assert_eq!(format_ms(0.26), "0.3ms");
        assert_eq!(format_ms(123.4), "123ms");
    }

    #[test]
    fn uptime_reads_like_a_person_would_say_it() {
        assert_eq!(format_uptime(45.0), "45s");
        assert_eq!(format_uptime(600.0), "10m");
        assert_eq!(format_uptime(12.0 * 3600.0 + 34.0 * 60.0), "12h 34m");
        assert_eq!(format_uptime(3.0 * 86_400.0 + 4.0 * 3600.0 + 5.0), "3d 4h");
    }
}
