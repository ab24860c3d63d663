//! [`Monitoring`]: the handle on everything `install()` or `build()` started, composed of
//! the resolved below it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;

use super::resolved::ResolvedSettings;
#[cfg(feature = "axum")]
use crate::ConnectionListener;
use crate::dependency::Dependencies;
use crate::pipeline::Pipelines;
use crate::{Error, MonitoringLayer};

/// The running telemetry of a service. Cloning is cheap; every clone refers to the same
/// pipelines.
///
/// ```no_run
/// use axum::{Router, routing::get};
/// use tower_monitoring::Monitoring;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), tower_monitoring::Error> {
/// let monitoring = Monitoring::builder().service_name("orders").install()?;
/// let app: Router = Router::new()
///     .route("/users/{id}", get(|| async { "user" }))
///     .merge(monitoring.routes())
///     .layer(monitoring.layer());
/// // ... serve `app` until a shutdown signal, then flush what is left:
/// monitoring.shutdown().await?;
/// # Ok(()) }
/// ```
///
/// Dropping the last clone flushes too, blocking for at most the shutdown timeout; awaiting
/// [`shutdown`](Self::shutdown) is better, since it lets the runtime drive the export.
#[derive(Clone, Debug)]
pub struct Monitoring {
    pub(super) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(super) struct Inner {
    pipelines: Pipelines,
    dependencies: Dependencies,
    endpoint_prefix: String,
    #[cfg(feature = "operations")]
    pub(super) operations: Arc<crate::operations::Operations>,
    /// The system metrics' refresh thread and instruments, stopped with the pipelines.
    #[cfg(feature = "system")]
    _system: Option<crate::system::SystemMetrics>,
    shut_down: AtomicBool,
}

impl Monitoring {
    /// Starts the resolved above `pipelines`.
    pub(super) fn assemble(
        pipelines: Pipelines,
        resolved: ResolvedSettings,
    ) -> Result<Self, Error> {
        let tracer = pipelines.server_tracer();
        let dependencies = Dependencies::on_meter(
            &pipelines.meter(),
            tracer.as_ref().map(|server| server.tracer.clone()),
            pipelines.propagation.clone(),
            pipelines.exemplars.as_deref(),
        );
        #[cfg(feature = "operations")]
        let operations = crate::operations::Operations::start(
            resolved.operations,
            resolved.endpoint_prefix.clone(),
            pipelines.metrics.clone(),
            pipelines.export_status.clone(),
            &pipelines.meter(),
            &pipelines.resource,
        )?;
        Ok(Self {
            inner: Arc::new(Inner {
                #[cfg(feature = "system")]
                _system: resolved.system.map(|interval| {
                    crate::system::SystemMetrics::start(&pipelines.meter(), interval)
                }),
                #[cfg(feature = "operations")]
                operations,
                dependencies,
                endpoint_prefix: resolved.endpoint_prefix,
                pipelines,
                shut_down: AtomicBool::new(false),
            }),
        })
    }

    /// The meter provider, for instruments of your own or for
    /// [`MonitoringLayer::with_meter_provider`].
    pub fn meter_provider(&self) -> &SdkMeterProvider {
        &self.inner.pipelines.meter_provider
    }

    /// The tracer provider, when tracing is enabled (an OTLP endpoint or a span exporter is
    /// configured).
    pub fn tracer_provider(&self) -> Option<&SdkTracerProvider> {
        self.inner.pipelines.tracer_provider.as_ref()
    }

    /// The resource every signal carries: `service.name`, `service.version`,
    /// `service.instance.id` and the `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource(&self) -> &Resource {
        &self.inner.pipelines.resource
    }

    /// The prefix of the monitoring endpoints' paths (`""` unless
    /// [configured](crate::MonitoringBuilder::endpoint_prefix)).
    pub fn endpoint_prefix(&self) -> &str {
        &self.inner.endpoint_prefix
    }

    /// A [`MonitoringLayer`] that records into these pipelines, whatever the globals are;
    /// the dependency calls made under its requests record into them too.
    pub fn layer(&self) -> MonitoringLayer {
        let pipelines = &self.inner.pipelines;
        let layer = MonitoringLayer::new()
            .with_meter_provider(self.meter_provider())
            .with_cardinality_limit(pipelines.cardinality_limit)
            .with_exemplars(pipelines.exemplars.clone())
            .with_endpoint_prefix(self.endpoint_prefix())
            .with_dependencies(&self.inner.dependencies);
        match self.tracer_provider() {
            Some(provider) => layer.with_traces(
                provider,
                pipelines.propagation.clone(),
                pipelines.value_length_limit,
            ),
            None => layer.traces(false),
        }
    }

    /// A [`GrpcLayer`](crate::GrpcLayer) for a tonic server, recording into these pipelines
    /// and tracing with their propagators.
    #[cfg(feature = "grpc")]
    pub fn grpc_layer(&self) -> crate::GrpcLayer {
        let layer = crate::GrpcLayer::new().with_meter_provider(self.meter_provider());
        match self.server_tracer() {
            Some(tracer) => layer.with_server_tracer(tracer),
            None => layer.traces(false),
        }
    }

    /// A [`GrpcClientLayer`](crate::GrpcClientLayer) for a tonic channel, recording into
    /// these pipelines and propagating their context.
    #[cfg(feature = "grpc")]
    pub fn grpc_client_layer(&self) -> crate::GrpcClientLayer {
        let layer = crate::GrpcClientLayer::new().with_meter_provider(self.meter_provider());
        match self.server_tracer() {
            Some(tracer) => layer.with_server_tracer(tracer),
            None => layer.traces(false),
        }
    }

    #[cfg(feature = "grpc")]
    fn server_tracer(&self) -> Option<crate::trace::server_tracer::ServerTracer> {
        use opentelemetry::trace::TracerProvider as _;
        let pipelines = &self.inner.pipelines;
        let provider = self.tracer_provider()?;
        Some(crate::trace::server_tracer::ServerTracer {
            tracer: provider.tracer_with_scope(crate::scope()),
            propagation: pipelines.propagation.clone(),
            value_length_limit: pipelines.value_length_limit,
        })
    }

    /// Wraps the listener given to `axum::serve` so it counts open and accepted
    /// connections and how long they stay open, in these pipelines.
    #[cfg(feature = "axum")]
    ///
    /// It also tells the operator endpoints where the application serves: views merged into
    /// this router without a metrics token, on an address that is not loopback, get one
    /// warning at start (see [`routes`](Self::routes)).
    pub fn listener<L>(&self, listener: L) -> ConnectionListener<L>
    where
        L: axum::serve::Listener,
        L::Addr: 'static,
    {
        #[cfg(feature = "operations")]
        if let Ok(address) = listener.local_addr() {
            let address: &dyn std::any::Any = &address;
            if let Some(address) = address.downcast_ref::<std::net::SocketAddr>() {
                self.inner.operations.serving_on(*address);
            }
        }
        ConnectionListener::with_meter_provider(listener, self.meter_provider())
    }

    /// Watches the certificate files the service serves with and exports the seconds until
    /// each expires (refreshed hourly); keep the watch as long as the service runs. See
    /// [`CertificateWatch`](crate::CertificateWatch).
    #[cfg(feature = "certificates")]
    pub fn watch_certificates<P: Into<std::path::PathBuf>>(
        &self,
        files: impl IntoIterator<Item = P>,
    ) -> Result<crate::CertificateWatch, Error> {
        crate::CertificateWatch::start(
            self.meter_provider(),
            files,
            crate::DEFAULT_CERTIFICATE_REFRESH_INTERVAL,
        )
    }

    /// What dependency calls made outside a request of [`layer`](Self::layer) record
    /// through: a job started at boot, a pool registered at start
    /// (`monitoring.dependencies().register_pool(...)`).
    pub fn dependencies(&self) -> &Dependencies {
        &self.inner.dependencies
    }

    /// The current metrics in the Prometheus text exposition format.
    #[cfg(feature = "prometheus")]
    pub fn render_prometheus(&self) -> String {
        self.inner
            .pipelines
            .metrics
            .render_prometheus()
            .unwrap_or_default()
    }

    /// The current metrics in the OpenMetrics text format, with the exemplars of the
    /// duration histograms (what `/metrics` answers `Accept: application/openmetrics-text`);
    /// empty with the scrape switched off.
    #[cfg(feature = "prometheus")]
    pub fn render_open_metrics(&self) -> String {
        self.inner
            .pipelines
            .metrics
            .render_open_metrics()
            .unwrap_or_default()
    }

    /// Flushes the spans and metrics still buffered and stops the pipelines; later
    /// recordings are dropped.
    ///
    /// Returns within the [shutdown timeout](crate::MonitoringBuilder::shutdown_timeout) (5 s by
    /// default) even when the collector is unreachable or never answers, with a timeout
    /// error in that case. Calling it again returns at once.
    pub async fn shutdown(&self) -> Result<(), Error> {
        if self.inner.shut_down.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        self.inner.pipelines.shutdown().await
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if !self.shut_down.swap(true, Ordering::AcqRel) {
            let _ = self.pipelines.shutdown_blocking();
        }
    }
}
