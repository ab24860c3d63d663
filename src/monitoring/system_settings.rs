//! The system-metrics settings of [`MonitoringBuilder`] (feature `system`).

use std::time::Duration;

use super::builder::MonitoringBuilder;

impl MonitoringBuilder {
    /// Whether process, system and tokio runtime metrics are recorded (default `true`); see
    /// [`system`](crate::system).
    pub fn system_metrics(mut self, enabled: bool) -> Self {
        self.system.enabled = enabled;
        self
    }

    /// How often the system figures are refreshed (default 15 s); a scrape reads the latest.
    /// With [`system_metrics(false)`](Self::system_metrics) nothing is refreshed, and
    /// `install()` fails naming both.
    pub fn system_refresh_interval(mut self, interval: Duration) -> Self {
        self.system.interval = Some(interval);
        self
    }
}

/// The system settings as the builder collected them.
#[derive(Debug, Clone, Copy)]
pub(super) struct SystemSettings {
    pub(super) enabled: bool,
    /// Set by `system_refresh_interval(..)`.
    pub(super) interval: Option<Duration>,
}

impl SystemSettings {
    /// The refresh interval, `None` when system metrics are off; fails on a conflict.
    pub(super) fn resolve(self) -> Result<Option<Duration>, crate::Error> {
        match (self.enabled, self.interval) {
            (false, Some(_)) => Err(crate::Error::config(
                "system_refresh_interval(..) has nothing to refresh with system_metrics(false): \
                 drop one of the two",
            )),
            (false, None) => Ok(None),
            (true, Some(interval)) if interval.is_zero() => Err(crate::Error::config(
                "the system refresh interval must be above zero",
            )),
            (true, interval) => Ok(Some(
                interval.unwrap_or(crate::system::DEFAULT_SYSTEM_REFRESH_INTERVAL),
            )),
        }
    }
}
