//! The small, closed sets of attribute values a request maps onto.
//!
//! Each is a `Copy` enum so a request carries bytes, not strings; the strings are written
//! once per series when its attribute set is built.

use std::borrow::Cow;

use http::Version;

pub(crate) use crate::method::MethodLabel;

use crate::classify::Failure;
use crate::names::error_type;

/// `url.scheme`, as the server knows it (see [`UrlScheme`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SchemeLabel {
    Http,
    Https,
}

/// Where a layer takes `url.scheme` from. Never from the request line: an absolute-form
/// target (`GET https://host/path`) or an HTTP/2 `:scheme` is whatever the client wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UrlScheme {
    /// The server speaks plain HTTP (the default).
    #[default]
    Http,
    /// The server terminates TLS itself.
    Https,
    /// A proxy in front terminates TLS and says so in `X-Forwarded-Proto`. Use it only when
    /// that proxy overwrites the header, since a client can send one too.
    ForwardedProto,
}

impl UrlScheme {
    /// The label of a request with these `headers`.
    #[inline]
    pub(crate) fn of(self, headers: &http::HeaderMap) -> SchemeLabel {
        match self {
            Self::Http => SchemeLabel::Http,
            Self::Https => SchemeLabel::Https,
            Self::ForwardedProto => forwarded_proto(headers),
        }
    }
}

/// The first (client-facing) proxy's `X-Forwarded-Proto`; `https` or else `http`.
#[cold]
fn forwarded_proto(headers: &http::HeaderMap) -> SchemeLabel {
    let first = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .map(str::trim);
    match first {
        Some(proto) if proto.eq_ignore_ascii_case("https") => SchemeLabel::Https,
        _ => SchemeLabel::Http,
    }
}

impl SchemeLabel {
    pub(crate) const COUNT: usize = 2;

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }
}

/// `network.protocol.version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct VersionLabel(Version);

impl VersionLabel {
    #[inline]
    pub(crate) fn of(version: Version) -> Self {
        Self(version)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self.0 {
            Version::HTTP_09 => "0.9",
            Version::HTTP_10 => "1.0",
            Version::HTTP_2 => "2",
            Version::HTTP_3 => "3",
            _ => "1.1",
        }
    }
}

/// `error.type`: why a request failed, or `None`.
///
/// Shared by metrics and spans, so both name a failure the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ErrorLabel {
    None,
    /// What the layer's classifier found in the response head or trailers.
    Classified(Failure),
    /// Dropped before the response ended.
    Cancelled,
    /// The response body failed while streaming.
    BodyError,
    /// The inner service returned `Err`.
    ServiceError,
}

impl ErrorLabel {
    /// The `error.type` value; `status` is the response's, for a 5xx.
    pub(crate) fn value(self, status: u16) -> Option<Cow<'static, str>> {
        match self {
            Self::None => None,
            Self::Classified(failure) => Some(failure.error_type(status)),
            Self::Cancelled => Some(Cow::Borrowed(error_type::CANCELLED)),
            Self::BodyError => Some(Cow::Borrowed(error_type::BODY_ERROR)),
            Self::ServiceError => Some(Cow::Borrowed(error_type::OTHER)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_is_what_the_server_knows() {
        let mut forwarded = http::HeaderMap::new();
        forwarded.insert("x-forwarded-proto", "HTTPS, http".parse().unwrap());
        assert_eq!(UrlScheme::Http.of(&forwarded), SchemeLabel::Http);
        assert_eq!(
            UrlScheme::Https.of(&http::HeaderMap::new()),
            SchemeLabel::Https
        );
        assert_eq!(UrlScheme::ForwardedProto.of(&forwarded), SchemeLabel::Https);
        forwarded.insert("x-forwarded-proto", "gopher".parse().unwrap());
        assert_eq!(UrlScheme::ForwardedProto.of(&forwarded), SchemeLabel::Http);
        assert_eq!(
            UrlScheme::ForwardedProto.of(&http::HeaderMap::new()),
            SchemeLabel::Http
        );
    }
}
