//! `GET /metrics`: the Prometheus text exposition.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::operations::Operations;

const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The metrics as Prometheus text; behind the metrics token when one is configured.
pub(super) async fn metrics(State(operations): State<Arc<Operations>>) -> Response {
    let text = operations.render_prometheus();
    ([(CONTENT_TYPE, CONTENT_TYPE_TEXT)], text).into_response()
}
