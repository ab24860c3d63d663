//! Running the application's own callbacks (pool readers, readiness checks) so that a panic
//! in one costs that reading, counted in `monitoring.callback.panics`, and nothing else.
//!
//! A pool reader runs inside the SDK's collection: a panic unwinding through it would poison
//! the SDK's and the exporter's locks, and every later scrape of `/metrics` would come back
//! empty.

use std::panic::AssertUnwindSafe;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Meter};

use crate::names::{attr, metric};

/// `monitoring.callback.panics` on `meter`.
pub(crate) fn panics_counter(meter: &Meter) -> Counter<u64> {
    metric::MONITORING_CALLBACK_PANICS.u64_counter(meter)
}

/// Runs `callback`; a panic is caught, counted under `kind` and logged, and gives `None`.
pub(crate) fn guarded<T>(
    kind: &'static str,
    panics: &Counter<u64>,
    callback: impl FnOnce() -> T,
) -> Option<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(callback)) {
        Ok(value) => Some(value),
        Err(_) => {
            panics.add(1, &[KeyValue::new(attr::CALLBACK_KIND, kind)]);
            tracing::warn!(
                target: "tower_monitoring::callback",
                kind,
                "a callback of the application panicked; its reading is skipped"
            );
            None
        }
    }
}
