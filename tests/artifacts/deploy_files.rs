//! The deployment files, checked statically (no Docker engine runs in CI): the compose file
//! parses, Jaeger receives OTLP on the ports the service exports to, and the service is
//! built from an example that exists and listens where the port mapping expects.

use crate::support;

use std::path::Path;

use support::prometheus::checker_accepts;

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
fn both_instances_export_to_jaeger_and_are_reachable() {
    let compose = compose();
    let mut host_ports = Vec::new();
    for name in ["orders-a", "orders-b"] {
        let service = &compose["services"][name];
        // The instances share their definition through a YAML merge key.
        let base = &service["<<"];
        let env = &base["environment"];
        assert_eq!(
            env["OTEL_EXPORTER_OTLP_ENDPOINT"].as_str(),
            Some("http://jaeger:4317"),
            "{name}"
        );
        assert_eq!(
            env["HOST"].as_str(),
            Some("0.0.0.0"),
            "reachable from outside"
        );
        let port = env["PORT"].as_str().expect("PORT");
        let ports = strings(&service["ports"]);
        assert_eq!(ports.len(), 1, "{name}");
        let (host, container) = ports[0].split_once(':').unwrap();
        assert_eq!(container, port, "{name} maps the port it listens on");
        host_ports.push(host.to_owned());
        assert!(strings(&base["depends_on"]).contains(&"jaeger"));
        let sampler = env["OTEL_TRACES_SAMPLER"]
            .as_str()
            .unwrap_or("parentbased_always_on");
        assert!(
            sampler.starts_with("parentbased_")
                || sampler.starts_with("always_")
                || sampler == "traceidratio",
            "{sampler}"
        );
        if let Some(format) = env["LOG_FORMAT"].as_str() {
            assert!(["json", "text"].contains(&format), "{format}");
        }

        // The image builds an example that exists, and the example reads HOST and PORT.
        let build = &base["build"];
        let example = build["args"]["EXAMPLE"].as_str().expect("EXAMPLE");
        let dockerfile = root()
            .join("deploy")
            .join(build["context"].as_str().unwrap())
            .join(build["dockerfile"].as_str().unwrap());
        let dockerfile = std::fs::read_to_string(&dockerfile)
            .unwrap_or_else(|err| panic!("{}: {err}", dockerfile.display()));
        assert!(
            dockerfile.contains("cargo build --release --features reqwest --example ${EXAMPLE}")
        );
        let source =
            std::fs::read_to_string(root().join(format!("examples/{example}.rs"))).unwrap();
        for variable in ["\"HOST\"", "\"PORT\""] {
            assert!(source.contains(variable), "{example} reads {variable}");
        }
    }
    host_ports.dedup();
    assert_eq!(
        host_ports.len(),
        2,
        "the instances need distinct host ports"
    );
    let ignore = std::fs::read_to_string(root().join(".dockerignore")).unwrap();
    assert!(
        ignore.lines().any(|line| line.trim() == "target"),
        "keep target/ out of the build context"
    );
}

#[test]
fn every_mounted_path_exists_and_every_service_is_there() {
    let compose = compose();
    let services = compose["services"].as_hash().expect("services");
    let names: Vec<&str> = services.keys().filter_map(Yaml::as_str).collect();
    for expected in [
        "orders-a",
        "orders-b",
        "prometheus",
        "alertmanager",
        "grafana",
        "jaeger",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    for (name, service) in services {
        for volume in strings(&service["volumes"]) {
            let host = volume.split(':').next().unwrap();
            let path = root().join("deploy").join(host);
            assert!(
                path.exists(),
                "{name:?} mounts {host}, missing at {}",
                path.display()
            );
        }
    }
    let prometheus = &compose["services"]["prometheus"];
    assert!(strings(&prometheus["ports"]).contains(&"9090:9090"));
}

#[test]
fn the_stacks_prometheus_and_alertmanager_configs_pass_their_checkers() {
    let deploy = root().join("deploy");
    checker_accepts(
        "promtool",
        &["check", "config", "prometheus/prometheus.yml"],
        &deploy,
        "prometheus",
    );
    checker_accepts(
        "amtool",
        &["check-config", "alertmanager/alertmanager.yml"],
        &deploy,
        "prometheus-alertmanager",
    );
    let prometheus =
        std::fs::read_to_string(root().join("deploy/prometheus/prometheus.yml")).unwrap();
    for target in ["orders-a:3000", "orders-b:3000", "alertmanager:9093"] {
        assert!(prometheus.contains(target), "{target}");
    }
    let datasources = std::fs::read_to_string(
        root().join("deploy/grafana/provisioning/datasources/datasources.yml"),
    )
    .unwrap();
    for (kind, url) in [
        ("prometheus", "http://prometheus:9090"),
        ("jaeger", "http://jaeger:16686"),
    ] {
        assert!(
            datasources.contains(&format!("type: {kind}")) && datasources.contains(url),
            "{kind}"
        );
    }
    // Exemplars link to Jaeger by the label the crate writes, and Prometheus keeps them.
    let datasources = YamlLoader::load_from_str(&datasources).unwrap();
    let list = datasources[0]["datasources"].as_vec().unwrap();
    let jaeger = list
        .iter()
        .find(|d| d["type"].as_str() == Some("jaeger"))
        .unwrap();
    let prometheus = list
        .iter()
        .find(|d| d["type"].as_str() == Some("prometheus"))
        .unwrap();
    let destination = &prometheus["jsonData"]["exemplarTraceIdDestinations"][0];
    assert_eq!(destination["name"].as_str(), Some("trace_id"));
    assert_eq!(destination["datasourceUid"], jaeger["uid"]);
    let compose = yaml_file("deploy/docker-compose.yml");
    let command = strings(&compose["services"]["prometheus"]["command"]);
    assert!(
        command.contains(&"--enable-feature=exemplar-storage"),
        "{command:?}"
    );
}

#[test]
fn the_local_prometheus_config_passes_promtool() {
    let config = root().join("deploy/prometheus.yml");
    checker_accepts(
        "promtool",
        &["check", "config", "prometheus.yml"],
        &root().join("deploy"),
        "prometheus",
    );
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("localhost:3000"),
        "scrapes the demo's default port"
    );
}

fn yaml_file(path: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    YamlLoader::load_from_str(&text)
        .unwrap_or_else(|err| panic!("{path} is valid YAML: {err}"))
        .remove(0)
}

#[test]
fn the_push_variant_sends_both_instances_through_a_collector_to_prometheus_and_jaeger() {
    let push = yaml_file("deploy/docker-compose.push.yml");
    let services = &push["services"];
    for name in ["orders-a", "orders-b"] {
        let env = &services[name]["environment"];
        assert_eq!(
            env["OTEL_EXPORTER_OTLP_ENDPOINT"].as_str(),
            Some("http://otel-collector:4317"),
            "{name}"
        );
        let exporters = env["OTEL_METRICS_EXPORTER"].as_str().unwrap_or_default();
        assert!(
            exporters.split(',').any(|e| e == "otlp"),
            "{name} pushes: {exporters}"
        );
        assert!(strings(&services[name]["depends_on"]).contains(&"otel-collector"));
        // The base file's instances exist for the override to apply to.
        assert!(!compose()["services"][name].is_badvalue(), "{name}");
    }

    let collector = &services["otel-collector"];
    let image = collector["image"].as_str().unwrap();
    assert!(
        image.starts_with("otel/opentelemetry-collector-contrib:") && !image.ends_with(":latest"),
        "a pinned contrib image (it has prometheusremotewrite): {image}"
    );
    for volume in strings(&collector["volumes"])
        .into_iter()
        .chain(strings(&services["prometheus"]["volumes"]))
    {
        let host = volume.split(':').next().unwrap();
        assert!(root().join("deploy").join(host).exists(), "{host}");
    }
    let prometheus_command = strings(&services["prometheus"]["command"]);
    assert!(prometheus_command.contains(&"--web.enable-remote-write-receiver"));

    let config = yaml_file("deploy/otel-collector/config.yaml");
    let protocols = &config["receivers"]["otlp"]["protocols"];
    assert_eq!(protocols["grpc"]["endpoint"].as_str(), Some("0.0.0.0:4317"));
    assert_eq!(protocols["http"]["endpoint"].as_str(), Some("0.0.0.0:4318"));
    assert_eq!(
        config["exporters"]["prometheusremotewrite"]["endpoint"].as_str(),
        Some("http://prometheus:9090/api/v1/write")
    );
    assert_eq!(
        config["exporters"]["otlp/jaeger"]["endpoint"].as_str(),
        Some("jaeger:4317")
    );
    let pipelines = &config["service"]["pipelines"];
    for (pipeline, exporter) in [
        ("metrics", "prometheusremotewrite"),
        ("traces", "otlp/jaeger"),
    ] {
        assert_eq!(strings(&pipelines[pipeline]["receivers"]), ["otlp"]);
        assert_eq!(strings(&pipelines[pipeline]["exporters"]), [exporter]);
        for processor in strings(&pipelines[pipeline]["processors"]) {
            assert!(
                !config["processors"][processor].is_badvalue(),
                "{pipeline} uses {processor}, which is defined"
            );
        }
    }
    // The pushed series carry the scrape job's name, which the rules and dashboards use.
    let renamed = &config["processors"]["resource/job"]["attributes"][0];
    assert_eq!(renamed["key"].as_str(), Some("service.name"));
    assert_eq!(renamed["value"].as_str(), Some("tower-monitoring"));

    let report = checker_accepts(
        "promtool",
        &["check", "config", "prometheus/prometheus.push.yml"],
        &root().join("deploy"),
        "prometheus",
    );
    assert!(report.contains("2 rule files found"), "{report}");
    let prometheus =
        std::fs::read_to_string(root().join("deploy/prometheus/prometheus.push.yml")).unwrap();
    assert!(prometheus.contains("job_name: tower-monitoring"));
    assert!(
        prometheus.contains("action: drop"),
        "the scrape keeps `up` alone"
    );
}
