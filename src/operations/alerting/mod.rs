//! In-process alerting: thresholds on latency, error rate, memory, CPU, cache hit ratio,
//! connection-pool use and the machine's load per CPU, evaluated over a sliding window by a thread of its own.
//!
//! An operator without Grafana sees the firing alerts on `GET /metrics/report` and
//! `GET /metrics/dashboard`; fired and resolved alerts are logged (`warn`, `info`), kept in a
//! bounded history, and exported as `monitoring.alerts.active` by `alert.type`, so
//! Prometheus sees them too; with a webhook URL each is also POSTed there (`notify.rs`,
//! `webhook.rs`, feature `reqwest`). `thresholds.rs` says what is configurable, `rules.rs`
//! what is watched, `evaluator.rs` when an alert fires and resolves, `alerts.rs` what that
//! changes.

mod alert_report;
mod alerts;
mod evaluator;
mod notify;
mod rules;
mod thresholds;
#[cfg(feature = "reqwest")]
mod webhook;

pub use alert_report::{AlertNotification, AlertReport, ReportedAlert};
pub(crate) use alerts::{Alerts, every};
pub(crate) use notify::Notifier;
pub use thresholds::Thresholds;
