//! The operator settings of [`MonitoringBuilder`] (feature `operations`): readiness, the
//! summary window, the alerts and their webhook, the tokens.

use std::time::Duration;

use super::builder::MonitoringBuilder;
use crate::alerting::Thresholds;

impl MonitoringBuilder {
    /// How long one readiness check may take before `GET /ready` counts it as failed
    /// (default 2 s).
    pub fn readiness_timeout(mut self, timeout: Duration) -> Self {
        self.operations.readiness_timeout = timeout;
        self
    }

    /// How long one run of the readiness checks answers `GET /ready` (default 1 s): a flood
    /// of probes, or anyone who can reach the endpoint, costs the database one ping per
    /// period, and concurrent requests share one run. `Duration::ZERO` runs them for every
    /// request, one run at a time.
    pub fn readiness_cache(mut self, cache_for: Duration) -> Self {
        self.operations.readiness_cache = cache_for;
        self
    }

    /// How long the [summary](crate::Monitoring::summary) window lasts before it rolls over
    /// (default 24 h).
    pub fn summary_window(mut self, length: Duration) -> Self {
        self.operations.summary_window = length;
        self
    }

    /// The bearer token of the admin endpoint `POST /metrics/reset`. Without it,
    /// `MONITORING_ADMIN_TOKEN`; without either the endpoint answers 404.
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.operations.admin_token = Some(token.into());
        self
    }

    /// A bearer token that `/metrics` and `/metrics/summary` then require. Without it,
    /// `MONITORING_METRICS_TOKEN`; without either they are open (or serve them on a listener
    /// of their own with [`Monitoring::serve_metrics`](crate::Monitoring::serve_metrics)).
    pub fn metrics_token(mut self, token: impl Into<String>) -> Self {
        self.operations.metrics_token = Some(token.into());
        self
    }

    /// The in-process alert thresholds. Without it, the defaults of
    /// [`Thresholds`](Thresholds), each overridden by its variable when set:
    /// `ALERT_LATENCY_P95_SECONDS`, `ALERT_ERROR_RATE`, `ALERT_MEMORY_UTILIZATION`,
    /// `ALERT_CPU_UTILIZATION`, `ALERT_CACHE_HIT_RATIO`, `ALERT_DB_POOL_UTILIZATION`,
    /// `ALERT_LOAD_PER_CPU`, `ALERT_FOR_SECONDS`, `ALERT_WINDOW_SECONDS`.
    pub fn alert_thresholds(mut self, thresholds: Thresholds) -> Self {
        self.operations.alert_thresholds = Some(thresholds);
        self
    }

    /// How often a thread of its own evaluates the alerts (default 15 s). With
    /// [`alert_thread(false)`](Self::alert_thread) there is no such thread, and `install()`
    /// fails naming both.
    pub fn alert_interval(mut self, interval: Duration) -> Self {
        self.operations.alert_interval = Some(interval);
        self
    }

    /// Whether a thread of its own evaluates the alerts (default `true`). With `false` they
    /// are evaluated only when [`Monitoring::evaluate_alerts`](crate::Monitoring::evaluate_alerts)
    /// is called: for tests that drive time themselves, or a service that schedules the
    /// evaluation with its other periodic work.
    pub fn alert_thread(mut self, run: bool) -> Self {
        self.operations.alert_thread = run;
        self
    }

    /// A URL that receives a POST of the alert JSON for every fired and resolved alert
    /// (`{"status": "firing", "service": ..., "alert": {...}}`). Without it,
    /// `ALERT_WEBHOOK_URL`. Sent from a thread of its own: 3 attempts, 5 s each, a queue of
    /// 100. Needs the `reqwest` feature: without it, setting one fails the build of the
    /// pipelines.
    pub fn alert_webhook(mut self, url: impl Into<String>) -> Self {
        self.operations.alert_webhook = Some(url.into());
        self
    }
}
