//! The series of a layer's calls, bound once each: recording with an attribute slice makes
//! the SDK hash and look up the set on every call (three times a call: the duration and
//! the two message counts), while a bound series records straight into its buckets. The
//! series are few (methods × codes), so one map behind a read lock finds them.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use hashbrown::HashMap;
use opentelemetry::KeyValue;
use opentelemetry::metrics::BoundHistogram;

use super::code::GrpcCode;
use super::layer::Instruments;
use crate::names::attr;

/// Series bound per layer before the rest record unbound: far more than methods × codes
/// of a real service, and below the SDK's cardinality limit, past which a bound series
/// would stay on the overflow series for good.
const BIND_LIMIT: usize = 1_000;

/// Everything a call's series is named by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CallKey {
    pub(crate) method: Arc<str>,
    pub(crate) code: GrpcCode,
    pub(crate) error: Option<Cow<'static, str>>,
    /// `server.address` and `server.port`, on a client's calls.
    pub(crate) server: Option<(String, Option<u16>)>,
}

impl CallKey {
    fn attributes(&self) -> Vec<KeyValue> {
        let mut attributes = Vec::with_capacity(6);
        attributes.push(KeyValue::new(attr::RPC_SYSTEM_NAME, "grpc"));
        attributes.push(KeyValue::new(attr::RPC_METHOD, self.method.clone()));
        attributes.push(KeyValue::new(
            attr::RPC_RESPONSE_STATUS_CODE,
            self.code.name(),
        ));
        if let Some((host, port)) = &self.server {
            attributes.push(KeyValue::new(attr::SERVER_ADDRESS, host.clone()));
            if let Some(port) = port {
                attributes.push(KeyValue::new(attr::SERVER_PORT, i64::from(*port)));
            }
        }
        if let Some(error) = &self.error {
            attributes.push(KeyValue::new(attr::ERROR_TYPE, error.clone()));
        }
        attributes
    }
}

/// What one finished call reports.
pub(crate) struct CallRecord {
    pub(crate) seconds: f64,
    pub(crate) received: Option<u64>,
    pub(crate) sent: Option<u64>,
}

/// The bound histograms of one series; the message counts are bound on their first
/// recording, so a side that cannot count a stream shows no empty series.
struct BoundCall {
    attributes: Vec<KeyValue>,
    duration: BoundHistogram<f64>,
    received: OnceLock<BoundHistogram<u64>>,
    sent: OnceLock<BoundHistogram<u64>>,
}

#[derive(Default)]
pub(crate) struct CallSeries {
    bound: RwLock<HashMap<CallKey, Arc<BoundCall>>>,
}

impl CallSeries {
    pub(crate) fn record(&self, instruments: &Instruments, key: CallKey, record: CallRecord) {
        let found = self
            .bound
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        match found.or_else(|| self.bind(instruments, &key)) {
            Some(bound) => {
                bound.duration.record(record.seconds);
                if let Some(received) = record.received {
                    bound
                        .received
                        .get_or_init(|| instruments.received.bind(&bound.attributes))
                        .record(received);
                }
                if let Some(sent) = record.sent {
                    bound
                        .sent
                        .get_or_init(|| instruments.sent.bind(&bound.attributes))
                        .record(sent);
                }
            }
            None => {
                let attributes = key.attributes();
                instruments.duration.record(record.seconds, &attributes);
                if let Some(received) = record.received {
                    instruments.received.record(received, &attributes);
                }
                if let Some(sent) = record.sent {
                    instruments.sent.record(sent, &attributes);
                }
            }
        }
    }

    /// Binds the series of `key`, unless the layer already bound its share.
    #[cold]
    fn bind(&self, instruments: &Instruments, key: &CallKey) -> Option<Arc<BoundCall>> {
        let mut bound = self.bound.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(series) = bound.get(key) {
            return Some(series.clone());
        }
        if bound.len() >= BIND_LIMIT {
            return None;
        }
        let attributes = key.attributes();
        let series = Arc::new(BoundCall {
            duration: instruments.duration.bind(&attributes),
            received: OnceLock::new(),
            sent: OnceLock::new(),
            attributes,
        });
        bound.insert(key.clone(), series.clone());
        Some(series)
    }
}
