//! The alerts as the JSON endpoints and the webhook show them.

use serde::{Deserialize, Deserializer, Serialize};

/// The in-process alerts: those firing now and the recent history, as `/metrics/report`
/// and `/metrics/dashboard` show them under `alerts`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlertReport {
    /// Alerts firing now.
    pub active: Vec<ReportedAlert>,
    /// Alerts that fired and resolved, the most recent last.
    pub history: Vec<ReportedAlert>,
}

/// One alert, firing or resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportedAlert {
    /// The alert's name (`HighErrorRate`, ...), the same as the Prometheus rule's.
    #[serde(rename = "type")]
    pub alert_type: String,
    /// `warning` or `critical`.
    pub severity: String,
    /// What it watches: `http`, `process`, `cache`, `database`, `system`.
    pub component: String,
    /// The latest value while it fired, formatted (`1.2s`, `7%`).
    pub current_value: String,
    /// The threshold, formatted.
    pub threshold: String,
    /// The latest value while it fired: milliseconds for latency, threads per CPU for
    /// load, a ratio for the rest.
    pub value: f64,
    /// The threshold, in the unit of `value`.
    pub threshold_value: f64,
    /// When it fired, RFC 3339 in UTC.
    pub timestamp: String,
    /// When it fired, in seconds since the Unix epoch.
    pub started_at_unix: f64,
    /// When it resolved, RFC 3339 in UTC; absent while it fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// The value that resolved it; absent while it fires, `null` when it resolved for
    /// want of data (traffic stopped, the figure went away).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub resolved_value: Option<Option<f64>>,
}

/// A field that is present, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(deserializer).map(Some)
}

/// What the alert webhook receives when an alert fires or resolves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlertNotification {
    /// `firing` or `resolved`.
    pub status: String,
    /// The service's name (`service.name`).
    pub service: String,
    /// The alert.
    pub alert: ReportedAlert,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(resolved: Option<Option<f64>>) -> ReportedAlert {
        ReportedAlert {
            alert_type: "HighErrorRate".into(),
            severity: "critical".into(),
            component: "http".into(),
            current_value: "20%".into(),
            threshold: "5%".into(),
            value: 0.2,
            threshold_value: 0.05,
            timestamp: "2026-12-07T10:00:00Z".into(),
            started_at_unix: 1.0,
            resolved_at: resolved.map(|_| "2026-12-07T10:05:00Z".into()),
            resolved_value: resolved,
        }
    }

    #[test]
    fn a_firing_alert_has_no_resolution_and_a_resolved_one_may_resolve_for_want_of_data() {
        let firing = serde_json::to_value(alert(None)).unwrap();
        assert!(firing.get("resolved_at").is_none() && firing.get("resolved_value").is_none());
        assert_eq!(firing["type"], "HighErrorRate");
        let no_data = serde_json::to_value(alert(Some(None))).unwrap();
        assert!(no_data["resolved_value"].is_null() && no_data["resolved_at"].is_string());
        for alert in [alert(None), alert(Some(None)), alert(Some(Some(0.01)))] {
            let json = serde_json::to_string(&alert).unwrap();
            assert_eq!(serde_json::from_str::<ReportedAlert>(&json).unwrap(), alert);
        }
    }
}
