//! Tracing, below the layers that make spans: the trace context and how far inbound context
//! is trusted (`propagation.rs`), what server spans are made with (`server_tracer.rs`), the
//! tracer and endpoint prefix `install()` left for layers given nothing else
//! (`installed.rs`), and how spans end (`span_end.rs`). The request being served on a
//! thread is the dependency floor's (`dependency/request_scope.rs`).
//!
//! A ground-floor module: it imports nothing above `names`.

pub(crate) mod installed;
pub(crate) mod propagation;
pub(crate) mod server_tracer;
pub(crate) mod span_end;

pub use propagation::TraceContextTrust;
pub use server_tracer::DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT;
