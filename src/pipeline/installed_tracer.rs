//! [`InstalledTracer`]: the tracer `install()` set up, found when a span is made rather
//! than when the layer is built, so that a service can set up its own `tracing` subscriber
//! first, with [`tracing_layer`](crate::tracing_layer) in it, and install the pipelines
//! after. Before any `install()`, and when the installed pipelines do not trace, its spans
//! record nothing.

use std::sync::{PoisonError, RwLock};

use opentelemetry::Context;
use opentelemetry::trace::{SpanBuilder, Tracer, TracerProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracer, SdkTracerProvider, Span};

use crate::trace::installed;

/// A tracer that makes its spans with the installed pipelines' tracer.
#[derive(Debug)]
pub(crate) struct InstalledTracer {
    /// The tracer of the last `install()` seen, by its generation.
    resolved: RwLock<(u64, Option<SdkTracer>)>,
    /// Makes the spans that record nothing.
    silent: SdkTracer,
}

impl InstalledTracer {
    pub(crate) fn new() -> Self {
        let silent = SdkTracerProvider::builder()
            .with_sampler(Sampler::AlwaysOff)
            .build()
            .tracer_with_scope(crate::scope());
        Self {
            // Generation 0 is "never installed": nothing to resolve yet.
            resolved: RwLock::new((0, None)),
            silent,
        }
    }

    /// The tracer to make a span with now.
    fn current(&self) -> SdkTracer {
        let generation = installed::generation();
        {
            let resolved = self.resolved.read().unwrap_or_else(PoisonError::into_inner);
            if resolved.0 == generation {
                return resolved.1.clone().unwrap_or_else(|| self.silent.clone());
            }
        }
        let tracer = installed::get()
            .and_then(|installed| installed.tracer)
            .map(|server| server.tracer);
        *self
            .resolved
            .write()
            .unwrap_or_else(PoisonError::into_inner) = (generation, tracer.clone());
        tracer.unwrap_or_else(|| self.silent.clone())
    }
}

impl Tracer for InstalledTracer {
    type Span = Span;

    fn build_with_context(&self, builder: SpanBuilder, parent_cx: &Context) -> Span {
        self.current().build_with_context(builder, parent_cx)
    }
}
