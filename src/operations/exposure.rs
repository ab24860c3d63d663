//! Whether the operator views answer anyone: a decision, not an accident of the two-line
//! setup.
//!
//! `/metrics/summary`, `/metrics/report`, `/metrics/dashboard` and the live page show routes,
//! error rates, memory and alert history. Merged into the application's router without a
//! metrics token, they answer whoever reaches that router. On loopback that is the developer;
//! on any other address it may be the internet. Once the application has handed the views to
//! its router and served on a non-loopback address (through
//! [`Monitoring::listener`](crate::Monitoring::listener)), one warning names the two ways to
//! guard them. Spring Boot Actuator makes the same call the other way round: only health is
//! exposed over HTTP until the application lists more.

use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Default)]
pub(crate) struct Exposure {
    seen: Mutex<Seen>,
}

/// What has been seen so far: the views handed to the application's router with no
/// metrics token, and the first non-loopback address served on.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    views: bool,
    public: Option<SocketAddr>,
    warned: bool,
}

impl Exposure {
    /// The views went to the application's router, unguarded.
    pub(crate) fn views_on_router(&self) {
        self.update(|seen| seen.views = true);
    }

    /// The application serves on `address`.
    pub(crate) fn serving_on(&self, address: SocketAddr) {
        if !address.ip().is_loopback() {
            self.update(|seen| {
                seen.public.get_or_insert(address);
            });
        }
    }

    fn update(&self, change: impl FnOnce(&mut Seen)) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut seen);
        if let (true, Some(address), false) = (seen.views, seen.public, seen.warned) {
            seen.warned = true;
            warn(address);
        }
    }

    /// Whether the warning was given (for tests).
    #[cfg(test)]
    fn warned(&self) -> bool {
        self.seen.lock().unwrap().warned
    }
}

#[cold]
fn warn(address: SocketAddr) {
    tracing::warn!(
        %address,
        "the operator views (/metrics/summary, /metrics/report, /metrics/dashboard, \
         /metrics/live) answer anyone who reaches {address}: set MONITORING_METRICS_TOKEN \
         (or .metrics_token(..)) to require a bearer token, or serve them on a port of their \
         own with monitoring.serve_metrics(..) and merge only \
         monitoring.routes_for(Endpoints::PROBES) into the application's router"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unguarded_views_on_a_public_address_warn_in_either_order() {
        let loopback = Exposure::default();
        loopback.views_on_router();
        loopback.serving_on("127.0.0.1:3000".parse().unwrap());
        loopback.serving_on("[::1]:3000".parse().unwrap());
        assert!(!loopback.warned());

        let views_first = Exposure::default();
        views_first.views_on_router();
        views_first.serving_on("0.0.0.0:3000".parse().unwrap());
        assert!(views_first.warned());

        let listener_first = Exposure::default();
        listener_first.serving_on("10.0.0.5:3000".parse().unwrap());
        assert!(!listener_first.warned());
        listener_first.views_on_router();
        assert!(listener_first.warned());

        let no_views = Exposure::default();
        no_views.serving_on("0.0.0.0:3000".parse().unwrap());
        assert!(!no_views.warned());
    }
}
