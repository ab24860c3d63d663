//! A service that sets up its own `tracing` subscriber before anything else, as most do,
//! then installs the pipelines as the README's "A service with its own subscriber" says:
//! `tower_monitoring::tracing_layer()` in its subscriber, `.tracing_subscriber(false)` on
//! the builder. Handler spans still nest under the request's server span, and an `install()`
//! that forgets the setting fails with a message that names the way out. Its own test
//! binary: it sets the global subscriber.

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use opentelemetry_sdk::trace::{InMemorySpanExporter, Sampler};
use tower::ServiceExt;
use tower_monitoring::{ErrorKind, Monitoring};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[tracing::instrument]
async fn load_user(id: u64) -> &'static str {
    tracing::info!(id, "loading");
    "ada"
}

#[tokio::test]
async fn handler_spans_nest_under_the_request_span_with_the_applications_subscriber() {
    // The application's own subscriber, first, with the layer in it.
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_test_writer())
        .with(tower_monitoring::tracing_layer())
        .init();

    // Forgetting `.tracing_subscriber(false)` says what to do.
    let err = Monitoring::builder().install().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(
        err.to_string()
            .contains("tower_monitoring::tracing_layer()"),
        "{err}"
    );

    let exporter = InMemorySpanExporter::default();
    let monitoring = Monitoring::builder()
        .service_name("own-subscriber")
        .sampler(Sampler::AlwaysOn)
        .span_exporter(exporter.clone())
        .tracing_subscriber(false)
        .install()
        .unwrap();
    let app: Router = Router::new()
        .route("/users/{id}", get(|| load_user(7)))
        .layer(monitoring.layer());
    let response = app
        .oneshot(Request::get("/users/7").body(Body::empty()).unwrap())
        .await
        .unwrap();
    http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap();

    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let server = spans
        .iter()
        .find(|span| span.name == "GET /users/{id}")
        .unwrap_or_else(|| panic!("{spans:#?}"));
    let handler = spans
        .iter()
        .find(|span| span.name == "load_user")
        .unwrap_or_else(|| panic!("no handler span: {spans:#?}"));
    assert_eq!(handler.parent_span_id, server.span_context.span_id());
    assert_eq!(
        handler.span_context.trace_id(),
        server.span_context.trace_id()
    );
}

#[test]
fn a_monitorings_own_layer_does_nothing_without_tracing() {
    // Built, not installed: no tracer, so the layer is a no-op of the same shape.
    let monitoring = Monitoring::builder()
        .service_name("untraced")
        .system_metrics(false)
        .build()
        .unwrap();
    assert!(monitoring.tracer_provider().is_none());
    let subscriber = tracing_subscriber::registry().with(monitoring.tracing_layer());
    tracing::subscriber::with_default(subscriber, || {
        tracing::info_span!("quiet").in_scope(|| tracing::info!("nothing to bridge"));
    });
}
