//! The route template of the inbound request being served on this thread.
//!
//! [`MonitoringLayer`](crate::MonitoringLayer) sets it around every poll of the inner
//! service's future, where handlers run (dependency calls read it when they are first
//! polled, or called as services), so a database or cache call made by the handler can
//! carry the `http.route` it ran under: "how much of `/orders/{id}` is spent in the database" becomes
//! one PromQL query. Like any context it does not follow work onto spawned tasks.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

thread_local! {
    static CURRENT: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// The current route, `None` outside a request or for a request that matched no route.
#[inline]
pub(crate) fn get() -> Option<&'static str> {
    CURRENT.with(Cell::get)
}

/// Makes `route` current until the guard drops, then restores the previous one.
#[inline]
pub(crate) fn enter(route: Option<&'static str>) -> Entered {
    Entered(CURRENT.with(|current| current.replace(route)))
}

pub(crate) struct Entered(Option<&'static str>);

impl Drop for Entered {
    #[inline]
    fn drop(&mut self) {
        CURRENT.with(|current| current.set(self.0));
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
        assert_eq!(get(), None);
        let outer = enter(intern("/a"));
        {
            let _inner = enter(intern("/b"));
            assert_eq!(get(), Some("/b"));
        }
        assert_eq!(get(), Some("/a"));
        drop(outer);
        assert_eq!(get(), None);
    }

    #[test]
    fn interning_returns_one_copy_per_template() {
        let first = intern("/users/{id}").unwrap();
        let again = intern(&String::from("/users/{id}")).unwrap();
        assert!(std::ptr::eq(first, again));
    }
}
