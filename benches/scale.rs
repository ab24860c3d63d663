//! At scale: contention between threads on the SDK's histograms, and the memory each
//! series, route, dependency series and queued span takes.
//!
//! Contention (criterion): threads record into one bound histogram series (one hot route)
//! or spread over 100 series (many routes), as the layer's bound records do. Every record
//! takes the series' mutex in the SDK: one series shared by many threads serialises them,
//! 100 series do not. Rows report the wall time per record, all threads together.
//!
//! Memory (printed after the criterion rows): the resident size before and after making
//! N more of a thing, over N, each kind in a fresh pipeline. Resident size moves by pages
//! and the allocator keeps what it frees, so these are estimates over thousands of items,
//! not exact sizes.
//!
//! ```sh
//! cargo bench --bench scale
//! ```
//!
//! 2026-12-08, 2 shared cores, two runs (`--warm-up-time 1 --measurement-time 4`), ns per
//! record, all threads together: one hot series 16.9 / 16.9 (1 thread), 127.6 / 121.3
//! (2), 198.5 / 188.9 (8); 100 series 17.4 / 17.1, 7.0 / 6.8, 14.2 / 15.2. Memory: an HTTP
//! series 4 738 bytes, a route 6 499, a dependency series 560, a queued span 735; 100 000
//! label sets (the largest cardinality limit) 492 MB.

use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::{ManualReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SpanData, SpanExporter};
use tower::ServiceExt;
use tower_monitoring::{CustomAttribute, Monitoring};

/// Records per thread and batch: long enough that starting the threads does not count.
const RECORDS_PER_THREAD: u64 = 20_000;

fn contention(c: &mut Criterion) {
    let provider = SdkMeterProvider::builder()
        .with_reader(ManualReader::builder().build())
        .build();
    let histogram = provider
        .meter("scale")
        .f64_histogram("contention.duration")
        .with_boundaries(tower_monitoring::names::DURATION_BUCKETS.to_vec())
        .build();
    let series: Arc<Vec<_>> = Arc::new(
        (0..100)
            .map(|route| histogram.bind(&[KeyValue::new("http.route", format!("/r{route}"))]))
            .collect(),
    );
    let mut group = c.benchmark_group("contention");
    for (name, spread) in [("one_hot_series", 1usize), ("hundred_series", 100)] {
        for threads in [1usize, 2, 8] {
            group.bench_with_input(BenchmarkId::new(name, threads), &threads, |b, &threads| {
                b.iter_custom(|iters| {
                    let batches = iters.div_ceil(RECORDS_PER_THREAD * threads as u64);
                    let mut total = Duration::ZERO;
                    for _ in 0..batches {
                        let start = Arc::new(Barrier::new(threads + 1));
                        let handles: Vec<_> = (0..threads)
                            .map(|thread| {
                                let series = series.clone();
                                let start = start.clone();
                                std::thread::spawn(move || {
                                    start.wait();
                                    for i in 0..RECORDS_PER_THREAD as usize {
                                        // Each thread walks the series from its own offset.
                                        series[(thread * 37 + i) % spread].record(0.003);
                                    }
                                })
                            })
                            .collect();
                        start.wait();
                        let began = Instant::now();
                        for handle in handles {
                            handle.join().expect("recorder");
                        }
                        total += began.elapsed();
                    }
                    // Per record: the batches' wall time over the records they made.
                    total.mul_f64(
                        iters as f64 / (batches * RECORDS_PER_THREAD * threads as u64) as f64,
                    )
                })
            });
        }
    }
    group.finish();
    memory();
}

/// The resident size of this process, in bytes.
fn resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .expect("VmRSS");
    let kib: u64 = line["VmRSS:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .expect("kB");
    kib * 1024
}

fn pipeline() -> Monitoring {
    Monitoring::builder()
        .service_name("scale")
        .cardinality_limit(50_000)
        .system_metrics(false)
        .alert_thread(false)
        .build()
        .expect("pipeline")
}

async fn get_path(router: &Router, path: &str, tenant: Option<&str>) {
    let mut request = Request::get(path);
    if let Some(tenant) = tenant {
        request = request.header("x-tenant", tenant);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    std::hint::black_box(response.into_body().collect().await.expect("body"));
}

/// Bytes per item: the resident size grown while `make` made `n` of them, after a warm-up
/// of `n / 10` that pays for the first allocations of the kind.
fn per_item(n: usize, mut make: impl FnMut(usize)) -> f64 {
    for i in 0..n / 10 {
        make(i);
    }
    let before = resident();
    for i in n / 10..n + n / 10 {
        make(i);
    }
    (resident().saturating_sub(before)) as f64 / n as f64
}

/// Spans go to an exporter that waits for a signal: the batch queue fills and holds them.
struct HeldExporter(Mutex<mpsc::Receiver<()>>);

impl std::fmt::Debug for HeldExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeldExporter")
    }
}

impl SpanExporter for HeldExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let _ = self.0.lock().expect("receiver").recv();
        drop(batch);
        Ok(())
    }
}

fn memory() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    const N: usize = 20_000;

    // An HTTP series: one more label set of one route (a custom attribute's value).
    let monitoring = pipeline();
    let layer = monitoring
        .layer()
        .with_attribute(CustomAttribute::capped("tenant", 60_000), |head| {
            head.header("x-tenant")
        });
    let router = Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .layer(layer)
        .with_state(());
    let series = per_item(N, |i| {
        runtime.block_on(get_path(&router, "/users/1", Some(&format!("t{i}"))))
    });

    // A route: its series, and what the layer keeps per route (template, span name, scope).
    let monitoring = pipeline();
    let mut router = Router::new();
    for route in 0..N + N / 10 {
        router = router.route(&format!("/r{route}"), get(|| async { "ok" }));
    }
    let router = router.layer(monitoring.layer()).with_state(());
    // The router's own tables are built before the measurement: only the first requests
    // to each route count.
    let routes = per_item(N, |i| {
        runtime.block_on(get_path(&router, &format!("/r{i}"), None))
    });

    // A dependency series: one more table of a database call.
    let monitoring = pipeline();
    let dependencies = monitoring.dependencies().clone();
    let tables: Vec<&'static str> = (0..N + N / 10)
        .map(|i| &*Box::leak(format!("table_{i}").into_boxed_str()))
        .collect();
    let dependency = per_item(N, |i| {
        runtime
            .block_on(dependencies.db("sqlite", "select", tables[i], async {
                Ok::<_, std::io::Error>(())
            }))
            .expect("call");
    });

    // A span waiting in the export queue (2 048 in the queue and 512 in the batch the
    // exporter holds), made by the layer with every attribute a request gives it.
    let (release, held) = mpsc::channel();
    let traced = Monitoring::builder()
        .service_name("scale")
        .sampler(Sampler::AlwaysOn)
        .span_exporter(HeldExporter(Mutex::new(held)))
        .system_metrics(false)
        .alert_thread(false)
        .build()
        .expect("pipeline");
    let router = Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .layer(traced.layer())
        .with_state(());
    runtime.block_on(get_path(&router, "/users/0", None));
    std::thread::sleep(Duration::from_millis(200));
    let before = resident();
    for i in 0..2_048 + 511 {
        runtime.block_on(get_path(&router, &format!("/users/{i}?q=1"), None));
    }
    let spans = resident().saturating_sub(before) as f64 / (2_048 + 511) as f64;
    drop(release);

    // The largest cardinality limit the builder accepts (100 000 label sets per
    // instrument), filled: two routes of 50 000 tenants each.
    let monitoring = Monitoring::builder()
        .service_name("scale")
        .cardinality_limit(100_000)
        .system_metrics(false)
        .alert_thread(false)
        .build()
        .expect("pipeline");
    let layer = monitoring
        .layer()
        .with_attribute(CustomAttribute::capped("tenant", 50_000), |head| {
            head.header("x-tenant")
        });
    let router = Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .route("/orders/{id}", get(|| async { "order" }))
        .layer(layer)
        .with_state(());
    let before = resident();
    for tenant in 0..50_000 {
        let tenant = format!("t{tenant}");
        runtime.block_on(get_path(&router, "/users/1", Some(&tenant)));
        runtime.block_on(get_path(&router, "/orders/1", Some(&tenant)));
    }
    let full = resident().saturating_sub(before);
    let text = monitoring.render_prometheus();
    let kept = text
        .lines()
        .filter(|line| line.starts_with("http_server_request_duration_seconds_count{"))
        .count();

    println!("memory (resident size grown per item, {N} items each, this machine):");
    println!("  HTTP series (one more label set of a route): {series:.0} bytes");
    println!("  route (its series and the layer's per-route state): {routes:.0} bytes");
    println!("  dependency series (one more table of a db call): {dependency:.0} bytes");
    println!("  span waiting in the export queue: {spans:.0} bytes");
    println!(
        "  100 000 label sets (the largest cardinality limit), {kept} request-duration series kept: {:.0} MB",
        full as f64 / 1e6
    );
}

criterion_group!(benches, contention);
criterion_main!(benches);
