//! The dependency instruments of one meter, the tracer their spans come from and the
//! propagators outbound calls carry the trace context with: what a
//! [`Dependencies`](super::Dependencies) handle records into.

use std::borrow::Cow;
use std::sync::Arc;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{
    Counter, Gauge, Histogram, Meter, ObservableUpDownCounter, UpDownCounter,
};
use opentelemetry_sdk::trace::SdkTracer;

use super::pools::{self, PoolReaders};
use crate::exemplars::{ExemplarTable, Exemplars, TraceIds};
use crate::names::{Metric, attr, metric};
use crate::trace::propagation::Propagation;

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

/// The duration histogram of each [`Kind`], in its order.
const DURATIONS: [Metric; 7] = [
    metric::HTTP_CLIENT_REQUEST_DURATION,
    metric::DB_CLIENT_OPERATION_DURATION,
    metric::CACHE_OPERATION_DURATION,
    metric::TOOL_EXECUTION_DURATION,
    metric::WORKFLOW_STEP_DURATION,
    metric::JOB_DURATION,
    metric::CLIENT_OPERATION_DURATION,
];

pub(crate) struct DependencyInstruments {
    /// By [`Kind`].
    durations: [Histogram<f64>; 7],
    /// The exemplars of each duration, by [`Kind`]; `None` where none are kept.
    exemplars: [Option<Arc<ExemplarTable>>; 7],
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
}

impl std::fmt::Debug for DependencyInstruments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DependencyInstruments")
            .field("traced", &self.tracer.is_some())
            .finish_non_exhaustive()
    }
}

impl DependencyInstruments {
    /// The instruments on `meter`, reporting `pools`.
    pub(super) fn new(
        meter: &Meter,
        tracer: Option<SdkTracer>,
        propagation: Propagation,
        pools: Arc<PoolReaders>,
        exemplars: Option<&Exemplars>,
    ) -> Arc<Self> {
        Arc::new(Self::made(meter, tracer, propagation, pools, exemplars))
    }

    fn made(
        meter: &Meter,
        tracer: Option<SdkTracer>,
        propagation: Propagation,
        pools: Arc<PoolReaders>,
        exemplars: Option<&Exemplars>,
    ) -> Self {
        Self {
            exemplars: DURATIONS.map(|duration| exemplars?.table(duration.name).cloned()),
            _pool_observers: pools::observe(meter, pools.clone()),
            pools,
            durations: DURATIONS.map(|duration| duration.f64_histogram(meter)),
            cache_lookups: metric::CACHE_LOOKUPS.u64_counter(meter),
            tools_active: metric::TOOL_EXECUTIONS_ACTIVE.i64_up_down_counter(meter),
            tool_queue: metric::TOOL_QUEUE_SIZE.i64_gauge(meter),
            workflows_active: metric::WORKFLOW_ACTIVE.i64_up_down_counter(meter),
            job_queue: metric::JOB_QUEUE_LENGTH.i64_gauge(meter),
            jobs_active: metric::JOB_ACTIVE.i64_up_down_counter(meter),
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
    /// the `error.type`, if any, added to its attributes; `trace`, the call's span when it
    /// was sampled, makes it an exemplar.
    pub(super) fn record(
        &self,
        kind: Kind,
        seconds: f64,
        mut attributes: Vec<KeyValue>,
        route: Option<&'static str>,
        error: Option<Cow<'static, str>>,
        trace: Option<TraceIds>,
    ) {
        let histogram = &self.durations[kind as usize];
        push_common(&mut attributes, route, error);
        histogram.record(seconds, &attributes);
        if let (Some(trace), Some(table)) = (trace, &self.exemplars[kind as usize]) {
            table.offer(&attributes, seconds, trace);
        }
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
