//! Writes the Prometheus rules and Grafana dashboards the project ships into `alerts/` and
//! `dashboards/`, from the metric-name constants: `cargo run --example gen_artifacts --features artifacts`.
//!
//! `NAMESPACE=orders` generates them for a service built with `.namespace("orders")`;
//! `JOB=orders` for another Prometheus job name; the thresholds follow `ERROR_RATIO_WARNING`,
//! `ERROR_RATIO_CRITICAL`, `LATENCY_P95_SECONDS`, `LATENCY_P99_SECONDS`, `IN_FLIGHT_LIMIT`,
//! `AVAILABILITY_OBJECTIVE`, `LATENCY_OBJECTIVE`, `LATENCY_OBJECTIVE_SECONDS`, `SLA_OBJECTIVE`,
//! `SLOW_TOOL_SECONDS`, `TOOL_QUEUE_BACKLOG`, `JOB_QUEUE_BACKLOG`, `LOAD_PER_CPU` and
//! `CERTIFICATE_EXPIRY_DAYS`; routes with
//! latency objectives of their own come as
//! `ROUTE_LATENCY_OBJECTIVES="/reports/{id}=0.95@2.5;/search=0.9@1"` (share @ seconds). A
//! test checks that the committed files are this generator's default output.

use tower_monitoring::artifacts::{
    ArtifactOptions, RouteObjective, alert_rules, dashboards, recording_rules,
};

fn main() -> std::io::Result<()> {
    let mut options = ArtifactOptions::default();
    if let Ok(namespace) = std::env::var("NAMESPACE") {
        options.namespace = Some(namespace);
    }
    if let Ok(job) = std::env::var("JOB") {
        options.job = job;
    }
    let policy = &mut options.policy;
    for (name, field) in [
        ("ERROR_RATIO_WARNING", &mut policy.error_ratio_warning),
        ("ERROR_RATIO_CRITICAL", &mut policy.error_ratio_critical),
        ("LATENCY_P95_SECONDS", &mut policy.latency_p95_seconds),
        ("LATENCY_P99_SECONDS", &mut policy.latency_p99_seconds),
        ("IN_FLIGHT_LIMIT", &mut policy.in_flight_limit),
        ("LOAD_PER_CPU", &mut policy.load_per_cpu),
        (
            "AVAILABILITY_OBJECTIVE",
            &mut options.availability_objective,
        ),
        ("LATENCY_OBJECTIVE", &mut options.latency_objective),
        (
            "LATENCY_OBJECTIVE_SECONDS",
            &mut options.latency_objective_seconds,
        ),
        ("SLA_OBJECTIVE", &mut options.sla_objective),
        ("SLOW_TOOL_SECONDS", &mut options.slow_tool_seconds),
        ("TOOL_QUEUE_BACKLOG", &mut options.tool_queue_backlog),
        ("JOB_QUEUE_BACKLOG", &mut options.job_queue_backlog),
        (
            "CERTIFICATE_EXPIRY_DAYS",
            &mut options.certificate_expiry_days,
        ),
    ] {
        if let Ok(value) = std::env::var(name) {
            *field = value.parse().map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{name}={value:?} is not a number"),
                )
            })?;
        }
    }
    if let Ok(list) = std::env::var("ROUTE_LATENCY_OBJECTIVES") {
        for item in list.split(';').filter(|item| !item.trim().is_empty()) {
            let parsed = item.split_once('=').and_then(|(route, target)| {
                let (objective, seconds) = target.split_once('@')?;
                Some(RouteObjective::new(
                    route.trim(),
                    objective.trim().parse().ok()?,
                    seconds.trim().parse().ok()?,
                ))
            });
            match parsed {
                Some(objective) => options.route_latency_objectives.push(objective),
                None => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("{item:?} is not ROUTE=SHARE@SECONDS"),
                    ));
                }
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("alerts");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("recording_rules.yml"), recording_rules(&options))?;
    std::fs::write(dir.join("alert_rules.yml"), alert_rules(&options))?;
    let boards = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dashboards");
    std::fs::create_dir_all(&boards)?;
    for (name, dashboard) in dashboards(&options) {
        let text = serde_json::to_string_pretty(&dashboard).map_err(std::io::Error::other)?;
        std::fs::write(boards.join(name), text + "\n")?;
    }
    println!("wrote {} and {}", dir.display(), boards.display());
    Ok(())
}
