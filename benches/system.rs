//! What the system metrics cost: one refresh by the background thread (sysinfo reading
//! `/proc`), and what they add to a scrape, which only reads the latest snapshot.
//!
//! ```sh
//! cargo bench --bench system
//! ```
//!
//! Latest figures (2 shared cores, 2026-11-22; compare within one run):
//!
//! | what | time |
//! |---|---|
//! | one refresh (`refresh`), on the background thread | 670 µs |
//! | scrape of an otherwise empty registry without system metrics (`scrape/without`) | 1.2 µs |
//! | the same scrape with system metrics (`scrape/with`) | 33 µs |

use criterion::{Criterion, criterion_group, criterion_main};
use tower_monitoring::Monitoring;
use tower_monitoring::system::SystemSampler;

fn system(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let _inside = runtime.enter();

    let mut sampler = SystemSampler::default();
    c.bench_function("refresh", |b| {
        b.iter(|| std::hint::black_box(sampler.sample()))
    });

    let without = Monitoring::builder()
        .service_name("bench")
        .system_metrics(false)
        .build()
        .expect("pipeline");
    let with = Monitoring::builder()
        .service_name("bench")
        .build()
        .expect("pipeline");
    let mut scrape = c.benchmark_group("scrape");
    scrape.bench_function("without", |b| b.iter(|| without.render_prometheus()));
    scrape.bench_function("with", |b| b.iter(|| with.render_prometheus()));
    scrape.finish();
    assert!(
        with.render_prometheus()
            .contains("process_memory_usage_bytes")
    );
}

criterion_group!(benches, system);
criterion_main!(benches);
