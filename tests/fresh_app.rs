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

/// The `Cargo.toml` lines and the `src/main.rs` of the README's "Add it to your service".
fn readme_service() -> (String, String) {
    readme_section("Add it to your service")
}

/// The first `toml` and `rust` blocks of the README's section `title`.
fn readme_section(title: &str) -> (String, String) {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split(&format!("\n## {title}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("the README has no \"{title}\" section"));
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

/// The `src/main.rs` of the README's section `title` is `example`, from its first `use std::`.
fn assert_section_is_example(title: &str, example: &str) {
    let (_, main) = readme_section(title);
    let file = std::fs::read_to_string(repo().join("examples").join(example)).unwrap();
    let code = &file[file.find("use std::").unwrap()..];
    assert_eq!(
        main.trim(),
        code.trim(),
        "README and examples/{example} differ"
    );
}

#[test]
fn the_readme_example_is_the_example_that_is_built() {
    assert_section_is_example("Add it to your service", "existing_service.rs");
}

#[test]
fn the_readme_existing_service_is_the_example_that_is_built() {
    assert_section_is_example("A service that already exists", "real_service.rs");
}

/// The README's service that already existed: its own subscriber first, a generic sqlx
/// repository on SQLite, JSON-RPC, static files behind the fallback. Built from the README
/// alone, run, and checked from outside: metrics, readiness, spans at a real OTLP receiver.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_service_from_the_readme_keeps_its_subscriber_and_names_everything() {
    let (dependencies, main) = readme_section("A service that already exists");
    // Apart from the other test's projects, which it removes when it ends.
    let dir =
        std::env::temp_dir().join(format!("tower-monitoring-accounts-{}", std::process::id()));
    let dir = dir.join("accounts");
    new_project(&dir, &dependencies, &main);
    build(&dir).unwrap_or_else(|stderr| panic!("the README's service does not build:\n{stderr}"));
    let public = dir.join("public");
    std::fs::create_dir_all(public.join("assets")).unwrap();
    std::fs::write(public.join("assets/app.js"), "console.log('hi')\n").unwrap();

    let receiver = support::otlp::Receiver::start().await;
    let binary = repo().join("target/fresh-app/debug/accounts");
    let (mut running, address) = Running::spawn(
        &binary,
        &[
            ("PUBLIC_DIR", public.to_str().unwrap()),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.grpc_endpoint()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    );
    let client = reqwest::Client::new();
    let get = |path: &str| {
        let request = client.get(format!("http://{address}{path}"));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get("/users/1").await, 200);
    assert_eq!(get("/users/99").await, 404);
    assert_eq!(get("/assets/app.js").await, 200);
    assert_eq!(get("/assets/missing.js").await, 404);
    assert_eq!(get("/wp-login.php").await, 404);
    assert_eq!(get("/ready").await, 200);
    for method in ["user.get", "user.count", "user.count", "drop_tables"] {
        let call = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": { "id": 2 } });
        let reply: serde_json::Value = client
            .post(format!("http://{address}/rpc"))
            .json(&call)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(reply["id"], 1, "{reply}");
    }

    let text = client
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let count = |labels: &[&str]| {
        support::prometheus::sample(&text, "http_server_request_duration_seconds_count", labels)
    };
    let rpc = r#"http_route="/rpc""#;
    assert_eq!(
        count(&[rpc, r#"operation_name="user.get""#]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        count(&[rpc, r#"operation_name="user.count""#]),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        count(&[rpc, r#"operation_name="unknown_method""#]),
        Some(1.0),
        "{text}"
    );
    let assets_route = r#"http_route="/assets/{*path}""#;
    assert_eq!(
        count(&[assets_route, r#"http_response_status_code="200""#]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        count(&[assets_route, r#"http_response_status_code="404""#]),
        None,
        "{text}"
    );
    let unmatched: f64 = text
        .lines()
        .filter(|line| line.starts_with("http_server_request_duration_seconds_count{"))
        .filter(|line| !line.contains("http_route="))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(
        unmatched, 2.0,
        "the two 404s of the fallback are unmatched:\n{text}"
    );
    let users = r#"db_collection_name="users""#;
    let select = r#"db_operation_name="select""#;
    let db_count = "db_client_operation_duration_seconds_count";
    let selects: f64 = support::prometheus::samples(&text, db_count, &[users, select]).sum();
    assert_eq!(selects, 3.0, "three selects:\n{text}");
    let failed = support::prometheus::sample(&text, db_count, &[users, select, "error_type="]);
    assert_eq!(failed, None, "the missing row is no failure:\n{text}");
    let pool = r#"db_client_connection_pool_name="main""#;
    assert_eq!(
        support::prometheus::sample(&text, "db_client_connection_max", &[pool]),
        Some(4.0)
    );

    let (exit, _) = running.terminate();
    assert!(exit.success(), "{exit:?}\n{}", running.log.join("\n"));
    let log = running.log.join("\n");
    assert!(
        !log.contains("\"WARN\""),
        "nothing to warn about on loopback:\n{log}"
    );

    // The handler's `#[instrument]` span, made through the service's own subscriber, is a
    // child of the request's server span; the query's client span is the handler's child.
    let spans = receiver.received.spans();
    let named = |name: &str| {
        spans
            .iter()
            .find(|span| span.name == name)
            .unwrap_or_else(|| panic!("no span {name} in {spans:#?}"))
    };
    let server = named("GET /users/{id}");
    let handler = named("user");
    assert_eq!(handler.trace_id, server.trace_id);
    assert_eq!(handler.parent_span_id, server.span_id, "{spans:#?}");
    let rpc_span = named("POST /rpc");
    assert!(rpc_span.attr("operation.name").is_some(), "{rpc_span:?}");
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
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
