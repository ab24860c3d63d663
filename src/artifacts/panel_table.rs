//! The table of dashboards and their panels: what each panel shows, as data. Titles and
//! expressions are templates filled by `dashboards.rs`: each `<name>` is a placeholder
//! (`<sel>`, `<failed>`, `<availability_objective>`, ...) or a metric's OpenTelemetry name
//! (`<http.server.request.duration>`), written as Prometheus names it, namespace included.
//! Legends are Grafana's own templates (`{{http_route}}`) and are left alone.

/// How a panel draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A time series, half the dashboard wide.
    Series,
    /// A time series of durations, linked to the service's traces in Jaeger.
    Latency,
    /// One figure.
    Stat,
    /// Bars, for top-k lists.
    Bars,
}

/// One panel: its title, kind, unit, and its queries as (expression, legend).
pub(super) struct Panel {
    pub(super) title: &'static str,
    pub(super) kind: Kind,
    pub(super) unit: &'static str,
    pub(super) queries: &'static [(&'static str, &'static str)],
}

/// One dashboard and its panels, in grid order.
pub(super) struct Dashboard {
    pub(super) file: &'static str,
    pub(super) uid: &'static str,
    pub(super) title: &'static str,
    pub(super) description: &'static str,
    /// Whether it has a `route` variable (`<route_sel>` reads it).
    pub(super) with_route: bool,
    pub(super) panels: &'static [Panel],
}

const fn panel(
    title: &'static str,
    kind: Kind,
    unit: &'static str,
    queries: &'static [(&'static str, &'static str)],
) -> Panel {
    Panel {
        title,
        kind,
        unit,
        queries,
    }
}

use Kind::{Bars, Latency, Series, Stat};

/// Every dashboard, in the order of its file in `dashboards/`.
pub(super) const DASHBOARDS: &[Dashboard] = &[
    Dashboard {
        file: "service-overview.json",
        uid: "tower-monitoring-overview",
        title: "Service overview",
        description: "RED metrics, latency, in-flight, connections, instances, SLO and alerts.",
        with_route: false,
        panels: OVERVIEW,
    },
    Dashboard {
        file: "http-routes.json",
        uid: "tower-monitoring-routes",
        title: "HTTP routes",
        description: "Per-route rate, errors, latency, sizes, cancellations, time to first byte and streams.",
        with_route: true,
        panels: ROUTES,
    },
    Dashboard {
        file: "dependencies.json",
        uid: "tower-monitoring-dependencies",
        title: "Dependencies",
        description: "Database, cache, platform APIs, tools, workflows, jobs and pools.",
        with_route: false,
        panels: DEPENDENCIES,
    },
    Dashboard {
        file: "system-runtime.json",
        uid: "tower-monitoring-system",
        title: "System and runtime",
        description: "Process and machine CPU, load, memory, threads, descriptors, disk and the tokio runtime.",
        with_route: false,
        panels: SYSTEM,
    },
    Dashboard {
        file: "tools.json",
        uid: "tower-monitoring-tools",
        title: "Tools",
        description: "Tool executions: rate, success, latency, running and waiting, slowest, busiest, failures.",
        with_route: false,
        panels: TOOLS,
    },
    Dashboard {
        file: "jobs.json",
        uid: "tower-monitoring-jobs",
        title: "Background jobs and queues",
        description: "Jobs by name and outcome, duration, queue length and jobs in progress.",
        with_route: false,
        panels: JOBS,
    },
    Dashboard {
        file: "grpc.json",
        uid: "tower-monitoring-grpc",
        title: "gRPC",
        description: "gRPC calls served and made: rate, status codes, errors, latency, active calls and messages per call.",
        with_route: false,
        panels: GRPC,
    },
    Dashboard {
        file: "performance-sla.json",
        uid: "tower-monitoring-slo",
        title: "Performance and SLA",
        description: "Availability and latency objectives per route, SLA compliance, violations, error budget and capacity.",
        with_route: false,
        panels: SLO,
    },
];

const OVERVIEW: &[Panel] = &[
    panel(
        "Request rate",
        Series,
        "reqps",
        &[(
            "sum(rate(<http.server.request.duration>_count{<sel>}[$__rate_interval]))",
            "requests/s",
        )],
    ),
    panel(
        "Error rate",
        Series,
        "percentunit",
        &[(
            "sum(rate(<http.server.request.duration>_count{<sel>,<failed>}[$__rate_interval])) / sum(rate(<http.server.request.duration>_count{<sel>}[$__rate_interval]))",
            "errors",
        )],
    ),
    panel(
        "Latency p50 / p95 / p99",
        Latency,
        "s",
        &[
            (
                "histogram_quantile(0.5, sum by (le) (rate(<http.server.request.duration>_bucket{<sel>}[$__rate_interval])))",
                "0.5",
            ),
            (
                "histogram_quantile(0.95, sum by (le) (rate(<http.server.request.duration>_bucket{<sel>}[$__rate_interval])))",
                "0.95",
            ),
            (
                "histogram_quantile(0.99, sum by (le) (rate(<http.server.request.duration>_bucket{<sel>}[$__rate_interval])))",
                "0.99",
            ),
        ],
    ),
    panel(
        "In flight",
        Series,
        "short",
        &[(
            "sum by (instance) (<http.server.active_requests>{<sel>})",
            "{{instance}}",
        )],
    ),
    panel(
        "Open connections",
        Series,
        "short",
        &[
            (
                "sum by (instance) (<http.server.open_connections>{<sel>})",
                "open {{instance}}",
            ),
            (
                "sum(rate(<http.server.connections>{<sel>}[$__rate_interval]))",
                "accepted/s",
            ),
        ],
    ),
    panel(
        "Instances up",
        Stat,
        "short",
        &[(r#"sum(up{job="$job"})"#, "up")],
    ),
    panel(
        "Availability over 30 days (objective line at 99.9 %)",
        Stat,
        "percentunit",
        &[(
            r#"1 - (sum(increase(<http.server.request.duration>_count{job="$job",<failed>}[30d])) / sum(increase(<http.server.request.duration>_count{job="$job"}[30d])))"#,
            "availability",
        )],
    ),
    panel(
        "Error budget left (30 days)",
        Stat,
        "percentunit",
        &[(
            r#"1 - (sum(increase(<http.server.request.duration>_count{job="$job",<failed>}[30d])) / sum(increase(<http.server.request.duration>_count{job="$job"}[30d]))) / <error_budget>"#,
            "budget left",
        )],
    ),
    panel(
        "In-process alerts firing",
        Series,
        "short",
        &[(
            "sum by (alert_type) (<monitoring.alerts.active>{<sel>})",
            "{{alert_type}}",
        )],
    ),
];

const GRPC: &[Panel] = &[
    panel(
        "Calls served by method",
        Series,
        "reqps",
        &[(
            "sum by (rpc_method) (rate(<rpc.server.call.duration>_count{<sel>}[$__rate_interval]))",
            "{{rpc_method}}",
        )],
    ),
    panel(
        "Error ratio (server's own failures)",
        Series,
        "percentunit",
        &[(
            "sum(rate(<rpc.server.call.duration>_count{<sel>,<failed>}[$__rate_interval])) / sum(rate(<rpc.server.call.duration>_count{<sel>}[$__rate_interval]))",
            "errors",
        )],
    ),
    panel(
        "Status codes",
        Series,
        "reqps",
        &[(
            "sum by (rpc_response_status_code) (rate(<rpc.server.call.duration>_count{<sel>}[$__rate_interval]))",
            "{{rpc_response_status_code}}",
        )],
    ),
    panel(
        "Latency p50 / p95 / p99",
        Latency,
        "s",
        &[
            (
                "histogram_quantile(0.5, sum by (le) (rate(<rpc.server.call.duration>_bucket{<sel>}[$__rate_interval])))",
                "0.5",
            ),
            (
                "histogram_quantile(0.95, sum by (le) (rate(<rpc.server.call.duration>_bucket{<sel>}[$__rate_interval])))",
                "0.95",
            ),
            (
                "histogram_quantile(0.99, sum by (le) (rate(<rpc.server.call.duration>_bucket{<sel>}[$__rate_interval])))",
                "0.99",
            ),
        ],
    ),
    panel(
        "Latency p95 by method",
        Latency,
        "s",
        &[(
            "histogram_quantile(0.95, sum by (rpc_method, le) (rate(<rpc.server.call.duration>_bucket{<sel>}[$__rate_interval])))",
            "{{rpc_method}}",
        )],
    ),
    panel(
        "Errors by method and type",
        Series,
        "reqps",
        &[(
            "sum by (rpc_method, error_type) (rate(<rpc.server.call.duration>_count{<sel>,<failed>}[$__rate_interval]))",
            "{{rpc_method}} {{error_type}}",
        )],
    ),
    panel(
        "Active calls",
        Series,
        "short",
        &[
            (
                "sum by (instance) (<rpc.server.active_calls>{<sel>})",
                "served {{instance}}",
            ),
            (
                "sum by (instance) (<rpc.client.active_calls>{<sel>})",
                "made {{instance}}",
            ),
        ],
    ),
    panel(
        "Messages per call (streams)",
        Series,
        "short",
        &[
            (
                "sum by (rpc_method) (rate(<rpc.server.call.received_messages>_sum{<sel>}[$__rate_interval])) / sum by (rpc_method) (rate(<rpc.server.call.received_messages>_count{<sel>}[$__rate_interval]))",
                "received {{rpc_method}}",
            ),
            (
                "sum by (rpc_method) (rate(<rpc.server.call.sent_messages>_sum{<sel>}[$__rate_interval])) / sum by (rpc_method) (rate(<rpc.server.call.sent_messages>_count{<sel>}[$__rate_interval]))",
                "sent {{rpc_method}}",
            ),
        ],
    ),
    panel(
        "Calls made by server and code",
        Series,
        "reqps",
        &[(
            "sum by (server_address, rpc_response_status_code) (rate(<rpc.client.call.duration>_count{<sel>}[$__rate_interval]))",
            "{{server_address}} {{rpc_response_status_code}}",
        )],
    ),
    panel(
        "Calls made: latency p95 by method",
        Latency,
        "s",
        &[(
            "histogram_quantile(0.95, sum by (rpc_method, le) (rate(<rpc.client.call.duration>_bucket{<sel>}[$__rate_interval])))",
            "{{rpc_method}}",
        )],
    ),
];

const ROUTES: &[Panel] = &[
    panel(
        "Rate by route",
        Series,
        "reqps",
        &[(
            "sum by (http_route) (rate(<http.server.request.duration>_count{<route_sel>}[$__rate_interval]))",
            "{{http_route}}",
        )],
    ),
    panel(
        "Errors by route and type",
        Series,
        "reqps",
        &[(
            "sum by (http_route, error_type) (rate(<http.server.request.duration>_count{<route_sel>,<failed>}[$__rate_interval]))",
            "{{http_route}} {{error_type}}",
        )],
    ),
    panel(
        "Latency p50 / p95 / p99 by route",
        Latency,
        "s",
        &[
            (
                "histogram_quantile(0.5, sum by (http_route, le) (rate(<http.server.request.duration>_bucket{<route_sel>}[$__rate_interval])))",
                "p50 {{http_route}}",
            ),
            (
                "histogram_quantile(0.95, sum by (http_route, le) (rate(<http.server.request.duration>_bucket{<route_sel>}[$__rate_interval])))",
                "p95 {{http_route}}",
            ),
            (
                "histogram_quantile(0.99, sum by (http_route, le) (rate(<http.server.request.duration>_bucket{<route_sel>}[$__rate_interval])))",
                "p99 {{http_route}}",
            ),
        ],
    ),
    panel(
        "Slowest 10 routes (average)",
        Bars,
        "s",
        &[(
            "topk(10, sum by (http_route) (rate(<http.server.request.duration>_sum{<route_sel>}[$__range])) / sum by (http_route) (rate(<http.server.request.duration>_count{<route_sel>}[$__range])))",
            "{{http_route}}",
        )],
    ),
    panel(
        "Most called 10 routes",
        Bars,
        "short",
        &[(
            "topk(10, sum by (http_route) (increase(<http.server.request.duration>_count{<route_sel>}[$__range])))",
            "{{http_route}}",
        )],
    ),
    panel(
        "Request and response body sizes (p95)",
        Series,
        "bytes",
        &[
            (
                "histogram_quantile(0.95, sum by (http_route, le) (rate(<http.server.request.body.size>_bucket{<route_sel>}[$__rate_interval])))",
                "request {{http_route}}",
            ),
            (
                "histogram_quantile(0.95, sum by (http_route, le) (rate(<http.server.response.body.size>_bucket{<route_sel>}[$__rate_interval])))",
                "response {{http_route}}",
            ),
        ],
    ),
    panel(
        "Cancelled requests (client gone, timeout)",
        Series,
        "reqps",
        &[(
            "sum by (http_route) (rate(<http.server.request.duration>_count{<route_sel>,<cancelled>}[$__rate_interval]))",
            "{{http_route}}",
        )],
    ),
    panel(
        "Time to first byte p95 by route (streams included)",
        Latency,
        "s",
        &[(
            "histogram_quantile(0.95, sum by (http_route, le) (rate(<http.server.time_to_first_byte>_bucket{<route_sel>}[$__rate_interval])))",
            "{{http_route}}",
        )],
    ),
    panel(
        "Streams open and ended (events, WebSockets)",
        Series,
        "short",
        &[
            (
                "sum by (instance) (<http.server.active_streams>{<sel>})",
                "open {{instance}}",
            ),
            (
                "sum by (http_route) (rate(<http.server.stream.duration>_count{<route_sel>}[$__rate_interval]))",
                "ended/s {{http_route}}",
            ),
        ],
    ),
    panel(
        "Stream duration p95 by route (outside request latency)",
        Series,
        "s",
        &[(
            "histogram_quantile(0.95, sum by (http_route, le) (rate(<http.server.stream.duration>_bucket{<route_sel>}[$__rate_interval])))",
            "{{http_route}}",
        )],
    ),
];

const DEPENDENCIES: &[Panel] = &[
    panel(
        "Database operations by operation and table",
        Series,
        "ops",
        &[(
            "sum by (db_operation_name, db_collection_name) (rate(<db.client.operation.duration>_count{<sel>}[$__rate_interval]))",
            "{{db_operation_name}} {{db_collection_name}}",
        )],
    ),
    panel(
        "Database p95 by operation and table",
        Latency,
        "s",
        &[(
            "histogram_quantile(0.95, sum by (db_operation_name, db_collection_name, le) (rate(<db.client.operation.duration>_bucket{<sel>}[$__rate_interval])))",
            "{{db_operation_name}} {{db_collection_name}}",
        )],
    ),
    panel(
        "Cache hit ratio by cache",
        Series,
        "percentunit",
        &[(
            r#"sum by (cache_name) (rate(<cache.lookups>{<sel>,cache_result="hit"}[$__rate_interval])) / sum by (cache_name) (rate(<cache.lookups>{<sel>}[$__rate_interval]))"#,
            "{{cache_name}}",
        )],
    ),
    panel(
        "Platform calls and errors",
        Series,
        "reqps",
        &[
            (
                "sum by (platform_name, platform_endpoint) (rate(<http.client.request.duration>_count{<sel>}[$__rate_interval]))",
                "{{platform_name}} {{platform_endpoint}}",
            ),
            (
                "sum by (platform_name, error_type) (rate(<http.client.request.duration>_count{<sel>,<failed>}[$__rate_interval]))",
                "errors {{platform_name}} {{error_type}}",
            ),
        ],
    ),
    panel(
        "Platform p95 by platform and endpoint",
        Latency,
        "s",
        &[(
            "histogram_quantile(0.95, sum by (platform_name, platform_endpoint, le) (rate(<http.client.request.duration>_bucket{<sel>}[$__rate_interval])))",
            "{{platform_name}} {{platform_endpoint}}",
        )],
    ),
    panel(
        "Time per inbound route spent in dependencies",
        Series,
        "s",
        &[
            (
                "sum by (http_route) (rate(<db.client.operation.duration>_sum{<sel>}[$__rate_interval]))",
                "database {{http_route}}",
            ),
            (
                "sum by (http_route) (rate(<http.client.request.duration>_sum{<sel>}[$__rate_interval]))",
                "platform {{http_route}}",
            ),
        ],
    ),
    panel(
        "Tools, workflow steps and jobs",
        Series,
        "ops",
        &[
            (
                "sum by (tool_name) (rate(<tool.execution.duration>_count{<sel>}[$__rate_interval]))",
                "tool {{tool_name}}",
            ),
            (
                "sum by (workflow_name, workflow_step) (rate(<workflow.step.duration>_count{<sel>}[$__rate_interval]))",
                "{{workflow_name}} {{workflow_step}}",
            ),
            (
                "sum by (job_name) (rate(<job.duration>_count{<sel>}[$__rate_interval]))",
                "job {{job_name}}",
            ),
        ],
    ),
    panel(
        "Connection pool use",
        Series,
        "percentunit",
        &[(
            r#"sum by (db_client_connection_pool_name) (<db.client.connection.count>{<sel>,db_client_connection_state="used"}) / sum by (db_client_connection_pool_name) (<db.client.connection.max>{<sel>})"#,
            "{{db_client_connection_pool_name}}",
        )],
    ),
];

const SYSTEM: &[Panel] = &[
    panel(
        "CPU",
        Series,
        "percentunit",
        &[
            ("<process.cpu.utilization>{<sel>}", "process {{instance}}"),
            ("<system.cpu.utilization>{<sel>}", "machine {{instance}}"),
        ],
    ),
    panel(
        "Load average and logical CPUs",
        Series,
        "short",
        &[
            ("<system.cpu.load_average.1m>{<sel>}", "1m {{instance}}"),
            ("<system.cpu.load_average.5m>{<sel>}", "5m {{instance}}"),
            ("<system.cpu.load_average.15m>{<sel>}", "15m {{instance}}"),
            ("<system.cpu.logical_cpus>{<sel>}", "CPUs {{instance}}"),
        ],
    ),
    panel(
        "Memory",
        Series,
        "bytes",
        &[
            ("<process.memory.usage>{<sel>}", "resident {{instance}}"),
            (
                r#"<system.memory.usage>{<sel>,system_memory_state="used"}"#,
                "machine used {{instance}}",
            ),
        ],
    ),
    panel(
        "Memory against the limit",
        Series,
        "percentunit",
        &[("<process.memory.utilization>{<sel>}", "{{instance}}")],
    ),
    panel(
        "Threads and file descriptors",
        Series,
        "short",
        &[
            ("<process.threads>{<sel>}", "threads {{instance}}"),
            (
                "<process.open_file_descriptors>{<sel>}",
                "descriptors {{instance}}",
            ),
        ],
    ),
    panel(
        "Disk",
        Series,
        "percentunit",
        &[("<system.filesystem.utilization>{<sel>}", "{{instance}}")],
    ),
    panel(
        "Tokio runtime",
        Series,
        "short",
        &[
            ("<runtime.tokio.workers>{<sel>}", "workers {{instance}}"),
            (
                "<runtime.tokio.alive_tasks>{<sel>}",
                "alive tasks {{instance}}",
            ),
            (
                "<runtime.tokio.global_queue_depth>{<sel>}",
                "global queue {{instance}}",
            ),
        ],
    ),
    panel(
        "Uptime",
        Stat,
        "s",
        &[("<process.uptime>{<sel>}", "{{instance}}")],
    ),
];

const TOOLS: &[Panel] = &[
    panel(
        "Executions by tool",
        Series,
        "ops",
        &[(
            "sum by (tool_name) (rate(<tool.execution.duration>_count{<sel>}[$__rate_interval]))",
            "{{tool_name}}",
        )],
    ),
    panel(
        "Success rate by tool",
        Series,
        "percentunit",
        &[(
            "sum by (tool_name) (rate(<tool.execution.duration>_count{<sel>,<not_failed>}[$__rate_interval])) / sum by (tool_name) (rate(<tool.execution.duration>_count{<sel>}[$__rate_interval]))",
            "{{tool_name}}",
        )],
    ),
    panel(
        "Latency p50 / p95 / p99 by tool",
        Latency,
        "s",
        &[
            (
                "histogram_quantile(0.5, sum by (tool_name, le) (rate(<tool.execution.duration>_bucket{<sel>}[$__rate_interval])))",
                "p50 {{tool_name}}",
            ),
            (
                "histogram_quantile(0.95, sum by (tool_name, le) (rate(<tool.execution.duration>_bucket{<sel>}[$__rate_interval])))",
                "p95 {{tool_name}}",
            ),
            (
                "histogram_quantile(0.99, sum by (tool_name, le) (rate(<tool.execution.duration>_bucket{<sel>}[$__rate_interval])))",
                "p99 {{tool_name}}",
            ),
        ],
    ),
    panel(
        "Executions in progress and waiting",
        Series,
        "short",
        &[
            (
                "sum by (tool_name) (<tool.executions.active>{<sel>})",
                "running {{tool_name}}",
            ),
            (
                "sum by (tool_name) (<tool.queue.size>{<sel>})",
                "waiting {{tool_name}}",
            ),
        ],
    ),
    panel(
        "Slowest 10 tools (average)",
        Bars,
        "s",
        &[(
            "topk(10, sum by (tool_name) (rate(<tool.execution.duration>_sum{<sel>}[$__range])) / sum by (tool_name) (rate(<tool.execution.duration>_count{<sel>}[$__range])))",
            "{{tool_name}}",
        )],
    ),
    panel(
        "Most called 10 tools",
        Bars,
        "short",
        &[(
            "topk(10, sum by (tool_name) (increase(<tool.execution.duration>_count{<sel>}[$__range])))",
            "{{tool_name}}",
        )],
    ),
    panel(
        "Failures by tool and error type",
        Series,
        "ops",
        &[(
            "sum by (tool_name, error_type) (rate(<tool.execution.duration>_count{<sel>,<failed>}[$__rate_interval]))",
            "{{tool_name}} {{error_type}}",
        )],
    ),
];

const JOBS: &[Panel] = &[
    // One series per outcome: the error type, or "done" for the runs without one.
    panel(
        "Jobs by name and outcome",
        Series,
        "ops",
        &[(
            r#"label_replace(sum by (job_name, error_type) (rate(<job.duration>_count{<sel>}[$__rate_interval])), "error_type", "done", "error_type", "")"#,
            "{{job_name}} {{error_type}}",
        )],
    ),
    panel(
        "Duration p50 / p95 / p99 by job",
        Latency,
        "s",
        &[
            (
                "histogram_quantile(0.5, sum by (job_name, le) (rate(<job.duration>_bucket{<sel>}[$__rate_interval])))",
                "p50 {{job_name}}",
            ),
            (
                "histogram_quantile(0.95, sum by (job_name, le) (rate(<job.duration>_bucket{<sel>}[$__rate_interval])))",
                "p95 {{job_name}}",
            ),
            (
                "histogram_quantile(0.99, sum by (job_name, le) (rate(<job.duration>_bucket{<sel>}[$__rate_interval])))",
                "p99 {{job_name}}",
            ),
        ],
    ),
    panel(
        "Queue length by job",
        Series,
        "short",
        &[(
            "sum by (job_name) (<job.queue.length>{<sel>})",
            "{{job_name}}",
        )],
    ),
    panel(
        "Jobs in progress",
        Series,
        "short",
        &[("sum by (job_name) (<job.active>{<sel>})", "{{job_name}}")],
    ),
];

const SLO: &[Panel] = &[
    panel(
        "Availability by route over 30d (objective <availability_objective>)",
        Bars,
        "percentunit",
        &[(
            "sum by (http_route) (increase(<http.server.request.duration>_count{<sel>,<not_failed>}[30d])) / sum by (http_route) (increase(<http.server.request.duration>_count{<sel>}[30d]))",
            "{{http_route}}",
        )],
    ),
    panel(
        "Requests within <latency_objective_seconds> s by route over 30d",
        Bars,
        "percentunit",
        &[(
            r#"sum by (http_route) (increase(<http.server.request.duration>_bucket{<sel>,le="<latency_objective_seconds>"}[30d])) / sum by (http_route) (increase(<http.server.request.duration>_count{<sel>}[30d]))"#,
            "{{http_route}}",
        )],
    ),
    panel(
        "SLA compliance, last hour (objective <sla_objective>)",
        Series,
        "percentunit",
        &[(
            r#"job:http_server_sla_compliance:ratio_rate1h{job="$job"}"#,
            "compliance",
        )],
    ),
    panel(
        "Violations: failed or slower than the objective",
        Series,
        "reqps",
        &[(
            r#"sum(rate(<http.server.request.duration>_count{<sel>,<not_cancelled>}[$__rate_interval])) - sum(rate(<http.server.request.duration>_bucket{<sel>,<succeeded>,le="<latency_objective_seconds>"}[$__rate_interval]))"#,
            "violations/s",
        )],
    ),
    panel(
        "Error budget left (30d)",
        Stat,
        "percentunit",
        &[(
            "(sum(increase(<http.server.request.duration>_count{<sel>,<not_failed>}[30d])) / sum(increase(<http.server.request.duration>_count{<sel>}[30d])) - <availability_objective>) / <error_budget>",
            "budget left",
        )],
    ),
    panel(
        "Capacity: in flight against the limit, CPU and memory used",
        Series,
        "percentunit",
        &[
            (
                "sum by (instance) (<http.server.active_requests>{<sel>}) / <in_flight_limit>",
                "in flight {{instance}}",
            ),
            (
                "max by (instance) (<process.cpu.utilization>{<sel>})",
                "CPU {{instance}}",
            ),
            (
                "max by (instance) (<process.memory.utilization>{<sel>})",
                "memory {{instance}}",
            ),
        ],
    ),
];
