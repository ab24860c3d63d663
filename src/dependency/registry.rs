//! The live [`Dependencies`](super::Dependencies) handles that requests can name.
//!
//! The request being served names its handle by a small key in a thread-local `Cell`
//! (`context::current`), which costs nothing per poll; a dependency call looks the key up
//! here. Entries are weak and freed when their handle goes, so the table holds one slot
//! per live `Monitoring` (or layer with a meter provider of its own), never more.

use std::any::Any;
use std::sync::{Arc, PoisonError, RwLock, Weak};

/// What a slot holds: the instruments of a handle, seen as `Any` so that this table needs
/// to know nothing of them.
type Entry = Weak<dyn Any + Send + Sync>;

static LIVE: RwLock<Vec<Option<Entry>>> = RwLock::new(Vec::new());

/// A slot in the table, freed on drop.
#[derive(Debug)]
pub(super) struct Registration(u32);

impl Registration {
    /// Enters `instruments` in the table.
    pub(super) fn new(instruments: Entry) -> Self {
        let mut live = LIVE.write().unwrap_or_else(PoisonError::into_inner);
        let index = match live.iter().position(Option::is_none) {
            Some(free) => {
                live[free] = Some(instruments);
                free
            }
            None => {
                live.push(Some(instruments));
                live.len() - 1
            }
        };
        Self(u32::try_from(index).unwrap_or(u32::MAX))
    }

    pub(super) fn key(&self) -> u32 {
        self.0
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut live = LIVE.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = live.get_mut(self.0 as usize) {
            *slot = None;
        }
    }
}

/// What is registered under `key`, if it is still alive and a `T`.
pub(super) fn get<T: Any + Send + Sync>(key: u32) -> Option<Arc<T>> {
    let entry = LIVE
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(key as usize)?
        .as_ref()?
        .upgrade()?;
    entry.downcast().ok()
}
