//! A thread that refreshes the snapshot on an interval, so that a scrape only reads it.
//!
//! sysinfo reads `/proc`, which takes milliseconds; done inside the metric callbacks it would
//! run on whatever thread serves the scrape, often a runtime worker. Here it runs on a thread
//! of its own, at most once per interval, and stops when the pipelines are dropped.

use std::sync::{Arc, PoisonError, RwLock, Weak};
use std::time::Duration;

use super::snapshot::{Sampler, Snapshot};

/// The latest snapshot, shared with the instruments.
pub(crate) type Latest = Arc<RwLock<Snapshot>>;

/// Owns the refresh thread: it ends after this is dropped.
#[derive(Debug)]
pub(crate) struct Collector {
    latest: Latest,
    /// Dropped with the collector; the thread holds only a `Weak` and exits when it is gone.
    _alive: Arc<()>,
}

impl Collector {
    /// Takes the first snapshot now (so the first scrape has figures) and refreshes every
    /// `interval` after that.
    pub(crate) fn start(interval: Duration) -> Self {
        let mut sampler = Sampler::new();
        let latest: Latest = Arc::new(RwLock::new(sampler.sample()));
        let alive = Arc::new(());
        let watch: Weak<()> = Arc::downgrade(&alive);
        let writer = Arc::downgrade(&latest);
        let _ = std::thread::Builder::new()
            .name("tower-monitoring-system".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(interval);
                    let (Some(_alive), Some(latest)) = (watch.upgrade(), writer.upgrade()) else {
                        return;
                    };
                    let snapshot = sampler.sample();
                    *latest.write().unwrap_or_else(PoisonError::into_inner) = snapshot;
                }
            });
        Self {
            latest,
            _alive: alive,
        }
    }

    pub(crate) fn latest(&self) -> Latest {
        self.latest.clone()
    }
}
