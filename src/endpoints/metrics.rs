//! `GET /metrics`: the Prometheus text exposition.

use std::net::SocketAddr;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::task::JoinHandle;

use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::post;

use super::auth::{self, Guard};
use super::{health, summary};
use crate::{
    DASHBOARD_PATH, Error, HEALTH_PATH, METRICS_PATH, Monitoring, READY_PATH, REPORT_PATH,
    RESET_PATH, SUMMARY_PATH,
};

const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

impl Monitoring {
    /// The monitoring routes, to merge into the application's router:
    ///
    /// - `GET /metrics`, the Prometheus text;
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
    /// summary need it too (401 otherwise).
    ///
    /// [`MonitoringLayer`](crate::MonitoringLayer) skips these paths by default.
    pub fn routes<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let prefix = self.endpoint_prefix().to_owned();
        let path = |path: &str| format!("{prefix}{path}");
        let monitoring = self.clone();
        let readiness = self.clone();
        let summarised = self.clone();
        let reported = self.clone();
        let dashboard = self.clone();
        let reset = self.clone();
        Router::new()
            .route(
                &path(METRICS_PATH),
                get(move |headers: HeaderMap| {
                    let response = match auth::refusal(&monitoring, Guard::Metrics, &headers) {
                        None => {
                            let text = monitoring.render_prometheus();
                            ([(CONTENT_TYPE, CONTENT_TYPE_TEXT)], text).into_response()
                        }
                        Some(refused) => refused,
                    };
                    std::future::ready(response)
                }),
            )
            .route(&path(HEALTH_PATH), get(health::health))
            .route(
                &path(READY_PATH),
                get(move |headers: HeaderMap| health::ready(readiness.clone(), headers)),
            )
            .route(
                &path(SUMMARY_PATH),
                get(move |headers: HeaderMap| summary::summary(summarised.clone(), headers)),
            )
            .route(
                &path(REPORT_PATH),
                get(move |headers: HeaderMap| summary::report(reported.clone(), headers)),
            )
            .route(
                &path(DASHBOARD_PATH),
                get(move |headers: HeaderMap| summary::dashboard(dashboard.clone(), headers)),
            )
            .route(
                &path(RESET_PATH),
                post(move |headers: HeaderMap| summary::reset(reset.clone(), headers)),
            )
    }

    /// Serves the monitoring routes on a listener of their own (a dedicated scrape port such
    /// as `0.0.0.0:9090`) in a background task. Binding errors are returned here; the server
    /// then runs until [`MetricsServer::shutdown`] or the end of the runtime.
    pub async fn serve_metrics(&self, addr: impl ToSocketAddrs) -> Result<MetricsServer, Error> {
        let listener = TcpListener::bind(addr).await.map_err(Error::io)?;
        let local_addr = listener.local_addr().map_err(Error::io)?;
        let app = self.routes::<()>();
        let task = tokio::spawn(async move {
            // The accept loop only ends with the runtime; errors on one connection are
            // handled inside axum and never end it.
            let _ = axum::serve(listener, app).await;
        });
        Ok(MetricsServer { local_addr, task })
    }
}

/// Handle to the listener started by [`Monitoring::serve_metrics`]. Dropping it leaves the
/// server running.
#[derive(Debug)]
pub struct MetricsServer {
    local_addr: SocketAddr,
    task: JoinHandle<()>,
}

impl MetricsServer {
    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections.
    pub fn shutdown(self) {
        self.task.abort();
    }
}
