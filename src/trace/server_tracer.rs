//! What a layer makes server spans with: the tracer, the propagators with the trust put in
//! inbound context, and the bound on attribute values taken from the client.

use std::borrow::Cow;

use opentelemetry_sdk::trace::SdkTracer;

use super::propagation::Propagation;

/// The longest value, in characters, of a span attribute taken from the client (`url.path`,
/// `url.query`, `user_agent.original`, `http.request.method_original`) unless configured
/// otherwise. The span queue holds up to 2 048 spans, so this bounds what a client can make
/// the process hold to a few megabytes however long its headers are.
pub const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT: usize = 1024;

#[derive(Clone, Debug)]
pub(crate) struct ServerTracer {
    pub(crate) tracer: SdkTracer,
    pub(crate) propagation: Propagation,
    /// The longest value, in characters, of an attribute taken from the client.
    pub(crate) value_length_limit: usize,
}

/// `value` cut to at most `limit` characters, as the OpenTelemetry attribute limits cut
/// strings; borrowed when it is short enough.
pub(crate) fn truncated(value: &str, limit: usize) -> Cow<'_, str> {
    match value.char_indices().nth(limit) {
        Some((end, _)) => Cow::Borrowed(&value[..end]),
        None => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_cut_at_a_character_boundary() {
        assert_eq!(truncated("short", 10), "short");
        assert_eq!(truncated("exactly", 7), "exactly");
        assert_eq!(truncated("too long", 3), "too");
        assert_eq!(truncated("ééééé", 2), "éé", "characters, not bytes");
        assert_eq!(truncated("anything", 0), "");
    }
}
