use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use opentelemetry::metrics::{Meter, MeterProvider};
use tower_layer::Layer;

use super::instruments::HttpInstruments;
use super::service::MonitoringService;

/// Paths skipped by default: the crate's own endpoints, so scrapes do not count themselves.
pub const DEFAULT_EXCLUDED_PATHS: &[&str] = &[crate::METRICS_PATH];

/// A tower [`Layer`] that records HTTP server metrics for every request.
///
/// Add it with `Router::layer` (not `route_layer`) so that it sees axum's `MatchedPath` and
/// also the requests that match no route. It works on any `Service<http::Request<B>>`.
///
/// The layer is configuration only; cloning it is cheap and every service it wraps shares
/// one set of instruments. Without [`with_meter_provider`](Self::with_meter_provider) the
/// instruments come from the global `MeterProvider`, resolved on the first request, so the
/// layer may be built before the pipeline is installed.
#[derive(Clone, Debug)]
pub struct MonitoringLayer {
    shared: Arc<Shared>,
}

#[derive(Clone, Debug, Default)]
struct Config {
    excluded_paths: Vec<Cow<'static, str>>,
    meter: Option<Meter>,
}

/// State shared by the layer and every service and request it creates.
pub(crate) struct Shared {
    config: Config,
    clock: quanta::Clock,
    instruments: OnceLock<HttpInstruments>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub(crate) fn instruments(&self) -> &HttpInstruments {
        self.instruments.get_or_init(|| match &self.config.meter {
            Some(meter) => HttpInstruments::new(meter, self.clock.clone()),
            None => HttpInstruments::new(
                &opentelemetry::global::meter_with_scope(crate::scope()),
                self.clock.clone(),
            ),
        })
    }

    /// Exact match against the route template, or the raw path when no route matched.
    pub(crate) fn is_excluded(&self, path: &str) -> bool {
        self.config
            .excluded_paths
            .iter()
            .any(|excluded| excluded == path)
    }
}

impl Default for MonitoringLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl MonitoringLayer {
    /// A layer that records into the global `MeterProvider` and skips
    /// [`DEFAULT_EXCLUDED_PATHS`].
    pub fn new() -> Self {
        Self::from_config(Config {
            excluded_paths: DEFAULT_EXCLUDED_PATHS
                .iter()
                .map(|path| Cow::Borrowed(*path))
                .collect(),
            meter: None,
        })
    }

    fn from_config(config: Config) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                // Built here, not on the first request: the TSC clock calibrates on creation.
                clock: quanta::Clock::new(),
                instruments: OnceLock::new(),
            }),
        }
    }

    fn map_config(self, change: impl FnOnce(&mut Config)) -> Self {
        let mut config = self.shared.config.clone();
        change(&mut config);
        Self::from_config(config)
    }

    /// Records into `provider` instead of the global one.
    pub fn with_meter_provider<P: MeterProvider + ?Sized>(self, provider: &P) -> Self {
        let meter = provider.meter_with_scope(crate::scope());
        self.map_config(|config| config.meter = Some(meter))
    }

    /// Also skips `path` (a route template such as `/users/{id}`, or an exact path):
    /// nothing is recorded for it, in-flight count included.
    pub fn exclude_path(self, path: impl Into<Cow<'static, str>>) -> Self {
        let path = path.into();
        self.map_config(|config| config.excluded_paths.push(path))
    }

    /// Replaces the excluded paths; an empty list records every request.
    pub fn excluded_paths<I, P>(self, paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<Cow<'static, str>>,
    {
        let paths = paths.into_iter().map(Into::into).collect();
        self.map_config(|config| config.excluded_paths = paths)
    }
}

impl<S> Layer<S> for MonitoringLayer {
    type Service = MonitoringService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MonitoringService::new(inner, self.shared.clone())
    }
}
