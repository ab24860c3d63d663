//! Database and cache calls made by a handler: metrics with the semantic-convention
//! attributes and the route they ran under, client spans under the request's server span,
//! and the outcomes `Ok`, `Err` and cancelled. Its own test binary: it installs the globals.

mod support;

use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use opentelemetry::trace::{SpanId, Status};
use opentelemetry_sdk::trace::SpanData;
use support::prometheus::sample;
use tower::ServiceExt;
use tower_monitoring::dependency::{monitor_cache, monitor_db};
use tower_monitoring::{MonitoringLayer, dependency};

/// The application's names for its errors: a small fixed set, stable across compilers.
fn name_io_error(err: &std::io::Error) -> &'static str {
    match err.kind() {
        std::io::ErrorKind::TimedOut => "timeout",
        _ => "io",
    }
}

#[monitor_db(
    system = "sqlite",
    operation = "insert",
    table = "orders",
    error_type = name_io_error
)]
async fn insert_order(id: u64) -> Result<u64, std::io::Error> {
    if id == 0 {
        return Err(std::io::Error::other("no order 0"));
    }
    let parsed: u64 = id.to_string().parse().map_err(std::io::Error::other)?;
    Ok(parsed)
}

/// A generic data layer, naming its table by an associated constant.
trait Model {
    const TABLE: &'static str;
}

struct Invoice;

impl Model for Invoice {
    const TABLE: &'static str = "invoices";
}

const SYSTEM: &str = "sqlite";

struct Repository<M>(std::marker::PhantomData<M>);

impl<M: Model> Repository<M> {
    #[monitor_db(system = SYSTEM, operation = "select", table = M::TABLE)]
    async fn find(&self, id: u64) -> Result<Option<u64>, std::io::Error> {
        Ok((id > 0).then_some(id))
    }
}

/// A function rather than a closure: a closure inside a handler's future trips rustc's
/// higher-ranked `Send` inference.
fn describe_kv(_: &()) -> (&'static str, &'static str) {
    ("get", "kv.sessions")
}

#[monitor_cache(name = "orders", operation = "get")]
async fn cached_order(id: u64) -> Option<u64> {
    (id % 2 == 0).then_some(id)
}

fn span<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans
        .iter()
        .find(|span| span.name == name)
        .unwrap_or_else(|| panic!("no span {name} in {spans:#?}"))
}

/// What the scenario below left: the scrape and the finished spans.
struct Recorded {
    text: String,
    spans: Vec<SpanData>,
}

/// Runs the scenario once for every test of this binary (it installs the globals, so it
/// cannot run twice at once), on a runtime of its own.
fn recorded() -> &'static Recorded {
    static RECORDED: OnceLock<Recorded> = OnceLock::new();
    RECORDED.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(scenario())
    })
}

/// Database, cache, tool, workflow, job and client calls under requests, some failing and
/// some cancelled, and a cache hit outside any request.
async fn scenario() -> Recorded {
    let (monitoring, exporter) = support::traced_installed("deps");

    let app = Router::new()
        .route(
            "/users/{id}",
            get(|| async {
                let cached = dependency::cache("users", "get", async { None::<String> }).await;
                assert!(cached.is_none());
                let user: Result<String, std::io::Error> =
                    dependency::db("sqlite", "select", "users", async { Ok("ada".into()) }).await;
                user.unwrap()
            }),
        )
        .route(
            "/broken",
            get(|| async {
                let failed: Result<(), std::io::Error> =
                    dependency::db("sqlite", "insert", "orders", async {
                        Err(std::io::Error::other("disk full"))
                    })
                    .await;
                assert!(failed.is_err());
                StatusCode::INTERNAL_SERVER_ERROR
            }),
        )
        .route(
            "/orders/{id}",
            get(|| async {
                assert_eq!(insert_order(4).await.unwrap(), 4);
                assert!(insert_order(0).await.is_err());
                assert_eq!(cached_order(4).await, Some(4));
                assert_eq!(cached_order(3).await, None);
                let invoices = Repository::<Invoice>(std::marker::PhantomData);
                assert_eq!(invoices.find(0).await.unwrap(), None);
            }),
        )
        .route(
            "/work",
            get(|| async {
                // Every other kind of dependency, to check its span nests under the request.
                dependency::tool("search", async { Ok::<_, std::io::Error>(()) })
                    .await
                    .unwrap();
                let checkout = dependency::Workflow::start("checkout");
                checkout
                    .step("charge", async { Ok::<_, std::io::Error>(()) })
                    .await
                    .unwrap();
                // A step failing with a `String`: `_OTHER` by default, never a type name;
                // named by the application when it says how.
                let sold_out: Result<(), String> = checkout
                    .step("reserve", async { Err("sold out".to_owned()) })
                    .await;
                assert!(sold_out.is_err());
                let sold_out: Result<(), String> = checkout
                    .step("reserve", async { Err("sold out".to_owned()) })
                    .error_type(|_: &String| "sold_out")
                    .await;
                assert!(sold_out.is_err());
                dependency::job("email", async {}).await;
                let kv = tower::service_fn(|_: ()| async { Ok::<_, std::io::Error>(1) });
                let kv = tower::Layer::layer(&dependency::ClientLayer::new("kv", describe_kv), kv);
                kv.oneshot(()).await.unwrap();
                let refusing =
                    tower::service_fn(|_: ()| async { Err::<u8, _>(std::io::Error::other("no")) });
                let named =
                    dependency::ClientLayer::new("kv", describe_kv).error_type(name_io_error);
                assert!(
                    tower::Layer::layer(&named, refusing)
                        .oneshot(())
                        .await
                        .is_err()
                );
                // A failing cache, a failing job, and a cache call and a step dropped mid-way.
                let broken: Result<Option<u8>, std::io::Error> =
                    dependency::cache("sessions", "get", async {
                        Err(std::io::Error::other("down"))
                    })
                    .await;
                assert!(broken.is_err());
                let failed: Result<(), std::io::Error> =
                    dependency::job("email", async { Err(std::io::Error::other("smtp")) }).await;
                assert!(failed.is_err());
                let never = std::future::pending::<Option<u8>>();
                assert!(
                    tokio::time::timeout(
                        Duration::from_millis(1),
                        dependency::cache("sessions", "get", never)
                    )
                    .await
                    .is_err()
                );
                let never = std::future::pending::<Result<(), std::io::Error>>();
                assert!(
                    tokio::time::timeout(Duration::from_millis(1), checkout.step("confirm", never))
                        .await
                        .is_err()
                );
            }),
        )
        .route(
            "/stuck",
            get(|| async {
                let _: Result<(), std::io::Error> =
                    dependency::db("sqlite", "select", "locks", async {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        Ok(())
                    })
                    .await;
            }),
        )
        .layer(MonitoringLayer::new());

    support::send(&app, Request::get("/users/1").body(Body::empty()).unwrap()).await;
    support::send(&app, Request::get("/broken").body(Body::empty()).unwrap()).await;
    support::send(&app, Request::get("/orders/1").body(Body::empty()).unwrap()).await;
    support::send(&app, Request::get("/work").body(Body::empty()).unwrap()).await;
    // The client gives up while the query runs: the request and the query are cancelled.
    let stuck = app
        .clone()
        .oneshot(Request::get("/stuck").body(Body::empty()).unwrap());
    assert!(
        tokio::time::timeout(Duration::from_millis(20), stuck)
            .await
            .is_err()
    );
    // Outside any request: no route.
    dependency::record_hit("users");

    let text = monitoring.render_prometheus();
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    Recorded { text, spans }
}

#[test]
fn database_calls_carry_system_operation_table_route_and_outcome() {
    let text = &recorded().text;
    let db = "db_client_operation_duration_seconds_count";
    let select = [
        "db_system_name=\"sqlite\"",
        "db_operation_name=\"select\"",
        "db_collection_name=\"users\"",
        "http_route=\"/users/{id}\"",
    ];
    assert_eq!(sample(text, db, &select), Some(1.0), "{text}");
    assert!(
        !text.lines().any(|line| line.starts_with(db)
            && line.contains("users")
            && line.contains("error_type"))
    );
    let insert = [
        "db_operation_name=\"insert\"",
        "http_route=\"/broken\"",
        "error_type=\"_OTHER\"",
    ];
    assert_eq!(sample(text, db, &insert), Some(1.0), "{text}");
    let cancelled = [
        "db_collection_name=\"locks\"",
        "http_route=\"/stuck\"",
        "error_type=\"cancelled\"",
    ];
    assert_eq!(sample(text, db, &cancelled), Some(1.0), "{text}");
}

#[test]
fn cache_lookups_hit_or_miss_with_the_route_they_ran_under() {
    let text = &recorded().text;
    let lookups = "cache_lookups_total";
    let miss = [
        "cache_name=\"users\"",
        "cache_result=\"miss\"",
        "http_route=\"/users/{id}\"",
    ];
    assert_eq!(sample(text, lookups, &miss), Some(1.0), "{text}");
    let hit = text
        .lines()
        .find(|line| line.starts_with(lookups) && line.contains("cache_result=\"hit\""))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(!hit.contains("http_route"), "outside a request: {hit}");
    let cache = [
        "cache_name=\"users\"",
        "cache_operation=\"get\"",
        "http_route=\"/users/{id}\"",
    ];
    assert_eq!(
        sample(text, "cache_operation_duration_seconds_count", &cache),
        Some(1.0),
        "{text}"
    );
}

#[test]
fn other_kinds_fail_and_cancel_with_stable_error_types() {
    let text = &recorded().text;
    // Failures and cancellations of the other kinds.
    let cache_count = "cache_operation_duration_seconds_count";
    let sessions = ["cache_name=\"sessions\"", "http_route=\"/work\""];
    for error in ["error_type=\"_OTHER\"", "error_type=\"cancelled\""] {
        let labels: Vec<&str> = sessions.iter().copied().chain([error]).collect();
        assert_eq!(
            sample(text, cache_count, &labels),
            Some(1.0),
            "{error}: {text}"
        );
    }
    assert!(
        !text
            .lines()
            .any(|line| line.starts_with("cache_lookups_total") && line.contains("sessions")),
        "a failed or cancelled lookup is neither hit nor miss"
    );
    let job_failed = ["job_name=\"email\"", "error_type=\"_OTHER\""];
    assert_eq!(
        sample(text, "job_duration_seconds_count", &job_failed),
        Some(1.0),
        "{text}"
    );
    for error_type in ["_OTHER", "sold_out"] {
        let labels = [
            "workflow_step=\"reserve\"".to_owned(),
            format!("error_type=\"{error_type}\""),
        ];
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let steps = "workflow_step_duration_seconds_count";
        assert_eq!(sample(text, steps, &labels), Some(1.0), "{text}");
    }
    assert!(
        !text.contains("alloc::"),
        "no Rust type name is a label: {text}"
    );
    let client_failed = ["client_name=\"kv\"", "error_type=\"io\""];
    assert_eq!(
        sample(
            text,
            "client_operation_duration_seconds_count",
            &client_failed
        ),
        Some(1.0),
        "{text}"
    );
    let step_cancelled = ["workflow_step=\"confirm\"", "error_type=\"cancelled\""];
    assert_eq!(
        sample(
            text,
            "workflow_step_duration_seconds_count",
            &step_cancelled
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(text, "workflow_active", &["workflow_name=\"checkout\""]),
        Some(0.0),
        "{text}"
    );
}

#[test]
fn the_attribute_macros_record_as_the_wrappers_do() {
    let text = &recorded().text;
    let db = "db_client_operation_duration_seconds_count";
    let lookups = "cache_lookups_total";
    // The attribute macros record exactly as the wrappers do.
    let macro_insert = [
        "db_collection_name=\"orders\"",
        "http_route=\"/orders/{id}\"",
    ];
    let ok = text
        .lines()
        .find(|line| {
            line.starts_with(db)
                && macro_insert.iter().all(|label| line.contains(label))
                && !line.contains("error_type")
        })
        .unwrap_or_else(|| panic!("{text}"));
    assert!(ok.ends_with(" 1"), "{ok}");
    let failed: Vec<&str> = macro_insert
        .iter()
        .copied()
        .chain(["error_type=\"io\""])
        .collect();
    assert_eq!(sample(text, db, &failed), Some(1.0), "{text}");
    for result in ["hit", "miss"] {
        let labels = [
            "cache_name=\"orders\"".to_owned(),
            format!("cache_result=\"{result}\""),
            "http_route=\"/orders/{id}\"".to_owned(),
        ];
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        assert_eq!(
            sample(text, lookups, &labels),
            Some(1.0),
            "{result}: {text}"
        );
    }
}

#[test]
fn a_generic_data_layer_names_its_table_with_a_constant() {
    let text = &recorded().text;
    let db = "db_client_operation_duration_seconds_count";
    let found_nothing = [
        "db_system_name=\"sqlite\"",
        "db_collection_name=\"invoices\"",
        "http_route=\"/orders/{id}\"",
    ];
    // `Ok(None)`, a row not found, is a success.
    let line = text
        .lines()
        .find(|line| line.starts_with(db) && found_nothing.iter().all(|l| line.contains(l)))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        !line.contains("error_type") && line.ends_with(" 1"),
        "{line}"
    );
}

#[test]
fn every_dependency_span_nests_under_its_request() {
    let spans = &recorded().spans;
    let server = span(spans, "GET /users/{id}");
    for child in [span(spans, "select users"), span(spans, "get users")] {
        assert_eq!(
            child.span_context.trace_id(),
            server.span_context.trace_id()
        );
        assert_eq!(child.parent_span_id, server.span_context.span_id());
    }
    let insert = span(spans, "insert orders");
    assert!(
        matches!(insert.status, Status::Error { .. }),
        "{:?}",
        insert.status
    );
    assert_ne!(insert.parent_span_id, SpanId::INVALID);
    let work = span(spans, "GET /work");
    for name in [
        "tool search",
        "checkout charge",
        "job email",
        "get sessions",
    ] {
        let child = span(spans, name);
        assert_eq!(child.parent_span_id, work.span_context.span_id(), "{name}");
        assert_eq!(
            child.span_context.trace_id(),
            work.span_context.trace_id(),
            "{name}"
        );
    }
    let locks = span(spans, "select locks");
    assert!(matches!(locks.status, Status::Error { .. }));
    assert_eq!(
        span(spans, "GET /stuck").span_context.span_id(),
        locks.parent_span_id
    );
}
