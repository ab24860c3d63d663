//! The tracer provider: a batch span processor with a bounded queue in front of the
//! exporter, and the head sampler.

use std::sync::Arc;

use opentelemetry::metrics::Meter;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchSpanProcessor, Sampler, SdkTracerProvider, SpanExporter};

use super::export_failures::{CountedExporter, ExportStatus};

/// Makes the span processor once the meter for its failure counter exists.
pub(crate) type ProcessorFactory =
    Box<dyn FnOnce(&Meter, Arc<ExportStatus>) -> BatchSpanProcessor + Send>;

/// A factory for `exporter` behind a batch processor whose failed exports are counted.
///
/// The queue holds 2 048 spans by default (`OTEL_BSP_MAX_QUEUE_SIZE`); when it is full the
/// span is dropped, and the SDK counts it in `otel.sdk.processor.span.processed` with
/// `error.type="queue_full"`. Ending a span never waits for the exporter.
pub(crate) fn processor<E: SpanExporter + 'static>(exporter: E) -> ProcessorFactory {
    Box::new(move |meter, status| {
        BatchSpanProcessor::builder(CountedExporter::new(exporter, meter, status)).build()
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
