//! Where the `http.route` label comes from, and why its cardinality is bounded.
//!
//! The route is a template chosen by the application, never the raw request path, so a
//! scanner that sends 100 000 random paths adds no series. Two sources are read, in order:
//!
//! 1. axum's `MatchedPath` (with the `axum` feature), present when
//!    [`MonitoringLayer`](crate::MonitoringLayer) is added with `Router::layer`;
//! 2. a [`RouteTemplate`] in the request extensions, for plain tower or hyper services that
//!    route by themselves (it holds a `&'static str`, so it cannot carry per-request data).
//!
//! A request that matched no route carries no `http.route` attribute at all (the semantic
//! conventions' rule), which Prometheus shows as `http_route=""`: one series for every
//! unmatched path together.

use http::Extensions;

/// A route template set by a service that routes without axum, read as `http.route`.
///
/// Insert it into the request extensions before [`MonitoringLayer`](crate::MonitoringLayer)
/// sees the request:
///
/// ```
/// use tower_monitoring::RouteTemplate;
///
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(RouteTemplate("/users/{id}"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteTemplate(pub &'static str);

/// The route of one request, borrowed from its extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RouteRef<'a> {
    Unmatched,
    Template(&'static str),
    #[cfg(feature = "axum")]
    Matched(&'a axum::extract::MatchedPath),
    #[cfg(not(feature = "axum"))]
    #[allow(dead_code)]
    Never(std::marker::PhantomData<&'a ()>),
}

impl<'a> RouteRef<'a> {
    #[inline]
    pub(crate) fn of(extensions: &'a Extensions) -> Self {
        #[cfg(feature = "axum")]
        if let Some(matched) = extensions.get::<axum::extract::MatchedPath>() {
            return Self::Matched(matched);
        }
        match extensions.get::<RouteTemplate>() {
            Some(RouteTemplate(template)) => Self::Template(template),
            None => Self::Unmatched,
        }
    }

    #[inline]
    pub(crate) fn as_str(self) -> Option<&'a str> {
        match self {
            Self::Unmatched => None,
            Self::Template(template) => Some(template),
            #[cfg(feature = "axum")]
            Self::Matched(matched) => Some(matched.as_str()),
            #[cfg(not(feature = "axum"))]
            Self::Never(_) => None,
        }
    }

    pub(crate) fn to_owned(self) -> Route {
        match self {
            Self::Unmatched => Route::Unmatched,
            Self::Template(template) => Route::Template(template),
            #[cfg(feature = "axum")]
            Self::Matched(matched) => Route::Matched(matched.clone()),
            #[cfg(not(feature = "axum"))]
            Self::Never(_) => Route::Unmatched,
        }
    }
}

/// An owned route, kept by a service to recognise the route it serves.
#[derive(Debug, Clone)]
pub(crate) enum Route {
    Unmatched,
    Template(&'static str),
    #[cfg(feature = "axum")]
    Matched(axum::extract::MatchedPath),
}

impl Route {
    #[inline]
    fn borrow(&self) -> RouteRef<'_> {
        match self {
            Self::Unmatched => RouteRef::Unmatched,
            Self::Template(template) => RouteRef::Template(template),
            #[cfg(feature = "axum")]
            Self::Matched(matched) => RouteRef::Matched(matched),
        }
    }

    /// Whether `other` is this route. axum hands out the same `Arc<str>` for a route on every
    /// request, so the pointer comparison usually answers; this `Route` keeps that allocation
    /// alive, so an equal pointer cannot belong to another string.
    #[inline]
    pub(crate) fn is(&self, other: RouteRef<'_>) -> bool {
        match (self.borrow().as_str(), other.as_str()) {
            (None, None) => true,
            (Some(mine), Some(theirs)) => std::ptr::eq(mine, theirs) || mine == theirs,
            _ => false,
        }
    }
}
