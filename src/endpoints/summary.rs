//! `GET /metrics/summary` and `POST /metrics/reset`.

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::auth;
use crate::Monitoring;

/// The summary; behind the metrics token when one is configured.
pub(super) async fn summary(monitoring: Monitoring, headers: HeaderMap) -> Response {
    if let Err(status) = auth::check(monitoring.metrics_token(), &headers) {
        return unauthorized(status);
    }
    Json(monitoring.summary()).into_response()
}

/// Restarts the summary window. Admin only: 404 when no admin token is configured, 401 for
/// a missing or wrong one.
pub(super) async fn reset(monitoring: Monitoring, headers: HeaderMap) -> Response {
    let Some(token) = monitoring.admin_token() else {
        return (StatusCode::NOT_FOUND, "no admin token is configured\n").into_response();
    };
    if let Err(status) = auth::check(Some(token), &headers) {
        return unauthorized(status);
    }
    monitoring.reset_summary();
    Json(json!({ "status": "reset" })).into_response()
}

pub(super) fn unauthorized(status: StatusCode) -> Response {
    (
        status,
        [(axum::http::header::WWW_AUTHENTICATE, "Bearer")],
        "a valid bearer token is required\n",
    )
        .into_response()
}
