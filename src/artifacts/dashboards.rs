//! The Grafana dashboards, as JSON: the table of `panel_table.rs`, its templates filled
//! from the metric table and the artifact options, laid out by `panels.rs`.

use serde_json::Value;

use super::ArtifactOptions;
use super::panel_table::{DASHBOARDS, Kind, Panel};
use super::panels::{Builder, SELECTOR};
use super::rule_text::num;
use crate::failure::{
    PROMQL_CANCELLED, PROMQL_FAILED, PROMQL_NOT_CANCELLED, PROMQL_NOT_FAILED, PROMQL_SUCCEEDED,
};
use crate::names::METRICS;

/// The seven dashboards: `(file name, dashboard JSON)`.
pub fn dashboards(options: &ArtifactOptions) -> Vec<(&'static str, Value)> {
    DASHBOARDS
        .iter()
        .map(|dashboard| {
            let mut builder = Builder::new(options);
            for panel in dashboard.panels {
                add(&mut builder, panel, options);
            }
            let json = builder.finish(
                dashboard.uid,
                dashboard.title,
                dashboard.description,
                dashboard.with_route,
            );
            (dashboard.file, json)
        })
        .collect()
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

fn add(builder: &mut Builder<'_>, panel: &Panel, options: &ArtifactOptions) {
    let title = fill(panel.title, options);
    let queries = panel
        .queries
        .iter()
        .map(|(expr, legend)| (fill(expr, options), *legend))
        .collect();
    match panel.kind {
        Kind::Latency => builder.latency_panel(&title, queries),
        Kind::Series => builder.panel(&title, "timeseries", panel.unit, queries),
        Kind::Stat => builder.panel(&title, "stat", panel.unit, queries),
        Kind::Bars => builder.panel(&title, "bargauge", panel.unit, queries),
    }
}

/// `template` with every `<name>` replaced by its value; an unknown name is left as it is
/// (a test fills every panel and finds none).
fn fill(template: &str, options: &ArtifactOptions) -> String {
    let mut filled = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('<') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            break;
        };
        let name = &after[..close];
        match placeholder(name, options) {
            Some(value) => filled.push_str(&value),
            None => filled.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    filled.push_str(rest);
    filled
}

/// The value of a placeholder: a fixed one, or a metric by its OpenTelemetry name.
fn placeholder(name: &str, options: &ArtifactOptions) -> Option<String> {
    let value = match name {
        "sel" => SELECTOR.to_owned(),
        "route_sel" => format!(r#"{SELECTOR},http_route=~"$route""#),
        "failed" => PROMQL_FAILED.to_owned(),
        "cancelled" => PROMQL_CANCELLED.to_owned(),
        "not_failed" => PROMQL_NOT_FAILED.to_owned(),
        "not_cancelled" => PROMQL_NOT_CANCELLED.to_owned(),
        "succeeded" => PROMQL_SUCCEEDED.to_owned(),
        "availability_objective" => num(options.availability_objective),
        "error_budget" => num(1.0 - options.availability_objective),
        "latency_objective_seconds" => num(options.latency_objective_seconds),
        "sla_objective" => num(options.sla_objective),
        "in_flight_limit" => num(options.policy.in_flight_limit),
        metric => options.metric(METRICS.iter().find(|m| m.name == metric)?.prometheus),
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_of_every_panel_is_known() {
        let options = ArtifactOptions::default().namespace("ns");
        for dashboard in DASHBOARDS {
            for panel in dashboard.panels {
                let title = fill(panel.title, &options);
                assert!(!title.contains('<'), "{title}");
                for (expr, _) in panel.queries {
                    let expr = fill(expr, &options);
                    assert!(!expr.contains('<') && !expr.contains('>'), "{expr}");
                    assert!(!expr.contains(" http_server"), "not namespaced: {expr}");
                }
            }
        }
    }

    #[test]
    fn an_unknown_placeholder_stays_visible() {
        let options = ArtifactOptions::default();
        assert_eq!(fill("a <nope> b", &options), "a <nope> b");
        assert_eq!(
            fill("<http.server.active_requests>{<sel>}", &options),
            format!("http_server_active_requests{{{SELECTOR}}}")
        );
    }
}
