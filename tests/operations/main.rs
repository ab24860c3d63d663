//! What operators use: probes, tokens, the JSON views, the scrape, the live page, profiles.
//!
//! One test binary per floor: each module below was a binary of its own.

#[path = "../support/mod.rs"]
mod support;

mod buckets;
#[cfg(feature = "certificates")]
mod certificates;
#[cfg(all(unix, feature = "reqwest", feature = "sqlx"))]
mod example_scrapes;
#[cfg(all(unix, feature = "reqwest", feature = "sqlx"))]
mod exemplar_storage;
#[cfg(feature = "testing")]
mod exposure;
mod failure_definition;
mod health;
mod live_page;
#[cfg(all(feature = "profiling", feature = "reqwest"))]
mod profiling;
mod prometheus_endpoint;
mod tokens;
#[cfg(feature = "testing")]
mod typed_views;
