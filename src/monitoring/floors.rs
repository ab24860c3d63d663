//! What the builder resolves for the floors above the pipelines before anything starts.

/// What the builder resolved for the floors above the pipelines.
#[derive(Debug)]
pub(super) struct Floors {
    pub(super) endpoint_prefix: String,
    #[cfg(feature = "system")]
    pub(super) system: Option<std::time::Duration>,
    #[cfg(feature = "operations")]
    pub(super) operations: crate::operations::settings::Resolved,
}
