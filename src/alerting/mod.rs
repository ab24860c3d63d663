//! In-process alerting: thresholds on latency, error rate, memory, CPU, cache hit ratio and
//! connection-pool use, evaluated over a sliding window by a thread of its own.
//!
//! An operator without Grafana sees the firing alerts on `GET /metrics/report` and
//! `GET /metrics/dashboard`; fired and resolved alerts are logged (`warn`, `info`), kept in a
//! bounded history, and exported as `monitoring.alerts.active` by `alert.type`, so
//! Prometheus sees them too; with a webhook URL each is also POSTed there (`webhook.rs`,
//! feature `reqwest`). `rules.rs` says what is watched, `evaluator.rs` when an alert fires
//! and resolves.

mod evaluator;
mod rules;
#[cfg(feature = "reqwest")]
mod webhook;

pub use rules::Thresholds;

pub(crate) use evaluator::{Alert, Change, Evaluator};
pub(crate) use rules::Rule;

/// The attributes of `rule`'s series of `monitoring.alerts.active`.
pub(crate) fn alert_attributes(rule: Rule) -> [opentelemetry::KeyValue; 2] {
    [
        opentelemetry::KeyValue::new(crate::names::attr::ALERT_TYPE, rule.name()),
        opentelemetry::KeyValue::new(crate::names::attr::ALERT_SEVERITY, rule.severity()),
    ]
}
#[cfg(feature = "reqwest")]
pub(crate) use webhook::Webhook;
