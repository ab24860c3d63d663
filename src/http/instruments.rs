//! The four HTTP server instruments of one meter.
//!
//! Recording with an attribute slice makes the SDK hash and look up the set on every call,
//! so the series are bound once instead (see `series.rs` and `route_table.rs`).

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, OnceLock};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{BoundUpDownCounter, Histogram, Meter, UpDownCounter};

use super::labels::{MethodLabel, SchemeLabel};
use crate::exemplars::ExemplarTable;
use crate::names::{attr, metric};

/// The three histograms, shared by every [`RouteSeries`] that binds them.
pub(crate) struct Histograms {
    pub(crate) duration: Histogram<f64>,
    pub(crate) request_size: Histogram<u64>,
    pub(crate) response_size: Histogram<u64>,
    /// Bound series so far, across routes, checked against [`bind_limit`](Self::bind_limit).
    pub(crate) bound: AtomicUsize,
    /// The provider's cardinality limit: series bound past it would stay on the SDK's
    /// overflow series for good, so past it requests record through the slower unbound
    /// path, which the SDK folds into that series while the limit is reached and gives a
    /// series of its own once delta collections have freed room.
    pub(crate) bind_limit: usize,
    /// Where the duration of sampled requests is kept as exemplars; `None` without them.
    pub(crate) duration_exemplars: Option<Arc<ExemplarTable>>,
}

/// The SDK's cardinality limit, for a provider the crate did not build.
pub(crate) const SDK_CARDINALITY_LIMIT: usize = 2_000;

/// `http.server.active_requests`, which carries only method and scheme (per the semantic
/// conventions): all twenty combinations fit in an array, each bound on first use so idle
/// combinations export no zero series.
///
/// It is a synchronous up-down counter rather than atomics read by a callback: several layers
/// may record into one meter, and the SDK sums their adds, whereas it would keep only one
/// callback's observation per attribute set.
pub(crate) struct ActiveRequests {
    counter: UpDownCounter<i64>,
    bound: [OnceLock<BoundUpDownCounter<i64>>; MethodLabel::COUNT * SchemeLabel::COUNT],
}

impl ActiveRequests {
    #[inline]
    fn get(&self, method: MethodLabel, scheme: SchemeLabel) -> &BoundUpDownCounter<i64> {
        let slot = method as usize * SchemeLabel::COUNT + scheme as usize;
        self.bound[slot].get_or_init(|| {
            self.counter.bind(&[
                KeyValue::new(attr::HTTP_REQUEST_METHOD, method.as_str()),
                KeyValue::new(attr::URL_SCHEME, scheme.as_str()),
            ])
        })
    }

    #[inline]
    pub(crate) fn increment(&self, method: MethodLabel, scheme: SchemeLabel) {
        self.get(method, scheme).add(1);
    }

    #[inline]
    pub(crate) fn decrement(&self, method: MethodLabel, scheme: SchemeLabel) {
        self.get(method, scheme).add(-1);
    }
}

/// The instruments on `meter`, whose provider keeps `bind_limit` series per instrument.
pub(crate) fn new(
    meter: &Meter,
    bind_limit: usize,
    duration_exemplars: Option<Arc<ExemplarTable>>,
) -> (Histograms, ActiveRequests) {
    let histograms = Histograms {
        duration: metric::HTTP_SERVER_REQUEST_DURATION.f64_histogram(meter),
        request_size: metric::HTTP_SERVER_REQUEST_BODY_SIZE.u64_histogram(meter),
        response_size: metric::HTTP_SERVER_RESPONSE_BODY_SIZE.u64_histogram(meter),
        bound: AtomicUsize::new(0),
        bind_limit,
        duration_exemplars,
    };
    let active = ActiveRequests {
        counter: metric::HTTP_SERVER_ACTIVE_REQUESTS.i64_up_down_counter(meter),
        bound: std::array::from_fn(|_| OnceLock::new()),
    };
    (histograms, active)
}
