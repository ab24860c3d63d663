//! The shipped Prometheus rules: they are exactly what the generator writes from the
//! metric-name constants (so they cannot drift from the instruments), promtool accepts
//! them, and `promtool test rules` shows every alert firing on bad input and quiet on good.

use crate::support;

use std::path::Path;

use support::prometheus::checker_accepts;

use tower_monitoring::artifacts::{
    ArtifactOptions, RouteObjective, alert_rules, dashboards, expressions, recording_rules,
};

fn committed(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("alerts")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn committed_rules_are_the_generators_output() {
    let options = ArtifactOptions::default();
    for (name, generated) in [
        ("recording_rules.yml", recording_rules(&options)),
        ("alert_rules.yml", alert_rules(&options)),
    ] {
        assert!(
            committed(name) == generated,
            "alerts/{name} differs from the generator; run `cargo run --example gen_artifacts --features artifacts`"
        );
    }
}

#[test]
fn committed_dashboards_are_the_generators_output_and_well_formed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dashboards");
    for (name, generated) in dashboards(&ArtifactOptions::default()) {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let committed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            committed == generated,
            "dashboards/{name} differs from the generator; run `cargo run --example gen_artifacts --features artifacts`"
        );
        // Importable: a uid, unique panel ids, a Prometheus datasource variable, queries.
        assert!(generated["uid"].as_str().is_some_and(|uid| !uid.is_empty()));
        let ids: Vec<u64> = generated["panels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_u64().unwrap())
            .collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique, "{name}");
        assert_eq!(generated["templating"]["list"][0]["type"], "datasource");
        assert!(!expressions(&generated).is_empty(), "{name}");
        for expr in expressions(&generated) {
            assert!(
                expr.contains("$job") || expr.contains("job=\"$job\""),
                "{name}: {expr}"
            );
        }
        // Every latency panel (the ones linked to Jaeger) shows its exemplars.
        for panel in generated["panels"].as_array().unwrap() {
            if panel["links"]
                .as_array()
                .is_some_and(|links| !links.is_empty())
            {
                for target in panel["targets"].as_array().unwrap() {
                    assert_eq!(target["exemplar"], true, "{name}: {}", panel["title"]);
                }
            }
        }
    }
}

#[test]
fn promtool_accepts_the_rules() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("alerts");
    let report = checker_accepts(
        "promtool",
        &["check", "rules", "recording_rules.yml", "alert_rules.yml"],
        &dir,
        "prometheus",
    );
    assert!(report.contains("SUCCESS: 35 rules found"), "{report}");
    assert!(report.contains("SUCCESS: 31 rules found"), "{report}");
}

#[test]
fn every_alert_fires_on_bad_input_and_stays_quiet_on_good() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("alerts");
    checker_accepts(
        "promtool",
        &["test", "rules", "alert_rules.test.yml"],
        &dir,
        "prometheus",
    );
    // Every alert of the rules file has a case in the test file.
    let rules = committed("alert_rules.yml");
    let tests = committed("alert_rules.test.yml");
    for line in rules
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- alert: "))
    {
        assert!(
            tests.contains(&format!("alertname: {line}")),
            "no promtool case for {line}"
        );
    }
}

#[test]
fn routes_with_objectives_of_their_own_get_their_own_rules_and_alerts() {
    let options = ArtifactOptions::default().route_latency_objective(RouteObjective::new(
        "/reports/{id}",
        0.95,
        2.5,
    ));
    let recording = recording_rules(&options);
    let alerts = alert_rules(&options);
    assert!(
        recording.contains(r#"http_route="/reports/{id}",le="2.5""#),
        "{recording}"
    );
    assert!(
        recording.contains(r#"http_route!="/reports/{id}",le="0.5""#),
        "{recording}"
    );
    // 14.4 x and 6 x a 5 % budget.
    assert!(
        alerts.contains(
            r#"job_route:http_server_slow_ratio:rate1h{http_route="/reports/{id}"} > 0.72"#
        ),
        "{alerts}"
    );
    assert!(
        alerts.contains(
            r#"job_route:http_server_slow_ratio:rate6h{http_route="/reports/{id}"} > 0.3"#
        ),
        "{alerts}"
    );
    assert!(
        alerts.contains(
            r#"job_route:http_server_slow_ratio:rate1h{http_route!="/reports/{id}"} > 0.144"#
        ),
        "{alerts}"
    );

    let dir = std::env::temp_dir().join(format!("tower-monitoring-routes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("recording.yml"), recording).unwrap();
    std::fs::write(dir.join("alerts.yml"), alerts).unwrap();
    checker_accepts(
        "promtool",
        &["check", "rules", "recording.yml", "alerts.yml"],
        &dir,
        "prometheus",
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_namespaced_service_gets_namespaced_rules_that_promtool_accepts() {
    let options = ArtifactOptions::default().namespace("orders").job("orders");
    let dir = std::env::temp_dir().join(format!("tower-monitoring-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rules.yml");
    std::fs::write(&file, alert_rules(&options)).unwrap();
    checker_accepts(
        "promtool",
        &["check", "rules", "rules.yml"],
        &dir,
        "prometheus",
    );
    let rules = std::fs::read_to_string(&file).unwrap();
    assert!(rules.contains(r#"up{job="orders"}"#));
    assert!(rules.contains("orders_process_memory_utilization_ratio"));
    let _ = std::fs::remove_dir_all(dir);
}
