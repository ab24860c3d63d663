//! Whether the operator views answer anyone: a decision, not an accident of the two-line
//! setup.
//!
//! `/metrics/summary`, `/metrics/report`, `/metrics/dashboard` and the live page show routes,
//! error rates, memory and alert history. Merged into the application's router without a
//! metrics token, they answer whoever reaches that router. On loopback that is the developer;
//! on any other address it may be the internet. Once the application has handed the views to
//! its router and served on a non-loopback address (through
//! [`Monitoring::listener`](crate::Monitoring::listener)), one warning names the two ways to
//! guard them. A service that hands its listener to `axum::serve` directly gets the same
//! warning the first time a view on its router answers a request addressed to a host that is
//! not loopback (the `Host` is a client's word, so it only decides a log line, never printed). Spring Boot Actuator makes the same call the other way round: only health is
//! exposed over HTTP until the application lists more.

use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Default)]
pub(crate) struct Exposure {
    seen: Mutex<Seen>,
}

/// What has been seen so far: the views handed to the application's router with no
/// metrics token, and the first sign that it is reachable from elsewhere.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    views: bool,
    public: Option<Public>,
    warned: bool,
}

#[derive(Debug, Clone, Copy)]
enum Public {
    /// The listener given to `Monitoring::listener` is bound here.
    Listener(SocketAddr),
    /// A view answered a request addressed to a host that is not loopback.
    RequestedHost,
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
                seen.public.get_or_insert(Public::Listener(address));
            });
        }
    }

    /// A view on the application's router, unguarded, answers a request for `host` (the
    /// `Host` header or the URI's authority).
    pub(crate) fn asked_for(&self, host: &str) {
        if !is_loopback_host(host) && !self.warned() {
            self.update(|seen| {
                seen.views = true;
                seen.public.get_or_insert(Public::RequestedHost);
            });
        }
    }

    fn update(&self, change: impl FnOnce(&mut Seen)) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut seen);
        if let (true, Some(public), false) = (seen.views, seen.public, seen.warned) {
            seen.warned = true;
            warn(public);
        }
    }

    /// Whether the warning was given.
    fn warned(&self) -> bool {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .warned
    }
}

/// `localhost` (and its subdomains), or a loopback address, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]` or `[::1]:3000`.
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
    };
    let name = name.trim_end_matches('.');
    name.eq_ignore_ascii_case("localhost")
        || name
            .get(name.len().saturating_sub(10)..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(".localhost"))
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

const GUARDS: &str = "set MONITORING_METRICS_TOKEN (or .metrics_token(..)) to require a bearer \
                      token, or serve them on a port of their own with \
                      monitoring.serve_metrics(..) and merge only \
                      monitoring.routes_for(Endpoints::PROBES) into the application's router";

#[cold]
fn warn(public: Public) {
    match public {
        Public::Listener(address) => tracing::warn!(
            %address,
            "the operator views (/metrics/summary, /metrics/report, /metrics/dashboard, \
             /metrics/live) answer anyone who reaches {address}: {GUARDS}"
        ),
        Public::RequestedHost => tracing::warn!(
            "the operator views (/metrics/summary, /metrics/report, /metrics/dashboard, \
             /metrics/live) answered a request addressed to a host that is not loopback, \
             without a token: {GUARDS}"
        ),
    }
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

    #[test]
    fn a_view_asked_for_by_a_public_host_warns_and_loopback_hosts_do_not() {
        let exposure = Exposure::default();
        for host in [
            "localhost",
            "localhost:3000",
            "LOCALHOST.",
            "app.localhost:8080",
            "127.0.0.1:3000",
            "127.9.9.9",
            "[::1]:3000",
            "[::1]",
        ] {
            exposure.asked_for(host);
            assert!(!exposure.warned(), "{host}");
        }
        exposure.asked_for("api.example.com");
        assert!(exposure.warned());
        for host in [
            "10.0.0.5:3000",
            "[2001:db8::1]:443",
            "localhost.example.com",
        ] {
            let fresh = Exposure::default();
            fresh.asked_for(host);
            assert!(fresh.warned(), "{host}");
        }
    }
}
