//! `cargo fuzz run inbound_request`: hostile requests through `MonitoringLayer` (see
//! `../harness.rs`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    static HARNESS: OnceLock<harness::Harness> = OnceLock::new();
    HARNESS.get_or_init(harness::Harness::default).run(data);
});
