//! Where each (route, method) finds its series: per (route, method) a [`RouteSeries`] is
//! created on first use, and inside it each outcome (status, scheme, version, error) gets
//! its bound histograms. The table is only consulted when a service sees a route for the
//! first time; afterwards the service's own cache answers (see `route_cache.rs`).

use std::sync::{Arc, PoisonError, RwLock};

use hashbrown::{Equivalent, HashMap};
use opentelemetry::metrics::Meter;

use super::instruments;
use super::labels::MethodLabel;
use super::series::{RouteSeries, SeriesShared};
use crate::classify::Classify;
use crate::dependency::Dependencies;

/// (route, method) as stored, and as looked up without allocating.
#[derive(PartialEq, Eq, Hash)]
struct RouteKey<R> {
    route: Option<R>,
    method: MethodLabel,
}

impl Equivalent<RouteKey<Box<str>>> for RouteKey<&str> {
    fn equivalent(&self, stored: &RouteKey<Box<str>>) -> bool {
        self.route == stored.route.as_deref() && self.method == stored.method
    }
}

/// The series of every (route, method) one meter has seen.
pub(crate) struct RouteTable {
    shared: SeriesShared,
    routes: RwLock<HashMap<RouteKey<Box<str>>, Arc<RouteSeries>>>,
}

impl RouteTable {
    /// `dependencies` is the handle requests of these routes carry, `classifier` the
    /// layer's (`None` for the default).
    pub(crate) fn new(
        meter: &Meter,
        clock: quanta::Clock,
        dependencies: Option<Dependencies>,
        classifier: Option<Arc<dyn Classify>>,
    ) -> Self {
        let (histograms, active) = instruments::new(meter);
        Self {
            shared: SeriesShared {
                histograms: Arc::new(histograms),
                active: Arc::new(active),
                clock,
                dependencies,
                classifier,
            },
            routes: RwLock::new(HashMap::new()),
        }
    }

    /// The series of `route` and `method`, created on first use.
    pub(crate) fn route_series(
        &self,
        route: Option<&str>,
        method: MethodLabel,
    ) -> Arc<RouteSeries> {
        let key = RouteKey { route, method };
        if let Some(series) = self
            .routes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return series.clone();
        }
        let mut routes = self.routes.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(series) = routes.get(&key) {
            return series.clone();
        }
        let series = Arc::new(RouteSeries::new(route, method, &self.shared));
        routes.insert(RouteKey::from(&key), series.clone());
        series
    }
}

impl From<&RouteKey<&str>> for RouteKey<Box<str>> {
    fn from(key: &RouteKey<&str>) -> Self {
        Self {
            route: key.route.map(Box::from),
            method: key.method,
        }
    }
}
