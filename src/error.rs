use std::fmt;

/// Errors from building pipelines and serving the monitoring endpoints.
///
/// The request path never produces one: telemetry passes the inner service's errors through
/// and never fails a request of its own.
#[derive(Debug)]
pub struct Error {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Config(String),
    Exporter(opentelemetry_sdk::error::OTelSdkError),
    #[cfg(feature = "operations")]
    Io(std::io::Error),
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self {
            kind: Kind::Config(message.into()),
        }
    }

    pub(crate) fn exporter(err: opentelemetry_sdk::error::OTelSdkError) -> Self {
        Self {
            kind: Kind::Exporter(err),
        }
    }

    #[cfg(feature = "operations")]
    pub(crate) fn io(err: std::io::Error) -> Self {
        Self {
            kind: Kind::Io(err),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Config(message) => write!(f, "invalid monitoring configuration: {message}"),
            Kind::Exporter(err) => write!(f, "telemetry exporter failed: {err}"),
            #[cfg(feature = "operations")]
            Kind::Io(err) => write!(f, "monitoring endpoint I/O failed: {err}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Config(_) => None,
            Kind::Exporter(err) => Some(err),
            #[cfg(feature = "operations")]
            Kind::Io(err) => Some(err),
        }
    }
}
