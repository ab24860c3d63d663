//! The observable instruments: each callback reads the latest snapshot (or the tokio
//! runtime's own counters), so a collection never waits for `/proc`.

use std::sync::PoisonError;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Meter, ObservableGauge, ObservableUpDownCounter};

use super::collector::Latest;
use super::snapshot::{Filesystem, Snapshot};
use crate::names::{self, attr};

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

/// A gauge read from the snapshot: name, unit, description, and how to read it.
type Gauge = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Snapshot) -> f64,
);

const GAUGES: &[Gauge] = &[
    (
        names::PROCESS_CPU_UTILIZATION,
        names::UNIT_RATIO,
        "Share of all CPUs this process used over the last refresh interval",
        |s| s.process_cpu_utilization,
    ),
    (
        names::PROCESS_MEMORY_UTILIZATION,
        names::UNIT_RATIO,
        "Resident memory of this process over its limit (the cgroup's, else the machine's)",
        |s| share(s.process_memory_resident, s.memory_limit),
    ),
    (
        names::SYSTEM_CPU_UTILIZATION,
        names::UNIT_RATIO,
        "Share of all CPUs the machine used over the last refresh interval",
        |s| s.system_cpu_utilization,
    ),
    (
        names::SYSTEM_MEMORY_UTILIZATION,
        names::UNIT_RATIO,
        "Share of the machine's memory in use",
        |s| share(s.system_memory_used, s.system_memory_total),
    ),
    (
        names::SYSTEM_FILESYSTEM_UTILIZATION,
        names::UNIT_RATIO,
        "Share of the working directory's filesystem in use, as df computes it: used over used plus available",
        |s| s.filesystem.map_or(0.0, Filesystem::utilization),
    ),
    (
        names::SYSTEM_CPU_LOAD_AVERAGE_1M,
        names::UNIT_THREADS,
        "The machine's load average over 1 minute",
        |s| s.load_average[0],
    ),
    (
        names::SYSTEM_CPU_LOAD_AVERAGE_5M,
        names::UNIT_THREADS,
        "The machine's load average over 5 minutes",
        |s| s.load_average[1],
    ),
    (
        names::SYSTEM_CPU_LOAD_AVERAGE_15M,
        names::UNIT_THREADS,
        "The machine's load average over 15 minutes",
        |s| s.load_average[2],
    ),
    (
        names::SYSTEM_CPU_LOGICAL_CPUS,
        names::UNIT_CPUS,
        "Logical CPUs of the machine",
        |s| s.logical_cpus as f64,
    ),
];

/// The counts: name, unit, description, and its points as (state, value); a state of `""`
/// means the point has no attribute.
type Count = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Snapshot) -> Vec<(&'static str, u64)>,
);

const COUNTS: &[Count] = &[
    (
        names::PROCESS_MEMORY_USAGE,
        names::UNIT_BYTES,
        "Resident memory of this process",
        |s| vec![("", s.process_memory_resident)],
    ),
    (
        names::PROCESS_MEMORY_VIRTUAL,
        names::UNIT_BYTES,
        "Virtual memory of this process",
        |s| vec![("", s.process_memory_virtual)],
    ),
    (
        names::SYSTEM_MEMORY_USAGE,
        names::UNIT_BYTES,
        "Memory of the machine by state (used, free)",
        |s| {
            vec![
                ("used", s.system_memory_used),
                ("free", s.system_memory_available),
            ]
        },
    ),
    (
        names::SYSTEM_FILESYSTEM_USAGE,
        names::UNIT_BYTES,
        "The working directory's filesystem by state (used, free, reserved)",
        |s| {
            s.filesystem.map_or_else(Vec::new, |fs| {
                vec![
                    ("used", fs.used),
                    ("free", fs.available),
                    ("reserved", fs.reserved),
                ]
            })
        },
    ),
    (
        names::PROCESS_THREAD_COUNT,
        names::UNIT_THREADS,
        "Threads of this process",
        |s| s.process_threads.map(|n| ("", n)).into_iter().collect(),
    ),
    (
        names::PROCESS_OPEN_FILE_DESCRIPTOR_COUNT,
        names::UNIT_FILE_DESCRIPTORS,
        "Open file descriptors of this process",
        |s| s.process_open_files.map(|n| ("", n)).into_iter().collect(),
    ),
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
        .map(|&(name, unit, description, figure)| {
            let latest = latest.clone();
            meter
                .f64_observable_gauge(name)
                .with_unit(unit)
                .with_description(description)
                .with_callback(move |observer| observer.observe(read(&latest, figure), &[]))
                .build()
        })
        .collect();
    gauges.push(uptime(meter, latest.clone()));
    let mut counts: Vec<_> = COUNTS
        .iter()
        .map(|&(name, unit, description, points)| {
            let latest = latest.clone();
            meter
                .i64_observable_up_down_counter(name)
                .with_unit(unit)
                .with_description(description)
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
    meter
        .f64_observable_gauge(names::PROCESS_UPTIME)
        .with_unit(names::UNIT_SECONDS)
        .with_description("Seconds since the process started")
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
type RuntimeFigure = (
    &'static str,
    &'static str,
    &'static str,
    fn(&tokio::runtime::RuntimeMetrics) -> usize,
);

/// The tokio runtime's stable counters, when the pipelines are built inside a runtime.
fn runtime(meter: &Meter) -> Vec<ObservableUpDownCounter<i64>> {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return Vec::new();
    };
    let figures: [RuntimeFigure; 3] = [
        (
            names::RUNTIME_TOKIO_WORKERS,
            names::UNIT_THREADS,
            "Worker threads of the tokio runtime",
            |m| m.num_workers(),
        ),
        (
            names::RUNTIME_TOKIO_ALIVE_TASKS,
            names::UNIT_TASKS,
            "Tasks alive in the tokio runtime",
            |m| m.num_alive_tasks(),
        ),
        (
            names::RUNTIME_TOKIO_GLOBAL_QUEUE_DEPTH,
            names::UNIT_TASKS,
            "Tasks waiting in the runtime's global queue",
            |m| m.global_queue_depth(),
        ),
    ];
    figures
        .into_iter()
        .map(|(name, unit, description, figure)| {
            let handle = handle.clone();
            meter
                .i64_observable_up_down_counter(name)
                .with_unit(unit)
                .with_description(description)
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
