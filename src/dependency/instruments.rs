//! The dependency instruments, made from the global meter provider, and the tracer of the
//! installed pipelines.
//!
//! They are resolved again whenever the global meter provider or the installed tracer
//! changes, so a call made before `install()` (which finds the no-op provider) does not
//! leave every later call recording nowhere. A unit of work keeps the instruments it started
//! with, so its start and end always land in the same provider.

use std::borrow::Cow;
use std::sync::{Arc, PoisonError, RwLock};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{
    Counter, Gauge, Histogram, Meter, MeterProvider, ObservableUpDownCounter, UpDownCounter,
};
use opentelemetry_sdk::trace::SdkTracer;

use crate::names::{self, attr};
use crate::propagation::Propagation;

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

pub(super) struct DependencyInstruments {
    http_client_duration: Histogram<f64>,
    db_duration: Histogram<f64>,
    cache_duration: Histogram<f64>,
    cache_lookups: Counter<u64>,
    tool_duration: Histogram<f64>,
    tools_active: UpDownCounter<i64>,
    tool_queue: Gauge<i64>,
    step_duration: Histogram<f64>,
    workflows_active: UpDownCounter<i64>,
    job_duration: Histogram<f64>,
    job_queue: Gauge<i64>,
    client_duration: Histogram<f64>,
    pub(super) tracer: Option<SdkTracer>,
    /// What outbound calls carry the trace context with: the installed pipelines'
    /// propagators, else W3C TraceContext and Baggage.
    pub(super) propagation: Propagation,
    /// The registered pools, observed on this provider.
    _pools: [ObservableUpDownCounter<i64>; 2],
    /// What these were made from: the global provider (kept alive, so its address stays
    /// unique) and the installed tracer's generation.
    provider: Arc<dyn MeterProvider + Send + Sync>,
    tracer_generation: u64,
}

/// The instruments of the current global provider and installed tracer.
pub(super) fn get() -> Arc<DependencyInstruments> {
    static CURRENT: RwLock<Option<Arc<DependencyInstruments>>> = RwLock::new(None);
    let provider = opentelemetry::global::meter_provider();
    let tracer_generation = crate::pipeline::installed_tracer_generation();
    let fresh = |current: &Option<Arc<DependencyInstruments>>| {
        current
            .as_ref()
            .filter(|current| {
                Arc::ptr_eq(&current.provider, &provider)
                    && current.tracer_generation == tracer_generation
            })
            .cloned()
    };
    if let Some(current) = fresh(&CURRENT.read().unwrap_or_else(PoisonError::into_inner)) {
        return current;
    }
    let mut current = CURRENT.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(current) = fresh(&current) {
        return current;
    }
    let installed = crate::pipeline::installed_tracer();
    let made = Arc::new(DependencyInstruments::new(
        provider,
        installed.as_ref().map(|server| server.tracer.clone()),
        installed.map_or_else(Propagation::w3c, |server| server.propagation),
        tracer_generation,
    ));
    *current = Some(made.clone());
    made
}

impl DependencyInstruments {
    fn new(
        provider: Arc<dyn MeterProvider + Send + Sync>,
        tracer: Option<SdkTracer>,
        propagation: Propagation,
        tracer_generation: u64,
    ) -> Self {
        let meter = &provider.meter_with_scope(crate::scope());
        Self {
            http_client_duration: duration(
                meter,
                names::HTTP_CLIENT_REQUEST_DURATION,
                "Duration of requests to third-party platforms",
                names::DURATION_BUCKETS,
            ),
            db_duration: duration(
                meter,
                names::DB_CLIENT_OPERATION_DURATION,
                "Duration of database operations",
                names::DB_DURATION_BUCKETS,
            ),
            cache_duration: duration(
                meter,
                names::CACHE_OPERATION_DURATION,
                "Duration of cache operations",
                names::CACHE_DURATION_BUCKETS,
            ),
            cache_lookups: meter
                .u64_counter(names::CACHE_LOOKUPS)
                .with_unit(names::UNIT_LOOKUPS)
                .with_description("Cache lookups, by result (hit or miss)")
                .build(),
            tool_duration: duration(
                meter,
                names::TOOL_EXECUTION_DURATION,
                "Duration of tool executions",
                names::TASK_DURATION_BUCKETS,
            ),
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
            step_duration: duration(
                meter,
                names::WORKFLOW_STEP_DURATION,
                "Duration of workflow steps",
                names::TASK_DURATION_BUCKETS,
            ),
            workflows_active: meter
                .i64_up_down_counter(names::WORKFLOW_ACTIVE)
                .with_unit(names::UNIT_WORKFLOWS)
                .with_description("Workflows in progress")
                .build(),
            job_duration: duration(
                meter,
                names::JOB_DURATION,
                "Duration of background jobs",
                names::TASK_DURATION_BUCKETS,
            ),
            job_queue: meter
                .i64_gauge(names::JOB_QUEUE_LENGTH)
                .with_unit(names::UNIT_JOBS)
                .with_description("Background jobs waiting, as the application reports it")
                .build(),
            client_duration: duration(
                meter,
                names::CLIENT_OPERATION_DURATION,
                "Duration of calls through client services",
                names::DURATION_BUCKETS,
            ),
            tracer,
            propagation,
            _pools: super::pools::observe(meter),
            provider,
            tracer_generation,
        }
    }

    pub(super) fn tool_started(&self, name: &'static str) {
        self.tools_active
            .add(1, &[KeyValue::new(attr::TOOL_NAME, name)]);
    }

    pub(super) fn tool_ended(&self, name: &'static str) {
        self.tools_active
            .add(-1, &[KeyValue::new(attr::TOOL_NAME, name)]);
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
        let histogram = match kind {
            Kind::Platform => &self.http_client_duration,
            Kind::Db => &self.db_duration,
            Kind::Cache => &self.cache_duration,
            Kind::Tool => &self.tool_duration,
            Kind::Step => &self.step_duration,
            Kind::Job => &self.job_duration,
            Kind::Client => &self.client_duration,
        };
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

/// A duration histogram in seconds with the given bucket bounds.
fn duration(
    meter: &Meter,
    name: &'static str,
    description: &'static str,
    buckets: &[f64],
) -> Histogram<f64> {
    meter
        .f64_histogram(name)
        .with_unit(names::UNIT_SECONDS)
        .with_description(description)
        .with_boundaries(buckets.to_vec())
        .build()
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
