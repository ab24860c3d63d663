//! The documented fallback: the instruments of the global meter provider and the installed
//! tracer, for calls made outside any request of a `Monitoring` layer and without a
//! [`Dependencies`](super::Dependencies) handle (a job spawned at start, a layer from
//! `MonitoringLayer::new()`).
//!
//! They are made again whenever the global provider or the installed tracer changes, so a
//! call made before `install()` (which finds the no-op provider) does not leave every later
//! call recording nowhere; the pools registered on the fallback carry over.

use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use opentelemetry::metrics::MeterProvider;

use super::instruments::DependencyInstruments;
use super::pools::PoolReaders;
use crate::trace::installed;
use crate::trace::propagation::Propagation;

struct Fallback {
    /// Kept alive, so that its address identifies it.
    provider: Arc<dyn MeterProvider + Send + Sync>,
    installed: u64,
    instruments: Arc<DependencyInstruments>,
}

/// The fallback instruments for the current global provider and installed tracer.
pub(super) fn get() -> Arc<DependencyInstruments> {
    static CURRENT: RwLock<Option<Fallback>> = RwLock::new(None);
    static POOLS: OnceLock<Arc<PoolReaders>> = OnceLock::new();
    let provider = opentelemetry::global::meter_provider();
    let generation = installed::generation();
    let fresh = |current: &Option<Fallback>| {
        current
            .as_ref()
            .filter(|current| {
                Arc::ptr_eq(&current.provider, &provider) && current.installed == generation
            })
            .map(|current| current.instruments.clone())
    };
    if let Some(instruments) = fresh(&CURRENT.read().unwrap_or_else(PoisonError::into_inner)) {
        return instruments;
    }
    let mut current = CURRENT.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(instruments) = fresh(&current) {
        return instruments;
    }
    let installed = installed::get().unwrap_or_default();
    let tracer = installed.tracer;
    let instruments = DependencyInstruments::new(
        &provider.meter_with_scope(crate::scope()),
        tracer.as_ref().map(|server| server.tracer.clone()),
        tracer.map_or_else(Propagation::w3c, |server| server.propagation),
        POOLS.get_or_init(Arc::default).clone(),
        installed.exemplars.as_deref(),
    );
    *current = Some(Fallback {
        provider,
        installed: generation,
        instruments: instruments.clone(),
    });
    instruments
}
