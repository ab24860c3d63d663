//! What a layer shares with every service it wraps and every request they serve: its
//! configuration, the clock, and what it resolves on first use (its route table, its
//! tracer, its dependency handle, its default exclusions).

use std::sync::{Arc, OnceLock};

use opentelemetry::metrics::Meter;

use super::custom::CustomSpec;
use super::exclusions::Exclusions;
use super::labels::UrlScheme;
use super::operation::{DEFAULT_MAX_OPERATIONS, FallbackRoute};
use super::route_table::{RouteTable, TableOptions};
use crate::TraceContextTrust;
use crate::classify::Classify;
use crate::dependency::Dependencies;
use crate::exemplars::Exemplars;
use crate::trace::propagation::{Inbound, Propagation};
use crate::trace::server_tracer::ServerTracer;

#[derive(Clone, Default)]
pub(crate) struct Config {
    pub(crate) exclusions: Exclusions,
    pub(crate) meter: Option<Meter>,
    pub(crate) traces: Traces,
    /// Set by `traces(false)`: metrics only, whatever `traces` says.
    pub(crate) traces_off: bool,
    /// Set on this layer, over what its tracer came with.
    pub(crate) overrides: TraceOverrides,
    /// Where the dependency calls made under its requests record; `None` makes one on
    /// [`meter`](Self::meter) when there is one, else leaves them to the global fallback.
    pub(crate) dependencies: Option<Dependencies>,
    pub(crate) record_query: bool,
    pub(crate) url_scheme: UrlScheme,
    /// `None` for [`ServerErrors`](crate::classify::ServerErrors).
    pub(crate) classifier: Option<Arc<dyn Classify>>,
    /// Templates for the answers of a fallback service, by path prefix.
    pub(crate) fallbacks: Vec<FallbackRoute>,
    /// `None` for the default cap on named operations.
    pub(crate) max_operations: Option<usize>,
    /// Labels the application reads from the request, with the values each may take.
    pub(crate) custom: Vec<CustomSpec>,
    /// The cardinality limit of [`meter`](Self::meter)'s provider; `None` for the installed
    /// pipelines' when recording through the global provider, else the SDK's default.
    pub(crate) cardinality_limit: Option<usize>,
    /// Where the exemplars of [`meter`](Self::meter)'s provider are kept; `None` for the
    /// installed pipelines' when recording through the global provider, else none.
    pub(crate) exemplars: Option<Arc<Exemplars>>,
    pub(crate) streaming_routes: Vec<Box<str>>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("exclusions", &self.exclusions)
            .field("traces", &self.traces)
            .field("traces_off", &self.traces_off)
            .field("overrides", &self.overrides)
            .field("dependencies", &self.dependencies)
            .field("record_query", &self.record_query)
            .field("url_scheme", &self.url_scheme)
            .field("classified", &self.classifier.is_some())
            .field("fallbacks", &self.fallbacks)
            .field("max_operations", &self.max_operations)
            .field("custom", &self.custom)
            .field("streaming_routes", &self.streaming_routes)
            .finish_non_exhaustive()
    }
}

/// Where server spans come from.
#[derive(Clone, Debug, Default)]
pub(crate) enum Traces {
    /// The tracer of the installed pipelines, if any.
    #[default]
    Installed,
    Tracer(ServerTracer),
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TraceOverrides {
    pub(crate) trace_context: Option<TraceContextTrust>,
    pub(crate) baggage: Option<bool>,
    pub(crate) value_length_limit: Option<usize>,
}

impl TraceOverrides {
    fn apply(self, mut tracer: ServerTracer) -> ServerTracer {
        let inbound = tracer.propagation.inbound();
        let wanted = Inbound {
            trace_context: self.trace_context.unwrap_or(inbound.trace_context),
            baggage: self.baggage.unwrap_or(inbound.baggage),
        };
        if wanted != inbound {
            tracer.propagation = tracer.propagation.with_inbound(wanted);
        }
        if let Some(limit) = self.value_length_limit {
            tracer.value_length_limit = limit;
        }
        tracer
    }
}

/// State shared by the layer and every service and request it creates.
pub(crate) struct Shared {
    config: Config,
    clock: quanta::Clock,
    routes: OnceLock<RouteTable>,
    tracer: OnceLock<Option<ServerTracer>>,
    dependencies: OnceLock<Option<Dependencies>>,
    /// The default excluded paths under the endpoint prefix, resolved on first use.
    default_exclusions: OnceLock<Vec<String>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub(crate) fn new(config: Config) -> Self {
        Self {
            config,
            // Built here, not on the first request: the TSC clock calibrates on creation.
            clock: quanta::Clock::new(),
            routes: OnceLock::new(),
            tracer: OnceLock::new(),
            dependencies: OnceLock::new(),
            default_exclusions: OnceLock::new(),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn routes(&self) -> &RouteTable {
        self.routes.get_or_init(|| {
            let global;
            let meter = match &self.config.meter {
                Some(meter) => meter,
                None => {
                    global = opentelemetry::global::meter_with_scope(crate::scope());
                    &global
                }
            };
            RouteTable::new(
                meter,
                self.clock.clone(),
                TableOptions {
                    dependencies: self.dependencies().cloned(),
                    classifier: self.config.classifier.clone(),
                    fallbacks: self.config.fallbacks.clone(),
                    max_operations: self.config.max_operations.unwrap_or(DEFAULT_MAX_OPERATIONS),
                    custom: self.config.custom.clone(),
                    cardinality_limit: self.cardinality_limit(),
                    exemplars: self.exemplars(),
                    streaming_routes: self.config.streaming_routes.clone(),
                },
            )
        })
    }

    fn cardinality_limit(&self) -> usize {
        let installed = || {
            let global = self.config.meter.is_none();
            global
                .then(crate::trace::installed::get)
                .flatten()
                .map(|installed| installed.cardinality_limit)
        };
        self.config
            .cardinality_limit
            .or_else(installed)
            .unwrap_or(super::instruments::SDK_CARDINALITY_LIMIT)
    }

    fn exemplars(&self) -> Option<Arc<Exemplars>> {
        if self.config.exemplars.is_some() || self.config.meter.is_some() {
            return self.config.exemplars.clone();
        }
        crate::trace::installed::get().and_then(|installed| installed.exemplars)
    }

    /// The tracer for server spans and the propagators for the incoming context, `None`
    /// when this layer records metrics only.
    #[inline]
    pub(crate) fn tracer(&self) -> Option<&ServerTracer> {
        self.tracer
            .get_or_init(|| {
                if self.config.traces_off {
                    return None;
                }
                let tracer = match &self.config.traces {
                    Traces::Installed => {
                        crate::trace::installed::get().and_then(|installed| installed.tracer)
                    }
                    Traces::Tracer(tracer) => Some(tracer.clone()),
                };
                tracer.map(|tracer| self.config.overrides.apply(tracer))
            })
            .as_ref()
    }

    /// The handle the dependency calls of this layer's requests record into.
    fn dependencies(&self) -> Option<&Dependencies> {
        self.dependencies
            .get_or_init(|| {
                if let Some(dependencies) = &self.config.dependencies {
                    return Some(dependencies.clone());
                }
                let meter = self.config.meter.as_ref()?;
                let tracer = self.tracer();
                Some(Dependencies::on_meter(
                    meter,
                    tracer.map(|server| server.tracer.clone()),
                    tracer.map_or_else(Propagation::w3c, |server| server.propagation.clone()),
                    self.config.exemplars.as_deref(),
                ))
            })
            .as_ref()
    }

    #[inline]
    pub(crate) fn record_query(&self) -> bool {
        self.config.record_query
    }

    #[inline]
    pub(crate) fn url_scheme(&self) -> UrlScheme {
        self.config.url_scheme
    }

    /// Exact match against the route template, or the raw path when no route matched.
    pub(crate) fn is_excluded(&self, path: &str) -> bool {
        let exclusions = &self.config.exclusions;
        exclusions.paths.iter().any(|excluded| excluded == path)
            || (exclusions.defaults
                && self
                    .default_exclusions
                    .get_or_init(|| exclusions.default_paths())
                    .iter()
                    .any(|excluded| excluded == path))
    }
}
