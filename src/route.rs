//! Where the `http.route` label comes from, and why its cardinality is bounded.
//!
//! The route is a template chosen by the application, never the raw request path, so a
//! scanner that sends 100 000 random paths adds no series. Two sources are read, in order:
//!
//! 1. a [`RouteTemplate`] in the request extensions, for plain tower or hyper services that
//!    route by themselves (it holds a `&'static str`, so it cannot carry per-request data);
//! 2. axum's [`MatchedPath`](axum::extract::MatchedPath) (with the `axum` feature), present
//!    when [`MonitoringLayer`](crate::MonitoringLayer) is added with `Router::layer`.
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

/// The route of one request, kept without copying the template.
#[derive(Debug, Clone)]
pub(crate) enum Route {
    Unmatched,
    Static(&'static str),
    #[cfg(feature = "axum")]
    Matched(axum::extract::MatchedPath),
}

impl Route {
    pub(crate) fn of(extensions: &Extensions) -> Self {
        if let Some(RouteTemplate(template)) = extensions.get::<RouteTemplate>() {
            return Self::Static(template);
        }
        #[cfg(feature = "axum")]
        if let Some(matched) = extensions.get::<axum::extract::MatchedPath>() {
            return Self::Matched(matched.clone());
        }
        Self::Unmatched
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::Unmatched => None,
            Self::Static(template) => Some(template),
            #[cfg(feature = "axum")]
            Self::Matched(matched) => Some(matched.as_str()),
        }
    }
}
