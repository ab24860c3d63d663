//! How a dashboard is put together: panels on a grid, their queries under the dashboard's
//! `job` and `instance` variables, latency panels linked to Jaeger, and the dashboard JSON
//! around them.

use serde_json::{Value, json};

use super::ArtifactOptions;
use crate::names::prometheus as prom;

/// A panel's query: PromQL and the legend.
pub(super) type Query<'a> = (String, &'a str);

pub(super) const SELECTOR: &str = r#"job="$job",instance=~"$instance""#;

pub(super) struct Builder<'a> {
    options: &'a ArtifactOptions,
    panels: Vec<Value>,
    next_y: u64,
    next_x: u64,
}

impl<'a> Builder<'a> {
    pub(super) fn new(options: &'a ArtifactOptions) -> Self {
        Self {
            options,
            panels: Vec::new(),
            next_y: 0,
            next_x: 0,
        }
    }

    pub(super) fn m(&self, name: &str) -> String {
        self.options.metric(name)
    }

    /// Adds a latency panel: a panel linking to the service's traces in Jaeger, whose
    /// queries also fetch the buckets' exemplars (the trace of a recent sampled request,
    /// linked to the Jaeger data source by its `trace_id`).
    pub(super) fn latency_panel(&mut self, title: &str, queries: Vec<Query<'_>>) {
        self.panel(title, "timeseries", "s", queries);
        if let Some(panel) = self.panels.last_mut() {
            panel["links"] = json!([jaeger_link()]);
            for target in panel["targets"].as_array_mut().into_iter().flatten() {
                target["exemplar"] = true.into();
            }
        }
    }

    /// Adds a panel half the width of the dashboard, filling rows left to right.
    pub(super) fn panel(&mut self, title: &str, kind: &str, unit: &str, queries: Vec<Query<'_>>) {
        let id = self.panels.len() + 1;
        let targets: Vec<Value> = queries
            .iter()
            .enumerate()
            .map(|(i, (expr, legend))| {
                json!({
                    "refId": ((b'A' + i as u8) as char).to_string(),
                    "datasource": { "type": "prometheus", "uid": "${datasource}" },
                    "expr": expr,
                    "legendFormat": legend,
                })
            })
            .collect();
        self.panels.push(json!({
            "id": id,
            "type": kind,
            "title": title,
            "datasource": { "type": "prometheus", "uid": "${datasource}" },
            "gridPos": { "h": 8, "w": 12, "x": self.next_x, "y": self.next_y },
            "fieldConfig": { "defaults": { "unit": unit }, "overrides": [] },
            "options": {},
            "targets": targets,
        }));
        if self.next_x == 0 {
            self.next_x = 12;
        } else {
            self.next_x = 0;
            self.next_y += 8;
        }
    }

    pub(super) fn finish(
        self,
        uid: &str,
        title: &str,
        description: &str,
        with_route: bool,
    ) -> Value {
        let query_var = |name: &str, query: String, all: bool| {
            let mut variable = json!({
                "name": name,
                "type": "query",
                "datasource": { "type": "prometheus", "uid": "${datasource}" },
                "query": { "query": query, "refId": name },
                "refresh": 2,
                "includeAll": all,
                "multi": all,
            });
            if all {
                variable["allValue"] = ".*".into();
            }
            variable
        };
        let mut variables = vec![
            json!({
                "name": "datasource",
                "type": "datasource",
                "query": "prometheus",
            }),
            query_var("job", "label_values(up, job)".into(), false),
            query_var(
                "instance",
                "label_values(up{job=\"$job\"}, instance)".into(),
                true,
            ),
        ];
        if with_route {
            let route = format!(
                "label_values({}_count{{job=\"$job\"}}, http_route)",
                self.m(prom::HTTP_SERVER_REQUEST_DURATION)
            );
            variables.push(query_var("route", route, true));
        }
        json!({
            "uid": uid,
            "title": title,
            "description": description,
            "tags": ["tower-monitoring"],
            "timezone": "browser",
            "schemaVersion": 39,
            "version": 1,
            "editable": true,
            "refresh": "30s",
            "time": { "from": "now-1h", "to": "now" },
            "templating": { "list": variables },
            "links": [jaeger_link()],
            "panels": self.panels,
        })
    }
}

/// A link to Grafana's Explore on the Jaeger datasource, searching the service's traces.
fn jaeger_link() -> Value {
    json!({
        "title": "Traces of this service in Jaeger",
        "tooltip": "Open the service's traces in Jaeger",
        "type": "link",
        "icon": "external link",
        "tags": [],
        "asDropdown": false,
        "includeVars": true,
        "keepTime": true,
        "targetBlank": true,
        "url": "/explore?left={\"datasource\":\"jaeger\",\"queries\":[{\"refId\":\"A\",\"queryType\":\"search\",\"service\":\"$job\"}]}",
    })
}
