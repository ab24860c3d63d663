//! Recording and alerting rules in Prometheus's YAML, from the metric-name constants.

use std::fmt::Write;

use super::ArtifactOptions;
use crate::names::prometheus as prom;

/// A number as a rule writes it: at most six decimals, no trailing zeros.
pub(super) fn num(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// Requests that failed on the server's side: the crate's one definition of failure.
const FAILED: &str = crate::failure::PROMQL_FAILED;

/// `http_route!="..."` for every route with an objective of its own, each followed by a comma.
fn other_routes(options: &ArtifactOptions) -> String {
    options
        .route_latency_objectives
        .iter()
        .map(|route| format!("http_route!=\"{}\",", route.route))
        .collect()
}

/// The share of requests of the selected routes slower than `seconds` over `window`.
fn slow_ratio(bucket: &str, count: &str, seconds: &str, routes: &str, window: &str) -> String {
    let routes_only = routes.trim_end_matches(',');
    let count = if routes_only.is_empty() {
        count.to_owned()
    } else {
        format!("{count}{{{routes_only}}}")
    };
    format!(
        "1 - (sum by (job, http_route) (rate({bucket}{{{routes}le=\"{seconds}\"}}[{window}])) / sum by (job, http_route) (rate({count}[{window}])))"
    )
}

/// The recording rules: the expressions the alerts and dashboards share.
pub fn recording_rules(options: &ArtifactOptions) -> String {
    let duration = options.metric(prom::HTTP_SERVER_REQUEST_DURATION);
    let count = format!("{duration}_count");
    let bucket = format!("{duration}_bucket");
    let objective = num(options.latency_objective_seconds);
    let mut rules = Vec::new();
    for window in ["5m", "30m", "1h", "6h"] {
        rules.push((
            format!("job:http_server_requests:rate{window}"),
            format!("sum by (job) (rate({count}[{window}]))"),
        ));
        rules.push((
            format!("job:http_server_errors:rate{window}"),
            format!("sum by (job) (rate({count}{{{FAILED}}}[{window}]))"),
        ));
        rules.push((
            format!("job:http_server_error_ratio:rate{window}"),
            format!("job:http_server_errors:rate{window} / job:http_server_requests:rate{window}"),
        ));
        // The default objective for every route without one of its own ...
        let others = other_routes(options);
        rules.push((
            format!("job_route:http_server_slow_ratio:rate{window}"),
            slow_ratio(&bucket, &count, &objective, &others, window),
        ));
        // ... and each route's own.
        for route in &options.route_latency_objectives {
            let only = format!("http_route=\"{}\",", route.route);
            rules.push((
                format!("job_route:http_server_slow_ratio:rate{window}"),
                slow_ratio(&bucket, &count, &num(route.seconds), &only, window),
            ));
        }
    }
    for quantile in ["50", "95", "99"] {
        rules.push((
            format!("job:http_server_request_duration_seconds:p{quantile}_5m"),
            format!("histogram_quantile(0.{quantile}, sum by (job, le) (rate({bucket}[5m])))"),
        ));
        rules.push((
            format!("job_route:http_server_request_duration_seconds:p{quantile}_5m"),
            format!("histogram_quantile(0.{quantile}, sum by (job, http_route, le) (rate({bucket}[5m])))"),
        ));
    }
    let mut yaml = String::from(HEADER);
    yaml.push_str("groups:\n  - name: tower-monitoring-recording\n    rules:\n");
    for (record, expr) in rules {
        let _ = write!(
            yaml,
            "      - record: {record}\n        expr: |-\n          {expr}\n"
        );
    }
    yaml
}

struct Alert {
    name: &'static str,
    expr: String,
    for_: &'static str,
    severity: &'static str,
    summary: &'static str,
    description: String,
    runbook: &'static str,
}

/// The alerting rules, each with severity, summary, description and a runbook note.
pub fn alert_rules(options: &ArtifactOptions) -> String {
    let job = &options.job;
    let rate_of = |metric: &str, by: &str, filter: &str, window: &str| {
        let filter = if filter.is_empty() {
            String::new()
        } else {
            format!("{{{filter}}}")
        };
        format!(
            "sum by ({by}) (rate({}{filter}[{window}]))",
            options.metric(metric)
        )
    };
    // Of a duration histogram: the share of its observations that failed.
    let failure_ratio = |histogram: &str, by: &str, window: &str| {
        let count = format!("{histogram}_count");
        format!(
            "{} / {}",
            rate_of(&count, by, FAILED, window),
            rate_of(&count, by, "", window)
        )
    };
    let budget = 1.0 - options.availability_objective;
    let latency_budget = 1.0 - options.latency_objective;
    let others = other_routes(options);
    let others = others.trim_end_matches(',');
    let ratio = |window: &str, routes: &str| {
        if routes.is_empty() {
            format!("job_route:http_server_slow_ratio:rate{window}")
        } else {
            format!("job_route:http_server_slow_ratio:rate{window}{{{routes}}}")
        }
    };
    let alerts = vec![
        Alert {
            name: "ServiceDown",
            expr: format!("up{{job=\"{job}\"}} == 0"),
            for_: "1m",
            severity: "critical",
            summary: "An instance of the service is down",
            description: "{{ $labels.instance }} has not answered Prometheus's scrapes for a minute.".into(),
            runbook: "Check the process and its host; look at its last logs for a panic or an OOM kill.",
        },
        Alert {
            name: "NoActiveInstances",
            expr: format!("sum(up{{job=\"{job}\"}}) == 0 or absent(up{{job=\"{job}\"}})"),
            for_: "1m",
            severity: "critical",
            summary: "No instance of the service is up",
            description: format!("Prometheus sees no live target of job {job}."),
            runbook: "The whole service is unavailable: check the deployment and service discovery.",
        },
        Alert {
            name: "HighErrorRate",
            expr: format!("job:http_server_error_ratio:rate5m > {}", num(options.error_ratio_warning)),
            for_: "5m",
            severity: "warning",
            summary: "More requests than usual fail",
            description: format!(
                "{{{{ $value | humanizePercentage }}}} of requests failed over 5 minutes (threshold {}).",
                num(options.error_ratio_warning)
            ),
            runbook: "Find the failing routes on the HTTP routes dashboard, then their traces in Jaeger.",
        },
        Alert {
            name: "HighErrorRate",
            expr: format!("job:http_server_error_ratio:rate5m > {}", num(options.error_ratio_critical)),
            for_: "2m",
            severity: "critical",
            summary: "Many requests fail",
            description: format!(
                "{{{{ $value | humanizePercentage }}}} of requests failed over 5 minutes (threshold {}).",
                num(options.error_ratio_critical)
            ),
            runbook: "Roll back a recent deploy or fail over; then find the cause on the HTTP routes dashboard.",
        },
        Alert {
            name: "HighLatencyP95",
            expr: format!("job:http_server_request_duration_seconds:p95_5m > {}", num(options.latency_p95_seconds)),
            for_: "5m",
            severity: "warning",
            summary: "Requests are slow (p95)",
            description: "The 95th percentile of request duration is {{ $value | humanizeDuration }}.".into(),
            runbook: "Open the slowest routes, then the time spent per dependency on the dependencies dashboard.",
        },
        Alert {
            name: "HighLatencyP99",
            expr: format!("job:http_server_request_duration_seconds:p99_5m > {}", num(options.latency_p99_seconds)),
            for_: "5m",
            severity: "critical",
            summary: "Requests are very slow (p99)",
            description: "The 99th percentile of request duration is {{ $value | humanizeDuration }}.".into(),
            runbook: "Look for saturation (in-flight, CPU, pool use) and for a slow dependency.",
        },
        Alert {
            name: "SlowDatabaseQueries",
            expr: format!(
                "histogram_quantile(0.95, sum by (job, db_operation_name, db_collection_name, le) (rate({}_bucket[5m]))) > 0.5",
                options.metric(prom::DB_CLIENT_OPERATION_DURATION)
            ),
            for_: "5m",
            severity: "warning",
            summary: "Database operations are slow",
            description: "p95 of {{ $labels.db_operation_name }} on {{ $labels.db_collection_name }} is {{ $value | humanizeDuration }}.".into(),
            runbook: "Check the query plan and indexes of that table, and the pool's use.",
        },
        Alert {
            name: "LowCacheHitRate",
            expr: format!(
                "{} / {} < 0.8",
                rate_of(prom::CACHE_LOOKUPS, "job, cache_name", r#"cache_result="hit""#, "10m"),
                rate_of(prom::CACHE_LOOKUPS, "job, cache_name", "", "10m")
            ),
            for_: "10m",
            severity: "warning",
            summary: "The cache misses too often",
            description: "Cache {{ $labels.cache_name }} hits {{ $value | humanizePercentage }} of lookups.".into(),
            runbook: "Check the cache size and expiry, and whether keys vary needlessly.",
        },
        Alert {
            name: "PlatformApiErrors",
            expr: format!("{} > 0.05", failure_ratio(prom::HTTP_CLIENT_REQUEST_DURATION, "job, platform_name", "5m")),
            for_: "5m",
            severity: "warning",
            summary: "A third-party platform fails",
            description: "{{ $value | humanizePercentage }} of calls to {{ $labels.platform_name }} failed over 5 minutes.".into(),
            runbook: "Check the platform's status page; error_type tells timeouts, connection errors and 429 apart.",
        },
        Alert {
            name: "HighMemoryUsage",
            expr: format!("{} > 0.8", options.metric(prom::PROCESS_MEMORY_UTILIZATION)),
            for_: "5m",
            severity: "warning",
            summary: "The process is close to its memory limit",
            description: "{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its memory limit.".into(),
            runbook: "Look for a leak (memory rising steadily) or raise the limit.",
        },
        Alert {
            name: "HighCpuUsage",
            expr: format!("{} > 0.8", options.metric(prom::PROCESS_CPU_UTILIZATION)),
            for_: "10m",
            severity: "warning",
            summary: "The process uses most of its CPUs",
            description: "{{ $labels.instance }} uses {{ $value | humanizePercentage }} of all CPUs.".into(),
            runbook: "Scale out, or profile the busiest routes.",
        },
        Alert {
            name: "LowDiskSpace",
            expr: format!("{} > 0.9", options.metric(prom::SYSTEM_FILESYSTEM_UTILIZATION)),
            for_: "10m",
            severity: "warning",
            summary: "The disk is almost full",
            description: "The filesystem of {{ $labels.instance }} is {{ $value | humanizePercentage }} full.".into(),
            runbook: "Free space (logs, temporary files) or grow the volume.",
        },
        Alert {
            name: "InFlightSaturation",
            expr: format!(
                "sum by (job, instance) ({}) > {}",
                options.metric(prom::HTTP_SERVER_ACTIVE_REQUESTS),
                num(options.in_flight_limit)
            ),
            for_: "5m",
            severity: "warning",
            summary: "Requests pile up",
            description: "{{ $labels.instance }} serves {{ $value }} requests at once.".into(),
            runbook: "Requests wait on something: check dependencies' latency and pool use, then scale out.",
        },
        Alert {
            name: "ToolFailureRate",
            expr: format!("{} > 0.1", failure_ratio(prom::TOOL_EXECUTION_DURATION, "job, tool_name", "10m")),
            for_: "10m",
            severity: "warning",
            summary: "A tool fails often",
            description: "Tool {{ $labels.tool_name }} failed {{ $value | humanizePercentage }} of its executions.".into(),
            runbook: "Open the tool's failing spans in Jaeger; error_type names the error.",
        },
        Alert {
            name: "WorkflowFailureRate",
            expr: format!("{} > 0.1", failure_ratio(prom::WORKFLOW_STEP_DURATION, "job, workflow_name, workflow_step", "10m")),
            for_: "10m",
            severity: "warning",
            summary: "A workflow step fails often",
            description: "Step {{ $labels.workflow_step }} of {{ $labels.workflow_name }} failed {{ $value | humanizePercentage }} of the time.".into(),
            runbook: "Open the step's failing spans in Jaeger.",
        },
        Alert {
            name: "JobFailureRate",
            expr: format!("{} > 0.1", failure_ratio(prom::JOB_DURATION, "job, job_name", "10m")),
            for_: "10m",
            severity: "warning",
            summary: "A background job fails often",
            description: "Job {{ $labels.job_name }} failed {{ $value | humanizePercentage }} of its runs.".into(),
            runbook: "Check the job's logs and its dependencies.",
        },
        Alert {
            name: "ErrorBudgetBurn",
            expr: format!(
                "job:http_server_error_ratio:rate1h > {fast} and job:http_server_error_ratio:rate5m > {fast}",
                fast = num(14.4 * budget)
            ),
            for_: "2m",
            severity: "critical",
            summary: "The availability error budget burns fast",
            description: format!(
                "At this rate the 30-day error budget of the {} availability objective is gone in about 2 days.",
                num(options.availability_objective)
            ),
            runbook: "Treat as an outage: find the failing routes and roll back or fail over.",
        },
        Alert {
            name: "ErrorBudgetBurn",
            expr: format!(
                "job:http_server_error_ratio:rate6h > {slow} and job:http_server_error_ratio:rate30m > {slow}",
                slow = num(6.0 * budget)
            ),
            for_: "15m",
            severity: "warning",
            summary: "The availability error budget burns",
            description: format!(
                "At this rate the 30-day error budget of the {} availability objective is gone in about 5 days.",
                num(options.availability_objective)
            ),
            runbook: "Plan a fix this week; the HTTP routes dashboard shows where the errors come from.",
        },
        Alert {
            name: "LatencyBudgetBurn",
            expr: format!(
                "{} > {fast} and {} > {fast}",
                ratio("1h", others),
                ratio("5m", others),
                fast = num(14.4 * latency_budget)
            ),
            for_: "2m",
            severity: "critical",
            summary: "A route's latency budget burns fast",
            description: format!(
                "{{{{ $labels.http_route }}}}: more than {} of requests take over {} s.",
                num(14.4 * latency_budget),
                num(options.latency_objective_seconds)
            ),
            runbook: "Find what the route waits on in its traces; check its dependencies.",
        },
        Alert {
            name: "LatencyBudgetBurn",
            expr: format!(
                "{} > {slow} and {} > {slow}",
                ratio("6h", others),
                ratio("30m", others),
                slow = num(6.0 * latency_budget)
            ),
            for_: "15m",
            severity: "warning",
            summary: "A route's latency budget burns",
            description: format!(
                "{{{{ $labels.http_route }}}}: more than {} of requests take over {} s.",
                num(6.0 * latency_budget),
                num(options.latency_objective_seconds)
            ),
            runbook: "Plan the fix; the slowest-routes panel and the route's traces show where time goes.",
        },
    ];
    let mut alerts = alerts;
    for route in &options.route_latency_objectives {
        let only = format!("http_route=\"{}\"", route.route);
        let budget = 1.0 - route.objective;
        for (severity, for_, factor, long, short) in [
            ("critical", "2m", 14.4, "1h", "5m"),
            ("warning", "15m", 6.0, "6h", "30m"),
        ] {
            alerts.push(Alert {
                name: "LatencyBudgetBurn",
                expr: format!(
                    "{} > {threshold} and {} > {threshold}",
                    ratio(long, &only),
                    ratio(short, &only),
                    threshold = num(factor * budget)
                ),
                for_,
                severity,
                summary: "A route's latency budget burns",
                description: format!(
                    "{}: more than {} of requests take over {} s (objective {}).",
                    route.route,
                    num(factor * budget),
                    num(route.seconds),
                    num(route.objective)
                ),
                runbook: "Find what the route waits on in its traces; check its dependencies.",
            });
        }
    }
    let mut yaml = String::from(HEADER);
    yaml.push_str("groups:\n  - name: tower-monitoring-alerts\n    rules:\n");
    for alert in alerts {
        let _ = write!(
            yaml,
            "      - alert: {}\n        expr: |-\n          {}\n        for: {}\n        labels:\n          severity: {}\n        annotations:\n          summary: {}\n          description: {}\n          runbook: {}\n",
            alert.name,
            alert.expr,
            alert.for_,
            alert.severity,
            quote(alert.summary),
            quote(&alert.description),
            quote(alert.runbook),
        );
    }
    yaml
}

/// A YAML double-quoted string.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

const HEADER: &str = "# Generated by `cargo run --example gen_artifacts --features artifacts`; do not edit.\n# The metric names come from tower_monitoring::names.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_short() {
        assert_eq!(num(14.4 * 0.001), "0.0144");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(100.0), "100");
    }

    #[test]
    fn a_namespace_prefixes_every_metric() {
        let options = ArtifactOptions {
            namespace: Some("orders".into()),
            ..ArtifactOptions::default()
        };
        let rules = recording_rules(&options) + &alert_rules(&options);
        assert!(rules.contains("orders_http_server_request_duration_seconds_count"));
        assert!(
            !rules.contains("(http_server_request_duration_seconds"),
            "{rules}"
        );
    }
}
