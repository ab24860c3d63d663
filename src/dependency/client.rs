//! [`ClientLayer`]: any client that is a tower service (tonic, a custom RPC client), its
//! requests described by a closure.

use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;

use super::future::{Call, Instrumented};

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
/// `client.target`, the inbound `http.route` and `error.type` (the error's type name, or
/// `cancelled`), and becomes a client span under the current span.
#[derive(Clone, Debug)]
pub struct ClientLayer<D> {
    name: &'static str,
    describe: D,
}

impl<D> ClientLayer<D> {
    /// A layer for the client `name` (`client.name`). The bound on `describe` lets a
    /// closure's argument type be inferred for any lifetime of the request borrow.
    pub fn new<R>(name: &'static str, describe: D) -> Self
    where
        D: Fn(&R) -> (&'static str, &'static str),
    {
        Self { name, describe }
    }
}

impl<S, D: Clone> Layer<S> for ClientLayer<D> {
    type Service = ClientService<S, D>;

    fn layer(&self, inner: S) -> Self::Service {
        ClientService {
            inner,
            name: self.name,
            describe: self.describe.clone(),
        }
    }
}

/// The service [`ClientLayer`] wraps around a client.
#[derive(Clone, Debug)]
pub struct ClientService<S, D> {
    inner: S,
    name: &'static str,
    describe: D,
}

impl<S, D, R> Service<R> for ClientService<S, D>
where
    S: Service<R>,
    D: Fn(&R) -> (&'static str, &'static str),
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Instrumented<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let (operation, target) = (self.describe)(&request);
        Instrumented::failing_on(
            self.inner.call(request),
            Call::Client {
                name: self.name,
                operation,
                target,
            },
        )
    }
}
