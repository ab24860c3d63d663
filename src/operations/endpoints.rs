//! Which monitoring endpoints go where: probes usually stay on the application's port, where
//! the orchestrator already looks, while the scrape and the JSON views can move to a port of
//! their own that only the monitoring network reaches.

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

    /// Whether every endpoint of `other` is in this set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
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
