//! The system-metrics settings of [`MonitoringBuilder`] (feature `system`).

use std::time::Duration;

use super::builder::MonitoringBuilder;

impl MonitoringBuilder {
    /// Whether process, system and tokio runtime metrics are recorded (default `true`); see
    /// [`system`](crate::system).
    pub fn system_metrics(mut self, enabled: bool) -> Self {
        self.system = enabled.then_some(
            self.system
                .unwrap_or(crate::system::DEFAULT_SYSTEM_REFRESH_INTERVAL),
        );
        self
    }

    /// How often the system figures are refreshed (default 15 s); a scrape reads the latest.
    pub fn system_refresh_interval(mut self, interval: Duration) -> Self {
        if self.system.is_some() {
            self.system = Some(interval);
        }
        self
    }
}
