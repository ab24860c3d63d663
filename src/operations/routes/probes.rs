//! `GET /health` (liveness) and `GET /ready` (readiness).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Map, Value, json};

use super::auth::{self, TokenKind};
use crate::operations::Operations;

/// 200 for as long as the process serves requests.
pub(super) async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// 200 when every readiness check passes, else 503; the body names each check's outcome.
/// Why a check failed (its error text, which may name an internal host) is shown only to a
/// caller with the metrics or admin token; everyone else finds it in the logs. Token
/// holders also see the last failed span export, if any (`last_export_failure`).
pub(super) async fn ready(
    State(operations): State<Arc<Operations>>,
    headers: HeaderMap,
) -> (StatusCode, Json<Value>) {
    let detail = auth::holds(&operations, TokenKind::Metrics, &headers)
        || auth::holds(&operations, TokenKind::Admin, &headers);
    let outcomes = operations.readiness.outcomes().await;
    let ready = outcomes.iter().all(|outcome| outcome.error.is_none());
    let mut checks = Map::new();
    for outcome in outcomes.iter() {
        let mut check = Map::new();
        check.insert(
            "status".into(),
            if outcome.error.is_none() {
                "ok"
            } else {
                "failed"
            }
            .into(),
        );
        check.insert(
            "duration_ms".into(),
            (outcome.took.as_secs_f64() * 1000.0).into(),
        );
        if let (Some(error), true) = (&outcome.error, detail) {
            check.insert("error".into(), error.clone().into());
        }
        checks.insert(outcome.name.to_owned(), check.into());
    }
    let failing: Vec<&str> = outcomes
        .iter()
        .filter(|outcome| outcome.error.is_some())
        .map(|outcome| outcome.name)
        .collect();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut body = json!({
        "status": if ready { "ready" } else { "not_ready" },
        "failing": failing,
        "checks": checks,
    });
    // The telemetry's own health never makes the service unready; why its last export
    // failed (which may name the collector's host) is for token holders.
    if let (Some(failure), true) = (operations.export_status.last_failure(), detail) {
        let mut last = Map::new();
        let at = failure.at.duration_since(std::time::UNIX_EPOCH);
        last.insert(
            "at_unix".into(),
            at.map_or(0.0, |at| at.as_secs_f64()).into(),
        );
        last.insert("error".into(), failure.error.into());
        body["last_export_failure"] = last.into();
    }
    (status, Json(body))
}
