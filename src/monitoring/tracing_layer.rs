//! [`Monitoring::tracing_layer`] (feature `subscriber`): the bridge to these pipelines'
//! tracer, for a service that composes its own `tracing` subscriber.

use opentelemetry::trace::TracerProvider;
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::registry::LookupSpan;

use super::handle::Monitoring;

impl Monitoring {
    /// The layer that nests handler spans (`#[tracing::instrument]`) under the request's
    /// server span, made with these pipelines' tracer; it does nothing when they do not
    /// trace. For a subscriber set up before the pipelines exist, use
    /// [`tracing_layer`](crate::tracing_layer), which finds the installed tracer by itself.
    pub fn tracing_layer<S>(&self) -> impl Layer<S>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        self.tracer_provider()
            .map(|provider| crate::bridge_layer(provider.tracer_with_scope(crate::scope())))
    }
}
