//! A new user's first hour, checked: the README's "Add it to your service" section is all a
//! service needs. `cargo new` makes a project; the section's `Cargo.toml` lines and its
//! `src/main.rs` go in as they are (only a `[patch]` points `tower-monitoring` at this
//! checkout, as it is not published from here); the project builds, serves, records into its
//! namespace on a metrics port of its own and stops cleanly on SIGTERM.
//!
//! The same project then renames the dependency in its `Cargo.toml`, which the macros follow,
//! and a project on reqwest 0.12 is refused by the compiler with a message naming the two
//! versions.
//!
//! It runs cargo, so it takes minutes the first time (the build directory is kept under
//! `target/fresh-app` for the next run).
#![cfg(unix)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::example::Running;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `Cargo.toml` lines and the `src/main.rs` of the README's section.
fn readme_service() -> (String, String) {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("\n## Add it to your service\n")
        .nth(1)
        .expect("the README has an \"Add it to your service\" section");
    let section = section.split("\n## ").next().unwrap();
    let block = |fence: &str| -> String {
        let start = section
            .find(&format!("```{fence}\n"))
            .unwrap_or_else(|| panic!("no ```{fence} block in the section"))
            + fence.len()
            + 4;
        let end = start + section[start..].find("\n```").unwrap();
        section[start..end].to_owned()
    };
    (block("toml"), block("rust"))
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // One build directory for every project here, kept between runs.
    command.env("CARGO_TARGET_DIR", repo().join("target").join("fresh-app"));
    command
}

/// A project made by `cargo new` at `dir` (anew), with `dependencies` for its
/// `[dependencies]` and `main` for its `src/main.rs`.
fn new_project(dir: &Path, dependencies: &str, main: &str) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    let status = cargo()
        .args(["new", "--quiet", "--bin", "--vcs", "none"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(status.success(), "cargo new failed");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let manifest = manifest.replace("\n[dependencies]\n", "\n");
    let repo = repo();
    let manifest = format!(
        "{manifest}\n{dependencies}\n\n[patch.crates-io]\ntower-monitoring = {{ path = {:?} }}\n",
        repo.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
    // The versions this checkout is tested with, where the project uses the same crates.
    std::fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// Builds the project at `dir`; the compiler's output on failure.
fn build(dir: &Path) -> Result<(), String> {
    let output = cargo()
        .arg("build")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .output()
        .unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn projects() -> PathBuf {
    std::env::temp_dir().join(format!("tower-monitoring-fresh-app-{}", std::process::id()))
}

#[test]
fn the_readme_example_is_the_example_that_is_built() {
    let (_, main) = readme_service();
    let example = std::fs::read_to_string(repo().join("examples/existing_service.rs")).unwrap();
    let example = &example[example.find("use std::").unwrap()..];
    assert_eq!(
        main.trim(),
        example.trim(),
        "README and examples/existing_service.rs differ"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cargo_new_app_following_the_readme_builds_runs_and_records() {
    let (dependencies, main) = readme_service();
    let dir = projects().join("service");
    new_project(&dir, &dependencies, &main);
    build(&dir).unwrap_or_else(|stderr| panic!("the README's service does not build:\n{stderr}"));

    let binary = repo().join("target/fresh-app/debug/service");
    let (mut running, address) = Running::spawn(
        &binary,
        &[("METRICS_PORT", "0"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "")],
    );
    // The line that gave the address gives the metrics listener's too.
    let metrics = running
        .log
        .iter()
        .find_map(|line| {
            let json: serde_json::Value = serde_json::from_str(line).ok()?;
            json["metrics"].as_str().map(str::to_owned)
        })
        .unwrap_or_else(|| panic!("no metrics address in\n{}", running.log.join("\n")));
    let get = |url: String| async move {
        let response = reqwest::get(url).await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    let (status, body) = get(format!("http://{address}/orders/7")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"paid\""), "{body}");
    assert_eq!(get(format!("http://{address}/ready")).await.0, 200);
    assert_eq!(get(format!("http://{address}/metrics")).await.0, 404);
    let (status, text) = get(format!("http://{metrics}/metrics")).await;
    assert_eq!(status, 200);
    for expected in [
        "orders_http_server_request_duration_seconds_count{",
        "http_route=\"/orders/{id}\"",
        "platform_name=\"payments\"",
        "orders_db_client_operation_duration_seconds_count{",
        "orders_cache_lookups_total{",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    let (exit, _) = running.terminate();
    assert!(exit.success(), "{exit:?}\n{}", running.log.join("\n"));

    // Renamed in Cargo.toml: the macros find the crate under its new name.
    let renamed = projects().join("renamed");
    let dependencies = dependencies.replace(
        "tower-monitoring = { version",
        "monitoring = { package = \"tower-monitoring\", version",
    );
    assert!(
        dependencies.contains("monitoring = { package"),
        "{dependencies}"
    );
    new_project(
        &renamed,
        &dependencies,
        &main.replace("tower_monitoring::", "monitoring::"),
    );
    build(&renamed).unwrap_or_else(|stderr| panic!("the renamed dependency fails:\n{stderr}"));

    // reqwest 0.12: refused, and the message says why.
    let old = projects().join("reqwest-0-12");
    let dependencies = format!(
        "{}\nreqwest = {{ version = \"0.12\", default-features = false }}\n",
        dependencies
            .lines()
            .filter(|line| !line.starts_with("reqwest"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let main = "use monitoring::dependency::PlatformLayer;\n\n\
                #[tokio::main]\nasync fn main() {\n    let http = reqwest::Client::new();\n    \
                let _ = PlatformLayer::new(\"legacy\").send(http.get(\"http://127.0.0.1:1/\")).await;\n}\n";
    new_project(&old, &dependencies, main);
    let stderr = build(&old).expect_err("reqwest 0.12 must not build");
    assert!(
        stderr.contains("multiple different versions of crate `reqwest`"),
        "{stderr}"
    );

    let _ = std::fs::remove_dir_all(projects());
}
