//! The alerting rules file: the templates of `alert_table.rs` filled from the options, the
//! per-route objectives' alerts, and the YAML formatter.

use std::fmt::Write;

use super::ArtifactOptions;
use super::alert_table::ALERTS;
use super::rule_text::{FAILED, HEADER, num, other_routes, quote};
use crate::names::prometheus as prom;

/// How a placeholder's value is written from the options.
type Placeholder = fn(&ArtifactOptions) -> String;

/// What each `{{name}}` of the templates of [`ALERTS`] stands for, given the options.
const PLACEHOLDERS: &[(&str, Placeholder)] = &[
    ("job", |o| o.job.clone()),
    ("error_ratio_warning", |o| num(o.policy.error_ratio_warning)),
    ("error_ratio_critical", |o| {
        num(o.policy.error_ratio_critical)
    }),
    ("latency_p95_seconds", |o| num(o.policy.latency_p95_seconds)),
    ("latency_p99_seconds", |o| num(o.policy.latency_p99_seconds)),
    ("db_p95_seconds", |o| num(o.policy.db_p95_seconds)),
    ("cache_hit_ratio", |o| num(o.policy.cache_hit_ratio)),
    ("platform_failure_limit", |o| {
        num(o.policy.platform_failure_ratio)
    }),
    ("work_failure_limit", |o| num(o.policy.work_failure_ratio)),
    ("memory_limit", |o| num(o.policy.memory_utilization)),
    ("cpu_limit", |o| num(o.policy.cpu_utilization)),
    ("pool_limit", |o| num(o.policy.db_pool_utilization)),
    ("filesystem_limit", |o| num(o.policy.filesystem_utilization)),
    ("in_flight_limit", |o| num(o.policy.in_flight_limit)),
    ("sla_objective", |o| num(o.sla_objective)),
    ("slow_tool_seconds", |o| num(o.slow_tool_seconds)),
    ("tool_queue_backlog", |o| num(o.tool_queue_backlog)),
    ("job_queue_backlog", |o| num(o.job_queue_backlog)),
    ("load_per_cpu_limit", |o| num(o.policy.load_per_cpu)),
    (
        "certificate_expiry_days",
        |o| num(o.certificate_expiry_days),
    ),
    ("certificate_expiry_seconds", |o| {
        num(o.certificate_expiry_days * 86_400.0)
    }),
    ("certificate_remaining", |o| {
        o.metric(prom::TLS_CERTIFICATE_REMAINING)
    }),
    ("certificate_unreadable", |o| {
        o.metric(prom::TLS_CERTIFICATE_UNREADABLE)
    }),
    ("tool_duration", |o| o.metric(prom::TOOL_EXECUTION_DURATION)),
    ("tool_queue", |o| o.metric(prom::TOOL_QUEUE_SIZE)),
    ("job_queue", |o| o.metric(prom::JOB_QUEUE_LENGTH)),
    ("load_per_cpu", |o| {
        format!(
            "max by (job, instance) ({}) / max by (job, instance) ({})",
            o.metric(prom::SYSTEM_CPU_LOAD_AVERAGE_5M),
            o.metric(prom::SYSTEM_CPU_LOGICAL_CPUS)
        )
    }),
    ("availability_objective", |o| num(o.availability_objective)),
    ("latency_objective_seconds", |o| {
        num(o.latency_objective_seconds)
    }),
    (
        "fast_burn",
        |o| num(14.4 * (1.0 - o.availability_objective)),
    ),
    ("slow_burn", |o| num(6.0 * (1.0 - o.availability_objective))),
    ("fast_latency_burn", |o| {
        num(14.4 * (1.0 - o.latency_objective))
    }),
    ("slow_latency_burn", |o| {
        num(6.0 * (1.0 - o.latency_objective))
    }),
    ("slow_ratio_5m", |o| default_slow_ratio(o, "5m")),
    ("slow_ratio_30m", |o| default_slow_ratio(o, "30m")),
    ("slow_ratio_1h", |o| default_slow_ratio(o, "1h")),
    ("slow_ratio_6h", |o| default_slow_ratio(o, "6h")),
    ("db_duration", |o| {
        o.metric(prom::DB_CLIENT_OPERATION_DURATION)
    }),
    ("cache_lookups", |o| o.metric(prom::CACHE_LOOKUPS)),
    ("active_requests", |o| {
        o.metric(prom::HTTP_SERVER_ACTIVE_REQUESTS)
    }),
    ("process_memory_utilization", |o| {
        o.metric(prom::PROCESS_MEMORY_UTILIZATION)
    }),
    ("process_cpu_utilization", |o| {
        o.metric(prom::PROCESS_CPU_UTILIZATION)
    }),
    ("pool_utilization", |o| {
        let by = "job, instance, db_client_connection_pool_name";
        format!(
            "sum by ({by}) ({}{{db_client_connection_state=\"used\"}}) / sum by ({by}) ({})",
            o.metric(prom::DB_CLIENT_CONNECTION_COUNT),
            o.metric(prom::DB_CLIENT_CONNECTION_MAX)
        )
    }),
    ("filesystem_utilization", |o| {
        o.metric(prom::SYSTEM_FILESYSTEM_UTILIZATION)
    }),
    ("platform_failure_ratio", |o| {
        failure_ratio(
            o,
            prom::HTTP_CLIENT_REQUEST_DURATION,
            "job, platform_name",
            "5m",
        )
    }),
    ("tool_failure_ratio", |o| {
        failure_ratio(o, prom::TOOL_EXECUTION_DURATION, "job, tool_name", "10m")
    }),
    ("workflow_failure_ratio", |o| {
        let by = "job, workflow_name, workflow_step";
        failure_ratio(o, prom::WORKFLOW_STEP_DURATION, by, "10m")
    }),
    ("job_failure_ratio", |o| {
        failure_ratio(o, prom::JOB_DURATION, "job, job_name", "10m")
    }),
];

/// `template` with every `{{name}}` of [`PLACEHOLDERS`] filled in for `options`.
fn fill(template: &str, options: &ArtifactOptions) -> String {
    PLACEHOLDERS
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            let placeholder = format!("{{{{{name}}}}}");
            if text.contains(&placeholder) {
                text.replace(&placeholder, &value(options))
            } else {
                text
            }
        })
}

/// `sum by (by) (rate(metric{filter}[window]))`.
fn rate(options: &ArtifactOptions, metric: &str, by: &str, filter: &str, window: &str) -> String {
    let filter = if filter.is_empty() {
        String::new()
    } else {
        format!("{{{filter}}}")
    };
    format!(
        "sum by ({by}) (rate({}{filter}[{window}]))",
        options.metric(metric)
    )
}

/// Of a duration histogram: the share of its observations that failed.
fn failure_ratio(options: &ArtifactOptions, histogram: &str, by: &str, window: &str) -> String {
    let count = format!("{histogram}_count");
    format!(
        "{} / {}",
        rate(options, &count, by, FAILED, window),
        rate(options, &count, by, "", window)
    )
}

/// The slow share of the routes under the default latency objective.
fn default_slow_ratio(options: &ArtifactOptions, window: &str) -> String {
    slow_ratio_of(window, other_routes(options).trim_end_matches(','))
}

/// The recording rule of the slow share over `window`, for the routes `routes` selects.
fn slow_ratio_of(window: &str, routes: &str) -> String {
    if routes.is_empty() {
        format!("job_route:http_server_slow_ratio:rate{window}")
    } else {
        format!("job_route:http_server_slow_ratio:rate{window}{{{routes}}}")
    }
}

/// The burn-rate alerts of each route with a latency objective of its own.
fn route_alerts(options: &ArtifactOptions) -> Vec<[String; 7]> {
    let mut alerts = Vec::new();
    for route in &options.route_latency_objectives {
        let only = format!("http_route=\"{}\"", route.route);
        let budget = 1.0 - route.objective;
        for (severity, for_, factor, long, short) in [
            ("critical", "2m", 14.4, "1h", "5m"),
            ("warning", "15m", 6.0, "6h", "30m"),
        ] {
            let threshold = num(factor * budget);
            alerts.push([
                "LatencyBudgetBurn".to_owned(),
                format!(
                    "{} > {threshold} and {} > {threshold}",
                    slow_ratio_of(long, &only),
                    slow_ratio_of(short, &only),
                ),
                for_.to_owned(),
                severity.to_owned(),
                "A route's latency budget burns".to_owned(),
                format!(
                    "{}: more than {threshold} of requests take over {} s (objective {}).",
                    route.route,
                    num(route.seconds),
                    num(route.objective)
                ),
                "Find what the route waits on in its traces; check its dependencies.".to_owned(),
            ]);
        }
    }
    alerts
}

/// The alerting rules, each with severity, summary, description and a runbook note.
pub fn alert_rules(options: &ArtifactOptions) -> String {
    let table = ALERTS.iter().map(|alert| {
        [
            alert.name.to_owned(),
            fill(alert.expr, options),
            alert.for_.to_owned(),
            alert.severity.to_owned(),
            alert.summary.to_owned(),
            fill(alert.description, options),
            alert.runbook.to_owned(),
        ]
    });
    let mut yaml = String::from(HEADER);
    yaml.push_str("groups:\n  - name: tower-monitoring-alerts\n    rules:\n");
    for [name, expr, for_, severity, summary, description, runbook] in
        table.chain(route_alerts(options))
    {
        let _ = write!(
            yaml,
            "      - alert: {name}\n        expr: |-\n          {expr}\n        for: {for_}\n        labels:\n          severity: {severity}\n        annotations:\n          summary: {}\n          description: {}\n          runbook: {}\n",
            quote(&summary),
            quote(&description),
            quote(&runbook),
        );
    }
    yaml
}
