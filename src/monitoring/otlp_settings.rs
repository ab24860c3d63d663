//! The OTLP settings of [`MonitoringBuilder`] (feature `otlp`).

use super::builder::MonitoringBuilder;
use crate::OtlpProtocol;

impl MonitoringBuilder {
    /// Enables tracing over OTLP to `endpoint`, a base URL such as `http://localhost:4317`
    /// (gRPC) or `http://localhost:4318` (HTTP). Without it, tracing is enabled when
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, unless
    /// `OTEL_TRACES_EXPORTER=none` or `OTEL_SDK_DISABLED=true`.
    pub fn otlp_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.pipeline.otlp.endpoint = Some(endpoint.into());
        self
    }

    /// The OTLP transport. Without it, `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or
    /// `OTEL_EXPORTER_OTLP_PROTOCOL` (`grpc`, `http/protobuf`), else gRPC.
    pub fn otlp_protocol(mut self, protocol: OtlpProtocol) -> Self {
        self.pipeline.otlp.protocol = Some(protocol);
        self
    }
}
