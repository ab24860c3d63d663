//! The inbound request being served on this thread: its route template, and the
//! instruments its dependency calls record into.
//!
//! [`MonitoringLayer`](crate::MonitoringLayer) sets it around every poll of the inner
//! service's future, where handlers run, so a database or cache call made by the handler
//! records into the same pipelines as the request (two `Monitoring` instances in one process
//! each see their own traffic) and carries the `http.route` it ran under: "how much of
//! `/orders/{id}` is spent in the database" becomes one PromQL query. Like any context it
//! does not follow work onto spawned tasks. It is two words in a `Cell`, so setting it per
//! poll costs what a pointer copy costs.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

/// What the current request carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Current {
    /// The route template, `None` outside a request or for one that matched no route.
    pub(crate) route: Option<&'static str>,
    /// Which [`Dependencies`](crate::dependency::Dependencies) the request's calls record
    /// into (a key of their registry), `None` for the global fallback.
    pub(crate) dependencies: Option<u32>,
}

thread_local! {
    static CURRENT: Cell<Current> = const {
        Cell::new(Current { route: None, dependencies: None })
    };
}

/// The current request, empty outside one.
#[inline]
pub(crate) fn get() -> Current {
    CURRENT.with(Cell::get)
}

/// Makes `current` current until the guard drops, then restores the previous one.
#[inline]
pub(crate) fn enter(current: Current) -> Entered {
    Entered(CURRENT.with(|cell| cell.replace(current)))
}

pub(crate) struct Entered(Current);

impl Drop for Entered {
    #[inline]
    fn drop(&mut self) {
        CURRENT.with(|cell| cell.set(self.0));
    }
}

/// At most this many distinct templates are interned; routes past it get no attribution.
/// An application declares its routes, so this is never reached in practice.
const MAX_INTERNED: usize = 10_000;

/// `route` as a `&'static str`, so that setting it per poll is a pointer copy. Each distinct
/// template is leaked once; there are as many as the application declares routes.
pub(crate) fn intern(route: &str) -> Option<&'static str> {
    static INTERNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut interned = INTERNED.lock().unwrap_or_else(PoisonError::into_inner);
    let interned = interned.get_or_insert_with(HashSet::new);
    if let Some(existing) = interned.get(route) {
        return Some(existing);
    }
    if interned.len() >= MAX_INTERNED {
        return None;
    }
    let leaked: &'static str = Box::leak(route.to_owned().into_boxed_str());
    interned.insert(leaked);
    Some(leaked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entering_nests_and_restores() {
        let route = |route| Current {
            route: intern(route),
            dependencies: None,
        };
        assert_eq!(get(), Current::default());
        let outer = enter(route("/a"));
        {
            let _inner = enter(route("/b"));
            assert_eq!(get().route, Some("/b"));
        }
        assert_eq!(get().route, Some("/a"));
        drop(outer);
        assert_eq!(get(), Current::default());
    }

    #[test]
    fn interning_returns_one_copy_per_template() {
        let first = intern("/users/{id}").unwrap();
        let again = intern(&String::from("/users/{id}")).unwrap();
        assert!(std::ptr::eq(first, again));
    }
}
