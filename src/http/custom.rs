//! Custom attributes: labels the application adds to the HTTP metrics and the server span
//! from the request (a tenant's tier, an API version, a model), each with the values it may
//! take ([`Fold`]): no client can grow the series count.

use std::sync::Arc;

use opentelemetry::KeyValue;

use super::fold::Fold;

/// At most this many custom attributes per layer: each multiplies the series a route can
/// have.
pub(crate) const MAX_CUSTOM_ATTRIBUTES: usize = 4;

/// The parts of a request an attribute is read from.
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    method: &'a http::Method,
    uri: &'a http::Uri,
    headers: &'a http::HeaderMap,
    extensions: &'a http::Extensions,
}

impl<'a> RequestHead<'a> {
    pub(crate) fn of<B>(request: &'a http::Request<B>) -> Self {
        Self {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
            extensions: request.extensions(),
        }
    }

    /// The request method.
    pub fn method(&self) -> &'a http::Method {
        self.method
    }

    /// The request target: path and query.
    pub fn uri(&self) -> &'a http::Uri {
        self.uri
    }

    /// The request headers.
    pub fn headers(&self) -> &'a http::HeaderMap {
        self.headers
    }

    /// What earlier layers put in the request (an authenticated tenant, say).
    pub fn extensions(&self) -> &'a http::Extensions {
        self.extensions
    }

    /// The header `name` as text, when it is present and valid text.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The server as the client addressed it, `host[:port]`: the authority of an HTTP/2
    /// request (or of an absolute URI), else the `Host` header.
    pub fn authority(&self) -> Option<&'a str> {
        match self.uri.authority() {
            Some(authority) => Some(authority.as_str()),
            None => self.header("host"),
        }
    }
}

/// `authority` as host and port (`[::1]:8080` is `[::1]` and `8080`).
pub(crate) fn host_and_port(authority: &str) -> (&str, Option<&str>) {
    let host_end = match authority.strip_prefix('[') {
        Some(rest) => rest.find(']').map_or(authority.len(), |at| at + 2),
        None => authority.find(':').unwrap_or(authority.len()),
    };
    let (host, rest) = authority.split_at(host_end);
    (host, rest.strip_prefix(':').filter(|port| !port.is_empty()))
}

/// A label [`MonitoringLayer::with_attribute`](crate::MonitoringLayer::with_attribute) adds
/// to `http.server.request.duration`, the body-size histograms and the server span, with the
/// values it may take on the metrics: a closed set, or a cap on the distinct values a layer
/// keeps. Anything else, and any value longer than 64 bytes, is recorded as `_OTHER`, as
/// are operation names past their cap. The span carries the value as read.
#[derive(Debug)]
pub struct CustomAttribute {
    key: &'static str,
    values: Values,
    /// Recorded as an integer (`server.port`), its folded `_OTHER` as text.
    integer: bool,
    /// Told to the span too; not for attributes the span carries anyway.
    on_span: bool,
}

#[derive(Debug, Clone)]
enum Values {
    OneOf(Vec<String>),
    Capped(usize),
}

impl CustomAttribute {
    /// An attribute whose only values are `values` (a plan, a region, an API version).
    pub fn one_of(key: &'static str, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            key,
            values: Values::OneOf(values.into_iter().map(Into::into).collect()),
            integer: false,
            on_span: true,
        }
    }

    /// An attribute that keeps the first `max_values` distinct values a layer sees (models
    /// an upstream adds over time); later ones are `_OTHER`.
    pub fn capped(key: &'static str, max_values: usize) -> Self {
        Self {
            key,
            values: Values::Capped(max_values),
            integer: false,
            on_span: true,
        }
    }

    /// Recorded as an integer where the value is one.
    pub(crate) fn integer(self) -> Self {
        Self {
            integer: true,
            ..self
        }
    }

    /// On the metrics only: the server span sets this attribute itself.
    pub(crate) fn metrics_only(self) -> Self {
        Self {
            on_span: false,
            ..self
        }
    }

    pub(crate) fn key(&self) -> &'static str {
        self.key
    }
}

/// Reads a custom attribute's value from the request; `None` leaves the attribute out.
pub(crate) type Extract = Arc<dyn for<'a> Fn(&'a RequestHead<'a>) -> Option<&'a str> + Send + Sync>;

/// One attribute as configured on a layer.
#[derive(Clone)]
pub(crate) struct CustomSpec {
    pub(crate) attribute: Arc<CustomAttribute>,
    pub(crate) extract: Extract,
}

impl std::fmt::Debug for CustomSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.attribute.fmt(f)
    }
}

/// The custom values of one request, by attribute: `0` when the extractor found none, `1`
/// for `_OTHER`, else the kept value's index plus 2. Small and `Copy`: part of the key of a
/// request's bound series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct CustomValues([u16; MAX_CUSTOM_ATTRIBUTES]);

/// The custom attributes of one layer, with the values each has kept.
#[derive(Default)]
pub(crate) struct CustomAttributes {
    attributes: Box<[Kept]>,
}

/// One attribute of a layer: its key, whether it is an integer, its values, its reader.
struct Kept {
    key: &'static str,
    integer: bool,
    on_span: bool,
    fold: Fold,
    extract: Extract,
}

impl CustomAttributes {
    pub(crate) fn new(specs: &[CustomSpec]) -> Self {
        Self {
            attributes: specs
                .iter()
                .take(MAX_CUSTOM_ATTRIBUTES)
                .map(|spec| {
                    let fold = match &spec.attribute.values {
                        Values::OneOf(values) => Fold::one_of(values.iter().map(String::as_str)),
                        Values::Capped(cap) => Fold::capped(*cap),
                    };
                    Kept {
                        key: spec.attribute.key,
                        integer: spec.attribute.integer,
                        on_span: spec.attribute.on_span,
                        fold,
                        extract: spec.extract.clone(),
                    }
                })
                .collect(),
        }
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    /// The request's values, folded; `span` is told each value as read.
    pub(crate) fn read(
        &self,
        head: &RequestHead<'_>,
        mut span: impl FnMut(&'static str, &str),
    ) -> CustomValues {
        let mut values = CustomValues::default();
        for (slot, kept) in values.0.iter_mut().zip(self.attributes.iter()) {
            if let Some(value) = (kept.extract)(head) {
                if kept.on_span {
                    span(kept.key, value);
                }
                *slot = kept.fold.index(value).map_or(1, |at| at + 2);
            }
        }
        values
    }

    /// The attributes `values` stand for, added to a series' attributes when it is bound.
    pub(crate) fn push_attributes(&self, values: CustomValues, attributes: &mut Vec<KeyValue>) {
        for (&value, kept) in values.0.iter().zip(self.attributes.iter()) {
            if value != 0 {
                let value = kept.fold.value(value.checked_sub(2));
                let attribute = match value.parse::<i64>() {
                    Ok(number) if kept.integer => KeyValue::new(kept.key, number),
                    _ => KeyValue::new(kept.key, value.to_string()),
                };
                attributes.push(attribute);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::host_and_port;

    #[test]
    fn an_authority_splits_into_host_and_port() {
        assert_eq!(host_and_port("api.example.com"), ("api.example.com", None));
        assert_eq!(
            host_and_port("api.example.com:8443"),
            ("api.example.com", Some("8443"))
        );
        assert_eq!(host_and_port("[::1]:8080"), ("[::1]", Some("8080")));
        assert_eq!(host_and_port("[::1]"), ("[::1]", None));
        assert_eq!(host_and_port("host:"), ("host", None));
    }
}
