//! What a handler depends on: its database, its cache and third-party platforms; and the
//! units of work it runs: tool executions, workflow steps and background jobs; and its
//! connection pools.
//!
//! Wrap the future of a call and it is measured and traced:
//!
//! ```no_run
//! # async fn f(pool: ()) -> Result<(), std::io::Error> {
//! use tower_monitoring::dependency;
//!
//! let user: Result<String, std::io::Error> =
//!     dependency::db("sqlite", "select", "users", async { Ok("ada".to_owned()) }).await;
//! let cached: Option<String> =
//!     dependency::cache("users", "get", async { None }).await; // a miss
//! # Ok(()) }
//! ```
//!
//! The same as attributes on an `async fn` (feature `macros`):
//!
//! ```no_run
//! use tower_monitoring::dependency::{monitor_cache, monitor_db};
//!
//! #[monitor_db(system = "sqlite", operation = "select", table = "users")]
//! async fn load_user(id: i64) -> Result<String, std::io::Error> {
//!     Ok(format!("user-{id}"))
//! }
//!
//! #[monitor_cache(name = "users", operation = "get")]
//! async fn cached_user(id: i64) -> Option<String> {
//!     None
//! }
//! ```
//!
//! Platform APIs get [`PlatformLayer`]: with reqwest, `layer.send(client.get(url))` sends a
//! `RequestBuilder` as it is; around any HTTP client that is a tower service (hyper's,
//! `reqwest::Client`) it is a layer.
//!
//! Each call records a duration histogram (`db.client.operation.duration`,
//! `cache.operation.duration`), the cache also counts hits and misses
//! (`cache.lookups`, so the hit ratio is one PromQL division), and each becomes a client
//! span, child of the current span (the request's server span, or a handler's
//! `#[instrument]` span). Every measurement carries the `http.route` of the inbound request
//! it ran under. A call whose future is dropped before it finishes is recorded with
//! `error.type="cancelled"`.
//!
//! Every call records through a [`Dependencies`] handle: the one of the request it runs
//! under (the layer from [`Monitoring::layer`](crate::Monitoring::layer) makes its
//! `Monitoring`'s handle current), the one it was made through
//! ([`Monitoring::dependencies`](crate::Monitoring::dependencies)), or, outside both, the
//! documented fallback: the global meter provider and the tracer `install()` set up,
//! resolved again whenever either changes (a call made before `install()` records nothing
//! but leaves the calls after it recording).

mod client;
mod client_request;
mod fallback;
mod future;
mod handle;
mod instruments;
mod outcome;
mod platform;
#[cfg(feature = "reqwest")]
mod platform_send;
mod pools;
pub(crate) mod request_scope;
#[cfg(feature = "sqlx")]
pub mod sqlx;
mod workflow;

pub use client::{ClientLayer, ClientService};
pub use client_request::{ClientRequest, ClientResponse};
pub use future::Instrumented;
pub use handle::Dependencies;
pub use outcome::{CacheOutcome, ErrorNames, FromOutcome, MapErrors, Outcome};
pub use platform::{PlatformFuture, PlatformLayer, PlatformService};
pub use pools::PoolUsage;
#[cfg(feature = "macros")]
pub use tower_monitoring_macros::{monitor_cache, monitor_db};
pub use workflow::Workflow;

/// Measures and traces a database operation: `system` is `db.system.name` (`sqlite`,
/// `postgresql`, ...), `operation` is `db.operation.name` (`select`, `insert`, ...) and
/// `collection` is `db.collection.name` (the table). An `Err` output is a failure with
/// `error.type="_OTHER"`, or the name [`Instrumented::error_type`] gives it.
pub fn db<F>(
    system: &'static str,
    operation: &'static str,
    collection: &'static str,
    future: F,
) -> Instrumented<F>
where
    F: std::future::Future,
    F::Output: Outcome,
{
    Dependencies::current().db(system, operation, collection, future)
}

/// Measures and traces a cache operation on the cache `name`: a lookup returning `Some` (or
/// `Ok(Some)`) is a hit, `None` (or `Ok(None)`) a miss, `Err` a failure.
pub fn cache<F>(name: &'static str, operation: &'static str, future: F) -> Instrumented<F>
where
    F: std::future::Future,
    F::Output: CacheOutcome,
{
    Dependencies::current().cache(name, operation, future)
}

/// Measures and traces one execution of the tool `name` (the named operations an API or MCP
/// server exposes): `tool.execution.duration` by tool and `error.type`, and
/// `tool.executions.active` while it runs.
pub fn tool<F>(name: &'static str, future: F) -> Instrumented<F>
where
    F: std::future::Future,
    F::Output: Outcome,
{
    Dependencies::current().tool(name, future)
}

/// Sets `tool.queue.size` of the tool `name`: executions waiting, as the application counts
/// them.
pub fn set_tool_queue_size(name: &'static str, size: i64) {
    Dependencies::current().set_tool_queue_size(name, size);
}

/// Measures and traces one run of the background job `name`: `job.duration` by job and
/// `error.type`. Wrap the job's future before spawning it; a job started outside any request
/// records through the global fallback unless started with [`Dependencies::job`].
pub fn job<F>(name: &'static str, future: F) -> Instrumented<F>
where
    F: std::future::Future,
    F::Output: Outcome,
{
    Dependencies::current().job(name, future)
}

/// Sets `job.queue.length` of the job `name`.
pub fn set_job_queue_length(name: &'static str, length: i64) {
    Dependencies::current().set_job_queue_length(name, length);
}

/// Counts a hit of the cache `name`, for caches read without [`cache`].
pub fn record_hit(name: &'static str) {
    Dependencies::current().record_hit(name);
}

/// Counts a miss of the cache `name`, for caches read without [`cache`].
pub fn record_miss(name: &'static str) {
    Dependencies::current().record_miss(name);
}

/// Registers the pool `name` (`db.client.connection.pool.name`): at every collection
/// `usage` is called and `db.client.connection.count` (by `db.client.connection.state`,
/// `used` or `idle`) and `db.client.connection.max` report what it returns. Registering a
/// name again replaces its reader. Pools are registered at start, outside any request, so
/// this registers on the global fallback: prefer
/// [`Dependencies::register_pool`] on the handle of your `Monitoring`.
///
/// ```no_run
/// use tower_monitoring::dependency::{PoolUsage, register_pool};
///
/// register_pool("main", || PoolUsage::new(3, 2, 10));
/// ```
pub fn register_pool(name: &'static str, usage: impl Fn() -> PoolUsage + Send + Sync + 'static) {
    Dependencies::current().register_pool(name, usage);
}
