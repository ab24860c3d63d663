//! The operator endpoints as axum routes, under the endpoint prefix: every route shares the
//! [`Operations`] through axum's `State`.
//!
//! - `GET /metrics`, the Prometheus text (`scrape.rs`, feature `prometheus`);
//! - `GET /health` and `GET /ready` (`probes.rs`);
//! - `GET /metrics/summary`, `/metrics/report`, `/metrics/dashboard` and
//!   `POST /metrics/reset` (`views.rs`);
//! - `GET /metrics/live`, the report as a page that draws itself (`live.rs`, `live.html`);
//! - `GET /debug/pprof/profile`, a CPU profile (`profile.rs`, feature `profiling`), and
//!   `GET /debug/pprof/heap` (`heap_profile.rs`, feature `profiling-heap`);
//! - the bearer tokens that can guard them (`auth.rs`), and a listener of their own
//!   (`server.rs`).

mod auth;
#[cfg(feature = "profiling-heap")]
mod heap_profile;
mod live;
mod probes;
#[cfg(feature = "profiling")]
mod profile;
#[cfg(feature = "prometheus")]
mod scrape;
mod server;
mod views;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use super::{Endpoints, Operations};
use crate::{
    DASHBOARD_PATH, HEALTH_PATH, LIVE_PATH, READY_PATH, REPORT_PATH, RESET_PATH, SUMMARY_PATH,
};

pub use server::MetricsServer;

impl Operations {
    /// The operator routes of `endpoints`, to merge into a router.
    pub(crate) fn routes<S>(self: &Arc<Self>, endpoints: Endpoints) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let path = |path: &str| format!("{}{path}", self.endpoint_prefix);
        let mut router = Router::new();
        if endpoints.contains(Endpoints::PROBES) {
            router = router
                .route(&path(HEALTH_PATH), get(probes::health))
                .route(&path(READY_PATH), get(probes::ready));
        }
        if endpoints.contains(Endpoints::VIEWS) {
            router = router
                .route(&path(SUMMARY_PATH), get(views::summary))
                .route(&path(REPORT_PATH), get(views::report))
                .route(&path(DASHBOARD_PATH), get(views::dashboard))
                .route(&path(LIVE_PATH), get(live::page))
                .route(&path(RESET_PATH), post(views::reset));
        }
        #[cfg(feature = "profiling")]
        if endpoints.contains(Endpoints::PROFILING) {
            router = router.route(&path(crate::PROFILE_PATH), get(profile::profile));
            #[cfg(feature = "profiling-heap")]
            {
                router = router.route(&path(crate::HEAP_PROFILE_PATH), get(heap_profile::heap));
            }
        }
        #[cfg(feature = "prometheus")]
        if endpoints.contains(Endpoints::SCRAPE) {
            router = router.route(&path(crate::METRICS_PATH), get(scrape::metrics));
        }
        router.with_state(self.clone())
    }
}
