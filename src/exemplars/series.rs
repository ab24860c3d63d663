//! [`SeriesExemplars`]: the latest sampled recording in each bucket of one series.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use super::TraceIds;

/// One recording and the trace it belongs to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Exemplar {
    pub(crate) trace: TraceIds,
    pub(crate) value: f64,
    pub(crate) time: SystemTime,
}

/// One slot per bucket of the series' histogram, made on its first sampled recording so
/// that a series never sampled costs a pointer.
#[derive(Debug)]
pub(crate) struct SeriesExemplars {
    bounds: Arc<[f64]>,
    slots: OnceLock<Box<[Mutex<Option<Exemplar>>]>>,
}

impl SeriesExemplars {
    pub(super) fn new(bounds: Arc<[f64]>) -> Self {
        Self {
            bounds,
            slots: OnceLock::new(),
        }
    }

    /// Keeps `value`, recorded under `trace`, as the exemplar of its bucket. A bucket whose
    /// slot another thread is writing at this instant keeps that thread's exemplar: a
    /// request never waits here.
    #[inline]
    pub(crate) fn offer(&self, value: f64, trace: TraceIds) {
        let slots = self
            .slots
            .get_or_init(|| (0..=self.bounds.len()).map(|_| Mutex::new(None)).collect());
        // The bucket the SDK counts it in: the first bound at or above it (`le`).
        let bucket = self.bounds.partition_point(|&bound| bound < value);
        if let Ok(mut slot) = slots[bucket].try_lock() {
            *slot = Some(Exemplar {
                trace,
                value,
                time: SystemTime::now(),
            });
        }
    }

    /// The exemplars kept, at most one per bucket, in bucket order.
    #[cfg_attr(not(feature = "prometheus"), allow(dead_code))]
    pub(crate) fn exemplars(&self) -> Vec<Exemplar> {
        let Some(slots) = self.slots.get() else {
            return Vec::new();
        };
        slots
            .iter()
            .filter_map(|slot| *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exemplars::test_trace as trace;

    #[test]
    fn each_bucket_keeps_its_latest_exemplar() {
        let series = SeriesExemplars::new(Arc::from([0.1, 1.0]));
        assert!(
            series.exemplars().is_empty(),
            "nothing before a sampled recording"
        );
        series.offer(0.05, trace(1));
        series.offer(0.1, trace(2)); // on the bound: still the first bucket (`le`)
        series.offer(0.5, trace(3));
        series.offer(7.0, trace(4)); // past the last bound: the `+Inf` bucket
        let kept: Vec<_> = series
            .exemplars()
            .iter()
            .map(|e| (e.value, e.trace))
            .collect();
        assert_eq!(kept, [(0.1, trace(2)), (0.5, trace(3)), (7.0, trace(4))]);
    }
}
