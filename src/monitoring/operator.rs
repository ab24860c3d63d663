//! What [`Monitoring`] offers operators (feature `operations`): the routes, readiness
//! checks, the summary and the in-process alerts.

use axum::Router;
use tokio::net::ToSocketAddrs;

use super::handle::Monitoring;
use crate::Endpoints;
use crate::Error;
use crate::operations::MetricsServer;

impl Monitoring {
    /// The monitoring routes, to merge into the application's router:
    ///
    /// - `GET /metrics`, the Prometheus text (feature `prometheus`);
    /// - `GET /health`, 200 while the process serves;
    /// - `GET /ready`, the [readiness checks](Self::add_readiness_check): 200 when all pass,
    ///   else 503 with a JSON body naming the failing ones;
    /// - `GET /metrics/summary`, the [summary](Self::summary) as JSON;
    /// - `GET /metrics/report`, the summary and the [alerts](Self::alerts);
    /// - `GET /metrics/dashboard`, uptime, requests, latency and resources, formatted, and
    ///   the alerts;
    /// - `POST /metrics/reset`, restarts the summary window; it needs the
    ///   [admin token](crate::MonitoringBuilder::admin_token) and answers 404 without one
    ///   configured, 401 for a missing or wrong token.
    ///
    /// With a [metrics token](crate::MonitoringBuilder::metrics_token), `/metrics` and the
    /// JSON views need it too (401 otherwise). Every path is under the
    /// [endpoint prefix](crate::MonitoringBuilder::endpoint_prefix), and
    /// [`MonitoringLayer`](crate::MonitoringLayer) skips them by default. To split them
    /// between ports, use [`routes_for`](Self::routes_for) and
    /// [`serve_metrics`](Self::serve_metrics).
    ///
    /// **Who can read the views.** Without a metrics token the summary, report, dashboard
    /// and live page answer whoever reaches the router they are merged into. That is the
    /// right default on a developer's machine and behind a private network; when they are
    /// merged here without a token and the application serves through
    /// [`listener`](Self::listener) on an address that is not loopback, one warning at start
    /// says so and names the two guards: `MONITORING_METRICS_TOKEN`, or `serve_metrics` on a
    /// port of its own with only the probes on the public router. Without `listener`, the
    /// first view that answers a request addressed to a host other than loopback gives it.
    pub fn routes<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        self.routes_for(Endpoints::ALL)
    }

    /// The monitoring routes of `endpoints` only: `monitoring.routes_for(Endpoints::PROBES)`
    /// keeps `/health` and `/ready` on the application's port when the rest is served
    /// elsewhere.
    pub fn routes_for<S>(&self, endpoints: Endpoints) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        self.inner.operations.application_routes(endpoints)
    }

    /// Serves [`Endpoints::METRICS`] on a listener of its own, in a background task: `GET
    /// /metrics`, `/metrics/summary`, `/metrics/report`, `/metrics/dashboard` and `POST
    /// /metrics/reset`. The probes (`/health`, `/ready`) do not move: merge
    /// [`routes_for(Endpoints::PROBES)`](Self::routes_for) into the application's router,
    /// where orchestrators look for them. Port 9464 is the one OpenTelemetry's Prometheus
    /// exporters use (9090 is Prometheus's own).
    ///
    /// Binding errors are returned here ([`ErrorKind::Io`](crate::ErrorKind::Io)); the
    /// server then runs until [`MetricsServer::shutdown`] or the end of the runtime. For
    /// another split, serve [`routes_for`](Self::routes_for) with `axum::serve` yourself.
    pub async fn serve_metrics(
        &self,
        addr: impl ToSocketAddrs + std::fmt::Debug,
    ) -> Result<MetricsServer, Error> {
        self.inner.operations.serve(addr, Endpoints::METRICS).await
    }

    /// Adds a readiness check that `GET /ready` runs: a database ping, a cache or platform
    /// ping. Checks run concurrently, each within the
    /// [readiness timeout](crate::MonitoringBuilder::readiness_timeout); an `Err`, a timeout
    /// or a panic fails it. Registering a name again replaces its check.
    ///
    /// ```no_run
    /// # fn f(monitoring: &tower_monitoring::Monitoring) {
    /// monitoring.add_readiness_check("database", || async {
    ///     Ok::<_, std::io::Error>(()) // e.g. `sqlx::query("SELECT 1").execute(&pool).await.map(drop)`
    /// });
    /// # }
    /// ```
    pub fn add_readiness_check<F, Fut, E>(&self, name: &'static str, check: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        self.inner.operations.add_readiness_check(name, check);
    }

    /// Totals, rates, latency percentiles, top routes, dependency figures and process
    /// resources since the summary window started, as served on `GET /metrics/summary`.
    /// Read through the SDK from the same reader `/metrics` renders.
    pub fn summary(&self) -> crate::summary::Summary {
        self.inner.operations.summary()
    }

    /// Restarts the summary window, as `POST /metrics/reset` does; Prometheus counters are
    /// untouched and stay monotonic.
    pub fn reset_summary(&self) {
        self.inner.operations.reset_summary();
    }

    /// Evaluates the alert thresholds now. A thread of its own does it every
    /// [alert interval](crate::MonitoringBuilder::alert_interval); call it to evaluate at a
    /// moment of your choosing.
    pub fn evaluate_alerts(&self) {
        self.inner.operations.evaluate_alerts();
    }

    /// [`evaluate_alerts`](Self::evaluate_alerts) at a given moment, for tests that drive
    /// time themselves (feature `testing`).
    #[cfg(feature = "testing")]
    pub fn evaluate_alerts_at(&self, now: std::time::Instant, wall: std::time::SystemTime) {
        self.inner.operations.evaluate_alerts_at(now, wall);
    }

    /// The firing alerts and the history, as `/metrics/report` shows them.
    pub fn alerts(&self) -> crate::alerting::AlertReport {
        self.inner.operations.alerts()
    }
}
