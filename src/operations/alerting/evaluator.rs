//! The alert state machine: a broken threshold is pending, fires once it has stayed broken
//! for `for_duration`, and resolves when it is no longer broken. Time is passed in, so tests
//! drive it without waiting.

use std::collections::{HashMap, VecDeque};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::alert_report::ReportedAlert;
use super::rules::Rule;
use super::thresholds::Thresholds;
use crate::operations::summary::Figures;

/// How many ended alerts are kept.
pub(crate) const HISTORY: usize = 100;

/// How many samples the window keeps, however often evaluations are asked for; past it the
/// oldest go, and the window starts a little later.
const MAX_SAMPLES: usize = 1_000;

/// An alert, firing or ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Alert {
    pub(crate) rule: Rule,
    /// The latest value while it fired.
    pub(crate) value: f64,
    pub(crate) threshold: f64,
    pub(crate) started_at: SystemTime,
    pub(crate) resolved_at: Option<SystemTime>,
    /// The value that resolved it; `None` while firing, or when it resolved because there
    /// was no longer enough to judge (traffic stopped, the figure went away).
    pub(crate) resolved_value: Option<f64>,
}

impl Alert {
    pub(crate) fn report(&self) -> ReportedAlert {
        ReportedAlert {
            alert_type: self.rule.name().to_owned(),
            severity: self.rule.severity().to_owned(),
            component: self.rule.component().to_owned(),
            current_value: self.rule.format(self.value),
            threshold: self.rule.format(self.threshold),
            value: self.value,
            threshold_value: self.threshold,
            timestamp: rfc3339(self.started_at),
            started_at_unix: unix(self.started_at),
            resolved_at: self.resolved_at.map(rfc3339),
            resolved_value: self.resolved_at.map(|_| self.resolved_value),
        }
    }
}

/// What changed in one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Change {
    Fired(Alert),
    Resolved(Alert),
}

#[derive(Debug, Clone, Copy)]
enum State {
    Pending { since: Instant },
    Firing,
}

#[derive(Debug)]
pub(crate) struct Evaluator {
    thresholds: Thresholds,
    states: HashMap<Rule, State>,
    active: Vec<Alert>,
    history: VecDeque<Alert>,
    /// Figures taken at each evaluation within the window; the oldest is its start.
    samples: VecDeque<(Instant, Figures)>,
}

impl Evaluator {
    pub(crate) fn new(thresholds: Thresholds) -> Self {
        Self {
            thresholds,
            states: HashMap::new(),
            active: Vec::new(),
            history: VecDeque::new(),
            samples: VecDeque::new(),
        }
    }

    pub(crate) fn active(&self) -> &[Alert] {
        &self.active
    }

    pub(crate) fn history(&self) -> impl Iterator<Item = &Alert> {
        self.history.iter()
    }

    /// Forgets the history and the window (`POST /metrics/reset`); firing alerts stay.
    pub(crate) fn reset(&mut self) {
        self.history.clear();
        self.samples.clear();
    }

    /// Evaluates every rule on the figures of `now`.
    pub(crate) fn evaluate(
        &mut self,
        now: Instant,
        wall: SystemTime,
        figures: Figures,
    ) -> Vec<Change> {
        self.samples.push_back((now, figures));
        if self.samples.len() > MAX_SAMPLES {
            self.samples.pop_front();
        }
        while self.samples.len() > 2
            && self
                .samples
                .get(1)
                .is_some_and(|(at, _)| now.duration_since(*at) >= self.thresholds.window)
        {
            self.samples.pop_front();
        }
        let (then, current) = match (self.samples.front(), self.samples.back()) {
            (Some((_, then)), Some((_, current))) => (then.clone(), current.clone()),
            _ => return Vec::new(),
        };
        let mut changes = Vec::new();
        for rule in Rule::ALL {
            let threshold = rule.threshold(&self.thresholds);
            let value = rule.value(&current, &then, self.thresholds.min_events);
            let broken = value.is_some_and(|value| rule.broken(value, threshold));
            match (self.states.get(&rule).copied(), broken) {
                (None, true) => {
                    self.states.insert(rule, State::Pending { since: now });
                    self.fire_if_due(rule, now, wall, value, threshold, &mut changes);
                }
                (Some(State::Pending { .. }), true) => {
                    self.fire_if_due(rule, now, wall, value, threshold, &mut changes);
                }
                (Some(State::Firing), true) => {
                    if let (Some(alert), Some(value)) = (
                        self.active.iter_mut().find(|alert| alert.rule == rule),
                        value,
                    ) {
                        alert.value = value;
                    }
                }
                (Some(State::Pending { .. }), false) => {
                    self.states.remove(&rule);
                }
                (Some(State::Firing), false) => {
                    self.states.remove(&rule);
                    if let Some(index) = self.active.iter().position(|alert| alert.rule == rule) {
                        let mut alert = self.active.remove(index);
                        alert.resolved_value = value;
                        alert.resolved_at = Some(wall);
                        if self.history.len() == HISTORY {
                            self.history.pop_front();
                        }
                        self.history.push_back(alert.clone());
                        changes.push(Change::Resolved(alert));
                    }
                }
                (None, false) => {}
            }
        }
        changes
    }

    fn fire_if_due(
        &mut self,
        rule: Rule,
        now: Instant,
        wall: SystemTime,
        value: Option<f64>,
        threshold: f64,
        changes: &mut Vec<Change>,
    ) {
        let Some(State::Pending { since }) = self.states.get(&rule).copied() else {
            return;
        };
        if now.duration_since(since) < self.thresholds.for_duration {
            return;
        }
        self.states.insert(rule, State::Firing);
        let alert = Alert {
            rule,
            value: value.unwrap_or_default(),
            threshold,
            started_at: wall,
            resolved_at: None,
            resolved_value: None,
        };
        self.active.push(alert.clone());
        changes.push(Change::Fired(alert));
    }
}

fn unix(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64())
}

/// `2026-11-22T10:00:00Z`, from the civil-from-days algorithm (no date crate needed).
fn rfc3339(at: SystemTime) -> String {
    let seconds = at
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::failure::Verdict;
    use crate::operations::summary::figures::{HttpKey, Series};

    fn traffic(ok: f64, failed: f64) -> Figures {
        let mut figures = Figures::default();
        for (verdict, count) in [(Verdict::Succeeded, ok), (Verdict::Failed, failed)] {
            figures.http.insert(
                HttpKey {
                    route: "/a".into(),
                    verdict,
                },
                Series {
                    count,
                    sum: count * 0.01,
                    buckets: vec![(0.025, count), (f64::INFINITY, count)],
                },
            );
        }
        figures
    }

    #[test]
    fn timestamps_are_rfc3339() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_795_327_410)),
            "2026-11-22T06:03:30Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn an_alert_fires_after_its_duration_and_resolves() {
        let thresholds = Thresholds {
            for_duration: Duration::from_secs(60),
            ..Thresholds::default()
        };
        let mut evaluator = Evaluator::new(thresholds);
        let start = Instant::now();
        let wall = SystemTime::now();
        let at = |seconds: u64| start + Duration::from_secs(seconds);
        assert!(
            evaluator
                .evaluate(at(0), wall, traffic(0.0, 0.0))
                .is_empty()
        );
        // 20% errors: pending, not yet firing.
        assert!(
            evaluator
                .evaluate(at(30), wall, traffic(80.0, 20.0))
                .is_empty()
        );
        assert!(evaluator.active().is_empty());
        // Still broken 60 s after it started: fires.
        let changes = evaluator.evaluate(at(90), wall, traffic(160.0, 40.0));
        assert!(
            matches!(&changes[..], [Change::Fired(alert)] if alert.rule == Rule::HighErrorRate),
            "{changes:?}"
        );
        assert_eq!(evaluator.active()[0].report().current_value, "20%");
        // Traffic heals and the window slides past the errors: resolves, into the history.
        let healthy = |seconds, ok| (at(seconds), traffic(ok, 40.0));
        let mut resolved = Vec::new();
        for (when, figures) in [healthy(400, 10_000.0), healthy(700, 20_000.0)] {
            resolved.extend(evaluator.evaluate(when, wall, figures));
        }
        let [Change::Resolved(alert)] = &resolved[..] else {
            panic!("{resolved:?}");
        };
        assert_eq!(alert.rule, Rule::HighErrorRate);
        // It resolved on the healthy window's ratio, not on the 20 % it fired with.
        let resolved_with = alert.resolved_value.unwrap();
        assert!(resolved_with < 0.05, "{resolved_with}");
        assert_eq!(alert.value, 0.2);
        assert_eq!(alert.report().resolved_value, Some(Some(resolved_with)));
        assert!(evaluator.active().is_empty());
        assert_eq!(evaluator.history().count(), 1);
    }

    #[test]
    fn a_blip_shorter_than_the_duration_never_fires() {
        let mut evaluator = Evaluator::new(Thresholds::default());
        let start = Instant::now();
        let wall = SystemTime::now();
        evaluator.evaluate(start, wall, traffic(0.0, 0.0));
        evaluator.evaluate(start + Duration::from_secs(10), wall, traffic(50.0, 50.0));
        let later = evaluator.evaluate(
            start + Duration::from_secs(400),
            wall,
            traffic(10_050.0, 50.0),
        );
        assert!(later.is_empty() && evaluator.active().is_empty());
    }

    #[test]
    fn the_history_is_bounded() {
        let thresholds = Thresholds {
            for_duration: Duration::ZERO,
            window: Duration::from_secs(1),
            ..Thresholds::default()
        };
        let mut evaluator = Evaluator::new(thresholds);
        let start = Instant::now();
        let wall = SystemTime::now();
        let (mut ok, mut failed) = (0.0, 0.0);
        for step in 0..(2 * HISTORY as u64 + 10) {
            // Alternate broken and healthy windows, one second each.
            if step % 2 == 0 {
                failed += 100.0
            } else {
                ok += 10_000.0
            }
            evaluator.evaluate(
                start + Duration::from_secs(step * 2),
                wall,
                traffic(ok, failed),
            );
        }
        assert_eq!(evaluator.history().count(), HISTORY);
    }
}
