//! Connection pools, read when metrics are collected.

use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Meter, ObservableUpDownCounter};

use crate::names::{attr, metric};

/// A pool's connections at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolUsage {
    /// Connections lent out.
    pub in_use: u64,
    /// Connections open and waiting.
    pub idle: u64,
    /// The most connections the pool may open.
    pub max: u64,
}

impl PoolUsage {
    /// `in_use` connections lent out and `idle` ones waiting, of at most `max`.
    pub fn new(in_use: u64, idle: u64, max: u64) -> Self {
        Self { in_use, idle, max }
    }
}

type Reader = Arc<dyn Fn() -> PoolUsage + Send + Sync>;

/// The pools one set of instruments reports, by name.
#[derive(Default)]
pub(crate) struct PoolReaders(Mutex<Vec<(&'static str, Reader)>>);

impl PoolReaders {
    /// Adds `reader` as the pool `name`, replacing an earlier reader of that name.
    pub(super) fn register(&self, name: &'static str, reader: Reader) {
        let mut pools = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        pools.retain(|(registered, _)| *registered != name);
        pools.push((name, reader));
    }

    /// The readers registered now; copied out so no lock is held while they run.
    fn readers(&self) -> Vec<(&'static str, Reader)> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// `callback.kind` of a pool reader that panicked.
const POOL_READER: &str = "pool_reader";

/// Observable instruments on `meter` that report every pool of `pools` at each collection.
/// A reader that panics is skipped (and counted), so it cannot break the collection.
pub(super) fn observe(meter: &Meter, pools: Arc<PoolReaders>) -> [ObservableUpDownCounter<i64>; 2] {
    let panics = crate::panic_guard::panics_counter(meter);
    let (counted, counted_pools) = (panics.clone(), pools.clone());
    let count = metric::DB_CLIENT_CONNECTION_COUNT
        .i64_observable_up_down_counter(meter)
        .with_callback(move |observer| {
            for (name, reader) in counted_pools.readers() {
                let Some(usage) = crate::panic_guard::guarded(POOL_READER, &counted, &*reader)
                else {
                    continue;
                };
                for (state, value) in [("used", usage.in_use), ("idle", usage.idle)] {
                    observer.observe(
                        i64::try_from(value).unwrap_or(i64::MAX),
                        &[
                            KeyValue::new(attr::DB_CLIENT_CONNECTION_POOL_NAME, name),
                            KeyValue::new(attr::DB_CLIENT_CONNECTION_STATE, state),
                        ],
                    );
                }
            }
        })
        .build();
    let max = metric::DB_CLIENT_CONNECTION_MAX
        .i64_observable_up_down_counter(meter)
        .with_callback(move |observer| {
            for (name, reader) in pools.readers() {
                let Some(usage) = crate::panic_guard::guarded(POOL_READER, &panics, &*reader)
                else {
                    continue;
                };
                observer.observe(
                    i64::try_from(usage.max).unwrap_or(i64::MAX),
                    &[KeyValue::new(attr::DB_CLIENT_CONNECTION_POOL_NAME, name)],
                );
            }
        })
        .build();
    [count, max]
}
