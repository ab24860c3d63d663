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
        }
    }

    /// An attribute that keeps the first `max_values` distinct values a layer sees (models
    /// an upstream adds over time); later ones are `_OTHER`.
    pub fn capped(key: &'static str, max_values: usize) -> Self {
        Self {
            key,
            values: Values::Capped(max_values),
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
    attributes: Box<[(&'static str, Fold, Extract)]>,
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
                    (spec.attribute.key, fold, spec.extract.clone())
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
        for (slot, (key, fold, extract)) in values.0.iter_mut().zip(self.attributes.iter()) {
            if let Some(value) = extract(head) {
                span(key, value);
                *slot = fold.index(value).map_or(1, |at| at + 2);
            }
        }
        values
    }

    /// The attributes `values` stand for, added to a series' attributes when it is bound.
    pub(crate) fn push_attributes(&self, values: CustomValues, attributes: &mut Vec<KeyValue>) {
        for (&value, (key, fold, _)) in values.0.iter().zip(self.attributes.iter()) {
            if value != 0 {
                let index = value.checked_sub(2);
                attributes.push(KeyValue::new(*key, fold.value(index).to_string()));
            }
        }
    }
}
