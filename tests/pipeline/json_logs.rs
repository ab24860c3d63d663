//! JSON log lines carry the trace id and span id of the span that wrote them, so a line can
//! be pasted into Jaeger's search.

use crate::support;

use std::io;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use serde_json::Value;
use tower_monitoring::JsonFormat;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn lines(&self) -> Vec<Value> {
        String::from_utf8(self.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
            .collect()
    }
}

#[tracing::instrument]
async fn load_user(id: u64) -> &'static str {
    tracing::info!(user_id = id, "user loaded");
    "user"
}

#[tokio::test]
async fn json_lines_carry_the_ids_of_the_span_that_wrote_them() {
    let (monitoring, exporter) = support::traced("logs");
    let tracer = opentelemetry::trace::TracerProvider::tracer(
        monitoring.tracer_provider().unwrap(),
        "handler",
    );
    let captured = Captured::default();
    let _subscriber = tracing::subscriber::set_default(
        tracing_subscriber::registry()
            .with(tower_monitoring::bridge_layer(tracer))
            .with(
                tracing_subscriber::fmt::layer()
                    .event_format(JsonFormat)
                    .with_writer(captured.clone()),
            ),
    );

    tracing::info!("outside any request");
    let app = Router::new()
        .route(
            "/users/{id}",
            get(|| async {
                tracing::warn!("handler reached");
                load_user(7).await
            }),
        )
        .layer(monitoring.layer());
    support::send(&app, Request::get("/users/7").body(Body::empty()).unwrap()).await;
    monitoring.tracer_provider().unwrap().force_flush().unwrap();

    let spans = exporter.get_finished_spans().unwrap();
    let span_id = |name: &str| {
        let span = spans
            .iter()
            .find(|span| span.name == name)
            .unwrap_or_else(|| panic!("no span {name} in {spans:#?}"));
        (
            span.span_context.trace_id().to_string(),
            span.span_context.span_id().to_string(),
        )
    };
    let (trace_id, server_span) = span_id("GET /users/{id}");
    let (handler_trace, handler_span) = span_id("load_user");
    assert_eq!(handler_trace, trace_id);

    let lines = captured.lines();
    let line = |message: &str| {
        lines
            .iter()
            .find(|line| line["message"] == message)
            .unwrap_or_else(|| panic!("no line {message:?} in {lines:#?}"))
            .clone()
    };

    let outside = line("outside any request");
    assert_eq!(outside["level"], "INFO");
    assert!(outside.get("trace_id").is_none(), "{outside}");

    // Written in the handler, outside any `tracing` span: the server span's ids.
    let handler = line("handler reached");
    assert_eq!(handler["level"], "WARN");
    assert_eq!(handler["trace_id"], trace_id.as_str());
    assert_eq!(handler["span_id"], server_span.as_str());

    // Written inside `#[instrument] load_user`: that span's ids, and its fields.
    let loaded = line("user loaded");
    assert_eq!(loaded["trace_id"], trace_id.as_str());
    assert_eq!(loaded["span_id"], handler_span.as_str());
    assert_eq!(loaded["span"], "load_user");
    assert_eq!(loaded["user_id"], 7);
    assert_eq!(loaded["target"], module_path!());
    assert!(
        loaded["timestamp"].as_str().unwrap().ends_with('Z'),
        "{loaded}"
    );
}
