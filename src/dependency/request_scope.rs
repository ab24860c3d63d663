//! The request being served on this thread: its route template, and the handle its
//! dependency calls record through.
//!
//! [`MonitoringLayer`](crate::MonitoringLayer) makes its request's scope current around
//! every poll of the inner service's future, where handlers run, so a database or cache call
//! made by the handler records into the same pipelines as the request (two `Monitoring`
//! instances in one process each see their own traffic) and carries the `http.route` it ran
//! under: "how much of `/orders/{id}` is spent in the database" becomes one PromQL query.
//! Like any context it does not follow work onto spawned tasks.
//!
//! The scope is carried, not looked up: the response future owns an `Arc` of it and moves
//! that `Arc` into a thread-local `Cell` for the poll and back out after, which touches
//! neither its count nor any lock. A dependency call clones the handle it finds there.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use super::Dependencies;

/// What a request carries to the dependency calls made while it is served.
#[derive(Debug, Default)]
pub(crate) struct RequestScope {
    /// The route template, `None` for a request that matched no route.
    pub(crate) route: Option<&'static str>,
    /// Where the request's calls record; `None` for the global fallback.
    pub(crate) dependencies: Option<Dependencies>,
}

impl RequestScope {
    /// The scope of requests of `route` whose calls record through `dependencies`.
    pub(crate) fn new(route: Option<&str>, dependencies: Option<Dependencies>) -> Self {
        Self {
            route: route.and_then(intern),
            dependencies,
        }
    }
}

thread_local! {
    static SERVING: Cell<Option<Arc<RequestScope>>> = const { Cell::new(None) };
}

/// Makes the scope in `slot` current until the guard drops, then moves it back into `slot`
/// and restores the one it replaced.
#[inline]
pub(crate) fn enter(slot: &mut Option<Arc<RequestScope>>) -> Entered<'_> {
    let previous = SERVING.replace(slot.take());
    Entered { slot, previous }
}

pub(crate) struct Entered<'a> {
    slot: &'a mut Option<Arc<RequestScope>>,
    previous: Option<Arc<RequestScope>>,
}

impl Drop for Entered<'_> {
    #[inline]
    fn drop(&mut self) {
        *self.slot = SERVING.replace(self.previous.take());
    }
}

/// Reads the current scope (`None` outside a request). `read` must not enter a scope.
#[inline]
fn read<R>(read: impl FnOnce(Option<&RequestScope>) -> R) -> R {
    let scope = SERVING.take();
    let value = read(scope.as_deref());
    SERVING.set(scope);
    value
}

/// The route template of the request being served.
#[inline]
pub(crate) fn route() -> Option<&'static str> {
    read(|scope| scope.and_then(|scope| scope.route))
}

/// The handle of the request being served, if it carries one.
#[inline]
pub(crate) fn dependencies() -> Option<Dependencies> {
    read(|scope| scope.and_then(|scope| scope.dependencies.clone()))
}

/// At most this many distinct templates are interned; routes past it get no attribution.
/// An application declares its routes, so this is never reached in practice.
const MAX_INTERNED: usize = 10_000;

/// `route` as a `&'static str`, so that a dependency call copies a pointer rather than a
/// string. Each distinct template is leaked once; there are as many as the application
/// declares routes. Called once per (route, method), never per request.
fn intern(route: &str) -> Option<&'static str> {
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
    fn entering_nests_restores_and_hands_the_scope_back() {
        let scope = |route| Some(Arc::new(RequestScope::new(Some(route), None)));
        assert_eq!(route(), None);
        let mut outer_slot = scope("/a");
        let outer = enter(&mut outer_slot);
        {
            let mut inner_slot = scope("/b");
            let _inner = enter(&mut inner_slot);
            assert_eq!(route(), Some("/b"));
        }
        assert_eq!(route(), Some("/a"));
        drop(outer);
        assert_eq!(route(), None);
        let back = outer_slot.expect("the scope returns to its owner");
        assert_eq!(back.route, Some("/a"));
        assert_eq!(Arc::strong_count(&back), 1, "moved, never cloned");
    }

    #[test]
    fn interning_returns_one_copy_per_template() {
        let first = intern("/users/{id}").unwrap();
        let again = intern(&String::from("/users/{id}")).unwrap();
        assert!(std::ptr::eq(first, again));
    }
}
