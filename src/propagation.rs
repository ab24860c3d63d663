//! How a server span reads the caller's trace context from the request headers.
//!
//! The propagators are held by value rather than looked up in the OpenTelemetry global on
//! every request (a lock), and a request that carries none of their headers (most traffic
//! that enters at the edge) skips extraction altogether.

use std::sync::Arc;

use http::{HeaderMap, HeaderName};
use opentelemetry::Context;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{
    Extractor, Injector, TextMapCompositePropagator, TextMapPropagator,
};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};

/// A set of text-map propagators and the header names they read. Cloning is cheap.
#[derive(Clone)]
pub(crate) struct Propagation(Arc<Inner>);

struct Inner {
    composite: TextMapCompositePropagator,
    headers: Box<[HeaderName]>,
}

impl std::fmt::Debug for Propagation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Propagation").field(&self.0.headers).finish()
    }
}

impl Propagation {
    pub(crate) fn new(propagators: Vec<Box<dyn TextMapPropagator + Send + Sync>>) -> Self {
        let composite = TextMapCompositePropagator::new(propagators);
        let headers = composite
            .fields()
            .filter_map(|field| HeaderName::from_bytes(field.as_bytes()).ok())
            .collect();
        Self(Arc::new(Inner { composite, headers }))
    }

    /// W3C TraceContext and Baggage, the OpenTelemetry default.
    pub(crate) fn w3c() -> Self {
        Self::new(vec![
            Box::new(TraceContextPropagator::new()),
            Box::new(BaggagePropagator::new()),
        ])
    }

    /// The current context, extended with whatever the request's headers carry.
    pub(crate) fn extract(&self, headers: &HeaderMap) -> Context {
        if self.0.headers.iter().any(|name| headers.contains_key(name)) {
            self.0.composite.extract(&Headers(headers))
        } else {
            Context::current()
        }
    }
}

impl TextMapPropagator for Propagation {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        self.0.composite.inject_context(cx, injector);
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        self.0.composite.extract_with_context(cx, extractor)
    }

    fn fields(&self) -> FieldIter<'_> {
        self.0.composite.fields()
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
