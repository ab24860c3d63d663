//! The OTLP settings of [`MonitoringBuilder`] (feature `otlp`).

use std::path::PathBuf;

use super::builder::MonitoringBuilder;
use crate::OtlpProtocol;

impl MonitoringBuilder {
    /// Enables tracing over OTLP to `endpoint`, a base URL such as `http://localhost:4317`
    /// (gRPC) or `http://localhost:4318` (HTTP); `https://` needs the `tls` feature. Without it, tracing is enabled when
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, unless
    /// `OTEL_TRACES_EXPORTER=none` or `OTEL_SDK_DISABLED=true`.
    pub fn otlp_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.pipeline.otlp.endpoint = Some(endpoint.into());
        self
    }

    /// The OTLP transport. Without it, `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or
    /// `OTEL_EXPORTER_OTLP_PROTOCOL` (`grpc`, `http/protobuf`), else gRPC. HTTP needs the
    /// `otlp-http` feature.
    pub fn otlp_protocol(mut self, protocol: OtlpProtocol) -> Self {
        self.pipeline.otlp.protocol = Some(protocol);
        self
    }
    /// The certificate authority (a PEM file) that the collector's certificate must chain
    /// to, for an `https://` endpoint; only it is trusted then. Without it,
    /// `OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE` or `OTEL_EXPORTER_OTLP_CERTIFICATE`, else the
    /// system's roots. Needs the `tls` feature.
    pub fn otlp_certificate(mut self, ca_pem_file: impl Into<PathBuf>) -> Self {
        self.pipeline.otlp.tls.certificate = Some(ca_pem_file.into());
        self
    }

    /// The client certificate chain and private key (PEM files) to present to a collector
    /// that asks for one (mutual TLS). Without them, `OTEL_EXPORTER_OTLP_[TRACES_]CLIENT_CERTIFICATE`
    /// and `OTEL_EXPORTER_OTLP_[TRACES_]CLIENT_KEY`. Needs the `tls` feature.
    pub fn otlp_client_certificate(
        mut self,
        certificate_pem_file: impl Into<PathBuf>,
        key_pem_file: impl Into<PathBuf>,
    ) -> Self {
        self.pipeline.otlp.tls.client_certificate = Some(certificate_pem_file.into());
        self.pipeline.otlp.tls.client_key = Some(key_pem_file.into());
        self
    }
}
