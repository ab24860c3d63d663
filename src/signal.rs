//! [`shutdown_signal`]: the future every axum service writes by hand for
//! `with_graceful_shutdown`, resolving on Ctrl-C or on the SIGTERM that `docker stop`,
//! systemd and Kubernetes send before they kill the process.

/// Resolves when the process is asked to stop: SIGINT (Ctrl-C) or SIGTERM on Unix, Ctrl-C
/// elsewhere. Hand it to `axum::serve(...).with_graceful_shutdown(...)`, then flush the
/// telemetry:
///
/// ```no_run
/// # async fn f(app: axum::Router, monitoring: tower_monitoring::Monitoring) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
/// axum::serve(listener, app)
///     .with_graceful_shutdown(tower_monitoring::shutdown_signal())
///     .await?;
/// // The in-flight requests are done; send the last spans, within the shutdown bound.
/// if let Err(err) = monitoring.shutdown().await {
///     tracing::warn!(%err, "telemetry was not flushed");
/// }
/// # Ok(()) }
/// ```
///
/// Without it a service that only waits for Ctrl-C is killed by the orchestrator's SIGKILL
/// after its grace period, and the spans still queued are lost. Which signal arrived is
/// logged at `info`. If no handler can be installed (a sandbox without signals), this logs a
/// warning and never resolves, rather than stopping the service at once.
pub async fn shutdown_signal() {
    let signal = wait().await;
    tracing::info!(
        target: "tower_monitoring::shutdown",
        signal,
        "shutdown requested; finishing in-flight requests"
    );
}

#[cfg(unix)]
async fn wait() -> &'static str {
    use std::task::Poll;
    use tokio::signal::unix::{SignalKind, signal};

    let mut terminate = match signal(SignalKind::terminate()) {
        Ok(terminate) => terminate,
        Err(err) => {
            tracing::warn!(
                target: "tower_monitoring::shutdown",
                %err,
                "cannot listen for SIGTERM; only Ctrl-C stops the service"
            );
            return ctrl_c().await;
        }
    };
    let mut interrupt = Some(std::pin::pin!(tokio::signal::ctrl_c()));
    std::future::poll_fn(|cx| {
        if let Some(waiting) = interrupt.as_mut() {
            match waiting.as_mut().poll(cx) {
                Poll::Ready(Ok(())) => return Poll::Ready("SIGINT"),
                // Only SIGTERM can stop the service now.
                Poll::Ready(Err(_)) => interrupt = None,
                Poll::Pending => {}
            }
        }
        terminate.poll_recv(cx).map(|_| "SIGTERM")
    })
    .await
}

#[cfg(not(unix))]
async fn wait() -> &'static str {
    ctrl_c().await
}

async fn ctrl_c() -> &'static str {
    if let Err(err) = tokio::signal::ctrl_c().await {
        tracing::warn!(
            target: "tower_monitoring::shutdown",
            %err,
            "cannot listen for Ctrl-C; the service will not stop on a signal"
        );
        std::future::pending::<()>().await;
    }
    "SIGINT"
}
