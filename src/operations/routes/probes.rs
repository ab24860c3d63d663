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
/// caller with the metrics or admin token; everyone else finds it in the logs.
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
    let body = json!({
        "status": if ready { "ready" } else { "not_ready" },
        "failing": failing,
        "checks": checks,
    });
    (status, Json(body))
}
