//! The `tracing` subscriber settings of [`MonitoringBuilder`] (feature `subscriber`).

use super::builder::MonitoringBuilder;
use crate::LogFormat;

impl MonitoringBuilder {
    /// Whether [`install`](Self::install) sets the global `tracing` subscriber (default
    /// `true`). Switch it off to compose your own from [`bridge_layer`](crate::bridge_layer)
    /// and [`JsonFormat`](crate::JsonFormat).
    pub fn tracing_subscriber(mut self, install: bool) -> Self {
        self.pipeline.logs.install = install;
        self
    }

    /// The log line format. Without it, `LOG_FORMAT` (`json` or `text`), else text.
    pub fn log_format(mut self, format: LogFormat) -> Self {
        self.pipeline.logs.format = Some(format);
        self
    }

    /// Filter directives used when `RUST_LOG` is unset, such as `info,sqlx=warn` (default
    /// `info`). `RUST_LOG` wins, so operators can turn logging up without a rebuild.
    pub fn log_filter(mut self, directives: impl Into<String>) -> Self {
        self.pipeline.logs.filter = Some(directives.into());
        self
    }
}
