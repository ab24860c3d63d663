//! The alerting rules: a table of rules, whose expressions and descriptions are templates
//! filled from the options, and a formatter.

use std::fmt::Write;

use super::ArtifactOptions;
use super::rule_text::{FAILED, HEADER, num, other_routes, quote};
use crate::names::alert;
use crate::names::prometheus as prom;

/// One alerting rule as written in the file. `expr` and `description` are templates: each
/// `{{name}}` is filled from [`PLACEHOLDERS`]; Prometheus's own templates (`{{ $value }}`) start
/// with a space and are left alone.
struct Alert {
    name: &'static str,
    expr: &'static str,
    for_: &'static str,
    severity: &'static str,
    summary: &'static str,
    description: &'static str,
    runbook: &'static str,
}

/// Every alert but the per-route latency objectives, which `route_alerts` adds.
const ALERTS: &[Alert] = &[
    Alert {
        name: "ServiceDown",
        expr: "up{job=\"{{job}}\"} == 0",
        for_: "1m",
        severity: "critical",
        summary: "An instance of the service is down",
        description: "{{ $labels.instance }} has not answered Prometheus's scrapes for a minute.",
        runbook: "Check the process and its host; look at its last logs for a panic or an OOM kill.",
    },
    Alert {
        name: "NoActiveInstances",
        expr: "sum(up{job=\"{{job}}\"}) == 0 or absent(up{job=\"{{job}}\"})",
        for_: "1m",
        severity: "critical",
        summary: "No instance of the service is up",
        description: "Prometheus sees no live target of job {{job}}.",
        runbook: "The whole service is unavailable: check the deployment and service discovery.",
    },
    Alert {
        name: alert::HIGH_ERROR_RATE,
        expr: "job:http_server_error_ratio:rate5m > {{error_ratio_warning}}",
        for_: "5m",
        severity: "warning",
        summary: "More requests than usual fail",
        description: "{{ $value | humanizePercentage }} of requests failed over 5 minutes (threshold {{error_ratio_warning}}).",
        runbook: "Find the failing routes on the HTTP routes dashboard, then their traces in Jaeger.",
    },
    Alert {
        name: alert::HIGH_ERROR_RATE,
        expr: "job:http_server_error_ratio:rate5m > {{error_ratio_critical}}",
        for_: "2m",
        severity: "critical",
        summary: "Many requests fail",
        description: "{{ $value | humanizePercentage }} of requests failed over 5 minutes (threshold {{error_ratio_critical}}).",
        runbook: "Roll back a recent deploy or fail over; then find the cause on the HTTP routes dashboard.",
    },
    Alert {
        name: alert::HIGH_LATENCY_P95,
        expr: "job:http_server_request_duration_seconds:p95_5m > {{latency_p95_seconds}}",
        for_: "5m",
        severity: "warning",
        summary: "Requests are slow (p95)",
        description: "The 95th percentile of request duration is {{ $value | humanizeDuration }}.",
        runbook: "Open the slowest routes, then the time spent per dependency on the dependencies dashboard.",
    },
    Alert {
        name: "HighLatencyP99",
        expr: "job:http_server_request_duration_seconds:p99_5m > {{latency_p99_seconds}}",
        for_: "5m",
        severity: "critical",
        summary: "Requests are very slow (p99)",
        description: "The 99th percentile of request duration is {{ $value | humanizeDuration }}.",
        runbook: "Look for saturation (in-flight, CPU, pool use) and for a slow dependency.",
    },
    Alert {
        name: "SlowDatabaseQueries",
        expr: "histogram_quantile(0.95, sum by (job, db_operation_name, db_collection_name, le) (rate({{db_duration}}_bucket[5m]))) > 0.5",
        for_: "5m",
        severity: "warning",
        summary: "Database operations are slow",
        description: "p95 of {{ $labels.db_operation_name }} on {{ $labels.db_collection_name }} is {{ $value | humanizeDuration }}.",
        runbook: "Check the query plan and indexes of that table, and the pool's use.",
    },
    Alert {
        name: alert::LOW_CACHE_HIT_RATE,
        expr: "sum by (job, cache_name) (rate({{cache_lookups}}{cache_result=\"hit\"}[10m])) / sum by (job, cache_name) (rate({{cache_lookups}}[10m])) < 0.8",
        for_: "10m",
        severity: "warning",
        summary: "The cache misses too often",
        description: "Cache {{ $labels.cache_name }} hits {{ $value | humanizePercentage }} of lookups.",
        runbook: "Check the cache size and expiry, and whether keys vary needlessly.",
    },
    Alert {
        name: "PlatformApiErrors",
        expr: "{{platform_failure_ratio}} > 0.05",
        for_: "5m",
        severity: "warning",
        summary: "A third-party platform fails",
        description: "{{ $value | humanizePercentage }} of calls to {{ $labels.platform_name }} failed over 5 minutes.",
        runbook: "Check the platform's status page; error_type tells timeouts, connection errors and 429 apart.",
    },
    Alert {
        name: alert::HIGH_MEMORY_USAGE,
        expr: "{{process_memory_utilization}} > 0.8",
        for_: "5m",
        severity: "warning",
        summary: "The process is close to its memory limit",
        description: "{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its memory limit.",
        runbook: "Look for a leak (memory rising steadily) or raise the limit.",
    },
    Alert {
        name: alert::HIGH_CPU_USAGE,
        expr: "{{process_cpu_utilization}} > 0.8",
        for_: "10m",
        severity: "warning",
        summary: "The process uses most of its CPUs",
        description: "{{ $labels.instance }} uses {{ $value | humanizePercentage }} of all CPUs.",
        runbook: "Scale out, or profile the busiest routes.",
    },
    Alert {
        name: alert::HIGH_DB_POOL_UTILIZATION,
        expr: "{{pool_utilization}} > 0.9",
        for_: "5m",
        severity: "critical",
        summary: "A connection pool is almost exhausted",
        description: "Pool {{ $labels.db_client_connection_pool_name }} on {{ $labels.instance }} has {{ $value | humanizePercentage }} of its connections in use.",
        runbook: "Look for slow queries holding connections (the dependencies dashboard), or raise the pool size.",
    },
    Alert {
        name: "DbPoolExhausted",
        expr: "{{pool_utilization}} >= 1",
        for_: "2m",
        severity: "critical",
        summary: "A connection pool has no free connection",
        description: "Every connection of pool {{ $labels.db_client_connection_pool_name }} on {{ $labels.instance }} is in use: new queries wait for one.",
        runbook: "Find the slow queries holding connections on the dependencies dashboard; raise the pool size only if the database has room.",
    },
    Alert {
        name: alert::HIGH_SYSTEM_LOAD,
        expr: "{{load_per_cpu}} > {{load_per_cpu_limit}}",
        for_: "10m",
        severity: "warning",
        summary: "The machine has more runnable threads than CPUs",
        description: "The 5-minute load average of {{ $labels.instance }} is {{ $value }} per logical CPU (threshold {{load_per_cpu_limit}}).",
        runbook: "Check which process wants the CPUs (this one's CPU panel, then the host); scale out or move noisy neighbours.",
    },
    Alert {
        name: "LowDiskSpace",
        expr: "{{filesystem_utilization}} > 0.9",
        for_: "10m",
        severity: "warning",
        summary: "The disk is almost full",
        description: "The filesystem of {{ $labels.instance }} is {{ $value | humanizePercentage }} full.",
        runbook: "Free space (logs, temporary files) or grow the volume.",
    },
    Alert {
        name: "CertificateExpiringSoon",
        expr: "min by (job, instance, tls_certificate_file) ({{certificate_remaining}}) < {{certificate_expiry_seconds}}",
        for_: "5m",
        severity: "critical",
        summary: "A served certificate expires soon",
        description: "{{ $labels.tls_certificate_file }} on {{ $labels.instance }} expires in {{ $value | humanizeDuration }} (threshold {{certificate_expiry_days}} days).",
        runbook: "Renew it now, then check why the renewal job (cert-manager, certbot) did not.",
    },
    Alert {
        name: "CertificateUnreadable",
        expr: "max by (job, instance, tls_certificate_file, error_type) ({{certificate_unreadable}}) == 1",
        for_: "10m",
        severity: "warning",
        summary: "A watched certificate file cannot be read",
        description: "{{ $labels.tls_certificate_file }} on {{ $labels.instance }} is {{ $labels.error_type }}: its expiry is unknown.",
        runbook: "Check the mount and the renewal job; the service's log names the file and the reason.",
    },
    Alert {
        name: "InFlightSaturation",
        expr: "sum by (job, instance) ({{active_requests}}) > {{in_flight_limit}}",
        for_: "5m",
        severity: "warning",
        summary: "Requests pile up",
        description: "{{ $labels.instance }} serves {{ $value }} requests at once.",
        runbook: "Requests wait on something: check dependencies' latency and pool use, then scale out.",
    },
    Alert {
        name: "ToolFailureRate",
        expr: "{{tool_failure_ratio}} > 0.1",
        for_: "10m",
        severity: "warning",
        summary: "A tool fails often",
        description: "Tool {{ $labels.tool_name }} failed {{ $value | humanizePercentage }} of its executions.",
        runbook: "Open the tool's failing spans in Jaeger; error_type names the error.",
    },
    Alert {
        name: "SlowToolExecutions",
        expr: "histogram_quantile(0.95, sum by (job, tool_name, le) (rate({{tool_duration}}_bucket[10m]))) > {{slow_tool_seconds}}",
        for_: "10m",
        severity: "warning",
        summary: "A tool is slow (p95)",
        description: "p95 of tool {{ $labels.tool_name }} is {{ $value | humanizeDuration }} (threshold {{slow_tool_seconds}} s).",
        runbook: "Open the tool's slowest spans in Jaeger; check what it calls.",
    },
    Alert {
        name: "ToolQueueBacklog",
        expr: "max by (job, instance, tool_name) ({{tool_queue}}) > {{tool_queue_backlog}}",
        for_: "15m",
        severity: "warning",
        summary: "Tool executions pile up in the queue",
        description: "{{ $value }} executions of {{ $labels.tool_name }} wait on {{ $labels.instance }}.",
        runbook: "Executions arrive faster than they finish: check the tool's latency and failures, then add workers.",
    },
    Alert {
        name: "JobQueueBacklog",
        expr: "max by (job, instance, job_name) ({{job_queue}}) > {{job_queue_backlog}}",
        for_: "15m",
        severity: "warning",
        summary: "Background jobs pile up in the queue",
        description: "{{ $value }} jobs {{ $labels.job_name }} wait on {{ $labels.instance }}.",
        runbook: "Jobs arrive faster than workers finish them: check job duration and failures, then add workers.",
    },
    Alert {
        name: "WorkflowFailureRate",
        expr: "{{workflow_failure_ratio}} > 0.1",
        for_: "10m",
        severity: "warning",
        summary: "A workflow step fails often",
        description: "Step {{ $labels.workflow_step }} of {{ $labels.workflow_name }} failed {{ $value | humanizePercentage }} of the time.",
        runbook: "Open the step's failing spans in Jaeger.",
    },
    Alert {
        name: "JobFailureRate",
        expr: "{{job_failure_ratio}} > 0.1",
        for_: "10m",
        severity: "warning",
        summary: "A background job fails often",
        description: "Job {{ $labels.job_name }} failed {{ $value | humanizePercentage }} of its runs.",
        runbook: "Check the job's logs and its dependencies.",
    },
    Alert {
        name: "LowSlaCompliance",
        expr: "job:http_server_sla_compliance:ratio_rate1h < {{sla_objective}}",
        for_: "5m",
        severity: "critical",
        summary: "Fewer requests than promised succeed in time",
        description: "Over the last hour {{ $value | humanizePercentage }} of requests succeeded within {{latency_objective_seconds}} s (objective {{sla_objective}}).",
        runbook: "The availability or the latency objective is broken: the error rate and latency panels say which; then the routes dashboard says where.",
    },
    Alert {
        name: "ErrorBudgetBurn",
        expr: "job:http_server_error_ratio:rate1h > {{fast_burn}} and job:http_server_error_ratio:rate5m > {{fast_burn}}",
        for_: "2m",
        severity: "critical",
        summary: "The availability error budget burns fast",
        description: "At this rate the 30-day error budget of the {{availability_objective}} availability objective is gone in about 2 days.",
        runbook: "Treat as an outage: find the failing routes and roll back or fail over.",
    },
    Alert {
        name: "ErrorBudgetBurn",
        expr: "job:http_server_error_ratio:rate6h > {{slow_burn}} and job:http_server_error_ratio:rate30m > {{slow_burn}}",
        for_: "15m",
        severity: "warning",
        summary: "The availability error budget burns",
        description: "At this rate the 30-day error budget of the {{availability_objective}} availability objective is gone in about 5 days.",
        runbook: "Plan a fix this week; the HTTP routes dashboard shows where the errors come from.",
    },
    Alert {
        name: "LatencyBudgetBurn",
        expr: "{{slow_ratio_1h}} > {{fast_latency_burn}} and {{slow_ratio_5m}} > {{fast_latency_burn}}",
        for_: "2m",
        severity: "critical",
        summary: "A route's latency budget burns fast",
        description: "{{ $labels.http_route }}: more than {{fast_latency_burn}} of requests take over {{latency_objective_seconds}} s.",
        runbook: "Find what the route waits on in its traces; check its dependencies.",
    },
    Alert {
        name: "LatencyBudgetBurn",
        expr: "{{slow_ratio_6h}} > {{slow_latency_burn}} and {{slow_ratio_30m}} > {{slow_latency_burn}}",
        for_: "15m",
        severity: "warning",
        summary: "A route's latency budget burns",
        description: "{{ $labels.http_route }}: more than {{slow_latency_burn}} of requests take over {{latency_objective_seconds}} s.",
        runbook: "Plan the fix; the slowest-routes panel and the route's traces show where time goes.",
    },
];

/// How a placeholder's value is written from the options.
type Placeholder = fn(&ArtifactOptions) -> String;

/// What each `{{name}}` of the templates of [`ALERTS`] stands for, given the options.
const PLACEHOLDERS: &[(&str, Placeholder)] = &[
    ("job", |o| o.job.clone()),
    ("error_ratio_warning", |o| num(o.error_ratio_warning)),
    ("error_ratio_critical", |o| num(o.error_ratio_critical)),
    ("latency_p95_seconds", |o| num(o.latency_p95_seconds)),
    ("latency_p99_seconds", |o| num(o.latency_p99_seconds)),
    ("in_flight_limit", |o| num(o.in_flight_limit)),
    ("sla_objective", |o| num(o.sla_objective)),
    ("slow_tool_seconds", |o| num(o.slow_tool_seconds)),
    ("tool_queue_backlog", |o| num(o.tool_queue_backlog)),
    ("job_queue_backlog", |o| num(o.job_queue_backlog)),
    ("load_per_cpu_limit", |o| num(o.load_per_cpu)),
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
