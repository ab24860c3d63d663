//! The bound series of one (route, method): one set of bound histograms per outcome.

use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use hashbrown::HashMap;
use opentelemetry::KeyValue;
use opentelemetry::metrics::BoundHistogram;

use super::custom::{CustomAttributes, CustomValues};
use super::fold::{Fold, OTHER};
use super::instruments::{Gauges, Histograms};
use super::labels::{ErrorLabel, MethodLabel, SchemeLabel, VersionLabel};
use super::operation::OperationName;
use crate::classify::{Classify, Failure, ServerErrors};
use crate::dependency::request_scope::RequestScope;
use crate::exemplars::{SeriesExemplars, TraceIds};
use crate::names::attr;

/// How a request ended, everything about it that is not its route or method: what each
/// bound set of histograms is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RequestEnd {
    /// `0` when no response was produced.
    pub(crate) status: u16,
    pub(crate) scheme: SchemeLabel,
    pub(crate) version: VersionLabel,
    pub(crate) error: ErrorLabel,
    /// The layer's custom attributes, folded.
    pub(crate) custom: CustomValues,
    /// A streamed response, recorded in the stream histograms rather than the request ones.
    pub(crate) stream: bool,
}

/// What one finished request reports.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Observation {
    pub(crate) duration_seconds: f64,
    /// `None` when the request carried no body: there is no size to observe.
    pub(crate) request_bytes: Option<u64>,
    /// `None` when the response carried no body.
    pub(crate) response_bytes: Option<u64>,
    /// The request's trace when it was sampled: its duration may become an exemplar.
    pub(crate) trace: Option<TraceIds>,
    /// From arrival to the response head; `None` when no response was produced.
    pub(crate) first_byte_seconds: Option<f64>,
}

/// The bound histograms of one outcome. The size histograms are bound on the first body
/// they see: a bound series is exported even before it records, and a route that never
/// receives a request body should not show an empty request-size series. The outcome of a
/// streamed response binds the stream histograms in place of the request ones, so a stream
/// leaves no series, not even an empty one, in the request histograms.
struct BoundOutcome {
    attributes: Vec<KeyValue>,
    /// `http.server.request.duration`, or `http.server.stream.duration` for a stream.
    duration: BoundHistogram<f64>,
    request_size: OnceLock<BoundHistogram<u64>>,
    /// `http.server.response.body.size`, or `http.server.stream.body.size` for a stream.
    response_size: OnceLock<BoundHistogram<u64>>,
    time_to_first_byte: OnceLock<BoundHistogram<f64>>,
    stream: bool,
    /// The duration's exemplars, looked up on the first sampled request (`None` inside
    /// when the pipelines keep none, or their table is full).
    exemplars: OnceLock<Option<Arc<SeriesExemplars>>>,
}

impl BoundOutcome {
    #[inline]
    fn record(&self, histograms: &Histograms, observation: Observation) {
        self.duration.record(observation.duration_seconds);
        if let Some(seconds) = observation.first_byte_seconds {
            self.time_to_first_byte
                .get_or_init(|| histograms.time_to_first_byte.bind(&self.attributes))
                .record(seconds);
        }
        if let (Some(trace), false) = (observation.trace, self.stream) {
            self.exemplar(histograms, observation.duration_seconds, trace);
        }
        if let Some(bytes) = observation.request_bytes {
            self.request_size
                .get_or_init(|| histograms.request_size.bind(&self.attributes))
                .record(bytes);
        }
        if let Some(bytes) = observation.response_bytes {
            self.response_size
                .get_or_init(|| histograms.response_size(self.stream).bind(&self.attributes))
                .record(bytes);
        }
    }
}

impl BoundOutcome {
    #[cold]
    fn exemplar(&self, histograms: &Histograms, seconds: f64, trace: TraceIds) {
        let exemplars = self.exemplars.get_or_init(|| {
            let table = histograms.duration_exemplars.as_ref()?;
            table.series(&self.attributes).cloned()
        });
        if let Some(exemplars) = exemplars {
            exemplars.offer(seconds, trace);
        }
    }
}

/// The semantic conventions' span name: `{method} {route}`, the method alone without a
/// route, and `HTTP` for a method outside the standard set.
fn span_name(method: MethodLabel, route: Option<&str>) -> String {
    let method = match method {
        MethodLabel::Other => "HTTP",
        method => method.as_str(),
    };
    match route {
        Some(route) => format!("{method} {route}"),
        None => method.to_owned(),
    }
}

/// Outcomes looked up without a lock. A route rarely sees more distinct outcomes than this
/// (a few status codes, one scheme and version); the rest go to a locked overflow map.
const OUTCOME_SLOTS: usize = 12;

/// What every series of one layer shares: its instruments, clock, dependency handle,
/// classifier and the count of operations it has named.
pub(crate) struct SeriesShared {
    pub(crate) histograms: Arc<Histograms>,
    pub(crate) active: Arc<Gauges>,
    /// Route templates whose responses are streams, whatever their content type.
    pub(crate) streaming_routes: Box<[Box<str>]>,
    pub(crate) clock: quanta::Clock,
    pub(crate) dependencies: Option<crate::dependency::Dependencies>,
    pub(crate) classifier: Option<Arc<dyn Classify>>,
    /// The operation names kept, across routes; the rest are `_OTHER`.
    pub(crate) operation_names: Fold,
    /// The layer's custom attributes and the values each has kept.
    pub(crate) custom: CustomAttributes,
}

pub(crate) struct RouteSeries {
    route: Option<Box<str>>,
    method: MethodLabel,
    /// `operation.name`, for the series of an operation named by the handler.
    operation: Option<Box<str>>,
    /// For a fallback route's series: where its `404` answers go, the unmatched series.
    unmatched: Option<Arc<RouteSeries>>,
    /// The series of the operations handlers named on this route, made on first use.
    operations: RwLock<HashMap<Box<str>, Arc<RouteSeries>>>,
    shared: Arc<SeriesShared>,
    /// `"{method} {route}"` (or the method alone), the name of this route's server spans.
    span_name: Box<str>,
    /// What is made current while a request of this series is served: the route and the
    /// dependency handle of the layer.
    scope: Arc<RequestScope>,
    /// The layer's classifier; `None` for [`ServerErrors`], called without indirection.
    classifier: Option<Arc<dyn Classify>>,
    histograms: Arc<Histograms>,
    active: Arc<Gauges>,
    clock: quanta::Clock,
    /// Whether the layer was told this route streams.
    streaming: bool,
    /// `None` beside an outcome means the bound-series cap was reached: record unbound.
    slots: [OnceLock<(RequestEnd, Option<BoundOutcome>)>; OUTCOME_SLOTS],
    /// Only bound outcomes are stored here; past the cap nothing is, so it stays bounded.
    overflow: RwLock<HashMap<RequestEnd, BoundOutcome>>,
}

impl RouteSeries {
    pub(crate) fn new(
        route: Option<&str>,
        method: MethodLabel,
        shared: &Arc<SeriesShared>,
    ) -> Self {
        Self::named(route, method, None, None, shared)
    }

    /// The series of a fallback route, whose `404` answers go to `unmatched` instead.
    pub(crate) fn fallback(
        template: &str,
        unmatched: Arc<RouteSeries>,
        shared: &Arc<SeriesShared>,
    ) -> Self {
        let method = unmatched.method;
        Self::named(Some(template), method, None, Some(unmatched), shared)
    }

    fn named(
        route: Option<&str>,
        method: MethodLabel,
        operation: Option<&str>,
        unmatched: Option<Arc<RouteSeries>>,
        shared: &Arc<SeriesShared>,
    ) -> Self {
        Self {
            route: route.map(Box::from),
            method,
            operation: operation.map(Box::from),
            unmatched,
            operations: RwLock::new(HashMap::new()),
            shared: shared.clone(),
            span_name: span_name(method, route).into(),
            scope: Arc::new(RequestScope::new(route, shared.dependencies.clone())),
            classifier: shared.classifier.clone(),
            histograms: shared.histograms.clone(),
            active: shared.active.clone(),
            clock: shared.clock.clone(),
            streaming: route.is_some_and(|route| {
                shared
                    .streaming_routes
                    .iter()
                    .any(|streaming| **streaming == *route)
            }),
            slots: std::array::from_fn(|_| OnceLock::new()),
            overflow: RwLock::new(HashMap::new()),
        }
    }

    pub(crate) fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }

    pub(crate) fn operation(&self) -> Option<&str> {
        self.operation.as_deref()
    }

    /// The series a request of this one moves to once its response head is known: the
    /// operation its handler named, or, for a fallback route answered `404`, the unmatched
    /// series. `None` keeps it here.
    #[inline]
    pub(crate) fn renamed(
        &self,
        status: http::StatusCode,
        extensions: &http::Extensions,
    ) -> Option<Arc<RouteSeries>> {
        if let Some(unmatched) = &self.unmatched {
            if status == http::StatusCode::NOT_FOUND {
                return Some(unmatched.clone());
            }
        }
        let operation = extensions.get::<OperationName>()?;
        Some(self.operation_series(operation.as_str()))
    }

    /// The series of `name` on this route; past the layer's cap, or for a name too long to
    /// be one, the series of `_OTHER`.
    #[cold]
    fn operation_series(&self, name: &str) -> Arc<RouteSeries> {
        let name = match self.shared.operation_names.index(name) {
            Some(_) => name,
            None => OTHER,
        };
        if let Some(series) = self
            .operations
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
        {
            return series.clone();
        }
        let mut operations = self
            .operations
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(series) = operations.get(name) {
            return series.clone();
        }
        let series = Arc::new(Self::named(
            self.route(),
            self.method,
            Some(name),
            None,
            &self.shared,
        ));
        operations.insert(name.into(), series.clone());
        series
    }

    #[inline]
    pub(crate) fn method(&self) -> MethodLabel {
        self.method
    }

    /// The scope the request's dependency calls find (see `dependency::request_scope`).
    #[inline]
    pub(crate) fn scope(&self) -> Arc<RequestScope> {
        self.scope.clone()
    }

    /// The layer's custom attributes.
    #[inline]
    pub(crate) fn custom(&self) -> &CustomAttributes {
        &self.shared.custom
    }

    /// The failure a response head reports, by the layer's classifier.
    #[inline]
    pub(crate) fn classify_response(
        &self,
        status: http::StatusCode,
        headers: &http::HeaderMap,
    ) -> Option<Failure> {
        match &self.classifier {
            None => ServerErrors.classify_response(status, headers),
            Some(classifier) => classifier.classify_response(status, headers),
        }
    }

    /// The failure the trailers of a response body report, by the layer's classifier.
    pub(crate) fn classify_trailers(&self, trailers: &http::HeaderMap) -> Option<Failure> {
        self.classifier.as_ref()?.classify_trailers(trailers)
    }

    pub(crate) fn span_name(&self) -> &str {
        &self.span_name
    }

    /// Counts a request of this route in flight, and returns the clock's raw start time.
    #[inline]
    pub(crate) fn start(&self, scheme: SchemeLabel) -> u64 {
        self.active.requests.increment(self.method, scheme);
        self.clock.raw()
    }

    /// The clock's raw time now.
    #[inline]
    pub(crate) fn now(&self) -> u64 {
        self.clock.raw()
    }

    /// Seconds from `start` to `end`, both raw clock times.
    #[inline]
    pub(crate) fn seconds(&self, start: u64, end: u64) -> f64 {
        self.clock.delta_as_nanos(start, end) as f64 * 1e-9
    }

    /// Whether the layer was told this route's responses are streams.
    #[inline]
    pub(crate) fn streaming(&self) -> bool {
        self.streaming
    }

    /// Moves a request whose streaming head was sent from the in-flight requests to the
    /// open streams.
    #[cold]
    pub(crate) fn open_stream(&self, scheme: SchemeLabel) {
        self.active.requests.decrement(self.method, scheme);
        self.active.streams.increment(self.method, scheme);
    }

    /// Releases the in-flight count taken by [`start`](Self::start); returns the seconds since.
    #[inline]
    pub(crate) fn end(&self, scheme: SchemeLabel, start: u64) -> f64 {
        self.active.requests.decrement(self.method, scheme);
        self.seconds(start, self.clock.raw())
    }

    /// Releases a stream opened by [`open_stream`](Self::open_stream); returns the seconds
    /// since its head.
    #[cold]
    pub(crate) fn end_stream(&self, scheme: SchemeLabel, head: u64) -> f64 {
        self.active.streams.decrement(self.method, scheme);
        self.seconds(head, self.clock.raw())
    }

    #[inline]
    pub(crate) fn record(&self, outcome: RequestEnd, observation: Observation) {
        for slot in &self.slots {
            let (stored, bound) = match slot.get() {
                Some(entry) => entry,
                // Two threads may race for an empty slot; the loser sees the winner's
                // outcome there and moves on to the next slot.
                None => slot.get_or_init(|| (outcome, self.bind(outcome))),
            };
            if *stored == outcome {
                return self.record_bound(bound.as_ref(), outcome, observation);
            }
        }
        self.record_overflow(outcome, observation);
    }

    #[cold]
    fn record_overflow(&self, outcome: RequestEnd, observation: Observation) {
        {
            let overflow = self.overflow.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(bound) = overflow.get(&outcome) {
                return self.record_bound(Some(bound), outcome, observation);
            }
        }
        let mut overflow = self
            .overflow
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if !overflow.contains_key(&outcome) {
            match self.bind(outcome) {
                Some(bound) => {
                    overflow.insert(outcome, bound);
                }
                None => return self.record_bound(None, outcome, observation),
            }
        }
        self.record_bound(overflow.get(&outcome), outcome, observation);
    }

    #[inline]
    fn record_bound(
        &self,
        bound: Option<&BoundOutcome>,
        outcome: RequestEnd,
        observation: Observation,
    ) {
        match bound {
            Some(bound) => bound.record(&self.histograms, observation),
            None => {
                let attributes = self.attributes(outcome);
                let histograms = &self.histograms;
                histograms
                    .duration(outcome.stream)
                    .record(observation.duration_seconds, &attributes);
                if let Some(seconds) = observation.first_byte_seconds {
                    histograms.time_to_first_byte.record(seconds, &attributes);
                }
                if let (Some(trace), Some(table), false) = (
                    observation.trace,
                    &histograms.duration_exemplars,
                    outcome.stream,
                ) {
                    table.offer(&attributes, observation.duration_seconds, trace);
                }
                if let Some(bytes) = observation.request_bytes {
                    histograms.request_size.record(bytes, &attributes);
                }
                if let Some(bytes) = observation.response_bytes {
                    histograms
                        .response_size(outcome.stream)
                        .record(bytes, &attributes);
                }
            }
        }
    }

    fn bind(&self, outcome: RequestEnd) -> Option<BoundOutcome> {
        if self.histograms.bound.fetch_add(1, Ordering::Relaxed) >= self.histograms.bind_limit {
            return None;
        }
        let attributes = self.attributes(outcome);
        Some(BoundOutcome {
            duration: self.histograms.duration(outcome.stream).bind(&attributes),
            request_size: OnceLock::new(),
            response_size: OnceLock::new(),
            time_to_first_byte: OnceLock::new(),
            stream: outcome.stream,
            exemplars: OnceLock::new(),
            attributes,
        })
    }

    fn attributes(&self, outcome: RequestEnd) -> Vec<KeyValue> {
        let mut attributes = Vec::with_capacity(7);
        attributes.push(KeyValue::new(
            attr::HTTP_REQUEST_METHOD,
            self.method.as_str(),
        ));
        if let Some(route) = &self.route {
            attributes.push(KeyValue::new(attr::HTTP_ROUTE, route.to_string()));
        }
        if let Some(operation) = &self.operation {
            attributes.push(KeyValue::new(attr::OPERATION_NAME, operation.to_string()));
        }
        if outcome.status != 0 {
            attributes.push(KeyValue::new(
                attr::HTTP_RESPONSE_STATUS_CODE,
                i64::from(outcome.status),
            ));
        }
        attributes.push(KeyValue::new(attr::URL_SCHEME, outcome.scheme.as_str()));
        attributes.push(KeyValue::new(
            attr::NETWORK_PROTOCOL_VERSION,
            outcome.version.as_str(),
        ));
        let error = outcome.error.value(outcome.status);
        if let Some(error) = error {
            attributes.push(KeyValue::new(attr::ERROR_TYPE, error));
        }
        self.shared
            .custom
            .push_attributes(outcome.custom, &mut attributes);
        attributes
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::metrics::MeterProvider;
    use opentelemetry_sdk::metrics::SdkMeterProvider;

    use super::*;
    use crate::http::route_table::{RouteTable, TableOptions};

    fn end(status: u16) -> RequestEnd {
        RequestEnd {
            status,
            scheme: SchemeLabel::Http,
            version: VersionLabel::of(http::Version::HTTP_11),
            error: ErrorLabel::None,
            custom: CustomValues::default(),
            stream: false,
        }
    }

    /// A series of a fresh provider; the provider is returned so it outlives the test body.
    fn series(route: Option<&str>, method: MethodLabel) -> (SdkMeterProvider, Arc<RouteSeries>) {
        let provider = SdkMeterProvider::builder().build();
        let table = RouteTable::new(
            &provider.meter("test"),
            quanta::Clock::new(),
            TableOptions {
                max_operations: 2,
                cardinality_limit: crate::http::instruments::SDK_CARDINALITY_LIMIT,
                ..TableOptions::default()
            },
        );
        let series = table.route_series(route, method);
        (provider, series)
    }

    const OBSERVATION: Observation = Observation {
        duration_seconds: 0.01,
        request_bytes: None,
        response_bytes: Some(0),
        trace: None,
        first_byte_seconds: Some(0.001),
    };

    #[test]
    fn binding_stops_at_the_cap_and_recording_goes_on_unbound() {
        let (_provider, series) = series(Some("/r"), MethodLabel::Get);
        // Pretend the rest of the process already bound all but three series.
        series.histograms.bound.store(
            series.histograms.bind_limit - 3,
            std::sync::atomic::Ordering::Relaxed,
        );
        for status in 200..210 {
            series.record(end(status), OBSERVATION);
        }
        let bound = series
            .slots
            .iter()
            .filter_map(|slot| slot.get())
            .filter(|(_, b)| b.is_some())
            .count();
        assert_eq!(bound, 3);
        let used = series
            .slots
            .iter()
            .filter(|slot| slot.get().is_some())
            .count();
        assert_eq!(
            used, 10,
            "past the cap outcomes still get a slot, recorded unbound"
        );
    }

    #[test]
    fn outcomes_beyond_the_slots_go_to_the_overflow_map() {
        let (_provider, series) = series(None, MethodLabel::Post);
        for status in 100..(100 + OUTCOME_SLOTS as u16 + 5) {
            series.record(end(status), OBSERVATION);
            series.record(end(status), OBSERVATION);
        }
        assert_eq!(series.overflow.read().unwrap().len(), 5);
    }

    #[test]
    fn past_the_cap_the_overflow_map_stores_nothing() {
        let (_provider, series) = series(Some("/r"), MethodLabel::Put);
        series.histograms.bound.store(
            series.histograms.bind_limit,
            std::sync::atomic::Ordering::Relaxed,
        );
        for status in 100..600 {
            series.record(end(status), OBSERVATION);
        }
        assert!(series.overflow.read().unwrap().is_empty());
    }
}
