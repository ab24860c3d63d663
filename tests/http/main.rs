//! Inbound HTTP: the layer's metrics, spans, bodies, completion and cancellation, hostile input.
//!
//! One test binary per floor: each module below was a binary of its own.

#[path = "../support/mod.rs"]
mod support;

mod body_sizes;
mod classify;
mod completion;
mod connections;
mod custom_attributes;
mod fuzz_corpus;
mod hostile_requests;
mod http_metrics;
mod in_flight;
mod named_after_routing;
mod panics;
mod server_spans;
mod streaming;
mod tower_service;
