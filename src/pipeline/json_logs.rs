//! JSON log lines that carry the trace and span id of the code that wrote them.

use std::fmt;

use opentelemetry::trace::TraceContextExt;
use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// A `tracing-subscriber` event format writing one JSON object per line:
///
/// ```json
/// {"timestamp":"2026-11-22T10:00:00.000000Z","level":"INFO","target":"orders",
///  "message":"user loaded","user_id":7,"span":"load_user",
///  "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}
/// ```
///
/// `trace_id` and `span_id` are those of the current OpenTelemetry context: the entered
/// `tracing` span (through tracing-opentelemetry), else the request's server span. Paste the
/// trace id into Jaeger's search to open the request. Outside any trace they are absent.
///
/// `install()` uses it when `LOG_FORMAT=json`; to compose a subscriber of your own, pass it to
/// `tracing_subscriber::fmt::layer().event_format(JsonFormat)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonFormat;

impl<S, N> FormatEvent<S, N> for JsonFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut line = Map::new();
        let mut timestamp = String::new();
        SystemTime.format_time(&mut Writer::new(&mut timestamp))?;
        let metadata = event.metadata();
        line.insert("timestamp".into(), timestamp.into());
        line.insert("level".into(), metadata.level().as_str().into());
        line.insert("target".into(), metadata.target().into());
        event.record(&mut Fields(&mut line));
        if let Some(span) = ctx.lookup_current() {
            line.insert("span".into(), span.name().into());
        }
        opentelemetry::Context::map_current(|cx| {
            let span = cx.span();
            let span_context = span.span_context();
            if span_context.is_valid() {
                line.insert(
                    "trace_id".into(),
                    span_context.trace_id().to_string().into(),
                );
                line.insert("span_id".into(), span_context.span_id().to_string().into());
            }
        });
        let json = serde_json::to_string(&line).map_err(|_| fmt::Error)?;
        writeln!(writer, "{json}")
    }
}

/// Copies an event's fields into the line; later keys never overwrite the fixed ones.
struct Fields<'a>(&'a mut Map<String, Value>);

impl Fields<'_> {
    fn insert(&mut self, field: &Field, value: Value) {
        let name = match field.name() {
            name @ ("timestamp" | "level" | "target" | "span" | "trace_id" | "span_id") => {
                format!("field.{name}")
            }
            name => name.to_owned(),
        };
        self.0.insert(name, value);
    }
}

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.insert(field, value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, value.into());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.insert(field, value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, value.into());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.insert(field, value.to_string().into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.insert(field, format!("{value:?}").into());
    }
}
