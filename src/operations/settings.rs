//! What an operator configures: readiness, the summary window, the alerts and their webhook,
//! and the tokens, from the builder, else from the environment (`ALERT_*`,
//! `MONITORING_*_TOKEN`).

use std::time::Duration;

use super::alerting::Thresholds;
use super::token::Token;
use crate::Error;
use crate::pipeline::vars::{Vars, http_url, parse, parse_secret, ratio};

/// How long one readiness check may take by default before it counts as failed.
pub const DEFAULT_READINESS_TIMEOUT: Duration = Duration::from_secs(2);

/// How long the results of one run of the readiness checks answer `GET /ready` by default.
pub const DEFAULT_READINESS_CACHE: Duration = Duration::from_secs(1);

/// How long a summary window lasts by default before it rolls over.
pub const DEFAULT_SUMMARY_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// How often the in-process alerts are evaluated by default.
pub const DEFAULT_ALERT_INTERVAL: Duration = Duration::from_secs(15);

/// The settings as the builder collected them.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) readiness_timeout: Duration,
    pub(crate) readiness_cache: Duration,
    pub(crate) summary_window: Duration,
    pub(crate) admin_token: Option<String>,
    pub(crate) metrics_token: Option<String>,
    pub(crate) alert_thresholds: Option<Thresholds>,
    /// Set by `alert_interval(..)`; `None` for [`DEFAULT_ALERT_INTERVAL`].
    pub(crate) alert_interval: Option<Duration>,
    /// Whether a thread of its own evaluates the alerts every `alert_interval`.
    pub(crate) alert_thread: bool,
    pub(crate) alert_webhook: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            readiness_timeout: DEFAULT_READINESS_TIMEOUT,
            readiness_cache: DEFAULT_READINESS_CACHE,
            summary_window: DEFAULT_SUMMARY_WINDOW,
            admin_token: None,
            metrics_token: None,
            alert_thresholds: None,
            alert_interval: None,
            alert_thread: true,
            alert_webhook: None,
        }
    }
}

/// The settings with the environment applied and every value checked.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) readiness_timeout: Duration,
    pub(crate) readiness_cache: Duration,
    pub(crate) summary_window: Duration,
    pub(crate) admin_token: Option<Token>,
    pub(crate) metrics_token: Option<Token>,
    pub(crate) alert_thresholds: Thresholds,
    /// `None` when no thread evaluates the alerts.
    pub(crate) alert_interval: Option<Duration>,
    pub(crate) alert_webhook: Option<String>,
}

impl Settings {
    /// Applies the environment; fails naming the setting or variable that cannot be used.
    pub(crate) fn resolve(self, vars: &impl Vars) -> Result<Resolved, Error> {
        if self.alert_interval.is_some() && !self.alert_thread {
            return Err(Error::config(
                "alert_interval(..) sets how often the alert thread runs, and \
                 alert_thread(false) switches that thread off: drop one of the two",
            ));
        }
        let alert_interval = self.alert_interval.unwrap_or(DEFAULT_ALERT_INTERVAL);
        if alert_interval.is_zero() {
            return Err(Error::config("the alert interval must be above zero"));
        }
        Ok(Resolved {
            readiness_timeout: self.readiness_timeout,
            readiness_cache: self.readiness_cache,
            summary_window: self.summary_window,
            admin_token: token(
                self.admin_token,
                "the admin token",
                "MONITORING_ADMIN_TOKEN",
                vars,
            )?,
            metrics_token: token(
                self.metrics_token,
                "the metrics token",
                "MONITORING_METRICS_TOKEN",
                vars,
            )?,
            alert_thresholds: match self.alert_thresholds {
                Some(thresholds) => thresholds,
                None => alert_thresholds(vars)?,
            },
            alert_interval: self.alert_thread.then_some(alert_interval),
            alert_webhook: webhook_url(self.alert_webhook, vars)?,
        })
    }
}

/// A number of seconds a `Duration` can hold.
fn seconds(value: &str) -> Option<Duration> {
    Duration::try_from_secs_f64(value.parse().ok()?).ok()
}

/// The alert thresholds: the defaults, each replaced by its variable when set. Ratios are
/// from 0 to 1 (`ALERT_ERROR_RATE=5` is refused, not read as "never"), durations are seconds
/// a `Duration` can hold, and the window is above zero.
fn alert_thresholds(vars: &impl Vars) -> Result<Thresholds, Error> {
    let mut thresholds = Thresholds::default();
    let duration = "must be a number of seconds, 0 or more";
    if let Some(value) = parse(vars, "ALERT_LATENCY_P95_SECONDS", duration, seconds)? {
        thresholds.latency_p95 = value;
    }
    for (name, field) in [
        ("ALERT_ERROR_RATE", &mut thresholds.error_rate),
        (
            "ALERT_MEMORY_UTILIZATION",
            &mut thresholds.memory_utilization,
        ),
        ("ALERT_CPU_UTILIZATION", &mut thresholds.cpu_utilization),
        ("ALERT_CACHE_HIT_RATIO", &mut thresholds.cache_hit_ratio),
        (
            "ALERT_DB_POOL_UTILIZATION",
            &mut thresholds.db_pool_utilization,
        ),
    ] {
        if let Some(value) = parse(vars, name, "must be a ratio from 0 to 1", ratio)? {
            *field = value;
        }
    }
    let load = |value: &str| {
        value
            .parse()
            .ok()
            .filter(|load: &f64| load.is_finite() && *load > 0.0)
    };
    let above_zero_load = "must be a number above 0 (threads per CPU)";
    if let Some(value) = parse(vars, "ALERT_LOAD_PER_CPU", above_zero_load, load)? {
        thresholds.load_per_cpu = value;
    }
    if let Some(value) = parse(vars, "ALERT_FOR_SECONDS", duration, seconds)? {
        thresholds.for_duration = value;
    }
    let window = |value: &str| seconds(value).filter(|window| !window.is_zero());
    let above_zero = "must be a number of seconds above 0";
    if let Some(value) = parse(vars, "ALERT_WINDOW_SECONDS", above_zero, window)? {
        thresholds.window = value;
    }
    Ok(thresholds)
}

/// A bearer token from the builder, else from `variable`. A variable that is set at all,
/// even to nothing, must hold a valid token: an endpoint left open by a typo is worse than
/// a service that refuses to start.
fn token(
    configured: Option<String>,
    setting: &str,
    variable: &str,
    vars: &impl Vars,
) -> Result<Option<Token>, Error> {
    let from_variable = vars.raw(variable)?;
    match (configured, from_variable) {
        (Some(token), _) => Token::new(setting, &token).map(Some),
        (None, Some(token)) => Token::new(variable, &token).map(Some),
        (None, None) => Ok(None),
    }
}

/// The alert webhook's URL from the builder, else `ALERT_WEBHOOK_URL`; checked without
/// repeating it (webhook URLs of Slack, Teams or PagerDuty are credentials).
fn webhook_url(configured: Option<String>, vars: &impl Vars) -> Result<Option<String>, Error> {
    let name = "ALERT_WEBHOOK_URL";
    let url = match configured {
        Some(url) => http_url(url.trim())
            .map(|_| Some(url))
            .map_err(|problem| Error::config(format!("the alert webhook URL {problem}")))?,
        None => parse_secret(vars, name, |value| {
            http_url(value).map(|_| value.to_owned())
        })?,
    };
    if url.is_some() && !cfg!(feature = "reqwest") {
        return Err(Error::config(format!(
            "an alert webhook ({name} or `alert_webhook`) needs tower-monitoring's `reqwest` \
             feature, which this build lacks"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::vars::MapVars;

    #[test]
    fn alert_thresholds_from_the_environment() {
        let defaults = alert_thresholds(&MapVars::of(&[])).unwrap();
        assert_eq!(defaults, Thresholds::default());
        let set = alert_thresholds(&MapVars::of(&[
            ("ALERT_ERROR_RATE", "0.01"),
            ("ALERT_LATENCY_P95_SECONDS", "0.25"),
            ("ALERT_FOR_SECONDS", "30"),
        ]))
        .unwrap();
        assert_eq!(set.error_rate, 0.01);
        assert_eq!(set.latency_p95, Duration::from_millis(250));
        assert_eq!(set.for_duration, Duration::from_secs(30));
        let err = alert_thresholds(&MapVars::of(&[("ALERT_CPU_UTILIZATION", "lots")])).unwrap_err();
        assert!(err.to_string().contains("ALERT_CPU_UTILIZATION"), "{err}");
    }
}
