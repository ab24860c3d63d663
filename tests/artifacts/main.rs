//! The generated dashboards and rules, and the deployment files.
//!
//! One test binary per floor: each module below was a binary of its own.

#[path = "../support/mod.rs"]
mod support;

#[cfg(feature = "artifacts")]
mod artifacts;
mod deploy_files;
