//! Outbound calls and units of work, and two `Monitoring` instances kept apart.
//!
//! One test binary per floor: each module below was a binary of its own.

#[path = "../support/mod.rs"]
mod support;

#[cfg(feature = "reqwest")]
mod isolation;
#[cfg(feature = "sqlx")]
mod sqlx_pool;
