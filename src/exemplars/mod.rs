//! Exemplars: for each series of a duration histogram and each of its buckets, the trace of
//! a recent sampled request or call that landed there, so a slow bucket on a dashboard links
//! to a trace that was slow.
//!
//! The SDK keeps no exemplars (opentelemetry-rust #3369), so they are kept here, beside the
//! histograms, and joined with the SDK's data when `/metrics` is rendered as OpenMetrics:
//!
//! - [`ExemplarTable`] (one per duration instrument): the series that have had a sampled
//!   recording, by attribute set, in a fixed table sized for the cardinality limit and
//!   looked up without a lock.
//! - [`SeriesExemplars`] (one per series): one exemplar per bucket, the latest.
//!
//! An unsampled request touches none of it. A sampled one takes the lock of its own
//! series' bucket only, and never waits for it.

mod series;
mod table;

use std::sync::Arc;

use opentelemetry::Context;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceId};

// Exemplars are read back only to render the OpenMetrics text.
#[cfg_attr(not(feature = "prometheus"), allow(unused_imports))]
pub(crate) use series::{Exemplar, SeriesExemplars};
pub(crate) use table::ExemplarTable;

/// The trace and span of a sampled recording, the two labels of its exemplar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TraceIds {
    pub(crate) trace_id: TraceId,
    pub(crate) span_id: SpanId,
}

impl TraceIds {
    /// The ids of `span_context` when it is sampled: only a sampled span reaches the trace
    /// backend, so only it can be the target of a link.
    #[inline]
    pub(crate) fn sampled(span_context: &SpanContext) -> Option<Self> {
        span_context.is_sampled().then(|| Self {
            trace_id: span_context.trace_id(),
            span_id: span_context.span_id(),
        })
    }

    /// The ids of the span current in `cx`, when it is sampled.
    #[inline]
    pub(crate) fn of(cx: &Context) -> Option<Self> {
        Self::sampled(cx.span().span_context())
    }
}

/// The exemplar tables of one meter provider, one per duration instrument that keeps them.
#[derive(Debug)]
pub(crate) struct Exemplars {
    tables: Box<[(&'static str, Arc<ExemplarTable>)]>,
}

impl Exemplars {
    /// Tables for `instruments` (OpenTelemetry names with their bucket bounds), each holding
    /// at most `series` series: the provider's cardinality limit, past which the SDK folds
    /// recordings into one overflow series anyway.
    pub(crate) fn new<'a>(
        instruments: impl IntoIterator<Item = (&'static str, &'a [f64])>,
        series: usize,
    ) -> Self {
        Self {
            tables: instruments
                .into_iter()
                .map(|(name, bounds)| (name, Arc::new(ExemplarTable::new(bounds, series))))
                .collect(),
        }
    }

    /// The table of the instrument named `name`, `None` when it keeps no exemplars.
    pub(crate) fn table(&self, name: &str) -> Option<&Arc<ExemplarTable>> {
        self.tables
            .iter()
            .find(|(instrument, _)| *instrument == name)
            .map(|(_, table)| table)
    }
}

/// Ids made of one repeated byte, for tests.
#[cfg(test)]
pub(crate) fn test_trace(n: u8) -> TraceIds {
    TraceIds {
        trace_id: TraceId::from_bytes([n; 16]),
        span_id: SpanId::from_bytes([n; 8]),
    }
}
