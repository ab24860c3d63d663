//! Which requests a layer does not record: the crate's own endpoints by default, under the
//! endpoint prefix, and the paths the application names.

use std::borrow::Cow;

use crate::endpoints::DEFAULT_EXCLUDED_PATHS;

/// The paths a layer skips.
#[derive(Clone, Debug, Default)]
pub(crate) struct Exclusions {
    /// Named by the application: route templates or exact paths.
    pub(crate) paths: Vec<Cow<'static, str>>,
    /// Whether [`DEFAULT_EXCLUDED_PATHS`] are skipped too, under the endpoint prefix.
    pub(crate) defaults: bool,
    /// The prefix of the monitoring endpoints; `None` takes the installed pipelines'.
    pub(crate) endpoint_prefix: Option<String>,
}

impl Exclusions {
    /// The default paths under the prefix this layer was given, else the installed one.
    pub(crate) fn default_paths(&self) -> Vec<String> {
        let prefix = self
            .endpoint_prefix
            .clone()
            .or_else(|| crate::trace::installed::get().map(|installed| installed.endpoint_prefix))
            .unwrap_or_default();
        DEFAULT_EXCLUDED_PATHS
            .iter()
            .map(|path| format!("{prefix}{path}"))
            .collect()
    }
}
