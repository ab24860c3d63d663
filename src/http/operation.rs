//! Naming a request after routing: the operation a handler performed on a route that
//! serves many (JSON-RPC, GraphQL, a command bus), and the routes a fallback service answers.
//!
//! Both are decided when the response head is produced, so both move the request from the
//! series it started in to another one of the same method (`series.rs`). Both are bounded: a
//! layer names at most [`MAX_OPERATIONS`](crate::MonitoringLayer::max_operations) operations
//! and folds the rest into `_OTHER` (`fold.rs`), and a fallback route is a template the application
//! wrote, never the request path.

use std::borrow::Cow;

/// Operations a layer names by default before folding new ones into `_OTHER`.
pub(crate) const DEFAULT_MAX_OPERATIONS: usize = 100;

/// The operation a request performed, for a route that serves many: put it into the
/// response extensions and [`MonitoringLayer`](crate::MonitoringLayer) records the request
/// with `operation.name` beside `http.route` (and on the server span).
///
/// Name only operations the service knows (a method it dispatched, not one a client asked
/// for and was refused): each distinct name is a series. Past
/// [`max_operations`](crate::MonitoringLayer::max_operations) names per layer, and for names
/// longer than 64 bytes, the value is `_OTHER`, so no client can grow the series count.
///
/// ```
/// use axum::{Extension, Json};
/// use tower_monitoring::OperationName;
///
/// async fn rpc(Json(call): Json<serde_json::Value>) -> (Extension<OperationName>, Json<serde_json::Value>) {
///     let method = match call["method"].as_str() {
///         Some("getUser") => "getUser",
///         Some("listOrders") => "listOrders",
///         _ => "unknown_method",
///     };
///     (Extension(OperationName::new(method)), Json(serde_json::json!({ "result": null })))
/// }
/// # let _ = axum::Router::<()>::new().route("/rpc", axum::routing::post(rpc));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperationName(Cow<'static, str>);

impl OperationName {
    /// A name fixed at compile time.
    pub const fn new(name: &'static str) -> Self {
        Self(Cow::Borrowed(name))
    }

    /// A name made at run time (a method looked up in a dispatch table).
    pub fn owned(name: impl Into<String>) -> Self {
        Self(Cow::Owned(name.into()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a fallback service's answers are recorded: unmatched requests whose path has the
/// template's prefix take the template as `http.route`, unless they were answered `404`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FallbackRoute {
    /// The template up to its first `{`: the paths it covers start with this.
    prefix: &'static str,
    /// Without a parameter the template is one exact path.
    exact: bool,
    pub(crate) template: &'static str,
}

impl FallbackRoute {
    pub(crate) fn new(template: &'static str) -> Self {
        match template.find('{') {
            Some(at) => Self {
                prefix: &template[..at],
                exact: false,
                template,
            },
            None => Self {
                prefix: template,
                exact: true,
                template,
            },
        }
    }

    #[inline]
    pub(crate) fn covers(&self, path: &str) -> bool {
        if self.exact {
            path == self.prefix
        } else {
            path.starts_with(self.prefix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fallback_template_covers_its_prefix_or_its_one_path() {
        let assets = FallbackRoute::new("/assets/{*path}");
        assert!(assets.covers("/assets/app.js"));
        assert!(assets.covers("/assets/"));
        assert!(!assets.covers("/assets"));
        assert!(!assets.covers("/api/assets/x"));
        let icon = FallbackRoute::new("/favicon.ico");
        assert!(icon.covers("/favicon.ico"));
        assert!(!icon.covers("/favicon.ico.bak"));
    }
}
