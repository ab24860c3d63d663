//! gRPC: a real tonic server and client over loopback, under `GrpcLayer` and
//! `GrpcClientLayer`; the example's Greeter.
//!
//! One test binary per floor, like `tests/http`.

#![cfg(feature = "grpc")]

#[path = "../support/mod.rs"]
mod support;

#[path = "../../examples/grpc/helloworld.rs"]
mod helloworld;

mod calls;
mod example;
