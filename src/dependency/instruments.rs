//! The dependency instruments, made once from the global meter provider, and the tracer of
//! the installed pipelines.

use std::borrow::Cow;
use std::sync::OnceLock;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, Meter};
use opentelemetry_sdk::trace::SdkTracer;

use crate::names::{self, attr};

pub(super) struct DependencyInstruments {
    http_client_duration: Histogram<f64>,
    db_duration: Histogram<f64>,
    cache_duration: Histogram<f64>,
    cache_lookups: Counter<u64>,
    pub(super) tracer: Option<SdkTracer>,
}

/// The instruments, resolved on first use.
pub(super) fn get() -> &'static DependencyInstruments {
    static INSTRUMENTS: OnceLock<DependencyInstruments> = OnceLock::new();
    INSTRUMENTS.get_or_init(|| {
        DependencyInstruments::new(
            &opentelemetry::global::meter_with_scope(crate::scope()),
            crate::pipeline::installed_tracer().map(|(tracer, _)| tracer),
        )
    })
}

impl DependencyInstruments {
    fn new(meter: &Meter, tracer: Option<SdkTracer>) -> Self {
        Self {
            http_client_duration: meter
                .f64_histogram(names::HTTP_CLIENT_REQUEST_DURATION)
                .with_unit(names::UNIT_SECONDS)
                .with_description("Duration of requests to third-party platforms")
                .with_boundaries(names::DURATION_BUCKETS.to_vec())
                .build(),
            db_duration: meter
                .f64_histogram(names::DB_CLIENT_OPERATION_DURATION)
                .with_unit(names::UNIT_SECONDS)
                .with_description("Duration of database operations")
                .with_boundaries(names::DB_DURATION_BUCKETS.to_vec())
                .build(),
            cache_duration: meter
                .f64_histogram(names::CACHE_OPERATION_DURATION)
                .with_unit(names::UNIT_SECONDS)
                .with_description("Duration of cache operations")
                .with_boundaries(names::CACHE_DURATION_BUCKETS.to_vec())
                .build(),
            cache_lookups: meter
                .u64_counter(names::CACHE_LOOKUPS)
                .with_unit(names::UNIT_LOOKUPS)
                .with_description("Cache lookups, by result (hit or miss)")
                .build(),
            tracer,
        }
    }

    pub(super) fn record_platform(
        &self,
        seconds: f64,
        mut attributes: Vec<KeyValue>,
        route: Option<&'static str>,
        error: Option<Cow<'static, str>>,
    ) {
        push_common(&mut attributes, route, error);
        self.http_client_duration.record(seconds, &attributes);
    }

    pub(super) fn record_db(
        &self,
        seconds: f64,
        mut attributes: Vec<KeyValue>,
        route: Option<&'static str>,
        error: Option<Cow<'static, str>>,
    ) {
        push_common(&mut attributes, route, error);
        self.db_duration.record(seconds, &attributes);
    }

    pub(super) fn record_cache(
        &self,
        seconds: f64,
        mut attributes: Vec<KeyValue>,
        route: Option<&'static str>,
        error: Option<Cow<'static, str>>,
    ) {
        push_common(&mut attributes, route, error);
        self.cache_duration.record(seconds, &attributes);
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
