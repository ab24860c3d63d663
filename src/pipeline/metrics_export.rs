//! [`MetricsExport`]: whether metrics are scraped, pushed over OTLP, both, or neither.

/// Where metrics go: the builder's `metrics_export(..)`, else `OTEL_METRICS_EXPORTER`
/// (`prometheus`, `otlp`, `prometheus,otlp`, `none`), else [`Scrape`](Self::Scrape).
///
/// Whichever is chosen, the JSON views, the live page and the in-process alerts keep
/// working: they read the SDK's data, not the text of `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum MetricsExport {
    /// `GET /metrics` in the Prometheus text format (`prometheus`), the default: it needs
    /// no collector.
    #[default]
    Scrape,
    /// Pushed over OTLP every `OTEL_METRIC_EXPORT_INTERVAL` (`otlp`), to the collector
    /// spans go to unless `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` says otherwise; `/metrics`
    /// answers 404.
    Push,
    /// Both (`prometheus,otlp`): each reader aggregates every measurement again, so a
    /// request costs more than with one of them.
    ScrapeAndPush,
    /// Neither (`none`): metrics are still recorded for the JSON views and the alerts.
    Off,
}

impl MetricsExport {
    pub(crate) fn of(scrape: bool, push: bool) -> Self {
        match (scrape, push) {
            (true, false) => Self::Scrape,
            (false, true) => Self::Push,
            (true, true) => Self::ScrapeAndPush,
            (false, false) => Self::Off,
        }
    }

    /// Whether `/metrics` serves the scrape.
    pub(crate) fn scrape(self) -> bool {
        matches!(self, Self::Scrape | Self::ScrapeAndPush)
    }

    /// Whether metrics are pushed over OTLP.
    pub(crate) fn push(self) -> bool {
        matches!(self, Self::Push | Self::ScrapeAndPush)
    }
}
