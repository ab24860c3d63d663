//! Prometheus's linter on the `/metrics` of every example service, in both formats, as a
//! user first sees it:
//! each example is started, asked a few requests and scraped, and `promtool check metrics`
//! may report nothing but the written exceptions (`support::prometheus::ACCEPTED_LINT`),
//! each of which some example must still produce, so the list cannot go stale.

use crate::support;
use crate::support::example::Running;

/// An example, the variables it needs, and the paths to ask before scraping.
struct Example {
    name: &'static str,
    vars: &'static [(&'static str, &'static str)],
    paths: &'static [&'static str],
}

const EXAMPLES: &[Example] = &[
    Example {
        name: "quickstart",
        vars: &[],
        paths: &["/users/1", "/nope"],
    },
    Example {
        name: "full_stack",
        vars: &[],
        paths: &["/orders/1", "/users/2", "/nope"],
    },
    Example {
        name: "existing_service",
        vars: &[("METRICS_PORT", "0")],
        paths: &["/orders/1", "/flaky"],
    },
    Example {
        name: "real_service",
        vars: &[],
        paths: &["/users/1", "/assets/app.js"],
    },
];

/// Where the example serves `/metrics`: its own port, or the one it logs as `metrics`.
fn metrics_address(running: &Running, address: &str) -> String {
    running
        .log
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find_map(|json| json["metrics"].as_str().map(str::to_owned))
        .unwrap_or_else(|| address.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_scrape_passes_promtool_with_only_the_written_exceptions() {
    let mut findings = Vec::new();
    for Example { name, vars, paths } in EXAMPLES {
        let (mut running, address) = Running::start_with(name, vars);
        for path in *paths {
            reqwest::get(format!("http://{address}{path}"))
                .await
                .unwrap();
        }
        let metrics = metrics_address(&running, &address);
        let response = reqwest::get(format!("http://{metrics}/metrics"))
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
        let text = response.text().await.unwrap();
        assert!(
            text.contains("http_server_request_duration_seconds_bucket"),
            "{name} recorded its requests:\n{text}"
        );
        findings.extend(support::prometheus::promtool_accepts(&text));
        // The OpenMetrics text too, by the OpenMetrics reference parser: promtool's parser
        // reads the classic format only (an exemplar is `expected integer as timestamp`, a
        // counter family named without `_total` has `no help text`).
        let open_metrics = reqwest::Client::new()
            .get(format!("http://{metrics}/metrics"))
            .header("accept", "application/openmetrics-text;version=1.0.0")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(open_metrics.ends_with("# EOF\n"), "{name}:\n{open_metrics}");
        support::prometheus::open_metrics_parser_accepts(&open_metrics);
        let (status, _) = running.terminate();
        assert!(
            status.success(),
            "{name}: {status:?}\n{}",
            running.log.join("\n")
        );
    }
    for (metric, reason) in support::prometheus::ACCEPTED_LINT {
        assert!(!reason.is_empty());
        assert!(
            findings
                .iter()
                .any(|finding| finding.starts_with(&format!("{metric} "))),
            "{metric} is an accepted exception that no example produces any more: drop it"
        );
    }
}
