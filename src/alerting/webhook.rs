//! Alert notifications to a webhook: a POST of the alert JSON for every fired and resolved
//! alert, sent by a thread of its own so that neither requests nor the evaluation wait for
//! the receiver.
//!
//! Each notification is tried up to [`ATTEMPTS`] times, [`TIMEOUT`] each, with a doubling
//! pause between; the queue holds [`QUEUE`] notifications and drops (and logs) the rest.

use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::time::Duration;

use serde_json::Value;

use crate::Error;

pub(crate) const ATTEMPTS: u32 = 3;
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);
pub(crate) const QUEUE: usize = 100;
const FIRST_PAUSE: Duration = Duration::from_millis(200);

#[derive(Debug)]
pub(crate) struct Webhook {
    queue: SyncSender<Value>,
}

impl Webhook {
    /// Checks `url` and starts the sending thread; it ends when the webhook is dropped.
    pub(crate) fn start(url: &str) -> Result<Self, Error> {
        let url: reqwest::Url = url
            .parse()
            .map_err(|err| Error::config(format!("alert webhook URL {url:?}: {err}")))?;
        let (queue, notifications) = sync_channel::<Value>(QUEUE);
        std::thread::Builder::new()
            .name("tower-monitoring-webhook".into())
            .spawn(move || {
                // Built on this thread: the blocking client runs a runtime of its own, which
                // must not start inside the application's.
                let Ok(client) = reqwest::blocking::Client::builder().timeout(TIMEOUT).build() else {
                    tracing::warn!(target: "tower_monitoring::alerting", "cannot build the webhook client");
                    return;
                };
                for notification in notifications {
                    send(&client, &url, &notification);
                }
            })
            .map_err(|err| Error::config(format!("cannot start the webhook thread: {err}")))?;
        Ok(Self { queue })
    }

    /// Queues `notification`; never waits.
    pub(crate) fn notify(&self, notification: Value) {
        if let Err(TrySendError::Full(_)) = self.queue.try_send(notification) {
            tracing::warn!(
                target: "tower_monitoring::alerting",
                "alert webhook queue is full; a notification was dropped"
            );
        }
    }
}

fn send(client: &reqwest::blocking::Client, url: &reqwest::Url, notification: &Value) {
    let body = notification.to_string();
    let mut pause = FIRST_PAUSE;
    for attempt in 1..=ATTEMPTS {
        let sent = client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send();
        match sent {
            Ok(response) if response.status().is_success() => return,
            outcome => {
                if attempt == ATTEMPTS {
                    let reason = match outcome {
                        Ok(response) => format!("answered {}", response.status()),
                        Err(err) => err.to_string(),
                    };
                    tracing::warn!(
                        target: "tower_monitoring::alerting",
                        %reason,
                        attempts = ATTEMPTS,
                        "alert webhook failed; the notification is dropped"
                    );
                    return;
                }
                std::thread::sleep(pause);
                pause *= 2;
            }
        }
    }
}
