//! `GET /metrics`: the Prometheus text exposition.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::operations::Operations;

const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The metrics as Prometheus text; behind the metrics token when one is configured. With
/// the scrape switched off a scraper gets 404 and the reason, not an empty page that would
/// look like a service with no metrics.
pub(super) async fn metrics(State(operations): State<Arc<Operations>>) -> Response {
    match operations.render_prometheus() {
        Some(text) => ([(CONTENT_TYPE, CONTENT_TYPE_TEXT)], text).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "the Prometheus scrape is switched off (OTEL_METRICS_EXPORTER or \
             metrics_export(..)): metrics are pushed over OTLP or not exported\n",
        )
            .into_response(),
    }
}
