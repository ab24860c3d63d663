//! Process, system and tokio runtime metrics (feature `system`).
//!
//! | OpenTelemetry name | Prometheus name | meaning |
//! |---|---|---|
//! | `process.cpu.utilization` | `process_cpu_utilization_ratio` | share of all CPUs used by the process |
//! | `process.memory.usage` / `.virtual` | `process_memory_usage_bytes` / `process_memory_virtual_bytes` | resident / virtual memory |
//! | `process.threads` | `process_threads` | threads |
//! | `process.open_file_descriptors` | `process_open_file_descriptors` | open file descriptors |
//! | `process.uptime` | `process_uptime_seconds` | seconds since start |
//! | `system.cpu.utilization` | `system_cpu_utilization_ratio` | share of all CPUs used by the machine |
//! | `system.cpu.load_average.1m`, `.5m`, `.15m` | `system_cpu_load_average_1m`, ... | the machine's load average |
//! | `system.cpu.logical_cpus` | `system_cpu_logical_cpus` | logical CPUs of the machine, for the load per CPU |
//! | `system.memory.usage` (`used`, `free`) / `.utilization` | `system_memory_usage_bytes` / `system_memory_utilization_ratio` | memory |
//! | `system.filesystem.usage` (`used`, `free`) / `.utilization` | `system_filesystem_usage_bytes` / `system_filesystem_utilization_ratio` | the working directory's filesystem |
//! | `runtime.tokio.workers`, `.alive_tasks`, `.global_queue_depth` | `runtime_tokio_workers`, ... | the tokio runtime the pipelines were built in |
//!
//! sysinfo is read by a thread of its own once per refresh interval (default 15 s, see
//! [`MonitoringBuilder::system_refresh_interval`](crate::MonitoringBuilder::system_refresh_interval));
//! a collection only reads the latest snapshot, so a scrape never waits for `/proc` and no
//! runtime worker is blocked. CPU figures cover the last interval.

mod collector;
mod instruments;
mod snapshot;

use std::time::Duration;

use opentelemetry::metrics::Meter;

/// The default refresh interval, one scrape period of a typical Prometheus.
pub const DEFAULT_SYSTEM_REFRESH_INTERVAL: Duration = Duration::from_secs(15);

/// The refresh thread and the instruments; dropping it stops both.
#[derive(Debug)]
pub(crate) struct SystemMetrics {
    _collector: collector::Collector,
    _instruments: instruments::SystemInstruments,
}

impl SystemMetrics {
    pub(crate) fn start(meter: &Meter, interval: Duration) -> Self {
        let collector = collector::Collector::start(interval);
        let instruments = instruments::register(meter, &collector.latest());
        Self {
            _collector: collector,
            _instruments: instruments,
        }
    }
}

/// What the refresh thread does once per interval, on demand: for the benchmark of its cost
/// (feature `testing`).
#[cfg(feature = "testing")]
pub struct SystemSampler(snapshot::Sampler);

#[cfg(feature = "testing")]
impl Default for SystemSampler {
    fn default() -> Self {
        Self(snapshot::Sampler::new())
    }
}

#[cfg(feature = "testing")]
impl SystemSampler {
    /// One refresh of every figure.
    pub fn sample(&mut self) -> impl std::fmt::Debug + use<> {
        self.0.sample()
    }
}
