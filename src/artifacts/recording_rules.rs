//! The recording rules: the expressions the alerts and dashboards share.

use std::fmt::Write;

use super::ArtifactOptions;
use super::rule_text::{FAILED, HEADER, num, other_routes};
use crate::failure::{PROMQL_NOT_CANCELLED as NOT_CANCELLED, PROMQL_SUCCEEDED as SUCCEEDED};
use crate::names::prometheus as prom;

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
    // Compliance with the service-level objective: requests that succeeded within the
    // latency objective, over those not cancelled.
    rules.push((
        "job:http_server_sla_compliance:ratio_rate1h".to_owned(),
        format!(
            "sum by (job) (rate({bucket}{{{SUCCEEDED},le=\"{objective}\"}}[1h])) / sum by (job) (rate({count}{{{NOT_CANCELLED}}}[1h]))"
        ),
    ));
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
    // gRPC calls served: the same error ratio and quantiles, by the server's own failures.
    let rpc = options.metric(prom::RPC_SERVER_CALL_DURATION);
    for window in ["5m", "1h"] {
        rules.push((
            format!("job:rpc_server_calls:rate{window}"),
            format!("sum by (job) (rate({rpc}_count[{window}]))"),
        ));
        rules.push((
            format!("job:rpc_server_errors:rate{window}"),
            format!("sum by (job) (rate({rpc}_count{{{FAILED}}}[{window}]))"),
        ));
        rules.push((
            format!("job:rpc_server_error_ratio:rate{window}"),
            format!("job:rpc_server_errors:rate{window} / job:rpc_server_calls:rate{window}"),
        ));
    }
    for quantile in ["50", "95", "99"] {
        rules.push((
            format!("job:rpc_server_call_duration_seconds:p{quantile}_5m"),
            format!("histogram_quantile(0.{quantile}, sum by (job, le) (rate({rpc}_bucket[5m])))"),
        ));
        rules.push((
            format!("job_method:rpc_server_call_duration_seconds:p{quantile}_5m"),
            format!(
                "histogram_quantile(0.{quantile}, sum by (job, rpc_method, le) (rate({rpc}_bucket[5m])))"
            ),
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
