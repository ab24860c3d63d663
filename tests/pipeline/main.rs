//! The pipelines: providers, OTLP export over gRPC, HTTP and TLS, a real collector, logs.
//!
//! One test binary per floor: each module below was a binary of its own.

#[path = "../support/mod.rs"]
mod support;

mod cardinality;
mod conflicts;
mod exemplars;
mod json_logs;
mod metric_names;
mod metrics_push;
mod otlp_tls;
mod pipeline;
mod rotel;
mod semantic_conventions;
mod traces_otlp;
