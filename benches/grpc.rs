//! Overhead per call of `GrpcLayer` on tonic's hello-world Greeter: the service called
//! in-process with a framed `HelloRequest`, its response stream read to the trailers, so the
//! layer does its whole per-call work (method, message counts, status from the trailers,
//! the records). `bare_tonic` is the Greeter alone; `grpc_layer` records into a real
//! pipeline (the Prometheus exporter's reader); `grpc_layer_traces_sampler_off` adds the
//! span machinery with the sampler dropping every span; `monitoring_layer_on_grpc` is the
//! HTTP layer on the same calls, which is what a tonic service had before (every call a
//! `POST` answered 200).
//!
//! ```sh
//! cargo bench --bench grpc
//! ```
//!
//! 2026-12-08, 2 shared cores, two runs (`--warm-up-time 2 --measurement-time 5`): bare
//! 1 302 / 1 295 ns; `grpc_layer` +720 / +613 ns; with spans, sampler off, +981 / +1 046 ns;
//! `monitoring_layer_on_grpc` +572 / +429 ns.

use bytes::{BufMut, Bytes, BytesMut};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use prost::Message;
use tonic::body::Body;
use tower::{Layer, Service, ServiceExt};
use tower_monitoring::{GrpcLayer, Monitoring};

#[path = "../examples/grpc/helloworld.rs"]
mod helloworld;

use helloworld::{Greeter, GreeterServer, HelloReply, HelloRequest};

struct BenchGreeter;

impl Greeter for BenchGreeter {
    fn say_hello(
        &self,
        request: tonic::Request<HelloRequest>,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<tonic::Response<HelloReply>, tonic::Status>>
                + Send,
        >,
    > {
        let name = request.into_inner().name;
        Box::pin(async move {
            Ok(tonic::Response::new(HelloReply {
                message: format!("Hello {name}!"),
            }))
        })
    }
}

/// `HelloRequest { name: "ada" }` as one gRPC message: flag, length, protobuf.
fn framed_request() -> Bytes {
    let message = HelloRequest {
        name: "ada".to_owned(),
    }
    .encode_to_vec();
    let mut framed = BytesMut::with_capacity(5 + message.len());
    framed.put_u8(0);
    framed.put_u32(message.len() as u32);
    framed.put_slice(&message);
    framed.freeze()
}

fn request(body: &Bytes) -> http::Request<Body> {
    http::Request::post(helloworld::SAY_HELLO)
        .version(http::Version::HTTP_2)
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(Body::new(http_body_util::Full::new(body.clone())))
        .expect("valid request")
}

async fn call<S, B>(service: &S, body: &Bytes)
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let response = service
        .clone()
        .oneshot(request(body))
        .await
        .expect("answered");
    let collected = response.into_body().collect().await.expect("body");
    assert!(
        collected.trailers().is_some(),
        "the call ends with its status"
    );
    std::hint::black_box(collected);
}

fn grpc(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let body = framed_request();
    let monitoring = Monitoring::builder()
        .service_name("bench")
        .build()
        .expect("pipeline");
    let bare = GreeterServer::new(BenchGreeter);
    let layered = monitoring
        .grpc_layer()
        .traces(false)
        .layer(GreeterServer::new(BenchGreeter));
    let tracer = SdkTracerProvider::builder()
        .with_sampler(Sampler::AlwaysOff)
        .build();
    let traced = GrpcLayer::new()
        .with_meter_provider(monitoring.meter_provider())
        .with_tracer_provider(&tracer)
        .layer(GreeterServer::new(BenchGreeter));
    let http = monitoring
        .layer()
        .traces(false)
        .layer(GreeterServer::new(BenchGreeter));

    let mut group = c.benchmark_group("grpc");
    group.bench_function("bare_tonic", |b| {
        b.to_async(&runtime).iter(|| call(&bare, &body))
    });
    group.bench_function("grpc_layer", |b| {
        b.to_async(&runtime).iter(|| call(&layered, &body))
    });
    group.bench_function("grpc_layer_traces_sampler_off", |b| {
        b.to_async(&runtime).iter(|| call(&traced, &body))
    });
    group.bench_function("monitoring_layer_on_grpc", |b| {
        b.to_async(&runtime).iter(|| call(&http, &body))
    });
    group.finish();

    let text = monitoring.render_prometheus();
    assert!(
        text.contains("rpc_method=\"helloworld.Greeter/SayHello\""),
        "the calls were recorded"
    );
}

criterion_group!(benches, grpc);
criterion_main!(benches);
