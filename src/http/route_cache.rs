//! A service's memory of the route it serves, so most requests find their series without a
//! lock or a hash.
//!
//! `Router::layer` wraps every route in a service of its own, so a service nearly always sees
//! one route: it keeps that route and its series per method in lock-free slots. A service
//! that sees many routes (a layer around a whole custom router) falls back to the shared map.

use std::sync::{Arc, OnceLock};

use super::labels::MethodLabel;
use super::route::{Route, RouteRef};
use super::series::RouteSeries;
use super::shared::Shared;

pub(crate) struct RouteCache {
    shared: Arc<Shared>,
    first: OnceLock<CachedRoute>,
}

struct CachedRoute {
    route: Route,
    excluded: bool,
    by_method: [OnceLock<Arc<RouteSeries>>; MethodLabel::COUNT],
}

impl RouteCache {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            first: OnceLock::new(),
        }
    }

    #[inline]
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The series to record into, or `None` when the request is excluded. `path` is only
    /// read for requests that matched no route.
    #[inline]
    pub(crate) fn series(
        &self,
        route: RouteRef<'_>,
        path: &str,
        method: MethodLabel,
    ) -> Option<Arc<RouteSeries>> {
        let cached = self.first.get_or_init(|| CachedRoute {
            route: route.to_owned(),
            excluded: route
                .as_str()
                .is_some_and(|route| self.shared.is_excluded(route)),
            by_method: std::array::from_fn(|_| OnceLock::new()),
        });
        if !cached.route.is(route) {
            // A service that sees several routes keeps no memory of them: the shared map.
            let excluded = self.shared.is_excluded(route.as_str().unwrap_or(path));
            return (!excluded).then(|| self.route_series(route, path, method));
        }
        if cached.excluded || (route.as_str().is_none() && self.shared.is_excluded(path)) {
            return None;
        }
        if route.as_str().is_none() && self.shared.routes().has_fallbacks() {
            // One fallback service answers several routes: no memory of one here.
            return Some(self.route_series(route, path, method));
        }
        let series = cached.by_method[method as usize]
            .get_or_init(|| self.route_series(route, path, method));
        Some(series.clone())
    }

    fn route_series(
        &self,
        route: RouteRef<'_>,
        path: &str,
        method: MethodLabel,
    ) -> Arc<RouteSeries> {
        match route.as_str() {
            Some(route) => self.shared.routes().route_series(Some(route), method),
            None => self.shared.routes().unmatched_series(path, method),
        }
    }
}
