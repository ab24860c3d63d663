//! The Prometheus rules and Grafana dashboards the project ships, generated from the same
//! metric-name constants as the instruments, so they cannot drift from what the service
//! exports (feature `artifacts`). `cargo run --example gen_artifacts` writes them into
//! `alerts/` and `dashboards/`; a test fails when the committed files differ from what the
//! generator produces.

mod alert_rules;
mod alert_table;
mod dashboards;
mod panel_table;
mod panels;
mod recording_rules;
mod rule_text;

pub use alert_rules::alert_rules;

use crate::AlertPolicy;
pub use dashboards::{dashboards, expressions};
pub use recording_rules::recording_rules;

/// What the generated artifacts are tuned for. Start from [`ArtifactOptions::default`]:
///
/// ```
/// use tower_monitoring::AlertPolicy;
/// use tower_monitoring::artifacts::{ArtifactOptions, RouteObjective};
///
/// let options = ArtifactOptions::default()
///     .namespace("orders")
///     .job("orders")
///     .policy(AlertPolicy::default().error_ratio_warning(0.02))
///     .route_latency_objective(RouteObjective::new("/reports/{id}", 0.95, 2.5));
/// assert_eq!(options.job, "orders");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ArtifactOptions {
    /// The metric namespace the service was built with ([`crate::MonitoringBuilder::namespace`]).
    pub namespace: Option<String>,
    /// The Prometheus `job` the service's targets belong to.
    pub job: String,
    /// The thresholds, shared with the in-process alerts (see [`AlertPolicy`]).
    pub policy: AlertPolicy,
    /// The availability objective, as the share of requests that must not fail (0.999).
    pub availability_objective: f64,
    /// The latency objective: the share of requests (0.99) ...
    pub latency_objective: f64,
    /// ... that must finish within this many seconds (0.5, a bucket bound of the duration
    /// histogram).
    pub latency_objective_seconds: f64,
    /// Routes whose latency objective differs from the default one.
    pub route_latency_objectives: Vec<RouteObjective>,
    /// The service-level objective of `LowSlaCompliance`: the share of requests over an
    /// hour that must succeed within `latency_objective_seconds` (0.95).
    pub sla_objective: f64,
    /// p95 of a tool's executions in seconds above which `SlowToolExecutions` fires (5).
    pub slow_tool_seconds: f64,
    /// Waiting tool executions above which `ToolQueueBacklog` fires (100).
    pub tool_queue_backlog: f64,
    /// Waiting jobs above which `JobQueueBacklog` fires (1000).
    pub job_queue_backlog: f64,
    /// Days before a watched certificate expires that `CertificateExpiringSoon` fires (7).
    pub certificate_expiry_days: f64,
}

/// A latency objective of one route: `objective` of its requests within `seconds` (a bucket
/// bound of the duration histogram).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RouteObjective {
    /// The route template, as in `http_route`.
    pub route: String,
    /// The share of requests, such as 0.95.
    pub objective: f64,
    /// The duration they must finish within, such as 1.0.
    pub seconds: f64,
}

impl Default for ArtifactOptions {
    fn default() -> Self {
        Self {
            namespace: None,
            job: "tower-monitoring".to_owned(),
            policy: AlertPolicy::default(),
            availability_objective: 0.999,
            latency_objective: 0.99,
            latency_objective_seconds: 0.5,
            route_latency_objectives: Vec::new(),
            sla_objective: 0.95,
            slow_tool_seconds: 5.0,
            tool_queue_backlog: 100.0,
            job_queue_backlog: 1000.0,
            certificate_expiry_days: 7.0,
        }
    }
}

impl RouteObjective {
    /// `objective` of the requests of `route` within `seconds`.
    pub fn new(route: impl Into<String>, objective: f64, seconds: f64) -> Self {
        Self {
            route: route.into(),
            objective,
            seconds,
        }
    }
}

crate::setters::setters!(ArtifactOptions {
    /// Sets [`policy`](Self::policy).
    policy: AlertPolicy,
    /// Sets [`availability_objective`](Self::availability_objective).
    availability_objective: f64,
    /// Sets [`latency_objective`](Self::latency_objective).
    latency_objective: f64,
    /// Sets [`latency_objective_seconds`](Self::latency_objective_seconds).
    latency_objective_seconds: f64,
    /// Sets [`sla_objective`](Self::sla_objective).
    sla_objective: f64,
    /// Sets [`slow_tool_seconds`](Self::slow_tool_seconds).
    slow_tool_seconds: f64,
    /// Sets [`tool_queue_backlog`](Self::tool_queue_backlog).
    tool_queue_backlog: f64,
    /// Sets [`job_queue_backlog`](Self::job_queue_backlog).
    job_queue_backlog: f64,
    /// Sets [`certificate_expiry_days`](Self::certificate_expiry_days).
    certificate_expiry_days: f64,
});

impl ArtifactOptions {
    /// The default options with the thresholds of `policy`, the in-process alerts' too.
    pub fn from_policy(policy: &AlertPolicy) -> Self {
        Self::default().policy(policy.clone())
    }

    /// Sets [`namespace`](Self::namespace).
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Sets [`job`](Self::job).
    #[must_use]
    pub fn job(mut self, job: impl Into<String>) -> Self {
        self.job = job.into();
        self
    }

    /// Adds a route with a latency objective of its own.
    #[must_use]
    pub fn route_latency_objective(mut self, objective: RouteObjective) -> Self {
        self.route_latency_objectives.push(objective);
        self
    }

    /// `name` as Prometheus sees it, with the namespace prefix when there is one.
    pub(crate) fn metric(&self, name: &str) -> String {
        match &self.namespace {
            Some(namespace) => format!("{namespace}_{name}"),
            None => name.to_owned(),
        }
    }
}
