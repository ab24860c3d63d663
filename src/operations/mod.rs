//! The operator's floor (feature `operations`): what people running the service use while it
//! runs. Readiness checks (`readiness.rs`), the JSON summary over a window (`summary/`), the
//! in-process alerts with their thread and webhook (`alerting/`), the bearer tokens
//! (`token.rs`), their settings from the builder or the environment (`settings.rs`), and the
//! axum routes that serve them (`routes/`).
//!
//! It reads the pipelines' figures through the SDK (`pipeline::MetricsSource`) and records
//! its own few metrics (`monitoring.alerts.active`, `monitoring.auth.failures`) on their
//! meter; nothing below it imports it.

pub mod alerting;
mod exposure;
mod readiness;
mod routes;
pub(crate) mod settings;
pub mod summary;
mod token;

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};

use opentelemetry::metrics::{Counter, Meter};
use opentelemetry_sdk::Resource;

use self::alerting::{AlertReport, Alerts, Notifier};
use self::exposure::Exposure;
use self::readiness::ReadinessChecks;
use self::settings::Resolved;
use self::summary::{Figures, Summary, Window};
use self::token::Token;
use crate::Error;
use crate::pipeline::{ExportStatus, MetricsSource};

pub use routes::MetricsServer;

/// What the operator endpoints serve, shared by every route and the alert thread.
#[derive(Debug)]
pub(crate) struct Operations {
    endpoint_prefix: String,
    admin_token: Option<Token>,
    metrics_token: Option<Token>,
    readiness: ReadinessChecks,
    window: Mutex<Window>,
    alerts: Alerts,
    metrics: MetricsSource,
    /// The last failed span export, shown on the summary and, for token holders, `/ready`.
    export_status: Arc<ExportStatus>,
    auth_failures: Counter<u64>,
    exposure: Exposure,
}

impl Operations {
    /// Starts them: `metrics` is where the figures are read, `meter` where their own
    /// metrics go, `resource` names the service to the webhook. The alert thread, when the settings ask for one, lives as long as they.
    pub(crate) fn start(
        settings: Resolved,
        endpoint_prefix: String,
        metrics: MetricsSource,
        export_status: Arc<ExportStatus>,
        meter: &Meter,
        resource: &Resource,
    ) -> Result<Arc<Self>, Error> {
        let service = resource
            .get(&opentelemetry::Key::from_static_str(
                crate::names::attr::SERVICE_NAME,
            ))
            .map(|value| value.to_string())
            .unwrap_or_default();
        let notifier = Notifier::start(settings.alert_webhook.as_deref())?;
        let operations = Arc::new(Self {
            endpoint_prefix,
            admin_token: settings.admin_token,
            metrics_token: settings.metrics_token,
            readiness: ReadinessChecks::new(
                settings.readiness_timeout,
                settings.readiness_cache,
                crate::panic_guard::panics_counter(meter),
            ),
            window: Mutex::new(Window::new(settings.summary_window)),
            alerts: Alerts::new(settings.alert_thresholds, meter, notifier, service),
            metrics,
            export_status,
            auth_failures: crate::names::metric::MONITORING_AUTH_FAILURES.u64_counter(meter),
            exposure: Exposure::default(),
        });
        if let Some(interval) = settings.alert_interval {
            alerting::every(interval, Arc::downgrade(&operations), Self::evaluate_alerts);
        }
        Ok(operations)
    }

    /// The pipelines' figures now.
    fn figures(&self) -> Figures {
        let mut figures = Figures::read(&self.metrics.collect());
        figures.last_export_failure = self.export_status.last_failure().map(|failure| failure.at);
        figures
    }

    fn window(&self) -> MutexGuard<'_, Window> {
        self.window.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The summary of the current window.
    pub(crate) fn summary(&self) -> Summary {
        let figures = self.figures();
        self.window().summary(figures)
    }

    /// Restarts the summary window and forgets the alert history.
    pub(crate) fn reset_summary(&self) {
        let figures = self.figures();
        self.window().reset(figures);
        self.alerts.reset();
    }

    pub(crate) fn evaluate_alerts(&self) {
        self.evaluate_alerts_at(Instant::now(), SystemTime::now());
    }

    pub(crate) fn evaluate_alerts_at(&self, now: Instant, wall: SystemTime) {
        self.alerts.evaluate(now, wall, self.figures());
    }

    pub(crate) fn alerts(&self) -> AlertReport {
        self.alerts.report()
    }

    pub(crate) fn add_readiness_check<F, Fut, E>(&self, name: &'static str, check: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        self.readiness.add(name, check);
    }

    /// The routes of `endpoints` for the application's own router: views handed out there
    /// without a metrics token are noted, to warn once the router serves a public address.
    pub(crate) fn application_routes<S>(
        self: &Arc<Self>,
        endpoints: crate::Endpoints,
    ) -> axum::Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        if endpoints.contains(crate::Endpoints::VIEWS) && self.metrics_token.is_none() {
            self.exposure.views_on_router();
        }
        self.watched_routes(endpoints)
    }

    /// An unguarded view on the application's router answered a request for `host`.
    pub(crate) fn asked_for(&self, host: &str) {
        self.exposure.asked_for(host);
    }

    /// The application serves on `address` (see `exposure.rs`).
    pub(crate) fn serving_on(&self, address: std::net::SocketAddr) {
        self.exposure.serving_on(address);
    }

    /// The current metrics in the Prometheus text format.
    #[cfg(feature = "prometheus")]
    pub(crate) fn render_prometheus(&self) -> Option<String> {
        self.metrics.render_prometheus()
    }

    /// The current metrics in the OpenMetrics text format, with exemplars.
    #[cfg(feature = "prometheus")]
    pub(crate) fn render_open_metrics(&self) -> Option<String> {
        self.metrics.render_open_metrics()
    }
}
