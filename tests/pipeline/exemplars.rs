//! Exemplars: the trace of a recent sampled request per series and bucket of the duration
//! histograms, shown to a scraper that asks for OpenMetrics, and the OpenMetrics text
//! itself: the same samples as the classic text, `# EOF`, promtool's linter.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::support;
use crate::support::prometheus::{open_metrics_parser_accepts, promtool_accepts};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use opentelemetry_sdk::trace::{InMemorySpanExporter, Sampler, SpanData};
use tower_monitoring::{Endpoints, Monitoring};

const OPEN_METRICS: &str = "application/openmetrics-text;version=1.0.0,\
    application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// Pipelines that keep spans in memory and follow the caller's sampling decision, so a
/// request can be sent sampled or not.
fn monitoring(exemplars: bool) -> (Monitoring, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter::default();
    let monitoring = Monitoring::builder()
        .service_name("exemplars")
        .system_metrics(false)
        .sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)))
        .span_exporter(exporter.clone())
        .exemplars(exemplars)
        .build()
        .unwrap();
    (monitoring, exporter)
}

fn app(monitoring: &Monitoring) -> Router {
    let dependencies = monitoring.dependencies().clone();
    Router::new()
        .route("/fast", get(|| async { "fast" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(30)).await;
                "slow"
            }),
        )
        .route(
            "/db",
            get(move || {
                let dependencies = dependencies.clone();
                async move {
                    let query = async {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        Ok::<_, std::io::Error>(())
                    };
                    dependencies
                        .db("postgresql", "SELECT", "users", query)
                        .await
                        .unwrap();
                    "db"
                }
            }),
        )
        .layer(monitoring.layer())
        .merge(monitoring.routes_for(Endpoints::SCRAPE))
}

/// Sends `GET path`, sampled or not by its `traceparent`; returns the trace id sent.
async fn get_traced(router: &Router, path: &str, sampled: bool, n: u8) -> String {
    let trace_id = format!("{n:02x}{}", "ab".repeat(15));
    let flags = if sampled { "01" } else { "00" };
    let request = Request::get(path)
        .header(
            "traceparent",
            format!("00-{trace_id}-00f067aa0ba902b7-{flags}"),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(support::send(router, request).await.0, StatusCode::OK);
    trace_id
}

async fn scrape(router: &Router, accept: Option<&str>) -> (String, String) {
    let mut request = Request::get("/metrics");
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let (status, headers, body) =
        support::send_full(router, request.body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let content_type = headers["content-type"].to_str().unwrap().to_owned();
    (content_type, body)
}

/// One exemplar of a bucket line: the bucket's `le`, the trace and span ids, the value.
#[derive(Debug)]
struct Found {
    line: String,
    le: f64,
    trace_id: String,
    span_id: String,
    value: f64,
}

fn exemplars_of(text: &str, sample: &str) -> Vec<Found> {
    text.lines()
        .filter(|line| line.starts_with(sample) && line.contains(" # {"))
        .map(|line| {
            let (sample_part, exemplar) = line.split_once(" # ").unwrap();
            let le = sample_part.split("le=\"").nth(1).unwrap();
            let le = le.split('"').next().unwrap();
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().unwrap()
            };
            let (labels, rest) = exemplar.split_once("} ").unwrap();
            let field = |name: &str| {
                labels
                    .split(&format!("{name}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned()
            };
            let mut numbers = rest.split(' ');
            let value = numbers.next().unwrap().parse().unwrap();
            let timestamp: f64 = numbers.next().unwrap().parse().unwrap();
            assert!(timestamp > 1.6e9, "a Unix timestamp in seconds: {line}");
            Found {
                line: line.to_owned(),
                le,
                trace_id: field("trace_id"),
                span_id: field("span_id"),
                value,
            }
        })
        .collect()
}

fn server_spans(exporter: &InMemorySpanExporter) -> Vec<SpanData> {
    exporter
        .get_finished_spans()
        .unwrap()
        .into_iter()
        .filter(|span| span.span_kind == opentelemetry::trace::SpanKind::Server)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sampled_requests_become_exemplars_and_unsampled_ones_never_do() {
    let (monitoring, exporter) = monitoring(true);
    let router = app(&monitoring);
    let mut sampled = BTreeSet::new();
    for n in 0..4 {
        sampled.insert(get_traced(&router, "/slow", true, n).await);
        get_traced(&router, "/fast", false, 100 + n).await;
    }
    for n in 10..13 {
        sampled.insert(get_traced(&router, "/db", true, n).await);
    }
    monitoring.tracer_provider().unwrap().force_flush().unwrap();

    let (content_type, text) = scrape(&router, Some(OPEN_METRICS)).await;
    assert!(content_type.starts_with("application/openmetrics-text; version=1.0.0"));
    assert!(text.ends_with("# EOF\n"), "OpenMetrics ends with # EOF");

    let requests = exemplars_of(&text, "http_server_request_duration_seconds_bucket");
    assert!(!requests.is_empty(), "no exemplar in:\n{text}");
    assert!(
        requests.iter().all(|found| !found.line.contains("/fast")),
        "an unsampled request made an exemplar: {requests:#?}"
    );
    let spans = server_spans(&exporter);
    for found in &requests {
        assert!(sampled.contains(&found.trace_id), "{found:?}");
        // The exemplar's span is the server span of that request, exported.
        assert!(
            spans.iter().any(|span| {
                span.span_context.trace_id().to_string() == found.trace_id
                    && span.span_context.span_id().to_string() == found.span_id
            }),
            "no server span {} / {} among those exported",
            found.trace_id,
            found.span_id
        );
        assert!(
            found.value <= found.le,
            "an exemplar above its bucket: {found:?}"
        );
    }
    // At most one exemplar per bucket line, each inside its bucket (above the previous bound).
    let slow: Vec<&Found> = requests
        .iter()
        .filter(|f| f.line.contains("/slow"))
        .collect();
    assert!(!slow.is_empty());
    assert!(slow.iter().all(|found| found.value >= 0.03), "{slow:#?}");

    let calls = exemplars_of(&text, "db_client_operation_duration_seconds_bucket");
    assert!(
        !calls.is_empty(),
        "the database call's duration has no exemplar:\n{text}"
    );
    for found in &calls {
        assert!(sampled.contains(&found.trace_id), "{found:?}");
    }

    // The classic text is unchanged: no exemplar, no # EOF.
    let (content_type, classic) = scrape(&router, None).await;
    assert!(content_type.starts_with("text/plain; version=0.0.4"));
    assert!(!classic.contains(" # {") && !classic.contains("# EOF"));
}

#[tokio::test(flavor = "multi_thread")]
async fn switched_off_there_are_no_exemplars() {
    let (monitoring, _exporter) = monitoring(false);
    let router = app(&monitoring);
    for n in 0..3 {
        get_traced(&router, "/slow", true, n).await;
    }
    let (_, text) = scrape(&router, Some(OPEN_METRICS)).await;
    assert!(text.contains("http_server_request_duration_seconds_bucket"));
    assert!(
        !text.contains(" # {"),
        "exemplars while switched off:\n{text}"
    );
}

/// Every sample of an exposition as (name, labels, value), exemplars and comments left out.
fn sample_set(text: &str) -> BTreeSet<(String, BTreeMap<String, String>, String)> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let line = line.split(" # {").next().unwrap();
            let (series, value) = line.rsplit_once(' ').unwrap();
            let (name, labels) = match series.split_once('{') {
                Some((name, labels)) => (name, labels.strip_suffix('}').unwrap()),
                None => (series, ""),
            };
            (name.to_owned(), parse_labels(labels), value.to_owned())
        })
        .collect()
}

fn parse_labels(mut text: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    while let Some((name, rest)) = text.split_once("=\"") {
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next().unwrap() {
                (_, '\\') => value.push(match chars.next().unwrap().1 {
                    'n' => '\n',
                    c => c,
                }),
                (at, '"') => break at,
                (_, c) => value.push(c),
            }
        };
        labels.insert(name.trim_start_matches(',').to_owned(), value);
        text = &rest[end + 1..];
    }
    labels
}

#[tokio::test(flavor = "multi_thread")]
async fn both_formats_carry_the_same_samples_and_pass_promtool() {
    let (monitoring, _exporter) = monitoring(true);
    let router = app(&monitoring);
    for n in 0..3 {
        get_traced(&router, "/slow", true, n).await;
        get_traced(&router, "/fast", false, n).await;
        get_traced(&router, "/db", n % 2 == 0, 50 + n).await;
    }
    let (_, open_metrics) = scrape(&router, Some(OPEN_METRICS)).await;
    let (_, classic) = scrape(&router, None).await;
    let (open_set, classic_set) = (sample_set(&open_metrics), sample_set(&classic));
    assert!(open_set.len() > 50, "{open_metrics}");
    let only_open: Vec<_> = open_set.difference(&classic_set).collect();
    let only_classic: Vec<_> = classic_set.difference(&open_set).collect();
    assert!(
        only_open.is_empty() && only_classic.is_empty(),
        "the formats differ:\nonly in OpenMetrics: {only_open:#?}\nonly in classic: {only_classic:#?}"
    );

    // promtool's linter reads the classic text only (its parser stops at an exemplar:
    // `expected integer as timestamp, got "#"`); the OpenMetrics text goes to the
    // OpenMetrics reference parser, and to Prometheus's own in exemplar_storage.rs.
    promtool_accepts(&classic);
    let exemplars = open_metrics_parser_accepts(&open_metrics);
    assert!(exemplars >= 2, "the parser read {exemplars} exemplars");
}
