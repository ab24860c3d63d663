//! One reading of the process and the machine, taken by sysinfo off the request path.

use std::path::PathBuf;

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

/// The figures the observable instruments report, as of the last refresh.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Snapshot {
    /// Share of all CPUs this process used since the previous refresh, 0 to 1.
    pub(crate) process_cpu_utilization: f64,
    pub(crate) process_memory_resident: u64,
    pub(crate) process_memory_virtual: u64,
    /// The memory the process may use: its cgroup's limit when it has one, else the machine's.
    pub(crate) memory_limit: u64,
    pub(crate) process_threads: Option<u64>,
    pub(crate) process_open_files: Option<u64>,
    /// Seconds since the Unix epoch.
    pub(crate) process_start_time: u64,
    /// Share of all CPUs the machine used since the previous refresh, 0 to 1.
    pub(crate) system_cpu_utilization: f64,
    /// The load average over 1, 5 and 15 minutes.
    pub(crate) load_average: [f64; 3],
    pub(crate) logical_cpus: u64,
    pub(crate) system_memory_total: u64,
    pub(crate) system_memory_used: u64,
    pub(crate) system_memory_available: u64,
    /// The filesystem holding the working directory.
    pub(crate) filesystem: Option<Filesystem>,
}

/// A filesystem's space as `df` reports it: blocks reserved for root are neither used nor
/// available to the service, so they count in neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Filesystem {
    /// Bytes in use (`f_blocks - f_bfree`).
    pub(crate) used: u64,
    /// Bytes an unprivileged process may still write (`f_bavail`).
    pub(crate) available: u64,
    /// Bytes free but reserved for root (`f_bfree - f_bavail`).
    pub(crate) reserved: u64,
}

impl Filesystem {
    /// From `statvfs` counts: `blocks` in all, `free` of them, `available` to non-root,
    /// each `fragment` bytes.
    pub(crate) fn from_blocks(blocks: u64, free: u64, available: u64, fragment: u64) -> Self {
        let free = free.min(blocks);
        let available = available.min(free);
        Self {
            used: (blocks - free).saturating_mul(fragment),
            available: available.saturating_mul(fragment),
            reserved: (free - available).saturating_mul(fragment),
        }
    }

    /// `df`'s "Use%": used over what the service could fill, used plus available.
    pub(crate) fn utilization(self) -> f64 {
        let usable = self.used.saturating_add(self.available);
        if usable == 0 {
            0.0
        } else {
            self.used as f64 / usable as f64
        }
    }

    /// The filesystem holding `path`, `None` where `statvfs` is unavailable or fails.
    fn of(path: &std::path::Path) -> Option<Self> {
        #[cfg(unix)]
        {
            let stat = rustix::fs::statvfs(path).ok()?;
            Some(Self::from_blocks(
                stat.f_blocks,
                stat.f_bfree,
                stat.f_bavail,
                stat.f_frsize,
            ))
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }
}

/// Threads of this process. On Linux `/proc/self/status` counts every thread, the main one
/// included (sysinfo's task list leaves it out); elsewhere sysinfo's count, if any.
fn thread_count(process: &sysinfo::Process) -> Option<u64> {
    #[cfg(target_os = "linux")]
    if let Some(threads) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| proc_status_threads(&status))
    {
        return Some(threads);
    }
    process.tasks().map(|tasks| tasks.len() as u64)
}

/// The `Threads:` line of a `/proc/PID/status` file.
fn proc_status_threads(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|count| count.trim().parse().ok())
}

/// Takes snapshots; owns sysinfo's state between them (CPU figures are differences).
pub(crate) struct Sampler {
    system: System,
    pid: Option<Pid>,
    cpus: f64,
    working_dir: PathBuf,
}

impl Sampler {
    pub(crate) fn new() -> Self {
        Self {
            system: System::new(),
            pid: sysinfo::get_current_pid().ok(),
            cpus: std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64),
            working_dir: std::env::current_dir().unwrap_or_default(),
        }
    }

    pub(crate) fn sample(&mut self) -> Snapshot {
        self.system.refresh_cpu_usage();
        self.system.refresh_memory();
        let memory_limit = self
            .system
            .cgroup_limits()
            .map(|limits| limits.total_memory)
            .filter(|limit| *limit > 0)
            .unwrap_or_else(|| self.system.total_memory());
        let mut snapshot = Snapshot {
            memory_limit,
            system_cpu_utilization: f64::from(self.system.global_cpu_usage()) / 100.0,
            load_average: {
                let load = System::load_average();
                [load.one, load.five, load.fifteen]
            },
            // The machine's CPUs, as the load average is the machine's (not the cgroup quota
            // that `available_parallelism` reports).
            logical_cpus: match self.system.cpus().len() {
                0 => self.cpus as u64,
                n => n as u64,
            },
            system_memory_total: self.system.total_memory(),
            system_memory_used: self.system.used_memory(),
            system_memory_available: self.system.available_memory(),
            ..Snapshot::default()
        };
        if let Some(pid) = self.pid {
            self.system.refresh_processes_specifics(
                ProcessesToUpdate::Some(&[pid]),
                true,
                ProcessRefreshKind::nothing()
                    .with_cpu()
                    .with_memory()
                    .with_tasks(),
            );
            if let Some(process) = self.system.process(pid) {
                snapshot.process_cpu_utilization =
                    (f64::from(process.cpu_usage()) / 100.0 / self.cpus).clamp(0.0, 1.0);
                snapshot.process_memory_resident = process.memory();
                snapshot.process_memory_virtual = process.virtual_memory();
                snapshot.process_threads = thread_count(process);
                snapshot.process_open_files = process.open_files().map(|files| files as u64);
                snapshot.process_start_time = process.start_time();
            }
        }
        snapshot.filesystem = Filesystem::of(&self.working_dir);
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_blocks_are_neither_used_nor_available() {
        // 100 blocks of 4 KiB: 20 used, 80 free of which 5 are reserved for root.
        let fs = Filesystem::from_blocks(100, 80, 75, 4096);
        assert_eq!(fs.used, 20 * 4096);
        assert_eq!(fs.available, 75 * 4096);
        assert_eq!(fs.reserved, 5 * 4096);
        // df: used / (used + available) = 20 / 95, not (100 - 75) / 100.
        assert!((fs.utilization() - 20.0 / 95.0).abs() < 1e-12);
        assert_eq!(Filesystem::default().utilization(), 0.0);
        // Counts that disagree (a racing statvfs) never underflow.
        let odd = Filesystem::from_blocks(10, 20, 30, 1);
        assert_eq!((odd.used, odd.available, odd.reserved), (0, 10, 0));
    }

    #[test]
    fn the_threads_line_of_proc_status() {
        let status = "Name:\tserver\nState:\tS (sleeping)\nThreads:\t7\nSigQ:\t0/1\n";
        assert_eq!(proc_status_threads(status), Some(7));
        assert_eq!(proc_status_threads("Name:\tx\n"), None);
    }
}
