//! The variables the OpenTelemetry SDK and the OTLP exporter read by themselves, checked
//! before they do: they skip a value they cannot understand and carry on with their
//! default, so a typo would otherwise go unnoticed until the telemetry is missing.

use super::vars::{Vars, above_zero, boolean, http_url, key_values, parse, parse_secret, whole};
use crate::Error;

/// How a variable must look.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// Any UTF-8 text.
    Text,
    Boolean,
    Milliseconds,
    /// A whole number above zero.
    AboveZero,
    Whole,
    Protocol,
    /// `none`: this build does not compress.
    Uncompressed,
    /// `key=value,...` with %-encoded values that headers can hold.
    Headers,
    /// `key=value,...` with %-encoded values.
    KeyValues,
    Url,
}

/// The variables the SDK and the OTLP exporter read by themselves, and ours that matter
/// only once tracing is on. The SDK skips a value it cannot understand and carries on with
/// its default; checked here, a typo fails `install()` naming the variable instead.
const SDK_VARIABLES: &[(&str, Form)] = &[
    ("OTEL_SERVICE_NAME", Form::Text),
    ("OTEL_SDK_DISABLED", Form::Boolean),
    ("OTEL_RESOURCE_ATTRIBUTES", Form::KeyValues),
    ("OTEL_EXPORTER_OTLP_ENDPOINT", Form::Url),
    ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", Form::Url),
    ("OTEL_EXPORTER_OTLP_PROTOCOL", Form::Protocol),
    ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", Form::Protocol),
    ("OTEL_EXPORTER_OTLP_TIMEOUT", Form::Milliseconds),
    ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", Form::Milliseconds),
    ("OTEL_EXPORTER_OTLP_HEADERS", Form::Headers),
    ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", Form::Headers),
    ("OTEL_EXPORTER_OTLP_COMPRESSION", Form::Uncompressed),
    ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", Form::Uncompressed),
    ("OTEL_EXPORTER_OTLP_INSECURE", Form::Boolean),
    ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", Form::Boolean),
    ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", Form::Url),
    ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", Form::Protocol),
    ("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", Form::Milliseconds),
    ("OTEL_EXPORTER_OTLP_METRICS_HEADERS", Form::Headers),
    ("OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", Form::Uncompressed),
    ("OTEL_EXPORTER_OTLP_METRICS_INSECURE", Form::Boolean),
    ("OTEL_BSP_SCHEDULE_DELAY", Form::Milliseconds),
    ("OTEL_BSP_EXPORT_TIMEOUT", Form::Milliseconds),
    ("OTEL_BSP_MAX_QUEUE_SIZE", Form::AboveZero),
    ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", Form::AboveZero),
    ("OTEL_BSP_MAX_CONCURRENT_EXPORTS", Form::AboveZero),
    ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", Form::Whole),
    ("OTEL_SPAN_EVENT_COUNT_LIMIT", Form::Whole),
    ("OTEL_SPAN_LINK_COUNT_LIMIT", Form::Whole),
];

/// Checks every variable of [`SDK_VARIABLES`] and `OTEL_TRACES_EXPORTER`.
pub(super) fn check(vars: &impl Vars) -> Result<(), Error> {
    super::env::traces_enabled(false, vars)?;
    for &(name, form) in SDK_VARIABLES {
        check_one(vars, name, form)?;
    }
    Ok(())
}

fn check_one(vars: &impl Vars, name: &str, form: Form) -> Result<(), Error> {
    // Headers, attributes and endpoints may hold credentials: their value is not repeated.
    match form {
        Form::Headers => return parse_secret(vars, name, headers).map(drop),
        Form::KeyValues => return parse_secret(vars, name, key_values).map(drop),
        Form::Url => return parse_secret(vars, name, http_url).map(drop),
        _ => {}
    }
    let (expected, valid): (&str, fn(&str) -> bool) = match form {
        Form::Boolean => ("must be true or false", |value| boolean(value).is_some()),
        Form::Milliseconds => ("must be a whole number of milliseconds", |value| {
            whole(value).is_some()
        }),
        Form::AboveZero => ("must be a whole number above zero", |value| {
            above_zero(value).is_some()
        }),
        Form::Whole => ("must be a whole number", |value| whole(value).is_some()),
        Form::Protocol => (
            "is not supported; use \"grpc\" or \"http/protobuf\"",
            |value| matches!(value, "grpc" | "http/protobuf"),
        ),
        Form::Uncompressed => (
            "is not supported: this build sends uncompressed (\"none\")",
            |value| value.eq_ignore_ascii_case("none"),
        ),
        Form::Text | Form::Headers | Form::KeyValues | Form::Url => ("", |_| true),
    };
    parse(vars, name, expected, |value| valid(value).then_some(())).map(drop)
}

/// OTLP headers: `key=value,...`, every key a header name and every value one a header can
/// hold; the problem names the key, never the value (a credential, often).
fn headers(value: &str) -> Result<(), String> {
    for (key, value) in key_values(value)? {
        if http::HeaderName::from_bytes(key.as_bytes()).is_err() {
            return Err(format!("names {key:?}, which is not a header name"));
        }
        if http::HeaderValue::from_str(&value).is_err() {
            return Err(format!("gives header {key:?} a value no header can hold"));
        }
    }
    Ok(())
}
