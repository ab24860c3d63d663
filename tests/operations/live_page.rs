//! `GET /metrics/live` over HTTP: the embedded page, self-contained (no other origin), under
//! the endpoint prefix, and behind the metrics token with a challenge a browser answers.
//! scripts/check_live_page.mjs drives it in a real Chromium (run by scripts/e2e.py).

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;
use tower_monitoring::Monitoring;

async fn get(
    app: &Router,
    path: &str,
    authorization: Option<&str>,
) -> (StatusCode, Vec<(String, String)>, String) {
    let mut request = Request::builder().uri(path);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

#[tokio::test]
async fn the_page_is_self_contained_and_reads_the_report_beside_it() {
    let monitoring = Monitoring::builder()
        .alert_thread(false)
        .endpoint_prefix("/ops")
        .build()
        .unwrap();
    let app: Router = monitoring.routes();
    let (status, headers, page) = get(&app, "/ops/metrics/live", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
    let policy = header(&headers, "content-security-policy");
    assert!(
        policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"),
        "{policy}"
    );
    // Everything it needs is in it: no script, style or font from anywhere else.
    for outside in ["src=\"http", "href=\"http", "@import", "//cdn", "https://"] {
        assert!(!page.contains(outside), "the page loads {outside}");
    }
    assert!(page.len() < 24_000, "the page is {} bytes", page.len());
    // It asks for `report` relative to itself, so the prefix carries over.
    assert!(page.contains("fetch(\"report\""));
    assert_eq!(
        get(&app, "/ops/metrics/report", None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, "/metrics/live", None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn behind_the_metrics_token_a_browser_is_asked_for_basic_credentials() {
    let monitoring = Monitoring::builder()
        .alert_thread(false)
        .metrics_token("metrics-S3CRET")
        .build()
        .unwrap();
    let app: Router = monitoring.routes();
    let (status, headers, body) = get(&app, "/metrics/live", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        header(&headers, "www-authenticate").starts_with("Basic realm="),
        "{headers:?}"
    );
    assert!(
        !body.contains("fetch("),
        "the page is not served without the token"
    );
    // Any user, the token as the password: the page and the report it reads.
    let basic = "Basic b3BlcmF0b3I6bWV0cmljcy1TM0NSRVQ="; // operator:metrics-S3CRET
    assert_eq!(
        get(&app, "/metrics/live", Some(basic)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, "/metrics/report", Some(basic)).await.0,
        StatusCode::OK
    );
    let wrong = "Basic b3BlcmF0b3I6d3Jvbmc="; // operator:wrong
    assert_eq!(
        get(&app, "/metrics/live", Some(wrong)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, "/metrics/live", Some("Bearer metrics-S3CRET"))
            .await
            .0,
        StatusCode::OK
    );
}
