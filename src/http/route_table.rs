//! Where each (route, method) finds its series: per (route, method) a [`RouteSeries`] is
//! created on first use, and inside it each outcome (status, scheme, version, error) gets
//! its bound histograms. The table is only consulted when a service sees a route for the
//! first time; afterwards the service's own cache answers (see `route_cache.rs`).

use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use hashbrown::{Equivalent, HashMap};
use opentelemetry::metrics::Meter;

use super::custom::{CustomAttributes, CustomSpec};
use super::fold::Fold;
use super::instruments;
use super::labels::MethodLabel;
use super::operation::FallbackRoute;
use super::series::{RouteSeries, SeriesShared};
use crate::classify::Classify;
use crate::dependency::Dependencies;
use crate::exemplars::Exemplars;
use crate::names;

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

/// One series per method, made on first use.
type ByMethod = [OnceLock<Arc<RouteSeries>>; MethodLabel::COUNT];

/// The series of every (route, method) one meter has seen.
pub(crate) struct RouteTable {
    shared: Arc<SeriesShared>,
    routes: RwLock<HashMap<RouteKey<Box<str>>, Arc<RouteSeries>>>,
    /// The fallback routes and, per method, their series; apart from `routes` so that a
    /// matched route with the same template keeps its own `404`s.
    fallbacks: Box<[(FallbackRoute, ByMethod)]>,
}

/// What a layer's route table is made with, besides its meter and clock.
#[derive(Default)]
pub(crate) struct TableOptions {
    /// The handle requests of these routes carry.
    pub(crate) dependencies: Option<Dependencies>,
    /// The layer's classifier (`None` for the default).
    pub(crate) classifier: Option<Arc<dyn Classify>>,
    pub(crate) fallbacks: Vec<FallbackRoute>,
    pub(crate) max_operations: usize,
    /// The layer's custom attributes.
    pub(crate) custom: Vec<CustomSpec>,
    /// The cardinality limit of the meter's provider.
    pub(crate) cardinality_limit: usize,
    /// The exemplars of the meter's provider, when it keeps them.
    pub(crate) exemplars: Option<Arc<Exemplars>>,
    /// Route templates whose responses are streams, whatever their content type.
    pub(crate) streaming_routes: Vec<Box<str>>,
}

impl RouteTable {
    pub(crate) fn new(meter: &Meter, clock: quanta::Clock, options: TableOptions) -> Self {
        let duration_exemplars = options
            .exemplars
            .as_ref()
            .and_then(|exemplars| exemplars.table(names::HTTP_SERVER_REQUEST_DURATION))
            .cloned();
        let (histograms, active) =
            instruments::new(meter, options.cardinality_limit, duration_exemplars);
        Self {
            shared: Arc::new(SeriesShared {
                histograms: Arc::new(histograms),
                active: Arc::new(active),
                streaming_routes: options.streaming_routes.into(),
                clock,
                dependencies: options.dependencies,
                classifier: options.classifier,
                operation_names: Fold::capped(options.max_operations),
                custom: CustomAttributes::new(&options.custom),
            }),
            routes: RwLock::new(HashMap::new()),
            fallbacks: options
                .fallbacks
                .into_iter()
                .map(|fallback| (fallback, std::array::from_fn(|_| OnceLock::new())))
                .collect(),
        }
    }

    /// Whether unmatched requests must be told apart by their path.
    #[inline]
    pub(crate) fn has_fallbacks(&self) -> bool {
        !self.fallbacks.is_empty()
    }

    /// The series of a request that matched no route: the first fallback route covering
    /// `path`, else the unmatched series.
    pub(crate) fn unmatched_series(&self, path: &str, method: MethodLabel) -> Arc<RouteSeries> {
        let Some((fallback, by_method)) = self
            .fallbacks
            .iter()
            .find(|(fallback, _)| fallback.covers(path))
        else {
            return self.route_series(None, method);
        };
        by_method[method as usize]
            .get_or_init(|| {
                let unmatched = self.route_series(None, method);
                Arc::new(RouteSeries::fallback(
                    fallback.template,
                    unmatched,
                    &self.shared,
                ))
            })
            .clone()
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
