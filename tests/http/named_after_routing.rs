//! Requests named after routing: the operation a JSON-RPC handler performed, and the answers
//! of a fallback service, each bounded whatever the client sends.

use crate::support;

use axum::body::Body;
use axum::extract::Json;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Router};
use opentelemetry::Value;
use support::TestMetrics;
use tower_monitoring::OperationName;
use tower_monitoring::names::attr;

/// A JSON-RPC endpoint that names the method it dispatched, as a real one would: known
/// methods by their static name, anything else by the name the client sent (to show that
/// the cap holds even for a careless handler).
async fn rpc(Json(call): Json<serde_json::Value>) -> impl IntoResponse {
    let method = call["method"].as_str().unwrap_or_default().to_owned();
    let name = match method.as_str() {
        "getUser" => OperationName::new("getUser"),
        "listOrders" => OperationName::new("listOrders"),
        _ => OperationName::owned(method),
    };
    (Extension(name), Json(serde_json::json!({ "result": null })))
}

async fn call(app: &Router, method: &str) {
    let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method }).to_string();
    let request = Request::post("/rpc")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    support::send(app, request).await;
}

fn operations(metrics: &TestMetrics) -> Vec<(String, u64)> {
    let mut found: Vec<(String, u64)> = metrics
        .durations_where(&[(attr::HTTP_ROUTE, "/rpc")])
        .into_iter()
        .map(|point| {
            let operation = point.attributes.get(attr::OPERATION_NAME).cloned();
            (operation.unwrap_or_else(|| "(none)".into()), point.count)
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_handler_names_its_operation_and_names_past_the_cap_fold_into_other() {
    let metrics = TestMetrics::new();
    let app = Router::new()
        .route("/rpc", post(rpc))
        .route("/plain", get(|| async { "plain" }))
        .layer(metrics.layer().max_operations(3));
    for method in ["getUser", "getUser", "listOrders"] {
        call(&app, method).await;
    }
    // A client inventing names: one more fits under the cap of 3, the rest fold.
    for n in 0..200 {
        call(&app, &format!("scan{n}")).await;
    }
    call(&app, &"x".repeat(65)).await;
    call(&app, "getUser").await;
    support::send(&app, Request::get("/plain").body(Body::empty()).unwrap()).await;

    assert_eq!(
        operations(&metrics),
        [
            ("_OTHER".to_owned(), 200),
            ("getUser".to_owned(), 3),
            ("listOrders".to_owned(), 1),
            ("scan0".to_owned(), 1),
        ]
    );
    let plain = metrics.durations_where(&[(attr::HTTP_ROUTE, "/plain")]);
    assert_eq!(plain.len(), 1);
    assert!(!plain[0].attributes.contains_key(attr::OPERATION_NAME));
    assert_eq!(metrics.active_requests(), 0);
}

#[tokio::test]
async fn the_server_span_carries_the_operation() {
    let (monitoring, spans) = support::traced("operation-span");
    let app = Router::new()
        .route("/rpc", post(rpc))
        .layer(monitoring.layer());
    call(&app, "listOrders").await;
    monitoring.tracer_provider().unwrap().force_flush().unwrap();
    let spans = spans.get_finished_spans().unwrap();
    let span = spans
        .iter()
        .find(|span| span.name == "POST /rpc")
        .expect("a server span");
    let operation = span
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == attr::OPERATION_NAME)
        .map(|kv| kv.value.clone());
    assert_eq!(operation, Some(Value::from("listOrders")));
}

/// Serves two files under /assets/ and the favicon; everything else is a 404, as
/// `ServeDir` answers.
async fn static_files(request: Request<Body>) -> StatusCode {
    match request.uri().path() {
        "/assets/app.js" | "/assets/app.css" | "/favicon.ico" => StatusCode::OK,
        _ => StatusCode::NOT_FOUND,
    }
}

#[tokio::test]
async fn a_fallback_service_answers_under_its_templates_and_its_404s_stay_unmatched() {
    let metrics = TestMetrics::new();
    let app = Router::new()
        .route("/api/items", get(|| async { "items" }))
        .fallback_service(tower::service_fn(|request| async move {
            Ok::<_, std::convert::Infallible>(static_files(request).await)
        }))
        .layer(
            metrics
                .layer()
                .fallback_route("/assets/{*path}")
                .fallback_route("/favicon.ico"),
        );
    let get = |path: String| Request::get(path).body(Body::empty()).unwrap();
    for path in [
        "/assets/app.js",
        "/assets/app.css",
        "/favicon.ico",
        "/api/items",
    ] {
        support::send(&app, get(path.to_owned())).await;
    }
    // A scanner: misses under the prefix and anywhere else.
    for n in 0..300 {
        support::send(&app, get(format!("/assets/probe{n}.php"))).await;
        support::send(&app, get(format!("/wp-admin/{n}"))).await;
    }

    let mut series: Vec<(String, String, u64)> = metrics
        .durations_where(&[])
        .into_iter()
        .map(|point| {
            let attribute = |key: &str| point.attributes.get(key).cloned().unwrap_or_default();
            (
                attribute(attr::HTTP_ROUTE),
                attribute(attr::HTTP_RESPONSE_STATUS_CODE),
                point.count,
            )
        })
        .collect();
    series.sort();
    let expected = [
        ("", "404", 600),
        ("/api/items", "200", 1),
        ("/assets/{*path}", "200", 2),
        ("/favicon.ico", "200", 1),
    ]
    .map(|(route, status, count)| (route.to_owned(), status.to_owned(), count));
    assert_eq!(series, expected);
    assert_eq!(metrics.active_requests(), 0);
}

#[cfg(feature = "operations")]
#[tokio::test]
async fn the_summary_lists_a_named_operation_with_its_route() {
    let monitoring = tower_monitoring::Monitoring::builder()
        .service_name("operation-summary")
        .system_metrics(false)
        .build()
        .unwrap();
    let app = Router::new()
        .route("/rpc", post(rpc))
        .layer(monitoring.layer());
    call(&app, "getUser").await;
    let routes: Vec<String> = monitoring
        .summary()
        .routes
        .most_called
        .into_iter()
        .map(|route| route.route)
        .collect();
    assert_eq!(routes, ["/rpc (getUser)"]);
}
