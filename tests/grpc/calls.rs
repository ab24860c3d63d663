//! Unary calls that succeed and fail with several codes, a server stream, a client that
//! cancels, a deadline that passes: the server's and the client's figures, the active
//! gauges back at 0, and spans joined by the `traceparent` the client sent.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use tonic::body::Body;
use tonic::codegen::http;
use tonic_prost::ProstCodec;
use tower::ServiceBuilder;
use tower_monitoring::names::{self, attr};
use tower_monitoring::{GrpcClientLayer, GrpcLayer};

use crate::helloworld::{self, Greeter, GreeterServer, HelloReply, HelloRequest};
use crate::support::{Attributes, HistogramPoint, TestMetrics};

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// Answers by the name: `fail`, `internal`, `unavailable` and `hang` (ten seconds).
struct TestGreeter;

impl Greeter for TestGreeter {
    fn say_hello(
        &self,
        request: tonic::Request<HelloRequest>,
    ) -> BoxFuture<Result<tonic::Response<HelloReply>, tonic::Status>> {
        Box::pin(async move {
            let name = request.into_inner().name;
            match name.as_str() {
                "fail" => Err(tonic::Status::invalid_argument("no")),
                "internal" => Err(tonic::Status::internal("broken")),
                "unavailable" => Err(tonic::Status::unavailable("later")),
                "hang" => {
                    tokio::time::sleep(Duration::from_secs(10)).await;
                    Ok(tonic::Response::new(HelloReply::default()))
                }
                _ => Ok(tonic::Response::new(HelloReply {
                    message: format!("Hello {name}!"),
                })),
            }
        })
    }
}

const COUNT: &str = "/test.Counter/Count";

/// `test.Counter/Count`: as many replies as the name is long, 5 ms apart.
#[derive(Clone)]
struct Counter;

impl tonic::server::NamedService for Counter {
    const NAME: &'static str = "test.Counter";
}

type Replies = Pin<Box<dyn Stream<Item = Result<HelloReply, tonic::Status>> + Send>>;

impl tonic::server::ServerStreamingService<HelloRequest> for Counter {
    type Response = HelloReply;
    type ResponseStream = Replies;
    type Future = BoxFuture<Result<tonic::Response<Replies>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<HelloRequest>) -> Self::Future {
        let n = request.into_inner().name.len();
        Box::pin(async move {
            let replies = futures_util::stream::unfold(0, move |sent| async move {
                (sent < n).then_some(())?;
                tokio::time::sleep(Duration::from_millis(5)).await;
                let reply = HelloReply {
                    message: sent.to_string(),
                };
                Some((Ok(reply), sent + 1))
            });
            Ok(tonic::Response::new(Box::pin(replies) as Replies))
        })
    }
}

impl tower::Service<http::Request<Body>> for Counter {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let counter = self.clone();
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(ProstCodec::default());
            Ok(grpc.server_streaming(counter, request).await)
        })
    }
}

/// A server on loopback under `GrpcLayer`, and a client under `GrpcClientLayer`, each
/// recording into its own provider and tracing into one span store.
struct Harness {
    server: TestMetrics,
    client: TestMetrics,
    spans: opentelemetry_sdk::trace::InMemorySpanExporter,
    tracer: opentelemetry_sdk::trace::SdkTracerProvider,
    grpc: tonic::client::Grpc<tower_monitoring::GrpcService<tonic::transport::Channel>>,
}

async fn harness() -> Harness {
    let server = TestMetrics::new();
    let client = TestMetrics::new();
    let spans = opentelemetry_sdk::trace::InMemorySpanExporter::default();
    let tracer = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let incoming =
        tonic::transport::server::TcpIncoming::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = incoming.local_addr().unwrap();
    let layer = GrpcLayer::new()
        .with_meter_provider(&server.provider)
        .with_tracer_provider(&tracer);
    tokio::spawn(
        tonic::transport::Server::builder()
            .layer(layer)
            .add_service(GreeterServer::new(TestGreeter))
            .add_service(Counter)
            .serve_with_incoming(incoming),
    );
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let channel = ServiceBuilder::new()
        .layer(
            GrpcClientLayer::new()
                .server_address(&addr.to_string())
                .with_meter_provider(&client.provider)
                .with_tracer_provider(&tracer),
        )
        .service(channel);
    Harness {
        server,
        client,
        spans,
        tracer,
        grpc: tonic::client::Grpc::new(channel),
    }
}

fn hello(name: &str) -> tonic::Request<HelloRequest> {
    tonic::Request::new(HelloRequest {
        name: name.to_owned(),
    })
}

fn get<'a>(attributes: &'a Attributes, key: &str) -> Option<&'a str> {
    attributes.get(key).map(String::as_str)
}

/// The points of `metric` whose status code is `code`.
fn with_code(metrics: &TestMetrics, metric: &str, code: &str) -> Vec<HistogramPoint> {
    metrics
        .histogram(metric)
        .into_iter()
        .filter(|point| get(&point.attributes, attr::RPC_RESPONSE_STATUS_CODE) == Some(code))
        .collect()
}

fn active(metrics: &TestMetrics, metric: &str) -> i64 {
    metrics.sum_i64(metric).iter().map(|(_, value)| value).sum()
}

/// Waits for the server to record what the client already has (its body ends a moment
/// after the client read the trailers).
async fn settled(harness: &Harness, calls: u64) {
    for _ in 0..200 {
        let recorded: u64 = harness
            .server
            .histogram(names::RPC_SERVER_CALL_DURATION)
            .iter()
            .map(|point| point.count)
            .sum();
        if recorded >= calls && active(&harness.server, names::RPC_SERVER_ACTIVE_CALLS) == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server did not record {calls} calls");
}

#[tokio::test]
async fn unary_calls_carry_their_method_status_and_error_type_on_both_sides() {
    let mut harness = harness().await;
    let reply = helloworld::say_hello(&mut harness.grpc, hello("ada"))
        .await
        .unwrap();
    assert_eq!(reply.into_inner().message, "Hello ada!");
    for (name, code) in [
        ("fail", tonic::Code::InvalidArgument),
        ("internal", tonic::Code::Internal),
        ("unavailable", tonic::Code::Unavailable),
    ] {
        let status = helloworld::say_hello(&mut harness.grpc, hello(name))
            .await
            .unwrap_err();
        assert_eq!(status.code(), code);
    }
    settled(&harness, 4).await;

    let server = harness.server.histogram(names::RPC_SERVER_CALL_DURATION);
    assert_eq!(server.len(), 4, "{server:#?}");
    for point in &server {
        assert_eq!(get(&point.attributes, attr::RPC_SYSTEM_NAME), Some("grpc"));
        assert_eq!(
            get(&point.attributes, attr::RPC_METHOD),
            Some("helloworld.Greeter/SayHello")
        );
        assert_eq!(point.count, 1);
    }
    let error = |metrics: &TestMetrics, metric: &str, code: &str| {
        let points = with_code(metrics, metric, code);
        assert_eq!(points.len(), 1, "{metric} {code}");
        get(&points[0].attributes, attr::ERROR_TYPE).map(str::to_owned)
    };
    let server_metric = names::RPC_SERVER_CALL_DURATION;
    assert_eq!(error(&harness.server, server_metric, "OK"), None);
    // The caller's mistake is no failure of the server's; its own errors are.
    assert_eq!(
        error(&harness.server, server_metric, "INVALID_ARGUMENT"),
        None
    );
    assert_eq!(
        error(&harness.server, server_metric, "INTERNAL").as_deref(),
        Some("INTERNAL")
    );
    assert_eq!(
        error(&harness.server, server_metric, "UNAVAILABLE").as_deref(),
        Some("UNAVAILABLE")
    );
    // To the client every code but OK failed.
    let client_metric = names::RPC_CLIENT_CALL_DURATION;
    assert_eq!(error(&harness.client, client_metric, "OK"), None);
    assert_eq!(
        error(&harness.client, client_metric, "INVALID_ARGUMENT").as_deref(),
        Some("INVALID_ARGUMENT")
    );
    let client_point = &with_code(&harness.client, client_metric, "OK")[0];
    assert_eq!(
        get(&client_point.attributes, attr::SERVER_ADDRESS),
        Some("127.0.0.1")
    );
    assert!(client_point.attributes.contains_key(attr::SERVER_PORT));

    // One message each way per unary call (errors send none back).
    let sent = with_code(&harness.server, names::RPC_SERVER_CALL_SENT_MESSAGES, "OK");
    assert_eq!((sent[0].count, sent[0].sum), (1, 1.0));
    let received = harness
        .server
        .histogram(names::RPC_SERVER_CALL_RECEIVED_MESSAGES);
    assert_eq!(received.iter().map(|p| p.sum).sum::<f64>(), 4.0);
    let failed = with_code(
        &harness.server,
        names::RPC_SERVER_CALL_SENT_MESSAGES,
        "INTERNAL",
    );
    assert_eq!(failed[0].sum, 0.0);

    assert_eq!(active(&harness.server, names::RPC_SERVER_ACTIVE_CALLS), 0);
    assert_eq!(active(&harness.client, names::RPC_CLIENT_ACTIVE_CALLS), 0);
}

#[tokio::test]
async fn a_server_stream_lasts_to_its_last_message_and_counts_them() {
    let mut harness = harness().await;
    harness.grpc.ready().await.unwrap();
    let path = http::uri::PathAndQuery::from_static(COUNT);
    let mut stream = harness
        .grpc
        .server_streaming::<_, HelloReply, _>(hello("twelve chars"), path, ProstCodec::default())
        .await
        .unwrap()
        .into_inner();
    let mut replies = 0;
    while let Some(_reply) = stream.message().await.unwrap() {
        replies += 1;
    }
    assert_eq!(replies, 12);
    settled(&harness, 1).await;

    let duration = &harness.server.histogram(names::RPC_SERVER_CALL_DURATION)[0];
    assert_eq!(
        get(&duration.attributes, attr::RPC_METHOD),
        Some("test.Counter/Count")
    );
    assert_eq!(
        get(&duration.attributes, attr::RPC_RESPONSE_STATUS_CODE),
        Some("OK")
    );
    assert!(
        duration.sum >= 0.060,
        "12 replies 5 ms apart: the call lasts to the last one, not the head ({} s)",
        duration.sum
    );
    let sent = &harness
        .server
        .histogram(names::RPC_SERVER_CALL_SENT_MESSAGES)[0];
    assert_eq!(sent.sum, 12.0);
    let received = &harness
        .client
        .histogram(names::RPC_CLIENT_CALL_RECEIVED_MESSAGES)[0];
    assert_eq!(received.sum, 12.0);
    let client_sent = &harness
        .client
        .histogram(names::RPC_CLIENT_CALL_SENT_MESSAGES)[0];
    assert_eq!(client_sent.sum, 1.0);
}

#[tokio::test]
async fn a_client_that_cancels_and_a_deadline_that_passes_are_told_apart() {
    let mut harness = harness().await;
    // The client gives up after 50 ms without a deadline: cancelled on both sides.
    let call = helloworld::say_hello(&mut harness.grpc, hello("hang"));
    assert!(
        tokio::time::timeout(Duration::from_millis(50), call)
            .await
            .is_err()
    );
    // With a 50 ms deadline, the server drops the work when it passes.
    let mut request = hello("hang");
    request.set_timeout(Duration::from_millis(50));
    let status = helloworld::say_hello(&mut harness.grpc, request)
        .await
        .unwrap_err();
    assert_ne!(status.code(), tonic::Code::Ok);
    settled(&harness, 2).await;

    let server = names::RPC_SERVER_CALL_DURATION;
    let cancelled = with_code(&harness.server, server, "CANCELLED");
    assert_eq!(
        cancelled.len(),
        1,
        "{:#?}",
        harness.server.histogram(server)
    );
    assert_eq!(
        get(&cancelled[0].attributes, attr::ERROR_TYPE),
        Some("cancelled")
    );
    let deadline = with_code(&harness.server, server, "DEADLINE_EXCEEDED");
    assert_eq!(deadline.len(), 1);
    assert_eq!(
        get(&deadline[0].attributes, attr::ERROR_TYPE),
        Some("DEADLINE_EXCEEDED")
    );

    let client = names::RPC_CLIENT_CALL_DURATION;
    assert_eq!(with_code(&harness.client, client, "CANCELLED").len(), 1);
    assert_eq!(
        with_code(&harness.client, client, "DEADLINE_EXCEEDED").len(),
        1,
        "{:#?}",
        harness.client.histogram(client)
    );
    assert_eq!(active(&harness.server, names::RPC_SERVER_ACTIVE_CALLS), 0);
    assert_eq!(active(&harness.client, names::RPC_CLIENT_ACTIVE_CALLS), 0);
}

#[tokio::test]
async fn methods_the_server_does_not_serve_fold_into_other() {
    let mut harness = harness().await;
    for method in [
        "/helloworld.Greeter/Nope",
        "/scanner.Probe/One",
        "/scanner.Probe/Two",
    ] {
        harness.grpc.ready().await.unwrap();
        let path = http::uri::PathAndQuery::from_maybe_shared(method).unwrap();
        let status = harness
            .grpc
            .unary::<_, HelloReply, _>(hello("x"), path, ProstCodec::default())
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unimplemented);
    }
    settled(&harness, 3).await;
    let points = harness.server.histogram(names::RPC_SERVER_CALL_DURATION);
    assert_eq!(points.len(), 1, "{points:#?}");
    assert_eq!(get(&points[0].attributes, attr::RPC_METHOD), Some("_OTHER"));
    assert_eq!(points[0].count, 3);
    assert_eq!(
        get(&points[0].attributes, attr::ERROR_TYPE),
        Some("UNIMPLEMENTED")
    );
}

#[tokio::test]
async fn the_server_span_continues_the_client_span_through_the_metadata() {
    let mut harness = harness().await;
    helloworld::say_hello(&mut harness.grpc, hello("fail"))
        .await
        .unwrap_err();
    settled(&harness, 1).await;
    harness.tracer.force_flush().unwrap();
    let spans = harness.spans.get_finished_spans().unwrap();
    let server = spans
        .iter()
        .find(|span| span.span_kind == opentelemetry::trace::SpanKind::Server)
        .expect("a server span");
    let client = spans
        .iter()
        .find(|span| span.span_kind == opentelemetry::trace::SpanKind::Client)
        .expect("a client span");
    assert_eq!(server.name, "helloworld.Greeter/SayHello");
    assert_eq!(client.name, "helloworld.Greeter/SayHello");
    assert_eq!(
        server.span_context.trace_id(),
        client.span_context.trace_id()
    );
    assert_eq!(server.parent_span_id, client.span_context.span_id());
    let value = |span: &opentelemetry_sdk::trace::SpanData, key: &str| {
        span.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.to_string())
    };
    assert_eq!(
        value(server, attr::RPC_RESPONSE_STATUS_CODE).as_deref(),
        Some("INVALID_ARGUMENT")
    );
    assert_eq!(
        value(server, attr::ERROR_TYPE),
        None,
        "the caller's mistake"
    );
    assert_eq!(
        value(client, attr::ERROR_TYPE).as_deref(),
        Some("INVALID_ARGUMENT")
    );
    assert_eq!(
        value(server, attr::RPC_SYSTEM_NAME).as_deref(),
        Some("grpc")
    );
}
