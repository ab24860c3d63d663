//! The observable instruments: each callback reads the latest snapshot (or the tokio
//! runtime's own counters), so a collection never waits for `/proc`.

use std::sync::PoisonError;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Meter, ObservableGauge, ObservableUpDownCounter};

use super::collector::Latest;
use super::snapshot::{Filesystem, Snapshot};
use crate::names::{self, Metric, attr, metric};

/// Keeps the registered instruments alive; their callbacks run at every collection.
#[allow(dead_code)]
pub(crate) struct SystemInstruments {
    gauges: Vec<ObservableGauge<f64>>,
    counts: Vec<ObservableUpDownCounter<i64>>,
}

impl std::fmt::Debug for SystemInstruments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemInstruments").finish_non_exhaustive()
    }
}

/// Reads one figure of the latest snapshot.
fn read<T>(latest: &Latest, figure: impl Fn(&Snapshot) -> T) -> T {
    figure(&latest.read().unwrap_or_else(PoisonError::into_inner))
}

/// A gauge read from the snapshot: its row of the metric table, and how to read it.
type Gauge = (Metric, fn(&Snapshot) -> f64);

const GAUGES: &[Gauge] = &[
    (metric::PROCESS_CPU_UTILIZATION, |s| {
        s.process_cpu_utilization
    }),
    (metric::PROCESS_MEMORY_UTILIZATION, |s| {
        share(s.process_memory_resident, s.memory_limit)
    }),
    (metric::SYSTEM_CPU_UTILIZATION, |s| s.system_cpu_utilization),
    (metric::SYSTEM_MEMORY_UTILIZATION, |s| {
        share(s.system_memory_used, s.system_memory_total)
    }),
    (metric::SYSTEM_FILESYSTEM_UTILIZATION, |s| {
        s.filesystem.map_or(0.0, Filesystem::utilization)
    }),
    (metric::SYSTEM_CPU_LOAD_AVERAGE_1M, |s| s.load_average[0]),
    (metric::SYSTEM_CPU_LOAD_AVERAGE_5M, |s| s.load_average[1]),
    (metric::SYSTEM_CPU_LOAD_AVERAGE_15M, |s| s.load_average[2]),
    (metric::SYSTEM_CPU_LOGICAL_CPUS, |s| s.logical_cpus as f64),
];

/// The counts: name, unit, description, and its points as (state, value); a state of `""`
/// means the point has no attribute.
type Count = (Metric, fn(&Snapshot) -> Vec<(&'static str, u64)>);

const COUNTS: &[Count] = &[
    (metric::PROCESS_MEMORY_USAGE, |s| {
        vec![("", s.process_memory_resident)]
    }),
    (metric::PROCESS_MEMORY_VIRTUAL, |s| {
        vec![("", s.process_memory_virtual)]
    }),
    (metric::SYSTEM_MEMORY_USAGE, |s| {
        vec![
            ("used", s.system_memory_used),
            ("free", s.system_memory_available),
        ]
    }),
    (metric::SYSTEM_FILESYSTEM_USAGE, |s| {
        s.filesystem.map_or_else(Vec::new, |fs| {
            vec![
                ("used", fs.used),
                ("free", fs.available),
                ("reserved", fs.reserved),
            ]
        })
    }),
    (metric::PROCESS_THREAD_COUNT, |s| {
        s.process_threads.map(|n| ("", n)).into_iter().collect()
    }),
    (metric::PROCESS_OPEN_FILE_DESCRIPTOR_COUNT, |s| {
        s.process_open_files.map(|n| ("", n)).into_iter().collect()
    }),
];

/// The attribute key of a count's state.
fn state_key(name: &str) -> &'static str {
    if name == names::SYSTEM_FILESYSTEM_USAGE {
        attr::SYSTEM_FILESYSTEM_STATE
    } else {
        attr::SYSTEM_MEMORY_STATE
    }
}

pub(crate) fn register(meter: &Meter, latest: &Latest) -> SystemInstruments {
    let mut gauges: Vec<_> = GAUGES
        .iter()
        .map(|&(metric, figure)| {
            let latest = latest.clone();
            metric
                .f64_observable_gauge(meter)
                .with_callback(move |observer| observer.observe(read(&latest, figure), &[]))
                .build()
        })
        .collect();
    gauges.push(uptime(meter, latest.clone()));
    let mut counts: Vec<_> = COUNTS
        .iter()
        .map(|&(metric, points)| {
            let latest = latest.clone();
            let name = metric.name;
            metric
                .i64_observable_up_down_counter(meter)
                .with_callback(move |observer| {
                    for (state, value) in read(&latest, points) {
                        let attributes = if state.is_empty() {
                            Vec::new()
                        } else {
                            vec![KeyValue::new(state_key(name), state)]
                        };
                        observer.observe(clamp(value), &attributes);
                    }
                })
                .build()
        })
        .collect();
    counts.extend(runtime(meter));
    SystemInstruments { gauges, counts }
}

/// Seconds since the process started, as of the collection (not the last refresh).
fn uptime(meter: &Meter, latest: Latest) -> ObservableGauge<f64> {
    metric::PROCESS_UPTIME
        .f64_observable_gauge(meter)
        .with_callback(move |observer| {
            let started = read(&latest, |s| s.process_start_time);
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |now| now.as_secs());
            observer.observe(now.saturating_sub(started) as f64, &[]);
        })
        .build()
}

/// Name, unit, description, and how to read it.
type RuntimeFigure = (Metric, fn(&tokio::runtime::RuntimeMetrics) -> usize);

/// The tokio runtime's stable counters, when the pipelines are built inside a runtime.
fn runtime(meter: &Meter) -> Vec<ObservableUpDownCounter<i64>> {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return Vec::new();
    };
    let figures: [RuntimeFigure; 3] = [
        (metric::RUNTIME_TOKIO_WORKERS, |m| m.num_workers()),
        (metric::RUNTIME_TOKIO_ALIVE_TASKS, |m| m.num_alive_tasks()),
        (metric::RUNTIME_TOKIO_GLOBAL_QUEUE_DEPTH, |m| {
            m.global_queue_depth()
        }),
    ];
    figures
        .into_iter()
        .map(|(metric, figure)| {
            let handle = handle.clone();
            metric
                .i64_observable_up_down_counter(meter)
                .with_callback(move |observer| {
                    observer.observe(clamp(figure(&handle.metrics()) as u64), &[]);
                })
                .build()
        })
        .collect()
}

/// `part` over `whole`, 0 when there is no whole to measure against.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn clamp(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
