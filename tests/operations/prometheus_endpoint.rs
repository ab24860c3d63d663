//! `GET /metrics`: a snapshot of the exposition text that the real Prometheus parser accepts.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use support::prometheus::promtool_accepts;
use tower::ServiceExt;
use tower_monitoring::Monitoring;

async fn get_text(router: &Router, uri: &str) -> (StatusCode, Option<String>, String) {
    let response = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

/// Removes what varies between runs (timings, versions) and orders each family's samples.
fn normalise(text: &str) -> String {
    let timing = |line: &str| {
        [
            "http_server_request_duration_seconds",
            "http_server_time_to_first_byte_seconds",
        ]
        .iter()
        .any(|timed| {
            line.starts_with(&format!("{timed}_bucket"))
                || line.starts_with(&format!("{timed}_sum"))
        })
    };
    let mut out = Vec::new();
    let mut samples: Vec<String> = Vec::new();
    for line in text.lines().filter(|line| !timing(line)) {
        let line = line.replace(
            &format!("otel_scope_version=\"{}\"", env!("CARGO_PKG_VERSION")),
            "otel_scope_version=\"VERSION\"",
        );
        let line = mask_label(&line, "telemetry_sdk_version", "VERSION");
        let line = mask_label(&line, "service_instance_id", "ID");
        if line.starts_with('#') {
            samples.sort();
            out.append(&mut samples);
            out.push(line);
        } else {
            samples.push(line);
        }
    }
    samples.sort();
    out.append(&mut samples);
    out.join("\n") + "\n"
}

/// Replaces the value of label `name` with `mask`.
fn mask_label(line: &str, name: &str, mask: &str) -> String {
    let key = format!("{name}=\"");
    match line.find(&key) {
        Some(start) => {
            let value = start + key.len();
            let end = value + line[value..].find('"').unwrap();
            format!("{}{mask}{}", &line[..value], &line[end..])
        }
        None => line.to_owned(),
    }
}

#[tokio::test]
async fn metrics_text_matches_the_snapshot_and_parses_with_promtool() {
    // System figures vary from run to run; tests/system_metrics.rs checks them.
    let monitoring = Monitoring::builder()
        .service_name("snapshot")
        .system_metrics(false)
        .build()
        .unwrap();
    let router = Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .route("/echo", post(|body: Body| async move { body }))
        .route(
            "/error",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .merge(monitoring.routes())
        .layer(monitoring.layer());

    for uri in ["/users/1", "/users/2", "/error", "/nowhere"] {
        get_text(&router, uri).await;
    }
    let echo = Request::builder()
        .method(Method::POST)
        .uri("/echo")
        .body(Body::from("x".repeat(300)))
        .unwrap();
    support::send(&router, echo).await;

    let (status, content_type, text) = get_text(&router, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        content_type.as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    promtool_accepts(&text);

    let snapshot_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/metrics.txt");
    let actual = normalise(&text);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(snapshot_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(snapshot_path)
        .expect("snapshot missing: run with UPDATE_SNAPSHOTS=1 to create it");
    if actual != expected {
        let only = |a: &str, b: &str| -> Vec<String> {
            a.lines()
                .filter(|line| !b.lines().any(|other| other == *line))
                .map(|line| format!("  {line}"))
                .collect()
        };
        panic!(
            "the /metrics text changed; if intended, rerun with UPDATE_SNAPSHOTS=1\nnew lines:\n{}\nmissing lines:\n{}",
            only(&actual, &expected).join("\n"),
            only(&expected, &actual).join("\n"),
        );
    }
}

#[tokio::test]
async fn the_scrape_itself_is_not_recorded() {
    let monitoring = Monitoring::builder().build().unwrap();
    let router = Router::<()>::new()
        .merge(monitoring.routes())
        .layer(monitoring.layer());
    for _ in 0..3 {
        get_text(&router, "/metrics").await;
    }
    let (_, _, text) = get_text(&router, "/metrics").await;
    assert!(!text.contains("http_route=\"/metrics\""), "{text}");
}

#[tokio::test]
async fn label_values_are_escaped_in_the_exposition() {
    use tower::Layer;
    let monitoring = Monitoring::builder().build().unwrap();
    // A route template may hold any static string: quotes, backslashes, newlines, non-ASCII.
    let service = monitoring
        .layer()
        .layer(tower::service_fn(|_: Request<Body>| async {
            Ok::<_, std::convert::Infallible>(axum::http::Response::new(Body::from("odd")))
        }));
    let mut request = Request::get("/odd").body(Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(tower_monitoring::RouteTemplate("/a\"b\\c\nd/ünï"));
    let response = service.oneshot(request).await.unwrap();
    response.into_body().collect().await.unwrap();

    let text = monitoring.render_prometheus();
    assert!(text.contains(r#"http_route="/a\"b\\c\nd/ünï""#), "{text}");
    promtool_accepts(&text);
}

#[test]
fn scope_labels_are_off_unless_asked_for() {
    let series = |on: bool| {
        let monitoring = Monitoring::builder()
            .service_name("scope")
            .system_metrics(false)
            .prometheus_scope_labels(on)
            .build()
            .unwrap();
        let meter =
            opentelemetry::metrics::MeterProvider::meter(monitoring.meter_provider(), "scope");
        meter.u64_counter("jobs").build().add(1, &[]);
        monitoring
            .render_prometheus()
            .lines()
            .find(|line| line.starts_with("jobs_total"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(series(false), "jobs_total 1");
    assert_eq!(series(true), r#"jobs_total{otel_scope_name="scope"} 1"#);
}
