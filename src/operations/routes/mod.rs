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
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};

use self::auth::Guard;
use super::Operations;
use crate::Endpoints;

pub use server::MetricsServer;

/// One operator route: its path (in [`Endpoints::PATHS`], which gives its group), the guard
/// applied before its handler, and its method router.
struct OperatorRoute {
    path: &'static str,
    guard: Guard,
    route: fn() -> MethodRouter<Arc<Operations>>,
}

/// Every operator route this build serves. A route is added here, and its path to
/// [`Endpoints::PATHS`]; the guard is applied by [`Operations::routes`], so no handler
/// checks a token itself.
const ROUTES: &[OperatorRoute] = &[
    OperatorRoute {
        path: Endpoints::HEALTH_PATH,
        guard: Guard::Open,
        route: || get(probes::health),
    },
    OperatorRoute {
        // Open, but the detail of a failing check is shown to token holders only.
        path: Endpoints::READY_PATH,
        guard: Guard::Open,
        route: || get(probes::ready),
    },
    #[cfg(feature = "prometheus")]
    OperatorRoute {
        path: Endpoints::METRICS_PATH,
        guard: Guard::Metrics,
        route: || get(scrape::metrics),
    },
    OperatorRoute {
        path: Endpoints::SUMMARY_PATH,
        guard: Guard::Metrics,
        route: || get(views::summary),
    },
    OperatorRoute {
        path: Endpoints::REPORT_PATH,
        guard: Guard::Metrics,
        route: || get(views::report),
    },
    OperatorRoute {
        path: Endpoints::DASHBOARD_PATH,
        guard: Guard::Metrics,
        route: || get(views::dashboard),
    },
    OperatorRoute {
        path: Endpoints::LIVE_PATH,
        guard: Guard::Browser,
        route: || get(live::page),
    },
    OperatorRoute {
        path: Endpoints::RESET_PATH,
        guard: Guard::Admin,
        route: || post(views::reset),
    },
    #[cfg(feature = "profiling")]
    OperatorRoute {
        path: Endpoints::PROFILE_PATH,
        guard: Guard::Admin,
        route: || get(profile::profile),
    },
    #[cfg(feature = "profiling-heap")]
    OperatorRoute {
        path: Endpoints::HEAP_PROFILE_PATH,
        guard: Guard::Admin,
        route: || get(heap_profile::heap),
    },
];

/// The group that serves `path`.
fn group(path: &str) -> Option<Endpoints> {
    Endpoints::PATHS
        .iter()
        .find(|(known, _)| *known == path)
        .map(|(_, group)| *group)
}

impl Operations {
    /// The operator routes of `endpoints`, to merge into a router.
    pub(crate) fn routes<S>(self: &Arc<Self>, endpoints: Endpoints) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        self.routes_where(endpoints, false)
    }

    /// The operator routes of `endpoints` for the application's own router: without a
    /// metrics token, its views note the host each request is addressed to (see
    /// `exposure.rs`).
    pub(crate) fn watched_routes<S>(self: &Arc<Self>, endpoints: Endpoints) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        self.routes_where(endpoints, self.metrics_token.is_none())
    }

    fn routes_where<S>(self: &Arc<Self>, endpoints: Endpoints, watched: bool) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let mut router = Router::new();
        for route in ROUTES {
            let Some(group) = group(route.path).filter(|group| endpoints.contains(*group)) else {
                continue;
            };
            let mut handler = (route.route)();
            if route.guard != Guard::Open {
                let state = (self.clone(), route.guard);
                handler = handler.route_layer(from_fn_with_state(state, auth::guard));
            }
            if watched && group == Endpoints::VIEWS {
                handler = handler.route_layer(from_fn_with_state(self.clone(), watch_host));
            }
            let path = format!("{}{}", self.endpoint_prefix, route.path);
            router = router.route(&path, handler);
        }
        router.with_state(self.clone())
    }
}

/// Tells the exposure check which host an unguarded view was asked for.
async fn watch_host(
    State(operations): State<Arc<Operations>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request.uri().host().or_else(|| {
        request
            .headers()
            .get(axum::http::header::HOST)
            .and_then(|host| host.to_str().ok())
    });
    if let Some(host) = host {
        operations.asked_for(host);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_path_in_the_table_and_only_probes_are_open() {
        for route in ROUTES {
            let group = group(route.path)
                .unwrap_or_else(|| panic!("{} is not in Endpoints::PATHS", route.path));
            assert_eq!(
                route.guard == Guard::Open,
                group == Endpoints::PROBES,
                "{}: only the probes may be open",
                route.path
            );
        }
    }

    #[test]
    fn every_path_of_the_table_is_served_in_a_full_build() {
        if cfg!(all(feature = "prometheus", feature = "profiling-heap")) {
            for (path, _) in Endpoints::PATHS {
                assert!(
                    ROUTES.iter().any(|route| route.path == *path),
                    "{path} has no route"
                );
            }
        }
    }
}
