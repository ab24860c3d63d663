//! The HTTP server instruments and the cache of their bound handles.
//!
//! Recording with an attribute slice makes the SDK hash and look up the set on every call
//! (about 150 ns each for five attributes). Instead, each series — one (route, method,
//! status, scheme, version, error) combination — is bound once, and a request afterwards
//! costs one read-locked map lookup plus three pre-resolved records. The map only grows on
//! the first request of a new combination, and is capped at [`MAX_BOUND_SERIES`].

use std::sync::{OnceLock, PoisonError, RwLock};

use hashbrown::{Equivalent, HashMap};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{BoundHistogram, BoundUpDownCounter, Histogram, Meter, UpDownCounter};

use super::labels::{ErrorLabel, MethodLabel, SchemeLabel, VersionLabel};
use crate::names::{self, attr, error_type};

/// Series bound at most; past it requests still record, through the slower unbound path,
/// and the SDK's own cardinality limit folds the excess into its overflow series.
pub(crate) const MAX_BOUND_SERIES: usize = 2_000;

/// The attributes of one series. `R` is `&str` for lookups and `Box<str>` once stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SeriesKey<R> {
    pub(crate) route: Option<R>,
    pub(crate) method: MethodLabel,
    /// `0` when no response was produced.
    pub(crate) status: u16,
    pub(crate) scheme: SchemeLabel,
    pub(crate) version: VersionLabel,
    pub(crate) error: ErrorLabel,
}

// The stored key hashes exactly as the borrowed one: `Box<str>` and `&str` both hash as `str`.
type StoredKey = SeriesKey<Box<str>>;

impl Equivalent<StoredKey> for SeriesKey<&str> {
    fn equivalent(&self, stored: &StoredKey) -> bool {
        self.route == stored.route.as_deref()
            && self.method == stored.method
            && self.status == stored.status
            && self.scheme == stored.scheme
            && self.version == stored.version
            && self.error == stored.error
    }
}

impl SeriesKey<&str> {
    fn to_stored(self) -> StoredKey {
        SeriesKey {
            route: self.route.map(Box::from),
            method: self.method,
            status: self.status,
            scheme: self.scheme,
            version: self.version,
            error: self.error,
        }
    }

    fn attributes(&self) -> Vec<KeyValue> {
        let mut attributes = Vec::with_capacity(6);
        attributes.push(KeyValue::new(
            attr::HTTP_REQUEST_METHOD,
            self.method.as_str(),
        ));
        if let Some(route) = self.route {
            attributes.push(KeyValue::new(attr::HTTP_ROUTE, route.to_owned()));
        }
        if self.status != 0 {
            attributes.push(KeyValue::new(
                attr::HTTP_RESPONSE_STATUS_CODE,
                i64::from(self.status),
            ));
        }
        attributes.push(KeyValue::new(attr::URL_SCHEME, self.scheme.as_str()));
        attributes.push(KeyValue::new(
            attr::NETWORK_PROTOCOL_VERSION,
            self.version.as_str(),
        ));
        let error = match self.error {
            ErrorLabel::None => None,
            ErrorLabel::ServerStatus => Some(self.status.to_string()),
            ErrorLabel::Cancelled => Some(error_type::CANCELLED.to_owned()),
            ErrorLabel::BodyError => Some(error_type::BODY_ERROR.to_owned()),
            ErrorLabel::ServiceError => Some(error_type::OTHER.to_owned()),
        };
        if let Some(error) = error {
            attributes.push(KeyValue::new(attr::ERROR_TYPE, error));
        }
        attributes
    }
}

/// What one finished request reports.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Observation {
    pub(crate) duration_seconds: f64,
    pub(crate) request_bytes: u64,
    pub(crate) response_bytes: u64,
}

struct BoundSeries {
    duration: BoundHistogram<f64>,
    request_size: BoundHistogram<u64>,
    response_size: BoundHistogram<u64>,
}

impl BoundSeries {
    fn record(&self, observation: Observation) {
        self.duration.record(observation.duration_seconds);
        self.request_size.record(observation.request_bytes);
        self.response_size.record(observation.response_bytes);
    }
}

/// The four HTTP server instruments of one meter.
pub(crate) struct HttpInstruments {
    duration: Histogram<f64>,
    request_size: Histogram<u64>,
    response_size: Histogram<u64>,
    active: UpDownCounter<i64>,
    // Active requests carry only method and scheme (per the semantic conventions), so all
    // twenty combinations fit in an array; each is bound on first use, so idle
    // combinations export no zero series.
    active_bound: [OnceLock<BoundUpDownCounter<i64>>; MethodLabel::COUNT * SchemeLabel::COUNT],
    series: RwLock<HashMap<StoredKey, BoundSeries>>,
}

impl HttpInstruments {
    pub(crate) fn new(meter: &Meter) -> Self {
        Self {
            duration: meter
                .f64_histogram(names::HTTP_SERVER_REQUEST_DURATION)
                .with_unit(names::UNIT_SECONDS)
                .with_description("Duration of HTTP server requests, from arrival to the end of the response body.")
                .with_boundaries(names::DURATION_BUCKETS.to_vec())
                .build(),
            request_size: meter
                .u64_histogram(names::HTTP_SERVER_REQUEST_BODY_SIZE)
                .with_unit(names::UNIT_BYTES)
                .with_description("Size of HTTP server request bodies, as streamed.")
                .with_boundaries(names::BODY_SIZE_BUCKETS.to_vec())
                .build(),
            response_size: meter
                .u64_histogram(names::HTTP_SERVER_RESPONSE_BODY_SIZE)
                .with_unit(names::UNIT_BYTES)
                .with_description("Size of HTTP server response bodies, as streamed.")
                .with_boundaries(names::BODY_SIZE_BUCKETS.to_vec())
                .build(),
            active: meter
                .i64_up_down_counter(names::HTTP_SERVER_ACTIVE_REQUESTS)
                .with_unit(names::UNIT_REQUESTS)
                .with_description("Number of active HTTP server requests.")
                .build(),
            active_bound: std::array::from_fn(|_| OnceLock::new()),
            series: RwLock::new(HashMap::new()),
        }
    }

    pub(crate) fn active(
        &self,
        method: MethodLabel,
        scheme: SchemeLabel,
    ) -> &BoundUpDownCounter<i64> {
        let index = method as usize * SchemeLabel::COUNT + scheme as usize;
        self.active_bound[index].get_or_init(|| {
            self.active.bind(&[
                KeyValue::new(attr::HTTP_REQUEST_METHOD, method.as_str()),
                KeyValue::new(attr::URL_SCHEME, scheme.as_str()),
            ])
        })
    }

    pub(crate) fn record(&self, key: SeriesKey<&str>, observation: Observation) {
        {
            let series = self.series.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(bound) = series.get(&key) {
                bound.record(observation);
                return;
            }
        }
        self.record_new_series(key, observation);
    }

    #[cold]
    fn record_new_series(&self, key: SeriesKey<&str>, observation: Observation) {
        let attributes = key.attributes();
        let mut series = self.series.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(bound) = series.get(&key) {
            bound.record(observation);
        } else if series.len() < MAX_BOUND_SERIES {
            let bound = BoundSeries {
                duration: self.duration.bind(&attributes),
                request_size: self.request_size.bind(&attributes),
                response_size: self.response_size.bind(&attributes),
            };
            bound.record(observation);
            series.insert(key.to_stored(), bound);
        } else {
            drop(series);
            self.duration
                .record(observation.duration_seconds, &attributes);
            self.request_size
                .record(observation.request_bytes, &attributes);
            self.response_size
                .record(observation.response_bytes, &attributes);
        }
    }

    #[cfg(test)]
    fn bound_series(&self) -> usize {
        self.series.read().unwrap().len()
    }
}

// hashbrown requires equivalent keys to hash alike; `derive(Hash)` on the generic struct
// gives that as long as `Option<&str>` and `Option<Box<str>>` hash alike, which a test pins.
#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn key(route: Option<&str>, status: u16) -> SeriesKey<&str> {
        SeriesKey {
            route,
            method: MethodLabel::Get,
            status,
            scheme: SchemeLabel::Http,
            version: VersionLabel::of(http::Version::HTTP_11),
            error: ErrorLabel::None,
        }
    }

    #[test]
    fn borrowed_and_stored_keys_hash_alike() {
        let hasher = hashbrown::DefaultHashBuilder::default();
        let borrowed = key(Some("/users/{id}"), 200);
        let stored = borrowed.to_stored();
        assert_eq!(hasher.hash_one(borrowed), hasher.hash_one(&stored));
        assert!(borrowed.equivalent(&stored));
        assert!(!key(Some("/users"), 200).equivalent(&stored));
        assert!(!key(None, 200).equivalent(&stored));
    }

    #[test]
    fn bound_series_stop_growing_at_the_cap() {
        let provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder().build();
        let meter = opentelemetry::metrics::MeterProvider::meter(&provider, "test");
        let instruments = HttpInstruments::new(&meter);
        let observation = Observation {
            duration_seconds: 0.1,
            request_bytes: 0,
            response_bytes: 0,
        };
        for status in 0..(MAX_BOUND_SERIES as u16 + 50) {
            instruments.record(key(Some("/r"), status), observation);
        }
        assert_eq!(instruments.bound_series(), MAX_BOUND_SERIES);
    }
}
