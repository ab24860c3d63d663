//! tonic's canonical hello-world service (package `helloworld`, service `Greeter`,
//! `SayHello(HelloRequest { name }) -> HelloReply { message }`), written out as
//! tonic-prost-build would generate it from `helloworld.proto`, so that building the
//! example needs no `protoc`.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::body::Body;
use tonic::codegen::http;
use tonic_prost::ProstCodec;

/// The method's path, as clients call it.
pub const SAY_HELLO: &str = "/helloworld.Greeter/SayHello";

#[derive(Clone, PartialEq, prost::Message)]
pub struct HelloRequest {
    #[prost(string, tag = "1")]
    pub name: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct HelloReply {
    #[prost(string, tag = "1")]
    pub message: String,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What a Greeter does.
pub trait Greeter: Send + Sync + 'static {
    fn say_hello(
        &self,
        request: tonic::Request<HelloRequest>,
    ) -> BoxFuture<Result<tonic::Response<HelloReply>, tonic::Status>>;
}

/// The server side: routes `SayHello` to a [`Greeter`], and answers `UNIMPLEMENTED` to
/// anything else.
pub struct GreeterServer<T>(Arc<T>);

impl<T> GreeterServer<T> {
    pub fn new(greeter: T) -> Self {
        Self(Arc::new(greeter))
    }
}

impl<T> Clone for GreeterServer<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> tonic::server::NamedService for GreeterServer<T> {
    const NAME: &'static str = "helloworld.Greeter";
}

struct SayHello<T>(Arc<T>);

impl<T: Greeter> tonic::server::UnaryService<HelloRequest> for SayHello<T> {
    type Response = HelloReply;
    type Future = BoxFuture<Result<tonic::Response<HelloReply>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<HelloRequest>) -> Self::Future {
        self.0.say_hello(request)
    }
}

impl<T: Greeter> tower_service::Service<http::Request<Body>> for GreeterServer<T> {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let greeter = self.0.clone();
        match request.uri().path() {
            SAY_HELLO => Box::pin(async move {
                let mut grpc = tonic::server::Grpc::new(ProstCodec::default());
                Ok(grpc.unary(SayHello(greeter), request).await)
            }),
            _ => Box::pin(async { Ok(tonic::Status::unimplemented("").into_http()) }),
        }
    }
}

/// The client side: `SayHello` over any gRPC service (a tonic `Channel`, layered or not).
pub async fn say_hello<T>(
    grpc: &mut tonic::client::Grpc<T>,
    request: tonic::Request<HelloRequest>,
) -> Result<tonic::Response<HelloReply>, tonic::Status>
where
    T: tonic::client::GrpcService<Body>,
    T::Error: Into<tonic::codegen::StdError>,
    T::ResponseBody: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    <T::ResponseBody as http_body::Body>::Error: Into<tonic::codegen::StdError> + Send,
{
    grpc.ready()
        .await
        .map_err(|err| tonic::Status::unavailable(err.into().to_string()))?;
    let path = http::uri::PathAndQuery::from_static(SAY_HELLO);
    grpc.unary(request, path, ProstCodec::default()).await
}
