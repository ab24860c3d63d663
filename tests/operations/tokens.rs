//! The bearer tokens of the monitoring endpoints: never printed, matched with any case of the
//! `Bearer` scheme, refused when `Authorization` comes twice, and every refusal counted.

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use support::prometheus::sample;
use tower_monitoring::Monitoring;
use tower_monitoring::names::prometheus as prom;

fn guarded() -> Monitoring {
    Monitoring::builder()
        .service_name("tokens")
        .system_metrics(false)
        .metrics_token("metrics-S3CRET")
        .admin_token("admin-S3CRET")
        .build()
        .unwrap()
}

async fn status(app: &Router, method: &str, path: &str, authorization: &[&str]) -> StatusCode {
    let mut request = Request::builder().method(method).uri(path);
    for value in authorization {
        request = request.header("authorization", *value);
    }
    support::send(app, request.body(Body::empty()).unwrap())
        .await
        .0
}

#[test]
fn debug_output_never_shows_a_token() {
    let monitoring = guarded();
    let printed = format!("{monitoring:?} {monitoring:#?}");
    assert!(!printed.contains("S3CRET"), "{printed}");
    assert!(printed.contains("redacted"), "{printed}");
}

#[tokio::test]
async fn the_scheme_is_matched_without_case_and_one_header_only() {
    let monitoring = guarded();
    let app: Router = monitoring.routes();
    for good in [
        "Bearer metrics-S3CRET",
        "bearer metrics-S3CRET",
        "BEARER  metrics-S3CRET",
    ] {
        assert_eq!(
            status(&app, "GET", "/metrics", &[good]).await,
            StatusCode::OK,
            "{good}"
        );
    }
    // Twice, even twice right: a proxy and a client disagreeing is no credential.
    let twice = ["Bearer metrics-S3CRET", "Bearer metrics-S3CRET"];
    assert_eq!(
        status(&app, "GET", "/metrics", &twice).await,
        StatusCode::UNAUTHORIZED
    );
    for wrong in [
        &["Bearer metrics-S3CRE"][..],
        &["Basic metrics-S3CRET"],
        &[],
    ] {
        assert_eq!(
            status(&app, "GET", "/metrics", wrong).await,
            StatusCode::UNAUTHORIZED,
            "{wrong:?}"
        );
    }
    // The admin endpoint takes the admin token only.
    let as_reader = ["Bearer metrics-S3CRET"];
    assert_eq!(
        status(&app, "POST", "/metrics/reset", &as_reader).await,
        StatusCode::UNAUTHORIZED
    );
    let as_admin = ["bearer admin-S3CRET"];
    assert_eq!(
        status(&app, "POST", "/metrics/reset", &as_admin).await,
        StatusCode::OK
    );

    let text = monitoring.render_prometheus();
    let failures = |token: &str| {
        sample(
            &text,
            prom::MONITORING_AUTH_FAILURES,
            &[&format!("monitoring_token=\"{token}\"")],
        )
    };
    assert_eq!(failures("metrics"), Some(4.0), "{text}");
    assert_eq!(failures("admin"), Some(1.0), "{text}");
}

/// Walks every operator path: each one a token guards answers 401 (or the live page's Basic
/// challenge) without it and passes with it, so a route cannot be added open. Only the
/// probes answer without a token.
#[tokio::test]
async fn every_operator_route_but_the_probes_is_guarded() {
    let monitoring = guarded();
    let app: Router = monitoring.routes();
    let mut guarded_routes = 0;
    for (path, group) in tower_monitoring::Endpoints::PATHS {
        // `seconds=1` keeps a CPU profile short; other routes ignore the query.
        let uri = format!("{path}?seconds=1");
        for method in ["GET", "POST"] {
            let with_metrics = status(&app, method, &uri, &["Bearer metrics-S3CRET"]).await;
            let with_admin = status(&app, method, &uri, &["Bearer admin-S3CRET"]).await;
            let served = |status: StatusCode| {
                status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED
            };
            if !served(with_metrics) && !served(with_admin) {
                continue; // not served in this build, or not with this method
            }
            let without = status(&app, method, &uri, &[]).await;
            if *group == tower_monitoring::Endpoints::PROBES {
                assert!(without.is_success(), "{method} {path}: {without}");
                continue;
            }
            guarded_routes += 1;
            assert_eq!(without, StatusCode::UNAUTHORIZED, "{method} {path}");
            let wrong = status(&app, method, &uri, &["Bearer wrong"]).await;
            assert_eq!(wrong, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert!(
                with_metrics != StatusCode::UNAUTHORIZED || with_admin != StatusCode::UNAUTHORIZED,
                "{method} {path}: refused with either token"
            );
        }
    }
    assert!(guarded_routes >= 5, "only {guarded_routes} guarded routes");
}
