//! The dashboards of the work a service does besides answering requests, and of its
//! promises: tools, background jobs and queues, and performance against the objectives.

use serde_json::Value;

use super::ArtifactOptions;
use super::panels::{Builder, SELECTOR};
use super::rule_text::num;
use crate::failure::{
    PROMQL_FAILED as FAILED, PROMQL_NOT_CANCELLED as NOT_CANCELLED,
    PROMQL_NOT_FAILED as NOT_FAILED, PROMQL_SUCCEEDED as SUCCEEDED,
};
use crate::names::prometheus as prom;

/// p50, p95 and p99 of `bucket` by `by`, each with its legend.
fn quantiles<'a>(bucket: &str, by: &str, legends: [&'a str; 3]) -> Vec<(String, &'a str)> {
    ["0.5", "0.95", "0.99"]
        .into_iter()
        .zip(legends)
        .map(|(q, legend)| {
            (
                format!("histogram_quantile({q}, sum by ({by}, le) (rate({bucket}{{{SELECTOR}}}[$__rate_interval])))"),
                legend,
            )
        })
        .collect()
}

/// Tool executions: rate, success, latency, what runs and waits, the slowest and the
/// busiest, and failures by type (guides 000, 002, 004).
pub(super) fn tools(options: &ArtifactOptions) -> Value {
    let mut b = Builder::new(options);
    let duration = b.m(prom::TOOL_EXECUTION_DURATION);
    let (count, sum, bucket) = (
        format!("{duration}_count"),
        format!("{duration}_sum"),
        format!("{duration}_bucket"),
    );
    let rate = |filter: &str| {
        format!("sum by (tool_name) (rate({count}{{{SELECTOR}{filter}}}[$__rate_interval]))")
    };
    b.panel(
        "Executions by tool",
        "timeseries",
        "ops",
        vec![(rate(""), "{{tool_name}}")],
    );
    b.panel(
        "Success rate by tool",
        "timeseries",
        "percentunit",
        vec![(
            format!("{} / {}", rate(&format!(",{NOT_FAILED}")), rate("")),
            "{{tool_name}}",
        )],
    );
    b.latency_panel(
        "Latency p50 / p95 / p99 by tool",
        quantiles(
            &bucket,
            "tool_name",
            [
                "p50 {{tool_name}}",
                "p95 {{tool_name}}",
                "p99 {{tool_name}}",
            ],
        ),
    );
    running_and_waiting(&mut b);
    b.panel(
        "Slowest 10 tools (average)",
        "bargauge",
        "s",
        vec![(
            format!("topk(10, sum by (tool_name) (rate({sum}{{{SELECTOR}}}[$__range])) / sum by (tool_name) (rate({count}{{{SELECTOR}}}[$__range])))"),
            "{{tool_name}}",
        )],
    );
    b.panel(
        "Most called 10 tools",
        "bargauge",
        "short",
        vec![(
            format!("topk(10, sum by (tool_name) (increase({count}{{{SELECTOR}}}[$__range])))"),
            "{{tool_name}}",
        )],
    );
    b.panel(
        "Failures by tool and error type",
        "timeseries",
        "ops",
        vec![(
            format!("sum by (tool_name, error_type) (rate({count}{{{SELECTOR},{FAILED}}}[$__rate_interval]))"),
            "{{tool_name}} {{error_type}}",
        )],
    );
    b.finish(
        "tower-monitoring-tools",
        "Tools",
        "Tool executions: rate, success, latency, running and waiting, slowest, busiest, failures.",
        false,
    )
}

/// Background jobs: by name and outcome, duration, queue length, in progress (guide 003's
/// Celery section).
pub(super) fn jobs(options: &ArtifactOptions) -> Value {
    let mut b = Builder::new(options);
    let duration = b.m(prom::JOB_DURATION);
    let (count, bucket) = (format!("{duration}_count"), format!("{duration}_bucket"));
    b.panel(
        "Jobs by name and outcome",
        "timeseries",
        "ops",
        // One series per outcome: the error type, or "done" for the runs without one.
        vec![(
            format!("label_replace(sum by (job_name, error_type) (rate({count}{{{SELECTOR}}}[$__rate_interval])), \"error_type\", \"done\", \"error_type\", \"\")"),
            "{{job_name}} {{error_type}}",
        )],
    );
    b.latency_panel(
        "Duration p50 / p95 / p99 by job",
        quantiles(
            &bucket,
            "job_name",
            ["p50 {{job_name}}", "p95 {{job_name}}", "p99 {{job_name}}"],
        ),
    );
    b.panel(
        "Queue length by job",
        "timeseries",
        "short",
        vec![(
            format!(
                "sum by (job_name) ({}{{{SELECTOR}}})",
                b.m(prom::JOB_QUEUE_LENGTH)
            ),
            "{{job_name}}",
        )],
    );
    b.panel(
        "Jobs in progress",
        "timeseries",
        "short",
        vec![(
            format!(
                "sum by (job_name) ({}{{{SELECTOR}}})",
                b.m(prom::JOB_ACTIVE)
            ),
            "{{job_name}}",
        )],
    );
    b.finish(
        "tower-monitoring-jobs",
        "Background jobs and queues",
        "Jobs by name and outcome, duration, queue length and jobs in progress.",
        false,
    )
}

/// Performance against the objectives, per route over the SLO window, and the room left
/// (guides 003, 004).
pub(super) fn slo(options: &ArtifactOptions) -> Value {
    let mut b = Builder::new(options);
    let duration = b.m(prom::HTTP_SERVER_REQUEST_DURATION);
    let (count, bucket) = (format!("{duration}_count"), format!("{duration}_bucket"));
    let objective = num(options.availability_objective);
    let seconds = num(options.latency_objective_seconds);
    let window = "30d";
    let per_route = |filter: &str| {
        format!("sum by (http_route) (increase({count}{{{SELECTOR}{filter}}}[{window}]))")
    };
    b.panel(
        &format!("Availability by route over {window} (objective {objective})"),
        "bargauge",
        "percentunit",
        vec![(
            format!(
                "{} / {}",
                per_route(&format!(",{NOT_FAILED}")),
                per_route("")
            ),
            "{{http_route}}",
        )],
    );
    b.panel(
        &format!("Requests within {seconds} s by route over {window}"),
        "bargauge",
        "percentunit",
        vec![(
            format!(
                "sum by (http_route) (increase({bucket}{{{SELECTOR},le=\"{seconds}\"}}[{window}])) / {}",
                per_route("")
            ),
            "{{http_route}}",
        )],
    );
    b.panel(
        &format!(
            "SLA compliance, last hour (objective {})",
            num(options.sla_objective)
        ),
        "timeseries",
        "percentunit",
        vec![(
            "job:http_server_sla_compliance:ratio_rate1h{job=\"$job\"}".to_owned(),
            "compliance",
        )],
    );
    b.panel(
        "Violations: failed or slower than the objective",
        "timeseries",
        "reqps",
        vec![(
            format!(
                "sum(rate({count}{{{SELECTOR},{NOT_CANCELLED}}}[$__rate_interval])) - sum(rate({bucket}{{{SELECTOR},{SUCCEEDED},le=\"{seconds}\"}}[$__rate_interval]))"
            ),
            "violations/s",
        )],
    );
    b.panel(
        &format!("Error budget left ({window})"),
        "stat",
        "percentunit",
        vec![(
            format!(
                "(sum(increase({count}{{{SELECTOR},{NOT_FAILED}}}[{window}])) / sum(increase({count}{{{SELECTOR}}}[{window}])) - {objective}) / {}",
                num(1.0 - options.availability_objective)
            ),
            "budget left",
        )],
    );
    capacity(&mut b, options);
    b.finish(
        "tower-monitoring-slo",
        "Performance and SLA",
        "Availability and latency objectives per route, SLA compliance, violations, error budget and capacity.",
        false,
    )
}

/// Tool executions running, and waiting in the queue the application reports.
fn running_and_waiting(b: &mut Builder<'_>) {
    b.panel(
        "Executions in progress and waiting",
        "timeseries",
        "short",
        vec![
            (
                format!(
                    "sum by (tool_name) ({}{{{SELECTOR}}})",
                    b.m(prom::TOOL_EXECUTIONS_ACTIVE)
                ),
                "running {{tool_name}}",
            ),
            (
                format!(
                    "sum by (tool_name) ({}{{{SELECTOR}}})",
                    b.m(prom::TOOL_QUEUE_SIZE)
                ),
                "waiting {{tool_name}}",
            ),
        ],
    );
}

/// Room left: in-flight requests against the `InFlightSaturation` limit, CPU and memory.
fn capacity(b: &mut Builder<'_>, options: &ArtifactOptions) {
    b.panel(
        "Capacity: in flight against the limit, CPU and memory used",
        "timeseries",
        "percentunit",
        vec![
            (
                format!(
                    "sum by (instance) ({}{{{SELECTOR}}}) / {}",
                    b.m(prom::HTTP_SERVER_ACTIVE_REQUESTS),
                    num(options.policy.in_flight_limit)
                ),
                "in flight {{instance}}",
            ),
            (
                format!(
                    "max by (instance) ({}{{{SELECTOR}}})",
                    b.m(prom::PROCESS_CPU_UTILIZATION)
                ),
                "CPU {{instance}}",
            ),
            (
                format!(
                    "max by (instance) ({}{{{SELECTOR}}})",
                    b.m(prom::PROCESS_MEMORY_UTILIZATION)
                ),
                "memory {{instance}}",
            ),
        ],
    );
}
