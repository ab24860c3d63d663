//! The operator endpoints on a listener of their own, such as a dedicated scrape port.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::task::JoinHandle;

use crate::Endpoints;
use crate::Error;
use crate::operations::Operations;

impl Operations {
    /// Serves the operator routes of `endpoints` on `addr` in a background task. Binding
    /// errors are returned here; the server then runs until [`MetricsServer::shutdown`] or
    /// the end of the runtime.
    pub(crate) async fn serve(
        self: &Arc<Self>,
        addr: impl ToSocketAddrs + std::fmt::Debug,
        endpoints: Endpoints,
    ) -> Result<MetricsServer, Error> {
        let what = format!("bind the metrics listener to {addr:?}");
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|err| Error::io(what.clone(), err))?;
        let local_addr = listener.local_addr().map_err(|err| Error::io(what, err))?;
        let app = self.routes::<()>(endpoints);
        let task = tokio::spawn(async move {
            // The accept loop only ends with the runtime; errors on one connection are
            // handled inside axum and never end it.
            let _ = axum::serve(listener, app).await;
        });
        Ok(MetricsServer { local_addr, task })
    }
}

/// Handle to the listener started by
/// [`Monitoring::serve_metrics`](crate::Monitoring::serve_metrics). Dropping it leaves the
/// server running.
#[derive(Debug)]
pub struct MetricsServer {
    local_addr: SocketAddr,
    task: JoinHandle<()>,
}

impl MetricsServer {
    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections.
    pub fn shutdown(self) {
        self.task.abort();
    }
}
