//! `GET /debug/pprof/profile` on the full demo under load: a profile decodes as pprof's
//! protobuf (the format `go tool pprof` and Pyroscope read) and names our functions and the
//! demo's; the flame graph is SVG; one profile at a time (409), bounded in length (400), and
//! only for the admin token.
//!
//! It runs the example binary that `cargo build --all-features --examples` leaves beside
//! this test binary (scripts/test.sh builds it first).

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use pprof::protos::{Message, Profile};
use support::example::Running;

const ADMIN: &str = "admin-S3CRET";

/// Keeps eight clients busy against the demo until `stop` is set.
/// Eight callers until `stop`; returns the count of requests answered so far.
fn load(address: &str, stop: Arc<AtomicBool>) -> Arc<AtomicUsize> {
    let answered = Arc::new(AtomicUsize::new(0));
    for worker in 0..8 {
        let (address, stop, answered) = (address.to_owned(), stop.clone(), answered.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let paths = ["/users/1", "/orders/1", "/users/2"];
            let mut n = worker;
            while !stop.load(Ordering::Relaxed) {
                let path = paths[n % paths.len()];
                if client
                    .get(format!("http://{address}{path}"))
                    .send()
                    .await
                    .is_ok()
                {
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
        });
    }
    answered
}

/// Waits until `answered` reaches `count`, at most 30 s.
async fn answered_at_least(answered: &AtomicUsize, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while answered.load(Ordering::Relaxed) < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the load never got going"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn profile(address: &str, query: &str, token: Option<&str>) -> (u16, Vec<u8>) {
    let mut request =
        reqwest::Client::new().get(format!("http://{address}/debug/pprof/profile{query}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_profile_under_load_decodes_and_names_our_functions() {
    let (mut running, address) = Running::start_with(
        "full_stack",
        &[
            ("MONITORING_ADMIN_TOKEN", ADMIN),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
        ],
    );
    let stop = Arc::new(AtomicBool::new(false));
    load(&address, stop.clone());

    assert_eq!(profile(&address, "?seconds=1", None).await.0, 401);
    assert_eq!(profile(&address, "?seconds=1", Some("wrong")).await.0, 401);
    for bad in ["?seconds=0", "?seconds=61", "?seconds=x", "?format=png"] {
        assert_eq!(profile(&address, bad, Some(ADMIN)).await.0, 400, "{bad}");
    }

    // One at a time: of two requests sent together, whichever the server takes first runs
    // its three seconds and the other, arriving meanwhile, is refused.
    let (one, other) = tokio::join!(
        profile(&address, "?seconds=3", Some(ADMIN)),
        profile(&address, "?seconds=3", Some(ADMIN)),
    );
    let ((status, body), refused) = if one.0 == 200 {
        (one, other)
    } else {
        (other, one)
    };
    assert_eq!(refused.0, 409, "{}", String::from_utf8_lossy(&refused.1));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));

    let profile_of = Profile::decode(body.as_slice()).expect("a pprof protobuf");
    assert!(!profile_of.sample.is_empty(), "no samples");
    assert!(
        profile_of.duration_nanos >= 2_900_000_000,
        "{}",
        profile_of.duration_nanos
    );
    let names: Vec<&str> = profile_of
        .function
        .iter()
        .filter_map(|function| profile_of.string_table.get(function.name as usize))
        .map(String::as_str)
        .collect();
    for ours in ["tower_monitoring::", "full_stack::"] {
        assert!(
            names.iter().any(|name| name.contains(ours)),
            "no function of {ours} among {} names: {:?}",
            names.len(),
            &names[..names.len().min(40)]
        );
    }

    // The same as a flame graph, and the sampler free again.
    let (status, svg) = profile(&address, "?seconds=1&format=svg", Some(ADMIN)).await;
    assert_eq!(status, 200);
    let svg = String::from_utf8(svg).unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("tower_monitoring"),
        "{}",
        &svg[..svg.len().min(300)]
    );

    stop.store(true, Ordering::Relaxed);
    let (exit, _) = running.terminate();
    assert!(exit.success(), "{exit:?}\n{}", running.log.join("\n"));
}

/// The heap profile, from the full demo on jemalloc with its profiler on: gzipped pprof
/// of the memory in use; without the profiler on, 501 and what is missing.
#[cfg(feature = "profiling-heap")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_heap_profile_from_jemalloc_decodes_and_without_it_says_what_is_missing() {
    use std::io::Read;

    let heap = |address: String| async move {
        let response = reqwest::Client::new()
            .get(format!("http://{address}/debug/pprof/heap"))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.bytes().await.unwrap().to_vec())
    };

    let (mut off, address) = Running::start_with(
        "full_stack",
        &[
            ("MONITORING_ADMIN_TOKEN", ADMIN),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
        ],
    );
    let (status, body) = heap(address).await;
    assert_eq!(status, 501);
    assert!(String::from_utf8_lossy(&body).contains("_RJEM_MALLOC_CONF"));
    off.terminate();

    let (mut on, address) = Running::start_with(
        "full_stack",
        &[
            ("MONITORING_ADMIN_TOKEN", ADMIN),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
            // One sample per 4 KiB allocated, so a short run has some.
            (
                "_RJEM_MALLOC_CONF",
                "prof:true,prof_active:true,lg_prof_sample:12",
            ),
        ],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let answered = load(&address, stop.clone());
    // Enough traffic for the sampler (one sample per 4 KiB allocated) to have seen some.
    answered_at_least(&answered, 200).await;
    let (status, body) = heap(address).await;
    stop.store(true, Ordering::Relaxed);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(body.as_slice())
        .read_to_end(&mut decoded)
        .expect("gzip");
    let profile_of = Profile::decode(decoded.as_slice()).expect("a pprof protobuf");
    assert!(!profile_of.sample.is_empty(), "no samples");
    let kinds: Vec<&str> = profile_of
        .sample_type
        .iter()
        .filter_map(|kind| profile_of.string_table.get(kind.ty as usize))
        .map(String::as_str)
        .collect();
    assert!(kinds.contains(&"inuse_space"), "{kinds:?}");
    let (exit, _) = on.terminate();
    assert!(exit.success(), "{exit:?}\n{}", on.log.join("\n"));
}
