//! The operator endpoints: their paths, and the groups they are served in. Probes usually
//! stay on the application's port, where the orchestrator already looks, while the scrape
//! and the JSON views can move to a port of their own that only the monitoring network
//! reaches.
//!
//! A ground-floor module: the HTTP layer skips these paths by default
//! ([`DEFAULT_EXCLUDED_PATHS`], derived from [`Endpoints::PATHS`]) and the operator routes
//! serve them (`operations/routes`, whose table is checked against this one).

use std::ops::BitOr;

/// A set of monitoring endpoints, for [`Monitoring::routes_for`](crate::Monitoring::routes_for).
///
/// ```no_run
/// # async fn f(monitoring: tower_monitoring::Monitoring) -> Result<(), tower_monitoring::Error> {
/// use axum::Router;
/// use tower_monitoring::Endpoints;
///
/// // Probes on the application's port, the rest on 9464.
/// let app: Router = Router::new().merge(monitoring.routes_for(Endpoints::PROBES));
/// let _metrics = monitoring.serve_metrics("0.0.0.0:9464").await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoints(u8);

impl Endpoints {
    /// `GET /health` and `GET /ready`.
    pub const PROBES: Self = Self(1);
    /// `GET /metrics`, the Prometheus text (feature `prometheus`).
    pub const SCRAPE: Self = Self(1 << 1);
    /// `GET /metrics/summary`, `/metrics/report`, `/metrics/dashboard`, the live page
    /// `/metrics/live` and `POST /metrics/reset`.
    pub const VIEWS: Self = Self(1 << 2);
    /// `GET /debug/pprof/profile`, CPU profiles for the admin token (feature `profiling`).
    pub const PROFILING: Self = Self(1 << 3);
    /// Everything but the probes: what
    /// [`serve_metrics`](crate::Monitoring::serve_metrics) serves.
    pub const METRICS: Self = Self(Self::SCRAPE.0 | Self::VIEWS.0 | Self::PROFILING.0);
    /// Every monitoring endpoint: what [`routes`](crate::Monitoring::routes) carries.
    pub const ALL: Self = Self(Self::PROBES.0 | Self::METRICS.0);

    /// The Prometheus scrape.
    pub const METRICS_PATH: &str = "/metrics";
    /// Liveness.
    pub const HEALTH_PATH: &str = "/health";
    /// Readiness.
    pub const READY_PATH: &str = "/ready";
    /// The JSON summary.
    pub const SUMMARY_PATH: &str = "/metrics/summary";
    /// The JSON report: summary and alerts.
    pub const REPORT_PATH: &str = "/metrics/report";
    /// The JSON dashboard view.
    pub const DASHBOARD_PATH: &str = "/metrics/dashboard";
    /// The live HTML page (the report, drawn and refreshed).
    pub const LIVE_PATH: &str = "/metrics/live";
    /// `POST`: restarts the summary window (admin token).
    pub const RESET_PATH: &str = "/metrics/reset";
    /// A CPU profile (feature `profiling`, admin token).
    pub const PROFILE_PATH: &str = "/debug/pprof/profile";
    /// A heap profile (feature `profiling-heap`, admin token).
    pub const HEAP_PROFILE_PATH: &str = "/debug/pprof/heap";

    /// Every operator path, with the group that serves it (under the endpoint prefix).
    pub const PATHS: &[(&str, Endpoints)] = &[
        (Self::HEALTH_PATH, Self::PROBES),
        (Self::READY_PATH, Self::PROBES),
        (Self::METRICS_PATH, Self::SCRAPE),
        (Self::SUMMARY_PATH, Self::VIEWS),
        (Self::REPORT_PATH, Self::VIEWS),
        (Self::DASHBOARD_PATH, Self::VIEWS),
        (Self::LIVE_PATH, Self::VIEWS),
        (Self::RESET_PATH, Self::VIEWS),
        (Self::PROFILE_PATH, Self::PROFILING),
        (Self::HEAP_PROFILE_PATH, Self::PROFILING),
    ];

    /// Whether every endpoint of `other` is in this set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

/// Paths skipped by default: every operator path ([`Endpoints::PATHS`]), so scrapes and
/// probes neither count themselves nor make spans.
pub const DEFAULT_EXCLUDED_PATHS: &[&str] =
    &paths_of::<{ Endpoints::PATHS.len() }>(Endpoints::PATHS);

const fn paths_of<const N: usize>(table: &[(&'static str, Endpoints)]) -> [&'static str; N] {
    let mut paths = [""; N];
    let mut i = 0;
    while i < N {
        paths[i] = table[i].0;
        i += 1;
    }
    paths
}

impl BitOr for Endpoints {
    type Output = Self;

    fn bitor(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_exclusions_are_every_operator_path() {
        let table: Vec<&str> = Endpoints::PATHS.iter().map(|(path, _)| *path).collect();
        assert_eq!(DEFAULT_EXCLUDED_PATHS, table.as_slice());
    }

    #[test]
    fn sets_combine() {
        assert_eq!(
            Endpoints::SCRAPE | Endpoints::VIEWS | Endpoints::PROFILING,
            Endpoints::METRICS
        );
        assert_eq!(Endpoints::PROBES | Endpoints::METRICS, Endpoints::ALL);
        assert!(Endpoints::ALL.contains(Endpoints::PROBES));
        assert!(!Endpoints::METRICS.contains(Endpoints::PROBES));
        assert!(Endpoints::METRICS.contains(Endpoints::SCRAPE));
    }
}
