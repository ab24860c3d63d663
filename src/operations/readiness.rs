//! The readiness checks: named async probes (a database ping, a platform ping) that `GET /ready`
//! runs concurrently, each within a timeout.
//!
//! `/ready` is open to anyone who can reach it, so one run's results serve every request for
//! a short while (`readiness_cache`, 1 s by default) and concurrent requests share one run:
//! a flood of probes costs the database one ping per second, not one per request. The checks
//! are the application's code; a panic in one, in the call that makes its future or in the
//! future itself, fails that check and is counted, never taking the endpoint down.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::Counter;
use tokio::time::Instant;

use crate::names::attr;

/// `callback.kind` of a readiness check that panicked.
const READINESS_CHECK: &str = "readiness_check";

type Probe =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// The registered checks.
pub(crate) struct ReadinessChecks {
    checks: RwLock<Vec<(&'static str, Probe)>>,
    timeout: Duration,
    cache_for: Duration,
    /// The last run and when it ended; the lock also makes concurrent requests share a run.
    last: tokio::sync::Mutex<Option<(Instant, Arc<[CheckResult]>)>>,
    panics: Counter<u64>,
}

impl std::fmt::Debug for ReadinessChecks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let checks = self.checks.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("ReadinessChecks")
            .field(
                "checks",
                &checks.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("cache_for", &self.cache_for)
            .finish_non_exhaustive()
    }
}

/// How one check went.
#[derive(Debug, Clone)]
pub(crate) struct CheckResult {
    pub(crate) name: &'static str,
    pub(crate) took: Duration,
    /// `None` when it passed.
    pub(crate) error: Option<String>,
}

impl ReadinessChecks {
    /// `panics` counts the checks that panicked.
    pub(crate) fn new(timeout: Duration, cache_for: Duration, panics: Counter<u64>) -> Self {
        Self {
            checks: RwLock::new(Vec::new()),
            timeout,
            cache_for,
            last: tokio::sync::Mutex::new(None),
            panics,
        }
    }

    /// Adds a check; a name registered again replaces the earlier check.
    pub(crate) fn add<F, Fut, E>(&self, name: &'static str, check: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        let probe: Probe = Arc::new(move || {
            let run = check();
            Box::pin(async move { run.await.map_err(|err| err.to_string()) })
        });
        let mut checks = self.checks.write().unwrap_or_else(PoisonError::into_inner);
        checks.retain(|(registered, _)| *registered != name);
        checks.push((name, probe));
    }

    /// The outcomes of the latest run, running the checks again when it is older than the
    /// cache time. Failures are logged when a run finds them.
    pub(crate) async fn outcomes(&self) -> Arc<[CheckResult]> {
        let mut last = self.last.lock().await;
        if let Some((at, outcomes)) = last.as_ref() {
            if at.elapsed() < self.cache_for {
                return outcomes.clone();
            }
        }
        let outcomes: Arc<[CheckResult]> = self.run().await.into();
        for outcome in outcomes.iter() {
            if let Some(error) = &outcome.error {
                tracing::warn!(
                    target: "tower_monitoring::readiness",
                    check = outcome.name,
                    %error,
                    "readiness check failed"
                );
            }
        }
        *last = Some((Instant::now(), outcomes.clone()));
        outcomes
    }

    /// Runs every check at once, each on a task of its own (a panicking check fails, it does
    /// not take the endpoint down) and within the timeout.
    async fn run(&self) -> Vec<CheckResult> {
        let checks = self
            .checks
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let timeout = self.timeout;
        let running: Vec<_> = checks
            .into_iter()
            .map(|(name, probe)| {
                let started = Instant::now();
                // The call that makes the future is the application's code too.
                let task = crate::panic_guard::guarded(READINESS_CHECK, &self.panics, || probe())
                    .map(|future| tokio::spawn(tokio::time::timeout(timeout, future)))
                    .ok_or(());
                (name, started, task)
            })
            .collect();
        let mut outcomes = Vec::with_capacity(running.len());
        for (name, started, task) in running {
            let finished = match task {
                Ok(task) => task.await.map_err(|err| {
                    if err.is_panic() {
                        self.panics
                            .add(1, &[KeyValue::new(attr::CALLBACK_KIND, READINESS_CHECK)]);
                    }
                    err.is_panic()
                }),
                // Counted by `guarded`.
                Err(()) => Err(true),
            };
            let error = match finished {
                Ok(Ok(Ok(()))) => None,
                Ok(Ok(Err(err))) => Some(err),
                Ok(Err(_)) => Some(format!("timed out after {timeout:?}")),
                Err(true) => Some("the check panicked".to_owned()),
                Err(false) => Some("the check was cancelled".to_owned()),
            };
            outcomes.push(CheckResult {
                name,
                took: started.elapsed(),
                error,
            });
        }
        outcomes
    }
}
