//! `GET /metrics`: the Prometheus text exposition, or OpenMetrics with exemplars for a
//! scraper that asks for it.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::operations::Operations;

const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
const CONTENT_TYPE_OPEN_METRICS: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The metrics as Prometheus text, or as OpenMetrics when the `Accept` header prefers it;
/// behind the metrics token when one is configured. With the scrape switched off a scraper
/// gets 404 and the reason, not an empty page that would look like a service with no
/// metrics.
pub(super) async fn metrics(
    State(operations): State<Arc<Operations>>,
    headers: HeaderMap,
) -> Response {
    let open_metrics = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(prefers_open_metrics);
    let rendered = if open_metrics {
        operations
            .render_open_metrics()
            .map(|text| (CONTENT_TYPE_OPEN_METRICS, text))
    } else {
        operations
            .render_prometheus()
            .map(|text| (CONTENT_TYPE_TEXT, text))
    };
    match rendered {
        Some((content_type, text)) => {
            ([(CONTENT_TYPE, content_type), (VARY, "accept")], text).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            "the Prometheus scrape is switched off (OTEL_METRICS_EXPORTER or \
             metrics_export(..)): metrics are pushed over OTLP or not exported\n",
        )
            .into_response(),
    }
}

/// Whether `accept` ranks OpenMetrics at least as high as the classic text: Prometheus
/// asks `application/openmetrics-text;version=1.0.0,...,text/plain;version=0.0.4;q=0.5,...`.
fn prefers_open_metrics(accept: &str) -> bool {
    let (mut open_metrics, mut text) = (0.0f32, 0.0f32);
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let quality = parts
            .filter_map(|parameter| parameter.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "application/openmetrics-text" => open_metrics = open_metrics.max(quality),
            "text/plain" => text = text.max(quality),
            _ => {}
        }
    }
    open_metrics > 0.0 && open_metrics >= text
}

#[cfg(test)]
mod tests {
    use super::prefers_open_metrics;

    #[test]
    fn the_accept_header_chooses_the_format() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                          version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert!(prefers_open_metrics(prometheus));
        assert!(prefers_open_metrics("application/OpenMetrics-Text"));
        assert!(!prefers_open_metrics("*/*"));
        assert!(!prefers_open_metrics("text/plain"));
        assert!(!prefers_open_metrics(
            "text/plain;version=0.0.4,application/openmetrics-text;q=0.5"
        ));
        assert!(!prefers_open_metrics("application/openmetrics-text;q=0"));
    }
}
