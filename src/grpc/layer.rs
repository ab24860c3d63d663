//! [`GrpcLayer`] and [`GrpcClientLayer`]: the configuration a call is recorded with, and
//! what every call of one layer shares.

use std::sync::{Arc, OnceLock};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{BoundUpDownCounter, Histogram, Meter, MeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tower_layer::Layer;

use super::method::DEFAULT_MAX_METHODS;
use super::series::CallSeries;
use super::service::GrpcService;
use crate::classify::Classify;
use crate::http::Fold;
use crate::names::{attr, metric};
use crate::trace::propagation::Propagation;
use crate::trace::server_tracer::{DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT, ServerTracer};

/// Which end of a call a layer records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Server,
    Client,
}

/// The instruments of one side, on one meter.
pub(crate) struct Instruments {
    pub(crate) duration: Histogram<f64>,
    pub(crate) active: BoundUpDownCounter<i64>,
    pub(crate) received: Histogram<u64>,
    pub(crate) sent: Histogram<u64>,
}

#[derive(Clone)]
enum Tracing {
    Installed,
    Tracer(ServerTracer),
    Off,
}

#[derive(Clone)]
struct Config {
    meter: Option<Meter>,
    tracing: Tracing,
    classifier: Option<Arc<dyn Classify>>,
    max_methods: usize,
    /// `server.address` and `server.port` of a client's calls.
    server_address: Option<(String, Option<u16>)>,
}

/// What every call through one layer shares; resolved on the first call, so a layer may be
/// built before `install()`.
pub(crate) struct CallShared {
    pub(crate) side: Side,
    config: Config,
    instruments: OnceLock<Instruments>,
    tracer: OnceLock<Option<ServerTracer>>,
    methods: Fold,
    series: CallSeries,
    /// A TSC clock, as the HTTP layer's: two reads a call cost far less than `Instant`'s.
    clock: quanta::Clock,
}

impl CallShared {
    fn new(side: Side, config: Config) -> Self {
        Self {
            side,
            methods: Fold::capped_to_length(config.max_methods, 256),
            config,
            instruments: OnceLock::new(),
            tracer: OnceLock::new(),
            series: CallSeries::default(),
            clock: quanta::Clock::new(),
        }
    }

    pub(crate) fn instruments(&self) -> &Instruments {
        self.instruments.get_or_init(|| {
            let meter = self
                .config
                .meter
                .clone()
                .unwrap_or_else(|| opentelemetry::global::meter_with_scope(crate::scope()));
            let meter = &meter;
            let (duration, active, received, sent) = match self.side {
                Side::Server => (
                    metric::RPC_SERVER_CALL_DURATION,
                    metric::RPC_SERVER_ACTIVE_CALLS,
                    metric::RPC_SERVER_CALL_RECEIVED_MESSAGES,
                    metric::RPC_SERVER_CALL_SENT_MESSAGES,
                ),
                Side::Client => (
                    metric::RPC_CLIENT_CALL_DURATION,
                    metric::RPC_CLIENT_ACTIVE_CALLS,
                    metric::RPC_CLIENT_CALL_RECEIVED_MESSAGES,
                    metric::RPC_CLIENT_CALL_SENT_MESSAGES,
                ),
            };
            Instruments {
                duration: duration.f64_histogram(meter),
                active: active
                    .i64_up_down_counter(meter)
                    .bind(&[KeyValue::new(attr::RPC_SYSTEM_NAME, "grpc")]),
                received: received.u64_histogram(meter),
                sent: sent.u64_histogram(meter),
            }
        })
    }

    pub(crate) fn tracer(&self) -> Option<&ServerTracer> {
        self.tracer
            .get_or_init(|| match &self.config.tracing {
                Tracing::Installed => {
                    crate::trace::installed::get().and_then(|installed| installed.tracer)
                }
                Tracing::Tracer(tracer) => Some(tracer.clone()),
                Tracing::Off => None,
            })
            .as_ref()
    }

    /// The application's classifier, when it gave one; the default ones
    /// ([`GrpcServerErrors`](crate::GrpcServerErrors), [`GrpcClientErrors`](crate::GrpcClientErrors))
    /// judge by the code alone, as the call's
    /// outcome does.
    pub(crate) fn custom_classifier(&self) -> Option<&dyn Classify> {
        self.config.classifier.as_deref()
    }

    pub(crate) fn server_address(&self) -> Option<&(String, Option<u16>)> {
        self.config.server_address.as_ref()
    }

    pub(crate) fn clock(&self) -> &quanta::Clock {
        &self.clock
    }

    pub(crate) fn series(&self) -> &CallSeries {
        &self.series
    }

    pub(crate) fn methods(&self) -> &Fold {
        &self.methods
    }
}

macro_rules! grpc_layer {
    ($(#[$doc:meta])* $name:ident, $side:expr) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            shared: Arc<CallShared>,
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }

        impl $name {
            /// Records into the global `MeterProvider` and traces with the tracer
            /// [`install()`](crate::MonitoringBuilder::install) set up, both resolved on the
            /// first call.
            pub fn new() -> Self {
                Self::from_config(Config {
                    meter: None,
                    tracing: Tracing::Installed,
                    classifier: None,
                    max_methods: DEFAULT_MAX_METHODS,
                    server_address: None,
                })
            }

            fn from_config(config: Config) -> Self {
                Self {
                    shared: Arc::new(CallShared::new($side, config)),
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

            /// Makes spans with `provider`, propagating W3C TraceContext.
            pub fn with_tracer_provider(self, provider: &SdkTracerProvider) -> Self {
                use opentelemetry::trace::TracerProvider as _;
                let tracer = ServerTracer {
                    tracer: provider.tracer_with_scope(crate::scope()),
                    propagation: Propagation::w3c(),
                    value_length_limit: DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
                };
                self.map_config(|config| config.tracing = Tracing::Tracer(tracer))
            }

            /// Makes spans with the tracer and propagators of installed pipelines.
            #[cfg_attr(not(feature = "operations"), allow(dead_code))]
            pub(crate) fn with_server_tracer(self, tracer: ServerTracer) -> Self {
                self.map_config(|config| config.tracing = Tracing::Tracer(tracer))
            }

            /// Metrics only: no spans, and no trace context read or written.
            pub fn traces(self, enabled: bool) -> Self {
                self.map_config(|config| {
                    if !enabled {
                        config.tracing = Tracing::Off;
                    } else if matches!(config.tracing, Tracing::Off) {
                        config.tracing = Tracing::Installed;
                    }
                })
            }

            /// Decides which calls failed, instead of the default gRPC classifier. A
            /// [`Failure`](crate::Failure) it returns becomes the call's `error.type`.
            pub fn classify(self, classifier: impl Classify) -> Self {
                let classifier: Arc<dyn Classify> = Arc::new(classifier);
                self.map_config(|config| config.classifier = Some(classifier))
            }

            /// Names at most `max` distinct methods in `rpc.method`; the rest are `_OTHER`
            /// (default 1 000).
            pub fn max_methods(self, max: usize) -> Self {
                self.map_config(|config| config.max_methods = max)
            }
        }

        impl<S> Layer<S> for $name {
            type Service = GrpcService<S>;

            fn layer(&self, inner: S) -> Self::Service {
                GrpcService::new(inner, self.shared.clone())
            }
        }
    };
}

grpc_layer!(
    /// A tower [`Layer`] for gRPC servers (tonic's `Server::builder().layer(..)`, or a router
    /// serving gRPC), recording every call on the stable RPC semantic conventions (1.45):
    ///
    /// - `rpc.server.call.duration` (seconds) to the end of the response stream, with
    ///   `rpc.system.name="grpc"`, `rpc.method` (`package.Service/Method`; `_OTHER` for a
    ///   method the server answers `UNIMPLEMENTED`), `rpc.response.status_code` (`OK`,
    ///   `INVALID_ARGUMENT`, ...), read from `grpc-status` in the head or the trailers, and
    ///   `error.type` when the call failed by [`GrpcServerErrors`](crate::GrpcServerErrors);
    /// - `rpc.server.active_calls`, released however the call ends;
    /// - the messages received and sent per call (`rpc.server.call.received_messages`,
    ///   `rpc.server.call.sent_messages`);
    /// - a server span named by the method, continuing the caller's W3C context from the
    ///   gRPC metadata, current while the handler runs.
    ///
    /// A call dropped before it ended is `CANCELLED` with `error.type="cancelled"` (the
    /// crate's one definition of a cancellation, never a failure), or `DEADLINE_EXCEEDED`
    /// when its `grpc-timeout` had passed. It is a sibling of
    /// [`MonitoringLayer`](crate::MonitoringLayer) rather than a mode of it: the names,
    /// labels and verdicts of a call are not those of an HTTP request, and HTTP requests
    /// pay nothing for gRPC.
    ///
    /// ```no_run
    /// # #[derive(Clone)] struct Greeter;
    /// let layer = tower_monitoring::GrpcLayer::new();
    /// // tonic::transport::Server::builder().layer(layer).add_service(GreeterServer::new(greeter))
    /// ```
    GrpcLayer,
    Side::Server
);

impl GrpcClientLayer {
    /// The server the channel calls, as `host` or `host:port`, for `server.address` and
    /// `server.port` (tonic adds the channel's origin below the layer, so the request URI
    /// the layer sees has none). Without it, calls whose URI names a host use that.
    pub fn server_address(self, authority: &str) -> Self {
        let parsed = authority.parse::<http::uri::Authority>().ok();
        let server = parsed.map(|authority| (authority.host().to_owned(), authority.port_u16()));
        self.map_config(|config| config.server_address = server)
    }
}

grpc_layer!(
    /// A tower [`Layer`] for gRPC clients (around a tonic `Channel`): `rpc.client.call.duration`
    /// with `server.address` and `server.port` besides the server's attributes,
    /// `rpc.client.active_calls`, messages per call, and a client span whose context goes
    /// out as `traceparent` in the call's metadata. Every code but `OK` is a failure
    /// ([`GrpcClientErrors`](crate::GrpcClientErrors)); a transport error is `UNAVAILABLE`.
    ///
    /// ```no_run
    /// # async fn connect() -> Result<(), Box<dyn std::error::Error>> {
    /// // let channel = tonic::transport::Endpoint::from_static("http://127.0.0.1:50051").connect().await?;
    /// // let layer = GrpcClientLayer::new().server_address("127.0.0.1:50051");
    /// // let channel = tower::ServiceBuilder::new().layer(layer).service(channel);
    /// // let mut client = GreeterClient::new(channel);
    /// # Ok(()) }
    /// ```
    GrpcClientLayer,
    Side::Client
);
