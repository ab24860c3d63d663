//! One reading of the process and the machine, taken by sysinfo off the request path.

use std::path::PathBuf;

use sysinfo::{Disks, Pid, ProcessRefreshKind, ProcessesToUpdate, System};

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
    pub(crate) system_memory_total: u64,
    pub(crate) system_memory_used: u64,
    pub(crate) system_memory_available: u64,
    /// The filesystem holding the working directory: mount point, total and available bytes.
    pub(crate) filesystem: Option<(u64, u64)>,
}

/// Takes snapshots; owns sysinfo's state between them (CPU figures are differences).
pub(crate) struct Sampler {
    system: System,
    disks: Disks,
    pid: Option<Pid>,
    cpus: f64,
    working_dir: PathBuf,
}

impl Sampler {
    pub(crate) fn new() -> Self {
        Self {
            system: System::new(),
            disks: Disks::new_with_refreshed_list(),
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
                snapshot.process_threads = process.tasks().map(|tasks| tasks.len() as u64);
                snapshot.process_open_files = process.open_files().map(|files| files as u64);
                snapshot.process_start_time = process.start_time();
            }
        }
        self.disks.refresh(true);
        snapshot.filesystem = self
            .disks
            .list()
            .iter()
            .filter(|disk| self.working_dir.starts_with(disk.mount_point()))
            .max_by_key(|disk| disk.mount_point().as_os_str().len())
            .map(|disk| (disk.total_space(), disk.available_space()));
        snapshot
    }
}
