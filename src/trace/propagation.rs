//! How trace context crosses process boundaries: read from inbound requests, within the trust
//! the service puts in its callers, and written into outbound ones.
//!
//! The propagators are held by value rather than looked up in the OpenTelemetry global on
//! every request (a lock), and a request that carries none of their headers (most traffic
//! that enters at the edge) skips extraction altogether.

use std::sync::Arc;

use http::{HeaderMap, HeaderName};
use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{
    Extractor, Injector, TextMapCompositePropagator, TextMapPropagator,
};
use opentelemetry::trace::{SpanContext, TraceContextExt};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};

/// How far a server trusts the trace context (`traceparent`, `tracestate`) its callers send.
///
/// The default, [`Continue`](Self::Continue), is what OpenTelemetry does everywhere and what
/// a service behind a gateway, a mesh or another instrumented service wants: its spans join
/// the caller's trace. A service that takes requests straight from the internet should use
/// [`NewTrace`](Self::NewTrace): otherwise any client can pick the trace id its requests are
/// filed under and, with `traceparent: ...-01`, force them to be sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TraceContextTrust {
    /// Continue the caller's trace: its trace id, parent span and sampling decision.
    #[default]
    Continue,
    /// Start a new trace for every request, sampled by this service's sampler alone; the
    /// caller's span, when there is one, is kept as a span link so the two can still be
    /// found from each other.
    NewTrace,
}

/// What a server does with the context its callers send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inbound {
    pub(crate) trace_context: TraceContextTrust,
    /// Whether inbound `baggage` entries are made current for the handler.
    pub(crate) baggage: bool,
}

impl Default for Inbound {
    fn default() -> Self {
        Self {
            trace_context: TraceContextTrust::Continue,
            baggage: true,
        }
    }
}

/// A set of text-map propagators, the header names they read, and the inbound trust.
/// Cloning is cheap.
#[derive(Clone)]
pub(crate) struct Propagation(Arc<Inner>);

struct Inner {
    /// W3C TraceContext and Baggage, as configured.
    all: TextMapCompositePropagator,
    /// The same without Baggage: what outbound calls carry unless asked to forward baggage.
    without_baggage: TextMapCompositePropagator,
    headers: Box<[HeaderName]>,
    trace_context: bool,
    baggage: bool,
    inbound: Inbound,
}

impl std::fmt::Debug for Propagation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Propagation")
            .field("headers", &self.0.headers)
            .field("inbound", &self.0.inbound)
            .finish()
    }
}

fn composite(trace_context: bool, baggage: bool) -> TextMapCompositePropagator {
    let mut propagators: Vec<Box<dyn TextMapPropagator + Send + Sync>> = Vec::new();
    if trace_context {
        propagators.push(Box::new(TraceContextPropagator::new()));
    }
    if baggage {
        propagators.push(Box::new(BaggagePropagator::new()));
    }
    TextMapCompositePropagator::new(propagators)
}

impl Propagation {
    /// The W3C TraceContext propagator, the W3C Baggage propagator, both or neither.
    pub(crate) fn new(trace_context: bool, baggage: bool) -> Self {
        Self::with(trace_context, baggage, Inbound::default())
    }

    fn with(trace_context: bool, baggage: bool, inbound: Inbound) -> Self {
        let all = composite(trace_context, baggage);
        let headers = all
            .fields()
            .filter_map(|field| HeaderName::from_bytes(field.as_bytes()).ok())
            .collect();
        Self(Arc::new(Inner {
            all,
            without_baggage: composite(trace_context, false),
            headers,
            trace_context,
            baggage,
            inbound,
        }))
    }

    /// W3C TraceContext and Baggage, the OpenTelemetry default.
    pub(crate) fn w3c() -> Self {
        Self::new(true, true)
    }

    /// The same propagators with another inbound trust.
    pub(crate) fn with_inbound(&self, inbound: Inbound) -> Self {
        Self::with(self.0.trace_context, self.0.baggage, inbound)
    }

    pub(crate) fn inbound(&self) -> Inbound {
        self.0.inbound
    }

    /// The parent of a request's server span: the current context, extended with what the
    /// request's headers carry and the inbound trust allows. Also returns the caller's span
    /// when it is not trusted as the parent, for a span link.
    pub(crate) fn extract(&self, headers: &HeaderMap) -> (Context, Option<SpanContext>) {
        if !self.0.headers.iter().any(|name| headers.contains_key(name)) {
            return (Context::current(), None);
        }
        let extracted = self.0.all.extract(&Headers(headers));
        let inbound = self.0.inbound;
        if inbound == Inbound::default() {
            return (extracted, None);
        }
        let (parent, link) = match inbound.trace_context {
            TraceContextTrust::Continue => (extracted.clone(), None),
            TraceContextTrust::NewTrace => {
                let caller = extracted.span().span_context().clone();
                (Context::current(), caller.is_valid().then_some(caller))
            }
        };
        let baggage: Vec<_> = if inbound.baggage {
            extracted
                .baggage()
                .iter()
                .map(|(key, (value, metadata))| {
                    opentelemetry::baggage::KeyValueMetadata::new(
                        key.clone(),
                        value.clone(),
                        metadata.clone(),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        (parent.with_baggage(baggage), link)
    }

    /// Writes `cx` into outbound request headers; its baggage only when `baggage` is set.
    pub(crate) fn inject(&self, cx: &Context, injector: &mut dyn Injector, baggage: bool) {
        if baggage {
            self.0.all.inject_context(cx, injector);
        } else {
            self.0.without_baggage.inject_context(cx, injector);
        }
    }
}

impl TextMapPropagator for Propagation {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        self.0.all.inject_context(cx, injector);
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        self.0.all.extract_with_context(cx, extractor)
    }

    fn fields(&self) -> FieldIter<'_> {
        self.0.all.fields()
    }
}

/// Request headers as the propagators read them.
struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(HeaderName::as_str).collect()
    }
}

/// Outbound request headers as the propagators write them.
pub(crate) struct HeadersMut<'a>(pub(crate) &'a mut HeaderMap);

impl Injector for HeadersMut<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(key.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            self.0.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::KeyValue;
    use opentelemetry::trace::TraceContextExt;

    use super::*;

    const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn inbound() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("traceparent", TRACEPARENT.parse().unwrap());
        headers.insert("baggage", "user=ada,tenant=acme".parse().unwrap());
        headers
    }

    #[test]
    fn by_default_the_callers_trace_and_baggage_are_continued() {
        let (cx, link) = Propagation::w3c().extract(&inbound());
        assert_eq!(
            cx.span().span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert!(link.is_none());
        assert_eq!(cx.baggage().len(), 2);
    }

    #[test]
    fn a_new_trace_links_the_caller_and_can_drop_its_baggage() {
        let propagation = Propagation::w3c().with_inbound(Inbound {
            trace_context: TraceContextTrust::NewTrace,
            baggage: false,
        });
        let (cx, link) = propagation.extract(&inbound());
        assert!(!cx.span().span_context().is_valid(), "no remote parent");
        assert_eq!(
            link.unwrap().span_id().to_string(),
            "00f067aa0ba902b7",
            "the caller's span is linked"
        );
        assert_eq!(cx.baggage().len(), 0);
        let keep_baggage = Propagation::w3c().with_inbound(Inbound {
            trace_context: TraceContextTrust::NewTrace,
            baggage: true,
        });
        assert_eq!(keep_baggage.extract(&inbound()).0.baggage().len(), 2);
    }

    #[test]
    fn outbound_calls_carry_baggage_only_when_asked() {
        let propagation = Propagation::w3c();
        let cx = propagation
            .extract(&inbound())
            .0
            .with_baggage([KeyValue::new("user", "ada")]);
        let mut without = HeaderMap::new();
        propagation.inject(&cx, &mut HeadersMut(&mut without), false);
        assert!(without.contains_key("traceparent"));
        assert!(!without.contains_key("baggage"));
        let mut with = HeaderMap::new();
        propagation.inject(&cx, &mut HeadersMut(&mut with), true);
        assert!(with.contains_key("baggage"));
    }
}
