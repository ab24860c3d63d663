//! `GET /health` (liveness) and `GET /ready` (readiness).

use axum::Json;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::Monitoring;

/// 200 for as long as the process serves requests.
pub(super) async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// 200 when every readiness check passes, else 503; the body names each check's outcome.
pub(super) async fn ready(monitoring: Monitoring) -> (StatusCode, Json<Value>) {
    let outcomes = monitoring.readiness().run().await;
    let ready = outcomes.iter().all(|outcome| outcome.error.is_none());
    let mut checks = Map::new();
    for outcome in &outcomes {
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
        if let Some(error) = &outcome.error {
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
