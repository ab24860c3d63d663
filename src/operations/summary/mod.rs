//! The JSON summary: totals, rates, latency percentiles, top routes, dependency figures and
//! process resources over a window, for admin pages and scripts.
//!
//! The figures are read through the SDK from the pipelines' own reader (`figures.rs`); the
//! window (`window.rs`) subtracts the totals at its start. It rolls over after its length
//! (default 24 h) and `POST /metrics/reset` restarts it; the memory it keeps is one copy of
//! the totals, whatever the uptime.

pub(crate) mod figures;
mod report;
mod window;

pub(crate) use figures::{Figures, Quantile, Tally};
pub use report::{
    CacheFigures, CallFigures, DashboardRequests, DashboardResources, DashboardSystem,
    DashboardView, DependencyFigures, Latency, ProcessFigures, Report, Requests, RouteFigures,
    Routes, StreamFigures, Summary, SummaryWindow, TelemetryFigures, ToolFigures,
};
pub(crate) use window::Window;
