//! [`Dependencies`]: the handle dependency calls record through.

use std::future::Future;
use std::sync::Arc;

use opentelemetry::metrics::Meter;
use opentelemetry_sdk::trace::SdkTracer;

use super::future::{Call, Instrumented};
use super::instruments::DependencyInstruments;
use super::outcome::{CacheOutcome, Outcome};
use super::pools::{PoolReaders, PoolUsage};
use super::request_scope;
use super::workflow::Workflow;
use super::{ClientLayer, PlatformLayer, fallback};
use crate::exemplars::Exemplars;
use crate::trace::propagation::Propagation;

/// What the dependency calls of one `Monitoring` record into: its meter provider, its tracer
/// and its propagators. Cloning is cheap.
///
/// [`Monitoring::dependencies`](crate::Monitoring::dependencies) gives it. Handlers rarely
/// need it: the free functions ([`db`](super::db), [`cache`](super::cache),
/// [`tool`](super::tool), ...), the macros and the layers use the handle of the request they
/// run under, which the layer from [`Monitoring::layer`](crate::Monitoring::layer) makes
/// current. Outside any request (a job started at boot, a pool registered at start), call
/// through the handle so the work lands in the right pipelines; without one it falls back
/// to the global meter provider and the tracer `install()` set up.
#[derive(Clone, Debug)]
pub struct Dependencies(pub(super) Arc<DependencyInstruments>);

impl Dependencies {
    /// A handle on `meter`, tracing with `tracer` when there is one, keeping the exemplars
    /// of sampled calls in `exemplars`. Requests of a layer
    /// carrying it record into it.
    pub(crate) fn on_meter(
        meter: &Meter,
        tracer: Option<SdkTracer>,
        propagation: Propagation,
        exemplars: Option<&Exemplars>,
    ) -> Self {
        Self(DependencyInstruments::new(
            meter,
            tracer,
            propagation,
            Arc::new(PoolReaders::default()),
            exemplars,
        ))
    }

    /// The handle of the request being served on this thread, else the global fallback.
    pub(crate) fn current() -> Self {
        request_scope::dependencies().unwrap_or_else(|| Self(fallback::get()))
    }

    /// Measures and traces a database operation (see [`db`](super::db)).
    pub fn db<F>(
        &self,
        system: &'static str,
        operation: &'static str,
        collection: &'static str,
        future: F,
    ) -> Instrumented<F>
    where
        F: Future,
        F::Output: Outcome,
    {
        let call = Call::Db {
            system,
            operation,
            collection,
        };
        Instrumented::failing_on(future, call, self.0.clone())
    }

    /// Measures and traces a cache operation (see [`cache`](super::cache)).
    pub fn cache<F>(
        &self,
        name: &'static str,
        operation: &'static str,
        future: F,
    ) -> Instrumented<F>
    where
        F: Future,
        F::Output: CacheOutcome,
    {
        let call = Call::Cache { name, operation };
        Instrumented::new(
            future,
            call,
            self.0.clone(),
            <F::Output as CacheOutcome>::hit,
        )
    }

    /// Measures and traces one execution of a tool (see [`tool`](super::tool)).
    pub fn tool<F>(&self, name: &'static str, future: F) -> Instrumented<F>
    where
        F: Future,
        F::Output: Outcome,
    {
        Instrumented::failing_on(future, Call::Tool { name }, self.0.clone())
    }

    /// Measures and traces one run of a background job (see [`job`](super::job)).
    pub fn job<F>(&self, name: &'static str, future: F) -> Instrumented<F>
    where
        F: Future,
        F::Output: Outcome,
    {
        Instrumented::failing_on(future, Call::Job { name }, self.0.clone())
    }

    /// Starts a workflow (see [`Workflow`]).
    pub fn workflow(&self, name: &'static str) -> Workflow {
        Workflow::in_(name, self.0.clone())
    }

    /// A [`PlatformLayer`] for `platform` that records into this handle whatever request it
    /// is called under.
    pub fn platform(&self, platform: &'static str) -> PlatformLayer {
        PlatformLayer::new(platform).recording_into(self.clone())
    }

    /// A [`ClientLayer`] that records into this handle.
    pub fn client<D, R>(&self, name: &'static str, describe: D) -> ClientLayer<D>
    where
        D: Fn(&R) -> (&'static str, &'static str),
    {
        ClientLayer::new(name, describe).recording_into(self.clone())
    }

    /// Sets `tool.queue.size` of the tool `name`.
    pub fn set_tool_queue_size(&self, name: &'static str, size: i64) {
        self.0.set_tool_queue(name, size);
    }

    /// Sets `job.queue.length` of the job `name`.
    pub fn set_job_queue_length(&self, name: &'static str, length: i64) {
        self.0.set_job_queue(name, length);
    }

    /// Counts a hit of the cache `name`.
    pub fn record_hit(&self, name: &'static str) {
        self.0.record_lookup(name, true, request_scope::route());
    }

    /// Counts a miss of the cache `name`.
    pub fn record_miss(&self, name: &'static str) {
        self.0.record_lookup(name, false, request_scope::route());
    }

    /// Registers the pool `name` (see [`register_pool`](super::register_pool)), reported
    /// by this handle's meter.
    pub fn register_pool(
        &self,
        name: &'static str,
        usage: impl Fn() -> PoolUsage + Send + Sync + 'static,
    ) {
        self.0.pools.register(name, Arc::new(usage));
    }
}
