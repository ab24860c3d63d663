//! What `install()` made the process-wide default, for the layers and wrappers that were
//! given nothing else: `MonitoringLayer::new()` finds its tracer, propagators and endpoint
//! prefix here, as `opentelemetry::global` holds the meter provider.
//!
//! This is the documented fallback, written once per `install()`; a layer from
//! `Monitoring::layer()` and the calls made under it never read it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use super::server_tracer::ServerTracer;
use crate::exemplars::Exemplars;

/// The installed defaults.
#[derive(Debug, Clone, Default)]
pub(crate) struct Installed {
    /// The server tracer, when the installed pipelines trace.
    pub(crate) tracer: Option<ServerTracer>,
    /// The prefix of the monitoring endpoints, which layers skip by default.
    pub(crate) endpoint_prefix: String,
    /// The series each instrument of the global provider keeps.
    pub(crate) cardinality_limit: usize,
    /// Where the global provider's exemplars are kept, when the pipelines keep them.
    pub(crate) exemplars: Option<Arc<Exemplars>>,
}

static INSTALLED: RwLock<Option<Installed>> = RwLock::new(None);

/// How many times `install()` ran, so that what resolved the defaults can tell they changed.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Makes `installed` the process-wide default.
pub(crate) fn set(installed: Installed) {
    *INSTALLED.write().unwrap_or_else(PoisonError::into_inner) = Some(installed);
    GENERATION.fetch_add(1, Ordering::Release);
}

/// The installed defaults, `None` before any `install()`.
pub(crate) fn get() -> Option<Installed> {
    INSTALLED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Changes each time `install()` runs.
pub(crate) fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}
