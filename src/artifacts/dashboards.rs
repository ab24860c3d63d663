//! The Grafana dashboards, as JSON, with their PromQL written from the metric-name constants.

use serde_json::Value;

use super::ArtifactOptions;
use super::panels::{Builder, SELECTOR};
use crate::failure::{PROMQL_CANCELLED as CANCELLED, PROMQL_FAILED as FAILED};
use crate::names::prometheus as prom;

/// The seven dashboards: `(file name, dashboard JSON)`.
pub fn dashboards(options: &ArtifactOptions) -> Vec<(&'static str, Value)> {
    vec![
        ("service-overview.json", overview(options)),
        ("http-routes.json", routes(options)),
        ("dependencies.json", dependencies(options)),
        ("system-runtime.json", system(options)),
        ("tools.json", super::work_dashboards::tools(options)),
        ("jobs.json", super::work_dashboards::jobs(options)),
        ("performance-sla.json", super::work_dashboards::slo(options)),
    ]
}

/// Every PromQL expression of `dashboard`'s panels.
pub fn expressions(dashboard: &Value) -> Vec<String> {
    dashboard["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|panel| panel["targets"].as_array().into_iter().flatten())
        .filter_map(|target| target["expr"].as_str().map(str::to_owned))
        .collect()
}

fn overview(options: &ArtifactOptions) -> Value {
    let mut b = Builder::new(options);
    let count = format!("{}_count", b.m(prom::HTTP_SERVER_REQUEST_DURATION));
    let bucket = format!("{}_bucket", b.m(prom::HTTP_SERVER_REQUEST_DURATION));
    let failed = FAILED;
    b.panel(
        "Request rate",
        "timeseries",
        "reqps",
        vec![(
            format!("sum(rate({count}{{{SELECTOR}}}[$__rate_interval]))"),
            "requests/s",
        )],
    );
    b.panel("Error rate", "timeseries", "percentunit", vec![(format!("sum(rate({count}{{{SELECTOR},{failed}}}[$__rate_interval])) / sum(rate({count}{{{SELECTOR}}}[$__rate_interval]))"), "errors")]);
    b.latency_panel("Latency p50 / p95 / p99", ["0.5", "0.95", "0.99"].iter().map(|q| (format!("histogram_quantile({q}, sum by (le) (rate({bucket}{{{SELECTOR}}}[$__rate_interval])))"), *q)).collect());
    b.panel(
        "In flight",
        "timeseries",
        "short",
        vec![(
            format!(
                "sum by (instance) ({}{{{SELECTOR}}})",
                b.m(prom::HTTP_SERVER_ACTIVE_REQUESTS)
            ),
            "{{instance}}",
        )],
    );
    b.panel(
        "Open connections",
        "timeseries",
        "short",
        vec![
            (
                format!(
                    "sum by (instance) ({}{{{SELECTOR}}})",
                    b.m(prom::HTTP_SERVER_OPEN_CONNECTIONS)
                ),
                "open {{instance}}",
            ),
            (
                format!(
                    "sum(rate({}{{{SELECTOR}}}[$__rate_interval]))",
                    b.m(prom::HTTP_SERVER_CONNECTIONS)
                ),
                "accepted/s",
            ),
        ],
    );
    b.panel(
        "Instances up",
        "stat",
        "short",
        vec![(r#"sum(up{job="$job"})"#.to_owned(), "up")],
    );
    b.panel("Availability over 30 days (objective line at 99.9 %)", "stat", "percentunit", vec![(format!("1 - (sum(increase({count}{{job=\"$job\",{failed}}}[30d])) / sum(increase({count}{{job=\"$job\"}}[30d])))"), "availability")]);
    b.panel("Error budget left (30 days)", "stat", "percentunit", vec![(format!("1 - (sum(increase({count}{{job=\"$job\",{failed}}}[30d])) / sum(increase({count}{{job=\"$job\"}}[30d]))) / {}", super::rule_text::num(1.0 - options.availability_objective)), "budget left")]);
    b.panel(
        "In-process alerts firing",
        "timeseries",
        "short",
        vec![(
            format!(
                "sum by (alert_type) ({}{{{SELECTOR}}})",
                b.m(prom::MONITORING_ALERTS_ACTIVE)
            ),
            "{{alert_type}}",
        )],
    );
    b.finish(
        "tower-monitoring-overview",
        "Service overview",
        "RED metrics, latency, in-flight, connections, instances, SLO and alerts.",
        false,
    )
}

fn routes(options: &ArtifactOptions) -> Value {
    let mut b = Builder::new(options);
    let count = format!("{}_count", b.m(prom::HTTP_SERVER_REQUEST_DURATION));
    let sum = format!("{}_sum", b.m(prom::HTTP_SERVER_REQUEST_DURATION));
    let bucket = format!("{}_bucket", b.m(prom::HTTP_SERVER_REQUEST_DURATION));
    let sel = format!(r#"{SELECTOR},http_route=~"$route""#);
    b.panel(
        "Rate by route",
        "timeseries",
        "reqps",
        vec![(
            format!("sum by (http_route) (rate({count}{{{sel}}}[$__rate_interval]))"),
            "{{http_route}}",
        )],
    );
    b.panel("Errors by route and type", "timeseries", "reqps", vec![(format!("sum by (http_route, error_type) (rate({count}{{{sel},{FAILED}}}[$__rate_interval]))"), "{{http_route}} {{error_type}}")]);
    b.latency_panel(
        "Latency p50 / p95 / p99 by route",
        [("0.5", "p50 {{http_route}}"), ("0.95", "p95 {{http_route}}"), ("0.99", "p99 {{http_route}}")]
            .iter()
            .map(|(q, legend)| {
                (
                    format!("histogram_quantile({q}, sum by (http_route, le) (rate({bucket}{{{sel}}}[$__rate_interval])))"),
                    *legend,
                )
            })
            .collect(),
    );
    b.panel("Slowest 10 routes (average)", "bargauge", "s", vec![(format!("topk(10, sum by (http_route) (rate({sum}{{{sel}}}[$__range])) / sum by (http_route) (rate({count}{{{sel}}}[$__range])))"), "{{http_route}}")]);
    b.panel(
        "Most called 10 routes",
        "bargauge",
        "short",
        vec![(
            format!("topk(10, sum by (http_route) (increase({count}{{{sel}}}[$__range])))"),
            "{{http_route}}",
        )],
    );
    b.panel("Request and response body sizes (p95)", "timeseries", "bytes", vec![
        (format!("histogram_quantile(0.95, sum by (http_route, le) (rate({}_bucket{{{sel}}}[$__rate_interval])))", b.m(prom::HTTP_SERVER_REQUEST_BODY_SIZE)), "request {{http_route}}"),
        (format!("histogram_quantile(0.95, sum by (http_route, le) (rate({}_bucket{{{sel}}}[$__rate_interval])))", b.m(prom::HTTP_SERVER_RESPONSE_BODY_SIZE)), "response {{http_route}}"),
    ]);
    b.panel(
        "Cancelled requests (client gone, timeout)",
        "timeseries",
        "reqps",
        vec![(
            format!("sum by (http_route) (rate({count}{{{sel},{CANCELLED}}}[$__rate_interval]))"),
            "{{http_route}}",
        )],
    );
    b.finish(
        "tower-monitoring-routes",
        "HTTP routes",
        "Per-route rate, errors, latency, sizes and cancellations.",
        true,
    )
}

fn dependencies(options: &ArtifactOptions) -> Value {
    let mut b = Builder::new(options);
    let db = b.m(prom::DB_CLIENT_OPERATION_DURATION);
    let platform = b.m(prom::HTTP_CLIENT_REQUEST_DURATION);
    let lookups = b.m(prom::CACHE_LOOKUPS);
    b.panel("Database operations by operation and table", "timeseries", "ops", vec![(format!("sum by (db_operation_name, db_collection_name) (rate({db}_count{{{SELECTOR}}}[$__rate_interval]))"), "{{db_operation_name}} {{db_collection_name}}")]);
    b.latency_panel("Database p95 by operation and table", vec![(format!("histogram_quantile(0.95, sum by (db_operation_name, db_collection_name, le) (rate({db}_bucket{{{SELECTOR}}}[$__rate_interval])))"), "{{db_operation_name}} {{db_collection_name}}")]);
    b.panel("Cache hit ratio by cache", "timeseries", "percentunit", vec![(format!("sum by (cache_name) (rate({lookups}{{{SELECTOR},cache_result=\"hit\"}}[$__rate_interval])) / sum by (cache_name) (rate({lookups}{{{SELECTOR}}}[$__rate_interval]))"), "{{cache_name}}")]);
    b.panel("Platform calls and errors", "timeseries", "reqps", vec![
        (format!("sum by (platform_name, platform_endpoint) (rate({platform}_count{{{SELECTOR}}}[$__rate_interval]))"), "{{platform_name}} {{platform_endpoint}}"),
        (format!("sum by (platform_name, error_type) (rate({platform}_count{{{SELECTOR},{FAILED}}}[$__rate_interval]))"), "errors {{platform_name}} {{error_type}}"),
    ]);
    b.latency_panel("Platform p95 by platform and endpoint", vec![(format!("histogram_quantile(0.95, sum by (platform_name, platform_endpoint, le) (rate({platform}_bucket{{{SELECTOR}}}[$__rate_interval])))"), "{{platform_name}} {{platform_endpoint}}")]);
    b.panel(
        "Time per inbound route spent in dependencies",
        "timeseries",
        "s",
        vec![
            (
                format!("sum by (http_route) (rate({db}_sum{{{SELECTOR}}}[$__rate_interval]))"),
                "database {{http_route}}",
            ),
            (
                format!(
                    "sum by (http_route) (rate({platform}_sum{{{SELECTOR}}}[$__rate_interval]))"
                ),
                "platform {{http_route}}",
            ),
        ],
    );
    b.panel("Tools, workflow steps and jobs", "timeseries", "ops", vec![
        (format!("sum by (tool_name) (rate({}_count{{{SELECTOR}}}[$__rate_interval]))", b.m(prom::TOOL_EXECUTION_DURATION)), "tool {{tool_name}}"),
        (format!("sum by (workflow_name, workflow_step) (rate({}_count{{{SELECTOR}}}[$__rate_interval]))", b.m(prom::WORKFLOW_STEP_DURATION)), "{{workflow_name}} {{workflow_step}}"),
        (format!("sum by (job_name) (rate({}_count{{{SELECTOR}}}[$__rate_interval]))", b.m(prom::JOB_DURATION)), "job {{job_name}}"),
    ]);
    b.panel("Connection pool use", "timeseries", "percentunit", vec![(format!("sum by (db_client_connection_pool_name) ({}{{{SELECTOR},db_client_connection_state=\"used\"}}) / sum by (db_client_connection_pool_name) ({}{{{SELECTOR}}})", b.m(prom::DB_CLIENT_CONNECTION_COUNT), b.m(prom::DB_CLIENT_CONNECTION_MAX)), "{{db_client_connection_pool_name}}")]);
    b.finish(
        "tower-monitoring-dependencies",
        "Dependencies",
        "Database, cache, platform APIs, tools, workflows, jobs and pools.",
        false,
    )
}

/// A panel of the system dashboard: title, kind, unit, and its series as (metric, extra
/// label matchers, legend), each shown per instance as the service exports it.
type GaugePanel = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);

const SYSTEM_PANELS: &[GaugePanel] = &[
    (
        "CPU",
        "timeseries",
        "percentunit",
        &[
            (prom::PROCESS_CPU_UTILIZATION, "", "process {{instance}}"),
            (prom::SYSTEM_CPU_UTILIZATION, "", "machine {{instance}}"),
        ],
    ),
    (
        "Load average and logical CPUs",
        "timeseries",
        "short",
        &[
            (prom::SYSTEM_CPU_LOAD_AVERAGE_1M, "", "1m {{instance}}"),
            (prom::SYSTEM_CPU_LOAD_AVERAGE_5M, "", "5m {{instance}}"),
            (prom::SYSTEM_CPU_LOAD_AVERAGE_15M, "", "15m {{instance}}"),
            (prom::SYSTEM_CPU_LOGICAL_CPUS, "", "CPUs {{instance}}"),
        ],
    ),
    (
        "Memory",
        "timeseries",
        "bytes",
        &[
            (prom::PROCESS_MEMORY_USAGE, "", "resident {{instance}}"),
            (
                prom::SYSTEM_MEMORY_USAGE,
                ",system_memory_state=\"used\"",
                "machine used {{instance}}",
            ),
        ],
    ),
    (
        "Memory against the limit",
        "timeseries",
        "percentunit",
        &[(prom::PROCESS_MEMORY_UTILIZATION, "", "{{instance}}")],
    ),
    (
        "Threads and file descriptors",
        "timeseries",
        "short",
        &[
            (prom::PROCESS_THREAD_COUNT, "", "threads {{instance}}"),
            (
                prom::PROCESS_OPEN_FILE_DESCRIPTOR_COUNT,
                "",
                "descriptors {{instance}}",
            ),
        ],
    ),
    (
        "Disk",
        "timeseries",
        "percentunit",
        &[(prom::SYSTEM_FILESYSTEM_UTILIZATION, "", "{{instance}}")],
    ),
    (
        "Tokio runtime",
        "timeseries",
        "short",
        &[
            (prom::RUNTIME_TOKIO_WORKERS, "", "workers {{instance}}"),
            (
                prom::RUNTIME_TOKIO_ALIVE_TASKS,
                "",
                "alive tasks {{instance}}",
            ),
            (
                prom::RUNTIME_TOKIO_GLOBAL_QUEUE_DEPTH,
                "",
                "global queue {{instance}}",
            ),
        ],
    ),
    (
        "Uptime",
        "stat",
        "s",
        &[(prom::PROCESS_UPTIME, "", "{{instance}}")],
    ),
];

fn system(options: &ArtifactOptions) -> Value {
    let mut b = Builder::new(options);
    for (title, kind, unit, series) in SYSTEM_PANELS {
        let queries = series
            .iter()
            .map(|(metric, matchers, legend)| {
                (format!("{}{{{SELECTOR}{matchers}}}", b.m(metric)), *legend)
            })
            .collect();
        b.panel(title, kind, unit, queries);
    }
    b.finish(
        "tower-monitoring-system",
        "System and runtime",
        "Process and machine CPU, load, memory, threads, descriptors, disk and the tokio runtime.",
        false,
    )
}
