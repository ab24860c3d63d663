//! The HTTP server instruments, and where their bound handles are found.
//!
//! Recording with an attribute slice makes the SDK hash and look up the set on every call.
//! Instead every series is bound once: per (route, method) a [`RouteSeries`] is created on
//! first use, and inside it each outcome (status, scheme, version, error) gets its bound
//! histograms. The map from route to series is only consulted when a service sees a route
//! for the first time; afterwards the service's own cache answers (see `service.rs`).

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use hashbrown::{Equivalent, HashMap};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{AsyncInstrument, Histogram, Meter, ObservableUpDownCounter};

use super::labels::{MethodLabel, SchemeLabel};
use super::series::RouteSeries;
use crate::names::{self, attr};

/// The three histograms, shared by every [`RouteSeries`] that binds them.
pub(crate) struct Histograms {
    pub(crate) duration: Histogram<f64>,
    pub(crate) request_size: Histogram<u64>,
    pub(crate) response_size: Histogram<u64>,
    /// Bound series so far, across routes, checked against [`MAX_BOUND_SERIES`].
    pub(crate) bound: AtomicUsize,
}

/// Series bound at most. Past it requests still record, through the slower unbound path,
/// and the SDK's own cardinality limit folds the excess into its overflow series.
pub(crate) const MAX_BOUND_SERIES: usize = 2_000;

/// `http.server.active_requests`, which carries only method and scheme (per the semantic
/// conventions): all twenty combinations fit in an array of plain atomics, which an
/// observable instrument reads at collection time. Combinations never seen are not reported,
/// so idle ones export no zero series.
pub(crate) struct ActiveRequests {
    counts: [AtomicI64; SLOTS],
    seen: [AtomicBool; SLOTS],
}

const SLOTS: usize = MethodLabel::COUNT * SchemeLabel::COUNT;

impl ActiveRequests {
    fn slot(method: MethodLabel, scheme: SchemeLabel) -> usize {
        method as usize * SchemeLabel::COUNT + scheme as usize
    }

    pub(crate) fn increment(&self, method: MethodLabel, scheme: SchemeLabel) {
        let slot = Self::slot(method, scheme);
        if !self.seen[slot].load(Ordering::Relaxed) {
            self.seen[slot].store(true, Ordering::Relaxed);
        }
        self.counts[slot].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn decrement(&self, method: MethodLabel, scheme: SchemeLabel) {
        self.counts[Self::slot(method, scheme)].fetch_sub(1, Ordering::Relaxed);
    }

    fn observe(&self, observer: &dyn AsyncInstrument<i64>) {
        for method in METHODS {
            for scheme in [SchemeLabel::Http, SchemeLabel::Https] {
                let index = Self::slot(method, scheme);
                if self.seen[index].load(Ordering::Relaxed) {
                    observer.observe(
                        self.counts[index].load(Ordering::Relaxed),
                        &[
                            KeyValue::new(attr::HTTP_REQUEST_METHOD, method.as_str()),
                            KeyValue::new(attr::URL_SCHEME, scheme.as_str()),
                        ],
                    );
                }
            }
        }
    }
}

const METHODS: [MethodLabel; MethodLabel::COUNT] = [
    MethodLabel::Get,
    MethodLabel::Head,
    MethodLabel::Post,
    MethodLabel::Put,
    MethodLabel::Delete,
    MethodLabel::Connect,
    MethodLabel::Options,
    MethodLabel::Trace,
    MethodLabel::Patch,
    MethodLabel::Other,
];

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

/// The four HTTP server instruments of one meter.
pub(crate) struct HttpInstruments {
    histograms: Arc<Histograms>,
    active: Arc<ActiveRequests>,
    // Keeps the callback's instrument alive as long as the layer.
    _active_instrument: ObservableUpDownCounter<i64>,
    clock: quanta::Clock,
    routes: RwLock<HashMap<RouteKey<Box<str>>, Arc<RouteSeries>>>,
}

impl HttpInstruments {
    pub(crate) fn new(meter: &Meter) -> Self {
        let histograms = Histograms {
            duration: meter
                .f64_histogram(names::HTTP_SERVER_REQUEST_DURATION)
                .with_unit(names::UNIT_SECONDS)
                .with_description(
                    "Duration of HTTP server requests, from arrival to the end of the response body.",
                )
                .with_boundaries(names::DURATION_BUCKETS.to_vec())
                .build(),
            request_size: meter
                .u64_histogram(names::HTTP_SERVER_REQUEST_BODY_SIZE)
                .with_unit(names::UNIT_BYTES)
                .with_description("Size of HTTP server request bodies, as streamed.")
                .with_boundaries(names::BODY_SIZE_BUCKETS.to_vec())
                .build(),
            response_size: meter
                .u64_histogram(names::HTTP_SERVER_RESPONSE_BODY_SIZE)
                .with_unit(names::UNIT_BYTES)
                .with_description("Size of HTTP server response bodies, as streamed.")
                .with_boundaries(names::BODY_SIZE_BUCKETS.to_vec())
                .build(),
            bound: AtomicUsize::new(0),
        };
        let active = Arc::new(ActiveRequests {
            counts: std::array::from_fn(|_| AtomicI64::new(0)),
            seen: std::array::from_fn(|_| AtomicBool::new(false)),
        });
        let observed = active.clone();
        let active_instrument = meter
            .i64_observable_up_down_counter(names::HTTP_SERVER_ACTIVE_REQUESTS)
            .with_unit(names::UNIT_REQUESTS)
            .with_description("Number of active HTTP server requests.")
            .with_callback(move |observer| observed.observe(observer))
            .build();
        Self {
            histograms: Arc::new(histograms),
            active,
            _active_instrument: active_instrument,
            clock: quanta::Clock::new(),
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
        let series = Arc::new(RouteSeries::new(
            route,
            method,
            self.histograms.clone(),
            self.active.clone(),
            self.clock.clone(),
        ));
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
