//! What counts as a failure: one definition, used by the metrics' `error.type`, the server
//! spans, the Prometheus rules, the Grafana dashboards, the JSON summary and the in-process
//! alerts alike, so that none of them can page for traffic another calls fine.
//!
//! A request or a dependency call that carries no `error.type` succeeded. One whose
//! `error.type` is `cancelled` was *cancelled*: the client went away, or a timeout dropped
//! the work, before it ended. That is counted and shown on its own, never as an error: the
//! service did nothing wrong, and a burst of impatient clients must not fire an error-rate
//! alert. Every other `error.type` is a *failure*: a 5xx response, an error from the inner
//! service, a response body that broke, a handler that panicked, or a failed dependency call.

use crate::names::error_type;

/// How one finished request or dependency call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// It ended without an `error.type`.
    Succeeded,
    /// It carries an `error.type` other than `cancelled`: the service's own failure.
    Failed,
    /// Its `error.type` is `cancelled`: the caller went away before it ended.
    Cancelled,
}

impl Verdict {
    /// The verdict on a request or call with this `error.type` (`None` or `""` for none).
    pub fn of(error_type: Option<&str>) -> Self {
        match error_type {
            None | Some("") => Self::Succeeded,
            Some(error_type::CANCELLED) => Self::Cancelled,
            Some(_) => Self::Failed,
        }
    }
}

/// Prometheus label matchers that select failed requests or calls, for use inside `{...}`.
pub const PROMQL_FAILED: &str = r#"error_type!="",error_type!="cancelled""#;

/// Prometheus label matchers that select requests or calls that succeeded (no `error.type`).
pub const PROMQL_SUCCEEDED: &str = r#"error_type="""#;

/// Prometheus label matchers that select what did not fail: successes and cancellations
/// (the complement of [`PROMQL_FAILED`], so a success ratio has data before any failure).
pub const PROMQL_NOT_FAILED: &str = r#"error_type=~"|cancelled""#;

/// Prometheus label matchers that select every request or call but the cancelled ones:
/// what an objective is measured against, since a client that went away is neither a
/// success nor a failure of the service.
pub const PROMQL_NOT_CANCELLED: &str = r#"error_type!="cancelled""#;

/// Prometheus label matchers that select cancelled requests or calls.
pub const PROMQL_CANCELLED: &str = r#"error_type="cancelled""#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelled_is_neither_success_nor_failure() {
        assert_eq!(Verdict::of(None), Verdict::Succeeded);
        assert_eq!(Verdict::of(Some("")), Verdict::Succeeded);
        assert_eq!(Verdict::of(Some("cancelled")), Verdict::Cancelled);
        for failed in [
            "500",
            "503",
            "_OTHER",
            "body_error",
            "timeout",
            "connection",
        ] {
            assert_eq!(Verdict::of(Some(failed)), Verdict::Failed, "{failed}");
        }
    }

    #[test]
    fn the_promql_matchers_spell_the_same_rule() {
        assert!(PROMQL_FAILED.contains(&format!("error_type!=\"{}\"", error_type::CANCELLED)));
        assert_eq!(
            PROMQL_CANCELLED,
            format!("error_type=\"{}\"", error_type::CANCELLED)
        );
        assert_eq!(
            PROMQL_NOT_FAILED,
            format!("error_type=~\"|{}\"", error_type::CANCELLED)
        );
        assert_eq!(
            PROMQL_NOT_CANCELLED,
            format!("error_type!=\"{}\"", error_type::CANCELLED)
        );
    }
}
