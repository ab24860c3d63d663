//! The tracer provider: a batch span processor with a bounded queue in front of the
//! exporter, the head sampler, and the tracer that [`MonitoringLayer`](crate::MonitoringLayer)
//! picks up when the pipelines are installed.

use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::metrics::Meter;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchSpanProcessor, Sampler, SdkTracerProvider, SpanExporter};

use super::export_failures::CountedExporter;
use crate::propagation::Propagation;
use crate::server_tracer::ServerTracer;

/// Makes the span processor once the meter for its failure counter exists.
pub(super) type ProcessorFactory = Box<dyn FnOnce(&Meter) -> BatchSpanProcessor + Send>;

/// A factory for `exporter` behind a batch processor whose failed exports are counted.
///
/// The queue holds 2 048 spans by default (`OTEL_BSP_MAX_QUEUE_SIZE`); when it is full the
/// span is dropped, and the SDK counts it in `otel.sdk.processor.span.processed` with
/// `error.type="queue_full"`. Ending a span never waits for the exporter.
pub(super) fn processor<E: SpanExporter + 'static>(exporter: E) -> ProcessorFactory {
    Box::new(move |meter| {
        BatchSpanProcessor::builder(CountedExporter::new(exporter, meter)).build()
    })
}

pub(super) fn provider(
    processor: BatchSpanProcessor,
    sampler: Sampler,
    resource: Resource,
) -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_resource(resource)
        .with_sampler(sampler)
        .with_span_processor(processor)
        .build()
}

/// The tracer and propagators of the pipelines `install()` made, for layers given none.
static INSTALLED: RwLock<Option<ServerTracer>> = RwLock::new(None);

/// How many times a tracer was installed, so that what resolved the last one can tell.
static GENERATION: AtomicU64 = AtomicU64::new(0);

pub(super) fn set_installed(
    provider: &SdkTracerProvider,
    propagation: Propagation,
    value_length_limit: usize,
) {
    let tracer = ServerTracer {
        tracer: provider.tracer_with_scope(crate::scope()),
        propagation,
        value_length_limit,
    };
    *INSTALLED
        .write()
        .unwrap_or_else(|poison| poison.into_inner()) = Some(tracer);
    GENERATION.fetch_add(1, Ordering::Release);
}

/// Changes each time `install()` installs a tracer.
pub(crate) fn installed_tracer_generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// The installed tracer and propagators, if `install()` built a tracer.
pub(crate) fn installed_tracer() -> Option<ServerTracer> {
    INSTALLED
        .read()
        .unwrap_or_else(|poison| poison.into_inner())
        .clone()
}
