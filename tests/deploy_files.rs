//! The deployment files, checked statically (no Docker engine runs in CI): the compose file
//! parses, Jaeger receives OTLP on the ports the service exports to, and the service is
//! built from an example that exists and listens where the port mapping expects.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn compose() -> Yaml {
    let text = std::fs::read_to_string(root().join("deploy/docker-compose.yml")).unwrap();
    YamlLoader::load_from_str(&text)
        .expect("deploy/docker-compose.yml is valid YAML")
        .remove(0)
}

fn strings(yaml: &Yaml) -> Vec<&str> {
    yaml.as_vec()
        .map(|items| items.iter().filter_map(Yaml::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn jaeger_receives_otlp_and_serves_its_ui() {
    let compose = compose();
    let jaeger = &compose["services"]["jaeger"];
    let image = jaeger["image"].as_str().expect("jaeger image");
    assert!(image.starts_with("jaegertracing/jaeger:2."), "{image}");
    assert!(!image.ends_with(":latest"), "pin the version: {image}");
    let ports = strings(&jaeger["ports"]);
    for port in ["16686:16686", "4317:4317", "4318:4318"] {
        assert!(ports.contains(&port), "{port} in {ports:?}");
    }
    let command = strings(&jaeger["command"]).join(" ");
    for endpoint in ["grpc.endpoint=0.0.0.0:4317", "http.endpoint=0.0.0.0:4318"] {
        assert!(command.contains(endpoint), "{endpoint} in {command}");
    }
}

#[test]
fn the_service_exports_to_jaeger_and_is_reachable() {
    let compose = compose();
    let service = &compose["services"]["quickstart"];
    let env = &service["environment"];
    assert_eq!(
        env["OTEL_EXPORTER_OTLP_ENDPOINT"].as_str(),
        Some("http://jaeger:4317")
    );
    assert_eq!(
        env["HOST"].as_str(),
        Some("0.0.0.0"),
        "reachable from outside"
    );
    let port = env["PORT"].as_str().expect("PORT");
    assert!(strings(&service["ports"]).contains(&format!("{port}:{port}").as_str()));
    assert!(strings(&service["depends_on"]).contains(&"jaeger"));
    let sampler = env["OTEL_TRACES_SAMPLER"]
        .as_str()
        .unwrap_or("parentbased_always_on");
    assert!(
        [
            "always_on",
            "always_off",
            "traceidratio",
            "parentbased_always_on",
            "parentbased_always_off",
            "parentbased_traceidratio"
        ]
        .contains(&sampler),
        "{sampler}"
    );
    if let Some(format) = env["LOG_FORMAT"].as_str() {
        assert!(["json", "text"].contains(&format), "{format}");
    }

    // The image builds an example that exists, and the example reads HOST and PORT.
    let build = &service["build"];
    let dockerfile = root()
        .join("deploy")
        .join(build["context"].as_str().unwrap())
        .join(build["dockerfile"].as_str().unwrap());
    let dockerfile = std::fs::read_to_string(&dockerfile)
        .unwrap_or_else(|err| panic!("{}: {err}", dockerfile.display()));
    assert!(dockerfile.contains("cargo build --release --example quickstart"));
    let example = std::fs::read_to_string(root().join("examples/quickstart.rs")).unwrap();
    for variable in ["\"HOST\"", "\"PORT\""] {
        assert!(
            example.contains(variable),
            "the quickstart reads {variable}"
        );
    }
    let ignore = std::fs::read_to_string(root().join(".dockerignore")).unwrap();
    assert!(
        ignore.lines().any(|line| line.trim() == "target"),
        "keep target/ out of the build context"
    );
}

#[test]
fn the_local_prometheus_config_passes_promtool() {
    let config = root().join("deploy/prometheus.yml");
    let output = std::process::Command::new("promtool")
        .args(["check", "config"])
        .arg(&config)
        .output()
        .unwrap_or_else(|err| {
            panic!("promtool is needed ({err}); install Debian's `prometheus` package, as scripts/test.sh does")
        });
    assert!(
        output.status.success(),
        "promtool rejected {}:\n{}{}",
        config.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("localhost:3000"),
        "scrapes the demo's default port"
    );
}
