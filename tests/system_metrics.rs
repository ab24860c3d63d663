//! Process, system and runtime metrics: present in `/metrics`, plausible, accepted by
//! promtool, and absent when switched off.

mod support;

use std::time::Duration;

use tower_monitoring::{Monitoring, names::prometheus as prom};

fn value(text: &str, name: &str, labels: &[&str]) -> f64 {
    support::prometheus::sample(text, name, labels)
        .unwrap_or_else(|| panic!("no {name} {labels:?} in\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_metrics_are_present_and_plausible() {
    let monitoring = Monitoring::builder()
        .service_name("system")
        .system_refresh_interval(Duration::from_millis(100))
        .build()
        .unwrap();
    let text = monitoring.render_prometheus();

    let resident = value(&text, prom::PROCESS_MEMORY_USAGE, &[]);
    assert!(
        resident > 1_000_000.0,
        "a test process uses more than 1 MB: {resident}"
    );
    assert!(value(&text, prom::PROCESS_MEMORY_VIRTUAL, &[]) >= resident);
    assert!(
        value(&text, prom::PROCESS_THREAD_COUNT, &[]) >= 2.0,
        "the runtime has workers"
    );
    assert!(value(&text, prom::PROCESS_OPEN_FILE_DESCRIPTOR_COUNT, &[]) >= 3.0);
    let uptime = value(&text, prom::PROCESS_UPTIME, &[]);
    assert!((0.0..3600.0).contains(&uptime), "{uptime}");
    for ratio in [
        prom::PROCESS_CPU_UTILIZATION,
        prom::SYSTEM_CPU_UTILIZATION,
        prom::SYSTEM_MEMORY_UTILIZATION,
        prom::SYSTEM_FILESYSTEM_UTILIZATION,
    ] {
        let share = value(&text, ratio, &[]);
        assert!((0.0..=1.0).contains(&share), "{ratio} = {share}");
    }
    let used = value(
        &text,
        prom::SYSTEM_MEMORY_USAGE,
        &["system_memory_state=\"used\""],
    );
    assert!(used > resident, "the machine uses more than this process");
    assert!(
        value(
            &text,
            prom::SYSTEM_FILESYSTEM_USAGE,
            &["system_filesystem_state=\"free\""]
        ) > 0.0
    );
    assert_eq!(value(&text, prom::RUNTIME_TOKIO_WORKERS, &[]), 2.0);
    assert!(value(&text, prom::RUNTIME_TOKIO_ALIVE_TASKS, &[]) >= 0.0);
    support::prometheus::promtool_accepts(&text);

    // The refresh thread keeps the figures current: CPU time spent now shows up.
    let busy_until = std::time::Instant::now() + Duration::from_millis(400);
    let mut spin = 0u64;
    while std::time::Instant::now() < busy_until {
        spin = std::hint::black_box(spin.wrapping_add(1));
    }
    let text = monitoring.render_prometheus();
    assert!(
        value(&text, prom::PROCESS_CPU_UTILIZATION, &[]) > 0.0,
        "{text}"
    );
}

#[tokio::test]
async fn system_metrics_can_be_switched_off() {
    let monitoring = Monitoring::builder()
        .service_name("quiet")
        .system_metrics(false)
        .build()
        .unwrap();
    let text = monitoring.render_prometheus();
    assert!(!text.contains("process_"), "{text}");
    assert!(!text.contains("system_"), "{text}");

    let err = Monitoring::builder()
        .system_refresh_interval(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("refresh interval"), "{err}");
}

/// Polls `read` until it returns `true` or 10 s pass (the refresh thread runs every 50 ms).
fn eventually(mut read: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if read() {
            return true;
        }
        std::thread::yield_now();
    }
    false
}

/// The disk figures agree with `df`, which leaves the blocks reserved for root out of both
/// used and available, and the thread count with the kernel's.
#[cfg(target_os = "linux")]
#[test]
fn disk_and_threads_agree_with_df_and_proc() {
    let monitoring = Monitoring::builder()
        .service_name("df")
        .system_refresh_interval(Duration::from_millis(50))
        .build()
        .unwrap();

    let df = std::process::Command::new("df")
        .args(["-P", "-B1", "."])
        .output()
        .expect("df (coreutils) runs");
    let report = String::from_utf8_lossy(&df.stdout).into_owned();
    let fields: Vec<f64> = report
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .skip(1)
        .take(3)
        .map(|field| field.parse().unwrap())
        .collect();
    let (size, used, available) = (fields[0], fields[1], fields[2]);
    let text = monitoring.render_prometheus();
    let ratio = value(&text, prom::SYSTEM_FILESYSTEM_UTILIZATION, &[]);
    let expected = used / (used + available);
    // Other processes write meanwhile: within 0.5 % of the disk, not 0.72 against 0.24.
    assert!(
        (ratio - expected).abs() < 0.005,
        "utilization {ratio}, df says {expected} ({report})"
    );
    let state = |state: &str| {
        value(
            &text,
            prom::SYSTEM_FILESYSTEM_USAGE,
            &[&format!("system_filesystem_state=\"{state}\"")],
        )
    };
    let total = state("used") + state("free") + state("reserved");
    assert!(
        (total - size).abs() / size < 0.005,
        "used + free + reserved = {total}, df's size {size}"
    );

    let kernel_threads = || -> f64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
        line["Threads:".len()..].trim().parse().unwrap()
    };
    // Equal once a refresh ran after the last thread started (the refresh thread itself
    // starts after the first snapshot).
    let mut last = (0.0, 0.0);
    assert!(
        eventually(|| {
            let ours = value(
                &monitoring.render_prometheus(),
                prom::PROCESS_THREAD_COUNT,
                &[],
            );
            last = (ours, kernel_threads());
            last.0 == last.1
        }),
        "process_threads {} against the kernel's {}",
        last.0,
        last.1
    );
}

/// The load averages are the kernel's (`/proc/loadavg`, rounded to two decimals there) and
/// the logical CPUs are the machine's (`/proc/cpuinfo`), not a cgroup quota.
#[cfg(target_os = "linux")]
#[test]
fn load_averages_and_cpus_agree_with_proc() {
    let monitoring = Monitoring::builder()
        .service_name("load")
        .system_refresh_interval(Duration::from_millis(50))
        .build()
        .unwrap();
    let cpus = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("processor"))
        .count() as f64;
    let text = monitoring.render_prometheus();
    assert_eq!(
        value(&text, prom::SYSTEM_CPU_LOGICAL_CPUS, &[]),
        cpus,
        "{text}"
    );
    let kernel: Vec<f64> = std::fs::read_to_string("/proc/loadavg")
        .unwrap()
        .split_whitespace()
        .take(3)
        .map(|field| field.parse().unwrap())
        .collect();
    for (name, kernel) in [
        prom::SYSTEM_CPU_LOAD_AVERAGE_1M,
        prom::SYSTEM_CPU_LOAD_AVERAGE_5M,
        prom::SYSTEM_CPU_LOAD_AVERAGE_15M,
    ]
    .into_iter()
    .zip(kernel)
    {
        let ours = value(&text, name, &[]);
        // Read a moment apart: the 1-minute average moves, by little.
        assert!(
            (ours - kernel).abs() < 0.5,
            "{name} {ours}, /proc/loadavg {kernel}"
        );
    }
}
