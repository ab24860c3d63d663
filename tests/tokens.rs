//! The bearer tokens of the monitoring endpoints: never printed, matched with any case of the
//! `Bearer` scheme, refused when `Authorization` comes twice, and every refusal counted.

mod support;

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
