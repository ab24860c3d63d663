//! `GET /debug/pprof/heap` (feature `profiling-heap`): the memory in use by allocation site,
//! as gzipped pprof protobuf (`go tool pprof -sample_index=inuse_space`). Admin only.
//!
//! The system allocator keeps no record of who allocated what; jemalloc does, when built with
//! its profiler and started with it on. So this answers only for a service whose
//! `#[global_allocator]` is [`Jemalloc`](crate::Jemalloc), started with
//! `_RJEM_MALLOC_CONF=prof:true,prof_active:true` (add `lg_prof_sample:19`, the default, one
//! sample per 512 KiB allocated). Otherwise it answers 501 and says what is missing.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

const NOT_ON_JEMALLOC: &str = "heap profiling needs jemalloc with its profiler on: declare \
     `#[global_allocator] static A: tower_monitoring::Jemalloc = tower_monitoring::Jemalloc;` \
     and start the service with _RJEM_MALLOC_CONF=prof:true,prof_active:true\n";

pub(super) async fn heap() -> Response {
    let Some(control) = jemalloc_pprof::PROF_CTL.as_ref() else {
        return (StatusCode::NOT_IMPLEMENTED, NOT_ON_JEMALLOC).into_response();
    };
    let mut control = control.clone().lock_owned().await;
    if !control.activated() {
        return (StatusCode::NOT_IMPLEMENTED, NOT_ON_JEMALLOC).into_response();
    }
    // jemalloc writes the dump to a file, which is then read and symbolized: a blocking job.
    let taken =
        tokio::task::spawn_blocking(move || control.dump_pprof().map_err(|err| err.to_string()))
            .await;
    super::profile::answer(
        taken,
        "application/octet-stream",
        Some("heap.pb.gz"),
        "heap profile",
    )
}
