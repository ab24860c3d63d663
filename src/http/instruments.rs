//! The HTTP server instruments of one meter.
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

/// The histograms, shared by every [`RouteSeries`] that binds them.
pub(crate) struct Histograms {
    pub(crate) duration: Histogram<f64>,
    pub(crate) request_size: Histogram<u64>,
    pub(crate) response_size: Histogram<u64>,
    pub(crate) time_to_first_byte: Histogram<f64>,
    /// Streamed responses: from their head to their end, and the bytes they sent.
    pub(crate) stream_duration: Histogram<f64>,
    pub(crate) stream_size: Histogram<u64>,
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

impl Histograms {
    /// The duration histogram of a request, or of a stream.
    #[inline]
    pub(crate) fn duration(&self, stream: bool) -> &Histogram<f64> {
        if stream {
            &self.stream_duration
        } else {
            &self.duration
        }
    }

    /// The response-size histogram of a request, or the bytes-sent one of a stream.
    #[inline]
    pub(crate) fn response_size(&self, stream: bool) -> &Histogram<u64> {
        if stream {
            &self.stream_size
        } else {
            &self.response_size
        }
    }
}

/// The SDK's cardinality limit, for a provider the crate did not build.
pub(crate) const SDK_CARDINALITY_LIMIT: usize = 2_000;

/// `http.server.active_requests` (and `http.server.active_streams`), which carries only
/// method and scheme (per the semantic conventions): all twenty combinations fit in an
/// array, each bound on first use so idle combinations export no zero series.
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

impl ActiveRequests {
    fn new(metric: crate::names::Metric, meter: &Meter) -> Self {
        Self {
            counter: metric.i64_up_down_counter(meter),
            bound: std::array::from_fn(|_| OnceLock::new()),
        }
    }
}

/// The in-flight gauges: requests, and streamed responses past their head.
pub(crate) struct Gauges {
    pub(crate) requests: ActiveRequests,
    pub(crate) streams: ActiveRequests,
}

/// The instruments on `meter`, whose provider keeps `bind_limit` series per instrument.
pub(crate) fn new(
    meter: &Meter,
    bind_limit: usize,
    duration_exemplars: Option<Arc<ExemplarTable>>,
) -> (Histograms, Gauges) {
    let histograms = Histograms {
        duration: metric::HTTP_SERVER_REQUEST_DURATION.f64_histogram(meter),
        request_size: metric::HTTP_SERVER_REQUEST_BODY_SIZE.u64_histogram(meter),
        response_size: metric::HTTP_SERVER_RESPONSE_BODY_SIZE.u64_histogram(meter),
        time_to_first_byte: metric::HTTP_SERVER_TIME_TO_FIRST_BYTE.f64_histogram(meter),
        stream_duration: metric::HTTP_SERVER_STREAM_DURATION.f64_histogram(meter),
        stream_size: metric::HTTP_SERVER_STREAM_BODY_SIZE.u64_histogram(meter),
        bound: AtomicUsize::new(0),
        bind_limit,
        duration_exemplars,
    };
    let gauges = Gauges {
        requests: ActiveRequests::new(metric::HTTP_SERVER_ACTIVE_REQUESTS, meter),
        streams: ActiveRequests::new(metric::HTTP_SERVER_ACTIVE_STREAMS, meter),
    };
    (histograms, gauges)
}
