//! The OTLP span and metric exporters, over gRPC (port 4317, feature `otlp`) or
//! HTTP/protobuf (port 4318, feature `otlp-http`), in plain text or over TLS (`https://`,
//! feature `tls`, files in `tls.rs`). Each transport is compiled only when its feature is on.
//!
//! Both speak to Jaeger, an OpenTelemetry Collector or any other OTLP receiver. Endpoint,
//! headers and timeout come from the builder or the standard `OTEL_EXPORTER_OTLP_*`
//! variables, which the exporter reads itself.

#[cfg(all(feature = "otlp-http", feature = "tls"))]
use std::time::Duration;

#[cfg(feature = "otlp-http")]
use opentelemetry_otlp::Protocol;
use opentelemetry_otlp::WithExportConfig;

use super::tls::{self, TlsFiles};
use super::vars::Vars;
#[cfg(all(feature = "otlp-http", feature = "tls"))]
use super::vars::{parse, whole};
use crate::Error;

/// The OTLP transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OtlpProtocol {
    /// gRPC (`grpc`), by default on port 4317. Needs a tokio runtime: build the pipelines
    /// from inside it.
    #[default]
    Grpc,
    /// Protobuf over HTTP (`http/protobuf`), by default on port 4318; uses a blocking client
    /// on the exporter's own thread, so it works with or without a runtime. Needs the
    /// `otlp-http` feature.
    HttpProtobuf,
}

/// Which signal an exporter carries: its `OTEL_EXPORTER_OTLP_<SIGNAL>_*` variables and its
/// path over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    Traces,
    Metrics,
}

impl Signal {
    /// The signal's part of its variable names.
    pub(crate) fn infix(self) -> &'static str {
        match self {
            Self::Traces => "TRACES",
            Self::Metrics => "METRICS",
        }
    }

    /// `OTEL_EXPORTER_OTLP_<SIGNAL>_<suffix>`.
    pub(crate) fn variable(self, suffix: &str) -> String {
        format!("OTEL_EXPORTER_OTLP_{}_{suffix}", self.infix())
    }

    #[cfg(feature = "otlp-http")]
    fn http_path(self) -> &'static str {
        match self {
            Self::Traces => "/v1/traces",
            Self::Metrics => "/v1/metrics",
        }
    }
}

/// Where spans and pushed metrics go over OTLP, as the builder said; the variables fill in
/// the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) endpoint: Option<String>,
    pub(crate) protocol: Option<OtlpProtocol>,
    pub(crate) tls: TlsFiles,
}

/// The TLS files of `signal` read and checked, whether or not it is exported: a wrong path
/// shows at start, not on the day export is switched on.
pub(super) fn tls_files(
    settings: &Settings,
    signal: Signal,
    vars: &impl Vars,
) -> Result<tls::Tls, Error> {
    tls::Tls::load(&tls::resolve(&settings.tls, signal, vars)?)
}

/// What to tell the operator at start about `signal`'s TLS: today, a certificate that gRPC
/// will refuse when the collector presents it (see `Tls::grpc_notice`).
#[cfg_attr(
    not(all(feature = "otlp-grpc", feature = "tls")),
    allow(unused_variables)
)]
pub(super) fn certificate_notice(
    settings: &Settings,
    signal: Signal,
    protocol: OtlpProtocol,
    tls: &tls::Tls,
    vars: &impl Vars,
) -> Result<Option<String>, Error> {
    #[cfg(all(feature = "otlp-grpc", feature = "tls"))]
    if protocol == OtlpProtocol::Grpc {
        if let Some(host) = https_host(settings.endpoint.as_deref(), signal, vars)? {
            return Ok(tls.grpc_notice(&host));
        }
    }
    Ok(None)
}

/// The span exporter for `protocol`; see [`transport`].
pub(super) fn span_exporter(
    settings: &Settings,
    protocol: OtlpProtocol,
    tls: tls::Tls,
    vars: &impl Vars,
) -> Result<opentelemetry_otlp::SpanExporter, Error> {
    use opentelemetry_otlp::SpanExporter;
    let transport = Transport::new(settings, Signal::Traces, protocol, tls, vars)?;
    let exporter = match protocol {
        #[cfg(feature = "otlp-grpc")]
        OtlpProtocol::Grpc => transport.grpc(SpanExporter::builder().with_tonic()).build(),
        #[cfg(feature = "otlp-http")]
        OtlpProtocol::HttpProtobuf => transport.http(SpanExporter::builder().with_http())?.build(),
        #[allow(unreachable_patterns)]
        _ => unreachable!("Transport::new refuses a protocol this build lacks"),
    };
    exporter.map_err(|err| Error::config(format!("OTLP span exporter: {err}")))
}

/// The metric exporter for `protocol`, sending `temporality`; see [`transport`].
pub(super) fn metric_exporter(
    settings: &Settings,
    protocol: OtlpProtocol,
    tls: tls::Tls,
    temporality: opentelemetry_sdk::metrics::Temporality,
    vars: &impl Vars,
) -> Result<opentelemetry_otlp::MetricExporter, Error> {
    use opentelemetry_otlp::MetricExporter;
    let transport = Transport::new(settings, Signal::Metrics, protocol, tls, vars)?;
    let builder = MetricExporter::builder().with_temporality(temporality);
    let exporter = match protocol {
        #[cfg(feature = "otlp-grpc")]
        OtlpProtocol::Grpc => transport.grpc(builder.with_tonic()).build(),
        #[cfg(feature = "otlp-http")]
        OtlpProtocol::HttpProtobuf => transport.http(builder.with_http())?.build(),
        #[allow(unreachable_patterns)]
        _ => unreachable!("Transport::new refuses a protocol this build lacks"),
    };
    exporter.map_err(|err| Error::config(format!("OTLP metric exporter: {err}")))
}

/// How one exporter reaches its collector: the builder's endpoint (a base URL,
/// `http://collector:4317`, as in `OTEL_EXPORTER_OTLP_ENDPOINT`; without one the exporter
/// reads the variables itself), and TLS as `tls` says when that endpoint is `https://`.
struct Transport<'a> {
    #[cfg_attr(not(feature = "otlp-http"), allow(dead_code))]
    signal: Signal,
    endpoint: Option<&'a str>,
    #[cfg(feature = "tls")]
    tls: Option<tls::Tls>,
    #[cfg(all(feature = "otlp-http", feature = "tls"))]
    timeout: Duration,
}

impl<'a> Transport<'a> {
    // Without the `tls` feature `tls` is a unit that only proved no file was named.
    #[cfg_attr(not(feature = "tls"), allow(unused_variables))]
    fn new(
        settings: &'a Settings,
        signal: Signal,
        protocol: OtlpProtocol,
        tls: tls::Tls,
        vars: &impl Vars,
    ) -> Result<Self, Error> {
        let endpoint = settings.endpoint.as_deref();
        let https = uses_https(endpoint, signal, vars)?;
        #[cfg(not(feature = "tls"))]
        if https {
            return Err(tls::feature_missing("the OTLP endpoint is https://, which"));
        }
        match protocol {
            #[cfg(feature = "otlp-grpc")]
            OtlpProtocol::Grpc => {
                if tokio::runtime::Handle::try_current().is_err() {
                    return Err(Error::config(
                        "OTLP over gRPC needs a tokio runtime: build the pipelines inside it \
                         (for example in `#[tokio::main]`), or use http/protobuf",
                    ));
                }
            }
            #[cfg(feature = "otlp-http")]
            OtlpProtocol::HttpProtobuf => {}
            #[cfg(not(feature = "otlp-grpc"))]
            OtlpProtocol::Grpc => {
                return Err(Error::config(
                    "OTLP over gRPC needs the `otlp` feature of tower-monitoring (this build \
                     speaks http/protobuf only): add it, or use \
                     OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
                ));
            }
            #[cfg(not(feature = "otlp-http"))]
            OtlpProtocol::HttpProtobuf => {
                return Err(Error::config(
                    "OTLP over http/protobuf needs the `otlp-http` feature of tower-monitoring \
                     (this build speaks gRPC only): add it, or use OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
                ));
            }
        }
        Ok(Self {
            signal,
            endpoint,
            #[cfg(feature = "tls")]
            tls: https.then_some(tls),
            #[cfg(all(feature = "otlp-http", feature = "tls"))]
            timeout: timeout(signal, vars)?,
        })
    }

    #[cfg(feature = "otlp-grpc")]
    fn grpc<B>(&self, builder: B) -> B
    where
        B: WithExportConfig + opentelemetry_otlp::WithTonicConfig,
    {
        #[cfg(feature = "tls")]
        let builder = match &self.tls {
            Some(tls) => builder.with_tls_config(tls.grpc()),
            None => builder,
        };
        match self.endpoint {
            Some(endpoint) => builder.with_endpoint(endpoint),
            None => builder,
        }
    }

    #[cfg(feature = "otlp-http")]
    fn http<B>(&self, builder: B) -> Result<B, Error>
    where
        B: WithExportConfig + opentelemetry_otlp::WithHttpConfig,
    {
        let builder = builder.with_protocol(Protocol::HttpBinary);
        #[cfg(feature = "tls")]
        let builder = match &self.tls {
            Some(tls) => builder.with_http_client(https_client(tls, self.timeout)?),
            None => builder,
        };
        Ok(match self.endpoint {
            Some(endpoint) => builder.with_endpoint(http_url(endpoint, self.signal)),
            None => builder,
        })
    }
}

/// Whether the endpoint `signal` goes to is `https://`: the builder's, else the signal's
/// variable, else the generic one (the default, `http://localhost:4317`, is not).
fn uses_https(endpoint: Option<&str>, signal: Signal, vars: &impl Vars) -> Result<bool, Error> {
    Ok(https_host(endpoint, signal, vars)?.is_some())
}

/// The host of `signal`'s endpoint when it is `https://`: the builder's, else the signal's
/// variable, else the generic one.
fn https_host(
    endpoint: Option<&str>,
    signal: Signal,
    vars: &impl Vars,
) -> Result<Option<String>, Error> {
    let endpoint = match endpoint {
        Some(endpoint) => Some(endpoint.to_owned()),
        None => match vars.get(&signal.variable("ENDPOINT"))? {
            Some(endpoint) => Some(endpoint),
            None => vars.get("OTEL_EXPORTER_OTLP_ENDPOINT")?,
        },
    };
    let Some(endpoint) = endpoint else {
        return Ok(None);
    };
    let endpoint = endpoint.trim();
    let https = endpoint
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
    if !https {
        return Ok(None);
    }
    let authority = endpoint[8..].split(['/', '?']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    Ok(Some(host.to_owned()))
}

/// The export timeout a client of our own must enforce: the signal's
/// `OTEL_EXPORTER_OTLP_<SIGNAL>_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds),
/// else 10 s.
#[cfg(all(feature = "otlp-http", feature = "tls"))]
fn timeout(signal: Signal, vars: &impl Vars) -> Result<Duration, Error> {
    for name in [
        signal.variable("TIMEOUT"),
        "OTEL_EXPORTER_OTLP_TIMEOUT".to_owned(),
    ] {
        if let Some(ms) = parse(vars, &name, "must be milliseconds", whole)? {
            return Ok(Duration::from_millis(ms));
        }
    }
    Ok(Duration::from_secs(10))
}

/// A blocking client that speaks TLS as `tls` says, built on a thread of its own: the
/// blocking client runs a runtime of its own, which must not start inside the
/// application's.
#[cfg(all(feature = "otlp-http", feature = "tls"))]
fn https_client(tls: &tls::Tls, timeout: Duration) -> Result<reqwest::blocking::Client, Error> {
    let config = tls.rustls()?;
    std::thread::spawn(move || {
        reqwest::blocking::Client::builder()
            .timeout(timeout)
            .tls_backend_preconfigured(config)
            .build()
    })
    .join()
    .map_err(|_| Error::config("building the OTLP HTTP client panicked"))?
    .map_err(|err| Error::config(format!("the OTLP HTTP client: {err}")))
}

/// The spec's rule for a base endpoint over HTTP: the signal's path is appended.
#[cfg(feature = "otlp-http")]
fn http_url(endpoint: &str, signal: Signal) -> String {
    let endpoint = endpoint.trim_end_matches('/');
    let path = signal.http_path();
    if endpoint.ends_with(path) {
        endpoint.to_owned()
    } else {
        format!("{endpoint}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "otlp-http")]
    #[test]
    fn http_endpoint_gets_the_signal_path_once() {
        for (signal, path) in [
            (Signal::Traces, "/v1/traces"),
            (Signal::Metrics, "/v1/metrics"),
        ] {
            let expected = format!("http://collector:4318{path}");
            assert_eq!(http_url("http://collector:4318", signal), expected);
            assert_eq!(http_url("http://collector:4318/", signal), expected);
            assert_eq!(http_url(&expected, signal), expected);
        }
    }

    #[test]
    #[cfg(feature = "otlp-grpc")]
    fn grpc_outside_a_runtime_is_a_clear_error() {
        let settings = Settings {
            endpoint: Some("http://127.0.0.1:4317".into()),
            ..Settings::default()
        };
        let vars = crate::pipeline::vars::MapVars::of(&[]);
        let tls = tls_files(&settings, Signal::Traces, &vars).unwrap();
        let err = span_exporter(&settings, OtlpProtocol::Grpc, tls, &vars).unwrap_err();
        assert!(err.to_string().contains("tokio runtime"), "{err}");
    }

    #[test]
    fn the_scheme_of_the_endpoint_in_use_decides_tls() {
        use crate::pipeline::vars::MapVars;
        let generic = MapVars::of(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "HTTPS://collector:4317")]);
        assert!(uses_https(None, Signal::Traces, &generic).unwrap());
        assert!(!uses_https(Some("http://collector:4317"), Signal::Traces, &generic).unwrap());
        let traces = MapVars::of(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4317"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://collector:4318/v1/traces",
            ),
        ]);
        assert!(!uses_https(None, Signal::Traces, &traces).unwrap());
        assert!(uses_https(None, Signal::Metrics, &traces).unwrap());
        assert!(!uses_https(None, Signal::Traces, &MapVars::of(&[])).unwrap());
    }
}
