//! Alert notifications to a webhook: a POST of the alert JSON for every fired and resolved
//! alert, sent by a thread of its own so that neither requests nor the evaluation wait for
//! the receiver.
//!
//! Each notification is tried up to [`ATTEMPTS`] times, [`TIMEOUT`] each, with a doubling
//! pause between; the queue holds [`QUEUE`] notifications and drops (and logs) the rest.

use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::time::Duration;

use super::alert_report::AlertNotification;

use crate::Error;

pub(crate) const ATTEMPTS: u32 = 3;
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);
pub(crate) const QUEUE: usize = 100;
const FIRST_PAUSE: Duration = Duration::from_millis(200);

#[derive(Debug)]
pub(crate) struct Webhook {
    queue: SyncSender<AlertNotification>,
}

impl Webhook {
    /// Checks `url` and starts the sending thread; it ends when the webhook is dropped.
    pub(crate) fn start(url: &str) -> Result<Self, Error> {
        // The URL of a Slack, Teams or PagerDuty webhook is a credential: no error or log
        // line repeats more of it than its scheme and host.
        let url: reqwest::Url = url
            .trim()
            .parse()
            .map_err(|err| Error::config(format!("the alert webhook URL is not a URL: {err}")))?;
        let client = reqwest::blocking::Client::builder().timeout(TIMEOUT);
        #[cfg(feature = "tls")]
        let client = match url.scheme() {
            "https" => {
                client.tls_backend_preconfigured(crate::pipeline::tls::Tls::system().rustls()?)
            }
            _ => client,
        };
        #[cfg(not(feature = "tls"))]
        if url.scheme() == "https" {
            return Err(crate::pipeline::tls::feature_missing(
                "an https:// alert webhook",
            ));
        }
        let (queue, notifications) = sync_channel::<AlertNotification>(QUEUE);
        std::thread::Builder::new()
            .name("tower-monitoring-webhook".into())
            .spawn(move || {
                // Built on this thread: the blocking client runs a runtime of its own, which
                // must not start inside the application's.
                let Ok(client) = client.build() else {
                    tracing::warn!(target: "tower_monitoring::alerting", "cannot build the webhook client");
                    return;
                };
                let target = redacted(&url);
                for notification in notifications {
                    send(&client, &url, &target, &notification);
                }
            })
            .map_err(|err| Error::io("start the webhook thread", err))?;
        Ok(Self { queue })
    }

    /// Queues `notification`; never waits.
    pub(crate) fn notify(&self, notification: AlertNotification) {
        if let Err(TrySendError::Full(_)) = self.queue.try_send(notification) {
            tracing::warn!(
                target: "tower_monitoring::alerting",
                "alert webhook queue is full; a notification was dropped"
            );
        }
    }
}

/// What of `url` a log line may show: its scheme and host (and port), never the path or
/// query, where webhook services keep their secret.
pub(crate) fn redacted(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

fn send(
    client: &reqwest::blocking::Client,
    url: &reqwest::Url,
    target: &str,
    notification: &AlertNotification,
) {
    // Plain strings and numbers: serialising cannot fail.
    let body = serde_json::to_string(notification).unwrap_or_default();
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
                        // reqwest's message names the whole URL; drop it.
                        Err(err) => err.without_url().to_string(),
                    };
                    tracing::warn!(
                        target: "tower_monitoring::alerting",
                        webhook = %target,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_scheme_and_host_of_a_webhook_are_shown() {
        let url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET?token=abc"
            .parse()
            .unwrap();
        assert_eq!(redacted(&url), "https://hooks.slack.com");
        let url = "http://127.0.0.1:9093/api/v2/alerts".parse().unwrap();
        assert_eq!(redacted(&url), "http://127.0.0.1:9093");
        let err = Webhook::start("hooks.slack.com/services/SECRET")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("SECRET"), "{err}");
    }
}
