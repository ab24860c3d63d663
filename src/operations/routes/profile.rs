//! `GET /debug/pprof/profile?seconds=N` (feature `profiling`): a CPU profile of the running
//! service, as pprof's protobuf (what `go tool pprof` and Pyroscope read) or, with
//! `format=svg`, a flame graph. Admin only: 404 when no admin token is configured.
//!
//! The sampler is pprof-rs: a `SIGPROF` timer at 99 Hz that records each thread's stack, so
//! the service keeps serving while it is watched, at a cost of about one stack walk per
//! sample. A profile lasts `seconds` (default 10, at most 60) and one runs at a time: the
//! timer is process-wide, so a second request gets 409. The wait and the symbolization run
//! on a blocking thread, never on a runtime worker.
//!
//! The heap profile is `heap_profile.rs`: the system allocator keeps no record of who
//! allocated what, so it needs jemalloc.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::RawQuery;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pprof::protos::Message;

/// The longest profile one request may take.
pub(super) const MAX_SECONDS: u64 = 60;
const DEFAULT_SECONDS: u64 = 10;
/// Samples per second: not a divisor of common timer periods, so periodic work is not
/// always caught, or always missed, at the same point.
const FREQUENCY: i32 = 99;

/// Whether a profile is being taken: pprof-rs has one timer per process.
static PROFILING: AtomicBool = AtomicBool::new(false);

/// The value of `name` in the query string; the values taken are plain words and numbers,
/// so an encoded one is refused as any other bad value would be.
fn param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

pub(super) async fn profile(RawQuery(query): RawQuery) -> Response {
    let query = query.as_deref();
    let seconds = match param(query, "seconds").map(str::parse::<u64>) {
        None => DEFAULT_SECONDS,
        Some(Ok(seconds)) if (1..=MAX_SECONDS).contains(&seconds) => seconds,
        Some(_) => {
            let message = format!("seconds must be a whole number from 1 to {MAX_SECONDS}\n");
            return (StatusCode::BAD_REQUEST, message).into_response();
        }
    };
    let svg = match param(query, "format") {
        None | Some("pprof") => false,
        Some("svg") => true,
        Some(_) => {
            return (
                StatusCode::BAD_REQUEST,
                "format is pprof (default) or svg\n",
            )
                .into_response();
        }
    };
    let Some(running) = Running::start() else {
        return (StatusCode::CONFLICT, "a profile is already being taken\n").into_response();
    };
    // The guard goes with the thread: a client that leaves early does not free the timer
    // while the profile still runs.
    let taken = tokio::task::spawn_blocking(move || {
        let _running = running;
        take(Duration::from_secs(seconds), svg)
    })
    .await;
    if svg {
        answer(taken, "image/svg+xml", None, "CPU profile")
    } else {
        answer(
            taken,
            "application/octet-stream",
            Some("profile.pb"),
            "CPU profile",
        )
    }
}

/// The answer to a profile taken on a blocking thread: the body as `content_type` (a download
/// named `filename`, if any), or a 500 saying what failed, logged as `what`.
pub(super) fn answer(
    taken: Result<Result<Vec<u8>, String>, tokio::task::JoinError>,
    content_type: &'static str,
    filename: Option<&'static str>,
    what: &str,
) -> Response {
    match taken {
        Ok(Ok(body)) => {
            let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
            if let Some(filename) = filename {
                let disposition = format!("attachment; filename=\"{filename}\"");
                if let Ok(value) = header::HeaderValue::from_str(&disposition) {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_DISPOSITION, value);
                }
            }
            response
        }
        Ok(Err(err)) => {
            tracing::warn!(%err, "{what} failed");
            let message = format!("the {what} failed: {err}\n");
            (StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
        }
        Err(err) => {
            tracing::warn!(%err, "{what} thread failed");
            let message = format!("the {what} failed\n");
            (StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
        }
    }
}

/// Samples for `duration`, then encodes the report; an error says what failed.
fn take(duration: Duration, svg: bool) -> Result<Vec<u8>, String> {
    let guard = pprof::ProfilerGuardBuilder::default()
        .frequency(FREQUENCY)
        // Unwinding through these from a signal handler can deadlock or crash.
        .blocklist(&["libc", "libgcc", "pthread", "vdso"])
        .build()
        .map_err(|err| format!("cannot start the sampler: {err}"))?;
    std::thread::sleep(duration);
    let report = guard
        .report()
        .build()
        .map_err(|err| format!("cannot build the report: {err}"))?;
    let mut body = Vec::new();
    if svg {
        report
            .flamegraph(&mut body)
            .map_err(|err| format!("cannot draw the flame graph: {err}"))?;
    } else {
        let profile = report
            .pprof()
            .map_err(|err| format!("cannot encode the profile: {err}"))?;
        profile
            .encode(&mut body)
            .map_err(|err| format!("cannot encode the profile: {err}"))?;
    }
    Ok(body)
}

/// Holds [`PROFILING`] for one profile, released however the request ends.
struct Running;

impl Running {
    fn start() -> Option<Self> {
        PROFILING
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| Self)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        PROFILING.store(false, Ordering::Release);
    }
}
