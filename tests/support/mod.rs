//! Shared helpers: an in-memory meter the tests collect from on demand (no sleeps), and
//! bodies that stream in chunks or stall, to exercise the layer's body handling.
#![allow(dead_code, unreachable_pub)]

use std::collections::{BTreeMap, VecDeque};
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{
    InstrumentKind, ManualReader, Pipeline, SdkMeterProvider, Temporality,
};
use tower_monitoring::MonitoringLayer;

/// A `ManualReader` the test keeps a handle to after giving it to the provider.
#[derive(Debug, Clone)]
struct SharedReader(Arc<ManualReader>);

impl MetricReader for SharedReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.register_pipeline(pipeline)
    }
    fn collect(&self, rm: &mut ResourceMetrics) -> OTelSdkResult {
        self.0.collect(rm)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }
    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.temporality(kind)
    }
}

/// Attributes of one data point, as strings, sorted by key.
pub type Attributes = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq)]
pub struct HistogramPoint {
    pub attributes: Attributes,
    pub count: u64,
    pub sum: f64,
}

/// A meter provider whose metrics a test reads directly.
pub struct TestMetrics {
    pub provider: SdkMeterProvider,
    reader: SharedReader,
}

impl TestMetrics {
    pub fn new() -> Self {
        let reader = SharedReader(Arc::new(ManualReader::builder().build()));
        let provider = SdkMeterProvider::builder()
            .with_reader(reader.clone())
            .build();
        Self { provider, reader }
    }

    pub fn layer(&self) -> MonitoringLayer {
        MonitoringLayer::new().with_meter_provider(&self.provider)
    }

    fn collect(&self) -> ResourceMetrics {
        let mut metrics = ResourceMetrics::default();
        self.reader.collect(&mut metrics).expect("collect");
        metrics
    }

    fn with_metric<T>(&self, name: &str, read: impl FnOnce(&AggregatedMetrics) -> T) -> Option<T> {
        let metrics = self.collect();
        let metric = metrics
            .scope_metrics()
            .flat_map(|scope| scope.metrics())
            .find(|metric| metric.name() == name)?;
        Some(read(metric.data()))
    }

    /// Every data point of histogram `name` (either number type).
    pub fn histogram(&self, name: &str) -> Vec<HistogramPoint> {
        self.with_metric(name, |data| match data {
            AggregatedMetrics::F64(MetricData::Histogram(h)) => h
                .data_points()
                .map(|p| HistogramPoint {
                    attributes: attributes(p.attributes()),
                    count: p.count(),
                    sum: p.sum(),
                })
                .collect(),
            AggregatedMetrics::U64(MetricData::Histogram(h)) => h
                .data_points()
                .map(|p| HistogramPoint {
                    attributes: attributes(p.attributes()),
                    count: p.count(),
                    sum: p.sum() as f64,
                })
                .collect(),
            other => panic!("{name} is not a histogram: {other:?}"),
        })
        .unwrap_or_default()
    }

    /// Every data point of the i64 sum (counter or up-down counter) `name`.
    pub fn sum_i64(&self, name: &str) -> Vec<(Attributes, i64)> {
        self.with_metric(name, |data| match data {
            AggregatedMetrics::I64(MetricData::Sum(sum)) => sum
                .data_points()
                .map(|p| (attributes(p.attributes()), p.value()))
                .collect(),
            other => panic!("{name} is not an i64 sum: {other:?}"),
        })
        .unwrap_or_default()
    }

    /// The total of `http.server.active_requests` over all its series.
    pub fn active_requests(&self) -> i64 {
        self.sum_i64(tower_monitoring::names::HTTP_SERVER_ACTIVE_REQUESTS)
            .iter()
            .map(|(_, v)| v)
            .sum()
    }

    /// The duration points whose attributes contain every `(key, value)` given.
    pub fn durations_where(&self, wanted: &[(&str, &str)]) -> Vec<HistogramPoint> {
        self.histogram(tower_monitoring::names::HTTP_SERVER_REQUEST_DURATION)
            .into_iter()
            .filter(|p| {
                wanted
                    .iter()
                    .all(|(k, v)| p.attributes.get(*k).map(String::as_str) == Some(*v))
            })
            .collect()
    }
}

fn attributes<'a>(kvs: impl Iterator<Item = &'a opentelemetry::KeyValue>) -> Attributes {
    kvs.map(|kv| (kv.key.to_string(), kv.value.to_string()))
        .collect()
}

/// Builds an attribute map from pairs, for exact comparisons.
pub fn attrs(pairs: &[(&str, &str)]) -> Attributes {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A body that yields its chunks one frame at a time, with no size hint (like chunked
/// transfer encoding), then optionally stalls forever instead of ending.
#[derive(Debug)]
pub struct ChunkedBody {
    chunks: VecDeque<Bytes>,
    stall_at_end: bool,
}

impl ChunkedBody {
    pub fn new(chunks: impl IntoIterator<Item = Bytes>) -> Self {
        Self {
            chunks: chunks.into_iter().collect(),
            stall_at_end: false,
        }
    }

    /// After the chunks, stays pending forever: a stream the client stops reading.
    pub fn stalling(chunks: impl IntoIterator<Item = Bytes>) -> Self {
        Self {
            stall_at_end: true,
            ..Self::new(chunks)
        }
    }
}

impl Body for ChunkedBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.chunks.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
            None if self.stall_at_end => Poll::Pending,
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty() && !self.stall_at_end
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// `n` chunks of `size` bytes each.
pub fn chunks(n: usize, size: usize) -> Vec<Bytes> {
    (0..n).map(|_| Bytes::from(vec![b'x'; size])).collect()
}

pub mod prometheus;

/// Sends `request` through `service` (an axum router or any tower service) and reads the
/// whole response, as a client would.
pub async fn send<S, ReqBody, ResBody>(
    service: &S,
    request: http::Request<ReqBody>,
) -> (http::StatusCode, Bytes)
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>> + Clone,
    S::Error: std::fmt::Debug,
    ResBody: Body,
    ResBody::Error: std::fmt::Debug,
{
    let (status, _, body) = send_keeping_headers(service, request).await;
    (status, body)
}

/// [`send`], keeping the response headers and reading the body as text.
pub async fn send_full<S, ReqBody, ResBody>(
    service: &S,
    request: http::Request<ReqBody>,
) -> (http::StatusCode, http::HeaderMap, String)
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>> + Clone,
    S::Error: std::fmt::Debug,
    ResBody: Body,
    ResBody::Error: std::fmt::Debug,
{
    let (status, headers, body) = send_keeping_headers(service, request).await;
    (
        status,
        headers,
        String::from_utf8(body.to_vec()).expect("UTF-8"),
    )
}

async fn send_keeping_headers<S, ReqBody, ResBody>(
    service: &S,
    request: http::Request<ReqBody>,
) -> (http::StatusCode, http::HeaderMap, Bytes)
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>> + Clone,
    S::Error: std::fmt::Debug,
    ResBody: Body,
    ResBody::Error: std::fmt::Debug,
{
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = service
        .clone()
        .oneshot(request)
        .await
        .expect("service call");
    let (head, body) = response.into_parts();
    let body = body.collect().await.expect("response body").to_bytes();
    (head.status, head.headers, body)
}

pub mod example;
pub mod otlp;
pub mod tls;

/// Pipelines that keep every span, in memory, for assertions without a network.
pub fn traced(
    service_name: &str,
) -> (
    tower_monitoring::Monitoring,
    opentelemetry_sdk::trace::InMemorySpanExporter,
) {
    keeping_spans(service_name, tower_monitoring::MonitoringBuilder::build)
}

/// [`traced`], installed as the process's pipelines (for code that records through the
/// globals, such as the dependency wrappers), without a `tracing` subscriber.
pub fn traced_installed(
    service_name: &str,
) -> (
    tower_monitoring::Monitoring,
    opentelemetry_sdk::trace::InMemorySpanExporter,
) {
    keeping_spans(service_name, |builder| {
        builder.tracing_subscriber(false).install()
    })
}

fn keeping_spans(
    service_name: &str,
    finish: impl FnOnce(
        tower_monitoring::MonitoringBuilder,
    ) -> Result<tower_monitoring::Monitoring, tower_monitoring::Error>,
) -> (
    tower_monitoring::Monitoring,
    opentelemetry_sdk::trace::InMemorySpanExporter,
) {
    let exporter = opentelemetry_sdk::trace::InMemorySpanExporter::default();
    let builder = tower_monitoring::Monitoring::builder()
        .service_name(service_name)
        .sampler(opentelemetry_sdk::trace::Sampler::AlwaysOn)
        .span_exporter(exporter.clone());
    (finish(builder).unwrap(), exporter)
}

/// Collects what this thread logs, as plain-text lines, while it lives.
pub struct LogCapture {
    buffer: Arc<std::sync::Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl LogCapture {
    pub fn start() -> Self {
        let buffer = Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || LogWriter(writer.clone()))
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .finish();
        Self {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }
}

struct LogWriter(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `f` with a [`LogCapture`] and returns what it logged.
pub fn capture_logs(f: impl FnOnce()) -> String {
    let capture = LogCapture::start();
    f();
    capture.text()
}
