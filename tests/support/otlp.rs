//! A real OTLP receiver for the tests, built from the official protobufs
//! (`opentelemetry-proto`): the tonic `TraceService` and `MetricsService` for gRPC, and HTTP
//! handlers that decode `ExportTraceServiceRequest` and `ExportMetricsServiceRequest` for
//! HTTP/protobuf. It listens on a loopback port and keeps every span and metric it
//! receives, flattened for assertions.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use prost::Message;
use tokio::net::TcpListener;

/// One received span, with what the tests look at.
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    pub name: String,
    pub trace_id: String,
    pub span_id: String,
    /// Empty for a root span.
    pub parent_span_id: String,
    /// `SPAN_KIND_SERVER`, `SPAN_KIND_INTERNAL`, ...
    pub kind: String,
    /// `STATUS_CODE_UNSET`, `STATUS_CODE_ERROR`, ...
    pub status: String,
    pub attributes: BTreeMap<String, String>,
    pub resource: BTreeMap<String, String>,
}

impl ReceivedSpan {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

/// One data point of a received metric.
#[derive(Debug, Clone)]
pub struct ReceivedPoint {
    pub attributes: BTreeMap<String, String>,
    /// The count of a histogram point.
    pub count: Option<u64>,
    /// The value of a sum or gauge point, or the sum of a histogram point.
    pub value: f64,
    /// The trace ids of its exemplars, in hex.
    pub exemplar_trace_ids: Vec<String>,
}

impl ReceivedPoint {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

/// One metric of one export, with what the tests look at.
#[derive(Debug, Clone)]
pub struct ReceivedMetric {
    pub name: String,
    pub unit: String,
    /// `histogram`, `exponential_histogram`, `sum`, `gauge`.
    pub kind: &'static str,
    /// `AGGREGATION_TEMPORALITY_CUMULATIVE`, `..._DELTA`, empty for a gauge.
    pub temporality: String,
    pub points: Vec<ReceivedPoint>,
    pub resource: BTreeMap<String, String>,
}

/// The spans and metrics received so far, shared by both transports.
#[derive(Debug, Clone, Default)]
pub struct Received {
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
    metrics: Arc<Mutex<Vec<ReceivedMetric>>>,
}

impl Received {
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().unwrap().clone()
    }

    /// Every metric of every export, in the order received.
    pub fn metrics(&self) -> Vec<ReceivedMetric> {
        self.metrics.lock().unwrap().clone()
    }

    /// The metric `name` of the last export that carried it.
    pub fn last_metric(&self, name: &str) -> Option<ReceivedMetric> {
        self.metrics()
            .into_iter()
            .rev()
            .find(|metric| metric.name == name)
    }

    pub fn clear(&self) {
        self.spans.lock().unwrap().clear();
        self.metrics.lock().unwrap().clear();
    }

    fn add_metrics(&self, request: ExportMetricsServiceRequest) {
        use opentelemetry_proto::tonic::metrics::v1::metric::Data;
        let mut metrics = self.metrics.lock().unwrap();
        for resource_metrics in request.resource_metrics {
            let resource = resource_metrics
                .resource
                .map(|resource| flatten(resource.attributes))
                .unwrap_or_default();
            for scope_metrics in resource_metrics.scope_metrics {
                for metric in scope_metrics.metrics {
                    let number =
                        |point: &opentelemetry_proto::tonic::metrics::v1::NumberDataPoint| {
                            use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value;
                            ReceivedPoint {
                                attributes: flatten(point.attributes.clone()),
                                count: None,
                                value: match point.value {
                                    Some(Value::AsDouble(value)) => value,
                                    Some(Value::AsInt(value)) => value as f64,
                                    None => f64::NAN,
                                },
                                exemplar_trace_ids: point
                                    .exemplars
                                    .iter()
                                    .map(|e| hex(&e.trace_id))
                                    .collect(),
                            }
                        };
                    let (kind, temporality, points) = match &metric.data {
                        Some(Data::Histogram(histogram)) => (
                            "histogram",
                            histogram.aggregation_temporality().as_str_name().to_owned(),
                            histogram
                                .data_points
                                .iter()
                                .map(|point| {
                                    let (count, sum) = (point.count, point.sum);
                                    counted(&point.attributes, count, sum, &point.exemplars)
                                })
                                .collect(),
                        ),
                        Some(Data::ExponentialHistogram(histogram)) => (
                            "exponential_histogram",
                            histogram.aggregation_temporality().as_str_name().to_owned(),
                            histogram
                                .data_points
                                .iter()
                                .map(|point| {
                                    let (count, sum) = (point.count, point.sum);
                                    counted(&point.attributes, count, sum, &point.exemplars)
                                })
                                .collect(),
                        ),
                        Some(Data::Sum(sum)) => (
                            "sum",
                            sum.aggregation_temporality().as_str_name().to_owned(),
                            sum.data_points.iter().map(number).collect(),
                        ),
                        Some(Data::Gauge(gauge)) => (
                            "gauge",
                            String::new(),
                            gauge.data_points.iter().map(number).collect(),
                        ),
                        _ => ("other", String::new(), Vec::new()),
                    };
                    metrics.push(ReceivedMetric {
                        name: metric.name,
                        unit: metric.unit,
                        kind,
                        temporality,
                        points,
                        resource: resource.clone(),
                    });
                }
            }
        }
    }

    fn add(&self, request: ExportTraceServiceRequest) {
        let mut spans = self.spans.lock().unwrap();
        for resource_spans in request.resource_spans {
            let resource = resource_spans
                .resource
                .map(|resource| flatten(resource.attributes))
                .unwrap_or_default();
            for scope_spans in resource_spans.scope_spans {
                for span in scope_spans.spans {
                    spans.push(ReceivedSpan {
                        kind: span.kind().as_str_name().to_owned(),
                        status: span
                            .status
                            .as_ref()
                            .map(|status| status.code().as_str_name().to_owned())
                            .unwrap_or_default(),
                        name: span.name,
                        trace_id: hex(&span.trace_id),
                        span_id: hex(&span.span_id),
                        parent_span_id: hex(&span.parent_span_id),
                        attributes: flatten(span.attributes),
                        resource: resource.clone(),
                    });
                }
            }
        }
    }
}

/// A histogram point of either kind, as the tests look at it.
fn counted(
    attributes: &[opentelemetry_proto::tonic::common::v1::KeyValue],
    count: u64,
    sum: Option<f64>,
    exemplars: &[opentelemetry_proto::tonic::metrics::v1::Exemplar],
) -> ReceivedPoint {
    ReceivedPoint {
        attributes: flatten(attributes.to_vec()),
        count: Some(count),
        value: sum.unwrap_or_default(),
        exemplar_trace_ids: exemplars.iter().map(|e| hex(&e.trace_id)).collect(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn flatten(
    attributes: Vec<opentelemetry_proto::tonic::common::v1::KeyValue>,
) -> BTreeMap<String, String> {
    attributes
        .into_iter()
        .map(|kv| (kv.key, kv.value.map(render).unwrap_or_default()))
        .collect()
}

fn render(value: AnyValue) -> String {
    match value.value {
        Some(any_value::Value::StringValue(s)) => s,
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        other => format!("{other:?}"),
    }
}

/// How a receiver answers an export: as a healthy collector, slowly, or refusing it the way
/// an overloaded one does (503 or 429 with `Retry-After`; over gRPC `UNAVAILABLE` or
/// `RESOURCE_EXHAUSTED`).
#[derive(Debug, Clone, Copy, Default)]
pub enum Answer {
    #[default]
    Accept,
    /// Accepts after this long.
    Slowly(std::time::Duration),
    /// Refuses with this HTTP status (503 or 429) and `Retry-After: 1`.
    Refuse(u16),
}

/// A receiver listening on both transports, on a runtime of its own: stopping it drops that
/// runtime, which closes every connection as a collector that dies does.
pub struct Receiver {
    pub received: Received,
    pub grpc: SocketAddr,
    pub http: SocketAddr,
    /// Exports refused so far.
    pub refused: Arc<std::sync::atomic::AtomicUsize>,
    runtime: Option<tokio::runtime::Runtime>,
}

#[derive(Clone)]
struct Service {
    received: Received,
    answer: Answer,
    refused: Arc<std::sync::atomic::AtomicUsize>,
}

impl Service {
    /// [`answer`](Self::answer) as a gRPC status: `RESOURCE_EXHAUSTED` for a 429,
    /// `UNAVAILABLE` for a 503.
    async fn grpc_answer(&self) -> Result<(), tonic::Status> {
        match self.answer().await {
            Some(429) => Err(tonic::Status::resource_exhausted("slow down")),
            Some(_) => Err(tonic::Status::unavailable("overloaded")),
            None => Ok(()),
        }
    }

    /// Waits as the answer says; `Some(status)` when the export is to be refused.
    async fn answer(&self) -> Option<u16> {
        match self.answer {
            Answer::Accept => None,
            Answer::Slowly(delay) => {
                tokio::time::sleep(delay).await;
                None
            }
            Answer::Refuse(status) => {
                self.refused
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Some(status)
            }
        }
    }
}

impl Receiver {
    pub async fn start() -> Self {
        Self::answering(Answer::Accept).await
    }

    pub async fn answering(answer: Answer) -> Self {
        let grpc = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let http = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        Self::serve(grpc, http, Received::default(), answer, None)
    }

    /// A receiver speaking TLS only, with the server certificate of `pki`; with
    /// `require_client`, only to clients presenting a certificate of its authority.
    pub async fn with_tls(pki: &super::tls::Pki, require_client: bool) -> Self {
        let grpc = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let http = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let tls = Tls {
            grpc: {
                use tonic::transport::{Certificate, Identity, ServerTlsConfig};
                let config = ServerTlsConfig::new()
                    .identity(Identity::from_pem(&pki.server_pem, &pki.server_key_pem));
                if require_client {
                    config.client_ca_root(Certificate::from_pem(&pki.ca_pem))
                } else {
                    config
                }
            },
            http: pki.server_config(require_client),
        };
        Self::serve(grpc, http, Received::default(), Answer::Accept, Some(tls))
    }

    /// A receiver on the ports a stopped one used, adding to what it `received`: a
    /// collector restarted.
    pub async fn start_on(grpc: SocketAddr, http: SocketAddr, received: Received) -> Self {
        let grpc = bind_again(grpc).await;
        let http = bind_again(http).await;
        Self::serve(grpc, http, received, Answer::Accept, None)
    }

    fn serve(
        grpc_listener: std::net::TcpListener,
        http_listener: std::net::TcpListener,
        received: Received,
        answer: Answer,
        tls: Option<Tls>,
    ) -> Self {
        let grpc = grpc_listener.local_addr().unwrap();
        let http = http_listener.local_addr().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let _entered = runtime.enter();
        let listen = |listener: std::net::TcpListener| {
            listener.set_nonblocking(true).unwrap();
            TcpListener::from_std(listener).unwrap()
        };
        let (grpc_listener, http_listener) = (listen(grpc_listener), listen(http_listener));
        let refused = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let service = Service {
            received: received.clone(),
            answer,
            refused: refused.clone(),
        };
        // Collectors compress by default (rotel does); real receivers accept it.
        let grpc_service = TraceServiceServer::new(Grpc(service.clone()))
            .accept_compressed(tonic::codec::CompressionEncoding::Gzip);
        let grpc_metrics = MetricsServiceServer::new(Grpc(service.clone()))
            .accept_compressed(tonic::codec::CompressionEncoding::Gzip);
        let (grpc_tls, http_tls) = tls.map(|tls| (tls.grpc, tls.http)).unzip();
        let mut server = tonic::transport::Server::builder();
        if let Some(config) = grpc_tls {
            server = server.tls_config(config).expect("gRPC TLS configuration");
        }
        tokio::spawn(async move {
            server
                .add_service(grpc_service)
                .add_service(grpc_metrics)
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(grpc_listener))
                .await
                .expect("gRPC receiver");
        });
        let app = axum::Router::new()
            .route("/v1/traces", axum::routing::post(http_export))
            .route("/v1/metrics", axum::routing::post(http_export_metrics))
            .with_state(service);
        tokio::spawn(async move {
            match http_tls {
                Some(config) => super::tls::serve_https(http_listener, config, app).await,
                None => axum::serve(http_listener, app)
                    .await
                    .expect("HTTP receiver"),
            }
        });
        drop(_entered);
        Self {
            received,
            grpc,
            http,
            refused,
            runtime: Some(runtime),
        }
    }

    pub fn grpc_endpoint(&self) -> String {
        format!("http://{}", self.grpc)
    }

    pub fn http_endpoint(&self) -> String {
        format!("http://{}", self.http)
    }

    /// The endpoint of a receiver started `with_tls`.
    pub fn https_endpoint(&self, protocol: &str) -> String {
        match protocol {
            "grpc" => format!("https://{}", self.grpc),
            _ => format!("https://{}", self.http),
        }
    }

    /// Stops: open connections are closed and new ones refused from now on.
    pub fn stop(self) {}
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Binds `addr` again once the stopped server has let it go.
async fn bind_again(addr: SocketAddr) -> std::net::TcpListener {
    for _ in 0..200 {
        if let Ok(listener) = std::net::TcpListener::bind(addr) {
            return listener;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{addr} could not be bound again");
}

/// The server sides of TLS: tonic's for gRPC, rustls's for HTTP.
struct Tls {
    grpc: tonic::transport::ServerTlsConfig,
    http: tokio_rustls::rustls::ServerConfig,
}

struct Grpc(Service);

#[tonic::async_trait]
impl TraceService for Grpc {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.0.grpc_answer().await?;
        self.0.received.add(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

#[tonic::async_trait]
impl MetricsService for Grpc {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        self.0.grpc_answer().await?;
        self.0.received.add_metrics(request.into_inner());
        Ok(tonic::Response::new(ExportMetricsServiceResponse {
            partial_success: None,
        }))
    }
}

async fn http_export_metrics(
    State(service): State<Service>,
    body: Bytes,
) -> axum::response::Response {
    let response = ExportMetricsServiceResponse {
        partial_success: None,
    };
    http_answer(&service, body, response, Received::add_metrics).await
}

async fn http_export(State(service): State<Service>, body: Bytes) -> axum::response::Response {
    let response = ExportTraceServiceResponse {
        partial_success: None,
    };
    http_answer(&service, body, response, Received::add).await
}

/// Answers an HTTP/protobuf export as the receiver is told to: refused, or the request
/// decoded, kept by `keep` and acknowledged with `response`.
async fn http_answer<Q: Message + Default, A: Message>(
    service: &Service,
    body: Bytes,
    response: A,
    keep: fn(&Received, Q),
) -> axum::response::Response {
    if let Some(status) = service.answer().await {
        let status = StatusCode::from_u16(status).unwrap();
        return (status, [(header::RETRY_AFTER, "1")], "try again later").into_response();
    }
    match Q::decode(body) {
        Ok(request) => {
            keep(&service.received, request);
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/x-protobuf")],
                response.encode_to_vec(),
            )
                .into_response()
        }
        Err(err) => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain")],
            format!("not an export request: {err}").into_bytes(),
        )
            .into_response(),
    }
}

/// A listener that accepts connections and never answers: the worst collector there is.
pub async fn black_hole() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (addr, task)
}

/// A loopback port with nothing listening on it, free for a server to bind.
pub fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}
