//! Ending a span the way every span of this crate ends: with `error.type` and an error
//! status when the work failed (or was cancelled), so server, client and dependency spans
//! name a failure as their metrics do.

use std::borrow::Cow;

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanRef, Status};

use crate::names::attr;

/// Ends `span`, marking it failed with `error` (its `error.type`) when there is one. The
/// status description stays empty: `error.type` already says why, and the conventions keep
/// the description for what the code and type cannot say.
pub(crate) fn end(span: SpanRef<'_>, error: Option<Cow<'static, str>>) {
    if let Some(error) = error {
        span.set_status(Status::error(""));
        span.set_attribute(KeyValue::new(attr::ERROR_TYPE, error));
    }
    span.end();
}
