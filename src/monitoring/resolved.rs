//! [`ResolvedSettings`]: what the builder resolves for the floors above the pipelines
//! (endpoint prefix, system refresh, operator settings) before anything starts.

/// What the builder resolved for the floors above the pipelines.
#[derive(Debug)]
pub(super) struct ResolvedSettings {
    pub(super) endpoint_prefix: String,
    #[cfg(feature = "system")]
    pub(super) system: Option<std::time::Duration>,
    #[cfg(feature = "operations")]
    pub(super) operations: crate::operations::settings::Resolved,
}
