//! [`Alerts`]: the evaluator, what an evaluation changes (the `monitoring.alerts.active`
//! gauge, the log, the webhook), and the thread that evaluates on an interval.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant, SystemTime};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Gauge, Meter};

use super::alert_report::{AlertNotification, AlertReport};
use super::evaluator::{Alert, Change, Evaluator};
use super::notify::Notifier;
use super::rules::Rule;
use super::thresholds::Thresholds;
use crate::names::{self, attr};
use crate::operations::summary::Figures;

pub(crate) struct Alerts {
    evaluator: Mutex<Evaluator>,
    active: Gauge<i64>,
    notifier: Notifier,
    /// `service.name`, for the webhook's payload.
    service: String,
}

impl std::fmt::Debug for Alerts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alerts").finish_non_exhaustive()
    }
}

/// The attributes of `rule`'s series of `monitoring.alerts.active`.
fn attributes(rule: Rule) -> [KeyValue; 2] {
    [
        KeyValue::new(attr::ALERT_TYPE, rule.name()),
        KeyValue::new(attr::ALERT_SEVERITY, rule.severity()),
    ]
}

impl Alerts {
    pub(crate) fn new(
        thresholds: Thresholds,
        meter: &Meter,
        notifier: Notifier,
        service: String,
    ) -> Self {
        let active = names::metric::MONITORING_ALERTS_ACTIVE.i64_gauge(meter);
        // Every alert starts at 0, so dashboards and rules see the series before one fires.
        for rule in Rule::ALL {
            active.record(0, &attributes(rule));
        }
        Self {
            evaluator: Mutex::new(Evaluator::new(thresholds)),
            active,
            notifier,
            service,
        }
    }

    fn evaluator(&self) -> MutexGuard<'_, Evaluator> {
        self.evaluator
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Evaluates the thresholds on `figures` as of `now`, and reports what changed.
    pub(crate) fn evaluate(&self, now: Instant, wall: SystemTime, figures: Figures) {
        let changes = self.evaluator().evaluate(now, wall, figures);
        for change in changes {
            let (alert, firing) = match &change {
                Change::Fired(alert) => (alert, true),
                Change::Resolved(alert) => (alert, false),
            };
            self.active
                .record(i64::from(firing), &attributes(alert.rule));
            self.notifier.notify(|| AlertNotification {
                status: if firing { "firing" } else { "resolved" }.to_owned(),
                service: self.service.clone(),
                alert: alert.report(),
            });
            log(alert, firing);
        }
    }

    /// The firing alerts and the history.
    pub(crate) fn report(&self) -> AlertReport {
        let evaluator = self.evaluator();
        AlertReport {
            active: evaluator.active().iter().map(Alert::report).collect(),
            history: evaluator.history().map(Alert::report).collect(),
        }
    }

    /// Forgets the history and the window; firing alerts stay.
    pub(crate) fn reset(&self) {
        self.evaluator().reset();
    }
}

fn log(alert: &Alert, firing: bool) {
    let (value, threshold) = (
        alert.rule.format(alert.value),
        alert.rule.format(alert.threshold),
    );
    if firing {
        tracing::warn!(alert = alert.rule.name(), severity = alert.rule.severity(), component = alert.rule.component(), %value, %threshold, "alert fired");
    } else {
        // The value that resolved it, not the one it fired with.
        let resolved = alert
            .resolved_value
            .map_or_else(|| "no data".to_owned(), |v| alert.rule.format(v));
        tracing::info!(alert = alert.rule.name(), value = %resolved, fired_value = %value, %threshold, "alert resolved");
    }
}

/// Calls `evaluate` on `of` every `interval`, on a thread of its own, until `of` is gone.
pub(crate) fn every<T: Send + Sync + 'static>(interval: Duration, of: Weak<T>, evaluate: fn(&T)) {
    let _ = std::thread::Builder::new()
        .name("tower-monitoring-alerts".into())
        .spawn(move || {
            loop {
                std::thread::sleep(interval);
                let Some(target) = of.upgrade() else { return };
                evaluate(&target);
                drop::<Arc<T>>(target);
            }
        });
}
