//! `GET /metrics/live`: the report as a page for people without Grafana. The page is one
//! embedded file (`live.html`, about 12 KB, no CDN and no build step) that polls `report`
//! beside it and draws it, so it works offline and behind any prefix.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("live.html");

/// The page may run its own inline script and read this origin, nothing else: no other
/// origin can frame it, receive its data or inject a script.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; \
     style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The page, behind the metrics token when one is set. A browser cannot send a bearer token
/// by itself, so without one the refusal asks for Basic credentials (any user, the token as
/// the password), which the browser then sends with the page's own requests too.
pub(super) async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        PAGE,
    )
        .into_response()
}
