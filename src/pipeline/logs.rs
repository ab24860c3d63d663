//! The `tracing` subscriber `install()` sets up: `RUST_LOG`-style filtering, log lines as
//! text or JSON, and the tracing-opentelemetry bridge that turns `tracing` spans into
//! OpenTelemetry spans nested under the request's server span.

use opentelemetry_sdk::trace::SdkTracer;
use tracing::Subscriber;
use tracing_subscriber::filter::{EnvFilter, FilterFn};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

use super::env;
use super::json_logs::JsonFormat;
use super::vars::Vars;
use crate::Error;

/// How log lines are written to standard output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LogFormat {
    /// Human-readable lines, coloured on a terminal.
    #[default]
    Text,
    /// One JSON object per line with `trace_id` and `span_id`; see [`JsonFormat`].
    Json,
}

/// The subscriber `install()` sets up, as the builder said.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Whether `install()` sets the global subscriber.
    pub(crate) install: bool,
    pub(crate) format: Option<LogFormat>,
    pub(crate) filter: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            install: true,
            format: None,
            filter: None,
        }
    }
}

/// The filter used when `RUST_LOG` is unset.
pub(super) const DEFAULT_FILTER: &str = "info";

/// Appended unless the directives name the OpenTelemetry crates themselves: the SDK logs
/// every failed batch, while this crate reports export failures counted and rate-limited.
const QUIET_SDK: &str = "opentelemetry=off";

/// The layer that nests the `tracing` spans of handlers (`#[tracing::instrument]`) under
/// the request's server span, for a service that sets up its own subscriber. Add it to the
/// subscriber before or after `install()`, whichever comes first in your `main`: it finds
/// the installed pipelines' tracer when a span is made, and does nothing while none traces.
///
/// ```no_run
/// use tracing_subscriber::layer::SubscriberExt;
/// use tracing_subscriber::util::SubscriberInitExt;
///
/// tracing_subscriber::registry()
///     .with(tracing_subscriber::fmt::layer())
///     .with(tower_monitoring::tracing_layer())
///     .init();
/// let monitoring = tower_monitoring::Monitoring::builder()
///     .tracing_subscriber(false) // the application has its own
///     .install()?;
/// # Ok::<_, tower_monitoring::Error>(())
/// ```
pub fn tracing_layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    bridge(super::installed_tracer::InstalledTracer::new())
}

/// The bridge from `tracing` spans to OpenTelemetry spans made with `tracer`, for a
/// subscriber of your own; [`tracing_layer`] finds the installed tracer by itself.
pub fn bridge_layer<S>(tracer: SdkTracer) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    bridge(tracer)
}

/// The bridge, leaving out the spans of the crates that carry the export itself (tonic,
/// h2, hyper, reqwest, opentelemetry): exporting those would produce new spans to export,
/// forever.
fn bridge<S, T>(tracer: T) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    T: opentelemetry::trace::Tracer + Send + Sync + 'static,
    T::Span: Send + Sync,
{
    tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_filter(FilterFn::new(|metadata| {
            !is_export_stack(metadata.target())
        }))
}

fn with_quiet_sdk(directives: &str) -> String {
    if directives.contains("opentelemetry") {
        directives.to_owned()
    } else {
        format!("{directives},{QUIET_SDK}")
    }
}

fn is_export_stack(target: &str) -> bool {
    const EXPORT_STACK: &[&str] = &[
        "tonic",
        "h2",
        "hyper",
        "hyper_util",
        "reqwest",
        "tower",
        "opentelemetry",
        "opentelemetry_sdk",
        "opentelemetry_otlp",
    ];
    let crate_name = target.split("::").next().unwrap_or(target);
    EXPORT_STACK.contains(&crate_name) || target.starts_with("tower_monitoring::export")
}

/// The subscriber to install: its format and filter, checked against the environment.
pub(super) struct Resolved {
    format: LogFormat,
    filter: Filter,
}

impl Resolved {
    /// The subscriber `settings` ask for, `None` when they ask for none. Fails on a bad
    /// `LOG_FORMAT` or `RUST_LOG`, or when the application already set a subscriber,
    /// before anything global changes.
    pub(super) fn from(settings: &Settings, vars: &impl Vars) -> Result<Option<Self>, Error> {
        let format = env::log_format(settings.format, vars)?;
        let rust_log = env::rust_log(vars)?;
        if !settings.install {
            return Ok(None);
        }
        if tracing::dispatcher::has_been_set() {
            return Err(already_set());
        }
        Ok(Some(Self {
            format,
            filter: Filter::new(rust_log, settings.filter.as_deref()),
        }))
    }

    /// Installs it, bridging `tracing` spans to `tracer` when there is one.
    pub(super) fn install(self, tracer: Option<SdkTracer>) -> Result<(), Error> {
        install(self.format, self.filter, tracer)
    }
}

/// The filter directives and where they came from, for the error that names them.
struct Filter {
    source: &'static str,
    directives: String,
}

impl Filter {
    /// `RUST_LOG` when set, else the builder's directives, else [`DEFAULT_FILTER`].
    fn new(rust_log: Option<String>, configured: Option<&str>) -> Self {
        match rust_log {
            Some(directives) => Self {
                source: "RUST_LOG",
                directives,
            },
            None => Self {
                source: "log filter",
                directives: configured.unwrap_or(DEFAULT_FILTER).to_owned(),
            },
        }
    }
}

/// Installs the global subscriber. Fails, rather than silently doing nothing, when the
/// application already installed one.
fn install(
    format: LogFormat,
    Filter { source, directives }: Filter,
    tracer: Option<SdkTracer>,
) -> Result<(), Error> {
    let filter = EnvFilter::try_new(with_quiet_sdk(&directives))
        .map_err(|err| Error::config(format!("{source} {directives:?}: {err}")))?;
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let lines = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer().with_ansi(ansi).boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .event_format(JsonFormat)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(tracer.map(bridge_layer))
        .try_init()
        .map_err(|_| already_set())
}

fn already_set() -> Error {
    Error::conflict(
        "a global tracing subscriber is already set: build with \
         `.tracing_subscriber(false)` and add `tower_monitoring::tracing_layer()` to your \
         subscriber (`.with(tower_monitoring::tracing_layer())`), so that handler spans nest \
         under the request's span; see the README, \"A service with its own subscriber\"",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_is_quiet_unless_named() {
        assert_eq!(with_quiet_sdk("info"), "info,opentelemetry=off");
        assert_eq!(
            with_quiet_sdk("info,opentelemetry_sdk=debug"),
            "info,opentelemetry_sdk=debug"
        );
        assert!(EnvFilter::try_new(with_quiet_sdk("warn,orders=debug")).is_ok());
    }

    #[test]
    fn the_export_stack_is_not_bridged() {
        for target in [
            "h2::codec",
            "tonic::transport",
            "hyper_util::client",
            "opentelemetry_sdk",
        ] {
            assert!(is_export_stack(target), "{target}");
        }
        assert!(is_export_stack("tower_monitoring::export"));
        for target in ["orders", "orders::db", "tower_monitoring::http", "hyperion"] {
            assert!(!is_export_stack(target), "{target}");
        }
    }
}
