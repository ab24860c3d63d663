//! [`ClientLayer`]: any client that is a tower service (tonic, a custom RPC client), its
//! requests described by a closure.

use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;

use super::future::{Call, Instrumented};
use super::handle::Dependencies;
use super::outcome::{ErrorNames, FromOutcome, MapErrors};

/// A tower [`Layer`] for a client service whose requests `describe` names as
/// `(operation, target)`, such as `("GetInvoice", "billing.Invoices")`.
///
/// ```no_run
/// use tower_monitoring::dependency::ClientLayer;
///
/// struct Lookup { key: String }
/// let layer = ClientLayer::new("kv", |_request: &Lookup| ("get", "sessions"));
/// ```
///
/// Each call records `client.operation.duration` by `client.name`, `client.operation`,
/// `client.target`, the inbound `http.route` and `error.type` (`_OTHER` for an error, the
/// name [`error_type`](Self::error_type) gives it, or `cancelled`), and becomes a client span
/// under the current span.
#[derive(Clone, Debug)]
pub struct ClientLayer<D, N = FromOutcome> {
    name: &'static str,
    describe: D,
    names: N,
    /// Where calls record; `None` for the handle of the request they are made under.
    dependencies: Option<Dependencies>,
}

impl<D> ClientLayer<D> {
    /// A layer for the client `name` (`client.name`). The bound on `describe` lets a
    /// closure's argument type be inferred for any lifetime of the request borrow.
    pub fn new<R>(name: &'static str, describe: D) -> Self
    where
        D: Fn(&R) -> (&'static str, &'static str),
    {
        Self {
            name,
            describe,
            names: FromOutcome,
            dependencies: None,
        }
    }
}

impl<D, N> ClientLayer<D, N> {
    /// Names the `error.type` of a failed call with `map` (a small fixed set of values),
    /// instead of the default `_OTHER`.
    pub fn error_type<E, M>(self, map: M) -> ClientLayer<D, MapErrors<M>>
    where
        M: Fn(&E) -> &'static str,
    {
        ClientLayer {
            name: self.name,
            describe: self.describe,
            names: MapErrors(map),
            dependencies: self.dependencies,
        }
    }

    pub(super) fn recording_into(mut self, dependencies: Dependencies) -> Self {
        self.dependencies = Some(dependencies);
        self
    }
}

impl<S, D: Clone, N: Clone> Layer<S> for ClientLayer<D, N> {
    type Service = ClientService<S, D, N>;

    fn layer(&self, inner: S) -> Self::Service {
        ClientService {
            inner,
            name: self.name,
            describe: self.describe.clone(),
            names: self.names.clone(),
            dependencies: self.dependencies.clone(),
        }
    }
}

/// The service [`ClientLayer`] wraps around a client.
#[derive(Clone, Debug)]
pub struct ClientService<S, D, N = FromOutcome> {
    inner: S,
    name: &'static str,
    describe: D,
    names: N,
    dependencies: Option<Dependencies>,
}

impl<S, D, N, R> Service<R> for ClientService<S, D, N>
where
    S: Service<R>,
    D: Fn(&R) -> (&'static str, &'static str),
    N: ErrorNames<Result<S::Response, S::Error>> + Clone,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Instrumented<S::Future, N>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let (operation, target) = (self.describe)(&request);
        let call = Call::Client {
            name: self.name,
            operation,
            target,
        };
        let dependencies = self
            .dependencies
            .clone()
            .unwrap_or_else(Dependencies::current);
        Instrumented::failing_on(self.inner.call(request), call, dependencies.0)
            .named_by(self.names.clone())
    }
}
