//! Readiness checks: named async probes (a database ping, a platform ping) that `GET /ready`
//! runs concurrently, each within a timeout.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// How long one readiness check may take by default before it counts as failed.
pub const DEFAULT_READINESS_TIMEOUT: Duration = Duration::from_secs(2);

type Probe =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// The registered checks.
pub(crate) struct Readiness {
    checks: RwLock<Vec<(&'static str, Probe)>>,
    timeout: Duration,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let checks = self.checks.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Readiness")
            .field(
                "checks",
                &checks.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// One check's outcome.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) name: &'static str,
    pub(crate) took: Duration,
    /// `None` when it passed.
    pub(crate) error: Option<String>,
}

impl Readiness {
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            checks: RwLock::new(Vec::new()),
            timeout,
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

    /// Runs every check at once, each on a task of its own (a panicking check fails, it does
    /// not take the endpoint down) and within the timeout.
    pub(crate) async fn run(&self) -> Vec<Outcome> {
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
                let task = tokio::spawn(tokio::time::timeout(timeout, probe()));
                (name, started, task)
            })
            .collect();
        let mut outcomes = Vec::with_capacity(running.len());
        for (name, started, task) in running {
            let error = match task.await {
                Ok(Ok(Ok(()))) => None,
                Ok(Ok(Err(err))) => Some(err),
                Ok(Err(_)) => Some(format!("timed out after {timeout:?}")),
                Err(_) => Some("the check panicked".to_owned()),
            };
            outcomes.push(Outcome {
                name,
                took: started.elapsed(),
                error,
            });
        }
        outcomes
    }
}
