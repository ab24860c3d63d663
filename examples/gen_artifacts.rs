//! Writes the Prometheus rules the project ships into `alerts/`, from the metric-name
//! constants: `cargo run --example gen_artifacts --features artifacts`.
//!
//! `NAMESPACE=orders` generates them for a service built with `.namespace("orders")`;
//! `JOB=orders` for another Prometheus job name. A test checks that the committed files are
//! this generator's default output.

use tower_monitoring::artifacts::{ArtifactOptions, alert_rules, recording_rules};

fn main() -> std::io::Result<()> {
    let mut options = ArtifactOptions::default();
    if let Ok(namespace) = std::env::var("NAMESPACE") {
        options.namespace = Some(namespace);
    }
    if let Ok(job) = std::env::var("JOB") {
        options.job = job;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("alerts");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("recording_rules.yml"), recording_rules(&options))?;
    std::fs::write(dir.join("alert_rules.yml"), alert_rules(&options))?;
    println!("wrote {}", dir.display());
    Ok(())
}
