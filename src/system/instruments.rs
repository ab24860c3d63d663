//! The observable instruments: each callback reads the latest snapshot (or the tokio
//! runtime's own counters), so a collection never waits for `/proc`.

use std::sync::PoisonError;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{AsyncInstrument, Meter, ObservableGauge, ObservableUpDownCounter};

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

pub(crate) fn register(meter: &Meter, latest: &Latest) -> SystemInstruments {
    let ratio = |name: &'static str, description: &'static str, figure: fn(&Snapshot) -> f64| {
        let latest = latest.clone();
        meter
            .f64_observable_gauge(name)
            .with_unit(names::UNIT_RATIO)
            .with_description(description)
            .with_callback(move |observer| observer.observe(read(&latest, figure), &[]))
            .build()
    };
    let bytes = |name: &'static str,
                 description: &'static str,
                 observe: fn(&Snapshot, &dyn AsyncInstrument<i64>)| {
        let latest = latest.clone();
        meter
            .i64_observable_up_down_counter(name)
            .with_unit(names::UNIT_BYTES)
            .with_description(description)
            .with_callback(move |observer| read(&latest, |snapshot| observe(snapshot, observer)))
            .build()
    };
    let count = |name: &'static str,
                 unit: &'static str,
                 description: &'static str,
                 figure: fn(&Snapshot) -> Option<u64>| {
        let latest = latest.clone();
        meter
            .i64_observable_up_down_counter(name)
            .with_unit(unit)
            .with_description(description)
            .with_callback(move |observer| {
                if let Some(value) = read(&latest, figure) {
                    observer.observe(clamp(value), &[]);
                }
            })
            .build()
    };

    let mut gauges = vec![
        ratio(
            names::PROCESS_CPU_UTILIZATION,
            "Share of all CPUs this process used over the last refresh interval",
            |s| s.process_cpu_utilization,
        ),
        ratio(
            names::PROCESS_MEMORY_UTILIZATION,
            "Resident memory of this process over its limit (the cgroup's, else the machine's)",
            |s| share(s.process_memory_resident, s.memory_limit),
        ),
        ratio(
            names::SYSTEM_CPU_UTILIZATION,
            "Share of all CPUs the machine used over the last refresh interval",
            |s| s.system_cpu_utilization,
        ),
        ratio(
            names::SYSTEM_MEMORY_UTILIZATION,
            "Share of the machine's memory in use",
            |s| share(s.system_memory_used, s.system_memory_total),
        ),
        ratio(
            names::SYSTEM_FILESYSTEM_UTILIZATION,
            "Share of the working directory's filesystem in use, as df computes it: used over used plus available",
            |s| s.filesystem.map_or(0.0, Filesystem::utilization),
        ),
    ];
    let start = latest.clone();
    gauges.push(
        meter
            .f64_observable_gauge(names::PROCESS_UPTIME)
            .with_unit(names::UNIT_SECONDS)
            .with_description("Seconds since the process started")
            .with_callback(move |observer| {
                let started = read(&start, |s| s.process_start_time);
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |now| now.as_secs());
                observer.observe(now.saturating_sub(started) as f64, &[]);
            })
            .build(),
    );

    let mut counts = vec![
        bytes(
            names::PROCESS_MEMORY_USAGE,
            "Resident memory of this process",
            |s, observer| observer.observe(clamp(s.process_memory_resident), &[]),
        ),
        bytes(
            names::PROCESS_MEMORY_VIRTUAL,
            "Virtual memory of this process",
            |s, observer| observer.observe(clamp(s.process_memory_virtual), &[]),
        ),
        bytes(
            names::SYSTEM_MEMORY_USAGE,
            "Memory of the machine by state (used, free)",
            |s, observer| {
                let free = s.system_memory_available;
                let used = s.system_memory_used;
                for (state, value) in [("used", used), ("free", free)] {
                    observer.observe(
                        clamp(value),
                        &[KeyValue::new(attr::SYSTEM_MEMORY_STATE, state)],
                    );
                }
            },
        ),
        bytes(
            names::SYSTEM_FILESYSTEM_USAGE,
            "The working directory's filesystem by state (used, free, reserved)",
            |s, observer| {
                if let Some(fs) = s.filesystem {
                    for (state, value) in [
                        ("used", fs.used),
                        ("free", fs.available),
                        ("reserved", fs.reserved),
                    ] {
                        observer.observe(
                            clamp(value),
                            &[KeyValue::new(attr::SYSTEM_FILESYSTEM_STATE, state)],
                        );
                    }
                }
            },
        ),
        count(
            names::PROCESS_THREAD_COUNT,
            names::UNIT_THREADS,
            "Threads of this process",
            |s| s.process_threads,
        ),
        count(
            names::PROCESS_OPEN_FILE_DESCRIPTOR_COUNT,
            names::UNIT_FILE_DESCRIPTORS,
            "Open file descriptors of this process",
            |s| s.process_open_files,
        ),
    ];
    counts.extend(runtime(meter));
    SystemInstruments { gauges, counts }
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
