//! Installing the pipelines as the process's OpenTelemetry globals and its `tracing`
//! subscriber.

use super::pipelines::Pipelines;
use super::settings::Settings;
use super::vars::Vars;
use crate::Error;

/// Builds the pipelines and makes them the OpenTelemetry globals (meter provider, tracer
/// provider, propagators), and sets the `tracing` subscriber unless told not to. Nothing
/// global changes when it fails.
pub(crate) fn install(settings: Settings, vars: &impl Vars) -> Result<Pipelines, Error> {
    #[cfg(feature = "subscriber")]
    let logs = super::logs::Resolved::from(&settings.logs, vars)?;
    // The meter provider goes global first: the span processor built next finds its
    // queue-full counter through the global meter provider.
    let pipelines = Pipelines::build(settings, vars, |meter_provider| {
        opentelemetry::global::set_meter_provider(meter_provider.clone());
    })?;
    #[cfg(feature = "subscriber")]
    if let Some(logs) = logs {
        let tracer = pipelines.tracer_provider.as_ref().map(|provider| {
            opentelemetry::trace::TracerProvider::tracer_with_scope(provider, crate::scope())
        });
        if let Err(err) = logs.install(tracer) {
            let _ = pipelines.shutdown_blocking();
            return Err(err);
        }
    }
    pipelines.announce();
    if let Some(tracer_provider) = &pipelines.tracer_provider {
        opentelemetry::global::set_tracer_provider(tracer_provider.clone());
    }
    opentelemetry::global::set_text_map_propagator(pipelines.propagation.clone());
    Ok(pipelines)
}
