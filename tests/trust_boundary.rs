//! What a client can make the server hold and believe: span attribute values it supplies are
//! cut to a length limit, its trace context is continued only when trusted, and its baggage
//! reaches the handler only when allowed and a third-party platform only when asked for.
//! Its own test binary: the platform test installs the globals.

mod support;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::{any, get, post};
use opentelemetry::baggage::BaggageExt;
use opentelemetry_sdk::trace::{InMemorySpanExporter, Sampler, SpanData};
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_monitoring::dependency::PlatformLayer;
use tower_monitoring::{
    DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT, Monitoring, MonitoringBuilder, MonitoringLayer,
    TraceContextTrust,
};

const CALLER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

fn traceparent() -> String {
    format!("00-{CALLER_TRACE}-{CALLER_SPAN}-01")
}

fn built(
    configure: impl FnOnce(MonitoringBuilder) -> MonitoringBuilder,
) -> (Monitoring, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter::default();
    let builder = Monitoring::builder()
        .service_name("trust")
        .system_metrics(false)
        .span_exporter(exporter.clone());
    (configure(builder).build().unwrap(), exporter)
}

fn finished(monitoring: &Monitoring, exporter: &InMemorySpanExporter) -> Vec<SpanData> {
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    exporter.get_finished_spans().unwrap()
}

fn attr(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.to_string())
}

fn echo_baggage() -> Router {
    Router::new().route(
        "/{*rest}",
        any(|| async {
            opentelemetry::Context::current()
                .baggage()
                .len()
                .to_string()
        }),
    )
}

async fn hostile_request(app: &Router) {
    // `http` caps a URI at 64 KiB; headers have no such cap.
    let long = "x".repeat(30 * 1024);
    let agent = "y".repeat(128 * 1024);
    let request = Request::builder()
        .method(axum::http::Method::from_bytes(&b"Z".repeat(5000)).unwrap())
        .uri(format!("/{long}?q={long}"))
        .header("user-agent", agent.as_str())
        .body(Body::empty())
        .unwrap();
    assert_eq!(support::send(app, request).await.0, StatusCode::OK);
}

#[tokio::test]
async fn values_the_client_supplies_are_cut_to_the_limit() {
    for (limit, expected) in [(None, DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT), (Some(16), 16)] {
        let (monitoring, exporter) = built(|builder| match limit {
            Some(limit) => builder.span_attribute_value_length_limit(limit),
            None => builder.sampler(Sampler::AlwaysOn),
        });
        let app = echo_baggage().layer(monitoring.layer().record_url_query(true));
        hostile_request(&app).await;
        let spans = finished(&monitoring, &exporter);
        let span = &spans[0];
        for key in [
            "url.path",
            "url.query",
            "user_agent.original",
            "http.request.method_original",
        ] {
            let value = attr(span, key).unwrap_or_else(|| panic!("no {key}: {span:#?}"));
            assert_eq!(value.chars().count(), expected, "{key}");
        }
    }
}

#[tokio::test]
async fn a_continued_trace_lets_the_caller_choose_the_trace_and_force_sampling() {
    // This service samples nothing itself; the caller's `-01` decides.
    let (monitoring, exporter) =
        built(|builder| builder.sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOff))));
    let app = echo_baggage().layer(monitoring.layer());
    let request = Request::get("/a")
        .header("traceparent", traceparent())
        .body(Body::empty())
        .unwrap();
    support::send(&app, request).await;
    let spans = finished(&monitoring, &exporter);
    assert_eq!(spans.len(), 1, "the default trusts the caller");
    assert_eq!(spans[0].span_context.trace_id().to_string(), CALLER_TRACE);
}

#[tokio::test]
async fn a_new_trace_ignores_the_callers_choices_and_links_its_span() {
    let (monitoring, exporter) = built(|builder| {
        builder
            .sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOff)))
            .inbound_trace_context(TraceContextTrust::NewTrace)
    });
    let app = echo_baggage().layer(monitoring.layer());
    let request = || {
        Request::get("/a")
            .header("traceparent", traceparent())
            .body(Body::empty())
            .unwrap()
    };
    support::send(&app, request()).await;
    assert!(
        finished(&monitoring, &exporter).is_empty(),
        "the caller cannot force sampling"
    );

    // With a sampler that records, the span is a root of a trace of its own, linked to the
    // caller's span.
    let (monitoring, exporter) =
        built(|builder| builder.inbound_trace_context(TraceContextTrust::NewTrace));
    let app = echo_baggage().layer(monitoring.layer());
    support::send(&app, request()).await;
    let spans = finished(&monitoring, &exporter);
    let span = &spans[0];
    assert_ne!(span.span_context.trace_id().to_string(), CALLER_TRACE);
    assert_eq!(span.parent_span_id, opentelemetry::trace::SpanId::INVALID);
    let links: Vec<String> = span
        .links
        .iter()
        .map(|link| link.span_context.span_id().to_string())
        .collect();
    assert_eq!(links, [CALLER_SPAN]);
}

#[tokio::test]
async fn inbound_baggage_reaches_the_handler_only_when_allowed() {
    for (keep, expected) in [(true, "2"), (false, "0")] {
        let (monitoring, _) = built(|builder| builder.inbound_baggage(keep));
        let app = echo_baggage().layer(monitoring.layer());
        let request = Request::get("/a")
            .header("traceparent", traceparent())
            .header("baggage", "user=ada,tenant=acme")
            .body(Body::empty())
            .unwrap();
        let (_, body) = support::send(&app, request).await;
        assert_eq!(body, expected, "keep = {keep}");
    }
    // The layer's own setting wins over the pipelines'.
    let (monitoring, _) = built(|builder| builder);
    let app = echo_baggage().layer(monitoring.layer().inbound_baggage(false));
    let request = Request::get("/a")
        .header("baggage", "user=ada")
        .body(Body::empty())
        .unwrap();
    assert_eq!(support::send(&app, request).await.1, "0");
}

/// A platform that records the `baggage` and `traceparent` headers it receives.
async fn platform() -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = Router::new().route(
        "/api",
        post(move |headers: HeaderMap| async move {
            let header = |name: &str| {
                headers
                    .get(name)
                    .map(|value| value.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            record
                .lock()
                .unwrap()
                .push((header("traceparent"), header("baggage")));
            StatusCode::OK
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn platforms_get_inbound_baggage_only_when_asked() {
    let (_monitoring, _exporter) = support::traced_installed("platform-baggage");
    let (url, seen) = platform().await;
    let app = |forward: bool| {
        let url = url.clone();
        Router::new()
            .route(
                "/orders",
                get(move || {
                    let url = url.clone();
                    async move {
                        let mut client = ServiceBuilder::new()
                            .layer(PlatformLayer::new("crm").forward_baggage(forward))
                            .service(reqwest::Client::new());
                        let request =
                            reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
                        let response = client.ready().await.unwrap().call(request).await.unwrap();
                        response.status().as_u16().to_string()
                    }
                }),
            )
            .layer(MonitoringLayer::new())
    };
    for forward in [false, true] {
        let request = Request::get("/orders")
            .header("traceparent", traceparent())
            .header("baggage", "session=secret-from-the-client")
            .body(Body::empty())
            .unwrap();
        let (_, body) = support::send(&app(forward), request).await;
        assert_eq!(body, "200");
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for (traceparent, _) in &seen {
        assert!(
            traceparent.contains(CALLER_TRACE),
            "the trace goes on to the platform: {traceparent}"
        );
    }
    assert_eq!(seen[0].1, "", "not forwarded by default");
    assert_eq!(seen[1].1, "session=secret-from-the-client");
}

#[tokio::test]
async fn the_scheme_is_what_the_server_knows_never_the_request_line() {
    use tower_monitoring::UrlScheme;
    let metrics = support::TestMetrics::new();
    let scheme_of = |layer: MonitoringLayer, target: &str, forwarded: Option<&str>| {
        let app = Router::new()
            .route("/a", get(|| async { "a" }))
            .layer(layer);
        let mut request = Request::get(target.to_owned());
        if let Some(proto) = forwarded {
            request = request.header("x-forwarded-proto", proto);
        }
        let request = request.body(Body::empty()).unwrap();
        async move { support::send(&app, request).await }
    };
    // The client writes an absolute-form target claiming https: still http.
    scheme_of(metrics.layer(), "https://evil.example/a", None).await;
    scheme_of(metrics.layer().url_scheme(UrlScheme::Https), "/a", None).await;
    scheme_of(
        metrics.layer().url_scheme(UrlScheme::ForwardedProto),
        "/a",
        Some("https"),
    )
    .await;
    let schemes = |scheme: &str| {
        metrics
            .durations_where(&[("url.scheme", scheme)])
            .iter()
            .map(|point| point.count)
            .sum::<u64>()
    };
    assert_eq!((schemes("http"), schemes("https")), (1, 2));
}
