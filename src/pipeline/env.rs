//! The standard `OTEL_*` variables (and `LOG_FORMAT`), read into typed settings.
//!
//! Every function takes the variables as a lookup so that tests can pass their own; a value
//! that cannot be understood is a configuration error naming the variable, never a silent
//! fallback to a default the user did not ask for.

use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::trace::Sampler;

#[cfg(feature = "subscriber")]
use super::LogFormat;
use super::MetricsExport;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use super::OtlpProtocol;
use super::vars::{Vars, above_zero, boolean, parse, ratio};
use crate::Error;
use crate::trace::propagation::Propagation;

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

/// The OTLP protocol of `signal`: the builder, else `OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`,
/// else `OTEL_EXPORTER_OTLP_PROTOCOL`, else gRPC (http/protobuf in a build without gRPC).
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
pub(super) fn otlp_protocol(
    configured: Option<OtlpProtocol>,
    signal: super::otlp::Signal,
    vars: &impl Vars,
) -> Result<OtlpProtocol, Error> {
    if let Some(protocol) = configured {
        return Ok(protocol);
    }
    for name in [
        signal.variable("PROTOCOL"),
        "OTEL_EXPORTER_OTLP_PROTOCOL".to_owned(),
    ] {
        if let Some(value) = vars.get(&name)? {
            return match value.trim() {
                "grpc" => Ok(OtlpProtocol::Grpc),
                "http/protobuf" => Ok(OtlpProtocol::HttpProtobuf),
                other => Err(Error::config(format!(
                    "{name}={other:?} is not supported; use \"grpc\" or \"http/protobuf\""
                ))),
            };
        }
    }
    Ok(if cfg!(feature = "otlp-grpc") {
        OtlpProtocol::Grpc
    } else {
        OtlpProtocol::HttpProtobuf
    })
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

/// The series each instrument keeps: the builder, else `MONITORING_CARDINALITY_LIMIT`, else
/// [`DEFAULT_CARDINALITY_LIMIT`](super::DEFAULT_CARDINALITY_LIMIT). No standard variable
/// exists; the SDK reads none.
pub(super) fn cardinality_limit(
    configured: Option<usize>,
    vars: &impl Vars,
) -> Result<usize, Error> {
    let expected = "must be a whole number of series per instrument";
    let limit = match configured {
        Some(limit) => limit,
        None => parse(vars, "MONITORING_CARDINALITY_LIMIT", expected, |value| {
            value.parse().ok()
        })?
        .unwrap_or(super::DEFAULT_CARDINALITY_LIMIT),
    };
    super::views::check_limit(limit).map_err(|err| match configured {
        Some(_) => err,
        None => Error::config(format!("MONITORING_CARDINALITY_LIMIT: {err}")),
    })?;
    Ok(limit)
}

/// Where metrics go: the builder, else `OTEL_METRICS_EXPORTER` (`prometheus`, `otlp`,
/// `none`, or a comma list of the first two), else the scrape alone. The specification's
/// default is `otlp`; this crate's is the scrape it serves without a collector.
pub(super) fn metrics_export(
    configured: Option<MetricsExport>,
    vars: &impl Vars,
) -> Result<MetricsExport, Error> {
    const NAME: &str = "OTEL_METRICS_EXPORTER";
    // Checked even when the builder decides, so a typo is not silently ignored.
    let from_variable = match vars.get(NAME)? {
        None => None,
        Some(value) => {
            let (mut scrape, mut push, mut none) = (false, false, false);
            for entry in value.split(',').map(str::trim) {
                match entry {
                    "prometheus" => scrape = true,
                    "otlp" => push = true,
                    "none" => none = true,
                    _ => {
                        return Err(Error::config(format!(
                            "{NAME}={value:?} is not supported; use \"prometheus\", \"otlp\", \
                             \"prometheus,otlp\" or \"none\""
                        )));
                    }
                }
            }
            if none && (scrape || push) {
                return Err(Error::config(format!(
                    "{NAME}={value:?}: \"none\" cannot be listed with an exporter"
                )));
            }
            Some(MetricsExport::of(scrape, push))
        }
    };
    match configured.or(from_variable) {
        Some(export) if export.scrape() && !cfg!(feature = "prometheus") => Err(Error::config(
            "the Prometheus scrape (OTEL_METRICS_EXPORTER=prometheus or metrics_export(..)) \
             needs the `prometheus` feature of tower-monitoring",
        )),
        Some(export) => Ok(export),
        None if cfg!(feature = "prometheus") => Ok(MetricsExport::Scrape),
        None => Ok(MetricsExport::Off),
    }
}

/// How often metrics are pushed: the builder, else `OTEL_METRIC_EXPORT_INTERVAL`
/// (milliseconds, above zero), else 60 s. The SDK would read the variable itself and skip a
/// value it cannot parse.
pub(super) fn metric_export_interval(
    configured: Option<std::time::Duration>,
    vars: &impl Vars,
) -> Result<std::time::Duration, Error> {
    let from_variable = parse(
        vars,
        "OTEL_METRIC_EXPORT_INTERVAL",
        "must be a whole number of milliseconds above zero",
        above_zero,
    )?
    .map(std::time::Duration::from_millis);
    Ok(configured
        .or(from_variable)
        .unwrap_or(std::time::Duration::from_secs(60)))
}

/// The temporality pushed metrics carry: the builder, else
/// `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` (`cumulative`, `delta`, `lowmemory`),
/// else cumulative.
pub(super) fn metrics_temporality(
    configured: Option<Temporality>,
    vars: &impl Vars,
) -> Result<Temporality, Error> {
    let from_variable = parse(
        vars,
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "is not supported; use \"cumulative\", \"delta\" or \"lowmemory\"",
        |value| match value.to_ascii_lowercase().as_str() {
            "cumulative" => Some(Temporality::Cumulative),
            "delta" => Some(Temporality::Delta),
            "lowmemory" => Some(Temporality::LowMemory),
            _ => None,
        },
    )?;
    Ok(configured.or(from_variable).unwrap_or_default())
}

/// Whether duration histograms keep exemplars: the builder, else
/// `OTEL_METRICS_EXEMPLAR_FILTER` (`trace_based`, `always_off`), else on. `always_on` is
/// refused rather than taken for `trace_based`: an exemplar for every measurement would put
/// work on the path of every unsampled request, for exemplars that link to no trace.
pub(super) fn exemplars(configured: Option<bool>, vars: &impl Vars) -> Result<bool, Error> {
    let from_variable = parse(
        vars,
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "is not supported; use \"trace_based\" (exemplars of sampled spans, the default) or \
         \"always_off\" (\"always_on\" would record one for every unsampled request too)",
        |value| match value.to_ascii_lowercase().as_str() {
            "trace_based" => Some(true),
            "always_off" => Some(false),
            _ => None,
        },
    )?;
    Ok(configured.or(from_variable).unwrap_or(true))
}

/// Which histograms are exponential: the builder, else
/// `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION`
/// (`base2_exponential_bucket_histogram` for all, `explicit_bucket_histogram`), else none.
pub(super) fn exponential_histograms(
    configured: Option<super::views::Exponential>,
    vars: &impl Vars,
) -> Result<super::views::Exponential, Error> {
    use super::views::Exponential;
    let from_variable = parse(
        vars,
        "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
        "is not supported; use \"explicit_bucket_histogram\" or \
         \"base2_exponential_bucket_histogram\"",
        |value| match value {
            "explicit_bucket_histogram" => Some(Exponential::None),
            "base2_exponential_bucket_histogram" => Some(Exponential::All),
            _ => None,
        },
    )?;
    Ok(configured.or(from_variable).unwrap_or_default())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::vars::MapVars;

    fn vars(pairs: &[(&'static str, &'static str)]) -> MapVars {
        MapVars::of(pairs)
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
    #[cfg(feature = "otlp-grpc")]
    fn protocol_prefers_builder_then_traces_variable_then_generic() {
        use crate::pipeline::otlp::Signal::{Metrics, Traces};
        assert_eq!(
            otlp_protocol(None, Traces, &vars(&[])).unwrap(),
            OtlpProtocol::Grpc
        );
        let http = ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        assert_eq!(
            otlp_protocol(None, Traces, &vars(&[http])).unwrap(),
            OtlpProtocol::HttpProtobuf
        );
        let grpc = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc");
        assert_eq!(
            otlp_protocol(None, Traces, &vars(&[http, grpc])).unwrap(),
            OtlpProtocol::Grpc
        );
        assert_eq!(
            otlp_protocol(None, Metrics, &vars(&[http, grpc])).unwrap(),
            OtlpProtocol::HttpProtobuf
        );
        assert_eq!(
            otlp_protocol(Some(OtlpProtocol::HttpProtobuf), Traces, &vars(&[grpc])).unwrap(),
            OtlpProtocol::HttpProtobuf
        );
        let json = ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
        let err = otlp_protocol(None, Traces, &vars(&[json])).unwrap_err();
        assert!(err.to_string().contains("http/json"), "{err}");
    }

    #[test]
    fn where_metrics_go() {
        let export = |value| metrics_export(None, &vars(&[("OTEL_METRICS_EXPORTER", value)]));
        if cfg!(feature = "prometheus") {
            assert_eq!(
                metrics_export(None, &vars(&[])).unwrap(),
                MetricsExport::Scrape
            );
            assert_eq!(export("prometheus").unwrap(), MetricsExport::Scrape);
            assert_eq!(
                export(" otlp , prometheus ").unwrap(),
                MetricsExport::ScrapeAndPush
            );
        }
        assert_eq!(export("otlp").unwrap(), MetricsExport::Push);
        assert_eq!(export("none").unwrap(), MetricsExport::Off);
        for bad in ["statsd", "none,otlp", "otlp,"] {
            let err = export(bad).unwrap_err().to_string();
            assert!(err.contains("OTEL_METRICS_EXPORTER"), "{bad:?}: {err}");
        }
        // The builder wins, but a typo in the variable still fails.
        let typo = vars(&[("OTEL_METRICS_EXPORTER", "otpl")]);
        assert!(metrics_export(Some(MetricsExport::Push), &typo).is_err());

        let interval =
            |value| metric_export_interval(None, &vars(&[("OTEL_METRIC_EXPORT_INTERVAL", value)]));
        assert_eq!(
            interval("1500").unwrap(),
            std::time::Duration::from_millis(1500)
        );
        assert!(interval("0").is_err() && interval("5s").is_err());
        assert_eq!(
            metric_export_interval(None, &vars(&[])).unwrap(),
            std::time::Duration::from_secs(60)
        );

        let temporality = |value| {
            let name = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
            metrics_temporality(None, &vars(&[(name, value)]))
        };
        assert_eq!(temporality("Delta").unwrap(), Temporality::Delta);
        assert_eq!(temporality("lowmemory").unwrap(), Temporality::LowMemory);
        assert!(temporality("sometimes").is_err());
        assert_eq!(
            metrics_temporality(None, &vars(&[])).unwrap(),
            Temporality::Cumulative
        );
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
