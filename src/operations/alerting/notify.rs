//! Where fired and resolved alerts go besides the log and the gauge: the webhook, when one is
//! configured (feature `reqwest`).

use super::alert_report::AlertNotification;

use crate::Error;

#[derive(Debug, Default)]
pub(crate) struct Notifier {
    #[cfg(feature = "reqwest")]
    webhook: Option<super::webhook::Webhook>,
}

impl Notifier {
    /// Starts sending to `url`, if there is one. A build without `reqwest` refuses a URL
    /// when the settings are resolved, so none arrives here.
    pub(crate) fn start(url: Option<&str>) -> Result<Self, Error> {
        #[cfg(feature = "reqwest")]
        {
            let webhook = url.map(super::webhook::Webhook::start).transpose()?;
            Ok(Self { webhook })
        }
        #[cfg(not(feature = "reqwest"))]
        {
            let _ = url;
            Ok(Self {})
        }
    }

    /// Queues `notification` for the webhook; never waits.
    pub(crate) fn notify(&self, notification: impl FnOnce() -> AlertNotification) {
        #[cfg(feature = "reqwest")]
        if let Some(webhook) = &self.webhook {
            webhook.notify(notification());
        }
        #[cfg(not(feature = "reqwest"))]
        let _ = notification;
    }
}
