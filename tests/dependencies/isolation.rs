//! Two independent `Monitoring` instances in one process each see only their own traffic,
//! for every metric the crate records (HTTP, database, cache, platform, tool, workflow, job,
//! pool) and for the spans: the layer from `Monitoring::layer` makes its handle current for
//! the dependency calls of its requests, and `Monitoring::dependencies` serves the work
//! done outside a request. Neither instance is installed: nothing goes through the globals.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use support::prometheus::sample;
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_monitoring::Monitoring;
use tower_monitoring::dependency::{self, PlatformLayer, PoolUsage, Workflow};

/// A third-party platform on loopback.
async fn platform() -> String {
    let app = Router::new().route("/charges", post(|| async { StatusCode::CREATED }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/charges", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// A service whose one route calls every kind of dependency through the free functions.
fn app(monitoring: &Monitoring, platform: String) -> Router {
    Router::new()
        .route(
            "/work",
            get(move || {
                let platform = platform.clone();
                async move {
                    let _: Result<u8, std::io::Error> =
                        dependency::db("sqlite", "select", "users", async { Ok(1) }).await;
                    let _: Option<u8> = dependency::cache("users", "get", async { Some(1) }).await;
                    dependency::record_miss("users");
                    let _: Result<(), std::io::Error> =
                        dependency::tool("search", async { Ok(()) }).await;
                    dependency::job("email", async {}).await;
                    let checkout = Workflow::start("checkout");
                    let _: Result<(), std::io::Error> =
                        checkout.step("charge", async { Ok(()) }).await;
                    let mut client = ServiceBuilder::new()
                        .layer(PlatformLayer::new("payments"))
                        .service(reqwest::Client::new());
                    let request =
                        reqwest::Request::new(reqwest::Method::POST, platform.parse().unwrap());
                    let response = client.ready().await.unwrap().call(request).await.unwrap();
                    response.status().as_u16().to_string()
                }
            }),
        )
        .layer(monitoring.layer())
}

/// Sends `count` requests, runs one job and registers one pool outside any request.
async fn traffic(monitoring: &Monitoring, app: &Router, count: usize, pool: &'static str) {
    for _ in 0..count {
        let (status, body) =
            support::send(app, Request::get("/work").body(Body::empty()).unwrap()).await;
        assert_eq!((status, body.as_ref()), (StatusCode::OK, &b"201"[..]));
    }
    let handle = monitoring.dependencies();
    handle.job("nightly", async {}).await;
    handle.register_pool(pool, || PoolUsage::new(1, 1, 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_see_only_their_own_traffic() {
    let (a, spans_a) = support::traced("instance-a");
    let (b, spans_b) = support::traced("instance-b");
    let platform = platform().await;
    traffic(&a, &app(&a, platform.clone()), 2, "pool_a").await;
    traffic(&b, &app(&b, platform), 3, "pool_b").await;

    for (monitoring, requests, mine, theirs) in
        [(&a, 2.0, "pool_a", "pool_b"), (&b, 3.0, "pool_b", "pool_a")]
    {
        let text = monitoring.render_prometheus();
        let count = |name: &str, labels: &[&str]| {
            support::prometheus::samples(&text, name, labels).sum::<f64>()
        };
        for (name, labels) in [
            (
                "http_server_request_duration_seconds_count",
                "http_route=\"/work\"",
            ),
            (
                "db_client_operation_duration_seconds_count",
                "db_collection_name=\"users\"",
            ),
            (
                "cache_operation_duration_seconds_count",
                "cache_name=\"users\"",
            ),
            (
                "http_client_request_duration_seconds_count",
                "platform_name=\"payments\"",
            ),
            (
                "tool_execution_duration_seconds_count",
                "tool_name=\"search\"",
            ),
            (
                "workflow_step_duration_seconds_count",
                "workflow_step=\"charge\"",
            ),
            ("job_duration_seconds_count", "job_name=\"email\""),
        ] {
            assert_eq!(count(name, &[labels]), requests, "{name}\n{text}");
        }
        assert_eq!(
            count("cache_lookups_total", &["cache_result=\"hit\""]),
            requests
        );
        assert_eq!(
            count("cache_lookups_total", &["cache_result=\"miss\""]),
            requests
        );
        assert_eq!(
            count("job_duration_seconds_count", &["job_name=\"nightly\""]),
            1.0,
            "the job run through the handle, outside any request\n{text}"
        );
        assert_eq!(sample(&text, "workflow_active", &[]), Some(0.0), "{text}");
        assert_eq!(
            sample(
                &text,
                "db_client_connection_max",
                &[&format!("pool_name=\"{mine}\"")]
            ),
            Some(4.0),
            "{text}"
        );
        assert!(!text.contains(theirs), "the other instance's pool:\n{text}");
    }

    // The spans, too: each instance's exporter has its own requests and their children.
    for (monitoring, exporter, requests) in [(&a, &spans_a, 2), (&b, &spans_b, 3)] {
        monitoring.tracer_provider().unwrap().force_flush().unwrap();
        let spans = exporter.get_finished_spans().unwrap();
        for name in [
            "GET /work",
            "select users",
            "get users",
            "tool search",
            "POST",
        ] {
            let found = spans.iter().filter(|span| span.name == name).count();
            assert_eq!(found, requests, "{name}: {spans:#?}");
        }
    }
}
