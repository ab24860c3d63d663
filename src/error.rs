use std::fmt;
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkError;

/// Errors from building pipelines, serving the monitoring endpoints and shutting down.
///
/// The request path never produces one: telemetry passes the inner service's errors through
/// and never fails a request of its own. Match on [`kind`](Self::kind) to tell a mistake
/// in the configuration, which should stop a service from starting, from telemetry that
/// could not be delivered, which should not:
///
/// ```no_run
/// # async fn f(monitoring: tower_monitoring::Monitoring) {
/// use tower_monitoring::ErrorKind;
///
/// match monitoring.shutdown().await {
///     Ok(()) => {}
///     // The collector was slow or down: the last spans are lost, the service is not broken.
///     Err(err) if matches!(err.kind(), ErrorKind::ExportTimeout | ErrorKind::Export) => {
///         tracing::warn!(%err, "telemetry was not flushed");
///     }
///     Err(err) => tracing::error!(%err, "monitoring shutdown failed"),
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    detail: Detail,
}

/// What went wrong, for callers that handle errors differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A builder setting or an environment variable could not be understood, or asks for
    /// something this build lacks (a feature, a TLS file that cannot be read). The message
    /// names the setting; fix it and start again.
    Config,
    /// Something the pipelines need is already taken: a global `tracing` subscriber set by
    /// someone else.
    Conflict,
    /// Telemetry could not be flushed within the shutdown timeout: the collector was slow or
    /// unreachable. What was still buffered is lost; nothing else is wrong.
    ExportTimeout,
    /// An exporter reported a failure (the collector refused the data, the exporter was shut
    /// down already).
    Export,
    /// The operating system refused something: binding the listener of
    /// [`serve_metrics`](crate::Monitoring::serve_metrics), starting a thread.
    Io,
}

#[derive(Debug)]
enum Detail {
    Message(String),
    Exporter(OTelSdkError),
    Io { what: String, err: std::io::Error },
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::message(ErrorKind::Config, message)
    }

    #[cfg_attr(not(feature = "subscriber"), allow(dead_code))]
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::message(ErrorKind::Conflict, message)
    }

    pub(crate) fn export_timeout(timeout: Duration) -> Self {
        Self {
            kind: ErrorKind::ExportTimeout,
            detail: Detail::Exporter(OTelSdkError::Timeout(timeout)),
        }
    }

    pub(crate) fn exporter(err: OTelSdkError) -> Self {
        let kind = match err {
            OTelSdkError::Timeout(_) => ErrorKind::ExportTimeout,
            _ => ErrorKind::Export,
        };
        Self {
            kind,
            detail: Detail::Exporter(err),
        }
    }

    /// An I/O error while doing `what` ("bind 0.0.0.0:9464", "start the flush thread").
    pub(crate) fn io(what: impl Into<String>, err: std::io::Error) -> Self {
        Self {
            kind: ErrorKind::Io,
            detail: Detail::Io {
                what: what.into(),
                err,
            },
        }
    }

    fn message(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            detail: Detail::Message(message.into()),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.detail) {
            (ErrorKind::Config, Detail::Message(message)) => {
                write!(f, "invalid monitoring configuration: {message}")
            }
            (_, Detail::Message(message)) => f.write_str(message),
            (ErrorKind::ExportTimeout, Detail::Exporter(OTelSdkError::Timeout(timeout))) => write!(
                f,
                "telemetry was not flushed within {timeout:?}: the collector is slow or \
                 unreachable, and what was still buffered is lost"
            ),
            (_, Detail::Exporter(err)) => write!(f, "telemetry export failed: {err}"),
            (_, Detail::Io { what, err }) => write!(f, "cannot {what}: {err}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.detail {
            Detail::Message(_) => None,
            Detail::Exporter(err) => Some(err),
            Detail::Io { err, .. } => Some(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_tell_configuration_from_delivery() {
        let config = Error::config("OTEL_TRACES_SAMPLER=\"sometimes\" is not supported");
        assert_eq!(config.kind(), ErrorKind::Config);
        assert_eq!(
            config.to_string(),
            "invalid monitoring configuration: OTEL_TRACES_SAMPLER=\"sometimes\" is not supported"
        );

        let timeout = Error::export_timeout(Duration::from_secs(5));
        assert_eq!(timeout.kind(), ErrorKind::ExportTimeout);
        assert!(
            timeout
                .to_string()
                .starts_with("telemetry was not flushed within 5s"),
            "{timeout}"
        );
        assert_eq!(
            Error::exporter(OTelSdkError::Timeout(Duration::from_secs(1))).kind(),
            ErrorKind::ExportTimeout
        );
        assert_eq!(
            Error::exporter(OTelSdkError::AlreadyShutdown).kind(),
            ErrorKind::Export
        );

        let io = Error::io("bind 0.0.0.0:9464", std::io::ErrorKind::AddrInUse.into());
        assert_eq!(io.kind(), ErrorKind::Io);
        assert!(
            io.to_string().starts_with("cannot bind 0.0.0.0:9464: "),
            "{io}"
        );
        assert!(std::error::Error::source(&io).is_some());
    }
}
