//! The `http.request.method` label: the nine standard methods, everything else `_OTHER`,
//! so that neither inbound requests nor outbound calls can add a method label of their own.
//! Shared by the HTTP layer and the platform layer.

use http::Method;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_fold_into_other() {
        let custom = Method::from_bytes(b"PROPFIND").unwrap();
        assert_eq!(MethodLabel::of(&custom).as_str(), "_OTHER");
        assert_eq!(MethodLabel::of(&Method::PATCH).as_str(), "PATCH");
    }
}
