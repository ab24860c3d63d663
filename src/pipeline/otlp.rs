//! The OTLP span exporter, over gRPC (port 4317, feature `otlp`) or HTTP/protobuf (port
//! 4318, feature `otlp-http`), in plain text or over TLS (`https://`, feature `tls`, files in
//! `tls.rs`). Each transport is compiled only when its feature is on.
//!
//! Both speak to Jaeger, an OpenTelemetry Collector or any other OTLP receiver. Endpoint,
//! headers and timeout come from the builder or the standard `OTEL_EXPORTER_OTLP_*`
//! variables, which the exporter reads itself.

#[cfg(all(feature = "otlp-http", feature = "tls"))]
use std::time::Duration;

#[cfg(feature = "otlp-http")]
use opentelemetry_otlp::Protocol;
#[cfg(all(feature = "otlp-http", feature = "tls"))]
use opentelemetry_otlp::WithHttpConfig;
#[cfg(all(feature = "otlp-grpc", feature = "tls"))]
use opentelemetry_otlp::WithTonicConfig;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};

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

#[cfg(feature = "otlp-http")]
const TRACES_PATH: &str = "/v1/traces";

/// Where spans go over OTLP, as the builder said; the variables fill in the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) endpoint: Option<String>,
    pub(crate) protocol: Option<OtlpProtocol>,
    pub(crate) tls: TlsFiles,
}

/// The TLS files read and checked, whether or not tracing is on: a wrong path shows at
/// start, not on the day tracing is switched on.
pub(super) fn tls_files(settings: &Settings, vars: &impl Vars) -> Result<tls::Tls, Error> {
    tls::Tls::load(&tls::resolve(&settings.tls, vars)?)
}

/// Builds the exporter for `protocol`, speaking TLS as `tls` says when the endpoint is
/// `https://`. The builder's endpoint is a base URL (`http://collector:4317`), as in
/// `OTEL_EXPORTER_OTLP_ENDPOINT`; without one the exporter reads the variables itself.
// Without the `tls` feature `tls` is a unit that only proved no file was named.
#[cfg_attr(not(feature = "tls"), allow(unused_variables))]
pub(super) fn span_exporter(
    settings: &Settings,
    protocol: OtlpProtocol,
    tls: tls::Tls,
    vars: &impl Vars,
) -> Result<SpanExporter, Error> {
    let endpoint = settings.endpoint.as_deref();
    let https = uses_https(endpoint, vars)?;
    #[cfg(not(feature = "tls"))]
    if https {
        return Err(tls::feature_missing("the OTLP endpoint is https://, which"));
    }
    #[cfg(feature = "tls")]
    let tls = https.then_some(tls);
    let exporter = match protocol {
        #[cfg(feature = "otlp-grpc")]
        OtlpProtocol::Grpc => {
            if tokio::runtime::Handle::try_current().is_err() {
                return Err(Error::config(
                    "OTLP over gRPC needs a tokio runtime: build the pipelines inside it \
                     (for example in `#[tokio::main]`), or use http/protobuf",
                ));
            }
            let builder = SpanExporter::builder().with_tonic();
            #[cfg(feature = "tls")]
            let builder = match &tls {
                Some(tls) => builder.with_tls_config(tls.grpc()),
                None => builder,
            };
            match endpoint {
                Some(endpoint) => builder.with_endpoint(endpoint).build(),
                None => builder.build(),
            }
        }
        #[cfg(feature = "otlp-http")]
        OtlpProtocol::HttpProtobuf => {
            let builder = SpanExporter::builder()
                .with_http()
                .with_protocol(Protocol::HttpBinary);
            #[cfg(feature = "tls")]
            let builder = match &tls {
                Some(tls) => builder.with_http_client(https_client(tls, timeout(vars)?)?),
                None => builder,
            };
            match endpoint {
                Some(endpoint) => builder.with_endpoint(http_traces_url(endpoint)).build(),
                None => builder.build(),
            }
        }
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
    };
    exporter.map_err(|err| Error::config(format!("OTLP span exporter: {err}")))
}

/// Whether the endpoint spans go to is `https://`: the builder's, else the traces variable,
/// else the generic one (the default, `http://localhost:4317`, is not).
fn uses_https(endpoint: Option<&str>, vars: &impl Vars) -> Result<bool, Error> {
    let endpoint = match endpoint {
        Some(endpoint) => Some(endpoint.to_owned()),
        None => match vars.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")? {
            Some(endpoint) => Some(endpoint),
            None => vars.get("OTEL_EXPORTER_OTLP_ENDPOINT")?,
        },
    };
    Ok(endpoint.is_some_and(|endpoint| {
        endpoint
            .trim()
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
    }))
}

/// The export timeout a client of our own must enforce: `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`,
/// else `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds), else 10 s.
#[cfg(all(feature = "otlp-http", feature = "tls"))]
fn timeout(vars: &impl Vars) -> Result<Duration, Error> {
    for name in [
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
        "OTEL_EXPORTER_OTLP_TIMEOUT",
    ] {
        if let Some(ms) = parse(vars, name, "must be milliseconds", whole)? {
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
fn http_traces_url(endpoint: &str) -> String {
    let endpoint = endpoint.trim_end_matches('/');
    if endpoint.ends_with(TRACES_PATH) {
        endpoint.to_owned()
    } else {
        format!("{endpoint}{TRACES_PATH}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "otlp-http")]
    #[test]
    fn http_endpoint_gets_the_traces_path_once() {
        assert_eq!(
            http_traces_url("http://collector:4318"),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            http_traces_url("http://collector:4318/"),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            http_traces_url("http://collector:4318/v1/traces"),
            "http://collector:4318/v1/traces"
        );
    }

    #[test]
    #[cfg(feature = "otlp-grpc")]
    fn grpc_outside_a_runtime_is_a_clear_error() {
        let settings = Settings {
            endpoint: Some("http://127.0.0.1:4317".into()),
            ..Settings::default()
        };
        let vars = crate::pipeline::vars::MapVars::of(&[]);
        let tls = tls_files(&settings, &vars).unwrap();
        let err = span_exporter(&settings, OtlpProtocol::Grpc, tls, &vars).unwrap_err();
        assert!(err.to_string().contains("tokio runtime"), "{err}");
    }

    #[test]
    fn the_scheme_of_the_endpoint_in_use_decides_tls() {
        use crate::pipeline::vars::MapVars;
        let generic = MapVars::of(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "HTTPS://collector:4317")]);
        assert!(uses_https(None, &generic).unwrap());
        assert!(!uses_https(Some("http://collector:4317"), &generic).unwrap());
        let traces = MapVars::of(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4317"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://collector:4318/v1/traces",
            ),
        ]);
        assert!(!uses_https(None, &traces).unwrap());
        assert!(!uses_https(None, &MapVars::of(&[])).unwrap());
    }
}
