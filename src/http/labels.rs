//! The small, closed sets of attribute values a request maps onto.
//!
//! Each is a `Copy` enum so a request carries bytes, not strings; the strings are written
//! once per series when its attribute set is built.

use std::borrow::Cow;

use http::{Method, Version};

use crate::names::error_type;

/// `http.request.method`: the nine standard methods, everything else `_OTHER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum MethodLabel {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    Other,
}

impl MethodLabel {
    pub(crate) const COUNT: usize = 10;

    #[inline]
    pub(crate) fn of(method: &Method) -> Self {
        match *method {
            Method::GET => Self::Get,
            Method::HEAD => Self::Head,
            Method::POST => Self::Post,
            Method::PUT => Self::Put,
            Method::DELETE => Self::Delete,
            Method::CONNECT => Self::Connect,
            Method::OPTIONS => Self::Options,
            Method::TRACE => Self::Trace,
            Method::PATCH => Self::Patch,
            _ => Self::Other,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
            Self::Connect => "CONNECT",
            Self::Options => "OPTIONS",
            Self::Trace => "TRACE",
            Self::Patch => "PATCH",
            Self::Other => "_OTHER",
        }
    }
}

/// `url.scheme`. Taken from the request URI only (HTTP/2 `:scheme`), never from
/// `X-Forwarded-Proto`, which a client controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SchemeLabel {
    Http,
    Https,
}

impl SchemeLabel {
    pub(crate) const COUNT: usize = 2;

    #[inline]
    pub(crate) fn of(uri: &http::Uri) -> Self {
        if uri.scheme() == Some(&http::uri::Scheme::HTTPS) {
            Self::Https
        } else {
            Self::Http
        }
    }

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
    /// A 5xx response; the value is the status code.
    ServerStatus,
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
            Self::ServerStatus => Some(Cow::Owned(status.to_string())),
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
    fn unknown_methods_fold_into_other() {
        let custom = Method::from_bytes(b"PROPFIND").unwrap();
        assert_eq!(MethodLabel::of(&custom).as_str(), "_OTHER");
        assert_eq!(MethodLabel::of(&Method::PATCH).as_str(), "PATCH");
    }

    #[test]
    fn scheme_ignores_everything_but_the_uri() {
        assert_eq!(
            SchemeLabel::of(&"/path".parse().unwrap()),
            SchemeLabel::Http
        );
        assert_eq!(
            SchemeLabel::of(&"https://h/p".parse().unwrap()),
            SchemeLabel::Https
        );
    }
}
