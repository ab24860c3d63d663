//! gRPC calls on the stable RPC semantic conventions (1.45): [`GrpcLayer`] for servers,
//! [`GrpcClientLayer`] for clients, and the classifiers that read `grpc-status`.
//!
//! A gRPC call is an HTTP/2 POST answered `200` whatever happened; its outcome is the
//! `grpc-status` in the trailers (or in the head of a trailers-only answer). The layers read
//! it there, count the length-prefixed messages of both streams as they pass, and record
//! when the response stream ends, so a streaming call's duration runs to its last message.
//! Message counting needs a request body the layer can rebuild (tonic's, or axum's); with
//! another body type the request side's count is not recorded.

mod call;
mod classify;
mod code;
mod layer;
mod messages;
mod method;
mod series;
mod service;

pub use classify::{GrpcClientErrors, GrpcServerErrors};
pub use layer::{GrpcClientLayer, GrpcLayer};
pub use service::{GrpcBody, GrpcFuture, GrpcService};
