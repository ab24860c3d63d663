//! `GET /metrics/summary`: totals, rates, latency percentiles, top routes, dependency figures
//! and process resources over a window, as JSON for admin pages and scripts.
//!
//! The figures are read from the Prometheus registry that `/metrics` renders (`figures.rs`),
//! so the two cannot disagree; the window (`window.rs`) subtracts the totals at its start.
//! It rolls over after its length (default 24 h) and `POST /metrics/reset` restarts it; the
//! memory it keeps is one copy of the totals, whatever the uptime.

pub(crate) mod figures;
mod window;

pub(crate) use figures::{Figures, Tally};
pub(crate) use window::Window;

/// How long a summary window lasts by default before it rolls over.
pub const DEFAULT_SUMMARY_WINDOW: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
