//! The standard `OTEL_*` variables (and `LOG_FORMAT`), read into typed settings.
//!
//! Every function takes the variables as a lookup so that tests can pass their own; a value
//! that cannot be understood is a configuration error naming the variable, never a silent
//! fallback to a default the user did not ask for.

use opentelemetry_sdk::trace::Sampler;

#[cfg(feature = "subscriber")]
use super::LogFormat;
#[cfg(feature = "otlp")]
use super::OtlpProtocol;
use crate::Error;
use crate::propagation::Propagation;

/// Where settings come from: the process environment, or a map in tests.
pub(super) trait Vars {
    /// The variable's value as set, `None` when unset; an error naming it when its value is
    /// not UTF-8 (which would otherwise read as unset).
    fn raw(&self, name: &str) -> Result<Option<String>, Error>;

    /// The value, with unset and blank the same.
    fn get(&self, name: &str) -> Result<Option<String>, Error> {
        Ok(self.raw(name)?.filter(|value| !value.trim().is_empty()))
    }
}

/// The process environment.
pub(super) struct ProcessEnv;

impl Vars for ProcessEnv {
    fn raw(&self, name: &str) -> Result<Option<String>, Error> {
        match std::env::var_os(name) {
            None => Ok(None),
            Some(value) => value
                .into_string()
                .map(Some)
                .map_err(|_| Error::config(format!("{name} is not valid UTF-8"))),
        }
    }
}

/// `name` read by `parse`; a value it refuses is an error quoting it and saying what was
/// `expected`.
fn parse<T>(
    vars: &impl Vars,
    name: &str,
    expected: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<T>, Error> {
    match vars.get(name)? {
        None => Ok(None),
        Some(value) => parse(value.trim())
            .map(Some)
            .ok_or_else(|| Error::config(format!("{name}={value:?} {expected}"))),
    }
}

/// [`parse`] for a value that may hold a credential (headers, URLs): the error says what is
/// wrong without repeating it.
fn parse_secret<T>(
    vars: &impl Vars,
    name: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, Error> {
    match vars.get(name)? {
        None => Ok(None),
        Some(value) => parse(value.trim())
            .map(Some)
            .map_err(|problem| Error::config(format!("{name} {problem}"))),
    }
}

fn boolean(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn whole(value: &str) -> Option<u64> {
    value.parse().ok()
}

fn above_zero(value: &str) -> Option<u64> {
    whole(value).filter(|value| *value > 0)
}

/// Whether spans are exported: an endpoint is configured, unless the SDK or the trace
/// exporter is switched off (`OTEL_SDK_DISABLED=true`, `OTEL_TRACES_EXPORTER=none`).
pub(super) fn traces_enabled(configured: bool, vars: &impl Vars) -> Result<bool, Error> {
    if parse(vars, "OTEL_SDK_DISABLED", "must be true or false", boolean)? == Some(true) {
        return Ok(false);
    }
    match vars.get("OTEL_TRACES_EXPORTER")?.as_deref().map(str::trim) {
        None | Some("otlp") => {}
        Some("none") => return Ok(false),
        Some(other) => {
            return Err(Error::config(format!(
                "OTEL_TRACES_EXPORTER={other:?} is not supported; use \"otlp\" or \"none\""
            )));
        }
    }
    Ok(configured
        || vars.get("OTEL_EXPORTER_OTLP_ENDPOINT")?.is_some()
        || vars.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")?.is_some())
}

/// The variables the SDK and the OTLP exporter read by themselves. They skip a value they
/// cannot understand and carry on with their default; checked here, a typo fails
/// `install()` naming the variable instead. (`OTEL_SERVICE_NAME` needs only be UTF-8.)
pub(super) fn check_sdk_variables(vars: &impl Vars) -> Result<(), Error> {
    vars.get("OTEL_SERVICE_NAME")?;
    // Read only once tracing is on, but a typo should not wait for that day.
    traces_enabled(false, vars)?;
    for name in [
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    ] {
        parse(
            vars,
            name,
            "is not supported; use \"grpc\" or \"http/protobuf\"",
            |value| matches!(value, "grpc" | "http/protobuf").then_some(()),
        )?;
    }
    parse(vars, "OTEL_SDK_DISABLED", "must be true or false", boolean)?;
    for name in [
        "OTEL_EXPORTER_OTLP_TIMEOUT",
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
        "OTEL_BSP_SCHEDULE_DELAY",
        "OTEL_BSP_EXPORT_TIMEOUT",
    ] {
        parse(vars, name, "must be a whole number of milliseconds", whole)?;
    }
    for name in [
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        "OTEL_BSP_MAX_CONCURRENT_EXPORTS",
    ] {
        parse(vars, name, "must be a whole number above zero", above_zero)?;
    }
    for name in [
        "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_SPAN_EVENT_COUNT_LIMIT",
        "OTEL_SPAN_LINK_COUNT_LIMIT",
    ] {
        parse(vars, name, "must be a whole number", whole)?;
    }
    for name in [
        "OTEL_EXPORTER_OTLP_INSECURE",
        "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
    ] {
        parse(vars, name, "must be true or false", boolean)?;
    }
    for name in [
        "OTEL_EXPORTER_OTLP_COMPRESSION",
        "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
    ] {
        parse(
            vars,
            name,
            "is not supported: this build sends uncompressed (\"none\")",
            |value| (value.eq_ignore_ascii_case("none")).then_some(()),
        )?;
    }
    for name in [
        "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    ] {
        parse_secret(vars, name, |value| {
            for (key, value) in key_values(value)? {
                if http::HeaderName::from_bytes(key.as_bytes()).is_err() {
                    return Err(format!("names {key:?}, which is not a header name"));
                }
                if http::HeaderValue::from_str(&value).is_err() {
                    return Err(format!("gives header {key:?} a value no header can hold"));
                }
            }
            Ok(())
        })?;
    }
    parse_secret(vars, "OTEL_RESOURCE_ATTRIBUTES", |value| {
        key_values(value).map(drop)
    })?;
    for name in [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ] {
        parse_secret(vars, name, http_url)?;
    }
    Ok(())
}

/// `key=value,key=value` with percent-encoded values, the W3C Baggage form the
/// `OTEL_*_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES` variables use. The problem, if any, names
/// the entry by position, never by its value.
fn key_values(list: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for (index, entry) in list.split(',').enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let position = index + 1;
        let Some((key, value)) = entry.split_once('=') else {
            return Err(format!("entry {position} is not key=value"));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("entry {position} has an empty key"));
        }
        let value = percent_decoded(value.trim())
            .ok_or_else(|| format!("entry {position} ({key}) has a broken %-escape"))?;
        pairs.push((key.to_owned(), value));
    }
    Ok(pairs)
}

/// `value` with its `%XX` escapes decoded, `None` when an escape is malformed or the result
/// is not UTF-8.
fn percent_decoded(value: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(value.len());
    let mut rest = value.bytes();
    while let Some(byte) = rest.next() {
        if byte == b'%' {
            let high = char::from(rest.next()?).to_digit(16)?;
            let low = char::from(rest.next()?).to_digit(16)?;
            bytes.push(u8::try_from(high * 16 + low).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    String::from_utf8(bytes).ok()
}

/// An absolute `http` or `https` URL with a host.
pub(super) fn http_url(value: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = value
        .parse()
        .map_err(|err| format!("is not a URL ({err})"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(uri),
        (Some(_), Some(_)) => Err("must be an http:// or https:// URL".to_owned()),
        _ => Err("must be an absolute URL with a host, such as http://collector:4318".to_owned()),
    }
}

/// The OTLP protocol: the builder, else `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else
/// `OTEL_EXPORTER_OTLP_PROTOCOL`, else gRPC.
#[cfg(feature = "otlp")]
pub(super) fn otlp_protocol(
    configured: Option<OtlpProtocol>,
    vars: &impl Vars,
) -> Result<OtlpProtocol, Error> {
    if let Some(protocol) = configured {
        return Ok(protocol);
    }
    for name in [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    ] {
        if let Some(value) = vars.get(name)? {
            return match value.trim() {
                "grpc" => Ok(OtlpProtocol::Grpc),
                "http/protobuf" => Ok(OtlpProtocol::HttpProtobuf),
                other => Err(Error::config(format!(
                    "{name}={other:?} is not supported; use \"grpc\" or \"http/protobuf\""
                ))),
            };
        }
    }
    Ok(OtlpProtocol::Grpc)
}

/// The head sampler: the builder, else `OTEL_TRACES_SAMPLER` with `OTEL_TRACES_SAMPLER_ARG`,
/// else parent-based always-on (the OpenTelemetry default).
pub(super) fn sampler(configured: Option<Sampler>, vars: &impl Vars) -> Result<Sampler, Error> {
    if let Some(sampler) = configured {
        return Ok(sampler);
    }
    // Checked even when no sampler is named, so a stray argument is not silently ignored.
    let ratio = parse(
        vars,
        "OTEL_TRACES_SAMPLER_ARG",
        "must be a number from 0 to 1",
        ratio,
    )?;
    let Some(name) = vars.get("OTEL_TRACES_SAMPLER")? else {
        return Ok(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
    };
    let ratio = || -> Result<f64, Error> { Ok(ratio.unwrap_or(1.0)) };
    let parent_based = |root: Sampler| Sampler::ParentBased(Box::new(root));
    Ok(match name.trim() {
        "always_on" => Sampler::AlwaysOn,
        "always_off" => Sampler::AlwaysOff,
        "traceidratio" => Sampler::TraceIdRatioBased(ratio()?),
        "parentbased_always_on" => parent_based(Sampler::AlwaysOn),
        "parentbased_always_off" => parent_based(Sampler::AlwaysOff),
        "parentbased_traceidratio" => parent_based(Sampler::TraceIdRatioBased(ratio()?)),
        other => {
            return Err(Error::config(format!(
                "OTEL_TRACES_SAMPLER={other:?} is not supported; use always_on, always_off, \
                 traceidratio, parentbased_always_on, parentbased_always_off or \
                 parentbased_traceidratio"
            )));
        }
    })
}

/// The propagators of `OTEL_PROPAGATORS` (default `tracecontext,baggage`).
pub(super) fn propagator(vars: &impl Vars) -> Result<Propagation, Error> {
    let list = vars
        .get("OTEL_PROPAGATORS")?
        .unwrap_or_else(|| "tracecontext,baggage".to_owned());
    let (mut trace_context, mut baggage) = (false, false);
    for name in list
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        match name {
            "tracecontext" => trace_context = true,
            "baggage" => baggage = true,
            "none" => (trace_context, baggage) = (false, false),
            other => {
                return Err(Error::config(format!(
                    "OTEL_PROPAGATORS names {other:?}; supported are tracecontext, baggage and none"
                )));
            }
        }
    }
    Ok(Propagation::new(trace_context, baggage))
}

/// The longest span attribute value taken from the client: the builder, else
/// `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, else `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, else
/// the default.
pub(super) fn attribute_value_length_limit(
    configured: Option<usize>,
    vars: &impl Vars,
) -> Result<usize, Error> {
    if let Some(limit) = configured {
        return Ok(limit);
    }
    // Both are checked, though the first one set wins.
    let mut limit = None;
    for name in [
        "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    ] {
        let expected = "must be a whole number of characters";
        if let Some(value) = parse(vars, name, expected, |value| value.parse().ok())? {
            limit = Some(value);
        }
    }
    Ok(limit.unwrap_or(crate::DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT))
}

/// The log format: the builder, else `LOG_FORMAT` (`json`, or `text`), else text.
#[cfg(feature = "subscriber")]
pub(super) fn log_format(
    configured: Option<LogFormat>,
    vars: &impl Vars,
) -> Result<LogFormat, Error> {
    if let Some(format) = configured {
        return Ok(format);
    }
    match vars
        .get("LOG_FORMAT")?
        .map(|value| value.trim().to_ascii_lowercase())
    {
        None => Ok(LogFormat::Text),
        Some(value) if value == "json" => Ok(LogFormat::Json),
        Some(value) if value == "text" || value == "pretty" => Ok(LogFormat::Text),
        Some(other) => Err(Error::config(format!(
            "LOG_FORMAT={other:?} is not supported; use \"json\" or \"text\""
        ))),
    }
}

/// The `RUST_LOG` directives, if set.
#[cfg(feature = "subscriber")]
pub(super) fn rust_log(vars: &impl Vars) -> Result<Option<String>, Error> {
    vars.get("RUST_LOG")
}

/// A number from 0 to 1.
fn ratio(value: &str) -> Option<f64> {
    value
        .parse::<f64>()
        .ok()
        .filter(|ratio| (0.0..=1.0).contains(ratio))
}

/// A number of seconds a `Duration` can hold.
#[cfg(all(feature = "axum", feature = "prometheus"))]
fn seconds(value: &str) -> Option<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(value.parse().ok()?).ok()
}

/// The alert thresholds: the defaults, each replaced by its variable when set. Ratios are
/// from 0 to 1 (`ALERT_ERROR_RATE=5` is refused, not read as "never"), durations are seconds
/// a `Duration` can hold, and the window is above zero.
#[cfg(all(feature = "axum", feature = "prometheus"))]
pub(super) fn alert_thresholds(vars: &impl Vars) -> Result<crate::alerting::Thresholds, Error> {
    let mut thresholds = crate::alerting::Thresholds::default();
    let duration = "must be a number of seconds, 0 or more";
    if let Some(value) = parse(vars, "ALERT_LATENCY_P95_SECONDS", duration, seconds)? {
        thresholds.latency_p95 = value;
    }
    for (name, field) in [
        ("ALERT_ERROR_RATE", &mut thresholds.error_rate),
        (
            "ALERT_MEMORY_UTILIZATION",
            &mut thresholds.memory_utilization,
        ),
        ("ALERT_CPU_UTILIZATION", &mut thresholds.cpu_utilization),
        ("ALERT_CACHE_HIT_RATIO", &mut thresholds.cache_hit_ratio),
        (
            "ALERT_DB_POOL_UTILIZATION",
            &mut thresholds.db_pool_utilization,
        ),
    ] {
        if let Some(value) = parse(vars, name, "must be a ratio from 0 to 1", ratio)? {
            *field = value;
        }
    }
    if let Some(value) = parse(vars, "ALERT_FOR_SECONDS", duration, seconds)? {
        thresholds.for_duration = value;
    }
    let window = |value: &str| seconds(value).filter(|window| !window.is_zero());
    if let Some(value) = parse(
        vars,
        "ALERT_WINDOW_SECONDS",
        "must be a number of seconds above 0",
        window,
    )? {
        thresholds.window = value;
    }
    Ok(thresholds)
}

/// A bearer token from the builder, else from `variable`. A variable that is set at all,
/// even to nothing, must hold a valid token: an endpoint left open by a typo is worse than
/// a service that refuses to start.
#[cfg(all(feature = "axum", feature = "prometheus"))]
pub(super) fn token(
    configured: Option<String>,
    setting: &str,
    variable: &str,
    vars: &impl Vars,
) -> Result<Option<crate::token::Token>, Error> {
    let from_variable = vars.raw(variable)?;
    match (configured, from_variable) {
        (Some(token), _) => crate::token::Token::new(setting, &token).map(Some),
        (None, Some(token)) => crate::token::Token::new(variable, &token).map(Some),
        (None, None) => Ok(None),
    }
}

/// The alert webhook's URL from the builder, else `ALERT_WEBHOOK_URL`; checked without
/// repeating it (webhook URLs of Slack, Teams or PagerDuty are credentials).
#[cfg(all(feature = "axum", feature = "prometheus", feature = "reqwest"))]
pub(super) fn webhook_url(
    configured: Option<String>,
    vars: &impl Vars,
) -> Result<Option<String>, Error> {
    if let Some(url) = configured {
        return http_url(url.trim())
            .map(|_| Some(url))
            .map_err(|problem| Error::config(format!("the alert webhook URL {problem}")));
    }
    let name = "ALERT_WEBHOOK_URL";
    parse_secret(vars, name, |value| {
        http_url(value).map(|_| value.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// Variables from a list.
    struct Map(HashMap<&'static str, &'static str>);

    impl Vars for Map {
        fn raw(&self, name: &str) -> Result<Option<String>, Error> {
            Ok(self.0.get(name).map(|value| (*value).to_owned()))
        }
    }

    fn vars(pairs: &[(&'static str, &'static str)]) -> Map {
        Map(pairs.iter().copied().collect())
    }

    #[test]
    #[cfg(all(feature = "axum", feature = "prometheus"))]
    fn alert_thresholds_from_the_environment() {
        let defaults = alert_thresholds(&vars(&[])).unwrap();
        assert_eq!(defaults, crate::alerting::Thresholds::default());
        let set = alert_thresholds(&vars(&[
            ("ALERT_ERROR_RATE", "0.01"),
            ("ALERT_LATENCY_P95_SECONDS", "0.25"),
            ("ALERT_FOR_SECONDS", "30"),
        ]))
        .unwrap();
        assert_eq!(set.error_rate, 0.01);
        assert_eq!(set.latency_p95, std::time::Duration::from_millis(250));
        assert_eq!(set.for_duration, std::time::Duration::from_secs(30));
        let err = alert_thresholds(&vars(&[("ALERT_CPU_UTILIZATION", "lots")])).unwrap_err();
        assert!(err.to_string().contains("ALERT_CPU_UTILIZATION"), "{err}");
    }

    #[test]
    fn traces_need_an_endpoint_and_can_be_switched_off() {
        assert!(!traces_enabled(false, &vars(&[])).unwrap());
        assert!(traces_enabled(true, &vars(&[])).unwrap());
        let endpoint = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317");
        assert!(traces_enabled(false, &vars(&[endpoint])).unwrap());
        let traces_endpoint = (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://c:4318/v1/traces",
        );
        assert!(traces_enabled(false, &vars(&[traces_endpoint])).unwrap());
        assert!(!traces_enabled(true, &vars(&[("OTEL_SDK_DISABLED", "true")])).unwrap());
        assert!(!traces_enabled(true, &vars(&[("OTEL_TRACES_EXPORTER", "none")])).unwrap());
        let err = traces_enabled(true, &vars(&[("OTEL_TRACES_EXPORTER", "zipkin")])).unwrap_err();
        assert!(err.to_string().contains("OTEL_TRACES_EXPORTER"), "{err}");
    }

    #[test]
    #[cfg(feature = "otlp")]
    fn protocol_prefers_builder_then_traces_variable_then_generic() {
        assert_eq!(otlp_protocol(None, &vars(&[])).unwrap(), OtlpProtocol::Grpc);
        let http = ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        assert_eq!(
            otlp_protocol(None, &vars(&[http])).unwrap(),
            OtlpProtocol::HttpProtobuf
        );
        let grpc = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc");
        assert_eq!(
            otlp_protocol(None, &vars(&[http, grpc])).unwrap(),
            OtlpProtocol::Grpc
        );
        assert_eq!(
            otlp_protocol(Some(OtlpProtocol::HttpProtobuf), &vars(&[grpc])).unwrap(),
            OtlpProtocol::HttpProtobuf
        );
        let json = ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
        let err = otlp_protocol(None, &vars(&[json])).unwrap_err();
        assert!(err.to_string().contains("http/json"), "{err}");
    }

    #[test]
    fn samplers_from_the_standard_variables() {
        let named = |name, arg| {
            let mut pairs = vec![("OTEL_TRACES_SAMPLER", name)];
            if let Some(arg) = arg {
                pairs.push(("OTEL_TRACES_SAMPLER_ARG", arg));
            }
            format!("{:?}", sampler(None, &vars(&pairs)).unwrap())
        };
        assert_eq!(
            format!("{:?}", sampler(None, &vars(&[])).unwrap()),
            "ParentBased(AlwaysOn)"
        );
        assert_eq!(named("always_on", None), "AlwaysOn");
        assert_eq!(named("always_off", None), "AlwaysOff");
        assert_eq!(named("traceidratio", Some("0.1")), "TraceIdRatioBased(0.1)");
        assert_eq!(named("traceidratio", None), "TraceIdRatioBased(1.0)");
        assert_eq!(
            named("parentbased_always_on", None),
            "ParentBased(AlwaysOn)"
        );
        assert_eq!(
            named("parentbased_traceidratio", Some("0.25")),
            "ParentBased(TraceIdRatioBased(0.25))"
        );
        assert_eq!(
            format!(
                "{:?}",
                sampler(Some(Sampler::AlwaysOff), &vars(&[])).unwrap()
            ),
            "AlwaysOff"
        );
        for (name, arg) in [
            ("traceidratio", "2"),
            ("traceidratio", "half"),
            ("jaeger", "1"),
        ] {
            let pairs = [
                ("OTEL_TRACES_SAMPLER", name),
                ("OTEL_TRACES_SAMPLER_ARG", arg),
            ];
            let err = sampler(None, &vars(&pairs)).unwrap_err().to_string();
            assert!(err.contains("OTEL_TRACES_SAMPLER"), "{name} {arg}: {err}");
        }
    }

    #[test]
    fn propagators_default_to_w3c_and_reject_unknown_names() {
        use opentelemetry::propagation::TextMapPropagator;
        let fields = |pairs: &[(&'static str, &'static str)]| {
            let propagator = propagator(&vars(pairs)).unwrap();
            let mut fields: Vec<String> = propagator.fields().map(str::to_owned).collect();
            fields.sort();
            fields
        };
        assert_eq!(fields(&[]), ["baggage", "traceparent", "tracestate"]);
        assert_eq!(
            fields(&[("OTEL_PROPAGATORS", "tracecontext")]),
            ["traceparent", "tracestate"]
        );
        assert!(fields(&[("OTEL_PROPAGATORS", "none")]).is_empty());
        let err = propagator(&vars(&[("OTEL_PROPAGATORS", "tracecontext,b3")])).unwrap_err();
        assert!(err.to_string().contains("\"b3\""), "{err}");
    }

    #[test]
    #[cfg(feature = "subscriber")]
    fn log_format_from_builder_or_variable() {
        assert_eq!(log_format(None, &vars(&[])).unwrap(), LogFormat::Text);
        assert_eq!(
            log_format(None, &vars(&[("LOG_FORMAT", "JSON")])).unwrap(),
            LogFormat::Json
        );
        assert_eq!(
            log_format(Some(LogFormat::Text), &vars(&[("LOG_FORMAT", "json")])).unwrap(),
            LogFormat::Text
        );
        assert!(log_format(None, &vars(&[("LOG_FORMAT", "xml")])).is_err());
    }
}
