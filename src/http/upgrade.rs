//! Upgraded connections (a `101 Switching Protocols`, such as a WebSocket) as streams: the
//! response head is sent at once, and the stream lasts as long as the connection the
//! handler took over, which the layer cannot see. The request carries an [`UpgradeGuard`];
//! the handler moves it into the task that serves the upgraded connection, and the stream
//! ends when that task drops it. A handler that does not take it ends the stream at its
//! head (a stream of no length, still counted as one).

use std::sync::{Arc, Mutex, PoisonError};

use super::labels::ErrorLabel;
use super::recorder::Recorder;

/// Where an upgraded request's recorder waits for the end of its stream.
#[derive(Default)]
pub(crate) struct UpgradeSlot(Mutex<Option<Recorder>>);

impl UpgradeSlot {
    /// Keeps `recorder` until the last guard of this slot is dropped.
    pub(crate) fn hold(&self, recorder: Recorder) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(recorder);
    }
}

impl Drop for UpgradeSlot {
    fn drop(&mut self) {
        let recorder = self
            .0
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(recorder) = recorder {
            recorder.finish(ErrorLabel::None);
        }
    }
}

/// Times a WebSocket (or any upgraded connection) in `http.server.stream.duration`: take it
/// in the handler and move it into the task that serves the connection; the stream ends
/// when the task drops it.
///
/// ```
/// use axum::extract::ws::{WebSocket, WebSocketUpgrade};
/// use axum::response::Response;
/// use tower_monitoring::UpgradeGuard;
///
/// async fn echo(upgrade: WebSocketUpgrade, guard: UpgradeGuard) -> Response {
///     upgrade.on_upgrade(move |socket: WebSocket| async move {
///         let _stream = guard; // ends the stream when the socket closes
///         # drop(socket);
///     })
/// }
/// ```
///
/// Outside a [`MonitoringLayer`](crate::MonitoringLayer), or on a request that asked for
/// no upgrade, the guard is empty and does nothing.
#[derive(Clone, Default)]
pub struct UpgradeGuard(Option<Arc<UpgradeSlot>>);

impl std::fmt::Debug for UpgradeGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpgradeGuard")
            .field("recording", &self.0.is_some())
            .finish()
    }
}

impl UpgradeGuard {
    pub(crate) fn new(slot: Arc<UpgradeSlot>) -> Self {
        Self(Some(slot))
    }
}

#[cfg(feature = "axum")]
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for UpgradeGuard {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.remove::<Self>().unwrap_or_default())
    }
}
