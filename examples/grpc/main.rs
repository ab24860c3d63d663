//! tonic's hello-world Greeter under the gRPC layer: every call recorded on the stable RPC
//! semantic conventions (`rpc.server.call.duration`, `rpc.method`,
//! `rpc.response.status_code`), with a server span per call.
//!
//! ```sh
//! cargo run --example grpc                  # PORT (50051) and METRICS_PORT (9464) to move it
//! grpcurl -plaintext -d '{"name":"ada"}' 127.0.0.1:50051 helloworld.Greeter/SayHello
//! curl localhost:9464/metrics | grep rpc_server
//! ```
//!
//! A request whose name is `fail` answers `INVALID_ARGUMENT`. The service has no reflection,
//! so grpcurl needs `-proto helloworld.proto` (tonic's examples have it) or use any
//! generated client.

mod helloworld;

use helloworld::{Greeter, GreeterServer, HelloReply, HelloRequest};
use tower_monitoring::Monitoring;

struct MyGreeter;

impl Greeter for MyGreeter {
    fn say_hello(
        &self,
        request: tonic::Request<HelloRequest>,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<tonic::Response<HelloReply>, tonic::Status>>
                + Send,
        >,
    > {
        Box::pin(async move {
            let name = request.into_inner().name;
            if name == "fail" {
                return Err(tonic::Status::invalid_argument(
                    "the name `fail` is refused",
                ));
            }
            tracing::info!(%name, "greeting");
            Ok(tonic::Response::new(HelloReply {
                message: format!("Hello {name}!"),
            }))
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let monitoring = Monitoring::builder()
        .service_name("grpc-greeter")
        .service_version(env!("CARGO_PKG_VERSION"))
        .install()?;

    let port = std::env::var("PORT").unwrap_or_else(|_| "50051".to_owned());
    let metrics_port = std::env::var("METRICS_PORT").unwrap_or_else(|_| "9464".to_owned());
    // gRPC has no room for /metrics: the operator endpoints get a port of their own.
    let metrics = monitoring
        .serve_metrics(format!("127.0.0.1:{metrics_port}"))
        .await?;
    let incoming =
        tonic::transport::server::TcpIncoming::bind(format!("127.0.0.1:{port}").parse()?)?;
    tracing::info!(
        address = %incoming.local_addr()?,
        metrics = %metrics.local_addr(),
        "serving helloworld.Greeter"
    );
    tonic::transport::Server::builder()
        .layer(monitoring.grpc_layer())
        .add_service(GreeterServer::new(MyGreeter))
        .serve_with_incoming_shutdown(incoming, tower_monitoring::shutdown_signal())
        .await?;
    if let Err(err) = monitoring.shutdown().await {
        tracing::warn!(%err, "telemetry was not flushed");
    }
    Ok(())
}
