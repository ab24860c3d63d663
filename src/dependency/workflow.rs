//! [`Workflow`]: a multi-step operation, counted while it runs, each step measured.

use std::future::Future;

use super::future::{Call, Instrumented};
use std::sync::Arc;

use super::instruments::DependencyInstruments;
use super::outcome::Outcome;

/// A workflow in progress: it counts in `workflow.active` from [`start`](Self::start) until
/// it is dropped (however the workflow ends), and each [`step`](Self::step) records
/// `workflow.step.duration` by workflow, step and `error.type`, with a span.
///
/// ```no_run
/// # async fn f() -> Result<(), std::io::Error> {
/// use tower_monitoring::dependency::Workflow;
///
/// let checkout = Workflow::start("checkout");
/// checkout.step("reserve", async { Ok::<_, std::io::Error>(()) }).await?;
/// checkout.step("charge", async { Ok::<_, std::io::Error>(()) }).await?;
/// # Ok(()) }
/// ```
#[must_use = "the workflow counts as active until this value is dropped"]
pub struct Workflow {
    name: &'static str,
    /// The instruments it counted itself in, so that it leaves the same ones.
    instruments: Arc<DependencyInstruments>,
}

impl std::fmt::Debug for Workflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workflow")
            .field("name", &self.name)
            .finish()
    }
}

impl Workflow {
    /// Starts the workflow `name` (`workflow.name`), in the request's pipelines (or through
    /// [`Dependencies::workflow`](super::Dependencies::workflow)).
    pub fn start(name: &'static str) -> Self {
        Self::in_(name, super::Dependencies::current().0)
    }

    pub(super) fn in_(name: &'static str, instruments: Arc<DependencyInstruments>) -> Self {
        instruments.workflow_active(name, 1);
        Self { name, instruments }
    }

    /// Runs one step of the workflow, measured and traced.
    pub fn step<F>(&self, step: &'static str, future: F) -> Instrumented<F>
    where
        F: Future,
        F::Output: Outcome,
    {
        let call = Call::Step {
            workflow: self.name,
            step,
        };
        Instrumented::failing_on(future, call, self.instruments.clone())
    }
}

impl Drop for Workflow {
    fn drop(&mut self) {
        self.instruments.workflow_active(self.name, -1);
    }
}
