//! [`Monitoring`]: the handle that owns the built pipelines.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;

use super::builder::MonitoringBuilder;
use super::shutdown;
use crate::propagation::Propagation;
use crate::{Error, MonitoringLayer};

/// The installed pipelines. Cloning is cheap; every clone refers to the same pipelines.
///
/// ```no_run
/// use axum::{Router, routing::get};
/// use tower_monitoring::{Monitoring, MonitoringLayer};
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), tower_monitoring::Error> {
/// let monitoring = Monitoring::builder().service_name("orders").install()?;
/// let app: Router = Router::new()
///     .route("/users/{id}", get(|| async { "user" }))
///     .merge(monitoring.routes())
///     .layer(MonitoringLayer::new());
/// // ... serve `app` until a shutdown signal, then flush what is left:
/// monitoring.shutdown().await?;
/// # Ok(()) }
/// ```
///
/// Dropping the last clone flushes too, blocking for at most the shutdown timeout; awaiting
/// [`shutdown`](Self::shutdown) is better, since it lets the runtime drive the export.
#[derive(Clone, Debug)]
pub struct Monitoring {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    parts: Parts,
    shut_down: AtomicBool,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    readiness: crate::health::Readiness,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    window: std::sync::Mutex<crate::summary::Window>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    alerts: std::sync::Mutex<crate::alerting::Evaluator>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    alerts_active: opentelemetry::metrics::Gauge<i64>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    auth_failures: opentelemetry::metrics::Counter<u64>,
    #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
    webhook: Option<crate::alerting::Webhook>,
}

/// What the builder made.
#[derive(Debug)]
pub(super) struct Parts {
    pub(super) meter_provider: SdkMeterProvider,
    pub(super) tracer_provider: Option<SdkTracerProvider>,
    pub(super) propagation: Propagation,
    /// The longest value of a span attribute taken from the client.
    pub(super) value_length_limit: usize,
    pub(super) resource: Resource,
    #[cfg(feature = "prometheus")]
    pub(super) prometheus: super::prometheus::PrometheusEndpoint,
    pub(super) shutdown_timeout: Duration,
    /// Prefix of the monitoring endpoints' paths, `""` by default.
    pub(super) endpoint_prefix: String,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(super) readiness_timeout: Duration,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(super) readiness_cache: Duration,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(super) summary_window: Duration,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(super) admin_token: Option<crate::token::Token>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(super) metrics_token: Option<crate::token::Token>,
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(super) alert_thresholds: crate::alerting::Thresholds,
    #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
    pub(super) webhook: Option<crate::alerting::Webhook>,
    /// How often alerts are evaluated; `None` when the background evaluation is off.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(super) alert_interval: Option<Duration>,
    /// The system metrics' refresh thread and instruments, stopped with the pipelines.
    #[cfg(feature = "system")]
    pub(super) _system: Option<crate::system::SystemMetrics>,
}

impl Parts {
    /// Flushes and stops both providers, each within the timeout.
    pub(super) fn shutdown_work(&self) -> Box<dyn FnOnce() -> Result<(), Error> + Send> {
        let meters = self.meter_provider.clone();
        let tracers = self.tracer_provider.clone();
        let timeout = self.shutdown_timeout;
        Box::new(move || {
            let traced = tracers.map_or(Ok(()), |tracers| tracers.shutdown_with_timeout(timeout));
            let metered = meters.shutdown_with_timeout(timeout);
            traced.and(metered).map_err(Error::exporter)
        })
    }
}

impl Monitoring {
    /// Starts configuring the pipelines.
    pub fn builder() -> MonitoringBuilder {
        MonitoringBuilder::default()
    }

    pub(super) fn from_parts(parts: Parts) -> Self {
        #[cfg(all(feature = "axum", feature = "prometheus"))]
        let interval = parts.alert_interval;
        #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
        let mut parts = parts;
        #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
        let webhook = parts.webhook.take();
        let monitoring = Self {
            inner: Arc::new(Inner {
                #[cfg(all(feature = "axum", feature = "prometheus"))]
                readiness: crate::health::Readiness::new(
                    parts.readiness_timeout,
                    parts.readiness_cache,
                    crate::callback::panics_counter(
                        &opentelemetry::metrics::MeterProvider::meter_with_scope(
                            &parts.meter_provider,
                            crate::scope(),
                        ),
                    ),
                ),
                #[cfg(all(feature = "axum", feature = "prometheus"))]
                window: std::sync::Mutex::new(crate::summary::Window::new(parts.summary_window)),
                #[cfg(all(feature = "axum", feature = "prometheus"))]
                alerts: std::sync::Mutex::new(crate::alerting::Evaluator::new(
                    parts.alert_thresholds.clone(),
                )),
                #[cfg(all(feature = "axum", feature = "prometheus"))]
                alerts_active: opentelemetry::metrics::MeterProvider::meter_with_scope(
                    &parts.meter_provider,
                    crate::scope(),
                )
                .i64_gauge(crate::names::MONITORING_ALERTS_ACTIVE)
                .with_unit("{alert}")
                .with_description("In-process alerts firing now, by alert.type")
                .build(),
                #[cfg(all(feature = "axum", feature = "prometheus"))]
                auth_failures: opentelemetry::metrics::MeterProvider::meter_with_scope(
                    &parts.meter_provider,
                    crate::scope(),
                )
                .u64_counter(crate::names::MONITORING_AUTH_FAILURES)
                .with_unit(crate::names::UNIT_ATTEMPTS)
                .with_description(
                    "Requests to a monitoring endpoint refused for a missing or wrong token",
                )
                .build(),
                #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
                webhook,
                parts,
                shut_down: AtomicBool::new(false),
            }),
        };
        #[cfg(all(feature = "axum", feature = "prometheus"))]
        {
            // Every alert starts at 0, so dashboards and rules see the series before one fires.
            for rule in crate::alerting::Rule::ALL {
                monitoring
                    .inner
                    .alerts_active
                    .record(0, &crate::alerting::alert_attributes(rule));
            }
            if let Some(interval) = interval {
                monitoring.evaluate_alerts_every(interval);
            }
        }
        monitoring
    }

    /// The meter provider, for instruments of your own or for
    /// [`MonitoringLayer::with_meter_provider`].
    pub fn meter_provider(&self) -> &SdkMeterProvider {
        &self.inner.parts.meter_provider
    }

    /// The tracer provider, when tracing is enabled (an OTLP endpoint or a span exporter is
    /// configured).
    pub fn tracer_provider(&self) -> Option<&SdkTracerProvider> {
        self.inner.parts.tracer_provider.as_ref()
    }

    /// The resource every signal carries: `service.name`, `service.version`,
    /// `service.instance.id` and the `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource(&self) -> &Resource {
        &self.inner.parts.resource
    }

    /// The prefix of the monitoring endpoints' paths (`""` unless
    /// [configured](MonitoringBuilder::endpoint_prefix)).
    pub fn endpoint_prefix(&self) -> &str {
        &self.inner.parts.endpoint_prefix
    }

    /// A [`MonitoringLayer`] that records into these pipelines, whatever the globals are.
    pub fn layer(&self) -> MonitoringLayer {
        let layer = MonitoringLayer::new()
            .with_meter_provider(self.meter_provider())
            .with_endpoint_prefix(self.endpoint_prefix());
        match self.tracer_provider() {
            Some(provider) => layer.with_traces(
                provider,
                self.inner.parts.propagation.clone(),
                self.inner.parts.value_length_limit,
            ),
            None => layer.without_traces(),
        }
    }

    /// Adds a readiness check that `GET /ready` runs: a database ping, a cache or platform
    /// ping. Checks run concurrently, each within the
    /// [readiness timeout](MonitoringBuilder::readiness_timeout); an `Err`, a timeout or a
    /// panic fails it. Registering a name again replaces its check.
    ///
    /// ```no_run
    /// # fn f(monitoring: &tower_monitoring::Monitoring) {
    /// monitoring.add_readiness_check("database", || async {
    ///     Ok::<_, std::io::Error>(()) // e.g. `sqlx::query("SELECT 1").execute(&pool).await.map(drop)`
    /// });
    /// # }
    /// ```
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn add_readiness_check<F, Fut, E>(&self, name: &'static str, check: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        self.inner.readiness.add(name, check);
    }

    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(crate) fn readiness(&self) -> &crate::health::Readiness {
        &self.inner.readiness
    }

    /// Totals, rates, latency percentiles, top routes, dependency figures and process
    /// resources since the summary window started, as served on `GET /metrics/summary`.
    /// Computed from the figures `/metrics` renders.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn summary(&self) -> serde_json::Value {
        let figures = self.current_figures();
        self.window().summary(figures)
    }

    /// Restarts the summary window, as `POST /metrics/reset` does; Prometheus counters are
    /// untouched and stay monotonic.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn reset_summary(&self) {
        let figures = self.current_figures();
        self.window().reset(figures);
        self.inner
            .alerts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .reset();
    }

    #[cfg(all(feature = "axum", feature = "prometheus"))]
    fn current_figures(&self) -> crate::summary::Figures {
        let prometheus = &self.inner.parts.prometheus;
        crate::summary::Figures::read(&prometheus.gather(), prometheus.namespace())
    }

    #[cfg(all(feature = "axum", feature = "prometheus"))]
    fn window(&self) -> std::sync::MutexGuard<'_, crate::summary::Window> {
        self.inner
            .window
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Evaluates the alert thresholds now. A thread of its own does it every
    /// [alert interval](MonitoringBuilder::alert_interval); call it to evaluate at a moment
    /// of your choosing.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn evaluate_alerts(&self) {
        self.evaluate_alerts_at(std::time::Instant::now(), std::time::SystemTime::now());
    }

    /// [`evaluate_alerts`](Self::evaluate_alerts) at a given moment, for tests that drive
    /// time themselves.
    #[doc(hidden)]
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn evaluate_alerts_at(&self, now: std::time::Instant, wall: std::time::SystemTime) {
        let figures = self.current_figures();
        let changes = self
            .inner
            .alerts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .evaluate(now, wall, figures);
        for change in changes {
            let (alert, firing) = match &change {
                crate::alerting::Change::Fired(alert) => (alert, 1),
                crate::alerting::Change::Resolved(alert) => (alert, 0),
            };
            let attributes = [
                opentelemetry::KeyValue::new(crate::names::attr::ALERT_TYPE, alert.rule.name()),
                opentelemetry::KeyValue::new(
                    crate::names::attr::ALERT_SEVERITY,
                    alert.rule.severity(),
                ),
            ];
            self.inner.alerts_active.record(firing, &attributes);
            let (value, threshold) = (
                alert.rule.format(alert.value),
                alert.rule.format(alert.threshold),
            );
            #[cfg(feature = "reqwest")]
            if let Some(webhook) = &self.inner.webhook {
                webhook.notify(serde_json::json!({
                    "status": if firing == 1 { "firing" } else { "resolved" },
                    "service": self.service_name(),
                    "alert": alert.to_json(),
                }));
            }
            if firing == 1 {
                tracing::warn!(alert = alert.rule.name(), severity = alert.rule.severity(), component = alert.rule.component(), %value, %threshold, "alert fired");
            } else {
                // The value that resolved it, not the one it fired with.
                let resolved = alert
                    .resolved_value
                    .map_or_else(|| "no data".to_owned(), |v| alert.rule.format(v));
                tracing::info!(alert = alert.rule.name(), value = %resolved, fired_value = %value, %threshold, "alert resolved");
            }
        }
    }

    /// The firing alerts and the history, as JSON.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub fn alerts(&self) -> serde_json::Value {
        let alerts = self
            .inner
            .alerts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        serde_json::json!({
            "active": alerts.active().iter().map(crate::alerting::Alert::to_json).collect::<Vec<_>>(),
            "history": alerts.history().map(crate::alerting::Alert::to_json).collect::<Vec<_>>(),
        })
    }

    /// Evaluates the alerts on a thread of its own until the pipelines are dropped.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    fn evaluate_alerts_every(&self, interval: Duration) {
        let weak = Arc::downgrade(&self.inner);
        let _ = std::thread::Builder::new()
            .name("tower-monitoring-alerts".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(interval);
                    let Some(inner) = weak.upgrade() else { return };
                    let monitoring = Monitoring { inner };
                    if monitoring.inner.shut_down.load(Ordering::Acquire) {
                        return;
                    }
                    monitoring.evaluate_alerts();
                    // If the application dropped its handles meanwhile, this was the last
                    // one: the pipelines flush here, within their bound, as they would there.
                    drop(monitoring);
                }
            });
    }

    /// `service.name` of the resource.
    #[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
    fn service_name(&self) -> String {
        self.resource()
            .get(&opentelemetry::Key::from_static_str(
                crate::names::attr::SERVICE_NAME,
            ))
            .map(|value| value.to_string())
            .unwrap_or_default()
    }

    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(crate) fn admin_token(&self) -> Option<&crate::token::Token> {
        self.inner.parts.admin_token.as_ref()
    }

    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(crate) fn metrics_token(&self) -> Option<&crate::token::Token> {
        self.inner.parts.metrics_token.as_ref()
    }

    /// `monitoring.auth.failures`, counted by the endpoints.
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    pub(crate) fn auth_failures(&self) -> &opentelemetry::metrics::Counter<u64> {
        &self.inner.auth_failures
    }

    /// The current metrics in the Prometheus text exposition format.
    #[cfg(feature = "prometheus")]
    pub fn render_prometheus(&self) -> String {
        self.inner.parts.prometheus.render()
    }

    /// Flushes the spans and metrics still buffered and stops the pipelines; later
    /// recordings are dropped.
    ///
    /// Returns within the [shutdown timeout](MonitoringBuilder::shutdown_timeout) (5 s by
    /// default) even when the collector is unreachable or never answers, with a timeout
    /// error in that case. Calling it again returns at once.
    pub async fn shutdown(&self) -> Result<(), Error> {
        if self.inner.shut_down.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        let parts = &self.inner.parts;
        shutdown::in_background(parts.shutdown_timeout, parts.shutdown_work()).await
    }
}

/// The endpoint prefix of the pipelines `install()` made, for layers given none.
static INSTALLED_PREFIX: std::sync::RwLock<Option<String>> = std::sync::RwLock::new(None);

pub(super) fn set_installed_endpoint_prefix(prefix: &str) {
    *INSTALLED_PREFIX
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(prefix.to_owned());
}

/// The installed pipelines' endpoint prefix, if `install()` ran.
pub(crate) fn installed_endpoint_prefix() -> Option<String> {
    INSTALLED_PREFIX
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

impl Drop for Inner {
    fn drop(&mut self) {
        if !self.shut_down.swap(true, Ordering::AcqRel) {
            let _ = shutdown::blocking(self.parts.shutdown_timeout, self.parts.shutdown_work());
        }
    }
}
