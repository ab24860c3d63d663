//! The dependency instruments of one meter, the tracer their spans come from and the
//! propagators outbound calls carry the trace context with: what a
//! [`Dependencies`](super::Dependencies) handle records into.

use std::borrow::Cow;
use std::sync::{Arc, Weak};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{
    Counter, Gauge, Histogram, Meter, ObservableUpDownCounter, UpDownCounter,
};
use opentelemetry_sdk::trace::SdkTracer;

use super::pools::{self, PoolReaders};
use super::registry::Registration;
use crate::context::propagation::Propagation;
use crate::names::{self, attr};

/// Which duration histogram a call goes to.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Platform,
    Db,
    Cache,
    Tool,
    Step,
    Job,
    Client,
}

/// The duration histogram of each [`Kind`], in its order: name, description, buckets.
const DURATIONS: [(&str, &str, &[f64]); 7] = [
    (
        names::HTTP_CLIENT_REQUEST_DURATION,
        "Duration of requests to third-party platforms",
        names::DURATION_BUCKETS,
    ),
    (
        names::DB_CLIENT_OPERATION_DURATION,
        "Duration of database operations",
        names::DB_DURATION_BUCKETS,
    ),
    (
        names::CACHE_OPERATION_DURATION,
        "Duration of cache operations",
        names::CACHE_DURATION_BUCKETS,
    ),
    (
        names::TOOL_EXECUTION_DURATION,
        "Duration of tool executions",
        names::TASK_DURATION_BUCKETS,
    ),
    (
        names::WORKFLOW_STEP_DURATION,
        "Duration of workflow steps",
        names::TASK_DURATION_BUCKETS,
    ),
    (
        names::JOB_DURATION,
        "Duration of background jobs",
        names::TASK_DURATION_BUCKETS,
    ),
    (
        names::CLIENT_OPERATION_DURATION,
        "Duration of calls through client services",
        names::DURATION_BUCKETS,
    ),
];

pub(crate) struct DependencyInstruments {
    /// By [`Kind`].
    durations: [Histogram<f64>; 7],
    cache_lookups: Counter<u64>,
    tools_active: UpDownCounter<i64>,
    tool_queue: Gauge<i64>,
    workflows_active: UpDownCounter<i64>,
    job_queue: Gauge<i64>,
    jobs_active: UpDownCounter<i64>,
    pub(super) tracer: Option<SdkTracer>,
    /// What outbound calls carry the trace context with.
    pub(super) propagation: Propagation,
    /// The pools these report, read at every collection.
    pub(super) pools: Arc<PoolReaders>,
    _pool_observers: [ObservableUpDownCounter<i64>; 2],
    /// The key requests name these by, for a handle that requests can carry.
    registration: Option<Registration>,
}

impl std::fmt::Debug for DependencyInstruments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DependencyInstruments")
            .field("traced", &self.tracer.is_some())
            .field("key", &self.key())
            .finish_non_exhaustive()
    }
}

impl DependencyInstruments {
    /// The instruments on `meter`, reporting `pools`; `registered` makes them a handle that
    /// requests can carry (see `registry.rs`).
    pub(super) fn new(
        meter: &Meter,
        tracer: Option<SdkTracer>,
        propagation: Propagation,
        pools: Arc<PoolReaders>,
        registered: bool,
    ) -> Arc<Self> {
        Arc::new_cyclic(|this: &Weak<Self>| {
            Self::made(
                meter,
                tracer,
                propagation,
                pools,
                registered.then(|| Registration::new(this.clone())),
            )
        })
    }

    /// The key a request carries to name these, if they were registered.
    pub(super) fn key(&self) -> Option<u32> {
        self.registration.as_ref().map(Registration::key)
    }

    fn made(
        meter: &Meter,
        tracer: Option<SdkTracer>,
        propagation: Propagation,
        pools: Arc<PoolReaders>,
        registration: Option<Registration>,
    ) -> Self {
        Self {
            _pool_observers: pools::observe(meter, pools.clone()),
            pools,
            registration,
            durations: DURATIONS.map(|(name, description, buckets)| {
                meter
                    .f64_histogram(name)
                    .with_unit(names::UNIT_SECONDS)
                    .with_description(description)
                    .with_boundaries(buckets.to_vec())
                    .build()
            }),
            cache_lookups: meter
                .u64_counter(names::CACHE_LOOKUPS)
                .with_unit(names::UNIT_LOOKUPS)
                .with_description("Cache lookups, by result (hit or miss)")
                .build(),
            tools_active: meter
                .i64_up_down_counter(names::TOOL_EXECUTIONS_ACTIVE)
                .with_unit(names::UNIT_EXECUTIONS)
                .with_description("Tool executions in progress")
                .build(),
            tool_queue: meter
                .i64_gauge(names::TOOL_QUEUE_SIZE)
                .with_unit(names::UNIT_EXECUTIONS)
                .with_description("Tool executions waiting, as the application reports it")
                .build(),
            workflows_active: meter
                .i64_up_down_counter(names::WORKFLOW_ACTIVE)
                .with_unit(names::UNIT_WORKFLOWS)
                .with_description("Workflows in progress")
                .build(),
            job_queue: meter
                .i64_gauge(names::JOB_QUEUE_LENGTH)
                .with_unit(names::UNIT_JOBS)
                .with_description("Background jobs waiting, as the application reports it")
                .build(),
            jobs_active: meter
                .i64_up_down_counter(names::JOB_ACTIVE)
                .with_unit(names::UNIT_JOBS)
                .with_description("Background jobs in progress")
                .build(),
            tracer,
            propagation,
        }
    }

    /// Tool executions in progress: `delta` 1 at the start, -1 at the end.
    pub(super) fn tool_active(&self, name: &'static str, delta: i64) {
        self.tools_active
            .add(delta, &[KeyValue::new(attr::TOOL_NAME, name)]);
    }

    /// Jobs in progress: `delta` 1 at the start, -1 at the end.
    pub(super) fn job_active(&self, name: &'static str, delta: i64) {
        self.jobs_active
            .add(delta, &[KeyValue::new(attr::JOB_NAME, name)]);
    }

    pub(super) fn set_tool_queue(&self, name: &'static str, size: i64) {
        self.tool_queue
            .record(size, &[KeyValue::new(attr::TOOL_NAME, name)]);
    }

    pub(super) fn workflow_active(&self, name: &'static str, delta: i64) {
        self.workflows_active
            .add(delta, &[KeyValue::new(attr::WORKFLOW_NAME, name)]);
    }

    pub(super) fn set_job_queue(&self, name: &'static str, length: i64) {
        self.job_queue
            .record(length, &[KeyValue::new(attr::JOB_NAME, name)]);
    }

    /// Records one call's duration in the histogram of its kind, with the inbound route and
    /// the `error.type`, if any, added to its attributes.
    pub(super) fn record(
        &self,
        kind: Kind,
        seconds: f64,
        mut attributes: Vec<KeyValue>,
        route: Option<&'static str>,
        error: Option<Cow<'static, str>>,
    ) {
        let histogram = &self.durations[kind as usize];
        push_common(&mut attributes, route, error);
        histogram.record(seconds, &attributes);
    }

    pub(super) fn record_lookup(&self, name: &'static str, hit: bool, route: Option<&'static str>) {
        let mut attributes = vec![
            KeyValue::new(attr::CACHE_NAME, name),
            KeyValue::new(attr::CACHE_RESULT, if hit { "hit" } else { "miss" }),
        ];
        push_common(&mut attributes, route, None);
        self.cache_lookups.add(1, &attributes);
    }
}

fn push_common(
    attributes: &mut Vec<KeyValue>,
    route: Option<&'static str>,
    error: Option<Cow<'static, str>>,
) {
    if let Some(route) = route {
        attributes.push(KeyValue::new(attr::HTTP_ROUTE, route));
    }
    if let Some(error) = error {
        attributes.push(KeyValue::new(attr::ERROR_TYPE, error));
    }
}
