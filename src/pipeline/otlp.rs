//! The OTLP span exporter, over gRPC (port 4317) or HTTP/protobuf (port 4318).
//!
//! Both speak to Jaeger, an OpenTelemetry Collector or any other OTLP receiver. Endpoint,
//! headers and timeout come from the builder or the standard `OTEL_EXPORTER_OTLP_*`
//! variables, which the exporter reads itself.

use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig};

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
    /// on the exporter's own thread, so it works with or without a runtime.
    HttpProtobuf,
}

const TRACES_PATH: &str = "/v1/traces";

/// Where spans go over OTLP, as the builder said; the variables fill in the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) endpoint: Option<String>,
    pub(crate) protocol: Option<OtlpProtocol>,
}

/// Builds the exporter. `endpoint` is the base URL (`http://collector:4317`), as in
/// `OTEL_EXPORTER_OTLP_ENDPOINT`; `None` leaves it to the variables and the defaults.
pub(super) fn span_exporter(
    protocol: OtlpProtocol,
    endpoint: Option<&str>,
) -> Result<SpanExporter, Error> {
    let exporter = match protocol {
        OtlpProtocol::Grpc => {
            if tokio::runtime::Handle::try_current().is_err() {
                return Err(Error::config(
                    "OTLP over gRPC needs a tokio runtime: build the pipelines inside it \
                     (for example in `#[tokio::main]`), or use http/protobuf",
                ));
            }
            let builder = SpanExporter::builder().with_tonic();
            match endpoint {
                Some(endpoint) => builder.with_endpoint(endpoint).build(),
                None => builder.build(),
            }
        }
        OtlpProtocol::HttpProtobuf => {
            let builder = SpanExporter::builder()
                .with_http()
                .with_protocol(Protocol::HttpBinary);
            match endpoint {
                Some(endpoint) => builder.with_endpoint(http_traces_url(endpoint)).build(),
                None => builder.build(),
            }
        }
    };
    exporter.map_err(|err| Error::config(format!("OTLP span exporter: {err}")))
}

/// The spec's rule for a base endpoint over HTTP: the signal's path is appended.
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
    fn grpc_outside_a_runtime_is_a_clear_error() {
        let err = span_exporter(OtlpProtocol::Grpc, Some("http://127.0.0.1:4317")).unwrap_err();
        assert!(err.to_string().contains("tokio runtime"), "{err}");
    }
}
