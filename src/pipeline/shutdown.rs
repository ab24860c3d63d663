//! Shutdown that always returns within its bound.
//!
//! Flushing talks to the collector, which may be down or may accept the connection and never
//! answer. The flush therefore runs on a thread of its own and the caller waits for it at most
//! `timeout`: after that the caller gets an [`ErrorKind::ExportTimeout`](crate::ErrorKind)
//! error and the thread is left to finish or die with the process. An application must never hang on exit because of
//! telemetry.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::Error;

pub(super) type Work = Box<dyn FnOnce() -> Result<(), Error> + Send>;

/// Runs `work` on its own thread and waits for it at most `timeout`, blocking the caller.
pub(super) fn blocking(timeout: Duration, work: Work) -> Result<(), Error> {
    let (done, result) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("tower-monitoring-flush".into())
        .spawn(move || {
            let _ = done.send(work());
        });
    if let Err(err) = spawned {
        return Err(Error::io("start the flush thread", err));
    }
    result
        .recv_timeout(timeout)
        .unwrap_or_else(|_| Err(Error::export_timeout(timeout)))
}

/// [`blocking`] without blocking the caller's task: the wait happens on a helper thread that
/// wakes the returned future.
pub(super) fn in_background(
    timeout: Duration,
    work: Work,
) -> impl Future<Output = Result<(), Error>> {
    let slot = Arc::new(Mutex::new(Slot::default()));
    let waiter = Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name("tower-monitoring-shutdown".into())
        .spawn(move || {
            let result = blocking(timeout, work);
            let mut slot = waiter.lock().unwrap_or_else(|poison| poison.into_inner());
            slot.result = Some(result);
            if let Some(waker) = slot.waker.take() {
                waker.wake();
            }
        });
    if let Err(err) = spawned {
        slot.lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .result = Some(Err(Error::io("start the shutdown thread", err)));
    }
    Completion { slot }
}

#[derive(Default)]
struct Slot {
    result: Option<Result<(), Error>>,
    waker: Option<Waker>,
}

struct Completion {
    slot: Arc<Mutex<Slot>>,
}

impl Future for Completion {
    type Output = Result<(), Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match slot.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn work_that_hangs_is_abandoned_at_the_deadline() {
        let started = Instant::now();
        let result = blocking(
            Duration::from_millis(50),
            Box::new(|| {
                std::thread::sleep(Duration::from_secs(3600));
                Ok(())
            }),
        );
        let err = result.unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::ExportTimeout, "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn work_that_finishes_reports_its_result() {
        assert!(blocking(Duration::from_secs(5), Box::new(|| Ok(()))).is_ok());
        let err = blocking(
            Duration::from_secs(5),
            Box::new(|| Err(Error::config("flush failed"))),
        )
        .unwrap_err();
        assert!(err.to_string().contains("flush failed"));
    }
}
